"""The batch grader as a whole: Dask workers on other "machines", a grader killed with
SIGKILL and run again, manual grades kept through a regrade, a kernel that dies.

Every test grades 05_quiz submissions (a few seconds each) with the real command line,
in a copy of one temporary course whose gradebook is its sqlite file; the kill -9 test
runs a second time with the gradebook on a real PostgreSQL server (NBGRADER_DB_URL).
Expected scores come from the grader's own answers for each student (course_grader.quiz):
each wrong submission answers chosen questions wrongly.
"""
import contextlib
import csv
import json
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import psutil
import pytest
from nbgrader.api import Gradebook
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "grading"))

from course import (gradebook_url, make_course, results, run_nbgrader,  # noqa: E402
                    solution_answers, student_notebook, submit)

from course_grader import quiz as grader  # noqa: E402
from course_lib.grade.batch import REPORT  # noqa: E402
from course_lib.quiz import graded  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
DASK = str(Path(sys.executable).with_name("dask"))
QUIZ = "05_quiz"
QUESTIONS = list(graded.IDS)
CELL_TIMEOUT = 30          # a quiz cell takes well under a second
NOTEBOOK_TIMEOUT = 240
GRADER_TIMEOUT = 600       # the whole command: far above what it needs, so a hang fails
WORKERS_GONE_WITHIN = 30   # seconds for Dask worker processes to end after their grader is killed
ALL_GONE_WITHIN = 120      # ... and every process it started (runners finish their notebook)


# ------------------------------------------------------------------ submissions

def letters_with_mistakes(student, count, seed):
    """{question: answer} of ``student``'s quiz with ``count`` questions, chosen with
    ``seed``, answered wrong (a wrong letter, or a number far off)."""
    wrong = set(random.Random(seed).sample(QUESTIONS, count))
    right = grader.answers(student)
    return {q: (right[q] if q not in wrong else right[q] + 1000 if graded.kind(q) == "number"
                else next(l for l in graded.letters(q) if not grader.is_right(student, q, l)))
            for q in QUESTIONS}


def score_of(student, letters, questions=QUESTIONS):
    return sum(grader.is_right(student, q, letters[q]) for q in questions)


def answer_cell(letters):
    return "ANSWERS = " + json.dumps(letters, indent=4)  # a dict of strings: valid Python too


def submit_mix(course, mistakes):
    """Submit the solution, a blank notebook and one notebook per number of ``mistakes``;
    return {student: expected score}."""
    submit(course, QUIZ, "solution", student_notebook(course, QUIZ, solution_answers(QUIZ)))
    submit(course, QUIZ, "blank", student_notebook(course, QUIZ))
    expected = {"solution": 20, "blank": 0}
    for count in mistakes:
        student = f"wrong{count:02d}"
        letters = letters_with_mistakes(student, count, seed=count)
        nb = student_notebook(course, QUIZ, {"answers": answer_cell(letters)})
        submit(course, QUIZ, student, nb)
        expected[student] = score_of(student, letters)
        assert expected[student] == 20 - count
    return expected


@pytest.fixture(scope="module")
def quiz_template(tmp_path_factory):
    """A course with 05_quiz generated and a short cell time limit, copied by each test."""
    course = make_course(tmp_path_factory.mktemp("cluster-template") / "course", [QUIZ])
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.Execute.timeout = {CELL_TIMEOUT}\n")
    return course


@pytest.fixture
def course(quiz_template, tmp_path):
    return Path(shutil.copytree(quiz_template, tmp_path / "course"))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, course):
    """The grader's NBGRADER_DB_URL: None, the course's own sqlite gradebook; or a new
    database on the test PostgreSQL server, with the quiz generated into it."""
    if request.param == "sqlite":
        return None
    url = request.getfixturevalue("postgres").create_database(f"cluster_{uuid.uuid4().hex[:8]}")
    run_nbgrader(course, "generate_assignment", QUIZ, "--force", db_url=url)
    return url


# ------------------------------------------------------------------ running the grader

def grader_command(course, *options):
    return [PYTHON, "-m", "course_lib.grade", "--course", str(course),
            "--notebook-timeout", str(NOTEBOOK_TIMEOUT), *options]


def grader_env(db_url=None):
    env = dict(os.environ)
    env.pop("NBGRADER_DB_URL", None)  # by default the temporary course uses its own sqlite gradebook
    if db_url:
        env["NBGRADER_DB_URL"] = db_url
    return env


def run_grader(course, *options, db_url=None):
    """Run the command to the end; return what it printed on stdout."""
    done = subprocess.run(grader_command(course, *options), cwd=ROOT, env=grader_env(db_url),
                          capture_output=True, text=True, timeout=GRADER_TIMEOUT)
    assert done.returncode == 0, f"the grader failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def summary_counts(stdout):
    """graded / failed / skipped of the quiz's line in the summary table (not graded: 0)."""
    line = next(line for line in stdout.splitlines() if line.startswith(QUIZ + " "))
    graded, failed, not_graded, skipped = (int(n) for n in line.split()[1:5])
    assert not_graded == 0, stdout
    return {"graded": graded, "failed": failed, "skipped": skipped}


def report_rows(course):
    with open(course / REPORT, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def csv_scores(course):
    rows = report_rows(course)
    students = [row["student"] for row in rows]
    assert len(students) == len(set(students)), f"a student has two rows in the report: {students}"
    return {row["student"]: float(row["score"]) for row in rows}


def gradebook_rows(course, db_url=None):
    """({student: submission rows}, {student: Counter of grade rows per grade cell}), read
    from the database's tables with SQL, so that a duplicate could not hide behind
    nbgrader's API (the course's sqlite file, or the database at ``db_url``)."""
    engine = create_engine(gradebook_url(course, db_url))
    try:
        with engine.connect() as db:
            submissions = Counter(student for (student,) in db.execute(text(
                "SELECT student_id FROM submitted_assignment")))
            grades = {}
            for student, cell in db.execute(text(
                    "SELECT sa.student_id, c.name FROM grade g "
                    "JOIN submitted_notebook sn ON g.notebook_id = sn.id "
                    "JOIN submitted_assignment sa ON sn.assignment_id = sa.id "
                    "JOIN base_cell c ON g.cell_id = c.id")):
                grades.setdefault(student, Counter())[cell] += 1
    finally:
        engine.dispose()
    return submissions, grades


def assert_graded_exactly(course, expected, db_url=None):
    """Scores in the report and the gradebook are the expected ones; nothing counted twice."""
    assert csv_scores(course) == expected
    gradebook = results(course, QUIZ, db_url)
    assert {student: r["score"] for student, r in gradebook.items()} == expected
    submissions, grades = gradebook_rows(course, db_url)
    assert submissions == Counter(list(expected))  # one submission per student
    for student in expected:
        assert grades[student] == Counter(QUESTIONS), student  # one grade row per grade cell


# ------------------------------------------------------------------ processes

def still_running(processes):
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
        except psutil.NoSuchProcess:
            pass
    return alive


def wait_until_gone(processes, seconds):
    """The processes still running after ``seconds`` at most."""
    deadline = time.monotonic() + seconds
    while (alive := still_running(processes)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return alive


def describe(processes):
    lines = []
    for process in processes:
        with contextlib.suppress(psutil.Error):
            lines.append(f"{process.pid}: {' '.join(process.cmdline())[:150]}")
    return "\n".join(lines)


def kill_all(processes):
    for process in still_running(processes):
        with contextlib.suppress(psutil.Error):
            process.kill()


class Tree:
    """Every process seen under one root process, remembered after they are reparented."""

    def __init__(self, root_pid):
        self.root = psutil.Process(root_pid)
        self.children, self.all = {}, {}

    def scan(self):
        with contextlib.suppress(psutil.Error):
            self.children.update((p.pid, p) for p in self.root.children())
            self.all.update((p.pid, p) for p in self.root.children(recursive=True))
        # Runners start their own sessions: follow the ones already seen, wherever they are.
        for process in list(self.all.values()):
            with contextlib.suppress(psutil.Error):
                self.all.update((p.pid, p) for p in process.children(recursive=True))
        return list(self.all.values())


def is_runner(process):
    with contextlib.suppress(psutil.Error):
        return "course_lib.grade.runner" in process.cmdline()
    return False


def journal_entries(course):
    try:
        return json.loads((course / ".grading_journal.json").read_text())
    except (OSError, ValueError):
        return {}


def kill_grader_when(course, moment, *options, db_url=None):
    """Start the grader, SIGKILL it as soon as ``moment(processes under it)`` holds, and
    check that what it started ends: its Dask workers at once, the runners after their notebook."""
    with open(course / "killed-run.log", "ab") as log:
        grader = subprocess.Popen(grader_command(course, *options), cwd=ROOT, env=grader_env(db_url),
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    tree = Tree(grader.pid)
    try:
        deadline = time.monotonic() + GRADER_TIMEOUT
        while not moment(tree.scan()):
            assert grader.poll() is None, ("the grader finished before the moment to kill it:\n"
                                           + (course / "killed-run.log").read_text()[-3000:])
            assert time.monotonic() < deadline, "the moment to kill the grader never came"
            time.sleep(0.2)  # a look walks the process tree: 20 a second kept ~18 % of a core busy
        grader.send_signal(signal.SIGKILL)
        grader.wait()
        tree.scan()
        workers = list(tree.children.values())
        assert workers, "the grader had no worker processes"
        left = wait_until_gone(workers, WORKERS_GONE_WITHIN)
        assert not left, (f"Dask worker processes still running {WORKERS_GONE_WITHIN} s after "
                          f"their grader was killed:\n{describe(left)}")
        left = wait_until_gone(tree.scan(), ALL_GONE_WITHIN)
        assert not left, (f"processes of the killed grader still running after "
                          f"{ALL_GONE_WITHIN} s:\n{describe(left)}")
    finally:
        if grader.poll() is None:
            grader.kill()
            grader.wait()
        kill_all(tree.scan())


def stale_scratch_folders():
    """Scratch folders of grading processes that no longer exist."""
    from course_lib.grade.runner import SCRATCH_PREFIX

    stale = []
    for folder in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*"):
        pid = folder.name[len(SCRATCH_PREFIX):].split("-")[0]
        if not pid.isdigit() or not psutil.pid_exists(int(pid)):
            stale.append(folder)
    return stale


def test_killed_grader_resumes_without_counting_twice(course, db_url):
    expected = submit_mix(course, [1, 2, 3, 5, 8, 13])
    assert len(expected) == 8

    # Killed early: a notebook is being graded, no result has come back yet.
    kill_grader_when(course, lambda processes: any(map(is_runner, processes)), "--workers", "2",
                     db_url=db_url)
    assert journal_entries(course) == {}

    # Killed mid-way: some submissions are finished, not all.
    kill_grader_when(course, lambda _: 0 < len(journal_entries(course)) < len(expected),
                     "--workers", "2", db_url=db_url)
    finished = journal_entries(course)
    assert 0 < len(finished) < len(expected)

    stdout = run_grader(course, "--workers", "2", db_url=db_url)
    assert summary_counts(stdout) == {"graded": len(expected) - len(finished), "failed": 0,
                                      "skipped": len(finished)}
    assert_graded_exactly(course, expected, db_url)
    # The killed runners' scratch folders are gone too (removed when the next run started).
    assert stale_scratch_folders() == []
    assert sorted(journal_entries(course)) == sorted(f"{s}/{QUIZ}" for s in expected)

    # Once more: everything is in the journal, so nothing is graded and nothing changes.
    stdout = run_grader(course, "--workers", "2", db_url=db_url)
    assert summary_counts(stdout) == {"graded": 0, "failed": 0, "skipped": len(expected)}
    assert_graded_exactly(course, expected, db_url)
    if db_url:  # the scores above came from PostgreSQL: the course's sqlite file got none
        assert gradebook_rows(course) == (Counter(), {})


# ------------------------------------------------------------------ manual grades

def set_manual_score(course, student, grade_cell, score):
    """What the formgrader does when a grader types a score (nbgrader's GradeHandler.put)."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        grade = gb.find_grade(grade_cell, QUIZ, QUIZ, student)
        grade.manual_score = score
        grade.needs_manual_grade = False
        gb.db.commit()


def auto_and_manual_score(course, student, grade_cell):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        grade = gb.find_grade(grade_cell, QUIZ, QUIZ, student)
        return grade.auto_score, grade.manual_score


def test_manual_scores_survive_a_forced_regrade(course):
    expected = submit_mix(course, [])
    run_grader(course, "--workers", "2")
    assert_graded_exactly(course, expected)
    autograded = course / "autograded" / "blank" / QUIZ / f"{QUIZ}.ipynb"
    first_grading = autograded.stat().st_mtime_ns

    set_manual_score(course, "blank", "q05", 1)      # unanswered, but the grader gives the point
    set_manual_score(course, "solution", "q01", 0)   # right, but the grader takes the point away
    stdout = run_grader(course, "--workers", "2", "--force")

    assert summary_counts(stdout) == {"graded": 2, "failed": 0, "skipped": 0}
    assert autograded.stat().st_mtime_ns > first_grading  # really graded again
    assert auto_and_manual_score(course, "blank", "q05") == (0, 1)
    assert auto_and_manual_score(course, "solution", "q01") == (1, 0)
    assert_graded_exactly(course, {"blank": 1, "solution": 19})


# ------------------------------------------------------------------ a kernel that dies

KILLS_ITS_KERNEL_LATER = '''
import os
import signal

cells_run_since = []


def die_at_eleventh_cell(info):
    cells_run_since.append(info.raw_cell)
    if len(cells_run_since) == 11:
        os.kill(os.getpid(), signal.SIGKILL)


get_ipython().events.register("pre_run_cell", die_at_eleventh_cell)
'''


def test_dead_kernel_fails_its_notebook_not_the_batch(course):
    expected = submit_mix(course, [4])
    # Sets ANSWERS, then ends its kernel: no test cell can fetch ANSWERS -> 0.
    submit(course, QUIZ, "exits", student_notebook(course, QUIZ, {
        "answers": answer_cell(letters_with_mistakes("exits", 0, seed=0)) + "\nimport os\nos._exit(1)\n"}))
    # Kills its kernel when the 11th cell after the answers runs: in the batch grader, when
    # the judge asks the kernel for q06's ANSWERS (each test cell asks twice: for ANSWERS
    # and for STUDENT_ID, the id the answers say they were made for). So q01-q05 are graded
    # and q06-q20 score 0.
    letters = letters_with_mistakes("sigkill", 5, seed=5)
    submit(course, QUIZ, "sigkill", student_notebook(course, QUIZ, {
        "answers": answer_cell(letters) + "\n" + KILLS_ITS_KERNEL_LATER}))
    died = {"exits": 0, "sigkill": score_of("sigkill", letters, QUESTIONS[:5])}
    assert 0 < died["sigkill"] < 5  # tells "q01-q05 graded" from "all" and from "nothing"

    stdout = run_grader(course, "--workers", "2")

    assert summary_counts(stdout) == {"graded": len(expected), "failed": 2, "skipped": 0}
    rows = {row["student"]: row for row in report_rows(course)}
    for student in died:
        assert rows[student]["status"] == "failed"
        assert "the kernel died" in rows[student]["reason"]
    for student in expected:
        assert rows[student]["status"] == "graded", rows[student]["reason"]
    assert_graded_exactly(course, {**expected, **died})

    # Run again: nothing to grade; every row, "failed" ones included, stays as it was.
    first = (course / REPORT).read_text()
    stdout = run_grader(course, "--workers", "2")
    assert summary_counts(stdout) == {"graded": 0, "failed": 0, "skipped": len(expected) + 2}
    assert (course / REPORT).read_text() == first


# ------------------------------------------------------------------ Dask on two "machines"

def can_hide_folders():
    """Whether a process can get a mount namespace of its own and mount a tmpfs in it."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    with tempfile.TemporaryDirectory() as folder:
        probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "--",
                                "mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", folder],
                               capture_output=True)
    return probe.returncode == 0


needs_private_mounts = pytest.mark.skipif(
    not can_hide_folders(),
    reason="hiding the course from the workers needs root and a private mount namespace")


def wait_for_scheduler(scheduler_file, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the Dask scheduler stopped"
        with contextlib.suppress(OSError, ValueError, KeyError):
            return json.loads(scheduler_file.read_text())["address"]
        time.sleep(0.2)
    raise AssertionError(f"the Dask scheduler wrote no {scheduler_file.name} in {seconds} s")


@contextlib.contextmanager
def dask_cluster(folder, hidden):
    """A Dask scheduler and two workers, each its own process tree on 127.0.0.1. Each worker
    runs in a mount namespace of its own where ``hidden`` is an empty tmpfs, and in /: like a
    worker on another machine, it shares no file with the grader. Yields (address, processes)."""
    started = []
    logs = []
    try:
        log = open(folder / "scheduler.log", "wb")
        logs.append(log)
        # --dashboard-address: this version still opens an HTTP server, by default on
        # 0.0.0.0:8787, with --no-dashboard.
        started.append(subprocess.Popen(
            [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--dashboard-address", "127.0.0.1:0",
             "--scheduler-file", str(folder / "scheduler.json"),
             "--idle-timeout", "900"],  # in case this test is killed before it stops it
            cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        address = wait_for_scheduler(folder / "scheduler.json", started[0])
        for name in ("machine-a", "machine-b"):
            worker = [DASK, "worker", address, "--name", name, "--nthreads", "1",
                      "--host", "127.0.0.1", "--no-dashboard", "--dashboard-address", "127.0.0.1:0",
                      "--memory-limit", "0", "--death-timeout", "60"]
            script = (f"mount -t tmpfs -o size=1m tmpfs {shlex.quote(str(hidden))} && cd / && "
                      f"exec {shlex.join(worker)}")
            log = open(folder / f"{name}.log", "wb")
            logs.append(log)
            started.append(subprocess.Popen(
                ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", script],
                cwd="/", stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        yield address, started
    finally:
        everything = []
        for process in started:
            with contextlib.suppress(psutil.Error):
                root = psutil.Process(process.pid)
                everything.extend([root, *root.children(recursive=True)])
        for process in started:
            if process.poll() is None:
                process.terminate()
        if wait_until_gone(everything, 10):
            kill_all(everything)
        for process in started:
            process.wait()
        for log in logs:
            log.close()


@needs_private_mounts
def test_grading_on_separate_dask_workers(course, tmp_path_factory, tmp_path):
    from dask.distributed import Client

    expected = submit_mix(course, [3, 7])
    hidden = tmp_path_factory.getbasetemp()  # holds this course, its template and every log
    with dask_cluster(tmp_path, hidden) as (address, started):
        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=90)
            sees_course = client.run(os.path.exists, str(course / "nbgrader_config.py"))
            assert sorted(sees_course.values()) == [False, False]  # the course is hidden from both
            tree = [psutil.Process(p.pid) for p in started]
            for process in list(tree):
                tree.extend(process.children(recursive=True))

            stdout = run_grader(course, "--scheduler", address)

            def notebooks_graded_here(dask_worker):
                # The worker's own transition log: tasks it ran to the end.
                return sorted(entry[0] for entry in dask_worker.state.log
                              if len(entry) > 3 and str(entry[0]).startswith("grade-")
                              and entry[1] == "executing" and entry[3] == "memory")

            graded_by = client.run(notebooks_graded_here)
            client.shutdown()  # scheduler and workers, as an administrator would stop them

        stopped = wait_until_gone(tree, 60)
        assert not stopped, f"still running after the cluster shut down:\n{describe(stopped)}"

    assert summary_counts(stdout) == {"graded": len(expected), "failed": 0, "skipped": 0}
    assert_graded_exactly(course, expected)
    keys = [key for keys in graded_by.values() for key in keys]
    students = Counter(key.split("-")[1] for key in keys)
    assert students == Counter(list(expected)), keys  # each notebook ran once, on one worker
    assert len(graded_by) == 2 and all(graded_by.values()), graded_by  # both workers graded
