"""ELU, SELU, GELU, SiLU (swish) and Softplus: values and slopes equal PyTorch's."""

from __future__ import annotations

import numpy as np
import pytest

from neuronlab import activations

torch = pytest.importorskip("torch")

NEW = {"elu": "ELU", "selu": "SELU", "gelu": "GELU", "silu": "SiLU", "softplus": "Softplus"}


@pytest.mark.parametrize("name", sorted(NEW))
def test_value_and_gradient_match_torch(name):
    z = np.concatenate([np.linspace(-6, 6, 97), [-30.0, -1e-3, 0.0, 1e-3, 30.0]])
    act = activations.get(name)
    module = getattr(torch.nn, NEW[name])(**act.torch_kwargs())
    assert type(act).torch == NEW[name]
    zt = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    yt = module(zt)
    grad_y = np.random.default_rng(0).normal(size=z.shape)
    yt.backward(torch.tensor(grad_y))
    np.testing.assert_allclose(act.forward(z), yt.detach().numpy(), rtol=1e-12, atol=1e-14)
    y = act.forward(z)
    np.testing.assert_allclose(act.backward(grad_y, z, y), zt.grad.numpy(), rtol=1e-10,
                               atol=1e-14)


def test_swish_is_silu_and_elu_takes_alpha():
    assert isinstance(activations.get("swish"), activations.SiLU)
    elu = activations.get("elu", alpha=0.5)
    z = np.array([-2.0, 3.0])
    expected = torch.nn.ELU(alpha=0.5)(torch.tensor(z)).numpy()
    np.testing.assert_allclose(elu(z), expected)
    assert activations.from_config(elu.get_config()).alpha == 0.5


@pytest.mark.parametrize("name", sorted(NEW))
def test_float32_stays_float32_and_finite(name):
    z = np.array([-1000.0, -5.0, 0.0, 5.0, 1000.0], dtype=np.float32)
    act = activations.get(name)
    y = act.forward(z)
    assert y.dtype == np.float32 and np.isfinite(y).all()
    assert act.derivative(z).dtype == np.float32 and np.isfinite(act.derivative(z)).all()


@pytest.mark.parametrize("name", sorted(NEW))
def test_a_dense_layer_with_it_matches_torch_after_training(name):
    """A small network with the activation trains to the same weights as PyTorch."""
    from neuronlab import SGD, Dense, Sequential

    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(16, 3)), rng.normal(size=(16, 1))
    model = Sequential([Dense(5, activation=name, input_shape=(3,)), Dense(1)], seed=0,
                       dtype="float64")
    model.compile(optimizer=SGD(learning_rate=0.1), loss="mse")
    net = model.to_torch()
    model.fit(X, y, epochs=5, batch_size=16, shuffle=False, verbose=0)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    for _ in range(5):
        opt.zero_grad()
        torch.nn.functional.mse_loss(net(Xt), yt).backward()
        opt.step()
    np.testing.assert_allclose(model.predict(X), net(Xt).detach().numpy(), atol=1e-10)
