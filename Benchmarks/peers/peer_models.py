"""Build the peers' StyleGAN2 config-f generators (random weights) from a checkout given by path.

Shared by torch_generator.py and onnx_generator.py. Nothing from the peers is kept in this
repository: the checkout is put on sys.path at run time, and what rosinality needs to run on CPU
is patched in memory here, never in its files.
"""
import os
import sys
import types


def _add_repo(repo, marker):
    repo = os.path.abspath(repo)
    if not os.path.exists(os.path.join(repo, marker)):
        sys.exit(f"peer checkout {repo} has no {marker}: is that the right repository?")
    sys.path.insert(0, repo)
    return repo


class _NoExtension:
    """Stands in for rosinality's compiled op/ extensions (fused, upfirdn2d) on CPU.

    Its CPU code paths never call the extension (fused_leaky_relu and upfirdn2d check
    input.device.type == "cpu" and use plain PyTorch); if anything does, fail loudly rather than
    measure something else.
    """

    def __init__(self, name):
        self._name = name

    def __getattr__(self, attr):
        raise RuntimeError(f"rosinality op extension '{self._name}.{attr}' called on CPU; "
                           "the benchmark expects the pure-PyTorch CPU paths")


def import_rosinality(repo, module_name):
    """Import one of rosinality's top-level modules (model, train) so that it runs on CPU."""
    _add_repo(repo, os.path.join("op", "upfirdn2d.py"))
    import importlib
    import torch.utils.cpp_extension as cpp_extension

    # op/fused_act.py and op/upfirdn2d.py compile their CUDA extensions at import time with
    # torch.utils.cpp_extension.load (needs nvcc and a GPU). Replace `load` for the duration of the
    # import only; the modules bind the name with `from ... import load`, so restore afterwards.
    real_load = cpp_extension.load
    cpp_extension.load = lambda name, *args, **kwargs: _NoExtension(name)
    try:
        return importlib.import_module(module_name)
    finally:
        cpp_extension.load = real_load


def rosinality_generator(repo, resolution):
    """rosinality/stylegan2-pytorch `Generator(size, 512, 8, channel_multiplier=2)` (config-f).

    Returns (module, call) where call(z) -> image with noise const (the module's noise buffers,
    `randomize_noise=False`).
    """
    rosinality_model = import_rosinality(repo, "model")
    generator = rosinality_model.Generator(resolution, 512, 8, channel_multiplier=2).eval()

    def call(z):
        image, _ = generator([z], randomize_noise=False)
        return image

    return generator, call


def add_nvlabs(repo):
    """Put NVlabs/stylegan2-ada-pytorch on the path, ready to import `training.*`."""
    _add_repo(repo, os.path.join("training", "networks.py"))
    # dnnlib/util.py imports `requests` at module level, only to download pickles by URL. Do not
    # install it for a benchmark: give the import an empty module when it is absent.
    stub_missing("requests")


def stub_missing(*names):
    """An empty module for each name that cannot be imported (what a peer imports but never uses here)."""
    import importlib
    import importlib.machinery
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # absent, or present but broken (a torchvision built for another torch)
            for loaded in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
                del sys.modules[loaded]
            stub = _StubModule(name)
            stub.__spec__ = importlib.machinery.ModuleSpec(name, None)  # torch's import checks look for one
            sys.modules[name] = stub


class _StubModule(types.ModuleType):
    """A module whose every attribute is another stub: `from x import y` works, using y does not."""

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _StubModule(f"{self.__name__}.{attr}")


def nvlabs_generator(repo, resolution):
    """NVlabs/stylegan2-ada-pytorch `training.networks.Generator`, config-f: channel_base 32768,
    channel_max 512, 8 mapping layers, FP32 throughout (num_fp16_res=0, conv_clamp=None: the class
    defaults, as ToonKit's GeneratorConfig). eval(), so NVLabs picks its fused modulated conv
    (grouped conv per sample) as it does for G_ema in generate.py.

    Returns (module, call) where call(z) -> image with noise_mode='const'.
    """
    add_nvlabs(repo)
    import torch

    from training.networks import Generator  # noqa: E402  (the peer's code)

    generator = Generator(z_dim=512, c_dim=0, w_dim=512, img_resolution=resolution, img_channels=3,
                          mapping_kwargs=dict(num_layers=8),
                          synthesis_kwargs=dict(channel_base=32768, channel_max=512,
                                                num_fp16_res=0, conv_clamp=None)).eval()

    def call(z):
        c = torch.zeros(z.shape[0], 0)
        return generator(z, c, truncation_psi=1, noise_mode="const")

    return generator, call


def build(impl, repo, resolution):
    if impl == "nvlabs":
        return nvlabs_generator(repo, resolution)
    if impl == "rosinality":
        return rosinality_generator(repo, resolution)
    raise ValueError(impl)
