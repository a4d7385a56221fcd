"""Layers, each a class following the :class:`Layer` protocol.

:mod:`neuronlab.layers.core` holds the protocol, ``Dense``, ``Dropout`` and ``Flatten``;
:mod:`neuronlab.layers.conv` holds ``Conv2D`` and ``MaxPool2D`` for images (NHWC).
"""

from __future__ import annotations

from typing import Any

from .. import activations
from ..errors import ConfigError
from ..tables import Table
from .conv import Conv2D, MaxPool2D
from .core import (
    MAX_WEIGHTS,
    Dense,
    Dropout,
    Flatten,
    Layer,
    Parameters,
    Shape,
    WeightSpec,
    as_shape,
    weight_array,
)

__all__ = [
    "LAYERS",
    "MAX_WEIGHTS",
    "Conv2D",
    "Dense",
    "Dropout",
    "Flatten",
    "Layer",
    "MaxPool2D",
    "Parameters",
    "Shape",
    "WeightSpec",
    "as_shape",
    "from_config",
    "weight_array",
]

#: Every layer class by its class name (the ``class_name`` of its config).
LAYERS: Table[type[Layer]] = Table("layer", base=Layer)
for _cls in (Dense, Dropout, Flatten, Conv2D, MaxPool2D):
    LAYERS.register(_cls, name=_cls.__name__)


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
