"""Fixtures for the lab: an in-process client and a real server on a free local port.

Both use the lab's token as a learner's browser does: the client opens the URL with
``?token=...`` once and keeps the cookie it gets; ``anonymous`` has no token at all.
"""

from __future__ import annotations

import logging
import threading
import time
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from neuronlab.cli.lab import bind
from neuronlab.lab import create_app
from neuronlab.lab.server import uvicorn_config

with warnings.catch_warnings():
    # Starlette 1.x asks for the `httpx2` package in its TestClient and warns once, at
    # import, when it finds `httpx` instead; the client works the same with either.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

TOKEN = "test-token-0123456789abcdef"


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(testing=True, token=TOKEN)) as test_client:
        first = test_client.get(f"/?token={TOKEN}", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"] == "/"
        assert test_client.cookies, "the token was not exchanged for a cookie"
        yield test_client


@pytest.fixture
def anonymous() -> Iterator[TestClient]:
    with TestClient(create_app(testing=True, token=TOKEN)) as test_client:
        yield test_client


class LogRecords(logging.Handler):
    """Every log record of the server, to check that no request caused a traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def text(self) -> str:
        formatter = logging.Formatter("%(levelname)s %(name)s: %(message)s")
        return "\n".join(formatter.format(record) for record in self.records)


class LiveServer:
    """The lab served by uvicorn in a background thread on 127.0.0.1:<free port>."""

    def __init__(self, request_seconds: float = 5.0, **options: Any) -> None:
        self.token = TOKEN
        self.app = create_app(token=self.token)
        self.sock = bind("127.0.0.1", 0)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.token_url = f"{self.url}/?token={self.token}"
        self.log = LogRecords()
        config = uvicorn_config(self.app, request_seconds=request_seconds, **options)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the lab server did not start")
            time.sleep(0.02)
        for name in ("", "uvicorn", "uvicorn.error", "uvicorn.asgi", "asyncio", "starlette"):
            logging.getLogger(name).addHandler(self.log)
        return self

    def stop(self) -> None:
        for name in ("", "uvicorn", "uvicorn.error", "uvicorn.asgi", "asyncio", "starlette"):
            logging.getLogger(name).removeHandler(self.log)
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@pytest.fixture(scope="module")
def live_server() -> Iterator[LiveServer]:
    server = LiveServer().start()
    try:
        yield server
    finally:
        server.stop()
