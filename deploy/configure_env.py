"""Run a course's ``tools/setup_env.py`` in one interpreter, with the environment's Python:
``ENV/bin/python deploy/configure_env.py COURSE/tools/setup_env.py [its options]``.

setup_env.py starts ``python -m jupyter ...`` (or ``ipykernel``) for each of its dozen steps,
and each of those interpreters spends seconds importing the Jupyter server. This runs the
same command-line applications in this one interpreter instead: the same files are
written, in a fraction of the time. A step it does not know stops it with the reason.
"""
import importlib.util
import sys


def _applications():
    from ipykernel.kernelspec import InstallIPythonKernelSpecApp
    from jupyter_server.extension.serverextension import (DisableServerExtensionApp,
                                                          EnableServerExtensionApp)
    from jupyterlab.labextensions import DisableLabExtensionsApp, EnableLabExtensionsApp

    return {("ipykernel", "install"): InstallIPythonKernelSpecApp,
            ("jupyter", "server", "extension", "enable"): EnableServerExtensionApp,
            ("jupyter", "server", "extension", "disable"): DisableServerExtensionApp,
            ("jupyter", "labextension", "enable"): EnableLabExtensionsApp,
            ("jupyter", "labextension", "disable"): DisableLabExtensionsApp}


def main():
    script, options = sys.argv[1], sys.argv[2:]
    applications = _applications()

    def run_here(*args):
        """setup_env.run: ``python -m <args>``, run in this interpreter."""
        for command, application in applications.items():
            if args[:len(command)] == command:
                app = application()
                app.initialize(list(args[len(command):]))
                app.start()
                return
        sys.exit(f"configure_env.py does not know the step `python -m {' '.join(args)}`: "
                 f"run `{sys.executable} {script}` itself")

    spec = importlib.util.spec_from_file_location("setup_env", script)
    setup_env = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(setup_env)
    setup_env.run = run_here
    sys.argv = [script, *options]
    setup_env.main()


if __name__ == "__main__":
    main()
