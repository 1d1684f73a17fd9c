"""Refuse, with a clear message, a Python the pinned stack does not support."""
import sys

if not (3, 10) <= sys.version_info[:2] <= (3, 13):
    sys.exit(
        f"This course needs Python 3.10-3.13 (TensorFlow 2.21's range); "
        f"{sys.executable} is {sys.version.split()[0]}. Run: make PYTHON=python3.12 lab"
    )
