"""The grader's TFLite runner (grader-side): class probabilities from any .tflite model,
int8 input quantized and output dequantized with the model's own scale and zero point.

Running a model to probabilities is exercise 03's task and (de)quantizing is exercise
02's, so this lives with the grader; the student-side :mod:`course_lib.runtime` only
returns predicted classes.
"""
import numpy as np

from course_lib.errors import CourseInputError
from course_lib.quiet import quiet
from course_lib.runtime import load_interpreter, read_tflite_bytes


def _quantize(values, detail):
    scale, zero_point = detail["quantization"]
    info = np.iinfo(detail["dtype"])
    return np.clip(np.round(values / scale) + zero_point, info.min, info.max).astype(detail["dtype"])


def _dequantize(values, detail):
    scale, zero_point = detail["quantization"]
    if scale == 0:  # not quantized
        return values.astype(np.float32)
    return (values.astype(np.float32) - zero_point) * scale


class TFLiteModel:
    """A .tflite model loaded in the LiteRT interpreter.

    ``predict`` takes float32 images in [0, 1] and returns float32 class
    probabilities, whatever the model's own input/output types: int8 models get
    their input quantized and their output dequantized with the model's own
    scale and zero point.
    """

    def __init__(self, model, num_threads=1):
        self.model_bytes = model.model_bytes if isinstance(model, TFLiteModel) else read_tflite_bytes(model)
        self.interpreter = load_interpreter(self.model_bytes, num_threads)
        self.input = self.interpreter.get_input_details()[0]
        self.output = self.interpreter.get_output_details()[0]
        self._batch = int(self.input["shape"][0])

    @property
    def input_shape(self):
        return tuple(int(d) for d in self.input["shape"][1:])

    def _check(self, images):
        images = np.asarray(images)
        if images.ndim == len(self.input_shape):
            images = images[np.newaxis]
        if images.shape[1:] != self.input_shape:
            raise CourseInputError(
                f"This model expects images of shape (N, {', '.join(map(str, self.input_shape))}); "
                f"got {images.shape}."
            )
        if not np.issubdtype(images.dtype, np.floating):
            raise CourseInputError(
                f"predict() expects float images in [0, 1] (it quantizes them itself); got "
                f"{images.dtype}. Use course_lib.data.normalize() on uint8 pixels."
            )
        return images.astype(np.float32)

    def _resize(self, batch):
        if batch != self._batch:
            self.interpreter.resize_tensor_input(self.input["index"], [batch, *self.input_shape])
            with quiet():
                self.interpreter.allocate_tensors()
            self.input = self.interpreter.get_input_details()[0]
            self.output = self.interpreter.get_output_details()[0]
            self._batch = batch

    def invoke_raw(self, model_input):
        """Run on an input already in the model's own dtype and shape; raw output."""
        self._resize(len(model_input))
        self.interpreter.set_tensor(self.input["index"], model_input)
        self.interpreter.invoke()
        return self.interpreter.get_tensor(self.output["index"])

    def prepare(self, images):
        """float32 images -> the model's input dtype (quantized if the model wants ints)."""
        images = self._check(images)
        if np.issubdtype(self.input["dtype"], np.integer):
            return _quantize(images, self.input)
        return images.astype(self.input["dtype"])

    def predict(self, images, batch_size=256):
        """Class probabilities (float32, N x classes) for float32 images in [0, 1]."""
        model_input = self.prepare(images)
        outputs = []
        for start in range(0, len(model_input), batch_size):
            raw = self.invoke_raw(model_input[start:start + batch_size])
            outputs.append(_dequantize(raw, self.output))
        return np.concatenate(outputs)


def run_tflite(model, images, num_threads=1):
    """Probabilities from a .tflite model (bytes, path or TFLiteModel) for float32 images."""
    if not isinstance(model, TFLiteModel):
        model = TFLiteModel(model, num_threads=num_threads)
    return model.predict(images)
