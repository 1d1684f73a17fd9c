"""What the student versions of the exercises (exercises/, made by nbgrader generate_assignment)
say about themselves matches what the student sees in them: the how-to describes the stub
that nbgrader leaves in every answer cell, and a test cell that shows no code (its tests
are hidden) says that it runs at grading."""
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())


def stub():
    """nbgrader's code stub for Python, as the course configures it (nbgrader_config.py)."""
    text = (ROOT / "nbgrader_config.py").read_text(encoding="utf-8")
    return re.search(r'code_stub = \{"python": "(.*?)"\}', text).group(1).encode().decode("unicode_escape")


def student(assignment):
    return nbformat.read(str(ROOT / "exercises" / assignment / f"{assignment}.ipynb"), as_version=4)


def nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def has_code(source):
    return any(line.strip() and not line.strip().startswith("#") for line in source.splitlines())


def howto(nb):
    [cell] = [c for c in nb.cells if c.cell_type == "markdown" and "How this exercise is graded" in c.source]
    return " ".join(cell.source.split())  # one line: the text as rendered, wrapping aside


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_howto_describes_the_stub_in_the_answer_cells(assignment):
    nb = student(assignment)
    lines = stub().splitlines()
    assert lines == ["# YOUR CODE HERE", "raise NotImplementedError()"]
    answers = [c for c in nb.cells if c.cell_type == "code" and nbgrader(c).get("solution")]
    assert answers
    for cell in answers:  # each stub: one line of each, one under the other (indented alike)
        source = cell.source.splitlines()
        starts = [i for i, line in enumerate(source) if line.strip() == lines[0]]
        assert starts, nbgrader(cell)["grade_id"]
        for i in starts:
            indent = source[i][:len(source[i]) - len(source[i].lstrip())]
            assert source[i + 1] == indent + lines[1], nbgrader(cell)["grade_id"]
    text = howto(nb)
    assert "between the lines" not in text, "there is one `# YOUR CODE HERE` line, not two"
    assert "the two lines `# YOUR CODE HERE` and `raise NotImplementedError()`" in text
    assert "delete" in text


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_test_cells_without_visible_code_say_they_run_at_grading(assignment):
    nb = student(assignment)
    tests = [c for c in nb.cells if c.cell_type == "code" and nbgrader(c).get("grade")
             and not nbgrader(c).get("solution")]
    assert tests
    empty = [c for c in tests if not has_code(c.source)]
    for cell in empty:
        first = cell.source.strip().splitlines()[0]
        assert first.startswith("#") and "hidden test, runs at grading" in first, (
            nbgrader(cell)["grade_id"], first)
    if empty:  # and the how-to says what such a cell is
        text = howto(nb)
        assert "shows only a comment" in text and "hidden test, runs at grading" in text
        assert "is not empty" in text and "run when the notebook is graded" in text


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_student_howto_is_the_solutions(assignment):
    """The student version is generated from the solution (never edited by hand)."""
    source = nbformat.read(str(ROOT / "solutions" / assignment / f"{assignment}.ipynb"), as_version=4)
    assert howto(student(assignment)) == howto(source)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_test_cells_do_not_stop_run_all(assignment):
    """Every test cell carries the `raises-exception` tag, so a FAIL (an error) does not stop
    Run All in JupyterLab or nbclient: one run shows every verdict (nbgrader still scores the
    cell 0). Answer cells do not: a student's own error still stops the run where it is."""
    nb = student(assignment)
    code = [c for c in nb.cells if c.cell_type == "code"]
    is_test = [bool(nbgrader(c).get("grade") and not nbgrader(c).get("solution")) for c in code]
    assert any(is_test)
    for cell, test in zip(code, is_test):
        tagged = "raises-exception" in cell.metadata.get("tags", [])
        assert tagged == test, (nbgrader(cell).get("grade_id"), "test cell" if test else "other cell", tagged)
    text = howto(nb)
    assert "A failing test cell does not stop *Run All*" in text and "every verdict" in text
