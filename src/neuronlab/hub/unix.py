"""A listening unix socket that only its owner can open.

On a machine shared by a class, a TCP port on 127.0.0.1 can be reached by every user
of the machine. A unix socket is a file: :func:`bind_unix` makes it with mode 0600
(read and write for its owner only) in a folder that must belong to the same user and
that no one else may write to (jupyter-server-proxy makes a fresh one, mode 0700).

>>> import tempfile
>>> folder = tempfile.mkdtemp()
>>> sock = bind_unix(os.path.join(folder, "socket"))
>>> oct(os.stat(sock.getsockname()).st_mode & 0o777)
'0o600'
>>> sock.close(); os.unlink(os.path.join(folder, "socket")); os.rmdir(folder)
"""

from __future__ import annotations

import contextlib
import os
import socket
import stat
from pathlib import Path

MAX_PATH = 100  # sun_path holds 108 bytes on Linux, 104 on macOS


def _check_folder(folder: Path) -> None:
    try:
        info = folder.stat()
    except FileNotFoundError:
        raise ValueError(f"--unix-socket: the folder {folder} does not exist; give a path "
                         "in a folder of yours.") from None
    if not stat.S_ISDIR(info.st_mode):
        raise ValueError(f"--unix-socket: {folder} is not a folder.")
    if info.st_uid != os.getuid():
        raise ValueError(f"--unix-socket: the folder {folder} belongs to another user; put "
                         "the socket in a folder of yours (mode 0700).")
    if info.st_mode & 0o022:
        raise ValueError(f"--unix-socket: others may write to the folder {folder} (mode "
                         f"{oct(info.st_mode & 0o777)}); use a folder only you can write to, "
                         "e.g. one made with mode 0700.")


def bind_unix(path: str | os.PathLike[str]) -> socket.socket:
    """A listening unix socket at ``path`` with mode 0600, or an error that says why not.

    A socket file left at ``path`` by a lab that is gone is replaced; any other file
    there is an error (it is never deleted).
    """
    where = Path(path).expanduser().absolute()
    if len(os.fsencode(where)) > MAX_PATH:
        raise ValueError(f"--unix-socket: the path {where} is too long for a unix socket "
                         f"(at most {MAX_PATH} bytes); choose a shorter one.")
    _check_folder(where.parent)
    with contextlib.suppress(FileNotFoundError):
        if not stat.S_ISSOCK(where.lstat().st_mode):
            raise ValueError(f"--unix-socket: {where} exists and is not a socket; give a "
                             "path where nothing is yet.")
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(str(where))
        except OSError:
            where.unlink()  # a socket no process listens on any more
        else:
            raise ValueError(f"--unix-socket: a program already listens on {where}.")
        finally:
            probe.close()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)  # the file is created with mode 0600: no moment with more
    try:
        sock.bind(str(where))
    except OSError as exc:
        sock.close()
        raise ValueError(f"--unix-socket: cannot listen on {where}: "
                         f"{exc.strerror or exc}.") from None
    finally:
        os.umask(old)
    os.chmod(where, 0o600)
    sock.listen(128)
    sock.setblocking(False)
    return sock
