"""The practice quiz's ipywidgets UI."""
import html
import re

from course_lib.errors import CourseInputError
from course_lib.quiz import graded
from course_lib.quiz.bank import LESSONS
from course_lib.quiz.practice import Quiz
from course_lib.quiz.progress import ProgressFile

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
    quiz-feedback; quiz-score on the score line ("Score: 7 / 20"), quiz-saved on the line
    saying where the answers are saved, quiz-start-over on its button.

    ``name`` (e.g. "05_quiz") keeps the answers in ``quiz_progress/<name>.json`` next to
    the notebook (see :mod:`course_lib.quiz.progress`): a QuizWidget made with the same
    name, in a new kernel too, starts from them. Without a name, or while a notebook is
    being graded, nothing is read or written.
    """

    def __init__(self, quiz=None, name=None):
        import ipywidgets as widgets

        self._widgets = widgets
        self.quiz = quiz if quiz is not None else Quiz()
        self.score_line = widgets.HTML(str(self.quiz.score()))
        self.score_line.add_class("quiz-score")
        self.progress = widgets.HTML("")
        self.progress.add_class("quiz-progress")
        self.saved_line = widgets.HTML("")
        self.saved_line.add_class("quiz-saved")
        self.start_over_button = widgets.Button(description="Start over",
                                                tooltip="Erase your answers to this quiz",
                                                layout=widgets.Layout(width="auto"))
        self.start_over_button.add_class("quiz-start-over")
        self.start_over_button.on_click(self._on_start_over)
        self._confirming = False
        self._blocks = {}
        self.problem = ""       # what went wrong with the saved file, for the whole session
        self._save_error = ""   # the last save's failure, until a save works again
        # A grader's run of a notebook must neither see nor leave a student's practice.
        self.progress_file = (ProgressFile(name) if name is not None
                              and graded.grading_student_id() is None else None)
        if self.progress_file is not None:
            try:
                self.problem = self.progress_file.restore(self.quiz)
            except OSError as error:
                self.problem = (f"Your saved answers in {self.progress_file.shown_path} could "
                                f"not be used nor moved aside ({error}), so this quiz will not "
                                "save over them: your answers count in this kernel only.")
                self.progress_file = None
            if self.problem:
                print(self.problem)
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
        if self.quiz.attempts(q.id):  # answered in an earlier kernel: show where it stands
            options.value = self.quiz.attempts(q.id)[-1]
            feedback.value = _feedback_html(self.quiz.last_feedback(q.id))
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
        """The score line, the answered count, and where the answers are saved."""
        return self._widgets.VBox([self.score_line, self.progress, self.saved_line, self.start_over_button])

    def check(self, question_id, answer):
        """Answer in code instead of clicking: counts the same, and updates the widgets."""
        feedback = self.quiz.check(question_id, answer)
        if feedback.question_id in self._blocks:
            self._blocks[feedback.question_id].children[3].value = _feedback_html(feedback)
        self._save()
        self._update_score()
        return feedback

    def score(self):
        return self.quiz.score()

    def report(self):
        return self.quiz.report()

    def start_over(self):
        """Erase every answer, in this kernel and in the saved file."""
        self.quiz.reset()
        for block in self._blocks.values():
            block.children[1].value = None
            block.children[3].value = ""
        if self.progress_file is not None:
            try:
                self.progress_file.remove()
            except OSError as error:
                self._save_error = f"Could not erase {self.progress_file.shown_path}: {error}."
        self._update_score()

    def _on_start_over(self, _):
        # Two clicks, so that one stray click does not erase a whole quiz.
        if not self._confirming:
            self._confirming = True
            self.start_over_button.description = "Click again to erase all answers"
            self.start_over_button.button_style = "danger"
            return
        self.start_over()

    def _save(self):
        if self.progress_file is None:
            return
        try:
            self.progress_file.write(self.quiz.answers())
            self._save_error = ""
        except OSError as error:
            self._save_error = (f"Could not save your answers to {self.progress_file.shown_path} "
                                f"({error}); they count in this kernel only.")

    def _update_score(self):
        s = self.quiz.score()
        self.score_line.value = f"<b>{s}</b>"
        self.progress.value = (f"Answered {s.answered} of {s.total}. A question scores when its "
                               "first answer is right; retries show feedback but do not change "
                               "the score.")
        self._confirming = False
        self.start_over_button.description = "Start over"
        self.start_over_button.button_style = ""
        if self.progress_file is not None:
            saved = (f"Your answers are saved in <code>{html.escape(self.progress_file.shown_path)}"
                     "</code> next to this notebook: run the notebook again, after a restart or "
                     "when you reopen it, and they come back. Start over erases them.")
        else:
            saved = "Your answers count in this kernel only: they are not saved."
        problems = "".join(f'<span style="color:{_COLORS["Not quite."]}">{html.escape(text)}</span><br>'
                           for text in (self.problem, self._save_error) if text)
        self.saved_line.value = problems + saved
