"""Figures the lessons share: confusion matrix, training curves, trade-off chart (lesson 02's
pictures of the pipeline are in :mod:`course_lib.pipeline_plots`)."""
import numpy as np
from matplotlib.artist import Artist

from course_lib.data import CLASS_NAMES


def _axes(ax, figsize):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_confusion_matrix(cm, class_names=CLASS_NAMES, ax=None, title="Confusion matrix"):
    """Counts with actual classes as rows and predictions as columns."""
    cm = np.asarray(cm)
    ax = _axes(ax, (0.6 * len(cm) + 2, 0.6 * len(cm) + 1.5))
    ax.imshow(cm, cmap="Blues")
    ticks = np.arange(len(cm))
    ax.set_xticks(ticks, class_names[: len(cm)], rotation=45, ha="right")
    ax.set_yticks(ticks, class_names[: len(cm)])
    ax.set_xlabel("predicted")
    ax.set_ylabel("actual")
    ax.set_title(title)
    threshold = cm.max() / 2 if cm.size else 0
    for (i, j), value in np.ndenumerate(cm):
        ax.text(j, i, str(value), ha="center", va="center",
                color="white" if value > threshold else "black", fontsize=8)
    return ax


def plot_training_curves(history, axes=None):
    """Loss and accuracy per epoch, training vs validation, side by side."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    epochs = np.arange(1, len(history["loss"]) + 1)
    for ax, metric in zip(axes, ("loss", "accuracy")):
        ax.plot(epochs, history[metric], "o-", label="train")
        if f"val_{metric}" in history:
            ax.plot(epochs, history[f"val_{metric}"], "s--", label="validation")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # there is no epoch 2.5
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3)
        ax.legend()
    return axes


LATENCY_AREA = 150  # marker area (points²) of a variant as fast as float32; area grows with latency
FRONT_LABEL = "Pareto front: nothing smaller\nis at least as accurate"


def plot_tradeoff(rows, ax=None, x="size_bytes", y="accuracy", size="latency_ratio_vs_float32",
                  xlabel="size (KB)", legend=True):
    """Scatter of variants (size vs accuracy, marker area ~ latency) with the Pareto front.

    rows: dicts with "name" and the fields named by x, y and size. A variant is on
    the front when no other is both smaller and at least as accurate. The names are
    placed when the figure is drawn, after any layout change, so that they overlap
    neither each other nor the points and stay inside the axes.
    """
    from matplotlib.lines import Line2D

    rows = [r for r in rows if r.get(x) is not None and r.get(y) is not None]
    ax = _axes(ax, (8, 4.5))
    xs = np.array([r[x] for r in rows], dtype=float) / 1024
    ys = np.array([r[y] for r in rows], dtype=float) * 100
    ratios = np.array([r.get(size) if r.get(size) is not None else np.nan for r in rows], dtype=float)
    timed = ~np.isnan(ratios)
    areas = np.where(timed, LATENCY_AREA * np.nan_to_num(ratios), 80.0)
    ax.scatter(xs[timed], ys[timed], s=areas[timed], color="tab:blue", alpha=0.5, zorder=2)
    handles = [ax.scatter([], [], s=LATENCY_AREA * level, color="tab:blue", alpha=0.5,
                          label=f"latency {level:g}× float32")
               for level in _latency_levels(ratios[timed])]
    if not timed.all():  # e.g. Core ML on Linux: no latency, so no size to give the marker
        handles.append(ax.scatter(xs[~timed], ys[~timed], s=80, marker="s", facecolors="none",
                                  edgecolors="tab:gray", label="latency not measured", zorder=2))

    front = sorted(pareto_front(list(zip(xs, ys))), key=lambda i: xs[i])
    # a ring around every point of the front, so that even a one-point front shows
    ax.scatter(xs[front], ys[front], s=areas[front] + 60, facecolors="none", edgecolors="tab:red",
               linewidths=1.5, zorder=3, gid="pareto front")
    if len(front) > 1:  # best accuracy available at each size: a step up at every front point
        ax.step(xs[front], ys[front], where="post", color="tab:red", alpha=0.7, zorder=1)
    handles.append(Line2D([], [], color="tab:red", marker="o", markersize=9, markerfacecolor="none",
                          label=FRONT_LABEL))

    _pad_limits(ax, xs, ys)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("test accuracy (%)")
    ax.set_title("Size vs accuracy (marker area ~ latency vs float32)")
    ax.grid(alpha=0.3)
    if legend:  # outside the axes: it never hides a point or a name
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0,
                  fontsize=8, labelspacing=1.2, borderpad=0.8)
    radii = np.sqrt(areas + 60) / 2  # points, the ring included
    texts = [ax.text(xv, yv, r["name"], fontsize=8, zorder=4) for r, xv, yv in zip(rows, xs, ys)]
    ax.add_artist(_LabelPlacer(texts, np.column_stack([xs, ys]), radii))
    return ax


def _latency_levels(ratios):
    """A few round latency ratios spanning the measured ones, for the legend."""
    if not len(ratios):
        return []
    levels = [v for v in (0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4)
              if ratios.min() * 0.8 <= v <= ratios.max() * 1.25]
    if len(levels) > 3:  # the smallest, the middle and the largest are enough
        levels = [levels[0], levels[len(levels) // 2], levels[-1]]
    return levels or [round(float(np.median(ratios)), 2)]


def _pad_limits(ax, xs, ys, fraction=0.12):
    """Limits with room around every point, so that none sits on the frame."""
    for values, set_lim in ((xs, ax.set_xlim), (ys, ax.set_ylim)):
        low, high = values.min(), values.max()
        pad = (high - low) * fraction or max(abs(high) * 0.05, 1.0)
        set_lim(low - pad, high + pad)


class _LabelPlacer(Artist):
    """Puts each name next to its point at draw time, when the axes' final size is known.

    Candidates go round the point at growing distances; the first that lies inside the
    axes and overlaps no other name and no point wins. A name set away from its point
    gets a leader line.
    """
    ANGLES = np.deg2rad([20, -20, 90, 270, 160, 200, 55, 305, 125, 235])  # right first, left last
    GAP, STEP, RINGS = 3.0, 8.0, 20  # pixels: clearance, distance between rings, rings tried

    def __init__(self, texts, points, radii):
        super().__init__()
        self.texts, self.points, self.radii = texts, points, radii  # radii in points
        self.set_zorder(0)  # drawn before the names (zorder 4), so they are placed in time
        self.set_in_layout(False)

    def draw(self, renderer):
        from matplotlib.lines import Line2D
        from matplotlib.transforms import Affine2D, Bbox, IdentityTransform

        ax = self.axes
        centres = ax.transData.transform(self.points)
        radii = self.radii * renderer.points_to_pixels(1.0)
        marks = [Bbox.from_extents(cx - r, cy - r, cx + r, cy + r) for (cx, cy), r in zip(centres, radii)]
        frame = ax.bbox.padded(-2)
        placed = []
        for text, (cx, cy), radius in zip(self.texts, centres, radii):
            best = None
            for ring in range(self.RINGS):
                distance = radius + self.GAP + ring * self.STEP
                for angle in self.ANGLES:
                    dx, dy = np.cos(angle), np.sin(angle)
                    text.set_horizontalalignment("left" if dx > 0.3 else "right" if dx < -0.3 else "center")
                    text.set_verticalalignment("bottom" if dy > 0.3 else "top" if dy < -0.3 else "center")
                    text.set_transform(ax.transData + Affine2D().translate(distance * dx, distance * dy))
                    box = text.get_window_extent(renderer).padded(1)
                    cost = sum(box.overlaps(other) for other in placed + marks) + 10 * (not frame.contains(
                        box.x0, box.y0) or not frame.contains(box.x1, box.y1))
                    if best is None or cost < best[0]:
                        best = (cost, ring, distance * dx, distance * dy, box,
                                text.get_horizontalalignment(), text.get_verticalalignment())
                    if cost == 0:
                        break
                if best[0] == 0:
                    break
            _, ring, dx, dy, box, ha, va = best
            text.set_horizontalalignment(ha)
            text.set_verticalalignment(va)
            text.set_transform(ax.transData + Affine2D().translate(dx, dy))
            placed.append(box)
            if ring > 0:  # far from its point: a line says whose name it is
                end = (np.clip(cx, box.x0, box.x1), np.clip(cy, box.y0, box.y1))
                start = np.array([cx, cy]) + radius * (np.subtract(end, (cx, cy)) /
                                                       max(np.hypot(end[0] - cx, end[1] - cy), 1e-9))
                line = Line2D([start[0], end[0]], [start[1], end[1]], transform=IdentityTransform(),
                              color="0.4", linewidth=0.7)
                line.set_figure(ax.figure)
                line.draw(renderer)  # drawn here, not added to the axes: placed anew at every draw


def pareto_front(points):
    """Indices of (cost, quality) points not dominated by a cheaper, at-least-as-good one."""
    front = []
    for i, (cost, quality) in enumerate(points):
        dominated = any(c <= cost and q >= quality and (c, q) != (cost, quality)
                        for c, q in points)
        if not dominated:
            front.append(i)
    return front


# ------------------------------------------------------------------ lesson 02: the pipeline
