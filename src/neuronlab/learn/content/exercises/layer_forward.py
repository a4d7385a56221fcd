"""
lesson: a-layer
title: a layer of neurons

## Task
Write layer_forward(inputs, weights, biases) for a ReLU layer: weights holds one row per
neuron, biases one number per neuron. Every neuron reads the same inputs. Return a list
with one output per neuron.

## Hint
A layer is your neuron from exercise 1, run once per row of weights.

## Hint
Loop over zip(weights, biases): each step gives one neuron's weight row and bias.

## Hint
for row, bias in zip(weights, biases): z = sum(x * w for x, w in zip(inputs, row)) +
bias; outputs.append(max(0.0, z))
"""


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
