"""An instructor grades one submission in the formgrader of a fresh clone, offline.

- ``make lab`` first puts every assignment in the gradebook (tools/gradebook.py): on a
  fresh clone the gradebook is empty, and Autograde failed with "No assignment with ID
  '01_metrics' exists in the database" until Generate was clicked.
- The Autograde button grades; the Generate Feedback button writes a feedback page whose
  table of contents names each entry and whose tables are readable.
- The manual-grading page loads MathJax from the course's own server: nothing is fetched
  from beyond 127.0.0.1, and its script finds MathJax ("MathJax is not defined" before).
"""
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "grading"))

from course import solution_answers, student_notebook  # noqa: E402

ASSIGNMENT, STUDENT = "01_metrics", "ada"
# q1 answered with the solution's code, q2 and q3 left as released: q1's 4 points of 10.
EXPECTED_SCORE = "4 / 10"


def test_make_lab_puts_every_assignment_in_the_gradebook_first():
    plan = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "tools/gradebook.py" in plan and "jupyter lab" in plan
    assert plan.index("tools/gradebook.py") < plan.index("jupyter lab")


@pytest.fixture
def submitted(course_copy):
    """The fresh course after `make lab`'s gradebook step, with one collected submission."""
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "gradebook.py"), "--course", str(course_copy)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    answers = {"q1_answer": solution_answers(ASSIGNMENT)["q1_answer"]}
    folder = course_copy / "submitted" / STUDENT / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(student_notebook(course_copy, ASSIGNMENT, answers), str(folder / f"{ASSIGNMENT}.ipynb"))
    return course_copy


def assert_readable_table(page):
    """The exercise's question / task / points table: cells spaced and ruled, not squashed
    (nbgrader's pages style table cells with no padding)."""
    cells = page.locator(".rendered_html table td")
    assert cells.count() >= 9  # 3 questions, 3 columns
    padding_top, padding_right, rule = cells.first.evaluate("""td => { const s = getComputedStyle(td);
        return [parseFloat(s.paddingTop), parseFloat(s.paddingRight), parseFloat(s.borderBottomWidth)]; }""")
    assert padding_top >= 4 and padding_right >= 8 and rule >= 1, (padding_top, padding_right, rule)


def _row(page):
    return page.locator("tr", has=page.locator("td.student-id", has_text=STUDENT))


def test_autograde_feedback_and_manual_grading_in_the_formgrader(lab_page, submitted):
    page = lab_page.page
    # Autograde, from the submissions page of a course nobody clicked Generate in. (The
    # formgrader's front page first, as an instructor comes in: it logs the browser in.)
    lab_page.goto("/formgrader")
    page.wait_for_selector(f"text={ASSIGNMENT}", timeout=60_000)
    lab_page.goto(f"/formgrader/manage_submissions/{ASSIGNMENT}")
    _row(page).locator("td.autograde a").click()
    page.wait_for_selector(f"text=Successfully autograded '{ASSIGNMENT}' for student '{STUDENT}'",
                           timeout=240_000)
    lab_page.goto(f"/formgrader/manage_submissions/{ASSIGNMENT}")
    _row(page).locator("td.score", has_text=EXPECTED_SCORE).wait_for(timeout=30_000)
    lab_page.shot("autograded")

    _row(page).locator("td.generate-feedback a").click()
    page.wait_for_selector("text=Successfully generated feedback", timeout=120_000)

    # The feedback page as the student opens it.
    feedback = submitted / "feedback" / STUDENT / ASSIGNMENT / f"{ASSIGNMENT}.html"
    page.goto(feedback.as_uri())
    entries = page.locator("#toc li a").all_inner_texts()
    assert entries and not {"Test cell", "Comment"} & set(entries), entries
    assert "q2 · comment on your answer" in entries  # nbgrader's "No response." on q2
    assert "q1 · accuracy (1 point)" in entries
    assert_readable_table(page)
    lab_page.shot("feedback")

    # Manual grading: the student's notebook in the formgrader. (The feedback file above,
    # opened from disk, asks a CDN for MathJax: offline, its math stays as typed.)
    lab_page.console_errors.clear()
    hosts, failed = set(), []
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))
    page.on("response", lambda response: response.status >= 400 and failed.append(
        f"{response.status} {response.url}"))
    lab_page.goto(f"/formgrader/manage_students/{STUDENT}/{ASSIGNMENT}")
    page.locator("a", has_text=ASSIGNMENT).last.click()
    page.wait_for_selector("#notebook .cell", timeout=60_000)
    page.wait_for_function("() => window.MathJax !== undefined && MathJax.Hub !== undefined", timeout=30_000)
    page.wait_for_load_state("networkidle")
    assert_readable_table(page)
    lab_page.shot("manual-grading")
    assert failed == []
    assert lab_page.console_errors == []
    assert hosts <= {"127.0.0.1"}, f"requests beyond the machine: {hosts - {'127.0.0.1'}}"
