"""The course's part of a JupyterHub configuration, for any hub: the trial hub
(``jupyterhub_config.py`` loads it), The Littlest JupyterHub (copy it to
``/opt/tljh/config/jupyterhub_config.d/``) or Zero to JupyterHub (``hub.extraConfig``).

- who may log in: the instructor and the students listed (none of them needs to be an admin);
- which environment each user's server and kernels run from: the instructor's (the whole
  course: formgrader, create assignment, the batch grader) for the instructor, the students'
  (the student edition: Validate and the Assignment List) for everyone else;
- JupyterLab, with the course kernel as the default, fetching no news and checking for no
  updates.

Its settings are the values of ``COURSE`` below, overridden by the JSON file named by
``COURSE_HUB_SETTINGS`` (default ``/etc/mobile-course/hub-settings.json``) when it exists.
With no users listed, the hub's own list of allowed users stands (TLJH's ``tljh-config``).
"""
import json
import os
from pathlib import Path

c = get_config()  # noqa: F821
COURSE = {"instructors": [], "students": [],
          "instructor_env": "/opt/mobile-course/instructor", "student_env": "/opt/tljh/user"}
SETTINGS_FILE = Path(os.environ.get("COURSE_HUB_SETTINGS", "/etc/mobile-course/hub-settings.json"))
if SETTINGS_FILE.is_file():
    COURSE.update(json.loads(SETTINGS_FILE.read_text()))
INSTRUCTORS = set(COURSE["instructors"])

if COURSE["instructors"] or COURSE["students"]:
    c.Authenticator.allowed_users = INSTRUCTORS | set(COURSE["students"])
c.Spawner.default_url = "/lab"
c.Spawner.args = ["--MappingKernelManager.default_kernel_name=mobile-course",
                  # The class's servers reach nothing outside: no JupyterLab news feed, no
                  # update check on PyPI (and no prompt asking students about them).
                  "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]


def course_environment(spawner):
    """Start the user's server from their environment; its tools come first on PATH (nbgrader
    runs its environment's `alembic` to open the gradebook)."""
    env = COURSE["instructor_env"] if spawner.user.name in INSTRUCTORS else COURSE["student_env"]
    spawner.cmd = [f"{env}/bin/jupyterhub-singleuser"]
    spawner.environment = dict(spawner.environment, PATH=f"{env}/bin:/usr/local/bin:/usr/bin:/bin")


c.Spawner.pre_spawn_hook = course_environment
