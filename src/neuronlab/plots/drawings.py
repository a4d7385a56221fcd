"""Diagrams with the numbers on them: one neuron at work, and a whole network's weights."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from ..errors import ConfigError, ShapeError
from ..layers import Dense
from ..model import Sequential
from ..neuron import Neuron
from ._common import NEGATIVE, POSITIVE, figure_and_axes, lighter, number, styled
from ._common import ensure_built as _ensure_built

MAX_LANES = 8  # inputs drawn one by one in plot_neuron; the rest are summed in one lane


def _fmt(value: float) -> str:
    """Two decimals as in the lessons' step-by-step line, more when two would hide a digit."""
    text = f"{value:.2f}"
    return text if abs(float(text) - value) < 1e-9 else f"{value:.4g}"


def _three(value: float) -> str:
    """Three decimals, as worked example §1 prints products and sums (never ``-0.000``)."""
    text = f"{value:.3f}"
    return "0.000" if text == "-0.000" else text


def _weight_color(w: float) -> str:
    return POSITIVE if w >= 0 else NEGATIVE


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], **kw: Any) -> None:
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=18,
                                 color=kw.pop("color", "0.2"), lw=kw.pop("lw", 1.8), **kw))


def _box(ax: Axes, x: float, y: float, text: str, color: Any, **kw: Any) -> None:
    ax.text(x, y, text, ha="center", va="center",
            bbox={"boxstyle": "round,pad=0.35", "fc": color, "ec": "0.3", "lw": 1}, **kw)


@styled
def plot_neuron(neuron: Neuron, inputs: Sequence[float], ax: Axes | None = None) -> Figure:
    """One neuron computing ``ŷ = f(w1·x1 + ... + wn·xn + b)``, with every number drawn.

    Each input travels along its own lane: ``x_i``, times its weight ``w_i``, gives the
    product ``x_i·w_i``; the lanes meet in the sum ``Σ``, the bias ``b`` is added to
    give ``z``, and the activation ``f`` turns ``z`` into the output ``y``. The
    step-by-step line of worked example §1 is printed underneath. Lanes are coloured by the
    weight's sign (blue positive, vermillion negative) and thickened by its size.
    With more than 8 inputs the first 7 get lanes and the rest share one.

    >>> from neuronlab import Neuron
    >>> fig = plot_neuron(Neuron([0.5, -0.3, 0.8], 0.1, "relu"), [0.5, -0.3, 0.7])
    >>> texts = [t.get_text() for t in fig.axes[0].texts]
    >>> "x1·w1 = 0.250" in texts and "z = 1.000" in texts and "ŷ = 1.000" in texts
    True
    """
    if not isinstance(neuron, Neuron):
        raise ConfigError(
            f"plot_neuron draws a neuronlab.Neuron, got {type(neuron).__name__}; build one "
            f"with Neuron(weights=[0.5, -0.3, 0.8], bias=0.1, activation='relu')."
        )
    values = list(inputs)
    if len(values) != len(neuron.weights):
        raise ShapeError(
            f"This neuron has {len(neuron.weights)} weights, so plot_neuron needs "
            f"{len(neuron.weights)} inputs, got {len(values)}. Give one input per weight."
        )
    e = neuron.explain(values)
    n = len(e.inputs)
    lanes = list(range(n)) if n <= MAX_LANES else list(range(MAX_LANES - 1))
    n_lanes = len(lanes) + (n > MAX_LANES)
    top = (n_lanes - 1) * 1.3 / 2
    ys = [top - 1.3 * k for k in range(n_lanes)]
    bias_y = min(ys) - 1.1 if n_lanes > 2 else -1.9
    bottom, ceiling = bias_y - 1.6, max(top + 0.7, 1.3)
    fig, ax = figure_and_axes(ax, 12.0, 0.68 * (ceiling - bottom) + 0.6)
    sum_xy = (8.2, 0.0)
    biggest = max(abs(w) for w in e.weights) or 1.0
    for k, y in enumerate(ys):
        if k < len(lanes):
            i = lanes[k]
            x, w, p = e.inputs[i], e.weights[i], e.products[i]
            name, lw, color = f"x{i + 1}", 1.2 + 3.5 * abs(w) / biggest, _weight_color(w)
            ax.add_patch(Circle((0, y), 0.42, fc="0.92", ec="0.3", lw=1.2, zorder=3))
            ax.text(0, y, _fmt(x), ha="center", va="center", zorder=4, fontsize=10)
            ax.text(-0.6, y, name, ha="right", va="center", fontsize=11)
            _box(ax, 2.1, y, f"× w{i + 1} = {_fmt(w)}", lighter(color, 0.75), zorder=4)
            _box(ax, 4.5, y, f"x{i + 1}·w{i + 1} = {_three(p)}", "white", zorder=4)
        else:
            rest = range(MAX_LANES - 1, n)
            w = sum(e.weights[i] for i in rest) / len(rest)
            p = sum(e.products[i] for i in rest)
            lw, color = 1.2, _weight_color(p)
            ax.text(0, y, f"⋮ {len(rest)} more\ninputs", ha="center", va="center", fontsize=9)
            _box(ax, 4.5, y, f"their products sum to {_three(p)}", "white", zorder=4)
        ax.plot([0.42, 6.0, sum_xy[0] - 0.62], [y, y, sum_xy[1]], color=color, lw=lw,
                zorder=1, solid_joinstyle="round")
    ax.add_patch(Circle(sum_xy, 0.65, fc="white", ec="0.2", lw=1.8, zorder=3))
    ax.text(*sum_xy, "Σ", ha="center", va="center", fontsize=20, zorder=4)
    ax.text(sum_xy[0], sum_xy[1] + 0.95, f"sum = {_three(e.sum)}", ha="center", fontsize=10)
    _box(ax, sum_xy[0], bias_y, f"bias b = {_fmt(e.bias)}", lighter(_weight_color(e.bias), 0.75))
    _arrow(ax, (sum_xy[0], bias_y + 0.3), (sum_xy[0], -0.66))
    _arrow(ax, (sum_xy[0] + 0.66, 0), (11.3, 0))
    ax.text(10.1, 0.25, f"z = {e.z:.3f}", ha="center", va="bottom", fontsize=11)
    ax.text(10.1, -0.25, "z = sum + b", ha="center", va="top", fontsize=9, color="0.35")
    ax.add_patch(FancyBboxPatch((11.35, -0.55), 1.8, 1.1, boxstyle="round,pad=0.05",
                                fc="#FFF3D6", ec="0.3", lw=1.2))
    ax.text(12.25, 0.1, "activation", ha="center", va="bottom", fontsize=9, color="0.35")
    ax.text(12.25, -0.05, e.activation, ha="center", va="top", fontsize=12)
    _arrow(ax, (13.2, 0), (14.6, 0))
    ax.add_patch(Circle((15.1, 0), 0.5, fc="#E6F2E6", ec="0.2", lw=1.5, zorder=3))
    ax.text(15.1, 0, "ŷ", ha="center", va="center", fontsize=14, zorder=4)
    ax.text(15.1, 0.7, f"ŷ = {e.y:.3f}", ha="center", va="bottom", fontsize=12,
            fontweight="bold")
    if e.y == 0 and e.activation in ("relu", "step"):
        ax.text(15.1, -0.7, "does not fire", ha="center", va="top", fontsize=10, color="0.35")
    steps = f"{e.z_line()}\n{e.y_line()}"
    if n > MAX_LANES:  # the full line would run off the page: show its start and end
        head = " + ".join(f"({_fmt(x)} × {_fmt(w)})" for x, w in zip(e.inputs[:3], e.weights))
        sign = "-" if e.bias < 0 else "+"
        steps = (f"z = {head} + … ({n - 3} more products) {sign} {_fmt(abs(e.bias))} = "
                 f"{e.z:.3f}\n{e.y_line()}")
    ax.text(7.5, bias_y - 0.7, steps, ha="center", va="top", family="monospace", fontsize=10)
    ax.set_xlim(-1.6, 16.0)
    ax.set_ylim(bottom, ceiling)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"One neuron: multiply, sum, add the bias, activate  (ŷ = {e.activation}"
                 f"(w·x + b))")
    return fig


# --------------------------------------------------------------------------- networks
def _dense(model: Sequential) -> list[Dense]:
    dense = [cast(Dense, layer) for layer in model.layers if layer.fully_connected]
    if not dense:
        raise ConfigError("plot_network needs a model with at least one Dense layer.")
    return dense


def _shown(count: int, cap: int) -> list[int]:
    """Indices drawn for a column of ``count`` nodes: all, or the first ``cap - 1``."""
    return list(range(count)) if count <= cap else list(range(cap - 1))


def draw_network(ax: Axes, model: Sequential, max_nodes: int = 12,
                 show_weights: bool | None = None) -> list[str]:
    """Draw ``model`` into ``ax``; return notes about what was left out (capped columns).

    Artists carry ids for tests and tools: nodes ``node:<column>:<i>``, links
    ``link:<layer>:<from>:<to>``, bias labels ``bias:<layer>:<i>``.
    """
    _ensure_built(model, "plot_network")
    dense = _dense(model)
    sizes = [int(model.n_inputs or 0)] + [layer.units for layer in dense]
    shown = [_shown(size, max_nodes) for size in sizes]
    rows = [len(s) + (size > len(s)) for s, size in zip(shown, sizes)]
    tallest = max(rows)
    dx = 3.4

    def place(col: int, k: int) -> tuple[float, float]:
        return col * dx, (rows[col] - 1) / 2 - k

    biggest = max(float(np.abs(layer.W).max()) for layer in dense) or 1.0
    notes = []
    for c, (size, idx) in enumerate(zip(sizes, shown)):
        what = "inputs" if c == 0 else f"units of layer {c}"
        if len(idx) < size:
            notes.append(f"{len(idx)} of {size} {what}")
            x, y = place(c, len(idx))
            ax.text(x, y + 0.1, f"⋮\n{size - len(idx)} more", ha="center", va="center",
                    fontsize=9, color="0.3")
    r = 0.3
    for c, layer in enumerate(dense, start=1):
        W, b = layer.W.astype(float), layer.b.astype(float)
        n_src, n_dst = len(shown[c - 1]), len(shown[c])
        label_weights = (n_src * n_dst <= 16 and max(n_src, n_dst) <= 6) \
            if show_weights is None else show_weights
        t = 0.75 if n_dst > n_src else 0.27  # near the end where this layer's links spread
        for j, out in enumerate(shown[c]):
            x1, y1 = place(c, j)
            for i, src in enumerate(shown[c - 1]):
                x0, y0 = place(c - 1, i)
                w = W[out, src]
                share = abs(w) / biggest
                line = Line2D([x0 + r, x1 - r], [y0, y1], color=_weight_color(w),
                              lw=0.4 + 4.0 * share, alpha=0.35 + 0.6 * share, zorder=1,
                              gid=f"link:{c}:{src}:{out}")
                ax.add_line(line)
                if label_weights:
                    ax.text(x0 + r + t * (x1 - x0 - 2 * r), y0 + t * (y1 - y0), number(w),
                            fontsize=8, ha="center", va="center", color=_weight_color(w),
                            bbox={"fc": "white", "ec": "none", "pad": 0.5, "alpha": 0.85},
                            zorder=2)
            fill = lighter(_weight_color(b[out]), 1 - 0.6 * min(1.0, abs(b[out]) / biggest))
            ax.add_patch(Circle((x1, y1), r, fc=fill, ec="0.2", lw=1.2, zorder=3,
                                gid=f"node:{c}:{out}"))
            ax.text(x1, y1 - r - 0.04, f"b={number(b[out])}", fontsize=8, ha="center", va="top",
                    color="0.15", zorder=4, gid=f"bias:{c}:{out}",
                    bbox={"fc": "white", "ec": "none", "pad": 0.3, "alpha": 0.8})
    for i in shown[0]:
        x, y = place(0, i)
        ax.add_patch(Circle((x, y), r, fc="0.9", ec="0.2", lw=1.2, zorder=3, gid=f"node:0:{i}"))
        ax.text(x - r - 0.1, y, f"x{i + 1}", ha="right", va="center", fontsize=9)
    for c, layer in enumerate(dense, start=1):
        if c == len(dense):
            for j in shown[c]:
                x, y = place(c, j)
                name = "ŷ" if layer.units == 1 else f"class {j}" if layer.activation.name in \
                    ("softmax", "sigmoid") else f"ŷ{j + 1}"
                ax.text(x + r + 0.1, y + 0.05, name, ha="left", va="bottom", fontsize=9)
    top = (tallest - 1) / 2 + 0.9
    headers = [f"input\n{sizes[0]} features"] + [
        f"{'output' if c == len(dense) else f'hidden {c}'}\n{layer.units} × "
        f"{layer.activation.name}" for c, layer in enumerate(dense, start=1)
    ]
    for c, text in enumerate(headers):
        ax.text(c * dx, top, text, ha="center", va="bottom", fontsize=10, fontweight="bold")
    ax.set_xlim(-1.3, (len(sizes) - 1) * dx + 1.6)
    ax.set_ylim(-(tallest - 1) / 2 - 0.9, top + 1.0)
    ax.set_aspect("equal")
    ax.axis("off")
    return notes


@styled
def plot_network(model: Sequential, max_nodes: int = 12, show_weights: bool | None = None,
                 ax: Axes | None = None) -> Figure:
    """The network as columns of nodes, one link per weight and every bias written out.

    Column 0 holds the inputs ``x1..xn``; each Dense layer ``f(x @ W.T + b)`` adds a
    column with one node per unit. The link from input ``i`` to unit ``j`` is
    ``W[j, i]``: blue when positive, vermillion when negative, thicker and darker the
    larger ``|W[j, i]|``. Each unit is labelled with its bias ``b=...`` - the output
    units' biases too - and filled more strongly the larger its bias. Small layers
    (at most 16 links, at most 6 nodes a side) also print each weight on its link.
    Columns longer than ``max_nodes`` show their first ``max_nodes - 1`` nodes and say how
    many are left out.
    A model that has ``input_shape`` but no weights yet gets its initial weights first,
    as ``predict`` would.

    >>> from neuronlab import Dense, Sequential
    >>> model = Sequential([Dense(3, input_shape=(2,)), Dense(1)], seed=0)
    >>> model.build()
    >>> fig = plot_network(model)
    >>> links = [a for a in fig.axes[0].lines if str(a.get_gid()).startswith("link:")]
    >>> len(links)  # 2 x 3 + 3 x 1 weights
    9
    """
    if not isinstance(model, Sequential):
        raise ConfigError(
            f"plot_network draws a neuronlab Sequential model, got {type(model).__name__}; "
            f"for one neuron use plot_neuron(neuron, inputs)."
        )
    max_nodes = int(max_nodes)
    if max_nodes < 3:
        raise ConfigError(f"max_nodes must be at least 3, got {max_nodes}.")
    _ensure_built(model, "plot_network")
    dense = _dense(model)
    tallest = min(max_nodes, max([int(model.n_inputs or 0)] + [d.units for d in dense]))
    across, down = 3.4 * len(dense) + 2.9, tallest + 2.8  # the drawing's size in node steps
    scale = min(0.62, 11.0 / across, 8.5 / down)  # inches per step
    fig, ax = figure_and_axes(ax, max(across * scale, 6.5) + 0.4, down * scale + 1.3)
    notes = draw_network(ax, model, max_nodes, show_weights)
    shape = " → ".join(str(s) for s in [model.n_inputs] + [d.units for d in dense])
    n_weights = sum(d.W.size for d in dense)
    n_biases = sum(d.b.size for d in dense)
    ax.set_title(f"Network {shape}: {n_weights} weights (links) and {n_biases} biases (b=)")
    handles = [Line2D([], [], color=POSITIVE, lw=3, label="positive weight"),
               Line2D([], [], color=NEGATIVE, lw=3, label="negative weight"),
               Line2D([], [], color="0.4", lw=0.8, label="thin = weight near 0"),
               Line2D([], [], ls="", marker="o", ms=11, mfc=lighter(POSITIVE, 0.5), mec="0.2",
                      label="node tint = bias (b=)")]
    note = "Showing " + ", ".join(notes) + " (the rest are left out to stay legible)" \
        if notes else None
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2,
              frameon=False, title=note, title_fontsize=9)
    return fig
