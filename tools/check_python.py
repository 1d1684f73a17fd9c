"""Refuse, with a clear message, a Python or a platform the pinned stack does not support.

The pins of requirements.txt resolve on CPython 3.11, 3.12 and 3.13, on Linux (x86_64) and
on macOS with Apple silicon. Python 3.10 has no wheels of scikit-learn 1.9 or numpy 2.4;
Intel Macs have no TensorFlow 2.21 wheel; TensorFlow has no native Windows wheel (use WSL2).
"""
import platform
import sys

SUPPORTED = ((3, 11), (3, 13))


def problem(version, system, machine):
    """Why this interpreter cannot run the course (None if it can)."""
    low, high = SUPPORTED
    if not low <= tuple(version[:2]) <= high:
        return (f"this course needs Python {low[0]}.{low[1]}-{high[0]}.{high[1]}; this is "
                f"{version[0]}.{version[1]} (the pinned TensorFlow, numpy and scikit-learn "
                "have no wheels for it). Run: make PYTHON=python3.12 lab")
    if system == "Darwin" and machine != "arm64":
        return ("this course needs a Mac with Apple silicon (arm64): TensorFlow 2.21 has no "
                f"wheel for macOS on {machine}.")
    if system not in ("Linux", "Darwin"):
        return (f"this course runs on Linux or macOS (Apple silicon); this is {system}. On "
                "Windows, use WSL2 (Ubuntu) and run the same commands there.")
    return None


if __name__ == "__main__":
    reason = problem(sys.version_info, platform.system(), platform.machine())
    if reason:
        sys.exit(f"{sys.executable}: {reason}")
