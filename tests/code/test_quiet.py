import os
import subprocess
import sys
import textwrap


def run_python(code):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=120)


def test_quiet_silences_c_level_and_python_stderr():
    result = run_python("""
        import os, sys, warnings
        from course_lib.quiet import quiet
        with quiet():
            os.write(2, b"from C\\n")
            print("from python", file=sys.stderr)
            warnings.warn("a warning")
        print("stdout still works")
    """)
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout.strip() == "stdout still works"


def test_quiet_replays_what_was_hidden_when_the_block_fails():
    result = run_python("""
        import os
        from course_lib.quiet import quiet
        with quiet():
            os.write(2, b"the real cause\\n")
            raise RuntimeError("boom")
    """)
    assert result.returncode != 0
    assert "the real cause" in result.stderr and "boom" in result.stderr


def test_litert_inference_is_silent_on_stderr():
    """The XNNPACK delegate message would zero an nbgrader test cell."""
    result = run_python("""
        from course_lib import provided, runtime
        import numpy as np
        tfl = provided.tflite("float32")
        print(runtime.predicted_classes(tfl, np.zeros((2, 28, 28, 1), np.float32)).shape)
    """)
    assert result.returncode == 0, result.stderr
    assert "(2,)" in result.stdout
    assert result.stderr == ""


def test_importing_tensorflow_first_without_legacy_keras_is_explained():
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    result = subprocess.run([sys.executable, "-c", "import tensorflow, course_lib"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode != 0
    assert "TF_USE_LEGACY_KERAS" in result.stderr and "Restart the kernel" in result.stderr
