"""03_conversion's visible checks (course_lib.checks.conversion), called directly: they pass
on what the solution produces, fail with a FAIL line that names the mistake on what a
wrong answer produces, and know no answer (no grader import, no solution line). The
strict twins (course_grader.conversion, ``*_exactly``) pass on the same values."""
import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course_grader import runtime
from course_lib import data, grading
from course_lib.checks import conversion as visible
from course_lib.grading import CheckFailed
from course_lib.quiet import import_tensorflow, quiet
from course_grader import references

ROOT = Path(__file__).resolve().parents[2]
SOURCE = Path(visible.__file__)


def fails(capsys, check, *args, **kwargs):
    """The FAIL line a check prints (it must also raise CheckFailed with the same text)."""
    capsys.readouterr()
    with pytest.raises(CheckFailed) as failure:
        check(*args, **kwargs)
    out = capsys.readouterr().out
    assert out.startswith("FAIL q") and str(failure.value) in out, out
    return out


def passes(capsys, check, *args, **kwargs):
    capsys.readouterr()
    check(*args, **kwargs)
    out = capsys.readouterr().out
    assert out.startswith("PASS q"), out
    return out


@pytest.fixture(scope="module")
def tflite():
    """A student's own conversions of the course's model: the same bytes as the provided
    models, without the metadata entry that marks those."""
    from course_grader import conversions

    with quiet():
        return {v: conversions.to_tflite(references.reference_model(), v)
                for v in ("float32", "dynamic_range", "float16")}


def test_a_provided_model_is_not_a_conversion_of_ones_own(capsys, tflite):
    """Handing in the float32 model the course provides fails q1/q2's checks, visible and
    hidden, with the reason; the student's own conversion is the same model and passes."""
    from course_lib import provided

    given = {"m": provided.tflite("float32")}
    for check in (grading.tflite_bytes, grading.tflite_float32, grading.tflite_float32_exactly):
        assert "the float32 model the course provides" in fails(capsys, check, "q1", given, "m")
    assert provided.provided_variant(tflite["float32"]) is None
    passes(capsys, grading.tflite_float32_exactly, "q1", {"m": tflite["float32"]}, "m")


@pytest.fixture(scope="module")
def val_probs(tflite):
    """What the solution's litert_predict returns: the float32 file on the first 100 val images."""
    with quiet():
        return runtime.run_tflite(tflite["float32"], data.load_splits().val.normalized()[:100])


def test_the_facade_exports_the_visible_checks_and_their_strict_twins():
    for name in visible.__all__:
        assert getattr(grading, name) is getattr(visible, name)
    for name in ("tflite_float32", "litert_predictions"):
        assert getattr(grading, f"{name}_exactly").__module__ == "course_grader.conversion"


def test_tflite_bytes(capsys, tflite):
    assert "is a TFLite model" in passes(capsys, grading.tflite_bytes, "q1", {"m": tflite["float32"]}, "m")
    assert "is a path" in fails(capsys, grading.tflite_bytes, "q1", {"m": "model.tflite"}, "m")
    assert "is not defined" in fails(capsys, grading.tflite_bytes, "q1", {}, "m")
    assert "is None" in fails(capsys, grading.tflite_bytes, "q1", {"m": None}, "m")
    tf = import_tensorflow()
    converter = tf.lite.TFLiteConverter.from_keras_model(references.probe_model())
    assert "call .convert()" in fails(capsys, grading.tflite_bytes, "q1", {"m": converter}, "m")
    assert "not a usable TFLite model" in fails(capsys, grading.tflite_bytes, "q1", {"m": b"\0" * 64}, "m")


def test_tflite_float32_compares_with_the_keras_model(capsys, tflite):
    ns = {"tflite_from_keras": tflite["float32"]}
    out = passes(capsys, grading.tflite_float32, "q1", ns, "tflite_from_keras")
    assert "same predictions as the Keras model" in out
    passes(capsys, grading.tflite_float32_exactly, "q1", ns, "tflite_from_keras")
    assert "do not set converter.optimizations" in fails(
        capsys, grading.tflite_float32, "q1", {"m": tflite["dynamic_range"]}, "m")
    assert "weights are stored as float16" in fails(
        capsys, grading.tflite_float32, "q2", {"m": tflite["float16"]}, "m")
    # A float32 model of another network, same shapes: only the predictions can tell.
    out = fails(capsys, grading.tflite_float32, "q1", {"m": references.probe_tflite()}, "m")
    assert "predictions differ from those of the Keras model you were given" in out
    assert "convert that model, unchanged" in out


def test_tflite_float32_ignores_a_changed_model_variable(capsys, tflite):
    """The target is the course's Keras model, not whatever `model` holds now."""
    ns = {"tflite_from_keras": tflite["float32"], "model": references.probe_model()}
    passes(capsys, grading.tflite_float32, "q1", ns, "tflite_from_keras")


def test_tflite_file(capsys, tflite, tmp_path):
    path = tmp_path / "animal_float32.tflite"
    path.write_bytes(tflite["float32"])
    ns = {"TFLITE_PATH": path, "tflite_from_keras": tflite["float32"]}
    assert "842,240-byte model" in passes(capsys, grading.tflite_file, "q3", ns)
    path.write_text(tflite["float32"].decode("latin-1")[:1000])
    assert "does not hold the bytes" in fails(capsys, grading.tflite_file, "q3", ns)
    missing = fails(capsys, grading.tflite_file, "q3", dict(ns, TFLITE_PATH=tmp_path / "missing.tflite"))
    assert "does not exist" in missing and "binary mode" in missing
    assert "write_bytes" not in missing  # a hint names the API's idea, not the answer's line
    old = tmp_path / "old.tflite"
    old.write_bytes(tflite["float32"])
    os.utime(old, (1_000_000_000, 1_000_000_000))
    assert "not written by this run" in fails(capsys, grading.tflite_file, "q3", dict(ns, TFLITE_PATH=old))


def test_litert_predictions_passes_on_the_models_probabilities(capsys, val_probs):
    out = passes(capsys, grading.litert_predictions, "q4", {"val_probs": val_probs})
    assert "100 rows of class probabilities" in out
    # float64 rows (np.array of float32 rows converted) and a list of rows are fine too.
    passes(capsys, grading.litert_predictions, "q4", {"val_probs": val_probs.astype(np.float64)})
    passes(capsys, grading.litert_predictions, "q4", {"val_probs": list(val_probs)})


def test_litert_predictions_accepts_any_conversion_of_the_model(capsys, tflite, tmp_path):
    """q4 is about running the file: a q1 that quantized the model must not cost q4 too."""
    images = data.load_splits().val.normalized()[:100]
    for variant in ("dynamic_range", "float16"):
        with quiet():
            probs = runtime.run_tflite(tflite[variant], images)
        passes(capsys, grading.litert_predictions, "q4", {"val_probs": probs})
        path = tmp_path / f"{variant}.tflite"
        path.write_bytes(tflite[variant])
        passes(capsys, grading.litert_predictions_exactly, "q4", {"val_probs": probs, "TFLITE_PATH": path})
    # The strict twin still wants the rows of the file at TFLITE_PATH itself.
    float32 = tmp_path / "float32.tflite"
    float32.write_bytes(tflite["float32"])
    assert "differs from the model's own output" in fails(
        capsys, grading.litert_predictions_exactly, "q4", {"val_probs": probs, "TFLITE_PATH": float32})


def test_litert_predictions_strict_twin_runs_the_students_file(capsys, tflite, val_probs, tmp_path):
    path = tmp_path / "animal_float32.tflite"
    path.write_bytes(tflite["float32"])
    ns = {"val_probs": val_probs, "TFLITE_PATH": path}
    passes(capsys, grading.litert_predictions_exactly, "q4", ns)
    assert "is missing" in fails(capsys, grading.litert_predictions_exactly, "q4",
                                 dict(ns, TFLITE_PATH=tmp_path / "missing.tflite"))


def test_litert_predictions_names_each_mistake(capsys, tflite, val_probs):
    check = grading.litert_predictions
    assert "is not defined" in fails(capsys, check, "q4", {})
    assert "take its row [0]" in fails(capsys, check, "q4", {"val_probs": val_probs[:, np.newaxis, :]})
    assert "expected (100, 10)" in fails(capsys, check, "q4", {"val_probs": val_probs[:10]})
    assert "not an array of numbers" in fails(capsys, check, "q4", {"val_probs": "probabilities"})
    assert "not in [0, 1]" in fails(capsys, check, "q4", {"val_probs": val_probs * 255})
    nan = val_probs.copy()
    nan[3, 3] = np.nan
    assert "not in [0, 1]" in fails(capsys, check, "q4", {"val_probs": nan})
    assert "sum to" in fails(capsys, check, "q4", {"val_probs": val_probs / 2})
    # Images fed unnormalized (0-255): real probabilities, but not the model's on its input.
    with quiet():
        raw = runtime.run_tflite(tflite["float32"], data.load_splits().val.images[:100].astype(np.float32))
    out = fails(capsys, check, "q4", {"val_probs": raw})
    assert "differs from the model's probabilities" in out and "in [0, 1]" in out
    # Rows in another order (images shuffled): same values, wrong rows.
    assert "differs from the model's probabilities" in fails(capsys, check, "q4",
                                                            {"val_probs": val_probs[::-1]})


def test_coreml_checks_say_what_to_pass(capsys, coreml_models):
    ns = dict(coreml_models)
    for check in (grading.coreml_mlprogram, grading.coreml_image_input, grading.coreml_labels):
        passes(capsys, check, "q5", ns, "good")
    assert 'pass convert_to="mlprogram"' in fails(capsys, grading.coreml_mlprogram, "q5", ns, "neuralnetwork")
    passes(capsys, grading.coreml_image_input, "q5", ns, "neuralnetwork")  # either format
    assert "ct.ImageType" in fails(capsys, grading.coreml_image_input, "q5", ns, "tensor")
    out = fails(capsys, grading.coreml_image_input, "q5", ns, "unscaled")
    assert "scaled by 1" in out and "a pixel of 255 becomes 1" in out
    assert "ct.ClassifierConfig" in fails(capsys, grading.coreml_labels, "q5", ns, "no_labels")
    assert "in the model's output order" in fails(capsys, grading.coreml_labels, "q5", ns, "reversed_labels")
    assert "keep the MLModel" in fails(capsys, grading.coreml_mlprogram, "q5", {"m": "animal.mlpackage"}, "m")


def test_coreml_saved(capsys, coreml_models, tmp_path):
    path = tmp_path / "animal.mlpackage"
    with quiet():
        coreml_models["good"].save(str(path))
    ns = {"MLPACKAGE_PATH": path, "mlmodel": coreml_models["good"]}
    assert "loads back as the same model" in passes(capsys, grading.coreml_saved, "q5", ns)
    missing = fails(capsys, grading.coreml_saved, "q5", dict(ns, MLPACKAGE_PATH=tmp_path / "none.mlpackage"))
    assert "does not exist" in missing and "MLModel" in missing and ".save(" not in missing
    assert "holds a different model" in fails(capsys, grading.coreml_saved, "q5",
                                              dict(ns, mlmodel=coreml_models["no_labels"]))


# --- the visible module knows no answer -------------------------------------------------

def _solution_lines(assignment):
    nb = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    lines = set()
    for cell in nb.cells:
        for block in re.findall(r"### BEGIN (?:SOLUTION|HIDDEN TESTS)\n(.*?)### END", cell.source, re.S):
            lines.update(line.strip() for line in block.splitlines() if len(line.strip()) >= 12
                         and not line.strip().startswith("#"))
    return lines


def test_visible_module_imports_nothing_of_the_grader():
    tree = ast.parse(SOURCE.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert not any(a.name.split(".")[0] == "course_grader" for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] != "course_grader"
        elif isinstance(node, ast.Call):  # no dynamic imports either
            assert ast.unparse(node.func) not in ("importlib.import_module", "__import__")
    for name, value in vars(visible).items():
        assert "course_grader" not in (getattr(value, "__module__", None) or ""), name


def test_visible_module_holds_no_solution_line_nor_reference():
    text = SOURCE.read_text()
    lines = _solution_lines("03_conversion")
    assert len(lines) > 10
    leaks = [line for line in lines if line in text]
    assert not leaks, leaks
    # The answer lines' essence, in any spelling: converters, the interpreter, the Core ML input.
    for key in ("TFLiteConverter.from_keras_model", "from_saved_model(", "Interpreter(",
                "allocate_tensors()", "scale=1 / 255", "scale=1/255,", "GRAYSCALE)]",
                "ClassifierConfig(CLASS_NAMES)", "reference_tflite", "probe_", "_run_tflite",
                "heldout", "convert.to_tflite", "to_coreml"):
        assert key not in text, key


def test_visible_checks_run_without_the_grader_package(tmp_path, tflite):
    """As in the student edition: course_grader cannot be imported, the checks still work."""
    path = tmp_path / "m.tflite"
    path.write_bytes(tflite["float32"])
    script = f"""
import sys
sys.modules["course_grader"] = None  # any import of it fails
from pathlib import Path
from course_lib.checks import conversion as c
blob = Path({str(path)!r}).read_bytes()
c.tflite_bytes("q1", {{"m": blob}}, "m")
c.tflite_float32("q1", {{"m": blob}}, "m")
assert not [m for m, v in sys.modules.items() if m.startswith("course_grader") and v is not None]
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert done.stdout.count("PASS q1") == 2, done.stdout
