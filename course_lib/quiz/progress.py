"""The practice quiz's progress file: a student's answers, kept between kernels.

One small JSON file per quiz, ``quiz_progress/<name>.json`` in the folder the notebook runs
in (next to the notebook). The quiz widget writes it after every checked answer and reads
it when the quiz is made again, so after a kernel restart or when the notebook is reopened
the score and the answered questions come back. Only the practice quiz uses it: nothing
that grades (nbgrader, the grader's checks, the graded quiz of exercise 05) reads it.
"""
import contextlib
import json
import os
import re
import tempfile
import time
from pathlib import Path

from course_lib.errors import CourseInputError

FOLDER = "quiz_progress"
FORMAT = "mobile-course/practice-quiz-progress/1"
_NAME = re.compile(r"[A-Za-z0-9_-]+")


class UnreadableProgress(Exception):
    """The progress file exists but is not this quiz's progress."""


class ProgressFile:
    """``quiz_progress/<name>.json``: read, written atomically, or kept aside when bad."""

    def __init__(self, name, folder=None):
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise CourseInputError(f"A quiz name is letters, digits, '_' and '-' (it names a "
                                   f"file); got {name!r}.")
        self.name = name
        # Resolved now: a later os.chdir in the notebook must not move the file.
        self.folder = Path(FOLDER if folder is None else folder).resolve()
        self.path = self.folder / f"{name}.json"
        self.shown_path = f"{FOLDER}/{name}.json" if folder is None else str(self.path)

    def read(self):
        """The saved answers, {question id: [letters]}; {} when there is no file yet.
        Raises UnreadableProgress when the file is not this quiz's progress."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as error:
            raise UnreadableProgress(f"it cannot be read: {error}") from error
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise UnreadableProgress(f"it is not valid JSON ({error.msg}, line {error.lineno})") from error
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise UnreadableProgress("it is not a practice-quiz progress file")
        if data.get("quiz") != self.name:
            raise UnreadableProgress(f"it holds the answers of quiz {data.get('quiz')!r}, "
                                     f"not of {self.name!r}")
        answers = data.get("answers")
        if not isinstance(answers, dict):
            raise UnreadableProgress("its 'answers' is not a mapping of question ids")
        return answers

    def write(self, answers):
        """Save ``answers`` ({question id: [letters]}). Atomic: a temporary file in the same
        folder, then a rename, so a crash or a full disk never leaves half a file."""
        self.folder.mkdir(parents=True, exist_ok=True)
        data = {"format": FORMAT, "quiz": self.name, "answers": answers}
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=f".{self.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, indent=1)
                f.write("\n")
                f.flush()
                os.fsync(f.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    def set_aside(self):
        """Rename a bad file to ``<name>.unreadable-<time>.json`` (never overwriting one) and
        return its new path: the student's data is kept, and the quiz can start afresh."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.folder / f"{self.name}.unreadable-{stamp}.json"
        n = 1
        while target.exists():
            n += 1
            target = self.folder / f"{self.name}.unreadable-{stamp}-{n}.json"
        self.path.rename(target)
        return target

    def remove(self):
        self.path.unlink(missing_ok=True)

    def restore(self, quiz):
        """Load the saved answers into ``quiz``. Returns "" when all went well (or there was
        nothing to load), else a message saying what was wrong and where the file went.
        Raises OSError when a bad file cannot be moved aside (then it must not be
        overwritten either)."""
        try:
            quiz.restore(self.read())
            return ""
        except (UnreadableProgress, CourseInputError) as error:
            reason = str(error).rstrip(".")
        kept = self.set_aside()
        return (f"Your saved answers in {self.shown_path} could not be used: {reason}. "
                f"That file is kept, unchanged, as {kept.name} in the same folder; this quiz "
                "starts with no answers.")
