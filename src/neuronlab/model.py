"""``Sequential``: layers in a row, with Keras's compile / fit / evaluate / predict.

The training loop is the one of the lessons, written out once::

    for each epoch:
        for each batch (X_b, y_b):
            y_hat = forward(X_b)                 # layer by layer
            loss  = loss.value(y_hat, y_b)
            grad  = loss.gradient(y_hat, y_b)    # dL/dy_hat
            backward(grad)                       # chain rule, last layer first
            optimizer.step(parameters)           # w = w - learning_rate * dL/dw

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
import time
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from . import losses, optimizers
from . import metrics as metric_table
from .callbacks import Callback, Logs
from .errors import (
    ConfigError,
    DataError,
    NotFittedError,
    ShapeError,
    TrainingDivergedError,
)
from .layers import Dense, Dropout, Layer, Parameters
from .layers import from_config as layer_from_config
from .optimizers import FlatParameters
from .validation import as_float_array, check_int

DEFAULT_BATCH_SIZE = 32


class History(Callback):
    """What ``fit`` returns: ``history.history["loss"]`` (and every metric) per epoch.

    ``history.epoch`` lists the epoch numbers, counted from 0.
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []
        self.params: dict[str, Any] = {}

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))

    def __repr__(self) -> str:
        if not self.epoch:
            return "History(no epochs)"
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.history.items())
        return f"History({len(self.epoch)} epochs, last: {last})"


class Sequential:
    """A stack of layers, each feeding the next: ``(N, n_inputs) -> (N, outputs)``.

    ``seed`` fixes the initial weights (and, unless ``fit`` gets its own seed, the
    shuffling and dropout): the same seed gives bit-identical weights on one machine.
    ``dtype`` is ``"float32"`` (fast, the default) or ``"float64"`` (for checking).
    """

    def __init__(self, layers: Iterable[Layer] | None = None, *, seed: int | None = None,
                 dtype: str | Any = "float32", name: str = "sequential") -> None:
        self.layers: list[Layer] = []
        self.seed = seed
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ConfigError(f"Sequential dtype must be 'float32' or 'float64', got {dtype!r}.")
        self.name = name
        self.optimizer: optimizers.Optimizer | None = None
        self.loss: losses.Loss | None = None
        self.metrics: list[str] = []
        self.history = History()
        self.stop_training = False
        self._ready = False  # compiled, fitted, or given weights: predictions mean something
        self._flat: FlatParameters | None = None  # see _pack
        self._penalized: list[Layer] = []  # layers with an L2 term, set when training starts
        for layer in layers or []:
            self.add(layer)

    # ----------------------------------------------------------------- structure
    def add(self, layer: Layer) -> None:
        """Append a layer (a ``Dense`` or ``Dropout``)."""
        if not isinstance(layer, Layer):
            raise ConfigError(
                f"Sequential takes layers such as Dense(4), got {layer!r} "
                f"({type(layer).__name__})."
            )
        self.layers.append(layer)

    @property
    def built(self) -> bool:
        return bool(self.layers) and all(layer.built for layer in self.layers)

    @property
    def n_inputs(self) -> int | None:
        if not self.layers:
            return None
        first = self.layers[0]
        if first.n_inputs is not None:
            return first.n_inputs
        return first.input_shape[0] if first.input_shape else None

    @property
    def output_units(self) -> int:
        self._require_built("output_units")
        units = self.n_inputs or 0
        for layer in self.layers:
            units = layer.output_units(units)
        return units

    def build(self, n_inputs: int | None = None, seed: int | None = None) -> None:
        """Make every layer's weights for ``n_inputs`` features (default: ``input_shape``)."""
        if not self.layers:
            raise ConfigError("This model has no layers; add one, e.g. Sequential([Dense(1)]).")
        n = n_inputs if n_inputs is not None else self.n_inputs
        if n is None:
            raise ShapeError(
                "The model does not know its number of inputs yet. Give the first layer "
                "input_shape=(n_features,), or call fit/build with data."
            )
        rng = np.random.default_rng(self.seed if self.seed is not None else seed)
        fresh = not any(layer.built for layer in self.layers)
        for layer in self.layers:
            if not layer.built:
                layer.build(n, rng, self.dtype)
            elif layer.n_inputs != n:
                raise ShapeError(
                    f"{layer!r} was built for {layer.n_inputs} inputs but the layer before it "
                    f"gives {n}; check the previous layer's units."
                )
            n = layer.output_units(n)
        # Weights this call just made belong to no one else yet: they may move (see _pack).
        self._flat = _pack(self.layers) if fresh else None
        self._params: Parameters = [p for layer in self.layers for p in layer.parameters()]

    def parameters(self) -> Parameters:
        """Every ``(value, gradient)`` pair, first layer first."""
        self._require_built("parameters")
        return list(self._params)

    def _build_if_size_known(self) -> None:
        """Make the weights as soon as the number of inputs is known, as Keras does."""
        if not self.built and self.layers and self.n_inputs is not None:
            self.build()

    def count_params(self) -> int:
        self._build_if_size_known()
        return sum(layer.count_params() for layer in self.layers)

    def get_weights(self) -> list[np.ndarray]:
        """Copies of ``[W1, b1, W2, b2, ...]``."""
        self._require_built("get_weights")
        return [w for layer in self.layers for w in layer.get_weights()]

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Set ``[W1, b1, W2, b2, ...]`` (each ``W`` of shape ``(units, n_inputs)``)."""
        weights = list(weights)
        expected = sum(2 if isinstance(layer, Dense) else 0 for layer in self.layers)
        if len(weights) != expected:
            raise ShapeError(
                f"set_weights expects {expected} arrays ([W, b] per Dense layer), got "
                f"{len(weights)}."
            )
        for layer in self.layers:
            if isinstance(layer, Dense):
                W = np.asarray(weights.pop(0))
                if not layer.built and layer.n_inputs is None:
                    layer.build(W.shape[1], np.random.default_rng(0), self.dtype)
                layer.set_weights([W, weights.pop(0)])
        if not self.built:
            self.build()
        else:
            self._params = [p for layer in self.layers for p in layer.parameters()]
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
        names = [metrics] if isinstance(metrics, str) else list(metrics or [])
        self.metrics = [metric_table.canonical_name(m) for m in names]
        self._check_loss_matches_output()
        self._ready = True

    def _check_loss_matches_output(self) -> None:
        last = self.layers[-1] if self.layers else None
        if not isinstance(last, Dense) or not isinstance(
            self.loss, (losses.BinaryCrossentropy, losses.CategoricalCrossentropy)
        ):
            return
        act = last.activation.name
        pair = self.loss.pairs_with
        if self.loss.from_logits and act in ("sigmoid", "softmax"):
            raise ConfigError(
                f"{self.loss.name}(from_logits=True) expects raw scores (logits), but the last "
                f"layer already applies {act!r}, so it gives probabilities. Use "
                f"activation=None on the last layer, or the loss with from_logits=False."
            )
        if not self.loss.from_logits and act != pair and act in ("linear", "relu", "leaky_relu"):
            raise ConfigError(
                f"{self.loss.name} expects probabilities, but the last layer's activation is "
                f"{act!r}, so it gives raw scores (logits). Use activation={pair!r} on the "
                f"last layer, or pass the loss with from_logits=True."
            )

    @property
    def _fused(self) -> bool:
        last = self.layers[-1]
        return (
            self.loss is not None
            and not self.loss.from_logits
            and isinstance(last, Dense)
            and last.activation.name == self.loss.pairs_with
        )

    # ----------------------------------------------------------------- data checks
    def _prepare_inputs(self, X: Any, name: str = "X", seed: int | None = None) -> np.ndarray:
        X = as_float_array(X, name, dtype=self.dtype)
        if not self.built:
            expected = self.n_inputs
            if expected is not None and X.shape[1] != expected:
                raise self._feature_error(X, expected, name)
            self.build(X.shape[1], seed=seed)
        elif X.shape[1] != self.n_inputs:
            raise self._feature_error(X, self.n_inputs or 0, name)
        return X

    @staticmethod
    def _feature_error(X: np.ndarray, expected: int, name: str) -> ShapeError:
        return ShapeError(
            f"This model expects {expected} input features per sample, got {name} with shape "
            f"{X.shape} ({X.shape[1]} features). Pass data with {expected} columns, or give the "
            f"first layer input_shape=({X.shape[1]},)."
        )

    def _prepare_targets(self, y: Any, n_samples: int, name: str = "y") -> np.ndarray:
        k = self.output_units
        Y = np.asarray(y) if not isinstance(y, np.ndarray) else y
        if Y.ndim == 1:
            Y = Y.reshape(-1, 1)
        Y = as_float_array(Y, name, dtype=np.float64)
        if len(Y) != n_samples:
            raise ShapeError(
                f"X has {n_samples} samples but {name} has {len(Y)}; give exactly one target "
                f"per sample (row of X)."
            )
        if k > 1 and Y.shape[1] == 1:
            Y = self._labels_to_one_hot(Y[:, 0], k, name)
        elif Y.shape[1] != k:
            what = "one-hot rows" if k > 1 else "targets"
            raise ShapeError(
                f"The model's last layer has {k} output(s) but {name} has width {Y.shape[1]} "
                f"(shape {Y.shape}). Give {what} of width {k}, integer class labels of shape "
                f"({n_samples},), or change the last layer's units to {Y.shape[1]}."
            )
        loss = self.loss
        is_crossentropy = isinstance(loss, (losses.BinaryCrossentropy,
                                            losses.CategoricalCrossentropy))
        if loss is not None and is_crossentropy and ((Y < 0).any() or (Y > 1).any()):
            raise DataError(
                f"{loss.name} needs targets between 0 and 1, got {name} values from "
                f"{Y.min():g} to {Y.max():g}. Use 0/1 labels (or one-hot rows)."
            )
        return Y.astype(self.dtype, copy=False)

    @staticmethod
    def _labels_to_one_hot(labels: np.ndarray, k: int, name: str) -> np.ndarray:
        if not np.all(labels == np.round(labels)):
            raise DataError(
                f"The model has {k} outputs, so {name} with one column must hold integer class "
                f"labels 0..{k - 1}, but it has non-integer values such as "
                f"{labels[labels != np.round(labels)][0]:g}."
            )
        low, high = labels.min(), labels.max()
        if low < 0 or high >= k:
            raise DataError(
                f"Class labels must be in 0..{k - 1} for a last layer of {k} units, got labels "
                f"from {low:g} to {high:g}. Use {int(high) + 1} output units or relabel the data."
            )
        one_hot = np.zeros((len(labels), k))
        one_hot[np.arange(len(labels)), labels.astype(int)] = 1.0
        return one_hot

    def _require_built(self, what: str) -> None:
        self._build_if_size_known()
        if not self.built:
            raise NotFittedError(
                f"{what} needs the model's weights, which do not exist yet. Give the first "
                "layer input_shape=(n_features,) and compile, or fit the model on data first."
            )

    def _require_compiled(self, what: str) -> None:
        if self.optimizer is None or self.loss is None:
            raise NotFittedError(
                f"{what} needs a compiled model: call model.compile(optimizer='sgd', "
                f"loss='mse') first."
            )

    # ----------------------------------------------------------------- forward / backward
    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        """Run ``X`` through every layer (no checks: use :meth:`predict` for user data)."""
        out = X
        for layer in self.layers:
            out = layer.forward(out, training)
        return out

    def backward(self, y_pred: np.ndarray, y_true: np.ndarray) -> None:
        """Fill every parameter's gradient from the loss of ``y_pred`` against ``y_true``."""
        assert self.loss is not None
        layers = self.layers
        last = len(layers) - 1
        if self._fused:
            grad = self.loss.gradient_wrt_z(y_pred, y_true)
            dense = layers[last]
            assert isinstance(dense, Dense)
            grad = dense.backward(grad, need_input_grad=last > 0, grad_is_z=True)
        else:
            grad = self.loss.gradient(y_pred, y_true)
            grad = layers[last].backward(grad, need_input_grad=last > 0)
        for i in range(last - 1, -1, -1):
            grad = layers[i].backward(grad, need_input_grad=i > 0)

    def _penalty(self) -> float:
        return sum(layer.penalty() for layer in self.layers)

    def _layers_with_l2(self) -> list[Layer]:
        return [layer for layer in self.layers if getattr(layer, "l2", 0)]

    def train_step(self, X: np.ndarray, y: np.ndarray) -> float:
        """One step of gradient descent on one batch; returns the batch loss before the step.

        ``X`` and ``y`` must already be prepared arrays of the model's dtype.
        """
        self._require_compiled("train_step")
        if not self.built:
            self.build(X.shape[1])
        self._penalized = self._layers_with_l2()
        return self._step(X, y)

    def _step(self, X: np.ndarray, y: np.ndarray) -> float:
        """``train_step`` without its checks: the body of ``fit``'s inner loop."""
        assert self.loss is not None and self.optimizer is not None
        y_pred = self.forward(X, training=True)
        value = self.loss.value(y_pred, y)
        for layer in self._penalized:  # the L2 terms; usually none
            value += layer.penalty()
        if not math.isfinite(value):
            raise TrainingDivergedError(
                f"The loss became {value} (not a finite number): the weights grew too large. "
                f"Training stopped. Try a smaller learning rate (now "
                f"{self.optimizer.learning_rate:g}; e.g. {self.optimizer.learning_rate / 10:g}) "
                "or scale your inputs to around -1..1."
            )
        self._last_output = y_pred
        self.backward(y_pred, y)
        flat = self._flat  # checked: a copied model's arrays no longer share it
        if flat is not None and self.optimizer.elementwise and self._params[0][0].base is flat[0]:
            self.optimizer.step(self._params, flat=flat)
        else:
            self.optimizer.step(self._params)
        return value

    # ----------------------------------------------------------------- fit
    def fit(
        self,
        X: Any,
        y: Any,
        epochs: int = 1,
        batch_size: int | None = None,
        shuffle: bool = True,
        verbose: int = 1,
        seed: int | None = None,
        validation_split: float = 0.0,
        validation_data: tuple[Any, Any] | None = None,
        callbacks: Sequence[Callback] | None = None,
    ) -> History:
        """Train for ``epochs`` passes over the data; return the :class:`History`.

        ``batch_size`` defaults to 32 (as Keras); give ``len(X)`` for full-batch
        gradient descent. ``verbose``: 0 silent, 1 a progress bar, 2 one line per
        epoch. ``validation_split`` holds out the last fraction of the samples
        (before shuffling); ``validation_data=(X_val, y_val)`` gives them directly.
        If the loss turns NaN or infinite, training stops with
        :class:`~neuronlab.errors.TrainingDivergedError`; the history so far stays in
        ``model.history``.
        """
        self._require_compiled("fit")
        assert self.loss is not None and self.optimizer is not None
        epochs = check_int(epochs, "epochs")
        X = self._prepare_inputs(X, seed=seed)
        Y = self._prepare_targets(y, len(X))
        self._check_loss_matches_output()
        X_val, Y_val = self._validation_set(X, Y, validation_split, validation_data)
        if X_val is not None and validation_data is None:
            X, Y = X[: len(X) - len(X_val)], Y[: len(Y) - len(X_val)]
        n = len(X)
        batch = n if batch_size is None and n <= DEFAULT_BATCH_SIZE else batch_size
        batch = check_int(batch if batch is not None else DEFAULT_BATCH_SIZE, "batch_size")
        rng = np.random.default_rng(seed if seed is not None else self.seed)
        for i, layer in enumerate(self.layers):
            if isinstance(layer, Dropout) and (seed is not None or self.seed is not None):
                layer._rng = np.random.default_rng([int(rng.integers(2**31)), i])

        self.history = history = History()
        history.params = {"epochs": epochs, "batch_size": batch, "samples": n}
        every = [history, *(callbacks or [])]
        for cb in every:
            cb.set_model(self)
        self.stop_training = False
        self._ready = True
        metric_fns = [(m, metric_table.get(m)) for m in self.metrics]
        for cb in every:
            cb.on_train_begin({})
        self._penalized = self._layers_with_l2()
        shuffled = shuffle and n > batch
        x_rows = _batch_buffer(X, batch if shuffled else 0)  # refilled by every shuffled batch
        y_rows = _batch_buffer(Y, batch if shuffled else 0)
        # Overflow while diverging is caught as a non-finite loss, with a clear error,
        # instead of NumPy warnings followed by pages of NaN.
        quiet_overflow = np.errstate(over="ignore", invalid="ignore", divide="ignore")
        with quiet_overflow, _Reporter(verbose, epochs) as reporter:
            for epoch in range(epochs):
                for cb in every:
                    cb.on_epoch_begin(epoch, {})
                order = rng.permutation(n) if shuffled else None
                total = 0.0
                metric_totals = [0.0] * len(metric_fns)
                for b, start in enumerate(range(0, n, batch)):
                    if order is None:
                        xb, yb = X[start:start + batch], Y[start:start + batch]
                    else:
                        idx = order[start:start + batch]
                        xb, yb = _take_rows(X, idx, x_rows), _take_rows(Y, idx, y_rows)
                    try:
                        value = self._step(xb, yb)
                    except TrainingDivergedError as exc:
                        raise TrainingDivergedError(
                            f"Epoch {epoch + 1}, batch {b + 1}: {exc}"
                        ) from None
                    total += value * len(xb)
                    for j, (_, fn) in enumerate(metric_fns):
                        metric_totals[j] += fn(self._last_output, yb) * len(xb)
                    if callbacks:
                        for cb in every[1:]:
                            cb.on_batch_end(b, {"loss": value})
                logs = {"loss": total / n}
                for (name, _), t in zip(metric_fns, metric_totals):
                    logs[name] = t / n
                if X_val is not None and Y_val is not None:
                    for key, val in self._scores(X_val, Y_val).items():
                        logs["val_" + key] = val
                for cb in every:
                    cb.on_epoch_end(epoch, logs)
                reporter.epoch_end(epoch, logs)
                if self.stop_training:
                    break
        for cb in every:
            cb.on_train_end({})
        return history

    def _validation_set(
        self, X: np.ndarray, Y: np.ndarray, split: float, data: tuple[Any, Any] | None
    ) -> tuple[np.ndarray | None, np.ndarray | None]:
        if data is not None:
            if not isinstance(data, (tuple, list)) or len(data) != 2:
                raise ConfigError("validation_data must be a pair (X_val, y_val).")
            X_val = self._prepare_inputs(data[0], "X_val")
            return X_val, self._prepare_targets(data[1], len(X_val), "y_val")
        if not split:
            return None, None
        if not 0 < split < 1:
            raise ConfigError(f"validation_split must be between 0 and 1, got {split!r}.")
        n_val = round(len(X) * split)
        if n_val < 1 or n_val >= len(X):
            raise DataError(
                f"validation_split={split} of {len(X)} samples leaves {n_val} for validation "
                f"and {len(X) - n_val} for training; both need at least one sample."
            )
        return X[len(X) - n_val:], Y[len(Y) - n_val:]

    # ----------------------------------------------------------------- predict / evaluate
    def predict(self, X: Any, batch_size: int | None = None) -> np.ndarray:
        """Outputs for every row of ``X``: ``(N, n_inputs) -> (N, outputs)``."""
        if not self._ready:
            raise NotFittedError(
                "predict was called on a model that was never compiled, fitted or given "
                "weights, so its answers would be random. Call model.compile(...) and "
                "model.fit(X, y) first, or set weights with model.set_weights(...)."
            )
        X = self._prepare_inputs(X)
        size = check_int(batch_size, "batch_size") if batch_size else 4096
        if len(X) <= size:
            return self.forward(X)
        return np.concatenate([self.forward(X[i:i + size]) for i in range(0, len(X), size)])

    def __call__(self, X: Any) -> np.ndarray:
        return self.predict(X)

    def _scores(self, X: np.ndarray, Y: np.ndarray) -> dict[str, float]:
        assert self.loss is not None
        y_pred = self.forward(X)
        scores = {"loss": self.loss.value(y_pred, Y) + self._penalty()}
        for name in self.metrics:
            scores[name] = metric_table.get(name)(y_pred, Y)
        return scores

    def evaluate(self, X: Any, y: Any, return_dict: bool = False) -> Any:
        """The loss (and metrics) on ``X, y``: a float, ``[loss, *metrics]``, or a dict."""
        self._require_compiled("evaluate")
        X = self._prepare_inputs(X)
        scores = self._scores(X, self._prepare_targets(y, len(X)))
        if return_dict:
            return scores
        return scores["loss"] if not self.metrics else list(scores.values())

    # ----------------------------------------------------------------- description
    def summary(self, print_fn: Any = print) -> None:
        """Print a table of the layers, their output shapes and parameter counts."""
        self._build_if_size_known()
        rows = [("Layer", "Output shape", "Params", "Activation")]
        units = self.n_inputs
        for layer in self.layers:
            units = layer.output_units(units) if units is not None else None
            shape = f"(None, {units})" if units is not None else "(not built)"
            act = layer.activation.name if isinstance(layer, Dense) else "-"
            params = str(layer.count_params()) if layer.built or not isinstance(layer, Dense) \
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

        The same as :func:`neuronlab.save_model`; read it back with ``neuronlab.load_model``.
        """
        from .io import save_model

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


def _pack(layers: list[Layer]) -> FlatParameters | None:
    """Move every parameter into one flat array and every gradient into another, leaving
    views in the layers: the same names, shapes and numbers. Plain SGD then updates all
    the weights with one NumPy call instead of two per array (2 µs of the digits net's
    35 µs step, 2 of XOR's 21). Returns ``(values, gradients)``, or None if the dtypes
    differ or a layer keeps its arrays where they cannot be replaced.
    """
    pairs = [pair for layer in layers for pair in layer.parameters()]
    if not pairs or len({value.dtype for value, _ in pairs}) != 1:
        return None
    size = sum(value.size for value, _ in pairs)
    values, grads = np.empty(size, pairs[0][0].dtype), np.empty(size, pairs[0][0].dtype)
    views: dict[int, np.ndarray] = {}  # id of each array -> its place in the flat array
    start = 0
    for value, grad in pairs:
        for old, flat in ((value, values), (grad, grads)):
            views[id(old)] = flat[start:start + value.size].reshape(old.shape)
            views[id(old)][...] = old
        start += value.size
    for layer in layers:
        for name, attribute in list(vars(layer).items()):
            if id(attribute) in views:
                setattr(layer, name, views[id(attribute)])
    moved = all(value.base is values and grad.base is grads
                for layer in layers for value, grad in layer.parameters())
    return (values, grads) if moved else None


def _batch_buffer(data: np.ndarray, batch: int) -> np.ndarray:
    """An empty array for ``batch`` rows of ``data``, filled anew by every shuffled batch."""
    return np.empty((batch, *data.shape[1:]), dtype=data.dtype)


def _take_rows(data: np.ndarray, rows: np.ndarray, buffer: np.ndarray) -> np.ndarray:
    """``data[rows]``, written into the reused ``buffer`` instead of a new array.

    Gathering the shuffled rows is the one copy batching needs; writing it into one
    buffer keeps a 128 x 784 float32 batch (400 KB) from being allocated every step.
    ``mode="clip"`` skips the bounds check's extra copy: ``rows`` come from a permutation.
    """
    return data.take(rows, axis=0, out=buffer[: len(rows)], mode="clip")


class _Reporter:
    """Progress for ``fit``: a progress bar (verbose=1) or a line per epoch (verbose=2).

    In a terminal the bar is rich's; in Jupyter it is an HTML ``<progress>`` bar updated
    in place through an IPython display handle (rich would need ipywidgets there).
    """

    def __init__(self, verbose: int, epochs: int) -> None:
        from rich.console import Console

        self.verbose = verbose
        self.epochs = epochs
        self.progress: Any = None
        self.notebook: _NotebookBar | None = None
        self.console = Console()
        if verbose == 1 and self.console.is_jupyter:
            self.notebook = _NotebookBar(epochs)
        elif verbose == 1:
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
            from rich.table import Column

            # On a narrow terminal the metrics wrap; the epoch count is never cut to "Epoch …".
            self.progress = Progress(
                TextColumn("[bold]Epoch {task.completed}/{task.total}",
                           table_column=Column(no_wrap=True)),
                BarColumn(bar_width=20),
                TextColumn("{task.fields[logs]}", table_column=Column(overflow="fold")),
                TimeRemainingColumn(),
                console=self.console,
            )
            self.task = self.progress.add_task("fit", total=epochs, logs="")
            self.progress.start()

    @staticmethod
    def format(logs: Logs) -> str:
        return " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())

    def epoch_end(self, epoch: int, logs: Logs) -> None:
        if self.progress is not None:
            self.progress.update(self.task, completed=epoch + 1, logs=self.format(logs))
        elif self.notebook is not None:
            self.notebook.update(epoch + 1, self.format(logs))
        elif self.verbose >= 2:
            self.console.print(f"Epoch {epoch + 1}/{self.epochs} - {self.format(logs)}")

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
        if self.notebook is not None:
            self.notebook.update(self.notebook.done, self.notebook.text, force=True)

    def __enter__(self) -> _Reporter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _NotebookBar:
    """An HTML progress bar in a Jupyter cell, redrawn at most 10 times a second."""

    def __init__(self, epochs: int) -> None:
        from IPython.display import HTML, display

        self.epochs, self.done, self.text, self.shown_at = epochs, 0, "", 0.0
        self._html = HTML
        self.handle = display(HTML(self._render()), display_id=True)

    def _render(self) -> str:
        from html import escape

        return (f'<progress value="{self.done}" max="{self.epochs}" style="width:16em">'
                f"</progress> <b>Epoch {self.done}/{self.epochs}</b> "
                f"<code>{escape(self.text)}</code>")

    def update(self, done: int, text: str, force: bool = False) -> None:
        self.done, self.text = done, text
        now = time.monotonic()
        if force or done == self.epochs or now - self.shown_at >= 0.1:
            self.shown_at = now
            if self.handle is not None:
                self.handle.update(self._html(self._render()))
