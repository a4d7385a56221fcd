"""The process that runs a learner's file for ``neuronlab learn check`` (see docs/learn-sandbox.md).

Started by :func:`neuronlab.learn.sandbox.run` as ``python -m neuronlab.learn._child FD``
in its own session, in a scratch folder, with the task (the file, the function's name,
the cases' arguments) on stdin. It is a small supervisor:

1. it becomes a *child subreaper* (Linux), so every process the learner's code starts,
   even one that calls ``setsid`` or whose parent dies, stays its descendant;
2. it joins the checker's pids cgroup when one was made, and sets resource limits
   (CPU seconds, memory, file size, processes, no core files) that its children inherit;
3. it forks the *worker*, which blocks the checker's own modules from import, runs the
   learner's file and writes one JSON event per line to the pipe FD - values only: the
   expected answers are computed by the checker, never here;
4. when the worker ends, when asked to stop (SIGTERM) or when the checker is gone, it
   kills every descendant, and exits: with the worker's exit code when the worker ended
   by itself, else with :data:`STOPPED`. The learner's code can signal the supervisor
   (same user), but cannot make it exit 0 without its worker finishing first; a killed
   supervisor exits by a signal. The checker counts a verdict only from a supervisor
   that exited 0.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.abc
import json
import os
import pickle
import shutil
import signal
import sys
import time
from typing import Any

PR_SET_CHILD_SUBREAPER = 36
#: The supervisor's exit code when it was told to stop before the worker ended by itself.
#: A verdict counts only when the supervisor exits 0 (see :func:`neuronlab.learn.checker.judge`).
STOPPED = 75
#: Modules the learner's process may not import: they hold the expected answers.
BLOCKED = ("neuronlab.learn.catalog", "neuronlab.learn.checker", "neuronlab.learn.grading",
           "neuronlab.learn.sandbox", "neuronlab.learn.lessons", "neuronlab.learn.notebooks")


def become_subreaper() -> bool:
    """Ask Linux to hand this process every orphaned descendant (prctl)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (read from /proc)."""
    found: list[int] = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def kill_descendants() -> None:
    """Kill every descendant: children first; their orphans come back to us (subreaper)."""
    for _ in range(1000):
        kids = children(os.getpid())
        for kid in kids:
            with contextlib.suppress(OSError):
                os.kill(kid, signal.SIGKILL)
        while True:  # reap what died
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
        if not kids:
            return
        time.sleep(0.005)


def set_limits(limits: dict[str, int]) -> None:
    import resource

    for name, value in limits.items():
        which = getattr(resource, name, None)
        if which is None:
            continue
        with contextlib.suppress(ValueError, OSError):
            _, hard = resource.getrlimit(which)
            cap = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(which, (cap, cap))


class _Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Any, target: Any = None) -> None:
        if name in BLOCKED:
            raise ImportError(f"{name} is not available to exercise code")


def worker(task: dict[str, Any], fd: int) -> int:
    """Run the learner's file and its cases; events go to ``fd``."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-big file is an OSError, not a kill
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    out = os.fdopen(fd, "w", encoding="utf-8")

    def emit(event: dict[str, Any]) -> None:
        out.write(json.dumps(event) + "\n")
        out.flush()

    try:
        sys.meta_path.insert(0, _Blocker())
        from neuronlab.learn.exercises import Case
        from neuronlab.learn.observers import OBSERVERS
        from neuronlab.learn.runner import load_function, run_plain_cases

        cases = [Case(label, args, key) for label, args, key in task["cases"]]
        observe = OBSERVERS.get(task["observer"]) if task["observer"] else None
        emit({"event": "ready"})
        function = load_function(task["file"], task["function"], emit, task["seconds"],
                                 task.get("shown", ""))
        if function is not None:
            run_plain_cases(cases, function, emit, task["seconds"], observe)
        emit({"event": "done"})
    except BaseException as exc:  # reported as a verdict, not a traceback
        with contextlib.suppress(BaseException):
            emit({"event": "internal", "message": f"{type(exc).__name__}: {exc}"})
    with contextlib.suppress(BaseException):
        sys.stdout.flush()
        sys.stderr.flush()
    return 0


def main(argv: list[str]) -> int:
    fd = int(argv[0])
    task = pickle.load(sys.stdin.buffer)  # from the checker, never from the learner
    parent, scratch = os.getppid(), os.getcwd()
    become_subreaper()
    if task.get("cgroup"):
        with contextlib.suppress(OSError), open(os.path.join(task["cgroup"], "cgroup.procs"),
                                                "w") as handle:
            handle.write(str(os.getpid()))
    set_limits(task["limits"])
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = worker(task, fd)
        finally:
            os._exit(code)
    os.close(fd)
    status = 0
    while not stop:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if os.getppid() != parent:  # the checker was killed: clean up after it
            stop.append(1)
            break
        time.sleep(0.02)
    kill_descendants()
    if stop and os.getppid() != parent:
        shutil.rmtree(scratch, ignore_errors=True)
    if stop:  # asked to stop (by the checker, or by the learner's code): no verdict
        return STOPPED
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
