"""nbgrader settings for the course (read from the course folder by every nbgrader command).

solutions/<assignment>/  instructor sources (nbgrader's source folder)
exercises/<assignment>/  student versions, generated: never edit by hand (release folder)
submitted/, autograded/, feedback/  made by nbgrader while grading (not committed)
"""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent
c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.root = str(ROOT)
c.CourseDirectory.course_id = "mobile-cv-deployment"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
# sqlite by default; set NBGRADER_DB_URL (e.g. postgresql://...) for a shared gradebook.
c.CourseDirectory.db_url = os.environ.get("NBGRADER_DB_URL", f"sqlite:///{ROOT / 'gradebook.db'}")

# Conversions take seconds: allow a cell 120 s (nbgrader's default is 30 s).
c.Execute.timeout = 120
c.Execute.kernel_name = "mobile-course"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
