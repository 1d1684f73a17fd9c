"""nbgrader's Execute preprocessor, with the kernel in a sandbox and the tests in the judge.

- :class:`SandboxedKernelManager` launches the course kernel through
  :meth:`Sandbox.wrap <course_lib.grade.sandbox.Sandbox.wrap>`, talking to it over
  Unix sockets (ZeroMQ ``ipc``) in the scratch folder, since the sandbox has no network;
  interrupts go as messages, since signals do not cross into the sandbox.
- :class:`JudgedExecute` is nbgrader's own ``Execute`` (timeouts, interrupts, error
  outputs) except that graded test cells go to the judge (``course_lib.grade.judge``)
  instead of the kernel, a cell's output is capped while it runs, and a dead kernel
  fails the cells after it instead of the whole batch.
"""
import json
import os
import select
import subprocess
import sys
import tempfile
import time

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader import utils
from nbgrader.preprocessors import Execute
from traitlets import Any, Bool, Dict, Integer, List, Unicode


class SandboxedKernelManager(AsyncKernelManager):
    """The course kernel, launched inside the sandbox as an unprivileged user."""

    sandbox = Any()          # a course_lib.grade.sandbox.Sandbox
    sandbox_options = Dict()  # keyword arguments of Sandbox.wrap, except env
    extra_env = Dict()       # the kernel's environment, on top of its kernel spec's

    @property
    def kernel_spec(self):
        spec = super().kernel_spec
        if spec is not None:
            spec.interrupt_mode = "message"  # SIGINT cannot reach into the sandbox's pid namespace
        return spec

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        env = {"PATH": os.path.dirname(sys.executable) + ":/usr/bin:/bin"}
        env.update(self.kernel_spec.env or {})
        env.update(self.extra_env)
        return self.sandbox.wrap(cmd, env=env, **self.sandbox_options)

    def write_connection_file(self, **kwargs):
        # jupyter_client writes it readable by its owner only; the kernel runs as the sandbox's user.
        result = super().write_connection_file(**kwargs)
        if os.geteuid() == 0:
            os.chown(self.connection_file, self.sandbox_options["uid"], -1)
        return result

    async def _async_start_kernel(self, **kw):
        # What the student's code writes to the real stdout/stderr is not kept: it is
        # unbounded, and the notebook's outputs already hold what the kernel reports.
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        return await super()._async_start_kernel(**kw)

    start_kernel = _async_start_kernel


class JudgeUnavailable(Exception):
    """The judge process could not start or stopped: a failure of the grader, not a grade."""


class _Lines:
    """Lines read from a pipe with a deadline (a hung judge must not hang the grader)."""

    def __init__(self, fd):
        self.fd, self.buffer = fd, b""

    def readline(self, timeout):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                raise JudgeUnavailable("the judge process stopped")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode("utf-8")


class JudgedExecute(Execute):
    """Execute, with graded test cells judged in a separate process.

    A graded test cell earns points only if its check ran to completion and passed: its
    verdict (:attr:`verdicts`, by grade id) is "passed" only when the judge reported it
    with no error. A cell cut off by a time limit, or after the kernel died or hung, gets
    an error output saying why. When the judge itself cannot start, stops, or runs past its
    own time limit, the cell's verdict is "grader error" and :attr:`grader_errors` says why:
    that notebook is not graded at all (a failure of the grader is not the student's zero).
    """

    judge_cmd = List(Unicode())        # argv of the judge, already sandboxed
    exchange = Unicode()               # folder for judge <-> kernel requests
    output_limit = Integer(1_000_000)  # bytes of output kept per cell while it runs
    judge_timeout = Integer(120)       # seconds the judge may think per step (kernel time excluded)
    judge_startup_timeout = Integer(120)  # seconds for the judge to import the checks
    interrupt_grace = Integer(30)      # seconds a kernel interrupted at the time limit has to stop
    require_judge = Bool(False)        # wait for the judge before the first cell (preflight)
    problems = List()                  # what went wrong because of the notebook, for the report
    grader_errors = List()             # what went wrong because of the grader
    verdicts = Dict()                  # grade id of a test cell -> "passed", "failed" or "grader error"

    def preprocess(self, nb, resources=None, km=None):
        self.judge = None
        self.kernel_gone = None  # why the kernel can no longer run anything
        self._iopub_timeout = self.iopub_timeout  # the course's; raised only while a kernel stops
        try:
            self._start_judge()
            if self.require_judge:
                self._wait_for_judge()
            return super().preprocess(nb, resources, km)
        finally:
            self._stop_judge()

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        self._output_bytes = 0
        self.iopub_timeout = self._iopub_timeout
        if utils.is_grade(cell) and not utils.is_solution(cell):
            cell.outputs = self._judge(cell, index)
            cell.execution_count = None
            return cell, resources
        if self.kernel_gone:
            cell.outputs = [_error("NotRun", f"this cell was not run: {self.kernel_gone}")]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._kernel_lost(cell, f"the kernel died while running cell {index + 1}")
        except CellTimeoutError:
            self._kernel_lost(cell, f"cell {index + 1} did not stop within "
                                    f"{self.interrupt_grace} s of its interrupt at the "
                                    f"{self.timeout} s time limit")
        return cell, resources

    async def _async_handle_timeout(self, timeout, cell=None):
        # After the interrupt, nbclient waits iopub_timeout (nbgrader: 4 s) for the kernel to
        # go idle, else the kernel "did not stop" and the notebook's later cells cannot run.
        # On a loaded machine an honest cell can take longer than that to unwind (a library
        # import in C code, printed output still queued), so a kernel gets interrupt_grace.
        self.iopub_timeout = max(self._iopub_timeout, self.interrupt_grace)
        return await super()._async_handle_timeout(timeout, cell)

    def _kernel_lost(self, cell, reason):
        """The kernel died or cannot be interrupted: nothing after this can run in it."""
        self.kernel_gone = reason
        self.problems.append(reason)
        cell.outputs.append(_error("DeadKernelError" if "died" in reason else "CellTimeoutError",
                                   reason))

    # ---------------------------------------------------------------- judge

    def _start_judge(self):
        # Started with the kernel, so that both import their libraries at the same time.
        # Its stderr goes to an unnamed file of the grader's (no sandbox can see it): the
        # reason it could not start, if it could not.
        self.judge_log = tempfile.TemporaryFile()
        self.judge = subprocess.Popen(self.judge_cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=self.judge_log, bufsize=0)
        self.judge_lines = _Lines(self.judge.stdout.fileno())
        self.judge_ready = False

    def _wait_for_judge(self):
        try:
            if not json.loads(self.judge_lines.readline(self.judge_startup_timeout)).get("ready"):
                raise ValueError("it did not say it was ready")
        except (TimeoutError, OSError, ValueError, JudgeUnavailable) as error:
            raise JudgeUnavailable(f"the grader's check process could not start "
                                   f"({type(error).__name__}: {error}){_last_line(self.judge_log)}") from None
        self.judge_ready = True

    def _stop_judge(self):
        if self.judge is not None:
            self.judge.kill()
            self.judge.wait()
            self.judge = None
            self.judge_log.close()

    def _send_judge(self, message):
        self.judge.stdin.write((json.dumps(message) + "\n").encode("utf-8"))

    def _judge(self, cell, index):
        grade_id = cell.metadata.nbgrader["grade_id"]
        try:
            if self.judge is None:  # the last one was stopped after a time-out
                self._start_judge()
            if not self.judge_ready:
                self._wait_for_judge()
            self._send_judge({"cell": cell.source})
            while True:
                message = json.loads(self.judge_lines.readline(self.judge_timeout))
                if "outputs" in message:
                    outputs = [nbformat.from_dict(o) for o in message["outputs"]]
                    grader_error = message.get("grader_error")
                    break
                self._answer(message["rpc"], cell, index)
        except TimeoutError:
            # The notebook's code runs in the kernel, outside this clock: what ran out of time
            # is the grader's own check (a loaded machine, a bug), so the cell is not graded.
            return self._not_graded(grade_id, f"the grader's check of cell {index + 1} did not "
                                              f"finish within {self.judge_timeout} s of its own time")
        except (JudgeUnavailable, OSError, ValueError, KeyError, TypeError) as error:
            return self._not_graded(grade_id, f"the grader's check process failed on cell {index + 1} "
                                              f"({type(error).__name__}: {error})")
        if grader_error:  # said by the judge itself, never inferred from what a check printed
            self.grader_errors.append(f"cell {index + 1}: {grader_error}"[:500])
            self.verdicts[grade_id] = "grader error"
        else:
            failed = any(o.get("output_type") == "error" for o in outputs)
            self.verdicts[grade_id] = "failed" if failed else "passed"
        return outputs

    def _not_graded(self, grade_id, reason):
        """The judge failed on this cell: stop it, and leave the notebook ungraded."""
        self._stop_judge()
        self.grader_errors.append(reason[:500])
        self.verdicts[grade_id] = "grader error"
        return [_error("GraderError", "this cell could not be graded: the grader's check "
                                      "process failed")]

    def _answer(self, number, cell, index):
        """Have the kernel answer judge request ``number``; tell the judge how it went."""
        if self.kernel_gone:
            reply = {"ok": False, "error": self.kernel_gone}
        else:
            folder = os.path.join(self.exchange, str(int(number)))
            code = (f"__import__('course_lib.grade.remote', fromlist=['serve'])"
                    f".serve(globals(), {folder!r})")
            request = nbformat.v4.new_code_cell(code)
            try:
                self.execute_cell(request, index, store_history=False)
                failed = [o for o in request.outputs if o.output_type == "error"]
                reply = ({"ok": False, "error": f"{failed[0].ename}: {failed[0].evalue}"[:500]}
                         if failed else {"ok": True})
            except DeadKernelError:
                self.kernel_gone = f"the kernel died while answering the test of cell {index + 1}"
                self.problems.append(self.kernel_gone)
                reply = {"ok": False, "error": self.kernel_gone}
            except CellTimeoutError:
                self.kernel_gone = (f"the notebook's code called by the test of cell {index + 1} "
                                    f"did not stop within {self.interrupt_grace} s of its interrupt at the "
                                    f"{self.timeout} s time limit")
                self.problems.append(self.kernel_gone)
                reply = {"ok": False, "error": self.kernel_gone}
            finally:
                self.nb.cells[index] = cell  # execute_cell stores the cell it ran at index
        self._send_judge(reply)

    # ---------------------------------------------------------------- output cap

    def output(self, outs, msg, display_id, cell_index):
        size = len(json.dumps(msg.get("content", {})))
        self._output_bytes = getattr(self, "_output_bytes", 0) + size
        if self._output_bytes > self.output_limit:
            if not getattr(self, "_capped", None) == cell_index:
                self._capped = cell_index
                outs.append(nbformat.v4.new_output(
                    "stream", name="stdout",
                    text=f"\n[output stopped here: over {self.output_limit:,} bytes]\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)


def _last_line(handle, size=4096):
    """': <the last line written to a file>', or '' (for error messages)."""
    try:
        handle.seek(max(0, os.fstat(handle.fileno()).st_size - size))
        lines = handle.read().decode("utf-8", "replace").strip().splitlines()
    except (OSError, ValueError):
        return ""
    return f": {lines[-1].strip()[:300]}" if lines else ""


def _error(ename, evalue):
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue,
                                  traceback=[f"\x1b[0;31m{ename}\x1b[0m: {evalue}"])
