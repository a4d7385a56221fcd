"""One training step of a compiled network, traced stage by stage, from the library itself.

:func:`trace_step` runs the step the training loop runs (forward, loss, backward,
update) on a copy of the model, keeping every number on the way:

* **forward** - each layer's ``z = x @ W.T + b`` and ``a = f(z)`` (:meth:`Dense.forward`);
* **loss** - the loss of the batch plus the layers' L2/L1 penalties, as training computes
  it, and the gradient that starts the backward pass: ``∂L/∂ŷ`` from the loss, or, when
  the model fuses it (softmax + cross-entropy, sigmoid + binary cross-entropy),
  ``∂L/∂z`` of the last layer directly;
* **backward** - last layer first, each :meth:`Dense.backward` filling ``grad_W`` and
  ``grad_b`` (with the penalties' gradients) and handing ``∂L/∂x`` to the layer before;
  ``∂L/∂z`` is the activation's own backward of the gradient at the layer's output;
* **update** - the model's own optimizer (a copy, with its momentum or averages) steps
  the copy's weights: the weights before and after.

The model passed in is left as it was. The lesson widget (``/api/widgets/backprop``)
and the playground's slow-motion step (:mod:`neuronlab.lab.stepper`) both show this.

>>> import numpy as np
>>> from neuronlab import SGD, Dense, Sequential
>>> model = Sequential([Dense(1, activation="sigmoid", input_shape=(2,))], dtype="float64")
>>> model.set_weights([[[0.5, -0.5]], [0.0]])
>>> model.compile(optimizer=SGD(learning_rate=0.5), loss="mse")
>>> t = trace_step(model, np.array([[1.0, 2.0]]), np.array([[1.0]]))
>>> [stage for stage in t if stage in ("forward", "loss", "backward", "after")]
['forward', 'loss', 'backward', 'after']
>>> model.get_weights()[0].tolist()  # unchanged: the step ran on a copy
[[0.5, -0.5]]
"""

from __future__ import annotations

import copy
import math
from typing import Any, cast

import numpy as np

from ...errors import ConfigError, TrainingDivergedError
from ...layers import Dense
from ...model import Sequential
from ...optimizers import SGD, Adam, Optimizer, RMSprop
from ...training.trainer import compute_loss


def update_rule(optimizer: Optimizer) -> str:
    """The optimizer's update, written for one weight ``w`` with gradient ``∂L/∂w``."""
    if type(optimizer) is SGD and not optimizer.momentum:
        return "w ← w − η·∂L/∂w"
    if type(optimizer) is SGD and optimizer.nesterov:
        return "v ← μ·v + ∂L/∂w;  w ← w − η·(∂L/∂w + μ·v)"
    if type(optimizer) is SGD:
        return "v ← μ·v + ∂L/∂w;  w ← w − η·v"
    if type(optimizer) is RMSprop:
        return "s ← ρ·s + (1 − ρ)·(∂L/∂w)²;  w ← w − η·∂L/∂w / (√s + ε)"
    if type(optimizer) is Adam:
        return ("m ← β₁·m + (1 − β₁)·∂L/∂w;  v ← β₂·v + (1 − β₂)·(∂L/∂w)²;  "
                "w ← w − η·m̂ / (√v̂ + ε), with m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ)")
    return f"{optimizer.name}: {optimizer.description}"


def _dense_layers(model: Sequential) -> list[Dense]:
    layers = [cast(Dense, layer) for layer in model.layers if layer.fully_connected]
    if len(layers) != len(model.layers):
        raise ConfigError("The step-by-step trace follows Dense layers only; this model has "
                          f"{', '.join(type(layer).__name__ for layer in model.layers)}.")
    return layers


def trace_step(model: Sequential, X: np.ndarray, Y: np.ndarray,
               show: int | None = None) -> dict[str, Any]:
    """Every number of one training step of ``model`` on the batch ``(X, Y)``.

    ``X`` and ``Y`` are prepared arrays (the model's dtype, ``Y`` shaped like the
    output). Everything is computed over the whole batch; the per-sample arrays in the
    answer (``X``, ``y``, ``z``, ``a``, ``∂L/∂z``...) hold only the first ``show`` rows
    when ``show`` is given. A loss that is not a finite number raises
    :class:`~neuronlab.errors.TrainingDivergedError`, as training would.
    """
    model.require_compiled("trace_step")
    net = copy.deepcopy(model)  # the step runs on a copy: the model passed in stays as it is
    assert net.loss is not None and net.optimizer is not None
    layers = _dense_layers(net)
    rows = slice(None) if show is None else slice(0, show)
    before = [{"W": layer.W.tolist(), "b": layer.b.tolist()} for layer in layers]

    # forward: layer by layer, each Dense keeping its x, z and a for backward
    forward, zs, ys, x = [], [], [], X
    for layer in layers:
        z = x @ layer.W.T + layer.b  # what layer.forward computes, kept for the picture
        x = layer.forward(x, training=True)
        zs.append(z)
        ys.append(x)
        forward.append({"activation": layer.activation.name, "W": layer.W.tolist(),
                        "b": layer.b.tolist(), "z": z[rows].tolist(), "a": x[rows].tolist()})
    y_pred = x

    # loss: what training minimizes, the batch's loss plus the L2/L1 penalties
    loss = compute_loss(net, y_pred, Y)
    if not math.isfinite(loss):
        raise TrainingDivergedError.from_loss(loss, net.optimizer.learning_rate)
    fused = net.output_gradient_is_fused
    grad = net.loss.gradient_wrt_z(y_pred, Y) if fused else net.loss.gradient(y_pred, Y)
    grad_output = grad[rows].tolist()

    # backward: the same calls Sequential.backward makes, last layer first
    backward: list[dict[str, Any]] = [{} for _ in layers]
    last = len(layers) - 1
    for i in range(last, -1, -1):
        layer = layers[i]
        grad_is_z = fused and i == last
        grad_z = grad if grad_is_z else layer.activation.backward(grad, zs[i], ys[i])
        grad_in = layer.backward(grad, need_input_grad=i > 0, grad_is_z=grad_is_z)
        backward[i] = {"grad_a": None if grad_is_z else grad[rows].tolist(),
                       "grad_z": grad_z[rows].tolist(),
                       "grad_W": layer.grad_W.tolist(), "grad_b": layer.grad_b.tolist()}
        grad = grad_in

    # update: the model's own optimizer, with its own state, on the copy's weights
    net.optimizer.step(net.parameters())
    after = [{"W": layer.W.tolist(), "b": layer.b.tolist()} for layer in layers]
    return {
        "sizes": [X.shape[1], *(layer.units for layer in layers)],
        "samples": len(X),
        "shown": len(X[rows]),
        "X": X[rows].tolist(),
        "y": Y[rows].tolist(),
        "forward": forward,
        "prediction": y_pred[rows].tolist(),
        "loss": loss,
        "penalty": net.penalty(),
        "loss_name": net.loss.name,
        "loss_formula": net.loss.formula,
        "fused": fused,
        "grad_output": grad_output,
        "backward": backward,
        "optimizer": {"name": net.optimizer.name, "rule": update_rule(net.optimizer),
                      "step": net.optimizer.iterations, **net.optimizer.get_config()},
        "learning_rate": net.optimizer.learning_rate,
        "regularization": [{"l2": layer.l2, "l1": layer.l1} for layer in layers],
        "before": before,
        "after": after,
    }
