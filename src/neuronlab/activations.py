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

import functools
import math
from typing import Any, TypeVar

import numpy as np

from .checks import check_call, check_number
from .errors import ConfigError
from .tables import Table

A = TypeVar("A", bound="Activation")


class Activation:
    """A named element-wise function ``y = f(z)`` with its derivative ``f'(z)``.

    ``backward(grad_y, z, y)`` returns ``grad_z``; subclasses override it when the
    derivative is cheaper to write in terms of the output ``y`` (sigmoid, tanh).

    The class attributes are what the rest of neuronlab knows about an activation:
    ``name`` and ``aliases`` (the names it is looked up by), ``description`` (one line
    for help texts and the lab), ``formula`` and ``slope`` (the plot labels for
    ``f(z)`` and ``f'(z)``), ``torch`` (the ``torch.nn`` module computing it, built with
    :meth:`torch_kwargs`), ``kink`` (``f'`` jumps at a corner, which gradient checks
    keep away from), ``elementwise`` (each output depends on its own ``z`` only),
    ``hidden`` (it has a slope worth learning from in a hidden layer) and
    ``output_range`` (the lowest and highest value it can give, for plots' colour scales).
    """

    name = "activation"
    aliases: tuple[str, ...] = ()
    description = ""
    formula = "f(z)"
    slope = "f'(z)"
    torch: str | None = None
    kink = False
    elementwise = True
    hidden = True
    output_range: tuple[float, float] = (-math.inf, math.inf)

    def __new__(cls: type[A], *args: Any, **kwargs: Any) -> A:
        if args or kwargs:  # (copy and pickle call __new__ with none)
            check_call(cls.__name__, cls.__init__, args, kwargs)  # a wrong argument's clear error
        return super().__new__(cls)

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

    def torch_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of the ``torch.nn`` module named by ``torch``."""
        return {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Linear(Activation):
    """Identity: ``f(z) = z``, ``f'(z) = 1``."""

    name = "linear"
    aliases = ("identity", "none")
    description = "identity: z passes through unchanged (outputs of regression)"
    formula, slope = "f(z) = z", "f'(z) = 1"
    torch = "Identity"

    def forward(self, z: np.ndarray) -> np.ndarray:
        return z

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return np.ones_like(z)

    def backward(self, grad_y: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return grad_y


class ReLU(Activation):
    """Rectified linear unit: ``f(z) = max(0, z)``, ``f'(z) = 1 if z > 0 else 0``."""

    name = "relu"
    description = "rectified linear unit max(0, z), the usual choice for hidden layers"
    formula, slope = "f(z) = max(0, z)", "f'(z) = 1 if z > 0 else 0"
    torch = "ReLU"
    output_range = (0.0, math.inf)
    kink = True

    def forward(self, z: np.ndarray) -> np.ndarray:
        return np.maximum(z, 0)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return (z > 0).astype(z.dtype)

    def backward(self, grad_y: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        # f'(z) is 1 where y = max(0, z) > 0 and 0 where y = 0: np.sign(y), in y's dtype
        return grad_y * np.sign(y)


class LeakyReLU(Activation):
    """``f(z) = z if z > 0 else alpha * z``, ``f'(z) = 1 if z > 0 else alpha``.

    ``alpha`` defaults to 0.01, PyTorch's ``LeakyReLU`` slope and the lessons'; Keras 3
    uses 0.2 for ``activation="leaky_relu"`` (0.3 for its ``LeakyReLU`` layer). Give
    ``get("leaky_relu", alpha=0.2)`` for Keras's; ``activations.leaky_relu(x)``, the
    Keras-style function, uses 0.2.
    """

    name = "leaky_relu"
    aliases = ("leakyrelu",)
    description = "ReLU with a small slope (alpha) below 0, so no neuron goes silent"
    formula, slope = "f(z) = z if z > 0 else α·z", "f'(z) = 1 or α"
    torch = "LeakyReLU"
    kink = True

    def __init__(self, alpha: float = 0.01) -> None:
        self.alpha = check_number(alpha, "LeakyReLU alpha", 0, 1, below_maximum=True)

    def forward(self, z: np.ndarray) -> np.ndarray:
        return np.where(z > 0, z, self.alpha * z)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return np.where(z > 0, 1.0, self.alpha).astype(z.dtype)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "alpha": self.alpha}

    def torch_kwargs(self) -> dict[str, Any]:
        return {"negative_slope": self.alpha}

    def __repr__(self) -> str:
        return f"LeakyReLU(alpha={self.alpha})"


class Sigmoid(Activation):
    """Logistic sigmoid: ``f(z) = 1 / (1 + e^-z)``, ``f'(z) = f(z) (1 - f(z))``.

    Computed as ``exp(-log(1 + e^-z))`` with NumPy's ``logaddexp``, the same function
    written so that no exponential can overflow: finite and warning-free for any ``z``
    (even ±1000), and accurate in both tails.
    """

    name = "sigmoid"
    aliases = ("logistic",)
    description = "squashes z into (0, 1): a probability, for a yes/no output"
    formula, slope = "f(z) = 1 / (1 + e^-z)", "f'(z) = f(z)·(1 - f(z))"
    torch = "Sigmoid"
    output_range = (0.0, 1.0)

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
    description = "hyperbolic tangent: squashes z into (-1, 1), centred on 0"
    formula, slope = "f(z) = tanh(z)", "f'(z) = 1 - tanh(z)²"
    torch = "Tanh"
    output_range = (-1.0, 1.0)

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
    description = "1 if z > 0 else 0, the first perceptrons' step (no slope to learn)"
    formula, slope = "f(z) = 1 if z > 0 else 0", "f'(z) = 0 (no slope to learn from)"
    torch = "Step"
    output_range = (0.0, 1.0)
    kink = True
    hidden = False

    def forward(self, z: np.ndarray) -> np.ndarray:
        return (z > 0).astype(np.result_type(z, np.float64) if z.dtype.kind != "f" else z.dtype)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return np.zeros_like(z, dtype=float)


def row_max(z: np.ndarray) -> np.ndarray:
    """``z.max(axis=-1, keepdims=True)`` for a 2-D ``z``, taken down the first axis of a
    transposed copy: NumPy reduces a short last axis one row at a time but compares whole
    rows at once down the first (1.5x faster for 32 rows of 10 classes, 12x for 4,096)."""
    if z.ndim != 2 or len(z) < 8:  # (a few rows: one reduction call is quicker)
        return z.max(axis=-1, keepdims=True)
    return np.ascontiguousarray(z.T).max(axis=0)[:, np.newaxis]


def row_sums(e: np.ndarray) -> np.ndarray:
    """``e.sum(axis=-1, keepdims=True)`` for a 2-D ``e``, as the product ``e @ ones``: one
    BLAS call instead of a reduction per row (the same sum, added up in another order)."""
    if e.ndim != 2:
        return e.sum(axis=-1, keepdims=True)
    return np.dot(e, ones_column(e.shape[1], e.dtype))


@functools.lru_cache(maxsize=64)
def ones_column(n: int, dtype: np.dtype) -> np.ndarray:
    """A shared read-only column of ``n`` ones, for row sums written as products."""
    result = np.ones((n, 1), dtype)
    result.flags.writeable = False
    return result


class Softmax(Activation):
    """Softmax over each row: ``y_i = e^(z_i - max z) / sum_j e^(z_j - max z)``.

    Outputs are positive and each row sums to 1, so they read as class probabilities.
    Shifting by the row maximum changes nothing mathematically and keeps ``e^`` from
    overflowing. The Jacobian is ``dy_i/dz_j = y_i (delta_ij - y_j)``, so
    ``grad_z = y * (grad_y - sum(grad_y * y))`` row by row. ``derivative`` returns
    the diagonal ``y (1 - y)`` for plotting.
    """

    name = "softmax"
    description = "turns a row of scores into class probabilities that sum to 1"
    formula, slope = "softmax([z, 0]) first entry", "its slope: y·(1 - y)"
    torch = "Softmax"
    output_range = (0.0, 1.0)
    elementwise = False
    hidden = False

    def torch_kwargs(self) -> dict[str, Any]:
        return {"dim": 1}

    def forward(self, z: np.ndarray) -> np.ndarray:
        e = np.exp(z - row_max(z))  # e^(z - max z): the same ratios, no overflow
        e /= row_sums(e)  # each row divided by its sum
        return e

    def derivative(self, z: np.ndarray) -> np.ndarray:
        y = self.forward(z)
        return y * (1 - y)

    def backward(self, grad_y: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        return y * (grad_y - (grad_y * y).sum(axis=-1, keepdims=True))


#: Every activation by name; ``get(None)`` means linear.
TABLE: Table[type[Activation]] = Table("activation", base=Activation,
                                       required=("name", "description", "formula"),
                                       default="linear")


def register(cls: type[Activation], replace: bool = False) -> type[Activation]:
    """Add an activation class to the table; use it as a class decorator.

    Its ``name`` and ``aliases`` then work everywhere a name does (``Dense``, the command
    line, the lab, plots, gradient checks, ``to_torch``). It needs a ``name``, a one-line
    ``description`` and its ``formula``; see docs/extending.md.
    """
    return TABLE.register(cls, replace=replace)


unregister = TABLE.unregister


for _cls in (Linear, Step, ReLU, LeakyReLU, Sigmoid, Tanh, Softmax):  # simplest first
    register(_cls)


def names(elementwise: bool | None = None, hidden: bool | None = None) -> tuple[str, ...]:
    """The activations' names, now; ``elementwise``/``hidden`` keep only those that are.

    >>> names(hidden=True)[:5]
    ('linear', 'relu', 'leaky_relu', 'sigmoid', 'tanh')
    """
    return tuple(name for name, cls in zip(TABLE.names(), TABLE.values())
                 if elementwise in (None, cls.elementwise) and hidden in (None, cls.hidden))


def neuron_names() -> tuple[str, ...]:
    """The activations of this table that the pure-Python ``neuron.py`` also computes."""
    from .neuron import ACTIVATIONS

    return tuple(name for name in ACTIVATIONS if name in names(elementwise=True))


def get(identifier: str | Activation | None, **kwargs: Any) -> Activation:
    """Return the activation called ``identifier`` (``None`` means linear), built with
    ``kwargs`` (e.g. ``get("leaky_relu", alpha=0.1)``).

    >>> get("tanh")
    Tanh()
    >>> get("mish")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    neuronlab.errors.UnknownNameError: Unknown activation 'mish'. Valid names: linear, step, ...
    """
    if callable(identifier) and not isinstance(identifier, (str, type, Activation)):
        return _from_function(identifier, kwargs)  # Keras's activations.relu and the like
    activation: Activation = TABLE.get(identifier, **kwargs)
    return activation


def from_config(config: dict[str, Any]) -> Activation:
    """Rebuild an activation from :meth:`Activation.get_config`."""
    activation: Activation = TABLE.from_config(config)
    return activation


# ----------------------------------------------------------------------------------------
# More activations of Keras 3 and PyTorch: the same formulas as torch.nn (checked against
# it, values and gradients, in tests/test_activations_more.py).

_erf = np.frompyfunc(math.erf, 1, 1)  # the error function, exact in float64, element-wise


class ELU(Activation):
    """Exponential linear unit: ``f(z) = z if z > 0 else alpha * (e^z - 1)``,
    ``f'(z) = 1 if z > 0 else alpha * e^z`` (``= f(z) + alpha``)."""

    name = "elu"
    description = "like ReLU above 0, a smooth curve down to -alpha below it"
    formula, slope = "f(z) = z if z > 0 else α·(e^z - 1)", "f'(z) = 1 or α·e^z"
    torch = "ELU"

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = check_number(alpha, "ELU alpha", 0, 100)
        self.kink = self.alpha != 1.0  # f' jumps from alpha to 1 at 0 unless alpha is 1

    @property
    def output_range(self) -> tuple[float, float]:  # type: ignore[override]
        return (-self.alpha, math.inf)

    def forward(self, z: np.ndarray) -> np.ndarray:
        return np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0)))

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return np.where(z > 0, 1.0, self.alpha * np.exp(np.minimum(z, 0))).astype(z.dtype)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "alpha": self.alpha}

    def torch_kwargs(self) -> dict[str, Any]:
        return {"alpha": self.alpha}

    def __repr__(self) -> str:
        return f"ELU(alpha={self.alpha})"


class SELU(Activation):
    """Scaled ELU: ``f(z) = scale * (z if z > 0 else alpha * (e^z - 1))`` with the fixed
    ``alpha = 1.6732632...`` and ``scale = 1.0507009...`` that keep activations at mean 0,
    variance 1 when the weights have variance ``1 / fan_in`` (Keras's ``lecun_normal``,
    which neuronlab does not have)."""

    name = "selu"
    description = "ELU scaled so that activations keep mean 0 and variance 1"
    formula, slope = "f(z) = λ·(z if z > 0 else α·(e^z - 1))", "f'(z) = λ or λ·α·e^z"
    torch = "SELU"
    alpha = 1.6732632423543772848170429916717
    scale = 1.0507009873554804934193349852946
    output_range = (-alpha * scale, math.inf)
    kink = True  # f' jumps from scale * alpha to scale at 0

    def forward(self, z: np.ndarray) -> np.ndarray:
        return self.scale * np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0)))

    def derivative(self, z: np.ndarray) -> np.ndarray:
        slope = np.where(z > 0, 1.0, self.alpha * np.exp(np.minimum(z, 0)))
        return (self.scale * slope).astype(z.dtype)


class GELU(Activation):
    """Gaussian error linear unit: ``f(z) = z * Phi(z)``, ``Phi`` the normal distribution's
    CDF ``0.5 * (1 + erf(z / sqrt(2)))``; ``f'(z) = Phi(z) + z * phi(z)``. The exact form,
    as PyTorch's default and Keras 3's ``gelu(approximate=False)``."""

    name = "gelu"
    description = "z times the chance a standard normal is below z: a smooth ReLU"
    formula, slope = "f(z) = z·Φ(z)", "f'(z) = Φ(z) + z·φ(z)"
    torch = "GELU"
    output_range = (-0.16997120747985495, math.inf)  # its minimum, at z = -0.7518

    @staticmethod
    def cdf(z: np.ndarray) -> np.ndarray:
        erf = np.asarray(_erf(np.asarray(z) / math.sqrt(2.0)), dtype=np.result_type(z, 0.0))
        return 0.5 * (1.0 + erf)

    def forward(self, z: np.ndarray) -> np.ndarray:
        return (z * self.cdf(z)).astype(z.dtype)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        pdf = np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
        return (self.cdf(z) + z * pdf).astype(z.dtype)


class SiLU(Activation):
    """Sigmoid linear unit (swish): ``f(z) = z * sigmoid(z)``,
    ``f'(z) = s + z * s * (1 - s)`` with ``s = sigmoid(z)``."""

    name = "silu"
    aliases = ("swish",)
    description = "z times its own sigmoid (swish): a smooth ReLU that dips below 0"
    formula, slope = "f(z) = z·σ(z)", "f'(z) = σ(z)·(1 + z·(1 - σ(z)))"
    torch = "SiLU"
    output_range = (-0.27846454276105104, math.inf)  # its minimum, at z = -1.2785

    def forward(self, z: np.ndarray) -> np.ndarray:
        return z * Sigmoid().forward(z)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        s = Sigmoid().forward(z)
        return s * (1 + z * (1 - s))


class Softplus(Activation):
    """``f(z) = log(1 + e^z)``, a smooth ReLU; ``f'(z) = sigmoid(z)``. Computed with
    ``logaddexp(0, z)``, which never overflows."""

    name = "softplus"
    description = "log(1 + e^z): a smooth ReLU, always positive"
    formula, slope = "f(z) = log(1 + e^z)", "f'(z) = σ(z)"
    torch = "Softplus"
    output_range = (0.0, math.inf)

    def forward(self, z: np.ndarray) -> np.ndarray:
        return np.logaddexp(0, z).astype(z.dtype)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return Sigmoid().forward(z)


for _more in (ELU, SELU, GELU, SiLU, Softplus):
    register(_more)


# ----------------------------------------------------------------------------------------
# Keras's activation functions, ``keras.activations.relu(x)`` and so on: each takes an
# array and returns f(x). Given as a layer's activation (``Dense(4, activation=relu)``)
# each stands for the activation of the same name, with Keras's settings.


def _array(x: Any) -> np.ndarray:
    """``x`` as a float array (float32 stays float32, integers become float64)."""
    array = np.asarray(x)
    return array.astype(np.result_type(array.dtype, np.float32), copy=False)


def _function(name: str, **settings: Any) -> Any:
    def mark(fn: Any) -> Any:
        fn.activation_name, fn.activation_settings = name, settings
        return fn
    return mark


@_function("relu")
def relu(x: Any, negative_slope: float = 0.0, max_value: float | None = None,
         threshold: float = 0.0) -> np.ndarray:
    """``x`` above ``threshold`` (capped at ``max_value``), ``negative_slope * (x -
    threshold)`` below, as ``keras.activations.relu``."""
    x = _array(x)
    y = np.where(x >= threshold, x, negative_slope * (x - threshold)) + 0.0  # no -0.0
    return np.minimum(y, max_value) if max_value is not None else y


@_function("leaky_relu", alpha=0.2)
def leaky_relu(x: Any, negative_slope: float = 0.2) -> np.ndarray:
    """``x`` above 0, ``negative_slope * x`` below (Keras's default slope 0.2)."""
    return LeakyReLU(negative_slope).forward(_array(x))


def _simple(name: str) -> Any:
    cls = TABLE[name]

    @_function(name)
    def fn(x: Any) -> np.ndarray:
        return cls().forward(_array(x))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"{cls.__doc__.splitlines()[0] if cls.__doc__ else name} (Keras's function)."
    return fn


linear, sigmoid, tanh, selu, silu, softplus = (
    _simple(n) for n in ("linear", "sigmoid", "tanh", "selu", "silu", "softplus"))
swish = silu


@_function("softmax")
def softmax(x: Any, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis`` (the last by default)."""
    x = _array(x)
    return np.moveaxis(Softmax().forward(np.moveaxis(x, axis, -1)), -1, axis)


@_function("elu")
def elu(x: Any, alpha: float = 1.0) -> np.ndarray:
    """``x`` above 0, ``alpha * (e^x - 1)`` below."""
    return ELU(alpha).forward(_array(x))


@_function("gelu")
def gelu(x: Any, approximate: bool = False) -> np.ndarray:
    """``x * Phi(x)`` (``approximate=True``: Keras's tanh approximation)."""
    x = _array(x)
    if approximate:
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    return GELU().forward(x)


def _from_function(identifier: Any, kwargs: dict[str, Any]) -> Activation:
    """The activation a Keras function such as ``activations.relu`` stands for."""
    name = getattr(identifier, "activation_name", None)
    if name is None:
        raise ConfigError(
            f"An activation is a name such as 'relu', an Activation object or one of "
            f"neuronlab.activations' functions (relu, sigmoid, ...), got the function "
            f"{getattr(identifier, '__name__', repr(identifier))!r}, whose derivative "
            "neuronlab does not know. Subclass Activation with forward and derivative, "
            "then register it (see docs/extending.md)."
        )
    return TABLE[name](**{**identifier.activation_settings, **kwargs})
