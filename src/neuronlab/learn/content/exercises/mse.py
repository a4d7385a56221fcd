def mse(predictions, targets):
    """Return mean((y_hat - y)**2) over the pairs (y_hat, y): prediction, target."""
    # BEGIN SOLUTION
    # TODO: square each difference, then average
    # raise NotImplementedError("TODO: write the loss")
    return sum((y_hat - y) ** 2 for y_hat, y in zip(predictions, targets)) / len(predictions)
    # END SOLUTION
