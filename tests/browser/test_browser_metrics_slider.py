"""A student runs the metrics lesson in JupyterLab and moves the threshold slider:
precision, recall and the counts change, and the plot is drawn again. Saved and opened
again in a new kernel, the lesson shows no dead widget."""
import re
import time

from course_lib.widgets import SAVED_VIEW_TEXT, WIDGET_VIEW

NOTEBOOK = "notebooks/01_metrics.ipynb"

PATTERN = re.compile(r"precision ([\d.]+) · recall ([\d.]+) · false alarms (\d+) · missed dogs (\d+)")


def settle(dashboard, readout, quiet_s=3, timeout_s=30):
    """Wait until the text and the figure stop changing (each key press queues an update)."""
    deadline = time.time() + timeout_s
    state, since = None, time.time()
    while time.time() < deadline:
        now = (readout.inner_text(), dashboard.locator("img").first.get_attribute("src"))
        if now != state:
            state, since = now, time.time()
        elif time.time() - since >= quiet_s:
            return
        time.sleep(0.5)
    raise AssertionError("the dashboard kept changing")


def test_threshold_slider_updates_metrics_and_plot(lab_page):
    lab_page.open_notebook(NOTEBOOK)
    lab_page.run_all(timeout_s=600)  # a limit to catch a hang, not a speed target
    page = lab_page.page
    slider = page.locator(".widget-slider", has=page.locator(".widget-label", has_text="threshold")).first
    slider.scroll_into_view_if_needed()
    dashboard = page.locator(".jp-OutputArea-output", has=slider).first
    readout = dashboard.locator(".widget-label", has_text="precision").first
    before_text = readout.inner_text()
    before = PATTERN.search(before_text)
    assert before, f"unexpected dashboard text: {before_text!r}"
    plot = dashboard.locator("img").first
    before_plot = plot.get_attribute("src")
    lab_page.shot("before")

    handle = slider.locator(".noUi-handle").first
    handle.focus()
    for _ in range(8):
        handle.press("ArrowRight")
    page.wait_for_function(
        "([el, old]) => el.innerText !== old", arg=[readout.element_handle(), before_text], timeout=20_000)
    after = PATTERN.search(readout.inner_text())
    assert after
    # A higher threshold: no more false alarms than before, no fewer missed dogs.
    assert int(after.group(3)) <= int(before.group(3))
    assert int(after.group(4)) >= int(before.group(4))
    assert after.groups() != before.groups()
    # The figure is drawn anew (a new image element), not merely kept.
    deadline = time.time() + 20
    while dashboard.locator("img").first.get_attribute("src") == before_plot:
        assert time.time() < deadline, "the plot was not redrawn after the slider moved"
        time.sleep(0.5)
    settle(dashboard, readout)
    lab_page.shot("after")
    assert lab_page.error_outputs() == []

    # Saved (as autosave does) and opened again in a new kernel: no "model not found", the
    # dashboard's output says to run its cell again.
    saved = lab_page.save_notebook(NOTEBOOK)
    outputs = [o for cell in saved["cells"] for o in cell.get("outputs", [])]
    assert not [o for o in outputs if WIDGET_VIEW in o.get("data", {})]
    assert [o for o in outputs if o.get("data", {}).get("text/plain") == SAVED_VIEW_TEXT]
    lab_page.open_in_new_kernel(NOTEBOOK)
    assert lab_page.widget_errors() == []
    note = page.locator(".jp-CodeCell", has_text="ThresholdDashboard(").locator(
        ".jp-OutputArea-output", has_text="run this cell again")
    note.first.scroll_into_view_if_needed()
    lab_page.shot("reopened")
