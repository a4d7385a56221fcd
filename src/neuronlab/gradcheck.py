"""Check backpropagation against finite differences.

Backpropagation's gradients can be checked without any calculus: nudge one number
by a tiny ``h`` up and down, watch the loss, and divide::

    dL/dw ≈ (L(w + h) - L(w - h)) / (2 h)        (a central difference)

Every check here runs in float64 and reports the largest relative error
``|analytic - numeric| / max(|analytic| + |numeric|, 1e-12)`` in plain words.

>>> from neuronlab import gradcheck
>>> gradcheck.check_activation("tanh").passed
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import activations, losses
from .activations import Softmax
from .errors import ConfigError
from .layers import Dense, Dropout, Layer
from .model import Sequential
from .training.data import prepare_inputs, prepare_targets
from .training.trainer import compute_loss

TOLERANCE = 1e-6


@dataclass
class GradcheckResult:
    """The outcome of one check: the worst relative error and where it happened."""

    what: str
    max_relative_error: float
    worst: str
    checked: int
    tolerance: float = TOLERANCE
    details: dict[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.max_relative_error <= self.tolerance

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        verdict = "match" if self.passed else "DO NOT match"
        return (
            f"{self.what}: analytic and numeric gradients {verdict} - largest relative error "
            f"{self.max_relative_error:.1e} at {self.worst} over {self.checked} numbers "
            f"(tolerance {self.tolerance:.0e})."
        )


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> np.ndarray:
    """``|a - n| / max(|a| + |n|, 1e-12)`` element by element."""
    return np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), 1e-12)


def numeric_gradient(f: Callable[[], float], array: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of ``f()`` with respect to every entry of ``array``.

    ``array`` is changed in place while probing and restored afterwards.
    """
    grad = np.zeros_like(array, dtype=np.float64)
    flat = array.reshape(-1)
    out = grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        up = f()
        flat[i] = old - h
        down = f()
        flat[i] = old
        out[i] = (up - down) / (2 * h)
    return grad


def _compare(what: str, pairs: dict[str, tuple[np.ndarray, np.ndarray]],
             tolerance: float) -> GradcheckResult:
    worst_name, worst, count, details = "-", 0.0, 0, {}
    for name, (analytic, numeric) in pairs.items():
        err = float(relative_error(analytic, numeric).max()) if analytic.size else 0.0
        details[name] = err
        count += analytic.size
        if err >= worst:
            worst, worst_name = err, name
    return GradcheckResult(what, worst, worst_name, count, tolerance, details)


def check_activation(name: str | activations.Activation, size: int = 12, seed: int = 0,
                     tolerance: float = TOLERANCE) -> GradcheckResult:
    """Check ``backward`` of an activation at random points away from its kinks."""
    act = activations.get(name)
    rng = np.random.default_rng(seed)
    z = rng.uniform(-3, 3, size=(3, size // 3 or 1))
    if act.kink:
        z[np.abs(z) < 0.05] += 0.2  # keep off the kink (relu, step), where f' jumps
    g = rng.standard_normal(z.shape)
    analytic = act.backward(g, z, act.forward(z.copy()))
    numeric = numeric_gradient(lambda: float(np.sum(g * act.forward(z.copy()))), z)
    return _compare(f"activation {act.name}", {"z": (analytic, numeric)}, tolerance)


def _loss_inputs(loss: losses.Loss, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(loss, losses.CategoricalCrossentropy):
        z = rng.standard_normal((4, 3))
        y = np.eye(3)[rng.integers(0, 3, 4)]
        return (z if loss.from_logits else Softmax().forward(z)), y
    if isinstance(loss, losses.BinaryCrossentropy):
        z = rng.standard_normal((4, 2))
        y = rng.integers(0, 2, (4, 2)).astype(float)
        return (z if loss.from_logits else 1 / (1 + np.exp(-z))), y
    y_pred = rng.standard_normal((4, 2))
    y_true = y_pred + rng.uniform(0.1, 1.0, (4, 2)) * rng.choice([-1, 1], (4, 2))
    return y_pred, y_true


def check_loss(name: str | losses.Loss, seed: int = 0,
               tolerance: float = TOLERANCE) -> GradcheckResult:
    """Check a loss's ``gradient`` (and its fused ``gradient_wrt_z`` where it has one)."""
    loss = losses.get(name)
    rng = np.random.default_rng(seed)
    y_pred, y_true = _loss_inputs(loss, rng)
    pairs = {
        "y_pred": (loss.gradient(y_pred, y_true),
                   numeric_gradient(lambda: loss.value(y_pred, y_true), y_pred)),
    }
    if loss.pairs_with and not loss.from_logits:
        act = activations.get(loss.pairs_with)
        z = rng.standard_normal(y_pred.shape)
        pairs["z (fused with " + act.name + ")"] = (
            loss.gradient_wrt_z(act.forward(z.copy()), y_true),
            numeric_gradient(lambda: loss.value(act.forward(z.copy()), y_true), z),
        )
    return _compare(f"loss {loss.name}", pairs, tolerance)


def _float64_copy(layer: Layer) -> Layer:
    from .layers import from_config

    clone = from_config(layer.get_config())
    if layer.built and layer.n_inputs is not None:
        clone.build(layer.n_inputs, np.random.default_rng(0), np.float64)
        if layer.parameters():
            clone.set_weights([w.astype(np.float64) for w in layer.get_weights()])
    return clone


def check_layer(layer: Layer, x: np.ndarray | None = None, training: bool = True,
                seed: int = 0, tolerance: float = TOLERANCE) -> GradcheckResult:
    """Check a layer's gradients for its weights, bias and input, in float64.

    The scalar probed is ``sum(g * layer.forward(x)) + layer.penalty()`` for a fixed
    random ``g`` (the penalty is the layer's L2 term, 0 without one).
    """
    rng = np.random.default_rng(seed)
    if not layer.built:
        n = layer.input_shape[0] if layer.input_shape else 4
        layer.build(n, np.random.default_rng(seed), np.float64)
    layer = _float64_copy(layer)
    assert layer.n_inputs is not None
    x = rng.standard_normal((5, layer.n_inputs)) if x is None else np.array(x, dtype=np.float64)
    if isinstance(layer, Dense) and layer.activation.kink:
        # nudge inputs so no pre-activation sits on the kink, where no derivative exists
        for _ in range(10):
            z = x @ layer.W.T + layer.b
            if np.abs(z).min() > 1e-3:
                break
            x = x + rng.normal(0, 0.01, x.shape)

    def run() -> np.ndarray:
        if isinstance(layer, Dropout):
            layer.reseed(seed)  # the same mask for every probe
        return layer.forward(x, training=training)

    g = rng.standard_normal(run().shape)
    run()
    grad_x = layer.backward(g)
    def probe() -> float:
        return float(np.sum(g * run())) + layer.penalty()

    pairs = {"input": (grad_x.copy(), numeric_gradient(probe, x))}
    analytic = [grad.copy() for _, grad in layer.parameters()]
    for k, ((value, _), a) in enumerate(zip(layer.parameters(), analytic)):
        label = ("W", "b")[k] if isinstance(layer, Dense) else f"param{k}"
        pairs[label] = (a, numeric_gradient(probe, value))
    return _compare(f"layer {layer!r}", pairs, tolerance)


def check_model(model: Sequential, X: Any, y: Any, tolerance: float = TOLERANCE,
                seed: int = 0) -> GradcheckResult:
    """Check every parameter gradient of a compiled model on data ``X, y``, in float64.

    The model itself is not changed: a float64 copy with the same weights is probed.
    Dropout layers use one fixed mask for every probe.
    """
    if model.loss is None:
        raise ConfigError("check_model needs a compiled model: call model.compile(...) first.")
    clone = Sequential.from_config({**model.get_config(), "dtype": "float64"})
    Xa = prepare_inputs(clone, X, seed=seed)
    if model.built:
        clone.set_weights(model.get_weights())
    Y = prepare_targets(clone, y, len(Xa))
    assert clone.loss is not None

    def loss_value() -> float:
        for layer in clone.layers:
            if isinstance(layer, Dropout):
                layer.reseed(seed)
        return compute_loss(clone, clone.forward(Xa, training=True), Y)

    loss_value()
    for layer in clone.layers:
        if isinstance(layer, Dropout):
            layer.reseed(seed)
    y_pred = clone.forward(Xa, training=True)
    clone.backward(y_pred, Y)
    analytic = [grad.copy() for _, grad in clone.parameters()]
    pairs = {}
    for k, ((value, _), a) in enumerate(zip(clone.parameters(), analytic)):
        name = f"layer {k // 2 + 1} {'Wb'[k % 2]}"
        pairs[name] = (a, numeric_gradient(loss_value, value))
    return _compare("model", pairs, tolerance)


def check(obj: Any, *args: Any, **kwargs: Any) -> GradcheckResult:
    """Check anything: an activation or loss (object or name), a layer, or a model.

    >>> print(check("sigmoid"))  # doctest: +ELLIPSIS
    activation sigmoid: analytic and numeric gradients match - largest relative error ...
    """
    if isinstance(obj, Sequential):
        return check_model(obj, *args, **kwargs)
    if isinstance(obj, Layer):
        return check_layer(obj, *args, **kwargs)
    if isinstance(obj, losses.Loss):
        return check_loss(obj, *args, **kwargs)
    if isinstance(obj, activations.Activation):
        return check_activation(obj, *args, **kwargs)
    if isinstance(obj, str):
        key = obj.strip().lower()
        try:
            return check_activation(activations.get(key), *args, **kwargs)
        except Exception:
            return check_loss(losses.get(key), *args, **kwargs)
    raise ConfigError(
        f"gradcheck.check takes an activation, loss, layer or Sequential model, got {obj!r}."
    )
