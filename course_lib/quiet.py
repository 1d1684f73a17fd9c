"""Silence TensorFlow, LiteRT and coremltools noise on stderr.

nbgrader marks a test cell as failed when it writes anything to stderr, and much
of that noise comes from C++ (e.g. "Created TensorFlow Lite XNNPACK delegate"),
which bypasses ``sys.stderr``. So we redirect file descriptor 2 itself.
Nothing is lost: if the block raises, what it wrote is replayed before the
exception propagates, so the student still sees the real cause.
"""
import contextlib
import io
import logging
import os
import sys
import tempfile
import warnings


@contextlib.contextmanager
def quiet():
    """Run a block with stderr (Python and C level) and warnings captured."""
    sys.stderr.flush()
    saved_fd = os.dup(2)
    capture = tempfile.TemporaryFile(mode="w+b")
    saved_stream = sys.stderr
    py_text = io.StringIO()
    log_levels = _log_levels(logging.ERROR)
    try:
        os.dup2(capture.fileno(), 2)
        sys.stderr = py_text
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    except BaseException:
        sys.stderr = saved_stream
        os.dup2(saved_fd, 2)
        capture.seek(0)
        replay = capture.read().decode("utf-8", "replace") + py_text.getvalue()
        if replay.strip():
            saved_stream.write(replay)
            saved_stream.flush()
        raise
    finally:
        sys.stderr = saved_stream
        os.dup2(saved_fd, 2)
        os.close(saved_fd)
        capture.close()
        _log_levels(log_levels)


# TF's converter logs through absl; tf.saved_model.save logs "Assets written to" through
# TensorFlow's own logger, whose handler writes to the notebook's stdout.
_LOGGERS = ("absl", "tensorflow")


def _log_levels(levels):
    """Set the levels of the loggers TensorFlow writes through (one level for all, or a
    dict of them); return the old ones."""
    old = {}
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        old[name] = logger.level
        logger.setLevel(levels[name] if isinstance(levels, dict) else levels)
    return old


def import_tensorflow():
    """Import TensorFlow quietly and return the module."""
    import course_lib  # noqa: F401  (sets TF_USE_LEGACY_KERAS before the import)

    with quiet():
        import tensorflow as tf
    return tf
