"""The practice quiz's ipywidgets UI."""
import html
import re

from course_lib.errors import CourseInputError
from course_lib.quiz.bank import LESSONS
from course_lib.quiz.practice import Quiz

_CSS = """<style>
.quiz-question { border-left: 3px solid #8aa4c8; padding: 4px 0 6px 10px; margin: 10px 0; }
.quiz-options .widget-radio-box label, .quiz-options .jupyter-widget-radio-box label {
  display: flex; align-items: flex-start; gap: 6px; height: auto !important;
  line-height: 1.4 !important; white-space: normal; margin: 3px 0; }   /* long options wrap */
.quiz-options .widget-radio-box input, .quiz-options .jupyter-widget-radio-box input {
  order: -1; flex: none; float: none; margin-top: 3px; }
.quiz-question pre { margin: 4px 0; }
</style>"""
_COLORS = {"Correct.": "#1b7f3b", "Not quite.": "#b45309"}


def _inline_html(text):
    """Escape text for HTML and turn `backticks` into <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def _feedback_html(feedback):
    head = "Correct." if feedback.correct else "Not quite."
    rest = feedback.text[len(head):]
    return (f'<span style="color:{_COLORS[head]}"><b>{head}</b></span>'
            f"{html.escape(rest)}")


class QuizWidget:
    """The interactive quiz: one block per question and a score line that updates.

    Each block: the question, RadioButtons with the options, a "Check" button and a
    feedback line starting with "Correct" or "Not quite". CSS classes for browser
    tests: quiz-question and quiz-<id> on the block, quiz-options, quiz-check,
    quiz-feedback; quiz-score on the score line ("Score: 7 / 20").
    """

    def __init__(self, quiz=None):
        import ipywidgets as widgets

        self._widgets = widgets
        self.quiz = quiz if quiz is not None else Quiz()
        self.score_line = widgets.HTML(str(self.quiz.score()))
        self.score_line.add_class("quiz-score")
        self.progress = widgets.HTML("")
        self.progress.add_class("quiz-progress")
        self._blocks = {}
        self._update_score()

    @property
    def questions(self):
        return self.quiz.questions

    def block(self, question_id):
        """The widget block of one question (built once, then reused)."""
        q = self.quiz._question(question_id)
        if q.id not in self._blocks:
            self._blocks[q.id] = self._build(q)
        return self._blocks[q.id]

    def _build(self, q):
        w = self._widgets
        code = f"<pre>{html.escape(q.code)}</pre>" if q.code else ""
        prompt = w.HTML(f"<b>{q.id.upper()}</b> <i>({q.level})</i> {_inline_html(q.prompt)}{code}",
                        layout=w.Layout(width="100%"))
        options = w.RadioButtons(options=[(f"{letter}. {text}", letter) for letter, text in q.options],
                                 value=None, layout=w.Layout(width="100%"))
        options.add_class("quiz-options")
        button = w.Button(description="Check", button_style="primary", tooltip="Check your answer")
        button.add_class("quiz-check")
        feedback = w.HTML("", layout=w.Layout(width="100%"))
        feedback.add_class("quiz-feedback")

        def on_check(_):
            if options.value is None:
                feedback.value = "Pick an option first, then press Check."
                return
            self.check(q.id, options.value)

        button.on_click(on_check)
        box = w.VBox([prompt, options, button, feedback])
        box.add_class("quiz-question")
        box.add_class(f"quiz-{q.id}")
        return box

    def show(self, lesson=None):
        """A box with the blocks of one lesson's questions (all questions if None)."""
        if lesson is not None and lesson not in LESSONS:
            raise CourseInputError(f"Unknown lesson {lesson!r}; expected one of {list(LESSONS)}.")
        chosen = [q for q in self.questions if lesson is None or q.lesson == lesson]
        return self._widgets.VBox([self._widgets.HTML(_CSS)] + [self.block(q.id) for q in chosen])

    def show_score(self):
        return self._widgets.VBox([self.score_line, self.progress])

    def check(self, question_id, answer):
        """Answer in code instead of clicking: counts the same, and updates the widgets."""
        feedback = self.quiz.check(question_id, answer)
        if feedback.question_id in self._blocks:
            self._blocks[feedback.question_id].children[3].value = _feedback_html(feedback)
        self._update_score()
        return feedback

    def score(self):
        return self.quiz.score()

    def report(self):
        return self.quiz.report()

    def _update_score(self):
        s = self.quiz.score()
        self.score_line.value = f"<b>{s}</b>"
        self.progress.value = (f"Answered {s.answered} of {s.total}. A question scores when its "
                               "first answer is right; retries show feedback but do not change "
                               "the score.")
