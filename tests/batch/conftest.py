"""One course graded once by the batch grader: every hostile case of hostile.py among
honest submissions, in one run of the real command line.

The course holds the assignments the cases use. Besides the cases it gets, per
assignment, the solution, an unanswered notebook and wrong-in-one-way submissions of
tests/grading/submissions.py (hostile.honest_submissions). Its config gets a 60 s cell time limit (the hostile loops
are stopped after that; an honest cell that imports TensorFlow while the other tests run
takes over 20 s). A secret file outside the course and a TCP server on 127.0.0.1
hold the graded quiz's right answers of the cases that try to reach them.

For contrast, plain ``nbgrader autograde`` (no sandbox, tests in the student's kernel)
grades a copy of the course holding only hostile.FOOLS_PLAIN_NBGRADER's submissions,
which are harmless outside a sandbox.
"""
import csv
import dataclasses
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from course_lib.grade.batch import REPORT

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "grading"))
sys.path.insert(0, str(HERE))

from course import (make_course, results, run_nbgrader, solution_answers,  # noqa: E402
                    student_notebook, submit)
from hostile import (CASES, FOOLS_PLAIN_NBGRADER, QUIZ, Context, build_skipped,  # noqa: E402
                     honest_submissions)

CELL_TIMEOUT = 60
NOTEBOOK_TIMEOUT = 240
BATCH_TIMEOUT = 1800  # the whole command, far above what it needs: a hang fails, not blocks


@dataclasses.dataclass
class Batch:
    course: Path
    rows: dict          # (assignment, student) -> grading_report.csv row (a dict)
    results: dict       # assignment -> {student: gradebook results}, see course.results
    output: str         # what the command printed (stdout, then stderr)
    stdout: str
    returncode: int
    seconds: float
    submitted: list     # (assignment, student) of every real submission folder
    connections: list   # what reached the answer server: must stay empty
    secret_file: Path
    plain_course: Path  # a copy made before grading, graded by plain nbgrader
    plain_results: dict  # {student: gradebook results} of 05_quiz in plain_course


class AnswerServer:
    """Sends the quiz's answer key as one JSON line to every connection; records them."""

    def __init__(self, key):
        self.line = (json.dumps(key) + "\n").encode()
        self.connections = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.5)
        self.address = self.listener.getsockname()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopping.is_set():
            try:
                connection, peer = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(peer)
            with connection:
                connection.sendall(self.line)

    def close(self):
        self.stopping.set()
        self.thread.join()
        self.listener.close()


def quiz_key(student):
    """The right answers of ``student``'s graded quiz (its questions are made from the id)."""
    from course_grader import quiz as grader

    return grader.answers(student)


def _copy_for_plain_nbgrader(course, target):
    """The course as generated, with only the submissions plain nbgrader is shown on."""
    shutil.copytree(course, target, ignore=shutil.ignore_patterns("submitted"))
    for student in FOOLS_PLAIN_NBGRADER:
        shutil.copytree(course / "submitted" / student, target / "submitted" / student)
    return target


def _plain_nbgrader(course):
    """`nbgrader autograde` and `generate_feedback` of 05_quiz, unsandboxed, as they come."""
    run_nbgrader(course, "autograde", QUIZ, "--force")
    run_nbgrader(course, "generate_feedback", QUIZ, "--force")
    return results(course, QUIZ)


def _run_batch(course, env):
    """(return code, stdout, stderr, seconds) of one run of the batch grader's command."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "course_lib.grade", "--course", str(course), "--workers", "2",
         "--notebook-timeout", str(NOTEBOOK_TIMEOUT)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=BATCH_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the command and the Dask workers it started
        stdout, stderr = process.communicate()
    return process.returncode, stdout, stderr, time.perf_counter() - start


def _read_rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return {(row["assignment"], row["student"]): row for row in csv.DictReader(handle)}


@pytest.fixture(scope="session")
def hostile_batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    assignments = sorted({case.assignment for case in CASES})
    secret_file = base / "outside" / "answer_key.json"
    secret_file.parent.mkdir()
    secret_file.write_text(json.dumps(quiz_key("reads_secret_file")))  # its one reader

    server = AnswerServer(quiz_key("opens_socket"))
    try:
        course = make_course(base / "course", assignments)
        with open(course / "nbgrader_config.py", "a") as config:
            config.write(f"\nc.Execute.timeout = {CELL_TIMEOUT}\n")
        ctx = Context(course=course, secret_file=secret_file, server=server.address)
        submitted = []
        for assignment in assignments:
            answers = solution_answers(assignment)
            for student, overrides, _ in honest_submissions(assignment):
                nb = student_notebook(course, assignment, None if overrides is None else answers,
                                      overrides)
                submit(course, assignment, student, nb)
                submitted.append((assignment, student))
        for case in CASES:
            folder = course / "submitted" / case.student / case.assignment
            folder.mkdir(parents=True)
            case.build(ctx, folder)
            submitted.append((case.assignment, case.student))
        build_skipped(ctx)
        plain_course = _copy_for_plain_nbgrader(course, base / "plain")

        env = dict(os.environ)
        env.pop("NBGRADER_DB_URL", None)  # the course's own sqlite gradebook
        # Plain nbgrader's three quiz notebooks run meanwhile, in the batch's idle moments.
        with ThreadPoolExecutor(max_workers=1) as pool:
            plain = pool.submit(_plain_nbgrader, plain_course)
            returncode, stdout, stderr, seconds = _run_batch(course, env)
            plain_results = plain.result()
    finally:
        server.close()

    return Batch(course=course, rows=_read_rows(course / REPORT),
                 results={a: results(course, a) for a in assignments},
                 output=stdout + stderr, stdout=stdout,
                 returncode=returncode, seconds=seconds, submitted=submitted,
                 connections=list(server.connections), secret_file=secret_file,
                 plain_course=plain_course, plain_results=plain_results)

