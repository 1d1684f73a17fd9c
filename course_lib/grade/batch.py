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

from course_lib.grade import intake, record

CELL_TIMEOUT = 120           # seconds per cell (nbgrader's Execute.timeout, from the course config)
NOTEBOOK_TIMEOUT = 900       # seconds for a whole notebook, kernel start to last test
OUTPUT_LIMIT = 1_000_000     # bytes of output kept per cell
SCRATCH_BYTES = 1 << 30      # size of a notebook's scratch tmpfs


@dataclasses.dataclass
class Outcome:
    student: str
    assignment: str
    status: str              # "graded", "failed" (something could not be graded) or "skipped"
    score: float = 0.0
    max_score: float = 0.0
    reasons: list = dataclasses.field(default_factory=list)
    seconds: float = 0.0     # worker time for its notebooks
    warnings: set = dataclasses.field(default_factory=set, repr=False)  # sandbox limits not applied

    @property
    def reason(self):
        return "; ".join(self.reasons)


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


def grade(course, assignments=None, students=None, workers=2, scheduler=None, force=False,
          progress=True, log=print, notebook_timeout=NOTEBOOK_TIMEOUT):
    """Grade the submissions; return the :class:`Outcome` of each, in order."""
    from dask.distributed import as_completed

    from course_lib.grade import worker

    config = record.load_config(course)
    recorder = record.Recorder(config)
    coursedir = recorder.coursedir
    cell_timeout = int(config.get("Execute", {}).get("timeout", CELL_TIMEOUT) or CELL_TIMEOUT)
    journal = Journal(Path(coursedir.root) / ".grading_journal.json")
    found, notes = intake.find_submissions(Path(coursedir.root) / coursedir.submitted_directory,
                                           assignments, students)
    for note in notes:
        log(f"note: {note}")

    outcomes, pending, expected = {}, {}, {}
    client = cluster = None
    futures = []
    start = time.perf_counter()
    try:
        for student, assignment, folder in found:
            key = (student, assignment)
            names = expected.setdefault(assignment, recorder.notebooks(assignment))
            if names is None:
                outcomes[key] = Outcome(student, assignment, "failed",
                                        reasons=[f"{assignment} is not in the gradebook: run "
                                                 f"nbgrader generate_assignment {assignment}"])
                continue
            submission = intake.read_submission(folder, student, assignment, names)
            if journal.done(submission) and not force:
                outcomes[key] = dataclasses.replace(journal.outcome(student, assignment),
                                                    status="skipped")
                continue
            recorder.begin(student, assignment, submission.timestamp)
            outcome = outcomes[key] = Outcome(student, assignment, "graded")
            pending[key] = {"submission": submission, "left": set()}
            for notebook in names:
                problem = submission.problems.get(notebook)
                nb = submission.notebooks.get(notebook)
                if problem is None:
                    try:
                        nb = recorder.sanitize(student, assignment, notebook, nb)
                    except Exception as error:  # noqa: BLE001  (nbgrader rejects the metadata)
                        problem = f"nbgrader could not read its grading metadata: {_metadata_problem(error)}"
                if problem is not None:
                    recorder.zero(student, assignment, notebook)
                    outcome.reasons.append(f"{notebook}: {problem}")
                    continue
                if client is None:
                    client, cluster = _client(workers, scheduler)
                payload = {"notebook": nbformat.writes(nb), "cell_timeout": cell_timeout,
                           "notebook_timeout": notebook_timeout, "output_limit": OUTPUT_LIMIT,
                           "scratch_bytes": SCRATCH_BYTES}
                future = client.submit(worker.grade_notebook, payload, pure=False,
                                       key=f"grade-{student}-{assignment}-{notebook}-{uuid.uuid4().hex[:8]}")
                future.tag = (student, assignment, notebook)
                futures.append(future)
                pending[key]["left"].add(notebook)
            if not pending[key]["left"]:
                _finish(recorder, journal, pending.pop(key)["submission"], outcome, log)

        bar = _progress(len(futures), progress)
        # No futures, no client: as_completed([]) would look for a default client and fail.
        for future in (as_completed(futures) if futures else []):
            student, assignment, notebook = future.tag
            key = (student, assignment)
            outcome = outcomes[key]
            try:
                result = future.result()
            except Exception as error:  # noqa: BLE001  (a worker died, e.g. out of memory)
                result = {"failed": f"the worker failed: {type(error).__name__}: {error}"[:300]}
            _record_notebook(recorder, outcome, notebook, result)
            pending[key]["left"].discard(notebook)
            if not pending[key]["left"]:
                _finish(recorder, journal, pending.pop(key)["submission"], outcome, log)
            bar.update(1)
        bar.close()
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    ordered = [outcomes[k] for k in sorted(outcomes)]
    # grades.csv covers every submission graded so far, not only this run's (--student, resume).
    every = {(o.student, o.assignment): o for o in journal.outcomes()}
    every.update({(o.student, o.assignment): o for o in ordered})
    for o in every.values():  # scores as the gradebook has them now: manual grades included
        try:
            o.score, o.max_score = recorder.score(o.student, o.assignment)
        except Exception:  # noqa: BLE001  (not in the gradebook: keep the recorded 0)
            pass
    for warning in sorted(set().union(*(o.warnings for o in ordered))):
        log(f"WARNING: {warning}")
    write_csv(Path(coursedir.root) / "grades.csv", every.values())
    log(summary(ordered, time.perf_counter() - start))
    return ordered


def _metadata_problem(error):
    if isinstance(error, KeyError):  # what nbgrader raises on a copied or renamed grade cell
        return (f"a cell's grade id ({error}) is duplicated or not in the gradebook; "
                "grade cells must not be copied or renamed")
    return f"{type(error).__name__}: {error}"[:300]


def _record_notebook(recorder, outcome, notebook, result):
    student, assignment = outcome.student, outcome.assignment
    if "failed" in result:
        recorder.zero(student, assignment, notebook)
        outcome.reasons.append(f"{notebook}: {result['failed']}")
        return
    outcome.seconds += result.get("seconds", 0.0)
    nb = nbformat.reads(result["notebook"], as_version=4)
    try:
        recorder.save(student, assignment, notebook, nb)
    except Exception as error:  # noqa: BLE001  (metadata changed while running)
        recorder.zero(student, assignment, notebook)
        outcome.reasons.append(f"{notebook}: its grading metadata changed while it ran ({error})")
        return
    outcome.reasons.extend(f"{notebook}: {p}" for p in result.get("problems", []))
    outcome.warnings.update(result.get("warnings", []))


def _finish(recorder, journal, submission, outcome, log):
    problem = recorder.feedback(outcome.student, outcome.assignment)
    if problem:
        outcome.reasons.append(problem)
    outcome.score, outcome.max_score = recorder.score(outcome.student, outcome.assignment)
    if outcome.reasons:  # every reason recorded so far is something that could not be graded
        outcome.status = "failed"
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
            writer.writerow([o.assignment, o.student, f"{o.score:g}", f"{o.max_score:g}",
                             "failed" if o.status == "failed" else "graded", o.reason])
    os.replace(tmp, path)


def summary(outcomes, seconds):
    """Per assignment: submissions graded, failed (with reasons), mean score, time."""
    rows = defaultdict(list)
    for o in outcomes:
        rows[o.assignment].append(o)
    lines = [f"{'assignment':<20} {'graded':>6} {'failed':>6} {'skipped':>7} {'mean score':>11} "
             f"{'s/notebook':>10}"]
    for assignment in sorted(rows):
        group = rows[assignment]
        scored = [o for o in group if o.max_score]
        mean = statistics.mean(o.score for o in scored) if scored else 0.0
        top = max((o.max_score for o in scored), default=0.0)
        timed = [o.seconds for o in group if o.seconds]
        lines.append(f"{assignment:<20} {sum(o.status == 'graded' for o in group):>6} "
                     f"{sum(o.status == 'failed' for o in group):>6} "
                     f"{sum(o.status == 'skipped' for o in group):>7} "
                     f"{mean:>6.2f}/{top:<4g} {statistics.mean(timed) if timed else 0:>10.1f}")
        for o in group:
            if o.status == "failed":
                lines.append(f"  failed {o.student}: {o.reason[:160]}")
    lines.append(f"total {len(outcomes)} submissions in {seconds:.1f} s")
    return "\n".join(lines)
