"""Run a learner's function on an exercise's cases and report what happened, as events.

This module runs *next to the learner's code*: in the sandboxed process started by
``neuronlab learn check`` (:mod:`neuronlab.learn._child`), or inside a notebook's
kernel for ``neuronlab.learn.check(name, function)``. It never judges and never
sees an expected answer; it only records, one JSON event per line::

    {"event": "ready"}                       neuronlab is imported
    {"event": "loaded"}                      the learner's file ran without error
    {"event": "start", "case": 0}            case 0 begins
    {"event": "case", "case": 0, "kind": "value", "value": {...}}
    {"event": "done"}

A case ends in a ``value``, an ``error`` (with the learner's own traceback lines,
never the checker's), a ``timeout`` or an ``answer-error`` (an answer of the wrong
form). Each case runs with warnings turned into errors and, where the platform
allows it, a time limit of ``exercise.timeout`` seconds.

>>> events = []
>>> from neuronlab.learn.catalog import EXERCISES
>>> run_cases(EXERCISES["relu"], lambda z: 1 / 0, events.append)
>>> events[1]["kind"], events[1]["lines"][-1]
('error', 'ZeroDivisionError: division by zero')
"""

from __future__ import annotations

import copy
import signal
import sys
import sysconfig
import threading
import traceback
import types
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .exercises import AnswerError, Case, Exercise
from .values import encode

Emit = Callable[[dict[str, Any]], None]

_PACKAGE = Path(__file__).resolve().parent.parent
_SYSTEM_DIRS = tuple(
    Path(p).resolve() for p in {sysconfig.get_paths().get(k, "") for k in
                                ("stdlib", "platstdlib", "purelib", "platlib")} if p
)


class CaseTimeout(BaseException):
    """Raised inside the learner's code when a case runs out of time.

    A ``BaseException``, so a learner's ``except Exception`` cannot swallow it.
    """


def _is_learner_file(filename: str) -> bool:
    if filename.startswith("<"):
        return not filename.startswith("<frozen")
    try:
        path = Path(filename).resolve()
    except (OSError, ValueError):
        return True
    if path.is_relative_to(_PACKAGE):
        return False
    return not any(path.is_relative_to(d) for d in _SYSTEM_DIRS)


def learner_traceback(exc: BaseException) -> list[str]:
    """The traceback of ``exc`` cut down to the learner's own frames, plus its message.

    Frames inside neuronlab, the standard library and installed packages are left
    out, so what remains is the learner's code and the error itself.
    """
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _is_learner_file(f.filename)]
    lines: list[str] = []
    for block in traceback.format_list(frames):
        lines.extend(block.rstrip("\n").split("\n"))
    if isinstance(exc, CaseTimeout):
        return lines
    for block in traceback.format_exception_only(type(exc), exc):
        lines.extend(block.rstrip("\n").split("\n"))
    return lines


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`CaseTimeout` in this block after ``seconds`` (main thread, POSIX only)."""
    usable = (seconds and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise CaseTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))  # type: ignore[arg-type]
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _error_event(index: int, exc: BaseException, seconds: float) -> dict[str, Any]:
    if isinstance(exc, CaseTimeout):
        return {"event": "case", "case": index, "kind": "timeout", "seconds": seconds,
                "lines": learner_traceback(exc)}
    return {"event": "case", "case": index, "kind": "error", "exception": type(exc).__name__,
            "lines": learner_traceback(exc)}


def run_cases(exercise: Exercise, function: Callable[..., Any], emit: Emit,
              timeout: float | None = None) -> None:
    """Call ``function`` on every case of ``exercise`` and ``emit`` what happened."""
    seconds = exercise.timeout if timeout is None else timeout
    run_plain_cases(exercise.cases(), function, emit, seconds, exercise.observe)


def run_plain_cases(cases: list[Case], function: Callable[..., Any], emit: Emit,
                    seconds: float | None,
                    observe: Callable[[Any, Case], Any] | None = None) -> None:
    """Call ``function`` on each case, ``observe`` its answer, ``emit`` what happened.

    Stops at the first case that raises or times out (the rest would only repeat it).
    Needs no exercise: the sandboxed runner gets only the cases' arguments.
    """
    seconds = seconds or 0.0
    for index, case in enumerate(cases):
        emit({"event": "start", "case": index})
        args = copy.deepcopy(case.args)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                with time_limit(seconds):
                    value = function(*args)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # the learner's code may raise anything
            emit(_error_event(index, exc, seconds))
            return
        if observe is not None:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("error")
                    with time_limit(seconds):
                        value = observe(value, case)
            except AnswerError as exc:
                emit({"event": "case", "case": index, "kind": "answer-error",
                      "message": str(exc)})
                continue
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # e.g. a learner's model that fails to train
                emit(_error_event(index, exc, seconds))
                return
        try:
            encoded = encode(value)
        except Exception as exc:  # a learner's object that breaks on inspection
            encoded = {"t": "other", "type": type(value).__name__, "repr": f"<{exc!r}>"}
        emit({"event": "case", "case": index, "kind": "value", "value": encoded})


def load_function(path: str | Path, name: str, emit: Emit, timeout: float | None = None,
                  shown: str = "") -> Callable[..., Any] | None:
    """Run the learner's file and return its function ``name`` (``None`` after a load-error).

    ``shown`` is the file's name in tracebacks (the learner's own path, not a copy's).
    """
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        emit({"event": "load-error", "status": "load-error", "lines": [],
              "message": f"cannot read {path.name}: {exc}"})
        return None
    module = types.ModuleType("neuronlab_exercise")
    module.__file__ = str(path)
    sys.modules[module.__name__] = module
    try:
        code = compile(source, shown or str(path), "exec")
        with time_limit(timeout):
            exec(code, module.__dict__)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # anything at the learner's top level
        timed_out = isinstance(exc, CaseTimeout)
        kind = "SyntaxError" if isinstance(exc, SyntaxError) else type(exc).__name__
        message = (f"running {path.name} took more than {timeout:g} s (an endless loop at the "
                   "top level of the file?)" if timed_out
                   else f"{path.name} cannot be loaded: {kind}")
        emit({"event": "load-error", "status": "timeout" if timed_out else "load-error",
              "lines": learner_traceback(exc), "message": message})
        return None
    emit({"event": "loaded"})
    function = module.__dict__.get(name)
    if not callable(function):
        defined = sorted(k for k, v in module.__dict__.items()
                         if isinstance(v, types.FunctionType) and not k.startswith("_"))
        found = f" (it defines: {', '.join(defined)})" if defined else ""
        emit({"event": "load-error", "status": "no-function", "lines": [],
              "message": f"{path.name} defines no function `{name}`{found}; keep the name "
                         "from the exercise"})
        return None
    return function
