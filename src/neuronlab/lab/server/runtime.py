"""Where a running lab leaves its URL, so ``neuronlab lab --list`` can print it again.

Like ``jupyter server list``: each running lab writes ``lab-<pid>.json`` (its URL with
the token, its port and process id) into a directory only its user can read (mode
0700, the file 0600), and removes it when it stops. The directory is
``$NEURONLAB_RUNTIME_DIR``, else ``$XDG_RUNTIME_DIR/neuronlab``, else
``~/.local/share/neuronlab/runtime``.

Nothing of a lab outlives it, however it ends. :func:`protect` makes ``SIGTERM``,
``SIGHUP`` and ``SIGINT`` (Ctrl+C) run the cleanup at once (kill the kernels, remove the
record) and exit, even while a cell runs. For what no handler sees (``SIGKILL``, a
crash) it starts a janitor: a tiny process, this file run as a script, that gets a
signal when the lab dies (``PR_SET_PDEATHSIG``) and then removes the record and the
lab's kernel folders; each kernel's own supervisor kills the kernel's processes
(:mod:`neuronlab.lab.kernels.launch`). What was left by a lab that died anyway (a power
cut, a janitor killed with it) is removed when the next lab starts
(:func:`clean_stale`, and the kernels' cgroups by ``kernels.stale_cgroups``).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

KERNEL_PREFIX = "neuronlab-kernel-"  # kernel folders: neuronlab-kernel-<lab pid>-<random>
MNT_DETACH = 2


def runtime_dir() -> Path:
    if os.environ.get("NEURONLAB_RUNTIME_DIR"):
        return Path(os.environ["NEURONLAB_RUNTIME_DIR"])
    if os.environ.get("XDG_RUNTIME_DIR"):
        return Path(os.environ["XDG_RUNTIME_DIR"]) / "neuronlab"
    return Path.home() / ".local" / "share" / "neuronlab" / "runtime"


def write(url: str, port: int) -> Path:
    """Record this process's lab; the file is readable by its owner only."""
    clean_stale()
    folder = runtime_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    path = folder / f"lab-{os.getpid()}.json"
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"url": url, "port": port, "pid": os.getpid()}, out)
    return path


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is this user's."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process with the same id
        return False
    return True


def running() -> list[dict[str, Any]]:
    """The labs running now (files of labs that died without cleaning up are removed)."""
    folder = runtime_dir()
    found = []
    for path in sorted(folder.glob("lab-*.json")) if folder.is_dir() else []:
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
            pid = int(info["pid"])
            url = str(info["url"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if alive(pid):
            found.append({"url": url, "pid": pid, "port": info.get("port")})
        else:
            path.unlink(missing_ok=True)
    return found


# --------------------------------------------------------------------------- cleanup
def remove_folder(folder: str | Path) -> None:
    """Remove a kernel's folder, unmounting its scratch space first if it is a mount."""
    scratch = os.path.join(str(folder), "scratch")
    if os.path.ismount(scratch):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.umount2(scratch.encode(), MNT_DETACH)
    shutil.rmtree(folder, ignore_errors=True)


def lab_of(name: str) -> int | None:
    """The lab's process id in a kernel folder's or cgroup's name, if it has one."""
    rest = name[len(KERNEL_PREFIX):] if name.startswith(KERNEL_PREFIX) else ""
    head = rest.split("-", 1)[0]
    return int(head) if head.isdigit() and "-" in rest else None


def _in_use(folder: Path) -> bool:
    """Whether a running process works in ``folder`` (a kernel of an older lab)."""
    inside = str(folder.resolve())
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if entry.isdigit():
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/{entry}/cwd").startswith(inside):
                    return True
    return False


def clean_stale(tmp: str | None = None) -> list[str]:
    """Remove what labs that are gone left: records and kernel folders (their kernel
    cgroups: :func:`neuronlab.lab.kernels.containment.stale_cgroups`, called beside this)."""
    removed: list[str] = []
    folder = runtime_dir()
    for path in sorted(folder.glob("lab-*.json")) if folder.is_dir() else []:
        head = path.stem[len("lab-"):]
        if head.isdigit() and not alive(int(head)):
            path.unlink(missing_ok=True)
            removed.append(str(path))
    for stale in Path(tmp or tempfile.gettempdir()).glob(f"{KERNEL_PREFIX}*"):
        lab = lab_of(stale.name)
        if stale.is_dir() and (not alive(lab) if lab else not _in_use(stale)):
            remove_folder(stale)
            removed.append(str(stale))
    return removed


def _janitor(lab: int, record: str, tmp: str) -> None:
    """Run as a script: wait for the lab to die, then remove its record and folders."""
    def stop(signum: int, frame: Any) -> None:
        # the lab's death signal comes again as its last thread ends: heard once only
        for each in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(each, signal.SIG_IGN)
        raise SystemExit(0)

    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, stop)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PDEATHSIG
    try:
        while os.getppid() == lab:
            time.sleep(3600)
    except SystemExit:
        pass
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, signal.SIG_IGN)
    if not gone_within(lab, 5.0):  # the lab may still be exiting
        return
    Path(record).unlink(missing_ok=True)
    for stale in Path(tmp).glob(f"{KERNEL_PREFIX}{lab}-*"):
        remove_folder(stale)


def gone_within(pid: int, seconds: float) -> bool:
    """Whether process ``pid`` ends (or is a zombie: dead, not yet reaped) within
    ``seconds``. A zombie reaped between the two questions of one look is not taken for
    alive: the next look sees it gone."""
    deadline = time.monotonic() + seconds
    while True:
        if not alive(pid) or _zombie(pid):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except (OSError, IndexError):
        return False


def start_janitor(record: Path) -> subprocess.Popen[bytes] | None:
    """The process that cleans up after this lab if it dies without a word (SIGKILL)."""
    with contextlib.suppress(OSError):
        return subprocess.Popen(
            [sys.executable, "-I", "-S", __file__, "--janitor", str(os.getpid()), str(record),
             tempfile.gettempdir()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
    return None


def protect(server: Any, record: Path, cleanup: Callable[[], None]) -> Callable[[], None]:
    """Make any stop of the lab clean up: signals, the janitor; returns the exit cleanup.

    ``server`` is the uvicorn server: its own handler of SIGINT and SIGTERM waits for the
    running requests (a busy cell: up to its time limit), so it is replaced by one that
    cleans up and exits at once. SIGHUP gets the same handler.
    """
    start_janitor(record)
    done = False

    def finish() -> None:
        nonlocal done
        if done:
            return
        done = True
        with contextlib.suppress(Exception):
            cleanup()
        record.unlink(missing_ok=True)
        # the janitor stays: once this process is gone it removes any kernel folder left

    def at_signal(signum: int, frame: Any) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        finish()
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(0 if signum == signal.SIGINT else 128 + signum)

    server.handle_exit = at_signal  # uvicorn installs it for SIGINT and SIGTERM
    signal.signal(signal.SIGHUP, at_signal)
    signal.signal(signal.SIGTERM, at_signal)
    return finish


if __name__ == "__main__" and sys.argv[1:2] == ["--janitor"]:
    _janitor(int(sys.argv[2]), sys.argv[3], sys.argv[4])
