"""
lesson: activations
title: ReLU

## Task
Write relu(z): return z when it is positive, and 0 otherwise.

## Hint
ReLU lets positive numbers through unchanged and turns everything else into 0.

## Hint
One comparison is enough: is z greater than 0?

## Hint
return z if z > 0 else 0.0   (or: return max(0.0, z))
"""


def relu(z):
    """Return max(0, z)."""
    # BEGIN SOLUTION
    # TODO: pass positive z through, silence the rest
    # raise NotImplementedError("TODO: write relu")
    return z if z > 0 else 0.0
    # END SOLUTION
