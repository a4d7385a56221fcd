"""``Sequential``: layers in a row, with Keras's compile / fit / evaluate / predict.

This module holds the model's structure (layers, weights, compile settings), its
forward and backward passes, one training step, ``predict``, ``evaluate``, ``summary``
and its config. ``fit`` is the loop of :class:`neuronlab.training.trainer.Trainer`,
which ``Sequential`` is; the data checks live in :mod:`neuronlab.training.data`.

>>> import numpy as np
>>> from neuronlab import Dense, Sequential, datasets
>>> X, y = datasets.xor()
>>> model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
...                     Dense(1, activation="sigmoid")], seed=0)
>>> model.compile(optimizer="sgd", loss="mse")
>>> model.predict(X).shape
(4, 1)
"""

from __future__ import annotations

import math
import warnings
import weakref
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from . import losses, optimizers
from . import metrics as metric_table
from .checks import all_finite, check_bool, check_int, check_seed
from .errors import (
    ConfigError,
    DataError,
    NotFittedError,
    ShapeError,
    TrainingDivergedError,
    UntrainedModelWarning,
)
from .keras_model import KerasModelMethods, check_arguments
from .layers import Layer, Parameters, Shape, as_shape
from .layers import from_config as layer_from_config
from .training import data, progress
from .training.callbacks import History
from .training.flat import FlatWeights
from .training.trainer import Trainer

#: Rows ``predict`` runs at once (a 784-128 net's first outputs, 1 MiB, stay in cache).
PREDICT_ROWS = 2048


@check_arguments
class Sequential(KerasModelMethods, Trainer):
    """A stack of layers, each feeding the next: ``(N, n_inputs) -> (N, outputs)``.

    ``seed`` fixes the initial weights (and, unless ``fit`` gets its own seed, the
    shuffling and dropout): the same seed gives bit-identical weights on one machine.
    ``dtype`` is ``"float32"`` (fast, the default) or ``"float64"`` (for checking).
    ``fit`` (from :class:`~neuronlab.training.trainer.Trainer`), ``predict`` and
    ``evaluate`` run each layer's own ``forward`` and ``backward``.
    """

    def __init__(self, layers: Iterable[Layer] | None = None, *, seed: int | None = None,
                 dtype: str | Any = "float32", name: str = "sequential") -> None:
        self.layers: list[Layer] = []
        self.seed = check_seed(seed)
        try:
            ok = isinstance(dtype, (str, type, np.dtype)) and np.dtype(dtype) in (np.float32,
                                                                                np.float64)
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ConfigError(f"Sequential dtype must be 'float32' or 'float64', got "
                              f"{repr(dtype)[:60]}.")
        self.dtype = np.dtype(dtype)
        if not isinstance(name, str):
            raise ConfigError(f"Sequential name must be a string, got {repr(name)[:60]}.")
        self.name = name
        self.optimizer: optimizers.Optimizer | None = None
        self.loss: losses.Loss | None = None
        self.metrics: list[str] = []
        self.history = History()
        self.stop_training = False
        self.flat: FlatWeights | None = None  # the weights as one array, made by train_step
        self.last_output: np.ndarray | None = None  # predictions of the latest train_step
        self._ready = False  # compiled, fitted, or given weights: predictions mean something
        self._warned_untrained = False
        self._input: Shape | None = None  # the shape given by Input(shape=...), if any
        if layers is not None and not isinstance(layers, (list, tuple)):
            raise ConfigError(
                f"Sequential takes a list of layers, e.g. Sequential([Dense(4, input_shape=(2,)), "
                f"Dense(1)]), got {repr(layers)[:60]} ({type(layers).__name__})."
            )
        for layer in layers or []:
            self.add(layer)

    # ----------------------------------------------------------------- structure
    def add(self, layer: Layer) -> None:
        """Append a layer (``Dense``, ``Dropout``, ``Flatten``, ``Conv2D``, ``MaxPool2D``...)."""
        from .layers.activation import Input

        if isinstance(layer, Input):  # keras.Input(shape=...): the next layer's input shape
            if self.layers or layer.layers:
                raise ConfigError("Input(shape=...) goes first in a Sequential model, once.")
            self._input = layer.shape
            return
        if not isinstance(layer, Layer):
            raise ConfigError(
                f"Sequential takes layers such as Dense(4), got {layer!r} "
                f"({type(layer).__name__})."
            )
        if not layer.built:
            layer.dtype = self.dtype  # weights given with set_weights take the model's dtype
        if not self.layers and getattr(self, "_input", None) is not None \
                and layer.input_shape is None:
            layer.input_shape = self._input
        self.layers.append(layer)
        self.flat = None
        # the layer asks the model to make the weights when it is asked for them (its
        # get_weights, count_params), as Keras, whose layers exist as soon as the shape is known
        layer.owner = weakref.ref(self)

    @property
    def built(self) -> bool:
        return bool(self.layers) and all(layer.built for layer in self.layers)

    @property
    def input_shape(self) -> Shape | None:
        """The shape of one input sample, e.g. ``(2,)`` or ``(8, 8, 1)`` (None if unknown)."""
        if not self.layers:
            return self._input
        first = self.layers[0]
        return first.built_shape or first.input_shape

    @property
    def n_inputs(self) -> int | None:
        """The number of input features of a model on flat samples (None for images)."""
        shape = self.input_shape
        return shape[0] if shape is not None and len(shape) == 1 else None

    def output_shapes(self, input_shape: Shape | None = None) -> list[Shape]:
        """The shape of one sample after each layer, for samples of ``input_shape``."""
        shape = input_shape or self.input_shape
        if shape is None:
            raise ShapeError("The model does not know its input shape yet.")
        shapes = []
        for layer in self.layers:
            shape = layer.compute_output_shape(shape)
            shapes.append(shape)
        return shapes

    @property
    def output_units(self) -> int:
        self.require_built("output_units")
        return self.output_shapes()[-1][-1]

    def build(self, input_shape: Shape | int | None = None, seed: int | None = None) -> None:
        """Make every layer's weights for samples of ``input_shape`` (an int: that many
        features; default: the first layer's ``input_shape``)."""
        if not self.layers:
            raise ConfigError("This model has no layers; add one, e.g. Sequential([Dense(1)]).")
        if isinstance(input_shape, (tuple, list)) and input_shape and input_shape[0] is None:
            input_shape = tuple(input_shape)[1:]  # Keras's (None, 16): the batch, then one sample
        shape = as_shape(input_shape, "input_shape") if input_shape is not None \
            else self.input_shape
        if shape is None:
            raise ShapeError(
                "The model does not know its number of inputs yet. Give the first layer "
                "input_shape=(n_features,), or call fit/build with data."
            )
        rng = np.random.default_rng(self.seed if self.seed is not None else seed)
        for layer in self.layers:
            if not layer.built:
                layer.build(shape, rng, self.dtype)
            elif layer.built_shape != shape:
                built = layer.built_shape
                raise ShapeError(
                    f"{layer!r} was built for {_describe(built)} but the layer before it "
                    f"gives {_describe(shape)}; check the previous layer's units."
                )
            shape = layer.compute_output_shape(shape)

    def parameters(self) -> Parameters:
        """Every trainable ``(value, gradient)`` pair, first layer first (a layer with
        ``trainable = False`` is left out, so no optimizer moves it)."""
        self.require_built("parameters")
        return [pair for layer in self.layers if layer.trainable
                for pair in layer.parameters()]

    def _build_if_size_known(self) -> None:
        """Make the weights as soon as the number of inputs is known, as Keras does."""
        if not self.built and self.layers and self.input_shape is not None:
            self.build()

    def count_params(self) -> int:
        self._build_if_size_known()
        return sum(layer.count_params() for layer in self.layers)

    def get_neuron_weights(self) -> list[np.ndarray]:
        """Copies of every weight, ``[W1, b1, W2, b2, ...]``, each ``W`` one row per neuron."""
        self.require_built("get_neuron_weights")
        return [w for layer in self.layers for w in layer.get_neuron_weights()]

    def set_neuron_weights(self, weights: Sequence[Any]) -> None:
        """Set every weight as :meth:`get_neuron_weights` gives them (``W`` one row each)."""
        self._set_weights(weights, neuron=True)

    def get_weights(self) -> list[np.ndarray]:
        """Copies of every weight in Keras's layout: ``[kernel1, b1, ...]``, each Dense
        kernel ``(n_inputs, units)``, the transpose of ``W``."""
        self.require_built("get_weights")
        return [w for layer in self.layers for w in layer.get_weights()]

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Set every weight from Keras's layout, as :meth:`get_weights` gives them."""
        self._set_weights(weights, neuron=False)

    def _set_weights(self, weights: Sequence[Any], neuron: bool) -> None:
        """Set every layer's weights in order, in Keras's layout or (``neuron``) neuronlab's."""
        expected = sum(len(layer.weight_names()) for layer in self.layers)
        if not isinstance(weights, (list, tuple)) or len(weights) != expected:
            got = f"{len(weights)}" if isinstance(weights, (list, tuple)) else repr(weights)[:60]
            method, pair = ("set_neuron_weights", "[W, b]") if neuron else ("set_weights",
                                                                            "[kernel, bias]")
            raise ShapeError(
                f"{method} expects {expected} arrays in a list ({pair} per Dense layer, as "
                f"{method.replace('set', 'get')} returns), got {got}."
            )
        if not self.built and self.input_shape is not None and len(self.input_shape) > 1:
            self.build()  # image layers take their weights' shapes from the input shape
        start = 0
        for layer in self.layers:
            count = len(layer.weight_names())
            if count:
                part = list(weights[start:start + count])
                if neuron:
                    layer.set_neuron_weights(part)
                else:
                    layer.set_weights(part)
                start += count
        if not self.built:
            self.build()
        self._ready = True

    # ----------------------------------------------------------------- compile
    def compile(self, optimizer: str | optimizers.Optimizer = "sgd",
                loss: str | losses.Loss = "mse", metrics: Sequence[str] | None = None) -> None:
        """Choose how to learn: an optimizer, a loss and metrics to report.

        Names work as in Keras: ``compile(optimizer="adam", loss="mse",
        metrics=["accuracy"])``.
        """
        self.optimizer = optimizers.get(optimizer)
        self.optimizer.attach(self)
        self.loss = losses.get(loss)
        if metrics is not None and not isinstance(metrics, (str, list, tuple)):
            raise ConfigError(f"compile metrics must be a list of names such as ['accuracy'], "
                              f"got {repr(metrics)[:60]}.")
        names = [metrics] if isinstance(metrics, str) else list(metrics or [])
        for name in names:
            metric_table.canonical_name(name)  # an unknown name stops here, saying which
        self.metrics = names  # logged under the names given (acc, mean_absolute_error), as Keras
        self.check_loss_matches_output(warn=True)
        self._ready = True

    def check_loss_matches_output(self, warn: bool = False) -> None:
        """Raise if the last layer's activation and the loss do not fit (probabilities
        where logits are expected, or the other way round); with ``warn``, also warn of
        a pair that runs but cannot learn (:func:`~neuronlab.losses.check_output`)."""
        last = self.layers[-1] if self.layers else None
        if last is not None and last.activation is not None and self.loss is not None:
            losses.check_output(self.loss, last.activation.name,
                                getattr(last, "units", None), warn)

    @property
    def output_gradient_is_fused(self) -> bool:
        """True when backward starts from ``loss.gradient_wrt_z``, ``(y_pred - y_true) / N``:
        a softmax or sigmoid last layer with its cross-entropy, from probabilities.
        The last layer is asked for its activation, whatever its kind."""
        activation = self.layers[-1].activation
        return (
            self.loss is not None
            and not self.loss.from_logits
            and activation is not None
            and activation.name == self.loss.pairs_with
        )

    def require_built(self, what: str) -> None:
        """Raise :class:`NotFittedError` naming ``what`` if the weights do not exist yet
        (making them first if the number of inputs is known)."""
        self._build_if_size_known()
        if not self.built:
            raise NotFittedError(
                f"{what} needs the model's weights, which do not exist yet. Give the first "
                "layer input_shape=(n_features,) and compile, or fit the model on data first."
            )

    def require_compiled(self, what: str) -> None:
        """Raise :class:`NotFittedError` naming ``what`` if ``compile`` was not called."""
        if self.optimizer is None or self.loss is None:
            raise NotFittedError(
                f"{what} needs a compiled model: call model.compile(optimizer='sgd', "
                f"loss='mse') first."
            )

    # ----------------------------------------------------------------- forward / backward
    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        """Run ``X`` through every layer, ``(N, n_inputs) -> (N, outputs)`` (no checks:
        use :meth:`predict` for user data)."""
        out = X
        for layer in self.layers:
            out = layer.forward(out, training)
        return out

    def backward(self, y_pred: np.ndarray, y_true: np.ndarray,
                 sample_weight: np.ndarray | None = None) -> None:
        """Fill every parameter's gradient: the chain rule, last layer first.

        The gradient starts as ``dL/dy_pred = loss.gradient(y_pred, y_true)``, or, for a
        softmax/sigmoid last layer with its cross-entropy, directly as
        ``dL/dz = (y_pred - y_true) / N`` (``loss.gradient_wrt_z``). Each layer turns
        the gradient at its output into the gradient at its input. With
        ``sample_weight`` each sample's row of that gradient is scaled by its weight.
        """
        assert self.loss is not None
        fused = self.output_gradient_is_fused
        if fused:
            grad = self.loss.gradient_wrt_z(y_pred, y_true)  # dL/dz of the last layer
        else:
            grad = self.loss.gradient(y_pred, y_true)  # dL/dy_pred
        if sample_weight is not None:
            grad = grad * sample_weight.reshape(-1, *([1] * (grad.ndim - 1)))
        last = len(self.layers) - 1
        for i in range(last, -1, -1):
            if i == last and fused:
                grad = self.layers[i].backward(grad, need_input_grad=i > 0, grad_is_z=True)
            else:
                grad = self.layers[i].backward(grad, need_input_grad=i > 0)

    def penalty(self) -> float:
        """The penalties of every layer, ``l2 * sum(W^2) + l1 * sum(|W|)`` added up (0
        without L2 and L1)."""
        total = 0.0
        for layer in self.layers:
            total += layer.penalty()
        return total

    def compute_loss(self, y_pred: np.ndarray, Y: np.ndarray,
                     sample_weight: np.ndarray | None = None) -> float:
        """``L = loss(y_pred, Y) + sum of the layers' L2/L1 penalties``: what training
        minimizes. With ``sample_weight``, as Keras: ``sum(w_i * loss_i) / N`` (not
        divided by ``N`` for a loss that sums, ``sse``: the gradient it scales is not)."""
        assert self.loss is not None
        if sample_weight is None:
            return self.loss.value(y_pred, Y) + self.penalty()
        per_sample = [self.loss.value(y_pred[i:i + 1], Y[i:i + 1]) for i in range(len(Y))]
        weighted = float(np.dot(sample_weight, per_sample))
        return (weighted / len(Y) if self.loss.averages else weighted) + self.penalty()

    # ----------------------------------------------------------------- training
    def train_step(self, X: Any, Y: Any, sample_weight: Any = None) -> float:
        """One step of gradient descent on one batch; returns the batch loss before the step.

        ``X`` and ``Y`` must already be prepared arrays of the model's dtype (``fit``
        prepares them). The predictions the loss came from are kept in
        ``model.last_output``. A loss that is not a finite number raises
        :class:`~neuronlab.errors.TrainingDivergedError` before any weight changes.
        """
        if self.optimizer is None or self.loss is None:
            self.require_compiled("train_step")  # raises, saying how to compile
        assert self.optimizer is not None
        if not isinstance(X, np.ndarray) or X.dtype != self.dtype:
            X = data.prepare_inputs(self, X)  # lists, other dtypes: checked as fit checks
        if self.flat is None and not self.built:  # (flat weights exist only once built)
            self.build(X.shape[1:])
        if not isinstance(Y, np.ndarray) or Y.dtype != self.dtype or Y.ndim != 2:
            Y = data.prepare_targets(self, Y, len(X))
        y_pred = self.forward(X, training=True)  # layer by layer
        loss = self.compute_loss(y_pred, Y, sample_weight)
        if not math.isfinite(loss):
            raise TrainingDivergedError.from_loss(loss, self.optimizer.learning_rate)
        self.backward(y_pred, Y, sample_weight)  # the chain rule, last layer first
        self.update_weights()  # w = w - learning_rate * dL/dw, or the optimizer's rule
        self.last_output = y_pred
        return loss

    def update_weights(self) -> None:
        """The optimizer's step on every weight, from the gradients backward left.

        The weights live in one flat array (:class:`~neuronlab.training.flat.FlatWeights`,
        made on the first step), so an optimizer that treats every number alike updates
        them all with one call; the others go weight by weight.
        """
        assert self.optimizer is not None
        if self.flat is None or not self.flat.intact():  # the first step, or a layer changed
            self.flat = FlatWeights.pack(self.layers)
        if self.flat is None or not self.flat.trainable:  # mixed dtypes, or frozen layers
            self.optimizer.step(self.parameters())  # one array at a time (frozen ones left out)
        elif type(self.optimizer).step is optimizers.Optimizer.step:  # plain SGD uses flat
            self.optimizer.step(self.flat.pairs, flat=(self.flat.values, self.flat.grads))
        else:  # an optimizer with its own step
            self.optimizer.step(self.flat.pairs)

    # ----------------------------------------------------------------- predict / evaluate
    def predict(self, X: Any, batch_size: int | None = None, verbose: int | str = "auto",
                callbacks: Any = None) -> np.ndarray:
        """Outputs for every row of ``X``: ``(N, n_inputs) -> (N, outputs)``.

        As in Keras, a model that was never compiled, fitted or given weights (with
        ``set_weights``, on the model or on each Dense layer) still predicts, from its
        random starting weights; it says so once with an :class:`UntrainedModelWarning`.
        Outputs that overflow to infinity or NaN raise :class:`DataError`.
        """
        if verbose != "auto":
            progress.check_verbose(verbose)  # accepted as in Keras; predict prints nothing
        if callbacks is not None:
            raise ConfigError("predict takes no callbacks in neuronlab (it runs in one go).")
        given, X = X, data.prepare_inputs(self, X, check_finite=False)  # outputs are checked
        size = check_int(batch_size, "batch_size") if batch_size is not None else PREDICT_ROWS
        self._warn_if_untrained()
        outputs, finite = [], True
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for start in range(0, len(X), size):
                x = X[start:start + size] if len(X) > size else X
                outputs.append(self.forward(x))
                finite = finite and self.inputs_were_finite(x)
        out = outputs[0] if len(outputs) == 1 else np.concatenate(outputs)
        if not (finite and all_finite(out)):
            data.prepare_inputs(self, given)  # NaN, infinity or too large in X: says so
            raise DataError(
                "The model's outputs are not finite numbers (they overflowed to infinity or "
                f"NaN in {self.dtype.name}): the inputs or the weights are too large. Scale "
                "the inputs to around -1..1, or train with a smaller learning rate."
            )
        return out

    def inputs_were_finite(self, x: np.ndarray) -> bool:
        """True if the inputs ``x`` the model just ran forward held no NaN or infinity.
        A fully connected first layer adds every input into every weighted sum, so its
        ``z`` (smaller than ``x`` for wide inputs) shows any of them."""
        first = self.layers[0]
        z = first.z if first.fully_connected else None
        return all_finite(z if z is not None and z.size < x.size else x)

    def _warn_if_untrained(self) -> None:
        """Say once per model when its weights are the random ones it started with."""
        if self._ready or self._warned_untrained or all(
                layer.weights_given for layer in self.layers if layer.weight_names()):
            return
        self._warned_untrained = True
        warnings.warn(
            f"{self.name} predicts with random starting weights: it was never compiled, "
            "fitted or given weights, so its answers mean nothing yet. Train it with "
            "compile(...) and fit(X, y), or set weights with set_weights(...).",
            UntrainedModelWarning, stacklevel=3,
        )

    def __call__(self, X: Any, training: bool = False) -> np.ndarray:
        """``model(X)``: the outputs for ``X``, as Keras; ``training=True`` runs the layers
        as in training (Dropout drops)."""
        training = check_bool(training, "training")
        X = data.prepare_inputs(self, X)
        return self.forward(X, training=training)

    def compute_metrics(self, X: np.ndarray, Y: np.ndarray,
                        sample_weight: np.ndarray | None = None) -> dict[str, float]:
        """``{"loss": ..., metric: ...}`` on prepared arrays ``X, Y`` (no checks); the
        loss weighted by ``sample_weight`` if given, the metrics not (as Keras's)."""
        assert self.loss is not None
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            y_pred = self.forward(X)
            scores = {"loss": self.compute_loss(y_pred, Y, sample_weight)}
            for name in self.metrics:
                scores[name] = metric_table.get(name)(y_pred, Y)
        return scores

    def evaluate(self, X: Any, y: Any, batch_size: int | None = None, verbose: int | str = 0,
                 return_dict: bool = False) -> Any:
        """The loss (and metrics) on ``X, y``: a float, ``[loss, *metrics]``, or a dict.

        The arguments are Keras's: ``verbose`` 1 or 2 prints the scores on one line (0,
        the default, prints nothing); ``batch_size`` is checked but the scores are always
        computed over all the samples at once, so it does not change them.
        Scores that are not finite (outputs too large for the model's dtype) raise
        :class:`DataError`.
        """
        self.require_compiled("evaluate")
        if batch_size is not None:
            check_int(batch_size, "batch_size")
        verbose = progress.check_verbose(verbose)
        return_dict = check_bool(return_dict, "return_dict")
        X = data.prepare_inputs(self, X)
        scores = self.compute_metrics(X, data.prepare_targets(self, y, len(X)))
        bad = [name for name, value in scores.items() if not np.isfinite(value)]
        if bad:
            raise DataError(
                f"evaluate: the {bad[0]} came out as {scores[bad[0]]} (not a finite number): the "
                f"predictions or targets are too large for {self.dtype.name}. Scale the data to "
                f"around -1..1, or use Sequential(..., dtype='float64')."
            )
        if verbose:
            print(progress.format_logs(scores))
        if return_dict:
            return scores
        return scores["loss"] if not self.metrics else list(scores.values())

    # ----------------------------------------------------------------- description
    def summary(self, print_fn: Any = print) -> None:
        """Print a table of the layers, their output shapes and parameter counts."""
        self._build_if_size_known()
        rows = [("Layer", "Output shape", "Params", "Activation")]
        shapes: list[Shape | None] = (list(self.output_shapes()) if self.input_shape
                                      else [None] * len(self.layers))
        for layer, out in zip(self.layers, shapes):
            shape = str((None, *out)) if out is not None else "(not built)"
            act = layer.activation.name if layer.activation is not None else "-"
            params = str(layer.count_params()) if layer.built or not layer.weight_names() \
                else "?"
            rows.append((repr(layer).split("(")[0], shape, params, act))
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = [f'Model "{self.name}" ({self.dtype})']
        rule = "-" * (sum(widths) + 6)
        for k, row in enumerate(rows):
            lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
            if k == 0:
                lines.append(rule)
        lines.append(rule)
        lines.append(f"Total params: {self.count_params() if self.built else '?'}")
        if self.optimizer is not None and self.loss is not None:
            lines.append(f"Optimizer: {self.optimizer!r}   Loss: {self.loss.name}")
        print_fn("\n".join(lines))

    def get_config(self) -> dict[str, Any]:
        """Architecture (and compile settings) as plain JSON-able data."""
        config: dict[str, Any] = {
            "name": self.name,
            "dtype": str(self.dtype),
            "seed": self.seed,
            "layers": [layer.get_config() for layer in self.layers],
        }
        if self.optimizer is not None and self.loss is not None:
            config["compile"] = {
                "optimizer": self.optimizer.get_config(),
                "loss": self.loss.get_config(),
                "metrics": list(self.metrics),
            }
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Sequential:
        """Rebuild an (untrained) model from :meth:`get_config`."""
        model = cls([layer_from_config(c) for c in config["layers"]],
                    seed=config.get("seed"), dtype=config.get("dtype", "float32"),
                    name=config.get("name", "sequential"))
        if "compile" in config:
            c = config["compile"]
            model.compile(optimizers.from_config(c["optimizer"]), losses.from_config(c["loss"]),
                          c.get("metrics") or None)
        return model

    def save(self, path: Any) -> Any:
        """Write this model to one ``.npz`` file, as Keras' ``model.save``; returns the path.
        A path ending in ``.keras`` writes Keras 3's ``.keras`` file (needs h5py).

        The same as :func:`neuronlab.save_model`; read it back with ``neuronlab.load_model``.
        """
        from .saving import save_model

        return save_model(self, path)

    def to_torch(self) -> Any:
        """An equivalent ``torch.nn.Sequential`` (needs PyTorch); see :mod:`.torch_bridge`."""
        from .torch_bridge import to_torch

        return to_torch(self)

    def __repr__(self) -> str:
        return f"Sequential([{', '.join(repr(layer) for layer in self.layers)}])"

    def _repr_svg_(self) -> str | None:
        """A compact diagram for Jupyter (None, so plain text, while the input size is unknown)."""
        from .diagrams import sequential_svg

        return sequential_svg(self)


def _describe(shape: Shape | None) -> str:
    """``4 inputs`` for a flat shape ``(4,)``, ``inputs of shape (8, 8, 1)`` otherwise."""
    if shape is not None and len(shape) == 1:
        return f"{shape[0]} inputs"
    return f"inputs of shape {shape}"
