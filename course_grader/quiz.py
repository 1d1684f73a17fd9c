"""05_quiz, grader-only checks: whether each answer is the right one."""
from course_lib.checks.quiz import _quiz_letter
from course_lib.checks.report import _fail, _pass

# The checks test cells may call (course_lib.grading exports them).
__all__ = ["quiz_correct"]


def quiz_correct(label, ns):
    """ANSWERS[label] is the right option (checked with course_lib.quiz, which stores
    only salted digests of the answers)."""
    __tracebackhide__ = True
    from course_lib import quiz

    letter = _quiz_letter(label, ns)
    if not quiz.is_correct(label, letter):
        _fail(label, f"{letter} is not the right answer. Hint: {quiz.question(label).hint}")
    _pass(label, f"{letter} is right.")
