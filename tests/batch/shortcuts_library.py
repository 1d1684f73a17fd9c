"""Shortcuts at the exercises 01-04 a student could take with only the student edition,
for tests/batch/test_batch_shortcuts.py.

Each entry: (student name, assignment, {answer cell grade_id: source}, the test cells it
aims at, words the grader's output or reason must contain). Every shortcut replaces one
answer cell of the instructor's solution with a few lines that let the library do the
graded work (its conversions, the metrics, the threshold, a variant pick, its model runner)
or hand in an artifact the course ships (the provided float32 or int8 model, through the
library or read from its folder). The student edition's library performs none of these tasks and the grader tells
a shipped artifact from the student's own, so on the cells it aims at each shortcut
scores no more than an unanswered notebook.
"""

_LIBRARY_METRICS = """\
from course_lib import evaluate


def metrics(cm):
    m = evaluate.metrics_from_confusion(cm)
    return m.accuracy, m.precision, m.recall


accuracy, precision, recall = metrics(CM_PETS)
"""

_LIBRARY_THRESHOLD = """\
def choose_threshold(scores, is_positive, min_precision):
    sweep = evaluate.threshold_sweep(scores, is_positive, THRESHOLDS)
    return sweep.best_recall_with_precision(min_precision)


DOG_THRESHOLD = choose_threshold(dog_scores, is_dog, 0.95)
"""

_LIBRARY_TFLITE = """\
from course_lib import convert


def keras_to_tflite(keras_model):
    return convert.to_tflite(keras_model, "float32")


tflite_from_keras = keras_to_tflite(model)
"""

_LIBRARY_COREML = """\
from course_lib import convert


def keras_to_coreml(keras_model):
    return convert.to_coreml(keras_model, "float16", CLASS_NAMES)


MLPACKAGE_PATH = Path("animal.mlpackage")
mlmodel = keras_to_coreml(model)
convert.save_coreml(mlmodel, MLPACKAGE_PATH)
"""

_LIBRARY_INT8 = """\
from course_lib import convert

int8_tflite = convert.to_tflite(model, "int8", calibration_images=x_train)
Path("animal_int8.tflite").write_bytes(int8_tflite)
"""

_PROVIDED_INT8 = """\
int8_tflite = provided.tflite("int8")
Path("animal_int8.tflite").write_bytes(int8_tflite)
"""

# The file itself, from the folder the library loads the provided models from.
_PROVIDED_INT8_FILE = """\
int8_file = next(Path(provided.cache_dir()).glob("*int8*.tflite"))
int8_tflite = int8_file.read_bytes()
Path("animal_int8.tflite").write_bytes(int8_tflite)
"""

# The float32 model the course provides, handed in as one's own conversion (03 q1, q2).
_PROVIDED_FLOAT32 = """\
from course_lib import provided


def keras_to_tflite(keras_model):
    return provided.tflite("float32")


tflite_from_keras = keras_to_tflite(model)
"""

_PROVIDED_FLOAT32_SAVED = """\
from course_lib import provided


def saved_model_to_tflite(saved_model_dir):
    return provided.tflite("float32")


tflite_from_saved_model = saved_model_to_tflite(SAVED_MODEL_DIR)
"""

_LIBRARY_COMPRESSED = """\
from course_lib import convert

COMPRESSED_PATH = Path("animal_compressed.mlpackage")
convert.save_coreml(convert.to_coreml(model, "linear8", CLASS_NAMES), COMPRESSED_PATH)
"""

# The library's runner gives classes only: as one-hot rows they are no probabilities.
_LIBRARY_CLASSES = """\
from course_lib import runtime


def litert_predict(tflite_path, images):
    return np.eye(10)[runtime.predicted_classes(tflite_path, images)]


val_probs = litert_predict(TFLITE_PATH, x_val[:100])
"""

# The lesson's Pareto front ignores the budget: it is no answer to "meets every limit".
_PARETO_PICK = """\
from course_lib import optimize


def pick_variant(variants, budget):
    front = optimize.pareto_names(variants, minimize=["size_bytes", "latency_ratio"])
    return front[0] if front else None


choice = pick_variant(variants, PHONE_BUDGET)
"""

_Q1_INT8 = ["q1_int8_io", "q1_integer_ops", "q1_size", "q1_heldout", "q1_latency"]

SHORTCUTS = [
    ("library_metrics", "01_metrics", {"q1_answer": _LIBRARY_METRICS},
     ["q1_accuracy", "q1_precision", "q1_recall", "q1_hidden"], "metrics_from_confusion"),
    ("library_threshold", "01_metrics", {"q2_answer": _LIBRARY_THRESHOLD},
     ["q2_threshold", "q2_hidden"], "threshold_sweep"),
    ("library_tflite", "03_conversion", {"q1_answer": _LIBRARY_TFLITE},
     ["q1_is_tflite", "q1_float32", "q1_hidden"], "to_tflite"),
    ("provided_float32", "03_conversion", {"q1_answer": _PROVIDED_FLOAT32},
     ["q1_is_tflite", "q1_float32", "q1_hidden"], "the float32 model the course provides"),
    ("provided_float32_saved", "03_conversion", {"q2_answer": _PROVIDED_FLOAT32_SAVED},
     ["q2_float32", "q2_hidden"], "the float32 model the course provides"),
    ("library_classes", "03_conversion", {"q4_answer": _LIBRARY_CLASSES},
     ["q4_predict", "q4_hidden"], "differs from the model's probabilities"),
    ("library_coreml", "03_conversion", {"q5_answer": _LIBRARY_COREML},
     ["q5_mlprogram", "q5_image", "q5_labels", "q5_saved"], "`mlmodel` is not defined"),
    ("library_int8", "04_optimization", {"q1_answer": _LIBRARY_INT8},
     _Q1_INT8, "`int8_tflite` is not defined"),
    ("provided_int8", "04_optimization", {"q1_answer": _PROVIDED_INT8},
     _Q1_INT8, "the int8 model the course provides"),
    ("provided_int8_file", "04_optimization", {"q1_answer": _PROVIDED_INT8_FILE},
     _Q1_INT8, "the int8 model the course provides"),
    ("library_compressed", "04_optimization", {"q2_answer": _LIBRARY_COMPRESSED},
     ["q2_compressed", "q2_size", "q2_contract"], "does not exist"),
    ("pareto_pick", "04_optimization", {"q3_answer": _PARETO_PICK},
     ["q3_hidden"], "on another table"),
]
