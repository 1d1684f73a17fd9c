"""Shared fixtures: the real data, the shipped reference model and its conversions.

Conversions take seconds each, so they are made once per test session.
"""
import course_lib  # noqa: F401  (selects Keras 2 before anything imports TensorFlow)
import pytest

from course_grader import conversions
from course_lib import data, model as model_lib


@pytest.fixture(scope="session")
def splits():
    return data.load_splits()


@pytest.fixture(scope="session")
def reference_model():
    return model_lib.load_reference_model()


@pytest.fixture(scope="session")
def test_images(splits):
    return splits.test.normalized()


@pytest.fixture(scope="session")
def tflite_variants(reference_model, splits):
    """{variant name: .tflite bytes} for every TFLite variant of the reference model."""
    calibration = splits.train.normalized()
    return {v: conversions.to_tflite(reference_model, v, calibration) for v in conversions.TFLITE_VARIANTS}
