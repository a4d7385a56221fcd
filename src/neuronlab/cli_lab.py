"""``neuronlab lab``: serve the local web lab and open it in a browser."""

from __future__ import annotations

import argparse
import errno
import socket
import threading
import webbrowser
from typing import Any

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def register(subparsers: Any) -> None:
    """Add the ``lab`` command to the ``neuronlab`` parser."""
    lab = subparsers.add_parser(
        "lab", help="open the web lab: neuron, layer, batch and a live playground")
    lab.add_argument("--host", default="127.0.0.1",
                     help="address to listen on (127.0.0.1: only this machine)")
    lab.add_argument("--port", type=int, default=8000,
                     help="port to listen on (8000; 0 picks a free one)")
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser")
    lab.set_defaults(func=cmd_lab)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, or an error that says what to do instead.

    >>> sock = bind("127.0.0.1", 0)
    >>> sock.getsockname()[1] > 0
    True
    >>> sock.close()
    """
    if not 0 <= port <= 65535:
        raise ValueError(f"--port must be between 0 and 65535, got {port}.")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on sockets
    # that say they are TCP, and with it on, each keep-alive answer waits ~40 ms.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ValueError(
                f"Port {port} on {host} is already in use (another lab or program?). Start "
                f"the lab on another port, e.g. `neuronlab lab --port {port + 1}`, or let it "
                "pick a free one with `--port 0`."
            ) from None
        raise ValueError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}.") from None
    sock.listen(128)
    sock.setblocking(False)
    return sock


def ws_protocol() -> str:
    """uvicorn's WebSocket implementation: the sans-I/O one of ``websockets`` if present."""
    try:
        import websockets  # noqa: F401
    except ImportError:
        return "auto"  # wsproto, if installed; without either the playground cannot stream
    return "websockets-sansio"


def cmd_lab(args: argparse.Namespace, console: Any) -> int:
    import uvicorn

    from .lab import create_app

    sock = bind(args.host, args.port)
    port = sock.getsockname()[1]
    shown = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '::') else shown}:{port}/"
    if args.port == 0:
        console.print(f"Port 0 asked for a free port: using port {port}.")
    if args.host not in LOOPBACK:
        console.print(f"[bold yellow]warning:[/] listening on {args.host}, not only on this "
                      "machine; the lab still answers only requests addressed to "
                      f"{args.host} or localhost.")
    console.print(f"neuronlab lab: open [bold]{url}[/]  (press Ctrl+C to stop)")
    config = uvicorn.Config(create_app(host=args.host), log_level="warning",
                            ws=ws_protocol(), ws_max_size=64 * 1024,
                            h11_max_incomplete_event_size=64 * 1024)
    server = uvicorn.Server(config)
    if not args.no_browser:
        def open_when_ready() -> None:
            for _ in range(100):
                if server.started:
                    webbrowser.open(url)
                    return
                threading.Event().wait(0.05)

        threading.Thread(target=open_when_ready, daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0
