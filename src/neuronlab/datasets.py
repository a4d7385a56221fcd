"""Data sets: the seed stories, generated 2-D sets, regression curves, digits, MNIST.

Every loader returns NumPy arrays ready for a network:

* the seed stories (gates, XOR, the 2x+1 puzzle) return ``(X, y)`` as float64
  arrays of shapes ``(n, features)`` and ``(n, 1)``;
* the generated 2-D classification sets return ``X`` float64 ``(n, 2)`` and class
  labels ``y`` int64 ``(n,)``;
* the regression curves return float64 ``(n, 1)`` and ``(n, 1)``;
* :func:`load_digits` and :func:`load_mnist` return float64 features and int64 labels.

Randomness always comes from ``np.random.default_rng(seed)``: the same ``seed``
gives the same arrays, ``seed=None`` gives fresh ones, and global NumPy state is
never touched.

>>> X, y = load("xor")
>>> X.shape, y.ravel().tolist()
((4, 2), [0.0, 1.0, 1.0, 0.0])
>>> sorted(DATASETS)[:2]
['and', 'blobs']
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.client
import inspect
import math
import os
import struct
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ConfigError, DataError, ShapeError, UnknownNameError
from .tables import Table
from .validation import (
    as_float_array,
    check_bool,
    check_int,
    check_number,
    check_positive,
    check_seed,
)

__all__ = [
    "DATASETS",
    "MNIST_SHA256",
    "MNIST_URL",
    "PUZZLE_QUESTION",
    "Dataset",
    "and_gate",
    "load",
    "load_digits",
    "load_mnist",
    "make_blobs",
    "make_bump",
    "make_circles",
    "make_classification_2d",
    "make_cubic",
    "make_moons",
    "make_plane",
    "make_sine",
    "make_spirals",
    "names",
    "not_gate",
    "one_hot",
    "or_gate",
    "puzzle",
    "read_idx",
    "register",
    "train_test_split",
    "unregister",
    "xor",
]

# ---------------------------------------------------------------------------
# Seed stories: tiny fixed tables
# ---------------------------------------------------------------------------

_GATE_INPUTS = ((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0))
_GATE_TABLES = {
    "and": (0.0, 0.0, 0.0, 1.0),
    "or": (0.0, 1.0, 1.0, 1.0),
    "xor": (0.0, 1.0, 1.0, 0.0),
}

#: The question of the 2x+1 puzzle (worked example §6): what does 55 map to? (111)
PUZZLE_QUESTION = 55.0


def _gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Return the truth table of a 2-input gate: X (4, 2) and y (4, 1), float64."""
    X = np.array(_GATE_INPUTS, dtype=np.float64)
    y = np.array(_GATE_TABLES[name], dtype=np.float64).reshape(-1, 1)
    return X, y


def and_gate() -> tuple[np.ndarray, np.ndarray]:
    """Return the AND truth table: X float64 (4, 2), y float64 (4, 1).

    >>> X, y = and_gate()
    >>> X.tolist(), y.ravel().tolist()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 0.0, 0.0, 1.0])
    """
    return _gate("and")


def or_gate() -> tuple[np.ndarray, np.ndarray]:
    """Return the OR truth table: X float64 (4, 2), y float64 (4, 1).

    >>> or_gate()[1].ravel().tolist()
    [0.0, 1.0, 1.0, 1.0]
    """
    return _gate("or")


def not_gate() -> tuple[np.ndarray, np.ndarray]:
    """Return the NOT truth table: X float64 (2, 1) = [[0], [1]], y float64 (2, 1) = [[1], [0]].

    >>> X, y = not_gate()
    >>> X.ravel().tolist(), y.ravel().tolist()
    ([0.0, 1.0], [1.0, 0.0])
    """
    return np.array([[0.0], [1.0]]), np.array([[1.0], [0.0]])


def xor() -> tuple[np.ndarray, np.ndarray]:
    """Return the XOR truth table (not linearly separable): X float64 (4, 2), y float64 (4, 1).

    >>> xor()[1].ravel().tolist()
    [0.0, 1.0, 1.0, 0.0]
    """
    return _gate("xor")


def puzzle() -> tuple[np.ndarray, np.ndarray]:
    """Return the 2x+1 puzzle of worked example §6: X float64 (4, 1), y float64 (4, 1).

    The rule is ``y = 2x + 1``; :data:`PUZZLE_QUESTION` (55) is the value to predict.

    >>> X, y = puzzle()
    >>> X.ravel().tolist(), y.ravel().tolist()
    ([11.0, 23.0, 36.0, 49.0], [23.0, 47.0, 73.0, 99.0])
    >>> 2 * PUZZLE_QUESTION + 1
    111.0
    """
    X = np.array([[11.0], [23.0], [36.0], [49.0]])
    return X, 2.0 * X + 1.0


# ---------------------------------------------------------------------------
# Shared helpers for generated data
# ---------------------------------------------------------------------------


#: The most samples a generated data set may have (10 million, 160 MB of 2-D points);
#: larger requests are refused at once instead of running out of memory.
MAX_SAMPLES = 10_000_000
#: The most classes (spiral arms) or blobs a generated data set may have.
MAX_CLASSES = 10_000


def _rng(seed: Any) -> np.random.Generator:
    """Return ``np.random.default_rng(seed)``, turning a bad seed into :class:`ConfigError`."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(check_seed(seed))


def _split_counts(total: int, parts: int) -> list[int]:
    """Return ``parts`` counts summing to ``total`` that differ by at most one.

    >>> _split_counts(10, 3)
    [4, 3, 3]
    """
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def _check_samples(n_samples: Any, minimum: int, why: str) -> int:
    """Return ``n_samples`` as an int, raising :class:`ConfigError` below ``minimum``."""
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)):
        raise ConfigError(f"n_samples must be a whole number, got {repr(n_samples)[:60]}.")
    if n_samples < minimum:
        raise ConfigError(
            f"n_samples must be at least {minimum} ({why}), got {n_samples}. Ask for more samples."
        )
    if n_samples > MAX_SAMPLES:
        raise ConfigError(
            f"n_samples must be at most {MAX_SAMPLES:,} (the largest generated data set), got "
            f"{str(n_samples)[:30]}. Ask for fewer samples."
        )
    return int(n_samples)


def _shuffled(
    rng: np.random.Generator, X: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(X, y)`` with their rows shuffled together by ``rng``."""
    order = rng.permutation(len(X))
    return X[order], y[order]


def _labels(counts: list[int]) -> np.ndarray:
    """Return int64 labels (sum(counts),): ``counts[0]`` zeros, then ones, and so on.

    >>> _labels([2, 1]).tolist()
    [0, 0, 1]
    """
    return np.repeat(np.arange(len(counts), dtype=np.int64), counts)


# ---------------------------------------------------------------------------
# Generated 2-D classification sets
# ---------------------------------------------------------------------------


def make_moons(
    n_samples: int = 200, noise: float = 0.1, seed: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return two interleaving half circles: X float64 (n, 2), y int64 (n,) in {0, 1}.

    Class 0 is the upper half circle of radius 1 centred at (0, 0); class 1 the
    lower one centred at (1, 0.5). ``noise`` is the standard deviation of gaussian
    jitter added to every coordinate. Rows are shuffled.

    >>> X, y = make_moons(10, noise=0.0, seed=0)
    >>> X.shape, y.dtype.name, sorted(set(y.tolist()))
    ((10, 2), 'int64', [0, 1])
    """
    n = _check_samples(n_samples, 2, "one point per moon")
    noise = check_positive(noise, "noise", allow_zero=True)
    rng = _rng(seed)
    counts = [n // 2, n - n // 2]
    upper = np.linspace(0.0, np.pi, counts[0])
    lower = np.linspace(0.0, np.pi, counts[1])
    X = np.concatenate(
        [
            np.column_stack([np.cos(upper), np.sin(upper)]),
            np.column_stack([1.0 - np.cos(lower), 0.5 - np.sin(lower)]),
        ]
    )
    X = X + rng.normal(scale=noise, size=X.shape)
    return _shuffled(rng, X, _labels(counts))


def make_circles(
    n_samples: int = 200, noise: float = 0.05, factor: float = 0.5, seed: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return a small circle inside a large one: X float64 (n, 2), y int64 (n,) in {0, 1}.

    Class 0 lies on the circle of radius 1, class 1 on the circle of radius
    ``factor`` (0 < factor < 1), both centred at the origin; ``noise`` is gaussian
    jitter added to every coordinate. Rows are shuffled.

    >>> X, y = make_circles(8, noise=0.0, factor=0.5, seed=0)
    >>> sorted(set(np.round(np.hypot(X[:, 0], X[:, 1]), 6).tolist()))
    [0.5, 1.0]
    """
    n = _check_samples(n_samples, 2, "one point per circle")
    noise = check_positive(noise, "noise", allow_zero=True)
    factor = check_positive(factor, "factor")
    if factor >= 1.0:
        raise ConfigError(
            f"factor is the inner circle's radius relative to the outer one and must be "
            f"between 0 and 1 (exclusive), got {factor}. Try factor=0.5."
        )
    rng = _rng(seed)
    counts = [n // 2, n - n // 2]
    outer = np.linspace(0.0, 2.0 * np.pi, counts[0], endpoint=False)
    inner = np.linspace(0.0, 2.0 * np.pi, counts[1], endpoint=False)
    X = np.concatenate(
        [
            np.column_stack([np.cos(outer), np.sin(outer)]),
            factor * np.column_stack([np.cos(inner), np.sin(inner)]),
        ]
    )
    X = X + rng.normal(scale=noise, size=X.shape)
    return _shuffled(rng, X, _labels(counts))


def make_spirals(
    n_samples: int = 300, classes: int = 3, noise: float = 0.2, seed: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``classes`` interleaved spiral arms: X float64 (n, 2), y int64 (n,) in 0..classes-1.

    Each arm starts at the origin and winds out to radius 1 over 4 radians; the arms
    are rotated evenly around the circle. ``noise`` is the standard deviation, in
    radians, of gaussian jitter on each point's angle. Class sizes differ by at most
    one and sum to ``n_samples``. Rows are shuffled.

    >>> X, y = make_spirals(10, classes=3, seed=0)
    >>> X.shape, np.bincount(y).tolist()
    ((10, 2), [4, 3, 3])
    """
    k = check_int(classes, "classes", minimum=1, maximum=MAX_CLASSES)
    n = _check_samples(n_samples, k, "one point per spiral arm")
    noise = check_positive(noise, "noise", allow_zero=True)
    rng = _rng(seed)
    counts = _split_counts(n, k)
    arms = []
    for arm, count in enumerate(counts):
        radius = np.linspace(0.0, 1.0, count)
        angle = 2.0 * np.pi * arm / k + 4.0 * radius + rng.normal(scale=noise, size=count)
        arms.append(np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]))
    return _shuffled(rng, np.concatenate(arms), _labels(counts))


def make_blobs(
    n_samples: int = 200, centers: Any = 3, cluster_std: float = 1.0, seed: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return gaussian blobs: X float64 (n, 2), y int64 (n,) in 0..k-1.

    ``centers`` is either a count k (centres drawn uniformly from the square
    [-10, 10]²) or an array of shape (k, 2). Each point is its centre plus gaussian
    noise of standard deviation ``cluster_std``. Blob sizes differ by at most one.
    Rows are shuffled.

    >>> X, y = make_blobs(6, centers=[[0, 0], [5, 5]], cluster_std=0.0, seed=0)
    >>> sorted(map(tuple, X[y == 1].tolist()))
    [(5.0, 5.0), (5.0, 5.0), (5.0, 5.0)]
    """
    cluster_std = check_positive(cluster_std, "cluster_std", allow_zero=True)
    rng = _rng(seed)
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        k = check_int(centers, "centers", minimum=1, maximum=MAX_CLASSES)
        points = rng.uniform(-10.0, 10.0, size=(k, 2))
    else:
        points = as_float_array(centers, name="centers")
        if points.shape[1] != 2:
            raise ShapeError(
                f"centers must be a count or an array of shape (k, 2), got shape "
                f"{points.shape}. Give one (x, y) pair per blob."
            )
    n = _check_samples(n_samples, len(points), "one point per blob")
    counts = _split_counts(n, len(points))
    y = _labels(counts)
    X = points[y] + rng.normal(scale=cluster_std, size=(n, 2))
    return _shuffled(rng, X, y)


def _make_gate_points(
    gate: str, n_samples: int, noise: float, seed: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Return noisy points around the 4 gate corners: X float64 (n, 2), y int64 (n,)."""
    n = _check_samples(n_samples, 4, "one point per corner")
    noise = check_positive(noise, "noise", allow_zero=True)
    rng = _rng(seed)
    counts = _split_counts(n, 4)
    corner = _labels(counts)  # index of each point's corner
    X = np.array(_GATE_INPUTS)[corner] + rng.normal(scale=noise, size=(n, 2))
    y = np.array(_GATE_TABLES[gate], dtype=np.int64)[corner]
    return _shuffled(rng, X, y)


def make_classification_2d(
    name: str, n_samples: int = 200, noise: float = 0.1, seed: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return the 2-D classification set called ``name``: X float64 (n, 2), y int64 (n,).

    ``"and"``, ``"or"``, ``"xor"``: points scattered (gaussian, std ``noise``) around
    the corners (0,0), (0,1), (1,0), (1,1), labelled by the gate. ``"circles"``,
    ``"moons"``, ``"spirals"``: the ``make_*`` function with this ``noise``.
    ``"blobs"``: three blobs with ``cluster_std=noise``.

    >>> X, y = make_classification_2d("xor", 8, noise=0.0, seed=0)
    >>> sorted(zip(X.tolist(), y.tolist()))[:2]
    [([0.0, 0.0], 0), ([0.0, 0.0], 0)]
    """
    known = name in DATASETS and DATASETS[name].task == "classification"
    points = DATASETS[name].points if known else None
    if points is None:
        raise UnknownNameError(
            f"Unknown 2-D data set {name!r}. Valid names: "
            f"{', '.join(names('classification', points=True))}."
        )
    return points(n_samples, noise, seed)


# ---------------------------------------------------------------------------
# Regression curves
# ---------------------------------------------------------------------------


def _uniform_column(rng: np.random.Generator, n: int, low: float, high: float) -> np.ndarray:
    """Return n sorted uniform draws from [low, high) as a float64 column (n, 1)."""
    return np.sort(rng.uniform(low, high, size=n)).reshape(-1, 1)


def make_cubic(
    n_samples: int = 200,
    noise: float = 0.0,
    low: float = -2.0,
    high: float = 2.0,
    seed: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return samples of y = x³ + 2x + 1: X float64 (n, 1), y float64 (n, 1).

    x is drawn uniformly from [low, high) and sorted (so the data plots as a curve);
    ``noise`` is the standard deviation of gaussian noise added to y. One neuron
    cannot fit this curve; a small network with a non-linear activation can.

    >>> X, y = make_cubic(5, seed=0)
    >>> bool(np.allclose(y, X**3 + 2 * X + 1))
    True
    """
    n = _check_samples(n_samples, 1, "a data set needs a sample")
    noise = check_positive(noise, "noise", allow_zero=True)
    low, high = check_number(low, "low"), check_number(high, "high")
    if not low < high:
        raise ConfigError(
            f"low must be smaller than high (both finite), got low={low}, high={high}. "
            f"Try low=-2.0, high=2.0."
        )
    rng = _rng(seed)
    X = _uniform_column(rng, n, low, high)
    y = X**3 + 2.0 * X + 1.0 + rng.normal(scale=noise, size=X.shape)
    return X, y


def make_sine(
    n_samples: int = 200, noise: float = 0.0, seed: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return samples of y = sin(x), x in [-pi, pi]: X float64 (n, 1), y float64 (n, 1).

    x is drawn uniformly and sorted; ``noise`` is gaussian noise added to y.

    >>> X, y = make_sine(5, seed=0)
    >>> bool(np.allclose(y, np.sin(X))), bool(np.abs(X).max() <= np.pi)
    (True, True)
    """
    n = _check_samples(n_samples, 1, "a data set needs a sample")
    noise = check_positive(noise, "noise", allow_zero=True)
    rng = _rng(seed)
    X = _uniform_column(rng, n, -np.pi, np.pi)
    return X, np.sin(X) + rng.normal(scale=noise, size=X.shape)


def make_plane(
    n_samples: int = 200, noise: float = 0.0, seed: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return a tilted plane y = (x1 + 2 x2) / 3 over [-1, 1]²: X float64 (n, 2), y (n,).

    ``noise`` is gaussian noise added to y. One linear neuron fits it exactly.

    >>> X, y = make_plane(5, seed=0)
    >>> bool(np.allclose(y, (X[:, 0] + 2 * X[:, 1]) / 3))
    True
    """
    return _surface(lambda X: (X[:, 0] + 2.0 * X[:, 1]) / 3.0, n_samples, noise, seed)


def make_bump(
    n_samples: int = 200, noise: float = 0.0, seed: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return a bump y = exp(-2 (x1² + x2²)) over [-1, 1]²: X float64 (n, 2), y (n,).

    ``noise`` is gaussian noise added to y. A plane cannot fit it; a hidden layer can.

    >>> X, y = make_bump(5, seed=0)
    >>> bool(np.allclose(y, np.exp(-2 * (X**2).sum(axis=1))))
    True
    """
    return _surface(lambda X: np.exp(-2.0 * (X**2).sum(axis=1)), n_samples, noise, seed)


def _surface(
    height: Callable[[np.ndarray], np.ndarray], n_samples: int, noise: float, seed: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Sample points uniformly over [-1, 1]² and return them with ``height(X)`` + noise."""
    n = _check_samples(n_samples, 1, "a data set needs a sample")
    noise = check_positive(noise, "noise", allow_zero=True)
    rng = _rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    return X, height(X) + rng.normal(scale=noise, size=n)


# ---------------------------------------------------------------------------
# Handwritten digits (bundled)
# ---------------------------------------------------------------------------

_PACKAGE = __name__.rpartition(".")[0] or "neuronlab"
_DIGITS_FILE = "digits.csv.gz"


@functools.lru_cache(maxsize=1)
def _digits_table() -> np.ndarray:
    """Return the bundled digits table as int64 (1797, 65): 64 pixels then the label."""
    resource = resources.files(_PACKAGE).joinpath("data").joinpath(_DIGITS_FILE)
    try:
        with resource.open("rb") as raw, gzip.open(raw, "rt") as text:
            table = np.loadtxt(text, delimiter=",", dtype=np.int64)
    except (OSError, EOFError, ValueError) as exc:
        raise DataError(
            f"Could not read the bundled digits file {_PACKAGE}/data/{_DIGITS_FILE} ({exc}). "
            f"Expected a gzip CSV of 1797 rows x 65 integers; reinstall neuronlab."
        ) from None
    if table.shape != (1797, 65):
        raise DataError(
            f"The bundled digits file {_PACKAGE}/data/{_DIGITS_FILE} should hold 1797 rows x "
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


# ---------------------------------------------------------------------------
# IDX files and MNIST
# ---------------------------------------------------------------------------

_IDX_TYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def _read_bytes(path: Path) -> bytes:
    """Return the (decompressed, for ``.gz``) contents of ``path``, as bytes."""
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as handle:
                return handle.read()
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"IDX file {str(path)!r} does not exist; check the path.") from None
    except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError
        raise DataError(
            f"IDX file {str(path)!r} could not be read ({exc}); it is probably truncated or "
            f"not gzip data. Download it again."
        ) from None


def _idx_header(raw: bytes, where: str) -> tuple[np.dtype, tuple[int, ...], int]:
    """Return (big-endian dtype, dims, header length) parsed from the start of an IDX file."""
    if len(raw) < 4:
        raise DataError(
            f"IDX file {where} is truncated: it has {len(raw)} byte(s), fewer than the "
            f"4-byte magic number. Download it again."
        )
    if raw[0] != 0 or raw[1] != 0:
        raise DataError(
            f"IDX file {where} has a wrong magic number: expected two zero bytes first, got "
            f"{raw[:4].hex()}. Is it an IDX file (gzip files must end in .gz)?"
        )
    if raw[2] not in _IDX_TYPES:
        codes = ", ".join(f"0x{code:02X}" for code in _IDX_TYPES)
        raise DataError(
            f"IDX file {where} has unknown data type code 0x{raw[2]:02X}; expected one of {codes}."
        )
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(
            f"IDX file {where} is truncated: its header declares {ndim} dimension(s) "
            f"({header} header bytes) but the file has {len(raw)} bytes. Download it again."
        )
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    return _IDX_TYPES[raw[2]], dims, header


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Return the array stored in an IDX file (plain, or gzip if the name ends in ``.gz``).

    The shape is the file's dimensions and the dtype its type code (0x08 uint8,
    0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64), in native byte
    order. A truncated file, a wrong magic number or a data size that does not match
    the dimensions raises :class:`DataError` naming the file.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "tiny-idx1-ubyte"
    ...     _ = path.write_bytes(bytes([0, 0, 0x08, 1, 0, 0, 0, 3, 7, 8, 9]))
    ...     read_idx(path).tolist()
    [7, 8, 9]
    """
    path = Path(path)
    where = repr(str(path))
    raw = _read_bytes(path)
    dtype, dims, header = _idx_header(raw, where)
    expected = math.prod(dims) * dtype.itemsize
    actual = len(raw) - header
    if actual != expected:
        problem = "is truncated" if actual < expected else "has trailing bytes"
        raise DataError(
            f"IDX file {where} {problem}: dimensions {dims} of {dtype.itemsize}-byte values "
            f"need {expected} data bytes, but the file has {actual}. Download it again."
        )
    data = np.frombuffer(raw, dtype=dtype, count=math.prod(dims), offset=header)
    return data.reshape(dims).astype(dtype.newbyteorder("="))


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


# ---------------------------------------------------------------------------
# Splitting and encoding
# ---------------------------------------------------------------------------


def _test_count(test_size: Any, n: int) -> int:
    """Return how many of ``n`` samples go to the test side (ConfigError if invalid)."""
    if isinstance(test_size, (int, np.integer)) and not isinstance(test_size, bool):
        n_test = int(test_size)
    elif isinstance(test_size, (float, np.floating)) and 0.0 < test_size < 1.0:
        n_test = math.ceil(float(test_size) * n)
    else:
        raise ConfigError(
            f"test_size must be a fraction between 0 and 1 (e.g. 0.2) or a whole number of "
            f"test samples, got {test_size!r}."
        )
    if not 1 <= n_test <= n - 1:
        raise ConfigError(
            f"test_size={test_size!r} puts {n_test} of {n} samples in the test set; both sides "
            f"need at least one sample. Use a test_size between 1 and {n - 1} samples."
        )
    return n_test


def _integer_labels(y: np.ndarray, name: str) -> np.ndarray:
    """Return ``y`` as int64 labels (n,), raising DataError for a value that is not whole."""
    flat = y.reshape(len(y), -1)
    if flat.shape[1] != 1:
        raise ShapeError(
            f"{name} must be one label per sample, shape (n,) or (n, 1), got {y.shape}. "
            f"Convert one-hot rows with y.argmax(axis=1)."
        )
    flat = flat[:, 0]
    if flat.dtype.kind not in "iuf":
        raise DataError(f"{name} must hold whole-number class labels, got dtype {flat.dtype}.")
    bad = ~np.isfinite(flat) | (flat != np.round(flat)) if flat.dtype.kind == "f" else None
    if bad is not None and bad.any():
        raise DataError(
            f"{name} must hold whole-number class labels, got {flat[bad][0].item()!r}. "
            f"Round or encode the labels as 0, 1, 2, ..."
        )
    return flat.astype(np.int64)


def _stratified_test_indices(
    labels: np.ndarray, n_test: int, rng: np.random.Generator
) -> np.ndarray:
    """Return shuffled test-row indices taking each class's share of ``n_test``.

    Shares are proportional to class sizes, rounded by largest remainder so they
    sum to ``n_test`` exactly.
    """
    classes, counts = np.unique(labels, return_counts=True)
    exact = counts * n_test / len(labels)
    shares = np.floor(exact).astype(np.int64)
    leftover = n_test - int(shares.sum())
    shares[np.argsort(-(exact - shares), kind="stable")[:leftover]] += 1
    picks = [
        rng.permutation(np.flatnonzero(labels == cls))[:share]
        for cls, share in zip(classes, shares)
    ]
    return rng.permutation(np.concatenate(picks))


def train_test_split(
    X: Any, y: Any, test_size: float = 0.2, seed: Any = None, stratify: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return ``X_train, X_test, y_train, y_test``: the rows of X and y, shuffled and split.

    ``test_size`` is a fraction (0 < test_size < 1, rounded up) or a whole number of
    test rows; both sides get at least one row. With ``stratify=True`` the integer
    labels ``y`` ((n,) or (n, 1)) keep their class proportions on both sides. Shapes
    beyond the first axis are kept.

    >>> X_tr, X_te, y_tr, y_te = train_test_split(np.arange(10).reshape(5, 2), np.arange(5),
    ...                                           test_size=2, seed=0)
    >>> X_tr.shape, X_te.shape, y_tr.shape, y_te.shape
    ((3, 2), (2, 2), (3,), (2,))
    """
    X_arr, y_arr = np.asarray(X), np.asarray(y)
    if X_arr.ndim == 0 or y_arr.ndim == 0:
        raise ShapeError(
            f"X and y must be arrays with one row per sample, got shapes {X_arr.shape} and "
            f"{y_arr.shape}."
        )
    if len(X_arr) != len(y_arr):
        raise ShapeError(
            f"X and y must have the same number of samples, got {len(X_arr)} rows in X and "
            f"{len(y_arr)} in y. Check that they come from the same data set."
        )
    n = len(X_arr)
    n_test = _test_count(test_size, n)
    rng = _rng(seed)
    if stratify:
        test = _stratified_test_indices(_integer_labels(y_arr, "y"), n_test, rng)
        in_test = np.zeros(n, dtype=bool)
        in_test[test] = True
        train = rng.permutation(np.flatnonzero(~in_test))
    else:
        order = rng.permutation(n)
        test, train = order[:n_test], order[n_test:]
    return X_arr[train], X_arr[test], y_arr[train], y_arr[test]


def one_hot(labels: Any, num_classes: int | None = None) -> np.ndarray:
    """Return float64 (n, k) rows with a single 1 in each label's column.

    ``labels`` are non-negative whole numbers, shape (n,) or (n, 1); ``k`` is
    ``num_classes`` or, by default, the largest label + 1.

    >>> one_hot([0, 2, 1]).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    arr = np.asarray(labels)
    if arr.ndim == 0 or arr.size == 0:
        raise DataError(
            f"labels must be a non-empty list of class numbers, got {labels!r}. "
            f"Give one label per sample, e.g. [0, 2, 1]."
        )
    flat = _integer_labels(arr, "labels")
    if (flat < 0).any():
        raise DataError(
            f"labels must be non-negative whole numbers, got {int(flat[flat < 0][0])}. "
            f"Shift the labels so the smallest class is 0."
        )
    needed = int(flat.max()) + 1
    k = needed if num_classes is None else check_int(num_classes, "num_classes", minimum=1)
    if k < needed:
        raise DataError(
            f"num_classes={k} is too small: the largest label is {needed - 1}, so at least "
            f"{needed} classes are needed. Pass num_classes={needed} or more (or leave it out)."
        )
    encoded = np.zeros((len(flat), k), dtype=np.float64)
    encoded[np.arange(len(flat)), flat] = 1.0
    return encoded


# ---------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------

Points = Callable[[int, float, Any], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Dataset:
    """A data set in the table: how to load it and what it holds.

    ``task`` is "classification" or "regression"; ``source`` says where the data comes
    from ("table": a fixed truth table, "generated", "bundled", "download");
    ``small`` are ``load`` arguments giving a small sample (for quick checks);
    ``points(n_samples, noise, seed)``, when given, makes noisy 2-D points for the lab's
    playground: integer labels for a classification set (then also
    :func:`make_classification_2d`), real targets for a regression set.
    """

    name: str
    loader: Callable[..., tuple[np.ndarray, np.ndarray]]
    task: str
    source: str
    description: str
    small: Mapping[str, Any] = field(default_factory=dict)
    points: Points | None = None

    def takes(self, argument: str) -> bool:
        """True if the loader accepts ``argument`` (``n_samples``, ``noise``, ``seed``...)."""
        return argument in inspect.signature(self.loader).parameters


#: Every data set by name, in the order the lessons meet them.
DATASETS: Table[Dataset] = Table("data set", required=("name", "description"))


def register(dataset: Dataset, replace: bool = False) -> Dataset:
    """Add a data set to the table: ``load``, the command line and the lab then know it."""
    if dataset.task not in ("classification", "regression"):
        raise ConfigError(f"A data set's task is 'classification' or 'regression', got "
                          f"{dataset.task!r}.")
    return DATASETS.register(dataset, replace=replace)


unregister = DATASETS.unregister


def names(task: str | None = None, points: bool | None = None) -> tuple[str, ...]:
    """The data sets' names, now; ``task`` and ``points`` keep only those that match."""
    return tuple(d.name for d in DATASETS.values()
                 if task in (None, d.task) and points in (None, d.points is not None))


def _gate_points(gate: str) -> Points:
    return lambda n, noise, seed: _make_gate_points(gate, n, noise, seed)


_SMALL = {"n_samples": 20, "seed": 0}
for _dataset in (
    Dataset("and", and_gate, "classification", "table",
            "AND gate truth table: 4 rows, 2 inputs, target 1 only for (1, 1)",
            points=_gate_points("and")),
    Dataset("or", or_gate, "classification", "table",
            "OR gate truth table: 4 rows, 2 inputs, target 0 only for (0, 0)",
            points=_gate_points("or")),
    Dataset("not", not_gate, "classification", "table",
            "NOT gate truth table: 2 rows, 1 input, target is the opposite bit"),
    Dataset("xor", xor, "classification", "table",
            "XOR truth table: 4 rows, 2 inputs; not linearly separable",
            points=_gate_points("xor")),
    Dataset("puzzle", puzzle, "regression", "table",
            "the 2x+1 puzzle: 11->23, 23->47, 36->73, 49->99 (what does 55 give?)"),
    Dataset("circles", make_circles, "classification", "generated",
            "a small circle inside a large one, 2-D, 2 classes (generated)", _SMALL,
            lambda n, noise, seed: make_circles(n, noise=noise, seed=seed)),
    Dataset("moons", make_moons, "classification", "generated",
            "two interleaving half circles, 2-D, 2 classes (generated)", _SMALL,
            lambda n, noise, seed: make_moons(n, noise=noise, seed=seed)),
    Dataset("spirals", make_spirals, "classification", "generated",
            "interleaved spiral arms, 2-D, 3 classes by default (generated)", _SMALL,
            lambda n, noise, seed: make_spirals(n, noise=noise, seed=seed)),
    Dataset("blobs", make_blobs, "classification", "generated",
            "gaussian clusters, 2-D, 3 classes by default (generated)", _SMALL,
            lambda n, noise, seed: make_blobs(n, cluster_std=noise, seed=seed)),
    Dataset("cubic", make_cubic, "regression", "generated",
            "regression: y = x^3 + 2x + 1 on [-2, 2] (generated)", _SMALL),
    Dataset("sine", make_sine, "regression", "generated",
            "regression: y = sin(x) on [-pi, pi] (generated)", _SMALL),
    Dataset("plane", make_plane, "regression", "generated",
            "regression: y = (x1 + 2 x2) / 3 over [-1, 1]^2, 2-D (generated)", _SMALL,
            lambda n, noise, seed: make_plane(n, noise=noise, seed=seed)),
    Dataset("bump", make_bump, "regression", "generated",
            "regression: y = exp(-2 (x1^2 + x2^2)) over [-1, 1]^2, 2-D (generated)", _SMALL,
            lambda n, noise, seed: make_bump(n, noise=noise, seed=seed)),
    Dataset("digits", load_digits, "classification", "bundled",
            "8x8 handwritten digits: 1,797 images, 64 pixels 0..16, labels 0..9 (bundled)"),
    Dataset("mnist", load_mnist, "classification", "download",
            "28x28 handwritten digits: 60,000 train / 10,000 test, labels 0..9 (download)"),
):
    register(_dataset)


def _check_kwargs(name: str, loader: Callable[..., Any], kwargs: dict[str, Any]) -> None:
    """Raise ConfigError if ``kwargs`` holds an argument ``loader`` does not take."""
    accepted = list(inspect.signature(loader).parameters)
    unknown = [key for key in kwargs if key not in accepted]
    if unknown:
        options = ", ".join(accepted) if accepted else "no arguments"
        raise ConfigError(
            f"Data set {name!r} does not take {', '.join(map(repr, unknown))}; it accepts: "
            f"{options}."
        )


def load(name: str, **kwargs: Any) -> tuple[np.ndarray, np.ndarray]:
    """Return the ``(X, y)`` of the data set ``name`` (see :data:`DATASETS`), passing ``kwargs`` on.

    >>> X, y = load("moons", n_samples=20, seed=1)
    >>> X.shape, y.shape
    ((20, 2), (20,))
    """
    dataset = DATASETS[name]
    _check_kwargs(dataset.name, dataset.loader, kwargs)
    return dataset.loader(**kwargs)
