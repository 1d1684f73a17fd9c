"""Lesson 03's facts about Keras 3, checked against the pinned libraries: what a Keras 3 user
does to get a .tflite file, the route that converts without an error and computes with
weights nothing sets, and the two tools that accept only Keras 2 models (why the course
uses tf-keras)."""
import contextlib
import io

import numpy as np
import pytest

from course_grader import runtime as grader_runtime
from course_lib import data, inspect
from course_lib.quiet import import_tensorflow, quiet

tf = import_tensorflow()


@pytest.fixture(scope="module")
def keras3_model():
    import keras

    keras.utils.set_random_seed(3)
    return keras.Sequential([keras.Input((28, 28, 1), name="image"),
                             keras.layers.Conv2D(8, 3, activation="relu"),
                             keras.layers.GlobalAveragePooling2D(),
                             keras.layers.Dense(10, activation="softmax")])


@pytest.fixture(scope="module")
def images():
    return data.load_splits().test.normalized()[:50]


def test_the_lessons_kernel_has_both_kerases(keras3_model):
    import keras

    assert keras.__version__.startswith("3.")
    assert not isinstance(keras3_model, tf.keras.Model)  # tf.keras is Keras 2 (tf-keras) here


def test_export_as_litert_gives_the_keras3_models_numbers(keras3_model, images, tmp_path):
    path = tmp_path / "keras3.tflite"
    with quiet(), contextlib.redirect_stdout(io.StringIO()):
        keras3_model.export(str(path), format="litert")
    probs = grader_runtime.run_tflite(path.read_bytes(), images)
    assert np.abs(probs - keras3_model.predict(images, verbose=0)).max() < 1e-5


def test_saved_model_save_route_converts_to_unset_variables(keras3_model, images, tmp_path):
    with quiet():
        tf.saved_model.save(keras3_model, str(tmp_path / "saved"))
        blob = tf.lite.TFLiteConverter.from_saved_model(str(tmp_path / "saved")).convert()
    ops = set(inspect.inspect_tflite(blob).op_names)
    assert {"VAR_HANDLE", "READ_VARIABLE"} <= ops and "ASSIGN_VARIABLE" not in ops
    probs = grader_runtime.run_tflite(blob, images)  # NaN, or whatever that memory holds
    assert not np.any(np.all(np.abs(probs - keras3_model.predict(images, verbose=0)) < 1e-5, axis=1))


def test_coremltools_and_tfmot_refuse_a_keras3_model(keras3_model):
    with quiet():
        import coremltools as ct
        import tensorflow_model_optimization as tfmot

        with pytest.raises(ValueError, match="Unable to determine the type of the model"):
            ct.convert(keras3_model, convert_to="mlprogram")
        with pytest.raises(ValueError, match="can only prune an object of the following types"):
            tfmot.sparsity.keras.prune_low_magnitude(keras3_model)
