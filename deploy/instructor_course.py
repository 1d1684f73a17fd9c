"""The instructor's course folder on a class hub: ``~/mobile-course``, private (mode 700).

It is made from the repository as the tests make a course (tests/grading/course.py): the
course's ``nbgrader_config.py``, here with the class's shared exchange, and the
assignments' sources (``solutions/``, nbgrader's source folder). The instructor generates
and releases from it; nbgrader keeps the gradebook, submissions and feedback in it. The
formgrader, which reads only the server's own configuration, finds it through
``~/.jupyter/nbgrader_config.py``. The grader's cache of reference models starts as a copy
of this machine's (``python -m course_grader.references`` made it): each account has its
own, and making it again takes minutes.
"""
import shutil
import subprocess
from pathlib import Path

from deploy import accounts

ROOT = Path(__file__).resolve().parent.parent
FOLDER = "mobile-course"
# What running a solution writes next to it (.gitignore): not part of the sources.
NOT_SOURCES = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.tflite", "*.mlpackage")


def assignments():
    return sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())


def make(instructor, exchange, names=None):
    """The course folder in ``instructor``'s home, with the assignments ``names`` (default:
    all). An existing folder is kept as it is: it holds the class's gradebook."""
    home = accounts.home(instructor)
    course = home / FOLDER
    if course.exists():
        return course
    course.mkdir(mode=0o700)
    config = course / "nbgrader_config.py"
    shutil.copy(ROOT / "nbgrader_config.py", config)
    with open(config, "a") as handle:
        handle.write("\n# The class hub's exchange, shared with the students (deploy/instructor_course.py).\n"
                     f"c.Exchange.root = {str(exchange)!r}\n")
    for name in names or assignments():
        shutil.copytree(ROOT / "solutions" / name, course / "solutions" / name, ignore=NOT_SOURCES)
    jupyter = home / ".jupyter"
    jupyter.mkdir(exist_ok=True)
    (jupyter / "nbgrader_config.py").write_text(
        "# The course this account teaches: the formgrader reads it from here.\n"
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(config)!r})  # noqa: F821\n")
    cache = _copy_grader_cache(home)
    subprocess.run(["chown", "-R", f"{instructor}:", str(course), str(jupyter), str(cache)], check=True)
    course.chmod(0o700)
    return course


def _copy_grader_cache(home):
    """``home``'s grader cache (``~/.cache/mobile-course``) with this account's entries."""
    from course_lib import provided

    mine = provided.cache_root()  # ~/.cache/mobile-course/<weights and versions>
    theirs = home / ".cache" / "mobile-course"
    shutil.copytree(mine, theirs / mine.name, dirs_exist_ok=True)
    return home / ".cache"
