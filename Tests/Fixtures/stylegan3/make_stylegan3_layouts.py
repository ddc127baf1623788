"""The layer plans of NVLabs' StyleGAN3 synthesis network for configurations the fixtures do not
build (full-size T and R, a resolution that is not a power of two, non-default filter settings),
written to `sg3_layouts.json` beside this script: per configuration its settings and, per layer,
NVLabs' name, sizes, channels, up/down factors and taps, padding, whether the down filter is
radial, and both filters (float32 values as the module stores them; null for none).

Made with NVlabs/stylegan3 at c233a919a6faee6e36a316ddd4eddababad1adf9, PyTorch 2.13.0+cpu,
SciPy 1.17.1, NumPy 2.4.6. Only `SynthesisNetwork` is constructed (w_dim 8: the plan does not
depend on it); no weights are kept. Its conv2d_gradfix imports `pkg_resources`, which current
setuptools no longer ships: a stand-in offering `parse_version` is installed first.

Usage: python make_stylegan3_layouts.py --repo /path/to/stylegan3
"""
import argparse
import json
import os
import sys
import types

CONFIGS = [
    dict(name="t256", img_resolution=256, channel_base=32768, channel_max=512),
    dict(name="t1024", img_resolution=1024, channel_base=32768, channel_max=512),
    dict(name="r512", img_resolution=512, channel_base=65536, channel_max=1024, conv_kernel=1, use_radial_filters=True),
    dict(name="t48_custom", img_resolution=48, channel_base=2048, channel_max=64, num_layers=10, num_critical=3,
         margin_size=6, filter_size=4, lrelu_upsampling=2, first_cutoff=3, last_stopband_rel=2 ** 0.4),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "sg3_layouts.json"))
    args = parser.parse_args()
    sys.path.insert(0, args.repo)
    from packaging.version import parse as parse_version
    sys.modules.setdefault("pkg_resources", types.SimpleNamespace(parse_version=parse_version))
    from training.networks_stylegan3 import SynthesisNetwork

    def values(f):
        return None if f is None else [float(v) for v in f.flatten().tolist()]

    result = []
    for config in CONFIGS:
        kwargs = {k: v for k, v in config.items() if k != "name"}
        net = SynthesisNetwork(w_dim=8, img_channels=3, **kwargs)
        layers = []
        for name in net.layer_names:
            l = getattr(net, name)
            layers.append(dict(name=name, in_size=int(l.in_size[0]), out_size=int(l.out_size[0]),
                               in_channels=l.in_channels, out_channels=l.out_channels, kernel=l.conv_kernel,
                               up=l.up_factor, down=l.down_factor, up_taps=l.up_taps, down_taps=l.down_taps,
                               padding=l.padding, down_radial=bool(l.down_radial),
                               up_filter=values(l.up_filter), down_filter=values(l.down_filter)))
        result.append(dict(name=config["name"], kwargs=kwargs,
                           input=dict(channels=net.input.channels, size=int(net.input.size[0]),
                                      sampling_rate=float(net.input.sampling_rate), bandwidth=float(net.input.bandwidth)),
                           layers=layers))
    with open(args.out, "w") as f:
        json.dump(result, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
