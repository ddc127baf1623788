#!/usr/bin/env python3
"""Time rosinality's StyleGAN2 config-f generator exported to ONNX, run by ONNX Runtime on CPU.

    python Benchmarks/peers/onnx_generator.py --repo $PEERS/stylegan2-pytorch --resolution 256 --runs 5

What a CPU-only user would do instead of PyTorch: export with `torch.onnx.export(..., dynamo=True)`
(the TorchScript exporter refuses the modulated convolution), fixed batch 1, noise const, random
weights (torch.manual_seed), then an onnxruntime InferenceSession on the CPU provider with 2 intra-op
threads. Two child processes, so that peak RSS means something: `--stage export` (PyTorch: writes
the model, the latent and PyTorch's image under --out-dir, reused on later runs unless
--force-export) and `--stage time` (onnxruntime + numpy only: one warm-up, median of --runs, peak
RSS, largest difference from PyTorch's image). Prints one JSON object.
Needs onnx, onnxscript and onnxruntime in the same Python (test tooling, not ToonKit dependencies).
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

# Leave no __pycache__ behind, neither here nor in the peer's checkout.
sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def paths(args):
    stem = os.path.join(args.out_dir, f"rosinality-G{args.resolution}-b1-seed{args.seed}")
    return stem + ".onnx", stem + "-z.npy", stem + "-torch.npy"


def stage_export(args):
    sys.path.insert(0, HERE)
    import numpy as np
    import torch
    import peer_models

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    generator, call = peer_models.rosinality_generator(args.repo, args.resolution)

    class Wrapped(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.g = generator

        def forward(self, z):
            return call(z)

    model = Wrapped().eval()
    z = torch.randn(1, 512, generator=torch.Generator().manual_seed(0))
    onnx_path, z_path, ref_path = paths(args)
    os.makedirs(args.out_dir, exist_ok=True)
    start = time.perf_counter()
    with torch.no_grad():
        reference = call(z)
        program = torch.onnx.export(model, (z,), dynamo=True)
    program.save(onnx_path)  # weights may go to a side file (.onnx.data), next to it
    np.save(z_path, z.numpy())
    np.save(ref_path, reference.numpy())
    print(json.dumps({"export_s": time.perf_counter() - start, "export_peak_rss_mb": rss_mb(),
                      "onnx": onnx_path}))


def stage_time(args):
    import numpy as np
    import onnxruntime as ort

    onnx_path, z_path, ref_path = paths(args)
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    z = np.load(z_path)
    image = session.run(None, {name: z})[0]  # warm-up
    max_abs_diff = float(np.abs(image - np.load(ref_path)).max())
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        session.run(None, {name: z})
        times.append(time.perf_counter() - start)
    times.sort()
    print(json.dumps({
        "impl": "onnxruntime",
        "name": f"G config-f {args.resolution} b1 (per image)",
        "median_ms": times[len(times) // 2] * 1e3,
        "min_ms": times[0] * 1e3,
        "runs": args.runs,
        "threads": args.threads,
        "max_abs_diff_vs_torch": max_abs_diff,
        "peak_rss_mb": rss_mb(),
        "onnxruntime": ort.__version__,
    }, sort_keys=True))


def child(args, stage):
    argv = [sys.executable, os.path.abspath(__file__), "--stage", stage, "--repo", args.repo,
            "--resolution", str(args.resolution), "--runs", str(args.runs), "--threads", str(args.threads),
            "--seed", str(args.seed), "--out-dir", args.out_dir]
    # The exporter is chatty on stderr (torchvision absent, graph passes): show it only on failure.
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-6000:])
        sys.exit(f"onnx_generator: stage {stage} failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repo", required=True, help="checkout of rosinality/stylegan2-pytorch")
    p.add_argument("--resolution", type=int, choices=[256, 512, 1024], default=256)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--threads", type=int, default=2, help="ONNX Runtime intra-op threads (default 2)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out-dir", default="/tmp/toonkit-peers-onnx", help="where the exported model goes")
    p.add_argument("--force-export", action="store_true")
    p.add_argument("--stage", choices=["all", "export", "time"], default="all")
    args = p.parse_args()

    if args.stage == "export":
        return stage_export(args)
    if args.stage == "time":
        return stage_time(args)

    missing = []
    for module in ("onnx", "onnxscript", "onnxruntime"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        sys.exit(f"onnx_generator: {sys.executable} lacks {', '.join(missing)} "
                 f"(pip install onnx onnxscript onnxruntime)")
    onnx_path, z_path, ref_path = paths(args)
    exported = None
    if args.force_export or not all(os.path.exists(f) for f in (onnx_path, z_path, ref_path)):
        exported = child(args, "export")
    result = child(args, "time")
    if exported:
        result.update(exported)
    result["onnx"] = onnx_path
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
