"""Fixtures for the lab: an in-process client and a real server on a free local port."""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Iterator

import pytest
import uvicorn

from neuronlab.cli_lab import bind
from neuronlab.lab import create_app

with warnings.catch_warnings():
    # Starlette 1.x asks for the `httpx2` package in its TestClient and warns once, at
    # import, when it finds `httpx` instead; the client works the same with either.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(testing=True)) as test_client:
        yield test_client


class LiveServer:
    """The lab served by uvicorn in a background thread on 127.0.0.1:<free port>."""

    def __init__(self) -> None:
        self.app = create_app()
        self.sock = bind("127.0.0.1", 0)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(self.app, log_level="warning", ws="websockets-sansio",
                                ws_max_size=64 * 1024, lifespan="off")
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
        return self

    def stop(self) -> None:
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
