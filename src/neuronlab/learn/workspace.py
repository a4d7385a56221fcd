"""A learner's workspace: the exercise files and a small progress file beside them.

``neuronlab learn start [DIR]`` writes one file per exercise (``01_neuron.py``...) and
never overwrites a file that is already there. Progress lives in
``neuronlab-progress.json`` in the same folder::

    {"format": 1,
     "exercises": {"neuron": {"solved": true, "solved_at": "...", "checks": 3,
                              "hints": 1, "last": "passed"}},
     "quiz": {"1": {"right": 2, "asked": 3, "at": "..."}}}

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
16 [] neuron
"""

from __future__ import annotations

import json
import os
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


def atomic_write_json(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to ``path`` so that a crash never leaves half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; writes stay atomic
        yield
        return
    with open(folder / LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
        is kept as ``.broken-N`` and a fresh one written. Solved exercises in the journal
        are solved in the record, whatever happened to the file."""
        fresh = False
        try:
            data = json.loads(self.progress_path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except FileNotFoundError:
            data = None
        except (OSError, UnicodeDecodeError, ValueError):
            try:
                backup = self._set_aside().name
            except OSError:
                backup = None
            kept = f"it was kept as {backup}" if backup else "it could not be set aside"
            self.warnings.append(
                f"{PROGRESS_FILE} could not be read; {kept} and a fresh one was written, "
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
        removed = []
        for stale in self.root.glob(f".{PROGRESS_FILE}.*.tmp"):
            with suppress(OSError):
                stale.unlink()
                removed.append(stale.name)
        return removed

    def update(self, change: Callable[[Progress], Any]) -> Progress:
        """Apply ``change`` to the progress record and save it atomically, under a lock."""
        with _locked(self.root):
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

    def record_check(self, exercise: Exercise, result: CheckResult) -> bool:
        """Store a check's outcome; return True when it solved the exercise for the first time."""
        newly = False

        def change(progress: Progress) -> None:
            nonlocal newly
            record = self.entry(progress, exercise)
            record["checks"] = int(record.get("checks", 0)) + 1
            record["last"] = result.status
            record["last_at"] = _now()
            if result.passed and not record.get("solved"):
                record["solved"], record["solved_at"], newly = True, _now(), True
                self._journal_solve(exercise.name, record["solved_at"])

        self.update(change)
        return newly

    def check(self, exercise: Exercise, timeout: float | None = None) -> tuple[CheckResult, bool]:
        """Check ``exercise``'s file and record the outcome; ``(result, newly solved)``.

        The learner's code runs with its own scratch folder as working directory, but it
        could still reach this folder: if the progress file was changed, removed or
        broken during the run, it is put back as it was before, with a warning.
        """
        from .checker import check_file

        try:
            before: bytes | None = self.progress_path.read_bytes()
        except OSError:
            before = None
        journal = self.journal_path.read_bytes() if self.journal_path.is_file() else None
        result = check_file(exercise, self.path(exercise), timeout=timeout)
        with _locked(self.root):
            try:
                after: bytes | None = self.progress_path.read_bytes()
            except OSError:
                after = None
            if after != before:
                if before is None:
                    with suppress(OSError):
                        self.progress_path.unlink()
                else:
                    tmp = self.progress_path.with_name(f".{PROGRESS_FILE}.restore.tmp")
                    tmp.write_bytes(before)
                    os.replace(tmp, self.progress_path)
                self.warnings.append(f"the code in {exercise.filename} changed {PROGRESS_FILE}; "
                                     "it was put back as it was before the check.")
            if journal is not None and (not self.journal_path.is_file()
                                        or not self.journal_path.read_bytes().startswith(journal)):
                self.journal_path.write_bytes(journal)
            self.clean_temporary_files()
        return result, self.record_check(exercise, result)

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
