"""The submissions every assignment is autograded with, and the score each must get.

Each wrong submission is the solution with ONE answer cell (keyed by its nbgrader
grade_id) replaced by a realistic mistake; the expected score follows from which test
cells that mistake fails (noted next to each).
"""
from submissions_quiz import WRONG_QUIZ

_INT8_CONVERTER = '''\
def representative_dataset():
    for image in {images}:
        yield [image[np.newaxis]]


converter = tf.lite.TFLiteConverter.from_keras_model(model)
converter.optimizations = [tf.lite.Optimize.DEFAULT]
converter.representative_dataset = representative_dataset
converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
{io}
int8_tflite = converter.convert()
Path("animal_int8.tflite").write_bytes(int8_tflite)
'''
_INT8_IO = "converter.inference_input_type = tf.int8\nconverter.inference_output_type = tf.int8"

_COREML = '''\
def keras_to_coreml(keras_model):
    return ct.convert(keras_model, {arguments})


MLPACKAGE_PATH = Path("animal.mlpackage")
mlmodel = keras_to_coreml(model)
mlmodel.save(str(MLPACKAGE_PATH))
'''
_IMAGE = ("inputs=[ct.ImageType(shape=(1, 28, 28, 1), scale=1 / 255, "
          "color_layout=ct.colorlayout.GRAYSCALE)]")
_LABELS = "classifier_config=ct.ClassifierConfig(CLASS_NAMES)"

_APP_INPUT = '''\
def app_input(frame, contract):
{crop}    gray = np.asarray(Image.fromarray(square).convert("L"), dtype=np.float32)
    small = tf.image.resize(gray[..., np.newaxis], (contract.height, contract.width), method="bilinear").numpy()
    stretched = 255 * (small - small.min()) / (small.max() - small.min())
    values = {normalize}
    if contract.input.quantized:
        info = np.iinfo(contract.input.dtype)
        values = np.clip(np.round(values / contract.input.scale) + contract.input.zero_point, info.min, info.max)
    return values.astype(contract.input.dtype).reshape(contract.input.shape)
'''
_APP_MODEL = '''\
APP_MODEL_PATH = Path("animals_app.tflite")


class AppModel(tf.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    @tf.function(input_signature=[tf.TensorSpec([1, 56, 56, 1], tf.float32, name="crop")])
    def classify(self, crop):
        return {{"probabilities": self.model(tf.image.resize(crop, (28, 28), method="{method}"))}}


app_model = AppModel(keras_model)
with quiet():
    {converter}
    converter.target_spec.supported_ops = {ops}
    APP_MODEL_PATH.write_bytes(converter.convert())
'''
_SAVED_CLASSIFY = ('tf.saved_model.save(app_model, "saved", signatures={"classify": app_model.classify})\n'
                   '    converter = tf.lite.TFLiteConverter.from_saved_model("saved")')
_CONCRETE = "converter = tf.lite.TFLiteConverter.from_concrete_functions([app_model.classify.get_concrete_function()], app_model)"
_BUILTINS = "[tf.lite.OpsSet.TFLITE_BUILTINS]"


# assignment -> [(student, {grade_id: replacement source}, expected score, why)]
WRONG = {
    "01_metrics": [
        ("swapped_pr", {"q1_answer": '''\
def metrics(cm):
    cm = np.asarray(cm, dtype=np.float64)
    correct = np.diag(cm)
    return float(correct.sum() / cm.sum()), correct / cm.sum(axis=1), correct / cm.sum(axis=0)
'''}, 7, "precision and recall swapped: q1_precision, q1_recall, q1_hidden fail"),
        ("nan_edges", {"q1_answer": '''\
def metrics(cm):
    cm = np.asarray(cm, dtype=np.float64)
    correct = np.diag(cm)
    return float(correct.sum() / cm.sum()), correct / cm.sum(axis=0), correct / cm.sum(axis=1)
'''}, 9, "nan for empty rows/columns: only the hidden edge-case test fails"),
        ("recall_only", {"q2_answer": '''\
def choose_threshold(scores, is_positive, min_precision):
    return 0.0  # flags everything: perfect recall, precision target ignored


DOG_THRESHOLD = choose_threshold(dog_scores, is_dog, 0.95)
'''}, 7, "wrong threshold: q2_threshold and q2_hidden fail"),
        ("ignores_integer", {"q3_answer": '''\
def meets_budget(tflite_model, budget, images, labels):
    accuracy = np.mean(runtime.predicted_classes(tflite_model, images) == labels)
    return bool(len(tflite_model) <= budget["max_size_bytes"] and accuracy >= budget["min_accuracy"])


decisions = {name: meets_budget(blob, BUDGET, x_val, y_val) for name, blob in candidates.items()}
'''}, 7, "integer_only ignored: the dynamic-range model passes; q3_decisions and q3_hidden fail"),
    ],
    "02_pipeline_trace": [
        ("no_stretch", {"q1_answer": '''\
def preprocess(frame, input_detail):
    gray = np.asarray(Image.fromarray(frame).convert("L"), dtype=np.float32) / 255.0
    small = tf.image.resize(gray[..., np.newaxis], (28, 28), method="bilinear").numpy()[..., 0]
    scale, zero_point = input_detail["quantization"]
    q = np.round(small / scale) + zero_point
    return np.clip(q, -128, 127).astype(np.int8)[np.newaxis, ..., np.newaxis]
'''}, 5, "no contrast stretch: q1_values and both hidden q1 tests fail"),
        ("fixed_quant", {"q1_answer": '''\
def preprocess(frame, input_detail):
    gray = np.asarray(Image.fromarray(frame).convert("L"), dtype=np.float32) / 255.0
    small = tf.image.resize(gray[..., np.newaxis], (28, 28), method="bilinear").numpy()[..., 0]
    stretched = (small - small.min()) / (small.max() - small.min())
    q = np.round(stretched * 255) - 128  # this one model's scale and zero point, hard-coded
    return np.clip(q, -128, 127).astype(np.int8)[np.newaxis, ..., np.newaxis]
'''}, 7, "hard-coded quantization: only the hidden other-scale test fails"),
        ("no_dequantize", {"q2_answer": '''\
def postprocess(raw_output, output_detail, k=3):
    raw = raw_output.reshape(-1)
    top = np.argsort(-raw.astype(np.int32))[:k]
    return [(CLASS_NAMES[i], float(raw[i])) for i in top]
'''}, 6, "raw int8 as confidences: q2_topk and q2_hidden fail"),
        ("one_shape_wrong", {"q3_answer": '''\
SHAPES = {
    "camera_frame": (224, 224, 3),
    "grayscale": (224, 224),
    "resized": (28, 28),
    "model_input": (28, 28, 1),
    "model_output": (1, 10),
}
'''}, 7.6, "model_input without the batch axis: 4 of 5 stages, 1.6 of 2 points"),
    ],
    "03_conversion": [
        ("quantized_q1", {"q1_answer": '''\
def keras_to_tflite(keras_model):
    converter = tf.lite.TFLiteConverter.from_keras_model(keras_model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    return converter.convert()


tflite_from_keras = keras_to_tflite(model)
'''}, 10, "dynamic-range model where float32 was asked: q1_float32 and q1_hidden fail"),
        ("ignores_dir", {"q2_answer": '''\
def saved_model_to_tflite(saved_model_dir):
    return tf.lite.TFLiteConverter.from_keras_model(model).convert()  # ignores the folder


tflite_from_saved_model = saved_model_to_tflite(SAVED_MODEL_DIR)
'''}, 11, "converts the notebook's model, not the folder: q2_hidden fails"),
        ("neuralnetwork", {"q5_answer": _COREML.format(
            arguments=f'convert_to="neuralnetwork", {_IMAGE}, {_LABELS}')},
         11, "neuralnetwork instead of mlprogram: q5_mlprogram fails"),
    ],
    "04_optimization": [
        ("float_input", {"q1_answer": _INT8_CONVERTER.format(
            images="x_train[:200]", io="converter.inference_output_type = tf.int8")},
         12, "float32 input left in the int8 model: q1_int8_io fails"),
        ("dynamic_range", {"q1_answer": '''\
converter = tf.lite.TFLiteConverter.from_keras_model(model)
converter.optimizations = [tf.lite.Optimize.DEFAULT]
int8_tflite = converter.convert()
Path("animal_int8.tflite").write_bytes(int8_tflite)
'''}, 9, "dynamic-range model passed off as int8: q1_int8_io, q1_integer_ops, q1_latency (2) fail"),
        ("raw_calibration", {"q1_answer": _INT8_CONVERTER.format(
            images="splits.train.images[:200].astype(np.float32)", io=_INT8_IO)},
         11, "calibrated on raw 0-255 pixels: the hidden held-out accuracy test (2) fails"),
        ("no_compression", {"q2_answer": f'''\
COMPRESSED_PATH = Path("animal_compressed.mlpackage")
mlmodel = ct.convert(model, convert_to="mlprogram", {_IMAGE}, {_LABELS})
mlmodel.save(str(COMPRESSED_PATH))
'''}, 11, "float16 package saved uncompressed: q2_compressed and q2_size fail"),
    ],
    "05_quiz": WRONG_QUIZ,
    "06_shipping": [
        ("squashed", {"q1_answer": _APP_INPUT.format(
            crop="    square = frame  # the whole frame, squashed by the resize\n",
            normalize="(stretched - contract.mean) / contract.std")},
         6, "no centre crop: the 4:3 frames come out wrong; q1_values's hidden twin and q1_hidden_crop fail"),
        ("serving_default", {"q2_answer": _APP_MODEL.format(
            method="bilinear", converter=_CONCRETE, ops=_BUILTINS)},
         7, "converted from the concrete function: its signature is serving_default; q2_signature fails"),
        ("flex_bicubic", {"q2_answer": _APP_MODEL.format(
            method="bicubic", converter=_SAVED_CLASSIFY,
            ops="[tf.lite.OpsSet.TFLITE_BUILTINS, tf.lite.OpsSet.SELECT_TF_OPS]")},
         5, "bicubic kept as a Flex op: LiteRT cannot run it; q2_builtins, q2_agrees, q2_hidden_crops fail"),
    ],
}

# One wrong submission is also checked with course_lib.selfcheck: same visible verdicts.
SELFCHECK_CASE = ("02_pipeline_trace", "no_stretch")

MAX_SCORE = {"01_metrics": 10, "02_pipeline_trace": 8, "03_conversion": 12,
             "04_optimization": 13, "05_quiz": 20,
             "06_shipping": 8}
