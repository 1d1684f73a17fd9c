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
