"""Keras 3 ``.keras`` files, both ways: a neuronlab model Keras loads, a Keras model
neuronlab loads.

A ``.keras`` file is a zip of three entries:

- ``metadata.json``: ``{"keras_version": ..., "date_saved": ...}``;
- ``config.json``: the model's architecture as Keras serializes it (``Sequential`` or
  ``Functional``, each layer as ``{"module", "class_name", "config", "build_config"}``);
- ``model.weights.h5``: an HDF5 file with one group per layer,
  ``layers/<name>/vars/0``, ``.../1``, ... holding its weights in Keras's layout. The
  ``<name>`` is the layer's class in snake case, numbered per class in layer order
  (``dense``, ``dense_1``, ``conv2d``), not the layer's own name.

Keras stores a Dense kernel as ``(inputs, units)``, the transpose of neuronlab's ``W``
(one row per neuron), and a Conv2D kernel as ``(kh, kw, channels, filters)`` where
neuronlab keeps ``(filters, kh, kw, channels)``; this module converts both ways.

Writing and reading HDF5 needs ``h5py`` (``pip install "neuronlab[keras]"``, or ``pip
install h5py``); Keras itself is never imported. Without h5py, saving or loading a
``.keras`` file raises :class:`KerasFileError` saying so.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from . import activations
from ._version import __version__
from .errors import ConfigError, ModelFileError, ShapeError
from .layers import Activation, Conv2D, Dense, Dropout, Flatten, Layer, MaxPool2D, Softmax
from .model import Sequential

KERAS_VERSION = "3.15.1"  # the Keras version whose files these are checked against
MAX_ENTRY_BYTES = 1 << 30  # a .keras entry larger than this is refused before unpacking

H5PY_HINT = 'pip install "neuronlab[keras]" (or: pip install h5py)'


class KerasFileError(ModelFileError):
    """A ``.keras`` file cannot be written or read (with what to do about it)."""


def _h5py() -> Any:
    try:
        import h5py
    except ImportError:
        raise KerasFileError(
            "Keras .keras files keep their weights in HDF5, which needs the h5py package. "
            f"Install it with: {H5PY_HINT}. (neuronlab's own .npz files need nothing extra: "
            "model.save('model.npz').)"
        ) from None
    return h5py


def snake_case(name: str) -> str:
    """Keras's ``to_snake_case``: ``"Conv2D"`` -> ``"conv2d"``, ``"MaxPooling2D"`` ->
    ``"max_pooling2d"``, ``"LeakyReLU"`` -> ``"leaky_re_lu"``.

    >>> [snake_case(n) for n in ("Dense", "Conv2D", "MaxPooling2D", "LeakyReLU")]
    ['dense', 'conv2d', 'max_pooling2d', 'leaky_re_lu']
    """
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


# --------------------------------------------------------------------------- activations
# neuronlab's activation name -> Keras's, where the two compute the same function.
_TO_KERAS = {"linear": "linear", "relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh",
             "softmax": "softmax", "elu": "elu", "selu": "selu", "gelu": "gelu",
             "silu": "silu", "softplus": "softplus"}
_FROM_KERAS: dict[str | None, str] = {**{v: k for k, v in _TO_KERAS.items()}, "swish": "silu",
                                      None: "linear"}


def _dtype_policy(dtype: np.dtype) -> dict[str, Any]:
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": dtype.name},
            "registered_name": None}


def _initializer(class_name: str) -> dict[str, Any]:
    config: dict[str, Any] = {"seed": None} if class_name != "Zeros" else {}
    return {"module": "keras.initializers", "class_name": class_name, "config": config,
            "registered_name": None}


def _layer_entry(class_name: str, config: dict[str, Any],
                 input_shape: tuple[int, ...] | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"module": "keras.layers", "class_name": class_name,
                             "config": config, "registered_name": None}
    if input_shape is not None:
        entry["build_config"] = {"input_shape": [None, *input_shape]}
    return entry


def _keras_activation(layer: Layer, what: str) -> tuple[str, dict[str, Any] | None]:
    """Keras's name for the layer's activation, plus an extra layer when Keras needs one
    (a LeakyReLU whose slope is not Keras's default 0.2)."""
    act = layer.activation
    name = act.name if act is not None else "linear"
    if name in _TO_KERAS and (name != "elu" or getattr(act, "alpha", 1.0) == 1.0):
        return _TO_KERAS[name], None
    if name == "leaky_relu":
        alpha = float(getattr(act, "alpha", 0.01))
        return "linear", {"class_name": "LeakyReLU", "negative_slope": alpha}
    if name == "elu":
        return "linear", {"class_name": "ELU", "alpha": float(getattr(act, "alpha", 1.0))}
    raise KerasFileError(
        f"{what} uses the activation {name!r}, which Keras has no layer or function for, so "
        "this model cannot be written as a .keras file. Save it with model.save('m.npz'), "
        "or use one of: " + ", ".join(sorted(_TO_KERAS)) + ", leaky_relu."
    )


def _model_config(model: Sequential) -> tuple[dict[str, Any], list[tuple[str, list[np.ndarray]]]]:
    """config.json's content and, per Keras layer in order, (class name, weights)."""
    dtype = model.dtype
    shape = first_shape = model.input_shape
    assert shape is not None and first_shape is not None
    entries: list[dict[str, Any]] = [{
        "module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
        "config": {"batch_shape": [None, *shape], "dtype": dtype.name, "sparse": False,
                   "ragged": False, "name": "input_layer", "optional": False},
    }]
    weights: list[tuple[str, list[np.ndarray]]] = []
    names: set[str] = set()

    def unique(base: str) -> str:
        name, k = base, 0
        while name in names:
            k += 1
            name = f"{base}_{k}"
        names.add(name)
        return name

    for index, layer in enumerate(model.layers):
        what = f"Layer {index} ({layer!r})"
        common = {"name": unique(layer.name or snake_case(type(layer).__name__)),
                  "trainable": bool(getattr(layer, "trainable", True)),
                  "dtype": _dtype_policy(dtype)}
        writer = _WRITERS.get(type(layer))
        if writer is None:
            raise KerasFileError(
                f"{what} has no Keras counterpart that neuronlab writes (it writes "
                f"{', '.join(cls.__name__ for cls in _WRITERS)} layers). Save this model "
                "with model.save('m.npz') instead."
            )
        kind, config, built = writer(layer)
        extra = None
        if "activation" in config:
            config["activation"], extra = _keras_activation(layer, what)
        if kind == "Softmax":
            extra = None
        entries.append(_layer_entry(kind, {**common, **config}, shape if built else None))
        weights.append((kind, layer.get_weights()))  # Keras's layout
        shape = layer.compute_output_shape(shape)
        if extra is not None:
            kind = extra.pop("class_name")
            name = unique(snake_case(kind))
            entries.append(_layer_entry(kind, {"name": name, "trainable": True,
                                               "dtype": _dtype_policy(dtype), **extra}, None))
            weights.append((kind, []))
    config = {
        "module": "keras", "class_name": "Sequential", "registered_name": None,
        "config": {"name": model.name, "trainable": True, "dtype": _dtype_policy(dtype),
                   "layers": entries, "build_input_shape": [None, *first_shape]},
        "build_config": {"input_shape": [None, *first_shape]},
    }
    compile_config = _compile_config(model)
    if compile_config is not None:
        config["compile_config"] = compile_config
    return config, weights


def _regularizer(layer: Any) -> dict[str, Any] | None:
    """Keras's config of the layer's kernel penalty (L1, L2 or L1L2), or None."""
    l1, l2 = float(getattr(layer, "l1", 0.0)), float(getattr(layer, "l2", 0.0))
    if not l1 and not l2:
        return None
    kind, config = ("L1L2", {"l1": l1, "l2": l2}) if l1 and l2 else \
        (("L1", {"l1": l1}) if l1 else ("L2", {"l2": l2}))
    return {"module": "keras.regularizers", "class_name": kind, "config": config,
            "registered_name": None}


def _dense_config(layer: Any) -> tuple[str, dict[str, Any], bool]:
    return "Dense", {"units": layer.units, "activation": None, "use_bias": layer.use_bias,
                     "kernel_initializer": _initializer("GlorotUniform"),
                     "bias_initializer": _initializer("Zeros"),
                     "kernel_regularizer": _regularizer(layer),
                     "bias_regularizer": None, "kernel_constraint": None,
                     "bias_constraint": None}, True


def _conv2d_config(layer: Any) -> tuple[str, dict[str, Any], bool]:
    return "Conv2D", {"filters": layer.filters, "kernel_size": list(layer.kernel_size),
                      "strides": list(layer.strides), "padding": layer.padding,
                      "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1,
                      "activation": None, "use_bias": layer.use_bias,
                      "kernel_initializer": _initializer("GlorotUniform"),
                      "bias_initializer": _initializer("Zeros"), "kernel_regularizer": None,
                      "bias_regularizer": None, "activity_regularizer": None,
                      "kernel_constraint": None, "bias_constraint": None}, True


def _maxpool_config(layer: Any) -> tuple[str, dict[str, Any], bool]:
    return "MaxPooling2D", {"pool_size": list(layer.pool_size), "padding": "valid",
                            "strides": list(layer.strides), "data_format": "channels_last"}, \
        False


#: How each layer class is written: its Keras class, its config, whether Keras records
#: the input shape it was built for.
_WRITERS: dict[type[Layer], Any] = {
    Dense: _dense_config,
    Conv2D: _conv2d_config,
    MaxPool2D: _maxpool_config,
    Flatten: lambda layer: ("Flatten", {"data_format": "channels_last"}, True),
    Dropout: lambda layer: ("Dropout", {"rate": layer.rate, "seed": None,
                                        "noise_shape": None}, False),
    Activation: lambda layer: ("Activation", {"activation": None}, False),
    Softmax: lambda layer: ("Softmax", {"axis": -1}, False),
}


# Optimizers whose state Keras keeps the same way (name -> Keras class, state per weight).
_OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop", "adagrad": "Adagrad",
               "adamw": "AdamW"}
_STATE = {"adam": ("m", "v"), "adamw": ("m", "v"), "rmsprop": ("square_avg",),
          "adagrad": ("sum",)}
_LOSSES = {"mse": "mean_squared_error", "mae": "mean_absolute_error",
           "binary_crossentropy": "binary_crossentropy",
           "categorical_crossentropy": "categorical_crossentropy", "huber": "huber",
           "hinge": "hinge", "kl_divergence": "kl_divergence"}


def _compile_config(model: Sequential) -> dict[str, Any] | None:
    """Keras's compile settings for the optimizer and loss, when Keras has the same ones
    (otherwise none: Keras then loads the model uncompiled)."""
    optimizer, loss = model.optimizer, model.loss
    if optimizer is None or loss is None or optimizer.name not in _OPTIMIZERS \
            or loss.name not in _LOSSES or loss.from_logits:
        return None
    settings = {k: v for k, v in optimizer.get_config().items() if k != "name"}
    settings["name"] = optimizer.name
    return {
        "optimizer": {"module": "keras.optimizers", "class_name": _OPTIMIZERS[optimizer.name],
                      "config": settings, "registered_name": None},
        "loss": _LOSSES[loss.name], "loss_weights": None,
        "metrics": list(model.metrics) or None, "weighted_metrics": None,
        "run_eagerly": False, "steps_per_execution": 1, "jit_compile": False,
    }


def _optimizer_vars(model: Sequential) -> list[np.ndarray] | None:
    """The optimizer's variables in Keras's order: iterations, learning_rate, then per
    trainable weight its state (Adam: momentum, velocity, interleaved), or None when
    the file gets no compile settings."""
    optimizer = model.optimizer
    if _compile_config(model) is None or optimizer is None:
        return None
    out: list[np.ndarray] = [np.array(optimizer.iterations, dtype=np.int64),
                             np.array(optimizer.learning_rate, dtype=np.float32)]
    keys: tuple[str, ...] = _STATE.get(optimizer.name, ())
    if optimizer.name == "sgd" and float(getattr(optimizer, "momentum", 0.0)):
        keys = ("velocity",)
    pairs = [(layer, name) for layer in model.layers if getattr(layer, "trainable", True)
             for name in layer.weight_names()]
    states = optimizer.state if len(optimizer.state) == len(pairs) else [{}] * len(pairs)
    for (layer, name), state in zip(pairs, states):
        value = getattr(layer, name)
        for key in keys:
            array = state.get(key, np.full_like(value, getattr(
                optimizer, "initial_accumulator_value", 0.0) if key == "sum" else 0.0))
            if key == "velocity":  # torch's v (w -= lr * v) is Keras's m = -lr * v
                array = -optimizer.learning_rate * array
            out.append(layer.to_keras_layout(name, array).astype(np.float32))
    return out


def _weights_h5(model_name: str, weights: list[tuple[str, list[np.ndarray]]],
                optimizer_name: str | None = None,
                optimizer_vars: list[np.ndarray] | None = None) -> bytes:
    """model.weights.h5 as bytes: ``layers/<snake class name>[_k]/vars/<i>``."""
    h5py = _h5py()
    buffer = io.BytesIO()
    counts: dict[str, int] = {}
    with h5py.File(buffer, "w") as h5:
        group = h5.create_group("layers")
        for class_name, arrays in weights:
            base = snake_case(class_name)
            if base in counts:
                counts[base] += 1
                key = f"{base}_{counts[base]}"
            else:
                counts[base] = 0
                key = base
            variables = group.create_group(key).create_group("vars")
            for i, array in enumerate(arrays):
                variables.create_dataset(str(i), data=np.ascontiguousarray(array))
        if optimizer_vars is not None:
            variables = h5.create_group("optimizer").create_group("vars")
            variables.attrs["name"] = optimizer_name
            for i, array in enumerate(optimizer_vars):
                variables.create_dataset(str(i), data=array)
        h5.create_group("vars").attrs["name"] = model_name
    return buffer.getvalue()


def save_keras(model: Sequential, path: str | os.PathLike[str]) -> Path:
    """Write ``model`` as a Keras 3 ``.keras`` file that ``keras.models.load_model``
    reads with the same predictions; returns the path. Needs h5py."""
    if not isinstance(model, Sequential):
        raise ConfigError(f"save_keras expects a neuronlab model, got {type(model).__name__}.")
    target = Path(os.fspath(path))
    if target.suffix != ".keras":
        target = target.with_name(target.name + ".keras")
    model.require_built("save as .keras")
    config, weights = _model_config(model)
    h5 = _weights_h5(model.name, weights, model.optimizer.name if model.optimizer else None,
                     _optimizer_vars(model))
    metadata = {"keras_version": KERAS_VERSION,
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
                "written_by": f"neuronlab {__version__}"}
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w") as archive:
            archive.writestr("metadata.json", json.dumps(metadata))
            archive.writestr("config.json", json.dumps(config))
            archive.writestr("model.weights.h5", h5, compress_type=zipfile.ZIP_STORED)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


# --------------------------------------------------------------------------- reading
def _fail(where: str, message: str) -> KerasFileError:
    return KerasFileError(f"{where}: {message}")


def _chain(config: dict[str, Any], where: str) -> list[dict[str, Any]]:
    """The layers of a Sequential, or of a Functional model that is one chain, in order."""
    kind = config.get("class_name")
    inner = config.get("config") or {}
    layers = inner.get("layers")
    if not isinstance(layers, list):
        raise _fail(where, "config.json lists no layers; is this a Keras 3 model file?")
    if kind == "Sequential":
        return layers
    if kind not in ("Functional", "Model"):
        raise _fail(where, f"neuronlab reads Sequential and Functional models, this file holds "
                           f"a {kind!r}. Rebuild it in Keras as a Sequential model.")
    previous = None
    for entry in layers:
        nodes = entry.get("inbound_nodes") or []
        if entry.get("class_name") == "InputLayer":
            if previous is not None:
                raise _fail(where, "the model has several inputs; neuronlab reads models that "
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
            raise _fail(where, f"layer {entry.get('name')!r} does not simply follow "
                               f"{previous!r}: the model branches or merges. neuronlab reads "
                               "models that are one chain of layers.")
        previous = entry.get("name") or entry["config"].get("name")
    return layers


def _activation(value: Any, where: str) -> activations.Activation:
    if isinstance(value, dict):
        value = (value.get("config") or {}).get("name") or value.get("class_name")
    name = _FROM_KERAS.get(value) if isinstance(value, str) or value is None else None
    if value == "leaky_relu":
        return activations.get("leaky_relu", alpha=0.2)  # Keras's leaky_relu slope
    if name is None:
        raise _fail(where, f"the activation {value!r} has no neuronlab counterpart; neuronlab "
                           f"reads: {', '.join(sorted(a for a in _FROM_KERAS if a))}, "
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
            raise _fail(where, f"Dense layer {name!r} penalises its bias (bias_regularizer), "
                               "which neuronlab does not; it penalises kernels only.")
        return Dense(int(config["units"]), activation=_activation(config.get("activation"),
                                                                  where),
                     input_shape=shape, name=name, use_bias=bool(config.get("use_bias", True)),
                     l1=l1, l2=l2)
    if kind == "Conv2D":
        if config.get("data_format", "channels_last") != "channels_last" or \
                list(config.get("dilation_rate", [1, 1])) != [1, 1] or config.get("groups", 1) != 1:
            raise _fail(where, f"Conv2D layer {name!r} uses channels_first, dilation or groups, "
                               "which neuronlab's Conv2D does not have.")
        return Conv2D(int(config["filters"]), tuple(config["kernel_size"]),
                      strides=tuple(config.get("strides", (1, 1))),
                      padding=config.get("padding", "valid"),
                      activation=_activation(config.get("activation"), where),
                      use_bias=bool(config.get("use_bias", True)), input_shape=shape, name=name)
    if kind in ("MaxPooling2D", "MaxPool2D"):
        if config.get("padding", "valid") != "valid":
            raise _fail(where, f"MaxPooling2D layer {name!r} uses padding='same', which "
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
            raise _fail(where, f"Softmax layer {name!r} works along axis {config['axis']}; "
                               "neuronlab's softmax works along the last axis.")
        if kind == "ReLU" and (config.get("max_value") is not None
                               or config.get("negative_slope", 0) or config.get("threshold", 0)):
            raise _fail(where, f"ReLU layer {name!r} has a max_value, slope or threshold, "
                               "which neuronlab's relu does not have.")
        layer: Layer = layer_module.Activation(extra[kind](), name=name)
        return layer
    raise _fail(where, f"it holds a {kind} layer ({name!r}), which neuronlab does not have. "
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
        raise _fail(where, "the model's input shape is not in the file (it was saved before "
                           "Keras built it). Build or fit the model in Keras, then save again.")
    return tuple(int(n) for n in shape[1:])


def _read_weights(data: bytes, where: str) -> dict[str, list[np.ndarray]]:
    """``{layer name: [arrays]}`` from model.weights.h5, keyed by the name each layer's
    ``vars`` group records (and by the group's key, as Keras writes it)."""
    h5py = _h5py()
    found: dict[str, list[np.ndarray]] = {}
    try:
        with h5py.File(io.BytesIO(data), "r") as h5:
            group = h5.get("layers")
            if group is None:
                return found
            for key in group:
                variables = group[key].get("vars")
                if variables is None:
                    continue
                arrays = [np.array(variables[str(i)]) for i in range(len(variables))]
                found["key:" + key] = arrays
                name = variables.attrs.get("name")
                if isinstance(name, bytes):
                    name = name.decode()
                if isinstance(name, str):
                    found["name:" + name] = arrays
    except OSError as exc:
        raise _fail(where, f"its model.weights.h5 is not a readable HDF5 file ({exc}).") \
            from None
    return found


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
        raise _fail(where, f"not a readable .keras file (a zip archive): {exc}.") from None
    with archive:
        members = {info.filename: info for info in archive.infolist()}
        for needed in ("config.json", "model.weights.h5"):
            if needed not in members:
                raise _fail(where, f"the archive has no {needed}; a Keras 3 .keras file holds "
                                   "config.json, metadata.json and model.weights.h5.")
            if members[needed].file_size > MAX_ENTRY_BYTES:
                raise _fail(where, f"its {needed} would unpack to "
                                   f"{members[needed].file_size:,} bytes, more than neuronlab "
                                   "reads.")
        try:
            config = json.loads(archive.read("config.json"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise _fail(where, f"config.json is not valid JSON ({exc}).") from None
        weights = _read_weights(archive.read("model.weights.h5"), where)
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
        raise _fail(where, "config.json does not describe a model.")
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
        raise _fail(where, "the model has no layers.")
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


def to_json(model: Sequential) -> str:
    """The Keras JSON config of ``model`` (its architecture, no weights)."""
    return json.dumps(_model_config(model)[0])


def assign_weights(model: Sequential, keyed: list[tuple[Layer, dict[str, Any]]],
                   functional: bool, weights: dict[str, list[np.ndarray]], where: str) -> None:
    """Put the arrays of a Keras weights file into the layers they belong to."""
    counts: dict[str, int] = {}
    if functional:  # a Functional model's InputLayer takes the first "input_layer" key
        counts["input_layer"] = 0
    for layer, entry in keyed:
        base = snake_case(str(entry.get("class_name")))
        counts[base] = counts.get(base, -1) + 1
        key = base if counts[base] == 0 else f"{base}_{counts[base]}"
        names = layer.weight_names()
        if not names:
            continue
        name = (entry.get("config") or {}).get("name")
        arrays = weights.get("name:" + str(name)) or weights.get("key:" + key)
        if arrays is None or len(arrays) != len(names):
            raise _fail(where, f"the weights file has no weights for layer {name!r} (looked "
                               f"for layers/{key}/vars with {len(names)} arrays).")
        _assign(layer, names, arrays, where)


def save_weights(model: Sequential, path: str | os.PathLike[str]) -> Path:
    """Write the weights alone as Keras 3's ``.weights.h5`` file (``model.save_weights``)."""
    target = Path(os.fspath(path))
    if not target.name.endswith(".weights.h5"):
        raise KerasFileError(f"save_weights writes Keras 3's weights file, whose name must end "
                             f"in .weights.h5, got {target.name!r} (e.g. 'model.weights.h5').")
    model.require_built("save_weights")
    _, weights = _model_config(model)
    data = _weights_h5(model.name, weights)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return target


def load_weights(model: Sequential, path: str | os.PathLike[str]) -> None:
    """Read a ``.weights.h5`` file (Keras 3's, or :func:`save_weights`') into ``model``,
    whose layers must be the same as those of the model that wrote it."""
    source = Path(os.fspath(path))
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise KerasFileError(f"load_weights cannot read {source}: {exc}.") from None
    model.require_built("load_weights")
    config, _ = _model_config(model)
    keyed = [(layer, entry) for layer, entry in
             zip(model.layers, _entries_per_layer(model, config))]
    assign_weights(model, keyed, False, _read_weights(data, str(source)), str(source))


def _entries_per_layer(model: Sequential, config: dict[str, Any]) -> list[dict[str, Any]]:
    """The config entry written for each of the model's layers (the extra LeakyReLU or
    ELU layers written after a layer whose activation Keras keeps apart are skipped)."""
    entries = [e for e in config["config"]["layers"] if e["class_name"] != "InputLayer"]
    out, i = [], 0
    for layer in model.layers:
        out.append(entries[i])
        i += 1
        if i < len(entries) and entries[i]["class_name"] in ("LeakyReLU", "ELU") and \
                layer.activation is not None and layer.activation.name in ("leaky_relu", "elu") \
                and type(layer).__name__ != "Activation":
            i += 1
    return out


def _assign(layer: Layer, names: tuple[str, ...], arrays: list[np.ndarray], where: str) -> None:
    """Put Keras-layout ``arrays`` into the layer's weights (neuronlab's layout)."""
    for name, array in zip(names, arrays):
        current = getattr(layer, name)
        try:  # Keras's layout (a Dense kernel is inputs x units) into neuronlab's
            value = layer.from_keras_layout(name, np.asarray(array, dtype=np.float64))
        except ShapeError as exc:
            raise _fail(where, str(exc)) from None
        if value.shape != current.shape:
            raise _fail(where, f"{layer!r} expects {name} of shape {current.shape} (neuronlab's "
                               f"layout), the file holds shape {np.shape(array)}.")
        if not np.isfinite(value).all():
            raise _fail(where, f"{layer!r} {name} holds NaN or infinite values.")
        current[...] = value
    layer.weights_given = True


def _compile(model: Sequential, config: dict[str, Any]) -> None:
    """Compile with the file's optimizer and loss, when neuronlab has both."""
    from . import losses, optimizers

    optimizer = config.get("optimizer")
    loss = config.get("loss")
    if not isinstance(optimizer, dict) or not isinstance(loss, str):
        return
    name = str((optimizer.get("config") or {}).get("name") or optimizer.get("class_name", ""))
    name = name.lower()
    if name not in optimizers.TABLE or loss not in losses.TABLE:
        return
    settings = optimizer.get("config") or {}
    cls = optimizers.TABLE[name]
    import inspect

    accepted = set(inspect.signature(cls.__init__).parameters) - {"self"}
    kwargs = {k: v for k, v in settings.items() if k in accepted and v is not None}
    metrics = config.get("metrics")
    names = [m for m in metrics if isinstance(m, str)] if isinstance(metrics, list) else None
    try:
        model.compile(optimizer=cls(**kwargs), loss=loss, metrics=names or None)
    except (ConfigError, ValueError):
        model.optimizer = model.loss = None  # the architecture and weights still load
