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
    assert kept == sorted([*provided.TFLITE_FILES.values(), provided.SAVED_MODEL])
    assert provided.tflite("int8")[4:8] == b"TFL3"
    assert provided.saved_model_dir().endswith(provided.SAVED_MODEL)
