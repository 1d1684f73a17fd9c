"""Check an exercise notebook yourself, without an nbgrader server.

In a terminal, from the course folder::

    .venv/bin/python -m course_lib.selfcheck exercises/03_conversion/03_conversion.ipynb
    .venv/bin/python -m course_lib.selfcheck exercises/03_conversion/03_conversion.ipynb --question q2

runs a copy of the *saved* notebook from top to bottom in a fresh kernel, in a copy of its
folder, with nbgrader's own executor and scoring rule (``nbgrader.utils.determine_grade``),
just as ``nbgrader autograde`` does; so its verdicts on the visible tests are the grader's.
With ``--question`` it stops after that question's last test cell.

Inside the notebook::

    from course_lib import selfcheck
    selfcheck.check("q2")          # q2's test cells, now, in this kernel, on your variables
    selfcheck.check()              # every question
    selfcheck.check(fresh=True)    # the saved notebook in a fresh kernel (save first)

The in-kernel check scores with the same rule (an error or anything on stderr fails a
test cell; a number as the cell's result is partial credit) but uses the state of your
kernel: restart and run all before trusting it, or use ``fresh=True``.

A test cell that is only comments in your copy holds hidden tests: they run only when the
notebook is graded, and are listed as such.
"""
import argparse
import ast
import contextlib
import copy
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

DEFAULT_TIMEOUT = 120  # seconds per cell, as in the course's nbgrader_config.py


@dataclass
class Verdict:
    grade_id: str
    question: str
    points: float
    score: float | None   # None: hidden test, not run here
    lines: list = field(default_factory=list)  # PASS/FAIL lines and error summaries

    @property
    def status(self):
        if self.score is None:
            return "hidden"
        return "PASS" if self.score >= self.points else ("PART" if self.score > 0 else "FAIL")


@dataclass
class Report:
    notebook: str
    mode: str
    verdicts: list
    seconds: float
    warnings: list = field(default_factory=list)

    @property
    def visible(self):
        return [v for v in self.verdicts if v.score is not None]

    @property
    def score(self):
        return sum(v.score for v in self.visible)

    @property
    def max_score(self):
        return sum(v.points for v in self.visible)

    @property
    def passed(self):
        return all(v.status == "PASS" for v in self.visible)

    def text(self):
        out = [f"{self.notebook}: {self.mode} ({self.seconds:.0f} s)"]
        out += [f"warning: {w}" for w in self.warnings]
        for v in self.verdicts:
            pts = "-" if v.score is None else f"{v.score:g}"
            head = f"{v.status:<6} {v.grade_id:<22} {pts}/{v.points:g}"
            if v.score is None:
                out.append(f"{head}  hidden test: runs only when the notebook is graded")
                continue
            details = v.lines or [""]
            out.append(f"{head}  {details[0]}")
            out += [f"{'':<36}{line}" for line in details[1:]]
        hidden = sum(v.points for v in self.verdicts if v.score is None)
        summary = f"visible tests: {self.score:g}/{self.max_score:g} points"
        if hidden:
            summary += f"; {hidden:g} more points in hidden tests, run at grading"
        out.append(summary)
        return "\n".join(out)

    def __str__(self):
        return self.text()

    def _repr_pretty_(self, printer, cycle):
        printer.text(self.text())


# ------------------------------------------------------------------ notebook structure

def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def is_test_cell(cell):
    meta = _nbgrader(cell)
    return cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")


def question_of(grade_id):
    """'q3_int8_io' -> 'q3'."""
    return grade_id.split("_", 1)[0]


def _selected(cell, question):
    grade_id = _nbgrader(cell).get("grade_id", "")
    return question is None or grade_id == question or question_of(grade_id) == question


def _has_code(source):
    return any(line.strip() and not line.strip().startswith("#") for line in source.splitlines())


def _edited_test_cells(nb):
    """Test cells whose source no longer matches the checksum nbgrader stored at release."""
    from nbgrader.utils import compute_checksum

    edited = []
    for cell in nb.cells:
        meta = _nbgrader(cell)
        if is_test_cell(cell) and meta.get("checksum") and compute_checksum(cell) != meta["checksum"]:
            edited.append(meta["grade_id"])
    return edited


def _summarize(outputs):
    """PASS/FAIL lines, then error or stderr summaries, from a cell's outputs."""
    lines, other = [], []
    for output in outputs:
        if output.get("output_type") == "stream":
            text = output.get("text", "")
            if output.get("name") == "stdout":
                lines += [ln for ln in text.splitlines() if ln.startswith(("PASS", "FAIL"))]
            elif text.strip():
                other.append(f"wrote to stderr (nbgrader fails the cell): {text.strip()[:200]!r}")
        elif output.get("output_type") == "error":
            if output.get("ename") != "CheckFailed":
                other.append(f"{output.get('ename')}: {str(output.get('evalue'))[:300]}")
    return lines + other


def _verdict(cell):
    from nbgrader.utils import determine_grade

    score, points = determine_grade(cell)
    meta = _nbgrader(cell)
    return Verdict(meta["grade_id"], question_of(meta["grade_id"]), points, score,
                   _summarize(cell.get("outputs", [])))


def _check_question(nb, question):
    ids = {_nbgrader(c).get("grade_id") for c in nb.cells if is_test_cell(c)}
    questions = sorted({question_of(i) for i in ids})
    if question is not None and question not in ids and question not in questions:
        raise ValueError(f"No question {question!r} in this notebook; its questions are "
                         f"{', '.join(questions)} (or a test cell id: {', '.join(sorted(ids))}).")


# ------------------------------------------------------------------ fresh run (like the grader)

def run_fresh(notebook, question=None, timeout=DEFAULT_TIMEOUT, kernel_name=None):
    """Run a copy of the saved notebook in a fresh kernel, as nbgrader autograde does."""
    from nbgrader.preprocessors import Execute

    path = Path(notebook).resolve()
    nb = nbformat.read(str(path), as_version=4)
    _check_question(nb, question)
    warnings = [f"test cell {g} was changed; the grader runs the original" for g in _edited_test_cells(nb)]
    cells = nb.cells
    if question is not None:  # stop after the question's last test cell
        last = max(i for i, c in enumerate(cells) if is_test_cell(c) and _selected(c, question))
        nb.cells = cells[:last + 1]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    kernel = kernel_name or nb.metadata.get("kernelspec", {}).get("name") or "python3"
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="selfcheck-") as tmp:
        workdir = Path(tmp) / path.parent.name
        shutil.copytree(path.parent, workdir, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        executor = Execute(timeout=timeout, kernel_name=kernel)
        # The kernel process inherits our stderr and logs to it (transport warnings, the
        # converters' C++ messages): not part of any cell's output, so not shown unless
        # the run itself fails.
        error = None
        with _capture_stderr() as kernel_log:
            try:
                nb, _ = executor.preprocess(nb, {"metadata": {"path": str(workdir)}})
            except Exception as caught:  # noqa: BLE001  (re-raised below, with the kernel's log)
                error = caught
        if error is not None:
            sys.stderr.write(kernel_log.value)
            raise error
    verdicts = []
    for cell in nb.cells:
        if is_test_cell(cell) and _selected(cell, question):
            verdict = _verdict(cell)
            if not _has_code(cell.source):
                verdict.score, verdict.lines = None, []
            verdicts.append(verdict)
    mode = "ran the saved notebook in a fresh kernel, as the grader does"
    return Report(path.name, mode, verdicts, time.perf_counter() - start, warnings)


# ------------------------------------------------------------------ in the running kernel

@contextlib.contextmanager
def _capture_stderr():
    """Collect what a block writes to stderr, Python and C level (file descriptor 2)."""
    sys.stderr.flush()
    saved_fd, saved_stream = os.dup(2), sys.stderr
    capture = tempfile.TemporaryFile(mode="w+b")
    text = _Text()
    stream = _Tee()
    try:
        os.dup2(capture.fileno(), 2)
        sys.stderr = stream
        yield text
    finally:
        sys.stderr.flush()
        sys.stderr = saved_stream
        os.dup2(saved_fd, 2)
        os.close(saved_fd)
        capture.seek(0)
        text.value = capture.read().decode("utf-8", "replace") + stream.getvalue()
        capture.close()


class _Text:
    value = ""


class _Tee:
    """A text stream that records what is written (and passes it on to ``target``)."""

    def __init__(self, target=None):
        self.parts, self.target = [], target

    def write(self, s):
        self.parts.append(s)
        if self.target is not None:
            self.target.write(s)
        return len(s)

    def flush(self):
        if self.target is not None:
            self.target.flush()

    def getvalue(self):
        return "".join(self.parts)


def _run_source(source, ns):
    """Execute a cell's source like IPython: outputs as nbformat would record them.

    What it prints is recorded (the report shows the PASS/FAIL lines); stderr is
    collected too (nbgrader fails a test cell that writes to it).
    """
    outputs = []
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    value = None
    printed = _Tee()
    saved_stdout, sys.stdout = sys.stdout, printed
    try:
        with _capture_stderr() as err:
            try:
                exec(compile(tree, "<test cell>", "exec"), ns)
                if last is not None:
                    value = eval(compile(ast.Expression(last.value), "<test cell>", "eval"), ns)
            except Exception as error:  # noqa: BLE001  (a failing test cell, reported as such)
                outputs.append(nbformat.v4.new_output("error", ename=type(error).__name__,
                                                      evalue=str(error), traceback=[]))
    finally:
        sys.stdout = saved_stdout
    if err.value:
        outputs.insert(0, nbformat.v4.new_output("stream", name="stderr", text=err.value))
    if printed.getvalue():
        outputs.insert(0, nbformat.v4.new_output("stream", name="stdout", text=printed.getvalue()))
    if value is not None and not any(o.output_type == "error" for o in outputs):
        outputs.append(nbformat.v4.new_output("execute_result", data={"text/plain": repr(value)},
                                              execution_count=None))
    return outputs


def _find_notebook(notebook=None):
    if notebook:
        return Path(notebook)
    candidates = []
    for name in ("JPY_SESSION_NAME", "__session__"):
        value = os.environ.get(name) if name.isupper() else _user_ns().get(name)
        if value and str(value).endswith(".ipynb"):
            candidates.append(Path(value))
    here = Path.cwd()
    candidates.append(here / f"{here.name}.ipynb")
    notebooks = sorted(here.glob("*.ipynb"))
    if len(notebooks) == 1:
        candidates.append(notebooks[0])
    for path in candidates:
        if path.is_file():
            return path
    raise FileNotFoundError("Could not tell which notebook this is: pass it, e.g. "
                            "selfcheck.check('q1', notebook='03_conversion.ipynb').")


def _user_ns():
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is not None:
        return shell.user_ns
    import __main__

    return vars(__main__)


def run_here(notebook=None, question=None, ns=None):
    """Run the notebook's test cells (of one question) in this kernel's namespace."""
    path = _find_notebook(notebook)
    nb = nbformat.read(str(path), as_version=4)
    _check_question(nb, question)
    ns = _user_ns() if ns is None else ns
    warnings = [f"test cell {g} was changed; the grader runs the original" for g in _edited_test_cells(nb)]
    start = time.perf_counter()
    verdicts = []
    for cell in nb.cells:
        if not (is_test_cell(cell) and _selected(cell, question)):
            continue
        if not _has_code(cell.source):
            meta = _nbgrader(cell)
            verdicts.append(Verdict(meta["grade_id"], question_of(meta["grade_id"]),
                                    float(meta["points"]), None))
            continue
        cell = copy.deepcopy(cell)
        cell.outputs = _run_source(cell.source, ns)
        verdicts.append(_verdict(cell))
    mode = "test cells run in this kernel, on its current variables"
    return Report(path.name, mode, verdicts, time.perf_counter() - start, warnings)


def check(question=None, notebook=None, fresh=False, timeout=DEFAULT_TIMEOUT):
    """Check one question ("q2") or all; prints the verdicts and returns the Report.

    fresh=False runs the test cells now, in this kernel; fresh=True runs the saved
    notebook in a fresh kernel exactly as the grader does (save the notebook first).
    """
    if fresh:
        report = run_fresh(_find_notebook(notebook), question, timeout)
    else:
        report = run_here(notebook, question)
    print(report.text())
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m course_lib.selfcheck",
        description="Run an exercise notebook as the grader does and print each visible test's verdict.")
    parser.add_argument("notebook", help="the exercise notebook, e.g. exercises/03_conversion/03_conversion.ipynb")
    parser.add_argument("--question", "-q", help="only this question (q1, q2, ...) or test cell id")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, help="seconds per cell")
    args = parser.parse_args(argv)
    if not Path(args.notebook).is_file():
        parser.error(f"{args.notebook} is not a file")
    try:
        report = run_fresh(args.notebook, args.question, args.timeout)
    except ValueError as error:
        parser.error(str(error))
    print(report.text())
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
