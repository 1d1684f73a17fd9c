"""A failure of the grader is never a student's grade.

- A grader whose judge and kernel cannot import the course's library (the course run from
  a copy whose environment points elsewhere) stops before grading, says why, and writes
  nothing: no score, no gradebook submission, no grading_report.csv.
- A judge that dies while a notebook is graded leaves that submission "not graded": no
  score written, the reason in grading_report.csv, exit status 3; the next run grades it.
- A killed runner's scratch folder is removed by the next runner.
"""
import contextlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from test_batch_cluster import (QUIZ, Tree, grader_command, grader_env, report_rows, gradebook_rows,
                                submit_mix, summary_counts, assert_graded_exactly,
                                quiz_template, course)  # noqa: F401  (fixtures)

from course_lib.grade import runner
from course_lib.grade.batch import REPORT
from course_lib.grade.cli import NOT_GRADED_EXIT

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 600


def test_a_grader_that_cannot_start_its_judge_grades_nothing(course, tmp_path):
    submit_mix(course, [3])
    # The command imports a copy of the library, so the sandbox shows that copy; the
    # environment's path file still points at the original, which the sandbox hides.
    copy = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "course_lib", copy / "course_lib",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = dict(grader_env(), PYTHONPATH=str(copy))
    done = subprocess.run(grader_command(course, "--workers", "1"), cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "error: the grader cannot run; nothing was graded" in done.stderr
    assert "No module named 'course_lib'" in done.stderr, done.stderr
    assert not (course / REPORT).exists()
    assert gradebook_rows(course)[0] == {}  # no submission recorded, so no zero either
    assert not (course / "autograded").exists() or not any((course / "autograded").iterdir())


def _judges(tree):
    """The judge's Python processes under the grader's process ``tree`` (not the sandbox
    tools that start them, nor the judges of any other grader running on the machine)."""
    found = []
    for process in tree.scan():
        with contextlib.suppress(psutil.Error):
            argv = process.cmdline() or [""]
            if "course_lib.grade.judge" in argv and Path(argv[0]).name.startswith("python"):
                found.append(process)
    return found


def test_a_judge_that_dies_leaves_its_submission_not_graded(course):
    expected = submit_mix(course, [2])
    grader = subprocess.Popen(grader_command(course, "--workers", "1"), cwd=ROOT,
                              env=grader_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    killed, preflight, tree = None, None, Tree(grader.pid)
    deadline = time.monotonic() + TIMEOUT
    while killed is None and grader.poll() is None and time.monotonic() < deadline:
        for judge in _judges(tree):
            # The first judge is the preflight's (one worker); then the first notebook's.
            preflight = preflight or judge.pid
            if judge.pid != preflight:
                judge.kill()
                killed = judge.pid
                break
        time.sleep(0.02)
    stdout, stderr = grader.communicate(timeout=TIMEOUT)
    assert killed, "no judge process was seen"
    assert grader.returncode == NOT_GRADED_EXIT, stdout + stderr

    rows = {row["student"]: row for row in report_rows(course)}
    lost = [s for s, row in rows.items() if row["status"] == "not graded"]
    assert len(lost) == 1, rows
    row = rows[lost[0]]
    assert (row["score"], row["max_score"]) == ("", "")
    assert "the grader's check process" in row["reason"]
    assert lost[0] not in gradebook_rows(course)[0]  # nothing written for it
    for student in set(expected) - set(lost):
        assert rows[student]["status"] == "graded", rows[student]
    line_counts = next(l for l in stdout.splitlines() if l.startswith(QUIZ + " ")).split()[1:5]
    assert [int(n) for n in line_counts] == [len(expected) - 1, 0, 1, 0]
    assert f"not graded {lost[0]}:" in stdout

    # The next run grades it, and only it.
    done = subprocess.run(grader_command(course, "--workers", "1"), cwd=ROOT, env=grader_env(),
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert summary_counts(done.stdout) == {"graded": 1, "failed": 0, "skipped": len(expected) - 1}
    assert_graded_exactly(course, expected)


def test_a_killed_runners_scratch_folder_is_removed_later(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"{runner.SCRATCH_PREFIX}{dead.pid}-abc"
    live = tmp_path / f"{runner.SCRATCH_PREFIX}{os.getpid()}-def"
    other = tmp_path / "course-data"
    for folder in (stale, live, other):
        (folder / "work").mkdir(parents=True)
    if psutil.pid_exists(dead.pid):
        pytest.skip("the pid was reused at once")
    runner.remove_stale_scratch(tmp_path)
    assert not stale.exists()
    assert live.exists() and other.exists()


# A judge that says it is ready, reads the cell, then: stays silent (a check that never
# finishes), or exits (a check process that crashed).
SILENT_JUDGE = "import sys, time; print('{\"ready\": true}', flush=True); sys.stdin.readline(); time.sleep(60)"
EXITING_JUDGE = "import sys; print('{\"ready\": true}', flush=True); sys.stdin.readline(); sys.exit(3)"


@pytest.mark.parametrize("judge_code, reason", [
    (SILENT_JUDGE, "the grader's check of cell 2 did not finish within 2 s of its own time"),
    (EXITING_JUDGE, "the grader's check process failed on cell 2 (JudgeUnavailable: the judge process stopped)"),
], ids=["check-times-out", "check-process-exits"])
def test_a_check_that_cannot_finish_is_the_graders_failure_not_a_zero(tmp_path, judge_code, reason):
    """The notebook's code runs in the kernel, off the judge's clock, so a judge past its own
    time limit is the grader's failure: the cell is "grader error" (the runner then reports
    the notebook not graded), never a failed test."""
    from course_lib.grade.execute import JudgedExecute
    import nbformat

    answer = nbformat.v4.new_code_cell("answer = 42")
    test = nbformat.v4.new_code_cell("assert answer == 42")
    test.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                 "grade_id": "q1_test", "points": 1, "schema_version": 3}
    nb = nbformat.v4.new_notebook(cells=[answer, test])
    executor = JudgedExecute(kernel_name=runner.KERNEL_NAME, exchange=str(tmp_path),
                             judge_cmd=[sys.executable, "-c", judge_code], judge_timeout=2)
    executor.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    assert executor.verdicts == {"q1_test": "grader error"}
    assert executor.grader_errors == [reason]
    assert executor.problems == []  # nothing is put down to the notebook
    assert nb.cells[1].outputs[0].ename == "GraderError"


def test_a_kernel_slow_to_stop_after_its_interrupt_keeps_the_later_cells():
    """A cell interrupted at the time limit may take a while to unwind (an import in C code
    on a loaded machine, printed output still queued). Within the grace it is only that cell's
    time-out; the notebook's later cells still run and are graded."""
    from course_lib.grade.execute import JudgedExecute
    import nbformat

    slow_to_stop = nbformat.v4.new_code_cell(
        "import time\ntry:\n    time.sleep(120)\nexcept KeyboardInterrupt:\n"
        "    time.sleep(8)  # longer than nbgrader's 4 s wait for the kernel to go idle\n")
    later = nbformat.v4.new_code_cell("print('later cell ran')")
    nb = nbformat.v4.new_notebook(cells=[slow_to_stop, later])
    executor = JudgedExecute(kernel_name=runner.KERNEL_NAME, exchange=os.getcwd(),
                             judge_cmd=[sys.executable, "-c", "input()"],  # no test cell to judge
                             timeout=3, interrupt_grace=30)
    executor.preprocess(nb, {"metadata": {"path": os.getcwd()}})
    assert executor.problems == []  # the kernel stopped in time: nothing lost but that cell
    assert nb.cells[0].outputs[-1].ename == "CellTimeoutError"
    assert nb.cells[1].outputs[0].text == "later cell ran\n"
