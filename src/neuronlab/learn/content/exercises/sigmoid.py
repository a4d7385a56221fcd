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
