"""Python kernels for the lesson pages: one per open page, on the learner's machine.

A lesson page's code cells run in a real IPython kernel (``jupyter_client`` talking to
``ipykernel``), started by :mod:`neuronlab.lab.kernel_launch` with the exercise
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
:data:`OUTPUT_CHARS` characters, at most :data:`MAX_IMAGES` PNG images.

>>> strip_ansi("\\x1b[0;31mZeroDivisionError\\x1b[0m: division by zero")
'ZeroDivisionError: division by zero'
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import queue
import re
import shutil
import signal
import sys
import tempfile
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .schema import BadRequest

MAX_KERNELS = 4
CELL_SECONDS = 30.0
IDLE_SECONDS = 600.0
GRACE_SECONDS = 3.0  # after an interrupt, before the kernel is restarted
START_SECONDS = 60.0  # for a kernel to start, even on a busy machine
OUTPUT_CHARS = 100_000
MAX_IMAGES = 20
IMAGE_CHARS = 4 * 1024 * 1024  # base64 characters of one image
CODE_CHARS = 100_000
PREFIX = "neuronlab-kernel-"
ENV_CELL_SECONDS = "NEURONLAB_CELL_SECONDS"
ENV_MAX_KERNELS = "NEURONLAB_MAX_KERNELS"
ENV_IDLE_SECONDS = "NEURONLAB_KERNEL_IDLE_SECONDS"

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


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


class Outputs:
    """What one cell showed, in order, bounded in size."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.chars = 0
        self.images = 0
        self.cut = False

    def _text(self, text: str) -> str:
        room = OUTPUT_CHARS - self.chars
        if len(text) > room:
            self.cut = True
            text = text[:max(room, 0)]
        self.chars += len(text)
        return text

    def stream(self, name: str, text: str) -> None:
        text = self._text(text)
        if not text:
            return
        last = self.items[-1] if self.items else None
        if last and last["type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self.items.append({"type": "stream", "name": name, "text": text})

    def data(self, kind: str, bundle: dict[str, Any], display_id: str | None = None) -> None:
        """A result or a display; ``display_id`` names one a later update replaces."""
        item = self._item(kind, bundle)
        if item is None:
            return
        if display_id:
            item["display_id"] = display_id
        self.items.append(item)

    def update(self, bundle: dict[str, Any], display_id: str) -> None:
        """A display updated in place (a progress bar): the new one takes the old's place."""
        for k, old in enumerate(self.items):
            if old.get("display_id") == display_id:
                if old["type"] == "image":
                    self.images -= 1
                else:
                    self.chars -= len(old.get("text", ""))
                new = self._item(old["type"], bundle)
                if new is None:
                    del self.items[k]
                else:
                    self.items[k] = {**new, "display_id": display_id}
                return

    def _item(self, kind: str, bundle: dict[str, Any]) -> dict[str, Any] | None:
        png = bundle.get("image/png")
        if isinstance(png, str):
            if self.images >= MAX_IMAGES or len(png) > IMAGE_CHARS:
                self.cut = True
                return None
            self.images += 1
            return {"type": "image", "png": png.replace("\n", "")}
        text = bundle.get("text/plain")
        if isinstance(text, str):
            text = self._text(strip_ansi(text))
            if text:
                return {"type": kind, "text": text}
        return None

    def error(self, content: dict[str, Any]) -> None:
        lines = [strip_ansi(str(line)) for line in content.get("traceback", [])]
        text = "\n".join(lines) or f"{content.get('ename')}: {content.get('evalue')}"
        self.items.append({"type": "error", "ename": str(content.get("ename", "")),
                           "text": self._text(text)})

    def note(self, text: str) -> None:
        self.items.append({"type": "note", "text": text})

    def clear(self) -> None:
        self.items, self.chars, self.images = [], 0, 0

    def to_list(self) -> list[dict[str, Any]]:
        items = [{k: v for k, v in item.items() if k != "display_id"} for item in self.items]
        if self.cut:
            return [*items, {"type": "note", "text": (
                f"The output was cut: a cell shows at most {OUTPUT_CHARS:,} characters and "
                f"{MAX_IMAGES} images.")}]
        return items


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

    @property
    def pid(self) -> int | None:
        provisioner = getattr(self.manager, "provisioner", None)
        pid = getattr(provisioner, "pid", None)
        return int(pid) if pid else None


def kernel_environment() -> dict[str, str]:
    from ..learn.sandbox import environment

    env = environment()
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env.pop("JPY_PARENT_PID", None)
    return env


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
        atexit.register(_kill_at_exit, weakref.ref(self))

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
        return {"running": len(self._kernels) + len(self._starting), "max": self.max_kernels,
                "cell_seconds": self.cell_seconds, "idle_seconds": self.idle_seconds}

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
            raise BadRequest(
                f"{self.max_kernels} lesson pages are already running Python, the most the "
                "lab runs at once. Close one of them (its kernel stops with it) or wait for "
                f"one to sit idle for {self.idle_seconds / 60:g} minutes, then run again.", 429)
        future: asyncio.Future[Kernel] = asyncio.get_running_loop().create_future()
        self._starting[page] = future
        try:
            kernel = await self._start(page)
        except BaseException as exc:
            future.set_exception(exc if isinstance(exc, Exception) else RuntimeError("stopped"))
            future.exception()  # retrieved: no "never retrieved" warning when nobody waits
            raise
        finally:
            self._starting.pop(page, None)
        self._kernels[page] = kernel
        future.set_result(kernel)
        self._ensure_reaper()
        return kernel, True

    async def _start(self, page: str) -> Kernel:
        from jupyter_client import AsyncKernelManager
        from jupyter_client.kernelspec import KernelSpec

        folder = Path(tempfile.mkdtemp(prefix=PREFIX))
        scratch = folder / "scratch"
        scratch.mkdir()
        # IPC sockets in the kernel's own folder: no TCP port, even on loopback
        manager = AsyncKernelManager(connection_file=str(folder / "connection.json"),
                                     transport="ipc", ip=str(folder / "ipc"))
        manager._kernel_spec = KernelSpec(
            argv=[sys.executable, "-m", "neuronlab.lab.kernel_launch", "-f",
                  "{connection_file}"],
            display_name="neuronlab", language="python")
        client = None
        try:
            await manager.start_kernel(cwd=str(scratch), env=kernel_environment())
            kernel = Kernel(page, manager, None, folder)
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
            shutil.rmtree(folder, ignore_errors=True)
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
        kernel, started = await self.get(page)
        async with kernel.lock:
            kernel.running, kernel.stop_at, kernel.stopped_by = True, None, ""
            try:
                result = await self._execute(kernel, code)
            finally:
                kernel.running, kernel.stop_at = False, None
                kernel.last_used = time.monotonic()
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

    def so_far(self, page: str) -> dict[str, Any]:
        """What the page's running cell has shown so far (a page shows it while it waits)."""
        kernel = self._kernels.get(page)
        if kernel is None or not kernel.running or kernel.outputs is None:
            return {"running": False, "outputs": []}
        return {"running": True, "outputs": kernel.outputs.to_list()}

    async def _interrupt(self, kernel: Kernel) -> None:
        kernel.stop_at = time.monotonic() + GRACE_SECONDS
        with contextlib.suppress(Exception):
            await kernel.manager.interrupt_kernel()

    async def _restart(self, kernel: Kernel, interrupted: bool = True) -> None:
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
        """Shut the page's kernel down (the page closed); False if it had none."""
        kernel = self._kernels.pop(page, None)
        if kernel is None:
            return False
        await self._shutdown(kernel)
        return True

    async def _shutdown(self, kernel: Kernel) -> None:
        kernel.client.stop_channels()
        try:
            await asyncio.wait_for(kernel.manager.shutdown_kernel(now=True), START_SECONDS)
        except Exception:
            self._kill(kernel.page)
        _release(kernel)
        self._pids.pop(kernel.page, None)
        shutil.rmtree(kernel.folder, ignore_errors=True)

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
        with contextlib.suppress(OSError):
            os.killpg(os.getpgid(pid), signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, os.WNOHANG)
        shutil.rmtree(folder, ignore_errors=True)

    def kill_now(self) -> None:
        """Kill every kernel at once, without the event loop (the lab is exiting)."""
        kernels = list(self._kernels.values())
        self._kernels.clear()
        for page in list(self._pids):
            self._kill(page)
        for kernel in kernels:
            process = getattr(getattr(kernel.manager, "provisioner", None), "process", None)
            if process is not None:
                with contextlib.suppress(Exception):
                    process.wait(timeout=5)
            _release(kernel)


def _release(kernel: Kernel) -> None:
    """Close the kernel's sockets and its manager's zmq context."""
    with contextlib.suppress(Exception):
        kernel.client.stop_channels()
    with contextlib.suppress(Exception):
        kernel.manager._close_control_socket()
    if getattr(kernel.manager, "_created_context", False):
        with contextlib.suppress(Exception):
            kernel.manager.context.destroy(linger=0)


def _kill_at_exit(ref: weakref.ref[Kernels]) -> None:
    kernels = ref()
    if kernels is not None:
        kernels.kill_now()
