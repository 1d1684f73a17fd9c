"""Real nbgrader, end to end, in a temporary course folder.

A copy of the course's nbgrader_config.py makes the temporary folder a course of its own
(its root, gradebook and folders are relative to the config file), so nothing here
touches the real gradebook or the committed exercises.
"""
import ast
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

ROOT = Path(__file__).resolve().parents[2]
NBGRADER = [sys.executable, "-m", "nbgrader"]
# nbgrader runs the `alembic` executable of its environment to open a gradebook: put the
# venv's bin folder on PATH (also for the Gradebook opened in this process).
BIN = str(Path(sys.executable).parent)
if BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = BIN + os.pathsep + os.environ.get("PATH", "")
ASSIGNMENTS = ["01_metrics", "02_pipeline_trace", "03_conversion", "04_optimization", "05_quiz",
               "06_shipping"]
AUTOGRADE_GUARD_PER_SUBMISSION = 400  # seconds; 04, the heaviest, takes ~40 s on a quiet machine
_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


def run_nbgrader(course, *args, timeout=900, db_url=None):
    """Run an nbgrader command in ``course``; return (stdout+stderr, seconds). ``db_url``: the
    gradebook's URL (NBGRADER_DB_URL), else the course's own sqlite gradebook."""
    log, seconds, _ = _run_measured(course, args, timeout, db_url)
    return log, seconds


# Runs a command and writes the largest resident set of its process tree to a file. It is
# a fresh interpreter, so the command forks from a small process: a child forked straight
# from this test session would count the session's own memory as its peak (Linux keeps
# the pre-exec high-water mark in ru_maxrss).
_PEAK_RSS = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
open(sys.argv[1], "w").write(str(usage.ru_maxrss * 1024))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def _run_measured(course, args, timeout, db_url=None):
    """(output, seconds, largest resident set in bytes of the command's process tree: the
    command and the kernels it started, which it waits for)."""
    env = dict(os.environ)
    env.pop("NBGRADER_DB_URL", None)  # by default the temporary course uses its own sqlite gradebook
    if db_url:
        env["NBGRADER_DB_URL"] = db_url
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        peak = Path(folder) / "peak"
        # A session of its own: past the guard, the command goes with its wrapper (its kernels
        # follow their parent), instead of grading on and loading the machine for other tests.
        with subprocess.Popen([sys.executable, "-c", _PEAK_RSS, str(peak), *NBGRADER, *args],
                              cwd=course, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, start_new_session=True) as process:
            try:
                stdout, stderr = process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()
                raise
        elapsed = time.perf_counter() - start
        max_rss = int(peak.read_text()) if peak.exists() else 0
    log = stdout + stderr
    shown = log if len(log) < 8000 else f"{log[:3000]}\n[...]\n{log[-5000:]}"  # the cause is often first
    assert process.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{shown}"
    return log, elapsed, max_rss


# The tests start kernels in several nbgrader processes at once. Over TCP each process
# picks free ports and a kernel binds them a moment later, so two kernels can be handed
# the same port and one dies at start ("Kernel died before replying to kernel_info").
# ZeroMQ's ipc transport has no ports: each nbgrader process gets a folder of its own for
# its kernels' socket files (an absolute path: the kernel runs in the notebook's folder).
IPC_KERNELS = """
# tests: kernels over ipc sockets (no TCP ports to race for)
import atexit, shutil, tempfile
_ipc = tempfile.mkdtemp(prefix="nbgrader-ipc-")
atexit.register(shutil.rmtree, _ipc, True)
c.KernelManager.transport = "ipc"
c.KernelManager.ip = os.path.join(_ipc, "kernel")
"""


def make_course(path, assignments=ASSIGNMENTS, db_url=None):
    """A course folder with the config and the solution notebooks; release generated (into
    the gradebook at ``db_url`` if given, else the course's own sqlite gradebook)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", path / "nbgrader_config.py")
    with open(path / "nbgrader_config.py", "a") as config:
        config.write(IPC_KERNELS)
    for a in assignments:
        shutil.copytree(ROOT / "solutions" / a, path / "solutions" / a)
    # One nbgrader process for all of them ("*": every assignment in solutions/): each
    # process costs ~6 s of imports and gradebook set-up.
    run_nbgrader(path, "generate_assignment", "*", "--force", db_url=db_url)
    return path


def grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def solution_answers(assignment):
    """{grade_id: source} of the answer cells of the solution notebook, markers removed."""
    nb = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    return {grade_id(c): "\n".join(line for line in c.source.splitlines() if not _MARKER.match(line))
            for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("solution")}


def student_notebook(course, assignment, answers=None, overrides=None):
    """The released notebook with answer cells filled in.

    answers: {grade_id: source} (None: leave every answer as released, i.e. unanswered);
    overrides: {grade_id: source} applied on top (the one wrong answer); a source of None
    deletes the cell (a student who deleted a cell).
    """
    release = Path(course) / "exercises" / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(release, as_version=4)
    filled = dict(answers or {})
    filled.update(overrides or {})
    unknown = set(filled) - {grade_id(c) for c in nb.cells}
    assert not unknown, f"no answer cells {unknown} in {assignment}"
    for cell in nb.cells:
        if grade_id(cell) in filled:
            cell.source = filled[grade_id(cell)]
    nb.cells = [cell for cell in nb.cells if not (grade_id(cell) in filled and filled[grade_id(cell)] is None)]
    return nb


def submit(course, assignment, student, nb):
    folder = Path(course) / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / f"{assignment}.ipynb"))


def autograde(course, assignment):
    """One `nbgrader autograde` call for every submitted student; returns (log, seconds,
    largest resident set in bytes of any of its processes). The guard is per submission and
    generous, meant for a hang, not for a loaded machine (on CI, six submissions of 04 took
    over 900 s while the other graders of the suite ran)."""
    submissions = sum(1 for _ in (Path(course) / "submitted").glob(f"*/{assignment}"))
    return _run_measured(course, ("autograde", assignment, "--force"),
                         timeout=AUTOGRADE_GUARD_PER_SUBMISSION * max(submissions, 1))


def gradebook_url(course, db_url=None):
    """``db_url`` if given (a course graded with NBGRADER_DB_URL), else the course's sqlite file."""
    return db_url or f"sqlite:///{Path(course) / 'gradebook.db'}"


def results(course, assignment, db_url=None):
    """{student: {"score", "max_score", "needs_manual_grade", "cells": {grade_id: score}}},
    read from the course's sqlite gradebook, or from the one at ``db_url``."""
    url = gradebook_url(course, db_url)
    out = {}
    with Gradebook(url) as gb:
        for sub in gb.assignment_submissions(assignment):
            nb = sub.notebooks[0]
            out[sub.student_id] = {
                "score": sub.score, "max_score": sub.max_score,
                "needs_manual_grade": sub.needs_manual_grade,
                "cells": {g.name: g.score for g in nb.grades},
            }
    return out


def autograded_notebook(course, assignment, student):
    return nbformat.read(Path(course) / "autograded" / student / assignment / f"{assignment}.ipynb",
                         as_version=4)


def grader_imports(source):
    """What a module's source imports of the grader-only package ``course_grader``,
    statically or dynamically: [] for a module that may ship in the student edition."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "course_grader"]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("course_grader"):
            found.append(node.module)
    return found + [word for word in ("import_module", "__import__") if word in source]
