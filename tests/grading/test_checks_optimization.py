"""04_optimization's visible checks (course_lib.checks.optimization), called directly: they
pass on what the solution produces, fail with a FAIL line that names the mistake on what a
wrong answer produces, and know no answer (no grader import, no solution line, only the
two published size baselines, kept equal here to the grader's own conversions). The
strict twins (course_grader.optimization, ``*_exactly``) pass on the same values."""
import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course_grader import conversions
from course_lib import convert, data, grading, provided
from course_lib.checks import optimization as visible
from course_lib.grading import CheckFailed
from course_lib.quiet import import_tensorflow, quiet
from course_grader import optimization as strict
from course_grader import references

ROOT = Path(__file__).resolve().parents[2]
SOURCE = Path(visible.__file__)
VARIANTS = ("float32", "float16", "dynamic_range", "int8")


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
    return {v: references.reference_tflite(v) for v in VARIANTS}


@pytest.fixture(scope="module")
def own_int8():
    """The solution's full-integer conversion, made here as a student's notebook makes it
    (not the int8 model the course provides, which the checks refuse)."""
    tf = import_tensorflow()
    x_train = data.load_splits().train.normalized()

    def representative_dataset():
        for image in x_train[:200]:
            yield [image[np.newaxis]]

    converter = tf.lite.TFLiteConverter.from_keras_model(references.reference_model())
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative_dataset
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    with quiet():
        blob = converter.convert()
    assert blob != provided.tflite("int8")
    return blob


@pytest.fixture(scope="module")
def float_input_int8():
    """A full-integer model whose input was left float32 (only the output set to int8)."""
    tf = import_tensorflow()
    images = data.load_splits().train.normalized()[:20]
    converter = tf.lite.TFLiteConverter.from_keras_model(references.probe_model())
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = conversions.representative_dataset(images)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_output_type = tf.int8
    with quiet():
        return converter.convert()


def test_the_facade_exports_the_visible_checks_and_their_strict_twins():
    for name in visible.__all__:
        assert getattr(grading, name) is getattr(visible, name)
    for name in ("int8_size", "coreml_compressed_size", "variant_choice"):
        assert getattr(grading, f"{name}_exactly") is getattr(strict, f"{name}_exactly")
    # One copy of each limit: the grader's twins call the visible checks, with the
    # grader's own reference sizes, instead of keeping limits of their own.
    for limit in ("INT8_SIZE_LIMIT", "COREML_SIZE_LIMIT"):
        assert hasattr(visible, limit) and not hasattr(strict, limit)


def test_latency_is_graded_only_for_a_full_integer_model(capsys, tflite):
    """A dynamic-range model is not timed: how it compares with a full-integer one depends
    on the CPU, so its latency grade would depend on the grading machine."""
    out = fails(capsys, grading.int8_latency, "q1", {"int8_tflite": tflite["dynamic_range"]})
    assert "latency target is for the full-integer model" in out
    assert "dynamic-range model" in out and "median latency" not in out


def test_size_baselines_are_the_graders_own_conversions(tflite):
    """The two constants of the visible module are what the grader converts, with the
    pinned tensorflow and coremltools (a version bump that changes them fails here)."""
    assert visible.FLOAT32_TFLITE_BYTES == references.reference_tflite_size("float32")
    assert len(tflite["float32"]) - visible.FLOAT32_TFLITE_BYTES < 200  # the provided file: + its mark
    assert visible.FLOAT16_MLPACKAGE_BYTES == references.reference_coreml_size()


def test_int8_io(capsys, tflite, own_int8, float_input_int8):
    out = passes(capsys, grading.int8_io, "q1", {"int8_tflite": own_int8})
    assert "int8 input (scale" in out and "int8 output" in out
    out = fails(capsys, grading.int8_io, "q1", {"int8_tflite": tflite["dynamic_range"]})
    assert out.startswith("FAIL q1: input is still float32: the converter's inference_input_type")
    assert "output is still float32: the converter's inference_output_type" in out
    out = fails(capsys, grading.int8_io, "q1", {"int8_tflite": float_input_int8})
    assert "input is still float32" in out and "output" not in out
    assert "is not defined" in fails(capsys, grading.int8_io, "q1", {})
    assert "is a path" in fails(capsys, grading.int8_io, "q1", {"int8_tflite": "animal_int8.tflite"})


def test_int8_integer_ops(capsys, tflite, own_int8):
    passes(capsys, grading.int8_integer_ops, "q1", {"int8_tflite": own_int8})
    out = fails(capsys, grading.int8_integer_ops, "q1", {"int8_tflite": tflite["dynamic_range"]})
    assert "dynamic-range model" in out and "representative_dataset" in out
    assert "float16 variant" in fails(capsys, grading.int8_integer_ops, "q1", {"int8_tflite": tflite["float16"]})
    assert "nothing was quantized" in fails(capsys, grading.int8_integer_ops, "q1",
                                            {"int8_tflite": tflite["float32"]})


def test_int8_size_and_its_strict_twin(capsys, tflite, own_int8):
    good = {"int8_tflite": own_int8}
    out = passes(capsys, grading.int8_size, "q1", good)
    assert f"of the float32 model ({visible.FLOAT32_TFLITE_BYTES:,} bytes); target <= 35%" in out
    assert out == passes(capsys, grading.int8_size_exactly, "q1", good)  # same numbers, same line
    for variant in ("float32", "float16"):
        ns = {"int8_tflite": tflite[variant]}
        assert "target <= 35%: store the weights as int8" in fails(capsys, grading.int8_size, "q1", ns)
        fails(capsys, grading.int8_size_exactly, "q1", ns)
    passes(capsys, grading.int8_size, "q1", {"int8_tflite": tflite["dynamic_range"]})  # small, wrong elsewhere


def test_the_provided_int8_model_is_not_an_answer(capsys, tflite):
    """The course hands out its own int8 conversion (its file ships with the course): assigning
    it to `int8_tflite` earns nothing, in the visible checks and their strict twins."""
    ns = {"int8_tflite": tflite["int8"]}
    for check in (grading.int8_io, grading.int8_integer_ops, grading.int8_size, grading.int8_size_exactly):
        assert "is the int8 model the course provides" in fails(capsys, check, "q1", ns)


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    """Saved .mlpackage folders: the course's model compressed (the solution) and not, and
    small models that break the app's contract."""
    folder = tmp_path_factory.mktemp("packages")
    model = references.reference_model()
    probe = references.probe_model()
    with quiet():
        import coremltools as ct
        import coremltools.optimize.coreml as cto

        linear8 = cto.OptimizationConfig(cto.OpLinearQuantizerConfig(mode="linear_symmetric"))
        image = ct.ImageType(shape=(1, 28, 28, 1), scale=1 / 255, color_layout=ct.colorlayout.GRAYSCALE)
        labels = ct.ClassifierConfig(list(data.CLASS_NAMES))
        made = {
            "linear8": conversions.to_coreml(model, "linear8"),
            "palette4": conversions.to_coreml(model, "palette4"),
            "float16": conversions.to_coreml(model, "float16"),
            "tensor_input": cto.linear_quantize_weights(
                ct.convert(probe, convert_to="mlprogram", classifier_config=labels), linear8),
            "no_labels": cto.linear_quantize_weights(
                ct.convert(probe, convert_to="mlprogram", inputs=[image]), linear8),
        }
    return {name: convert.save_coreml(m, folder / f"{name}.mlpackage") for name, m in made.items()}


def test_coreml_compressed(capsys, packages):
    assert "linear_quantized" in passes(capsys, grading.coreml_compressed, "q2",
                                        {"COMPRESSED_PATH": packages["linear8"]})
    assert "palettized" in passes(capsys, grading.coreml_compressed, "q2",
                                  {"COMPRESSED_PATH": packages["palette4"]})
    out = fails(capsys, grading.coreml_compressed, "q2", {"COMPRESSED_PATH": packages["float16"]})
    assert "no quantized or palettized weights" in out and "linear_quantize_weights" in out
    assert "does not exist" in fails(capsys, grading.coreml_compressed, "q2",
                                     {"COMPRESSED_PATH": packages["float16"].parent / "none.mlpackage"})
    assert "is not defined" in fails(capsys, grading.coreml_compressed, "q2", {})


def test_coreml_compressed_size_and_its_strict_twin(capsys, packages):
    good = {"COMPRESSED_PATH": packages["linear8"]}
    out = passes(capsys, grading.coreml_compressed_size, "q2", good)
    assert f"of the float16 ML program ({references.reference_coreml_size():,} bytes); target <= 60%" in out
    assert out == passes(capsys, grading.coreml_compressed_size_exactly, "q2", good)
    uncompressed = {"COMPRESSED_PATH": packages["float16"]}
    assert "target <= 60%: quantize the weights" in fails(capsys, grading.coreml_compressed_size,
                                                          "q2", uncompressed)
    fails(capsys, grading.coreml_compressed_size_exactly, "q2", uncompressed)


def test_coreml_compressed_contract(capsys, packages):
    passes(capsys, grading.coreml_compressed_contract, "q2", {"COMPRESSED_PATH": packages["linear8"]})
    out = fails(capsys, grading.coreml_compressed_contract, "q2", {"COMPRESSED_PATH": packages["tensor_input"]})
    assert "not an image" in out and "ct.ImageType" in out
    out = fails(capsys, grading.coreml_compressed_contract, "q2", {"COMPRESSED_PATH": packages["no_labels"]})
    assert "expected the 10 class names in order" in out and "ct.ClassifierConfig" in out


def test_an_old_package_is_not_accepted(capsys, packages, tmp_path):
    path = shutil.copytree(packages["linear8"], tmp_path / "old.mlpackage")
    for f in [path, *path.rglob("*")]:
        os.utime(f, (1_000_000_000, 1_000_000_000))
    out = fails(capsys, grading.coreml_compressed, "q2", {"COMPRESSED_PATH": path})
    assert "not written by this run" in out and "MLModel" in out
    assert ".save(" not in out  # a hint names the API, not the answer's line


def _table(own_int8, latency=None):
    """The q3 table as the locked cell makes it: the provided variants and the student's int8."""
    facts = dict(strict.variant_facts(), int8=strict._facts(own_int8))
    latency = latency or {"float32": 1.0, "float16": 1.0, "dynamic_range": 1.4, "int8": 0.5}
    return [{"name": n, "size_bytes": facts[n][0], "accuracy": facts[n][1], "latency_ratio": latency[n]}
            for n in facts]


def test_variant_choice_checks_the_form_only(capsys, own_int8):
    table = _table(own_int8)
    for choice in ("int8", "float32", None):  # the visible test cannot tell the right one
        passes(capsys, grading.variant_choice, "q3", {"variants": table, "choice": choice})
    assert "not the name of a variant" in fails(capsys, grading.variant_choice, "q3",
                                                {"variants": table, "choice": "int4"})
    assert "returns the `name` of a variant" in fails(capsys, grading.variant_choice, "q3",
                                                      {"variants": table, "choice": table[3]})
    assert "not the table of measured variants" in fails(capsys, grading.variant_choice, "q3",
                                                         {"variants": [1, 2], "choice": None})
    assert "not the table of measured variants" in fails(capsys, grading.variant_choice, "q3",
                                                         {"variants": None, "choice": None})
    assert "is not defined" in fails(capsys, grading.variant_choice, "q3", {"variants": table})


def test_variant_choice_strict_twin_knows_the_answer(capsys, own_int8):
    table = _table(own_int8)
    ns = {"variants": table, "int8_tflite": own_int8}
    passes(capsys, grading.variant_choice_exactly, "q3", dict(ns, choice="int8"))
    assert "is 'int8'" in fails(capsys, grading.variant_choice_exactly, "q3", dict(ns, choice=None))
    assert "does not hold the measured variants" in fails(
        capsys, grading.variant_choice_exactly, "q3", {"variants": [], "choice": None})
    slow = _table(own_int8, {n: 1.3 for n in ("float32", "float16", "dynamic_range", "int8")})
    passes(capsys, grading.variant_choice_exactly, "q3", dict(ns, variants=slow, choice=None))


def test_the_q3_table_holds_the_students_int8_not_the_provided_one(capsys, own_int8, tflite):
    """Without q1 done, the table has three rows and no int8 to pick; a table whose int8 row
    is the provided model (or anything but the student's own) is not the measured table."""
    three = _table(own_int8)[:3]
    passes(capsys, grading.variant_choice_exactly, "q3", {"variants": three, "choice": None})
    provided_row = dict(_table(own_int8)[3], size_bytes=len(tflite["int8"]),
                        accuracy=strict._facts(tflite["int8"])[1])
    assert "does not hold the measured variants" in fails(
        capsys, grading.variant_choice_exactly, "q3",
        {"variants": three + [provided_row], "int8_tflite": own_int8, "choice": "int8"})
    assert "does not hold the measured variants" in fails(
        capsys, grading.variant_choice_exactly, "q3", {"variants": three + [provided_row], "choice": "int8"})


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
    lines = _solution_lines("04_optimization")
    assert len(lines) > 10
    leaks = [line for line in lines if line in text]
    assert not leaks, leaks
    # The answers' essence in any spelling: converter settings, the compression call, the
    # budget rule and its key, the grader's references and data.
    for key in ("tf.int8", "Optimize.DEFAULT", "TFLITE_BUILTINS_INT8", "def representative_dataset",
                "yield [", "OpLinearQuantizerConfig", "linear_quantize_weights(", "palettize_weights(",
                "300_000", "min_accuracy", "max_latency_ratio", "max(", "_pick_reference",
                "reference_tflite", "reference_coreml_size", "variant_facts", "heldout", "run_tflite",
                "load_splits", "20260417"):
        assert key not in text, key


def test_visible_checks_run_without_the_grader_package(tmp_path, own_int8):
    """As in the student edition: course_grader cannot be imported, the checks still work."""
    path = tmp_path / "m.tflite"
    path.write_bytes(own_int8)
    script = f"""
import sys
sys.modules["course_grader"] = None  # any import of it fails
from pathlib import Path
from course_lib.checks import optimization as o
ns = {{"int8_tflite": Path({str(path)!r}).read_bytes(),
      "variants": [{{"name": "float32"}}, {{"name": "int8"}}], "choice": "int8"}}
for check in (o.int8_io, o.int8_integer_ops, o.int8_size):
    check("q1", ns)
o.variant_choice("q3", ns)
assert not [m for m, v in sys.modules.items() if m.startswith("course_grader") and v is not None]
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert done.stdout.count("PASS q") == 4, done.stdout


def test_a_model_from_the_litert_quantizer_earns_every_q1_point(capsys):
    """Exercise 4 accepts either route of lesson 4: the float32 file quantized by the LiteRT
    Quantizer's full-integer recipe passes every q1 check, visible and hidden."""
    x_train = data.load_splits().train.normalized()
    blob = conversions.int8_with_quantizer(provided.tflite("float32"), x_train)
    answer = {"int8_tflite": blob}
    for check in (grading.int8_io, grading.int8_integer_ops, grading.int8_size,
                  grading.int8_size_exactly, grading.int8_latency):
        passes(capsys, check, "q1", answer)
    passes(capsys, grading.int8_heldout_accuracy, "q1", answer, seed=20260417)
