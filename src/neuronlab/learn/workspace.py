"""A learner's workspace: the exercise files and a small progress file beside them.

``neuronlab learn start [DIR]`` writes one file per exercise (``01_neuron.py``...) and
never overwrites a file that is already there. Progress lives in
``neuronlab-progress.json`` in the same folder::

    {"format": 1,
     "exercises": {"neuron": {"solved": true, "solved_at": "...", "checks": 3,
                              "hints": 1, "last": "passed"}},
     "quiz": {"the-neuron": {"right": 2, "asked": 3, "at": "..."}}}

``quiz`` keeps the best score of ``neuronlab learn quiz`` by lesson slug (``all`` for
every lesson); a file that keyed it by lesson number is read with the numbers turned
into the slugs those lessons have now.

Every change is a read-modify-write under a lock, saved atomically (a temporary file
in the same folder, flushed to disk, then ``os.replace``): a crash leaves either the
old file or the new one, never half of one. A solved exercise stays solved: each
first solve is also appended to ``.neuronlab-progress.journal``, and a progress file
that is missing or broken is rebuilt from it (a broken one is kept as
``neuronlab-progress.json.broken-N``). A check restores the progress file if the
learner's code changed it (:meth:`Workspace.check`).

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     ws, created, kept = Workspace.create(folder)
...     print(len(created), kept, ws.current().name)
17 [] neuron
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .catalog import EXERCISES
from .exercises import Exercise
from .results import CheckResult
from .sources import slug_of

PROGRESS_FILE = "neuronlab-progress.json"
JOURNAL_FILE = ".neuronlab-progress.journal"  # one line per exercise solved; only appended to
LOCK_FILE = ".neuronlab-progress.lock"
DEFAULT_DIR = "neuronlab-exercises"
ENV_VAR = "NEURONLAB_WORKSPACE"
HOME_DIR = (".neuronlab", "course")  # under the home folder: where the lab keeps progress
FORMAT = 1

Progress = dict[str, Any]


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash never leaves half a file: a temporary
    file beside it, flushed to disk, then renamed over it (removed if anything fails)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """:func:`atomic_write_bytes` of ``text`` in UTF-8, encoded before anything is opened:
    text that cannot be encoded (a lone surrogate) raises UnicodeEncodeError and leaves
    the file as it was."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to ``path`` so that a crash never leaves half a file."""
    atomic_write_bytes(path, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def clean_temporary(folder: Path, name: str) -> list[str]:
    """Remove the temporary files an interrupted :func:`atomic_write_bytes` of ``name``
    left in ``folder`` (call under the folder's lock)."""
    removed = []
    for stale in folder.glob(f".{name}.*.tmp"):
        with suppress(OSError):
            stale.unlink()
            removed.append(stale.name)
    return removed


@contextmanager
def locked(folder: Path, name: str = LOCK_FILE) -> Iterator[None]:
    """Hold the lock file ``name`` in ``folder`` (an advisory ``flock``, which holds across
    processes: two labs, or a lab and ``neuronlab learn``, on one workspace take turns).
    Not re-entrant: a holder must not take the same lock again."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; writes stay atomic
        yield
        return
    with open(folder / name, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)



class BrokenProgress(ValueError):
    """The progress file is valid JSON but not a progress record (the message says why)."""


def _whole(value: Any) -> bool:
    return type(value) is int and 0 <= value <= 10**9


def _check_progress(data: Any) -> None:
    """Raise :class:`BrokenProgress` unless ``data`` has the shape of a progress record:
    every field the code reads has the type it expects (``"hints": "two"``, a list where
    a record belongs, 1e999 are refused)."""
    if not isinstance(data, dict):
        raise BrokenProgress(f"it holds a {type(data).__name__}, not an object")
    for name, kind in (("exercises", dict), ("quiz", dict)):
        if name in data and not isinstance(data[name], kind):
            raise BrokenProgress(f"{name!r} is a {type(data[name]).__name__}, not an object")
    for name, record in data.get("exercises", {}).items():
        if not isinstance(record, dict):
            raise BrokenProgress(f"exercise {str(name)[:30]!r} is a "
                                 f"{type(record).__name__}, not a record")
        for field in ("checks", "hints"):
            if field in record and not _whole(record[field]):
                raise BrokenProgress(f"exercise {str(name)[:30]!r}: {field!r} is "
                                     f"{str(record[field])[:20]!r}, not a whole number")
        if "solved" in record and not isinstance(record["solved"], bool):
            raise BrokenProgress(f"exercise {str(name)[:30]!r}: 'solved' is not true or false")
        for field in ("solved_at", "last", "last_at"):
            if field in record and not isinstance(record[field], str):
                raise BrokenProgress(f"exercise {str(name)[:30]!r}: {field!r} is not text")
    for name, best in data.get("quiz", {}).items():
        if not isinstance(best, dict) or not all(
                _whole(best.get(field, 0)) for field in ("right", "asked")):
            raise BrokenProgress(f"quiz {str(name)[:30]!r} is not a record of whole numbers")


def _no_constants(text: str) -> Any:
    raise BrokenProgress(f"it holds {text}, which is not a number JSON allows")


def home_workspace() -> Path:
    """``~/.neuronlab/course``: the workspace used when no other one is found."""
    return Path.home().joinpath(*HOME_DIR)


def locate(explicit: str | os.PathLike[str] | None = None,
           cwd: str | os.PathLike[str] | None = None) -> Path:
    """The one rule, shared by ``neuronlab learn`` and the lab, for where progress lives.

    In order: the folder given explicitly (``--dir`` / ``--workspace``), then
    ``$NEURONLAB_WORKSPACE``, then the first folder from the current one upwards that
    holds a ``neuronlab-progress.json``, then ``./neuronlab-exercises`` if it holds one,
    else ``~/.neuronlab/course``. The folder need not exist yet.

    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = Workspace.create(os.path.join(folder, "course"))
    ...     inner = os.path.join(folder, "course", "notes")
    ...     os.mkdir(inner)
    ...     locate(explicit=None, cwd=inner).name
    'course'
    """
    if explicit is not None:
        return Path(explicit).expanduser().resolve()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser().resolve()
    here = Path(cwd or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / PROGRESS_FILE).is_file():
            return folder
    if (here / DEFAULT_DIR / PROGRESS_FILE).is_file():
        return here / DEFAULT_DIR
    return home_workspace()


def lesson_titles() -> dict[int, str]:
    from .lessons import LESSONS

    return {lesson.number: lesson.title for lesson in LESSONS}


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _restore(path: Path, old: bytes | None) -> bool:
    """Put ``path`` back to ``old`` (None: absent) if it differs; whether it did."""
    try:
        now = _read_or_none(path)
    except OSError:  # made unreadable (a folder in its place...): replace it
        now = b"\0unreadable"
    if now == old:
        return False
    if old is None:
        with suppress(OSError):
            os.unlink(path)
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
    else:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        atomic_write_bytes(path, old)
    return True


class Workspace:
    """The folder ``root`` holding exercise files and ``neuronlab-progress.json``."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        self.warnings: list[str] = []

    @property
    def progress_path(self) -> Path:
        return self.root / PROGRESS_FILE

    # ----------------------------------------------------------------- finding
    @classmethod
    def find(cls, explicit: str | os.PathLike[str] | None = None,
             cwd: str | os.PathLike[str] | None = None) -> Workspace | None:
        """The workspace :func:`locate` names (``explicit``, ``$NEURONLAB_WORKSPACE``, the
        current folder or one above it, ``./neuronlab-exercises``, ``~/.neuronlab/course``),
        or None when that folder holds no progress yet. A folder named explicitly or in
        the environment must be a workspace already."""
        named = explicit if explicit is not None else os.environ.get(ENV_VAR) or None
        workspace = cls(locate(explicit, cwd))
        if workspace.progress_path.is_file():
            return workspace
        if named is not None:
            raise ConfigError(
                f"{workspace.root} is not a neuronlab workspace (it has no "
                f"{PROGRESS_FILE}). Create one with `neuronlab learn start {named}`."
            )
        return None

    @classmethod
    def create(cls, root: str | os.PathLike[str]) -> tuple[Workspace, list[str], list[str]]:
        """Make the workspace: write every missing exercise file, keep every existing one.

        Returns ``(workspace, files created, files kept)``.
        """
        workspace = cls(root)
        if workspace.root.exists() and not workspace.root.is_dir():
            raise ConfigError(f"{workspace.root} is a file; give a folder for the exercises.")
        workspace.root.mkdir(parents=True, exist_ok=True)
        titles = lesson_titles()
        created, kept = [], []
        for exercise in EXERCISES.values():
            path = workspace.path(exercise)
            try:
                with open(path, "x", encoding="utf-8") as handle:  # "x": never overwrite
                    handle.write(exercise.file_text(titles.get(exercise.lesson, "")))
                created.append(path.name)
            except FileExistsError:
                kept.append(path.name)
        workspace.update(lambda progress: progress.setdefault("created", _now()))
        return workspace, created, kept

    # ----------------------------------------------------------------- progress
    def path(self, exercise: Exercise) -> Path:
        return self.root / exercise.filename

    @property
    def journal_path(self) -> Path:
        return self.root / JOURNAL_FILE

    def journal(self) -> dict[str, str]:
        """Exercises solved according to the journal, with when (unreadable lines skipped)."""
        solved: dict[str, str] = {}
        try:
            text = self.journal_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return solved
        for line in text.splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(entry, dict) and entry.get("solved") in EXERCISES:
                solved.setdefault(str(entry["solved"]), str(entry.get("at", "")))
        return solved

    def _journal_solve(self, name: str, at: str) -> None:
        with open(self.journal_path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"solved": name, "at": at}) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def _set_aside(self) -> Path:
        n = 1
        while (backup := self.progress_path.with_name(f"{PROGRESS_FILE}.broken-{n}")).exists():
            n += 1
        os.replace(self.progress_path, backup)
        return backup

    def load(self) -> Progress:
        """The progress record. A missing or unreadable file starts empty; a broken one
        (not JSON, or a field of the wrong type) is kept as ``.broken-N`` and a fresh one
        written, with a warning. Solved exercises in the journal are solved in the record,
        whatever happened to the file."""
        fresh = False
        try:
            data = json.loads(self.progress_path.read_text(encoding="utf-8"),
                              parse_constant=_no_constants)
            _check_progress(data)
        except FileNotFoundError:
            data = None
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
            try:
                backup = self._set_aside().name
            except OSError:
                backup = None
            why = f" ({exc})" if isinstance(exc, BrokenProgress) else ""
            kept = f"it was kept as {backup}" if backup else "it could not be set aside"
            self.warnings.append(
                f"{PROGRESS_FILE} could not be read{why}; {kept} and a fresh one was written, "
                "keeping every exercise the journal records as solved (run `neuronlab learn "
                "check NAME` to re-mark any other exercise)."
            )
            data, fresh = None, True
        if not isinstance(data, dict):
            data = {}
        data.setdefault("format", FORMAT)
        if not isinstance(data.get("exercises"), dict):
            data["exercises"] = {}
        if not isinstance(data.get("quiz"), dict):
            data["quiz"] = {}
        data["quiz"] = {slug_of(int(name)) if name.isdigit() else name: best
                        for name, best in data["quiz"].items()}
        for name, at in self.journal().items():
            record = data["exercises"].get(name)
            if not isinstance(record, dict):
                record = data["exercises"][name] = {}
            if not record.get("solved"):
                record.update(solved=True, solved_at=record.get("solved_at") or at)
        if fresh:
            with suppress(OSError):
                atomic_write_json(self.progress_path, data)
        return data

    def clean_temporary_files(self) -> list[str]:
        """Remove temporary files left by a save that was interrupted (call under the lock)."""
        return [*clean_temporary(self.root, PROGRESS_FILE),
                *[name for exercise in EXERCISES.values()
                  for name in clean_temporary(self.root, exercise.filename)]]

    def save_code(self, exercise: Exercise, code: str) -> Path:
        """Save ``code`` as ``exercise``'s file atomically. Code that cannot be encoded in
        UTF-8 (a lone surrogate) raises UnicodeEncodeError before the file is touched."""
        path = self.path(exercise)
        data = (code if code.endswith("\n") else code + "\n").encode("utf-8")
        atomic_write_bytes(path, data)
        return path

    def update(self, change: Callable[[Progress], Any]) -> Progress:
        """Apply ``change`` to the progress record and save it atomically, under a lock."""
        with locked(self.root):
            return self._update_locked(change)

    def _update_locked(self, change: Callable[[Progress], Any]) -> Progress:
        self.clean_temporary_files()
        progress = self.load()
        change(progress)
        atomic_write_json(self.progress_path, progress)
        return progress

    def entry(self, progress: Progress, exercise: Exercise) -> dict[str, Any]:
        record = progress["exercises"].setdefault(exercise.name, {})
        if not isinstance(record, dict):
            record = progress["exercises"][exercise.name] = {}
        return record

    def _record_change(self, exercise: Exercise, result: CheckResult,
                       newly: list[bool]) -> Callable[[Progress], None]:
        def change(progress: Progress) -> None:
            record = self.entry(progress, exercise)
            record["checks"] = int(record.get("checks", 0)) + 1
            record["last"] = result.status
            record["last_at"] = _now()
            if result.passed and not record.get("solved"):
                record["solved"], record["solved_at"] = True, _now()
                newly.append(True)
                self._journal_solve(exercise.name, record["solved_at"])

        return change

    def record_check(self, exercise: Exercise, result: CheckResult) -> bool:
        """Store a check's outcome; return True when it solved the exercise for the first time."""
        newly: list[bool] = []
        self.update(self._record_change(exercise, result, newly))
        return bool(newly)

    def check(self, exercise: Exercise, timeout: float | None = None) -> tuple[CheckResult, bool]:
        """Check ``exercise``'s file and record the outcome; ``(result, newly solved)``.

        Only this process writes progress. The learner's code runs with its own scratch
        folder as working directory, but it could still reach this folder, so the whole
        check holds the workspace's lock (every honest writer of the progress file and
        the journal takes it): whatever changed in those two files while the check ran
        was changed by the checked code, and is put back as it was, with a warning.
        """
        from .checker import check_file

        with locked(self.root):
            self.clean_temporary_files()
            before = _read_or_none(self.progress_path)
            journal = _read_or_none(self.journal_path)
            try:
                result = check_file(exercise, self.path(exercise), timeout=timeout)
            finally:
                changed = [path.name for path, old in ((self.progress_path, before),
                                                       (self.journal_path, journal))
                           if _restore(path, old)]
            if changed:
                self.warnings.append(
                    f"the code in {exercise.filename} changed {' and '.join(changed)}; "
                    "it was put back as it was before the check.")
            newly: list[bool] = []
            self._update_locked(self._record_change(exercise, result, newly))
        return result, bool(newly)

    def take_hint(self, exercise: Exercise) -> int:
        """Count one more hint for ``exercise``; return which hint to show (1, 2, ...)."""
        shown = 0

        def change(progress: Progress) -> None:
            nonlocal shown
            record = self.entry(progress, exercise)
            shown = min(int(record.get("hints", 0)) + 1, len(exercise.hints) + 1)
            record["hints"] = shown

        self.update(change)
        return shown

    def record_quiz(self, lesson: str, right: int, asked: int) -> None:
        def change(progress: Progress) -> None:
            best = progress["quiz"].get(lesson, {})
            if not isinstance(best, dict) or right >= int(best.get("right", -1)):
                progress["quiz"][lesson] = {"right": right, "asked": asked, "at": _now()}

        self.update(change)

    def solved(self, progress: Progress | None = None) -> set[str]:
        progress = progress or self.load()
        return {name for name, record in progress["exercises"].items()
                if isinstance(record, dict) and record.get("solved")}

    def current(self, progress: Progress | None = None) -> Exercise | None:
        """The first exercise, in path order, not solved yet (None when all are)."""
        solved = self.solved(progress)
        return next((ex for ex in EXERCISES.values() if ex.name not in solved), None)

    def next_after(self, exercise: Exercise) -> Exercise | None:
        """The first unsolved exercise after ``exercise`` (wrapping round to the start)."""
        solved = self.solved()
        order = list(EXERCISES.values())
        start = order.index(exercise) + 1
        for candidate in order[start:] + order[:start]:
            if candidate.name not in solved:
                return candidate
        return None
