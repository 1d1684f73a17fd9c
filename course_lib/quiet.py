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
    absl_level = _absl_verbosity(logging.ERROR)
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
        _absl_verbosity(absl_level)


def _absl_verbosity(level):
    """Set absl's Python log level (TF's converter logs through it); return the old one."""
    logger = logging.getLogger("absl")
    old = logger.level
    logger.setLevel(level)
    return old


def import_tensorflow():
    """Import TensorFlow quietly and return the module."""
    import course_lib  # noqa: F401  (sets TF_USE_LEGACY_KERAS before the import)

    with quiet():
        import tensorflow as tf
    return tf
