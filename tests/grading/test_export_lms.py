"""`nbgrader export` with the course's LMS plug-ins (Canvas, Moodle), on a real gradebook:
the file each LMS imports, compared with one written by hand."""
import shutil

import pytest
from nbgrader.api import Gradebook

from course import ROOT, run_nbgrader

CANVAS = "--exporter=course_lib.grade.export_canvas.CanvasExportPlugin"
MOODLE = "--exporter=course_lib.grade.export_moodle.MoodleExportPlugin"

# Canvas's gradebook-import format: the student columns, one column per assignment, a
# "Points Possible" row. A missing submission is an empty cell (ungraded), never 0.
EXPECTED_CANVAS = """\
Student,ID,SIS User ID,SIS Login ID,Section,01_metrics,06_shipping
Points Possible,,,,,10,8
zed,,,zed,,,4
"Babbage, Charles",,,cb,,0,
"Lovelace, Ada",,,ada,,7.5,8
"Noether, Emmy",,,en,,,
"""

# Moodle's grade import: one header row (no maximum-points row: Moodle would read it as a
# student), a column to map users from, "-" for no grade.
EXPECTED_MOODLE = """\
First name,Last name,Username,Email address,01_metrics,06_shipping
,,zed,,-,4
Charles,Babbage,cb,,0,-
Ada,Lovelace,ada,ada@example.org,7.5,8
Emmy,Noether,en,,-,-
"""


def _course(tmp_path):
    """A course folder whose sqlite gradebook holds two assignments (one notebook, one
    10- and one 8-point cell), four students and four graded submissions."""
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for name, points in (("01_metrics", 10), ("06_shipping", 8)):
            gb.add_assignment(name)
            gb.add_notebook(name, name)
            gb.add_grade_cell("q1", name, name, max_score=points, cell_type="code")
        gb.add_student("ada", first_name="Ada", last_name="Lovelace", email="ada@example.org")
        gb.add_student("cb", first_name="Charles", last_name="Babbage")
        gb.add_student("en", first_name="Emmy", last_name="Noether")  # submitted nothing
        gb.add_student("zed")  # no name on the roster
        for assignment, student, score, penalty in (("01_metrics", "ada", 7.5, 0), ("06_shipping", "ada", 8, 0),
                                                     ("01_metrics", "cb", 0, 0), ("06_shipping", "zed", 5, 1)):
            gb.add_submission(assignment, student)
            gb.find_grade("q1", assignment, assignment, student).auto_score = score
            gb.find_submission_notebook(assignment, assignment, student).late_submission_penalty = penalty
        gb.db.commit()
    return course


@pytest.mark.parametrize("exporter, plugin, expected", [
    (CANVAS, "CanvasExportPlugin", EXPECTED_CANVAS), (MOODLE, "MoodleExportPlugin", EXPECTED_MOODLE)],
    ids=["canvas", "moodle"])
def test_the_file_matches_the_hand_written_one(tmp_path, exporter, plugin, expected):
    course = _course(tmp_path)
    log, _ = run_nbgrader(course, "export", exporter, "--to", "lms.csv")
    assert f"Using exporter: {plugin}" in log, log
    assert (course / "lms.csv").read_text(encoding="utf-8") == expected


@pytest.mark.parametrize("exporter, options, expected", [
    (CANVAS, ["--assignment=[\"06_shipping\"]", "--CanvasExportPlugin.id_column=SIS User ID"], [
        "Student,ID,SIS User ID,SIS Login ID,Section,06_shipping",
        "Points Possible,,,,,8",
        "zed,,zed,,,4",
        '"Babbage, Charles",,cb,,,',
        '"Lovelace, Ada",,ada,,,8',
        '"Noether, Emmy",,en,,,',
    ]),
    (MOODLE, ["--student=[\"zed\"]", "--MoodleExportPlugin.id_column=ID number"], [
        "First name,Last name,ID number,Email address,01_metrics,06_shipping",
        ",,zed,,-,4",
    ])], ids=["canvas-one-assignment-sis-user-id", "moodle-one-student-id-number"])
def test_the_selection_and_the_id_column(tmp_path, exporter, options, expected):
    course = _course(tmp_path)
    run_nbgrader(course, "export", exporter, "--to", "one.csv", *options)
    assert (course / "one.csv").read_text(encoding="utf-8").splitlines() == expected
