"""The one error type the course raises for inputs a student got wrong."""


class CourseInputError(ValueError):
    """Bad input: the message says what was expected and what was given."""
