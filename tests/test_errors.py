"""Bad input gets a clear error: what was expected, what was received, how to fix it."""

from __future__ import annotations

import numpy as np
import pytest

from neuronlab import (
    SGD,
    ConfigError,
    DataError,
    Dense,
    NeuronlabError,
    NotFittedError,
    Sequential,
    ShapeError,
    TrainingDivergedError,
    UnknownNameError,
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
    [(activations.get, "swish", "activation"), (losses.get, "hinge", "loss"),
     (optimizers.get, "adagrad", "optimizer")],
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


def test_predict_before_compile_or_fit():
    with pytest.raises(NotFittedError, match="never compiled, fitted or given weights"):
        _model(compile_=False).predict(datasets.xor()[0])


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
        model.get_weights()


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
        layer.set_weights([np.ones((4, 3)), np.zeros(3)])
    with pytest.raises(ShapeError, match=r"expects b of shape \(3,\)"):
        layer.set_weights([np.ones((3, 4)), np.zeros(2)])
    with pytest.raises(ShapeError, match=r"expects 4 arrays"):
        _model().set_weights([np.ones((4, 2))])


def test_loss_called_with_mismatched_shapes():
    with pytest.raises(ShapeError, match=r"predictions have shape \(2, 1\) but targets have "
                                         r"shape \(3, 1\)"):
        losses.get("mse")(np.ones((2, 1)), np.ones((3, 1)))


def test_huge_but_finite_data_is_accepted_and_nan_among_it_is_found():
    from neuronlab.validation import as_float_array

    huge = np.full((4, 2), 3e38, dtype=np.float32)  # its sum overflows float32
    assert as_float_array(huge, dtype=np.float32) is not None
    huge[3, 1] = np.nan
    with pytest.raises(DataError, match=r"X contains 1 NaN or infinite value\(s\)"):
        as_float_array(huge, dtype=np.float32)
    mixed = np.array([[np.inf, 1.0], [-np.inf, 2.0]])  # inf + -inf sums to NaN
    with pytest.raises(DataError, match=r"contains 2 NaN or infinite"):
        as_float_array(mixed)
