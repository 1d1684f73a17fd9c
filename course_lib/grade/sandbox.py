"""Sandboxed commands for untrusted code: bubblewrap, then setpriv, then prlimit.

:meth:`Sandbox.wrap` turns a command (a Jupyter kernel running a student's notebook, or
our own checker reading untrusted files) into one that runs

- in bubblewrap (``bwrap``): no network, its own pid/ipc/uts namespaces, an allow-list
  view of the filesystem (system folders, this Python, the venv, the ``course_lib``
  folder and the given paths, each at its real path) and a private ``/tmp``;
- as an unprivileged uid with no capabilities (util-linux ``setpriv``), when run as root;
- under resource limits (util-linux ``prlimit``), see :class:`Limits`.

Whatever the machine does not allow is left out with a warning in
:attr:`Sandbox.warnings` (also logged once by :meth:`Sandbox.detect`), never silently.

Files under ``writable`` must be writable by the sandbox's uid: the caller chowns them,
e.g. with :func:`prepare_writable`. A Jupyter kernel inside the sandbox cannot reach the
grader over TCP (it has its own loopback): use ZeroMQ's ``ipc`` transport with the
sockets in a writable folder, and message interrupts (signals do not cross the pid
namespace).
"""
import functools
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

SYSTEM_DIRS = ("/usr", "/bin", "/lib", "/lib64", "/sbin", "/etc")
COURSE_LIB_DIR = Path(__file__).resolve().parent.parent  # only the package, never the repo root
TMP_BYTES = 512 * 2**20   # the sandbox's private /tmp (a tmpfs: it lives in RAM)
SHM_BYTES = 64 * 2**20    # /dev/shm, for POSIX semaphores and shared memory
PROBE_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Limits:
    """Per-process resource limits (setrlimit) inside the sandbox.

    ``memory_bytes`` is RLIMIT_DATA, not RLIMIT_AS: TensorFlow and glibc reserve address
    space they never use (malloc arenas, ~64 MiB per thread; the big shared libraries),
    which RLIMIT_AS counts and which grows with the number of cores. RLIMIT_DATA counts
    private writable memory (heap, anonymous mmap, thread stacks), so it still stops a
    memory bomb with MemoryError. ``processes`` (RLIMIT_NPROC) counts threads, per real
    uid, machine-wide: give each concurrent sandbox its own uid.
    """

    memory_bytes: int
    processes: int
    file_size_bytes: int
    cpu_seconds: int
    open_files: int

    def __post_init__(self):
        for name, value in vars(self).items():
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"Limits.{name} must be a positive int, got {value!r}")


def _cpu_count():
    return len(os.sched_getaffinity(0))


# Measured on the solution notebooks (2 cores): at most 1.0 GiB of VmData, 32 threads,
# 17 s of CPU time; a small Keras -> TFLite conversion + LiteRT run + coremltools import
# needs 0.6 GiB of VmData (and fails below 0.75 GiB). TensorFlow's thread pools grow with
# the cores, hence the processes limit that grows with them too.
DEFAULT_LIMITS = Limits(
    memory_bytes=4 * 2**30,
    processes=max(256, 16 * _cpu_count()),
    file_size_bytes=256 * 2**20,
    cpu_seconds=600,
    open_files=4096,
)


def prepare_writable(path, uid):
    """Give ``uid`` ownership of ``path`` and everything under it (as root; else a no-op).

    Without root the sandbox runs as the grading user, who already owns the files.
    """
    if os.geteuid() != 0:
        return
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"prepare_writable expected an existing path, got {str(root)!r}")
    os.lchown(root, uid, uid)
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            os.lchown(os.path.join(folder, name), uid, uid)


def _tool(name):
    """Absolute path of a system tool (the sandbox's PATH is the caller's env, or none)."""
    path = shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")
    if path is None:
        raise FileNotFoundError(f"{name} is not installed")
    return path


def _namespace_flags(unshare_net):
    flags = ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
             "--hostname", "sandbox", "--die-with-parent", "--new-session"]
    return flags + (["--unshare-net"] if unshare_net else [])


def _system_mounts():
    """Fresh /proc, /dev and /tmp, then read-only system folders (symlinks kept as symlinks).

    The tmpfs mounts come first: later binds (a scratch folder under /tmp) go on top.
    """
    args = ["--proc", "/proc", "--dev", "/dev",
            "--perms", "1777", "--size", str(SHM_BYTES), "--tmpfs", "/dev/shm",
            "--perms", "1777", "--size", str(TMP_BYTES), "--tmpfs", "/tmp"]
    for top in SYSTEM_DIRS:
        if os.path.islink(top):  # merged /usr: /bin -> usr/bin
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    return args


def _runs(argv):
    try:
        return subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=PROBE_TIMEOUT_SECONDS).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _probe_bwrap(unshare_net):
    if shutil.which("bwrap") is None:
        return False
    return _runs([_tool("bwrap"), *_namespace_flags(unshare_net), *_system_mounts(),
                  "--", _tool("true")])


def _unshare_net_prefix(is_root):
    # Without root a network namespace needs a user namespace; map our uid to itself.
    user_namespace = [] if is_root else ["--map-current-user"]
    return [_tool("unshare"), *user_namespace, "--net"]


def _setpriv_prefix(uid):
    return [_tool("setpriv"), f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
            "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--"]


def _prlimit_prefix(limits):
    return [_tool("prlimit"), f"--data={limits.memory_bytes}", f"--nproc={limits.processes}",
            f"--fsize={limits.file_size_bytes}", f"--cpu={limits.cpu_seconds}",
            f"--nofile={limits.open_files}", "--core=0", "--"]


def _is_within(path, folders):
    return any(path == folder or folder in path.parents for folder in folders)


@functools.cache
def _detect_once():
    is_root = os.geteuid() == 0
    if _probe_bwrap(unshare_net=True):
        has_bwrap = can_unshare_net = True
    elif _probe_bwrap(unshare_net=False):
        has_bwrap, can_unshare_net = True, False
    else:  # the fallback makes its network namespace with unshare(1)
        has_bwrap = False
        can_unshare_net = shutil.which("unshare") is not None and _runs(
            [*_unshare_net_prefix(is_root), "--", _tool("true")])
    has_setpriv = shutil.which("setpriv") is not None and (
        not is_root or _runs([*_setpriv_prefix(65534), _tool("true")]))
    has_prlimit = shutil.which("prlimit") is not None and _runs(
        [*_prlimit_prefix(DEFAULT_LIMITS), _tool("true")])
    sandbox = Sandbox(has_bwrap=has_bwrap, can_unshare_net=can_unshare_net, is_root=is_root,
                      has_setpriv=has_setpriv, has_prlimit=has_prlimit)
    for warning in sandbox.warnings:
        logger.warning("sandbox: %s", warning)
    return sandbox


@dataclass(frozen=True)
class Sandbox:
    """What isolation this machine allows, and how to wrap a command in it.

    ``can_unshare_net``: a private network namespace can be made (by bwrap when
    ``has_bwrap``, else by ``unshare --net``). ``warnings`` follow from the flags: one
    sentence per isolation that is missing.
    """

    has_bwrap: bool
    can_unshare_net: bool
    is_root: bool
    has_setpriv: bool
    has_prlimit: bool
    warnings: tuple[str, ...] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "warnings", tuple(self._missing_isolation()))

    def _missing_isolation(self):
        if not self.has_bwrap:
            yield ("bubblewrap (bwrap) is not installed, older than 0.7, or not allowed to "
                   "create namespaces here: "
                   "submissions can read every file the grading user can read and see its "
                   "processes (apt-get install bubblewrap)")
        if not self.can_unshare_net:
            yield ("no network namespace can be created: submissions keep network access "
                   "(run as root, or allow unprivileged user namespaces)")
        if not self.is_root:
            yield ("not running as root: submissions run as the grading user instead of a "
                   "dedicated uid, and their process limit counts all of that user's processes")
        elif not self.has_setpriv:
            yield ("setpriv (util-linux) is not installed: submissions run as root "
                   "(apt-get install util-linux)")
        if not self.has_prlimit:
            yield ("prlimit (util-linux) is not installed: no memory, process, file-size or "
                   "CPU-time limits on submissions (apt-get install util-linux)")

    @classmethod
    def detect(cls):
        """Probe this machine by really running the tools; cached per process."""
        return _detect_once()

    def wrap(self, argv, *, workdir, uid, readable=(), writable=(), env, limits):
        """The argv that runs ``argv`` sandboxed, in ``workdir``, with exactly ``env``.

        ``readable`` paths are visible read-only, ``writable`` ones read-write, each at its
        own absolute path; ``workdir`` must be one of them or inside one. ``uid`` is the
        unprivileged user to run as (when root): one per concurrent sandbox. ``env`` gets
        HOME and TMPDIR set to the private /tmp unless it sets them itself.
        """
        argv = [str(arg) for arg in argv] if isinstance(argv, (list, tuple)) else None
        if not argv:
            raise ValueError("wrap expected the command as a non-empty list of arguments")
        if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                for k, v in env.items()):
            raise ValueError("wrap expected env as a dict of str to str")
        if not isinstance(limits, Limits):
            raise ValueError(f"wrap expected limits as a Limits, got {type(limits).__name__}")
        if not isinstance(uid, int) or isinstance(uid, bool) or not 0 < uid < 2**31 - 1:
            raise ValueError(f"wrap expected uid as a positive int (not root), got {uid!r}")
        readable = [self._existing(p, "readable") for p in _as_paths(readable, "readable")]
        writable = [self._existing(p, "writable") for p in _as_paths(writable, "writable")]
        workdir = self._existing(workdir, "workdir")
        if not _is_within(workdir, readable + writable):
            raise ValueError(f"workdir {str(workdir)!r} must be one of the readable or "
                             "writable paths, or inside one")
        env = {"HOME": "/tmp", "TMPDIR": "/tmp", **env}

        inner = []
        if self.is_root and self.has_setpriv:
            inner += _setpriv_prefix(uid)
        if self.has_prlimit:
            inner += _prlimit_prefix(limits)
        if self.has_bwrap:
            return [*self._bwrap_prefix(workdir, readable, writable, env), *inner, *argv]
        outer = [*_unshare_net_prefix(self.is_root), "--"] if self.can_unshare_net else []
        # No bwrap to clear the environment and change folder: env(1) does both.
        env_args = [f"{key}={value}" for key, value in env.items()]
        return [*outer, *inner, _tool("env"), "-i", f"--chdir={workdir}", *env_args, *argv]

    def _bwrap_prefix(self, workdir, readable, writable, env):
        args = [_tool("bwrap"), *_namespace_flags(self.can_unshare_net), *_system_mounts()]
        python_dirs = {Path(os.path.realpath(sys.base_prefix)), Path(os.path.abspath(sys.prefix)),
                       COURSE_LIB_DIR}
        binds = ([(p, "--ro-bind") for p in python_dirs] + [(p, "--ro-bind") for p in readable]
                 + [(p, "--bind") for p in writable])
        mounted = [Path(p) for p in SYSTEM_DIRS]  # binds: everything under them exists
        made = {Path(p) for p in ("/", "/proc", "/dev", "/dev/shm", "/tmp")}  # empty folders
        # Parents before children, so a writable folder inside a readable one stays writable.
        for path, how in sorted(binds, key=lambda bind: (len(bind[0].parts), str(bind[0]))):
            for parent in reversed(path.parents):
                # bwrap would make missing parents 0700 (root's): the uid could not pass.
                if parent not in made and not _is_within(parent, mounted):
                    args += ["--perms", "0755", "--dir", str(parent)]
                    made.add(parent)
            args += [how, str(path), str(path)]
            mounted.append(path)
        args += ["--chdir", str(workdir), "--clearenv"]
        for key, value in env.items():
            args += ["--setenv", key, value]
        return [*args, "--"]

    @staticmethod
    def _existing(path, what):
        path = Path(os.path.abspath(path))
        if not path.exists():
            raise FileNotFoundError(f"the sandbox's {what} path {str(path)!r} does not exist")
        return path


def _as_paths(paths, what):
    if isinstance(paths, (str, os.PathLike)):
        raise ValueError(f"wrap expected {what} as a list of paths, got a single path {paths!r}")
    return list(paths)
