"""Visible checks of the shipping exercise (06_shipping): what a student may run.

q1's ``app_input(frame, contract)`` is checked for its form and for the properties the task
states (the contract's shape and dtype; values spanning the contract's normalized range; an
input the course's model recognizes). q2's ``.tflite`` is checked for its signature, its ops
and its agreement with the course's Keras model on the pixel-doubled crops the notebook
shows. Whether the values are exactly the expected ones, on other frames and contracts and on
crops that are not pixel-doubled, is a hidden test (``course_grader.shipping``).
"""
import functools

import numpy as np

from course_lib import contract as contract_lib
from course_lib import data, provided
from course_lib.checks.models import keras_probabilities
from course_lib.checks.report import _call, _fail, _fresh, _get, _pass
from course_lib.quiet import quiet

# The checks test cells may call (course_lib.grading exports them).
__all__ = ["app_input_form", "app_input_values", "app_model_signature", "app_model_builtins",
           "app_model_agrees"]

FRAMES = 32      # validation frames app_input_values runs on
MIN_KNOWN = 28   # of them the Keras model must recognize (31/32 with the expected pipeline)
FRAME_SIZE = (224, 300)  # a landscape camera frame, the animal in the centre 224x224 square
SIGNATURE = {"classify": {"inputs": ["crop"], "outputs": ["probabilities"]}}
CROP_SHAPE = (1, 56, 56, 1)
CROPS = 32       # validation images, pixel-doubled to 56x56, app_model_agrees runs on
# Largest difference, per probability, from the Keras model: a float32 file differs by
# about 1e-6; any quantization of the weights by 1e-2 or more.
PROBABILITY_TOLERANCE = 1e-3


@functools.lru_cache(maxsize=None)
def course_contract():
    """The contract of the course's int8 model, as lesson 6 reads it off the file."""
    with quiet():
        return contract_lib.from_tflite(provided.tflite("int8"), "animals_int8.tflite")


@functools.lru_cache(maxsize=None)
def _validation_frames():
    """The first validation images as landscape camera frames (as the notebook makes them)."""
    val = data.load_splits().val
    frames = [data.camera_frame(image, seed=i, height=FRAME_SIZE[0], width=FRAME_SIZE[1])
              for i, image in enumerate(val.images[:FRAMES])]
    return frames, val.labels[:FRAMES]


def model_input(label, ns, frame, contract, what):
    """app_input(frame, contract) as an array of the contract's shape and dtype, or FAIL."""
    __tracebackhide__ = True
    fn = _get(label, ns, "app_input")
    out = _call(label, fn, frame.copy(), contract, what=what)
    if not isinstance(out, np.ndarray):
        _fail(label, f"{what} returned a {type(out).__name__}; expected a numpy array.")
    if out.shape != tuple(contract.input.shape):
        _fail(label, f"{what}: shape {out.shape}, expected {tuple(contract.input.shape)}, the "
                     "input shape the contract gives (contract.input.shape).")
    if out.dtype != np.dtype(contract.input.dtype):
        _fail(label, f"{what}: dtype {out.dtype}, expected {contract.input.dtype}, the input "
                     "dtype the contract gives (contract.input.dtype).")
    return out


def as_pixels(values, contract):
    """A model input back in 0..255 pixel units: dequantized, then de-normalized."""
    values = np.asarray(values, dtype=np.float64)
    scale, zero_point = contract.input.scale, contract.input.zero_point
    real = scale * (values - zero_point) if scale else values  # scale 0: not quantized
    return real * contract.std + contract.mean


def app_input_form(label, ns):
    """app_input(frame, contract) returns the contract's shape and dtype for a 4:3 frame."""
    __tracebackhide__ = True
    contract = course_contract()
    frames, _ = _validation_frames()
    model_input(label, ns, frames[0], contract, "app_input(frames[0], contract)")
    _pass(label, f"{contract.input.dtype} array of shape {tuple(contract.input.shape)}.")


def app_input_values(label, ns):
    """On the validation frames, the input spans the full 0..255 range once de-normalized
    (contrast stretched, normalized and quantized with the contract's numbers), the
    background is dark, and the course's Keras model recognizes the animals in it."""
    __tracebackhide__ = True
    contract = course_contract()
    frames, labels = _validation_frames()
    step = contract.input.scale * contract.std if contract.input.quantized else 0.0
    pixels = []
    for i, frame in enumerate(frames):
        p = as_pixels(model_input(label, ns, frame, contract, f"app_input(frames[{i}], contract)"),
                      contract)[0, ..., 0]
        if p.min() > step + 1 or p.max() < 255 - step - 1:
            _fail(label, f"frame {i}: read back with the contract's scale, zero point, mean and std, "
                         f"your input spans pixels {p.min():.0f}..{p.max():.0f}, not 0..255: "
                         "stretch the contrast, then normalize and quantize with the contract's own "
                         "numbers (contract.mean, contract.std, contract.input.scale, "
                         "contract.input.zero_point).")
        pixels.append(p)
    pixels = np.stack(pixels)
    border = np.concatenate([pixels[:, :2].reshape(len(pixels), -1), pixels[:, -2:].reshape(len(pixels), -1),
                             pixels[:, :, :2].reshape(len(pixels), -1), pixels[:, :, -2:].reshape(len(pixels), -1)],
                            axis=1)
    if float(np.median(border.mean(axis=1))) > 128:
        _fail(label, "the background (the image's border) comes out bright: the model was trained on "
                     "light silhouettes on a black background.")
    known = int(np.sum(keras_probabilities(pixels[..., np.newaxis] / 255.0).argmax(axis=1) == labels))
    if known < MIN_KNOWN:
        _fail(label, f"the course's model recognizes the animal in only {known} of {FRAMES} frames "
                     f"(the expected pipeline: {FRAMES - 1}): compare your input with the pipeline "
                     "the contract lists (contract.frame_steps), step by step.")
    _pass(label, f"a stretched, normalized input the model recognizes in {known} of {FRAMES} frames.")


def _app_model(label, ns, allocate=True):
    """(the bytes at APP_MODEL_PATH, written by this run, and LiteRT's interpreter for them,
    its tensors allocated unless ``allocate`` is False: a file with ops LiteRT lacks loads,
    and says its signatures, but does not allocate)."""
    __tracebackhide__ = True
    from ai_edge_litert.interpreter import Interpreter

    path = _fresh(label, _get(label, ns, "APP_MODEL_PATH"), "write the converted model to it")
    blob = path.read_bytes()
    try:
        with quiet():
            interpreter = Interpreter(model_content=blob)
            if allocate:
                interpreter.allocate_tensors()
    except (RuntimeError, ValueError) as error:
        _fail(label, f"LiteRT cannot run {path}: {str(error).splitlines()[0][:200]}")
    return blob, interpreter


def app_model_signature(label, ns):
    """The file has one signature, `classify`, with input `crop` (1, 56, 56, 1) float32 and
    output `probabilities` (1, 10) float32."""
    __tracebackhide__ = True
    _, interpreter = _app_model(label, ns, allocate=False)
    found = interpreter.get_signature_list()
    if found != SIGNATURE:
        _fail(label, f"the signatures are {found}; expected {SIGNATURE}: name the signature when you "
                     "save the module, and the input and output in the function you export.")
    runner = interpreter.get_signature_runner("classify")
    crop = runner.get_input_details()["crop"]
    probabilities = runner.get_output_details()["probabilities"]
    for name, detail, shape in (("crop", crop, CROP_SHAPE), ("probabilities", probabilities, (1, data.NUM_CLASSES))):
        got = (tuple(int(n) for n in detail["shape"]), np.dtype(detail["dtype"]).name)
        if got != (shape, "float32"):
            _fail(label, f"`{name}` is {got[1]} of shape {got[0]}; expected float32 of shape {shape}.")
    _pass(label, "signature `classify`: crop (1, 56, 56, 1) float32 -> probabilities (1, 10) float32.")


def app_model_builtins(label, ns):
    """Every op of the file is one of LiteRT's builtins: no TensorFlow (Flex) or custom op."""
    __tracebackhide__ = True
    from course_lib.inspect import inspect_tflite

    path = _fresh(label, _get(label, ns, "APP_MODEL_PATH"), "write the converted model to it")
    ops = inspect_tflite(path.read_bytes()).op_names
    foreign = sorted({op for op in ops if op.startswith("Flex") or op == "CUSTOM"})
    if foreign:
        _fail(label, f"the file holds ops that are not LiteRT builtins: {', '.join(foreign)}. An app "
                     "would need the TensorFlow ops library for them: use a builtin op that does the job.")
    _app_model(label, ns)  # and LiteRT runs it
    _pass(label, f"{len(ops)} ops, all LiteRT builtins ({', '.join(sorted(set(ops))[:4])}, ...).")


def signature_runner(label, ns):
    """The runner of the file's `classify` signature (or of its only signature: that one is
    the signature check's business)."""
    __tracebackhide__ = True
    _, interpreter = _app_model(label, ns)
    signatures = list(interpreter.get_signature_list())
    key = "classify" if "classify" in signatures else signatures[0] if len(signatures) == 1 else None
    if key is None:
        _fail(label, f"cannot tell which signature classifies: the file has {signatures or 'none'}.")
    runner = interpreter.get_signature_runner(key)
    inputs, outputs = runner.get_input_details(), runner.get_output_details()
    if len(inputs) != 1 or len(outputs) != 1:
        _fail(label, f"signature {key!r} has inputs {list(inputs)} and outputs {list(outputs)}; "
                     "expected one of each.")
    return runner, next(iter(inputs)), next(iter(outputs))


def compare_with_keras(label, ns, crops, want, what):
    """FAIL unless the file's probabilities on ``crops`` are the Keras model's ``want``."""
    __tracebackhide__ = True
    runner, crop_name, out_name = signature_runner(label, ns)
    try:
        with quiet():
            got = np.concatenate([runner(**{crop_name: crop[np.newaxis].astype(np.float32)})[out_name]
                                  for crop in crops]).astype(np.float64)
    except (RuntimeError, ValueError) as error:
        _fail(label, f"running the file on {what} failed: {str(error).splitlines()[0][:200]}")
    if got.shape != want.shape:
        _fail(label, f"on {what} the file returned probabilities of shape {got.shape[1:]} per crop; "
                     f"expected {want.shape[1:]}.")
    worst = float(np.abs(got - want).max())
    if worst > PROBABILITY_TOLERANCE:
        agree = float(np.mean(got.argmax(axis=1) == want.argmax(axis=1)))
        _fail(label, f"on {what} the probabilities differ from the course's Keras model by up to "
                     f"{worst:.4f} (top-1 agrees on {agree:.0%}): the file must be the course's model in "
                     "float32, after a bilinear resize of the crop to 28x28.")
    return worst


def app_model_agrees(label, ns):
    """On validation images doubled to 56x56 crops, the file's probabilities are the Keras
    model's on the 28x28 images."""
    __tracebackhide__ = True
    images = data.load_splits().val.normalized()[:CROPS]
    crops = images.repeat(2, axis=1).repeat(2, axis=2)
    worst = compare_with_keras(label, ns, crops, keras_probabilities(images),
                               f"{CROPS} pixel-doubled validation crops")
    _pass(label, f"the Keras model's probabilities on {CROPS} crops, within {worst:.1e}.")
