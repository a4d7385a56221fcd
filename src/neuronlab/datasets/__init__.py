"""Data sets: the seed stories, generated 2-D sets, regression curves, digits, MNIST.

Every loader returns NumPy arrays ready for a network:

* the seed stories (gates, XOR, the 2x+1 puzzle) return ``(X, y)`` as float64
  arrays of shapes ``(n, features)`` and ``(n, 1)`` (:mod:`.stories`);
* the generated 2-D classification sets return ``X`` float64 ``(n, 2)`` and class
  labels ``y`` int64 ``(n,)``; the regression curves float64 ``(n, 1)`` and
  ``(n, 1)`` (:mod:`.generators`);
* :func:`load_digits` returns the bundled 8x8 digits, float64 ``(1797, 64)`` and
  int64 labels; :func:`load_mnist_sample` the 10,000 bundled real MNIST digits,
  float32 ``(n, 784)`` in [0, 1] with a fixed 8,000 / 2,000 split (:mod:`.digits`);
* :func:`load_mnist` reads the full MNIST IDX files (:mod:`.mnist`, :mod:`.idx`);
* :func:`train_test_split` (:mod:`.split`) and :func:`one_hot` (:mod:`.encoding`).

:data:`DATASETS` (:mod:`.catalogue`) names them all; ``load(name)`` loads one.
Randomness always comes from ``np.random.default_rng(seed)``: the same ``seed``
gives the same arrays, ``seed=None`` gives fresh ones, and global NumPy state is
never touched.

>>> X, y = load("xor")
>>> X.shape, y.ravel().tolist()
((4, 2), [0.0, 1.0, 1.0, 0.0])
>>> sorted(DATASETS)[:2]
['and', 'blobs']
"""

from __future__ import annotations

from .catalogue import (
    DATASETS,
    Dataset,
    load,
    make_classification_2d,
    mnist,
    names,
    register,
    unregister,
)
from .digits import MNIST_SAMPLE_FILES, load_digits, load_mnist_sample
from .encoding import one_hot
from .generators import (
    MAX_CLASSES,
    MAX_SAMPLES,
    make_blobs,
    make_bump,
    make_circles,
    make_cubic,
    make_moons,
    make_plane,
    make_sine,
    make_spirals,
    spiral_data,
)
from .idx import read_idx
from .mnist import MNIST_SHA256, MNIST_URL, load_mnist
from .split import train_test_split
from .stories import PUZZLE_QUESTION, and_gate, not_gate, or_gate, puzzle, xor

__all__ = [
    "DATASETS",
    "MAX_CLASSES",
    "MAX_SAMPLES",
    "MNIST_SAMPLE_FILES",
    "MNIST_SHA256",
    "MNIST_URL",
    "PUZZLE_QUESTION",
    "Dataset",
    "and_gate",
    "load",
    "load_digits",
    "load_mnist",
    "load_mnist_sample",
    "make_blobs",
    "make_bump",
    "make_circles",
    "make_classification_2d",
    "make_cubic",
    "make_moons",
    "make_plane",
    "make_sine",
    "make_spirals",
    "mnist",
    "names",
    "not_gate",
    "one_hot",
    "or_gate",
    "puzzle",
    "read_idx",
    "register",
    "spiral_data",
    "train_test_split",
    "unregister",
    "xor",
]

#: Keras's other data sets (``keras.datasets.X``), which neuronlab does not have.
_KERAS_ONLY = ("boston_housing", "california_housing", "cifar10", "cifar100", "fashion_mnist",
               "imdb", "reuters")


def __getattr__(name: str) -> object:
    """``keras.datasets.cifar10`` and the like: say that only MNIST is here."""
    if name in _KERAS_ONLY:
        raise AttributeError(
            f"neuronlab.datasets has no {name}: of Keras's data sets only mnist is here "
            "(mnist.load_data() as Keras returns it, or mnist('train') and mnist('test') for "
            "the 10,000 digits that ship with neuronlab). Keras code that loads another "
            "data set does not run here as written."
        )
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
