"""List and read nbgrader's ``submitted/<student>/<assignment>/`` folders safely.

Submissions are untrusted: a folder may hold symbolic links, FIFOs, huge or broken
notebooks. Nothing here executes anything or follows a symbolic link; whatever
cannot be graded gets a one-sentence reason in :attr:`Submission.problems` (later
scored 0) and whatever is merely ignored gets a line in :attr:`Submission.notes`,
so one bad submission never stops the batch.
"""
import errno
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import nbformat
from nbformat.corpus.words import generate_corpus_id
from nbformat.validator import iter_validate
from nbgrader.utils import parse_utc

MAX_NOTEBOOK_BYTES = 20 * 2**20  # an honest notebook of this course is < 1 MB
MAX_TIMESTAMP_BYTES = 1024
TIMESTAMP_FILE = "timestamp.txt"
# One submission could hold thousands of stray files; list a few, count the rest.
MAX_LISTED_ENTRIES = 20

_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NOCTTY
# O_NONBLOCK: opening a FIFO swapped in after the lstat check must not hang the grader.
_OPEN_FILE_FLAGS = _OPEN_FLAGS | os.O_NONBLOCK
_OPEN_FOLDER_FLAGS = _OPEN_FLAGS | os.O_DIRECTORY
# A time zone name as dateutil finds it under /usr/share/zoneinfo ("UTC", "Europe/Paris").
# Anything else (an absolute path, "..") would make dateutil open that file.
_TIME_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*")
_MAX_SHOWN_ERROR = 200


@dataclass
class Submission:
    """One student's submission of one assignment, read but not run."""

    student: str
    assignment: str
    folder: Path
    notebooks: dict[str, nbformat.NotebookNode]  # expected name (no .ipynb) -> nbformat 4
    problems: dict[str, str]  # expected name -> why it cannot be graded
    notes: list[str]  # what was ignored (extra files, symbolic links, ...)
    timestamp: datetime | None  # UTC, from timestamp.txt
    digest: str  # sha256 of the gradable content: the notebooks and the timestamp


class _Unreadable(Exception):
    """A file that is not read; the message completes "NAME ..." into a sentence."""


def find_submissions(submitted: Path, assignments=None, students=None):
    """List ``(student, assignment, folder)`` under ``submitted``, sorted, plus notes.

    ``assignments`` and ``students`` (lists of names) restrict the listing. Symbolic
    links, hidden entries and names nbgrader cannot use are skipped with a note.
    """
    submitted = Path(submitted)
    # The submitted/ folder itself is the instructor's choice, so it may be a link.
    if not submitted.is_dir():
        raise ValueError(f"expected nbgrader's submitted/ folder, got {str(submitted)!r}, "
                         "which is not a folder")
    wanted_assignments = _checked_names(assignments, "assignment")
    wanted_students = _checked_names(students, "student")

    found, notes = [], []
    seen_students = set()
    root_fd = os.open(submitted, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for student, student_kind in _entries(root_fd):
            if wanted_students is not None and student not in wanted_students:
                continue
            seen_students.add(student)
            skipped = _skip_reason(student, student_kind, "student")
            if skipped:
                notes.append(f"skipped {_shown(student)}: {skipped}")
                continue
            try:
                # Opened relative to submitted/ without following links: a folder
                # swapped for a link since it was listed is refused, not followed.
                student_fd = os.open(student, _OPEN_FOLDER_FLAGS, dir_fd=root_fd)
            except OSError as error:
                notes.append(f"skipped {_shown(student)}: could not be opened: {error.strerror}")
                continue
            try:
                assignment_entries = _entries(student_fd)
            finally:
                os.close(student_fd)
            for assignment, kind in assignment_entries:
                if wanted_assignments is not None and assignment not in wanted_assignments:
                    continue
                skipped = _skip_reason(assignment, kind, "assignment")
                if skipped:
                    notes.append(f"skipped {_shown(student)}/{_shown(assignment)}: {skipped}")
                    continue
                found.append((student, assignment, submitted / student / assignment))
    finally:
        os.close(root_fd)
    for student in sorted((wanted_students or set()) - seen_students):
        notes.append(f"no folder for requested student {_shown(student)} in {submitted}")
    return sorted(found), notes


def read_submission(folder: Path, student: str, assignment: str, expected: list[str],
                    max_bytes: int = MAX_NOTEBOOK_BYTES) -> Submission:
    """Read the ``expected`` notebooks (names without .ipynb) and the timestamp of one folder.

    Never raises for anything inside the folder: a notebook that cannot be graded
    gets a problem, anything else unusual a note.
    """
    _check_name(student, "student")
    _check_name(assignment, "assignment")
    if isinstance(expected, str) or not expected:
        raise ValueError(f"expected a non-empty list of notebook names, got {expected!r}")
    for name in expected:
        if not isinstance(name, str) or name.endswith(".ipynb"):
            raise ValueError(f"expected notebook names without .ipynb, got {name!r}")
        _check_name(name, "notebook")
    if len(set(expected)) != len(expected):
        raise ValueError(f"expected distinct notebook names, got {expected!r}")
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
        raise ValueError(f"expected max_bytes to be a positive number of bytes, got {max_bytes!r}")

    folder = Path(folder)
    submission = Submission(student, assignment, folder, {}, {}, [], None, "")
    contents = {}  # expected name -> the bytes read (also for notebooks that do not parse)
    try:
        folder_fd = _open_folder(folder)
    except _Unreadable as reason:
        for name in expected:
            submission.problems[name] = f"the submission folder {reason}"
    else:
        try:
            _read_folder(folder_fd, expected, max_bytes, submission, contents)
        finally:
            os.close(folder_fd)
    submission.digest = _digest(expected, contents, submission)
    return submission


def _read_folder(folder_fd, expected, max_bytes, submission, contents):
    """Fill ``submission`` from the open folder ``folder_fd``."""
    kinds = dict(_entries(folder_fd))
    entries = list(kinds)
    expected_files = {name + ".ipynb" for name in expected}
    other_notebooks = [e for e in entries if e.endswith(".ipynb") and e not in expected_files]

    for name in expected:
        filename = name + ".ipynb"
        if filename not in entries:
            problem = f"missing: expected {filename}"
            if other_notebooks:
                found = ", ".join(_shown(e) for e in other_notebooks)
                problem += f"; found {found} instead; notebooks are graded by name"
            submission.problems[name] = problem
            continue
        try:
            contents[name] = _read_regular_file(folder_fd, filename, max_bytes, "; it was not read")
            notebook, note = _parse_notebook(contents[name])
        except _Unreadable as reason:
            submission.problems[name] = f"{filename} {reason}"
            continue
        submission.notebooks[name] = notebook
        if note:
            submission.notes.append(f"{filename} {note}")

    submission.timestamp = _read_timestamp(folder_fd, entries, submission.notes)

    ignored = [e for e in entries if e not in expected_files and e != TIMESTAMP_FILE]
    for entry in ignored[:MAX_LISTED_ENTRIES]:
        kind = kinds[entry]
        if entry.endswith(".ipynb") and kind == "a regular file":
            submission.notes.append(f"ignored extra notebook {_shown(entry)}; "
                                    "notebooks are graded by name")
        else:
            submission.notes.append(f"ignored {_shown(entry)}: {kind}")
    if len(ignored) > MAX_LISTED_ENTRIES:
        submission.notes.append(f"ignored {len(ignored) - MAX_LISTED_ENTRIES} more entries")


def _open_folder(folder: Path) -> int:
    """Open ``folder`` as a real directory (not a link to one); return its descriptor."""
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        raise _Unreadable("does not exist") from None
    except OSError as error:
        raise _Unreadable(f"could not be opened: {error.strerror}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise _Unreadable(f"is {_kind(info.st_mode)}; only real folders are graded")
    try:
        return os.open(folder, _OPEN_FOLDER_FLAGS)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):  # swapped after the lstat
            raise _Unreadable("was replaced while being read; "
                              "only real folders are graded") from None
        raise _Unreadable(f"could not be opened: {error.strerror}") from None


def _entries(folder_fd: int) -> list[tuple[str, str]]:
    """``(name, kind)`` for each entry of an open folder, sorted, without following links."""
    found = []
    with os.scandir(folder_fd) as entries:
        for entry in entries:
            try:
                found.append((entry.name, _kind(entry.stat(follow_symlinks=False).st_mode)))
            except FileNotFoundError:  # removed since it was listed
                continue
    return sorted(found)


def _read_regular_file(folder_fd: int, filename: str, max_bytes: int, unread: str = "") -> bytes:
    """The bytes of ``filename``, a regular file of at most ``max_bytes``, or _Unreadable.

    ``unread`` is added to the too-big sentence (e.g. "; it was not read").
    """
    try:
        info = os.stat(filename, dir_fd=folder_fd, follow_symlinks=False)
    except OSError as error:
        raise _Unreadable(f"could not be read: {error.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise _Unreadable(f"is {_kind(info.st_mode)}; only regular files are graded")
    try:
        fd = os.open(filename, _OPEN_FILE_FLAGS, dir_fd=folder_fd)
    except OSError as error:
        if error.errno == errno.ELOOP:  # became a link after the lstat
            raise _Unreadable("is a symbolic link; only regular files are graded") from None
        raise _Unreadable(f"could not be read: {error.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _Unreadable(f"is {_kind(info.st_mode)}; only regular files are graded")
        limit = _size(max_bytes, ".4g")
        if info.st_size > max_bytes:
            raise _Unreadable(f"is {_size(info.st_size)}, over the {limit} limit{unread}")
        # The file may grow after fstat: never read more than one byte past the cap.
        chunks, remaining = [], max_bytes + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 2**20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        if remaining <= 0:
            raise _Unreadable(f"grew past the {limit} limit while being read")
        return b"".join(chunks)
    except OSError as error:
        raise _Unreadable(f"could not be read: {error.strerror}") from None
    finally:
        os.close(fd)


def _parse_notebook(raw: bytes) -> tuple[nbformat.NotebookNode, str]:
    """The notebook in ``raw`` as nbformat 4, and a note on what was changed ("" if nothing)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _Unreadable(f"is not valid UTF-8: {error.reason} "
                          f"at byte offset {error.start}") from None
    try:
        content = json.loads(text)
    except json.JSONDecodeError as error:
        raise _Unreadable(f"is not valid JSON: {error.msg} at line {error.lineno}, "
                          f"column {error.colno}") from None
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        raise _Unreadable(f"is not valid JSON: {_short(str(error))}") from None
    except RecursionError:
        raise _Unreadable("is not a notebook: its JSON is nested too deeply") from None

    if not isinstance(content, dict):
        raise _Unreadable(f"is not a notebook: its JSON is {_json_type(content)}, "
                          'expected an object with "cells"')
    major, minor = content.get("nbformat"), content.get("nbformat_minor", 0)
    if major is None and "cells" not in content:
        raise _Unreadable('is not a notebook: its JSON object has no "cells"')
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (major, minor)):
        raise _Unreadable('is not a notebook: expected whole numbers in "nbformat" and '
                          f'"nbformat_minor", got {_short(repr(major))} and {_short(repr(minor))}')
    if major not in (3, 4):
        raise _Unreadable(f"is nbformat {major}, which cannot be graded; "
                          "expected nbformat 4 (nbformat 3 is upgraded)")
    if major == 4 and "cells" not in content:
        raise _Unreadable('is not a notebook: its JSON object has no "cells"')

    notes = []
    try:
        notebook = nbformat.from_dict(content)
        renamed = _give_cells_unique_ids(notebook)
        # Checked in its on-disk form first: nbformat's reading steps assume a valid structure.
        _check_schema(notebook)
        # As nbformat.read does: rejoin multi-line text split into lists of lines, and
        # (nbformat 4) drop transient metadata.
        notebook = nbformat.versions[major].to_notebook_json(notebook, minor=minor)
        if major == 3:
            # A notebook that matches the nbformat 3 schema converts cleanly.
            notebook = nbformat.convert(notebook, 4)
            notes.append("was nbformat 3; upgraded to nbformat 4")
            _check_schema(notebook)
        # JSON escapes can make lone surrogates ("\\ud800"), which no UTF-8 file can hold:
        # the grader could not write the notebook back for nbgrader.
        json.dumps(notebook, ensure_ascii=False).encode("utf-8")
    except RecursionError:
        raise _Unreadable("is not a notebook: its JSON is nested too deeply") from None
    except UnicodeEncodeError as error:
        raise _Unreadable(f"contains text that cannot be saved as UTF-8 "
                          f"({error.reason}: {error.object[error.start:error.end]!r})") from None
    if renamed:
        cells = "1 cell" if renamed == 1 else f"{renamed} cells"
        notes.append(f"had {cells} without an id or with a duplicate id; "
                     "new ids were given, as nbformat does when reading")
    return notebook, "; ".join(notes)


def _check_schema(notebook: nbformat.NotebookNode) -> None:
    """Raise _Unreadable naming the first error against the notebook's nbformat schema.

    ``iter_validate`` rather than ``nbformat.validate``: the latter first "normalizes"
    cell ids and crashes (TypeError) on cells that are not objects.
    """
    error = next(iter_validate(notebook), None)
    if error is None:
        return
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}"
                    for p in getattr(error, "absolute_path", [])).lstrip(".")
    at = f"at {where}: " if where else ""
    raise _Unreadable(f"is not a valid nbformat {notebook['nbformat']} notebook: "
                      f"{at}{_short(error.message)}")


def _give_cells_unique_ids(notebook: nbformat.NotebookNode) -> int:
    """Give cells with a missing or repeated id a new one, as ``nbformat.read`` does.

    Only from nbformat 4.5 on, where ids exist; returns how many cells got one.
    """
    cells = notebook.get("cells")
    version = (notebook.get("nbformat"), notebook.get("nbformat_minor", 0))
    if version < (4, 5) or not isinstance(cells, list):
        return 0
    seen, renamed = set(), 0
    for cell in cells:
        if not isinstance(cell, dict):
            continue  # the schema check reports it
        cell_id = cell.get("id")
        if "id" not in cell or (isinstance(cell_id, str) and cell_id in seen):
            cell["id"] = generate_corpus_id()
            renamed += 1
        if isinstance(cell.get("id"), str):
            seen.add(cell["id"])
    return renamed


def _read_timestamp(folder_fd: int, entries: list[str], notes: list[str]) -> datetime | None:
    """The UTC time in timestamp.txt, parsed as nbgrader does; None (and a note) if unusable."""
    unknown = "; submission time unknown"
    if TIMESTAMP_FILE not in entries:
        notes.append(f"no {TIMESTAMP_FILE}{unknown}")
        return None
    try:
        raw = _read_regular_file(folder_fd, TIMESTAMP_FILE, MAX_TIMESTAMP_BYTES)
    except _Unreadable as reason:
        notes.append(f"{TIMESTAMP_FILE} {reason}{unknown}")
        return None
    text = raw.decode("utf-8", errors="replace").strip()
    if not text:
        notes.append(f"{TIMESTAMP_FILE} is empty{unknown}")
        return None
    parts = text.split(" ")
    # parse_utc looks a third word up as a time zone; only let it read zoneinfo names.
    if len(parts) == 3 and not re.fullmatch(r"[+-]?\d+", parts[2]) \
            and not _TIME_ZONE_NAME.fullmatch(parts[2]):
        notes.append(f"{TIMESTAMP_FILE} holds {_short(repr(text))}, whose time zone is not "
                     f"a time zone name{unknown}")
        return None
    try:
        parsed = parse_utc(text)
    except (ValueError, OverflowError):
        notes.append(f"{TIMESTAMP_FILE} holds {_short(repr(text))}, which is not a date and time"
                     f"{unknown}")
        return None
    return parsed.replace(tzinfo=timezone.utc)  # parse_utc returns naive UTC


def _digest(expected, contents, submission) -> str:
    """sha256 over what grading depends on: each expected notebook's bytes (or why it was
    not read) and the timestamp. Unchanged digest = unchanged grade."""
    digest = hashlib.sha256()

    def add(data: bytes):
        digest.update(len(data).to_bytes(8, "big"))  # length-prefixed: no ambiguous joins
        digest.update(data)

    for name in sorted(expected):
        add(name.encode("utf-8", "surrogateescape"))
        if name in contents:
            add(b"bytes")
            add(contents[name])
        else:
            add(b"problem")
            add(submission.problems[name].encode("utf-8", "surrogateescape"))
    add(submission.timestamp.isoformat().encode() if submission.timestamp else b"")
    return digest.hexdigest()


def _name_problem(name, kind: str) -> str | None:
    """Why nbgrader could not use ``name`` as a folder or notebook name, or None."""
    if not isinstance(name, str) or not name:
        return "is not a non-empty string"
    if name in (".", ".."):
        return f"is {name!r}"
    if "/" in name or "\\" in name or "\0" in name:
        return "contains a path separator"
    if name.startswith("."):
        return "is hidden (starts with '.')"
    if name != name.strip():
        return "has leading or trailing whitespace, which nbgrader strips"
    if kind == "assignment" and "+" in name:
        return "contains '+', which nbgrader refuses in assignment names"
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid UTF-8"
    return None


def _check_name(name, kind: str) -> None:
    problem = _name_problem(name, kind)
    if problem:
        raise ValueError(f"expected a plain {kind} name (not hidden, no '/', '\\' or '..'), "
                         f"got {name!r}, which {problem}")


def _checked_names(names, kind: str) -> set[str] | None:
    if names is None:
        return None
    if isinstance(names, (str, bytes)):
        raise ValueError(f"expected a list of {kind} names, got the single string {names!r}")
    names = set(names)
    for name in names:
        _check_name(name, kind)
    return names


def _skip_reason(name: str, kind: str, what: str) -> str | None:
    if kind == "a symbolic link":
        return "a symbolic link; only real folders are graded"
    problem = _name_problem(name, what)
    if problem:
        return f"a name nbgrader cannot use: it {problem}"
    if kind != "a directory":
        return f"{kind}, not a folder"
    return None


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "a regular file"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _size(nbytes: int, spec: str = ".1f") -> str:
    for unit, scale in (("MB", 2**20), ("KB", 2**10)):
        if nbytes >= scale:
            return f"{nbytes / scale:{spec}} {unit}"
    return f"{nbytes} bytes"


def _json_type(value) -> str:
    names = {list: "a list", str: "a string", bool: "a boolean", int: "a number",
             float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _shown(name: str) -> str:
    """A file name as it can be printed on one line (quoted if it has odd characters)."""
    return name if name.isprintable() else repr(name)


def _short(text: str) -> str:
    """``text`` cut to a length that fits in a one-sentence reason."""
    return text if len(text) <= _MAX_SHOWN_ERROR else text[:_MAX_SHOWN_ERROR] + "..."
