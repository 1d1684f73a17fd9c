"""The app's contract is read off the real model files, and the Kotlin made from it carries
exactly the model's numbers and labels, and compiles (kotlinc, against stubs of the API)."""
import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from course_lib import appcode, contract, data, provided, runtime
from course_lib.errors import CourseInputError

STUBS = Path(__file__).parent / "android_stubs"


def interpreter_details(blob):
    """The input and output details as LiteRT's Interpreter reports them (not via the contract)."""
    interpreter = runtime.load_interpreter(blob)
    return interpreter.get_input_details()[0], interpreter.get_output_details()[0]


@pytest.fixture(scope="module")
def contracts():
    return {v: contract.from_tflite(provided.tflite(v), f"animals_{v}.tflite") for v in provided.VARIANTS}


@pytest.mark.parametrize("variant", ["float32", "float16", "dynamic_range", "int8"])
def test_contract_holds_what_the_model_file_says(contracts, variant):
    made = contracts[variant]
    model_in, model_out = interpreter_details(provided.tflite(variant))
    for tensor, details in ((made.input, model_in), (made.output, model_out)):
        assert tensor.shape == tuple(details["shape"])
        assert tensor.dtype == np.dtype(details["dtype"]).name
        assert (tensor.scale, tensor.zero_point) == (pytest.approx(details["quantization"][0]),
                                                      details["quantization"][1])
    assert (made.signature, made.input.name, made.output.name) == ("serving_default", "image", "probabilities")
    assert made.labels == data.CLASS_NAMES and made.output.shape[-1] == len(made.labels)
    # Only full-integer conversion changes what the app feeds and reads.
    assert made.input.quantized == (variant == "int8") == made.output.quantized
    assert contract.Contract.from_json(made.to_json()) == made


def test_labels_that_do_not_fit_the_output_are_refused():
    with pytest.raises(CourseInputError, match="output has 10 classes but there are 9 labels"):
        contract.from_tflite(provided.tflite("int8"), labels=data.CLASS_NAMES[:9])
    with pytest.raises(CourseInputError, match="No signature 'main'.*serving_default"):
        contract.from_tflite(provided.tflite("int8"), signature="main")
    with pytest.raises(CourseInputError, match="not a TFLite model"):
        contract.from_tflite(b"not a model at all")
    with pytest.raises(CourseInputError, match="Expected a contract file written by Contract.to_json"):
        contract.Contract.from_json('{"model_file": "a.tflite"}')


def constants(source):
    """{name: value text} of the `const val`s of generated Kotlin."""
    return dict(re.findall(r"const val (\w+) = (.+)", source))


def kotlin_labels(source):
    (inside,) = re.findall(r"val LABELS = listOf\((.*)\)", source)
    return re.findall(r'"((?:[^"\\]|\\.)*)"', inside)


@pytest.mark.parametrize("variant", ["float32", "int8"])
def test_every_number_and_label_in_the_kotlin_is_the_models(contracts, variant):
    source = appcode.kotlin(contracts[variant])
    model_in, model_out = interpreter_details(provided.tflite(variant))
    found = constants(source)
    assert found["MODEL_ASSET"] == f'"animals_{variant}.tflite"'
    assert (int(found["INPUT_HEIGHT"]), int(found["INPUT_WIDTH"])) == tuple(model_in["shape"][1:3])
    # normalize() maps uint8 pixels to [0, 1]: (pixel - MEAN) / STD must do the same.
    pixels = np.resize(np.arange(256, dtype=np.uint8), (1, 28, 28))
    mean, std = (np.float32(found[k].rstrip("f")) for k in ("MEAN", "STD"))
    np.testing.assert_allclose((pixels.astype(np.float32) - mean) / std,
                               data.normalize(pixels)[..., 0], rtol=1e-6)
    if variant == "int8":
        for prefix, details in (("INPUT", model_in), ("OUTPUT", model_out)):
            scale, zero_point = details["quantization"]
            assert np.float32(found[f"{prefix}_SCALE"].rstrip("f")) == np.float32(scale)
            assert int(found[f"{prefix}_ZERO_POINT"]) == zero_point
        assert "writeInt8(C.quantize(" in source and "C.dequantize(outputs[0].readInt8())" in source
    else:
        assert not any(k.endswith(("_SCALE", "_ZERO_POINT")) for k in found)
        assert "writeFloat(preprocess(frame))" in source and "Int8" not in source
    assert kotlin_labels(source) == list(data.CLASS_NAMES)
    assert len(kotlin_labels(source)) == model_out["shape"][-1]


def test_kotlin_refuses_what_it_cannot_write(contracts):
    with pytest.raises(CourseInputError, match="Expected a Contract"):
        appcode.kotlin({"input": "image"})
    with pytest.raises(CourseInputError, match="Kotlin class name and package"):
        appcode.kotlin(contracts["int8"], name="Animal Classifier")
    with pytest.raises(CourseInputError, match="No app code for this contract: the output has 10 classes"):
        appcode.kotlin(dataclasses.replace(contracts["int8"], labels=data.CLASS_NAMES[:9]))


HARNESS = """
import com.example.i8.AnimalClassifierContract as C

// For each file of ARGB pixels (one per line): the normalized values and their quantized bytes.
fun main(args: Array<String>) {
    for (path in args) {
        val argb = java.io.File(path).readLines().map { it.trim().toLong().toInt() }.toIntArray()
        val values = C.normalize(argb)
        println(values.joinToString(" "))
        println(C.quantize(values).joinToString(" "))
    }
    println(C.dequantize(byteArrayOf(-128, 0, 127)).joinToString(" "))
}
"""

needs_kotlin = pytest.mark.skipif(
    shutil.which("kotlinc") is None or shutil.which("kotlin") is None,
    reason="kotlinc is missing (make test installs Debian's kotlin where it may)")


@pytest.fixture(scope="module")
def kotlin_build(contracts, tmp_path_factory):
    """The generated Kotlin of float32, int8 and int8 with tricky labels, and the harness,
    compiled in one kotlinc run (a JVM start costs seconds): (kotlinc's result, folder)."""
    folder = tmp_path_factory.mktemp("kotlin")
    # Labels that would end a Kotlin string or start a template if they were not escaped.
    tricky = dataclasses.replace(contracts["int8"], labels=('say "cat"', "$dog", "back\\slash",
                                                            *data.CLASS_NAMES[3:]))
    sources = {"f32": contracts["float32"], "i8": contracts["int8"], "tricky": tricky}
    for package, made in sources.items():
        (folder / f"{package}.kt").write_text(appcode.kotlin(made, package=f"com.example.{package}"))
    (folder / "harness.kt").write_text(HARNESS)
    done = subprocess.run(["kotlinc", "-nowarn", *map(str, sorted(STUBS.glob("*.kt"))),
                           *map(str, sorted(folder.glob("*.kt"))), "-d", str(folder / "classes")],
                          capture_output=True, text=True, timeout=300)
    return done, folder


@needs_kotlin
def test_generated_kotlin_compiles_against_the_api(contracts, kotlin_build):
    tricky = dataclasses.replace(contracts["int8"], labels=('say "cat"', "$dog", "back\\slash",
                                                            *data.CLASS_NAMES[3:]))
    assert kotlin_labels(appcode.kotlin(tricky))[:3] == ['say \\"cat\\"', "\\$dog", "back\\\\slash"]
    done, folder = kotlin_build
    assert done.returncode == 0, done.stderr[-3000:]
    compiled = {p.name for p in (folder / "classes").rglob("*.class")}
    assert {"AnimalClassifier.class", "AnimalClassifierContract.class"} <= compiled
    assert len({p.parent.name for p in (folder / "classes").rglob("AnimalClassifier.class")}) == 3


@needs_kotlin
def test_generated_kotlin_feeds_the_model_what_it_expects(kotlin_build):
    """The generated functions run on the JVM on real camera frames: their values and bytes
    are what the model's own quantization parameters give for the course's preprocessing."""
    done, folder = kotlin_build
    assert done.returncode == 0, done.stderr[-3000:]
    model_in, model_out = interpreter_details(provided.tflite("int8"))
    test = data.load_splits().test
    frames = [data.camera_frame(test.images[i], size=28, seed=i) for i in range(3)]  # what createScaledBitmap gives
    for index, frame in enumerate(frames):
        r, g, b = (frame[..., c].astype(np.uint32) for c in range(3))
        argb = ((0xFF << 24) | (r << 16) | (g << 8) | b).ravel()
        (folder / f"argb{index}.txt").write_text("\n".join(map(str, argb)))
    ran = subprocess.run(["kotlin", "-cp", str(folder / "classes"), "HarnessKt",
                          *(str(folder / f"argb{i}.txt") for i in range(len(frames)))],
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr[-3000:]
    lines = [np.array(line.split(), dtype=np.float64) for line in ran.stdout.splitlines()]
    assert len(lines) == 2 * len(frames) + 1
    scale, zero_point = model_in["quantization"]
    for frame, values, quantized in zip(frames, lines[0::2], lines[1::2]):
        gray = frame.astype(np.float64) @ [0.299, 0.587, 0.114]
        expected = ((gray - gray.min()) / (gray.max() - gray.min())).ravel()  # in [0, 1], as trained
        np.testing.assert_allclose(values, expected, atol=1e-5)
        expected_q = np.clip(np.round(expected / scale) + zero_point, -128, 127)
        assert np.abs(quantized - expected_q).max() <= 1  # a tie may round either way
        assert np.mean(quantized == expected_q) > 0.99
    scale, zero_point = model_out["quantization"]
    np.testing.assert_allclose(lines[-1], scale * (np.array([-128, 0, 127]) - zero_point), rtol=1e-6)


@pytest.fixture(scope="module")
def coreml_contract(reference_model):
    from course_grader import conversions

    return contract.from_coreml(conversions.to_coreml(reference_model), "AnimalClassifier")


def test_coreml_contract_is_what_image_type_and_classifier_config_carry(coreml_contract):
    made = coreml_contract
    assert (made.input_name, made.width, made.height, made.color) == ("image", 28, 28, "GRAYSCALE")
    assert made.scale == pytest.approx(1 / 255)
    assert made.labels == data.CLASS_NAMES
    assert (made.label_output, made.probabilities_output) == ("classLabel", "classLabel_probs")
    assert contract.coreml_mismatches(made) == []
    wrong = dataclasses.replace(made, scale=1.0, color="RGB", labels=made.labels[::-1])
    problems = " | ".join(contract.coreml_mismatches(wrong))
    assert "scales pixels by 1" in problems and "is RGB" in problems and "not the training order" in problems
    with pytest.raises(CourseInputError, match="Expected an existing .mlpackage"):
        contract.from_coreml("no/such/model.mlpackage")
    with pytest.raises(CourseInputError, match="as Xcode makes a class of it"):
        contract.from_coreml("no/such/model.mlpackage", model_name="animal classifier")


def test_every_number_and_label_in_the_swift_is_the_models(coreml_contract):
    """No Swift compiler installs here (Debian has none): the Swift is checked for its
    numbers and names, and compiled only in Xcode."""
    source = appcode.swift(coreml_contract)
    lets = dict(re.findall(r"static let (\w+) = (.+?)(?:  //.*)?$", source, flags=re.M))
    assert (lets["inputName"], int(lets["inputWidth"]), int(lets["inputHeight"])) == ('"image"', 28, 28)
    assert (lets["labelOutput"], lets["probabilitiesOutput"]) == ('"classLabel"', '"classLabel_probs"')
    assert re.findall(r'"([^"]*)"', lets["labels"]) == list(data.CLASS_NAMES)
    assert f"scales each 0...255 pixel by {coreml_contract.scale:.9g}" in source
    assert 'forResource: "AnimalClassifier", withExtension: "mlmodelc"' in source
    assert "configuration.computeUnits = computeUnits" in source
    tricky = dataclasses.replace(coreml_contract, labels=('say "cat"', "$dog", "back\\slash"))
    assert 'static let labels = ["say \\"cat\\"", "$dog", "back\\\\slash"]' in appcode.swift(tricky)
    with pytest.raises(CourseInputError, match="Expected a CoreMLContract"):
        appcode.swift(contract.from_tflite(provided.tflite("float32")))
