#!/usr/bin/env python3
"""Time NVLabs' projector (stylegan2-ada-pytorch projector.py, `project`) on CPU, per step.

    python Benchmarks/peers/torch_project.py --repo $PEERS/stylegan2-ada-pytorch --resolution 256 --runs 5

The network is NVLabs' config-f Generator with random weights (peer_models.nvlabs_generator). The
projector runs unchanged except for its VGG16, which it downloads: the `lpips` package's LPIPS-VGG
(VGG16 with random weights, `pnet_rand=True`, and its linear layers) stands in, wrapped to NVLabs'
`vgg16(img, resize_images=False, return_lpips=True)` interface; it is the same VGG16 convolution
stack with the same per-layer work. w_avg_samples is 1000 (setup only, not timed). Each step is
timed from the previous step's log line; the first step is the warm-up. 2 threads. Prints one JSON
object as `toon-bench project --json` rows read. Test tooling only: the peer is imported from --repo.
"""
import argparse
import json
import math
import os
import sys
import time
import types

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repo", required=True, help="checkout of NVlabs/stylegan2-ada-pytorch")
    p.add_argument("--resolution", type=int, choices=[256, 512, 1024], default=256)
    p.add_argument("--runs", type=int, default=5, help="timed steps after one warm-up step (default 5)")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()

    # torchvision (which lpips imports) may be built for another torch: its op registrations are not needed.
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    import torch
    import lpips
    import peer_models

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    generator, _ = peer_models.nvlabs_generator(args.repo, args.resolution)
    import dnnlib
    import projector

    model = lpips.LPIPS(net="vgg", pnet_rand=True, verbose=False).eval().requires_grad_(False)

    class LPIPSAsNVLabsVGG(torch.nn.Module):
        def forward(self, img, resize_images=False, return_lpips=True):
            taps = model.net.forward(model.scaling_layer(img / 127.5 - 1))
            features = []
            for k, tap in enumerate(taps):
                weight = model.lins[k].model[-1].weight.reshape(1, -1, 1, 1)
                features.append((lpips.normalize_tensor(tap) * weight.sqrt() / math.sqrt(tap.shape[2] * tap.shape[3])).flatten(1))
            return torch.cat(features, dim=1)

    class NoDownload:
        def __enter__(self):
            return None

        def __exit__(self, *exc):
            return False

    dnnlib.util.open_url = lambda url, *a, **k: NoDownload()
    torch.jit.load = lambda f: LPIPSAsNVLabsVGG()
    marks = []
    projector.print = lambda *a, **k: marks.append(time.perf_counter()) if str(a[0]).startswith("step") else None
    target = torch.randint(0, 256, (3, args.resolution, args.resolution), dtype=torch.uint8)
    start = time.perf_counter()
    projector.project(generator, target, num_steps=args.runs + 1, w_avg_samples=1000, device=torch.device("cpu"), verbose=True)
    steps = [b - a for a, b in zip(marks, marks[1:])]
    ordered = sorted(steps)
    print(json.dumps({
        "impl": "nvlabs",
        "name": f"project config-f {args.resolution} (per step)",
        "median_ms": ordered[len(ordered) // 2] * 1e3,
        "min_ms": ordered[0] * 1e3,
        "runs": len(steps),
        "threads": torch.get_num_threads(),
        "total_s": time.perf_counter() - start,
        "torch": torch.__version__,
    }, sort_keys=True))


if __name__ == "__main__":
    main()
