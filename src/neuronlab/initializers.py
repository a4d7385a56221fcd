"""Weight initializers: where training starts.

Each takes the weight shape, a NumPy random generator and a dtype: ``(units, n_inputs)``
for Dense (one row per neuron), ``(filters, kh, kw, channels)`` for Conv2D. A weight's
fans are counted as Keras and PyTorch count them: ``fan_in`` is how many inputs one output
adds up (``n_inputs``, or ``kh * kw * channels``), ``fan_out`` how many outputs one input
reaches (``units``, or ``filters * kh * kw``). Glorot/Xavier keeps the signal's variance
roughly steady through tanh (and linear) layers (``Var = 2 / (fan_in + fan_out)``); He
keeps it steady through ReLU layers (``Var = 2 / fan_in``).

>>> import numpy as np
>>> w = get("he_normal")((3, 4), np.random.default_rng(0), np.float64)
>>> w.shape
(3, 4)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .tables import Table

Initializer = Callable[[tuple[int, ...], np.random.Generator, Any], np.ndarray]


@dataclass(frozen=True)
class Entry:
    """An initializer in the table: its name, the function, one line about it, PyTorch's
    twin."""

    name: str
    function: Initializer
    description: str
    torch: str | None  # the torch.nn.init function that fills a tensor the same way
    aliases: tuple[str, ...] = ()


TABLE: Table[Entry] = Table("initializer", required=("name", "description"))


def register(torch: str | None = None, aliases: Iterable[str] = (),
             replace: bool = False) -> Callable[[Initializer], Initializer]:
    """A decorator adding an initializer function to the table under its own name.

    The first line of its docstring is its description.
    """
    def add(function: Initializer) -> Initializer:
        description = (function.__doc__ or "").strip().split("\n")[0]
        TABLE.register(Entry(function.__name__, function, description, torch, tuple(aliases)),
                       replace=replace)
        return function
    return add


unregister = TABLE.unregister


def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of ``shape`` (outputs first, as above)."""
    if len(shape) < 2:
        return shape[0], shape[0]
    window = int(np.prod(shape[1:-1]))  # kh * kw for a kernel, 1 for a Dense W
    return window * shape[-1], shape[0] * window


@register(torch="zeros_")
def zeros(shape: tuple[int, ...], rng: np.random.Generator, dtype: Any) -> np.ndarray:
    """All zeros (the usual bias start)."""
    return np.zeros(shape, dtype=dtype)


@register(torch="ones_")
def ones(shape: tuple[int, ...], rng: np.random.Generator, dtype: Any) -> np.ndarray:
    """All ones."""
    return np.ones(shape, dtype=dtype)


@register(torch="xavier_uniform_", aliases=("xavier_uniform",))
def glorot_uniform(shape: tuple[int, ...], rng: np.random.Generator, dtype: Any) -> np.ndarray:
    """Uniform on ``[-l, l]`` with ``l = sqrt(6 / (fan_in + fan_out))`` (Glorot & Bengio, 2010)."""
    fan_in, fan_out = _fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


@register(torch="xavier_normal_", aliases=("xavier_normal",))
def glorot_normal(shape: tuple[int, ...], rng: np.random.Generator, dtype: Any) -> np.ndarray:
    """Normal with ``std = sqrt(2 / (fan_in + fan_out))``."""
    fan_in, fan_out = _fans(shape)
    return (rng.standard_normal(shape) * np.sqrt(2.0 / (fan_in + fan_out))).astype(dtype)


@register(torch="kaiming_uniform_")
def he_uniform(shape: tuple[int, ...], rng: np.random.Generator, dtype: Any) -> np.ndarray:
    """Uniform on ``[-l, l]`` with ``l = sqrt(6 / fan_in)`` (He et al., 2015), for ReLU."""
    fan_in, _ = _fans(shape)
    limit = np.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


@register(torch="kaiming_normal_")
def he_normal(shape: tuple[int, ...], rng: np.random.Generator, dtype: Any) -> np.ndarray:
    """Normal with ``std = sqrt(2 / fan_in)``, for ReLU."""
    fan_in, _ = _fans(shape)
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(dtype)


def names() -> tuple[str, ...]:
    """The initializers' names, now."""
    return TABLE.names()


def get(identifier: str) -> Initializer:
    """Return the initializer called ``identifier`` (``xavier_*`` means ``glorot_*``)."""
    entry: Entry = TABLE.get(identifier)
    return entry.function
