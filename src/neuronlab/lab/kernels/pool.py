"""Python kernels for the lesson pages: one per open page, on the learner's machine.

A lesson page's code cells run in a real IPython kernel (``jupyter_client`` talking to
``ipykernel``), started by :mod:`neuronlab.lab.kernels.launch` with the exercise
checker's limits (memory, processes, file size) in its own scratch folder. The cells
of one page share the kernel, so they share one namespace, as in a notebook.

:class:`Kernels` keeps them:

* a kernel starts when its page runs its first cell, and stops when the page closes
  (``DELETE``), when it has been idle for :data:`IDLE_SECONDS`, or when the lab stops
  (nothing is left running: :meth:`Kernels.kill_now` runs at exit too);
* at most ``max_kernels`` run at once; one page more gets a 429 saying so;
* a cell runs for at most ``cell_seconds``: then it is interrupted, and a kernel that
  does not stop within :data:`GRACE_SECONDS` is restarted, with a note in the output.
  The learner's Stop button interrupts the same way.

All kernel I/O is asynchronous (``AsyncKernelManager`` and its client on zmq.asyncio),
so a running cell never blocks the server. What a cell shows is bounded: text up to
:data:`~neuronlab.lab.kernels.outputs.OUTPUT_CHARS` characters, at most
:data:`~neuronlab.lab.kernels.outputs.MAX_IMAGES` PNG images
(:mod:`~neuronlab.lab.kernels.outputs`); a kernel's cgroups and scratch disk are made by
:mod:`~neuronlab.lab.kernels.containment`.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import os
import queue
import signal
import sys
import tempfile
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..server.schema import BadRequest
from .containment import (
    DISK_MB,
    ENV_NO_CGROUPS,
    MEMORY_MB,
    PREFIX,
    PROCESSES,
    cgroup_roots,
    kernel_environment,
    make_cgroups,
    mount_scratch,
    read,
    remove_cgroups,
)
from .outputs import Outputs, clean_text

MAX_KERNELS = 4
SOCKET_PATH_BYTES = 103 if sys.platform == "darwin" else 107  # a Unix socket's path, at most
CELL_SECONDS = 30.0
IDLE_SECONDS = 600.0
GRACE_SECONDS = 3.0  # after an interrupt, before the kernel is restarted
START_SECONDS = 60.0  # for a kernel to start, even on a busy machine
CODE_CHARS = 100_000
STALE_SECONDS = 90.0  # a page not heard from for this long gives its slot up when needed
HEARTBEAT_SECONDS = 15.0  # how often an open page says it is still there (cells.js)
ENV_STALE_SECONDS = "NEURONLAB_KERNEL_STALE_SECONDS"
ENV_MEMORY_MB = "NEURONLAB_KERNEL_MEMORY_MB"
ENV_DISK_MB = "NEURONLAB_KERNEL_DISK_MB"
ENV_CELL_SECONDS = "NEURONLAB_CELL_SECONDS"
ENV_MAX_KERNELS = "NEURONLAB_MAX_KERNELS"
ENV_IDLE_SECONDS = "NEURONLAB_KERNEL_IDLE_SECONDS"

def _env_number(name: str, default: float, low: float, high: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise BadRequest(f"${name} must be a number of seconds or kernels, got {raw[:20]!r}; "
                         "unset it to use the default.", 500) from None
    return min(max(value, low), high)


@dataclass
class Kernel:
    """One page's kernel: its manager and client, scratch folder, and what it is doing."""

    page: str
    manager: Any  # jupyter_client.AsyncKernelManager
    client: Any  # jupyter_client.AsyncKernelClient
    folder: Path
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_used: float = field(default_factory=time.monotonic)
    running: bool = False
    stop_at: float | None = None  # when an interrupt asked for gives way to a restart
    stopped_by: str = ""  # "you" (Stop) or "the time limit"
    outputs: Outputs | None = None  # what the running cell has shown so far
    cgroups: list[Path] = field(default_factory=list)
    seen: float = field(default_factory=time.monotonic)  # the page's last request
    closed: bool = False  # the page closed while a cell ran

    @property
    def pid(self) -> int | None:
        provisioner = getattr(self.manager, "provisioner", None)
        pid = getattr(provisioner, "pid", None)
        return int(pid) if pid else None


_ALL: weakref.WeakSet[Kernels] = weakref.WeakSet()


def kill_all_now() -> None:
    """Kill every kernel of this process at once (the lab is stopping)."""
    for kernels in list(_ALL):
        kernels.kill_now()


class Kernels:
    """The lab's kernels, one per lesson page, at most ``max_kernels`` at once."""

    def __init__(self, max_kernels: int = MAX_KERNELS, cell_seconds: float = CELL_SECONDS,
                 idle_seconds: float = IDLE_SECONDS) -> None:
        self.max_kernels = max_kernels
        self.cell_seconds = cell_seconds
        self.idle_seconds = idle_seconds
        self._kernels: dict[str, Kernel] = {}
        self._starting: dict[str, asyncio.Future[Kernel]] = {}
        self._reaper: asyncio.Task[None] | None = None
        self._pids: dict[str, tuple[int, Path]] = {}  # for kill_now, which cannot await
        self._groups: dict[str, list[Path]] = {}
        self._cancelled: set[str] = set()  # pages closed while their kernel started
        self.stale_seconds = _env_number(ENV_STALE_SECONDS, STALE_SECONDS, 1, 86400)
        self.memory_mb = int(_env_number(ENV_MEMORY_MB, MEMORY_MB, 64, 1 << 20))
        self.disk_mb = int(_env_number(ENV_DISK_MB, DISK_MB, 1, 1 << 20))
        atexit.register(_kill_at_exit, weakref.ref(self))
        _ALL.add(self)

    @classmethod
    def from_environment(cls) -> Kernels:
        """Settings from ``$NEURONLAB_MAX_KERNELS``, ``$NEURONLAB_CELL_SECONDS`` and
        ``$NEURONLAB_KERNEL_IDLE_SECONDS`` when set (the tests use short limits)."""
        return cls(max_kernels=int(_env_number(ENV_MAX_KERNELS, MAX_KERNELS, 1, 64)),
                   cell_seconds=_env_number(ENV_CELL_SECONDS, CELL_SECONDS, 0.5, 3600),
                   idle_seconds=_env_number(ENV_IDLE_SECONDS, IDLE_SECONDS, 1, 86400))

    # ----------------------------------------------------------------- bookkeeping
    def __len__(self) -> int:
        return len(self._kernels)

    def pages(self) -> list[str]:
        return list(self._kernels)

    def pids(self) -> list[int]:
        return [pid for pid, _ in self._pids.values()]

    def status(self) -> dict[str, Any]:
        now = time.monotonic()
        kernels = [{"page": page, "running": kernel.running,
                    "idle_seconds": round(now - kernel.last_used, 1),
                    "unheard_seconds": round(now - kernel.seen, 1),
                    "close": f"DELETE /api/kernels/{page}"}
                   for page, kernel in self._kernels.items()]
        kernels += [{"page": page, "running": False, "starting": True,
                     "close": f"DELETE /api/kernels/{page}"} for page in self._starting]
        return {"running": len(self._kernels) + len(self._starting), "max": self.max_kernels,
                "cell_seconds": self.cell_seconds, "idle_seconds": self.idle_seconds,
                "stale_seconds": self.stale_seconds, "processes": PROCESSES,
                "memory_mb": self.memory_mb, "disk_mb": self.disk_mb,
                "contained": self.contained(), "kernels": kernels}

    def contained(self) -> dict[str, bool]:
        """Which totals a kernel gets here (cgroups and the tmpfs need root); without
        them only the per-process limits hold."""
        kinds = set().union(*(found for _, found in cgroup_roots()))
        return {"processes": "pids" in kinds, "memory": "memory" in kinds,
                "disk": os.geteuid() == 0 and sys.platform.startswith("linux")
                and os.environ.get(ENV_NO_CGROUPS) != "1"}

    def heard(self, page: str) -> None:
        """The page is still open (it asked for something)."""
        kernel = self._kernels.get(page)
        if kernel is not None:
            kernel.seen = time.monotonic()

    async def _reclaim(self) -> None:
        """Close the kernels of pages not heard from for ``stale_seconds`` (crashed tabs)."""
        now = time.monotonic()
        for page, kernel in list(self._kernels.items()):
            if not kernel.running and now - kernel.seen > self.stale_seconds:
                await self.close(page)

    # ----------------------------------------------------------------- starting
    async def get(self, page: str) -> tuple[Kernel, bool]:
        """The page's kernel, started if it has none; ``(kernel, just started)``."""
        found = self._kernels.get(page)
        if found is not None:
            return found, False
        pending = self._starting.get(page)
        if pending is not None:
            return await asyncio.shield(pending), False
        if len(self._kernels) + len(self._starting) >= self.max_kernels:
            await self._reclaim()
        if len(self._kernels) + len(self._starting) >= self.max_kernels:
            raise BadRequest(
                f"{self.max_kernels} lesson pages are already running Python, the most the "
                "lab runs at once. Close one of them (its kernel stops with it), or run again "
                f"in a little while: a page closed without a word (a crashed tab) gives its "
                f"kernel up after {self.stale_seconds:g} s, an idle one after "
                f"{self.idle_seconds / 60:g} minutes. GET /api/kernels lists them.", 429)
        future: asyncio.Future[Kernel] = asyncio.get_running_loop().create_future()
        self._starting[page] = future
        self._cancelled.discard(page)
        try:
            kernel = await self._start(page)
            if page in self._cancelled:  # the page closed while its kernel started
                await self._shutdown(kernel)
                raise BadRequest("The page was closed while its Python was starting, so it "
                                 "was stopped again; reload the page to run cells.", 409)
        except BaseException as exc:
            future.set_exception(exc if isinstance(exc, Exception) else RuntimeError("stopped"))
            future.exception()  # retrieved: no "never retrieved" warning when nobody waits
            raise
        finally:
            self._starting.pop(page, None)
            self._cancelled.discard(page)
        self._kernels[page] = kernel
        future.set_result(kernel)
        self._ensure_reaper()
        return kernel, True

    async def _start(self, page: str) -> Kernel:
        import zmq.asyncio
        from jupyter_client import AsyncKernelManager
        from jupyter_client.kernelspec import KernelSpecManager

        folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
        sockets = len(os.fsencode(folder / "ipc-5"))  # the longest of the kernel's 5 sockets
        if sockets > SOCKET_PATH_BYTES:
            from ..server.runtime import remove_folder

            remove_folder(folder)
            raise BadRequest(
                f"Python could not be started for this page: the lab's temporary folder "
                f"{tempfile.gettempdir()} is too long a path for the kernel's sockets (they "
                f"would be {sockets} bytes long; at most {SOCKET_PATH_BYTES} work). Start the "
                "lab with a shorter one: TMPDIR=/tmp neuronlab lab", 503)
        scratch = folder / "scratch"
        scratch.mkdir()
        mount_scratch(scratch, self.disk_mb)
        groups = make_cgroups(folder.name, PROCESSES, self.memory_mb * 1024 * 1024)
        self._groups[page] = groups
        env = kernel_environment()
        from .launch import ENV_CGROUPS, ENV_FOLDER, ENV_LAB_PID

        env.update({ENV_LAB_PID: str(os.getpid()), ENV_FOLDER: str(folder),
                    ENV_CGROUPS: os.pathsep.join(str(g) for g in groups)})
        # the kernel's spec in its own folder, seen by this manager only (nothing installed)
        spec = folder / "kernels" / "neuronlab"
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "neuronlab.lab.kernels.launch", "-f",
                     "{connection_file}"],
            "display_name": "neuronlab", "language": "python"}))
        # IPC sockets in the kernel's own folder: no TCP port, even on loopback; a zmq
        # context of its own, destroyed with every socket in it when the kernel goes
        manager = AsyncKernelManager(
            connection_file=str(folder / "connection.json"), transport="ipc",
            ip=str(folder / "ipc"), kernel_name="neuronlab", context=zmq.asyncio.Context(),
            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(folder / "kernels")]))
        client = None
        try:
            await manager.start_kernel(cwd=str(scratch), env=env)
            kernel = Kernel(page, manager, None, folder, cgroups=groups)
            if kernel.pid:
                self._pids[page] = (kernel.pid, folder)
            client = manager.client()
            client.start_channels()
            await client.wait_for_ready(timeout=START_SECONDS)
        except Exception as exc:
            if client is not None:
                client.stop_channels()
            with contextlib.suppress(Exception):
                await manager.shutdown_kernel(now=True)
            self._pids.pop(page, None)
            self._forget(page, folder)
            raise BadRequest(f"Python could not be started for this page: {exc}. Is "
                             "ipykernel installed (`pip install ipykernel`)?", 503) from None
        kernel.client = client
        return kernel

    # ----------------------------------------------------------------- running
    async def run(self, page: str, code: str) -> dict[str, Any]:
        """Run ``code`` in the page's kernel; what it showed and how it ended."""
        if len(code) > CODE_CHARS:
            raise BadRequest(f"The cell is {len(code):,} characters long; a cell may have "
                             f"at most {CODE_CHARS:,}.", 413)
        if clean_text(code) != code:
            raise BadRequest("The cell has a character that is not valid text (a lone "
                             "surrogate such as \\ud800); remove it and run again.")
        kernel, started = await self.get(page)
        async with kernel.lock:
            if kernel.closed:
                return _cancelled(kernel, started)
            kernel.running, kernel.stop_at, kernel.stopped_by = True, None, ""
            try:
                result = await self._execute(kernel, code)
            except (Exception, asyncio.CancelledError):
                if not kernel.closed:
                    raise
                return _cancelled(kernel, started)
            finally:
                kernel.running, kernel.stop_at = False, None
                kernel.last_used = kernel.seen = time.monotonic()
        if kernel.closed:
            return _cancelled(kernel, started)
        result["started"] = started
        return result

    async def _execute(self, kernel: Kernel, code: str) -> dict[str, Any]:
        client, outputs = kernel.client, Outputs()
        kernel.outputs = outputs  # read by `so_far` while the cell runs
        began = time.monotonic()
        msg_id = client.execute(code, store_history=True, allow_stdin=False,
                                stop_on_error=False)
        deadline = began + self.cell_seconds
        status, count, restarted = "ok", None, False
        while True:
            now = time.monotonic()
            if kernel.stop_at is None and now >= deadline:
                kernel.stopped_by = "the time limit"
                await self._interrupt(kernel)
            if kernel.stop_at is not None and now >= kernel.stop_at:
                await self._restart(kernel)
                restarted = True
                break
            if kernel.closed:
                raise asyncio.CancelledError
            try:
                msg = await client.get_iopub_msg(timeout=0.2)
            except queue.Empty:
                if not await kernel.manager.is_alive():
                    outputs.note("Python stopped while running this cell (did it use more "
                                 "memory than the lab allows, or exit?). It was started "
                                 "again: run the earlier cells again to get their variables.")
                    await self._restart(kernel, interrupted=False)
                    restarted, status = True, "error"
                    break
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                outputs.stream(str(content.get("name", "stdout")), str(content.get("text", "")))
            elif kind in ("execute_result", "display_data"):
                display_id = (content.get("transient") or {}).get("display_id")
                outputs.data("result" if kind == "execute_result" else "display",
                             content.get("data", {}), display_id)
            elif kind == "update_display_data":
                display_id = (content.get("transient") or {}).get("display_id")
                if display_id:
                    outputs.update(content.get("data", {}), display_id)
            elif kind == "error":
                outputs.error(content)
                status = "error"
            elif kind == "clear_output":
                outputs.clear()
            elif kind == "execute_input":
                count = content.get("execution_count")
            elif kind == "status" and content.get("execution_state") == "idle":
                break
        if (kernel.stopped_by and status == "error") or restarted:
            status = "stopped"
            limit = f"{self.cell_seconds:g} s"
            why = ("you pressed Stop" if kernel.stopped_by == "you" else
                   f"it ran longer than the {limit} a cell may run")
            if restarted and kernel.stopped_by:
                outputs.note(f"Stopped: {why}, and Python did not stop when interrupted, so it "
                             "was started again. Earlier cells' variables are gone: run those "
                             "cells again.")
            elif kernel.stopped_by:
                outputs.note(f"Stopped: {why}. The page's other variables are kept.")
        with contextlib.suppress(queue.Empty):  # the reply: drop it, keep the shell queue clear
            while not restarted:
                reply = await client.get_shell_msg(timeout=1.0)
                if reply.get("parent_header", {}).get("msg_id") == msg_id:
                    count = reply["content"].get("execution_count", count)
                    break
        return {"status": status, "outputs": outputs.to_list(), "execution_count": count,
                "restarted": restarted, "seconds": round(time.monotonic() - began, 3)}

    def so_far(self, page: str, cursor: tuple[int, int, int] | None = None) -> dict[str, Any]:
        """What the page's running cell has shown so far (a page shows it while it waits).

        With a ``cursor`` (generation, item, chars) from the last answer, only what is
        new since then (see :meth:`Outputs.since`); without one, everything.
        """
        self.heard(page)
        kernel = self._kernels.get(page)
        if kernel is None or not kernel.running or kernel.outputs is None:
            return {"running": False, "outputs": []}
        if cursor is None:
            return {"running": True, "outputs": kernel.outputs.to_list(),
                    "cursor": kernel.outputs.since(-1, 0, 0)["cursor"]}
        return {"running": True, **kernel.outputs.since(*cursor)}

    async def _interrupt(self, kernel: Kernel) -> None:
        kernel.stop_at = time.monotonic() + GRACE_SECONDS
        with contextlib.suppress(Exception):
            await kernel.manager.interrupt_kernel()

    async def _restart(self, kernel: Kernel, interrupted: bool = True) -> None:
        await _end_tree(kernel)  # all the old kernel started, in any session
        await kernel.manager.restart_kernel(now=True)
        if kernel.pid:
            self._pids[kernel.page] = (kernel.pid, kernel.folder)
        with contextlib.suppress(RuntimeError, TimeoutError):
            await kernel.client.wait_for_ready(timeout=START_SECONDS)

    async def interrupt(self, page: str) -> bool:
        """Stop the page's running cell (the Stop button); False if nothing was running."""
        kernel = self._kernels.get(page)
        if kernel is None or not kernel.running:
            return False
        if kernel.stop_at is None:
            kernel.stopped_by = "you"
            await self._interrupt(kernel)
        return True

    # ----------------------------------------------------------------- stopping
    async def close(self, page: str) -> bool:
        """Shut the page's kernel down (the page closed); False if it had none.

        A kernel still starting is stopped as soon as it has started; a running cell's
        request answers that the page closed.
        """
        if page in self._starting:
            self._cancelled.add(page)
            return True
        kernel = self._kernels.pop(page, None)
        if kernel is None:
            return False
        kernel.closed = True
        await self._shutdown(kernel)
        return True

    async def _shutdown(self, kernel: Kernel) -> None:
        kernel.closed = True
        await _end_tree(kernel)
        with contextlib.suppress(Exception):
            kernel.client.stop_channels()
        try:
            await asyncio.wait_for(kernel.manager.shutdown_kernel(now=True), START_SECONDS)
        except Exception:
            self._kill(kernel.page)
        _release(kernel)
        self._pids.pop(kernel.page, None)
        self._forget(kernel.page, kernel.folder)

    def _forget(self, page: str, folder: Path) -> None:
        """Remove what the page's kernel had: its cgroups and its folder."""
        from ..server.runtime import remove_folder

        remove_cgroups(self._groups.pop(page, []))
        remove_folder(folder)

    async def close_all(self) -> None:
        for page in list(self._kernels):
            await self.close(page)
        if self._reaper is not None:
            self._reaper.cancel()
            self._reaper = None

    async def close_idle(self) -> list[str]:
        """Shut down the kernels idle for longer than ``idle_seconds``; their pages."""
        now = time.monotonic()
        idle = [page for page, kernel in self._kernels.items()
                if not kernel.running and now - kernel.last_used > self.idle_seconds]
        for page in idle:
            await self.close(page)
        return idle

    def _ensure_reaper(self) -> None:
        if self._reaper is None or self._reaper.done():
            self._reaper = asyncio.get_running_loop().create_task(self._reap())

    async def _reap(self) -> None:
        while self._kernels:
            await asyncio.sleep(min(30.0, self.idle_seconds / 4))
            with contextlib.suppress(Exception):
                await self.close_idle()

    def _kill(self, page: str) -> None:
        found = self._pids.pop(page, None)
        if found is None:
            return
        pid, folder = found
        groups = self._groups.get(page, [])
        _kill_groups(groups)
        with contextlib.suppress(OSError):  # the supervisor kills the kernel's tree
            os.kill(pid, signal.SIGTERM)
        if not groups:  # nothing else will: wait a little for it to do so
            with contextlib.suppress(ChildProcessError, OSError):
                deadline = time.monotonic() + 1.0
                while time.monotonic() < deadline and os.waitpid(pid, os.WNOHANG)[0] == 0:
                    time.sleep(0.02)
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, os.WNOHANG)
        self._forget(page, folder)

    def kill_now(self) -> None:
        """Kill every kernel at once, without the event loop (the lab is exiting)."""
        kernels = list(self._kernels.values())
        self._kernels.clear()
        for page in list(self._pids):
            self._kill(page)
        for page in list(self._groups):  # kernels still starting
            remove_cgroups(self._groups.pop(page, []))
        for kernel in kernels:
            process = getattr(getattr(kernel.manager, "provisioner", None), "process", None)
            if process is not None:
                with contextlib.suppress(Exception):
                    process.wait(timeout=5)
            _release(kernel)


def _kill_groups(groups: list[Path]) -> None:
    """SIGKILL every process in ``groups`` (they stay, empty, for a restart)."""
    for group in groups:
        for pid in read(group / "cgroup.procs").split():
            with contextlib.suppress(OSError, ValueError):
                os.kill(int(pid), signal.SIGKILL)


async def _end_tree(kernel: Kernel) -> None:
    """End every process of the kernel: its cgroups' members, and through its supervisor
    (SIGTERM: it kills all below it, in any session) what no cgroup holds."""
    _kill_groups(kernel.cgroups)
    process = getattr(getattr(kernel.manager, "provisioner", None), "process", None)
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(OSError):
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    while process.poll() is None and time.monotonic() < deadline:
        await asyncio.sleep(0.02)


def _cancelled(kernel: Kernel, started: bool) -> dict[str, Any]:
    outputs = kernel.outputs.to_list() if kernel.outputs is not None else []
    return {"status": "cancelled", "cancelled": True, "started": started,
            "outputs": [*outputs, {"type": "note", "text": (
                "The page was closed while this cell ran, so its Python was stopped.")}],
            "execution_count": None, "restarted": False, "seconds": 0.0}


def _release(kernel: Kernel) -> None:
    """Close the kernel's sockets and its manager's zmq context (its own: see _start),
    which closes the control socket with it."""
    with contextlib.suppress(Exception):
        kernel.client.stop_channels()
    with contextlib.suppress(Exception):
        kernel.manager.context.destroy(linger=0)


def _kill_at_exit(ref: weakref.ref[Kernels]) -> None:
    kernels = ref()
    if kernels is not None:
        kernels.kill_now()
