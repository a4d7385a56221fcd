def neuron(inputs, weights, bias):
    """Return relu(w1*x1 + ... + wn*xn + b)."""
    # BEGIN SOLUTION
    # TODO: multiply, sum (plus the bias), activate - then delete this line and the raise
    # raise NotImplementedError("TODO: write the neuron")
    z = sum(x * w for x, w in zip(inputs, weights)) + bias
    return max(0.0, z)
    # END SOLUTION
