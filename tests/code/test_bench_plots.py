import json
import subprocess
import sys

import numpy as np
import pytest
from matplotlib.transforms import Bbox

from course_lib import bench, plots


def test_measure_latency_reports_median_below_p90(tflite_variants):
    result = bench.measure_latency(tflite_variants["float32"], warmup=5, runs=50)
    assert result.runs == 50
    assert 0 < result.p50_ms <= result.p90_ms < 1000


def test_compare_latency_gives_ratios_to_the_baseline(tflite_variants):
    chosen = {k: tflite_variants[k] for k in ("float32", "int8")}
    result = bench.compare_latency(chosen, baseline="float32", rounds=6, per_round=10, warmup=5)
    assert result["float32"][1] == 1.0
    assert set(result) == {"float32", "int8"}
    ms, ratio = result["int8"]
    assert ms > 0 and ratio == pytest.approx(ms / result["float32"][0])


def test_pareto_front_drops_dominated_points():
    points = [(100, 0.90), (50, 0.95), (80, 0.97), (60, 0.80)]
    assert plots.pareto_front(points) == [1, 2]


def test_plots_draw_on_the_real_history_and_confusion_matrix():
    import matplotlib

    matplotlib.use("Agg")
    from course_lib.model import load_history

    axes = plots.plot_training_curves(load_history())
    assert len(axes[0].lines) == 2 and axes[1].get_ylabel() == "accuracy"
    ax = plots.plot_confusion_matrix(np.array([[5, 1], [0, 7]]), ["cat", "dog"])
    assert [t.get_text() for t in ax.texts] == ["5", "1", "0", "7"]
    rows = [{"name": "a", "size_bytes": 1000, "accuracy": 0.9, "latency_ratio_vs_float32": 1.0},
            {"name": "b", "size_bytes": 500, "accuracy": 0.95, "latency_ratio_vs_float32": 0.5}]
    assert plots.plot_tradeoff(rows).get_xlabel() == "size (KB)"
    rows.append({"name": "c", "size_bytes": 700, "accuracy": 0.93, "latency_ratio_vs_float32": None})
    ax = plots.plot_tradeoff(rows)  # a variant without latency: an open square, in the legend
    assert "latency not measured" in [t.get_text() for t in ax.get_legend().get_texts()]


# Lesson 04's chart data from one of its runs (sizes in bytes; Core ML has no latency on Linux).
LESSON_04_ROWS = [
    {"name": name, "size_bytes": size, "zip_bytes": zipped, "accuracy": acc, "latency_ratio_vs_float32": lat}
    for name, size, zipped, acc, lat in (
        ("tflite_float32", 842240, 773734, 0.985, 1.0),
        ("tflite_dynamic_range", 253672, 221992, 0.986, 1.54),
        ("tflite_float16", 432500, 386012, 0.985, 1.0),
        ("tflite_int8", 277296, 225508, 0.987, 0.97),
        ("tflite_int8_quantizer", 277064, 224011, 0.985, 1.06),
        ("tflite_pruned_int8", 277296, 173371, 0.98, 1.29),
        ("tflite_qat_int8", 278712, 223917, 0.984, 0.90),
        ("coreml_float16", 453434, 387884, 0.985, None),
        ("coreml_linear8", 260159, 217420, 0.985, None),
        ("coreml_palette4", 156194, 118043, 0.981, None))]
# Eight variants within 6 KB and 0.3 points of accuracy: their names would collide.
CROWDED_ROWS = [{"name": f"crowded_variant_{i}", "size_bytes": 300_000 + 800 * i,
                 "accuracy": 0.980 + 0.0004 * (i % 4), "latency_ratio_vs_float32": 0.5 + 0.2 * i}
                for i in range(8)] + [
    {"name": "tflite_float32", "size_bytes": 1_100_000, "accuracy": 0.99, "latency_ratio_vs_float32": 1.0}]


def assert_readable(ax):
    """Names apart from each other and from every marker, inside the figure; no marker on the frame."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = {t.get_text(): t.get_window_extent(renderer) for t in ax.texts}
    clash = [(a, b) for i, a in enumerate(boxes) for b in list(boxes)[i + 1:] if boxes[a].overlaps(boxes[b])]
    assert not clash, f"overlapping names: {clash}"
    outside = [name for name, box in boxes.items()
               if box.x0 < 0 or box.y0 < 0 or box.x1 > fig.bbox.x1 or box.y1 > fig.bbox.y1]
    assert not outside, f"names clipped by the figure's edge: {outside}"
    pixels = renderer.points_to_pixels(1.0)
    for markers in ax.collections:
        centres = ax.transData.transform(markers.get_offsets())
        radii = np.sqrt(np.broadcast_to(markers.get_sizes(), len(centres))) / 2 * pixels
        for (x, y), r in zip(centres, radii):
            assert ax.bbox.x0 + r < x < ax.bbox.x1 - r and ax.bbox.y0 + r < y < ax.bbox.y1 - r, \
                "a marker touches the frame"
            hit = [name for name, box in boxes.items() if box.overlaps(Bbox.from_extents(x - r, y - r, x + r, y + r))]
            assert not hit, f"names on top of a marker: {hit}"


def legend_texts(ax):
    return " ".join(t.get_text() for t in ax.get_legend().get_texts())


@pytest.mark.parametrize("rows", [LESSON_04_ROWS, CROWDED_ROWS], ids=["lesson04", "crowded"])
def test_tradeoff_chart_names_never_collide_and_markers_keep_off_the_frame(rows):
    import matplotlib

    matplotlib.use("Agg")
    ax = plots.plot_tradeoff(rows)
    ax.figure.tight_layout()
    assert_readable(ax)
    assert ax.get_xlabel() == "size (KB)" and ax.get_ylabel() == "test accuracy (%)"
    assert "latency" in legend_texts(ax) and "Pareto front" in legend_texts(ax)


def test_tradeoff_chart_stays_readable_in_lesson_04s_layout():
    """Two charts side by side, changed after drawing (titles, tight_layout): names placed at draw time."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(14, 5), sharey=True)
    plots.plot_tradeoff(LESSON_04_ROWS, ax=axes[0], x="size_bytes", legend=False)
    plots.plot_tradeoff(LESSON_04_ROWS, ax=axes[1], x="zip_bytes", xlabel="zipped size (KB)")
    axes[0].set_title("File size (what the phone stores and loads)")
    fig.tight_layout()
    for ax in axes:
        assert_readable(ax)
    assert axes[0].get_legend() is None
    assert "latency 1× float32" in legend_texts(axes[1])
    assert "latency not measured" in legend_texts(axes[1])  # the Core ML variants


def test_a_one_point_pareto_front_is_drawn_and_named():
    import matplotlib

    matplotlib.use("Agg")
    rows = [{"name": "best", "size_bytes": 100 * 1024, "accuracy": 0.99, "latency_ratio_vs_float32": 0.5},
            {"name": "big", "size_bytes": 400 * 1024, "accuracy": 0.95, "latency_ratio_vs_float32": 1.0},
            {"name": "bigger", "size_bytes": 800 * 1024, "accuracy": 0.97, "latency_ratio_vs_float32": 2.0}]
    ax = plots.plot_tradeoff(rows)
    front = [c for c in ax.collections if c.get_gid() == "pareto front"]
    assert len(front) == 1 and front[0].get_offsets().tolist() == [[100.0, 99.0]]
    assert front[0].get_edgecolor().size and front[0].get_sizes()[0] > 0  # a visible ring
    assert "Pareto front" in legend_texts(ax)
    assert_readable(ax)


def test_benchmark_command_prints_every_variant_as_json():
    """The README's benchmark: real conversions of the shipped model, one JSON object."""
    result = subprocess.run([sys.executable, "-m", "course_lib.benchmark", "--json", "--rounds", "5",
                             "--repeats", "2"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    names = [v["name"] for v in report["variants"]]
    assert names == ["keras_h5", "tflite_float32", "tflite_dynamic_range", "tflite_float16",
                     "tflite_int8", "tflite_int8_quantizer", "coreml_float16", "coreml_linear8",
                     "coreml_palette4"]
    by_name = {v["name"]: v for v in report["variants"]}
    for v in report["variants"]:
        extra = {"accuracy_measured_by"} if v["format"] == "coreml" else set()
        assert set(v) == {"name", "format", "size_bytes", "accuracy", "latency_ms_p50",
                          "latency_ratio_vs_float32", "latency_ratio_range"} | extra
        assert v["size_bytes"] > 50_000
        assert v["accuracy"] >= 0.95  # Core ML's too: its own weights, run on any OS
    assert by_name["tflite_float32"]["accuracy"] >= 0.95
    for int8 in ("tflite_int8", "tflite_int8_quantizer"):  # the converter's and the Quantizer's
        assert by_name[int8]["size_bytes"] <= 0.35 * by_name["tflite_float32"]["size_bytes"]
    assert by_name["tflite_float32"]["latency_ratio_vs_float32"] == 1.0
    low, high = by_name["tflite_int8"]["latency_ratio_range"]  # two repeats: their extremes
    assert 0 < low <= by_name["tflite_int8"]["latency_ratio_vs_float32"] <= high
    assert report["repeats"] == 2
    assert by_name["coreml_palette4"]["latency_ms_p50"] is None
    assert by_name["coreml_float16"]["accuracy_measured_by"] in ("coreml", "own_weights")
    assert report["machine"]["threads"] == 1
