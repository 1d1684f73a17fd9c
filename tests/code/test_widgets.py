import re

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from course_grader import measures  # noqa: E402
from course_lib import CourseInputError  # noqa: E402
from course_lib.widgets import ThresholdDashboard, detector_summary  # noqa: E402

SUMMARY = re.compile(r"^precision (\d\.\d{3}) · recall (\d\.\d{3}) · "
                     r"false alarms (\d+) · missed dogs (\d+)$")


def measure(scores, is_positive, threshold):
    """What the lesson passes in: the grader's sweep at one threshold."""
    return measures.threshold_sweep(scores, is_positive, [threshold]).at(threshold)


@pytest.fixture
def detector():
    rng = np.random.default_rng(0)
    is_dog = np.zeros(300, dtype=bool)
    is_dog[:60] = True
    scores = np.where(is_dog, rng.beta(5, 1.5, 300), rng.beta(1.2, 6, 300))
    return scores, is_dog


def test_summary_line_has_a_stable_readable_form():
    row = {"precision": 0.9123, "recall": 0.88, "false_alarms": 8, "missed": 12}
    assert detector_summary(row) == "precision 0.912 · recall 0.880 · false alarms 8 · missed dogs 12"
    assert detector_summary(row, "cat").endswith("missed cats 12")


def test_dashboard_shows_the_numbers_of_the_threshold_sweep(detector):
    scores, is_dog = detector
    board = ThresholdDashboard(scores, is_dog, measure, threshold=0.5)
    assert board.slider.description == "threshold"
    expected = measure(scores, is_dog, 0.5)
    match = SUMMARY.match(board.text.value)
    assert match, board.text.value
    assert float(match.group(1)) == pytest.approx(expected["precision"], abs=5e-4)
    assert float(match.group(2)) == pytest.approx(expected["recall"], abs=5e-4)
    assert int(match.group(3)) == expected["false_alarms"]
    assert int(match.group(4)) == expected["missed"]
    assert board.drawn_threshold == 0.5


def test_moving_the_slider_updates_text_and_figure(detector):
    scores, is_dog = detector
    board = ThresholdDashboard(scores, is_dog, measure, threshold=0.5)
    before = board.text.value
    board.slider.value = 0.9
    assert board.drawn_threshold == pytest.approx(0.9)
    assert board.text.value != before
    high = SUMMARY.match(board.text.value)
    board.slider.value = 0.1
    low = SUMMARY.match(board.text.value)
    # A lower threshold flags more images: recall cannot fall, false alarms cannot fall.
    assert float(low.group(2)) >= float(high.group(2))
    assert int(low.group(3)) >= int(high.group(3))
    assert int(low.group(4)) <= int(high.group(4))


def test_figure_marks_the_operating_point_on_the_pr_curve(detector):
    scores, is_dog = detector
    board = ThresholdDashboard(scores, is_dog, measure)
    fig = board.figure(0.7)
    row = board.at(0.7)
    marker = fig.axes[1].lines[1]
    assert marker.get_xdata()[0] == pytest.approx(row["recall"])
    assert marker.get_ydata()[0] == pytest.approx(row["precision"])
    assert fig.axes[0].get_lines()[0].get_xdata()[0] == pytest.approx(0.7)


def test_bad_input_is_refused_with_a_clear_error(detector):
    scores, is_dog = detector
    with pytest.raises(CourseInputError):
        ThresholdDashboard(scores, np.ones_like(is_dog), measure)
    with pytest.raises(CourseInputError):
        ThresholdDashboard(scores[:10], is_dog, measure)
    with pytest.raises(CourseInputError):
        ThresholdDashboard(scores, is_dog, measure, threshold=1.5)


# ---------------------------------------------------------------- saving notebooks

def _save_through_jupyter(folder, notebook, hook=True):
    """Save ``notebook`` as JupyterLab does (the server's contents manager); return the file."""
    import json

    import nbformat
    from jupyter_server.services.contents.filemanager import FileContentsManager

    from course_lib import widgets

    manager = FileContentsManager(root_dir=str(folder))
    if hook:
        manager.register_pre_save_hook(widgets.drop_dead_widget_views)
    manager.save({"type": "notebook", "format": "json",
                  "content": json.loads(nbformat.writes(notebook))}, "lesson.ipynb")
    return nbformat.read(folder / "lesson.ipynb", as_version=4)


def test_saving_turns_widget_views_no_kernel_can_restore_into_text(detector, tmp_path):
    import ipywidgets
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from course_lib import widgets

    scores, is_dog = detector
    board = ThresholdDashboard(scores, is_dog, measure)
    kept = ipywidgets.IntSlider(3)
    notebook = new_notebook(cells=[
        new_code_cell("board", execution_count=1, outputs=[new_output(
            "execute_result", data=board.widget._repr_mimebundle_(), execution_count=1)]),
        new_code_cell("display(kept)", execution_count=2, outputs=[new_output(
            "display_data", data=kept._repr_mimebundle_())]),
        new_code_cell("print('hi')", execution_count=3, outputs=[new_output(
            "stream", name="stdout", text="hi\n")]),
    ])
    # The state JupyterLab saves with "Save Widget State Automatically": only the slider's.
    notebook.metadata["widgets"] = {
        widgets.WIDGET_STATE: ipywidgets.Widget.get_manager_state(widgets=[kept])}

    unchanged = _save_through_jupyter(tmp_path, notebook, hook=False)
    assert widgets.WIDGET_VIEW in unchanged.cells[0].outputs[0].data, "a dead view, without the hook"

    saved = _save_through_jupyter(tmp_path, notebook)
    board_output, slider_output, printed = (cell.outputs[0] for cell in saved.cells)
    assert board_output.output_type == "execute_result" and board_output.execution_count == 1
    assert board_output.data == {"text/plain": widgets.SAVED_VIEW_TEXT}
    assert "run this cell again" in widgets.SAVED_VIEW_TEXT
    assert slider_output.data[widgets.WIDGET_VIEW]["model_id"] == kept.model_id, "its state is saved"
    assert printed.text == "hi\n"
    nbformat.validate(saved)


def test_the_hook_is_a_jupyter_server_extension(tmp_path):
    """What `jupyter server extension enable course_lib.widgets` (tools/setup_env.py) makes
    the server do: register the hook on its contents manager."""
    from jupyter_server.extension.manager import ExtensionManager
    from jupyter_server.serverapp import ServerApp
    from jupyter_server.services.contents.filemanager import FileContentsManager

    from course_lib import widgets

    server = ServerApp()
    server.contents_manager = FileContentsManager(root_dir=str(tmp_path))
    extensions = ExtensionManager(serverapp=server)
    extensions.add_extension("course_lib.widgets", enabled=True)
    extensions.link_all_extensions()
    extensions.load_all_extensions()
    assert server.contents_manager._pre_save_hooks == [widgets.drop_dead_widget_views]
