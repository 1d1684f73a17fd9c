"""The task a Dask worker runs: grade one notebook, given everything in the task itself.

:func:`grade_notebook` takes a payload (the sanitized notebook's text and the limits) and
returns the executed notebook; no file is shared with the coordinator, so a worker on
another machine needs only this course installed. It starts a runner process per notebook
(``course_lib.grade.runner``) and kills it, with everything it started, when the notebook's
time is up, so a hung or crashed notebook costs that notebook only.
"""
import functools
import json
import os
import signal
import subprocess
import sys
import tempfile

RESULT_LIMIT = 64 * 2**20  # bytes of runner output accepted (the notebook is capped far below this)


@functools.lru_cache(maxsize=None)
def _private_mounts():
    """Whether runners can get a private mount namespace (for a size-limited scratch tmpfs)."""
    if os.geteuid() != 0:
        return False
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"],
                           capture_output=True)
    return probe.returncode == 0


@functools.lru_cache(maxsize=None)
def warm_cache():
    """Build the grader's reference artifacts on this machine once, before any sandbox
    (which sees the cache read-only) needs them."""
    from course_lib import grading

    grading.warm_cache()
    return str(grading.cache_dir())


def grade_notebook(payload):
    """``{"notebook", "problems", "warnings", "seconds"}`` for a payload (see runner), or
    ``{"failed": reason}`` when the notebook could not be run at all."""
    warm_cache()
    payload = dict(payload, private_mounts=_private_mounts())
    cmd = [sys.executable, "-m", "course_lib.grade.runner"]
    if payload["private_mounts"]:
        cmd = ["unshare", "--mount", "--propagation", "private", "--", *cmd]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=out, stderr=err,
                                   start_new_session=True)
        try:
            process.communicate(json.dumps(payload).encode(), timeout=payload["notebook_timeout"])
        except subprocess.TimeoutExpired:
            _kill_group(process)
            return {"failed": f"stopped after {payload['notebook_timeout']} s, the time limit "
                              "for one notebook"}
        finally:
            _kill_group(process)  # whatever the runner left behind
        if process.returncode != 0:
            err.seek(max(0, err.seek(0, os.SEEK_END) - 600))
            tail = err.read().decode("utf-8", "replace").strip().splitlines()
            return {"failed": f"the grading process ended with code {process.returncode}"
                              + (f": {tail[-1]}" if tail else "")}
        if out.tell() > RESULT_LIMIT:
            return {"failed": "the graded notebook is too large to return"}
        out.seek(0)
        return json.loads(out.read())


def _kill_group(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
