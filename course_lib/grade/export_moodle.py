"""Grades out to Moodle: an nbgrader export plug-in writing a CSV for Moodle's grade import.

    nbgrader export --exporter=course_lib.grade.export_moodle.MoodleExportPlugin --to moodle_grades.csv

Moodle's CSV import (Grades → Import → CSV file) reads one header row and one row per
student; on its preview page the instructor maps one column to a user field ("Map from"
``Username`` to "Map to" username, by default) and each assignment column to a grade item,
an existing one or a new one. There is no row of maximum points: a second header row would be
read as a student. nbgrader's student id goes in ``Username`` (on a class JupyterHub the user
name is usually the institution's login), or in ``ID number`` with
``MoodleExportPlugin.id_column``; the roster's e-mail, if nbgrader has one, is there to map
from instead.

A student with no submission for an assignment gets ``-``, Moodle's "no grade", never 0. A
score is nbgrader's, less its late penalty, never below 0.
"""
from traitlets import Enum

from course_lib.grade.lms_export import LmsExportPlugin


class MoodleExportPlugin(LmsExportPlugin):
    """Moodle's grade-import CSV: one row per student, one column per assignment."""

    default_file = "moodle_grades.csv"
    missing = "-"  # Moodle's own "no grade"; an empty cell is not one for every grade item
    id_column = Enum(["Username", "ID number"], default_value="Username",
                     help="the Moodle user field that holds nbgrader's student id").tag(config=True)

    def header(self, assignments):
        return [["First name", "Last name", self.id_column, "Email address",
                 *(a.name for a in assignments)]]

    def identity(self, student):
        return [student.first_name or "", student.last_name or "", student.id, student.email or ""]
