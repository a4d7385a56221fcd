"""
lesson: the-framework-view
title: the same network with Sequential

## Task
Write xor_model() returning the XOR network of lesson 10 built with neuronlab's
framework: a Sequential of Dense(4) with sigmoid reading 2 inputs and Dense(1) with
sigmoid, seed=0, compiled with SGD(learning_rate=1.0) and the mse loss. The checker
trains it for 3000 epochs and reads its predictions.

## Hint
Sequential takes a list of layers; the first Dense needs input_shape=(2,).

## Hint
Dense(units, activation="sigmoid") for both layers; then model.compile(optimizer=...,
loss="mse").

## Hint
model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)), Dense(1,
activation="sigmoid")], seed=0); model.compile(optimizer=SGD(learning_rate=1.0),
loss="mse")
"""

from neuronlab import SGD, Dense, Sequential


def xor_model():
    """Return a compiled Sequential model for XOR (2 -> 4 sigmoid -> 1 sigmoid)."""
    # BEGIN SOLUTION
    # TODO: model = Sequential([...], seed=0); model.compile(...); return model
    # raise NotImplementedError("TODO: build the model")
    model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                        Dense(1, activation="sigmoid")], seed=0)
    model.compile(optimizer=SGD(learning_rate=1.0), loss="mse")
    return model
    # END SOLUTION
