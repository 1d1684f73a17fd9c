"""The checks' messages name what is wrong and what to fix (called directly, no nbgrader):
the visible ones and, where a message comes from the grader's strict twin, that one."""
import numpy as np
import pytest

from course_grader import metrics as grader_metrics
from course_grader import optimization as grader_optimization
from course_grader import pipeline as grader_pipeline
from course_grader import references
from course_lib import data, grading
from course_lib.grading import CheckFailed
from course_lib.quiet import import_tensorflow


def fails(check, *args, **kwargs):
    with pytest.raises(CheckFailed) as failure:
        check(*args, **kwargs)
    return str(failure.value)


@pytest.fixture(scope="module")
def variants():
    return {v: references.reference_tflite(v) for v in ("float32", "float16", "dynamic_range", "int8")}


@pytest.fixture(scope="module")
def honest_int8():
    """An int8 conversion as a student writes it (calibrated on the first 200 training
    images): not the file the course provides."""
    from course_grader import conversions

    return conversions.to_tflite(references.reference_model(), "int8",
                                 data.load_splits().train.normalized()[:200])


def test_int8_checks_say_what_to_set(variants, honest_int8, capsys):
    dynamic = {"int8_tflite": variants["dynamic_range"]}
    message = fails(grading.int8_io, "q1", dynamic)
    assert "input is still float32: the converter's inference_input_type decides it" in message
    assert "output is still float32: the converter's inference_output_type decides it" in message
    assert capsys.readouterr().out.startswith("FAIL q1: input is still float32")
    assert "dynamic-range model" in fails(grading.int8_integer_ops, "q1", dynamic)
    assert "representative_dataset" in fails(grading.int8_integer_ops, "q1", dynamic)
    assert "float16 variant" in fails(grading.int8_integer_ops, "q1", {"int8_tflite": variants["float16"]})
    assert "nothing was quantized" in fails(grading.int8_integer_ops, "q1", {"int8_tflite": variants["float32"]})
    assert "target <= 35%" in fails(grading.int8_size_exactly, "q1", {"int8_tflite": variants["float32"]})
    good = {"int8_tflite": honest_int8}
    for check in (grading.int8_io, grading.int8_integer_ops, grading.int8_size):
        check("q1", good)
    assert capsys.readouterr().out.count("PASS q1") == 3


def test_float32_checks_reject_quantized_models_and_wrong_types(variants):
    assert "do not set converter.optimizations" in fails(
        grading.tflite_float32, "q1", {"m": variants["dynamic_range"]}, "m")
    assert "is a path" in fails(grading.tflite_bytes, "q1", {"m": "model.tflite"}, "m")
    assert "is not defined" in fails(grading.tflite_bytes, "q1", {}, "m")
    tf = import_tensorflow()
    converter = tf.lite.TFLiteConverter.from_keras_model(references.probe_model())
    assert "call .convert()" in fails(grading.tflite_bytes, "q1", {"m": converter}, "m")
    assert "not a usable TFLite model" in fails(grading.tflite_bytes, "q1", {"m": b"\0" * 64}, "m")


def test_student_errors_are_reported_not_raised():
    def broken(model):
        raise NotImplementedError()

    assert "not answered yet" in fails(grading.keras_converter_general, "q1", {"keras_to_tflite": broken})


def test_coreml_checks_say_what_to_pass(coreml_models):
    ns = {name: m for name, m in coreml_models.items()}
    for check in (grading.coreml_mlprogram, grading.coreml_image_input, grading.coreml_labels):
        check("q5", ns, "good")
    assert 'pass convert_to="mlprogram"' in fails(grading.coreml_mlprogram, "q5", ns, "neuralnetwork")
    grading.coreml_image_input("q5", ns, "neuralnetwork")  # the scale is found in either format
    assert "ct.ImageType" in fails(grading.coreml_image_input, "q5", ns, "tensor")
    assert "set the scale of ct.ImageType" in fails(grading.coreml_image_input, "q5", ns, "unscaled")
    assert "ClassifierConfig" in fails(grading.coreml_labels, "q5", ns, "no_labels")
    assert "keep the MLModel" in fails(grading.coreml_mlprogram, "q5", {"m": "animal.mlpackage"}, "m")


def test_preprocessing_mistakes_are_named():
    for options, words in (({"stretch": False}, "contrast is not stretched"),
                           ({"antialias": True}, "resize antialiases")):
        def wrong(frame, detail, options=options):
            return grader_pipeline._pipeline(frame, detail, **options)

        assert words in fails(grading.preprocess_values_exactly, "q1", {"preprocess": wrong})


def test_shapes_partial_credit(capsys):
    shapes = {"camera_frame": (224, 224, 3), "grayscale": (224, 224, 1), "resized": (28, 28),
              "model_input": (28, 28, 1), "model_output": (1, 10)}
    assert grading.shapes_score_exactly("q3", {"SHAPES": shapes}) == pytest.approx(1.6)
    assert "FAIL q3: model_input" in capsys.readouterr().out
    assert "no stage" in fails(grading.shapes_score_exactly, "q3", {"SHAPES": {}})


def test_threshold_check_accepts_any_best_recall_threshold():
    scores, positive = grader_metrics._synthetic_detector(1)
    ok = [t for t in grader_metrics.THRESHOLDS if grader_metrics._threshold_ok(scores, positive, 0.8, t)[0]]
    assert ok and all(np.isclose(grader_metrics._threshold_ok(scores, positive, 0.8, t)[3],
                                 grader_metrics._precision_recall(scores, positive, t)[1]) for t in ok)


def test_hard_coded_quantization_is_named():
    def hard_coded(frame, detail):
        return grader_pipeline._pipeline(frame, references.int8_details()[0])

    assert "hard-coded" in fails(grading.preprocess_quantization, "q1", {"preprocess": hard_coded})


def test_converter_that_ignores_its_argument_is_named():
    def ignores(model):
        return references.reference_tflite("float32")

    assert "not the notebook's `model`" in fails(grading.keras_converter_general, "q1",
                                                   {"keras_to_tflite": ignores})


def test_variant_choice_needs_the_measured_table(capsys, honest_int8):
    """The expectation comes from a table whose sizes and accuracies the grader checks:
    emptying or rewriting `variants` cannot make a `choice` pass."""
    facts = dict(grader_optimization.variant_facts(), int8=grader_optimization._facts(honest_int8))
    table = [{"name": n, "size_bytes": facts[n][0], "accuracy": facts[n][1],
              "latency_ratio": {"int8": 0.5}.get(n, 1.0)} for n in facts]
    assert "does not hold the measured variants" in fails(
        grading.variant_choice_exactly, "q3", {"variants": [], "choice": None})
    shrunk = [dict(v, size_bytes=100) for v in table]  # every variant "fits" the size limit
    assert "does not hold the measured variants" in fails(
        grading.variant_choice_exactly, "q3", {"variants": shrunk, "choice": "float16"})
    assert "not the table" in fails(grading.variant_choice_exactly, "q3", {"variants": [1, 2], "choice": None})
    ns = {"variants": table, "int8_tflite": honest_int8}
    assert "is 'int8'" in fails(grading.variant_choice_exactly, "q3", dict(ns, choice=None))
    grading.variant_choice_exactly("q3", dict(ns, choice="int8"))
    assert "PASS q3" in capsys.readouterr().out
    slow = [dict(v, latency_ratio=1.3) for v in table]  # a loaded machine: nothing fits
    grading.variant_choice_exactly("q3", dict(ns, variants=slow, choice=None))


def test_the_provided_int8_model_earns_nothing_in_q1(honest_int8):
    """Handing in the model the course provides (its file ships with the course) fails
    every q1 check, visible and hidden, with the reason; an honest conversion (first 200
    training images, as the solution calibrates) is another file and passes."""
    from course_lib import provided

    given = {"int8_tflite": provided.tflite("int8")}
    for check in (grading.int8_io, grading.int8_integer_ops, grading.int8_size,
                  grading.int8_size_exactly):
        assert "the int8 model the course provides" in fails(check, "q1", given)
    assert "the int8 model the course provides" in fails(grading.int8_heldout_accuracy, "q1",
                                                         given, seed=1)
    assert honest_int8 != given["int8_tflite"]
    for check in (grading.int8_io, grading.int8_integer_ops, grading.int8_size):
        check("q1", {"int8_tflite": honest_int8})
