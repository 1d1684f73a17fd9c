"""Stage 4: running the converted models, as the app would.

TFLite models run in LiteRT (``ai_edge_litert``), the maintained successor of
``tf.lite.Interpreter``: ``load_interpreter`` gives its ``Interpreter`` (what most existing app
code uses), and ``predicted_classes`` runs its ``CompiledModel``, the API LiteRT recommends for
new code. Core ML models run only on macOS.
"""
import atexit
import os
import platform
import sys
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
        raise _unloadable(blob, error) from None
    return interpreter


def _unloadable(blob, error):
    return CourseInputError(f"LiteRT could not load this model ({len(blob)} bytes): it is "
                            f"truncated or corrupted. Re-run the conversion. Details: {error}")


def predicted_classes(model, images, num_threads=1, batch_size=256):
    """The class (an index per image) a .tflite model (bytes or path) predicts for float32
    images in [0, 1], shape (N, 28, 28, 1): enough for accuracy and agreement.

    It runs the model with LiteRT's ``CompiledModel``, the API LiteRT recommends for new
    code (lesson 03 shows it next to the ``Interpreter``). Only the winning class comes back,
    not the probabilities: reading those out of the runtime is what lesson 03 teaches and
    exercise 03 asks for. An int8 model gets its input quantized with its own scale and zero
    point; its int8 output is not dequantized, since the largest score is the same class
    either way.
    """
    from course_lib.inspect import inspect_tflite

    blob = read_tflite_bytes(model)
    compiled = _compiled_model(blob, num_threads)
    first_input = inspect_tflite(blob).inputs[0]
    dtype = np.dtype(first_input.dtype)
    shape = tuple(int(d) for d in first_input.shape[1:])
    images = np.asarray(images)
    if images.shape[1:] != shape:
        raise CourseInputError(f"This model expects images of shape (N, {', '.join(map(str, shape))}); "
                               f"got {images.shape}.")
    if not np.issubdtype(images.dtype, np.floating):
        raise CourseInputError(f"Expected float images in [0, 1]; got {images.dtype}. "
                               "Use course_lib.data.normalize() on uint8 pixels.")
    if first_input.quantized:
        info = np.iinfo(dtype)
        images = np.clip(np.round(images / first_input.scale) + first_input.zero_point,
                         info.min, info.max)
    images = images.astype(dtype)
    classes = []
    for start in range(0, len(images), batch_size):
        batch = images[start:start + batch_size]
        with quiet():  # the first tensor buffer of a process makes LiteRT log its set-up
            compiled.resize_input_tensor(0, list(batch.shape), strict=False)  # also a fixed batch of 1
            inputs, outputs = compiled.create_input_buffers(0), compiled.create_output_buffers(0)
            inputs[0].write(batch)
            compiled.run_by_index(0, inputs, outputs)
            output = outputs[0].get_tensor_details()  # {"dtype", "shape"}: (batch, classes)
            scores = outputs[0].read(int(np.prod(output["shape"])), np.dtype(output["dtype"]))
        classes.append(scores.reshape(len(batch), -1).argmax(axis=1))
    return np.concatenate(classes) if classes else np.zeros(0, dtype=np.int64)


_environment = None


def _litert_environment():
    """The process's one LiteRT environment, shared by every ``CompiledModel``.

    LiteRT logs from C++ to stderr, with no switch to turn it off, when an environment is
    made or destroyed. nbgrader counts stderr in a test cell as a failure, and garbage
    collection could destroy a per-model environment during one. So there is one, made
    quietly, and the teardown at exit (this one and the one LiteRT's tensor buffers make)
    is kept off stderr.
    """
    global _environment
    if _environment is None:
        from ai_edge_litert.environment import Environment

        with quiet():
            _environment = Environment.create()
        atexit.register(_hush_litert_teardown)
    return _environment


def _hush_litert_teardown():
    """At exit: send stderr to /dev/null for what is left of the process, which is
    LiteRT's C++ destructors logging that they release each accelerator."""
    sys.stderr.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _compiled_model(blob, num_threads):
    """A ``CompiledModel`` on the CPU for .tflite bytes; a clear error if LiteRT cannot load
    them. The caller keeps ``blob`` alive while the model is used (LiteRT reads it in place)."""
    from ai_edge_litert.compiled_model import CompiledModel
    from ai_edge_litert.options import CpuOptions, Options

    options = Options(cpu_options=CpuOptions(num_threads=num_threads))
    try:
        with quiet():
            return CompiledModel.from_buffer(blob, environment=_litert_environment(), options=options)
    except (ValueError, RuntimeError) as error:
        raise _unloadable(blob, error) from None


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
