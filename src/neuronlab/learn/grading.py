"""Grade many learners' workspaces: re-run every exercise, trust no progress file.

``neuronlab learn grade DIR...`` checks each exercise file of each workspace in its
own subprocess (as ``learn check`` does) and reports one row per learner: how many
exercises pass now, the status of each, and how many the learner's progress file
claims, so a teacher can spot a difference. A file still identical to its template
is reported as ``todo`` without running it; a missing one as ``missing``.

A class on a shared machine (JupyterHub) keeps one workspace in each student's home:
``neuronlab learn grade --homes /home`` finds it in each folder of ``/home``
(:func:`find_in_home`: the folder ``neuronlab learn`` and the lab would use there) and
names the row after the home. The recall answers each learner rated in the lab
(``neuronlab-recall.json``) are read, never run: how many questions were answered and
how many the learner rated "got it". Nothing a learner wrote runs outside the sandbox
(:mod:`neuronlab.learn.sandbox`): exercise files run there, progress and recall files
are only parsed as JSON.

>>> row = GradeRow("ada", {"neuron": "passed", "relu": "todo"}, claimed=2, recall=(3, 1))
>>> row.solved, row.as_csv_row(["neuron", "relu"])
(1, ['ada', '1', '2', 'passed', 'todo', '3', '1'])
"""

from __future__ import annotations

import csv
import io
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .catalog import EXERCISES
from .checker import check_file
from .exercises import Exercise
from .workspace import DEFAULT_DIR, HOME_DIR, PROGRESS_FILE

RECALL_FILE = "neuronlab-recall.json"  # the lab's recall answers (neuronlab.lab.recall)


@dataclass
class GradeRow:
    """One learner: ``statuses`` by exercise name, and what their progress file claims."""

    learner: str
    statuses: dict[str, str] = field(default_factory=dict)
    claimed: int | None = None  # solved according to the progress file (None: no file)
    recall: tuple[int, int] | None = None  # (answered, rated "got it"); None: no recall file

    @property
    def solved(self) -> int:
        return sum(status == "passed" for status in self.statuses.values())

    def as_csv_row(self, names: list[str]) -> list[str]:
        claimed = "" if self.claimed is None else str(self.claimed)
        answered, got_it = ("", "") if self.recall is None else map(str, self.recall)
        return [self.learner, str(self.solved), claimed,
                *[self.statuses.get(n, "missing") for n in names], answered, got_it]


def find_in_home(home: Path) -> Path | None:
    """The workspace in a learner's home folder, by the rule the lab and ``neuronlab
    learn`` follow when started there: the home itself if it is a workspace, else
    ``neuronlab-exercises``, else ``.neuronlab/course``; None when none has progress."""
    for folder in (home, home / DEFAULT_DIR, home.joinpath(*HOME_DIR)):
        if (folder / PROGRESS_FILE).is_file() or (folder / RECALL_FILE).is_file():
            return folder
    return None


def class_in(homes: Path) -> tuple[list[tuple[str, Path]], list[str]]:
    """``([(learner, workspace)], [learners without one])`` for each folder in ``homes``.

    Folders are taken in name order and never followed out of ``homes`` (a symbolic
    link is skipped), so a student cannot make the teacher read another place.
    """
    found, empty = [], []
    for home in sorted(p for p in homes.iterdir() if p.is_dir() and not p.is_symlink()):
        workspace = find_in_home(home)
        if workspace is None:
            empty.append(home.name)
        else:
            found.append((home.name, workspace))
    return found, empty


def folders_of(directories: list[str], homes: str | None
               ) -> tuple[list[str | Path], list[str], list[str]]:
    """``(workspaces, learners, homes without progress)`` of ``learn grade DIR... --homes
    HOMES``: the folders given, then the workspace in each home of ``HOMES``."""
    folders: list[str | Path] = list(directories)
    learners = [Path(f).resolve().name or str(f) for f in folders]
    empty: list[str] = []
    if homes is not None:
        if not Path(homes).is_dir():
            raise ConfigError(f"--homes {homes} is not a folder; give the folder that holds "
                              "the learners' home folders, such as /home.")
        found, empty = class_in(Path(homes))
        folders += [workspace for _, workspace in found]
        learners += [name for name, _ in found]
    if not folders and homes is None:
        raise ConfigError("Give one workspace folder per learner (DIR...), or --homes DIR "
                          "for a folder of home folders, such as /home on a JupyterHub.")
    if not folders:
        raise ConfigError(f"No home in {homes} holds neuronlab progress yet.")
    return folders, learners, empty


def table(rows: list[GradeRow], names: list[str], marks: dict[str, str]) -> Any:
    """The grade table (a rich Table): learner, solved, claimed, the exercises' marks in
    groups of four, and recall ("got it" of those answered)."""
    from rich.table import Table

    shown = Table(title=f"Grades: {len(rows)} workspace(s), {len(names)} exercises, "
                        "re-checked now")
    shown.add_column("learner", overflow="fold")
    shown.add_column("solved", no_wrap=True, justify="right")
    shown.add_column("claimed", no_wrap=True, justify="right")
    shown.add_column(f"exercises 01-{len(names):02d}", no_wrap=True)
    shown.add_column("recall", no_wrap=True, justify="right")
    for row in rows:
        claimed = "-" if row.claimed is None else str(row.claimed)
        got = [marks.get(row.statuses[n], "?") for n in names]
        grouped = " ".join("".join(got[i:i + 4]) for i in range(0, len(got), 4))
        recalled = "-" if row.recall is None else f"{row.recall[1]}/{row.recall[0]}"
        shown.add_row(row.learner, f"{row.solved}/{len(names)}", claimed, grouped, recalled)
    return shown


def recall_counts(folder: Path) -> tuple[int, int] | None:
    """``(questions answered, rated "got it")`` from the recall file; None if none or
    unreadable (it is parsed as JSON, nothing in it runs)."""
    try:
        data = json.loads((folder / RECALL_FILE).read_text(encoding="utf-8"))
        questions = data["questions"]
        entries = [e for e in questions.values() if isinstance(e, dict)]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    got_it = sum(1 for e in entries if e.get("rating") == "got it" or (
        data.get("format") == 1 and e.get("right") is True))
    return len(entries), got_it


def _claimed(folder: Path) -> int | None:
    try:
        data = json.loads((folder / PROGRESS_FILE).read_text(encoding="utf-8"))
        return sum(1 for r in data.get("exercises", {}).values()
                   if isinstance(r, dict) and r.get("solved"))
    except (OSError, ValueError, AttributeError):
        return None


def _grade_one(folder: Path, exercise: Exercise, timeout: float | None) -> str:
    return check_file(exercise, folder / exercise.filename, timeout=timeout).status


def grade(folders: list[str | Path], jobs: int = 2, timeout: float | None = None,
          exercises: list[Exercise] | None = None,
          names: list[str] | None = None) -> list[GradeRow]:
    """Check every exercise in every folder; ``jobs`` checks run at the same time.
    ``names`` are the learners' names (default: each folder's name)."""
    chosen = exercises or list(EXERCISES.values())
    learners = names or [Path(f).resolve().name or str(f) for f in folders]
    rows = [GradeRow(name, claimed=_claimed(Path(f)), recall=recall_counts(Path(f)))
            for name, f in zip(learners, folders)]
    tasks = [(row, Path(folder), ex) for row, folder in zip(rows, folders) for ex in chosen]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        statuses = pool.map(lambda t: _grade_one(t[1], t[2], timeout), tasks)
        for (row, _, exercise), status in zip(tasks, statuses):
            row.statuses[exercise.name] = status
    for row in rows:  # keep path order whatever order the checks finished in
        row.statuses = {ex.name: row.statuses[ex.name] for ex in chosen}
    return rows


def to_csv(rows: list[GradeRow], names: list[str]) -> str:
    """The grades as CSV: learner, solved, claimed, then one column per exercise."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["learner", "solved", "claimed", *names, "recall_answered",
                     "recall_got_it"])
    for row in rows:
        writer.writerow(row.as_csv_row(names))
    return out.getvalue()
