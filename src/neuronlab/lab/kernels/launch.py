"""Start one lesson page's Python kernel, with limits: ``python -m neuronlab.lab.kernels.launch``.

The lab (:mod:`neuronlab.lab.kernels.pool`) runs this instead of ``ipykernel_launcher``. Before
ipykernel starts, the process takes the limits the exercise checker gives the learner's
code (:func:`neuronlab.learn.sandbox.limits`): address space, file size, number of
processes, no core files. There is no CPU-time limit, because a kernel lives as long
as its page; each cell has a wall-clock limit kept by the lab instead. The working
directory is the kernel's own scratch folder, which the lab made and removes.

The process the lab starts is a small supervisor, not the kernel itself: it joins the
kernel's cgroups (a process cap and a memory total, when the lab could make them), becomes
a subreaper (``PR_SET_CHILD_SUBREAPER``: every process the kernel starts, even in a new
session, stays its descendant) and asks for a signal when the lab dies
(``PR_SET_PDEATHSIG``, which needs no thread). Then it forks the kernel, which also gets
``SIGKILL`` if the supervisor dies. When the kernel exits, when the lab dies (even by
``SIGKILL``) or when the supervisor is told to stop (``SIGTERM``, ``SIGHUP``), it kills
everything the kernel started, removes the kernel's folder and exits. ``SIGINT`` (the
Stop button; jupyter_client sends it to the whole process group) is for the kernel.

Figures are drawn with matplotlib's inline backend, so a cell that plots sends its
figure as a PNG image. An exception is shown in short: only the lines of the learner's
cells, not the kernel's machinery (a syntax error keeps IPython's own short form), and
``input()``, which has no keyboard here, says so and what to write instead.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import sys
import time
import traceback
import types
from typing import Any

#: The cell's own lines are named like this in a short traceback.
THIS_CELL = "this cell"
#: What a cell that asks for keyboard input (``input()``, ``getpass``) is told instead of
#: ipykernel's StdinNotImplementedError: the lab's cells have no keyboard to read from.
NO_KEYBOARD = ("A cell cannot read keyboard input: input() has no keyboard to read from "
               "on this page. Set the value in the code instead: write name = \"Ada\" "
               "where you wrote name = input(), and for a number, n = 5 instead of "
               "n = int(input()).")


def short_traceback(shell: Any, etype: type[BaseException], value: BaseException,
                    tb: types.TracebackType | None) -> list[str]:
    """The traceback as the learner reads it: their cells' frames, then the error line."""
    cells: dict[str, int] = getattr(shell.compile, "_filename_map", {})
    current = max(cells.values(), default=None)  # the cell being run was compiled last
    lines = []
    for frame in traceback.extract_tb(tb):
        number = cells.get(frame.filename)
        if number is None:
            continue  # IPython's, ipykernel's or a library's frame
        where = THIS_CELL if number == current else f"the cell run as [{number}]"
        name = "" if frame.name == "<module>" else f", in {frame.name}"
        lines.append(f"  line {frame.lineno} of {where}{name}")
        if frame.line:
            lines.append(f"    {frame.line.strip()}")
    error = "".join(traceback.format_exception_only(etype, value)).rstrip()
    if etype.__name__ == "StdinNotImplementedError":  # input() in a cell
        error = NO_KEYBOARD
    if not lines:
        return [error]
    return ["Traceback (your code, most recent call last):", *lines, error]


def install_short_tracebacks(shell: Any) -> None:
    """Make ``shell`` report errors with :func:`short_traceback`."""
    original = shell.showtraceback

    def showtraceback(self: Any, exc_tuple: Any = None, filename: Any = None,
                      tb_offset: Any = None, exception_only: bool = False,
                      running_compiled_code: bool = False) -> None:
        try:
            etype, value, tb = self._get_exc_info(exc_tuple)
        except ValueError:
            return original(exc_tuple, filename, tb_offset, exception_only,
                            running_compiled_code)
        if issubclass(etype, SyntaxError) or exception_only:
            return original(exc_tuple, filename, tb_offset, exception_only,
                            running_compiled_code)
        stb = short_traceback(self, etype, value, tb)
        self._showtraceback(etype, value, stb)

    shell.showtraceback = types.MethodType(showtraceback, shell)


#: Set by the lab: its process id, the kernel's cgroups (``os.pathsep``-separated) and
#: the kernel's folder, which the supervisor removes when the lab is gone.
ENV_LAB_PID = "NEURONLAB_LAB_PID"
ENV_CGROUPS = "NEURONLAB_KERNEL_CGROUPS"
ENV_FOLDER = "NEURONLAB_KERNEL_FOLDER"
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


def prctl(option: int, value: int) -> bool:
    """``prctl(2)`` through libc; False where there is none (not Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(option, value, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def descendants(root: int) -> list[int]:
    """Every living process below ``root`` (from /proc), children before grandchildren."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def members(cgroups: list[str]) -> set[int]:
    """The processes in ``cgroups``."""
    pids: set[int] = set()
    for group in cgroups:
        with contextlib.suppress(OSError, ValueError), \
                open(os.path.join(group, "cgroup.procs")) as procs:
            pids.update(int(p) for p in procs.read().split())
    return pids


def kill_and_reap(pids: set[int]) -> None:
    """SIGKILL ``pids``, reap what was ours (a subreaper's), and give them a moment."""
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    time.sleep(0.02)


def kill_tree(cgroups: list[str]) -> None:
    """SIGKILL every process of the kernel: the cgroups' members and this one's descendants."""
    me = os.getpid()
    for _ in range(250):  # up to ~5 s: a process killed under load may take a while to end
        pids = (set(descendants(me)) | members(cgroups)) - {me}
        if not pids:
            return
        kill_and_reap(pids)


def supervise(kernel: int, cgroups: list[str], folder: str, lab: int) -> int:
    """Wait for the kernel; kill all it started when it ends or the lab is gone."""
    from ..server.runtime import gone_within, remove_folder

    def stop(signum: int, frame: Any) -> None:
        # the lab's death signal comes again as its last thread ends: heard once only
        for each in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(each, signal.SIG_IGN)
        raise SystemExit(128 + signum)

    code = 1
    try:
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, stop)
        if lab and os.getppid() != lab:  # the lab died before the death signal was set
            raise SystemExit(1)
        while True:
            pid, status = os.waitpid(-1, 0)  # orphans of the kernel come here too
            if pid == kernel:
                code = os.waitstatus_to_exitcode(status)
                code = code if code >= 0 else 128 - code
                break
    except SystemExit as exc:
        code = int(exc.code or 0)
    except ChildProcessError:
        pass
    finally:
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        kill_tree(cgroups)
        # The lab is gone (or going): nobody else will clean up. A killed lab's threads end
        # one by one, and its death signal comes when the first does, so this process may
        # still see the lab as its parent: its main thread is then a zombie.
        if not lab or os.getppid() != lab or gone_within(lab, 0.5):
            if folder:
                remove_folder(folder)
            leave(cgroups)
    return code


def leave(cgroups: list[str], seconds: float = 60.0) -> None:
    """Move this process out of the kernel's cgroups and remove them. A group is removed
    once it is empty; on a busy machine a killed process can take seconds to end, so
    whatever is still in a group is killed and reaped again, for up to ``seconds``
    (nobody waits for this process: the lab is gone)."""
    for group in cgroups:
        with contextlib.suppress(OSError), \
                open(os.path.join(os.path.dirname(group), "cgroup.procs"), "w") as procs:
            procs.write(str(os.getpid()))
    left, deadline = list(cgroups), time.monotonic() + seconds
    while left:
        for group in list(left):
            try:
                os.rmdir(group)
                left.remove(group)
            except FileNotFoundError:
                left.remove(group)
            except OSError:  # not empty yet
                pass
        if not left or time.monotonic() > deadline:
            return
        kill_and_reap(members(left) - {os.getpid()})


def contain() -> None:
    """Become the kernel's supervisor: fork the kernel, return in the kernel, exit here."""
    lab = int(os.environ.pop(ENV_LAB_PID, "0") or 0)
    cgroups = [g for g in os.environ.pop(ENV_CGROUPS, "").split(os.pathsep) if g]
    folder = os.environ.pop(ENV_FOLDER, "")
    for group in cgroups:
        with contextlib.suppress(OSError), \
                open(os.path.join(group, "cgroup.procs"), "w") as procs:
            procs.write(str(os.getpid()))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the Stop button is for the kernel
    prctl(PR_SET_CHILD_SUBREAPER, 1)
    prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    supervisor = os.getpid()
    kernel = os.fork()
    if kernel == 0:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != supervisor:  # the supervisor is gone already
            os._exit(1)
        return
    os._exit(supervise(kernel, cgroups, folder, lab))


def main(argv: list[str] | None = None) -> None:
    from ...learn.sandbox import limits, set_limits

    contain()
    settings = limits(0.0)
    settings.pop("RLIMIT_CPU", None)  # a kernel lives as long as its page
    set_limits(settings)
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")

    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(sys.argv[1:] if argv is None else argv)
    install_short_tracebacks(app.shell)
    app.session.pack = pack
    app.start()


def pack(message: Any) -> bytes:
    """jupyter_client's packer, but a lone surrogate in the output (``print("\\ud800")``)
    is sent as a JSON escape instead of failing in the kernel's I/O loop."""
    from jupyter_client.session import json_default, json_packer

    try:
        return bytes(json_packer(message))
    except ValueError:
        return json.dumps(message, default=json_default, ensure_ascii=True,
                          allow_nan=False).encode("ascii")


if __name__ == "__main__":
    main()
