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
