"""A real JupyterHub on loopback for the classroom tests, and its cleanup.

The hub runs the way a small class runs it: configurable-http-proxy (from npm) in
front, the dummy authenticator (any name; one shared password), a local spawner that
gives each student a home folder under the test's temporary folder, and each student's
own Jupyter server with jupyter-server-proxy, which starts neuronlab from its entry
point on the first visit to ``/user/<name>/neuronlab/``.

Every process started for the hub carries ``NEURONLAB_HUB_TEST=<folder>`` in its
environment; :func:`stray_processes` finds those still alive (and their children), so
the test can stop them and check that none is left.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from importlib.metadata import entry_points
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
PASSWORD = "classroom-password"
MARKER = "NEURONLAB_HUB_TEST"
CHP_VARIABLE = "NEURONLAB_CHP"  # the configurable-http-proxy command, if not found


def missing() -> str | None:
    """Why the hub cannot run here (None: it can)."""
    for module, package in (("jupyterhub", "jupyterhub"),
                            ("jupyter_server_proxy", "jupyter-server-proxy")):
        try:
            __import__(module)
        except ImportError:
            return (f"{package} is not installed: pip install -e '.[test]' (and "
                    "configurable-http-proxy from npm; .ci/run does both)")
    if configurable_http_proxy() is None:
        return ("configurable-http-proxy (npm) is not installed: `npm install --prefix "
                ".ci/node configurable-http-proxy` (as .ci/run does), or put it on PATH, "
                f"or set ${CHP_VARIABLE}")
    if not any(e.name == "neuronlab" for e in entry_points(group="jupyter_serverproxy_servers")):
        return ("neuronlab's jupyter-server-proxy entry point is not registered: install "
                "neuronlab again (pip install -e .) so its entry points are recorded")
    return None


def configurable_http_proxy() -> str | None:
    for found in (os.environ.get(CHP_VARIABLE),
                  str(ROOT / ".ci" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"),
                  shutil.which("configurable-http-proxy")):
        if found and os.access(found, os.X_OK):
            return found
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


CONFIG = """
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.JupyterHub.db_url = "sqlite:///{folder}/hub.sqlite"
c.JupyterHub.cookie_secret_file = "{folder}/cookie_secret"
c.JupyterHub.pid_file = "{folder}/hub.pid"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.pid_file = "{folder}/proxy.pid"
c.ConfigurableHTTPProxy.debug = False
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allow_all = True
c.Authenticator.admin_users = {{"teacher"}}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{folder}/home/{{username}}"
c.Spawner.cmd = [{python!r}, "-m", "jupyterhub.singleuser"]
c.Spawner.args = ["--allow-root"] if {root!r} else []
c.Spawner.default_url = "/neuronlab/"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {environment!r}
c.JupyterHub.tornado_settings = {{"slow_spawn_timeout": 0}}
"""


class Hub:
    """A running JupyterHub: ``url`` is its public address (the proxy's)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.homes = folder / "home"
        self.homes.mkdir(parents=True, exist_ok=True)
        self.log = folder / "hub.log"
        self.process: subprocess.Popen[bytes] | None = None

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
        env[MARKER] = str(self.folder)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(SRC), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))])
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        return env

    def start(self) -> None:
        env = self.environment()
        config = CONFIG.format(
            port=self.port, hub_port=free_port(), api_port=free_port(), folder=self.folder,
            chp=configurable_http_proxy(), password=PASSWORD, python=sys.executable,
            root=os.getuid() == 0,
            environment={MARKER: str(self.folder), "PYTHONPATH": env["PYTHONPATH"],
                         "NEURONLAB_KERNEL_IDLE_SECONDS": "600"})
        (self.folder / "jupyterhub_config.py").write_text(config, encoding="utf-8")
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f",
                 str(self.folder / "jupyterhub_config.py")],
                cwd=self.folder, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub exited:\n{self.tail()}")
            with contextlib.suppress(OSError), urllib.request.urlopen(
                    f"{self.url}/hub/health", timeout=2) as answer:
                if answer.status == 200:
                    return
            time.sleep(0.3)
        raise RuntimeError(f"JupyterHub did not answer within 90 s:\n{self.tail()}")

    def tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> list[str]:
        """Stop the hub (it stops the students' servers and the proxy), then anything
        left that it started; returns what had to be killed."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        deadline = time.monotonic() + 20
        while stray_processes(self.folder) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = stray_processes(self.folder)
        killed = [f"{pid} {cmd}" for pid, cmd in left.items()]
        for pid in left:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        return killed


def _parent(pid: int) -> int | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(text[text.rindex(")") + 2:].split()[1])


def stray_processes(folder: Path) -> dict[int, str]:
    """Living processes started for the hub in ``folder``: those whose environment
    carries the marker, and all their children."""
    marker = f"{MARKER}={folder}".encode()
    alive: dict[int, int | None] = {}
    marked: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        pid = int(entry.name)
        try:
            state = (entry / "stat").read_text()
            if state[state.rindex(")") + 2] == "Z":
                continue  # a zombie holds nothing; its parent reaps it
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        alive[pid] = _parent(pid)
        if marker in environ.split(b"\0"):
            marked.add(pid)
    found = set(marked)
    grew = True
    while grew:
        grew = False
        for pid, parent in alive.items():
            if pid not in found and parent in found:
                found.add(pid)
                grew = True
    out = {}
    for pid in sorted(found):
        with contextlib.suppress(OSError):
            out[pid] = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(
                errors="replace")[:160]
    return out


def api(hub: Hub, path: str, token: str) -> object:
    request = urllib.request.Request(f"{hub.url}/hub/api{path}",
                                     headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())
