def step_neuron(inputs, weights, bias):
    """1.0 if w·x + b > 0 else 0.0 - use it to try your weights."""
    z = sum(x * w for x, w in zip(inputs, weights)) + bias
    return 1.0 if z > 0 else 0.0


def gate(name):
    """Return (weights, bias) for the gate `name`: "and", "or", "nand" or "not"."""
    # BEGIN SOLUTION
    # TODO: return a (weights, bias) pair for each gate name
    # raise NotImplementedError("TODO: choose weights and biases")
    if name == "and":
        return [1.0, 1.0], -1.5
    if name == "or":
        return [1.0, 1.0], -0.5
    if name == "nand":
        return [-1.0, -1.0], 1.5
    if name == "not":
        return [-1.0], 0.5
    raise ValueError(f"unknown gate {name!r}")
    # END SOLUTION
