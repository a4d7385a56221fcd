"""The fit loop: the acceptance targets, History, batches and shuffling, data checks,
divergence.

Each acceptance test is seeded (the same numbers on every run on one machine) and
asserts its own run time stays under 20 seconds."""

from __future__ import annotations

import time

import numpy as np
import pytest

from neuronlab import (
    SGD,
    Adam,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    ConfigError,
    DataError,
    Dense,
    Layer,
    Sequential,
    ShapeError,
    TrainingDivergedError,
    datasets,
    losses,
)

TIME_LIMIT = 20.0  # seconds, per acceptance test


def mlp(n_inputs: int, hidden: list[int], output: Dense, activation: str = "relu",
        seed: int = 0, dtype: str = "float32") -> Sequential:
    """``hidden`` Dense layers, then ``output``, built for ``n_inputs`` features."""
    layers = [Dense(units, activation=activation) for units in hidden] + [output]
    model = Sequential(layers, seed=seed, dtype=dtype)
    model.build((n_inputs,))
    return model


@pytest.fixture
def stopwatch():
    start = time.perf_counter()
    yield
    elapsed = time.perf_counter() - start
    assert elapsed < TIME_LIMIT, f"took {elapsed:.1f} s, more than {TIME_LIMIT:g} s"


# ---------------------------------------------------------------------------
# acceptance
# ---------------------------------------------------------------------------


def test_digits_64_64_10_adam_30_epochs_reaches_97_percent(stopwatch):
    X, y = datasets.load_digits()
    assert X.shape == (1797, 64)
    X_train, X_test, y_train, y_test = datasets.train_test_split(X / 16.0, y, test_size=0.2,
                                                                 seed=0)
    model = mlp(64, [64], Dense(10, activation="softmax"))
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(X_train, y_train, epochs=30, batch_size=32, seed=0, verbose=0)
    _, accuracy = model.evaluate(X_test, y_test)
    assert len(X_test) == 360
    assert accuracy >= 0.97, f"test accuracy {accuracy:.4f}"


def test_three_spirals_training_accuracy_97_percent(stopwatch):
    X, y = datasets.make_spirals(300, classes=3, seed=0)
    model = mlp(2, [32, 32], Dense(3, activation="softmax"))
    model.compile(optimizer=Adam(learning_rate=0.01), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(X, y, epochs=300, batch_size=32, seed=0, verbose=0)
    accuracy = model.evaluate(X, y, return_dict=True)["accuracy"]
    assert accuracy >= 0.97, f"training accuracy {accuracy:.4f}"


def test_moons_noise_02_test_accuracy_96_percent(stopwatch):
    X, y = datasets.make_moons(1000, noise=0.2, seed=0)
    X_train, X_test, y_train, y_test = datasets.train_test_split(X, y, test_size=0.2, seed=0)
    model = mlp(2, [16, 16], Dense(1, activation="sigmoid"))
    model.compile(optimizer=Adam(learning_rate=0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.fit(X_train, y_train, epochs=200, batch_size=32, seed=0, verbose=0)
    accuracy = model.evaluate(X_test, y_test, return_dict=True)["accuracy"]
    assert accuracy >= 0.96, f"test accuracy {accuracy:.4f}"


def test_cubic_regression_held_out_mse_within_1_percent_of_variance(stopwatch):
    X, y = datasets.make_cubic(200, seed=0)
    X_new, y_new = datasets.make_cubic(100, seed=1)  # fresh points the model never saw
    model = mlp(1, [32, 32], Dense(1), activation="tanh")
    model.compile(optimizer=Adam(learning_rate=0.01), loss="mse")
    model.fit(X, y, epochs=500, batch_size=32, seed=0, verbose=0)
    mse = float(np.mean((model.predict(X_new) - y_new) ** 2))
    assert mse <= 0.01 * float(np.var(y_new)), f"MSE {mse:.4g}, variance {np.var(y_new):.4g}"


def test_one_neuron_cannot_meet_the_cubic_target():
    X, y = datasets.make_cubic(200, seed=0)
    line = Sequential([Dense(1, input_shape=(1,))], seed=0)
    line.compile(optimizer=Adam(learning_rate=0.05), loss="mse")
    line.fit(X, y, epochs=300, batch_size=32, seed=0, verbose=0)
    # even on its own training points the best straight line misses the bends by > 1%
    assert line.evaluate(X, y) > 0.01 * np.var(y)


# ---------------------------------------------------------------------------
# History and validation
# ---------------------------------------------------------------------------


def blobs_model(seed: int = 0) -> Sequential:
    model = mlp(2, [8], Dense(3, activation="softmax"), seed=seed)
    model.compile(optimizer=Adam(learning_rate=0.02), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def test_history_holds_train_and_validation_metrics_per_epoch():
    X, y = datasets.make_blobs(200, centers=3, cluster_std=2.0, seed=0)
    X_val, y_val = datasets.make_blobs(60, centers=3, cluster_std=2.0, seed=0)
    model = blobs_model()
    history = model.fit(X, y, epochs=5, verbose=0, seed=0, validation_data=(X_val, y_val))
    assert history is model.history and history.epoch == [0, 1, 2, 3, 4]
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert all(len(values) == 5 for values in history.history.values())
    final = model.evaluate(X_val, y_val, return_dict=True)
    assert history.history["val_loss"][-1] == pytest.approx(final["loss"])
    assert history.history["val_accuracy"][-1] == pytest.approx(final["accuracy"])
    assert history.params == {"verbose": 0, "epochs": 5, "steps": 7, "batch_size": 32,
                              "samples": 200}
    assert "5 epochs" in repr(history)


def test_validation_split_holds_out_the_last_rows():
    X, y = datasets.make_blobs(100, centers=3, seed=1)
    model = blobs_model()
    history = model.fit(X, y, epochs=3, verbose=0, seed=0, validation_split=0.2)
    assert history.params["samples"] == 80
    final = model.evaluate(X[80:], y[80:], return_dict=True)
    assert history.history["val_loss"][-1] == pytest.approx(final["loss"])
    assert history.history["val_accuracy"][-1] == pytest.approx(final["accuracy"])


@pytest.mark.parametrize(("split", "error"), [(1.5, ConfigError), (0.999, DataError)])
def test_bad_validation_split(split, error):
    X, y = datasets.make_blobs(100, centers=3, seed=1)
    with pytest.raises(error, match="validation_split"):
        blobs_model().fit(X, y, epochs=1, verbose=0, validation_split=split)


def test_quiet_mode_prints_nothing_and_verbose_modes_report(capsys):
    X, y = datasets.make_blobs(64, centers=3, seed=1)
    blobs_model().fit(X, y, epochs=2, verbose=0)
    assert capsys.readouterr() == ("", "")
    blobs_model().fit(X, y, epochs=2, verbose=2)
    out = capsys.readouterr().out
    assert "Epoch 1/2 - loss:" in out and "Epoch 2/2 - loss:" in out and "accuracy:" in out
    blobs_model().fit(X, y, epochs=2, verbose=1)  # the rich progress bar
    out = capsys.readouterr().out
    assert "Epoch 2/2" in out and "loss:" in out


# ---------------------------------------------------------------------------
# callbacks
# ---------------------------------------------------------------------------


class BatchSpy(Layer):
    """A layer that passes its input through and records the row numbers of each batch."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[np.ndarray] = []

    def forward(self, x, training=False):
        if training:
            self.seen.append(x[:, 0].astype(int))
        return x

    def backward(self, grad_out, need_input_grad=True):
        return grad_out


def batches_seen(seed, shuffle=True, epochs=3, batch_size=16):
    """Train on rows 0..49 and return, per epoch, the row numbers of each batch."""
    X = np.arange(50, dtype=float).reshape(-1, 1)
    y = np.zeros(50)
    spy = BatchSpy()
    model = Sequential([spy, Dense(1, input_shape=(1,))], seed=0)
    model.compile(SGD(1e-6), "mse")
    model.fit(X, y, epochs=epochs, batch_size=batch_size, shuffle=shuffle, seed=seed,
              verbose=0)
    per_epoch = -(-50 // batch_size)
    return [spy.seen[i:i + per_epoch] for i in range(0, len(spy.seen), per_epoch)]


def test_each_epoch_visits_every_sample_once_in_a_new_seeded_order():
    epochs = batches_seen(seed=0)
    assert len(epochs) == 3
    for batches in epochs:
        assert [len(b) for b in batches] == [16, 16, 16, 2]
        assert sorted(np.concatenate(batches).tolist()) == list(range(50))
    orders = [np.concatenate(b).tolist() for b in epochs]
    assert orders[0] != orders[1] != orders[2] and orders[0] != list(range(50))


def test_shuffling_is_reproducible_by_seed():
    same = [np.concatenate(b).tolist() for b in batches_seen(seed=7)]
    again = [np.concatenate(b).tolist() for b in batches_seen(seed=7)]
    other = [np.concatenate(b).tolist() for b in batches_seen(seed=8)]
    assert same == again and same != other


def test_shuffle_false_keeps_the_data_order():
    for batches in batches_seen(seed=0, shuffle=False):
        assert np.concatenate(batches).tolist() == list(range(50))


def test_same_seed_same_training_run_bit_for_bit():
    X, y = datasets.make_moons(200, noise=0.2, seed=3)

    def run(seed):
        model = mlp(2, [8], Dense(1, activation="sigmoid"), seed=1)
        model.compile(Adam(learning_rate=0.01), "binary_crossentropy", ["accuracy"])
        history = model.fit(X, y, epochs=5, batch_size=16, seed=seed, verbose=0)
        return model.get_neuron_weights(), history.history

    (w1, h1), (w2, h2), (w3, _) = run(0), run(0), run(1)
    assert h1 == h2
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(w1[0], w3[0])


# ---------------------------------------------------------------------------
# many classes: integer labels and one-hot rows
# ---------------------------------------------------------------------------


def test_integer_labels_and_one_hot_rows_train_identically():
    X, y = datasets.make_blobs(90, centers=3, seed=4)
    a, b = blobs_model(), blobs_model()
    ha = a.fit(X, y, epochs=3, verbose=0, seed=0)
    hb = b.fit(X, datasets.one_hot(y), epochs=3, verbose=0, seed=0)
    assert ha.history == hb.history
    for wa, wb in zip(a.get_neuron_weights(), b.get_neuron_weights()):
        np.testing.assert_array_equal(wa, wb)
    assert a.evaluate(X, y) == b.evaluate(X, datasets.one_hot(y))


def test_fused_softmax_cross_entropy_gradient_is_p_minus_y():
    model = mlp(2, [], Dense(3, activation="softmax"), dtype="float64")
    model.compile(SGD(0.1), "categorical_crossentropy")
    X = np.array([[0.5, -1.0], [2.0, 0.3]])
    Y = np.eye(3)[[2, 0]]
    p = model.predict(X)
    model.train_step(X, Y)  # the step used the gradient from before it
    grad_z = (p - Y) / 2
    layer = model.layers[0]
    np.testing.assert_allclose(layer.grad_W, grad_z.T @ X, rtol=1e-12)
    np.testing.assert_allclose(layer.grad_b, grad_z.sum(axis=0), rtol=1e-12)


def test_fused_gradient_stays_finite_for_confident_wrong_answers():
    model = mlp(1, [], Dense(2, activation="softmax"), dtype="float64")
    model.set_neuron_weights([[[500.0], [-500.0]], [0.0, 0.0]])
    model.compile(SGD(0.1), "categorical_crossentropy")
    loss = model.train_step(np.array([[1.0]]), np.array([[0.0, 1.0]]))
    assert np.isfinite(loss) and np.isfinite(model.layers[0].grad_W).all()
    np.testing.assert_allclose(model.layers[0].grad_W, [[1.0], [-1.0]])


# ---------------------------------------------------------------------------
# bad input: each a clear error
# ---------------------------------------------------------------------------


def three_class_model() -> Sequential:
    model = mlp(2, [4], Dense(3, activation="softmax"))
    model.compile(Adam(), "categorical_crossentropy", ["accuracy"])
    return model


X4 = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ([0, 1, 2, 3], r"Class labels must be in 0\.\.2 .*got labels from 0 to 3.*4 output units"),
        ([0, -1, 2, 1], r"Class labels must be in 0\.\.2 .*from -1 to 2"),
        ([0, 1.5, 2, 1], "integer class labels 0..2.*non-integer values such as 1.5"),
    ],
)
def test_labels_out_of_range_are_clear_errors(labels, message):
    model = three_class_model()
    with pytest.raises(DataError, match=message):
        model.fit(X4, np.array(labels), epochs=1, verbose=0)
    with pytest.raises(DataError, match=message):
        model.evaluate(X4, np.array(labels))


@pytest.mark.parametrize("width", [2, 4])
def test_one_hot_rows_of_the_wrong_width_are_clear_errors(width):
    Y = np.eye(width)[[0, 1, 1, 0]]
    with pytest.raises(ShapeError, match=rf"3 output\(s\) but y has width {width}.*one-hot rows "
                                         r"of width 3"):
        three_class_model().fit(X4, Y, epochs=1, verbose=0)


def test_validation_labels_are_checked_too():
    with pytest.raises(DataError, match=r"Class labels must be in 0..2"):
        three_class_model().fit(X4, [0, 1, 2, 0], epochs=1, verbose=0,
                                validation_data=(X4, [0, 1, 2, 5]))


@pytest.mark.parametrize(
    ("activation", "loss"),
    [("softmax", CategoricalCrossentropy(from_logits=True)),
     ("sigmoid", BinaryCrossentropy(from_logits=True))],
)
def test_probabilities_where_logits_are_expected(activation, loss):
    units = 3 if activation == "softmax" else 1
    model = mlp(2, [4], Dense(units, activation=activation))
    with pytest.raises(ConfigError, match=rf"from_logits=True\) expects raw scores \(logits\), "
                                          rf"but the last layer already applies '{activation}'"):
        model.compile("adam", loss)


@pytest.mark.parametrize("activation", ["linear", "relu", "leaky_relu"])
@pytest.mark.parametrize("loss", ["categorical_crossentropy", "binary_crossentropy"])
def test_logits_where_probabilities_are_expected(activation, loss):
    units = 3 if loss == "categorical_crossentropy" else 1
    model = mlp(2, [4], Dense(units, activation=activation))
    with pytest.raises(ConfigError, match=rf"{loss} expects probabilities.*'{activation}'.*"
                                          "from_logits=True"):
        model.compile("adam", loss)


def test_logits_given_to_a_probability_loss_directly():
    logits = np.array([[2.0, -1.0, 0.5], [0.3, 3.0, -2.0]])
    Y = np.eye(3)[[0, 1]]
    with pytest.raises(DataError, match=r"expected probabilities.*look like logits"):
        losses.get("categorical_crossentropy")(Y, logits)
    with pytest.raises(DataError, match=r"expected probabilities.*look like logits"):
        losses.get("binary_crossentropy")(np.array([[1.0], [0.0]]), np.array([[2.5], [-1.0]]))
    # the same numbers are fine once the loss is told they are logits
    assert np.isfinite(CategoricalCrossentropy(from_logits=True)(Y, logits))


def test_cross_entropy_targets_outside_0_1_are_clear_errors():
    model = mlp(2, [4], Dense(1, activation="sigmoid"))
    model.compile("adam", "binary_crossentropy")
    with pytest.raises(DataError, match=r"needs targets between 0 and 1.*from 0 to 2"):
        model.fit(X4, [0, 1, 2, 1], epochs=1, verbose=0)


def test_logits_model_trains_like_the_probability_model():
    X, y = datasets.make_blobs(60, centers=3, seed=5)
    probs = mlp(2, [6], Dense(3, activation="softmax"), dtype="float64")
    logits = mlp(2, [6], Dense(3), dtype="float64")
    probs.compile(SGD(0.1), "categorical_crossentropy")
    logits.compile(SGD(0.1), CategoricalCrossentropy(from_logits=True))
    probs.fit(X, y, epochs=3, verbose=0, seed=0)
    logits.fit(X, y, epochs=3, verbose=0, seed=0)
    for a, b in zip(probs.get_neuron_weights(), logits.get_neuron_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_nan_loss_stops_fit_and_suggests_a_smaller_learning_rate():
    X, y = datasets.make_cubic(64, seed=0)
    model = mlp(1, [16], Dense(1), activation="relu")
    model.compile(SGD(learning_rate=10.0), "mse")
    with pytest.raises(TrainingDivergedError, match=r"Epoch \d+, batch \d+: The loss became "
                                                    r"(nan|inf).*smaller learning rate.*now 10"):
        model.fit(X, y * 1e3, epochs=50, verbose=0, seed=0)
    assert len(model.history.epoch) < 50  # the epochs before the blow-up stay in the history
    assert isinstance(TrainingDivergedError("x"), FloatingPointError)


def test_a_loss_too_large_before_any_update_is_not_blamed_on_the_learning_rate():
    # targets near 1e20 fit in float32, their squared errors do not: the loss is inf on
    # the first batch, with the starting weights, at any learning rate
    X = np.linspace(0.1, 0.4, 8, dtype=np.float32).reshape(-1, 1)
    model = Sequential([Dense(1, input_shape=(1,))], seed=0)
    model.compile(SGD(learning_rate=1e-12), "mse")
    start = [w.copy() for w in model.get_weights()]
    with pytest.raises(TrainingDivergedError, match="first batch, before any update") as info:
        model.fit(X, np.full((8, 1), 1e20, dtype=np.float32), epochs=2, verbose=0, seed=0)
    assert "learning rate" not in str(info.value) and "targets" in str(info.value)
    assert info.value.epoch == 1 and info.value.batch == 1
    for before, after in zip(start, model.get_weights()):
        np.testing.assert_array_equal(before, after)


def test_the_divergence_error_says_where_as_attributes():
    X, y = datasets.make_cubic(64, seed=0)
    model = mlp(1, [16], Dense(1), activation="relu")
    model.compile(SGD(learning_rate=10.0), "mse")
    with pytest.raises(TrainingDivergedError) as caught:
        model.fit(X, y * 1e3, epochs=50, batch_size=16, verbose=0, seed=0)
    err = caught.value
    assert str(err).startswith(f"Epoch {err.epoch}, batch {err.batch}: The loss became ")
    assert err.epoch == len(model.history.epoch) + 1
    assert 1 <= err.batch <= 4
    assert err.loss is not None and not np.isfinite(err.loss)
    # stopped before the update
    assert all(np.isfinite(w).all() for w in model.get_neuron_weights())


def test_train_step_outside_fit_diverges_without_a_place():
    model = mlp(1, [4], Dense(1))
    model.compile(SGD(learning_rate=0.1), "mse")
    X = np.array([[1.0]], np.float32)
    with pytest.raises(TrainingDivergedError, match=r"^The loss became inf") as caught:
        model.train_step(X, np.array([[np.inf]], np.float32))
    assert caught.value.epoch is None and caught.value.batch is None


# ---------------------------------------------------------------------------
# what fit needs
# ---------------------------------------------------------------------------
HIDDEN_DISPLAY_LIBRARIES = """
import sys

class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("rich", "IPython"):
            raise ImportError(f"{name} is hidden for this test")
        return None

sys.meta_path.insert(0, Blocker())
for name in [m for m in sys.modules if m.split(".")[0] in ("rich", "IPython")]:
    del sys.modules[name]

from neuronlab import SGD, Dense, Sequential, datasets

try:
    import rich  # noqa: F401
except ImportError:
    pass
else:
    raise SystemExit("rich should be hidden")

X, y = datasets.xor()
model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                    Dense(1, activation="sigmoid")], seed=0)
model.compile(optimizer=SGD(learning_rate=1.0), loss="mse", metrics=["accuracy"])
history = model.fit(X, y, epochs=3000, verbose=0)
assert history.history["accuracy"][-1] == 1.0, history
print("trained", round(history.history["loss"][-1], 4))
"""


def test_fit_with_verbose_0_needs_neither_rich_nor_ipython():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", HIDDEN_DISPLAY_LIBRARIES],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("trained")


def test_val_loss_is_weighted_by_the_held_out_rows_sample_weight():
    # as Keras: validation_split splits sample_weight too, and val_loss is
    # sum(w_i * loss_i) / n_val over the held-out rows; a triple validation_data the same
    from neuronlab import Dense, Sequential

    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(50, 2)), rng.normal(size=50)
    weights = rng.uniform(0.5, 3.0, size=50)

    def fitted(**kwargs):
        model = Sequential([Dense(1, input_shape=(2,))], seed=0, dtype="float64")
        model.compile(optimizer="sgd", loss="mse")
        history = model.fit(X[:40] if "validation_data" in kwargs else X,
                            y[:40] if "validation_data" in kwargs else y,
                            epochs=1, verbose=0, shuffle=False, **kwargs)
        return model, history.history["val_loss"][0]

    model, val_loss = fitted(validation_split=0.2, sample_weight=weights)
    errors = (model.predict(X[40:])[:, 0] - y[40:]) ** 2
    assert val_loss == pytest.approx(np.dot(weights[40:], errors) / 10, rel=1e-9)
    assert val_loss != pytest.approx(errors.mean(), rel=1e-3)
    model, val_loss = fitted(validation_data=(X[40:], y[40:], weights[40:]))
    errors = (model.predict(X[40:])[:, 0] - y[40:]) ** 2
    assert val_loss == pytest.approx(np.dot(weights[40:], errors) / 10, rel=1e-9)
