"""01_metrics: the visible checks (course_lib.checks.metrics) and their strict twins
(course_grader.metrics), called directly, no nbgrader.

The visible checks pass on the solution's answers and fail with a FAIL line that says what
is wrong; they know no right answer (no import of course_grader, no reference formula, no
answer in their source); what they cannot check without one is left to the twin.
"""
import ast
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from course import ROOT, solution_answers
from course_grader import measures, metrics as strict
from course_lib import data, evaluate, provided, runtime
from course_lib.checks import metrics as visible
from course_lib.checks.report import CheckFailed
from course_lib.quiet import quiet

VISIBLE_PATH = ROOT / "course_lib" / "checks" / "metrics.py"


def fails(check, *args):
    with pytest.raises(CheckFailed) as failure:
        check(*args)
    return str(failure.value)


def answer(grade_id, ns, **overrides):
    """Run a solution answer cell (or a replacement) in ``ns``; return ``ns``."""
    exec(overrides.get(grade_id, solution_answers("01_metrics")[grade_id]), ns)  # noqa: S102
    return ns


@pytest.fixture(scope="module")
def notebook():
    """The notebook's variables after every answer cell of the solution ran, with the
    inputs the locked cells provide (the course's provided models, the validation split)."""
    from course_lib.inspect import inspect_tflite

    splits = data.load_splits()
    x_val, y_val = splits.val.normalized(), splits.val.labels
    val_probs = provided.val_probabilities()
    dog = data.class_index("dog")
    ns = {"np": np, "runtime": runtime, "inspect_tflite": inspect_tflite,
          "CLASS_NAMES": list(data.CLASS_NAMES), "x_val": x_val, "y_val": y_val,
          "CM_PETS": visible.CM_PETS.copy(), "VAL_CM": evaluate.confusion_matrix(y_val, val_probs),
          "dog_scores": val_probs[:, dog], "is_dog": y_val == dog,
          "THRESHOLDS": np.round(np.linspace(0, 1, 101), 2),
          "candidates": {name: provided.tflite(name) for name in provided.VARIANTS},
          "BUDGET": dict(strict.BUDGET)}
    with quiet():
        for grade_id in ("q1_answer", "q2_answer", "q3_answer"):
            answer(grade_id, ns)
    return ns


# ------------------------------------------------------------------ the solution passes

def test_visible_checks_and_their_twins_pass_on_the_solution(notebook, capsys):
    for check in (visible.metrics_accuracy, visible.metrics_precision, visible.metrics_recall,
                  strict.metrics_accuracy_exactly, strict.metrics_precision_exactly,
                  strict.metrics_recall_exactly):
        check("q1", notebook)
    visible.threshold_choice("q2", notebook)
    strict.threshold_choice_exactly("q2", notebook)
    visible.budget_decisions("q3", notebook)
    strict.budget_decisions_exactly("q3", notebook)
    out = capsys.readouterr().out
    assert out.count("PASS q1") == 6 and out.count("PASS q2") == 2 and out.count("PASS q3") == 2
    assert "FAIL" not in out


def test_test_cells_run_the_visible_check_then_its_twin_as_a_hidden_test():
    import nbformat

    from course_lib import grading

    nb = nbformat.read(ROOT / "solutions" / "01_metrics" / "01_metrics.ipynb", as_version=4)
    for cell in nb.cells:
        if not cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
            continue
        calls = [line.split("(")[0].removeprefix("grading.") for line in cell.source.splitlines()
                 if line.startswith("grading.")]
        assert all(hasattr(grading, name) for name in calls), calls
        visible_calls = [c for c in calls if c in visible.__all__]
        if visible_calls:  # a visible test, and its strict twin after it, hidden
            shown, hidden = cell.source.split("### BEGIN HIDDEN TESTS")
            assert calls == [visible_calls[0], visible_calls[0] + "_exactly"]
            assert f"grading.{calls[0]}(" in shown and f"grading.{calls[1]}(" in hidden
    assert set(visible.__all__) <= {n.removesuffix("_exactly") for n in strict.__all__}


# ------------------------------------------------------------------ q1: metrics(cm)

_SWAPPED = """\
def metrics(cm):
    cm = np.asarray(cm, dtype=np.float64)
    correct = np.diag(cm)
    return float(correct.sum() / cm.sum()), correct / cm.sum(axis=1), correct / cm.sum(axis=0)
"""
_NAN_EDGES = """\
def metrics(cm):
    cm = np.asarray(cm, dtype=np.float64)
    correct = np.diag(cm)
    return float(correct.sum() / cm.sum()), correct / cm.sum(axis=0), correct / cm.sum(axis=1)
"""  # the swapped_pr and nan_edges submissions of submissions.py


def test_swapped_precision_and_recall_are_named_and_accuracy_still_passes(capsys):
    ns = answer("q1_answer", {"np": np}, q1_answer=_SWAPPED)
    visible.metrics_accuracy("q1", ns)
    message = fails(visible.metrics_precision, "q1", ns)
    assert "precision and recall are swapped" in message
    assert "the model CALLED c" in message
    assert "swapped" in fails(visible.metrics_recall, "q1", ns)
    assert capsys.readouterr().out.splitlines()[-1].startswith("FAIL q1: recall is not right")


def test_q1_mistakes_are_named():
    def solution(cm):
        cm = np.asarray(cm, dtype=np.float64)
        correct = np.diag(cm)
        return float(correct.sum() / cm.sum()), correct / cm.sum(axis=0), correct / cm.sum(axis=1)

    def macro_average(cm):
        _, precision, recall = solution(cm)
        return float(np.mean(recall)), precision, recall

    def notebook_variable(cm):
        return solution(visible.CM_PETS)

    def per_class_accuracy(cm):
        _, precision, recall = solution(cm)
        return recall, precision, recall

    def unwritten(cm):
        raise NotImplementedError()

    def wrong_division(cm):
        accuracy, precision, recall = solution(cm)
        return accuracy, precision, np.diag(cm) / np.asarray(cm).sum()

    message = fails(visible.metrics_accuracy, "q1", {"metrics": macro_average})
    assert "the average of your per-class recall" in message and "0.86" in message
    assert "use its argument `cm`" in fails(visible.metrics_precision, "q1", {"metrics": notebook_variable})
    assert "expected one number" in fails(visible.metrics_accuracy, "q1", {"metrics": per_class_accuracy})
    assert "not answered yet" in fails(visible.metrics_recall, "q1", {"metrics": unwritten})
    assert "expected a tuple of three" in fails(visible.metrics_recall, "q1",
                                                {"metrics": lambda cm: [1, 2, 3]})
    assert "`metrics` is not defined" in fails(visible.metrics_recall, "q1", {})
    message = fails(visible.metrics_recall, "q1", {"metrics": wrong_division})
    assert message.startswith("q1: recall is not right on CM_PETS or on one of the check's 5")
    assert "the images that ARE c" in message
    assert "nan" in fails(visible.metrics_precision, "q1",
                          {"metrics": lambda cm: (0.5, np.full(len(cm), np.nan), np.ones(len(cm)))})
    assert "between 0 and 1" in fails(visible.metrics_precision, "q1",
                                      {"metrics": lambda cm: (0.5, np.full(len(cm), 2.0), np.ones(len(cm)))})


def test_q1_visible_checks_accept_float32_lists_and_nan_on_empty_classes():
    """float32 arithmetic rounds like float64 (the digests' margin); lists are arrays; nan on
    an empty row or column is the hidden edge-case test's, not the visible checks'."""
    ns = answer("q1_answer", {"np": np, "CM_PETS": visible.CM_PETS, "VAL_CM": visible.CM_PETS,
                              "CLASS_NAMES": ["cat", "dog", "bird"]})

    def in_float32(cm):
        accuracy, precision, recall = ns["metrics"](np.asarray(cm, dtype=np.float32))
        return np.float32(accuracy), precision.astype(np.float32), recall.astype(np.float32)

    def as_lists(cm):
        accuracy, precision, recall = ns["metrics"](cm)
        return accuracy, precision.tolist(), recall.tolist()

    nan_edges = answer("q1_answer", {"np": np}, q1_answer=_NAN_EDGES)
    for metrics in (in_float32, as_lists, nan_edges["metrics"]):
        for check in (visible.metrics_accuracy, visible.metrics_precision, visible.metrics_recall):
            check("q1", {"metrics": metrics})
    with quiet():  # nan_edges divides by zero there
        assert "contains nan" in fails(strict.metrics_edge_cases, "q1", nan_edges)


def test_digests_hold_the_right_values_far_from_a_rounding_boundary():
    """The digests are the course's metrics on the matrices, rounded to 4 decimals; every
    value lies at least 2e-6 from a rounding boundary, so a float32 or differently ordered
    computation (errors of about 1e-7) rounds the same. And they are high-entropy: 6
    accuracies, 31 precisions and 31 recalls, none of them trivial."""
    results = [measures.metrics_from_confusion(cm) for _, cm in visible.MATRICES]
    values = {"accuracy": [r.accuracy for r in results],
              "precision": np.concatenate([r.precision for r in results]),
              "recall": np.concatenate([r.recall for r in results])}
    for metric, right in values.items():
        assert visible._digest(metric, right) == visible._DIGESTS[metric], metric
        scaled = np.asarray(right) * 1e4
        distance = np.abs(np.abs(scaled - np.floor(scaled)) - 0.5) * 1e-4
        assert distance.min() >= 2e-6, (metric, distance.min())
        for error in (-1e-6, 1e-6):
            assert visible._digest(metric, np.asarray(right) + error) == visible._DIGESTS[metric]
    assert (len(values["accuracy"]), len(values["precision"]), len(values["recall"])) == (6, 31, 31)
    assert all(0.5 < v < 1 for v in values["accuracy"])
    for _, cm in visible.MATRICES:  # no empty row or column, and precision differs from recall
        assert cm.sum(axis=0).all() and cm.sum(axis=1).all()
        r = measures.metrics_from_confusion(cm)
        assert not np.allclose(r.precision, r.recall)


# ------------------------------------------------------------------ q2: DOG_THRESHOLD

def test_q2_visible_check_scores_like_the_grader():
    """The visible check runs the provided float32 model itself: the very scores the grader
    uses, so its precision and the twin's agree."""
    from course_grader.references import dog_scores

    scores, is_dog = visible._validation_dog_scores()
    grader_scores, grader_is_dog = dog_scores()
    assert np.array_equal(scores, grader_scores) and np.array_equal(is_dog, grader_is_dog)


def test_q2_threshold_mistakes_are_named(capsys):
    assert "precision is below the 0.95 target" in fails(visible.threshold_choice, "q2",
                                                         {"DOG_THRESHOLD": 0.0})
    assert "A higher threshold raises fewer false alerts" in capsys.readouterr().out
    assert "not one of THRESHOLDS" in fails(visible.threshold_choice, "q2", {"DOG_THRESHOLD": 0.935})
    assert "returned nothing" in fails(visible.threshold_choice, "q2", {"DOG_THRESHOLD": None})
    assert "expected a number" in fails(visible.threshold_choice, "q2", {"DOG_THRESHOLD": True})
    assert "expected a number" in fails(visible.threshold_choice, "q2", {"DOG_THRESHOLD": "0.12"})
    assert "not one of THRESHOLDS" in fails(visible.threshold_choice, "q2", {"DOG_THRESHOLD": 1.5})
    assert "`DOG_THRESHOLD` is not defined" in fails(visible.threshold_choice, "q2", {})


def test_q2_best_recall_is_left_to_the_hidden_twin(notebook, capsys):
    """A threshold that meets the precision target with less recall than the best passes
    the visible check (which cannot know the best) and fails its twin."""
    scores, is_dog = visible._validation_dog_scores()
    best = notebook["DOG_THRESHOLD"]
    worse = next(t for t in visible.THRESHOLDS if t > best and np.mean(scores[is_dog] >= t) <
                 np.mean(scores[is_dog] >= best))
    ns = {"DOG_THRESHOLD": float(worse)}
    visible.threshold_choice("q2", ns)
    assert "checked at grading" in capsys.readouterr().out
    assert "the highest recall" in fails(strict.threshold_choice_exactly, "q2", ns)
    visible.threshold_choice("q2", {"DOG_THRESHOLD": np.float32(best)})  # float32 of a threshold


# ------------------------------------------------------------------ q3: decisions

def test_q3_decisions_structure_is_checked_and_rightness_left_to_the_twin(notebook):
    right = dict(notebook["decisions"])
    assert "`decisions` is a list" in fails(visible.budget_decisions, "q3", {"decisions": [True]})
    missing = {k: v for k, v in right.items() if k != "int8"}
    assert "no entry for int8" in fails(visible.budget_decisions, "q3", {"decisions": missing})
    assert "not candidate models: 'int9'" in fails(visible.budget_decisions, "q3",
                                                   {"decisions": {**right, "int9": True}})
    assert "int8: 'yes' (str): meets_budget returns True or False" in fails(
        visible.budget_decisions, "q3", {"decisions": {**right, "int8": "yes"}})
    visible.budget_decisions("q3", {"decisions": {k: np.bool_(v) for k, v in right.items()}})
    ignores_integer = {**right, "dynamic_range": True}  # submissions.py: ignores_integer
    visible.budget_decisions("q3", {"decisions": ignores_integer})
    assert "dynamic_range: True, expected False" in fails(strict.budget_decisions_exactly, "q3",
                                                           {"decisions": ignores_integer})


# ------------------------------------------------------------------ no answers inside

def _imported_modules(source):
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module or "")
    return names


def test_visible_module_holds_no_answer():
    source = VISIBLE_PATH.read_text()
    assert not any(m.split(".")[0] == "course_grader" for m in _imported_modules(source))
    assert "course_grader" not in source.replace("course_grader.metrics", "")  # only the docstring
    # No reference computation: the solution's key lines and the course's own functions.
    answers = solution_answers("01_metrics")
    key_lines = [line.strip() for grade_id in ("q1_answer", "q2_answer", "q3_answer")
                 for line in answers[grade_id].split("\n\n\n")[0].splitlines()
                 if "=" in line or line.strip().startswith("return")]
    assert len(key_lines) >= 15
    for line in key_lines:
        assert line not in source, line
    for forbidden in ("metrics_from_confusion", "threshold_sweep", "best_recall", "np.diag",
                      "trace(", "axis=0", "axis=1", "fully_integer", "max_size_bytes",
                      "min_accuracy", "reference_tflite", "val_confusion"):
        assert forbidden not in source, forbidden
    # No right value in the clear: the metrics on CM_PETS, the threshold, the decisions.
    for value in ("0.86", "0.9,", "0.8333", "0.8462", "0.88", "0.12", "400_000", "0.97"):
        assert value not in source, value


def test_visible_checks_run_where_course_grader_cannot_be_imported(notebook):
    """As in the student edition (and a student's kernel under the batch grader)."""
    script = textwrap.dedent(f"""
        import sys
        sys.modules["course_grader"] = None  # any import of it raises ImportError
        import numpy as np
        from course_lib.checks import metrics as visible

        def metrics(cm):
            cm = np.asarray(cm, dtype=np.float64)
            correct = np.diag(cm)
            return float(correct.sum() / cm.sum()), correct / cm.sum(axis=0), correct / cm.sum(axis=1)

        ns = {{"metrics": metrics, "DOG_THRESHOLD": {notebook["DOG_THRESHOLD"]!r},
               "decisions": {notebook["decisions"]!r}}}
        for check in (visible.metrics_accuracy, visible.metrics_precision, visible.metrics_recall):
            check("q1", ns)
        visible.threshold_choice("q2", ns)
        visible.budget_decisions("q3", ns)
        assert not any(name.startswith("course_grader.") for name in sys.modules)
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASS") == 5, result.stdout
    assert result.stderr == "", result.stderr  # nbgrader would zero a test cell that writes there
