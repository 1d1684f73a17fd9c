"""What a check says when an answer is missing: "not answered yet" for an answer cell that
ran and still raises nbgrader's stub, "run the answer cell above first" only when it never
ran. The kernel's history of run cells (IPython's ``In``) tells the two apart; the last test
runs a real unanswered exercise in a real kernel, as the grader and the self-check do."""
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course_lib import selfcheck
from course_lib.checks import metrics, pipeline
from course_lib.checks.report import CheckFailed, _call, _get

ROOT = Path(__file__).resolve().parents[2]
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


def said(check, *args, **kwargs):
    """The one FAIL line a failing check prints."""
    with pytest.raises(CheckFailed) as failure:
        check(*args, **kwargs)
    return f"FAIL {failure.value}"


def exercise_history(assignment, grade_id):
    """IPython's ``In`` when the test cell ``grade_id`` of the released (unanswered)
    exercise runs after every cell above it: their sources, in order, then its own."""
    nb = nbformat.read(str(ROOT / "exercises" / assignment / f"{assignment}.ipynb"), as_version=4)
    sources = [""]  # In[0] is empty, as in IPython
    for cell in nb.cells:
        if cell.cell_type == "code":
            sources.append(cell.source)
            if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
                return sources
    raise AssertionError(f"no cell {grade_id} in {assignment}")


def test_an_answer_cell_that_ran_and_raised_the_stub_is_not_answered_yet():
    # 01_metrics q2: the cell defines choose_threshold, then calling it raises the stub,
    # so DOG_THRESHOLD is never set.
    ns = {"In": exercise_history("01_metrics", "q2_threshold")}
    line = said(_get, "q2", ns, "DOG_THRESHOLD")
    assert line.startswith("FAIL q2: not answered yet: `DOG_THRESHOLD` is not defined")
    assert "run the answer cell above first" not in line and "\n" not in line
    # the real check says the same
    assert said(metrics.threshold_choice, "q2", ns).startswith("FAIL q2: not answered yet")


def test_a_cell_that_never_names_the_variable_is_recognised_by_its_stub():
    # 02_pipeline_trace q3: the released answer cell is only the stub (SHAPES appears in
    # the solution only); 04_optimization q1: the stub comes before the line that uses
    # int8_tflite.
    ns = {"_ih": exercise_history("02_pipeline_trace", "q3_shapes")}
    assert said(pipeline.shapes_score, "q3", ns).startswith("FAIL q3: not answered yet: `SHAPES`")
    ns = {"In": exercise_history("04_optimization", "q1_int8_io")}
    assert said(_get, "q1", ns, "int8_tflite").startswith("FAIL q1: not answered yet")


def test_a_cell_that_never_ran_gets_the_usual_hint():
    setup_only = ["", "import numpy as np\nDOG = 5", 'grading.threshold_choice("q2", globals())']
    for ns in ({}, {"In": setup_only}, {"In": "not a list"}, {"In": [None, 3, "x = ("]}):
        assert said(_get, "q2", ns, "DOG_THRESHOLD") == (
            "FAIL q2: `DOG_THRESHOLD` is not defined: run the answer cell above first.")
    assert said(_get, "q3", {}, "variants", "run the cell that measures the variants") == (
        "FAIL q3: `variants` is not defined: run the cell that measures the variants.")


def test_answered_cell_that_failed_is_told_apart_from_an_unanswered_one():
    history = ["", "def f(x):\n    return x[10]\n\n\nDOG_THRESHOLD = f([1, 2])",
               'grading.threshold_choice("q2", globals())']
    line = said(_get, "q2", {"In": history}, "DOG_THRESHOLD")
    assert line.startswith("FAIL q2: `DOG_THRESHOLD` is not defined: the cell that defines it ran "
                           "but stopped with an error")
    # The newest run of the cell counts: answered after a first, unanswered run...
    assert "stopped with an error" in said(_get, "q2", {"In": ["", STUB + "\nDOG_THRESHOLD = 1"]
                                                        + history[1:]}, "DOG_THRESHOLD")
    # ... and a self-check call after the unanswered cell does not hide it.
    in_kernel = ["", STUB, 'from course_lib import selfcheck; selfcheck.check("q3")']
    assert said(_get, "q3", {"In": in_kernel}, "SHAPES").startswith("FAIL q3: not answered yet")


def test_a_function_that_raises_the_stub_is_not_answered_yet():
    def choose_threshold(scores, is_positive, min_precision):
        raise NotImplementedError()

    def own_error(scores, is_positive, min_precision):
        raise NotImplementedError("only binary detectors")

    args = (np.zeros(3), np.zeros(3, bool), 0.9)
    line = said(_call, "q2", choose_threshold, *args)
    assert line == ("FAIL q2: not answered yet: choose_threshold() still raises NotImplementedError: "
                    "write its code in place of `raise NotImplementedError()` and run its cell again.")
    line = said(_call, "q2", own_error, *args)
    assert line == "FAIL q2: own_error() raised NotImplementedError: only binary detectors"


def test_unanswered_exercise_in_a_real_kernel_says_not_answered_yet():
    """The released 01_metrics, unanswered, run in a fresh kernel by nbgrader's executor
    (nbclient), as ``nbgrader autograde`` and ``python -m course_lib.selfcheck`` run it."""
    report = selfcheck.run_fresh(ROOT / "exercises" / "01_metrics" / "01_metrics.ipynb")
    lines = {v.grade_id: v.lines for v in report.verdicts if v.score is not None}
    assert set(lines) == {"q1_accuracy", "q1_precision", "q1_recall", "q2_threshold", "q3_decisions"}
    for grade_id, cell_lines in lines.items():
        fail = [line for line in cell_lines if line.startswith("FAIL")]
        assert len(fail) == 1 and "not answered yet" in fail[0], (grade_id, cell_lines)
        assert "run the answer cell above first" not in fail[0]
    assert lines["q2_threshold"][0].startswith("FAIL q2: not answered yet: `DOG_THRESHOLD` is not defined")
    assert lines["q3_decisions"][0].startswith("FAIL q3: not answered yet: `decisions` is not defined")
    assert lines["q1_accuracy"][0].startswith("FAIL q1: not answered yet: metrics(")
