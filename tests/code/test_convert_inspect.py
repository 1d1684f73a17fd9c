import numpy as np
import pytest

from course_grader import conversions
from course_lib import CourseInputError, convert, inspect


def test_every_tflite_variant_is_bytes_and_the_optimized_ones_are_smaller(tflite_variants):
    sizes = {name: len(b) for name, b in tflite_variants.items()}
    assert all(isinstance(b, bytes) and b[4:8] == b"TFL3" for b in tflite_variants.values())
    assert sizes["int8"] <= 0.35 * sizes["float32"]
    assert sizes["dynamic_range"] <= 0.35 * sizes["float32"]
    assert 0.4 * sizes["float32"] < sizes["float16"] < 0.6 * sizes["float32"]


def test_inspect_tells_a_full_integer_model_from_a_dynamic_range_one(tflite_variants):
    int8 = inspect.inspect_tflite(tflite_variants["int8"])
    assert [t.dtype for t in int8.inputs + int8.outputs] == ["int8", "int8"]
    assert int8.inputs[0].shape == (1, 28, 28, 1) and int8.inputs[0].quantized
    assert int8.inputs[0].scale == pytest.approx(1 / 255, rel=1e-3) and int8.inputs[0].zero_point == -128
    assert int8.fully_integer and int8.float_ops == []
    assert "CONV_2D" in int8.op_names and "DEPTHWISE_CONV_2D" in int8.op_names

    dynamic = inspect.inspect_tflite(tflite_variants["dynamic_range"])
    assert dynamic.inputs[0].dtype == "float32" and not dynamic.fully_integer
    assert "int8" in dynamic.weight_dtypes           # weights are int8 ...
    assert "CONV_2D" in dynamic.float_ops            # ... but the maths runs in float

    fp16 = inspect.inspect_tflite(tflite_variants["float16"])
    assert "float16" in fp16.weight_dtypes and "DEQUANTIZE" in fp16.op_names

    fp32 = inspect.inspect_tflite(tflite_variants["float32"])
    assert set(fp32.weight_dtypes) <= {"float32", "int32"}
    assert fp32.size_bytes == len(tflite_variants["float32"]) and fp32.tensor_count > 20
    assert "int8" in int8.summary() and "scale=" in int8.summary()


def test_inspect_rejects_non_tflite_input(tmp_path):
    with pytest.raises(CourseInputError, match="not a TFLite model"):
        inspect.inspect_tflite(b"\x00" * 64)
    with pytest.raises(CourseInputError, match="not a file"):
        inspect.inspect_tflite(str(tmp_path / "nope.tflite"))


def test_unknown_variants_are_named():
    with pytest.raises(CourseInputError, match="expected one of .*int8"):
        conversions.to_tflite(None, "int4")
    with pytest.raises(CourseInputError, match="needs calibration_images"):
        conversions.to_tflite(object(), "int8")


@pytest.fixture(scope="module")
def coreml_packages(reference_model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("coreml")
    return {v: convert.save_coreml(conversions.to_coreml(reference_model, v), folder / f"{v}.mlpackage")
            for v in conversions.COREML_VARIANTS}


def test_coreml_packages_are_image_classifiers_with_labels(coreml_packages):
    from course_lib.data import CLASS_NAMES

    for variant, path in coreml_packages.items():
        report = inspect.inspect_coreml(path)
        assert report.model_type == "mlprogram", variant
        assert report.has_image_input and report.inputs[0]["details"] == "28x28 GRAYSCALE"
        assert report.class_labels == list(CLASS_NAMES)
        assert report.compute_precision == "float16"


def test_coreml_weight_compression_is_detected_and_shrinks_the_package(coreml_packages):
    reports = {v: inspect.inspect_coreml(p) for v, p in coreml_packages.items()}
    assert reports["float16"].weight_compression == {}
    assert reports["linear8"].weight_compression.get("linear_quantized", 0) > 0
    assert reports["palette4"].weight_compression.get("palettized", 0) > 0
    assert reports["linear8"].size_bytes < 0.7 * reports["float16"].size_bytes
    assert reports["palette4"].size_bytes < reports["linear8"].size_bytes


def test_inspect_coreml_reads_a_neuralnetwork_model_and_an_mlmodel_object(reference_model, tmp_path):
    import coremltools as ct

    from course_lib.quiet import quiet

    with quiet():
        nn = ct.convert(reference_model, convert_to="neuralnetwork",
                        classifier_config=ct.ClassifierConfig(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]))
    report = inspect.inspect_coreml(nn)
    assert report.model_type == "neuralnetwork"
    assert report.class_labels[:2] == ["a", "b"] and not report.has_image_input
    nn.save(str(tmp_path / "nn.mlmodel"))
    assert inspect.inspect_coreml(tmp_path / "nn.mlmodel").size_bytes > 100_000


def test_inspect_coreml_rejects_what_is_not_core_ml(tmp_path):
    with pytest.raises(CourseInputError, match="Expected a Core ML model"):
        inspect.inspect_coreml(b"bytes")
    with pytest.raises(CourseInputError, match="existing .mlpackage"):
        inspect.inspect_coreml(tmp_path / "model.tflite")
    bad = tmp_path / "bad.mlmodel"
    bad.write_bytes(b"not a protobuf at all" * 10)
    with pytest.raises(CourseInputError, match="not a readable Core ML model"):
        inspect.inspect_coreml(bad)


def test_coreml_image_scale_reads_the_input_scaling_of_the_program(coreml_packages):
    import coremltools as ct

    spec = ct.utils.load_spec(str(coreml_packages["float16"]))
    assert inspect.coreml_image_scale(spec) == pytest.approx(1 / 255, rel=1e-3)
