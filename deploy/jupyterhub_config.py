"""JupyterHub for a class on one machine: ``jupyterhub -f deploy/jupyterhub_config.py``, run
as root, with ``COURSE_HUB_SETTINGS`` naming the settings file ``deploy.classroom`` wrote
(``make hub`` does all of it).

This file is the machine's part, what The Littlest JupyterHub or Zero to JupyterHub already
provide: addresses, the proxy, the hub's state, logging in with the Unix password (PAM),
each user's server run as their own Unix account. The course's part, which goes unchanged
into either of them, is ``jupyterhub_course.py``, loaded at the end.
"""
import json
import os
from pathlib import Path

c = get_config()  # noqa: F821
SETTINGS = json.loads(Path(os.environ["COURSE_HUB_SETTINGS"]).read_text())
STATE = Path(SETTINGS["state"])

# The public address is the proxy's; the hub's API and the users' servers stay on loopback.
c.JupyterHub.bind_url = f"http://{SETTINGS['ip']}:{SETTINGS['port']}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{SETTINGS['hub_port']}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{SETTINGS['proxy_api_port']}"
c.ConfigurableHTTPProxy.command = [SETTINGS["proxy"]]  # pinned in deploy/package.json
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")

# Each user logs in with their Unix account's password; their server runs as that account.
c.JupyterHub.authenticator_class = "pam"
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.ip = "127.0.0.1"
# A user's server imports JupyterLab, nbgrader and the course's library: on a busy 2-core
# machine that takes well over the default 30-60 s.
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300
# Nothing of the hub's own environment (its PATH, its venv) reaches the users' servers.
c.Spawner.env_keep = ["LANG", "LC_ALL"]

load_subconfig(str(Path(__file__).with_name("jupyterhub_course.py")))  # noqa: F821
