"""Shortcuts a student could take with only the student edition, graded by the batch grader.

Each shortcut (tests/batch/shortcuts_library.py: the library's helpers, a locked cell's
artifact, files under the course or the library; tests/batch/shortcuts_quiz.py: the graded
quiz) is a few lines written into one answer cell of the instructor's solution, so every
other answer is right. All of them, and an unanswered notebook per assignment, are graded
in ONE run of ``python -m course_lib.grade``. On the test cells a shortcut aims at, it
must score no more than the unanswered notebook, and the grader must say why.
"""
import csv
import os
import subprocess
import sys

import nbformat
import pytest

from course import make_course, results, solution_answers, student_notebook, submit
from shortcuts_library import SHORTCUTS as LIBRARY_SHORTCUTS
from shortcuts_quiz import SHORTCUTS as QUIZ_SHORTCUTS

from course_lib.grade.batch import REPORT

SHORTCUTS = LIBRARY_SHORTCUTS + QUIZ_SHORTCUTS
BLANK = "unanswered"
BATCH_TIMEOUT = 1800  # the whole command: a hang fails the test instead of blocking the suite


@pytest.fixture(scope="module")
def shortcut_batch(tmp_path_factory):
    """{"results": {assignment: {student: gradebook results}}, "rows": grading_report.csv rows by
    (assignment, student), "course", "output"}."""
    assignments = sorted({assignment for _, assignment, _, _, _ in SHORTCUTS})
    course = make_course(tmp_path_factory.mktemp("shortcuts") / "course", assignments)
    for assignment in assignments:
        submit(course, assignment, BLANK, student_notebook(course, assignment))
    for name, assignment, overrides, _, _ in SHORTCUTS:
        nb = student_notebook(course, assignment, solution_answers(assignment), overrides)
        submit(course, assignment, name, nb)
    env = dict(os.environ)
    env.pop("NBGRADER_DB_URL", None)  # the course's own sqlite gradebook
    done = subprocess.run([sys.executable, "-m", "course_lib.grade", "--course", str(course),
                           "--workers", "2"], capture_output=True, text=True, env=env,
                          timeout=BATCH_TIMEOUT)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    with open(course / REPORT, newline="", encoding="utf-8") as handle:
        rows = {(r["assignment"], r["student"]): r for r in csv.DictReader(handle)}
    return {"results": {a: results(course, a) for a in assignments}, "rows": rows,
            "course": course, "output": output}


def _cell_outputs(course, assignment, student, grade_ids):
    """The text of the outputs of the given test cells in the graded notebook."""
    nb = nbformat.read(course / "autograded" / student / assignment / f"{assignment}.ipynb",
                       as_version=4)
    texts = []
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") in grade_ids:
            for output in cell.get("outputs", []):
                texts.append(output.get("text", ""))
                texts.append(f"{output.get('ename', '')}: {output.get('evalue', '')}")
    return "\n".join(texts)


def test_there_are_shortcuts_for_every_graded_kind_of_work():
    """The battery covers the quiz and the library's conversions (it is not empty)."""
    assert QUIZ_SHORTCUTS and LIBRARY_SHORTCUTS
    assert len({name for name, *_ in SHORTCUTS}) == len(SHORTCUTS), "names must be unique"


@pytest.mark.parametrize("name, assignment, overrides, targets, reason",
                         SHORTCUTS, ids=[s[0] for s in SHORTCUTS])
def test_a_shortcut_earns_nothing_and_is_told_why(shortcut_batch, name, assignment, overrides,
                                                  targets, reason):
    row = shortcut_batch["rows"][(assignment, name)]
    assert row["status"] in ("graded", "failed"), row  # graded, not lost to the grader
    cells = shortcut_batch["results"][assignment][name]["cells"]
    blank = shortcut_batch["results"][assignment][BLANK]["cells"]
    unknown = set(targets) - set(cells)
    assert not unknown, f"no test cells {unknown} in {assignment}"
    earned = {g: cells[g] for g in targets}
    assert sum(earned.values()) <= sum(blank[g] for g in targets), earned
    said = _cell_outputs(shortcut_batch["course"], assignment, name, set(targets)) + row["reason"]
    assert reason.lower() in said.lower(), said[-2000:]
