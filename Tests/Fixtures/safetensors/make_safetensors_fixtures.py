#!/usr/bin/env python3
"""Writes the .safetensors files that Tests/ToonIOTests/SafeTensors*.swift read, using the reference
`safetensors` package (0.8.0) so ToonKit is checked against it, not against itself.

mixed.safetensors     one tensor of each dtype ToonKit converts, plus a scalar and an empty tensor;
                      metadata {"toonkit.config": '{"z_dim": 512}', "format": "pt"}.
f32.safetensors       F32 only, dotted ToonKit names, one metadata key whose value needs escaping:
                      the byte-exact expectation for SafeTensors.write.
f32_nometa.safetensors  the same tensors, no metadata.
empty.safetensors     no tensors, no metadata.
Values are listed beside each tensor below; the Swift tests state them literally.
"""
import os
import numpy as np
from safetensors.numpy import save_file
from safetensors import serialize_file
from safetensors._safetensors_rust import TensorSpec

here = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(here, name)


# bfloat16 has no numpy dtype: its bytes are the high halves of float32 values.
bf16 = (np.array([1.5, -2.0], dtype=np.float32).view(np.uint32) >> 16).astype("<u2").tobytes()
mixed = {
    "f32": ("float32", [2, 3], np.array([[-1, -0.5, 0], [0.5, 1, 1.5]], dtype="<f4").tobytes()),
    "f16": ("float16", [3], np.array([0.25, -65504, 6e-8], dtype="<f2").tobytes()),
    "bf16": ("bfloat16", [2], bf16),
    "f64": ("float64", [2, 2], np.array([[1e-3, -2.5], [3.0, 1e300]], dtype="<f8").tobytes()),
    "i32": ("int32", [3], np.array([-7, 0, 2**31 - 1], dtype="<i4").tobytes()),
    "i64": ("int64", [2], np.array([-(2**40), 5], dtype="<i8").tobytes()),
    "u8": ("uint8", [4], np.array([0, 1, 128, 255], dtype="u1").tobytes()),
    "flags": ("bool", [3], np.array([True, False, True]).tobytes()),
    "scalar": ("float32", [], np.array(3.25, dtype="<f4").tobytes()),
    "empty": ("float32", [0, 4], b""),
}
# TensorSpec takes raw pointers: keep every buffer alive (in `buffers`) until the file is written.
buffers = {k: np.frombuffer(b, dtype=np.uint8).copy() if b else np.zeros(1, np.uint8) for k, (_, _, b) in mixed.items()}
specs = {k: TensorSpec(dtype=d, shape=s, data_ptr=buffers[k].ctypes.data, data_len=len(b)) for k, (d, s, b) in mixed.items()}
serialize_file(specs, path("mixed.safetensors"),
               metadata={"toonkit.config": '{"z_dim": 512}', "format": "pt"})

f32 = {
    "mapping.fc0.weight": (np.arange(12, dtype=np.float32).reshape(3, 4) - 6) / 4,
    "mapping.fc0.bias": np.array([0.5, -0.5, 1.0], dtype=np.float32),
    "synthesis.b4.const": np.full((2, 2, 2), 0.125, dtype=np.float32),
    "Z.upper": np.array(7.0, dtype=np.float32),
    "w_avg": np.zeros((0,), dtype=np.float32),
}
save_file(f32, path("f32.safetensors"),
          metadata={"toonkit.config": '{"name": "toon \\"64\\"", "ü": 1}\n\t\u0001'})
save_file(f32, path("f32_nometa.safetensors"))
save_file({}, path("empty.safetensors"))
print("wrote fixtures to", here)
