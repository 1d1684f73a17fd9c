"""The two TFLite runners: the grader's (probabilities) and the student library's (classes)."""
import numpy as np
import pytest

from course_grader import runtime as grader_runtime
from course_lib import CourseInputError, runtime
from course_lib.evaluate import accuracy, agreement
from course_lib.model import keras_predict


def test_float32_tflite_agrees_with_keras(tflite_variants, reference_model, test_images):
    keras_probs = keras_predict(reference_model, test_images)
    tflite_probs = grader_runtime.run_tflite(tflite_variants["float32"], test_images)
    assert tflite_probs.shape == (1000, 10) and tflite_probs.dtype == np.float32
    assert agreement(keras_probs, tflite_probs) >= 0.995
    assert np.abs(keras_probs - tflite_probs).max() < 1e-3


def test_int8_model_is_fed_quantized_input_and_dequantized_output(tflite_variants, splits, test_images):
    model = grader_runtime.TFLiteModel(tflite_variants["int8"])
    assert model.input["dtype"] == np.int8 and model.output["dtype"] == np.int8
    scale, zero_point = model.input["quantization"]
    q = model.prepare(test_images[:4])
    assert q.dtype == np.int8
    assert np.array_equal(q, np.clip(np.round(test_images[:4] / scale) + zero_point, -128, 127).astype(np.int8))
    probs = model.predict(test_images)
    assert probs.dtype == np.float32 and np.allclose(probs.sum(axis=1), 1.0, atol=0.05)
    assert accuracy(splits.test.labels, probs) >= 0.94


@pytest.mark.parametrize("variant", ["float32", "float16", "dynamic_range", "int8"])
def test_the_student_runner_predicts_the_graders_classes(tflite_variants, test_images, variant):
    """predicted_classes (float or int8 input, batched) gives the class of the grader's
    probabilities for every image, and nothing more than the class."""
    classes = runtime.predicted_classes(tflite_variants[variant], test_images, batch_size=300)
    assert classes.shape == (1000,) and np.issubdtype(classes.dtype, np.integer)
    probs = grader_runtime.run_tflite(tflite_variants[variant], test_images)
    assert np.array_equal(classes, probs.argmax(axis=1))


def test_batched_and_single_image_results_match(tflite_variants, test_images):
    model = grader_runtime.TFLiteModel(tflite_variants["float32"])
    batched = model.predict(test_images[:7], batch_size=3)
    single = np.concatenate([model.predict(x) for x in test_images[:7]])
    assert np.allclose(batched, single, atol=1e-6)


def test_path_and_bytes_give_the_same_predictions(tflite_variants, test_images, tmp_path):
    path = tmp_path / "model.tflite"
    path.write_bytes(tflite_variants["float16"])
    assert np.array_equal(grader_runtime.run_tflite(path, test_images[:5]),
                          grader_runtime.run_tflite(tflite_variants["float16"], test_images[:5]))
    assert np.array_equal(runtime.predicted_classes(str(path), test_images[:5]),
                          runtime.predicted_classes(tflite_variants["float16"], test_images[:5]))


def _classes_of_one_image(model):
    return runtime.predicted_classes(model, np.zeros((1, 28, 28, 1), np.float32))


@pytest.mark.parametrize("load", [runtime.load_interpreter, grader_runtime.TFLiteModel,
                                  _classes_of_one_image])
def test_bad_models_get_clear_errors(tflite_variants, load):
    with pytest.raises(CourseInputError, match="not a file.*returns bytes"):
        load("model.tflite")
    with pytest.raises(CourseInputError, match="not a TFLite model"):
        load(b"PK\x03\x04 this is a zip file")
    with pytest.raises(CourseInputError, match="Expected .tflite bytes or a path; got dict"):
        load({"model": 1})
    truncated = tflite_variants["float32"][: len(tflite_variants["float32"]) // 2]
    with pytest.raises(CourseInputError, match="truncated or corrupted"):
        load(truncated)


def test_wrong_image_shape_or_dtype_is_explained(tflite_variants, splits):
    model = grader_runtime.TFLiteModel(tflite_variants["float32"])
    for predict in (model.predict, lambda x: runtime.predicted_classes(tflite_variants["float32"], x)):
        with pytest.raises(CourseInputError, match=r"shape \(N, 28, 28, 1\); got \(2, 224, 224, 3\)"):
            predict(np.zeros((2, 224, 224, 3), np.float32))
        with pytest.raises(CourseInputError, match="float images in \\[0, 1\\].*uint8"):
            predict(splits.test.images[:2])


def test_coreml_prediction_on_linux_says_why_and_what_works():
    if runtime.coreml_can_predict():
        pytest.skip("this machine runs macOS: Core ML predictions are available")
    with pytest.raises(runtime.CoreMLUnavailableError, match="only make predictions on macOS.*inspect"):
        runtime.run_coreml(object(), np.zeros((1, 28, 28), np.uint8))


@pytest.mark.parametrize("variant", ["float32", "int8"])
def test_compiled_model_gives_the_interpreters_numbers(tflite_variants, test_images, variant):
    """Lesson 03's claims about CompiledModel, the API predicted_classes runs: the same
    output as the Interpreter, read from a flat buffer, and tensor details without the
    quantization (an int8 model's scale and zero point come from elsewhere)."""
    from ai_edge_litert.compiled_model import CompiledModel
    from ai_edge_litert.options import CpuOptions, HardwareAccelerator, Options
    from course_lib.quiet import quiet

    blob = tflite_variants[variant]
    reference = grader_runtime.TFLiteModel(blob)
    image = reference.prepare(test_images[:1])
    with quiet():
        compiled = CompiledModel.from_buffer(blob, options=Options(
            hardware_accelerators=HardwareAccelerator.CPU, cpu_options=CpuOptions(num_threads=1)))
        inputs, outputs = compiled.create_input_buffers(0), compiled.create_output_buffers(0)
        inputs[0].write(image)
        compiled.run_by_index(0, inputs, outputs)
        raw = outputs[0].read(10, reference.output["dtype"])
    assert raw.shape == (10,)
    interpreter = reference.interpreter
    interpreter.set_tensor(reference.input["index"], image)
    interpreter.invoke()
    assert np.array_equal(raw, interpreter.get_tensor(reference.output["index"])[0])
    details = compiled.get_input_tensor_details("serving_default")["image"]
    assert details["dtype"] == np.dtype(reference.input["dtype"]).name
    assert "quantization" not in details


def test_a_model_without_signature_and_with_a_fixed_batch_of_one_is_run(reference_model, test_images):
    """from_concrete_functions gives no signature and a batch fixed at 1: predicted_classes
    still runs it in batches (as the Interpreter's resize allows)."""
    from course_lib.quiet import import_tensorflow, quiet

    tf = import_tensorflow()
    function = tf.function(lambda x: reference_model(x, training=False)).get_concrete_function(
        tf.TensorSpec([1, 28, 28, 1], tf.float32))
    with quiet():
        blob = tf.lite.TFLiteConverter.from_concrete_functions([function], reference_model).convert()
    classes = runtime.predicted_classes(blob, test_images[:300], batch_size=128)
    assert np.array_equal(classes, grader_runtime.run_tflite(blob, test_images[:300]).argmax(axis=1))
