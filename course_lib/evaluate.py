"""Stage 6: how good is the model? Accuracy, confusion matrix, precision/recall/F1,
and the threshold sweep of a one-class detector ("is it a dog?").

Every function takes predictions, so it works the same for a Keras model, a
TFLite model or numbers from a phone; ``predict_proba`` turns any model into them.
"""
import dataclasses

import numpy as np

from course_lib.data import CLASS_NAMES, NUM_CLASSES
from course_lib.errors import CourseInputError


def predict_proba(model, images):
    """Class probabilities (N x classes) from a Keras model, .tflite bytes/path or TFLiteModel.

    ``images`` are float32 in [0, 1], shape (N, 28, 28, 1).
    """
    from course_lib import runtime

    if hasattr(model, "predict") and hasattr(model, "layers"):  # a Keras model
        from course_lib.model import keras_predict

        return keras_predict(model, np.asarray(images, dtype=np.float32))
    if isinstance(model, np.ndarray):
        raise CourseInputError("Got an array where a model was expected: pass predictions to "
                               "the metric functions directly.")
    return runtime.run_tflite(model, images)


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


def _safe_divide(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.divide(a, b, out=np.zeros_like(a), where=b > 0)


@dataclasses.dataclass
class ClassMetrics:
    accuracy: float
    precision: np.ndarray   # per class: of the images predicted as c, the share that are c
    recall: np.ndarray      # per class: of the images that are c, the share predicted as c
    f1: np.ndarray
    support: np.ndarray     # images per actual class

    def table(self, class_names=CLASS_NAMES):
        rows = [f"{'class':<10}{'precision':>10}{'recall':>8}{'f1':>7}{'n':>6}"]
        for i, name in enumerate(class_names):
            rows.append(f"{name:<10}{self.precision[i]:>10.3f}{self.recall[i]:>8.3f}"
                        f"{self.f1[i]:>7.3f}{self.support[i]:>6d}")
        rows.append(f"accuracy {self.accuracy:.4f}")
        return "\n".join(rows)


def metrics_from_confusion(cm):
    """Accuracy and per-class precision, recall and F1 from a confusion matrix."""
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise CourseInputError(f"A confusion matrix is square (classes x classes); got shape {cm.shape}.")
    true_pos = np.diag(cm)
    precision = _safe_divide(true_pos, cm.sum(axis=0))
    recall = _safe_divide(true_pos, cm.sum(axis=1))
    f1 = _safe_divide(2 * precision * recall, precision + recall)
    return ClassMetrics(float(_safe_divide(true_pos.sum(), cm.sum())), precision, recall, f1,
                        cm.sum(axis=1).astype(np.int64))


def evaluate(model_or_probs, images, labels):
    """ClassMetrics of a model (Keras, TFLite) or of precomputed probabilities on images."""
    probs = model_or_probs if isinstance(model_or_probs, np.ndarray) else predict_proba(model_or_probs, images)
    return metrics_from_confusion(confusion_matrix(labels, probs, probs.shape[1]))


@dataclasses.dataclass
class ThresholdSweep:
    """A one-class detector ("is it a dog?") at each threshold on its score."""

    thresholds: np.ndarray
    precision: np.ndarray
    recall: np.ndarray
    true_positives: np.ndarray
    false_alarms: np.ndarray   # said "dog", was not
    missed: np.ndarray         # was a dog, said nothing

    def at(self, threshold):
        """The row for the threshold closest to ``threshold``, as a dict."""
        i = int(np.argmin(np.abs(self.thresholds - threshold)))
        return {k: getattr(self, k)[i].item() for k in
                ("thresholds", "precision", "recall", "true_positives", "false_alarms", "missed")}

    def best_recall_with_precision(self, min_precision):
        """Threshold with the highest recall whose precision is at least ``min_precision``."""
        ok = np.flatnonzero(self.precision >= min_precision)
        if len(ok) == 0:
            raise CourseInputError(f"No threshold reaches precision {min_precision}.")
        best = ok[np.argmax(self.recall[ok])]
        return float(self.thresholds[best])


def threshold_sweep(scores, is_positive, thresholds=None):
    """Precision and recall of "score >= threshold means positive" at each threshold.

    scores: the detector's score per image (e.g. P(dog)); is_positive: bool per image.
    Precision where nothing is flagged is reported as 1.0 (no false alarms).
    """
    scores = np.asarray(scores, dtype=np.float64)
    is_positive = np.asarray(is_positive, dtype=bool)
    if scores.ndim != 1 or scores.shape != is_positive.shape:
        raise CourseInputError(f"scores and is_positive must be 1-D and of one length; got "
                               f"{scores.shape} and {is_positive.shape}.")
    thresholds = np.linspace(0, 1, 101) if thresholds is None else np.asarray(thresholds, dtype=np.float64)
    flagged = scores[np.newaxis, :] >= thresholds[:, np.newaxis]
    tp = (flagged & is_positive).sum(axis=1)
    fp = (flagged & ~is_positive).sum(axis=1)
    fn = is_positive.sum() - tp
    precision = np.where(tp + fp > 0, _safe_divide(tp, tp + fp), 1.0)
    recall = _safe_divide(tp, tp + fn)
    return ThresholdSweep(thresholds, precision, recall, tp, fp, fn)


def agreement(probs_a, probs_b):
    """Share of images on which two models predict the same class."""
    return float(np.mean(_labels(probs_a, "probs_a") == _labels(probs_b, "probs_b")))
