"""Reference values for ToonKit's LPIPS-VGG16 (Sources/ToonMetrics/LPIPS), computed by the `lpips`
package's own code (lpips 0.1.4, torch 2.13, torchvision 0.28, numpy 2.4).

Neither torchvision's VGG16 weights (vgg16-397923af.pth, 528 MB) nor the lpips package's linear
weights are committed: `lpips.LPIPS(net="vgg", pnet_rand=True)` is built without any download, and
every parameter is overwritten with the name-and-index formula of make_fid_reference.py (its Swift
twin is Tests/ToonTestSupport/FormulaWeights.swift) under torchvision's names, plus two rules that
formula lacks: convolution biases are 0.1 u, and the LPIPS channel weights (`lin*`) are (1 + u) / 4,
non-negative as the trained ones are.

Images are formula values too, uniform in [-1, 1) under the names `image_a` ... (two pairs at
64x64, one pair at 50x37, whose odd sides exercise the pools' floor). The script records the
distance of each pair and, from torch's autograd, the gradient of the summed distance with respect
to the first image of each batch at every 97th element.

Run: python3 make_lpips_reference.py [--save-weights VGG.pth LIN.pth]  -> lpips_reference.json
(--save-weights also writes the filled VGG16 state dict in torchvision's names and the linear
weights in the lpips package's names, for an end-to-end CLI check.)
"""
import json
import os
import sys
import types

import numpy as np

sys.modules["torchvision._meta_registrations"] = types.ModuleType("torchvision._meta_registrations")
import torch  # noqa: E402
import lpips  # noqa: E402

from make_fid_reference import formula_value, uniform  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
GRADIENT_STRIDE = 97
BATCHES = {"square": (2, 64, 64), "odd": (1, 50, 37)}  # (pairs, height, width)


def lpips_formula(name, shape):
    count = int(np.prod(shape))
    if name.startswith("lin"):
        return torch.from_numpy(((1.0 + uniform(name, count)) / 4).astype(np.float32).reshape(shape))
    if name.endswith(".bias"):
        return torch.from_numpy((0.1 * uniform(name, count)).astype(np.float32).reshape(shape))
    return formula_value(name, shape)


def torchvision_name(lpips_name):
    """net.slice3.12.weight -> features.12.weight; lin2.model.1.weight stays."""
    parts = lpips_name.split(".")
    return ".".join(["features"] + parts[2:]) if parts[0] == "net" else lpips_name


def build_model():
    model = lpips.LPIPS(net="vgg", pnet_rand=True, verbose=False).eval()
    vgg, lin = {}, {}
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if name.startswith("lins."):
                continue  # the same modules as lin0 ... lin4
            public = torchvision_name(name)
            parameter.copy_(lpips_formula(public, tuple(parameter.shape)))
            (lin if public.startswith("lin") else vgg)[public] = parameter.detach().clone()
    return model, vgg, lin


def images(batch, pairs, height, width):
    def one(side):
        name = f"image_{batch}_{side}"
        return torch.from_numpy(uniform(name, pairs * 3 * height * width).astype(np.float32).reshape(pairs, 3, height, width))
    return one("a"), one("b")


def main():
    model, vgg, lin = build_model()
    if "--save-weights" in sys.argv:
        at = sys.argv.index("--save-weights")
        torch.save(vgg, sys.argv[at + 1])
        torch.save(lin, sys.argv[at + 2])
    out = {"gradient_stride": GRADIENT_STRIDE, "batches": []}
    for batch, (pairs, height, width) in BATCHES.items():
        a, b = images(batch, pairs, height, width)
        a.requires_grad_(True)
        distance = model(a, b).reshape(-1)
        distance.sum().backward()
        gradient = a.grad.reshape(-1).numpy().astype(np.float64)
        out["batches"].append({
            "name": batch, "pairs": pairs, "height": height, "width": width,
            "distance": [float(d) for d in distance.detach()],
            "gradient_sampled": [float(g) for g in gradient[::GRADIENT_STRIDE]],
            "gradient_norm": float(np.linalg.norm(gradient)),
        })
    with open(os.path.join(HERE, "lpips_reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(json.dumps([{k: v for k, v in b.items() if k != "gradient_sampled"} for b in out["batches"]], indent=1))


if __name__ == "__main__":
    main()
