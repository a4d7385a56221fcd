"""One implementation of the math, and it is the one that runs.

``fit``, ``predict`` and ``evaluate`` run each layer's own ``forward`` and ``backward``;
the weight gradient ``grad_W = grad_z.T @ x`` is written once in the library; the speed
work inside the layers (gradients written into arrays the layers own, the weights as
views of one flat array, sums as products) gives the numbers of the plain formulas.
"""

from __future__ import annotations

import ast
import copy
from pathlib import Path

import numpy as np
import pytest

import neuronlab
from neuronlab import SGD, Adam, Dense, Sequential, activations, datasets, losses
from neuronlab.layers import Conv2D, Flatten, MaxPool2D
from neuronlab.training.flat import FlatWeights

SRC = Path(neuronlab.__file__).parent


def xor_model(optimizer=None, dtype="float32"):
    model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                        Dense(1, activation="sigmoid")], seed=0, dtype=dtype)
    model.compile(optimizer=optimizer or SGD(learning_rate=1.0), loss="mse")
    return model


def same_weights(a: Sequential, b: Sequential) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a.get_weights(), b.get_weights()))


# ---------------------------------------------------------------- what runs
def count_calls(monkeypatch, cls):
    """Patch ``cls.forward`` and ``cls.backward`` to count their calls."""
    calls = {"forward": 0, "backward": 0}
    for name in calls:
        original = getattr(cls, name)

        def counted(self, *args, _original=original, _name=name, **kwargs):
            calls[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, counted)
    return calls


def test_default_fit_predict_and_evaluate_call_the_layers_own_forward_and_backward(
        monkeypatch):
    calls = count_calls(monkeypatch, Dense)
    X, y = datasets.xor()
    model = xor_model()  # the default model: no switch, no second path
    model.fit(X, y, epochs=10, verbose=0)  # 10 full-batch steps through 2 layers
    assert calls == {"forward": 20, "backward": 20}
    model.predict(X)
    assert calls == {"forward": 22, "backward": 20}
    model.evaluate(X, y)
    assert calls == {"forward": 24, "backward": 20}


def test_a_conv_net_fit_and_predict_call_every_layers_own_methods(monkeypatch):
    counted = {cls: count_calls(monkeypatch, cls) for cls in (Conv2D, MaxPool2D, Flatten,
                                                               Dense)}
    X = np.random.default_rng(0).random((8, 6, 6, 1))
    y = np.arange(8) % 2
    model = Sequential([Conv2D(2, 3, activation="relu", input_shape=(6, 6, 1)),
                        MaxPool2D(2), Flatten(), Dense(2, activation="softmax")], seed=0)
    model.compile(SGD(0.1), "categorical_crossentropy")
    model.fit(X, y, epochs=3, batch_size=8, verbose=0)
    model.predict(X)
    for calls in counted.values():
        assert calls == {"forward": 4, "backward": 3}


def weight_gradient_products(path: Path) -> list[int]:
    """Lines of ``path`` computing ``grad_z.T @ x``: the operator, or ``np.matmul``, ``np.dot``
    or ``matmul_into`` with ``grad_z.T`` and ``x`` (or ``X``) as its first two arguments."""

    def is_grad_z_t(node: ast.AST) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr == "T"
                and isinstance(node.value, ast.Name) and node.value.id == "grad_z")

    def is_x(node: ast.AST) -> bool:
        return (isinstance(node, ast.Name) and node.id in ("x", "X")) or (
            isinstance(node, ast.Attribute) and node.attr in ("x", "X"))

    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            if is_grad_z_t(node.left) and is_x(node.right):
                found.append(node.lineno)
        elif isinstance(node, ast.Call) and len(node.args) >= 2:
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if (name in ("matmul", "dot", "matmul_into") and is_grad_z_t(node.args[0])
                    and is_x(node.args[1])):
                found.append(node.lineno)
    return found


def test_the_weight_gradient_is_computed_in_one_place_in_the_library():
    # learn/content holds the exercises the learner writes, not the library
    places = {str(path.relative_to(SRC)): lines for path in sorted(SRC.rglob("*.py"))
              if "content" not in path.relative_to(SRC).parts
              and (lines := weight_gradient_products(path))}
    assert list(places) == ["layers/core.py"] and len(places["layers/core.py"]) == 1, places


def test_the_checker_of_that_test_finds_each_spelling(tmp_path):
    path = tmp_path / "spellings.py"
    path.write_text("a = grad_z.T @ x\nnp.matmul(grad_z.T, self.x, out=g)\nnp.dot(grad_z.T, X)\n"
                    "matmul_into(grad_z.T, x, out=g)\nb = grad_z @ W\n")
    assert weight_gradient_products(path) == [1, 2, 3, 4]


def test_no_second_training_path_is_left():
    assert not (SRC / "training" / "fast.py").exists()
    with pytest.raises(TypeError, match="fast"):
        Sequential([Dense(1, input_shape=(1,))], fast=True)  # type: ignore[call-arg]


# ---------------------------------------------------------------- the speed work, checked
def manual_steps(model: Sequential, X: np.ndarray, Y: np.ndarray, steps: int) -> None:
    """The lesson's loop by hand: forward, backward, the optimizer on separate arrays."""
    for _ in range(steps):
        y_pred = model.forward(X, training=True)
        model.backward(y_pred, Y)
        model.optimizer.step(model.parameters())


@pytest.mark.parametrize("make_optimizer", [
    lambda: SGD(learning_rate=1.0),
    lambda: SGD(learning_rate=0.5, momentum=0.9),
    lambda: Adam(learning_rate=0.05),
])
def test_flat_weights_train_bit_for_bit_like_separate_arrays(make_optimizer):
    X, y = datasets.xor()
    packed = xor_model(make_optimizer())
    packed.fit(X, y, epochs=300, verbose=0)  # full batch, in order: 300 steps on X
    assert packed.flat is not None and packed.flat.intact()
    assert packed.layers[0].W.base is packed.flat.values
    assert packed.layers[1].grad_b.base is packed.flat.grads

    separate = xor_model(make_optimizer())
    separate.build()
    manual_steps(separate, X.astype(np.float32), y.reshape(-1, 1).astype(np.float32), 300)
    assert separate.flat is None and same_weights(packed, separate)


def test_a_copied_model_trains_its_own_weights():
    X, y = datasets.xor()
    original = xor_model()
    original.fit(X, y, epochs=10, verbose=0)
    twin = copy.deepcopy(original)
    original.fit(X, y, epochs=200, verbose=0)
    twin.fit(X, y, epochs=200, verbose=0)
    assert same_weights(original, twin)
    assert not np.shares_memory(original.layers[0].W, twin.layers[0].W)


def test_layers_shared_with_a_second_model_still_train():
    X, y = datasets.xor()
    model, reference = xor_model(), xor_model()
    model.build()
    hidden = Sequential(model.layers[:1])  # e.g. to look at the hidden layer's outputs
    hidden.build()
    model.fit(X, y, epochs=200, verbose=0)
    reference.fit(X, y, epochs=200, verbose=0)
    assert same_weights(model, reference)
    X32 = X.astype(np.float32)
    np.testing.assert_array_equal(hidden.forward(X32), model.layers[0].forward(X32))


def test_a_layer_that_puts_new_gradient_arrays_in_place_still_trains_right():
    class NewArrays(Dense):
        def backward(self, grad_y, need_input_grad=True, grad_is_z=False):
            grad_x = super().backward(grad_y, need_input_grad, grad_is_z)
            self.grad_W = self.grad_W.copy()  # no longer a view of the flat array
            return grad_x

    X, y = datasets.xor()
    X32, Y32 = X.astype(np.float32), y.reshape(-1, 1).astype(np.float32)
    model = Sequential([NewArrays(4, activation="sigmoid", input_shape=(2,)),
                        Dense(1, activation="sigmoid")], seed=0)
    model.compile(SGD(learning_rate=1.0), "mse")
    reference = xor_model()
    reference.build()
    for _ in range(20):
        model.train_step(X32, Y32)
    manual_steps(reference, X32, Y32, 20)
    assert same_weights(model, reference)


def test_a_dense_subclass_is_handed_the_fused_gradient_through_its_own_backward():
    calls = []

    class CountingDense(Dense):
        def backward(self, grad_y, need_input_grad=True, grad_is_z=False):
            calls.append(grad_is_z)
            return super().backward(grad_y, need_input_grad, grad_is_z)

    X, y = datasets.xor()
    model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                        CountingDense(1, activation="sigmoid")], seed=0)
    model.compile(SGD(learning_rate=1.0), "binary_crossentropy")
    model.fit(X, y, epochs=3, verbose=0)
    assert calls == [True, True, True]  # handed dL/dz, the fused gradient


def test_packing_keeps_every_number_name_and_shape():
    model = xor_model()
    model.build()
    before = model.get_weights()
    flat = FlatWeights.pack(model.layers)
    assert flat is not None
    assert [w.shape for w in model.get_weights()] == [w.shape for w in before]
    assert same_weights(model, model) and all(
        np.array_equal(a, b) for a, b in zip(model.get_weights(), before))
    assert flat.values.size == model.count_params() == 17


def test_softmax_and_the_loss_values_equal_their_formulas():
    rng = np.random.default_rng(0)
    for dtype in (np.float32, np.float64):
        z = rng.normal(size=(33, 10)).astype(dtype) * 5
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        np.testing.assert_allclose(activations.get("softmax").forward(z),
                                   e / e.sum(axis=-1, keepdims=True), rtol=1e-6)
        p = rng.dirichlet(np.ones(4), size=8).astype(dtype)
        p[0] = [1.0, 0.0, 0.0, 0.0]  # log(0) guarded by the clip
        Y = np.eye(4, dtype=dtype)[rng.integers(0, 4, 8)]
        Y[0] = [0.0, 1.0, 0.0, 0.0]
        eps = 1e-7 if dtype == np.float32 else 1e-12
        assert losses.get("mse").value(p, Y) == pytest.approx(np.mean((p - Y) ** 2), rel=1e-6)
        expected = -np.sum(Y * np.log(np.clip(p, eps, 1.0))) / len(p)
        assert losses.get("categorical_crossentropy").value(p, Y) == pytest.approx(
            expected, rel=1e-6)


def test_the_layer_gradients_equal_the_plain_formulas():
    rng = np.random.default_rng(1)
    layer = Dense(5, activation="tanh", input_shape=(3,))
    layer.build((3,), rng, np.float64)
    x = rng.normal(size=(7, 3))
    y = layer.forward(x)
    grad_y = rng.normal(size=y.shape)
    grad_x = layer.backward(grad_y)
    grad_z = grad_y * (1 - np.tanh(x @ layer.W.T + layer.b) ** 2)
    np.testing.assert_allclose(layer.grad_W, grad_z.T @ x, rtol=1e-12)
    np.testing.assert_allclose(layer.grad_b, grad_z.sum(0), rtol=1e-12)
    np.testing.assert_allclose(grad_x, grad_z @ layer.W, rtol=1e-12)
    np.testing.assert_allclose(layer.grad_z, grad_z, rtol=1e-12)


# ---------------------------------------------------------------- predict's checks
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_predict_names_non_finite_inputs_even_when_relu_would_hide_them(bad):
    model = Sequential([Dense(8, activation="relu", input_shape=(3,)),
                        Dense(1, activation="relu")], seed=0)
    model.compile("sgd", "mse")
    X = np.ones((4, 3))
    X[2, 1] = bad
    with pytest.raises(neuronlab.errors.DataError, match="NaN or infinite"):
        model.predict(X)
    with pytest.raises(neuronlab.errors.DataError, match="NaN or infinite"):
        model.predict(X, batch_size=2)


def test_predict_says_when_inputs_are_too_large_for_float32():
    model = Sequential([Dense(2, activation="relu", input_shape=(2,))], seed=0)
    model.compile("sgd", "mse")
    with pytest.raises(neuronlab.errors.DataError, match="too large for float32"):
        model.predict(np.array([[1e300, 1.0]]))
