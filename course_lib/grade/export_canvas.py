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
import csv

from nbgrader.api import MissingEntry
from nbgrader.plugins import ExportPlugin
from traitlets import Enum

IDENTITY_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


def _number(value):
    """7.0 -> "7", 7.25 -> "7.25": what a person would type into the gradebook."""
    return f"{float(value):.6g}"


class CanvasExportPlugin(ExportPlugin):
    """Canvas's gradebook-import CSV: one row per student, one column per assignment."""

    id_column = Enum(["SIS Login ID", "SIS User ID", "ID"], default_value="SIS Login ID",
                     help="the Canvas column that holds nbgrader's student id").tag(config=True)

    def export(self, gradebook):
        dest = self.to or "canvas_grades.csv"
        assignments = [a for a in gradebook.assignments
                       if not self.assignment or a.name in map(str, self.assignment)]
        students = [s for s in gradebook.students
                    if not self.student or s.id in map(str, self.student)]
        self.log.info("Exporting %d students and %d assignments to %s (Canvas)",
                      len(students), len(assignments), dest)
        with open(dest, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow([*IDENTITY_COLUMNS, *(a.name for a in assignments)])
            writer.writerow(["Points Possible", "", "", "", "", *(_number(a.max_score) for a in assignments)])
            for student in students:
                identity = dict.fromkeys(IDENTITY_COLUMNS, "")
                identity["Student"] = self._name(student)
                identity[self.id_column] = student.id
                scores = [self._score(gradebook, a.name, student.id) for a in assignments]
                writer.writerow([*identity.values(), *scores])

    @staticmethod
    def _name(student):
        """"Last, First" as Canvas writes names; the id when the roster has no name."""
        parts = [p for p in (student.last_name, student.first_name) if p]
        return ", ".join(parts) or student.id

    @staticmethod
    def _score(gradebook, assignment, student):
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return ""  # not submitted: left ungraded in Canvas, not 0
        penalty = submission.late_submission_penalty or 0.0
        return _number(max(0.0, submission.score - penalty))
