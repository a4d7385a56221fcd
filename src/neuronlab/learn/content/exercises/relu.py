def relu(z):
    """Return max(0, z)."""
    # BEGIN SOLUTION
    # TODO: pass positive z through, silence the rest
    # raise NotImplementedError("TODO: write relu")
    return z if z > 0 else 0.0
    # END SOLUTION
