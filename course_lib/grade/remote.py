"""Values crossing between a student's kernel and the judge, as data only.

The judge (``course_lib.grade.judge``) runs the graded checks in a process of its own,
which never executes student code. When a check needs a notebook variable or calls a
student's function, the request goes through a folder both sandboxes can see:

- the judge writes ``<n>/request.json`` (arguments encoded here),
- the runner executes :func:`serve` in the student's kernel, which answers in
  ``<n>/response.json``,
- the judge decodes the response.

Everything is JSON plus raw files: bytes as ``.bin``, arrays as ``.npy`` (never pickled),
Core ML models as saved ``.mlpackage`` folders, Keras models as ``.keras`` files. Whatever
the student's code writes there is only ever *data* to the judge, so patching this module
inside the kernel can change what the judge sees, not how it scores it.
"""
import json
import os
import pathlib
import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np

MAX_RESPONSE_BYTES = 256 * 2**20  # a response bigger than this is refused unread


class Unsupported:
    """Stands for a kernel value of a type that cannot cross as data."""

    type_name = "object"

    def __repr__(self):
        return f"<{self.type_name} from the notebook>"


def _unsupported(type_name):
    # A class named like the original type, so a check's "got a Foo" message reads right.
    name = type_name.rsplit(".", 1)[-1] or "object"
    return type(name, (Unsupported,), {"type_name": type_name})()


class RemoteError(Exception):
    """An exception raised by a student's function inside the kernel."""


def _remote_error(type_name, message):
    name = type_name if type_name.isidentifier() else "Exception"
    base = NotImplementedError if name == "NotImplementedError" else RemoteError
    return type(name, (base,), {})(message)


# ------------------------------------------------------------------ encoding

class Encoder:
    """Encodes values into JSON with side files in ``folder``."""

    def __init__(self, folder, copy_outside_paths_under=None):
        self.folder = Path(folder)
        self.count = 0
        # Judge side: arguments that are paths to files outside the shared folder are
        # copied into it, so the student's kernel can read them at the path it is given.
        self.copy_root = copy_outside_paths_under

    def _file(self, suffix):
        self.count += 1
        return f"v{self.count}{suffix}"

    def encode(self, value):
        if value is None or isinstance(value, (bool, int, float, str)) and not self._is_outside_path(value):
            return value
        if isinstance(value, (bytes, bytearray, memoryview)):
            name = self._file(".bin")
            (self.folder / name).write_bytes(bytes(value))
            return {"__bytes__": name}
        if isinstance(value, np.ndarray) or isinstance(value, np.generic):
            array = np.asarray(value)
            if array.dtype.hasobject:
                return {"__unsupported__": "numpy.ndarray[object]"}
            name = self._file(".npy")
            np.save(self.folder / name, array, allow_pickle=False)
            return {"__ndarray__": name, "scalar": isinstance(value, np.generic)}
        if isinstance(value, (str, os.PathLike)):  # a path outside the shared folder
            return self._copied_path(value)
        if isinstance(value, tuple):
            return {"__tuple__": [self.encode(v) for v in value]}
        if isinstance(value, list):
            return [self.encode(v) for v in value]
        if isinstance(value, dict):
            return {"__dict__": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if hasattr(value, "get_spec") and hasattr(value, "save"):  # a coremltools MLModel
            name = self._file(".mlpackage")
            value.save(str(self.folder / name))
            return {"__mlmodel__": name}
        if hasattr(value, "save") and hasattr(value, "layers"):  # a Keras model
            name = self._file(".keras")
            value.save(str(self.folder / name))
            return {"__keras__": name}
        if callable(value) and not isinstance(value, type):
            return {"__function__": getattr(value, "__name__", "?")}
        kind = type(value)
        return {"__unsupported__": f"{kind.__module__}.{kind.__qualname__}"}

    def _is_outside_path(self, value):
        if self.copy_root is None or not isinstance(value, (str, os.PathLike)):
            return False
        try:
            path = Path(value)
            return path.is_absolute() and path.exists() and not path.resolve().is_relative_to(self.copy_root)
        except (OSError, ValueError):
            return False

    def _copied_path(self, value):
        if not self._is_outside_path(value):
            return {"__path__": os.fspath(value)}
        source = Path(value)
        target = self.folder / self._file("") / source.name
        target.parent.mkdir()
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy(source, target)
        if isinstance(value, str):
            return str(target)
        return {"__path__": str(target)}


# ------------------------------------------------------------------ decoding

class Decoder:
    """Decodes what an :class:`Encoder` wrote, treating every file as untrusted data."""

    def __init__(self, folder, load_models=True):
        self.folder = Path(folder)
        self.load_models = load_models

    def _path(self, name):
        # Names come from the other side: only plain names inside the folder are accepted.
        if not isinstance(name, str) or "/" in name or name.startswith("."):
            raise ValueError(f"bad file name in a response: {name!r}")
        path = self.folder / name
        if path.is_symlink():
            raise ValueError(f"{name} is a symbolic link")
        return path

    def decode(self, tree):
        if isinstance(tree, list):
            return [self.decode(v) for v in tree]
        if not isinstance(tree, dict):
            return tree
        if "__bytes__" in tree:
            return self._path(tree["__bytes__"]).read_bytes()
        if "__ndarray__" in tree:
            array = np.load(self._path(tree["__ndarray__"]), allow_pickle=False)
            return array[()] if tree.get("scalar") else array
        if "__tuple__" in tree:
            return tuple(self.decode(v) for v in tree["__tuple__"])
        if "__dict__" in tree:
            out = {}
            for key, value in tree["__dict__"]:
                key = self.decode(key)
                try:
                    out[key] = self.decode(value)
                except TypeError:  # an unhashable key cannot have been sent: treat as bad data
                    raise ValueError("a dictionary key that is not hashable") from None
            return out
        if "__path__" in tree:
            return pathlib.PosixPath(str(tree["__path__"]))
        if "__function__" in tree:
            return _unsupported("function")
        if "__mlmodel__" in tree:
            import coremltools as ct

            return ct.models.MLModel(str(self._path(tree["__mlmodel__"])), skip_model_load=True)
        if "__keras__" in tree:
            return _load_keras(self._path(tree["__keras__"]))
        if "__unsupported__" in tree:
            return _unsupported(str(tree["__unsupported__"]))
        raise ValueError(f"unknown value in a response: keys {sorted(tree)[:3]}")


def _load_keras(path):
    """A Keras model from a file the other side wrote: the zip-based .keras format only,
    in safe mode. tf.keras loads anything else (an HDF5 file or a SavedModel folder, even
    named .keras) by unmarshalling Python code, such as a Lambda layer's, which would run
    here. The file is checked and loaded as a private copy (this sandbox's own /tmp), so
    the other side cannot swap it in between."""
    data = path.read_bytes()
    with tempfile.TemporaryDirectory(dir="/tmp") as private:
        copy = Path(private) / "model.keras"
        copy.write_bytes(data)
        if not zipfile.is_zipfile(copy):
            raise ValueError(f"{path.name} is not a .keras (zip) model file")
        from course_lib.quiet import import_tensorflow

        tf = import_tensorflow()
        return tf.keras.models.load_model(str(copy), compile=False, safe_mode=True)


def read_json(path, limit=MAX_RESPONSE_BYTES):
    """JSON from a file the other side wrote, refusing symlinks and oversized files."""
    path = Path(path)
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as handle:
        if os.fstat(handle.fileno()).st_size > limit:
            raise ValueError(f"{path.name} is over {limit // 2**20} MB")
        return json.loads(handle.read(limit + 1).decode("utf-8"))


def folder_size(folder):
    return sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file() and not f.is_symlink())


# ------------------------------------------------------------------ kernel side

def serve(namespace, folder):
    """Answer the request in ``folder`` with the notebook's ``namespace`` (runs in the kernel).

    Requests: ``{"op": "get", "name": N}`` gives the variable (a function is answered as
    ``{"__function__": ...}``; the judge then calls it by name), ``{"op": "call", "name": N,
    "args": [...]}`` calls it. The answer is ``{"status": "ok", "value": ...}``,
    ``{"status": "missing"}`` or ``{"status": "error", "type": ..., "message": ...}``.
    """
    folder = Path(folder)
    request = read_json(folder / "request.json")
    answer = _answer(namespace, folder, request)
    with open(folder / "response.json", "w", encoding="utf-8") as handle:
        json.dump(answer, handle)


def _answer(namespace, folder, request):
    name = request["name"]
    if name not in namespace:
        return {"status": "missing"}
    value = namespace[name]
    encoder = Encoder(folder)
    if request["op"] == "get":
        try:
            return {"status": "ok", "value": encoder.encode(value)}
        except Exception as error:  # noqa: BLE001  (a value that will not save is the student's)
            return {"status": "ok", "value": {"__unsupported__": f"{type(value).__name__} ({error})"}}
    args = Decoder(folder).decode(request["args"])
    try:
        result = value(*args)
    except BaseException as error:  # noqa: BLE001  (SystemExit too: it is the student's function)
        return {"status": "error", "type": type(error).__name__, "message": str(error)[:2000]}
    try:
        return {"status": "ok", "value": encoder.encode(result)}
    except Exception as error:  # noqa: BLE001
        return {"status": "ok", "value": {"__unsupported__": f"{type(result).__name__} ({error})"}}
