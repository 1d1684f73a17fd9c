"""The models the exercises are given as inputs, made once per machine and cached.

Exercises start from the course's own conversions of the shipped reference classifier
(its float32, float16, dynamic-range and int8 TFLite models, and a SavedModel folder):
01's budget question compares them, 02 traces the int8 one, 03 converts the SavedModel,
04 measures them side by side. They are made here, on first use, with
:mod:`course_lib.convert`, and cached in ``$COURSE_CACHE_DIR`` (default
``~/.cache/mobile-course``), in a folder keyed by the reference weights and the library
versions, under ``provided/``. The grader's own references live next to it, under
``grader/``, and only the grader sees those.
"""
import functools
import hashlib
import importlib.metadata
import os
import shutil
import tempfile
from pathlib import Path

from course_lib.quiet import quiet

VARIANTS = ("float32", "float16", "dynamic_range", "int8")


def _version(package):
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "none"


@functools.lru_cache(maxsize=None)
def cache_root():
    """This machine's cache for these weights and library versions (made on first use)."""
    from course_lib.model import WEIGHTS_PATH

    root = Path(os.environ.get("COURSE_CACHE_DIR") or Path.home() / ".cache" / "mobile-course")
    key = hashlib.sha256(WEIGHTS_PATH.read_bytes()).hexdigest()[:12]
    versions = "-".join(f"{p}{_version(p)}" for p in ("tensorflow", "coremltools", "ai-edge-litert"))
    path = root / f"{key}-{versions}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cached(folder, name, make):
    """Path of cache entry ``folder/name``; ``make(path)`` writes it (a file or a folder)
    if it is missing. Safe when several processes make the same entry at once."""
    parent = cache_root() / folder
    parent.mkdir(exist_ok=True)
    path = parent / name
    if path.exists():
        return path
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=parent))
    try:
        make(tmp / name)
        try:
            os.rename(tmp / name, path)  # atomic; if another process won the race, keep theirs
        except OSError:
            pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path


def cache_dir():
    """The folder of the provided models (what a student's kernel may read)."""
    path = cache_root() / "provided"
    path.mkdir(parents=True, exist_ok=True)
    return path


@functools.lru_cache(maxsize=None)
def _reference_model():
    from course_lib import model as model_lib

    with quiet():
        return model_lib.load_reference_model()


def tflite(variant="float32"):
    """The course's TFLite conversion of the reference model, as bytes: ``variant`` is one
    of float32, float16, dynamic_range, int8 (see :func:`course_lib.convert.to_tflite`)."""
    from course_lib import convert, data

    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, got {variant!r}")

    def make(path):
        calibration = _calibration_images(data) if variant == "int8" else None
        path.write_bytes(convert.to_tflite(_reference_model(), variant, calibration))

    name = f"reference_{variant}" + (f"_seed{CALIBRATION_SEED}" if variant == "int8" else "")
    return cached("provided", f"{name}.tflite", make).read_bytes()


CALIBRATION_SEED = 8128  # which 200 training images calibrate the provided int8 model


def _calibration_images(data):
    """200 training images drawn with a seed of the course's own: a student's honest int8
    conversion (calibrated on the first images, or all of them, or any set of their
    choosing) is a different file from the provided one, which the grader can tell apart."""
    import numpy as np

    train = data.load_splits().train.normalized()
    chosen = np.random.default_rng(CALIBRATION_SEED).choice(len(train), 200, replace=False)
    return train[np.sort(chosen)]


def saved_model_dir():
    """Path (str) of the reference model exported with ``tf.saved_model.save``."""
    def make(path):
        from course_lib.quiet import import_tensorflow

        tf = import_tensorflow()
        with quiet():
            tf.saved_model.save(_reference_model(), str(path))

    return str(cached("provided", "reference_savedmodel", make))


def make_all():
    """Make every provided model now (about 25 s once per machine)."""
    for variant in VARIANTS:
        tflite(variant)
    saved_model_dir()
