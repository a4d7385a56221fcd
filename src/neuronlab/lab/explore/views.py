"""The numbers behind the Neuron, Layer and Batch views, computed by the library.

Each function takes the checked-and-parsed JSON body of a request and returns plain
JSON data. The pure-Python :class:`~neuronlab.neuron.Neuron` gives the step-by-step
lines; the NumPy :class:`~neuronlab.layers.Dense` layer gives the outputs of the
layer and the batch, ``Y = f(X @ W.T + b)``.

>>> view = neuron_view({"inputs": [0.5, -0.3, 0.7], "weights": [0.5, -0.3, 0.8],
...                     "bias": 0.1, "activation": "relu"})
>>> view["z_line"]
'z = (0.50 × 0.50) + (-0.30 × -0.30) + (0.70 × 0.80) + 0.10 = 1.000'
>>> round(view["y"], 3)
1.0
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...layers import Dense
from ...neuron import Neuron, get_activation
from ..server.schema import (
    LIMITS,
    NEURON_ACTIVATIONS,
    BadRequest,
    choice,
    integer,
    matrix,
    number,
    numbers,
    only,
    require,
)

# The worked examples of worked examples §1 and §3: what each view shows first.
DEFAULT_NEURON: dict[str, Any] = {
    "inputs": [0.5, -0.3, 0.7], "weights": [0.5, -0.3, 0.8], "bias": 0.1, "activation": "relu",
}
DEFAULT_LAYER: dict[str, Any] = {
    "weights": [[0.2, 0.8, -0.5, 1.0], [0.5, -0.91, 0.26, -0.5], [-0.26, -0.27, 0.17, 0.87]],
    "biases": [2.0, 3.0, 0.5],
    "inputs": [1.0, 2.0, 3.0, 2.5],
    "activation": "relu",
}
DEFAULT_BATCH: list[list[float]] = [
    [1.0, 2.0, 3.0, 2.5], [-0.8, 0.4, 0.1, 1.2], [0.2, 0.9, -0.5, 0.3],
]

CURVE_POINTS = 161


def activation_curve(activation: str, z: float) -> dict[str, Any]:
    """Points ``(z, f(z))`` of the activation over a range that contains ``z``.

    >>> curve = activation_curve("relu", 1.0)
    >>> curve["z"][0], curve["z"][-1], curve["y"][0], curve["y"][-1]
    (-6.0, 6.0, 0.0, 6.0)
    """
    f = get_activation(activation)
    span = max(6.0, math.ceil(abs(z) * 1.25))
    zs = [-span + 2 * span * i / (CURVE_POINTS - 1) for i in range(CURVE_POINTS)]
    return {"z": zs, "y": [f(v) for v in zs]}


def neuron_view(body: dict[str, Any]) -> dict[str, Any]:
    """One neuron step by step: products, sum, z, ŷ, the three lines, the activation curve."""
    only(body, ("inputs", "weights", "bias", "activation"))
    inputs = numbers(require(body, "inputs"), "inputs", 1, LIMITS.inputs)
    weights = numbers(require(body, "weights"), "weights", 1, LIMITS.inputs)
    if len(inputs) != len(weights):
        raise BadRequest(
            f"The neuron needs one weight per input: got {len(inputs)} inputs and "
            f"{len(weights)} weights."
        )
    bias = number(body.get("bias", 0.0), "bias", -LIMITS.value, LIMITS.value)
    activation = choice(body.get("activation", "relu"), "activation", NEURON_ACTIVATIONS)
    result = Neuron(weights, bias, activation).explain(inputs).as_dict()
    result["curve"] = activation_curve(activation, float(result["z"]))  # type: ignore[arg-type]
    return result


def _layer_parts(body: dict[str, Any]) -> tuple[list[list[float]], list[float], str]:
    weights = matrix(require(body, "weights"), "weights", LIMITS.neurons, LIMITS.inputs)
    biases = numbers(require(body, "biases"), "biases", 1, LIMITS.neurons)
    if len(biases) != len(weights):
        raise BadRequest(
            f"The layer needs one bias per neuron: got {len(weights)} weight rows and "
            f"{len(biases)} biases."
        )
    activation = choice(body.get("activation", "relu"), "activation", NEURON_ACTIVATIONS)
    return weights, biases, activation


def _dense(weights: list[list[float]], biases: list[float], activation: str) -> Dense:
    layer = Dense(len(weights), activation=activation, input_shape=(len(weights[0]),))
    layer.set_neuron_weights([weights, biases])  # builds the layer in float64
    return layer


def _flow(weights: list[list[float]], biases: list[float], activation: str,
          inputs: list[float]) -> list[dict[str, Any]]:
    """Each neuron's step-by-step computation for one sample (pure-Python neurons)."""
    return [Neuron(w, b, activation).explain(inputs).as_dict() for w, b in zip(weights, biases)]


def batch_view(body: dict[str, Any]) -> dict[str, Any]:
    """``Y = f(X @ W.T + b)`` for a batch, and the flow of one chosen sample."""
    only(body, ("weights", "biases", "activation", "X", "sample"))
    weights, biases, activation = _layer_parts(body)
    X = matrix(require(body, "X"), "X", LIMITS.batch_rows, LIMITS.inputs)
    if len(X[0]) != len(weights[0]):
        raise BadRequest(
            f"Each sample needs one value per input of the layer: the layer has "
            f"{len(weights[0])} inputs, the samples have {len(X[0])} values."
        )
    sample = body.get("sample")
    if sample is not None:
        sample = integer(sample, "sample", 0, len(X) - 1)
    Y = _dense(weights, biases, activation).forward(np.array(X, dtype=np.float64))
    return {
        "outputs": Y.tolist(),
        "shape": list(Y.shape),
        "formula": f"Y_hat = {activation}(X @ W.T + b)",
        "sample": sample,
        "flow": None if sample is None else _flow(weights, biases, activation, X[sample]),
    }


def layer_view(body: dict[str, Any]) -> dict[str, Any]:
    """One sample through a layer: each neuron's output and its step-by-step lines."""
    only(body, ("weights", "biases", "activation", "inputs"))
    weights, biases, activation = _layer_parts(body)
    inputs = numbers(require(body, "inputs"), "inputs", 1, LIMITS.inputs)
    if len(inputs) != len(weights[0]):
        raise BadRequest(
            f"The layer has {len(weights[0])} inputs (weights per neuron), got "
            f"{len(inputs)} input values."
        )
    Y = _dense(weights, biases, activation).forward(np.array([inputs], dtype=np.float64))
    return {
        "outputs": Y[0].tolist(),
        "formula": f"y = {activation}(W @ x + b)",
        "flow": _flow(weights, biases, activation, inputs),
    }
