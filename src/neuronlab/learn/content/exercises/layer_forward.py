def layer_forward(inputs, weights, biases):
    """Return [relu(row · inputs + bias) for each neuron's (row, bias)]."""
    outputs = []
    # BEGIN SOLUTION
    # TODO: one neuron per (row, bias) pair: weighted sum, plus bias, ReLU
    # raise NotImplementedError("TODO: write the layer")
    for row, bias in zip(weights, biases):
        z = sum(x * w for x, w in zip(inputs, row)) + bias
        outputs.append(max(0.0, z))
    # END SOLUTION
    return outputs
