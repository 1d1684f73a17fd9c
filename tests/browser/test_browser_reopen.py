"""A student answers the practice quiz; the notebook is saved (as autosave does) and opened
again in a new kernel, as after a restart or the next day. No widget shows "Error displaying
widget: model not found", and the quiz, run again, has the same score and answers."""
import shutil

from course_lib import quiz
from course_lib.widgets import SAVED_VIEW_TEXT, WIDGET_VIEW

NOTEBOOK = "notebooks/05_quiz.ipynb"


def letter(question_id, right):
    return next(l for l in quiz.question(question_id).letters if quiz.is_correct(question_id, l) == right)


def answer(page, question_id, chosen, expected):
    block = page.locator(f".quiz-{question_id}")
    block.scroll_into_view_if_needed()
    block.locator("label", has_text=f"{chosen}. ").click()
    block.locator("button.quiz-check").click()
    block.locator(".quiz-feedback").filter(has_text=expected).wait_for(timeout=15_000)


def wait_score(page, text):
    page.wait_for_function("(text) => document.querySelector('.quiz-score')?.innerText.startsWith(text)",
                           arg=text, timeout=30_000)


def test_quiz_answers_come_back_and_no_widget_is_dead_after_reopening(lab_page, course_copy):
    shutil.rmtree(course_copy / "notebooks" / "quiz_progress", ignore_errors=True)
    page = lab_page.page
    total = len(quiz.QUESTIONS)
    lab_page.open_in_new_kernel(NOTEBOOK)
    lab_page.run_all(timeout_s=120)
    answer(page, "q01", letter("q01", right=False), "Not quite")
    answer(page, "q01", letter("q01", right=True), "Correct")
    answer(page, "q02", letter("q02", right=True), "Correct")
    wait_score(page, f"Score: 1 / {total}")
    assert "quiz_progress/05_quiz.json" in page.locator(".quiz-saved").inner_text()
    lab_page.shot("answered")

    # On disk: no widget view that a new kernel could not bring back, a line of text instead.
    saved = lab_page.save_notebook(NOTEBOOK)
    outputs = [o for cell in saved["cells"] for o in cell.get("outputs", [])]
    assert not [o for o in outputs if WIDGET_VIEW in o.get("data", {})]
    assert sum(o.get("data", {}).get("text/plain") == SAVED_VIEW_TEXT for o in outputs) == 6

    lab_page.open_in_new_kernel(NOTEBOOK)
    assert lab_page.widget_errors() == []
    page.locator(".jp-OutputArea-output", has_text="run this cell again").first.wait_for(timeout=30_000)
    assert page.locator(".jp-OutputArea-output", has_text="run this cell again").count() == 6
    lab_page.shot("reopened")

    lab_page.run_all(timeout_s=120)
    wait_score(page, f"Score: 1 / {total}")
    assert page.locator(".quiz-progress").inner_text().startswith(f"Answered 2 of {total}.")
    q01 = page.locator(".quiz-q01")
    q01.scroll_into_view_if_needed()
    assert q01.locator("label:has(input:checked)").inner_text().startswith(f"{letter('q01', right=True)}. ")
    feedback = q01.locator(".quiz-feedback").inner_text()
    assert feedback.startswith("Correct.") and "Retry" in feedback
    assert page.locator(".quiz-q02 .quiz-feedback").inner_text().startswith("Correct.")
    assert page.locator(".quiz-q03 .quiz-feedback").inner_text() == ""
    assert page.locator(".quiz-q03 input:checked").count() == 0
    report = page.locator(".jp-OutputArea-output", has_text="right at try 2")
    assert "q02" in report.inner_text() and "right first time" in report.inner_text()
    page.locator(".quiz-start-over").scroll_into_view_if_needed()
    lab_page.shot("restored")
    assert lab_page.widget_errors() == [] and lab_page.error_outputs() == []
