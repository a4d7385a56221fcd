"""Input checks shared by every public entry point.

Each check raises a :mod:`neuronlab.errors` exception whose message says what was
expected, what was received and how to fix it, so a learner never meets a bare NumPy
broadcasting error or a silent NaN.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from .errors import ConfigError, DataError, ShapeError, UnknownNameError


def as_float_array(
    data: Any, name: str = "X", dtype: Any = np.float64, ndim: int = 2
) -> np.ndarray:
    """Return ``data`` as a finite, non-empty float array with ``ndim`` dimensions.

    A 1-D input is accepted where 2-D is wanted only for ``name='y'``-style targets
    (callers reshape); here a 1-D array given for ``ndim=2`` is an error with a hint.

    >>> as_float_array([[1, 2], [3, 4]]).shape
    (2, 2)
    """
    if isinstance(data, np.ndarray) and data.dtype.kind in "fiub":
        arr = data
    else:
        try:
            arr = np.asarray(data)
        except ValueError as exc:  # ragged nested lists
            raise DataError(
                f"{name} must be a rectangular table of numbers, but its rows have different "
                f"lengths ({exc}). Give every row the same number of values."
            ) from None
    if arr.dtype.kind not in "fiub":
        raise DataError(
            f"{name} must contain numbers, got values of type {arr.dtype} "
            f"(e.g. {arr.ravel()[:1].tolist()!r}). Convert text columns to numbers first."
        )
    if arr.size == 0:
        raise DataError(f"{name} is empty (shape {arr.shape}); give at least one sample.")
    if arr.ndim != ndim:
        if ndim == 2 and arr.ndim == 1:
            hint = (
                f"reshape it: {name}.reshape(-1, 1) for {arr.shape[0]} samples of one feature, "
                f"or {name}.reshape(1, -1) for one sample of {arr.shape[0]} features"
            )
        else:
            hint = f"reshape it to {ndim} dimensions"
        raise ShapeError(
            f"{name} must have {ndim} dimensions (samples, features), got shape "
            f"{arr.shape}; {hint}."
        )
    arr = arr.astype(dtype, copy=False)
    if not _all_finite(arr):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise DataError(
            f"{name} contains {bad} NaN or infinite value(s); neuronlab needs finite numbers. "
            f"Drop or fill the missing values first (e.g. np.nan_to_num)."
        )
    return arr


def _all_finite(arr: np.ndarray) -> bool:
    """True if no value is NaN or infinite.

    The sum of finite numbers is finite unless it overflows, so the exact, element by
    element check (with a temporary as large as the data) runs only when the sum is not.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        total = arr.sum()
    return bool(np.isfinite(total) or np.isfinite(arr).all())


def canonical_name(kind: str, identifier: Any, names: Iterable[str],
                   aliases: Mapping[str, str] | None = None) -> str:
    """The one name ``identifier`` stands for: case and spaces ignored, aliases resolved.

    Raises :class:`UnknownNameError` listing the valid names, e.g. for ``kind="loss"``:
    ``Unknown loss 'hinge'. Valid names: mse, ...``.

    >>> canonical_name("metric", " Acc ", ["accuracy", "mae"], {"acc": "accuracy"})
    'accuracy'
    """
    valid = list(names)
    if isinstance(identifier, str):
        key = identifier.strip().lower()
        key = (aliases or {}).get(key, key)
        if key in valid:
            return key
    raise UnknownNameError(f"Unknown {kind} {identifier!r}. Valid names: {', '.join(valid)}.")


def check_positive(value: Any, name: str, allow_zero: bool = False) -> float:
    """Return ``value`` as a float, raising :class:`ConfigError` unless it is > 0 (or >= 0)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a number, got {value!r}.") from None
    ok = number >= 0 if allow_zero else number > 0
    if not ok or not np.isfinite(number):
        bound = ">= 0" if allow_zero else "> 0"
        raise ConfigError(f"{name} must be a finite number {bound}, got {value!r}.")
    return number


def check_int(value: Any, name: str, minimum: int = 1) -> int:
    """Return ``value`` as an int, raising :class:`ConfigError` unless it is >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ConfigError(f"{name} must be a whole number >= {minimum}, got {value!r}.")
    return int(value)
