"""neuronlab under JupyterHub: the ``jupyter-server-proxy`` entry point.

With ``pip install "neuronlab[hub]"`` in the image (or environment) that a JupyterHub
starts its users' servers from, every student finds the lab at
``/user/<name>/neuronlab/`` and as a tile in JupyterLab's launcher. The student's own
Jupyter server starts the lab on first visit (:func:`setup_neuronlab` says how) and
passes it only requests it has already authenticated:

* the lab listens on a unix socket in a fresh folder only the student can open
  (``unix_socket: True``), not on a TCP port other users of the machine could reach;
* every proxied request also carries a secret made for this one launch
  (``Authorization: token ...``, added by the proxy, never seen by the browser), which
  the lab asks for, as it asks for its token when it runs on its own;
* the lab checks ``Host`` and ``Origin`` against the hub's address when it is known
  (``public_url``, ``$NEURONLAB_HUB_ORIGINS``), else ``Origin`` against the host the
  request was sent to (:mod:`neuronlab.hub.guard`).

Progress and recall results are kept where ``neuronlab learn`` keeps them, in the
student's home (``~/.neuronlab/course`` unless the student made another workspace);
``neuronlab learn grade --homes /home`` collects a class. docs/classroom.md has the rest.

>>> config = setup_neuronlab()
>>> config["unix_socket"], config["launcher_entry"]["title"]
(True, 'neuronlab')
>>> "{unix_socket}" in config["command"]
True
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any

ICON = Path(__file__).with_name("icon.svg")
#: Seconds jupyter-server-proxy waits for the lab to answer after starting it. The lab
#: needs about 0.7 CPU-seconds to start; on a 2-core server where a whole class logs in
#: at the start of a lesson, dozens of labs wait for the cores together.
START_SECONDS = 180.0
#: Kernels (code cells) one student may have running at once, unless the hub's
#: environment says otherwise with ``NEURONLAB_MAX_KERNELS``.
KERNELS_PER_STUDENT = 2
TOKEN_VARIABLE = "NEURONLAB_LAB_TOKEN"  # the lab's own token variable (cli/lab.py)


def lab_command(python: str | None = None) -> list[str]:
    """The command the student's server runs: the lab on the socket the proxy chose."""
    return [python or sys.executable, "-m", "neuronlab", "lab", "--no-browser",
            "--unix-socket", "{unix_socket}"]


def setup_neuronlab() -> dict[str, Any]:
    """The ``jupyter_serverproxy_servers`` entry ``neuronlab``: how to start the lab.

    jupyter-server-proxy calls this once, in the student's own server, and substitutes
    ``{unix_socket}`` (a path in a new folder with mode 0700) into the command. The
    secret is made here, once per server, and given to the lab in its environment
    and to the proxy as a header it adds to every request; the browser never sees it.
    """
    secret = secrets.token_urlsafe(32)
    environment = {TOKEN_VARIABLE: secret}
    if "NEURONLAB_MAX_KERNELS" not in os.environ:
        environment["NEURONLAB_MAX_KERNELS"] = str(KERNELS_PER_STUDENT)
    return {
        "command": lab_command(),
        "unix_socket": True,
        "timeout": START_SECONDS,
        "absolute_url": False,
        "environment": environment,
        "request_headers_override": {"Authorization": f"token {secret}"},
        "new_browser_tab": True,
        "launcher_entry": {
            "enabled": True,
            "title": "neuronlab",
            "icon_path": str(ICON),
            "category": "Notebook",
        },
    }
