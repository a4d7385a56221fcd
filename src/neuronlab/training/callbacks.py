"""Callbacks: code that runs at fixed points of ``fit``, the hook to watch or steer training.

``fit`` calls, in this order: ``on_train_begin``; per epoch ``on_epoch_begin``,
``on_train_batch_begin`` before and ``on_train_batch_end`` after every batch (which
call ``on_batch_begin`` and ``on_batch_end``, as in Keras), ``on_epoch_end`` with the epoch's logs
(``{"loss": ..., "accuracy": ..., "val_loss": ...}``); and ``on_train_end``.
:class:`History`, what ``fit`` returns, is itself a callback that keeps those logs.

Write your own by subclassing :class:`Callback` and overriding any of its ``on_*``
methods, or pass plain functions to :class:`LambdaCallback`. ``self.model`` is the
model being trained; setting ``self.model.stop_training = True`` ends training after
the current epoch.

>>> seen = []
>>> cb = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
>>> cb.on_epoch_end(0, {"loss": 0.5})
>>> seen
[0]
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from .. import metrics
from ..checks import check_bool, check_call, check_int, check_number
from ..errors import ConfigError, TrainingDivergedError

if TYPE_CHECKING:
    from ..model import Sequential

Logs = dict[str, float]
CallbackT = TypeVar("CallbackT", bound="Callback")


class Callback:
    """Base class; every hook does nothing until overridden. ``fit`` gives each callback
    the ``model`` and, as Keras, ``params``: ``verbose``, ``epochs`` and ``steps`` (batches
    per epoch), and neuronlab's ``batch_size`` and ``samples``."""

    model: Sequential
    params: dict[str, Any]

    def __new__(cls: type[CallbackT], *args: Any, **kwargs: Any) -> CallbackT:
        if args or kwargs:  # (copy and pickle call __new__ with none)
            check_call(cls.__name__, cls.__init__, args, kwargs)  # a wrong argument's error
        return super().__new__(cls)

    def set_model(self, model: Sequential) -> None:
        self.model = model

    def on_train_begin(self, logs: Logs | None = None) -> None: ...

    def on_train_end(self, logs: Logs | None = None) -> None: ...

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None: ...

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None: ...

    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None: ...

    # Keras 3's names for the batch hooks of training: fit calls on_train_batch_begin
    # before each step and on_train_batch_end after it; by default they call
    # on_batch_begin and on_batch_end, so overriding either name works, as in Keras.
    def on_batch_begin(self, batch: int, logs: Logs | None = None) -> None: ...

    def on_train_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self.on_batch_end(batch, logs)


class History(Callback):
    """What ``fit`` returns: ``history.history["loss"]`` (and every metric) per epoch.

    ``history.epoch`` lists the epoch numbers, counted from 0.

    >>> history = History()
    >>> history.on_epoch_end(0, {"loss": 0.25})
    >>> history.history, history.epoch
    ({'loss': [0.25]}, [0])
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []
        self.params: dict[str, Any] = {}

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))

    def __repr__(self) -> str:
        if not self.epoch:
            return "History(no epochs)"
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.history.items())
        return f"History({len(self.epoch)} epochs, last: {last})"


class LambdaCallback(Callback):
    """A callback made of plain functions, e.g. ``LambdaCallback(on_epoch_end=print)``."""

    def __init__(
        self,
        on_epoch_begin: Callable[[int, Logs], Any] | None = None,
        on_epoch_end: Callable[[int, Logs], Any] | None = None,
        on_batch_end: Callable[[int, Logs], Any] | None = None,
        on_train_begin: Callable[[Logs], Any] | None = None,
        on_train_end: Callable[[Logs], Any] | None = None,
        on_batch_begin: Callable[[int, Logs], Any] | None = None,
        on_train_batch_begin: Callable[[int, Logs], Any] | None = None,
        on_train_batch_end: Callable[[int, Logs], Any] | None = None,
    ) -> None:
        hooks = {"on_epoch_begin": on_epoch_begin, "on_epoch_end": on_epoch_end,
                 "on_batch_end": on_batch_end, "on_train_begin": on_train_begin,
                 "on_train_end": on_train_end, "on_batch_begin": on_batch_begin,
                 "on_train_batch_begin": on_train_batch_begin,
                 "on_train_batch_end": on_train_batch_end}
        for name, hook in hooks.items():
            if hook is not None and not callable(hook):
                raise ConfigError(f"LambdaCallback {name} must be a function (or None), got "
                                  f"{repr(hook)[:60]}.")
        self._epoch_begin = on_epoch_begin
        self._epoch_end = on_epoch_end
        self._batch_end = on_batch_end
        self._train_begin = on_train_begin
        self._train_end = on_train_end
        batch_hooks = {"on_batch_begin": on_batch_begin,
                       "on_train_batch_begin": on_train_batch_begin,
                       "on_train_batch_end": on_train_batch_end}
        self._batch_hooks = {k: v for k, v in batch_hooks.items() if v is not None}

    def on_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        if "on_batch_begin" in self._batch_hooks:
            self._batch_hooks["on_batch_begin"](batch, logs or {})

    def on_train_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        super().on_train_batch_begin(batch, logs)
        if "on_train_batch_begin" in self._batch_hooks:
            self._batch_hooks["on_train_batch_begin"](batch, logs or {})

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        super().on_train_batch_end(batch, logs)
        if "on_train_batch_end" in self._batch_hooks:
            self._batch_hooks["on_train_batch_end"](batch, logs or {})

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        if self._epoch_begin is not None:
            self._epoch_begin(epoch, logs or {})

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if self._epoch_end is not None:
            self._epoch_end(epoch, logs or {})

    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        if self._batch_end is not None:
            self._batch_end(batch, logs or {})

    def on_train_begin(self, logs: Logs | None = None) -> None:
        if self._train_begin is not None:
            self._train_begin(logs or {})

    def on_train_end(self, logs: Logs | None = None) -> None:
        if self._train_end is not None:
            self._train_end(logs or {})


def _better(monitor: str) -> str:
    """``"max"`` if ``monitor`` (a logged name) is better high, ``"min"`` if better low."""
    higher = metrics.higher_is_better(monitor)
    if higher is None:
        raise ConfigError(
            f"EarlyStopping cannot tell whether {monitor!r} is better high or low: fit logs "
            f"the loss and the metrics ({', '.join(metrics.names())}), each also with 'val_' "
            f"in front. Monitor one of those, or pass mode='min' or mode='max'.")
    return "max" if higher else "min"


class EarlyStopping(Callback):
    """Stop training when ``monitor`` has not improved for ``patience`` epochs, as Keras 3:
    after ``patience`` epochs in a row without improvement (never after the first epoch).

    ``mode`` is ``"min"`` for losses, ``"max"`` for accuracies; ``"auto"`` asks the
    metric's entry in :data:`neuronlab.metrics.TABLE` which way is better
    (``higher_is_better``), and the loss is better low. With
    ``restore_best_weights=True`` the model ends with the weights of its best epoch
    instead of its last one. ``verbose=1`` says when it stopped, as Keras's.
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 0, min_delta: float = 0.0,
                 mode: str = "auto", restore_best_weights: bool = False,
                 verbose: int = 0) -> None:
        if not isinstance(monitor, str) or not monitor:
            raise ConfigError(f"EarlyStopping monitor must be the name of a logged value such "
                              f"as 'val_loss' or 'loss', got {repr(monitor)[:60]}.")
        if mode not in ("auto", "min", "max"):
            raise ConfigError(f"EarlyStopping mode must be 'auto', 'min' or 'max', got "
                              f"{repr(mode)[:60]}.")
        if mode == "auto":
            mode = _better(monitor)
        self.monitor = monitor
        self.patience = check_int(patience, "EarlyStopping patience", minimum=0)
        self.min_delta = abs(check_number(min_delta, "EarlyStopping min_delta"))
        self.mode = mode
        self.restore_best_weights = check_bool(restore_best_weights,
                                               "EarlyStopping restore_best_weights")
        self.verbose = check_int(verbose, "EarlyStopping verbose", minimum=0)
        self.stopped_epoch: int | None = None
        self.best_epoch: int | None = None

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.wait = 0
        self.best = np.inf if self.mode == "min" else -np.inf
        self.best_weights: list[np.ndarray] | None = None
        self.stopped_epoch = None
        self.best_epoch = None

    def _improved(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = logs or {}
        if self.monitor not in logs:
            raise ConfigError(
                f"EarlyStopping monitors {self.monitor!r}, but fit only logs "
                f"{sorted(logs)}. Pick one of those (val_* needs validation data)."
            )
        value = float(logs[self.monitor])
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience and epoch > 0:  # Keras 3's rule
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: Logs | None = None) -> None:
        if self.stopped_epoch is not None and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose and self.best_epoch is not None:
                print("Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)


class DivergenceGuard(Callback):
    """Built into every ``fit``, first of its callbacks: stops training with
    :class:`~neuronlab.errors.TrainingDivergedError` when a number stops being finite,
    and puts back the last finite weights it kept (a copy every ``every`` epochs).

    It checks what each step cannot: a logged score (validation loss, metrics) at the
    end of each epoch, and the weights once training ends (each step checks the loss
    it starts from, so only the very last update can leave a weight infinite unseen).
    A step whose loss is not finite raises in ``train_step``; ``fit`` hands that error
    to :meth:`diverged`, which puts the weights back and says where it happened.
    """

    def __init__(self, every: int = 10) -> None:
        self.every = check_int(every, "DivergenceGuard every")
        self.saved: list[np.ndarray] = []
        self.epoch = 0
        self.first_epoch: int | None = None  # the epoch this fit began with

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.first_epoch = None
        self.keep()

    def keep(self) -> None:
        """Copy the weights the optimizer moves, as they are now (put back by restore)."""
        self.saved = [value.copy() for value, _ in self.model.parameters()]

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self.epoch = epoch + 1  # counted from 1 in messages
        if self.first_epoch is None:
            self.first_epoch = self.epoch
        if epoch % self.every == 0:
            self.keep()

    def restore(self) -> None:
        """Put the last finite weights kept back in place."""
        for (value, _), saved in zip(self.model.parameters(), self.saved):
            value[...] = saved

    def diverged(self, error: TrainingDivergedError, batch: int) -> TrainingDivergedError:
        """The weights put back, and ``error`` (from a step) with its epoch and batch."""
        self.restore()
        return TrainingDivergedError.from_loss(
            error.loss if error.loss is not None else math.nan, self._rate(), epoch=self.epoch,
            batch=batch, first_step=self.epoch == self.first_epoch and batch == 1)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        for key, value in (logs or {}).items():
            if not math.isfinite(value):
                self.restore()
                raise TrainingDivergedError(
                    f"Epoch {epoch + 1}: {key} became {value} (not a finite number): the "
                    f"predictions grew too large. Training stopped. Try a smaller learning "
                    f"rate (now {self._rate():g}) or scale your data to around -1..1.",
                    epoch=epoch + 1, loss=value,
                )

    def on_train_end(self, logs: Logs | None = None) -> None:
        if not all(np.isfinite(value).all() for value, _ in self.model.parameters()):
            self.restore()
            rate = self._rate()
            raise TrainingDivergedError(
                f"Epoch {self.epoch}: the weights became infinite or NaN after an update: "
                f"they grew too large. Training stopped. Try a smaller learning rate (now "
                f"{rate:g}; e.g. {rate / 10:g}) or scale your inputs to around -1..1.",
                epoch=self.epoch,
            )

    def _rate(self) -> float:
        return self.model.optimizer.learning_rate if self.model.optimizer else math.nan
