"""Check backpropagation against finite differences.

Backpropagation's gradients can be checked without any calculus: nudge one number
by a tiny ``h`` up and down, watch the loss, and divide::

    dL/dw ≈ (L(w + h) - L(w - h)) / (2 h)        (a central difference)

Every check here runs in float64. A central difference is itself off by two things,
and the check allows for both, number by number:

* **truncation**, about ``h² · L'''(w) / 6``: measured by repeating the difference
  with ``2h`` (the two differ by about three times the truncation error);
* **rounding**, about ``eps · |L| / h`` (``eps`` = 2.2e-16, float64's precision), counted
  ``ROUNDING`` = 64 times over to be safe:
  each loss value carries a rounding error, and dividing by a small ``h`` magnifies it.

``h`` is chosen where the two balance, ``h = eps^(1/3) · max(1, |w|)`` (about 6e-6).
A gradient passes when ``|analytic - numeric|`` is within ``SAFETY`` times those two
errors plus an absolute floor, or within the relative ``tolerance`` (1e-6). Where a
nudge crosses a *kink* (the slope jumps there and no derivative exists: the
pre-activation of relu, leaky_relu, step, selu or an elu with ``alpha != 1`` at 0, a
max-pooling window whose maximum moves to another cell, a weight at 0 under L1) the
number is reported as "at a kink, not checked", never as a mismatch; a check that could
compare no number at all does not pass.

>>> from neuronlab import gradcheck
>>> gradcheck.check_activation("tanh").passed
True
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import activations, losses
from .activations import Softmax
from .errors import ConfigError
from .layers import Dropout, Layer
from .model import Sequential
from .training.data import prepare_inputs, prepare_targets

TOLERANCE = 1e-6
"""The relative tolerance: ``|a - n| <= TOLERANCE * (|a| + |n|)`` always passes."""
EPS = float(np.finfo(np.float64).eps)
STEP = EPS ** (1 / 3)
"""``h`` relative to ``max(1, |w|)``: where truncation (``h²``) and rounding (``1/h``) balance."""
ROUNDING = 64.0
"""Rounding error of one loss value, in units of ``eps · |L|`` (a forward pass adds and
multiplies many numbers; each operation may round)."""
SAFETY = 10.0
"""How many times the estimated error a gap may be before it counts as a mismatch."""
SHRINK = (1.0, 1e-2, 1e-4)
"""Where a nudge of ``±2h`` crosses a kink, ``h`` is tried again this much smaller (the
rounding bound grows as ``1/h``); a kink still crossed is reported, not checked."""
FLOOR = 1e-10
"""Absolute floor, times ``max(1, |L|)``: gaps below it are beyond what float64 resolves."""

Probe = Callable[[], "tuple[float, np.ndarray | None]"]
"""A probe returns the scalar being differentiated and, where the function has kinks,
an array of the signs that decide which side of each kink it is on (``None`` without)."""


@dataclass
class GradcheckResult:
    """The outcome of one check: every number compared, the worst one named.

    ``passed`` when every checked number is within its bound. ``max_relative_error`` is
    the largest ``|a - n| / (|a| + |n|)`` among the checked numbers, ``max_ratio`` the
    largest gap divided by its allowed bound (``<= 1`` passes), ``worst`` where that
    is, ``checked`` how many numbers were compared and ``at_kinks`` how many were left
    out because a nudge of ``±2h`` crossed a kink.
    """

    what: str
    max_relative_error: float
    worst: str
    checked: int
    tolerance: float = TOLERANCE
    details: dict[str, float] = field(default_factory=dict)
    max_ratio: float = 0.0
    mismatches: int = 0
    at_kinks: int = 0
    kinks: list[str] = field(default_factory=list)
    worst_analytic: float = 0.0
    worst_numeric: float = 0.0
    worst_allowed: float = 0.0

    @property
    def passed(self) -> bool:
        """Every checked number within its bound, and at least one number checked."""
        return self.checked > 0 and self.mismatches == 0 and self.max_ratio <= 1.0

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        kinks = ""
        if self.at_kinks:
            where = ", ".join(self.kinks[:3]) + (", ..." if len(self.kinks) > 3 else "")
            kinks = (f" {self.at_kinks} number{'s' if self.at_kinks != 1 else ''} at a kink, "
                     f"where the slope jumps (a ReLU-like activation at 0, tied maxima in "
                     f"pooling), not checked: {where}.")
        if self.checked == 0:
            return (f"{self.what}: nothing could be checked - no number was compared, so "
                    f"this says nothing about the gradients.{kinks} Try other inputs or "
                    f"weights, away from the kinks.")
        if self.passed:
            return (
                f"{self.what}: analytic and numeric gradients match - {self.checked} numbers "
                f"checked, largest relative error {self.max_relative_error:.1e}; every gap "
                f"is within its bound, set by float64 rounding and the step's truncation or "
                f"by the relative tolerance {self.tolerance:.0e} "
                f"(closest call: {self.worst}, at {100 * self.max_ratio:.2g}% of its bound).{kinks}"
            )
        return (
            f"{self.what}: analytic and numeric gradients DO NOT match - {self.mismatches} of "
            f"{self.checked} numbers differ; worst at {self.worst}: backprop says "
            f"{self.worst_analytic:.6g}, finite differences say {self.worst_numeric:.6g} "
            f"(gap {abs(self.worst_analytic - self.worst_numeric):.1e}, its bound allows "
            f"{self.worst_allowed:.1e}; largest relative error "
            f"{self.max_relative_error:.1e}).{kinks}"
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


@dataclass
class Differences:
    """Central differences of a probe, with what float64 allows for each of them."""

    numeric: np.ndarray
    bound: np.ndarray  # SAFETY x (truncation + rounding) + floor, per number
    kinked: np.ndarray  # True where a nudge crossed a kink


def differences(probe: Probe, array: np.ndarray) -> Differences:
    """Central differences of ``probe()[0]`` for every entry of ``array``, with bounds.

    Each entry ``w`` is nudged by ``±h`` and ``±2h`` with ``h = STEP · max(1, |w|)``; the
    difference at ``h`` is the estimate, its distance to the one at ``2h`` measures the
    truncation error, ``ROUNDING · eps · |L| / h`` the rounding error. Where the nudges
    change the probe's kink signs, smaller steps are tried (``SHRINK``); an entry still
    crossing a kink is marked ``kinked``. ``array`` is restored.
    """
    base, signs = probe()
    flat = array.reshape(-1)
    numeric = np.zeros(flat.size)
    bound = np.zeros(flat.size)
    kinked = np.zeros(flat.size, dtype=bool)
    for i in range(flat.size):
        old = float(flat[i])
        for shrink in SHRINK:
            h = STEP * max(1.0, abs(old)) * shrink
            h = (old + h) - old  # a step float64 represents exactly
            values, crossed, scale = [], False, abs(base)
            for step in (h, -h, 2 * h, -2 * h):
                flat[i] = old + step
                value, probe_signs = probe()
                values.append(value)
                scale = max(scale, abs(value))
                if signs is not None and probe_signs is not None:
                    crossed = crossed or not np.array_equal(signs, probe_signs)
            flat[i] = old
            if not crossed:
                break  # else a kink lies within 2h: try again with a smaller step
        up, down, up2, down2 = values
        d1 = (up - down) / (2 * h)
        d2 = (up2 - down2) / (4 * h)
        truncation = abs(d2 - d1) / 3
        rounding = ROUNDING * EPS * scale / h
        numeric[i] = d1
        bound[i] = SAFETY * (truncation + rounding) + FLOOR * max(1.0, scale)
        kinked[i] = crossed
    shape = array.shape
    return Differences(numeric.reshape(shape), bound.reshape(shape), kinked.reshape(shape))


def _index(shape: tuple[int, ...], flat_index: int) -> str:
    if len(shape) <= 1:
        return f"[{flat_index}]" if shape and shape[0] > 1 else ""
    return "[" + ", ".join(str(int(i)) for i in np.unravel_index(flat_index, shape)) + "]"


def _compare(what: str, pairs: dict[str, tuple[np.ndarray, Differences]],
             tolerance: float) -> GradcheckResult:
    result = GradcheckResult(what, 0.0, "-", 0, tolerance)
    worst_ratio = -1.0
    for name, (analytic, diff) in pairs.items():
        a = np.asarray(analytic, dtype=np.float64).reshape(-1)
        n = diff.numeric.reshape(-1)
        kinked = diff.kinked.reshape(-1)
        allowed = np.maximum(diff.bound.reshape(-1), tolerance * (np.abs(a) + np.abs(n)))
        gap = np.abs(a - n)
        ratio = np.where(kinked, 0.0, gap / allowed)
        rel = np.where(kinked, 0.0, relative_error(a, n))
        result.details[name] = float(rel.max()) if rel.size else 0.0
        result.checked += int((~kinked).sum())
        result.mismatches += int((ratio > 1.0).sum())
        result.max_relative_error = max(result.max_relative_error, result.details[name])
        for flat_k in np.flatnonzero(kinked):
            result.at_kinks += 1
            result.kinks.append(f"{name}{_index(analytic.shape, int(flat_k))}")
        if ratio.size:
            k = int(ratio.argmax())
            if ratio[k] > worst_ratio:
                worst_ratio = float(ratio[k])
                result.max_ratio = worst_ratio
                result.worst = f"{name}{_index(analytic.shape, k)}"
                result.worst_analytic, result.worst_numeric = float(a[k]), float(n[k])
                result.worst_allowed = float(allowed[k])
    return result


def _signs(z: np.ndarray) -> np.ndarray:
    return np.sign(z).astype(np.int8)


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

    def probe() -> tuple[float, np.ndarray | None]:
        return float(np.sum(g * act.forward(z.copy()))), (_signs(z) if act.kink else None)

    return _compare(f"activation {act.name}", {"z": (analytic, differences(probe, z))},
                    tolerance)


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
                   differences(lambda: (loss.value(y_pred, y_true), None), y_pred)),
    }
    if loss.pairs_with and not loss.from_logits:
        act = activations.get(loss.pairs_with)
        z = rng.standard_normal(y_pred.shape)
        pairs["z (fused with " + act.name + ")"] = (
            loss.gradient_wrt_z(act.forward(z.copy()), y_true),
            differences(lambda: (loss.value(act.forward(z.copy()), y_true), None), z),
        )
    return _compare(f"loss {loss.name}", pairs, tolerance)


def _float64_copy(layer: Layer) -> Layer:
    from .layers import from_config

    clone = from_config(layer.get_config())
    if layer.built and layer.built_shape is not None:
        clone.build(layer.built_shape, np.random.default_rng(0), np.float64)
        if layer.parameters():
            clone.set_neuron_weights([w.astype(np.float64) for w in layer.get_neuron_weights()])
    return clone


def _kink_signs(layer: Layer, x: np.ndarray) -> list[np.ndarray]:
    """The signs that decide which side of a kink ``layer`` is on for input ``x``: its
    pre-activations for a ReLU-like activation, its weights under an L1 penalty."""
    signs = [_signs(s) for s in layer.kink_signs(x)]
    if getattr(layer, "l1", 0):
        signs.append(_signs(layer.parameters()[0][0]))
    return signs


def _joined(signs: list[np.ndarray]) -> np.ndarray | None:
    return np.concatenate([s.reshape(-1) for s in signs]) if signs else None


def _labels(layers: list[Layer]) -> list[str]:
    """``layer 1 W``, ``layer 1 b``, ... for every parameter, numbered by layer."""
    labels = []
    for number, layer in enumerate(layers, start=1):
        for kind, _ in layer.named_weights():
            labels.append(f"layer {number} {kind}")
    return labels


def check_layer(layer: Layer, x: np.ndarray | None = None, training: bool = True,
                seed: int = 0, tolerance: float = TOLERANCE) -> GradcheckResult:
    """Check a layer's gradients for its weights, bias and input, in float64.

    The scalar probed is ``sum(g * layer.forward(x)) + layer.penalty()`` for a fixed
    random ``g`` (the penalty is the layer's L2 term, 0 without one).
    """
    rng = np.random.default_rng(seed)
    if not layer.built:
        shape = layer.input_shape or (4,)
        layer.build(shape, np.random.default_rng(seed), np.float64)
    layer = _float64_copy(layer)
    assert layer.built_shape is not None
    x = rng.standard_normal((5, *layer.built_shape)) if x is None \
        else np.array(x, dtype=np.float64)
    if layer.activation is not None and layer.activation.kink:
        # nudge inputs so no pre-activation sits on the kink, where no derivative exists
        for _ in range(10):
            z = layer.preactivation(x)
            if z is None or np.abs(z).min() > 1e-3:
                break
            x = x + rng.normal(0, 0.01, x.shape)

    def run() -> np.ndarray:
        if isinstance(layer, Dropout):
            layer.reseed(seed)  # the same mask for every probe
        return layer.forward(x, training=training)

    g = rng.standard_normal(run().shape)
    run()
    grad_x = layer.backward(g)

    def probe() -> tuple[float, np.ndarray | None]:
        value = float(np.sum(g * run())) + layer.penalty()
        return value, _joined(_kink_signs(layer, x))

    pairs = {"input": (grad_x.copy(), differences(probe, x))}
    analytic = [grad.copy() for _, grad in layer.parameters()]
    for (label, value), a in zip(layer.named_weights(), analytic):
        pairs[label] = (a, differences(probe, value))
    return _compare(f"layer {layer!r}", pairs, tolerance)


def check_model(model: Sequential, X: Any, y: Any, tolerance: float = TOLERANCE,
                seed: int = 0) -> GradcheckResult:
    """Check every parameter gradient of a compiled model on data ``X, y``, in float64.

    The model itself is not changed: a float64 copy with the same weights is probed.
    Dropout layers use one fixed mask for every probe. A weight or bias whose nudge
    moves some ReLU-like pre-activation across 0 is counted in ``at_kinks``, not checked.
    """
    if model.loss is None:
        raise ConfigError("check_model needs a compiled model: call model.compile(...) first.")
    clone = Sequential.from_config({**model.get_config(), "dtype": "float64"})
    Xa = prepare_inputs(clone, X, seed=seed)
    if model.built:
        clone.set_neuron_weights(model.get_neuron_weights())
    Y = prepare_targets(clone, y, len(Xa))
    assert clone.loss is not None

    def forward(start: int, x: np.ndarray,
                stop: int | None = None) -> tuple[np.ndarray, list[np.ndarray]]:
        """Run layers ``start`` to ``stop`` (0-based, stop excluded) on ``x``: their
        output and their kink signs."""
        out, signs = x, []
        for layer in clone.layers[start:stop]:
            if isinstance(layer, Dropout):
                layer.reseed(seed)  # the same mask for every probe
            signs += _kink_signs(layer, out)
            out = layer.forward(out, training=True)
        return out, signs

    # A nudge to a weight of layer k changes nothing before layer k: what the layers
    # before it give (copied, as a layer may reuse its output buffer) is kept, and each
    # probe of layer k's weights runs forward from there.
    starts: list[tuple[np.ndarray, list[np.ndarray]]] = []
    out = Xa
    signs: list[np.ndarray] = []
    for k in range(len(clone.layers)):
        starts.append((out.copy(), list(signs)))
        out, new = forward(k, out, stop=k + 1)
        signs += new
    y_pred = out

    def probe(k: int) -> tuple[float, np.ndarray | None]:
        x, signs_before = starts[k]
        output, signs = forward(k, x)
        return clone.compute_loss(output, Y), _joined(signs_before + signs)

    clone.backward(y_pred, Y)
    analytic = [grad.copy() for _, grad in clone.parameters()]
    owner = [k for k, layer in enumerate(clone.layers) for _ in layer.parameters()]
    pairs = {}
    for name, (value, _), a, k in zip(_labels(clone.layers), clone.parameters(), analytic, owner):
        pairs[name] = (a, differences(functools.partial(probe, k), value))
    return _compare("model", pairs, tolerance)


def check(obj: Any, *args: Any, **kwargs: Any) -> GradcheckResult:
    """Check anything: an activation or loss (object or name), a layer, or a model.

    >>> print(check("sigmoid"))  # doctest: +ELLIPSIS
    activation sigmoid: analytic and numeric gradients match - 12 numbers checked, ...
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
