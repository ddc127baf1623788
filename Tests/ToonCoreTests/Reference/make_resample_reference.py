#!/usr/bin/env python3
"""Writes ResampleReferenceData.swift: small golden arrays for ToonKit's resampling ops.

Run with PyTorch (CPU) and NumPy:
    $TORCH_PYTHON Tests/ToonCoreTests/Reference/make_resample_reference.py

Each array is stored as base64 of float32 little-endian bytes inside a Swift source file, so the
tests need neither Python nor bundled resources at run time. The op parameters for every case live
here and are mirrored, case by case, in ResampleReferenceTests.swift.

upfirdn2d and bias_act follow NVLabs' reference semantics (stylegan2-ada-pytorch), written out
here with plain torch ops; resize and avg_pool2d are torch's own F.interpolate and F.avg_pool2d.
"""
import base64
import math
import pathlib

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
OUT = pathlib.Path(__file__).with_name("ResampleReferenceData.swift")
arrays = {}


def randn(seed, *shape, scale=1.0):
    return torch.from_numpy((np.random.RandomState(seed).randn(*shape) * scale).astype(np.float32))


def keep(name, t):
    arrays[name] = t.detach().to(torch.float32).contiguous().numpy()


def upfirdn2d(x, f, up=(1, 1), down=(1, 1), pad=(0, 0, 0, 0), flip=False, gain=1.0):
    """NVLabs semantics: zero insertion, pad/crop (x0, x1, y0, y1), correlation, decimation."""
    n, c, h, w = x.shape
    upx, upy = up
    downx, downy = down
    x0, x1, y0, y1 = pad
    z = x.new_zeros(n, c, h * upy, w * upx)
    z[:, :, ::upy, ::upx] = x
    z = F.pad(z, [max(x0, 0), max(x1, 0), max(y0, 0), max(y1, 0)])
    z = z[:, :, max(-y0, 0):z.shape[2] - max(-y1, 0), max(-x0, 0):z.shape[3] - max(-x1, 0)]
    f = f * (gain ** (f.ndim / 2))
    if not flip:
        f = f.flip(list(range(f.ndim)))
    if f.ndim == 2:
        z = F.conv2d(z, f[None, None].repeat(c, 1, 1, 1), groups=c)
    else:
        z = F.conv2d(z, f.reshape(1, 1, 1, -1).repeat(c, 1, 1, 1), groups=c)
        z = F.conv2d(z, f.reshape(1, 1, -1, 1).repeat(c, 1, 1, 1), groups=c)
    return z[:, :, ::downy, ::downx]


def bias_act(x, b, act, alpha, gain, clamp):
    z = x + b.reshape(1, -1, 1, 1)
    if act == "lrelu":
        z = F.leaky_relu(z, alpha)
    elif act == "relu":
        z = F.relu(z)
    z = z * gain
    if clamp is not None:
        z = z.clamp(-clamp, clamp)
    return z


def with_grad(name, fn, inputs, seed):
    """Keeps fn's output and the gradients of <fn(inputs), r> for a seeded r."""
    leaves = [t.clone().requires_grad_(True) for t in inputs]
    y = fn(*leaves)
    r = randn(seed, *y.shape)
    grads = torch.autograd.grad((y * r).sum(), leaves)
    keep(name + ".y", y)
    keep(name + ".r", r)
    for i, g in enumerate(grads):
        keep(f"{name}.g{i}", g)


# upfirdn2d ----------------------------------------------------------------------------------------
k = torch.tensor([1.0, 3.0, 3.0, 1.0])
k = k / k.sum()
x = randn(1, 1, 2, 4, 5)
keep("upfirdn.up2.x", x)  # upsample2d conventions: pads (2, 1, 2, 1), gain up*up
with_grad("upfirdn.up2", lambda t: upfirdn2d(t, k, up=(2, 2), pad=(2, 1, 2, 1), gain=4.0), [x], seed=101)

x = randn(2, 1, 2, 6, 7)
keep("upfirdn.down2.x", x)  # downsample2d conventions: pads (1, 1, 1, 1)
keep("upfirdn.down2.y", upfirdn2d(x, k, down=(2, 2), pad=(1, 1, 1, 1)))

x = randn(3, 1, 2, 5, 6)
f2 = randn(4, 3, 2)
keep("upfirdn.fir2d.x", x)
keep("upfirdn.fir2d.f", f2)
keep("upfirdn.fir2d.y", upfirdn2d(x, f2, up=(2, 1), down=(1, 2), pad=(1, -1, 2, 0), flip=True, gain=1.5))

x = randn(5, 2, 1, 5, 4)
f1 = randn(6, 3)
keep("upfirdn.odd.x", x)
keep("upfirdn.odd.f", f1)
keep("upfirdn.odd.y", upfirdn2d(x, f1, up=(3, 3), down=(2, 2), pad=(-1, 2, 0, 1)))

x = randn(7, 1, 2, 5, 5)
keep("upfirdn.filter2d.x", x)  # filter2d conventions with the 2-D form of [1, 3, 3, 1]: pads (2, 1, 2, 1)
keep("upfirdn.filter2d.y", upfirdn2d(x, torch.outer(k, k), pad=(2, 1, 2, 1)))

# bias_act -----------------------------------------------------------------------------------------
x = randn(11, 2, 3, 2, 3)
b = randn(12, 3, scale=0.5)
keep("biasact.x", x)
keep("biasact.b", b)
keep("biasact.linear.y", bias_act(x, b, "linear", 0.0, 1.0, None))
with_grad("biasact.lrelu", lambda t, c: bias_act(t, c, "lrelu", 0.2, math.sqrt(2), None), [x, b], seed=102)
keep("biasact.reluclamp.y", bias_act(x, b, "relu", 0.0, math.sqrt(2), 0.5))
keep("biasact.lreluclamp.y", bias_act(x, b, "lrelu", 0.1, 0.7, 1.0))

# resize -------------------------------------------------------------------------------------------
x = randn(21, 1, 2, 4, 5)
keep("resize.small.x", x)
with_grad("resize.bilinear.up", lambda t: F.interpolate(t, size=(7, 9), mode="bilinear", align_corners=False),
          [x], seed=103)
keep("resize.nearest.up.y", F.interpolate(x, size=(7, 9), mode="nearest"))
keep("resize.nearest.double.y", F.interpolate(x, size=(8, 10), mode="nearest"))
x = randn(22, 1, 2, 5, 6)
keep("resize.large.x", x)
keep("resize.bilinear.down.y", F.interpolate(x, size=(3, 2), mode="bilinear", align_corners=False))
keep("resize.nearest.down.y", F.interpolate(x, size=(3, 2), mode="nearest"))
keep("resize.bilinear.scale.y", F.interpolate(x, scale_factor=1.5, mode="bilinear", align_corners=False))

# avg_pool2d ---------------------------------------------------------------------------------------
x = randn(31, 1, 2, 6, 7)
keep("pool.x", x)
keep("pool.k2.y", F.avg_pool2d(x, 2))
with_grad("pool.k3s2p1", lambda t: F.avg_pool2d(t, 3, stride=2, padding=1), [x], seed=104)

# write --------------------------------------------------------------------------------------------
lines = [
    "// Generated by make_resample_reference.py (PyTorch %s); do not edit." % torch.__version__.split("+")[0],
    "// Each entry: shape and base64 of float32 little-endian values.",
    "",
    "enum ResampleReferenceData {",
    "    static let arrays: [String: (shape: [Int], base64: String)] = [",
]
for name in sorted(arrays):
    a = arrays[name]
    data = base64.b64encode(a.astype("<f4").tobytes()).decode("ascii")
    lines.append('        "%s": (%s, "%s"),' % (name, list(a.shape), data))
lines += ["    ]", "}", ""]
OUT.write_text("\n".join(lines))
print("wrote %s: %d arrays, %d floats" % (OUT.name, len(arrays), sum(a.size for a in arrays.values())))
