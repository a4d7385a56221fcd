"""The training loop of the lessons, written out once::

    for each epoch:
        shuffle the rows
        for each batch (X_b, Y_b):
            y_pred = model.forward(X_b)              # layer by layer
            loss   = compute_loss(model, y_pred, Y_b)
            model.backward(y_pred, Y_b)              # chain rule, last layer first
            optimizer.step(parameters)               # w = w - learning_rate * dL/dw
        callbacks see the epoch's loss and metrics

With ``model.fast`` (the default) each step runs through :mod:`.fast`, the same
arithmetic arranged for speed; ``Sequential(..., fast=False)`` runs :func:`train_step`.

>>> import numpy as np
>>> from neuronlab import SGD, Dense, Sequential
>>> model = Sequential([Dense(1, input_shape=(1,))], seed=0, fast=False)
>>> model.compile(optimizer=SGD(learning_rate=0.1), loss="mse")
>>> X, Y = np.array([[1.0], [2.0]], np.float32), np.array([[3.0], [5.0]], np.float32)
>>> loss, y_pred = train_step(model, X, Y)
>>> loss == compute_loss(model, y_pred, Y)
True
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import metrics as metric_table
from ..errors import ConfigError, TrainingDivergedError
from ..layers import Dropout
from ..validation import all_finite, check_bool, check_int, check_seed
from . import data, fast, progress
from .callbacks import Callback, History

if TYPE_CHECKING:
    from ..model import Sequential


def compute_loss(model: Sequential, y_pred: np.ndarray, Y: np.ndarray) -> float:
    """``L = loss(y_pred, Y) + sum of the layers' L2 penalties``."""
    assert model.loss is not None
    return model.loss.value(y_pred, Y) + model.penalty()


def train_step(model: Sequential, X: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
    """One step of gradient descent on one batch: forward, loss, backward, update.

    Returns the loss before the step and the predictions it was computed from. A loss
    that is not a finite number raises :class:`~neuronlab.errors.TrainingDivergedError`
    before any weight changes.
    """
    assert model.optimizer is not None
    y_pred = model.forward(X, training=True)
    loss = compute_loss(model, y_pred, Y)
    if not math.isfinite(loss):
        raise TrainingDivergedError.from_loss(loss, model.optimizer.learning_rate)
    model.backward(y_pred, Y)
    model.optimizer.step(model.parameters())
    return loss, y_pred


def check_callbacks(callbacks: Any) -> list[Callback]:
    """``callbacks`` as a list of :class:`Callback` objects, or a ConfigError."""
    if callbacks is None:
        return []
    if not isinstance(callbacks, (list, tuple)):
        callbacks = [callbacks]
    for cb in callbacks:
        if not isinstance(cb, Callback):
            raise ConfigError(
                f"fit callbacks must be Callback objects such as EarlyStopping(...) or "
                f"LambdaCallback(on_epoch_end=...), got {repr(cb)[:60]} "
                f"({type(cb).__name__})."
            )
    return list(callbacks)


SAVE_EVERY = 10  # epochs between copies of the weights kept in case training diverges


def restore(model: Sequential, weights: list[np.ndarray]) -> None:
    """Put ``weights`` (copies of every parameter, first layer first) back in place."""
    for (value, _), saved in zip(model.parameters(), weights):
        value[...] = saved


def check_weights(model: Sequential, epoch: int, start: list[np.ndarray]) -> None:
    """Raise :class:`TrainingDivergedError` if an update left a weight infinite or NaN
    (the loss is checked before each step; this catches the last step of an epoch),
    putting back the last finite weights saved (at most SAVE_EVERY epochs back)."""
    assert model.optimizer is not None
    if not all(all_finite(value) for value, _ in model.parameters()):
        restore(model, start)
        rate = model.optimizer.learning_rate
        raise TrainingDivergedError(
            f"Epoch {epoch}: the weights became infinite or NaN after an update: they grew "
            f"too large. Training stopped. Try a smaller learning rate (now {rate:g}; e.g. "
            f"{rate / 10:g}) or scale your inputs to around -1..1.",
            epoch=epoch,
        )


def check_logs(model: Sequential, logs: dict[str, float], epoch: int,
               start: list[np.ndarray]) -> None:
    """Raise :class:`TrainingDivergedError` if a logged score is not a finite number,
    putting back the last finite weights saved (at most SAVE_EVERY epochs back)."""
    assert model.optimizer is not None
    for key, value in logs.items():
        if not math.isfinite(value):
            restore(model, start)
            raise TrainingDivergedError(
                f"Epoch {epoch}: {key} became {value} (not a finite number): the predictions "
                f"grew too large. Training stopped. Try a smaller learning rate (now "
                f"{model.optimizer.learning_rate:g}) or scale your data to around -1..1.",
                epoch=epoch, loss=value,
            )


def fit(
    model: Sequential,
    X: Any,
    y: Any,
    epochs: int = 1,
    batch_size: int | None = None,
    shuffle: bool = True,
    verbose: int = 1,
    seed: int | None = None,
    validation_split: float = 0.0,
    validation_data: tuple[Any, Any] | None = None,
    callbacks: Sequence[Callback] | None = None,
    initial_epoch: int = 0,
) -> History:
    """Train ``model`` for ``epochs`` passes over ``X, y``; see :meth:`Sequential.fit`."""
    model.require_compiled("fit")
    assert model.optimizer is not None
    epochs = check_int(epochs, "epochs")
    initial_epoch = check_int(initial_epoch, "initial_epoch", minimum=0)
    if initial_epoch >= epochs:
        raise ConfigError(f"fit(initial_epoch={initial_epoch}, epochs={epochs}): as in Keras, "
                          "epochs is the number of the last epoch, so it must be larger than "
                          "initial_epoch (nothing would run).")
    seed = check_seed(seed)
    verbose = progress.check_verbose(verbose)
    shuffle = check_bool(shuffle, "shuffle")
    callbacks = check_callbacks(callbacks)
    X = data.prepare_inputs(model, X, seed=seed)
    Y = data.prepare_targets(model, y, len(X))
    model.check_loss_matches_output()
    X, Y, X_val, Y_val = data.split_validation(model, X, Y, validation_split, validation_data)
    n = len(X)
    batch = data.batch_size_for(n, batch_size)
    rng = np.random.default_rng(seed if seed is not None else model.seed)
    if seed is not None or model.seed is not None:  # reproducible dropout masks
        for i, layer in enumerate(model.layers):
            if isinstance(layer, Dropout):
                layer.reseed([int(rng.integers(2**31)), i])

    model.history = history = History()
    history.params = {"epochs": epochs, "batch_size": batch, "samples": n}
    shuffled = shuffle and n > batch
    if model.fast and all(layer.trainable for layer in model.layers):  # (frozen: plain step)
        step: Any = fast.Step(model)
        batches: Any = fast.Batches(X, Y, batch, shuffled)
    else:
        step = functools.partial(train_step, model)
        batches = functools.partial(data.batches, X, Y, batch)
    metric_fns = [(name, metric_table.get(name)) for name in model.metrics]
    model.stop_training = False
    # Overflow while diverging is caught as a non-finite loss, with a clear error,
    # instead of NumPy warnings followed by pages of NaN.
    quiet_overflow = np.errstate(over="ignore", invalid="ignore", divide="ignore")
    with quiet_overflow, progress.display(verbose, epochs) as display:
        every = [history, *(callbacks or []), display]
        for cb in every:
            cb.set_model(model)
        for cb in every:
            cb.on_train_begin({})
        for epoch in range(initial_epoch, epochs):
            # the last finite weights, put back if training diverges
            if epoch == initial_epoch or epoch % SAVE_EVERY == 0:
                start = [value.copy() for value, _ in model.parameters()]
            for cb in every:
                cb.on_epoch_begin(epoch, {})
            order = rng.permutation(n) if shuffled else None
            loss_total, metric_totals = 0.0, [0.0] * len(metric_fns)
            for b, (xb, yb) in enumerate(batches(order=order)):
                for cb in callbacks:
                    cb.on_train_batch_begin(b, {})
                try:
                    loss, y_pred = step(xb, yb)  # forward, loss, backward, update
                except TrainingDivergedError as exc:
                    restore(model, start)
                    raise TrainingDivergedError.from_loss(
                        exc.loss if exc.loss is not None else math.nan,
                        model.optimizer.learning_rate, epoch=epoch + 1, batch=b + 1,
                    ) from None
                loss_total += loss * len(xb)
                for j, (_, fn) in enumerate(metric_fns):
                    metric_totals[j] += fn(y_pred, yb) * len(xb)
                for cb in callbacks:
                    cb.on_train_batch_end(b, {"loss": loss})
            logs = {"loss": loss_total / n}
            for (name, _), total in zip(metric_fns, metric_totals):
                logs[name] = total / n
            if X_val is not None and Y_val is not None:
                for key, value in model.compute_metrics(X_val, Y_val).items():
                    logs["val_" + key] = value
            check_logs(model, logs, epoch + 1, start)
            for cb in every:
                cb.on_epoch_end(epoch, logs)
            if model.stop_training:
                break
        # Each step checks the loss it starts from, so only the very last update can have
        # left a weight infinite or NaN unseen: check once, when training ends.
        check_weights(model, epoch + 1, start)
    for cb in every:
        cb.on_train_end({})
    return history
