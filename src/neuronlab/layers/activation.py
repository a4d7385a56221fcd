"""Layers that only apply a function, and the model's input: ``Activation``,
``Softmax``, ``Input``.

``Activation("relu")`` is a layer of its own holding nothing but an activation, as
Keras's and as PyTorch's ``nn.ReLU()``: ``Dense(4), Activation("relu")`` computes the
same as ``Dense(4, activation="relu")``. Backward is the activation's derivative.

``Input(shape=(4,))`` says what one sample looks like. Put first in a ``Sequential`` it
gives the next layer its input shape; called layer by layer it starts a chain, the
Keras Functional API::

    inputs = Input(shape=(4,))
    x = Dense(8, activation="relu")(inputs)
    outputs = Dense(1)(x)
    model = Model(inputs, outputs)      # the same as Sequential([...]) of those layers

>>> import numpy as np
>>> Activation("relu").forward(np.array([[-1.0, 2.0]]))
array([[0., 2.]])
>>> Input(shape=(3,))
<Input shape=(None, 3)>
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import activations
from ..errors import ConfigError, NotFittedError
from .core import Layer, Shape, as_shape


class Activation(Layer):
    """Apply ``activation`` to every input: ``y = f(x)``, any shape in, the same out."""

    def __init__(self, activation: str | activations.Activation | Any,
                 input_shape: tuple[int, ...] | None = None, name: str | None = None) -> None:
        super().__init__(name)
        self.activation = activations.get(activation)
        if input_shape is not None:
            self.input_shape = as_shape(input_shape, f"{type(self).__name__} input_shape")

    activation: activations.Activation

    def preactivation(self, x: np.ndarray) -> np.ndarray | None:
        return x  # the activation's input is the layer's input

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        y = self.activation.forward(x)
        self._x, self._y = x, y  # what backward needs
        return y

    def backward(self, grad_out: np.ndarray, need_input_grad: bool = True,
                 grad_is_z: bool = False) -> np.ndarray:
        """``dL/dx = f'(x) * dL/dy`` (with ``grad_is_z`` the caller already hands ``dL/dx``)."""
        if not hasattr(self, "_x"):
            raise NotFittedError(f"{type(self).__name__}.backward was called before forward.")
        if grad_is_z:
            return grad_out
        return self.activation.backward(grad_out, self._x, self._y)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["activation"] = self.activation.get_config()
        if self.input_shape is not None:
            config["input_shape"] = list(self.input_shape)
        return config

    def __repr__(self) -> str:
        return f"Activation({self.activation.name!r})"


class Softmax(Activation):
    """Softmax over the last axis as a layer of its own (Keras's ``layers.Softmax()``)."""

    def __init__(self, axis: int = -1, input_shape: tuple[int, ...] | None = None,
                 name: str | None = None) -> None:
        if axis != -1:
            raise ConfigError(f"Softmax works along the last axis (axis=-1), got axis={axis!r}.")
        super().__init__("softmax", input_shape=input_shape, name=name)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["activation"]
        return config

    def __repr__(self) -> str:
        return "Softmax()"


class Input:
    """The model's input, one sample of ``shape`` (Keras's ``keras.Input``), and every
    symbolic value a chain of layers called on it gives (``Dense(4)(inputs)``).

    ``layers`` lists the layers called so far, in order; ``shape`` is one sample's shape.
    """

    symbolic = True  # what a layer called on it checks, to add itself to the chain

    def __init__(self, shape: tuple[int, ...] | int | None = None, name: str | None = None,
                 batch_size: int | None = None, dtype: Any = None,
                 batch_shape: tuple[Any, ...] | None = None,
                 input_shape: tuple[int, ...] | None = None) -> None:
        if shape is None and input_shape is not None:  # InputLayer(input_shape=...), Keras 2
            shape = input_shape
        if shape is None and batch_shape is not None:
            shape = tuple(batch_shape)[1:]
        if shape is None:
            raise ConfigError("Input needs the shape of one sample, e.g. Input(shape=(4,)).")
        if isinstance(shape, (tuple, list)) and any(n is None for n in shape):
            raise ConfigError(
                f"Input(shape={tuple(shape)!r}): neuronlab needs every size of one sample "
                "(no None inside the shape); the batch size is left out, as in Keras."
            )
        self.shape: Shape = as_shape(shape, "Input shape")
        self.name = name
        self.layers: list[Layer] = []
        self.source: Input = self

    def then(self, layer: Layer) -> Input:
        """The value after ``layer`` is called on this one (a new symbolic value)."""
        after = Input.__new__(Input)
        after.shape = layer.compute_output_shape(self.shape)
        after.name = None
        after.layers = [*self.layers, layer]
        after.source = self.source
        return after

    def __repr__(self) -> str:
        return f"<Input shape={(None, *self.shape)}>"


InputLayer = Input  # Keras writes ``InputLayer(shape=...)`` in its configs
