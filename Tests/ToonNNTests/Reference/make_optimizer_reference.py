"""Reference trajectories for ToonKit's optimizer tests, made once with PyTorch on CPU.

Run:  python make_optimizer_reference.py   (PyTorch 2.15.0; writes optimizer_reference.json)
Each case minimises sum(c * p^2 + d * p) from a seeded start for 5 steps; the gradient
(2 c p + d) is recorded with every parameter value so the Swift test can replay it exactly.
"""
import json
import torch

torch.manual_seed(7)
start = torch.rand(6) * 2 - 1
c = torch.rand(6) + 0.5
d = torch.rand(6) - 0.5
cases = []
for name, make in [
    ("adam_stylegan2", lambda p: torch.optim.Adam([p], lr=0.002, betas=(0.0, 0.99), eps=1e-8)),
    ("adam_default", lambda p: torch.optim.Adam([p], lr=0.1)),
    ("sgd_momentum", lambda p: torch.optim.SGD([p], lr=0.05, momentum=0.9)),
    ("sgd_plain", lambda p: torch.optim.SGD([p], lr=0.05)),
]:
    p = start.clone().requires_grad_()
    opt = make(p)
    values = []
    for _ in range(5):
        opt.zero_grad()
        (c * p * p + d * p).sum().backward()
        opt.step()
        values.append([float(v) for v in p.detach()])
    cases.append(dict(name=name, values=values))

with open("optimizer_reference.json", "w") as f:
    json.dump(dict(tool=f"torch {torch.__version__}", start=[float(v) for v in start],
                   c=[float(v) for v in c], d=[float(v) for v in d], cases=cases), f, indent=1)
