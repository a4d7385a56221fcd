"""Layers: the protocol every layer follows, and ``Dense`` (``Dropout`` and ``Flatten``
are in :mod:`neuronlab.layers.reshape`).

A layer is a few verbs, as in Keras: ``__init__`` stores and checks its settings,
``build(input_shape)`` makes its weights once the shape of one sample is known (the
weights it declares in :meth:`Layer.weight_specs`, each a name, a shape and an
initializer), ``compute_output_shape`` says what shape comes out, ``forward`` computes
the output (caching only what ``backward`` needs), ``backward`` turns the gradient of
the loss with respect to its output into gradients for its weights and its input.

Everything that handles weights (``get_weights``/``set_weights``, saving, ``summary``,
gradient checks, diagrams) iterates over the declared weights, so a new layer is one
class here: see :mod:`neuronlab.layers.conv` for ``Conv2D`` and ``MaxPool2D``.
(``to_torch`` also needs to know the layer's PyTorch module: one entry in
:mod:`neuronlab.torch_bridge`.)
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np

from .. import activations, initializers
from ..checks import check_call, check_int, check_positive
from ..errors import ConfigError, DataError, NotFittedError, ShapeError
from .products import column_sums, matmul_into

Parameters = list[tuple[np.ndarray, np.ndarray]]
Shape = tuple[int, ...]
WeightSpec = tuple[str, Shape, str]  # (name, shape, initializer)
L = TypeVar("L", bound="Layer")

#: The most weights one Dense layer may hold (units x inputs): 100 million, 400 MB in
#: float32. Larger layers are refused at once instead of filling the memory.
MAX_WEIGHTS = 100_000_000


def as_shape(input_shape: Any, what: str) -> Shape:
    """``input_shape`` (an int, or a tuple/list of ints >= 1) as a tuple of ints."""
    if isinstance(input_shape, (int, np.integer)) and not isinstance(input_shape, bool):
        items: tuple[Any, ...] = (input_shape,)
    elif isinstance(input_shape, (tuple, list)) and input_shape:
        items = tuple(input_shape)
    else:
        raise ConfigError(f"{what} must be a tuple of sizes such as (4,) or (28, 28, 1), got "
                          f"{repr(input_shape)[:60]}.")
    return tuple(check_int(n, f"{what} entry", maximum=MAX_WEIGHTS) for n in items)


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


#: The names a layer's weights and their gradients go by (made by build).
_WEIGHT_ATTRIBUTES = frozenset({"W", "b", "kernel", "bias", "grad_W", "grad_b", "grad_kernel",
                                "grad_bias"})


class Layer:
    """Base class of every layer (Keras's ``Layer`` protocol, in small).

    A layer without weights overrides ``forward``, ``backward`` and, if it changes the
    shape, ``compute_output_shape``. A layer with weights also lists them in
    :meth:`weight_names` and :meth:`weight_specs`; ``build`` then makes each with
    :meth:`add_weight` (``self.<name>`` holds the value, ``self.grad_<name>`` its
    gradient), and ``parameters``, ``get_weights``, ``set_weights`` and ``count_params``
    work from that list.
    """

    n_inputs: int | None = None  # the width of a flat input (None for images)
    input_shape: tuple[int, ...] | None = None  # the shape of one sample, given by the user
    built_shape: tuple[int, ...] | None = None  # the shape of one sample it was built for
    dtype: Any = None  # the model's dtype, set when the layer joins a model
    weights_given = False  # True once set_weights gave it weights
    activation: activations.Activation | None = None  # applied last, if the layer has one
    z: np.ndarray | None = None  # the latest forward's pre-activations, if it has them
    fully_connected = False  # True for a layer of neurons each seeing every input (Dense)
    trainable = True  # False freezes the layer: fit leaves its weights as they are
    owner: Any = None  # a weak reference to the model holding this layer, set by the model

    def __new__(cls: type[L], *args: Any, **kwargs: Any) -> L:
        if args or kwargs:  # (copy and pickle call __new__ with none)
            check_call(cls.__name__, cls.__init__, args, kwargs)  # a wrong argument's clear error
        return super().__new__(cls)

    def __init__(self, name: str | None = None) -> None:
        if name is not None and not isinstance(name, str):
            raise ConfigError(f"A layer's name must be a string, got {repr(name)[:60]}.")
        self.name = name
        self.built = False

    def __call__(self, x: Any, training: bool = False) -> Any:
        """``layer(x)``, as in Keras: on an ``Input`` (or what layers called on one give)
        it adds this layer to the chain (the Functional API, see ``Model``); on an array
        it computes the layer's output, building its weights first if needed."""
        if getattr(x, "symbolic", False):  # an Input, or what layers called on one gave
            return x.then(self)
        array = np.asarray(x, dtype=self.dtype or np.float64) if not isinstance(x, np.ndarray) \
            or x.dtype.kind != "f" else x
        if not self.built and self.weight_names():
            self.build(array.shape[1:], None, array.dtype)
        return self.forward(array, training)

    # ------------------------------------------------------------------ shapes
    def compute_output_shape(self, input_shape: Shape) -> Shape:
        """The shape of one output sample for one input sample of ``input_shape``."""
        return tuple(input_shape)

    def output_units(self, n_inputs: int) -> int:
        """The output width for a flat input of ``n_inputs`` features."""
        return self.compute_output_shape((n_inputs,))[-1]

    # ------------------------------------------------------------------ weights
    def weight_names(self) -> tuple[str, ...]:
        """The names of the weights this layer declares, in order (known before build)."""
        return ()

    def weight_specs(self, input_shape: Shape) -> list[WeightSpec]:
        """``(name, shape, initializer)`` of each weight, for one sample of ``input_shape``."""
        return []

    def add_weight(self, name: str, shape: Shape, initializer: str, rng: np.random.Generator,
                   dtype: Any) -> np.ndarray:
        """Make the weight ``self.<name>`` (drawn by ``initializer``) and its gradient
        ``self.grad_<name>`` (zeros)."""
        value = initializers.get(initializer)(shape, rng, dtype)
        setattr(self, name, value)
        setattr(self, "grad_" + name, np.zeros_like(value))
        return value

    def build(self, input_shape: Shape | int, rng: np.random.Generator | None = None,
              dtype: Any = np.float32) -> None:
        """Make the declared weights for one input sample of ``input_shape`` (an int means
        a flat input of that many features)."""
        shape = as_shape(input_shape, f"{type(self).__name__} input_shape")
        rng = rng if rng is not None else np.random.default_rng()
        self.check_input_shape(shape)
        for name, weight_shape, initializer in self.weight_specs(shape):
            self.add_weight(name, weight_shape, initializer, rng, dtype)
        self.built_shape = shape
        self.n_inputs = shape[0] if len(shape) == 1 else None
        self.built = True

    def check_input_shape(self, input_shape: Shape) -> None:
        """Raise :class:`ShapeError` (what was expected, what came, how to fix) if this
        layer cannot take samples of ``input_shape``."""

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad_out: np.ndarray, need_input_grad: bool = True,
                 grad_is_z: bool = False) -> np.ndarray:
        """``dL/dx`` from ``dL/dy``; with ``grad_is_z`` the caller hands ``dL/dz``, the
        gradient before this layer's activation (the fused output gradient)."""
        raise NotImplementedError

    def preactivation(self, x: np.ndarray) -> np.ndarray | None:
        """``z`` (before the activation) for input ``x``, or None for a layer without one."""
        return None

    def kink_signs(self, x: np.ndarray) -> list[np.ndarray]:
        """Signs that say on which side of a kink the layer is for input ``x`` (its
        pre-activations for a ReLU-like activation); gradient checks skip a nudge that
        flips one."""
        z = self.preactivation(x) if self.activation is not None and \
            self.activation.kink else None
        return [] if z is None else [np.sign(z)]

    def parameters(self) -> Parameters:
        """``(value, gradient)`` pairs: each weight array with its latest gradient."""
        if not self.built:
            return []
        return [(getattr(self, n), getattr(self, "grad_" + n)) for n in self.weight_names()]

    def named_weights(self) -> list[tuple[str, np.ndarray]]:
        """``(name, value)`` of each weight, in order."""
        if not self.built:
            return []
        return [(n, getattr(self, n)) for n in self.weight_names()]

    def penalty(self) -> float:
        """This layer's regularization term added to the loss (0 without L2)."""
        return 0.0

    def __getattr__(self, name: str) -> Any:
        """A weight asked for before it exists (``model.layers[0].W`` right after
        ``Sequential([Dense(4, input_shape=(3,)), ...])``): made first, as in Keras."""
        owner = self.__dict__.get("owner")
        if name in _WEIGHT_ATTRIBUTES and owner is not None and not self.__dict__.get("built"):
            self.ensure_built()
            if name in self.__dict__:
                return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def ensure_built(self) -> None:
        """Ask the model holding this layer to make the weights if the input shape is known
        (so a layer of ``Sequential([Dense(4, input_shape=(3,)), ...])`` has its weights
        as soon as it is asked for them, as in Keras)."""
        model = self.owner() if self.owner is not None else None
        if not self.built and model is not None and model.input_shape is not None:
            model.build()

    # Two views of the same weights: neuronlab's, as the lessons draw them (Dense's W one
    # row per neuron), and Keras's, under Keras's names (kernel inputs x units = W.T).
    def get_neuron_weights(self) -> list[np.ndarray]:
        """Copies of the declared weights in neuronlab's layout (``[W, b]`` for Dense,
        ``W`` one row per neuron)."""
        self.ensure_built()
        return [value.copy() for value, _ in self.parameters()]

    def to_keras_layout(self, name: str, value: np.ndarray) -> np.ndarray:
        """The weight ``name`` in Keras's layout (the same for most weights)."""
        return value

    def from_keras_layout(self, name: str, value: np.ndarray) -> np.ndarray:
        """A weight given in Keras's layout, in neuronlab's."""
        return value

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the weights in Keras's layout, as ``keras.layers.Layer.get_weights``
        (Dense: ``[kernel (inputs, units), bias]``)."""
        return [self.to_keras_layout(name, value) for name, value in
                zip(self.weight_names(), self.get_neuron_weights())]

    @property
    def weights(self) -> list[np.ndarray]:
        """Keras's ``layer.weights``: :meth:`get_weights` once built, ``[]`` before
        (copies: change them with :meth:`set_weights`)."""
        return self.get_weights() if self.built else []

    @property
    def trainable_weights(self) -> list[np.ndarray]:
        return self.weights if self.trainable else []

    @property
    def non_trainable_weights(self) -> list[np.ndarray]:
        return [] if self.trainable else self.weights

    def set_weights(self, weights: list[Any]) -> None:
        """Set the weights from Keras's layout (Dense: ``[kernel (inputs, units), bias]``)."""
        names = self.weight_names()
        if not isinstance(weights, (list, tuple)) or len(weights) != len(names):
            self.set_neuron_weights(weights)  # its error says what is expected
            return
        self.ensure_built()  # (a layer alone builds from its input_shape, as Keras's does)
        if not self.built and self.input_shape is not None:
            self.build(self.input_shape, np.random.default_rng(0), self.dtype or np.float64)
        converted = []
        for name, value in zip(names, weights):
            array = weight_array(value, f"{self!r} {name}", self.dtype or np.float64)
            own = getattr(self, name) if self.built else None
            if own is not None and array.shape != self.to_keras_layout(name, own).shape:
                raise ShapeError(f"{self!r}.set_weights takes Keras's layout: {name} of shape "
                                 f"{self.to_keras_layout(name, own).shape}, got {array.shape}"
                                 f"; for neuronlab's layout {own.shape} use set_neuron_weights.")
            converted.append(self.from_keras_layout(name, array))
        self.set_neuron_weights(converted)

    def set_neuron_weights(self, weights: list[Any]) -> None:
        """Set the declared weights in neuronlab's layout, in order, each of its declared
        shape."""
        names = self.weight_names()
        if not names:
            if not isinstance(weights, (list, tuple)) or weights:
                raise ShapeError(f"{self!r} has no weights; give it [], got "
                                 f"{repr(weights)[:60]}.")
            return
        if not isinstance(weights, (list, tuple)) or len(weights) != len(names):
            got = f"{len(weights)} array(s)" if isinstance(weights, (list, tuple)) \
                else repr(weights)[:60]
            raise ShapeError(f"{type(self).__name__}.set_weights expects a list "
                             f"[{', '.join(names)}] ({len(names)} arrays), got {got}.")
        if not self.built:
            if self.input_shape is None:
                raise NotFittedError(
                    f"{self!r} does not know its input shape, so its weights' shapes are "
                    f"unknown. Give it input_shape=..., or put it in a model and build it first."
                )
            self.build(self.input_shape, np.random.default_rng(0), self.dtype or np.float64)
        arrays = []
        for name, value in zip(names, weights):
            current = getattr(self, name)
            array = weight_array(value, f"{self!r} {name}", current.dtype)
            if array.shape != current.shape:
                raise ShapeError(f"{self!r} expects {name} of shape {current.shape}, got "
                                 f"shape {array.shape}.")
            arrays.append(array)
        for name, array in zip(names, arrays):
            getattr(self, name)[...] = array
        self.weights_given = True

    def count_params(self) -> int:
        self.ensure_built()
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
    >>> layer.set_neuron_weights([[[0.2, 0.8, -0.5, 1.0], [0.5, -0.91, 0.26, -0.5],
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
        use_bias: bool = True,
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        input_dim: int | None = None,
    ) -> None:
        super().__init__(name)
        self.units = check_int(units, "Dense units", maximum=MAX_WEIGHTS)
        self.activation = activations.get(activation)
        if input_dim is not None:  # Keras's input_dim=n means input_shape=(n,)
            if input_shape is not None:
                raise ConfigError("Give Dense either input_shape=(n,) or input_dim=n, not both.")
            input_shape = (check_int(input_dim, "Dense input_dim", maximum=MAX_WEIGHTS),)
        if not isinstance(use_bias, bool):
            raise ConfigError(f"Dense use_bias must be True or False, got {use_bias!r}.")
        self.use_bias = use_bias
        if bias_regularizer is not None:
            raise ConfigError("Dense bias_regularizer is not available: neuronlab penalises "
                              "the kernel only (kernel_regularizer=...), as most Keras models do.")
        if kernel_regularizer is not None:  # Keras's L1/L2 objects: the same l1/l2 penalty
            from .. import regularizers

            regularizer = regularizers.get(kernel_regularizer)
            if l1 or l2:
                raise ConfigError("Give Dense either l1=/l2= or kernel_regularizer=, not both.")
            l1, l2 = getattr(regularizer, "l1", 0.0), getattr(regularizer, "l2", 0.0)
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

    fully_connected = True
    activation: activations.Activation
    x: np.ndarray | None = None  # the latest forward's input (N, n_inputs),
    y: np.ndarray | None = None  # its outputs f(z) (N, units): with z, what backward needs
    grad_y: np.ndarray | None = None  # the latest backward's dL/dy (None: handed dL/dz)
    grad_z: np.ndarray | None = None  # and its dL/dz (N, units)
    W: np.ndarray  # (units, n_inputs), made by build
    b: np.ndarray  # (units,)
    grad_W: np.ndarray
    grad_b: np.ndarray

    def weight_names(self) -> tuple[str, ...]:
        return ("W", "b") if self.use_bias else ("W",)

    def weight_specs(self, input_shape: Shape) -> list[WeightSpec]:
        n_inputs = input_shape[0]
        specs: list[WeightSpec] = [("W", (self.units, n_inputs), self.kernel_initializer)]
        if self.use_bias:
            specs.append(("b", (self.units,), self.bias_initializer))
        return specs

    def build(self, input_shape: Shape | int, rng: np.random.Generator | None = None,
              dtype: Any = np.float32) -> None:
        super().build(input_shape, rng, dtype)
        if not self.use_bias:  # no bias: b stays 0 (not a weight, never trained)
            self.b = np.zeros(self.units, dtype=self.W.dtype)
            self.grad_b = np.zeros_like(self.b)

    def check_input_shape(self, input_shape: Shape) -> None:
        if len(input_shape) != 1:
            raise ShapeError(
                f"Dense({self.units}) takes flat samples of shape (n_features,), got samples of "
                f"shape {input_shape}; put a Flatten() layer before it."
            )
        n_inputs = input_shape[0]
        if self.units * n_inputs > MAX_WEIGHTS:
            raise ConfigError(
                f"Dense({self.units}) on {n_inputs:,} inputs would hold "
                f"{self.units * n_inputs:,} weights; neuronlab allows at most "
                f"{MAX_WEIGHTS:,} per layer. Use fewer units or fewer input features."
            )

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return (self.units,)

    def preactivation(self, x: np.ndarray) -> np.ndarray | None:
        return x @ self.W.T + self.b

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        if x.ndim != 2 or x.shape[1] != self.n_inputs:  # not built yet, or a wrong shape
            self.build_for(x)
        z = np.dot(x, self.W.T)  # z = x @ W.T + b: one weighted sum per neuron, (N, units)
        z += self.b
        y = self.activation.forward(z)
        self.x, self.z, self.y = x, z, y  # kept for backward (and for anyone looking)
        return y

    def build_for(self, x: np.ndarray) -> None:
        """Make the weights for inputs like ``x`` if there are none yet, else raise the
        :class:`ShapeError` of inputs of the wrong shape."""
        if not self.built and x.ndim == 2:
            self.build(x.shape[1], np.random.default_rng(), x.dtype)
            return
        raise ShapeError(
            f"Dense expected {self.n_inputs} input features, got shape {x.shape}; "
            "check the previous layer's units."
        )

    def backward(self, grad_y: np.ndarray, need_input_grad: bool = True,
                 grad_is_z: bool = False) -> np.ndarray:
        """From ``grad_y = dL/dy`` (N, units) to ``grad_W``, ``grad_b`` and ``dL/dx`` (N, n_inputs).

        With ``grad_is_z`` the caller hands ``dL/dz`` directly (the fused output gradient
        of :mod:`~neuronlab.losses`). Without ``need_input_grad`` (the first layer, whose
        input is the data) ``dL/dx`` is not computed and ``grad_y`` comes back unchanged.

        >>> import numpy as np
        >>> layer = Dense(1, input_shape=(2,))
        >>> layer.set_neuron_weights([[[2.0, -1.0]], [0.5]])
        >>> layer.forward(np.array([[1.0, 3.0]]))
        array([[-0.5]])
        >>> layer.backward(np.array([[1.0]]))  # dL/dx = grad_z @ W
        array([[ 2., -1.]])
        >>> layer.grad_W, layer.grad_b  # grad_z.T @ x, grad_z.sum(0)
        (array([[1., 3.]]), array([1.]))
        """
        x, z, y, W = self.x, self.z, self.y, self.W
        if x is None or z is None or y is None:
            raise NotFittedError("Dense.backward was called before forward.")
        grad_z = grad_y if grad_is_z else self.activation.backward(grad_y, z, y)
        self.grad_y, self.grad_z = (None if grad_is_z else grad_y), grad_z  # kept to look at
        # written into the gradient arrays the layer owns (no new array per step)
        matmul_into(grad_z.T, x, out=self.grad_W)  # grad_W = grad_z.T @ x, summed over the batch
        if self.use_bias:
            column_sums(grad_z, out=self.grad_b)  # grad_b = grad_z.sum(0)
        if self.l2:
            self.grad_W += 2 * self.l2 * W  # the gradient of the penalty l2 * sum(W^2)
        if self.l1:
            self.grad_W += self.l1 * np.sign(W)  # the gradient of the penalty l1 * sum(|W|)
        if not need_input_grad:
            return grad_y
        return np.dot(grad_z, W)  # grad_x = grad_z @ W, (N, n_inputs), for the layer before

    def penalty(self) -> float:
        if not (self.l2 or self.l1):
            return 0.0
        l2 = float(self.l2 * np.sum(self.W * self.W)) if self.l2 and self.built else 0.0
        return l2 + (float(self.l1 * np.sum(np.abs(self.W))) if self.l1 and self.built else 0.0)

    def to_keras_layout(self, name: str, value: np.ndarray) -> np.ndarray:
        return value.T if name == "W" else value  # Keras's kernel is (n_inputs, units)

    def from_keras_layout(self, name: str, value: np.ndarray) -> np.ndarray:
        if name == "W" and (value.ndim != 2 or value.shape[1] != self.units):
            raise ShapeError(
                f"Dense({self.units}).set_weights takes Keras's layout: [kernel, bias] with "
                f"kernel of shape (n_inputs, {self.units}), one column per neuron; got shape "
                f"{value.shape}. (neuronlab's W, one row per neuron, is set with "
                "set_neuron_weights([W, b]).)"
            )
        return value.T if name == "W" else value

    @property
    def kernel(self) -> np.ndarray:
        """Keras's name: ``W.T``, shape ``(n_inputs, units)`` (a view: writing to it
        writes ``W``)."""
        self.ensure_built()
        if not self.built:
            raise NotFittedError(f"{self!r} has no kernel yet: give it input_shape=... or "
                                 "build its model first.")
        return self.W.T

    @property
    def bias(self) -> np.ndarray:
        """Keras's name for ``b``."""
        self.ensure_built()
        if not self.built:
            raise NotFittedError(f"{self!r} has no bias yet: give it input_shape=... or "
                                 "build its model first.")
        return self.b

    def set_neuron_weights(self, weights: list[Any]) -> None:
        """Set ``[W, b]``: ``W`` of shape ``(units, n_inputs)``, one row per neuron, ``b`` of
        shape ``(units,)``. (``set_weights`` takes Keras's layout, ``W.T``.)"""
        if isinstance(weights, (list, tuple)) and len(weights) == 1 and not self.use_bias:
            weights = [weights[0], np.zeros(self.units)]
        if not isinstance(weights, (list, tuple)) or len(weights) != 2 or (
                not self.use_bias and np.any(np.asarray(weights[1], dtype=float) != 0)):
            got = f"{len(weights)} array(s)" if isinstance(weights, (list, tuple)) \
                else repr(weights)[:60]
            wanted = "[W, b] (2 arrays)" if self.use_bias else "[W] (use_bias=False)"
            raise ShapeError(f"Dense.set_neuron_weights expects a list {wanted}, "
                             f"got {got}.")
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
            self.build((W.shape[1],), np.random.default_rng(0), dtype)
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
        if not self.use_bias:
            config["use_bias"] = False
        return config

    def __repr__(self) -> str:
        extra = f", input_shape={self.input_shape}" if self.input_shape else ""
        extra += "" if self.use_bias else ", use_bias=False"
        return f"Dense({self.units}, activation={self.activation.name!r}{extra})"
