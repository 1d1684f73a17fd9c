"""Grades out to Canvas: an nbgrader export plug-in writing Canvas's gradebook-import CSV.

    nbgrader export --exporter=course_lib.grade.export_canvas.CanvasExportPlugin --to canvas_grades.csv

Canvas reads a CSV whose first columns name the student (``Student``, ``ID``, ``SIS User
ID``, ``SIS Login ID``, ``Section``) followed by one column per assignment; a ``Points
Possible`` row under the header gives each assignment's maximum. A column whose name is not
yet an assignment of the Canvas course becomes a new one. Canvas matches students by one of
the identifying columns: nbgrader's student id goes in ``SIS Login ID`` by default (on a
class JupyterHub the user name is usually the institution's login), or in the column set by
``CanvasExportPlugin.id_column``.

A student with no submission for an assignment gets an empty cell, not 0: Canvas leaves an
empty cell ungraded, so a missing submission stays visibly missing instead of a zero an
instructor did not give. A score is nbgrader's, less its late penalty, never below 0.
"""
from traitlets import Enum

from course_lib.grade.lms_export import LmsExportPlugin, number

IDENTITY_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


class CanvasExportPlugin(LmsExportPlugin):
    """Canvas's gradebook-import CSV: one row per student, one column per assignment."""

    default_file = "canvas_grades.csv"
    id_column = Enum(["SIS Login ID", "SIS User ID", "ID"], default_value="SIS Login ID",
                     help="the Canvas column that holds nbgrader's student id").tag(config=True)

    def header(self, assignments):
        return [[*IDENTITY_COLUMNS, *(a.name for a in assignments)],
                ["Points Possible", *[""] * (len(IDENTITY_COLUMNS) - 1),
                 *(number(a.max_score) for a in assignments)]]

    def identity(self, student):
        cells = dict.fromkeys(IDENTITY_COLUMNS, "")
        # "Last, First" as Canvas writes names; the id when the roster has no name.
        cells["Student"] = ", ".join(p for p in (student.last_name, student.first_name) if p) or student.id
        cells[self.id_column] = student.id
        return cells.values()
