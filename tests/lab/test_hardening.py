"""A lab only its user can drive: the token, bounded work, slots, and bad requests.

Every route must refuse a request without the lab's token; a request may ask for only
so much training, which stops when its client leaves; sessions nobody watches expire;
half-sent requests time out; and no bad request gets a 5xx or leaves a traceback in
the server's log.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.websockets import WebSocketDisconnect
from test_api import BAD_REQUESTS, XOR

from conftest import TOKEN, LiveServer
from neuronlab.lab.explore.views import DEFAULT_LAYER, DEFAULT_NEURON
from neuronlab.lab.playground import session as sessions
from neuronlab.lab.playground.config import PlaygroundConfig
from neuronlab.lab.server import guard
from neuronlab.lab.server.api import STATIC
from neuronlab.lab.server.schema import LIMITS, BadRequest

ws_client = pytest.importorskip("websockets.sync.client")
ws_exceptions = pytest.importorskip("websockets.exceptions")

AUTH = {"Authorization": f"token {TOKEN}"}
# spirals, 2,000 samples (1,800 to train on), batch 1, six hidden layers of 8, 55 epochs:
# 99,000 optimizer steps, many CPU-seconds for one request
EXPENSIVE = {"config": {"dataset": "spirals", "samples": 2000, "train_fraction": 0.9,
                        "batch_size": 1, "hidden": [8] * 6}, "epochs": 55}
HUGE = int("9" * 400)


def wait_until(condition, seconds: float = 5.0) -> float:
    """Poll ``condition`` until it holds; return how long it took."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < seconds, "timed out"
        time.sleep(0.01)
    return time.monotonic() - start


def paths(app) -> Iterator[tuple[str, str]]:
    """(method, path) of every route of the app, with a made-up session id."""
    for route in app.routes:
        if isinstance(route, Route):
            for method in sorted(route.methods or ()):
                if method != "HEAD":
                    yield method, route.path.replace("{id}", "some-id")
        elif isinstance(route, Mount):
            yield "GET", f"{route.path}/app.js"
            yield "GET", f"{route.path}/index.html"
        elif isinstance(route, WebSocketRoute):
            yield "WEBSOCKET", route.path.replace("{id}", "some-id")


# --------------------------------------------------------------------------- token
def test_every_route_and_the_socket_refuse_a_request_without_the_token(anonymous):
    seen = set()
    for method, path in paths(anonymous.app):
        seen.add(method)
        if method == "WEBSOCKET":
            with pytest.raises(WebSocketDisconnect) as refused, \
                    anonymous.websocket_connect(path):
                pass
            assert refused.value.code == 1008 and "token" in refused.value.reason
            continue
        response = anonymous.request(method, path, json={} if method == "POST" else None)
        assert response.status_code == 401, (method, path, response.status_code)
        assert "neuronlab lab --list" in response.text and "token" in response.text
        assert response.text.count("\n") <= 1  # one line
    assert {"GET", "POST", "DELETE", "WEBSOCKET"} <= seen


@pytest.mark.parametrize("headers", [
    {"Authorization": "token wrong"}, {"Authorization": f"Bearer {TOKEN}x"},
    {"Authorization": TOKEN}, {"Cookie": "neuronlab-lab-80=wrong"},
    {"Cookie": f"other={TOKEN}"}, {"Cookie": '"\\x00;;=='},
])
def test_a_wrong_token_is_refused(anonymous, headers):
    assert anonymous.get("/api/meta", headers=headers).status_code == 401


def test_scripts_send_the_token_in_a_header(anonymous):
    assert anonymous.get("/api/meta", headers=AUTH).status_code == 200
    r = anonymous.post("/api/neuron", json=DEFAULT_NEURON, headers=AUTH)
    assert r.status_code == 200 and r.json()["y"] == pytest.approx(1.0)
    assert not anonymous.cookies  # no cookie for header users
    assert anonymous.post(f"/api/neuron?token={TOKEN}", json=DEFAULT_NEURON).status_code == 401


def test_the_token_url_becomes_a_strict_cookie_and_leaves_the_address(anonymous):
    assert anonymous.get("/?token=nope", follow_redirects=False).status_code == 401
    r = anonymous.get(f"/?token={TOKEN}&x=1", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].split("#")[0] == "/?x=1"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"neuronlab-lab-80={guard.session_value(TOKEN)};")
    assert TOKEN not in cookie  # the cookie is not the token
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert anonymous.get("/api/meta").status_code == 200  # the cookie works


def test_the_token_redirect_never_leaves_the_lab():
    keeper = guard.TokenGuard(app=None, token=TOKEN)  # type: ignore[arg-type]
    scope = {"type": "http", "method": "GET", "path": "//evil.example/x", "headers": [],
             "query_string": f"token={TOKEN}".encode(), "server": ("127.0.0.1", 8123)}
    response = keeper._exchange(scope)
    assert response is not None and response.headers["location"].split("#")[0] == "/evil.example/x"


def test_tokens_are_compared_in_constant_time(monkeypatch):
    calls = []

    def spy(a, b):
        calls.append((a, b))
        return a == b

    monkeypatch.setattr(guard.hmac, "compare_digest", spy)
    assert guard.token_matches("abc", "abc") and not guard.token_matches("abd", "abc")
    assert calls == [(b"abc", b"abc"), (b"abd", b"abc")]


def test_every_answer_carries_the_security_headers(client, anonymous):
    for response in (client.get("/"), client.get("/static/app.js"), client.get("/api/meta"),
                     client.post("/api/neuron", json={}), anonymous.get("/api/meta"),
                     client.get("/api/meta", headers={"host": "evil.example"})):
        headers = response.headers
        policy = headers["content-security-policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
        assert "connect-src 'self' ws://127.0.0.1:*" in policy
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


def test_the_page_has_no_inline_script():
    page = (STATIC / "explore.html").read_text()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert scripts and all('src="static/' in attrs and not body.strip()
                           for attrs, body in scripts)
    assert not re.search(r"\son[a-z]+\s*=", page)  # no onclick="..." handlers


def test_every_request_of_the_scripts_is_relative_to_the_lab():
    """Behind JupyterHub the lab lives under a prefix (/user/ada/neuronlab/): a request
    to "/api/..." would reach the hub, not the lab. So every fetch and WebSocket goes
    through labUrl/socketUrl (request, post, get and streamLines use labUrl)."""
    scripts = [p for p in STATIC.rglob("*.js") if "vendor" not in p.parts]
    assert len(scripts) > 10
    for path in scripts:
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(r"\b(fetch|WebSocket|EventSource)\(\s*([^,)]*)", text):
            assert re.match(r"(labUrl|socketUrl)\(", call.group(2)), \
                f"{path.name}: {call.group(0)!r} is not made with labUrl/socketUrl"


def test_token_from_option_environment_or_random(monkeypatch):
    from neuronlab.cli.lab import choose_token, lab_url

    monkeypatch.delenv("NEURONLAB_LAB_TOKEN", raising=False)
    first, second = choose_token(None), choose_token(None)
    assert first != second and len(first) >= 40
    monkeypatch.setenv("NEURONLAB_LAB_TOKEN", "from-env")
    assert choose_token(None) == "from-env" and choose_token("given") == "given"
    with pytest.raises(ValueError, match="non-empty"):
        choose_token(" ")
    assert lab_url("127.0.0.1", 8123, "a/b") == "http://127.0.0.1:8123/?token=a%2Fb"


def test_runtime_file_is_private_and_listed(tmp_path, monkeypatch):
    from neuronlab.lab.server import runtime

    monkeypatch.setenv("NEURONLAB_RUNTIME_DIR", str(tmp_path / "run"))
    path = runtime.write("http://127.0.0.1:8123/?token=abc", 8123)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert runtime.running() == [{"url": "http://127.0.0.1:8123/?token=abc",
                                  "pid": os.getpid(), "port": 8123}]
    stale = path.parent / "lab-999999999.json"
    stale.write_text(json.dumps({"url": "x", "pid": 999999999, "port": 1}))
    assert len(runtime.running()) == 1 and not stale.exists()


def test_the_lab_process_runs_its_matrix_products_on_one_blas_thread(tmp_path):
    """`neuronlab lab` limits its BLAS to one thread before it serves (the server's run
    is replaced here by a report of the limits it starts with)."""
    pytest.importorskip("threadpoolctl")
    code = "\n".join([
        "import json, uvicorn",
        "from threadpoolctl import threadpool_info",
        "def report(self, sockets=None):",
        "    print('BLAS', json.dumps([i['num_threads'] for i in threadpool_info()",
        "                              if i['user_api'] == 'blas']))",
        "uvicorn.Server.run = report",
        "from neuronlab.cli import main",
        "main(['lab', '--no-browser', '--port', '0'])"])
    env = {**os.environ, "NEURONLAB_RUNTIME_DIR": str(tmp_path), "NEURONLAB_LAB_TOKEN": TOKEN,
           "PYTHONPATH": str(Path(guard.__file__).parents[2])}
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.pop(name, None)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60)
    line = next(line for line in done.stdout.splitlines() if line.startswith("BLAS"))
    threads = json.loads(line.split(" ", 1)[1])
    assert threads and set(threads) == {1}, (threads, done.stderr[-2000:])


def test_neuronlab_lab_prints_the_token_url_and_list_prints_it_again(tmp_path):
    env = {**os.environ, "NEURONLAB_RUNTIME_DIR": str(tmp_path), "NEURONLAB_LAB_TOKEN": TOKEN,
           "PYTHONPATH": str(Path(guard.__file__).parents[2])}
    command = [sys.executable, "-m", "neuronlab.cli", "lab", "--no-browser", "--port", "0"]
    lab = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert lab.stdout is not None
        url = None
        deadline = time.monotonic() + 20
        while url is None and time.monotonic() < deadline:
            line = lab.stdout.readline()
            found = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=\S+", line)
            url = found.group(0) if found else None
        assert url == f"http://127.0.0.1:{found.group(1)}/?token={TOKEN}"
        port = int(found.group(1))
        wait_until(lambda: list(tmp_path.glob("lab-*.json")), 10)
        listed = subprocess.run([*command[:4], "--list"], env=env, capture_output=True,
                                text=True, timeout=30)
        assert url in listed.stdout
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        wait_until(lambda: _answers(conn, "/api/meta") == 401, 10)
        conn.request("GET", f"/?token={TOKEN}")
        r = conn.getresponse()
        r.read()
        assert r.status == 303 and "HttpOnly" in (r.getheader("set-cookie") or "")
        conn.close()
    finally:
        lab.send_signal(signal.SIGINT)
        lab.wait(timeout=15)
        if lab.stdout is not None:
            lab.stdout.close()
    assert not list(tmp_path.glob("lab-*.json"))  # removed on exit


def _answers(conn: http.client.HTTPConnection, path: str) -> int:
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    except OSError:
        conn.close()
        return 0


# --------------------------------------------------------------------------- bounded work
def test_the_expensive_request_is_refused_with_the_way_under_the_limit(client):
    r = client.post("/api/sessions", json=EXPENSIVE)
    assert r.status_code == 400
    error = r.json()["error"]
    assert "99000 optimizer steps" in error and "too much work" in error
    most = int(re.search(r"at most (\d+) epochs", error).group(1))
    assert "batch size" in error
    fits = client.post("/api/sessions", json={**EXPENSIVE, "epochs": most})
    assert fits.status_code == 201 and fits.json()["frame"]["epoch"] == most
    over = client.post("/api/sessions", json={**EXPENSIVE, "epochs": most + 1})
    assert over.status_code == 400


def test_work_counts_parameters_times_steps():
    small = sessions.Session(PlaygroundConfig.parse({"hidden": [2]}))
    big = sessions.Session(PlaygroundConfig.parse({"hidden": [8] * 6}))
    assert small.steps_per_epoch() == big.steps_per_epoch()
    assert big.max_epochs() < small.max_epochs()
    assert big.max_epochs() * big.steps_per_epoch() * big.count_params() \
        <= sessions.PARAMETER_STEPS
    with pytest.raises(BadRequest, match="parameters x steps"):
        big.check_epochs(big.max_epochs() + 1)


@pytest.fixture
def unbounded(monkeypatch) -> Iterator[LiveServer]:
    """A lab that accepts the expensive request, to see its work stop when its client
    leaves."""
    monkeypatch.setattr(sessions, "STEPS_PER_REQUEST", 10**9)
    monkeypatch.setattr(sessions, "PARAMETER_STEPS", 10**12)
    server = LiveServer().start()
    try:
        yield server
    finally:
        server.stop()


def test_training_stops_within_a_second_of_its_client_leaving(unbounded):
    lab = unbounded.app.state.sessions
    body = json.dumps(EXPENSIVE).encode()
    sock = socket.create_connection(("127.0.0.1", unbounded.port))
    sock.sendall(f"POST /api/sessions HTTP/1.1\r\nHost: 127.0.0.1:{unbounded.port}\r\n"
                 f"Authorization: token {TOKEN}\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    wait_until(lambda: lab.working == 1)
    time.sleep(0.3)
    sock.close()  # the client leaves
    assert wait_until(lambda: lab.working == 0, 1.0) < 1.0
    wait_until(lambda: len(lab) == 0, 2.0)  # its session is gone too, once the thread ends
    assert "Traceback" not in unbounded.log.text()


def test_streamed_training_stops_when_the_page_leaves(unbounded):
    lab = unbounded.app.state.sessions
    conn = http.client.HTTPConnection("127.0.0.1", unbounded.port, timeout=10)
    conn.request("POST", "/api/sessions", json.dumps({"config": EXPENSIVE["config"]}),
                 {**AUTH, "Content-Type": "application/json"})
    sid = json.loads(conn.getresponse().read())["id"]
    conn.close()
    with ws_client.connect(f"ws://127.0.0.1:{unbounded.port}/api/sessions/{sid}/stream",
                           additional_headers=AUTH) as ws:
        json.loads(ws.recv(timeout=10))
        ws.send(json.dumps({"cmd": "play"}))
        json.loads(ws.recv(timeout=10))
        wait_until(lambda: lab.working == 1)
    wait_until(lambda: lab.working == 0 and len(lab) == 0, 1.0)


# --------------------------------------------------------------------------- slots
def test_sessions_nobody_watches_expire_so_slots_cannot_be_hoarded(client):
    lab = client.app.state.sessions
    lab.unwatched_seconds = 60.0
    ids = []
    for _ in range(LIMITS.sessions):
        made = client.post("/api/sessions", json={})
        assert made.status_code == 201
        ids.append(made.json()["id"])
    full = client.post("/api/sessions", json={})
    assert full.status_code == 429
    assert "limit" in full.json()["error"] and "nobody watches" in full.json()["error"]
    sid = client.post("/api/sessions", json={}).json().get("id")
    assert sid is None

    def age(key: str) -> None:  # as if its last use were two minutes ago (no sleeping)
        lab.get(key).touched -= 120.0

    for key in ids:
        age(key)
    watched = client.post("/api/sessions", json={"config": XOR})
    assert watched.status_code == 201 and len(lab) == 1
    sid = watched.json()["id"]
    with client.websocket_connect(f"/api/sessions/{sid}/stream") as ws:
        ws.receive_json()
        age(sid)  # a watched session stays, however long ago it was last used
        assert client.post("/api/sessions", json={}).status_code == 201
        assert client.get(f"/api/sessions/{sid}").status_code == 200


# --------------------------------------------------------------------------- bad requests
NUMERIC_FIELDS = [
    ("/api/neuron", {**DEFAULT_NEURON, "inputs": [HUGE, 0, 0]}),
    ("/api/neuron", {**DEFAULT_NEURON, "weights": [0, -HUGE, 0]}),
    ("/api/neuron", {**DEFAULT_NEURON, "bias": HUGE}),
    ("/api/layer", {**DEFAULT_LAYER, "biases": [HUGE, 0, 0]}),
    ("/api/layer", {**DEFAULT_LAYER, "inputs": [HUGE, 0, 0, 0]}),
    ("/api/batch", {**DEFAULT_LAYER, "inputs": None, "X": [[HUGE, 0, 0, 0]]}),
    ("/api/batch", {"weights": DEFAULT_LAYER["weights"], "biases": DEFAULT_LAYER["biases"],
                    "X": [[1, 2, 3, 4]], "sample": HUGE}),
    *[("/api/sessions", {"config": {field: HUGE}}) for field in (
        "samples", "noise", "train_fraction", "batch_size", "learning_rate", "l2", "seed")],
    ("/api/sessions", {"config": {"hidden": [HUGE]}}),
    ("/api/sessions", {"epochs": HUGE}),
    ("/api/sessions", {"epochs": -HUGE}),
]


@pytest.mark.parametrize(("path", "body"), NUMERIC_FIELDS)
def test_a_400_digit_number_is_a_4xx(client, path, body):
    body = {k: v for k, v in body.items() if v is not None}
    r = client.post(path, json=body)
    assert r.status_code == 400, r.text
    assert len(r.json()["error"]) < 400


def test_a_400_digit_number_in_a_step_is_a_4xx(client):
    sid = client.post("/api/sessions", json={"config": XOR}).json()["id"]
    r = client.post(f"/api/sessions/{sid}/step", json={"epochs": HUGE})
    assert r.status_code == 400 and "'epochs' must be between" in r.json()["error"]


@pytest.mark.parametrize("origin", ["http://[::1", "http://127.0.0.1:99999999", "http://[",
                                    "http://localhost:x", "::::"])
def test_a_malformed_origin_is_a_4xx(client, origin):
    r = client.post("/api/neuron", json=DEFAULT_NEURON, headers={"origin": origin})
    assert r.status_code == 403 and "Origin" in r.json()["error"]


@pytest.fixture
def quick() -> Iterator[LiveServer]:
    """A live lab that gives a request 0.5 s to arrive."""
    server = LiveServer(request_seconds=0.5).start()
    try:
        yield server
    finally:
        server.stop()


def _closed(sock: socket.socket) -> bytes | None:
    """What the server sent before closing, or None if the connection is still open."""
    sock.settimeout(0.05)
    data = b""
    try:
        while chunk := sock.recv(4096):
            data += chunk
    except TimeoutError:
        return None
    except ConnectionResetError:
        pass
    return data


def test_half_sent_requests_time_out(quick):
    host = f"127.0.0.1:{quick.port}"
    heads = [b"", b"GET /api/meta HTTP/1.1\r\n", f"GET / HTTP/1.1\r\nHost: {host}\r\n".encode(),
             f"POST /api/neuron HTTP/1.1\r\nHost: {host}\r\nAuthorization: token {TOKEN}\r\n"
             "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"in".encode()]
    socks = []
    for i in range(40):
        sock = socket.create_connection(("127.0.0.1", quick.port))
        sock.sendall(heads[i % len(heads)])
        socks.append(sock)
    assert all(_closed(sock) is None for sock in socks[-4:])  # still arriving: open
    time.sleep(1.5)
    answers = [_closed(sock) for sock in socks]
    for sock in socks:
        sock.close()
    assert all(answer is not None for answer in answers), "a half-sent request is still open"
    assert all(a.startswith(b"HTTP/1.1 408") for a in answers[2::4] + answers[3::4])
    conn = http.client.HTTPConnection("127.0.0.1", quick.port, timeout=5)
    conn.request("GET", "/api/meta", headers=AUTH)
    assert conn.getresponse().status == 200  # whole requests still work
    conn.close()
    assert "Traceback" not in quick.log.text()


def _ws(server: LiveServer):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("POST", "/api/sessions", json.dumps({"config": XOR}),
                 {**AUTH, "Content-Type": "application/json"})
    sid = json.loads(conn.getresponse().read())["id"]
    conn.close()
    return ws_client.connect(f"ws://127.0.0.1:{server.port}/api/sessions/{sid}/stream",
                             additional_headers=AUTH, max_size=None)


@pytest.mark.parametrize(("message", "code", "reason"), [
    (b"\x00\x01binary", 1003, "not binary"),
    (b"\xff\xfe not utf-8", 1007, ""),
    ("x" * (LIMITS.message_bytes + 1), 1009, "limited to"),
    ("x" * (1024 * 1024), 1009, ""),
])
def test_wrong_websocket_messages_get_a_clean_close(live_server, message, code, reason):
    with _ws(live_server) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "frame"
        if isinstance(message, bytes) and message.startswith(b"\xff"):
            ws.send(message, text=True)  # a text frame that is not UTF-8
        else:
            ws.send(message)
        with pytest.raises(ws_exceptions.ConnectionClosed) as closed:
            while True:
                ws.recv(timeout=10)
    received = closed.value.rcvd
    assert received is not None and received.code == code, closed.value
    assert reason in received.reason
    wait_until(lambda: len(live_server.app.state.sessions) == 0)
    assert "Traceback" not in live_server.log.text()


def test_no_bad_request_gets_a_5xx_or_a_traceback(quick):
    """Every bad request at once against a real uvicorn; the log must stay clean."""
    statuses = []
    conn = http.client.HTTPConnection("127.0.0.1", quick.port, timeout=10)

    def send(method, path, body=None, headers=None, raw=None, auth=True):
        nonlocal conn
        hdrs = {**(AUTH if auth else {}), **(headers or {})}
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        if data is not None:
            hdrs.setdefault("Content-Type", "application/json")
        try:
            conn.request(method, path, data, hdrs)
            response = conn.getresponse()
            response.read()
            statuses.append((response.status, method, path))
            if response.getheader("connection") == "close":
                conn.close()
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", quick.port, timeout=10)

    for path, body, _ in BAD_REQUESTS:
        send("POST", path, body)
    for path, body in NUMERIC_FIELDS:
        send("POST", path, {k: v for k, v in body.items() if v is not None})
    send("POST", "/api/sessions", EXPENSIVE)
    for raw in (b"{", b"[1, 2]", b"[" * 50_000, b'{"inputs": [NaN]}', b"1" * 5000,
                b"\xff\xfe", b'{"a": ' * 2000):
        send("POST", "/api/neuron", raw=raw)
    send("POST", "/api/neuron", raw=b"x", headers={"Content-Type": "text/plain"})
    send("POST", "/api/neuron", raw=b"{}", headers={"Content-Length": "-1"})
    for origin in ("http://[::1", "null", "http://evil.example", "http://[:::::]:1"):
        send("POST", "/api/neuron", DEFAULT_NEURON, {"Origin": origin})
    for host in ("[::1", "evil.example", "127.0.0.1:99999999999", ":"):
        send("GET", "/api/meta", headers={"Host": host})
    for method, path in paths(quick.app):
        if method != "WEBSOCKET":
            send(method, path, {} if method == "POST" else None, {"Authorization": "token x"})
        if method == "POST":
            send(method, path, {"x": HUGE})
    send("GET", "/static/../../etc/passwd")
    send("GET", "/api/sessions/" + "x" * 5000)
    send("PUT", "/api/neuron", {})
    send("GET", "/?token=" + "x" * 3000, auth=False)
    send("GET", "/", headers={"Cookie": '"\\x00;;==; neuronlab-lab-1=' + "x" * 3000},
         auth=False)
    conn.close()
    for raw in (b"NOT HTTP\r\n\r\n", b"GET / HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n",
                b"GET / HTTP/1.1\r\n" + b"X: " + b"y" * 70_000 + b"\r\n\r\n",
                b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"):  # half-sent
        sock = socket.create_connection(("127.0.0.1", quick.port))
        sock.sendall(raw)
        sock.settimeout(3)
        answer = b""
        try:
            while chunk := sock.recv(4096):
                answer += chunk
        except OSError:
            pass
        sock.close()
        if answer:
            statuses.append((int(answer.split()[1]), "raw", raw[:20].decode("latin-1")))

    assert len(statuses) >= 100
    assert not [s for s in statuses if s[0] >= 500], statuses
    assert all(400 <= s[0] < 500 for s in statuses), [s for s in statuses if s[0] < 400]
    log = quick.log.text()
    assert "Traceback" not in log and not any(r.exc_info for r in quick.log.records), log
