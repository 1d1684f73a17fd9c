"""Stage 7: latency. Median and p90 after warm-up, and ratios between models
measured interleaved in one run.

On a shared machine absolute times drift with load; two models timed in
alternation see the same load, so their ratio holds even when both slow down.
"""
import dataclasses
import time

import numpy as np

from course_lib.runtime import TFLiteModel


@dataclasses.dataclass
class Latency:
    p50_ms: float
    p90_ms: float
    runs: int


def _one_input(model, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.random((1, *model.input_shape), dtype=np.float32)
    return model.prepare(images)


def _as_model(model, num_threads):
    return model if isinstance(model, TFLiteModel) else TFLiteModel(model, num_threads=num_threads)


def measure_latency(model, num_threads=1, warmup=20, runs=200):
    """Latency of one single-image inference: median and 90th percentile in ms."""
    model = _as_model(model, num_threads)
    x = _one_input(model)
    for _ in range(warmup):
        model.invoke_raw(x)
    times = np.empty(runs)
    for i in range(runs):
        start = time.perf_counter()
        model.invoke_raw(x)
        times[i] = time.perf_counter() - start
    return Latency(float(np.median(times) * 1e3), float(np.percentile(times, 90) * 1e3), runs)


def compare_latency(models, baseline=None, num_threads=1, rounds=30, per_round=20, warmup=20):
    """Time several models interleaved; return {name: (median ms, ratio to baseline)}.

    models: {name: .tflite bytes/path/TFLiteModel}. Each round times ``per_round``
    inferences of every model, in an order that rotates between rounds; the median
    is over the per-inference time of each round.
    """
    loaded = {name: _as_model(m, num_threads) for name, m in models.items()}
    baseline = baseline or next(iter(loaded))
    inputs = {name: _one_input(m) for name, m in loaded.items()}
    for name, m in loaded.items():
        for _ in range(warmup):
            m.invoke_raw(inputs[name])
    names = list(loaded)
    samples = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            m, x = loaded[name], inputs[name]
            start = time.perf_counter()
            for _ in range(per_round):
                m.invoke_raw(x)
            samples[name].append((time.perf_counter() - start) / per_round)
    medians = {name: float(np.median(s) * 1e3) for name, s in samples.items()}
    return {name: (ms, ms / medians[baseline]) for name, ms in medians.items()}
