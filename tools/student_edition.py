"""Build the student edition of the course: ``python tools/student_edition.py [OUT]``.

The repository is the instructor's course: solutions with their hidden tests, the
grader-only package ``course_grader`` (reference answers, reference artifacts, held-out
data), the batch grader ``course_lib.grade``. The student edition (default
``dist/student/``) is what an instructor hands out or installs on a class server: the
lessons, the released exercises (as ``nbgrader generate_assignment`` wrote them, hidden
tests removed), the student-side library, a student README and the same two commands,
``make lab`` and ``make test``. Everything in it is copied by an allow-list below, so a
new instructor file stays out unless it is added here on purpose.
"""
import argparse
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STUDENT = ROOT / "student"  # the edition's own README, Makefile and tests

# (source, destination) pairs, relative to the repository and to the edition.
FILES = [
    ("student/README.md", "README.md"),
    ("student/Makefile", "Makefile"),
    ("student/pytest.ini", "pytest.ini"),
    ("student/gitignore", ".gitignore"),
    ("tools/check_python.py", "tools/check_python.py"),
    ("tools/setup_env.py", "tools/setup_env.py"),
]
FOLDERS = [
    ("notebooks", "notebooks", ["*.ipynb"]),
    ("exercises", "exercises", ["*"]),
    ("course_lib", "course_lib", ["*"]),
    ("student/tests", "tests", ["*.py"]),
    ("docs", "docs", ["*.png"]),
]
# Instructor-only parts of course_lib: the batch grader, and the benchmark (it converts with
# the grader's own conversions).
EXCLUDED = {"course_lib/grade", "course_lib/benchmark.py"}
# Requirements only the instructor's tools use (the batch grader, the tests, the gradebook on
# PostgreSQL, the formgrader's offline MathJax).
INSTRUCTOR_ONLY_PACKAGES = {"dask", "playwright", "hypothesis", "pytest-xdist", "psycopg2-binary",
                            "jupyter-server-mathjax"}


def _requirements():
    kept = []
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        name = re.split(r"[\[=<>~ ]", line.strip(), maxsplit=1)[0].lower()
        if name not in INSTRUCTOR_ONLY_PACKAGES:
            kept.append(line)
    return "\n".join(kept) + "\n"


def _copy_folder(source, target, patterns):
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(ROOT).as_posix()
        if (not path.is_file() or path.suffix == ".pyc"
                or any(part in ("__pycache__", ".ipynb_checkpoints") for part in path.parts)
                or any(relative == e or relative.startswith(e + "/") for e in EXCLUDED)
                or not any(path.match(p) for p in patterns)):
            continue
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)


def build(out):
    """Write the student edition into ``out`` (replaced if it exists); return its path."""
    out = Path(out).resolve()
    if out == ROOT or ROOT.is_relative_to(out):
        raise ValueError(f"refusing to replace {out}: it holds the course itself")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for source, target in FILES:
        destination = out / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / source, destination)
    for source, target, patterns in FOLDERS:
        _copy_folder(ROOT / source, out / target, patterns)
    (out / "requirements.txt").write_text(_requirements())
    _ship_provided_models(out / "course_lib" / "assets" / "provided")
    return out


def _ship_provided_models(target):
    """The models the exercises start from, made here with the grader-side conversions
    (cached once per machine): the edition's ``course_lib.provided`` only loads them."""
    sys.path.insert(0, str(ROOT))
    from course_grader import provided_models
    from course_lib import provided

    target.mkdir(parents=True)
    for name in provided.FILES:  # by name: not the whole cache
        source = provided_models.make(name)
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "dist" / "student"),
                        help="folder to write (default: dist/student)")
    args = parser.parse_args(argv)
    try:
        out = build(args.out)
    except ValueError as error:
        sys.exit(f"error: {error}")
    files = sum(1 for p in out.rglob("*") if p.is_file())
    print(f"student edition: {out} ({files} files)")


if __name__ == "__main__":
    main()
