"""A class-sized grading run: ``python -m course_lib.grade.class_benchmark [--students N]``.

It builds a class in a temporary folder: every assignment of the course released with
``nbgrader generate_assignment``, and for each of ``--students`` students (10 by default: 60
submissions over the six assignments) one submission per assignment, complete, partial (the
first question answered) or blank in turn. It grades copies of that class with the batch
grader (``course_lib.grade.batch.grade``, what ``python -m course_lib.grade`` runs) once per
``--workers`` count (1 and 2 by default), in the same run, and prints for each:

- notebooks per minute, from the wall time of the whole run;
- the coordinator's cost per submission: the CPU time of this process (the Dask scheduler,
  intake, gradebook writes and feedback; the notebooks run in worker processes);
- per assignment, the median worker time of one notebook.

Every run must give every submission the same score. The grader's reference cache is built
before the first run, so no run pays for it. A benchmark, not a test: it prints figures.
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

from course_lib.grade import benchmark

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("complete", "partial", "blank")


def _assignments(course):
    return sorted(p.name for p in (Path(course) / "solutions").iterdir()
                  if p.is_dir() and not p.name.startswith("."))


def _cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def grade_copy(batch_course, folder, workers):
    """Grade a copy of the class with ``workers`` workers: its figures, as a dict."""
    from course_lib.grade import batch

    shutil.copytree(batch_course, folder)
    cpu, start = _cpu_seconds(), time.perf_counter()
    outcomes = batch.grade(folder, workers=workers, force=True, progress=False, log=lambda *_: None)
    wall, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    per_assignment = {}
    for outcome in outcomes:
        per_assignment.setdefault(outcome.assignment, []).append(outcome.seconds)
    return {
        "workers": workers, "submissions": len(outcomes),
        "wall_seconds": round(wall, 1),
        "notebooks_per_minute": round(len(outcomes) / wall * 60, 2),
        "coordinator_cpu_per_submission": round(cpu / len(outcomes), 3),
        "median_notebook_seconds": {a: round(statistics.median(s), 1)
                                    for a, s in sorted(per_assignment.items())},
        "statuses": sorted({o.status for o in outcomes}),
        "failed": [f"{o.assignment}/{o.student}: {o.reason}" for o in outcomes if o.status != "graded"],
    }, benchmark.scores(folder)


def run(course, students, workers_list):
    from course_lib.grade import worker

    assignments = _assignments(course)
    worker.warm_cache()
    with tempfile.TemporaryDirectory(prefix="class-benchmark-") as tmp:
        fresh = benchmark.make_batch(course, Path(tmp) / "class", assignments, students, KINDS)
        runs, scores = [], []
        for workers in workers_list:
            figures, run_scores = grade_copy(fresh, Path(tmp) / f"workers-{workers}", workers)
            runs.append(figures)
            scores.append(run_scores)
    return {"assignments": assignments, "students": students, "kinds": list(KINDS),
            "submissions": len(assignments) * students, "runs": runs,
            "same_scores": all(s == scores[0] for s in scores)}


def print_figures(figures):
    print(f"{figures['submissions']} submissions: {figures['students']} students x "
          f"{len(figures['assignments'])} assignments, {' / '.join(figures['kinds'])} in turn")
    header = f"{'workers':>7} {'wall s':>8} {'notebooks/min':>14} {'coordinator CPU s/submission':>29}"
    print(header)
    for r in figures["runs"]:
        print(f"{r['workers']:>7} {r['wall_seconds']:>8.1f} {r['notebooks_per_minute']:>14.2f} "
              f"{r['coordinator_cpu_per_submission']:>29.3f}")
    print("median worker seconds per notebook, by assignment:")
    for assignment in figures["assignments"]:
        cells = "  ".join(f"{r['workers']} worker(s): {r['median_notebook_seconds'].get(assignment, 0):6.1f}"
                          for r in figures["runs"])
        print(f"  {assignment:<18} {cells}")
    first = figures["runs"][0]
    for r in figures["runs"][1:]:
        print(f"throughput with {r['workers']} workers: "
              f"{r['notebooks_per_minute'] / first['notebooks_per_minute']:.2f}x that of {first['workers']}")
    print(f"same scores in every run: {figures['same_scores']}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--course", type=Path, default=ROOT, help="the course folder (default: this one)")
    parser.add_argument("--students", type=int, default=10,
                        help="students in the class, each submitting every assignment (default: 10)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], metavar="N",
                        help="worker counts to grade the class with, in turn (default: 1 2)")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args(argv)
    if args.students < 1 or min(args.workers) < 1:
        parser.error(f"--students and --workers must be at least 1, got {args.students} and {args.workers}")
    if not (args.course / "solutions").is_dir():
        parser.error(f"{args.course} has no solutions/ folder: pass the instructor's course with --course")
    # nbgrader opens a gradebook with its environment's `alembic`; each scratch copy has its own
    # sqlite gradebook, never the shared one NBGRADER_DB_URL may name.
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    os.environ.pop("NBGRADER_DB_URL", None)
    # nbgrader's own gradebook code trips SQLAlchemy's autoflush warnings; they are not ours to fix.
    warnings.filterwarnings("ignore", message=".*not in session.*")
    figures = run(args.course.resolve(), args.students, args.workers)
    print_figures(figures)
    if args.json:
        print(json.dumps(figures))
    failed = [f for r in figures["runs"] for f in r["failed"]]
    if failed or not figures["same_scores"]:
        sys.exit("runs disagree, or a submission was not graded: " + "; ".join(failed))


if __name__ == "__main__":
    main()
