"""Check a learner's exercise: run it (in a subprocess, or in a notebook), then judge it.

``check_file(exercise, path)`` runs the learner's file with
:func:`neuronlab.learn.runner.main` in its own Python process and session, with a
time limit per case, and turns the events it wrote into a
:class:`~neuronlab.learn.results.CheckResult`.
``check(name, function)`` does the same in this process, for notebooks. Both judge
with :func:`judge`, so a verdict reads the same wherever it was made.

>>> result = check("relu", lambda z: max(0.0, z))
>>> result.passed, result.headline
(True, 'all 10 cases pass.')
>>> print(check("relu", abs))
✗ relu: 6 of 10 cases pass.
  case "example 1": relu(-2.0)
    expected 0.0, got 2.0
    (that is the answer you get if you return abs(z))
  also failing: "hidden 2 · large negative", "hidden 4", "hidden 5"
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .catalog import EXERCISES
from .exercises import TODO_MARKER, Exercise
from .results import CaseResult, CheckResult
from .runner import run_cases
from .values import decode

STARTUP_SECONDS = 30.0  # for the subprocess to import neuronlab, even on a busy machine
GRACE_SECONDS = 2.0  # beyond a case's own time limit, before the process is killed
OUTPUT_LIMIT = 4000  # characters of the learner's printed output kept
RUNNER = "import sys; from neuronlab.learn.runner import main; sys.exit(main(sys.argv[1:]))"


def _todo_lines(source: str | None) -> list[int]:
    if not source:
        return []
    return [n for n, line in enumerate(source.splitlines(), 1) if TODO_MARKER in line]


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() or c in "\n\t" else "\ufffd" for c in text)


def _hint_for(exercise: Exercise, lines: list[str]) -> list[str]:
    last = lines[-1] if lines else ""
    if last.startswith("SystemExit"):
        return ["hint: your function ended the program (sys.exit / exit); return the answer "
                "instead"]
    for needle, hint in exercise.error_hints:
        if needle in last:
            return [f"hint: {hint}"]
    return []


def judge(exercise: Exercise, events: list[dict[str, Any]], *, output: str = "",
          stderr: str = "", returncode: int | None = 0, killed_after: float | None = None,
          seconds: float = 0.0, source: str | None = None, where: str = "") -> CheckResult:
    """Turn the runner's events into a verdict (see :data:`~neuronlab.learn.results.STATUSES`).

    ``killed_after`` is set when the process had to be killed after that many
    seconds; ``returncode`` is the process's exit code; ``source`` is the learner's
    file (to point at its TODO lines); ``where`` names the file in messages.
    """
    cases = exercise.cases()
    results: list[CaseResult] = []
    status, headline, details = "", "", []
    started: int | None = None
    seen = {event.get("event") for event in events}
    for event in events:
        kind = event.get("event")
        if kind == "start":
            started = int(event["case"])
        elif kind == "load-error":
            status, headline = event["status"], event["message"] + "."
            details = list(event.get("lines", []))
            break
        elif kind == "internal":
            status = "crashed"
            headline = ("the checker could not finish (" + str(event.get("message")) +
                        "); this is a neuronlab problem, not yours")
            break
        elif kind == "case":
            index = int(event["case"])
            case = cases[index]
            call = exercise.call_text(case)
            if event["kind"] == "value":
                got = decode(event["value"])
                try:
                    message = exercise.judge(case, got)
                except Exception as exc:  # an answer too odd to compare
                    message = f"the answer could not be compared ({type(exc).__name__}: {exc})"
                mistake = exercise.recognise(case, got) if message else ""
                results.append(CaseResult(case.label, call, message is None, message or "",
                                          mistake))
            elif event["kind"] == "answer-error":
                results.append(CaseResult(case.label, call, False, event["message"]))
            elif event["kind"] == "timeout":
                status = "timeout"
                headline = (f'case "{case.label}" was still running after '
                            f'{event["seconds"]:g} s - an endless loop?')
                lines = event.get("lines") or []
                results.append(CaseResult(case.label, call, False, "stopped after "
                                          f"{event['seconds']:g} s"))
                details = (["it was running:", *lines]) if lines else []
            else:
                lines = list(event.get("lines", []))
                last = lines[-1] if lines else event.get("exception", "an error")
                if event.get("exception") == "NotImplementedError":
                    status = "todo"
                    todo = _todo_lines(source)
                    at = f" (line {', '.join(map(str, todo))}{' of ' + where if where else ''})" \
                        if todo else ""
                    headline = (f"not solved yet: replace the TODO{at} and the "
                                "`raise NotImplementedError` with your code.")
                    break
                status = "error"
                headline = f'case "{case.label}" raised {event.get("exception", "an error")}.'
                results.append(CaseResult(case.label, call, False, f"raised {last}"))
                details = ["your code's traceback:", *lines, *_hint_for(exercise, lines)]
    if not status and "done" not in seen:
        if killed_after is not None:
            status = "timeout"
            if "loaded" not in seen and "ready" in seen:
                headline = (f"loading {where or 'the file'} took more than {killed_after:g} s "
                            "(an endless loop at the top level?)")
            elif started is not None:
                label = cases[started].label
                headline = f'case "{label}" was still running after {killed_after:g} s.'
                results.append(CaseResult(label, exercise.call_text(cases[started]), False,
                                          "the process was stopped"))
            else:
                headline = f"the check took more than {killed_after:g} s and was stopped"
        else:
            status = "crashed"
            during = (f' during case "{cases[started].label}"' if started is not None
                      else " before any case ran")
            headline = (f"the Python process running your code ended{during} (exit code "
                        f"{returncode}) without an answer - does your code call os._exit or "
                        "exit the interpreter?")
            tail = [line for line in stderr.strip().splitlines() if line.strip()][-5:]
            details = ["last lines it wrote to stderr:", *tail] if tail else []
    if not status:
        passed = sum(r.passed for r in results)
        status = "passed" if results and passed == len(results) else "failed"
        headline = (f"all {len(results)} cases pass." if status == "passed"
                    else f"{passed} of {len(results)} cases pass.")
    return CheckResult(exercise.name, status, headline, results, details,
                       _printable(output[:OUTPUT_LIMIT]), round(seconds, 3))


# --------------------------------------------------------------------------- subprocess
def _read_events(path: Path) -> list[dict[str, Any]]:
    events = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    for line in text.splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a killed process
        if isinstance(event, dict):
            events.append(event)
    return events


def _read_text(path: Path, limit: int = OUTPUT_LIMIT) -> str:
    with open(path, "rb") as handle:
        data = handle.read(limit * 4)
    return data.decode("utf-8", errors="replace")[:limit]


def _kill(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        process.kill()
    process.wait()


def _environment() -> dict[str, str]:
    """The runner's environment: this neuronlab importable, output in UTF-8."""
    env = dict(os.environ)
    root = Path(__file__).resolve().parent.parent.parent  # the folder holding neuronlab/
    installed = {Path(p).resolve() for p in (sysconfig.get_paths().get("purelib"),
                                             sysconfig.get_paths().get("platlib")) if p}
    if root not in installed:  # a source checkout: make sure the runner imports this copy
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH", ""))
                                            if p)
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("PYTHONSTARTUP", None)
    return env


def untouched_text(exercise: Exercise) -> str:
    """The exercise file exactly as ``neuronlab learn start`` writes it."""
    from .lessons import find_lesson

    return exercise.file_text(find_lesson(exercise.lesson).title)


def check_file(exercise: Exercise | str, path: str | Path,
               timeout: float | None = None) -> CheckResult:
    """Run the learner's file ``path`` for ``exercise`` in a subprocess and judge it.

    ``timeout`` overrides the exercise's seconds per case. The process runs in its
    own session and is killed (with anything it started) when a case overruns. A
    file still exactly as ``learn start`` wrote it is "todo" without running it.
    """
    exercise = EXERCISES.find(exercise) if isinstance(exercise, str) else exercise
    path = Path(path)
    if not path.is_file():
        return CheckResult(exercise.name, "missing",
                           f"{path} does not exist. `neuronlab learn start` creates missing "
                           "exercise files again (files you edited are kept).")
    try:
        source: str | None = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        source = None
    if source is not None and source == untouched_text(exercise):
        return judge(exercise, [{"event": "ready"}, {"event": "loaded"},
                                {"event": "case", "case": 0, "kind": "error",
                                 "exception": "NotImplementedError"}],
                     source=source, where=path.name)
    per_case = exercise.timeout if timeout is None else timeout
    with tempfile.TemporaryDirectory(prefix="neuronlab-check-") as tmp:
        events_path, out_path, err_path = (Path(tmp, n) for n in ("events", "out", "err"))
        command = [sys.executable, "-c", RUNNER, exercise.name, str(path.resolve()),
                   str(events_path)]
        began = time.monotonic()
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            process = subprocess.Popen(command, cwd=tmp, stdin=subprocess.DEVNULL, stdout=out,
                                       stderr=err, env={**_environment(),
                                                        "NEURONLAB_CASE_SECONDS": str(per_case)},
                                       start_new_session=True)
            killed_after = _supervise(process, events_path, per_case, began)
        events = _read_events(events_path)
        output, stderr = _read_text(out_path), _read_text(err_path)
    return judge(exercise, events, output=output, stderr=stderr, returncode=process.returncode,
                 killed_after=killed_after, seconds=time.monotonic() - began, source=source,
                 where=path.name)


def _supervise(process: subprocess.Popen[bytes], events_path: Path, per_case: float,
               began: float) -> float | None:
    """Wait for ``process``; kill it when a phase overruns. Returns the seconds it was allowed."""
    deadline, allowed, size, delay = began + STARTUP_SECONDS, STARTUP_SECONDS, -1, 0.005
    try:
        while process.poll() is None:
            now = time.monotonic()
            try:
                current = events_path.stat().st_size
            except FileNotFoundError:
                current = 0
            if current != size:  # a new event: the next phase gets its own time
                size, delay = current, 0.005
                allowed = per_case + GRACE_SECONDS
                deadline = now + allowed
            if now > deadline:
                _kill(process)
                return allowed
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
    except KeyboardInterrupt:
        _kill(process)
        raise
    return None


# --------------------------------------------------------------------------- in process
def check(exercise: Exercise | str, function: Callable[..., Any],
          timeout: float | None = None) -> CheckResult:
    """Check ``function`` against ``exercise`` in this process (for notebooks).

    Gives the same verdicts as ``neuronlab learn check``; an endless loop is stopped
    after the exercise's time limit per case where signals allow it (the main thread
    on Linux and macOS, as in a Jupyter kernel). What the function prints is
    captured and shown in the result.
    """
    exercise = EXERCISES.find(exercise) if isinstance(exercise, str) else exercise
    if not callable(function):
        return CheckResult(exercise.name, "no-function",
                           f"check({exercise.name!r}, ...) needs your function itself, e.g. "
                           f"check({exercise.name!r}, {exercise.function}), got "
                           f"{type(function).__name__}.")
    events: list[dict[str, Any]] = [{"event": "ready"}, {"event": "loaded"}]
    printed = io.StringIO()
    began = time.monotonic()
    with contextlib.redirect_stdout(printed):
        run_cases(exercise, function, events.append, timeout)
    events.append({"event": "done"})
    return judge(exercise, events, output=printed.getvalue(),
                 seconds=time.monotonic() - began)
