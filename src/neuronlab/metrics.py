"""Metrics: numbers that tell a person how well a model does (not used for gradients).

>>> import numpy as np
>>> accuracy(np.array([[0.9], [0.2]]), np.array([[1.0], [1.0]]))
0.5
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import validation

Metric = Callable[[np.ndarray, np.ndarray], float]


def accuracy(y_pred: np.ndarray, y_true: np.ndarray) -> float:
    """Share of samples classified right.

    One output column: the prediction is class 1 when it is above 0.5. Several
    columns (one-hot): the predicted class is the column with the largest value.
    """
    if y_pred.shape[1] == 1:
        return float(np.mean((y_pred > 0.5) == (y_true > 0.5)))
    return float(np.mean(y_pred.argmax(axis=1) == y_true.argmax(axis=1)))


def mae(y_pred: np.ndarray, y_true: np.ndarray) -> float:
    """Mean absolute error."""
    return float(np.mean(np.abs(y_pred - y_true)))


def mse(y_pred: np.ndarray, y_true: np.ndarray) -> float:
    """Mean squared error."""
    return float(np.mean((y_pred - y_true) ** 2))


_TABLE: dict[str, Metric] = {"accuracy": accuracy, "mae": mae, "mse": mse}
_ALIASES = {"acc": "accuracy", "mean_absolute_error": "mae", "mean_squared_error": "mse"}
NAMES = tuple(_TABLE)


def canonical_name(identifier: str) -> str:
    """The one name a metric is logged under (``acc`` -> ``accuracy``)."""
    return validation.canonical_name("metric", identifier, _TABLE, _ALIASES)


def get(identifier: str) -> Metric:
    """Return the metric function called ``identifier``."""
    return _TABLE[canonical_name(identifier)]
