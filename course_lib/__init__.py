"""Helper library for the mobile-deployment course.

One module per stage of the deployment pipeline:
data -> model/train -> convert -> runtime -> inspect -> evaluate -> bench -> plots.

Importing the package selects Keras 2 (``tf-keras``) for TensorFlow and quiets
TensorFlow's C++ logging. Both must happen before TensorFlow is first imported,
which is why they live here and not in the modules that use TensorFlow.
"""
import os
import sys

if "tensorflow" not in sys.modules:
    # coremltools and tensorflow-model-optimization need Keras 2 models.
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
elif os.environ.get("TF_USE_LEGACY_KERAS") != "1":
    raise ImportError(
        "TensorFlow was imported before course_lib without TF_USE_LEGACY_KERAS=1, "
        "so tf.keras is Keras 3, which coremltools and tensorflow-model-optimization "
        "do not support. Restart the kernel and import course_lib first "
        "(or use the 'Mobile deployment course' kernel, which sets it)."
    )

from course_lib.errors import CourseInputError  # noqa: E402

__all__ = ["CourseInputError"]
