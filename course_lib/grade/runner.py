"""Grade one notebook in a sandbox: ``python -m course_lib.grade.runner`` (payload on stdin).

The worker starts one runner per notebook, so a runner that crashes or is killed costs
that notebook only. The runner

1. makes a scratch folder: a size-limited tmpfs when it runs as root in a private mount
   namespace (the worker starts it under ``unshare --mount``), else a plain temporary folder;
2. starts the judge and the course kernel, each in its own sandbox, as an unprivileged user;
3. runs the preprocessors of ``nbgrader autograde`` that execute a notebook
   (``JudgedExecute``, then ``LimitOutput``);
4. prints the executed notebook and what went wrong as one JSON object on stdout.

The payload is JSON: ``{"notebook": <ipynb text>, "cell_timeout": s, "output_limit": bytes,
"scratch_bytes": bytes, "private_mounts": bool}``.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbgrader.preprocessors import LimitOutput

from course_lib.grade import sandbox as sandbox_lib
from course_lib.grade.execute import JudgedExecute, SandboxedKernelManager

KERNEL_NAME = "mobile-course"
UID_BASE = 61000  # sandboxed users are 61000-65999: one per runner, so per-user limits are per runner


def _scratch(size_bytes, private_mounts):
    """(scratch folder, warnings)."""
    folder = Path(tempfile.mkdtemp(prefix="course-grade-"))
    folder.chmod(0o755)  # the sandbox's user must be able to enter it
    if not private_mounts:
        return folder, ["the scratch folder is not size-limited (needs root and a private "
                        "mount namespace): a submission can fill the disk up to its file-size limit"]
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_bytes},mode=0755",
                              "tmpfs", str(folder)], capture_output=True, text=True)
    if mounted.returncode != 0:
        return folder, [f"could not mount a size-limited scratch folder ({mounted.stderr.strip()})"]
    return folder, []


def run(payload):
    from course_lib import grading

    start = time.perf_counter()
    box = sandbox_lib.Sandbox.detect()
    scratch, warnings = _scratch(payload["scratch_bytes"], payload.get("private_mounts", False))
    uid = UID_BASE + os.getpid() % 5000
    work, exchange, kernel_dir, home = (scratch / n for n in ("work", "rpc", "kernel", "home"))
    for folder in (work, exchange, kernel_dir, home):
        folder.mkdir()
        if box.is_root:
            os.chown(folder, uid, uid)
    limits = sandbox_lib.DEFAULT_LIMITS
    cache = [str(grading.cache_dir())]
    python = sys.executable
    env = {"HOME": str(home), "TMPDIR": str(home), "MPLCONFIGDIR": str(home),
           "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3", "COURSE_CACHE_DIR":
           os.environ.get("COURSE_CACHE_DIR", str(grading.cache_dir().parent))}
    judge_env = dict(env, PATH=os.path.dirname(python) + ":/usr/bin:/bin",
                     TMPDIR=str(exchange))  # the judge's temporary files must be visible to the kernel
    # -I: the notebook's folder is not on the judge's import path (a numpy.py there must not load)
    judge_cmd = box.wrap([python, "-I", "-m", "course_lib.grade.judge", "--exchange", str(exchange),
                          "--scratch", str(work)],
                         workdir=work, uid=uid, readable=[str(scratch), *cache],
                         writable=[str(exchange)], env=judge_env, limits=limits)

    km = SandboxedKernelManager(
        kernel_name=KERNEL_NAME, transport="ipc", ip=str(kernel_dir / "ipc"),
        connection_file=str(kernel_dir / "connection.json"), sandbox=box,
        sandbox_options=dict(workdir=work, uid=uid, readable=cache, writable=[str(scratch)],
                             limits=limits), extra_env=env)
    executor = JudgedExecute(timeout=payload["cell_timeout"], kernel_name=KERNEL_NAME,
                             judge_cmd=judge_cmd, exchange=str(exchange),
                             output_limit=payload["output_limit"])
    nb = nbformat.reads(payload["notebook"], as_version=4)
    resources = {"metadata": {"path": str(work)}}
    problems = []
    try:
        nb, resources = executor.preprocess(nb, resources, km=km)
    except Exception as error:  # noqa: BLE001  (the kernel would not start, and the like)
        problems.append(f"the notebook could not be run: {type(error).__name__}: {error}"[:500])
    finally:
        if box.is_root and payload.get("private_mounts"):
            subprocess.run(["umount", "-l", str(scratch)], capture_output=True)
        shutil.rmtree(scratch, ignore_errors=True)
    nb, resources = LimitOutput().preprocess(nb, resources)
    return {"notebook": nbformat.writes(nb), "problems": problems + executor.problems,
            "warnings": list(box.warnings) + warnings,
            "seconds": round(time.perf_counter() - start, 2)}


def _die_with_parent():
    """Be killed when the worker that started us dies (a killed grader leaves no runner)."""
    import ctypes
    import signal

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the parent died before we could ask
        os._exit(1)


def main():
    _die_with_parent()
    # The result owns stdout; anything else (logs, C++ noise) goes to stderr.
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    payload = json.load(sys.stdin)
    json.dump(run(payload), channel)
    channel.close()


if __name__ == "__main__":
    main()
