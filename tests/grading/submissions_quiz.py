"""The 05_quiz submissions every grading run uses, and the score each must get.

The graded quiz's questions are made from the submitter's id, so the solution computes
its answers from the questions it is shown. Expected scores of answers copied from
another student are computed with the grader (``course_grader.quiz``): a copied answer
scores only where the two students' right answers happen to agree (a letter, when both
option orders put the right option under it; a number, when both draws give one value).
"""
from course import solution_answers

from course_grader import quiz as grader
from course_lib.quiz import graded

NEIGHBOUR = "solution"  # the student whose answers are copied


def _quiz(extra):
    return {"answers": solution_answers("05_quiz")["answers"] + "\n" + extra}


def _copied(student, typed_id):
    """The answer cell of a student who pasted NEIGHBOUR's answers (and, if ``typed_id``,
    NEIGHBOUR's STUDENT_ID too); its expected score."""
    answers = grader.answers(NEIGHBOUR)
    source = (f"STUDENT_ID = {typed_id!r}\n" if typed_id else "") + f"ANSWERS = {answers!r}\n"
    score = 0 if typed_id else sum(grader.is_right(student, qid, answers[qid]) for qid in graded.IDS)
    return {"answers": source}, score


_COPIED_ANSWERS, _CHANCE = _copied("copied_answers", None)
_COPIED_NOTEBOOK, _ = _copied("copied_notebook", NEIGHBOUR)

# [(student, {grade_id: replacement source}, expected score, why)]
WRONG_QUIZ = [
    ("one_wrong", _quiz('ANSWERS["q07"] = ANSWERS["q07"] + 0.01'),
     19, "q07 off by more than its tolerance: q07 fails"),
    ("one_unanswered", _quiz('ANSWERS["q12"] = None'), 19, "q12 left at None: q12 fails"),
    ("invalid_letter", _quiz('ANSWERS["q05"] = "E"'), 19, "not an option of q05: q05 fails"),
    ("letter_for_number", _quiz('ANSWERS["q08"] = "B"'), 19, "a letter where q08 asks a number"),
    ("lowercase", _quiz("ANSWERS = {k: v.lower() if isinstance(v, str) else v for k, v in ANSWERS.items()}"),
     20, "lower-case letters are accepted"),
    ("deleted_test_cell", {**_quiz(""), "q03": None},
     20, "a deleted test cell is restored from the gradebook and run (not left for manual grading)"),
    ("copied_answers", _COPIED_ANSWERS, _CHANCE,
     f"{NEIGHBOUR}'s answers pasted: right only where both students' answers agree "
     f"({_CHANCE} of 20, computed)"),
    ("copied_notebook", _COPIED_NOTEBOOK, 0,
     f"{NEIGHBOUR}'s answers with STUDENT_ID = {NEIGHBOUR!r}: made for another id -> 0"),
]
