"""
lesson: softmax
title: softmax, stable at any size

## Task
Write softmax(z) for a list of scores: e^z_i divided by the sum of all e^z_j, so the
outputs are positive and sum to 1. It must work for scores like 1000, 1001, 1002, where
e^1000 overflows: no error, no warning, no nan.

## Hint
Start with the formula and run the check on the large scores: what happens to
math.exp(1000)?

## Hint
Subtracting the same number c from every score does not change softmax: e^(z_i - c) /
sum e^(z_j - c) = e^z_i / sum e^z_j. Which c keeps exp small?

## Hint
top = max(z); exps = [math.exp(v - top) for v in z]; return [e / sum(exps) for e in
exps]
"""

import math


def softmax(z):
    """Return [e^z_i / sum_j e^z_j for each score z_i]."""
    # BEGIN SOLUTION
    # TODO: exponentiate (safely!) and normalise
    # raise NotImplementedError("TODO: write softmax")
    top = max(z)
    exps = [math.exp(v - top) for v in z]
    total = sum(exps)
    return [e / total for e in exps]
    # END SOLUTION
