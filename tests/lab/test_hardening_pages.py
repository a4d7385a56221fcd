"""The lab against a real server: a cookie another port receives runs nothing, code that
is not valid text saves nothing, odd record files answer with a message, two labs on
one workspace lose no answer, checked code forges no progress, a flood of idle
connections starves no page, and a same-origin GET works without ``Sec-Fetch-Site``."""

from __future__ import annotations

import http.client
import http.server
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, ClassVar

import pytest

from conftest import TOKEN, LiveServer
from neuronlab.lab.course.recall import RECALL_FILE
from neuronlab.lab.server import guard
from neuronlab.learn.catalog import EXERCISES
from neuronlab.learn.lessons import LESSONS
from neuronlab.learn.quiz import QUESTIONS
from neuronlab.learn.workspace import JOURNAL_FILE, PROGRESS_FILE, Workspace

AUTH = {"Authorization": f"token {TOKEN}"}
PAGE = "page-0123456789"
RELU = EXERCISES["relu"]
SOLVED = "def relu(z):\n    return z if z > 0 else 0.0\n"


def call(port: int, method: str, path: str, body: Any = None,
         headers: dict[str, str] | None = None, raw: bytes | None = None
         ) -> tuple[int, dict[str, Any], str]:
    """One request on a fresh connection: (status, JSON answer or {}, text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        sent = {"Content-Type": "application/json", **(headers or {})}
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
    finally:
        conn.close()
    try:
        answer = json.loads(text)
    except ValueError:
        answer = {}
    return response.status, answer if isinstance(answer, dict) else {}, text


def tracebacks(server: LiveServer) -> list[str]:
    return [r.getMessage() for r in server.log.records
            if r.exc_info or "Traceback" in r.getMessage() or r.levelname == "ERROR"]


@pytest.fixture
def lab(tmp_path) -> Iterator[LiveServer]:
    server = LiveServer()
    server.app.state.workspace = tmp_path / "ws"
    server.start()
    try:
        yield server
    finally:
        kernels = getattr(server.app.state, "kernels", None)
        if kernels is not None:
            kernels.kill_now()
        server.stop()
    assert not tracebacks(server), tracebacks(server)


# --------------------------------------------------------------------------- 1: cookie
class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).seen.append(self.headers.get("Cookie", ""))
        body = b"<!doctype html><title>another local service</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_the_cookie_another_port_receives_runs_no_code(lab, browser):
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.seen = []
    thread = threading.Thread(target=other.serve_forever, daemon=True)
    thread.start()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(lab.token_url)
        page.wait_for_selector("body[data-ready=true]")
        assert "#" not in page.url and "token" not in page.url  # key and token left the bar
        key = page.evaluate("localStorage.getItem('neuronlab-page')")
        assert key == guard.page_key(TOKEN)
        # the lab's own page reaches the code routes (its script sends the key)
        status = page.evaluate("""async () => {
            const api = await import('/static/api.js');
            const answer = await api.request('/api/kernels');
            return typeof answer.max; }""")
        assert status == "number"
        page.goto(f"http://127.0.0.1:{other.server_address[1]}/")
        cookie = next(c for c in _Recorder.seen if c)
    finally:
        context.close()
        other.shutdown()
        other.server_close()
    name, _, value = cookie.partition(";")[0].partition("=")
    assert name == f"neuronlab-lab-{lab.port}"  # the browser did send it to the other port
    assert value != TOKEN and value == guard.session_value(TOKEN)
    body = {"code": "open('/tmp/pwned', 'w')"}
    same = {"Origin": lab.url, "Sec-Fetch-Site": "same-origin"}
    for headers in ({"Cookie": cookie}, {"Cookie": cookie, **same},
                    {"Cookie": cookie, "Origin": lab.url}):
        for method, path, data in (("POST", f"/api/kernels/{PAGE}/run", body),
                                   ("GET", f"/api/kernels/{PAGE}/outputs", None),
                                   ("GET", "/api/kernels", None),
                                   ("POST", "/api/exercises/relu/check", {"code": SOLVED}),
                                   ("POST", "/api/exercises/relu/hint", {})):
            status, answer, _ = call(lab.port, method, path, data, headers)
            assert status == 403 and "key" in answer["error"], (headers, path, status)
    for stolen in (value, TOKEN + "x"):  # the cookie's value is not a token
        status, _, _ = call(lab.port, "POST", f"/api/kernels/{PAGE}/run", body,
                            {"Authorization": f"token {stolen}"})
        assert status == 401
    # the pages the cookie opens do not hold the key
    front = call(lab.port, "GET", "/", headers={"Cookie": cookie})[2]
    lesson = re.search(r'href="\./(lessons/[^"]+)"', front)  # links are relative
    assert lesson is not None
    for path in ("/", "/" + lesson.group(1), "/explore", "/static/api.js"):
        status, _, text = call(lab.port, "GET", path, headers={"Cookie": cookie})
        assert status == 200 and guard.page_key(TOKEN) not in text, path
    assert getattr(lab.app.state, "kernels", None) is None or len(lab.app.state.kernels) == 0
    assert not (Path(lab.app.state.workspace) / PROGRESS_FILE).exists()
    # a script with the token itself still works
    assert call(lab.port, "GET", "/api/kernels", headers=AUTH)[0] == 200


# --------------------------------------------------------------------------- 9: GETs
def test_a_same_origin_get_without_sec_fetch_site_works_and_another_site_is_refused(lab):
    cookie = f"neuronlab-lab-{lab.port}={guard.session_value(TOKEN)}"
    key = {"X-Neuronlab-Page": guard.page_key(TOKEN)}
    # an older browser: the cookie and the page's key, no Sec-Fetch-*, no Origin on a GET
    status, answer, _ = call(lab.port, "GET", "/api/kernels", headers={"Cookie": cookie, **key})
    assert status == 200 and answer["max"] >= 1
    status, _, _ = call(lab.port, "GET", "/api/exercises/relu",
                        headers={"Cookie": cookie, **key, "Referer": f"{lab.url}/lessons/2"})
    assert status == 200
    for other in ({"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                  {"Origin": "http://127.0.0.1:1"}, {"Referer": "http://evil.example/"}):
        status, answer, _ = call(lab.port, "GET", "/api/kernels",
                                 headers={"Cookie": cookie, **key, **other})
        assert status == 403 and "lab's own" in answer["error"], other


# --------------------------------------------------------------------------- 4: surrogates
def test_code_with_a_lone_surrogate_is_refused_and_the_file_kept_byte_for_byte(lab):
    workspace = Workspace.create(lab.app.state.workspace)[0]
    path = workspace.path(RELU)
    path.write_text(SOLVED + "# mine\n", "utf-8")
    before = path.read_bytes()
    raw = b'{"code": "def relu(z):\\n    return \\"\\ud800\\"\\n"}'
    status, answer, _ = call(lab.port, "POST", "/api/exercises/relu/check", raw=raw,
                             headers=AUTH)
    assert status == 400 and "surrogate" in answer["error"]
    assert path.read_bytes() == before
    assert not [p.name for p in workspace.root.iterdir() if p.name.endswith(".tmp")]
    status, answer, _ = call(lab.port, "POST", f"/api/kernels/{PAGE}/run", raw=raw,
                             headers=AUTH)
    assert status == 400 and "surrogate" in answer["error"]
    assert getattr(lab.app.state, "kernels", None) is None or len(lab.app.state.kernels) == 0


# --------------------------------------------------------------------------- 5: odd types
ODD_PROGRESS = ['{"format": 1, "exercises": {"relu": {"hints": "two"}}}',
                '{"format": 1, "exercises": {"relu": {"checks": "x"}}}',
                '{"format": 1, "exercises": {"relu": {"hints": 1e999}}}',
                '{"format": 1, "exercises": {"relu": [1]}}']
ODD_RECALL = ['"attempts": "many"', '"attempts": [1]', '"attempts": 1e999']


def test_odd_types_in_the_record_files_answer_with_a_message_never_500(lab):
    root = Path(lab.app.state.workspace)
    workspace = Workspace.create(root)[0]
    workspace.path(RELU).write_text(SOLVED, "utf-8")
    requests = [("GET", "/api/exercises/relu", None), ("POST", "/api/exercises/relu/hint", {}),
                ("POST", "/api/exercises/relu/check", {"code": SOLVED})]
    for text in ODD_PROGRESS:
        for method, path, body in requests:
            (root / PROGRESS_FILE).write_text(text, "utf-8")
            status, answer, _ = call(lab.port, method, path, body, AUTH)
            assert status == 200, (text, path, status)
            assert any("could not be read" in w for w in answer["warnings"]), answer
            kept = sorted(root.glob(f"{PROGRESS_FILE}.broken-*"))
            assert kept and kept[-1].read_text("utf-8") == text
            for stale in kept:
                stale.unlink()
    question = next(q for q in QUESTIONS if not q.graded)
    for field in ODD_RECALL:
        (root / RECALL_FILE).write_text(
            f'{{"format": 2, "learner": "0123456789abcdef", "questions": {{"{question.key}": '
            f'{{"lesson": {question.lesson}, "box": 1, "rating": "not yet", '
            f'"rated_in": {question.lesson}, {field}}}}}}}', "utf-8")
        status, answer, _ = call(lab.port, "POST", "/api/recall",
                                 {"question": question.key, "rating": "partly"}, AUTH)
        assert status == 200 and any("broken" in w for w in answer["warnings"]), answer
        assert list(root.glob(f"{RECALL_FILE}.broken-*"))
        slug = LESSONS[question.lesson - 1].slug
        assert call(lab.port, "GET", f"/lessons/{slug}", headers=AUTH)[0] == 200


# --------------------------------------------------------------------------- 7: records
def _start_lab(workspace: Path, runtime: Path) -> tuple[subprocess.Popen[str], int]:
    env = {**os.environ, "NEURONLAB_RUNTIME_DIR": str(runtime), "NEURONLAB_LAB_TOKEN": TOKEN,
           "PYTHONPATH": str(Path(guard.__file__).parents[2])}
    command = [sys.executable, "-m", "neuronlab.cli", "lab", "--no-browser", "--port", "0",
               "--workspace", str(workspace)]
    lab = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    assert lab.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", lab.stdout.readline())
        if found:
            return lab, int(found.group(1))
    lab.kill()
    raise AssertionError("the lab did not print its URL")


def test_two_labs_on_one_workspace_lose_no_recall_answer(tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    labs = [_start_lab(workspace, tmp_path / f"run{i}") for i in range(2)]
    try:
        questions = QUESTIONS[:40]
        assert len(questions) == 40

        def answer(i: int) -> int:
            question = questions[i]
            body = ({"question": question.key, "reveal": True} if question.graded
                    else {"question": question.key, "rating": "partly"})
            return call(labs[i % 2][1], "POST", "/api/recall", body, AUTH)[0]

        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(answer, range(40)))
        assert statuses == [200] * 40
        record = json.loads((workspace / RECALL_FILE).read_text("utf-8"))
        assert sorted(record["questions"]) == sorted(q.key for q in questions)
        assert not [p.name for p in workspace.iterdir() if p.name.endswith(".tmp")]
    finally:
        for process, _ in labs:
            process.send_signal(signal.SIGINT)
        for process, _ in labs:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()


KILL = ("import os, signal\ndef relu(z):\n    os.kill(os.getppid(), signal.{})\n"
        "    return z if z > 0 else 0.0\n")
KILLS = [KILL.format("SIGTERM"), KILL.format("SIGKILL"),
         "import json\nopen({journal!r}, 'a').write(json.dumps({{'solved': 'xor'}}) + '\\n')\n"
         + SOLVED]


def test_checked_code_never_forges_a_verdict_or_progress(lab):
    root = Path(lab.app.state.workspace)
    Workspace.create(root)
    for source in KILLS:
        code = source.format(journal=str(root / JOURNAL_FILE))
        status, answer, _ = call(lab.port, "POST", "/api/exercises/relu/check",
                                 {"code": code}, AUTH)
        assert status == 200
        solved = Workspace(root).solved()
        assert "xor" not in solved and "xor" not in Workspace(root).journal()
        if "SIG" in source:
            assert not answer["passed"] and "relu" not in solved, answer["headline"]
        else:
            assert answer["passed"] and any("put back" in w for w in answer["warnings"])


# --------------------------------------------------------------------------- 8: floods
def _upgrade(port: int, path: str) -> bytes:
    return (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            f"Sec-WebSocket-Version: 13\r\nAuthorization: token {TOKEN}\r\n\r\n").encode()


def test_a_flood_of_idle_connections_and_closed_sockets_starves_no_page(lab):
    flood: list[socket.socket] = []
    try:
        for i in range(200):  # idle, or a request that never ends
            sock = socket.create_connection(("127.0.0.1", lab.port), timeout=10)
            if i % 2:
                sock.sendall(b"GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            flood.append(sock)
        for _ in range(200):  # sockets the lab closes (no such session) and that never answer
            sock = socket.create_connection(("127.0.0.1", lab.port), timeout=10)
            sock.sendall(_upgrade(lab.port, "/api/sessions/no-such-session/stream"))
            flood.append(sock)
        statuses = [call(lab.port, "GET", "/api/meta", headers=AUTH)[0] for _ in range(20)]
        assert statuses == [200] * 20
        page = call(lab.port, "POST", f"/api/kernels/{PAGE}/run", {"code": "\ud800"}, AUTH)
        assert page[0] == 400  # the code routes answer too (and say what is wrong)
    finally:
        for sock in flood:
            sock.close()
    assert not [r for r in lab.log.records if "concurrency limit" in r.getMessage()]


def test_a_state_change_a_browser_says_came_from_another_site_is_refused_without_origin(lab):
    """Defence in depth: no Origin header, but the browser's Sec-Fetch-Site names another
    site; a recall answer (which needs no page key) must not be recorded."""
    cookie = f"neuronlab-lab-{lab.port}={guard.session_value(TOKEN)}"
    for site in ("cross-site", "same-site"):
        status, answer, _ = call(lab.port, "POST", "/api/recall",
                                 raw=b'{"question": "1-x", "answer": "w and b"}',
                                 headers={"Cookie": cookie, "Sec-Fetch-Site": site,
                                          "Content-Type": "application/json"})
        assert status == 403 and "another site" in answer["error"], (site, status, answer)
    assert not (lab.app.state.workspace / "neuronlab-recall.json").exists()
