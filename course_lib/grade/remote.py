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

A value crosses with its exact type (``True`` stays a bool, ``np.float32(1)`` a numpy
float32, ``np.int8`` the class) or not at all. What cannot cross becomes an
:class:`Unsupported` stand-in when it is the student's (a function returning a
generator), and a :class:`GraderError` when it is the judge's (an argument the judge
cannot send, or a request the kernel side cannot read): a student must never lose
points because a value of the grader's did not make it across.

JSON encoding, one tag per kind (a JSON object is always a tagged value):

=================================  =================================================
``None``, bool, float, str, int    themselves (an int over 64 bits: ``{"__int__": hex}``)
list                               a JSON list
tuple, set, frozenset              ``{"__tuple__" | "__set__" | "__frozenset__": [...]}``
namedtuple                         ``{"__namedtuple__": name, "fields": [...], "items": [...]}``
dict (any keys)                    ``{"__dict__": [[key, value], ...]}``, with ``"type"``
                                   ``OrderedDict`` / ``Counter`` / ``defaultdict``
                                   (and ``"factory"``) for those
complex                            ``{"__complex__": [real, imag]}``
bytes, bytearray, memoryview       ``{"__bytes__": file, "type": ...}``
numpy array / scalar               ``{"__ndarray__": file.npy}`` / ``+ "scalar": type name``
numpy dtype                        ``{"__dtype__": file.npy}`` (an empty array of it)
numpy scalar type (``np.int8``)    ``{"__nptype__": "int8"}``
builtin type (``int``, ``str``)    ``{"__type__": "int"}``
pathlib path                       ``{"__path__": str}`` (``"pure": true`` for PurePosixPath)
the course's model contract        ``{"__contract__": Contract.to_json()}`` (course_lib.contract)
function (kernel side only)        ``{"__function__": name}``
Core ML / Keras model              ``{"__mlmodel__": folder}`` / ``{"__keras__": file}``
anything else (kernel side only)   ``{"__unsupported__": type name}``
=================================  =================================================
"""
import collections
import json
import keyword
import os
import pathlib
import shutil
import tempfile
import warnings
import zipfile
from pathlib import Path

import numpy as np

MAX_RESPONSE_BYTES = 256 * 2**20  # a response bigger than this is refused unread


class GraderError(BaseException):
    """A value of the grader's could not cross: not the student's fault.

    A ``BaseException``, like ``KeyboardInterrupt``, so that the checks' ``except
    Exception`` (which turns a student function's error into a FAIL) lets it through to
    the judge, which reports the cell as not graded.
    """


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


# Builtin classes an honest function may pass or return as values (``dtype=float``).
_BUILTIN_TYPES = {t.__name__: t for t in (bool, int, float, complex, str, bytes, bytearray,
                                          list, tuple, dict, set, frozenset, object)}
_BYTES_TYPES = {"bytes": bytes, "bytearray": bytearray, "memoryview": memoryview}
_DICT_TYPES = {"OrderedDict": collections.OrderedDict, "Counter": collections.Counter,
               "defaultdict": collections.defaultdict}


def _numpy_type(name):
    """The numpy scalar class called ``name`` (``"int8"`` -> ``np.int8``), or ValueError."""
    cls = getattr(np, name, None) if isinstance(name, str) and name.isidentifier() else None
    if not (isinstance(cls, type) and issubclass(cls, np.generic)):
        raise ValueError(f"not a numpy scalar type: {name!r}")
    return cls


def _npy_keeps(dtype):
    """Whether an array of ``dtype`` saved as .npy without pickle loads back with it.
    Not so for object arrays, numpy's variable-length strings, or dtypes of other
    packages (ml_dtypes' bfloat16 would come back as raw void bytes)."""
    if dtype.hasobject:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpy warns about what it would pickle
        try:
            fmt = np.lib.format
            return fmt.descr_to_dtype(fmt.dtype_to_descr(dtype)) == dtype
        except (TypeError, ValueError):
            return False


def _is_namedtuple(value):
    """A tuple whose class collections.namedtuple can make again on the other side."""
    fields = getattr(type(value), "_fields", None)
    names = [type(value).__name__, *fields] if isinstance(fields, tuple) else []
    return bool(isinstance(value, tuple) and len(value) == len(fields or ()) and names
            and all(type(n) is str and n.isidentifier() and not keyword.iskeyword(n) for n in names)
            and not any(f.startswith("_") for f in fields) and len(set(fields)) == len(fields))


# ------------------------------------------------------------------ encoding

class Encoder:
    """Encodes values into JSON with side files in ``folder``.

    ``strict`` (the judge's side): a value that cannot cross raises :class:`GraderError`
    instead of becoming ``{"__unsupported__": ...}``.
    """

    def __init__(self, folder, copy_outside_paths_under=None, strict=False):
        self.folder = Path(folder)
        self.count = 0
        # Judge side: arguments that are paths to files outside the shared folder are
        # copied into it, so the student's kernel can read them at the path it is given.
        self.copy_root = copy_outside_paths_under
        self.strict = strict

    def _file(self, suffix):
        self.count += 1
        return f"v{self.count}{suffix}"

    def _npy(self, array):
        name = self._file(".npy")
        with warnings.catch_warnings():  # "format 3.0" for non-latin-1 field names: fine here
            warnings.simplefilter("ignore")
            np.save(self.folder / name, array, allow_pickle=False)
        return name

    def encode(self, value):
        if not self.strict:
            return self._encode(value)
        try:
            return self._encode(value)
        except GraderError:
            raise
        except Exception as error:  # noqa: BLE001  (whatever breaks here is the grader's)
            raise GraderError(f"the grader could not send a {type(value).__name__} to the "
                              f"notebook: {type(error).__name__}: {error}") from None

    def _encode(self, value):
        # Exact types throughout: a subclass (np.float64 is a float, an IntEnum an int)
        # must not silently arrive as its base class.
        kind = type(value)
        if value is None or kind is bool or kind is float:
            return value
        if kind is int:
            # JSON (and Python's int/str limit of 4300 digits) would not carry every int.
            return value if value.bit_length() <= 64 else {"__int__": hex(value)}
        if kind is str:
            return self._copied_path(value) if self._is_outside_path(value) else value
        if kind is complex:
            return {"__complex__": [value.real, value.imag]}
        if kind in (bytes, bytearray) or kind is memoryview and value.ndim == 1 and value.format == "B":
            name = self._file(".bin")
            (self.folder / name).write_bytes(bytes(value))
            return {"__bytes__": name, "type": kind.__name__}
        if kind is np.ndarray or isinstance(value, np.generic):
            array = np.asarray(value)
            if not _npy_keeps(array.dtype):
                return self._cannot_cross(value, f"numpy.ndarray[{array.dtype}]")
            if kind is np.ndarray:
                return {"__ndarray__": self._npy(array)}
            scalar_type = self._numpy_type_name(kind)
            if scalar_type is None:
                return self._cannot_cross(value, f"{kind.__module__}.{kind.__qualname__}")
            return {"__ndarray__": self._npy(array), "scalar": scalar_type}
        if isinstance(value, np.dtype):
            if not _npy_keeps(value):
                return self._cannot_cross(value, f"numpy.dtype[{value}]")
            return {"__dtype__": self._npy(np.empty(0, value))}
        if isinstance(value, type):
            if issubclass(value, np.generic) and self._numpy_type_name(value):
                return {"__nptype__": value.__name__}
            if _BUILTIN_TYPES.get(value.__name__) is value:
                return {"__type__": value.__name__}
            return self._cannot_cross(value, f"class {value.__module__}.{value.__qualname__}")
        if kind is pathlib.PosixPath:
            return self._copied_path(value)
        if kind is pathlib.PurePosixPath:
            return {"__path__": str(value), "pure": True}
        if kind in (tuple, set, frozenset):
            return {f"__{kind.__name__}__": [self._encode(v) for v in value]}
        if _is_namedtuple(value):
            return {"__namedtuple__": kind.__name__, "fields": list(kind._fields),
                    "items": [self._encode(v) for v in value]}
        if kind is list:
            return [self._encode(v) for v in value]
        if kind is dict or _DICT_TYPES.get(kind.__name__) is kind:
            tree = {"__dict__": [[self._encode(k), self._encode(v)] for k, v in value.items()]}
            if kind is collections.defaultdict:
                factory = value.default_factory
                if factory is not None and _BUILTIN_TYPES.get(getattr(factory, "__name__", None)) is not factory:
                    return self._cannot_cross(value, "defaultdict with a custom default_factory")
                tree["factory"] = self._encode(factory)
            if kind is not dict:
                tree["type"] = kind.__name__
            return tree
        if kind is _contract_class():  # what exercise 06's app_input is given
            return {"__contract__": value.to_json()}
        if hasattr(value, "get_spec") and hasattr(value, "save"):  # a coremltools MLModel
            name = self._file(".mlpackage")
            value.save(str(self.folder / name))
            return {"__mlmodel__": name}
        if hasattr(value, "save") and hasattr(value, "layers"):  # a Keras model
            name = self._file(".keras")
            value.save(str(self.folder / name))
            return {"__keras__": name}
        if callable(value) and not self.strict:
            return {"__function__": getattr(value, "__name__", "?")}
        return self._cannot_cross(value, f"{kind.__module__}.{kind.__qualname__}")

    def _cannot_cross(self, value, type_name):
        if self.strict:
            raise GraderError(f"the grader cannot send a value of type {type_name} to the "
                              "notebook's kernel")
        return {"__unsupported__": type_name}

    def _numpy_type_name(self, cls):
        """``"float32"`` for ``np.float32``; None for a scalar type numpy does not name
        (those of ml_dtypes), which cannot cross."""
        try:
            return cls.__name__ if _numpy_type(cls.__name__) is cls else None
        except ValueError:
            return None

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
        self._namedtuples = {}

    def _path(self, name):
        # Names come from the other side: only plain names inside the folder are accepted.
        if not isinstance(name, str) or not name or "/" in name or name.startswith("."):
            raise ValueError(f"bad file name in a response: {name!r}")
        path = self.folder / name
        if path.is_symlink():
            raise ValueError(f"{name} is a symbolic link")
        return path

    def _load_npy(self, name):
        array = np.load(self._path(name), allow_pickle=False)
        if not isinstance(array, np.ndarray):  # np.load also reads .npz archives
            raise ValueError(f"{name} is not a .npy array")
        return array

    def decode(self, tree):
        if isinstance(tree, list):
            return [self.decode(v) for v in tree]
        if not isinstance(tree, dict):
            return tree
        try:
            return self._decode_tagged(tree)
        except TypeError:  # e.g. an unhashable set member or key: it cannot have been sent
            raise ValueError("a value that cannot have been encoded") from None

    def _decode_tagged(self, tree):
        if "__int__" in tree:
            return int(str(tree["__int__"]), 16)
        if "__complex__" in tree:
            real, imag = tree["__complex__"]
            return complex(float(real), float(imag))
        if "__bytes__" in tree:
            kind = _BYTES_TYPES.get(tree.get("type", "bytes"))
            if kind is None:
                raise ValueError(f"unknown bytes type {tree.get('type')!r}")
            return kind(self._path(tree["__bytes__"]).read_bytes())
        if "__ndarray__" in tree:
            array = self._load_npy(tree["__ndarray__"])
            if "scalar" not in tree:
                return array
            cls = _numpy_type(tree["scalar"])
            value = array[()]
            if type(value) is not cls:  # e.g. np.longlong, saved as int64
                value = array.astype(cls)[()]
            if type(value) is not cls:
                raise ValueError(f"a {type(value).__name__} scalar sent as {cls.__name__}")
            return value
        if "__dtype__" in tree:
            return self._load_npy(tree["__dtype__"]).dtype
        if "__nptype__" in tree:
            return _numpy_type(tree["__nptype__"])
        if "__type__" in tree:
            if tree["__type__"] not in _BUILTIN_TYPES:
                raise ValueError(f"not a builtin type: {tree['__type__']!r}")
            return _BUILTIN_TYPES[tree["__type__"]]
        if "__tuple__" in tree:
            return tuple(self.decode(v) for v in tree["__tuple__"])
        if "__set__" in tree:
            return {self.decode(v) for v in tree["__set__"]}
        if "__frozenset__" in tree:
            return frozenset(self.decode(v) for v in tree["__frozenset__"])
        if "__namedtuple__" in tree:
            # A class of the same name and fields (namedtuple validates both as identifiers).
            key = (str(tree["__namedtuple__"]), tuple(str(f) for f in tree["fields"]))
            if key not in self._namedtuples:
                self._namedtuples[key] = collections.namedtuple(*key)
            return self._namedtuples[key](*(self.decode(v) for v in tree["items"]))
        if "__dict__" in tree:
            kind = _DICT_TYPES.get(tree["type"]) if "type" in tree else dict
            if kind is None:
                raise ValueError(f"unknown dictionary type {tree['type']!r}")
            if kind is collections.defaultdict:
                factory = self.decode(tree.get("factory"))
                if factory is not None and factory not in _BUILTIN_TYPES.values():
                    raise ValueError("a defaultdict factory that is not a builtin type")
                out = collections.defaultdict(factory)
            else:
                out = kind()
            for key, value in tree["__dict__"]:
                out[self.decode(key)] = self.decode(value)
            return out
        if "__path__" in tree:
            kind = pathlib.PurePosixPath if tree.get("pure") else pathlib.PosixPath
            return kind(str(tree["__path__"]))
        if "__contract__" in tree:
            return _contract_class().from_json(str(tree["__contract__"]))
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


def _contract_class():
    from course_lib.contract import Contract  # both sides have it (the student edition too)

    return Contract


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
        try:
            # A new float per NaN/Infinity: json's one shared NaN object would merge the
            # distinct NaN members of a set (NaNs hash by identity).
            return json.loads(handle.read(limit + 1).decode("utf-8"), parse_constant=float)
        except RecursionError:
            raise ValueError(f"{path.name} is nested too deeply") from None


def folder_size(folder):
    return sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file() and not f.is_symlink())


# ------------------------------------------------------------------ kernel side

def serve(namespace, folder):
    """Answer the request in ``folder`` with the notebook's ``namespace`` (runs in the kernel).

    Requests: ``{"op": "get", "name": N}`` gives the variable (a function is answered as
    ``{"__function__": ...}``; the judge then calls it by name), ``{"op": "call", "name": N,
    "args": [...]}`` calls it. The answer is ``{"status": "ok", "value": ...}``,
    ``{"status": "missing"}``, ``{"status": "error", "type": ..., "message": ...}`` (the
    student's function raised), or ``{"status": "grader_error", "message": ...}`` (the
    request itself could not be read or its arguments decoded here: not the student's
    doing, as far as this side can tell).
    """
    folder = Path(folder)
    try:
        request = read_json(folder / "request.json")
        op, name = request["op"], request["name"]
        if op not in ("get", "call") or not isinstance(name, str):
            raise ValueError(f"a request {op!r} of {name!r}")
        answer = _answer(namespace, folder, op, name, request.get("args", []))
    except Exception as error:  # noqa: BLE001  (the student's own errors are caught in _answer)
        answer = {"status": "grader_error",
                  "message": f"the notebook's kernel could not read the grader's request: "
                             f"{type(error).__name__}: {error}"[:2000]}
    with open(folder / "response.json", "w", encoding="utf-8") as handle:
        json.dump(answer, handle)


def _answer(namespace, folder, op, name, args):
    if name not in namespace:
        return {"status": "missing"}
    value = namespace[name]
    encoder = Encoder(folder)
    if op == "get":
        return _ok(encoder, value)
    args = Decoder(folder).decode(args)  # an error here is the grader's (see serve)
    if not isinstance(args, list):
        raise ValueError("the arguments are not a list")
    try:
        result = value(*args)
    except BaseException as error:  # noqa: BLE001  (SystemExit too: it is the student's function)
        return {"status": "error", "type": type(error).__name__, "message": _text(error)}
    return _ok(encoder, result)


def _text(error):
    try:
        return str(error)[:2000]
    except Exception:  # noqa: BLE001  (a student's exception whose __str__ fails)
        return "(the error message could not be read)"


def _ok(encoder, value):
    try:
        return {"status": "ok", "value": encoder.encode(value)}
    except Exception as error:  # noqa: BLE001  (a value that will not save is the student's)
        return {"status": "ok", "value": {"__unsupported__": f"{type(value).__name__} ({_text(error)})"}}
