"""The models the exercises start from: loaded by course_lib.provided, made grader-side."""
from course_grader import provided_models
from course_lib import provided


def test_the_provided_folder_holds_the_course_models_and_nothing_else():
    """A student's kernel may read this folder: an int8 model an older course left there
    would be a file the grader does not know as provided, so making the models removes it."""
    stray = provided.cache_dir() / "reference_int8.tflite"
    stray.write_bytes(b"an older course's int8 model")
    provided_models.make_all()
    kept = sorted(p.name for p in provided.cache_dir().iterdir() if not p.name.startswith(".tmp-"))
    assert kept == sorted(provided.FILES)
    assert provided.tflite("int8")[4:8] == b"TFL3"
    assert provided.saved_model_dir().endswith(provided.SAVED_MODEL)


def test_every_provided_model_carries_its_mark_and_predicts_as_the_plain_conversion():
    """The mark is a metadata entry: a student's own conversion of the same model with the
    same settings lacks it, and the marked file predicts exactly what that one does."""
    import numpy as np

    from course_grader import conversions, runtime

    images = np.random.default_rng(0).random((8, 28, 28, 1), dtype=np.float32)
    for variant in provided.VARIANTS:
        blob = provided.tflite(variant)
        assert provided.provided_variant(blob) == variant
        calibration = provided_models._calibration_images() if variant == "int8" else None
        own = conversions.to_tflite(provided.reference_model(), variant, calibration)
        assert provided.provided_variant(own) is None and own != blob
        assert len(blob) - len(own) < 200
        assert np.array_equal(runtime.run_tflite(blob, images), runtime.run_tflite(own, images))


def test_the_validation_probabilities_are_the_float32_models_own():
    """01 starts from these numbers: exactly what LiteRT gives the provided float32 model on
    the validation images, in their order."""
    import numpy as np

    from course_grader import runtime
    from course_lib import data

    val = data.load_splits().val
    probs = provided.val_probabilities()
    assert probs.shape == (len(val.labels), 10) and probs.dtype == np.float32
    assert np.array_equal(probs, runtime.run_tflite(provided.tflite("float32"), val.normalized()))
    assert np.mean(probs.argmax(axis=1) == val.labels) > 0.9
