"""The training stream: ``/api/sessions/{id}/stream``, a WebSocket per playground page.

The page sends ``{"cmd": "play"}``, ``{"cmd": "pause"}`` or ``{"cmd": "step"}`` as text;
the server sends frames (``{"type": "frame", ...}``) and errors (``{"type": "error",
"error": "..."}``). Training and frames are computed in worker threads, never on the
event loop. A message of the wrong kind (binary, too large) closes the socket with a
close code and a reason. When the page goes away, training stops (within an epoch)
and the session ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from .schema import LIMITS, BadRequest, choice, obj, only
from .sessions import Session, Sessions

FRAME_PERIOD = 0.05  # seconds between frames while playing (20 frames/s)
TRAIN_BUDGET = 0.03  # seconds of training per frame at most
EPOCHS_PER_FRAME = 10  # and at most this many epochs, so a learner sees it happen
UNSUPPORTED_DATA = 1003  # WebSocket close codes (RFC 6455)
TOO_BIG = 1009


def parse_command(text: str) -> str:
    """A page's message -> ``"play"``, ``"pause"`` or ``"step"`` (or :class:`BadRequest`)."""
    try:
        message = obj(json.loads(text), "a message")
    except BadRequest:
        raise
    except (ValueError, RecursionError):
        raise BadRequest(f"A message must be JSON, got {text[:40]!r}.") from None
    only(message, ("cmd",))
    return choice(message.get("cmd"), "cmd", ("play", "pause", "step"))


async def stream(websocket: WebSocket) -> None:
    """Send frames while the page says "play"; end the session when the page goes away."""
    sessions: Sessions = websocket.app.state.sessions
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
    try:
        await Watcher(websocket, sessions, session).run()
    finally:
        session.watched = False
        sessions.remove(session.id)


class Watcher:
    """One page watching one session over one socket."""

    def __init__(self, websocket: WebSocket, sessions: Sessions, session: Session) -> None:
        self.websocket = websocket
        self.sessions = sessions
        self.session = session
        self.send_lock = asyncio.Lock()
        self.stop = threading.Event()  # set when the page leaves: training stops
        self.player: asyncio.Task[None] | None = None
        self.sent: tuple[int, int] | None = None  # (generation, curve points) the page has

    async def send_frame(self, epochs: int = 0, seconds: float | None = None) -> dict[str, Any]:
        session = self.session

        def work() -> dict[str, Any]:
            if epochs:
                session.train(epochs, seconds, self.stop)
            # Send each curve point once: the page appends them to what it has.
            same = self.sent is not None and self.sent[0] == session.generation \
                and self.sent[1] <= len(session.curves["train"])
            frame = session.frame(self.sent[1] if same and self.sent else None)
            self.sent = (session.generation, len(session.curves["train"]))
            return frame

        async with session.lock:
            frame = await self.sessions.run(work)
        async with self.send_lock:
            await self.websocket.send_json(frame)
        return frame

    async def play(self) -> None:
        loop = asyncio.get_running_loop()
        while self.session.playing:
            started = loop.time()
            frame = await self.send_frame(EPOCHS_PER_FRAME, TRAIN_BUDGET)
            if frame["diverged"]:
                self.session.playing = False
                await self.send_frame()
                break
            await asyncio.sleep(max(0.0, FRAME_PERIOD - (loop.time() - started)))

    async def receive_text(self) -> str | None:
        """The next text message; ``None`` once the socket is closed (by either side)."""
        message = await self.websocket.receive()
        if message["type"] == "websocket.disconnect":
            return None
        text = message.get("text")
        if text is None:
            await self.websocket.close(UNSUPPORTED_DATA, "The stream takes text (JSON) "
                                       "messages such as {\"cmd\": \"play\"}, not binary.")
            return None
        if len(text) > LIMITS.message_bytes:
            await self.websocket.close(TOO_BIG, f"Messages are limited to "
                                       f"{LIMITS.message_bytes} bytes.")
            return None
        return str(text)

    async def run(self) -> None:
        session = self.session
        try:
            await self.send_frame()
            while (text := await self.receive_text()) is not None:
                try:
                    command = parse_command(text)
                except BadRequest as exc:
                    async with self.send_lock:
                        await self.websocket.send_json({"type": "error", "error": str(exc)})
                    continue
                if command == "play" and not session.diverged:
                    session.playing = True
                    if self.player is None or self.player.done():
                        self.player = asyncio.create_task(self.play())
                elif command == "pause":
                    session.playing = False
                    if self.player is not None:
                        with contextlib.suppress(Exception):
                            await self.player
                    await self.send_frame()
                elif command == "step" and not session.playing:
                    await self.send_frame(1)
        except WebSocketDisconnect:
            pass
        finally:
            self.stop.set()
            session.playing = False
            if self.player is not None:
                self.player.cancel()
                with contextlib.suppress(BaseException):
                    await self.player
