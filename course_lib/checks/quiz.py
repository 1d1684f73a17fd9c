"""Visible checks of the 05_quiz exercise: each answer is one of its question's letters.
Whether it is the right one is a hidden test (``course_grader.quiz``)."""
from course_lib.checks.report import _fail, _get, _pass
from course_lib.errors import CourseInputError

__all__ = ["quiz_answered"]


def _quiz_letter(label, ns):
    """The student's answer to quiz question ``label`` as a valid letter, or FAIL."""
    __tracebackhide__ = True
    from course_lib import quiz

    answers = _get(label, ns, "ANSWERS", "run the answer cell (it defines ANSWERS)")
    if not isinstance(answers, dict):
        _fail(label, f"`ANSWERS` is a {type(answers).__name__}; expected the dict "
                     "{question id: letter}.")
    question = quiz.question(label)
    answer = answers.get(question.id)
    if answer is None:
        _fail(label, f"not answered: set ANSWERS[{question.id!r}] to one of "
                     f"{', '.join(question.letters)}.")
    try:
        return question.normalize(answer)
    except CourseInputError as error:
        _fail(label, str(error))


def quiz_answered(label, ns):
    """ANSWERS[label] is one of the question's letters (correctness is a hidden test)."""
    __tracebackhide__ = True
    letter = _quiz_letter(label, ns)
    _pass(label, f"answered {letter}; whether it is right is graded when you submit.")
