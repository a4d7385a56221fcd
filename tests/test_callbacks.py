"""Callbacks: every hook in order, LambdaCallback, EarlyStopping (patience, mode,
restoring the best weights)."""

from __future__ import annotations

import numpy as np
import pytest

from neuronlab import (
    Adam,
    Callback,
    ConfigError,
    Dense,
    EarlyStopping,
    LambdaCallback,
    Sequential,
    datasets,
    metrics,
)


def mlp(n_inputs: int, hidden: list[int], output: Dense, activation: str = "relu",
        seed: int = 0, dtype: str = "float32") -> Sequential:
    """``hidden`` Dense layers, then ``output``, built for ``n_inputs`` features."""
    layers = [Dense(units, activation=activation) for units in hidden] + [output]
    model = Sequential(layers, seed=seed, dtype=dtype)
    model.build((n_inputs,))
    return model


def blobs_model(seed: int = 0) -> Sequential:
    model = mlp(2, [8], Dense(3, activation="softmax"), seed=seed)
    model.compile(optimizer=Adam(learning_rate=0.02), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model


class Recorder(Callback):
    """A callback a user might write: watches every hook and stops after epoch 2."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.logs: list[dict[str, float]] = []
        self.batches = 0

    def on_train_begin(self, logs=None):
        self.events.append("train_begin")
        self.model_seen = self.model

    def on_epoch_begin(self, epoch, logs=None):
        self.events.append(f"epoch_begin {epoch}")

    def on_batch_end(self, batch, logs=None):
        self.batches += 1
        assert np.isfinite(logs["loss"])

    def on_epoch_end(self, epoch, logs=None):
        self.events.append(f"epoch_end {epoch}")
        self.logs.append(dict(logs))
        if epoch == 2:
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        self.events.append("train_end")


def test_a_user_written_callback_sees_every_hook_and_can_stop_training():
    X, y = datasets.make_blobs(100, centers=3, seed=2)
    model = blobs_model()
    recorder = Recorder()
    history = model.fit(X, y, epochs=10, batch_size=25, verbose=0, validation_split=0.2,
                        callbacks=[recorder])
    assert recorder.model_seen is model
    assert recorder.events == ["train_begin", "epoch_begin 0", "epoch_end 0", "epoch_begin 1",
                               "epoch_end 1", "epoch_begin 2", "epoch_end 2", "train_end"]
    assert recorder.batches == 3 * 4  # 80 training rows in batches of 25
    assert set(recorder.logs[0]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.epoch == [0, 1, 2]
    assert [logs["loss"] for logs in recorder.logs] == history.history["loss"]


def test_lambda_callback_runs_plain_functions():
    X, y = datasets.make_blobs(60, centers=3, seed=2)
    seen: list[tuple[str, int]] = []
    callback = LambdaCallback(
        on_train_begin=lambda logs: seen.append(("begin", -1)),
        on_epoch_end=lambda epoch, logs: seen.append(("epoch", epoch)),
        on_train_end=lambda logs: seen.append(("end", -1)),
    )
    blobs_model().fit(X, y, epochs=3, verbose=0, callbacks=[callback])
    assert seen == [("begin", -1), ("epoch", 0), ("epoch", 1), ("epoch", 2), ("end", -1)]


class WeightLog(Callback):
    def on_epoch_end(self, epoch, logs=None):
        self.__dict__.setdefault("weights", []).append(self.model.get_neuron_weights())


def overfitting_setup():
    """A big network on 40 noisy points: validation loss falls, then rises (epoch 10)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 5))
    y = (X[:, 0] + rng.normal(scale=0.8, size=40) > 0).astype(int)
    X_val = rng.normal(size=(200, 5))
    y_val = (X_val[:, 0] > 0).astype(int)
    model = mlp(5, [64, 64], Dense(1, activation="sigmoid"))
    model.compile(optimizer=Adam(learning_rate=0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model, X, y, (X_val, y_val)


@pytest.mark.parametrize("restore", [True, False])
def test_early_stopping_stops_after_patience_and_restores_the_best_weights(restore):
    model, X, y, validation = overfitting_setup()
    log = WeightLog()
    stopper = EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=restore)
    history = model.fit(X, y, epochs=200, verbose=0, seed=0, validation_data=validation,
                        callbacks=[log, stopper])
    val_loss = history.history["val_loss"]
    best = int(np.argmin(val_loss))
    assert best > 5  # a real minimum, reached after learning something
    assert stopper.best_epoch == best and stopper.best == pytest.approx(val_loss[best])
    # Keras 3: stop after `patience` epochs in a row without improvement
    assert stopper.stopped_epoch == best + 3 == history.epoch[-1] < 199
    assert len(val_loss) == best + 4
    assert min(val_loss[best + 1:]) > val_loss[best]
    expected = log.weights[best] if restore else log.weights[-1]
    for mine, theirs in zip(model.get_neuron_weights(), expected):
        np.testing.assert_array_equal(mine, theirs)
    if restore:
        restored = model.evaluate(*validation, return_dict=True)
        assert restored["loss"] == pytest.approx(val_loss[best])
        assert restored["accuracy"] == pytest.approx(history.history["val_accuracy"][best])


def test_early_stopping_on_accuracy_maximises_and_min_delta_counts():
    model, X, y, validation = overfitting_setup()
    stopper = EarlyStopping(monitor="val_accuracy", patience=1, min_delta=10.0,
                            restore_best_weights=True)
    log = WeightLog()
    model.fit(X, y, epochs=50, verbose=0, seed=0, validation_data=validation,
              callbacks=[log, stopper])
    # nothing can improve by 10: the first epoch stays best, training stops at epoch 1
    assert stopper.mode == "max" and stopper.best_epoch == 0 and stopper.stopped_epoch == 1
    for mine, theirs in zip(model.get_neuron_weights(), log.weights[0]):
        np.testing.assert_array_equal(mine, theirs)


def test_early_stopping_on_a_metric_that_is_not_logged():
    X, y = datasets.make_blobs(60, centers=3, seed=2)
    with pytest.raises(ConfigError, match=r"monitors 'val_loss'.*\['accuracy', 'loss'\]"):
        blobs_model().fit(X, y, epochs=2, verbose=0, callbacks=[EarlyStopping()])
    with pytest.raises(ConfigError, match="mode must be"):
        EarlyStopping(mode="up")


@pytest.mark.parametrize(("monitor", "mode"), [
    ("loss", "min"), ("val_loss", "min"), ("accuracy", "max"), ("val_accuracy", "max"),
    ("val_acc", "max"), ("mae", "min"), ("val_mean_squared_error", "min")])
def test_early_stopping_takes_the_direction_from_the_metric_table(monitor, mode):
    assert EarlyStopping(monitor=monitor).mode == mode


@pytest.fixture
def hit_rate():
    """A metric better high whose name has no "acc" in it, and one better low that has."""

    @metrics.register(higher_is_better=True)
    def hit_rate(y_pred, y_true):
        """Share of samples whose rounded prediction is right."""
        return float(np.mean(np.round(y_pred) == y_true))

    @metrics.register(higher_is_better=False)
    def accuracy_gap(y_pred, y_true):
        """One minus the accuracy."""
        return 1.0 - metrics.accuracy(y_pred, y_true)

    try:
        yield
    finally:
        metrics.unregister("hit_rate")
        metrics.unregister("accuracy_gap")


def test_early_stopping_reads_a_registered_metrics_direction_not_its_name(hit_rate):
    assert EarlyStopping(monitor="val_hit_rate").mode == "max"
    assert EarlyStopping(monitor="accuracy_gap").mode == "min"
    # and fit follows it: on a metric better high, a higher value is an improvement
    X, y = datasets.xor()
    model = mlp(2, [4], Dense(1, activation="sigmoid"), activation="tanh", seed=1)
    model.compile(optimizer=Adam(learning_rate=0.05), loss="binary_crossentropy",
                  metrics=["hit_rate"])
    stopper = EarlyStopping(monitor="hit_rate", patience=1000)
    rates = model.fit(X, y, epochs=30, verbose=0, callbacks=[stopper]).history["hit_rate"]
    assert min(rates) < max(rates) and stopper.best == max(rates)


def test_early_stopping_asks_for_a_mode_when_the_direction_is_unknown():
    with pytest.raises(ConfigError, match=r"cannot tell whether 'val_f1'.*mode='min' or "
                                          r"mode='max'") as info:
        EarlyStopping(monitor="val_f1")
    assert "accuracy, mae, mse" in str(info.value)
    assert EarlyStopping(monitor="val_f1", mode="max").mode == "max"


# ---------------------------------------------------------------------------
# mini-batches and seeded shuffling
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("callback", ["LearningRateScheduler", "ReduceLROnPlateau"])
def test_a_callback_cannot_steer_a_rate_a_schedule_sets(callback):
    # the schedule sets the rate before every step, so the callback's rate would never be
    # used (it said "reducing learning rate" while nothing changed); Keras refuses it too
    from neuronlab import SGD, callbacks, optimizers

    X, y = datasets.load("blobs", n_samples=60, seed=0)
    model = mlp(2, [4], Dense(3, activation="softmax"))
    schedule = optimizers.schedules.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.5)
    model.compile(optimizer=SGD(learning_rate=schedule), loss="categorical_crossentropy")
    # where the callback would set the rate: the scheduler at once, the plateau rule when
    # the loss stops improving (by 10: at the second epoch's end), as in Keras
    made = (callbacks.LearningRateScheduler(lambda epoch, lr: 1e-9) if
            callback == "LearningRateScheduler" else
            callbacks.ReduceLROnPlateau("loss", patience=0, min_delta=10.0))
    epochs = []
    with pytest.raises(ConfigError, match=rf"{callback} sets the learning rate, but this SGD "
                                          r"follows ExponentialDecay"):
        model.fit(X, y, epochs=3, verbose=0,
                  callbacks=[LambdaCallback(on_epoch_end=lambda e, logs: epochs.append(e)), made])
    assert epochs == ([] if callback == "LearningRateScheduler" else [0, 1])
    # with a number for the rate, the callback steers it
    model.compile(optimizer=SGD(learning_rate=0.1), loss="categorical_crossentropy")
    history = model.fit(X, y, epochs=2, verbose=0, callbacks=[made])
    assert len(history.history["loss"]) == 2
    if callback == "LearningRateScheduler":
        assert model.optimizer.learning_rate == 1e-9


def test_callbacks_see_keras_s_logs(capsys):
    # after each batch: the running means of the epoch so far (Keras's batch logs); at the
    # end: the last epoch's logs; metrics under the names given; the learning rate a
    # callback sets reaches the history
    from neuronlab import SGD, callbacks

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = X @ np.array([1.0, -2.0, 0.5])
    model = Sequential([Dense(1, input_shape=(3,))], seed=0, dtype="float64")
    model.compile(optimizer=SGD(learning_rate=0.05), loss="mse",
                  metrics=["mean_absolute_error"])
    seen: dict[str, list] = {"batch": [], "end": []}
    record = LambdaCallback(
        on_train_batch_end=lambda b, logs: seen["batch"].append(dict(logs)),
        on_train_end=lambda logs: seen["end"].append(dict(logs)))
    batch_losses: list[float] = []
    real_step = model.train_step
    model.train_step = lambda *a, **k: batch_losses.append(real_step(*a, **k)) or \
        batch_losses[-1]
    history = model.fit(X, y, epochs=2, batch_size=10, shuffle=False, verbose=0,
                        callbacks=[record, callbacks.LearningRateScheduler(
                            lambda epoch: 0.05 * 0.5 ** epoch, verbose=1),
                            EarlyStopping("loss", patience=5, verbose=1)])
    first_epoch = [entry["loss"] for entry in seen["batch"][:4]]
    np.testing.assert_allclose(first_epoch, np.cumsum(batch_losses[:4]) / np.arange(1, 5))
    assert set(seen["batch"][0]) == {"loss", "mean_absolute_error"}
    assert seen["end"] == [{k: v[-1] for k, v in history.history.items()}]
    assert history.history["learning_rate"] == [0.05, 0.025]  # a one-argument schedule
    assert "Epoch 2: LearningRateScheduler setting learning rate to 0.025." in \
        capsys.readouterr().out
