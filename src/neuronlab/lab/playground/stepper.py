"""The playground's slow-motion step: one batch of training, stage by stage.

``POST /api/sessions/{id}/backprop`` traces the step training would take next, on the
batch it would take next: the first batch of the next epoch, shuffled as
``model.fit(..., seed=epoch)`` shuffles it (:func:`next_batch`). The answer holds every
number of :func:`~neuronlab.lab.playground.backprop.trace_step` (the per-sample ones for at most
:data:`SHOWN_SAMPLES` samples; the sums run over the whole batch) and the weights it
started from. Nothing changes yet.

``POST /api/sessions/{id}/backprop/apply`` with those weights (``{"params": ...}``) then
takes that step on the live network with the library's own ``model.train_step`` and
answers with the new frame. The epoch counter stays where it was: the step is one extra
batch, like a weight set by hand.

Both refuse while the session trains (pause first), after it diverged, and when the
network changed between the two calls.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from starlette.requests import Request

from ...errors import TrainingDivergedError
from ...training import data
from ..server.api import endpoint, read_json
from ..server.schema import BadRequest, only
from .backprop import trace_step
from .config import FEATURES
from .endpoints import session_of, sessions_of
from .session import Session

SHOWN_SAMPLES = 8  # per-sample numbers shown for at most this many samples of the batch


def next_batch(session: Session) -> tuple[np.ndarray, np.ndarray]:
    """The batch training takes next: the first of epoch ``session.epoch + 1``.

    :meth:`Session.train` runs ``model.fit(F_train, y_train, epochs=1, batch_size=...,
    seed=epoch)``; fit prepares the arrays, draws ``default_rng(seed).permutation(n)``
    (when there is more than one batch) and takes the batches in that order.
    """
    model = session.model
    X = data.prepare_inputs(model, session.F_train)
    Y = data.prepare_targets(model, session.y_train, len(X))
    size = data.batch_size_for(len(X), session.config.batch_size)
    if len(X) <= size:
        return X, Y
    rows = np.random.default_rng(session.epoch).permutation(len(X))[:size]
    return X[rows], Y[rows]


def _check_paused(session: Session) -> None:
    if session.playing:
        raise BadRequest("The network is training: pause it first, then step one batch in "
                         "slow motion.", status=409)
    if session.diverged:
        raise BadRequest("Training diverged, so there is no step to show: press reset (or "
                         "lower the learning rate) first.", status=409)


def _check_unchanged(session: Session, params: Any) -> None:
    if params != session.weights_text():
        raise BadRequest("The network changed since this step was traced (it trained, was "
                         "reset or a weight was set): trace the step again.", status=409)


def trace(session: Session) -> dict[str, Any]:
    """The next step's trace, its batch, and the weights it starts from."""
    _check_paused(session)
    X, Y = next_batch(session)
    with np.errstate(all="ignore"):
        result = trace_step(session.model, X, Y, show=SHOWN_SAMPLES)
    return {
        **result,
        "epoch": session.epoch,
        "generation": session.generation,
        "batch": (f"the first batch of epoch {session.epoch + 1} ("
                  + (f"all {len(X)} training points, in their order: one batch is not shuffled)"
                     if len(X) == len(session.F_train) else
                     f"{len(X)} of {len(session.F_train)} training points, shuffled with seed "
                     f"{session.epoch} as training shuffles them)")),
        "features": [FEATURES[name].label for name in session.config.features],
        "params": session.weights_text(),
    }


def apply(session: Session, params: Any) -> dict[str, Any]:
    """Take the traced step on the live network; the frame after it."""
    _check_paused(session)
    _check_unchanged(session, params)
    X, Y = next_batch(session)
    try:
        with np.errstate(all="ignore"):
            session.model.train_step(X, Y)  # the library's own step: forward, backward, update
    except TrainingDivergedError as exc:
        raise BadRequest(str(exc)) from None
    session.stepped = True  # replaying the seed's epochs no longer gives these weights
    session.evaluate()
    return session.frame()


@endpoint
async def backprop(request: Request) -> dict[str, Any]:
    session = session_of(request)
    only(await read_json(request), ())
    async with session.lock:
        return await sessions_of(request).run(trace, session)


@endpoint
async def backprop_apply(request: Request) -> dict[str, Any]:
    session = session_of(request)
    body = await read_json(request)
    only(body, ("params",))
    async with session.lock:
        return await sessions_of(request).run(apply, session, body.get("params"))
