"""
lesson: a-batch
title: a whole batch as one matrix product

## Task
Write batch_forward(X, W, b) with NumPy, without a Python loop: X holds one sample per
row (N, n_inputs), W one neuron per row (units, n_inputs), b one bias per neuron
(units,). Return ReLU(X @ W.T + b), an array of shape (N, units).

## Hint
Row i, column j of the answer is neuron j on sample i: the dot product of X's row i with
W's row j. Which matrix product gives all of those at once?

## Hint
X is (N, n_inputs) and W is (units, n_inputs): X @ W.T is (N, units). Adding b (units,)
adds each neuron's bias to its column.

## Hint
return np.maximum(X @ W.T + b, 0.0)
"""

import numpy as np


def batch_forward(X, W, b):
    """Return relu(X @ W.T + b): (N, n_inputs) -> (N, units)."""
    # BEGIN SOLUTION
    # TODO: one matrix product, add the biases, then ReLU with np.maximum
    # raise NotImplementedError("TODO: write the batch forward pass")
    return np.maximum(X @ W.T + b, 0.0)
    # END SOLUTION
