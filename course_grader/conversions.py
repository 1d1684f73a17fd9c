"""The course's own conversions of a Keras model (instructor- and grader-side).

The TFLite variants (float32, dynamic range, float16, full int8, and full int8 by the
LiteRT Quantizer) and the Core ML
variants (float16 mlprogram, 8-bit linear weights, 4-bit palettized) as the grader,
the benchmark and the provided input models make them. These are the conversions the
exercises ask for, so the student edition does not contain this module: the lessons
show the converter calls in their own cells.
"""
import numpy as np

from course_lib.data import CLASS_NAMES
from course_lib.errors import CourseInputError
from course_lib.quiet import import_tensorflow, quiet

TFLITE_VARIANTS = ("float32", "dynamic_range", "float16", "int8")
COREML_VARIANTS = ("float16", "linear8", "palette4")


def representative_dataset(images, count=200):
    """A generator factory for int8 calibration: float32 batches of one image."""
    images = np.asarray(images, dtype=np.float32)[:count]

    def generate():
        for image in images:
            yield [image[np.newaxis]]

    return generate


def to_tflite(model, variant="float32", calibration_images=None):
    """Convert a Keras model to TFLite flatbuffer bytes.

    variant: "float32" (no optimization), "dynamic_range" (int8 weights, float
    activations), "float16" (float16 weights), or "int8" (full integer: int8 weights,
    activations, input and output; needs ``calibration_images``, float32 in [0, 1]).
    """
    if variant not in TFLITE_VARIANTS:
        raise CourseInputError(f"Unknown TFLite variant {variant!r}; expected one of {TFLITE_VARIANTS}.")
    tf = import_tensorflow()
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if variant != "float32":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if variant == "float16":
        converter.target_spec.supported_types = [tf.float16]
    if variant == "int8":
        if calibration_images is None:
            raise CourseInputError("The int8 variant needs calibration_images (float32, N x 28 x 28 x 1).")
        converter.representative_dataset = representative_dataset(calibration_images)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    with quiet():
        return converter.convert()


def int8_with_quantizer(float32_tflite, calibration_images, count=200):
    """Full-integer int8 .tflite bytes made the way LiteRT now documents: the float32 file
    quantized by the LiteRT Quantizer (static int8 weights and activations; int8 input and
    output), calibrated on ``count`` images (float32, N x 28 x 28 x 1, in [0, 1])."""
    from litert_quantizer import quantizer, recipe

    images = np.asarray(calibration_images, dtype=np.float32)[:count]
    int8_quantizer = quantizer.Quantizer(float32_tflite)
    int8_quantizer.load_quantization_recipe(recipe.static_wi8_ai8())
    with quiet():  # its calibration progress bar and LiteRT's logs go to stderr
        calibration = int8_quantizer.calibrate(
            {"serving_default": [{"image": image[np.newaxis]} for image in images]})
        result = int8_quantizer.quantize(calibration, enable_progress_report=False)
    return bytes(result.quantized_model)


def to_coreml(model, variant="float16", class_names=CLASS_NAMES):
    """Convert a Keras model to a Core ML ``mlprogram`` classifier with a grayscale image input.

    variant: "float16" (the mlprogram default precision), "linear8" (8-bit linear
    weight quantization) or "palette4" (4-bit k-means palettization).
    """
    if variant not in COREML_VARIANTS:
        raise CourseInputError(f"Unknown Core ML variant {variant!r}; expected one of {COREML_VARIANTS}.")
    with quiet():
        import coremltools as ct
        import coremltools.optimize.coreml as cto

        mlmodel = ct.convert(
            model,
            inputs=[ct.ImageType(name=model.inputs[0].name.split(":")[0], shape=(1, 28, 28, 1),
                                 scale=1 / 255.0, color_layout=ct.colorlayout.GRAYSCALE)],
            classifier_config=ct.ClassifierConfig(list(class_names)),
            convert_to="mlprogram",
            minimum_deployment_target=ct.target.iOS16,
        )
        if variant == "linear8":
            config = cto.OptimizationConfig(cto.OpLinearQuantizerConfig(mode="linear_symmetric"))
            mlmodel = cto.linear_quantize_weights(mlmodel, config)
        elif variant == "palette4":
            config = cto.OptimizationConfig(cto.OpPalettizerConfig(mode="kmeans", nbits=4))
            mlmodel = cto.palettize_weights(mlmodel, config)
    return mlmodel
