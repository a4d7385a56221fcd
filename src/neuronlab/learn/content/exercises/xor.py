def step_neuron(inputs, weights, bias):
    """1.0 if w·x + b > 0 else 0.0."""
    z = sum(x * w for x, w in zip(inputs, weights)) + bias
    return 1.0 if z > 0 else 0.0


def xor(x1, x2):
    """Return 1.0 if exactly one of x1, x2 is 1, else 0.0 - with three step neurons."""
    # BEGIN SOLUTION
    # TODO: a = OR neuron, b = AND neuron, then one neuron for "a and not b"
    # raise NotImplementedError("TODO: wire the XOR network")
    a = step_neuron([x1, x2], [1.0, 1.0], -0.5)   # OR
    b = step_neuron([x1, x2], [1.0, 1.0], -1.5)   # AND
    return step_neuron([a, b], [1.0, -1.0], -0.5)  # a and not b
    # END SOLUTION
