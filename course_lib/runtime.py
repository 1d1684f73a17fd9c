"""Stage 4: running the converted models, as the app would.

TFLite models run in the LiteRT interpreter (``ai_edge_litert``), the maintained
successor of ``tf.lite.Interpreter``. Core ML models run only on macOS.
"""
import os
import platform
from pathlib import Path

import numpy as np

from course_lib.errors import CourseInputError
from course_lib.quiet import quiet

TFLITE_IDENTIFIER = b"TFL3"  # flatbuffer file identifier, bytes 4-8 of every .tflite


def read_tflite_bytes(model):
    """Accept .tflite bytes, or a path to a .tflite file; return the bytes, validated."""
    if isinstance(model, (str, os.PathLike)):
        path = Path(model)
        if not path.is_file():
            raise CourseInputError(
                f"Expected .tflite bytes or the path of a .tflite file; {str(model)[:80]!r} "
                "is not a file. (converter.convert() returns bytes: write them to a file first, "
                "or pass the bytes.)"
            )
        model = path.read_bytes()
    if isinstance(model, (bytearray, memoryview)):
        model = bytes(model)
    if not isinstance(model, bytes):
        raise CourseInputError(
            f"Expected .tflite bytes or a path; got {type(model).__name__}. "
            "Convert a Keras model first with tf.lite.TFLiteConverter."
        )
    if len(model) < 8 or model[4:8] != TFLITE_IDENTIFIER:
        raise CourseInputError(
            f"These {len(model)} bytes are not a TFLite model: a .tflite file carries the "
            f"identifier {TFLITE_IDENTIFIER!r} at bytes 4-8, found {model[4:8]!r}."
        )
    return model


def load_interpreter(model, num_threads=1):
    """A LiteRT ``Interpreter`` for .tflite bytes or a path, tensors allocated; a clear error
    for a file LiteRT cannot load."""
    from ai_edge_litert.interpreter import Interpreter

    blob = read_tflite_bytes(model)
    try:
        with quiet():
            interpreter = Interpreter(model_content=blob, num_threads=num_threads)
            interpreter.allocate_tensors()
    except (ValueError, RuntimeError) as error:
        raise CourseInputError(
            f"LiteRT could not load this model ({len(blob)} bytes): it is truncated or "
            f"corrupted. Re-run the conversion. Details: {error}") from None
    return interpreter


def predicted_classes(model, images, num_threads=1, batch_size=256):
    """The class (an index per image) a .tflite model (bytes or path) predicts for float32
    images in [0, 1], shape (N, 28, 28, 1): enough for accuracy and agreement.

    Only the winning class comes back, not the probabilities: reading those out of the
    interpreter is what lesson 03 teaches and exercise 03 asks for. An int8 model gets its
    input quantized with its own scale and zero point; its int8 output is not dequantized,
    since the largest score is the same class either way.
    """
    interpreter = load_interpreter(model, num_threads)
    detail = interpreter.get_input_details()[0]
    shape = tuple(int(d) for d in detail["shape"][1:])
    images = np.asarray(images)
    if images.shape[1:] != shape:
        raise CourseInputError(f"This model expects images of shape (N, {', '.join(map(str, shape))}); "
                               f"got {images.shape}.")
    if not np.issubdtype(images.dtype, np.floating):
        raise CourseInputError(f"Expected float images in [0, 1]; got {images.dtype}. "
                               "Use course_lib.data.normalize() on uint8 pixels.")
    if np.issubdtype(detail["dtype"], np.integer):
        scale, zero_point = detail["quantization"]
        info = np.iinfo(detail["dtype"])
        images = np.clip(np.round(images / scale) + zero_point, info.min, info.max)
    images = images.astype(detail["dtype"])
    classes = []
    for start in range(0, len(images), batch_size):
        batch = images[start:start + batch_size]
        interpreter.resize_tensor_input(detail["index"], list(batch.shape))
        with quiet():
            interpreter.allocate_tensors()
        interpreter.set_tensor(detail["index"], batch)
        interpreter.invoke()
        output = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
        classes.append(output.argmax(axis=1))
    return np.concatenate(classes) if classes else np.zeros(0, dtype=np.int64)


class CoreMLUnavailableError(RuntimeError):
    """Core ML prediction needs macOS; raised elsewhere with what still works."""


def coreml_can_predict():
    return platform.system() == "Darwin"


def run_coreml(mlmodel, images, class_names=None):
    """Class probabilities (N x classes) from a Core ML classifier (macOS only).

    ``images``: uint8 (N, 28, 28) or (N, 28, 28, 1); the model's ImageType input
    does the scaling to [0, 1] itself. Columns follow ``class_names`` (default:
    the course's classes).
    """
    if not coreml_can_predict():
        raise CoreMLUnavailableError(
            f"Core ML models can only make predictions on macOS (this is {platform.system()}): "
            "the Core ML runtime is part of Apple's operating systems. On this machine you can "
            "still convert, compress, save and inspect the model (course_lib.inspect.inspect_coreml), "
            "and check the same network's accuracy with its TFLite conversion."
        )
    from PIL import Image

    from course_lib.data import CLASS_NAMES

    class_names = list(class_names or CLASS_NAMES)
    description = mlmodel.get_spec().description
    input_name = description.input[0].name
    images = np.asarray(images, dtype=np.uint8).reshape(-1, 28, 28)
    rows = []
    for pixels in images:
        result = mlmodel.predict({input_name: Image.fromarray(pixels, mode="L")})
        probs = result[description.predictedProbabilitiesName]
        rows.append([probs[name] for name in class_names])
    return np.asarray(rows, dtype=np.float32)
