#!/usr/bin/env python3
"""Time a peer's StyleGAN2 config-f generator on CPU (PyTorch), one configuration per process.

    python Benchmarks/peers/torch_generator.py --impl nvlabs --repo $PEERS/stylegan2-ada-pytorch \\
        --resolution 256 --batch 1 --runs 5

Random weights (torch.manual_seed), noise const, torch.no_grad, 2 threads, one warm-up call, then
the median over --runs of G(z), divided by the batch: ms per image, as `toon-bench generator`.
Prints one JSON object; peak_rss_mb is this process's ru_maxrss (import + model + run), which is why
each configuration must run in its own process. Test tooling only: the peer is imported from --repo.
"""
import argparse
import json
import os
import resource
import sys
import time

# Leave no __pycache__ behind, neither here nor in the peer's checkout.
sys.dont_write_bytecode = True

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def rss_mb():
    """Peak resident set size of this process so far, in MB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--impl", choices=["nvlabs", "rosinality"], required=True)
    p.add_argument("--repo", required=True, help="checkout of the peer repository")
    p.add_argument("--resolution", type=int, choices=[256, 512, 1024], default=256)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--runs", type=int, default=5, help="timed runs after one warm-up (default 5)")
    p.add_argument("--threads", type=int, default=2, help="torch intra-op threads (default 2)")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()

    import torch
    import peer_models

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rss_import = rss_mb()
    generator, call = peer_models.build(args.impl, args.repo, args.resolution)
    params = sum(t.numel() for t in generator.parameters())
    rss_model = rss_mb()
    z = torch.randn(args.batch, 512, generator=torch.Generator().manual_seed(0))

    with torch.no_grad():
        image = call(z)  # warm-up
        assert tuple(image.shape) == (args.batch, 3, args.resolution, args.resolution), image.shape
        finite = bool(torch.isfinite(image).all())
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            call(z)
            times.append(time.perf_counter() - start)

    per_image = sorted(t / args.batch for t in times)
    median = per_image[len(per_image) // 2]  # upper median, as toon-bench
    print(json.dumps({
        "impl": args.impl,
        "name": f"G config-f {args.resolution} b{args.batch} (per image)",
        "median_ms": median * 1e3,
        "min_ms": per_image[0] * 1e3,
        "runs": args.runs,
        "threads": torch.get_num_threads(),
        "params_m": params / 1e6,
        "finite": finite,
        "peak_rss_mb": rss_mb(),
        "rss_after_import_mb": rss_import,
        "rss_after_model_mb": rss_model,
        "torch": torch.__version__,
    }, sort_keys=True))


if __name__ == "__main__":
    main()
