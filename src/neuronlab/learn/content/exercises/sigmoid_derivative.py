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
