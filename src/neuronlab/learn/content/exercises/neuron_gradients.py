"""
lesson: the-chain-rule
title: the chain rule for one neuron

## Task
One sigmoid neuron ŷ = sigmoid(w·x + b) and the loss L = (ŷ - target)^2. Write
neuron_gradients(x, w, b, target) returning (grad_w, grad_b): the list dL/dw_i and the
number dL/db. Chain rule: dL/dw_i = dL/dŷ · dŷ/dz · dz/dw_i.

## Hint
Go backwards one link at a time: first dL/dŷ, then dL/dz = dL/dŷ · dŷ/dz, then each
weight.

## Hint
dL/dŷ = 2 (ŷ - target); dŷ/dz = ŷ (1 - ŷ) for a sigmoid; dz/dw_i = x_i; dz/db = 1.

## Hint
dL_dz = 2 * (y_hat - target) * y_hat * (1 - y_hat); return [dL_dz * xi for xi in x],
dL_dz
"""

import math


def sigmoid(z):
    """1 / (1 + e^-z), computed without overflow."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def neuron_gradients(x, w, b, target):
    """Return ([dL/dw_i for each weight], dL/db) for L = (sigmoid(w·x + b) - target)**2."""
    z = sum(xi * wi for xi, wi in zip(x, w)) + b
    y_hat = sigmoid(z)
    # BEGIN SOLUTION
    # TODO: dL/dy_hat, then dy_hat/dz, then dz/dw_i = x_i and dz/db = 1
    # raise NotImplementedError("TODO: apply the chain rule")
    dL_dyhat = 2.0 * (y_hat - target)
    dyhat_dz = y_hat * (1.0 - y_hat)
    dL_dz = dL_dyhat * dyhat_dz
    return [dL_dz * xi for xi in x], dL_dz
    # END SOLUTION
