"""Optimizers, initializers and Dropout against their rules worked by hand (and PyTorch).

Each optimizer takes one step, then three, on two parameters (a matrix and a
vector) with fixed gradients; the result must equal the update rule written out
here line by line, and ``torch.optim``'s optimizer of the same name.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from neuronlab import SGD, Adam, Dense, Dropout, RMSprop, Sequential, initializers, optimizers
from neuronlab.errors import ConfigError, UnknownNameError

# ---------------------------------------------------------------------------
# optimizers: the rules by hand
# ---------------------------------------------------------------------------

W0 = np.array([[0.5, -1.25, 2.0], [1.0, 0.0, -0.75]])
B0 = np.array([0.1, -0.2])
GRADS = [  # one (grad_W, grad_b) per step
    (np.array([[0.2, -0.4, 1.0], [0.0, 3.0, -0.5]]), np.array([1.0, -0.3])),
    (np.array([[-0.1, 0.5, 0.25], [2.0, -1.0, 0.05]]), np.array([-0.6, 0.2])),
    (np.array([[0.3, 0.3, -2.0], [0.01, 0.7, 1.5]]), np.array([0.0, 0.9])),
]


def sgd_rule(lr, momentum=0.0, nesterov=False):
    def run(values, steps):
        velocity = [np.zeros_like(v) for v in values]
        for grads in GRADS[:steps]:
            for i, g in enumerate(grads):
                if momentum == 0:
                    values[i] = values[i] - lr * g
                    continue
                velocity[i] = momentum * velocity[i] + g
                step = g + momentum * velocity[i] if nesterov else velocity[i]
                values[i] = values[i] - lr * step
        return values
    return run


def rmsprop_rule(lr, rho, eps):
    def run(values, steps):
        square_avg = [np.zeros_like(v) for v in values]
        for grads in GRADS[:steps]:
            for i, g in enumerate(grads):
                square_avg[i] = rho * square_avg[i] + (1 - rho) * g**2
                values[i] = values[i] - lr * g / (np.sqrt(square_avg[i]) + eps)
        return values
    return run


def adam_rule(lr, beta_1, beta_2, eps):
    def run(values, steps):
        m = [np.zeros_like(v) for v in values]
        v = [np.zeros_like(v) for v in values]
        for t, grads in enumerate(GRADS[:steps], start=1):
            for i, g in enumerate(grads):
                m[i] = beta_1 * m[i] + (1 - beta_1) * g
                v[i] = beta_2 * v[i] + (1 - beta_2) * g**2
                m_hat = m[i] / (1 - beta_1**t)
                v_hat = v[i] / (1 - beta_2**t)
                values[i] = values[i] - lr * m_hat / (np.sqrt(v_hat) + eps)
        return values
    return run


# name -> (ours, the hand rule, torch.optim's class name and arguments)
OPTIMIZERS = {
    "sgd": (lambda: SGD(0.1), sgd_rule(0.1), ("SGD", {"lr": 0.1})),
    "sgd_momentum": (lambda: SGD(0.1, momentum=0.9), sgd_rule(0.1, 0.9),
                     ("SGD", {"lr": 0.1, "momentum": 0.9})),
    "sgd_nesterov": (lambda: SGD(0.1, momentum=0.9, nesterov=True), sgd_rule(0.1, 0.9, True),
                     ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True})),
    "rmsprop": (lambda: RMSprop(0.01, rho=0.9, epsilon=1e-8), rmsprop_rule(0.01, 0.9, 1e-8),
                ("RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-8})),
    "adam": (lambda: Adam(0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-8),
             adam_rule(0.01, 0.9, 0.999, 1e-8),
             ("Adam", {"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-8})),
}


def run_ours(make, steps):
    optimizer = make()
    W, b = W0.copy(), B0.copy()
    gW, gb = np.zeros_like(W), np.zeros_like(b)
    for grads in GRADS[:steps]:
        gW[...], gb[...] = grads  # the model refills the same gradient arrays each step
        optimizer.step([(W, gW), (b, gb)])
    assert optimizer.iterations == steps
    return [W, b]


@pytest.mark.parametrize("steps", [1, 3])
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_follows_its_rule_worked_by_hand(name, steps):
    make, rule, _ = OPTIMIZERS[name]
    expected = rule([W0.copy(), B0.copy()], steps)
    for ours, theirs in zip(run_ours(make, steps), expected):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("steps", [1, 3])
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_matches_torch_optim(name, steps):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    make, _, (torch_name, kwargs) = OPTIMIZERS[name]
    params = [torch.tensor(W0.copy(), requires_grad=True),
              torch.tensor(B0.copy(), requires_grad=True)]
    optimizer = getattr(torch.optim, torch_name)(params, **kwargs)
    for grads in GRADS[:steps]:
        for p, g in zip(params, grads):
            p.grad = torch.tensor(g)
        optimizer.step()
    for ours, theirs in zip(run_ours(make, steps), params):
        np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=1e-12, atol=1e-15)


def test_one_step_with_numbers_worked_on_paper():
    """w = 1, g = 0.5 (then 0.5 again), learning rate 0.1."""
    def steps(optimizer, n):
        w, g = np.array([1.0]), np.array([0.5])
        for _ in range(n):
            optimizer.step([(w, g)])
        return float(w[0])

    # SGD: 1 - 0.1 * 0.5 = 0.95
    assert steps(SGD(0.1), 1) == pytest.approx(0.95, abs=1e-15)
    # momentum 0.9: v = 0.5, w = 0.95; v = 0.9 * 0.5 + 0.5 = 0.95, w = 0.95 - 0.095 = 0.855
    assert steps(SGD(0.1, momentum=0.9), 2) == pytest.approx(0.855, abs=1e-15)
    # Nesterov: v = 0.5, w = 1 - 0.1 * (0.5 + 0.9 * 0.5) = 0.905
    assert steps(SGD(0.1, momentum=0.9, nesterov=True), 1) == pytest.approx(0.905, abs=1e-15)
    # RMSprop rho 0.9: s = 0.1 * 0.25 = 0.025, w = 1 - 0.1 * 0.5 / sqrt(0.025)
    assert steps(RMSprop(0.1, rho=0.9, epsilon=1e-8), 1) == pytest.approx(
        1 - 0.05 / (math.sqrt(0.025) + 1e-8), abs=1e-15)
    # Adam: m_hat = 0.5, v_hat = 0.25, so the first step is lr * 0.5 / 0.5 = 0.1 (almost)
    assert steps(Adam(0.1), 1) == pytest.approx(1 - 0.1 * 0.5 / (0.5 + 1e-8), abs=1e-15)


def test_optimizers_update_in_place_and_keep_state_per_parameter():
    optimizer = Adam(0.1)
    w, g = np.zeros(3), np.ones(3)
    u, h = np.zeros(2), -np.ones(2)
    optimizer.step([(w, g), (u, h)])
    assert np.all(w < 0) and np.all(u > 0)
    assert [s["m"].shape for s in optimizer.state] == [(3,), (2,)]


def test_state_starts_again_when_the_parameters_change():
    optimizer = SGD(0.1, momentum=0.9)
    optimizer.step([(np.zeros(2), np.ones(2))])
    optimizer.step([(np.zeros(2), np.ones(2)), (np.zeros(4), np.ones(4))])
    assert [s["velocity"].tolist() for s in optimizer.state] == [[1.0, 1.0], [1.0] * 4]


@pytest.mark.parametrize("make", [v[0] for v in OPTIMIZERS.values()], ids=list(OPTIMIZERS))
def test_optimizer_config_round_trips(make):
    optimizer = make()
    copy = optimizers.from_config(optimizer.get_config())
    assert type(copy) is type(optimizer) and copy.get_config() == optimizer.get_config()


def test_optimizers_by_name():
    assert isinstance(optimizers.get("Adam"), Adam)
    assert isinstance(optimizers.get(" rmsprop "), RMSprop)
    with pytest.raises(UnknownNameError, match="Valid names: sgd, rmsprop, adam"):
        optimizers.get("adadelta")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: SGD(0.0), "learning_rate must be a finite number > 0"),
        (lambda: SGD(-1), "learning_rate"),
        (lambda: SGD(0.1, momentum=1.0), r"momentum must be in \[0, 1\)"),
        (lambda: SGD(0.1, nesterov=True), "nesterov=True.*needs a momentum"),
        (lambda: RMSprop(rho=1.5), r"rho must be in \[0, 1\)"),
        (lambda: Adam(beta_1=1.0), r"beta_1 must be in \[0, 1\)"),
        (lambda: Adam(beta_2=-0.1), r"beta_2 must be in \[0, 1\)"),
        (lambda: Adam(epsilon=0), "epsilon"),
    ],
)
def test_bad_optimizer_settings_are_clear_errors(make, message):
    with pytest.raises(ConfigError, match=message):
        make()


def test_every_optimizer_docstring_states_its_rule():
    assert "w = w - learning_rate * g" in SGD.__doc__
    assert "v = momentum * v + g" in SGD.__doc__
    assert "s = rho * s + (1 - rho) * g^2" in RMSprop.__doc__
    assert "m_hat = m / (1 - beta_1^t)" in Adam.__doc__


# ---------------------------------------------------------------------------
# initializers
# ---------------------------------------------------------------------------

RANDOM_INITIALIZERS = ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal"]
FAN_OUT, FAN_IN = 300, 500  # weights are (units, n_inputs): fan_out rows, fan_in columns


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", initializers.names())
def test_initializer_shape_and_dtype(name, dtype):
    w = initializers.get(name)((4, 7), np.random.default_rng(0), dtype)
    assert w.shape == (4, 7) and w.dtype == dtype
    b = initializers.get(name)((5,), np.random.default_rng(0), dtype)
    assert b.shape == (5,)


@pytest.mark.parametrize("name", RANDOM_INITIALIZERS)
def test_initializer_is_deterministic_for_a_seed(name):
    init = initializers.get(name)
    a = init((6, 5), np.random.default_rng(42), np.float64)
    b = init((6, 5), np.random.default_rng(42), np.float64)
    c = init((6, 5), np.random.default_rng(43), np.float64)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize(
    ("name", "limit"),
    [("glorot_uniform", math.sqrt(6 / (FAN_IN + FAN_OUT))), ("he_uniform", math.sqrt(6 / FAN_IN))],
)
def test_uniform_initializers_fill_their_limits(name, limit):
    w = initializers.get(name)((FAN_OUT, FAN_IN), np.random.default_rng(0), np.float64)
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.999 * limit  # 150,000 draws reach the edge
    assert abs(w.mean()) < 0.01 * limit
    # uniform on [-l, l] has variance l^2 / 3
    assert w.var() == pytest.approx(limit**2 / 3, rel=0.02)


@pytest.mark.parametrize(
    ("name", "std"),
    [("glorot_normal", math.sqrt(2 / (FAN_IN + FAN_OUT))), ("he_normal", math.sqrt(2 / FAN_IN))],
)
def test_normal_initializers_have_their_variance(name, std):
    w = initializers.get(name)((FAN_OUT, FAN_IN), np.random.default_rng(0), np.float64)
    assert abs(w.mean()) < 0.01 * std
    assert w.std() == pytest.approx(std, rel=0.01)


def test_glorot_and_he_variance_formulas():
    # Glorot: Var = 2 / (fan_in + fan_out); He: Var = 2 / fan_in
    rng = np.random.default_rng(1)
    shape = (FAN_OUT, FAN_IN)
    for name in ("glorot_uniform", "glorot_normal"):
        w = initializers.get(name)(shape, rng, np.float64)
        assert w.var() == pytest.approx(2 / (FAN_IN + FAN_OUT), rel=0.02), name
    for name in ("he_uniform", "he_normal"):
        w = initializers.get(name)(shape, rng, np.float64)
        assert w.var() == pytest.approx(2 / FAN_IN, rel=0.02), name


def test_zeros_and_ones():
    rng = np.random.default_rng(0)
    assert not initializers.get("zeros")((3, 2), rng, np.float64).any()
    assert (initializers.get("ones")((3, 2), rng, np.float64) == 1).all()


def test_initializer_names():
    assert initializers.get("xavier_uniform") is initializers.glorot_uniform
    assert initializers.get("Xavier_Normal") is initializers.glorot_normal
    with pytest.raises(UnknownNameError, match="Valid names: zeros, ones, glorot_uniform"):
        initializers.get("lecun_normal")
    with pytest.raises(UnknownNameError):
        Dense(3, kernel_initializer="orthogonal")


@pytest.mark.parametrize("name", RANDOM_INITIALIZERS)
def test_dense_layers_use_their_initializer_with_the_model_seed(name):
    model = Sequential([Dense(4, input_shape=(3,), kernel_initializer=name),
                        Dense(2, kernel_initializer=name, bias_initializer="ones")],
                       seed=7, dtype="float64")
    model.build()
    rng = np.random.default_rng(7)  # the model draws layer by layer, W then b
    init = initializers.get(name)
    np.testing.assert_array_equal(model.layers[0].W, init((4, 3), rng, np.float64))
    assert not model.layers[0].b.any()
    np.testing.assert_array_equal(model.layers[1].W, init((2, 4), rng, np.float64))
    assert (model.layers[1].b == 1).all()


@pytest.mark.parametrize("input_shape, torch_shape", [
    ((50,), (30, 50)),  # Dense(30) on 50 inputs
    ((28, 28, 1), (8, 1, 3, 3)),  # Conv2D(8, 3) on one channel
    ((12, 12, 6), (16, 6, 5, 5)),  # Conv2D(16, 5) on six
])
def test_fans_are_counted_as_pytorch_and_keras_count_them(input_shape, torch_shape):
    # Conv2D's fan_out is filters * kh * kw (every output position an input reaches), so
    # glorot_uniform's limit is torch.nn.init.xavier_uniform_'s on the same kernel
    torch = pytest.importorskip("torch")
    from neuronlab.layers import Conv2D

    layer = (Dense(torch_shape[0], input_shape=input_shape) if len(torch_shape) == 2 else
             Conv2D(torch_shape[0], torch_shape[2], input_shape=input_shape))
    fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(torch_shape))
    limit = math.sqrt(6 / (fan_in + fan_out))
    layer.build(input_shape, np.random.default_rng(0), np.float64)
    weights = layer.get_weights()[0]
    assert limit * 0.95 < np.abs(weights).max() <= limit


# ---------------------------------------------------------------------------
# Dropout
# ---------------------------------------------------------------------------


def built_dropout(rate: float, seed: int = 0) -> Dropout:
    layer = Dropout(rate)
    layer.build(50, np.random.default_rng(seed), np.float64)
    return layer


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_inverted_dropout_keeps_the_mean(rate):
    x = np.full((4000, 50), 3.0)
    out = built_dropout(rate).forward(x, training=True)
    dropped = out == 0
    assert dropped.mean() == pytest.approx(rate, abs=0.01)
    np.testing.assert_allclose(out[~dropped], 3.0 / (1 - rate))  # survivors scaled up
    assert out.mean() == pytest.approx(3.0, rel=0.02)


def test_dropout_is_off_at_predict():
    layer = built_dropout(0.5)
    x = np.random.default_rng(1).normal(size=(10, 50))
    np.testing.assert_array_equal(layer.forward(x, training=False), x)
    model = Sequential([Dense(8, input_shape=(3,)), Dropout(0.9), Dense(2)], seed=0)
    model.compile("sgd", "mse")
    X = np.ones((5, 3))
    np.testing.assert_array_equal(model.predict(X), model.predict(X))
    np.testing.assert_allclose(model.predict(X), model.forward(X.astype(np.float32)))


def test_dropout_gradient_passes_exactly_where_the_input_survived():
    layer = built_dropout(0.3)
    x = np.random.default_rng(2).normal(size=(20, 50)) + 5  # never 0 before dropout
    out = layer.forward(x, training=True)
    grad = np.random.default_rng(3).normal(size=out.shape)
    back = layer.backward(grad)
    kept = out != 0
    np.testing.assert_allclose(back[kept], grad[kept] / 0.7)
    assert not back[~kept].any()
    np.testing.assert_allclose(back, grad * out / x)  # the same mask as forward


def test_dropout_rate_zero_and_backward_after_predict_pass_through():
    layer = built_dropout(0.0)
    x = np.ones((2, 50))
    assert layer.forward(x, training=True) is x
    layer = built_dropout(0.5)
    layer.forward(x, training=False)
    g = np.full((2, 50), 2.0)
    np.testing.assert_array_equal(layer.backward(g), g)


def test_dropout_masks_are_reproducible_by_seed():
    X = np.random.default_rng(0).normal(size=(64, 3))
    y = X.sum(axis=1)

    def train(seed):
        model = Sequential([Dense(16, activation="relu", input_shape=(3,)), Dropout(0.5),
                            Dense(1)], seed=0)
        model.compile(SGD(0.01), "mse")
        model.fit(X, y, epochs=3, batch_size=16, verbose=0, seed=seed)
        return model.get_neuron_weights()

    for a, b in zip(train(1), train(1)):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(train(1)[0], train(2)[0])


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5])
def test_bad_dropout_rate_is_a_clear_error(rate):
    with pytest.raises(ConfigError, match=r"Dropout rate must be in \[0, 1\)"):
        Dropout(rate)
