"""
lesson: gates-and-the-boundary
title: one neuron as a logic gate

## Task
Write gate(name) returning (weights, bias) that make one step neuron (output 1 if z > 0,
else 0) compute the gate: 'and', 'or', 'nand' (two inputs, each 0 or 1) or 'not' (one
input). Any weights that give the right truth table pass.

## Hint
With weights [1, 1] the sum x1 + x2 is 0, 1 or 2. Pick a bias so that only the sums you
want end up above 0.

## Hint
AND fires only when x1 + x2 = 2: a bias above -2 and up to -1 works. OR fires when
x1 + x2 >= 1: a bias above -1 and up to 0. NAND is AND with every sign flipped, if no
corner sits exactly at z = 0 (the step gives 0 there either way): flip ([1, 1], -1.5),
not ([1, 1], -1).

## Hint
AND: ([1, 1], -1.5); OR: ([1, 1], -0.5); NAND: ([-1, -1], 1.5); NOT: ([-1], 0.5).
"""


def step_neuron(inputs, weights, bias):
    """1.0 if w·x + b > 0 else 0.0 - use it to try your weights."""
    z = sum(x * w for x, w in zip(inputs, weights)) + bias
    return 1.0 if z > 0 else 0.0


def gate(name):
    """Return (weights, bias) for the gate `name`: "and", "or", "nand" or "not"."""
    # BEGIN SOLUTION
    # TODO: return a (weights, bias) pair for each gate name
    # raise NotImplementedError("TODO: choose weights and biases")
    if name == "and":
        return [1.0, 1.0], -1.5
    if name == "or":
        return [1.0, 1.0], -0.5
    if name == "nand":
        return [-1.0, -1.0], 1.5
    if name == "not":
        return [-1.0], 0.5
    raise ValueError(f"unknown gate {name!r}")
    # END SOLUTION
