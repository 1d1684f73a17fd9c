"""Grade every submission of a course in parallel, with Dask distributed.

The coordinator (this module) reads and sanitizes each submission, sends each notebook
to a Dask worker as one self-contained task (``course_lib.grade.worker.grade_notebook``),
and records what comes back in nbgrader's gradebook, which only it writes. A submission
is finished when its scores, its autograded notebook and its feedback are written; then
it goes into the journal (``<course>/.grading_journal.json``), with a digest of what was
graded. Killed at any moment and run again, the batch skips what the journal holds and
grades the rest; a submission half-recorded is graded again, and its scores replace the
half-written ones (nbgrader keeps one score per grade cell, so nothing counts twice).
"""
import csv
import dataclasses
import json
import logging
import os
import statistics
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

import nbformat

from course_lib.grade import intake, record, verdict

NOTEBOOK_TIMEOUT = 900       # seconds for a whole notebook, kernel start to last test
OUTPUT_LIMIT = 1_000_000     # bytes of output kept per cell
SCRATCH_BYTES = 1 << 30      # size of a notebook's scratch tmpfs
# One row per submission, with its status and reason. Not grades.csv: that is the name
# nbgrader's docs give `nbgrader export`, whose columns differ; neither may overwrite the other.
REPORT = "grading_report.csv"


# Statuses: "graded" (every notebook ran and was scored), "failed" (scored, but something
# of the student's could not run: a notebook missing or unreadable, a kernel that died or
# hung; the reason says what), "not graded" (the grader failed: no score is written, and
# the next run grades it again).
GRADED, FAILED, NOT_GRADED = "graded", "failed", "not graded"


@dataclasses.dataclass
class Outcome:
    student: str
    assignment: str
    status: str
    score: float = 0.0
    max_score: float = 0.0
    reasons: list = dataclasses.field(default_factory=list)
    seconds: float = 0.0     # worker time for its notebooks
    warnings: set = dataclasses.field(default_factory=set, repr=False)  # sandbox limits not applied
    resumed: bool = False    # graded by an earlier run and unchanged since: not graded again

    @property
    def reason(self):
        return "; ".join(self.reasons)


class GraderUnavailable(Exception):
    """The grader cannot run on this machine (or a worker): nothing was graded."""


class Journal:
    """Submissions already graded: ``{"student/assignment": {"digest", "outcome"}}``."""

    def __init__(self, path):
        self.path = Path(path)
        try:
            self.entries = json.loads(self.path.read_text())
        except (OSError, ValueError):
            self.entries = {}

    def done(self, submission):
        entry = self.entries.get(f"{submission.student}/{submission.assignment}")
        return entry is not None and entry["digest"] == submission.digest

    def outcome(self, student, assignment):
        entry = self.entries.get(f"{student}/{assignment}")
        if not entry:
            return None
        return Outcome(**dict(entry["outcome"], warnings=set(entry["outcome"].get("warnings", []))))

    def outcomes(self):
        return [self.outcome(*key.split("/", 1)) for key in self.entries]

    def record(self, submission, outcome):
        self.entries[f"{submission.student}/{submission.assignment}"] = {
            "digest": submission.digest,
            "outcome": dict(dataclasses.asdict(outcome), warnings=sorted(outcome.warnings))}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.entries, indent=1))
        os.replace(tmp, self.path)  # atomic: a kill leaves the old journal or the new one


def _client(workers, scheduler):
    from dask.distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler, timeout=30), None
    # One notebook per worker process at a time; a notebook's own processes have their own
    # limits (sandbox), so Dask's memory manager stays out. The scheduler's HTTP server gets a
    # free loopback port (8787 may belong to another grader). Dask's shutdown chatter is not
    # the instructor's business: failures are reported per submission.
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address="127.0.0.1:0", memory_limit=0, silence_logs=logging.CRITICAL)
    return Client(cluster), cluster


@dataclasses.dataclass
class _Pending:
    """A submission on its way: what runs on the workers, what could not be read."""
    submission: object
    outcome: Outcome
    problems: dict            # notebook -> why it cannot be run (the student's)
    runs: dict                # notebook -> sanitized notebook to run
    results: dict = dataclasses.field(default_factory=dict)  # notebook -> the worker's result


def grade(course, assignments=None, students=None, workers=2, scheduler=None, force=False,
          progress=True, log=print, notebook_timeout=NOTEBOOK_TIMEOUT):
    """Grade the submissions; return the :class:`Outcome` of each, in order. Raises
    :class:`GraderUnavailable` (before anything is recorded) if the workers cannot grade."""
    from dask.distributed import as_completed

    from course_lib.grade import worker

    config = record.load_config(course)
    recorder = record.Recorder(config)
    coursedir = recorder.coursedir
    execute = recorder.execute_options()
    if not execute.get("enabled", True):
        raise GraderUnavailable("Execute is switched off in the course's nbgrader_config.py; "
                                "notebooks cannot be graded without running them")
    journal = Journal(Path(coursedir.root) / ".grading_journal.json")
    found, notes = intake.find_submissions(Path(coursedir.root) / coursedir.submitted_directory,
                                           assignments, students)
    for note in notes:
        log(f"note: {note}")

    outcomes, pending = {}, {}
    for student, assignment, folder in found:
        key = (student, assignment)
        item = _read(recorder, journal, student, assignment, folder, force)
        if isinstance(item, Outcome):
            outcomes[key] = item
        else:
            outcomes[key], pending[key] = item.outcome, item

    client = cluster = None
    start = time.perf_counter()
    try:
        if any(item.runs for item in pending.values()):
            client, cluster = _client(workers, scheduler)
            _preflight(client, execute)
        futures = []
        for key, item in pending.items():
            for notebook, nb in item.runs.items():
                payload = {"notebook": nbformat.writes(nb), "execute": execute, "student": key[0],
                           "notebook_timeout": notebook_timeout, "output_limit": OUTPUT_LIMIT,
                           "scratch_bytes": SCRATCH_BYTES}
                future = client.submit(worker.grade_notebook, payload, pure=False,
                                       key=f"grade-{key[0]}-{key[1]}-{notebook}-{uuid.uuid4().hex[:8]}")
                future.tag = (key, notebook)
                futures.append(future)
        for key in [k for k, item in pending.items() if not item.runs]:
            _finish(recorder, journal, pending.pop(key))

        bar = _progress(len(futures), progress)
        # No futures, no client: as_completed([]) would look for a default client and fail.
        for future in (as_completed(futures) if futures else []):
            key, notebook = future.tag
            try:
                result = future.result()
            except Exception as error:  # noqa: BLE001  (a worker died, e.g. out of memory)
                result = {"not_graded": f"the worker failed: {type(error).__name__}: {error}"[:300]}
            item = pending[key]
            item.results[notebook] = result
            if len(item.results) == len(item.runs):
                _finish(recorder, journal, pending.pop(key))
            bar.update(1)
        bar.close()
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    ordered = [outcomes[k] for k in sorted(outcomes)]
    # The report covers every submission graded so far, not only this run's (--student, resume).
    every = {(o.student, o.assignment): o for o in journal.outcomes()}
    every.update({(o.student, o.assignment): o for o in ordered})
    for o in every.values():  # scores as the gradebook has them now: manual grades included
        if o.status == NOT_GRADED:
            continue
        try:
            o.score, o.max_score = recorder.score(o.student, o.assignment)
        except Exception:  # noqa: BLE001  (not in the gradebook: keep the recorded 0)
            pass
    for warning in sorted(set().union(*(o.warnings for o in ordered))):
        log(f"WARNING: {warning}")
    report = Path(coursedir.root) / REPORT
    write_csv(report, every.values())
    log(summary(ordered, time.perf_counter() - start))
    log(f"One row per submission (score, status, reason): {report}")
    return ordered


def _read(recorder, journal, student, assignment, folder, force):
    """A submission read and sanitized (:class:`_Pending`), or its :class:`Outcome` when
    there is nothing to grade (already graded, or the assignment is unknown)."""
    names = recorder.notebooks(assignment)
    if names is None:  # the course is not set up for it: not the student's doing
        return Outcome(student, assignment, NOT_GRADED,
                       reasons=[f"{assignment} is not in the gradebook: run "
                                f"nbgrader generate_assignment {assignment}"])
    submission = intake.read_submission(folder, student, assignment, names)
    if journal.done(submission) and not force:
        return dataclasses.replace(journal.outcome(student, assignment), resumed=True)
    item = _Pending(submission, Outcome(student, assignment, GRADED), {}, {})
    for notebook in names:
        problem = submission.problems.get(notebook)
        if problem is None:
            try:
                item.runs[notebook] = recorder.sanitize(student, assignment, notebook,
                                                        submission.notebooks[notebook])
                continue
            except Exception as error:  # noqa: BLE001  (nbgrader rejects the metadata)
                problem = f"nbgrader could not read its grading metadata: {_metadata_problem(error)}"
        item.problems[notebook] = problem
    return item


def _preflight(client, execute):
    """Every worker must be able to start the judge and the sandboxed kernel before
    anything is graded: a grader that cannot run must not turn into students' zeros."""
    from course_lib.grade import worker

    problems = {address: problem for address, problem in
                client.run(worker.preflight, execute).items() if problem}
    if problems:
        raise GraderUnavailable("the grader cannot run; nothing was graded:\n" + "\n".join(
            f"  worker {address}: {problem}" for address, problem in sorted(problems.items())))


def _metadata_problem(error):
    if isinstance(error, KeyError):  # what nbgrader raises on a copied or renamed grade cell
        return (f"a cell's grade id ({error}) is duplicated or not in the gradebook; "
                "grade cells must not be copied or renamed")
    return f"{type(error).__name__}: {error}"[:300]


def _record_notebook(recorder, outcome, notebook, result):
    student, assignment = outcome.student, outcome.assignment
    if "failed" in result:  # the notebook ran out of time as a whole
        recorder.zero(student, assignment, notebook)
        outcome.reasons.append(f"{notebook}: {result['failed']}")
        return
    outcome.seconds += result.get("seconds", 0.0)
    problems = [f"{notebook}: {p}" for p in result.get("problems", [])]
    nb = nbformat.reads(result["notebook"], as_version=4)
    unjudged = verdict.enforce(nb, result.get("verdicts", {}),
                               "; ".join(result.get("problems", [])) or "the grader got no verdict")
    if unjudged and not problems:
        problems.append(f"{notebook}: no verdict for {', '.join(unjudged)}, scored 0")
    # Saving runs nbgrader's steps on a notebook the grader itself ran: if that fails, it
    # is the grader's failure (a locked gradebook, say), not a reason for a zero.
    recorder.save(student, assignment, notebook, nb)
    outcome.reasons.extend(problems)
    outcome.warnings.update(result.get("warnings", []))


def _finish(recorder, journal, item):
    """Record a submission whose notebooks are all back, unless the grader failed on one."""
    outcome, submission = item.outcome, item.submission
    grader_failures = [f"{notebook}: {result['not_graded']}"
                       for notebook, result in sorted(item.results.items()) if "not_graded" in result]
    if grader_failures:  # nothing written: the next run grades it again
        outcome.status = NOT_GRADED
        outcome.reasons = grader_failures
        return
    try:
        recorder.begin(outcome.student, outcome.assignment, submission.timestamp)
        for notebook, problem in sorted(item.problems.items()):
            recorder.zero(outcome.student, outcome.assignment, notebook)
            outcome.reasons.append(f"{notebook}: {problem}")
        for notebook, result in sorted(item.results.items()):
            _record_notebook(recorder, outcome, notebook, result)
    except Exception as error:  # noqa: BLE001  (the gradebook or nbgrader's steps failed)
        # Not journaled, so the next run grades it again and its scores replace these.
        outcome.status = NOT_GRADED
        outcome.reasons = [f"the grader could not record the scores: {type(error).__name__}: "
                           f"{error}"[:300]]
        return
    problem = recorder.feedback(outcome.student, outcome.assignment)
    if problem:
        outcome.reasons.append(problem)
    outcome.score, outcome.max_score = recorder.score(outcome.student, outcome.assignment)
    if outcome.reasons:  # every reason recorded so far is something that could not be graded
        outcome.status = FAILED
    outcome.reasons.extend(f"note: {n}" for n in submission.notes)
    journal.record(submission, outcome)


class _NoBar:
    def update(self, n):
        pass

    def close(self):
        pass


def _progress(total, enabled):
    if not enabled or total == 0:
        return _NoBar()
    from tqdm import tqdm

    # disable=None: a bar on a terminal, nothing in a log file or CI.
    return tqdm(total=total, unit="notebook", desc="grading", disable=None, file=sys.stderr)


def write_csv(path, outcomes):
    tmp = Path(path).with_suffix(".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["assignment", "student", "score", "max_score", "status", "reason"])
        for o in sorted(outcomes, key=lambda o: (o.assignment, o.student)):
            scored = o.status != NOT_GRADED  # no score: the grader failed, not the student
            writer.writerow([o.assignment, o.student, f"{o.score:g}" if scored else "",
                             f"{o.max_score:g}" if scored else "", o.status, o.reason])
    os.replace(tmp, path)


def summary(outcomes, seconds):
    """Per assignment: submissions graded, failed, not graded (with reasons), skipped
    (graded by an earlier run), mean score, time."""
    rows = defaultdict(list)
    for o in outcomes:
        rows[o.assignment].append(o)
    lines = [f"{'assignment':<20} {'graded':>6} {'failed':>6} {'not_graded':>10} {'skipped':>7} "
             f"{'mean score':>11} {'s/notebook':>10}"]
    for assignment in sorted(rows):
        group = rows[assignment]
        fresh = [o for o in group if not o.resumed]
        scored = [o for o in group if o.max_score and o.status != NOT_GRADED]
        mean = statistics.mean(o.score for o in scored) if scored else 0.0
        top = max((o.max_score for o in scored), default=0.0)
        timed = [o.seconds for o in fresh if o.seconds]
        lines.append(f"{assignment:<20} {sum(o.status == GRADED for o in fresh):>6} "
                     f"{sum(o.status == FAILED for o in fresh):>6} "
                     f"{sum(o.status == NOT_GRADED for o in fresh):>10} "
                     f"{sum(o.resumed for o in group):>7} "
                     f"{mean:>6.2f}/{top:<4g} {statistics.mean(timed) if timed else 0:>10.1f}")
        for o in fresh:
            if o.status != GRADED:
                lines.append(f"  {o.status} {o.student}: {o.reason[:160]}")
    lines.append(f"total {len(outcomes)} submissions in {seconds:.1f} s")
    return "\n".join(lines)
