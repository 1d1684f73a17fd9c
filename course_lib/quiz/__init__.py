"""Lesson 05: the course quiz, one module per kind of content.

- :mod:`~course_lib.quiz.bank`: the practice questions (plain text);
- :mod:`~course_lib.quiz.sealed`: their answers, as salted digests and sealed feedback;
- :mod:`~course_lib.quiz.practice`: checking and scoring (only first answers score);
- :mod:`~course_lib.quiz.widget`: the ipywidgets UI of the lessons' practice quiz;
- :mod:`~course_lib.quiz.progress`: the file a named practice quiz keeps its answers in
  (``quiz_progress/<name>.json`` next to the notebook), so they outlive the kernel;
- :mod:`~course_lib.quiz.graded`: the graded quiz of exercise 05, whose questions are
  made from the student's id. Nothing student-side knows or checks its answers: only
  the grader (``course_grader.quiz``) does.

Practice API (the lessons and unit tests use it; ids "q01".. are stable):
    QUESTIONS, question(qid), questions(lesson=None, level=None)
    is_correct(qid, letter) -> bool            stateless
    Quiz(): .check(qid, letter) -> Feedback, .score() -> Score, .report(), .reset(),
            .answers() / .restore(answers): what a progress file holds
    check(qid, letter), score(), reset()       the same, on one module-level Quiz
Widgets: QuizWidget(name="05_quiz").show(lesson) -> one block per question; .show_score();
.check() answers in code and updates the widgets as a click would; .start_over().
"""
from course_lib.quiz.bank import LESSONS, LEVELS, QUESTIONS, Question, question, questions
from course_lib.quiz.practice import Feedback, Quiz, Score, check, reset, score
from course_lib.quiz.sealed import _SEALED, is_correct, reveal, seal, sealed_source
from course_lib.quiz.widget import QuizWidget, _inline_html

__all__ = ["LESSONS", "LEVELS", "QUESTIONS", "Question", "question", "questions", "Feedback",
           "Quiz", "Score", "check", "reset", "score", "is_correct", "reveal", "seal",
           "sealed_source", "QuizWidget", "_SEALED", "_inline_html"]
