"""Stage 6: how good is the model? Accuracy, the confusion matrix, agreement of two models.

Precision, recall and the threshold of a one-class detector are computed in the lesson's
own cells (the exercise asks for them), not here.

Every function takes predictions (class indices or probabilities), so it works the same
for a Keras model, a TFLite model or numbers from a phone. ``predict_proba`` runs a Keras
model; ``course_lib.runtime.predicted_classes`` gives a TFLite model's classes.
"""
import numpy as np

from course_lib.data import NUM_CLASSES
from course_lib.errors import CourseInputError


def predict_proba(model, images):
    """Class probabilities (N x classes) from a Keras model.

    ``images`` are float32 in [0, 1], shape (N, 28, 28, 1).
    """
    if hasattr(model, "predict") and hasattr(model, "layers"):  # a Keras model
        from course_lib.model import keras_predict

        return keras_predict(model, np.asarray(images, dtype=np.float32))
    if isinstance(model, np.ndarray):
        raise CourseInputError("Got an array where a model was expected: pass predictions to "
                               "the metric functions directly.")
    raise CourseInputError(
        f"predict_proba runs a Keras model; got {type(model).__name__}. For a TFLite model, "
        "course_lib.runtime.predicted_classes(model, images) gives its classes, and the LiteRT "
        "Interpreter its probabilities (lesson 03).")


def _labels(y, name):
    y = np.asarray(y)
    if y.ndim == 2:  # probabilities or one-hot -> class indices
        y = y.argmax(axis=1)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise CourseInputError(f"{name} must be integer class indices of shape (N,) or "
                               f"probabilities of shape (N, classes); got {y.dtype} {y.shape}.")
    return y


def confusion_matrix(y_true, y_pred, num_classes=NUM_CLASSES):
    """Counts: row = actual class, column = predicted class."""
    y_true, y_pred = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if len(y_true) != len(y_pred):
        raise CourseInputError(f"y_true has {len(y_true)} labels but y_pred has {len(y_pred)}.")
    if len(y_true) and (min(y_true.min(), y_pred.min()) < 0 or max(y_true.max(), y_pred.max()) >= num_classes):
        raise CourseInputError(f"Class indices must be in 0..{num_classes - 1}.")
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm


def accuracy(y_true, y_pred):
    y_true, y_pred = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    return float(np.mean(y_true == y_pred))


def agreement(probs_a, probs_b):
    """Share of images on which two models predict the same class."""
    return float(np.mean(_labels(probs_a, "probs_a") == _labels(probs_b, "probs_b")))
