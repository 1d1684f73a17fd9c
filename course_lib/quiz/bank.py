"""The practice quiz's question bank: prompts, options and hints, as plain text.

Ids "q01".. are stable. What each option's feedback says, and which option is right,
is not here: see :mod:`course_lib.quiz.sealed`.
"""
import dataclasses

from course_lib.errors import CourseInputError

LESSONS = {
    "01_metrics": "Metrics",
    "02_pipeline_trace": "Pipeline trace",
    "03_conversion": "Conversion",
    "04_optimization": "Optimization",
    "06_shipping": "Shipping",
}
LEVELS = ("easy", "medium", "hard")


@dataclasses.dataclass(frozen=True)
class Question:
    id: str
    lesson: str       # a key of LESSONS
    level: str        # one of LEVELS
    prompt: str       # plain text; `backticks` mark inline code
    options: tuple    # ((letter, text), ...)
    hint: str         # shown after a wrong answer; must not give the answer away
    code: str = ""    # optional code or table shown under the prompt

    @property
    def letters(self):
        return tuple(letter for letter, _ in self.options)

    def option(self, letter):
        return dict(self.options)[self.normalize(letter)]

    def normalize(self, answer):
        """'b', ' B ' -> 'B'; anything that is not one of this question's letters is refused."""
        letter = answer.strip().upper() if isinstance(answer, str) else answer
        if letter not in self.letters:
            raise CourseInputError(
                f"{self.id} has options {', '.join(self.letters)}; got {answer!r}."
            )
        return letter


def _q(id, lesson, level, prompt, options, hint, code=""):
    return Question(id, lesson, level, prompt, tuple(zip("ABCD", options)), hint, code)


QUESTIONS = (
    # ------------------------------------------------------------ 01 metrics
    _q("q01", "01_metrics", "easy",
       "Take the budgets of lesson 01: good is under 10 MB, under 100 ms per image and over 85% "
       "accuracy; bad is over 50 MB, over 1000 ms or under 70%. A model measures 4 MB, 60 ms "
       "and 72% test accuracy on the target phone. What is its verdict?",
       ["Good: two of its three numbers are in the good band, and the majority decides.",
        "Needs work: size and latency are good, but 72% lies between the two accuracy lines, "
        "and the worst number decides.",
        "Bad: 72% is far below the 85% target, so the model fails outright.",
        "Good: on a phone only size and latency count; accuracy can be raised after release."],
       "Grade each number against both lines first. Then: which of the three grades is the "
       "model's verdict?"),
    _q("q02", "01_metrics", "medium",
       "A 3-class model gives this confusion matrix on its test set (rows: actual class, "
       "columns: predicted class). What are the precision and the recall of dog?",
       ["precision 40/50 = 0.80, recall 40/48 = 0.83",
        "precision = recall = 129/150 = 0.86",
        "precision 40/48 = 0.83, recall 40/50 = 0.80",
        "precision 40/150 = 0.27, recall 40/50 = 0.80"],
       "Precision: of all images the model called dog, how many were dogs? "
       "Recall: of all real dogs, how many did it find?",
       code="actual \\ predicted   cat   dog   bird\n"
            "cat                   45     3      2\n"
            "dog                    4    40      6\n"
            "bird                   1     5     44"),
    _q("q03", "01_metrics", "medium",
       "A dog detector raises an alert when its dog score is at or above a threshold. In "
       "your app a missed dog is costly and a false alarm is cheap. What do you do?",
       ["Lower the threshold: fewer missed dogs (higher recall), paid for with more false "
        "alarms.",
        "Raise the threshold: the detector becomes stricter, so precision and recall both rise.",
        "Lower the threshold: precision rises because more images get checked, and recall "
        "falls.",
        "Leave it: recall is fixed by the training data and the threshold cannot change it; "
        "only retraining can."],
       "A lower threshold flags more images. What happens to the dogs you miss, and to "
       "the non-dogs you flag?"),
    _q("q04", "01_metrics", "hard",
       "The raw Animal-MNIST data holds byte-identical copies of some images. What "
       "happens if you split it into training and test sets without removing them first?",
       ["Nothing: duplicates only waste disk space, since the model learns nothing new from "
        "seeing an image twice.",
        "Training stops with an error, because Keras refuses data sets with duplicate samples.",
        "Test accuracy drops, because the model overfits to the repeated images and "
        "generalizes worse.",
        "Test accuracy is inflated: copies of training images end up in the test set."],
       "Where can the two copies of one image end up after a random split?"),
    # ------------------------------------------------------------ 02 pipeline trace
    _q("q05", "02_pipeline_trace", "easy",
       "In which order does an image classifier get from training to a prediction in the app?",
       ["Train → convert (optionally quantize) → bundle in the app → on the phone: "
        "preprocess the frame → run the model → post-process into a label.",
        "Convert the untrained model → train it on the phone → preprocess the frame → "
        "post-process → run the model.",
        "Train → bundle the Keras model in the app → the phone converts it to its own format "
        "at first launch → run the model → preprocess its output.",
        "Train → convert → bundle in the app → run the model on the raw camera frame → "
        "preprocess its output into a label."],
       "Conversion happens once, on your computer; preprocessing prepares the model's input."),
    _q("q06", "02_pipeline_trace", "medium",
       "The course model's float32 TFLite input has shape [1, 28, 28, 1] and it was trained "
       "on pixels scaled to [0, 1]. The camera delivers a 224×224×3 uint8 frame. What must "
       "the app do before running the model?",
       ["Nothing: the interpreter resizes and rescales the input to match the model's input "
        "details automatically.",
        "Resize to 28×28 but keep the uint8 values 0–255: the model has a normalization step "
        "built in.",
        "Convert to grayscale, resize to 28×28, scale to float32 in [0, 1], add a batch "
        "axis: [1, 28, 28, 1].",
        "Scale the pixels to [-1, 1] as MobileNetV2 does, then resize to 28×28 and add the "
        "batch axis."],
       "The model only works on input prepared exactly the way its training data was."),
    _q("q07", "02_pipeline_trace", "hard",
       "The course's full-integer model has an int8 input with scale = 1/255 and "
       "zero_point = -128, where real value = scale × (q - zero_point). Which int8 value "
       "must the app feed for a white pixel (1.0)?",
       ["255", "127", "1", "-128"],
       "Solve for q: q = real / scale + zero_point."),
    _q("q08", "02_pipeline_trace", "medium",
       "The full-integer model returns int8 scores with output scale = 1/256 and "
       "zero_point = -128. How do you turn one output row into a label and a confidence?",
       ["Apply softmax to the raw int8 values to turn them into probabilities, then take the "
        "largest as the class.",
        "Divide the int8 values by 127 to get probabilities, then take the index of the "
        "largest.",
        "Read the int8 values as percentages: the largest value gives the class and its "
        "confidence.",
        "Dequantize, p = scale × (q - zero_point): probabilities summing to about 1; the "
        "largest gives the class."],
       "The output is quantized just like the input: undo the quantization before reading it."),
    # ------------------------------------------------------------ 03 conversion
    _q("q09", "03_conversion", "easy",
       "What is the main purpose of converting a model to TFLite (LiteRT) or Core ML?",
       ["To train the model on the phone instead of on a server, using the user's own photos.",
        "To run the model on the device itself: fast, offline, and without uploading images.",
        "To collect training data from users' phones and send it back to improve the model.",
        "To replace the phone's operating system with one that has AI built in."],
       "What does the app do with the model once it is installed?"),
    _q("q10", "03_conversion", "easy",
       "Which line converts the TensorFlow SavedModel in the folder model_dir to TFLite?",
       ["tflite_model = tf.convert_to_tflite('model_dir')",
        "tflite_model = tf.saved_model.convert_to_tflite('model_dir')",
        "tflite_model = tf.lite.convert('model_dir')",
        "tflite_model = tf.lite.TFLiteConverter.from_saved_model('model_dir').convert()"],
       "Conversion goes through a converter object: create it from the model, then ask "
       "it to convert."),
    _q("q11", "03_conversion", "medium",
       "What is `tflite_model` after this code runs?",
       ["The path of the .tflite file that convert() wrote next to the SavedModel folder.",
        "A TensorFlow SavedModel object, optimized for mobile.",
        "A bytes object holding the flatbuffer; you write it to a .tflite file yourself.",
        "A dict describing the model's layers, tensors, operators and quantization."],
       "Think about what you hand to the interpreter or write into the app bundle.",
       code='converter = tf.lite.TFLiteConverter.from_saved_model("my_model")\n'
            "tflite_model = converter.convert()"),
    _q("q12", "03_conversion", "medium",
       "You run `coremltools.convert('model.mlmodel')` and get an error. What is the cause?",
       ["coremltools.convert never takes a path string: it needs a model object already "
        "loaded in Python.",
        "model.mlmodel is already Core ML: nothing to convert. Load it with "
        "coremltools.models.MLModel.",
        "coremltools only converts TFLite files, so the file must first become model.tflite.",
        "coremltools cannot open .mlmodel files at all: only Xcode on a Mac can read them."],
       "coremltools.convert turns a TensorFlow or PyTorch model into Core ML. What is "
       "model.mlmodel?"),
    _q("q13", "03_conversion", "hard",
       "You have one trained TensorFlow model and need it in both an Android app and an "
       "iOS app. Which plan is sound?",
       ["Convert it to Core ML for the Android app and to TFLite for the iOS app: one format "
        "per platform.",
        "Ship the SavedModel in both apps: Android and iOS run TensorFlow SavedModels "
        "without any conversion.",
        "Convert it to .tflite: LiteRT runs it on both Android and iOS; a Core ML copy for "
        "iOS is optional.",
        "TFLite models run only on Android, so the iOS app must use a Core ML conversion of "
        "the model."],
       "Which runtime exists on which platform? Core ML is Apple-only; is LiteRT "
       "Android-only?"),
    _q("q14", "03_conversion", "medium",
       "Your Keras model takes float32 pixels in [0, 1] of shape (1, 28, 28, 1). You want "
       "the Core ML model to accept a grayscale image from the app and return a class "
       "label. Which arguments to `coremltools.convert` (as `ct`) do that?",
       ["inputs=[ct.ImageType(shape=(1, 28, 28, 1), scale=1/255, "
        "color_layout=ct.colorlayout.GRAYSCALE)] and "
        "classifier_config=ct.ClassifierConfig(CLASS_NAMES)",
        "inputs=[ct.TensorType(shape=(1, 28, 28, 1))]: the app can then pass its image "
        "straight in.",
        "inputs=[ct.ImageType(shape=(1, 28, 28, 1), color_layout=ct.colorlayout.GRAYSCALE)] "
        "alone: Core ML divides pixels by 255 by default, and the labels come from the "
        "Keras model.",
        "classifier_config=ct.ClassifierConfig(CLASS_NAMES) alone: a classifier's input "
        "becomes an image automatically."],
       "An image input delivers pixels 0–255. What makes them match the model's [0, 1], "
       "and where do class names come from?"),
    # ------------------------------------------------------------ 04 optimization
    _q("q15", "04_optimization", "medium",
       "You set `converter.optimizations = [tf.lite.Optimize.DEFAULT]` and give no "
       "representative dataset. What do you get?",
       ["A full-integer model: int8 input, int8 output and int8 arithmetic in every op, ready "
        "for an NPU.",
        "Dynamic-range quantization: int8 weights; input, output and activations between ops "
        "stay float32.",
        "float16 weights and a float16 input, which halves both the file and the input.",
        "The same model as without optimizations: DEFAULT only marks the model as "
        "optimizable."],
       "Without sample data the converter knows the weights' ranges, but not the "
       "activations'."),
    _q("q16", "04_optimization", "easy",
       "What does float16 quantization (`optimizations = [tf.lite.Optimize.DEFAULT]`, "
       "`target_spec.supported_types = [tf.float16]`) do?",
       ["It makes the file 4× smaller and switches the arithmetic to int8, like full-integer "
        "quantization.",
        "The input becomes float16, so the app must convert its camera pixels to float16 "
        "before each call.",
        "It needs a representative dataset to calibrate the float16 ranges, just like int8 "
        "quantization.",
        "float16 weights, about half the file; the input stays float32, and a CPU without "
        "float16 arithmetic expands the weights to float32 (DEQUANTIZE)."],
       "float16 is still floating point, with half the bits of float32."),
    _q("q17", "04_optimization", "hard",
       "An int8-only accelerator needs a model whose input, output and every op are int8. "
       "Which converter settings give you one?",
       ["optimizations = [tf.lite.Optimize.DEFAULT] alone.",
        "Optimize.DEFAULT with inference_input_type = inference_output_type = tf.int8 and "
        "no representative dataset: the converter estimates the ranges itself.",
        "Optimize.DEFAULT, a representative_dataset of real training images, "
        "target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8], and "
        "inference_input_type = inference_output_type = tf.int8.",
        "Optimize.DEFAULT and a representative_dataset of real training images: the input and "
        "output then become int8 automatically."],
       "Activation ranges have to be measured on data, and the model's interface types "
       "are set separately."),
    _q("q18", "04_optimization", "hard",
       "You prune 50% of the weights to zero (tfmot's prune_low_magnitude, then "
       "strip_pruning) and convert the model to a float32 .tflite. What happens to the "
       "file size?",
       ["About the same: a float32 zero still takes 4 bytes in a dense tensor; zipping the "
        "file is what shrinks it.",
        "It halves, because the converter stores only the non-zero weights together with "
        "their positions.",
        "It doubles, because the pruning mask is stored next to the weights in the .tflite "
        "file.",
        "The converter refuses pruned models until the zeros are removed from each layer."],
       "How many bytes does a float32 zero take in a dense array?"),
    _q("q19", "04_optimization", "medium",
       "Post-training full-integer quantization cost your model several points of "
       "accuracy. What is the standard next step?",
       ["Calibrate with a representative dataset of random noise, which covers every pixel "
        "value evenly.",
        "Prune half the weights: a smaller model loses less accuracy when it is quantized.",
        "Switch to float16: it is full-integer too, just more precise, so the accuracy comes "
        "back.",
        "Quantization-aware training (tfmot.quantization.keras.quantize_model), then convert."],
       "Let the model learn to live with int8 rounding."),
    _q("q20", "04_optimization", "medium",
       "With coremltools.optimize.coreml you apply linear_quantize_weights (8-bit) or "
       "palettize_weights (4-bit k-means) to the float16 mlprogram. Which statement is right?",
       ["Both change the model's input from an image to int8 values, so the app must "
        "quantize its pixels first.",
        "Both shrink the stored weights and keep the image input; 4-bit palettized < 8-bit "
        "linear < float16.",
        "They work only inside coremltools.convert; a saved .mlpackage cannot be "
        "compressed afterwards.",
        "Palettization keeps a float32 copy of every weight next to its palette, so the "
        "package grows."],
       "These functions change how the weights are stored, nothing else."),
    # ------------------------------------------------------------ 06 shipping
    _q("q21", "06_shipping", "easy",
       "The converter refuses your model: one op is \"neither a custom op nor a flex op\". "
       "With target_spec.supported_ops = [TFLITE_BUILTINS, SELECT_TF_OPS] it converts. What "
       "does shipping that .tflite cost?",
       ["Nothing: the converter copies the TensorFlow kernel into the .tflite, which grows by "
        "a few megabytes but runs on any LiteRT runtime.",
        "The app must bundle LiteRT's Flex runtime (TensorFlow's own kernels): megabytes more "
        "in every install, while the .tflite itself barely grows.",
        "The op moves to the phone's GPU, which runs TensorFlow ops natively, so the model "
        "gets faster.",
        "Nothing on Android; only iOS needs an extra library."],
       "Where does the code that runs a TensorFlow op on the phone come from?"),
    _q("q22", "06_shipping", "medium",
       "A .tflite straight from TFLiteConverter (no metadata added) reaches the app team. "
       "Which of these can the app read from the file instead of hard-coding it?",
       ["The class labels and the normalization (mean and standard deviation): the converter "
        "stores them with the weights.",
        "Nothing: a .tflite holds only weights, so shapes and types must be agreed on by hand.",
        "The input's shape and dtype, and for an int8 input its scale and zero point, under "
        "the signature's named inputs and outputs; not the labels, not the normalization.",
        "Only the labels, which the converter takes from the Keras model's last layer."],
       "Open the model with get_signature_runner and look at what its input details hold."),
    _q("q23", "06_shipping", "medium",
       "You convert to Core ML with ct.ImageType(scale=1/255, "
       "color_layout=ct.colorlayout.GRAYSCALE) and ct.ClassifierConfig(labels). What does the "
       "iOS app hand the model, and what does it get back?",
       ["An 8-bit grayscale image (a CVPixelBuffer, e.g. through Vision); it gets the label "
        "and a probability per label.",
        "A float array the app scaled to [0, 1] itself; it gets a probability vector to map "
        "to labels by index.",
        "An int8 array quantized with a scale and zero point; it gets int8 scores to "
        "dequantize.",
        "A color image, which Core ML turns gray; it gets the index of the best class."],
       "ImageType and ClassifierConfig move two steps of the app's code into the model."),
)

_BY_ID = {q.id: q for q in QUESTIONS}


def question(question_id):
    """The Question with this id ("q01", ...)."""
    try:
        return _BY_ID[str(question_id).strip().lower()]
    except KeyError:
        raise CourseInputError(
            f"Unknown question {question_id!r}; the ids are {QUESTIONS[0].id}..{QUESTIONS[-1].id}."
        ) from None


def questions(lesson=None, level=None):
    """Questions in bank order, optionally only of one lesson and/or one level."""
    if lesson is not None and lesson not in LESSONS:
        raise CourseInputError(f"Unknown lesson {lesson!r}; expected one of {list(LESSONS)}.")
    if level is not None and level not in LEVELS:
        raise CourseInputError(f"Unknown level {level!r}; expected one of {LEVELS}.")
    return [q for q in QUESTIONS
            if (lesson is None or q.lesson == lesson) and (level is None or q.level == level)]
