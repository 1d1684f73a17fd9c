"""Grade one notebook in a sandbox.

``python -m course_lib.grade.runner`` is a small server the worker keeps running: for each
payload it forks a fresh child (:func:`grade_forked`), so a child that crashes, hangs or is
killed costs that notebook only. The child

1. makes a scratch folder: a size-limited tmpfs when it runs as root in a private mount
   namespace of its own, else a plain temporary folder;
2. starts the judge and the course kernel, each in its own sandbox, as an unprivileged user;
3. runs the notebook with ``JudgedExecute`` (nbgrader's ``Execute``, configured as the
   course configures it: the payload's ``execute`` options);
4. returns the executed notebook, each test cell's verdict and what went wrong as one
   JSON object, or ``{"not_graded": reason}`` when the grader itself failed, or
   ``{"failed": reason}`` when the notebook ran out of time.

The payload is JSON: ``{"notebook": <ipynb text>, "execute": {Execute option: value},
"output_limit": bytes, "scratch_bytes": bytes, "notebook_timeout": s, "student": id}``.
The id of the student who submitted the notebook reaches the judge and the kernel as
``COURSE_STUDENT_ID``: the graded quiz's questions are made from it, and the judge's copy,
which the notebook cannot change, decides whose answers are graded.
"""
import ctypes
import json
import os
import select
import signal
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from course_lib.grade import sandbox as sandbox_lib
from course_lib.grade.execute import JudgedExecute, SandboxedKernelManager

KERNEL_NAME = "mobile-course"
UID_BASE = 61000  # sandboxed users are 61000-65999: one per runner, so per-user limits are per runner


SCRATCH_PREFIX = "course-grade-"
EXECUTE_OPTIONS = ("timeout", "interrupt_on_timeout", "startup_timeout", "iopub_timeout",
                   "raise_on_iopub_timeout")  # of nbgrader's Execute, as the course sets them


def _scratch(size_bytes, private_mounts):
    """(scratch folder, warnings)."""
    # The pid in the name lets a later runner remove it if this process is killed.
    folder = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"))
    folder.chmod(0o755)  # the sandbox's user must be able to enter it
    if not private_mounts:
        return folder, ["the scratch folder is not size-limited (needs root and a private "
                        "mount namespace): a submission can fill the disk up to its file-size limit"]
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_bytes},mode=0755",
                              "tmpfs", str(folder)], capture_output=True, text=True)
    if mounted.returncode != 0:
        return folder, [f"could not mount a size-limited scratch folder ({mounted.stderr.strip()})"]
    return folder, []


def remove_stale_scratch(tmp=None):
    """Remove the scratch folders of runners that were killed (their pid is gone)."""
    for folder in Path(tmp or tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*"):
        pid = folder.name[len(SCRATCH_PREFIX):].split("-", 1)[0]
        if folder.is_dir() and not folder.is_symlink() and (not pid.isdigit() or not _alive(int(pid))):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run(payload, private_mounts=False):
    from course_grader import references

    from course_lib import provided

    start = time.perf_counter()
    box = sandbox_lib.Sandbox.detect()
    scratch, warnings = _scratch(payload["scratch_bytes"], private_mounts)
    uid = UID_BASE + os.getpid() % 5000
    work, exchange, kernel_dir, home = (scratch / n for n in ("work", "rpc", "kernel", "home"))
    for folder in (work, exchange, kernel_dir, home):
        folder.mkdir()
        if box.is_root:
            os.chown(folder, uid, uid)
    limits = sandbox_lib.DEFAULT_LIMITS
    # The judge sees the grader-only package and every cached reference; the student's
    # kernel sees only the models the exercises are given (course_lib.provided).
    grader_dir = Path(references.__file__).resolve().parent  # the package, grader-only
    judge_readable = [str(scratch), str(references.cache_dir()), str(grader_dir)]
    kernel_readable = [str(provided.cache_dir())]
    python = sys.executable
    env = {"HOME": str(home), "TMPDIR": str(home), "MPLCONFIGDIR": str(home),
           "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3", "COURSE_CACHE_DIR":
           os.environ.get("COURSE_CACHE_DIR", str(references.cache_dir().parent))}
    if payload.get("student"):
        env["COURSE_STUDENT_ID"] = str(payload["student"])
    judge_env = dict(env, PATH=os.path.dirname(python) + ":/usr/bin:/bin",
                     TMPDIR=str(exchange))  # the judge's temporary files must be visible to the kernel
    # -I: the notebook's folder is not on the judge's import path (a numpy.py there must not load)
    judge_cmd = box.wrap([python, "-I", "-m", "course_lib.grade.judge", "--exchange", str(exchange),
                          "--scratch", str(work)],
                         workdir=work, uid=uid, readable=judge_readable,
                         writable=[str(exchange)], env=judge_env, limits=limits)

    km = SandboxedKernelManager(
        kernel_name=KERNEL_NAME, transport="ipc", ip=str(kernel_dir / "ipc"),
        connection_file=str(kernel_dir / "connection.json"), sandbox=box,
        sandbox_options=dict(workdir=work, uid=uid, readable=kernel_readable, writable=[str(scratch)],
                             limits=limits), extra_env=env)
    # The course's Execute settings; the kernel is always the course kernel in the sandbox.
    options = {k: v for k, v in payload.get("execute", {}).items() if k in EXECUTE_OPTIONS}
    executor = JudgedExecute(kernel_name=KERNEL_NAME, judge_cmd=judge_cmd, exchange=str(exchange),
                             output_limit=payload["output_limit"],
                             # the judge's own limit: 120 s, or a cell's if the course allows
                             # more (a short cell limit must not cut the grader off)
                             judge_timeout=max(JudgedExecute.judge_timeout.default_value,
                                               options.get("timeout") or 0),
                             require_judge=payload.get("preflight", False), **options)
    nb = nbformat.reads(payload["notebook"], as_version=4)
    resources = {"metadata": {"path": str(work)}}
    try:
        nb, resources = executor.preprocess(nb, resources, km=km)
    except Exception as error:  # noqa: BLE001  (the kernel would not start, and the like)
        # Cells cut off by the notebook's own code are handled cell by cell; what reaches
        # here is the grader's machinery failing, so the notebook is not graded at all.
        return {"not_graded": f"the notebook could not be run: {type(error).__name__}: "
                              f"{error}"[:500]}
    finally:
        if private_mounts:
            subprocess.run(["umount", "-l", str(scratch)], capture_output=True)
        shutil.rmtree(scratch, ignore_errors=True)
    if executor.grader_errors:
        return {"not_graded": "; ".join(executor.grader_errors)}
    return {"notebook": nbformat.writes(nb), "verdicts": dict(executor.verdicts),
            "problems": list(executor.problems), "warnings": list(box.warnings) + warnings,
            "seconds": round(time.perf_counter() - start, 2)}


PREFLIGHT_CODE = "import course_lib.grading, course_lib.grade.remote"


def preflight_payload(execute=None):
    """A notebook that needs what every notebook needs: the judge, and a kernel that
    imports the course's library."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PREFLIGHT_CODE)])
    nb.metadata.kernelspec = {"name": KERNEL_NAME, "display_name": KERNEL_NAME, "language": "python"}
    return {"notebook": nbformat.writes(nb), "execute": dict(execute or {}), "preflight": True,
            "output_limit": 100_000, "scratch_bytes": 64 * 2**20, "notebook_timeout": 300}


def preflight_problem(result):
    """What stops this machine from grading, from the result of :func:`preflight_payload`
    (None if nothing)."""
    if "notebook" not in result:
        return result.get("not_graded") or result.get("failed") or "no result"
    nb = nbformat.reads(result["notebook"], as_version=4)
    errors = [o for o in nb.cells[0].get("outputs", []) if o.get("output_type") == "error"]
    if errors:
        return (f"the course kernel cannot import the course's library ({errors[0].ename}: "
                f"{errors[0].evalue}); is the course installed in this environment?")
    return None


def _die_with_parent():
    """Be killed when the process that started us dies (a killed grader leaves no runner)."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the parent died before we could ask
        os._exit(1)


def _private_mount_namespace():
    """Mounts made from now on (the scratch tmpfs) are seen by this process and its
    children only, and vanish with them."""
    CLONE_NEWNS = 0x00020000
    if ctypes.CDLL(None, use_errno=True).unshare(CLONE_NEWNS) != 0:
        return False
    return subprocess.run(["mount", "--make-rprivate", "/"], capture_output=True).returncode == 0


def grade_forked(payload, result_limit):
    """Grade one notebook in a child forked from this (already imported) process, killed
    when its time is up: ``run``'s result, or ``{"failed": reason}``."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        code = 0
        try:
            _die_with_parent()
            result = run(payload, private_mounts=os.geteuid() == 0 and _private_mount_namespace())
        except BaseException as error:  # noqa: BLE001  (reported to the worker, not raised)
            result, code = {"not_graded": f"the grading process failed: {type(error).__name__}: "
                                          f"{error}"[:500]}, 1
        try:
            with os.fdopen(write_end, "w", encoding="utf-8") as handle:
                json.dump(result, handle)
        finally:
            os._exit(code)
    os.close(write_end)
    chunks, size = [], 0
    deadline = time.monotonic() + payload["notebook_timeout"]
    with os.fdopen(read_end, "rb") as handle:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([handle], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return {"failed": f"stopped after {payload['notebook_timeout']} s, the time "
                                  "limit for one notebook"}
            chunk = handle.read1(1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > result_limit:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return {"failed": "the graded notebook is too large to return"}
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    try:
        return json.loads(b"".join(chunks))
    except ValueError:
        return {"not_graded": f"the grading process ended with status {status} and no result"}


def serve(result_limit):
    """Grade payloads read from stdin (one JSON per line), one result line each on stdout.

    The worker keeps one server per thread, so nbgrader, nbclient and friends are imported
    once, not once per notebook; each notebook still gets a fresh forked process."""
    _die_with_parent()
    from course_lib import grading  # noqa: F401  (imported once, here, for every child)
    from course_grader import references  # noqa: F401

    sandbox_lib.Sandbox.detect()  # probed once; children inherit the answer
    remove_stale_scratch()
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # stdout belongs to the protocol; anything else printed goes to stderr
    for line in sys.stdin:
        channel.write(json.dumps(grade_forked(json.loads(line), result_limit)) + "\n")
        channel.flush()


if __name__ == "__main__":
    serve(int(sys.argv[1]) if len(sys.argv) > 1 else 64 * 2**20)
