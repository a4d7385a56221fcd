"""``neuronlab lab``: serve the local web lab and open it in a browser."""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
import threading
import webbrowser
from pathlib import Path
from typing import Any

LOOPBACK = ("127.0.0.1", "localhost", "::1")
TOKEN_VARIABLE = "NEURONLAB_LAB_TOKEN"
SWITCH_INTERVAL = 0.001  # seconds a thread may hold the GIL while another waits


def register(subparsers: Any) -> None:
    """Add the ``lab`` command to the ``neuronlab`` parser."""
    lab = subparsers.add_parser(
        "lab", help="open the web lab: neuron, layer, batch and a live playground")
    lab.add_argument("--host", default="127.0.0.1",
                     help="address to listen on (127.0.0.1: only this machine)")
    lab.add_argument("--port", type=int, default=8000,
                     help="port to listen on (default: 8000; 0 picks a free one)")
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser")
    lab.add_argument("--token", default=None,
                     help=f"the token the lab asks for (default: ${TOKEN_VARIABLE}, else a "
                          "random one per launch); other users can see command lines, so "
                          "prefer the environment variable")
    lab.add_argument("--workspace", default=None, metavar="DIR",
                     help="folder that keeps your course progress: recall answers, solved "
                          "exercises (default: the one `neuronlab learn` uses: "
                          "$NEURONLAB_WORKSPACE, a learn workspace here or above, "
                          "./neuronlab-exercises, else ~/.neuronlab/course)")
    lab.add_argument("--unix-socket", default=None, metavar="PATH",
                     help="serve on a unix socket (mode 0600) instead of a port, behind "
                          "JupyterHub's proxy, which passes the token as a header; the token "
                          f"must come from ${TOKEN_VARIABLE} (see docs/classroom.md)")
    lab.add_argument("--allow-origin", action="append", default=None, metavar="URL",
                     help="with --unix-socket: the hub's address, e.g. https://hub.school.edu, "
                          "repeated for more (default: $NEURONLAB_HUB_ORIGINS, else the public "
                          "URL JupyterHub gives, else the page's own host)")
    lab.add_argument("--list", action="store_true",
                     help="print the URLs (with their tokens) of the labs running now")
    lab.add_argument("--prepare", action="store_true",
                     help="run every lesson's code now and keep the pages on disk (in "
                          "$NEURONLAB_CACHE_DIR, else ~/.cache/neuronlab), then exit: labs "
                          "started later open every lesson at once (see docs/classroom.md)")
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


def choose_token(given: str | None) -> str:
    """``--token``, else ``$NEURONLAB_LAB_TOKEN``, else a fresh random token."""
    from ..lab.server.app import new_token

    token = given if given is not None else os.environ.get(TOKEN_VARIABLE)
    if token is None:
        return new_token()
    token = token.strip()
    if not token or not token.isprintable() or " " in token:
        raise ValueError("The lab's token must be a non-empty word without spaces "
                         f"(from --token or ${TOKEN_VARIABLE}); leave both unset for a "
                         "random one.")
    return token


def choose_workspace(given: str | None) -> Path:
    """``--workspace DIR`` (a folder, made when the first answer is saved), else the
    workspace ``neuronlab learn`` uses (:func:`neuronlab.learn.workspace.locate`)."""
    from ..lab.course.recall import default_workspace

    if given is None:
        return default_workspace()
    folder = Path(given).expanduser().resolve()
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"--workspace must be a folder, but {folder} is a file. Give a "
                         "folder (it is created when you first answer a question).")
    return folder


def lab_url(host: str, port: int, token: str) -> str:
    from urllib.parse import quote

    shown = f"[{host}]" if ":" in host else host
    where = "127.0.0.1" if host in ("0.0.0.0", "::") else shown
    return f"http://{where}:{port}/?token={quote(token, safe='')}"


def cmd_list(console: Any) -> int:
    from ..lab.server import runtime

    labs = runtime.running()
    if not labs:
        console.print("No lab is running (start one with `neuronlab lab`).")
        return 0
    console.print("Running labs:")
    for lab in labs:
        console.print(f"{lab['url']}  (process {lab['pid']})", soft_wrap=True, markup=False,
                      highlight=False)
    return 0


def cmd_prepare(console: Any) -> int:
    """``neuronlab lab --prepare``: render every lesson into the cache."""
    from rich.markup import escape

    from ..lab.course import cache, pages
    from ..learn.lessons import LESSONS

    where = cache.prepare(LESSONS, pages.render_lesson, say=console.print)
    if where is None:
        console.print("[bold red]error:[/] no cache folder could be written: "
                      + escape(", ".join(str(f) for f in cache.folders()))
                      + " (each must belong to you or root, and only its owner may write "
                      "to it). Set NEURONLAB_CACHE_DIR to a folder you own.", soft_wrap=True)
        return 1
    console.print(f"The {len(LESSONS)} lessons are ready in {where}.", soft_wrap=True,
                  markup=False)  # the path whole on one line, to copy
    return 0


def cmd_lab(args: argparse.Namespace, console: Any) -> int:
    if args.list:
        return cmd_list(console)
    if args.prepare:
        return cmd_prepare(console)

    import uvicorn

    from ..lab import create_app
    from ..lab.server import runtime
    from ..lab.server.serve import uvicorn_config

    if args.unix_socket is not None:
        return serve_behind_proxy(args, console)
    if args.allow_origin is not None:
        raise ValueError("--allow-origin goes with --unix-socket (a lab behind a proxy); a "
                         "lab on a port answers only pages of this machine.")
    token = choose_token(args.token)
    workspace = choose_workspace(args.workspace)
    sock = bind(args.host, args.port)
    port = sock.getsockname()[1]
    url = lab_url(args.host, port, token)
    if args.port == 0:
        console.print(f"Port 0 asked for a free port: using port {port}.")
    if args.host not in LOOPBACK:
        console.print(f"[bold yellow]warning:[/] listening on {args.host}, not only on this "
                      "machine; the lab still answers only requests addressed to "
                      f"{args.host} or localhost, and only with its token.")
    console.print("neuronlab lab: open this URL (it holds the lab's token; "
                  "`neuronlab lab --list` prints it again; Ctrl+C stops the lab):")
    console.print(f"    {url}", soft_wrap=True, markup=False, highlight=False)
    console.print(f"Course progress is kept in {workspace}", soft_wrap=True, markup=False,
                  highlight=False)
    server = uvicorn.Server(uvicorn_config(create_app(token=token, host=args.host,
                                                       workspace=workspace)))
    if not args.no_browser:
        def open_when_ready() -> None:
            for _ in range(100):
                if server.started:
                    webbrowser.open(url)
                    return
                threading.Event().wait(0.05)

        threading.Thread(target=open_when_ready, daemon=True).start()
    tune_for_training_beside_requests()
    from ..lab.kernels.containment import stale_cgroups
    from ..lab.kernels.pool import kill_all_now

    stale_cgroups()  # of labs that are gone (runtime.write removes their records, folders)
    record = runtime.write(url, port)

    finish = runtime.protect(server, record, kill_all_now)
    try:
        server.run(sockets=[sock])
    finally:
        finish()
        sock.close()
    return 0


def tune_for_training_beside_requests() -> None:
    """The lab process trains small networks (the widgets, up to 8 playground sessions)
    in threads while it answers the page.

    Training threads hold the GIL for up to the switch interval (5 ms by default) each
    time the event loop wakes up; 1 ms keeps the page's requests quick while 8 train.
    And the lab's matrix products run on one BLAS thread (:func:`one_blas_thread`)."""
    from ..lab.server.serve import one_blas_thread

    sys.setswitchinterval(SWITCH_INTERVAL)
    one_blas_thread()


def serve_behind_proxy(args: argparse.Namespace, console: Any) -> int:
    """``--unix-socket PATH``: the lab behind JupyterHub (see :mod:`neuronlab.hub`)."""
    import uvicorn

    from ..hub.guard import hub_origins
    from ..hub.unix import bind_unix
    from ..lab import create_app
    from ..lab.kernels.containment import stale_cgroups
    from ..lab.kernels.pool import kill_all_now
    from ..lab.server import runtime
    from ..lab.server.serve import uvicorn_config

    if args.token is None and not os.environ.get(TOKEN_VARIABLE, "").strip():
        raise ValueError(f"--unix-socket needs the token the proxy sends, in ${TOKEN_VARIABLE} "
                         "(the neuronlab entry point of jupyter-server-proxy sets it; see "
                         "docs/classroom.md).")
    token = choose_token(args.token)
    origins = hub_origins(args.allow_origin or ())
    workspace = choose_workspace(args.workspace)
    sock = bind_unix(args.unix_socket)
    path = sock.getsockname()
    allowed = ", ".join(origins) or "the page's own host"
    console.print(f"neuronlab lab: serving on the unix socket {path} for the hub's proxy "
                  f"(origins: {allowed}).",
                  soft_wrap=True, markup=False, highlight=False)
    console.print(f"Course progress is kept in {workspace}", soft_wrap=True, markup=False,
                  highlight=False)
    server = uvicorn.Server(uvicorn_config(create_app(token=token, workspace=workspace,
                                                       behind_proxy=origins)))
    tune_for_training_beside_requests()
    stale_cgroups()
    record = runtime.write(f"unix:{path} (behind a proxy)", 0)

    def cleanup() -> None:  # at any stop, signals too (they end the process at once)
        Path(path).unlink(missing_ok=True)
        kill_all_now()

    finish = runtime.protect(server, record, cleanup)
    try:
        server.run(sockets=[sock])
    finally:
        finish()
        sock.close()
    return 0
