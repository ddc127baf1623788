#!/usr/bin/env python3
"""Writes the small .npy files that Tests/ToonIOTests/NumPy*.swift read (numpy 2.4.6).

Values are small and exact in every dtype, so the Swift tests state them literally:
  base = [[-1.0, -0.5, 0.0], [0.5, 1.0, 1.5]] for float types, [[-3, -2, -1], [0, 1, 2]] for signed
  integers, [[0, 1, 2], [253, 254, 255]] for unsigned, [[True, False, True], [False, False, True]] for bool.
Files starting with "numpy_" are the byte-exact expectations for ToonKit's own writer.
"""
import os
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
fl = np.array([[-1.0, -0.5, 0.0], [0.5, 1.0, 1.5]])
signed = np.array([[-3, -2, -1], [0, 1, 2]])
unsigned = np.array([[0, 1, 2], [253, 254, 255]])
boolean = np.array([[True, False, True], [False, False, True]])


def save(name, array, version=None):
    path = os.path.join(here, name)
    if version is None:
        np.save(path, array)
    else:
        with open(path, "wb") as f:
            np.lib.format.write_array(f, array, version=version)


for dtype in ["<f2", "<f4", "<f8", ">f4", ">f8"]:
    save(f"f_{dtype[0] == '>' and 'be' or 'le'}{dtype[2]}.npy", fl.astype(dtype))
for dtype in ["<i2", "<i4", "<i8", "|i1", ">i4"]:
    save(f"i_{dtype[0] == '>' and 'be' or 'le'}{dtype[2]}.npy", signed.astype(dtype))
for dtype in ["|u1", "<u2", "<u4", "<u8"]:
    save(f"u_le{dtype[2]}.npy", unsigned.astype(dtype))
save("b1.npy", boolean)
save("f4_v2.npy", fl.astype("<f4"), version=(2, 0))
save("f4_v3.npy", fl.astype("<f4"), version=(3, 0))
save("f4_fortran.npy", np.asfortranarray(fl.astype("<f4")))
save("f4_fortran_1d.npy", np.asfortranarray(np.array([1.0, 2.0, 3.0], dtype="<f4")))
save("c8.npy", np.array([1 + 2j], dtype="<c8"))
save("str.npy", np.array(["ab", "c"]))

# Byte-exact expectations for NPY.write: float32 arrays of several ranks.
save("numpy_scalar.npy", np.array(2.5, dtype=np.float32))
save("numpy_empty.npy", np.zeros((0, 3), dtype=np.float32))
save("numpy_1d.npy", np.arange(5, dtype=np.float32) * 0.25)
save("numpy_2x3.npy", fl.astype(np.float32))
save("numpy_4d.npy", (np.arange(2 * 3 * 4 * 5, dtype=np.float32) - 60).reshape(2, 3, 4, 5) / 8)
save("numpy_wide.npy", np.arange(12345678, 12345678 + 3, dtype=np.float32).reshape(1, 3))
print("wrote fixtures to", here)

# .npz archives (Tests/ToonIOTests/NumPyArchiveTests.swift), named as Chainer's save_npz names its arrays:
# stored (numpy.savez) and deflated (numpy.savez_compressed, what Chainer writes), one with an entry
# that is not an array and one whose array is cut short.
arrays = {"conv1/W": fl.astype("<f4"), "conv1/b": np.arange(3, dtype="<f8")}
np.savez(os.path.join(here, "stored.npz"), **arrays)
np.savez_compressed(os.path.join(here, "deflated.npz"), **arrays)
import io
import zipfile
with zipfile.ZipFile(os.path.join(here, "not_arrays.npz"), "w") as archive:
    archive.writestr("conv1/W.npy", open(os.path.join(here, "f_le4.npy"), "rb").read())
    archive.writestr("notes.txt", "not an array")
with zipfile.ZipFile(os.path.join(here, "cut_array.npz"), "w", zipfile.ZIP_DEFLATED) as archive:
    archive.writestr("conv1/W.npy", open(os.path.join(here, "f_le4.npy"), "rb").read()[:-4])
