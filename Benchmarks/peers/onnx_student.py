#!/usr/bin/env python3
"""Time a stylizer student exported by `toon export --format onnx`, run by ONNX Runtime on CPU.

    toon export --model student.safetensors --format onnx --out student.onnx
    python3 Benchmarks/peers/onnx_student.py --model student.onnx --resolution 256 --runs 20

The same file ToonKit runs, on the CPU provider with 2 intra-op threads, batch 1, a random frame in
[-1, 1]: one warm-up, then the median of --runs. Prints one JSON object (milliseconds per frame).
Needs onnxruntime and numpy (test tooling, not ToonKit dependencies).
"""
import argparse
import json
import time

import numpy as np
import onnxruntime

parser = argparse.ArgumentParser()
parser.add_argument("--model", required=True)
parser.add_argument("--resolution", type=int, default=256)
parser.add_argument("--runs", type=int, default=20)
parser.add_argument("--threads", type=int, default=2)
args = parser.parse_args()

options = onnxruntime.SessionOptions()
options.intra_op_num_threads = args.threads
options.inter_op_num_threads = 1
session = onnxruntime.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
frame = np.random.default_rng(2).uniform(-1, 1, (1, 3, args.resolution, args.resolution)).astype(np.float32)
feeds = {"image": frame}
if any(i.name == "degree" for i in session.get_inputs()):
    feeds["degree"] = np.ones(1, np.float32)
session.run(None, feeds)
times = []
for _ in range(args.runs):
    start = time.perf_counter()
    session.run(None, feeds)
    times.append(time.perf_counter() - start)
print(json.dumps({"impl": "onnxruntime", "version": onnxruntime.__version__, "name": f"student {args.resolution} (per frame)",
                  "median_ms": 1000 * float(np.median(times)), "min_ms": 1000 * min(times), "runs": args.runs,
                  "threads": args.threads}))
