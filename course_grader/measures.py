"""Graded measures computed the grader's way (grader-only): per-class metrics from a
confusion matrix (01 q1) and the threshold sweep of a one-class detector (01 q2).

The student edition's library has no function that computes these: the lesson computes
them in its own cells, the exercise asks the student to."""
import dataclasses

import numpy as np

from course_lib.data import CLASS_NAMES
from course_lib.errors import CourseInputError


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
