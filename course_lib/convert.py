"""Stage 3, around the conversions: saving a Core ML package and measuring file sizes.

The conversions themselves are what the lessons show, written out in their own cells,
and what the exercises ask for; the grader's copy is ``course_grader.conversions``.
"""
import tempfile
from pathlib import Path

from course_lib.errors import CourseInputError
from course_lib.quiet import quiet


def save_coreml(mlmodel, path):
    """Save an mlprogram to ``path`` (.mlpackage), quietly; returns the Path."""
    path = Path(path)
    if path.suffix != ".mlpackage":
        raise CourseInputError(f"An mlprogram is saved as a .mlpackage folder; got {path.name!r}.")
    with quiet():
        mlmodel.save(str(path))
    return path


def keras_size_bytes(model):
    """Size of the Keras model saved as a single .h5 file (weights + architecture)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.h5"
        with quiet():
            model.save(path)
        return path.stat().st_size


def directory_size(path):
    """Total size in bytes of a file or of everything in a folder (.mlpackage, SavedModel)."""
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
