"""Curves: every activation with its derivative, and a training history per epoch."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from .. import activations, metrics
from ..errors import ConfigError, DataError
from ..model import History, Sequential
from ._common import NEGATIVE, POSITIVE, new_figure, styled


def default_activations() -> tuple[str, ...]:
    """The activations drawn by default: every element-wise one, simplest first."""
    return activations.names(elementwise=True)


def lower_is_better(key: str) -> bool | None:
    """True for the loss and error metrics, False for accuracy-like ones, None if unknown."""
    if key == "loss":
        return True
    return not metrics.TABLE[key].higher_is_better if key in metrics.TABLE else None


def formulas(name: str) -> tuple[str, str]:
    """The labels of ``f(z)`` and ``f'(z)`` for the activation called ``name``."""
    cls = activations.TABLE[name]
    return cls.formula, cls.slope


def _curve(name: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``f(z)`` and ``f'(z)``; softmax, which needs a row of scores, gets ``[z, 0]``."""
    act = activations.get(name)
    if not act.elementwise:
        y = act.forward(np.column_stack([z, np.zeros_like(z)]))[:, 0]
        return y, y * (1 - y)
    return act.forward(z.copy()), act.derivative(z.copy())


@styled
def plot_activations(names: Sequence[str] | None = None, z_range: float = 5.0) -> Figure:
    """Each activation ``ŷ = f(z)`` (solid) and its derivative ``f'(z)`` (dashed), one panel each.

    ``names`` are activation names or one name (default: every element-wise activation:
    linear, step, relu, leaky_relu, sigmoid, tanh and any registered); ``z`` runs over
    ``[-z_range, z_range]``. The derivative is what backpropagation multiplies by:
    ``grad_z = grad_y · f'(z)``. Softmax works on a row of scores, so it is drawn as
    the first entry of ``softmax([z, 0])`` - which is the sigmoid.

    >>> fig = plot_activations(["relu", "sigmoid"])
    >>> [ax.get_title().splitlines()[0] for ax in fig.axes]
    ['relu', 'sigmoid']
    """
    names = list(default_activations() if names is None else [names] if isinstance(names, str)
                 else names)
    if not names:
        raise ConfigError(
            "plot_activations expects activation names such as ['relu', 'tanh'], got none."
        )
    keys = [activations.get(name).name for name in names]
    if z_range <= 0:
        raise ConfigError(f"z_range must be > 0, got {z_range!r}; try 5.")
    cols = min(3 if len(keys) <= 9 else 4, len(keys))  # at most 3 rows of 4
    rows = math.ceil(len(keys) / cols)
    fig = new_figure(4.2 * cols, 3.4 * rows + 0.5)
    z = np.linspace(-z_range, z_range, 401)
    for i, key in enumerate(keys):
        ax = fig.add_subplot(rows, cols, i + 1)
        y, dy = _curve(key, z)
        formula, slope = formulas(key)
        if key == "step":  # draw the jump as a jump, not a steep line
            ax.plot(z[z <= 0], y[z <= 0], color=POSITIVE, lw=2.5, label=formula)
            ax.plot(z[z > 0], y[z > 0], color=POSITIVE, lw=2.5)
        else:
            ax.plot(z, y, color=POSITIVE, lw=2.5, label=formula)
        ax.plot(z, dy, color=NEGATIVE, lw=2, ls="--", label=slope)
        ax.axhline(0, color="0.6", lw=0.8)
        ax.axvline(0, color="0.6", lw=0.8)
        ax.grid(alpha=0.3)
        ax.set_title(f"{key}\n{formula}", fontsize=11)
        ax.set_xlabel("z (weighted sum + bias)")
        if i % cols == 0:
            ax.set_ylabel("value")
        low, high = min(y.min(), dy.min()), max(y.max(), dy.max())
        pad = 0.1 * (high - low) or 0.5
        ax.set_ylim(low - pad, high + pad * 3.5)  # room for the legend above the curves
        ax.legend(loc="upper left", fontsize=9, framealpha=0.9)
    fig.suptitle("Activations ŷ = f(z) (solid) and their derivatives f'(z) (dashed)")
    return fig


def _as_history(history: Any) -> dict[str, list[float]]:
    if isinstance(history, Sequential):
        history = history.history
    if isinstance(history, History):
        history = history.history
    if not isinstance(history, Mapping):
        raise ConfigError(
            f"plot_history expects the History returned by model.fit (or its .history dict), "
            f"got {type(history).__name__}."
        )
    data = {str(k): [float(v) for v in values] for k, values in history.items()}
    if not data or not any(data.values()):
        raise DataError(
            "This history has no epochs yet: train first with history = model.fit(X, y, ...)."
        )
    return data


@styled
def plot_history(history: Any, title: str = "Training history") -> Figure:
    """Loss and every metric per epoch: training (solid) against validation (dashed).

    ``history`` is what ``model.fit`` returns (a :class:`~neuronlab.History`), its
    ``.history`` dict, or the trained model. One panel per quantity; a loss that falls
    by more than 100x is drawn on a log scale so its tail stays visible.

    >>> fig = plot_history({"loss": [0.9, 0.5, 0.3], "val_loss": [1.0, 0.6, 0.4]})
    >>> [line.get_label().split(" (")[0] for line in fig.axes[0].get_lines()]
    ['training', 'validation']
    """
    data = _as_history(history)
    bases = [k for k in data if not k.startswith("val_")]
    bases += [k[4:] for k in data if k.startswith("val_") and k[4:] not in data]
    fig = new_figure(5.0 * len(bases) + 0.5, 4.0)
    for i, key in enumerate(bases):
        ax = fig.add_subplot(1, len(bases), i + 1)
        everything: list[float] = []
        for prefix, label, style in (("", "training", "-"), ("val_", "validation", "--")):
            values = data.get(prefix + key)
            if not values:
                continue
            epochs = np.arange(1, len(values) + 1)
            color = POSITIVE if not prefix else NEGATIVE
            ax.plot(epochs, values, style, color=color, lw=2,
                    label=f"{label} (last {values[-1]:.4g})",
                    marker="o" if len(values) <= 20 else None)
            everything += values
        positive = [v for v in everything if v > 0]
        if key == "loss" and positive and min(everything) > 0 and \
                max(positive) / min(positive) > 100:
            ax.set_yscale("log")
            ax.set_ylabel(f"{key} (log scale)")
        else:
            ax.set_ylabel(key)
        ax.set_xlabel("epoch")
        lower = lower_is_better(key)
        better = "" if lower is None else " (lower is better)" if lower else " (higher is better)"
        ax.set_title(f"{key} per epoch{better}")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    return fig
