"""The attack replay (tools/lab_attack.py --quick) against a real lab: every kind of
attack (token variants, foreign Origin, rebinding Host, cross-site shapes, traversal,
slowloris, big bodies, parallel searches, hostile exercise files, malformed bodies on
every route, the playground socket) gets no 5xx, leaves no traceback in the lab's log,
and nothing gets through that must be refused."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "lab_attack.py"


def test_quick_attack_gets_no_5xx_no_traceback_and_nothing_through() -> None:
    run = subprocess.run([sys.executable, str(SCRIPT), "--quick"], capture_output=True,
                         text=True, timeout=540)
    found = re.search(r"requests sent: (\d+) in \d+ s; 5xx: (\d+); tracebacks: (\d+); "
                      r"got through \(must not\): (\d+)", run.stdout)
    assert found, run.stdout[-3000:] + run.stderr[-3000:]
    sent, fives, tracebacks, through = map(int, found.groups())
    assert sent >= 300, run.stdout
    assert (fives, tracebacks, through) == (0, 0, 0), run.stdout
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    for kind in ("credential variants", "foreign Origin", "DNS-rebinding Host",
                 "cross-site request shapes", "path traversal", "slowloris", "100 MB bodies",
                 "parallel searches", "hostile exercise files", "playground WebSocket"):
        row = re.search(rf"^{re.escape(kind)}\s+(\d+)", run.stdout, re.M)
        assert row and int(row.group(1)) > 0, f"{kind}: no requests sent\n{run.stdout}"
