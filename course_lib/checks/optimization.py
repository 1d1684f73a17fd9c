"""Visible checks of the optimization exercise (04_optimization): what a student may run.

They read what the notebook produced: the int8 model's bytes (tensor types, op kinds,
size), the compressed Core ML package (weight compression, size, input and labels) and
the shape of the variant choice. The two sizes they compare with are the course's
published baselines (the constants below, which a grader test keeps equal to the
grader's own conversions); held-out accuracy, latency and the right variant are checked
by the grader only (``course_grader.optimization``).
"""
from pathlib import Path

from course_lib import data
from course_lib.checks.models import _as_tflite, _not_provided, _read_coreml, _weight_kind
from course_lib.checks.report import _fail, _fresh, _get, _pass

# The checks test cells may call (course_lib.grading exports them).
__all__ = ["int8_io", "int8_integer_ops", "int8_size", "coreml_compressed",
           "coreml_compressed_size", "coreml_compressed_contract", "variant_choice"]

INT8_SIZE_LIMIT = 0.35        # int8 .tflite size / float32 .tflite size
COREML_SIZE_LIMIT = 0.60      # compressed .mlpackage size / float16 .mlpackage size
# The baselines the size targets are relative to: the plain float32 TFLite conversion of
# the course's model, and its uncompressed (float16) ML program package, both in bytes.
# Sizes, not answers; tests/grading/test_checks_optimization.py keeps them equal to the
# grader's own conversions with the pinned tensorflow and coremltools.
FLOAT32_TFLITE_BYTES = 842_240
FLOAT16_MLPACKAGE_BYTES = 453_434


def _int8(label, ns, name="int8_tflite"):
    """The notebook's int8 model, unless it is the one the course provides (its file ships
    with the course): q1 asks for a conversion of your own."""
    __tracebackhide__ = True
    blob, report = _as_tflite(label, _get(label, ns, name), name)
    _not_provided(label, blob, name, variants=("int8",))
    return blob, report


def int8_io(label, ns, name="int8_tflite"):
    """Input and output tensors are int8, with the scale and zero point the app needs."""
    __tracebackhide__ = True
    _, report = _int8(label, ns, name)
    inp, out = report.inputs[0], report.outputs[0]
    problems = []
    for tensor, role, setting in ((inp, "input", "inference_input_type"),
                                  (out, "output", "inference_output_type")):
        if tensor.dtype == "int8" and not tensor.quantized:
            problems.append(f"{role} is int8 without a scale and zero point")
        elif tensor.dtype != "int8":
            still = "still " if tensor.dtype == "float32" else ""
            problems.append(f"{role} is {still}{tensor.dtype}: the converter's {setting} "
                            "decides it, and it must be int8")
    if problems:
        _fail(label, "; ".join(problems) + ".")
    _pass(label, f"int8 input (scale {inp.scale:.4g}, zero point {inp.zero_point}) and int8 "
                 f"output (scale {out.scale:.4g}, zero point {out.zero_point}).")


def _not_full_integer(report):
    """Why the model is not a full-integer model, or None if it is."""
    kind = _weight_kind(report)
    float_ops = [op.name for op in report.ops if op.computes_in_float and op.name != "DEQUANTIZE"]
    calibrate = ("give the converter a representative_dataset (calibration images preprocessed "
                 "like the model's input) and allow only int8 builtin ops in "
                 "converter.target_spec.supported_ops")
    if kind == "float32":
        return ("weights are float32, nothing was quantized: turn quantization on with "
                f"converter.optimizations, and {calibrate}.")
    if kind == "float16":
        return ("weights are float16 and ops compute in float: this is the float16 variant. "
                f"Do not ask for float16 in target_spec.supported_types; {calibrate}.")
    if float_ops:
        names = ", ".join(sorted(set(float_ops)))
        if len(float_ops) >= len(report.ops) // 2:
            return (f"{len(float_ops)} of {len(report.ops)} ops compute in float ({names}): "
                    "this is a dynamic-range model (int8 weights, float activations). "
                    f"To quantize activations too, {calibrate}.")
        return f"{len(float_ops)} ops still compute in float ({names}): {calibrate}."
    return None


def int8_integer_ops(label, ns, name="int8_tflite"):
    """Weights are int8 and every op computes in integer (a full-integer model)."""
    __tracebackhide__ = True
    _, report = _int8(label, ns, name)
    problem = _not_full_integer(report)
    if problem:
        _fail(label, problem)
    _pass(label, f"full-integer model: int8 weights, all {len(report.ops)} ops compute in integer.")


def int8_size(label, ns, name="int8_tflite", float32_bytes=FLOAT32_TFLITE_BYTES):
    """Size <= 35% of the float32 conversion of the same model (``float32_bytes``: its
    size; the grader's strict twin passes the size of its own conversion)."""
    __tracebackhide__ = True
    blob, _ = _int8(label, ns, name)
    ratio = len(blob) / float32_bytes
    text = (f"{len(blob):,} bytes = {ratio:.1%} of the float32 model ({float32_bytes:,} "
            f"bytes); target <= {INT8_SIZE_LIMIT:.0%}")
    if ratio > INT8_SIZE_LIMIT:
        _fail(label, text + ": store the weights as int8 (quantization is switched on by "
                            "converter.optimizations).")
    _pass(label, text + ".")


def _coreml_package(label, ns, path_name):
    __tracebackhide__ = True

    path = Path(_get(label, ns, path_name))
    _fresh(label, path, f"the answer cell saves the compressed model as a package at `{path_name}` "
                        "(a Core ML model saves itself: see coremltools' MLModel)")
    return path, _read_coreml(label, path, f"{path} does not load")


def coreml_compressed(label, ns, path_name="COMPRESSED_PATH"):
    """The saved .mlpackage is an mlprogram whose weights are quantized or palettized."""
    __tracebackhide__ = True
    path, report = _coreml_package(label, ns, path_name)
    if report.model_type != "mlprogram":
        _fail(label, f"{path} is a {report.model_type} model: convert with convert_to=\"mlprogram\"; "
                     "coremltools.optimize.coreml compresses ML programs.")
    kinds = {k: n for k, n in report.weight_compression.items() if k in ("linear_quantized", "palettized")}
    if not kinds:
        found = f" (only {report.weight_compression})" if report.weight_compression else ""
        _fail(label, f"no quantized or palettized weights{found}: apply "
                     "coremltools.optimize.coreml.linear_quantize_weights or palettize_weights "
                     "to the converted model, then save the result.")
    _pass(label, "compressed weights: " + ", ".join(f"{n} {k}" for k, n in kinds.items()) + ".")


def coreml_compressed_size(label, ns, path_name="COMPRESSED_PATH",
                           float16_bytes=FLOAT16_MLPACKAGE_BYTES):
    """Package size <= 60% of the float16 mlprogram package of the same model
    (``float16_bytes``: its size; the grader's strict twin passes its own package's)."""
    __tracebackhide__ = True
    from course_lib.convert import directory_size

    path, _ = _coreml_package(label, ns, path_name)
    size = directory_size(path)
    ratio = size / float16_bytes
    text = (f"{size:,} bytes = {ratio:.1%} of the float16 ML program ({float16_bytes:,} "
            f"bytes); target <= {COREML_SIZE_LIMIT:.0%}")
    if ratio > COREML_SIZE_LIMIT:
        _fail(label, text + ": quantize the weights to 8 bits (or palettize to fewer bits).")
    _pass(label, text + ".")


def coreml_compressed_contract(label, ns, path_name="COMPRESSED_PATH"):
    """The compressed package keeps the app's contract: grayscale image input, 10 labels."""
    __tracebackhide__ = True
    path, report = _coreml_package(label, ns, path_name)
    if not report.has_image_input:
        _fail(label, f"{path} takes a {report.inputs[0]['kind']}, not an image: convert with an "
                     "image input, ct.ImageType (28x28 grayscale, scaled to [0, 1]), as in "
                     "exercise 3.")
    if [str(x) for x in report.class_labels] != list(data.CLASS_NAMES):
        _fail(label, f"{path} has labels {report.class_labels}, expected the 10 class names in "
                     "order: make it a classifier with CLASS_NAMES (ct.ClassifierConfig).")
    _pass(label, f"{path} still takes a grayscale image and returns the 10 labels.")


def variant_choice(label, ns):
    """`choice` = pick_variant(variants, PHONE_BUDGET) is None or the name of one of the
    measured variants (whether it is the right one is checked at grading)."""
    __tracebackhide__ = True
    variants = _get(label, ns, "variants", "run the cell that measures the variants")
    choice = _get(label, ns, "choice")
    try:
        names = [v["name"] for v in variants]
    except (TypeError, KeyError, IndexError):
        _fail(label, "`variants` is not the table of measured variants: run the locked cell that "
                     "measures the variants again, and do not change `variants`.")
    if choice is not None and not isinstance(choice, str):
        _fail(label, f"choice is a {type(choice).__name__} ({choice!r}): pick_variant returns "
                     "the `name` of a variant (a str), or None.")
    if choice is not None and choice not in names:
        _fail(label, f"choice is {choice!r}, which is not the name of a variant in `variants` "
                     f"({', '.join(map(repr, names))}): return the `name` of the variant.")
    what = "None (no variant meets every limit)" if choice is None else repr(choice)
    _pass(label, f"choice is {what}: a possible answer (whether it is the variant that meets "
                 "PHONE_BUDGET is checked at grading).")
