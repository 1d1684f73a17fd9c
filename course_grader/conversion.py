"""03_conversion, grader-only checks: each compares what the notebook produced with
the grader's own conversions of the reference and probe models.

The structural checks (bytes, file, Core ML format, input, labels, package) and the
visible versions of ``tflite_float32`` and ``litert_predictions`` are student-side, in
``course_lib.checks.conversion``; the ``*_exactly`` twins here run in the same test cells,
as hidden tests."""
import tempfile
from pathlib import Path

import numpy as np

from course_lib.checks.models import _as_tflite, _float32_problem, _not_provided
from course_lib.checks.report import _call, _fail, _get, _pass
from course_lib.errors import CourseInputError
from course_grader.references import (_run_tflite, _val_images, probe_model, probe_saved_model,
                                      probe_tflite, reference_tflite, splits)

# The checks test cells may call (course_lib.grading exports them).
__all__ = ["tflite_float32_exactly", "keras_converter_general", "saved_model_converter_general",
           "litert_predictions_exactly", "litert_general"]

PREDICTION_TOLERANCE = 1e-4   # float32 TFLite vs the grader's conversion, per probability


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


def tflite_float32_exactly(label, ns, name):
    """Strict twin of the visible ``tflite_float32``: `name` predicts what the grader's own
    float32 conversion of the reference model predicts."""
    __tracebackhide__ = True
    blob, report = _as_tflite(label, _get(label, ns, name), name)
    problem = _float32_problem(report)
    if problem:
        _fail(label, problem + ".")
    _not_provided(label, blob, name)
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


def litert_predictions_exactly(label, ns, function="litert_predict", result="val_probs",
                               path_name="TFLITE_PATH", count=100):
    """Strict twin of the visible ``litert_predictions``: `result` is what the model in the
    student's own TFLITE_PATH gives the first `count` val images, run by the grader."""
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
