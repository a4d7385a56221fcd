"""Hostile exercise files: the checker gives a clear verdict, leaves nothing running or
lying around, and the learner's progress survives."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from neuronlab.learn import EXERCISES, check_file
from neuronlab.learn.sandbox import PREFIX, PROCESSES
from neuronlab.learn.workspace import JOURNAL_FILE, PROGRESS_FILE, Workspace

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the process checks read /proc")

RELU = EXERCISES["relu"]
SLEEP = "import time; time.sleep(600)"
SOLVED = "def relu(z):\n    return z if z > 0 else 0.0\n"


def _marked(tag: str) -> list[int]:
    """Processes whose command line carries ``tag`` (other than this test process)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
                state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if tag.encode() in cmd and state != "Z":
                found.append(int(entry))
    return found


def _scratch_folders() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob(f"{PREFIX}{os.getpid()}-*")}


def _check(tmp_path: Path, source: str, timeout: float = 10.0):
    """Check ``source`` as the relu exercise. The time limit is generous for the checks
    that must finish (20 forks can take over 1.5 s on a busy machine); the ones that must
    time out pass a short one."""
    path = tmp_path / RELU.filename
    path.write_text(f"SLEEP = {SLEEP!r}\n" + textwrap.dedent(source), encoding="utf-8")
    before = _scratch_folders()
    result = check_file(RELU, path, timeout=timeout)
    assert _scratch_folders() <= before, "a scratch folder was left behind"
    return result


def test_forked_children_do_not_outlive_a_passing_check(tmp_path):
    tag = f"neuronlab-fork-{os.getpid()}"
    result = _check(tmp_path, f"""
        import os, sys
        def relu(z):
            return z if z > 0 else 0.0
        for _ in range(20):
            if os.fork() == 0:
                os.execv(sys.executable, [sys.executable, "-c", SLEEP, "{tag}"])
    """)
    assert result.passed, str(result)
    assert _marked(tag) == []


def test_setsid_children_do_not_survive_a_timeout(tmp_path):
    tag = f"neuronlab-setsid-{os.getpid()}"
    result = _check(tmp_path, f"""
        import subprocess, sys
        for _ in range(10):
            subprocess.Popen(["setsid", sys.executable, "-c", SLEEP, "{tag}"])
            subprocess.Popen([sys.executable, "-c", SLEEP, "{tag}"], start_new_session=True)
        def relu(z):
            while True:
                pass
    """, timeout=1.5)
    assert result.status == "timeout", str(result)
    assert _marked(tag) == []


def test_the_time_limit_is_kept_outside_and_events_cannot_extend_it(tmp_path):
    # The function ignores alarms and writes fake "case started" events for 60 s. Had
    # they reset the deadline per case, it would run to its end and be graded; it must
    # be stopped as a timeout instead.
    result = _check(tmp_path, """
        import os, signal, time
        signal.signal(signal.SIGALRM, signal.SIG_IGN)   # no alarm inside
        signal.setitimer = lambda *a: None
        def relu(z):
            for _ in range(600):
                for fd in range(3, 12):
                    try:
                        os.write(fd, b'{"event": "start", "case": 0}\\n')
                    except OSError:
                        pass
                time.sleep(0.1)
            return 0.0
    """, timeout=1.5)
    assert result.status == "timeout", str(result)


def test_an_infinite_loop_is_a_timeout(tmp_path):
    result = _check(tmp_path, "def relu(z):\n    while True:\n        pass\n", timeout=0.5)
    assert result.status == "timeout" and "still running" in result.headline


def test_a_fork_bomb_is_bounded_and_cleaned_up(tmp_path):
    tag = f"neuronlab-bomb-{os.getpid()}"
    counter = tmp_path / "forks"
    result = _check(tmp_path, f"""
        import os, sys, time
        def relu(z):
            made = 0
            for _ in range(5000):
                try:
                    pid = os.fork()
                except OSError:
                    break
                if pid == 0:
                    os.execv(sys.executable, [sys.executable, "-c", SLEEP, "{tag}"])
                made += 1
            open({str(counter)!r}, "w").write(str(made))
            return z if z > 0 else 0.0
    """, timeout=30)  # (forking to the limit under a loaded parallel suite once took > 5 s)
    made = int(counter.read_text())
    assert made < 5000 and made <= PROCESSES + 200, made
    assert result.status in ("passed", "timeout", "error"), str(result)
    assert _marked(tag) == []


def test_memory_and_file_size_are_limited(tmp_path):
    memory = _check(tmp_path, "def relu(z):\n    b = bytearray(10 * 1024**3)\n    return 0.0\n")
    assert memory.status == "error" and "MemoryError" in memory.headline
    big = _check(tmp_path, """
        def relu(z):
            with open("big.bin", "wb") as f:
                for _ in range(1024):
                    f.write(b"x" * 1024 * 1024)
            return 0.0
    """)
    assert big.status == "error" and "File too large" in str(big)


def test_escape_sequences_in_an_exception_never_reach_the_terminal(tmp_path):
    result = _check(tmp_path, 'def relu(z):\n'
                              '    raise ValueError("\\x1b[2J\\x1b]0;x\\x07 \\x1b[31m")\n')
    assert result.status == "error"
    text = str(result)
    assert "\x1b" not in text and "\x07" not in text
    assert "ValueError" in text


def test_the_channel_cannot_forge_a_pass_and_the_answers_are_out_of_reach(tmp_path):
    result = _check(tmp_path, """
        import json, os
        try:
            from neuronlab.learn.catalog import EXERCISES
            print("catalog:", EXERCISES["relu"])
        except ImportError as exc:
            print("blocked:", exc)
        def relu(z):
            for fd in range(3, 20):
                for case in range(10):
                    line = {"event": "case", "case": case, "kind": "value",
                            "value": {"t": "num", "v": max(0.0, z)}}
                    try:
                        os.write(fd, (json.dumps(line) + "\\n").encode())
                        os.write(fd, b'{"event": "done"}\\n{"event": "case", "case": 99}\\n')
                    except OSError:
                        pass
            return 12345.0
    """)
    assert not result.passed, str(result)
    assert "blocked:" in result.output and "catalog:" not in result.output


def _workspace_with_a_solved_exercise(tmp_path: Path) -> Workspace:
    workspace, _, _ = Workspace.create(tmp_path / "ws")
    workspace.path(EXERCISES["neuron"]).write_text(EXERCISES["neuron"].solution_text(), "utf-8")
    result, newly = workspace.check(EXERCISES["neuron"])
    assert result.passed and newly
    return workspace


@pytest.mark.parametrize("attack", [
    "os.remove({progress!r})",
    "open({progress!r}, 'w').write('{{not json')",
    "open({progress!r}, 'w').write('{{\"format\": 1, \"exercises\": {{}}}}')",
    "os.remove({progress!r}); os.remove({journal!r})",
])
def test_an_exercise_cannot_erase_solved_records(tmp_path, attack):
    workspace = _workspace_with_a_solved_exercise(tmp_path)
    before = workspace.progress_path.read_bytes()
    code = attack.format(progress=str(workspace.progress_path),
                         journal=str(workspace.root / JOURNAL_FILE))
    workspace.path(RELU).write_text(f"import os\n{code}\n{SOLVED}", "utf-8")
    result, _ = workspace.check(RELU)
    assert result.passed, str(result)
    assert any("put back" in w for w in workspace.warnings)
    progress = json.loads(workspace.progress_path.read_text("utf-8"))
    assert progress["exercises"]["neuron"]["solved"] and progress["exercises"]["relu"]["solved"]
    assert workspace.progress_path.read_bytes() != before  # relu was added after the restore


def test_a_broken_progress_file_is_set_aside_and_solved_records_come_back(tmp_path):
    workspace = _workspace_with_a_solved_exercise(tmp_path)
    (workspace.root / f".{PROGRESS_FILE}.abc.tmp").write_text("half a file")
    workspace.progress_path.write_text("{broken", "utf-8")
    again = Workspace(workspace.root)
    assert "neuron" in again.solved()
    assert (workspace.root / f"{PROGRESS_FILE}.broken-1").read_text() == "{broken"
    assert json.loads(workspace.progress_path.read_text("utf-8"))["exercises"]["neuron"]["solved"]
    assert any("broken-1" in w and "learn check NAME" in w for w in again.warnings)
    workspace.progress_path.write_text("[]", "utf-8")
    Workspace(workspace.root).load()
    assert (workspace.root / f"{PROGRESS_FILE}.broken-2").exists()
    again.record_check(RELU, check_file(RELU, again.path(RELU)))
    assert not list(workspace.root.glob("*.tmp"))


def test_killing_the_checker_leaves_no_scratch_folder_and_no_process(tmp_path):
    tag = f"neuronlab-killed-{os.getpid()}"
    path = tmp_path / RELU.filename
    path.write_text(f"import subprocess, sys\nSLEEP = {SLEEP!r}\n"
                    f"subprocess.Popen(['setsid', sys.executable, '-c', SLEEP, '{tag}'])\n"
                    "def relu(z):\n    while True:\n        pass\n", "utf-8")
    code = ("import sys; from neuronlab.learn import check_file, EXERCISES; "
            f"check_file(EXERCISES['relu'], {str(path)!r}, timeout=60)")
    checker = subprocess.Popen([sys.executable, "-c", code], env={**os.environ})
    deadline = time.monotonic() + 60
    while not _marked(tag) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _marked(tag), "the learner's code never started"
    mine = {p.name for p in Path(tempfile.gettempdir()).glob(f"{PREFIX}{checker.pid}-*")}
    assert mine
    checker.send_signal(signal.SIGKILL)
    checker.wait()
    deadline = time.monotonic() + 10
    while (_marked(tag) or any(Path(tempfile.gettempdir(), n).exists() for n in mine)) \
            and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _marked(tag) == []
    assert not any(Path(tempfile.gettempdir(), n).exists() for n in mine)
