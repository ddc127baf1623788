"""Runs an exported student with onnxruntime: run_onnx.py MODEL.onnx IMAGE.npy [DEGREE.npy] OUT.npy.

Used by ONNXExportTests to check that onnxruntime (PyPI) computes what ToonKit computes."""
import sys

import numpy as np
import onnxruntime

model, image, *rest = sys.argv[1:]
out = rest[-1]
feeds = {"image": np.load(image)}
if len(rest) == 2:
    feeds["degree"] = np.load(rest[0])
session = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"])
np.save(out, session.run(None, feeds)[0])
