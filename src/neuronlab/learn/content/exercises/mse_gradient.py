def mse_gradient(predictions, targets):
    """Return [dL/dp_i for each prediction] for L = mean((p - t)**2)."""
    # BEGIN SOLUTION
    # TODO: differentiate (p_i - t_i)**2 / N with respect to p_i
    # raise NotImplementedError("TODO: write the gradient")
    n = len(predictions)
    return [2 * (p - t) / n for p, t in zip(predictions, targets)]
    # END SOLUTION
