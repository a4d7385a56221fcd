"""
lesson: loss
title: mean squared error

## Task
Write mse(predictions, targets): the mean of the squared differences (prediction -
target)^2 over all the pairs. Plain Python lists in, one number out.

## Hint
Three words: error, square, mean.

## Hint
For each pair, prediction y_hat and target y, compute (y_hat - y) ** 2; the mean is the
sum divided by how many pairs.

## Hint
return sum((y_hat - y) ** 2 for y_hat, y in zip(predictions, targets)) /
len(predictions)
"""


def mse(predictions, targets):
    """Return mean((y_hat - y)**2) over the pairs (y_hat, y): prediction, target."""
    # BEGIN SOLUTION
    # TODO: square each difference, then average
    # raise NotImplementedError("TODO: write the loss")
    return sum((y_hat - y) ** 2 for y_hat, y in zip(predictions, targets)) / len(predictions)
    # END SOLUTION
