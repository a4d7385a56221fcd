"""The worked stories of the lessons, as code that computes their numbers.

* :data:`GATES` and :func:`gate_neuron` - one step neuron as AND, OR, NOT.
* :func:`hand_wired_xor` - two layers wired by hand: A = OR, B = AND, out = A and not B.
* :func:`single_neuron_on_xor` - one neuron trained on XOR: never 4 of 4 right, and it
  ends answering one half everywhere; :func:`best_line_on_xor` - a line gets 3 at best.
* :func:`train_puzzle` - one linear neuron learns 11->23, 23->47, 36->73, 49->99
  (targets ``y``, predictions ``ŷ``, errors ``e = y - ŷ``).

>>> [gate_neuron("and")([a, b]) for a, b in [(0, 0), (0, 1), (1, 0), (1, 1)]]
[0.0, 0.0, 0.0, 1.0]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import UnknownNameError
from .layers import Dense
from .model import Sequential
from .neuron import Layer as PyLayer
from .neuron import Network as PyNetwork
from .neuron import Neuron
from .optimizers import SGD

#: Weights and bias that make one step neuron a logic gate.
GATES: dict[str, tuple[list[float], float]] = {
    "and": ([1.0, 1.0], -1.5),
    "or": ([1.0, 1.0], -0.5),
    "not": ([-1.0], 0.5),
}

XOR_INPUTS = [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]


def gate_neuron(name: str) -> Neuron:
    """A step neuron computing the gate ``name`` ("and", "or" or "not")."""
    key = name.strip().lower()
    if key not in GATES:
        raise UnknownNameError(f"Unknown gate {name!r}. Valid names: {', '.join(GATES)}.")
    weights, bias = GATES[key]
    return Neuron(weights, bias, "step")


def hand_wired_xor_py() -> PyNetwork:
    """XOR in pure Python: hidden A = OR, B = AND; output = A and not B (``A - B - 0.5 > 0``)."""
    (w_or, b_or), (w_and, b_and) = GATES["or"], GATES["and"]
    hidden = PyLayer([w_or, w_and], [b_or, b_and], "step")
    output = PyLayer([[1.0, -1.0]], [-0.5], "step")
    return PyNetwork([hidden, output])


def hand_wired_xor() -> Sequential:
    """The same hand-wired XOR network as a NumPy :class:`Sequential` model (step units)."""
    (w_or, b_or), (w_and, b_and) = GATES["or"], GATES["and"]
    model = Sequential([Dense(2, activation="step", input_shape=(2,)),
                        Dense(1, activation="step")], dtype="float64")
    model.set_neuron_weights([[w_or, w_and], [b_or, b_and], [[1.0, -1.0]], [-0.5]])
    return model


@dataclass
class XorAttempt:
    """One sigmoid neuron trained on XOR: its best count of right answers over the
    epochs, where it ends, and its loss epoch by epoch."""

    best_correct: int  # the most of the 4 cases any epoch's predictions got right
    best_epoch: int  # the first epoch that got them (0: the random start, before any update)
    predictions: list[float]  # its outputs at the four corners after the last epoch
    losses: list[float] = field(default_factory=list)

    @property
    def best_when(self) -> str:
        """When the best came, in words."""
        if self.best_epoch == 0:
            return "at its random start, before any update"
        return f"after {self.best_epoch} updates"


def single_neuron_on_xor(epochs: int = 2000, seed: int = 0,
                         learning_rate: float = 1.0) -> XorAttempt:
    """Train one sigmoid neuron on XOR (mean squared error, plain gradient descent).

    No line separates XOR's classes, so no epoch gets all 4 cases right; a line gets 3 at
    most (:func:`best_line_on_xor`). Training does not look for those 3: the mean squared
    error is lowest, 0.25, with every output at one half, so the weights go to zero and
    the trained neuron answers 0.5 at every corner, sitting on the fence.

    >>> attempt = single_neuron_on_xor()
    >>> attempt.best_correct, attempt.best_when
    (3, 'at its random start, before any update')
    >>> [round(p, 3) for p in attempt.predictions], round(attempt.losses[-1], 3)
    ([0.5, 0.5, 0.5, 0.5], 0.25)
    """
    X = np.array(XOR_INPUTS)
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    model = Sequential([Dense(1, activation="sigmoid", input_shape=(2,))], seed=seed,
                       dtype="float64")
    model.compile(optimizer=SGD(learning_rate=learning_rate), loss="mse")
    losses: list[float] = []
    best_correct, best_epoch = -1, 0
    for epoch in range(epochs):
        losses.append(model.train_step(X, y))
        y_pred = model.last_output  # the predictions that loss came from (before the update)
        assert y_pred is not None
        correct = int(((y_pred > 0.5) == (y > 0.5)).sum())
        if correct > best_correct:
            best_correct, best_epoch = correct, epoch
    return XorAttempt(best_correct, best_epoch, model.predict(X)[:, 0].tolist(), losses)


def best_line_on_xor() -> int:
    """The most XOR corners one line (one step neuron) gets right: 3.

    Every way a line can split the four corners is made by a step neuron with weights
    in {-1, 0, 1} and a bias in {-2.5, -1.5, ..., 1.5} (14 of the 16 yes/no patterns;
    only XOR and its opposite are missing); count each pattern's right answers.

    >>> best_line_on_xor()
    3
    """
    targets = [0.0, 1.0, 1.0, 0.0]
    best = 0
    for w1 in (-1.0, 0.0, 1.0):
        for w2 in (-1.0, 0.0, 1.0):
            for b in (-2.5, -1.5, -0.5, 0.5, 1.5):
                neuron = Neuron([w1, w2], b, "step")
                right = sum(neuron(list(x)) == t for x, t in zip(XOR_INPUTS, targets))
                best = max(best, right)
    return best


@dataclass
class PuzzleStep:
    """The state after one gradient-descent step of the 2x+1 puzzle (step -1: the start)."""

    step: int
    weight: float
    bias: float
    prediction: float  # for the question, 55
    held_out: float | None  # for the held-out sample, when validating


@dataclass
class PuzzleRun:
    """Every step of one puzzle training run, plus the first step's worked figures."""

    steps: list[PuzzleStep]
    first_predictions: list[float]
    first_errors: list[float]
    first_dW: float
    first_dB: float
    start: PuzzleStep | None = None  # before any update: w = 0.1, b = 0.6, 55 -> 6.1

    @property
    def final(self) -> PuzzleStep:
        return self.steps[-1]


def report_steps(total: int, every: int = 10) -> list[int]:
    """The steps whose result a puzzle table shows: every ``every``-th, and the last.

    >>> report_steps(50)
    [0, 10, 20, 30, 40, 49]
    """
    return sorted({*range(0, total, every), total - 1})


def step_label(step: int, total: int) -> str:
    """How a table row names the state after ``step`` (counted from 0) of ``total``.

    >>> step_label(0, 50), step_label(49, 50), step_label(-1, 50)
    ('after step 0', 'after step 49 = 50 steps', 'start, before step 0')
    """
    if step < 0:
        return "start, before step 0"
    if step == total - 1:
        return f"after step {step} = {total} steps"
    return f"after step {step}"


PUZZLE_X = [11.0, 23.0, 36.0, 49.0]
PUZZLE_Y = [23.0, 47.0, 73.0, 99.0]
PUZZLE_QUESTION = 55.0


def train_puzzle(steps: int = 50, validate: bool = False, weight: float = 0.1,
                 bias: float = 0.6, learning_rate: float = 0.0001) -> PuzzleRun:
    """Learn the rule behind 11->23, 23->47, 36->73, 49->99 with one linear neuron.

    Each step, in plain Python: ``e = y - ŷ`` (target minus prediction); ``dW = -sum(x * e)``;
    ``dB = -sum(e)``; ``w -= learning_rate * dW``; ``b -= learning_rate * dB``.
    With ``validate=True`` the last pair (49 -> 99) is held out and predicted after
    every step. Step 0 is the first update; "after 50 steps" is step 49.
    """
    xs, ys = (PUZZLE_X[:3], PUZZLE_Y[:3]) if validate else (PUZZLE_X, PUZZLE_Y)
    w, b = weight, bias
    start = PuzzleStep(-1, w, b, w * PUZZLE_QUESTION + b, w * PUZZLE_X[3] + b if validate else None)
    record: list[PuzzleStep] = []
    first: tuple[list[float], list[float], float, float] | None = None
    for step in range(steps):
        predictions = [w * x + b for x in xs]
        errors = [y - p for y, p in zip(ys, predictions)]
        dW = -sum(x * e for x, e in zip(xs, errors))
        dB = -sum(errors)
        if first is None:
            first = (predictions, errors, dW, dB)
        w -= learning_rate * dW
        b -= learning_rate * dB
        held = w * PUZZLE_X[3] + b if validate else None
        record.append(PuzzleStep(step, w, b, w * PUZZLE_QUESTION + b, held))
    assert first is not None
    return PuzzleRun(record, *first, start=start)


def puzzle_model(weight: float = 0.1, bias: float = 0.6,
                 learning_rate: float = 0.0001) -> Sequential:
    """The puzzle's neuron as a NumPy model: ``Dense(1)``, loss ``sse``, plain SGD.

    Loss ``sse`` is ``1/2 * sum(e^2)``, whose gradient is exactly the puzzle's
    ``dW = -sum(x * e)``, so ``fit`` reproduces :func:`train_puzzle` step for step.
    """
    model = Sequential([Dense(1, input_shape=(1,))], dtype="float64")
    model.set_neuron_weights([[[weight]], [bias]])
    model.compile(optimizer=SGD(learning_rate=learning_rate), loss="sse")
    return model
