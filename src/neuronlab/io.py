"""Save and load a whole model: architecture, weights and optimizer state in one ``.npz``.

A model file is an ordinary NumPy ``.npz`` archive (a zip of ``.npy`` arrays) that
anyone can open with ``np.load(path, allow_pickle=False)``:

- ``config.json``: a text array holding JSON: the format name and version, the
  model's :meth:`~neuronlab.model.Sequential.get_config` (layers, dtype, optimizer,
  loss, metrics), the list of arrays with their shapes and dtypes, the optimizer's
  step count, and a SHA-256 checksum of every array;
- ``layers.0.W``, ``layers.0.b``, ...: the weights of each ``Dense`` layer;
- ``optimizer.0.m``, ...: the optimizer's per-parameter state (momentum, averages),
  so that training continues exactly where it stopped.

Nothing is pickled, so loading a file never runs code from it. Files are written
atomically: to a temporary file in the same folder, flushed to disk, then renamed
over the target; an interrupted save leaves the old file (or none), never half of one.

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
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelFileError, NeuronlabError
from .model import Sequential

FORMAT = "neuronlab-model"
FORMAT_VERSION = 1
CONFIG_KEY = "config.json"


# --------------------------------------------------------------------------- writing
def _checksum(arrays: dict[str, np.ndarray]) -> str:
    """SHA-256 over every array's name, dtype, shape and bytes, in name order."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}\0{array.dtype.str}\0{array.shape}\0".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def _model_arrays(model: Sequential) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The JSON header and the named arrays that describe ``model`` completely."""
    from ._version import __version__

    model.require_built("save_model")  # NotFittedError, with the fix, if there are no weights
    arrays: dict[str, np.ndarray] = {}
    weight_names = []
    for i, layer in enumerate(model.layers):
        for name, value in zip(("W", "b"), layer.get_weights()):
            key = f"layers.{i}.{name}"
            arrays[key] = value
            weight_names.append(key)
    optimizer = None
    if model.optimizer is not None:
        state_keys = []
        for j, state in enumerate(model.optimizer.state):
            state_keys.append(sorted(state))
            for key in sorted(state):
                arrays[f"optimizer.{j}.{key}"] = state[key].copy()
        optimizer = {"iterations": model.optimizer.iterations, "state": state_keys}
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "neuronlab_version": __version__,
        "model": model.get_config(),
        "n_inputs": model.n_inputs,
        "weights": weight_names,
        "optimizer": optimizer,
        "arrays": {k: {"shape": list(v.shape), "dtype": v.dtype.str} for k, v in arrays.items()},
        "sha256": _checksum(arrays),
    }
    return header, arrays


def _plain(value: Any) -> Any:
    """JSON for NumPy scalars that slipped into a config (e.g. ``seed=np.int64(0)``)."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def model_to_bytes(model: Sequential) -> bytes:
    """The bytes of a model file for ``model`` (what :func:`save_model` writes)."""
    header, arrays = _model_arrays(model)
    buffer = io.BytesIO()
    text = json.dumps(header, indent=1, default=_plain)
    entries: dict[str, Any] = {CONFIG_KEY: np.array(text), **arrays}
    np.savez_compressed(buffer, **entries)
    return buffer.getvalue()


def save_model(model: Sequential, path: str | os.PathLike[str]) -> Path:
    """Write ``model`` to ``path`` (``.npz`` is added if missing); return the path written.

    The file is written to a temporary file beside ``path``, synced to disk and then
    renamed over ``path``, so a crash or a full disk never leaves half a file.
    """
    target = Path(path)
    if target.suffix != ".npz":
        target = target.with_name(target.name + ".npz")
    folder = target.parent
    if not folder.is_dir():
        raise ModelFileError(
            f"Cannot save the model to {str(target)!r}: the directory {str(folder)!r} does not "
            f"exist. Create it first (e.g. mkdir -p {folder}) or choose another path."
        )
    if target.is_dir():
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

    A missing, truncated, tampered or other-version file raises
    :class:`~neuronlab.errors.ModelFileError` saying what is wrong.
    """
    source = Path(path)
    if not source.exists() and source.suffix != ".npz":
        with_suffix = source.with_name(source.name + ".npz")
        source = with_suffix if with_suffix.exists() else source
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise ModelFileError(
            f"Cannot read the model file {str(source)!r}: {exc.strerror or exc}. Check the path "
            "(model files end in .npz)."
        ) from None
    return model_from_bytes(data, source=str(source))


def model_from_bytes(data: bytes, source: str | None = None) -> Sequential:
    """Rebuild a model from the bytes of a model file (see :func:`model_to_bytes`).

    ``source`` names where the bytes came from, for error messages.
    """
    where = f"The model file {source!r}" if source else "The model data"
    arrays = _read_arrays(data, where)
    header = _read_header(arrays.pop(CONFIG_KEY, None), where)
    try:
        _check_arrays(header, arrays, where)
        model = Sequential.from_config(header["model"])
        if header.get("n_inputs") is not None:
            model.build(int(header["n_inputs"]))
        model.set_weights([arrays[name] for name in header["weights"]])
        _restore_optimizer(model, header, arrays, where)
    except ModelFileError:
        raise
    except (NeuronlabError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ModelFileError(
            f"{where} does not describe a valid model ({type(exc).__name__}: "
            f"{str(exc).rstrip('.')}). The file was edited or written by an incompatible "
            "program; save the model again."
        ) from None
    return model


def _read_arrays(data: bytes, where: str) -> dict[str, np.ndarray]:
    """Every array of the archive, read in full (their integrity is checked later, by SHA-256)."""
    try:
        archive = np.load(io.BytesIO(data), allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single NumPy array, not an .npz archive")
        with archive:
            return {name: archive[name] for name in archive.files}
    except Exception as exc:  # zipfile, zlib and numpy each raise their own kind
        raise ModelFileError(
            f"{where} is not a readable neuronlab model file ({type(exc).__name__}: {exc}). "
            "It may be truncated (an interrupted copy or download) or corrupted; save or copy "
            "it again."
        ) from None


def _read_header(entry: np.ndarray | None, where: str) -> dict[str, Any]:
    if entry is None or entry.dtype.kind != "U" or entry.ndim != 0:
        raise ModelFileError(
            f"{where} has no {CONFIG_KEY} text entry, so it is not a neuronlab model file "
            "(an .npz written by something else?)."
        )
    try:
        header = json.loads(str(entry))
    except ValueError as exc:
        raise ModelFileError(f"{where}: {CONFIG_KEY} is not valid JSON ({exc}).") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ModelFileError(f"{where} is not a neuronlab model file ({CONFIG_KEY} has no "
                             f"'format': {FORMAT!r}).")
    version = header.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelFileError(
            f"{where} uses model file format version {version!r}, but this neuronlab reads "
            f"version {FORMAT_VERSION}. Load it with the neuronlab that wrote it "
            f"({header.get('neuronlab_version', 'unknown')}) and save it again, or retrain."
        )
    for key in ("model", "weights", "arrays", "sha256"):
        if key not in header:
            raise ModelFileError(f"{where}: {CONFIG_KEY} lacks the entry {key!r}.")
    return header


def _check_arrays(header: dict[str, Any], arrays: dict[str, np.ndarray], where: str) -> None:
    """The arrays are exactly those listed, with the listed shapes, and match the checksum."""
    listed = header["arrays"]
    missing = sorted(set(listed) - set(arrays))
    extra = sorted(set(arrays) - set(listed))
    if missing or extra:
        raise ModelFileError(
            f"{where} does not hold the arrays its {CONFIG_KEY} lists (missing: "
            f"{missing or 'none'}; unexpected: {extra or 'none'}); the file was tampered with."
        )
    for name, array in arrays.items():
        shape, dtype = tuple(listed[name].get("shape", ())), listed[name].get("dtype")
        if array.shape != shape or array.dtype.str != dtype:
            raise ModelFileError(
                f"{where}: array {name!r} has shape {array.shape} and dtype {array.dtype.str}, "
                f"but {CONFIG_KEY} says shape {shape} and dtype {dtype}; the file was tampered "
                "with."
            )
    if _checksum(arrays) != header["sha256"]:
        raise ModelFileError(
            f"{where}: the weights do not match the SHA-256 checksum stored in {CONFIG_KEY}, so "
            "they were changed or damaged after saving. Use an intact copy of the file."
        )


def _restore_optimizer(model: Sequential, header: dict[str, Any],
                       arrays: dict[str, np.ndarray], where: str) -> None:
    saved = header.get("optimizer")
    if saved is None or model.optimizer is None:
        return
    parameters = model.parameters()
    state_keys = saved.get("state", [])
    if state_keys and len(state_keys) != len(parameters):
        raise ModelFileError(
            f"{where}: the optimizer state covers {len(state_keys)} parameters but the model "
            f"has {len(parameters)}; the file was tampered with."
        )
    state = []
    for j, ((value, _), keys) in enumerate(zip(parameters, state_keys)):
        entry = {}
        for key in keys:
            array = arrays.get(f"optimizer.{j}.{key}")
            if array is None or array.shape != value.shape or array.dtype != value.dtype:
                raise ModelFileError(
                    f"{where}: optimizer state {j}.{key} is missing or does not match its "
                    f"parameter (shape {value.shape}, dtype {value.dtype}); the file was "
                    "tampered with."
                )
            entry[key] = np.array(array, copy=True)
        state.append(entry)
    model.optimizer.state = state
    model.optimizer.iterations = int(saved.get("iterations", 0))
