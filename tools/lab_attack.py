"""Replay attacks on the lab's code routes and record files against real labs on loopback.

Starts ``neuronlab lab`` (two of them for the shared-workspace attack) on 127.0.0.1 with
a throwaway workspace, sends a bounded number of requests, and prints the requests
sent, the answers by status, the 5xx count, what got through that must not, and the
tracebacks found in the servers' logs, per kind of attack (about 5,000 requests, a few
minutes; ``--quick`` sends a few hundred of the same kinds)::

    python tools/lab_attack.py [--quick]

Every request goes to 127.0.0.1 and every loop is bounded. The kinds: token variants on
every kind of route, foreign ``Origin`` on state-changing routes and the playground
socket, DNS-rebinding ``Host`` headers, cross-site request shapes, path traversal,
slowloris, 100 MB bodies, 200 parallel searches, hostile exercise files, malformed
bodies on every route, and the replays of earlier failures (cookie replay, odd record
types, forged verdicts, connection floods, two labs on one workspace).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

from neuronlab.lab.course.recall import RECALL_FILE
from neuronlab.lab.server import guard
from neuronlab.learn.catalog import EXERCISES
from neuronlab.learn.quiz import QUESTIONS
from neuronlab.learn.workspace import JOURNAL_FILE, PROGRESS_FILE, Workspace

TOKEN = "attack-token-" + os.urandom(8).hex()
AUTH = {"Authorization": f"token {TOKEN}"}
PAGE = "attack-page-0001"
SOLVED = "def relu(z):\n    return z if z > 0 else 0.0\n"
RELU = EXERCISES["relu"]

statuses: collections.Counter[int] = collections.Counter()
breaches: list[str] = []
made: list[Path] = []  # temporary folders, removed at the end
QUICK = False  # --quick: every kind of attack, a few hundred requests in all


class Tally:
    """One kind of attack: requests, answers by status class, what got through."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.classes: collections.Counter[str] = collections.Counter()
        self.through: list[str] = []
        self.tracebacks = 0
        self.seconds = 0.0


tallies: dict[str, Tally] = {}
current = tallies["setup"] = Tally("setup")  # starting the lab
since = time.monotonic()
lock = threading.Lock()


def category(name: str) -> Tally:
    """Count what follows under ``name`` (and the time until the next category)."""
    global current, since
    now = time.monotonic()
    current.seconds += now - since
    current, since = tallies.setdefault(name, Tally(name)), now
    return current


def sample(items: list[Any], keep: int) -> list[Any]:
    """All of ``items``, or (with --quick) about ``keep`` of them spread over the list."""
    if not QUICK or len(items) <= keep:
        return items
    step = len(items) / keep
    return [items[int(i * step)] for i in range(keep)]


def count(status: int) -> None:
    with lock:
        statuses[status] += 1
        current.classes[f"{status // 100}xx" if status else "closed"] += 1


def call(port: int, method: str, path: str, body: Any = None,
         headers: dict[str, str] | None = None, raw: bytes | None = None
         ) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        conn.request(method, path, body=data,
                     headers={"Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        status = response.status
    except OSError:
        status, text = 0, ""
    finally:
        conn.close()
    count(status)
    try:
        answer = json.loads(text)
    except ValueError:
        answer = {}
    return status, answer if isinstance(answer, dict) else {}


def expect(what: str, ok: bool) -> None:
    if not ok:
        with lock:
            breaches.append(f"[{current.name}] {what}")
            current.through.append(what)


def send(port: int, method: str, path: str, headers: list[tuple[str, str]] | None = None,
         body: bytes | None = None, host: str | None = None, timeout: float = 30
         ) -> tuple[int, str]:
    """One request with exactly these headers (``host``: the Host header, default the
    lab's own); ``(0, "")`` when the connection broke without an answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", f"127.0.0.1:{port}" if host is None else host)
        for name, value in headers or []:
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        status, text = response.status, response.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        status, text = 0, ""
    finally:
        conn.close()
    count(status)
    return status, text


def in_parallel(work: Any, items: list[Any], threads: int = 8) -> None:
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(work, items))


def start_lab(workspace: Path, log: Path) -> tuple[subprocess.Popen[str], int]:
    runtime = tempfile.mkdtemp(prefix="lab-attack-run-")
    made.append(Path(runtime))
    env = {**os.environ, "NEURONLAB_LAB_TOKEN": TOKEN, "NEURONLAB_RUNTIME_DIR": runtime}
    with open(log, "w") as errors:  # the lab keeps its own copy of the descriptor
        lab = subprocess.Popen([sys.executable, "-m", "neuronlab.cli", "lab", "--no-browser",
                                "--port", "0", "--workspace", str(workspace)],
                               env=env, stdout=subprocess.PIPE, stderr=errors, text=True)
    assert lab.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", lab.stdout.readline())
        if found:
            return lab, int(found.group(1))
    lab.kill()
    raise SystemExit("the lab did not start")


def stop(lab: subprocess.Popen[str]) -> None:
    lab.send_signal(signal.SIGINT)
    try:
        lab.wait(timeout=20)
    except subprocess.TimeoutExpired:
        lab.kill()
        lab.wait()


def cookie_replay(port: int) -> None:
    cookie = f"neuronlab-lab-{port}={guard.session_value(TOKEN)}"
    origin = f"http://127.0.0.1:{port}"
    for headers in ({"Cookie": cookie}, {"Cookie": cookie, "Origin": origin},
                    {"Cookie": cookie, "Origin": origin, "Sec-Fetch-Site": "same-origin"},
                    {"Authorization": f"token {guard.session_value(TOKEN)}"}):
        for method, path, body in (("POST", f"/api/kernels/{PAGE}/run", {"code": "1"}),
                                   ("GET", f"/api/kernels/{PAGE}/outputs", None),
                                   ("GET", "/api/kernels", None),
                                   ("POST", "/api/exercises/relu/check", {"code": SOLVED}),
                                   ("POST", "/api/exercises/relu/hint", {})):
            status, _ = call(port, method, path, body, headers)
            expect(f"cookie replay {method} {path} {sorted(headers)} -> {status}",
                   status in (401, 403))


def no_fetch_site(port: int) -> None:
    cookie = f"neuronlab-lab-{port}={guard.session_value(TOKEN)}"
    key = {"Cookie": cookie, "X-Neuronlab-Page": guard.page_key(TOKEN)}
    for _ in range(5):
        expect("same-origin GET without Sec-Fetch-Site",
               call(port, "GET", "/api/kernels", headers=key)[0] == 200)
        for other in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "http://evil.example"},
                      {"Referer": "http://evil.example/"}):
            expect(f"cross-site GET {other}",
                   call(port, "GET", "/api/kernels", headers={**key, **other})[0] == 403)


def surrogates(port: int, root: Path) -> None:
    path = Workspace(root).path(RELU)
    path.write_text(SOLVED + "# mine\n", "utf-8")
    before = path.read_bytes()
    raw = b'{"code": "def relu(z):\\n    return \\"\\ud800\\"\\n"}'
    for _ in range(5):
        status, _ = call(port, "POST", "/api/exercises/relu/check", raw=raw, headers=AUTH)
        expect(f"surrogate check -> {status}", status == 400)
        status, _ = call(port, "POST", f"/api/kernels/{PAGE}/run", raw=raw, headers=AUTH)
        expect(f"surrogate run -> {status}", status == 400)
    expect("surrogate: the file changed", path.read_bytes() == before)
    expect("temporary files left", not list(root.glob(".*.tmp")))


def odd_types(port: int, root: Path) -> None:
    for text in ('{"format": 1, "exercises": {"relu": {"hints": "two"}}}',
                 '{"format": 1, "exercises": {"relu": {"checks": "x"}}}',
                 '{"format": 1, "exercises": {"relu": {"hints": 1e999}}}',
                 '{"format": 1, "exercises": {"relu": [1]}}'):
        for method, path, body in (("GET", "/api/exercises/relu", None),
                                   ("POST", "/api/exercises/relu/hint", {}),
                                   ("POST", "/api/exercises/relu/check", {"code": SOLVED})):
            (root / PROGRESS_FILE).write_text(text, "utf-8")
            status, _ = call(port, method, path, body, AUTH)
            expect(f"odd progress {text} {path} -> {status}", status < 500)
    question = next(q for q in QUESTIONS if not q.graded)
    for field in ('"attempts": "many"', '"attempts": [1]', '"attempts": 1e999'):
        (root / RECALL_FILE).write_text(json.dumps({
            "format": 2, "learner": "0123456789abcdef", "questions": {question.key: {
                "lesson": question.lesson, "box": 1, "rating": "not yet",
                "rated_in": question.lesson, "attempts": 0}}}).replace('"attempts": 0', field))
        status, _ = call(port, "POST", "/api/recall",
                         {"question": question.key, "rating": "partly"}, AUTH)
        expect(f"odd recall {field} -> {status}", status < 500)


def forgeries(port: int, root: Path) -> None:
    kill = ("import os, signal\ndef relu(z):\n    os.kill(os.getppid(), signal.{})\n"
            "    return z if z > 0 else 0.0\n")
    journal = (f"import json\nopen({str(root / JOURNAL_FILE)!r}, 'a').write("
               "json.dumps({'solved': 'xor'}) + '\\n')\n" + SOLVED)
    progress = (f"import json\np = json.load(open({str(root / PROGRESS_FILE)!r}))\n"
                "p['exercises']['xor'] = {'solved': True}\n"
                f"json.dump(p, open({str(root / PROGRESS_FILE)!r}, 'w'))\n" + SOLVED)
    for code in (kill.format("SIGTERM"), kill.format("SIGKILL"), kill.format("SIGSTOP")):
        # a stopped supervisor is found out by the check's time limit: once with --quick
        for _ in range(1 if QUICK and "SIGSTOP" in code else 2):
            status, answer = call(port, "POST", "/api/exercises/relu/check", {"code": code}, AUTH)
            expect(f"supervisor killed, reported {answer.get('status')}",
                   status == 200 and not answer.get("passed"))
    for code in (journal, progress):
        call(port, "POST", "/api/exercises/relu/check", {"code": code}, AUTH)
        expect("forged xor", "xor" not in Workspace(root).solved())


def flood(port: int) -> None:
    socks = []
    try:
        for i in range(200):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            if i % 2:
                sock.sendall(b"GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            socks.append(sock)
        for _ in range(200):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall((f"GET /api/sessions/none/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}"
                          "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          f"Sec-WebSocket-Version: 13\r\nAuthorization: token {TOKEN}\r\n\r\n"
                          ).encode())
            socks.append(sock)
        for _ in range(20):
            status, _ = call(port, "GET", "/api/meta", headers=AUTH)
            expect(f"page request during the flood -> {status}", status == 200)
    finally:
        for sock in socks:
            sock.close()
    print(f"flood: 400 sockets opened ({len(socks)} kept open during 20 page requests)")


def shared_workspace(root: Path, logs: Path) -> int:
    labs = [start_lab(root, logs / f"shared{i}.log") for i in range(2)]
    try:
        questions = QUESTIONS[:40]

        def answer(i: int) -> int:
            q = questions[i]
            body = ({"question": q.key, "reveal": True} if q.graded
                    else {"question": q.key, "rating": "partly"})
            return call(labs[i % 2][1], "POST", "/api/recall", body, AUTH)[0]

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(answer, range(40)))
        record = json.loads((root / RECALL_FILE).read_text("utf-8"))
        lost = 40 - len(set(record["questions"]) & {q.key for q in questions})
        expect(f"{lost} of 40 recall answers lost", lost == 0)
        return lost
    finally:
        for lab, _ in labs:
            stop(lab)


# --------------------------------------------------------------------------- the broad attack
MARKER = "lab-attack-secret-" + os.urandom(6).hex()
GET_ROUTES = ["/", "/lessons/{slug}", "/explore", "/widgets", "/static/app.js", "/api/meta",
              "/api/search?q=what%20does%20the%20bias%20do", "/api/kernels",
              f"/api/kernels/{PAGE}/outputs", "/api/exercises/relu", "/api/widgets/lessons",
              "/api/sessions/nonexistent"]
STATE_ROUTES = [("POST", "/api/recall"), ("POST", "/api/neuron"), ("POST", "/api/sessions"),
                ("POST", "/api/sessions/nonexistent/step"), ("POST", "/api/playground/csv"),
                ("POST", f"/api/kernels/{PAGE}/run"), ("POST", f"/api/kernels/{PAGE}/interrupt"),
                ("DELETE", f"/api/kernels/{PAGE}"), ("POST", "/api/exercises/relu/check"),
                ("POST", "/api/exercises/relu/hint")]
JSON = [("Content-Type", "application/json")]


def slug() -> str:
    from neuronlab.lab.course.pages import LESSONS
    return LESSONS[0].slug


def credentials(port: int) -> None:
    """400 wrong ways of showing the token, on pages, files, the API and the code routes."""
    import base64
    session, key = guard.session_value(TOKEN), guard.page_key(TOKEN)
    name = f"{guard.COOKIE_PREFIX}{port}"
    variants: list[tuple[str, list[tuple[str, str]], str]] = [
        ("none", [], ""), ("wrong token", [("Authorization", "token " + "x" * len(TOKEN))], ""),
        ("token minus one", [("Authorization", f"token {TOKEN[:-1]}")], ""),
        ("token plus one", [("Authorization", f"token {TOKEN}x")], ""),
        ("Bearer", [("Authorization", f"Bearer {TOKEN}")], ""),
        ("no scheme", [("Authorization", TOKEN)], ""),
        ("empty token", [("Authorization", "token ")], ""),
        ("upper case", [("Authorization", f"token {TOKEN.upper()}")], ""),
        ("cookie value as token", [("Authorization", f"token {session}")], ""),
        ("page key as token", [("Authorization", f"token {key}")], ""),
        ("Basic", [("Authorization", "Basic " + base64.b64encode(
            f":{TOKEN}".encode()).decode())], ""),
        ("raw token in cookie", [("Cookie", f"{name}={TOKEN}")], ""),
        ("other port's cookie", [("Cookie", f"{guard.COOKIE_PREFIX}{port + 1}={session}")], ""),
        ("cookie minus one", [("Cookie", f"{name}={session[:-1]}")], ""),
        ("cookie without port", [("Cookie", f"{guard.COOKIE_PREFIX}lab={session}")], ""),
        ("malformed cookie", [("Cookie", f'{name}="{session}; =;;\x7f')], ""),
        ("page key alone", [("X-Neuronlab-Page", key)], ""),
        ("wrong token in URL", [], "token=" + "y" * len(TOKEN)),
        ("cookie value in URL", [], f"token={session}"),
        ("page key in URL", [], f"token={key}"),
    ]
    routes = [("GET", p.format(slug=slug())) for p in GET_ROUTES] + STATE_ROUTES[:8]
    jobs = [(v, r) for v in variants for r in routes]

    def attempt(job: tuple[tuple[str, list[tuple[str, str]], str], tuple[str, str]]) -> None:
        (what, headers, query), (method, path) = job
        if query:
            path += ("&" if "?" in path else "?") + query
        body = b'{"code": "1"}' if method == "POST" else None
        status, _ = send(port, method, path, headers + JSON, body)
        expect(f"credential '{what}' {method} {path} -> {status}", status in (401, 403))

    in_parallel(attempt, sample(jobs, 40))


def foreign_origins(port: int) -> None:
    """250 state-changing requests with the token but another site's Origin."""
    origins = ["http://evil.example", "https://evil.example", "null",
               f"http://127.0.0.1:{port + 1}", f"http://localhost:{port + 1}",
               f"http://[::1]:{port + 1}", "http://127.0.0.1", "http://localhost",
               f"http://127.0.0.1.evil.example:{port}", f"http://localhost.evil.example:{port}",
               f"http://evil.example:{port}", f"http://127.0.0.1:{port}@evil.example",
               f"http://evil.example/127.0.0.1:{port}", "file://", "chrome-extension://abcdef",
               f"http://127.0.0.2:{port}", f"http://0.0.0.0:{port}",
               f"http://2130706433:{port}", f"http://0x7f000001:{port}",
               f"ws://127.0.0.1:{port}", "%%%", "http://[::1", "http://127.0.0.1:99999",
               f"http://127.0.0.1:{port}.evil.example", f"javascript://127.0.0.1:{port}"]
    jobs = [(o, r) for o in origins for r in STATE_ROUTES]

    def attempt(job: tuple[str, tuple[str, str]]) -> None:
        origin, (method, path) = job
        status, _ = send(port, method, path, [*AUTH.items(), ("Origin", origin), *JSON],
                         b'{"code": "1"}')
        expect(f"Origin {origin!r} {method} {path} -> {status}", status == 403)

    in_parallel(attempt, sample(jobs, 30))


def rebinding(port: int) -> None:
    """360 requests with the token whose Host names another machine or port."""
    hosts = ["evil.example", f"evil.example:{port}", f"127.0.0.1.nip.io:{port}",
             f"rebind.127.0.0.1.nip.io:{port}", f"localhost.evil.example:{port}",
             f"127.0.0.1:{port + 1}", f"localhost:{port + 1}", f"127.0.0.2:{port}",
             f"0.0.0.0:{port}", f"[::1]:{port + 1}", f"[::ffff:127.0.0.1]:{port}",
             f"2130706433:{port}", f"0x7f000001:{port}", f"0177.0.0.1:{port}",
             f"127.1:{port}", f"localhost.:{port}", "", f"127.0.0.1:{port}:{port}",
             f"127.0.0.1:{port} evil", f"127.0.0.1:{port}@evil.example",
             f"evil.example#127.0.0.1:{port}", f"127.0.0.1:0{port}", f"127.0.0.1:+{port}",
             f"127.0.0.1:{port}/", "[::1]", "127.0.0.1", "localhost",
             f"xn--80ak6aa92e.com:{port}", f"127.0.0.1%2eevil:{port}",
             f"127.0.0.1:{port}.evil.example"]
    routes = [("GET", p.format(slug=slug())) for p in GET_ROUTES]
    jobs = [(h, r) for h in hosts for r in routes]

    def attempt(job: tuple[str, tuple[str, str]]) -> None:
        host, (method, path) = job
        status, _ = send(port, method, path, list(AUTH.items()), host=host)
        expect(f"Host {host!r} {method} {path} -> {status}", not 200 <= status < 400)

    in_parallel(attempt, sample(jobs, 36))


def csrf(port: int, root: Path) -> None:
    """32 request shapes another site's page can make with the lab's cookie."""
    cookie = ("Cookie", f"{guard.COOKIE_PREFIX}{port}={guard.session_value(TOKEN)}")
    evil = f"http://localhost:{port + 1}"
    shapes: list[list[tuple[str, str]]] = [
        [("Content-Type", "text/plain")],
        [("Content-Type", "application/x-www-form-urlencoded")],
        [("Content-Type", "multipart/form-data; boundary=x")],
        [("Content-Type", "text/plain"), ("Origin", "null")],
        [("Content-Type", "text/plain"), ("Origin", evil), ("Sec-Fetch-Site", "cross-site")],
        [("Content-Type", "application/json"), ("Origin", evil)],
        [("Content-Type", "text/plain"), ("Sec-Fetch-Site", "same-site"), ("Origin", evil)],
        # a cross-site POST with a JSON body is a CORS request: a browser always sends its
        # Origin (and a preflight first); a cookie with no Origin is not a browser's shape
        [("Content-Type", "application/json"), ("Referer", evil + "/"), ("Origin", evil),
         ("Sec-Fetch-Site", "same-site")],
    ]
    routes = ["/api/recall", "/api/sessions", f"/api/kernels/{PAGE}/run",
              "/api/exercises/relu/check"]
    question = next(q for q in QUESTIONS if not q.graded)
    body = json.dumps({"code": SOLVED, "question": question.key, "rating": "partly"}).encode()
    before = sorted(p.name for p in root.iterdir())
    for shape in sample(shapes, 4):
        for path in routes:
            status, _ = send(port, "POST", path, [cookie, *shape], body)
            expect(f"cross-site {shape} POST {path} -> {status}", not 200 <= status < 400)
    expect("a cross-site request wrote a file", sorted(p.name for p in root.iterdir()) == before)


def traversal(port: int, base: Path) -> None:
    """Paths that try to read files outside static/ (a marker file, /etc/passwd, the app)."""
    (base / "secret.txt").write_text(MARKER, "utf-8")
    up = 12
    targets = [("etc/passwd", "root:x:0:0"), (str(base / "secret.txt").lstrip("/"), MARKER)]
    encodings = ["../", "%2e%2e/", "%2e%2e%2f", "..%2f", "%252e%252e%252f", "..\\", "..%5c",
                 "....//", "..;/", "%c0%ae%c0%ae/", ".%2e/", "%2E%2E%2F"]
    paths = []
    for prefix in ("/static/", "/lessons/", "/api/exercises/", "/api/kernels/",
                   "/api/sessions/", "/"):
        for enc in encodings:
            for target, marker in targets:
                paths.append((prefix + enc * up + target.replace("/", "%2f" if "%" in enc
                                                                  else "/"), marker))
            paths.append((prefix + enc + "server/app.py", "def create_app"))
            paths.append((prefix + enc + enc + "lab/server/guard.py", "class TokenGuard"))
    paths += [("/static//etc/passwd", "root:x:0:0"), ("/static/%2fetc%2fpasswd", "root:x:0:0"),
              ("/static/" + str(base / "secret.txt"), MARKER),
              ("/static/%00../server/app.py", "def create_app"), ("/static/app.js%00.png", "\x00")]

    def attempt(job: tuple[str, str]) -> None:
        path, marker = job
        status, text = send(port, "GET", path, list(AUTH.items()))
        expect(f"GET {path} -> {status} read a file outside static/",
               not (status == 200 and marker in text))

    in_parallel(attempt, sample(paths, 24))


def slowloris(port: int) -> None:
    """Half-sent requests and trickled bodies: each must be closed within a few seconds."""
    import select
    heads = 6 if QUICK else 40
    socks: list[tuple[socket.socket, str]] = []
    for i in range(heads):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        if i % 2:
            sock.sendall(f"POST /api/recall HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                         f"Authorization: token {TOKEN}\r\nContent-Type: application/json\r\n"
                         "Content-Length: 1000\r\n\r\n{".encode())
            socks.append((sock, "trickled body"))
        else:
            sock.sendall(f"GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode())
            socks.append((sock, "trickled headers"))
    open_ = {id(s): (s, what) for s, what in socks}
    deadline = time.monotonic() + 20  # the lab gives a request 5 s from its first byte
    while open_ and time.monotonic() < deadline:
        for sock, _ in list(open_.values()):
            with contextlib.suppress(OSError):
                sock.sendall(b"X")
        ready, _, _ = select.select([s for s, _ in open_.values()], [], [], 1.0)
        for sock in ready:
            try:
                first = sock.recv(4096)
            except OSError:
                first = b""
            found = re.match(rb"HTTP/1\.1 (\d{3})", first)
            count(int(found.group(1)) if found else 0)
            if found:
                expect(f"slow request answered {found.group(1).decode()}",
                       found.group(1) in (b"408", b"400", b"413"))
            del open_[id(sock)]
            sock.close()
        status, _ = call(port, "GET", "/api/meta", headers=AUTH)
        expect(f"page request during slowloris -> {status}", status == 200)
    for sock, what in open_.values():
        count(0)
        expect(f"{what}: still open after 20 s", False)
        sock.close()


def big_bodies(port: int) -> None:
    """100 MB bodies (declared, chunked, and under a small Content-Length)."""
    size = (10 if QUICK else 100) * 2**20
    chunk = b"[" + b"0," * (2**19 - 1) + b"0"  # 1 MiB of a JSON array's inside
    routes = ["/api/recall", f"/api/kernels/{PAGE}/run", "/api/exercises/relu/check",
              "/api/playground/csv", "/api/sessions", "/api/neuron"]
    shapes = ["declared", "chunked", "lying"]
    for path in sample(routes, 2):
        for shape in shapes:
            sock = socket.create_connection(("127.0.0.1", port), timeout=30)
            length = {"declared": f"Content-Length: {size}\r\n", "lying": "Content-Length: 10\r\n",
                      "chunked": "Transfer-Encoding: chunked\r\n"}[shape]
            try:
                sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                             f"Authorization: token {TOKEN}\r\nContent-Type: application/json\r\n"
                             f"{length}\r\n".encode())
                sent = 0
                while sent < size:
                    piece = (f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
                             if shape == "chunked" else chunk)
                    sock.sendall(piece)
                    sent += len(chunk)
                if shape == "chunked":
                    sock.sendall(b"0\r\n\r\n")
            except OSError:
                pass  # the lab stopped reading: it should have answered already
            try:
                answer = sock.recv(4096)
            except OSError:
                answer = b""
            sock.close()
            found = re.match(rb"HTTP/1\.1 (\d{3})", answer)
            status = int(found.group(1)) if found else 0
            count(status)
            expect(f"{shape} {size // 2**20} MB body POST {path} -> {status}",
                   not 200 <= status < 300 or shape == "lying")


def searches(port: int) -> None:
    """200 searches at once, plain and hostile questions."""
    from neuronlab.lab.course import search
    questions = ["what does the bias do", "why relu", "what is a neuron",
                 "how does backpropagation work", "x" * (search.MAX_QUERY - 1),
                 "x" * (search.MAX_QUERY + 1), "(a+)+$" * 40, "ünïcödé ∑ ∂ 🧠",
                 "\u202eevil", "a\x00b", "%ff%fe", "' OR 1=1 --", "<script>alert(1)</script>",
                 "  ", "the " * 100, "?" * 300, "\\" * 200, "{{7*7}}", "\u0300" * 200,
                 "learning rate " * 30]
    jobs = [questions[i % len(questions)] for i in range(20 if QUICK else 200)]
    barrier = threading.Barrier(len(jobs), timeout=60)

    def attempt(q: str) -> None:
        path = "/api/search?q=" + (q if q.startswith("%") else quote(q, safe=""))
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        status, _ = send(port, "GET", path, list(AUTH.items()), timeout=120)
        expect(f"search {q[:30]!r} -> {status}", 0 < status < 500)

    in_parallel(attempt, jobs, threads=len(jobs))


def exercise_files(port: int, root: Path) -> None:
    """Hostile contents in the learner's own exercise and progress files, and hostile code."""
    path = Workspace(root).path(RELU)
    files: list[tuple[str, Any]] = [
        ("bytes that are not UTF-8", b"\xff\xfe\x00def relu(z):\n"),
        ("NUL bytes", b"def relu(z):\x00\n    return z\n"),
        ("5 MB", b"# x\n" * (5 * 2**18)), ("empty", b""),
        ("a lone surrogate escaped", b"def relu(z):\n    return '\\ud800'\n"),
        ("a folder", "dir"), ("a link to /etc/passwd", "/etc/passwd"),
        ("a link to itself", "loop"),
    ]
    for what, content in sample(files, 3):
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.is_dir():
            path.rmdir()
        if content == "dir":
            path.mkdir()
        elif content == "loop":
            path.symlink_to(path.name)
        elif isinstance(content, str):
            path.symlink_to(content)
        else:
            path.write_bytes(content)
        for method, route, body in (("GET", "/api/exercises/relu", None),
                                    ("POST", "/api/exercises/relu/hint", {}),
                                    ("GET", "/", None), ("GET", f"/lessons/{slug()}", None)):
            status, _ = call(port, method, route, body, AUTH)
            expect(f"exercise file is {what}: {method} {route} -> {status}", 0 < status < 500)
    if path.is_dir() and not path.is_symlink():
        path.rmdir()
    elif path.is_symlink() or path.exists():
        path.unlink()
    codes = ["while True: pass\n", "print('x' * 10**8)\n" + SOLVED, "import sys\nsys.exit(0)\n",
             "import os\nos._exit(0)\n", "def relu(z):\n    return relu(z)\n",
             "import ctypes\nctypes.string_at(0)\n", "raise SystemExit\n",
             "def relu(z):\n    raise KeyboardInterrupt\n",
             "import os\nwhile True: os.fork()\n",
             "x = bytearray(8 * 2**30)\n" + SOLVED, "def relu(z):\n    return float('nan')\n",
             "def relu(z):\n    class R(float):\n        def __eq__(s, o): return True\n"
             "    return R(0)\n"]
    for code in sample(codes, 3):
        status, answer = call(port, "POST", "/api/exercises/relu/check", {"code": code}, AUTH)
        expect(f"check {code[:30]!r} -> {status} passed={answer.get('passed')}",
               0 < status < 500 and not answer.get("passed"))


HOSTILE: list[Any] = [None, True, -1, 0, 1e308, -1e308, 2**64, "x", "", "\u202e", [], {},
                     [1] * 2000,
           [[1] * 50] * 50, "a" * 10000, {"a": {"b": {"c": []}}}]
FIELDS = ["inputs", "weights", "bias", "activation", "layers", "x", "y", "rows", "lr",
          "learning_rate", "steps", "seed", "dataset", "code", "question", "rating", "reveal",
          "answer", "name", "value", "layer", "index", "neuron", "weight", "csv", "text",
          "features", "hidden", "points", "widget", "logits", "temperature", "z", "target",
          "id", "batch", "size", "n", "loss", "optimizer"]
JUNK = [b"", b"null", b"[]", b"1", b'"x"', b"{", b'{"x": 1e999}', b'{"x": NaN}',
        b'{"x": "\\ud800"}', b"9" * 5000, b"[" * 100000 + b"]" * 100000, b'{"a": 1, "a": 2}',
        b"\xff\xfe", b'{"x": ' + b"1" * 4400 + b"}"]


def every_route(port: int) -> None:
    """Malformed bodies and hostile field values on every POST route, junk queries on GETs."""
    _, created = call(port, "POST", "/api/sessions", {}, AUTH)
    sid = str(created.get("id", "nonexistent"))
    posts = ["/api/recall", "/api/neuron", "/api/layer", "/api/batch", "/api/sessions",
             f"/api/sessions/{sid}/step", f"/api/sessions/{sid}/reset",
             f"/api/sessions/{sid}/config", f"/api/sessions/{sid}/weight",
             f"/api/sessions/{sid}/backprop", f"/api/sessions/{sid}/backprop/apply",
             "/api/playground/csv", "/api/widgets/training", "/api/widgets/activation",
             "/api/widgets/gate", "/api/widgets/mse", "/api/widgets/softmax",
             "/api/widgets/puzzle", "/api/widgets/backprop", "/api/exercises/relu/hint",
             "/api/exercises/relu/check", f"/api/kernels/{PAGE}/interrupt",
             f"/api/kernels/{PAGE}/run"]
    jobs: list[tuple[str, str, bytes | None, str]] = []
    for path in posts:
        code_route = "/run" in path or "/check" in path
        for raw in JUNK:
            jobs.append(("POST", path, raw, "application/json"))
        for value in HOSTILE:
            body = {f: value for f in FIELDS}
            if code_route:
                body["code"] = 1
            jobs.append(("POST", path, json.dumps(body).encode(), "application/json"))
        for i, field in enumerate(FIELDS):
            for shift in (0, 5, 11) if not (code_route and field == "code") else ():
                value = HOSTILE[(i + shift) % len(HOSTILE)]
                jobs.append(("POST", path, json.dumps({field: value}).encode(),
                             "application/json"))
        jobs.append(("POST", path, b'{"x": 1}', "text/plain"))
        jobs.append(("GET", path, None, ""))
    gets = [f"/api/sessions/{sid}", f"/api/sessions/{sid}/export", f"/api/sessions/{sid}/model",
            f"/api/kernels/{PAGE}/outputs", "/api/widgets/xor", "/api/widgets/lessons",
            "/api/exercises/relu", "/api/exercises/nope", "/api/meta", "/api/kernels",
            "/lessons/nope", f"/lessons/{slug()}", "/static/nope.js"]
    queries = ["", "?cursor=-1", "?cursor=x", "?cursor=1,2,3", "?cursor=99999999999999999999",
               "?format=%00", "?format=../../x", "?n=1e999", "?a=" + "b" * 8000, "?%ff=%fe",
               "?cursor=1&cursor=2", "?since=-5"]
    for path in gets:
        for query in queries:
            jobs.append(("GET", path + query, None, ""))
        jobs.append(("DELETE", path, None, ""))
        jobs.append(("HEAD", path, None, ""))
    for page in ("short", "a" * 65, "..%2f..%2fetc", "%00" * 8, "page%20with%20space",
                 quote("ünicode-page-id"), "a" * 5000):
        for method, route in (("GET", f"/api/kernels/{page}/outputs"),
                              ("POST", f"/api/kernels/{page}/interrupt"),
                              ("DELETE", f"/api/kernels/{page}"),
                              ("POST", f"/api/kernels/{page}/run")):
            jobs.append((method, route, b'{"code": "1"}', "application/json"))

    def attempt(job: tuple[str, str, bytes | None, str]) -> None:
        method, path, body, kind = job
        headers = list(AUTH.items()) + ([("Content-Type", kind)] if kind else [])
        status, text = send(port, method, path, headers, body)
        expect(f"{method} {path} body {(body or b'')[:40]!r} -> {status} {text[:80]!r}",
               0 < status < 500)

    in_parallel(attempt, sample(jobs, 90))
    call(port, "DELETE", f"/api/sessions/{sid}", None, AUTH)


def websockets(port: int) -> None:
    """The playground socket: another site, another Host, no token, cookie only, and its own."""
    _, created = call(port, "POST", "/api/sessions", {}, AUTH)
    sid = str(created.get("id", "nonexistent"))
    cookie = f"{guard.COOKIE_PREFIX}{port}={guard.session_value(TOKEN)}"
    own = f"http://127.0.0.1:{port}"
    cases: list[tuple[str, str, dict[str, str], bool]] = []
    for origin in ("http://evil.example", "null", f"http://localhost:{port + 1}",
                   f"http://127.0.0.1:{port}.evil.example", "file://"):
        cases.append((f"Origin {origin}", f"127.0.0.1:{port}",
                      {"Origin": origin, "Authorization": f"token {TOKEN}"}, False))
        cases.append((f"Origin {origin} + cookie", f"127.0.0.1:{port}",
                      {"Origin": origin, "Cookie": cookie}, False))
    for host in ("evil.example", f"127.0.0.1:{port + 1}", f"localhost.evil.example:{port}"):
        cases.append((f"Host {host}", host, {"Origin": own, "Cookie": cookie,
                                            "Authorization": f"token {TOKEN}"}, False))
    cases.append(("no token", f"127.0.0.1:{port}", {"Origin": own}, False))
    cases.append(("wrong token", f"127.0.0.1:{port}", {"Origin": own,
                                                     "Authorization": "token nope"}, False))
    cases.append(("raw token cookie", f"127.0.0.1:{port}",
                  {"Origin": own, "Cookie": f"{guard.COOKIE_PREFIX}{port}={TOKEN}"}, False))
    cases.append(("its own page", f"127.0.0.1:{port}", {"Origin": own, "Cookie": cookie}, True))
    for what, host, headers, allowed in cases * (1 if QUICK else 4):
        sock = socket.create_connection(("127.0.0.1", port), timeout=15)
        try:
            sock.sendall((f"GET /api/sessions/{sid}/stream HTTP/1.1\r\nHost: {host}\r\n"
                          "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          "Sec-WebSocket-Version: 13\r\n"
                          + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
                          + "\r\n").encode())
            answer = sock.recv(4096)
        except OSError:
            answer = b""
        finally:
            sock.close()
        found = re.match(rb"HTTP/1\.1 (\d{3})", answer)
        status = int(found.group(1)) if found else 0
        count(status)
        expect(f"socket '{what}' -> {status}", (status == 101) == allowed)
    call(port, "DELETE", f"/api/sessions/{sid}", None, AUTH)


def pages(port: int) -> None:
    """Every lesson page and static file with the token: all must be served."""
    from neuronlab.lab.course.pages import LESSONS
    from neuronlab.lab.explore import endpoints as explorer
    paths = ["/", "/explore", "/widgets"] + [f"/lessons/{lesson.slug}" for lesson in LESSONS]
    paths += [f"/static/{p.name}" for p in sorted(Path(explorer.STATIC).iterdir()) if p.is_file()]

    def attempt(path: str) -> None:
        for method in ("GET", "HEAD"):
            status, _ = send(port, method, path, list(AUTH.items()))
            expect(f"{method} {path} with the token -> {status}", status == 200)
        # the first visit: ?token=... is traded for the cookie and a redirect without it
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("GET", f"{path}?token={TOKEN}")
            answer = conn.getresponse()
            answer.read()
            status, where = answer.status, answer.getheader("Location", "")
            cookie = answer.getheader("Set-Cookie", "")
        except (OSError, http.client.HTTPException):
            status, where, cookie = 0, "", ""
        finally:
            conn.close()
        count(status)
        expect(f"GET {path}?token=... -> {status} {where[:60]!r}",
               status == 303 and TOKEN not in where and where.startswith(path)
               and guard.session_value(TOKEN) in cookie and TOKEN not in cookie)

    in_parallel(attempt, sample(paths, 4))


def tracebacks(log: Path, start: int) -> tuple[int, int]:
    """Tracebacks written to ``log`` after byte ``start``, and the log's size now."""
    data = log.read_bytes()
    return data[start:].count(b"Traceback"), len(data)


def peak_memory(lab: subprocess.Popen[str]) -> str:
    try:
        status = Path(f"/proc/{lab.pid}/status").read_text()
    except OSError:
        return "?"
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return f"{int(found.group(1)) // 1024} MiB" if found else "?"


def table() -> None:
    classes = ["1xx", "2xx", "3xx", "4xx", "5xx", "closed"]
    category("done")  # closes the last category's time
    print(f"{'attack':<28}{'sent':>6}" + "".join(f"{c:>7}" for c in classes)
          + f"{'through':>9}{'tracebacks':>12}{'seconds':>9}")
    total = Tally("total")
    for tally in tallies.values():
        sent = sum(tally.classes.values())
        if not (sent or tally.through or tally.tracebacks or tally.seconds >= 1):
            continue
        print(f"{tally.name:<28}{sent:>6}" + "".join(f"{tally.classes[c]:>7}" for c in classes)
              + f"{len(tally.through):>9}{tally.tracebacks:>12}{tally.seconds:>9.1f}")
        total.classes.update(tally.classes)
        total.through += tally.through
        total.tracebacks += tally.tracebacks
    print(f"{'total':<28}{sum(total.classes.values()):>6}"
          + "".join(f"{total.classes[c]:>7}" for c in classes)
          + f"{len(total.through):>9}{total.tracebacks:>12}")


def main(argv: list[str] | None = None) -> int:
    global QUICK
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="every kind of attack, a few hundred requests in all")
    QUICK = parser.parse_args(argv).quick
    began = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix="lab-attack-"))
    made.append(base)
    try:
        return attack_all(base, began)
    finally:
        for folder in made:
            shutil.rmtree(folder, ignore_errors=True)


def attack_all(base: Path, began: float) -> int:
    root = base / "ws"
    Workspace.create(root)
    log = base / "lab.log"
    lab, port = start_lab(root, log)
    offset = 0
    memory = "?"
    attacks: list[tuple[str, Any]] = [
        ("pages and static files", lambda: pages(port)),
        ("credential variants", lambda: credentials(port)),
        ("foreign Origin", lambda: foreign_origins(port)),
        ("DNS-rebinding Host", lambda: rebinding(port)),
        ("cross-site request shapes", lambda: csrf(port, root)),
        ("path traversal", lambda: traversal(port, base)),
        ("playground WebSocket", lambda: websockets(port)),
        ("malformed bodies, routes", lambda: every_route(port)),
        ("parallel searches", lambda: searches(port)),
        ("hostile exercise files", lambda: exercise_files(port, root)),
        ("100 MB bodies", lambda: big_bodies(port)),
        ("slowloris", lambda: slowloris(port)),
        ("cookie replay (page key)", lambda: cookie_replay(port)),
        ("no Sec-Fetch-Site", lambda: no_fetch_site(port)),
        ("connection flood", lambda: flood(port)),
        ("lone surrogates", lambda: surrogates(port, root)),
        ("odd types in records", lambda: odd_types(port, root)),
        ("forged verdicts", lambda: forgeries(port, root)),
    ]
    try:
        for name, attack in attacks:
            category(name)
            attack()
            time.sleep(0.2)  # let the lab finish writing its log for this attack
            current.tracebacks, offset = tracebacks(log, offset)
        memory = peak_memory(lab)
    finally:
        stop(lab)
    category("after stopping the lab")
    current.tracebacks, offset = tracebacks(log, offset)
    category("two labs, one workspace")
    shared = base / "shared"
    shared.mkdir()
    lost = shared_workspace(shared, base)
    current.tracebacks = sum(tracebacks(p, 0)[0] for p in base.glob("shared*.log"))
    found = sum(t.tracebacks for t in tallies.values())
    sent = sum(statuses.values())
    fives = sum(n for s, n in statuses.items() if s >= 500)
    table()
    print(f"requests sent: {sent} in {time.monotonic() - began:.0f} s; 5xx: {fives}; "
          f"tracebacks: {found}; got through (must not): {len(breaches)}")
    print(f"the lab's peak memory (VmHWM): {memory}; "
          f"recall answers lost by two labs on one workspace: {lost} of 40")
    for line in breaches[:40]:
        print("  -", line)
    if len(breaches) > 40:
        print(f"  ... and {len(breaches) - 40} more")
    return 1 if breaches or found or fives else 0

if __name__ == "__main__":
    sys.exit(main())
