"""The class-scale benchmark's class (course_lib.grade.class_benchmark): complete, partial
and blank submissions in turn, and a clear error for bad input. Its grading runs are a
benchmark, not a test: they print figures (see the README)."""
import subprocess
import sys

import nbformat

from course_lib.grade import benchmark, class_benchmark
from course import (ROOT, autograde, grade_id, make_course, solution_answers, student_notebook,
                    submit)

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


def test_the_benchmark_reads_each_cells_time_from_nbgrader(tmp_path):
    """The benchmark's slowest-cell figure: from the timing real nbgrader records, between
    zero and the whole command's time; the limit is the course's c.Execute.timeout."""
    quiz = "05_quiz"
    course = make_course(tmp_path / "course", [quiz])
    submit(course, quiz, "solution", student_notebook(course, quiz, solution_answers(quiz)))
    _, seconds, _ = autograde(course, quiz)
    slowest = benchmark.slowest_cells(course, [quiz, "01_metrics"])
    assert list(slowest) == [quiz]  # nothing of an assignment nobody submitted
    assert 0 < slowest[quiz] < seconds
    assert benchmark.cell_time_limit(course) == 120
