"""A real `neuronlab lab` process and its kernels: nothing is left once it stops, however
it stops; a kernel is capped in processes, memory and disk; a page's slot is never lost.

Every process the lab starts carries a marker in its environment, so the tests count
them all from /proc (the lab, its janitor, kernel supervisors, kernels, their children in
any session); every file it makes is under the test's own TMPDIR and runtime folder.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="counts processes in /proc")
pytest.importorskip("ipykernel")

TOKEN = "containment-token-0123456789abcdef"
PAGES = [f"page{n}-{'x' * 8}" for n in range(6)]

FORKS = """
import os, subprocess, sys, time
sleeper = [sys.executable, "-c", "import time; time.sleep(600)"]
same_group = subprocess.Popen(sleeper)
new_session = subprocess.Popen(sleeper, start_new_session=True)
in_c = subprocess.Popen([sys.executable, "-c",
                         "import re; re.match(r'(a+)+$', 'a' * 64 + 'b')"])
forked = os.fork()
if forked == 0:
    time.sleep(600)
    os._exit(0)
print(same_group.pid, new_session.pid, in_c.pid, forked)
"""
BUSY = "import re\nre.match(r'(a+)+$', 'a' * 64 + 'b')  # hours in C, holding the GIL"


def marked(marker: str) -> list[int]:
    """Living processes whose environment carries ``marker``."""
    found = []
    needle = f"NEURONLAB_TEST_MARKER={marker}".encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
            state = Path(f"/proc/{entry}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if needle in environ and state != b"Z":
            found.append(int(entry))
    return found


def wait_for(check: Callable[[], Any], seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


class Lab:
    def __init__(self, tmp_path: Path, **env: str) -> None:
        self.marker = uuid.uuid4().hex
        # TMPDIR short enough for the kernels' sockets (at most 107 bytes) however deep
        # pytest's own folder is (parallel runs nest it deeper)
        self.tmp = Path(tempfile.mkdtemp(prefix="lab-", dir="/tmp"))
        self.run_dir = tmp_path / "run"
        tmp_path.mkdir(parents=True, exist_ok=True)
        self.stderr_path = tmp_path / "stderr.txt"
        self.env = {**os.environ, "NEURONLAB_RUNTIME_DIR": str(self.run_dir),
                    "NEURONLAB_LAB_TOKEN": TOKEN, "TMPDIR": str(self.tmp),
                    "NEURONLAB_WORKSPACE": str(tmp_path / "ws"),
                    "NEURONLAB_TEST_MARKER": self.marker, **env}
        with open(self.stderr_path, "wb") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "neuronlab.cli", "lab", "--no-browser", "--port", "0"],
                env=self.env, stdout=subprocess.PIPE, stderr=stderr, text=True)
        assert self.process.stdout is not None
        self.port = 0
        deadline = time.monotonic() + 60
        while not self.port and time.monotonic() < deadline:
            found = re.search(r"http://127\.0\.0\.1:(\d+)/", self.process.stdout.readline())
            self.port = int(found.group(1)) if found else 0
        assert self.port, "the lab did not print its URL"
        wait_for(lambda: self.call("GET", "/api/kernels")[0] == 200, 30)

    def call(self, method: str, path: str, body: Any = None,
             timeout: float = 120) -> tuple[int, Any, int]:
        """(status, JSON answer, bytes of the answer); (0, None, 0) if it did not answer."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Authorization": f"token {TOKEN}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            raw = response.read()
            return response.status, json.loads(raw or b"null"), len(raw)
        except (OSError, http.client.HTTPException, ValueError):
            return 0, None, 0
        finally:
            conn.close()

    def run(self, page: str, code: str) -> tuple[int, Any, int]:
        return self.call("POST", f"/api/kernels/{page}/run", {"code": code})

    def in_background(self, page: str, code: str) -> dict[str, Any]:
        answer: dict[str, Any] = {}

        def go() -> None:
            answer["status"], answer["json"], _ = self.run(page, code)

        thread = threading.Thread(target=go, daemon=True)
        thread.start()
        answer["thread"] = thread
        return answer

    def leftovers(self) -> dict[str, list[Any]]:
        from neuronlab.lab.kernels.containment import cgroup_roots

        groups = [str(g) for root, _ in cgroup_roots()
                  for g in root.glob(f"neuronlab-kernel-{self.process.pid}-*")]
        return {"processes": marked(self.marker),
                "kernel folders": sorted(str(p) for p in self.tmp.glob("neuronlab-kernel-*")),
                "records": sorted(str(p) for p in self.run_dir.glob("lab-*.json")),
                "cgroups": groups}

    def errors(self) -> str:
        """What the lab wrote to its stderr."""
        return self.stderr_path.read_text(errors="replace")

    def stop(self) -> None:
        """Whatever the test did: nothing of this lab stays."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
        if self.process.stdout is not None:
            self.process.stdout.close()
        wait_for(lambda: not marked(self.marker), 10)  # its own cleanup, as after any kill
        for pid in marked(self.marker):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        from neuronlab.lab.server.runtime import remove_folder

        for folder in self.tmp.glob("neuronlab-kernel-*"):
            remove_folder(folder)
        shutil.rmtree(self.tmp, ignore_errors=True)


@pytest.fixture
def start_lab(tmp_path) -> Iterator[Callable[..., Lab]]:
    labs: list[Lab] = []

    def start(**env: str) -> Lab:
        lab = Lab(tmp_path / str(len(labs)), **env)
        labs.append(lab)
        return lab

    yield start
    for lab in labs:
        lab.stop()


def nothing_left(lab: Lab, seconds: float = 10) -> dict[str, list[Any]]:
    """What of the lab is still there after ``seconds`` (at once when nothing is)."""
    def left() -> dict[str, list[Any]]:
        return {kind: found for kind, found in lab.leftovers().items() if found}

    wait_for(lambda: not left(), seconds)
    return left()


# --------------------------------------------------------------------------- stopping
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP,
                                    signal.SIGKILL], ids=lambda s: signal.Signals(s).name)
def test_whatever_stops_the_lab_nothing_of_it_is_left(start_lab, signum) -> None:
    lab = start_lab()
    status, answer, _ = lab.run(PAGES[0], FORKS)
    assert status == 200, answer
    children = [int(pid) for pid in answer["outputs"][0]["text"].split()]
    busy = lab.in_background(PAGES[1], BUSY)  # a second kernel, inside a long C call
    assert wait_for(lambda: any(k.get("running") for k in
                                lab.call("GET", "/api/kernels")[1]["kernels"]), 60)
    before = lab.leftovers()
    assert set(children) <= set(before["processes"])
    assert len(before["kernel folders"]) == 2 and len(before["records"]) == 1
    began = time.monotonic()
    lab.process.send_signal(signum)
    lab.process.wait(timeout=30)
    took = time.monotonic() - began
    left = nothing_left(lab)
    clean = time.monotonic() - began
    print(f"\n{signal.Signals(signum).name}: exited in {took:.2f} s, clean after {clean:.2f} s; "
          f"before: {len(before['processes'])} processes, {len(before['kernel folders'])} "
          f"kernel folders, {len(before['records'])} records, {len(before['cgroups'])} "
          f"cgroups; left: {left or 'nothing'}")
    assert left == {}
    if signum == signal.SIGTERM:
        assert took < 5, f"SIGTERM with a busy cell took {took:.2f} s (the bound is 2 s)"
    busy["thread"].join(timeout=10)


@pytest.mark.parametrize("ending", ["SIGKILL", "page closed"])
def test_without_cgroups_the_supervisor_still_ends_every_process(start_lab, ending) -> None:
    """The subreaper alone (an ordinary user has no cgroups): the same count, 0 left."""
    lab = start_lab(NEURONLAB_KERNEL_NO_CGROUPS="1")
    assert lab.call("GET", "/api/kernels")[1]["contained"] == {
        "processes": False, "memory": False, "disk": False}
    status, answer, _ = lab.run(PAGES[0], FORKS)
    assert status == 200, answer
    assert not lab.leftovers()["cgroups"]
    if ending == "page closed":
        assert lab.call("DELETE", f"/api/kernels/{PAGES[0]}")[:2] == (200, {"closed": True})
        # only the lab and its janitor are left
        assert wait_for(lambda: len(lab.leftovers()["processes"]) == 2, 10), lab.leftovers()
        assert not lab.leftovers()["kernel folders"]
        return
    lab.process.kill()
    lab.process.wait(timeout=30)
    assert nothing_left(lab) == {}


def test_closing_a_page_ends_even_its_new_session_children(start_lab) -> None:
    lab = start_lab()
    status, answer, _ = lab.run(PAGES[0], FORKS)
    assert status == 200, answer
    children = [int(pid) for pid in answer["outputs"][0]["text"].split()]
    assert set(children) <= set(lab.leftovers()["processes"])
    assert lab.call("DELETE", f"/api/kernels/{PAGES[0]}")[:2] == (200, {"closed": True})
    assert wait_for(lambda: len(lab.leftovers()["processes"]) == 2, 10), lab.leftovers()
    assert not lab.leftovers()["kernel folders"] and not lab.leftovers()["cgroups"]


def test_the_next_lab_removes_what_a_dead_one_left(start_lab, tmp_path) -> None:
    lab = start_lab()
    dead = 999_999_999
    stale = lab.tmp / f"neuronlab-kernel-{dead}-abc"
    (stale / "scratch").mkdir(parents=True)
    (stale / "connection.json").write_text("{}")
    lab.run_dir.mkdir(exist_ok=True)
    record = lab.run_dir / f"lab-{dead}.json"
    record.write_text(json.dumps({"url": "http://x/?token=t", "pid": dead, "port": 1}))
    older = lab.tmp / "neuronlab-kernel-k2j4x9aa"  # named as before labs put their pid in
    (older / "scratch").mkdir(parents=True)
    (older / "connection.json").write_text("{}")
    second = subprocess.Popen(
        [sys.executable, "-m", "neuronlab.cli", "lab", "--no-browser", "--port", "0"],
        env=lab.env, stdout=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: not stale.exists() and not record.exists()
                        and not older.exists(), 30)
    finally:
        second.kill()
        second.wait(timeout=30)
        if second.stdout is not None:
            second.stdout.close()


# --------------------------------------------------------------------------- limits
def test_a_kernel_is_capped_in_processes(start_lab) -> None:
    lab = start_lab()
    code = """
import os, time
made, refused = [], None
for _ in range(300):
    try:
        pid = os.fork()
    except OSError as exc:
        refused = exc
        break
    if pid == 0:
        time.sleep(60)
        os._exit(0)
    made.append(pid)
print(len(made), type(refused).__name__)
for pid in made:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
"""
    status, answer, _ = lab.run(PAGES[0], code)
    assert status == 200, answer
    made, refused = answer["outputs"][0]["text"].split()
    print(f"\nforks: {made} of 300 succeeded, then {refused}")
    from neuronlab.lab.kernels.containment import PROCESSES
    assert int(made) < PROCESSES and refused in ("BlockingIOError", "OSError")


def test_a_kernel_is_capped_in_memory_across_its_processes(start_lab) -> None:
    lab = start_lab(NEURONLAB_KERNEL_MEMORY_MB="512")
    code = """
import subprocess, sys
hog = [sys.executable, "-c", "b = b'x' * (1 << 30); print('held 1 GiB')"]
runs = [subprocess.run(hog, capture_output=True, text=True) for _ in range(4)]
print(sum('held' in r.stdout for r in runs), [r.returncode for r in runs])
"""
    status, answer, _ = lab.run(PAGES[0], code)
    assert status == 200, answer
    text = answer["outputs"][0]["text"]
    peaks = [int((group / "memory.max_usage_in_bytes").read_text())
             for group in map(Path, lab.leftovers()["cgroups"])
             if (group / "memory.max_usage_in_bytes").exists()]
    print(f"\n4 × 1 GiB under a 512 MB total: {text.strip()}; "
          f"peak of the kernel's processes together: {max(peaks, default=0) / 2**20:.0f} MiB")
    assert text.split()[0] == "0"


def test_a_kernel_is_capped_in_disk(start_lab) -> None:
    lab = start_lab(NEURONLAB_KERNEL_DISK_MB="64")
    code = """
written = 0
try:
    for n in range(8):
        with open(f"big{n}", "wb") as out:
            out.write(b"x" * (20 << 20))
        written += 20
except OSError as exc:
    print(written, exc.strerror)
else:
    print(written, "no error")
"""
    status, answer, _ = lab.run(PAGES[0], code)
    assert status == 200, answer
    text = answer["outputs"][0]["text"]
    print(f"\n8 × 20 MB under a 64 MB disk total: {text.strip()}")
    assert int(text.split()[0]) <= 64 and "no error" not in text


# --------------------------------------------------------------------------- slots
def test_closing_a_page_while_its_kernel_starts_stops_it(start_lab) -> None:
    lab = start_lab()
    pending = lab.in_background(PAGES[0], "print(1)")
    assert wait_for(lambda: lab.call("GET", "/api/kernels")[1]["kernels"], 30)
    status, answer, _ = lab.call("DELETE", f"/api/kernels/{PAGES[0]}")
    assert (status, answer) == (200, {"closed": True})
    pending["thread"].join(timeout=90)
    assert pending["status"] == 409, pending
    assert "closed" in pending["json"]["error"]
    assert wait_for(lambda: lab.call("GET", "/api/kernels")[1]["running"] == 0, 10)
    # only the lab and its janitor are left
    assert wait_for(lambda: len(lab.leftovers()["processes"]) == 2, 10)
    assert not lab.leftovers()["kernel folders"]


def test_crashed_pages_do_not_lock_the_others_out(start_lab) -> None:
    lab = start_lab(NEURONLAB_MAX_KERNELS="4", NEURONLAB_KERNEL_STALE_SECONDS="3")
    for page in PAGES[:4]:  # four tabs run a cell, then crash: they never ask again
        assert lab.run(page, "x = 1")[0] == 200
    listed = lab.call("GET", "/api/kernels")[1]
    assert sorted(k["page"] for k in listed["kernels"]) == sorted(PAGES[:4])
    assert all(k["close"] == f"DELETE /api/kernels/{k['page']}" for k in listed["kernels"])
    began = time.monotonic()
    status = 0
    while time.monotonic() - began < 30:
        status, answer, _ = lab.run(PAGES[4], "print('in')")
        if status == 200:
            break
        assert status == 429, answer
        time.sleep(0.5)
    print(f"\na fifth page ran after {time.monotonic() - began:.1f} s (stale after 3 s)")
    assert status == 200


def test_closing_a_page_while_its_cell_runs_answers_cancelled(start_lab) -> None:
    lab = start_lab()
    assert lab.run(PAGES[0], "import time")[0] == 200
    pending = lab.in_background(PAGES[0], "print('started', flush=True)\ntime.sleep(60)")
    assert wait_for(lambda: lab.call("GET", f"/api/kernels/{PAGES[0]}/outputs")[1]
                    .get("running"), 30)
    assert lab.call("DELETE", f"/api/kernels/{PAGES[0]}")[:2] == (200, {"closed": True})
    pending["thread"].join(timeout=30)
    assert pending["status"] == 200, pending
    assert pending["json"]["status"] == "cancelled"
    assert "Traceback" not in lab.errors() and "CancelledError" not in lab.errors()


# --------------------------------------------------------------------------- polling
def test_polling_sends_only_what_is_new(start_lab) -> None:
    lab = start_lab()
    assert lab.run(PAGES[0], "import base64, os, time\n"
                   "from IPython.display import display")[0] == 200
    # 20 MB: 20 figures of 1 MB each (base64), one every 0.1 s, then 100k characters
    code = ("for n in range(20):\n"
            "    display({'image/png': base64.b64encode(os.urandom(750_000)).decode()},"
            " raw=True)\n"
            "    print('line', n, 'x' * 5000, flush=True)\n"
            "    time.sleep(0.1)\n")
    pending = lab.in_background(PAGES[0], code)
    cursor = {"generation": -1, "item": 0, "chars": 0}  # nothing yet
    with_cursor, shown = [], 0
    whole = []
    while pending["thread"].is_alive():
        query = "?" + "&".join(f"{k}={v}" for k, v in cursor.items())
        status, live, size = lab.call("GET", f"/api/kernels/{PAGES[0]}/outputs{query}")
        if status == 200 and live.get("running"):
            with_cursor.append(size)
            cursor = live["cursor"]
            shown += sum(1 for item in live["outputs"] if item["type"] == "image")
            whole.append(lab.call("GET", f"/api/kernels/{PAGES[0]}/outputs")[2])
        time.sleep(0.2)
    pending["thread"].join(timeout=60)
    assert pending["status"] == 200
    print(f"\n{len(with_cursor)} polls: with the cursor at most {max(with_cursor):,} bytes "
          f"({sum(with_cursor):,} in all); without it up to {max(whole):,} "
          f"({sum(whole):,} in all)")
    # each figure and line is sent once: all the polls together carry about what the
    # cell showed (20 MB), where whole answers carry it again and again
    assert sum(with_cursor) < 22_000_000 < sum(whole)
    assert shown <= 20


def test_a_lone_surrogate_printed_by_a_cell_is_shown_not_an_error(start_lab) -> None:
    lab = start_lab()
    status, answer, _ = lab.run(PAGES[0], "print('a\\ud800b')")
    assert status == 200, answer
    assert answer["status"] == "ok", answer
    text = "".join(item.get("text", "") for item in answer["outputs"])
    assert text.strip() in ("a\ufffdb", "a?b") and "Error" not in text, text
    assert "Traceback" not in lab.errors()
    # a cell whose code holds one is refused, saying why
    status, answer, _ = lab.run(PAGES[0], "x = '\ud800'")
    assert status == 400 and "surrogate" in answer["error"], answer


def test_the_janitor_takes_a_zombie_reaped_between_its_two_questions_for_gone(
        monkeypatch) -> None:
    """After a SIGKILL the lab is a zombie until its parent reaps it; if that happens
    between "does it exist?" (yes) and "is it a zombie?" (no longer), the janitor once
    took it for alive, went away and left the lab's record behind."""
    from neuronlab.lab.server import runtime

    answers = iter([True, False])  # exists (a zombie) ... then reaped: gone
    monkeypatch.setattr(runtime, "alive", lambda pid: next(answers))
    monkeypatch.setattr(runtime, "_zombie", lambda pid: False)  # asked after the reaping
    assert runtime.gone_within(12345, 5.0)


def test_the_janitor_waits_for_a_live_lab_and_then_leaves_it_alone() -> None:
    from neuronlab.lab.server import runtime

    assert not runtime.gone_within(os.getpid(), 0.2)  # this process: alive, not a zombie
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    assert runtime.gone_within(child.pid, 10.0)  # ended (a zombie until reaped): gone
    child.wait()
    assert runtime.gone_within(child.pid, 0.2)  # reaped: gone
