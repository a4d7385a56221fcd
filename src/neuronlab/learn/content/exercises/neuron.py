"""
lesson: the-neuron
title: one neuron

## Task
Write neuron(inputs, weights, bias): multiply each input by its weight, sum the
products, add the bias, and return the sum passed through ReLU, max(0, z). Plain Python:
two lists and a number in, one number out.

## Hint
Three steps: multiply each input by its weight, add up the products and the bias to get
z, then return z if it is positive and 0 otherwise.

## Hint
zip(inputs, weights) pairs each input with its weight: `for x, w in zip(inputs,
weights)`.

## Hint
z = sum(x * w for x, w in zip(inputs, weights)) + bias, then return max(0.0, z).
"""


def neuron(inputs, weights, bias):
    """Return relu(w1*x1 + ... + wn*xn + b)."""
    # BEGIN SOLUTION
    # TODO: multiply, sum (plus the bias), activate - then delete this line and the raise
    # raise NotImplementedError("TODO: write the neuron")
    z = sum(x * w for x, w in zip(inputs, weights)) + bias
    return max(0.0, z)
    # END SOLUTION
