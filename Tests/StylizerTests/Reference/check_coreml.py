"""Checks an exported student .mlpackage with coremltools (PyPI) on a machine without Core ML:
check_coreml.py PACKAGE IMAGE.npy [DEGREE.npy] OUT.npy.

Used by CoreMLExportTests. coremltools cannot run a model off Apple platforms (its libcoremlpython
is built for macOS only), so this does what Linux allows:
1. coremltools reads the package (Manifest.json, the Model protobuf) and the spec's version and
   feature descriptions are checked;
2. coremltools' MIL frontend rebuilds its Program from the protobuf (frontend.milproto.load), which
   builds every operation through coremltools' op definitions: op names, parameter names, input
   types and shapes are checked by its type inference, each declared output type must match the
   inferred one, and the weights are read through coremltools' own blob reader (libmilstoragepython);
3. the rebuilt program is evaluated on IMAGE: every op except conv and conv_transpose by
   coremltools' own value inference (the numpy code that defines each op in pymil), conv and
   conv_transpose by the numpy below, written from the MIL op documentation (pad is [begin, end] per
   spatial axis; conv_transpose's weight is [C_in, C_out / groups, kH, kW]).
The result is written to OUT for the test to compare with ToonKit's own output. A real Core ML run
needs Apple hardware (docs/stylizer.md)."""
import os
import sys
import tempfile

import numpy as np

import coremltools as ct
from coremltools.converters.mil import Builder as mb
from coremltools.converters.mil.frontend.milproto import load as milproto
from coremltools.converters.mil.mil import Function

package, image_path, *rest = sys.argv[1:]
out_path = rest[-1]
feeds = {"image": np.load(image_path).astype(np.float32)}
if len(rest) == 2:
    feeds["degree"] = np.load(rest[0]).astype(np.float32)


def fail(message):
    print(f"{package}: {message}", file=sys.stderr)
    sys.exit(1)


spec = ct.utils.load_spec(package)
if spec.specificationVersion < 7 or spec.WhichOneof("Type") != "mlProgram":
    fail(f"expected an ML Program of specification version 7 or later, got {spec.WhichOneof('Type')} {spec.specificationVersion}")
inputs = {}
for feature in spec.description.input:
    array = feature.type.multiArrayType
    inputs[feature.name] = [tuple(array.shape)] + [tuple(s.shape) for s in array.enumeratedShapes.shapes]
outputs = [f.name for f in spec.description.output]
if set(inputs) != set(feeds) or outputs != ["stylized"]:
    fail(f"features {sorted(inputs)} -> {outputs}, expected {sorted(feeds)} -> ['stylized']")
for name, array in feeds.items():
    if array.shape not in inputs[name]:
        fail(f"input {name} takes {inputs[name]}, the test feeds {array.shape}")
ct.models.MLModel(package, skip_model_load=True)  # the package as a user would open it

weights = os.path.join(package, "Data", "com.apple.CoreML", "weights")
program = milproto.load(spec, specification_version=spec.specificationVersion, file_weights_dir=weights)
function = program.functions["main"]


def conv(x, weight, bias=None, pad=None, strides=(1, 1), dilations=(1, 1), groups=1, pad_type="valid"):
    if pad_type != "custom" or tuple(dilations) != (1, 1):
        fail(f"conv with pad_type {pad_type} and dilations {dilations} is not what the exporter writes")
    top, bottom, left, right = pad
    x = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
    n, c, h, w = x.shape
    o, cg, kh, kw = weight.shape
    sy, sx = strides
    ho, wo = (h - kh) // sy + 1, (w - kw) // sx + 1
    og = o // groups
    y = np.zeros((n, o, ho, wo), np.float64)
    for g in range(groups):
        xs = x[:, g * cg:(g + 1) * cg]
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i:i + sy * (ho - 1) + 1:sy, j:j + sx * (wo - 1) + 1:sx]
                y[:, g * og:(g + 1) * og] += np.einsum("nchw,oc->nohw", patch, weight[g * og:(g + 1) * og, :, i, j])
    if bias is not None:
        y += bias[None, :, None, None]
    return y.astype(np.float32)


def conv_transpose(x, weight, bias=None, pad=None, strides=(1, 1), dilations=(1, 1), groups=1, pad_type="valid",
                   output_shape=None):
    if pad_type != "custom" or tuple(dilations) != (1, 1) or output_shape is not None:
        fail("conv_transpose options are not what the exporter writes")
    n, c, h, w = x.shape
    cin, og, kh, kw = weight.shape
    sy, sx = strides
    cg = c // groups
    y = np.zeros((n, og * groups, (h - 1) * sy + kh, (w - 1) * sx + kw), np.float64)
    for g in range(groups):
        xs = x[:, g * cg:(g + 1) * cg]
        for i in range(kh):
            for j in range(kw):
                y[:, g * og:(g + 1) * og, i:i + sy * (h - 1) + 1:sy, j:j + sx * (w - 1) + 1:sx] += np.einsum(
                    "nchw,co->nohw", xs, weight[g * cg:(g + 1) * cg, :, i, j])
    top, bottom, left, right = pad
    y = y[:, :, top:y.shape[2] - bottom, left:y.shape[3] - right]
    if bias is not None:
        y += bias[None, :, None, None]
    return y.astype(np.float32)


ours = {"conv": conv, "conv_transpose": conv_transpose}
values = dict(feeds)
with Function({}, opset_version=ct.target.iOS16):
    for op in function.operations:
        if op.op_type == "const":
            values[op.outputs[0].name] = op.outputs[0].val
            continue
        arguments = {}
        for parameter, var in op.inputs.items():
            if isinstance(var, (list, tuple)):
                arguments[parameter] = [values[v.name] for v in var]
            else:
                arguments[parameter] = values[var.name]
        if op.op_type in ours:
            result = ours[op.op_type](**arguments)
        else:
            def constant(v):
                if isinstance(v, list):
                    return [constant(e) for e in v]
                if np.ndim(v) == 0 and np.asarray(v).dtype == bool:
                    v = bool(v)  # reduce_mean's value inference hands keep_dims to numpy, which wants a Python bool
                return mb.const(val=v)
            var = getattr(mb, op.op_type)(**{k: constant(v) for k, v in arguments.items()})
            if var.val is None:
                fail(f"coremltools has no value inference for {op.op_type}")
            result = np.asarray(var.val, dtype=np.float32)
        declared = tuple(op.outputs[0].shape)  # a flexible size is a symbol, matching any
        if len(result.shape) != len(declared) or any(isinstance(d, int) and d != r for d, r in zip(declared, result.shape)):
            fail(f"{op.op_type} {op.outputs[0].name}: computed {result.shape}, declared {declared}")
        values[op.outputs[0].name] = result

print(f"{len(function.operations)} operations, types: {sorted({op.op_type for op in function.operations})}")
result = values[function.outputs[0].name]

# coremltools' own conversion pipeline (the passes and serializer a conversion on a Mac runs) must
# accept the rebuilt program for the package's target and write it again (it changes the program).
with tempfile.TemporaryDirectory() as folder:
    ct.convert(program, convert_to="mlprogram", minimum_deployment_target=ct.target.iOS16,
               compute_precision=ct.precision.FLOAT32, skip_model_load=True).save(os.path.join(folder, "again.mlpackage"))

np.save(out_path, result)
