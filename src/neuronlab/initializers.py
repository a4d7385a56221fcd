"""Weight initializers: where training starts.

Each takes the weight shape ``(units, n_inputs)`` (one row per neuron), a NumPy
random generator and a dtype. Glorot/Xavier keeps the signal's variance steady
through sigmoid and tanh layers (``Var = 2 / (fan_in + fan_out)``); He keeps it
steady through ReLU layers (``Var = 2 / fan_in``).

>>> import numpy as np
>>> w = get("he_normal")((3, 4), np.random.default_rng(0), np.float64)
>>> w.shape
(3, 4)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .validation import canonical_name

Initializer = Callable[[tuple[int, ...], np.random.Generator, Any], np.ndarray]


def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    fan_out = shape[0]
    fan_in = shape[1] if len(shape) > 1 else shape[0]
    return fan_in, fan_out


def zeros(shape: tuple[int, ...], rng: np.random.Generator, dtype: Any) -> np.ndarray:
    """All zeros (the usual bias start)."""
    return np.zeros(shape, dtype=dtype)


def ones(shape: tuple[int, ...], rng: np.random.Generator, dtype: Any) -> np.ndarray:
    """All ones."""
    return np.ones(shape, dtype=dtype)


def glorot_uniform(shape: tuple[int, ...], rng: np.random.Generator, dtype: Any) -> np.ndarray:
    """Uniform on ``[-l, l]`` with ``l = sqrt(6 / (fan_in + fan_out))`` (Glorot & Bengio, 2010)."""
    fan_in, fan_out = _fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def glorot_normal(shape: tuple[int, ...], rng: np.random.Generator, dtype: Any) -> np.ndarray:
    """Normal with ``std = sqrt(2 / (fan_in + fan_out))``."""
    fan_in, fan_out = _fans(shape)
    return (rng.standard_normal(shape) * np.sqrt(2.0 / (fan_in + fan_out))).astype(dtype)


def he_uniform(shape: tuple[int, ...], rng: np.random.Generator, dtype: Any) -> np.ndarray:
    """Uniform on ``[-l, l]`` with ``l = sqrt(6 / fan_in)`` (He et al., 2015), for ReLU."""
    fan_in, _ = _fans(shape)
    limit = np.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def he_normal(shape: tuple[int, ...], rng: np.random.Generator, dtype: Any) -> np.ndarray:
    """Normal with ``std = sqrt(2 / fan_in)``, for ReLU."""
    fan_in, _ = _fans(shape)
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(dtype)


_TABLE: dict[str, Initializer] = {
    "zeros": zeros,
    "ones": ones,
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
}
_ALIASES = {"xavier_uniform": "glorot_uniform", "xavier_normal": "glorot_normal"}

NAMES = tuple(_TABLE)


def get(identifier: str) -> Initializer:
    """Return the initializer called ``identifier`` (``xavier_*`` means ``glorot_*``)."""
    return _TABLE[canonical_name("initializer", identifier, _TABLE, _ALIASES)]
