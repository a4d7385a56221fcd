"""What every picture shares: colours, a headless figure, and one way to ask a model.

Colours follow Okabe & Ito's palette, which stays distinct for the common kinds of
colour blindness; classes also get different marker shapes, so nothing depends on
colour alone.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from .. import activations
from ..checks import as_float_array
from ..errors import ConfigError, DataError, NotFittedError, ShapeError
from ..layers import Dense
from ..model import Sequential
from ..neuron import Neuron, boundary_text

#: One colour per class (Okabe-Ito), then matplotlib's tab10 for sets with many classes.
CLASS_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
                "#F0E442", "#000000", "#8c564b", "#7f7f7f"]
CLASS_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "h", "p"]
POSITIVE = "#0072B2"  # positive weights: blue
NEGATIVE = "#D55E00"  # negative weights: vermillion
BOUNDARY = "#222222"
DPI = 100

_RC: dict[str, Any] = {
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "figure.titlesize": 14,
    "axes.spines.top": False,
    "axes.spines.right": False,
}

F = TypeVar("F", bound=Callable[..., Any])


def styled(function: F) -> F:
    """Run ``function`` with neuronlab's readable font sizes (global rcParams untouched)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with matplotlib.rc_context(_RC):  # type: ignore[arg-type]
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class Picture(Figure):
    """A matplotlib ``Figure`` that also shows itself in Jupyter, as a PNG, without pyplot."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=DPI)
        return buffer.getvalue()


def new_figure(width: float, height: float) -> Figure:
    """A ``Figure`` drawn by Agg: no pyplot, no window, works on a headless machine."""
    fig = Picture(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def figure_and_axes(ax: Axes | None, width: float, height: float) -> tuple[Figure, Axes]:
    """Draw into ``ax`` when given, else into the single axes of a new figure."""
    if ax is not None:
        fig = ax.get_figure()
        if not isinstance(fig, Figure):
            raise ConfigError("ax must belong to a matplotlib Figure.")
        return fig, ax
    fig = new_figure(width, height)
    return fig, fig.add_subplot()


def class_color(k: int) -> str:
    return CLASS_COLORS[k % len(CLASS_COLORS)]


def lighter(color: str, amount: float) -> tuple[float, float, float]:
    """``color`` mixed with white: ``amount`` 0 gives the colour, 1 gives white."""
    r, g, b = to_rgb(color)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def number(value: float) -> str:
    """A number as a learner reads it: at most 2 decimals, no trailing zeros.

    >>> number(1.5), number(-0.50), number(6.357), number(3.0), number(2e-08)
    ('1.5', '-0.5', '6.36', '3', '2e-08')
    """
    value = float(value)
    if value != 0 and abs(value) < 0.005:
        return f"{value:.1g}"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def line_text(w1: float, w2: float, b: float) -> str:
    """``w1·x1 + w2·x2 + b = 0`` written the way the lessons do: ``x1 + x2 = 1.5``.

    >>> line_text(1.0, 1.0, -1.5)
    'x1 + x2 = 1.5'
    >>> line_text(2.5, -1.0, 0.25)
    '2.5·x1 - x2 = -0.25'
    """
    return boundary_text(w1, w2, b, number)


# --------------------------------------------------------------------------- models
@dataclass
class Predictor:
    """A model seen from outside: how many inputs, and ``predict(X) -> (N, outputs)``.

    ``neuron`` holds ``(weights, bias, activation)`` when the model is one neuron, so
    its boundary line ``w·x + b = 0`` can be drawn exactly.
    """

    n_inputs: int
    predict: Callable[[np.ndarray], np.ndarray]
    output_activation: str
    neuron: tuple[np.ndarray, float, str] | None
    description: str


def _dense_layers(model: Sequential) -> list[Dense]:
    return [cast(Dense, layer) for layer in model.layers if layer.fully_connected]


def ensure_built(model: Sequential, what: str) -> None:
    """Make the model's weights if its input size is known; explain how otherwise."""
    if model.built:
        return
    if model.input_shape is None or not model.layers:
        raise NotFittedError(
            f"{what} needs the model's weights, which do not exist yet. Give the first layer "
            "input_shape=(n_features,), or fit the model on data first."
        )
    model.build()


def predictor(model: Any, what: str) -> Predictor:
    """Wrap a :class:`~neuronlab.Sequential` or a pure-Python :class:`~neuronlab.Neuron`."""
    if isinstance(model, Neuron):
        w = np.array(model.weights, dtype=float)
        act = activations.get(model.activation)
        return Predictor(
            len(w), lambda X: act(X @ w + model.bias)[:, None], model.activation,
            (w, model.bias, model.activation), f"one {model.activation} neuron",
        )
    if isinstance(model, Sequential):
        ensure_built(model, what)
        dense = _dense_layers(model)
        last = dense[-1].activation.name if dense else "linear"
        single = None
        if len(dense) == 1 and dense[0].units == 1:
            single = (dense[0].W[0].astype(float), float(dense[0].b[0]), last)
        sizes = [model.n_inputs] + [layer.units for layer in dense]
        kind = "one neuron" if single else "network " + " → ".join(map(str, sizes))
        return Predictor(int(model.n_inputs or 0), _probabilities(model), last, single, kind)
    raise ConfigError(
        f"{what} draws a neuronlab Sequential model or a neuronlab.Neuron, got "
        f"{type(model).__name__}. Build one with Sequential([Dense(...), ...]) or "
        f"Neuron(weights, bias, activation)."
    )


def _probabilities(model: Sequential) -> Callable[[np.ndarray], np.ndarray]:
    """``predict``, turned into probabilities when the last layer gives logits."""
    from_logits = bool(getattr(model.loss, "from_logits", False))
    last = _dense_layers(model)[-1] if _dense_layers(model) else None
    logits = from_logits and last is not None and last.activation.name == "linear"

    def predict(X: np.ndarray) -> np.ndarray:
        out = np.asarray(model.predict(X), dtype=float)
        if not logits:
            return out
        name = "sigmoid" if out.shape[1] == 1 else "softmax"
        return np.asarray(activations.get(name)(out), dtype=float)

    return predict


def check_2d_inputs(p: Predictor, what: str) -> None:
    if p.n_inputs != 2:
        raise ShapeError(
            f"{what} draws models with 2 inputs (x1, x2) on a plane, but this model takes "
            f"{p.n_inputs} inputs. Use a 2-D data set such as moons or spirals, or show "
            f"this model with plot_network(model) and plot_history(history)."
        )


def points_and_labels(X: Any, y: Any, what: str) -> tuple[np.ndarray, np.ndarray]:
    """``X`` as an ``(N, 2)`` float array and ``y`` as integer class labels ``(N,)``.

    ``y`` may be labels ``(N,)``, a column ``(N, 1)`` of 0/1 targets or one-hot rows.
    """
    X = as_float_array(X, "X")
    if X.shape[1] != 2:
        raise ShapeError(
            f"{what} needs points with 2 features (x1, x2), got X with shape {X.shape}. "
            f"Pass the 2-D inputs the model was trained on."
        )
    Y = np.asarray(y, dtype=float)
    if Y.ndim == 2 and Y.shape[1] > 1:
        labels = Y.argmax(axis=1)
    else:
        labels = np.rint(Y.reshape(-1)).astype(int)
    if len(labels) != len(X):
        raise ShapeError(
            f"X has {len(X)} points but y has {len(labels)} labels; give one label per point."
        )
    if labels.min() < 0:
        raise DataError(f"Class labels must be 0, 1, 2, ...; got {labels.min()}. Relabel y so "
                        f"the classes count from 0.")
    return X, labels


def view_box(X: np.ndarray) -> tuple[float, float, float, float]:
    """The plotting window around ``X``: a wide margin for a few points, a slim one for many."""
    low, high = X.min(axis=0), X.max(axis=0)
    span = np.maximum(high - low, 1e-9)
    pad = span * (0.5 if len(X) <= 8 else 0.12)
    return float(low[0] - pad[0]), float(high[0] + pad[0]), float(low[1] - pad[1]), \
        float(high[1] + pad[1])


def grid(box: tuple[float, float, float, float], resolution: int) -> tuple[np.ndarray, ...]:
    """A ``resolution x resolution`` grid over ``box``: ``(xs, ys, points (R*R, 2))``."""
    x0, x1, y0, y1 = box
    xs = np.linspace(x0, x1, resolution)
    ys = np.linspace(y0, y1, resolution)
    xx, yy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([xx.ravel(), yy.ravel()])
