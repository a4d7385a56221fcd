"""The fast path (neuronlab.training.fast) trains to the same weights as the plain one.

Where the arithmetic is the same the weights are equal bit for bit; where the fast
path adds up in another order (sums as BLAS products) they agree to 1e-6 (relative,
for weights above 1).
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from neuronlab import SGD, Adam, Dense, Dropout, Sequential, datasets
from neuronlab.training import fast


def trained_pair(make_model, X, y, **fit_args):
    """The same model trained once the fast way and once the plain way."""
    models = []
    for use_fast in (True, False):
        model = make_model()
        model.fast = use_fast
        model.fit(X, y, verbose=0, **fit_args)
        models.append(model)
    return models


def max_difference(a: Sequential, b: Sequential) -> float:
    """The largest difference between two models' weights, relative to weights above 1
    (a float32 weight near 8 has steps of 1e-6 between neighbours)."""
    return max(float(np.max(np.abs(x - y) / np.maximum(1.0, np.abs(y))))
               for x, y in zip(a.get_neuron_weights(), b.get_neuron_weights()))


def same_weights(a: Sequential, b: Sequential) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a.get_neuron_weights(), b.get_neuron_weights()))


def xor_model(optimizer=None, dtype="float32"):
    model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                        Dense(1, activation="sigmoid")], seed=0, dtype=dtype)
    model.compile(optimizer=optimizer or SGD(learning_rate=1.0), loss="mse")
    return model


def test_xor_trains_to_the_same_weights_both_ways():
    X, y = datasets.xor()
    fast_model, plain_model = trained_pair(xor_model, X, y, epochs=500)
    assert max_difference(fast_model, plain_model) < 1e-6
    assert (fast_model.predict(X).round() == plain_model.predict(X).round()).all()


def test_xor_in_float64_trains_to_the_same_weights_both_ways():
    X, y = datasets.xor()
    fast_model, plain_model = trained_pair(lambda: xor_model(dtype="float64"), X, y,
                                           epochs=500)
    assert max_difference(fast_model, plain_model) < 1e-6


def test_digits_subset_trains_to_the_same_weights_both_ways():
    X, y = datasets.load_digits()
    X, y = X[:300] / 16.0, y[:300]

    def make():
        model = Sequential([Dense(32, activation="relu", input_shape=(64,)),
                            Dense(10, activation="softmax")], seed=1)
        model.compile(optimizer=SGD(learning_rate=0.1), loss="categorical_crossentropy",
                      metrics=["accuracy"])
        return model

    fast_model, plain_model = trained_pair(make, X, y, epochs=3, batch_size=32, seed=2)
    assert max_difference(fast_model, plain_model) < 1e-6
    np.testing.assert_allclose(fast_model.history.history["loss"],
                               plain_model.history.history["loss"], rtol=1e-5)


@pytest.mark.parametrize("optimizer", [
    lambda: SGD(learning_rate=0.05, momentum=0.9),
    lambda: Adam(learning_rate=0.01),
])
def test_dropout_l2_momentum_and_adam_train_to_the_same_weights(optimizer):
    X, y = datasets.make_moons(120, noise=0.2, seed=3)

    def make():
        model = Sequential([Dense(16, activation="tanh", input_shape=(2,), l2=1e-3),
                            Dropout(0.25),
                            Dense(8, activation="relu", l2=1e-3),
                            Dense(1, activation="sigmoid")], seed=4)
        model.compile(optimizer=optimizer(), loss="binary_crossentropy")
        return model

    fast_model, plain_model = trained_pair(make, X, y, epochs=5, batch_size=16, seed=5)
    assert max_difference(fast_model, plain_model) < 1e-6


def test_l1_is_in_the_fast_loss_and_gradient_as_in_the_plain_ones():
    X, y = datasets.make_moons(60, noise=0.2, seed=3)

    def make():
        model = Sequential([Dense(6, activation="tanh", input_shape=(2,), l1=0.01),
                            Dense(1, activation="sigmoid", l1=0.01)], seed=4)
        model.compile(optimizer=SGD(learning_rate=0.1), loss="binary_crossentropy")
        return model

    fast_model, plain_model = trained_pair(make, X, y, epochs=5, batch_size=16, seed=5)
    assert max_difference(fast_model, plain_model) < 1e-6
    np.testing.assert_allclose(fast_model.history.history["loss"],
                               plain_model.history.history["loss"], rtol=1e-5)


def test_without_the_sums_as_products_the_arithmetic_is_the_same_bit_for_bit():
    """A net with one output and mean squared error: the only reordered sum is ``grad_b``
    of each layer, which is a sum over a batch of one row here."""
    X = np.array([[0.5, -1.0]])
    y = np.array([[1.0]])
    fast_model, plain_model = trained_pair(xor_model, X, y, epochs=50)
    assert same_weights(fast_model, plain_model)


# ---------------------------------------------------------------- the flat parameters
# Parameters and gradients of a model trained the fast way live in two flat arrays
# (fast.pack), so that plain SGD updates them in one call. These tests pin down that
# nothing else moves.


@pytest.mark.parametrize("make_optimizer", [
    lambda: SGD(learning_rate=1.0),
    lambda: SGD(learning_rate=0.5, momentum=0.9),
    lambda: Adam(learning_rate=0.05),
])
def test_flat_parameters_train_bit_for_bit_like_separate_arrays(make_optimizer):
    X, y = datasets.xor()
    packed = xor_model(make_optimizer())
    packed.fit(X, y, epochs=300, verbose=0)  # full batch, in order: 300 steps on X
    flat = fast.pack(packed.layers)  # already packed: the arrays it holds
    assert flat is not None
    assert packed.layers[0].W.base is flat[0]
    assert packed.layers[1].grad_b.base is flat[1]

    separate = xor_model(make_optimizer())
    separate.build()
    step = fast.Step(separate)
    step.use_flat = False  # the optimizer visits one array at a time
    X32, Y32 = X.astype(np.float32), y.reshape(-1, 1).astype(np.float32)
    for _ in range(300):
        step(X32, Y32)
    assert same_weights(packed, separate)
    assert len(packed.optimizer.state) == len(packed.parameters())


def test_packing_twice_keeps_the_same_arrays():
    model = xor_model()
    model.build()
    first = fast.pack(model.layers)
    second = fast.pack(model.layers)
    assert first is not None and second is not None
    assert first[0] is second[0] and first[1] is second[1]


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


def test_a_dense_subclass_keeps_its_own_backward_on_the_fast_path():
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
    assert fast.pack(model.layers) is None


def test_plain_and_fast_train_step_return_the_same_loss():
    X = np.array([[0.0, 1.0], [1.0, 1.0]], np.float32)
    y = np.array([[1.0], [0.0]], np.float32)
    losses = []
    for use_fast in (True, False):
        model = xor_model()
        model.fast = use_fast
        losses.append(model.train_step(X, y))
        assert model.last_output is not None and model.last_output.shape == (2, 1)
    assert losses[0] == pytest.approx(losses[1], rel=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["mse", "categorical_crossentropy", "binary_crossentropy"])
def test_the_fast_loss_values_are_the_loss_values(name, dtype):
    from neuronlab import losses

    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(4), size=8).astype(dtype)
    p[0] = [1.0, 0.0, 0.0, 0.0]  # log(0) guarded by the same clip
    Y = np.eye(4, dtype=dtype)[rng.integers(0, 4, 8)]
    Y[0] = [0.0, 1.0, 0.0, 0.0]
    loss = losses.get(name)
    assert fast.loss_value(loss, p, Y) == pytest.approx(loss.value(p, Y), rel=1e-6)


def test_predictions_are_the_same_both_ways():
    X, _ = datasets.load_digits()
    model = Sequential([Dense(16, activation="tanh", input_shape=(64,)),
                        Dense(10, activation="softmax")], seed=0)
    model.compile("sgd", "categorical_crossentropy")
    fast_out = model.predict(X / 16)
    model.fast = False
    np.testing.assert_allclose(fast_out, model.predict(X / 16), rtol=1e-6, atol=1e-7)
