import gzip

import numpy as np
import pytest

from course_grader import conversions
from course_lib import CourseInputError, convert, optimize


def test_zeros_compress_and_random_bytes_do_not(tmp_path):
    rng = np.random.default_rng(0)
    noise, zeros = rng.bytes(50_000), bytes(50_000)
    assert optimize.gzip_size(noise) > 0.99 * len(noise)
    assert optimize.gzip_size(zeros) < 0.01 * len(zeros)
    assert optimize.gzip_size(noise) == len(gzip.compress(noise, 9, mtime=0))
    assert optimize.zip_size(zeros) < 0.02 * len(zeros)

    folder = tmp_path / "model.mlpackage"
    (folder / "Data").mkdir(parents=True)
    (folder / "Data" / "weight.bin").write_bytes(noise)
    (folder / "Manifest.json").write_text("{}")
    assert len(noise) < optimize.zip_size(folder) < 1.05 * len(noise)
    assert optimize.gzip_size(folder / "Data" / "weight.bin") == optimize.gzip_size(noise)


def test_size_helpers_reject_what_they_cannot_measure(tmp_path):
    with pytest.raises(CourseInputError, match="does not exist"):
        optimize.zip_size(tmp_path / "missing.tflite")
    with pytest.raises(CourseInputError, match="is a folder"):
        optimize.gzip_size(tmp_path)
    with pytest.raises(CourseInputError, match="Expected model bytes"):
        optimize.gzip_size(123)


@pytest.fixture(scope="module")
def half_zero_dense():
    """A one-layer Keras model whose 32x64 kernel is half zeros."""
    from course_lib.quiet import import_tensorflow

    tf = import_tensorflow()
    model = tf.keras.Sequential([tf.keras.Input(shape=(32,)), tf.keras.layers.Dense(64, name="dense")])
    kernel, bias = model.get_weights()
    kernel = np.arange(1, kernel.size + 1, dtype=np.float32).reshape(kernel.shape) / kernel.size
    kernel[:, ::2] = 0.0
    model.set_weights([kernel, bias + 0.5])
    return model


def test_weight_sparsity_counts_zero_kernel_weights(half_zero_dense, reference_model):
    overall, per_layer = optimize.weight_sparsity(half_zero_dense)
    assert overall == pytest.approx(0.5) and per_layer == {"dense": pytest.approx(0.5)}
    overall, per_layer = optimize.weight_sparsity(reference_model)
    assert overall < 0.01 and "block1_dw" in per_layer and "probabilities" in per_layer


def test_zeros_survive_tflite_conversion(half_zero_dense, tflite_variants):
    blob = conversions.to_tflite(half_zero_dense, "float32")
    assert optimize.tflite_zero_fraction(blob) == pytest.approx(0.5)
    assert optimize.tflite_zero_fraction(tflite_variants["float32"]) < 0.01
    assert optimize.tflite_zero_fraction(tflite_variants["int8"]) < 0.05


def _sparse_conversion(model, zero_share):
    """``model`` with that share of each 1x1 convolution's weights set to zero (the smallest),
    converted to float32 with the converter's sparse storage."""
    from course_lib.quiet import import_tensorflow, quiet

    tf = import_tensorflow()
    for layer in model.layers:
        if type(layer).__name__ == "Conv2D" and layer.kernel_size == (1, 1):
            kernel, *rest = layer.get_weights()
            kernel[np.abs(kernel) < np.quantile(np.abs(kernel), zero_share)] = 0.0
            layer.set_weights([kernel, *rest])
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.EXPERIMENTAL_SPARSITY]
    with quiet():
        return converter.convert()


def test_xnnpack_sparse_conditions_hold_for_a_photo_stem_and_not_for_this_model(tflite_variants):
    """A MobileNet-like photo model pruned to 80% in its 1x1 layers meets every condition;
    the course's model fails the stem one however it is pruned, and the plain float32
    conversion has neither sparse storage nor zeros."""
    from course_lib import model as model_lib
    from course_lib.quiet import import_tensorflow

    tf = import_tensorflow()
    layers = tf.keras.layers
    photo = tf.keras.Sequential([
        tf.keras.Input(shape=(32, 32, 3)), layers.Conv2D(16, 3, strides=2, padding="same"),
        layers.DepthwiseConv2D(3, padding="same"), layers.Conv2D(32, 1),
        layers.GlobalAveragePooling2D(), layers.Dense(10)])
    met = {c: ok for c, ok, _ in optimize.xnnpack_sparse_conditions(_sparse_conversion(photo, 0.8))}
    assert len(met) == 4 and all(met.values()), met

    found = {c: (ok, what) for c, ok, what in optimize.xnnpack_sparse_conditions(
        _sparse_conversion(model_lib.load_reference_model(), 0.8))}
    stem = found["starts with a 3x3 stride-2 CONV_2D on 3 channels"]
    assert stem == (False, "first CONV_2D: 3x3, stride 1, 1 input channel")
    assert found["weights stored sparse (DENSIFY ops)"][0]
    assert found["at least 2/3 of the 1x1 CONV_2D weights are zero"] == (True, "80% zero")

    dense = {c: (ok, what) for c, ok, what in optimize.xnnpack_sparse_conditions(tflite_variants["float32"])}
    assert dense["weights stored sparse (DENSIFY ops)"] == (False, "0 DENSIFY ops")
    assert dense["at least 2/3 of the 1x1 CONV_2D weights are zero"] == (False, "0% zero")
    assert dense["ends with MEAN (or DEPTH_TO_SPACE)"] == (True, "MEAN")


def test_float32_runs_in_one_xnnpack_partition_and_dynamic_range_does_not(tflite_variants):
    float32 = optimize.delegate_partitions(tflite_variants["float32"])
    dynamic = optimize.delegate_partitions(tflite_variants["dynamic_range"])
    assert float32 == {"ops": 18, "delegate_partitions": 1}
    assert dynamic["ops"] == 18 and dynamic["delegate_partitions"] > 1


@pytest.fixture(scope="module")
def coreml_models(reference_model):
    import coremltools.optimize.coreml as cto

    from course_lib.quiet import quiet

    base = conversions.to_coreml(reference_model, "float16")
    with quiet():
        linear = cto.linear_quantize_weights(
            base, cto.OptimizationConfig(cto.OpLinearQuantizerConfig(mode="linear_symmetric")))
        pruned = cto.prune_weights(
            base, cto.OptimizationConfig(cto.OpMagnitudePrunerConfig(target_sparsity=0.5)))
    return {"float16": base, "linear8": linear, "pruned50": pruned,
            "palette4": conversions.to_coreml(reference_model, "palette4")}


def test_size_breakdown_adds_up_and_counts_what_litert_reports(tflite_variants):
    """Every byte is in one part; the quantization parameters are a float32 scale and an int64
    zero point for each channel LiteRT reports (counted here through the interpreter); in the
    int8 model they are the largest cost after the weights, and float32 has none."""
    from course_lib.runtime import load_interpreter

    for variant in ("float32", "dynamic_range", "int8"):
        blob = tflite_variants[variant]
        parts = optimize.tflite_size_breakdown(blob)
        assert parts["weights"] + parts["quantization parameters"] + parts["graph and the rest"] == len(blob)
        details = load_interpreter(blob).get_tensor_details()
        channels = sum(len(d["quantization_parameters"]["scales"]) for d in details)
        assert parts["quantized channels"] == channels
        assert parts["quantization parameters"] == 12 * channels
    int8 = optimize.tflite_size_breakdown(tflite_variants["int8"])
    assert int8["quantization parameters"] > int8["graph and the rest"] > 0
    # Lesson 04: the dynamic-range file is the smaller one because it stores fewer parameters.
    dynamic = optimize.tflite_size_breakdown(tflite_variants["dynamic_range"])
    smaller_by = len(tflite_variants["int8"]) - len(tflite_variants["dynamic_range"])
    assert 0 < smaller_by < int8["quantization parameters"] - dynamic["quantization parameters"]
    assert optimize.tflite_size_breakdown(tflite_variants["float32"])["quantized channels"] == 0


def test_coreml_weights_are_decompressed_in_program_order(coreml_models, reference_model):
    weights = {name: list(optimize.coreml_weights(ml).values()) for name, ml in coreml_models.items()}
    shapes = [w.shape for w in weights["float16"]]
    assert all([w.shape for w in ws] == shapes for ws in weights.values())
    dense = reference_model.get_layer("probabilities").get_weights()[0]
    assert np.abs(weights["float16"][-1] - dense.T).max() < 1e-3  # float16 rounding only
    assert len(np.unique(weights["palette4"][-1])) <= 16          # 4-bit palette: 16 values
    assert np.mean(weights["pruned50"][-1] == 0) == pytest.approx(0.5, abs=0.01)


def test_coreml_weight_error_orders_the_compressions(coreml_models, tmp_path):
    base = coreml_models["float16"]
    errors = {name: optimize.coreml_weight_error(base, ml) for name, ml in coreml_models.items()}
    assert errors["float16"] == 0.0
    assert 0 < errors["linear8"] < 0.01 < errors["palette4"] < errors["pruned50"] < 0.5

    import coremltools as ct

    from course_lib.quiet import quiet

    path = convert.save_coreml(base, tmp_path / "m.mlpackage")
    with quiet():
        loaded = ct.models.MLModel(str(path))
    with pytest.raises(CourseInputError, match="no MIL program"):
        optimize.coreml_weights(loaded)


def test_coreml_weight_error_refuses_unrelated_models(coreml_models, half_zero_dense):
    import coremltools as ct

    from course_lib.quiet import quiet

    with quiet():
        other = ct.convert(half_zero_dense, convert_to="mlprogram")
    with pytest.raises(CourseInputError, match="same weights"):
        optimize.coreml_weight_error(coreml_models["float16"], other)


def test_pareto_names_keeps_every_trade_off():
    rows = [
        {"name": "big_exact", "size_bytes": 800, "accuracy": 0.99, "latency_ratio_vs_float32": 1.0},
        {"name": "small_slow", "size_bytes": 250, "accuracy": 0.99, "latency_ratio_vs_float32": 2.0},
        {"name": "small_fast", "size_bytes": 270, "accuracy": 0.98, "latency_ratio_vs_float32": 0.5},
        {"name": "dominated", "size_bytes": 280, "accuracy": 0.97, "latency_ratio_vs_float32": 0.6},
        {"name": "unmeasured", "size_bytes": 100, "accuracy": None},
    ]
    assert optimize.pareto_names(rows) == ["small_slow"]
    assert optimize.pareto_names(rows, minimize=["size_bytes", "latency_ratio_vs_float32"]) == [
        "big_exact", "small_slow", "small_fast"]
    assert optimize.pareto_names(rows, minimize=["latency_ratio_vs_float32"]) == ["big_exact", "small_fast"]


def test_table_shows_kilobytes_and_missing_values():
    table = optimize.table([
        {"name": "tflite_int8", "size_bytes": 2048, "zip_bytes": 1024, "accuracy": 0.987,
         "latency_ratio_vs_float32": 0.5},
        {"name": "coreml_float16", "size_bytes": 4096, "zip_bytes": 3072, "accuracy": None},
    ])
    assert [table.index.name, *table.columns] == ["variant", "size (KB)", "zipped (KB)", "accuracy",
                                                  "latency (x float32)"]
    assert table.loc["tflite_int8"].tolist() == [2.0, 1.0, 0.987, 0.5]
    assert table.loc["coreml_float16"].tolist() == [4.0, 3.0, "n/a", "n/a"]
    assert list(optimize.table([{"name": "a", "size_bytes": 1024}]).columns) == ["size (KB)"]
