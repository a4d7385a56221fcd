"""The "training" widget: a ``Sequential`` recipe run as written, on a truth table.

A lesson marks it with its recipe, e.g.
``<!-- widget: training {"data": "xor", "layers": [[4, "sigmoid"], [1, "sigmoid"]],
"optimizer": "sgd", "loss": "mse", "epochs": 3000, "seed": 0} -->``, and the page asks
``POST /api/widgets/training`` to run it. The server builds exactly the model the recipe
says, ``Sequential([Dense(4, activation='sigmoid', input_shape=(2,)), Dense(1,
activation='sigmoid')], seed=0)``, compiles it with ``optimizer='sgd'`` (the name's
default learning rate, 0.01) or ``SGD(learning_rate=...)`` when the request gives one,
and calls ``fit(X, y, epochs=..., verbose=0)``: every number the widget shows is the
library's, from the loss of each epoch to the final predictions and the decision
boundary over the input square.

The answer is a stream of JSON lines (``application/x-ndjson``): ``progress`` lines while
the model trains (the epoch reached and the new points of the loss curve), then one
``done`` line with everything, or one ``error`` line. A bad setting is refused before
any training with a 4xx ``{"error": ...}`` that names the field. The work is bounded
as a playground request is (:data:`~neuronlab.lab.playground.session.STEPS_PER_REQUEST` optimizer
steps, :data:`~neuronlab.lab.playground.session.PARAMETER_STEPS` parameters x steps), and it runs
off the event loop, stopping between two epochs when the page goes away.

>>> recipe = Recipe.parse({"layers": [[4, "sigmoid"], [1, "sigmoid"]], "epochs": 10})
>>> print(recipe.code())
X, y = datasets.xor()
model = Sequential([
    Dense(4, activation='sigmoid', input_shape=(2,)),
    Dense(1, activation='sigmoid'),
], seed=0)
model.compile(optimizer='sgd', loss='mse')
history = model.fit(X, y, epochs=10, verbose=0)
>>> result = run(recipe)
>>> result["epochs_run"], result["learning_rate"], len(result["predictions"])
(10, 0.01, 4)
"""

from __future__ import annotations

import asyncio
import json
import math
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.to_thread
import numpy as np
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from ... import datasets, optimizers
from ... import losses as loss_table
from ...errors import NeuronlabError, TrainingDivergedError
from ...layers import Dense
from ...model import Sequential
from ...training.callbacks import Callback
from ..playground.session import PARAMETER_STEPS, STEPS_PER_REQUEST
from ..server.api import endpoint, read_json
from ..server.schema import (
    HIDDEN_ACTIVATIONS,
    LIMITS,
    OPTIMIZERS,
    BadRequest,
    choice,
    integer,
    number,
    only,
)

#: The truth tables the widget trains on: two inputs, one 0/1 target.
DATA = {"xor": datasets.xor, "and": datasets.and_gate, "or": datasets.or_gate}
LOSSES = ("mse", "mae", "binary_crossentropy")
VIEW = (-0.5, 1.5)  # the input square the boundary is drawn over: the corners with a margin
GRID = 40  # cells per side of the boundary picture
CURVE_POINTS = 300  # at most this many points of the loss curve are sent
PROGRESS_SECONDS = 0.1  # a progress line at most this often
TRAINING_THREADS = 2  # recipes training at once; the rest wait their turn
_limiter: anyio.CapacityLimiter | None = None


@dataclass(frozen=True)
class Recipe:
    """One ``Sequential`` recipe: the data, the layers, ``compile`` and ``fit``."""

    data: str = "xor"
    layers: tuple[tuple[int, str], ...] = ((4, "sigmoid"), (1, "sigmoid"))
    optimizer: str = "sgd"
    learning_rate: float | None = None  # None: the optimizer name's own default
    loss: str = "mse"
    epochs: int = 3000
    batch_size: int | None = None  # None: fit's default (all four rows in one batch)
    seed: int = 0

    FIELDS = ("data", "layers", "optimizer", "learning_rate", "loss", "epochs", "batch_size",
              "seed")

    @classmethod
    def parse(cls, body: dict[str, Any]) -> Recipe:
        """Check a request; missing fields take the defaults above."""
        only(body, cls.FIELDS)
        d = cls()
        data = choice(body.get("data", d.data), "data", tuple(DATA))
        raw = body.get("layers", [list(layer) for layer in d.layers])
        most = LIMITS.hidden_layers + 1
        if not isinstance(raw, list) or not 1 <= len(raw) <= most:
            raise BadRequest(f"'layers' must be a list of 1 to {most} layers [units, "
                             f"activation], like [[4, \"sigmoid\"], [1, \"sigmoid\"]]; got "
                             f"{json.dumps(raw)[:60]}.")
        layers = []
        for i, layer in enumerate(raw):
            if not isinstance(layer, list) or len(layer) != 2:
                raise BadRequest(f"'layers[{i}]' must be [units, activation], like "
                                 f"[4, \"sigmoid\"]; got {json.dumps(layer)[:60]}.")
            units = integer(layer[0], f"layers[{i}] units", 1, LIMITS.neurons)
            layers.append((units, choice(layer[1], f"layers[{i}] activation",
                                         HIDDEN_ACTIVATIONS)))
        if layers[-1][0] != 1:
            raise BadRequest(f"The last layer answers the truth table's one target, so it "
                             f"needs 1 unit; got {layers[-1][0]}.")
        rate = body.get("learning_rate")
        return cls(
            data=data,
            layers=tuple(layers),
            optimizer=choice(body.get("optimizer", d.optimizer), "optimizer", OPTIMIZERS),
            learning_rate=None if rate is None else number(rate, "learning_rate", 1e-6,
                                                           LIMITS.learning_rate),
            loss=choice(body.get("loss", d.loss), "loss", LOSSES),
            epochs=integer(body.get("epochs", d.epochs), "epochs", 1, STEPS_PER_REQUEST),
            batch_size=None if body.get("batch_size") is None else integer(
                body["batch_size"], "batch_size", 1, 4),
            seed=integer(body.get("seed", d.seed), "seed", 0, LIMITS.seed),
        )

    def as_dict(self) -> dict[str, Any]:
        return {"data": self.data, "layers": [list(layer) for layer in self.layers],
                "optimizer": self.optimizer, "learning_rate": self.learning_rate,
                "loss": self.loss, "epochs": self.epochs, "batch_size": self.batch_size,
                "seed": self.seed}

    # ------------------------------------------------------------------ the model
    def build(self) -> Sequential:
        """The model the recipe says, compiled, not yet trained."""
        first, *rest = self.layers
        layers = [Dense(first[0], activation=first[1], input_shape=(2,)),
                  *(Dense(units, activation=act) for units, act in rest)]
        model = Sequential(layers, seed=self.seed)
        optimizer: Any = (self.optimizer if self.learning_rate is None
                          else optimizers.get(self.optimizer, learning_rate=self.learning_rate))
        model.compile(optimizer=optimizer, loss=self.loss)
        model.build()
        return model

    def steps(self) -> int:
        batch = 4 if self.batch_size is None else self.batch_size
        return self.epochs * math.ceil(4 / batch)

    def check_work(self, model: Sequential) -> None:
        """Refuse a recipe that is more work than one request may ask for."""
        params = model.count_params()
        steps = self.steps()
        if steps > STEPS_PER_REQUEST or steps * params > PARAMETER_STEPS:
            per_epoch = steps // self.epochs
            most = min(STEPS_PER_REQUEST, PARAMETER_STEPS // params) // per_epoch
            raise BadRequest(
                f"{self.epochs} epochs x {per_epoch} steps of a {params}-parameter network is "
                f"too much work for one request (limit {STEPS_PER_REQUEST} optimizer steps and "
                f"{PARAMETER_STEPS} parameters x steps); ask for at most {most} epochs or use a "
                "smaller network.")

    def code(self) -> str:
        """The recipe as the Python that runs it (Keras style, as the lessons write it)."""
        first, *rest = self.layers
        dense = [f"Dense({first[0]}, activation='{first[1]}', input_shape=(2,))",
                 *(f"Dense({units}, activation='{act}')" for units, act in rest)]
        stack = "".join(f"\n    {layer}," for layer in dense)
        loader = {"xor": "xor", "and": "and_gate", "or": "or_gate"}[self.data]
        optimizer = (f"'{self.optimizer}'" if self.learning_rate is None else
                     f"{type(optimizers.get(self.optimizer)).__name__}"
                     f"(learning_rate={self.learning_rate!r})")
        batch = "" if self.batch_size is None else f", batch_size={self.batch_size}"
        return (f"X, y = datasets.{loader}()\n"
                f"model = Sequential([{stack}\n], seed={self.seed})\n"
                f"model.compile(optimizer={optimizer}, loss='{self.loss}')\n"
                f"history = model.fit(X, y, epochs={self.epochs}{batch}, verbose=0)")


class _Progress(Callback):
    """Records each epoch's loss for the stream; stops training when asked to."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.losses: list[float] = []

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.losses.append(float((logs or {})["loss"]))
        if self.stop.is_set():
            self.model.stop_training = True


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def thin(values: list[float], most: int = CURVE_POINTS) -> tuple[list[int], list[float | None]]:
    """At most ``most`` evenly spaced ``(epoch, loss)`` points, the first and last always.

    >>> thin([0.5, 0.4, 0.3, 0.2, 0.1], most=3)
    ([1, 3, 5], [0.5, 0.3, 0.1])
    """
    n = len(values)
    picks = range(n) if n <= most else sorted({round(i * (n - 1) / (most - 1))
                                               for i in range(most)})
    return [i + 1 for i in picks], [_finite(values[i]) for i in picks]


def boundary(model: Sequential) -> dict[str, Any]:
    """The model's output over a ``GRID`` x ``GRID`` grid of the input square.

    Rows run from the top of the picture (largest x2) down; each value is ``ŷ`` at the
    cell's centre, rounded to 4 decimals.
    """
    low, high = VIEW
    centres = low + (np.arange(GRID) + 0.5) * (high - low) / GRID
    x1, x2 = np.meshgrid(centres, centres[::-1])
    grid = np.column_stack([x1.ravel(), x2.ravel()])
    with np.errstate(all="ignore"):
        out = model.predict(grid)[:, 0].astype(np.float64)
    values = [round(float(v), 4) if math.isfinite(v) else None for v in out]
    return {"size": GRID, "view": list(VIEW), "values": values}


def run(recipe: Recipe, stop: threading.Event | None = None,
        progress: _Progress | None = None) -> dict[str, Any]:
    """Train the recipe's model and describe the result (runs in a worker thread)."""
    stop = stop or threading.Event()
    progress = progress or _Progress(stop)
    X, y = DATA[recipe.data]()
    model = recipe.build()
    recipe.check_work(model)
    diverged = None
    try:
        model.fit(X, y, epochs=recipe.epochs, batch_size=recipe.batch_size, verbose=0,
                  callbacks=[progress])
    except TrainingDivergedError as exc:
        diverged = (f"Training diverged: {exc} The numbers below are the weights before "
                    "it did.")
    losses = progress.losses
    output = model.predict(X)
    predictions = output[:, 0].astype(np.float64)
    with np.errstate(all="ignore"):  # the loss of the trained weights, as lesson 7 takes it
        trained_loss = float(loss_table.get(recipe.loss)(y, output))
    targets = y[:, 0].tolist()
    answers = [int(p > 0.5) for p in predictions]
    epochs, curve = thin(losses)
    assert model.optimizer is not None
    return {
        "recipe": recipe.as_dict(),
        "code": recipe.code(),
        "learning_rate": float(model.optimizer.learning_rate),
        "optimizer": repr(model.optimizer),
        "epochs_run": len(losses),
        "stopped": stop.is_set(),
        "diverged": diverged,
        "first_loss": _finite(losses[0]) if losses else None,
        "final_loss": _finite(losses[-1]) if losses else None,
        "trained_loss": _finite(trained_loss),
        "curve": {"epoch": epochs, "loss": curve},
        "inputs": X.tolist(),
        "targets": targets,
        "predictions": [_finite(p) for p in predictions],
        "answers": answers,
        "correct": sum(a == t for a, t in zip(answers, targets)),
        "boundary": boundary(model),
    }


async def _in_thread(work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    global _limiter
    if _limiter is None:
        _limiter = anyio.CapacityLimiter(TRAINING_THREADS)
    return await anyio.to_thread.run_sync(work, limiter=_limiter)


async def _lines(recipe: Recipe) -> AsyncIterator[bytes]:
    """The stream: progress lines while training, then the result (or an error)."""
    stop = threading.Event()
    progress = _Progress(stop)
    task = asyncio.ensure_future(_in_thread(lambda: run(recipe, stop, progress)))
    sent = 0
    yield (json.dumps({"type": "start", "recipe": recipe.as_dict(),
                       "code": recipe.code()}) + "\n").encode()
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=PROGRESS_SECONDS)
            if done:
                break
            n = len(progress.losses)
            if n > sent:
                new = progress.losses[sent:n]
                step = max(1, math.ceil(recipe.epochs / CURVE_POINTS))
                points = [[sent + i + 1, _finite(v)] for i, v in enumerate(new)
                          if (sent + i) % step == 0]
                yield (json.dumps({"type": "progress", "epoch": n, "epochs": recipe.epochs,
                                   "points": points}) + "\n").encode()
                sent = n
        try:
            result = task.result()
        except (BadRequest, NeuronlabError) as exc:
            yield (json.dumps({"type": "error", "error": str(exc)}) + "\n").encode()
            return
        yield (json.dumps({"type": "done", **result}) + "\n").encode()
    finally:
        stop.set()  # the page left (or we are done): training stops between two epochs


@endpoint
async def training(request: Request) -> Response:
    """``POST /api/widgets/training``: run a recipe, streaming its progress."""
    recipe = Recipe.parse(await read_json(request))
    recipe.check_work(recipe.build())  # refuse too much work before streaming anything
    return StreamingResponse(_lines(recipe), media_type="application/x-ndjson",
                             headers={"Cache-Control": "no-store"})


ROUTES = [Route("/api/widgets/training", training, methods=["POST"])]
