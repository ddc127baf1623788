"""Reference values for ToonKit's Inception features, FID and KID (Sources/ToonMetrics/Inception, FID),
computed by pytorch-fid 0.3.0's own code (torch 2.13, torchvision 0.28, numpy 2.4, scipy 1.17).

The real weights (pt_inception-2015-12-05-6726825d.pth, 95 MB) cannot be committed, so every
parameter and BatchNorm buffer of pytorch-fid's `InceptionV3([3])` is overwritten with a fill that
Swift recomputes from the state-dict name and element index alone (`formula_value` below; the Swift
twin is Tests/ToonTestSupport/FormulaWeights.swift). Loading goes through pytorch-fid's own
`fid_inception_v3`, with its download replaced by that fill.

Images: two sets of six, made by formula and written as PNG (fid_images/a: 64x64, b: 40x56, W x H),
read back by pytorch-fid's ImagePathDataset (PIL RGB, ToTensor) and measured by get_activations,
calculate_activation_statistics and calculate_frechet_distance. KID is NVLabs'
metrics/kernel_inception_distance.py formula in numpy; with six images a side every subset is the
whole set, so its value does not depend on the subset draw.

Run: python3 make_fid_reference.py [--save-weights FILE.pth]  -> fid_reference.json, fid_images/
(--save-weights also writes the filled state dict with torch.save, for an end-to-end CLI check.)
"""
import json
import math
import os
import sys
import types

import numpy as np
from PIL import Image

# This machine's torchvision wheel cannot register its compiled ops against torch 2.13; the model
# classes need none of them, so its op registrations are skipped.
sys.modules["torchvision._meta_registrations"] = types.ModuleType("torchvision._meta_registrations")
import torch  # noqa: E402
import torchvision  # noqa: E402,F401
import pytorch_fid.inception as fid_inception  # noqa: E402
from pytorch_fid import fid_score  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FEATURE_STRIDE = 16  # features stored for dims 0, 16, 32, ... plus each image's norm and sum


def fnv1a32(text):
    h = 0x811C9DC5
    for byte in text.encode():
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def uniform(name, count):
    """[-1, 1) in steps of 2^-23: a 32-bit integer hash of (name, index), top 24 bits."""
    x = (np.arange(count, dtype=np.uint64) * np.uint64(0x9E3779B9)) & np.uint64(0xFFFFFFFF)
    x ^= np.uint64(fnv1a32(name))
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x7FEB352D)) & np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(15)
    x = (x * np.uint64(0x846CA68B)) & np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(16)
    return (x >> np.uint64(8)).astype(np.float64) / 2.0**23 - 1.0


def formula_value(name, shape):
    """Conv weights He-uniform (variance 2/fan_in, so activations keep their scale through ReLUs);
    BatchNorm gamma near 1, beta and running mean small, running variance in [0.5, 1.5)."""
    count = int(np.prod(shape))
    u = uniform(name, count)
    if name.endswith("running_var"):
        v = 1.0 + 0.5 * u
    elif name.endswith("running_mean") or name.endswith("bn.bias"):
        v = 0.1 * u
    elif name.endswith("bn.weight"):
        v = 1.0 + 0.25 * u
    elif name == "fc.bias":
        v = 0.0 * u
    else:
        fan_in = count // shape[0]
        v = u * math.sqrt(6.0 / fan_in)
    return torch.from_numpy(v.astype(np.float32).reshape(shape))


def formula_state_dict(model):
    return {name: (t if name.endswith("num_batches_tracked") else formula_value(name, tuple(t.shape)))
            for name, t in model.state_dict().items()}


def build_model():
    """pytorch-fid's InceptionV3([3]) whose weight download returns the formula fill."""
    filled = {}
    original = torchvision.models.inception.Inception3.load_state_dict

    def load_filled(self, state_dict, *args, **kwargs):
        filled.update(formula_state_dict(self))
        return original(self, filled, *args, **kwargs)

    fid_inception.load_state_dict_from_url = lambda url, progress=True: None
    torchvision.models.inception.Inception3.load_state_dict = load_filled
    try:
        model = fid_inception.InceptionV3([3]).eval()
    finally:
        torchvision.models.inception.Inception3.load_state_dict = original
    return model, filled


def image(index, width, height, set_name):
    """Smooth colour waves plus a small integer texture, different per image and channel."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    k = index + (7 if set_name == "b" else 0)
    channels = []
    for c in range(3):
        wave = np.sin(x * (0.05 + 0.013 * k + 0.02 * c) + y * (0.08 - 0.006 * k) + 0.9 * c + 0.4 * k)
        texture = ((x.astype(int) * (3 + k) + y.astype(int) * (5 + c) + 11 * k) % 17) - 8
        channels.append(np.clip(np.floor(128 + 90 * wave + 3 * texture), 0, 255))
    return np.stack(channels, axis=-1).astype(np.uint8)


def write_images():
    sets = {"a": (64, 64), "b": (56, 40)}
    files = {}
    for name, (width, height) in sets.items():
        folder = os.path.join(HERE, "fid_images", name)
        os.makedirs(folder, exist_ok=True)
        files[name] = []
        for i in range(6):
            path = os.path.join(folder, f"{i}.png")
            Image.fromarray(image(i, width, height, name)).save(path, optimize=True)
            files[name].append(path)
    return files


def kid(real, gen, num_subsets=100, max_subset_size=1000):
    n = real.shape[1]
    m = min(min(real.shape[0], gen.shape[0]), max_subset_size)
    t = 0
    for _ in range(num_subsets):
        x = gen[np.random.choice(gen.shape[0], m, replace=False)]
        y = real[np.random.choice(real.shape[0], m, replace=False)]
        a = (x @ x.T / n + 1) ** 3 + (y @ y.T / n + 1) ** 3
        b = (x @ y.T / n + 1) ** 3
        t += (a.sum() - np.diag(a).sum()) / (m - 1) - b.sum() * 2 / m
    return float(t / num_subsets / m)


def exact_trace_sqrt(s1, s2):
    """tr sqrtm(s1 s2) from the eigenvalues of the symmetric sqrt(s1) s2 sqrt(s1), in float64."""
    w, v = np.linalg.eigh(s1)
    root = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    return float(np.sqrt(np.clip(np.linalg.eigvalsh(root @ s2 @ root), 0, None)).sum())


def main():
    torch.manual_seed(0)
    np.random.seed(0)
    model, state = build_model()
    if "--save-weights" in sys.argv:
        torch.save(state, sys.argv[sys.argv.index("--save-weights") + 1])
    files = write_images()
    features, stats = {}, {}
    for name, paths in files.items():
        features[name] = fid_score.get_activations(paths, model, batch_size=6, dims=2048, device="cpu", num_workers=0)
        stats[name] = fid_score.calculate_activation_statistics(paths, model, batch_size=6, dims=2048,
                                                                device="cpu", num_workers=0)
    (mu1, s1), (mu2, s2) = stats["a"], stats["b"]
    fid = float(fid_score.calculate_frechet_distance(mu1, s1, mu2, s2))
    diff = mu1.astype(np.float64) - mu2.astype(np.float64)
    exact = float(diff @ diff + np.trace(s1) + np.trace(s2) - 2 * exact_trace_sqrt(s1, s2))
    per_image = []
    for name, paths in files.items():
        for path, f in zip(paths, features[name]):
            f64 = f.astype(np.float64)
            per_image.append({"file": os.path.relpath(path, HERE), "sampled": [float(v) for v in f[::FEATURE_STRIDE]],
                              "norm": float(np.linalg.norm(f64)), "sum": float(f64.sum())})
    out = {
        "feature_stride": FEATURE_STRIDE,
        "images": per_image,
        "fid": fid,
        "fid_exact": exact,
        "mean_distance_squared": float(diff @ diff),
        "trace_a": float(np.trace(s1)),
        "trace_b": float(np.trace(s2)),
        "kid": kid(features["a"].astype(np.float64), features["b"].astype(np.float64)),
        "kid_same": kid(features["a"].astype(np.float64), features["a"].astype(np.float64)),
    }
    # Subsets smaller than the sets, so the draw matters: NVLabs' loop after np.random.seed(7).
    np.random.seed(7)
    out["kid_subsets5_size4_seed7"] = kid(features["a"].astype(np.float64), features["b"].astype(np.float64), 5, 4)
    with open(os.path.join(HERE, "fid_reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(json.dumps({k: v for k, v in out.items() if k != "images"}, indent=1))
    print("feature norms", [round(i["norm"], 4) for i in per_image])


if __name__ == "__main__":
    main()
