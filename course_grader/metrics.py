"""01_metrics, grader-only checks: the metrics, the threshold and the budget decisions
against the grader's own computation, on the course's matrices and on others.

The ``*_exactly`` checks are the strict twins of the visible checks of the same name in
:mod:`course_lib.checks.metrics`: a test cell runs the visible check, then its twin as a
hidden test. The others are hidden tests only."""
import math

import numpy as np

from course_lib import inspect as model_inspect
from course_lib.checks.metrics import CM_PETS, THRESHOLDS
from course_lib.checks.report import _call, _fail, _get, _pass
from course_lib.quiet import quiet
from course_grader.measures import metrics_from_confusion
from course_grader.references import (_run_tflite, candidate_models, dog_scores,
                                      splits, val_confusion)

# The checks test cells may call (course_lib.grading exports them).
__all__ = ["metrics_accuracy_exactly", "metrics_precision_exactly", "metrics_recall_exactly",
           "metrics_edge_cases", "threshold_choice_exactly", "threshold_general",
           "budget_decisions_exactly", "budget_general"]

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
    index = ("accuracy", "precision", "recall").index(which)
    hints = {
        "accuracy": "accuracy = correct predictions (the diagonal) / all predictions",
        "precision": "precision of class c = cm[c, c] / (column c summed: everything predicted as c)",
        "recall": "recall of class c = cm[c, c] / (row c summed: every image that is c)",
    }
    for cm_name, cm in matrices:
        got = _metric_results(label, ns, cm)[index]
        want = getattr(metrics_from_confusion(cm), which)
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


def metrics_accuracy_exactly(label, ns):
    """Accuracy equals the grader's own on CM_PETS and on the validation matrix."""
    __tracebackhide__ = True
    _metric_check(label, ns, "accuracy", [("CM_PETS", CM_PETS), ("the validation matrix", val_confusion())])


def metrics_precision_exactly(label, ns):
    """Precision equals the grader's own on CM_PETS and on the validation matrix."""
    __tracebackhide__ = True
    _metric_check(label, ns, "precision", [("CM_PETS", CM_PETS), ("the validation matrix", val_confusion())])


def metrics_recall_exactly(label, ns):
    """Recall equals the grader's own on CM_PETS and on the validation matrix."""
    __tracebackhide__ = True
    _metric_check(label, ns, "recall", [("CM_PETS", CM_PETS), ("the validation matrix", val_confusion())])


def metrics_edge_cases(label, ns):
    """A class that is never predicted and one that never occurs: 0, not nan, no warning."""
    __tracebackhide__ = True
    for which in ("accuracy", "precision", "recall"):
        _metric_check(label, ns, which, [("a matrix with empty rows and columns", _EDGE_CM)])
    _pass(label, "empty rows and columns give 0, not nan.")


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


def _as_threshold(label, value, what):
    __tracebackhide__ = True
    try:
        value = float(value)
    except (TypeError, ValueError):
        _fail(label, f"{what} is {value!r}; expected a number between 0 and 1.")
    if not 0 <= value <= 1:
        _fail(label, f"{what} is {value}; expected a number between 0 and 1.")
    return value


def threshold_choice_exactly(label, ns, target=0.95):
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


def budget_decisions_exactly(label, ns):
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
