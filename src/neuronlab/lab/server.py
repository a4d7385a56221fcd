"""The lab's web server: a JSON API over the library, a WebSocket stream, the page.

``create_app()`` returns a Starlette app. Every number the page shows comes from
here: ``/api/neuron``, ``/api/layer`` and ``/api/batch`` compute the three explorer
views; ``/api/sessions`` holds playground sessions, which train server-side and
stream snapshots over ``/api/sessions/{id}/stream`` while the page watches. A
session ends when its page's socket closes.

Safety for a server on a learner's machine: it answers only requests whose ``Host``
header names the local address it serves (so a web page elsewhere cannot reach it
through DNS rebinding), refuses cross-site ``Origin`` headers on anything that changes
state, bounds every size it accepts (:mod:`neuronlab.lab.schema`), and answers bad
input with a 4xx JSON ``{"error": "..."}`` that says what is wrong.

>>> app = create_app()
>>> sorted(route.path for route in app.routes if route.path.startswith("/api/s"))[:2]
['/api/sessions', '/api/sessions/{id}']
>>> _split_host("127.0.0.1:8000"), _split_host("[::1]")
(('127.0.0.1', 8000), ('[::1]', None))
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from .. import __version__
from ..errors import NeuronlabError
from . import views
from .schema import (
    DATASETS,
    HIDDEN_ACTIVATIONS,
    LIMITS,
    NEURON_ACTIVATIONS,
    OPTIMIZERS,
    BadRequest,
    choice,
    descriptions,
    integer,
    obj,
    only,
)
from .sessions import PlaygroundConfig, Session, Sessions

STATIC = Path(__file__).parent / "static"
LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})
FRAME_PERIOD = 0.05  # seconds between frames while playing (20 frames/s)
TRAIN_BUDGET = 0.03  # seconds of training per frame at most
EPOCHS_PER_FRAME = 10  # and at most this many epochs, so a learner sees it happen
MODEL_SUFFIX = ".npz"  # the save format of neuronlab.io: JSON config + arrays in one .npz


# --------------------------------------------------------------------------- guard
def _split_host(host: str) -> tuple[str, int | None]:
    """``"localhost:8000"`` -> ``("localhost", 8000)``; ``"[::1]"`` -> ``("[::1]", None)``."""
    name, sep, port = host.rpartition(":")
    if not sep or name.endswith(":") or (name.startswith("[") and not name.endswith("]")) \
            or (not name.startswith("[") and ":" in name):
        return host.lower(), None
    if not port.isdigit():
        return host.lower(), -1
    return name.lower(), int(port)


class LocalOnly:
    """ASGI middleware: the DNS-rebinding guard (Host) and cross-site guard (Origin).

    A request passes when its ``Host`` is one of ``names`` with the port the server
    listens on; a WebSocket or a state-changing request that carries an ``Origin``
    must come from such an address too.
    """

    def __init__(self, app: ASGIApp, names: frozenset[str], testing: bool = False) -> None:
        self.app = app
        self.names = names
        self.testing = testing

    def _host_ok(self, name: str, port: int | None, served: int | None) -> bool:
        if self.testing and name == "testserver" and port is None:
            return True
        if name not in self.names:
            return False
        return served is None or (port or 80) == served

    def problem(self, scope: Scope) -> tuple[int, str] | None:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        server = scope.get("server")
        served = int(server[1]) if server and server[1] is not None else None
        host = headers.get("host", "")
        name, port = _split_host(host)
        if not self._host_ok(name, port, served):
            where = f"localhost:{served}" if served else "localhost"
            return 400, (f"Host header {host!r} is not allowed: the lab answers only requests "
                         f"addressed to this machine ({where} or 127.0.0.1). Open the address "
                         f"that `neuronlab lab` printed.")
        origin = headers.get("origin")
        changes_state = scope["type"] == "websocket" or scope.get("method") not in (
            "GET", "HEAD", "OPTIONS")
        if origin is not None and changes_state:
            parts = urlsplit(origin)
            origin_name = (f"[{parts.hostname}]" if parts.hostname and ":" in parts.hostname
                           else parts.hostname or "")
            try:
                origin_port = parts.port
            except ValueError:
                origin_port = -1
            if parts.scheme not in ("http", "https") or not self._host_ok(
                    origin_name, origin_port, served):
                return 403, (f"Origin {origin!r} is not allowed: only the lab's own page "
                             "may change its state.")
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            found = self.problem(scope)
            if found is not None:
                status, message = found
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008, "reason": message[:120]})
                    return
                await JSONResponse({"error": message}, status_code=status)(scope, receive, send)
                return
        await self.app(scope, receive, send)


# --------------------------------------------------------------------------- helpers
async def read_json(request: Request) -> dict[str, Any]:
    """The request's JSON object body, bounded in size."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise BadRequest(
            f"Send the body as JSON with 'Content-Type: application/json', got "
            f"{content_type or 'no content type'!r}.", status=415)
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > LIMITS.body_bytes):
        raise BadRequest(f"The request body is larger than {LIMITS.body_bytes} bytes.", 413)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > LIMITS.body_bytes:
            raise BadRequest(f"The request body is larger than {LIMITS.body_bytes} bytes.", 413)
    if not body:
        return {}
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise BadRequest(f"The request body is not valid JSON: {exc}.") from None
    return obj(data)


Handler = Callable[[Request], Awaitable[Any]]


def api(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap an endpoint: its result becomes JSON; a user's mistake becomes a 4xx answer."""

    async def endpoint(request: Request) -> Response:
        try:
            result = await handler(request)
        except BadRequest as exc:
            return JSONResponse({"error": str(exc)}, status_code=exc.status)
        except NeuronlabError as exc:  # the library refused a value the user chose
            return JSONResponse({"error": str(exc)}, status_code=400)
        return result if isinstance(result, Response) else JSONResponse(result)

    return endpoint


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = exc.detail
    if exc.status_code == 404:
        detail = f"Nothing at {request.url.path}; the lab's API lives under /api (see /api/meta)."
    elif exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}."
    return JSONResponse({"error": detail}, status_code=exc.status_code, headers=exc.headers)


# --------------------------------------------------------------------------- app
def create_app(*, testing: bool = False, host: str | None = None) -> Starlette:
    """The lab as a Starlette app.

    ``host`` is the address it is served on (added to the names the Host guard
    accepts when it is not a loopback name); ``testing=True`` also accepts the
    ``testserver`` host of Starlette's TestClient.
    """
    sessions = Sessions()
    names = set(LOCAL_NAMES)
    if host and host not in ("0.0.0.0", "::", ""):
        names.add(f"[{host.lower()}]" if ":" in host else host.lower())

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

    async def meta(request: Request) -> dict[str, Any]:
        return {
            "version": __version__,
            "limits": asdict(LIMITS),
            "neuron_activations": list(NEURON_ACTIVATIONS),
            "hidden_activations": list(HIDDEN_ACTIVATIONS),
            "datasets": list(DATASETS),
            "optimizers": list(OPTIMIZERS),
            "descriptions": descriptions(),
            "defaults": {
                "neuron": views.DEFAULT_NEURON,
                "layer": views.DEFAULT_LAYER,
                "batch": {"X": views.DEFAULT_BATCH},
                "playground": PlaygroundConfig().as_dict(),
            },
        }

    async def neuron(request: Request) -> dict[str, Any]:
        return views.neuron_view(await read_json(request))

    async def layer(request: Request) -> dict[str, Any]:
        return views.layer_view(await read_json(request))

    async def batch(request: Request) -> dict[str, Any]:
        return views.batch_view(await read_json(request))

    def _epochs(body: dict[str, Any], session: Session, default: int) -> int:
        epochs = integer(body.get("epochs", default), "epochs", 0, LIMITS.epochs_per_request)
        return session.check_epochs(epochs)

    async def _train(session: Session, epochs: int) -> None:
        if epochs:
            await anyio.to_thread.run_sync(session.train, epochs)

    def _state(session: Session) -> dict[str, Any]:
        return {"id": session.id, "data": session.data(), "frame": session.frame()}

    async def create_session(request: Request) -> Response:
        body = await read_json(request)
        only(body, ("config", "epochs"))
        config = PlaygroundConfig.parse(body.get("config", {}))
        session = sessions.create(config)
        try:
            async with session.lock:
                await _train(session, _epochs(body, session, 0))
                state = _state(session)
        except BaseException:
            sessions.remove(session.id)
            raise
        return JSONResponse(state, status_code=201)

    async def get_session(request: Request) -> dict[str, Any]:
        session = sessions.get(request.path_params["id"])
        async with session.lock:
            return _state(session)

    async def step(request: Request) -> dict[str, Any]:
        session = sessions.get(request.path_params["id"])
        body = await read_json(request)
        only(body, ("epochs",))
        async with session.lock:
            session.playing = False
            await _train(session, _epochs(body, session, 1))
            return session.frame()

    async def reset(request: Request) -> dict[str, Any]:
        session = sessions.get(request.path_params["id"])
        only(await read_json(request), ())
        async with session.lock:
            session.reset()
            return session.frame()

    async def configure(request: Request) -> dict[str, Any]:
        session = sessions.get(request.path_params["id"])
        body = await read_json(request)
        only(body, ("config", "epochs"))
        config = PlaygroundConfig.parse(body.get("config", {}))
        async with session.lock:
            session.configure(config)
            await _train(session, _epochs(body, session, 0))
            return _state(session)

    async def delete_session(request: Request) -> dict[str, Any]:
        session = sessions.get(request.path_params["id"])
        sessions.remove(session.id)
        return {"deleted": session.id}

    async def export(request: Request) -> dict[str, Any]:
        session = sessions.get(request.path_params["id"])
        name = session.filename(MODEL_SUFFIX)
        return {"filename": name, "code": session.python_code(name),
                "download": f"/api/sessions/{session.id}/model"}

    async def model_file(request: Request) -> Response:
        from .. import io as model_io

        session = sessions.get(request.path_params["id"])
        async with session.lock:
            data = model_io.model_to_bytes(session.model)
            name = session.filename(MODEL_SUFFIX)
        return Response(data, media_type="application/octet-stream",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    async def stream(websocket: WebSocket) -> None:
        await _stream(websocket, sessions)

    routes = [
        Route("/", index),
        Route("/api/meta", api(meta)),
        Route("/api/neuron", api(neuron), methods=["POST"]),
        Route("/api/layer", api(layer), methods=["POST"]),
        Route("/api/batch", api(batch), methods=["POST"]),
        Route("/api/sessions", api(create_session), methods=["POST"]),
        Route("/api/sessions/{id}", api(get_session), methods=["GET"]),
        Route("/api/sessions/{id}", api(delete_session), methods=["DELETE"]),
        Route("/api/sessions/{id}/step", api(step), methods=["POST"]),
        Route("/api/sessions/{id}/reset", api(reset), methods=["POST"]),
        Route("/api/sessions/{id}/config", api(configure), methods=["POST"]),
        Route("/api/sessions/{id}/export", api(export), methods=["GET"]),
        Route("/api/sessions/{id}/model", api(model_file), methods=["GET"]),
        WebSocketRoute("/api/sessions/{id}/stream", stream),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
    app.state.sessions = sessions
    app.add_middleware(LocalOnly, names=frozenset(names), testing=testing)
    return app


# --------------------------------------------------------------------------- stream
async def _stream(websocket: WebSocket, sessions: Sessions) -> None:
    """Send frames while the page says "play"; end the session when the page goes away.

    The page sends ``{"cmd": "play"}``, ``{"cmd": "pause"}`` or ``{"cmd": "step"}``;
    the server sends frames (``{"type": "frame", ...}``) and errors
    (``{"type": "error", "error": "..."}``).
    """
    await websocket.accept()
    try:
        session = sessions.get(websocket.path_params["id"])
    except BadRequest as exc:
        await websocket.send_json({"type": "error", "error": str(exc)})
        await websocket.close(code=4404)
        return
    if session.watched:
        await websocket.send_json({"type": "error",
                                   "error": "Another page already watches this session."})
        await websocket.close(code=4409)
        return
    session.watched = True
    send_lock = asyncio.Lock()

    async def send_frame(train_epochs: int = 0, seconds: float | None = None) -> dict[str, Any]:
        async with session.lock:
            if train_epochs:
                await anyio.to_thread.run_sync(session.train, train_epochs, seconds)
            frame = session.frame()
        async with send_lock:
            await websocket.send_json(frame)
        return frame

    async def play() -> None:
        loop = asyncio.get_running_loop()
        while session.playing:
            started = loop.time()
            frame = await send_frame(EPOCHS_PER_FRAME, TRAIN_BUDGET)
            if frame["diverged"]:
                session.playing = False
                await send_frame()
                break
            await asyncio.sleep(max(0.0, FRAME_PERIOD - (loop.time() - started)))

    player: asyncio.Task[None] | None = None
    try:
        await send_frame()
        while True:
            text = await websocket.receive_text()
            try:
                if len(text) > LIMITS.message_bytes:
                    raise BadRequest(f"Messages are limited to {LIMITS.message_bytes} bytes.")
                try:
                    message = obj(json.loads(text), "a message")
                except (ValueError, RecursionError) as exc:
                    if isinstance(exc, BadRequest):
                        raise
                    raise BadRequest(f"A message must be JSON, got {text[:40]!r}.") from None
                only(message, ("cmd",))
                command = choice(message.get("cmd"), "cmd", ("play", "pause", "step"))
            except BadRequest as exc:
                async with send_lock:
                    await websocket.send_json({"type": "error", "error": str(exc)})
                continue
            if command == "play" and not session.diverged:
                session.playing = True
                if player is None or player.done():
                    player = asyncio.create_task(play())
            elif command == "pause":
                session.playing = False
                if player is not None:
                    with contextlib.suppress(Exception):
                        await player
                await send_frame()
            elif command == "step" and not session.playing:
                await send_frame(1)
    except WebSocketDisconnect:
        pass
    finally:
        session.playing = False
        if player is not None:
            player.cancel()
            with contextlib.suppress(BaseException):
                await player
        session.watched = False
        sessions.remove(session.id)
