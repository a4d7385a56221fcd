"""Replay attacks on the lab's code routes and record files against real labs on loopback.

Starts ``neuronlab lab`` (two of them for the shared-workspace attack) on 127.0.0.1 with
a throwaway workspace, sends a bounded number of requests, and prints the requests
sent, the answers by status, the 5xx count, what got through that must not, and the
tracebacks found in the servers' logs::

    python tools/lab_attack.py
"""

from __future__ import annotations

import collections
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from neuronlab.lab import guard
from neuronlab.lab.recall import RECALL_FILE
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
    statuses[status] += 1
    try:
        answer = json.loads(text)
    except ValueError:
        answer = {}
    return status, answer if isinstance(answer, dict) else {}


def expect(what: str, ok: bool) -> None:
    if not ok:
        breaches.append(what)


def start_lab(workspace: Path, log: Path) -> tuple[subprocess.Popen[str], int]:
    env = {**os.environ, "NEURONLAB_LAB_TOKEN": TOKEN,
           "NEURONLAB_RUNTIME_DIR": tempfile.mkdtemp(prefix="lab-attack-run-")}
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
        for _ in range(2):
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


def main() -> int:
    base = Path(tempfile.mkdtemp(prefix="lab-attack-"))
    root = base / "ws"
    Workspace.create(root)
    log = base / "lab.log"
    lab, port = start_lab(root, log)
    try:
        for attack in (cookie_replay, no_fetch_site, flood):
            attack(port)
        for attack in (surrogates, odd_types, forgeries):
            attack(port, root)
    finally:
        stop(lab)
    shared = base / "shared"
    shared.mkdir()
    lost = shared_workspace(shared, base)
    logs = [p.read_text("utf-8", "replace") for p in base.glob("*.log")]
    found = sum(text.count("Traceback") for text in logs)
    sent = sum(statuses.values())
    print(f"requests sent: {sent}")
    print("answers by status:", dict(sorted(statuses.items())))
    print(f"5xx: {sum(n for s, n in statuses.items() if s >= 500)}")
    print(f"recall answers lost by two labs on one workspace: {lost} of 40")
    print(f"tracebacks in the server logs: {found}")
    print(f"got through (must not): {len(breaches)}")
    for line in breaches[:20]:
        print("  -", line)
    return 1 if breaches or found else 0


if __name__ == "__main__":
    sys.exit(main())
