"""What every check shares: PASS/FAIL lines, and reading the notebook's variables.

A check prints one line, ``PASS q1: ...`` or ``FAIL q1: <what is wrong>: <what to fix>``,
and raises :class:`CheckFailed` (an ``AssertionError``) on failure, so nbgrader scores
the cell 0. Checks never trust a number the student reports: they read what the notebook
produced (model bytes and files) or call the student's functions on inputs of their own.
"""
import time
from pathlib import Path

from course_lib.checks.history import why_missing
from course_lib.quiet import quiet

SESSION_START = time.time()  # files a check reads must be newer: written by this run


class CheckFailed(AssertionError):
    """A graded check failed; the message says what is wrong and what to fix."""

    def _render_traceback_(self):
        # IPython shows this instead of a traceback: the message is the whole story,
        # and a hidden test's source stays out of the returned feedback.
        return [f"\x1b[0;31mCheckFailed\x1b[0m: {self}"]


def _pass(label, text):
    print(f"PASS {label}: {text}")


def _fail(label, text):
    __tracebackhide__ = True
    print(f"FAIL {label}: {text}")
    raise CheckFailed(f"{label}: {text}")


def _get(label, ns, name, hint="run the answer cell above first"):
    """A variable of the notebook, or FAIL saying it is missing and why, as far as the
    kernel's history of run cells tells (:mod:`course_lib.checks.history`)."""
    __tracebackhide__ = True
    if name not in ns:
        why = why_missing(ns, name)
        if why == "not answered":
            _fail(label, f"not answered yet: `{name}` is not defined because the answer cell "
                         f"above stops at `raise NotImplementedError()`: write your code in "
                         f"place of that line and run the cell again.")
        if why == "stopped":
            _fail(label, f"`{name}` is not defined: the cell that defines it ran but stopped "
                         f"with an error before it did: fix that error and run the cell again.")
        _fail(label, f"`{name}` is not defined: {hint}.")
    return ns[name]


def _call(label, function, *args, what=None):
    """Call a student's function quietly; FAIL with its error if it raises."""
    __tracebackhide__ = True
    what = what or f"{getattr(function, '__name__', 'the function')}()"
    if not callable(function):
        _fail(label, f"{what}: expected a function, got {type(function).__name__}.")
    try:
        with quiet():
            try:
                return function(*args)
            except Exception as error:  # noqa: BLE001  (any error is the student's to fix)
                caught = error
    except Exception as error:  # noqa: BLE001
        caught = error
    if isinstance(caught, NotImplementedError) and all(type(a) is str and not a for a in caught.args):
        # nbgrader's stub `raise NotImplementedError()`, left where the answer goes (a
        # NotImplementedError with a message of the student's own is reported as it is)
        _fail(label, f"not answered yet: {what} still raises NotImplementedError: write its "
                     f"code in place of `raise NotImplementedError()` and run its cell again.")
    _fail(label, f"{what} raised {type(caught).__name__}: {caught}")


def _fresh(label, path, what):
    """FAIL unless ``path`` exists and was written during this run of the notebook."""
    __tracebackhide__ = True
    path = Path(path)
    if not path.exists():
        _fail(label, f"{path} does not exist: {what}.")
    files = [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file()]
    newest = max((f.stat().st_mtime for f in files), default=0)
    if newest < SESSION_START - 1:
        _fail(label, f"{path} was not written by this run of the notebook (it is older "
                     f"than the kernel session): {what}.")
    return path
