"""gradcheck gives no false alarms on correct networks and always catches real bugs.

A central difference is off by truncation (``h² L'''``) and rounding (``eps |L| / h``);
``gradcheck`` bounds both per number and leaves out numbers whose nudge crosses a ReLU
kink. Measured here: over 100 random correct networks (ReLU, leaky ReLU, sigmoid, tanh;
1 to 3 hidden layers of 2 to 16 units; MSE, binary and categorical cross-entropy; some
trained to a small loss, some with L2) none is flagged, and four backprop bugs injected
into a layer's ``backward`` (a transposed weight gradient, a halved one, a missing bias
gradient, a flipped sign) are flagged on every network they change.
"""

from __future__ import annotations

import numpy as np
import pytest

from neuronlab import SGD, Dense, Sequential, activations, gradcheck
from neuronlab.activations import ELU
from neuronlab.layers import Layer, MaxPool2D

HIDDEN = ["relu", "leaky_relu", "sigmoid", "tanh"]


def _activation(name: str) -> activations.Activation:
    return activations.LeakyReLU(0.1) if name == "leaky_relu" else activations.get(name)


def random_case(seed: int, square: bool = False):
    """A random compiled network with data; ``square`` puts a units == inputs layer
    named "buggy" in the middle (the one bugs are injected into)."""
    rng = np.random.default_rng(seed)
    n_in = int(rng.integers(1, 5))
    hidden = HIDDEN[seed % 4]
    loss = ["mse", "binary_crossentropy", "categorical_crossentropy"][(seed // 4) % 3]
    widths = [int(rng.integers(2, 17)) for _ in range(int(rng.integers(1, 4)))]
    if square:
        widths = [widths[0], widths[0], *widths[1:]]
    n = int(rng.integers(4, 33))
    X = rng.normal(0, float(rng.choice([0.5, 1.0, 3.0])), size=(n, n_in))
    l2 = float(rng.choice([0.0, 0.0, 1e-3]))
    layers: list[Layer] = [Dense(widths[0], activation=_activation(hidden), input_shape=(n_in,),
                                 l2=l2)]
    for k, w in enumerate(widths[1:]):
        layers.append(Dense(w, activation=_activation(hidden), l2=l2,
                            name="buggy" if square and k == 0 else None))
    if loss == "mse":
        out = int(rng.integers(1, 3))
        layers.append(Dense(out))
        y = rng.normal(size=(n, out))
    elif loss == "binary_crossentropy":
        layers.append(Dense(1, activation="sigmoid"))
        y = rng.integers(0, 2, n)
    else:
        layers.append(Dense(3, activation="softmax"))
        y = rng.integers(0, 3, n)
    model = Sequential(layers, seed=seed, dtype="float64")
    model.compile(optimizer=SGD(learning_rate=0.1), loss=loss)
    model.build(n_in, seed=seed)
    if seed % 5 == 4:  # a trained model: a small loss, where rounding matters most
        model.fit(X, y, epochs=300, batch_size=n, verbose=0)
    return model, X, y


def test_no_correct_model_is_flagged_over_100_random_networks():
    flagged, ratios, kinks = [], [], 0
    for seed in range(100):
        model, X, y = random_case(seed)
        result = gradcheck.check_model(model, X, y)
        ratios.append(result.max_ratio)
        kinks += result.at_kinks
        if not result.passed:
            flagged.append(f"seed {seed}: {result}")
        assert result.checked + result.at_kinks == model.count_params()
    assert flagged == []
    # not passed by a loose bound: the closest call stays well inside it
    assert max(ratios) < 0.5, max(ratios)


def _bugs():
    def transposed(layer):
        layer.grad_W = layer.grad_W.T.copy()

    def halved(layer):
        layer.grad_W = layer.grad_W * 0.5

    def no_bias(layer):
        layer.grad_b = np.zeros_like(layer.grad_b)

    def sign(layer):
        layer.grad_W = -layer.grad_W

    return {"transposed": transposed, "halved": halved, "missing bias": no_bias,
            "sign flip": sign}


@pytest.mark.parametrize("bug", list(_bugs()))
def test_a_real_backprop_bug_is_always_flagged(bug, monkeypatch):
    spoil = _bugs()[bug]
    correct_backward = Dense.backward
    changed: set[str] = set()

    def buggy_backward(self, grad_y, need_input_grad=True, grad_is_z=False):
        out = correct_backward(self, grad_y, need_input_grad, grad_is_z)
        if self.name == "buggy":
            before = {"W": self.grad_W.copy(), "b": self.grad_b.copy()}
            spoil(self)
            after = {"W": self.grad_W, "b": self.grad_b}
            changed.clear()  # where the bug moved a gradient, named as gradcheck names them
            for kind in "Wb":
                for index in zip(*np.nonzero(np.abs(before[kind] - after[kind]) > 1e-8)):
                    changed.add(f"layer 2 {kind}[{', '.join(str(int(i)) for i in index)}]")
        return out

    monkeypatch.setattr(Dense, "backward", buggy_backward)
    missed, tried = [], 0
    for seed in range(40):
        model, X, y = random_case(seed, square=True)
        changed.clear()
        result = gradcheck.check_model(model, X, y)
        if not changed - set(result.kinks):
            # a dead layer (gradients 0, the bug changes nothing), or the bug only moved
            # numbers gradcheck reports as "at a kink, not checked"
            continue
        tried += 1
        if result.passed:
            missed.append(f"seed {seed}: {result}")
        else:
            assert "DO NOT match" in str(result) and "layer 2" in result.worst
    assert missed == []
    assert tried >= 30  # the bug really changed the gradients of most networks


def test_a_kink_is_reported_not_checked():
    # one ReLU neuron whose pre-activation is exactly 0 for the first sample: every
    # nudge of its weight or bias, however small, crosses the kink
    model = Sequential([Dense(1, activation="relu", input_shape=(1,)), Dense(1)],
                       dtype="float64")
    model.compile(optimizer="sgd", loss="mse")
    X = np.array([[1.0], [2.0]])
    model.build(1)
    model.layers[0].set_neuron_weights([[[0.5]], [-0.5]])
    model.layers[1].set_neuron_weights([[[1.5]], [0.0]])
    result = gradcheck.check_model(model, X, [[0.3], [0.2]])
    assert result.passed, str(result)
    assert result.at_kinks >= 2  # the first layer's weight and bias
    assert {k.split("[")[0] for k in result.kinks} == {"layer 1 W", "layer 1 b"}
    assert "at a kink" in str(result) and "not checked" in str(result)
    assert result.checked + result.at_kinks == 4


def test_a_pre_activation_near_the_kink_is_checked_with_a_smaller_step():
    # 1e-7 from the kink: h ~ 6e-6 would cross it, h ~ 6e-10 does not
    model = Sequential([Dense(1, activation="relu", input_shape=(1,)), Dense(1)],
                       dtype="float64")
    model.compile(optimizer="sgd", loss="mse")
    model.build(1)
    model.layers[0].set_neuron_weights([[[0.5]], [-0.5 + 1e-7]])
    model.layers[1].set_neuron_weights([[[1.5]], [0.0]])
    result = gradcheck.check_model(model, [[1.0], [2.0]], [[0.3], [0.2]])
    assert result.passed and result.at_kinks == 0 and result.checked == 4, str(result)


def test_an_old_tolerance_false_alarm_now_passes_and_its_gap_is_rounding():
    # the reported case: a 2-16-16-1 ReLU network whose relative error exceeded 1e-6
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(32, 2)), rng.normal(size=(32, 1))
    model = Sequential([Dense(16, activation="relu", input_shape=(2,)),
                        Dense(16, activation="relu"), Dense(1)], seed=2)
    model.compile(optimizer="sgd", loss="mse")
    result = gradcheck.check_model(model, X, y)
    assert result.passed, str(result)
    assert "match" in str(result) and "DO NOT" not in str(result)


def test_numeric_gradients_agree_with_pytorch_autograd():
    """The finite differences and backprop both agree with PyTorch's autograd on
    networks rebuilt by hand in PyTorch (MSE; each hidden activation)."""
    torch = pytest.importorskip("torch")
    modules = {"relu": torch.nn.ReLU(), "leaky_relu": torch.nn.LeakyReLU(0.1),
               "sigmoid": torch.nn.Sigmoid(), "tanh": torch.nn.Tanh()}
    for seed in (0, 1, 2, 3, 12, 13):  # mse cases, one per hidden activation and more
        model, X, y = random_case(seed)
        assert model.loss is not None and model.loss.name == "mse"
        hidden = HIDDEN[seed % 4]
        out = torch.tensor(X, dtype=torch.float64)
        params = []
        for layer in model.layers:
            W = torch.tensor(layer.W, dtype=torch.float64, requires_grad=True)
            b = torch.tensor(layer.b, dtype=torch.float64, requires_grad=True)
            params += [W, b]
            out = out @ W.T + b
            if layer.activation.name != "linear":
                out = modules[hidden](out)
        target = torch.tensor(np.asarray(y, dtype=np.float64).reshape(out.shape))
        loss = torch.mean((out - target) ** 2) + sum(
            layer.l2 * torch.sum(p * p) for layer, p in zip(model.layers, params[::2]))
        loss.backward()
        torch_grads = [p.grad.numpy() for p in params]

        Xa = np.asarray(X, dtype=np.float64)
        model.backward(model.forward(Xa, training=True), np.asarray(y).reshape(out.shape))
        for (_, grad), expected in zip(model.parameters(), torch_grads):
            np.testing.assert_allclose(grad, expected, rtol=1e-10, atol=1e-14)

        expected_y = target.numpy()

        def probe(model=model, Xa=Xa, target=expected_y):
            return model.loss.value(model.forward(Xa), target) + model.penalty(), None

        for (value, _), expected in zip(model.parameters(), torch_grads):
            diff = gradcheck.differences(probe, value)
            assert np.all(np.abs(diff.numeric - expected) <= diff.bound), seed


@pytest.mark.parametrize("activation", ["selu", ELU(alpha=0.5), "relu"], ids=str)
def test_a_kinked_activation_at_zero_is_not_called_a_mismatch(activation):
    layer = Dense(2, activation=activation, input_shape=(3,))
    layer.build(3, np.random.default_rng(0), np.float64)
    layer.b[:] = 0.0
    result = gradcheck.check_layer(layer, x=np.zeros((2, 3)))  # every z = 0: the kink
    assert result.passed and "DO NOT" not in str(result), str(result)


def test_tied_maxima_in_pooling_are_kinks_and_a_check_of_nothing_does_not_pass():
    layer = MaxPool2D(2)
    layer.input_shape = (2, 2, 1)
    result = gradcheck.check_layer(layer, x=np.ones((1, 2, 2, 1)))  # four equal maxima
    assert result.at_kinks == 4 and result.checked == 0
    assert not result.passed and "nothing could be checked" in str(result)
    assert "DO NOT" not in str(result)
