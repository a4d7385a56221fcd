"""How many students one machine holds: simulated students, each with their own lab.

    python benchmarks/classroom.py                       # the steps 10, 20, 40, 60, 80
    python benchmarks/classroom.py --students 10 40 80 --seconds 30
    python benchmarks/classroom.py --rate 2 --kernel-every 0   # heavier sliders, no cells

Each simulated student gets what a JupyterHub gives a student: their own lab, started
the way jupyter-server-proxy starts it (``neuronlab lab --unix-socket``, its token in
the environment, the hub's origin), and their own kernel, started by running a cell.
While all are running, every student moves a slider: ``POST /api/neuron`` at random
times (``--rate`` requests per second on average, Poisson arrivals, one at a time as
the page sends them), and every ``--kernel-every`` seconds runs a small cell
(``np.tanh`` of a 200x200 matrix and a print). Reported for each number of students:

* memory per student: the proportional set size (PSS: shared pages split between the
  processes that share them) of the lab and of its kernel (all its processes), after
  the run;
* CPU per active student: the CPU time the labs and kernels used during the run,
  divided by the run's length and the number of students (in cores);
* the latency of the neuron requests (client side, over the lab's socket): median,
  90th and 99th percentiles.

Then: how many such students a machine with ``--cores`` cores and ``--memory-gib`` GiB
holds, by memory (with ``--jupyter-mib`` for each student's Jupyter server and the
hub's share, and ``--reserve-gib`` kept for the system) and by CPU (the largest step
whose p99 stayed under 100 ms on this machine, if this machine has that many cores).

Not included: the hub's proxies on each request (configurable-http-proxy, and the
student's Jupyter server, which forwards the request to the lab's socket); the
clients run on the same cores as the labs. The machine's load is printed before and
after: other work on the machine makes the percentiles worse, so repeat on a quiet one.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
ORIGIN = "http://hub.example"
NEURON = json.dumps({"inputs": [0.5, -1.0, 2.0], "weights": [0.8, 0.2, -0.5], "bias": 0.1,
                     "activation": "tanh"}).encode()
CELL = ("import numpy as np\nx = np.tanh(np.random.default_rng(0).normal(size=(200, 200)))"
        "\nprint(round(float(x.mean()), 4))")
GOAL_MS = 100.0
TICK = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- processes
def descendants(pid: int) -> list[int]:
    """``pid`` and all its children, grandchildren..."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                text = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(text[text.rindex(")") + 2:].split()[1])
    found, grew = {pid}, True
    while grew:
        grew = False
        for child, parent in parents.items():
            if parent in found and child not in found:
                found.add(child)
                grew = True
    return sorted(found)


def pss_mib(pids: list[int], field: str = "Pss:") -> float:
    """Memory of ``pids`` in MiB: proportional (``Pss:``) or resident (``Rss:``)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith(field):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()
        total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return total / TICK


@dataclass
class Lab:
    """One student's lab on its own unix socket."""

    folder: Path
    lessons: Path | None = None  # a folder of prepared lessons (NEURONLAB_CACHE_DIR), or none
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    process: subprocess.Popen[bytes] | None = None

    @property
    def socket(self) -> str:
        return str(self.folder / "s")

    def start(self) -> None:
        self.folder.mkdir(mode=0o700, parents=True)
        env = {**os.environ, "NEURONLAB_LAB_TOKEN": self.token, "HOME": str(self.folder),
               "PYTHONPATH": str(SRC), "NEURONLAB_MAX_KERNELS": "2"}
        for name in ("NEURONLAB_WORKSPACE", "NEURONLAB_CACHE_DIR", "XDG_CACHE_HOME"):
            env.pop(name, None)  # a cache of rendered lessons only in the student's home...
        if self.lessons is not None:  # ...or the class's prepared one
            env["NEURONLAB_CACHE_DIR"] = str(self.lessons)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "neuronlab", "lab", "--no-browser", "--unix-socket",
             self.socket, "--allow-origin", ORIGIN],
            cwd=self.folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True)

    def stop(self) -> None:
        if self.process is None:
            return
        pids = descendants(self.process.pid)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid in pids[1:]:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)


# --------------------------------------------------------------------------- HTTP
class Client:
    """One keep-alive HTTP/1.1 connection to a lab's unix socket."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used = 0.0

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        """Send one request; a connection the lab closed (it keeps idle ones 5 s) is
        opened again, as a browser does."""
        try:
            return await self._request(method, path, body)
        except (ConnectionError, asyncio.IncompleteReadError, IndexError):
            if self.writer is not None:
                self.writer.close()
            self.writer = None
            return await self._request(method, path, body)

    async def _request(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is not None and time.monotonic() - self.used > 4.0:
            self.writer.close()  # the lab closes connections idle for 5 s
            self.writer = None
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_unix_connection(self.lab.socket)
        assert self.reader is not None
        head = (f"{method} {path} HTTP/1.1\r\nHost: hub.example\r\nOrigin: {ORIGIN}\r\n"
                f"Authorization: token {self.lab.token}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        self.writer.write(head + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        length, closing = 0, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and "close" in value.lower():
                closing = True
        data = await self.reader.readexactly(length) if length else b""
        if closing:
            self.writer.close()
        self.used = time.monotonic()
        return int(status_line.split()[1]), data


async def wait_ready(lab: Lab, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if lab.process is not None and lab.process.poll() is not None:
            raise RuntimeError(f"a lab exited: {lab.process.stderr.read().decode()[-800:]}"
                               if lab.process.stderr else "a lab exited")
        try:
            status, _ = await Client(lab).request("GET", "/api/meta")
            if status == 200:
                return
        except OSError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError(f"a lab did not answer within {seconds:g} s")


async def run_cell(client: Client, page: str) -> None:
    body = json.dumps({"code": CELL}).encode()
    status, data = await client.request("POST", f"/api/kernels/{page}/run", body)
    if status != 200:
        raise RuntimeError(f"running a cell answered {status}: {data[:300]!r}")


async def student(lab: Lab, rate: float, kernel_every: float, until: float,
                  latencies: list[float], rng: random.Random) -> None:
    client, page = Client(lab), f"student-{lab.folder.name}"
    next_cell = time.monotonic() + rng.uniform(0, kernel_every) if kernel_every else None
    while time.monotonic() < until:
        await asyncio.sleep(rng.expovariate(rate))
        if next_cell is not None and time.monotonic() >= next_cell:
            await run_cell(client, page)
            next_cell += kernel_every
        start = time.perf_counter()
        status, data = await client.request("POST", "/api/neuron", NEURON)
        latencies.append((time.perf_counter() - start) * 1000)
        if status != 200:
            raise RuntimeError(f"/api/neuron answered {status}: {data[:300]!r}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


@dataclass
class Step:
    students: int
    requests: int
    p50: float
    p90: float
    p99: float
    lab_mib: float
    kernel_mib: float
    cores_per_student: float
    rss_mib: float  # lab + kernel, resident, pages shared with other students counted fully
    startup_cpu: float  # CPU-seconds per student from the lab's start to the measured run


async def one_step(count: int, seconds: float, rate: float, kernel_every: float,
                   folder: Path, seed: int, lessons: Path | None) -> Step:
    labs = [Lab(folder / f"s{count}-{i:03d}", lessons) for i in range(count)]
    try:
        for lab in labs:
            lab.start()
        await asyncio.gather(*(wait_ready(lab, 120) for lab in labs))
        # each student opens a lesson page and runs a first cell: a kernel each
        clients = [Client(lab) for lab in labs]
        for client in clients:
            status, _ = await client.request("GET", "/lessons/the-neuron")
            if status != 200:
                raise RuntimeError(f"the lesson page answered {status}")
        for lab, client in zip(labs, clients):
            await run_cell(client, f"student-{lab.folder.name}")
        pids = [descendants(lab.process.pid) for lab in labs if lab.process is not None]
        before = sum(cpu_seconds(p) for p in pids)
        latencies: list[float] = []
        rng = random.Random(seed)
        started = time.monotonic()
        await asyncio.gather(*(student(lab, rate, kernel_every, started + seconds, latencies,
                                       random.Random(rng.random())) for lab in labs))
        elapsed = time.monotonic() - started
        pids = [descendants(lab.process.pid) for lab in labs if lab.process is not None]
        used = sum(cpu_seconds(p) for p in pids) - before
        lab_mib = statistics.median(pss_mib(p[:1]) for p in pids)
        kernel_mib = statistics.median(pss_mib(p[1:]) for p in pids)
        rss_mib = statistics.median(pss_mib(p, "Rss:") for p in pids)
        return Step(count, len(latencies), percentile(latencies, 50),
                    percentile(latencies, 90), percentile(latencies, 99), lab_mib, kernel_mib,
                    used / elapsed / count, rss_mib, before / count)
    finally:
        for lab in labs:
            lab.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, nargs="+", default=[10, 20, 40, 60, 80])
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each step")
    parser.add_argument("--rate", type=float, default=1.0,
                        help="neuron requests per second per student (1)")
    parser.add_argument("--kernel-every", type=float, default=20.0,
                        help="seconds between a student's cells (20; 0: none after the first)")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--memory-gib", type=float, default=24.0)
    parser.add_argument("--reserve-gib", type=float, default=2.0,
                        help="memory kept for the system and the hub itself (2)")
    parser.add_argument("--jupyter-mib", type=float, default=None,
                        help="memory of one student's Jupyter server (default: measured)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lessons", choices=["prepared", "cold"], default="prepared",
                        help="prepared (default): the lessons rendered once for the class "
                             "(`neuronlab lab --prepare`, NEURONLAB_CACHE_DIR); cold: each lab "
                             "renders them itself when its student opens a first lesson")
    args = parser.parse_args(argv)
    print(f"load before: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores here")
    jupyter = args.jupyter_mib if args.jupyter_mib is not None else jupyter_server_mib()
    steps = []
    with tempfile.TemporaryDirectory(prefix="nl-class-") as folder:
        lessons = prepare(Path(folder) / "lessons") if args.lessons == "prepared" else None
        for count in args.students:
            step = asyncio.run(one_step(count, args.seconds, args.rate, args.kernel_every,
                                        Path(folder), args.seed, lessons))
            steps.append(step)
            print(f"{step.students:4d} students  {step.requests:6d} requests  "
                  f"p50 {step.p50:6.1f} ms  p90 {step.p90:6.1f} ms  p99 {step.p99:6.1f} ms  "
                  f"lab {step.lab_mib:5.0f} MiB  kernel {step.kernel_mib:5.0f} MiB PSS "
                  f"({step.rss_mib:4.0f} MiB RSS)  "
                  f"CPU {step.cores_per_student * 1000:5.1f} millicores/student  "
                  f"start-up {step.startup_cpu:4.1f} CPU-s/student", flush=True)
    print(f"load after: {os.getloadavg()[0]:.2f} (1 min)")
    per_student = statistics.median(s.lab_mib + s.kernel_mib for s in steps) + jupyter
    by_memory = int((args.memory_gib - args.reserve_gib) * 1024 // per_student)
    cores_each = statistics.median(s.cores_per_student for s in steps)
    fine = [s.students for s in steps if s.p99 < GOAL_MS]
    print(f"\nper active student: {per_student:.0f} MiB (lab + kernel + {jupyter:.0f} MiB "
          f"Jupyter server), {cores_each * 1000:.1f} millicores at {args.rate:g} neuron "
          f"requests/s and a cell every {args.kernel_every:g} s")
    print(f"a {args.cores}-core, {args.memory_gib:g} GiB machine: {by_memory} students by "
          f"memory; by CPU {int(args.cores / cores_each)} at full use of every core")
    if os.cpu_count() == args.cores:
        print(f"p99 < {GOAL_MS:g} ms held here up to {max(fine) if fine else 0} of the steps "
              f"{args.students} ({'all held' if len(fine) == len(steps) else 'see above'})")
    return 0


def prepare(folder: Path) -> Path:
    """Render the lessons once for the class, as docs/classroom.md says; the folder."""
    env = {**os.environ, "NEURONLAB_CACHE_DIR": str(folder), "PYTHONPATH": str(SRC)}
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "neuronlab", "lab", "--prepare"], env=env,
                   check=True, stdout=subprocess.DEVNULL)
    used = resource_children_cpu()
    print(f"lessons prepared once for the class in {time.monotonic() - started:.1f} s "
          f"({used:.1f} CPU-s)")
    return folder


def resource_children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def jupyter_server_mib() -> float:
    """PSS of a Jupyter server with jupyter-server-proxy loaded, as each student has one
    under JupyterHub (0 when jupyter_server is not installed)."""
    if shutil.which("jupyter-server") is None and not _has("jupyter_server"):
        return 0.0
    with tempfile.TemporaryDirectory(prefix="nl-js-") as home:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", "--no-browser", "--port=0",
             "--ServerApp.token=x", "--allow-root", f"--ServerApp.root_dir={home}"],
            cwd=home, env={**os.environ, "HOME": home, "JUPYTER_RUNTIME_DIR": home},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        try:
            assert process.stderr is not None
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                line = process.stderr.readline().decode(errors="replace")
                if "http://" in line or not line:
                    break
            time.sleep(1.0)
            return pss_mib(descendants(process.pid))
        finally:
            process.terminate()
            process.wait(timeout=20)


def _has(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    raise SystemExit(main())
