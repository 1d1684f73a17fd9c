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
