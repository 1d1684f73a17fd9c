"""The course's nbgrader_config.py in use: a clean config (no warnings from nbgrader's
commands), feedback whose table of contents names each test cell, a course-local exchange
that works in a fresh copy, and the batch grader's report kept apart from
`nbgrader export`'s grades.csv.

One temporary course with 01_metrics (a cheap assignment) and one submission."""
import csv
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from course import (IPC_KERNELS, ROOT, run_nbgrader, solution_answers, student_notebook,
                    submit)

from course_lib.grade.batch import REPORT

ASSIGNMENT = "01_metrics"
STUDENT = "alice"
CONFIG_WARNING = "not recognized"  # traitlets: "Config option `x` not recognized by `Y`"
# The feedback's table of contents: each test cell by its first comment line, up to ": ".
NAMED = ['<a href="#q1_accuracy">q1 · accuracy (1 point)</a>',
         '<a href="#q1_hidden">q1 · classes that are never predicted or never occur '
         '(1 point; hidden test, runs at grading)</a>']
EXCHANGE_WARNINGS = ("does not exist and could not be created", "Creating exchange directory",
                     "Permissions for exchange directory", "Unwritable directory")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A fresh course folder (the config and one solution, as in a clone), the student
    version generated, one submission; {"path", "generate_log"}."""
    path = tmp_path_factory.mktemp("config") / "course"
    (path / "solutions").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", path / "nbgrader_config.py")
    with open(path / "nbgrader_config.py", "a") as config:
        config.write(IPC_KERNELS)
    shutil.copytree(ROOT / "solutions" / ASSIGNMENT, path / "solutions" / ASSIGNMENT)
    log, _ = run_nbgrader(path, "generate_assignment", ASSIGNMENT, "--force")
    submit(path, ASSIGNMENT, STUDENT,
           student_notebook(path, ASSIGNMENT, solution_answers(ASSIGNMENT)))
    return {"path": path, "generate_log": log}


def test_nbgrader_commands_print_no_config_warning(course):
    path = course["path"]
    logs = {"generate_assignment": course["generate_log"],
            "autograde": run_nbgrader(path, "autograde", ASSIGNMENT, "--force")[0],
            "generate_feedback": run_nbgrader(path, "generate_feedback", ASSIGNMENT, "--force")[0]}
    for command, log in logs.items():
        assert CONFIG_WARNING not in log, f"nbgrader {command}:\n{log}"
    assert_feedback_page(path)


def assert_feedback_page(path):
    page = (path / "feedback" / STUDENT / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "PASS" in page and "BEGIN HIDDEN TESTS" not in page  # hidden tests still cleared
    assert ">Test cell</a>" not in page
    for entry in NAMED:
        assert entry in page


def test_exchange_is_made_on_first_use_and_works_for_release_list_fetch(course, tmp_path):
    copy = Path(shutil.copytree(course["path"], tmp_path / "copy", symlinks=True))
    exchange = copy / "exchange"
    assert exchange.is_dir()  # made by the first command that loaded the config
    assert exchange.stat().st_mode & 0o7777 == 0o1777  # what nbgrader accepts, sticky like /tmp
    env = dict(os.environ, JUPYTER_DATA_DIR=str(tmp_path / "jupyter-data"))  # nbgrader's cache
    env.pop("NBGRADER_DB_URL", None)
    logs = []

    def nbgrader(*args):
        done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=copy, env=env,
                              capture_output=True, text=True, timeout=300)
        log = done.stdout + done.stderr
        assert done.returncode == 0, f"nbgrader {' '.join(args)}:\n{log}"
        logs.append(log)
        return log

    nbgrader("release_assignment", ASSIGNMENT)
    assert f"mobile-cv-deployment {ASSIGNMENT}" in nbgrader("list")
    nbgrader("fetch_assignment", ASSIGNMENT)
    assert (copy / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    for log in logs:
        assert not any(w in log for w in EXCHANGE_WARNINGS), log
    assert (exchange / "mobile-cv-deployment" / "outbound" / ASSIGNMENT).is_dir()

    # What the formgrader and the Assignment List check before they warn.
    probe = textwrap.dedent(f"""
        import os
        from nbgrader.apps import NbGrader, NbGraderAPI
        from nbgrader.coursedir import CourseDirectory
        from nbgrader.server_extensions.assignment_list.handlers import AssignmentList
        app = NbGrader()
        app.load_config_file()
        api = NbGraderAPI(CourseDirectory(config=app.config), config=app.config)
        assert not api.exchange_missing and api.exchange_is_functional, api.exchange_root
        lister = AssignmentList()
        lister.root_dir = os.getcwd()
        listed = lister.list_released_assignments()
        assert listed["success"], listed
        assert [a["assignment_id"] for a in listed["value"]] == [{ASSIGNMENT!r}], listed
    """)
    done = subprocess.run([sys.executable, "-c", probe], cwd=copy, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def _rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader)


def test_batch_report_and_nbgrader_export_keep_their_own_files(course):
    path = course["path"]
    env = dict(os.environ)
    env.pop("NBGRADER_DB_URL", None)

    def batch_grade():
        done = subprocess.run([sys.executable, "-m", "course_lib.grade", "--course", str(path),
                               "--workers", "1"], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=900)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        assert REPORT in done.stdout  # it says where its report is
        return done.stdout

    shutil.rmtree(path / "feedback", ignore_errors=True)  # not generate_feedback's page
    batch_grade()
    assert_feedback_page(path)  # the batch grader's feedback uses the course's template too
    run_nbgrader(path, "export", "--to", "grades.csv")
    batch_grade()  # a rerun (nothing left to grade) rewrites its report only
    assert REPORT != "grades.csv"

    columns, rows = _rows(path / REPORT)
    assert columns == ["assignment", "student", "score", "max_score", "status", "reason"]
    assert [(r["assignment"], r["student"], r["status"]) for r in rows] == [
        (ASSIGNMENT, STUDENT, "graded")]
    columns, rows = _rows(path / "grades.csv")
    assert {"student_id", "raw_score", "late_submission_penalty"} <= set(columns)
    assert "status" not in columns
    assert [(r["assignment"], r["student_id"]) for r in rows] == [(ASSIGNMENT, STUDENT)]
    assert float(rows[0]["raw_score"]) == float(_rows(path / REPORT)[1][0]["score"])
