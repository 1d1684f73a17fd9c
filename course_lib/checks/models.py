"""Reading the models a notebook produced (TFLite bytes, Core ML models and packages), for
checks: FAIL with what is wrong instead of a traceback. Structure only: nothing here
knows a right answer."""
import os
import random
from pathlib import Path

import numpy as np

from course_lib import inspect as model_inspect
from course_lib.checks.report import _fail, _get
from course_lib.errors import CourseInputError
from course_lib.quiet import quiet


def _as_tflite(label, value, name, allow_path=False):
    """(bytes, TFLiteReport) of a notebook value that should be a .tflite model."""
    __tracebackhide__ = True

    kind = type(value).__name__
    if value is None:
        _fail(label, f"`{name}` is None: use the bytes that converter.convert() returns.")
    if "Converter" in kind:
        _fail(label, f"`{name}` is the converter itself ({kind}): call .convert() and use "
                     "the bytes it returns.")
    if isinstance(value, (str, os.PathLike)) and not allow_path:
        _fail(label, f"`{name}` is a path ({str(value)[:60]!r}); converter.convert() returns "
                     "the model as bytes: use those.")
    if not isinstance(value, (bytes, bytearray, memoryview, str, os.PathLike)):
        _fail(label, f"`{name}` is a {kind}; expected the .tflite model as bytes "
                     "(what converter.convert() returns).")
    blob = Path(value).read_bytes() if isinstance(value, (str, os.PathLike)) else bytes(value)
    try:
        with quiet():
            report = model_inspect.inspect_tflite(blob)
    except CourseInputError as error:
        _fail(label, f"`{name}` is not a usable TFLite model: {error}")
    return blob, report


def _not_provided(label, blob, name, variants=None):
    """FAIL if ``blob`` is a model the course provides (of one of ``variants``; default any):
    the points are for a conversion of the student's own."""
    __tracebackhide__ = True
    from course_lib import provided

    variant = provided.provided_variant(blob)
    if variant is not None and (variants is None or variant in variants):
        _fail(label, f"`{name}` is the {variant} model the course provides (course_lib.provided), "
                     "not a conversion of your own: convert `model` with the TFLite converter.")


def _weight_kind(report):
    weights = report.weight_dtypes
    if weights.get("int8"):
        return "int8"
    if weights.get("float16"):
        return "float16"
    return "float32"


def _float32_problem(report):
    """What stops this report from being the plain float32 conversion, or None."""
    inp, out = report.inputs[0], report.outputs[0]
    if inp.dtype != "float32" or out.dtype != "float32":
        return (f"input is {inp.dtype} and output {out.dtype}; the plain conversion keeps "
                "float32 input and output: do not set inference_input_type/inference_output_type")
    kind = _weight_kind(report)
    if kind == "int8":
        return ("weights are stored as int8, so the model was quantized: for the float32 model "
                "do not set converter.optimizations")
    if kind == "float16":
        return ("weights are stored as float16: for the float32 model do not set "
                "converter.optimizations or target_spec.supported_types")
    if tuple(inp.shape) != (1, 28, 28, 1) or tuple(out.shape) != (1, 10):
        return (f"shapes are {list(inp.shape)} -> {list(out.shape)}, expected [1, 28, 28, 1] -> "
                "[1, 10]: convert the model you were given, unchanged")
    return None


def _coreml(label, ns, name):
    """(MLModel, CoreMLReport) of the notebook variable `name`."""
    __tracebackhide__ = True

    value = _get(label, ns, name)
    kind = type(value).__name__
    if isinstance(value, (str, os.PathLike)):
        _fail(label, f"`{name}` is a path; keep the MLModel object that ct.convert() returns.")
    if kind == "Model" and hasattr(value, "WhichOneof"):
        _fail(label, f"`{name}` is a spec (protobuf); keep the MLModel object that ct.convert() returns.")
    if not hasattr(value, "get_spec"):
        _fail(label, f"`{name}` is a {kind}; expected the MLModel that ct.convert() returns.")
    return value, _read_coreml(label, value, f"`{name}` is not a readable Core ML model")


def _read_coreml(label, model, problem):
    """inspect_coreml(model) (an MLModel or a saved package), or FAIL with ``problem: <error>``."""
    __tracebackhide__ = True
    try:
        with quiet():
            return model_inspect.inspect_coreml(model)
    except CourseInputError as error:
        _fail(label, f"{problem}: {error}")


def keras_probabilities(images):
    """The course's Keras classifier (from its shipped weights, whatever the notebook did to
    its own ``model``) on 28x28 float images in [0, 1], with Python's and NumPy's random
    state kept (building the model seeds them)."""
    from course_lib import provided

    states = random.getstate(), np.random.get_state()
    try:
        with quiet():
            return np.asarray(provided.reference_model()(images, training=False), dtype=np.float64)
    finally:
        random.setstate(states[0])
        np.random.set_state(states[1])
