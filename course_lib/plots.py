"""Figures the lessons share: confusion matrix, training curves, trade-off chart."""
import numpy as np

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


def plot_tradeoff(rows, ax=None, x="size_bytes", y="accuracy", size="latency_ratio_vs_float32"):
    """Scatter of variants (size vs accuracy, marker size ~ latency) with the Pareto front.

    rows: dicts with "name" and the fields named by x, y and size. A variant is on
    the front when no other is both smaller and at least as accurate.
    """
    rows = [r for r in rows if r.get(x) is not None and r.get(y) is not None]
    ax = _axes(ax, (7, 4.5))
    xs = np.array([r[x] for r in rows], dtype=float) / 1024
    ys = np.array([r[y] for r in rows], dtype=float) * 100
    timed = np.array([r.get(size) is not None for r in rows], dtype=bool)
    sizes = np.array([60 + 140 * (r.get(size) or 1.0) for r in rows])
    ax.scatter(xs[timed], ys[timed], s=sizes[timed], alpha=0.6)
    if not timed.all():  # e.g. Core ML on Linux: no latency, so no size to give the marker
        ax.scatter(xs[~timed], ys[~timed], s=80, marker="s", facecolors="none",
                   edgecolors="tab:gray", label="latency not measured")
    for r, xv, yv in zip(rows, xs, ys):
        ax.annotate(r["name"], (xv, yv), textcoords="offset points", xytext=(6, 4), fontsize=8)
    front = pareto_front(list(zip(xs, ys)))
    fx, fy = zip(*sorted((xs[i], ys[i]) for i in front))
    ax.step(fx, fy, where="post", color="tab:red", alpha=0.6, label="Pareto front")
    ax.set_xlabel("size (KB)")
    ax.set_ylabel("test accuracy (%)")
    ax.set_title("Size vs accuracy (marker size ~ latency vs float32)")
    ax.grid(alpha=0.3)
    ax.legend()
    return ax


def pareto_front(points):
    """Indices of (cost, quality) points not dominated by a cheaper, at-least-as-good one."""
    front = []
    for i, (cost, quality) in enumerate(points):
        dominated = any(c <= cost and q >= quality and (c, q) != (cost, quality)
                        for c, q in points)
        if not dominated:
            front.append(i)
    return front
