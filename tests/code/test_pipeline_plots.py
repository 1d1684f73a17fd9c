"""Lesson 02's figures: the pipeline diagram, the preprocessing steps as images, and the
training curves' epoch axis. Each figure draws what it is given, reads well (no text
overlaps another or leaves its box), and bad input gets a CourseInputError that says what
was expected."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from course_lib import data, pipeline_plots, plots  # noqa: E402
from course_lib.errors import CourseInputError  # noqa: E402
from course_lib.model import DEFAULT_MOMENTUM_HISTORY_PATH, load_history  # noqa: E402

# The stages lesson 02 draws, with the shapes and dtypes one of its runs measured.
STAGES = [
    ("1 training batch", (64, 28, 28, 1), "float32"),
    ("2 Keras model input", (None, 28, 28, 1), "float32"),
    ("3 TFLite input", (1, 28, 28, 1), np.dtype("float32")),
    ("4 Core ML input", (28, 28), "grayscale image"),
    ("5 int8 TFLite input", np.array([1, 28, 28, 1]), "int8"),
    ("6 camera frame", (224, 224, 3), np.uint8),
    ("6 app's model input", (1, 28, 28, 1), "int8"),
    ("7 raw model output", (1, 10), "int8"),
    ("7 probabilities", (1, 10), "float32"),
]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def drawn_texts(fig):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [(t.get_text(), t.get_window_extent(renderer)) for ax in fig.axes for t in ax.texts if t.get_text()]


def test_pipeline_diagram_draws_each_stage_in_its_own_box_with_arrows(tmp_path):
    fig = pipeline_plots.pipeline_diagram(STAGES, per_row=3, title="stages")
    texts = drawn_texts(fig)
    strings = [s for s, _ in texts]
    for name, shape, dtype in STAGES:
        assert name in strings
        assert str(tuple(None if d is None else int(d) for d in shape)) in strings
    assert {"float32", "int8", "uint8", "grayscale image", "stages"} <= set(strings)
    assert "(None, 28, 28, 1)" in strings and "(224, 224, 3)" in strings

    clash = [(a, b) for i, (a, box_a) in enumerate(texts) for b, box_b in texts[i + 1:] if box_a.overlaps(box_b)]
    assert not clash, f"overlapping texts: {clash}"
    renderer = fig.canvas.get_renderer()
    boxes = [p for p in fig.axes[0].patches if (p.get_gid() or "").startswith("stage ")]
    assert len(boxes) == len(STAGES)
    for i, box in enumerate(boxes):  # name, shape and dtype of stage i inside box i
        outline = box.get_window_extent(renderer)
        inside = texts[3 * i + 0: 3 * i + 3]
        assert [s for s, _ in inside][0] == STAGES[i][0]
        for s, extent in inside:
            assert outline.x0 < extent.x0 and extent.x1 < outline.x1, f"{s!r} sticks out of its box"
            assert outline.y0 < extent.y0 and extent.y1 < outline.y1, f"{s!r} sticks out of its box"
    for s, extent in texts:
        assert extent.x0 >= 0 and extent.y0 >= 0 and extent.x1 <= fig.bbox.x1 and extent.y1 <= fig.bbox.y1, s
    arrows = [p for p in fig.axes[0].patches if type(p).__name__ == "FancyArrowPatch"]
    assert len(arrows) == len(STAGES) - 1
    fig.savefig(tmp_path / "diagram.png")
    assert (tmp_path / "diagram.png").stat().st_size > 10_000


def test_pipeline_diagram_fits_a_notebook_and_colours_by_kind_of_dtype():
    fig = pipeline_plots.pipeline_diagram(STAGES[:4])  # one row
    width, height = fig.get_size_inches()
    assert width < 11 and height < 2
    fills = [matplotlib.colors.to_hex(p.get_facecolor()) for p in fig.axes[0].patches
             if (p.get_gid() or "").startswith("stage ")]
    assert fills == [pipeline_plots.DTYPE_COLOURS["float"]] * 3 + [pipeline_plots.OTHER_COLOUR]
    fig = pipeline_plots.pipeline_diagram([("frame", (2, 2, 3), "uint8"), ("input", (1, 2, 2, 1), "int8")])
    fills = [matplotlib.colors.to_hex(p.get_facecolor()) for p in fig.axes[0].patches
             if (p.get_gid() or "").startswith("stage ")]
    assert fills == [pipeline_plots.DTYPE_COLOURS["uint"], pipeline_plots.DTYPE_COLOURS["int"]]
    assert pipeline_plots.pipeline_diagram([("file", None, "int8 weights")]).axes[0].texts[1].get_text() == "-"


@pytest.mark.parametrize("stages, expected", [
    ([], "non-empty list of (name, shape, dtype)"),
    ("camera frame", "non-empty list of (name, shape, dtype)"),
    ([("camera frame", (224, 224, 3))], "each stage as (name, shape, dtype)"),
    ([("", (1, 2), "int8")], "needs a name"),
    ([("frame", (224, 2.5, 3), "uint8")], "must be a tuple of sizes"),
    ([("frame", (224, -1, 3), "uint8")], "must be a tuple of sizes"),
    ([("frame", 224, "uint8")], "must be a tuple of sizes"),
    ([("frame", (224, 224, 3), None)], "needs a dtype"),
])
def test_pipeline_diagram_says_what_it_expected(stages, expected):
    with pytest.raises(CourseInputError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        pipeline_plots.pipeline_diagram(stages)
    with pytest.raises(CourseInputError, match="per_row must be a positive integer"):
        pipeline_plots.pipeline_diagram(STAGES, per_row=0)


@pytest.fixture(scope="module")
def lesson_steps():
    """The steps of lesson 02's app preprocessing, made as the lesson makes them."""
    splits = data.load_splits()
    frame = data.camera_frame(splits.test.images[0], seed=0)
    gray = np.asarray(Image.fromarray(frame).convert("L"))
    small = np.asarray(Image.fromarray(gray).resize((28, 28), Image.Resampling.BOX))
    pixels = small.astype(np.float32)
    background, animal = np.percentile(pixels, [5, 99.5])
    normalized = np.clip((pixels - background) / (animal - background), 0, 1)[np.newaxis, :, :, np.newaxis]
    normalized = normalized.astype(np.float32)
    quantized = np.clip(np.round(normalized * 255) - 128, -128, 127).astype(np.int8)
    return [("camera frame", frame), ("grayscale", gray), ("resized", small),
            ("normalized", normalized), ("quantized", quantized)]


def test_preprocessing_steps_draw_one_image_per_step_titled_from_the_array(lesson_steps, tmp_path):
    fig = pipeline_plots.preprocessing_steps(lesson_steps)
    assert len(fig.axes) == len(lesson_steps)
    for ax, (title, array) in zip(fig.axes, lesson_steps):
        assert len(ax.images) == 1
        lines = ax.get_title().split("\n")
        assert lines[0] == title
        assert lines[1] == f"{tuple(array.shape)} {array.dtype}"
        low, high = array.min(), array.max()
        shown = ax.images[0].get_array()
        assert shown.shape[:2] == array.squeeze().shape[:2]  # the pixels themselves, not a copy resized
        if array.dtype.kind == "f":
            assert lines[2] == f"values {low:.2f} to {high:.2f}"
        else:
            assert lines[2] == f"values {low} to {high}"
    assert fig.axes[0].get_title().split("\n")[1] == "(224, 224, 3) uint8"
    assert fig.axes[3].get_title().split("\n")[1:] == ["(1, 28, 28, 1) float32", "values 0.00 to 1.00"]
    assert fig.axes[4].get_title().split("\n")[1:] == ["(1, 28, 28, 1) int8", "values -128 to 127"]
    # int8 is drawn on its full range, so -128 is black as 0.0 is in the float image
    assert fig.axes[4].images[0].get_clim() == (-128, 127)
    assert fig.axes[1].images[0].get_clim() == (0, 255)

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    titles = [ax.title.get_window_extent(renderer) for ax in fig.axes]
    assert not any(a.overlaps(b) for i, a in enumerate(titles) for b in titles[i + 1:]), "titles overlap"
    assert all(t.y1 <= fig.bbox.y1 and t.x0 >= 0 and t.x1 <= fig.bbox.x1 for t in titles), "a title is cut off"
    fig.savefig(tmp_path / "steps.png")
    assert (tmp_path / "steps.png").stat().st_size > 10_000


@pytest.mark.parametrize("steps, expected", [
    ([], "non-empty list of (title, array) pairs; got an empty list"),
    ({"grayscale": np.zeros((2, 2))}, "pass list(steps.items())"),
    ([np.zeros((2, 2))], "each step as (title, array)"),
    ([("grayscale", [[0, 1], [1, 0]])], "must be a numeric numpy array; got list"),
    ([(3, np.zeros((2, 2)))], "needs a title"),
    ([("batch", np.zeros((2, 28, 28, 1)))], "must be an image: height x width"),
    ([("labels", np.zeros(10))], "must be an image: height x width"),
    ([("flags", np.zeros((2, 2), dtype=bool))], "must be a numeric numpy array"),
])
def test_preprocessing_steps_say_what_they_expected(steps, expected):
    with pytest.raises(CourseInputError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        pipeline_plots.preprocessing_steps(steps)


@pytest.mark.parametrize("path", [None, DEFAULT_MOMENTUM_HISTORY_PATH])
def test_training_curves_tick_whole_epochs_only(path, tmp_path):
    history = load_history() if path is None else load_history(path)
    axes = plots.plot_training_curves(history)
    axes[0].figure.savefig(tmp_path / "curves.png")
    for ax in axes:
        ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
        assert ticks and all(float(t).is_integer() for t in ticks), ticks
    short = {k: v[:3] for k, v in history.items()}  # lesson 02's live run: 3 epochs, no 1.5 or 2.5
    for ax in plots.plot_training_curves(short):
        ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
        assert ticks == [1, 2, 3], ticks
    fig, grid = plt.subplots(2, 2, sharex=True)  # as lesson 02 compares two runs
    for row in grid:
        plots.plot_training_curves(short, axes=row)
    fig.canvas.draw()
    assert all(float(t).is_integer() for ax in grid.flat for t in ax.get_xticks())
