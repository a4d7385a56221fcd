"""Where a running lab leaves its URL, so ``neuronlab lab --list`` can print it again.

Like ``jupyter server list``: each running lab writes ``lab-<pid>.json`` (its URL with
the token, its port and process id) into a directory only its user can read (mode
0700, the file 0600), and removes it when it stops. The directory is
``$NEURONLAB_RUNTIME_DIR``, else ``$XDG_RUNTIME_DIR/neuronlab``, else
``~/.local/share/neuronlab/runtime``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def runtime_dir() -> Path:
    if os.environ.get("NEURONLAB_RUNTIME_DIR"):
        return Path(os.environ["NEURONLAB_RUNTIME_DIR"])
    if os.environ.get("XDG_RUNTIME_DIR"):
        return Path(os.environ["XDG_RUNTIME_DIR"]) / "neuronlab"
    return Path.home() / ".local" / "share" / "neuronlab" / "runtime"


def write(url: str, port: int) -> Path:
    """Record this process's lab; the file is readable by its owner only."""
    folder = runtime_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    path = folder / f"lab-{os.getpid()}.json"
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"url": url, "port": port, "pid": os.getpid()}, out)
    return path


def _alive(pid: int) -> bool:
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
        if _alive(pid):
            found.append({"url": url, "pid": pid, "port": info.get("port")})
        else:
            path.unlink(missing_ok=True)
    return found
