#!/usr/bin/env python3
"""Writes checkpoint_reference.json: per-tensor statistics of every fixture checkpoint.

Independent of ToonKit's reader and of torch: the pickles are read with a restricted
unpickler whose globals are inert stubs (nothing from the files runs), the torch zip with
zipfile, and tensors are materialised with numpy from the raw storages.

Usage: python3 make_checkpoint_reference.py ../shared/fixtures > checkpoint_reference.json
Made with CPython 3.11 and numpy 2.x. For every tensor: shape, float64 sum and sum of
squares of the float32 values, and the first four values.
"""
import collections
import io
import json
import pickle
import sys
import zipfile

import numpy as np

DTYPES = {
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
    "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16,
    "CharStorage": np.int8, "ByteStorage": np.uint8, "BoolStorage": np.bool_,
}


class StorageType:
    def __init__(self, name):
        self.name = name


class Storage:
    def __init__(self, array):
        self.array = array  # 1-D numpy array of the storage's elements


class Tensor:
    def __init__(self, array):
        self.array = array


def rebuild_tensor_v2(storage, offset, size, stride, *rest):
    itemsize = storage.array.itemsize
    view = np.lib.stride_tricks.as_strided(
        storage.array[offset:], shape=tuple(size), strides=tuple(s * itemsize for s in stride))
    return Tensor(np.array(view, dtype=np.float32))


def rebuild_parameter(tensor, *rest):
    return tensor


class Persistent:
    def __init__(self, meta):
        self.meta = meta


class Network:
    def __setstate__(self, state):
        self.state = state


class EasyDict(dict):
    pass


def numpy_global(name):
    import numpy.core.multiarray as ma  # noqa: the real numpy rebuilders are data-only
    return {"_reconstruct": ma._reconstruct, "scalar": ma.scalar, "dtype": np.dtype, "ndarray": np.ndarray}[name]


class Restricted(pickle.Unpickler):
    """Maps the few globals these formats need to inert stubs; refuses everything else."""

    def __init__(self, file, storages=None):
        super().__init__(file)
        self.storages = storages

    def find_class(self, module, name):
        if module in ("numpy.core.multiarray", "numpy._core.multiarray", "numpy") and name in (
                "_reconstruct", "scalar", "dtype", "ndarray"):
            return numpy_global(name)
        table = {
            ("collections", "OrderedDict"): collections.OrderedDict,
            ("torch._utils", "_rebuild_tensor_v2"): rebuild_tensor_v2,
            ("torch._utils", "_rebuild_parameter"): rebuild_parameter,
            ("torch_utils.persistence", "_reconstruct_persistent_obj"): Persistent,
            ("torch.storage", "_load_from_bytes"): load_legacy,
            ("dnnlib.tflib.network", "Network"): Network,
            ("dnnlib.util", "EasyDict"): EasyDict,
        }
        if (module, name) in table:
            return table[(module, name)]
        if module == "torch" and name in DTYPES:
            return StorageType(name)
        raise pickle.UnpicklingError(f"refused {module}.{name}")

    def persistent_load(self, pid):
        return self.storages(pid)


def load_legacy(data):
    """torch's pre-zip stream: magic, protocol, sys info, object, storage keys, raw storages."""
    f = io.BytesIO(data)
    pending = {}

    def storage(pid):
        kind, stype, key, location, numel = pid[:5]
        assert kind == "storage" and (len(pid) == 5 or pid[5] is None)
        pending[key] = stype
        return key

    for _ in range(3):
        Restricted(f).load()
    obj_key = Restricted(f, storage).load()
    keys = Restricted(f).load()
    result = {}
    for key in keys:
        count = int.from_bytes(f.read(8), "little")
        dtype = DTYPES[pending[key].name]
        result[key] = Storage(np.frombuffer(f.read(count * np.dtype(dtype).itemsize), dtype=dtype))
    return result[obj_key]


def stats(array):
    a = np.asarray(array, dtype=np.float32)
    flat = a.reshape(-1).astype(np.float64)
    return {"shape": list(a.shape), "sum": float(flat.sum()), "sumsq": float((flat * flat).sum()),
            "first": [float(x) for x in flat[:4]]}


def module_tensors(obj, prefix, out):
    state = obj.meta["state"]
    for group in ("_parameters", "_buffers"):
        for name, t in state[group].items():
            if t is not None:
                out[prefix + name] = stats(t.array)
    for name, child in state["_modules"].items():
        if child is not None:
            module_tensors(child, prefix + name + ".", out)


def tf_tensors(net, prefix, out):
    for name, value in net.state["variables"]:
        out[prefix + name] = stats(value)
    for name, comp in net.state["components"].items():
        tf_tensors(comp, prefix + name + "/", out)


def tf(path):
    with open(path, "rb") as f:
        g, d, gs = Restricted(f).load()
    nets = {}
    for key, net in (("G", g), ("D", d), ("Gs", gs)):
        nets[key] = {}
        tf_tensors(net, "", nets[key])
    return {"format": "tfStyleGAN2", "generator": "Gs", "networks": nets}


def nvlabs(path, fmt):
    with open(path, "rb") as f:
        snap = Restricted(f).load()
    nets = {}
    for key in ("G", "D", "G_ema"):
        nets[key] = {}
        module_tensors(snap[key], "", nets[key])
    return {"format": fmt, "generator": "G_ema", "networks": nets,
            "config": snap["G_ema"].meta["state"]["_init_kwargs"]}


def rosinality(path):
    z = zipfile.ZipFile(path)
    root = z.namelist()[0].split("/")[0]

    def storage(pid):
        kind, stype, key, location, numel = pid
        dtype = DTYPES[stype.name]
        return Storage(np.frombuffer(z.read(f"{root}/data/{key}"), dtype=dtype)[:numel])

    obj = Restricted(io.BytesIO(z.read(f"{root}/data.pkl")), storage).load()
    nets = {"g_ema": {name: stats(t.array) for name, t in obj["g_ema"].items()}}
    return {"format": "rosinality", "generator": "g_ema", "networks": nets,
            "extra": {"latent_avg": stats(obj["latent_avg"].array)}}


def main():
    root = sys.argv[1].rstrip("/")
    out = {
        "tf/small64/small64.pkl": tf(f"{root}/tf/small64/small64.pkl"),
        "nvlabs/nv_ada_64.pkl": nvlabs(f"{root}/nvlabs/nv_ada_64.pkl", "nvlabsPyTorch"),
        "nvlabs/sg3t_32.pkl": nvlabs(f"{root}/nvlabs/sg3t_32.pkl", "stylegan3"),
        "rosinality/rosinality_16.pt": rosinality(f"{root}/rosinality/rosinality_16.pt"),
    }
    # One tensor per line keeps the file small and its diffs readable.
    lines = ["{"]
    for i, (fixture, entry) in enumerate(out.items()):
        lines.append(f'  {json.dumps(fixture)}: {{')
        head = {k: v for k, v in entry.items() if k not in ("networks", "extra")}
        for k, v in head.items():
            lines.append(f'    {json.dumps(k)}: {json.dumps(v)},')
        groups = [("networks", entry["networks"])] + ([("extra", {"": entry["extra"]})] if "extra" in entry else [])
        for gi, (gname, nets) in enumerate(groups):
            if gname == "extra":
                tensors = entry["extra"]
                lines.append('    "extra": {')
                lines.append(",\n".join(f'      {json.dumps(n)}: {json.dumps(s)}' for n, s in tensors.items()))
                lines.append('    }' + ("," if gi + 1 < len(groups) else ""))
                continue
            lines.append('    "networks": {')
            for ni, (net, tensors) in enumerate(nets.items()):
                lines.append(f'      {json.dumps(net)}: {{')
                lines.append(",\n".join(f'        {json.dumps(n)}: {json.dumps(s)}' for n, s in tensors.items()))
                lines.append('      }' + ("," if ni + 1 < len(nets) else ""))
            lines.append('    }' + ("," if gi + 1 < len(groups) else ""))
        lines.append('  }' + ("," if i + 1 < len(out) else ""))
    lines.append("}")
    text = "\n".join(lines) + "\n"
    json.loads(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
