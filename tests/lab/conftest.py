"""Fixtures for the lab: an in-process client and a real server on a free local port.

Both use the lab's token as a learner's browser does: the client opens the URL with
``?token=...`` once and keeps the cookie it gets; ``anonymous`` has no token at all.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from neuronlab.cli.lab import bind
from neuronlab.lab import create_app
from neuronlab.lab.server.guard import page_key
from neuronlab.lab.server.serve import uvicorn_config

with warnings.catch_warnings():
    # Starlette 1.x asks for the `httpx2` package in its TestClient and warns once, at
    # import, when it finds `httpx` instead; the client works the same with either.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

TOKEN = "test-token-0123456789abcdef"

# The browser tests: Debian's chromium driven by Playwright, never a downloaded browser.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def needs_browser() -> Any:
    """Skip the calling test module unless chromium and Playwright are here.

    Returns ``playwright.sync_api``; call it at module level.
    """
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Debian chromium is not installed at {CHROMIUM}", allow_module_level=True)
    return pytest.importorskip("playwright.sync_api",
                               reason="the playwright Python package is not installed")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One chromium per test module."""
    sync_api = needs_browser()
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Pages:
    """New pages of the lab, in browser contexts a test module shares: one per server and
    window size, signed in with the lab's cookie (``LiveServer.signed_in``).

    A new context has an empty cache: a lesson page then costs chromium about 2 s of CPU
    to load (its scripts fetched and compiled again), against under 1 s in a context that
    has loaded one before. Each page is its own tab (the lab keeps a kernel per page);
    ``close()`` closes the pages a test opened.
    """

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.contexts: dict[tuple[str, int, int], Any] = {}
        self.pages: list[Any] = []

    def new(self, server: LiveServer, width: int = 1280, height: int = 900) -> Any:
        key = (server.url, width, height)
        if key not in self.contexts:
            self.contexts[key] = self.browser.new_context(
                viewport={"width": width, "height": height},
                storage_state=server.signed_in(self.browser))
        page = self.contexts[key].new_page()
        self.pages.append(page)
        return page

    def close(self) -> None:
        for page in self.pages:
            page.close()
        self.pages.clear()


@pytest.fixture(scope="module")
def shared_pages(browser) -> Iterator[Pages]:
    pages = Pages(browser)
    try:
        yield pages
    finally:
        for context in pages.contexts.values():
            context.close()


@pytest.fixture
def pages(shared_pages) -> Iterator[Pages]:
    """``pages.new(server, width, height)``: a new page, closed when the test ends."""
    try:
        yield shared_pages
    finally:
        shared_pages.close()


def screenshot(page: Any, folder: str, name: str) -> None:
    """A full-page screenshot in test-artifacts/<folder>/<name>.png, to look at."""
    (ARTIFACTS / folder).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / folder / f"{name}.png"), full_page=True)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(testing=True, token=TOKEN)) as test_client:
        first = test_client.get(f"/?token={TOKEN}", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"].split("#")[0] == "/"
        assert test_client.cookies, "the token was not exchanged for a cookie"
        # the page's key, which the page's script sends on the routes that run code
        test_client.headers["X-Neuronlab-Page"] = page_key(TOKEN)
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
        self._signed_in: Any = None  # a browser's storage after the token URL: signed_in()
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

    def signed_in(self, browser: Any) -> Any:
        """What a browser holds after opening the token URL (the URL ``neuronlab lab``
        prints): the lab's cookie, and the page key its pages keep in localStorage. Pass
        it as ``storage_state`` to a new browser context, which then starts signed in, as
        a learner's browser does. The token URL is opened once per server, in a context
        of its own."""
        if self._signed_in is None:
            context = browser.new_context()
            try:
                page = context.new_page()
                page.goto(self.token_url)
                page.wait_for_selector("body[data-ready=true]")
                self._signed_in = context.storage_state()
            finally:
                context.close()
        return self._signed_in

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


@pytest.fixture
def open_page(pages, live_server) -> Iterator[Any]:
    """``open_page(hash, width, height)``: the explorer page in a new tab, signed in
    (see ``Pages``).

    The test fails if a page throws or breaks the Content Security Policy.
    """
    errors: list[str] = []

    def open_view(hash_: str, width: int = 1280, height: int = 800) -> Any:
        page = pages.new(live_server, width, height)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda message: errors.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.goto(f"{live_server.url}/explore{hash_}")  # the explorers, with their state
        page.wait_for_selector("body[data-ready=true]")
        return page

    yield open_view
    assert not errors, errors
