"""Reference values for ToonKit's convolution tests, made once with PyTorch on CPU.

Run:  python make_conv_reference.py   (PyTorch 2.15.0, float32, CPU; writes conv_reference.json)
Each case holds seeded inputs, PyTorch's output, and PyTorch's autograd gradients of
sum(output * upstream) with respect to input and weight.
"""
import json
import torch

torch.manual_seed(1234)
CASES = [
    # name, transposed, input shape, weight shape, stride, padding, groups, output_padding
    ("conv3x3_pad1", False, [2, 4, 7, 6], [6, 4, 3, 3], 1, 1, 1, 0),
    ("conv3x3_stride2_groups2", False, [1, 4, 9, 9], [4, 2, 3, 3], 2, 1, 2, 0),
    ("conv1x1", False, [3, 6, 5, 5], [4, 6, 1, 1], 1, 0, 1, 0),
    ("conv4x4_stride2", False, [2, 3, 8, 8], [5, 3, 4, 4], 2, 0, 1, 0),
    ("conv3x3_pad2_batch5", False, [5, 3, 4, 4], [2, 3, 3, 3], 1, 2, 1, 0),
    ("conv1x1_groups3", False, [2, 6, 3, 3], [9, 2, 1, 1], 1, 0, 3, 0),
    ("transposed3x3_stride2", True, [2, 4, 5, 5], [4, 3, 3, 3], 2, 0, 1, 0),
    ("transposed4x4_stride2_pad1_groups2", True, [1, 4, 4, 4], [4, 2, 4, 4], 2, 1, 2, 0),
    ("transposed3x3_stride2_pad1_outpad1", True, [2, 3, 4, 3], [3, 2, 3, 3], 2, 1, 1, 1),
    ("transposed3x3_stride1_pad1", True, [1, 2, 5, 5], [2, 3, 3, 3], 1, 1, 1, 0),
]


def flat(t):
    return [round(float(v), 8) for v in t.detach().reshape(-1).tolist()]


cases = []
for name, transposed, xs, ws, stride, padding, groups, outpad in CASES:
    x = (torch.rand(xs) * 2 - 1).requires_grad_()
    w = (torch.rand(ws) * 2 - 1).requires_grad_()
    if transposed:
        y = torch.nn.functional.conv_transpose2d(x, w, stride=stride, padding=padding,
                                                 output_padding=outpad, groups=groups)
    else:
        y = torch.nn.functional.conv2d(x, w, stride=stride, padding=padding, groups=groups)
    upstream = torch.rand(y.shape) * 2 - 1
    gx, gw = torch.autograd.grad((y * upstream).sum(), [x, w])
    cases.append(dict(name=name, transposed=transposed, stride=stride, padding=padding, groups=groups,
                      outputPadding=outpad, inputShape=xs, weightShape=ws, outputShape=list(y.shape),
                      input=flat(x), weight=flat(w), output=flat(y), upstream=flat(upstream),
                      inputGradient=flat(gx), weightGradient=flat(gw)))

with open("conv_reference.json", "w") as f:
    json.dump(dict(tool=f"torch {torch.__version__}", cases=cases), f, separators=(",", ":"))
