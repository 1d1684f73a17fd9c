"""Shared fixtures: the real data, the shipped reference model and its conversions.

Conversions take seconds each, so they are made once per test session.
"""
import course_lib  # noqa: F401  (selects Keras 2 before anything imports TensorFlow)
import pytest

from course_grader import conversions
from course_lib import data, model as model_lib

# `make test` runs on both cores with pytest-xdist (`-n 2` in pytest.ini). A worker takes
# whole work units: a file, or one of these shared units. The batch grader's tests share one
# (they start graders and count and kill their processes, and each run keeps both cores
# busy); the files that read the session fixture `graded` share another, so it is made once;
# the browser tests share one JupyterLab and one Chromium.
SHARED_UNITS = {
    "tests/batch/": "batch grader",
    "tests/browser/": "browser",
    "tests/grading/test_agreement.py": "graded",
    "tests/grading/test_autograde.py": "graded",
    "tests/grading/test_instructor.py": "graded",
    "tests/grading/test_selfcheck.py": "graded",
    "tests/grading/test_sources.py": "graded",
}


def work_unit(nodeid):
    """The unit of work a test belongs to: its shared unit, else its file."""
    path = nodeid.split("::", 1)[0]
    return next((unit for prefix, unit in SHARED_UNITS.items() if path.startswith(prefix)), path)


def pytest_collection_modifyitems(items):
    """A new file that reads `graded` must join its unit: on another worker it would grade
    the whole course a second time, at the same time."""
    for item in items:
        if "graded" in item.fixturenames and work_unit(item.nodeid) != "graded":
            raise pytest.UsageError(f"{item.path.name} uses the fixture `graded`: add it to "
                                    "SHARED_UNITS in tests/conftest.py")


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, absent when it is not installed
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class WorkUnitScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return work_unit(nodeid)

    return WorkUnitScheduling(config, log)


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
