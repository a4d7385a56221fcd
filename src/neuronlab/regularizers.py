"""Weight penalties with Keras's names: ``L1``, ``L2``, ``L1L2``.

``Dense(4, kernel_regularizer=regularizers.L2(0.01))`` adds ``0.01 * sum(W^2)`` to the
loss, as Keras does (and so ``0.02 * W`` to the gradient). Only the kernel is
penalised, never the bias, as in Keras (micrograd's demo penalises every parameter).

>>> L2(0.01)
L2(l2=0.01)
>>> float(L1L2(l1=0.5, l2=0.25)(__import__("numpy").array([1.0, -2.0])))
2.75
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .checks import check_positive
from .errors import ConfigError


class Regularizer:
    """``penalty(W) = l1 * sum(|W|) + l2 * sum(W^2)``."""

    l1 = 0.0
    l2 = 0.0

    def __call__(self, weights: np.ndarray) -> float:
        return float(self.l1 * np.sum(np.abs(weights)) + self.l2 * np.sum(weights * weights))

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1, "l2": self.l2}

    def __repr__(self) -> str:
        parts = [f"{k}={v!r}" for k, v in self.get_config().items()]
        return f"{type(self).__name__}({', '.join(parts)})"


class L1(Regularizer):
    """``l1 * sum(|W|)`` (Keras's default ``l1=0.01``)."""

    def __init__(self, l1: float = 0.01) -> None:
        self.l1 = check_positive(l1, "L1 l1", allow_zero=True)

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(W^2)`` (Keras's default ``l2=0.01``)."""

    def __init__(self, l2: float = 0.01) -> None:
        self.l2 = check_positive(l2, "L2 l2", allow_zero=True)

    def get_config(self) -> dict[str, Any]:
        return {"l2": self.l2}


class L1L2(Regularizer):
    """``l1 * sum(|W|) + l2 * sum(W^2)`` (both 0 by default, as Keras)."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = check_positive(l1, "L1L2 l1", allow_zero=True)
        self.l2 = check_positive(l2, "L1L2 l2", allow_zero=True)


l1, l2, l1_l2 = L1, L2, L1L2  # Keras's lower-case aliases


def get(identifier: Any) -> Regularizer | None:
    """``None``, a regularizer, or a name (``"l1"``, ``"l2"``, ``"l1_l2"``, Keras's defaults)."""
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    names = {"l1": L1, "l2": L2, "l1_l2": L1L2, "l1l2": L1L2}
    if isinstance(identifier, str) and identifier.strip().lower() in names:
        return names[identifier.strip().lower()]()
    raise ConfigError(f"A regularizer is L1(...), L2(...), L1L2(...) or one of the names "
                      f"'l1', 'l2', 'l1_l2'; got {repr(identifier)[:60]}.")


__all__ = ["L1", "L1L2", "L2", "Regularizer", "get", "l1", "l1_l2", "l2"]
