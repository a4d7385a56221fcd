"""Layers, each a class following the :class:`Layer` protocol.

:mod:`neuronlab.layers.core` holds the protocol and ``Dense``; :mod:`.reshape` holds
``Dropout`` and ``Flatten``; :mod:`.activation` ``Activation``, ``Softmax`` and ``Input``;
:mod:`neuronlab.layers.conv` holds ``Conv2D`` and ``MaxPool2D`` for images (NHWC).
"""

from __future__ import annotations

from typing import Any

from .. import activations
from ..errors import ConfigError
from ..tables import Table
from .activation import Activation, Input, InputLayer, Softmax
from .conv import Conv2D, MaxPool2D
from .core import (
    MAX_WEIGHTS,
    Dense,
    Layer,
    Parameters,
    Shape,
    WeightSpec,
    as_shape,
    weight_array,
)
from .reshape import Dropout, Flatten

__all__ = [
    "LAYERS",
    "MAX_WEIGHTS",
    "Activation",
    "Conv2D",
    "Dense",
    "Dropout",
    "Flatten",
    "Input",
    "InputLayer",
    "Layer",
    "MaxPool2D",
    "MaxPooling2D",
    "Parameters",
    "Shape",
    "Softmax",
    "WeightSpec",
    "as_shape",
    "from_config",
    "weight_array",
]

#: Every layer class by its class name (the ``class_name`` of its config).
LAYERS: Table[type[Layer]] = Table("layer", base=Layer)
for _cls in (Dense, Dropout, Flatten, Conv2D, MaxPool2D, Activation, Softmax):
    LAYERS.register(_cls, name=_cls.__name__)
MaxPooling2D = MaxPool2D  # Keras's name


def __getattr__(name: str) -> Any:
    """A Keras layer neuronlab does not have: say so, and which ones it has."""
    if name.startswith("__"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    raise AttributeError(
        f"neuronlab.layers has no {name}: neuronlab stops at the layers its lessons teach "
        f"({', '.join(sorted(LAYERS.names()))}, Input and MaxPooling2D). Keras code that "
        "uses other layers does not run here as written."
    )


def from_config(config: dict[str, Any]) -> Layer:
    """Rebuild a layer from :meth:`Layer.get_config`."""
    if not isinstance(config, dict):
        raise ConfigError(f"A layer config is a dict from get_config(), got {repr(config)[:60]}.")
    config = dict(config)
    kind = config.pop("class_name", None)
    if isinstance(config.get("activation"), dict):
        config["activation"] = activations.from_config(config["activation"])
    layer: Layer = LAYERS.get(kind, **config)
    return layer
