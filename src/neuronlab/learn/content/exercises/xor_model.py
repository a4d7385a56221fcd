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
