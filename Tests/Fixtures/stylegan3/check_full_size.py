"""A manual check at full size (too large to keep as a fixture): builds NVLabs' stylegan3-t or -r
training configuration with the official constructor (random weights from torch.manual_seed(3), biases,
the input affine and the magnitude EMAs perturbed from seed 4), pickles it as a snapshot, renders seed 0
with psi 0.8 under the user transform of --translate=0.1,-0.15 --rotate=20 (gen_images.py's recipe),
then runs `toon generate` on the pickle with the same options and prints the largest difference,
absolute and relative to the reference's range. docs/stylegan3.md lists the results.

Made for NVlabs/stylegan3 at c233a919a6faee6e36a316ddd4eddababad1adf9 with PyTorch 2.13.0+cpu. Its
conv2d_gradfix imports `pkg_resources`, which current setuptools no longer ships: a stand-in offering
`parse_version` is installed first.

Usage: python check_full_size.py --repo /path/to/stylegan3 --toon .build/release/toon \
           --resolution 256 --config t|r [--work /tmp/sg3full]
"""
import argparse
import os
import pickle
import subprocess
import sys
import types

import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    parser.add_argument("--toon", required=True)
    parser.add_argument("--resolution", type=int, default=256)
    parser.add_argument("--config", choices=["t", "r"], default="t")
    parser.add_argument("--work", default="/tmp/sg3full")
    args = parser.parse_args()
    sys.path.insert(0, args.repo)
    from packaging.version import parse as parse_version
    sys.modules.setdefault("pkg_resources", types.SimpleNamespace(parse_version=parse_version))
    import torch
    from training.networks_stylegan3 import Generator
    torch.set_grad_enabled(False)
    torch.set_num_threads(2)

    radial = args.config == "r"
    torch.manual_seed(3)
    G = Generator(z_dim=512, c_dim=0, w_dim=512, img_resolution=args.resolution, img_channels=3,
                  mapping_kwargs=dict(num_layers=2), channel_base=32768 * (2 if radial else 1),
                  channel_max=512 * (2 if radial else 1), conv_clamp=256, num_fp16_res=4, magnitude_ema_beta=0.999,
                  **(dict(conv_kernel=1, use_radial_filters=True) if radial else {})).eval()
    g = torch.Generator().manual_seed(4)
    for name, p in G.named_parameters():
        if name.endswith(".bias"):
            p.add_(torch.randn(p.shape, generator=g) * 0.1)
        if name == "synthesis.input.affine.weight":
            p.copy_(torch.randn(p.shape, generator=g) * 0.5)
    for name, b in G.named_buffers():
        if name.endswith("magnitude_ema"):
            b.copy_(torch.rand([], generator=g) + 0.5)
    os.makedirs(args.work, exist_ok=True)
    stem = os.path.join(args.work, f"full_{args.config}{args.resolution}")
    with open(stem + ".pkl", "wb") as f:
        pickle.dump(dict(G=G, D=None, G_ema=G, augment_pipe=None, training_set_kwargs=None), f)

    z = torch.from_numpy(np.random.RandomState(0).randn(1, 512)).float()
    m = np.eye(3)
    angle = np.radians(20)
    m[0][0] = m[1][1] = np.cos(angle)
    m[0][1], m[1][0] = np.sin(angle), -np.sin(angle)
    m[0][2], m[1][2] = 0.1, -0.15
    G.synthesis.input.transform.copy_(torch.from_numpy(np.linalg.inv(m)))
    expected = G(z, None, truncation_psi=0.8).numpy()

    out = stem + "_toon"
    subprocess.run([args.toon, "generate", "--network", stem + ".pkl", "--seeds", "0", "--trunc", "0.8",
                    "--translate", "0.1,-0.15", "--rotate", "20", "--format", "npy", "--outdir", out], check=True)
    got = np.load(os.path.join(out, "seed0000.npy"))
    error = float(np.abs(got - expected).max())
    print(f"{args.config}{args.resolution}: max error {error:.3g}, {error / float(expected.max() - expected.min()):.3g} of the range")


if __name__ == "__main__":
    main()
