"""The README's description of how the graded quiz varies per student, against the quiz."""
import re
from pathlib import Path

from course_lib.quiz import graded

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
STUDENTS = [f"student{i:02d}" for i in range(30)]


def _varying():
    """(question ids whose prompt varies, ids whose option order varies) over 30 students."""
    quizzes = [graded.questions(s) for s in STUDENTS]
    prompts, orders = set(), set()
    for k, question in enumerate(quizzes[0]):
        if len({q[k].prompt for q in quizzes}) > 1:
            prompts.add(question.id)
        if len({str(getattr(q[k], "options", None)) for q in quizzes}) > 1:
            orders.add(question.id)
    return prompts, orders


def test_readme_counts_what_varies_in_the_graded_quiz():
    sentence = re.search(r"the numbers of its (\d+) numeric questions and\s+the option order of its "
                         r"(\d+) multiple-choice ones \((\d+) of which, (q\d+) and (q\d+), also quote",
                         README)
    assert sentence, "the README's sentence on the graded quiz changed: update this test"
    numeric, choice, both, first, second = sentence.groups()
    prompts, orders = _varying()
    kinds = {q: graded.kind(q) for q in graded.IDS}
    assert {q for q in prompts if kinds[q] == "number"} == {q for q in kinds if kinds[q] == "number"}
    assert int(numeric) == sum(k == "number" for k in kinds.values())
    assert orders == {q for q in kinds if kinds[q] == "option"} and int(choice) == len(orders)
    assert prompts & orders == {first, second} and int(both) == 2
