"""Reference outputs of NVLabs' StyleGAN3 generator that the shared fixtures do not hold.

The shared fixture `nvlabs/sg3t_32.pkl` (see shared/fixtures/README.md) is a StyleGAN3-T
generator with outputs for the identity input transform only. This script adds, beside itself:

  sg3t_32_transform.npy   float32 [2, 3, 32, 32]: the shared sg3t_32.pkl, seeds 0 and 1 (z from
                          sg3t_32_z.npy), psi 1, with the user transform that gen_images.py sets
                          for --translate=0.3,-0.2 --rotate=10 (the inverse of make_transform's
                          matrix, stored in G.synthesis.input.transform)
  sg3r_16.pkl             a StyleGAN3-R generator (conv_kernel 1, radial filters), conditional
                          (c_dim 3), 16 px, z = w = 16, mapping 2 layers, channel_base 256,
                          channel_max 16, num_fp16_res 2 (those layers run in fp32 on CPU),
                          conv_clamp 1.5 (the script checks that the clamp is hit), pickled as
                          training_loop.py pickles a snapshot, so that gen_images.py loads it:
                          {'G', 'D', 'G_ema', 'training_set_kwargs': None, 'augment_pipe': None}
                          through torch_utils.persistence; G is G_ema with other biases (a reader
                          that took G would fail the outputs), D a tiny StyleGAN2 discriminator
  sg3r_16_z.npy           float64 [2, 16]: np.random.RandomState(seed).randn(1, 16), seeds 0 and 1
  sg3r_16_c.npy           float32 [2, 3]: one-hot labels 0 and 2
  sg3r_16_ws.npy          float32 [2, 16, 16]: G.mapping(z, c, truncation_psi=0.7)
  sg3r_16_img.npy         float32 [2, 3, 16, 16]: G.synthesis(ws) (identity transform)
  sg3r_16_transform.npy   float32 [2, 3, 16, 16]: G.synthesis(ws) with --translate=-0.25,0.4 --rotate=-35
  sg3_reference.json      the settings above and the tool versions

Recipe (as gen_images.py): CPU, float32, one seed per call, noise_mode 'const' (StyleGAN3 has no
noise inputs; the mode is ignored). The R weights: torch.manual_seed(7) before building G
(NVLabs' own initialisation), then every bias, the affine biases, the input affine's weight (zero
at initialisation, which would leave the learned input transform the identity) and each layer's
magnitude_ema are perturbed so none keeps its initial value; w_avg is the mean mapping output of
1024 random z with label 0.

Made with NVlabs/stylegan3 at c233a919a6faee6e36a316ddd4eddababad1adf9 (git archive of the
mirror), PyTorch 2.13.0+cpu, NumPy 2.4.6, SciPy 1.17.1, Python 3. Its custom ops fall back to
their reference paths on CPU. Its conv2d_gradfix imports `pkg_resources`, which current
setuptools no longer ships: the script installs a stand-in offering `parse_version` only.

Usage: python make_stylegan3_reference.py --repo /path/to/stylegan3 --fixtures /path/to/shared/fixtures
"""

import argparse
import copy
import json
import os
import pickle
import sys
import types

import numpy as np
import torch


def make_transform(translate, angle):
    """gen_images.py's matrix: rotation by `angle` degrees and translation, in homogeneous form."""
    m = np.eye(3)
    s, c = np.sin(angle / 360.0 * np.pi * 2), np.cos(angle / 360.0 * np.pi * 2)
    m[0][0], m[0][1], m[0][2] = c, s, translate[0]
    m[1][0], m[1][1], m[1][2] = -s, c, translate[1]
    return m


def set_user_transform(G, translate, angle):
    G.synthesis.input.transform.copy_(torch.from_numpy(np.linalg.inv(make_transform(translate, angle))))


def run_per_seed(fn, n):
    return np.concatenate([fn(i).detach().numpy() for i in range(n)]).astype(np.float32)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()
    sys.path.insert(0, args.repo)
    from packaging.version import parse as parse_version
    sys.modules.setdefault("pkg_resources", types.SimpleNamespace(parse_version=parse_version))
    import legacy
    from training.networks_stylegan3 import Generator
    from training.networks_stylegan2 import Discriminator
    torch.set_grad_enabled(False)

    # T: the shared fixture under a user transform.
    with open(os.path.join(args.fixtures, "nvlabs/sg3t_32.pkl"), "rb") as f:
        gt = legacy.load_network_pkl(f)["G_ema"].eval()
    z = np.load(os.path.join(args.fixtures, "nvlabs/sg3t_32_z.npy"))[:2]
    set_user_transform(gt, (0.3, -0.2), 10)
    img = run_per_seed(lambda i: gt(torch.from_numpy(z[i:i + 1]).float(), None, noise_mode="const"), 2)
    np.save(os.path.join(args.out, "sg3t_32_transform.npy"), img)

    # R: a small conditional generator with fp16 layers, a biting clamp and a perturbed state.
    torch.manual_seed(7)
    kwargs = dict(z_dim=16, c_dim=3, w_dim=16, img_resolution=16, img_channels=3,
                  mapping_kwargs=dict(num_layers=2), channel_base=256, channel_max=16,
                  conv_kernel=1, use_radial_filters=True, num_fp16_res=2, conv_clamp=1.5,
                  magnitude_ema_beta=0.999)
    G = Generator(**kwargs).eval()
    g = torch.Generator().manual_seed(8)
    for name, p in G.named_parameters():
        if name.endswith(".bias"):
            p.add_(torch.randn(p.shape, generator=g) * 0.3)
        if name == "synthesis.input.affine.weight":
            p.copy_(torch.randn(p.shape, generator=g))
    for name, b in G.named_buffers():
        if name.endswith("magnitude_ema"):
            b.copy_(torch.rand([], generator=g) + 0.5)
    labels = [0, 2]
    c = np.zeros([2, 3], dtype=np.float32)
    c[np.arange(2), labels] = 1
    many_z = torch.from_numpy(np.random.RandomState(123).randn(1024, 16)).float()
    many_c = torch.zeros([1024, 3]); many_c[:, 0] = 1
    G.mapping.w_avg.copy_(G.mapping(many_z, many_c)[:, 0].mean(0))
    z = np.concatenate([np.random.RandomState(s).randn(1, 16) for s in range(2)])
    ws = run_per_seed(lambda i: G.mapping(torch.from_numpy(z[i:i + 1]).float(), torch.from_numpy(c[i:i + 1]),
                                          truncation_psi=0.7), 2)

    # The clamp must bite somewhere, or the fixture would not test it.
    pre_clamp = []
    import torch_utils.ops.filtered_lrelu as fl
    original = fl._filtered_lrelu_ref
    def spy(x, fu=None, fd=None, b=None, up=1, down=1, padding=0, gain=np.sqrt(2), slope=0.2, clamp=None, flip_filter=False):
        if clamp is not None:
            y = fl.upfirdn2d.upfirdn2d(x=x + b.reshape(1, -1, 1, 1), f=fu, up=up, padding=padding, gain=up ** 2)
            pre_clamp.append(float(fl.bias_act.bias_act(y, act="lrelu", alpha=slope, gain=gain).abs().max()))
        return original(x, fu, fd, b, up, down, padding, gain, slope, clamp, flip_filter)
    fl._filtered_lrelu_ref = spy
    img = run_per_seed(lambda i: G.synthesis(torch.from_numpy(ws[i:i + 1]), noise_mode="const"), 2)
    fl._filtered_lrelu_ref = original
    assert max(pre_clamp) > 1.5, f"the clamp never bites (max {max(pre_clamp)})"
    set_user_transform(G, (-0.25, 0.4), -35)
    img_t = run_per_seed(lambda i: G.synthesis(torch.from_numpy(ws[i:i + 1]), noise_mode="const"), 2)
    G.synthesis.input.transform.copy_(torch.eye(3))

    G_train = copy.deepcopy(G)
    for name, p in G_train.named_parameters():
        if name.endswith(".bias"):
            p.add_(0.1)
    D = Discriminator(c_dim=3, img_resolution=16, img_channels=3, channel_base=256, channel_max=16)
    snapshot = dict(G=G_train, D=D, G_ema=G, augment_pipe=None, training_set_kwargs=None)
    with open(os.path.join(args.out, "sg3r_16.pkl"), "wb") as f:
        pickle.dump(snapshot, f)
    np.save(os.path.join(args.out, "sg3r_16_z.npy"), z)
    np.save(os.path.join(args.out, "sg3r_16_c.npy"), c)
    np.save(os.path.join(args.out, "sg3r_16_ws.npy"), ws)
    np.save(os.path.join(args.out, "sg3r_16_img.npy"), img)
    np.save(os.path.join(args.out, "sg3r_16_transform.npy"), img_t)
    info = dict(
        tools=dict(stylegan3="c233a919a6faee6e36a316ddd4eddababad1adf9", torch=torch.__version__,
                   numpy=np.__version__, python=sys.version.split()[0]),
        sg3t_32_transform=dict(seeds=[0, 1], psi=1, translate=[0.3, -0.2], rotate=10),
        sg3r_16=dict(kwargs=kwargs, seeds=[0, 1], labels=labels, psi=0.7,
                     transform=dict(translate=[-0.25, 0.4], rotate=-35),
                     largest_value_before_clamp=max(pre_clamp)),
    )
    with open(os.path.join(args.out, "sg3_reference.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
