"""
lesson: the-chain-rule
title: the slope of the sigmoid

## Task
Write sigmoid_derivative(z), the slope of the sigmoid at z. It has a famous short form
in terms of the sigmoid's own output s = sigmoid(z): s (1 - s). A stable sigmoid is
given.

## Hint
The sigmoid is flattest far from 0 and steepest at 0: the answer is largest at z = 0 and
tiny for z = ±1000.

## Hint
Compute s = sigmoid(z) first; the derivative is a product of s and one more factor.

## Hint
return s * (1.0 - s)
"""

import math


def sigmoid(z):
    """1 / (1 + e^-z), computed without overflow."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def sigmoid_derivative(z):
    """Return d sigmoid(z) / dz."""
    # BEGIN SOLUTION
    # TODO: use s = sigmoid(z)
    # raise NotImplementedError("TODO: write the derivative")
    s = sigmoid(z)
    return s * (1.0 - s)
    # END SOLUTION
