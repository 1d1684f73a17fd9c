"""Finish the course environment after `pip install -r requirements.txt`.

- makes ``course_lib`` importable from anywhere in the venv (a .pth file naming
  the course folder), so notebooks in any subfolder can import it;
- registers the course's Jupyter kernel, whose environment selects Keras 2 and
  quiets TensorFlow's C++ logs before anything imports TensorFlow;
- enables the nbgrader and widget extensions in this environment (with ``--student``,
  only those students use: Validate and the Assignment List), and the course's save hook
  for widget outputs (``course_lib.widgets``, both editions).
"""
import argparse
import json
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STUDENT_EXTENSIONS = ("validate_assignment", "assignment_list")
INSTRUCTOR_EXTENSIONS = ("formgrader", "course_list")
INSTRUCTOR_LAB_PLUGINS = ("formgrader", "create-assignment", "course-list")


def run(*args):
    subprocess.run([sys.executable, "-m", *args], check=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernel", default="mobile-course")
    parser.add_argument("--student", action="store_true",
                        help="the student edition: only the nbgrader tools students use")
    args = parser.parse_args()

    site_packages = Path(sysconfig.get_paths()["purelib"])
    (site_packages / "mobile_course.pth").write_text(f"{ROOT}\n")

    run("ipykernel", "install", "--sys-prefix", "--name", args.kernel,
        "--display-name", "Mobile deployment course (Python 3)",
        "--env", "TF_USE_LEGACY_KERAS", "1", "--env", "TF_CPP_MIN_LOG_LEVEL", "3")
    # nbgrader's server and lab extensions, and the widget manager, for this venv only.
    # Students get Validate and the Assignment List, not the instructor's tools.
    extensions = STUDENT_EXTENSIONS if args.student else STUDENT_EXTENSIONS + INSTRUCTOR_EXTENSIONS
    for extension in STUDENT_EXTENSIONS + INSTRUCTOR_EXTENSIONS:
        state = "enable" if extension in extensions else "disable"
        run("jupyter", "server", "extension", state, "--sys-prefix",
            f"nbgrader.server_extensions.{extension}")
    run("jupyter", "labextension", "enable", "--level=sys_prefix", "@jupyter/nbgrader")
    for plugin in INSTRUCTOR_LAB_PLUGINS:
        state = "disable" if args.student else "enable"
        run("jupyter", "labextension", state, "--level=sys_prefix", f"@jupyter/nbgrader:{plugin}")
    run("jupyter", "labextension", "enable", "--level=sys_prefix", "@jupyter-widgets/jupyterlab-manager")
    enable_widget_save_hook()


def enable_widget_save_hook():
    """Both editions: saving a notebook turns each widget view no new kernel can bring back
    into a line of text, instead of "Error displaying widget: model not found" when the
    notebook is reopened (``course_lib.widgets.drop_dead_widget_views``). `jupyter server
    extension enable` only switches on extensions whose package ships this file, and
    course_lib is no installed package, so the file is written here."""
    folder = Path(sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.d"
    folder.mkdir(parents=True, exist_ok=True)
    config = {"ServerApp": {"jpserver_extensions": {"course_lib.widgets": True}}}
    (folder / "course_lib.widgets.json").write_text(json.dumps(config, indent=2) + "\n")


if __name__ == "__main__":
    main()
