"""The grader's reference artifacts and held-out data (grader-only).

The references the checks compare against (the course's own float32/int8/... conversions,
a SavedModel, a small "probe" model with fixed random weights, the Core ML package size)
are made by the grader itself and cached on disk, so nothing is converted twice and
nothing trains while grading. The cache lives in ``$COURSE_CACHE_DIR`` (default
``~/.cache/mobile-course``), in a folder keyed by the reference weights and the library
versions. ``python -m course_grader.references`` makes all of it now.

Nothing in this package is in the student edition or visible to a student's kernel
while grading: it holds what computes graded answers.
"""
import functools
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from course_grader import provided_models
from course_lib import data, provided
from course_lib.quiet import quiet


def cache_dir():
    """The grader's cache: the provided models (``provided/``, which a student's kernel may
    read) and the grader's own references (``grader/``, which only the judge sees)."""
    return provided.cache_root()


def _cached(name, make):
    return provided.cached("grader", name, make)


reference_model = provided.reference_model  # the shipped reference classifier, loaded once


@functools.lru_cache(maxsize=None)
def splits():
    return data.load_splits()


def reference_tflite(variant="float32"):
    """The course's own TFLite conversion of the reference model (bytes): the models the
    exercises are given (see course_lib.provided), which are also the grader's references."""
    return provided.tflite(variant)


def reference_tflite_size(variant="float32"):
    """Size in bytes of the grader's own conversion, as a student's converter writes it (a
    provided file is a few dozen bytes larger: it carries the course's mark). Cached."""
    from course_grader.conversions import to_tflite

    def make(path):
        with quiet():
            path.write_text(str(len(to_tflite(reference_model(), variant))))

    return int(_cached(f"size_{variant}.tflite.txt", make).read_text())


def reference_saved_model():
    """Path of the reference model exported with ``tf.saved_model.save``."""
    return provided.saved_model_dir()


def reference_coreml_size():
    """Size in bytes of the reference model as a float16 mlprogram .mlpackage (cached)."""
    from course_grader.conversions import to_coreml
    from course_lib import convert

    def make(path):
        with tempfile.TemporaryDirectory() as tmp:
            package = convert.save_coreml(to_coreml(reference_model(), "float16"),
                                          Path(tmp) / "reference.mlpackage")
            path.write_text(json.dumps({"size_bytes": convert.directory_size(package)}))

    return json.loads(_cached("reference_coreml_float16.json", make).read_text())["size_bytes"]


_PROBE = "probe-conv128-dense10-seed11"  # names the probe's cache entries


@functools.lru_cache(maxsize=None)
def probe_model():
    """A small model with fixed random weights (untrained, seeded initializers): a second
    input for the students' conversion functions, so hard-coding the reference model
    cannot pass. Its two weight tensors have over 1024 values, so a quantizing
    conversion would quantize them (and fail the float32 checks)."""
    from course_lib.quiet import import_tensorflow

    tf = import_tensorflow()
    init = tf.keras.initializers.GlorotUniform
    with quiet():
        inputs = tf.keras.Input(shape=data.IMAGE_SHAPE, name="image")
        x = tf.keras.layers.Conv2D(128, 3, strides=2, activation="relu",
                                   kernel_initializer=init(seed=11), name="probe_conv")(inputs)
        x = tf.keras.layers.GlobalAveragePooling2D(name="probe_pool")(x)
        outputs = tf.keras.layers.Dense(10, activation="softmax", kernel_initializer=init(seed=12),
                                        name="probe_probabilities")(x)
        return tf.keras.Model(inputs, outputs, name="probe")


def probe_saved_model():
    def make(path):
        from course_lib.quiet import import_tensorflow

        tf = import_tensorflow()
        with quiet():
            tf.saved_model.save(probe_model(), str(path))

    return str(_cached(f"{_PROBE}_savedmodel", make))


def probe_tflite():
    from course_grader.conversions import to_tflite

    return _cached(f"{_PROBE}_float32.tflite",
                   lambda path: path.write_bytes(to_tflite(probe_model(), "float32"))).read_bytes()


def heldout(seed):
    """Held-out images (float32) and labels: the test split, which no exercise loads,
    plus a copy of it with every image shifted by up to 2 pixels (seeded)."""
    test = splits().test
    rng = np.random.default_rng(seed)
    shifted = np.stack([np.roll(image, tuple(int(s) for s in rng.integers(-2, 3, 2)), axis=(0, 1))
                        for image in test.images])
    return (data.normalize(np.concatenate([test.images, shifted])),
            np.concatenate([test.labels, test.labels]))


def _run_tflite(blob, images):
    from course_grader import runtime

    with quiet():
        return runtime.run_tflite(blob, images)


def _val_images(count=100):
    return splits().val.normalized()[:count]


def val_probabilities():
    """The reference model's class probabilities on the validation split (float32 TFLite)."""
    return _run_tflite(reference_tflite("float32"), splits().val.normalized())


def val_confusion():
    from course_lib import evaluate

    return evaluate.confusion_matrix(splits().val.labels, val_probabilities())


def dog_scores():
    """(P(dog) per validation image, is-a-dog per image), from the grader's own run."""
    return val_probabilities()[:, data.class_index("dog")], splits().val.labels == data.class_index("dog")


def candidate_models():
    """{name: .tflite bytes} of the models the 01_metrics budget question is about."""
    return {name: reference_tflite(name) for name in ("float32", "float16", "dynamic_range", "int8")}


def _frames(split, start, count, height=None, width=None):
    """Camera frames of images of a split (``height`` x ``width``, square by default)."""
    images = getattr(splits(), split).images[start:start + count]
    return [data.camera_frame(image, seed=1000 + start + i, height=height, width=width)
            for i, image in enumerate(images)]


def int8_details():
    """Input and output details of the course's int8 model (as LiteRT reports them)."""
    from course_grader import runtime

    with quiet():
        model = runtime.TFLiteModel(reference_tflite("int8"))
    return model.input, model.output


def warm_cache():
    """Make every cached reference artifact now (about 25 s once per machine and library
    versions), so that no graded notebook pays for it."""
    start = time.time()
    provided_models.make_all()
    reference_coreml_size()
    probe_saved_model()
    probe_tflite()
    return time.time() - start


if __name__ == "__main__":
    seconds = warm_cache()
    print(f"grader cache ready in {cache_dir()} ({seconds:.0f} s)")
