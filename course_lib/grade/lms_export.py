"""What the course's LMS exports share: nbgrader's export plug-in interface, the
``--assignment``/``--student`` selection, and each score as the LMS should receive it."""
import csv

from nbgrader.api import MissingEntry
from nbgrader.plugins import ExportPlugin


def number(value):
    """7.0 -> "7", 7.25 -> "7.25": what a person would type into a gradebook."""
    return f"{float(value):.6g}"


class LmsExportPlugin(ExportPlugin):
    """One CSV row per student, one column per assignment; a subclass says how the LMS
    names its columns and marks a missing submission."""

    default_file = "grades.csv"
    missing = ""  # the cell of a student who submitted nothing: never 0

    def export(self, gradebook):
        dest = self.to or self.default_file
        assignments = [a for a in gradebook.assignments
                       if not self.assignment or a.name in map(str, self.assignment)]
        students = [s for s in gradebook.students
                    if not self.student or s.id in map(str, self.student)]
        self.log.info("Exporting %d students and %d assignments to %s (%s)",
                      len(students), len(assignments), dest, type(self).__name__)
        with open(dest, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerows(self.header(assignments))
            for student in students:
                writer.writerow([*self.identity(student),
                                 *(self.score(gradebook, a.name, student.id) for a in assignments)])

    def header(self, assignments):
        """The rows above the students'."""
        raise NotImplementedError

    def identity(self, student):
        """The cells that name a student, before the scores."""
        raise NotImplementedError

    def score(self, gradebook, assignment, student):
        """nbgrader's score less its late penalty, never below 0; ``missing`` if not submitted."""
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return self.missing
        penalty = submission.late_submission_penalty or 0.0
        return number(max(0.0, submission.score - penalty))
