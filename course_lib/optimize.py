"""Stage 3b: measuring what optimization did to a model.

The lessons call the optimization APIs themselves (TFLiteConverter settings,
tensorflow-model-optimization, coremltools.optimize.coreml); this module holds
the measurements around them: compressed (download) sizes, how many weights are
zero, how far compressed Core ML weights moved, and one table of every variant.
"""
import collections
import gzip
import io
import zipfile
from pathlib import Path

import numpy as np

from course_lib.errors import CourseInputError
from course_lib.inspect import _op_names
from course_lib.quiet import quiet
from course_lib.runtime import read_tflite_bytes


# ------------------------------------------------------------------ sizes

def _as_bytes_or_path(model):
    if isinstance(model, (bytes, bytearray, memoryview)):
        return bytes(model)
    if isinstance(model, (str, Path)):
        path = Path(model)
        if not path.exists():
            raise CourseInputError(f"{str(path)!r} does not exist.")
        return path
    raise CourseInputError(f"Expected model bytes or a file/folder path; got {type(model).__name__}.")


def gzip_size(model):
    """Bytes after gzip -9 of .tflite bytes or of one file."""
    data = _as_bytes_or_path(model)
    if isinstance(data, Path):
        if not data.is_file():
            raise CourseInputError(f"gzip compresses one file; {data} is a folder (use zip_size).")
        data = data.read_bytes()
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def zip_size(model):
    """Bytes of a deflate .zip of model bytes, a file, or a folder such as a .mlpackage.

    App packages (.apk, .aab, .ipa) are zip archives, so this is close to what a
    model adds to an app download.
    """
    data = _as_bytes_or_path(model)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        if isinstance(data, bytes):
            archive.writestr("model.tflite", data)
        elif data.is_file():
            archive.write(data, data.name)
        else:
            for file in sorted(p for p in data.rglob("*") if p.is_file()):
                archive.write(file, str(file.relative_to(data.parent)))
    return len(buffer.getvalue())


# ------------------------------------------------------------------ sparsity

def weight_sparsity(model):
    """Share of exactly-zero values in the kernels of a Keras model.

    Returns (overall share, {layer name: share}) over the layers that have a
    kernel (Conv2D, DepthwiseConv2D, Dense); biases and BatchNorm are left out.
    """
    per_layer, zeros, total = {}, 0, 0
    for layer in model.layers:
        kernel = getattr(layer, "depthwise_kernel", None)
        if kernel is None:
            kernel = getattr(layer, "kernel", None)
        if kernel is None:
            continue
        values = np.asarray(kernel.numpy())
        per_layer[layer.name] = float(np.mean(values == 0))
        zeros += int(np.sum(values == 0))
        total += values.size
    if not total:
        raise CourseInputError("This model has no layers with kernels (Conv2D, DepthwiseConv2D, Dense).")
    return zeros / total, per_layer


_TFLITE_NUMPY = {0: np.float32, 1: np.float16, 9: np.int8, 3: np.uint8}


def tflite_zero_fraction(model, min_elements=1024):
    """Share of zeros among the weight values stored in a .tflite file.

    Counts the constant tensors (float32, float16, int8, uint8) with at least
    ``min_elements`` values, i.e. the kernels, not biases or shapes.
    """
    from tensorflow.lite.python import schema_py_generated as schema

    buf = read_tflite_bytes(model)
    root = schema.Model.GetRootAs(buf, 0)
    graph = root.Subgraphs(0)
    zeros = total = 0
    for i in range(graph.TensorsLength()):
        tensor = graph.Tensors(i)
        dtype = _TFLITE_NUMPY.get(tensor.Type())
        buffer = root.Buffers(tensor.Buffer()) if tensor.Buffer() > 0 else None
        if dtype is None or buffer is None or buffer.DataLength() == 0:
            continue
        values = np.frombuffer(buffer.DataAsNumpy().tobytes(), dtype=dtype)
        if values.size < min_elements:
            continue
        zero_point = 0
        quantization = tensor.Quantization()
        if quantization is not None and quantization.ZeroPointLength() == 1:
            zero_point = int(quantization.ZeroPoint(0))
        zeros += int(np.sum(values == zero_point))
        total += values.size
    return zeros / total if total else 0.0


def tflite_size_breakdown(model):
    """Where the bytes of a .tflite file go: {"weights", "quantization parameters", "graph
    and the rest", "quantized channels"}.

    weights: the data of every constant buffer (kernels, biases, constant shapes, and the
    few bytes of metadata entries);
    quantization parameters: the scale (float32) and zero point (int64) vectors of every
    quantized tensor, one entry per channel for per-channel weights; the rest: tensor and op
    descriptions, names, signatures, metadata and the flatbuffer's own offsets and padding.
    """
    from ai_edge_litert import schema_py_generated as schema  # LiteRT's copy: no TensorFlow import

    buf = read_tflite_bytes(model)
    root = schema.Model.GetRootAs(buf, 0)
    weights = sum(root.Buffers(i).DataLength() for i in range(root.BuffersLength()))
    quantization = channels = 0
    for g in range(root.SubgraphsLength()):
        graph = root.Subgraphs(g)
        for i in range(graph.TensorsLength()):
            q = graph.Tensors(i).Quantization()
            if q is None:
                continue
            quantization += 4 * (q.ScaleLength() + q.MinLength() + q.MaxLength()) + 8 * q.ZeroPointLength()
            channels += q.ScaleLength()
    return {"weights": weights, "quantization parameters": quantization,
            "graph and the rest": len(buf) - weights - quantization, "quantized channels": channels}


def xnnpack_sparse_conditions(model):
    """Which of XNNPACK's conditions for sparse inference a float .tflite model meets.

    XNNPACK (LiteRT's CPU library) runs a subgraph with sparse kernels, skipping the zeros,
    only when (its README, "Sparse Inference"): the weights are stored sparse (``DENSIFY``
    ops, from ``tf.lite.Optimize.EXPERIMENTAL_SPARSITY``); the subgraph starts with a 3x3
    stride-2 ``CONV_2D`` on 3 input channels; it ends with a spatial ``MEAN`` (or
    ``DEPTH_TO_SPACE``); and at least 2/3 of the 1x1 ``CONV_2D`` filter weights are zero.
    Returns [(condition, met, what this model has)].
    """
    from ai_edge_litert import schema_py_generated as schema

    buf = read_tflite_bytes(model)
    root = schema.Model.GetRootAs(buf, 0)
    graph = root.Subgraphs(0)
    names = _op_names()
    ops = []
    for k in range(graph.OperatorsLength()):
        op = graph.Operators(k)
        code = root.OperatorCodes(op.OpcodeIndex())
        ops.append((names.get(max(code.BuiltinCode(), code.DeprecatedBuiltinCode())), op))
    made_by = {int(op.Outputs(0)): op for name, op in ops if name == "DENSIFY"}

    def filter_tensor(op):
        index = int(op.Inputs(1))
        return graph.Tensors(int(made_by[index].Inputs(0)) if index in made_by else index)

    conditions = []
    densify = sum(name == "DENSIFY" for name, _ in ops)
    conditions.append(("weights stored sparse (DENSIFY ops)", densify > 0, f"{densify} DENSIFY ops"))
    first = next((op for name, op in ops if name == "CONV_2D"), None)
    if first is None:
        conditions.append(("starts with a 3x3 stride-2 CONV_2D on 3 channels", False, "no CONV_2D"))
    else:
        options = schema.Conv2DOptions()
        table = first.BuiltinOptions()
        options.Init(table.Bytes, table.Pos)
        out_channels, height, width, in_channels = (int(d) for d in filter_tensor(first).ShapeAsNumpy())
        stride = (options.StrideH(), options.StrideW())
        conditions.append(("starts with a 3x3 stride-2 CONV_2D on 3 channels",
                           (height, width, stride, in_channels) == (3, 3, (2, 2), 3),
                           f"first CONV_2D: {height}x{width}, stride {stride[0]}, "
                           f"{in_channels} input channel{'s' * (in_channels != 1)}"))
    ends = [name for name, _ in ops if name in ("MEAN", "DEPTH_TO_SPACE")]
    conditions.append(("ends with MEAN (or DEPTH_TO_SPACE)", bool(ends), ", ".join(ends) or "neither"))
    zeros = total = 0
    for name, op in ops:
        tensor = filter_tensor(op) if name == "CONV_2D" else None
        if tensor is None or tuple(int(d) for d in tensor.ShapeAsNumpy())[1:3] != (1, 1):
            continue
        size = int(np.prod(tensor.ShapeAsNumpy()))
        values = root.Buffers(tensor.Buffer()).DataAsNumpy()
        dtype = _TFLITE_NUMPY.get(tensor.Type(), np.float32)
        stored = np.frombuffer(values.tobytes(), dtype=dtype) if len(values) else np.zeros(0, dtype)
        zeros += size - len(stored) + int(np.sum(stored == 0))  # sparse storage keeps the non-zeros
        total += size
    share = zeros / total if total else 0.0
    conditions.append(("at least 2/3 of the 1x1 CONV_2D weights are zero", share >= 2 / 3,
                       f"{share:.0%} zero"))
    return conditions


# ------------------------------------------------------------------ runtime

def delegate_partitions(model):
    """How LiteRT splits a .tflite graph between the XNNPACK delegate and its own kernels.

    Returns {"ops": ops in the model, "delegate_partitions": pieces handed to
    XNNPACK}. One partition means the whole graph runs inside XNNPACK; more mean
    the graph is cut and execution hands over between XNNPACK and built-in kernels.
    """
    from ai_edge_litert.interpreter import Interpreter

    with quiet():
        interpreter = Interpreter(model_content=read_tflite_bytes(model), num_threads=1)
        interpreter.allocate_tensors()
    # _get_ops_details is private: it is the only Python view of the graph after delegation
    # (the flatbuffer lists the ops before XNNPACK takes them over). Revisit on a LiteRT bump.
    names = collections.Counter(op["op_name"] for op in interpreter._get_ops_details())
    partitions = names.pop("DELEGATE", 0)
    return {"ops": sum(names.values()), "delegate_partitions": partitions}


# ------------------------------------------------------------------ Core ML weights

def coreml_weights(mlmodel, min_rank=2):
    """The weight tensors of an mlprogram, in program order, as float32 arrays.

    Compressed weights (palettized, linearly quantized, sparse) are decompressed
    to the values the device computes with. Works on Linux: it reads the MIL
    program, it does not run the model.
    """
    from course_lib.mlprogram import mil_program

    program = mil_program(mlmodel)
    weights = {}
    for op in program.functions["main"].operations:
        if op.op_type == "const":
            consumers = op.outputs[0].child_ops
            if consumers and all(c.op_type.startswith("constexpr_") for c in consumers):
                continue  # the stored parts of a compressed weight (indices, palette, scales)
            value = op.outputs[0].val
        elif op.op_type.startswith("constexpr_"):
            value = op.materialized_val_inference()
        else:
            continue
        if value is not None and np.ndim(value) >= min_rank:
            weights[op.outputs[0].name] = np.asarray(value, dtype=np.float32)
    return weights


def coreml_weight_error(reference, compressed):
    """Relative error ||W' - W|| / ||W|| over all weights of two versions of one mlprogram.

    ``reference`` is the uncompressed model, ``compressed`` the output of a
    coremltools.optimize.coreml function applied to it. Weights are paired in
    program order (compression renames them) and must have matching shapes.
    """
    ref, comp = list(coreml_weights(reference).values()), list(coreml_weights(compressed).values())
    if len(ref) != len(comp) or any(a.shape != b.shape for a, b in zip(ref, comp)):
        raise CourseInputError(
            "These two models do not have the same weights: pass an mlprogram and a "
            "compressed version of that same mlprogram."
        )
    diff = sum(float(np.sum((a - b) ** 2)) for a, b in zip(ref, comp))
    norm = sum(float(np.sum(a ** 2)) for a in ref)
    return float(np.sqrt(diff / norm))


# ------------------------------------------------------------------ trade-offs

def pareto_names(rows, minimize=("size_bytes",), maximize=("accuracy",)):
    """Names of the rows that no other row beats on every objective at once.

    rows: dicts with "name" and the objective keys; rows missing one of them are
    skipped. A row is dominated when another is at least as good on every
    objective and strictly better on one (smaller for ``minimize``, larger for
    ``maximize``). With latency among the objectives, a slow-but-small variant
    and a fast-but-larger one can both be on the front.
    """
    keys = tuple(minimize) + tuple(maximize)
    usable = [r for r in rows if all(r.get(k) is not None for k in keys)]
    # turn every objective into "smaller is better"
    points = [tuple(r[k] for k in minimize) + tuple(-r[k] for k in maximize) for r in usable]

    def dominates(a, b):
        return all(x <= y for x, y in zip(a, b)) and any(x < y for x, y in zip(a, b))

    return [r["name"] for r, p in zip(usable, points) if not any(dominates(q, p) for q in points)]


# ------------------------------------------------------------------ the table

# (row key, column title, decimals)
COLUMNS = (("size_bytes", "size (KB)", 1), ("zip_bytes", "zipped (KB)", 1),
           ("accuracy", "accuracy", 4), ("latency_ratio_vs_float32", "latency (x float32)", 2))


def table(rows):
    """The variants as a pandas DataFrame (a notebook shows it as a table), one row per
    variant by its "name": size and zipped size in KB (1 KB = 1024 bytes), accuracy,
    latency vs float32. A missing or None value shows as n/a; a column no row has is left out.
    """
    import pandas as pd

    columns = {}
    for key, title, decimals in COLUMNS:
        values = [row.get(key) for row in rows]
        if any(v is not None for v in values):
            scale = 1024 if key.endswith("_bytes") else 1
            columns[title] = [None if v is None else round(v / scale, decimals) for v in values]
    index = pd.Index([row["name"] for row in rows], name="variant")
    return pd.DataFrame(columns, index=index, dtype=object).fillna("n/a")
