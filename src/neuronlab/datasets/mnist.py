"""The full MNIST files (60,000 + 10,000 digits): read from a folder, or downloaded once.

neuronlab ships 10,000 of the digits (:func:`neuronlab.datasets.load_mnist_sample`);
:func:`load_mnist` reads the full set from the four IDX files a user downloads
(or lets it download them, checked against their SHA-256).
"""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..checks import check_bool
from ..errors import ConfigError, DataError
from .idx import read_idx

Arrays = tuple[np.ndarray, np.ndarray]

#: Default MNIST mirror (the original yann.lecun.com host no longer serves the files).
MNIST_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"

#: SHA-256 of the four gzipped MNIST IDX files served by the public mirrors (file sizes
#: 9,912,422 / 28,881 / 1,648,877 / 4,542 bytes). ``load_mnist(checksums=...)`` overrides it.
MNIST_SHA256: dict[str, str] = {
    "train-images-idx3-ubyte.gz": (
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"
    ),
    "train-labels-idx1-ubyte.gz": (
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"
    ),
    "t10k-images-idx3-ubyte.gz": (
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"
    ),
    "t10k-labels-idx1-ubyte.gz": (
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"
    ),
}

_MNIST_PREFIX = {"train": "train", "test": "t10k"}
_DOWNLOAD_TIMEOUT = 60.0


def _default_cache_dir() -> Path:
    """Return the MNIST cache folder: ``$NEURONLAB_DATA/mnist`` or ``~/.cache/neuronlab/mnist``."""
    root = os.environ.get("NEURONLAB_DATA")
    if root:
        return Path(root).expanduser() / "mnist"
    return Path.home() / ".cache" / "neuronlab" / "mnist"


def _mnist_names(kind: str) -> tuple[str, str]:
    """Return the (images, labels) base file names for ``kind`` "train" or "test"."""
    if not isinstance(kind, str) or kind not in _MNIST_PREFIX:
        raise ConfigError(
            f"kind must be 'train' or 'test', got {kind!r}. Use kind='test' for the "
            f"10,000-image test set."
        )
    prefix = _MNIST_PREFIX[kind]
    return f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"


def _find_idx(name: str, folders: list[Path]) -> Path | None:
    """Return the first existing ``name`` or ``name.gz`` in ``folders``, or None."""
    for folder in folders:
        for candidate in (folder / name, folder / f"{name}.gz"):
            if candidate.is_file():
                return candidate
    return None


def _sha256_of(path: Path) -> str:
    """Return the hex SHA-256 digest of the file at ``path``."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fetch_to(url: str, handle: Any) -> None:
    """Copy the body at ``url`` into the open binary file ``handle`` (DataError on failure).

    A body shorter than the server's Content-Length (a cut connection) is a failure too.
    """
    received = 0
    try:
        with urllib.request.urlopen(url, timeout=_DOWNLOAD_TIMEOUT) as response:
            announced = response.headers.get("Content-Length")
            for chunk in iter(lambda: response.read(1 << 16), b""):
                handle.write(chunk)
                received += len(chunk)
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        raise DataError(
            f"Download of {url} failed ({exc}). Check your connection, try another mirror "
            f"with base_url=..., or download the file yourself and pass directory=..."
        ) from None
    if announced is not None and announced.isdigit() and received != int(announced):
        raise DataError(
            f"Download of {url} failed: the server announced {announced} bytes but sent "
            f"{received} (the connection was cut). Try again, or use another mirror with "
            f"base_url=..."
        )


def _download(
    filename: str, base_url: str, folder: Path, checksums: Mapping[str, str] | None
) -> Path:
    """Return ``folder/filename`` after downloading it from ``base_url`` and checking it.

    The body goes to a temporary file in ``folder`` that is renamed into place only
    when its SHA-256 matches ``checksums[filename]`` (no entry: no check); on any
    failure the temporary file is deleted.
    """
    url = base_url.rstrip("/") + "/" + filename
    target = folder / filename
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{filename}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise DataError(
            f"Cannot save {filename} into {str(folder)!r} ({exc}). Pass cache_dir=... (or set "
            f"NEURONLAB_DATA) to a folder you can write to."
        ) from None
    tmp = Path(tmp_name)
    try:
        print(f"Downloading data from {url}", flush=True)  # ~10 MB in all: say what waits
        with os.fdopen(fd, "wb") as handle:
            _fetch_to(url, handle)
        expected = (checksums or {}).get(filename)
        actual = _sha256_of(tmp)
        if expected is not None and actual != expected.lower():
            raise DataError(
                f"Checksum mismatch for {filename} downloaded from {url}: expected SHA-256 "
                f"{expected}, got {actual}. The download was deleted; try again or use "
                f"another mirror with base_url=..."
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _missing_error(missing: list[str], folders: list[Path], kind: str, base_url: str) -> DataError:
    """Return the DataError explaining which MNIST files are missing and how to get them."""
    names = ", ".join(f"{name}(.gz)" for name in missing)
    places = ", ".join(repr(str(folder)) for folder in folders)
    return DataError(
        f"MNIST {kind} files missing: {names} not found in {places}. Pass download=True to "
        f"fetch them from {base_url}, or point directory=... to a folder that holds them."
    )


def _resolve_mnist_files(
    names: tuple[str, str],
    directory: str | os.PathLike[str] | None,
    download: bool,
    cache_dir: str | os.PathLike[str] | None,
    base_url: str,
    checksums: Mapping[str, str] | None,
    kind: str,
) -> list[Path]:
    """Return the paths of the images and labels files, downloading missing ones if allowed."""
    cache = Path(cache_dir).expanduser() if cache_dir is not None else None
    if directory is not None:
        read_from = Path(directory).expanduser()
        save_to = cache if cache is not None else read_from
    else:
        read_from = save_to = cache if cache is not None else _default_cache_dir()
    folders = list(dict.fromkeys([read_from, save_to]))
    found = {name: _find_idx(name, folders) for name in names}
    missing = [name for name, path in found.items() if path is None]
    if missing and not download:
        raise _missing_error(missing, folders, kind, base_url)
    for name in missing:
        found[name] = _download(f"{name}.gz", base_url, save_to, checksums)
    return [path for path in found.values() if path is not None]


def load_mnist(
    directory: str | os.PathLike[str] | None = None,
    *,
    download: bool = False,
    cache_dir: str | os.PathLike[str] | None = None,
    base_url: str = MNIST_URL,
    kind: str = "train",
    checksums: Mapping[str, str] | None = MNIST_SHA256,
) -> tuple[np.ndarray, np.ndarray]:
    """Return MNIST: X float64 (n, 784) scaled to [0, 1], y int64 (n,) in 0..9.

    ``kind="train"`` gives the 60,000 training images, ``kind="test"`` the 10,000
    test images. Files named ``train-images-idx3-ubyte`` / ``train-labels-idx1-ubyte``
    (or ``t10k-...``), plain or ``.gz``, are read from ``directory`` (default: the
    cache folder, ``$NEURONLAB_DATA/mnist`` or ``~/.cache/neuronlab/mnist``).
    Missing files raise :class:`DataError` unless ``download=True``: then each one
    is fetched from ``base_url`` into ``cache_dir`` (default: ``directory`` if given,
    else the cache folder) and kept only if its SHA-256 matches ``checksums``
    (``checksums=None`` or a missing entry skips that check; the IDX reader still
    checks sizes).

    >>> load_mnist("/nonexistent")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    neuronlab.errors.DataError: MNIST train files missing: ...
    """
    names = _mnist_names(kind)
    for value, what in ((directory, "directory"), (cache_dir, "cache_dir")):
        if value is not None and not isinstance(value, (str, os.PathLike)):
            raise ConfigError(f"{what} must be a folder path (a string), got {repr(value)[:60]}.")
    download = check_bool(download, "download")
    image_path, label_path = _resolve_mnist_files(
        names, directory, download, cache_dir, base_url, checksums, kind
    )
    images, labels = read_idx(image_path), read_idx(label_path)
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise DataError(
            f"MNIST files do not match: expected images (n, rows, cols) and labels (n,), got "
            f"{images.shape} from {str(image_path)!r} and {labels.shape} from "
            f"{str(label_path)!r}. Delete them and download again."
        )
    X = images.reshape(len(images), -1).astype(np.float64) / 255.0
    return X, labels.astype(np.int64)


def load_data(path: str = "mnist.npz") -> tuple[Arrays, Arrays]:
    """``keras.datasets.mnist.load_data()``: MNIST in Keras's form.

    For the full files, returns ``(x_train, y_train), (x_test, y_test)``: uint8 images of shape
    (60000, 28, 28) and (10000, 28, 28) with pixels 0..255, and uint8 labels 0..9.
    A copy Keras saved (``path``, or ``path`` in ``$KERAS_HOME/datasets``, by default
    ``~/.keras/datasets``) is read if there is one. Otherwise the four MNIST files are
    read from neuronlab's cache folder (see :func:`load_mnist`) and downloaded there
    once if missing, each checked against :data:`MNIST_SHA256`. Offline,
    ``neuronlab.datasets.mnist("train")`` and ``mnist("test")`` give the 10,000 digits
    that ship with neuronlab.

    >>> load_data(3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    neuronlab.errors.ConfigError: load_data(path=...) takes a file name ...
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ConfigError(f"load_data(path=...) takes a file name such as 'mnist.npz', got "
                          f"{repr(path)[:60]}.")
    keras_home = Path(os.environ.get("KERAS_HOME") or "~/.keras").expanduser()
    for candidate in (Path(path).expanduser(), keras_home / "datasets" / path):
        if candidate.suffix == ".npz" and candidate.is_file():
            return _read_keras_npz(candidate)
    parts = []
    for kind in ("train", "test"):
        try:
            images, labels = _resolve_mnist_files(
                _mnist_names(kind), None, True, None, MNIST_URL, MNIST_SHA256, kind)
        except DataError as exc:
            raise DataError(
                "mnist.load_data() reads the full MNIST files as load_mnist(download=True) "
                f"does, which stopped: {exc} Without a connection, "
                "neuronlab.datasets.mnist('train') and mnist('test') give the 10,000 digits "
                "that ship with neuronlab (8,000 to train, 2,000 to test), float32 in [0, 1]."
            ) from None
        parts.append((read_idx(images), read_idx(labels)))
    (x_train, y_train), (x_test, y_test) = parts
    return _keras_form(x_train, y_train, x_test, y_test, "the MNIST files")


def _read_keras_npz(path: Path) -> tuple[Arrays, Arrays]:
    """Read Keras's ``mnist.npz`` (arrays ``x_train``, ``y_train``, ``x_test``, ``y_test``)."""
    try:
        with np.load(path, allow_pickle=False) as f:
            x_train, y_train, x_test, y_test = (f[key] for key in
                                                ("x_train", "y_train", "x_test", "y_test"))
    except (OSError, ValueError, KeyError) as exc:
        raise DataError(f"{str(path)!r} is not Keras's mnist.npz ({exc}). Delete it, or pass "
                        "another path to load_data(path=...).") from None
    return _keras_form(x_train, y_train, x_test, y_test, repr(str(path)))


def _keras_form(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
                y_test: np.ndarray, where: str) -> tuple[Arrays, Arrays]:
    """Check the four arrays are MNIST's shapes and return them as uint8, Keras's way."""
    for x, y in ((x_train, y_train), (x_test, y_test)):
        if x.ndim != 3 or x.shape[1:] != (28, 28) or y.shape != (len(x),):
            raise DataError(
                f"MNIST from {where} should hold images of shape (n, 28, 28) and n labels, "
                f"got {x.shape} and {y.shape}. Delete the files and load again."
            )
    for values, top, what in ((x_train, 255, "pixels"), (x_test, 255, "pixels"),
                              (y_train, 9, "labels"), (y_test, 9, "labels")):
        values = np.asarray(values)
        if values.dtype.kind not in "iub" or values.min(initial=0) < 0 or \
                values.max(initial=0) > top:
            raise DataError(f"MNIST from {where} should hold whole-number {what} from 0 to "
                            f"{top}, got {values.dtype} values from {values.min(initial=0)} "
                            f"to {values.max(initial=0)}. Delete the files and load again.")
    arrays = [np.asarray(a, dtype=np.uint8) for a in (x_train, y_train, x_test, y_test)]
    return (arrays[0], arrays[1]), (arrays[2], arrays[3])
