"""A student works on a generated exercise in JupyterLab: the visible test under an
answer prints FAIL with a hint for a wrong answer and PASS for a right one."""

WRONG = '''def metrics(cm):
    cm = np.asarray(cm)
    correct = np.diag(cm)
    return correct.mean(), correct / cm.sum(axis=1), correct / cm.sum(axis=0)

accuracy, precision, recall = metrics(CM_PETS)
'''

RIGHT = '''def metrics(cm):
    cm = np.asarray(cm)
    correct = np.diag(cm)
    return correct.sum() / cm.sum(), correct / cm.sum(axis=0), correct / cm.sum(axis=1)

accuracy, precision, recall = metrics(CM_PETS)
'''


def answer_and_check(lab_page, code):
    """Replace the q1 answer cell's code, run it and the accuracy test below it."""
    page = lab_page.page
    answer = page.locator(".jp-CodeCell", has_text="def metrics(cm)").first
    answer.scroll_into_view_if_needed()
    editor = answer.locator(".cm-content").first
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)
    page.keyboard.press("Shift+Enter")          # run the answer, move to the test cell
    page.keyboard.press("Shift+Enter")          # run the visible test
    test_cell = page.locator(".jp-CodeCell", has_text='grading.metrics_accuracy("q1"').first
    output = test_cell.locator(".jp-OutputArea-output")
    output.filter(has_text="q1").first.wait_for(timeout=60_000)
    lab_page.wait_idle(60, every_cell=False)
    return test_cell.locator(".jp-OutputArea").inner_text()


def test_visible_tests_fail_with_a_hint_then_pass(lab_page):
    lab_page.open_notebook("exercises/01_metrics/01_metrics.ipynb")
    page = lab_page.page
    # Run all: the set-up cells run, then execution stops at the first unanswered question.
    lab_page.run_all(wait=False)
    lab_page.wait_cell_ran("CM_PETS = np.array")
    lab_page.wait_idle(120, every_cell=False)

    wrong = answer_and_check(lab_page, WRONG)
    assert "FAIL" in wrong and "PASS" not in wrong, wrong
    lab_page.shot("wrong")
    right = answer_and_check(lab_page, RIGHT)
    assert "PASS" in right and "FAIL" not in right, right
    lab_page.shot("right")


def _answered(course_copy, wrong_q1):
    """Exercise 01 with every question answered, q1 wrongly (the other answers are the
    solution's), saved next to the released notebook so it finds the same files."""
    import re

    import nbformat

    def answers(nb):
        return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("solution")}

    folder = course_copy / "exercises" / "01_metrics"
    nb = nbformat.read(folder / "01_metrics.ipynb", as_version=4)
    solution = answers(nbformat.read(course_copy / "solutions" / "01_metrics" / "01_metrics.ipynb",
                                     as_version=4))
    marker = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")
    for grade_id, cell in answers(nb).items():
        cell.source = wrong_q1 if grade_id == "q1_answer" else "\n".join(
            line for line in solution[grade_id].source.splitlines() if not marker.match(line))
    path = folder / "01_metrics_run_all.ipynb"
    nbformat.write(nb, str(path))
    return path.relative_to(course_copy).as_posix()


def test_run_all_shows_every_verdict_after_a_fail(lab_page, course_copy):
    """A wrong answer to q1 makes its test cells raise (FAIL): Run All
    still runs every later cell (test cells carry the `raises-exception` tag), so the
    verdicts of q2 and q3 show in the same run."""
    lab_page.open_notebook(_answered(course_copy, WRONG))
    page = lab_page.page
    lab_page.run_all(wait=False)  # a fresh kernel; asked again if it dropped the request
    last = 'grading.budget_decisions("q3"'                 # the last visible test cell
    lab_page.wait_cell_ran(last, timeout_s=300)            # Run All did not stop at q1's FAIL
    lab_page.wait_idle(120)                                # every code cell ran
    lab_page.shot("run-all")

    def output(text):
        return page.locator(".jp-CodeCell", has_text=text).first.locator(".jp-OutputArea").inner_text()

    for check in ("metrics_accuracy", "metrics_precision", "metrics_recall"):
        text = output(f'grading.{check}("q1"')
        assert "FAIL" in text and "PASS" not in text, (check, text)
    for check in ('grading.threshold_choice("q2"', last):
        text = output(check)
        assert "PASS" in text and "FAIL" not in text, (check, text)
