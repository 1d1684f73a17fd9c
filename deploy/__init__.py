"""The course on a class server: a JupyterHub with the nbgrader exchange (see deploy/README.md).

``jupyterhub_config.py`` and ``jupyterhub_course.py`` are the hub's configuration; the
modules here lay out a class on one machine for them: the two Python environments
(``environments``), the Unix accounts (``accounts``), the instructor's private course
folder (``instructor_course``), all of it tied together with the settings the hub reads
(``classroom``). ``python -m deploy.trial`` (``make hub``) starts a trial hub.
"""
