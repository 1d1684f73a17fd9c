"""Put every assignment of the course in its gradebook: ``python tools/gradebook.py [--course DIR]``.

nbgrader's Autograde (the formgrader's button, ``nbgrader autograde``) needs the assignment
in the gradebook, and only Generate puts it there: on a fresh clone the gradebook is
empty and Autograde fails with "No assignment with ID ... exists in the database".
``make lab`` runs this first. It generates each assignment missing from the gradebook as
Generate does, writing the student versions to a scratch folder: exercises/ holds the
committed student versions and is left as it is. It is quick when nothing is missing.
"""
import argparse
import os
import sys
import tempfile
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from sqlalchemy.exc import SQLAlchemyError

from course_lib.grade.record import gradebook_problem, load_config

ROOT = Path(__file__).resolve().parent.parent


def missing_assignments(course):
    directory = CourseDirectory(config=load_config(course))
    db_url, source = directory.db_url, course / directory.source_directory
    assignments = sorted(p.name for p in source.iterdir() if p.is_dir() and not p.name.startswith("."))
    try:
        with Gradebook(db_url) as gradebook:
            known = {a.name for a in gradebook.assignments}
    except (ImportError, SQLAlchemyError) as error:  # a driver or database problem: say which
        raise SystemExit(gradebook_problem(db_url, error))
    return [a for a in assignments if a not in known]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--course", type=Path, default=ROOT,
                        help="the course folder, with nbgrader_config.py (default: this repository)")
    course = parser.parse_args(argv).course.resolve()
    if not (course / "nbgrader_config.py").is_file():
        raise SystemExit(f"{course} has no nbgrader_config.py: pass the course folder with --course")
    # nbgrader runs its environment's `alembic` executable to create a gradebook, here and
    # in the generate commands below.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    missing = missing_assignments(course)
    if not missing:
        print("gradebook: every assignment is in it")
        return
    config = load_config(course)
    with tempfile.TemporaryDirectory() as scratch:
        config.CourseDirectory.release_directory = scratch
        api = NbGraderAPI(config=config)
        for assignment in missing:
            result = api.generate_assignment(assignment, force=True)
            if not result["success"]:
                raise SystemExit(f"nbgrader could not generate {assignment}:\n{result['error']}")
    print(f"gradebook: added {', '.join(missing)}")


if __name__ == "__main__":
    main()
