"""The quiz machinery: the practice bank's shape, hidden answers, checking, scoring and the
widgets; the graded quiz's per-student questions, whose answers only the grader knows."""
import html
import json
import re
import shutil
from pathlib import Path

import pytest

from course_lib import CourseInputError, quiz

ROOT = Path(__file__).resolve().parents[2]

# The answer key lives in the tests only (test_quiz_facts.py pins the same letters).
ANSWER_KEY = {
    "q01": "B", "q02": "C", "q03": "A", "q04": "D", "q05": "A",
    "q06": "C", "q07": "B", "q08": "D", "q09": "B", "q10": "D",
    "q11": "C", "q12": "B", "q13": "C", "q14": "A", "q15": "B",
    "q16": "D", "q17": "C", "q18": "A", "q19": "D", "q20": "B",
    "q21": "B", "q22": "C", "q23": "A",
}
# The syllabus's five practice questions, corrected, and where they are in the bank.
SYLLABUS_PRACTICE = {"q09": "purpose of TFLite/Core ML", "q10": "conversion command",
                     "q11": "what convert() returns", "q12": "convert on a .mlmodel",
                     "q13": "Android and iOS"}


def wrong_letter(question_id):
    return next(l for l in quiz.question(question_id).letters if l != ANSWER_KEY[question_id])


def plain(html_text):
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


# ---------------------------------------------------------------- the bank

def test_bank_has_stable_ids_and_covers_every_lesson_and_level():
    ids = [q.id for q in quiz.QUESTIONS]
    assert ids == [f"q{i:02d}" for i in range(1, len(ids) + 1)] and len(ids) >= 10
    assert list(ANSWER_KEY) == ids
    assert {q.lesson for q in quiz.QUESTIONS} == set(quiz.LESSONS)
    assert {q.level for q in quiz.QUESTIONS} == set(quiz.LEVELS)
    for lesson in quiz.LESSONS:
        assert len(quiz.questions(lesson=lesson)) >= 3, lesson
    assert set(SYLLABUS_PRACTICE) <= set(ids)
    for q in quiz.QUESTIONS:
        assert q.letters == ("A", "B", "C", "D"), q.id
        assert len({text for _, text in q.options}) == 4, q.id
        assert q.prompt and q.hint and q.hint not in dict(q.options).values()


def test_each_question_has_exactly_one_right_option_the_key():
    for qid, letter in ANSWER_KEY.items():
        assert [l for l in "ABCD" if quiz.is_correct(qid, l)] == [letter], qid


def test_corrected_syllabus_questions_do_not_repeat_its_errors():
    mlmodel = quiz.question("q12")
    right = mlmodel.option(ANSWER_KEY["q12"])
    assert "already Core ML" in right and "coremltools.models.MLModel" in right
    assert "never takes a path" in mlmodel.option("A") and not quiz.is_correct("q12", "A")
    both = quiz.question("q13").option(ANSWER_KEY["q13"])
    assert "both Android and iOS" in both and "optional" in both


def test_option_texts_are_sealed_one_line_and_not_in_the_source():
    source = "\n".join(p.read_text(encoding="utf-8") for p in Path(quiz.__file__).parent.glob("*.py"))
    for q in quiz.QUESTIONS:
        texts = {l: quiz.reveal(q.id, l) for l in q.letters}
        for letter, text in texts.items():
            assert text and "\n" not in text and len(text) <= 200, (q.id, letter)
            assert text not in source and text[:40] not in source, (q.id, letter)
        digest, sealed = quiz._SEALED[q.id]
        assert len({len(s) for s in sealed.values()}) == 1, f"{q.id}: texts leak their length"
        assert len(digest) == 64


def test_sealed_source_round_trips_and_depends_on_the_answer():
    feedback = {l: quiz.reveal("q07", l) for l in "ABCD"}
    entry = quiz.sealed_source("q07", ANSWER_KEY["q07"], feedback)
    namespace = {}
    exec("sealed = {\n" + entry + "\n}", namespace)
    assert namespace["sealed"]["q07"][0] == quiz._SEALED["q07"][0]
    assert quiz.seal("q07", "A", feedback)[0] != quiz._SEALED["q07"][0]
    with pytest.raises(CourseInputError, match="exactly the letters"):
        quiz.seal("q07", "A", {"A": "only one"})


def test_notebook_source_reveals_no_answers():
    notebook = json.loads((ROOT / "notebooks" / "05_quiz.ipynb").read_text(encoding="utf-8"))
    assert notebook["metadata"]["kernelspec"]["name"] == "mobile-course"
    source = "\n".join("".join(cell["source"]) for cell in notebook["cells"])
    for banned in ("is_correct", "reveal", "_SEALED", "ANSWER_KEY", "seal("):
        assert banned not in source
    for q in quiz.QUESTIONS:
        assert quiz.reveal(q.id, ANSWER_KEY[q.id])[:40] not in source
    assert not re.search(r"\bq\d\d\b\W+[ABCD]\b", source), "no 'q07: B'-style key in the notebook"


def test_no_practice_question_repeats_a_lesson_self_check():
    """A lesson's self-check comes with its worked answer; the same question in the quiz
    would be answered by reading it. No practice question of the lesson carries every
    figure of one of its self-check questions (98% and 2 seconds, say)."""
    figure = r"\d+(?:\.\d+)?\s*(?:%|seconds?\b|s\b|ms\b|MB\b|KB\b)"
    checked = 0
    for lesson in quiz.LESSONS:
        path = ROOT / "notebooks" / f"{lesson}.ipynb"
        if not path.exists():
            continue
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            text = "".join(cell["source"])
            if cell["cell_type"] != "markdown" or "**Question.**" not in text:
                continue
            asked = text.split("**Question.**", 1)[1].split("\n\n", 1)[0]
            figures = {re.sub(r"\s+", " ", f) for f in re.findall(figure, asked)}
            assert figures, asked
            checked += 1
            for q in quiz.questions(lesson=lesson):
                shown = {re.sub(r"\s+", " ", f) for f in re.findall(figure, q.prompt + q.code)}
                assert not figures <= shown, f"{q.id} repeats the self-check of {lesson}: {asked!r}"
    assert checked >= 1


# ---------------------------------------------------------------- checking and scoring

def test_check_gives_explanation_when_right_and_why_not_plus_hint_when_wrong():
    session = quiz.Quiz()
    right = session.check("q07", ANSWER_KEY["q07"])
    assert right.correct and right.first_attempt and right.hint == ""
    assert right.text.startswith("Correct. ") and "127" in right.text
    wrong = quiz.Quiz().check("q07", "d")
    assert not wrong.correct and wrong.answer == "D"
    assert wrong.text.startswith("Not quite. ") and "Hint: " + quiz.question("q07").hint in wrong.text
    assert wrong.explanation == quiz.reveal("q07", "D") and str(wrong) == wrong.text


def test_only_first_answers_score_and_retries_are_marked():
    session = quiz.Quiz()
    assert str(session.score()) == f"Score: 0 / {len(quiz.QUESTIONS)}"
    session.check("q01", ANSWER_KEY["q01"])
    retry = session.check("q01", wrong_letter("q01"))
    assert not retry.first_attempt and "Retry" in retry.text
    session.check("q02", wrong_letter("q02"))
    fixed = session.check("q02", ANSWER_KEY["q02"])
    assert fixed.correct and not fixed.first_attempt
    assert session.score() == quiz.Score(correct=1, answered=2, total=len(quiz.QUESTIONS))
    assert session.attempts("q02") == (wrong_letter("q02"), "C")
    report = session.report()
    assert "q01" in report and "right first time" in report and "right at try 2" in report
    session.reset()
    assert session.score().answered == 0


def test_a_quiz_on_a_subset_and_bad_input_are_handled():
    session = quiz.Quiz(["q03", "q04"])
    assert str(session.score()) == "Score: 0 / 2"
    with pytest.raises(CourseInputError, match="not part of this quiz"):
        session.check("q05", "A")
    with pytest.raises(CourseInputError, match="q01..q23"):
        quiz.check("q99", "A")
    with pytest.raises(CourseInputError, match="options A, B, C, D; got 'E'"):
        session.check("q03", "E")
    with pytest.raises(CourseInputError, match="got None"):
        session.check("q03", None)
    assert session.score().answered == 0, "refused answers are not recorded"
    with pytest.raises(CourseInputError, match="Unknown lesson"):
        quiz.questions(lesson="06_extra")
    assert [q.id for q in quiz.questions(lesson="02_pipeline_trace", level="hard")] == ["q07"]
    assert quiz.question(" Q03 ").id == "q03"


def test_module_level_check_and_score_share_one_quiz():
    quiz.reset()
    try:
        assert quiz.check("q10", ANSWER_KEY["q10"]).correct
        assert quiz.score().correct == 1 and quiz.score().answered == 1
    finally:
        quiz.reset()


# ---------------------------------------------------------------- widgets

def test_widget_blocks_check_answers_and_update_the_score_line():
    import ipywidgets as widgets

    ui = quiz.QuizWidget()
    shown = ui.show("01_metrics")
    blocks = [child for child in shown.children if "quiz-question" in child._dom_classes]
    assert [b for b in blocks if "quiz-q01" in b._dom_classes]
    assert len(blocks) == len(quiz.questions(lesson="01_metrics"))
    prompt, options, button, feedback = ui.block("q01").children
    assert isinstance(options, widgets.RadioButtons) and options.value is None
    assert options.options[0][1] == "A" and options.options[0][0].startswith("A. ")
    assert isinstance(button, widgets.Button) and button.description == "Check"
    assert "quiz-feedback" in feedback._dom_classes and "quiz-score" in ui.score_line._dom_classes
    assert plain(ui.score_line.value) == f"Score: 0 / {len(quiz.QUESTIONS)}"

    button.click()                                   # nothing picked yet
    assert plain(feedback.value).startswith("Pick an option")
    options.value = wrong_letter("q01")
    button.click()
    assert plain(feedback.value).startswith("Not quite.") and "Hint:" in plain(feedback.value)
    options.value = ANSWER_KEY["q01"]
    button.click()
    assert plain(feedback.value).startswith("Correct.")
    assert plain(ui.score_line.value) == f"Score: 0 / {len(quiz.QUESTIONS)}", "retries do not score"

    _, options, button, feedback = ui.block("q02").children
    options.value = ANSWER_KEY["q02"]
    button.click()
    assert plain(ui.score_line.value) == f"Score: 1 / {len(quiz.QUESTIONS)}"
    assert "Answered 2 of" in plain(ui.progress.value)
    assert ui.block("q02") is ui.block("q02"), "one block per question, reused"


def test_prompts_and_code_are_escaped_in_the_widgets():
    ui = quiz.QuizWidget()
    prompt_html = ui.block("q02").children[0].value
    assert "actual \\ predicted" in prompt_html and "<pre>" in prompt_html
    assert "<code>coremltools.convert('model.mlmodel')</code>" in ui.block("q12").children[0].value.replace("&#x27;", "'")
    assert "<script" not in quiz._inline_html("<script>x</script>")


# ---------------------------------------------------------------- saved progress

@pytest.fixture
def notebook_folder(tmp_path, monkeypatch):
    """The kernel's working folder (a notebook's folder), outside any grading."""
    from course_lib.quiz import graded

    monkeypatch.delenv(graded.GRADER_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def click(ui, question_id, letter):
    _, options, button, _ = ui.block(question_id).children
    options.value = letter
    button.click()


def test_a_named_quiz_saves_its_answers_and_a_new_kernel_gets_them_back(notebook_folder):
    ui = quiz.QuizWidget(name="05_quiz")
    ui.show("01_metrics")
    click(ui, "q01", wrong_letter("q01"))
    click(ui, "q01", ANSWER_KEY["q01"])
    ui.check("q07", ANSWER_KEY["q07"])                  # in code, on a block never shown
    saved = json.loads((notebook_folder / "quiz_progress" / "05_quiz.json").read_text())
    assert saved["quiz"] == "05_quiz"
    assert saved["answers"] == {"q01": [wrong_letter("q01"), ANSWER_KEY["q01"]], "q07": [ANSWER_KEY["q07"]]}
    assert "quiz_progress/05_quiz.json" in plain(ui.saved_line.value)
    assert not list((notebook_folder / "quiz_progress").glob(".*.tmp")), "no temporary file left"

    again = quiz.QuizWidget(name="05_quiz")              # what a restarted kernel does
    assert again.score() == ui.score() == quiz.Score(correct=1, answered=2, total=len(quiz.QUESTIONS))
    assert plain(again.score_line.value) == f"Score: 1 / {len(quiz.QUESTIONS)}"
    assert "Answered 2 of" in plain(again.progress.value)
    again.show("01_metrics")
    _, options, _, feedback = again.block("q01").children
    assert options.value == ANSWER_KEY["q01"]
    assert plain(feedback.value).startswith("Correct.") and "Retry" in plain(feedback.value)
    _, options, _, feedback = again.block("q02").children
    assert options.value is None and feedback.value == ""
    assert again.quiz.attempts("q01") == (wrong_letter("q01"), ANSWER_KEY["q01"])
    assert "right at try 2" in again.report()
    # Retries after restoring still do not score: the first answer is the saved one.
    again.check("q07", wrong_letter("q07"))
    assert quiz.QuizWidget(name="05_quiz").score().correct == 1


def test_each_quiz_has_its_own_file_and_a_quiz_without_a_name_saves_nothing(notebook_folder):
    full = quiz.QuizWidget(name="05_quiz")
    shipping = quiz.QuizWidget(quiz.Quiz([q.id for q in quiz.questions(lesson="06_shipping")]),
                               name="06_shipping")
    full.check("q21", ANSWER_KEY["q21"])
    shipping.check("q21", wrong_letter("q21"))
    shipping.check("q22", ANSWER_KEY["q22"])
    assert quiz.QuizWidget(name="05_quiz").quiz.answers() == {"q21": [ANSWER_KEY["q21"]]}
    shipping_again = quiz.QuizWidget(quiz.Quiz(["q21", "q22", "q23"]), name="06_shipping")
    assert shipping_again.score() == quiz.Score(correct=1, answered=2, total=3)
    unnamed = quiz.QuizWidget()
    unnamed.check("q01", ANSWER_KEY["q01"])
    assert sorted(p.name for p in (notebook_folder / "quiz_progress").iterdir()) == [
        "05_quiz.json", "06_shipping.json"]
    assert quiz.QuizWidget().score().answered == 0
    assert "not saved" in plain(unnamed.saved_line.value)
    with pytest.raises(CourseInputError, match="names a file"):
        quiz.QuizWidget(name="../05_quiz")


BAD_FILES = {
    "not JSON": ("{\"format\": \"mobile-course/practice-quiz-progr", "not valid JSON"),
    "another program's JSON": ('{"q01": "B"}', "not a practice-quiz progress file"),
    "another quiz's file": (None, "holds the answers of quiz '06_shipping'"),
    "a question of no quiz": ({"q99": ["A"]}, "Unknown question 'q99'"),
    "a letter no option has": ({"q01": ["E"]}, "q01 has options A, B, C, D; got 'E'"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_kept_aside_unchanged_with_a_clear_message(notebook_folder, case, capsys):
    from course_lib.quiz import progress

    content, reason = BAD_FILES[case]
    folder = notebook_folder / "quiz_progress"
    folder.mkdir()
    if content is None:       # a real progress file of another quiz, under this quiz's name
        quiz.QuizWidget(quiz.Quiz(["q21"]), name="06_shipping").check("q21", "A")
        content = (folder / "06_shipping.json").read_text()
    elif isinstance(content, dict):
        content = json.dumps({"format": progress.FORMAT, "quiz": "05_quiz", "answers": content})
    (folder / "05_quiz.json").write_text(content)

    ui = quiz.QuizWidget(name="05_quiz")
    kept = list(folder.glob("05_quiz.unreadable-*.json"))
    assert len(kept) == 1 and kept[0].read_text() == content, "the bad file is kept, unchanged"
    assert not (folder / "05_quiz.json").exists()
    message = capsys.readouterr().out
    assert "could not be used" in message and reason in message and kept[0].name in message
    assert reason in plain(ui.saved_line.value)
    assert ui.score().answered == 0
    ui.check("q01", ANSWER_KEY["q01"])                   # the quiz goes on, in a new file
    assert quiz.QuizWidget(name="05_quiz").score().correct == 1
    assert kept[0].name in plain(ui.saved_line.value), "the message stays after saving"
    assert kept[0].read_text() == content
    # A second bad file is kept too, not written over the first.
    (folder / "05_quiz.json").write_text(content)
    quiz.QuizWidget(name="05_quiz")
    assert len(list(folder.glob("05_quiz.unreadable-*.json"))) == 2


def test_a_failed_write_leaves_the_saved_file_whole(notebook_folder):
    from course_lib.quiz.progress import ProgressFile

    ui = quiz.QuizWidget(name="05_quiz")
    ui.check("q01", ANSWER_KEY["q01"])
    path = notebook_folder / "quiz_progress" / "05_quiz.json"
    before = path.read_text()
    with pytest.raises(TypeError):   # fails half-way through writing the JSON
        ProgressFile("05_quiz").write({"q01": ["B"], "q02": [object()]})
    assert path.read_text() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["05_quiz.json"]


def test_when_the_file_cannot_be_written_the_quiz_says_so_and_goes_on(notebook_folder, capsys):
    ui = quiz.QuizWidget(name="05_quiz")
    blocker = notebook_folder / "quiz_progress"
    blocker.write_text("a file where the folder should be")    # so no file can be made in it
    assert ui.check("q01", ANSWER_KEY["q01"]).correct and ui.score().correct == 1
    assert "Could not save your answers" in plain(ui.saved_line.value)
    blocker.unlink()
    ui.check("q02", ANSWER_KEY["q02"])
    assert "Could not save" not in plain(ui.saved_line.value), "a save that works clears it"
    assert quiz.QuizWidget(name="05_quiz").score().correct == 2

    # A saved file that can be neither read nor moved aside is left alone, not overwritten.
    shutil.rmtree(blocker)
    blocker.write_text("a file where the folder should be")
    stuck = quiz.QuizWidget(name="05_quiz")
    assert "count in this kernel only" in capsys.readouterr().out
    stuck.check("q01", ANSWER_KEY["q01"])
    assert stuck.score().correct == 1 and stuck.progress_file is None
    assert blocker.read_text() == "a file where the folder should be"


def test_start_over_takes_two_clicks_and_erases_the_saved_answers(notebook_folder):
    ui = quiz.QuizWidget(name="05_quiz")
    ui.show("01_metrics")
    click(ui, "q01", ANSWER_KEY["q01"])
    ui.start_over_button.click()
    assert ui.score().answered == 1 and "again" in ui.start_over_button.description
    click(ui, "q02", ANSWER_KEY["q02"])                  # anything else cancels the first click
    assert ui.start_over_button.description == "Start over"
    ui.start_over_button.click()
    ui.start_over_button.click()
    assert ui.score().answered == 0 and ui.block("q01").children[1].value is None
    assert ui.block("q01").children[3].value == ""
    assert not (notebook_folder / "quiz_progress" / "05_quiz.json").exists()
    assert quiz.QuizWidget(name="05_quiz").score().answered == 0


def test_progress_cannot_reach_a_grade(notebook_folder, monkeypatch):
    """Only the practice quiz reads or writes progress files: the graded exercise and
    everything that grades never use the practice widget, and a notebook being graded
    neither reads a student's progress nor leaves one."""
    from course_lib.quiz import graded

    quiz.QuizWidget(name="05_quiz").check("q01", ANSWER_KEY["q01"])
    monkeypatch.setenv(graded.GRADER_ENV, "zoe")
    during_grading = quiz.QuizWidget(name="05_quiz")
    assert during_grading.score().answered == 0 and during_grading.progress_file is None
    during_grading.check("q02", ANSWER_KEY["q02"])
    monkeypatch.delenv(graded.GRADER_ENV)
    assert quiz.QuizWidget(name="05_quiz").quiz.answers() == {"q01": [ANSWER_KEY["q01"]]}

    graders = ([ROOT / "course_lib" / "grading.py", ROOT / "course_lib" / "quiz" / "graded.py"]
               + sorted((ROOT / "course_grader").rglob("*.py"))
               + sorted((ROOT / "course_lib" / "checks").rglob("*.py"))
               + sorted((ROOT / "course_lib" / "grade").rglob("*.py"))
               + sorted((ROOT / "exercises").rglob("*.ipynb")) + sorted((ROOT / "solutions").rglob("*.ipynb")))
    assert len(graders) > 10
    for path in graders:
        text = path.read_text(encoding="utf-8")
        for word in ("QuizWidget", "quiz_progress", "quiz.progress", "ProgressFile"):
            assert word not in text, f"{path.relative_to(ROOT)} uses {word}"


# ---------------------------------------------------------------- the graded quiz

STUDENTS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]


def test_graded_questions_are_made_from_the_id_and_differ_between_students():
    from course_lib.quiz import graded

    alice, bob = graded.questions("alice"), graded.questions("bob")
    assert [q.id for q in alice] == list(graded.IDS) == [f"q{i:02d}" for i in range(1, 21)]
    assert alice == graded.questions("alice"), "the same id always gets the same questions"
    assert {q.lesson for q in alice} == set(quiz.LESSONS) - {"06_shipping"}  # exercise 05: lessons 01-04
    numbers = [q for q in alice if q.kind == "number"]
    options = [q for q in alice if q.kind == "option"]
    assert len(numbers) >= 8 and len(options) >= 8
    assert all(a.params != b.params for a, b in zip(alice, bob) if a.kind == "number")
    # The option order of every conceptual question varies between students.
    for qid in (q.id for q in options):
        orders = {graded.question(s, qid).options for s in STUDENTS}
        assert len(orders) > 1, qid
    for q in alice:
        assert q.text().startswith(q.id) and (q.kind == "number") == (not q.options)
        assert graded.kind(q.id) == q.kind and graded.letters(q.id) == q.letters


def test_the_student_side_library_holds_no_graded_answer():
    """No key, digest or answer function: the quiz package never imports the grader, and
    an option question's right text is named only in course_grader."""
    from course_grader import quiz as grader

    package = Path(quiz.__file__).parent
    source = "\n".join(p.read_text(encoding="utf-8") for p in package.glob("*.py"))
    assert "course_grader" not in source.replace("``course_grader.quiz``", "")
    checks = (ROOT / "course_lib" / "checks" / "quiz.py").read_text(encoding="utf-8")
    assert "course_grader" not in checks.split('"""')[2]
    for qid, (piece, why) in grader._RIGHT.items():
        q = quiz.graded.question("alice", qid)
        assert [t for _, t in q.options if piece in t] != [], qid
        assert len([t for _, t in q.options if piece in t]) == 1, f"{qid}: the key must name one option"
        assert why not in source


def test_the_grader_answers_every_question_and_accepts_only_the_right_answer():
    from course_grader import quiz as grader

    for student in STUDENTS[:4]:
        answers = grader.answers(student)
        for qid, right in answers.items():
            q = quiz.graded.question(student, qid)
            assert grader.is_right(student, qid, right), (student, qid)
            if q.kind == "option":
                assert right in q.letters
                assert grader.is_right(student, qid, right.lower())
                assert sum(grader.is_right(student, qid, l) for l in q.letters) == 1
            else:
                off = max(q.tolerance * 2, 1)
                assert not grader.is_right(student, qid, right + off), (student, qid)
                assert not grader.is_right(student, qid, "A")


def test_answers_made_for_a_neighbour_earn_only_what_chance_gives():
    """Numbers fit their own student's parameters: across many pairs, copied numeric
    answers are almost never right, and copied letters about one time in four."""
    from course_grader import quiz as grader

    numbers = options = numbers_right = options_right = 0
    for a, b in zip(STUDENTS, STUDENTS[1:] + STUDENTS[:1]):
        copied = grader.answers(a)
        for qid, answer in copied.items():
            right = grader.is_right(b, qid, answer)
            if quiz.graded.kind(qid) == "number":
                numbers, numbers_right = numbers + 1, numbers_right + right
            else:
                options, options_right = options + 1, options_right + right
    assert numbers_right / numbers < 0.15
    assert options_right / options < 0.45


def test_option_length_does_not_give_the_answer_away():
    """A student who always picks the longest option (or the shortest, or the second
    longest...) scores about what guessing scores: the right options are spread over the
    length ranks, never mostly the most detailed one."""
    from course_grader import quiz as grader

    for student in STUDENTS:
        options = [q for q in quiz.graded.questions(student) if q.kind == "option"]
        by_rank = {}
        for q in options:
            longest_first = [letter for letter, _ in sorted(q.options, key=lambda o: -len(o[1]))]
            rank = longest_first.index(grader.answer(student, q.id)[0])
            by_rank.setdefault(rank, []).append(q.id)
        guessing = sum(1 / len(q.options) for q in options)  # about 2.7 of 11
        for rank, right in by_rank.items():
            assert len(right) <= guessing + 1.5, (
                f"{student}: picking the option of length rank {rank + 1} answers {right}")


def test_student_id_is_the_graders_then_the_hubs_then_the_typed_one(monkeypatch, tmp_path):
    from course_lib.quiz import graded

    monkeypatch.delenv(graded.GRADER_ENV, raising=False)
    monkeypatch.delenv(graded.HUB_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert graded.student_id(None) == graded.NO_ID and "WARNING: no student id" in graded.whose(graded.NO_ID)
    assert graded.whose("alice") == "The questions of student 'alice'."
    assert graded.student_id(" alice ") == "alice" and graded.grading_student_id() is None
    monkeypatch.setenv(graded.HUB_ENV, "hubuser")
    assert graded.student_id("alice") == "hubuser"
    folder = tmp_path / "autograded" / "zoe" / "05_quiz"     # plain nbgrader autograde
    folder.mkdir(parents=True)
    monkeypatch.chdir(folder)
    assert graded.student_id("alice") == "zoe" == graded.grading_student_id()
    monkeypatch.setenv(graded.GRADER_ENV, "yann")              # the batch grader
    assert graded.student_id("alice") == "yann"


def _grade(label, ns):
    """(passed, printed line) of the hidden check."""
    import contextlib
    import io

    from course_grader import quiz as grader

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        try:
            grader.quiz_correct(label, ns)
            return True, printed.getvalue()
        except AssertionError:
            return False, printed.getvalue()


def test_the_hidden_check_grades_the_submitters_questions_and_explains(monkeypatch):
    from course_grader import quiz as grader
    from course_lib.quiz import graded

    monkeypatch.setenv(graded.GRADER_ENV, "alice")
    right = grader.answers("alice")
    ok, said = _grade("q01", {"ANSWERS": right, "STUDENT_ID": None})
    assert ok and said.startswith("PASS q01: ") and "is right. precision = " in said
    ok, said = _grade("q06", {"ANSWERS": {"q06": right["q06"] + 3}, "STUDENT_ID": None})
    assert not ok and "is not the right answer; it is" in said and "zero_point" in said
    assert "made from your id 'alice'" in said
    wrong = next(l for l in graded.letters("q12") if l != right["q12"])
    ok, said = _grade("q12", {"ANSWERS": {"q12": wrong}})
    assert not ok and "NHWC" in said, "the feedback says why the right answer is right"
    # Answers made for another id score 0, even where they would fit.
    ok, said = _grade("q01", {"ANSWERS": grader.answers("bob"), "STUDENT_ID": "bob"})
    assert not ok and "another student's questions" in said and "'alice' submitted" in said
    ok, said = _grade("q01", {"ANSWERS": right, "STUDENT_ID": "alice"})
    assert ok
    ok, said = _grade("q01", {"ANSWERS": right, "STUDENT_ID": "alicia"})
    assert ok, "a STUDENT_ID typo does not cost answers that fit the submitter's questions"
    # Answers to the questions a notebook shows when it knows no id are told apart.
    ok, said = _grade("q08", {"ANSWERS": grader.answers(graded.NO_ID)})
    assert not ok and "knew no student id" in said and "Set STUDENT_ID" in said
    ok, said = _grade("q04", {"ANSWERS": grader.answers(graded.NO_ID)})
    assert not ok and "knew no student id" in said, "even where a letter happens to fit"


def test_the_visible_check_knows_the_form_not_the_answer():
    from course_lib.checks.quiz import quiz_answered

    import contextlib
    import io

    def run(label, answers):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            try:
                quiz_answered(label, {"ANSWERS": answers})
            except AssertionError:
                pass
        return printed.getvalue()

    assert run("q01", {"q01": 123456.0}).startswith("PASS q01: answered 123456")
    assert "must be a number" in run("q01", {"q01": "B"})
    assert "must be a number" in run("q01", {"q01": float("nan")})
    assert "not answered" in run("q01", {})
    assert run("q04", {"q04": "c"}).startswith("PASS q04: answered 'C'")
    assert "has options A, B, C, D; got 'E'" in run("q04", {"q04": "E"})
    assert "A, B, C, D, E" in run("q17", {"q17": None})
