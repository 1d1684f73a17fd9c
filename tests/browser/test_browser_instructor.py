"""An instructor opens the course in JupyterLab: the course kernel is the default and the
nbgrader panels load without errors in the browser console."""


def real_errors(errors):
    # Chromium reports its own blocked network look-ups; those are not the course's.
    return [e for e in errors if "net::ERR" not in e]


def test_lab_starts_with_the_course_kernel_and_no_kernel_prompt(lab_page):
    lab_page.open_notebook("notebooks/01_metrics.ipynb")
    page = lab_page.page
    assert page.locator(".jp-Dialog", has_text="Select Kernel").count() == 0
    # The toolbar names the kernel the notebook started with: the course kernel, unasked.
    page.locator(".jp-NotebookPanel-toolbar", has_text="Mobile deployment course").wait_for(timeout=30_000)
    lab_page.shot("notebook-open")
    assert real_errors(lab_page.console_errors) == []


def test_formgrader_loads_for_the_instructor(lab_page):
    lab_page.goto("/formgrader")
    page = lab_page.page
    page.wait_for_selector("text=Manage Assignments", timeout=60_000)
    for name in ("01_metrics", "03_conversion"):
        page.wait_for_selector(f"text={name}", timeout=30_000)
    lab_page.shot("formgrader")
    assert real_errors(lab_page.console_errors) == []


def test_nbgrader_assignment_list_and_validate_button_load(lab_page):
    lab_page.open_notebook("exercises/03_conversion/03_conversion.ipynb")
    page = lab_page.page
    page.locator(".jp-NotebookPanel-toolbar", has_text="Validate").wait_for(timeout=30_000)
    lab_page.menu("Nbgrader", "Assignment List")
    page.wait_for_selector("text=Released assignments", timeout=30_000)
    lab_page.shot("assignment-list")
    assert real_errors(lab_page.console_errors) == []
