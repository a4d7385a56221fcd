"""Flatten, Conv2D and MaxPool2D: the layer protocol proven by layers that are not Dense.

Each is checked against its lesson (the sliding-window loop), against PyTorch (forward,
one SGD step, ``to_torch``), by a float64 gradient check, through save/load and
``summary``, and a small conv net learns the 8x8 digits through ``fit``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import neuronlab
from neuronlab import (
    SGD,
    Adam,
    Conv2D,
    Dense,
    Flatten,
    MaxPool2D,
    Sequential,
    ShapeError,
    datasets,
    gradcheck,
    load_model,
)
from neuronlab.layers.conv import conv2d_reference

CASES = [  # (input shape, kernel_size, strides, padding)
    ((7, 6, 2), 3, 1, "valid"),
    ((7, 6, 2), 3, 2, "valid"),
    ((7, 6, 2), 3, 1, "same"),
    ((7, 6, 2), (2, 3), 2, "same"),  # uneven "same" padding: the extra zero after
]


def conv_net(dtype: str = "float64", seed: int = 0) -> Sequential:
    return Sequential([
        Conv2D(3, 3, activation="relu", padding="same", input_shape=(6, 6, 2)),
        MaxPool2D(2),
        Flatten(),
        Dense(4, activation="softmax"),
    ], seed=seed, dtype=dtype)


def images(shape: tuple[int, ...], n: int = 5, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, *shape))


# ----------------------------------------------------------------------------- forward
@pytest.mark.parametrize("shape, k, s, padding", CASES)
def test_conv_forward_is_the_sliding_window(shape, k, s, padding):
    layer = Conv2D(4, k, strides=s, padding=padding)
    layer.build(shape, np.random.default_rng(0), np.float64)
    layer.bias[...] = np.arange(4.0)
    x = images(shape)
    np.testing.assert_allclose(layer.forward(x),
                               conv2d_reference(x, layer.kernel, layer.bias, layer.strides,
                                                padding), rtol=1e-12, atol=1e-12)
    assert layer.forward(x).shape[1:] == layer.compute_output_shape(shape)


@pytest.mark.parametrize("shape, k, s, padding", CASES)
def test_conv_forward_matches_torch(shape, k, s, padding):
    torch = pytest.importorskip("torch")
    model = Sequential([Conv2D(4, k, strides=s, padding=padding, activation="tanh",
                               input_shape=shape)], seed=0, dtype="float32")
    model.compile()
    x = images(shape).astype(np.float32)
    ours = model.predict(x)
    theirs = model.to_torch()(torch.from_numpy(x)).detach().numpy()
    assert theirs.shape == ours.shape
    assert np.abs(ours - theirs).max() < 1e-5


def test_maxpool_and_flatten_match_torch():
    torch = pytest.importorskip("torch")
    x = images((7, 6, 3)).astype(np.float32)
    for pool, strides in [(2, None), (3, 1), ((2, 3), (1, 2))]:
        layer = MaxPool2D(pool, strides=strides)
        ours = layer.forward(x)
        nchw = torch.from_numpy(x).permute(0, 3, 1, 2)
        theirs = torch.nn.functional.max_pool2d(nchw, layer.pool_size, layer.strides)
        np.testing.assert_allclose(ours, theirs.permute(0, 2, 3, 1).numpy(), atol=1e-6)
    flat = Flatten().forward(x)
    np.testing.assert_array_equal(flat, torch.nn.Flatten()(torch.from_numpy(x)).numpy())


def test_maxpool_gradient_goes_to_the_maximum():
    x = np.array([[1.0, 2.0], [4.0, 3.0]]).reshape(1, 2, 2, 1)
    layer = MaxPool2D(2)
    assert layer.forward(x).item() == 4.0
    grad = layer.backward(np.full((1, 1, 1, 1), 5.0))
    np.testing.assert_array_equal(grad[0, :, :, 0], [[0.0, 0.0], [5.0, 0.0]])


def test_maxpool_ties_send_the_gradient_to_the_first_maximum_as_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    x = rng.integers(0, 3, (4, 7, 6, 3)).astype(np.float32)  # many equal maxima
    x[0, 0, 0, 0] = np.nan
    grad_out_of: dict[object, np.ndarray] = {}
    for pool, strides in [(2, None), (3, 1), ((2, 3), (1, 2))]:
        layer = MaxPool2D(pool, strides=strides)
        ours = layer.forward(x)
        g = rng.standard_normal(ours.shape).astype(np.float32)
        grad_out_of[pool] = layer.backward(g)
        nchw = torch.from_numpy(x).permute(0, 3, 1, 2).requires_grad_()
        theirs = torch.nn.functional.max_pool2d(nchw, layer.pool_size, layer.strides)
        theirs.backward(torch.from_numpy(g).permute(0, 3, 1, 2))
        np.testing.assert_array_equal(ours, theirs.detach().permute(0, 2, 3, 1).numpy())
        assert np.isnan(ours[0, 0, 0, 0])  # a NaN in a window is not hidden by the max
        finite = ~np.isnan(x)  # (where a NaN took part, the routes may differ)
        # (overlapping windows add their gradients in another order: rounding only; a
        # gradient sent to another input would be off by a whole g, about 1)
        np.testing.assert_allclose(grad_out_of[pool][finite],
                                   nchw.grad.permute(0, 2, 3, 1).numpy()[finite], atol=1e-5)


# ----------------------------------------------------------------------------- gradients
@pytest.mark.parametrize("layer", [
    Conv2D(3, 3, activation="tanh"),
    Conv2D(3, (2, 3), strides=2, padding="same", activation="sigmoid"),
    Conv2D(2, 3, activation="relu", use_bias=False),
    MaxPool2D(2),
    MaxPool2D(3, strides=1),
    Flatten(),
], ids=repr)
def test_float64_gradcheck_through_each_layer(layer):
    layer.input_shape = (7, 6, 2)
    result = gradcheck.check_layer(layer)
    assert result.passed, str(result)


def test_float64_gradcheck_of_a_conv_net():
    model = conv_net()
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    X, y = images((6, 6, 2), n=6), np.array([0, 1, 2, 3, 1, 0])
    result = gradcheck.check_model(model, X, y)
    assert result.passed, str(result)


def test_one_sgd_step_matches_torch():
    torch = pytest.importorskip("torch")
    model = conv_net()
    model.compile(optimizer=SGD(learning_rate=0.5), loss="categorical_crossentropy")
    X, labels = images((6, 6, 2), n=8), np.arange(8) % 4
    net = model.to_torch().train()  # same weights, NHWC in, no dropout here
    model.fit(X, labels, epochs=1, batch_size=8, shuffle=False, verbose=0)

    Y = torch.nn.functional.one_hot(torch.from_numpy(labels), 4).double()
    p = net(torch.from_numpy(X))
    loss = -(Y * torch.log(p)).sum(1).mean()
    loss.backward()
    with torch.no_grad():
        for param in net.parameters():
            param -= 0.5 * param.grad
    conv, linear = (next(m for m in net if isinstance(m, kind))
                    for kind in (torch.nn.Conv2d, torch.nn.Linear))
    kernel, bias, W, b = model.get_neuron_weights()
    with torch.no_grad():
        assert np.abs(kernel - conv.weight.numpy().transpose(0, 2, 3, 1)).max() < 1e-5
        assert np.abs(bias - conv.bias.numpy()).max() < 1e-5
        assert np.abs(W - linear.weight.numpy()).max() < 1e-5
        assert np.abs(b - linear.bias.numpy()).max() < 1e-5
        assert float(conv.weight.grad.abs().max()) > 1e-3  # the step moved the kernel


def test_to_torch_outputs_equal_the_model():
    torch = pytest.importorskip("torch")
    model = conv_net(dtype="float32")
    model.compile()
    x = images((6, 6, 2), n=10).astype(np.float32)
    out = model.to_torch()(torch.from_numpy(x)).detach().numpy()
    assert np.abs(out - model.predict(x)).max() < 1e-5
    kinds = [type(m).__name__ for m in model.to_torch()]
    assert kinds[:4] == ["Permute", "Conv2d", "ReLU", "MaxPool2d"]
    assert "Flatten" in kinds and "Linear" in kinds


# ----------------------------------------------------------------------------- model features
def test_save_and_load_round_trip(tmp_path):
    model = conv_net()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    X, y = images((6, 6, 2), n=12), np.arange(12) % 4
    model.fit(X, y, epochs=2, verbose=0)
    path = model.save(tmp_path / "conv.npz")
    loaded = load_model(path)
    assert [repr(layer) for layer in loaded.layers] == [repr(layer) for layer in model.layers]
    for a, b in zip(loaded.get_neuron_weights(), model.get_neuron_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    model.fit(X, y, epochs=1, verbose=0, shuffle=False)  # training continues the same
    loaded.fit(X, y, epochs=1, verbose=0, shuffle=False)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_summary_shows_output_shapes_and_parameter_counts():
    lines: list[str] = []
    conv_net().summary(print_fn=lines.append)
    text = lines[0]
    rows = {line.split()[0]: line.split()[1:] for line in text.splitlines()[3:7]}
    assert rows["Conv2D"][:5] == ["(None,", "6,", "6,", "3)", str(3 * 3 * 3 * 2 + 3)]
    assert rows["MaxPool2D"][:5] == ["(None,", "3,", "3,", "3)", "0"]
    assert rows["Flatten"][:3] == ["(None,", "27)", "0"]
    assert rows["Dense"][:3] == ["(None,", "4)", str(27 * 4 + 4)]
    assert f"Total params: {57 + 27 * 4 + 4}" in text


def test_set_weights_takes_the_declared_weights():
    model = conv_net()
    weights = [w + 1 for w in model.get_neuron_weights()]
    assert [w.shape for w in weights] == [(3, 3, 3, 2), (3,), (4, 27), (4,)]
    model.set_neuron_weights(weights)
    for a, b in zip(model.get_neuron_weights(), weights):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ShapeError, match=r"kernel of shape \(3, 3, 3, 2\)"):
        model.set_neuron_weights([np.zeros((3, 3, 3, 1)), *weights[1:]])


def test_a_conv_net_trains_through_the_layers_own_methods(monkeypatch):
    model = conv_net(dtype="float32")
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    calls = {"forward": 0, "backward": 0}
    for name in calls:
        original = getattr(Conv2D, name)

        def counted(self, *args, _original=original, _name=name, **kwargs):
            calls[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Conv2D, name, counted)
    model.fit(images((6, 6, 2), n=16), np.arange(16) % 4, epochs=2, batch_size=8, verbose=0)
    assert calls == {"forward": 4, "backward": 4}


def test_clear_errors_for_bad_shapes():
    with pytest.raises(ShapeError, match=r"Flatten\(\)"):
        Sequential([Conv2D(2, 3, input_shape=(6, 6, 1)), Dense(3)]).build()
    with pytest.raises(ShapeError, match=r"\(height, width, channels\).*reshape"):
        Sequential([Conv2D(2, 3, input_shape=(36,))])
    with pytest.raises(ShapeError, match=r"3x3 window.*4x2"):
        Sequential([MaxPool2D(3, input_shape=(4, 2, 1))])
    model = conv_net()
    model.compile()
    with pytest.raises(ShapeError, match=r"expects samples of shape \(6, 6, 2\).*reshape"):
        model.predict(np.zeros((3, 6, 6, 1)))
    with pytest.raises(ShapeError, match=r"expects samples of shape \(6, 6, 2\)"):
        model.predict(np.zeros((3, 72)))


# ----------------------------------------------------------------------------- learning
def test_a_small_conv_net_learns_the_digits():
    X, y = datasets.load_digits()
    X = (X / 16).reshape(-1, 8, 8, 1)  # each row is an 8x8 image, read row by row
    order = np.random.default_rng(0).permutation(len(X))
    X, y = X[order], y[order]
    model = Sequential([
        Conv2D(16, 3, activation="relu", padding="same", input_shape=(8, 8, 1)),
        MaxPool2D(2),
        Flatten(),
        Dense(10, activation="softmax"),
    ], seed=0)
    model.compile(optimizer=Adam(learning_rate=0.005), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(X[:1400], y[:1400], epochs=10, batch_size=32, verbose=0, seed=0)
    _, accuracy = model.evaluate(X[1400:], y[1400:])
    assert accuracy >= 0.97


# ----------------------------------------------------------------------------- the protocol
def test_no_dense_checks_outside_the_layers_package():
    """Code outside ``neuronlab.layers`` asks a layer protocol questions instead."""
    src = Path(neuronlab.__file__).parent
    found = [f"{path.relative_to(src)}:{n}"
             for path in sorted(src.rglob("*.py")) if "layers" not in path.relative_to(src).parts
             for n, line in enumerate(path.read_text().splitlines(), 1)
             if re.search(r"isinstance\([^)]*Dense", line)]
    assert found == []
