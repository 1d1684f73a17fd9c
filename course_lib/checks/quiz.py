"""Visible checks of the 05_quiz exercise: each answer has the right form (one of the
question's letters, or a number). Whether it is right is a hidden test
(``course_grader.quiz``): nothing student-side knows the graded quiz's answers."""
import math
import numbers

from course_lib.checks.report import _fail, _get, _pass
from course_lib.quiz import graded

__all__ = ["quiz_answered"]


def _quiz_answer(label, ns):
    """The student's answer to graded question ``label``: a valid letter (upper case) or a
    finite number; else FAIL."""
    __tracebackhide__ = True
    answers = _get(label, ns, "ANSWERS", "run the answer cell (it defines ANSWERS)")
    if not isinstance(answers, dict):
        _fail(label, f"`ANSWERS` is a {type(answers).__name__}; expected the dict "
                     "{question id: answer}.")
    answer = answers.get(label)
    if graded.kind(label) == "number":
        if answer is None:
            _fail(label, f"not answered: set ANSWERS[{label!r}] to a number.")
        if isinstance(answer, bool) or not isinstance(answer, numbers.Real) or not math.isfinite(answer):
            _fail(label, f"ANSWERS[{label!r}] must be a number (like 0.25 or -3); got {answer!r}.")
        return float(answer)
    letters = graded.letters(label)
    if answer is None:
        _fail(label, f"not answered: set ANSWERS[{label!r}] to one of {', '.join(letters)}.")
    letter = answer.strip().upper() if isinstance(answer, str) else answer
    if letter not in letters:
        _fail(label, f"{label} has options {', '.join(letters)}; got {answer!r}.")
    return letter


def quiz_answered(label, ns):
    """ANSWERS[label] is a valid answer (correctness is a hidden test)."""
    __tracebackhide__ = True
    answer = _quiz_answer(label, ns)
    _pass(label, f"answered {answer!r}; whether it is right is graded when you submit.")
