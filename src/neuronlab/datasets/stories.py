"""The seed stories: tiny fixed tables (the logic gates, XOR, the 2x+1 puzzle).

Each returns ``(X, y)`` as float64 arrays of shapes ``(n, features)`` and ``(n, 1)``.

>>> X, y = xor()
>>> X.shape, y.ravel().tolist()
((4, 2), [0.0, 1.0, 1.0, 0.0])
"""

from __future__ import annotations

import numpy as np

#: The four input rows of a 2-input gate, in truth-table order.
GATE_INPUTS = ((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0))
#: Each 2-input gate's outputs for :data:`GATE_INPUTS`.
GATE_TABLES = {
    "and": (0.0, 0.0, 0.0, 1.0),
    "or": (0.0, 1.0, 1.0, 1.0),
    "xor": (0.0, 1.0, 1.0, 0.0),
}

#: The question of the 2x+1 puzzle (worked example §6): what does 55 map to? (111)
PUZZLE_QUESTION = 55.0


def _gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Return the truth table of a 2-input gate: X (4, 2) and y (4, 1), float64."""
    X = np.array(GATE_INPUTS, dtype=np.float64)
    y = np.array(GATE_TABLES[name], dtype=np.float64).reshape(-1, 1)
    return X, y


def and_gate() -> tuple[np.ndarray, np.ndarray]:
    """Return the AND truth table: X float64 (4, 2), y float64 (4, 1).

    >>> X, y = and_gate()
    >>> X.tolist(), y.ravel().tolist()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 0.0, 0.0, 1.0])
    """
    return _gate("and")


def or_gate() -> tuple[np.ndarray, np.ndarray]:
    """Return the OR truth table: X float64 (4, 2), y float64 (4, 1).

    >>> or_gate()[1].ravel().tolist()
    [0.0, 1.0, 1.0, 1.0]
    """
    return _gate("or")


def not_gate() -> tuple[np.ndarray, np.ndarray]:
    """Return the NOT truth table: X float64 (2, 1) = [[0], [1]], y float64 (2, 1) = [[1], [0]].

    >>> X, y = not_gate()
    >>> X.ravel().tolist(), y.ravel().tolist()
    ([0.0, 1.0], [1.0, 0.0])
    """
    return np.array([[0.0], [1.0]]), np.array([[1.0], [0.0]])


def xor() -> tuple[np.ndarray, np.ndarray]:
    """Return the XOR truth table (not linearly separable): X float64 (4, 2), y float64 (4, 1).

    >>> xor()[1].ravel().tolist()
    [0.0, 1.0, 1.0, 0.0]
    """
    return _gate("xor")


def puzzle() -> tuple[np.ndarray, np.ndarray]:
    """Return the 2x+1 puzzle of worked example §6: X float64 (4, 1), y float64 (4, 1).

    The rule is ``y = 2x + 1``; :data:`PUZZLE_QUESTION` (55) is the value to predict.

    >>> X, y = puzzle()
    >>> X.ravel().tolist(), y.ravel().tolist()
    ([11.0, 23.0, 36.0, 49.0], [23.0, 47.0, 73.0, 99.0])
    >>> 2 * PUZZLE_QUESTION + 1
    111.0
    """
    X = np.array([[11.0], [23.0], [36.0], [49.0]])
    return X, 2.0 * X + 1.0
