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
import io
import os
import stat
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any

import numpy as np

from . import model_file
from .errors import ConfigError, ModelFileError
from .model import Sequential
from .model_file import CONFIG_KEY, FORMAT, FORMAT_VERSION
from .saving import as_path, model_to_bytes, save_model

__all__ = ["FORMAT", "FORMAT_VERSION", "load_model", "model_from_bytes", "model_to_bytes",
           "save_model"]


# --------------------------------------------------------------------------- reading
def load_model(path: str | os.PathLike[str]) -> Sequential:
    """Read a model written by :func:`save_model`, ready to predict or train on.

    A missing, truncated, damaged, oversized or other-version file raises
    :class:`~neuronlab.errors.ModelFileError` saying what is wrong; nothing larger
    than the model the file describes is ever unpacked or allocated. A ``.keras`` file
    (Keras 3's) is read by :func:`neuronlab.keras_reader.load_keras`, which needs h5py.
    """
    source = as_path(path, "load_model")
    if source.suffix == ".keras":
        from .keras_reader import load_keras

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
            members = model_file.members(archive, where)
            header = model_file.read_header(archive, members, where)
            model = _model_of(header, where)
            listing = model_file.listing(header, where)
            offsets = model_file.check_members(archive, members, listing, where)
            expected = header["sha256"]
            streamed = model_file.stream_digest(archive, members, header, listing, offsets, where)
            if streamed != expected:
                raise ModelFileError(
                    f"{where} is damaged: its contents do not match the SHA-256 checksum stored "
                    f"in {CONFIG_KEY}, so the configuration or the arrays changed after saving. "
                    + model_file.DAMAGED_FIX
                )
            model_file.check_layout(header, model, listing, where)
            arrays: dict[str, np.ndarray] = {}
            digest = model_file.start_digest(header)
            for name in sorted(listing):
                arrays[name] = model_file.read_array(archive, members[name], listing[name],
                                                     offsets[name], where)
                digest.update(model_file.array_prefix(name, *listing[name]))
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


def _model_of(header: dict[str, Any], where: str) -> Sequential:
    """The model the config describes, still without weights (nothing large is made)."""
    try:
        return Sequential.from_config(header["model"])
    except model_file.BAD_CONFIG as exc:
        raise model_file.invalid(where, exc) from None


def _assemble(model: Sequential, header: dict[str, Any], arrays: dict[str, np.ndarray],
              where: str) -> Sequential:
    """Give the checked arrays to the model and its optimizer."""
    try:
        model.build(model_file.input_shape(header))
        model.set_neuron_weights([arrays[name] for name in header["weights"]])
        saved = header.get("optimizer")
        if saved is not None and model.optimizer is not None:
            model.optimizer.state = [
                {key: arrays[f"optimizer.{j}.{key}"] for key in keys}
                for j, keys in enumerate(saved["state"])
            ]
            model.optimizer.iterations = saved["iterations"]
    except model_file.BAD_CONFIG as exc:
        raise model_file.invalid(where, exc) from None
    return model


