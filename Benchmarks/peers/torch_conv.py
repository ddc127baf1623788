#!/usr/bin/env python3
"""PyTorch CPU conv2d throughput, row for row comparable with `toon-bench conv --json`.

Same layer list, batch sizes, FLOP count, warm-up (one call) and median as
Benchmarks/toon-bench/main.swift; same JSON (an array of {name, gflops, median_ms}, sorted keys).
Test tooling only: needs PyTorch, nothing from ToonKit.

    python Benchmarks/peers/torch_conv.py [--runs 7] [--threads 2] [--gemm] [--json]
"""
import argparse
import json
import os
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=7, help="timed runs per row after one warm-up (default 7)")
    p.add_argument("--threads", type=int, default=2, help="torch intra-op threads (default 2)")
    p.add_argument("--gemm", action="store_true",
                   help="also time torch.mm on 2048^3 as 'sgemm 2048x2048x2048' (toon-bench gemm row)")
    p.add_argument("--json", action="store_true", help="print JSON (the format of toon-bench --json)")
    p.add_argument("--size", type=int, action="append", help="only layers of this size (repeatable)")
    p.add_argument("--batch", type=int, action="append", help="only this batch size (repeatable)")
    return p.parse_args()


def measure(name, flops, runs, body):
    body()  # warm-up: page faults, thread pool start, oneDNN primitive creation
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    median = sorted(times)[len(times) // 2]  # same (upper) median as toon-bench
    return {"name": name, "gflops": flops / median / 1e9 if flops > 0 else 0.0, "median_ms": median * 1e3}


def main():
    args = parse_args()
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    rows = []
    with torch.no_grad():
        if args.gemm:
            n = 2048
            a, b = torch.ones(n, n), torch.ones(n, n)
            rows.append(measure("sgemm 2048x2048x2048", 2.0 * n ** 3, args.runs, lambda: torch.mm(a, b)))
        # (input channels, output channels, size): the StyleGAN2 config-f 3x3 layers, as in toon-bench.
        layers = [(512, 512, 4), (512, 512, 8), (512, 512, 16), (512, 512, 32), (512, 512, 64), (256, 128, 256)]
        for batch in args.batch or (1, 4):
            for cin, cout, size in layers:
                if args.size and size not in args.size:
                    continue
                x = torch.full((batch, cin, size, size), 0.5)
                w = torch.full((cout, cin, 3, 3), 0.01)
                flops = 2.0 * batch * cout * size * size * cin * 9
                rows.append(measure(f"conv3x3 {cin}->{cout} {size}px b{batch}", flops, args.runs,
                                    lambda x=x, w=w: F.conv2d(x, w, padding=1)))

    if args.json:
        print(json.dumps(rows, indent=2, sort_keys=True))
    else:
        print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, "
              f"mkldnn {torch.backends.mkldnn.is_available()}", file=sys.stderr)
        for r in rows:
            rate = f"  {r['gflops']:7.1f} GFLOP/s" if r["gflops"] > 0 else ""
            print(f"{r['name']:<34}{r['median_ms']:9.2f} ms{rate}")


if __name__ == "__main__":
    main()
