"""A throwaway PostgreSQL server for the tests, in a temporary folder.

It listens on 127.0.0.1 only, on a free port, with its unix socket in its own folder,
and trusts every local connection (nothing else can reach it). initdb refuses to run as
root: as root, the server's programs run as Debian's ``postgres`` system user, in a
folder it owns; otherwise as the current user. Used through the session fixture
``postgres`` of tests/conftest.py: ``postgres.create_database(name)`` gives the URL of a
new, empty database.
"""
import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

SUPERUSER = "postgres"
# The driver named in the URL: SQLAlchemy 2.1's default for a bare postgresql:// is psycopg
# (version 3), while requirements.txt pins psycopg2-binary.
SCHEME = "postgresql+psycopg2"
INSTALL = ("install the Debian package `postgresql` (`sh tools/install_system_packages.sh`, "
           "which `make test` runs as root or with sudo), or put PostgreSQL's initdb on PATH")


def bin_dir():
    """The folder of initdb, pg_ctl and createdb, or None if PostgreSQL is not installed.
    Debian keeps the server's programs out of PATH, in /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent

    def version(initdb):  # /usr/lib/postgresql/15/bin/initdb -> 15
        name = Path(initdb).parts[-3]
        return int(name) if name.isdigit() else 0

    installed = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    return Path(max(installed, key=version)).parent if installed else None


def missing():
    """Why no server can be started here (a skip message), or None."""
    if bin_dir() is None:
        return f"PostgreSQL not found (no initdb on PATH or in /usr/lib/postgresql/*/bin): {INSTALL}"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return ("running as root, and there is no `postgres` system user to run PostgreSQL "
                    f"as (initdb refuses root): {INSTALL}")
    return None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self, programs):
        self.programs = programs
        self.folder = Path(tempfile.mkdtemp(prefix="course-postgres-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.as_user = None
        if os.geteuid() == 0:  # initdb refuses root: the server runs as Debian's postgres user
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self.as_user = "postgres"

    def _run(self, program, *args):
        command = [str(self.programs / program), *args]
        if self.as_user:
            command = ["runuser", "-u", self.as_user, "--", *command]
        done = subprocess.run(command, cwd=self.folder, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed ({done.returncode}):\n{done.stdout[-2000:]}"
                               f"{done.stderr[-2000:]}{self._log()}")
        return done.stdout

    def _log(self):
        log = self.folder / "server.log"
        return f"\nserver log:\n{log.read_text()[-3000:]}" if log.exists() else ""

    def start(self):
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
                  "--no-locale", "--no-sync")
        settings = ["listen_addresses = '127.0.0.1'", f"port = {self.port}",
                    f"unix_socket_directories = '{self.folder}'",
                    # a throwaway server: no need to survive a power cut, and the machine is shared
                    "fsync = off", "synchronous_commit = off", "full_page_writes = off"]
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write("\n" + "\n".join(settings) + "\n")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"),
                  "-w", "-t", "120", "start")

    def create_database(self, name):
        """A new, empty database; its SQLAlchemy URL."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, name)
        return f"{SCHEME}://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def stop(self):
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def running():
    """A started server (skips the test if none can be started here); stopped and its
    folder removed afterwards."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    server = PostgresServer(bin_dir())
    try:
        server.start()
        yield server
    finally:
        server.stop()
