"""A graded test cell earns points only if its check ran to completion and passed.

nbgrader scores a graded test cell by its outputs: full points unless one of them is an
error (or is written to stderr). A test cell that was never run has no outputs, so
nbgrader would give it full points. The runner reports a verdict for each test cell the
judge finished ("passed", "failed"); before the scores are saved, :func:`enforce` gives
every other test cell an error output that says why it earns nothing.
"""
import nbformat
from nbgrader import utils

PASSED = "passed"


def test_cells(nb):
    """The graded test cells of a notebook (graded, not an answer)."""
    return [c for c in nb.cells if utils.is_grade(c) and not utils.is_solution(c)]


def enforce(nb, verdicts, reason):
    """Make every test cell of ``nb`` without a "passed" verdict score 0; ``reason`` says
    why it did not run to completion (shown to the student and the instructor). Returns
    the grade ids that had no verdict."""
    unjudged = []
    for cell in test_cells(nb):
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        if verdicts.get(grade_id) == PASSED:
            continue
        if grade_id not in verdicts:
            unjudged.append(grade_id)
        if not any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            text = f"this test did not run to completion, so it earns no points: {reason}"
            cell.outputs = list(cell.get("outputs", [])) + [nbformat.v4.new_output(
                "error", ename="NotRun", evalue=text, traceback=[f"NotRun: {text}"])]
    return unjudged
