"""Which output layer and loss fit these targets: the one answer the package gives.

Targets come in three kinds:

* ``"binary"``: two classes, as integer labels 0/1 or as columns of 0s and 1s;
* ``"multiclass"``: three or more classes, as integer labels 0..k-1 or one-hot rows;
* ``"regression"``: any other real numbers.

Two classes get one sigmoid output and binary cross-entropy; more classes get a
softmax over one output per class and categorical cross-entropy; real numbers get a
linear output and mean squared error. A loss asked for by name keeps its pairing:
each loss says which kinds it ``fits`` (see :mod:`neuronlab.losses`), and a loss that
cannot fit the targets is refused with a message naming what would.

:func:`build_model` is the one way the package builds "a network for these targets"
(the command line, the lab's playground and the code the playground exports all call
it, or print the call it makes): hidden ``Dense`` layers, then the head's output layer,
the first layer told the shape of one sample with ``input_shape=``, as in Keras.

>>> import numpy as np
>>> head_for(np.array([0, 1, 2, 1]))
Head(units=3, activation='softmax', loss='categorical_crossentropy', kind='multiclass')
>>> head_for(np.array([[0.0], [1.0], [1.0], [0.0]]), loss="mse")
Head(units=1, activation='sigmoid', loss='mse', kind='binary')
>>> head_for(np.array([[0.0], [1.0], [1.0], [0.0]]), loss="categorical_crossentropy")
Traceback (most recent call last):
...
neuronlab.errors.ConfigError: categorical_crossentropy needs one output per class ...
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import losses
from .errors import ConfigError, DataError
from .layers import Dense
from .model import Sequential

#: The loss each kind of target gets when none is asked for.
DEFAULT_LOSS = {
    "binary": "binary_crossentropy",
    "multiclass": "categorical_crossentropy",
    "regression": "mse",
}


@dataclass(frozen=True)
class Targets:
    """What a target array holds: its ``kind``, its number of ``classes`` and its ``width``.

    ``labels`` is True for integer class labels (one per sample), False for columns.
    """

    kind: str
    classes: int
    width: int
    labels: bool

    def __str__(self) -> str:
        if self.kind == "regression":
            return f"real-valued targets ({self.width} column(s))"
        if self.labels:
            return f"integer labels of {self.classes} classes"
        if self.kind == "multiclass":
            return f"one-hot rows of {self.classes} classes"
        return f"{self.width} column(s) of 0/1 targets"


@dataclass(frozen=True)
class Head:
    """The output layer (``units``, ``activation``) and the ``loss`` for a kind of target."""

    units: int
    activation: str
    loss: str
    kind: str

    @property
    def metrics(self) -> list[str]:
        """What to report while training: accuracy for classes, mean absolute error else."""
        return ["mae"] if self.kind == "regression" else ["accuracy"]

    def layer(self, **kwargs: Any) -> Dense:
        """A :class:`~neuronlab.layers.Dense` output layer of this head."""
        return Dense(self.units, activation=self.activation, **kwargs)

    def prepare(self, y: Any) -> np.ndarray:
        """``y`` shaped for this head: integer labels for one output become a column."""
        y = np.asarray(y)
        return y.reshape(-1, 1) if self.units == 1 and y.ndim == 1 else y


def describe(y: Any) -> Targets:
    """The kind of targets ``y`` holds.

    >>> describe([0, 2, 1]).kind, describe([[0.5], [2.0]]).kind
    ('multiclass', 'regression')
    """
    y = np.asarray(y)
    if y.size == 0 or y.ndim > 2 or y.dtype.kind not in "biuf":
        raise DataError(f"Targets must be a non-empty column or table of numbers, got "
                        f"shape {y.shape} of {y.dtype}.")
    width = 1 if y.ndim == 1 else y.shape[1]
    if y.dtype.kind in "iu" and width == 1:
        if y.min() < 0:
            raise DataError(f"Class labels must be 0, 1, 2, ..., got a label {y.min()}.")
        classes = max(2, int(y.max()) + 1)
        return Targets("binary" if classes == 2 else "multiclass", classes, 1, True)
    values = y.astype(np.float64)
    if not np.isfinite(values).all():
        raise DataError("Targets must be finite numbers (no NaN or infinity).")
    if np.isin(values, (0.0, 1.0)).all():
        if width > 1 and (values.sum(axis=-1) == 1).all():
            return Targets("multiclass", width, width, False)
        return Targets("binary", 2, width, False)
    return Targets("regression", 0, width, False)


def _fits(loss: losses.Loss, targets: Targets) -> bool:
    if targets.kind not in loss.fits:
        return False
    if loss.pairs_with == "softmax":  # one output per class: labels or one-hot rows
        return targets.labels or targets.kind == "multiclass"
    return True


def _suggestion(targets: Targets) -> str:
    fitting = [name for name in losses.names() if _fits(losses.get(name), targets)]
    head = head_for_targets(targets, DEFAULT_LOSS[targets.kind])
    return (f"use {DEFAULT_LOSS[targets.kind]} (a last layer of {head.units} {head.activation} "
            f"unit(s)); losses that fit: {', '.join(fitting)}")


def check_loss_fits(loss: str | losses.Loss, y: Any) -> None:
    """Raise :class:`ConfigError` if ``loss`` cannot learn targets ``y``, saying what fits.

    >>> check_loss_fits("mse", [0, 1, 2])
    Traceback (most recent call last):
    ...
    neuronlab.errors.ConfigError: mse does not fit integer labels of 3 classes: use ...
    """
    head_for(y, loss)


def head_for_targets(targets: Targets, loss: str | losses.Loss | None = None) -> Head:
    """The :class:`Head` for targets already described by :func:`describe`."""
    chosen = losses.get(DEFAULT_LOSS[targets.kind] if loss is None else loss)
    if not _fits(chosen, targets):
        if chosen.pairs_with == "softmax" and targets.kind in chosen.fits:
            raise ConfigError(
                f"{chosen.name} needs one output per class (a softmax), but these are "
                f"{targets}: a softmax over one output is always 1. Use binary_crossentropy "
                f"with one sigmoid output, or give integer class labels."
            )
        raise ConfigError(f"{chosen.name} does not fit {targets}: {_suggestion(targets)}.")
    if chosen.pairs_with == "softmax":
        return Head(targets.classes, "softmax", chosen.name, targets.kind)
    if chosen.pairs_with == "sigmoid" or targets.kind == "binary":
        return Head(targets.width, "sigmoid", chosen.name, targets.kind)
    return Head(targets.width, "linear", chosen.name, targets.kind)


def head_for(y: Any, loss: str | losses.Loss | None = None) -> Head:
    """The output layer and loss for targets ``y`` (``loss``: the one asked for, if any).

    >>> head_for(np.array([0, 1, 1]))
    Head(units=1, activation='sigmoid', loss='binary_crossentropy', kind='binary')
    >>> head_for(np.array([[1.5], [2.5]]))
    Head(units=1, activation='linear', loss='mse', kind='regression')
    """
    return head_for_targets(describe(y), loss)


def build_model(input_shape: int | Sequence[int], head: Head, hidden: Sequence[int] = (),
                activation: str = "relu", *, seed: int | None = None,
                dtype: str = "float32", **layer_kwargs: Any) -> Sequential:
    """The network for targets of ``head``, for samples of ``input_shape`` (``(2,)``).

    ``hidden`` Dense layers of ``activation``, then ``head``'s output layer; every layer
    gets ``layer_kwargs`` (e.g. ``l2=0.001``). It is the call written out::

        Sequential([Dense(4, activation="tanh", input_shape=(2,)),
                    Dense(1, activation="sigmoid")], seed=seed)

    and the model comes back built (its first weights drawn from ``seed``), as Keras
    builds a model whose first layer knows its ``input_shape``.

    >>> head = head_for(np.array([0, 1, 1, 0]))
    >>> model = build_model((2,), head, [4], activation="tanh", seed=0)
    >>> model.layers
    [Dense(4, activation='tanh', input_shape=(2,)), Dense(1, activation='sigmoid')]
    >>> model.count_params()
    17
    """
    if input_shape is None:
        raise ConfigError("build_model needs input_shape, the shape of one sample, e.g. (2,) "
                          "for points (x1, x2).")
    first: dict[str, Any] = {"input_shape": input_shape}  # only the first layer gets it
    layers = []
    for units in hidden:
        layers.append(Dense(units, activation=activation, **first, **layer_kwargs))
        first = {}
    layers.append(head.layer(**first, **layer_kwargs))
    model = Sequential(layers, seed=seed, dtype=dtype)
    model.build()
    return model
