"""A class hub for a test: the class laid out by ``deploy.classroom`` in a temporary folder,
with an instructor and two students whose account names are new for each run, and
JupyterHub (deploy/jupyterhub_config.py) on free loopback ports. :func:`class_hub` stops
the hub and removes the accounts and the folder at the end, after a failure too.
"""
import contextlib
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

from deploy import accounts, classroom as classroom_lib

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "jupyterhub_config.py"
JUPYTERHUB = Path(sys.executable).with_name("jupyterhub")
START_TIMEOUT = 120


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class ClassHub:
    def __init__(self, root, assignments):
        suffix = secrets.token_hex(3)
        self.instructor = f"mcteach{suffix}"
        self.students = [f"mcstua{suffix}", f"mcstub{suffix}"]
        names = [self.instructor, *self.students]
        port, hub_port, api_port = free_ports(3)
        self.room = classroom_lib.Classroom(
            root=root, instructor=self.instructor, students=self.students, ip="127.0.0.1",
            port=port, hub_port=hub_port, proxy_api_port=api_port,
            passwords={name: secrets.token_urlsafe(12) for name in names})
        self.assignments = assignments
        self.url = self.room.url
        self.inbound = self.room.exchange / classroom_lib.course_id() / "inbound"  # nbgrader's layout
        self.log_path = Path(root) / "hub.log"
        self.process = None

    def password(self, name):
        return self.room.passwords[name]

    def course(self):
        return self.room.course()

    def start(self):
        settings = classroom_lib.lay_out(self.room)
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
               "COURSE_HUB_SETTINGS": str(settings)}
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([str(JUPYTERHUB), "-f", str(CONFIG)], cwd=self.room.state,
                                            env=env, stdout=log, stderr=subprocess.STDOUT)
        # The hub needs the environments only when a user logs in: both start at once.
        classroom_lib.install(self.room, self.assignments)
        deadline = time.monotonic() + START_TIMEOUT
        while True:  # through the proxy: the public address answers once the hub is routed
            try:
                urllib.request.urlopen(f"{self.url}/hub/api", timeout=5)
                return
            except OSError:
                assert self.process.poll() is None, f"the hub stopped:\n{self.log_tail()}"
                assert time.monotonic() < deadline, f"the hub did not answer within {START_TIMEOUT} s:\n{self.log_tail()}"
                time.sleep(0.5)

    def log_tail(self, chars=4000):
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else "(no log)"

    def processes(self):
        """The hub's process and what it started (the proxy, the users' servers)."""
        if self.process is None or self.process.poll() is not None:
            return []
        hub = psutil.Process(self.process.pid)
        return [hub, *hub.children(recursive=True)]

    def env_of(self, user):
        return self.room.instructor_env if user == self.instructor else self.room.student_env

    def run_as(self, user, *command, cwd=None, timeout=300, check=True):
        """``command`` run as ``user`` (runuser), with only a login's variables and their
        environment's tools first on PATH; in their home unless ``cwd``."""
        home = accounts.home(user)
        env = [f"HOME={home}", f"USER={user}", f"LOGNAME={user}", "LANG=C.UTF-8",
               f"PATH={self.env_of(user)}/bin:/usr/bin:/bin"]
        done = subprocess.run(["runuser", "-u", user, "--", "env", "-i", *env, *map(str, command)],
                              cwd=cwd or home, capture_output=True, text=True, timeout=timeout)
        if check:
            assert done.returncode == 0, (f"as {user}: {' '.join(map(str, command))} failed "
                                          f"({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done

    def python_as(self, user, code, *args, **kwargs):
        return self.run_as(user, f"{self.env_of(user)}/bin/python", "-c", code, *args, **kwargs)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            started = self.processes()
            self.process.terminate()  # the hub stops the users' servers and its proxy
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
            for process in started:  # anything it left, by pid
                with contextlib.suppress(psutil.Error):
                    process.kill()


@contextlib.contextmanager
def class_hub(assignments):
    # Not pytest's tmp_path: its parent folders are closed to other accounts.
    root = Path(tempfile.mkdtemp(prefix="course-hub-"))
    root.chmod(0o755)
    hub = ClassHub(root, assignments)
    try:
        hub.start()
        yield hub
    finally:
        began = time.monotonic()
        hub.stop()
        problems = []
        for name in [hub.instructor, *hub.students]:
            try:
                accounts.remove(name)
            except Exception as error:  # noqa: BLE001  (the other accounts are removed all the same)
                problems.append(f"{name}: {error}")
        shutil.rmtree(root, ignore_errors=True)
        print(f"class hub stopped and removed in {time.monotonic() - began:.0f} s")
        if problems:
            raise RuntimeError("the test's accounts could not all be removed: " + "; ".join(problems))
