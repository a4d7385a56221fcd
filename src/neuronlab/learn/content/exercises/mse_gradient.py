def mse_gradient(predictions, targets):
    """Return [dL/dy_hat_i for each prediction] for L = mean((y_hat - y)**2)."""
    # BEGIN SOLUTION
    # TODO: differentiate (y_hat_i - y_i)**2 / N with respect to y_hat_i
    # raise NotImplementedError("TODO: write the gradient")
    n = len(predictions)
    return [2 * (y_hat - y) / n for y_hat, y in zip(predictions, targets)]
    # END SOLUTION
