"""``make hub``: a trial class hub on this machine, run as root: ``python -m deploy.trial
[CLASS.json]`` (default ``deploy/trial_class.json``: where the class lives, its accounts and
the addresses). Accounts that do not exist yet are made with a random password, printed
once and kept in ``<root>/passwords.txt`` (root only). The hub runs in the foreground
until Ctrl-C; the accounts and the instructor's course folder stay for the next start.
"""
import json
import os
import secrets
import stat
import sys
from pathlib import Path

from deploy import accounts, classroom as classroom_lib

HERE = Path(__file__).resolve().parent


def readable_by_everyone(path):
    return all(p.stat().st_mode & stat.S_IROTH for p in [path, *path.parents] if p != Path("/"))


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    class_file = Path(argv[0]) if argv else HERE / "trial_class.json"
    room = classroom_lib.Classroom(**json.loads(class_file.read_text()))
    names = [room.instructor, *room.students]
    room.passwords = {name: secrets.token_urlsafe(9) for name in names if not accounts.exists(name)}
    try:
        settings = classroom_lib.prepare(room)
    except RuntimeError as error:
        sys.exit(f"error: {error}")
    passwords = room.root / "passwords.txt"
    with open(os.open(passwords, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "a") as handle:
        handle.writelines(f"{name} {password}\n" for name, password in room.passwords.items())

    print(f"\nThe class hub: {room.url}  (log in with the account's Unix password)")
    for name in names:
        role = "instructor" if name == room.instructor else "student"
        password = room.passwords.get(name, f"unchanged (see {passwords})")
        print(f"  {role:10} {name:12} password: {password}")
    print(f"The instructor's course folder: {room.course()} (nbgrader commands run there).")
    if readable_by_everyone(classroom_lib.ROOT):
        print(f"NOTE: every account can read this checkout ({classroom_lib.ROOT}), solutions included: "
              "fine for a trial; on a class server keep the instructor's checkout private.")
    print("Stop with Ctrl-C.\n", flush=True)
    jupyterhub = str(Path(sys.executable).with_name("jupyterhub"))
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": os.environ.get("LANG", "C.UTF-8"),
           "COURSE_HUB_SETTINGS": str(settings)}
    os.chdir(room.state)
    os.execve(jupyterhub, [jupyterhub, "-f", str(HERE / "jupyterhub_config.py")], env)


if __name__ == "__main__":
    main()
