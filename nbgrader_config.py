"""nbgrader settings for the course (read from the course folder by every nbgrader command).

solutions/<assignment>/  instructor sources (nbgrader's source folder)
exercises/<assignment>/  student versions, generated: never edit by hand (release folder)
submitted/, autograded/, feedback/  made by nbgrader while grading (not committed)
exchange/  nbgrader's exchange on this machine (release, fetch, submit, collect; not committed)

Run nbgrader from the course folder with the venv's bin folder on PATH
(`source .venv/bin/activate`): nbgrader runs the `alembic` executable of its
environment to open the gradebook.
"""
import importlib.util
import os
from pathlib import Path

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades
from traitlets import List

ROOT = Path(__file__).resolve().parent
c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.root = str(ROOT)
c.CourseDirectory.course_id = "mobile-cv-deployment"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
# sqlite by default; set NBGRADER_DB_URL (e.g. postgresql://...) for a shared gradebook.
c.CourseDirectory.db_url = os.environ.get("NBGRADER_DB_URL", f"sqlite:///{ROOT / 'gradebook.db'}")

# A course-local exchange for one machine. nbgrader wants its root writable by everyone,
# sticky like /tmp (mode 1777), and existing before the formgrader or the Assignment List
# looks at it: made here, on first use, since every nbgrader command loads this file.
EXCHANGE = ROOT / "exchange"
try:
    EXCHANGE.mkdir()
    EXCHANGE.chmod(0o1777)  # mkdir's mode is cut by the umask
except FileExistsError:
    pass
c.Exchange.root = str(EXCHANGE)

# A whole notebook grades in under 30 s here, its slowest cell (a conversion) in about
# 10 s; 120 s per cell leaves room for a heavily loaded machine (nbgrader's default: 30 s).
c.Execute.timeout = 120
c.Execute.kernel_name = "mobile-course"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
# IgnorePattern stays disabled: autograde then scores exactly as `nbgrader validate` and
# course_lib.selfcheck do. The checks keep library noise off stderr themselves.
c.IgnorePattern.enabled = False

# A test cell a student deleted is put back from the gradebook and run, instead of the
# submission being flagged "needs manual grade" for good. (nbgrader inserts it after the
# previous grade or answer cell, so in the sources every test cell follows one of those.)
c.OverwriteCells.add_missing_cells = True


class ClearHiddenTestsInFeedback(ClearHiddenTests):
    """nbgrader's ClearHiddenTests, accepting the option the feedback's HTML exporter gives
    every preprocessor (nbgrader's own does not declare it configurable: a warning)."""
    display_data_priority = List().tag(config=True)


# Returned feedback shows each test cell's PASS/FAIL lines but not the hidden tests' source.
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTestsInFeedback, CSSHTMLHeaderPreprocessor]
# ... and names each test cell in its table of contents by its first comment line. Found
# through the installed course_lib, not ROOT: a test course may hold only this file.
_course_lib = importlib.util.find_spec("course_lib")  # found, not imported
if _course_lib is not None:
    _templates = Path(_course_lib.origin).parent / "grade" / "templates"
    c.GenerateFeedback.HTMLExporter.template_file = str(_templates / "course_feedback.html.j2")
    # The formgrader's manual-grading page loads MathJax from this server, not from a CDN
    # (the course runs offline). The formgrader's exporter reads only this top-level section;
    # the feedback's own setting above is the more specific one, so it keeps its template.
    c.HTMLExporter.template_file = str(_templates / "course_formgrade.html.j2")
