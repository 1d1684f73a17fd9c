"""The grading sandbox, proved by running small Python snippets inside it with real bwrap.

Each test runs the venv's Python inside ``Sandbox.wrap(...)`` and checks what the snippet
could or could not do. The snippets print one line of JSON; the sandboxed user is a uid
of its own, so its processes can be counted (and must all be gone afterwards).
"""
import errno
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from course_lib.grade.sandbox import COURSE_LIB_DIR, DEFAULT_LIMITS, Limits, Sandbox, prepare_writable

BOX = Sandbox.detect()
pytestmark = pytest.mark.skipif(
    not (BOX.has_bwrap and BOX.can_unshare_net),
    reason="bubblewrap cannot create namespaces on this machine: " + " ".join(BOX.warnings))
needs_root = pytest.mark.skipif(not (BOX.is_root and BOX.has_setpriv),
                                reason="switching to a dedicated uid needs root and setpriv")

PYTHON = sys.executable  # the venv's python: the sandbox binds the venv and its base Python
REPO_ROOT = COURSE_LIB_DIR.parent
ENV = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
UID = 66000 + os.getpid() % 1000  # away from the grader's 61000-65999, one per test session
SMALL = Limits(memory_bytes=512 * 2**20, processes=64, file_size_bytes=2**20, cpu_seconds=20,
               open_files=256)


@pytest.fixture
def work(tmp_path):
    """A scratch folder the sandboxed uid may write, with a secret right next to it."""
    folder = tmp_path / "work"
    folder.mkdir()
    prepare_writable(folder, UID)
    (tmp_path / "secret.txt").write_text("the hidden tests")
    return folder


def sandboxed(code, work, *, limits=SMALL, readable=(), writable=None, box=BOX, env=ENV):
    return box.wrap([PYTHON, "-c", code], workdir=work, uid=UID, readable=readable,
                    writable=[work] if writable is None else writable, env=env, limits=limits)


def run_inside(code, work, timeout=60, **options):
    """Run ``code`` in the sandbox; return what it printed last, parsed as JSON."""
    done = subprocess.run(sandboxed(code, work, **options), capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def processes_of(uid):
    count = 0
    for entry in Path("/proc").iterdir():
        try:
            status = (entry / "status").read_text() if entry.name.isdigit() else ""
        except OSError:  # it ended while we looked
            continue
        count += f"\nUid:\t{uid}\t" in status
    return count


CONNECT = """
import json, socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5).close()
    outcome = "connected"
except OSError as error:
    outcome = type(error).__name__
print(json.dumps({"outcome": outcome, "interfaces": [n for _, n in socket.if_nameindex()]}))
"""


def test_network_is_refused_even_on_loopback(work):
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = str(server.getsockname()[1])
        outside = subprocess.run([PYTHON, "-c", CONNECT, port], capture_output=True, text=True)
        assert json.loads(outside.stdout)["outcome"] == "connected"  # the snippet itself works
        argv = sandboxed(CONNECT, work) + [port]
        inside = json.loads(subprocess.run(argv, capture_output=True, text=True, timeout=60).stdout)
    assert inside == {"outcome": "ConnectionRefusedError", "interfaces": ["lo"]}


def test_files_outside_the_allow_list_are_absent(work):
    seen = run_inside(f"""
import json, os
def peek(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError as error:
        return type(error).__name__
print(json.dumps({{"secret": peek({str(work.parent / "secret.txt")!r}),
                  "solutions": os.path.exists({str(REPO_ROOT / "solutions")!r}),
                  "repo_root": sorted(os.listdir({str(REPO_ROOT)!r})),
                  "top": sorted(os.listdir("/")), "shadow": peek("/etc/shadow")}}))
""", work)
    assert seen["secret"] == "FileNotFoundError"
    assert seen["solutions"] is False
    assert set(seen["repo_root"]) <= {"course_lib", Path(sys.prefix).name}
    assert "course_lib" in seen["repo_root"]
    assert set(seen["top"]) <= {"bin", "dev", "etc", "lib", "lib64", "proc", "root", "sbin", "tmp",
                                "usr", *Path(REPO_ROOT).parts[1:2], *Path(work).parts[1:2]}
    if BOX.is_root:
        assert seen["shadow"] == "PermissionError"


def test_course_lib_and_numpy_import_with_exactly_the_given_env(work, monkeypatch):
    monkeypatch.setenv("GRADER_SECRET_TOKEN", "do-not-leak")
    seen = run_inside("""
import json, os, course_lib, numpy
print(json.dumps({"course_lib": course_lib.__file__, "numpy": numpy.__version__,
                  "cwd": os.getcwd(), "env": sorted(open("/proc/self/environ").read().split("\\0"))}))
""", work, env=dict(ENV, COURSE_FLAG="1"))
    assert seen["course_lib"] == str(COURSE_LIB_DIR / "__init__.py")
    assert seen["numpy"]
    assert seen["cwd"] == str(work)
    env_names = {entry.split("=")[0] for entry in seen["env"] if entry}
    assert env_names == {*ENV, "COURSE_FLAG", "HOME", "TMPDIR", "PWD"}  # bwrap adds PWD


def test_runs_as_the_given_uid_without_privileges(work):
    seen = run_inside("""
import json, os
status = dict(line.split(":\\t", 1) for line in open("/proc/self/status").read().splitlines())
print(json.dumps({"uid": os.getuid(), "euid": os.geteuid(), "groups": os.getgroups(),
                  "caps": status["CapEff"].strip(), "no_new_privs": status["NoNewPrivs"].strip()}))
""", work)
    assert seen["uid"] != 0 and seen["euid"] != 0
    if BOX.is_root:
        assert seen["uid"] == seen["euid"] == UID
        assert seen["groups"] == []
        assert int(seen["caps"], 16) == 0
        assert seen["no_new_privs"] == "1"


def test_only_writable_paths_can_be_written(work, tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "submission.ipynb").write_text("{}")
    seen = run_inside(f"""
import json
def write(path):
    try:
        with open(path, "w") as f:
            f.write("x")
        return "written"
    except OSError as error:
        return error.errno
print(json.dumps({{path: write(path) for path in [
    {str(inputs / "submission.ipynb")!r}, {str(inputs / "new.txt")!r},
    {str(COURSE_LIB_DIR / "planted.py")!r}, "/etc/planted", {str(work / "out.txt")!r}]}}))
""", work, readable=[inputs], writable=[work])
    assert seen.pop(str(work / "out.txt")) == "written"
    assert set(seen.values()) <= {errno.EROFS, errno.EACCES}, seen
    assert (inputs / "submission.ipynb").read_text() == "{}"
    assert not (COURSE_LIB_DIR / "planted.py").exists()
    assert (work / "out.txt").stat().st_uid == (UID if BOX.is_root else os.getuid())


def test_file_size_limit_gives_efbig(work):
    seen = run_inside("""
import json
try:
    with open("big.bin", "wb") as f:
        f.write(bytes(2 * 2**20))
    outcome = "written"
except OSError as error:
    outcome = error.errno
print(json.dumps({"outcome": outcome}))
""", work, limits=SMALL)
    assert seen["outcome"] == errno.EFBIG
    assert (work / "big.bin").stat().st_size <= SMALL.file_size_bytes


MEMORY_BOMBS = {
    "one huge allocation": "bytearray(2 * 2**30)",
    "a growing list": "chunks = []\nwhile len(chunks) < 3000:\n    chunks.append(b'x' * 2**20)",
}


@pytest.mark.parametrize("bomb", MEMORY_BOMBS.values(), ids=MEMORY_BOMBS.keys())
def test_memory_bomb_gets_memory_error(work, bomb):
    done = subprocess.run(sandboxed(bomb + "\nprint('survived')", work, limits=SMALL),
                          capture_output=True, text=True, timeout=60)
    assert "survived" not in done.stdout
    assert "MemoryError" in done.stderr


def test_default_limits_stop_a_memory_bomb(work):
    bomb = f"bytearray({2 * DEFAULT_LIMITS.memory_bytes})\nprint('survived')"
    done = subprocess.run(sandboxed(bomb, work, limits=DEFAULT_LIMITS), capture_output=True,
                          text=True, timeout=60)
    assert "MemoryError" in done.stderr and "survived" not in done.stdout


def test_cpu_time_limit_kills_a_busy_loop(work):
    started = time.monotonic()
    done = subprocess.run(sandboxed("while True: pass", work, limits=Limits(
        memory_bytes=SMALL.memory_bytes, processes=SMALL.processes,
        file_size_bytes=SMALL.file_size_bytes, cpu_seconds=1, open_files=SMALL.open_files)),
        capture_output=True, timeout=60)
    assert done.returncode != 0
    assert time.monotonic() - started < 30


@needs_root
def test_fork_bomb_is_contained_and_cleaned_up(work):
    bomb = """
import os, time
while True:  # every process forks, forever
    try:
        os.fork()
    except OSError:
        time.sleep(0.05)
"""
    sandbox = subprocess.Popen(sandboxed(bomb, work), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while processes_of(UID) < SMALL.processes and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # let it push against the limit
        assert processes_of(UID) == SMALL.processes
    finally:
        sandbox.kill()  # what a grading timeout does: kill bwrap, the pid namespace goes with it
        sandbox.wait()
    deadline = time.monotonic() + 10
    while processes_of(UID) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_of(UID) == 0


def test_degraded_sandbox_warns_about_each_missing_isolation():
    bare = Sandbox(has_bwrap=False, can_unshare_net=False, is_root=False, has_setpriv=False,
                   has_prlimit=False)
    text = " ".join(bare.warnings)
    assert len(bare.warnings) == 4
    for missing in ("bubblewrap", "network", "not running as root", "prlimit"):
        assert missing in text
    root_without_setpriv = Sandbox(has_bwrap=True, can_unshare_net=True, is_root=True,
                                   has_setpriv=False, has_prlimit=True)
    assert len(root_without_setpriv.warnings) == 1
    assert "setpriv" in root_without_setpriv.warnings[0]
    assert "as root" in root_without_setpriv.warnings[0]
    assert Sandbox(True, True, True, True, True).warnings == ()


FALLBACK_PROBE = """
echo "uid=$(id -u)"
echo "cwd=$(pwd)"
echo "data_bytes=$(( $(ulimit -d) * 1024 ))"
echo "env=$(tr '\\0' '\\n' < /proc/$$/environ | cut -d= -f1 | sort | paste -sd,)"
if (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null; then echo network=connected; else echo network=failed; fi
"""


@needs_root
def test_fallback_without_bwrap_keeps_network_uid_env_and_limits():
    # Without bwrap the real filesystem applies: the venv's Python lives under /root (0700
    # here), out of the uid's reach, so this probe is a shell script in a folder it can enter.
    no_bwrap = Sandbox(has_bwrap=False, can_unshare_net=True, is_root=True, has_setpriv=True,
                       has_prlimit=True)
    assert any("bubblewrap" in warning for warning in no_bwrap.warnings)
    work = Path(tempfile.mkdtemp(prefix="sandbox-fallback-"))
    prepare_writable(work, UID)
    try:
        with socket.create_server(("127.0.0.1", 0)) as server:
            port = str(server.getsockname()[1])
            script = ["/bin/bash", "-c", FALLBACK_PROBE, "probe", port]
            outside = subprocess.run(script, capture_output=True, text=True, timeout=30)
            argv = no_bwrap.wrap(script, workdir=work, uid=UID, writable=[work], env=ENV,
                                 limits=SMALL)
            inside = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    finally:
        shutil.rmtree(work)
    assert "network=connected" in outside.stdout  # the probe itself works
    seen = dict(line.split("=", 1) for line in inside.stdout.splitlines())
    assert seen == {"uid": str(UID), "cwd": str(work), "data_bytes": str(SMALL.memory_bytes),
                    "env": ",".join(sorted({*ENV, "HOME", "TMPDIR"})), "network": "failed"}


def test_wrap_rejects_bad_input_with_clear_errors(work, tmp_path):
    def wrap(**changes):
        options = dict(workdir=work, uid=UID, readable=(), writable=[work], env=ENV, limits=SMALL)
        return BOX.wrap([PYTHON, "-c", "pass"], **{**options, **changes})

    with pytest.raises(ValueError, match="workdir"):
        wrap(workdir=tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        wrap(readable=[tmp_path / "missing"])
    with pytest.raises(ValueError, match="uid"):
        wrap(uid=0)
    with pytest.raises(ValueError, match="list of paths"):
        wrap(writable=str(work))
    with pytest.raises(ValueError, match="positive int"):
        Limits(memory_bytes=0, processes=1, file_size_bytes=1, cpu_seconds=1, open_files=1)


TENSORFLOW_INSIDE = """
import course_lib  # selects Keras 2 before TensorFlow is imported
import json, numpy as np, tensorflow as tf
model = tf.keras.Sequential([tf.keras.Input((8,)), tf.keras.layers.Dense(4, activation="relu"),
                             tf.keras.layers.Dense(2)])
tflite = tf.lite.TFLiteConverter.from_keras_model(model).convert()
open("model.tflite", "wb").write(tflite)
from ai_edge_litert.interpreter import Interpreter
interpreter = Interpreter(model_path="model.tflite")
interpreter.allocate_tensors()
interpreter.set_tensor(interpreter.get_input_details()[0]["index"], np.ones((1, 8), np.float32))
interpreter.invoke()
output = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
import coremltools
print(json.dumps({"output": list(output.shape), "coremltools": coremltools.__version__}))
"""


def test_slow_tensorflow_litert_and_coremltools_work_inside_with_default_limits(work):
    """The slow one (~10 s): the course's stack under DEFAULT_LIMITS."""
    seen = run_inside(TENSORFLOW_INSIDE, work, limits=DEFAULT_LIMITS, timeout=120)
    assert seen["output"] == [1, 2]
    assert seen["coremltools"]
    assert (work / "model.tflite").read_bytes()[4:8] == b"TFL3"
