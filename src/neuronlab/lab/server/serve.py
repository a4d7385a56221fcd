"""Serving the lab with uvicorn: the connection limits and the HTTP protocol with timeouts.

uvicorn waits forever for a request's headers by default, so a client that sends half
a request holds a connection (and a file descriptor) for good. :class:`TimedH11Protocol`
gives every request :data:`REQUEST_SECONDS` from its first byte to its last (headers and
body); a request not complete by then is answered ``408`` and the connection closed.
A connection that never sends a byte is closed after the same time.

uvicorn answers ``503`` to every request once :data:`MAX_CONNECTIONS` connections are
open, and idle ones count: a flood of idle or half-sent connections, or of WebSockets
the lab closed while their client never answers the close, would lock the page out
while they last. So when a new connection comes in and fewer than :data:`ROOM` places
are left, the connections that wait on nothing (idle between requests, a request
still arriving, a WebSocket past its close) are closed at once, longest-idle first,
until there is room; a request being answered is never touched. A WebSocket the lab
closed waits :data:`WS_CLOSE_SECONDS` for its client's close frame, no longer.

>>> from neuronlab.lab import create_app
>>> config = uvicorn_config(create_app(token="t"))
>>> config.http.request_timeout, config.ws_max_size
(5.0, 65536)
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from .schema import LIMITS

REQUEST_SECONDS = 5.0  # from a request's first byte to its last
WS_MAX_BYTES = 64 * 1024  # one WebSocket message (the stream closes it with 1009 above 4 KiB)
HEADER_BYTES = 64 * 1024  # a request's line and headers
MAX_CONNECTIONS = 200  # open connections and running requests; more get 503
ROOM = 16  # places kept free for new requests: idle connections give theirs up
WS_CLOSE_SECONDS = 1.0  # how long a closed WebSocket waits for the client's close frame


def one_blas_thread() -> None:
    """Run this process's NumPy matrix products on one thread (the whole process, from now).

    The lab's networks are small: a second BLAS thread does not make their products
    faster, and when other programs keep the cores busy (the learner's kernels, a
    browser, a class on one server) BLAS threads that wait on each other slow them down
    many times. Lesson 13's conv net trains an epoch in 2.1 s with one thread or two on
    an idle machine of 2 cores, but with two busy processes beside it in 3.2 s with one
    and 7.1 s with two. The learner's own kernels are other processes: not limited."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def _waiting_since(protocol: Any) -> float | None:
    """When a connection started to wait on nothing; None while it is busy or closing."""
    since = getattr(protocol, "waiting_since", None)
    return since() if callable(since) else None


def make_room(connections: set[Any], limit: int | None, newcomer: Any) -> int:
    """Close waiting connections (longest first) until :data:`ROOM` places are free."""
    if limit is None:
        return 0
    live = [p for p in connections if not p.transport.is_closing()]
    excess = len(live) - (limit - ROOM)
    if excess <= 0:
        return 0
    waiting = sorted(((since, id(p), p) for p in live if p is not newcomer
                      and (since := _waiting_since(p)) is not None), key=lambda t: t[:2])
    for _, _, protocol in waiting[:excess]:
        protocol.transport.abort()  # nothing of theirs is in flight; no lingering close
    return min(excess, len(waiting))


class TimedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, plus a deadline for receiving each whole request."""

    request_timeout = REQUEST_SECONDS

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._deadline: asyncio.TimerHandle | None = None
        self._upgraded = False
        self._idle_at = self.loop.time()
        super().connection_made(transport)
        make_room(self.connections, self.limit_concurrency, self)
        self._watch()

    def waiting_since(self) -> float | None:
        """Since when this connection runs no request (idle, or one still arriving)."""
        if self._upgraded or self.transport.is_closing():
            return None
        if self.cycle is not None and not self.cycle.response_complete:
            return None
        return self._idle_at

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._idle_at = self.loop.time()
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def handle_websocket_upgrade(self, event: h11.Request) -> None:
        """The connection becomes a WebSocket: no request deadline applies to it any more.

        h11 still thinks the upgrade request's body is arriving, so without this the
        deadline would write a 408 into the socket's frames a few seconds later.
        """
        self._upgraded = True
        self._disarm()
        super().handle_websocket_upgrade(event)

    def _watch(self) -> None:
        """Arm the deadline while a request is still arriving; disarm once it is in."""
        if self._upgraded or self.transport.is_closing():
            self._disarm()
        elif self.conn.their_state in (h11.IDLE, h11.SEND_BODY):
            if self._deadline is None:
                self._deadline = self.loop.call_later(self.request_timeout, self._expired)
        else:  # the whole request is in (or the connection switched to a WebSocket)
            self._disarm()

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if self._upgraded or self.transport.is_closing() \
                or self.conn.their_state not in (h11.IDLE, h11.SEND_BODY):
            return
        answered = (self.conn.their_state is h11.SEND_BODY and self.cycle is not None
                    and self.cycle.response_started)
        started = self.conn.their_state is h11.SEND_BODY or self.conn.trailing_data[0]
        if started and not answered:
            message = (f"The request did not arrive within {self.request_timeout:g} s; "
                       "send the whole request at once.\n").encode()
            self.transport.write(
                b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8"
                b"\r\nconnection: close\r\ncontent-length: " + str(len(message)).encode()
                + b"\r\n\r\n" + message)
        self.transport.close()


def timed_protocol(seconds: float) -> type[TimedH11Protocol]:
    """:class:`TimedH11Protocol` with another deadline (tests use a short one)."""
    return type("TimedH11Protocol", (TimedH11Protocol,), {"request_timeout": float(seconds)})


def ws_protocol() -> type[asyncio.Protocol] | str:
    """uvicorn's WebSocket implementation: the sans-I/O one of ``websockets`` if present.

    uvicorn logs a traceback when a text message is not UTF-8; the lab's subclass closes
    such a socket with 1007 and a reason, and logs nothing.
    """
    try:
        from uvicorn.protocols.websockets.websockets_sansio_impl import (
            WebSocketsSansIOProtocol,
        )
    except ImportError:
        return "auto"  # wsproto, if installed; without either the playground cannot stream

    class LabWebSocketProtocol(WebSocketsSansIOProtocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.close_timeout = WS_CLOSE_SECONDS
            self._closed_at: float | None = None

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(transport)
            make_room(self.connections, self.config.limit_concurrency, self)

        def waiting_since(self) -> float | None:
            """A socket the lab closed waits on its client only: the first to go."""
            if not self.close_sent or self.transport.is_closing():
                return None
            if self._closed_at is None:
                self._closed_at = self.loop.time()
            return self._closed_at - 1e6  # before every idle HTTP connection

        def send_receive_event_to_app(self) -> None:
            if self.curr_msg_data_type == "text" and not self.close_sent:
                try:
                    b"".join(self.frames).decode()
                except UnicodeDecodeError:
                    self.frames = []
                    self.conn.send_close(1007, "Text messages must be UTF-8 JSON.")
                    self.handle_parser_exception()
                    return
            super().send_receive_event_to_app()

    return LabWebSocketProtocol


def uvicorn_config(app: Any, request_seconds: float = REQUEST_SECONDS,
                   **options: Any) -> uvicorn.Config:
    """The uvicorn settings of the lab (``options`` override them, e.g. ``log_config``)."""
    settings: dict[str, Any] = {
        "http": timed_protocol(request_seconds),
        "ws": ws_protocol(),
        "ws_max_size": WS_MAX_BYTES,
        "h11_max_incomplete_event_size": HEADER_BYTES,
        "limit_concurrency": MAX_CONNECTIONS,
        "timeout_keep_alive": 5,
        "log_level": "warning",
        "lifespan": "off",
        "server_header": False,
    }
    settings.update(options)
    assert LIMITS.body_bytes <= WS_MAX_BYTES
    return uvicorn.Config(app, **settings)
