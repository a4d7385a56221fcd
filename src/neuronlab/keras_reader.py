"""Reading Keras 3 ``.keras`` files (and ``.weights.h5`` and JSON configs) into neuronlab
models: a Sequential, or a Functional model that is one chain of layers. The layout of
those files is described in :mod:`neuronlab.keras_files`, which writes them.
"""

from __future__ import annotations

import inspect
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from . import activations
from .errors import ConfigError
from .keras_files import (
    FROM_KERAS,
    MAX_ENTRY_BYTES,
    KerasFileError,
    assign_weights,
    fail,
    read_weights,
    snake_case,
)
from .layers import Conv2D, Dense, Dropout, Flatten, Layer, MaxPool2D
from .model import Sequential


def _chain(config: dict[str, Any], where: str) -> list[dict[str, Any]]:
    """The layers of a Sequential, or of a Functional model that is one chain, in order."""
    kind = config.get("class_name")
    inner = config.get("config") or {}
    layers = inner.get("layers")
    if not isinstance(layers, list):
        raise fail(where, "config.json lists no layers; is this a Keras 3 model file?")
    if kind == "Sequential":
        return layers
    if kind not in ("Functional", "Model"):
        raise fail(where, f"neuronlab reads Sequential and Functional models, this file holds "
                           f"a {kind!r}. Rebuild it in Keras as a Sequential model.")
    previous = None
    for entry in layers:
        nodes = entry.get("inbound_nodes") or []
        if entry.get("class_name") == "InputLayer":
            if previous is not None:
                raise fail(where, "the model has several inputs; neuronlab reads models that "
                                   "are one chain of layers (one input, one output).")
            previous = entry.get("name") or entry["config"].get("name")
            continue
        sources = []
        for node in nodes:
            for arg in node.get("args", []) if isinstance(node, dict) else []:
                history = (arg.get("config") or {}).get("keras_history") \
                    if isinstance(arg, dict) else None
                if history:
                    sources.append(history[0])
        if len(nodes) != 1 or sources != [previous]:
            raise fail(where, f"layer {entry.get('name')!r} does not simply follow "
                               f"{previous!r}: the model branches or merges. neuronlab reads "
                               "models that are one chain of layers.")
        previous = entry.get("name") or entry["config"].get("name")
    return layers


def _activation(value: Any, where: str) -> activations.Activation:
    if isinstance(value, dict):
        value = (value.get("config") or {}).get("name") or value.get("class_name")
    name = FROM_KERAS.get(value) if isinstance(value, str) or value is None else None
    if value == "leaky_relu":
        return activations.get("leaky_relu", alpha=0.2)  # Keras's leaky_relu slope
    if name is None:
        raise fail(where, f"the activation {value!r} has no neuronlab counterpart; neuronlab "
                           f"reads: {', '.join(sorted(a for a in FROM_KERAS if a))}, "
                           "leaky_relu.")
    return activations.get(name)


def _layer(entry: dict[str, Any], dtype: np.dtype, first: bool, input_shape: Any,
           where: str) -> Layer | None:
    """A neuronlab layer for one Keras layer entry (None for InputLayer)."""
    from . import layers as layer_module

    kind = entry.get("class_name")
    config = entry.get("config") or {}
    name = config.get("name")
    shape = input_shape if first else None
    if kind == "InputLayer":
        return None
    if kind == "Dense":
        penalty = config.get("kernel_regularizer")
        l1 = l2 = 0.0
        if isinstance(penalty, dict):
            settings = penalty.get("config") or {}
            l1, l2 = float(settings.get("l1", 0.0)), float(settings.get("l2", 0.0))
        if config.get("bias_regularizer") is not None:
            raise fail(where, f"Dense layer {name!r} penalises its bias (bias_regularizer), "
                               "which neuronlab does not; it penalises kernels only.")
        return Dense(int(config["units"]), activation=_activation(config.get("activation"),
                                                                  where),
                     input_shape=shape, name=name, use_bias=bool(config.get("use_bias", True)),
                     l1=l1, l2=l2)
    if kind == "Conv2D":
        if config.get("data_format", "channels_last") != "channels_last" or \
                list(config.get("dilation_rate", [1, 1])) != [1, 1] or config.get("groups", 1) != 1:
            raise fail(where, f"Conv2D layer {name!r} uses channels_first, dilation or groups, "
                               "which neuronlab's Conv2D does not have.")
        return Conv2D(int(config["filters"]), tuple(config["kernel_size"]),
                      strides=tuple(config.get("strides", (1, 1))),
                      padding=config.get("padding", "valid"),
                      activation=_activation(config.get("activation"), where),
                      use_bias=bool(config.get("use_bias", True)), input_shape=shape, name=name)
    if kind in ("MaxPooling2D", "MaxPool2D"):
        if config.get("padding", "valid") != "valid":
            raise fail(where, f"MaxPooling2D layer {name!r} uses padding='same', which "
                               "neuronlab's MaxPool2D does not have.")
        return MaxPool2D(tuple(config.get("pool_size", (2, 2))),
                         strides=tuple(config["strides"]) if config.get("strides") else None,
                         input_shape=shape, name=name)
    if kind == "Flatten":
        return Flatten(input_shape=shape, name=name)
    if kind == "Dropout":
        return Dropout(float(config["rate"]), name=name)
    extra = {"Activation": lambda: _activation(config.get("activation"), where),
             "Softmax": lambda: activations.get("softmax"),
             "ReLU": lambda: activations.get("relu"),
             "LeakyReLU": lambda: activations.get("leaky_relu",
                                                  alpha=float(config.get("negative_slope", 0.3))),
             "ELU": lambda: activations.get("elu", alpha=float(config.get("alpha", 1.0)))}
    if kind in extra and hasattr(layer_module, "Activation"):
        if kind == "Softmax" and config.get("axis", -1) != -1:
            raise fail(where, f"Softmax layer {name!r} works along axis {config['axis']}; "
                               "neuronlab's softmax works along the last axis.")
        if kind == "ReLU" and (config.get("max_value") is not None
                               or config.get("negative_slope", 0) or config.get("threshold", 0)):
            raise fail(where, f"ReLU layer {name!r} has a max_value, slope or threshold, "
                               "which neuronlab's relu does not have.")
        layer: Layer = layer_module.Activation(extra[kind](), name=name)
        return layer
    raise fail(where, f"it holds a {kind} layer ({name!r}), which neuronlab does not have. "
                       "neuronlab reads InputLayer, Dense, Conv2D, MaxPooling2D, Flatten, "
                       "Dropout, Activation, Softmax, ReLU, LeakyReLU and ELU layers.")


def _input_shape(config: dict[str, Any], layers: list[dict[str, Any]], where: str) -> Any:
    for entry in layers:
        c = entry.get("config") or {}
        shape = c.get("batch_shape") or c.get("batch_input_shape")
        if shape is None and entry.get("build_config"):
            shape = entry["build_config"].get("input_shape")
        if shape is not None:
            return tuple(int(n) for n in shape[1:])
    shape = (config.get("build_config") or {}).get("input_shape")
    if shape is None:
        raise fail(where, "the model's input shape is not in the file (it was saved before "
                           "Keras built it). Build or fit the model in Keras, then save again.")
    return tuple(int(n) for n in shape[1:])


def load_keras(path: str | os.PathLike[str]) -> Sequential:
    """Read a ``.keras`` file written by Keras 3 (a Sequential, or a Functional model
    that is one chain of layers) as a neuronlab model with the same predictions.

    The optimizer's state is not read; the compile settings are, when neuronlab has the
    same optimizer and loss. Needs h5py.
    """
    source = Path(os.fspath(path))
    where = f"{source}"
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise fail(where, f"not a readable .keras file (a zip archive): {exc}.") from None
    with archive:
        members = {info.filename: info for info in archive.infolist()}
        for needed in ("config.json", "model.weights.h5"):
            if needed not in members:
                raise fail(where, f"the archive has no {needed}; a Keras 3 .keras file holds "
                                   "config.json, metadata.json and model.weights.h5.")
            if members[needed].file_size > MAX_ENTRY_BYTES:
                raise fail(where, f"its {needed} would unpack to "
                                   f"{members[needed].file_size:,} bytes, more than neuronlab "
                                   "reads.")
        try:
            config = json.loads(archive.read("config.json"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise fail(where, f"config.json is not valid JSON ({exc}).") from None
        weights = read_weights(archive.read("model.weights.h5"), where)
    model, keyed, functional = _model_from_config(config, where)
    assign_weights(model, keyed, functional, weights, where)
    compile_config = config.get("compile_config")
    if isinstance(compile_config, dict):
        _compile(model, compile_config)
    return model


def _model_from_config(config: Any, where: str) -> tuple[Sequential, list[tuple[Layer, dict[
        str, Any]]], bool]:
    """The model a Keras config describes (weights not set), its layers with their
    entries, and whether it is Functional."""
    if not isinstance(config, dict):
        raise fail(where, "config.json does not describe a model.")
    entries = _chain(config, where)
    input_shape = _input_shape(config, entries, where)
    model = Sequential(name=str((config.get("config") or {}).get("name") or "sequential"))
    first = True
    keyed: list[tuple[Layer, dict[str, Any]]] = []
    for entry in entries:
        layer = _layer(entry, model.dtype, first, input_shape, where)
        if layer is None:
            continue
        first = False
        model.add(layer)
        keyed.append((layer, entry))
    if not model.layers:
        raise fail(where, "the model has no layers.")
    model.build(input_shape)
    return model, keyed, config.get("class_name") != "Sequential"


def model_from_json(text: str) -> Sequential:
    """The model (architecture only, new weights) of a Keras JSON config, as
    ``keras.models.model_from_json`` (and as :meth:`to_json` writes)."""
    try:
        config = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise KerasFileError(f"model_from_json takes the JSON text of a Keras model config "
                             f"(model.to_json()), which this is not: {exc}.") from None
    return _model_from_config(config, "model_from_json")[0]


def _compile(model: Sequential, config: dict[str, Any]) -> None:
    """Compile with the file's optimizer and loss, when neuronlab has both."""
    from . import losses, optimizers

    optimizer = config.get("optimizer")
    loss: Any = config.get("loss")
    if isinstance(loss, dict):  # a loss object: {"class_name": "SparseCategorical...", ...}
        loss_config = loss.get("config") or {}
        name = snake_case(str(loss.get("class_name", "")))  # KLDivergence: kl_divergence
        if name not in losses.TABLE:
            return
        loss = losses.get(name, from_logits=bool(loss_config.get("from_logits", False)))
    elif not isinstance(loss, str) or loss not in losses.TABLE:
        return
    if not isinstance(optimizer, dict):
        return
    # the class names the optimizer; Keras numbers the names of a session's later ones
    # (adam_1, adam_2)
    name = str(optimizer.get("class_name") or (optimizer.get("config") or {}).get("name", ""))
    name = name.lower()
    if name not in optimizers.TABLE:
        return
    settings = optimizer.get("config") or {}
    cls = optimizers.TABLE[name]
    accepted = set(inspect.signature(cls.__init__).parameters) - {"self"}
    kwargs = {k: v for k, v in settings.items() if k in accepted and v is not None}
    metrics = config.get("metrics")
    names = [m for m in metrics if isinstance(m, str)] if isinstance(metrics, list) else None
    try:
        model.compile(optimizer=cls(**kwargs), loss=loss, metrics=names or None)
    except (ConfigError, ValueError):
        model.optimizer = model.loss = None  # the architecture and weights still load
