#!/usr/bin/env python3
"""Checks a rosinality `.pt` written by ToonKit (RosinalityExport) with PyTorch and rosinality's own code.

Run by hand; the Swift tests never need Python. Checked with torch 2.15 (CPU) and
rosinality/stylegan2-pytorch bef283a1c24087da704d16c30abc8e36e63efa0e.

    python check_rosinality_export.py EXPORTED.pt --model /path/to/stylegan2-pytorch/model.py \
        [--z rosinality_16_z.npy --images rosinality_16_psi1.0.npy [--psi 1.0]]

1. zipfile verifies every CRC-32 of the archive.
2. torch.load(weights_only=True) reads it: {'g_ema': OrderedDict, 'latent_avg': tensor}.
3. Generator(size, style_dim, n_mlp, channel_multiplier) from model.py (arguments inferred from the
   tensor shapes, or given) accepts g_ema with load_state_dict(strict=True).
4. One forward pass per z row with the stored noise buffers (randomize_noise=False); with --images,
   the largest difference from those reference images is printed (0 means bit-identical).

model.py imports its `op` package, which compiles CUDA extensions at import time; on a machine
without CUDA this script makes those compile calls return None before importing, so that
rosinality's own CPU code paths (upfirdn2d_native, the CPU fused_leaky_relu) run. Nothing of
rosinality's code is copied here: pass the path to your checkout.
"""
import argparse
import collections
import importlib
import math
import os
import sys
import zipfile

import numpy as np
import torch


def infer_arguments(g_ema):
    """size, style_dim, n_mlp, channel_multiplier from the state dict, as ToonKit's loader infers them."""
    to_rgbs = sum(1 for k in g_ema if k.startswith("to_rgbs.") and k.endswith(".conv.weight"))
    size = 2 ** (to_rgbs + 2)
    style_dim = g_ema["style.1.weight"].shape[1]
    n_mlp = sum(1 for k in g_ema if k.startswith("style.") and k.endswith(".weight"))
    multiplier = 2
    if size >= 64:
        # convs.(2*step) is the upsampling conv of resolution 8 * 2**step; 64px is step 3.
        multiplier = g_ema["convs.6.conv.weight"].shape[1] // 256
    return size, style_dim, n_mlp, multiplier


def import_model(model_path):
    if not torch.cuda.is_available():
        import torch.utils.cpp_extension as cpp_extension
        cpp_extension.load = lambda *args, **kwargs: None
    sys.path.insert(0, os.path.dirname(os.path.abspath(model_path)))
    name = os.path.splitext(os.path.basename(model_path))[0]
    return importlib.import_module(name)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file")
    parser.add_argument("--model", required=True, help="rosinality's model.py (its op/ folder beside it)")
    parser.add_argument("--size", type=int)
    parser.add_argument("--style-dim", type=int)
    parser.add_argument("--n-mlp", type=int)
    parser.add_argument("--channel-multiplier", type=int)
    parser.add_argument("--z", help=".npy of z rows [N, style_dim] to generate from")
    parser.add_argument("--images", help=".npy of reference images [N, 3, size, size] for those z")
    parser.add_argument("--psi", type=float, default=1.0, help="truncation toward latent_avg")
    args = parser.parse_args()

    with zipfile.ZipFile(args.file) as archive:
        bad = archive.testzip()
        assert bad is None, f"CRC mismatch in {bad}"
        print(f"zip: {len(archive.infolist())} records, CRCs OK")

    checkpoint = torch.load(args.file, map_location="cpu", weights_only=True)
    assert isinstance(checkpoint, dict) and set(checkpoint) == {"g_ema", "latent_avg"}, list(checkpoint)
    g_ema = checkpoint["g_ema"]
    assert isinstance(g_ema, collections.OrderedDict), type(g_ema)
    latent_avg = checkpoint["latent_avg"]
    print(f"torch.load(weights_only=True): g_ema with {len(g_ema)} tensors, latent_avg {tuple(latent_avg.shape)}")

    size, style_dim, n_mlp, multiplier = infer_arguments(g_ema)
    size = args.size or size
    style_dim = args.style_dim or style_dim
    n_mlp = args.n_mlp or n_mlp
    multiplier = args.channel_multiplier or multiplier
    model = import_model(args.model)
    generator = model.Generator(size, style_dim, n_mlp, channel_multiplier=multiplier)
    result = generator.load_state_dict(g_ema, strict=True)
    print(f"Generator(size={size}, style_dim={style_dim}, n_mlp={n_mlp}, channel_multiplier={multiplier})"
          f".load_state_dict(strict=True): {result}")
    expected_keys = list(generator.state_dict().keys())
    print(f"key order identical to Generator.state_dict(): {expected_keys == list(g_ema.keys())}")
    generator.eval()

    if args.z:
        zs = torch.from_numpy(np.load(args.z)).float()
    else:
        torch.manual_seed(0)
        zs = torch.randn(2, style_dim)
    images = []
    with torch.no_grad():
        for z in zs:
            image, _ = generator([z[None]], truncation=args.psi, truncation_latent=latent_avg, randomize_noise=False)
            images.append(image)
    images = torch.cat(images).numpy()
    print(f"forward: {images.shape}, finite: {bool(np.isfinite(images).all())}, range [{images.min():.3f}, {images.max():.3f}]")
    if args.images:
        reference = np.load(args.images)
        assert reference.shape == images.shape, (reference.shape, images.shape)
        error = float(np.abs(reference - images).max())
        spread = float(reference.max() - reference.min())
        print(f"max |image - reference| = {error:.3g} (reference range {spread:.3g}; {error / spread:.3g} relative)")


if __name__ == "__main__":
    main()
