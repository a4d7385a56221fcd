"""Metrics: numbers that tell a person how well a model does (not used for gradients).

>>> import numpy as np
>>> accuracy(np.array([[0.9], [0.2]]), np.array([[1.0], [1.0]]))
0.5
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from .tables import Table

Metric = Callable[[np.ndarray, np.ndarray], float]


@dataclass(frozen=True)
class Entry:
    """A metric in the table: its name, the function, one line about it, which way is
    better (``higher_is_better``: accuracy yes, an error no)."""

    name: str
    function: Metric
    description: str
    higher_is_better: bool
    aliases: tuple[str, ...] = ()


TABLE: Table[Entry] = Table("metric", required=("name", "description"))


def register(higher_is_better: bool, aliases: Iterable[str] = (),
             replace: bool = False) -> Callable[[Metric], Metric]:
    """A decorator adding a metric function to the table under its own name.

    The first line of its docstring is its description.
    """
    def add(function: Metric) -> Metric:
        description = (function.__doc__ or "").strip().split("\n")[0]
        TABLE.register(Entry(function.__name__, function, description, higher_is_better,
                             tuple(aliases)), replace=replace)
        return function
    return add


@register(higher_is_better=True, aliases=("acc",))
def accuracy(y_pred: np.ndarray, y_true: np.ndarray) -> float:
    """Share of samples classified right.

    One output column: the prediction is class 1 when it is above 0.5. Several
    columns (one-hot): the predicted class is the column with the largest value.
    """
    if y_pred.shape[1] == 1:
        return float(np.mean((y_pred > 0.5) == (y_true > 0.5)))
    return float(np.mean(y_pred.argmax(axis=1) == y_true.argmax(axis=1)))


@register(higher_is_better=False, aliases=("mean_absolute_error",))
def mae(y_pred: np.ndarray, y_true: np.ndarray) -> float:
    """Mean absolute error."""
    return float(np.mean(np.abs(y_pred - y_true)))


@register(higher_is_better=False, aliases=("mean_squared_error",))
def mse(y_pred: np.ndarray, y_true: np.ndarray) -> float:
    """Mean squared error."""
    return float(np.mean((y_pred - y_true) ** 2))


unregister = TABLE.unregister


def names() -> tuple[str, ...]:
    """The metrics' names, now."""
    return TABLE.names()


def canonical_name(identifier: str) -> str:
    """The one name a metric is logged under (``acc`` -> ``accuracy``)."""
    return TABLE.canonical(identifier)


def get(identifier: str) -> Metric:
    """Return the metric function called ``identifier``."""
    entry: Entry = TABLE.get(identifier)
    return entry.function


def higher_is_better(name: str) -> bool | None:
    """Which way ``name``, a value ``fit`` logs, is better: True for a metric that is
    better high (``accuracy``, ``val_acc``), False for a loss or an error (``val_loss``,
    ``mae``), None for a name that is neither a loss nor a metric of this table.

    >>> higher_is_better("val_accuracy"), higher_is_better("loss"), higher_is_better("lr")
    (True, False, None)
    """
    base = name.removeprefix("val_") if isinstance(name, str) else ""
    if base == "loss":
        return False
    return TABLE[base].higher_is_better if base in TABLE else None


# Keras's names for accuracy, each logged under the name it was asked by (as Keras does).
# The model holds class labels as one-hot rows, so sparse and categorical accuracy are the
# same computation here.
@register(higher_is_better=True)
def binary_accuracy(y_pred: np.ndarray, y_true: np.ndarray) -> float:
    """Share of outputs on the right side of 0.5 (each output a yes/no answer)."""
    return float(np.mean((y_pred > 0.5) == (y_true > 0.5)))


@register(higher_is_better=True)
def categorical_accuracy(y_pred: np.ndarray, y_true: np.ndarray) -> float:
    """Share of samples whose largest output is the one-hot target's class."""
    return float(np.mean(y_pred.argmax(axis=1) == y_true.argmax(axis=1)))


@register(higher_is_better=True)
def sparse_categorical_accuracy(y_pred: np.ndarray, y_true: np.ndarray) -> float:
    """Share of samples whose largest output is the class label's."""
    return categorical_accuracy(y_pred, y_true)


def __getattr__(name: str) -> object:
    """A Keras metric object (``keras.metrics.SparseCategoricalAccuracy()``): not here."""
    if name.startswith("__") or not name[:1].isupper():
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    raise AttributeError(
        f"neuronlab.metrics has no {name}: neuronlab has no metric objects. Give the "
        f"metric's name as a string, e.g. compile(..., metrics=['accuracy']); the names are "
        f"{', '.join(names())}."
    )
