"""The coordinator's side of grading, with nbgrader's own preprocessors and gradebook.

The steps are the ones ``nbgrader autograde`` runs, taken from the course config as
nbgrader takes them (``Autograde.sanitize_preprocessors`` and
``Autograde.autograde_preprocessors``, each step made with the course config and skipped
when its ``enabled`` is off). Execution itself happens on a worker, in a sandbox, instead
of nbgrader's ``Execute``; :meth:`Recorder.execute_options` says how the course
configured it. Only the coordinator touches the gradebook (sqlite has one writer):

- :meth:`Recorder.sanitize` runs the sanitize list (by default ClearOutput,
  DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata), then any step
  the autograde list has before Execute: deleted, duplicated, re-typed or edited grade
  cells are put back from the gradebook's master copies before anything is sent to a
  worker;
- :meth:`Recorder.save` runs the steps the autograde list has after Execute (by default
  IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
  AssignLatePenalties, CheckCellMetadata; the disabled ones are skipped) on the notebook a
  worker returns, and writes it where nbgrader's formgrader expects it
  (``autograded/<student>/<assignment>/``);
- :meth:`Recorder.zero` scores a notebook that cannot be graded 0, as nbgrader does for
  a missing one;
- :meth:`Recorder.feedback` writes the feedback as ``nbgrader generate_feedback`` does
  (its template and preprocessors) and withholds a page whose text shows a line of a
  hidden test.

SaveAutoGrades sets only the automatic score: a manual score a grader entered in the
formgrader survives any number of regrades.

A gradebook that cannot be opened (its database driver missing, its server unreachable)
raises :class:`GradebookUnavailable`, whose message names the URL, password hidden.
"""
import os
import re
import shutil
import stat
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import nbgrader
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.converters import Autograde
from nbgrader.preprocessors import ClearHiddenTests, Execute, GetGrades
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader
from traitlets.utils.importstring import import_item

HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def load_config(course):
    """The course's nbgrader configuration (``nbgrader_config.py`` in ``course``)."""
    course = Path(course).resolve()
    path = course / "nbgrader_config.py"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: run this in the course folder "
                                "(the one with nbgrader_config.py), or pass --course")
    config = PyFileConfigLoader(path.name, path=str(course)).load_config()
    config.CourseDirectory.root = config.CourseDirectory.get("root", str(course))
    return config


class GradebookUnavailable(Exception):
    """The gradebook's database cannot be opened: nothing was graded."""


def shown_url(url):
    """A database URL as it may be printed: its password, if any, as ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:  # not a URL SQLAlchemy reads: hide whatever sits between : and @
        return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", url)


def gradebook_problem(url, error):
    """What an instructor needs to read when the gradebook at ``url`` cannot be opened."""
    where = (" (from NBGRADER_DB_URL)" if os.environ.get("NBGRADER_DB_URL") == url
             else " (CourseDirectory.db_url in nbgrader_config.py)")
    head = f"cannot open the gradebook {shown_url(url)}{where}: "
    if isinstance(error, ImportError):
        if error.name == "psycopg":  # SQLAlchemy 2.1's driver for a bare postgresql:// URL
            return head + ("its database driver, the Python module psycopg, is not installed. "
                           "The course installs psycopg2 (requirements.txt): name it in the URL, "
                           "postgresql+psycopg2://user:password@host:port/database")
        return head + (f"its database driver, the Python module {error.name}, is not installed "
                       "(`pip install -r requirements.txt` installs psycopg2 for "
                       "postgresql+psycopg2:// URLs)")
    if isinstance(error, ArgumentError):
        return head + (f"not a database URL SQLAlchemy can use ({error}); expected e.g. "
                       "postgresql+psycopg2://user:password@host:port/database or sqlite:///path")
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        expected = f"a sqlite file this user can create or write at {parsed.database}"
    else:
        expected = (f"a {parsed.get_backend_name()} server at {parsed.host or 'localhost'}"
                    f"{':' + str(parsed.port) if parsed.port else ''} accepting user "
                    f"{parsed.username or '(none)'} into database {parsed.database}")
    reason = " ".join(str(getattr(error, "orig", None) or error).split())  # the driver's own words
    return head + f"expected {expected}; it answered: {reason[:300]}"


class _Text(HTMLParser):
    """The text of a page as a browser shows it: no tags, no style sheets or scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)  # entities come decoded
        self.parts, self._hidden = [], False

    def handle_starttag(self, tag, attrs):
        self._hidden = tag in ("style", "script")

    def handle_endtag(self, tag):
        self._hidden = False

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def _spaces(text):
    return " ".join(text.split())


def page_text(page):
    """An HTML page's text content, whitespace runs as one space."""
    parser = _Text()
    parser.feed(page)
    parser.close()
    return _spaces("".join(parser.parts))


def shown_hidden_line(page, lines):
    """The first of ``lines`` that the page shows, or None. Compared with the page's text,
    not its markup: syntax highlighting splits every line of code into spans."""
    text = page_text(page)
    return next((line for line in sorted(lines) if _spaces(line) in text), None)


def _imported(steps):
    # nbconvert takes each step as a class, an instance or a dotted name
    return [import_item(s) if isinstance(s, str) else s for s in steps]


def _is_execute(step):
    return issubclass(step if isinstance(step, type) else type(step), Execute)


SECRET = "submission_secret.txt"
SECRET_MAX_BYTES = 4096


def _copy_secret(source_folder, target_folder):
    """Carry the exchange's ``submission_secret.txt`` from one folder to the next, as nbgrader
    autograde and generate_feedback do: ``nbgrader release_feedback`` names each student's
    feedback by it, and fails without it. Only a small regular file is copied, never
    through a link (the submitted folder holds what a student handed in)."""
    target = Path(target_folder) / SECRET
    try:
        descriptor = os.open(Path(source_folder) / SECRET, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:  # none (a submission not collected from an exchange), or a link
        target.unlink(missing_ok=True)
        return
    with os.fdopen(descriptor, "rb") as source:
        info = os.fstat(source.fileno())
        if stat.S_ISREG(info.st_mode) and info.st_size <= SECRET_MAX_BYTES:
            target.write_bytes(source.read(SECRET_MAX_BYTES))
        else:
            target.unlink(missing_ok=True)


class Recorder:
    def __init__(self, config):
        self.config = config
        self.api = NbGraderAPI(config=config)
        self.coursedir = self.api.coursedir
        self.db_url = self.coursedir.db_url
        self._exporter = None
        self._hidden = {}  # assignment -> its hidden-test lines
        # nbgrader's own lists, as the course configured them
        autograde = Autograde(coursedir=self.coursedir, config=config)
        steps = _imported(autograde.autograde_preprocessors)
        at = next((i for i, step in enumerate(steps) if _is_execute(step)), None)
        if at is None:
            raise ValueError("Autograde.autograde_preprocessors in the course's nbgrader_config.py "
                             "has no Execute: the batch grader runs notebooks in place of "
                             "Execute (or a subclass of it), so the list needs one")
        # Steps configured before Execute run on the coordinator too, before the worker's turn.
        self._sanitize_steps = _imported(autograde.sanitize_preprocessors) + steps[:at]
        self._execute, self._after_execute = steps[at], steps[at + 1:]

    def gradebook(self):
        try:
            return Gradebook(self.db_url, self.coursedir.course_id)
        except (ImportError, SQLAlchemyError) as error:  # a driver or database problem, not a bug
            raise GradebookUnavailable(gradebook_problem(self.db_url, error)) from error

    def notebooks(self, assignment):
        """Names of the assignment's notebooks, from the gradebook."""
        with self.gradebook() as gb:
            try:
                return sorted(n.name for n in gb.find_assignment(assignment).notebooks)
            except MissingEntry:
                return None

    def begin(self, student, assignment, timestamp):
        """Create the student and the submission (with its timestamp) in the gradebook."""
        with self.gradebook() as gb:
            gb.update_or_create_student(student)
            if timestamp is None:
                gb.update_or_create_submission(assignment, student)
            else:
                gb.update_or_create_submission(assignment, student, timestamp=timestamp)
        folder = self.autograded_folder(student, assignment)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = folder / "timestamp.txt"
        if timestamp is None:
            stamp.unlink(missing_ok=True)
        else:
            stamp.write_text(timestamp.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
        submitted = Path(self.coursedir.format_path(self.coursedir.submitted_directory, student, assignment))
        _copy_secret(submitted, folder)

    def autograded_folder(self, student, assignment):
        return Path(self.coursedir.format_path(self.coursedir.autograded_directory, student,
                                               assignment))

    def _resources(self, student, assignment, notebook):
        return {"nbgrader": {"notebook": notebook, "assignment": assignment, "student": student,
                             "db_url": self.db_url},
                "metadata": {"name": notebook,
                             "path": str(self.autograded_folder(student, assignment))}}

    def _step(self, step):
        """A preprocessor as nbgrader's exporter makes it: a class gets the course config."""
        return step(config=self.config) if isinstance(step, type) else step

    def _run(self, steps, nb, resources):
        for step in steps:
            # Called, not .preprocess(): a step whose `enabled` is off is skipped, as in nbconvert.
            nb, resources = self._step(step)(nb, resources)
        return nb, resources

    def execute_options(self):
        """The course's settings of nbgrader's Execute that the worker applies (JSON-able)."""
        execute = self._step(self._execute)
        options = {name: getattr(execute, name) for name in (
            "timeout", "interrupt_on_timeout", "startup_timeout", "iopub_timeout",
            "raise_on_iopub_timeout", "allow_errors", "kernel_name")}
        return dict(options, enabled=bool(execute.enabled))

    def sanitize(self, student, assignment, notebook, nb):
        """The notebook as nbgrader would execute it (raises on metadata nbgrader rejects)."""
        resources = self._resources(student, assignment, notebook)
        nb, _ = self._run(self._sanitize_steps, nb, resources)
        return nb

    def save(self, student, assignment, notebook, nb):
        """Scores of an executed notebook into the gradebook; the notebook into autograded/."""
        resources = self._resources(student, assignment, notebook)
        nb, _ = self._run(self._after_execute, nb, resources)
        path = self.autograded_folder(student, assignment) / f"{notebook}.ipynb"
        tmp = path.with_suffix(".tmp")
        nbformat.write(nb, str(tmp))
        os.replace(tmp, path)

    def zero(self, student, assignment, notebook):
        """Score 0 for every grade of a notebook that cannot be graded (and no autograded copy)."""
        with self.gradebook() as gb:
            submission = gb.find_submission_notebook(notebook, assignment, student)
            for grade in submission.grades:
                grade.auto_score = 0
                grade.needs_manual_grade = grade.manual_score is not None
            gb.db.commit()
        (self.autograded_folder(student, assignment) / f"{notebook}.ipynb").unlink(missing_ok=True)

    def score(self, student, assignment):
        """(score, max score) of a submission, manual scores included."""
        with self.gradebook() as gb:
            submission = gb.find_submission(assignment, student)
            return float(submission.score), float(submission.max_score)

    def _feedback_exporter(self):
        """nbgrader's feedback exporter, made once (``nbgrader generate_feedback`` remakes it
        for every submission): its template, GetGrades, ClearHiddenTests, its CSS."""
        if self._exporter is None:
            formgrader = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
            config = Config(self.config)
            config.HTMLExporter.template_name = "feedback"
            config.HTMLExporter.extra_template_basedirs = [str(formgrader / "templates")]
            config.HTMLExporter.extra_template_paths = [
                str(formgrader / "static" / "node_modules" / "bootstrap" / "dist" / "css")]
            # The course's own feedback settings (its template), as generate_feedback reads them.
            config.HTMLExporter.merge(self.config.GenerateFeedback.HTMLExporter)
            exporter = HTMLExporter(config=config)
            # Whatever the course config says, hidden tests are cleared from returned feedback.
            for preprocessor in (GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor):
                exporter.register_preprocessor(preprocessor(config=config), enabled=True)
            self._exporter = exporter
        return self._exporter

    def feedback(self, student, assignment):
        """Write the HTML feedback of every graded notebook of a submission; a problem
        string if it failed or if a hidden test made it into the page."""
        graded = self.autograded_folder(student, assignment)
        folder = Path(self.coursedir.format_path(self.coursedir.feedback_directory, student,
                                                 assignment))
        folder.mkdir(parents=True, exist_ok=True)
        secrets = self.hidden_lines(assignment)
        for path in sorted(graded.glob("*.ipynb")):
            resources = self._resources(student, assignment, path.stem)
            resources["metadata"]["name"] = path.stem
            try:
                page, _ = self._feedback_exporter().from_notebook_node(
                    nbformat.read(str(path), as_version=4), resources)
            except Exception as error:  # noqa: BLE001
                return f"feedback for {path.stem} could not be generated: {error}"[:300]
            if shown_hidden_line(page, secrets):
                return f"feedback {path.stem}.html withheld: it showed a hidden test"
            (folder / f"{path.stem}.html").write_text(page, encoding="utf-8")
        stamp = graded / "timestamp.txt"
        if stamp.exists():
            shutil.copy(stamp, folder / "timestamp.txt")
        _copy_secret(graded, folder)
        return None

    def hidden_lines(self, assignment):
        """Lines of the assignment's hidden tests long enough to recognise (read once)."""
        if assignment in self._hidden:
            return self._hidden[assignment]
        lines = self._hidden[assignment] = set()
        with self.gradebook() as gb:
            for notebook in gb.find_assignment(assignment).notebooks:
                for cell in notebook.source_cells:
                    inside = False
                    for line in (cell.source or "").splitlines():
                        if HIDDEN_BEGIN in line:
                            inside = True
                        elif HIDDEN_END in line:
                            inside = False
                        elif inside and len(_spaces(line)) >= 20:
                            lines.add(_spaces(line))
        return lines

