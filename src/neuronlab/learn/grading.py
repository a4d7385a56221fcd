"""Grade many learners' workspaces: re-run every exercise, trust no progress file.

``neuronlab learn grade DIR...`` checks each exercise file of each workspace in its
own subprocess (as ``learn check`` does) and reports one row per learner: how many
exercises pass now, the status of each, and how many the learner's progress file
claims, so a teacher can spot a difference. A file still identical to its template
is reported as ``todo`` without running it; a missing one as ``missing``.

>>> row = GradeRow("ada", {"neuron": "passed", "relu": "todo"}, claimed=2)
>>> row.solved, row.as_csv_row(["neuron", "relu"])
(1, ['ada', '1', '2', 'passed', 'todo'])
"""

from __future__ import annotations

import csv
import io
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import EXERCISES
from .checker import check_file
from .exercises import Exercise
from .workspace import PROGRESS_FILE


@dataclass
class GradeRow:
    """One learner: ``statuses`` by exercise name, and what their progress file claims."""

    learner: str
    statuses: dict[str, str] = field(default_factory=dict)
    claimed: int | None = None  # solved according to the progress file (None: no file)

    @property
    def solved(self) -> int:
        return sum(status == "passed" for status in self.statuses.values())

    def as_csv_row(self, names: list[str]) -> list[str]:
        claimed = "" if self.claimed is None else str(self.claimed)
        return [self.learner, str(self.solved), claimed,
                *[self.statuses.get(n, "missing") for n in names]]


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
          exercises: list[Exercise] | None = None) -> list[GradeRow]:
    """Check every exercise in every folder; ``jobs`` checks run at the same time."""
    chosen = exercises or list(EXERCISES.values())
    rows = [GradeRow(Path(f).resolve().name or str(f), claimed=_claimed(Path(f)))
            for f in folders]
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
    writer.writerow(["learner", "solved", "claimed", *names])
    for row in rows:
        writer.writerow(row.as_csv_row(names))
    return out.getvalue()
