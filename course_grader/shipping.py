"""06_shipping, grader-only checks: the student's app-side preprocessing against the
grader's reference pipeline, on held-out frames of other shapes and under other contracts,
and the student's .tflite against the Keras model on crops that are not pixel-doubled.

``app_input_values_exactly`` is the strict twin of the visible check of the same name in
``course_lib.checks.shipping`` (it runs in the same test cell, as a hidden test); the
others are hidden-only tests."""
import dataclasses

import numpy as np

from course_lib import contract as contract_lib
from course_lib import provided
from course_lib.checks.report import _fail, _pass
from course_lib.checks.models import keras_probabilities
from course_lib.checks.shipping import as_pixels, compare_with_keras, course_contract, model_input
from course_lib.quiet import quiet
from course_grader.references import _frames, splits

# The checks test cells may call (course_lib.grading exports them).
__all__ = ["app_input_values_exactly", "app_input_crops", "app_input_contracts", "app_model_crops"]


def reference_app_input(frame, contract, crop=True, normalize=True):
    """The expected model input for a camera frame under a contract: the centre square,
    grayscale (PIL), bilinear resize without antialiasing to the input's size, contrast
    stretched to 0..255, normalized with the contract's mean and std, quantized with its
    scale and zero point (integer input), in the input's shape and dtype."""
    from PIL import Image

    from course_lib.quiet import import_tensorflow

    tf = import_tensorflow()
    if crop:
        height, width = frame.shape[:2]
        side = min(height, width)
        top, left = (height - side) // 2, (width - side) // 2
        frame = frame[top:top + side, left:left + side]
    gray = np.asarray(Image.fromarray(frame).convert("L"), dtype=np.float32)
    small = tf.image.resize(gray[..., np.newaxis], (contract.height, contract.width),
                            method="bilinear").numpy()
    low, high = small.min(), small.max()
    pixels = 255 * (small - low) / (high - low) if high > low else np.zeros_like(small)
    values = (pixels - contract.mean) / contract.std if normalize else pixels / 255
    tensor = contract.input
    if tensor.quantized:
        info = np.iinfo(tensor.dtype)
        values = np.clip(np.round(values / tensor.scale) + tensor.zero_point, info.min, info.max)
    return values.astype(tensor.dtype).reshape(tensor.shape)


def _difference(got, want, contract):
    """(mean, largest) difference in 0..255 pixel units."""
    diff = np.abs(as_pixels(got, contract) - as_pixels(want, contract))
    return float(diff.mean()), float(diff.max())


def _compare(label, ns, frames, contract, what, mistakes=()):
    """FAIL unless app_input matches the reference on every frame: within one quantization
    step (or one pixel level) on average and eight at most."""
    __tracebackhide__ = True
    step = contract.input.scale * contract.std if contract.input.quantized else 0.0
    diffs = []
    for i, frame in enumerate(frames):
        got = model_input(label, ns, frame, contract, f"app_input(frame {i}) {what}")
        want = reference_app_input(frame, contract)
        mean, worst = _difference(got, want, contract)
        if mean > step + 1 or worst > 8 * (step + 1):
            for hint, options in mistakes:
                if _difference(got, reference_app_input(frame, contract, **options), contract)[0] <= step + 1:
                    _fail(label, f"{what}: the input differs from the expected one by {mean:.1f} pixel "
                                 f"levels on average: {hint}.")
            _fail(label, f"{what}: the input differs from the expected one by {mean:.1f} pixel levels "
                         f"on average (up to {worst:.0f}): follow the contract's steps "
                         "(contract.frame_steps) after the centre crop, with its numbers.")
        diffs.append(mean)
    return float(np.mean(diffs))


_NOT_CROPPED = ("the frame is squashed to a square instead of cropped: take the centre square "
                "of the frame first", dict(crop=False))
_NOT_NORMALIZED = ("the values are pixels / 255 whatever the contract says: normalize with the "
                   "contract's mean and std", dict(normalize=False))


def app_input_values_exactly(label, ns):
    """Strict twin of the visible ``app_input_values``: the expected input, on the
    notebook's 4:3 validation frames, for the course's int8 model."""
    __tracebackhide__ = True
    from course_lib.checks.shipping import _validation_frames

    frames, _ = _validation_frames()
    mean = _compare(label, ns, frames[:8], course_contract(), "on 8 frames", [_NOT_CROPPED])
    _pass(label, f"the expected input on 8 frames ({mean:.2f} pixel levels on average).")


def app_input_crops(label, ns):
    """Held-out frames of other shapes, portrait and landscape: the centre square is used."""
    __tracebackhide__ = True
    contract = course_contract()
    means = [_compare(label, ns, _frames("test", start, 6, height, width), contract,
                      f"on {height}x{width} frames", [_NOT_CROPPED])
             for start, (height, width) in ((0, (320, 240)), (6, (240, 400)), (12, (256, 256)))]
    _pass(label, f"the expected input on portrait, landscape and square held-out frames "
                 f"({max(means):.2f} pixel levels on average at most).")


def other_contracts():
    """Contracts of other models: float32 input in [-1, 1], and int8 input of 32x32 with
    another scale and zero point."""
    int8 = course_contract()
    with quiet():
        float32 = contract_lib.from_tflite(provided.tflite("float32"), "animals_float32.tflite")
    return {
        "float32 in [-1, 1]": dataclasses.replace(float32, mean=127.5, std=127.5),
        "int8 32x32, scale 2/255, zero point -20": dataclasses.replace(
            int8, input=dataclasses.replace(int8.input, shape=(1, 32, 32, 1), scale=2 / 255, zero_point=-20)),
    }


def app_input_contracts(label, ns):
    """app_input follows the contract it is given: other dtypes, sizes and numbers."""
    __tracebackhide__ = True
    for name, contract in other_contracts().items():
        _compare(label, ns, _frames("test", 20, 4, 256, 256), contract, f"for a model {name}",
                 [_NOT_NORMALIZED, _NOT_CROPPED])
    _pass(label, f"the expected input under {len(other_contracts())} other contracts.")


def app_model_crops(label, ns, count=60):
    """On held-out images made 56x56 by a smooth upscale (not pixel-doubled, plus noise),
    the file gives the Keras model's probabilities after a bilinear resize to 28x28."""
    __tracebackhide__ = True
    from PIL import Image

    from course_lib.quiet import import_tensorflow

    tf = import_tensorflow()
    test = splits().test
    rng = np.random.default_rng(20261129)
    crops = np.stack([np.asarray(Image.fromarray(image.reshape(28, 28)).resize((56, 56), Image.BICUBIC),
                                  dtype=np.float32)
                      for image in test.images[:count]])[..., np.newaxis] / 255
    crops = np.clip(crops + rng.normal(0, 0.02, crops.shape), 0, 1).astype(np.float32)
    want = keras_probabilities(tf.image.resize(crops, (28, 28), method="bilinear").numpy())
    worst = compare_with_keras(label, ns, crops, want, f"{count} held-out crops")
    _pass(label, f"the Keras model's probabilities after a bilinear resize on {count} held-out crops, "
                 f"within {worst:.1e}.")
