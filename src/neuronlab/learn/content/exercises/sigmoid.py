"""
lesson: activations
title: a sigmoid that never overflows

## Task
Write sigmoid(z) = 1 / (1 + e^-z) with the math module. It must work for any z, even z =
-1000, where e^-z is far too large for a float: no OverflowError, no warning, no nan.

## Hint
Start with the formula 1 / (1 + math.exp(-z)) and run the check: which case breaks, and
why?

## Hint
math.exp(1000) is too big for a float. When z is negative, -z is positive and large.
Multiply top and bottom of 1 / (1 + e^-z) by e^z.

## Hint
Two branches: if z >= 0 return 1 / (1 + math.exp(-z)); else e = math.exp(z) and return e
/ (1 + e).
"""

import math


def sigmoid(z):
    """Return 1 / (1 + e^-z), in (0, 1), for any float z."""
    # BEGIN SOLUTION
    # TODO: compute the sigmoid so that math.exp never overflows
    # raise NotImplementedError("TODO: write sigmoid")
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)
    # END SOLUTION
