"""Small helpers with Keras's names: :func:`to_categorical`.

>>> to_categorical([0, 2, 1])
array([[1., 0., 0.],
       [0., 0., 1.],
       [0., 1., 0.]], dtype=float32)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .checks import as_array, check_int
from .errors import DataError


def to_categorical(x: Any, num_classes: int | None = None) -> np.ndarray:
    """Integer class labels ``0..num_classes-1`` as one-hot rows (float32), as Keras's
    ``keras.utils.to_categorical``: shape ``(N,)`` (or ``(N, 1)``) gives ``(N, k)``.

    ``num_classes`` defaults to the largest label plus one.
    """
    labels = as_array(x, "to_categorical labels")
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels.reshape(labels.shape[:-1])
    if labels.size == 0 or labels.dtype.kind not in "iuf" or \
            not np.all(np.isfinite(labels)) or not np.all(labels == np.round(labels)) or \
            (labels < 0).any():
        raise DataError(
            "to_categorical takes integer class labels 0, 1, 2, ... (an array of whole "
            f"numbers >= 0), got {repr(x)[:60]}."
        )
    labels = labels.astype(np.int64)
    k = int(labels.max()) + 1 if num_classes is None else check_int(num_classes, "num_classes")
    if labels.max() >= k:
        raise DataError(f"to_categorical: labels go up to {labels.max()}, so num_classes must "
                        f"be at least {labels.max() + 1}, got {k}.")
    out = np.zeros((*labels.shape, k), dtype=np.float32)
    np.put_along_axis(out, labels[..., None], 1.0, axis=-1)
    return out


__all__ = ["to_categorical"]
