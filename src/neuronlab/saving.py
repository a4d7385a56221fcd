"""Write a whole model to one ``.npz`` file (the format :mod:`neuronlab.io` describes and
reads back): architecture, weights and optimizer state, written atomically.

This is the writing half of :mod:`neuronlab.io`, apart so that ``model.save`` reaches it
without importing the half that builds models from files.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import model_file
from .errors import ConfigError, ModelFileError
from .model_file import CONFIG_KEY, FORMAT, FORMAT_VERSION
from .training.trainer import Trainer

if TYPE_CHECKING:
    from .model import Sequential


def _model_arrays(model: Sequential) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The JSON header and the named arrays that describe ``model`` completely."""
    from ._version import __version__

    if not isinstance(model, Trainer):  # any neuronlab model
        hint = (" (the arguments are save_model(model, path))"
                if isinstance(model, (str, os.PathLike)) else "")
        raise ConfigError(
            f"save_model expects a neuronlab Sequential model, got {type(model).__name__} "
            f"{model_file.short(model)}{hint}. Pass the model you built, e.g. save_model(model, "
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
    header["sha256"] = model_file.checksum(header, arrays)
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
    text = json.dumps(header, indent=1)
    entries: dict[str, Any] = {CONFIG_KEY: np.array(text), **arrays}
    np.savez_compressed(buffer, **entries)
    return buffer.getvalue()


def as_path(path: Any, what: str) -> Path:
    """``path`` as a :class:`~pathlib.Path`, or a ConfigError saying what a path looks like."""
    if not isinstance(path, (str, os.PathLike)):
        raise ConfigError(
            f"{what} expects a file path (a str or pathlib.Path such as 'model.npz'), got "
            f"{type(path).__name__} {model_file.short(path)}."
        )
    text = os.fspath(path)
    if not isinstance(text, str):
        raise ConfigError(f"{what} expects a text path such as 'model.npz', got "
                          f"{model_file.short(text)}.")
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
    target = as_path(path, "save_model")
    if target.suffix == ".keras":
        from .keras_files import save_keras

        return save_keras(model, target)
    if target.name in ("", ".", ".."):
        raise ConfigError(
            f"save_model needs a file name, got the folder {str(target)!r}. Give a file name "
            f"such as {str(target / 'model.npz')!r}."
        )
    if target.suffix == ".h5":
        raise ConfigError(
            f"save_model writes Keras 3's .keras file or neuronlab's .npz, not Keras's legacy "
            f".h5 model file (got {str(target)!r}). Use {str(target.with_suffix('.keras'))!r}; "
            "weights alone go to model.save_weights('model.weights.h5')."
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


def __getattr__(name: str) -> object:
    """``keras.saving.load_model``: say where neuronlab's is (this module only writes)."""
    if name == "load_model":
        raise AttributeError("neuronlab.saving only writes model files: load them with "
                             "keras.models.load_model(path) (neuronlab.load_model), which "
                             "reads .keras and .npz files.")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
