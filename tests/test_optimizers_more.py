"""Adagrad, AdamW, Nadam and Adamax: 20 steps equal torch.optim's, with Keras's names."""

from __future__ import annotations

import numpy as np
import pytest

from neuronlab import optimizers

torch = pytest.importorskip("torch")

CASES = {
    "adagrad": (dict(learning_rate=0.05, initial_accumulator_value=0.1, epsilon=1e-7),
                lambda p: torch.optim.Adagrad(p, lr=0.05, initial_accumulator_value=0.1,
                                              eps=1e-7)),
    "adamw": (dict(learning_rate=0.01, weight_decay=0.05, epsilon=1e-7),
              lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.05, eps=1e-7)),
    "nadam": (dict(learning_rate=0.01, epsilon=1e-7),
              lambda p: torch.optim.NAdam(p, lr=0.01, eps=1e-7)),
    "adamax": (dict(learning_rate=0.01, epsilon=1e-7),
               lambda p: torch.optim.Adamax(p, lr=0.01, eps=1e-7)),
}


@pytest.fixture
def torch_float64():
    """torch.optim keeps its step counts and NAdam's momentum product in the default
    dtype: float64 here, as our arithmetic."""
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(before)


@pytest.mark.parametrize("name", sorted(CASES))
def test_twenty_steps_match_torch(name, torch_float64):
    kwargs, make_torch = CASES[name]
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(3, 4)), rng.normal(size=(4,))]
    ours = optimizers.get(name, **kwargs)
    assert type(ours).torch == make_torch([torch.zeros(1, requires_grad=True)]).__class__.__name__
    theirs = [torch.tensor(w.copy(), requires_grad=True) for w in weights]
    opt = make_torch(theirs)
    for step in range(20):
        grads = [np.sin(w * (step + 1)) + 0.1 * w for w in weights]  # any fixed gradient rule
        ours.step([(w, g) for w, g in zip(weights, grads)])
        for t, g in zip(theirs, grads):
            t.grad = torch.tensor(g)
        opt.step()
    for w, t in zip(weights, theirs):
        np.testing.assert_allclose(w, t.detach().numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", sorted(CASES))
def test_keras_defaults_and_config_round_trip(name):
    opt = optimizers.get(name)
    assert opt.learning_rate == 0.001
    again = optimizers.from_config(opt.get_config())
    assert type(again) is type(opt) and again.get_config() == opt.get_config()


def test_a_model_trains_with_each():
    from neuronlab import Dense, Sequential, datasets

    X, y = datasets.xor()
    for name in CASES:
        model = Sequential([Dense(8, activation="tanh", input_shape=(2,)),
                            Dense(1, activation="sigmoid")], seed=0)
        model.compile(optimizer=optimizers.get(name, learning_rate=0.05),
                      loss="binary_crossentropy")
        history = model.fit(X, y, epochs=300, verbose=0)
        assert history.history["loss"][-1] < history.history["loss"][0] / 2, name
