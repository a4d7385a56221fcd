"""Handwritten digits that ship with neuronlab: the 8x8 digits and 10,000 real MNIST digits.

Both need no download. :func:`load_digits` gives 1,797 scanned 8x8 digits (pixel
counts 0..16); :func:`load_mnist_sample` gives 10,000 real 28x28 MNIST digits (the
first 10,000 of MNIST's training set) split once and for all into 8,000 for training
and 2,000 held out. Where each comes from: ``neuronlab/data/README.md``.

>>> X, y = load_mnist_sample("test")
>>> X.shape, X.dtype.name, y.shape
((2000, 784), 'float32', (2000,))
"""

from __future__ import annotations

import functools
import gzip
from importlib import resources

import numpy as np

from ..checks import check_bool
from ..errors import ConfigError, DataError
from .idx import parse_idx

#: The package whose ``data/`` folder holds the bundled files.
PACKAGE = __name__.split(".")[0]
_DIGITS_FILE = "digits.csv.gz"

#: The bundled MNIST files and their SHA-256 (written by ``tools/convert_mnist.py``).
MNIST_SAMPLE_FILES = {
    "mnist-10k-images-idx3-ubyte.gz":
        "8ac3ac0736177e9514beea5809ab1e840d742d0df12838ee55433051c57f304a",
    "mnist-10k-labels-idx1-ubyte.gz":
        "4eb10a183b327587e1823306ef7a5651b9f895327375dbfabc9d97d69a6169b1",
}
#: How many of the 10,000 bundled MNIST digits are training digits (the rest: held out).
MNIST_SAMPLE_TRAIN = 8000
_PARTS = {"train": slice(0, MNIST_SAMPLE_TRAIN), "test": slice(MNIST_SAMPLE_TRAIN, None),
          "all": slice(None)}


@functools.lru_cache(maxsize=1)
def _digits_table() -> np.ndarray:
    """Return the bundled digits table as int64 (1797, 65): 64 pixels then the label."""
    resource = resources.files(PACKAGE).joinpath("data").joinpath(_DIGITS_FILE)
    try:
        with resource.open("rb") as raw, gzip.open(raw, "rt") as text:
            table = np.loadtxt(text, delimiter=",", dtype=np.int64)
    except (OSError, EOFError, ValueError) as exc:
        raise DataError(
            f"Could not read the bundled digits file {PACKAGE}/data/{_DIGITS_FILE} ({exc}). "
            f"Expected a gzip CSV of 1797 rows x 65 integers; reinstall neuronlab."
        ) from None
    if table.shape != (1797, 65):
        raise DataError(
            f"The bundled digits file {PACKAGE}/data/{_DIGITS_FILE} should hold 1797 rows x "
            f"65 columns, but holds shape {table.shape}; reinstall neuronlab."
        )
    return table


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """Return the 8x8 handwritten digits: X float64 (1797, 64) in 0..16, y int64 (1797,) in 0..9.

    Each row of X is an 8x8 image read row by row (``X[i].reshape(8, 8)``). The data
    ship with neuronlab (UCI "Optical Recognition of Handwritten Digits", CC BY 4.0;
    see ``neuronlab/data/README.md``), so no download is needed.

    >>> X, y = load_digits()
    >>> X.shape, y.shape, int(X.max()), sorted(set(y.tolist())) == list(range(10))
    ((1797, 64), (1797,), 16, True)
    """
    table = _digits_table()
    return table[:, :64].astype(np.float64), table[:, 64].copy()


def _bundled_idx(name: str) -> np.ndarray:
    """Return the array in the bundled gzip IDX file ``data/name``."""
    where = f"{PACKAGE}/data/{name}"
    try:
        with resources.files(PACKAGE).joinpath("data").joinpath(name).open("rb") as raw:
            data = gzip.decompress(raw.read())
    except (OSError, EOFError) as exc:
        raise DataError(f"Could not read the bundled file {where} ({exc}); reinstall "
                        f"neuronlab.") from None
    return parse_idx(data, where, fix="Reinstall neuronlab.")


@functools.lru_cache(maxsize=1)
def _mnist_sample() -> tuple[np.ndarray, np.ndarray]:
    """Return the bundled MNIST digits: uint8 images (10000, 28, 28), uint8 labels (10000,)."""
    images, labels = (_bundled_idx(name) for name in MNIST_SAMPLE_FILES)
    if images.shape != (10000, 28, 28) or labels.shape != (10000,) or labels.max() > 9:
        raise DataError(
            f"The bundled MNIST files should hold 10,000 images of 28x28 and 10,000 labels "
            f"0..9, but hold images {images.shape} and labels {labels.shape}; reinstall "
            f"neuronlab."
        )
    images.flags.writeable = labels.flags.writeable = False
    return images, labels


def load_mnist_sample(part: str = "train", images: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Return real MNIST digits that ship with neuronlab: X float32 in [0, 1], y int64 in 0..9.

    ``part="train"`` gives 8,000 digits, ``"test"`` the 2,000 held out, ``"all"`` the
    10,000 (train first). The split is fixed, the same on every machine: each class
    keeps 80 % of its digits for training and its last 20 % (in MNIST order) for the
    test part, so both parts have the same class proportions. X is (n, 784), each row
    a 28x28 image read row by row (``X[i].reshape(28, 28)``), as :func:`load_digits`
    gives its 8x8 images; ``images=True`` gives (n, 28, 28, 1) for a convolutional
    network instead. Pixels are the MNIST bytes / 255 (0 is the background).

    >>> X, y = load_mnist_sample()
    >>> X.shape, float(X.min()), float(X.max()), y[:10].tolist()
    ((8000, 784), 0.0, 1.0, [9, 1, 8, 7, 4, 4, 5, 6, 8, 7])
    >>> load_mnist_sample("test", images=True)[0].shape
    (2000, 28, 28, 1)
    """
    if not isinstance(part, str) or part not in _PARTS:
        raise ConfigError(f"part must be 'train', 'test' or 'all', got {repr(part)[:60]}. "
                          f"Use part='test' for the 2,000 held-out digits.")
    images = check_bool(images, "images")
    pixels, labels = _mnist_sample()
    rows = _PARTS[part]
    X = pixels[rows].astype(np.float32) / np.float32(255.0)
    X = X[..., np.newaxis] if images else X.reshape(len(X), 784)
    return X, labels[rows].astype(np.int64)
