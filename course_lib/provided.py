"""The models the exercises are given as inputs: loaded from a folder, never made here.

Exercises start from the course's own conversions of the shipped reference classifier
(its float32, float16, dynamic-range and int8 TFLite models, and a SavedModel folder),
and from the float32 model's probabilities on the validation images: 01's metrics start
from those and its budget question compares the models, 02 traces the int8 one, 03
converts the SavedModel, 04 measures them side by side. Converting is the students' work, so this module only
loads the files: the student edition ships them in ``course_lib/assets/provided/``
(``make student-edition`` makes them); the instructor's course makes them on first use
with the grader-side ``course_grader.provided_models`` and caches them in
``$COURSE_CACHE_DIR`` (default ``~/.cache/mobile-course``), in a folder keyed by the
reference weights and the library versions, under ``provided/``. The grader's own
references live next to it, under ``grader/``, and only the grader sees those.
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
CACHE_FORMAT = 2  # 2: provided models carry MARK; a new format gets a fresh cache folder


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
    key = hashlib.sha256(WEIGHTS_PATH.read_bytes()).hexdigest()[:12] + f"-v{CACHE_FORMAT}"
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


SHIPPED = Path(__file__).resolve().parent / "assets" / "provided"  # in the student edition

CALIBRATION_SEED = 8128  # which 200 training images calibrate the provided int8 model
TFLITE_FILES = {variant: f"reference_{variant}.tflite" for variant in VARIANTS}
TFLITE_FILES["int8"] = f"reference_int8_seed{CALIBRATION_SEED}.tflite"
SAVED_MODEL = "reference_savedmodel"
# The float32 model's class probabilities on the validation split (01's input: running a
# model to probabilities is exercise 03's task, so the library ships the numbers).
VAL_PROBABILITIES = "reference_float32_val_probabilities.npy"
FILES = (*TFLITE_FILES.values(), SAVED_MODEL, VAL_PROBABILITIES)  # every provided entry


# Every provided TFLite model carries a metadata entry of this name (its data: the
# variant). LiteRT ignores it; the checks use it to tell a file the course ships from a
# student's own conversion of the same model, which is otherwise the same bytes.
MARK = "mobile_course_provided"


def provided_variant(model):
    """The variant ("float32", ..., "int8") if this .tflite model (bytes or path) is one the
    course provides, else None."""
    from ai_edge_litert import schema_py_generated as schema  # LiteRT's copy: no TensorFlow import

    from course_lib.runtime import read_tflite_bytes

    root = schema.Model.GetRootAs(read_tflite_bytes(model), 0)
    for i in range(root.MetadataLength()):
        entry = root.Metadata(i)
        if entry.Name() == MARK.encode():
            return bytes(root.Buffers(entry.Buffer()).DataAsNumpy()).decode()
    return None


def cache_dir():
    """The folder of the provided models (what a student's kernel may read): the shipped
    one in the student edition, this machine's cache in the instructor's course."""
    if SHIPPED.is_dir():
        return SHIPPED
    path = cache_root() / "provided"
    path.mkdir(parents=True, exist_ok=True)
    return path


@functools.lru_cache(maxsize=None)
def reference_model():
    from course_lib import model as model_lib

    with quiet():
        return model_lib.load_reference_model()


def _entry(name):
    path = cache_dir() / name
    if path.exists():
        return path
    try:
        from course_grader import provided_models
    except ImportError:  # the student edition: the files ship with it
        raise FileNotFoundError(
            f"The provided model {name} is missing from {cache_dir()}. It ships with the course "
            "(course_lib/assets/provided): restore that folder from your copy of the course.") from None
    return provided_models.make(name)


def tflite(variant="float32"):
    """The course's TFLite conversion of the reference model, as bytes: ``variant`` is one
    of float32, float16, dynamic_range, int8 (full integer, int8 input and output)."""
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, got {variant!r}")
    return _entry(TFLITE_FILES[variant]).read_bytes()


def val_probabilities():
    """The float32 model's class probabilities (float32, N x 10) on the validation images,
    in the order of ``data.load_splits().val``."""
    import numpy as np

    return np.load(_entry(VAL_PROBABILITIES))


def saved_model_dir():
    """Path (str) of the reference model exported with ``tf.saved_model.save``."""
    return str(_entry(SAVED_MODEL))
