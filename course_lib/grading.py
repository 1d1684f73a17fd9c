"""The checks the exercises' test cells call: ``grading.<check>("q1", globals())``.

A check prints one line, ``PASS q1: ...`` or ``FAIL q1: <what is wrong>: <what to fix>``,
and raises :class:`CheckFailed` on failure, so nbgrader scores the cell 0.

- **Visible tests** call the student-side checks of :mod:`course_lib.checks`, one module
  per lesson: structure, types, shapes and the properties a task states. Nothing in them
  knows a right answer, so they ship in the student edition.
- **Hidden tests** call the grader-only checks of the ``course_grader`` package, one
  module per lesson, which hold the reference answers, the reference artifacts and the
  held-out data. It exists only in the instructor's course, next to ``course_lib``; the
  batch grader shows it to its judge process only, never to a student's kernel.

:data:`GRADER_AVAILABLE` says whether this is the instructor's course (or the judge).
"""
import importlib
from pathlib import Path

from course_lib.checks.report import CheckFailed

LESSONS = ("metrics", "pipeline", "conversion", "optimization", "quiz", "shipping")

# Only the package next to this course_lib counts: another course_grader on sys.path (an
# instructor's checkout, say) must not turn a student's copy into a grader.
GRADER_AVAILABLE = (Path(__file__).resolve().parent.parent / "course_grader" / "__init__.py").is_file()


def _export(package):
    for lesson in LESSONS:
        module = importlib.import_module(f"{package}.{lesson}")
        for name in module.__all__:
            globals()[name] = getattr(module, name)


_export("course_lib.checks")
if GRADER_AVAILABLE:
    _export("course_grader")

__all__ = ["CheckFailed", "GRADER_AVAILABLE"]
