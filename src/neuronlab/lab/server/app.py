"""The lab's Starlette app: its route table and the guards around it.

The course is the front page: ``/`` lists the lessons and ``/lessons/{slug}`` shows
one (:mod:`neuronlab.lab.course.pages`), with ``/api/recall`` checking recall answers and
``/api/search`` finding passages. The explorers live at ``/explore``.
Every number the pages show comes from here: ``/api/neuron``, ``/api/layer`` and
``/api/batch`` compute the three explorer views (:mod:`neuronlab.lab.explore.endpoints`);
``/api/sessions`` holds playground sessions (:mod:`neuronlab.lab.playground.endpoints`), which
train server-side and stream snapshots over ``/api/sessions/{id}/stream``
(:mod:`neuronlab.lab.playground.stream`) while the page watches; ``/api/sessions/{id}/backprop``
shows one step of training stage by stage (:mod:`neuronlab.lab.playground.stepper`).

Around the routes (:mod:`neuronlab.lab.server.guard`): security headers on every answer, the
local-only guard (Host and Origin) and the token guard, which asks for the per-launch
token on every page, file, API call and socket.

>>> app = create_app(token="secret")
>>> sorted(route.path for route in app.routes if route.path.startswith("/api/sess"))[:2]
['/api/sessions', '/api/sessions/{id}']
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from ..course import code, recall, widgets
from ..course import pages as course
from ..explore import endpoints as explorer
from ..playground import endpoints as playground
from ..playground import stepper
from ..playground.session import Sessions
from ..playground.stream import stream
from .api import STATIC, http_error
from .guard import LOCAL_NAMES, LocalOnly, SecurityHeaders, TokenGuard

ROUTES: list[BaseRoute] = [
    Route("/", course.index, methods=["GET"]),
    Route("/lessons/{slug}", course.lesson_page, methods=["GET"]),
    Route("/explore", explorer.index, methods=["GET"]),
    Route("/api/recall", course.check_recall, methods=["POST"]),
    Route("/api/search", course.ask, methods=["GET"]),
    Route("/api/meta", explorer.meta, methods=["GET"]),
    Route("/api/neuron", explorer.neuron, methods=["POST"]),
    Route("/api/layer", explorer.layer, methods=["POST"]),
    Route("/api/batch", explorer.batch, methods=["POST"]),
    Route("/api/sessions", playground.create_session, methods=["POST"]),
    Route("/api/sessions/{id}", playground.get_session, methods=["GET"]),
    Route("/api/sessions/{id}", playground.delete_session, methods=["DELETE"]),
    Route("/api/sessions/{id}/step", playground.step, methods=["POST"]),
    Route("/api/sessions/{id}/reset", playground.reset, methods=["POST"]),
    Route("/api/sessions/{id}/config", playground.configure, methods=["POST"]),
    Route("/api/sessions/{id}/weight", playground.set_weight, methods=["POST"]),
    Route("/api/sessions/{id}/backprop", stepper.backprop, methods=["POST"]),
    Route("/api/sessions/{id}/backprop/apply", stepper.backprop_apply, methods=["POST"]),
    Route("/api/playground/csv", playground.read_csv, methods=["POST"]),
    Route("/api/sessions/{id}/export", playground.export, methods=["GET"]),
    Route("/api/sessions/{id}/model", playground.model_file, methods=["GET"]),
    WebSocketRoute("/api/sessions/{id}/stream", stream),
    *code.ROUTES,
    *widgets.ROUTES,
    Mount("/static", StaticFiles(directory=STATIC), name="static"),
]


def new_token() -> str:
    """A fresh random token for one launch of the lab."""
    return secrets.token_urlsafe(32)


def create_app(*, token: str | None = None, testing: bool = False,
               host: str | None = None,
               workspace: str | os.PathLike[str] | None = None,
               behind_proxy: tuple[str, ...] | None = None) -> Starlette:
    """The lab as a Starlette app.

    ``token`` is what every request must show (a random one when not given; it is in
    ``app.state.token``). ``host`` is the address it is served on (added to the names
    the Host guard accepts when it is not a loopback name); ``testing=True`` also
    accepts the ``testserver`` host of Starlette's TestClient. ``workspace`` is the
    folder that keeps the learner's recall results (default: the current folder if it
    is a ``neuronlab learn`` workspace, else ``~/.neuronlab/course``).
    ``behind_proxy`` (the hub's origins, possibly none) serves the lab behind
    JupyterHub's proxy: :class:`neuronlab.hub.guard.BehindProxy` checks Host and Origin
    against the hub's address instead of this machine's.
    """
    names = set(LOCAL_NAMES)
    if host and host not in ("0.0.0.0", "::", ""):
        names.add(f"[{host.lower()}]" if ":" in host else host.lower())
    token = new_token() if token is None else token
    if behind_proxy is not None:
        from ...hub.guard import BehindProxy

        where = Middleware(BehindProxy, origins=behind_proxy)
    else:
        where = Middleware(LocalOnly, names=frozenset(names), testing=testing)
    app = Starlette(
        routes=ROUTES,
        exception_handlers={HTTPException: http_error},
        middleware=[  # outermost first
            Middleware(SecurityHeaders),
            where,
            Middleware(TokenGuard, token=token),
        ],
    )
    app.state.sessions = Sessions()
    app.state.token = token
    app.state.workspace = (Path(workspace).expanduser().resolve() if workspace is not None
                           else recall.default_workspace())
    return app
