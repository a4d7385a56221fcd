"""A kernel's limits beyond one process: its cgroups (processes, memory) and its scratch disk.

Each kernel gets cgroups of its own where the machine lets the lab make them (cgroup
v2 or v1, writable): at most :data:`PROCESSES` processes and :data:`MEMORY_MB` of memory
for all of them; as root, its scratch folder is a tmpfs of :data:`DISK_MB`. Folders and
cgroups are named :data:`PREFIX` + the lab's pid, so a later lab can remove what a lab
that is gone left behind (:func:`stale_cgroups`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PREFIX = "neuronlab-kernel-"  # + the lab's pid: a later lab knows whose folders they were
PROCESSES = 64  # processes of one kernel at once (its cgroup's pids.max)
MEMORY_MB = 2048  # memory of all a kernel's processes together (its memory cgroup)
DISK_MB = 256  # what a kernel may write in its scratch folder (a tmpfs of that size)
ENV_NO_CGROUPS = "NEURONLAB_KERNEL_NO_CGROUPS"  # "1": per-process limits only (tests)


def read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def write(path: Path, value: str) -> bool:
    try:
        path.write_text(value)
        return True
    except OSError:
        return False


def cgroup_roots() -> list[tuple[Path, set[str]]]:
    """Where a kernel's cgroups can be made, and which limits each place has."""
    if os.environ.get(ENV_NO_CGROUPS) == "1":
        return []
    unified = Path("/sys/fs/cgroup")
    if (unified / "cgroup.controllers").is_file():  # cgroup v2
        if not os.access(unified, os.W_OK):
            return []
        have = set(read(unified / "cgroup.subtree_control").split())
        for name in ("pids", "memory"):
            if name not in have and name in read(unified / "cgroup.controllers").split() \
                    and write(unified / "cgroup.subtree_control", f"+{name}"):
                have.add(name)
        return [(unified, have & {"pids", "memory"})] if have & {"pids", "memory"} else []
    found = []
    for name in ("pids", "memory"):
        root = unified / name
        if (root / "cgroup.procs").is_file() and os.access(root, os.W_OK):
            found.append((root, {name}))
    return found


def make_cgroups(name: str, processes: int, memory: int) -> list[Path]:
    """The kernel's cgroups: at most ``processes`` processes, ``memory`` bytes in all."""
    groups = []
    for root, kinds in cgroup_roots():
        group = root / name
        try:
            group.mkdir()
        except OSError:
            continue
        ok = True
        if "pids" in kinds:
            ok = write(group / "pids.max", str(processes)) and ok
        if "memory" in kinds:
            if (group / "memory.max").exists():
                ok = write(group / "memory.max", str(memory)) and ok
                write(group / "memory.swap.max", "0")
            else:
                ok = write(group / "memory.limit_in_bytes", str(memory)) and ok
                write(group / "memory.memsw.limit_in_bytes", str(memory))
        if ok:
            groups.append(group)
        else:
            remove_cgroups([group])
    return groups


def remove_cgroups(groups: list[Path]) -> None:
    from ...learn.sandbox import remove_cgroup

    for group in groups:
        remove_cgroup(group)


def stale_cgroups() -> list[Path]:
    """Remove kernel cgroups of labs that are gone; the ones removed."""
    from ..server.runtime import alive, lab_of

    removed = []
    for root, _ in cgroup_roots():
        for group in root.glob(f"{PREFIX}*"):
            lab = lab_of(group.name)
            if lab is not None and not alive(lab):
                remove_cgroups([group])
                removed.append(group)
    return removed


def mount_scratch(scratch: Path, megabytes: int) -> bool:
    """Make ``scratch`` a tmpfs of ``megabytes`` (root only): writing more fails."""
    if os.geteuid() != 0 or not sys.platform.startswith("linux") \
            or os.environ.get(ENV_NO_CGROUPS) == "1":
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        options = f"size={megabytes}m,mode=0700".encode()
        nosuid_nodev = 2 | 4  # MS_NOSUID | MS_NODEV
        return int(libc.mount(b"tmpfs", str(scratch).encode(), b"tmpfs", nosuid_nodev,
                              options)) == 0
    except (OSError, AttributeError):
        return False


def kernel_environment() -> dict[str, str]:
    from ...learn.sandbox import environment

    env = environment()
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env.pop("JPY_PARENT_PID", None)
    return env
