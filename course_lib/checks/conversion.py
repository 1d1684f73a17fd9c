"""Visible checks of the conversion exercise (03_conversion): what a student may run.

They read what the notebook produced (the .tflite bytes and file, the Core ML model and
package) and compare predictions only with the model the exercise starts from: the
course's Keras classifier (``course_lib.model``), an input every student is given. No
reference conversion, no stored answer: the grader's stricter twins
(``course_grader.conversion``, ``<name>_exactly``) run at grading only.
"""
import functools
import math
from pathlib import Path

import numpy as np

from course_lib import data
from course_lib import inspect as model_inspect
from course_lib.checks.models import (_as_tflite, _coreml, _float32_problem, _not_provided, _read_coreml,
                                      keras_probabilities)
from course_lib.checks.report import _fail, _fresh, _get, _pass
from course_lib.errors import CourseInputError
from course_lib.quiet import quiet

# The checks test cells may call (course_lib.grading exports them).
__all__ = ["tflite_bytes", "tflite_float32", "tflite_file", "litert_predictions",
           "coreml_mlprogram", "coreml_image_input", "coreml_labels", "coreml_saved"]

IMAGES = 100                  # the first validation images, as the notebook's q4 uses them
# `val_probs` vs the Keras model, per probability. Loose on purpose: q4 is about running
# the file, whatever q1 put in it; a quantized conversion of this model stays within 0.04
# of the Keras model on these images, while wrong inputs or rows are off by far more.
PREDICTION_TOLERANCE = 0.1
SUM_TOLERANCE = 1e-2          # each row of probabilities sums to 1


@functools.lru_cache(maxsize=None)
def _val_images(count):
    """The first ``count`` validation images, float32 in [0, 1] (the course's data)."""
    return data.load_splits().val.normalized()[:count]


@functools.lru_cache(maxsize=None)
def _keras_probabilities(count):
    """The shipped Keras model's probabilities on the first ``count`` validation images.

    The Keras model is the exercise's input (the notebook's ``model``), loaded here from
    the course's own weights so a changed ``model`` variable cannot move the target.
    """
    return keras_probabilities(_val_images(count))


def _classes(label, blob, images):
    __tracebackhide__ = True
    from course_lib import runtime

    try:
        with quiet():
            return runtime.predicted_classes(blob, images)
    except CourseInputError as error:
        _fail(label, f"LiteRT could not run it: {error}")


def tflite_bytes(label, ns, name="tflite_from_keras"):
    """`name` holds bytes that are a TFLite flatbuffer (identifier TFL3)."""
    __tracebackhide__ = True
    blob, report = _as_tflite(label, _get(label, ns, name), name)
    _not_provided(label, blob, name)
    _pass(label, f"`{name}` is a TFLite model: {len(blob):,} bytes, identifier {blob[4:8]!r}, "
                 f"{len(report.ops)} ops.")


def tflite_float32(label, ns, name):
    """`name` is a float32 conversion of the course's Keras model: float32 input/output and
    weights, shapes [1, 28, 28, 1] -> [1, 10], and the Keras model's class for every image
    (its probabilities, to float32 rounding, are the hidden twin's check)."""
    __tracebackhide__ = True
    blob, report = _as_tflite(label, _get(label, ns, name), name)
    problem = _float32_problem(report)
    if problem:
        _fail(label, problem + ".")
    _not_provided(label, blob, name)
    images = _val_images(IMAGES)
    differ = int(np.sum(_classes(label, blob, images) != _keras_probabilities(IMAGES).argmax(axis=1)))
    if differ:
        _fail(label, f"its predictions differ from those of the Keras model you were given "
                     f"(`model`) on {differ} of the first {len(images)} validation images: "
                     "convert that model, unchanged, without optimizations.")
    _pass(label, f"`{name}`: float32 [1, 28, 28, 1] -> [1, 10], float32 weights, same "
                 f"predictions as the Keras model (the same class for all {len(images)} images).")


def tflite_file(label, ns, path_name="TFLITE_PATH", bytes_name="tflite_from_keras"):
    """The file at `path_name` was written in this run and holds exactly `bytes_name`."""
    __tracebackhide__ = True
    path = Path(_get(label, ns, path_name))
    _fresh(label, path, f"the answer cell writes the bytes of `{bytes_name}` to `{path_name}`, in "
                        "binary mode (pathlib's Path has a method for bytes)")
    written = path.read_bytes()
    expected = _get(label, ns, bytes_name)
    if not isinstance(expected, (bytes, bytearray)) or written != bytes(expected):
        _fail(label, f"{path} ({len(written):,} bytes) does not hold the bytes of `{bytes_name}`: "
                     "write exactly what converter.convert() returned, in binary mode.")
    _as_tflite(label, path, str(path), allow_path=True)
    _pass(label, f"{path} holds the {len(written):,}-byte model.")


def litert_predictions(label, ns, function="litert_predict", result="val_probs", count=IMAGES):
    """`result` holds one row of 10 class probabilities per image for the first `count`
    validation images, in order: close to what the Keras model gives those images (which
    any conversion of it reproduces up to rounding)."""
    __tracebackhide__ = True
    value = _get(label, ns, result)
    try:
        got = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        _fail(label, f"`{result}` is a {type(value).__name__}, not an array of numbers: return "
                     "np.array of the rows you collected.")
    if got.shape != (count, 10):
        _fail(label, f"`{result}` has shape {got.shape}, expected ({count}, 10): one row of "
                     "10 class probabilities per image (the output tensor has a batch axis of 1: "
                     "take its row [0] after each invoke).")
    outside = int(np.sum(~np.isfinite(got) | (got < -1e-6) | (got > 1 + 1e-6)))
    if outside:
        _fail(label, f"{outside} values of `{result}` are not in [0, 1], so they are not "
                     "probabilities: read the output tensor (get_tensor on the output index) "
                     "after invoke(), and do not rescale it.")
    sums = got.sum(axis=1)
    if float(np.max(np.abs(sums - 1))) > SUM_TOLERANCE:
        _fail(label, f"the rows of `{result}` sum to {sums.min():.3g} to {sums.max():.3g}, not 1: "
                     "each row should be the model's softmax output for one image.")
    gap = float(np.max(np.abs(got - _keras_probabilities(count))))
    if gap > PREDICTION_TOLERANCE:
        agree = float(np.mean(got.argmax(axis=1) == _keras_probabilities(count).argmax(axis=1)))
        _fail(label, f"`{result}` differs from the model's probabilities on the first {count} "
                     f"validation images by up to {gap:.3g} (same top class for {agree:.0%} of them): "
                     "run the images in order, each as float32 of shape (1, 28, 28, 1) in [0, 1] "
                     "(set_tensor on the input index, invoke(), get_tensor on the output index).")
    _pass(label, f"{function} gives {count} rows of class probabilities, those of the model "
                 f"for these images (max difference from the Keras model {gap:.1e}).")


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
    if inp["kind"] != "image":
        _fail(label, f"input {inp['name']!r} is a {inp['kind']} (a tensor), so the app must build "
                     "the tensor itself: describe the input to ct.convert as an image, with "
                     "inputs=[ct.ImageType(...)] (its shape, color_layout and scale).")
    if inp["details"] != "28x28 GRAYSCALE":
        _fail(label, f"image input is {inp['details']}, expected 28x28 GRAYSCALE: give "
                     "ct.ImageType the model's input shape and a grayscale color_layout "
                     "(ct.colorlayout).")
    scale = model_inspect.coreml_image_scale(value.get_spec())
    if not math.isclose(scale, 1 / 255, rel_tol=1e-2):
        _fail(label, f"the image input is scaled by {scale:.4g}, so the model would see pixels "
                     "0-255 instead of the [0, 1] it was trained on: set the scale of "
                     "ct.ImageType so that a pixel of 255 becomes 1.")
    _pass(label, f"input {inp['name']!r} is a 28x28 grayscale image, scaled by 1/255.")


def coreml_labels(label, ns, name="mlmodel"):
    """The model is a classifier whose labels are the course's classes, in order."""
    __tracebackhide__ = True
    _, report = _coreml(label, ns, name)
    labels, expected = [str(x) for x in report.class_labels], list(data.CLASS_NAMES)
    if not labels:
        _fail(label, "no class labels, so the app only gets 10 numbers: make it a classifier "
                     "with the class names (ct.ClassifierConfig, passed as classifier_config).")
    if labels != expected:
        _fail(label, f"class labels are {labels}, expected {expected} (in the model's output order).")
    _pass(label, f"classifier with the 10 labels in order ({', '.join(expected[:3])}, ...).")


def coreml_saved(label, ns, path_name="MLPACKAGE_PATH", name="mlmodel"):
    """The model was saved in this run as a .mlpackage that loads back as the same model."""
    __tracebackhide__ = True

    path = Path(_get(label, ns, path_name))
    _fresh(label, path, f"the answer cell saves `{name}` as a package at `{path_name}` (a Core ML "
                        "model saves itself: see coremltools' MLModel)")
    _, report = _coreml(label, ns, name)
    saved = _read_coreml(label, path, f"{path} does not load")
    if (saved.model_type, saved.class_labels) != (report.model_type, report.class_labels):
        _fail(label, f"{path} holds a different model than `{name}`: save `{name}` itself.")
    _pass(label, f"{path} saved ({saved.size_bytes:,} bytes) and loads back as the same model.")
