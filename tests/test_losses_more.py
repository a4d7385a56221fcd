"""Huber, hinge and KL divergence: values and gradients equal PyTorch's, names as Keras."""

from __future__ import annotations

import numpy as np
import pytest

from neuronlab import losses

torch = pytest.importorskip("torch")
F = torch.nn.functional


def _torch_value_and_grad(fn, y_pred, y_true):
    p = torch.tensor(y_pred, requires_grad=True)
    value = fn(p, torch.tensor(y_true))
    value.backward()
    return value.item(), p.grad.numpy()


def test_huber_matches_torch():
    rng = np.random.default_rng(0)
    y_pred, y_true = rng.normal(size=(8, 3)) * 2, rng.normal(size=(8, 3))
    for delta in (1.0, 0.5, 2.5):
        loss = losses.get("huber", delta=delta)
        value, grad = _torch_value_and_grad(
            lambda p, t, d=delta: F.huber_loss(p, t, delta=d), y_pred, y_true)
        assert loss.value(y_pred, y_true) == pytest.approx(value, rel=1e-12)
        np.testing.assert_allclose(loss.gradient(y_pred, y_true), grad, rtol=1e-12)
    assert losses.get("huber_loss").delta == 1.0


def test_hinge_matches_the_formula_in_torch_and_reads_0_1_labels_as_minus_1_1():
    rng = np.random.default_rng(1)
    y_pred = rng.normal(size=(10, 1))
    signed = rng.choice([-1.0, 1.0], size=(10, 1))
    value, grad = _torch_value_and_grad(lambda p, t: torch.clamp(1 - t * p, min=0).mean(),
                                        y_pred, signed)
    loss = losses.get("hinge")
    assert loss.value(y_pred, signed) == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(loss.gradient(y_pred, signed), grad, rtol=1e-12)
    zero_one = (signed + 1) / 2
    assert loss.value(y_pred, zero_one) == pytest.approx(value, rel=1e-12)


def test_kl_divergence_matches_torch():
    rng = np.random.default_rng(2)
    y_pred = rng.dirichlet(np.ones(4), size=6)
    y_true = rng.dirichlet(np.ones(4), size=6)
    value, grad = _torch_value_and_grad(
        lambda p, t: F.kl_div(torch.log(p), t, reduction="batchmean"), y_pred, y_true)
    loss = losses.get("kld")
    assert isinstance(loss, losses.KLDivergence)
    assert loss.value(y_pred, y_true) == pytest.approx(value, rel=1e-10)
    np.testing.assert_allclose(loss.gradient(y_pred, y_true), grad, rtol=1e-10)


@pytest.mark.parametrize("name", ["huber", "hinge", "kl_divergence"])
def test_config_round_trip(name):
    loss = losses.get(name)
    again = losses.from_config(loss.get_config())
    assert type(again) is type(loss)
