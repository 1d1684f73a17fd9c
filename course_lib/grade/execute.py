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
import subprocess
import sys

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import DeadKernelError
from nbgrader import utils
from nbgrader.preprocessors import Execute
from traitlets import Any, Dict, Integer, List, Unicode


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


class JudgedExecute(Execute):
    """Execute, with graded test cells judged in a separate process."""

    judge_cmd = List(Unicode())        # argv of the judge, already sandboxed
    exchange = Unicode()               # folder for judge <-> kernel requests
    output_limit = Integer(1_000_000)  # bytes of output kept per cell while it runs
    problems = List()                  # what went wrong, for the batch report

    def preprocess(self, nb, resources=None, km=None):
        self.judge = subprocess.Popen(self.judge_cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL, text=True, bufsize=1)
        self.judge_ready = False
        self.kernel_dead = None
        try:
            return super().preprocess(nb, resources, km)
        finally:
            self.judge.kill()
            self.judge.wait()

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        self._output_bytes = 0
        if utils.is_grade(cell) and not utils.is_solution(cell):
            cell.outputs = self._judge(cell, index)
            cell.execution_count = None
            return cell, resources
        if self.kernel_dead:
            cell.outputs = [_error("DeadKernelError", self.kernel_dead)]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self.kernel_dead = f"the kernel died while running cell {index + 1}"
            self.problems.append(self.kernel_dead)
            cell.outputs.append(_error("DeadKernelError", self.kernel_dead))
            return cell, resources

    # ---------------------------------------------------------------- judge

    def _judge_message(self):
        line = self.judge.stdout.readline()
        if not line:
            raise RuntimeError("the judge process stopped")
        return json.loads(line)

    def _judge(self, cell, index):
        try:
            if not self.judge_ready:
                assert self._judge_message().get("ready")
                self.judge_ready = True
            self.judge.stdin.write(json.dumps({"cell": cell.source}) + "\n")
            self.judge.stdin.flush()
            while True:
                message = self._judge_message()
                if "outputs" in message:
                    return [nbformat.from_dict(o) for o in message["outputs"]]
                self._answer(message["rpc"], cell, index)
        except (RuntimeError, OSError, ValueError, AssertionError) as error:
            self.problems.append(f"the judge failed on cell {index + 1}: {error}")
            return [_error("JudgeError", "this cell could not be graded: the grader's check "
                                         "process stopped")]

    def _answer(self, number, cell, index):
        """Have the kernel answer judge request ``number``; tell the judge how it went."""
        if self.kernel_dead:
            reply = {"ok": False, "error": self.kernel_dead}
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
                self.kernel_dead = f"the kernel died while answering the test of cell {index + 1}"
                self.problems.append(self.kernel_dead)
                reply = {"ok": False, "error": self.kernel_dead}
            finally:
                self.nb.cells[index] = cell  # execute_cell stores the cell it ran at index
        self.judge.stdin.write(json.dumps(reply) + "\n")
        self.judge.stdin.flush()

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


def _error(ename, evalue):
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue,
                                  traceback=[f"\x1b[0;31m{ename}\x1b[0m: {evalue}"])
