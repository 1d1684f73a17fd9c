"""Visible checks of the 01_metrics exercise: what a student may run.

- q1: ``metrics(cm)`` returns ``(accuracy, precision, recall)``: one number and one value
  per class, shares in [0, 1] without nan, and the right values on ``CM_PETS`` and on five
  matrices of the check's own (2 to 10 classes). The right values are stored only as one
  salted SHA-256 digest per metric, of its values on all six matrices together, rounded to
  4 decimals: 6 numbers for accuracy, 31 for precision and for recall, far too many
  combinations to try.
- q2: ``DOG_THRESHOLD`` is one of ``THRESHOLDS`` and meets the precision target the task
  sets, on the validation images, scored by the course's float32 model (the model the
  notebook's ``dog_scores`` come from). Whether its recall is the best is a hidden test.
- q3: ``decisions`` says True or False for every candidate model. Whether each is right
  is a hidden test.

The grader's strict twins (``course_grader.metrics``, ``<name>_exactly``) compare with its
own computation, also on the validation matrix.
"""
import functools
import hashlib

import numpy as np

from course_lib.checks.report import _call, _fail, _get, _pass

__all__ = ["metrics_accuracy", "metrics_precision", "metrics_recall", "threshold_choice",
           "budget_decisions"]

CM_PETS = np.array([[45, 3, 2],    # actual cat: predicted cat, dog, bird (as in the notebook)
                    [4, 40, 6],    # actual dog
                    [1, 5, 44]])   # actual bird


def _matrix(n):
    """An n-class confusion matrix of the check's own: a fixed recipe (not a random number
    generator, whose stream may change with numpy): 200-1999 correct images per class,
    1-60 in every other cell, so classes differ in size and no row or column is empty
    (those are the hidden edge-case test's). "16": the first recipe whose right values all
    lie at least 2e-6 from a rounding boundary (see _DIGESTS)."""
    def count(i, j):
        digest = hashlib.sha256(f"01_metrics/16|{n}|{i}|{j}".encode()).digest()
        h = int.from_bytes(digest[:4], "big")
        return 200 + h % 1800 if i == j else 1 + h % 60

    return np.array([[count(i, j) for j in range(n)] for i in range(n)])


_MORE = [_matrix(n) for n in (2, 4, 5, 7, 10)]
MATRICES = [("CM_PETS", CM_PETS)] + [(f"the check's {len(m)}x{len(m)} matrix", m) for m in _MORE]

_SALT = "mobile-course/01_metrics/q1/v1"
# _digest(metric, its values on MATRICES in order). Every right value lies at least 2e-6
# from a rounding boundary (tests/grading/test_checks_metrics.py), so float32 arithmetic
# rounds the same.
_DIGESTS = {
    "accuracy": "5ff22158cadf3fdbb1f2d2f65aa966fb3d5128389721bb99af15ca680d062438",
    "precision": "441d13e611bdee56c6683866f90a95b8a82fb95627c429e35fc599aea3bb7ed9",
    "recall": "7f91e7fef069e0c4c57fb4ffabf3f8282ad4effde780e55a232f2b4635c7ce93",
}
_WHAT = {
    "accuracy": "accuracy is the share of ALL images that were classified correctly: which "
                "cells of cm count images whose predicted class is their actual class, and how "
                "many images does cm hold in all?",
    "precision": "precision of class c is about the images the model CALLED c (rows are the "
                 "actual class, columns the predicted one): of those, the share that are c.",
    "recall": "recall of class c is about the images that ARE c (rows are the actual class, "
              "columns the predicted one): of those, the share the model called c.",
}


def _digest(metric, values):
    text = ",".join(f"{abs(float(v)):.4f}" for v in values)
    return hashlib.sha256(f"{_SALT}|{metric}|{text}".encode()).hexdigest()


def _results(label, ns):
    """[(matrix name, (accuracy, precision, recall) as float64 arrays)] of the student's
    metrics() on MATRICES, or FAIL on the first wrong type or shape."""
    __tracebackhide__ = True
    fn = _get(label, ns, "metrics")
    results = []
    for name, cm in MATRICES:
        out = _call(label, fn, cm.copy(), what=f"metrics({name})")
        if not isinstance(out, tuple) or len(out) != 3:
            kind = f"a tuple of {len(out)}" if isinstance(out, tuple) else type(out).__name__
            _fail(label, f"metrics({name}) returned {kind}; expected a tuple of three: "
                         "return accuracy, precision, recall.")
        arrays = []
        for metric, value in zip(("accuracy", "precision", "recall"), out):
            try:
                array = np.asarray(value, dtype=np.float64)
            except (TypeError, ValueError):
                _fail(label, f"{metric} from metrics({name}) is {type(value).__name__} "
                             f"{str(value)[:40]!r}; expected numbers.")
            want = () if metric == "accuracy" else (len(cm),)
            if array.shape != want:
                if metric == "accuracy":
                    expected = "one number"
                else:
                    expected = (f"one value per class, {len(cm)} for a {len(cm)}-class matrix "
                                "(does metrics use its argument `cm`, not a notebook variable?)")
                _fail(label, f"{metric} from metrics({name}) has shape {array.shape}; "
                             f"expected {expected}.")
            arrays.append(array)
        results.append((name, tuple(arrays)))
    return results


def _metric_check(label, ns, metric):
    __tracebackhide__ = True
    index = ("accuracy", "precision", "recall").index(metric)
    results = _results(label, ns)
    values = [out[index] for _, out in results]
    for (name, _), value in zip(results, values):
        if np.any(np.isnan(value)):
            _fail(label, f"{metric} on {name} contains nan, though no row or column of it is "
                         f"empty: look at what you divide by. {_WHAT[metric]}")
        if np.any(value < 0) or np.any(value > 1):
            _fail(label, f"{metric} on {name} is {np.round(value, 4).tolist()}: a share lies "
                         f"between 0 and 1. {_WHAT[metric]}")
    flat = np.concatenate([np.atleast_1d(v) for v in values])
    if _digest(metric, flat) == _DIGESTS[metric]:
        _pass(label, f"{metric} is right on CM_PETS and on {len(_MORE)} more matrices "
                     f"({', '.join(str(len(m)) for m in _MORE)} classes).")
        return
    shown = np.round(values[0], 4).tolist()
    text = f"{metric} is not right: metrics(CM_PETS) gives {metric} {shown}"
    other = {"precision": "recall", "recall": "precision"}.get(metric)
    if other and _digest(other, flat) == _DIGESTS[other]:
        _fail(label, f"{text}, which is the {other} of each class: precision and recall are "
                     f"swapped. {_WHAT[metric]}")
    if metric == "accuracy":
        for i, name in ((2, "recall"), (1, "precision")):  # out: (accuracy, precision, recall)
            if all(np.isclose(v, np.mean(out[i])) for v, (_, out) in zip(values, results)):
                _fail(label, f"{text}, the average of your per-class {name}: that equals "
                             "accuracy only when every class has as many images (as in CM_PETS), "
                             f"not on the other matrices. {_WHAT[metric]}")
    _fail(label, f"{metric} is not right on CM_PETS or on one of the check's {len(_MORE)} other "
                 f"matrices (metrics(CM_PETS) gives {metric} {shown}). {_WHAT[metric]}")


def metrics_accuracy(label, ns):
    """q1: metrics(cm)'s accuracy is one number, right on CM_PETS and other matrices."""
    __tracebackhide__ = True
    _metric_check(label, ns, "accuracy")


def metrics_precision(label, ns):
    """q1: metrics(cm)'s precision has one value per class, right on CM_PETS and others."""
    __tracebackhide__ = True
    _metric_check(label, ns, "precision")


def metrics_recall(label, ns):
    """q1: metrics(cm)'s recall has one value per class, right on CM_PETS and others."""
    __tracebackhide__ = True
    _metric_check(label, ns, "recall")


TARGET_PRECISION = 0.95                           # the task's precision target for the dog alert
THRESHOLDS = np.round(np.linspace(0, 1, 101), 2)  # as in the notebook


@functools.lru_cache(maxsize=1)
def _validation_dog_scores():
    """(P(dog) per validation image, is-a-dog per image): the course's float32 model's
    probabilities, which the notebook's `dog_scores` come from, loaded here rather than read
    from the notebook."""
    from course_lib import data, provided

    val = data.load_splits().val
    probs = provided.val_probabilities()
    dog = data.class_index("dog")
    return probs[:, dog], val.labels == dog


def threshold_choice(label, ns):
    """q2: DOG_THRESHOLD is one of THRESHOLDS and reaches precision >= 95% on the
    validation images (whether its recall is the best is a hidden test)."""
    __tracebackhide__ = True
    value = _get(label, ns, "DOG_THRESHOLD")
    if value is None:
        _fail(label, "DOG_THRESHOLD is None: choose_threshold returned nothing. It must return "
                     "the threshold it found (one of THRESHOLDS).")
    number = isinstance(value, (int, float, np.integer, np.floating))
    if isinstance(value, (bool, np.bool_)) or not number:
        _fail(label, f"DOG_THRESHOLD is {value!r} ({type(value).__name__}); expected a number, "
                     "one of THRESHOLDS (0.00, 0.01, ..., 1.00).")
    value = float(value)
    near = np.flatnonzero(np.abs(THRESHOLDS - value) <= 1e-6)
    if len(near) == 0:
        _fail(label, f"DOG_THRESHOLD is {value!r}, not one of THRESHOLDS (0.00, 0.01, ..., 1.00): "
                     "choose_threshold returns one of those thresholds.")
    threshold = float(THRESHOLDS[near[0]])
    scores, is_dog = _validation_dog_scores()
    alerts = scores >= threshold
    true_alerts, false_alerts = int(np.sum(alerts & is_dog)), int(np.sum(alerts & ~is_dog))
    precision = true_alerts / (true_alerts + false_alerts) if alerts.any() else 1.0
    recall = true_alerts / int(is_dog.sum())
    text = (f"DOG_THRESHOLD {threshold:.2f}: the alert goes off for {true_alerts + false_alerts} "
            f"of the {len(scores)} validation images, {false_alerts} of them not dogs: precision "
            f"{precision:.3f}, recall {recall:.3f}")
    if precision < TARGET_PRECISION:
        _fail(label, f"{text}; precision is below the {TARGET_PRECISION} target. A higher "
                     "threshold raises fewer false alerts; among the thresholds that meet the "
                     "target, choose_threshold returns the one that finds the most dogs.")
    _pass(label, f"{text}: meets the {TARGET_PRECISION} target. Whether no other threshold that "
                 "meets it finds more dogs is checked at grading.")


def budget_decisions(label, ns):
    """q3: `decisions` holds True or False for every candidate model (whether each is right
    is a hidden test)."""
    __tracebackhide__ = True
    from course_lib.provided import VARIANTS  # the candidates' names, as the notebook uses them

    decisions = _get(label, ns, "decisions")
    if not isinstance(decisions, dict):
        _fail(label, f"`decisions` is a {type(decisions).__name__}; expected a dict "
                     "{model name: True/False}, one entry per model in `candidates`.")
    missing = [name for name in VARIANTS if name not in decisions]
    if missing:
        _fail(label, f"`decisions` has no entry for {', '.join(missing)}: decide for every "
                     f"model in `candidates` ({', '.join(VARIANTS)}).")
    unknown = [repr(key) for key in decisions if key not in VARIANTS]
    if unknown:
        _fail(label, f"`decisions` has keys that are not candidate models: {', '.join(unknown)}; "
                     f"use the names of `candidates` ({', '.join(VARIANTS)}).")
    not_bool = [f"{name}: {value!r} ({type(value).__name__})" for name, value in decisions.items()
                if not isinstance(value, (bool, np.bool_))]
    if not_bool:
        _fail(label, f"{'; '.join(not_bool)}: meets_budget returns True or False.")
    _pass(label, "a decision for every candidate: " +
          ", ".join(f"{name} {'meets' if decisions[name] else 'misses'}" for name in VARIANTS) +
          ". Whether each is right is checked at grading.")
