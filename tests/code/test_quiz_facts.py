"""Every quiz answer that states a fact about an API is checked here against the real API.

One test per question: it first pins the question's right letter (so changing the
answer breaks the test), then checks the facts that make that option right and the
other options wrong, with the reference model or small real Keras models. No mocks.
"""
import gzip
import platform

import numpy as np
import pytest

from course_grader import runtime as grader_runtime
from course_lib import convert, data, inspect, quiz, runtime
from course_lib.evaluate import agreement
from course_lib.quiet import import_tensorflow, quiet

tf = import_tensorflow()

# Questions about judgement or workflow, not about an API: nothing to call.
CONCEPTUAL = {"q05", "q09"}


def answer_is(question_id, letter):
    assert quiz.is_correct(question_id, letter), f"{question_id}: the facts below support {letter}"


def tiny_model():
    """A small real Keras classifier with the course model's input and output."""
    tf.keras.utils.set_random_seed(1)
    inputs = tf.keras.Input((28, 28, 1), name="image")
    x = tf.keras.layers.Conv2D(8, 3, activation="relu")(inputs)
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    outputs = tf.keras.layers.Dense(10, activation="softmax")(x)
    return tf.keras.Model(inputs, outputs)


@pytest.fixture(scope="module")
def tiny():
    return tiny_model()


@pytest.fixture(scope="module")
def tiny_saved_model(tiny, tmp_path_factory):
    path = tmp_path_factory.mktemp("saved") / "my_model"
    with quiet():
        tf.saved_model.save(tiny, str(path))
    return path


@pytest.fixture(scope="module")
def ct():
    with quiet():
        import coremltools
    return coremltools


def ct_convert(ct, model, **kwargs):
    with quiet():
        return ct.convert(model, convert_to="mlprogram", **kwargs)


def tflite_convert(converter):
    with quiet():
        return converter.convert()


def _labels(cm):
    """(y_true, y_pred) that give the confusion matrix ``cm`` (rows: actual)."""
    pairs = [(i, j) for i, row in enumerate(cm) for j, n in enumerate(row) for _ in range(n)]
    return np.array([i for i, _ in pairs]), np.array([j for _, j in pairs])


def test_every_question_is_fact_checked_here_or_declared_conceptual():
    from pathlib import Path

    source = Path(__file__).read_text(encoding="utf-8")
    checked = {q.id for q in quiz.QUESTIONS if f"def test_{q.id}_" in source}
    assert checked | CONCEPTUAL == {q.id for q in quiz.QUESTIONS}
    assert not checked & CONCEPTUAL


# ---------------------------------------------------------------- 01 metrics

def test_q01_the_worst_grade_of_the_lesson_budgets_is_the_verdict():
    """The budgets in the question are lesson 01's, and its own grade() and verdict() give
    the right option's verdict: accuracy 'needs work', size and latency 'good'."""
    import ast
    import json
    import re
    from pathlib import Path

    answer_is("q01", "B")
    lesson = json.loads((Path(__file__).resolve().parents[2] / "notebooks" / "01_metrics.ipynb")
                        .read_text(encoding="utf-8"))
    source = next("".join(c["source"]) for c in lesson["cells"] if c.get("id") == "c91b6014")
    tree = ast.parse(source)
    tree.body = [s for s in tree.body if isinstance(s, ast.FunctionDef)
                 or (isinstance(s, ast.Assign) and s.targets[0].id in ("GOOD", "BAD"))]
    ns = {}
    exec(compile(tree, "lesson 01", "exec"), ns)  # noqa: S102  (the lesson's own definitions)
    assert ns["GOOD"] == {"size_mb": 10, "latency_ms": 100, "accuracy": 0.85}
    assert ns["BAD"] == {"size_mb": 50, "latency_ms": 1000, "accuracy": 0.70}
    prompt = quiz.question("q01").prompt
    assert re.findall(r"\d+(?= MB| ms|%)", prompt) == ["10", "100", "85", "50", "1000", "70", "4", "60", "72"]
    grades = {m: ns["grade"](m, v) for m, v in (("size_mb", 4), ("latency_ms", 60), ("accuracy", 0.72))}
    assert grades == {"size_mb": "good", "latency_ms": "good", "accuracy": "needs work"}
    assert ns["verdict"](list(grades.values())) == "needs work"
    assert quiz.question("q01").option("B").startswith("Needs work")


def test_q02_dog_precision_divides_by_the_column_and_recall_by_the_row():
    answer_is("q02", "C")
    from sklearn.metrics import accuracy_score, precision_score, recall_score

    y_true, y_pred = _labels([[45, 3, 2], [4, 40, 6], [1, 5, 44]])   # the matrix in the question
    precision = precision_score(y_true, y_pred, labels=[1], average=None)[0]
    assert precision == pytest.approx(40 / 48) and round(precision, 2) == 0.83
    assert recall_score(y_true, y_pred, labels=[1], average=None)[0] == pytest.approx(40 / 50)
    accuracy = accuracy_score(y_true, y_pred)
    assert accuracy == pytest.approx(129 / 150) and round(accuracy, 2) == 0.86


def test_q03_lowering_the_threshold_raises_recall_and_false_alarms(tflite_variants, splits, test_images):
    answer_is("q03", "A")
    dog = data.class_index("dog")
    scores = grader_runtime.run_tflite(tflite_variants["float32"], test_images)[:, dog]
    is_dog = splits.test.labels == dog
    thresholds = np.linspace(0.05, 0.95, 19)
    recall = [np.mean(scores[is_dog] >= t) for t in thresholds]
    false_alarms = [np.sum(scores[~is_dog] >= t) for t in thresholds]
    # thresholds ascend: going down the list (lowering it) recall and false alarms never fall
    assert np.all(np.diff(recall) <= 0) and np.all(np.diff(false_alarms) <= 0)
    assert recall[0] > recall[-1] and false_alarms[0] > false_alarms[-1]
    precision = [np.mean(is_dog[scores >= t]) for t in (0.05, 0.95)]
    assert precision[0] < precision[1]


def test_q04_duplicates_leak_into_the_test_set_unless_removed_first():
    answer_is("q04", "D")
    images, _ = data.load_raw()
    assert data.duplicate_groups(images), "the raw data has byte-identical copies"

    def leaked(splits):
        train = {img.tobytes() for img in splits.train.images}
        return sum(img.tobytes() in train for img in splits.test.images)

    assert leaked(data.load_splits(deduplicate=False)) > 0
    assert leaked(data.load_splits()) == 0


# ---------------------------------------------------------------- 02 pipeline trace

def test_q06_the_interpreter_does_no_preprocessing(tflite_variants, reference_model, splits):
    answer_is("q06", "C")
    from ai_edge_litert.interpreter import Interpreter

    with quiet():
        interpreter = Interpreter(model_content=tflite_variants["float32"])
        interpreter.allocate_tensors()
    detail = interpreter.get_input_details()[0]
    assert list(detail["shape"]) == [1, 28, 28, 1] and detail["dtype"] == np.float32
    with pytest.raises(ValueError):   # A: a camera frame is not resized for you
        interpreter.set_tensor(detail["index"], np.zeros((1, 224, 224, 3), np.float32))
    with pytest.raises(ValueError):   # B: uint8 pixels are not accepted ...
        interpreter.set_tensor(detail["index"], np.zeros((1, 28, 28, 1), np.uint8))
    layer_kinds = {type(layer).__name__ for layer in reference_model.layers}
    assert not layer_kinds & {"Rescaling", "Normalization"}   # ... nor rescaled inside
    train = splits.train.normalized()                          # D: trained on [0, 1]
    assert train.dtype == np.float32 and train.min() == 0.0 and train.max() == 1.0


def test_q07_int8_input_maps_white_to_127_and_black_to_minus_128(tflite_variants):
    answer_is("q07", "B")
    model = grader_runtime.TFLiteModel(tflite_variants["int8"])
    scale, zero_point = model.input["quantization"]
    assert model.input["dtype"] == np.int8
    assert scale == pytest.approx(1 / 255, rel=1e-4) and zero_point == -128
    white, black = np.ones((1, 28, 28, 1), np.float32), np.zeros((1, 28, 28, 1), np.float32)
    assert np.all(model.prepare(white) == 127) and np.all(model.prepare(black) == -128)


def test_q08_int8_output_is_dequantized_softmax_probabilities(tflite_variants, test_images):
    answer_is("q08", "D")
    model = grader_runtime.TFLiteModel(tflite_variants["int8"])
    scale, zero_point = model.output["quantization"]
    assert model.output["dtype"] == np.int8
    assert scale == pytest.approx(1 / 256) and zero_point == -128
    assert "SOFTMAX" in inspect.inspect_tflite(tflite_variants["int8"]).op_names   # A
    raw = model.invoke_raw(model.prepare(test_images[:200]))
    probs = scale * (raw.astype(np.float32) - zero_point)
    assert np.allclose(probs.sum(axis=1), 1.0, atol=0.05) and probs.min() >= 0
    assert np.array_equal(raw.argmax(axis=1), probs.argmax(axis=1))
    assert (raw < 0).any()                      # B, C: raw values are not probabilities
    assert np.allclose(probs, model.predict(test_images[:200]))


# ---------------------------------------------------------------- 03 conversion

def test_q10_only_the_converter_object_exists():
    answer_is("q10", "D")
    assert not hasattr(tf, "convert_to_tflite")
    assert not hasattr(tf.saved_model, "convert_to_tflite")
    assert not hasattr(tf.lite, "convert")
    assert hasattr(tf.lite.TFLiteConverter, "from_saved_model")
    assert hasattr(tf.lite.TFLiteConverter, "from_keras_model")


def test_q11_convert_returns_flatbuffer_bytes_and_writes_no_file(tiny_saved_model, tmp_path, monkeypatch):
    answer_is("q11", "C")
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tiny_saved_model.rglob("*"))
    converter = tf.lite.TFLiteConverter.from_saved_model(str(tiny_saved_model))
    tflite_model = tflite_convert(converter)
    assert type(tflite_model) is bytes and tflite_model[4:8] == b"TFL3"
    assert not list(tmp_path.rglob("*.tflite")) and not list(tiny_saved_model.rglob("*.tflite"))
    assert sorted(p.name for p in tiny_saved_model.rglob("*")) == before
    (tmp_path / "model.tflite").write_bytes(tflite_model)
    assert grader_runtime.TFLiteModel(tmp_path / "model.tflite").input_shape == (28, 28, 1)


@pytest.fixture(scope="module")
def coreml_from_path(ct, tiny_saved_model):
    """coremltools.convert given a SavedModel folder's path (no inputs, no labels)."""
    return ct_convert(ct, str(tiny_saved_model))


def test_q12_convert_takes_a_savedmodel_path_but_a_mlmodel_is_loaded_not_converted(
        ct, tiny, coreml_from_path, tflite_variants, tmp_path):
    answer_is("q12", "B")
    assert ct.converters.convert is ct.convert
    from_path = coreml_from_path                                 # A is wrong: paths work
    assert isinstance(from_path, ct.models.MLModel)

    with quiet():
        nn = ct.convert(tiny, convert_to="neuralnetwork")
    mlmodel_path = tmp_path / "model.mlmodel"
    nn.save(str(mlmodel_path))
    with pytest.raises(ValueError, match="source framework"):
        with quiet():
            ct.convert(str(mlmodel_path))
    tflite_path = tmp_path / "model.tflite"                      # C: no .tflite source either
    tflite_path.write_bytes(tflite_variants["float32"])
    with pytest.raises(ValueError, match="source framework"):
        with quiet():
            ct.convert(str(tflite_path))
    with quiet():                                                # B, D: MLModel opens both
        loaded = ct.models.MLModel(str(mlmodel_path))
        from_path.save(str(tmp_path / "model.mlpackage"))
        package = ct.models.MLModel(str(tmp_path / "model.mlpackage"))
    assert inspect.inspect_coreml(loaded).model_type == "neuralnetwork"
    assert inspect.inspect_coreml(package).model_type == "mlprogram"


@pytest.fixture(scope="module")
def coreml_float16(ct, reference_model):
    """The course model as a float16 mlprogram with an image input and class labels."""
    image = ct.ImageType(name="image", shape=(1, 28, 28, 1), scale=1 / 255,
                         color_layout=ct.colorlayout.GRAYSCALE)
    return ct_convert(ct, reference_model, inputs=[image], minimum_deployment_target=ct.target.iOS16,
                      classifier_config=ct.ClassifierConfig(list(data.CLASS_NAMES)))


def test_q13_one_model_converts_to_both_formats_and_core_ml_needs_apple(
        tflite_variants, coreml_float16):
    answer_is("q13", "C")
    assert tflite_variants["float32"][4:8] == b"TFL3"            # the same Keras model ...
    assert inspect.inspect_coreml(coreml_float16).model_type == "mlprogram"   # ... both ways
    if platform.system() == "Darwin":
        pytest.skip("Core ML predicts on macOS; the Apple-only check needs another OS")
    assert not runtime.coreml_can_predict()
    with pytest.raises(Exception, match="only supported on macOS"):
        with quiet():
            coreml_float16.predict({"image": np.zeros((1, 28, 28, 1), np.float32)})
    # (LiteRT's iOS support is documented, not callable from Python: not testable here.)


def test_q14_image_input_needs_imagetype_with_scale_and_labels_need_classifier_config(
        ct, tiny, coreml_from_path):
    answer_is("q14", "A")
    labels = list(data.CLASS_NAMES)
    image = dict(shape=(1, 28, 28, 1), color_layout=ct.colorlayout.GRAYSCALE)   # as in the options

    right = inspect.inspect_coreml(ct_convert(ct, tiny, inputs=[ct.ImageType(scale=1 / 255, **image)],
                                              classifier_config=ct.ClassifierConfig(labels)))
    assert right.has_image_input and right.inputs[0]["details"] == "28x28 GRAYSCALE"
    assert right.class_labels == labels

    # B and D: a TensorType input is a multi-array, and class labels do not change that
    tensor = inspect.inspect_coreml(ct_convert(ct, tiny, inputs=[ct.TensorType(shape=(1, 28, 28, 1))],
                                               classifier_config=ct.ClassifierConfig(labels)))
    assert tensor.inputs[0]["kind"] == "multiArray" and tensor.class_labels == labels

    assert ct.ImageType(**image).scale == 1.0                                   # C: no /255 ...
    assert inspect.inspect_coreml(coreml_from_path).class_labels == []          # ... no labels


# ---------------------------------------------------------------- 06 shipping

def shrink_module(method):
    """Lesson 06's model of one op: a 56x56 crop resized to 28x28, with a named signature."""
    module = tf.Module()
    module.shrink = tf.function(lambda image: {"small": tf.image.resize(image, (28, 28), method=method)},
                                input_signature=[tf.TensorSpec([1, 56, 56, 1], tf.float32, name="image")])
    return module


def convert_module(module, supported_ops):
    converter = tf.lite.TFLiteConverter.from_concrete_functions([module.shrink.get_concrete_function()], module)
    converter.target_spec.supported_ops = supported_ops
    return tflite_convert(converter)


def test_q21_a_flex_op_is_named_in_the_file_and_its_kernels_are_not(tmp_path):
    answer_is("q21", "B")
    from ai_edge_litert.interpreter import Interpreter

    with pytest.raises(Exception, match="neither a custom op nor a flex op"):
        convert_module(shrink_module("bicubic"), [tf.lite.OpsSet.TFLITE_BUILTINS])
    flex = convert_module(shrink_module("bicubic"),
                          [tf.lite.OpsSet.TFLITE_BUILTINS, tf.lite.OpsSet.SELECT_TF_OPS])
    builtin = convert_module(shrink_module("bilinear"), [tf.lite.OpsSet.TFLITE_BUILTINS])
    assert [op.name for op in inspect.inspect_tflite(flex).ops] == ["FlexResizeBicubic"]
    assert [op.name for op in inspect.inspect_tflite(builtin).ops] == ["RESIZE_BILINEAR"]
    assert len(flex) - len(builtin) < 1024          # B: the file only names the op; not A
    with pytest.raises(RuntimeError, match="Flex delegate"):   # A: a runtime without TF's kernels refuses it
        with quiet():
            Interpreter(model_content=flex).allocate_tensors()
    with quiet():
        Interpreter(model_content=builtin).allocate_tensors()  # the builtin runs as it is


def test_q22_a_plain_tflite_describes_its_tensors_but_holds_no_labels_or_normalization(tflite_variants):
    answer_is("q22", "C")
    from ai_edge_litert import schema_py_generated as schema
    from ai_edge_litert.interpreter import Interpreter

    blob = tflite_variants["int8"]
    with quiet():
        runner = Interpreter(model_content=blob).get_signature_runner("serving_default")
    image, = runner.get_input_details().values()                 # C (and not B): named, typed,
    assert list(image["shape"]) == [1, 28, 28, 1] and image["dtype"] == np.int8
    scale, zero_point = image["quantization"]                     # with scale and zero point
    assert scale > 0 and -128 <= zero_point <= 127
    assert set(runner.get_output_details()) == {"probabilities"}
    for name in data.CLASS_NAMES:                                 # A, D: no label in the file
        assert name.encode() not in blob, name
    model = schema.Model.GetRootAs(blob, 0)
    metadata = {model.Metadata(i).Name().decode() for i in range(model.MetadataLength())}
    assert "TFLITE_METADATA" not in metadata                       # no normalization metadata either


def test_q23_imagetype_and_classifier_config_take_a_gray_image_and_return_labels(ct, coreml_float16):
    answer_is("q23", "A")
    from coremltools.proto import FeatureTypes_pb2

    spec = coreml_float16.get_spec()
    image, = spec.description.input
    assert image.type.WhichOneof("Type") == "imageType"           # A: an image, not an array (B, C)
    assert image.type.imageType.colorSpace == FeatureTypes_pb2.ImageFeatureType.GRAYSCALE  # D: gray in
    outputs = {o.name: o.type.WhichOneof("Type") for o in spec.description.output}
    assert outputs[spec.description.predictedFeatureName] == "stringType"            # the label ...
    assert outputs[spec.description.predictedProbabilitiesName] == "dictionaryType"  # ... and a probability per label
    report = inspect.inspect_coreml(coreml_float16)
    assert report.class_labels == list(data.CLASS_NAMES)


# ---------------------------------------------------------------- 04 optimization

def test_q15_optimize_default_alone_is_dynamic_range(tflite_variants):
    answer_is("q15", "B")
    dynamic = inspect.inspect_tflite(tflite_variants["dynamic_range"])
    assert dynamic.inputs[0].dtype == "float32" and dynamic.outputs[0].dtype == "float32"
    assert "int8" in dynamic.weight_dtypes and "float16" not in dynamic.weight_dtypes
    assert "CONV_2D" in dynamic.float_ops and not dynamic.fully_integer
    assert dynamic.size_bytes <= 0.35 * len(tflite_variants["float32"])


def test_q16_float16_halves_the_weights_and_keeps_float32_io(tflite_variants, test_images, tiny):
    answer_is("q16", "D")
    fp16 = inspect.inspect_tflite(tflite_variants["float16"])
    assert 0.4 < fp16.size_bytes / len(tflite_variants["float32"]) < 0.6
    assert "float16" in fp16.weight_dtypes and "int8" not in fp16.weight_dtypes
    assert "DEQUANTIZE" in fp16.op_names and "CONV_2D" in fp16.float_ops
    assert fp16.inputs[0].dtype == "float32" and fp16.outputs[0].dtype == "float32"
    probs16 = grader_runtime.run_tflite(tflite_variants["float16"], test_images)
    assert agreement(probs16, grader_runtime.run_tflite(tflite_variants["float32"], test_images)) >= 0.99
    converter = tf.lite.TFLiteConverter.from_keras_model(tiny)   # C: no calibration data needed
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.target_spec.supported_types = [tf.float16]
    assert "float16" in inspect.inspect_tflite(tflite_convert(converter)).weight_dtypes


def test_q17_full_integer_needs_calibration_and_int8_interface_types(tflite_variants, tiny, splits):
    answer_is("q17", "C")
    int8 = inspect.inspect_tflite(tflite_variants["int8"])      # the recipe of option C
    assert int8.fully_integer and [t.dtype for t in int8.inputs + int8.outputs] == ["int8", "int8"]
    assert not inspect.inspect_tflite(tflite_variants["dynamic_range"]).fully_integer   # A

    converter = tf.lite.TFLiteConverter.from_keras_model(tiny)                          # B
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.inference_input_type = converter.inference_output_type = tf.int8
    with pytest.raises(ValueError, match="must be tf.float32"):
        tflite_convert(converter)

    converter = tf.lite.TFLiteConverter.from_keras_model(tiny)                          # D
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([x[None]] for x in splits.train.normalized()[:20])
    calibrated = inspect.inspect_tflite(tflite_convert(converter))
    assert calibrated.inputs[0].dtype == "float32" and calibrated.outputs[0].dtype == "float32"
    assert {"QUANTIZE", "DEQUANTIZE"} <= set(calibrated.op_names)
    assert "CONV_2D" not in calibrated.float_ops


def test_q18_pruned_zeros_do_not_shrink_a_dense_tflite_but_compress(splits):
    answer_is("q18", "A")
    import tensorflow_model_optimization as tfmot

    sparsity = tfmot.sparsity.keras
    tf.keras.utils.set_random_seed(2)
    inputs = tf.keras.Input((28, 28, 1))   # a small real model whose file is mostly weights
    hidden = tf.keras.layers.Dense(128, activation="relu")(tf.keras.layers.Flatten()(inputs))
    model = tf.keras.Model(inputs, tf.keras.layers.Dense(10, activation="softmax")(hidden))
    dense = tflite_convert(tf.lite.TFLiteConverter.from_keras_model(model))
    with quiet():
        schedule = sparsity.ConstantSparsity(0.5, begin_step=0, frequency=1)
        pruned = sparsity.prune_low_magnitude(model, pruning_schedule=schedule)
        pruned.compile(optimizer=tf.keras.optimizers.SGD(0.0), loss="sparse_categorical_crossentropy")
        pruned.fit(splits.train.normalized()[:32], splits.train.labels[:32], epochs=1, batch_size=32,
                   verbose=0, callbacks=[sparsity.UpdatePruningStep()])
        stripped = sparsity.strip_pruning(pruned)
    assert not any("Prune" in type(layer).__name__ for layer in stripped.layers)        # C, D
    kernel = stripped.layers[2].kernel.numpy()
    assert np.mean(kernel == 0) == pytest.approx(0.5, abs=0.01)

    pruned_bytes = tflite_convert(tf.lite.TFLiteConverter.from_keras_model(stripped))
    assert abs(len(pruned_bytes) - len(dense)) < 0.01 * len(dense)                      # not halved
    assert len(gzip.compress(pruned_bytes)) < 0.8 * len(gzip.compress(dense))            # compresses


def test_q19_qat_wraps_the_model_and_its_ranges_replace_calibration(tiny, tflite_variants):
    answer_is("q19", "D")
    import tensorflow_model_optimization as tfmot

    with quiet():
        qat = tfmot.quantization.keras.quantize_model(tiny)
    kinds = {type(layer).__name__ for layer in qat.layers}
    assert {"QuantizeLayer", "QuantizeWrapperV2"} <= kinds
    converter = tf.lite.TFLiteConverter.from_keras_model(qat)   # no representative dataset
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    report = inspect.inspect_tflite(tflite_convert(converter))
    assert "int8" in report.weight_dtypes and "CONV_2D" not in report.float_ops
    assert not inspect.inspect_tflite(tflite_variants["float16"]).fully_integer          # C


def test_q20_core_ml_weight_compression_shrinks_weights_only(ct, coreml_float16, tmp_path):
    answer_is("q20", "B")
    import coremltools.optimize.coreml as cto

    saved = convert.save_coreml(coreml_float16, tmp_path / "float16.mlpackage")
    with quiet():
        loaded = ct.models.MLModel(str(saved))                  # C: works on a saved package
        linear = cto.linear_quantize_weights(
            loaded, cto.OptimizationConfig(cto.OpLinearQuantizerConfig(mode="linear_symmetric")))
        palette = cto.palettize_weights(
            loaded, cto.OptimizationConfig(cto.OpPalettizerConfig(mode="kmeans", nbits=4)))
    reports = {name: inspect.inspect_coreml(convert.save_coreml(m, tmp_path / f"{name}.mlpackage"))
               for name, m in (("linear8", linear), ("palette4", palette))}
    reports["float16"] = inspect.inspect_coreml(saved)
    assert reports["palette4"].size_bytes < reports["linear8"].size_bytes < reports["float16"].size_bytes
    assert reports["linear8"].weight_compression.get("linear_quantized", 0) > 0
    assert reports["palette4"].weight_compression.get("palettized", 0) > 0
    for report in reports.values():                             # A: the image input stays
        assert report.has_image_input and report.inputs[0]["details"] == "28x28 GRAYSCALE"


# ================================================================ the graded quiz (05_quiz)
# Its answers come from the grader (course_grader.quiz), for a few student ids: each test
# checks them, or the fact the right option states, against the live libraries.

from course_grader import quiz as grader  # noqa: E402
from course_lib.quiz import graded  # noqa: E402

IDS = ["alice", "bob", "solution", "q7-student"]
# Judgement or plain arithmetic the question spells out: nothing in a library to call.
GRADED_CONCEPTUAL = {"q05", "q10", "q17"}


def graded_right(qid, piece):
    """The grader's right option of ``qid`` is the one that says ``piece``, for every id."""
    for student in IDS:
        q = graded.question(student, qid)
        assert piece in q.option_text(grader.answer(student, qid)[0]), (student, qid)


def test_every_graded_question_is_fact_checked_here_or_declared_conceptual():
    from pathlib import Path

    import re

    names = re.findall(r"^def (test_graded_\w+)\(", Path(__file__).read_text(encoding="utf-8"), re.M)
    checked = {qid for qid in graded.IDS if any(f"_{qid}_" in name for name in names)}
    assert checked | GRADED_CONCEPTUAL == set(graded.IDS) and not checked & GRADED_CONCEPTUAL


def test_graded_q01_precision_and_q02_f1_agree_with_scikit_learn():
    from sklearn.metrics import f1_score, precision_score

    for student in IDS:
        for qid, metric in (("q01", precision_score), ("q02", f1_score)):
            p = graded.question(student, qid).params
            y_true, y_pred = _labels(p["confusion"])
            expected = metric(y_true, y_pred, labels=[p["class_index"]], average=None)[0]
            assert grader.answer(student, qid)[0] == pytest.approx(expected, abs=1e-12)


def test_graded_q03_ships_the_lowest_threshold_that_meets_the_precision():
    from sklearn.metrics import precision_score

    for student in IDS:
        p = graded.question(student, "q03").params
        right = grader.answer(student, "q03")[0]
        for t, dogs, others in zip(p["thresholds"], p["dogs_flagged"], p["others_flagged"]):
            flagged_true = np.r_[np.ones(dogs), np.zeros(others)]           # what was flagged
            precision = precision_score(flagged_true, np.ones_like(flagged_true))
            assert precision == pytest.approx(dogs / (dogs + others))
            if t < right:
                assert precision < p["min_precision"]
        assert p["dogs_flagged"] == sorted(p["dogs_flagged"], reverse=True)  # lower: more dogs
        assert precision == 1.0 and right in p["thresholds"]


def test_graded_q04_a_constant_answer_has_the_majority_accuracy_and_no_recall():
    from sklearn.metrics import accuracy_score, recall_score

    graded_right("q04", "dog recall 0")
    for student in IDS:
        cats = graded.question(student, "q04").params["cat_percent"]
        y_true = np.r_[np.zeros(cats), np.ones(100 - cats)]               # 1: dog
        y_pred = np.zeros(100)
        assert accuracy_score(y_true, y_pred) == pytest.approx(cats / 100)
        assert recall_score(y_true, y_pred) == 0.0


@pytest.fixture(scope="module")
def calibrated_int8():
    """A small int8-in/int8-out model calibrated on values spread over [-1.35, 2.13], and
    its float-in/float-out twin (the same calibration)."""
    tf.keras.utils.set_random_seed(2)
    inputs = tf.keras.Input((4,))
    model = tf.keras.Model(inputs, tf.keras.layers.Dense(3, activation="softmax")(inputs))
    low, high = -1.35, 2.13

    def data():
        for v in np.linspace(low, high, 64, dtype=np.float32):
            yield [np.full((1, 4), v, np.float32)]

    def conversion(int8_io):
        converter = tf.lite.TFLiteConverter.from_keras_model(model)
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = data
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        if int8_io:
            converter.inference_input_type = converter.inference_output_type = tf.int8
        return tflite_convert(converter)

    return {"low": low, "high": high, "int8": conversion(True), "float": conversion(False)}


def _interpreter(blob, **kwargs):
    from ai_edge_litert.interpreter import Interpreter

    with quiet():
        interpreter = Interpreter(model_content=blob, **kwargs)
        interpreter.allocate_tensors()
    return interpreter


def test_graded_q06_quantize_q07_dequantize_and_q09_zero_point_follow_litert(calibrated_int8):
    """LiteRT's own quantization of an input and dequantization of an output use the
    formulas the grader uses, and its converter picks the zero point they give."""
    int8, twin = _interpreter(calibrated_int8["int8"]), _interpreter(calibrated_int8["float"])
    (scale, zero_point), = [int8.get_input_details()[0]["quantization"]]
    low, high = calibrated_int8["low"], calibrated_int8["high"]
    assert scale == pytest.approx((high - low) / 255, rel=1e-5)
    assert zero_point == round(-128 - low / ((high - low) / 255))      # q09's formula
    for student in IDS:                                                 # q09 as asked
        p = graded.question(student, "q09").params
        scale_q09 = (p["max"] - p["min"]) / 255
        assert grader.answers(student)["q09"] == round(-128 - p["min"] / scale_q09)

    x = np.linspace(low, high, 4, dtype=np.float32)[None]
    q = np.clip(np.round(x / scale) + zero_point, -128, 127).astype(np.int8)   # q06's formula
    int8.set_tensor(int8.get_input_details()[0]["index"], q)
    int8.invoke()
    raw = int8.get_tensor(int8.get_output_details()[0]["index"])
    twin.set_tensor(twin.get_input_details()[0]["index"], x)
    twin.invoke()
    out_scale, out_zero = int8.get_output_details()[0]["quantization"]
    assert out_scale == pytest.approx(1 / 256) and out_zero == -128       # q07's parameters
    dequantized = out_scale * (raw.astype(np.float32) - out_zero)         # q07's formula
    assert np.allclose(dequantized, twin.get_tensor(twin.get_output_details()[0]["index"]),
                       atol=2 * out_scale)
    for student in IDS:
        p = graded.question(student, "q07").params
        assert grader.answer(student, "q07")[0] == pytest.approx(out_scale * (p["q"] - out_zero))


def test_graded_q08_nhwc_input_bytes_are_what_the_interpreter_allocates(tiny):
    with quiet():
        blob = tf.lite.TFLiteConverter.from_keras_model(tiny).convert()
    interpreter = _interpreter(blob)
    index = interpreter.get_input_details()[0]["index"]
    interpreter.resize_tensor_input(index, [8, 28, 28, 1])
    interpreter.allocate_tensors()
    assert interpreter.tensor(index)().nbytes == 8 * 28 * 28 * 1 * 4
    for student in IDS:
        p = graded.question(student, "q08").params
        shape = (p["batch"], p["height"], p["width"], p["channels"])
        assert grader.answers(student)["q08"] == np.zeros(shape, p["dtype"]).nbytes


def test_graded_q11_a_float_model_runs_on_unscaled_pixels_and_gets_them_wrong(
        tflite_variants, splits, test_images):
    graded_right("q11", "mostly wrong")
    labels = splits.test.labels[:300]
    scaled = grader_runtime.run_tflite(tflite_variants["float32"], test_images[:300])
    raw = grader_runtime.run_tflite(tflite_variants["float32"], test_images[:300] * 255)  # no error
    assert np.mean(scaled.argmax(1) == labels) > 0.9 > np.mean(raw.argmax(1) == labels) + 0.3


def test_graded_q12_tflite_keeps_nhwc_and_sets_the_batch_to_one(tiny):
    graded_right("q12", "[1, 28, 28, 1]")
    assert tiny.input_shape == (None, 28, 28, 1)
    with quiet():
        detail = _interpreter(tf.lite.TFLiteConverter.from_keras_model(tiny).convert()
                              ).get_input_details()[0]
    assert list(detail["shape"]) == [1, 28, 28, 1]
    assert list(detail["shape_signature"]) == [-1, 28, 28, 1]


def test_graded_q13_an_mlprogram_stores_float16_weights_by_default(ct, tiny):
    graded_right("q13", "As float16")
    program = ct_convert(ct, tiny)._mil_program
    weights = {str(op.outputs[0].val.dtype) for f in program.functions.values()
               for op in f.operations
               if op.op_type == "const" and getattr(op.outputs[0].val, "size", 0) > 8}
    assert weights == {"float16"}


def test_graded_q14_set_tensor_needs_allocate_tensors_first(tiny):
    from ai_edge_litert.interpreter import Interpreter

    graded_right("q14", "allocate_tensors()")
    with quiet():
        interpreter = Interpreter(model_content=tf.lite.TFLiteConverter.from_keras_model(tiny).convert())
    detail = interpreter.get_input_details()[0]
    with pytest.raises(ValueError, match="allocate_tensors"):
        interpreter.set_tensor(detail["index"], np.zeros((1, 28, 28, 1), np.float32))
    interpreter.allocate_tensors()
    interpreter.set_tensor(detail["index"], np.zeros((1, 28, 28, 1), np.float32))
    interpreter.invoke()


def test_graded_q15_coremltools_on_linux_does_everything_but_predict(ct, tiny, tmp_path):
    import coremltools.optimize.coreml as cto

    graded_right("q15", "predict() only works on macOS")
    if platform.system() == "Darwin":
        pytest.skip("the question is about Linux")
    mlmodel = ct_convert(ct, tiny)
    mlmodel.save(str(tmp_path / "m.mlpackage"))
    with quiet():
        loaded = ct.models.MLModel(str(tmp_path / "m.mlpackage"))
        compressed = cto.linear_quantize_weights(
            loaded, cto.OptimizationConfig(cto.OpLinearQuantizerConfig(mode="linear_symmetric")))
    assert inspect.inspect_coreml(compressed).model_type == "mlprogram"
    with pytest.raises(Exception, match="only supported on macOS"):
        with quiet():
            loaded.predict({"image": np.zeros((1, 28, 28, 1), np.float32)})


def test_graded_q16_weight_bytes_per_dtype_are_numpys():
    for student in IDS:
        p = graded.question(student, "q16").params
        nbytes = np.zeros(p["parameters"], p["dtype"]).nbytes
        assert grader.answer(student, "q16")[0] == pytest.approx(nbytes / 1024)


def _int8_conversion(model, images, **settings):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([image[None]] for image in images[:20])
    for name, value in settings.items():
        target = converter.target_spec if name.startswith("supported_") else converter
        setattr(target, name, value)
    return _interpreter(tflite_convert(converter)).get_input_details()[0]


def test_graded_q18_only_the_inference_types_make_the_interface_int8(tiny, splits):
    graded_right("q18", "inference_input_type = tf.int8")
    images = splits.train.normalized()
    ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    assert _int8_conversion(tiny, images, supported_types=[tf.int8])["dtype"] == np.float32
    assert _int8_conversion(tiny, images, supported_ops=ops)["dtype"] == np.float32
    assert _int8_conversion(tiny, images, supported_ops=ops, inference_input_type=tf.int8,
                            inference_output_type=tf.int8)["dtype"] == np.int8


def test_graded_q19_q20_the_input_scale_comes_from_calibration(tiny, splits):
    graded_right("q19", "get_input_details()")
    graded_right("q20", "an input scale near 1")
    images = splits.train.normalized()
    io = dict(supported_ops=[tf.lite.OpsSet.TFLITE_BUILTINS_INT8], inference_input_type=tf.int8,
              inference_output_type=tf.int8)
    scaled = _int8_conversion(tiny, images, **io)["quantization"]
    raw = _int8_conversion(tiny, images * 255, **io)["quantization"]
    assert scaled[0] == pytest.approx(1 / 255, rel=1e-3)
    assert raw[0] == pytest.approx(1.0, rel=1e-3) and raw != scaled
