"""The numbers behind the lesson "Seeing: from pixels to digits".

Four widgets, every number from the library:

* ``kernel`` (``POST /api/widgets/kernel``) - one 3x3 kernel sliding over a real MNIST
  digit, as the neuron widget shows one neuron: a :class:`~neuronlab.layers.Conv2D` of
  one filter with the learner's kernel and bias computes the feature map; for the
  window under the cursor the nine pixels, the nine products and their sum are read
  from that layer's own windows (:func:`neuronlab.layers.conv.windows`). With it, the
  same digit through a bank of kernels (one ``Conv2D`` with several filters) and the
  map after ReLU and :class:`~neuronlab.layers.MaxPool2D`.
* ``confusion`` (``POST /api/widgets/confusion``) - the MLP reader's confusion matrix on
  the 2,000 held-out digits, and the pictures of the digits in one cell.
* ``convnet`` (``POST /api/widgets/convnet``) - the lesson's small convolutional network
  trained in the page on the 8,000 training digits, its loss and accuracy streamed
  batch by batch; then its learned kernels, and (``POST /api/widgets/convnet/maps``) the
  feature maps of a chosen digit.
* ``draw`` (``POST /api/widgets/draw``) - a digit the learner draws, prepared as MNIST
  prepares its digits (:func:`neuronlab.vision.to_mnist`), read by the MLP and by the
  conv net side by side.

The two readers (:func:`neuronlab.vision.readers`) are trained once per lab process, the
first time a page (or the lesson's numbers) asks for them, with a fixed seed: seconds,
and no weights file to ship and keep in step with the library and the data.

>>> r = kernel_view({"digit": 0, "kernel": [[0, 0, 0], [0, 1, 0], [0, 0, 0]], "at": [5, 6]})
>>> r["z"] == r["map"][5][6] == r["window"][1][1]       # the identity kernel copies the pixel
True
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import math
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Any

import anyio
import anyio.to_thread
import numpy as np
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from ... import datasets
from ...errors import NeuronlabError
from ...layers import Conv2D, MaxPool2D
from ...layers.conv import windows
from ...model import Sequential
from ...training.callbacks import Callback
from ...vision import Readers, conv_net, readers, to_mnist
from ..server.api import endpoint, read_json
from ..server.schema import BadRequest, choice, integer, number, numbers, only, require

#: Kernels the widget offers, named as the lesson names them.
KERNELS: dict[str, list[list[float]]] = {
    "vertical edge": [[1.0, 0.0, -1.0], [1.0, 0.0, -1.0], [1.0, 0.0, -1.0]],
    "horizontal edge": [[1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -1.0, -1.0]],
    "blur": [[1 / 9] * 3] * 3,
    "sharpen": [[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]],
}
KERNEL_BOUND = 10.0
DRAW_MIN, DRAW_MAX = 28, 64  # sides of the grid of grey levels a drawing is sent as
CELL_PICTURES = 12  # pictures of one confusion cell
RUNS_KEPT = 4  # conv nets trained in pages, kept for their feature maps
PROGRESS_SECONDS = 0.15


# --------------------------------------------------------------------------- data
@functools.cache
def digits(part: str) -> tuple[np.ndarray, np.ndarray]:
    """The bundled MNIST digits, ``(n, 28, 28, 1)`` float32 in [0, 1], labels 0-9."""
    return datasets.load("mnist", part=part, images=True)


def held_out() -> int:
    """How many held-out digits there are (the pages' digit pickers count from 0)."""
    return len(digits("test")[1])


def _grid(image: np.ndarray, digits_: int = 3) -> list[list[float]]:
    return np.round(np.asarray(image, dtype=np.float64), digits_).tolist()


def _fmt(value: float) -> str:
    return f"{value:.2f}" if abs(value) < 1e4 else f"{value:.3g}"


# --------------------------------------------------------------------------- kernel
def _conv(kernels: np.ndarray, bias: np.ndarray, stride: int, padding: str) -> Conv2D:
    """A Conv2D with these kernels ``(F, 3, 3)`` and biases, for one-channel 28x28 images."""
    layer = Conv2D(len(kernels), 3, strides=stride, padding=padding, input_shape=(28, 28, 1))
    layer.build((28, 28, 1), np.random.default_rng(0), np.float64)
    layer.set_neuron_weights([kernels[..., np.newaxis], bias])  # (F, 3, 3, 1): one kernel per row
    return layer


def kernel_view(body: dict[str, Any]) -> dict[str, Any]:
    """One kernel over one digit: the feature map, and the window at ``at`` worked out."""
    only(body, ("digit", "kernel", "bias", "stride", "padding", "at"))
    index = integer(body.get("digit", 0), "digit", 0, held_out() - 1)
    raw = body.get("kernel", KERNELS["vertical edge"])
    if not isinstance(raw, list) or len(raw) != 3:
        raise BadRequest(f"'kernel' must be 3 rows of 3 numbers, like {KERNELS['blur']!r}; "
                         f"got {json.dumps(raw)[:60]}.")
    kernel = np.array([numbers(row, f"kernel row {i + 1}", 3, 3, bound=KERNEL_BOUND)
                       for i, row in enumerate(raw)])
    bias = number(body.get("bias", 0.0), "bias", -KERNEL_BOUND, KERNEL_BOUND)
    stride = integer(body.get("stride", 1), "stride", 1, 2)
    padding = choice(body.get("padding", "valid"), "padding", ("valid", "same"))
    X, y = digits("test")
    x = X[index:index + 1].astype(np.float64)  # (1, 28, 28, 1)

    layer = _conv(kernel[np.newaxis], np.array([bias]), stride, padding)
    feature_map = layer.forward(x)[0, :, :, 0]  # z: this Conv2D has no activation
    rows, cols = feature_map.shape
    at = body.get("at", [0, 0])
    if not isinstance(at, list) or len(at) != 2:
        raise BadRequest(f"'at' must be [row, column] of the feature map; got "
                         f"{json.dumps(at)[:40]}.")
    i = integer(at[0], "at row", 0, rows - 1)
    j = integer(at[1], "at column", 0, cols - 1)
    padded, widths = layer.pad(x)
    window = windows(padded, 3, 3, layer.strides)[0, i, j, :, :, 0]  # the layer's own window
    products = window * kernel
    total = float(products.sum() + bias)
    terms = " + ".join(f"({_fmt(p)} × {_fmt(w)})" for p, w in zip(window.ravel(), kernel.ravel()))
    line = f"z = {terms} + {_fmt(bias)} = {total:.4f}"

    names = list(KERNELS)
    bank = _conv(np.array([KERNELS[n] for n in names]), np.zeros(len(names)), stride, padding)
    bank_maps = bank.forward(x)[0]
    relu = np.maximum(feature_map, 0.0)
    pooled = MaxPool2D(2).forward(relu[np.newaxis, :, :, np.newaxis])[0, :, :, 0]
    return {
        "digit": index, "label": int(y[index]), "held_out": len(y),
        "image": _grid(x[0, :, :, 0]),
        "kernel": kernel.tolist(), "bias": bias, "stride": stride, "padding": padding,
        "pad": [int(widths[1][0]), int(widths[2][0])],  # zeros added above and to the left
        "map": _grid(feature_map, 4), "shape": [rows, cols],
        "at": [i, j], "origin": [i * stride - int(widths[1][0]), j * stride - int(widths[2][0])],
        "window": _grid(window, 4), "products": _grid(products, 4), "sum": total,
        "z": float(feature_map[i, j]), "line": line,
        "relu": _grid(relu, 4), "pooled": _grid(pooled, 4),
        "bank": [{"name": n, "kernel": np.round(KERNELS[n], 4).tolist(),
                  "map": _grid(bank_maps[:, :, k], 4)} for k, n in enumerate(names)],
        "kernels": {n: np.round(k, 4).tolist() for n, k in KERNELS.items()},
        "parameters": layer.count_params(),
    }


# --------------------------------------------------------------------------- the readers
async def _ready_readers() -> Readers:
    return await anyio.to_thread.run_sync(readers)


# --------------------------------------------------------------------------- confusion
async def _confusion(request: Request) -> dict[str, Any]:
    body = await read_json(request)
    only(body, ("label", "guess"))
    r = await _ready_readers()
    X, y = digits("test")
    guesses = r.mlp.predict(X).argmax(axis=1)
    matrix = np.zeros((10, 10), dtype=int)
    np.add.at(matrix, (y, guesses), 1)
    off = matrix - np.diag(np.diag(matrix))
    worst = np.unravel_index(int(off.argmax()), off.shape)
    label = integer(body.get("label", int(worst[0])), "label", 0, 9)
    guess = integer(body.get("guess", int(worst[1])), "guess", 0, 9)
    picked = np.flatnonzero((y == label) & (guesses == guess))
    return {"matrix": matrix.tolist(), "total": len(y),
            "right": int(np.trace(matrix)), "accuracy": float(np.trace(matrix) / len(y)),
            "label": label, "guess": guess, "count": len(picked),
            "pictures": [{"digit": int(k), "image": _grid(X[k, :, :, 0], 2)}
                         for k in picked[:CELL_PICTURES]]}


# --------------------------------------------------------------------------- draw
async def _draw(request: Request) -> dict[str, Any]:
    body = await read_json(request)
    only(body, ("pixels",))
    raw = require(body, "pixels")
    if not isinstance(raw, list) or not DRAW_MIN <= len(raw) <= DRAW_MAX:
        raise BadRequest(f"'pixels' must be {DRAW_MIN} to {DRAW_MAX} rows of grey levels "
                         "from 0 to 1.")
    grid = np.array([numbers(row, f"pixels row {k + 1}", len(raw), len(raw), bound=1.0)
                     for k, row in enumerate(raw)])
    if grid.min() < 0:
        raise BadRequest("Grey levels run from 0 (paper) to 1 (ink); got a negative one.")
    try:
        image = to_mnist(grid)
    except NeuronlabError as exc:
        raise BadRequest(str(exc)) from None
    r = await _ready_readers()
    x = image[np.newaxis, :, :, np.newaxis]
    p_mlp = r.mlp.predict(x)[0].astype(np.float64)
    p_conv = r.conv.predict(x)[0].astype(np.float64)
    return {"image": _grid(image), "mlp": p_mlp.tolist(), "conv": p_conv.tolist(),
            "mlp_digit": int(p_mlp.argmax()), "conv_digit": int(p_conv.argmax()),
            "mlp_accuracy": r.mlp_accuracy, "conv_accuracy": r.conv_accuracy,
            "held_out": held_out(),
            "mlp_parameters": r.mlp.count_params(), "conv_parameters": r.conv.count_params()}


# --------------------------------------------------------------------------- convnet
class _Batches(Callback):
    """Counts the batches, keeps each one's loss, stops training when asked to."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.losses: list[float] = []
        self.accuracy: list[float] = []

    def on_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self.losses.append(float((logs or {}).get("loss", math.nan)))
        if self.stop.is_set():
            self.model.stop_training = True

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.accuracy.append(float((logs or {}).get("accuracy", math.nan)))


_runs: OrderedDict[str, Sequential] = OrderedDict()
_run_ids = itertools.count(1)
_limiter: anyio.CapacityLimiter | None = None
BATCH = 64


def _train_run(epochs: int, filters: int, seed: int, stop: threading.Event,
               progress: _Batches) -> dict[str, Any]:
    X, y = digits("train")
    X_test, y_test = digits("test")
    model = conv_net(seed, filters)
    model.fit(X, y, epochs=epochs, batch_size=BATCH, verbose=0, seed=seed,
              callbacks=[progress])
    scores = model.evaluate(X_test, y_test, return_dict=True)
    run = f"run-{next(_run_ids)}"
    _runs[run] = model
    while len(_runs) > RUNS_KEPT:
        _runs.popitem(last=False)
    first = model.layers[0]
    assert isinstance(first, Conv2D)
    return {"run": run, "test_accuracy": float(scores["accuracy"]),
            "test_loss": float(scores["loss"]), "held_out": len(y_test),
            "parameters": model.count_params(),
            "kernels": [_grid(k[:, :, 0], 3) for k in first.kernel],
            "stopped": stop.is_set(), "batches": len(progress.losses)}


async def _convnet_lines(epochs: int, filters: int, seed: int) -> AsyncIterator[bytes]:
    global _limiter
    if _limiter is None:
        _limiter = anyio.CapacityLimiter(1)
    stop = threading.Event()
    progress = _Batches(stop)
    limiter = _limiter
    task = asyncio.ensure_future(anyio.to_thread.run_sync(
        lambda: _train_run(epochs, filters, seed, stop, progress), limiter=limiter))
    per_epoch = math.ceil(len(digits("train")[1]) / BATCH)
    total = epochs * per_epoch
    sent = 0
    yield (json.dumps({"type": "start", "batches": total, "per_epoch": per_epoch,
                       "digits": len(digits("train")[1]), "held_out": held_out()})
           + "\n").encode()
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=PROGRESS_SECONDS)
            if done:
                break
            n = len(progress.losses)
            if n > sent:
                points = [[k + 1, v] for k, v in enumerate(progress.losses[sent:n], sent)
                          if math.isfinite(v)]
                yield (json.dumps({"type": "progress", "batch": n, "batches": total,
                                   "points": points}) + "\n").encode()
                sent = n
        try:
            result = task.result()
        except NeuronlabError as exc:
            yield (json.dumps({"type": "error", "error": str(exc)}) + "\n").encode()
            return
        points = [[k + 1, v] for k, v in enumerate(progress.losses[sent:], sent)
                  if math.isfinite(v)]
        yield (json.dumps({"type": "done", "points": points, **result}) + "\n").encode()
    finally:
        stop.set()


@endpoint
async def _convnet(request: Request) -> Response:
    body = await read_json(request)
    only(body, ("epochs", "filters", "seed"))
    epochs = integer(body.get("epochs", 1), "epochs", 1, 3)
    filters = integer(body.get("filters", 8), "filters", 2, 16)
    seed = integer(body.get("seed", 0), "seed", 0, 1_000_000)
    return StreamingResponse(_convnet_lines(epochs, filters, seed),
                             media_type="application/x-ndjson",
                             headers={"Cache-Control": "no-store"})


async def _convnet_maps(request: Request) -> dict[str, Any]:
    body = await read_json(request)
    only(body, ("run", "digit"))
    run = require(body, "run")
    if not isinstance(run, str) or run not in _runs:
        raise BadRequest("That trained network is gone (the lab keeps the last "
                         f"{RUNS_KEPT}); train it again.")
    index = integer(body.get("digit", 0), "digit", 0, held_out() - 1)
    model = _runs[run]
    X, y = digits("test")
    x = X[index:index + 1]
    conv1, pool1 = model.layers[0], model.layers[1]
    maps = conv1.forward(x)  # after its ReLU
    pooled = pool1.forward(maps)
    p = model.predict(x)[0].astype(np.float64)
    return {"digit": index, "label": int(y[index]), "image": _grid(x[0, :, :, 0]),
            "maps": [_grid(maps[0, :, :, f], 3) for f in range(maps.shape[-1])],
            "pooled": [_grid(pooled[0, :, :, f], 3) for f in range(pooled.shape[-1])],
            "probabilities": p.tolist(), "guess": int(p.argmax())}


def _post(view: Any) -> Any:
    @endpoint
    async def handler(request: Request) -> Any:
        return view(await read_json(request))

    handler.__name__ = view.__name__
    return handler


ROUTES: list[BaseRoute] = [
    Route("/api/widgets/kernel", _post(kernel_view), methods=["POST"]),
    Route("/api/widgets/confusion", endpoint(_confusion), methods=["POST"]),
    Route("/api/widgets/draw", endpoint(_draw), methods=["POST"]),
    Route("/api/widgets/convnet", _convnet, methods=["POST"]),
    Route("/api/widgets/convnet/maps", endpoint(_convnet_maps), methods=["POST"]),
]
