"""Layers: ``Dense`` (many neurons in parallel) and ``Dropout``.

A layer is a few verbs: ``__init__`` stores and checks its settings, ``build`` makes
its weights once the number of inputs is known, ``forward`` computes the output
(caching only what ``backward`` needs), ``backward`` turns the gradient of the loss
with respect to its output into gradients for its parameters and its input.
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np

from . import activations, initializers
from .errors import ConfigError, DataError, NotFittedError, ShapeError
from .validation import check_call, check_int, check_number, check_positive

Parameters = list[tuple[np.ndarray, np.ndarray]]
L = TypeVar("L", bound="Layer")

#: The most weights one Dense layer may hold (units x inputs): 100 million, 400 MB in
#: float32. Larger layers are refused at once instead of filling the memory.
MAX_WEIGHTS = 100_000_000


def weight_array(value: Any, what: str, dtype: Any) -> np.ndarray:
    """``value`` as a finite array of ``dtype``, or a :class:`DataError` saying why not."""
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            array = np.array(value, dtype=np.float64).astype(dtype)
    except (TypeError, ValueError, OverflowError):
        raise DataError(
            f"{what} must be an array of numbers (nested lists of equal length work), got "
            f"{repr(value)[:60]}."
        ) from None
    if not np.isfinite(array).all():
        raise DataError(
            f"{what} must hold finite numbers that fit in {np.dtype(dtype).name}, got NaN, "
            f"infinity or a value too large. Use smaller weights."
        )
    return array


class Layer:
    """Base class. A layer without weights only overrides ``forward`` and ``backward``."""

    n_inputs: int | None = None
    input_shape: tuple[int, ...] | None = None
    dtype: Any = None  # the model's dtype, set when the layer joins a model
    weights_given = False  # True once set_weights gave it weights

    def __new__(cls: type[L], *args: Any, **kwargs: Any) -> L:
        if args or kwargs:  # (copy and pickle call __new__ with none)
            check_call(cls.__name__, cls.__init__, args, kwargs)  # a wrong argument's clear error
        return super().__new__(cls)

    def __init__(self, name: str | None = None) -> None:
        if name is not None and not isinstance(name, str):
            raise ConfigError(f"A layer's name must be a string, got {repr(name)[:60]}.")
        self.name = name
        self.built = False

    def build(self, n_inputs: int, rng: np.random.Generator, dtype: Any = np.float32) -> None:
        self.n_inputs = n_inputs
        self.built = True

    def output_units(self, n_inputs: int) -> int:
        return n_inputs

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad_out: np.ndarray, need_input_grad: bool = True) -> np.ndarray:
        raise NotImplementedError

    def parameters(self) -> Parameters:
        """``(value, gradient)`` pairs: each weight array with its latest gradient."""
        return []

    def penalty(self) -> float:
        """This layer's regularization term added to the loss (0 without L2)."""
        return 0.0

    def get_weights(self) -> list[np.ndarray]:
        return [value.copy() for value, _ in self.parameters()]

    def set_weights(self, weights: list[Any]) -> None:
        if not isinstance(weights, (list, tuple)) or weights:
            raise ShapeError(f"{self!r} has no weights; give it [], got {repr(weights)[:60]}.")

    def count_params(self) -> int:
        return sum(value.size for value, _ in self.parameters())

    def get_config(self) -> dict[str, Any]:
        return {"class_name": type(self).__name__, "name": self.name}


class Dense(Layer):
    """A fully connected layer: ``y = f(x @ W.T + b)``, ``(N, n_inputs) -> (N, units)``.

    ``W`` has one row per neuron, shape ``(units, n_inputs)`` (as PyTorch's Linear),
    ``b`` has shape ``(units,)``. Backward reads like the chain rule::

        grad_z = grad_y * f'(z)
        grad_W = grad_z.T @ x        # (units, n_inputs), summed over the batch
        grad_b = grad_z.sum(0)       # (units,)
        grad_x = grad_z @ W          # (N, n_inputs), handed to the layer before

    >>> import numpy as np
    >>> layer = Dense(3, activation="relu", input_shape=(4,))
    >>> layer.set_weights([[[0.2, 0.8, -0.5, 1.0], [0.5, -0.91, 0.26, -0.5],
    ...                     [-0.26, -0.27, 0.17, 0.87]], [2.0, 3.0, 0.5]])
    >>> layer.forward(np.array([[1.0, 2.0, 3.0, 2.5]])).round(3)
    array([[4.8  , 1.21 , 2.385]])
    """

    def __init__(
        self,
        units: int,
        activation: str | activations.Activation | None = None,
        input_shape: tuple[int, ...] | int | None = None,
        kernel_initializer: str = "glorot_uniform",
        bias_initializer: str = "zeros",
        l2: float = 0.0,
        name: str | None = None,
        l1: float = 0.0,
    ) -> None:
        super().__init__(name)
        self.units = check_int(units, "Dense units", maximum=MAX_WEIGHTS)
        self.activation = activations.get(activation)
        if input_shape is not None:
            if isinstance(input_shape, (int, np.integer)) and not isinstance(input_shape, bool):
                shape: tuple[Any, ...] = (input_shape,)
            elif isinstance(input_shape, (tuple, list)):
                shape = tuple(input_shape)
            else:
                raise ConfigError(f"Dense input_shape must be a tuple such as (4,), got "
                                  f"{repr(input_shape)[:60]}.")
            if len(shape) != 1:
                raise ShapeError(
                    f"Dense takes a flat input_shape like (4,), got {input_shape!r}; "
                    "flatten images to one row of features first."
                )
            self.input_shape = (check_int(shape[0], "input_shape[0]", maximum=MAX_WEIGHTS),)
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        initializers.get(kernel_initializer)
        initializers.get(bias_initializer)
        self.l2 = check_positive(l2, "l2", allow_zero=True)
        self.l1 = check_positive(l1, "l1", allow_zero=True)

    def build(self, n_inputs: int, rng: np.random.Generator, dtype: Any = np.float32) -> None:
        if self.units * n_inputs > MAX_WEIGHTS:
            raise ConfigError(
                f"Dense({self.units}) on {n_inputs:,} inputs would hold "
                f"{self.units * n_inputs:,} weights; neuronlab allows at most "
                f"{MAX_WEIGHTS:,} per layer. Use fewer units or fewer input features."
            )
        shape = (self.units, n_inputs)
        self.W = initializers.get(self.kernel_initializer)(shape, rng, dtype)
        self.b = initializers.get(self.bias_initializer)((self.units,), rng, dtype)
        self.grad_W = np.zeros_like(self.W)
        self.grad_b = np.zeros_like(self.b)
        super().build(n_inputs, rng, dtype)

    def output_units(self, n_inputs: int) -> int:
        return self.units

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        if not self.built:
            self.build(x.shape[1], np.random.default_rng(), x.dtype)
        if x.ndim != 2 or x.shape[1] != self.n_inputs:
            raise ShapeError(
                f"Dense expected {self.n_inputs} input features, got shape {x.shape}; "
                "check the previous layer's units."
            )
        z = x @ self.W.T + self.b  # (N, units): one weighted sum per neuron
        y = self.activation.forward(z)
        self._x, self._z, self._y = x, z, y  # what backward needs
        return y

    def backward(self, grad_y: np.ndarray, need_input_grad: bool = True,
                 grad_is_z: bool = False) -> np.ndarray:
        """From ``grad_y = dL/dy`` (N, units) to ``grad_W``, ``grad_b`` and ``dL/dx`` (N, n_inputs).

        With ``grad_is_z`` the caller hands ``dL/dz`` directly (the fused output gradient
        of :mod:`~neuronlab.losses`). Without ``need_input_grad`` (the first layer, whose
        input is the data) ``dL/dx`` is not computed and ``grad_y`` comes back unchanged.

        >>> import numpy as np
        >>> layer = Dense(1, input_shape=(2,))
        >>> layer.set_weights([[[2.0, -1.0]], [0.5]])
        >>> layer.forward(np.array([[1.0, 3.0]]))
        array([[-0.5]])
        >>> layer.backward(np.array([[1.0]]))  # dL/dx = grad_z @ W
        array([[ 2., -1.]])
        >>> layer.grad_W, layer.grad_b  # grad_z.T @ x, grad_z.sum(0)
        (array([[1., 3.]]), array([1.]))
        """
        if not hasattr(self, "_x"):
            raise NotFittedError("Dense.backward was called before forward.")
        x, z, y, W = self._x, self._z, self._y, self.W
        grad_z = grad_y if grad_is_z else self.activation.backward(grad_y, z, y)
        self.grad_W = grad_z.T @ x  # (units, n_inputs), summed over the batch
        self.grad_b = grad_z.sum(0)  # (units,)
        if self.l2:
            self.grad_W += 2 * self.l2 * W  # the gradient of the penalty l2 * sum(W^2)
        if self.l1:
            self.grad_W += self.l1 * np.sign(W)  # the gradient of the penalty l1 * sum(|W|)
        if not need_input_grad:
            return grad_y
        return grad_z @ W  # (N, n_inputs), handed to the layer before

    def parameters(self) -> Parameters:
        if not self.built:
            return []
        return [(self.W, self.grad_W), (self.b, self.grad_b)]

    def penalty(self) -> float:
        l2 = float(self.l2 * np.sum(self.W * self.W)) if self.l2 and self.built else 0.0
        return l2 + (float(self.l1 * np.sum(np.abs(self.W))) if self.l1 and self.built else 0.0)

    def set_weights(self, weights: list[Any]) -> None:
        """Set ``[W, b]``: ``W`` of shape ``(units, n_inputs)``, ``b`` of shape ``(units,)``."""
        if not isinstance(weights, (list, tuple)) or len(weights) != 2:
            got = f"{len(weights)} array(s)" if isinstance(weights, (list, tuple)) \
                else repr(weights)[:60]
            raise ShapeError(f"Dense.set_weights expects a list [W, b] (2 arrays), got {got}.")
        dtype = self.W.dtype if self.built else (self.dtype or np.float64)
        W = weight_array(weights[0], f"Dense({self.units}) W", dtype)
        b_given = weight_array(weights[1], f"Dense({self.units}) b", dtype)
        b = b_given.reshape(-1) if b_given.ndim else None
        if W.ndim != 2 or W.shape[0] != self.units:
            raise ShapeError(
                f"Dense({self.units}) expects W of shape ({self.units}, n_inputs) - one row "
                f"per neuron - got shape {W.shape}."
            )
        if b is None or b.shape != (self.units,):
            raise ShapeError(
                f"Dense({self.units}) expects b of shape ({self.units},), got "
                f"{np.shape(weights[1])}."
            )
        expected = self.n_inputs or (self.input_shape[0] if self.input_shape else None)
        if expected is not None and W.shape[1] != expected:
            raise ShapeError(
                f"Dense({self.units}) expects W with {expected} columns (one per input), got "
                f"shape {W.shape}."
            )
        if not self.built:
            self.input_shape = (W.shape[1],)
            self.build(W.shape[1], np.random.default_rng(0), dtype)
        self.W[...] = W
        self.b[...] = b
        self.weights_given = True

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            units=self.units,
            activation=self.activation.get_config(),
            input_shape=list(self.input_shape) if self.input_shape else None,
            kernel_initializer=self.kernel_initializer,
            bias_initializer=self.bias_initializer,
            l2=self.l2,
        )
        if self.l1:  # only when used, so saved files without L1 keep their old config
            config["l1"] = self.l1
        return config

    def __repr__(self) -> str:
        extra = f", input_shape={self.input_shape}" if self.input_shape else ""
        return f"Dense({self.units}, activation={self.activation.name!r}{extra})"


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

    def build(self, n_inputs: int, rng: np.random.Generator, dtype: Any = np.float32) -> None:
        self.rng = rng
        super().build(n_inputs, rng, dtype)

    def reseed(self, seed: Any) -> None:
        """Draw the masks from now on from ``numpy.random.default_rng(seed)``."""
        self.rng = np.random.default_rng(seed)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        if not training or self.rate == 0:
            self._mask = None
            return x
        keep = self.rng.random(x.shape) >= self.rate
        self._mask = keep.astype(x.dtype) / (1 - self.rate)
        return x * self._mask

    def backward(self, grad_out: np.ndarray, need_input_grad: bool = True) -> np.ndarray:
        mask = getattr(self, "_mask", None)
        return grad_out if mask is None else grad_out * mask

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["rate"] = self.rate
        return config

    def __repr__(self) -> str:
        return f"Dropout({self.rate})"


LAYERS: dict[str, type[Layer]] = {"Dense": Dense, "Dropout": Dropout}


def from_config(config: dict[str, Any]) -> Layer:
    """Rebuild a layer from :meth:`Layer.get_config`."""
    if not isinstance(config, dict):
        raise ConfigError(f"A layer config is a dict from get_config(), got {repr(config)[:60]}.")
    config = dict(config)
    kind = config.pop("class_name", "")
    cls = LAYERS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ConfigError(f"Unknown layer class {kind!r} in config; known: {', '.join(LAYERS)}.")
    if cls is Dense and isinstance(config.get("activation"), dict):
        config["activation"] = activations.from_config(config["activation"])
    return cls(**config)
