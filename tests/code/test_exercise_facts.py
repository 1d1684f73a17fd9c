"""Facts the exercises' task statements state about an API, checked against the real API."""
from pathlib import Path

import nbformat
import pytest

from course_lib.quiet import import_tensorflow, quiet

ROOT = Path(__file__).resolve().parents[2]
tf = import_tensorflow()


def task_text(assignment, grade_id):
    nb = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    return next(c.source for c in nb.cells
                if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def test_03_q5_ct_convert_takes_an_h5_path_and_refuses_a_core_ml_one(tmp_path):
    """03 q5 says ct.convert also takes a SavedModel folder or a Keras .h5 file, and refuses
    a .mlmodel or .mlpackage path (that is Core ML already)."""
    with quiet():
        import coremltools as ct

        tf.keras.utils.set_random_seed(1)
        model = tf.keras.Sequential([tf.keras.Input((28, 28, 1)), tf.keras.layers.Flatten(),
                                     tf.keras.layers.Dense(10, activation="softmax")])
        model.save(str(tmp_path / "model.h5"))
        tf.saved_model.save(model, str(tmp_path / "saved"))
        for source in ("model.h5", "saved"):
            assert isinstance(ct.convert(str(tmp_path / source), convert_to="mlprogram"), ct.models.MLModel)
        ct.convert(model, convert_to="mlprogram").save(str(tmp_path / "model.mlpackage"))
        ct.convert(model, convert_to="neuralnetwork").save(str(tmp_path / "model.mlmodel"))
    for core_ml in ("model.mlmodel", "model.mlpackage"):
        with pytest.raises(ValueError, match="Unable to determine the type of the model"):
            with quiet():
                ct.convert(str(tmp_path / core_ml), convert_to="mlprogram")
    text = " ".join(task_text("03_conversion", "03_q5_text").split())
    assert "a Keras `.h5` file" in text and "a `.mlmodel` or `.mlpackage` path it refuses" in text


def test_03_intro_does_not_tie_each_format_to_one_platform():
    """LiteRT runs on iOS as well (lesson 03, section 6): the exercise must not say that iOS
    apps run Core ML models only."""
    text = " ".join(task_text("03_conversion", "03_intro").split())
    assert "iOS apps run **Core ML** models" not in text
    assert "(Android, and iOS too)" in text
