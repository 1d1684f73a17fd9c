"""02_pipeline_trace, grader-only checks: the student's preprocessing and
postprocessing against the grader's reference pipeline, and the stage shapes against
their answers.

The ``*_exactly`` checks are the strict twins of the visible checks of the same name in
``course_lib.checks.pipeline`` (they run in the same test cell, as hidden tests); the
others are hidden-only tests."""
import math

import numpy as np

from course_lib import data
from course_lib.checks.pipeline import _model_input
from course_lib.checks.report import _call, _fail, _get, _pass
from course_lib.quiet import quiet
from course_grader.references import (int8_details, reference_tflite,
                                      _frames)

# The checks test cells may call (course_lib.grading exports them).
__all__ = ["preprocess_shape_exactly", "preprocess_values_exactly", "preprocess_quantization",
           "preprocess_accuracy", "postprocess_topk_exactly", "postprocess_general",
           "shapes_score_exactly"]


def _pipeline(frame, detail, stretch=True, antialias=False):
    from PIL import Image

    gray = np.asarray(Image.fromarray(frame).convert("L"), dtype=np.float32) / 255.0
    if antialias:  # PIL's resize: a common mistake (it blurs the silhouette's edges)
        small = np.asarray(Image.fromarray(gray).resize((28, 28), Image.BILINEAR), dtype=np.float32)
    else:
        # Bilinear with half-pixel centers and no antialiasing (tf.image.resize's "bilinear"):
        # shrinking by an even factor, each output pixel is the mean of the 2x2 pixels
        # around its center.
        h, w = gray.shape
        fy, fx = h // 28, w // 28
        y0, x0 = fy // 2 - 1, fx // 2 - 1
        small = 0.25 * sum(gray[y0 + dy::fy, x0 + dx::fx][:28, :28] for dy in (0, 1) for dx in (0, 1))
    if stretch:
        lo, hi = small.min(), small.max()
        small = (small - lo) / (hi - lo) if hi > lo else np.zeros_like(small)
    scale, zero_point = detail["quantization"]
    info = np.iinfo(detail["dtype"])
    q = np.clip(np.round(small / scale) + zero_point, info.min, info.max)
    return q.astype(detail["dtype"]).reshape(1, 28, 28, 1)


def reference_preprocess(frame, detail):
    """The expected model input for a camera frame (see 02_pipeline_trace): grayscale,
    bilinear resize to 28x28 without antialiasing, contrast stretched to [0, 1],
    quantized with the detail's scale and zero point."""
    return _pipeline(frame, detail)


_MISTAKES = {
    "the contrast is not stretched: map the darkest pixel to 0 and the brightest to 1, "
    "(x - x.min()) / (x.max() - x.min()), before quantizing": dict(stretch=False),
    "the resize antialiases (PIL's Image.resize does, which blurs the edges): resize with "
    "bilinear interpolation without antialiasing, tf.image.resize(gray[..., None], (28, 28), "
    "method='bilinear')": dict(antialias=True),
}


def _likely_mistake(frame, detail, got):
    course_detail = int8_details()[0]
    if tuple(detail["quantization"]) != tuple(course_detail["quantization"]):
        other = _pipeline(frame, course_detail)
        if float(np.mean(np.abs(got.astype(np.int32) - other.astype(np.int32)))) <= 1.0:
            return ("the scale and zero point are hard-coded (those of the course's model): read "
                    "them from the detail you are given, scale, zero_point = "
                    "input_detail[\"quantization\"]")
    for hint, options in _MISTAKES.items():
        other = _pipeline(frame, detail, **options)
        if float(np.mean(np.abs(got.astype(np.int32) - other.astype(np.int32)))) <= 1.0:
            return hint
    return None


def reference_postprocess(raw, detail, k=3):
    scale, zero_point = detail["quantization"]
    probs = (np.asarray(raw, dtype=np.float32).reshape(-1) - zero_point) * scale
    order = np.argsort(-probs, kind="stable")[:k]
    return [(data.CLASS_NAMES[i], float(probs[i])) for i in order]


def _preprocessed(label, ns, frame, detail, what):
    __tracebackhide__ = True
    fn = _get(label, ns, "preprocess")
    out = _call(label, fn, frame.copy(), dict(detail), what=what)
    if not isinstance(out, np.ndarray):
        _fail(label, f"{what} returned a {type(out).__name__}; expected a numpy array.")
    return out


def preprocess_shape_exactly(label, ns):
    """Strict twin of the visible ``preprocess_shape``: the same check with the input
    detail of the course's int8 model, as LiteRT reports it."""
    __tracebackhide__ = True
    _model_input(label, ns, _frames("val", 0, 1)[0], "preprocess(frame, input_detail)",
                 detail=int8_details()[0])
    _pass(label, "int8 array of shape (1, 28, 28, 1).")


def preprocess_values_exactly(label, ns, split="val", start=0, count=8, detail=None, what=None):
    """preprocess matches the expected model input (within 1 quantization step on average)."""
    __tracebackhide__ = True
    detail = detail or int8_details()[0]
    diffs = []
    for i, frame in enumerate(_frames(split, start, count)):
        got = _preprocessed(label, ns, frame, detail, f"preprocess(frame {i})")
        want = reference_preprocess(frame, detail)
        if got.shape != want.shape or got.dtype != want.dtype:
            _fail(label, f"frame {i}: got {got.dtype} {got.shape}, expected {want.dtype} {want.shape}.")
        diffs.append(np.abs(got.astype(np.int32) - want.astype(np.int32)))
    diffs = np.stack(diffs)
    mean, worst = float(diffs.mean()), int(diffs.max())
    label_what = what or f"on {count} camera frames"
    if mean > 1.0 or worst > 8:
        mistake = _likely_mistake(frame, detail, got)
        if mistake:
            _fail(label, f"{label_what} the pixels differ from the expected model input by "
                         f"{mean:.1f} quantization steps on average: {mistake}.")
        _fail(label, f"{label_what} the pixels differ from the expected model input by "
                     f"{mean:.1f} quantization steps on average (up to {worst}). Check each stage: "
                     "grayscale (PIL convert('L')), bilinear resize to 28x28 without antialiasing "
                     "(tf.image.resize(..., method='bilinear')), stretch to [0, 1] "
                     "((x - min) / (max - min)), then q = round(x / scale) + zero_point with the "
                     "scale and zero point from the detail you are given, clipped to -128..127.")
    _pass(label, f"{label_what} the input matches the expected one ({mean:.2f} steps on average).")


def preprocess_quantization(label, ns):
    """preprocess uses the scale and zero point it is given (another detail)."""
    __tracebackhide__ = True
    detail = {"dtype": np.int8, "quantization": (2.0 / 255.0, -20), "shape": np.array([1, 28, 28, 1])}
    preprocess_values_exactly(label, ns, split="test", start=0, count=4, detail=detail,
                      what="with another scale (2/255) and zero point (-20)")


def preprocess_accuracy(label, ns, count=60):
    """The int8 model classifies frames preprocessed by preprocess as it does the expected input."""
    __tracebackhide__ = True
    from course_grader import runtime

    detail, _ = int8_details()
    frames = _frames("test", 100, count)
    got = np.concatenate([_preprocessed(label, ns, f, detail, "preprocess") for f in frames])
    want = np.concatenate([reference_preprocess(f, detail) for f in frames])
    with quiet():
        model = runtime.TFLiteModel(reference_tflite("int8"))
        got_class = model.invoke_raw(got.astype(np.int8)).argmax(axis=1)
        want_class = model.invoke_raw(want).argmax(axis=1)
    agree = float(np.mean(got_class == want_class))
    if agree < 0.95:
        _fail(label, f"on {count} held-out frames the model's top-1 class agrees with the expected "
                     f"pipeline on only {agree:.0%}: match the preprocessing stage by stage.")
    _pass(label, f"top-1 class agrees with the expected pipeline on {agree:.0%} of {count} held-out frames.")


def _topk_check(label, ns, raw, detail, k, what):
    __tracebackhide__ = True
    fn = _get(label, ns, "postprocess")
    got = _call(label, fn, raw.copy(), dict(detail), k, what=what)
    want = reference_postprocess(raw, detail, k)
    scale, zero_point = detail["quantization"]
    probs = (raw.astype(np.float32).reshape(-1) - zero_point) * scale
    try:
        got = [(str(name), float(conf)) for name, conf in got]
    except (TypeError, ValueError):
        _fail(label, f"{what} returned {got!r:.80}; expected a list of (label, confidence) pairs.")
    if len(got) != k:
        _fail(label, f"{what} returned {len(got)} pairs, expected k={k}.")
    for name, conf in got:
        if name not in data.CLASS_NAMES:
            _fail(label, f"{what}: {name!r} is not a class name; map index i to CLASS_NAMES[i].")
        expected = float(probs[data.class_index(name)])
        if not math.isclose(conf, expected, abs_tol=1e-6):
            _fail(label, f"{what}: confidence of {name!r} is {conf:.4g}, expected {expected:.4g}: "
                         "dequantize the raw int8 output, (q - zero_point) * scale, with the "
                         "output's own scale and zero point.")
    if len({n for n, _ in got}) != k or [c for _, c in got] != sorted([c for _, c in want], reverse=True):
        _fail(label, f"{what}: got {[n for n, _ in got]}, expected the {k} most likely classes, "
                     f"most likely first: {[n for n, _ in want]}.")
    return got


def postprocess_topk_exactly(label, ns):
    """postprocess(raw_output, output_detail, k=3): the 3 most likely (label, confidence)."""
    __tracebackhide__ = True
    from course_grader import runtime

    input_detail, output_detail = int8_details()
    with quiet():
        model = runtime.TFLiteModel(reference_tflite("int8"))
        raws = [model.invoke_raw(reference_preprocess(f, input_detail)) for f in _frames("val", 0, 3)]
    for raw in raws:
        got = _topk_check(label, ns, raw, output_detail, 3, "postprocess(raw_output, output_detail, 3)")
    _pass(label, "top-3 labels with dequantized confidences, e.g. " +
          ", ".join(f"{n} {c:.2f}" for n, c in got) + ".")


def postprocess_general(label, ns):
    """postprocess with another k, scale and zero point."""
    __tracebackhide__ = True
    rng = np.random.default_rng(5)
    for k, scale, zero_point in ((5, 1 / 128, 0), (1, 1 / 256, -128), (10, 0.01, 12)):
        raw = rng.integers(-128, 128, size=(1, 10)).astype(np.int8)
        detail = {"dtype": np.int8, "quantization": (scale, zero_point), "shape": np.array([1, 10])}
        _topk_check(label, ns, raw, detail, k, f"postprocess(k={k}, scale={scale:.4g}, zero_point={zero_point})")
    _pass(label, "postprocess works for other k, scales and zero points.")


_STAGES = {
    "camera_frame": [(224, 224, 3)],
    "grayscale": [(224, 224), (224, 224, 1)],
    "resized": [(28, 28), (28, 28, 1)],
    "model_input": [(1, 28, 28, 1)],
    "model_output": [(1, 10)],
}


def shapes_score_exactly(label, ns, points=2.0):
    """SHAPES states each stage's shape; returns the points earned (partial credit)."""
    __tracebackhide__ = True
    shapes = _get(label, ns, "SHAPES")
    if not isinstance(shapes, dict):
        _fail(label, f"`SHAPES` is a {type(shapes).__name__}; expected a dict {{stage: shape tuple}}.")
    right = 0
    for stage, accepted in _STAGES.items():
        value = shapes.get(stage)
        try:
            value = tuple(int(d) for d in value)
        except (TypeError, ValueError):
            pass
        if value in accepted:
            right += 1
            _pass(label, f"{stage} {value}")
        else:
            print(f"FAIL {label}: {stage} is {shapes.get(stage)!r}; look at the array's .shape at "
                  "that stage (the model's input and output details list theirs).")
    if right == 0:
        _fail(label, "no stage's shape is right.")
    return round(points * right / len(_STAGES), 4)
