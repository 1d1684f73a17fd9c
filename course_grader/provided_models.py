"""Makes the models the exercises are given (instructor-side): the course's float32,
float16, dynamic-range and int8 TFLite conversions of the shipped reference classifier,
and its SavedModel folder.

:mod:`course_lib.provided` only loads them. In this course they are made here on first
use, into the cache (``provided/``); the student edition ships the files, made by
``make student-edition`` with this module, since converting is the students' work.
"""
import shutil

from course_lib import provided
from course_lib.quiet import import_tensorflow, quiet


def _calibration_images():
    """200 training images drawn with the course's own seed: a student's honest int8
    conversion (calibrated on the first images, or all of them, or any set of their
    choosing) is a different file from the provided one, which the grader can tell apart."""
    import numpy as np

    from course_lib import data

    train = data.load_splits().train.normalized()
    chosen = np.random.default_rng(provided.CALIBRATION_SEED).choice(len(train), 200, replace=False)
    return train[np.sort(chosen)]


def _write_tflite(variant):
    from course_grader import conversions

    def write(path):
        calibration = _calibration_images() if variant == "int8" else None
        blob = conversions.to_tflite(provided.reference_model(), variant, calibration)
        path.write_bytes(marked(blob, variant))

    return write


def marked(blob, variant):
    """``blob`` with the metadata entry :data:`course_lib.provided.MARK` (data: the variant)
    added; the graph and weights are unchanged."""
    from tensorflow.lite.python import schema_py_generated as schema
    from tensorflow.lite.tools import flatbuffer_utils

    model = flatbuffer_utils.convert_bytearray_to_object(bytearray(blob))
    buffer = schema.BufferT()
    buffer.data = list(variant.encode())
    model.buffers.append(buffer)
    entry = schema.MetadataT()
    entry.name, entry.buffer = provided.MARK, len(model.buffers) - 1
    model.metadata = [*(model.metadata or []), entry]
    return bytes(flatbuffer_utils.convert_object_to_bytearray(model))


def _write_val_probabilities(path):
    import numpy as np

    from course_grader import runtime
    from course_lib import data

    with quiet():
        probs = runtime.run_tflite(provided.tflite("float32"), data.load_splits().val.normalized())
    with open(path, "wb") as file:  # np.save on a path would append .npy to the temporary name
        np.save(file, probs.astype(np.float32))


def _write_saved_model(path):
    tf = import_tensorflow()
    with quiet():
        tf.saved_model.save(provided.reference_model(), str(path))


def make(name):
    """Make the provided model file (or folder) ``name`` in the cache, unless it is there."""
    variant = {file: variant for variant, file in provided.TFLITE_FILES.items()}.get(name)
    if name not in provided.FILES:
        raise ValueError(f"no provided model is called {name!r}")
    write = ({provided.SAVED_MODEL: _write_saved_model,
              provided.VAL_PROBABILITIES: _write_val_probabilities}.get(name)
             or _write_tflite(variant))
    return provided.cached("provided", name, write)


def make_all():
    """Make every provided model now (about 25 s once per machine), and remove any other
    entry of the folder: a student's kernel may read it (the batch grader mounts it), so an
    older course's model left there would be a file the grader does not know as provided."""
    names = provided.FILES
    for name in names:
        make(name)
    for path in (provided.cache_root() / "provided").iterdir():
        if path.name in names or path.name.startswith(".tmp-"):  # .tmp-: being made
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
