"""The coordinator's side of grading, with nbgrader's own preprocessors and gradebook.

Only the coordinator touches the gradebook (sqlite has one writer):

- :meth:`Recorder.sanitize` runs the preprocessors ``nbgrader autograde`` runs before
  executing (ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells,
  CheckCellMetadata): deleted, duplicated, re-typed or edited grade cells are put back
  from the gradebook's master copies before anything is sent to a worker;
- :meth:`Recorder.save` runs the ones it runs after (SaveAutoGrades, AssignLatePenalties,
  CheckCellMetadata) on the notebook a worker returns, and writes it where nbgrader's
  formgrader expects it (``autograded/<student>/<assignment>/``);
- :meth:`Recorder.zero` scores a notebook that cannot be graded 0, as nbgrader does for
  a missing one;
- :meth:`Recorder.feedback` writes the feedback as ``nbgrader generate_feedback`` does
  (its template and preprocessors) and checks that no line of a hidden test made it into
  the returned HTML.

SaveAutoGrades sets only the automatic score: a manual score a grader entered in the
formgrader survives any number of regrades.
"""
import html
import os
import shutil
from pathlib import Path

import nbformat
import nbgrader
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import ClearOutputPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests,
                                    DeduplicateIds, GetGrades, OverwriteCells, OverwriteKernelspec,
                                    SaveAutoGrades)
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

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


class Recorder:
    def __init__(self, config):
        self.config = config
        self.api = NbGraderAPI(config=config)
        self.coursedir = self.api.coursedir
        self.db_url = self.coursedir.db_url
        self._exporter = None
        self._hidden = {}  # assignment -> its hidden-test lines

    def gradebook(self):
        return Gradebook(self.db_url, self.coursedir.course_id)

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

    def autograded_folder(self, student, assignment):
        return Path(self.coursedir.format_path(self.coursedir.autograded_directory, student,
                                               assignment))

    def _resources(self, student, assignment, notebook):
        return {"nbgrader": {"notebook": notebook, "assignment": assignment, "student": student,
                             "db_url": self.db_url},
                "metadata": {"path": str(self.autograded_folder(student, assignment))}}

    def _run(self, preprocessors, nb, resources):
        for cls in preprocessors:
            nb, resources = cls(config=self.config).preprocess(nb, resources)
        return nb, resources

    def sanitize(self, student, assignment, notebook, nb):
        """The notebook as nbgrader would execute it (raises on metadata nbgrader rejects)."""
        resources = self._resources(student, assignment, notebook)
        nb, _ = self._run([ClearOutputPreprocessor, DeduplicateIds, OverwriteKernelspec,
                           OverwriteCells, CheckCellMetadata], nb, resources)
        return nb

    def save(self, student, assignment, notebook, nb):
        """Scores of an executed notebook into the gradebook; the notebook into autograded/."""
        resources = self._resources(student, assignment, notebook)
        nb, _ = self._run([SaveAutoGrades, AssignLatePenalties, CheckCellMetadata], nb, resources)
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
            if any(line in page or html.escape(line) in page for line in secrets):
                return f"feedback {path.stem}.html withheld: it showed a hidden test"
            (folder / f"{path.stem}.html").write_text(page, encoding="utf-8")
        stamp = graded / "timestamp.txt"
        if stamp.exists():
            shutil.copy(stamp, folder / "timestamp.txt")
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
                        elif inside and len(line.strip()) >= 20:
                            lines.add(line.strip())
        return lines

