"""Batch grading of untrusted submissions: `python -m course_lib.grade`."""
