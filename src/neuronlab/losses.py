"""Loss functions: how wrong a prediction is, and the gradient of that wrongness.

Every loss has a ``value(y_pred, y_true)`` (one number, averaged over the batch; ``sse``
alone sums) and a
``gradient(y_pred, y_true)`` (same shape as ``y_pred``): the first tells you how well
training goes, the second starts backpropagation. Calling a loss object takes Keras's
order, targets first: ``get("mse")(y_true, y_pred)``; it checks its inputs first.
``value`` and ``gradient`` take the predictions first and trust their inputs (the
training loop has already checked).

>>> import numpy as np
>>> float(get("mse")(np.array([[0.0], [1.0]]), np.array([[1.0], [3.0]])))  # (y_true, y_pred)
2.5
"""

from __future__ import annotations

import warnings
from typing import Any, TypeVar

import numpy as np

from .activations import Sigmoid, Softmax
from .checks import check_bool, check_call, check_positive
from .errors import ConfigError, DataError, ShapeError
from .tables import Table

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
    :mod:`neuronlab.heads` picks the output layer. ``averages`` is False for a loss
    that sums over the batch instead of averaging (``sse``).
    """

    name = "loss"
    pairs_with: str | None = None
    averages = True
    aliases: tuple[str, ...] = ()
    description = ""
    formula = ""
    torch: str | None = None
    fits: tuple[str, ...] = ("binary", "multiclass", "regression")

    def __new__(cls: type[LossT], *args: Any, **kwargs: Any) -> LossT:
        if args or kwargs:  # (copy and pickle call __new__ with none)
            check_call(cls.__name__, cls.__init__, args, kwargs)  # a wrong argument's clear error
        return super().__new__(cls)

    def __init__(self, from_logits: bool = False, name: str | None = None,
                 reduction: str = "sum_over_batch_size") -> None:
        self.from_logits = check_bool(from_logits, f"{self.name} from_logits")
        if name is not None:  # Keras's name=, shown in repr; the table knows the class's
            if not isinstance(name, str) or not name:
                raise ConfigError(f"A loss's name must be a string, got {repr(name)[:60]}.")
            self.name = name
        if reduction != "sum_over_batch_size":
            raise ConfigError(f"neuronlab's losses average over the batch (reduction="
                              f"'sum_over_batch_size', Keras's default; sse sums, and has "
                              f"no other); got {reduction!r}.")

    def value(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        """The loss of a Keras-style subclass: the mean of its ``call(y_true, y_pred)``."""
        if type(self).call is Loss.call:
            raise NotImplementedError(f"{type(self).__name__} defines neither value nor call.")
        return float(np.mean(self.call(y_true, y_pred)))

    def gradient(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        """For a loss given only as ``call``: the gradient by central differences
        (:func:`numerical_gradient`), as neuronlab cannot differentiate your code."""
        return numerical_gradient(lambda p: self.value(p, y_true), y_pred,
                                  lambda p: np.asarray(self.call(y_true, p)))

    def call(self, y_true: np.ndarray, y_pred: np.ndarray) -> Any:
        """Keras's hook for a loss written as a subclass: one value per sample (or one in
        all). Override it, or ``value`` and ``gradient`` for an exact gradient."""
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

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> float:
        """The loss of predictions ``y_pred`` against targets ``y_true``, in Keras's order
        ``loss(y_true, y_pred)``, checked first."""
        if sample_weight is not None:
            raise ConfigError("Calling a loss with sample_weight is not supported; weigh "
                              "samples with fit(X, y, sample_weight=...).")
        try:
            y_pred = np.asarray(y_pred, dtype=float)
            y_true = np.asarray(y_true, dtype=float)
        except (TypeError, ValueError, OverflowError):
            raise DataError(f"{self.name}: predictions and targets must be arrays of numbers "
                            f"of the same shape.") from None
        if y_pred.shape != y_true.shape:
            labels = (y_true.ndim == 1 and y_pred.ndim == 2 and len(y_true) == len(y_pred)
                      and y_pred.shape[1] > 1)
            raise ShapeError(
                f"{self.name}(y_true, y_pred): the targets y_true have shape {y_true.shape} "
                f"but the predictions y_pred have shape {y_pred.shape}; they must match (one "
                "target per output). The order is Keras's: targets first."
                + (" For integer class labels, call SparseCategoricalCrossentropy (as fit "
                   "turns labels into one-hot rows itself)." if labels else "")
            )
        if not (np.isfinite(y_pred).all() and np.isfinite(y_true).all()):
            raise DataError(f"{self.name}: predictions and targets must be finite numbers.")
        self._check(y_pred, y_true)
        return self.value(y_pred, y_true)

    def _check(self, y_pred: np.ndarray, y_true: np.ndarray) -> None:
        """Loss-specific checks of the inputs given to ``__call__``."""

    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"name": type(self).name}
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
    worked 2x+1 puzzle (``dW = -sum(x * e)``). Keras has no such loss; in PyTorch it is
    ``0.5 * MSELoss(reduction="sum")``, half of ``reduction="sum"``.
    """

    name = "sse"
    averages = False
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


def check_output(loss: Loss, activation: str, units: int | None, warn: bool = False) -> None:
    """Raise :class:`ConfigError` if a cross-entropy ``loss`` and the last layer's
    ``activation`` do not fit (probabilities where logits are expected, or the other way
    round); with ``warn``, warn of a softmax over one unit, whose output is always 1."""
    if warn and activation == "softmax" and units == 1:
        warnings.warn("The last layer is a softmax over 1 unit: its output is always 1, so "
                      "nothing can be learned (the loss of class-1 samples is 0 from the "
                      "start). For two classes use Dense(1, activation='sigmoid') with "
                      "binary_crossentropy, or Dense(2, activation='softmax').",
                      UserWarning, stacklevel=4)
    if not isinstance(loss, (BinaryCrossentropy, CategoricalCrossentropy)):
        return
    pair = loss.pairs_with
    if loss.from_logits and activation in ("sigmoid", "softmax"):
        raise ConfigError(
            f"{loss.name}(from_logits=True) expects raw scores (logits), but the last layer "
            f"already applies {activation!r}, so it gives probabilities. Use "
            f"activation=None on the last layer, or the loss with from_logits=False."
        )
    if not loss.from_logits and activation != pair and \
            activation in ("linear", "relu", "leaky_relu"):
        raise ConfigError(
            f"{loss.name} expects probabilities, but the last layer's activation is "
            f"{activation!r}, so it gives raw scores (logits). Use activation={pair!r} on "
            f"the last layer, or pass the loss with from_logits=True."
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
    >>> get("poisson")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    neuronlab.errors.UnknownNameError: Unknown loss 'poisson'. Valid names: mse, sse, mae, ...
    """
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        raise ConfigError(f"Give a loss object, {identifier.__name__}(), not the class "
                          f"{identifier.__name__}.")
    if callable(identifier) and not isinstance(identifier, (str, Loss)):
        return FunctionLoss(identifier, **kwargs)  # Keras's compile(loss=fn)
    if isinstance(identifier, str) and identifier.strip().lower() == \
            "sparse_categorical_crossentropy":
        return SparseCategoricalCrossentropy(**kwargs)
    loss: Loss = TABLE.get(identifier, **kwargs)
    return loss


def from_config(config: dict[str, Any]) -> Loss:
    """Rebuild a loss from :meth:`Loss.get_config`."""
    loss: Loss = TABLE.from_config(config)
    return loss


# ----------------------------------------------------------------------------------------
# More losses of Keras 3, each checked against PyTorch (values and gradients) in
# tests/test_losses_more.py.


class Huber(Loss):
    """``L = mean(0.5 e^2 if |e| <= delta else delta * (|e| - 0.5 delta))``, ``e = y_pred -
    y_true``: squared for small misses, absolute for large ones (outliers pull less).
    Gradient: ``e`` or ``delta * sign(e)``, divided by the number of outputs."""

    name = "huber"
    aliases = ("huber_loss",)
    description = "squared error for small misses, absolute error for large ones"
    formula = "L = mean(½e² if |e| ≤ δ else δ·(|e| - ½δ))"
    torch = "HuberLoss"
    fits = ("regression",)

    def __init__(self, delta: float = 1.0, from_logits: bool = False) -> None:
        super().__init__(from_logits)
        self.delta = check_positive(delta, "Huber delta")

    def value(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        e = np.abs(y_pred - y_true)
        small = e <= self.delta
        return float(np.mean(np.where(small, 0.5 * e * e, self.delta * (e - 0.5 * self.delta))))

    def gradient(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        e = y_pred - y_true
        return np.clip(e, -self.delta, self.delta) / y_pred.size

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["delta"] = self.delta
        return config


class Hinge(Loss):
    """``L = mean(max(1 - y_true * y_pred, 0))`` for labels -1/1 (0/1 labels are read as
    -1/1, as Keras does) and raw scores ``y_pred``: the loss of support vector machines.
    Gradient: ``-y_true`` where the margin ``y_true * y_pred`` is below 1, else 0."""

    name = "hinge"
    description = "the margin loss of support vector machines, for labels -1/1 (or 0/1)"
    formula = "L = mean(max(1 - y·ŷ, 0))"
    torch = None  # clamp(1 - y * y_pred, min=0).mean()
    fits = ("binary",)

    @staticmethod
    def signed(y_true: np.ndarray) -> np.ndarray:
        """Labels 0/1 as -1/1; labels already -1/1 stay."""
        return np.where(y_true == 0, -1.0, y_true).astype(y_true.dtype) \
            if ((y_true == 0) | (y_true == 1)).all() else y_true

    def value(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        return float(np.mean(np.maximum(1 - self.signed(y_true) * y_pred, 0)))

    def gradient(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        y = self.signed(y_true)
        return np.where(y * y_pred < 1, -y, 0).astype(y_pred.dtype) / y_pred.size


class KLDivergence(Loss):
    """Kullback-Leibler divergence of the predicted distribution from the true one:
    ``L = mean over samples of sum_k y_k log(y_k / p_k)``, both clipped to
    ``[eps, 1]`` as Keras does. Gradient: ``-y / p / N``."""

    name = "kl_divergence"
    aliases = ("kld", "kullback_leibler_divergence")
    description = "how far predicted class probabilities are from the true distribution"
    formula = "L = mean(Σ_k y_k·log(y_k / p_k))"
    torch = "KLDivLoss"  # of log p, reduction="batchmean"
    fits = ("multiclass",)

    def value(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        eps = _eps(y_pred.dtype)
        y = np.clip(y_true, eps, 1.0)
        p = np.clip(y_pred, eps, 1.0)
        return float(np.sum(y * np.log(y / p))) / y_pred.shape[0]

    def gradient(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        eps = _eps(y_pred.dtype)
        inside = (y_pred >= eps) & (y_pred <= 1.0)
        y = np.clip(y_true, eps, 1.0)
        return np.where(inside, -y / np.clip(y_pred, eps, 1.0), 0.0) / y_pred.shape[0]


for _more in (Huber, Hinge, KLDivergence):
    register(_more)


# ----------------------------------------------------------------------------------------
# Losses written as Keras code: a plain function ``fn(y_true, y_pred)``, or a subclass of
# Loss with ``call``. neuronlab cannot differentiate Python code, so their gradients come
# from central differences, accurate to about 1e-8 in float64.


def numerical_gradient(total: Any, y_pred: np.ndarray, per_sample: Any = None) -> np.ndarray:
    """``dL/dy_pred`` of ``total(y_pred)`` (a number) by central differences.

    When ``per_sample(y_pred)`` gives one loss per row, each row's loss depends on that
    row only, so one output column is nudged in every row at once (2 calls per column);
    otherwise each number is nudged alone (2 calls per number).
    """
    p = np.array(y_pred, dtype=np.float64)
    grad = np.zeros_like(p)
    n = len(p)
    rows = None
    if per_sample is not None:
        with np.errstate(all="ignore"):
            rows = np.shape(per_sample(p))
    if rows == (n,) and p.ndim == 2:
        for k in range(p.shape[1]):
            h = 1e-6 * np.maximum(1.0, np.abs(p[:, k]))
            up, down = p.copy(), p.copy()
            up[:, k] += h
            down[:, k] -= h
            grad[:, k] = (np.asarray(per_sample(up), dtype=np.float64)
                          - np.asarray(per_sample(down), dtype=np.float64)) / (2 * h) / n
        return grad.astype(y_pred.dtype)
    for index in np.ndindex(p.shape):
        h = 1e-6 * max(1.0, abs(p[index]))
        old = p[index]
        p[index] = old + h
        up_value = total(p)
        p[index] = old - h
        grad[index] = (up_value - total(p)) / (2 * h)
        p[index] = old
    return grad.astype(y_pred.dtype)


class FunctionLoss(Loss):
    """A loss given as a plain function ``fn(y_true, y_pred)`` returning one value per
    sample (or one in all), as Keras accepts in ``compile(loss=fn)``. The loss is the
    mean of those values; the gradient comes from central differences."""

    name = "function"
    description = "a loss written as a Python function fn(y_true, y_pred)"
    formula = "L = mean(fn(y, ŷ))"

    def __init__(self, fn: Any, name: str | None = None) -> None:
        super().__init__(name=name or getattr(fn, "__name__", "function"))
        self.fn = fn

    def call(self, y_true: np.ndarray, y_pred: np.ndarray) -> Any:
        out = np.asarray(self.fn(y_true, y_pred), dtype=np.float64)
        if not np.isfinite(out).all():
            raise DataError(f"The loss function {self.name} returned values that are not "
                            "finite numbers (NaN or infinity).")
        return out

    def get_config(self) -> dict[str, Any]:
        raise ConfigError(f"The loss {self.name} is a Python function, which a model file "
                          "cannot hold. Save the model without compiling it, or use a loss "
                          f"by name ({', '.join(names())}).")

    def __repr__(self) -> str:
        return f"FunctionLoss({self.name})"


class SparseCategoricalCrossentropy(CategoricalCrossentropy):
    """Categorical cross-entropy for integer class labels (Keras's
    ``SparseCategoricalCrossentropy``): ``loss(y_true, y_pred)`` takes labels of shape
    ``(N,)`` or ``(N, 1)``. In a model it is categorical cross-entropy, as the model
    turns integer labels into one-hot rows."""

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> float:
        labels = np.asarray(y_true)
        probabilities = np.asarray(y_pred)
        if labels.ndim == probabilities.ndim and labels.shape[-1:] == (1,):
            labels = labels[..., 0]
        if probabilities.ndim == 2 and labels.shape == probabilities.shape[:1]:
            k = probabilities.shape[1]
            if labels.dtype.kind not in "iuf" or not np.all(labels == np.round(labels)) or \
                    labels.min() < 0 or labels.max() >= k:
                raise DataError(
                    f"sparse_categorical_crossentropy(y_true, y_pred): y_true holds class "
                    f"labels 0..{k - 1} for {k} outputs, got {repr(y_true)[:60]}."
                )
            y_true = np.eye(k)[labels.astype(int)]
        return super().__call__(y_true, y_pred, sample_weight)

    def __repr__(self) -> str:
        extra = "from_logits=True" if self.from_logits else ""
        return f"SparseCategoricalCrossentropy({extra})"

