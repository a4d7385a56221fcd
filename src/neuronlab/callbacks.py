"""Callbacks for ``fit``: :class:`Callback`, :class:`LambdaCallback`, :class:`EarlyStopping`
and :class:`History` live in :mod:`neuronlab.training.callbacks`; this module keeps
``from neuronlab.callbacks import ...`` working and adds Keras's
:class:`ModelCheckpoint`, :class:`ReduceLROnPlateau` and :class:`LearningRateScheduler`.

>>> from neuronlab.callbacks import EarlyStopping
>>> EarlyStopping(patience=2).patience
2
"""

from __future__ import annotations

import inspect
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .checks import check_bool, check_int, check_number
from .errors import ConfigError
from .training.callbacks import Callback, EarlyStopping, History, LambdaCallback, Logs


def _mode(mode: str, monitor: str, what: str) -> str:
    if mode not in ("auto", "min", "max"):
        raise ConfigError(f"{what} mode must be 'auto', 'min' or 'max', got {repr(mode)[:60]}.")
    if mode != "auto":
        return mode
    from . import metrics

    name = monitor[4:] if monitor.startswith("val_") else monitor
    if name in metrics.TABLE:
        return "max" if getattr(metrics.TABLE[name], "higher_is_better", False) else "min"
    return "max" if "acc" in name or "auc" in name else "min"


def _monitored(logs: Logs | None, monitor: str, what: str) -> float:
    logs = logs or {}
    if monitor not in logs:
        raise ConfigError(f"{what} monitors {monitor!r}, but fit only logs {sorted(logs)}. "
                          "Pick one of those (val_* needs validation data).")
    return float(logs[monitor])


class ModelCheckpoint(Callback):
    """Save the model (or only its weights) at the end of each epoch, as Keras's.

    ``filepath`` may hold the epoch (counted from 1) and any logged value, e.g.
    ``"model-{epoch:02d}-{val_loss:.2f}.keras"``. Its ending picks the format: ``.keras``
    (Keras 3's file), ``.weights.h5`` (weights only, Keras's layout) or ``.npz``
    (neuronlab's file). With ``save_best_only=True`` a file is written only when
    ``monitor`` improved.
    """

    def __init__(self, filepath: str | os.PathLike[str], monitor: str = "val_loss",
                 verbose: int = 0, save_best_only: bool = False,
                 save_weights_only: bool = False, mode: str = "auto",
                 save_freq: str = "epoch") -> None:
        self.filepath = os.fspath(filepath)
        if save_freq != "epoch":
            raise ConfigError("ModelCheckpoint saves once per epoch (save_freq='epoch'); saving "
                              "every n batches is not supported.")
        name = self.filepath
        if save_weights_only and not name.endswith(".weights.h5"):
            raise ConfigError(f"ModelCheckpoint(save_weights_only=True) writes Keras's weights "
                              f"file, whose name must end in .weights.h5, got {name!r}.")
        if not save_weights_only and not name.endswith((".keras", ".npz")):
            raise ConfigError(f"ModelCheckpoint's filepath must end in .keras (Keras 3's "
                              f"file) or .npz (neuronlab's), got {name!r}.")
        self.monitor = monitor
        self.verbose = check_int(verbose, "verbose", minimum=0)
        self.save_best_only = check_bool(save_best_only, "save_best_only")
        self.save_weights_only = check_bool(save_weights_only, "save_weights_only")
        self.mode = _mode(mode, monitor, "ModelCheckpoint")
        self.best = math.inf if self.mode == "min" else -math.inf

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if self.save_best_only:
            value = _monitored(logs, self.monitor, "ModelCheckpoint")
            better = value < self.best if self.mode == "min" else value > self.best
            if not better:
                return
            self.best = value
        try:
            path = Path(self.filepath.format(epoch=epoch + 1, **(logs or {})))
        except (KeyError, ValueError, IndexError) as exc:
            raise ConfigError(f"ModelCheckpoint filepath {self.filepath!r} names a value fit "
                              f"does not log ({exc}); it logs {sorted(logs or {})} and epoch.")\
                from None
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)
        if self.verbose:
            print(f"Epoch {epoch + 1}: saved the model to {path}")


def settable_rate(model: Any, callback: str) -> None:
    """Raise :class:`ConfigError` if the model's optimizer follows a learning-rate schedule:
    it sets its own rate before every step, so a callback's rate would never be used.
    Called where the callback would set the rate, as Keras refuses it there too (such a
    learning rate "is not settable")."""
    optimizer = model.optimizer
    if optimizer is not None and getattr(optimizer, "schedule", None) is not None:
        raise ConfigError(
            f"{callback} sets the learning rate, but this {type(optimizer).__name__} follows "
            f"{type(optimizer.schedule).__name__}, which sets it before every step. Use one "
            f"of the two: give the optimizer a number, e.g. {type(optimizer).__name__}"
            "(learning_rate=0.01), or leave the callback out."
        )


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` when ``monitor`` has not improved (by more
    than ``min_delta``) for ``patience`` epochs, then wait ``cooldown`` epochs; never
    below ``min_lr``. Keras 3's rule, step for step."""

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10,
                 verbose: int = 0, mode: str = "auto", min_delta: float = 1e-4,
                 cooldown: int = 0, min_lr: float = 0.0) -> None:
        self.monitor = monitor
        self.factor = check_number(factor, "ReduceLROnPlateau factor", 0, 1,
                                   below_maximum=True, above_minimum=True)
        self.patience = check_int(patience, "patience", minimum=0)
        self.verbose = check_int(verbose, "verbose", minimum=0)
        self.mode = _mode(mode, monitor, "ReduceLROnPlateau")
        self.min_delta = abs(check_number(min_delta, "min_delta"))
        self.cooldown = check_int(cooldown, "cooldown", minimum=0)
        self.min_lr = check_number(min_lr, "min_lr", 0)

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.wait = 0
        self.cooldown_counter = 0
        self.best = math.inf if self.mode == "min" else -math.inf

    def _improved(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        optimizer = self.model.optimizer
        assert optimizer is not None
        if logs is not None:
            logs["learning_rate"] = optimizer.learning_rate
        value = _monitored(logs, self.monitor, "ReduceLROnPlateau")
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improved(value):
            self.best = value
            self.wait = 0
        elif self.cooldown_counter == 0:
            self.wait += 1
            if self.wait >= self.patience and optimizer.learning_rate > self.min_lr:
                settable_rate(self.model, "ReduceLROnPlateau")
                optimizer.learning_rate = max(optimizer.learning_rate * self.factor, self.min_lr)
                if self.verbose:
                    print(f"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to "
                          f"{optimizer.learning_rate:g}.")
                self.cooldown_counter = self.cooldown
                self.wait = 0


def _takes_one(function: Callable[..., Any]) -> bool:
    """True if ``function`` takes exactly one positional argument (``schedule(epoch)``)."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature: the usual form
        return False
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY,
                                                      p.POSITIONAL_OR_KEYWORD)]
    varargs = any(p.kind == p.VAR_POSITIONAL for p in parameters)
    return len(positional) == 1 and not varargs


class LearningRateScheduler(Callback):
    """Set the learning rate at the start of each epoch to ``schedule(epoch, lr)``
    (``epoch`` counted from 0; a schedule of the epoch alone works too), as Keras's, and
    log it as ``learning_rate``."""

    def __init__(self, schedule: Callable[..., float], verbose: int = 0) -> None:
        if not callable(schedule):
            raise ConfigError(f"LearningRateScheduler takes a function (epoch, lr) -> new lr, "
                              f"got {repr(schedule)[:60]}.")
        self.schedule = schedule
        self.verbose = check_int(verbose, "verbose", minimum=0)

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        settable_rate(self.model, "LearningRateScheduler")
        optimizer = self.model.optimizer
        assert optimizer is not None
        rate: Any = (self.schedule(epoch) if _takes_one(self.schedule)  # Keras's older form
                     else self.schedule(epoch, optimizer.learning_rate))
        optimizer.learning_rate = check_number(rate, "the scheduled learning rate", 0,
                                               above_minimum=True)
        if self.verbose:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                  f"{optimizer.learning_rate}.")

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if logs is not None and self.model.optimizer is not None:
            logs["learning_rate"] = self.model.optimizer.learning_rate


__all__ = ["Callback", "EarlyStopping", "History", "LambdaCallback", "LearningRateScheduler",
           "Logs", "ModelCheckpoint", "ReduceLROnPlateau"]
