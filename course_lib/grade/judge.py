"""The judge: runs a notebook's graded test cells in a process of its own.

A graded test cell of this course is a list of calls like
``grading.int8_latency("q1", globals())``. In the student's kernel, student code could
redefine ``grading``, patch ``time.perf_counter``, install an input transformer that
rewrites the cell, and so on. So the runner never sends a test cell to the kernel: it
sends it here. The judge imports its own ``course_lib.grading`` and evaluates the calls
with a namespace whose variables are fetched from the kernel *as data*, and whose
functions are called in the kernel on the judge's inputs (``course_lib.grade.remote``).
The student's code never runs in this process, and the hidden tests' source never
reaches the kernel.

Protocol with the runner (JSON lines): the runner sends ``{"cell": source}``; the judge
answers with zero or more ``{"rpc": n}`` (the request is in ``<exchange>/<n>/``; the runner
has the kernel answer it and replies ``{"ok": true}`` or ``{"ok": false, "error": ...}``),
then ``{"outputs": [...]}``, the cell's outputs in nbformat form.
"""
import argparse
import ast
import contextlib
import io
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from course_lib.grade import remote

TRUSTED_MODULE = "grading"  # the only name a test cell may call into


class CellRejected(Exception):
    """A test cell holds something other than calls of course_lib.grading checks."""


def parse_cell(source):
    """The check calls of a test cell as ``[(check_name, args, kwargs)]``; ``globals()``
    in the arguments becomes the marker :data:`NAMESPACE`."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise CellRejected(f"the test cell is not valid Python: {error}") from None
    calls = []
    for statement in tree.body:
        call = statement.value if isinstance(statement, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name) and call.func.value.id == TRUSTED_MODULE):
            raise CellRejected(f"line {statement.lineno}: a test cell may only call "
                               f"{TRUSTED_MODULE}.<check>(...)")
        args = [_argument(a, statement.lineno) for a in call.args]
        kwargs = {k.arg: _argument(k.value, statement.lineno) for k in call.keywords}
        calls.append((call.func.attr, args, kwargs))
    return calls


NAMESPACE = object()


def _argument(node, lineno):
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "globals"
            and not node.args):
        return NAMESPACE
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise CellRejected(f"line {lineno}: check arguments must be literals or globals()") from None


class KernelUnavailable(Exception):
    """The kernel could not answer (it died, or timed out)."""


class Kernel:
    """Requests to the student's kernel, through the runner."""

    def __init__(self, exchange, scratch, channel_in, channel_out):
        self.exchange = Path(exchange)
        self.scratch = Path(scratch).resolve()
        self.channel_in, self.channel_out = channel_in, channel_out
        self.count = 0

    def request(self, op, name, args=()):
        self.count += 1
        folder = self.exchange / str(self.count)
        folder.mkdir(parents=True)
        # Strict: an argument of the grader's that cannot cross raises remote.GraderError.
        encoded = remote.Encoder(folder, copy_outside_paths_under=self.scratch,
                                 strict=True).encode(list(args))
        (folder / "request.json").write_text(json.dumps({"op": op, "name": name, "args": encoded}))
        _send(self.channel_out, {"rpc": self.count})
        reply = json.loads(self.channel_in.readline() or '{"ok": false, "error": "runner gone"}')
        if not reply.get("ok"):
            raise KernelUnavailable(reply.get("error", "no answer"))
        if remote.folder_size(folder) > remote.MAX_RESPONSE_BYTES:
            raise KernelUnavailable(f"the answer is over {remote.MAX_RESPONSE_BYTES // 2**20} MB")
        try:
            response = remote.read_json(folder / "response.json")
        except (OSError, ValueError) as error:
            raise KernelUnavailable(f"no readable answer ({error})") from None
        return response, remote.Decoder(folder)


class RemoteFunction:
    """A student's function, called in the kernel on arguments sent as data."""

    def __init__(self, kernel, name):
        self.kernel, self.__name__ = kernel, name

    def __call__(self, *args):
        response, decoder = self.kernel.request("call", self.__name__, args)
        status = response.get("status")
        if status == "error":  # the student's function raised
            raise remote._remote_error(str(response.get("type")), str(response.get("message")))
        if status == "grader_error":
            raise remote.GraderError(f"calling {self.__name__}(): {response.get('message')}")
        if status != "ok":
            raise KernelUnavailable(f"{self.__name__} is no longer defined")
        return _value(self.kernel, self.__name__, response, decoder)


def _value(kernel, name, response, decoder):
    value = response.get("value")
    if isinstance(value, dict) and "__function__" in value:
        return RemoteFunction(kernel, name)
    return decoder.decode(value)


class KernelNamespace(Mapping):
    """The notebook's ``globals()`` as the checks see it, fetched from the kernel."""

    def __init__(self, kernel):
        self.kernel = kernel
        self.cache = {}

    def _fetch(self, name):
        if name not in self.cache:
            response, decoder = self.kernel.request("get", name)
            status = response.get("status")
            if status == "grader_error":
                raise remote.GraderError(f"reading `{name}`: {response.get('message')}")
            self.cache[name] = (_value(self.kernel, name, response, decoder)
                                if status == "ok" else _MISSING)
        return self.cache[name]

    def __contains__(self, name):
        return isinstance(name, str) and self._fetch(name) is not _MISSING

    def __getitem__(self, name):
        value = self._fetch(name)
        if value is _MISSING:
            raise KeyError(name)
        return value

    def get(self, name, default=None):
        return self[name] if name in self else default

    def __iter__(self):
        raise TypeError("the notebook's namespace is fetched by name only")

    def __len__(self):
        raise TypeError("the notebook's namespace is fetched by name only")


_MISSING = object()


def _error_output(ename, evalue):
    return {"output_type": "error", "ename": ename, "evalue": evalue,
            "traceback": [f"\x1b[0;31m{ename}\x1b[0m: {evalue}"]}


def run_cell(source, kernel):
    """``(outputs, grader_error)``: the outputs a graded test cell gets, as nbformat output
    dicts, and why the grader itself failed on it (None if it did not). The second is said
    here, apart from the outputs, so that nothing a check prints or a student's exception
    is named can pass for a failure of the grader."""
    from course_lib import grading

    printed = io.StringIO()
    outputs = []
    result = None
    grader_error = None
    try:
        calls = parse_cell(source)
        namespace = KernelNamespace(kernel)
        with contextlib.redirect_stdout(printed):
            for check, args, kwargs in calls:
                function = getattr(grading, check, None)
                if not callable(function) or check.startswith("_"):
                    raise CellRejected(f"{TRUSTED_MODULE}.{check} is not a check")
                args = [namespace if a is NAMESPACE else a for a in args]
                kwargs = {k: namespace if v is NAMESPACE else v for k, v in kwargs.items()}
                result = function(*args, **kwargs)
    except grading.CheckFailed as error:
        outputs.append(_error_output("CheckFailed", str(error)))
    except KernelUnavailable as error:
        outputs.append(_error_output("KernelUnavailable", f"the notebook's kernel could not "
                                                          f"answer: {error}"))
    except CellRejected as error:
        outputs.append(_error_output("CellRejected", str(error)))
    except remote.GraderError as error:
        grader_error = str(error)[:500]
        outputs.append(_error_output("GraderError", f"this cell could not be graded: {error}"))
    except Exception as error:  # noqa: BLE001  (untrusted data can break a check in any way)
        outputs.append(_error_output(type(error).__name__, f"the check could not run: {error}"))
    text = printed.getvalue()
    if text:
        outputs.insert(0, {"output_type": "stream", "name": "stdout", "text": text})
    if result is not None and not any(o["output_type"] == "error" for o in outputs):
        outputs.append({"output_type": "execute_result", "execution_count": None, "metadata": {},
                        "data": {"text/plain": repr(result)}})
    return outputs, grader_error


def _send(channel, message):
    channel.write(json.dumps(message) + "\n")
    channel.flush()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exchange", required=True, help="folder shared with the kernel")
    parser.add_argument("--scratch", required=True, help="the notebook's working folder")
    args = parser.parse_args(argv)

    # The protocol owns the original stdout; anything else printed (by C++ too) goes to stderr.
    channel_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    from course_lib import grading  # noqa: F401  (imported before any notebook file is written)

    kernel = Kernel(args.exchange, args.scratch, sys.stdin, channel_out)
    _send(channel_out, {"ready": True})
    for line in sys.stdin:
        message = json.loads(line)
        outputs, grader_error = run_cell(message["cell"], kernel)
        _send(channel_out, {"outputs": outputs, "grader_error": grader_error})


if __name__ == "__main__":
    main()
