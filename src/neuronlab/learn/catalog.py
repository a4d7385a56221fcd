"""The exercises of the learning path, in order, each checked against the library.

Every ``reference`` below is neuronlab's own code (``Neuron``, ``Dense``, the losses,
``stories.train_puzzle``'s model, ``Sequential.fit``), so an exercise's expected
answers are the library's answers. Hidden cases come from a fixed seed: the same
on every run, but not shown in the file. An exercise's words (its lesson's slug, title,
task and hints) are in its own file, ``content/exercises/NAME.py``.

>>> [ex.name for ex in EXERCISES.values()][:4]
['neuron', 'relu', 'sigmoid', 'layer_forward']
>>> from neuronlab.learn.values import show
>>> step = EXERCISES["puzzle_step"]
>>> show(step.expected(step.cases()[0]))     # the puzzle's first step: new w, new b
'(0.93069, 0.62277)'
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import losses, stories
from ..activations import Sigmoid, Softmax
from ..datasets import xor as xor_data
from ..layers import Dense
from ..model import Sequential
from ..neuron import Layer as PyLayer
from ..neuron import Neuron
from ..optimizers import SGD
from ..vision import convolve
from .exercises import Case, Catalog, Exercise
from .observers import gate_observe, model_aspect, truth_table
from .sources import ContentError, exercise_file, lesson_numbers

Hidden = list[tuple[str, tuple[Any, ...]]]


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _numbers(rng: np.random.Generator, n: int, low: float = -2.0, high: float = 2.0) -> list[float]:
    return [round(float(v), 2) for v in rng.uniform(low, high, n)]


def _plain(value: Any) -> Any:
    """NumPy results as plain floats and lists (what a learner's code would return)."""
    return np.asarray(value, dtype=float).tolist() if np.ndim(value) else float(value)


# =========================================================================== lesson 1
def _neuron_ref(inputs: list[float], weights: list[float], bias: float) -> float:
    return Neuron(weights, bias, "relu")(inputs)


def _neuron_hidden() -> Hidden:
    rng = _rng(101)
    cases: Hidden = [("hidden 1 · one input", ([3.0], [2.0], -1.0)),
                     ("hidden 2 · whole numbers", ([1, 2], [3, 4], 5)),
                     ("hidden 3 · the bias alone makes it fire", ([1.0, 1.0], [0.5, -0.5], 0.25))]
    for i in range(4, 9):
        n = int(rng.integers(1, 6))
        cases.append((f"hidden {i}", (_numbers(rng, n), _numbers(rng, n),
                                      round(float(rng.uniform(-1, 1)), 2))))
    return cases


NEURON = Exercise(
    name="neuron",
    function="neuron",
    examples=(([2.0, 3.0], [0.5, -1.0], 1.0), ([0.5, -0.3, 0.7], [0.5, -0.3, 0.8], 0.1),
              ([2.0, 3.0, 1.0], [0.5, -0.3, 0.8], 0.0)),
    reference=_neuron_ref,
    hidden=_neuron_hidden,
    mistakes=(
        ("forget the bias", lambda x, w, b: max(0.0, sum(a * c for a, c in zip(x, w)))),
        ("skip the activation (return z itself)",
         lambda x, w, b: sum(a * c for a, c in zip(x, w)) + b),
    ),
)


# =========================================================================== lesson 2
def _activation(name: str, z: float) -> float:
    from ..activations import get

    return float(get(name)(np.array([float(z)]))[0])


def _relu_hidden() -> Hidden:
    rng = _rng(202)
    cases: Hidden = [("hidden 1 · large positive", (1000.0,)),
                     ("hidden 2 · large negative", (-1000.0,)),
                     ("hidden 3 · tiny positive", (1e-9,))]
    cases += [(f"hidden {i}", (v,)) for i, v in enumerate(_numbers(rng, 4, -5, 5), 4)]
    return cases


RELU = Exercise(
    name="relu",
    function="relu",
    examples=((-2.0,), (0.0,), (3.5,)),
    reference=lambda z: _activation("relu", z),
    hidden=_relu_hidden,
    mistakes=(("return abs(z)", abs), ("return z unchanged", lambda z: z)),
)


def _sigmoid_hidden() -> Hidden:
    rng = _rng(303)
    cases: Hidden = [("hidden 1 · z = 1000", (1000.0,)),
                     ("hidden 2 · z = -1000", (-1000.0,)),
                     ("hidden 3 · just past exp's limit", (-710.0,)),
                     ("hidden 4 · far left tail", (-30.0,))]
    cases += [(f"hidden {i}", (v,)) for i, v in enumerate(_numbers(rng, 3, -6, 6), 5)]
    return cases


_STABLE_HINT = ("exp overflows for arguments above about 709. For z >= 0 compute "
                "1 / (1 + exp(-z)); for z < 0 compute e = exp(z) and return e / (1 + e): "
                "the same function, but exp only ever sees a negative number")

SIGMOID = Exercise(
    name="sigmoid",
    function="sigmoid",
    examples=((0.0,), (2.0,), (-2.0,)),
    reference=lambda z: _activation("sigmoid", z),
    hidden=_sigmoid_hidden,
    mistakes=(
        ("flip the sign of z (1 / (1 + e^z))", lambda z: _activation("sigmoid", -z)),
    ),
    error_hints=(("OverflowError", _STABLE_HINT), ("overflow", _STABLE_HINT)),
)


# =========================================================================== lesson 3
LAYER_WEIGHTS = [[0.20, 0.80, -0.50, 1.00], [0.50, -0.91, 0.26, -0.50],
                [-0.26, -0.27, 0.17, 0.87]]
LAYER_BIASES = [2.00, 3.00, 0.50]
LAYER_BATCH = [[1.00, 2.00, 3.00, 2.50], [-0.80, 0.40, 0.10, 1.20], [0.20, 0.90, -0.50, 0.30]]


def _layer_ref(inputs: list[float], weights: list[list[float]], biases: list[float]) -> list[float]:
    return PyLayer(weights, biases, "relu")(inputs)


def _layer_hidden() -> Hidden:
    rng = _rng(404)
    cases: Hidden = [("hidden 1 · sample s2", (LAYER_BATCH[1], LAYER_WEIGHTS, LAYER_BIASES)),
                     ("hidden 2 · sample s3", (LAYER_BATCH[2], LAYER_WEIGHTS, LAYER_BIASES)),
                     ("hidden 3 · a neuron that does not fire",
                      ([1.0, -1.0], [[0.5, 0.25], [-1.0, 0.5]], [0.1, 0.2]))]
    for i in range(4, 8):
        units, n = int(rng.integers(1, 5)), int(rng.integers(1, 6))
        weights = [_numbers(rng, n) for _ in range(units)]
        cases.append((f"hidden {i}", (_numbers(rng, n), weights, _numbers(rng, units, -1, 1))))
    return cases


LAYER_FORWARD = Exercise(
    name="layer_forward",
    function="layer_forward",
    examples=((LAYER_BATCH[0], LAYER_WEIGHTS, LAYER_BIASES),),
    reference=_layer_ref,
    hidden=_layer_hidden,
    mistakes=(
        ("forget the biases", lambda x, W, b: _layer_ref(x, W, [0.0] * len(b))),
        ("skip the ReLU", lambda x, W, b: [sum(a * c for a, c in zip(x, row)) + bias
                                           for row, bias in zip(W, b)]),
    ),
)


# =========================================================================== lesson 4
def _dense(W: np.ndarray, b: np.ndarray, activation: str | None) -> Dense:
    layer = Dense(len(W), activation=activation)
    layer.set_neuron_weights([np.array(W, dtype=float), np.array(b, dtype=float)])
    return layer


def _batch_ref(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    return _dense(W, b, "relu").forward(np.array(X, dtype=float))


def _batch_hidden() -> Hidden:
    rng = _rng(505)
    cases: Hidden = [("hidden 1 · some neurons do not fire",
                      (np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([[-1.0, 0.5], [0.25, 0.25]]),
                       np.array([0.1, -0.2])))]
    for i, (N, n, units) in enumerate([(1, 2, 1), (5, 3, 2), (3, 3, 3), (6, 4, 5)], 2):
        X = np.round(rng.uniform(-2, 2, (N, n)), 2)
        W = np.round(rng.uniform(-1, 1, (units, n)), 2)
        b = np.round(rng.uniform(-1, 1, units), 2)
        cases.append((f"hidden {i} · {N} samples, {n} inputs, {units} neurons", (X, W, b)))
    return cases


BATCH_FORWARD = Exercise(
    name="batch_forward",
    function="batch_forward",
    examples=((np.array(LAYER_BATCH), np.array(LAYER_WEIGHTS), np.array(LAYER_BIASES)),),
    reference=_batch_ref,
    hidden=_batch_hidden,
    mistakes=(
        ("use W instead of W.T", lambda X, W, b: np.maximum(X @ W + b, 0.0)),
        ("skip the ReLU", lambda X, W, b: X @ W.T + b),
        ("add the bias after the ReLU", lambda X, W, b: np.maximum(X @ W.T, 0.0) + b),
    ),
)


# =========================================================================== lesson 5
def _gate_expect(case: Case) -> dict[str, float]:
    name = case.args[0]
    if name == "nand":
        table = truth_table("nand", stories.gate_neuron("and"))
        return {k: 1.0 - v for k, v in table.items()}
    return truth_table(name, stories.gate_neuron(name))


GATE = Exercise(
    name="gate",
    function="gate",
    examples=(("and",), ("or",)),
    reference=lambda name: _gate_expect(Case("", (name,))),
    hidden=lambda: [("hidden 1 · nand", ("nand",)), ("hidden 2 · not", ("not",))],
    expect=_gate_expect,
    observe=gate_observe,
    answer_note=("(the checker builds a step neuron from the weights and bias you return "
                 "and needs exactly this truth table from it)"),
)


# =========================================================================== lesson 6
def _xor_ref(x1: float, x2: float) -> float:
    return stories.hand_wired_xor_py()([x1, x2])[0]


XOR = Exercise(
    name="xor",
    function="xor",
    examples=((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)),
    reference=_xor_ref,
    mistakes=(("return OR", lambda a, b: float(a or b)),
              ("return AND", lambda a, b: float(a and b))),
)


# =========================================================================== lesson 7
def _mse_ref(predictions: list[float], targets: list[float]) -> float:
    return losses.get("mse")(np.array(targets, float), np.array(predictions, float))


def _mse_grad_ref(predictions: list[float], targets: list[float]) -> list[float]:
    p, t = np.array(predictions, float), np.array(targets, float)
    return _plain(losses.MeanSquaredError().gradient(p, t))


def _loss_hidden(seed: int) -> Hidden:
    rng = _rng(seed)
    cases: Hidden = [("hidden 1 · a perfect prediction", ([0.25, 0.75], [0.25, 0.75]))]
    for i in range(2, 6):
        n = int(rng.integers(1, 7))
        cases.append((f"hidden {i}", (_numbers(rng, n), _numbers(rng, n))))
    return cases


def _diffs(p: list[float], t: list[float]) -> list[float]:
    return [a - b for a, b in zip(p, t)]


MSE = Exercise(
    name="mse",
    function="mse",
    examples=(([1.0, 3.0], [0.0, 1.0]), ([0.9, 0.2, 0.4], [1.0, 0.0, 1.0])),
    reference=_mse_ref,
    hidden=lambda: _loss_hidden(707),
    mistakes=(
        ("average |ŷ - y| instead of its square",
         lambda p, t: sum(abs(d) for d in _diffs(p, t)) / len(p)),
        ("sum the squares without dividing by the count",
         lambda p, t: sum(d * d for d in _diffs(p, t))),
        ("forget to square", lambda p, t: sum(_diffs(p, t)) / len(p)),
    ),
)

MSE_GRADIENT = Exercise(
    name="mse_gradient",
    function="mse_gradient",
    examples=(([1.0, 3.0], [0.0, 1.0]),),
    reference=_mse_grad_ref,
    hidden=lambda: _loss_hidden(708),
    mistakes=(
        ("flip the sign (y - ŷ instead of ŷ - y)",
         lambda p, t: [2 * (b - a) / len(p) for a, b in zip(p, t)]),
        ("forget the factor 2", lambda p, t: [d / len(p) for d in _diffs(p, t)]),
        ("forget to divide by N", lambda p, t: [2 * d for d in _diffs(p, t)]),
    ),
)


# =========================================================================== lesson 8
def _sigmoid_derivative_hidden() -> Hidden:
    rng = _rng(808)
    cases: Hidden = [("hidden 1 · negative z", (-2.0,)),
                     ("hidden 2 · z = 1000", (1000.0,)),
                     ("hidden 3 · z = -1000", (-1000.0,))]
    cases += [(f"hidden {i}", (v,)) for i, v in enumerate(_numbers(rng, 3, -6, 6), 4)]
    return cases


def _sig(z: float) -> float:
    return _activation("sigmoid", z)


SIGMOID_DERIVATIVE = Exercise(
    name="sigmoid_derivative",
    function="sigmoid_derivative",
    examples=((0.0,), (2.0,)),
    reference=lambda z: float(Sigmoid().derivative(np.array([float(z)]))[0]),
    hidden=_sigmoid_derivative_hidden,
    mistakes=(
        ("use s * (1 + s)", lambda z: _sig(z) * (1 + _sig(z))),
        ("return the sigmoid itself", _sig),
        ("flip the sign", lambda z: -_sig(z) * (1 - _sig(z))),
    ),
    error_hints=(("OverflowError", "call the stable sigmoid(z) given in the file"),),
)


def _neuron_grad_ref(x: list[float], w: list[float], b: float,
                     target: float) -> tuple[list[float], float]:
    layer = _dense(np.array([w]), np.array([b]), "sigmoid")
    y = layer.forward(np.array([x], dtype=float))
    layer.backward(losses.MeanSquaredError().gradient(y, np.array([[target]], dtype=float)))
    return layer.grad_W[0].tolist(), float(layer.grad_b[0])


def _neuron_grad_hidden() -> Hidden:
    rng = _rng(818)
    cases: Hidden = [("hidden 1 · target 0", ([1.0, -1.0], [0.3, 0.2], 0.1, 0.0))]
    for i in range(2, 6):
        n = int(rng.integers(1, 5))
        cases.append((f"hidden {i}", (_numbers(rng, n), _numbers(rng, n, -1, 1),
                                      round(float(rng.uniform(-1, 1)), 2),
                                      float(rng.integers(0, 2)))))
    return cases


def _grad_variant(x: list[float], w: list[float], b: float, t: float, dloss: float,
                  slope: bool) -> tuple[list[float], float]:
    z = sum(a * c for a, c in zip(x, w)) + b
    y = _sig(z)
    dz = dloss * (y - t) * (y * (1 - y) if slope else 1.0)
    return [dz * a for a in x], dz


NEURON_GRADIENTS = Exercise(
    name="neuron_gradients",
    function="neuron_gradients",
    examples=(([1.0, 2.0], [0.5, -0.5], 0.0, 1.0),),
    reference=_neuron_grad_ref,
    hidden=_neuron_grad_hidden,
    parts=("grad_w", "grad_b"),
    mistakes=(
        ("leave out the sigmoid's slope dŷ/dz",
         lambda x, w, b, t: _grad_variant(x, w, b, t, 2.0, slope=False)),
        ("forget the 2 of d(e^2)/de", lambda x, w, b, t: _grad_variant(x, w, b, t, 1.0, True)),
        ("flip the sign (target - ŷ)", lambda x, w, b, t: _grad_variant(x, w, b, t, -2.0, True)),
    ),
)


# =========================================================================== lesson 9
def _dense_backward_ref(X: np.ndarray, W: np.ndarray,
                        grad_z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    layer = _dense(W, np.zeros(len(W)), None)
    layer.forward(np.array(X, dtype=float))
    grad_x = layer.backward(np.array(grad_z, dtype=float))
    return layer.grad_W.copy(), layer.grad_b.copy(), grad_x


def _dense_backward_hidden() -> Hidden:
    rng = _rng(909)
    cases: Hidden = []
    for i, (N, n, units) in enumerate([(1, 2, 1), (4, 3, 2), (3, 3, 3), (5, 2, 4)], 1):
        X = np.round(rng.uniform(-2, 2, (N, n)), 2)
        W = np.round(rng.uniform(-1, 1, (units, n)), 2)
        G = np.round(rng.uniform(-1, 1, (N, units)), 2)
        cases.append((f"hidden {i} · {N} samples, {n} inputs, {units} neurons", (X, W, G)))
    return cases


DENSE_BACKWARD = Exercise(
    name="dense_backward",
    function="dense_backward",
    examples=((np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]]),
               np.array([[0.2, -0.4, 0.1], [0.3, 0.8, -0.5]]),
               np.array([[1.0, -0.5], [0.25, 2.0]])),),
    reference=_dense_backward_ref,
    hidden=_dense_backward_hidden,
    parts=("grad_W", "grad_b", "grad_x"),
    mistakes=(
        ("average grad_b over the batch instead of summing",
         lambda X, W, G: (G.T @ X, G.mean(axis=0), G @ W)),
        ("average grad_W over the batch instead of summing",
         lambda X, W, G: (G.T @ X / len(X), G.sum(axis=0), G @ W)),
    ),
)


# =========================================================================== lesson 10
def _puzzle_ref(w: float, b: float, xs: list[float], ys: list[float],
                learning_rate: float) -> tuple[float, float]:
    model = stories.puzzle_model(w, b, learning_rate)
    model.train_step(np.array(xs, float).reshape(-1, 1), np.array(ys, float).reshape(-1, 1))
    W, bias = model.get_neuron_weights()
    return float(W[0, 0]), float(bias[0])


def _puzzle_variant(w: float, b: float, xs: list[float], ys: list[float], lr: float,
                    scale: float) -> tuple[float, float]:
    errors = [y - (w * x + b) for x, y in zip(xs, ys)]
    dW = -sum(x * e for x, e in zip(xs, errors)) * scale
    dB = -sum(errors) * scale
    return w - lr * dW, b - lr * dB


_PUZZLE_X = list(stories.PUZZLE_X)
_PUZZLE_Y = list(stories.PUZZLE_Y)

PUZZLE_STEP = Exercise(
    name="puzzle_step",
    function="puzzle_step",
    examples=((0.1, 0.6, _PUZZLE_X, _PUZZLE_Y, 0.0001),),
    reference=_puzzle_ref,
    hidden=lambda: [
        ("hidden 1 · three pairs (49 held out)", (0.1, 0.6, _PUZZLE_X[:3], _PUZZLE_Y[:3], 0.0001)),
        ("hidden 2 · later in training", (1.9, 0.7, _PUZZLE_X, _PUZZLE_Y, 0.0001)),
        ("hidden 3 · another rule", (0.5, -0.2, [1.0, 2.0, 3.0], [-1.0, 2.0, 5.0], 0.01)),
    ],
    parts=("new_w", "new_b"),
    mistakes=(
        ("average the gradients instead of summing them",
         lambda w, b, xs, ys, lr: _puzzle_variant(w, b, xs, ys, lr, 1 / len(xs))),
        ("step uphill (add the gradient instead of subtracting it)",
         lambda w, b, xs, ys, lr: _puzzle_variant(w, b, xs, ys, lr, -1.0)),
    ),
)


def _xor_start(seed: int, hidden: int) -> list[np.ndarray]:
    model = Sequential([Dense(hidden, activation="sigmoid", input_shape=(2,)),
                        Dense(1, activation="sigmoid")], seed=seed, dtype="float64")
    model.build()
    return [np.round(w, 3) for w in model.get_neuron_weights()]


def _train_xor_ref(W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray,
                   epochs: int, learning_rate: float) -> list[float]:
    model = Sequential([Dense(len(W1), activation="sigmoid", input_shape=(2,)),
                        Dense(1, activation="sigmoid")], dtype="float64")
    model.set_neuron_weights([W1, b1, W2, b2])
    model.compile(optimizer=SGD(learning_rate=learning_rate), loss="mse")
    X, y = xor_data()
    return model.fit(X, y, epochs=epochs, batch_size=4, shuffle=False, verbose=0).history["loss"]


TRAIN_XOR = Exercise(
    name="train_xor",
    function="train_xor",
    examples=((*_xor_start(0, 4), 5, 1.0),),
    reference=_train_xor_ref,
    hidden=lambda: [
        ("hidden 1 · 200 epochs", (*_xor_start(1, 4), 200, 1.0)),
        ("hidden 2 · two hidden neurons", (*_xor_start(2, 2), 100, 0.5)),
        ("hidden 3 · 1000 epochs", (*_xor_start(3, 4), 1000, 2.0)),
    ],
    timeout=10.0,
)


# =========================================================================== lesson 11
def _reference_xor_model() -> Sequential:
    model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                        Dense(1, activation="sigmoid")], seed=0)
    model.compile(optimizer=SGD(learning_rate=1.0), loss="mse")
    return model


XOR_MODEL = Exercise(
    name="xor_model",
    function="xor_model",
    examples=(),
    reference=lambda: None,
    expect=lambda case: model_aspect(_reference_xor_model(), case),
    observe=model_aspect,
    keys=("layers", "compiled", "learns XOR"),
    answer_note=("(the checker also reads how the model is compiled, then trains it and "
                 "rounds its four predictions: they must be the XOR truth table)"),
    timeout=15.0,
)


# =========================================================================== lesson 12
def _softmax_ref(z: list[float]) -> list[float]:
    return _plain(Softmax().forward(np.array([z], dtype=float))[0])


def _softmax_hidden() -> Hidden:
    rng = _rng(1212)
    cases: Hidden = [("hidden 1 · one class", ([5.0],)),
                     ("hidden 2 · -1000, 0 and 1000", ([-1000.0, 0.0, 1000.0],)),
                     ("hidden 3 · a tie", ([0.0, 0.0],))]
    cases += [(f"hidden {i}", (_numbers(rng, int(rng.integers(2, 7)), -4, 4),))
              for i in range(4, 7)]
    return cases


_SHIFT_HINT = ("subtract max(z) from every z before exp: softmax does not change, and exp "
               "then only sees numbers <= 0")

SOFTMAX = Exercise(
    name="softmax",
    function="softmax",
    examples=(([2.0, 1.0, 0.1],), ([1000.0, 1001.0, 1002.0],)),
    reference=_softmax_ref,
    hidden=_softmax_hidden,
    mistakes=(
        ("divide by the largest e^z instead of the sum",
         lambda z: [math.exp(v - max(z)) for v in z]),
    ),
    error_hints=(("OverflowError", _SHIFT_HINT), ("overflow", _SHIFT_HINT)),
)


# =========================================================================== seeing
def _conv2d_hidden() -> Hidden:
    rng = _rng(1313)
    cases: Hidden = [("hidden 1 · kernel as large as the image",
                      ([[1.0, 2.0], [3.0, 4.0]], [[0.5, -1.0], [2.0, 0.25]], 0.5)),
                     ("hidden 2 · a wide image, a 1x3 kernel",
                      ([[0.0, 1.0, 2.0, 3.0, 4.0]], [[1.0, 0.0, -1.0]], -0.5))]
    for i in range(3, 7):
        rows, cols, k = (int(n) for n in rng.integers([4, 4, 2], [8, 8, 4]))
        cases.append((f"hidden {i}", ([_numbers(rng, cols, 0.0, 1.0) for _ in range(rows)],
                                      [_numbers(rng, k) for _ in range(k)],
                                      round(float(rng.uniform(-1, 1)), 2))))
    return cases


CONV2D = Exercise(
    name="conv2d",
    function="conv2d",
    examples=(([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]], [[1.0, 2.0], [3.0, 4.0]], 0.5),
              ([[0.0, 0.0, 1.0, 1.0]] * 3, [[1.0, -1.0], [1.0, -1.0]], 0.0)),
    reference=lambda im, k, b: _plain(convolve(im, k, b)),
    hidden=_conv2d_hidden,
    mistakes=(
        ("flip the kernel (the mathematicians' convolution turns it around; a Conv2D layer "
         "lays it as it is: kernel[0][0] on the window's top-left pixel)",
         lambda im, k, b: _plain(convolve(im, np.flip(k), b))),
        ("stop one window short: range(len(image) - k) misses the last row and column of "
         "windows; there are len(image) - k + 1",
         lambda im, k, b: _plain(convolve(im, k, b)[:-1, :-1])),
        ("forget the bias: add it to every window's sum",
         lambda im, k, b: _plain(convolve(im, k, 0.0))),
    ),
    error_hints=(("IndexError", "a window ran off the image: the last window starts at row "
                                "len(image) - k, so there are len(image) - k + 1 windows down "
                                "(and the same across)"),),
)


# =========================================================================== the path
def _numbered(*exercises: Exercise) -> Catalog:
    """The path: each exercise numbered, with its lesson, title, task and hints from its file."""
    from dataclasses import replace

    catalog = Catalog()
    lessons = lesson_numbers()
    for number, exercise in enumerate(exercises, 1):
        words = exercise_file(exercise.name)
        where = f"content/exercises/{exercise.name}.py"
        if words.lesson not in lessons:
            raise ContentError(f"{where}: lesson {words.lesson!r} is not a lesson file's slug "
                               f"(known: {', '.join(lessons)})")
        catalog[exercise.name] = replace(exercise, number=number, lesson=lessons[words.lesson],
                                         slug=words.lesson, title=words.title, task=words.task,
                                         hints=words.hints)
    return catalog


EXERCISES = _numbered(NEURON, RELU, SIGMOID, LAYER_FORWARD, BATCH_FORWARD, GATE, XOR, MSE,
                      MSE_GRADIENT, SIGMOID_DERIVATIVE, NEURON_GRADIENTS, DENSE_BACKWARD,
                      PUZZLE_STEP, TRAIN_XOR, XOR_MODEL, SOFTMAX, CONV2D)
