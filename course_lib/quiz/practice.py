"""Checking and scoring the practice quiz: a question scores when its FIRST checked
answer is right; retries get feedback (so the student still learns) but never change
the score."""
import dataclasses

from course_lib.errors import CourseInputError
from course_lib.quiz.bank import QUESTIONS, question
from course_lib.quiz.sealed import is_correct, reveal

@dataclasses.dataclass(frozen=True)
class Feedback:
    question_id: str
    answer: str
    correct: bool
    explanation: str      # the explanation if correct, else why the chosen option is wrong
    hint: str             # "" when correct
    first_attempt: bool   # only a first attempt counts in the score

    @property
    def text(self):
        if self.correct:
            text = f"Correct. {self.explanation}"
        else:
            text = f"Not quite. {self.explanation} Hint: {self.hint}"
        if not self.first_attempt:
            text += " (Retry: the score keeps your first answer.)"
        return text

    def __str__(self):
        return self.text


@dataclasses.dataclass(frozen=True)
class Score:
    correct: int    # questions whose first answer was right
    answered: int   # questions answered at least once
    total: int

    def __str__(self):
        return f"Score: {self.correct} / {self.total}"


class Quiz:
    """One student's attempt at the quiz (or at a subset of its questions)."""

    def __init__(self, question_ids=None):
        self.questions = (tuple(QUESTIONS) if question_ids is None
                          else tuple(question(i) for i in question_ids))
        self._ids = {q.id for q in self.questions}
        self._attempts = {}   # id -> [letter, ...] in the order they were checked

    def _question(self, question_id):
        q = question(question_id)
        if q.id not in self._ids:
            raise CourseInputError(f"{q.id} is not part of this quiz.")
        return q

    def check(self, question_id, answer):
        """Check one answer, record it and return the Feedback."""
        q = self._question(question_id)
        letter = q.normalize(answer)
        attempts = self._attempts.setdefault(q.id, [])
        attempts.append(letter)
        return self._feedback(q, letter, first_attempt=len(attempts) == 1)

    def _feedback(self, q, letter, first_attempt):
        correct = is_correct(q.id, letter)
        return Feedback(q.id, letter, correct, reveal(q.id, letter),
                        "" if correct else q.hint, first_attempt=first_attempt)

    def attempts(self, question_id):
        return tuple(self._attempts.get(self._question(question_id).id, ()))

    def last_feedback(self, question_id):
        """The Feedback of the last answer checked on this question, or None."""
        tries = self.attempts(question_id)
        if not tries:
            return None
        return self._feedback(question(question_id), tries[-1], first_attempt=len(tries) == 1)

    def answers(self):
        """{question id: [letters in the order they were checked]}, for saving."""
        return {qid: list(tries) for qid, tries in self._attempts.items()}

    def restore(self, answers):
        """Replace the recorded answers by ``answers`` (as :meth:`answers` gives them).
        Anything that is not an answer to this quiz raises CourseInputError and changes
        nothing."""
        if not isinstance(answers, dict):
            raise CourseInputError(f"answers must be a dict; got {type(answers).__name__}.")
        restored = {}
        for qid, tries in answers.items():
            q = self._question(qid)
            if not isinstance(tries, list) or not tries:
                raise CourseInputError(f"{q.id}: expected a non-empty list of letters; got {tries!r}.")
            restored[q.id] = [q.normalize(letter) for letter in tries]
        self._attempts = restored

    def score(self):
        first_right = sum(is_correct(qid, tries[0]) for qid, tries in self._attempts.items())
        return Score(first_right, len(self._attempts), len(self.questions))

    def report(self):
        """One line per question: what happened to it so far."""
        rows = []
        for q in self.questions:
            tries = self._attempts.get(q.id, [])
            if not tries:
                status = "not answered"
            elif is_correct(q.id, tries[0]):
                status = "right first time"
            elif any(is_correct(q.id, t) for t in tries):
                solved_at = next(i for i, t in enumerate(tries, 1) if is_correct(q.id, t))
                status = f"right at try {solved_at} (review it)"
            else:
                status = "not solved yet (review it)"
            rows.append(f"{q.id}  {q.lesson:<18} {q.level:<7} {status}")
        return "\n".join(rows + [str(self.score())])

    def reset(self):
        self._attempts.clear()


_default_quiz = Quiz()


def check(question_id, answer):
    """Check an answer on the module-level quiz; returns a Feedback."""
    return _default_quiz.check(question_id, answer)


def score():
    """The module-level quiz's Score."""
    return _default_quiz.score()


def reset():
    _default_quiz.reset()
