"""neuronlab computes what PyTorch computes: forward, gradients, one SGD step, to_torch.

Random ``Sequential`` models (1 to 4 Dense layers, every activation, each loss) are
rebuilt by hand in PyTorch with the same weights; in float64 their outputs, loss
values, gradients and the weights after one SGD step agree to 1e-6. Without PyTorch
these tests are skipped (tests/test_core.py checks the same gradients against finite
differences), except the one for the error ``to_torch`` then raises.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass

import numpy as np
import pytest

from neuronlab import SGD, Dense, Dropout, Sequential, activations, losses
from neuronlab.layers import Layer

try:
    import torch
except ImportError:  # the parity tests skip; the missing-PyTorch error is still tested
    torch = None
nn = torch.nn if torch is not None else None
requires_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

TOL = 1e-6  # relative; and 1e-10 absolute, far inside the 1e-6 asked for
ATOL = 1e-10
ACTIVATIONS = ["linear", "relu", "leaky_relu", "sigmoid", "tanh", "step", "softmax", "elu",
               "selu", "gelu", "silu", "softplus"]
LOSSES = ["mse", "binary_crossentropy", "categorical_crossentropy"]


def close(actual, expected, what: str) -> None:
    if isinstance(expected, torch.Tensor):
        expected = expected.detach().numpy()
    np.testing.assert_allclose(actual, expected, rtol=TOL, atol=ATOL, err_msg=what)


# ---------------------------------------------------------------------------
# a random model and its PyTorch twin, built independently
# ---------------------------------------------------------------------------


def activation(name: str) -> activations.Activation:
    return activations.LeakyReLU(0.2) if name == "leaky_relu" else activations.get(name)


def torch_activation(name: str) -> nn.Module | None:
    """PyTorch's module for each activation, written out here (not via to_torch)."""

    class Step(nn.Module):
        def forward(self, z):
            return (z > 0).to(z.dtype)

    return {
        "linear": None,
        "relu": nn.ReLU(),
        "leaky_relu": nn.LeakyReLU(0.2),
        "sigmoid": nn.Sigmoid(),
        "tanh": nn.Tanh(),
        "step": Step(),
        "softmax": nn.Softmax(dim=1),
        "elu": nn.ELU(),
        "selu": nn.SELU(),
        "gelu": nn.GELU(),
        "silu": nn.SiLU(),
        "softplus": nn.Softplus(),
    }[name]


@dataclass
class Case:
    model: Sequential
    twin: nn.Sequential
    loss: losses.Loss
    X: np.ndarray
    Y: np.ndarray


def output_for(loss_name: str, hidden: str, seed: int) -> tuple[str, losses.Loss]:
    """The last layer's activation and the loss (alternating the fused and logits forms)."""
    logits = seed % 2 == 1
    if loss_name == "mse":
        # every activation at the output too, except step (nothing to learn through it)
        return ("linear" if hidden == "step" else hidden), losses.MeanSquaredError()
    if loss_name == "binary_crossentropy":
        return ("linear" if logits else "sigmoid"), losses.BinaryCrossentropy(logits)
    return ("linear" if logits else "softmax"), losses.CategoricalCrossentropy(logits)


def make_case(hidden: str, loss_name: str, depth: int, seed: int) -> Case:
    rng = np.random.default_rng([seed, depth, ACTIVATIONS.index(hidden), LOSSES.index(loss_name)])
    n, n_in = 7, int(rng.integers(1, 6))
    out_activation, loss = output_for(loss_name, hidden, seed)
    # a softmax over one unit is the constant 1 (no gradient), so softmax gets >= 2 units
    k = int(rng.integers(2 if "softmax" in (out_activation, loss.pairs_with) else 1, 5))
    sizes = [int(rng.integers(2, 7)) for _ in range(depth - 1)] + [k]
    acts = [hidden] * (depth - 1) + [out_activation]
    layers: list[Layer] = [Dense(units, activation=activation(a)) for units, a in zip(sizes, acts)]
    model = Sequential(layers, seed=seed, dtype="float64")
    model.build(n_in)
    weights = []
    for layer in layers:  # biases too, so a zero start cannot hide a mistake
        assert isinstance(layer, Dense)
        weights += [layer.W, rng.normal(scale=0.5, size=layer.units)]
    model.set_neuron_weights(weights)
    model.compile(SGD(learning_rate=0.1), loss)

    modules: list[nn.Module] = []
    fan_in = n_in
    for layer, a in zip(layers, acts):
        linear = nn.Linear(fan_in, layer.units, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(layer.W))
            linear.bias.copy_(torch.tensor(layer.b))
        modules.append(linear)
        if (module := torch_activation(a)) is not None:
            modules.append(module)
        fan_in = layer.units

    X = rng.normal(size=(n, n_in))
    if loss_name == "mse":
        Y = rng.normal(size=(n, k))
    elif loss_name == "binary_crossentropy":
        Y = rng.integers(0, 2, size=(n, k)).astype(np.float64)
    else:
        Y = np.eye(k)[rng.integers(0, k, size=n)]
    return Case(model, nn.Sequential(*modules), loss, X, Y)


def torch_loss(loss: losses.Loss, out, Y):
    """PyTorch's own loss functions, matched to neuronlab's loss and its from_logits."""
    F = nn.functional
    if isinstance(loss, losses.MeanSquaredError):
        return F.mse_loss(out, Y)
    if isinstance(loss, losses.BinaryCrossentropy):
        return F.binary_cross_entropy_with_logits(out, Y) if loss.from_logits else \
            F.binary_cross_entropy(out, Y)
    log_p = F.log_softmax(out, dim=1) if loss.from_logits else torch.log(out)
    return -(Y * log_p).sum(dim=1).mean()


CASES = [
    (hidden, loss, depth, seed)
    for hidden in ACTIVATIONS
    for loss in LOSSES
    for depth in (1, 2, 3, 4)
    for seed in (0, 1)
]


def case_id(case) -> str:
    hidden, loss, depth, seed = case
    return f"{hidden}-{loss}-depth{depth}-seed{seed}"


# ---------------------------------------------------------------------------
# parity
# ---------------------------------------------------------------------------


@requires_torch
@pytest.mark.parametrize("spec", CASES, ids=case_id)
def test_forward_matches_pytorch(spec):
    case = make_case(*spec)
    expected = case.twin(torch.tensor(case.X))
    close(case.model.predict(case.X), expected, "forward output")


@requires_torch
@pytest.mark.parametrize("spec", CASES, ids=case_id)
def test_loss_gradients_and_one_sgd_step_match_pytorch(spec):
    case = make_case(*spec)
    X, Y = torch.tensor(case.X), torch.tensor(case.Y)
    optimizer = torch.optim.SGD(case.twin.parameters(), lr=0.1)
    optimizer.zero_grad()
    expected_loss = torch_loss(case.loss, case.twin(X), Y)
    expected_loss.backward()
    linears = [m for m in case.twin if isinstance(m, nn.Linear)]
    expected_grads = [
        (p.grad if p.grad is not None else torch.zeros_like(p))  # None: no path (step)
        for linear in linears for p in (linear.weight, linear.bias)
    ]
    optimizer.step()

    loss_value = case.model.train_step(case.X, case.Y)

    close(loss_value, expected_loss, "loss value")
    dense = [layer for layer in case.model.layers if isinstance(layer, Dense)]
    grads = [g for layer in dense for g in (layer.grad_W, layer.grad_b)]
    for i, (grad, expected) in enumerate(zip(grads, expected_grads)):
        close(grad, expected, f"gradient {i}")
    for i, (weight, linear) in enumerate(zip(dense, linears)):
        close(weight.W, linear.weight, f"W{i} after one step")
        close(weight.b, linear.bias, f"b{i} after one step")


def test_every_activation_and_loss_is_covered():
    hidden = {h for h, _, depth, _ in CASES if depth > 1}
    outputs = {output_for(loss, h, seed)[0] for h, loss, _, seed in CASES}
    assert hidden == set(activations.names())
    assert outputs >= {"linear", "relu", "leaky_relu", "sigmoid", "tanh", "softmax"}
    logits = {(loss, output_for(loss, "relu", seed)[1].from_logits)
              for _, loss, _, seed in CASES}
    assert logits == {("mse", False), ("binary_crossentropy", False),
                      ("binary_crossentropy", True), ("categorical_crossentropy", False),
                      ("categorical_crossentropy", True)}


@requires_torch
def test_l2_penalty_matches_pytorch_weight_term():
    case = make_case("tanh", "mse", 3, 0)
    for layer in case.model.layers:
        layer.l2 = 0.01
    X, Y = torch.tensor(case.X), torch.tensor(case.Y)
    linears = [m for m in case.twin if isinstance(m, nn.Linear)]
    loss = torch_loss(case.loss, case.twin(X), Y) + sum(0.01 * (m.weight**2).sum()
                                                       for m in linears)
    loss.backward()
    close(case.model.train_step(case.X, case.Y), loss, "loss with L2")
    for layer, linear in zip(case.model.layers, linears):
        close(layer.grad_W, linear.weight.grad, "gradient with L2")


# ---------------------------------------------------------------------------
# to_torch
# ---------------------------------------------------------------------------


def trained_model(dtype: str = "float64") -> tuple[Sequential, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] + X[:, 1] ** 2 > 0.5).astype(int) + (X[:, 2] > 1).astype(int)
    model = Sequential(
        [Dense(6, activation="relu", input_shape=(3,)), Dropout(0.3),
         Dense(5, activation=activations.LeakyReLU(0.1)), Dense(4, activation="tanh"),
         Dense(4, activation="sigmoid"), Dense(3, activation="softmax")],
        seed=1, dtype=dtype,
    )
    model.compile(SGD(0.1), "categorical_crossentropy")
    model.fit(X, y, epochs=2, verbose=0, seed=0)
    return model, X, np.eye(3)[y]


@requires_torch
def test_to_torch_exports_an_equivalent_sequential():
    model, X, _ = trained_model()
    exported = model.to_torch()
    assert isinstance(exported, nn.Sequential)
    assert [type(m).__name__ for m in exported] == [
        "Linear", "ReLU", "Dropout", "Linear", "LeakyReLU", "Linear", "Tanh", "Linear",
        "Sigmoid", "Linear", "Softmax"]
    assert exported[2].p == 0.3 and exported[4].negative_slope == 0.1 and exported[10].dim == 1
    assert all(p.dtype == torch.float64 for p in exported.parameters())
    assert not exported.training  # like predict: dropout off
    with torch.no_grad():
        close(model.predict(X), exported(torch.tensor(X)), "to_torch forward")
    # copies, not views: training the export leaves the model alone
    before = model.layers[0].W.copy()
    with torch.no_grad():
        exported[0].weight += 1
    np.testing.assert_array_equal(model.layers[0].W, before)


@requires_torch
def test_to_torch_export_trains_like_the_model():
    model, X, Y = trained_model()
    model.layers[1].rate = 0.0  # a dropout mask cannot be shared between libraries
    exported = model.to_torch().train()
    exported[2].p = 0.0
    optimizer = torch.optim.SGD(exported.parameters(), lr=0.1)
    for _ in range(3):
        optimizer.zero_grad()
        out = exported(torch.tensor(X))
        (-(torch.tensor(Y) * torch.log(out)).sum(1).mean()).backward()
        optimizer.step()
        model.train_step(X, Y)
    with torch.no_grad():
        close(model.predict(X), exported.eval()(torch.tensor(X)), "after three steps")


@requires_torch
def test_to_torch_float32_model_gives_float32_modules():
    model, X, _ = trained_model("float32")
    exported = model.to_torch()
    assert all(p.dtype == torch.float32 for p in exported.parameters())
    with torch.no_grad():
        out = exported(torch.tensor(X, dtype=torch.float32)).numpy()
    np.testing.assert_allclose(model.predict(X), out, rtol=1e-5, atol=1e-6)


@requires_torch
def test_to_torch_step_and_linear_layers():
    model = Sequential([Dense(2, activation="step"), Dense(1)], dtype="float64")
    model.set_neuron_weights([[[1.0, -1.0], [0.5, 0.5]], [0.0, -1.0], [[2.0, 3.0]], [0.5]])
    exported = model.to_torch()
    assert [type(m).__name__ for m in exported] == ["Linear", "Step", "Linear"]
    X = np.array([[1.0, 0.0], [0.0, 1.0], [3.0, 1.0]])
    close(model.predict(X), exported(torch.tensor(X)), "step forward")


def test_to_torch_without_pytorch_says_how_to_install(monkeypatch):
    from neuronlab.errors import NeuronlabError
    from neuronlab.torch_bridge import TorchNotInstalledError

    real_import = builtins.__import__

    def no_torch(name, *args, **kwargs):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError("No module named 'torch'", name="torch")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    model, _, _ = trained_model()
    with pytest.raises(TorchNotInstalledError, match="pip install torch") as info:
        model.to_torch()
    assert isinstance(info.value, ImportError) and isinstance(info.value, NeuronlabError)


@requires_torch
def test_to_torch_needs_weights():
    from neuronlab import NotFittedError

    with pytest.raises(NotFittedError, match="weights"):
        Sequential([Dense(2)]).to_torch()


@requires_torch
def test_to_torch_refuses_a_layer_that_computes_its_own_forward():
    # a Dense subclass with its own forward would export as a plain Linear: other numbers
    from neuronlab import ConfigError

    class Doubled(Dense):
        def forward(self, x, training=False):
            return 2 * super().forward(x, training)

    model = Sequential([Doubled(2, input_shape=(3,))], seed=0)
    with pytest.raises(ConfigError, match="Doubled computes its own forward"):
        model.to_torch()

    class Named(Dense):  # a subclass that only renames computes Dense's forward
        pass

    exported = Sequential([Named(2, input_shape=(3,))], seed=0).to_torch()
    assert [type(m).__name__ for m in exported] == ["Linear"]
