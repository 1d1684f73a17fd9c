"""Visible checks of the 02_pipeline_trace exercise: the form of the student's preprocessing,
postprocessing and stage shapes, and the properties the task states (an int8 input that
spans the quantized [0, 1] range with a dark background, which the shipped Keras model
recognizes; probabilities in [0, 1], most likely first). Whether the values are exactly
the expected ones is a hidden test (``course_grader.pipeline``)."""
import functools

import numpy as np

from course_lib import data
from course_lib.checks.report import _call, _fail, _get, _pass
from course_lib.quiet import quiet

__all__ = ["preprocess_shape", "preprocess_values", "postprocess_topk", "shapes_score"]

FRAMES = 32      # validation frames preprocess_values runs on (the notebook shows the first 8)
MIN_KNOWN = 28   # of them the Keras model must recognize: measured 31/32 with the expected
                 # pipeline, 13/32 without the contrast stretch, 25/32 with PIL's resize
STAGES = ("camera_frame", "grayscale", "resized", "model_input", "model_output")


def _detail(shape, scale, zero_point, name):
    """A tensor detail as LiteRT's get_input_details()/get_output_details() report one."""
    scale = float(np.float32(scale))
    return {"name": name, "index": 0, "shape": np.array(shape, dtype=np.int32),
            "shape_signature": np.array([-1, *shape[1:]], dtype=np.int32), "dtype": np.int8,
            "quantization": (scale, int(zero_point)),
            "quantization_parameters": {"scales": np.array([scale], dtype=np.float32),
                                        "zero_points": np.array([zero_point], dtype=np.int32),
                                        "quantized_dimension": 0},
            "sparsity_parameters": {}}


def _image_detail():
    """An int8 image input: [0, 1] quantized to -128..127 (scale 1/255, zero point -128)."""
    return _detail([1, 28, 28, 1], 1 / 255, -128, "serving_default_image:0")


def _probability_detail():
    """An int8 softmax output: [0, 1) quantized to -128..127 (scale 1/256, zero point -128)."""
    return _detail([1, data.NUM_CLASSES], 1 / 256, -128, "StatefulPartitionedCall:0")


@functools.lru_cache(maxsize=None)
def _validation():
    """The first validation images as camera frames (as the notebook renders them), and labels."""
    val = data.load_splits().val
    frames = [data.camera_frame(image, seed=i) for i, image in enumerate(val.images[:FRAMES])]
    return frames, val.labels[:FRAMES]


@functools.lru_cache(maxsize=None)
def _keras_model():
    """The course's Keras classifier, the model the exercise's int8 model was converted from."""
    from course_lib import model as model_lib

    with quiet():
        return model_lib.load_reference_model()


def _model_input(label, ns, frame, what, detail=None):
    """preprocess(frame, detail) as an int8 array of shape (1, 28, 28, 1), or FAIL
    (``detail``: this check's own int8 image detail unless given)."""
    __tracebackhide__ = True
    fn = _get(label, ns, "preprocess")
    out = _call(label, fn, frame.copy(), dict(detail or _image_detail()), what=what)
    if not isinstance(out, np.ndarray):
        _fail(label, f"{what} returned a {type(out).__name__}; expected a numpy array.")
    if out.shape != (1, 28, 28, 1):
        hint = " (add the batch axis: x[np.newaxis, ..., np.newaxis])" if out.size == 784 else ""
        _fail(label, f"{what}: shape {out.shape}, expected (1, 28, 28, 1): a batch of one 28x28 "
                     f"one-channel image{hint}.")
    if out.dtype != np.int8:
        _fail(label, f"{what}: dtype {out.dtype}, expected int8: the model's input is int8 "
                     "(input_detail['dtype']); quantize, then .astype(np.int8).")
    return out


def preprocess_shape(label, ns):
    """preprocess(frame, input_detail) returns an int8 array of shape (1, 28, 28, 1)."""
    __tracebackhide__ = True
    frames, _ = _validation()
    _model_input(label, ns, frames[0], "preprocess(frame, input_detail)")
    _pass(label, "int8 array of shape (1, 28, 28, 1).")


def preprocess_values(label, ns):
    """On the validation frames, preprocess's int8 input has the properties the task states:
    dequantized with the detail's scale and zero point it spans [0, 1] (contrast stretched),
    the background is dark, and the Keras model recognizes the frames' animals in it."""
    __tracebackhide__ = True
    frames, labels = _validation()
    detail = _image_detail()
    scale, zero_point = detail["quantization"]
    info = np.iinfo(np.int8)
    darkest = int(np.clip(zero_point, info.min, info.max))                      # where 0 lands
    brightest = int(np.clip(np.round(1 / scale) + zero_point, info.min, info.max))  # where 1 lands
    inputs = [_model_input(label, ns, frame, f"preprocess(frame {i}, input_detail)")
              for i, frame in enumerate(frames)]
    for i, q in enumerate(inputs):
        low, high = int(q.min()), int(q.max())
        if low <= darkest + 1 and high >= brightest - 1:
            continue
        x = (q.astype(np.float32) - zero_point) * scale  # back to [0, 1] floats
        if abs(low) <= 1 and abs(zero_point) > 1:
            _fail(label, f"frame {i}: the darkest pixel's int8 value is {low}, but black (0.0) "
                         f"quantizes to the zero point, {zero_point}: add the zero point from "
                         "input_detail['quantization'] (step 4).")
        _fail(label, f"frame {i}: dequantized with the detail's scale and zero point, your input "
                     f"spans [{float(x.min()):.2f}, {float(x.max()):.2f}], not [0, 1] (int8 "
                     f"{low}..{high}, expected {darkest}..{brightest}). Either the contrast is not "
                     "stretched (step 3: after the resize, the darkest pixel becomes 0 and the "
                     "brightest 1), or the quantization does not use the scale and zero point of "
                     "the detail it is given (step 4).")
    x = (np.concatenate(inputs).astype(np.float32) - zero_point) * scale
    border = np.concatenate([x[:, :2].reshape(len(x), -1), x[:, -2:].reshape(len(x), -1),
                             x[:, :, :2].reshape(len(x), -1), x[:, :, -2:].reshape(len(x), -1)], axis=1)
    if float(np.median(border.mean(axis=1))) > 0.5:
        _fail(label, "the background (the image's border) comes out bright: the model was trained "
                     "on white silhouettes on a black background, so the dark background must "
                     "become 0 and the animal 1 (step 3).")
    with quiet():
        predicted = _keras_model().predict(x, batch_size=len(x), verbose=0).argmax(axis=1)
    known = int(np.sum(predicted == labels))
    if known < MIN_KNOWN:
        _fail(label, f"the course's Keras model recognizes the animal in only {known} of "
                     f"{len(frames)} validation frames from your inputs (dequantized); with the "
                     "expected preprocessing it recognizes nearly all of them. Compare your "
                     "stages with the task's steps: if the resize antialiases (PIL's "
                     "Image.resize does), the thin shapes blur; resize with bilinear "
                     "interpolation without antialiasing (step 2).")
    _pass(label, f"on {len(frames)} validation frames your int8 inputs span the quantized [0, 1] "
                 f"range on a dark background, and the course's Keras model recognizes {known} "
                 f"of them (exact values are checked at grading).")


def _raw_outputs(count=3, seed=7):
    """int8 outputs of a softmax classifier (quantized like _probability_detail), each
    with a single largest value."""
    detail = _probability_detail()
    scale, zero_point = detail["quantization"]
    rng = np.random.default_rng(seed)
    raws = []
    while len(raws) < count:
        logits = rng.normal(0.0, 2.5, data.NUM_CLASSES)
        p = np.exp(logits - logits.max())
        p /= p.sum()
        q = np.clip(np.round(p / scale) + zero_point, -128, 127).astype(np.int8)
        if np.sum(q == q.max()) == 1:
            raws.append(q.reshape(1, -1))
    return raws


def postprocess_topk(label, ns, k=3):
    """postprocess(raw_output, output_detail, 3): 3 distinct (label, confidence) pairs with
    known labels and confidences in [0, 1], most likely first."""
    __tracebackhide__ = True
    fn = _get(label, ns, "postprocess")
    detail = _probability_detail()
    what = f"postprocess(raw_output, output_detail, {k})"
    for raw in _raw_outputs():
        got = _call(label, fn, raw.copy(), dict(detail), k, what=what)
        try:
            got = [(str(name), float(conf)) for name, conf in got]
        except (TypeError, ValueError):
            _fail(label, f"{what} returned {got!r:.80}; expected a list of (label, confidence) pairs.")
        if len(got) != k:
            _fail(label, f"{what} returned {len(got)} pairs, expected k={k}.")
        names = [name for name, _ in got]
        confidences = [conf for _, conf in got]
        for name in names:
            if name not in data.CLASS_NAMES:
                _fail(label, f"{what}: {name!r} is not a class name; map index i to CLASS_NAMES[i].")
        if len(set(names)) != k:
            _fail(label, f"{what}: {names} repeats a class; expected {k} different classes.")
        outside = [(n, c) for n, c in got if not -1e-6 <= c <= 1 + 1e-6]
        if outside:
            name, conf = outside[0]
            _fail(label, f"{what}: the confidence of {name!r} is {conf:.4g}, not a probability in "
                         "[0, 1]: dequantize the raw int8 output with the output's own scale and "
                         "zero point (output_detail['quantization']), as the task says.")
        if sum(confidences) > 1 + k * detail["quantization"][0]:
            _fail(label, f"{what}: the confidences add up to {sum(confidences):.3f}, more than 1: "
                         "dequantize with the output's own scale and zero point "
                         "(output_detail['quantization']).")
        if confidences != sorted(confidences, reverse=True):
            _fail(label, f"{what}: confidences {[round(c, 3) for c in confidences]} are not in "
                         "descending order: most likely class first.")
        largest = data.CLASS_NAMES[int(np.argmax(raw))]
        if names[0] != largest:
            _fail(label, f"{what}: the first pair is {names[0]!r}, but the largest raw output is "
                         f"another class's: the most likely class comes first, and index i of "
                         "the output is CLASS_NAMES[i].")
    _pass(label, f"{k} different classes with confidences in [0, 1], most likely first, e.g. " +
          ", ".join(f"{n} {c:.2f}" for n, c in got) + " (exact values are checked at grading).")


def shapes_score(label, ns, points=2.0):
    """SHAPES gives each of the five stages a shape, a tuple of positive ints. Whether the
    shapes are right is scored at grading (0.4 points each). A stage that is missing or
    not a shape gets a FAIL line, and the points the other stages can still earn are the
    cell's result (partial credit, as at grading); nothing at all usable FAILs."""
    __tracebackhide__ = True
    shapes = _get(label, ns, "SHAPES")
    if not isinstance(shapes, dict):
        _fail(label, f"`SHAPES` is a {type(shapes).__name__}; expected a dict {{stage: shape tuple}}.")
    usable = 0
    for stage in STAGES:
        if stage not in shapes:
            print(f"FAIL {label}: SHAPES has no {stage!r}; its keys are {', '.join(STAGES)}.")
            continue
        value = shapes[stage]
        try:
            dims = [int(d) for d in value]
            ok = bool(dims) and all(d == v and d > 0 for d, v in zip(dims, value))
        except (TypeError, ValueError):
            ok = False
        if ok:
            usable += 1
        else:
            print(f"FAIL {label}: SHAPES[{stage!r}] is {value!r}; expected a shape, a tuple of "
                  "positive ints such as an array's .shape.")
    if usable == 0:
        _fail(label, "no stage has a shape (a tuple of ints).")
    if usable < len(STAGES):
        return round(points * usable / len(STAGES), 4)
    _pass(label, f"SHAPES gives all {len(STAGES)} stages a shape; whether each is right is "
                 f"scored at grading ({points / len(STAGES):g} points per stage).")
    return None
