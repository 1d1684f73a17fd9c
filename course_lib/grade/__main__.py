"""``python -m course_lib.grade [ASSIGNMENT ...] [--workers N] [--scheduler ADDRESS]``."""
from course_lib.grade.cli import main

main()
