"""One training step of a compiled network, traced stage by stage, from the library itself.

:func:`trace_step` runs the model's own step on a copy of the model, its methods one
by one (``forward``, ``compute_loss``, ``backward``, ``update_weights``), and records
what each layer kept: it computes nothing itself.

* **forward** - each layer's ``z = x @ W.T + b`` and ``a = f(z)``, as
  :meth:`Dense.forward` kept them (``layer.z``, ``layer.y``);
* **loss** - the loss of the batch plus the layers' L2/L1 penalties, as training computes
  it, and the gradient that starts the backward pass: ``∂L/∂ŷ`` from the loss, or, when
  the model fuses it (softmax + cross-entropy, sigmoid + binary cross-entropy),
  ``∂L/∂z`` of the last layer directly (what the last layer was handed);
* **backward** - last layer first, each :meth:`Dense.backward` filling ``grad_W`` and
  ``grad_b`` (with the penalties' gradients) and handing ``∂L/∂x`` to the layer before;
  the gradients it was handed and its ``∂L/∂z`` are what it kept (``layer.grad_y``,
  ``layer.grad_z``);
* **update** - the model's own optimizer (a copy, with its momentum or averages) steps
  the copy's weights: the weights before and after.

The model passed in is left as it was. The lesson widget (``/api/widgets/backprop``)
and the playground's slow-motion step (:mod:`neuronlab.lab.playground.stepper`) both show this.

>>> import numpy as np
>>> from neuronlab import SGD, Dense, Sequential
>>> model = Sequential([Dense(1, activation="sigmoid", input_shape=(2,))], dtype="float64")
>>> model.set_neuron_weights([[[0.5, -0.5]], [0.0]])
>>> model.compile(optimizer=SGD(learning_rate=0.5), loss="mse")
>>> t = trace_step(model, np.array([[1.0, 2.0]]), np.array([[1.0]]))
>>> [stage for stage in t if stage in ("forward", "loss", "backward", "after")]
['forward', 'loss', 'backward', 'after']
>>> model.get_neuron_weights()[0].tolist()  # unchanged: the step ran on a copy
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


def _dense_layers(model: Sequential) -> list[Dense]:
    layers = [cast(Dense, layer) for layer in model.layers if layer.fully_connected]
    if len(layers) != len(model.layers):
        raise ConfigError("The step-by-step trace follows Dense layers only; this model has "
                          f"{', '.join(type(layer).__name__ for layer in model.layers)}.")
    return layers


def _rows(array: np.ndarray | None, rows: slice) -> list[Any]:
    """The shown rows of an array a layer kept, as lists."""
    assert array is not None, "a layer's record is missing: forward/backward did not run"
    return array[rows].tolist()


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

    # forward: the model's own pass, each Dense keeping its x, z and a for backward
    y_pred = net.forward(X, training=True)
    forward = [{"activation": layer.activation.name, "W": layer.W.tolist(),
                "b": layer.b.tolist(), "z": _rows(layer.z, rows), "a": _rows(layer.y, rows)}
               for layer in layers]

    # loss: what training minimizes, the batch's loss plus the L2/L1 penalties
    loss = net.compute_loss(y_pred, Y)
    if not math.isfinite(loss):
        raise TrainingDivergedError.from_loss(loss, net.optimizer.learning_rate)

    # backward: the model's own, last layer first; each layer kept what it was handed
    net.backward(y_pred, Y)
    fused = net.output_gradient_is_fused
    last = layers[-1]
    grad_output = _rows(last.grad_z if fused else last.grad_y, rows)
    backward = [{"grad_a": None if layer.grad_y is None else _rows(layer.grad_y, rows),
                 "grad_z": _rows(layer.grad_z, rows),
                 "grad_W": layer.grad_W.tolist(), "grad_b": layer.grad_b.tolist()}
                for layer in layers]

    # update: the model's own optimizer, with its own state, on the copy's weights
    net.update_weights()
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
        "optimizer": {"name": net.optimizer.name, "rule": net.optimizer.rule,
                      "step": net.optimizer.iterations, **net.optimizer.get_config()},
        "learning_rate": net.optimizer.learning_rate,
        "regularization": [{"l2": layer.l2, "l1": layer.l1} for layer in layers],
        "before": before,
        "after": after,
    }
