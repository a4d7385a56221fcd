"""Save and load a whole model: architecture, weights and optimizer state in one ``.npz``.

A model file is an ordinary NumPy ``.npz`` archive (a zip of ``.npy`` arrays) that
anyone can open with ``np.load(path, allow_pickle=False)``:

- ``config.json``: a text array holding JSON: the format name and version, the
  model's :meth:`~neuronlab.model.Sequential.get_config` (layers, dtype, optimizer,
  loss, metrics), the list of arrays with their shapes and dtypes, the optimizer's
  step count, and a SHA-256 checksum of the whole file: this JSON and every array;
- ``layers.0.W``, ``layers.0.b``, ...: the weights each layer declares, by name;
- ``optimizer.0.m``, ...: the optimizer's per-parameter state (momentum, averages),
  so that training continues exactly where it stopped.

Nothing is pickled, so loading a file never runs code from it. Files are written
atomically: to a temporary file in the same folder, flushed to disk, then renamed
over the target; an interrupted save leaves the old file (or none), never half of one.

Loading checks before it trusts: the sizes in the zip directory and in each ``.npy``
header must be exactly those the configuration implies (a damaged file cannot make
it unpack or allocate more than the model it describes), then the checksum is
computed while streaming, and only then are the arrays read and the model built.
A file that fails any check raises :class:`~neuronlab.errors.ModelFileError`.

The checksum detects damage (a bad disk, an interrupted copy, an edit by hand); it
is not a signature: whoever edits a file on purpose can recompute it. Load files
you trust, as you would any data; loading never runs code from the file either way.

>>> import numpy as np
>>> from neuronlab import Dense, Sequential
>>> model = Sequential([Dense(2, activation="relu", input_shape=(3,)), Dense(1)], seed=0)
>>> model.compile(optimizer="adam", loss="mse")
>>> copy = model_from_bytes(model_to_bytes(model))
>>> X = np.ones((2, 3))
>>> bool((copy.predict(X) == model.predict(X)).all())
True
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import re
import stat
import tempfile
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np

from .errors import ConfigError, ModelFileError, NeuronlabError
from .model import Sequential

FORMAT = "neuronlab-model"
FORMAT_VERSION = 2  # 2: the checksum covers config.json too; 1: only the arrays
READABLE_VERSIONS = (1, 2)
CONFIG_KEY = "config.json"

MAX_CONFIG_CHARS = 1_000_000  # a model's JSON is a few kB; a thousand layers stay far below
MAX_CONFIG_DEPTH = 32  # a model's JSON nests about 6 deep
_NPY_HEADER_MAX = 4096  # numpy writes headers of 128 bytes for arrays like ours
_CHUNK = 1 << 20  # the checksum streams the arrays in 1 MiB pieces

Layout = dict[str, tuple[tuple[int, ...], str]]  # array name -> (shape, dtype.str)

_DAMAGED_FIX = "Use an intact copy of the file, or save the model again."


# --------------------------------------------------------------------------- checksum
def _canonical(header: dict[str, Any]) -> bytes:
    """The JSON of ``header`` without its checksum, in one spelling (sorted, no spaces)."""
    rest = {key: value for key, value in header.items() if key != "sha256"}
    return json.dumps(rest, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _start_digest(header: dict[str, Any]) -> Any:
    """A SHA-256 that has seen the header (format 2); format 1 covered the arrays only."""
    digest = hashlib.sha256()
    if header.get("format_version") != 1:
        digest.update(b"%s/%d\0" % (FORMAT.encode(), FORMAT_VERSION))
        digest.update(_canonical(header) + b"\0")
    return digest


def _array_prefix(name: str, shape: tuple[int, ...], dtype: str) -> bytes:
    return f"{name}\0{dtype}\0{shape}\0".encode()


def _checksum(header: dict[str, Any], arrays: dict[str, np.ndarray]) -> str:
    """SHA-256 over the header (all but its ``sha256``), then each array's name, dtype,
    shape and bytes, in name order."""
    digest = _start_digest(header)
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        digest.update(_array_prefix(name, array.shape, array.dtype.str))
        digest.update(array.tobytes())
    return str(digest.hexdigest())


# --------------------------------------------------------------------------- writing
def _model_arrays(model: Sequential) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The JSON header and the named arrays that describe ``model`` completely."""
    from ._version import __version__

    if not isinstance(model, Sequential):
        hint = (" (the arguments are save_model(model, path))"
                if isinstance(model, (str, os.PathLike)) else "")
        raise ConfigError(
            f"save_model expects a neuronlab Sequential model, got {type(model).__name__} "
            f"{_short(model)}{hint}. Pass the model you built, e.g. save_model(model, "
            "'model.npz') or model.save('model.npz')."
        )
    model.require_built("save_model")  # NotFittedError, with the fix, if there are no weights
    arrays: dict[str, np.ndarray] = {}
    weight_names = []
    for i, layer in enumerate(model.layers):
        for name, value in layer.named_weights():
            key = f"layers.{i}.{name}"
            arrays[key] = np.ascontiguousarray(value).copy()
            weight_names.append(key)
    optimizer = None
    if model.optimizer is not None:
        state_keys = []
        for j, state in enumerate(model.optimizer.state):
            state_keys.append(sorted(state))
            for key in sorted(state):
                arrays[f"optimizer.{j}.{key}"] = np.ascontiguousarray(state[key]).copy()
        optimizer = {"iterations": model.optimizer.iterations, "state": state_keys}
    header: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "neuronlab_version": __version__,
        "model": model.get_config(),
        "n_inputs": model.n_inputs,
        **({} if model.n_inputs is not None else {"input_shape": model.input_shape}),
        "weights": weight_names,
        "optimizer": optimizer,
        "arrays": {k: {"shape": list(v.shape), "dtype": v.dtype.str} for k, v in arrays.items()},
    }
    header = json.loads(json.dumps(header, default=_plain))  # exactly what a reader will see
    header["sha256"] = _checksum(header, arrays)
    return header, arrays


def _plain(value: Any) -> Any:
    """JSON for NumPy scalars that slipped into a config (e.g. ``seed=np.int64(0)``)."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def model_to_bytes(model: Sequential) -> bytes:
    """The bytes of a model file for ``model`` (what :func:`save_model` writes)."""
    header, arrays = _model_arrays(model)
    buffer = io.BytesIO()
    text = json.dumps(header, indent=1)
    entries: dict[str, Any] = {CONFIG_KEY: np.array(text), **arrays}
    np.savez_compressed(buffer, **entries)
    return buffer.getvalue()


def _as_path(path: Any, what: str) -> Path:
    """``path`` as a :class:`~pathlib.Path`, or a ConfigError saying what a path looks like."""
    if not isinstance(path, (str, os.PathLike)):
        raise ConfigError(
            f"{what} expects a file path (a str or pathlib.Path such as 'model.npz'), got "
            f"{type(path).__name__} {_short(path)}."
        )
    text = os.fspath(path)
    if not isinstance(text, str):
        raise ConfigError(f"{what} expects a text path such as 'model.npz', got {_short(text)}.")
    if "\0" in text:
        raise ConfigError(
            f"{what} got the path {text!r}, which contains a NUL character (\\x00); no file "
            "can have that name. Remove it from the path."
        )
    if not text.strip():
        raise ConfigError(f"{what} got an empty path; give a file name such as 'model.npz'.")
    return Path(text)


def save_model(model: Sequential, path: str | os.PathLike[str]) -> Path:
    """Write ``model`` to ``path`` (``.npz`` is added if missing); return the path written.

    The file is written to a temporary file beside ``path``, synced to disk and then
    renamed over ``path``, so a crash or a full disk never leaves half a file.
    A path ending in ``.keras`` writes Keras 3's file instead
    (:func:`neuronlab.keras_files.save_keras`, which needs h5py).
    """
    target = _as_path(path, "save_model")
    if target.suffix == ".keras":
        from .keras_files import save_keras

        return save_keras(model, target)
    if target.name in ("", ".", ".."):
        raise ConfigError(
            f"save_model needs a file name, got the folder {str(target)!r}. Give a file name "
            f"such as {str(target / 'model.npz')!r}."
        )
    if target.suffix != ".npz":
        target = target.with_name(target.name + ".npz")
    folder = target.parent
    try:
        folder_exists, target_is_dir = folder.is_dir(), target.is_dir()
    except OSError as exc:
        raise ModelFileError(
            f"Cannot save the model to {str(target)!r}: {exc.strerror or exc}. Choose another "
            "path."
        ) from None
    if not folder_exists:
        raise ModelFileError(
            f"Cannot save the model to {str(target)!r}: the directory {str(folder)!r} does not "
            f"exist. Create it first (e.g. mkdir -p {folder}) or choose another path."
        )
    if target_is_dir:
        raise ModelFileError(
            f"Cannot save the model to {str(target)!r}: that is a directory. Give a file name "
            f"such as {str(target / 'model.npz')!r}."
        )
    data = model_to_bytes(model)
    temporary = None
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException as exc:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ModelFileError(
                f"Could not write the model to {str(target)!r}: {exc.strerror or exc}. "
                "Nothing was written; check the disk space and the folder's permissions."
            ) from exc
        raise
    _sync_directory(folder)
    return target


def _sync_directory(folder: Path) -> None:
    """Make the rename itself durable (POSIX); skipped where a folder cannot be opened."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --------------------------------------------------------------------------- reading
def load_model(path: str | os.PathLike[str]) -> Sequential:
    """Read a model written by :func:`save_model`, ready to predict or train on.

    A missing, truncated, damaged, oversized or other-version file raises
    :class:`~neuronlab.errors.ModelFileError` saying what is wrong; nothing larger
    than the model the file describes is ever unpacked or allocated. A ``.keras`` file
    (Keras 3's) is read by :func:`neuronlab.keras_files.load_keras`, which needs h5py.
    """
    source = _as_path(path, "load_model")
    if source.suffix == ".keras":
        from .keras_files import load_keras

        return load_keras(source)
    try:
        if not source.exists() and source.suffix != ".npz":
            with_suffix = source.with_name(source.name + ".npz")
            source = with_suffix if with_suffix.exists() else source
        where = f"The model file {str(source)!r}"
        kind = os.stat(source).st_mode
        if stat.S_ISDIR(kind):
            raise ModelFileError(
                f"{where} is a directory, not a model file. Give the path of the .npz file "
                "that save_model wrote, e.g. 'models/model.npz'."
            )
        if not stat.S_ISREG(kind):
            raise ModelFileError(
                f"{where} is not a regular file (a device, pipe or socket), so it cannot be a "
                "model file. Give the path of the .npz file that save_model wrote."
            )
        with open(source, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # replaced meanwhile
                raise ModelFileError(f"{where} is not a regular file; give a model .npz file.")
            return _read_model(handle, where)
    except OSError as exc:
        raise ModelFileError(
            f"Cannot read the model file {str(source)!r}: {exc.strerror or exc}. Check the path "
            "(model files end in .npz)."
        ) from None


def model_from_bytes(data: bytes, source: str | None = None) -> Sequential:
    """Rebuild a model from the bytes of a model file (see :func:`model_to_bytes`).

    ``source`` names where the bytes came from, for error messages.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ConfigError(
            f"model_from_bytes expects the bytes of a model file, got {type(data).__name__}. "
            "Pass e.g. open('model.npz', 'rb').read(), or use load_model(path)."
        )
    where = f"The model file {source!r}" if source else "The model data"
    return _read_model(io.BytesIO(data), where)


@contextlib.contextmanager
def _unreadable(where: str) -> Iterator[None]:
    """Turn what zipfile, zlib and the OS raise on a broken archive into a ModelFileError."""
    try:
        yield
    except ModelFileError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
            RuntimeError, OverflowError) as exc:
        reason = f"{type(exc).__name__}: {exc}"
        if "pickle" in reason or len(reason) > 200:  # never repeat advice to load unsafely
            reason = type(exc).__name__
        raise ModelFileError(
            f"{where} is not a readable neuronlab model file ({reason}). It may be truncated "
            "(an interrupted copy or download) or corrupted; save or copy it again."
        ) from None


def _read_model(handle: IO[bytes], where: str) -> Sequential:
    """Check a model file in the order that keeps every step cheap, then build the model.

    1. the zip directory and ``config.json`` (size, nesting depth, JSON, format version);
    2. the model the config describes, without weights (a misspelt layer is named here);
    3. each array against the table in ``config.json``: the size in the zip directory
       and the shape and dtype in the ``.npy`` header, so nothing is unpacked yet;
    4. the SHA-256 of the config and every array, streamed 1 MiB at a time;
    5. the arrays the model needs against the table, then read, then given to the model.
    """
    with _unreadable(where):
        if handle.read(6) == b"\x93NUMPY":
            raise ModelFileError(
                f"{where} holds a single NumPy array, not an .npz archive, so it is not a "
                "neuronlab model file (those are written by save_model)."
            )
        handle.seek(0)
        archive = zipfile.ZipFile(handle)
        with archive:
            members = _members(archive, where)
            header = _read_header(archive, members, where)
            model = _model_of(header, where)
            listing = _listing(header, where)
            offsets = _check_members(archive, members, listing, where)
            expected = header["sha256"]
            if _stream_digest(archive, members, header, listing, offsets, where) != expected:
                raise ModelFileError(
                    f"{where} is damaged: its contents do not match the SHA-256 checksum stored "
                    f"in {CONFIG_KEY}, so the configuration or the arrays changed after saving. "
                    + _DAMAGED_FIX
                )
            _check_layout(header, model, listing, where)
            arrays: dict[str, np.ndarray] = {}
            digest = _start_digest(header)
            for name in sorted(listing):
                arrays[name] = _read_array(archive, members[name], listing[name], offsets[name],
                                           where)
                digest.update(_array_prefix(name, *listing[name]))
                digest.update(arrays[name].data)  # C-contiguous: its bytes, not a copy
            if digest.hexdigest() != expected:  # the file changed while it was being read
                raise ModelFileError(f"{where} changed while it was being read; load it again.")
    model = _assemble(model, header, arrays, where)
    if header["format_version"] == 1:
        warnings.warn(
            f"{where} uses model file format version 1, whose checksum covers the weights but "
            "not the configuration (layers, activations, optimizer settings), so damage there "
            "could not be detected. Save the model again to write version 2.",
            UserWarning,
            stacklevel=3,
        )
    return model


def _members(archive: zipfile.ZipFile, where: str) -> dict[str, zipfile.ZipInfo]:
    """The archive's entries by array name; each must be a plain or deflated ``.npy``."""
    members: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        name = info.filename.removesuffix(".npy")
        if name == info.filename or name in members:
            problem = "twice" if name in members else "which is not a .npy array"
            raise ModelFileError(
                f"{where} holds the entry {info.filename!r} {problem}; neuronlab model files "
                f"hold only .npy arrays, each once. The file is damaged. {_DAMAGED_FIX}"
            )
        if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED,
                                                               zipfile.ZIP_DEFLATED):
            raise ModelFileError(
                f"{where}: the entry {info.filename!r} is encrypted or packed in a way "
                f"save_model never writes (zip method {info.compress_type}). {_DAMAGED_FIX}"
            )
        members[name] = info
    return members


def _npy_header(stream: IO[bytes], name: str, where: str) -> tuple[tuple[int, ...], np.dtype]:
    """Shape and dtype from an ``.npy`` header, read without touching the data."""
    try:
        prefix = stream.read(8)
        if prefix[:6] != b"\x93NUMPY" or prefix[6] not in (1, 2):
            raise ValueError
        width = 2 if prefix[6] == 1 else 4
        length_bytes = stream.read(width)
        length = int.from_bytes(length_bytes, "little")
        if len(length_bytes) != width or length > _NPY_HEADER_MAX:
            raise ValueError
        text = stream.read(length)
        if len(text) != length:
            raise ValueError
        copy = io.BytesIO(prefix + length_bytes + text)
        np.lib.format.read_magic(copy)
        read = (np.lib.format.read_array_header_1_0 if prefix[6] == 1
                else np.lib.format.read_array_header_2_0)
        shape, fortran_order, dtype = read(copy)
        if fortran_order and len(shape) > 1:
            raise ValueError
    except Exception:  # numpy's own messages may advise loading with pickle: never repeat them
        raise ModelFileError(
            f"{where}: the entry {name!r} does not start with a readable NumPy (.npy) header, "
            f"so the file is damaged or was not written by neuronlab. {_DAMAGED_FIX}"
        ) from None
    if dtype.hasobject:
        raise ModelFileError(
            f"{where}: the entry {name!r} holds pickled Python objects. neuronlab never "
            "unpickles (that could run code from the file) and its own files hold none, so this "
            f"file is damaged or was not written by neuronlab. {_DAMAGED_FIX}"
        )
    return tuple(shape), dtype


def _read_header(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo],
                 where: str) -> dict[str, Any]:
    info = members.get(CONFIG_KEY)
    if info is None:
        raise ModelFileError(
            f"{where} has no {CONFIG_KEY} text entry, so it is not a neuronlab model file "
            "(an .npz written by something else?)."
        )
    limit = 4 * MAX_CONFIG_CHARS + _NPY_HEADER_MAX + 12  # 4 bytes per character in .npy text
    if info.file_size > limit:
        raise ModelFileError(
            f"{where}: its {CONFIG_KEY} entry unpacks to {info.file_size:,} bytes, but a "
            f"model's configuration is at most {MAX_CONFIG_CHARS:,} characters ({limit:,} "
            f"bytes). The file is damaged or not a neuronlab model file; nothing was unpacked."
        )
    with archive.open(info) as stream:
        shape, dtype = _npy_header(stream, CONFIG_KEY, where)
        if shape != () or dtype.kind != "U":
            raise ModelFileError(
                f"{where} has no {CONFIG_KEY} text entry (expected one string, got an array of "
                f"shape {shape} and dtype {dtype.str}), so it is not a neuronlab model file."
            )
        offset = stream.tell()
    if offset + dtype.itemsize != info.file_size:
        raise ModelFileError(f"{where}: its {CONFIG_KEY} entry holds {info.file_size - offset:,} "
                             f"bytes where its header says {dtype.itemsize:,}; the file is "
                             f"damaged. {_DAMAGED_FIX}")
    raw = b"".join(_data(archive, info, offset, dtype.itemsize, where))
    try:
        text = str(np.frombuffer(raw, dtype=dtype)[0])
    except (ValueError, UnicodeError):
        raise ModelFileError(f"{where}: {CONFIG_KEY} is truncated or not text. "
                             + _DAMAGED_FIX) from None
    depth = _json_depth(text)
    if depth > MAX_CONFIG_DEPTH:
        raise ModelFileError(
            f"{where}: {CONFIG_KEY} nests lists or objects more than {MAX_CONFIG_DEPTH} deep "
            f"(a model's configuration nests about 6 deep), so it was not written by "
            f"save_model; nothing was parsed. {_DAMAGED_FIX}"
        )
    try:
        header = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ModelFileError(f"{where}: {CONFIG_KEY} is not valid JSON ({exc}). "
                             + _DAMAGED_FIX) from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ModelFileError(f"{where} is not a neuronlab model file ({CONFIG_KEY} has no "
                             f"'format': {FORMAT!r}).")
    version = header.get("format_version")
    if type(version) is not int or version not in READABLE_VERSIONS:
        raise ModelFileError(
            f"{where} uses model file format version {version!r}, but this neuronlab reads "
            f"versions {' and '.join(map(str, READABLE_VERSIONS))}. Load it with the neuronlab "
            f"that wrote it ({header.get('neuronlab_version', 'unknown')}) and save it again, "
            "or retrain."
        )
    for key in ("model", "n_inputs", "weights", "arrays", "sha256"):
        if key not in header:
            raise ModelFileError(f"{where}: {CONFIG_KEY} lacks the entry {key!r}. "
                                 + _DAMAGED_FIX)
    return header


_JSON_TOKENS = re.compile(r'[\\"\[\]{}]')


def _json_depth(text: str) -> int:
    """How deep ``text`` nests ``[`` and ``{`` (outside strings), counted without parsing.

    Stops counting once past :data:`MAX_CONFIG_DEPTH`; one linear pass, so a hostile text
    can neither recurse the parser nor take long.
    """
    depth = deepest = 0
    in_string = False
    escaped = -1  # the position a backslash escapes
    for match in _JSON_TOKENS.finditer(text):
        position, char = match.start(), match.group()
        if position == escaped:
            continue
        if in_string:
            if char == "\\":
                escaped = position + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_CONFIG_DEPTH:
                    break
        elif char in "]}":
            depth -= 1
    return deepest


def _invalid(where: str, exc: BaseException) -> ModelFileError:
    return ModelFileError(
        f"{where} does not describe a valid model ({type(exc).__name__}: "
        f"{str(exc).rstrip('.')}). The file is damaged, was edited, or was written by an "
        f"incompatible program. {_DAMAGED_FIX}"
    )


_BAD_CONFIG = (NeuronlabError, LookupError, TypeError, ValueError, AttributeError,
               ArithmeticError)
_FLOAT_DTYPES = (np.dtype(np.float32).str, np.dtype(np.float64).str)


def _model_of(header: dict[str, Any], where: str) -> Sequential:
    """The model the config describes, still without weights (nothing large is made)."""
    try:
        return Sequential.from_config(header["model"])
    except _BAD_CONFIG as exc:
        raise _invalid(where, exc) from None


def _listing(header: dict[str, Any], where: str) -> Layout:
    """``config.json``'s table of arrays: a name, shape and float dtype for each."""
    listed = header["arrays"]
    layout: Layout = {}
    if isinstance(listed, dict):
        for name, entry in listed.items():
            shape = entry.get("shape") if isinstance(entry, dict) else None
            if (not isinstance(shape, list) or len(shape) > 4
                    or not all(type(n) is int and n >= 0 for n in shape)
                    or entry.get("dtype") not in _FLOAT_DTYPES or len(entry) != 2):
                break
            layout[name] = (tuple(shape), entry["dtype"])
        else:
            return layout
    raise ModelFileError(
        f"{where}: {CONFIG_KEY} should list each array as {{'shape': [...], 'dtype': '<f4' or "
        f"'<f8'}}, but lists {_short(listed)}; the file is damaged. {_DAMAGED_FIX}"
    )


def _check_members(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo],
                   listing: Layout, where: str) -> dict[str, int]:
    """Every listed array is in the archive with its listed shape and size; nothing else is.

    Sizes come from the zip directory and the ``.npy`` headers: no data is unpacked.
    Returns where each array's data starts in its entry.
    """
    present = set(members) - {CONFIG_KEY}
    missing, extra = sorted(set(listing) - present), sorted(present - set(listing))
    if missing or extra:
        raise ModelFileError(
            f"{where} does not hold the arrays its {CONFIG_KEY} lists (missing: "
            f"{missing or 'none'}; unexpected: {extra or 'none'}); the file is damaged. "
            + _DAMAGED_FIX
        )
    offsets = {}
    for name, (shape, dtype) in listing.items():
        info = members[name]
        nbytes = math.prod(shape) * np.dtype(dtype).itemsize
        if info.file_size > nbytes + _NPY_HEADER_MAX + 12:
            raise ModelFileError(
                f"{where}: array {name!r} unpacks to {info.file_size:,} bytes, but {CONFIG_KEY} "
                f"says shape {shape} and dtype {dtype} ({nbytes:,} bytes); the file is damaged "
                f"(nothing was unpacked). {_DAMAGED_FIX}"
            )
        with archive.open(info) as stream:
            found, found_dtype = _npy_header(stream, name, where)
            offsets[name] = stream.tell()
        if found != shape or found_dtype.str != dtype:
            raise ModelFileError(
                f"{where}: array {name!r} has shape {found} and dtype {found_dtype.str}, but "
                f"{CONFIG_KEY} says shape {shape} and dtype {dtype}; the file is damaged. "
                + _DAMAGED_FIX
            )
        if offsets[name] + nbytes != info.file_size:
            raise ModelFileError(
                f"{where}: array {name!r} holds {info.file_size - offsets[name]:,} bytes of data "
                f"where shape {shape} and dtype {dtype} need {nbytes:,}; the file is damaged. "
                + _DAMAGED_FIX
            )
    return offsets


def _check_layout(header: dict[str, Any], model: Sequential, listing: Layout,
                  where: str) -> None:
    """The arrays the model needs, worked out from its layers' units and ``n_inputs``,
    are exactly those listed: the weights in order, then the optimizer's state."""
    try:
        shape = _input_shape(header)
        if model.input_shape not in (None, shape):
            if len(shape) == 1 and model.n_inputs is not None:
                raise ConfigError(f"the first layer's input_shape says {model.n_inputs} "
                                  f"inputs, n_inputs says {shape[0]}")
            raise ConfigError(f"the first layer's input_shape says {model.input_shape}, "
                              f"the file says {shape}")
        dtype = model.dtype.str
        needed: Layout = {}
        for i, layer in enumerate(model.layers):
            for name, weight_shape, _ in layer.weight_specs(shape):
                needed[f"layers.{i}.{name}"] = (tuple(weight_shape), dtype)
            shape = layer.compute_output_shape(shape)
        weights = list(needed)
        if header["weights"] != weights:
            raise ConfigError(f"the model has the weights {weights}, {CONFIG_KEY} lists "
                              f"{_short(header['weights'])}")
        saved = header.get("optimizer")
        if saved is not None:
            iterations, state = saved["iterations"], saved["state"]
            if type(iterations) is not int or iterations < 0:
                raise ConfigError(f"the optimizer's step count must be a whole number >= 0, "
                                  f"got {iterations!r}")
            if not isinstance(state, list) or len(state) not in (0, len(weights)):
                raise ConfigError(f"the optimizer state must cover the {len(weights)} "
                                  f"parameters, got {_short(state)}")
            for j, keys in enumerate(state):
                if (not isinstance(keys, list) or not all(isinstance(k, str) for k in keys)
                        or len(set(keys)) != len(keys)):
                    raise ConfigError(f"optimizer state {j} must list names, got {_short(keys)}")
                for key in keys:
                    needed[f"optimizer.{j}.{key}"] = needed[weights[j]]
    except _BAD_CONFIG as exc:
        raise _invalid(where, exc) from None
    for name, (shape, dtype) in needed.items():
        if listing.get(name) == (shape, dtype):
            continue
        if name.startswith("layers.") and name.endswith(".W"):
            needs = (f"Dense({shape[0]}) expects W of shape ({shape[0]}, n_inputs), here "
                     f"{shape} with dtype {dtype}")
        else:
            needs = f"{name!r} needs shape {shape} and dtype {dtype}"
        found = "does not list it" if name not in listing else f"lists {listing[name]}"
        raise ModelFileError(
            f"{where} does not describe a valid model: {needs}, but {CONFIG_KEY} {found}. "
            f"It was written by an incompatible program or edited. {_DAMAGED_FIX}"
        )
    if set(listing) != set(needed):
        raise ModelFileError(
            f"{where} does not describe a valid model: it holds the arrays "
            f"{sorted(set(listing) - set(needed))}, which the model does not use. "
            + _DAMAGED_FIX
        )


def _data(archive: zipfile.ZipFile, info: zipfile.ZipInfo, offset: int, nbytes: int,
          where: str) -> Iterator[bytes]:
    """The data bytes of one entry in pieces of at most 1 MiB, all there and no more."""
    with archive.open(info) as stream:
        stream.read(offset)
        left = nbytes
        while left:
            piece = stream.read(min(left, _CHUNK))
            if not piece:
                raise ModelFileError(f"{where}: the entry {info.filename!r} ends early; the "
                                     f"file is truncated. {_DAMAGED_FIX}")
            left -= len(piece)
            yield piece
        if stream.read(1):  # also makes zipfile check the entry's CRC-32
            raise ModelFileError(f"{where}: the entry {info.filename!r} is longer than its "
                                 f"header says; the file is damaged. {_DAMAGED_FIX}")


def _stream_digest(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo],
                   header: dict[str, Any], listing: Layout, offsets: dict[str, int],
                   where: str) -> str:
    """The checksum of the file, computed 1 MiB at a time (nothing kept in memory)."""
    digest = _start_digest(header)
    for name in sorted(listing):
        shape, dtype = listing[name]
        digest.update(_array_prefix(name, shape, dtype))
        nbytes = math.prod(shape) * np.dtype(dtype).itemsize
        for piece in _data(archive, members[name], offsets[name], nbytes, where):
            digest.update(piece)
    return str(digest.hexdigest())


def _read_array(archive: zipfile.ZipFile, info: zipfile.ZipInfo,
                spec: tuple[tuple[int, ...], str], offset: int, where: str) -> np.ndarray:
    shape, dtype = spec
    array = np.empty(shape, dtype=dtype)
    buffer = array.reshape(-1).view(np.uint8)
    start = 0
    for piece in _data(archive, info, offset, array.nbytes, where):
        buffer[start:start + len(piece)] = np.frombuffer(piece, dtype=np.uint8)
        start += len(piece)
    return array


def _assemble(model: Sequential, header: dict[str, Any], arrays: dict[str, np.ndarray],
              where: str) -> Sequential:
    """Give the checked arrays to the model and its optimizer."""
    try:
        model.build(_input_shape(header))
        model.set_neuron_weights([arrays[name] for name in header["weights"]])
        saved = header.get("optimizer")
        if saved is not None and model.optimizer is not None:
            model.optimizer.state = [
                {key: arrays[f"optimizer.{j}.{key}"] for key in keys}
                for j, keys in enumerate(saved["state"])
            ]
            model.optimizer.iterations = saved["iterations"]
    except _BAD_CONFIG as exc:
        raise _invalid(where, exc) from None
    return model


def _input_shape(header: dict[str, Any]) -> tuple[int, ...]:
    """The shape of one input sample: ``(n_inputs,)``, or the header's ``input_shape``
    for a model on images (whose ``n_inputs`` is null)."""
    n_inputs = header["n_inputs"]
    if n_inputs is None and "input_shape" in header:
        shape = header["input_shape"]
        if (not isinstance(shape, list) or not shape
                or not all(type(n) is int and n >= 1 for n in shape)):
            raise ConfigError(f"input_shape must be a list of whole numbers >= 1, got "
                              f"{_short(shape)}")
        return tuple(shape)
    if type(n_inputs) is not int or n_inputs < 1:
        raise ConfigError(f"n_inputs must be a whole number >= 1, got {n_inputs!r}")
    return (n_inputs,)
