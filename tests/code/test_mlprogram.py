"""Core ML accuracy on Linux: an ML program run op by op with the package's own weights."""
import numpy as np
import pytest

from course_grader import conversions
from course_lib import CourseInputError, evaluate, mlprogram
from course_lib.model import keras_predict


@pytest.fixture(scope="module")
def programs(reference_model):
    return {v: conversions.to_coreml(reference_model, v) for v in conversions.COREML_VARIANTS}


def test_the_float16_program_predicts_what_keras_predicts(programs, reference_model, splits, test_images):
    """The validation of the method: same network, float16 weights, the Keras model's class
    on at least 99.5% of the test images and probabilities within float16 rounding."""
    keras = keras_predict(reference_model, test_images)
    probs = mlprogram.probabilities(programs["float16"], splits.test.images)
    assert probs.shape == (1000, 10) and probs.dtype == np.float32
    assert evaluate.agreement(keras, probs) >= 0.995
    assert np.abs(keras - probs).max() < 0.02
    assert np.allclose(probs.sum(axis=1), 1, atol=1e-4)


def test_compressed_weights_are_the_ones_run(programs, reference_model, splits, test_images):
    """8-bit weights move the probabilities a little, 4-bit palettes more; batches of any
    size give the same numbers, and a (N, 28, 28, 1) array works like (N, 28, 28)."""
    keras = keras_predict(reference_model, test_images)
    images = splits.test.images
    gaps = {v: np.abs(mlprogram.probabilities(programs[v], images) - keras).max() for v in programs}
    assert gaps["float16"] < gaps["linear8"] < gaps["palette4"]
    accuracy = evaluate.accuracy(splits.test.labels, mlprogram.probabilities(programs["palette4"], images))
    assert accuracy >= evaluate.accuracy(splits.test.labels, keras) - 0.02
    batched = mlprogram.probabilities(programs["linear8"], images[:7], batch_size=3)
    assert np.allclose(batched, mlprogram.probabilities(programs["linear8"], images[:7, :, :, None]), atol=1e-6)


def test_what_it_cannot_run_is_named(programs, splits, reference_model, tmp_path):
    from course_lib.quiet import import_tensorflow, quiet

    with pytest.raises(CourseInputError, match="Expected uint8 pixels"):
        mlprogram.probabilities(programs["float16"], splits.test.normalized()[:2])
    with pytest.raises(CourseInputError, match=r"28x28 pixels.*got \(2, 32, 32\)"):
        mlprogram.probabilities(programs["float16"], np.zeros((2, 32, 32), np.uint8))
    tf = import_tensorflow()
    inputs = tf.keras.Input(shape=(28, 28, 1))
    x = tf.keras.layers.Conv2D(4, 3, padding="same")(inputs)
    x = tf.keras.layers.Add()([x, x])  # an op the course's classifier does not have
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    outputs = tf.keras.layers.Dense(10, activation="softmax")(x)
    with quiet():
        import coremltools as ct

        other = ct.convert(tf.keras.Model(inputs, outputs), convert_to="mlprogram",
                           inputs=[ct.ImageType(shape=(1, 28, 28, 1), color_layout=ct.colorlayout.GRAYSCALE)],
                           classifier_config=ct.ClassifierConfig([str(i) for i in range(10)]))
    with pytest.raises(CourseInputError, match="uses the op 'add'"):
        mlprogram.probabilities(other, np.zeros((1, 28, 28), np.uint8))
    path = tmp_path / "model.mlpackage"
    programs["float16"].save(str(path))
    with quiet():
        loaded = ct.models.MLModel(str(path), skip_model_load=True)
    with pytest.raises(CourseInputError, match="loaded from disk"):
        mlprogram.probabilities(loaded, np.zeros((1, 28, 28), np.uint8))
