"""The kernel and exercise routes: who may call them, and that kernels end when they should.

Every route that runs code needs the lab's token and a same-origin request. A page's
kernel is a real process: it is gone once the page closes, sits idle too long, or the
lab stops, and no more than the bound run however many pages ask at once.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import TOKEN, LiveServer
from neuronlab.lab import create_app
from neuronlab.lab.course.code import ROUTES
from neuronlab.lab.kernels.pool import Kernels
from neuronlab.lab.server.guard import page_key
from neuronlab.learn.catalog import EXERCISES
from neuronlab.learn.workspace import PROGRESS_FILE, Workspace

pytestmark = [pytest.mark.slow, pytest.mark.timeout(400)]

PAGE = "page-0123456789"
SAME_ORIGIN = {"Origin": "http://testserver", "X-Neuronlab-Page": page_key(TOKEN)}
CODE_ROUTES = [
    ("GET", "/api/kernels", None),
    ("POST", f"/api/kernels/{PAGE}/run", {"code": "print(1)"}),
    ("GET", f"/api/kernels/{PAGE}/outputs", None),
    ("POST", f"/api/kernels/{PAGE}/interrupt", {}),
    ("DELETE", f"/api/kernels/{PAGE}", None),
    ("GET", "/api/exercises/neuron", None),
    ("POST", "/api/exercises/neuron/check", {"code": "def neuron(i, w, b):\n    return 0\n"}),
    ("POST", "/api/exercises/neuron/hint", {}),
]

with __import__("warnings").catch_warnings():
    __import__("warnings").filterwarnings("ignore", message="Using `httpx` with")
    from starlette.testclient import TestClient


def kernel_processes() -> list[int]:
    """Kernel processes started from this process (read from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        ppid = next((line.split()[1] for line in status.splitlines()
                     if line.startswith("PPid:")), "")
        state = next((line.split()[1] for line in status.splitlines()
                      if line.startswith("State:")), "")
        if b"neuronlab.lab.kernels.launch" in cmdline and ppid == str(os.getpid()) \
                and state != "Z":
            found.append(int(entry))
    return found


@pytest.fixture
def lab(tmp_path) -> Iterator[TestClient]:
    app = create_app(testing=True, token=TOKEN, workspace=tmp_path / "ws")
    with TestClient(app) as client:
        client.get(f"/?token={TOKEN}", follow_redirects=False)
        yield client
        kernels = getattr(app.state, "kernels", None)
        if kernels is not None:
            kernels.kill_now()


def send(client: TestClient, method: str, path: str, body: Any,
         headers: dict[str, str] | None = None) -> Any:
    if body is None:
        return client.request(method, path, headers=headers)
    return client.request(method, path, json=body, headers=headers)


def test_the_routes_are_the_lab_routes() -> None:
    paths = {route.path for route in ROUTES}  # type: ignore[attr-defined]
    app_paths = {route.path for route in create_app(token="t").routes}  # type: ignore
    assert paths <= app_paths
    assert {path.replace(PAGE, "{page}").replace("neuron", "{name}")
            for _, path, _ in CODE_ROUTES} == paths


@pytest.mark.parametrize("method,path,body", CODE_ROUTES)
def test_no_token_no_code(anonymous, method, path, body) -> None:
    answer = send(anonymous, method, path, body, SAME_ORIGIN)
    assert answer.status_code == 401
    assert "token" in answer.json()["error"]
    assert getattr(anonymous.app.state, "kernels", None) is None


@pytest.mark.parametrize("method,path,body", CODE_ROUTES)
def test_another_site_no_code(lab, method, path, body) -> None:
    evil = send(lab, method, path, body, {"Origin": "http://evil.example"})
    assert evil.status_code == 403 and "Origin" in evil.json()["error"]
    cross = send(lab, method, path, body, {"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403 and "another site" in cross.json()["error"]
    bare = send(lab, method, path, body)  # the cookie, but nothing says where it came from
    assert bare.status_code == 403 and "Origin" in bare.json()["error"]
    kernels = getattr(lab.app.state, "kernels", None)
    assert kernels is None or len(kernels) == 0
    assert not (Path(lab.app.state.workspace) / PROGRESS_FILE).exists()


def test_script_with_the_token_header_may_run(tmp_path) -> None:
    app = create_app(testing=True, token=TOKEN, workspace=tmp_path)
    with TestClient(app) as client:
        try:
            answer = client.get("/api/kernels", headers={"Authorization": f"token {TOKEN}"})
            assert answer.status_code == 200
            assert answer.json()["max"] >= 1
        finally:
            if getattr(app.state, "kernels", None) is not None:
                app.state.kernels.kill_now()


def test_run_interrupt_and_close(lab) -> None:
    answer = lab.post(f"/api/kernels/{PAGE}/run", json={"code": "a = 20\nprint(a)\na + 1"},
                      headers=SAME_ORIGIN)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["started"] is True and data["status"] == "ok"
    assert data["outputs"] == [{"type": "stream", "name": "stdout", "text": "20\n"},
                               {"type": "result", "text": "21"}]
    kernels = lab.app.state.kernels
    (pid,) = kernels.pids()
    assert pid in kernel_processes()
    # the same page, the same namespace; nothing runs, so nothing to interrupt
    again = lab.post(f"/api/kernels/{PAGE}/run", json={"code": "print(a * 2)"},
                     headers=SAME_ORIGIN).json()
    assert again["started"] is False and again["outputs"][0]["text"] == "40\n"
    stop = lab.post(f"/api/kernels/{PAGE}/interrupt", headers=SAME_ORIGIN).json()
    assert stop == {"interrupted": False}
    # the kernel works in its scratch folder, under the checker's limits
    probe = lab.post(f"/api/kernels/{PAGE}/run", headers=SAME_ORIGIN, json={
        "code": "import os, resource\nprint(os.path.basename(os.getcwd()), "
                "resource.getrlimit(resource.RLIMIT_FSIZE)[0], "
                "resource.getrlimit(resource.RLIMIT_AS)[0])"}).json()
    from neuronlab.learn.sandbox import FILE_BYTES, MEMORY_BYTES
    assert probe["outputs"][0]["text"].split() == ["scratch", str(FILE_BYTES),
                                                   str(MEMORY_BYTES)]
    closed = lab.delete(f"/api/kernels/{PAGE}", headers=SAME_ORIGIN)
    assert closed.json() == {"closed": True}
    deadline = time.monotonic() + 10
    while pid in kernel_processes() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pid not in kernel_processes()
    assert len(kernels) == 0 and kernels.pids() == []
    assert lab.delete(f"/api/kernels/{PAGE}", headers=SAME_ORIGIN).json() == {"closed": False}


def test_a_temporary_folder_too_long_for_sockets_is_named_with_the_fix(lab, tmp_path,
                                                                       monkeypatch) -> None:
    """A kernel talks over Unix sockets in a folder under TMPDIR; a socket's path has at
    most 107 bytes on Linux. Under a longer TMPDIR the page says so, and what to do,
    instead of failing with the system's "File name too long"."""
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    answer = lab.post(f"/api/kernels/{PAGE}/run", json={"code": "1"}, headers=SAME_ORIGIN)
    assert answer.status_code == 503
    error = answer.json()["error"]
    assert str(deep) in error and "TMPDIR=/tmp neuronlab lab" in error, error
    assert "File name too long" not in error and "ipykernel" not in error
    assert list(deep.iterdir()) == []  # the kernel's folder is not left behind
    assert lab.app.state.kernels.pids() == []


def test_input_in_a_cell_says_there_is_no_keyboard(lab) -> None:
    from neuronlab.lab.kernels.launch import NO_KEYBOARD

    answer = lab.post(f"/api/kernels/{PAGE}/run", headers=SAME_ORIGIN, json={
        "code": "print('asking')\nname = input('Your name? ')\nprint('never here')"}).json()
    assert answer["status"] == "error"
    error = next(item for item in answer["outputs"] if item["type"] == "error")
    text = error["text"]
    # what the learner reads: where, and the plain message with what to write instead
    assert "line 2 of this cell" in text and "name = input('Your name? ')" in text
    assert text.endswith(NO_KEYBOARD)
    assert "cannot read keyboard input" in text and 'name = "Ada"' in text
    assert "StdinNotImplementedError" not in text and "frontend" not in text
    assert "never here" not in str(answer["outputs"])
    # the kernel goes on: the next cell runs in the same namespace
    after = lab.post(f"/api/kernels/{PAGE}/run", headers=SAME_ORIGIN,
                     json={"code": "name = 'Ada'\nprint(name)"}).json()
    assert after["status"] == "ok" and after["outputs"][0]["text"] == "Ada\n"
    lab.delete(f"/api/kernels/{PAGE}", headers=SAME_ORIGIN)


FIT_CELL = """
print("training", flush=True)
import time
time.sleep(1.5)
from neuronlab import Dense, Sequential, datasets
X, y = datasets.xor()
model = Sequential([Dense(4, activation="tanh", input_shape=(2,)),
                    Dense(1, activation="sigmoid")], seed=0)
model.compile(optimizer="sgd", loss="mse")
history = model.fit(X, y, epochs=50)
"""


def test_a_running_cell_shows_its_output_as_it_goes(lab) -> None:
    idle = lab.get(f"/api/kernels/{PAGE}/outputs", headers=SAME_ORIGIN).json()
    assert idle == {"running": False, "outputs": []}
    result: dict[str, Any] = {}

    def run() -> None:
        result.update(lab.post(f"/api/kernels/{PAGE}/run", json={"code": FIT_CELL},
                               headers=SAME_ORIGIN).json())

    runner = threading.Thread(target=run)
    runner.start()
    seen: dict[str, Any] = {}
    deadline = time.monotonic() + 120
    while runner.is_alive() and time.monotonic() < deadline:
        live = lab.get(f"/api/kernels/{PAGE}/outputs", headers=SAME_ORIGIN).json()
        if live["running"] and live["outputs"]:
            seen = live
            break
        time.sleep(0.05)
    runner.join(timeout=120)
    # While the cell slept, its first print was already there to show.
    assert seen["outputs"][0] == {"type": "stream", "name": "stdout", "text": "training\n"}
    # The progress bar was updated in place: one line, at its last epoch, as text.
    assert result["status"] == "ok", result
    bars = [o for o in result["outputs"] if o["type"] == "display"]
    assert len(bars) == 1 and bars[0]["text"].startswith("Epoch 50/50 ━"), result["outputs"]
    assert "IPython.core.display" not in str(result["outputs"])
    after = lab.get(f"/api/kernels/{PAGE}/outputs", headers=SAME_ORIGIN).json()
    assert after == {"running": False, "outputs": []}


def test_bad_requests_get_messages(lab) -> None:
    bad_page = lab.post("/api/kernels/x/run", json={"code": "1"}, headers=SAME_ORIGIN)
    assert bad_page.status_code == 400 and "page id" in bad_page.json()["error"]
    not_text = lab.post(f"/api/kernels/{PAGE}/run", json={"code": 3}, headers=SAME_ORIGIN)
    assert not_text.status_code == 400 and "'code'" in not_text.json()["error"]
    huge = lab.post(f"/api/kernels/{PAGE}/run", json={"code": "#" * 200_001},
                    headers=SAME_ORIGIN)
    assert huge.status_code == 413
    unknown = lab.post("/api/exercises/nope/check", json={"code": ""}, headers=SAME_ORIGIN)
    assert unknown.status_code == 404 and "neuron" in unknown.json()["error"]
    kernels = getattr(lab.app.state, "kernels", None)
    assert kernels is None or len(kernels) == 0


def test_idle_kernels_stop() -> None:
    async def scenario() -> tuple[list[int], float, list[int]]:
        kernels = Kernels(idle_seconds=1)
        try:
            await kernels.run(PAGE, "x = 1")
            pids = kernels.pids()
            began = time.monotonic()
            while kernels.pids() and time.monotonic() - began < 20:
                await asyncio.sleep(0.05)  # the reaper looks every idle_seconds / 4
            return pids, time.monotonic() - began, kernels.pids()
        finally:
            kernels.kill_now()

    pids, waited, left = asyncio.run(scenario())
    assert len(pids) == 1 and left == []
    assert 0.9 <= waited < 20
    assert not set(pids) & set(kernel_processes())


def test_check_and_hint_use_the_learn_workspace(lab) -> None:
    root = Path(lab.app.state.workspace)
    wrong = lab.post("/api/exercises/neuron/check", headers=SAME_ORIGIN, json={
        "code": "def neuron(inputs, weights, bias):\n"
                "    return sum(x * w for x, w in zip(inputs, weights)) + bias\n"})
    assert wrong.status_code == 200, wrong.text
    data = wrong.json()
    assert data["passed"] is False and data["status"] == "failed"
    case = data["failing"][0]
    assert case["label"] and "expected" in case["message"]
    assert case["mistake"] == "skip the activation (return z itself)"
    assert data["workspace"] == str(root) and data["file"].endswith("01_neuron.py")
    hint = lab.post("/api/exercises/neuron/hint", headers=SAME_ORIGIN).json()
    assert hint["level"] == 1 and hint["shown"] == list(EXERCISES["neuron"].hints[:1])
    right = lab.post("/api/exercises/neuron/check", headers=SAME_ORIGIN, json={
        "code": "def neuron(inputs, weights, bias):\n"
                "    return max(0.0, sum(x * w for x, w in zip(inputs, weights)) + bias)\n"})
    assert right.json()["passed"] is True and right.json()["newly_solved"] is True
    assert "neuron" in Workspace(root).solved()
    info = lab.get("/api/exercises/neuron", headers=SAME_ORIGIN).json()
    assert info["solved"] is True and info["hints_taken"] == 1


def test_the_bound_holds_under_twenty_pages(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("NEURONLAB_MAX_KERNELS", "3")
    live = LiveServer(request_seconds=60.0)
    live.app.state.workspace = tmp_path
    live.start()
    answers: list[httpx.Response] = []
    most = [0]
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            most[0] = max(most[0], len(kernel_processes()))
            time.sleep(0.05)

    def open_page(n: int) -> None:
        with httpx.Client(base_url=live.url, timeout=180,
                          headers={"Authorization": f"token {live.token}"}) as client:
            answers.append(client.post(f"/api/kernels/page-{n:04d}-abcdef/run",
                                       json={"code": f"print({n})"}))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        threads = [threading.Thread(target=open_page, args=(n,)) for n in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(200)
        kernels = live.app.state.kernels
        assert len(kernels) == 3
        assert sorted(a.status_code for a in answers) == [200] * 3 + [429] * 17
        refused = next(a for a in answers if a.status_code == 429).json()["error"]
        assert "3 lesson pages are already running Python" in refused
        assert len(kernel_processes()) == 3
    finally:
        done.set()
        watcher.join()
        kernels = getattr(live.app.state, "kernels", None)
        live.stop()
        if kernels is not None:
            kernels.kill_now()  # what the lab does at exit
    assert most[0] <= 3
    deadline = time.monotonic() + 10
    while kernel_processes() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert kernel_processes() == []
