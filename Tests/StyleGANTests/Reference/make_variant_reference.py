"""Reference outputs of NVLabs' StyleGAN2 generator for the variants the shared fixtures miss.

The shared fixtures (shared/fixtures, see its README) cover unconditional, 'skip', unclamped
generators only. This script builds tiny `training.networks.Generator`s from NVLabs
stylegan2-ada-pytorch for the other variants, runs them, and writes for each variant NAME into
`variants/` beside this script:

  NAME.safetensors       the weights in ToonKit's own format: NVLabs parameter names (exactly the
                         names `Generator.spec(config)` declares; NVLabs' `resample_filter` buffers
                         are left out) and the architecture as JSON under the metadata key
                         `toonkit.config`, as Sources/StyleGAN/Checkpoints/ToonKitFormat.swift reads it
  NAME_z.npy             float64 [2, z_dim]: np.random.RandomState(seed).randn(1, z_dim), seeds 0, 1
  NAME_c.npy             float32 [2, c_dim] one-hot class labels (conditional variants only)
  NAME_ws.npy            float32 [2, num_ws, w_dim]: G.mapping(z, c, truncation_psi, truncation_cutoff)
  NAME_img_MODE.npy      float32 [2, C, R, R]: G(z, c, truncation_psi, truncation_cutoff, noise_mode=MODE)
                         raw output (not clamped), for each noise mode listed for the variant

plus `variants.json`, which lists every variant with its NVLabs kwargs, truncation, noise modes,
class labels and the tool versions.

Recipe (as generate.py): G in eval mode, CPU, float32 (num_fp16_res=0), one seed per call (batch 1,
so the fused modulated convolution runs, as generate.py runs it), noise_mode 'const' unless stated.
Weights: torch.manual_seed(variant seed) before building G (NVLabs' own initialisation), then every
bias, noise_strength, const and the affine (modulation) biases are perturbed so none keeps its
initial value; w_avg is the mean mapping output of 4096 random z (as training would leave it,
roughly), so truncation moves ws toward a non-zero point.

Variants (all 16 or 32 px, tiny channels):
  conditional  c_dim 5, embed_features 24, mapping layer_features 48, 4 mapping layers; psi 0.7
  resnet       architecture 'resnet'; psi 1; noise 'const' and 'none'
  orig         architecture 'orig'; psi 1
  clamp        conv_clamp 0.5 (the script checks that activations really hit the clamp);
               psi 0.5 with truncation_cutoff 2
  filter121    resample_filter [1, 2, 1] (NVLabs' generator takes any filter: SynthesisBlock passes
               it to conv0's conv2d_resample and to the skip image's upsample2d); psi 1

Made with: NVLabs stylegan2-ada-pytorch from the read-only copy at $PEERS/stylegan2-ada-pytorch.
That copy is not a git checkout, so its commit cannot be read from it; the shared fixtures were made
from d72cc7d041b42ec8e806021a205ed9349f87c6a4 (the repository's last commit), and networks.py,
upfirdn2d.py, conv2d_resample.py and bias_act.py there are what this script ran. Its custom CUDA ops
fall back to their reference paths on CPU. PyTorch 2.15.0+cu132 on CPU, NumPy 2.4.6,
safetensors 0.8.0 (from PyPI), Python 3.

Usage: python make_variant_reference.py --repo /path/to/stylegan2-ada-pytorch [--out DIR]
"""

import argparse
import json
import os
import sys

import numpy as np
import torch

SEEDS = [0, 1]

VARIANTS = [
    dict(name="conditional", seed=101, z_dim=32, c_dim=5, w_dim=32, img_resolution=16,
         mapping_kwargs=dict(num_layers=4, embed_features=24, layer_features=48),
         synthesis_kwargs=dict(channel_base=128, channel_max=16),
         psi=0.7, cutoff=None, noise_modes=["const"], classes=[1, 3]),
    dict(name="resnet", seed=102, z_dim=32, c_dim=0, w_dim=32, img_resolution=32,
         mapping_kwargs=dict(num_layers=2),
         synthesis_kwargs=dict(channel_base=128, channel_max=16, architecture="resnet"),
         psi=1.0, cutoff=None, noise_modes=["const", "none"], classes=None),
    dict(name="orig", seed=103, z_dim=32, c_dim=0, w_dim=48, img_resolution=16,
         mapping_kwargs=dict(num_layers=2),
         synthesis_kwargs=dict(channel_base=128, channel_max=16, architecture="orig"),
         psi=1.0, cutoff=None, noise_modes=["const"], classes=None),
    dict(name="clamp", seed=104, z_dim=32, c_dim=0, w_dim=32, img_resolution=16,
         mapping_kwargs=dict(num_layers=2),
         synthesis_kwargs=dict(channel_base=128, channel_max=16, conv_clamp=0.5),
         psi=0.5, cutoff=2, noise_modes=["const"], classes=None),
    dict(name="filter121", seed=105, z_dim=32, c_dim=0, w_dim=64, img_resolution=32,
         mapping_kwargs=dict(num_layers=2),
         synthesis_kwargs=dict(channel_base=128, channel_max=16, resample_filter=[1, 2, 1]),
         psi=1.0, cutoff=None, noise_modes=["const"], classes=None),
]


def toonkit_config(v):
    """GeneratorConfig as Swift's synthesized Codable names it (nil optionals left out)."""
    m, s = v["mapping_kwargs"], v["synthesis_kwargs"]
    config = {
        "zDim": v["z_dim"], "cDim": v["c_dim"], "wDim": v["w_dim"],
        "imageResolution": v["img_resolution"], "imageChannels": 3,
        "mappingLayers": m.get("num_layers", 8),
        "mappingLRMultiplier": m.get("lr_multiplier", 0.01),
        "channelBase": s.get("channel_base", 32768), "channelMax": s.get("channel_max", 512),
        "architecture": s.get("architecture", "skip"),
        "resampleFilter": [float(t) for t in s.get("resample_filter", [1, 3, 3, 1])],
    }
    if m.get("layer_features") is not None:
        config["mappingFeatures"] = m["layer_features"]
    if m.get("embed_features") is not None:
        config["embedFeatures"] = m["embed_features"]
    if s.get("conv_clamp") is not None:
        config["convClamp"] = s["conv_clamp"]
    return config


def perturb(G, gen):
    """Moves every parameter that starts at a constant (biases, noise strengths) off it, and the
    const input too, with effective (post-gain) sizes of about 0.1-0.3."""
    with torch.no_grad():
        for name, p in G.named_parameters():
            noise = torch.randn(p.shape, generator=gen)
            if name.startswith("mapping.fc") and name.endswith(".bias"):
                p.add_(noise * 10.0)  # bias_gain = lr_multiplier = 0.01: effective 0.1
            elif name.endswith("affine.bias"):
                p.add_(noise * 0.2)   # initial 1
            elif name.endswith(".bias"):
                p.add_(noise * 0.2)   # conv, toRGB and embed biases, initial 0
            elif name.endswith("noise_strength"):
                p.add_(noise * 0.3)   # initial 0
            elif name.endswith(".const"):
                p.add_(noise * 0.5)
        for name, p in G.named_parameters():
            if name.endswith(("bias", "noise_strength")):
                assert bool((p != 0).all() and (p != 1).all()), f"{name} kept a constant"


def set_w_avg(G, v, gen):
    with torch.no_grad():
        z = torch.randn([4096, v["z_dim"]], generator=gen)
        c = None
        if v["c_dim"]:
            c = torch.nn.functional.one_hot(torch.randint(v["c_dim"], [4096], generator=gen), v["c_dim"]).float()
        G.mapping.w_avg.copy_(G.mapping(z, c)[:, 0].mean(dim=0))


def check_clamp_hits(G, v, z, c):
    """Counts outputs of the clamped layers that sit exactly at +-clamp (x gain)."""
    clamp = v["synthesis_kwargs"]["conv_clamp"]
    hits, total = [0], [0]

    def hook(module, inputs, output):
        hits[0] += int((output.abs() == clamp).sum())  # gain is 1 outside resnet blocks
        total[0] += output.numel()

    from training import networks
    handles = [m.register_forward_hook(hook) for m in G.modules()
               if isinstance(m, (networks.SynthesisLayer, networks.ToRGBLayer))]
    with torch.no_grad():
        G(z, c, truncation_psi=v["psi"], truncation_cutoff=v["cutoff"], noise_mode="const")
    for h in handles:
        h.remove()
    assert hits[0] > 0.05 * total[0], f"clamp hit only {hits[0]} of {total[0]}"
    return hits[0], total[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", required=True, help="NVLabs stylegan2-ada-pytorch checkout")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "variants"))
    args = parser.parse_args()
    sys.path.insert(0, os.path.abspath(args.repo))
    from training import networks
    from safetensors.torch import save_file
    import safetensors

    torch.set_num_threads(1)  # fixed summation order
    os.makedirs(args.out, exist_ok=True)
    manifest = {"tool": "NVLabs stylegan2-ada-pytorch training.networks.Generator (see make_variant_reference.py)",
                "torch": torch.__version__, "numpy": np.__version__, "safetensors": safetensors.__version__,
                "seeds": SEEDS, "variants": []}
    for v in VARIANTS:
        torch.manual_seed(v["seed"])
        G = networks.Generator(z_dim=v["z_dim"], c_dim=v["c_dim"], w_dim=v["w_dim"],
                               img_resolution=v["img_resolution"], img_channels=3,
                               mapping_kwargs=v["mapping_kwargs"], synthesis_kwargs=v["synthesis_kwargs"])
        G = G.eval().requires_grad_(False).float()
        gen = torch.Generator().manual_seed(v["seed"] + 1000)
        perturb(G, gen)
        set_w_avg(G, v, gen)

        name = v["name"]
        z = np.concatenate([np.random.RandomState(s).randn(1, v["z_dim"]) for s in SEEDS])
        np.save(os.path.join(args.out, f"{name}_z.npy"), z)
        c = None
        if v["c_dim"]:
            c = np.zeros([len(SEEDS), v["c_dim"]], dtype=np.float32)
            c[np.arange(len(SEEDS)), v["classes"]] = 1
            np.save(os.path.join(args.out, f"{name}_c.npy"), c)

        def row(a, i):
            return None if a is None else torch.from_numpy(a[i:i + 1])

        with torch.no_grad():
            ws = torch.cat([G.mapping(row(z, i), row(c, i), truncation_psi=v["psi"], truncation_cutoff=v["cutoff"])
                            for i in range(len(SEEDS))])
            np.save(os.path.join(args.out, f"{name}_ws.npy"), ws.numpy().astype(np.float32))
            for mode in v["noise_modes"]:
                img = torch.cat([G(row(z, i), row(c, i), truncation_psi=v["psi"], truncation_cutoff=v["cutoff"],
                                   noise_mode=mode) for i in range(len(SEEDS))])
                np.save(os.path.join(args.out, f"{name}_img_{mode}.npy"), img.numpy().astype(np.float32))
                print(f"{name} noise {mode}: image range {float(img.min()):.3f}..{float(img.max()):.3f}")
        if "conv_clamp" in v["synthesis_kwargs"]:
            hits, total = check_clamp_hits(G, v, row(z, 0), row(c, 0))
            print(f"{name}: {hits} of {total} clamped-layer outputs sit at the clamp")

        tensors = {k: t.detach().contiguous().clone() for k, t in G.state_dict().items()
                   if not k.endswith("resample_filter")}
        config = toonkit_config(v)
        header = {"format": "toonkit-stylegan2", "version": 1, "generator": config,
                  "source": f"NVLabs stylegan2-ada-pytorch networks.Generator, random weights (variant {name})"}
        save_file(tensors, os.path.join(args.out, f"{name}.safetensors"),
                  metadata={"toonkit.config": json.dumps(header, sort_keys=True)})
        manifest["variants"].append({
            "name": name, "torch_seed": v["seed"], "nvlabs_kwargs": {k: v[k] for k in
                ("z_dim", "c_dim", "w_dim", "img_resolution", "mapping_kwargs", "synthesis_kwargs")},
            "truncation_psi": v["psi"], "truncation_cutoff": v["cutoff"], "noise_modes": v["noise_modes"],
            "classes": v["classes"], "num_ws": G.num_ws, "toonkit_config": config,
            "tensor_count": len(tensors)})
    with open(os.path.join(args.out, "variants.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
