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
