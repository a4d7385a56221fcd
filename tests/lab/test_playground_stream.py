"""The playground's training stream over a real uvicorn server, beyond the request deadline.

A WebSocket outlives the deadline a request has to arrive in; the stream keeps sending
valid frames long after it.
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Iterator

import pytest
from conftest import TOKEN, LiveServer

ws_client = pytest.importorskip("websockets.sync.client")

AUTH = {"Authorization": f"token {TOKEN}"}


@pytest.fixture
def quick() -> Iterator[LiveServer]:
    """A live lab that gives a request 0.5 s to arrive."""
    server = LiveServer(request_seconds=0.5).start()
    try:
        yield server
    finally:
        server.stop()


def test_a_stream_keeps_working_after_the_request_deadline(quick):
    conn = http.client.HTTPConnection("127.0.0.1", quick.port, timeout=10)
    conn.request("POST", "/api/sessions", json.dumps({"config": {"dataset": "xor"}}),
                 {**AUTH, "Content-Type": "application/json"})
    sid = json.loads(conn.getresponse().read())["id"]
    conn.close()
    with ws_client.connect(f"ws://127.0.0.1:{quick.port}/api/sessions/{sid}/stream",
                           additional_headers=AUTH, max_size=None) as ws:
        assert json.loads(ws.recv(timeout=10))["epoch"] == 0
        ws.send(json.dumps({"cmd": "play"}))
        started = time.monotonic()
        epochs = []
        while time.monotonic() - started < 4 * 0.5:  # four request deadlines
            frame = json.loads(ws.recv(timeout=10))
            assert frame["type"] == "frame"
            epochs.append(frame["epoch"])
        ws.send(json.dumps({"cmd": "pause"}))
    assert epochs == sorted(epochs) and epochs[-1] > epochs[0]
    assert "Traceback" not in quick.log.text()
