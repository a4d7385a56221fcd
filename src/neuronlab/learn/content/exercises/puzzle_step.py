"""
lesson: the-training-loop
title: one step of gradient descent

## Task
One linear neuron y_hat = w·x + b learns the puzzle 11->23, 23->47, 36->73, 49->99.
Write puzzle_step(w, b, xs, ys, learning_rate) doing one step: errors e = y - y_hat,
gradients dW = -sum(x·e) and dB = -sum(e) (sums, not means), then w - learning_rate·dW
and b - learning_rate·dB. Return (new_w, new_b).

## Hint
First the errors, one per pair: target minus prediction.

## Hint
dW adds up x times its error over all pairs, with a minus sign; dB adds up the errors,
with a minus sign. Move against the gradient: subtract learning_rate times it.

## Hint
errors = [y - y_hat for y, y_hat in zip(ys, predictions)]; dW = -sum(x * e for x, e in
zip(xs, errors)); dB = -sum(errors); return w - learning_rate * dW, b - learning_rate *
dB
"""


def puzzle_step(w, b, xs, ys, learning_rate):
    """Return (new_w, new_b) after one gradient-descent step on all pairs (x, y)."""
    predictions = [w * x + b for x in xs]
    # BEGIN SOLUTION
    # TODO: errors, the two gradients, the update
    # raise NotImplementedError("TODO: take one step downhill")
    errors = [y - y_hat for y, y_hat in zip(ys, predictions)]
    dW = -sum(x * e for x, e in zip(xs, errors))
    dB = -sum(errors)
    return w - learning_rate * dW, b - learning_rate * dB
    # END SOLUTION
