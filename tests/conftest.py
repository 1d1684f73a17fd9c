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


# `make test` runs the suite on two pytest workers (pytest-xdist). The tests that use one
# session fixture of a folder's conftest (the graded course, the browser's JupyterLab) must
# run on one worker, or the fixture is made twice: they form one unit of work, named below.
# Every other file is a unit (its module fixtures stay together), and each lesson is one, as
# it shares nothing. pytest_collection_modifyitems checks the names below against the
# fixtures the tests really use. (xdist's own `--dist loadgroup` marks do not take with
# pytest 9, which no longer reads the test id xdist rewrites, so the scheduler groups.)
SHARED_UNITS = {
    "graded": ["tests/grading/test_agreement.py", "tests/grading/test_autograde.py",
               "tests/grading/test_instructor.py", "tests/grading/test_selfcheck.py",
               "tests/grading/test_sources.py"],
    "coreml_models": ["tests/grading/test_checks.py", "tests/grading/test_checks_conversion.py"],
    "browser": ["tests/browser/"],
    "hub": ["tests/hub/"],
}
UNGROUPED_FOLDERS = {"tests/notebooks/"}


def work_unit(nodeid):
    path = nodeid.split("::")[0]              # tests/<folder>/test_x.py
    for unit, members in SHARED_UNITS.items():
        if any(path == m or (m.endswith("/") and path.startswith(m)) for m in members):
            return unit
    if any(path.startswith(folder) for folder in UNGROUPED_FOLDERS):
        return nodeid
    return path


def pytest_collection_modifyitems(config, items):
    """The longest units of work first; refuse to run when two units would each make the
    same folder's session fixture: say which file to add to SHARED_UNITS. (tests/conftest.py's own session
    fixtures are made once per worker by design.)"""
    items.sort(key=lambda item: start_rank(item.nodeid))  # stable: file order within a rank
    units = {}  # fixture -> {unit: a test of that unit using it}
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        for name, definitions in (info.name2fixturedefs.items() if info else ()):
            definition = definitions[-1]  # the one this test gets
            if definition.scope == "session" and definition.baseid not in ("", "tests"):
                units.setdefault(name, {}).setdefault(work_unit(item.nodeid), item.nodeid)
    split = {name: found for name, found in units.items() if len(found) > 1}
    if split:
        name, found = next(iter(split.items()))
        raise pytest.UsageError(
            f"the session fixture {name!r} would be made once per unit of work: "
            f"{sorted(found.values())} are in units {sorted(found)}; put their files in one "
            "SHARED_UNITS entry of tests/conftest.py")


# Units of work by the time they took in a measured run (test-output/durations-*.tsv),
# longest first; the others follow in collection order.
LONGEST_FIRST = ["graded", "tests/batch/test_batch_shortcuts.py", "tests/batch/test_batch_cluster.py",
                 "tests/code/test_quiz_facts.py", "tests/batch/test_batch_hostile.py", "coreml_models",
                 "tests/grading/test_checks_shipping.py", "browser", "hub", "tests/notebooks/"]


def start_rank(nodeid):
    unit = work_unit(nodeid)
    return next((rank for rank, name in enumerate(LONGEST_FIRST)
                 if unit == name or unit.startswith(name)), len(LONGEST_FIRST))


@pytest.hookimpl(optionalhook=True)  # pytest -p no:xdist runs without it
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return work_unit(nodeid)

        def schedule(self):
            # xdist would hand out the units with the most tests first, which leaves the long
            # single-test ones (a lesson, the hub) for the end: they go in collection order,
            # which pytest_collection_modifyitems made longest first.
            self.config.option.loadscopereorder = False
            super().schedule()

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
