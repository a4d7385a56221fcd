"""Losses: values by hand, gradients against finite differences, log(0) guarded."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from neuronlab import (
    gradcheck,
    losses,
)

EXTREME = np.array([-1000.0, -50.0, -1.0, 0.0, 1.0, 50.0, 1000.0])


# ---------------------------------------------------------------- losses
@pytest.mark.parametrize("name", losses.names())
def test_loss_gradients_match_finite_differences(name):
    result = gradcheck.check_loss(name)
    assert result.passed, str(result)


@pytest.mark.parametrize("loss", [losses.BinaryCrossentropy(from_logits=True),
                                  losses.CategoricalCrossentropy(from_logits=True)])
def test_logit_losses_gradients(loss):
    assert gradcheck.check_loss(loss).passed


def test_cross_entropy_guards_log_zero():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bce = losses.get("binary_crossentropy").value(np.array([[0.0], [1.0]]),
                                                      np.array([[1.0], [0.0]]))
        cce = losses.get("categorical_crossentropy").value(np.array([[0.0, 1.0]]),
                                                           np.array([[1.0, 0.0]]))
        logits = losses.CategoricalCrossentropy(from_logits=True).value(
            np.array([[1000.0, -1000.0]]), np.array([[0.0, 1.0]]))
        blogits = losses.BinaryCrossentropy(from_logits=True).value(
            np.array([[1000.0], [-1000.0]]), np.array([[0.0], [1.0]]))
    assert all(np.isfinite(v) for v in (bce, cce, logits, blogits))
    assert logits == pytest.approx(2000.0)
    assert blogits == pytest.approx(1000.0)


def test_cross_entropy_values_by_hand():
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])
    y = np.array([[1.0, 0, 0], [0, 1.0, 0]])
    expected = -(np.log(0.7) + np.log(0.8)) / 2
    assert losses.get("categorical_crossentropy")(y, p) == pytest.approx(expected)
    assert losses.get("bce")([[1.0], [0.0]], [[0.9], [0.2]]) == pytest.approx(
        -(np.log(0.9) + np.log(0.8)) / 2)
