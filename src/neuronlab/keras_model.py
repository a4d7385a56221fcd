"""The rest of Keras's model API, on top of :class:`~neuronlab.model.Sequential`.

:class:`KerasModelMethods` adds, using only the model's public methods: ``weights``,
``get_layer``, ``pop``, ``save_weights``/``load_weights``, ``to_json``,
``train_on_batch``, ``test_on_batch``, ``predict_on_batch``, ``metrics_names``,
``export`` (ONNX) and ``model(X, training=True)``. :func:`check_arguments` gives every
public method the layers' argument check: an unknown keyword is named with its nearest
valid spelling instead of a bare ``TypeError``. :class:`Model` is Keras's Functional
API for a chain of layers::

    inputs = Input(shape=(4,))
    x = Dense(8, activation="relu")(inputs)
    outputs = Dense(1)(x)
    model = Model(inputs, outputs)
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from .checks import check_bool, check_call
from .errors import ConfigError, ShapeError

T = TypeVar("T", bound=type)

#: Keras arguments neuronlab leaves out on purpose, with the reason it gives.
UNSUPPORTED = {
    "steps_per_epoch": "neuronlab trains on whole arrays; give all the samples to fit",
    "validation_steps": "neuronlab validates on the whole validation set",
    "validation_freq": "neuronlab validates after every epoch",
    "workers": "neuronlab runs in one process",
    "use_multiprocessing": "neuronlab runs in one process",
    "max_queue_size": "neuronlab does not read data from a generator",
    "callbacks_list": "the argument is called callbacks",
    "run_eagerly": "neuronlab always runs eagerly, step by step",
    "jit_compile": "neuronlab runs NumPy, nothing is compiled",
    "steps_per_execution": "neuronlab runs one batch per step",
    "loss_weights": "neuronlab models have one output",
    "weighted_metrics": "neuronlab weighs metrics only through sample_weight in fit",
}


#: The steps ``fit`` and ``predict`` run on every batch, with arguments neuronlab's own
#: code gives: not wrapped, so the check costs nothing per batch (a wrong call of one of
#: them still gets Python's own TypeError, naming the method and the argument).
PER_BATCH = frozenset({"forward", "backward", "train_step", "compute_loss", "penalty",
                       "update_weights", "inputs_were_finite"})


def check_arguments(cls: T) -> T:
    """Wrap every public method of ``cls`` (but the :data:`PER_BATCH` steps) so that a
    call with arguments it does not take raises :class:`~neuronlab.errors.ArgumentError`
    naming the method, the unknown keyword and its nearest valid spelling (or why
    Keras's argument is left out)."""
    seen: set[str] = set(PER_BATCH)
    for klass in cls.__mro__[:-1]:  # its own methods and those it inherits (Trainer's fit)
        for name, method in list(vars(klass).items()):
            if name in seen or (name.startswith("_") and name != "__call__"):
                continue
            seen.add(name)
            if inspect.isfunction(method):
                setattr(cls, name, _checked(f"{cls.__name__}.{name}", method))
    return cls


def _checked(what: str, method: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(method)
    kind = inspect.Parameter
    kinds = [p.kind for p in signature.parameters.values()]
    open_ended = kind.VAR_POSITIONAL in kinds or kind.VAR_KEYWORD in kinds
    positional = sum(k in (kind.POSITIONAL_ONLY, kind.POSITIONAL_OR_KEYWORD)
                     for k in kinds) - 1  # without self
    names = frozenset(signature.parameters)

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        if open_ended or (len(args) <= positional and names.issuperset(kwargs)):
            return method(self, *args, **kwargs)  # every argument is one it takes: no binding
        try:
            signature.bind(self, *args, **kwargs)
        except TypeError:
            known = set(signature.parameters)
            for key in kwargs:
                if key not in known and key in UNSUPPORTED:
                    from .errors import ArgumentError

                    raise ArgumentError(f"{what} does not take {key}=: {UNSUPPORTED[key]}.") \
                        from None
            check_call(what, method, args, kwargs)
        return method(self, *args, **kwargs)

    return wrapper


class KerasModelMethods:
    """Keras model methods that need nothing but the model's public methods."""

    layers: list[Any]
    name: str
    flat: Any

    # ----------------------------------------------------------------- structure
    @property
    def weights(self) -> list[np.ndarray]:
        """Every weight, first layer first, in Keras's layout (as ``get_weights``)."""
        return self.get_weights()  # type: ignore[attr-defined]

    @property
    def trainable_weights(self) -> list[np.ndarray]:
        return [w for layer in self.layers if getattr(layer, "trainable", True)
                for w in layer.get_weights()]

    @property
    def non_trainable_weights(self) -> list[np.ndarray]:
        return [w for layer in self.layers if not getattr(layer, "trainable", True)
                for w in layer.get_weights()]

    def get_layer(self, name: str | None = None, index: int | None = None) -> Any:
        """The layer called ``name``, or the layer at position ``index``."""
        if (name is None) == (index is None):
            raise ConfigError("get_layer takes a name or an index, e.g. get_layer('dense') or "
                              "get_layer(index=0).")
        if index is not None:
            if isinstance(index, bool) or not isinstance(index, int) or \
                    not -len(self.layers) <= index < len(self.layers):
                raise ConfigError(f"get_layer(index={index!r}): the model has "
                                  f"{len(self.layers)} layers, so the index runs from 0 to "
                                  f"{len(self.layers) - 1}.")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        names = [layer.name for layer in self.layers]
        raise ConfigError(f"No layer is called {name!r}; the layers are called {names}.")

    def pop(self, rebuild: bool = True) -> Any:
        """Remove the last layer and return it."""
        if not self.layers:
            raise ConfigError("pop: the model has no layers left to remove.")
        self.flat = None  # the weights in one flat array are packed again at the next step
        return self.layers.pop()

    # ----------------------------------------------------------------- files
    def save_weights(self, filepath: str | os.PathLike[str], overwrite: bool = True) -> Path:
        """Write the weights as Keras 3's ``.weights.h5`` file (needs h5py)."""
        from .keras_files import save_weights

        target = Path(os.fspath(filepath))
        if not check_bool(overwrite, "overwrite") and target.exists():
            raise ConfigError(f"{target} exists; pass overwrite=True to replace it.")
        return save_weights(self, target)  # type: ignore[arg-type]

    def load_weights(self, filepath: str | os.PathLike[str]) -> None:
        """Read weights written by ``save_weights`` (here or in Keras 3) into this model."""
        from .keras_files import load_weights

        load_weights(self, filepath)  # type: ignore[arg-type]
        self._ready = True

    def to_json(self) -> str:
        """The model's architecture as Keras's JSON (``keras.models.model_from_json``
        reads it, so does :func:`neuronlab.models.model_from_json`)."""
        from .keras_files import to_json

        return to_json(self)  # type: ignore[arg-type]

    def export(self, filepath: str | os.PathLike[str], format: str = "onnx") -> Path:
        """Write the model for inference runtimes: ``format="onnx"`` (the only one)."""
        if format != "onnx":
            raise ConfigError(f"export writes ONNX files (format='onnx'); {format!r} (a "
                              "TensorFlow format) is not available in neuronlab.")
        from .onnx_export import save_onnx

        return save_onnx(self, filepath)  # type: ignore[arg-type]

    # ----------------------------------------------------------------- one batch
    @property
    def metrics_names(self) -> list[str]:
        """``["loss", *metrics]``: the order of ``evaluate``'s list and
        ``train_on_batch``'s."""
        return ["loss", *getattr(self, "metrics", [])]

    def train_on_batch(self, x: Any, y: Any, sample_weight: Any = None,
                       class_weight: Any = None, return_dict: bool = False) -> Any:
        """One step of gradient descent on this one batch; returns the loss (and metrics)
        of the predictions before the step, as Keras."""
        from . import metrics as metric_table
        from .training import data

        model: Any = self
        model.require_compiled("train_on_batch")
        if sample_weight is not None or class_weight is not None:
            raise ConfigError("train_on_batch takes no sample_weight or class_weight in "
                              "neuronlab; use fit(X, y, sample_weight=...) for weighted steps.")
        X = data.prepare_inputs(model, x)
        if not model.built:
            model.build(X.shape[1:])
        Y = data.prepare_targets(model, y, len(X))
        loss = model.train_step(X, Y)
        scores = {"loss": float(loss)}
        for name in model.metrics:
            scores[name] = float(metric_table.get(name)(model.last_output, Y))
        if check_bool(return_dict, "return_dict"):
            return scores
        return scores["loss"] if len(scores) == 1 else list(scores.values())

    def test_on_batch(self, x: Any, y: Any, return_dict: bool = False) -> Any:
        """The loss (and metrics) on this batch, as ``evaluate``."""
        return self.evaluate(x, y, return_dict=return_dict)  # type: ignore[attr-defined]

    def predict_on_batch(self, x: Any) -> np.ndarray:
        return self.predict(x)  # type: ignore[attr-defined]


def _input_of(model_input: Any) -> Any:
    from .layers.activation import Input

    if not isinstance(model_input, Input):
        raise ConfigError(
            f"Model(inputs, outputs) takes the Input and the result of calling layers on it, "
            f"e.g. inputs = Input(shape=(4,)); outputs = Dense(1)(inputs); got "
            f"{type(model_input).__name__}."
        )
    return model_input


def functional_layers(inputs: Any, outputs: Any) -> tuple[tuple[int, ...], list[Any]]:
    """The input shape and the chain of layers from ``inputs`` to ``outputs``."""
    if isinstance(inputs, (list, tuple)) or isinstance(outputs, (list, tuple)):
        if len(inputs if isinstance(inputs, (list, tuple)) else [inputs]) != 1 or \
                len(outputs if isinstance(outputs, (list, tuple)) else [outputs]) != 1:
            raise ConfigError("neuronlab's Model takes one input and one output (a chain of "
                              "layers); models with several inputs or outputs are not "
                              "available.")
        inputs = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
        outputs = outputs[0] if isinstance(outputs, (list, tuple)) else outputs
    start, end = _input_of(inputs), _input_of(outputs)
    if end.source is not start.source or len(end.layers) < len(start.layers) or \
            end.layers[:len(start.layers)] != start.layers:
        raise ShapeError("Model(inputs, outputs): the outputs were not computed from these "
                         "inputs. Call the layers on the Input you pass as inputs.")
    return start.shape, end.layers[len(start.layers):]
