"""The lab behind JupyterHub's proxy, without a hub: the entry point's contract, the
unix socket, the Host/Origin guard for the hub's address, and grading a class's homes.

The real hub, with two students in chromium, is tests/hub/test_jupyterhub.py.
"""

from __future__ import annotations

import csv
import http.client
import json
import os
import socket
import stat
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from starlette.websockets import WebSocketDisconnect

from neuronlab.hub import ICON, lab_command, setup_neuronlab
from neuronlab.hub.guard import hub_origins
from neuronlab.lab import create_app
from neuronlab.learn.catalog import EXERCISES
from neuronlab.learn.grading import class_in, find_in_home, grade, to_csv
from neuronlab.learn.workspace import Workspace

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

SRC = Path(__file__).resolve().parents[2] / "src"
HUB = "https://hub.school.edu"
NEURON = {"inputs": [1.0, 2.0], "weights": [0.5, -0.25], "bias": 0.1,
          "activation": "sigmoid"}


# --------------------------------------------------------------------------- entry point
def test_the_entry_point_starts_the_lab_on_a_private_socket_with_a_secret():
    config = setup_neuronlab()
    assert config["command"] == lab_command()
    assert config["command"][1:5] == ["-m", "neuronlab", "lab", "--no-browser"]
    assert config["command"][-2:] == ["--unix-socket", "{unix_socket}"]
    assert config["unix_socket"] is True and config["absolute_url"] is False
    assert config["timeout"] >= 30  # the lab's imports, on a server where a class logs in
    secret = config["environment"]["NEURONLAB_LAB_TOKEN"]
    assert len(secret) >= 32 and config["request_headers_override"] == {
        "Authorization": f"token {secret}"}
    assert setup_neuronlab()["environment"]["NEURONLAB_LAB_TOKEN"] != secret  # per server
    entry = config["launcher_entry"]
    assert entry["title"] == "neuronlab" and Path(entry["icon_path"]) == ICON
    assert ICON.is_file() and ICON.read_text().lstrip().startswith("<svg")


def test_jupyter_server_proxy_accepts_the_entry_point():
    proxy = pytest.importorskip("jupyter_server_proxy.config",
                                reason="jupyter-server-proxy is not installed "
                                       "(pip install -e '.[test]')")
    process = proxy.ServerProcess(name="neuronlab", **setup_neuronlab())
    assert process.unix_socket is True and process.timeout >= 30
    assert process.launcher_entry.title == "neuronlab"
    assert process.launcher_entry.path_info == "neuronlab/"
    assert process.launcher_entry.icon_path == str(ICON)


def test_the_kernel_limit_is_per_student_unless_the_hub_sets_it(monkeypatch):
    monkeypatch.delenv("NEURONLAB_MAX_KERNELS", raising=False)
    assert setup_neuronlab()["environment"]["NEURONLAB_MAX_KERNELS"] == "2"
    monkeypatch.setenv("NEURONLAB_MAX_KERNELS", "3")
    assert "NEURONLAB_MAX_KERNELS" not in setup_neuronlab()["environment"]


# --------------------------------------------------------------------------- the guard
def _client(origins: tuple[str, ...], host: str = "hub.school.edu") -> TestClient:
    app = create_app(token="proxy-secret", behind_proxy=origins)
    client = TestClient(app, base_url=f"https://{host}")
    client.headers["Authorization"] = "token proxy-secret"
    return client


def test_behind_the_proxy_the_hubs_host_and_origin_are_accepted():
    with _client((HUB,)) as client:
        assert client.get("/").status_code == 200
        answer = client.post("/api/neuron", json=NEURON, headers={"Origin": HUB})
        assert answer.status_code == 200 and 0 < answer.json()["y"] < 1


def test_behind_the_proxy_other_hosts_and_origins_are_refused():
    with _client((HUB,), host="evil.example") as client:
        answer = client.get("/")
        assert answer.status_code == 400 and "addressed to the hub" in answer.text
    with _client((HUB,)) as client:
        for origin in ("https://evil.example", "http://hub.school.edu", "null"):
            answer = client.post("/api/neuron", json=NEURON, headers={"Origin": origin})
            assert answer.status_code == 403 and "Origin" in answer.json()["error"]
        answer = client.post("/api/neuron", json=NEURON,
                             headers={"Sec-Fetch-Site": "cross-site"})
        assert answer.status_code == 403
        with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect(
                "/api/sessions/x/stream", headers={"Origin": "https://evil.example"}):
            pass
        assert refused.value.code == 1008 and "not allowed" in refused.value.reason


def test_behind_the_proxy_the_proxys_secret_is_needed():
    with _client((HUB,)) as client:
        del client.headers["Authorization"]
        assert client.get("/").status_code == 401
        client.headers["Authorization"] = "token wrong"
        assert client.post("/api/neuron", json=NEURON).status_code == 401


def test_without_a_known_hub_the_origin_must_be_the_pages_own_host():
    with _client(()) as client:
        own = client.post("/api/neuron", json=NEURON, headers={"Origin": "https://hub.school.edu"})
        assert own.status_code == 200
        other = client.post("/api/neuron", json=NEURON, headers={"Origin": "https://evil.example"})
        assert other.status_code == 403


def test_the_hubs_origins_come_from_the_option_the_variable_or_jupyterhub():
    env = {"JUPYTERHUB_PUBLIC_URL": "https://hub.school.edu/user/ada/",
           "NEURONLAB_HUB_ORIGINS": ""}
    assert hub_origins(environ=env) == (HUB,)
    env["NEURONLAB_HUB_ORIGINS"] = "https://a.example, http://b.example:8000"
    assert hub_origins(environ=env) == ("https://a.example", "http://b.example:8000")
    assert hub_origins(["https://c.example:443"], environ=env) == ("https://c.example",)
    with pytest.raises(ValueError, match="hub's address such as https://"):
        hub_origins(["hub.school.edu"], environ={})


# --------------------------------------------------------------------------- the socket
def _start(folder: Path, env_token: str | None, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "HOME": str(folder)}
    env.pop("NEURONLAB_LAB_TOKEN", None)
    if env_token is not None:
        env["NEURONLAB_LAB_TOKEN"] = env_token
    return subprocess.Popen(
        [sys.executable, "-m", "neuronlab", "lab", "--no-browser", "--unix-socket",
         str(folder / "run" / "s"), "--workspace", str(folder / "ws"), *extra],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost")
        self.path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


def _ask(path: str, method: str, url: str, headers: dict[str, str],
         body: bytes | None = None) -> tuple[int, bytes]:
    connection = UnixConnection(path)
    try:
        connection.request(method, url, body=body, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


@pytest.mark.slow
def test_the_lab_serves_a_socket_only_its_owner_can_open(tmp_path):
    (tmp_path / "run").mkdir(mode=0o700)
    process = _start(tmp_path, "socket-secret", "--allow-origin", HUB)
    path = tmp_path / "run" / "s"
    try:
        deadline = time.monotonic() + 60
        while not path.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert path.exists(), process.stdout.read() if process.stdout else ""
        mode = path.stat().st_mode
        assert stat.S_ISSOCK(mode) and stat.S_IMODE(mode) == 0o600
        hub = {"Host": "hub.school.edu", "Authorization": "token socket-secret"}
        status, _ = _ask(str(path), "GET", "/", hub)
        assert status == 200
        status, body = _ask(str(path), "POST", "/api/neuron",
                            {**hub, "Origin": HUB, "Content-Type": "application/json"},
                            json.dumps(NEURON).encode())
        assert status == 200 and "y" in json.loads(body)
        status, _ = _ask(str(path), "GET", "/", {"Host": "hub.school.edu"})
        assert status == 401  # the secret the proxy adds
        status, _ = _ask(str(path), "GET", "/", {**hub, "Host": "127.0.0.1:8000"})
        assert status == 400  # not the hub's address
    finally:
        process.terminate()
        process.communicate(timeout=30)
    assert not path.exists()  # the socket file goes with the lab


def test_the_socket_needs_the_token_and_a_private_folder(tmp_path):
    (tmp_path / "run").mkdir(mode=0o700)
    process = _start(tmp_path, None)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 2 and "NEURONLAB_LAB_TOKEN" in out
    (tmp_path / "run").chmod(0o777)
    process = _start(tmp_path, "t")
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 2 and "others may write to the folder" in out
    assert not (tmp_path / "run" / "s").exists()


# --------------------------------------------------------------------------- grading
def _solve(folder: Path, name: str) -> None:
    workspace, _, _ = Workspace.create(folder)
    workspace.path(EXERCISES[name]).write_text(EXERCISES[name].solution_text(), "utf-8")


def test_grading_a_folder_of_homes_names_each_row_after_its_home(tmp_path):
    homes = tmp_path / "home"
    _solve(homes / "ada" / ".neuronlab" / "course", "neuron")  # where the lab keeps it
    _solve(homes / "bob" / "neuronlab-exercises", "relu")  # where `learn start` puts it
    (homes / "cy").mkdir(parents=True)  # never opened the course
    (homes / "eve").symlink_to(homes / "ada")  # a link is not followed
    recall = {"format": 2, "learner": "0123456789abcdef", "questions": {
        "a": {"lesson": 1, "box": 3, "rating": "got it", "rated_in": 1},
        "b": {"lesson": 1, "box": 1, "rating": "not yet", "rated_in": 1}}}
    (homes / "ada" / ".neuronlab" / "course" / "neuronlab-recall.json").write_text(
        json.dumps(recall))
    found, empty = class_in(homes)
    assert [name for name, _ in found] == ["ada", "bob"] and empty == ["cy"]
    assert find_in_home(homes / "bob") == homes / "bob" / "neuronlab-exercises"
    chosen = [EXERCISES["neuron"], EXERCISES["relu"]]
    rows = grade([w for _, w in found], jobs=1, exercises=chosen,
                 names=[n for n, _ in found])
    text = to_csv(rows, ["neuron", "relu"])
    ada, bob = csv.DictReader(text.splitlines())
    assert (ada["learner"], ada["neuron"], ada["relu"]) == ("ada", "passed", "todo")
    assert (ada["recall_answered"], ada["recall_got_it"]) == ("2", "1")
    assert (bob["learner"], bob["neuron"], bob["relu"]) == ("bob", "todo", "passed")
    assert bob["recall_answered"] == "" and bob["recall_got_it"] == ""


def test_learn_grade_homes_prints_the_table_and_writes_the_csv(tmp_path):
    homes = tmp_path / "home"
    _solve(homes / "ada" / ".neuronlab" / "course", "neuron")
    out = tmp_path / "grades.csv"
    done = subprocess.run(
        [sys.executable, "-m", "neuronlab", "learn", "grade", "--homes", str(homes),
         "--out", str(out), "--jobs", "2"],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "120", "NO_COLOR": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ada" in done.stdout and f"1/{len(EXERCISES)}" in done.stdout
    (row,) = csv.DictReader(out.read_text().splitlines())
    assert row["learner"] == "ada" and row["neuron"] == "passed" and row["solved"] == "1"
    missing = subprocess.run(
        [sys.executable, "-m", "neuronlab", "learn", "grade", "--homes", str(tmp_path / "no")],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(SRC)})
    assert missing.returncode == 2 and "is not a folder" in missing.stdout + missing.stderr
