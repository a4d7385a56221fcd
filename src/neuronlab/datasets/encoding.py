"""Class labels as numbers: whole-number labels checked, and one-hot rows.

This is the one one-hot encoding of neuronlab: :func:`one_hot` here, which the
training loop also uses when a model with k outputs is given integer labels.

>>> one_hot([1, 0]).tolist()
[[0.0, 1.0], [1.0, 0.0]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..checks import check_int
from ..errors import DataError, ShapeError


def integer_labels(y: np.ndarray, name: str) -> np.ndarray:
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
    flat = integer_labels(arr, "labels")
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
