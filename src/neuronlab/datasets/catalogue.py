"""The table of data sets: every data set by name, and :func:`load` to get one.

``load``, the command line (``neuronlab datasets``, ``neuronlab train NAME``) and the
lab all read this one table; :func:`register` adds a data set to all of them.

>>> X, y = load("xor")
>>> X.shape, y.ravel().tolist()
((4, 2), [0.0, 1.0, 1.0, 0.0])
>>> sorted(DATASETS)[:2]
['and', 'blobs']
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..checks import check_bool
from ..errors import ConfigError, DataError, UnknownNameError
from ..tables import Table
from .digits import load_digits, load_mnist_sample
from .generators import (
    make_blobs,
    make_bump,
    make_circles,
    make_cubic,
    make_gate_points,
    make_moons,
    make_plane,
    make_sine,
    make_spirals,
    spiral_data,
)
from .mnist import load_data, load_mnist
from .stories import and_gate, not_gate, or_gate, puzzle, xor

# ---------------------------------------------------------------------------

Points = Callable[[int, float, Any], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Dataset:
    """A data set in the table: how to load it and what it holds.

    ``task`` is "classification" or "regression"; ``source`` says where the data comes
    from ("table": a fixed truth table, "generated", "bundled", "download");
    ``small`` are ``load`` arguments giving a small sample (for quick checks);
    ``points(n_samples, noise, seed)``, when given, makes noisy 2-D points for the lab's
    playground: integer labels for a classification set (then also
    :func:`make_classification_2d`), real targets for a regression set.
    """

    name: str
    loader: Callable[..., tuple[np.ndarray, np.ndarray]]
    task: str
    source: str
    description: str
    small: Mapping[str, Any] = field(default_factory=dict)
    points: Points | None = None

    def takes(self, argument: str) -> bool:
        """True if the loader accepts ``argument`` (``n_samples``, ``noise``, ``seed``...)."""
        return argument in inspect.signature(self.loader).parameters


#: Every data set by name, in the order the lessons meet them.
DATASETS: Table[Dataset] = Table("data set", required=("name", "description"))


def register(dataset: Dataset, replace: bool = False) -> Dataset:
    """Add a data set to the table: ``load``, the command line and the lab then know it."""
    if dataset.task not in ("classification", "regression"):
        raise ConfigError(f"A data set's task is 'classification' or 'regression', got "
                          f"{dataset.task!r}.")
    return DATASETS.register(dataset, replace=replace)


unregister = DATASETS.unregister


def names(task: str | None = None, points: bool | None = None) -> tuple[str, ...]:
    """The data sets' names, now; ``task`` and ``points`` keep only those that match."""
    return tuple(d.name for d in DATASETS.values()
                 if task in (None, d.task) and points in (None, d.points is not None))


def _gate_points(gate: str) -> Points:
    return lambda n, noise, seed: make_gate_points(gate, n, noise, seed)


def mnist(
    part: str = "train",
    images: bool = False,
    directory: str | os.PathLike[str] | None = None,
    download: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Return MNIST digits: X float32 (n, 784) in [0, 1] (or (n, 28, 28, 1)), y int64 (n,).

    By default the 10,000 digits that ship with neuronlab, split once and for all
    (``part="train"``: 8,000, ``"test"``: 2,000, ``"all"``; see
    :func:`~neuronlab.datasets.load_mnist_sample`). With ``directory=...`` or
    ``download=True``, the full MNIST files instead (``part="train"``: 60,000,
    ``"test"``: 10,000; see :func:`~neuronlab.datasets.load_mnist`), as float32 too.

    >>> X, y = mnist("test", images=True)
    >>> X.shape, X.dtype.name
    ((2000, 28, 28, 1), 'float32')
    """
    if directory is None and not download:
        return load_mnist_sample(part, images=images)
    images = check_bool(images, "images")
    if part not in ("train", "test"):
        raise ConfigError("part='all' is for the bundled digits; the full MNIST files come "
                          "as part='train' (60,000) and part='test' (10,000).")
    X, y = load_mnist(directory, download=download, kind=part)
    if X.shape[1] != 784:
        raise DataError(f"MNIST images are 28x28 (784 pixels); the files in {directory!r} hold "
                        f"{X.shape[1]} pixels per image. Check that they are MNIST files.")
    X = X.astype(np.float32)
    return (X.reshape(-1, 28, 28, 1) if images else X), y


# Keras code calls keras.datasets.mnist.load_data(): with ``import neuronlab as keras``
# that is this function's attribute, giving Keras's uint8 arrays of the full MNIST.
mnist.load_data = load_data  # type: ignore[attr-defined]


_SMALL = {"n_samples": 20, "seed": 0}
for _dataset in (
    Dataset("and", and_gate, "classification", "table",
            "AND gate truth table: 4 rows, 2 inputs, target 1 only for (1, 1)",
            points=_gate_points("and")),
    Dataset("or", or_gate, "classification", "table",
            "OR gate truth table: 4 rows, 2 inputs, target 0 only for (0, 0)",
            points=_gate_points("or")),
    Dataset("not", not_gate, "classification", "table",
            "NOT gate truth table: 2 rows, 1 input, target is the opposite bit"),
    Dataset("xor", xor, "classification", "table",
            "XOR truth table: 4 rows, 2 inputs; not linearly separable",
            points=_gate_points("xor")),
    Dataset("puzzle", puzzle, "regression", "table",
            "the 2x+1 puzzle: 11->23, 23->47, 36->73, 49->99 (what does 55 give?)"),
    Dataset("circles", make_circles, "classification", "generated",
            "a small circle inside a large one, 2-D, 2 classes (generated)", _SMALL,
            lambda n, noise, seed: make_circles(n, noise=noise, seed=seed)),
    Dataset("moons", make_moons, "classification", "generated",
            "two interleaving half circles, 2-D, 2 classes (generated)", _SMALL,
            lambda n, noise, seed: make_moons(n, noise=noise, seed=seed)),
    Dataset("spirals", make_spirals, "classification", "generated",
            "interleaved spiral arms, 2-D, 3 classes by default (generated)", _SMALL,
            lambda n, noise, seed: make_spirals(n, noise=noise, seed=seed)),
    Dataset("nnfs-spirals", spiral_data, "classification", "generated",
            "the NNFS book's spiral_data: samples per class, class by class (generated)",
            {"samples": 20}),
    Dataset("blobs", make_blobs, "classification", "generated",
            "gaussian clusters, 2-D, 3 classes by default (generated)", _SMALL,
            lambda n, noise, seed: make_blobs(n, cluster_std=noise, seed=seed)),
    Dataset("cubic", make_cubic, "regression", "generated",
            "regression: y = x^3 + 2x + 1 on [-2, 2] (generated)", _SMALL),
    Dataset("sine", make_sine, "regression", "generated",
            "regression: y = sin(x) on [-pi, pi] (generated)", _SMALL),
    Dataset("plane", make_plane, "regression", "generated",
            "regression: y = (x1 + 2 x2) / 3 over [-1, 1]^2, 2-D (generated)", _SMALL,
            lambda n, noise, seed: make_plane(n, noise=noise, seed=seed)),
    Dataset("bump", make_bump, "regression", "generated",
            "regression: y = exp(-2 (x1^2 + x2^2)) over [-1, 1]^2, 2-D (generated)", _SMALL,
            lambda n, noise, seed: make_bump(n, noise=noise, seed=seed)),
    Dataset("digits", load_digits, "classification", "bundled",
            "8x8 handwritten digits: 1,797 images, 64 pixels 0..16, labels 0..9 (bundled)"),
    Dataset("mnist", mnist, "classification", "bundled",
            "28x28 MNIST digits: 10,000 real ones, 8,000 train / 2,000 test, labels 0..9 "
            "(bundled)",
            {"part": "test"}),
):
    register(_dataset)


def _check_kwargs(name: str, loader: Callable[..., Any], kwargs: dict[str, Any]) -> None:
    """Raise ConfigError if ``kwargs`` holds an argument ``loader`` does not take."""
    accepted = list(inspect.signature(loader).parameters)
    unknown = [key for key in kwargs if key not in accepted]
    if unknown:
        options = ", ".join(accepted) if accepted else "no arguments"
        raise ConfigError(
            f"Data set {name!r} does not take {', '.join(map(repr, unknown))}; it accepts: "
            f"{options}."
        )


def load(name: str, **kwargs: Any) -> tuple[np.ndarray, np.ndarray]:
    """Return the ``(X, y)`` of the data set ``name`` (see :data:`DATASETS`), passing ``kwargs`` on.

    >>> X, y = load("moons", n_samples=20, seed=1)
    >>> X.shape, y.shape
    ((20, 2), (20,))
    """
    dataset = DATASETS[name]
    _check_kwargs(dataset.name, dataset.loader, kwargs)
    return dataset.loader(**kwargs)


def make_classification_2d(
    name: str, n_samples: int = 200, noise: float = 0.1, seed: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return the 2-D classification set called ``name``: X float64 (n, 2), y int64 (n,).

    ``"and"``, ``"or"``, ``"xor"``: points scattered (gaussian, std ``noise``) around
    the corners (0,0), (0,1), (1,0), (1,1), labelled by the gate. ``"circles"``,
    ``"moons"``, ``"spirals"``: the ``make_*`` function with this ``noise``.
    ``"blobs"``: three blobs with ``cluster_std=noise``.

    >>> X, y = make_classification_2d("xor", 8, noise=0.0, seed=0)
    >>> sorted(zip(X.tolist(), y.tolist()))[:2]
    [([0.0, 0.0], 0), ([0.0, 0.0], 0)]
    """
    known = name in DATASETS and DATASETS[name].task == "classification"
    points = DATASETS[name].points if known else None
    if points is None:
        raise UnknownNameError(
            f"Unknown 2-D data set {name!r}. Valid names: "
            f"{', '.join(names('classification', points=True))}."
        )
    return points(n_samples, noise, seed)
