#!/usr/bin/env python3
"""Print the ToonKit / peer ratio tables from the JSON files Benchmarks/compare.sh leaves in a folder.

    python Benchmarks/peers/compare_table.py /tmp/toonkit-compare-YYYYmmdd-HHMMSS

Files read (any may be absent; the table says so):
  conv-toonkit-<round>.json, conv-torch-<round>.json   arrays of {name, gflops, median_ms}
  gen-<impl>-<resolution>-b<batch>-r<round>.json        one row (object or one-element array) with
                                                        median_ms (per image) and peak_rss_mb
  gen-<impl>-<resolution>-b<batch>-r<round>.missing     one line: why that peer was not measured
Over rounds: the median of the medians, the largest peak RSS.
Ratios are time ratios, ToonKit / peer: below 1 means ToonKit is faster. Standard library only.
"""
import glob
import json
import os
import re
import statistics
import sys

IMPLS = [("toonkit", "ToonKit"), ("nvlabs", "NVlabs"), ("rosinality", "rosinality"), ("onnxruntime", "ORT")]
GOALS = {256: 0.6, 1024: 0.4}  # ToonKit time / NVlabs time, from the project's goals


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def rows_by_name(pattern):
    """name -> list of rows over the rounds that produced that file pattern."""
    out = {}
    for path in sorted(glob.glob(pattern)):
        data = load(path)
        for row in data if isinstance(data, list) else []:
            out.setdefault(row["name"], []).append(row)
    return out


def fmt(v, spec):
    return format(v, spec) if v is not None else "-"


def ratio(a, b):
    return a / b if a is not None and b else None


def table(header, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).rjust(w) if i else str(c).ljust(w)
                                           for i, (c, w) in enumerate(zip(cells, widths))) + " |"
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))


def conv_section(folder):
    toon = rows_by_name(os.path.join(folder, "conv-toonkit-*.json"))
    torch = rows_by_name(os.path.join(folder, "conv-torch-*.json"))
    if not toon and not torch:
        print("Convolutions: not measured\n")
        return
    rounds = len(glob.glob(os.path.join(folder, "conv-toonkit-*.json")))
    names = list(toon) + [n for n in torch if n not in toon]
    rows = []
    for name in names:
        t = statistics.median(r["median_ms"] for r in toon[name]) if name in toon else None
        p = statistics.median(r["median_ms"] for r in torch[name]) if name in torch else None
        tg = statistics.median(r["gflops"] for r in toon[name]) if name in toon else None
        pg = statistics.median(r["gflops"] for r in torch[name]) if name in torch else None
        rows.append([name, fmt(t, ".2f"), fmt(tg, ".1f"), fmt(p, ".2f"), fmt(pg, ".1f"), fmt(ratio(t, p), ".2f")])
    print(f"Convolutions and sgemm (median of per-round medians, {rounds} interleaved round(s); "
          "ratio = ToonKit ms / PyTorch ms)")
    table(["row", "ToonKit ms", "GFLOP/s", "PyTorch ms", "GFLOP/s", "ToonKit/PyTorch"], rows)
    print()


def gen_section(folder):
    rounds, missing = {}, {}
    for path in sorted(glob.glob(os.path.join(folder, "gen-*"))):
        m = re.match(r"gen-(\w+)-(\d+)-b(\d+)(?:-r\d+)?\.(json|missing)$", os.path.basename(path))
        if not m:
            continue
        key = (m.group(1), int(m.group(2)), int(m.group(3)))
        if m.group(4) == "missing":
            missing[key] = open(path).read().strip()
        else:
            data = load(path)
            row = data[0] if isinstance(data, list) and data else data
            if isinstance(row, dict) and "median_ms" in row:
                rounds.setdefault(key, []).append(row)
            else:
                missing[key] = "no result (see log)"
    results = {}
    for key, rows in rounds.items():
        rss = [r["peak_rss_mb"] for r in rows if r.get("peak_rss_mb")]
        results[key] = {"median_ms": statistics.median(r["median_ms"] for r in rows),
                        "peak_rss_mb": max(rss) if rss else None, "rounds": len(rows)}
        missing.pop(key, None)  # measured in some round: report the measurement
    configs = sorted({(r, b) for (_, r, b) in list(results) + list(missing)})
    if not configs:
        print("Generators: not measured")
        return
    rows = []
    for res, batch in configs:
        cells = [f"G {res} b{batch}"]
        ms = {}
        for impl, _ in IMPLS:
            row = results.get((impl, res, batch))
            if row:
                ms[impl] = row["median_ms"]
                rss = row.get("peak_rss_mb")
                cells.append(f"{row['median_ms']:.0f} ({rss / 1e3:.2f} GB)" if rss else f"{row['median_ms']:.0f}")
            else:
                cells.append("n/a" if (impl, res, batch) not in missing else "missing")
        for impl, _ in IMPLS[1:]:
            cells.append(fmt(ratio(ms.get("toonkit"), ms.get(impl)), ".2f"))
        t_rss = results.get(("toonkit", res, batch), {}).get("peak_rss_mb")
        n_rss = results.get(("nvlabs", res, batch), {}).get("peak_rss_mb")
        cells.append(fmt(ratio(t_rss, n_rss), ".2f"))
        goal = GOALS.get(res)
        r = ratio(ms.get("toonkit"), ms.get("nvlabs"))
        cells.append(("met" if r <= goal else "not met") + f" (<= {goal})" if goal and r is not None else "-")
        rows.append(cells)
    print("Generators, config-f, random weights, noise const: ms per image (peak RSS of the process); "
          "ratios = ToonKit time / peer time")
    table(["config"] + [label for _, label in IMPLS] + [f"T/{label}" for _, label in IMPLS[1:]]
          + ["RSS T/NVlabs", "time goal vs NVlabs"], rows)
    for (impl, res, batch), why in sorted(missing.items()):
        print(f"  missing {impl} G {res} b{batch}: {why}")
    print("  ORT is exported with a fixed batch of 1: batch-4 rows have no ORT column.")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    folder = sys.argv[1]
    conv_section(folder)
    gen_section(folder)


if __name__ == "__main__":
    main()
