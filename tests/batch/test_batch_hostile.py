"""The batch grader against hostile and broken submissions (tests/batch/hostile.py), mixed
with honest ones, all graded in ONE run of ``python -m course_lib.grade`` (conftest.py).

Each hostile case gets its exact score, status and reason, and its graded notebook shows
why the attack failed; every honest submission gets exactly its known score; no feedback
shows a hidden test; one notebook's crash costs that notebook only. For three cases, plain
``nbgrader autograde`` on the same submissions shows what the sandbox and the judge prevent.
"""
import html
import re
from datetime import datetime

import nbformat
import pytest
from nbgrader.api import Gradebook

from course import ROOT
from course_lib.grade.batch import OUTPUT_LIMIT  # bytes of output kept per cell
from course_lib.grade.sandbox import Sandbox
from hostile import (CASES, FOOLS_PLAIN_NBGRADER, METRICS, QUIZ, SKIPPED, TIMESTAMP,
                     honest_submissions)
from submissions import MAX_SCORE

BOX = Sandbox.detect()
# The outcomes below are those of the full sandbox; without it the grader only warns.
pytestmark = pytest.mark.skipif(
    not (BOX.is_root and BOX.has_bwrap and BOX.can_unshare_net and BOX.has_setpriv
         and BOX.has_prlimit),
    reason="the hostile suite needs the full sandbox (root, bwrap, setpriv, prlimit): "
           + " ".join(BOX.warnings))

ASSIGNMENTS = sorted({case.assignment for case in CASES})
HONEST = [(assignment, student, score) for assignment in ASSIGNMENTS
          for student, _, score in honest_submissions(assignment)]
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)


def row(batch, assignment, student):
    key = (assignment, student)
    assert key in batch.rows, (f"no grading_report.csv row for {student}/{assignment}; "
                               f"the command printed:\n{batch.output[-3000:]}")
    return batch.rows[key]


def outputs_text(nb):
    """Every output of a notebook as text (streams, errors, results). Consecutive pieces of
    one stream are joined as Jupyter shows them: a loaded kernel may flush one print in two."""
    parts = []
    for cell in nb.cells:
        previous_stream = None
        for output in cell.get("outputs", []):
            stream = output.get("name") if output.get("output_type") == "stream" else None
            if stream and stream == previous_stream:
                parts[-1] += output.get("text", "")
            else:
                parts.append(output.get("text", ""))
            previous_stream = stream
            if not stream:
                parts.append(f"{output.get('ename', '')}: {output.get('evalue', '')}")
                parts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def autograded(course, assignment, student):
    return nbformat.read(course / "autograded" / student / assignment / f"{assignment}.ipynb",
                         as_version=4)


def hidden_test_lines():
    """Every line of every hidden test of the graded assignments, from the instructor's
    sources."""
    lines = set()
    for assignment in ASSIGNMENTS:
        nb = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
        for cell in nb.cells:
            for block in HIDDEN.findall(cell.source):
                lines.update(line.strip() for line in block.splitlines() if line.strip())
    return lines


def shown_text(page):
    """What a feedback page shows: its text without tags (code is split into highlighted
    spans), entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


def leaked_lines(page, hidden):
    text = shown_text(page)
    return sorted(line for line in hidden if line in text)


# ------------------------------------------------------------------ each case, exactly

@pytest.mark.parametrize("case", CASES, ids=[case.student for case in CASES])
def test_hostile_submission_gets_its_exact_outcome(hostile_batch, case):
    got = row(hostile_batch, case.assignment, case.student)
    expected = (case.status, case.score, MAX_SCORE[case.assignment])
    assert (got["status"], float(got["score"]), float(got["max_score"])) == expected, \
        f"{case.why}; reason: {got['reason']}"
    for piece in (case.reason,) if isinstance(case.reason, str) else case.reason:
        assert piece in got["reason"]
    if case.status == "graded":  # only notes, never something that could not be graded
        assert not got["reason"] or got["reason"].startswith("note: "), got["reason"]
    else:  # one clear sentence per problem, not a stack trace
        assert got["reason"].strip() and "Traceback" not in got["reason"]
    gradebook = hostile_batch.results[case.assignment][case.student]
    assert (gradebook["score"], gradebook["max_score"]) == (case.score, MAX_SCORE[case.assignment])
    if case.evidence:
        shown = outputs_text(autograded(hostile_batch.course, case.assignment, case.student))
        assert case.evidence in shown, case.why


@pytest.mark.parametrize("assignment, student, score", HONEST,
                         ids=[f"{a}-{s}" for a, s, _ in HONEST])
def test_honest_submission_in_the_mix_gets_its_exact_score(hostile_batch, assignment, student,
                                                           score):
    got = row(hostile_batch, assignment, student)
    assert (got["status"], float(got["score"]), float(got["max_score"])) == \
        ("graded", score, MAX_SCORE[assignment]), got["reason"]
    assert hostile_batch.results[assignment][student]["score"] == score


# ------------------------------------------------------------------ the batch as a whole

def test_batch_finished_with_one_row_per_submission(hostile_batch):
    assert hostile_batch.returncode == 0, hostile_batch.output[-3000:]
    assert "WARNING:" not in hostile_batch.stdout  # every sandbox limit was applied
    assert sorted(hostile_batch.rows) == sorted(hostile_batch.submitted)
    for student, note in SKIPPED.items():  # a linked folder is not a submission
        assert f"note: skipped {student}: {note}" in hostile_batch.stdout
        assert not any(s == student for _, s in hostile_batch.rows)


def test_summary_table_counts_every_submission(hostile_batch):
    lines = hostile_batch.stdout.splitlines()
    assert any(line.split() == ["assignment", "graded", "failed", "not_graded", "skipped", "mean",
                                "score", "s/notebook"] for line in lines), hostile_batch.stdout
    for assignment in ASSIGNMENTS:
        statuses = [r["status"] for (a, _), r in hostile_batch.rows.items() if a == assignment]
        line = next(line for line in lines if line.startswith(assignment + " "))
        graded, failed, not_graded, skipped = (int(n) for n in line.split()[1:5])
        assert (graded, failed, not_graded, skipped) == (statuses.count("graded"),
                                                         statuses.count("failed"), 0, 0)
    assert f"total {len(hostile_batch.rows)} submissions in" in hostile_batch.stdout


def test_feedback_never_shows_a_hidden_test(hostile_batch):
    hidden = hidden_test_lines()
    assert len(hidden) >= 20  # q01..q20's and 01_metrics' hidden checks
    pages = sorted((hostile_batch.course / "feedback").glob("*/*/*.html"))
    for (assignment, student), got in hostile_batch.rows.items():
        if got["status"] == "graded":  # every graded submission gets its feedback back
            assert (hostile_batch.course / "feedback" / student / assignment
                    / f"{assignment}.html") in pages, f"no feedback for {student}/{assignment}"
    for page in pages:
        assert leaked_lines(page, hidden) == [], page


def test_endless_printing_is_capped_in_the_graded_notebook(hostile_batch):
    path = hostile_batch.course / "autograded" / "endless_printing" / QUIZ / f"{QUIZ}.ipynb"
    answers = next(c for c in nbformat.read(path, as_version=4).cells
                   if c.metadata.get("nbgrader", {}).get("grade_id") == "answers")
    printed = "".join(o.get("text", "") for o in answers.outputs)
    assert f"[output stopped here: over {OUTPUT_LIMIT:,} bytes]" in printed
    assert len(printed) <= OUTPUT_LIMIT + 100
    assert path.stat().st_size < 2 * OUTPUT_LIMIT


def test_limits_stopped_the_bombs_where_they_are_set(hostile_batch):
    def printed(student):
        return outputs_text(autograded(hostile_batch.course, QUIZ, student))

    memory = int(re.search(r"MEMORY BOMB stopped at (\d+) MB", printed("memory_bomb"))[1])
    assert 0 < memory <= 4096  # the sandbox's 4 GiB data limit
    forks = int(re.search(r"FORK BOMB stopped after (\d+) forks", printed("fork_bomb"))[1])
    assert 0 < forks < 256  # the sandbox's process limit (per sandbox user)
    written, stops = re.search(r"DISK FILLER wrote (\d+) bytes, stopped by (\[.*?\])",
                               printed("disk_filler")).groups()
    # 1 GiB scratch tmpfs + the sandbox's 512 MiB /tmp and 64 MiB /dev/shm; 256 MiB per file.
    assert int(written) <= 2**30 + 2**29 + 2**26
    assert stops == "['EFBIG', 'ENOSPC']"


def test_nothing_reached_the_network_or_the_files_outside(hostile_batch):
    assert hostile_batch.connections == []
    assert hostile_batch.secret_file.exists()


def test_a_timestamp_forged_from_the_kernel_is_not_recorded(hostile_batch):
    course = hostile_batch.course
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        recorded = gb.find_submission(QUIZ, "forger").timestamp
    assert recorded == datetime(2026, 3, 2, 10, 0, 0)
    assert (course / "submitted" / "forger" / QUIZ / "timestamp.txt").read_text() == TIMESTAMP
    assert (course / "autograded" / "forger" / QUIZ / "timestamp.txt").read_text().startswith(
        "2026-03-02 10:00:00")


def test_a_dead_kernel_or_a_broken_file_fails_that_submission_only(hostile_batch):
    # Two kernels die (os._exit in a cell, and in a function a check calls), several files
    # cannot be read: exactly those submissions fail, nothing next to them.
    failed = {key for key, got in hostile_batch.rows.items() if got["status"] == "failed"}
    assert failed == {(c.assignment, c.student) for c in CASES if c.status == "failed"}
    assert {(QUIZ, "os_exit"), (METRICS, "metrics_kills_kernel")} <= failed


# ------------------------------------------------------------------ plain nbgrader, for contrast

@pytest.mark.parametrize("student", FOOLS_PLAIN_NBGRADER)
def test_plain_nbgrader_is_fooled_where_the_batch_grader_is_not(hostile_batch, student):
    plain_course, plain = hostile_batch.plain_course, hostile_batch.plain_results
    case = next(c for c in CASES if c.student == student)
    assert plain[student]["score"] == FOOLS_PLAIN_NBGRADER[student]
    assert float(row(hostile_batch, QUIZ, student)["score"]) == case.score
    hidden = hidden_test_lines()
    plain_page = plain_course / "feedback" / student / QUIZ / f"{QUIZ}.html"
    batch_page = hostile_batch.course / "feedback" / student / QUIZ / f"{QUIZ}.html"
    if student == "leaks_hidden_tests":  # same score, but plain nbgrader hands out the tests
        assert plain[student]["score"] == case.score
        assert leaked_lines(plain_page, hidden), "the spy saw no hidden test in plain nbgrader"
    else:
        assert plain[student]["score"] > case.score
    assert leaked_lines(batch_page, hidden) == []
