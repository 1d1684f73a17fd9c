"""The students' and the instructor's Python environments for a class hub on this machine,
made from the course's own venv without installing anything again.

Each is a venv of its own on the course venv's Python, which every account must be able to
run (:func:`interpreter`), with the course venv's Jupyter data files (JupyterLab's app and
extensions, nbconvert's templates) as hard links, and its packages:

- the instructor's as hard links too: the batch grader's sandbox mounts only the
  environment's own folder for a kernel, so they must lie under it;
- the students' through a .pth line naming the course venv's site-packages (their kernels
  run in their own server, unsandboxed). A plain path in a .pth adds the folder without
  reading its own .pth files: the course venv's mobile_course.pth, which names the
  repository (and so ``course_grader`` and the solutions), is not followed.

The course's own ``tools/setup_env.py`` then finishes it as ``make setup`` does (run by
``configure_env.py``, in one interpreter): for the students, the student edition's copy,
with ``--student`` (its ``course_lib`` has no batch grader; only Validate and the
Assignment List are enabled); for the instructor, the repository's (the whole course,
the formgrader). A ``nbgrader_config.py`` in the environment's ``etc/jupyter`` names the
course and the class's exchange; JupyterLab's settings overrides keep it from asking about
news and updates. On a real class server, install the students'
environment from the student edition instead (its ``make setup``): this is for a trial
and for the tests.
"""
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

KERNEL = "mobile-course"
PYTHON = f"python{sys.version_info.major}.{sys.version_info.minor}"


def course_venv():
    """The venv this runs in: the course's (``make setup``)."""
    if sys.prefix == sys.base_prefix:
        raise RuntimeError("run this with the course's venv (.venv/bin/python, after `make setup`)")
    return Path(sys.prefix)


def runnable_by_everyone(path):
    """Whether every account can run ``path``: the file and each folder above it are open to
    others (a pyenv Python under /root is not)."""
    path = Path(os.path.realpath(path))
    return all(p.stat().st_mode & stat.S_IXOTH for p in [path, *path.parents])


def interpreter(folder):
    """The course venv's own Python, runnable by every account.

    pyenv installs it under /root, which other accounts cannot enter: then its installation
    (without its own site-packages and tests) is copied into ``folder`` as hard links, the
    executable as a file of its own whose library path, which names the original folder,
    is made relative with patchelf. The system's python3.X is no substitute: Debian 12's
    3.11.2 predates fixes to regular expressions that the pinned soupsieve relies on
    (nbconvert's HTML export fails).
    """
    executable = Path(os.path.realpath(sys._base_executable))
    if runnable_by_everyone(executable):
        return executable
    if shutil.which("patchelf") is None:
        raise RuntimeError(f"{executable} is in a folder other accounts cannot enter, and patchelf, "
                           "needed to copy it, is missing (apt-get install patchelf)")
    base = Path(sys.base_prefix)
    copy = Path(folder) / "python"
    if copy.exists():
        shutil.rmtree(copy)
    stdlib = Path("lib") / PYTHON
    _hard_link_tree(base, copy, skip={stdlib / "site-packages", stdlib / "test"})
    copied = copy / executable.relative_to(base)
    copied.unlink()
    shutil.copy2(executable, copied)
    subprocess.run(["patchelf", "--set-rpath", "$ORIGIN/../lib", str(copied)], check=True)
    return copied


def _hard_link_tree(source, target, skip=frozenset()):
    """``target`` as a copy of ``source`` whose files are hard links, without the paths in
    ``skip`` (relative to ``source``). Never write to such a file: it is the original."""
    target.mkdir(parents=True, exist_ok=True)
    whole = []
    for entry in sorted(source.iterdir()):
        relative = entry.relative_to(source)
        inner = {p.relative_to(relative) for p in skip if relative in p.parents}
        if relative in skip:
            continue
        if inner and entry.is_dir() and not entry.is_symlink():
            _hard_link_tree(entry, target / entry.name, inner)
        else:
            whole.append(str(entry))
    if whole:
        subprocess.run(["cp", "-al", *whole, f"{target}/"], check=True)


def _entry_points(venv, target):
    """The course venv's command-line tools (jupyter, nbgrader, alembic, ...) for ``target``:
    the same scripts with ``target``'s interpreter."""
    shebang = f"#!{venv}/bin/python"
    for script in sorted((venv / "bin").iterdir()):
        destination = target / "bin" / script.name
        if script.is_symlink() or not script.is_file() or destination.exists():
            continue
        with open(script, "rb") as handle:
            first = handle.readline()
            if not first.decode(errors="replace").startswith(shebang):
                continue
            rest = handle.read()
        destination.write_bytes(f"#!{target}/bin/python\n".encode() + rest)
        destination.chmod(0o755)


def build(target, course, *, python, student, course_id, exchange):
    """Make the environment at ``target`` (replaced if it exists) on ``python`` (from
    :func:`interpreter`) for ``course``: the student edition's folder (``student=True``)
    or the repository's. Returns ``target``."""
    venv, target, course = course_venv(), Path(target), Path(course)
    if target.exists():
        shutil.rmtree(target)
    subprocess.run([str(python), "-m", "venv", "--without-pip", str(target)], check=True)
    site = Path("lib") / PYTHON / "site-packages"
    if student:
        (target / site / "course_venv.pth").write_text(f"{venv / site}\n")
    else:
        # mobile_course.pth names the repository: setup_env.py writes the environment's own.
        _hard_link_tree(venv / site, target / site, skip={Path("mobile_course.pth")})
    _hard_link_tree(venv / "share", target / "share", skip={Path("jupyter/kernels")})
    # Copies, not links: setup_env.py rewrites these files (which extensions are enabled).
    shutil.copytree(venv / "etc", target / "etc")
    _entry_points(venv, target)
    command = [str(target / "bin" / "python"), str(Path(__file__).with_name("configure_env.py")),
               str(course / "tools" / "setup_env.py"), "--kernel", KERNEL]
    done = subprocess.run(command + (["--student"] if student else []), capture_output=True, text=True,
                          env=dict(os.environ, PATH=f"{target / 'bin'}:/usr/bin:/bin"))
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    # JupyterLab's defaults for everyone on the class server: the hub's servers fetch no news
    # and check for no updates (jupyterhub_course.py), so do not ask about them either.
    overrides = target / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    overrides.parent.mkdir(exist_ok=True)
    overrides.unlink(missing_ok=True)  # a link to the course venv's file, if it has one
    overrides.write_text(json.dumps({"@jupyterlab/apputils-extension:notification":
                                     {"fetchNews": "false", "checkForUpdates": False}}, indent=2) + "\n")
    (target / "etc" / "jupyter" / "nbgrader_config.py").write_text(
        "# The class's course and its exchange (deploy/environments.py).\n"
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {course_id!r}\n"
        f"c.Exchange.root = {str(exchange)!r}\n")
    return target
