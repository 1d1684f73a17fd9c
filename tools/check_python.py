"""Refuse, with a clear message, a Python or a platform the pinned stack does not support.

The pins of requirements.txt resolve on CPython 3.11, 3.12 and 3.13, on Linux (x86_64) and
on macOS with Apple silicon. Python 3.10 has no wheels of scikit-learn 1.9 or numpy 2.4;
Intel Macs have no TensorFlow 2.21 wheel; TensorFlow has no native Windows wheel (use WSL2).
The first releases of 3.11 install the pins but fail at run time: the pinned soupsieve's
regular expressions fail on Debian 12's 3.11.2, and with them nbconvert's HTML export
(feedback, the Formgrader's pages). 3.11.7 is the oldest 3.11 verified.
"""
import platform
import sys

SUPPORTED = ((3, 11), (3, 13))
OLDEST_311 = (3, 11, 7)


def problem(version, system, machine):
    """Why this interpreter cannot run the course (None if it can)."""
    low, high = SUPPORTED
    if not low <= tuple(version[:2]) <= high:
        return (f"this course needs Python {low[0]}.{low[1]}-{high[0]}.{high[1]}; this is "
                f"{version[0]}.{version[1]} (the pinned TensorFlow, numpy and scikit-learn "
                "have no wheels for it). Run: make PYTHON=python3.12 lab")
    if tuple(version[:2]) == (3, 11) and tuple(version[:3]) < OLDEST_311:
        return (f"this course needs Python 3.11.7 or later; this is "
                f"{'.'.join(map(str, version[:3]))}, on which the pinned soupsieve fails (and "
                "with it the feedback and the Formgrader's pages). Run: make PYTHON=python3.12 lab")
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
