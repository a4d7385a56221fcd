"""Layers: Dense and Dropout forward and backward, checked against the math."""

from __future__ import annotations

import numpy as np
import pytest

from neuronlab import (
    Dense,
    Dropout,
    activations,
    gradcheck,
)

EXTREME = np.array([-1000.0, -50.0, -1.0, 0.0, 1.0, 50.0, 1000.0])


# ---------------------------------------------------------------- layers
@pytest.mark.parametrize("activation", activations.names())
def test_dense_gradients_for_every_activation(activation):
    if activation == "step":
        pytest.importorskip("numpy")  # step has zero gradient: still checked below
    layer = Dense(3, activation=activation, input_shape=(4,), l2=0.01)
    result = gradcheck.check_layer(layer)
    assert result.passed, str(result)


def test_dropout_gradient_and_scaling():
    assert gradcheck.check_layer(Dropout(0.4), np.random.default_rng(0).normal(size=(6, 5))).passed
    layer = Dropout(0.5)
    layer.build(1000, np.random.default_rng(0), np.float64)
    x = np.ones((200, 1000))
    out = layer.forward(x, training=True)
    assert set(np.unique(out)) <= {0.0, 2.0}
    assert out.mean() == pytest.approx(1.0, abs=0.02)
    np.testing.assert_array_equal(layer.forward(x, training=False), x)


def test_dense_forward_backward_shapes_and_formulas():
    rng = np.random.default_rng(0)
    layer = Dense(3, activation="linear", input_shape=(4,))
    layer.build(4, rng, np.float64)
    x = rng.normal(size=(5, 4))
    g = rng.normal(size=(5, 3))
    y = layer.forward(x)
    assert y.shape == (5, 3)
    gx = layer.backward(g)
    np.testing.assert_allclose(layer.grad_W, g.T @ x)
    np.testing.assert_allclose(layer.grad_b, g.sum(0))
    np.testing.assert_allclose(gx, g @ layer.W)


def test_l1_penalty_gradient_and_saved_config():
    layer = Dense(3, activation="tanh", input_shape=(4,), l1=0.05, l2=0.01)
    result = gradcheck.check_layer(layer)
    assert result.passed, str(result)
    W = layer.W
    assert layer.penalty() == pytest.approx(0.05 * np.abs(W).sum() + 0.01 * (W * W).sum(),
                                            rel=1e-6)
    from neuronlab.layers import from_config

    again = from_config(layer.get_config())
    assert isinstance(again, Dense) and again.l1 == 0.05 and again.l2 == 0.01
    assert "l1" not in Dense(2).get_config()  # files without L1 keep their old form
