"""A class's whole cycle on a real JupyterHub, as an instructor runs it (deploy/).

On loopback: the hub from deploy/jupyterhub_config.py, real Unix accounts (an instructor,
two students) logging in with their passwords (PAM), each server run as its account. The
instructor releases the graded quiz (05_quiz: seconds to grade) to the shared exchange;
student A fetches and submits it in Chromium through JupyterLab's Assignment List, student
B on the command line, each with answers whose score is known; the instructor collects,
grades with ``python -m course_lib.grade``, generates and releases the feedback; each
student fetches their own. From each student's own account: no ``course_grader``, and
neither the other student's work nor the instructor's course folder can be read.

nbgrader's exchange keeps submissions apart by name, not by file mode: it makes a submission
world-readable (so the instructor can collect it) in an inbound folder no student can list,
under a name with a random part. So "cannot read the other's submission" is checked as
"cannot list it, find it, or read it in the other student's home".
"""
import contextlib
import json
import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import nbformat
import psutil
import pytest
from nbgrader.api import Gradebook

from course_grader import quiz as grader
from course_lib.quiz import graded
from deploy import accounts, environments
from hub_server import ROOT, class_hub

pytestmark = pytest.mark.slow

SCREENSHOTS = ROOT / "test-output" / "hub"
QUIZ = "05_quiz"
MISTAKES = {0: 3, 1: 8}  # student index -> questions answered wrong
SPAWN_MS = 300_000       # logging in starts the user's server: slow on a busy machine


def _skip_unless_possible():
    if os.geteuid() != 0:
        pytest.skip("the class hub test needs root: it creates Unix accounts (run `make test` as root)")
    if not (ROOT / "deploy" / "node_modules" / ".bin" / "configurable-http-proxy").exists():
        pytest.skip("configurable-http-proxy is not installed: run `make hub-packages` (needs npm)")
    if not environments.runnable_by_everyone(sys._base_executable) and shutil.which("patchelf") is None:
        pytest.skip(f"patchelf is missing: the class's accounts cannot run {sys._base_executable} where "
                    "it is, and copying it needs patchelf (run `make test` as root so it can be installed)")


# ------------------------------------------------------------------ the quiz's answers

def answers_with_mistakes(student, count):
    """{question: answer} of ``student``'s quiz with the first ``count`` questions wrong."""
    right = grader.answers(student)
    wrong = set(graded.IDS[:count])
    return {q: (right[q] if q not in wrong else right[q] + 1000 if graded.kind(q) == "number"
                else next(l for l in graded.letters(q) if not grader.is_right(student, q, l)))
            for q in graded.IDS}


def expected_score(student, answers):
    return sum(grader.is_right(student, q, answers[q]) for q in graded.IDS)


WRITE_ANSWERS = """
import sys, nbformat
path, source = sys.argv[1], sys.argv[2]
nb = nbformat.read(path, as_version=4)
[cell] = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "answers"]
cell.source = source
nbformat.write(nb, path)
"""


def write_answers_as(hub, student, answers):
    """The student's answer cell, written from their own account into their fetched copy."""
    notebook = accounts.home(student) / QUIZ / f"{QUIZ}.ipynb"
    hub.python_as(student, WRITE_ANSWERS, notebook, "ANSWERS = " + json.dumps(answers, indent=4))


# ------------------------------------------------------------------ the browser

def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def log_in(browser, hub, user):
    """A new browser session logged in as ``user`` on the hub's login page, their server
    started and JupyterLab loaded."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", hub.password(user))
    page.locator("#login_submit").click()
    try:
        page.wait_for_url(f"**/user/{user}/lab**", timeout=SPAWN_MS)
        page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").first.wait_for(timeout=120_000)
    except Exception:
        shot(page, f"login-FAILED-{user}")
        raise
    return page


def fetch_and_submit_in_browser(page, hub, student, answers):
    """The Assignment List: Fetch the quiz, answer it (from the student's shell), Submit."""
    try:
        page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").first.click()
        listed = page.locator(".lm-Menu-itemLabel", has_text="Assignment List").first
        listed.wait_for(timeout=30_000)
        # The student edition's set-up enables only what students use: no instructor tools.
        items = set(page.locator(".lm-Menu-itemLabel").all_inner_texts())
        assert not {"Formgrader", "Course List", "Create Assignment"} & items, items
        listed.click()
        released = page.locator("#released_assignments_list .list_item", has_text=QUIZ)
        released.get_by_role("button", name="Fetch").click(timeout=60_000)
        fetched = page.locator("#fetched_assignments_list .list_item", has_text=QUIZ)
        fetched.get_by_role("button", name="Submit").wait_for(timeout=60_000)
        write_answers_as(hub, student, answers)
        fetched.get_by_role("button", name="Submit").click()
        page.locator("#submitted_assignments_list .list_item", has_text=QUIZ).first.wait_for(timeout=60_000)
        shot(page, "student-submitted")
    except Exception:
        shot(page, "student-FAILED")
        raise


def listening_addresses(processes):
    addresses = set()
    for process in processes:
        try:
            connections = process.net_connections(kind="inet")
        except psutil.Error:
            continue
        addresses |= {c.laddr.ip for c in connections if c.status == psutil.CONN_LISTEN}
    return addresses


# ------------------------------------------------------------------ what students can reach

ISOLATION = """
import importlib.util, json, os, sys
def denied(action, path):
    try:
        os.listdir(path) if action == "list" else open(path, "rb").close()
    except PermissionError:
        return True
    return False
checks = json.loads(sys.argv[1])
print(json.dumps({
    "course_grader": importlib.util.find_spec("course_grader") is not None,
    "course_lib": importlib.util.find_spec("course_lib").origin,
    "batch_grader": importlib.util.find_spec("course_lib.grade") is not None,
    "denied": {f"{a} {p}": denied(a, p) for a, p in checks},
}))
"""


def what_student_reaches(hub, student, other):
    course = hub.course()
    other_copy = accounts.home(other) / QUIZ / f"{QUIZ}.ipynb"
    checks = [("list", hub.inbound), ("list", course), ("read", course / "nbgrader_config.py"),
              ("read", course / "solutions" / QUIZ / f"{QUIZ}.ipynb"), ("list", accounts.home(other)),
              ("read", other_copy)]
    done = hub.python_as(student, ISOLATION, json.dumps([(a, str(p)) for a, p in checks]))
    return json.loads(done.stdout)


# ------------------------------------------------------------------ the test

class Steps:
    """When each step started and how long it took (steps overlap), printed at the end; a
    failure's report shows it too."""

    def __init__(self):
        self.start, self.times = time.monotonic(), []

    @contextlib.contextmanager
    def __call__(self, name):
        began = time.monotonic()
        try:
            yield
        finally:
            self.times.append((began - self.start, time.monotonic() - began, name))

    def __str__(self):
        lines = [f"at {began:5.0f} s, {seconds:5.1f} s: {name}" for began, seconds, name in sorted(self.times)]
        return "\n".join(lines + [f"{time.monotonic() - self.start:.0f} s in all"])


def test_class_cycle_on_a_real_hub(chromium):
    _skip_unless_possible()
    step = Steps()
    try:
        with contextlib.ExitStack() as stack:
            with step("lay out the class (edition, environments, accounts), start the hub"):
                hub = stack.enter_context(class_hub([QUIZ]))
            pool = stack.enter_context(ThreadPoolExecutor(2))
            run_the_class(hub, chromium, pool, step)
    finally:
        print(f"\nthe class cycle, step by step:\n{step}")


def run_the_class(hub, browser, pool, step):
    """The class; while one account waits for a server to start, another works (threads:
    the browser stays in this one)."""
    a, b = hub.students
    course, teach = hub.course(), hub.instructor
    inbound = hub.inbound
    answers = {s: answers_with_mistakes(s, MISTAKES[i]) for i, s in enumerate(hub.students)}
    expected = {s: expected_score(s, answers[s]) for s in hub.students}
    assert expected == {a: 17, b: 12}

    def release():
        with step("instructor: nbgrader generate_assignment, release_assignment"):
            hub.run_as(teach, "nbgrader", "generate_assignment", QUIZ, cwd=course)
            hub.run_as(teach, "nbgrader", "release_assignment", QUIZ, cwd=course)

    def student_b_on_the_command_line():
        released.result()
        with step("student B: nbgrader fetch_assignment, answer, submit"):
            hub.run_as(b, "nbgrader", "fetch_assignment", QUIZ)
            write_answers_as(hub, b, answers[b])
            hub.run_as(b, "nbgrader", "submit", QUIZ)

    released = pool.submit(release)
    with step("student A: log in to the hub in Chromium (their server starts)"):
        page_a = log_in(browser, hub, a)
    student_b = pool.submit(student_b_on_the_command_line)
    released.result()
    with step("student A: Assignment List: fetch, submit"):
        fetch_and_submit_in_browser(page_a, hub, a, answers[a])
    # Every server of the hub (hub, proxy, student A's JupyterLab) listens on loopback only.
    assert listening_addresses(hub.processes()) == {"127.0.0.1"}
    student_b.result()
    for student in hub.students:
        [submission] = inbound.glob(f"{student}+{QUIZ}+*")
        submitted = nbformat.read(submission / f"{QUIZ}.ipynb", as_version=4)
        assert any(c.source.startswith("ANSWERS = {") for c in submitted.cells), f"{student}'s submission lacks the answers"

    def grade():
        with step("instructor: nbgrader collect"):
            hub.run_as(teach, "nbgrader", "collect", QUIZ, cwd=course)
        assert sorted(p.name for p in (course / "submitted").iterdir()) == sorted(hub.students)
        with step("instructor: python -m course_lib.grade"):
            hub.run_as(teach, "python", "-m", "course_lib.grade", "--course", course, QUIZ,
                       "--workers", "1", cwd=course, timeout=900)
        for student in hub.students:  # what `nbgrader autograde` carries over, and release_feedback needs
            secret = course / "autograded" / student / QUIZ / "submission_secret.txt"
            assert secret.exists(), (f"course_lib.grade left {secret.name} out of autograded/{student}/{QUIZ}/: "
                                     "nbgrader's feedback commands need it there, as `nbgrader autograde` leaves it")
        with step("instructor: nbgrader generate_feedback, release_feedback"):
            hub.run_as(teach, "nbgrader", "generate_feedback", QUIZ, "--force", cwd=course)
            hub.run_as(teach, "nbgrader", "release_feedback", QUIZ, cwd=course)

    graded = pool.submit(grade)
    with step("instructor: log in to the hub in Chromium (their server starts)"):
        page_t = log_in(browser, hub, teach)
    graded.result()
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {s.student_id: s.score for s in gradebook.assignment_submissions(QUIZ)}
    assert scores == expected

    fetched = pool.map(lambda s: hub.run_as(s, "nbgrader", "fetch_feedback", QUIZ), hub.students)
    with step("instructor: the formgrader's scores; student A kept out of it"):
        page_t.goto(f"{hub.url}/user/{teach}/formgrader/manage_students")
        for student in hub.students:
            row = page_t.locator("tr", has_text=student)
            row.locator(".score").filter(has_text=f"{expected[student]} / 20").wait_for(timeout=60_000)
        shot(page_t, "instructor-formgrader")
        answer = page_a.goto(f"{hub.url}/user/{teach}/formgrader/manage_students")
        assert answer.status == 403, f"student A reached the instructor's formgrader ({answer.status})"
        answer = page_a.goto(f"{hub.url}/user/{a}/formgrader")
        assert answer.status == 404, f"student A's own server has a formgrader ({answer.status})"

    with step("students: nbgrader fetch_feedback (both at once)"):
        list(fetched)
    for student in hub.students:  # their own feedback, and only theirs
        other = next(s for s in hub.students if s != student)
        feedback = sorted((accounts.home(student) / QUIZ / "feedback").rglob("*.html"))
        assert len(feedback) == 1, feedback
        html = feedback[0].read_text()
        assert f"(Score: {expected[student]}.0 / 20.0)" in html, f"{student}'s feedback: {feedback[0]}"
        assert student in html and other not in html, f"{student}'s feedback is not theirs: {feedback[0]}"

    with step("what each student's account can reach"):
        for student in hub.students:
            other = next(s for s in hub.students if s != student)
            seen = what_student_reaches(hub, student, other)
            assert seen["course_grader"] is False and seen["batch_grader"] is False, seen
            assert seen["course_lib"].startswith(str(hub.room.edition)), seen
            assert all(seen["denied"].values()), f"{student} could read: {seen['denied']}"
