"""Activations: each forward/derivative pair, checked numerically and by formula."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from neuronlab import (
    activations,
    gradcheck,
)

EXTREME = np.array([-1000.0, -50.0, -1.0, 0.0, 1.0, 50.0, 1000.0])


# ---------------------------------------------------------------- activations
@pytest.mark.parametrize("name", activations.names())
def test_activation_gradients_match_finite_differences(name):
    result = gradcheck.check_activation(name)
    assert result.passed, str(result)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softmax", "relu", "leaky_relu", "step"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activations_are_finite_without_warnings_at_extremes(name, dtype):
    act = activations.get(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = act.forward(EXTREME.astype(dtype).reshape(1, -1))
        d = act.derivative(EXTREME.astype(dtype).reshape(1, -1))
    assert np.isfinite(y).all() and np.isfinite(d).all()


def test_sigmoid_values():
    s = activations.get("sigmoid")
    y = s.forward(EXTREME.copy())
    assert y[3] == 0.5
    assert y[0] == 0.0 and y[-1] == 1.0
    assert ((y >= 0) & (y <= 1)).all()
    np.testing.assert_allclose(s.forward(np.array([-30.0])), [1 / (1 + np.exp(30.0))], rtol=1e-12)


def test_softmax_rows_sum_to_one_even_at_extremes():
    sm = activations.get("softmax")
    z = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    y = sm.forward(z)
    np.testing.assert_allclose(y.sum(axis=1), 1.0)
    np.testing.assert_allclose(y[0], [1.0, 0.0, 0.0])


@given(arrays(np.float64, (3, 4), elements=st.floats(-500, 500)))
@settings(max_examples=50, deadline=None)
def test_softmax_is_shift_invariant_and_positive(z):
    sm = activations.get("softmax")
    np.testing.assert_allclose(sm.forward(z), sm.forward(z + 7.0), atol=1e-12)
    assert (sm.forward(z) >= 0).all()


def test_step_and_relu_definitions():
    z = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_array_equal(activations.get("step").forward(z), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(activations.get("relu").forward(z), [0.0, 0.0, 2.0])
    np.testing.assert_array_equal(activations.get("relu").derivative(z), [0.0, 0.0, 1.0])
    np.testing.assert_allclose(activations.get("leaky_relu").forward(z), [-0.01, 0.0, 2.0])


def test_activation_derivatives_by_formula():
    z = np.linspace(-3, 3, 13)
    s = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(activations.get("sigmoid").derivative(z), s * (1 - s))
    np.testing.assert_allclose(activations.get("tanh").derivative(z), 1 - np.tanh(z) ** 2)
    np.testing.assert_array_equal(activations.get("linear").derivative(z), np.ones_like(z))
