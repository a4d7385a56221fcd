"""Splitting a data set into a training part and a held-out test part.

>>> X_tr, X_te, y_tr, y_te = train_test_split(np.arange(8).reshape(4, 2), [0, 1, 0, 1],
...                                           test_size=0.5, seed=0, stratify=True)
>>> sorted(y_te.tolist())
[0, 1]
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import ConfigError, ShapeError
from .encoding import integer_labels
from .generators import random_generator


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
    rng = random_generator(seed)
    if stratify:
        test = _stratified_test_indices(integer_labels(y_arr, "y"), n_test, rng)
        in_test = np.zeros(n, dtype=bool)
        in_test[test] = True
        train = rng.permutation(np.flatnonzero(~in_test))
    else:
        order = rng.permutation(n)
        test, train = order[:n_test], order[n_test:]
    return X_arr[train], X_arr[test], y_arr[train], y_arr[test]
