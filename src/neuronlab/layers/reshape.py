"""Layers without weights that reshape or mask: ``Dropout`` and ``Flatten``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..checks import check_number
from .core import Layer, Shape, as_shape


class Dropout(Layer):
    """Inverted dropout: while training, zero each input with probability ``rate`` and
    scale the survivors by ``1 / (1 - rate)``; at prediction time pass inputs through.

    The scaling keeps each unit's expected value the same in training and prediction.
    Backward lets the gradient through exactly where the input survived.

    >>> import numpy as np
    >>> Dropout(0.5).forward(np.ones((1, 4)), training=False)
    array([[1., 1., 1., 1.]])
    """

    def __init__(self, rate: float, name: str | None = None) -> None:
        super().__init__(name)
        self.rate = check_number(rate, "Dropout rate", 0, 1, below_maximum=True)
        self.rng = np.random.default_rng()  # draws the masks
        self.mask: np.ndarray | None = None  # the latest training forward's mask

    def build(self, input_shape: Shape | int, rng: np.random.Generator | None = None,
              dtype: Any = np.float32) -> None:
        if rng is not None:
            self.rng = rng
        super().build(input_shape, rng, dtype)

    def reseed(self, seed: Any) -> None:
        """Draw the masks from now on from ``numpy.random.default_rng(seed)``."""
        self.rng = np.random.default_rng(seed)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        if not training or self.rate == 0:
            self.mask = None
            return x
        keep = self.rng.random(x.shape) >= self.rate
        self.mask = keep.astype(x.dtype) / (1 - self.rate)  # 0 or 1 / (1 - rate) per input
        return x * self.mask

    def backward(self, grad_out: np.ndarray, need_input_grad: bool = True,
                 grad_is_z: bool = False) -> np.ndarray:
        return grad_out if self.mask is None else grad_out * self.mask

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["rate"] = self.rate
        return config

    def __repr__(self) -> str:
        return f"Dropout({self.rate})"


class Flatten(Layer):
    """One sample of any shape as one row: ``(N, 8, 8, 1) -> (N, 64)``, as NumPy's
    ``x.reshape(len(x), -1)`` (row by row, channels last). It has no weights; backward
    gives the gradient back its input's shape.

    >>> import numpy as np
    >>> Flatten().forward(np.zeros((2, 3, 4, 1))).shape
    (2, 12)
    """

    def __init__(self, input_shape: tuple[int, ...] | None = None,
                 name: str | None = None) -> None:
        super().__init__(name)
        if input_shape is not None:
            self.input_shape = as_shape(input_shape, "Flatten input_shape")

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return (math.prod(input_shape),)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._shape = x.shape
        return x.reshape(len(x), -1)

    def backward(self, grad_out: np.ndarray, need_input_grad: bool = True,
                 grad_is_z: bool = False) -> np.ndarray:
        return grad_out.reshape(self._shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        if self.input_shape is not None:
            config["input_shape"] = list(self.input_shape)
        return config

    def __repr__(self) -> str:
        extra = f"input_shape={self.input_shape}" if self.input_shape else ""
        return f"Flatten({extra})"
