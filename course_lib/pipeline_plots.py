"""Lesson 02's pictures of the pipeline: its stages with their real shapes and dtypes
(:func:`pipeline_diagram`), and one frame through the preprocessing steps as images
(:func:`preprocessing_steps`). They only draw what the lesson computed."""
import numpy as np

from course_lib.errors import CourseInputError


DTYPE_COLOURS = {"float": "#dbe9f6", "uint": "#e2f0d9", "int": "#fde9d2"}  # box fill by kind of dtype
OTHER_COLOUR = "#eeeeee"


def _shape_text(shape):
    """(None, 28, 28, 1) as the lesson's trace writes it; "-" when there is no shape."""
    if shape is None:
        return "-"
    return str(tuple(None if d is None else int(d) for d in shape))


def _check_stage(index, stage):
    if not isinstance(stage, (tuple, list)) or len(stage) != 3:
        raise CourseInputError(
            f"pipeline_diagram expects each stage as (name, shape, dtype), e.g. "
            f"('camera frame', (224, 224, 3), 'uint8'); stage {index} is {stage!r}.")
    name, shape, dtype = stage
    if not isinstance(name, str) or not name.strip():
        raise CourseInputError(f"pipeline_diagram: stage {index} needs a name (a non-empty string); got {name!r}.")
    if shape is not None:
        try:
            dims = list(shape)
        except TypeError:
            dims = None
        if dims is None or not all(d is None or (np.ndim(d) == 0 and float(d) == int(d) and int(d) >= 0)
                                   for d in dims):
            raise CourseInputError(
                f"pipeline_diagram: the shape of stage {index} ({name!r}) must be a tuple of sizes "
                f"(non-negative integers, or None for a free batch dimension), or None; got {shape!r}.")
    if dtype is None or (isinstance(dtype, str) and not dtype.strip()):
        raise CourseInputError(
            f"pipeline_diagram: stage {index} ({name!r}) needs a dtype, e.g. 'float32'; got {dtype!r}.")
    if isinstance(dtype, np.dtype) or (isinstance(dtype, type) and issubclass(dtype, np.generic)):
        dtype = np.dtype(dtype).name  # np.uint8 or np.dtype("uint8") -> "uint8"
    return name, _shape_text(shape), str(getattr(dtype, "name", dtype))  # TensorFlow's dtypes have a name


def _fill(dtype):
    for prefix in ("float", "uint", "int"):  # "uint" before "int": uint8 is not int8
        if dtype.startswith(prefix):
            return DTYPE_COLOURS[prefix]
    return OTHER_COLOUR


def pipeline_diagram(stages, per_row=4, title=None, fontsize=9):
    """Boxes joined by arrows, one per stage, each with its name, shape and dtype.

    stages: list of (name, shape, dtype), in pipeline order; shape is a tuple (None for a
    free batch dimension) or None when the stage has no array shape (a file, say). Boxes
    are filled by the kind of dtype (float, unsigned, signed integer) and laid out
    per_row to a row, left to right; an arrow leads from the end of a row to the start of
    the next. Every box is as large as the largest text needs, so no text overlaps.
    Returns the figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    if isinstance(stages, (str, bytes)) or not hasattr(stages, "__len__") or len(stages) == 0:
        raise CourseInputError(
            f"pipeline_diagram expects a non-empty list of (name, shape, dtype) stages; got {stages!r}.")
    if not isinstance(per_row, (int, np.integer)) or per_row < 1:
        raise CourseInputError(f"pipeline_diagram: per_row must be a positive integer; got {per_row!r}.")
    rows_of_text = [_check_stage(i, stage) for i, stage in enumerate(stages)]

    fig = plt.figure(figsize=(1, 1))
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_axis_off()
    texts = []  # per stage: name (bold), shape, dtype; placed once the box sizes are known
    for name, shape, dtype in rows_of_text:
        texts.append([ax.text(0, 0, name, fontsize=fontsize, fontweight="bold", ha="center", va="center"),
                      ax.text(0, 0, shape, fontsize=fontsize, family="monospace", ha="center", va="center"),
                      ax.text(0, 0, dtype, fontsize=fontsize, ha="center", va="center")])
    renderer = fig.canvas.get_renderer()
    dpi = fig.dpi
    sizes = np.array([[(t.get_window_extent(renderer).width / dpi, t.get_window_extent(renderer).height / dpi)
                       for t in group] for group in texts])  # inches: stage, text, (w, h)
    pad, line_gap = 0.12, 0.06
    box_w = sizes[:, :, 0].max() + 2 * pad
    heights = sizes[:, :, 1]
    box_h = heights.sum(axis=1).max() + 2 * line_gap + 2 * pad
    gap_x, gap_y, margin = 0.45, 0.45, 0.08
    n_cols = min(per_row, len(stages))
    n_rows = int(np.ceil(len(stages) / per_row))
    title_h = 0.35 if title else 0.0
    width = margin * 2 + n_cols * box_w + (n_cols - 1) * gap_x
    height = margin * 2 + n_rows * box_h + (n_rows - 1) * gap_y + title_h
    fig.set_size_inches(width, height)
    ax.set_xlim(0, width)  # data units are inches: text sizes and box sizes agree
    ax.set_ylim(0, height)

    centres = []
    for i, group in enumerate(texts):
        row, col = divmod(i, per_row)
        cx = margin + col * (box_w + gap_x) + box_w / 2
        cy = height - title_h - margin - row * (box_h + gap_y) - box_h / 2
        centres.append((cx, cy))
        ax.add_patch(FancyBboxPatch((cx - box_w / 2, cy - box_h / 2), box_w, box_h,
                                    boxstyle="round,pad=0,rounding_size=0.08", linewidth=1,
                                    edgecolor="0.35", facecolor=_fill(rows_of_text[i][2]), gid=f"stage {i}"))
        total = heights[i].sum() + 2 * line_gap
        y = cy + total / 2
        for text, h in zip(group, heights[i]):
            text.set_position((cx, y - h / 2))
            y -= h + line_gap

    arrow = dict(arrowstyle="-|>", mutation_scale=12, color="0.3", linewidth=1.2, shrinkA=0, shrinkB=0)
    for i in range(len(stages) - 1):
        (x0, y0), (x1, y1) = centres[i], centres[i + 1]
        if y0 == y1:  # same row: left to right
            ax.add_patch(FancyArrowPatch((x0 + box_w / 2, y0), (x1 - box_w / 2, y1), **arrow))
        else:  # down from the end of a row, back left in the gap between the rows, down into the next
            mid = y0 - box_h / 2 - gap_y / 2
            ax.plot([x0, x0, x1], [y0 - box_h / 2, mid, mid], color="0.3", linewidth=1.2)
            ax.add_patch(FancyArrowPatch((x1, mid), (x1, y1 + box_h / 2), **arrow))
    if title:
        ax.text(width / 2, height - margin - title_h / 2, title, fontsize=fontsize + 2,
                ha="center", va="center")
    return fig


def _value_range(array):
    low, high = array.min(), array.max()
    if np.issubdtype(array.dtype, np.floating):
        return f"{float(low):.2f} to {float(high):.2f}"
    return f"{int(low)} to {int(high)}"


def _displayable(index, title, array):
    if not isinstance(title, str):
        raise CourseInputError(f"preprocessing_steps: step {index} needs a title (a string); got {title!r}.")
    if not isinstance(array, np.ndarray) or not (np.issubdtype(array.dtype, np.integer)
                                                  or np.issubdtype(array.dtype, np.floating)):
        raise CourseInputError(
            f"preprocessing_steps: step {index} ({title!r}) must be a numeric numpy array; got "
            f"{type(array).__name__}{'' if not isinstance(array, np.ndarray) else ' of ' + str(array.dtype)}.")
    image = array.squeeze()  # (1, 28, 28, 1) -> (28, 28): batch and channel dimensions of size 1
    if image.ndim == 2 or (image.ndim == 3 and image.shape[-1] in (3, 4)):
        if image.size == 0:
            raise CourseInputError(
                f"preprocessing_steps: step {index} ({title!r}) is an empty array {array.shape}.")
        return image
    raise CourseInputError(
        f"preprocessing_steps: step {index} ({title!r}) must be an image: height x width (grayscale) or "
        f"height x width x 3 (colour), with any extra dimensions of size 1; got shape {array.shape}.")


def preprocessing_steps(steps, size=2.2, fontsize=9):
    """Each step of the preprocessing as an image, in a row, in the order given.

    steps: list of (title, array). Each panel is titled with the title, then the array's
    shape and dtype and its range of values, all read off the array. Grayscale images are
    drawn on the full range of an integer dtype (0 to 255 for uint8, -128 to 127 for int8)
    and from their smallest to their largest value for floats; pixels are not smoothed,
    so a 28x28 image shows its 28x28 pixels. Returns the figure.
    """
    import matplotlib.pyplot as plt

    if isinstance(steps, (str, bytes, dict)) or not hasattr(steps, "__len__") or len(steps) == 0:
        raise CourseInputError(
            f"preprocessing_steps expects a non-empty list of (title, array) pairs; got "
            f"{'an empty ' if hasattr(steps, '__len__') and len(steps) == 0 else ''}{type(steps).__name__}"
            f"{' ' + repr(steps) if isinstance(steps, (str, bytes)) or not hasattr(steps, '__len__') else ''}"
            f"{' (for a dict of steps, pass list(steps.items()))' if isinstance(steps, dict) else ''}.")
    checked = []
    for i, step in enumerate(steps):
        if not isinstance(step, (tuple, list)) or len(step) != 2:
            raise CourseInputError(
                f"preprocessing_steps expects each step as (title, array), e.g. ('grayscale', gray); "
                f"step {i} is a {type(step).__name__}.")
        checked.append((step[0], step[1], _displayable(i, *step)))

    # Laid out by hand, in inches: square panels side by side, three lines of title above each.
    gap, margin = 0.12, 0.05
    side = size - gap
    title_h = 3 * 1.25 * fontsize / 72 + 0.15
    width, height = len(checked) * size, margin * 2 + side + title_h
    fig = plt.figure(figsize=(width, height))
    axes = [fig.add_axes([(i * size + gap / 2) / width, margin / height, side / width, side / height])
            for i in range(len(checked))]
    for ax, (title, array, image) in zip(axes, checked):
        if image.ndim == 3:
            ax.imshow(image, interpolation="nearest")
        else:
            if np.issubdtype(image.dtype, np.integer):
                info = np.iinfo(image.dtype)
                vmin, vmax = info.min, info.max
            else:
                vmin, vmax = float(image.min()), float(image.max())
                if vmin == vmax:
                    vmax = vmin + 1
            ax.imshow(image, cmap="gray", vmin=vmin, vmax=vmax, interpolation="nearest")
        ax.set_title(f"{title}\n{_shape_text(array.shape)} {array.dtype}\nvalues {_value_range(array)}",
                     fontsize=fontsize)
        ax.set_xticks([])
        ax.set_yticks([])
    return fig
