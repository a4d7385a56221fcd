"""The numbers behind the lessons' live widgets, and the gallery page that shows them all.

Each lesson page marks a widget (``<!-- widget: KIND {settings} -->``); the page's
JavaScript draws it and asks these endpoints for every number. The neuron, layer and
batch widgets reuse the explorer's ``/api/neuron``, ``/api/layer`` and ``/api/batch``;
the rest live here, under ``/api/widgets/``:

* ``activation`` - the curve of one activation with ``z`` marked, and its slope there;
* ``gate`` - a step neuron's truth table over the four corners and its boundary line;
* ``xor`` - one neuron trained on XOR (stuck at 3 of 4) beside the hand-wired network;
* ``mse`` - squared errors and their mean for predictions the learner drags;
* ``backprop`` - every stage of one training step: forward, loss, backward, update;
* ``puzzle`` - the 2x+1 puzzle step by step, with the loss surface over ``(w, b)``;
* ``softmax`` - scores into probabilities that sum to 1;
* ``training`` - a ``Sequential`` recipe trained as written, its loss streamed epoch by
  epoch, with its predictions and decision boundary (:mod:`neuronlab.lab.course.training`).

``GET /widgets`` is the gallery: every lesson's widget with the lesson's settings.

>>> gate_view({"weights": [1.0, 1.0], "bias": -1.5})["outputs"]
[0.0, 0.0, 0.0, 1.0]
>>> [round(p, 3) for p in softmax_view({"scores": [2.0, 1.0, 0.1]})["probabilities"]]
[0.659, 0.242, 0.099]
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from ... import activations, losses, stories
from ...layers import Dense
from ...model import Sequential
from ...neuron import Neuron, boundary_text
from ...optimizers import SGD
from ..explore.views import activation_curve
from ..playground.backprop import trace_step
from ..server.api import STATIC, endpoint, read_json
from ..server.schema import (
    LIMITS,
    NEURON_ACTIVATIONS,
    BadRequest,
    choice,
    integer,
    number,
    numbers,
    only,
    require,
)
from .seeing import ROUTES as SEEING_ROUTES
from .training import ROUTES as TRAINING_ROUTES

CORNERS = [list(point) for point in stories.XOR_INPUTS]
XOR_TARGETS = [0.0, 1.0, 1.0, 0.0]
#: The square the gate and XOR pictures show: the four corners with a margin.
VIEW = (-0.5, 1.5)
PUZZLE_MAX_STEPS = 500
GRID = 48  # cells per side of the puzzle's loss surface
LEVELS = 12  # bands of the contour map


# --------------------------------------------------------------------------- activation
def activation_view(body: dict[str, Any]) -> dict[str, Any]:
    """``f(z)``, its slope ``f'(z)`` and the curve around ``z``."""
    only(body, ("activation", "z"))
    name = choice(body.get("activation", "sigmoid"), "activation", NEURON_ACTIVATIONS)
    z = number(body.get("z", 0.0), "z", -LIMITS.value, LIMITS.value)
    act = activations.get(name)
    point = np.array([z], dtype=np.float64)
    return {
        "activation": name,
        "z": z,
        "y": float(act.forward(point)[0]),
        "slope": float(act.derivative(point)[0]),
        "formula": act.formula,
        "slope_formula": act.slope,
        "description": act.description,
        "curve": activation_curve(name, z),
    }


# --------------------------------------------------------------------------- gate
def boundary_segment(w1: float, w2: float, b: float,
                     low: float = VIEW[0], high: float = VIEW[1]) -> list[list[float]] | None:
    """Where the line ``w1*x1 + w2*x2 + b = 0`` crosses the square ``[low, high]²``.

    >>> boundary_segment(1.0, 1.0, -1.5)
    [[1.5, 0.0], [0.0, 1.5]]
    >>> boundary_segment(0.0, 0.0, 1.0) is None
    True
    """
    points: list[tuple[float, float]] = []
    if w2 != 0:
        for x1 in (low, high):
            x2 = -(w1 * x1 + b) / w2
            if low - 1e-12 <= x2 <= high + 1e-12:
                points.append((x1, x2))
    if w1 != 0:
        for x2 in (low, high):
            x1 = -(w2 * x2 + b) / w1
            if low - 1e-12 <= x1 <= high + 1e-12:
                points.append((x1, x2))
    unique: list[tuple[float, float]] = []
    for p in points:
        if all(abs(p[0] - q[0]) > 1e-9 or abs(p[1] - q[1]) > 1e-9 for q in unique):
            unique.append(p)
    if len(unique) < 2:
        return None
    # The two points farthest apart (a line through a corner of the square finds it twice).
    a, c = max(((p, q) for p in unique for q in unique),
               key=lambda pq: (pq[0][0] - pq[1][0]) ** 2 + (pq[0][1] - pq[1][1]) ** 2)
    return [[round(a[0], 12) + 0.0, round(a[1], 12) + 0.0],
            [round(c[0], 12) + 0.0, round(c[1], 12) + 0.0]]


def _line(weights: list[float], bias: float) -> dict[str, Any]:
    w1, w2 = [*weights, 0.0][:2]
    return {"weights": [w1, w2], "bias": bias, "segment": boundary_segment(w1, w2, bias),
            "equation": boundary_text(w1, w2, bias)}


def gate_view(body: dict[str, Any]) -> dict[str, Any]:
    """A step neuron on the four corners: its z and output for each, and its line."""
    only(body, ("weights", "bias"))
    weights = numbers(require(body, "weights"), "weights", 2, 2, bound=10.0)
    bias = number(require(body, "bias"), "bias", -10.0, 10.0)
    neuron = Neuron(weights, bias, "step")
    steps = [neuron.explain(corner) for corner in CORNERS]
    matches = {name: [float(stories.gate_neuron(name)([x1, x2][:len(w)]))
                      for x1, x2 in CORNERS] == [float(s.y) for s in steps]
               for name, (w, _) in stories.GATES.items()}
    return {
        "corners": CORNERS,
        "z": [float(s.z) for s in steps],
        "outputs": [float(s.y) for s in steps],
        "line": _line(weights, bias),
        "view": list(VIEW),
        "matches": matches,
    }


# --------------------------------------------------------------------------- xor
@functools.lru_cache(maxsize=1)
def xor_view() -> dict[str, Any]:
    """One sigmoid neuron trained on XOR, beside the hand-wired two-layer network."""
    attempt = stories.single_neuron_on_xor()
    shown = [round(p, 3) for p in attempt.predictions]  # as the page prints them
    losses_ = attempt.losses
    every = max(1, len(losses_) // 200)
    network = stories.hand_wired_xor()
    W1, b1, W2, b2 = (w.tolist() for w in network.get_neuron_weights())
    X = np.array(CORNERS, dtype=np.float64)
    hidden = network.layers[0].forward(X)
    outputs = network.forward(X)[:, 0]
    names = ["A = OR", "B = AND"]
    return {
        "corners": CORNERS,
        "targets": XOR_TARGETS,
        "view": list(VIEW),
        "single": {
            "best_line": stories.best_line_on_xor(),
            "best_correct": attempt.best_correct, "best_when": attempt.best_when,
            "predictions": shown,
            # The lesson's rule: the neuron answers 1 where its output is above 0.5.
            "answers": [int(p > 0.5) for p in shown],
            "wrong": [k for k, p in enumerate(shown) if int(p > 0.5) != XOR_TARGETS[k]],
            "loss_epochs": list(range(0, len(losses_), every)),
            "loss": losses_[::every],
            "final_loss": losses_[-1],
        },
        "network": {
            "hidden": [{"name": names[j], **_line(W1[j], b1[j]),
                        "outputs": hidden[:, j].tolist()} for j in range(len(b1))],
            "output": {"weights": W2[0], "bias": b2[0], "rule": "A and not B"},
            "outputs": outputs.tolist(),
            "correct": int((outputs == np.array(XOR_TARGETS)).sum()),
        },
    }


async def _xor(request: Request) -> dict[str, Any]:
    return xor_view()


# --------------------------------------------------------------------------- mse
def _xor_net(hidden: int, seed: int = 0) -> Sequential:
    model = Sequential([Dense(hidden, activation="sigmoid", input_shape=(2,)),
                        Dense(1, activation="sigmoid")], seed=seed, dtype="float64")
    model.build()  # the weights of seed 0, made now rather than at the first forward
    return model


def mse_view(body: dict[str, Any]) -> dict[str, Any]:
    """Squared errors and their mean (:class:`~neuronlab.losses.MeanSquaredError`).

    Without ``predictions``: those of the XOR net of the lesson with its random
    starting weights (seed 0).
    """
    only(body, ("targets", "predictions"))
    targets = numbers(body.get("targets", XOR_TARGETS), "targets", 1, 16, bound=1e3)
    if body.get("predictions") is None:
        if len(targets) != 4:
            raise BadRequest("Without 'predictions' the targets must be XOR's four values.")
        predictions = _xor_net(4).forward(np.array(CORNERS))[:, 0].tolist()
    else:
        predictions = numbers(body["predictions"], "predictions", len(targets), len(targets),
                              bound=1e3)
    if len(predictions) != len(targets):
        raise BadRequest(f"One prediction per target: got {len(targets)} targets and "
                         f"{len(predictions)} predictions.")
    y_true = np.array(targets, dtype=np.float64).reshape(-1, 1)
    y_pred = np.array(predictions, dtype=np.float64).reshape(-1, 1)
    mse = losses.get("mse")
    squares = [mse(y_true[i:i + 1], y_pred[i:i + 1]) for i in range(len(targets))]
    return {
        "targets": targets,
        "predictions": predictions,
        "errors": (y_pred - y_true)[:, 0].tolist(),
        "squared_errors": squares,
        "mse": mse(y_true, y_pred),
        "formula": mse.formula,
    }


# --------------------------------------------------------------------------- softmax
#: The largest score the softmax widget takes: lesson 12's [1000, 1001, 1002] and far more.
SOFTMAX_BOUND = 1e6


def softmax_view(body: dict[str, Any]) -> dict[str, Any]:
    """``softmax(scores)``, computed by :class:`~neuronlab.activations.Softmax`.

    With it, the steps of the stable form the library uses: the largest score, the
    shifted scores ``z - max(z)`` (all at most 0) and their exponentials (at most 1).

    >>> r = softmax_view({"scores": [1000, 1001, 1002]})
    >>> r["shifted"], [round(p, 3) for p in r["probabilities"]]
    ([-2.0, -1.0, 0.0], [0.09, 0.245, 0.665])
    """
    only(body, ("scores",))
    scores = numbers(require(body, "scores"), "scores", 2, 10, bound=SOFTMAX_BOUND)
    z = np.array([scores], dtype=np.float64)
    p = activations.get("softmax").forward(z)[0]
    shifted = z[0] - z[0].max()
    return {"scores": scores, "probabilities": p.tolist(), "sum": float(p.sum()),
            "max": float(z[0].max()), "shifted": (shifted + 0.0).tolist(),
            "exponentials": np.exp(shifted).tolist()}


# --------------------------------------------------------------------------- puzzle
def _puzzle_loss(w: float, b: float) -> float:
    """The puzzle's loss, ``1/2 * sum((y - ŷ)^2)`` (:class:`SumSquaredError`)."""
    y_pred = np.array([[w * x + b] for x in stories.PUZZLE_X])
    return losses.get("sse")(np.array([[y] for y in stories.PUZZLE_Y]), y_pred)


def puzzle_view(body: dict[str, Any]) -> dict[str, Any]:
    """Every step of :func:`~neuronlab.stories.train_puzzle` and the loss surface.

    The surface is a ``GRID x GRID`` map of the loss over a window of ``(w, b)`` that
    holds the path and the answer ``w = 2, b = 1``, cut into ``LEVELS`` bands of
    ``log10(loss)`` (a filled contour map).
    """
    only(body, ("w", "b", "learning_rate", "steps"))
    w = number(body.get("w", 0.1), "w", -10.0, 10.0)
    b = number(body.get("b", 0.6), "b", -10.0, 10.0)
    rate = number(body.get("learning_rate", 0.0001), "learning_rate", 1e-7, 0.01)
    steps = integer(body.get("steps", 50), "steps", 1, PUZZLE_MAX_STEPS)
    run = stories.train_puzzle(steps=steps, weight=w, bias=b, learning_rate=rate)
    states = [run.start, *run.steps]
    path = [[s.weight, s.bias] for s in states if s is not None]
    finite = all(math.isfinite(v) for p in path for v in p) and all(
        abs(v) < 1e6 for p in path for v in p)
    diverged = None
    if not finite:
        diverged = (f"The steps grow without bound at learning rate {rate:g}: each update "
                    "overshoots the valley. Try a smaller learning rate, like 0.0001.")
        path = [p for p in path if all(math.isfinite(v) and abs(v) < 1e6 for v in p)]
    ws = [p[0] for p in path] + [2.0]
    bs = [p[1] for p in path] + [1.0]
    w_lo, w_hi = min(ws), max(ws)
    b_lo, b_hi = min(bs), max(bs)
    w_pad = max(0.25, (w_hi - w_lo) * 0.15)
    b_pad = max(1.0, (b_hi - b_lo) * 0.15)
    w_range = [w_lo - w_pad, w_hi + w_pad]
    b_range = [b_lo - b_pad, b_hi + b_pad]
    grid = [[math.log10(max(_puzzle_loss(
        w_range[0] + (w_range[1] - w_range[0]) * (i + 0.5) / GRID,
        b_range[0] + (b_range[1] - b_range[0]) * (j + 0.5) / GRID), 1e-12))
        for i in range(GRID)] for j in range(GRID)]  # rows: b, columns: w
    flat = [v for row in grid for v in row]
    low, high = min(flat), max(flat)
    span = (high - low) or 1.0
    bands = [[min(LEVELS - 1, int((v - low) / span * LEVELS)) for v in row] for row in grid]
    # Only the steps whose numbers stay drawable: a diverging run stops being drawn.
    shown = [s for s in states if s is not None and all(
        math.isfinite(v) and abs(v) < 1e6 for v in (s.weight, s.bias))]
    table = [{"step": s.step, "w": s.weight, "b": s.bias, "prediction": s.prediction,
              "loss": _puzzle_loss(s.weight, s.bias)} for s in shown]
    if diverged is None and table[-1]["loss"] > table[0]["loss"]:
        diverged = (f"The loss grows at learning rate {rate:g}: each step overshoots the "
                    "valley and lands higher on the other side. Try a smaller learning rate.")
    return {
        "steps": table,
        "first": {"predictions": run.first_predictions, "errors": run.first_errors,
                  "dW": run.first_dW, "dB": run.first_dB},
        "question": stories.PUZZLE_QUESTION,
        "pairs": [[x, y] for x, y in zip(stories.PUZZLE_X, stories.PUZZLE_Y)],
        "surface": {"w": w_range, "b": b_range, "size": GRID, "levels": LEVELS,
                    "bands": bands, "log10_loss": [low, high]},
        "diverged": diverged,
        "loss_formula": losses.get("sse").formula,
    }


# --------------------------------------------------------------------------- backprop
def _one_neuron(body: dict[str, Any]) -> tuple[Sequential, np.ndarray, np.ndarray, float]:
    only(body, ("network", "inputs", "weights", "bias", "target", "learning_rate"))
    inputs = numbers(body.get("inputs", [1.0, 2.0]), "inputs", 1, LIMITS.inputs, bound=100.0)
    weights = numbers(body.get("weights", [0.5, -0.5]), "weights", 1, LIMITS.inputs,
                      bound=100.0)
    if len(inputs) != len(weights):
        raise BadRequest(f"The neuron needs one weight per input: got {len(inputs)} inputs "
                         f"and {len(weights)} weights.")
    bias = number(body.get("bias", 0.0), "bias", -100.0, 100.0)
    target = number(body.get("target", 1.0), "target", -100.0, 100.0)
    rate = number(body.get("learning_rate", 0.5), "learning_rate", 1e-6, LIMITS.learning_rate)
    model = Sequential([Dense(1, activation="sigmoid", input_shape=(len(inputs),))],
                       dtype="float64")
    model.set_neuron_weights([[weights], [bias]])
    return model, np.array([inputs]), np.array([[target]]), rate


def _xor_network(body: dict[str, Any]) -> tuple[Sequential, np.ndarray, np.ndarray, float]:
    only(body, ("network", "hidden", "sample", "learning_rate"))
    hidden = integer(body.get("hidden", 4), "hidden", 2, 4)
    if hidden == 3:
        raise BadRequest("'hidden' must be 2 or 4 (the XOR nets of the lessons), got 3.")
    sample = body.get("sample")
    rate = number(body.get("learning_rate", 1.0), "learning_rate", 1e-6, LIMITS.learning_rate)
    model = _xor_net(hidden)
    X = np.array(CORNERS, dtype=np.float64)
    y = np.array(XOR_TARGETS, dtype=np.float64).reshape(-1, 1)
    if sample is not None:
        k = integer(sample, "sample", 0, 3)
        X, y = X[k:k + 1], y[k:k + 1]
    return model, X, y, rate


def backprop_view(body: dict[str, Any]) -> dict[str, Any]:
    """One training step of a small network, stage by stage, from the library itself.

    Forward: each layer's ``z`` and activation ``a``. Loss: mean squared error.
    Backward: the model's own chain, last layer first, exactly as
    :meth:`Sequential.backward` runs it. Update: :class:`~neuronlab.optimizers.SGD`,
    ``w ← w − η·∂L/∂w``. The numbers come from
    :func:`~neuronlab.lab.playground.backprop.trace_step`, which the playground's
    slow-motion step shows too.
    """
    network = choice(body.get("network", "one-neuron"), "network", ("one-neuron", "xor"))
    model, X, y, rate = _one_neuron(body) if network == "one-neuron" else _xor_network(body)
    model.compile(optimizer=SGD(learning_rate=rate), loss="mse")
    return {"network": network, **trace_step(model, X, y)}


# --------------------------------------------------------------------------- gallery
def lesson_widgets() -> list[dict[str, Any]]:
    """Every widget the lessons mark, in lesson order, with the lesson's settings."""
    from ...learn.lessons import LESSONS  # the learning path is only needed here

    return [{"lesson": lesson.number, "title": lesson.title, "kind": widget.kind,
             "settings": widget.settings} for lesson in LESSONS for widget in lesson.widgets]


async def gallery(request: Request) -> Response:
    """The widget gallery: every lesson's widget on one page."""
    return FileResponse(STATIC / "widgets" / "gallery.html",
                        headers={"Cache-Control": "no-store"})


def _post(view: Any) -> Any:
    @endpoint
    async def handler(request: Request) -> Any:
        return view(await read_json(request))

    handler.__name__ = view.__name__
    return handler


@endpoint
async def _lessons(request: Request) -> dict[str, Any]:
    return {"widgets": lesson_widgets()}


ROUTES: list[BaseRoute] = [
    Route("/widgets", gallery, methods=["GET"]),
    Route("/api/widgets/lessons", _lessons, methods=["GET"]),
    Route("/api/widgets/activation", _post(activation_view), methods=["POST"]),
    Route("/api/widgets/gate", _post(gate_view), methods=["POST"]),
    Route("/api/widgets/xor", endpoint(_xor), methods=["GET"]),
    Route("/api/widgets/mse", _post(mse_view), methods=["POST"]),
    Route("/api/widgets/softmax", _post(softmax_view), methods=["POST"]),
    Route("/api/widgets/puzzle", _post(puzzle_view), methods=["POST"]),
    Route("/api/widgets/backprop", _post(backprop_view), methods=["POST"]),
    *TRAINING_ROUTES,  # a Sequential recipe trained as written (course/training.py)
    *SEEING_ROUTES,  # kernels, a conv net and a drawn digit (course/seeing.py)
]
