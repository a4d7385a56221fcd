"""Bad input gets a clear error: what was expected, what was received, how to fix it."""

from __future__ import annotations

import numpy as np
import pytest

from neuronlab import (
    SGD,
    ArgumentError,
    ConfigError,
    DataError,
    Dense,
    Dropout,
    EarlyStopping,
    LambdaCallback,
    NeuronlabError,
    NeuronlabWarning,
    NotFittedError,
    Sequential,
    ShapeError,
    TrainingDivergedError,
    UnknownNameError,
    UntrainedModelWarning,
    activations,
    datasets,
    losses,
    optimizers,
)


def _model(compile_=True):
    model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                        Dense(1, activation="sigmoid")], seed=0)
    if compile_:
        model.compile(optimizer="sgd", loss="mse")
    return model


def test_errors_derive_from_package_base_and_builtins():
    assert issubclass(ShapeError, NeuronlabError) and issubclass(ShapeError, ValueError)
    assert issubclass(NotFittedError, RuntimeError)
    assert issubclass(UnknownNameError, ValueError)


def test_wrong_feature_count():
    X, y = datasets.xor()
    with pytest.raises(ShapeError, match=r"expects 2 input features.*shape \(4, 3\)"):
        _model().fit(np.hstack([X, X[:, :1]]), y, verbose=0)
    with pytest.raises(ShapeError, match=r"expects 2 input features.*input_shape=\(3,\)"):
        _model().predict(np.ones((5, 3)))


def test_dense_layer_names_the_shape_and_the_fix():
    layer = Dense(3, input_shape=(4,))
    layer.build(4, np.random.default_rng(0))
    with pytest.raises(ShapeError, match=r"Dense expected 4 input features, got shape \(32, 3\); "
                                         r"check the previous layer's units"):
        layer.forward(np.ones((32, 3), dtype=np.float32))


def test_mismatched_x_and_y_lengths():
    X, y = datasets.xor()
    with pytest.raises(ShapeError, match="X has 4 samples but y has 3"):
        _model().fit(X, y[:3], verbose=0)


@pytest.mark.parametrize(
    ("factory", "name", "kind"),
    [(activations.get, "mish", "activation"), (losses.get, "poisson", "loss"),
     (optimizers.get, "adadelta", "optimizer")],
)
def test_unknown_names_list_the_valid_ones(factory, name, kind):
    with pytest.raises(UnknownNameError, match=rf"Unknown {kind} '{name}'. Valid names: "):
        factory(name)


def test_unknown_names_through_the_keras_api():
    with pytest.raises(UnknownNameError, match="relu, leaky_relu, sigmoid"):
        Dense(3, activation="sigmoidd")
    with pytest.raises(UnknownNameError, match="Unknown loss 'msee'"):
        _model(False).compile(optimizer="sgd", loss="msee")
    with pytest.raises(UnknownNameError, match=r"Unknown optimizer 'sgdd'.*sgd, rmsprop, adam"):
        _model(False).compile(optimizer="sgdd", loss="mse")
    with pytest.raises(UnknownNameError, match="Unknown metric 'precisionn'"):
        _model(False).compile(optimizer="sgd", loss="mse", metrics=["precisionn"])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_in_data(bad):
    X, y = datasets.xor()
    X = X.copy()
    X[1, 0] = bad
    with pytest.raises(DataError, match=r"X contains 1 NaN or infinite value\(s\)"):
        _model().fit(X, y, verbose=0)
    y = y.copy()
    y[2, 0] = bad
    with pytest.raises(DataError, match=r"y contains 1 NaN or infinite"):
        _model().fit(datasets.xor()[0], y, verbose=0)


def test_empty_data():
    with pytest.raises(DataError, match=r"X is empty \(shape \(0, 2\)\)"):
        _model().fit(np.empty((0, 2)), np.empty((0, 1)), verbose=0)
    with pytest.raises(DataError, match="is empty"):
        _model().predict([])


def test_non_numeric_data():
    with pytest.raises(DataError, match=r"X must contain numbers.*Convert text columns"):
        _model().fit([["a", "b"], ["c", "d"]], [0, 1], verbose=0)
    with pytest.raises(DataError, match="rows have different lengths"):
        _model().predict([[1.0, 2.0], [3.0]])


def test_one_dimensional_x_gets_a_reshape_hint():
    with pytest.raises(ShapeError, match=r"reshape\(-1, 1\)"):
        _model().predict(np.array([1.0, 2.0]))


def test_predict_before_compile_or_fit_warns_once_and_predicts():
    # As in Keras, an untrained model predicts (from its random starting weights); it
    # says so once, in words, with a warning class of its own.
    model, X = _model(compile_=False), datasets.xor()[0]
    with pytest.warns(UntrainedModelWarning, match="random starting weights") as record:
        first = model.predict(X)
        second = model.predict(X)
    assert len(record) == 1
    assert issubclass(UntrainedModelWarning, NeuronlabWarning)
    assert issubclass(UntrainedModelWarning, UserWarning)
    np.testing.assert_array_equal(first, second)
    assert first.shape == (4, 1) and np.isfinite(first).all()


def test_fit_before_compile():
    X, y = datasets.xor()
    with pytest.raises(NotFittedError, match=r"call model.compile\("):
        _model(compile_=False).fit(X, y, verbose=0)


def test_evaluate_before_compile():
    X, y = datasets.xor()
    with pytest.raises(NotFittedError, match="compiled model"):
        _model(compile_=False).evaluate(X, y)


def test_weights_before_build_explain_what_to_do():
    model = Sequential([Dense(3)])
    with pytest.raises(NotFittedError, match=r"input_shape=\(n_features,\)"):
        model.get_neuron_weights()


def test_diverging_loss_stops_fit_and_suggests_smaller_learning_rate():
    X, y = datasets.make_cubic(n_samples=64, seed=0)
    X = X * 100
    model = Sequential([Dense(16, activation="relu", input_shape=(1,)), Dense(1)], seed=0)
    model.compile(optimizer=SGD(learning_rate=10.0), loss="mse")
    with pytest.raises(TrainingDivergedError, match=r"(?s)not a finite number.*smaller learning "
                                                    r"rate \(now 10; e\.g\. 1\)"):
        model.fit(X, y, epochs=50, verbose=0)
    # the history of the epochs before the failure is kept, and it has no NaN
    assert all(np.isfinite(v) for v in model.history.history.get("loss", []))


def test_bad_config_values():
    with pytest.raises(ConfigError, match="learning_rate must be a finite number > 0"):
        SGD(learning_rate=-1)
    with pytest.raises(ConfigError, match="Dense units must be a whole number >= 1"):
        Dense(0)
    with pytest.raises(ConfigError, match="epochs must be a whole number >= 1"):
        _model().fit(*datasets.xor(), epochs=0, verbose=0)
    with pytest.raises(ConfigError, match="dtype must be 'float32' or 'float64'"):
        Sequential([Dense(1)], dtype="int8")
    with pytest.raises(ConfigError, match="Sequential takes layers"):
        Sequential(["dense"])  # type: ignore[list-item]


def test_wrong_weight_shapes():
    layer = Dense(3, input_shape=(4,))
    with pytest.raises(ShapeError, match=r"expects W of shape \(3, n_inputs\).*got shape \(4, 3\)"):
        layer.set_neuron_weights([np.ones((4, 3)), np.zeros(3)])
    with pytest.raises(ShapeError, match=r"expects b of shape \(3,\)"):
        layer.set_neuron_weights([np.ones((3, 4)), np.zeros(2)])
    with pytest.raises(ShapeError, match=r"expects 4 arrays"):
        _model().set_neuron_weights([np.ones((4, 2))])


def test_loss_called_with_mismatched_shapes():
    with pytest.raises(ShapeError, match=r"targets y_true have shape \(3, 1\) but the "
                                         r"predictions y_pred have shape \(2, 1\)"):
        losses.get("mse")(np.ones((3, 1)), np.ones((2, 1)))


def test_huge_but_finite_data_is_accepted_and_nan_among_it_is_found():
    from neuronlab.checks import as_float_array

    huge = np.full((4, 2), 3e38, dtype=np.float32)  # its sum overflows float32
    assert as_float_array(huge, dtype=np.float32) is not None
    huge[3, 1] = np.nan
    with pytest.raises(DataError, match=r"X contains 1 NaN or infinite value\(s\)"):
        as_float_array(huge, dtype=np.float32)
    mixed = np.array([[np.inf, 1.0], [-np.inf, 2.0]])  # inf + -inf sums to NaN
    with pytest.raises(DataError, match=r"contains 2 NaN or infinite"):
        as_float_array(mixed)


# --------------------------------------------------------------------------- odd arguments
HUGE = 10**400


@pytest.mark.parametrize("make, error, message", [
    (lambda: Dense(2, l2=HUGE), ConfigError, "l2 must be a finite number >= 0.*too large"),
    (lambda: SGD(learning_rate=HUGE), ConfigError,
     "learning_rate must be a finite number > 0, got a number too large for a float"),
    (lambda: optimizers.Adam(epsilon=HUGE), ConfigError, "epsilon"),
    (lambda: Dropout("a"), ConfigError, r"Dropout rate must be a number, got 'a' \(str\)"),
    (lambda: SGD(momentum=None), ConfigError, "SGD momentum must be a number, got None"),
    (lambda: optimizers.Adam(beta_1="abc"), ConfigError, "Adam beta_1 must be a number"),
    (lambda: optimizers.RMSprop(rho=[0.9]), ConfigError, "RMSprop rho must be a number"),
    (lambda: SGD(lr=0.1), ArgumentError, "lr.*neuronlab calls it learning_rate"),
    (lambda: Sequential(5), ConfigError, r"Sequential takes a list of layers.*got 5 \(int\)"),
    (lambda: Sequential([Dense(1)], seed=-1), ConfigError,
     r"seed must be None or a non-negative whole number \(0, 1, 2, ...\), got -1"),
    (lambda: Sequential([Dense(1)], seed="x"), ConfigError, "seed must be None or a non-neg"),
    (lambda: Sequential([Dense(1)], seed=1.5), ConfigError, "seed must be None or a non-neg"),
    (lambda: Sequential([Dense(1)], seed=True), ConfigError, "seed must be None or a non-neg"),
    (lambda: Sequential([Dense(1)], dtype=[1, 2]), ConfigError, "dtype must be 'float32'"),
    (lambda: Dense(10**12, input_shape=(2,)), ConfigError, "Dense units must be a whole number"),
    (lambda: Dense(2, input_shape=2.5), ConfigError, "input_shape must be a tuple such as"),
    (lambda: EarlyStopping(monitor=5), ConfigError, "monitor must be the name of a logged"),
    (lambda: EarlyStopping(patience="a"), ConfigError, "patience must be a whole number >= 0"),
    (lambda: EarlyStopping(min_delta=HUGE), ConfigError, "min_delta"),
    (lambda: EarlyStopping(restore_best_weights="yes"), ConfigError, "True or False"),
    (lambda: LambdaCallback(on_epoch_end=5), ConfigError, "on_epoch_end must be a function"),
    (lambda: activations.from_config({"name": "relu", "alpha": 0.1}), ArgumentError,
     r"ReLU does not take these arguments \(alpha=0.1\)"),
    (lambda: activations.from_config(None), ConfigError, "dict with a 'name' key"),
    (lambda: losses.from_config({"from_logits": True}), ConfigError, "dict with a 'name'"),
    (lambda: activations.get("leaky_relu", alpha="a"), ConfigError, "alpha must be a number"),
    (lambda: losses.get("mse", from_logits="yes"), ConfigError, "True or False"),
])
def test_odd_arguments_get_neuronlab_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_dense_refuses_a_layer_too_large_for_memory_at_once():
    with pytest.raises(ConfigError, match="at most 100,000,000 per layer"):
        Sequential([Dense(100_000, input_shape=(100_000,))]).build()


def test_model_methods_refuse_odd_arguments():
    X, y = datasets.xor()
    model = _model()
    set_rows = model.set_neuron_weights
    cases = [
        (lambda: set_rows("ab"), ShapeError, "expects 4 arrays in a list"),
        (lambda: set_rows(None), ShapeError, "expects 4 arrays in a list"),
        (lambda: set_rows([np.ones((4, 2)), "ab", np.ones((1, 4)), [0.0]]), DataError,
         "b must be an array of numbers"),
        (lambda: set_rows([np.full((4, 2), HUGE), np.zeros(4), np.ones((1, 4)), [0.0]]),
         DataError, "W must be an array of numbers"),
        (lambda: set_rows([np.full((4, 2), 1e39), np.zeros(4), np.ones((1, 4)), [0.0]]),
         DataError, "finite numbers that fit in float32"),
        (lambda: model.layers[0].set_neuron_weights(None), ShapeError, r"expects a list \[W, b\]"),
        (lambda: model.compile(metrics=5), ConfigError, "metrics must be a list of names"),
        (lambda: model.fit(X, y, callbacks=[1], verbose=0), ConfigError,
         "callbacks must be Callback objects"),
        (lambda: model.fit(X, y, validation_split="a", verbose=0), ConfigError,
         "validation_split must be a number"),
        (lambda: model.fit(X, y, seed=-1, verbose=0), ConfigError, "seed must be None or a non-"),
        (lambda: model.fit(X, y, verbose="loud"), ConfigError, "verbose must be 0"),
        (lambda: model.evaluate(X, y, verbose=5), ConfigError, "verbose must be 0"),
        (lambda: model.evaluate(X, y, batch_size=0), ConfigError, "batch_size must be a whole"),
    ]
    for call, error, message in cases:
        with pytest.raises(error, match=message):
            call()


def test_targets_too_large_for_float32_are_refused():
    X = datasets.xor()[0]
    with pytest.raises(DataError, match=r"too large for float32.*dtype='float64'"):
        _model().evaluate(X, np.full(4, 1e39))
    with pytest.raises(DataError, match="too large for float32"):
        _model().predict(np.full((4, 2), 1e39))


def test_outputs_that_overflow_are_refused_not_returned():
    model = Sequential([Dense(1, input_shape=(2,))], seed=0)
    model.compile(optimizer="sgd", loss="mse")
    model.set_neuron_weights([[[1e30, 1e30]], [0.0]])
    with pytest.raises(DataError, match="outputs are not finite numbers"):
        model.predict([[1e10, 1e10]])
    with pytest.raises(DataError, match="not a finite number"):
        model.evaluate([[1e5, 1e5]], [1.0])


def test_weights_that_diverge_on_the_last_step_stop_fit():
    X, y = datasets.xor()
    model = Sequential([Dense(4, activation="tanh", input_shape=(2,)), Dense(1)], seed=0)
    model.compile(optimizer=SGD(learning_rate=0.1), loss="mse")
    model.fit(X, y, epochs=1, verbose=0)
    before = model.get_neuron_weights()
    model.compile(optimizer=SGD(learning_rate=1e300), loss="mse")
    with pytest.raises(TrainingDivergedError, match=r"Epoch 1.*weights became infinite or NaN"):
        model.fit(X, y, epochs=1, verbose=0)
    for kept, old in zip(model.get_neuron_weights(), before):  # the last finite weights stay
        np.testing.assert_array_equal(kept, old)
    assert np.isfinite(model.predict(X)).all()


@pytest.mark.parametrize("shape", [(7,), (50, 50), (5000, 3), (2048, 128), (12, 28, 28, 1)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_all_finite_finds_one_nan_or_infinity_anywhere_and_is_not_fooled_by_overflow(
        shape, dtype) -> None:
    from neuronlab.checks import all_finite

    values = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    assert all_finite(values)
    assert all_finite(np.asfortranarray(values))  # not contiguous by rows: summed another way
    for bad in (np.nan, np.inf, -np.inf):
        for where in (0, values.size // 2, values.size - 1):
            broken = values.copy()
            broken.flat[where] = bad
            assert not all_finite(broken), (bad, where)
            assert not all_finite(np.asfortranarray(broken)), (bad, where)
    # finite numbers whose sums overflow are still finite (the exact check decides)
    assert all_finite(np.full(shape, np.finfo(dtype).max / 2, dtype))
