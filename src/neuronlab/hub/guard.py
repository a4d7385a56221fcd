"""Who may talk to a lab behind a proxy: requests for the hub's address, from its pages.

Behind JupyterHub the lab is not reached by a browser directly: the student's Jupyter
server authenticates each request and passes it on over a unix socket, keeping the
browser's ``Host`` and ``Origin`` headers. :class:`BehindProxy` takes the place of the
lab's local-only guard (:class:`neuronlab.lab.guard.LocalOnly`, which knows only
``localhost``):

* ``Host`` must name the hub (one of ``origins``);
* a WebSocket or a request that changes state and carries an ``Origin`` must come from
  the hub's own origin, and one a browser marks as sent by another site
  (``Sec-Fetch-Site: cross-site`` or ``same-site``) is refused.

The hub's origins come from ``--allow-origin``, else ``$NEURONLAB_HUB_ORIGINS``, else the
public URLs JupyterHub gives the student's server (``$JUPYTERHUB_PUBLIC_URL``,
``$JUPYTERHUB_PUBLIC_HUB_URL``, ``$JUPYTERHUB_HOST``; set when the hub's ``public_url`` or
``subdomain_host`` is configured). When none is known, the rule is "same host": the
``Origin`` must name the very host the request was sent to (any port or scheme of it),
and ``Host`` itself is not checked.

>>> origin_of("https://Hub.example.org/hub/")
'https://hub.example.org'
>>> origin_of("http://127.0.0.1:8000"), origin_of("hub.example.org")
('http://127.0.0.1:8000', None)
>>> guard = BehindProxy(None, origins=("https://hub.example.org",))
>>> guard.host_ok("hub.example.org"), guard.host_ok("hub.example.org:443")
(True, True)
>>> guard.host_ok("evil.example"), guard.origin_ok("https://evil.example", "hub.example.org")
(False, False)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Scope

from ..lab.server.guard import RequestGuard, request_headers

ORIGINS_VARIABLE = "NEURONLAB_HUB_ORIGINS"
HUB_VARIABLES = ("JUPYTERHUB_PUBLIC_URL", "JUPYTERHUB_PUBLIC_HUB_URL", "JUPYTERHUB_HOST")
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def _parts(url: str) -> tuple[str, str, int] | None:
    """``(scheme, host name, port)`` of an ``http(s)://`` URL, or None."""
    try:
        split = urlsplit(url.strip())
        port = split.port
    except ValueError:
        return None
    if split.scheme not in ("http", "https") or not split.hostname:
        return None
    return split.scheme, split.hostname.lower(), port or DEFAULT_PORTS[split.scheme]


def origin_of(url: str) -> str | None:
    """The origin (``scheme://host[:port]``) of a URL, lower case; None if it has none."""
    parts = _parts(url)
    if parts is None:
        return None
    scheme, name, port = parts
    shown = f"[{name}]" if ":" in name else name
    return f"{scheme}://{shown}" + ("" if port == DEFAULT_PORTS[scheme] else f":{port}")


def hub_origins(given: Iterable[str] = (),
                environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The hub's origins: ``given`` (``--allow-origin``), else the environment's.

    A value that is not an ``http(s)://`` URL is an error that says what was expected.

    >>> hub_origins(environ={"JUPYTERHUB_PUBLIC_URL": "https://hub.school.edu/"})
    ('https://hub.school.edu',)
    >>> hub_origins(environ={"JUPYTERHUB_PUBLIC_URL": ""})
    ()
    """
    env = os.environ if environ is None else environ
    values = [v for v in given if v.strip()]
    where = "--allow-origin"
    if not values and env.get(ORIGINS_VARIABLE, "").strip():
        values = env[ORIGINS_VARIABLE].replace(",", " ").split()
        where = f"${ORIGINS_VARIABLE}"
    if not values:
        values = [env[name] for name in HUB_VARIABLES if env.get(name, "").strip()]
        where = "JupyterHub's public URL"
    found: list[str] = []
    for value in values:
        origin = origin_of(value)
        if origin is None:
            raise ValueError(f"{where} must be the hub's address such as "
                             f"https://hub.school.edu, got {value[:80]!r}.")
        if origin not in found:
            found.append(origin)
    return tuple(found)


class BehindProxy(RequestGuard):
    """ASGI middleware: the Host and Origin guard of a lab behind the hub's proxy."""

    def __init__(self, app: ASGIApp, origins: Iterable[str] = ()) -> None:
        super().__init__(app)
        self.origins = tuple(origins)
        self._parts = {p for o in self.origins if (p := _parts(o)) is not None}

    def host_ok(self, host: str) -> bool:
        """Whether ``host`` (a Host header) names the hub; any host when none is known."""
        if not host or any(c in host for c in "/@ \t"):
            return False
        if not self._parts:
            return True
        parts = _parts(f"http://{host}")
        if parts is None:
            return False
        _, name, port = parts
        explicit = ":" in host.rsplit("]", 1)[-1]
        return any(name == n and (port == p if explicit else True)
                   for _, n, p in self._parts)

    def origin_ok(self, origin: str, host: str) -> bool:
        """Whether a page of ``origin`` may change the state of the lab asked as ``host``."""
        found = origin_of(origin)
        if found is None:
            return False
        if self.origins:
            return found in self.origins
        return urlsplit(found).netloc == host.lower() or \
            urlsplit(found).hostname == host.lower()  # the scheme's default port

    def problem(self, scope: Scope) -> tuple[int, str] | None:
        headers = request_headers(scope)
        host = headers.get("host", "").strip()
        if not self.host_ok(host):
            known = ", ".join(self.origins) or "the hub's"
            return 400, (f"Host header {host[:60]!r} is not allowed: this lab answers only "
                         f"requests addressed to the hub ({known}). Open it from the hub "
                         "at /user/<name>/neuronlab/.")
        changes_state = scope["type"] == "websocket" or scope.get("method") not in (
            "GET", "HEAD", "OPTIONS")
        origin = headers.get("origin")
        if origin is not None and changes_state and not self.origin_ok(origin, host):
            return 403, (f"Origin {origin[:60]!r} is not allowed: only the lab's own pages "
                         "on the hub may change its state.")
        fetched_from = headers.get("sec-fetch-site")
        if changes_state and fetched_from in ("cross-site", "same-site"):
            return 403, (f"A request from another site (Sec-Fetch-Site: {fetched_from}) may "
                         "not change the lab's state: only the lab's own page may.")
        return None
