"""Grader-only checks and references: never in the student edition, never visible to a
student's kernel while the batch grader runs (only its judge process sees this package).

One module per lesson (``metrics``, ``pipeline``, ``conversion``, ``optimization``,
``quiz``, ``shipping``) holds the hidden tests and the strict twins of the visible checks, with the
reference answers they need; ``references`` makes and caches the reference artifacts
(the course's own conversions, probe models, held-out data). ``course_lib.grading``
exports the checks listed in each module's ``__all__``.
"""
