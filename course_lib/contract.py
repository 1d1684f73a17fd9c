"""Stage 8, shipping: the input contract an app must honour, read off the model file.

An app hands the model a buffer of numbers, not a photo. To fill it right it must know the
signature's names, the input's shape, layout and dtype, the normalization, the quantization
scale and zero point, what the output means and the order of the labels. A .tflite carries
the first ones itself; it carries no labels and no normalization unless metadata is written
into it. So :func:`from_tflite` reads what the file says, takes the rest from the training
pipeline (``course_lib.data``), checks that the two agree, and :mod:`course_lib.appcode`
writes the app's code from the result: its numbers cannot drift from the model's.
"""
import dataclasses
import json

import numpy as np

from course_lib import data
from course_lib.errors import CourseInputError

# How a camera frame becomes the model's input (see lesson 02): what the training images are.
LUMA_WEIGHTS = (0.299, 0.587, 0.114)  # R, G, B: ITU-R 601, as PIL's convert("L")
FRAME_STEPS = (
    "grayscale: luma = {:g} R + {:g} G + {:g} B (ITU-R 601, as PIL's convert('L'))".format(*LUMA_WEIGHTS),
    "resize to the input's height x width, bilinear",
    "stretch the contrast: darkest pixel to 0, brightest to 255",
    "normalize: value = (pixel - mean) / std",
    "quantize (integer input only): q = round(value / scale) + zero_point, clipped to the dtype",
)
PIXEL_MEAN = 0.0
PIXEL_STD = 255.0  # data.normalize: uint8 pixels / 255 -> [0, 1]


@dataclasses.dataclass(frozen=True)
class Tensor:
    name: str
    shape: tuple
    dtype: str                 # "float32", "int8", "uint8"
    scale: float = 0.0         # quantization: real = scale * (q - zero_point); 0 = not quantized
    zero_point: int = 0

    @property
    def quantized(self):
        return self.scale != 0.0


@dataclasses.dataclass(frozen=True)
class Contract:
    model_file: str
    signature: str
    input: Tensor
    output: Tensor
    layout: str = "NHWC"
    color: str = "grayscale"
    mean: float = PIXEL_MEAN
    std: float = PIXEL_STD
    output_meaning: str = "probabilities"  # the model ends in softmax: they sum to 1
    labels: tuple = data.CLASS_NAMES
    frame_steps: tuple = FRAME_STEPS

    @property
    def height(self):
        return self.input.shape[1]

    @property
    def width(self):
        return self.input.shape[2]

    def to_json(self):
        return json.dumps(dataclasses.asdict(self), indent=2)

    @classmethod
    def from_json(cls, text):
        try:
            fields = json.loads(text)
            for key in ("input", "output"):
                fields[key] = Tensor(**{**fields[key], "shape": tuple(fields[key]["shape"])})
            for key in ("labels", "frame_steps"):
                fields[key] = tuple(fields[key])
            return cls(**fields)
        except (ValueError, TypeError, KeyError) as error:
            raise CourseInputError(f"Expected a contract file written by Contract.to_json; "
                                   f"this one cannot be read ({type(error).__name__}: {error}).") from None


def _tensor(name, details):
    scales = details["quantization_parameters"]["scales"]
    points = details["quantization_parameters"]["zero_points"]
    if len(scales) > 1:
        raise CourseInputError(f"Expected one quantization scale for the model's {name!r} tensor "
                               f"(per-tensor), got {len(scales)}: per-channel input is not an image.")
    return Tensor(name=name, shape=tuple(int(n) for n in details["shape"]),
                  dtype=np.dtype(details["dtype"]).name,
                  scale=float(scales[0]) if len(scales) else 0.0,
                  zero_point=int(points[0]) if len(points) else 0)


def from_tflite(model, model_file="model.tflite", signature=None, labels=data.CLASS_NAMES):
    """The contract of a .tflite model (bytes or path) with one input image and one output,
    read through its named signature (the first one unless ``signature`` is given)."""
    from course_lib import runtime

    interpreter = runtime.load_interpreter(model)
    signatures = interpreter.get_signature_list()
    if not signatures:
        raise CourseInputError("Expected a .tflite with a named signature (the converters write "
                               "'serving_default'); this one has none, so an app cannot call it by name.")
    key = signature or next(iter(signatures))
    if key not in signatures:
        raise CourseInputError(f"No signature {key!r} in this model; it has {', '.join(signatures)}.")
    runner = interpreter.get_signature_runner(key)
    inputs, outputs = runner.get_input_details(), runner.get_output_details()
    if len(inputs) != 1 or len(outputs) != 1:
        raise CourseInputError(f"Expected one input and one output in signature {key!r}; got "
                               f"inputs {list(inputs)} and outputs {list(outputs)}.")
    (in_name, in_details), = inputs.items()
    (out_name, out_details), = outputs.items()
    contract = Contract(model_file=model_file, signature=key, input=_tensor(in_name, in_details),
                        output=_tensor(out_name, out_details), labels=tuple(labels))
    problems = mismatches(contract)
    if problems:
        raise CourseInputError("An app could not call this model as the course's classifier: "
                               + "; ".join(problems))
    return contract


def mismatches(contract):
    """What in ``contract`` an app could not honour: [] when it is consistent."""
    problems = []
    shape = contract.input.shape
    if len(shape) != 4 or shape[0] != 1 or shape[3] != 1:
        problems.append(f"the input should be one grayscale image, (1, height, width, 1) in "
                        f"{contract.layout}; it is {shape}")
    classes = contract.output.shape[-1]
    if classes != len(contract.labels):
        problems.append(f"the output has {classes} classes but there are {len(contract.labels)} labels")
    if len(set(contract.labels)) != len(contract.labels):
        problems.append("the labels repeat a name")
    if contract.input.dtype not in ("float32", "int8", "uint8"):
        problems.append(f"input dtype {contract.input.dtype} is neither float32 nor 8-bit integer")
    if contract.input.dtype != "float32" and not contract.input.quantized:
        problems.append("an integer input needs a quantization scale and zero point")
    return problems


@dataclasses.dataclass(frozen=True)
class CoreMLContract:
    """A Core ML classifier carries more of its contract than a .tflite: its ImageType holds
    the image's size, colour and scale, its ClassifierConfig the labels, by name."""
    model_name: str            # Xcode names the generated class and the compiled .mlmodelc after it
    input_name: str
    width: int
    height: int
    color: str                 # "GRAYSCALE", "RGB" or "BGR"
    scale: float               # Core ML multiplies each 0..255 pixel by it
    labels: tuple
    label_output: str          # the most likely class's name
    probabilities_output: str  # {label: probability}


def from_coreml(model, model_name="AnimalClassifier"):
    """The contract of a Core ML classifier with one image input (an MLModel or a path)."""
    from course_lib import inspect

    if not str(model_name).isidentifier():
        raise CourseInputError(f"Expected the model's name as Xcode makes a class of it, like "
                               f"'AnimalClassifier'; got {model_name!r}.")
    spec, path = inspect.load_spec(model)
    report = inspect.coreml_report(spec, path)
    if len(report.inputs) != 1 or report.inputs[0]["kind"] != "image":
        raise CourseInputError("Expected a Core ML model with one image input (convert with "
                               f"ct.ImageType); its inputs are {[i['details'] for i in report.inputs]}.")
    if not report.is_classifier:
        raise CourseInputError("Expected a Core ML classifier (convert with ct.ClassifierConfig): "
                               "this model has no class labels, so the app could not name its answer.")
    image = report.inputs[0]
    contract = CoreMLContract(
        model_name=model_name, input_name=image["name"], width=image["width"],
        height=image["height"], color=image["color"],
        scale=inspect.coreml_image_scale(spec), labels=tuple(report.class_labels),
        label_output=spec.description.predictedFeatureName,
        probabilities_output=spec.description.predictedProbabilitiesName)
    problems = coreml_mismatches(contract)
    if problems:
        raise CourseInputError("This Core ML model does not match the course's model: " + "; ".join(problems))
    return contract


def coreml_mismatches(contract, labels=data.CLASS_NAMES):
    """How ``contract`` differs from what the model was trained on: [] when it matches."""
    problems = []
    if abs(contract.scale * PIXEL_STD - 1) > 1e-3:
        problems.append(f"it scales pixels by {contract.scale:g}, but the model was trained on "
                        f"pixels / {PIXEL_STD:g} (ImageType(scale=1/{PIXEL_STD:g}))")
    if contract.color != "GRAYSCALE":
        problems.append(f"its image input is {contract.color}, the model was trained on grayscale")
    if tuple(contract.labels) != tuple(labels):
        problems.append(f"its labels {list(contract.labels)} are not the training order {list(labels)}")
    return problems
