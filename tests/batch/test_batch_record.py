"""The batch grader's Recorder against plain nbgrader, with real nbgrader and real gradebooks.

Temporary courses are copies of one course made with ``nbgrader generate_assignment``
(05_quiz and 01_metrics), each with a few lines added to its nbgrader_config.py. In each,
student alice's 05_quiz is graded twice over:

- by plain ``nbgrader autograde``, in a copy of the course of its own (sqlite has one writer);
- the batch grader's way: Recorder.sanitize, then nbgrader's own Execute in this process
  standing in for the sandboxed worker, then Recorder.save.

Both autograded notebooks and gradebooks must agree, whatever the config says. Alice's
answer cell prints 1500 lines in one go, so LimitOutput's settings show in the saved
notebook (the quiz's other cells print under 100 lines each, below every limit used here,
so how the kernel happens to cut them into stream messages cannot change what is kept).
"""
import copy
import json
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbgrader.preprocessors import Execute, LimitOutput, SaveAutoGrades
from nbgrader.utils import setenv

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "grading"))

from course import (autograde, make_course, results, run_nbgrader,  # noqa: E402
                    solution_answers, student_notebook, submit)

from course_lib.grade.record import (Recorder, load_config, page_text,  # noqa: E402
                                     shown_hidden_line)

QUIZ, METRICS = "05_quiz", "01_metrics"
LONG_OUTPUT = 1500  # lines alice's answer cell prints

# A step of the course's own, defined in its nbgrader_config.py (nbconvert Preprocessors are
# off unless enabled): it notes in the notebook how many cells had run and the longest output.
STAMP = '''
from nbconvert.preprocessors import Preprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput,
                                    DeduplicateIds, Execute, LimitOutput, OverwriteCells,
                                    OverwriteKernelspec, SaveAutoGrades)
from traitlets import Unicode


class Stamp(Preprocessor):
    label = Unicode("").tag(config=True)

    def preprocess(self, nb, resources):
        code = [cell for cell in nb.cells if cell.cell_type == "code"]
        longest = max((len(out.get("text", "").splitlines()) for cell in code
                       for out in cell.outputs), default=0)
        nb.metadata.setdefault("stamps", []).append(
            {"label": self.label, "executed": sum(bool(cell.execution_count) for cell in code),
             "longest": longest})
        return nb, resources


c.Stamp.enabled = True
c.Stamp.label = "course stamp"
c.LimitOutput.max_lines = 100
c.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, OverwriteKernelspec,
                                      OverwriteCells, CheckCellMetadata, Stamp]
c.Autograde.autograde_preprocessors = [Execute, Stamp, LimitOutput, Stamp, SaveAutoGrades,
                                       AssignLatePenalties, CheckCellMetadata]
'''
CONFIGS = {
    "default": "",                                         # the course's config as committed
    "unlimited": "\nc.LimitOutput.enabled = False\n",
    "custom": STAMP,                                       # max_lines 100, a step of its own
}


def alice_notebook(course):
    """The right answers, and 1500 lines printed by the answer cell."""
    answers = solution_answers(QUIZ)
    printing = answers["answers"] + f'\nprint("\\n".join(map(str, range({LONG_OUTPUT}))))\n'
    return student_notebook(course, QUIZ, answers, {"answers": printing})


def mallory_notebook(course):
    """Right answers, and a grading function replaced: every hidden test then fails with a
    traceback that shows its line, in any feedback nbgrader renders."""
    answers = solution_answers(QUIZ)
    return student_notebook(course, QUIZ, answers,
                            {"answers": answers["answers"] + "\ngrading.quiz_correct = None\n"})


def copy_course(base, target, extra_config):
    shutil.copytree(base, target)
    with open(target / "nbgrader_config.py", "a") as config:
        config.write(extra_config)
    return target


_executed = {}  # sanitized notebook and Execute options -> the executed notebook


def execute_like_worker(recorder, nb, student):
    """What a worker returns for a sanitized notebook, run here by nbgrader's own Execute
    (with the course config, in the environment nbgrader autograde gives it, and the
    submitter's id as the batch grader gives it)."""
    key = nbformat.writes(nb) + json.dumps(recorder.execute_options(), sort_keys=True) + student
    if key not in _executed:
        with tempfile.TemporaryDirectory() as folder, setenv(NBGRADER_EXECUTION="autograde",
                                                             COURSE_STUDENT_ID=student):
            executed, _ = Execute(config=recorder.config)(copy.deepcopy(nb),
                                                          {"metadata": {"path": folder}})
        _executed[key] = nbformat.writes(executed)
    return nbformat.reads(_executed[key], as_version=4)


def grade_like_batch(course, student, nb):
    recorder = Recorder(load_config(course))
    recorder.begin(student, QUIZ, None)
    sanitized = recorder.sanitize(student, QUIZ, QUIZ, copy.deepcopy(nb))  # it works in place
    recorder.save(student, QUIZ, QUIZ, execute_like_worker(recorder, sanitized, student))
    return recorder


@pytest.fixture(scope="module")
def courses(tmp_path_factory):
    """{name: (batch course, plain course)} for every config, alice graded in both; in the
    default course mallory too."""
    folder = tmp_path_factory.mktemp("record")
    base = make_course(folder / "base", [QUIZ, METRICS])
    alice, mallory = alice_notebook(base), mallory_notebook(base)
    made = {}
    for name, extra in CONFIGS.items():
        made[name] = (copy_course(base, folder / name, extra),
                      copy_course(base, folder / f"{name}-plain", extra))
        submit(made[name][1], QUIZ, "alice", alice)
    submit(made["default"][1], QUIZ, "mallory", mallory)
    # Plain nbgrader grades its copies meanwhile (its kernels are other processes).
    with ThreadPoolExecutor(max_workers=len(made)) as pool:
        plain = [pool.submit(autograde, p, QUIZ) for _, p in made.values()]
        for course, _ in made.values():
            grade_like_batch(course, "alice", alice)
        grade_like_batch(made["default"][0], "mallory", mallory)
        for job in plain:
            job.result()
    return made


def autograded(course, student="alice"):
    return nbformat.read(course / "autograded" / student / QUIZ / f"{QUIZ}.ipynb", as_version=4)


def graded_view(nb):
    """What grading decides of a notebook: not when each cell ran, nor how the kernel
    happened to cut a cell's printed text into stream messages."""
    cells = []
    for cell in nb.cells:
        outputs = []
        for out in cell.get("outputs", []):
            if (outputs and out.output_type == "stream" and outputs[-1]["output_type"] == "stream"
                    and outputs[-1]["name"] == out.name):
                outputs[-1] = dict(outputs[-1], text=outputs[-1]["text"] + out.text)
            else:
                outputs.append(dict(out))
        metadata = {k: v for k, v in cell.metadata.items() if k != "execution"}
        cells.append(dict(cell, outputs=outputs, metadata=metadata))
    return nb.metadata, cells


def printed(nb):
    """The answer cell's printed text."""
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "answers")
    return "".join(out.text for out in cell.outputs if out.output_type == "stream")


@pytest.mark.parametrize("name", CONFIGS)
def test_save_follows_the_course_config_as_plain_nbgrader_does(courses, name):
    batch, plain = courses[name]
    assert graded_view(autograded(batch)) == graded_view(autograded(plain))
    assert results(batch, QUIZ)["alice"] == results(plain, QUIZ)["alice"]
    assert results(batch, QUIZ)["alice"]["score"] == 20


def test_limit_output_settings_change_the_saved_notebook(courses):
    lines = {name: printed(autograded(courses[name][0])).splitlines() for name in CONFIGS}
    assert lines["unlimited"] == [str(i) for i in range(LONG_OUTPUT)]        # enabled = False
    assert lines["default"] == [str(i) for i in range(999)] + ["... Output truncated ..."]
    assert lines["custom"] == [str(i) for i in range(99)] + ["... Output truncated ..."]


def test_configured_lists_run_a_custom_step_in_their_order(courses):
    stamps = autograded(courses["custom"][0]).metadata["stamps"]
    assert [s["label"] for s in stamps] == ["course stamp"] * 3
    # Sanitize: nothing has run yet. After Execute: everything has, the 1500 lines are there;
    # after LimitOutput: 100 lines.
    assert stamps[0] == {"label": "course stamp", "executed": 0, "longest": 0}
    assert stamps[1]["executed"] == stamps[2]["executed"] > 20
    assert (stamps[1]["longest"], stamps[2]["longest"]) == (LONG_OUTPUT, 100)


def test_execute_options_follow_the_course_config(courses):
    config = load_config(courses["default"][0])
    options = Recorder(config).execute_options()
    assert options == {"enabled": True, "timeout": 120, "kernel_name": "mobile-course",
                       "interrupt_on_timeout": True, "startup_timeout": 60, "iopub_timeout": 4,
                       "raise_on_iopub_timeout": True, "allow_errors": True}
    assert json.loads(json.dumps(options)) == options

    config.Execute.timeout = 7
    config.Execute.startup_timeout = 11
    config.Execute.enabled = False
    options = Recorder(config).execute_options()
    assert (options["timeout"], options["startup_timeout"], options["enabled"]) == (7, 11, False)

    del config.Execute["timeout"]
    assert Recorder(config).execute_options()["timeout"] == 30  # nbgrader's default


class CourseExecute(Execute):
    pass


def test_autograde_list_must_hold_execute(courses):
    config = load_config(courses["default"][0])
    config.Autograde.autograde_preprocessors = [LimitOutput, SaveAutoGrades]
    with pytest.raises(ValueError, match="autograde_preprocessors .* has no Execute"):
        Recorder(config)
    config.Autograde.autograde_preprocessors = [CourseExecute, LimitOutput, SaveAutoGrades]
    assert Recorder(config).execute_options()["timeout"] == 120  # Execute's config applies


def test_hidden_lines_are_the_hidden_tests_of_the_sources(courses):
    recorder = Recorder(load_config(courses["default"][0]))
    assert recorder.hidden_lines(QUIZ) == {f'grading.quiz_correct("q{i:02d}", globals())'
                                           for i in range(1, 21)}
    hidden = recorder.hidden_lines(METRICS)
    assert {'grading.metrics_edge_cases("q1", globals())', 'grading.threshold_general("q2", globals())',
            'grading.budget_general("q3", globals())',
            'grading.metrics_accuracy_exactly("q1", globals())'} <= hidden
    assert all(line.startswith("grading.") for line in hidden)
    assert not any("metrics_accuracy(" in line for line in hidden)  # the visible check is not hidden


def test_feedback_is_written_when_it_shows_no_hidden_test(courses):
    course = courses["default"][0]
    recorder = Recorder(load_config(course))
    assert recorder.feedback("alice", QUIZ) is None
    page = (course / "feedback" / "alice" / QUIZ / f"{QUIZ}.html").read_text()
    assert 'grading.quiz_answered("q01", globals())' in page_text(page)  # code is seen as text
    assert shown_hidden_line(page, recorder.hidden_lines(QUIZ)) is None


def test_feedback_showing_a_hidden_test_is_withheld(courses):
    course, plain = courses["default"]
    recorder = Recorder(load_config(course))
    assert recorder.feedback("mallory", QUIZ) == \
        f"feedback {QUIZ}.html withheld: it showed a hidden test"
    assert not (course / "feedback" / "mallory" / QUIZ / f"{QUIZ}.html").exists()

    # The page plain nbgrader returns to the same submission does show them: in tracebacks.
    run_nbgrader(plain, "generate_feedback", QUIZ, "--force")
    page = (plain / "feedback" / "mallory" / QUIZ / f"{QUIZ}.html").read_text()
    assert shown_hidden_line(page, recorder.hidden_lines(QUIZ)) == \
        'grading.quiz_correct("q01", globals())'
    honest = (plain / "feedback" / "alice" / QUIZ / f"{QUIZ}.html").read_text()
    assert shown_hidden_line(honest, recorder.hidden_lines(QUIZ)) is None


def test_page_text_skips_markup_styles_and_scripts():
    page = ('<style>.x::after{content:"grading.quiz_correct(\\"q01\\", globals())"}</style>'
            '<script>var s = "hidden";</script><pre><span class="n">grading</span>'
            '<span class="o">.</span><span class="n">quiz_correct</span>'
            '<span class="p">(</span><span class="s2">&quot;q01&quot;</span>'
            '<span class="p">,</span>\n   <span class="nb">globals</span>'
            '<span class="p">())</span></pre>')
    assert page_text(page) == 'grading.quiz_correct("q01", globals())'
    assert page_text(page.split("<pre>")[0]) == ""


def test_the_exchange_secret_travels_to_autograded_and_feedback(courses, tmp_path):
    """nbgrader release_feedback names each student's feedback by the submission_secret.txt
    the exchange put in the collected submission: the batch grader carries it on, as
    nbgrader autograde and generate_feedback do, but never through a link."""
    course = courses["default"][0]
    recorder = Recorder(load_config(course))
    secret = "a1b2c3d4e5f6\n"
    honest = course / "submitted" / "carol" / QUIZ
    honest.mkdir(parents=True)
    (honest / "submission_secret.txt").write_text(secret)
    linked = course / "submitted" / "dave" / QUIZ
    linked.mkdir(parents=True)
    (tmp_path / "elsewhere.txt").write_text("not the student's")
    (linked / "submission_secret.txt").symlink_to(tmp_path / "elsewhere.txt")
    for student in ("carol", "dave"):
        recorder.begin(student, QUIZ, None)
        assert recorder.feedback(student, QUIZ) is None
    for folder in ("autograded", "feedback"):
        assert (course / folder / "carol" / QUIZ / "submission_secret.txt").read_text() == secret
        assert not (course / folder / "dave" / QUIZ / "submission_secret.txt").exists()
