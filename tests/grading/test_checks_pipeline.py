"""The visible checks of 02_pipeline_trace (course_lib.checks.pipeline), called directly: they
pass on the solution's functions, FAIL with a line that names the problem on wrong ones, and
know no answer (they import nothing from course_grader and run without it)."""
import ast
import re
import inspect
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from PIL import Image

from course import ROOT, grader_imports, solution_answers
from course_lib import data
from course_lib.checks import pipeline as visible
from course_lib.checks.report import CheckFailed
from course_lib.quiet import import_tensorflow

ASSIGNMENT = "02_pipeline_trace"
CHECKS = ("preprocess_shape", "preprocess_values", "postprocess_topk", "shapes_score")
# course_lib.grading is imported inside the tests that use it: it imports course_grader,
# which test_visible_checks_run_without_the_grader blocks when it imports this module.


def _namespace(answers):
    """What the notebook's answer cells define (functions and SHAPES), with the names the
    setup cell gives them; the cells' demo lines, which need the course's int8 model, are left out."""
    ns = {"np": np, "Image": Image, "tf": import_tensorflow(), "CLASS_NAMES": list(data.CLASS_NAMES)}
    for source in answers.values():
        tree = ast.parse(source)
        tree.body = [node for node in tree.body if isinstance(node, ast.FunctionDef) or (
            isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["SHAPES"])]
        exec(compile(tree, "<answer cell>", "exec"), ns)
    return ns


@pytest.fixture(scope="module")
def solution():
    return _namespace(solution_answers(ASSIGNMENT))


def fails(check, ns, capsys=None):
    with pytest.raises(CheckFailed) as failure:
        check("q1", ns)
    if capsys is not None:
        assert capsys.readouterr().out.startswith("FAIL q1: ")
    return str(failure.value)


def test_visible_checks_pass_on_the_solution(solution, capsys):
    for name in CHECKS:
        assert getattr(visible, name)("q1", solution) is None
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out] == ["PASS q1"] * len(CHECKS), out
    known = re.search(r"the course's Keras model recognizes (\d+) of them", out[1])
    assert known and int(known.group(1)) >= 30, out[1]  # nearly all 32 frames


def test_grading_exports_the_visible_checks_and_their_strict_twins():
    from course_lib import grading

    assert visible.__all__ == list(CHECKS)
    for name in CHECKS:
        assert getattr(grading, name) is getattr(visible, name)
        if grading.GRADER_AVAILABLE:
            assert getattr(grading, f"{name}_exactly").__module__ == "course_grader.pipeline"


# ---------------------------------------------------------------- q1: preprocess

def _preprocess(stretch=True, pil_resize=False, zero_point=True, invert=False, batch=True,
                dtype=np.int8):
    """The task's preprocessing, or it with one of the usual mistakes."""
    def preprocess(frame, input_detail):
        gray = np.asarray(Image.fromarray(frame).convert("L"), dtype=np.float32) / 255.0
        if pil_resize:  # antialiases when it shrinks
            small = np.asarray(Image.fromarray(gray).resize((28, 28), Image.BILINEAR), dtype=np.float32)
        else:
            tf = import_tensorflow()
            small = tf.image.resize(gray[..., None], (28, 28), method="bilinear").numpy()[..., 0]
        if stretch:
            small = (small - small.min()) / (small.max() - small.min())
        if invert:
            small = 1.0 - small
        scale, zp = input_detail["quantization"]
        q = np.clip(np.round(small / scale) + (zp if zero_point else 0), -128, 127)
        q = q.astype(dtype)
        return q[None, ..., None] if batch else q
    return preprocess


@pytest.mark.parametrize("check,wrong,words", [
    ("preprocess_values", _preprocess(stretch=False), "the contrast is not stretched"),
    ("preprocess_values", _preprocess(zero_point=False), "add the zero point"),
    ("preprocess_values", _preprocess(invert=True), "the background (the image's border) comes out bright"),
    ("preprocess_values", _preprocess(pil_resize=True), "if the resize antialiases"),
    ("preprocess_shape", _preprocess(batch=False), "add the batch axis"),
    ("preprocess_shape", _preprocess(dtype=np.float32), "dtype float32, expected int8"),
    ("preprocess_shape", lambda frame, detail: [[0] * 28] * 28, "returned a list; expected a numpy array"),
], ids=["no_stretch", "no_zero_point", "inverted", "pil_resize", "no_batch_axis", "float32", "list"])
def test_preprocess_mistakes_fail_visibly(check, wrong, words, capsys):
    assert words in fails(getattr(visible, check), {"preprocess": wrong}, capsys)


def test_preprocess_errors_are_reported_not_raised(capsys):
    def unwritten(frame, detail):
        raise NotImplementedError()

    assert "not answered yet" in fails(visible.preprocess_shape, {"preprocess": unwritten}, capsys)
    assert "`preprocess` is not defined" in fails(visible.preprocess_values, {}, capsys)


def test_hard_coded_quantization_passes_the_visible_check():
    """The visible check's detail is a usual image input's (1/255, -128): another scale and
    zero point is the hidden test's job (submissions.py's fixed_quant loses only that point)."""
    def hard_coded(frame, detail):
        return _preprocess()(frame, {"quantization": (1 / 255, -128)})

    visible.preprocess_values("q1", {"preprocess": hard_coded})


# ---------------------------------------------------------------- q2: postprocess

def _postprocess(dequantize=True, ascending=False, k_fixed=None, names=True, scale_factor=1.0,
                 class_names=tuple(data.CLASS_NAMES)):
    def postprocess(raw_output, output_detail, k=3):
        scale, zp = output_detail["quantization"]
        raw = raw_output.reshape(-1).astype(np.float32)
        probs = (raw - zp) * scale * scale_factor if dequantize else raw
        order = np.argsort(probs if ascending else -probs)[:k_fixed or k]
        return [(class_names[i] if names else int(i), float(probs[i])) for i in order]
    return postprocess


@pytest.mark.parametrize("wrong,words", [
    (_postprocess(dequantize=False), "not a probability in [0, 1]: dequantize"),
    (_postprocess(scale_factor=1.1), "add up to 1.02"),
    (_postprocess(ascending=True), "descending order"),
    (_postprocess(k_fixed=10), "returned 10 pairs, expected k=3"),
    (_postprocess(names=False), "is not a class name; map index i to CLASS_NAMES[i]"),
    (_postprocess(class_names=tuple(reversed(data.CLASS_NAMES))), "but the largest raw output is"),
    (lambda raw, detail, k=3: "cat", "expected a list of (label, confidence) pairs"),
], ids=["raw_int8", "wrong_scale", "ascending", "ignores_k", "indices", "wrong_names", "string"])
def test_postprocess_mistakes_fail_visibly(wrong, words, capsys):
    with pytest.raises(CheckFailed) as failure:
        visible.postprocess_topk("q2", {"postprocess": wrong})
    assert words in str(failure.value)
    assert capsys.readouterr().out.startswith("FAIL q2: ")


def test_postprocess_check_uses_a_realistic_output():
    """Its raw outputs are a softmax's, quantized as an int8 output is: they dequantize to
    about 1 in total and have one largest value each."""
    scale, zp = visible._probability_detail()["quantization"]
    for raw in visible._raw_outputs():
        assert raw.dtype == np.int8 and raw.shape == (1, 10)
        assert abs(float(((raw.astype(np.float32) - zp) * scale).sum()) - 1) < 10 * scale
        assert np.sum(raw == raw.max()) == 1


# ---------------------------------------------------------------- q3: SHAPES

def test_shapes_form_is_checked_and_the_score_left_to_grading(solution, capsys):
    from course_lib import grading

    one_wrong = dict(solution["SHAPES"], model_input=(28, 28, 1))
    assert visible.shapes_score("q3", {"SHAPES": one_wrong}) is None  # a shape: scored at grading
    assert "scored at grading" in capsys.readouterr().out
    if grading.GRADER_AVAILABLE:
        assert grading.shapes_score_exactly("q3", {"SHAPES": one_wrong}) == pytest.approx(1.6)
        capsys.readouterr()

    missing = {k: v for k, v in solution["SHAPES"].items() if k != "resized"}
    assert visible.shapes_score("q3", {"SHAPES": missing}) == pytest.approx(1.6)
    assert "FAIL q3: SHAPES has no 'resized'" in capsys.readouterr().out
    not_a_shape = dict(solution["SHAPES"], grayscale="224x224", model_output=None)
    assert visible.shapes_score("q3", {"SHAPES": not_a_shape}) == pytest.approx(1.2)
    assert "FAIL q3: SHAPES['grayscale'] is '224x224'; expected a shape" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="is a list; expected a dict"):
        visible.shapes_score("q3", {"SHAPES": [(224, 224, 3)]})
    with pytest.raises(CheckFailed, match="no stage has a shape"):
        visible.shapes_score("q3", {"SHAPES": {"camera_frame": "big"}})


# ---------------------------------------------------------------- no answers inside

def test_visible_module_imports_nothing_from_the_grader():
    source = inspect.getsource(visible)
    assert not grader_imports(source)


def test_visible_module_holds_no_answer():
    """No line of the solution's answers, no reference helper, no table of stage shapes."""
    source = inspect.getsource(visible)
    answer_lines = {line.strip() for text in solution_answers(ASSIGNMENT).values()
                    for line in text.splitlines()
                    if len(line.strip()) >= 12 and not line.strip().startswith(("def ", '"""', "#"))}
    assert len(answer_lines) >= 12
    assert not [line for line in answer_lines if line in source]
    for word in ("reference_preprocess", "reference_postprocess", "reference_tflite", "int8_details",
                 "_STAGES", "_pipeline(", "(224, 224", "(28, 28)", "(1, 10)", "argsort"):
        assert word not in source, word


def test_visible_checks_run_without_the_grader():
    """As in the student edition: with course_grader unimportable, the visible checks pass on
    the solution, and nothing they run imports it."""
    script = textwrap.dedent(f"""
        import importlib.abc, sys
        sys.path.insert(0, {str(ROOT / "tests" / "grading")!r})

        class NoGrader(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "course_grader":
                    raise ImportError("no course_grader in the student edition")

        sys.meta_path.insert(0, NoGrader())
        from test_checks_pipeline import CHECKS, ASSIGNMENT, _namespace
        from course import solution_answers
        from course_lib.checks import pipeline
        ns = _namespace(solution_answers(ASSIGNMENT))
        for name in CHECKS:
            getattr(pipeline, name)("q1", ns)
        assert not [m for m in sys.modules if m.startswith("course_grader")]
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert result.stdout.count("PASS q1") == len(CHECKS), result.stdout
