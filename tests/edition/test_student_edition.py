"""The student edition (``make student-edition``) holds what students get and nothing that
grades them: no solution, no hidden test, no grader-only code; and it works on its own.

The edition is built once into a temporary folder. Its own tests (student/tests) run with
this environment's Python but the edition's library first on the path, as a student's
copy would import it; the lessons they run are the instructor's lessons byte for byte
(checked here), which tests/notebooks already runs, so they are not run twice.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "grading"))

from course import ASSIGNMENTS, ROOT, solution_answers  # noqa: E402

sys.path.insert(0, str(ROOT / "tools"))
import student_edition  # noqa: E402

HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
MIN_LINE = 16  # shorter lines ("return None", "x = 1") prove nothing


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    return student_edition.build(tmp_path_factory.mktemp("edition") / "student")


def edition_env(edition):
    env = dict(os.environ, PYTHONPATH=str(edition))
    env.pop("NBGRADER_DB_URL", None)
    return env


def _source_cells(assignment):
    nb = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    return [c for c in nb.cells if c.cell_type == "code"]


def _shown_openly():
    """The lessons, and the instructor's sources outside their solution and hidden-test
    blocks (what nbgrader releases on purpose)."""
    parts = [p.read_text(encoding="utf-8") for p in (ROOT / "notebooks").glob("*.ipynb")]
    for assignment in ASSIGNMENTS:
        nb = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
        for cell in nb.cells:  # the task statements in markdown included
            parts.append(json_escaped(HIDDEN.sub("", SOLUTION.sub("", cell.source))))
    return "\n".join(parts)


def secret_lines():
    """{line: where} of every solution and hidden-test line worth looking for."""
    shown = _shown_openly()
    lines = {}
    for assignment in ASSIGNMENTS:
        for cell in _source_cells(assignment):
            for kind, pattern in (("solution", SOLUTION), ("hidden test", HIDDEN)):
                for block in pattern.findall(cell.source):
                    for line in block.splitlines():
                        line = line.strip()
                        if (len(line) < MIN_LINE or line.startswith(("#", "import ", "from "))
                                or json_escaped(line) in shown):  # a lesson shows it openly
                            continue
                        lines[line] = f"{assignment} {kind}"
    return lines


def json_escaped(line):
    return line.replace("\\", "\\\\").replace('"', '\\"')


def test_it_holds_what_students_need_and_no_instructor_folder(edition):
    for path in ("README.md", "Makefile", "requirements.txt", "course_lib/grading.py",
                 "course_lib/selfcheck.py", "tests/test_student_edition.py"):
        assert (edition / path).is_file(), path
    for assignment in ASSIGNMENTS:
        assert (edition / "exercises" / assignment / f"{assignment}.ipynb").is_file()
    for lesson in (ROOT / "notebooks").glob("*.ipynb"):
        assert (edition / "notebooks" / lesson.name).read_bytes() == lesson.read_bytes()
    for absent in ("solutions", "course_grader", "course_lib/grade", "course_lib/benchmark.py",
                   "nbgrader_config.py", "gradebook.db", "tests/batch", "student"):
        assert not (edition / absent).exists(), absent
    requirements = (edition / "requirements.txt").read_text()
    assert "tensorflow==" in requirements and "dask" not in requirements


def leaks(edition):
    secrets = secret_lines()
    assert len(secrets) > 50  # the check has something to find
    found = []
    for path in sorted(p for p in edition.rglob("*") if p.is_file()):
        relative = path.relative_to(edition).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # model weights
        for line, where in secrets.items():
            if line in text or json_escaped(line) in text:
                found.append(f"{relative}: {where}: {line}")
    return found


def test_no_solution_or_hidden_test_line_is_in_any_file(edition):
    found = leaks(edition)
    assert not found, "\n".join(found[:40])


# Graded tasks by the library function that would do them; the module is the edition's.
GRADED_TASKS = {
    "course_lib/evaluate.py": ["metrics_from_confusion", "threshold_sweep"],       # 01 q1, q2
    "course_lib/convert.py": ["to_tflite", "to_coreml", "representative_dataset"],  # 03 q1/q5, 04 q1
    "course_lib/widgets.py": ["threshold_sweep", "best_recall_with_precision"],    # 01 q2
    # 03 q4 (probabilities from a .tflite file) and 02 q1/q2 (quantize, dequantize): the
    # runtime gives classes only, and quantizes inside that function, returning no tensor
    "course_lib/runtime.py": ["run_tflite", "TFLiteModel", "_quantize", "_dequantize"],
}


def graded_task_functions(edition, modules):
    found = []
    for module in modules:
        text = (edition / module).read_text(encoding="utf-8")
        found += [f"{module}: {name}" for name in GRADED_TASKS[module]
                  if f"def {name}(" in text or f"class {name}" in text or f".{name}(" in text]
    return found


def test_the_library_performs_no_graded_task(edition):
    """What 01 q1/q2, 02 q1/q2, 03 q1/q4/q5 and 04 q1 ask for is nowhere in the edition's
    library; the models the exercises start from, and the probabilities 01 starts from, ship
    as files (the library only loads them)."""
    assert not graded_task_functions(edition, GRADED_TASKS)
    shipped = sorted(p.name for p in (edition / "course_lib" / "assets" / "provided").iterdir())
    assert shipped == sorted(["reference_float32.tflite", "reference_float16.tflite",
                              "reference_dynamic_range.tflite", "reference_int8_seed8128.tflite",
                              "reference_savedmodel", "reference_float32_val_probabilities.npy"])


def test_the_edition_passes_its_own_tests(edition):
    """Its unanswered exercises fail their visible tests, and no grader code came along."""
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-k", "not lesson", str(edition / "tests")], cwd=edition,
                          env=edition_env(edition), capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "passed" in done.stdout


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_solution_passes_every_visible_test_in_the_edition(edition, assignment, tmp_path):
    """The instructor's solution, typed into the released notebook of the edition, passes
    the visible tests with the edition's own library."""
    from course import student_notebook

    nb = student_notebook(edition, assignment, solution_answers(assignment))
    folder = tmp_path / assignment
    folder.mkdir()
    nbformat.write(nb, str(folder / f"{assignment}.ipynb"))
    done = subprocess.run([sys.executable, "-m", "course_lib.selfcheck",
                           str(folder / f"{assignment}.ipynb")], cwd=edition,
                          env=edition_env(edition), capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "FAIL" not in done.stdout, done.stdout
