#!/usr/bin/env python3
"""Time NVlabs/stylegan3's StyleGAN3-T generator on CPU (PyTorch), one configuration per process.

    python Benchmarks/peers/torch_stylegan3.py --repo $PEERS/stylegan3 --resolution 256 --runs 3

The generator is built by the official constructor as its train.py does for --cfg=stylegan3-t
(z = w = 512, 2 mapping layers, channel_base 32768, channel_max 512, conv_clamp 256, num_fp16_res 4:
those layers run in float32 on CPU), random weights (torch.manual_seed), eval, torch.no_grad,
2 threads, noise_mode 'const' as gen_images.py, one warm-up call, then the median over --runs of
G(z, None), divided by the batch: ms per image, as `toon-bench stylegan3`. On CPU the official
custom ops (filtered_lrelu, bias_act, upfirdn2d) take their reference paths: that is what a CPU user
runs. Prints one JSON object; peak_rss_mb is this process's ru_maxrss (import + model + run).
Test tooling only: the peer is imported from --repo. Its conv2d_gradfix imports `pkg_resources`,
which current setuptools no longer ships; a stand-in offering `parse_version` is installed first.
"""
import argparse
import json
import os
import resource
import sys
import time
import types

sys.dont_write_bytecode = True


def rss_mb():
    """Peak resident set size of this process so far, in MB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repo", required=True, help="checkout of NVlabs/stylegan3")
    p.add_argument("--resolution", type=int, default=256)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--runs", type=int, default=3,
                   help="timed runs after one warm-up (default 3); 0 times the first call itself (for 1024 px, "
                        "where one call takes minutes on two cores; it includes first-call overheads)")
    p.add_argument("--threads", type=int, default=2, help="torch intra-op threads (default 2)")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()

    sys.path.insert(0, args.repo)
    from packaging.version import parse as parse_version
    sys.modules.setdefault("pkg_resources", types.SimpleNamespace(parse_version=parse_version))
    import torch
    from training.networks_stylegan3 import Generator

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rss_import = rss_mb()
    G = Generator(z_dim=512, c_dim=0, w_dim=512, img_resolution=args.resolution, img_channels=3,
                  mapping_kwargs=dict(num_layers=2), channel_base=32768, channel_max=512,
                  conv_clamp=256, num_fp16_res=4).eval()
    params = sum(t.numel() for t in G.parameters())
    rss_model = rss_mb()
    z = torch.randn(args.batch, 512, generator=torch.Generator().manual_seed(0))

    with torch.no_grad():
        start = time.perf_counter()
        image = G(z, None, noise_mode="const")  # warm-up
        first = time.perf_counter() - start
        assert tuple(image.shape) == (args.batch, 3, args.resolution, args.resolution), image.shape
        finite = bool(torch.isfinite(image).all())
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            G(z, None, noise_mode="const")
            times.append(time.perf_counter() - start)

    per_image = sorted(t / args.batch for t in (times or [first]))
    median = per_image[len(per_image) // 2]  # upper median, as toon-bench
    print(json.dumps({
        "impl": "nvlabs-stylegan3",
        "name": f"G stylegan3-t {args.resolution} b{args.batch} (per image)",
        "median_ms": median * 1e3,
        "min_ms": per_image[0] * 1e3,
        "runs": args.runs,
        "first_call_ms": first / args.batch * 1e3,
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
