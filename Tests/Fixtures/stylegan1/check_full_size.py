"""A manual check at full size (too large to keep as a fixture), with timings: builds NVlabs/stylegan's
G_style with the official builder at the given resolution and the paper's defaults (fmap_base 8192,
fmap_max 512, z = w = 512, 8 mapping layers; fused upsampling from 128 px), random weights with every
constant-initialised variable perturbed as make_stylegan1_reference.py does, pickles Gs, renders
seed 0 at G_style's defaults (psi 0.7 on 8 ws, the stored noise) and times Gs.run per image; then
runs `toon generate` on the pickle with the same settings, prints the largest difference (absolute
and relative to the reference's range) and toon's time per image. docs/stylegan1.md lists results.

Runs the official code as make_stylegan1_reference.py does (same patches, imported from it).

Usage: python check_full_size.py --repo /path/to/NVlabs/stylegan --toon .build/release/toon \
           [--resolution 256] [--images 4] [--work /tmp/sg1full]
"""
import argparse
import os
import pickle
import subprocess
import sys
import time
import types

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_stylegan1_reference as reference  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    parser.add_argument("--toon", required=True)
    parser.add_argument("--resolution", type=int, default=256)
    parser.add_argument("--images", type=int, default=4)
    parser.add_argument("--work", default="/tmp/sg1full")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    sys.path.insert(0, reference.patched_copy(args.repo))
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    reference.install_nchw_wrappers(tf)
    for name in ["tensorboard", "tensorboard.summary", "tensorboard.plugins", "tensorboard.plugins.custom_scalar",
                 "tensorboard.plugins.custom_scalar.layout_pb2"]:
        sys.modules.setdefault(name, types.ModuleType(name))
    sys.modules["tensorboard"].summary = sys.modules["tensorboard.summary"]
    sys.modules["tensorboard.plugins.custom_scalar"].layout_pb2 = sys.modules["tensorboard.plugins.custom_scalar.layout_pb2"]
    import dnnlib.tflib as tflib

    threads = os.cpu_count()
    tflib.init_tf({"rnd.np_random_seed": 1000, "rnd.tf_random_seed": 1000, "allow_soft_placement": True,
                   "intra_op_parallelism_threads": threads, "inter_op_parallelism_threads": 1})
    Gs = tflib.Network("Gs", func_name="training.networks_stylegan.G_style", num_channels=3, resolution=args.resolution,
                       label_size=0)
    reference.perturb(Gs, tflib, np.random.default_rng(7))
    z = np.random.RandomState(0).randn(1, 512)
    expected = Gs.run(z, None, randomize_noise=False)  # warm-up and reference
    start = time.perf_counter()
    for seed in range(args.images):
        Gs.run(np.random.RandomState(seed).randn(1, 512), None, randomize_noise=False)
    tf_seconds = (time.perf_counter() - start) / args.images
    reference.strip_source(Gs)
    path = os.path.join(args.work, "sg1_%d.pkl" % args.resolution)
    with open(path, "wb") as f:
        pickle.dump(Gs, f, protocol=4)

    out = os.path.join(args.work, "toon")
    command = [args.toon, "generate", "--network", path, "--seeds", "0-%d" % (args.images - 1), "--format", "npy",
               "--outdir", out]
    subprocess.run(command, check=True)  # warm the page cache
    start = time.perf_counter()
    subprocess.run(command, check=True)
    toon_seconds = (time.perf_counter() - start) / args.images
    got = np.load(os.path.join(out, "seed0000.npy"))
    error = np.abs(got - expected).max()
    span = expected.max() - expected.min()
    print("resolution %d: max |toon - official| = %.3g (%.3g of the range %.3g)" % (args.resolution, error, error / span, span))
    print("per image (seeds 0-%d, %d threads): official TF %.3f s, toon generate %.3f s (loading included)"
          % (args.images - 1, threads, tf_seconds, toon_seconds))


if __name__ == "__main__":
    main()
