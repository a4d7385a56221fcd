"""Every weight of a model in one flat array, every gradient in another.

Each layer keeps its weights under their own names and shapes (``layer.W``,
``layer.grad_W``), as views into these two arrays. Nothing changes for the layers,
which write their gradients into the arrays they own; an optimizer whose rule treats
every number alike (plain SGD) then updates every weight of the model with one NumPy
call, ``values -= learning_rate * grads``, instead of one per array.

>>> import numpy as np
>>> from neuronlab import Dense, Sequential
>>> model = Sequential([Dense(4, input_shape=(2,)), Dense(1)], seed=0)
>>> model.build()
>>> flat = FlatWeights.pack(model.layers)
>>> model.layers[0].W.base is flat.values, flat.values.size
(True, 17)
"""

from __future__ import annotations

from operator import is_
from typing import Any

import numpy as np

from ..layers import Layer, Parameters


class FlatWeights:
    """The flat ``values`` and ``grads`` of ``layers``, and the ``(value, gradient)``
    pairs (views) in the order of :meth:`Sequential.parameters`."""

    def __init__(self, entries: list[tuple[Layer, str, np.ndarray, np.ndarray]],
                 values: np.ndarray, grads: np.ndarray) -> None:
        self.entries = entries  # (layer, weight name, value view, gradient view)
        self.values, self.grads = values, grads
        self.pairs: Parameters = [(value, grad) for _, _, value, grad in entries]
        # what intact() compares: each layer's trainable flag, its weights and gradients
        layers = list({id(layer): layer for layer, _, _, _ in entries}.values())
        self.holders = layers + [layer for layer, _, _, _ in entries for _ in "wg"]
        self.names = ["trainable"] * len(layers) + [n for _, name, _, _ in entries
                                                    for n in (name, "grad_" + name)]
        self.held = [layer.trainable for layer in layers] + [a for _, _, value, grad in entries
                                                             for a in (value, grad)]
        self.trainable = all(layer.trainable for layer in layers)

    @classmethod
    def pack(cls, layers: list[Layer]) -> FlatWeights | None:
        """Move the weights of ``layers`` into one flat array and their gradients into
        another (same numbers, same names and shapes); None when they cannot share one
        (mixed dtypes, or a gradient not shaped like its weight)."""
        entries: list[Any] = [(layer, name, getattr(layer, name), getattr(layer, "grad_" + name))
                              for layer in layers if layer.built
                              for name in layer.weight_names()]
        if not entries:
            return None
        dtype = entries[0][2].dtype
        if any(v.dtype != dtype or g.dtype != dtype or g.shape != v.shape
               for _, _, v, g in entries):
            return None
        size = sum(v.size for _, _, v, _ in entries)
        values, grads = np.empty(size, dtype), np.empty(size, dtype)
        packed, start = [], 0
        for layer, name, value, grad in entries:
            end = start + value.size
            new_value = values[start:end].reshape(value.shape)
            new_grad = grads[start:end].reshape(value.shape)
            new_value[...], new_grad[...] = value, grad
            setattr(layer, name, new_value)
            setattr(layer, "grad_" + name, new_grad)
            packed.append((layer, name, new_value, new_grad))
            start = end
        return cls(packed, values, grads)

    def intact(self) -> bool:
        """True while every layer still holds these views (a copy of the model, or a
        layer that put a new array in place of a weight or gradient, breaks them) and is
        as trainable as when they were packed."""
        first = self.entries[0][2]
        if first.base is not self.values:  # a deep copy or a pickle: views became arrays
            return False
        # each layer still holds the very arrays packed, not copies or new ones
        return all(map(is_, map(getattr, self.holders, self.names), self.held))
