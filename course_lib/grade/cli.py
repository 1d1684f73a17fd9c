"""Command line of the batch grader (``python -m course_lib.grade --help``)."""
import argparse
import warnings
import os
import sys
from pathlib import Path


NOT_GRADED_EXIT = 3  # some submissions could not be graded (a grader failure): run again


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m course_lib.grade",
        description="Grade every submission under nbgrader's submitted/<student>/<assignment>/, "
                    "each in a sandbox, in parallel: scores into the gradebook, feedback, and "
                    "grading_report.csv (one row per submission: score, status, reason; "
                    "`nbgrader export` writes the scores alone to grades.csv). Safe to stop and run "
                    "again: finished submissions are skipped. "
                    "Exit status 0: all graded; 1: nothing graded (the grader cannot run here); "
                    f"{NOT_GRADED_EXIT}: some submissions not graded (grader failures), run again.")
    parser.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                        help="assignments to grade (default: every one with submissions)")
    parser.add_argument("--workers", type=int, default=2,
                        help="local worker processes, one notebook each at a time (default: 2)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="a running Dask scheduler (tcp://host:8786) instead of local workers")
    parser.add_argument("--course", default=".", type=Path,
                        help="course folder, the one with nbgrader_config.py (default: here)")
    parser.add_argument("--student", action="append", dest="students", metavar="STUDENT",
                        help="grade only this student (repeatable)")
    parser.add_argument("--force", action="store_true",
                        help="grade again submissions already graded and unchanged")
    parser.add_argument("--notebook-timeout", type=int, default=900, metavar="SECONDS",
                        help="time limit for one notebook, start to end (default: 900; the limit "
                             "per cell is nbgrader's Execute.timeout in the course config)")
    parser.add_argument("--benchmark", action="store_true",
                        help="time serial `nbgrader autograde` against this command on the same "
                             "submissions (in scratch copies of the course) and print the speed-up")
    parser.add_argument("--benchmark-students", type=int, default=6, metavar="N",
                        help="with --benchmark: submissions per assignment (default: 6)")
    parser.add_argument("--json", action="store_true", help="with --benchmark: also print JSON")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error(f"--workers must be at least 1, got {args.workers}")
    return args


def main(argv=None):
    args = parse_args(argv)
    # nbgrader opens the gradebook with its environment's `alembic`.
    bin_dir = os.path.dirname(sys.executable)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    if args.benchmark:
        from course_lib.grade import benchmark

        # It grades scratch copies, each with its own sqlite gradebook: never a shared
        # gradebook that NBGRADER_DB_URL names (its scratch students would land there).
        os.environ.pop("NBGRADER_DB_URL", None)
        benchmark.main(args)
        return
    from course_lib.grade import batch, record

    # nbgrader's own gradebook code trips SQLAlchemy's autoflush warnings; they are not ours to fix.
    warnings.filterwarnings("ignore", message=".*not in session.*")
    try:
        outcomes = batch.grade(args.course, args.assignments or None, args.students,
                               workers=args.workers, scheduler=args.scheduler, force=args.force,
                               notebook_timeout=args.notebook_timeout)
    except (FileNotFoundError, batch.GraderUnavailable, record.GradebookUnavailable) as error:
        sys.exit(f"error: {error}")
    not_graded = sum(o.status == batch.NOT_GRADED for o in outcomes)
    if not_graded:
        print(f"{not_graded} submission(s) not graded because the grader failed (see "
              f"{batch.REPORT}); run the same command again to grade them", file=sys.stderr)
        sys.exit(NOT_GRADED_EXIT)
    sys.exit(0)
