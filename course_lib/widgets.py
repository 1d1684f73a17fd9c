"""Interactive widgets for the lessons (ipywidgets + matplotlib).

``ThresholdDashboard``: a one-class detector ("is it a dog?") built on a classifier's
score for that class. A slider sets the decision threshold; a text line shows
precision, recall, false alarms and missed positives at that threshold, and a figure
shows where the threshold cuts the two score distributions and where that puts the
detector on its precision-recall curve.

The numbers come from the lesson's own ``detector_at(scores, is_positive, threshold)``
(precision, recall and the counts at one threshold), passed in as ``measure``: computing
them is what the lesson teaches and an exercise asks for, so this module only draws.

``drop_dead_widget_views``: a Jupyter server extension (enabled by tools/setup_env.py) that
keeps saved notebooks free of widget views nothing can bring back; see its docstring.
"""
import numpy as np

from course_lib.errors import CourseInputError

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
SAVED_VIEW_TEXT = ("[An interactive widget was here. Widgets live in the kernel that made them: "
                   "run this cell again to show it.]")


def detector_summary(row, positive_name="dog"):
    """One stable line of text for a row of precision, recall and counts, e.g.
    "precision 0.912 · recall 0.880 · false alarms 8 · missed dogs 12"."""
    return (f"precision {row['precision']:.3f} · recall {row['recall']:.3f} · "
            f"false alarms {int(row['false_alarms'])} · missed {positive_name}s {int(row['missed'])}")


class ThresholdDashboard:
    """Threshold slider + live precision/recall text + score histogram and PR curve.

    scores: the detector's score per image (e.g. P(dog)); is_positive: bool per image;
    measure: ``measure(scores, is_positive, threshold)`` -> dict with precision, recall,
    false_alarms and missed at that threshold.
    Display it as the last expression of a cell (or ``display(dashboard)``).
    """

    def __init__(self, scores, is_positive, measure, positive_name="dog", threshold=0.5, step=0.01):
        import ipywidgets

        self.scores = np.asarray(scores, dtype=np.float64)
        self.is_positive = np.asarray(is_positive, dtype=bool)
        if self.scores.ndim != 1 or self.scores.shape != self.is_positive.shape:
            raise CourseInputError(f"scores and is_positive must be 1-D and of one length; got "
                                   f"{self.scores.shape} and {self.is_positive.shape}.")
        self.measure = measure
        self.positive_name = positive_name
        # The curve covers the slider's range, so the plot zooms in on the reachable points.
        rows = [self.at(t) for t in np.linspace(step, 1 - step, 1001)]
        self.curve = {k: np.array([row[k] for row in rows]) for k in ("precision", "recall")}
        if self.is_positive.all() or not self.is_positive.any():
            raise CourseInputError("A detector needs both positive and negative examples; "
                                   f"got {int(self.is_positive.sum())} positives of {len(self.is_positive)}.")
        if not step <= threshold <= 1 - step:
            raise CourseInputError(f"threshold must lie between {step} and {1 - step}; got {threshold}.")
        self.slider = ipywidgets.FloatSlider(
            value=threshold, min=step, max=1 - step, step=step, description="threshold",
            readout_format=".2f", continuous_update=False,
            layout=ipywidgets.Layout(width="420px"))
        self.text = ipywidgets.Label(style={"font_family": "monospace"})
        self.output = ipywidgets.Output()
        self.widget = ipywidgets.VBox([self.slider, self.text, self.output])
        self.row = None
        self.drawn_threshold = None
        self.slider.observe(self._on_change, names="value")
        self.update(threshold)

    def at(self, threshold):
        """The detector at exactly this threshold: precision, recall, counts (a dict)."""
        return {k: float(v) for k, v in self.measure(self.scores, self.is_positive, threshold).items()}

    def summary(self, threshold=None):
        threshold = self.slider.value if threshold is None else threshold
        return detector_summary(self.at(threshold), self.positive_name)

    def update(self, threshold):
        """Recompute the numbers for ``threshold``, refresh the text and redraw the figure."""
        self.row = self.at(threshold)
        self.text.value = detector_summary(self.row, self.positive_name)
        self._draw(threshold)

    def _on_change(self, change):
        self.update(change["new"])

    def _draw(self, threshold):
        import matplotlib.pyplot as plt
        from IPython import get_ipython
        from IPython.display import display

        with self.output:
            self.output.clear_output(wait=True)
            fig = self.figure(threshold)
            if get_ipython() is not None:  # in a kernel: show it in the Output widget
                display(fig)
            plt.close(fig)
        self.drawn_threshold = threshold

    def figure(self, threshold):
        """The two panels for one threshold, as a new matplotlib Figure."""
        import matplotlib.pyplot as plt

        row = self.at(threshold)
        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
        bins = np.linspace(0, 1, 41)
        left.hist(self.scores[~self.is_positive], bins=bins, alpha=0.6,
                  label=f"not {self.positive_name}")
        left.hist(self.scores[self.is_positive], bins=bins, alpha=0.6, label=self.positive_name)
        left.axvline(threshold, color="black", linestyle="--", label=f"threshold {threshold:.2f}")
        left.set_yscale("log")
        left.set_xlabel(f"score P({self.positive_name})")
        left.set_ylabel("images (log scale)")
        left.set_title(f"Right of the line, the app says \"{self.positive_name}\"")
        left.legend(fontsize=8, loc="upper center")

        right.plot(self.curve["recall"], self.curve["precision"], color="tab:blue", label="all thresholds")
        right.plot([row["recall"]], [row["precision"]], "o", color="tab:red", markersize=9,
                   label=f"threshold {threshold:.2f}")
        right.set_xlabel(f"recall (share of {self.positive_name}s found)")
        right.set_ylabel("precision (share of alerts that are right)")
        right.set_xlim(max(0.0, float(self.curve["recall"].min()) - 0.02), 1.01)
        right.set_ylim(max(0.0, float(self.curve["precision"].min()) - 0.02), 1.01)
        right.set_title(f"Precision-recall curve, thresholds {self.slider.min:.2f}–{self.slider.max:.2f}")
        right.grid(alpha=0.3)
        right.legend(fontsize=8, loc="lower left")
        fig.tight_layout()
        return fig

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def drop_dead_widget_views(model, **kwargs):
    """Jupyter server pre-save hook: in a notebook being saved, replace each widget view
    whose widget's state is not saved in the notebook by a line of text.

    A widget view in a cell's output is only a model id; the widget lives in the kernel.
    When the notebook is opened again with a new kernel (a restart, the next day),
    JupyterLab's widget manager (@jupyter-widgets/jupyterlab-manager) finds the model
    neither in the kernel nor in the notebook's saved widget state and shows "Error
    displaying widget: model not found"; it renders the widget view ahead of the output's
    text/plain fallback, so the fallback is never shown. Views whose state the notebook
    does carry ("Save Widget State Automatically") are kept: they render from it.
    """
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    notebook = model["content"]
    saved = (((notebook.get("metadata") or {}).get("widgets") or {})
             .get(WIDGET_STATE, {}).get("state", {}))
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs") or []:
            view = (output.get("data") or {}).get(WIDGET_VIEW)
            if isinstance(view, dict) and view.get("model_id") and view["model_id"] not in saved:
                output["data"] = {"text/plain": SAVED_VIEW_TEXT}


def _jupyter_server_extension_points():
    return [{"module": "course_lib.widgets"}]


def _load_jupyter_server_extension(serverapp):
    serverapp.contents_manager.register_pre_save_hook(drop_dead_widget_views)
