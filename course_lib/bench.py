"""Stage 7: latency. Median and p90 after warm-up, and ratios between models
measured interleaved in one run.

On a shared machine absolute times drift with load; two models timed in
alternation see the same load, so their ratio holds even when both slow down.
"""
import dataclasses
import time

import numpy as np

from course_lib.runtime import load_interpreter


@dataclasses.dataclass
class Latency:
    p50_ms: float
    p90_ms: float
    runs: int


class _Timed:
    """A model loaded in the LiteRT interpreter with one fixed input set: ``invoke()`` is all
    that is timed. The input is random values of the model's own input type (float, or
    int8 for a fully integer model): speed does not depend on what the pixels show."""

    def __init__(self, model, num_threads, seed=0):
        self.interpreter = load_interpreter(model, num_threads)
        detail = self.interpreter.get_input_details()[0]
        rng = np.random.default_rng(seed)
        if np.issubdtype(detail["dtype"], np.integer):
            info = np.iinfo(detail["dtype"])
            x = rng.integers(info.min, info.max, detail["shape"], endpoint=True)
        else:
            x = rng.random(detail["shape"])
        self.interpreter.set_tensor(detail["index"], x.astype(detail["dtype"]))
        self.invoke = self.interpreter.invoke


def measure_latency(model, num_threads=1, warmup=20, runs=200):
    """Latency of one single-image inference: median and 90th percentile in ms."""
    model = _Timed(model, num_threads)
    for _ in range(warmup):
        model.invoke()
    times = np.empty(runs)
    for i in range(runs):
        start = time.perf_counter()
        model.invoke()
        times[i] = time.perf_counter() - start
    return Latency(float(np.median(times) * 1e3), float(np.percentile(times, 90) * 1e3), runs)


def compare_latency(models, baseline=None, num_threads=1, rounds=30, per_round=20, warmup=20):
    """Time several models interleaved; return {name: (median ms, ratio to baseline)}.

    models: {name: .tflite bytes or path}. Each round times ``per_round``
    inferences of every model, in an order that rotates between rounds; the median
    is over the per-inference time of each round.
    """
    loaded = {name: _Timed(m, num_threads) for name, m in models.items()}
    baseline = baseline or next(iter(loaded))
    for m in loaded.values():
        for _ in range(warmup):
            m.invoke()
    names = list(loaded)
    samples = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            invoke = loaded[name].invoke
            start = time.perf_counter()
            for _ in range(per_round):
                invoke()
            samples[name].append((time.perf_counter() - start) / per_round)
    medians = {name: float(np.median(s) * 1e3) for name, s in samples.items()}
    return {name: (ms, ms / medians[baseline]) for name, ms in medians.items()}
