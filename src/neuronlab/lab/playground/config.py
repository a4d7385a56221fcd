"""What defines a playground run: the data set, the inputs, the network and its training.

:class:`PlaygroundConfig` is what the page keeps in its URL and sends;
:meth:`PlaygroundConfig.parse` checks every field of it. :data:`FEATURES` are the inputs
the network can see, each computed from the point ``(x1, x2)``.

>>> config = PlaygroundConfig.parse({"dataset": "moons", "hidden": [3], "features": ["x2", "x1"]})
>>> config.hidden, config.features
((3,), ('x1', 'x2'))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ... import datasets
from ...tables import Table
from ..server.schema import (
    DATASETS,
    HIDDEN_ACTIVATIONS,
    LIMITS,
    OPTIMIZERS,
    BadRequest,
    choice,
    integer,
    number,
    obj,
    only,
    points_list,
)

OWN_DATA = "custom"  # the data set of only the learner's own points
#: Truth tables as the lessons train on them: every row once, no noise, no split (the
#: test rows are the training rows: there is nothing else to test on).
TABLES: dict[str, Callable[[], tuple[np.ndarray, np.ndarray]]] = {"xor4": datasets.xor}
TABLE_NAMES = {"xor4": "xor4 (the 4 rows of the truth table)"}  # as the data set menu says
SAMPLES = (8, LIMITS.points)  # the fewest and the most points of a generated data set
TRAIN_FRACTION = (0.1, 0.9)  # of the points, for training (the rest is the test set)
OWN_LABELS = (0, 1, 2, 3)  # the classes of a learner's own points (one colour each)
# The menus' choices; a link may carry another value within the limits, which joins them.
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)
PENALTIES = (0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1)  # L2 and L1


@dataclass(frozen=True)
class Feature:
    """An input the network can see, computed from the point ``(x1, x2)``."""

    name: str
    label: str
    code: str  # the same as Python, for the exported code
    compute: Callable[[np.ndarray], np.ndarray]


#: The input features by name, in the order the page lists them.
FEATURES: Table[Feature] = Table("input feature")
for _feature in (
    Feature("x1", "x1", "X[:, 0]", lambda X: X[:, 0]),
    Feature("x2", "x2", "X[:, 1]", lambda X: X[:, 1]),
    Feature("x1sq", "x1²", "X[:, 0] ** 2", lambda X: X[:, 0] ** 2),
    Feature("x2sq", "x2²", "X[:, 1] ** 2", lambda X: X[:, 1] ** 2),
    Feature("x1x2", "x1·x2", "X[:, 0] * X[:, 1]", lambda X: X[:, 0] * X[:, 1]),
    Feature("sinx1", "sin(x1)", "np.sin(X[:, 0])", lambda X: np.sin(X[:, 0])),
    Feature("sinx2", "sin(x2)", "np.sin(X[:, 1])", lambda X: np.sin(X[:, 1])),
):
    FEATURES.register(_feature)
LOSSES = ("auto", "mse", "mae")
# The fields the data set, its split and its grids depend on (the rest is the network).
DATA_FIELDS = ("dataset", "samples", "noise", "train_fraction", "seed", "points", "features",
               "loss")  # auto: what neuronlab.heads picks for the targets


def features(X: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """The columns ``names`` (keys of :data:`FEATURES`) computed from 2-D points ``X``."""
    return np.column_stack([FEATURES[name].compute(X) for name in names])


@dataclass(frozen=True)
class PlaygroundConfig:
    """Everything that defines a playground run; the page keeps it in its URL."""

    dataset: str = "xor"
    samples: int = 200
    noise: float = 0.1
    train_fraction: float = 0.5
    batch_size: int = 10
    hidden: tuple[int, ...] = (4, 4)
    activation: str = "tanh"
    learning_rate: float = 0.1
    optimizer: str = "sgd"
    l2: float = 0.0
    seed: int = 1
    features: tuple[str, ...] = ("x1", "x2")
    l1: float = 0.0
    loss: str = "auto"
    points: tuple[tuple[float, float, float], ...] = ()  # the learner's own points

    @classmethod
    def parse(cls, body: Any) -> PlaygroundConfig:
        """Check a JSON object; missing fields take their defaults."""
        body = obj(body, "'config'")
        only(body, tuple(cls.__dataclass_fields__))
        d = cls()
        hidden = body.get("hidden", list(d.hidden))
        if not isinstance(hidden, list) or len(hidden) > LIMITS.hidden_layers:
            raise BadRequest(
                f"'hidden' must be a list of 0 to {LIMITS.hidden_layers} layer sizes, got "
                f"{hidden!r}."
            )
        names = body.get("features", list(d.features))
        if not isinstance(names, list) or not names:
            raise BadRequest(f"'features' must be a non-empty list of feature names "
                             f"({', '.join(FEATURES)}), got {names!r}.")
        chosen = {choice(name, f"features[{i}]", FEATURES) for i, name in enumerate(names)}
        return cls(
            features=tuple(name for name in FEATURES if name in chosen),
            l1=number(body.get("l1", d.l1), "l1", 0.0, LIMITS.l2),
            loss=choice(body.get("loss", d.loss), "loss", LOSSES),
            points=tuple(points_list(body.get("points", []), "points")),
            dataset=choice(body.get("dataset", d.dataset), "dataset",
                           (*DATASETS, *TABLES, OWN_DATA)),
            samples=integer(body.get("samples", d.samples), "samples", *SAMPLES),
            noise=number(body.get("noise", d.noise), "noise", 0.0, LIMITS.noise),
            train_fraction=number(body.get("train_fraction", d.train_fraction),
                                  "train_fraction", *TRAIN_FRACTION),
            batch_size=integer(body.get("batch_size", d.batch_size), "batch_size", 1,
                               LIMITS.points),
            hidden=tuple(integer(units, f"hidden[{i}]", 1, LIMITS.neurons)
                         for i, units in enumerate(hidden)),
            activation=choice(body.get("activation", d.activation), "activation",
                              HIDDEN_ACTIVATIONS),
            learning_rate=number(body.get("learning_rate", d.learning_rate), "learning_rate",
                                 1e-6, LIMITS.learning_rate),
            optimizer=choice(body.get("optimizer", d.optimizer), "optimizer", OPTIMIZERS),
            l2=number(body.get("l2", d.l2), "l2", 0.0, LIMITS.l2),
            seed=integer(body.get("seed", d.seed), "seed", 0, LIMITS.seed),
        )

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["hidden"] = list(self.hidden)
        data["features"] = list(self.features)
        data["points"] = [list(p) for p in self.points]
        return data

    @property
    def test_size(self) -> float:
        return round(1.0 - self.train_fraction, 6)


def choices() -> dict[str, Any]:
    """What the playground page offers, for ``/api/meta``: the page keeps no copy."""
    return {
        "features": [[name, feature.label] for name, feature in FEATURES.items()],
        "tables": [[name, TABLE_NAMES[name]] for name in TABLES],
        "own_data": OWN_DATA,
        "own_labels": list(OWN_LABELS),
        "losses": list(LOSSES),
        "samples": list(SAMPLES),
        "train_fraction": list(TRAIN_FRACTION),
        "learning_rates": list(LEARNING_RATES),
        "penalties": list(PENALTIES),
    }
