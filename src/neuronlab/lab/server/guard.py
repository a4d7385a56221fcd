"""Who may talk to the lab: this machine only, and only the person who started it.

Three ASGI middlewares wrap the app, outermost first:

* :class:`SecurityHeaders` adds the headers that keep the page out of other sites'
  frames and limit what it may load (a strict Content-Security-Policy: no inline
  script, connections only back to the lab).
* :class:`LocalOnly` is the DNS-rebinding guard (the ``Host`` header must name the
  local address being served) and the cross-site guard (an ``Origin`` on anything that
  changes state must be the lab's own).
* :class:`TokenGuard` asks for the per-launch token on every page, file, API call and
  socket, as Jupyter does. The URL that ``neuronlab lab`` prints carries it as
  ``?token=...``; the first visit trades it for an HttpOnly, SameSite=Strict cookie and
  redirects to the same address without the token. Scripts send
  ``Authorization: token <token>`` instead.

A browser sends the cookie to *every* server on the same host name, whatever its port,
so the cookie must not be enough to run code. Its value is not the token but a value
derived from it (:func:`session_value`), which no header accepts. And the routes that run
code or read its output (:data:`PAGE_KEY_PATHS`) also need the *page key*
(:func:`page_key`, sent by the page's script as the ``X-Neuronlab-Page`` header): it
travels once, in the fragment of the first redirect (``#neuronlab-page=...``, which a
browser never sends to any server), and the page keeps it in its origin's
``localStorage``, which no other port can read. A request with only the cookie is refused
there (403), as is one from another site.

>>> session_value("abc") != "abc" and page_key("abc") != session_value("abc")
True

>>> _split_host("127.0.0.1:8000"), _split_host("[::1]")
(('127.0.0.1', 8000), ('[::1]', None))
>>> token_matches("abc", "abc"), token_matches("abd", "abc"), token_matches(None, "abc")
(True, False, False)
"""

from __future__ import annotations

import hmac
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})
COOKIE_PREFIX = "neuronlab-lab-"  # + the port: two labs on one machine keep their own cookie
PAGE_HEADER = "x-neuronlab-page"  # the page key, sent by static/api.js
PAGE_KEY_FRAGMENT = "neuronlab-page"  # the first redirect's #neuronlab-page=<page key>
#: Routes that run code or read what it printed: a cookie alone is not enough for them.
PAGE_KEY_PATHS = ("/api/kernels", "/api/exercises")
NO_PAGE_KEY = (
    "Only the lab's own pages may run code, and this request did not come with the page's "
    "key: open the URL with ?token=... that `neuronlab lab` printed (or `neuronlab lab "
    "--list`) once more in this browser. Scripts send 'Authorization: token <token>'."
)
WHERE_IS_THE_URL = (
    "Open the URL with ?token=... that `neuronlab lab` printed in its terminal, or run "
    "`neuronlab lab --list` to print it again."
)
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
])
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode("ascii")),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def request_headers(scope: Scope) -> dict[str, str]:
    """A request's headers by lower-case name."""
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _refuse(scope: Scope, status: int, message: str) -> Response:
    """A short answer: JSON for the API (the page shows ``error``), plain text elsewhere."""
    if scope["path"].startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    return PlainTextResponse(message + "\n", status_code=status)


async def _close_socket(send: Send, message: str) -> None:
    """Refuse a WebSocket before accepting it (1008: policy violation)."""
    reason = message.encode("utf-8")[:120].decode("utf-8", "ignore")  # a close reason <= 123 B
    await send({"type": "websocket.close", "code": 1008, "reason": reason})


# --------------------------------------------------------------------------- headers
class SecurityHeaders:
    """ASGI middleware: add :data:`SECURITY_HEADERS` to every HTTP answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


# --------------------------------------------------------------------------- host, origin
def _split_host(host: str) -> tuple[str, int | None]:
    """``"localhost:8000"`` -> ``("localhost", 8000)``; ``"[::1]"`` -> ``("[::1]", None)``."""
    name, sep, port = host.rpartition(":")
    if not sep or name.endswith(":") or (name.startswith("[") and not name.endswith("]")) \
            or (not name.startswith("[") and ":" in name):
        return host.lower(), None
    if not port.isdigit() or len(port) > 5:
        return host.lower(), -1
    return name.lower(), int(port)


def _origin_parts(origin: str) -> tuple[str, str, int | None] | None:
    """``(scheme, host name as in a Host header, port)`` of an Origin, or None if malformed."""
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:  # "http://[::1" or a port that is not a number
        return None
    name = parts.hostname or ""
    return parts.scheme, f"[{name}]" if ":" in name else name, port


class RequestGuard:
    """ASGI middleware that refuses a request its :meth:`problem` names, with that
    status and message (a WebSocket is closed before it opens), and passes on the rest."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def problem(self, scope: Scope) -> tuple[int, str] | None:
        """``(status, message)`` if the request must be refused, else None."""
        raise NotImplementedError

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            found = self.problem(scope)
            if found is not None:
                status, message = found
                if scope["type"] == "websocket":
                    await _close_socket(send, message)
                    return
                await _refuse(scope, status, message)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class LocalOnly(RequestGuard):
    """ASGI middleware: the DNS-rebinding guard (Host) and cross-site guard (Origin).

    A request passes when its ``Host`` is one of ``names`` with the port the server
    listens on; a WebSocket or a state-changing request that carries an ``Origin``
    must come from such an address too.
    """

    def __init__(self, app: ASGIApp, names: frozenset[str], testing: bool = False) -> None:
        super().__init__(app)
        self.names = names
        self.testing = testing

    def _host_ok(self, name: str, port: int | None, served: int | None) -> bool:
        if self.testing and name == "testserver" and port is None:
            return True
        if name not in self.names:
            return False
        return served is None or (port or 80) == served

    def problem(self, scope: Scope) -> tuple[int, str] | None:
        headers = request_headers(scope)
        server = scope.get("server")
        served = int(server[1]) if server and server[1] is not None else None
        host = headers.get("host", "")
        name, port = _split_host(host)
        if not self._host_ok(name, port, served):
            where = f"localhost:{served}" if served else "localhost"
            return 400, (f"Host header {host[:60]!r} is not allowed: the lab answers only "
                         f"requests addressed to this machine ({where} or 127.0.0.1). Open "
                         "the address that `neuronlab lab` printed.")
        origin = headers.get("origin")
        changes_state = scope["type"] == "websocket" or scope.get("method") not in (
            "GET", "HEAD", "OPTIONS")
        if origin is not None and changes_state:
            parts = _origin_parts(origin)
            if parts is None or parts[0] not in ("http", "https") or not self._host_ok(
                    parts[1], parts[2], served):
                return 403, (f"Origin {origin[:60]!r} is not allowed: only the lab's own page "
                             "may change its state.")
        fetched_from = headers.get("sec-fetch-site")
        if changes_state and fetched_from in ("cross-site", "same-site"):
            # a browser that says another site sent this: refused even without an Origin
            return 403, (f"A request from another site (Sec-Fetch-Site: {fetched_from}) may "
                         "not change the lab's state: only the lab's own page may.")
        return None


# --------------------------------------------------------------------------- token
def token_matches(given: str | None, token: str) -> bool:
    """Compare in constant time, so the answer's timing tells nothing about the token."""
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))


def _derived(token: str, purpose: bytes) -> str:
    return hmac.new(token.encode("utf-8"), purpose, "sha256").hexdigest()


def session_value(token: str) -> str:
    """The cookie's value: derived from the token, and not accepted in its place."""
    return _derived(token, b"neuronlab lab cookie")


def page_key(token: str) -> str:
    """The key the lab's pages send (``X-Neuronlab-Page``) on the routes that run code."""
    return _derived(token, b"neuronlab lab page key")


def needs_page_key(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in PAGE_KEY_PATHS)


def has_page_key(scope: Scope, token: str) -> bool:
    """Whether the request carries the lab's page key (only the lab's pages know it)."""
    given = request_headers(scope).get(PAGE_HEADER, "").strip()
    return token_matches(given or None, page_key(token))


def _same_host(url: str, host: str) -> bool:
    try:
        return urlsplit(url).netloc.lower() == host.lower()
    except ValueError:
        return False


def code_request_problem(scope: Scope, token: str) -> str | None:
    """Why a request to a route that runs code did not come from the lab's own page
    (None: it did). Anything that names another site is refused: a ``Sec-Fetch-Site``
    other than ``same-origin``, an ``Origin`` or ``Referer`` of another host. Then the
    request must show where it comes from: the page key (``X-Neuronlab-Page``, which
    only the lab's pages hold and which no other site's page may set on a request to
    the lab), an ``Origin`` or ``Referer`` of the lab itself, ``Sec-Fetch-Site:
    same-origin``, or a script's ``Authorization`` header. So a same-origin GET works in
    a browser that sends neither ``Sec-Fetch-Site`` nor ``Origin``."""
    headers = request_headers(scope)
    host = headers.get("host", "")
    site = headers.get("sec-fetch-site")
    if site is not None and site != "same-origin":
        return (f"This request came from another site ({site[:30]}); only the lab's own "
                "pages may run code.")
    origin, referer = headers.get("origin"), headers.get("referer")
    for name, value in (("Origin", origin), ("Referer", referer)):
        if value is not None and not _same_host(value, host):
            return (f"{name} {value[:60]!r} is not the lab's own page; only the lab's own "
                    "pages may run code.")
    if origin is None and site is None and referer is None \
            and "authorization" not in headers and not has_page_key(scope, token):
        return ("Only the lab's own pages may run code: the request has no Origin header "
                "and not the page's key (a script sends 'Authorization: token ...' instead).")
    return None


def cookie_name(scope: Scope) -> str:
    server = scope.get("server")
    return f"{COOKIE_PREFIX}{server[1] if server and server[1] is not None else 'lab'}"


class TokenGuard:
    """ASGI middleware: nothing without the lab's token (cookie, header or first-visit URL)."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        if not token:
            raise ValueError("The lab's token must not be empty.")
        self.app = app
        self.token = token
        self.session = session_value(token)

    def _given(self, scope: Scope) -> str | None:
        """How the request shows the token: ``"header"``, ``"cookie"`` or None."""
        headers = request_headers(scope)
        scheme, _, value = headers.get("authorization", "").strip().partition(" ")
        if scheme.lower() == "token" and token_matches(value.strip(), self.token):
            return "header"
        cookies: SimpleCookie = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header counts as no cookie
            return None
        morsel = cookies.get(cookie_name(scope))
        if token_matches(morsel.value if morsel else None, self.session):
            return "cookie"
        return None

    def _exchange(self, scope: Scope) -> Response | None:
        """``GET /path?token=...`` -> a cookie and a redirect to ``/path`` (no token in history)."""
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return None
        query = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        given = [value for key, value in query if key == "token"]
        if not given or not token_matches(given[-1], self.token):
            return None
        rest = urlencode([(key, value) for key, value in query if key != "token"])
        location = "/" + scope["path"].lstrip("/")  # never "//host": no open redirect
        fragment = f"#{PAGE_KEY_FRAGMENT}={page_key(self.token)}"  # never sent to a server
        response = RedirectResponse(location + (f"?{rest}" if rest else "") + fragment,
                                    status_code=303, headers={"Cache-Control": "no-store"})
        response.set_cookie(cookie_name(scope), self.session, httponly=True,
                            samesite="strict", path="/")
        return response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = self._given(scope)
        if given == "header" or (given == "cookie" and not needs_page_key(scope["path"])):
            await self.app(scope, receive, send)
            return
        if given == "cookie":  # a route that runs code: the page's key as well
            if has_page_key(scope, self.token):
                await self.app(scope, receive, send)
                return
            if scope["type"] == "websocket":
                await _close_socket(send, "This needs the lab page's key: reload the lab's URL.")
                return
            problem = code_request_problem(scope, self.token)  # another site says so first
            await _refuse(scope, 403, problem or NO_PAGE_KEY)(scope, receive, send)
            return
        exchange = self._exchange(scope)
        if exchange is not None:
            await exchange(scope, receive, send)
            return
        message = f"This lab needs its token. {WHERE_IS_THE_URL}"
        if scope["type"] == "websocket":
            await _close_socket(send, "This lab needs its token: reload the lab's URL.")
            return
        response = _refuse(scope, 401, message)
        response.headers["WWW-Authenticate"] = "token"
        await response(scope, receive, send)
