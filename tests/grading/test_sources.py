"""exercises/ is exactly what nbgrader generates from solutions/, and both are clean."""
import json
import re

import nbformat
import pytest

from course import ASSIGNMENTS, ROOT

KERNELSPEC = {"name": "mobile-course", "display_name": "Mobile deployment course (Python 3)",
              "language": "python"}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_exercises_match_a_fresh_generation_from_solutions(graded, assignment):
    generated = graded[assignment].course / "exercises" / assignment
    committed = ROOT / "exercises" / assignment
    files = lambda folder: sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())  # noqa: E731
    assert files(generated) == files(committed), "run: nbgrader generate_assignment --force " + assignment
    for name in files(generated):
        assert (generated / name).read_bytes() == (committed / name).read_bytes(), (
            f"exercises/{assignment}/{name} differs from what nbgrader generates from solutions/: "
            f"run `nbgrader generate_assignment {assignment} --force` (never edit exercises/ by hand)")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_folder_holds_only_the_notebook(assignment):
    """Anything else in solutions/<a>/ would be copied to the students' folder."""
    found = sorted(p.name for p in (ROOT / "solutions" / assignment).iterdir())
    assert found == [f"{assignment}.ipynb"]


@pytest.mark.parametrize("folder", ["solutions", "exercises"])
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_notebooks_carry_no_outputs_and_use_the_course_kernel(folder, assignment):
    raw = json.loads((ROOT / folder / assignment / f"{assignment}.ipynb").read_text())
    assert raw["metadata"]["kernelspec"] == KERNELSPEC
    dirty = [i for i, c in enumerate(raw["cells"])
             if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"strip outputs from {folder}/{assignment} (cells {dirty})"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_student_version_hides_solutions_and_hidden_tests(assignment):
    nb = nbformat.read(ROOT / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert "### BEGIN SOLUTION" not in text and "### BEGIN HIDDEN TESTS" not in text
    assert "raise NotImplementedError()" in text


def test_quiz_exercise_has_a_test_cell_per_graded_question():
    from course_lib.quiz import graded

    nb = nbformat.read(ROOT / "solutions" / "05_quiz" / "05_quiz.ipynb", as_version=4)
    tests = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
             if c.get("metadata", {}).get("nbgrader", {}).get("grade")]
    assert tests == list(graded.IDS)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_test_cells_call_course_lib_grading(assignment):
    """Test cells stay one call to course_lib.grading (the checks live in one place)."""
    nb = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade"):
            code = [ln for ln in cell.source.splitlines() if ln.strip() and not ln.startswith("#")]
            assert code and all(re.match(r"grading\.\w+\(", ln) for ln in code), meta["grade_id"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_test_cell_follows_an_answer_or_test_cell(assignment):
    """nbgrader puts a deleted test cell back after the previous grade or answer cell
    (OverwriteCells.add_missing_cells); with another locked cell there it crashes."""
    nb = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    tracked = [c.metadata["nbgrader"] for c in nb.cells if "nbgrader" in c.get("metadata", {})]
    for previous, meta in zip(tracked, tracked[1:]):
        if meta.get("grade"):
            assert previous.get("grade") or previous.get("solution"), (
                f"{meta['grade_id']} follows {previous['grade_id']}")
