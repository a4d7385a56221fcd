"""Activation functions, each a forward/derivative pair, looked up by name.

An activation turns a neuron's weighted sum ``z`` into its output ``y = f(z)``.
Backpropagation needs its derivative ``f'(z)``: the gradient reaching ``z`` is
``grad_z = grad_y * f'(z)`` (softmax, whose outputs depend on each other, uses its
full Jacobian instead).

>>> import numpy as np
>>> get("relu")(np.array([-1.0, 2.0]))
array([0., 2.])
>>> float(get("sigmoid")(np.array(0.0)))
0.5
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import ConfigError
from .validation import canonical_name


class Activation:
    """A named element-wise function ``y = f(z)`` with its derivative ``f'(z)``.

    ``backward(grad_y, z, y)`` returns ``grad_z``; subclasses override it when the
    derivative is cheaper to write in terms of the output ``y`` (sigmoid, tanh).
    """

    name = "activation"

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.forward(z)

    def forward(self, z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad_y: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return grad_y * self.derivative(z)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name}

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Linear(Activation):
    """Identity: ``f(z) = z``, ``f'(z) = 1``."""

    name = "linear"

    def forward(self, z: np.ndarray) -> np.ndarray:
        return z

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return np.ones_like(z)

    def backward(self, grad_y: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return grad_y


class ReLU(Activation):
    """Rectified linear unit: ``f(z) = max(0, z)``, ``f'(z) = 1 if z > 0 else 0``."""

    name = "relu"

    def forward(self, z: np.ndarray) -> np.ndarray:
        return np.maximum(z, 0)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return (z > 0).astype(z.dtype)

    def backward(self, grad_y: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return grad_y * (y > 0)


class LeakyReLU(Activation):
    """``f(z) = z if z > 0 else alpha * z``, ``f'(z) = 1 if z > 0 else alpha``."""

    name = "leaky_relu"

    def __init__(self, alpha: float = 0.01) -> None:
        if not 0 <= alpha < 1:
            raise ConfigError(f"LeakyReLU alpha must be in [0, 1), got {alpha!r}.")
        self.alpha = float(alpha)

    def forward(self, z: np.ndarray) -> np.ndarray:
        return np.where(z > 0, z, self.alpha * z)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return np.where(z > 0, 1.0, self.alpha).astype(z.dtype)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "alpha": self.alpha}

    def __repr__(self) -> str:
        return f"LeakyReLU(alpha={self.alpha})"


class Sigmoid(Activation):
    """Logistic sigmoid: ``f(z) = 1 / (1 + e^-z)``, ``f'(z) = f(z) (1 - f(z))``.

    Computed as ``exp(-log(1 + e^-z))`` with NumPy's ``logaddexp``, the same function
    written so that no exponential can overflow: finite and warning-free for any ``z``
    (even ±1000), and accurate in both tails.
    """

    name = "sigmoid"

    def forward(self, z: np.ndarray) -> np.ndarray:
        y = np.asarray(np.negative(z))  # a 0-d z gives a NumPy scalar, which out= refuses
        np.logaddexp(0, y, out=y)
        np.negative(y, out=y)
        np.exp(y, out=y)
        return y

    def derivative(self, z: np.ndarray) -> np.ndarray:
        s = self.forward(z)
        return s * (1 - s)

    def backward(self, grad_y: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return grad_y * y * (1 - y)


class Tanh(Activation):
    """Hyperbolic tangent: ``f(z) = tanh(z)``, ``f'(z) = 1 - tanh(z)^2``."""

    name = "tanh"

    def forward(self, z: np.ndarray) -> np.ndarray:
        return np.tanh(z)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return 1 - np.tanh(z) ** 2

    def backward(self, grad_y: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return grad_y * (1 - y * y)


class Step(Activation):
    """Heaviside step: ``f(z) = 1 if z > 0 else 0``; its derivative is 0 everywhere.

    The step of the first perceptrons: it makes a neuron a logic gate, but with a
    zero gradient it cannot be trained by backpropagation.
    """

    name = "step"

    def forward(self, z: np.ndarray) -> np.ndarray:
        return (z > 0).astype(np.result_type(z, np.float64) if z.dtype.kind != "f" else z.dtype)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return np.zeros_like(z, dtype=float)


class Softmax(Activation):
    """Softmax over each row: ``y_i = e^(z_i - max z) / sum_j e^(z_j - max z)``.

    Outputs are positive and each row sums to 1, so they read as class probabilities.
    Shifting by the row maximum changes nothing mathematically and keeps ``e^`` from
    overflowing. The Jacobian is ``dy_i/dz_j = y_i (delta_ij - y_j)``, so
    ``grad_z = y * (grad_y - sum(grad_y * y))`` row by row. ``derivative`` returns
    the diagonal ``y (1 - y)`` for plotting.
    """

    name = "softmax"

    def forward(self, z: np.ndarray) -> np.ndarray:
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        e /= e.sum(axis=-1, keepdims=True)
        return e

    def derivative(self, z: np.ndarray) -> np.ndarray:
        y = self.forward(z)
        return y * (1 - y)

    def backward(self, grad_y: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return y * (grad_y - (grad_y * y).sum(axis=-1, keepdims=True))


_TABLE: dict[str, type[Activation]] = {
    "linear": Linear,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "step": Step,
    "softmax": Softmax,
}
_ALIASES = {
    "identity": "linear",
    "none": "linear",
    "logistic": "sigmoid",
    "leakyrelu": "leaky_relu",
}

NAMES = tuple(_TABLE)


def get(identifier: str | Activation | None) -> Activation:
    """Return the activation called ``identifier`` (``None`` means linear).

    >>> get("tanh")
    Tanh()
    >>> get("swish")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    neuronlab.errors.UnknownNameError: Unknown activation 'swish'. Valid names: linear, relu, ...
    """
    if identifier is None:
        return Linear()
    if isinstance(identifier, Activation):
        return identifier
    return _TABLE[canonical_name("activation", identifier, _TABLE, _ALIASES)]()


def from_config(config: dict[str, Any]) -> Activation:
    """Rebuild an activation from :meth:`Activation.get_config`."""
    params = {k: v for k, v in config.items() if k != "name"}
    activation = get(config["name"])
    return type(activation)(**params) if params else activation
