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
