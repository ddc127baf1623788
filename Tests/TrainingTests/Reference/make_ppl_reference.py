"""Reference path-length distances from NVLabs' own PPLSampler (stylegan2-ada-pytorch
metrics/perceptual_path_length.py) for ToonKit's PerceptualPathLength (Sources/Training/Run).

The generator is shared/fixtures/nvlabs/nv_ada_64.pkl (G_ema, 64 px), loaded by NVLabs' legacy.py.
The sampler's randomness is replaced by formula values that Swift recomputes from a name and an
index (FormulaWeights.uniformTensor, the twin of `uniform` in make_fid_reference.py): torch.rand
gives t = (1 + u) / 2, torch.randn the z pair, torch.randn_like each noise map, each under its own
name. NVLabs' distance network (a TorchScript VGG16 it downloads) is replaced by the `lpips`
package's LPIPS-VGG on the formula weights of make_lpips_reference.py, wrapped to NVLabs'
`vgg16(img, resize_images=False, return_lpips=True)` interface: its features are each tap's
unit-length vectors times sqrt(channel weight / pixels), so their squared difference summed is
the LPIPS distance. Everything else (lerp, slerp, mapping, synthesis with const noise, the crop,
the scaling to [0, 255]) is NVLabs' code as it stands. float32, CPU.

Run: python3 make_ppl_reference.py [/path/to/stylegan2-ada-pytorch]  -> ppl_reference.json
"""
import json
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../../ToonMetricsTests/Reference"))
sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else "/tmp/peers/nvlabs")
from make_fid_reference import uniform  # noqa: E402  (first: it lets torchvision import here)
import torch  # noqa: E402
import lpips  # noqa: E402
from make_lpips_reference import build_model  # noqa: E402
import legacy  # noqa: E402
from metrics import perceptual_path_length as ppl  # noqa: E402

FIXTURE = os.path.join(HERE, "../../../../shared/fixtures/nvlabs/nv_ada_64.pkl")
BATCH = 4
CASES = [("w", "end", True), ("w", "full", True), ("z", "full", True), ("w", "full", False)]
EPSILONS = [("", 1e-4), ("_eps1e-2", 1e-2)]  # NVLabs' step, and a long one that float32 rounding barely touches


class LPIPSAsNVLabsVGG(torch.nn.Module):
    """NVLabs' `vgg16(img, resize_images=False, return_lpips=True)` on images in [0, 255]."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, img, resize_images=False, return_lpips=True):
        assert not resize_images and return_lpips
        taps = self.model.net.forward(self.model.scaling_layer(img / 127.5 - 1))
        features = []
        for k, tap in enumerate(taps):
            weight = self.model.lins[k].model[-1].weight.reshape(1, -1, 1, 1)
            features.append((lpips.normalize_tensor(tap) * weight.sqrt() / math.sqrt(tap.shape[2] * tap.shape[3])).flatten(1))
        return torch.cat(features, dim=1)


def formula(name, shape):
    return torch.from_numpy(uniform(name, int(np.prod(shape))).astype(np.float32).reshape(shape))


def main():
    with open(FIXTURE, "rb") as f:
        G = legacy.load_network_pkl(f)["G_ema"].eval()
    model, _, _ = build_model()
    vgg = LPIPSAsNVLabsVGG(model).eval()
    cases = []
    for (space, sampling, crop), (tag, epsilon) in [(c, e) for e in EPSILONS for c in CASES]:
        key = f"{space}_{sampling}_{'crop' if crop else 'whole'}{tag}"
        sampler = ppl.PPLSampler(G=G, G_kwargs={}, epsilon=epsilon, space=space, sampling=sampling, crop=crop, vgg16=vgg)
        originals = (torch.rand, torch.randn, torch.randn_like)
        noise_names = [n for n, _ in sampler.G.named_buffers() if n.endswith(".noise_const")]
        pending = list(noise_names)
        torch.rand = lambda shape, device=None: (1 + formula(f"ppl_t_{key}", shape)) / 2
        torch.randn = lambda shape, device=None: formula(f"ppl_z_{key}", shape)
        torch.randn_like = lambda buf: formula(f"ppl_noise_{key}_{pending.pop(0)}", tuple(buf.shape))
        try:
            with torch.no_grad():
                distances = sampler(torch.zeros([BATCH, 0]))
        finally:
            torch.rand, torch.randn, torch.randn_like = originals
        assert not pending
        cases.append({"key": key, "space": space, "sampling": sampling, "crop": crop, "epsilon": epsilon,
                      "noise_names": noise_names, "distances": [float(d) for d in distances]})
        print(key, [round(float(d), 5) for d in distances])
    with open(os.path.join(HERE, "ppl_reference.json"), "w") as f:
        json.dump({"batch": BATCH, "z_dim": G.z_dim, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
