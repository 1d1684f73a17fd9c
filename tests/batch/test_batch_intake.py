"""Reading untrusted submitted/ folders: every malformed input gets its exact reason.

Inputs are built in tmp_path from the real student notebook exercises/01_metrics.
"""
import copy
import json
import os
import subprocess
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import pytest

from course_lib.grade.intake import find_submissions, read_submission

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = "01_metrics"
EXERCISE = ROOT / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
# What nbgrader's exchange writes (timestamp_format "%Y-%m-%d %H:%M:%S.%f %Z", UTC).
TIMESTAMP = "2024-01-15 10:30:00.123456 UTC"
SUBMITTED_AT = datetime(2024, 1, 15, 10, 30, 0, 123456, tzinfo=timezone.utc)


@pytest.fixture
def submitted(tmp_path):
    """submitted/ holding alice's honest, untouched 01_metrics submission."""
    folder = tmp_path / "submitted" / "alice" / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / NOTEBOOK).write_bytes(EXERCISE.read_bytes())
    (folder / "timestamp.txt").write_text(TIMESTAMP)
    return tmp_path / "submitted"


@pytest.fixture
def folder(submitted):
    return submitted / "alice" / ASSIGNMENT


def read(folder, **kwargs):
    return read_submission(folder, "alice", ASSIGNMENT, [ASSIGNMENT], **kwargs)


def only_problem(submission):
    """The one problem of a submission whose notebook could not be graded."""
    assert submission.notebooks == {}
    assert list(submission.problems) == [ASSIGNMENT]
    return submission.problems[ASSIGNMENT]


def test_honest_submission_is_read_as_nbformat_reads_it(submitted, folder):
    found, notes = find_submissions(submitted)
    assert (found, notes) == ([("alice", ASSIGNMENT, folder)], [])

    submission = read(folder)
    assert submission.problems == {}
    assert submission.notes == []
    assert submission.timestamp == SUBMITTED_AT
    assert submission.notebooks[ASSIGNMENT] == nbformat.read(EXERCISE, as_version=4)
    assert (submission.student, submission.assignment, submission.folder) == \
        ("alice", ASSIGNMENT, folder)


def test_truncated_json_names_line_and_column(folder):
    lines = EXERCISE.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = lines[:len(lines) // 2]
    (folder / NOTEBOOK).write_text("".join(kept), encoding="utf-8")

    problem = only_problem(read(folder))
    # The file ends after a whole line, so the parser stops at the start of the next one.
    assert problem.startswith(f"{NOTEBOOK} is not valid JSON: ")
    assert problem.endswith(f" at line {len(kept) + 1}, column 1")


def test_nbformat_3_notebook_is_upgraded_with_its_nbgrader_cells(folder):
    original = nbformat.read(EXERCISE, as_version=4)
    old = nbformat.convert(copy.deepcopy(original), 3)  # convert changes its argument
    (folder / NOTEBOOK).write_text(nbformat.writes(old, version=3), encoding="utf-8")
    assert json.loads((folder / NOTEBOOK).read_text())["nbformat"] == 3

    submission = read(folder)
    assert submission.problems == {}
    assert submission.notes == [f"{NOTEBOOK} was nbformat 3; upgraded to nbformat 4"]
    upgraded = submission.notebooks[ASSIGNMENT]
    assert upgraded.nbformat == 4
    nbformat.validate(upgraded)
    assert [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in upgraded.cells] == \
        [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in original.cells]


def test_nbformat_2_notebook_is_refused(folder):
    (folder / NOTEBOOK).write_text(json.dumps({
        "metadata": {"name": ASSIGNMENT}, "nbformat": 2,
        "worksheets": [{"cells": [{"cell_type": "code", "input": "1 + 1",
                                   "language": "python", "outputs": []}]}],
    }))
    assert only_problem(read(folder)) == (
        f"{NOTEBOOK} is nbformat 2, which cannot be graded; "
        "expected nbformat 4 (nbformat 3 is upgraded)")


@pytest.mark.parametrize("change, problem", [
    (lambda nb: nb["cells"][0].__setitem__("source", 12),
     "is not a valid nbformat 4 notebook: at cells[0].source: "
     "12 is not valid under any of the given schemas"),
    (lambda nb: nb["cells"].__setitem__(0, "a cell"),
     "is not a valid nbformat 4 notebook: at cells[0]: 'a cell' is not of type 'object'"),
    (lambda nb: nb.pop("cells"), 'is not a notebook: its JSON object has no "cells"'),
    (lambda nb: nb["cells"][0].__setitem__("source", "\ud800"),
     "contains text that cannot be saved as UTF-8 (surrogates not allowed: '\\ud800')"),
], ids=["schema-error", "cell-not-object", "no-cells", "lone-surrogate"])
def test_json_that_is_not_a_valid_notebook_is_refused(folder, change, problem):
    notebook = json.loads(EXERCISE.read_text(encoding="utf-8"))
    change(notebook)
    (folder / NOTEBOOK).write_text(json.dumps(notebook))
    assert only_problem(read(folder)) == f"{NOTEBOOK} {problem}"


def test_json_list_is_not_a_notebook(folder):
    (folder / NOTEBOOK).write_text("[1, 2, 3]")
    assert only_problem(read(folder)) == (
        f'{NOTEBOOK} is not a notebook: its JSON is a list, expected an object with "cells"')


def test_invalid_utf8_names_the_byte_offset(folder):
    raw = EXERCISE.read_bytes()
    offset = raw.index(b'"source": [') + len(b'"source": [\n    "')
    (folder / NOTEBOOK).write_bytes(raw[:offset] + b"\xff" + raw[offset:])
    assert only_problem(read(folder)) == (
        f"{NOTEBOOK} is not valid UTF-8: invalid start byte at byte offset {offset}")


def test_500_mb_notebook_is_refused_unread(folder):
    notebook = folder / NOTEBOOK
    notebook.unlink()
    subprocess.run(["truncate", "-s", "500M", str(notebook)], check=True)  # sparse: instant

    started = time.perf_counter()
    submission = read(folder)
    elapsed = time.perf_counter() - started
    # Had any of it been read, the cap (read at most 20 MB + 1 byte) would say "grew past".
    assert only_problem(submission) == (
        f"{NOTEBOOK} is 500.0 MB, over the 20 MB limit; it was not read")
    assert elapsed < 1


def test_symlinked_notebook_is_not_followed(tmp_path, folder):
    secret = tmp_path / "secret.ipynb"  # outside the submission, and a valid notebook
    secret.write_bytes(EXERCISE.read_bytes().replace(b"Exercise 1", b"TOP SECRET"))
    (folder / NOTEBOOK).unlink()
    (folder / NOTEBOOK).symlink_to(secret)

    submission = read(folder)
    assert only_problem(submission) == (
        f"{NOTEBOOK} is a symbolic link; only regular files are graded")
    assert "TOP SECRET" not in repr(submission)


def test_fifo_notebook_is_refused_without_blocking(folder):
    (folder / NOTEBOOK).unlink()
    os.mkfifo(folder / NOTEBOOK)  # opening it for reading would wait for a writer forever

    result = []
    reader = threading.Thread(target=lambda: result.append(read(folder)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "reading a submission with a FIFO hung"
    assert only_problem(result[0]) == (
        f"{NOTEBOOK} is a FIFO (named pipe); only regular files are graded")


def test_directory_named_like_the_notebook_is_refused(folder):
    (folder / NOTEBOOK).unlink()
    (folder / NOTEBOOK).mkdir()
    assert only_problem(read(folder)) == (
        f"{NOTEBOOK} is a directory; only regular files are graded")


def test_renamed_notebook_is_missing_and_named(folder):
    (folder / NOTEBOOK).rename(folder / f"{ASSIGNMENT} (1).ipynb")  # Jupyter's "Duplicate"

    submission = read(folder)
    assert only_problem(submission) == (
        f"missing: expected {NOTEBOOK}; found {ASSIGNMENT} (1).ipynb instead; "
        "notebooks are graded by name")
    assert submission.notes == [
        f"ignored extra notebook {ASSIGNMENT} (1).ipynb; notebooks are graded by name"]


def test_extra_notebooks_files_folders_and_links_are_noted_and_ignored(tmp_path, folder):
    (folder / "scratch.ipynb").write_bytes(EXERCISE.read_bytes())
    (folder / "animal_int8.tflite").write_bytes(b"\0" * 100)
    (folder / "data").mkdir()
    (folder / "link.txt").symlink_to(tmp_path / "elsewhere.txt")

    submission = read(folder)
    assert submission.problems == {}
    assert list(submission.notebooks) == [ASSIGNMENT]
    assert submission.notes == [
        "ignored animal_int8.tflite: a regular file",
        "ignored data: a directory",
        "ignored link.txt: a symbolic link",
        "ignored extra notebook scratch.ipynb; notebooks are graded by name",
    ]


def test_find_submissions_skips_links_hidden_and_unusable_names(tmp_path, submitted, folder):
    (submitted / "alice" / "02_pipeline_trace").mkdir()
    (submitted / "carol" / ASSIGNMENT).mkdir(parents=True)
    (submitted / "carol" / "a+b").mkdir()
    (submitted / "carol" / "notes.txt").write_text("not an assignment")
    (submitted / "mallory").symlink_to(submitted / "alice")  # a student linking to another
    (submitted / ".hidden" / ASSIGNMENT).mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (submitted / "carol" / "03_conversion").symlink_to(outside)

    found, notes = find_submissions(submitted)
    assert found == [
        ("alice", ASSIGNMENT, folder),
        ("alice", "02_pipeline_trace", submitted / "alice" / "02_pipeline_trace"),
        ("carol", ASSIGNMENT, submitted / "carol" / ASSIGNMENT),
    ]
    assert notes == [
        "skipped .hidden: a name nbgrader cannot use: it is hidden (starts with '.')",
        "skipped carol/03_conversion: a symbolic link; only real folders are graded",
        "skipped carol/a+b: a name nbgrader cannot use: it contains '+', "
        "which nbgrader refuses in assignment names",
        "skipped carol/notes.txt: a regular file, not a folder",
        "skipped mallory: a symbolic link; only real folders are graded",
    ]

    found, notes = find_submissions(submitted, assignments=[ASSIGNMENT], students=["alice", "dave"])
    assert found == [("alice", ASSIGNMENT, folder)]
    assert notes == [f"no folder for requested student dave in {submitted}"]


def test_symlinked_submission_folder_is_not_read(submitted, folder):
    (submitted / "mallory").mkdir()
    (submitted / "mallory" / ASSIGNMENT).symlink_to(folder)

    submission = read_submission(submitted / "mallory" / ASSIGNMENT, "mallory", ASSIGNMENT,
                                 [ASSIGNMENT])
    assert submission.notebooks == {}
    assert submission.problems == {
        ASSIGNMENT: "the submission folder is a symbolic link; only real folders are graded"}


@pytest.mark.parametrize("bad", ["..", "../alice", "a/b", ".hidden"])
def test_path_like_names_are_refused(submitted, folder, bad):
    with pytest.raises(ValueError, match=r"expected a plain student name .*got '"):
        find_submissions(submitted, students=[bad])
    with pytest.raises(ValueError, match=r"expected a plain student name"):
        read_submission(folder, bad, ASSIGNMENT, [ASSIGNMENT])
    with pytest.raises(ValueError, match=r"expected a plain assignment name"):
        read_submission(folder, "alice", bad, [ASSIGNMENT])


@pytest.mark.parametrize("content, note", [
    (b"yesterday", "timestamp.txt holds 'yesterday', which is not a date and time"),
    (b"", "timestamp.txt is empty"),
    (b"2024-01-15 10:30:00 /etc/localtime",
     "timestamp.txt holds '2024-01-15 10:30:00 /etc/localtime', whose time zone is not "
     "a time zone name"),
    (b"2" * 2048, "timestamp.txt is 2.0 KB, over the 1 KB limit"),
], ids=["words", "empty", "path-as-time-zone", "too-big"])
def test_unusable_timestamp_is_none_with_a_note(folder, content, note):
    (folder / "timestamp.txt").write_bytes(content)
    submission = read(folder)
    assert submission.timestamp is None
    assert submission.notes == [f"{note}; submission time unknown"]
    assert submission.problems == {}  # the notebook is still graded


def test_timestamp_is_converted_to_utc_like_nbgrader(folder):
    (folder / "timestamp.txt").write_text("2024-01-15 11:30:00.123456 Europe/Paris\n")
    assert read(folder).timestamp == SUBMITTED_AT


def test_missing_or_linked_timestamp_is_none_with_a_note(tmp_path, folder):
    (folder / "timestamp.txt").unlink()
    assert read(folder).notes == ["no timestamp.txt; submission time unknown"]

    (tmp_path / "real_timestamp.txt").write_text(TIMESTAMP)
    (folder / "timestamp.txt").symlink_to(tmp_path / "real_timestamp.txt")
    submission = read(folder)
    assert submission.timestamp is None
    assert submission.notes == ["timestamp.txt is a symbolic link; only regular files are "
                                "graded; submission time unknown"]


def test_digest_changes_exactly_when_gradable_content_changes(submitted, folder):
    digest = read(folder).digest
    assert read(folder).digest == digest

    # The same work from another student is the same content.
    copy_folder = submitted / "bob" / ASSIGNMENT
    copy_folder.mkdir(parents=True)
    for name in (NOTEBOOK, "timestamp.txt"):
        (copy_folder / name).write_bytes((folder / name).read_bytes())
    assert read_submission(copy_folder, "bob", ASSIGNMENT, [ASSIGNMENT]).digest == digest

    # Files the grader ignores do not count.
    (folder / "scratch.txt").write_text("notes")
    assert read(folder).digest == digest

    raw = (folder / NOTEBOOK).read_bytes()
    answer = b'"    raise NotImplementedError()\\n"'
    assert answer in raw
    (folder / NOTEBOOK).write_bytes(raw.replace(answer, b'"    pass\\n"', 1))
    changed_notebook = read(folder).digest
    assert changed_notebook != digest

    (folder / "timestamp.txt").write_text("2024-01-16 10:30:00.123456 UTC")
    assert read(folder).digest not in (digest, changed_notebook)
