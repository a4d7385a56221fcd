"""Decision boundaries: where a 2-input model changes its answer, and why.

A model with inputs ``(x1, x2)`` is asked for its output at every point of a fine
grid; the picture shades each point by that output and draws the line where the
answer flips (output 0.5, or the largest class changing). For one neuron that line
is exactly ``w1·x1 + w2·x2 + b = 0`` (worked example §4), drawn from the weights themselves.
"""

from __future__ import annotations

import math
from typing import Any, cast

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, Normalize, TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from .. import datasets
from ..activations import Activation
from ..errors import ConfigError, ShapeError
from ..layers import Dense
from ..model import Sequential
from ._common import (
    BOUNDARY,
    CLASS_MARKERS,
    Predictor,
    check_2d_inputs,
    class_color,
    ensure_built,
    figure_and_axes,
    grid,
    lighter,
    line_text,
    new_figure,
    points_and_labels,
    predictor,
    styled,
    view_box,
)

#: What a neuron that fires (z > 0) on these corners computes, corners in the order
#: (0, 0), (0, 1), (1, 0), (1, 1).
GATE_NAMES = {
    (0, 0, 0, 1): "AND", (0, 1, 1, 1): "OR", (1, 1, 1, 0): "NAND", (1, 0, 0, 0): "NOR",
    (0, 0, 1, 1): "x1", (0, 1, 0, 1): "x2", (1, 1, 0, 0): "NOT x1", (1, 0, 1, 0): "NOT x2",
    (0, 0, 1, 0): "x1 AND NOT x2", (0, 1, 0, 0): "x2 AND NOT x1",
    (1, 0, 1, 1): "x1 OR NOT x2", (1, 1, 0, 1): "x2 OR NOT x1",
    (0, 0, 0, 0): "none", (1, 1, 1, 1): "all four",
}
CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def binary_cmap(c0: str, c1: str) -> LinearSegmentedColormap:
    """Light class-0 colour → white (undecided, 0.5) → light class-1 colour."""
    return LinearSegmentedColormap.from_list(
        "neuronlab_binary", [lighter(c0, 0.5), (1.0, 1.0, 1.0), lighter(c1, 0.5)])


def scatter_classes(ax: Axes, X: np.ndarray, labels: np.ndarray | None) -> None:
    """The data points, one colour *and* one marker shape per class."""
    size = 110 if len(X) <= 20 else 30 if len(X) <= 600 else 12
    if labels is None:
        ax.scatter(X[:, 0], X[:, 1], s=size, c="0.3", edgecolors="white", linewidths=0.8,
                   zorder=3, label="data")
        return
    for c in np.unique(labels):
        mask = labels == c
        ax.scatter(X[mask, 0], X[mask, 1], s=size, c=class_color(int(c)),
                   marker=CLASS_MARKERS[int(c) % len(CLASS_MARKERS)], edgecolors="black",
                   linewidths=0.7, zorder=3, label=f"class {c}")


def neuron_line(ax: Axes, w: np.ndarray, b: float, box: tuple[float, float, float, float],
                label: str, gid: str, **style: Any) -> None:
    """Draw ``w1·x1 + w2·x2 + b = 0``, well past the window so it always crosses it."""
    x0, x1, y0, y1 = box
    w1, w2 = float(w[0]), float(w[1])
    if w1 == 0 and w2 == 0:
        return
    if abs(w2) >= abs(w1):
        xs = np.array([x0 - 2 * (x1 - x0), x1 + 2 * (x1 - x0)])
        ys = -(w1 * xs + b) / w2
    else:
        ys = np.array([y0 - 2 * (y1 - y0), y1 + 2 * (y1 - y0)])
        xs = -(w2 * ys + b) / w1
    ax.plot(xs, ys, label=label, gid=gid, zorder=2, **{"color": BOUNDARY, "lw": 2.5, **style})


def _aspect(ax: Axes, box: tuple[float, float, float, float]) -> None:
    ratio = (box[1] - box[0]) / (box[3] - box[2])
    ax.set_aspect("equal" if 0.5 <= ratio <= 2 else "auto")
    ax.set_xlim(box[0], box[1])
    ax.set_ylim(box[2], box[3])
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))


def draw_boundary(ax: Axes, p: Predictor, X: np.ndarray, labels: np.ndarray,
                  box: tuple[float, float, float, float], resolution: int = 200,
                  ) -> tuple[AxesImage, float]:
    """Shade ``ax`` by the model's answer, draw its boundary and the points.

    Returns the shading image (for a colour bar) and the accuracy on ``X``.
    """
    xs, ys, points = grid(box, resolution)
    out = p.predict(points)
    extent = (box[0], box[1], box[2], box[3])
    if out.shape[1] == 1:
        prob = out[:, 0].reshape(resolution, resolution)
        low, high = min(0.0, float(prob.min())), max(1.0, float(prob.max()))
        image = ax.imshow(prob, extent=extent, origin="lower", interpolation="bilinear",
                          cmap=binary_cmap(class_color(0), class_color(1)),
                          norm=TwoSlopeNorm(0.5, low, high))
        exact_line = p.neuron is not None and p.neuron[2] in ("sigmoid", "step")
        if not exact_line and prob.min() < 0.5 < prob.max():
            ax.contour(xs, ys, prob, levels=[0.5], colors=BOUNDARY, linewidths=2.5)
        predicted = (p.predict(X)[:, 0] > 0.5).astype(int)
    else:
        k = out.shape[1]
        winner = out.argmax(axis=1)
        sure = (out.max(axis=1) - 1 / k) / (1 - 1 / k)  # 0: undecided, 1: certain
        colors = np.array([lighter(class_color(c), 0.45) for c in range(k)])
        rgb = colors[winner] + (1 - colors[winner]) * (0.6 * (1 - sure))[:, None]
        image = ax.imshow(rgb.reshape(resolution, resolution, 3), extent=extent,
                          origin="lower", interpolation="nearest")
        lab = winner.reshape(resolution, resolution)
        levels = [c + 0.5 for c in range(k - 1) if lab.min() <= c < lab.max()]
        if levels:
            ax.contour(xs, ys, lab, levels=levels, colors=BOUNDARY, linewidths=1.8)
        predicted = p.predict(X).argmax(axis=1)
    if p.neuron is not None:
        w, b, _ = p.neuron
        neuron_line(ax, w, b, box, "line w·x + b = 0", "neuron-line")
    scatter_classes(ax, X, labels)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    _aspect(ax, box)
    return image, float(np.mean(predicted == labels))


def _legend_below(ax: Axes, extra: list[Any]) -> None:
    handles, _ = ax.get_legend_handles_labels()
    handles = extra + handles
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13),
              ncol=min(4, len(handles)), frameon=False, fontsize=9, columnspacing=1.0,
              handletextpad=0.4)


@styled
def plot_decision_boundary(model: Any, X: Any, y: Any, ax: Axes | None = None,
                           resolution: int = 200, title: str | None = None,
                           colorbar: bool = True) -> Figure:
    """Where a 2-input model says which class: shading, the boundary and the points.

    ``model`` is a :class:`~neuronlab.Sequential` or a pure-Python
    :class:`~neuronlab.Neuron` with 2 inputs; ``X`` is ``(N, 2)``; ``y`` holds class
    labels ``(N,)``, 0/1 targets ``(N, 1)`` or one-hot rows. With one output the
    shading is the output itself (light blue near 0, white at 0.5, light orange near
    1) and the black curve is where it equals 0.5. With several outputs (softmax) each
    point is shaded by its most likely class, paler where the model is unsure. For a
    single neuron the line ``w1·x1 + w2·x2 + b = 0`` is drawn from its weights. The
    title reports how many points are classified right. Pass ``ax`` to draw into
    your own axes, ``colorbar=False`` to leave out the colour scale.

    >>> from neuronlab import Neuron
    >>> X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    >>> fig = plot_decision_boundary(Neuron([1, 1], -1.5, "step"), X, [0, 0, 0, 1])
    >>> fig.axes[0].get_title().splitlines()[-1]
    '4 of 4 points right (100%)'
    """
    p = predictor(model, "plot_decision_boundary")
    check_2d_inputs(p, "plot_decision_boundary")
    X, labels = points_and_labels(X, y, "plot_decision_boundary")
    if not isinstance(resolution, int) or not 10 <= resolution <= 1000:
        raise ConfigError(f"resolution must be a whole number from 10 to 1000, got "
                          f"{resolution!r}; 200 is a good choice.")
    box = view_box(X)
    ratio = min(max((box[1] - box[0]) / (box[3] - box[2]), 0.5), 2.0)
    fig, ax = figure_and_axes(ax, 6.8, 5.0 / ratio + 1.9)  # room for the title and legend
    image, accuracy = draw_boundary(ax, p, X, labels, box, resolution)
    right = round(accuracy * len(X))
    heading = title if title is not None else f"Decision boundary of {p.description}"
    if p.neuron is not None:
        w, b, _ = p.neuron
        heading += f"\nline: {line_text(w[0], w[1], b)}"
    ax.set_title(f"{heading}\n{right} of {len(X)} points right ({accuracy:.0%})")
    extra = []
    if p.neuron is None or p.neuron[2] not in ("sigmoid", "step"):
        if p.predict(X[:1]).shape[1] == 1:
            extra.append(Line2D([], [], color=BOUNDARY, lw=2.5, label="boundary (output = 0.5)"))
        else:
            extra.append(Line2D([], [], color=BOUNDARY, lw=1.8,
                                label="boundary (top class changes)"))
    _legend_below(ax, extra)
    if colorbar and isinstance(image.norm, TwoSlopeNorm):
        bar = fig.colorbar(image, ax=ax, shrink=0.75, pad=0.02)
        bar.set_label("model output (0.5 = undecided)")
    return fig


# --------------------------------------------------------------------------- hidden
def _hidden_layer(model: Any) -> Dense:
    if not isinstance(model, Sequential):
        raise ConfigError(
            f"plot_hidden_boundaries draws the first layer of a Sequential network, got "
            f"{type(model).__name__}. One neuron has no hidden layer: use "
            f"plot_decision_boundary(neuron, X, y) for its line."
        )
    ensure_built(model, "plot_hidden_boundaries")
    first = next((cast(Dense, layer) for layer in model.layers if layer.fully_connected),
                 None)
    if first is None:
        raise ConfigError("plot_hidden_boundaries needs a model with a Dense layer.")
    if first.n_inputs != 2:
        raise ShapeError(
            f"plot_hidden_boundaries draws neurons with 2 inputs (x1, x2) on a plane, but this "
            f"model's first layer takes {first.n_inputs} inputs. Use plot_network(model) to "
            f"see its weights instead."
        )
    return first


def neuron_names(units: int) -> list[str]:
    """``A, B, C, ...`` as in the lessons (``h1, h2, ...`` past 26 units)."""
    if units <= 26:
        return [chr(ord("A") + j) for j in range(units)]
    return [f"h{j + 1}" for j in range(units)]


def gate_of(w: np.ndarray, b: float) -> str:
    """What a neuron firing when ``w·x + b > 0`` computes on the four 0/1 corners.

    >>> gate_of(np.array([1.0, 1.0]), -0.5), gate_of(np.array([1.0, 1.0]), -1.5)
    ('OR', 'AND')
    """
    f00, f01, f10, f11 = (int(v) for v in (CORNERS @ w + b > 0))
    return GATE_NAMES[(f00, f01, f10, f11)]


def _gate_phrase(w: np.ndarray, b: float) -> str:
    gate = gate_of(w, b)
    return f"fires on {gate} of the 4 points" if gate in ("none", "all four") else \
        f"acts as {gate}"


def _output_norm(activation: Activation, values: np.ndarray) -> Normalize:
    """The colour scale of a neuron's output: the activation's whole range when it is
    bounded (sigmoid: 0 to 1), else the range of the values drawn."""
    low, high = activation.output_range
    if math.isfinite(low) and math.isfinite(high):
        return Normalize(low, high)
    low, high = float(values.min()), float(values.max())
    return Normalize(low, high if high > low else low + 1.0)


@styled
def plot_hidden_boundaries(model: Sequential, X: Any = None, y: Any = None,
                           max_panels: int = 12, resolution: int = 150) -> Figure:
    """One panel per neuron of the first hidden layer: the line it draws and where it fires.

    Neuron ``j`` of the first layer computes ``h_j = f(W[j, 0]·x1 + W[j, 1]·x2 + b[j])``:
    it splits the plane along its own line ``W[j]·x + b[j] = 0`` (drawn) and fires on
    one side (shaded grey, darker = larger output). The next layer combines these
    lines into the network's curved boundary. On 0/1 data each panel also names the
    logic the neuron computes on the four corners - for the hand-wired XOR network
    (worked example §5), neuron A is OR and neuron B is AND. Without ``X`` the four XOR points
    are shown. At most ``max_panels`` neurons are drawn.

    >>> from neuronlab import stories
    >>> fig = plot_hidden_boundaries(stories.hand_wired_xor())
    >>> [ax.get_title().splitlines()[0] for ax in fig.axes[:2]]
    ['neuron A: acts as OR', 'neuron B: acts as AND']
    """
    layer = _hidden_layer(model)
    if not isinstance(max_panels, int) or max_panels < 1:
        raise ConfigError(f"max_panels must be a whole number >= 1, got {max_panels!r}.")
    if X is None:
        X, y = datasets.xor()
    Xa = np.asarray(X, dtype=float)
    if y is None:
        points = np.asarray(X, dtype=float)
        if points.ndim != 2 or points.shape[1] != 2:
            raise ShapeError(f"X must have shape (N, 2), got {points.shape}.")
        labels = None
    else:
        points, labels = points_and_labels(X, y, "plot_hidden_boundaries")
    binary = bool(np.isin(Xa, (0.0, 1.0)).all())
    W, b = layer.W.astype(float), layer.b.astype(float)
    act = layer.activation
    count = min(layer.units, int(max_panels))
    cols = min(4, count)
    rows = math.ceil(count / cols)
    box = view_box(points)
    ratio = min(max((box[1] - box[0]) / (box[3] - box[2]), 0.5), 2.0)  # width / height
    fig = new_figure(3.9 * cols + 1.2, (3.1 / ratio + 1.0) * rows + 1.0)
    grid_points = grid(box, resolution)[2]
    shade = LinearSegmentedColormap.from_list("fires", ["white", "0.55"])
    names = neuron_names(layer.units)
    outputs = act(grid_points @ W[:count].T + b[:count])  # (R*R, count): every panel at once
    norm = _output_norm(act, outputs)  # one scale for all panels, so they compare
    axes = []
    for j in range(count):
        ax = fig.add_subplot(rows, cols, j + 1)
        axes.append(ax)
        h = outputs[:, j].reshape(resolution, resolution)
        image = ax.imshow(h, extent=box, origin="lower", cmap=shade, norm=norm,
                          interpolation="bilinear")
        neuron_line(ax, W[j], b[j], box, "its line: z = 0", f"hidden-line:{j}")
        scatter_classes(ax, points, labels)
        gate = f": {_gate_phrase(W[j], b[j])}" if binary else ""
        ax.set_title(f"neuron {names[j]}{gate}\n{line_text(W[j, 0], W[j, 1], b[j])}",
                     fontsize=11)
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        _aspect(ax, box)
    bar = fig.colorbar(image, ax=axes, shrink=0.8)
    bar.set_label(f"neuron output {act.name}(z): grey = fires")
    handles, _ = axes[0].get_legend_handles_labels()
    fig.legend(handles=handles, loc="outside lower center", ncol=min(5, len(handles)),
               frameon=False)
    shown = f" (first {count} of {layer.units})" if count < layer.units else ""
    fig.suptitle(f"What each neuron of the first layer separates{shown}")
    return fig
