"""The checks of 06_shipping, called directly: the visible ones (course_lib.checks.shipping)
pass on the solution, FAIL with a line that names the problem, and know no answer; the
hidden ones (course_grader.shipping) catch what the visible ones cannot see: a squashed
frame, numbers taken from the course's model instead of the contract, a resize other than
bilinear."""
import ast
import dataclasses
import inspect
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from PIL import Image

from course import ROOT, grader_imports, solution_answers
from course_lib import model as model_lib
from course_lib.checks import shipping as visible
from course_lib.checks.report import CheckFailed
from course_lib.quiet import import_tensorflow, quiet

ASSIGNMENT = "06_shipping"
CHECKS = ("app_input_form", "app_input_values", "app_model_signature", "app_model_builtins",
          "app_model_agrees")
HIDDEN = ("app_input_values_exactly", "app_input_crops", "app_input_contracts", "app_model_crops")
tf = import_tensorflow()
# course_lib.grading and course_grader are imported inside the tests that use them:
# test_visible_checks_run_without_the_grader imports this module with the grader blocked.


def solution_app_input(crop=True):
    """The solution's app_input, from the solution notebook's answer cell (without its
    centre crop: the whole frame squashed by the resize, unless ``crop``)."""
    ns = {"np": np, "Image": Image, "tf": tf}
    source = solution_answers(ASSIGNMENT)["q1_answer"]
    if not crop:
        cropped = "square = frame[top:top + side, left:left + side]"
        assert cropped in source
        source = source.replace(cropped, "square = frame")
    tree = ast.parse(source)
    tree.body = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    exec(compile(tree, "<q1_answer>", "exec"), ns)
    return ns["app_input"]


def _app_input(crop=True, normalize=True, size=None, batch=True, dtype=None):
    """The solution's app_input, or it with one of the usual mistakes."""
    right = solution_app_input(crop)

    def app_input(frame, contract):
        if not normalize:  # the course model's numbers, whatever the contract says
            contract = dataclasses.replace(contract, mean=0.0, std=255.0)
        if size:
            contract = dataclasses.replace(contract, input=dataclasses.replace(
                contract.input, shape=(1, size, size, 1)))
        out = right(frame, contract)
        out = out if batch else out[0]
        return out.astype(dtype) if dtype else out
    return app_input


def _convert(folder, method="bilinear", flex=False, named=True, optimize=False):
    """The course's model behind a 56x56 crop signature, converted as asked."""
    class AppModel(tf.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        @tf.function(input_signature=[tf.TensorSpec([1, 56, 56, 1], tf.float32, name="crop")])
        def classify(self, crop):
            return {"probabilities": self.model(tf.image.resize(crop, (28, 28), method=method))}

    module = AppModel(model_lib.load_reference_model())
    with quiet():
        if named:
            saved = folder / f"saved_{method}_{flex}_{optimize}"
            tf.saved_model.save(module, str(saved), signatures={"classify": module.classify})
            converter = tf.lite.TFLiteConverter.from_saved_model(str(saved))
        else:
            converter = tf.lite.TFLiteConverter.from_concrete_functions(
                [module.classify.get_concrete_function()], module)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS] + (
            [tf.lite.OpsSet.SELECT_TF_OPS] if flex else [])
        if optimize:
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
        return converter.convert()


@pytest.fixture(scope="module")
def app_models(tmp_path_factory):
    """{name: path of a .tflite written now}: the solution's and four mistakes."""
    folder = tmp_path_factory.mktemp("app_models")
    made = {"solution": _convert(folder), "serving_default_nearest": _convert(folder, "nearest", named=False),
            "flex_bicubic": _convert(folder, "bicubic", flex=True), "dynamic_range": _convert(folder, named=False, optimize=True)}
    paths = {}
    for name, blob in made.items():
        paths[name] = folder / f"{name}.tflite"
        paths[name].write_bytes(blob)
    return paths


def fails(check, label, ns):
    with pytest.raises(CheckFailed) as failure:
        check(label, ns)
    return str(failure.value)


def test_visible_checks_pass_on_the_solution(app_models, capsys):
    ns = {"app_input": solution_app_input(), "APP_MODEL_PATH": app_models["solution"]}
    for name in CHECKS:
        assert getattr(visible, name)("q1" if name.startswith("app_input") else "q2", ns) is None
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out] == ["PASS q1"] * 2 + ["PASS q2"] * 3, out
    assert "recognizes in 31 of 32 frames" in out[1]


def test_hidden_checks_pass_on_the_solution(app_models, capsys):
    from course_lib import grading

    if not grading.GRADER_AVAILABLE:
        pytest.skip("the instructor's course only")
    ns = {"app_input": solution_app_input(), "APP_MODEL_PATH": app_models["solution"]}
    for name in HIDDEN:
        getattr(grading, name)("q1", ns)
    assert capsys.readouterr().out.count("PASS q1") == len(HIDDEN)


def test_grading_exports_the_checks():
    from course_lib import grading

    assert visible.__all__ == list(CHECKS)
    for name in CHECKS:
        assert getattr(grading, name) is getattr(visible, name)
    for name in HIDDEN:
        assert getattr(grading, name).__module__ == "course_grader.shipping"


# ---------------------------------------------------------------- q1: app_input

@pytest.mark.parametrize("check,wrong,words", [
    ("app_input_form", dict(batch=False), "shape (28, 28, 1), expected (1, 28, 28, 1)"),
    ("app_input_form", dict(dtype=np.float32), "dtype float32, expected int8"),
    ("app_input_form", dict(size=32), "shape (1, 32, 32, 1), expected (1, 28, 28, 1)"),
])
def test_app_input_mistakes_fail_visibly(check, wrong, words, capsys):
    message = fails(getattr(visible, check), "q1", {"app_input": _app_input(**wrong)})
    assert words in message, message
    assert capsys.readouterr().out.startswith("FAIL q1: ")


def test_an_unstretched_input_fails_visibly():
    def unstretched(frame, contract):
        gray = np.asarray(Image.fromarray(frame).convert("L"), dtype=np.float32)
        small = tf.image.resize(gray[..., None], (contract.height, contract.width), method="bilinear").numpy()
        q = np.round(small / contract.std / contract.input.scale) + contract.input.zero_point
        return np.clip(q, -128, 127).astype(np.int8).reshape(contract.input.shape)

    message = fails(visible.app_input_values, "q1", {"app_input": unstretched})
    assert "not 0..255" in message and "contract.input.zero_point" in message, message


def test_an_unanswered_function_is_reported(capsys):
    def app_input(frame, contract):
        raise NotImplementedError()

    message = fails(visible.app_input_form, "q1", {"app_input": app_input})
    assert "not answered yet" in message, message
    assert "app_input` is not defined" in fails(visible.app_input_form, "q1", {})


@pytest.mark.parametrize("check,wrong,words", [
    ("app_input_values_exactly", dict(crop=False), "squashed to a square instead of cropped"),
    ("app_input_crops", dict(crop=False), "squashed to a square instead of cropped"),
    ("app_input_contracts", dict(normalize=False), "normalize with the contract's mean and std"),
    ("app_input_contracts", dict(size=28), "shape (1, 28, 28, 1), expected (1, 32, 32, 1)"),
])
def test_hidden_checks_catch_what_the_visible_ones_cannot(check, wrong, words, capsys):
    from course_lib import grading

    for name in CHECKS[:2]:  # the visible q1 checks pass these mistakes
        getattr(visible, name)("q1", {"app_input": _app_input(**wrong)})
    message = fails(getattr(grading, check), "q1", {"app_input": _app_input(**wrong)})
    assert words in message, message


def test_other_contracts_really_differ():
    """The hidden contracts change what a right app_input returns: dtype, size, numbers."""
    from course_grader.shipping import other_contracts

    inputs = [(c.input.dtype, c.input.shape, c.input.scale, c.mean, c.std) for c in other_contracts().values()]
    course = visible.course_contract().input
    assert ("float32", (1, 28, 28, 1), 0.0, 127.5, 127.5) in inputs
    assert ("int8", (1, 32, 32, 1), 2 / 255, 0.0, 255.0) in inputs
    assert (course.dtype, course.shape, course.zero_point) == ("int8", (1, 28, 28, 1), -128)


# ---------------------------------------------------------------- q2: the .tflite

def test_an_unnamed_signature_fails_only_the_signature_check(app_models, capsys):
    ns = {"APP_MODEL_PATH": app_models["serving_default_nearest"]}
    message = fails(visible.app_model_signature, "q2", ns)
    assert "'serving_default'" in message and "name the signature" in message, message
    visible.app_model_builtins("q2", ns)
    visible.app_model_agrees("q2", ns)  # nearest halves a pixel-doubled crop exactly


def test_a_nearest_resize_fails_the_hidden_crops(app_models):
    from course_lib import grading

    message = fails(grading.app_model_crops, "q2", {"APP_MODEL_PATH": app_models["serving_default_nearest"]})
    assert "bilinear resize" in message, message


def test_a_flex_op_is_named_and_the_file_cannot_run(app_models):
    ns = {"APP_MODEL_PATH": app_models["flex_bicubic"]}
    visible.app_model_signature("q2", ns)  # LiteRT reads its signatures
    assert "FlexResizeBicubic" in fails(visible.app_model_builtins, "q2", ns)
    assert "LiteRT cannot run" in fails(visible.app_model_agrees, "q2", ns)


def test_quantized_weights_do_not_agree(app_models):
    message = fails(visible.app_model_agrees, "q2", {"APP_MODEL_PATH": app_models["dynamic_range"]})
    assert "differ from the course's Keras model" in message, message


def test_a_file_from_an_earlier_run_is_refused(app_models, tmp_path):
    import os

    old = tmp_path / "old.tflite"
    old.write_bytes(app_models["solution"].read_bytes())
    os.utime(old, (1, 1))
    assert "not written by this run" in fails(visible.app_model_signature, "q2", {"APP_MODEL_PATH": old})


def test_the_provided_model_earns_no_q2_point(tmp_path):
    """The course's own float32 file, written as the answer: wrong signature and input."""
    from course_lib import provided

    path = tmp_path / "provided.tflite"
    path.write_bytes(provided.tflite("float32"))
    ns = {"APP_MODEL_PATH": path}
    assert "expected {'classify'" in fails(visible.app_model_signature, "q2", ns)
    assert "differ from the course's Keras model" in fails(visible.app_model_agrees, "q2", ns)


# ---------------------------------------------------------------- no answers inside

def test_visible_module_imports_nothing_from_the_grader_and_holds_no_answer():
    source = inspect.getsource(visible)
    assert not grader_imports(source)
    answer_lines = {line.strip() for text in solution_answers(ASSIGNMENT).values()
                    for line in text.splitlines()
                    if len(line.strip()) >= 12 and not line.strip().startswith(("def ", '"""', "#"))}
    assert len(answer_lines) >= 12
    assert not [line for line in answer_lines if line in source]
    for word in ("reference_app_input", "tf.image.resize", "saved_model.save", "TFLiteConverter",
                 "side = min", "// 2"):
        assert word not in source, word


def test_visible_checks_run_without_the_grader(app_models):
    """As in the student edition: with course_grader unimportable, the visible checks pass on
    the solution, and nothing they run imports it."""
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT / "tests" / "grading")!r})
        sys.modules["course_grader"] = None  # any import of it fails, as in the student edition
        from pathlib import Path
        from test_checks_shipping import CHECKS, solution_app_input
        from course_lib.checks import report, shipping
        ns = {{"app_input": solution_app_input(), "APP_MODEL_PATH": Path({str(app_models["solution"])!r})}}
        report.SESSION_START = 0  # the file was written before this process started
        for name in CHECKS:
            getattr(shipping, name)("q1", ns)
        assert not [m for m, v in sys.modules.items() if m.startswith("course_grader") and v is not None]
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert result.stdout.count("PASS q1") == len(CHECKS), result.stdout
