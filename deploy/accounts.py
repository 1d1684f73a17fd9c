"""Unix accounts for a class hub (run as root).

Each user logs in to JupyterHub with their account's password (PAM), and their server and
kernels run as them: file modes keep students apart, so every home folder is made
private (Debian's ``useradd`` leaves it readable by everyone).
"""
import pwd
import shutil
import subprocess
from pathlib import Path

import psutil

TEMPORARY_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")


def exists(name):
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def home(name):
    return Path(pwd.getpwnam(name).pw_dir)


def _run(*command, stdin=None):
    done = subprocess.run(command, input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.strip() or done.stdout.strip()}")


def create(name, password):
    """A new account ``name`` with ``password``, a bash shell and a private home folder."""
    _run("useradd", "--create-home", "--shell", "/bin/bash", name)
    home(name).chmod(0o700)
    _run("chpasswd", stdin=f"{name}:{password}\n")


def remove(name):
    """Stop the account's processes (each by its pid) and delete it with its home folder and
    its files in the shared temporary folders (Dask's scratch space, say): its uid will be
    given to a later account."""
    if not exists(name):
        return
    uid = pwd.getpwnam(name).pw_uid
    for process in psutil.process_iter(["uids"]):
        if process.info["uids"] and process.info["uids"].real == uid:
            try:
                process.kill()
                process.wait(10)
            except psutil.Error:
                pass
    for folder in map(Path, TEMPORARY_FOLDERS):
        for entry in folder.iterdir() if folder.is_dir() else ():
            if entry.lstat().st_uid == uid:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
    _run("userdel", "--remove", name)
