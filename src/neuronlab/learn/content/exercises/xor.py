"""
lesson: xor
title: XOR from three neurons

## Task
No single neuron computes XOR, but three do. Write xor(x1, x2) with step neurons only: a
hidden neuron A computing OR, a hidden neuron B computing AND, and an output neuron
computing 'A and not B' from A and B.

## Hint
Reuse your gates: a = step_neuron([x1, x2], OR's weights, OR's bias), and the same for b
with AND.

## Hint
'a and not b' is true only for a = 1, b = 0. With weights [1, -1] the sum a - b is 1
only then; choose a bias that keeps every other sum at or below 0.

## Hint
return step_neuron([a, b], [1.0, -1.0], -0.5)
"""


def step_neuron(inputs, weights, bias):
    """1.0 if w·x + b > 0 else 0.0."""
    z = sum(x * w for x, w in zip(inputs, weights)) + bias
    return 1.0 if z > 0 else 0.0


def xor(x1, x2):
    """Return 1.0 if exactly one of x1, x2 is 1, else 0.0 - with three step neurons."""
    # BEGIN SOLUTION
    # TODO: a = OR neuron, b = AND neuron, then one neuron for "a and not b"
    # raise NotImplementedError("TODO: wire the XOR network")
    a = step_neuron([x1, x2], [1.0, 1.0], -0.5)   # OR
    b = step_neuron([x1, x2], [1.0, 1.0], -1.5)   # AND
    return step_neuron([a, b], [1.0, -1.0], -0.5)  # a and not b
    # END SOLUTION
