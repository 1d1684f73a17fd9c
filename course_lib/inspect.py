"""Stage 5: look inside converted models without running them (works on Linux).

A .tflite file is a FlatBuffer; we parse it with TensorFlow's generated schema
reader. A Core ML model is a protobuf spec; for an mlprogram the weights' storage
(float16, quantized, palettized, sparse) shows in the ops of its MIL program.
"""
import collections
import dataclasses
from pathlib import Path

import numpy as np

from course_lib.errors import CourseInputError
from course_lib.runtime import read_tflite_bytes

_TFLITE_DTYPES = {0: "float32", 1: "float16", 2: "int32", 3: "uint8", 4: "int64", 5: "string",
                  6: "bool", 7: "int16", 9: "int8", 10: "float64", 17: "int4"}
FLOAT_DTYPES = ("float32", "float16", "float64")


@dataclasses.dataclass
class TensorInfo:
    name: str
    shape: tuple
    dtype: str
    scale: float | None = None       # quantization: real = scale * (q - zero_point)
    zero_point: int | None = None

    @property
    def quantized(self):
        return self.scale is not None


@dataclasses.dataclass
class OpInfo:
    name: str
    input_dtypes: tuple
    output_dtypes: tuple

    @property
    def computes_in_float(self):
        return any(d in FLOAT_DTYPES for d in self.output_dtypes)


@dataclasses.dataclass
class TFLiteReport:
    size_bytes: int
    inputs: list
    outputs: list
    ops: list
    tensor_count: int
    weight_dtypes: dict  # dtype -> number of constant tensors stored in it

    @property
    def op_names(self):
        return [op.name for op in self.ops]

    @property
    def float_ops(self):
        """Names of the ops whose result is a float tensor (so they compute in float)."""
        return [op.name for op in self.ops if op.computes_in_float]

    @property
    def fully_integer(self):
        """True when inputs, outputs and every op are integer: what an int8 NPU/DSP needs."""
        return not self.float_ops and all(t.dtype not in FLOAT_DTYPES for t in self.inputs + self.outputs)

    def summary(self):
        def fmt(t):
            q = f" scale={t.scale:.6g} zero_point={t.zero_point}" if t.quantized else ""
            return f"{t.name} {t.dtype}{list(t.shape)}{q}"

        counts = collections.Counter(self.op_names)
        return "\n".join([
            f"size: {self.size_bytes:,} bytes, tensors: {self.tensor_count}",
            "inputs:  " + "; ".join(fmt(t) for t in self.inputs),
            "outputs: " + "; ".join(fmt(t) for t in self.outputs),
            "ops:     " + ", ".join(f"{n} x{c}" for n, c in counts.items()),
            f"float ops: {len(self.float_ops)} of {len(self.ops)}",
            "weights: " + ", ".join(f"{n} {d}" for d, n in self.weight_dtypes.items()),
        ])


def _op_names():
    from ai_edge_litert import schema_py_generated as schema  # LiteRT's copy: no TensorFlow import

    return {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}


def inspect_tflite(model):
    """Report on a .tflite model (bytes or path): I/O, quantization, ops, weights, size."""
    from ai_edge_litert import schema_py_generated as schema  # LiteRT's copy: no TensorFlow import

    buf = read_tflite_bytes(model)
    try:
        root = schema.Model.GetRootAs(buf, 0)
        graph = root.Subgraphs(0)
        names = _op_names()

        def tensor(i):
            t = graph.Tensors(i)
            q = t.Quantization()
            scale = zero_point = None
            if q is not None and q.ScaleLength() > 0:
                scale, zero_point = float(q.Scale(0)), int(q.ZeroPoint(0))
            return TensorInfo(t.Name().decode(), tuple(int(d) for d in t.ShapeAsNumpy()),
                              _TFLITE_DTYPES.get(t.Type(), str(t.Type())), scale, zero_point)

        def dtypes(indices):
            return tuple(_TFLITE_DTYPES.get(graph.Tensors(int(i)).Type(), "?") for i in indices if i >= 0)

        ops = []
        for k in range(graph.OperatorsLength()):
            op = graph.Operators(k)
            code = root.OperatorCodes(op.OpcodeIndex())
            builtin = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
            name = names.get(builtin, f"OP_{builtin}")
            if name == "CUSTOM":
                name = code.CustomCode().decode()
            ops.append(OpInfo(name, dtypes(op.InputsAsNumpy()), dtypes(op.OutputsAsNumpy())))

        weight_dtypes = collections.Counter()
        for i in range(graph.TensorsLength()):
            t = graph.Tensors(i)
            if t.Buffer() > 0 and root.Buffers(t.Buffer()).DataLength() > 0:
                weight_dtypes[_TFLITE_DTYPES.get(t.Type(), "?")] += 1
        return TFLiteReport(
            size_bytes=len(buf),
            inputs=[tensor(int(i)) for i in graph.InputsAsNumpy()],
            outputs=[tensor(int(i)) for i in graph.OutputsAsNumpy()],
            ops=ops,
            tensor_count=graph.TensorsLength(),
            weight_dtypes=dict(weight_dtypes),
        )
    except (IndexError, AttributeError, TypeError, ValueError) as error:  # flatbuffers on a bad file
        raise CourseInputError(
            f"Could not parse these {len(buf)} bytes as a TFLite flatbuffer (truncated or "
            f"corrupted?): {error.__class__.__name__}: {error}"
        ) from None


# ---------------------------------------------------------------- Core ML

# MIL ops that decompress weights at load time, by the compression they mean.
_COMPRESSION_OPS = {
    "constexpr_affine_dequantize": "linear_quantized",
    "constexpr_blockwise_shift_scale": "linear_quantized",
    "constexpr_lut_to_dense": "palettized",
    "constexpr_sparse_to_dense": "sparse",
}


_MODEL_TYPES = {"mlProgram": "mlprogram", "neuralNetwork": "neuralnetwork",
                "neuralNetworkClassifier": "neuralnetwork", "neuralNetworkRegressor": "neuralnetwork"}


@dataclasses.dataclass
class CoreMLReport:
    model_type: str          # "mlprogram" or "neuralnetwork" (else the spec's own type name)
    spec_version: int
    inputs: list             # dicts: name, kind ("image"/"multiArray"/...), details
    outputs: list
    class_labels: list
    compute_precision: str   # "float16", "float32" or "mixed" (mlprogram), "n/a" otherwise
    weight_compression: dict  # kind -> number of weight tensors stored that way
    size_bytes: int | None
    metadata: dict

    @property
    def is_classifier(self):
        return bool(self.class_labels)

    @property
    def has_image_input(self):
        return any(i["kind"] == "image" for i in self.inputs)

    def summary(self):
        ins = "; ".join(f"{i['name']} {i['kind']} {i['details']}" for i in self.inputs)
        return "\n".join([
            f"type: {self.model_type} (spec version {self.spec_version}), "
            f"size: {self.size_bytes:,} bytes" if self.size_bytes else f"type: {self.model_type}",
            f"inputs: {ins}",
            "outputs: " + "; ".join(f"{o['name']} {o['kind']}" for o in self.outputs),
            f"labels: {self.class_labels}",
            f"compute precision: {self.compute_precision}",
            f"weight compression: {self.weight_compression or 'none'}",
            f"metadata: {self.metadata}",
        ])


def load_spec(model):
    """(spec, path or None) of an MLModel, or of a .mlpackage / .mlmodel path; a clear error otherwise."""
    import coremltools as ct

    if hasattr(model, "get_spec"):
        return model.get_spec(), getattr(model, "package_path", None)
    path = Path(model) if isinstance(model, (str, Path)) else None
    if path is None:
        raise CourseInputError(
            f"Expected a Core ML model (MLModel, or the path of a .mlpackage or .mlmodel); "
            f"got {type(model).__name__}."
        )
    if path.suffix not in (".mlpackage", ".mlmodel") or not path.exists():
        raise CourseInputError(
            f"Expected an existing .mlpackage folder or .mlmodel file; got {str(path)!r}."
        )
    try:
        return ct.utils.load_spec(str(path)), path
    except Exception as error:  # protobuf decode errors have no common base class
        raise CourseInputError(f"{path} is not a readable Core ML model: {error}") from None


def _feature(feature):
    kind = feature.type.WhichOneof("Type")
    if kind == "imageType":
        t = feature.type.imageType
        layout = {10: "GRAYSCALE", 20: "RGB", 30: "BGR"}.get(t.colorSpace, str(t.colorSpace))
        return {"name": feature.name, "kind": "image", "details": f"{t.width}x{t.height} {layout}",
                "width": int(t.width), "height": int(t.height), "color": layout}
    if kind == "multiArrayType":
        t = feature.type.multiArrayType
        return {"name": feature.name, "kind": "multiArray", "details": list(t.shape)}
    return {"name": feature.name, "kind": kind.replace("Type", ""), "details": ""}


def _mil_ops(block):
    for op in block.operations:
        yield op
        for inner in op.blocks:
            yield from _mil_ops(inner)


def inspect_coreml(model):
    """Report on a Core ML model: an MLModel, or a .mlpackage / .mlmodel path."""
    return coreml_report(*load_spec(model))


def coreml_report(spec, path=None):
    """The report of :func:`inspect_coreml`, for a spec already loaded (``load_spec``)."""
    from course_lib.convert import directory_size

    spec_type = spec.WhichOneof("Type")
    model_type = _MODEL_TYPES.get(spec_type, spec_type)
    labels = []
    if spec_type == "neuralNetworkClassifier":
        labels = list(spec.neuralNetworkClassifier.stringClassLabels.vector)
    precision, compression = "n/a", collections.Counter()
    if spec_type == "mlProgram":
        const_dtypes = collections.Counter()
        for function in spec.mlProgram.functions.values():
            for block in function.block_specializations.values():
                for op in _mil_ops(block):
                    if op.type in _COMPRESSION_OPS:
                        compression[_COMPRESSION_OPS[op.type]] += 1
                    elif op.type == "const" and op.outputs and op.outputs[0].type.HasField("tensorType"):
                        tensor = op.outputs[0].type.tensorType
                        if tensor.rank >= 1:  # weights, not scalar settings
                            const_dtypes[tensor.dataType] += 1
                    if op.type == "classify":
                        labels = _classify_labels(op)
        # MIL dataType enum: 10 FLOAT16, 11 FLOAT32 (see coremltools MIL.proto)
        kinds = {10: "float16", 11: "float32"}
        found = {kinds[d] for d in const_dtypes if d in kinds}
        precision = found.pop() if len(found) == 1 else ("mixed" if found else "float16")
    meta = spec.description.metadata
    return CoreMLReport(
        model_type=model_type,
        spec_version=spec.specificationVersion,
        inputs=[_feature(f) for f in spec.description.input],
        outputs=[_feature(f) for f in spec.description.output],
        class_labels=labels,
        compute_precision=precision,
        weight_compression=dict(compression),
        size_bytes=directory_size(path) if path else None,
        metadata={"author": meta.author, "description": meta.shortDescription,
                  "license": meta.license, "version": meta.versionString},
    )


def coreml_image_scale(spec):
    """The factor the model's image input is multiplied by (1.0 if none)."""
    if spec.WhichOneof("Type") == "mlProgram":
        image = spec.description.input[0].name
        consts, ops = {}, []
        for function in spec.mlProgram.functions.values():
            for block in function.block_specializations.values():
                for op in _mil_ops(block):
                    ops.append(op)
                    if op.type == "const" and op.outputs:
                        consts[op.outputs[0].name] = op.attributes.get("val")
        names = {image}
        for op in ops:
            inputs = {k: [a.name for a in v.arguments if a.name] for k, v in op.inputs.items()}
            if op.type == "cast" and set(inputs.get("x", [])) & names:
                names.add(op.outputs[0].name)
            if op.type == "mul" and set(inputs.get("x", [])) & names:
                value = consts.get((inputs.get("y") or [None])[0])
                if value is not None:
                    tensor = value.immediateValue.tensor
                    for field in ("floats", "doubles", "bytes"):
                        if field == "bytes":
                            raw = tensor.bytes.values
                            if raw:
                                return float(np.frombuffer(raw, dtype=np.float16)[0])
                        elif getattr(tensor, field).values:
                            return float(getattr(tensor, field).values[0])
        return 1.0
    for kind in ("neuralNetworkClassifier", "neuralNetwork", "neuralNetworkRegressor"):
        if spec.HasField(kind):
            for step in getattr(spec, kind).preprocessing:
                if step.HasField("scaler") and step.scaler.channelScale:
                    return float(step.scaler.channelScale)
    return 1.0


def _classify_labels(op):
    """Class labels: the list of strings that feeds a MIL ``classify`` op."""
    for binding in op.inputs["classes"].arguments:
        if binding.HasField("value"):
            items = binding.value.immediateValue.list.values
            return [item.immediateValue.tensor.strings.values[0] for item in items]
    return []
