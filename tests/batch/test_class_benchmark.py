"""The class-scale benchmark's class (course_lib.grade.class_benchmark): complete, partial
and blank submissions in turn, and a clear error for bad input. Its grading runs are a
benchmark, not a test: they print figures (see the README)."""
import subprocess
import sys

import nbformat

from course_lib.grade import benchmark, class_benchmark
from course import ROOT, grade_id, solution_answers

ASSIGNMENT = "01_metrics"


def test_the_class_mixes_complete_partial_and_blank_submissions(tmp_path):
    folder = benchmark.make_batch(ROOT, tmp_path / "class", [ASSIGNMENT], 4, class_benchmark.KINDS)
    released = nbformat.read(folder / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    stubs = {grade_id(c): c.source for c in released.cells if grade_id(c) in solution_answers(ASSIGNMENT)}
    answers = solution_answers(ASSIGNMENT)

    def answered(student):
        nb = nbformat.read(folder / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
        cells = {grade_id(c): c.source for c in nb.cells if grade_id(c) in answers}
        assert all(cells[g] in (answers[g], stubs[g]) for g in answers)
        return [g for g in answers if cells[g] == answers[g]]

    first = next(iter(answers))
    assert answered("student01") == list(answers)    # complete
    assert answered("student02") == [first]          # partial: the first question only
    assert answered("student03") == []               # blank
    assert answered("student04") == list(answers)    # and round again


def test_bad_arguments_are_named():
    done = subprocess.run([sys.executable, "-m", "course_lib.grade.class_benchmark", "--students", "0"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "--students and --workers must be at least 1" in done.stderr
