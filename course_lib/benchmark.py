"""Measure every variant of the reference model: ``python -m course_lib.benchmark [--json]``.

Converts the shipped model to each TFLite variant (float32, dynamic range, float16,
int8 by the converter and by the LiteRT Quantizer) and each Core ML variant (float16
mlprogram, 8-bit linear weights, 4-bit palettized), and reports size, test accuracy and
latency. Latencies are medians measured interleaved in one run and reported as ratios to
float32 TFLite; the comparison runs ``--repeats`` times and the report gives the median
ratio and the range.

An instructor's tool: it converts with the grader-side ``course_grader.conversions``, so
the student edition leaves it out.
"""
import argparse
import json
import os
import platform
import tempfile
from pathlib import Path

import numpy as np

from course_grader import conversions
from course_lib import bench, convert, data, evaluate, mlprogram, model as model_lib, runtime


def machine_info(num_threads):
    import tensorflow as tf
    import coremltools as ct

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"system": platform.system(), "machine": platform.machine(), "cpu": cpu,
            "cpu_count": os.cpu_count(), "threads": num_threads,
            "python": platform.python_version(), "tensorflow": tf.__version__,
            "coremltools": ct.__version__}


def run(num_threads=1, rounds=30, repeats=3):
    splits = data.load_splits()
    x_test, y_test = splits.test.normalized(), splits.test.labels
    model = model_lib.load_reference_model()
    tflite = {name: conversions.to_tflite(model, name, splits.train.normalized())
              for name in conversions.TFLITE_VARIANTS}
    tflite["int8_quantizer"] = conversions.int8_with_quantizer(tflite["float32"], splits.train.normalized())
    # The comparison is repeated: the ratios move with the machine's load, and the spread of
    # the repeats says by how much (reported next to their median).
    timings = [bench.compare_latency(tflite, baseline="float32", num_threads=num_threads, rounds=rounds)
               for _ in range(repeats)]
    rows = [{
        "name": "keras_h5", "format": "keras", "size_bytes": convert.keras_size_bytes(model),
        "accuracy": evaluate.accuracy(y_test, model_lib.keras_predict(model, x_test)),
        "latency_ms_p50": None, "latency_ratio_vs_float32": None, "latency_ratio_range": None,
    }]
    for name, blob in tflite.items():
        ms = float(np.median([t[name][0] for t in timings]))
        ratios = [t[name][1] for t in timings]
        rows.append({"name": f"tflite_{name}", "format": "tflite", "size_bytes": len(blob),
                     "accuracy": evaluate.accuracy(y_test, runtime.predicted_classes(blob, x_test)),
                     "latency_ms_p50": round(ms, 4), "latency_ratio_vs_float32": round(float(np.median(ratios)), 3),
                     "latency_ratio_range": [round(min(ratios), 3), round(max(ratios), 3)]})
    with tempfile.TemporaryDirectory() as tmp:
        for name in conversions.COREML_VARIANTS:
            mlmodel = conversions.to_coreml(model, name)
            path = convert.save_coreml(mlmodel, Path(tmp) / f"{name}.mlpackage")
            if runtime.coreml_can_predict():
                probs, measured_by = runtime.run_coreml(mlmodel, splits.test.images), "coreml"
            else:  # the package's own weights, run in the same network (course_lib.mlprogram)
                probs, measured_by = mlprogram.probabilities(mlmodel, splits.test.images), "own_weights"
            rows.append({"name": f"coreml_{name}", "format": "coreml",
                         "size_bytes": convert.directory_size(path),
                         "accuracy": evaluate.accuracy(y_test, probs), "accuracy_measured_by": measured_by,
                         "latency_ms_p50": None, "latency_ratio_vs_float32": None,
                         "latency_ratio_range": None})
    return {"variants": rows, "repeats": repeats, "machine": machine_info(num_threads)}


def table(result):
    def fmt(value, spec):
        return "n/a" if value is None else format(value, spec)

    lines = [f"{'variant':<22}{'format':<8}{'size KB':>9}{'accuracy':>10}{'p50 ms':>9}{'vs fp32':>9}"
             f"  {'range':<11}"]
    for r in result["variants"]:
        spread = r["latency_ratio_range"]
        lines.append(f"{r['name']:<22}{r['format']:<8}{r['size_bytes'] / 1024:>9.1f}"
                     f"{fmt(r['accuracy'], '.4f'):>10}{fmt(r['latency_ms_p50'], '.3f'):>9}"
                     f"{fmt(r['latency_ratio_vs_float32'], '.2f'):>9}"
                     f"  {'n/a' if spread is None else f'{spread[0]:.2f}-{spread[1]:.2f}'}")
    m = result["machine"]
    lines.append(f"\nvs fp32: median ratio of {result['repeats']} interleaved comparisons; range: "
                 "their smallest and largest")
    lines.append(f"{m['cpu']} ({m['cpu_count']} cores), {m['threads']} thread(s), {m['system']}, "
                 f"Python {m['python']}, TensorFlow {m['tensorflow']}, coremltools {m['coremltools']}")
    if not runtime.coreml_can_predict():
        lines.append("Core ML latency: n/a, Core ML runs only on Apple systems. Core ML accuracy: "
                     "the package's own weights run in the same network in float32 "
                     "(course_lib.mlprogram), not Core ML's runtime.")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3, help="latency comparisons to run")
    args = parser.parse_args(argv)
    result = run(args.threads, args.rounds, args.repeats)
    print(json.dumps(result, indent=1) if args.json else table(result))


if __name__ == "__main__":
    main()
