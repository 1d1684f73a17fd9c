"""course_lib.selfcheck gives the autograder's verdicts on the visible tests, without a server."""
import subprocess
import sys

import nbformat
import pytest

from course import ROOT, solution_answers, student_notebook
from course_lib import selfcheck
from submissions import SELFCHECK_CASE, WRONG


def test_fresh_run_matches_the_autograder_on_visible_tests(graded):
    assignment, student = SELFCHECK_CASE
    report = graded["selfcheck"]
    autograded = graded[assignment].results[student]["cells"]
    visible = {v.grade_id: v.score for v in report.verdicts if v.score is not None}
    hidden = {v.grade_id for v in report.verdicts if v.score is None}
    assert visible and hidden
    assert visible == {g: autograded[g] for g in visible}
    assert not report.passed  # the wrong answer shows up before submitting
    failing = [v for v in report.verdicts if v.status == "FAIL"]
    assert [v.grade_id for v in failing] == ["q1_values"]
    assert any("contrast is not stretched" in line for line in failing[0].lines)


def _run_quiz_cells_in_process(nb):
    """Run the quiz notebook's code cells here, as a kernel would: its namespace."""
    ns = {"__name__": "__main__"}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and not meta.get("grade"):
            source = cell.source.replace("raise NotImplementedError()", "pass")
            exec(compile(source, "<cell>", "exec"), ns)
    return ns


def test_in_kernel_check_matches_the_autograder(graded, tmp_path, capsys, monkeypatch):
    """selfcheck.check() inside a notebook: same verdicts as nbgrader on the visible tests."""
    assignment, student = "05_quiz", "invalid_letter"
    monkeypatch.setenv("JUPYTERHUB_USER", student)  # whose graded quiz the notebook shows
    overrides = dict(next(o for s, o, _, _ in WRONG[assignment] if s == student))
    nb = student_notebook(ROOT, assignment, solution_answers(assignment), overrides)
    path = tmp_path / f"{assignment}.ipynb"
    nbformat.write(nb, str(path))
    report = selfcheck.run_here(path, ns=_run_quiz_cells_in_process(nb))
    autograded = graded[assignment].results[student]["cells"]
    assert {v.grade_id: v.score for v in report.verdicts} == autograded
    one = selfcheck.run_here(path, question="q05", ns=_run_quiz_cells_in_process(nb))
    assert [(v.grade_id, v.status) for v in one.verdicts] == [("q05", "FAIL")]
    assert "q05 has options A, B, C, D; got 'E'" in one.verdicts[0].lines[0]


def test_command_line_on_an_unanswered_exercise():
    path = ROOT / "exercises" / "05_quiz" / "05_quiz.ipynb"
    result = subprocess.run([sys.executable, "-m", "course_lib.selfcheck", str(path), "--question", "q03"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAIL   q03" in result.stdout
    assert "FAIL q03: not answered: set ANSWERS['q03']" in result.stdout
    assert "visible tests: 0/1 points" in result.stdout


def test_unknown_question_is_explained():
    path = ROOT / "exercises" / "05_quiz" / "05_quiz.ipynb"
    with pytest.raises(ValueError, match="its questions are q01"):
        selfcheck.run_here(path, question="q99", ns={})
