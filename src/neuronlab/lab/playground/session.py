"""Playground sessions: a data set, a network, and training that the page watches.

A :class:`Session` owns one :class:`~neuronlab.model.Sequential` and trains it epoch
by epoch with ``model.fit(..., epochs=1, seed=epoch)``, so the same configuration
trained for the same number of epochs gives bit-identical weights however the epochs
were grouped into frames. :meth:`Session.frame` is one snapshot for the page: the
decision boundary and every hidden neuron's output over a grid, losses, accuracies,
weights and the epoch. :meth:`Session.frame_for` is the same snapshot for a page that
already has the previous ones (the training stream): it leaves out what that page
already shows, as :class:`Seen` records it.

Training is bounded: one request may ask for at most :data:`STEPS_PER_REQUEST`
optimizer steps (epochs x batches per epoch) and at most :data:`PARAMETER_STEPS` in
parameters x steps (:meth:`Session.check_epochs`), and it runs off the server's event
loop, stopping between two epochs when its ``stop`` event is set (its client left).
:class:`Sessions` holds at most ``LIMITS.sessions`` of them and drops a session that no
page has watched for :data:`UNWATCHED_SECONDS`, so slots cannot be hoarded.

>>> session = Session(PlaygroundConfig.parse({"dataset": "xor", "hidden": [4]}))
>>> session.train(5)
5
>>> frame = session.frame()
>>> frame["epoch"], frame["boundary"]["size"], len(frame["hidden"][0])
(5, 40, 4)
>>> seen = Seen()
>>> first, again = session.frame_for(seen), session.frame_for(seen)
>>> first["hidden"][0][0]["size"], again["hidden"][0][0], again["boundary"]
(12, None, None)
"""

from __future__ import annotations

import asyncio
import base64
import math
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

import anyio
import anyio.to_thread
import numpy as np

from ... import datasets, optimizers
from ...errors import NeuronlabError, TrainingDivergedError
from ...heads import build_model, head_for
from ...layers import Dense
from ...model import Sequential
from ..server.schema import LIMITS, BadRequest, integer, number, only
from . import diagnosis, export
from .config import (
    DATA_FIELDS,
    FEATURES,
    OWN_DATA,
    OWN_LABELS,
    TABLES,
    PlaygroundConfig,
    features,
)
from .wire import (
    BOUNDARY_SIZE,
    NEURON_SIZE,
    Picture,
    Seen,
    b64,
    finite,
    finite_list,
    pictures,
    thin,
    to_bytes,
)

STEPS_PER_REQUEST = 20_000  # optimizer steps one request may ask for (epochs x batches)
PARAMETER_STEPS = 2_000_000  # and parameters x steps: a bigger network gets fewer steps
UNWATCHED_SECONDS = 10.0  # a session no page watches ends this long after its last use
TRAINING_THREADS = 2  # trainings running at once (the rest wait); the event loop stays free
T = TypeVar("T")


def _dense_call(layer: Dense) -> str:
    """The ``Dense(...)`` call that makes a layer like ``layer`` (its weights aside)."""
    assert layer.activation is not None
    return (f'Dense({layer.units}, activation="{layer.activation.name}"'
            + (f", input_shape={layer.input_shape}" if layer.input_shape else "")
            + (f", l2={layer.l2!r}" if layer.l2 else "")
            + (f", l1={layer.l1!r}" if layer.l1 else "") + ")")


class Session:
    """One playground: data, model, training state, and the snapshots the page draws."""

    def __init__(self, config: PlaygroundConfig) -> None:
        self.id = secrets.token_urlsafe(12)
        self.full_frames = 0  # whole frames made (a page may draw one from a request)
        self.lock = asyncio.Lock()
        self.playing = False
        self.watched = False  # a page's WebSocket is attached
        self.touched = time.monotonic()
        self.generation = 0  # counts configurations, so a page can drop stale frames
        self.configure(config)

    # ------------------------------------------------------------------ setup
    def configure(self, config: PlaygroundConfig) -> None:
        """Make the data set and a fresh network for ``config``.

        When only the network or its training changed (learning rate, activation,
        layers...), the data set, its split and the grids are kept as they are.
        """
        old = getattr(self, "config", None)
        if old is not None and all(getattr(config, name) == getattr(old, name)
                                   for name in DATA_FIELDS):
            self.config = config
            self.generation += 1
            self.reset()
            return
        c = config
        task = ("classification" if c.dataset in (OWN_DATA, *TABLES)
                else datasets.DATASETS[c.dataset].task)
        if c.dataset == OWN_DATA:
            X, y = np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
        elif c.dataset in TABLES:
            X, targets = TABLES[c.dataset]()
            y = targets[:, 0].astype(np.int64)
        else:
            points = datasets.DATASETS[c.dataset].points
            assert points is not None
            X, y = points(c.samples, c.noise, c.seed)
        if c.points:  # the learner's own points join the data set
            own = np.array(c.points, dtype=np.float64)
            if task == "classification" and not np.isin(own[:, 2], OWN_LABELS).all():
                raise BadRequest(f"The labels of your own points must be classes "
                                 f"{', '.join(map(str, OWN_LABELS))} on a classification data set.")
            X = np.concatenate([X, own[:, :2]])
            y = np.concatenate([y, own[:, 2].astype(y.dtype)])
        if len(X) < 4 or (task == "classification" and len(np.unique(y)) < 2):
            raise BadRequest("Your own data needs at least 4 points of at least 2 classes; "
                             f"it has {len(X)} point(s) of {len(np.unique(y))} class(es). "
                             "Click on the plot to add points.")
        self.task = task
        try:
            self.head = head_for(y, None if c.loss == "auto" else c.loss)
        except NeuronlabError as exc:
            raise BadRequest(f"'loss' {c.loss!r} does not fit this data set: {exc}") from None
        self.classes = max(2, int(y.max()) + 1) if task == "classification" else 0
        stratify = task == "classification" and int(np.bincount(y).min(initial=2)) >= 2
        if c.dataset in TABLES:  # the whole table, in its order, is both
            X_tr, X_te, y_tr, y_te = X, X.copy(), y, y.copy()
        else:
            try:
                X_tr, X_te, y_tr, y_te = datasets.train_test_split(
                    X, y, test_size=c.test_size, seed=c.seed, stratify=stratify)
            except NeuronlabError as exc:
                raise BadRequest(f"These points cannot be split into train and test: "
                                 f"{exc}") from None
        self.config = config
        self.X_train, self.X_test = X_tr, X_te
        self.labels_train, self.labels_test = y_tr, y_te
        self.y_train, self.y_test = self.head.prepare(y_tr), self.head.prepare(y_te)
        self.F_train, self.F_test = features(X_tr, c.features), features(X_te, c.features)
        low, high = X.min(axis=0), X.max(axis=0)
        center, half = (low + high) / 2, float(max(high - low)) / 2 * 1.15 + 0.1
        self.extent = [float(center[0] - half), float(center[0] + half),
                       float(center[1] - half), float(center[1] + half)]
        self.target_range = (float(y.min()), float(y.max())) if task == "regression" else (0, 1)
        self.grid = features(self._grid(BOUNDARY_SIZE), c.features)
        self.small_grid = features(self._grid(NEURON_SIZE), c.features)
        # Both grids in one array: one forward pass gives the boundary and every neuron.
        self.grids = np.concatenate([self.grid, self.small_grid])
        self.input_pictures = pictures(self.small_grid)  # they depend on the grid only
        self.generation += 1
        self.reset()

    def _grid(self, size: int) -> np.ndarray:
        """Cell centres, row by row from the top of the picture: ``(size*size, 2)``."""
        x0, x1, y0, y1 = self.extent
        xs = x0 + (np.arange(size) + 0.5) * (x1 - x0) / size
        ys = y1 - (np.arange(size) + 0.5) * (y1 - y0) / size
        gx, gy = np.meshgrid(xs, ys)
        return np.column_stack([gx.ravel(), gy.ravel()])

    def build_model(self) -> Sequential:
        c = self.config
        model = build_model((len(c.features),), self.head, c.hidden, c.activation, seed=c.seed,
                            l2=c.l2, l1=c.l1)
        optimizer = optimizers.get(c.optimizer, learning_rate=c.learning_rate)
        model.compile(optimizer=optimizer, loss=self.head.loss, metrics=self.head.metrics)
        return model

    def reset(self) -> None:
        """Fresh weights (the same ones for the same seed), epoch 0, no curves."""
        self.model = self.build_model()
        self.epoch = 0
        self.playing = False
        self.diverged: str | None = None
        self.edited = False  # a weight was set by hand: replaying the seed no longer gives it
        self.stepped = False  # a slow-motion step was taken outside the epochs: nor then
        self.linked = False  # the weights came from a link (whose history is not known)
        self.curves: dict[str, list[float]] = {"train": [], "test": []}
        self.curve_start = 0  # the epoch the curves start after (a restored run: its epoch)
        self.judged_from = 0  # the diagnosis reads the curve from here (after a hand edit)
        self.evaluate()

    def evaluate(self) -> None:
        """The scores of the network as it is now."""
        with np.errstate(all="ignore"):
            train = self.model.evaluate(self.F_train, self.y_train, return_dict=True)
            test = self.model.evaluate(self.F_test, self.y_test, return_dict=True)
        self.scores = {"train": train, "test": test}

    @property
    def metric(self) -> str:
        return self.head.metrics[0]

    # ------------------------------------------------------------------ weights
    def dense_layers(self) -> list[Dense]:
        return [cast(Dense, layer) for layer in self.model.layers if layer.fully_connected]

    def weights_text(self) -> str:
        """Every weight and bias, layer by layer (W row by row, then b), as base64 float32."""
        flat = np.concatenate([np.concatenate([layer.W.ravel(), layer.b.ravel()])
                               for layer in self.dense_layers()]).astype("<f4")
        return base64.b64encode(flat.tobytes()).decode("ascii")

    def restore(self, params: Any, epoch: Any) -> None:
        """Set every weight from :meth:`weights_text` text and the epoch they were taken at."""
        epoch = integer(epoch, "epoch", 0, 10**9)
        if not isinstance(params, str) or len(params) > 4 * LIMITS.body_bytes // 3:
            raise BadRequest("'weights' must be the base64 text of the weights a link carries.")
        try:
            flat = np.frombuffer(base64.b64decode(params, validate=True), dtype="<f4")
        except ValueError:
            raise BadRequest("The link's weights are damaged (not base64 float32 numbers); "
                             "it may have been cut short when it was copied.") from None
        expected = self.count_params()
        if flat.size != expected or not np.isfinite(flat).all():
            shape = "-".join(map(str, self.data()["layers"]))
            raise BadRequest(
                f"The link's weights do not fit this network: it carries {flat.size} numbers"
                f"{'' if np.isfinite(flat).all() else ' (some not finite)'}, a {shape} network "
                f"has {expected}. The link was cut short or edited; the network starts afresh.")
        at = 0
        for layer in self.dense_layers():
            W, b = flat[at:at + layer.W.size], flat[at + layer.W.size:at + layer.W.size
                                                    + layer.b.size]
            layer.set_neuron_weights([W.reshape(layer.W.shape), b])
            at += layer.W.size + layer.b.size
        self.epoch = self.curve_start = epoch
        self.linked = True
        self.evaluate()

    def set_weight(self, body: dict[str, Any]) -> None:
        """Set one weight (``input`` given) or bias (``input`` null) of one neuron."""
        only(body, ("layer", "neuron", "input", "value"))
        layers = self.dense_layers()
        layer = layers[integer(body.get("layer"), "layer", 0, len(layers) - 1)]
        j = integer(body.get("neuron"), "neuron", 0, layer.units - 1)
        value = number(body.get("value"), "value", -LIMITS.value, LIMITS.value)
        if body.get("input") is None:
            layer.b[j] = value
        else:
            layer.W[j, integer(body["input"], "input", 0, layer.W.shape[1] - 1)] = value
        self.edited = True
        self.judged_from = len(self.curves["train"])  # the jump this makes is not training's
        self.diverged = None
        self.evaluate()

    # ------------------------------------------------------------------ training
    def steps_per_epoch(self) -> int:
        return math.ceil(len(self.X_train) / self.config.batch_size)

    def count_params(self) -> int:
        """Weights and biases of the network: the work of one step grows with them."""
        return sum(layer.count_params() for layer in self.model.layers)

    def max_epochs(self) -> int:
        """The most epochs one request may ask for with this configuration."""
        steps = min(STEPS_PER_REQUEST, PARAMETER_STEPS // self.count_params())
        return steps // self.steps_per_epoch()

    def check_epochs(self, epochs: int) -> int:
        """Bound the work one request asks for: optimizer steps, and parameters x steps."""
        per_epoch, params = self.steps_per_epoch(), self.count_params()
        steps = epochs * per_epoch
        if steps > STEPS_PER_REQUEST or steps * params > PARAMETER_STEPS:
            most = self.max_epochs()
            fewer = f"ask for at most {most} epochs" if most else "ask for fewer epochs"
            raise BadRequest(
                f"{epochs} epochs x {per_epoch} steps = {steps} optimizer steps of a "
                f"{params}-parameter network is too much work for one request (limit "
                f"{STEPS_PER_REQUEST} steps and {PARAMETER_STEPS} parameters x steps); "
                f"{fewer}, use a larger batch size (now {self.config.batch_size}), fewer "
                "samples or a smaller network."
            )
        return epochs

    def train(self, epochs: int, seconds: float | None = None,
              stop: threading.Event | None = None) -> int:
        """Train up to ``epochs`` epochs (or until ``seconds`` pass); return how many ran.

        Runs in a worker thread; it stops between two epochs as soon as ``stop`` is set
        (the client left). Training stops for good when the loss turns NaN or infinite:
        :attr:`diverged` then explains what happened in words.
        """
        if self.diverged:
            return 0
        start = time.perf_counter()
        done = 0
        with np.errstate(all="ignore"):
            while done < epochs and not (stop is not None and stop.is_set()):
                try:
                    logs = self.model.fit(
                        self.F_train, self.y_train, epochs=1, batch_size=self.config.batch_size,
                        seed=self.epoch, verbose=0, validation_data=(self.F_test, self.y_test),
                    ).history
                except TrainingDivergedError as exc:
                    self._diverge(exc)
                    break
                self.epoch += 1
                done += 1
                self.curves["train"].append(logs["loss"][0])
                self.curves["test"].append(logs["val_loss"][0])
                if seconds is not None and time.perf_counter() - start >= seconds:
                    break
        if done and not self.diverged:
            # The numbers shown describe the weights as they are now (fit reports the
            # train loss averaged over the epoch's batches), as a restored link does.
            self.evaluate()
        self.touched = time.monotonic()
        return done

    def _diverge(self, exc: TrainingDivergedError) -> None:
        c = self.config
        self.playing = False
        # No stale numbers: the scores of the last good epoch do not describe these weights.
        self.scores = {side: {"loss": math.nan, self.metric: math.nan}
                       for side in ("train", "test")}
        where = f", batch {exc.batch}" if exc.batch is not None else ""
        infinite = exc.loss is not None and math.isinf(exc.loss)
        value = "infinity (a number too large for float32)" if infinite else "NaN (not a number)"
        self.diverged = (
            f"Training diverged in epoch {self.epoch + 1}{where}: the loss became {value}, "
            f"as the arithmetic overflowed. Training stopped. If the steps overshot, try a "
            f"smaller learning rate (now {c.learning_rate:g}; e.g. {c.learning_rate / 10:g}); "
            f"if you set a weight by hand, set it smaller. Then press reset."
        )

    # ------------------------------------------------------------------ snapshots
    def data(self) -> dict[str, Any]:
        """The points (sent once per configuration) and the picture's extent."""
        return {
            "generation": self.generation,
            "config": self.config.as_dict(),
            "classes": self.classes,
            "task": self.task,
            "metric": self.metric,
            "loss": self.head.loss,
            "features": [FEATURES[name].label for name in self.config.features],
            "target_range": list(self.target_range),
            "extent": self.extent,
            "train": {"X": finite_list(self.X_train), "y": self.labels_train.tolist()},
            "test": {"X": finite_list(self.X_test), "y": self.labels_test.tolist()},
            "layers": [len(self.config.features), *self.config.hidden, self.head.units],
        }

    def _forward_grids(self) -> tuple[np.ndarray, list[np.ndarray]]:
        """One forward pass over both grids: the outputs on the boundary's grid, and each
        hidden layer's outputs on the small grid."""
        out = self.grids.astype(self.model.dtype)
        hidden = []
        for layer in self.model.layers:
            out = layer.forward(out)
            hidden.append(out[BOUNDARY_SIZE ** 2:])
        return out[:BOUNDARY_SIZE ** 2].astype(np.float64), hidden[:-1]

    def _boundary(self, p: np.ndarray) -> tuple[dict[str, Any], Picture]:
        """The boundary for the outputs ``p`` on its grid, and its bytes to compare."""
        if self.task == "regression":  # the prediction on the targets' scale, 0..255
            low, high = self.target_range
            cells = to_bytes((p[:, 0] - low) / ((high - low) or 1.0))
            return ({"size": BOUNDARY_SIZE, "low": low, "high": high, "value": b64(cells)},
                    Picture(cells, low, high))
        p = np.nan_to_num(p, nan=0.5, posinf=1.0, neginf=0.0)
        if self.classes == 2:
            label = (p[:, 0] > 0.5).astype(np.uint8)
            strength = np.abs(2 * p[:, 0] - 1)
        else:
            label = p.argmax(axis=1).astype(np.uint8)
            strength = (p.max(axis=1) - 1 / self.classes) / (1 - 1 / self.classes)
        # One byte per cell: the class in the top 2 bits, the strength (0..63) below;
        # a cell whose class changed differs by more than any tolerance.
        cells = (label << 6) | np.round(np.clip(np.nan_to_num(strength), 0, 1) * 63) \
            .astype(np.uint8)
        return {"size": BOUNDARY_SIZE, "cells": b64(cells)}, Picture(cells, None, None)

    def _pictures(self, hidden: list[np.ndarray]) -> list[list[Picture]]:
        """Each input feature's and hidden neuron's value over the small grid -> 0..255.

        The first column is the input features; each map is scaled by its largest
        absolute value, so 128 is 0.
        """
        return [self.input_pictures, *[pictures(out) for out in hidden]]

    def frame(self, since: int | None = None) -> dict[str, Any]:
        """One whole snapshot of the training for the page.

        ``since``: the curves hold only the points after the first ``since`` (a stream
        sends each point once, the page appends them); ``None``: the whole curves,
        thinned to at most :data:`CURVE_POINTS` points.
        """
        self.full_frames += 1
        return self._frame(since)

    def frame_for(self, seen: Seen, tolerance: int = 0) -> dict[str, Any]:
        """A snapshot for the page that already shows ``seen``; ``seen`` is updated.

        The first frame of a configuration (and the first after a whole frame made for
        a request, which the page may have drawn instead) is whole. After that the
        curves hold only the new points, and a picture that moved by at most
        ``tolerance`` (of 255) in every cell since it was last sent is ``null``: the
        page keeps the one it has, so what it shows is never further than
        ``tolerance`` from a whole frame. ``tolerance=0`` leaves out only the pictures
        that did not change at all.
        """
        if seen.generation != self.generation or seen.full_frames != self.full_frames \
                or seen.curve > len(self.curves["train"]):
            seen.generation, seen.full_frames = self.generation, self.full_frames
            seen.boundary, seen.pictures = None, {}
            since = None
        else:
            since = seen.curve
        frame = self._frame(since, seen, tolerance)
        seen.curve = len(self.curves["train"])
        return frame

    def _frame(self, since: int | None, seen: Seen | None = None,
               tolerance: int = 0) -> dict[str, Any]:
        with np.errstate(all="ignore"):
            outputs, hidden = self._forward_grids()
            boundary_json, boundary_cells = self._boundary(outputs)
            columns = self._pictures(hidden)
        boundary: dict[str, Any] | None = boundary_json
        maps: list[list[dict[str, Any] | None]] = []
        for c, column in enumerate(columns):
            maps.append([])
            for j, picture in enumerate(column):
                known = None if seen is None or seen.pictures is None \
                    else seen.pictures.get((c, j))
                if known is not None and picture.close_to(known, tolerance):
                    maps[-1].append(None)  # the page keeps the one it has
                    continue
                maps[-1].append(picture.json())
                if seen is not None and seen.pictures is not None:
                    seen.pictures[(c, j)] = picture
        if seen is not None:
            if boundary_cells.close_to(seen.boundary, tolerance):
                boundary = None
            else:
                seen.boundary = boundary_cells
        if since is None:
            epochs, train = thin(self.curves["train"])
            _, test = thin(self.curves["test"])
        else:
            epochs = list(range(since + 1, len(self.curves["train"]) + 1))
            train = [finite(v) for v in self.curves["train"][since:]]
            test = [finite(v) for v in self.curves["test"][since:]]
        return {
            "type": "frame",
            "generation": self.generation,
            "epoch": self.epoch,
            "playing": self.playing,
            "scores": {side: {k: finite(v) for k, v in scores.items()}
                       for side, scores in self.scores.items()},
            "curves": {"append": since is not None,
                       "epoch": [self.curve_start + e for e in epochs],
                       "train": train, "test": test},
            # null: the page keeps the picture it has (only in a stream's frames)
            "boundary": boundary,
            "inputs": maps[0],  # each input feature over the plane
            "hidden": maps[1:],
            "params": self.weights_text(),  # exact: the page draws from these and keeps them
            # readable lists too in a whole frame (a stream's frames leave them out)
            **({"weights": [{"W": finite_list(layer.W), "b": finite_list(layer.b)}
                            for layer in self.dense_layers()]} if since is None else {}),
            "diverged": self.diverged,
            "status": self.status(),
        }

    def status(self) -> dict[str, str] | None:
        """What is going wrong, in words, and what to try; ``None`` while all is well."""
        return diagnosis.status(self)

    # ------------------------------------------------------------------ export
    def filename(self, suffix: str) -> str:
        return f"neuronlab-{self.config.dataset}-epoch{self.epoch}{suffix}"

    def python_code(self, filename: str) -> str:
        """Python that rebuilds this network and trains it exactly as the lab did."""
        return export.python_code(self, filename)


class Sessions:
    """The live sessions, at most ``limit`` at once, and the threads that train them.

    A session lives while a page watches it over its WebSocket; one that nobody watches
    ends ``unwatched_seconds`` after its last use, so requests without a page cannot
    hold the slots. :attr:`working` counts the worker threads busy with a session now.
    """

    def __init__(self, limit: int = LIMITS.sessions,
                 unwatched_seconds: float = UNWATCHED_SECONDS) -> None:
        self.limit = limit
        self.unwatched_seconds = unwatched_seconds
        self.working = 0
        self._count_lock = threading.Lock()
        self._items: dict[str, Session] = {}
        self._limiter: anyio.CapacityLimiter | None = None

    def __len__(self) -> int:
        return len(self._items)

    def expire(self) -> None:
        """Drop the sessions no page has watched for ``unwatched_seconds``."""
        now = time.monotonic()
        for key, old in list(self._items.items()):
            if not old.watched and not old.lock.locked() \
                    and now - old.touched > self.unwatched_seconds:
                self.remove(key)

    def create(self, config: PlaygroundConfig) -> Session:
        self.expire()
        if len(self._items) >= self.limit:
            raise BadRequest(
                f"The lab already runs {self.limit} playground sessions (the limit). Close "
                "another lab tab, or wait: a session nobody watches ends after "
                f"{self.unwatched_seconds:g} s.", status=429)
        session = Session(config)
        self._items[session.id] = session
        return session

    def get(self, key: str) -> Session:
        self.expire()
        session = self._items.get(key)
        if session is None:
            raise BadRequest(
                f"No playground session {key[:40]!r}: it ended (its page closed, or no page "
                f"watched it for {self.unwatched_seconds:g} s) or never existed. Reload the "
                "page to start a new one.", status=404)
        session.touched = time.monotonic()
        return session

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """``work(*args)`` in a worker thread, at most ``TRAINING_THREADS`` at once."""
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(TRAINING_THREADS)

        def counted() -> T:
            with self._count_lock:
                self.working += 1
            try:
                return work(*args)
            finally:
                with self._count_lock:
                    self.working -= 1

        return await anyio.to_thread.run_sync(counted, limiter=self._limiter)

    def remove(self, key: str) -> None:
        session = self._items.pop(key, None)
        if session is not None:
            session.playing = False
