"""The playground's HTTP endpoints: create, read, step, reset, reconfigure, export.

Training never runs on the event loop: :func:`train` hands it to a worker thread
(:meth:`Sessions.run`) and stops it between two epochs when the client hangs up, so
one slow request neither blocks the other pages nor keeps working for nobody.
"""

from __future__ import annotations

import threading
from typing import Any

import anyio
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from ..server.api import endpoint, read_json
from ..server.schema import LIMITS, integer, only, parse_csv
from .config import PlaygroundConfig
from .session import Session, Sessions

MODEL_SUFFIX = ".npz"  # the save format of neuronlab.io: JSON config + arrays in one .npz


def sessions_of(request: Request) -> Sessions:
    sessions: Sessions = request.app.state.sessions
    return sessions


def session_of(request: Request) -> Session:
    return sessions_of(request).get(request.path_params["id"])


def _epochs(body: dict[str, Any], session: Session, default: int) -> int:
    epochs = integer(body.get("epochs", default), "epochs", 0, LIMITS.epochs_per_request)
    return session.check_epochs(epochs)


async def train(request: Request, session: Session, epochs: int) -> None:
    """Train ``epochs`` epochs in a worker thread; stop if the client leaves meanwhile.

    Raises :class:`~starlette.requests.ClientDisconnect` when it left (nobody is there
    to read the answer).
    """
    if not epochs:
        return
    stop = threading.Event()

    async def watch_for_disconnect() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass
        stop.set()

    async with anyio.create_task_group() as group:
        group.start_soon(watch_for_disconnect)
        await sessions_of(request).run(session.train, epochs, None, stop)
        group.cancel_scope.cancel()
    if stop.is_set():
        raise ClientDisconnect()


async def state(request: Request, session: Session) -> dict[str, Any]:
    """The points, the extent and a frame (computed off the event loop too)."""
    def compute() -> dict[str, Any]:
        return {"id": session.id, "data": session.data(), "frame": session.frame()}

    return await sessions_of(request).run(compute)


@endpoint
async def create_session(request: Request) -> Response:
    body = await read_json(request)
    only(body, ("config", "epochs", "weights", "epoch"))
    config = PlaygroundConfig.parse(body.get("config", {}))
    sessions = sessions_of(request)
    session = sessions.create(config)
    try:
        async with session.lock:
            if "weights" in body:  # a shared link: its network as it was, at its epoch
                session.restore(body["weights"], body.get("epoch", 0))
            else:
                await train(request, session, _epochs(body, session, 0))
            result = await state(request, session)
    except BaseException:
        sessions.remove(session.id)
        raise
    return JSONResponse(result, status_code=201)


@endpoint
async def get_session(request: Request) -> dict[str, Any]:
    session = session_of(request)
    async with session.lock:
        return await state(request, session)


@endpoint
async def step(request: Request) -> dict[str, Any]:
    session = session_of(request)
    body = await read_json(request)
    only(body, ("epochs",))
    async with session.lock:
        session.playing = False
        await train(request, session, _epochs(body, session, 1))
        return await sessions_of(request).run(session.frame)


@endpoint
async def reset(request: Request) -> dict[str, Any]:
    session = session_of(request)
    only(await read_json(request), ())
    async with session.lock:
        await sessions_of(request).run(session.reset)
        return await sessions_of(request).run(session.frame)


@endpoint
async def configure(request: Request) -> dict[str, Any]:
    session = session_of(request)
    body = await read_json(request)
    only(body, ("config", "epochs"))
    config = PlaygroundConfig.parse(body.get("config", {}))
    async with session.lock:
        await sessions_of(request).run(session.configure, config)
        await train(request, session, _epochs(body, session, 0))
        return await state(request, session)


@endpoint
async def set_weight(request: Request) -> dict[str, Any]:
    """Set one weight or bias of the live network: ``{layer, neuron, input, value}``."""
    session = session_of(request)
    body = await read_json(request)
    async with session.lock:
        session.set_weight(body)
        return await sessions_of(request).run(session.frame)


@endpoint
async def read_csv(request: Request) -> dict[str, Any]:
    """Points from CSV text ``{"text": "x1,x2,label\\n..."}``, or a message naming the bad row."""
    body = await read_json(request)
    only(body, ("text",))
    return {"points": [list(p) for p in parse_csv(body.get("text"))]}


@endpoint
async def delete_session(request: Request) -> dict[str, Any]:
    session = session_of(request)
    sessions_of(request).remove(session.id)
    return {"deleted": session.id}


@endpoint
async def export(request: Request) -> dict[str, Any]:
    session = session_of(request)
    name = session.filename(MODEL_SUFFIX)
    return {"filename": name, "code": session.python_code(name),
            "download": f"/api/sessions/{session.id}/model"}


@endpoint
async def model_file(request: Request) -> Response:
    from ... import io as model_io

    session = session_of(request)
    async with session.lock:
        data = model_io.model_to_bytes(session.model)
        name = session.filename(MODEL_SUFFIX)
    return Response(data, media_type="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})

