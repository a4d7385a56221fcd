"""Loss functions: how wrong a prediction is, and the gradient of that wrongness.

Every loss has a ``value(y_pred, y_true)`` (one number, averaged over the batch) and a
``gradient(y_pred, y_true)`` (same shape as ``y_pred``): the first tells you how well
training goes, the second starts backpropagation. Calling a loss object, e.g.
``get("mse")(y_pred, y_true)``, checks its inputs first; ``value`` and ``gradient``
trust them (the training loop has already checked).

>>> import numpy as np
>>> float(get("mse")(np.array([[1.0], [3.0]]), np.array([[0.0], [1.0]])))
2.5
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np

from .activations import Sigmoid, Softmax
from .errors import DataError, ShapeError
from .tables import Table
from .validation import check_bool, check_call

LossT = TypeVar("LossT", bound="Loss")


def _eps(dtype: Any) -> float:
    """The clip that keeps ``log`` away from 0: 1e-7 in float32 (as Keras), 1e-12 in float64."""
    return 1e-7 if np.dtype(dtype) == np.float32 else 1e-12


class Loss:
    """Base class: ``value`` and ``gradient`` of a loss, plus a checked ``__call__``.

    ``pairs_with`` names the output activation whose derivative cancels with this
    loss's gradient (softmax with categorical cross-entropy, sigmoid with binary
    cross-entropy). The model then uses the short, exact ``gradient_wrt_z`` =
    ``(y_pred - y_true) / N`` and never divides by a tiny probability.

    The other class attributes are what the rest of neuronlab knows about a loss:
    ``aliases``, a one-line ``description``, its ``formula``, ``torch`` (the
    ``torch.nn`` loss computing it) and ``fits``: the targets it suits ("binary" for
    two classes, "multiclass" for more, "regression" for real numbers), from which
    :mod:`neuronlab.heads` picks the output layer.
    """

    name = "loss"
    pairs_with: str | None = None
    aliases: tuple[str, ...] = ()
    description = ""
    formula = ""
    torch: str | None = None
    fits: tuple[str, ...] = ("binary", "multiclass", "regression")

    def __new__(cls: type[LossT], *args: Any, **kwargs: Any) -> LossT:
        if args or kwargs:  # (copy and pickle call __new__ with none)
            check_call(cls.__name__, cls.__init__, args, kwargs)  # a wrong argument's clear error
        return super().__new__(cls)

    def __init__(self, from_logits: bool = False) -> None:
        self.from_logits = check_bool(from_logits, f"{self.name} from_logits")

    def value(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        raise NotImplementedError

    def gradient(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def gradient_wrt_z(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        """``dL/dz = (y_pred - y_true) / N``: the gradient at the output layer's ``z``.

        Valid only for the pairs where ``f'(z)`` cancels the loss's division by the
        probabilities: softmax + categorical_crossentropy (``N`` = samples) and
        sigmoid + binary_crossentropy (``N`` = every output), from probabilities (not
        ``from_logits``). The model uses it exactly then; every other pair goes
        through ``gradient`` and the activation's derivative.
        """
        return (y_pred - y_true) / self._count(y_pred)

    def _count(self, y_pred: np.ndarray) -> int:
        return int(y_pred.shape[0])

    def __call__(self, y_pred: Any, y_true: Any) -> float:
        try:
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float)
        except (TypeError, ValueError, OverflowError):
            raise DataError(f"{self.name}: predictions and targets must be arrays of numbers "
                            f"of the same shape.") from None
        if y_pred.shape != y_true.shape:
            raise ShapeError(
                f"{self.name}: predictions have shape {y_pred.shape} but targets have shape "
                f"{y_true.shape}; they must match (one target per output)."
            )
        if not (np.isfinite(y_pred).all() and np.isfinite(y_true).all()):
            raise DataError(f"{self.name}: predictions and targets must be finite numbers.")
        self._check(y_pred, y_true)
        return self.value(y_pred, y_true)

    def _check(self, y_pred: np.ndarray, y_true: np.ndarray) -> None:
        """Loss-specific checks of the inputs given to ``__call__``."""

    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"name": self.name}
        if self.from_logits:
            config["from_logits"] = True
        return config

    def __repr__(self) -> str:
        extra = "from_logits=True" if self.from_logits else ""
        return f"{type(self).__name__}({extra})"


class MeanSquaredError(Loss):
    """``L = mean((y_pred - y_true)^2)`` over every output.

    Gradient: ``dL/dy_pred = 2 (y_pred - y_true) / size``.
    """

    name = "mse"
    aliases = ("mean_squared_error",)
    description = "mean squared error: the average squared miss"
    formula = "L = mean((ŷ - y)²)"
    torch = "MSELoss"
    fits = ("binary", "regression")

    def value(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        diff = y_pred - y_true
        return float(np.vdot(diff, diff)) / diff.size  # mean(diff^2), sum as a dot product

    def gradient(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        return (2.0 / y_pred.size) * (y_pred - y_true)


class SumSquaredError(Loss):
    """``L = 1/2 * sum((y_pred - y_true)^2)``; ``dL/dy_pred = y_pred - y_true``.

    Not averaged: its gradient is the plain sum of the errors, the form of the
    worked 2x+1 puzzle (``dW = -sum(x * e)``).
    """

    name = "sse"
    aliases = ("sum_squared_error",)
    description = "half the sum of squared misses, not averaged (the 2x+1 puzzle)"
    formula = "L = ½·Σ(ŷ - y)²"
    torch = None  # 0.5 * MSELoss(reduction="sum")
    fits = ("binary", "regression")

    def value(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        diff = y_pred - y_true
        return float(0.5 * np.sum(diff * diff))

    def gradient(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        return y_pred - y_true


class MeanAbsoluteError(Loss):
    """``L = mean(|y_pred - y_true|)``; ``dL/dy_pred = sign(y_pred - y_true) / size``."""

    name = "mae"
    aliases = ("mean_absolute_error",)
    description = "mean absolute error: the average size of the miss"
    formula = "L = mean(|ŷ - y|)"
    torch = "L1Loss"
    fits = ("binary", "regression")

    def value(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        return float(np.mean(np.abs(y_pred - y_true)))

    def gradient(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        return np.sign(y_pred - y_true) / y_pred.size


class BinaryCrossentropy(Loss):
    """``L = -mean(y log p + (1 - y) log(1 - p))`` for probabilities ``p`` in (0, 1).

    ``p`` is clipped to ``[eps, 1 - eps]`` so ``log(0)`` never happens. With
    ``from_logits=True`` the inputs are raw scores ``z`` and ``p = sigmoid(z)`` is
    folded into the stable form ``max(z, 0) - z y + log(1 + e^-|z|)``.
    Gradient: ``(p - y) / (p (1 - p)) / size`` (or ``(sigmoid(z) - y) / size`` from logits).
    """

    name = "binary_crossentropy"
    aliases = ("bce",)
    description = "binary cross-entropy: yes/no labels against one sigmoid probability each"
    formula = "L = -mean(y·log p + (1 - y)·log(1 - p))"
    torch = "BCELoss"  # BCEWithLogitsLoss with from_logits=True
    fits = ("binary",)
    pairs_with = "sigmoid"

    def _count(self, y_pred: np.ndarray) -> int:
        return int(y_pred.size)

    def value(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        if self.from_logits:
            z = y_pred
            return float(np.mean(np.maximum(z, 0) - z * y_true + np.log1p(np.exp(-np.abs(z)))))
        eps = _eps(y_pred.dtype)
        p = np.clip(y_pred, eps, 1 - eps)
        return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log1p(-p)))

    def gradient(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        if self.from_logits:
            return (Sigmoid().forward(y_pred) - y_true) / y_pred.size
        eps = _eps(y_pred.dtype)
        p = np.clip(y_pred, eps, 1 - eps)
        return (p - y_true) / (p * (1 - p)) / y_pred.size

    def _check(self, y_pred: np.ndarray, y_true: np.ndarray) -> None:
        if ((y_true < 0) | (y_true > 1)).any():
            raise DataError(
                "binary_crossentropy: targets must be between 0 and 1 (class labels 0/1), got "
                f"values from {y_true.min():g} to {y_true.max():g}."
            )
        if not self.from_logits and ((y_pred < 0) | (y_pred > 1)).any():
            raise DataError(
                "binary_crossentropy expected probabilities in [0, 1] but got values from "
                f"{y_pred.min():g} to {y_pred.max():g}; these look like logits (raw scores). "
                "Use a sigmoid output layer or BinaryCrossentropy(from_logits=True)."
            )


class CategoricalCrossentropy(Loss):
    """``L = -mean over samples of sum_k y_k log p_k`` for one-hot ``y`` and probabilities ``p``.

    ``p`` is clipped to ``[eps, 1]`` so ``log(0)`` never happens. With
    ``from_logits=True`` the inputs are raw scores and ``log p = z - logsumexp(z)``
    is computed shifted by the row maximum. Gradient: ``-y / p / N`` (or
    ``(softmax(z) - y) / N`` from logits, the same as the fused softmax gradient).
    """

    name = "categorical_crossentropy"
    aliases = ("cce", "crossentropy", "sparse_categorical_crossentropy")
    description = "categorical cross-entropy: class labels against softmax probabilities"
    formula = "L = -mean(Σ_k y_k·log p_k)"
    torch = "NLLLoss"  # of log p; CrossEntropyLoss with from_logits=True
    fits = ("binary", "multiclass")
    pairs_with = "softmax"

    def value(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        if self.from_logits:
            shifted = y_pred - y_pred.max(axis=-1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        else:
            log_p = np.log(y_pred.clip(_eps(y_pred.dtype), 1.0))
        return -float(np.vdot(y_true, log_p)) / y_pred.shape[0]  # -sum(y_true * log_p) / N

    def gradient(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        n = y_pred.shape[0]
        if self.from_logits:
            return (Softmax().forward(y_pred) - y_true) / n
        return -y_true / np.clip(y_pred, _eps(y_pred.dtype), 1.0) / n

    def _check(self, y_pred: np.ndarray, y_true: np.ndarray) -> None:
        if ((y_true < 0) | (y_true > 1)).any():
            raise DataError(
                "categorical_crossentropy: targets must be one-hot rows of 0s and 1s (or "
                f"probabilities), got values from {y_true.min():g} to {y_true.max():g}."
            )
        if self.from_logits:
            return
        sums = y_pred.sum(axis=-1)
        if ((y_pred < 0) | (y_pred > 1)).any() or not np.allclose(sums, 1.0, atol=1e-3):
            raise DataError(
                "categorical_crossentropy expected probabilities (each row in [0, 1], summing "
                f"to 1) but row sums range from {sums.min():g} to {sums.max():g}; these look "
                "like logits. Use a softmax output layer or "
                "CategoricalCrossentropy(from_logits=True)."
            )


TABLE: Table[type[Loss]] = Table("loss", base=Loss, required=("name", "description"))


def register(cls: type[Loss], replace: bool = False) -> type[Loss]:
    """Add a loss class to the table (a class decorator): its name then works everywhere."""
    return TABLE.register(cls, replace=replace)


unregister = TABLE.unregister


for _cls in (MeanSquaredError, SumSquaredError, MeanAbsoluteError, BinaryCrossentropy,
             CategoricalCrossentropy):
    register(_cls)


def names() -> tuple[str, ...]:
    """The losses' names, now."""
    return TABLE.names()


def get(identifier: str | Loss, **kwargs: Any) -> Loss:
    """Return the loss called ``identifier``, built with ``kwargs`` (e.g. ``from_logits=True``).

    ``sparse_categorical_crossentropy`` is accepted as a name: the model turns integer
    labels into one-hot rows, so it is categorical cross-entropy.

    >>> get("mean_squared_error")
    MeanSquaredError()
    >>> get("hinge")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    neuronlab.errors.UnknownNameError: Unknown loss 'hinge'. Valid names: mse, sse, mae, ...
    """
    loss: Loss = TABLE.get(identifier, **kwargs)
    return loss


def from_config(config: dict[str, Any]) -> Loss:
    """Rebuild a loss from :meth:`Loss.get_config`."""
    loss: Loss = TABLE.from_config(config)
    return loss
