"""What the ``neuronlab learn`` commands share: the workspace they act on, the lesson
the learner is on, and how a check's result is printed."""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from ..errors import ConfigError

if TYPE_CHECKING:  # the learning path itself is imported by the commands that run
    from ..learn.exercises import Exercise
    from ..learn.lessons import Lesson
    from ..learn.results import CheckResult
    from ..learn.workspace import Workspace


MARKS = {"passed": "✓", "failed": "✗", "error": "E", "load-error": "E", "timeout": "T",
         "todo": "·", "missing": "-", "no-function": "?", "crashed": "C"}


# --------------------------------------------------------------------------- helpers
def tell(console: Console, text: str | Text) -> None:
    """One message, wrapped at the terminal's width between words (a word longer than
    a line, such as a long path, is folded); leading spaces indent every wrapped line."""
    from rich.padding import Padding

    if isinstance(text, str):
        text = Text.from_markup(text)
    for line in text.split("\n", allow_blank=True):
        body = line.plain.lstrip(" ")
        indent = len(line.plain) - len(body)
        line = line[indent:] if indent else line
        line.overflow = "fold"
        console.print(Padding(line, (0, 0, 0, indent)) if indent else line)


def open_workspace(args: argparse.Namespace, required: bool = True) -> Workspace | None:
    from ..learn.workspace import DEFAULT_DIR, Workspace, home_workspace

    explicit = getattr(args, "dir", None) or getattr(args, "top_dir", None)
    workspace = Workspace.find(explicit)
    if workspace is None and required:
        raise ConfigError(
            "No neuronlab workspace here (no neuronlab-progress.json in this folder, above "
            f"it, in ./{DEFAULT_DIR} or in {home_workspace()}, where the lab keeps its "
            "progress). Create one with `neuronlab learn start [DIR]`, or point to it with "
            "--dir DIR."
        )
    return workspace


def time_limit(args: argparse.Namespace) -> float | None:
    """``--timeout``, refused unless it is a positive, finite number of seconds."""
    value = getattr(args, "timeout", None)
    if value is not None and not (math.isfinite(value) and value > 0):
        raise ConfigError(f"--timeout takes a positive number of seconds, got {value:g}.")
    return value


def show_warnings(console: Console, workspace: Workspace | None) -> None:
    for warning in workspace.warnings if workspace else []:
        tell(console, Text(f"warning: {warning}", style="yellow"))
    if workspace:
        workspace.warnings.clear()


def print_result(console: Console, result: CheckResult) -> None:
    """A check's verdict, first line coloured, the rest printed literally (no markup)."""
    lines = result.lines()
    tell(console, Text(lines[0], style="bold green" if result.passed else "bold red"))
    for line in lines[1:]:
        tell(console, Text(line))


def status_of(workspace: Workspace | None, exercise: Exercise, progress: dict[str, Any],
            current: Exercise | None) -> str:
    record = progress["exercises"].get(exercise.name, {}) if workspace else {}
    if isinstance(record, dict) and record.get("solved"):
        return "✓"
    return "▶" if current is not None and exercise.name == current.name else "·"


def lesson_in_progress(workspace: Workspace | None) -> Lesson:
    from ..learn.lessons import LESSONS, find_lesson

    current = workspace.current() if workspace else None
    return find_lesson(current.lesson if current else (LESSONS[-1].number if workspace else 1))
