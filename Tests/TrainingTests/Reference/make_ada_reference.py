"""Reference outputs of NVLabs' ADA augmentation (stylegan2-ada-pytorch training/augment.py, AugmentPipe)
for ToonKit's AugmentPipe tests: each transform forced on with chosen values, then several together.

The pipe runs as NVLabs wrote it, on the CPU in float64 (torch.set_default_dtype), so the reference
carries no float32 rounding of its own beyond the sym6 filter's taps, which NVLabs keeps in float32. On the CPU its custom ops take their reference
paths: upfirdn2d falls back to its 'ref' implementation and grid_sample_gradfix (disabled unless the
training loop enables it) calls torch.nn.functional.grid_sample. The random draws are replaced: torch.rand
and torch.randn return, in the pipe's order, the values that produce the chosen parameters, and every
coin flip passes (p = 1).

Run: python3 make_ada_reference.py /path/to/stylegan2-ada-pytorch   (torch 2.13 CPU, numpy 2.4)
-> ada_reference.json (cases, parameters, offsets) and ada_reference.bin (float32 little-endian).
"""
import json
import math
import sys

import numpy as np
import torch

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else "/tmp/peers/nvlabs")
from training import augment  # noqa: E402

torch.set_default_dtype(torch.float64)

# NVLabs' spreads for 'bgc' (augment.py's defaults).
XINT_MAX, SCALE_STD, ANISO_STD, XFRAC_STD = 0.125, 0.2, 0.2, 0.125
BRIGHTNESS_STD, CONTRAST_STD, SATURATION_STD = 0.2, 0.5, 1.0

GEOMETRIC = ["xflip", "rotate90", "xint", "scale", "rotate", "aniso", "xfrac"]
COLOR = ["brightness", "contrast", "lumaflip", "hue", "saturation"]


def draws(params, enabled, channels):
    """The (kind, values) that AugmentPipe.forward consumes, in its order, for per-image `params`."""
    out = []
    col = lambda key, f: [f(p.get(key)) for p in params]  # noqa: E731
    gate = [0.0] * len(params)
    if "xflip" in enabled:
        out += [("rand", col("xflip", lambda v: (v or 0) / 2 + 0.25)), ("rand", gate)]
    if "rotate90" in enabled:
        out += [("rand", col("rotate90", lambda v: ((v or 0) + 0.5) / 4)), ("rand", gate)]
    if "xint" in enabled:
        t = col("xint", lambda v: [(c / XINT_MAX + 1) / 2 for c in (v or [0, 0])])
        out += [("rand", t), ("rand", [[0.0]] * len(params))]
    if "scale" in enabled:
        out += [("randn", col("scale", lambda v: math.log2(v or 1) / SCALE_STD)), ("rand", gate)]
    if "rotate" in enabled:
        out += [("rand", col("rotateBefore", lambda v: ((v or 0) / math.pi + 1) / 2)), ("rand", gate)]
    if "aniso" in enabled:
        out += [("randn", col("aniso", lambda v: math.log2(v or 1) / ANISO_STD)), ("rand", gate)]
    if "rotate" in enabled:
        out += [("rand", col("rotateAfter", lambda v: ((v or 0) / math.pi + 1) / 2)), ("rand", gate)]
    if "xfrac" in enabled:
        t = col("xfrac", lambda v: [c / XFRAC_STD for c in (v or [0, 0])])
        out += [("randn", t), ("rand", [[0.0]] * len(params))]
    if "brightness" in enabled:
        out += [("randn", col("brightness", lambda v: (v or 0) / BRIGHTNESS_STD)), ("rand", gate)]
    if "contrast" in enabled:
        out += [("randn", col("contrast", lambda v: math.log2(v or 1) / CONTRAST_STD)), ("rand", gate)]
    if "lumaflip" in enabled:
        out += [("rand", col("lumaflip", lambda v: [[(v or 0) / 2 + 0.25]])), ("rand", [[[0.0]]] * len(params))]
    if "hue" in enabled and channels > 1:
        out += [("rand", col("hue", lambda v: ((v or 0) / math.pi + 1) / 2)), ("rand", gate)]
    if "saturation" in enabled and channels > 1:
        out += [("randn", col("saturation", lambda v: [[math.log2(v or 1) / SATURATION_STD]])), ("rand", [[[0.0]]] * len(params))]
    return out


def run_pipe(images, params, enabled):
    queue = draws(params, enabled, images.shape[1])
    real_rand, real_randn = torch.rand, torch.randn

    def fake(kind):
        def draw(shape, device=None, **_):
            got, values = queue.pop(0)
            assert got == kind, f"the pipe drew {kind}, the script planned {got}"
            t = torch.as_tensor(values, dtype=torch.float64)
            assert list(t.shape) == list(shape), f"{kind} {list(shape)} but planned {list(t.shape)}"
            return t
        return draw

    torch.rand, torch.randn = fake("rand"), fake("randn")
    try:
        # The filter stays float32 (upfirdn2d's reference path asserts it and casts it to the images' dtype).
        pipe = augment.AugmentPipe(**{name: 1 for name in enabled})
        pipe.p.copy_(torch.as_tensor(1.0))
        with torch.no_grad():
            out = pipe(torch.as_tensor(images, dtype=torch.float64))
    finally:
        torch.rand, torch.randn = real_rand, real_randn
    assert not queue, "the pipe drew fewer values than planned"
    return out.numpy()


def test_images(n, c, size):
    """Smooth patterns with edges, in [-1, 1], exactly representable in float32."""
    y, x = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    out = np.zeros((n, c, size, size))
    for i in range(n):
        for ch in range(c):
            wave = np.sin(0.7 * x * (ch + 1) / size * 6 + i) * np.cos(0.5 * y * (ch + 2) / size * 5 - ch)
            out[i, ch] = np.clip(wave + 0.3 * ((x + 2 * y + 3 * i) % 5 == 0) - 0.1 * ch, -1, 1)
    return out.astype(np.float32)


# Two images each; the second often keeps a transform's identity value, so it must come out
# (nearly) unchanged through the same resampling as the first.
single = {
    "xflip": [{"xflip": 1}, {"xflip": 0}],
    "rotate90": [{"rotate90": 1}, {"rotate90": 3}],
    "xint": [{"xint": [0.1, -0.06]}, {"xint": [-0.12, 0.03]}],
    "scale": [{"scale": 1.25}, {"scale": 0.8}],
    "rotate": [{"rotateBefore": 0.5}, {"rotateBefore": -2.0}],
    "aniso": [{"aniso": 1.3}, {"aniso": 0.75}],
    "xfrac": [{"xfrac": [0.05, -0.1]}, {"xfrac": [-0.02, 0.07]}],
    "brightness": [{"brightness": 0.3}, {"brightness": -0.2}],
    "contrast": [{"contrast": 1.5}, {"contrast": 0.6}],
    "lumaflip": [{"lumaflip": 1}, {"lumaflip": 0}],
    "hue": [{"hue": 1.0}, {"hue": -2.5}],
    "saturation": [{"saturation": 2.0}, {"saturation": 0.3}],
}
everything = [
    {"xflip": 1, "rotate90": 2, "xint": [0.06, 0.1], "scale": 0.9, "rotateBefore": 0.3, "aniso": 1.2,
     "rotateAfter": -0.4, "xfrac": [0.03, -0.04], "brightness": 0.1, "contrast": 1.2, "lumaflip": 1,
     "hue": 0.7, "saturation": 1.4},
    {"rotate90": 1, "xint": [-0.09, 0.0], "scale": 1.1, "rotateBefore": -1.0, "aniso": 0.9, "rotateAfter": 0.2,
     "xfrac": [-0.05, 0.02], "brightness": -0.15, "contrast": 0.8, "hue": -0.4, "saturation": 0.6},
]
geometric_keys = ["xflip", "rotate90", "xint", "scale", "rotateBefore", "aniso", "rotateAfter", "xfrac"]
cases = [(name, [name], 3, 16, params) for name, params in single.items()]
cases += [
    ("geometric", GEOMETRIC, 3, 16, [{k: v for k, v in p.items() if k in geometric_keys} for p in everything]),
    ("color", COLOR, 3, 16, [{k: v for k, v in p.items() if k not in geometric_keys} for p in everything]),
    ("everything", GEOMETRIC + COLOR, 3, 16, everything),
    ("everything-32px", GEOMETRIC + COLOR, 3, 32, everything),
    ("everything-grey", GEOMETRIC + COLOR, 1, 16, everything),
]

blob, listing = [], []
offset = 0
inputs = {}
for name, enabled, channels, size, params in cases:
    key = f"{channels}x{size}"
    if key not in inputs:
        inputs[key] = offset
        images = test_images(2, channels, size)
        blob.append(images.ravel())
        offset += images.size
    images = test_images(2, channels, size)
    out = run_pipe(images, params, enabled).astype(np.float32)
    listing.append({"name": name, "shape": list(out.shape), "input": inputs[key], "output": offset, "parameters": params})
    blob.append(out.ravel())
    offset += out.size

np.concatenate(blob).astype("<f4").tofile("ada_reference.bin")
with open("ada_reference.json", "w") as f:
    json.dump({"cases": listing, "made_by": "make_ada_reference.py (NVLabs AugmentPipe, float64, CPU)"}, f, indent=1)
print(f"{len(listing)} cases, {offset} floats")
