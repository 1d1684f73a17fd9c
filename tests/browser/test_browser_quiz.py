"""A student answers the quiz in JupyterLab: wrong, then right, and sees feedback and score."""
import shutil

from course_lib import quiz


def test_quiz_gives_feedback_and_keeps_score(lab_page, course_copy):
    # The course copy is the session's: start from no saved answers (another test's).
    shutil.rmtree(course_copy / "notebooks" / "quiz_progress", ignore_errors=True)
    lab_page.open_notebook("notebooks/05_quiz.ipynb")
    lab_page.run_all(timeout_s=120)
    page = lab_page.page
    block = page.locator(".quiz-q01")
    block.scroll_into_view_if_needed()
    block.wait_for(timeout=30_000)
    score = page.locator(".quiz-score")
    question = quiz.question("q01")
    right = next(letter for letter in question.letters if quiz.is_correct("q01", letter))
    wrong = next(letter for letter in question.letters if letter != right)

    block.locator("label", has_text=f"{wrong}. ").click()
    block.locator("button.quiz-check").click()
    feedback = block.locator(".quiz-feedback")
    feedback.filter(has_text="Not quite").wait_for(timeout=15_000)
    assert "Hint" in feedback.inner_text()
    lab_page.shot("wrong-answer")
    score.scroll_into_view_if_needed()
    assert score.inner_text().startswith(f"Score: 0 / {len(quiz.QUESTIONS)}")

    block.scroll_into_view_if_needed()
    block.locator("label", has_text=f"{right}. ").click()
    block.locator("button.quiz-check").click()
    feedback.filter(has_text="Correct").wait_for(timeout=15_000)
    lab_page.shot("right-answer")

    # A first answer on another question that is right raises the score.
    block2 = page.locator(".quiz-q02")
    block2.scroll_into_view_if_needed()
    right2 = next(l for l in quiz.question("q02").letters if quiz.is_correct("q02", l))
    block2.locator("label", has_text=f"{right2}. ").click()
    block2.locator("button.quiz-check").click()
    block2.locator(".quiz-feedback").filter(has_text="Correct").wait_for(timeout=15_000)
    score.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => document.querySelector('.quiz-score').innerText.startsWith('Score: 1 /')", timeout=15_000)
    lab_page.shot("score")
    assert lab_page.error_outputs() == []
