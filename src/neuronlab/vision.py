"""A drawn digit made to look like an MNIST digit: cropped, scaled, centred.

The MNIST digits were prepared in three steps (LeCun, Cortes and Burges describe
them with the data set): each written digit was scaled, keeping its proportions, so
that it fits a 20 x 20 box; its grey levels come from that scaling (anti-aliasing);
then it was put in a 28 x 28 image so that its centre of mass sits at the centre.
A network trained on MNIST expects exactly that, so a digit drawn with the mouse
goes through the same steps before it is read::

    ink = image > 0.05 * image.max()            # where the pen went
    digit = image[top:bottom, left:right]       # the smallest box around the ink
    digit = resize(digit, (rows, cols))         # the longer side 20 pixels
    frame = np.zeros((28, 28)); frame[...] = digit   # placed, then shifted so that
                                                # its centre of mass is at (14, 14)

>>> drawn = np.zeros((100, 100)); drawn[20:80, 42:54] = 1.0   # a thick "1"
>>> digit = to_mnist(drawn)
>>> digit.shape, digit.dtype.name, float(digit.max())
((28, 28), 'float32', 1.0)
>>> [round(float(v), 1) for v in center_of_mass(digit)]
[14.0, 14.0]
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import DataError

SIZE = 28  # an MNIST image is 28 x 28 pixels
BOX = 20  # the digit itself fits a 20 x 20 box inside it
INK = 0.05  # a pixel is ink when it is above this share of the darkest pixel


def resize(image: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """``image`` (2-D) resized to ``shape`` by averaging: each new pixel is the mean of
    the old pixels it covers, each counted by how much of it is covered.

    >>> resize(np.array([[0.0, 1.0], [1.0, 1.0]]), (1, 1))
    array([[0.75]])
    """
    def cover(old: int, new: int) -> np.ndarray:
        # cover[i, k]: how much of old pixel k lies inside new pixel i (in old pixels)
        edges = np.arange(new + 1) * old / new
        starts, ends = edges[:-1, None], edges[1:, None]
        k = np.arange(old)[None, :]
        overlap = np.clip(np.minimum(ends, k + 1) - np.maximum(starts, k), 0.0, None)
        return overlap / overlap.sum(axis=1, keepdims=True)

    rows = cover(image.shape[0], shape[0])
    cols = cover(image.shape[1], shape[1])
    return rows @ image @ cols.T


def center_of_mass(image: np.ndarray) -> tuple[float, float]:
    """The ink's centre of mass ``(row, column)``, each pixel weighed by its grey level
    and taken at its centre (pixel ``(0, 0)`` covers 0 to 1, its centre is 0.5)."""
    total = float(image.sum())
    rows = np.arange(image.shape[0]) + 0.5
    cols = np.arange(image.shape[1]) + 0.5
    return (float(image.sum(axis=1) @ rows) / total, float(image.sum(axis=0) @ cols) / total)


def _check(image: Any) -> np.ndarray:
    try:
        array = np.asarray(image, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(f"A drawing must be a 2-D grid of grey levels between 0 and 1, got "
                        f"{type(image).__name__}.") from None
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim != 2 or min(array.shape) < 1:
        raise DataError(f"A drawing must be a 2-D grid of grey levels (rows x columns), got "
                        f"shape {array.shape}. Pass one image, e.g. image.reshape(28, 28).")
    if not np.isfinite(array).all() or array.min() < 0 or array.max() > 1:
        raise DataError("A drawing's grey levels must lie between 0 (paper) and 1 (ink); "
                        "divide 0-255 pixels by 255 first.")
    if array.max() <= 0:
        raise DataError("The drawing is empty: there is no ink to read. Draw a digit first.")
    return array


def to_mnist(image: Any) -> np.ndarray:
    """A drawn digit (2-D, grey levels 0 = paper to 1 = ink, any size) as MNIST prepares
    its digits: the ink's box scaled to fit 20 x 20 (proportions kept), placed in a
    28 x 28 image with its centre of mass at the centre. Returns float32 (28, 28)
    in [0, 1], darkest pixel 1.
    """
    array = _check(image)
    rows = np.flatnonzero((array > INK * array.max()).any(axis=1))
    cols = np.flatnonzero((array > INK * array.max()).any(axis=0))
    digit = array[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    scale = BOX / max(digit.shape)
    shape = (max(1, round(digit.shape[0] * scale)), max(1, round(digit.shape[1] * scale)))
    digit = resize(digit, shape)
    digit = digit / digit.max()
    frame = np.zeros((SIZE, SIZE))
    top, left = (SIZE - shape[0]) // 2, (SIZE - shape[1]) // 2
    frame[top:top + shape[0], left:left + shape[1]] = digit
    # shift so that the centre of mass lands on the centre (whole pixels, ink kept inside)
    row, col = center_of_mass(frame)
    down = int(np.clip(round(SIZE / 2 - row), -top, SIZE - top - shape[0]))
    right = int(np.clip(round(SIZE / 2 - col), -left, SIZE - left - shape[1]))
    frame = np.roll(frame, (down, right), axis=(0, 1))
    return frame.astype(np.float32)


def convolve(image: Any, kernel: Any, bias: float = 0.0) -> np.ndarray:
    """One grey image (rows of pixels) and one kernel through the sliding-window loop
    of :func:`neuronlab.layers.conv.conv2d_reference`: the feature map, stride 1, no
    padding, before any activation.

    >>> convolve([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 2], [3, 4]], 0.5)
    array([[27.5, 37.5],
           [57.5, 67.5]])
    """
    from .layers.conv import conv2d_reference

    x = np.array(image, dtype=np.float64)[np.newaxis, :, :, np.newaxis]
    k = np.array(kernel, dtype=np.float64)[np.newaxis, :, :, np.newaxis]
    return conv2d_reference(x, k, np.array([float(bias)]))[0, :, :, 0]

# --------------------------------------------------------------------------- the readers
def mlp(seed: int = 0) -> Any:
    """The lesson's MLP: the 28 x 28 pixels flattened to a row of 784, 64 ReLU neurons,
    10 softmax outputs (one per digit)."""
    from .layers import Dense, Flatten
    from .model import Sequential
    from .optimizers import Adam

    model = Sequential([Flatten(input_shape=(28, 28, 1)),
                        Dense(64, activation="relu"),
                        Dense(10, activation="softmax")], seed=seed)
    model.compile(optimizer=Adam(learning_rate=0.001), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def conv_net(seed: int = 0, filters: int = 8) -> Any:
    """The lesson's conv net: 3 x 3 kernels, ReLU and 2 x 2 max pooling, twice, then one
    softmax layer."""
    from .layers import Conv2D, Dense, Flatten, MaxPool2D
    from .model import Sequential
    from .optimizers import Adam

    model = Sequential([Conv2D(filters, 3, activation="relu", input_shape=(28, 28, 1)),
                        MaxPool2D(2),
                        Conv2D(2 * filters, 3, activation="relu"),
                        MaxPool2D(2),
                        Flatten(),
                        Dense(10, activation="softmax")], seed=seed)
    model.compile(optimizer=Adam(learning_rate=0.005), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model


MLP_EPOCHS, CONV_EPOCHS = 5, 2  # what the two readers are trained for
#: The trained readers that ship with neuronlab, in ``neuronlab/data/`` (made by
#: ``tools/train_digit_readers.py`` with :func:`train_readers`).
READER_FILES = {"mlp": "digit-reader-mlp.npz", "conv": "digit-reader-conv.npz"}


@dataclass(frozen=True)
class Readers:
    """The two trained readers and how well each reads the 2,000 held-out digits."""

    mlp: Any
    conv: Any
    mlp_accuracy: float
    conv_accuracy: float


def train_readers() -> tuple[Any, Any]:
    """Train the lesson's MLP and conv net (seed 0) on the 8,000 bundled training digits."""
    from . import datasets

    X, y = datasets.load("mnist", part="train", images=True)
    first = mlp()
    first.fit(X, y, epochs=MLP_EPOCHS, batch_size=32, verbose=0, seed=0)
    second = conv_net()
    second.fit(X, y, epochs=CONV_EPOCHS, batch_size=64, verbose=0, seed=0)
    return first, second


_lock = threading.Lock()
_loaded: list[Readers] = []


def readers() -> Readers:
    """The lesson's MLP and conv net as trained by :func:`train_readers`: read from the
    files that ship with neuronlab (or trained now, if they are missing), then kept for
    this process, with their accuracy on the 2,000 held-out digits."""
    from importlib.resources import as_file, files

    from . import datasets
    from .io import load_model

    with _lock:
        if not _loaded:
            folder = files(__package__) / "data"
            if all((folder / name).is_file() for name in READER_FILES.values()):
                models = []
                for name in READER_FILES.values():
                    with as_file(folder / name) as path:
                        models.append(load_model(path))
                first, second = models
            else:
                first, second = train_readers()
            X_test, y_test = datasets.load("mnist", part="test", images=True)
            _loaded.append(Readers(
                first, second,
                float(first.evaluate(X_test, y_test, return_dict=True)["accuracy"]),
                float(second.evaluate(X_test, y_test, return_dict=True)["accuracy"])))
        return _loaded[0]
