"""Serial ``nbgrader autograde`` against ``python -m course_lib.grade``, on the same batch.

``python -m course_lib.grade --benchmark [ASSIGNMENT ...] [--workers N]`` builds a batch in a
temporary folder (the course's solutions, released with ``nbgrader generate_assignment``,
then ``--benchmark-students`` submissions per assignment with every answer filled in) and
grades copies of it, in the same run: with plain ``nbgrader autograde`` (one command per
assignment, the way an instructor runs it), with this command and one worker (its cost per
notebook), and with ``--workers`` workers (its speed-up). Both must give every submission the same
score. The grader's reference cache is built first, so neither side pays for it. It also
prints each assignment's slowest cell under plain nbgrader against the cell time limit
(``c.Execute.timeout``): a cell past the limit scores 0, so an honest one needs a margin.
"""
import datetime
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

DEFAULT_ASSIGNMENTS = ["01_metrics", "02_pipeline_trace", "05_quiz"]
_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


def _nbgrader(course, *args):
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{result.stderr[-2000:]}")


def _answers(solution):
    """{grade_id: source} of a solution's answer cells, solution markers removed."""
    out = {}
    for cell in solution.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            out[meta["grade_id"]] = "\n".join(
                line for line in cell.source.splitlines() if not _MARKER.match(line))
    return out


def make_batch(course, folder, assignments, students, kinds=("complete",)):
    """A course in ``folder`` with ``students`` submissions per assignment. Student i's
    are of kind ``kinds[i % len(kinds)]``: "complete" (every answer the solution's),
    "partial" (only the first answer cell filled in) or "blank" (as released)."""
    folder = Path(folder)
    folder.mkdir(parents=True)
    shutil.copy(Path(course) / "nbgrader_config.py", folder)
    for assignment in assignments:
        shutil.copytree(Path(course) / "solutions" / assignment, folder / "solutions" / assignment)
        _nbgrader(folder, "generate_assignment", assignment, "--force")
        solution = nbformat.read(folder / "solutions" / assignment / f"{assignment}.ipynb", 4)
        answers = _answers(solution)
        filled = {"complete": answers, "partial": dict(list(answers.items())[:1]), "blank": {}}
        released = folder / "exercises" / assignment / f"{assignment}.ipynb"
        for i in range(students):
            nb = nbformat.read(released, 4)
            chosen = filled[kinds[i % len(kinds)]]
            for cell in nb.cells:
                grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                if grade_id in chosen:
                    cell.source = chosen[grade_id]
            target = folder / "submitted" / f"student{i + 1:02d}" / assignment
            target.mkdir(parents=True)
            nbformat.write(nb, str(target / f"{assignment}.ipynb"))
            (target / "timestamp.txt").write_text("2026-11-01 12:00:00.000000 UTC")
    return folder


def scores(course):
    """{(assignment, student): score} of a course's sqlite gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{Path(course) / 'gradebook.db'}") as gb:
        return {(s.assignment.name, s.student_id): s.score
                for a in gb.assignments for s in gb.assignment_submissions(a.name)}


def slowest_cells(course, assignments):
    """{assignment: seconds of its slowest cell in any autograded notebook}, from the
    timing nbgrader records in each executed cell (``metadata.execution``)."""
    def seconds(execution):
        start, end = (datetime.datetime.fromisoformat(execution[key].replace("Z", "+00:00"))
                      for key in ("iopub.execute_input", "shell.execute_reply"))
        return (end - start).total_seconds()

    slowest = {}
    for assignment in assignments:
        for path in sorted(Path(course).glob(f"autograded/*/{assignment}/{assignment}.ipynb")):
            for cell in nbformat.read(path, 4).cells:
                if "execution" in cell.get("metadata", {}):
                    slowest[assignment] = max(slowest.get(assignment, 0.0),
                                              seconds(cell.metadata["execution"]))
    return slowest


def cell_time_limit(course):
    """``c.Execute.timeout`` of the course's nbgrader_config.py, in seconds."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config().Execute.timeout


def _grade_copy(batch_course, folder, assignments, workers):
    from course_lib.grade import batch

    shutil.copytree(batch_course, folder)
    start = time.perf_counter()
    outcomes = batch.grade(folder, assignments, workers=workers, force=True, progress=False,
                           log=lambda *_: None)
    return time.perf_counter() - start, outcomes, scores(folder)


def run(course, assignments, students, workers):
    """Figures of one benchmark run, as a dict: serial nbgrader, this command with one
    worker (its cost per notebook) and with ``workers`` workers (its speed-up)."""
    from course_lib.grade import worker

    worker.warm_cache()
    with tempfile.TemporaryDirectory(prefix="grade-benchmark-") as tmp:
        serial = make_batch(course, Path(tmp) / "serial", assignments, students)
        notebooks = len(assignments) * students
        fresh = Path(tmp) / "fresh"
        shutil.copytree(serial, fresh)  # before grading: the other runs start from this state

        start = time.perf_counter()
        for assignment in assignments:
            _nbgrader(serial, "autograde", assignment, "--force")
        serial_seconds = time.perf_counter() - start
        serial_scores = scores(serial)
        slowest, limit = slowest_cells(serial, assignments), cell_time_limit(serial)

        one_seconds, one, one_scores = _grade_copy(fresh, Path(tmp) / "one", assignments, 1)
        many_seconds, many, many_scores = _grade_copy(fresh, Path(tmp) / "many", assignments,
                                                      workers)
    return {
        "notebooks": notebooks, "workers": workers,
        "serial_seconds": round(serial_seconds, 1),
        "one_worker_seconds": round(one_seconds, 1),
        "parallel_seconds": round(many_seconds, 1),
        "serial_per_notebook": round(serial_seconds / notebooks, 2),
        "one_worker_per_notebook": round(one_seconds / notebooks, 2),
        "speedup": round(serial_seconds / many_seconds, 2),
        "slowest_cell_seconds": {a: round(t, 1) for a, t in slowest.items()},
        "cell_time_limit": limit,
        "same_scores": serial_scores == one_scores == many_scores,
        "failed": [o.reason for o in one + many if o.status == "failed"],
    }


def main(args):
    course = args.course.resolve()
    assignments = args.assignments or DEFAULT_ASSIGNMENTS
    figures = run(course, assignments, args.benchmark_students, args.workers)
    print(f"{figures['notebooks']} notebooks ({', '.join(assignments)}; "
          f"{args.benchmark_students} students each)")
    print(f"serial nbgrader autograde       : {figures['serial_seconds']:7.1f} s "
          f"({figures['serial_per_notebook']:.2f} s per notebook)")
    print(f"course_lib.grade, 1 worker       : {figures['one_worker_seconds']:7.1f} s "
          f"({figures['one_worker_per_notebook']:.2f} s per notebook)")
    print(f"course_lib.grade, {args.workers} workers      : {figures['parallel_seconds']:7.1f} s")
    for assignment, seconds in figures["slowest_cell_seconds"].items():
        print(f"slowest cell of {assignment:<18}: {seconds:7.1f} s "
              f"({seconds / figures['cell_time_limit']:.0%} of the {figures['cell_time_limit']} s limit)")
    print(f"speed-up with {args.workers} workers: {figures['speedup']:.2f}x   "
          f"same scores: {figures['same_scores']}")
    if args.json:
        print(json.dumps(figures))
    if not figures["same_scores"] or figures["failed"]:
        sys.exit("the two graders disagree, or a submission failed: " + "; ".join(figures["failed"]))
