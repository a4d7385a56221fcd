"""
lesson: backprop-through-a-layer
title: backpropagation through a layer

## Task
A layer computes z = X @ W.T + b for a batch X (N, n_inputs) and weights W (units,
n_inputs). Given grad_z = dL/dz (N, units), write dense_backward(X, W, grad_z) returning
(grad_W, grad_b, grad_x): dL/dW (units, n_inputs) summed over the batch, dL/db (units,),
and dL/dX (N, n_inputs) for the layer before.

## Hint
Let the shapes guide you: grad_W must be (units, n_inputs), grad_b (units,), grad_x (N,
n_inputs). Which products of X, W and grad_z have those shapes?

## Hint
z[i, j] = sum_k X[i, k] W[j, k] + b[j]: so dz[i, j]/dW[j, k] = X[i, k] and dz[i,
j]/dX[i, k] = W[j, k]; every sample adds its share to grad_W and grad_b.

## Hint
grad_W = grad_z.T @ X; grad_b = grad_z.sum(axis=0); grad_x = grad_z @ W
"""


def dense_backward(X, W, grad_z):
    """Return (grad_W, grad_b, grad_x) for z = X @ W.T + b, given grad_z = dL/dz."""
    # BEGIN SOLUTION
    # TODO: three matrix expressions; check each shape against the docstring above
    # raise NotImplementedError("TODO: write the backward pass")
    grad_W = grad_z.T @ X
    grad_b = grad_z.sum(axis=0)
    grad_x = grad_z @ W
    return grad_W, grad_b, grad_x
    # END SOLUTION
