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
from typing import TYPE_CHECKING, Any

import numpy as np

from ._version import __version__
from .errors import ConfigError, ModelFileError, ShapeError
from .layers import Activation, Conv2D, Dense, Dropout, Flatten, Layer, MaxPool2D, Softmax
from .training.trainer import Trainer

if TYPE_CHECKING:
    from .model import Sequential

KERAS_VERSION = "3.15.1"  # the Keras version whose files these are checked against
MAX_ENTRY_BYTES = 1 << 30  # a .keras entry larger than this is refused before unpacking

H5PY_HINT = 'pip install "neuronlab[keras]" (or: pip install h5py)'


class KerasFileError(ModelFileError):
    """A ``.keras`` file cannot be written or read (with what to do about it)."""


def fail(where: str, message: str) -> KerasFileError:
    """The error for the file at ``where``, saying what is wrong with it."""
    return KerasFileError(f"{where}: {message}")


def h5py_module() -> Any:
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
FROM_KERAS: dict[str | None, str] = {**{v: k for k, v in _TO_KERAS.items()}, "swish": "silu",
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


def model_config(model: Sequential) -> tuple[dict[str, Any], list[tuple[str, list[np.ndarray]]]]:
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
    from .losses import SparseCategoricalCrossentropy

    # compiled for integer labels: Keras must know, or it cannot train on them again
    sparse = isinstance(loss, SparseCategoricalCrossentropy)
    return {
        "optimizer": {"module": "keras.optimizers", "class_name": _OPTIMIZERS[optimizer.name],
                      "config": settings, "registered_name": None},
        "loss": "sparse_categorical_crossentropy" if sparse else _LOSSES[loss.name],
        "loss_weights": None,
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
    h5py = h5py_module()
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
    if not isinstance(model, Trainer):  # any neuronlab model
        raise ConfigError(f"save_keras expects a neuronlab model, got {type(model).__name__}.")
    target = Path(os.fspath(path))
    if target.suffix != ".keras":
        target = target.with_name(target.name + ".keras")
    model.require_built("save as .keras")
    config, weights = model_config(model)
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



def to_json(model: Sequential) -> str:
    """The Keras JSON config of ``model`` (its architecture, no weights)."""
    return json.dumps(model_config(model)[0])


def save_weights(model: Sequential, path: str | os.PathLike[str]) -> Path:
    """Write the weights alone as Keras 3's ``.weights.h5`` file (``model.save_weights``)."""
    target = Path(os.fspath(path))
    if not target.name.endswith(".weights.h5"):
        raise KerasFileError(f"save_weights writes Keras 3's weights file, whose name must end "
                             f"in .weights.h5, got {target.name!r} (e.g. 'model.weights.h5').")
    model.require_built("save_weights")
    _, weights = model_config(model)
    data = _weights_h5(model.name, weights)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return target


# --------------------------------------------------------------------------- reading weights
def read_weights(data: bytes, where: str) -> dict[str, list[np.ndarray]]:
    """``{layer name: [arrays]}`` from model.weights.h5, keyed by the name each layer's
    ``vars`` group records (and by the group's key, as Keras writes it)."""
    h5py = h5py_module()
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
        raise fail(where, f"its model.weights.h5 is not a readable HDF5 file ({exc}).") \
            from None
    return found


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
            raise fail(where, f"the weights file has no weights for layer {name!r} (looked "
                               f"for layers/{key}/vars with {len(names)} arrays).")
        _assign(layer, names, arrays, where)


def load_weights(model: Sequential, path: str | os.PathLike[str]) -> None:
    """Read a ``.weights.h5`` file (Keras 3's, or :func:`save_weights`') into ``model``,
    whose layers must be the same as those of the model that wrote it."""
    source = Path(os.fspath(path))
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise KerasFileError(f"load_weights cannot read {source}: {exc}.") from None
    model.require_built("load_weights")
    config, _ = model_config(model)
    keyed = [(layer, entry) for layer, entry in
             zip(model.layers, _entries_per_layer(model, config))]
    assign_weights(model, keyed, False, read_weights(data, str(source)), str(source))


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
            raise fail(where, str(exc)) from None
        if value.shape != current.shape:
            raise fail(where, f"{layer!r} expects {name} of shape {current.shape} (neuronlab's "
                               f"layout), the file holds shape {np.shape(array)}.")
        if not np.isfinite(value).all():
            raise fail(where, f"{layer!r} {name} holds NaN or infinite values.")
        current[...] = value
    layer.weights_given = True
