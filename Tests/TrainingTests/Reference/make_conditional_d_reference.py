"""Reference logits of NVLabs' conditional discriminator (stylegan2-ada-pytorch training/networks.py,
Discriminator with c_dim > 0: the label MappingNetwork and the projection epilogue) for ToonKit's
DiscriminatorLoader and Discriminator tests.

A tiny D (8 px, channel_base 32, channel_max 4, so cmap_dim 4; c_dim 3; minibatch-stddev groups of 2)
with every parameter drawn at random (biases too, so none is a silent zero), rounded to float32 and
then run in float64 on the CPU, where NVLabs' custom ops take their reference paths. The parameters
are written under their state_dict() names, which is what the loader's name table must read.

Run: python3 make_conditional_d_reference.py /path/to/stylegan2-ada-pytorch   (torch 2.x CPU)
-> conditional_d_reference.json
"""
import json
import sys

import torch

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else "/tmp/peers/nvlabs")
from training import networks  # noqa: E402

torch.manual_seed(3)
D = networks.Discriminator(c_dim=3, img_resolution=8, img_channels=3, channel_base=32, channel_max=4,
                           epilogue_kwargs=dict(mbstd_group_size=2)).eval()
state = {}
with torch.no_grad():
    for name, p in D.named_parameters():
        # The label mapping runs at lr_multiplier 0.01 and NVLabs initialises it at 1 / 0.01 the scale (randn / lr_multiplier), as here;
        # without that its output (cmap) and so the logits would be near zero.
        scale = 100.0 if name.startswith("mapping.") else 1.0
        p.copy_((torch.randn(p.shape) * scale).float())
        state[name] = p
D = D.double()
for module in D.modules():  # conv2d_resample insists on a float32 FIR filter ([1, 3, 3, 1] / 64 is exact in it)
    if getattr(module, "resample_filter", None) is not None:
        module.resample_filter = module.resample_filter.float()

images = (torch.randn([4, 3, 8, 8]) * 0.7).float()
# Two one-hot classes, and two float vectors as NVLabs' datasets may store.
labels = torch.tensor([[1, 0, 0], [0, 0, 1], [0.3, -0.5, 0.8], [0, 1, 0]], dtype=torch.float32)
with torch.no_grad():
    logits = D(images.double(), labels.double())

out = {
    "parameters": {name: {"shape": list(p.shape), "values": p.flatten().tolist()} for name, p in state.items()},
    "state_dict_names": list(D.state_dict().keys()),
    "images": {"shape": list(images.shape), "values": images.flatten().tolist()},
    "labels": {"shape": list(labels.shape), "values": labels.flatten().tolist()},
    "logits": logits.flatten().tolist(),
}
with open("conditional_d_reference.json", "w") as f:
    json.dump(out, f, separators=(",", ":"))
