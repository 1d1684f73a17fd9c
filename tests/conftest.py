"""Shared fixtures: the real data, the shipped reference model and its conversions.

Conversions take seconds each, so they are made once per test session; so is the
throwaway PostgreSQL server of the gradebook tests.
"""
import os
import sys
from pathlib import Path

import course_lib  # noqa: F401  (selects Keras 2 before anything imports TensorFlow)
import pytest

from course_grader import conversions
from course_lib import data, model as model_lib

sys.path.insert(0, str(Path(__file__).resolve().parent))
import postgres_server  # noqa: E402


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


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL server (tests/postgres_server.py), skipped with how to install it
    if PostgreSQL is missing; ``postgres.create_database(name)`` gives a new database's URL."""
    with postgres_server.running() as server:
        yield server


CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for every browser test of this process (tests/browser, tests/hub).

    One per process, because Playwright's sync API cannot be started while another instance
    of it is still open in the same thread, and a session fixture stays open to the end.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: run `make test` as root or with sudo so "
                    "it can `apt-get install chromium`, or set COURSE_CHROMIUM to a Chromium binary.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


# `make test` runs the suite on two pytest workers (pytest-xdist). Tests that share an
# expensive fixture must stay on one worker, or it is made twice: a folder whose conftest makes
# one for all its files (the graded course, the hostile batch, the browser's JupyterLab, the hub)
# is one unit of work; a file (its module fixtures) is one; each lesson, which shares nothing,
# goes wherever a worker is free. (xdist's own `--dist loadgroup` marks do not take with
# pytest 9, which no longer reads the test id xdist rewrites, so the scheduler groups.)
SHARED_FOLDERS = {"grading", "batch", "browser", "hub"}
UNGROUPED_FOLDERS = {"notebooks"}


def work_unit(nodeid):
    path = nodeid.split("::")[0]              # tests/<folder>/test_x.py
    folder = path.split("/")[1] if path.count("/") >= 2 else ""
    if folder in UNGROUPED_FOLDERS:
        return nodeid
    return folder if folder in SHARED_FOLDERS else path


@pytest.hookimpl(optionalhook=True)  # pytest -p no:xdist runs without it
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return work_unit(nodeid)

    return SharedFixtureScheduling(config, log)


DURATIONS = Path(__file__).resolve().parents[1] / "test-output"


def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # the main process, before any worker starts
        for old in DURATIONS.glob("durations-*.tsv"):
            old.unlink()


def pytest_runtest_logreport(report):
    """Each phase's time, per worker, in test-output/durations-<worker>.tsv: what the
    scheduling above is judged by (which worker ran what, when, for how long)."""
    import time

    if os.environ.get("PYTEST_XDIST_WORKER"):
        return  # a worker: the main process writes what each worker reports
    gateway = getattr(getattr(report, "node", None), "gateway", None)
    worker = gateway.id if gateway else "main"
    DURATIONS.mkdir(exist_ok=True)
    with open(DURATIONS / f"durations-{worker}.tsv", "a", encoding="utf-8") as out:
        out.write(f"{time.time():.1f}\t{report.when}\t{report.duration:.2f}\t{report.outcome}\t"
                  f"{report.nodeid}\n")
