"""The graded quiz of exercise 05: its questions, made from the student's id.

Every student gets the same 20 questions with their own numbers (a confusion matrix, a
scale and zero point, a model's parameter count...) and their own option order, all
drawn from a hash of the student's id. This module only *renders* a student's questions:
it knows their parameters, never their answers. Which value or option is right, and why,
is known to the grader alone (``course_grader.quiz``), so nothing a student can import
checks an answer, and a neighbour's answers fit the neighbour's numbers, not yours.

Whose id: :func:`student_id`. At grading it is the submitter's, set by the grader; in the
student's own notebook it is JupyterHub's user name or the id written in the notebook.
"""
import dataclasses
import hashlib
import os
import random
import textwrap
from pathlib import Path

from course_lib.errors import CourseInputError

SALT = "mobile-course/graded-quiz/v1"
GRADER_ENV = "COURSE_STUDENT_ID"  # set by the batch grader for the notebook it grades
HUB_ENV = "JUPYTERHUB_USER"
NO_ID = "(no id)"  # whose questions a notebook shows when it knows no id (a warning says so)
IDS = tuple(f"q{i:02d}" for i in range(1, 21))
LETTERS = "ABCDE"
CLASSES = ("cat", "dog", "bird")


def student_id(typed=None):
    """Whose questions to show: the submitter's id when the notebook is being graded (the
    batch grader's ``COURSE_STUDENT_ID``, or the ``autograded/<student>/`` folder plain
    ``nbgrader autograde`` runs the notebook in), else JupyterHub's user name, else
    ``typed`` (the notebook's STUDENT_ID), else :data:`NO_ID`."""
    graded = grading_student_id()
    if graded:
        return graded
    hub = os.environ.get(HUB_ENV, "").strip()
    if hub:
        return hub
    if typed is not None and str(typed).strip():
        return str(typed).strip()
    return NO_ID


def whose(student):
    """The line the notebook prints above the questions: whose they are, or a warning."""
    if student == NO_ID:
        return ("WARNING: no student id. You are not on the course's JupyterHub and STUDENT_ID "
                "is None, so these are NOT your questions and answers to them score 0. Write "
                'your id in the STUDENT_ID cell (e.g. STUDENT_ID = "alice") and run the '
                "notebook again.")
    return f"The questions of student {student!r}."


def grading_student_id():
    """The id of the student whose notebook is being graded, or None outside grading."""
    if os.environ.get(GRADER_ENV, "").strip():
        return os.environ[GRADER_ENV].strip()
    parts = Path.cwd().parts
    if len(parts) >= 3 and parts[-3] == "autograded":  # nbgrader: autograded/<student>/<assignment>
        return parts[-2]
    return None


def _rng(student, question_id):
    seed = hashlib.sha256(f"{SALT}|{student}|{question_id}".encode()).digest()
    return random.Random(int.from_bytes(seed[:8], "big"))


@dataclasses.dataclass(frozen=True)
class GradedQuestion:
    id: str
    lesson: str          # a key of course_lib.quiz.LESSONS
    kind: str            # "number" or "option"
    prompt: str
    params: dict         # the numbers this student's question is made of (not its answer)
    options: tuple = ()  # ((letter, text), ...) for "option" questions, in this student's order
    code: str = ""       # a table or matrix shown under the prompt
    tolerance: float = 0.0   # "number": how far from the right value an answer may be

    @property
    def letters(self):
        return tuple(letter for letter, _ in self.options)

    def option_text(self, letter):
        return dict(self.options)[letter]

    def text(self, width=96):
        """The question as plain text: prompt, table, options or how to answer."""
        lines = [f"{self.id}  ({self.lesson})",
                 textwrap.fill(self.prompt, width, initial_indent="  ", subsequent_indent="  ")]
        if self.code:
            lines.append(textwrap.indent(self.code, "      "))
        for letter, text in self.options:
            lines.append(textwrap.fill(f"{letter}. {text}", width, initial_indent="    ",
                                       subsequent_indent="       "))
        if self.kind == "number":
            lines.append(f"    Answer with a number (accepted within ±{self.tolerance:g})."
                         if self.tolerance else "    Answer with an exact whole number.")
        return "\n".join(lines)


# ---------------------------------------------------------------- the question makers
# Each takes (id, student) and returns a GradedQuestion.

def _confusion(rng):
    """A 3-class confusion matrix (rows: actual, columns: predicted) with a strong diagonal."""
    return [[rng.randint(30, 60) if i == j else rng.randint(1, 9) for j in range(3)] for i in range(3)]


def _matrix_code(cm):
    rows = ["actual \\ predicted   " + "".join(f"{c:>6}" for c in CLASSES)]
    rows += [f"{CLASSES[i]:<20}" + "".join(f"{v:>6}" for v in row) for i, row in enumerate(cm)]
    return "\n".join(rows)


def _class_metric(prompt):
    """A maker of a question about one class's metric in a confusion matrix; ``prompt``
    names the class as {name}."""
    def make(qid, student):
        rng = _rng(student, qid)
        cm, cls = _confusion(rng), rng.randrange(3)
        return GradedQuestion(qid, "01_metrics", "number", prompt.format(name=CLASSES[cls]),
                              {"confusion": cm, "class_index": cls, "class_name": CLASSES[cls]},
                              code=_matrix_code(cm), tolerance=0.001)
    return make


_precision = _class_metric(
    "A 3-class model gives this confusion matrix on its test set (rows: actual class, "
    "columns: predicted class). What is the precision of {name}? Give it as a fraction "
    "between 0 and 1, to 3 decimals.")
_f1 = _class_metric(
    "Another model's confusion matrix (rows: actual, columns: predicted). What is the F1 "
    "score of {name}, the harmonic mean of its precision and recall? To 3 decimals.")


def _threshold(qid, student):
    rng = _rng(student, qid)
    thresholds = [round(0.1 * i, 1) for i in range(1, 10)]
    # Flagged dogs and flagged non-dogs at each threshold: both shrink as it rises; at
    # the highest threshold only dogs are flagged.
    dogs, others, true_pos, false_pos = [], [], rng.randint(90, 100), rng.randint(60, 90)
    for t in thresholds:
        dogs.append(true_pos)
        others.append(false_pos)
        true_pos -= rng.randint(2, 8)
        false_pos = max(0, false_pos - rng.randint(6, 16))
    others[-1] = 0
    target = rng.choice([0.85, 0.9, 0.95])
    table = ["threshold   dogs flagged   non-dogs flagged"]
    table += [f"{t:>9.1f}   {d:>12}   {o:>16}" for t, d, o in zip(thresholds, dogs, others)]
    return GradedQuestion(
        qid, "01_metrics", "number",
        f"A dog alert fires when the dog score is at or above a threshold. On the validation "
        f"set it flags these images. The product needs a precision of at least {target:.2f} "
        f"and, within that, as many dogs found as possible. Which threshold do you ship?",
        {"thresholds": thresholds, "dogs_flagged": dogs, "others_flagged": others,
         "min_precision": target},
        code="\n".join(table), tolerance=0.01)


def _accuracy_imbalance(qid, student):
    rng = _rng(student, qid)
    cats = rng.choice([90, 95, 97, 98])
    return _option(qid, student, "01_metrics",
                   f"A test set holds {cats}% cat images and {100 - cats}% dog images. A model "
                   f"answers 'cat' for every image. What does it score?",
                   [f"Accuracy {cats}%, dog recall 0: accuracy alone hides that it never finds "
                    f"a dog.",
                    f"Accuracy {100 - cats}%: accuracy is decided by the rarer class, and the "
                    f"model gets every one of those images wrong.",
                    "Accuracy 50%: with two classes, a model that gives the same answer every "
                    "time is right on half of the images.",
                    f"Accuracy {cats}% and dog precision {cats}%: precision follows accuracy."],
                   {"cat_percent": cats})


def _quantize_pixel(qid, student):
    rng = _rng(student, qid)
    low = rng.choice([0.0, -0.5, -1.0])
    scale = round((1.0 - low) / 255, 6)
    zero_point = round(-128 - low / scale)
    pixel = rng.randint(1, 254)
    return GradedQuestion(
        qid, "02_pipeline_trace", "number",
        f"An int8 model's input has scale = {scale} and zero_point = {zero_point}, where "
        f"real value = scale × (q - zero_point). The app scales a camera pixel p (0–255) to "
        f"{'p / 255' if low == 0 else f'{low} + p / 255 × {1.0 - low:g}'} before quantizing. "
        f"Which int8 value q does it feed for the pixel value {pixel}?",
        {"scale": scale, "zero_point": zero_point, "pixel": pixel, "low": low})


def _dequantize(qid, student):
    rng = _rng(student, qid)
    q, scale, zero_point = rng.randint(-100, 127), 1 / 256, -128
    return GradedQuestion(
        qid, "02_pipeline_trace", "number",
        f"A full-integer model's output is int8 with scale = 1/256 and zero_point = -128. "
        f"One class's raw output is {q}. What probability is that? To 4 decimals.",
        {"q": q, "scale": scale, "zero_point": zero_point}, tolerance=0.0001)


def _tensor_bytes(qid, student):
    rng = _rng(student, qid)
    batch, side = rng.choice([1, 4, 8, 16, 32]), rng.choice([28, 96, 128, 160, 224])
    channels, dtype = rng.choice([1, 3]), rng.choice(["float32", "float16", "int8"])
    return GradedQuestion(
        qid, "02_pipeline_trace", "number",
        f"A model takes a batch of {batch} images of {side}×{side} pixels with {channels} "
        f"channel{'s' if channels > 1 else ''}, as {dtype}, in TFLite's NHWC layout. How many "
        f"bytes does its input tensor take?",
        {"batch": batch, "height": side, "width": side, "channels": channels, "dtype": dtype})


def _zero_point(qid, student):
    rng = _rng(student, qid)
    low, high = -round(rng.uniform(0.5, 4.0), 2), round(rng.uniform(2.0, 8.0), 2)
    return GradedQuestion(
        qid, "02_pipeline_trace", "number",
        f"Calibration saw a tensor's values range from {low} to {high}. The converter maps "
        f"that range onto int8 -128..127 with scale = (max - min) / 255. Which zero_point "
        f"(the int8 value that stands for 0.0) does it choose?",
        {"min": low, "max": high})


def _frame_rate(qid, student):
    rng = _rng(student, qid)
    pre, infer, post = (round(rng.uniform(a, b), 1) for a, b in ((1, 6), (5, 40), (0.5, 3)))
    return GradedQuestion(
        qid, "02_pipeline_trace", "number",
        f"On the target phone one camera frame takes {pre} ms to preprocess, {infer} ms to run "
        f"the model and {post} ms to post-process, one frame after the other. How many frames "
        f"per second can the app classify? To 1 decimal.",
        {"preprocess_ms": pre, "inference_ms": infer, "postprocess_ms": post}, tolerance=0.1)


def _weights_size(qid, student):
    rng = _rng(student, qid)
    params, dtype = rng.randint(200, 6000) * 1000 + rng.randint(0, 999), rng.choice(
        ["float32", "float16", "int8"])
    return GradedQuestion(
        qid, "04_optimization", "number",
        f"A model has {params:,} weights (parameters). How many KiB (1 KiB = 1024 bytes) do "
        f"they take stored as {dtype}? To 1 decimal (the rest of the file is not counted).",
        {"parameters": params, "dtype": dtype}, tolerance=0.1)


def _variant_choice(qid, student):
    rng = _rng(student, qid)
    names = ("float32", "float16", "dynamic range", "full int8")
    size = {"float32": 1078, "float16": 545, "dynamic range": 305, "full int8": 331}
    latency = {n: round(rng.uniform(0.8, 1.2) * base, 2) for n, base in
               zip(names, (0.25, 0.25, 0.38, 0.12))}
    accuracy = {n: round(rng.uniform(0.935, 0.96) - (rng.uniform(0, 0.02) if "int8" in n else 0), 3)
                for n in names}
    budget = {"max_size_kb": rng.choice([400, 600, 1200]), "max_latency_ms": rng.choice([0.2, 0.3, 0.4]),
              "min_accuracy": rng.choice([0.93, 0.94, 0.945])}
    table = ["variant          size KB   latency ms   accuracy"]
    table += [f"{n:<15} {size[n]:>8} {latency[n]:>12} {accuracy[n]:>10}" for n in names]
    order = list(names)
    rng.shuffle(order)
    options = tuple(zip(LETTERS, order + ["none of them"]))
    return GradedQuestion(
        qid, "04_optimization", "option",
        f"Four conversions of one model were measured on the target phone. The budgets: at "
        f"most {budget['max_size_kb']} KB, at most {budget['max_latency_ms']} ms, accuracy at "
        f"least {budget['min_accuracy']}. Which variant do you ship? (Of those that meet every "
        f"budget, the smallest file.)",
        {"size_kb": size, "latency_ms": latency, "accuracy": accuracy, "budget": budget},
        options=options, code="\n".join(table))


def _option(qid, student, lesson, prompt, texts, params):
    """A conceptual question: ``texts`` shown in this student's own order."""
    order = list(range(len(texts)))
    _rng(student, qid).shuffle(order)
    return GradedQuestion(qid, lesson, "option", prompt, dict(params),
                          options=tuple(zip(LETTERS, (texts[i] for i in order))))


# Conceptual questions: (lesson, prompt, option texts). The texts are listed in no
# meaningful order; each student sees them in an order of their own.
_CONCEPTUAL = {
    "q05": ("01_metrics",
            "You try 50 thresholds on the test set, pick the one with the best "
            "precision there, and report that precision. What is wrong with this?",
            ["Nothing: the test set is the most reliable data there is, so every decision "
             "about the model, thresholds included, should be made on it.",
             "Thresholds must be chosen on the training set, because that is where the "
             "model was fit and where its scores are calibrated.",
             "It is optimistic: the threshold was tuned on the images it is scored on. "
             "Choose on a validation set, report on the test set.",
             "Precision cannot be measured at one threshold; only accuracy can."]),
    "q11": ("02_pipeline_trace",
            "A float32 TFLite model was trained on pixels scaled to [0, 1]. The app "
            "feeds it 0–255 values as float32, in the right shape. What happens?",
            ["The interpreter raises an error, because the values are outside the "
             "input's range.",
             "It runs without any error, but its predictions are mostly wrong: the "
             "input is not what the model learned from.",
             "It runs and predicts as well as before: a model only compares pixels "
             "with each other, so the scale does not matter.",
             "The interpreter divides by 255 itself, because the model file records "
             "how it was trained."]),
    "q12": ("03_conversion",
            "A Keras model's input is (None, 28, 28, 1). What does the float32 TFLite "
            "model's input tensor report in get_input_details()['shape'], and why?",
            ["[28, 28, 1]: TFLite models take one image and have no batch axis.",
             "[1, 1, 28, 28]: the converter switches to channels-first (NCHW), the "
             "layout mobile accelerators expect.",
             "[-1, 28, 28, 1]: the batch stays unknown until the app resizes the input "
             "tensor.",
             "[1, 28, 28, 1]: NHWC as in Keras, with the unknown batch set to 1 "
             "(shape_signature still says -1: the app may resize it)."]),
    "q13": ("03_conversion",
            "You run ct.convert(keras_model, convert_to='mlprogram') without "
            "compute_precision. How are the model's weights stored?",
            ["As float32, exactly as in Keras: Core ML keeps the weights in the precision "
             "they were trained in unless you ask.",
             "As int8: ML programs are quantized by default, since the Neural Engine "
             "runs integer math fastest.",
             "As float16, an ML program's default precision.",
             "As float64, for the extra precision the Neural Engine uses when it "
             "accumulates sums."]),
    "q14": ("03_conversion",
            "With ai_edge_litert's Interpreter(model_content=...), what must happen "
            "before set_tensor() and invoke()?",
            ["Nothing: the interpreter is ready to run as soon as it is created, because "
             "the constructor loads and prepares the model.",
             "allocate_tensors(): until it plans the tensors' memory, there is no buffer "
             "for the input.",
             "compile(): the model must first be compiled for the CPU it runs on, as a "
             "Keras model is before training.",
             "load_delegate('xnnpack'): there is no CPU kernel without a delegate."]),
    "q15": ("03_conversion",
            "Your CI server runs Linux. What can coremltools do there with your "
            ".mlpackage?",
            ["All but running it: predict() only works on macOS.",
             "Nothing: coremltools is a macOS-only package, because it wraps Apple's own "
             "frameworks.",
             "Everything, including predict(): Core ML is cross-platform since it "
             "became part of coremltools.",
             "Convert it, but not load it back: a saved .mlpackage opens only in Xcode."]),
    "q18": ("04_optimization",
            "Your calibrated full-integer conversion still has a float32 input and "
            "output. Which setting makes the app feed and read int8 instead?",
            ["target_spec.supported_types = [tf.int8]",
             "target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8] alone",
             "A larger representative dataset: with enough images the converter "
             "quantizes the interface too.",
             "inference_input_type = tf.int8 and inference_output_type = tf.int8"]),
    "q19": ("04_optimization",
            "Where does the app get the scale and zero point it needs to quantize its "
            "pixels for an int8 model?",
            ["They are always 1/255 and -128, the same for every int8 model, because int8 "
             "has 256 values just as 8-bit pixels do.",
             "From the model: the input tensor's quantization in get_input_details(), "
             "chosen by calibration at conversion and stored in the file.",
             "From each camera frame: its own minimum and maximum pixel value.",
             "From the representative dataset, which the app must ship next to the model "
             "file and read at start-up."]),
    "q20": ("04_optimization",
            "You calibrate a full-integer conversion with raw 0–255 pixels, although "
            "the model was trained on [0, 1]. What goes wrong?",
            ["Nothing: calibration only counts the images and checks their shape; it never "
             "looks at their values.",
             "The converter refuses to run, because calibration data for an int8 model must "
             "be given as uint8 arrays.",
             "It measures 0–255 ranges (an input scale near 1, not 1/255): the int8 model "
             "is calibrated for data it will never see.",
             "The model gets faster: larger input values quantize with fewer bits, so the "
             "integer kernels do less work."]),
}


def _conceptual(qid, student):
    lesson, prompt, texts = _CONCEPTUAL[qid]
    return _option(qid, student, lesson, prompt, texts, {})


# id -> maker; the notebook shows them in id order, lesson by lesson
MAKERS = {
    "q01": _precision, "q02": _f1, "q03": _threshold, "q04": _accuracy_imbalance,
    "q06": _quantize_pixel, "q07": _dequantize, "q08": _tensor_bytes, "q09": _zero_point,
    "q10": _frame_rate, "q16": _weights_size, "q17": _variant_choice,
    **{qid: _conceptual for qid in _CONCEPTUAL},
}
assert sorted(MAKERS) == list(IDS)


def question(student, question_id):
    """One of this student's graded questions."""
    qid = str(question_id).strip().lower()
    if qid not in MAKERS:
        raise CourseInputError(f"Unknown question {question_id!r}; the ids are {IDS[0]}..{IDS[-1]}.")
    return MAKERS[qid](qid, str(student))


def questions(student, lesson=None):
    """This student's graded questions, in order; only one lesson's if given."""
    chosen = (question(student, qid) for qid in IDS)
    return [q for q in chosen if lesson is None or q.lesson == lesson]


def kind(question_id):
    """"number" or "option": the same for every student."""
    return question("", question_id).kind


def letters(question_id):
    """The option letters of a question (the same for every student; () for numbers)."""
    return question("", question_id).letters


def show(student, lesson=None):
    """Print this student's questions (of one lesson, or all)."""
    for q in questions(student, lesson):
        print(q.text())
        print()
