"""The README's screenshots are the browser tests' own: `make screenshots` runs the tests with
README_SCREENSHOTS=1, and LabPage.shot (conftest.py) copies these steps' shots into docs/, so
the pictures always show the current code. (A module of its own: several test folders have a
conftest.py, so `from conftest import ...` could find another folder's.)"""

# (test name without "test_", step) -> file in docs/
README_SHOTS = {
    ("threshold_slider_updates_metrics_and_plot", "after"): "screenshot_metrics_slider.png",
    ("quiz_gives_feedback_and_keeps_score", "wrong-answer"): "screenshot_quiz.png",
}
