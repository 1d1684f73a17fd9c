import json
import subprocess
import sys

import numpy as np
import pytest

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
