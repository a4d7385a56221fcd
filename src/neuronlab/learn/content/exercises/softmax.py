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
