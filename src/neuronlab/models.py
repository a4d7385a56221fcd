"""Keras's ``keras.models``: ``Sequential``, ``Model`` (the Functional API for a chain
of layers), ``load_model``, ``save_model`` and ``model_from_json``.

>>> from neuronlab.layers import Dense, Input
>>> inputs = Input(shape=(3,))
>>> outputs = Dense(1)(Dense(4, activation="relu")(inputs))
>>> Model(inputs, outputs).count_params()
21
"""

from __future__ import annotations

from typing import Any

from .errors import ConfigError
from .io import load_model, save_model
from .keras_model import functional_layers
from .keras_reader import model_from_json
from .model import Sequential


class Model(Sequential):
    """``Model(inputs, outputs)``: the layers called one after the other from ``inputs``
    (an ``Input``) to ``outputs``, the same model as ``Sequential`` of those layers.

    Only chains are supported (one input, one output, each layer feeding the next);
    subclassing ``Model`` with your own ``call`` is not.
    """

    def __init__(self, inputs: Any = None, outputs: Any = None, name: str = "functional",
                 seed: int | None = None, dtype: str | Any = "float32") -> None:
        if inputs is None or outputs is None:
            raise ConfigError(
                "neuronlab's Model takes Model(inputs, outputs): an Input and the result of "
                "calling layers on it. Subclassing Model with your own call() is not "
                "supported; write the layers in a Sequential([...]) instead."
            )
        shape, layers = functional_layers(inputs, outputs)
        super().__init__(seed=seed, dtype=dtype, name=name)
        self._input = shape
        for layer in layers:
            self.add(layer)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Sequential:
        return Sequential.from_config(config)


__all__ = ["Model", "Sequential", "load_model", "model_from_json", "save_model"]
