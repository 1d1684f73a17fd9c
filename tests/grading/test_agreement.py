"""An honest answer gets the same score from every grader.

For every assignment and every honest submission of submissions.py (the solution, the
unanswered notebook and each wrong-in-one-way answer), the scores of

- plain ``nbgrader autograde`` (conftest.py's ``graded``),
- the batch grader, ``python -m course_lib.grade`` (sandboxed, tests in the judge), on
  copies of the same submitted files, in one run over all six assignments while plain
  nbgrader grades, with its gradebook on a
  real PostgreSQL server (NBGRADER_DB_URL; plain nbgrader's gradebooks are sqlite files),
- the student's self-check (``course_lib.selfcheck``, visible tests),

agree test cell by test cell: so the scores a PostgreSQL gradebook holds are exactly the
ones of sqlite, at no extra grading. (Without PostgreSQL on the machine, the batch run uses
a sqlite gradebook and test_batch_gradebook_was_postgresql says so by skipping.) Run again
without ``--force``, the batch grader skips every submission and writes a
``grading_report.csv`` identical to the first.
"""
import csv
import io
import os
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor

import nbformat
import postgres_server
import pytest

from course import ASSIGNMENTS, ROOT, make_course, results
from submissions import WRONG

from course_lib.grade.batch import REPORT

HONEST = [(a, s) for a in ASSIGNMENTS for s in ["solution", "blank", *(w[0] for w in WRONG[a])]]
IDS = [f"{a}-{s}" for a, s in HONEST]
BATCH_TIMEOUT = 1800  # the whole command: a hang fails the test instead of blocking the suite


def _grade_command(course, db_url, log):
    """The batch grader on ``course``, started: its stdout goes to the file ``log``, its
    stderr next to it (``.err``)."""
    env = dict(os.environ)
    env.pop("NBGRADER_DB_URL", None)  # without db_url: the course's own sqlite gradebook
    if db_url:
        env["NBGRADER_DB_URL"] = db_url
    with open(log, "w") as out, open(log.with_suffix(".err"), "w") as err:
        return subprocess.Popen([sys.executable, "-m", "course_lib.grade", "--course", str(course),
                                 "--workers", "2"], stdout=out, stderr=err, env=env)


def _finish(process, log):
    """(exit status, stdout, stderr) of a started batch grader; a hang fails, not blocks."""
    try:
        returncode = process.wait(timeout=BATCH_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise
    return returncode, log.read_text(), log.with_suffix(".err").read_text()


@pytest.fixture(scope="session")
def batch_run(honest_courses, tmp_path_factory, request):
    """The submissions plain nbgrader grades, copied into one course, the batch grader started
    on them into a PostgreSQL gradebook (sqlite if none can be started here). Started before
    ``graded``, so that the two graders run at once: (process, log, course, db_url)."""
    db_url = None
    if not postgres_server.missing():  # else the `postgres` fixture would skip every test here
        db_url = request.getfixturevalue("postgres").create_database("agreement")
    base = tmp_path_factory.mktemp("agreement")
    course = make_course(base / "course", ASSIGNMENTS, db_url=db_url)
    for assignment, student in HONEST:
        source = honest_courses[assignment] / "submitted" / student / assignment
        shutil.copytree(source, course / "submitted" / student / assignment)
    log = base / "first.log"
    process = _grade_command(course, db_url, log)
    yield process, log, course, db_url
    if process.poll() is None:  # the session ended before the run did
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def batch_graded(batch_run, graded):
    """The batch run, finished, then graded once more without --force:
    {"results", "first", "second" (grading_report.csv text), "rerun" (its output), "db_url",
    "sqlite_file" (whether a sqlite gradebook appeared in the course)}."""
    process, log, course, db_url = batch_run
    returncode, stdout, stderr = _finish(process, log)
    assert returncode == 0, stdout[-3000:] + stderr[-3000:]
    first_csv = (course / REPORT).read_text()
    log = log.with_name("rerun.log")
    returncode, rerun, stderr = _finish(_grade_command(course, db_url, log), log)
    assert returncode == 0, rerun[-3000:] + stderr[-3000:]
    return {"results": {a: results(course, a, db_url) for a in ASSIGNMENTS}, "first": first_csv,
            "second": (course / REPORT).read_text(), "rerun": rerun, "db_url": db_url,
            "sqlite_file": (course / "gradebook.db").exists()}


def test_batch_gradebook_was_postgresql(batch_graded):
    """The agreement below compares plain nbgrader's sqlite scores with PostgreSQL's."""
    if batch_graded["db_url"] is None:
        pytest.skip(f"the batch run used sqlite: {postgres_server.missing()}")
    assert batch_graded["db_url"].startswith("postgresql")
    assert not batch_graded["sqlite_file"], "the batch run wrote a sqlite gradebook in the course"


def _selfcheck(path):
    from course_lib import selfcheck

    report = selfcheck.run_fresh(path)
    return {v.grade_id: v.score for v in report.verdicts if v.score is not None}


@pytest.fixture(scope="session")
def selfchecked(honest_courses):
    """{(assignment, student): {grade_id: score}} of the self-check's visible tests, on the
    submitted notebooks (two at a time, each in a fresh kernel)."""
    paths = {(a, s): honest_courses[a] / "submitted" / s / a / f"{a}.ipynb" for a, s in HONEST}
    with ProcessPoolExecutor(max_workers=2) as pool:
        jobs = {key: pool.submit(_selfcheck, str(path)) for key, path in paths.items()}
        return {key: job.result() for key, job in jobs.items()}


@pytest.mark.parametrize("assignment, student", HONEST, ids=IDS)
def test_batch_grader_agrees_with_plain_nbgrader(graded, batch_graded, assignment, student):
    plain = graded[assignment].results[student]
    batch = batch_graded["results"][assignment][student]
    assert batch["cells"] == plain["cells"]
    assert (batch["score"], batch["max_score"]) == (plain["score"], plain["max_score"])


def cells_with_hidden_tests(assignment):
    """Grade ids of the test cells that also run hidden tests at grading."""
    nb = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.cell_type == "code" and "### BEGIN HIDDEN TESTS" in c.source}


@pytest.mark.parametrize("assignment, student", HONEST, ids=IDS)
def test_selfcheck_agrees_with_plain_nbgrader(graded, selfchecked, assignment, student):
    """A test cell the student sees whole scores the same; one that also runs hidden tests
    at grading scores at least as much in the self-check (the hidden part can only take
    points away), and the same when the grader gives it its points."""
    plain = graded[assignment].results[student]["cells"]
    visible = selfchecked[(assignment, student)]
    assert visible, "the self-check ran no visible test"
    mixed = cells_with_hidden_tests(assignment)
    whole = {g: s for g, s in visible.items() if g not in mixed}
    assert whole == {g: plain[g] for g in whole}
    for grade_id in set(visible) & mixed:
        assert visible[grade_id] >= plain[grade_id], grade_id


def test_every_honest_submission_is_graded_in_the_report(batch_graded):
    rows = list(csv.DictReader(io.StringIO(batch_graded["first"])))
    assert sorted((r["assignment"], r["student"]) for r in rows) == sorted(HONEST)
    assert {r["status"] for r in rows} == {"graded"}, [r for r in rows if r["status"] != "graded"]


def test_rerun_skips_everything_and_writes_the_same_report(batch_graded):
    assert batch_graded["second"] == batch_graded["first"]
    for assignment in ASSIGNMENTS:
        line = next(l for l in batch_graded["rerun"].splitlines() if l.startswith(assignment))
        graded, failed, not_graded, skipped = (int(n) for n in line.split()[1:5])
        assert (graded, failed, not_graded) == (0, 0, 0)
        assert skipped == sum(a == assignment for a, _ in HONEST)
