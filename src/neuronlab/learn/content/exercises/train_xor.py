"""
lesson: the-training-loop
title: the training loop

## Task
Finish the training loop of a 2 -> hidden -> 1 sigmoid network on XOR with the loss L =
mean((y_hat - Y)^2) and plain gradient descent on the whole batch. The forward pass and
the loss are written; add backpropagation and the update. The function returns the loss
of every epoch, measured before that epoch's update.

## Hint
Work backwards exactly as in the lessons: dL/dy_hat, through the output sigmoid, into
the output layer (as in dense_backward), through the hidden sigmoid, into the hidden
layer.

## Hint
grad_y_hat = 2 (y_hat - Y) / Y.size; grad_z2 = grad_y_hat * y_hat * (1 - y_hat); grad_W2
= grad_z2.T @ h; the gradient reaching h is grad_z2 @ W2; times h * (1 - h) gives
grad_z1.

## Hint
grad_W1 = grad_z1.T @ X; grad_b1 = grad_z1.sum(axis=0); then W1 -= learning_rate *
grad_W1, and the same for b1, W2, b2 (compute every gradient before updating).
"""

import numpy as np

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = np.array([[0.0], [1.0], [1.0], [0.0]])


def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def train_xor(W1, b1, W2, b2, epochs, learning_rate):
    """Train on XOR from the given weights; return the loss of every epoch."""
    W1, b1, W2, b2 = (np.array(a, dtype=float) for a in (W1, b1, W2, b2))
    losses = []
    for _epoch in range(epochs):
        h = sigmoid(X @ W1.T + b1)          # (4, hidden)
        y_hat = sigmoid(h @ W2.T + b2)      # (4, 1)
        losses.append(float(np.mean((y_hat - Y) ** 2)))
        # BEGIN SOLUTION
        # TODO: backward - the chain rule from the loss to W2, b2, then W1, b1
        # TODO: update - each parameter moves by -learning_rate times its gradient
        # raise NotImplementedError("TODO: finish the training loop")
        grad_y_hat = 2.0 * (y_hat - Y) / Y.size
        grad_z2 = grad_y_hat * y_hat * (1.0 - y_hat)
        grad_W2, grad_b2 = grad_z2.T @ h, grad_z2.sum(axis=0)
        grad_z1 = (grad_z2 @ W2) * h * (1.0 - h)
        grad_W1, grad_b1 = grad_z1.T @ X, grad_z1.sum(axis=0)
        W2 -= learning_rate * grad_W2
        b2 -= learning_rate * grad_b2
        W1 -= learning_rate * grad_W1
        b1 -= learning_rate * grad_b1
        # END SOLUTION
    return losses
