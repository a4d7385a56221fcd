"""Sequential: gradients of the whole model, one SGD step by hand, seeds, compile,
evaluate, summary, config."""

from __future__ import annotations

import numpy as np
import pytest

from neuronlab import (
    SGD,
    ConfigError,
    Dense,
    EarlyStopping,
    History,
    LambdaCallback,
    Sequential,
    activations,
    datasets,
    gradcheck,
)

EXTREME = np.array([-1000.0, -50.0, -1.0, 0.0, 1.0, 50.0, 1000.0])


def test_model_gradcheck_every_loss():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 3))
    cases = [
        ("mse", Dense(2), rng.normal(size=(6, 2))),
        ("binary_crossentropy", Dense(1, activation="sigmoid"), rng.integers(0, 2, 6)),
        ("categorical_crossentropy", Dense(3, activation="softmax"), rng.integers(0, 3, 6)),
    ]
    for loss, out, y in cases:
        model = Sequential([Dense(4, activation="tanh", input_shape=(3,), l2=0.001),
                            Dense(4, activation="sigmoid"), out], seed=1)
        model.compile(optimizer="sgd", loss=loss)
        result = gradcheck.check_model(model, X, y)
        assert result.passed, f"{loss}: {result}"
        assert "match" in str(result)


def test_gradcheck_reports_a_wrong_gradient_in_plain_words():
    class BrokenSigmoid(activations.Sigmoid):
        def backward(self, grad_y, z, y):
            return grad_y * y  # forgot the (1 - y)

    result = gradcheck.check_activation(BrokenSigmoid())
    assert not result.passed
    assert "DO NOT match" in str(result)


# ---------------------------------------------------------------- one SGD step, by hand
def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_one_sgd_step_matches_an_independent_computation():
    rng = np.random.default_rng(42)
    X = rng.normal(size=(8, 5))
    y = rng.normal(size=(8, 2))
    model = Sequential([Dense(6, activation="tanh", input_shape=(5,)),
                        Dense(4, activation="sigmoid"),
                        Dense(2)], seed=7, dtype="float64")
    model.compile(optimizer=SGD(learning_rate=0.1), loss="mse")
    W1, b1, W2, b2, W3, b3 = model.get_neuron_weights()
    # the step, written out independently
    h1 = np.tanh(X @ W1.T + b1)
    h2 = _sigmoid(h1 @ W2.T + b2)
    out = h2 @ W3.T + b3
    d_out = 2 * (out - y) / out.size
    gW3, gb3 = d_out.T @ h2, d_out.sum(0)
    d_h2 = (d_out @ W3) * h2 * (1 - h2)
    gW2, gb2 = d_h2.T @ h1, d_h2.sum(0)
    d_h1 = (d_h2 @ W2) * (1 - h1**2)
    gW1, gb1 = d_h1.T @ X, d_h1.sum(0)
    expected = [W - 0.1 * g for W, g in zip([W1, b1, W2, b2, W3, b3],
                                            [gW1, gb1, gW2, gb2, gW3, gb3])]
    model.fit(X, y, epochs=1, batch_size=8, verbose=0)
    for got, want in zip(model.get_neuron_weights(), expected):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=0)


# ---------------------------------------------------------------- model conventions
def _xor_model(seed=0, dtype="float32"):
    model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                        Dense(1, activation="sigmoid")], seed=seed, dtype=dtype)
    model.compile(optimizer=SGD(learning_rate=1.0), loss="mse", metrics=["accuracy"])
    return model


def test_same_seed_gives_identical_weights():
    X, y = datasets.xor()
    a, b = _xor_model(5), _xor_model(5)
    a.fit(X, y, epochs=50, verbose=0)
    b.fit(X, y, epochs=50, verbose=0)
    for wa, wb in zip(a.get_neuron_weights(), b.get_neuron_weights()):
        np.testing.assert_array_equal(wa, wb)
    c = _xor_model(6)
    assert not np.array_equal(c.get_neuron_weights()[0], a.get_neuron_weights()[0])


def test_fit_seed_makes_minibatch_training_reproducible():
    X, y = datasets.make_moons(n_samples=100, seed=0)

    def run(seed):
        model = Sequential([Dense(8, activation="relu", input_shape=(2,)),
                            Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy")
        model.fit(X, y, epochs=3, batch_size=16, verbose=0, seed=seed)
        return model.get_neuron_weights()

    for wa, wb in zip(run(3), run(3)):
        np.testing.assert_array_equal(wa, wb)


def test_float32_by_default_float64_on_request():
    assert _xor_model().get_neuron_weights()[0].dtype == np.float32
    assert _xor_model(dtype="float64").get_neuron_weights()[0].dtype == np.float64
    X, _ = datasets.xor()
    assert _xor_model().predict(X).dtype == np.float32


def test_fit_returns_history_with_loss_and_metrics():
    X, y = datasets.xor()
    model = _xor_model()
    history = model.fit(X, y, epochs=10, verbose=0)
    assert isinstance(history, History)
    assert set(history.history) == {"loss", "accuracy"}
    assert len(history.history["loss"]) == 10 and history.epoch == list(range(10))
    assert model.history is history


def test_evaluate_and_predict():
    X, y = datasets.xor()
    model = _xor_model()
    model.fit(X, y, epochs=3000, verbose=0)
    loss, acc = model.evaluate(X, y)
    assert acc == 1.0 and loss < 0.01
    scores = model.evaluate(X, y, return_dict=True)
    assert scores["loss"] == pytest.approx(loss)
    assert model.predict(X).shape == (4, 1)
    np.testing.assert_array_equal(model(X), model.predict(X))


def test_validation_split_and_callbacks():
    X, y = datasets.make_moons(n_samples=200, noise=0.1, seed=0)
    model = Sequential([Dense(16, activation="relu", input_shape=(2,)),
                        Dense(1, activation="sigmoid")], seed=0)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    seen = []
    history = model.fit(X, y, epochs=200, validation_split=0.25, verbose=0, seed=0,
                        callbacks=[LambdaCallback(on_epoch_end=lambda e, logs: seen.append(e)),
                                   EarlyStopping(monitor="val_loss", patience=2,
                                                 min_delta=10.0)])
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(history.history)
    assert seen == history.epoch
    assert len(history.epoch) == 3  # improved once (from inf), then 2 epochs without: Keras 3


@pytest.mark.parametrize("n, split, held_out", [(10, 0.25, 3), (300, 0.2, 60), (7, 0.5, 4)])
def test_validation_split_holds_out_as_many_rows_as_keras(n, split, held_out):
    # Keras 3 trains on the first floor(n * (1 - split)) rows and holds out the rest
    from neuronlab.training.data import split_validation

    model = Sequential([Dense(1, input_shape=(2,))], seed=0)
    X, Y = np.arange(2.0 * n).reshape(n, 2), np.zeros((n, 1))
    X_train, _, X_val, _ = split_validation(model, X, Y, split, None)
    assert len(X_val) == held_out and len(X_train) == n - held_out
    assert (X_val == X[n - held_out:]).all()  # the last rows, before any shuffling


def test_summary_is_readable():
    lines = []
    _xor_model().summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "Dense" in text and "(None, 4)" in text and "Total params: 17" in text
    assert "sigmoid" in text


def test_repr_is_one_line():
    model = _xor_model()
    assert repr(model) == ("Sequential([Dense(4, activation='sigmoid', input_shape=(2,)), "
                           "Dense(1, activation='sigmoid')])")
    assert "\n" not in repr(model.history)


def test_config_round_trip_rebuilds_the_architecture():
    model = _xor_model()
    clone = Sequential.from_config(model.get_config())
    assert repr(clone) == repr(model)
    assert clone.loss is not None and clone.loss.name == "mse"


def test_a_custom_optimizer_subclass_applies_its_own_rule():
    class HalfStepSGD(SGD):
        def step(self, parameters):  # the documented one-argument form
            for value, grad in parameters:
                value -= 0.5 * self.learning_rate * grad

    X, y = datasets.xor()
    model = Sequential([Dense(2, activation="sigmoid", input_shape=(2,)), Dense(1)], seed=0,
                       dtype="float64")
    model.compile(optimizer=HalfStepSGD(learning_rate=0.2), loss="mse")
    before = model.get_neuron_weights()
    model.train_step(X, y)
    grads = [g.copy() for _, g in model.parameters()]
    for old, new, g in zip(before, model.get_neuron_weights(), grads):
        np.testing.assert_allclose(new, old - 0.1 * g, rtol=1e-12)


def test_one_optimizer_object_cannot_train_two_models():
    optimizer = SGD(learning_rate=0.5, momentum=0.9)
    first, second = _xor_model(), _xor_model()
    first.compile(optimizer=optimizer, loss="mse")
    first.compile(optimizer=optimizer, loss="mse")  # the same model again is fine
    with pytest.raises(ConfigError, match=r"already trains another model.*Give each model its "
                                          r"own optimizer, e\.g\. compile\(optimizer=SGD\("):
        second.compile(optimizer=optimizer, loss="mse")


def test_count_params_builds_a_model_whose_input_size_is_known():
    model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)), Dense(1)], seed=0)
    assert model.count_params() == 17 and model.built
    assert Sequential([Dense(3)]).count_params() == 0  # input size unknown: nothing yet


# --------------------------------------------------------------------------- Keras habits
def test_hand_wired_weights_on_each_layer_predict_without_compile_or_fit():
    model = Sequential([Dense(2, activation="relu", input_shape=(3,)), Dense(1)])
    W1, b1 = np.array([[1.0, -1.0, 0.5], [0.0, 2.0, -1.0]]), np.array([0.5, -1.0])
    W2, b2 = np.array([[2.0, -3.0]]), np.array([0.25])
    model.layers[0].set_neuron_weights([W1, b1])
    model.layers[1].set_neuron_weights([W2, b2])
    X = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]])
    expected = np.maximum(X @ W1.T + b1, 0) @ W2.T + b2
    out = model.predict(X)  # no warning: pytest turns warnings into errors
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, expected, rtol=1e-6)


def test_evaluate_takes_keras_arguments(capsys):
    model = _xor_model()
    X, y = datasets.xor()
    loss, accuracy = model.evaluate(X, y, verbose=0)
    assert capsys.readouterr().out == ""
    scores = model.evaluate(X, y, batch_size=2, verbose=0, return_dict=True)
    assert scores == {"loss": loss, "accuracy": accuracy}
    model.evaluate(X, y, verbose=1)
    assert capsys.readouterr().out.strip() == f"loss: {loss:.4f} - accuracy: {accuracy:.4f}"


def test_fit_verbose_2_prints_one_line_per_epoch(capsys):
    model = _xor_model()
    X, y = datasets.xor()
    history = model.fit(X, y, epochs=3, verbose=2)
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split(" - ")[0] for line in lines] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]
    last = history.history
    assert lines[-1] == (f"Epoch 3/3 - loss: {last['loss'][-1]:.4f} - accuracy: "
                         f"{last['accuracy'][-1]:.4f}")


def test_calling_the_model_is_predict_bit_for_bit():
    model = _xor_model()
    X = np.random.default_rng(0).normal(size=(50, 2))
    assert model(X).tobytes() == model.predict(X).tobytes()
    model.fit(*datasets.xor(), epochs=2, verbose=0)
    assert model(X).tobytes() == model.predict(X).tobytes()


@pytest.mark.parametrize("loss", ["mse", "sse"])
def test_weighted_loss_is_the_loss_whose_gradient_the_step_takes(loss):
    # weights of 1 change nothing: the same loss, the same step (sse sums over the batch,
    # so its weighted loss is not divided by N either)
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(16, 3)), rng.normal(size=(16, 1))
    losses, weights = [], []
    for sample_weight in (None, np.ones(16)):
        model = Sequential([Dense(1, input_shape=(3,))], seed=0, dtype="float64")
        model.compile(optimizer=SGD(learning_rate=0.01), loss=loss)
        losses.append(model.train_step(X, Y, sample_weight=sample_weight))
        weights.append(model.get_weights())
    assert losses[0] == pytest.approx(losses[1], rel=1e-12)
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_a_softmax_over_one_unit_is_named_as_the_trap_it_is():
    model = Sequential([Dense(4, activation="relu", input_shape=(2,)),
                        Dense(1, activation="softmax")], seed=0)
    with pytest.warns(UserWarning, match="softmax over 1 unit: its output is always 1"):
        model.compile(optimizer="sgd", loss="categorical_crossentropy")
