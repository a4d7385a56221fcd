"""The exercises of the learning path, in order, each checked against the library.

Every ``reference`` below is neuronlab's own code (``Neuron``, ``Dense``, the losses,
``stories.train_puzzle``'s model, ``Sequential.fit``), so an exercise's expected
answers are the library's answers. Hidden cases come from a fixed seed: the same
on every run, but not shown in the file.

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
from ..layers.conv import conv2d_reference
from ..model import Sequential
from ..neuron import Layer as PyLayer
from ..neuron import Neuron
from ..optimizers import SGD
from .exercises import Case, Catalog, Exercise
from .observers import gate_observe, model_aspect, truth_table

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
    lesson=1,
    title="one neuron",
    function="neuron",
    task=(
        "Write neuron(inputs, weights, bias): multiply each input by its weight, sum the "
        "products, add the bias, and return the sum passed through ReLU, max(0, z). Plain "
        "Python: two lists and a number in, one number out."
    ),
    hints=(
        "Three steps: multiply each input by its weight, add up the products and the "
        "bias to get z, then return z if it is positive and 0 otherwise.",
        "zip(inputs, weights) pairs each input with its weight: "
        "`for x, w in zip(inputs, weights)`.",
        "z = sum(x * w for x, w in zip(inputs, weights)) + bias, then return max(0.0, z).",
    ),
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
    lesson=2,
    title="ReLU",
    function="relu",
    task="Write relu(z): return z when it is positive, and 0 otherwise.",
    hints=(
        "ReLU lets positive numbers through unchanged and turns everything else into 0.",
        "One comparison is enough: is z greater than 0?",
        "return z if z > 0 else 0.0   (or: return max(0.0, z))",
    ),
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
    lesson=2,
    title="a sigmoid that never overflows",
    function="sigmoid",
    task=(
        "Write sigmoid(z) = 1 / (1 + e^-z) with the math module. It must work for any z, "
        "even z = -1000, where e^-z is far too large for a float: no OverflowError, no "
        "warning, no nan."
    ),
    hints=(
        "Start with the formula 1 / (1 + math.exp(-z)) and run the check: which case "
        "breaks, and why?",
        "math.exp(1000) is too big for a float. When z is negative, -z is positive and "
        "large. Multiply top and bottom of 1 / (1 + e^-z) by e^z.",
        "Two branches: if z >= 0 return 1 / (1 + math.exp(-z)); else e = math.exp(z) and "
        "return e / (1 + e).",
    ),
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
    lesson=3,
    title="a layer of neurons",
    function="layer_forward",
    task=(
        "Write layer_forward(inputs, weights, biases) for a ReLU layer: weights holds one "
        "row per neuron, biases one number per neuron. Every neuron reads the same inputs. "
        "Return a list with one output per neuron."
    ),
    hints=(
        "A layer is your neuron from exercise 1, run once per row of weights.",
        "Loop over zip(weights, biases): each step gives one neuron's weight row and bias.",
        "for row, bias in zip(weights, biases): z = sum(x * w for x, w in zip(inputs, row)) "
        "+ bias; outputs.append(max(0.0, z))",
    ),
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
    layer.set_weights([np.array(W, dtype=float), np.array(b, dtype=float)])
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
    lesson=4,
    title="a whole batch as one matrix product",
    function="batch_forward",
    task=(
        "Write batch_forward(X, W, b) with NumPy, without a Python loop: X holds one "
        "sample per row (N, n_inputs), W one neuron per row (units, n_inputs), b one bias "
        "per neuron (units,). Return ReLU(X @ W.T + b), an array of shape (N, units)."
    ),
    hints=(
        "Row i, column j of the answer is neuron j on sample i: the dot product of X's "
        "row i with W's row j. Which matrix product gives all of those at once?",
        "X is (N, n_inputs) and W is (units, n_inputs): X @ W.T is (N, units). Adding b "
        "(units,) adds each neuron's bias to its column.",
        "return np.maximum(X @ W.T + b, 0.0)",
    ),
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
    lesson=5,
    title="one neuron as a logic gate",
    function="gate",
    task=(
        "Write gate(name) returning (weights, bias) that make one step neuron (output 1 "
        "if z > 0, else 0) compute the gate: 'and', 'or', 'nand' (two inputs, each 0 or 1) "
        "or 'not' (one input). Any weights that give the right truth table pass."
    ),
    hints=(
        "With weights [1, 1] the sum x1 + x2 is 0, 1 or 2. Pick a bias so that only the "
        "sums you want end up above 0.",
        "AND fires only when x1 + x2 = 2: a bias between -2 and -1 works. OR fires when "
        "x1 + x2 >= 1: a bias between -1 and 0. NAND is AND with every sign flipped.",
        "AND: ([1, 1], -1.5); OR: ([1, 1], -0.5); NAND: ([-1, -1], 1.5); NOT: ([-1], 0.5).",
    ),
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
    lesson=6,
    title="XOR from three neurons",
    function="xor",
    task=(
        "No single neuron computes XOR, but three do. Write xor(x1, x2) with step neurons "
        "only: a hidden neuron A computing OR, a hidden neuron B computing AND, and an "
        "output neuron computing 'A and not B' from A and B."
    ),
    hints=(
        "Reuse your gates: a = step_neuron([x1, x2], OR's weights, OR's bias), and the "
        "same for b with AND.",
        "'a and not b' is true only for a = 1, b = 0. With weights [1, -1] the sum a - b "
        "is 1 only then; choose a bias that keeps every other sum at or below 0.",
        "return step_neuron([a, b], [1.0, -1.0], -0.5)",
    ),
    examples=((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)),
    reference=_xor_ref,
    mistakes=(("return OR", lambda a, b: float(a or b)),
              ("return AND", lambda a, b: float(a and b))),
)


# =========================================================================== lesson 7
def _mse_ref(predictions: list[float], targets: list[float]) -> float:
    return losses.get("mse")(np.array(predictions, float), np.array(targets, float))


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
    lesson=7,
    title="mean squared error",
    function="mse",
    task=(
        "Write mse(predictions, targets): the mean of the squared differences "
        "(prediction - target)^2 over all the pairs. Plain Python lists in, one number out."
    ),
    hints=(
        "Three words: error, square, mean.",
        "For each pair, prediction y_hat and target y, compute (y_hat - y) ** 2; the mean is "
        "the sum divided by how many pairs.",
        "return sum((y_hat - y) ** 2 for y_hat, y in zip(predictions, targets)) "
        "/ len(predictions)",
    ),
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
    lesson=7,
    title="the gradient of the loss",
    function="mse_gradient",
    task=(
        "Write mse_gradient(predictions, targets): how much the mean squared error grows "
        "when each prediction grows a little, dL/dŷ_i = 2 (ŷ_i - y_i) / N for N pairs "
        "(ŷ_i a prediction, y_i its target). "
        "Return a list with one number per prediction."
    ),
    hints=(
        "Only one term of the sum contains ŷ_i: (ŷ_i - y_i)^2 / N. Differentiate that.",
        "d/dŷ (ŷ - y)^2 = 2 (ŷ - y). Keep the 1/N from the mean.",
        "return [2 * (y_hat - y) / len(predictions) "
        "for y_hat, y in zip(predictions, targets)]",
    ),
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
    lesson=8,
    title="the slope of the sigmoid",
    function="sigmoid_derivative",
    task=(
        "Write sigmoid_derivative(z), the slope of the sigmoid at z. It has a famous short "
        "form in terms of the sigmoid's own output s = sigmoid(z): s (1 - s). A stable "
        "sigmoid is given."
    ),
    hints=(
        "The sigmoid is flattest far from 0 and steepest at 0: the answer is largest at "
        "z = 0 and tiny for z = ±1000.",
        "Compute s = sigmoid(z) first; the derivative is a product of s and one more factor.",
        "return s * (1.0 - s)",
    ),
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
    lesson=8,
    title="the chain rule for one neuron",
    function="neuron_gradients",
    task=(
        "One sigmoid neuron ŷ = sigmoid(w·x + b) and the loss L = (ŷ - target)^2. Write "
        "neuron_gradients(x, w, b, target) returning (grad_w, grad_b): the list dL/dw_i "
        "and the number dL/db. Chain rule: dL/dw_i = dL/dŷ · dŷ/dz · dz/dw_i."
    ),
    hints=(
        "Go backwards one link at a time: first dL/dŷ, then dL/dz = dL/dŷ · dŷ/dz, then "
        "each weight.",
        "dL/dŷ = 2 (ŷ - target); dŷ/dz = ŷ (1 - ŷ) for a sigmoid; dz/dw_i = x_i; "
        "dz/db = 1.",
        "dL_dz = 2 * (y_hat - target) * y_hat * (1 - y_hat); "
        "return [dL_dz * xi for xi in x], dL_dz",
    ),
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
    lesson=9,
    title="backpropagation through a layer",
    function="dense_backward",
    task=(
        "A layer computes z = X @ W.T + b for a batch X (N, n_inputs) and weights W "
        "(units, n_inputs). Given grad_z = dL/dz (N, units), write dense_backward(X, W, "
        "grad_z) returning (grad_W, grad_b, grad_x): dL/dW (units, n_inputs) summed over "
        "the batch, dL/db (units,), and dL/dX (N, n_inputs) for the layer before."
    ),
    hints=(
        "Let the shapes guide you: grad_W must be (units, n_inputs), grad_b (units,), "
        "grad_x (N, n_inputs). Which products of X, W and grad_z have those shapes?",
        "z[i, j] = sum_k X[i, k] W[j, k] + b[j]: so dz[i, j]/dW[j, k] = X[i, k] and "
        "dz[i, j]/dX[i, k] = W[j, k]; every sample adds its share to grad_W and grad_b.",
        "grad_W = grad_z.T @ X; grad_b = grad_z.sum(axis=0); grad_x = grad_z @ W",
    ),
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
    W, bias = model.get_weights()
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
    lesson=10,
    title="one step of gradient descent",
    function="puzzle_step",
    task=(
        "One linear neuron y_hat = w·x + b learns the puzzle 11->23, 23->47, 36->73, "
        "49->99. Write puzzle_step(w, b, xs, ys, learning_rate) doing one step: errors "
        "e = y - y_hat, gradients dW = -sum(x·e) and dB = -sum(e) (sums, not means), then "
        "w - learning_rate·dW and b - learning_rate·dB. Return (new_w, new_b)."
    ),
    hints=(
        "First the errors, one per pair: target minus prediction.",
        "dW adds up x times its error over all pairs, with a minus sign; dB adds up the "
        "errors, with a minus sign. Move against the gradient: subtract learning_rate "
        "times it.",
        "errors = [y - y_hat for y, y_hat in zip(ys, predictions)]; dW = -sum(x * e for x, e in "
        "zip(xs, errors)); dB = -sum(errors); return w - learning_rate * dW, "
        "b - learning_rate * dB",
    ),
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
    return [np.round(w, 3) for w in model.get_weights()]


def _train_xor_ref(W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray,
                   epochs: int, learning_rate: float) -> list[float]:
    model = Sequential([Dense(len(W1), activation="sigmoid", input_shape=(2,)),
                        Dense(1, activation="sigmoid")], dtype="float64")
    model.set_weights([W1, b1, W2, b2])
    model.compile(optimizer=SGD(learning_rate=learning_rate), loss="mse")
    X, y = xor_data()
    return model.fit(X, y, epochs=epochs, batch_size=4, shuffle=False, verbose=0).history["loss"]


TRAIN_XOR = Exercise(
    name="train_xor",
    lesson=10,
    title="the training loop",
    function="train_xor",
    task=(
        "Finish the training loop of a 2 -> hidden -> 1 sigmoid network on XOR with the "
        "loss L = mean((y_hat - Y)^2) and plain gradient descent on the whole batch. The "
        "forward pass and the loss are written; add backpropagation and the update. The "
        "function returns the loss of every epoch, measured before that epoch's update."
    ),
    hints=(
        "Work backwards exactly as in the lessons: dL/dy_hat, through the output "
        "sigmoid, into the output layer (as in dense_backward), through the hidden sigmoid, into "
        "the hidden layer.",
        "grad_y_hat = 2 (y_hat - Y) / Y.size; grad_z2 = grad_y_hat * y_hat * (1 - y_hat); "
        "grad_W2 = grad_z2.T @ h; the gradient reaching h is grad_z2 @ W2; times "
        "h * (1 - h) gives grad_z1.",
        "grad_W1 = grad_z1.T @ X; grad_b1 = grad_z1.sum(axis=0); then W1 -= learning_rate "
        "* grad_W1, and the same for b1, W2, b2 (compute every gradient before updating).",
    ),
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
    lesson=11,
    title="the same network with Sequential",
    function="xor_model",
    task=(
        "Write xor_model() returning the XOR network of lesson 10 built with neuronlab's "
        "framework: a Sequential of Dense(4) with sigmoid reading 2 inputs and Dense(1) "
        "with sigmoid, seed=0, compiled with SGD(learning_rate=1.0) and the mse loss. "
        "The checker trains it for 3000 epochs and reads its predictions."
    ),
    hints=(
        "Sequential takes a list of layers; the first Dense needs input_shape=(2,).",
        "Dense(units, activation=\"sigmoid\") for both layers; then "
        "model.compile(optimizer=..., loss=\"mse\").",
        "model = Sequential([Dense(4, activation=\"sigmoid\", input_shape=(2,)), "
        "Dense(1, activation=\"sigmoid\")], seed=0); "
        "model.compile(optimizer=SGD(learning_rate=1.0), loss=\"mse\")",
    ),
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
    lesson=12,
    title="softmax, stable at any size",
    function="softmax",
    task=(
        "Write softmax(z) for a list of scores: e^z_i divided by the sum of all e^z_j, so "
        "the outputs are positive and sum to 1. It must work for scores like 1000, 1001, "
        "1002, where e^1000 overflows: no error, no warning, no nan."
    ),
    hints=(
        "Start with the formula and run the check on the large scores: what happens to "
        "math.exp(1000)?",
        "Subtracting the same number c from every score does not change softmax: "
        "e^(z_i - c) / sum e^(z_j - c) = e^z_i / sum e^z_j. Which c keeps exp small?",
        "top = max(z); exps = [math.exp(v - top) for v in z]; return [e / sum(exps) for e "
        "in exps]",
    ),
    examples=(([2.0, 1.0, 0.1],), ([1000.0, 1001.0, 1002.0],)),
    reference=_softmax_ref,
    hidden=_softmax_hidden,
    mistakes=(
        ("divide by the largest e^z instead of the sum",
         lambda z: [math.exp(v - max(z)) for v in z]),
    ),
    error_hints=(("OverflowError", _SHIFT_HINT), ("overflow", _SHIFT_HINT)),
)


# =========================================================================== lesson 13
def _conv2d_ref(image: list[list[float]], kernel: list[list[float]], bias: float,
                flip: bool = False) -> list[list[float]]:
    """Conv2D's loop (``conv2d_reference``) on one grey image and one kernel."""
    x = np.array(image, dtype=float)[np.newaxis, :, :, np.newaxis]
    k = np.array(kernel, dtype=float)
    k = k[::-1, ::-1] if flip else k
    z = conv2d_reference(x, k[np.newaxis, :, :, np.newaxis], np.array([float(bias)]))
    return _plain(z[0, :, :, 0])


def _conv2d_hidden() -> Hidden:
    rng = _rng(1313)
    cases: Hidden = [
        ("hidden 1 · kernel as large as the image", (
            [[1.0, 2.0], [3.0, 4.0]], [[0.5, -1.0], [2.0, 0.25]], 0.5)),
        ("hidden 2 · a wide image, a 1x3 kernel", (
            [[0.0, 1.0, 2.0, 3.0, 4.0]], [[1.0, 0.0, -1.0]], -0.5)),
    ]
    for i in range(3, 7):
        rows, cols, k = int(rng.integers(4, 8)), int(rng.integers(4, 8)), int(rng.integers(2, 4))
        image = [_numbers(rng, cols, 0.0, 1.0) for _ in range(rows)]
        kernel = [_numbers(rng, k) for _ in range(k)]
        cases.append((f"hidden {i}", (image, kernel, round(float(rng.uniform(-1, 1)), 2))))
    return cases


CONV2D = Exercise(
    name="conv2d",
    lesson=13,
    title="a convolution with loops",
    function="conv2d",
    task=(
        "Write conv2d(image, kernel, bias) for one grey picture: image is a list of rows "
        "of pixels, kernel a small list of rows of weights, bias a number. Slide the "
        "kernel over every whole window (stride 1, no padding); for each window multiply "
        "every pixel by the weight laid on it, add the products and the bias. Return the "
        "feature map as a list of rows. Lay the kernel as it is: kernel[0][0] multiplies "
        "the window's top-left pixel."
    ),
    hints=(
        "Count first: a kernel of k rows fits len(image) - k + 1 times down the image "
        "(a 4-row image and a 2-row kernel: windows start at rows 0, 1 and 2).",
        "Four loops: the output row i, the output column j, then the kernel's row a and "
        "column b; the pixel under kernel[a][b] is image[i + a][j + b].",
        "z = bias; for a ...: for b ...: z += image[i + a][j + b] * kernel[a][b]; append z "
        "to the row, and each row to the map.",
    ),
    examples=(([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]],
               [[1.0, 2.0], [3.0, 4.0]], 0.5),
              ([[0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0]],
               [[1.0, -1.0], [1.0, -1.0]], 0.0)),
    reference=_conv2d_ref,
    hidden=_conv2d_hidden,
    mistakes=(
        ("flip the kernel (the mathematicians' convolution turns it around; a Conv2D layer "
         "lays it as it is: kernel[0][0] on the window's top-left pixel)",
         lambda image, kernel, bias: _conv2d_ref(image, kernel, bias, flip=True)),
        ("stop one window short: range(len(image) - k) misses the last row and column of "
         "windows; there are len(image) - k + 1",
         lambda image, kernel, bias: [row[:-1] for row in _conv2d_ref(image, kernel, bias)[:-1]]),
        ("forget the bias: add it to every window's sum",
         lambda image, kernel, bias: _conv2d_ref(image, kernel, 0.0)),
    ),
    error_hints=(("IndexError", "a window ran off the image: the last window starts at "
                                "row len(image) - k, so there are len(image) - k + 1 windows "
                                "down (and the same across)"),),
)


# =========================================================================== the path
def _numbered(*exercises: Exercise) -> Catalog:
    from dataclasses import replace

    catalog = Catalog()
    for number, exercise in enumerate(exercises, 1):
        catalog[exercise.name] = replace(exercise, number=number)
    return catalog


EXERCISES = _numbered(NEURON, RELU, SIGMOID, LAYER_FORWARD, BATCH_FORWARD, GATE, XOR, MSE,
                      MSE_GRADIENT, SIGMOID_DERIVATIVE, NEURON_GRADIENTS, DENSE_BACKWARD,
                      PUZZLE_STEP, TRAIN_XOR, XOR_MODEL, SOFTMAX, CONV2D)
