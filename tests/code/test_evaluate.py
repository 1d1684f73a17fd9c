import numpy as np
import pytest

from course_grader import measures
from course_lib import CourseInputError, evaluate

# The syllabus's cat/dog/bird example (rows actual, columns predicted).
SYLLABUS_CM = np.array([[45, 3, 2],
                        [4, 40, 6],
                        [1, 5, 44]])


def test_metrics_from_the_syllabus_confusion_matrix():
    m = measures.metrics_from_confusion(SYLLABUS_CM)
    assert m.accuracy == pytest.approx(129 / 150)
    assert m.precision == pytest.approx([45 / 50, 40 / 48, 44 / 52])
    assert m.recall == pytest.approx([45 / 50, 40 / 50, 44 / 50])
    assert m.f1[1] == pytest.approx(2 * (40 / 48) * 0.8 / (40 / 48 + 0.8))
    assert m.support.tolist() == [50, 50, 50]
    assert "accuracy 0.8600" in m.table(["cat", "dog", "bird"])


def test_confusion_matrix_counts_rows_as_actual():
    cm = evaluate.confusion_matrix([0, 0, 1, 2], [0, 1, 1, 1], num_classes=3)
    assert cm.tolist() == [[1, 1, 0], [0, 1, 0], [0, 1, 0]]
    probs = np.eye(3)[[0, 1, 1, 1]]
    assert np.array_equal(evaluate.confusion_matrix([0, 0, 1, 2], probs, 3), cm)


def test_a_class_never_predicted_has_zero_precision_not_nan():
    m = measures.metrics_from_confusion([[2, 0], [1, 0]])
    assert m.precision.tolist() == [2 / 3, 0.0] and not np.isnan(m.f1).any()


def test_bad_labels_are_explained():
    with pytest.raises(CourseInputError, match="3 labels but y_pred has 2"):
        evaluate.confusion_matrix([0, 1, 2], [0, 1])
    with pytest.raises(CourseInputError, match="integer class indices"):
        evaluate.accuracy([0.5, 1.0], [0, 1])
    with pytest.raises(CourseInputError, match=r"0\.\.9"):
        evaluate.confusion_matrix([0, 12], [0, 1])
    with pytest.raises(CourseInputError, match="square"):
        measures.metrics_from_confusion(np.zeros((2, 3)))


def test_threshold_sweep_counts_false_alarms_and_misses():
    scores = np.array([0.9, 0.8, 0.6, 0.4, 0.3, 0.1])
    is_dog = np.array([True, True, False, True, False, False])
    sweep = measures.threshold_sweep(scores, is_dog, thresholds=[0.0, 0.5, 0.85, 0.95])
    assert sweep.true_positives.tolist() == [3, 2, 1, 0]
    assert sweep.false_alarms.tolist() == [3, 1, 0, 0]
    assert sweep.missed.tolist() == [0, 1, 2, 3]
    assert sweep.precision.tolist() == [0.5, 2 / 3, 1.0, 1.0]
    assert sweep.recall.tolist() == pytest.approx([1.0, 2 / 3, 1 / 3, 0.0])
    assert sweep.at(0.49)["false_alarms"] == 1
    assert sweep.best_recall_with_precision(0.6) == 0.5
    with pytest.raises(CourseInputError, match="same length|one length"):
        measures.threshold_sweep(scores, is_dog[:3])


def test_precision_rises_and_recall_falls_with_the_threshold_on_the_real_model(
        reference_model, splits, test_images):
    from course_lib.data import class_index

    probs = evaluate.predict_proba(reference_model, test_images)
    dog = class_index("dog")
    sweep = measures.threshold_sweep(probs[:, dog], splits.test.labels == dog)
    assert np.all(np.diff(sweep.recall) <= 0)          # raising the bar never finds more dogs
    assert sweep.precision[90] >= sweep.precision[5]
    assert sweep.recall[0] == 1.0


def test_accuracy_of_keras_probabilities_and_tflite_classes(reference_model, tflite_variants, splits,
                                                           test_images):
    """The metric functions take probabilities or classes alike; predict_proba runs Keras
    only and says how to run a TFLite model instead."""
    from course_lib import runtime

    labels = splits.test.labels
    keras = evaluate.accuracy(labels, evaluate.predict_proba(reference_model, test_images))
    tflite = evaluate.accuracy(labels, runtime.predicted_classes(tflite_variants["float32"], test_images))
    int8 = evaluate.accuracy(labels, runtime.predicted_classes(tflite_variants["int8"], test_images))
    assert keras >= 0.95 and abs(keras - tflite) <= 0.005
    assert keras - int8 <= 0.01
    with pytest.raises(CourseInputError, match="runs a Keras model; got bytes.*predicted_classes"):
        evaluate.predict_proba(tflite_variants["float32"], test_images)


def test_the_student_library_computes_no_graded_measure():
    """01 q1 (metrics from a matrix) and q2 (the threshold) are the student's work: the
    library keeps the confusion matrix and accuracy, the grader keeps the rest."""
    for name in ("metrics_from_confusion", "threshold_sweep", "ClassMetrics", "ThresholdSweep", "evaluate"):
        assert not hasattr(evaluate, name), name
