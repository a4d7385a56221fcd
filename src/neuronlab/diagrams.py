"""Compact SVG diagrams of a neuron and a network, for notebooks.

Pure Python - the standard library only, no matplotlib - so ``Neuron`` and
``Sequential`` can show themselves in Jupyter cheaply and anywhere: ``Sequential``
through its ``_repr_svg_``, the pure-Python ``Neuron`` (whose file imports nothing
but the standard library) through :func:`register_notebook_display`.
Links are blue for positive weights and vermillion for negative ones, thicker when
larger; every weight is in the SVG (as a label on small diagrams, and as a hover
``<title>`` on every link) and every bias is written under its node.

>>> svg = neuron_svg([0.5, -0.3, 0.8], bias=0.1, activation="relu")
>>> svg.startswith("<svg") and "w3 = 0.8" in svg and "b = 0.1" in svg
True
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from html import escape
from typing import Any

POSITIVE = "#0072B2"  # blue
NEGATIVE = "#D55E00"  # vermillion
INK = "#333333"
FONT = "font-family='DejaVu Sans, Helvetica, Arial, sans-serif'"
MAX_NODES = 8  # per column; longer columns show the first 7 and a "+N more" note


def _num(value: float) -> str:
    """At most 2 decimals, no trailing zeros: 0.5, -0.3, 1, 12.35."""
    value = float(value)
    if value != 0 and abs(value) < 0.005:
        return f"{value:.1g}"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _color(w: float) -> str:
    return POSITIVE if w >= 0 else NEGATIVE


def _text(x: float, y: float, text: str, size: int = 11, anchor: str = "middle",
          color: str = INK, extra: str = "") -> str:
    return (f"<text x='{x:.1f}' y='{y:.1f}' font-size='{size}' text-anchor='{anchor}' "
            f"fill='{color}' {FONT}{extra}>{escape(text)}</text>")


def _label(x: float, y: float, text: str, color: str) -> str:
    """A small label on a link, with a white halo so the line does not cross it out."""
    halo = _text(x, y, text, 9, color="white",
                 extra=" stroke='white' stroke-width='4' stroke-linejoin='round'")
    return halo + _text(x, y, text, 9, color=color)


def _circle(x: float, y: float, r: float, fill: str, title: str = "") -> str:
    circle = (f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{r}' fill='{fill}' stroke='{INK}' "
              f"stroke-width='1.2'/>")
    return f"<g><title>{escape(title)}</title>{circle}</g>" if title else circle


def _line(x0: float, y0: float, x1: float, y1: float, w: float, biggest: float,
          title: str) -> str:
    share = abs(w) / biggest if biggest else 0.0
    return (f"<g><title>{escape(title)}</title><line x1='{x0:.1f}' y1='{y0:.1f}' "
            f"x2='{x1:.1f}' y2='{y1:.1f}' stroke='{_color(w)}' "
            f"stroke-width='{0.6 + 3.4 * share:.2f}' stroke-opacity='{0.4 + 0.6 * share:.2f}'/>"
            "</g>")


def _svg(width: float, height: float, body: list[str], label: str) -> str:
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width:.0f}' height='{height:.0f}' "
            f"viewBox='0 0 {width:.0f} {height:.0f}' role='img' aria-label='{escape(label)}'>"
            f"<rect width='100%' height='100%' fill='white'/>" + "".join(body) + "</svg>")


def neuron_svg(weights: Sequence[float], bias: float, activation: str = "linear",
               inputs: Sequence[float] | None = None) -> str:
    """One neuron ``ŷ = f(w·x + b)``: inputs, weighted links, ``Σ + b``, ``f``, ``ŷ``.

    With ``inputs`` the input values, ``z`` and the output ``ŷ`` are written on the diagram too.

    >>> svg = neuron_svg([1.0, 1.0], -1.5, "step", inputs=[1, 1])
    >>> "z = 0.5" in svg and "ŷ = 1" in svg
    True
    """
    weights = [float(w) for w in weights]
    n = len(weights)
    shown = list(range(n)) if n <= MAX_NODES else list(range(MAX_NODES - 1))
    rows = len(shown) + (n > len(shown))
    height = max(130, 34 * rows + 50)
    mid = height / 2
    ys = [mid + 34 * (k - (rows - 1) / 2) for k in range(rows)]
    biggest = max(abs(w) for w in weights) if weights else 1.0
    sum_x, box_x, out_x = 200, 262, 352
    body, labels = [], []
    for k, i in enumerate(shown):
        w, y = weights[i], ys[k]
        body.append(_line(44, y, sum_x - 18, mid, w, biggest, f"w{i + 1} = {_num(w)}"))
        on_line = y + (mid - y) * (100 - 44) / (sum_x - 18 - 44)
        above = y <= mid  # lines above the middle get labels above them, the others below
        labels.append(_label(100, on_line - 6 if above else on_line + 14, f"w{i + 1} = {_num(w)}",
                             _color(w)))
    body += labels  # after every line, so no line crosses a label out
    for k, i in enumerate(shown):
        value = f"x{i + 1}" if inputs is None else _num(inputs[i])
        body.append(_circle(30, ys[k], 14, "#E8E8E8", f"input x{i + 1}"))
        body.append(_text(30, ys[k] + 4, value, 10))
    if n > len(shown):
        body.append(_text(30, ys[-1] + 4, f"+{n - len(shown)} more", 10))
    body.append(_circle(sum_x, mid, 18, "white", "sum of the products, plus the bias"))
    body.append(_text(sum_x, mid + 6, "Σ", 18))
    body.append(_text(sum_x, mid + 36, f"b = {_num(bias)}", 11, color=_color(bias)))
    z = None
    if inputs is not None:
        z = sum(float(x) * w for x, w in zip(inputs, weights)) + float(bias)
        body.append(_text(sum_x + 40, mid - 8, f"z = {_num(z)}", 10))
    body.append(f"<line x1='{sum_x + 18}' y1='{mid}' x2='{box_x}' y2='{mid}' stroke='{INK}' "
                f"stroke-width='1.5'/>")
    body.append(f"<rect x='{box_x}' y='{mid - 14}' width='60' height='28' rx='5' "
                f"fill='#FFF3D6' stroke='{INK}'/>")
    body.append(_text(box_x + 30, mid + 4, activation, 11))
    body.append(f"<line x1='{box_x + 60}' y1='{mid}' x2='{out_x - 14}' y2='{mid}' "
                f"stroke='{INK}' stroke-width='1.5'/>")
    body.append(_circle(out_x, mid, 14, "#E6F2E6", "output ŷ"))
    body.append(_text(out_x, mid + 4, "ŷ", 12))
    if inputs is not None and z is not None:
        body.append(_text(out_x, mid - 22, f"ŷ = {_num(_activate(activation, z))}", 11))
    label = f"Neuron with weights {[_num(w) for w in weights]}, bias {_num(bias)}, {activation}"
    return _svg(out_x + 24, height, body, label)


def _activate(name: str, z: float) -> float:
    from .neuron import get_activation  # the pure-Python activations: standard library only

    return get_activation(name)(z)


def network_svg(sizes: Sequence[int], weights: Sequence[Any] | None = None,
                biases: Sequence[Any] | None = None,
                activations: Sequence[str] | None = None) -> str:
    """A network as columns of nodes: ``sizes = [n_inputs, units1, units2, ...]``.

    ``weights[k]`` is layer ``k``'s matrix, one row per unit (``W[j][i]`` links input
    ``i`` to unit ``j``) and ``biases[k]`` its biases; without them only the shape is
    drawn. Columns longer than 8 nodes show their first 7.

    >>> svg = network_svg([2, 1], [[[1.0, -1.0]]], [[-0.5]], ["step"])  # hover: "w = -1"
    >>> "w = -1" in svg and "b = -0.5" in svg
    True
    """
    sizes = [int(s) for s in sizes]
    shown = [list(range(s)) if s <= MAX_NODES else list(range(MAX_NODES - 1)) for s in sizes]
    rows = [len(ix) + (s > len(ix)) for ix, s in zip(shown, sizes)]
    tallest = max(rows)
    gap_x, gap_y, top = 130, 40, 40
    height = top + gap_y * tallest + 24
    width = 60 + gap_x * (len(sizes) - 1) + 70

    def at(col: int, k: int) -> tuple[float, float]:
        return 40 + gap_x * col, top + gap_y * (k + (tallest - rows[col]) / 2) + 14

    body, labels = [], []
    biggest = 0.0
    if weights is not None:
        biggest = max((abs(float(v)) for W in weights for row in W for v in row), default=1.0)
    for c in range(1, len(sizes)):
        links = len(shown[c]) * len(shown[c - 1])
        for j, out in enumerate(shown[c]):
            x1, y1 = at(c, j)
            for i, src in enumerate(shown[c - 1]):
                x0, y0 = at(c - 1, i)
                if weights is None:
                    body.append(f"<line x1='{x0 + 11}' y1='{y0}' x2='{x1 - 11}' y2='{y1}' "
                                f"stroke='#999999' stroke-width='0.8'/>")
                    continue
                w = float(weights[c - 1][out][src])
                body.append(_line(x0 + 11, y0, x1 - 11, y1, w, biggest,
                                  f"w = {_num(w)} (x{src + 1} → unit {out + 1} of layer {c})"
                                  if c == 1 else f"w = {_num(w)} (unit {src + 1} → unit "
                                  f"{out + 1} of layer {c})"))
                if links <= 6:  # spread the labels along the links so none overlap
                    t = 0.3 + 0.4 * (i * len(shown[c]) + j) / max(1, links - 1)
                    labels.append(_label(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t + 3, _num(w),
                                       _color(w)))
    body += labels
    for c, size in enumerate(sizes):
        for k, j in enumerate(shown[c]):
            x, y = at(c, k)
            if c == 0:
                body.append(_circle(x, y, 11, "#E8E8E8", f"input x{j + 1}"))
                body.append(_text(x, y + 4, f"x{j + 1}", 9))
                continue
            b = None if biases is None else float(biases[c - 1][j])
            body.append(_circle(x, y, 11, "white", f"unit {j + 1}" if b is None
                                else f"unit {j + 1}, bias b = {_num(b)}"))
            if b is not None:
                body.append(_text(x, y + 21, f"b = {_num(b)}", 8, color=_color(b)))
        if size > len(shown[c]):
            x, y = at(c, len(shown[c]))
            body.append(_text(x, y + 4, f"+{size - len(shown[c])} more", 9))
        head = f"{size} inputs" if c == 0 else f"{size} × {activations[c - 1]}" \
            if activations else f"{size} units"
        body.append(_text(40 + gap_x * c, 18, head, 10, extra=" font-weight='bold'"))
    return _svg(width, height, body, "Network " + " → ".join(map(str, sizes)))


def _neuron_repr_svg(neuron: Any) -> str:
    return neuron_svg(neuron.weights, neuron.bias, neuron.activation)


def register_notebook_display(formatter: Any = None) -> bool:
    """Show pure-Python ``Neuron`` objects as SVG diagrams in IPython and Jupyter.

    ``formatter`` is an IPython ``DisplayFormatter``; by default the running shell's.
    Runs when neuronlab is imported; outside IPython it does nothing and returns False.
    It never imports IPython itself, so plain scripts pay nothing for it.
    """
    if formatter is None:
        ipython = sys.modules.get("IPython")
        shell = ipython.get_ipython() if ipython is not None else None
        if shell is None:
            return False
        formatter = shell.display_formatter
    formatter.formatters["image/svg+xml"].for_type_by_name(
        "neuronlab.neuron", "Neuron", _neuron_repr_svg)
    return True


def sequential_svg(model: Any) -> str | None:
    """The SVG of a ``neuronlab.Sequential`` (None while its number of inputs is unknown).

    Only Dense layers are drawn; an unbuilt model is drawn by its shape alone.

    >>> from neuronlab import stories
    >>> svg = sequential_svg(stories.hand_wired_xor())
    >>> "2 × step" in svg and "b = -1.5" in svg
    True
    """
    dense = [layer for layer in model.layers if layer.fully_connected]
    n_inputs = model.n_inputs
    if not dense or n_inputs is None:
        return None
    sizes = [int(n_inputs)] + [int(layer.units) for layer in dense]
    names = [layer.activation.name for layer in dense]
    if not model.built:
        return network_svg(sizes, activations=names)
    return network_svg(sizes, [layer.W.tolist() for layer in dense],
                       [layer.b.tolist() for layer in dense], names)
