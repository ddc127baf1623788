"""Reference steps of NVLabs' own projector (stylegan2-ada-pytorch projector.py, `project`) for
ToonKit's Projector (Sources/Toonify/Projection).

The generator is shared/fixtures/nvlabs/nv_ada_64.pkl (G_ema, 64 px). The target is that network's
own image of a formula z (z = uniform("projection_target_z")), quantised to 8 bits as NVLabs writes
images and saved as projection_target.png. `project` runs unchanged for 8 steps with its default
w_avg_samples (10000 latents from RandomState(123), which ToonKit draws identically), except for
what cannot run here: its VGG16 download is replaced by the lpips package's LPIPS-VGG on the
formula weights of Tests/ToonMetricsTests/Reference/make_lpips_reference.py, wrapped to NVLabs'
interface as in Tests/TrainingTests/Reference/make_ppl_reference.py, and torch.randn_like returns
formula values (uniform in [-1, 1) under "projection_noise_<buffer name>" for the initial noise
maps, "projection_w_<step>" for each step's w perturbation). Recorded per step: the distance
(the wrapper's squared feature difference from the target's, which is NVLabs' dist) and the
optimised w that `project` returns. float32, CPU.

Run: python3 make_projection_reference.py [/path/to/stylegan2-ada-pytorch]  -> projection_reference.json,
projection_target.png
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../../ToonMetricsTests/Reference"))
sys.path.insert(0, os.path.join(HERE, "../../TrainingTests/Reference"))
sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else "/tmp/peers/nvlabs")
from make_fid_reference import uniform  # noqa: E402  (first: it lets torchvision import here)
import torch  # noqa: E402
import PIL.Image  # noqa: E402
from make_lpips_reference import build_model  # noqa: E402
from make_ppl_reference import LPIPSAsNVLabsVGG, FIXTURE  # noqa: E402
import dnnlib  # noqa: E402
import legacy  # noqa: E402
import projector  # noqa: E402

STEPS = 8


def formula(name, shape):
    return torch.from_numpy(uniform(name, int(np.prod(shape))).astype(np.float32).reshape(shape))


class NoDownload:
    def __enter__(self):
        return None

    def __exit__(self, *args):
        return False


class RecordingVGG(LPIPSAsNVLabsVGG):
    """Keeps the first call's features (the target's) and each later call's distance from them."""

    def forward(self, img, resize_images=False, return_lpips=True):
        features = super().forward(img, resize_images, return_lpips)
        if not hasattr(self, "target"):
            self.target = features.detach()
            self.distances = []
        else:
            self.distances.append(float((self.target - features.detach()).square().sum()))
        return features


def main():
    with open(FIXTURE, "rb") as f:
        G = legacy.load_network_pkl(f)["G_ema"].eval().requires_grad_(False)
    z = formula("projection_target_z", (1, G.z_dim))
    with torch.no_grad():
        image = G(z, None, noise_mode="const")
    target = (image.permute(0, 2, 3, 1) * 127.5 + 128).clamp(0, 255).to(torch.uint8)[0].numpy()
    PIL.Image.fromarray(target, "RGB").save(os.path.join(HERE, "projection_target.png"))

    vgg = RecordingVGG(build_model()[0].requires_grad_(False)).eval()
    dnnlib.util.open_url = lambda url, *a, **k: NoDownload()
    torch.jit.load = lambda f: vgg
    noise_names = [n for n, _ in G.synthesis.named_buffers() if "noise_const" in n]
    calls = {"count": 0}

    def randn_like(t):
        k = calls["count"]
        calls["count"] += 1
        name = f"projection_noise_synthesis.{noise_names[k]}" if k < len(noise_names) else f"projection_w_{k - len(noise_names)}"
        return formula(name, tuple(t.shape))

    torch.randn_like = randn_like
    w_steps = projector.project(G, torch.from_numpy(target.transpose(2, 0, 1)), num_steps=STEPS, device=torch.device("cpu"))
    steps = [{"dist": d, "w": [float(v) for v in w]} for d, w in zip(vgg.distances, w_steps[:, 0, :])]
    out = {"steps_count": STEPS, "noise_names": [f"synthesis.{n}" for n in noise_names], "steps": steps}
    with open(os.path.join(HERE, "projection_reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("distances", [round(d, 5) for d in vgg.distances])


if __name__ == "__main__":
    main()
