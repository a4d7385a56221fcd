"""Generated data: 2-D classification sets and regression curves.

Classification sets return ``X`` float64 ``(n, 2)`` and class labels ``y`` int64
``(n,)``; the regression curves return float64 ``(n, 1)`` and ``(n, 1)`` (the 2-D
surfaces ``(n, 2)`` and ``(n,)``). Randomness always comes from
``np.random.default_rng(seed)``: the same ``seed`` gives the same arrays,
``seed=None`` gives fresh ones, and global NumPy state is never touched.

>>> X, y = make_moons(20, seed=0)
>>> X.shape, y.dtype.name
((20, 2), 'int64')
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..checks import as_float_array, check_int, check_number, check_positive, check_seed
from ..errors import ConfigError, ShapeError
from .stories import GATE_INPUTS, GATE_TABLES

# ---------------------------------------------------------------------------
# Shared helpers for generated data
# ---------------------------------------------------------------------------


#: The most samples a generated data set may have (10 million, 160 MB of 2-D points);
#: larger requests are refused at once instead of running out of memory.
MAX_SAMPLES = 10_000_000
#: The most classes (spiral arms) or blobs a generated data set may have.
MAX_CLASSES = 10_000


def random_generator(seed: Any) -> np.random.Generator:
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
    rng = random_generator(seed)
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
    rng = random_generator(seed)
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
    rng = random_generator(seed)
    counts = _split_counts(n, k)
    arms = []
    for arm, count in enumerate(counts):
        radius = np.linspace(0.0, 1.0, count)
        angle = 2.0 * np.pi * arm / k + 4.0 * radius + rng.normal(scale=noise, size=count)
        arms.append(np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]))
    return _shuffled(rng, np.concatenate(arms), _labels(counts))


def spiral_data(samples: int = 100, classes: int = 3, seed: Any = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """The "Neural Networks from Scratch" book's ``spiral_data``, with its meaning.

    ``samples`` points *per class* (``samples * classes`` in all), class by class, not
    shuffled, float64 ``X`` and uint8 ``y`` (as the book's ``nnfs.datasets``). Each arm
    has radius 0..1 and angle ``2.5 * t`` for ``t`` from ``4 * class`` to ``4 * (class
    + 1)`` plus gaussian noise of 0.2 on ``t`` (0.5 rad on the angle), about 1.6 turns,
    written as ``(r sin, r cos)``. With ``seed=0`` it gives, bit for bit, what
    ``nnfs.datasets.spiral_data`` gives after ``np.random.seed(0)``. The book runs
    ``nnfs.init()`` first, which also rounds each random draw to float32: its first call
    then agrees with ``seed=0`` to about 1e-7, not exactly, and its later calls (a test
    set) continue NumPy's global stream, which neuronlab never reads. :func:`make_spirals`
    is neuronlab's own: ``n_samples`` in all, about 0.6 turns, 0.2 rad of noise, shuffled,
    ``(r cos, r sin)``.

    >>> X, y = spiral_data(samples=5, classes=2, seed=0)
    >>> X.shape, y.dtype.name, y.tolist()
    ((10, 2), 'uint8', [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    """
    per_class = check_int(samples, "samples", minimum=1, maximum=MAX_SAMPLES)
    k = check_int(classes, "classes", minimum=1, maximum=min(MAX_CLASSES, 255))
    if per_class * k > MAX_SAMPLES:
        _check_samples(per_class * k, k, "one point per class")
    seed = check_seed(seed)
    if seed is not None and seed >= 2**32:
        raise ConfigError(f"spiral_data's seed must be below 2**32 (NumPy's legacy "
                          f"generator, as the book uses), got {seed}.")
    rng = np.random.RandomState(seed)  # the book's np.random.randn, after nnfs.init()'s seed
    X = np.zeros((per_class * k, 2))
    y = np.zeros(per_class * k, dtype=np.uint8)
    for number in range(k):
        rows = slice(per_class * number, per_class * (number + 1))
        r = np.linspace(0.0, 1.0, per_class)
        t = np.linspace(number * 4, (number + 1) * 4, per_class) \
            + rng.randn(per_class) * 0.2
        X[rows] = np.column_stack([r * np.sin(t * 2.5), r * np.cos(t * 2.5)])
        y[rows] = number
    return X, y


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
    rng = random_generator(seed)
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



def make_gate_points(
    gate: str, n_samples: int, noise: float, seed: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Return noisy points around the 4 gate corners: X float64 (n, 2), y int64 (n,)."""
    n = _check_samples(n_samples, 4, "one point per corner")
    noise = check_positive(noise, "noise", allow_zero=True)
    rng = random_generator(seed)
    counts = _split_counts(n, 4)
    corner = _labels(counts)  # index of each point's corner
    X = np.array(GATE_INPUTS)[corner] + rng.normal(scale=noise, size=(n, 2))
    y = np.array(GATE_TABLES[gate], dtype=np.int64)[corner]
    return _shuffled(rng, X, y)




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
    rng = random_generator(seed)
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
    rng = random_generator(seed)
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
    rng = random_generator(seed)
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    return X, height(X) + rng.normal(scale=noise, size=n)
