"""The task a Dask worker runs: grade one notebook, given everything in the task itself.

:func:`grade_notebook` takes a payload (the sanitized notebook's text and the limits) and
returns the executed notebook; no file is shared with the coordinator, so a worker on
another machine needs only this course installed. Each worker thread keeps a runner server
(``python -m course_lib.grade.runner``) with the grading libraries already imported; the
server forks a fresh child per notebook and kills it when the notebook's time is up, so a
hung or crashed notebook costs that notebook only.
"""
import functools
import json
import subprocess
import sys
import threading

RESULT_LIMIT = 64 * 2**20  # bytes of result accepted (the notebook's outputs are capped far below)

_servers = threading.local()


@functools.lru_cache(maxsize=None)
def warm_cache():
    """Build the grader's reference artifacts on this machine once, before any sandbox
    (which sees the cache read-only) needs them."""
    from course_grader import references

    references.warm_cache()
    return str(references.cache_dir())


def _server():
    server = getattr(_servers, "process", None)
    if server is None or server.poll() is not None:
        server = subprocess.Popen([sys.executable, "-m", "course_lib.grade.runner", str(RESULT_LIMIT)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True, bufsize=1)
        _servers.process = server
    return server


def grade_notebook(payload):
    """``{"notebook", "verdicts", "problems", "warnings", "seconds"}`` for a payload (see
    runner), ``{"failed": reason}`` when the notebook ran out of time, or
    ``{"not_graded": reason}`` when the grader failed."""
    try:
        warm_cache()
    except Exception as error:  # noqa: BLE001  (the grader's references, not the student's)
        return {"not_graded": f"the grader's reference files could not be built: "
                              f"{type(error).__name__}: {error}"[:500]}
    server = _server()
    try:
        server.stdin.write(json.dumps(payload) + "\n")
        server.stdin.flush()
        line = server.stdout.readline()  # the server enforces the notebook's time limit
    except OSError:
        line = ""
    if not line:
        server.kill()
        return {"not_graded": "the grading process stopped unexpectedly"}
    return json.loads(line)


def preflight(execute=None):
    """None if this worker can grade: its runner starts, the judge imports the checks and
    the sandboxed course kernel imports the course's library; else what is wrong."""
    from course_lib.grade import runner

    return runner.preflight_problem(grade_notebook(runner.preflight_payload(execute)))
