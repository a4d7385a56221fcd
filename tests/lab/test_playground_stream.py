"""The playground's training stream over a real uvicorn server, beyond the request deadline.

A WebSocket outlives the deadline a request has to arrive in; the stream keeps sending
valid frames long after it.
"""

from __future__ import annotations

import http.client
import itertools
import json
import time
from collections.abc import Iterator

import pytest

from conftest import TOKEN, LiveServer
from neuronlab.lab.playground.stream import EPOCHS_PER_FRAME, IN_FLIGHT

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


def test_a_page_that_says_drawn_never_has_more_than_two_frames_waiting(quick):
    conn = http.client.HTTPConnection("127.0.0.1", quick.port, timeout=10)
    conn.request("POST", "/api/sessions", json.dumps({"config": {"dataset": "xor"}}),
                 {**AUTH, "Content-Type": "application/json"})
    sid = json.loads(conn.getresponse().read())["id"]
    conn.close()
    with ws_client.connect(f"ws://127.0.0.1:{quick.port}/api/sessions/{sid}/stream",
                           additional_headers=AUTH, max_size=None) as ws:
        epochs = [json.loads(ws.recv(timeout=10))["epoch"]]
        ws.send(json.dumps({"cmd": "drawn"}))
        ws.send(json.dumps({"cmd": "play"}))
        for _ in range(3):
            epochs += [json.loads(ws.recv(timeout=10))["epoch"] for _ in range(IN_FLIGHT)]
            with pytest.raises(TimeoutError):  # the page is behind: nothing more comes
                ws.recv(timeout=0.6)
            for _ in range(IN_FLIGHT):
                ws.send(json.dumps({"cmd": "drawn"}))
        ws.send(json.dumps({"cmd": "pause"}))
        while (frame := json.loads(ws.recv(timeout=10)))["playing"]:
            epochs.append(frame["epoch"])
    steps = [b - a for a, b in itertools.pairwise(epochs)]
    assert all(1 <= step <= EPOCHS_PER_FRAME for step in steps), epochs
    assert frame["epoch"] >= epochs[-1]
    assert "Traceback" not in quick.log.text()
