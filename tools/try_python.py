"""Prove that the course's pins install and run on another Python: ``python tools/try_python.py
/path/to/python3.12 [...]``.

For each interpreter: a fresh virtual environment in a temporary folder, ``pip install -r
requirements.txt`` (from PyPI: this downloads about 3 GB), then a smoke run of the course's
stack in it (the reference model loads, converts to TFLite, runs in LiteRT and converts to
Core ML; nbgrader imports). Prints one line of figures per interpreter; exits 1 if any fails.
A maintainer's check before changing the supported versions, not part of ``make test``.
"""
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SMOKE = """
import os, sys, time
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
import numpy as np
import course_lib
from course_lib import data, model as model_lib
from course_lib.quiet import import_tensorflow, quiet
tf = import_tensorflow()
with quiet():
    import coremltools as ct
    import nbgrader
    from ai_edge_litert.interpreter import Interpreter
    model = model_lib.load_reference_model()
    blob = tf.lite.TFLiteConverter.from_keras_model(model).convert()
    interpreter = Interpreter(model_content=blob)
    interpreter.allocate_tensors()
    test = data.load_splits().test
    images, labels = test.normalized()[:500], test.labels[:500]
    inp, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    hits = 0
    for image, label in zip(images, labels):
        interpreter.set_tensor(inp["index"], image[np.newaxis])
        interpreter.invoke()
        hits += int(interpreter.get_tensor(out["index"]).argmax() == label)
    mlmodel = ct.convert(model, convert_to="mlprogram")
print(f"python {sys.version.split()[0]}: tensorflow {tf.__version__}, coremltools "
      f"{ct.__version__}, nbgrader {nbgrader.__version__}; float32 TFLite {len(blob):,} bytes, "
      f"LiteRT accuracy on 500 test images {hits / 500:.3f}; Core ML "
      f"{type(mlmodel).__name__} converted")
"""


def try_python(python):
    with tempfile.TemporaryDirectory(prefix="course-python-") as folder:
        venv = Path(folder) / "venv"
        start = time.perf_counter()
        subprocess.run([python, str(ROOT / "tools" / "check_python.py")], check=True)
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        subprocess.run([*pip, "-r", str(ROOT / "requirements.txt")], check=True)
        installed = time.perf_counter() - start
        done = subprocess.run([str(venv / "bin" / "python"), "-c", SMOKE], cwd=ROOT,
                              capture_output=True, text=True)
        if done.returncode:
            print(done.stdout + done.stderr[-3000:], file=sys.stderr)
            return False
        print(f"{done.stdout.strip()} (installed in {installed:.0f} s)")
        return True


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    results = [try_python(python) for python in sys.argv[1:]]
    sys.exit(0 if all(results) else 1)
