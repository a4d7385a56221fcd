def mse(predictions, targets):
    """Return mean((p - t)**2) over the pairs (p, t)."""
    # BEGIN SOLUTION
    # TODO: square each difference, then average
    # raise NotImplementedError("TODO: write the loss")
    return sum((p - t) ** 2 for p, t in zip(predictions, targets)) / len(predictions)
    # END SOLUTION
