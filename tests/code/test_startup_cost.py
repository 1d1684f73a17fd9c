"""Every nbgrader command, grading runner and Jupyter server imports jsonschema (through
nbformat and jupyter-events). From 4.24 on, jsonschema imports rfc3987-syntax when it is
installed, and that compiles a Lark grammar: 2.6 s of CPU per process. requirements.txt
pins jsonschema below it; this keeps an upgrade from bringing the cost back unnoticed."""
import subprocess
import sys

PROBE = ("import sys, course_lib.grade.runner, nbgrader.apps, jupyter_events; "
         "print(sorted(m for m in ('rfc3987_syntax', 'lark') if m in sys.modules))")


def test_grading_processes_do_not_compile_a_grammar_on_import():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]", ("imported at start-up by every grading process: "
                                        + done.stdout)
