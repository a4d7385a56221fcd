"""The training loop of the lessons, written out once, as :class:`Trainer`'s ``fit``::

    for each epoch:
        shuffle the rows
        for each batch (X_b, Y_b):
            loss = model.train_step(X_b, Y_b)   # forward, loss, backward, update
        callbacks see the epoch's loss and metrics

``Sequential`` is a ``Trainer``: ``fit`` calls only the model's public methods
(``train_step``, ``compute_metrics``, ``parameters``...), so the step itself, the
forward and backward passes, lives in :mod:`neuronlab.model` and the layers, once.
What happens when a number stops being finite is the built-in callback
:class:`~neuronlab.training.callbacks.DivergenceGuard`.

>>> import numpy as np
>>> from neuronlab import SGD, Dense, Sequential
>>> model = Sequential([Dense(1, input_shape=(1,))], seed=0)
>>> model.compile(optimizer=SGD(learning_rate=0.1), loss="mse")
>>> X, Y = np.array([[1.0], [2.0]], np.float32), np.array([[3.0], [5.0]], np.float32)
>>> loss = model.train_step(X, Y)
>>> loss == model.compute_loss(model.last_output, Y)  # the loss of the batch, before the step
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from .. import losses, optimizers
from .. import metrics as metric_table
from ..checks import check_bool, check_int, check_seed
from ..errors import ConfigError, TrainingDivergedError
from ..layers import Dropout, Layer
from . import data, progress
from .callbacks import Callback, DivergenceGuard, History

if TYPE_CHECKING:
    from ..model import Sequential


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


class Trainer:
    """``fit``: the loop over epochs and batches, for a model that can take one step.

    A subclass gives ``train_step(X_b, Y_b) -> loss`` (keeping the batch's predictions
    in ``last_output``), ``compute_metrics(X, Y)``, ``require_compiled(what)``,
    ``check_loss_matches_output()`` and the attributes below; ``fit`` uses nothing else.
    """

    layers: list[Layer]
    seed: int | None
    optimizer: optimizers.Optimizer | None
    loss: losses.Loss | None
    metrics: list[str]
    history: History
    stop_training: bool
    last_output: np.ndarray | None

    def train_step(self, X: np.ndarray, Y: np.ndarray, sample_weight: Any = None) -> float:
        raise NotImplementedError

    def compute_metrics(self, X: np.ndarray, Y: np.ndarray,
                        sample_weight: np.ndarray | None = None) -> dict[str, float]:
        raise NotImplementedError

    def require_compiled(self, what: str) -> None:
        raise NotImplementedError

    def check_loss_matches_output(self) -> None:
        raise NotImplementedError

    def fit(
        self,
        X: Any,
        y: Any = None,
        epochs: int = 1,
        batch_size: int | None = None,
        shuffle: bool = True,
        verbose: int = 1,
        seed: int | None = None,
        validation_split: float = 0.0,
        validation_data: tuple[Any, Any] | None = None,
        callbacks: Sequence[Callback] | None = None,
        initial_epoch: int = 0,
        sample_weight: Any = None,
        class_weight: dict[int, float] | None = None,
    ) -> History:
        """Train for ``epochs`` passes over the data; return the :class:`History`.

        ``batch_size`` defaults to 32 (as Keras); give ``len(X)`` for full-batch
        gradient descent. ``verbose``: 0 silent, 1 a progress bar, 2 one line per
        epoch. ``validation_split`` holds out the last fraction of the samples
        (before shuffling); ``validation_data=(X_val, y_val)`` gives them directly, or
        ``(X_val, y_val, sample_weight_val)`` with their weights.
        If the loss turns NaN or infinite, training stops with
        :class:`~neuronlab.errors.TrainingDivergedError` (so do weights that become
        infinite or NaN); the history so far stays in ``model.history`` and the model
        keeps the last finite weights it saved (every ten epochs), not the broken ones.

        As in Keras: ``initial_epoch`` continues a run (epochs ``initial_epoch`` to
        ``epochs - 1`` run, and ``history.epoch`` counts from ``initial_epoch``);
        ``sample_weight`` (one number per sample) or ``class_weight`` (``{class: weight}``)
        weigh each sample's loss, ``sum(w_i * loss_i) / batch size``; the held-out rows'
        ``sample_weight`` weigh ``val_loss`` the same way (the metrics are not weighted,
        as Keras's ``metrics=``). Callbacks see Keras's logs: after each batch the
        running means of the epoch so far, at the end the last epoch's.
        """
        self.require_compiled("fit")
        if y is None:  # Keras's fit(dataset): x yields (inputs, targets) batches
            raise ConfigError(
                f"fit(X, y) needs the targets y as well, got only X ({type(X).__name__}). "
                "neuronlab trains on whole arrays of inputs and targets (NumPy arrays or "
                "lists); generators, tf.data datasets and PyDatasets are not supported."
            )
        epochs, seed = check_int(epochs, "epochs"), check_seed(seed)
        initial_epoch = check_int(initial_epoch, "initial_epoch", minimum=0)
        if initial_epoch >= epochs:
            raise ConfigError(f"fit(initial_epoch={initial_epoch}, epochs={epochs}): as in "
                              "Keras, epochs is the number of the last epoch, so it must be "
                              "larger than initial_epoch (nothing would run).")
        verbose = progress.check_verbose(verbose)
        shuffle = check_bool(shuffle, "shuffle")
        user_callbacks = check_callbacks(callbacks)
        n_all = len(X) if hasattr(X, "__len__") else None
        validation_data, val_weight = data.validation_weights(validation_data)
        X, Y, X_val, Y_val = self.training_data(X, y, seed, validation_split, validation_data)
        weights = data.sample_weights(Y, sample_weight, class_weight, n_all)
        if val_weight is not None and X_val is not None and Y_val is not None:
            val_weight = data.sample_weights(Y_val, val_weight, None, len(X_val))
        elif weights is not None and X_val is not None and validation_data is None and \
                len(weights) > len(Y):
            val_weight = weights[len(Y):]  # the held-out rows' own weights
        if weights is not None:  # the weight rides along as the last column of Y
            Y = np.hstack([Y, weights[:len(Y), None].astype(Y.dtype)])
        n, batch = len(X), data.batch_size_for(len(X), batch_size)
        rng = self.random_source(seed)
        batches = data.Batches(X, Y, batch, shuffled=shuffle and n > batch)
        metric_fns = [(name, metric_table.get(name)) for name in self.metrics]
        self.history = History()
        params = {"verbose": verbose, "epochs": epochs, "steps": -(-n // batch),  # Keras's
                  "batch_size": batch, "samples": n}
        self.stop_training = False
        guard = DivergenceGuard(every=SAVE_EVERY)
        # Overflow while diverging is caught as a non-finite loss, with a clear error,
        # instead of NumPy warnings followed by pages of NaN.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"), \
                progress.display(verbose, epochs) as display:
            # as Keras's list: History after the user's callbacks, so it keeps what they
            # add to the logs (ReduceLROnPlateau's learning_rate)
            every = [guard, *user_callbacks, self.history, display]
            logs: dict[str, float] = {}
            for cb in every:
                cb.set_model(cast("Sequential", self))
                cb.params = dict(params)
                cb.on_train_begin({})
            for epoch in range(initial_epoch, epochs):
                for cb in every:
                    cb.on_epoch_begin(epoch, {})
                loss_total, metric_totals, seen = 0.0, [0.0] * len(metric_fns), 0
                for b, (xb, yb) in enumerate(batches(rng)):
                    wb = None
                    if weights is not None:
                        yb, wb = yb[:, :-1], yb[:, -1]
                    for cb in user_callbacks:
                        cb.on_train_batch_begin(b, {})
                    try:  # forward, loss, backward, update
                        loss = self.train_step(xb, yb, sample_weight=wb)
                    except TrainingDivergedError as exc:
                        raise guard.diverged(exc, batch=b + 1) from None
                    loss_total += loss * len(xb)
                    seen += len(xb)
                    for j, (_, fn) in enumerate(metric_fns):  # on the step's predictions
                        metric_totals[j] += fn(cast(np.ndarray, self.last_output), yb) * len(xb)
                    if user_callbacks:  # the epoch so far, as Keras's batch logs
                        batch_logs = {"loss": loss_total / seen}
                        for (name, _), total in zip(metric_fns, metric_totals):
                            batch_logs[name] = total / seen
                        for cb in user_callbacks:
                            cb.on_train_batch_end(b, batch_logs)
                logs = {"loss": loss_total / n}
                for (name, _), total in zip(metric_fns, metric_totals):
                    logs[name] = total / n
                if X_val is not None and Y_val is not None:
                    for key, value in self.compute_metrics(X_val, Y_val, val_weight).items():
                        logs["val_" + key] = value
                for cb in every:
                    cb.on_epoch_end(epoch, logs)
                if self.stop_training:
                    break
            for cb in every:
                cb.on_train_end(dict(logs))
        return self.history

    def training_data(self, X: Any, y: Any, seed: int | None, validation_split: float,
                      validation_data: tuple[Any, Any] | None
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
        """``(X, Y, X_val, Y_val)`` checked and in the model's dtype (labels one-hot)."""
        model = cast("Sequential", self)
        X = data.prepare_inputs(model, X, seed=seed)
        Y = data.prepare_targets(model, y, len(X))
        self.check_loss_matches_output()
        return data.split_validation(model, X, Y, validation_split, validation_data)

    def random_source(self, seed: int | None) -> np.random.Generator:
        """The generator that shuffles, seeded by ``fit``'s seed or the model's; the
        dropout layers draw their masks from seeds it gives them (reproducible runs)."""
        rng = np.random.default_rng(seed if seed is not None else self.seed)
        if seed is not None or self.seed is not None:
            for i, layer in enumerate(self.layers):
                if isinstance(layer, Dropout):
                    layer.reseed([int(rng.integers(2**31)), i])
        return rng
