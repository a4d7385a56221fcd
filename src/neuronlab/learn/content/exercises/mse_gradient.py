"""
lesson: loss
title: the gradient of the loss

## Task
Write mse_gradient(predictions, targets): how much the mean squared error grows when
each prediction grows a little, dL/dŷ_i = 2 (ŷ_i - y_i) / N for N pairs (ŷ_i a
prediction, y_i its target). Return a list with one number per prediction.

## Hint
Only one term of the sum contains ŷ_i: (ŷ_i - y_i)^2 / N. Differentiate that.

## Hint
d/dŷ (ŷ - y)^2 = 2 (ŷ - y). Keep the 1/N from the mean.

## Hint
return [2 * (y_hat - y) / len(predictions) for y_hat, y in zip(predictions, targets)]
"""


def mse_gradient(predictions, targets):
    """Return [dL/dy_hat_i for each prediction] for L = mean((y_hat - y)**2)."""
    # BEGIN SOLUTION
    # TODO: differentiate (y_hat_i - y_i)**2 / N with respect to y_hat_i
    # raise NotImplementedError("TODO: write the gradient")
    n = len(predictions)
    return [2 * (y_hat - y) / n for y_hat, y in zip(predictions, targets)]
    # END SOLUTION
