"""Grade every assignment once per test session, with real nbgrader.

For each assignment, a temporary course folder gets the solution notebook, generates
the student version (`nbgrader generate_assignment`) and receives the submissions of
submissions.py (solution, unanswered, wrong-in-one-way): ``honest_courses``. ``graded``
then grades each course's submissions in ONE `nbgrader autograde` call, one assignment at
a time: test_agreement.py starts the batch grader (two workers) on copies of the same
submissions before ``graded`` runs, so three notebooks are graded at once, beside the
other test worker; more only slows each of them down. GRADING_TEST_WORKERS=2 grades two
assignments at a time (each has its own course folder and sqlite gradebook, so no
gradebook is written concurrently).
"""
import dataclasses
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from course import (NBGRADER, ROOT, autograde, make_course, results,  # noqa: E402
                    solution_answers, student_notebook, submit)
from submissions import SELFCHECK_CASE, WRONG  # noqa: E402

GRADING_WORKERS = int(os.environ.get("GRADING_TEST_WORKERS", "1"))  # assignments at once
HEAVIEST_FIRST = ["04_optimization", "03_conversion", "06_shipping", "01_metrics", "02_pipeline_trace",
                  "05_quiz"]


@dataclasses.dataclass
class Graded:
    assignment: str
    course: Path
    log: str
    seconds: float
    max_rss_bytes: int  # the largest process of its `nbgrader autograde` (kernels included)
    results: dict  # student -> {"score", "max_score", "needs_manual_grade", "cells"}


def _submit_honest(base, assignment):
    course = make_course(base / assignment, [assignment])
    answers = solution_answers(assignment)
    submit(course, assignment, "solution", student_notebook(course, assignment, answers))
    submit(course, assignment, "blank", student_notebook(course, assignment))
    for student, overrides, _, _ in WRONG[assignment]:
        submit(course, assignment, student, student_notebook(course, assignment, answers, overrides))
    return course


def _grade(course, assignment):
    log, seconds, max_rss = autograde(course, assignment)
    return Graded(assignment, course, log, seconds, max_rss, results(course, assignment))


VALIDATE = "02_pipeline_trace"  # TensorFlow and LiteRT write to stderr in its test cells


def _validate(base):
    """`nbgrader validate` on a solution whose checks run TensorFlow and LiteRT."""
    folder = base / "validate" / VALIDATE
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", folder.parent / "nbgrader_config.py")
    shutil.copy(ROOT / "solutions" / VALIDATE / f"{VALIDATE}.ipynb", folder)
    result = subprocess.run([*NBGRADER, "validate", str(folder / f"{VALIDATE}.ipynb")],
                            cwd=folder.parent, capture_output=True, text=True, timeout=900)
    return result


def _selfcheck(base):
    """course_lib.selfcheck on the same wrong submission the autograder grades."""
    from course_lib import selfcheck

    assignment, student = SELFCHECK_CASE
    overrides = dict(next(o for s, o, _, _ in WRONG[assignment] if s == student))
    nb = student_notebook(ROOT, assignment, solution_answers(assignment), overrides)
    folder = base / "selfcheck" / assignment
    folder.mkdir(parents=True)
    path = folder / f"{assignment}.ipynb"
    nbformat.write(nb, str(path))
    return selfcheck.run_fresh(path)


@pytest.fixture(scope="session")
def honest_courses(tmp_path_factory):
    """{assignment: course folder}, its honest submissions submitted, not graded yet."""
    base = tmp_path_factory.mktemp("grading")
    # The grader's reference conversions are cached once per machine; make them before any
    # notebook is timed (`python -m course_grader.references`, ~25 s on a fresh machine, else ~1 s).
    subprocess.run([sys.executable, "-m", "course_grader.references"], check=True, capture_output=True,
                   timeout=600)
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = {a: pool.submit(_submit_honest, base, a) for a in HEAVIEST_FIRST}
        return {a: job.result() for a, job in jobs.items()}


@pytest.fixture(scope="session")
def graded(honest_courses, tmp_path_factory):
    base = tmp_path_factory.mktemp("checks")
    with ThreadPoolExecutor(max_workers=GRADING_WORKERS) as pool:
        jobs = {a: pool.submit(_grade, honest_courses[a], a) for a in HEAVIEST_FIRST}
        jobs["validate"] = pool.submit(_validate, base)
        jobs["selfcheck"] = pool.submit(_selfcheck, base)
        done = {name: job.result() for name, job in jobs.items()}
    # Largest resident set of any autograde process (the notebook kernels among them).
    done["max_rss_bytes"] = max(g.max_rss_bytes for g in done.values() if isinstance(g, Graded))
    return done


@pytest.fixture(scope="session")
def coreml_models():
    """Core ML conversions of the probe model, right and wrong in one way each (made once:
    the check tests of several files use them)."""
    from course_grader import references
    from course_lib import data
    from course_lib.quiet import quiet

    with quiet():
        import coremltools as ct

        model = references.probe_model()
        image = ct.ImageType(shape=(1, 28, 28, 1), scale=1 / 255, color_layout=ct.colorlayout.GRAYSCALE)
        labels = ct.ClassifierConfig(list(data.CLASS_NAMES))
        return {
            "good": ct.convert(model, convert_to="mlprogram", inputs=[image], classifier_config=labels),
            "neuralnetwork": ct.convert(model, convert_to="neuralnetwork", inputs=[image],
                                        classifier_config=labels),
            "tensor": ct.convert(model, convert_to="mlprogram", classifier_config=labels),
            "unscaled": ct.convert(model, convert_to="mlprogram", classifier_config=labels, inputs=[
                ct.ImageType(shape=(1, 28, 28, 1), color_layout=ct.colorlayout.GRAYSCALE)]),
            "no_labels": ct.convert(model, convert_to="mlprogram", inputs=[image]),
            "reversed_labels": ct.convert(model, convert_to="mlprogram", inputs=[image],
                                          classifier_config=ct.ClassifierConfig(list(data.CLASS_NAMES)[::-1])),
        }
