"""Run a learner's file in a contained process and collect what it reports.

:func:`run` copies the file into a fresh scratch folder, starts
:mod:`neuronlab.learn._child` there in its own session (a supervisor that limits and
later kills everything the learner's code starts) and reads the events it writes to a
pipe. The time limit is kept here, outside the learner's process: a phase deadline
that no event can push back. Everything the run made is gone when :func:`run`
returns: the processes, the scratch folder and the pids cgroup (when one could be made).
What this does and does not protect against is in docs/learn-sandbox.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import select
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._child import set_limits

__all__ = ["set_limits"]  # with the names below: the limits a kernel also runs under

STARTUP_SECONDS = 30.0  # for the child to import neuronlab, even on a busy machine
GRACE_SECONDS = 2.0  # beyond the cases' own time limits, before the child is stopped
OUTPUT_LIMIT = 4000  # characters of printed output kept
EVENTS_LIMIT = 8 * 1024 * 1024  # bytes of events read from the child, at most
MEMORY_BYTES = 4 * 1024**3  # address space of the learner's process
FILE_BYTES = 64 * 1024**2  # the largest file it may write
PROCESSES = 64  # processes it may have at once (beyond those already running)
PREFIX = "neuronlab-sandbox-"


@dataclass
class Run:
    """What one contained run left: events, output, exit code, whether it was stopped."""

    events: list[dict[str, Any]] = field(default_factory=list)
    output: str = ""
    stderr: str = ""
    returncode: int | None = None
    killed_after: float | None = None
    seconds: float = 0.0


def environment() -> dict[str, str]:
    """The child's environment: this neuronlab importable, UTF-8 output, one BLAS thread."""
    env = dict(os.environ)
    root = Path(__file__).resolve().parent.parent.parent  # the folder holding neuronlab/
    installed = {Path(p).resolve() for p in (sysconfig.get_paths().get("purelib"),
                                             sysconfig.get_paths().get("platlib")) if p}
    if root not in installed:  # a source checkout: make sure the child imports this copy
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH", ""))
                                            if p)
    env.update(PYTHONIOENCODING="utf-8", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
               MKL_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONSTARTUP", None)
    return env


def _user_processes() -> int:
    uid, count = os.getuid(), 0
    with contextlib.suppress(OSError):
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with contextlib.suppress(OSError):
                    if os.stat(f"/proc/{entry}").st_uid == uid:
                        count += 1
    return count


def limits(budget: float) -> dict[str, int]:
    """The resource limits of the child (``resource`` names and values)."""
    return {"RLIMIT_CPU": int(budget + STARTUP_SECONDS) + 1, "RLIMIT_AS": MEMORY_BYTES,
            "RLIMIT_FSIZE": FILE_BYTES, "RLIMIT_CORE": 0,
            "RLIMIT_NPROC": _user_processes() + PROCESSES}


# --------------------------------------------------------------------------- cgroup
def _cgroup_root() -> Path | None:
    for root in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
        if (root / "cgroup.procs").is_file() and os.access(root, os.W_OK) and (
                root.name == "pids" or "pids" in _read(root / "cgroup.subtree_control")):
            return root
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def make_cgroup() -> Path | None:
    """A pids cgroup for one run (root or delegated cgroups only), capped at PROCESSES."""
    root = _cgroup_root()
    if root is None:
        return None
    for stale in root.glob(f"{PREFIX}*"):  # left by a checker that was killed
        if not _alive(stale.name):
            remove_cgroup(stale)
    try:
        group = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=root))
    except OSError:
        return None
    try:
        (group / "pids.max").write_text(str(PROCESSES))
    except OSError:
        remove_cgroup(group)
        return None
    return group


def remove_cgroup(group: Path) -> None:
    for _ in range(200):
        pids = [int(p) for p in _read(group / "cgroup.procs").split()]
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        try:
            group.rmdir()
            return
        except OSError:
            time.sleep(0.01)


def _alive(name: str) -> bool:
    """Whether the checker whose pid is in ``name`` (``neuronlab-sandbox-PID-...``) runs."""
    try:
        pid = int(name[len(PREFIX):].split("-", 1)[0])
    except ValueError:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_scratch() -> None:
    """Remove scratch folders left behind by checkers that were killed."""
    for stale in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        if stale.is_dir() and not _alive(stale.name):
            shutil.rmtree(stale, ignore_errors=True)


# --------------------------------------------------------------------------- the run
def _read_capped(path: Path, limit: int = OUTPUT_LIMIT) -> str:
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit * 4)
    except OSError:
        return ""
    return data.decode("utf-8", errors="replace")[:limit]


def _parse(data: bytes) -> list[dict[str, Any]]:
    events = []
    for line in data.decode("utf-8", errors="replace").splitlines():
        try:
            event = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            continue  # a line cut short by a killed process, or not an event at all
        if isinstance(event, dict):
            events.append(event)
    return events


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Ask the supervisor to kill everything it started; then make sure."""
    with contextlib.suppress(OSError):
        process.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=3.0)
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        process.kill()
    process.wait()


def run(source: Path, function: str, cases: list[tuple[str, tuple[Any, ...], str]],
        observer: str, per_case: float) -> Run:
    """Run ``function`` of the file ``source`` on ``cases`` (label, arguments, key)."""
    clean_stale_scratch()
    budget = per_case * (len(cases) + 1) + GRACE_SECONDS  # loading the file, then each case
    scratch = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    group = make_cgroup()
    result = Run()
    began = time.monotonic()
    read_end, write_end = os.pipe()
    process: subprocess.Popen[bytes] | None = None
    try:
        learner = scratch / source.name
        shutil.copyfile(source, learner)
        task = {"file": str(learner), "shown": str(source), "function": function, "cases": cases,
                "observer": observer, "seconds": per_case, "limits": limits(budget),
                "cgroup": str(group) if group else ""}
        with open(scratch / ".out", "wb") as out, open(scratch / ".err", "wb") as err:
            process = subprocess.Popen(
                [sys.executable, "-m", "neuronlab.learn._child", str(write_end)],
                cwd=scratch, stdin=subprocess.PIPE, stdout=out, stderr=err,
                env=environment(), pass_fds=(write_end,), start_new_session=True)
        os.close(write_end)
        write_end = -1
        assert process.stdin is not None
        with contextlib.suppress(OSError):
            process.stdin.write(pickle.dumps(task))
            process.stdin.close()
        result.killed_after = _collect(process, read_end, began, budget, result,
                                       per_case + GRACE_SECONDS)
        result.output = _read_capped(scratch / ".out")
        result.stderr = _read_capped(scratch / ".err")
    finally:
        if write_end >= 0:
            os.close(write_end)
        os.close(read_end)
        if process is not None:
            if process.poll() is None:
                _stop(process)
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)
            result.returncode = process.returncode
        if group is not None:
            remove_cgroup(group)
        shutil.rmtree(scratch, ignore_errors=True)
    result.seconds = time.monotonic() - began
    return result


def _progress(data: bytes, seen: int) -> int:
    """How far the run got: -2 nothing, -1 ready, 0 loaded, k + 1 case k started."""
    for event in _parse(data):
        kind = event.get("event")
        if kind == "ready":
            seen = max(seen, -1)
        elif kind == "loaded":
            seen = max(seen, 0)
        elif kind == "start" and isinstance(event.get("case"), int):
            seen = max(seen, min(int(event["case"]), 10**6) + 1)
    return seen


def _collect(process: subprocess.Popen[bytes], fd: int, began: float, budget: float,
             result: Run, per_phase: float) -> float | None:
    """Read events until the child ends; stop it at the deadline. Returns the seconds it
    was allowed when it had to be stopped.

    Each phase (loading the file, then each case) gets ``per_phase`` seconds from the
    moment the run *moved forward* (a later case started); the whole run never gets
    more than ``budget`` seconds after the learner's code began, whatever it writes.
    """
    data = bytearray()
    seen, open_pipe = -2, True
    deadline, allowed, overall = began + STARTUP_SECONDS, STARTUP_SECONDS, float("inf")
    try:
        while True:
            now = time.monotonic()
            if now > deadline:
                _stop(process)
                data += _drain(fd)
                result.events = _parse(bytes(data[:EVENTS_LIMIT]))
                return allowed
            if open_pipe:
                readable, _, _ = select.select([fd], [], [], min(0.05, deadline - now))
                if readable:
                    chunk = os.read(fd, 65536)
                    if not chunk:
                        open_pipe = False
                    elif len(data) < EVENTS_LIMIT:
                        start = data.rfind(b"\n") + 1
                        data += chunk
                        moved = _progress(bytes(data[start:]), seen)
                        if moved > seen:
                            now = time.monotonic()
                            if seen == -2:  # the learner's code runs from now
                                overall = now + budget
                            seen = moved
                            allowed = min(per_phase, overall - now)
                            deadline = min(now + per_phase, overall)
            else:
                time.sleep(0.01)
            if process.poll() is not None:
                data += _drain(fd)
                break
    except KeyboardInterrupt:
        _stop(process)
        raise
    result.events = _parse(bytes(data[:EVENTS_LIMIT]))
    return None


def _drain(fd: int) -> bytes:
    data = b""
    while len(data) < EVENTS_LIMIT:
        readable, _, _ = select.select([fd], [], [], 0)
        if not readable:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        data += chunk
    return data
