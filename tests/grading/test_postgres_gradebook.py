"""nbgrader's own commands and its formgrader on a gradebook in a real PostgreSQL server.

A temporary course (a copy of the course's nbgrader_config.py and 05_quiz's source) gets
NBGRADER_DB_URL set to a new database on the test server (tests/postgres_server.py), as
an instructor would set it. Nothing is graded here: the grading runs on PostgreSQL are in
test_agreement.py (every assignment, scores equal to sqlite's) and
tests/batch/test_batch_cluster.py (a grader killed with SIGKILL, then resumed).
"""
import csv
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from course import ROOT, run_nbgrader
from nbgrader.api import Gradebook

QUIZ = "05_quiz"
JUPYTER = str(Path(sys.executable).with_name("jupyter"))
SERVER_START = 120  # seconds, on a loaded machine


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _course(folder):
    folder.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", folder / "nbgrader_config.py")
    shutil.copytree(ROOT / "solutions" / QUIZ, folder / "solutions" / QUIZ)
    return folder


def _formgrader(course, db_url, state):
    """A Jupyter server with nbgrader's formgrader in ``course``, on 127.0.0.1, token auth."""
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, NBGRADER_DB_URL=db_url, JUPYTER_RUNTIME_DIR=str(state / "runtime"),
               # nbgrader runs its environment's `alembic` to open a gradebook
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    command = [JUPYTER, "server", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={course}"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = open(state / "server.log", "w")
    # cwd: the formgrader reads nbgrader_config.py from the folder it is started in
    server = subprocess.Popen(command, cwd=course, env=env, stdout=log, stderr=subprocess.STDOUT)
    return server, log, f"http://127.0.0.1:{port}", token


def _request(base, token, path, method="GET", body=None):
    request = urllib.request.Request(
        f"{base}{path}", method=method, data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _wait_until_up(server, base, token, log_path):
    deadline = time.monotonic() + SERVER_START
    while True:
        try:
            return _request(base, token, "/api/status")
        except OSError:
            assert server.poll() is None, "the server stopped:\n" + log_path.read_text()[-3000:]
            assert time.monotonic() < deadline, (f"no server after {SERVER_START} s:\n"
                                                 + log_path.read_text()[-3000:])
            time.sleep(0.5)


def _exported(course, db_url):
    """`nbgrader export`'s grades.csv: {student: row} of the quiz."""
    run_nbgrader(course, "export", db_url=db_url)
    with open(course / "grades.csv", newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle) if row["assignment"] == QUIZ}


def test_nbgrader_and_formgrader_share_a_postgresql_gradebook(postgres, tmp_path):
    db_url = postgres.create_database("nbgrader_commands")
    course = _course(tmp_path / "course")
    state = tmp_path / "jupyter"
    state.mkdir()
    server, log, base, token = _formgrader(course, db_url, state)  # starts while nbgrader runs
    try:
        run_nbgrader(course, "db", "student", "add", "alice", "--first-name=Alice",
                     "--last-name=Liddell", db_url=db_url)
        run_nbgrader(course, "generate_assignment", QUIZ, db_url=db_url)

        _wait_until_up(server, base, token, state / "server.log")
        assignments = _request(base, token, "/formgrader/api/assignments")
        assert [(a["name"], a["max_score"]) for a in assignments] == [(QUIZ, 20)]
        students = _request(base, token, "/formgrader/api/students")
        assert [(s["id"], s["first_name"], s["last_name"]) for s in students] == [
            ("alice", "Alice", "Liddell")]
        # What the formgrader's "add student" form sends.
        _request(base, token, "/formgrader/api/student/bob", "PUT",
                 {"first_name": "Bob", "last_name": "Builder", "email": None})
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()

    # nbgrader's command line sees the formgrader's student, both with the quiz unsubmitted.
    rows = _exported(course, db_url)
    assert sorted(rows) == ["alice", "bob"]
    assert {(r["last_name"], r["score"], r["max_score"]) for r in rows.values()} == {
        ("Liddell", "0.0", "20.0"), ("Builder", "0.0", "20.0")}
    with Gradebook(db_url, "mobile-cv-deployment") as gb:  # all of it is in PostgreSQL
        assert sorted(s.id for s in gb.students) == ["alice", "bob"]
        assert [a.name for a in gb.assignments] == [QUIZ]
    assert not (course / "gradebook.db").exists()


def test_unreachable_gradebook_stops_the_batch_grader_with_a_clear_message(tmp_path):
    """NBGRADER_DB_URL naming a server that is not there: one line saying so, not a traceback,
    and the password not shown."""
    course = _course(tmp_path / "course")
    folder = course / "submitted" / "alice" / QUIZ
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "exercises" / QUIZ / f"{QUIZ}.ipynb", folder)
    closed_port = _free_port()  # nothing listens there
    url = f"postgresql+psycopg2://grader:pa55word@127.0.0.1:{closed_port}/gradebook"
    done = subprocess.run([sys.executable, "-m", "course_lib.grade", "--course", str(course)],
                          env=dict(os.environ, NBGRADER_DB_URL=url), capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.startswith(
        f"error: cannot open the gradebook postgresql+psycopg2://grader:***@127.0.0.1:{closed_port}"
        "/gradebook (from NBGRADER_DB_URL): expected a postgresql server at "
        f"127.0.0.1:{closed_port} accepting user grader into database gradebook"), done.stderr
    assert "Traceback" not in done.stderr and "pa55word" not in done.stdout + done.stderr
    assert not (course / "autograded").exists()
