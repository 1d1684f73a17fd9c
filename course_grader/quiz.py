"""05_quiz, grader-only: the graded quiz's answers, their explanations, and the check.

``course_lib.quiz.graded`` makes each student's questions from their id; only this module
knows which value or option is right. The check grades the questions of the student who
submitted the notebook (the batch grader tells the judge; plain nbgrader runs the
notebook in ``autograded/<student>/``), never those of an id typed in the notebook.
"""
import math

from course_lib.checks.quiz import _quiz_answer
from course_lib.checks.report import _fail, _pass
from course_lib.quiz import graded

# The checks test cells may call (course_lib.grading exports them).
__all__ = ["quiz_correct"]

_BYTES = {"float32": 4, "float16": 2, "int8": 1}

# Conceptual questions: a piece of the right option's text, and why it is right.
_RIGHT = {
    "q04": ("dog recall 0", "Always answering the majority class scores its share as "
            "accuracy and finds no dog: on imbalanced data, look at per-class recall and "
            "precision."),
    "q05": ("Choose on a validation set", "A value tuned on the test set is no longer an "
            "unbiased estimate: tune on validation data, report the test set once."),
    "q11": ("mostly wrong", "Nothing checks value ranges: the interpreter runs on whatever "
            "float32 values it gets, and inputs 255 times too large push the model far from "
            "its training data."),
    "q12": ("[1, 28, 28, 1]", "TFLite keeps Keras's NHWC layout and fixes the unknown batch "
            "to 1 in 'shape'; 'shape_signature' still says -1."),
    "q13": ("As float16", "convert_to='mlprogram' defaults to compute_precision FLOAT16, "
            "so the weights are stored in float16; smaller types come from "
            "coremltools.optimize.coreml."),
    "q14": ("allocate_tensors()", "The interpreter lays out its tensors' memory in "
            "allocate_tensors(); until then set_tensor() has nothing to write into."),
    "q15": ("predict() only works on macOS", "coremltools converts, saves, loads, inspects and "
            "compresses on Linux; prediction needs the Core ML framework, which only Apple's "
            "systems have."),
    "q18": ("inference_input_type = tf.int8", "The interface types are set apart from the "
            "ops: supported_ops and supported_types leave the input and output float32."),
    "q19": ("get_input_details()", "Calibration chooses each model's input scale and zero "
            "point; the app reads them from the input tensor's quantization."),
    "q20": ("an input scale near 1", "Calibration records the ranges of what it is fed: "
            "0-255 pixels give an input scale near 1, so the real [0, 1] input is squeezed "
            "into a few int8 steps."),
}


def _precision(q):
    cm, c = q.params["confusion"], q.params["class_index"]
    predicted = sum(row[c] for row in cm)
    return cm[c][c] / predicted, (f"precision = correct {q.params['class_name']} / all "
                                  f"predicted {q.params['class_name']} (its column) = "
                                  f"{cm[c][c]}/{predicted}")


def _f1(q):
    cm, c = q.params["confusion"], q.params["class_index"]
    precision, recall = cm[c][c] / sum(row[c] for row in cm), cm[c][c] / sum(cm[c])
    f1 = 2 * precision * recall / (precision + recall)
    return f1, (f"precision = {cm[c][c]}/{sum(row[c] for row in cm)} (column), recall = "
                f"{cm[c][c]}/{sum(cm[c])} (row); F1 = 2PR/(P+R) = {f1:.3f}")


def _threshold(q):
    p = q.params
    for t, dogs, others in zip(p["thresholds"], p["dogs_flagged"], p["others_flagged"]):
        precision = dogs / (dogs + others)
        if precision >= p["min_precision"]:
            return t, (f"precision = dogs / all flagged; the lowest threshold reaching "
                       f"{p['min_precision']:.2f} is {t:.1f} ({dogs}/{dogs + others} = "
                       f"{precision:.3f}), and a lower threshold finds more dogs")


def _quantize_pixel(q):
    p = q.params
    real = p["low"] + p["pixel"] / 255 * (1.0 - p["low"])
    exact = min(127.0, max(-128.0, real / p["scale"] + p["zero_point"]))
    return exact, (f"real = {real:.4f}; q = round(real / scale) + zero_point = "
                   f"round({real / p['scale']:.3f}) + ({p['zero_point']}) = {_nearest(exact)}")


def _dequantize(q):
    p = q.params
    value = p["scale"] * (p["q"] - p["zero_point"])
    return value, f"p = scale × (q - zero_point) = ({p['q']} + 128) / 256 = {value:.4f}"


def _tensor_bytes(q):
    p = q.params
    count = p["batch"] * p["height"] * p["width"] * p["channels"]
    value = count * _BYTES[p["dtype"]]
    return value, (f"NHWC {p['batch']}×{p['height']}×{p['width']}×{p['channels']} = {count} "
                   f"values × {_BYTES[p['dtype']]} bytes ({p['dtype']}) = {value}")


def _zero_point(q):
    low, high = q.params["min"], q.params["max"]
    scale = (high - low) / 255
    exact = -128 - low / scale
    return exact, (f"scale = ({high} - ({low})) / 255 = {scale:.5f}; min maps to -128, so "
                   f"zero_point = round(-128 - min / scale) = round({exact:.3f}) = {_nearest(exact)}")


def _frame_rate(q):
    p = q.params
    total = p["preprocess_ms"] + p["inference_ms"] + p["postprocess_ms"]
    return 1000 / total, f"{total:.1f} ms per frame → 1000 / {total:.1f} = {1000 / total:.1f} frames/s"


def _weights_size(q):
    p = q.params
    value = p["parameters"] * _BYTES[p["dtype"]] / 1024
    return value, (f"{p['parameters']} weights × {_BYTES[p['dtype']]} bytes ({p['dtype']}) / "
                   f"1024 = {value:.1f} KiB")


def _variant_choice(q):
    p = q.params
    budget = p["budget"]
    fits = [n for n in p["size_kb"] if p["size_kb"][n] <= budget["max_size_kb"]
            and p["latency_ms"][n] <= budget["max_latency_ms"]
            and p["accuracy"][n] >= budget["min_accuracy"]]
    choice = min(fits, key=p["size_kb"].get) if fits else "none of them"
    why = ("no variant meets all three budgets" if not fits else
           f"within every budget: {', '.join(fits)}; the smallest file of these is {choice}")
    return choice, why


_NUMBER = {"q01": _precision, "q02": _f1, "q03": _threshold, "q06": _quantize_pixel,
           "q07": _dequantize, "q08": _tensor_bytes, "q09": _zero_point, "q10": _frame_rate,
           "q16": _weights_size}


def _nearest(exact):
    """A whole-number answer: the nearest integer (a tie is settled by the check, which
    accepts both)."""
    return int(round(exact))


def answer(student, question_id):
    """(right answer, why) of one student's question: a number, or an option letter. For a
    whole-number question the number is the exact value before rounding."""
    q = graded.question(student, question_id)
    if q.id in _NUMBER:
        return _NUMBER[q.id](q)
    if q.id == "q17":
        text, why = _variant_choice(q)
    else:
        piece, why = _RIGHT[q.id]
        text = next(t for _, t in q.options if piece in t)
    letter = next(letter for letter, t in q.options if t == text)
    return letter, why


def _key(q, right):
    """The answer as a student would write it: a letter, a whole number, or the value."""
    if q.kind == "option":
        return right
    return _nearest(right) if q.tolerance == 0 else right


def answers(student):
    """{question id: right answer} of one student's quiz."""
    return {qid: _key(graded.question(student, qid), answer(student, qid)[0]) for qid in graded.IDS}


def is_right(student, question_id, value):
    """Whether ``value`` (a letter or a number) answers this student's question."""
    right, _ = answer(student, question_id)
    q = graded.question(student, question_id)
    if q.kind == "option":
        return isinstance(value, str) and value.strip().upper() == right
    try:
        value = float(value)
    except (TypeError, ValueError):
        return False
    if q.tolerance == 0:  # a whole number: the nearest integer (either one at a tie)
        return value.is_integer() and abs(value - right) <= 0.5 + 1e-9
    return math.isclose(value, right, rel_tol=0, abs_tol=q.tolerance + 1e-9)


def _made_for(other, answers, student):
    """Whether the numeric answers fit ``other``'s questions (most of them) better than
    ``student``'s: a whole quiz answered for another id. Letters prove nothing (a quarter
    of them fit any option order)."""
    numbers = [q for q in graded.IDS if graded.kind(q) == "number" and answers.get(q) is not None]
    fits = sum(is_right(other, q, answers[q]) for q in numbers)
    return fits >= max(2, len(numbers) / 2) and fits > sum(is_right(student, q, answers[q]) for q in numbers)


def quiz_correct(label, ns):
    """ANSWERS[label] answers the question of the student who submitted the notebook."""
    __tracebackhide__ = True
    student = graded.grading_student_id() or graded.student_id(ns.get("STUDENT_ID"))
    value = _quiz_answer(label, ns)  # ANSWERS is a dict from here on
    typed = ns.get("STUDENT_ID")
    typed = None if typed is None else str(typed).strip()
    # Only answers that fit another id's questions lose their points: an honest student's
    # answers to their own questions count, whatever the STUDENT_ID cell says (on the hub
    # the questions come from the hub's user name, not from that cell).
    if typed and typed != student and _made_for(typed, ns["ANSWERS"], student):
        _fail(label, f"these answers were made for another student's questions (STUDENT_ID = "
                     f"{str(typed)!r}), but {student!r} submitted this notebook and is graded "
                     f"on their own questions: 0 points.")
    right, why = answer(student, label)
    q = graded.question(student, label)
    shown = _key(q, right if q.kind == "option" or q.tolerance == 0 else round(right, 4))
    value_text = repr(value) if q.kind == "option" else f"{value:g}"
    why = why.rstrip(".")
    if student != graded.NO_ID and _made_for(graded.NO_ID, ns["ANSWERS"], student):
        _fail(label, f"these answers fit the questions shown when the notebook knew no student "
                     f"id, not those of {student!r}, who submitted it: 0 points. Set STUDENT_ID "
                     f"(or work on the course's JupyterHub) to see your own questions.")
    if not is_right(student, label, value):
        _fail(label, f"{value_text} is not the right answer; it is {shown}: {why}. "
                     f"(Your questions' numbers and option order are made from your id "
                     f"{student!r}.)")
    _pass(label, f"{value_text} is right. {why}.")
