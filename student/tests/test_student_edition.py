"""This copy of the course works: every lesson runs, every exercise's visible tests run and
fail while it is unanswered, and no grader-only code came with it."""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
KERNEL = "mobile-course"
LESSONS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
EXERCISES = sorted(p.name for p in (ROOT / "exercises").iterdir() if p.is_dir())


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_runs_cleanly(name):
    path = ROOT / "notebooks" / f"{name}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, kernel_name=KERNEL, timeout=600,  # per cell: a hang guard, not a speed test
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    problems = [f"cell {i}: {o.ename}: {o.evalue}" for i, cell in enumerate(notebook.cells)
                for o in cell.get("outputs", []) if o.output_type == "error"]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", EXERCISES)
def test_unanswered_exercise_fails_its_visible_tests(name):
    from course_lib import selfcheck

    report = selfcheck.run_fresh(ROOT / "exercises" / name / f"{name}.ipynb")
    visible = [v for v in report.verdicts if v.score is not None]
    assert visible, f"{name} has no visible test"
    passed = [v.grade_id for v in visible if v.score > 0]
    assert not passed, f"unanswered, yet these visible tests pass: {passed}"
    for verdict in visible:  # each says what to do, not a traceback
        assert any(line.startswith("FAIL") for line in verdict.lines), verdict


def test_no_grader_code_came_with_the_course():
    from course_lib import grading

    assert not grading.GRADER_AVAILABLE
    assert not (ROOT / "course_grader").exists()
    assert not (ROOT / "solutions").exists()
    assert not (ROOT / "course_lib" / "grade").exists()
