"""The instructor's steps after autograde: config, feedback, CSV export."""
import csv

from nbgrader.preprocessors import ClearHiddenTests
from traitlets.config.loader import PyFileConfigLoader

from course import ROOT, run_nbgrader


def test_config_scores_like_validate_and_hides_hidden_tests_in_feedback():
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert config.IgnorePattern.enabled is False  # autograde == validate == selfcheck
    assert any(issubclass(p, ClearHiddenTests) for p in config.GenerateFeedback.preprocessors)
    assert config.CourseDirectory.source_directory == "solutions"
    assert config.CourseDirectory.release_directory == "exercises"


def test_feedback_keeps_verdicts_and_drops_hidden_test_source(graded):
    course = graded["05_quiz"].course
    run_nbgrader(course, "generate_feedback", "05_quiz", "--force")
    html = (course / "feedback" / "one_wrong" / "05_quiz" / "05_quiz.html").read_text()
    assert "FAIL q07" in html and "PASS q01" in html
    assert "quiz_correct" not in html and "BEGIN HIDDEN TESTS" not in html


def test_csv_export_has_every_student(graded):
    g = graded["05_quiz"]
    run_nbgrader(g.course, "export", "--to", "grades.csv")
    with open(g.course / "grades.csv", newline="") as f:
        rows = {r["student_id"]: float(r["raw_score"]) for r in csv.DictReader(f)
                if r["assignment"] == "05_quiz"}
    assert rows == {s: r["score"] for s, r in g.results.items()}
