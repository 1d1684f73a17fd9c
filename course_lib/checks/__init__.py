"""The checks a student may run: the visible tests of the exercises, one module per lesson
(``metrics``, ``pipeline``, ``conversion``, ``optimization``, ``quiz``), with the PASS/FAIL
helpers they share (``report``, ``models``).

They verify structure, types, shapes and the properties a task states. None of them knows
a right answer: the checks that do are grader-only (``course_grader``).
"""
