"""The training stream: ``/api/sessions/{id}/stream``, a WebSocket per playground page.

The page sends ``{"cmd": "play"}``, ``{"cmd": "pause"}`` or ``{"cmd": "step"}`` as text;
the server sends frames (``{"type": "frame", ...}``) and errors (``{"type": "error",
"error": "..."}``). Training and frames are computed in worker threads, never on the
event loop. A message of the wrong kind (binary, too large) closes the socket with a
close code and a reason. When the page goes away, training stops (within an epoch)
and the session ends.

While playing, training goes on between frames and a frame is made every
:data:`FRAME_PERIOD` seconds, with at most :data:`EPOCHS_PER_FRAME` epochs between two
(so the learner sees it happen). A page that answers each frame it has drawn with
``{"cmd": "drawn"}`` never has more than :data:`IN_FLIGHT` frames waiting: the server
trains on meanwhile and sends the next frame once the page has caught up. Each frame
leaves out what the page already shows (:meth:`Session.frame_for`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

try:  # sending after the page left raises this (older Starlette: RuntimeError)
    from starlette.websockets import WebSocketDisconnected
except ImportError:  # pragma: no cover
    WebSocketDisconnected = RuntimeError  # type: ignore[misc, assignment]

from ..server.schema import LIMITS, BadRequest, choice, obj, only
from .session import Session, Sessions
from .wire import PLAY_TOLERANCE, Seen

FRAME_PERIOD = 1 / 30  # seconds between frames while playing (30 frames/s: 20 with a margin)
TRAIN_SLICE = 0.03  # seconds of training per worker call at most, between two looks
EPOCHS_PER_FRAME = 10  # at most this many epochs between two frames, so a learner sees it
IN_FLIGHT = 2  # frames a page that says "drawn" may have sent to it but not drawn yet
UNSUPPORTED_DATA = 1003  # WebSocket close codes (RFC 6455)
TOO_BIG = 1009
COMMANDS = ("play", "pause", "step", "drawn")


def parse_command(text: str) -> str:
    """A page's message -> ``"play"``, ``"pause"``, ``"step"`` or ``"drawn"`` (or
    :class:`BadRequest`)."""
    try:
        message = obj(json.loads(text), "a message")
    except BadRequest:
        raise
    except (ValueError, RecursionError):
        raise BadRequest(f"A message must be JSON, got {text[:40]!r}.") from None
    only(message, ("cmd",))
    return choice(message.get("cmd"), "cmd", COMMANDS)


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
        self.seen = Seen()  # what the page already shows
        self.sent = 0  # frames sent
        self.drawn: int | None = None  # frames the page said it drew (None: it never says)
        self.caught_up = asyncio.Event()  # set when the page draws a frame
        self.frame_seconds = 0.0  # how long the last frame took to make

    def behind(self) -> bool:
        """The page has :data:`IN_FLIGHT` frames it has not drawn yet."""
        return self.drawn is not None and self.sent - self.drawn >= IN_FLIGHT

    async def send_frame(self, epochs: int = 0, seconds: float | None = None) -> dict[str, Any]:
        """Train ``epochs`` (within ``seconds``), then send a frame of what the page lacks."""
        session = self.session
        # A frame is a playing frame or the exact paused one, as the state was when it was
        # begun: a pause that arrives while a playing frame is made gets its own frame next.
        playing = session.playing
        tolerance = PLAY_TOLERANCE if playing else 0  # exact once paused

        def work() -> tuple[dict[str, Any], str]:
            if epochs:
                session.train(epochs, seconds, self.stop)
            started = time.perf_counter()
            frame = session.frame_for(self.seen, tolerance)
            frame["playing"] = playing and not session.diverged
            text = json.dumps(frame, separators=(",", ":"))  # off the event loop too
            self.frame_seconds = time.perf_counter() - started
            return frame, text

        async with session.lock:
            frame, text = await self.sessions.run(work)
        async with self.send_lock:
            await self.websocket.send_text(text)
        self.sent += 1
        return frame

    async def train(self, epochs: int, seconds: float) -> int:
        """Train on between two frames; the number of epochs that ran."""
        async with self.session.lock:
            return await self.sessions.run(self.session.train, epochs, seconds, self.stop)

    async def play(self) -> None:
        loop = asyncio.get_running_loop()
        due = loop.time()  # when the next frame is due
        pending = 0  # epochs trained since the last frame
        while self.session.playing:
            now = loop.time()
            ready = not self.behind()
            left = due - self.frame_seconds - now  # training time before the next frame
            if ready and pending and (left <= 0 or pending >= EPOCHS_PER_FRAME):
                if left > 0:  # the epochs of this frame are done early: wait for its time
                    await asyncio.sleep(left)
                    if not self.session.playing:
                        break  # paused meanwhile: the pause sends the frame
                frame = await self.send_frame()
                pending = 0
                # a late frame makes the next one come sooner, not the rate drop
                due = max(due + FRAME_PERIOD, loop.time() - FRAME_PERIOD / 2)
                if frame["diverged"]:
                    self.session.playing = False
                    await self.send_frame()
                    break
            elif pending < EPOCHS_PER_FRAME:
                seconds = min(TRAIN_SLICE, left) if ready else TRAIN_SLICE
                pending += await self.train(EPOCHS_PER_FRAME - pending, max(seconds, 0.0))
                if self.session.diverged:
                    pending = EPOCHS_PER_FRAME  # show it at once
                    due = loop.time()
            else:  # the page is behind: wait until it has drawn a frame
                self.caught_up.clear()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self.caught_up.wait(), 0.25)

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
                if command == "drawn":
                    self.drawn = min(self.sent, (self.drawn or 0) + 1)
                    self.caught_up.set()
                elif command == "play" and not session.diverged:
                    session.playing = True
                    if self.player is None or self.player.done():
                        self.player = asyncio.create_task(self.play())
                elif command == "pause":
                    session.playing = False
                    self.caught_up.set()
                    if self.player is not None:
                        with contextlib.suppress(Exception):
                            await self.player
                    await self.send_frame()
                elif command == "step" and not session.playing:
                    await self.send_frame(1)
        except (WebSocketDisconnect, WebSocketDisconnected):
            pass  # the page went away, even while a frame was on its way
        finally:
            self.stop.set()
            session.playing = False
            if self.player is not None:
                self.player.cancel()
                with contextlib.suppress(BaseException):
                    await self.player
