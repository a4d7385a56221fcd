"""Data for training: check inputs and targets, one-hot labels, hold out a validation
set, cut batches (:class:`Batches`).

Inputs ``X`` have shape ``(N, n_inputs)``; targets ``Y`` have shape ``(N, outputs)``.
Integer class labels of shape ``(N,)`` become one-hot rows when the model has more
than one output.

>>> import numpy as np
>>> check_class_labels(np.array([0.0, 2.0, 1.0]), 3)  # then datasets.one_hot encodes them
>>> batch_size_for(4, None), batch_size_for(1000, None), batch_size_for(1000, 128)
(4, 32, 128)
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import losses
from ..checks import as_array, as_float_array, check_int, check_number
from ..datasets.encoding import one_hot
from ..errors import ConfigError, DataError, ShapeError

if TYPE_CHECKING:
    from ..model import Sequential

DEFAULT_BATCH_SIZE = 32


def batch_size_for(n_samples: int, batch_size: int | None) -> int:
    """The batch size ``fit`` uses: ``batch_size`` if given, else 32 (as Keras), or all
    the samples when there are at most 32 of them (full-batch gradient descent)."""
    if batch_size is None:
        return n_samples if n_samples <= DEFAULT_BATCH_SIZE else DEFAULT_BATCH_SIZE
    return check_int(batch_size, "batch_size")


class Batches:
    """``Batches(X, Y, batch_size, shuffled)(rng)`` yields one epoch of ``(X_b, Y_b)``
    batches of ``batch_size`` rows (the last may be shorter): in a new order drawn from
    ``rng`` when ``shuffled``, else as stored.

    Shuffled rows are gathered into one buffer per array, made once and reused for
    every batch (a batch is valid until the next one is drawn; copy it to keep it).

    >>> X, Y = np.arange(5.0).reshape(5, 1), np.zeros((5, 1))
    >>> [xb[:, 0].tolist() for xb, _ in Batches(X, Y, 2, shuffled=False)(None)]
    [[0.0, 1.0], [2.0, 3.0], [4.0]]
    """

    def __init__(self, X: np.ndarray, Y: np.ndarray, batch_size: int,
                 shuffled: bool = True) -> None:
        self.X, self.Y, self.batch_size, self.shuffled = X, Y, batch_size, shuffled
        rows = batch_size if shuffled else 0  # never shuffled: slices, no buffer
        self.x_rows = np.empty((rows, *X.shape[1:]), dtype=X.dtype)
        self.y_rows = np.empty((rows, *Y.shape[1:]), dtype=Y.dtype)

    def __call__(self, rng: np.random.Generator | None
                 ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        X, Y, size = self.X, self.Y, self.batch_size
        order = rng.permutation(len(X)) if self.shuffled and rng is not None else None
        for start in range(0, len(X), size):
            if order is None:
                yield X[start:start + size], Y[start:start + size]
            else:
                rows = order[start:start + size]
                # mode="clip" skips the bounds check's extra copy: rows are a permutation
                yield (X.take(rows, axis=0, out=self.x_rows[:len(rows)], mode="clip"),
                       Y.take(rows, axis=0, out=self.y_rows[:len(rows)], mode="clip"))


def prepare_inputs(model: Sequential, X: Any, name: str = "X",
                   seed: int | None = None, check_finite: bool = True) -> np.ndarray:
    """``X`` as a float array of the model's dtype, ``(N, n_inputs)``, checked against
    the model's number of inputs (building the model's weights if they do not exist yet).

    ``check_finite=False`` skips the pass over every number that looks for NaN and
    infinity, for a caller that checks its outputs instead (``predict``) and calls
    this again with the check when they are not finite, to say why.
    """
    shape = model.input_shape
    if shape is not None:
        ndim = 1 + len(shape)
    elif model.layers and not model.layers[0].fully_connected:
        ndim = max(int(np.ndim(X)), 2)  # e.g. images for a first Conv2D without input_shape
    else:
        ndim = 2
    if ndim > 2 and shape is not None and np.ndim(X) != ndim:
        raise image_error(np.shape(X), shape, name)
    X = as_float_array(X, name, dtype=model.dtype, ndim=ndim, finite=check_finite)
    if ndim > 2:
        return _prepare_images(model, X, name, seed)
    if not model.built:
        expected = model.n_inputs
        if expected is not None and X.shape[1] != expected:
            raise feature_error(X, expected, name)
        model.build(X.shape[1], seed=seed)
    elif X.shape[1] != model.n_inputs:
        raise feature_error(X, model.n_inputs or 0, name)
    return X


def _prepare_images(model: Sequential, X: np.ndarray, name: str,
                    seed: int | None) -> np.ndarray:
    """``X`` checked against a model whose samples are not flat rows (images)."""
    expected = model.input_shape
    if expected is not None and X.shape[1:] != expected:
        raise image_error(X.shape, expected, name)
    if not model.built:
        model.build(X.shape[1:], seed=seed)
    return X


def image_error(got: tuple[int, ...], expected: tuple[int, ...], name: str) -> ShapeError:
    """The error for images ``X`` of the wrong shape."""
    sizes = ", ".join(map(str, expected))
    return ShapeError(
        f"This model expects samples of shape {expected}, so {name} of shape (N, {sizes}); "
        f"got {name} with shape {got}. Reshape it, e.g. {name}.reshape(-1, {sizes}), or "
        f"change the first layer's input_shape."
    )


def feature_error(X: np.ndarray, expected: int, name: str) -> ShapeError:
    """The error for ``X`` with the wrong number of columns."""
    return ShapeError(
        f"This model expects {expected} input features per sample, got {name} with shape "
        f"{X.shape} ({X.shape[1]} features). Pass data with {expected} columns, or give the "
        f"first layer input_shape=({X.shape[1]},)."
    )


def prepare_targets(model: Sequential, y: Any, n_samples: int, name: str = "y") -> np.ndarray:
    """Targets as ``(N, outputs)`` in the model's dtype: a column of class labels
    becomes one-hot rows; widths, counts and cross-entropy's 0..1 range are checked."""
    k = model.output_units
    Y = as_array(y, name) if not isinstance(y, np.ndarray) else y
    if Y.ndim == 1:
        Y = Y.reshape(-1, 1)
    Y = as_float_array(Y, name, dtype=np.float64)
    if len(Y) != n_samples:
        raise ShapeError(
            f"X has {n_samples} samples but {name} has {len(Y)}; give exactly one target "
            f"per sample (row of X)."
        )
    if k > 1 and Y.shape[1] == 1:
        check_class_labels(Y[:, 0], k, name)
        Y = one_hot(Y[:, 0], k)
    elif Y.shape[1] != k:
        what = "one-hot rows" if k > 1 else "targets"
        raise ShapeError(
            f"The model's last layer has {k} output(s) but {name} has width {Y.shape[1]} "
            f"(shape {Y.shape}). Give {what} of width {k}, integer class labels of shape "
            f"({n_samples},), or change the last layer's units to {Y.shape[1]}."
        )
    loss = model.loss
    is_crossentropy = isinstance(loss, (losses.BinaryCrossentropy,
                                        losses.CategoricalCrossentropy))
    if loss is not None and is_crossentropy and ((Y < 0).any() or (Y > 1).any()):
        raise DataError(
            f"{loss.name} needs targets between 0 and 1, got {name} values from "
            f"{Y.min():g} to {Y.max():g}. Use 0/1 labels (or one-hot rows)."
        )
    return as_float_array(Y, name, dtype=model.dtype)  # refuses values too large for it


def check_class_labels(labels: np.ndarray, k: int, name: str = "y") -> None:
    """Check that ``labels`` (N,) are class numbers ``0..k-1`` for a model with k outputs."""
    if not np.all(labels == np.round(labels)):
        raise DataError(
            f"The model has {k} outputs, so {name} with one column must hold integer class "
            f"labels 0..{k - 1}, but it has non-integer values such as "
            f"{labels[labels != np.round(labels)][0]:g}. For real-valued targets, give {name} "
            f"{k} columns (one per output), or make the last layer Dense(1)."
        )
    low, high = labels.min(), labels.max()
    if low < 0 or high >= k:
        raise DataError(
            f"Class labels must be in 0..{k - 1} for a last layer of {k} units, got labels "
            f"from {low:g} to {high:g}. Use {int(high) + 1} output units or relabel the data."
        )


def split_validation(
    model: Sequential, X: np.ndarray, Y: np.ndarray, split: float,
    data: tuple[Any, Any] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """``(X_train, Y_train, X_val, Y_val)``: ``data`` checked as given, or the last
    ``split`` fraction of the rows held out (before any shuffling), or no validation."""
    if data is not None:
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise ConfigError("validation_data must be a pair (X_val, y_val) or a triple "
                              "(X_val, y_val, sample_weight_val).")
        X_val = prepare_inputs(model, data[0], "X_val")
        return X, Y, X_val, prepare_targets(model, data[1], len(X_val), "y_val")
    split = check_number(split, "validation_split", 0, 1, below_maximum=True)
    if not split:
        return X, Y, None, None
    n_train = math.floor(len(X) * (1.0 - split))  # Keras's count: floor(N * (1 - split))
    if n_train < 1 or n_train >= len(X):
        raise DataError(
            f"validation_split={split} of {len(X)} samples leaves {len(X) - n_train} for "
            f"validation and {n_train} for training; both need at least one sample."
        )
    return X[:n_train], Y[:n_train], X[n_train:], Y[n_train:]


def validation_weights(validation_data: Any) -> tuple[Any, Any]:
    """``validation_data`` as the pair ``(X_val, y_val)`` and the weights of Keras's
    triple ``(X_val, y_val, sample_weight_val)`` (None when it is a pair)."""
    if isinstance(validation_data, (tuple, list)) and len(validation_data) == 3:
        return tuple(validation_data[:2]), validation_data[2]
    return validation_data, None


def sample_weights(Y: np.ndarray, sample_weight: Any, class_weight: Any,
                   n_samples: int | None) -> np.ndarray | None:
    """One weight per sample from Keras's ``sample_weight`` (one number per sample,
    ``n_samples`` of them, validation rows included) or ``class_weight`` (``{class:
    weight}``, looked up by each row's class), or None when neither is given."""
    if sample_weight is None and class_weight is None:
        return None
    if sample_weight is not None and class_weight is not None:
        raise ConfigError("fit takes sample_weight or class_weight, not both (as Keras).")
    if class_weight is not None:
        if not isinstance(class_weight, dict) or not class_weight:
            raise ConfigError(f"class_weight must be a dict {{class: weight}}, got "
                              f"{repr(class_weight)[:60]}.")
        classes = Y.argmax(axis=1) if Y.shape[1] > 1 else (Y[:, 0] > 0.5).astype(int)
        missing = sorted(set(classes.tolist()) - set(class_weight))
        if missing:
            raise ConfigError(f"class_weight has no weight for class(es) {missing}; give one "
                              f"per class, e.g. {{{', '.join(f'{c}: 1.0' for c in missing)}}}.")
        return np.array([check_number(class_weight[c], f"class_weight[{c}]", 0)
                         for c in classes.tolist()])
    weights = as_array(sample_weight, "sample_weight")
    if weights.ndim != 1 or weights.dtype.kind not in "iuf" or \
            (n_samples is not None and len(weights) != n_samples):
        raise ShapeError(f"sample_weight must hold one number per sample ({n_samples} of "
                         f"them), got shape {weights.shape}.")
    weights = weights.astype(np.float64)
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise DataError("sample_weight must hold finite numbers >= 0.")
    return weights
