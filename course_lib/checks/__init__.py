"""The checks a student may run: the visible tests of the exercises, one module per lesson
(``metrics``, ``pipeline``, ``conversion``, ``optimization``, ``quiz``, ``shipping``), with
the PASS/FAIL helpers they share (``report``, ``models``, and ``history``, which tells an
unanswered cell from one never run).

They verify structure, types, shapes and the properties a task states. None of them knows
a right answer: the checks that do are grader-only (``course_grader``).
"""
