#!/usr/bin/env python3
"""Run a command that prints JSON (a row object or an array of rows) and add its peak RSS.

    python Benchmarks/peers/peak_rss.py -- .build/release/toon-bench generator --resolution 256 --batch 1 --json

Peak RSS is ru_maxrss of the waited-for child (RUSAGE_CHILDREN), in MB, added to every row as
`peak_rss_mb` (rows that already carry one keep theirs). Standard library only.
"""
import json
import resource
import subprocess
import sys


def main():
    argv = sys.argv[1:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        sys.exit(__doc__)
    done = subprocess.run(argv, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.stdout.write(done.stdout)
        sys.exit(done.returncode)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 / 1e6
    data = json.loads(done.stdout)
    for row in data if isinstance(data, list) else [data]:
        row.setdefault("peak_rss_mb", peak)
    print(json.dumps(data, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
