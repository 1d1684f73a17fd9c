"""A class on this machine, laid out for the hub's configuration (run as root).

Everything the class shares lies under one folder, readable by every account:

    <root>/student-edition/     what students get (tools/student_edition.py)
    <root>/python/              the course venv's Python, when other accounts cannot run it where it is
    <root>/envs/student/        the students' environment, from the student edition
    <root>/envs/instructor/     the instructor's environment, from the repository
    <root>/exchange/            nbgrader's exchange: writable by all, sticky (1777)
    <root>/hub/                 the hub's own state (sqlite, cookie secret): root only
    <root>/hub-settings.json    what deploy/jupyterhub_config.py reads

plus a Unix account per user and the instructor's private course folder in their home.
"""
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from deploy import accounts, environments, instructor_course

ROOT = Path(__file__).resolve().parent.parent
PROXY = ROOT / "deploy" / "node_modules" / ".bin" / "configurable-http-proxy"


def course_id():
    """The course id of the repository's nbgrader_config.py (the exchange's folder name)."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config().CourseDirectory.course_id


@dataclass
class Classroom:
    root: Path
    instructor: str
    students: list
    ip: str = "127.0.0.1"          # where browsers reach the hub
    port: int = 8000
    hub_port: int = 8081           # the hub's API, for the proxy and the users' servers
    proxy_api_port: int = 8001
    passwords: dict = field(default_factory=dict)  # for accounts still to create

    def __post_init__(self):
        self.root = Path(self.root)

    edition = property(lambda self: self.root / "student-edition")
    student_env = property(lambda self: self.root / "envs" / "student")
    instructor_env = property(lambda self: self.root / "envs" / "instructor")
    exchange = property(lambda self: self.root / "exchange")
    state = property(lambda self: self.root / "hub")
    settings_file = property(lambda self: self.root / "hub-settings.json")
    url = property(lambda self: f"http://{self.ip}:{self.port}")

    def course(self):
        return accounts.home(self.instructor) / instructor_course.FOLDER

    def settings(self):
        return {"ip": self.ip, "port": self.port, "hub_port": self.hub_port,
                "proxy_api_port": self.proxy_api_port, "proxy": str(PROXY), "state": str(self.state),
                "instructors": [self.instructor], "students": list(self.students),
                "student_env": str(self.student_env), "instructor_env": str(self.instructor_env)}


def prepare(classroom, assignments=None):
    """Lay out ``classroom`` and install what its users run; return the settings file to
    give the hub in ``COURSE_HUB_SETTINGS``."""
    settings = lay_out(classroom)
    install(classroom, assignments)
    return settings


def lay_out(classroom):
    """What the hub needs to start (seconds): the folders, the accounts (those that exist
    are kept as they are) and the settings file, which it returns."""
    if os.geteuid() != 0:
        raise RuntimeError("a class hub needs root: it creates accounts and runs each user's server as them")
    if not PROXY.exists():
        raise RuntimeError(f"{PROXY} is missing: run `make hub-packages` (npm ci in deploy/)")
    classroom.root.mkdir(parents=True, exist_ok=True)
    classroom.root.chmod(0o755)
    classroom.exchange.mkdir(exist_ok=True)
    classroom.exchange.chmod(0o1777)  # nbgrader's exchange: everyone writes, only owners delete
    classroom.state.mkdir(mode=0o700, exist_ok=True)
    for name in [classroom.instructor, *classroom.students]:
        if not accounts.exists(name):
            accounts.create(name, classroom.passwords[name])
    classroom.settings_file.write_text(json.dumps(classroom.settings(), indent=2) + "\n")
    return classroom.settings_file


def install(classroom, assignments=None):
    """What the users' servers run (a minute; the hub may already be starting): the student
    edition, the two environments, the instructor's course folder with ``assignments``."""
    sys.path.insert(0, str(ROOT / "tools"))
    import student_edition

    cid = course_id()
    student_edition.build(classroom.edition)
    python = environments.interpreter(classroom.root)
    # Both environments at once: each spends its time in its own processes.
    with ThreadPoolExecutor(2) as pool:
        builds = [pool.submit(environments.build, classroom.student_env, classroom.edition, python=python,
                              student=True, course_id=cid, exchange=classroom.exchange),
                  pool.submit(environments.build, classroom.instructor_env, ROOT, python=python,
                              student=False, course_id=cid, exchange=classroom.exchange)]
        for build in builds:
            build.result()
    instructor_course.make(classroom.instructor, classroom.exchange, assignments)
