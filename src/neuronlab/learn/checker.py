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
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import sandbox
from .catalog import EXERCISES
from .exercises import TODO_MARKER, Exercise
from .results import CaseResult, CheckResult
from .runner import run_cases
from .values import decode

OUTPUT_LIMIT = sandbox.OUTPUT_LIMIT  # characters of the learner's printed output kept


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


def _well_formed(events: list[dict[str, Any]], n_cases: int) -> list[dict[str, Any]]:
    """The events in the runner's order: each case once, in range, every field typed
    as the runner writes it; anything else (a learner writing to the channel) is dropped."""
    kept, answered = [], set()
    for event in events:
        kind = event.get("event")
        if kind in ("start", "case"):
            index = event.get("case")
            if not isinstance(index, int) or not 0 <= index < n_cases or index in answered:
                continue
            if kind == "case":
                if event.get("kind") not in ("value", "error", "timeout", "answer-error"):
                    continue
                answered.add(index)
        elif kind == "load-error" and (not isinstance(event.get("message"), str) or event.get(
                "status") not in ("load-error", "timeout", "no-function")):
            continue
        if not isinstance(event.get("lines", []), list):
            continue
        kept.append(event)
    return kept


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
    events = _well_formed(events, len(cases))
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
            tail = [_printable(line) for line in stderr.strip().splitlines()
                    if line.strip()][-5:]
            details = ["last lines it wrote to stderr:", *tail] if tail else []
    if not status and returncode != 0:
        status = "crashed"
        how = (f"by signal {-returncode}" if returncode is not None and returncode < 0
               else f"with exit code {returncode}")
        headline = (f"the process supervising the check ended {how} before the check "
                    "finished, so its answers do not count - does your code signal or kill "
                    "other processes (os.kill, os.getppid)?")
    if not status:
        passed = sum(r.passed for r in results)
        status = "passed" if results and passed == len(results) else "failed"
        headline = (f"all {len(results)} cases pass." if status == "passed"
                    else f"{passed} of {len(results)} cases pass.")
    return CheckResult(exercise.name, status, headline, results, details,
                       _printable(output[:OUTPUT_LIMIT]), round(seconds, 3))


# --------------------------------------------------------------------------- subprocess
def _clean(value: Any) -> Any:
    """Text from the learner's process with control characters (ESC...) made harmless."""
    if isinstance(value, str):
        return _printable(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _sanitized(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: (v if k == "value" else _clean(v)) for k, v in event.items()}
            for event in events]


def untouched_text(exercise: Exercise) -> str:
    """The exercise file exactly as ``neuronlab learn start`` writes it."""
    from .lessons import find_lesson

    return exercise.file_text(find_lesson(exercise.lesson).title)


def check_file(exercise: Exercise | str, path: str | Path,
               timeout: float | None = None) -> CheckResult:
    """Run the learner's file ``path`` for ``exercise`` in a subprocess and judge it.

    ``timeout`` overrides the exercise's seconds per case. The file runs in a contained
    process (:mod:`neuronlab.learn.sandbox`) that is given the cases' arguments only;
    the answers it sends back are judged here, against the library's answers. A file
    still exactly as ``learn start`` wrote it is "todo" without running it.
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
    cases = [(case.label, case.args, case.key) for case in exercise.cases()]
    observer = exercise.name if exercise.observe is not None else ""
    run = sandbox.run(path.resolve(), exercise.function, cases, observer, per_case)
    return judge(exercise, _sanitized(run.events), output=run.output, stderr=run.stderr,
                 returncode=run.returncode, killed_after=run.killed_after,
                 seconds=run.seconds, source=source, where=path.name)


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
