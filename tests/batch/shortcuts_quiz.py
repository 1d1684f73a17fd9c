"""Shortcuts at the graded quiz (05_quiz) a student could take with only the student
edition, for tests/batch/test_batch_shortcuts.py.

Each entry: (student name, assignment, {answer cell grade_id: source}, the test cells it
aims at, words the grader's output or reason must contain). Every shortcut replaces the
answer cell of the instructor's solution. On the cells it aims at it must score no more
than an unanswered notebook: nothing in the student edition knows a graded answer, and
the graded quiz's numbers are the submitter's own.
"""
import json

from course_grader import quiz as grader
from course_lib.quiz import graded

QUIZ = "05_quiz"
ALL = list(graded.IDS)
NUMBERS = [qid for qid in graded.IDS if graded.kind(qid) == "number"]
NEIGHBOUR = "solution"  # an honest student of the same batch

# The practice quiz's checker answers the practice questions, which share the ids q01..q20:
# its letters are no answer to a graded question that asks for a number (and fit a graded
# option question only by chance, so only the numeric ones are aimed at).
PRACTICE_CHECKER = """\
from course_lib import quiz

ANSWERS = {q.id: next(l for l in q.letters if quiz.is_correct(q.id, l)) for q in quiz.QUESTIONS}
"""

# The visible check is the only checker the exercise has: it passes any answer of the
# right form, so brute-forcing it finds the first candidate tried, not the right one.
VISIBLE_CHECK_SEARCH = """\
import contextlib, io

ANSWERS = {qid: None for qid in QUIZ}
for qid in QUIZ:
    for guess in (0, 1, 2, 0.5, "A", "B", "C", "D", "E"):
        ANSWERS[qid] = guess
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                grading.quiz_answered(qid, globals())
            break
        except AssertionError:
            continue
"""
_GUESS = 0  # what the search settles on for every numeric question
assert not any(grader.is_right("quiz_visible_check_search", q, _GUESS) for q in NUMBERS), \
    "the search's guess happens to be right for this student: pick another name"

# The instructor's solution notebook and the grader-only package sit next to course_lib in
# the instructor's course; the student edition has neither, and the grader's sandbox shows
# the kernel course_lib alone.
READS_COURSE_FILES = """\
import json, sys
from pathlib import Path

import course_lib

ANSWERS = {qid: None for qid in QUIZ}
root = Path(course_lib.__file__).resolve().parents[1]
try:
    notebook = json.loads((root / "solutions" / "05_quiz" / "05_quiz.ipynb").read_text())
    cell = next(c for c in notebook["cells"]
                if c["metadata"].get("nbgrader", {}).get("grade_id") == "answers")
    exec("".join(cell["source"]))
except (OSError, StopIteration) as error:
    print("no solution notebook:", error)
try:
    sys.path.insert(0, str(root))
    from course_grader import quiz as key
    ANSWERS = key.answers(ME)
except ImportError as error:
    print("no grader package:", error)
"""


def _copied_notebook():
    """The neighbour's answer cell as they ran it: their id and their answers."""
    return f"STUDENT_ID = {NEIGHBOUR!r}\nANSWERS = {json.dumps(grader.answers(NEIGHBOUR))}\n"


SHORTCUTS = [
    ("quiz_practice_checker", QUIZ, {"answers": PRACTICE_CHECKER}, NUMBERS, "must be a number"),
    ("quiz_visible_check_search", QUIZ, {"answers": VISIBLE_CHECK_SEARCH}, NUMBERS,
     "is not the right answer"),
    ("quiz_copied_neighbour", QUIZ, {"answers": _copied_notebook()}, ALL,
     "another student's questions"),
    ("quiz_reads_course_files", QUIZ, {"answers": READS_COURSE_FILES}, ALL, "not answered"),
]
