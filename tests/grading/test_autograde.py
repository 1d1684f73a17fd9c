"""Every assignment, graded end to end by real nbgrader (see conftest.py)."""
import re

import pytest

from course import ASSIGNMENTS, autograded_notebook
from submissions import MAX_SCORE, WRONG

WRONG_CASES = [(a, student, expected) for a, rows in WRONG.items() for student, _, expected, _ in rows]
# nbgrader kills a cell after c.Execute.timeout seconds (nbgrader_config.py), and the killed
# cell scores 0, so test_solution_gets_full_marks also shows that no cell the solution needs hit the
# limit. How close its slowest cell comes is a speed figure, printed by the benchmark
# (`python -m course_lib.grade --benchmark`), not a timed test.
CELL_TIMEOUT_S = 120
MEMORY_LIMIT_BYTES = 1.5 * 1024 ** 3


def _show(graded, assignment, student):
    r = graded[assignment].results[student]
    return f"{student}: {r['score']}/{r['max_score']} cells {r['cells']}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_gets_full_marks(graded, assignment):
    r = graded[assignment].results["solution"]
    assert r["max_score"] == MAX_SCORE[assignment]
    assert r["score"] == r["max_score"], _show(graded, assignment, "solution")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_unanswered_notebook_gets_zero_cleanly(graded, assignment):
    g = graded[assignment]
    assert g.results["blank"]["score"] == 0, _show(graded, assignment, "blank")
    grader_errors = [line for line in g.log.splitlines() if re.search(r"\| (ERROR|CRITICAL)\]", line)]
    assert not grader_errors, "\n".join(grader_errors)
    nb = autograded_notebook(g.course, assignment, "blank")
    timeouts = [o for c in nb.cells for o in c.get("outputs", [])
                if o.get("output_type") == "error" and o.get("ename") in ("CellTimeoutError", "DeadKernelError")]
    assert not timeouts


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_submission_needs_manual_grading(graded, assignment):
    flagged = [s for s, r in graded[assignment].results.items() if r["needs_manual_grade"]]
    assert not flagged


@pytest.mark.parametrize("assignment,student,expected", WRONG_CASES)
def test_wrong_in_one_way_gets_exact_partial_score(graded, assignment, student, expected):
    r = graded[assignment].results[student]
    assert r["score"] == pytest.approx(expected, abs=1e-9), _show(graded, assignment, student)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_test_cell_prints_a_verdict(graded, assignment):
    """Friendly output: each test cell says PASS or FAIL (with a hint) on stdout."""
    g = graded[assignment]
    silent = []
    for student in g.results:
        for cell in autograded_notebook(g.course, assignment, student).cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell.cell_type != "code" or not meta.get("grade"):
                continue
            text = "".join(o.get("text", "") for o in cell.get("outputs", [])
                           if o.get("output_type") == "stream" and o.get("name") == "stdout")
            if not re.search(r"^(PASS|FAIL) q\d+", text, re.MULTILINE):
                silent.append(f"{student}/{meta['grade_id']}")
    assert not silent


def test_the_limit_is_the_configured_cell_timeout():
    from course import ROOT

    assert f"c.Execute.timeout = {CELL_TIMEOUT_S}" in (ROOT / "nbgrader_config.py").read_text()


def test_memory_stays_within_the_limit(graded):
    for assignment in ASSIGNMENTS:
        print(f"{assignment}: largest process {graded[assignment].max_rss_bytes / 1024 ** 2:.0f} MB")
    assert graded["max_rss_bytes"] <= MEMORY_LIMIT_BYTES


def test_nbgrader_validate_passes_on_a_noisy_solution(graded):
    """TF and LiteRT write to stderr in the checks; validate must still see every test pass."""
    result = graded["validate"]
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-3000:]
    assert "Success! Your notebook passes all the tests." in out, out[-3000:]
