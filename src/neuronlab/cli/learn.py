"""``neuronlab learn``: the learning path in the terminal.

::

    neuronlab learn                  the path, and where you are on it
    neuronlab learn start [DIR]      create the exercise files (default: the workspace
                                     already in use, else ./neuronlab-exercises)
    neuronlab learn lesson [N]       show lesson N (default: the one you are on)
    neuronlab learn run N K          run code cell K of lesson N (--save FILE to edit it)
    neuronlab learn check [NAME]     check the current (or named) exercise
    neuronlab learn hint [NAME]      a hint; ask again for a stronger one
    neuronlab learn watch [NAME]     re-check on every save (Ctrl-C stops)
    neuronlab learn list             every exercise and its progress
    neuronlab learn quiz [LESSON]    retrieval questions ("all" for every lesson)
    neuronlab learn grade DIR...     teachers: check many workspaces (--csv)
    neuronlab learn notebooks [DIR]  write the lessons as Jupyter notebooks
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import math
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..errors import ConfigError
from .learn_common import (
    MARKS,
    open_workspace,
    print_result,
    show_warnings,
    status_of,
    tell,
    time_limit,
)
from .learn_reading import cmd_lesson, cmd_quiz, cmd_run

if TYPE_CHECKING:  # the learning path itself is imported by the commands that run
    from ..learn.exercises import Exercise
    from ..learn.results import CheckResult
    from ..learn.workspace import Workspace

# --------------------------------------------------------------------------- commands
def cmd_overview(args: argparse.Namespace, console: Console) -> int:
    from ..learn.catalog import EXERCISES
    from ..learn.lessons import LESSONS, find_lesson

    workspace = open_workspace(args, required=False)
    progress = workspace.load() if workspace else {"exercises": {}}
    current = workspace.current(progress) if workspace else None
    show_warnings(console, workspace)
    table = Table("#", "lesson", "exercises", title=f"The neuronlab learning path: "
                  f"{len(LESSONS)} lessons, {len(EXERCISES)} exercises")
    for lesson in LESSONS:
        marks = "  ".join(f"{status_of(workspace, ex, progress, current)} {ex.name}"
                          for ex in lesson.exercises)
        table.add_row(str(lesson.number), lesson.title, marks)
    console.print(table)
    if workspace is None:
        tell(console, "Start with [bold]neuronlab learn start[/] (creates ./neuronlab-exercises), "
                      "then read [bold]neuronlab learn lesson 1[/].")
        return 0
    solved = len(workspace.solved(progress))
    tell(console, f"Workspace {workspace.root}: {solved} of {len(EXERCISES)} exercises solved.")
    if current is None:
        tell(console, "Every exercise is solved. Keep them fresh: [bold]neuronlab learn quiz "
                      "all[/].")
        return 0
    lesson = find_lesson(current.lesson)
    tell(console, f"You are at lesson {lesson.number} ({lesson.title}), exercise "
                  f"[bold]{current.filename}[/].")
    tell(console, f"Next: [bold]neuronlab learn lesson {lesson.number}[/], edit "
                  f"{workspace.path(current)}, then [bold]neuronlab learn check[/].")
    return 0


def cmd_start(args: argparse.Namespace, console: Console) -> int:
    from ..learn.workspace import DEFAULT_DIR, ENV_VAR, Workspace

    target = (args.directory or getattr(args, "top_dir", None) or os.environ.get(ENV_VAR)
              or None)  # `learn start DIR`, `learn --dir DIR start`, or the environment
    if target is None:  # the workspace in use (the lab's own, say), else a new folder here
        in_use = Workspace.find()
        target = in_use.root if in_use else DEFAULT_DIR
    workspace, created, kept = Workspace.create(target)
    show_warnings(console, workspace)
    tell(console, f"Workspace [bold]{workspace.root}[/]: {len(created)} exercise file(s) created, "
                  f"{len(kept)} already there and kept as they are.")
    current = workspace.current()
    if current is None:
        tell(console, "Every exercise is already solved here.")
        return 0
    tell(console, f"Your exercise now: [bold]{workspace.path(current)}[/] "
                  f"(lesson {current.lesson}).")
    tell(console, "Read the lesson with [bold]neuronlab learn lesson[/], replace the # TODO in the "
                  "file, then run [bold]neuronlab learn check[/].")
    found = Workspace.find() if not os.environ.get(ENV_VAR) else None
    if found is None or found.root != workspace.root:
        tell(console, f"(Run those commands inside {workspace.root}, or add "
                      f"--dir {workspace.root}.)")
    return 0


def cmd_list(args: argparse.Namespace, console: Console) -> int:
    from ..learn.catalog import EXERCISES
    from ..learn.lessons import find_lesson

    workspace = open_workspace(args)
    assert workspace is not None
    progress = workspace.load()
    show_warnings(console, workspace)
    current = workspace.current(progress)
    table = Table(title=f"Exercises in {workspace.root}")
    table.add_column("", no_wrap=True)
    table.add_column("file", no_wrap=True,
                     min_width=max(len(ex.filename) for ex in EXERCISES.values()))
    table.add_column("lesson", overflow="fold", ratio=1)
    table.add_column("checks", no_wrap=True, justify="right")
    table.add_column("hints", no_wrap=True, justify="right")
    table.add_column("last check", no_wrap=True)
    for ex in EXERCISES.values():
        record = progress["exercises"].get(ex.name, {})
        record = record if isinstance(record, dict) else {}
        table.add_row(status_of(workspace, ex, progress, current), ex.filename,
                      f"{ex.lesson} · {find_lesson(ex.lesson).title}",
                      str(record.get("checks", 0)), str(record.get("hints", 0)),
                      str(record.get("last", "-")))
    console.print(table)
    tell(console, f"{len(workspace.solved(progress))} of {len(EXERCISES)} solved.  "
                  "✓ solved  ▶ current  · not yet")
    return 0


def _pick(workspace: Workspace, name: str | None) -> Exercise | None:
    from ..learn.catalog import EXERCISES

    return EXERCISES.find(name) if name else workspace.current()


def _check_and_record(console: Console, workspace: Workspace, exercise: Exercise,
                      timeout: float | None) -> CheckResult:
    from ..learn.catalog import EXERCISES

    tell(console, Text(f"Checking {exercise.filename} (exercise {exercise.number} of "
                       f"{len(EXERCISES)}, lesson {exercise.lesson}) ...", style="dim"))
    result, newly = workspace.check(exercise, timeout=timeout)
    print_result(console, result)
    show_warnings(console, workspace)
    if result.passed:
        _after_pass(console, workspace, exercise, newly)
    elif result.status != "missing":
        tell(console, f"Stuck? [bold]neuronlab learn hint {exercise.name}[/]")
    return result


def _after_pass(console: Console, workspace: Workspace, exercise: Exercise, newly: bool) -> None:
    from ..learn.catalog import EXERCISES
    from ..learn.lessons import find_lesson

    if newly:
        tell(console, f"[bold green]Solved![/] {exercise.filename} is done.")
    solved = workspace.solved()
    lesson_done = all(ex.name in solved for ex in find_lesson(exercise.lesson).exercises)
    if newly and lesson_done:
        tell(console, f"Lesson {exercise.lesson} complete. Recall it: [bold]neuronlab learn quiz "
                      f"{exercise.lesson}[/]")
    following = workspace.next_after(exercise)
    if following is None:
        tell(console, f"[bold]All {len(EXERCISES)} exercises are solved.[/] Well done.")
    else:
        tell(console, f"Next: [bold]{workspace.path(following)}[/] (lesson {following.lesson}), "
                      "then [bold]neuronlab learn check[/].")


def cmd_check(args: argparse.Namespace, console: Console) -> int:
    from ..learn.catalog import EXERCISES

    time_limit(args)
    workspace = open_workspace(args)
    assert workspace is not None
    show_warnings(console, workspace)
    if args.all:
        results = {ex.name: workspace.check(ex, timeout=args.timeout)[0]
                   for ex in EXERCISES.values()}
        show_warnings(console, workspace)
        for ex in EXERCISES.values():
            tell(console, Text(f"{MARKS.get(results[ex.name].status, '?')} {ex.filename}: "
                               f"{results[ex.name].headline}"))
        passed = sum(r.passed for r in results.values())
        tell(console, f"{passed} of {len(results)} pass.")
        return 0 if passed == len(results) else 1
    exercise = _pick(workspace, args.name)
    if exercise is None:
        tell(console, f"All {len(EXERCISES)} exercises are solved; check one by name, e.g. "
                      "[bold]neuronlab learn check neuron[/].")
        return 0
    return 0 if _check_and_record(console, workspace, exercise, args.timeout).passed else 1


def cmd_hint(args: argparse.Namespace, console: Console) -> int:
    from ..learn.catalog import EXERCISES

    workspace = open_workspace(args, required=args.name is None)
    exercise = EXERCISES.find(args.name) if args.name else None
    if exercise is None and workspace is not None:
        exercise = workspace.current()
    if exercise is None:
        tell(console, "All exercises are solved - no hints needed.")
        return 0
    total = len(exercise.hints)
    if args.level is not None and not 1 <= args.level <= total:
        raise ConfigError(f"--level takes 1 to {total} for {exercise.name}, got {args.level}.")
    counted = args.level is None and workspace is not None
    if counted:
        assert workspace is not None
        level = workspace.take_hint(exercise)
    else:
        level = min(max(1, args.level or 1), total)
    if level <= total:
        tell(console, f"[bold]Hint {level} of {total}[/] for {exercise.filename}:")
        tell(console, Text(f"  {exercise.hints[level - 1]}"))
        if level < total and counted:
            tell(console, f"(Ask again - [bold]neuronlab learn hint {exercise.name}[/] - for a "
                          "stronger hint.)")
        elif level < total:
            tell(console, f"(--level {level + 1} shows a stronger hint.)")
        return 0
    tell(console, f"That was the last hint for {exercise.filename}. All {total} together:")
    for k, hint in enumerate(exercise.hints, 1):
        tell(console, Text(f"  {k}. {hint}"))
    return 0


def _fingerprint(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def cmd_watch(args: argparse.Namespace, console: Console) -> int:
    from ..learn.catalog import EXERCISES

    time_limit(args)
    if not (math.isfinite(args.interval) and args.interval > 0):
        raise ConfigError(f"--interval takes a positive number of seconds, got "
                          f"{args.interval:g}.")
    workspace = open_workspace(args)
    assert workspace is not None
    fixed = EXERCISES.find(args.name) if args.name else None
    exercise = fixed or workspace.current()
    if exercise is None:
        tell(console, "All exercises are solved; nothing to watch.")
        return 0
    try:
        while exercise is not None:
            path = workspace.path(exercise)
            tell(console, f"Watching [bold]{path}[/] - save it to check again; Ctrl-C stops.")
            result = _check_and_record(console, workspace, exercise, args.timeout)
            seen = _fingerprint(path)
            while not (result.passed and fixed is None):
                time.sleep(args.interval)
                now = _fingerprint(path)
                if now != seen:
                    seen = now
                    console.rule(f"{time.strftime('%H:%M:%S')} {path.name} changed")
                    result = _check_and_record(console, workspace, exercise, args.timeout)
            exercise = workspace.current()
        tell(console, "Nothing left to watch.")
    except KeyboardInterrupt:
        tell(console, "\nStopped watching.")
    return 0


def _is_workspace(folder: Path) -> bool:
    from ..learn.catalog import EXERCISES
    from ..learn.workspace import PROGRESS_FILE

    return (folder / PROGRESS_FILE).is_file() or any(
        (folder / ex.filename).is_file() for ex in EXERCISES.values())


def cmd_grade(args: argparse.Namespace, console: Console) -> int:
    from ..learn.catalog import EXERCISES
    from ..learn.grading import folders_of, grade, table, to_csv
    from ..learn.workspace import PROGRESS_FILE

    time_limit(args)
    if args.jobs < 1:
        raise ConfigError(f"--jobs takes 1 or more checks at once, got {args.jobs}.")
    for folder in args.directories:
        if not Path(folder).is_dir():
            raise ConfigError(f"{folder} is not a folder; give one workspace folder per learner.")
        if not _is_workspace(Path(folder)):
            raise ConfigError(f"{folder} is not a neuronlab workspace (no {PROGRESS_FILE}).")
    folders, learners, empty = folders_of(args.directories, args.homes)
    if empty:
        tell(console, f"No neuronlab progress yet in {len(empty)} home(s): " + ", ".join(empty))
    rows = grade(folders, jobs=args.jobs, timeout=args.timeout, names=learners)
    names = list(EXERCISES)
    if args.out is not None:
        Path(args.out).write_text(to_csv(rows, names), encoding="utf-8")
    if args.csv:
        sys.stdout.write(to_csv(rows, names))
        sys.stdout.flush()
        return 0
    console.print(table(rows, names, MARKS))
    tell(console, "✓ passed  ✗ wrong answer  E error  T timeout  C crashed  ? no function  "
                  "· untouched  - missing.  'claimed' is what the learner's progress file "
                  "says; 'solved' is what passes now; 'recall' is the questions rated 'got it' "
                  "of those answered in the lab.")
    tell(console, "Exercises, in groups of four: " + ", ".join(
        f"{ex.number:02d} {ex.name}" for ex in EXERCISES.values()))
    return 0


def cmd_notebooks(args: argparse.Namespace, console: Console) -> int:
    from ..learn.notebooks import write_notebooks

    written, kept = write_notebooks(args.directory, solved=args.solved, overwrite=args.force)
    tell(console, f"{len(written)} notebook(s) written to [bold]{Path(args.directory).resolve()}"
                  f"[/], {len(kept)} existing one(s) kept (--force replaces them).")
    tell(console, "Open them with Jupyter, e.g. [bold]jupyter lab[/].")
    return 0


# --------------------------------------------------------------------------- wiring
def _plain_os_errors(command: Any) -> Any:
    """Report a file-system error (permission denied, disk full...) as one clear line."""

    @functools.wraps(command)
    def run(args: argparse.Namespace, console: Console) -> int:
        try:
            return int(command(args, console))
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            raise ConfigError(f"{exc.strerror or exc}{where}. Check that the folder exists and "
                              "that you may write to it.") from None

    return run


def lesson_count() -> int:
    """How many lessons the course has: its lesson files, counted without loading them
    (``--help`` imports nothing of the learning path)."""
    from importlib import resources

    folder = resources.files("neuronlab") / "learn" / "content" / "lessons"
    return sum(1 for item in folder.iterdir()
               if item.name[:2].isdigit() and item.name.endswith(".md"))


#: Where ``--dir`` defaults to (as :func:`~neuronlab.cli.learn_common.open_workspace`
#: looks for it).
WORKSPACE_HELP = ("the exercise workspace (default: $NEURONLAB_WORKSPACE, else a workspace "
                  "here or above, else ./neuronlab-exercises, else ~/.neuronlab/course)")


def register(subparsers: Any) -> None:
    """Add ``learn`` and its subcommands to the ``neuronlab`` command line."""
    count = lesson_count()
    learn = subparsers.add_parser(
        "learn", help="the learning path: lessons, exercises the tool checks, quizzes",
        description=f"The learning path: {count} lessons, from one neuron to a convolutional "
                    "network that reads handwriting, and what comes next, with exercises "
                    "checked against neuronlab itself and retrieval questions.")
    learn.add_argument("--dir", dest="top_dir", metavar="DIR", help=WORKSPACE_HELP)
    learn.set_defaults(func=_plain_os_errors(cmd_overview))
    sub = learn.add_subparsers(dest="learn_command", metavar="SUBCOMMAND")

    def add(name: str, func: Any, help_text: str, workspace: bool = True) -> Any:
        parser = sub.add_parser(name, help=help_text, description=help_text)
        if workspace:
            parser.add_argument("--dir", metavar="DIR", help=WORKSPACE_HELP)
        parser.set_defaults(func=_plain_os_errors(func))
        return parser

    start = add("start", cmd_start, "create the exercise files in DIR (kept if already there)",
                workspace=False)
    start.add_argument("directory", nargs="?", metavar="DIR",
                       help="where to put the exercises (default: the workspace in use - "
                            "found here or above, or ~/.neuronlab/course where the lab keeps "
                            "progress - else ./neuronlab-exercises)")
    lesson = add("lesson", cmd_lesson, "show a lesson: text, live worked example, exercises")
    lesson.add_argument("number", nargs="?", metavar="N", help=f"lesson number 1-{count}")
    run = add("run", cmd_run,
              "run code cell CELL of lesson LESSON (the numbers `learn lesson` shows) in a "
              "separate Python, after the cells above it (run quietly), and print what it "
              "prints; --save FILE writes it to a file to edit and run with python")
    run.add_argument("lesson", metavar="LESSON", help="lesson number 1-14")
    run.add_argument("cell", metavar="CELL", help="cell number, as `learn lesson` shows it")
    run.add_argument("--save", metavar="FILE", help="write the cell (with the cells above it) "
                                                    "to FILE instead of running it")
    run.add_argument("--force", action="store_true", help="with --save: replace FILE")
    run.add_argument("--show", action="store_true", help="print the cell's code only")
    run.add_argument("--timeout", type=float,
                     help="seconds before the run is stopped (default: 600)")
    add("list", cmd_list, "every exercise and your progress")
    for name, func, text in (("check", cmd_check, "check the current or named exercise"),
                             ("watch", cmd_watch, "check again on every save (Ctrl-C stops)")):
        parser = add(name, func, text)
        parser.add_argument("name", nargs="?", metavar="NAME", help="exercise name or number")
        parser.add_argument("--timeout", type=float, help="seconds per case (default: the "
                                                          "exercise's own)")
        if name == "check":
            parser.add_argument("--all", action="store_true", help="check every exercise")
        else:
            parser.add_argument("--interval", type=float, default=0.5,
                                help="seconds between looks at the file (0.5)")
    hint = add("hint", cmd_hint, "a hint for the current or named exercise; again for more")
    hint.add_argument("name", nargs="?", metavar="NAME",
                      help="exercise name or number (default: the current one)")
    hint.add_argument("--level", type=int, help="show hint number LEVEL (not counted)")
    quiz = add("quiz", cmd_quiz, "retrieval questions for a lesson (or 'all')")
    quiz.add_argument("lesson", nargs="?", metavar="LESSON", help="lesson number, or all")
    grade = add("grade", cmd_grade, "teachers: re-check many workspaces and print a table",
                workspace=False)
    grade.add_argument("directories", nargs="*", metavar="DIR",
                       help="one workspace per learner (default: none; --homes finds them)")
    grade.add_argument("--homes", metavar="DIR",
                       help="a folder of home folders (e.g. /home on a JupyterHub): the "
                            "workspace in each is graded, named after the home")
    grade.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    grade.add_argument("--out", metavar="FILE.csv", help="also write the grades as CSV here")
    grade.add_argument("--jobs", type=int, default=2, help="checks run at once (2)")
    grade.add_argument("--timeout", type=float,
                       help="seconds per case (default: each exercise's own)")
    notebooks = add("notebooks", cmd_notebooks, "write the lessons as Jupyter notebooks",
                    workspace=False)
    notebooks.add_argument("directory", nargs="?", default="neuronlab-notebooks", metavar="DIR",
                           help="where to write the notebooks")
    notebooks.add_argument("--solved", action="store_true", help="with the reference solutions")
    notebooks.add_argument("--force", action="store_true", help="replace existing notebooks")
