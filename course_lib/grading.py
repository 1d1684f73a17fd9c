"""Checks for the graded exercises (``solutions/`` and ``exercises/``).

Every nbgrader test cell calls one function here with a label and the notebook's
namespace, e.g. ``grading.int8_io("q1", globals())``. A check prints one line,
``PASS q1: ...`` or ``FAIL q1: <what is wrong>: <what to fix>``, and raises
:class:`CheckFailed` (an ``AssertionError``) on failure, so nbgrader scores the cell 0.

Rules every check follows:

- it verifies what the notebook produced (model bytes and files, functions called on
  fresh inputs), never a number the student reports;
- it runs TensorFlow, LiteRT and coremltools inside :func:`course_lib.quiet.quiet`,
  because nbgrader zeroes a test cell that writes anything to stderr;
- sizes and accuracies are compared exactly; latency only as a ratio to the float32
  model measured interleaved in the same run (``course_lib.bench.compare_latency``);
- the references it compares against (float32/int8 conversions, a SavedModel, a
  small "probe" model with fixed random weights) are made by the grader itself and
  cached on disk, so nothing is converted twice and nothing trains while grading.

The cache lives in ``$COURSE_CACHE_DIR`` (default ``~/.cache/mobile-course``), in a
folder keyed by the reference weights and the library versions.
"""
import functools
import hashlib
import importlib.metadata
import json
import math
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from course_lib import data
from course_lib import inspect as model_inspect
from course_lib.errors import CourseInputError
from course_lib.quiet import quiet

SESSION_START = time.time()  # files a check reads must be newer: written by this run

INT8_SIZE_LIMIT = 0.35        # int8 .tflite size / float32 .tflite size
ACCURACY_TOLERANCE = 0.01     # int8 may lose at most 1 point of held-out accuracy
# int8 median latency / the grader's own full-integer conversion's, timed interleaved: how
# much faster int8 runs than float32 depends on the CPU (0.5x with AVX-512 VNNI, 1.2x on
# some AVX2 machines), so the target is "as fast as a full-integer model is on this CPU".
LATENCY_LIMIT = 1.10
LATENCY_TOLERANCE = 0.05      # measurement noise allowance on top of the limit
COREML_SIZE_LIMIT = 0.60      # compressed .mlpackage size / float16 .mlpackage size
PREDICTION_TOLERANCE = 1e-4   # float32 TFLite vs the grader's conversion, per probability


# ------------------------------------------------------------------ reporting

class CheckFailed(AssertionError):
    """A graded check failed; the message says what is wrong and what to fix."""

    def _render_traceback_(self):
        # IPython shows this instead of a traceback: the message is the whole story,
        # and a hidden test's source stays out of the returned feedback.
        return [f"\x1b[0;31mCheckFailed\x1b[0m: {self}"]


def _pass(label, text):
    print(f"PASS {label}: {text}")


def _fail(label, text):
    __tracebackhide__ = True
    print(f"FAIL {label}: {text}")
    raise CheckFailed(f"{label}: {text}")


def _get(label, ns, name, hint="run the answer cell above first"):
    """A variable of the notebook, or FAIL saying it is missing."""
    __tracebackhide__ = True
    if name not in ns:
        _fail(label, f"`{name}` is not defined: {hint}.")
    return ns[name]


def _call(label, function, *args, what=None):
    """Call a student's function quietly; FAIL with its error if it raises."""
    __tracebackhide__ = True
    what = what or f"{getattr(function, '__name__', 'the function')}()"
    if not callable(function):
        _fail(label, f"{what}: expected a function, got {type(function).__name__}.")
    try:
        with quiet():
            try:
                return function(*args)
            except Exception as error:  # noqa: BLE001  (any error is the student's to fix)
                caught = error
    except Exception as error:  # noqa: BLE001
        caught = error
    if isinstance(caught, NotImplementedError):
        _fail(label, f"{what} is not written yet (it raises NotImplementedError).")
    _fail(label, f"{what} raised {type(caught).__name__}: {caught}")


def _fresh(label, path, what):
    """FAIL unless ``path`` exists and was written during this run of the notebook."""
    __tracebackhide__ = True
    path = Path(path)
    if not path.exists():
        _fail(label, f"{path} does not exist: {what}.")
    files = [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file()]
    newest = max((f.stat().st_mtime for f in files), default=0)
    if newest < SESSION_START - 1:
        _fail(label, f"{path} was not written by this run of the notebook (it is older "
                     f"than the kernel session): {what}.")
    return path


# ------------------------------------------------------------------ cache

def _version(package):
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "none"


@functools.lru_cache(maxsize=None)
def cache_dir():
    """Folder of the grader's cached reference artifacts (made on first use)."""
    from course_lib.model import WEIGHTS_PATH

    root = Path(os.environ.get("COURSE_CACHE_DIR") or Path.home() / ".cache" / "mobile-course")
    key = hashlib.sha256(WEIGHTS_PATH.read_bytes()).hexdigest()[:12]
    versions = "-".join(f"{p}{_version(p)}" for p in ("tensorflow", "coremltools", "ai-edge-litert"))
    path = root / f"{key}-{versions}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _cached(name, make):
    """Path of cache entry ``name``; ``make(path)`` writes it (a file or folder) if missing."""
    path = cache_dir() / name
    if path.exists():
        return path
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=cache_dir()))
    try:
        make(tmp / name)
        try:
            os.rename(tmp / name, path)  # atomic; if another process won the race, keep theirs
        except OSError:
            pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path


@functools.lru_cache(maxsize=None)
def reference_model():
    """The shipped reference classifier (Keras), loaded once per session."""
    from course_lib import model as model_lib

    with quiet():
        return model_lib.load_reference_model()


@functools.lru_cache(maxsize=None)
def splits():
    return data.load_splits()


def reference_tflite(variant="float32"):
    """The course's own TFLite conversion of the reference model (bytes, cached).

    variant: float32, dynamic_range, float16 or int8 (see course_lib.convert.to_tflite).
    """
    from course_lib import convert

    def make(path):
        calibration = splits().train.normalized() if variant == "int8" else None
        path.write_bytes(convert.to_tflite(reference_model(), variant, calibration))

    return _cached(f"reference_{variant}.tflite", make).read_bytes()


def reference_saved_model():
    """Path of the reference model exported with ``tf.saved_model.save`` (cached)."""
    def make(path):
        from course_lib.quiet import import_tensorflow

        tf = import_tensorflow()
        with quiet():
            tf.saved_model.save(reference_model(), str(path))

    return str(_cached("reference_savedmodel", make))


def reference_coreml_size():
    """Size in bytes of the reference model as a float16 mlprogram .mlpackage (cached)."""
    from course_lib import convert

    def make(path):
        with tempfile.TemporaryDirectory() as tmp:
            package = convert.save_coreml(convert.to_coreml(reference_model(), "float16"),
                                          Path(tmp) / "reference.mlpackage")
            path.write_text(json.dumps({"size_bytes": convert.directory_size(package)}))

    return json.loads(_cached("reference_coreml_float16.json", make).read_text())["size_bytes"]


_PROBE = "probe-conv128-dense10-seed11"  # names the probe's cache entries


@functools.lru_cache(maxsize=None)
def probe_model():
    """A small model with fixed random weights (untrained, seeded initializers): a second
    input for the students' conversion functions, so hard-coding the reference model
    cannot pass. Its two weight tensors have over 1024 values, so a quantizing
    conversion would quantize them (and fail the float32 checks)."""
    from course_lib.quiet import import_tensorflow

    tf = import_tensorflow()
    init = tf.keras.initializers.GlorotUniform
    with quiet():
        inputs = tf.keras.Input(shape=data.IMAGE_SHAPE, name="image")
        x = tf.keras.layers.Conv2D(128, 3, strides=2, activation="relu",
                                   kernel_initializer=init(seed=11), name="probe_conv")(inputs)
        x = tf.keras.layers.GlobalAveragePooling2D(name="probe_pool")(x)
        outputs = tf.keras.layers.Dense(10, activation="softmax", kernel_initializer=init(seed=12),
                                        name="probe_probabilities")(x)
        return tf.keras.Model(inputs, outputs, name="probe")


def probe_saved_model():
    def make(path):
        from course_lib.quiet import import_tensorflow

        tf = import_tensorflow()
        with quiet():
            tf.saved_model.save(probe_model(), str(path))

    return str(_cached(f"{_PROBE}_savedmodel", make))


def probe_tflite():
    from course_lib import convert

    return _cached(f"{_PROBE}_float32.tflite",
                   lambda path: path.write_bytes(convert.to_tflite(probe_model(), "float32"))).read_bytes()


def heldout(seed):
    """Held-out images (float32) and labels: the test split, which no exercise loads,
    plus a copy of it with every image shifted by up to 2 pixels (seeded)."""
    test = splits().test
    rng = np.random.default_rng(seed)
    shifted = np.stack([np.roll(image, tuple(int(s) for s in rng.integers(-2, 3, 2)), axis=(0, 1))
                        for image in test.images])
    return (data.normalize(np.concatenate([test.images, shifted])),
            np.concatenate([test.labels, test.labels]))


def _run_tflite(blob, images):
    from course_lib import runtime

    with quiet():
        return runtime.run_tflite(blob, images)


def _val_images(count=100):
    return splits().val.normalized()[:count]


# ------------------------------------------------------------------ TFLite helpers

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


def _matches(label, blob, reference_blob, what, images=None,
             fix="convert the model you were given, unchanged, without optimizations"):
    """FAIL unless ``blob`` predicts what ``reference_blob`` predicts on ``images``."""
    __tracebackhide__ = True
    images = _val_images() if images is None else images
    try:
        got = _run_tflite(blob, images)
    except CourseInputError as error:
        _fail(label, f"LiteRT could not run it: {error}")
    want = _run_tflite(reference_blob, images)
    gap = float(np.max(np.abs(got - want)))
    if gap > PREDICTION_TOLERANCE:
        _fail(label, f"its probabilities differ from {what} by up to {gap:.3g} on the same "
                     f"images: {fix}.")
    return gap


# ------------------------------------------------------------------ 03_conversion

def tflite_bytes(label, ns, name="tflite_from_keras"):
    """`name` holds bytes that are a TFLite flatbuffer (identifier TFL3)."""
    __tracebackhide__ = True
    blob, report = _as_tflite(label, _get(label, ns, name), name)
    _pass(label, f"`{name}` is a TFLite model: {len(blob):,} bytes, identifier {blob[4:8]!r}, "
                 f"{len(report.ops)} ops.")


def tflite_float32(label, ns, name):
    """`name` is the float32 conversion of the reference model: float32 input/output,
    float32 weights, and the reference's predictions."""
    __tracebackhide__ = True
    blob, report = _as_tflite(label, _get(label, ns, name), name)
    problem = _float32_problem(report)
    if problem:
        _fail(label, problem + ".")
    gap = _matches(label, blob, reference_tflite("float32"), "the reference model's")
    _pass(label, f"`{name}`: float32 [1, 28, 28, 1] -> [1, 10], float32 weights, same "
                 f"predictions as the reference (max difference {gap:.1e}).")


def keras_converter_general(label, ns, function="keras_to_tflite"):
    """keras_to_tflite(model) converts the model it is given (tried on a probe model)."""
    __tracebackhide__ = True
    fn = _get(label, ns, function)
    blob, report = _as_tflite(label, _call(label, fn, probe_model(), what=f"{function}(probe_model)"),
                              f"{function}(probe_model)")
    problem = _float32_problem(report)
    if problem:
        _fail(label, f"{function} on another model: {problem}.")
    _matches(label, blob, probe_tflite(), f"those of the model passed to {function}",
             images=splits().test.normalized()[:50],
             fix="convert the model passed as the argument, not the notebook's `model`")
    _pass(label, f"{function} converts the model it is given (checked on another model).")


def saved_model_converter_general(label, ns, function="saved_model_to_tflite"):
    """saved_model_to_tflite(dir) converts the SavedModel in that folder (tried on a probe)."""
    __tracebackhide__ = True
    fn = _get(label, ns, function)
    blob, report = _as_tflite(label, _call(label, fn, probe_saved_model(),
                                           what=f"{function}(another_saved_model_dir)"),
                              f"{function}(another_saved_model_dir)")
    problem = _float32_problem(report)
    if problem:
        _fail(label, f"{function} on another SavedModel: {problem}.")
    _matches(label, blob, probe_tflite(), "those of the SavedModel in the folder passed",
             images=splits().test.normalized()[:50],
             fix="convert the SavedModel in the folder passed as the argument "
                 "(TFLiteConverter.from_saved_model(saved_model_dir))")
    _pass(label, f"{function} converts the SavedModel in the folder it is given "
                 "(checked on another SavedModel).")


def tflite_file(label, ns, path_name="TFLITE_PATH", bytes_name="tflite_from_keras"):
    """The file at `path_name` was written in this run and holds exactly `bytes_name`."""
    __tracebackhide__ = True
    path = Path(_get(label, ns, path_name))
    _fresh(label, path, f"write the model with {path_name}.write_bytes({bytes_name})")
    written = path.read_bytes()
    expected = _get(label, ns, bytes_name)
    if not isinstance(expected, (bytes, bytearray)) or written != bytes(expected):
        _fail(label, f"{path} ({len(written):,} bytes) does not hold the bytes of `{bytes_name}`: "
                     "write exactly what converter.convert() returned, in binary mode.")
    _as_tflite(label, path, str(path), allow_path=True)
    _pass(label, f"{path} holds the {len(written):,}-byte model.")


def litert_predictions(label, ns, function="litert_predict", result="val_probs",
                       path_name="TFLITE_PATH", count=100):
    """`result` = litert_predict(TFLITE_PATH, the first `count` val images): the model's
    probabilities, one row per image."""
    __tracebackhide__ = True
    got = np.asarray(_get(label, ns, result))
    path = Path(_get(label, ns, path_name))
    images = _val_images(count)
    if got.shape != (count, 10):
        _fail(label, f"`{result}` has shape {got.shape}, expected ({count}, 10): one row of "
                     "10 class probabilities per image (take output [0] of each invoke).")
    if not path.is_file():
        _fail(label, f"{path} is missing: write the model file first.")
    want = _run_tflite(path.read_bytes(), images)
    gap = float(np.max(np.abs(got.astype(np.float64) - want)))
    if gap > PREDICTION_TOLERANCE:
        _fail(label, f"`{result}` differs from the model's own output by up to {gap:.3g}: set "
                     "each image (float32, shape (1, 28, 28, 1)) with set_tensor, call invoke(), "
                     "and read get_tensor(output index).")
    _pass(label, f"{function} returns the model's probabilities ({count} images, max "
                 f"difference {gap:.1e}).")


def litert_general(label, ns, function="litert_predict"):
    """litert_predict(path, images) runs the model at `path` on the images it is given."""
    __tracebackhide__ = True
    fn = _get(label, ns, function)
    images = splits().test.normalized()[200:207]  # 7 images, another model
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "other_model.tflite"
        path.write_bytes(probe_tflite())
        got = _call(label, fn, path, images, what=f"{function}(another_model.tflite, 7 images)")
        got_str = _call(label, fn, str(path), images, what=f"{function}(str path, 7 images)")
    want = _run_tflite(probe_tflite(), images)
    for value in (got, got_str):
        value = np.asarray(value, dtype=np.float64)
        if value.shape != want.shape or float(np.max(np.abs(value - want))) > PREDICTION_TOLERANCE:
            _fail(label, f"{function} on another model and 7 other images returned "
                         f"{value.shape if value.shape != want.shape else 'different values'}: "
                         "load the model from the path argument and run every image you are given.")
    _pass(label, f"{function} runs the model and the images it is given (checked on another model).")


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


def coreml_mlprogram(label, ns, name="mlmodel"):
    """`name` is an MLModel in the mlprogram format (not the older neuralnetwork)."""
    __tracebackhide__ = True
    _, report = _coreml(label, ns, name)
    if report.model_type != "mlprogram":
        _fail(label, f"model type is {report.model_type} (the older format): pass "
                     "convert_to=\"mlprogram\" to ct.convert.")
    _pass(label, f"`{name}` is an ML program (compute precision {report.compute_precision}).")


def coreml_image_input(label, ns, name="mlmodel"):
    """The model's input is a 28x28 grayscale image scaled by 1/255."""
    __tracebackhide__ = True
    value, report = _coreml(label, ns, name)
    inp = report.inputs[0]
    fix = ("pass inputs=[ct.ImageType(shape=(1, 28, 28, 1), scale=1/255, "
           "color_layout=ct.colorlayout.GRAYSCALE)]")
    if inp["kind"] != "image":
        _fail(label, f"input {inp['name']!r} is a {inp['kind']} (a tensor), so the app must build "
                     f"the tensor itself: {fix}.")
    if inp["details"] != "28x28 GRAYSCALE":
        _fail(label, f"image input is {inp['details']}, expected 28x28 GRAYSCALE: {fix}.")
    scale = model_inspect.coreml_image_scale(value.get_spec())
    if not math.isclose(scale, 1 / 255, rel_tol=1e-2):
        _fail(label, f"the image input is scaled by {scale:.4g}, so the model would see pixels "
                     "0-255 instead of the [0, 1] it was trained on: set scale=1/255 in ct.ImageType.")
    _pass(label, f"input {inp['name']!r} is a 28x28 grayscale image, scaled by 1/255.")


def coreml_labels(label, ns, name="mlmodel"):
    """The model is a classifier whose labels are the course's classes, in order."""
    __tracebackhide__ = True
    _, report = _coreml(label, ns, name)
    labels, expected = [str(x) for x in report.class_labels], list(data.CLASS_NAMES)
    if not labels:
        _fail(label, "no class labels, so the app only gets 10 numbers: pass "
                     "classifier_config=ct.ClassifierConfig(class_names).")
    if labels != expected:
        _fail(label, f"class labels are {labels}, expected {expected} (in the model's output order).")
    _pass(label, f"classifier with the 10 labels in order ({', '.join(expected[:3])}, ...).")


def coreml_saved(label, ns, path_name="MLPACKAGE_PATH", name="mlmodel"):
    """The model was saved in this run as a .mlpackage that loads back as the same model."""
    __tracebackhide__ = True

    path = Path(_get(label, ns, path_name))
    _fresh(label, path, f"save the model with {name}.save({path_name})")
    _, report = _coreml(label, ns, name)
    saved = _read_coreml(label, path, f"{path} does not load")
    if (saved.model_type, saved.class_labels) != (report.model_type, report.class_labels):
        _fail(label, f"{path} holds a different model than `{name}`: save `{name}` itself.")
    _pass(label, f"{path} saved ({saved.size_bytes:,} bytes) and loads back as the same model.")


# ------------------------------------------------------------------ 04_optimization

def _int8(label, ns, name="int8_tflite"):
    __tracebackhide__ = True
    return _as_tflite(label, _get(label, ns, name), name)


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
            problems.append(f"{role} is {still}{tensor.dtype}: set converter.{setting} = tf.int8")
    if problems:
        _fail(label, "; ".join(problems) + ".")
    _pass(label, f"int8 input (scale {inp.scale:.4g}, zero point {inp.zero_point}) and int8 "
                 f"output (scale {out.scale:.4g}, zero point {out.zero_point}).")


def int8_integer_ops(label, ns, name="int8_tflite"):
    """Weights are int8 and every op computes in integer (a full-integer model)."""
    __tracebackhide__ = True
    _, report = _int8(label, ns, name)
    kind = _weight_kind(report)
    float_ops = [op.name for op in report.ops if op.computes_in_float and op.name != "DEQUANTIZE"]
    calibrate = ("give the converter a representative_dataset (float32 images in [0, 1]) and set "
                 "converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]")
    if kind == "float32":
        _fail(label, "weights are float32, nothing was quantized: set converter.optimizations = "
                     f"[tf.lite.Optimize.DEFAULT] and {calibrate}.")
    if kind == "float16":
        _fail(label, "weights are float16 and ops compute in float: this is the float16 variant. "
                     f"Remove target_spec.supported_types = [tf.float16] and {calibrate}.")
    if float_ops:
        names = ", ".join(sorted(set(float_ops)))
        if len(float_ops) >= len(report.ops) // 2:
            _fail(label, f"{len(float_ops)} of {len(report.ops)} ops compute in float ({names}): "
                         "this is a dynamic-range model (int8 weights, float activations). "
                         f"To quantize activations too, {calibrate}.")
        _fail(label, f"{len(float_ops)} ops still compute in float ({names}): {calibrate}.")
    _pass(label, f"full-integer model: int8 weights, all {len(report.ops)} ops compute in integer.")


def int8_size(label, ns, name="int8_tflite"):
    """Size <= 35% of the float32 conversion of the same model (exact, in bytes)."""
    __tracebackhide__ = True
    blob, _ = _int8(label, ns, name)
    float_size = len(reference_tflite("float32"))
    ratio = len(blob) / float_size
    text = (f"{len(blob):,} bytes = {ratio:.1%} of the float32 model ({float_size:,} bytes); "
            f"target <= {INT8_SIZE_LIMIT:.0%}")
    if ratio > INT8_SIZE_LIMIT:
        _fail(label, text + ": store the weights as int8 (converter.optimizations = "
                            "[tf.lite.Optimize.DEFAULT]).")
    _pass(label, text + ".")


def int8_heldout_accuracy(label, ns, seed, name="int8_tflite"):
    """Accuracy on held-out images within 1 point of the float32 model (exact)."""
    __tracebackhide__ = True
    blob, report = _int8(label, ns, name)
    images, labels = heldout(seed)
    try:
        got = float(np.mean(_run_tflite(blob, images).argmax(axis=1) == labels))
    except CourseInputError as error:
        _fail(label, f"LiteRT could not run the model: {error}")
    want = float(np.mean(_run_tflite(reference_tflite("float32"), images).argmax(axis=1) == labels))
    text = (f"accuracy on {len(labels)} held-out images {got:.4f}, float32 {want:.4f} "
            f"(allowed: at most {ACCURACY_TOLERANCE * 100:.0f} point lower)")
    if got < want - ACCURACY_TOLERANCE - 1e-12:
        hint = "calibrate with images preprocessed exactly like the model's input (float32 in [0, 1])"
        scale = report.inputs[0].scale
        if scale and not math.isclose(scale, 1 / 255, rel_tol=0.25):
            hint += (f"; the input scale is {scale:.4g}, while images in [0, 1] give about "
                     f"1/255 = {1 / 255:.4g}")
        _fail(label, f"{text}: {hint}.")
    _pass(label, text + ".")


def int8_latency(label, ns, name="int8_tflite"):
    """Median latency at most 1.1x that of the grader's own full-integer conversion (plus
    0.05 for noise), the three models timed interleaved in this run."""
    __tracebackhide__ = True
    from course_lib import bench

    blob, _ = _int8(label, ns, name)
    limit = LATENCY_LIMIT + LATENCY_TOLERANCE
    models = {"full_integer": reference_tflite("int8"), "float32": reference_tflite("float32"),
              "submitted": blob}
    best = None
    for rounds in (40, 80):  # a second, longer measurement only if the first misses
        try:
            with quiet():
                timing = bench.compare_latency(models, baseline="full_integer", rounds=rounds,
                                               per_round=20, warmup=50)
        except CourseInputError as error:
            _fail(label, f"LiteRT could not run the model: {error}")
        ratio, float32 = timing["submitted"][1], timing["float32"][1]
        if best is None or ratio < best[0]:
            best = (ratio, float32)
        if ratio <= limit:
            break
    ratio, float32 = best
    text = (f"median latency {ratio:.2f}x that of a full-integer model on this CPU (target <= "
            f"{LATENCY_LIMIT:.2f}x, tolerance {LATENCY_TOLERANCE:.2f}; here float32 runs at "
            f"{float32:.2f}x), timed interleaved in this run")
    if ratio > limit:
        _fail(label, text + ": only a full-integer model (int8 activations) runs the integer "
                            "kernels; dynamic-range models dequantize and requantize on the fly.")
    _pass(label, text + ".")


def _coreml_package(label, ns, path_name):
    __tracebackhide__ = True

    path = Path(_get(label, ns, path_name))
    _fresh(label, path, f"save the compressed model with compressed_mlmodel.save({path_name})")
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


def coreml_compressed_size(label, ns, path_name="COMPRESSED_PATH"):
    """Package size <= 60% of the float16 mlprogram package of the same model (exact)."""
    __tracebackhide__ = True
    from course_lib.convert import directory_size

    path, _ = _coreml_package(label, ns, path_name)
    size, reference = directory_size(path), reference_coreml_size()
    ratio = size / reference
    text = (f"{size:,} bytes = {ratio:.1%} of the float16 ML program ({reference:,} bytes); "
            f"target <= {COREML_SIZE_LIMIT:.0%}")
    if ratio > COREML_SIZE_LIMIT:
        _fail(label, text + ": quantize the weights to 8 bits (or palettize to fewer bits).")
    _pass(label, text + ".")


def coreml_compressed_contract(label, ns, path_name="COMPRESSED_PATH"):
    """The compressed package keeps the app's contract: grayscale image input, 10 labels."""
    __tracebackhide__ = True
    path, report = _coreml_package(label, ns, path_name)
    if not report.has_image_input:
        _fail(label, f"{path} takes a {report.inputs[0]['kind']}, not an image: convert with "
                     "inputs=[ct.ImageType(shape=(1, 28, 28, 1), scale=1/255, "
                     "color_layout=ct.colorlayout.GRAYSCALE)].")
    if [str(x) for x in report.class_labels] != list(data.CLASS_NAMES):
        _fail(label, f"{path} has labels {report.class_labels}, expected the 10 class names in "
                     "order: pass classifier_config=ct.ClassifierConfig(class_names).")
    _pass(label, f"{path} still takes a grayscale image and returns the 10 labels.")


def _pick_reference(variants, budget):
    fits = [v for v in variants
            if v["size_bytes"] <= budget["max_size_bytes"]
            and v["accuracy"] >= budget["min_accuracy"]
            and v["latency_ratio"] <= budget["max_latency_ratio"]]
    if not fits:
        return None
    return max(fits, key=lambda v: (v["accuracy"], -v["size_bytes"]))["name"]


PHONE_BUDGET = {"max_size_bytes": 300_000, "min_accuracy": 0.98, "max_latency_ratio": 0.8}  # 04 q3


VARIANT_NAMES = ("float32", "float16", "dynamic_range", "int8")


@functools.lru_cache(maxsize=None)
def variant_facts():
    """{name: (size in bytes, validation accuracy)} of the four TFLite variants, computed by
    the grader: what the notebook's measuring cell must have found (latency aside)."""
    split = splits().val
    facts = {}
    for name in VARIANT_NAMES:
        blob = reference_tflite(name)
        accuracy = np.mean(_run_tflite(blob, split.normalized()).argmax(axis=1) == split.labels)
        facts[name] = (len(blob), round(float(accuracy), 4))
    return facts


def _genuine_variants(label, variants):
    """The notebook's `variants`, if it is the table the measuring cell made: the grader's
    own sizes and accuracies, and a latency ratio measured for each variant. An answer cell
    can empty or rewrite the table; then there is nothing to pick from."""
    facts = variant_facts()
    redo = "run the locked cell that measures the variants again, and do not change `variants`"
    try:
        rows = {v["name"]: v for v in variants}
        seen = {n: (int(v["size_bytes"]), round(float(v["accuracy"]), 4)) for n, v in rows.items()}
        ratios = {n: float(v["latency_ratio"]) for n, v in rows.items()}
    except (TypeError, KeyError, ValueError):
        _fail(label, f"`variants` is not the table of measured variants: {redo}.")
    if seen != facts or not all(np.isfinite(r) and r > 0 for r in ratios.values()):
        _fail(label, f"`variants` does not hold the four measured variants: {redo}.")
    return [dict(rows[n]) for n in VARIANT_NAMES]


def variant_choice(label, ns):
    """`choice` = pick_variant(variants, PHONE_BUDGET) is the variant that meets the budget."""
    __tracebackhide__ = True
    variants = _get(label, ns, "variants", "run the cell that measures the variants")
    choice = _get(label, ns, "choice")
    # Sizes and accuracies are checked against the grader's own; the latency ratios are
    # this run's measurement, as the task says. The budget is the grader's copy.
    want = _pick_reference(_genuine_variants(label, variants), PHONE_BUDGET)
    if choice != want:
        _fail(label, f"choice is {choice!r}, but the variant that meets every limit of "
                     f"PHONE_BUDGET with the best accuracy is {want!r}.")
    _pass(label, f"{choice!r} meets the phone's budget.")


_PICK_CASES = [
    # (variants, budget, expected): the limits are inclusive; best accuracy, then smaller file.
    ([dict(name="a", size_bytes=900, accuracy=0.99, latency_ratio=1.0),
      dict(name="b", size_bytes=300, accuracy=0.985, latency_ratio=0.5),
      dict(name="c", size_bytes=250, accuracy=0.95, latency_ratio=0.4)],
     dict(max_size_bytes=1000, min_accuracy=0.9, max_latency_ratio=1.0), "a"),
    ([dict(name="a", size_bytes=900, accuracy=0.99, latency_ratio=1.0),
      dict(name="b", size_bytes=300, accuracy=0.985, latency_ratio=0.5),
      dict(name="c", size_bytes=250, accuracy=0.95, latency_ratio=0.4)],
     dict(max_size_bytes=1000, min_accuracy=0.9, max_latency_ratio=0.6), "b"),
    ([dict(name="a", size_bytes=900, accuracy=0.99, latency_ratio=1.0),
      dict(name="b", size_bytes=300, accuracy=0.985, latency_ratio=0.5)],
     dict(max_size_bytes=300, min_accuracy=0.985, max_latency_ratio=0.5), "b"),
    ([dict(name="a", size_bytes=900, accuracy=0.99, latency_ratio=1.0),
      dict(name="b", size_bytes=300, accuracy=0.985, latency_ratio=0.5)],
     dict(max_size_bytes=200, min_accuracy=0.9, max_latency_ratio=1.0), None),
    ([dict(name="x", size_bytes=500, accuracy=0.97, latency_ratio=0.7),
      dict(name="y", size_bytes=400, accuracy=0.97, latency_ratio=0.9)],
     dict(max_size_bytes=600, min_accuracy=0.96, max_latency_ratio=1.0), "y"),
]


def variant_pick_general(label, ns, function="pick_variant"):
    """pick_variant on other tables and budgets: inclusive limits, best accuracy, then the
    smaller file; None when nothing fits."""
    __tracebackhide__ = True
    fn = _get(label, ns, function)
    for i, (variants, budget, want) in enumerate(_PICK_CASES, start=1):
        got = _call(label, fn, [dict(v) for v in variants], dict(budget), what=f"{function}(case {i})")
        if got != want:
            _fail(label, f"on another table (case {i}) {function} returned {got!r}, expected "
                         f"{want!r}. Limits are inclusive; among the variants that meet all three, "
                         "take the most accurate, then the smaller file; None if none fits.")
    _pass(label, f"{function} picks correctly on {len(_PICK_CASES)} other tables and budgets.")


# ------------------------------------------------------------------ 01_metrics

@functools.lru_cache(maxsize=None)
def val_probabilities():
    """The reference model's class probabilities on the validation split (float32 TFLite)."""
    return _run_tflite(reference_tflite("float32"), splits().val.normalized())


def val_confusion():
    from course_lib import evaluate

    return evaluate.confusion_matrix(splits().val.labels, val_probabilities())


CM_PETS = np.array([[45, 3, 2],    # actual cat: predicted cat, dog, bird
                    [4, 40, 6],    # actual dog
                    [1, 5, 44]])   # actual bird
_EDGE_CM = np.array([[5, 0, 1, 0],   # class 1 is never predicted, class 3 never occurs
                     [2, 0, 1, 1],
                     [0, 0, 7, 0],
                     [0, 0, 0, 0]])


def _metric_results(label, ns, cm):
    __tracebackhide__ = True
    fn = _get(label, ns, "metrics")
    out = _call(label, fn, np.array(cm), what=f"metrics({np.asarray(cm).shape[0]}x{np.asarray(cm).shape[0]} matrix)")
    if not isinstance(out, tuple) or len(out) != 3:
        _fail(label, f"metrics() returned {type(out).__name__}; expected a tuple "
                     "(accuracy, precision, recall).")
    return out


def _metric_check(label, ns, which, matrices):
    __tracebackhide__ = True
    from course_lib import evaluate

    index = ("accuracy", "precision", "recall").index(which)
    hints = {
        "accuracy": "accuracy = correct predictions (the diagonal) / all predictions",
        "precision": "precision of class c = cm[c, c] / (column c summed: everything predicted as c)",
        "recall": "recall of class c = cm[c, c] / (row c summed: every image that is c)",
    }
    for cm_name, cm in matrices:
        got = _metric_results(label, ns, cm)[index]
        want = getattr(evaluate.metrics_from_confusion(cm), which)
        got_arr = np.asarray(got, dtype=np.float64)
        if got_arr.shape != np.shape(want):
            _fail(label, f"{which} on {cm_name} has shape {got_arr.shape}, expected "
                         f"{np.shape(want)} ({'one number' if index == 0 else 'one value per class'}).")
        if np.any(np.isnan(got_arr)):
            _fail(label, f"{which} on {cm_name} contains nan: a class with nothing to divide by "
                         "(never predicted, or never present) gets 0.")
        if not np.allclose(got_arr, want, atol=1e-9):
            shown = np.round(got_arr, 4).tolist()
            _fail(label, f"{which} on {cm_name} is {shown}, expected "
                         f"{np.round(want, 4).tolist()}: {hints[which]}.")
    _pass(label, f"{which} is right on " + " and ".join(n for n, _ in matrices) + ".")


def metrics_accuracy(label, ns):
    __tracebackhide__ = True
    _metric_check(label, ns, "accuracy", [("CM_PETS", CM_PETS), ("the validation matrix", val_confusion())])


def metrics_precision(label, ns):
    __tracebackhide__ = True
    _metric_check(label, ns, "precision", [("CM_PETS", CM_PETS), ("the validation matrix", val_confusion())])


def metrics_recall(label, ns):
    __tracebackhide__ = True
    _metric_check(label, ns, "recall", [("CM_PETS", CM_PETS), ("the validation matrix", val_confusion())])


def metrics_edge_cases(label, ns):
    """A class that is never predicted and one that never occurs: 0, not nan, no warning."""
    __tracebackhide__ = True
    for which in ("accuracy", "precision", "recall"):
        _metric_check(label, ns, which, [("a matrix with empty rows and columns", _EDGE_CM)])
    _pass(label, "empty rows and columns give 0, not nan.")


THRESHOLDS = np.round(np.linspace(0, 1, 101), 2)


def _precision_recall(scores, positive, threshold):
    flagged = scores >= threshold
    tp = int(np.sum(flagged & positive))
    fp = int(np.sum(flagged & ~positive))
    precision = tp / (tp + fp) if tp + fp else 1.0
    return precision, tp / max(int(positive.sum()), 1)


def _threshold_ok(scores, positive, target, threshold):
    """(ok, precision, recall, best recall) of a proposed threshold."""
    best = max(r for p, r in (_precision_recall(scores, positive, t) for t in THRESHOLDS) if p >= target)
    precision, recall = _precision_recall(scores, positive, threshold)
    return precision >= target and math.isclose(recall, best), precision, recall, best


def dog_scores():
    """(P(dog) per validation image, is-a-dog per image), from the grader's own run."""
    return val_probabilities()[:, data.class_index("dog")], splits().val.labels == data.class_index("dog")


def _as_threshold(label, value, what):
    __tracebackhide__ = True
    try:
        value = float(value)
    except (TypeError, ValueError):
        _fail(label, f"{what} is {value!r}; expected a number between 0 and 1.")
    if not 0 <= value <= 1:
        _fail(label, f"{what} is {value}; expected a number between 0 and 1.")
    return value


def threshold_choice(label, ns, target=0.95):
    """DOG_THRESHOLD reaches precision >= 95% on the validation split with the best recall."""
    __tracebackhide__ = True
    threshold = _as_threshold(label, _get(label, ns, "DOG_THRESHOLD"), "DOG_THRESHOLD")
    scores, positive = dog_scores()
    ok, precision, recall, best = _threshold_ok(scores, positive, target, threshold)
    text = f"threshold {threshold:.2f}: precision {precision:.3f}, recall {recall:.3f}"
    if precision < target:
        _fail(label, f"{text}; precision is below {target}: raise the threshold.")
    if not ok:
        _fail(label, f"{text}; a threshold with precision >= {target} reaches recall {best:.3f}: "
                     "among the thresholds that meet the precision target, take the one with the "
                     "highest recall (the lowest of them).")
    _pass(label, text + f" (best recall at precision >= {target}).")


def _synthetic_detector(seed, n=400):
    rng = np.random.default_rng(seed)
    positive = rng.random(n) < 0.3
    scores = np.clip(np.where(positive, rng.beta(5, 2, n), rng.beta(2, 5, n)), 0, 1)
    return np.round(scores, 3), positive


def threshold_general(label, ns, function="choose_threshold"):
    """choose_threshold on other detectors and targets."""
    __tracebackhide__ = True
    fn = _get(label, ns, function)
    cases = [(_synthetic_detector(1), 0.8), (_synthetic_detector(2), 0.9),
             (_synthetic_detector(3), 0.6), (dog_scores(), 0.99)]
    for i, ((scores, positive), target) in enumerate(cases, start=1):
        got = _as_threshold(label, _call(label, fn, scores.copy(), positive.copy(), target,
                                         what=f"{function}(case {i}, min_precision={target})"),
                            f"{function}(case {i})")
        ok, precision, recall, best = _threshold_ok(scores, positive, target, got)
        if not ok:
            _fail(label, f"on another detector (case {i}, target {target}) {function} returned "
                         f"{got:.2f}: precision {precision:.3f}, recall {recall:.3f}; the best "
                         f"recall with precision >= {target} is {best:.3f}.")
    _pass(label, f"{function} finds the best-recall threshold on {len(cases)} other detectors.")


def candidate_models():
    """{name: .tflite bytes} of the models the 01_metrics budget question is about."""
    return {name: reference_tflite(name) for name in ("float32", "float16", "dynamic_range", "int8")}


def _facts(blob, images, labels):
    """(size in bytes, accuracy on images, integer-only) of a .tflite model."""

    with quiet():
        report = model_inspect.inspect_tflite(blob)
    accuracy = float(np.mean(_run_tflite(blob, images).argmax(axis=1) == labels))
    return len(blob), accuracy, report.fully_integer


def _meets(facts, budget):
    size, accuracy, integer = facts
    return (size <= budget["max_size_bytes"] and accuracy >= budget["min_accuracy"]
            and (integer or not budget["integer_only"]))


BUDGET = {"max_size_bytes": 400_000, "min_accuracy": 0.97, "integer_only": True}  # 01_metrics q3


def budget_decisions(label, ns):
    """`decisions` says, for each candidate model, whether it meets BUDGET."""
    __tracebackhide__ = True
    decisions = _get(label, ns, "decisions")
    budget = BUDGET  # the grader's own copy of the notebook's BUDGET
    if not isinstance(decisions, dict):
        _fail(label, f"`decisions` is a {type(decisions).__name__}; expected a dict "
                     "{model name: True/False}.")
    split = splits().val
    images, labels = split.normalized(), split.labels
    wrong = []
    for name, blob in candidate_models().items():
        want = _meets(_facts(blob, images, labels), budget)
        if decisions.get(name) is not want and decisions.get(name) != want:
            wrong.append(f"{name}: {decisions.get(name)!r}, expected {want}")
    if wrong:
        _fail(label, "; ".join(wrong) + ". A model meets the budget only if it meets every limit: "
                     "file size, accuracy on the images given, and (if integer_only) integer-only "
                     "inputs, outputs and ops (course_lib.inspect.inspect_tflite(...).fully_integer).")
    _pass(label, "right decision for every candidate: " +
          ", ".join(f"{k} {'meets' if v else 'misses'}" for k, v in decisions.items()) + ".")


_BUDGET_CASES = [
    dict(max_size_bytes=260_000, min_accuracy=0.97, integer_only=False),
    dict(max_size_bytes=1_000_000, min_accuracy=0.999, integer_only=False),
    dict(max_size_bytes=300_000, min_accuracy=0.97, integer_only=True),
]


def budget_general(label, ns, function="meets_budget"):
    """meets_budget under other budgets and on other images."""
    __tracebackhide__ = True
    fn = _get(label, ns, function)
    test = splits().test
    images, labels = test.normalized()[:200], test.labels[:200]
    facts = {name: _facts(blob, images, labels) for name, blob in candidate_models().items()}
    for i, budget in enumerate(_BUDGET_CASES, start=1):
        for name, blob in candidate_models().items():
            want = _meets(facts[name], budget)
            got = _call(label, fn, blob, dict(budget), images, labels,
                        what=f"{function}({name}, budget {i})")
            if not isinstance(got, (bool, np.bool_)):
                _fail(label, f"{function} returned {got!r} ({type(got).__name__}); return True or False.")
            if bool(got) is not want:
                _fail(label, f"under another budget ({budget}) {function} says {got!r} for "
                             f"{name}, expected {want}.")
    _pass(label, f"{function} decides right under {len(_BUDGET_CASES)} other budgets.")


# ------------------------------------------------------------------ 02_pipeline_trace

def _pipeline(frame, detail, stretch=True, antialias=False):
    from PIL import Image

    gray = np.asarray(Image.fromarray(frame).convert("L"), dtype=np.float32) / 255.0
    if antialias:  # PIL's resize: a common mistake (it blurs the silhouette's edges)
        small = np.asarray(Image.fromarray(gray).resize((28, 28), Image.BILINEAR), dtype=np.float32)
    else:
        # Bilinear with half-pixel centers and no antialiasing (tf.image.resize's "bilinear"):
        # shrinking by an even factor, each output pixel is the mean of the 2x2 pixels
        # around its center.
        h, w = gray.shape
        fy, fx = h // 28, w // 28
        y0, x0 = fy // 2 - 1, fx // 2 - 1
        small = 0.25 * sum(gray[y0 + dy::fy, x0 + dx::fx][:28, :28] for dy in (0, 1) for dx in (0, 1))
    if stretch:
        lo, hi = small.min(), small.max()
        small = (small - lo) / (hi - lo) if hi > lo else np.zeros_like(small)
    scale, zero_point = detail["quantization"]
    info = np.iinfo(detail["dtype"])
    q = np.clip(np.round(small / scale) + zero_point, info.min, info.max)
    return q.astype(detail["dtype"]).reshape(1, 28, 28, 1)


def reference_preprocess(frame, detail):
    """The expected model input for a camera frame (see 02_pipeline_trace): grayscale,
    bilinear resize to 28x28 without antialiasing, contrast stretched to [0, 1],
    quantized with the detail's scale and zero point."""
    return _pipeline(frame, detail)


_MISTAKES = {
    "the contrast is not stretched: map the darkest pixel to 0 and the brightest to 1, "
    "(x - x.min()) / (x.max() - x.min()), before quantizing": dict(stretch=False),
    "the resize antialiases (PIL's Image.resize does, which blurs the edges): resize with "
    "bilinear interpolation without antialiasing, tf.image.resize(gray[..., None], (28, 28), "
    "method='bilinear')": dict(antialias=True),
}


def _likely_mistake(frame, detail, got):
    course_detail = int8_details()[0]
    if tuple(detail["quantization"]) != tuple(course_detail["quantization"]):
        other = _pipeline(frame, course_detail)
        if float(np.mean(np.abs(got.astype(np.int32) - other.astype(np.int32)))) <= 1.0:
            return ("the scale and zero point are hard-coded (those of the course's model): read "
                    "them from the detail you are given, scale, zero_point = "
                    "input_detail[\"quantization\"]")
    for hint, options in _MISTAKES.items():
        other = _pipeline(frame, detail, **options)
        if float(np.mean(np.abs(got.astype(np.int32) - other.astype(np.int32)))) <= 1.0:
            return hint
    return None


def reference_postprocess(raw, detail, k=3):
    scale, zero_point = detail["quantization"]
    probs = (np.asarray(raw, dtype=np.float32).reshape(-1) - zero_point) * scale
    order = np.argsort(-probs, kind="stable")[:k]
    return [(data.CLASS_NAMES[i], float(probs[i])) for i in order]


def _frames(split, start, count):
    images = getattr(splits(), split).images[start:start + count]
    return [data.camera_frame(image, seed=1000 + start + i) for i, image in enumerate(images)]


def int8_details():
    """Input and output details of the course's int8 model (as LiteRT reports them)."""
    from course_lib import runtime

    with quiet():
        model = runtime.TFLiteModel(reference_tflite("int8"))
    return model.input, model.output


def _preprocessed(label, ns, frame, detail, what):
    __tracebackhide__ = True
    fn = _get(label, ns, "preprocess")
    out = _call(label, fn, frame.copy(), dict(detail), what=what)
    if not isinstance(out, np.ndarray):
        _fail(label, f"{what} returned a {type(out).__name__}; expected a numpy array.")
    return out


def preprocess_shape(label, ns):
    """preprocess(frame, input_detail) returns an int8 array of shape (1, 28, 28, 1)."""
    __tracebackhide__ = True
    detail, _ = int8_details()
    out = _preprocessed(label, ns, _frames("val", 0, 1)[0], detail, "preprocess(frame, input_detail)")
    if out.shape != (1, 28, 28, 1):
        hint = " (add the batch axis: x[np.newaxis, ..., np.newaxis])" if out.size == 784 else ""
        _fail(label, f"shape {out.shape}, expected (1, 28, 28, 1): a batch of one 28x28 "
                     f"one-channel image{hint}.")
    if out.dtype != np.int8:
        _fail(label, f"dtype {out.dtype}, expected int8: the model's input is int8 "
                     "(input_detail['dtype']); quantize, then .astype(np.int8).")
    _pass(label, "int8 array of shape (1, 28, 28, 1).")


def preprocess_values(label, ns, split="val", start=0, count=8, detail=None, what=None):
    """preprocess matches the expected model input (within 1 quantization step on average)."""
    __tracebackhide__ = True
    detail = detail or int8_details()[0]
    diffs = []
    for i, frame in enumerate(_frames(split, start, count)):
        got = _preprocessed(label, ns, frame, detail, f"preprocess(frame {i})")
        want = reference_preprocess(frame, detail)
        if got.shape != want.shape or got.dtype != want.dtype:
            _fail(label, f"frame {i}: got {got.dtype} {got.shape}, expected {want.dtype} {want.shape}.")
        diffs.append(np.abs(got.astype(np.int32) - want.astype(np.int32)))
    diffs = np.stack(diffs)
    mean, worst = float(diffs.mean()), int(diffs.max())
    label_what = what or f"on {count} camera frames"
    if mean > 1.0 or worst > 8:
        mistake = _likely_mistake(frame, detail, got)
        if mistake:
            _fail(label, f"{label_what} the pixels differ from the expected model input by "
                         f"{mean:.1f} quantization steps on average: {mistake}.")
        _fail(label, f"{label_what} the pixels differ from the expected model input by "
                     f"{mean:.1f} quantization steps on average (up to {worst}). Check each stage: "
                     "grayscale (PIL convert('L')), bilinear resize to 28x28 without antialiasing "
                     "(tf.image.resize(..., method='bilinear')), stretch to [0, 1] "
                     "((x - min) / (max - min)), then q = round(x / scale) + zero_point with the "
                     "scale and zero point from the detail you are given, clipped to -128..127.")
    _pass(label, f"{label_what} the input matches the expected one ({mean:.2f} steps on average).")


def preprocess_quantization(label, ns):
    """preprocess uses the scale and zero point it is given (another detail)."""
    __tracebackhide__ = True
    detail = {"dtype": np.int8, "quantization": (2.0 / 255.0, -20), "shape": np.array([1, 28, 28, 1])}
    preprocess_values(label, ns, split="test", start=0, count=4, detail=detail,
                      what="with another scale (2/255) and zero point (-20)")


def preprocess_accuracy(label, ns, count=60):
    """The int8 model classifies frames preprocessed by preprocess as it does the expected input."""
    __tracebackhide__ = True
    from course_lib import runtime

    detail, _ = int8_details()
    frames = _frames("test", 100, count)
    got = np.concatenate([_preprocessed(label, ns, f, detail, "preprocess") for f in frames])
    want = np.concatenate([reference_preprocess(f, detail) for f in frames])
    with quiet():
        model = runtime.TFLiteModel(reference_tflite("int8"))
        got_class = model.invoke_raw(got.astype(np.int8)).argmax(axis=1)
        want_class = model.invoke_raw(want).argmax(axis=1)
    agree = float(np.mean(got_class == want_class))
    if agree < 0.95:
        _fail(label, f"on {count} held-out frames the model's top-1 class agrees with the expected "
                     f"pipeline on only {agree:.0%}: match the preprocessing stage by stage.")
    _pass(label, f"top-1 class agrees with the expected pipeline on {agree:.0%} of {count} held-out frames.")


def _topk_check(label, ns, raw, detail, k, what):
    __tracebackhide__ = True
    fn = _get(label, ns, "postprocess")
    got = _call(label, fn, raw.copy(), dict(detail), k, what=what)
    want = reference_postprocess(raw, detail, k)
    scale, zero_point = detail["quantization"]
    probs = (raw.astype(np.float32).reshape(-1) - zero_point) * scale
    try:
        got = [(str(name), float(conf)) for name, conf in got]
    except (TypeError, ValueError):
        _fail(label, f"{what} returned {got!r:.80}; expected a list of (label, confidence) pairs.")
    if len(got) != k:
        _fail(label, f"{what} returned {len(got)} pairs, expected k={k}.")
    for name, conf in got:
        if name not in data.CLASS_NAMES:
            _fail(label, f"{what}: {name!r} is not a class name; map index i to CLASS_NAMES[i].")
        expected = float(probs[data.class_index(name)])
        if not math.isclose(conf, expected, abs_tol=1e-6):
            _fail(label, f"{what}: confidence of {name!r} is {conf:.4g}, expected {expected:.4g}: "
                         "dequantize the raw int8 output, (q - zero_point) * scale, with the "
                         "output's own scale and zero point.")
    if len({n for n, _ in got}) != k or [c for _, c in got] != sorted([c for _, c in want], reverse=True):
        _fail(label, f"{what}: got {[n for n, _ in got]}, expected the {k} most likely classes, "
                     f"most likely first: {[n for n, _ in want]}.")
    return got


def postprocess_topk(label, ns):
    """postprocess(raw_output, output_detail, k=3): the 3 most likely (label, confidence)."""
    __tracebackhide__ = True
    from course_lib import runtime

    input_detail, output_detail = int8_details()
    with quiet():
        model = runtime.TFLiteModel(reference_tflite("int8"))
        raws = [model.invoke_raw(reference_preprocess(f, input_detail)) for f in _frames("val", 0, 3)]
    for raw in raws:
        got = _topk_check(label, ns, raw, output_detail, 3, "postprocess(raw_output, output_detail, 3)")
    _pass(label, "top-3 labels with dequantized confidences, e.g. " +
          ", ".join(f"{n} {c:.2f}" for n, c in got) + ".")


def postprocess_general(label, ns):
    """postprocess with another k, scale and zero point."""
    __tracebackhide__ = True
    rng = np.random.default_rng(5)
    for k, scale, zero_point in ((5, 1 / 128, 0), (1, 1 / 256, -128), (10, 0.01, 12)):
        raw = rng.integers(-128, 128, size=(1, 10)).astype(np.int8)
        detail = {"dtype": np.int8, "quantization": (scale, zero_point), "shape": np.array([1, 10])}
        _topk_check(label, ns, raw, detail, k, f"postprocess(k={k}, scale={scale:.4g}, zero_point={zero_point})")
    _pass(label, "postprocess works for other k, scales and zero points.")


_STAGES = {
    "camera_frame": [(224, 224, 3)],
    "grayscale": [(224, 224), (224, 224, 1)],
    "resized": [(28, 28), (28, 28, 1)],
    "model_input": [(1, 28, 28, 1)],
    "model_output": [(1, 10)],
}


def shapes_score(label, ns, points=2.0):
    """SHAPES states each stage's shape; returns the points earned (partial credit)."""
    __tracebackhide__ = True
    shapes = _get(label, ns, "SHAPES")
    if not isinstance(shapes, dict):
        _fail(label, f"`SHAPES` is a {type(shapes).__name__}; expected a dict {{stage: shape tuple}}.")
    right = 0
    for stage, accepted in _STAGES.items():
        value = shapes.get(stage)
        try:
            value = tuple(int(d) for d in value)
        except (TypeError, ValueError):
            pass
        if value in accepted:
            right += 1
            _pass(label, f"{stage} {value}")
        else:
            print(f"FAIL {label}: {stage} is {shapes.get(stage)!r}; look at the array's .shape at "
                  "that stage (the model's input and output details list theirs).")
    if right == 0:
        _fail(label, "no stage's shape is right.")
    return round(points * right / len(_STAGES), 4)


# ------------------------------------------------------------------ 05_quiz

def _quiz_letter(label, ns):
    """The student's answer to quiz question ``label`` as a valid letter, or FAIL."""
    __tracebackhide__ = True
    from course_lib import quiz

    answers = _get(label, ns, "ANSWERS", "run the answer cell (it defines ANSWERS)")
    if not isinstance(answers, dict):
        _fail(label, f"`ANSWERS` is a {type(answers).__name__}; expected the dict "
                     "{question id: letter}.")
    question = quiz.question(label)
    answer = answers.get(question.id)
    if answer is None:
        _fail(label, f"not answered: set ANSWERS[{question.id!r}] to one of "
                     f"{', '.join(question.letters)}.")
    try:
        return question.normalize(answer)
    except CourseInputError as error:
        _fail(label, str(error))


def quiz_answered(label, ns):
    """ANSWERS[label] is one of the question's letters (correctness is a hidden test)."""
    __tracebackhide__ = True
    letter = _quiz_letter(label, ns)
    _pass(label, f"answered {letter}; whether it is right is graded when you submit.")


def quiz_correct(label, ns):
    """ANSWERS[label] is the right option (checked with course_lib.quiz, which stores
    only salted digests of the answers)."""
    __tracebackhide__ = True
    from course_lib import quiz

    letter = _quiz_letter(label, ns)
    if not quiz.is_correct(label, letter):
        _fail(label, f"{letter} is not the right answer. Hint: {quiz.question(label).hint}")
    _pass(label, f"{letter} is right.")


# ------------------------------------------------------------------ cache warm-up

def warm_cache():
    """Make every cached reference artifact now (about 25 s once per machine and library
    versions), so that no graded notebook pays for it."""
    start = time.time()
    for variant in ("float32", "float16", "dynamic_range", "int8"):
        reference_tflite(variant)
    reference_saved_model()
    reference_coreml_size()
    probe_saved_model()
    probe_tflite()
    return time.time() - start


if __name__ == "__main__":
    seconds = warm_cache()
    print(f"grader cache ready in {cache_dir()} ({seconds:.0f} s)")
