#!/usr/bin/env python3
"""Time one distillation step of ToonKit's default stylizer student, written in PyTorch for the
comparison only (toon-bench's `stylizer` suite times ToonKit's: "distill step R bB").

    python3 Benchmarks/peers/torch_student.py --resolution 64 --batch 8 --runs 10

The student as docs/stylizer.md describes it (StudentConfig: width 16, 2 bridge blocks, 3 levels, no
degree input): equalized-learning-rate 3x3 convolutions with leaky ReLU 0.2 and gain sqrt(2), FIR
[1, 3, 3, 1] blurred stride-2 downsampling (NVLabs' conv2d_resample: pad, blur, strided conv) and
upsampling (zero insertion and the blur with gain 4, as upfirdn2d), residual bridge blocks scaled by
sqrt(1/2), U-Net joins, a 1x1 toRGB. One step: the student on a batch, L1 + (1 - MS-SSIM) against
the cartoon, the temporal loss (the student on the moved batch against its moved output, bilinear
affine_grid/grid_sample), backward, Adam (0.9, 0.99). Random smooth pairs stand in for the data.
Prints one JSON object: the median of --runs after a warm-up, in milliseconds. Needs torch only.
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument("--resolution", type=int, default=64)
parser.add_argument("--batch", type=int, default=8)
parser.add_argument("--runs", type=int, default=10)
parser.add_argument("--threads", type=int, default=2)
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)

taps = torch.tensor([1.0, 3.0, 3.0, 1.0])
blur = torch.outer(taps, taps) / taps.sum() ** 2


class Conv(torch.nn.Module):
    def __init__(self, cin, cout, kernel, activate=True):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(cout, cin, kernel, kernel))
        self.bias = torch.nn.Parameter(torch.zeros(cout))
        self.gain = 1 / math.sqrt(cin * kernel * kernel)
        self.activate = activate

    def forward(self, x, down=False):
        w = self.weight * self.gain
        k = w.shape[-1]
        if down:
            c = x.shape[1]
            x = F.pad(x, (k // 2 + 1, k // 2 + 1, k // 2 + 1, k // 2 + 1))
            x = F.conv2d(x, blur[None, None].repeat(c, 1, 1, 1), groups=c)
            x = F.conv2d(x, w, stride=2)
        else:
            x = F.conv2d(x, w, padding=k // 2)
        x = x + self.bias[None, :, None, None]
        return F.leaky_relu(x, 0.2) * math.sqrt(2) if self.activate else x


def upsample(x):
    c = x.shape[1]
    return F.conv_transpose2d(F.pad(x, (0, 0, 0, 0)), (blur * 4)[None, None].repeat(c, 1, 1, 1), stride=2, padding=1, groups=c)


class Student(torch.nn.Module):
    def __init__(self, width=16, bridge=2, levels=3):
        super().__init__()
        ch = [width << level for level in range(levels + 1)]
        self.levels = levels
        self.encoder = torch.nn.ModuleList([Conv(3, ch[0], 3)] + [Conv(ch[l - 1], ch[l], 3) for l in range(1, levels + 1)])
        self.bridge = torch.nn.ModuleList([torch.nn.ModuleList([Conv(ch[-1], ch[-1], 3), Conv(ch[-1], ch[-1], 3)]) for _ in range(bridge)])
        self.decoder = torch.nn.ModuleList([Conv(ch[l + 1] + ch[l], ch[l], 3) for l in reversed(range(levels))])
        self.to_rgb = Conv(ch[0], 3, 1, activate=False)

    def forward(self, x):
        h = self.encoder[0](x)
        skips = []
        for level in range(1, self.levels + 1):
            skips.append(h)
            h = self.encoder[level](h, down=True)
        for a, b in self.bridge:
            h = (h + b(a(h))) * math.sqrt(0.5)
        for index, layer in enumerate(self.decoder):
            h = layer(torch.cat([upsample(h), skips[self.levels - 1 - index]], 1))
        return self.to_rgb(h)


def gaussian_window(size=11, sigma=1.5):
    g = torch.exp(-((torch.arange(size) - size // 2) ** 2) / (2 * sigma**2))
    g = g / g.sum()
    return torch.outer(g, g)[None, None].repeat(3, 1, 1, 1)


window = gaussian_window()
ms_weights = torch.tensor([0.0448, 0.2856, 0.3001, 0.2363, 0.1333])


def ms_ssim(a, b, data_range=2.0):
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    scales = 1
    while scales < 5 and a.shape[-1] >> scales >= 11:
        scales += 1
    weights = ms_weights[:scales] / ms_weights[:scales].sum()
    values = []
    for scale in range(scales):
        mu_a, mu_b = F.conv2d(a, window, groups=3), F.conv2d(b, window, groups=3)
        saa = F.conv2d(a * a, window, groups=3) - mu_a**2
        sbb = F.conv2d(b * b, window, groups=3) - mu_b**2
        sab = F.conv2d(a * b, window, groups=3) - mu_a * mu_b
        cs = (2 * sab + c2) / (saa + sbb + c2)
        if scale == scales - 1:
            values.append((((2 * mu_a * mu_b + c1) / (mu_a**2 + mu_b**2 + c1)) * cs).mean(dim=(1, 2, 3)).clamp(min=0))
        else:
            values.append(cs.mean(dim=(1, 2, 3)).clamp(min=0))
            a, b = F.avg_pool2d(a, 2), F.avg_pool2d(b, 2)
    return torch.stack([v ** w for v, w in zip(values, weights)], 0).prod(0)


side, n = args.resolution, args.batch
real = F.interpolate(torch.rand(n, 3, 8, 8) * 2 - 1, size=(side, side), mode="bilinear", align_corners=False)
toon = real[:, [2, 0, 1]]
student = Student()
optimizer = torch.optim.Adam(student.parameters(), lr=0.002, betas=(0.9, 0.99))
angle, shift, zoom = math.radians(2), 0.02, 1.04
theta = torch.tensor([[math.cos(angle) / zoom, -math.sin(angle) / zoom, shift], [math.sin(angle) / zoom, math.cos(angle) / zoom, -shift]])
grid = F.affine_grid(theta[None].repeat(n, 1, 1), (n, 3, side, side), align_corners=False)


def step():
    output = student(real)
    loss = (output - toon).abs().mean() + (1 - ms_ssim(output, toon)).mean()
    moved = student(F.grid_sample(real, grid, align_corners=False))
    loss = loss + (moved - F.grid_sample(output, grid, align_corners=False)).abs().mean()
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()


step()
times = []
for _ in range(args.runs):
    start = time.perf_counter()
    step()
    times.append(time.perf_counter() - start)
times.sort()
print(json.dumps({"impl": "pytorch", "version": torch.__version__, "name": f"distill step {side} b{n}",
                  "median_ms": 1000 * times[len(times) // 2], "min_ms": 1000 * times[0], "runs": args.runs,
                  "threads": args.threads}))
