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
from rich.markdown import Markdown
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table
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
def _say(console: Console, text: str | Text) -> None:
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


def _workspace(args: argparse.Namespace, required: bool = True) -> Workspace | None:
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


def _timeout(args: argparse.Namespace) -> float | None:
    """``--timeout``, refused unless it is a positive, finite number of seconds."""
    value = getattr(args, "timeout", None)
    if value is not None and not (math.isfinite(value) and value > 0):
        raise ConfigError(f"--timeout takes a positive number of seconds, got {value:g}.")
    return value


def _warn(console: Console, workspace: Workspace | None) -> None:
    for warning in workspace.warnings if workspace else []:
        _say(console, Text(f"warning: {warning}", style="yellow"))
    if workspace:
        workspace.warnings.clear()


def print_result(console: Console, result: CheckResult) -> None:
    """A check's verdict, first line coloured, the rest printed literally (no markup)."""
    lines = result.lines()
    _say(console, Text(lines[0], style="bold green" if result.passed else "bold red"))
    for line in lines[1:]:
        _say(console, Text(line))


def _status(workspace: Workspace | None, exercise: Exercise, progress: dict[str, Any],
            current: Exercise | None) -> str:
    record = progress["exercises"].get(exercise.name, {}) if workspace else {}
    if isinstance(record, dict) and record.get("solved"):
        return "✓"
    return "▶" if current is not None and exercise.name == current.name else "·"


def _current_lesson(workspace: Workspace | None) -> Lesson:
    from ..learn.lessons import LESSONS, find_lesson

    current = workspace.current() if workspace else None
    return find_lesson(current.lesson if current else (LESSONS[-1].number if workspace else 1))


# --------------------------------------------------------------------------- commands
def cmd_overview(args: argparse.Namespace, console: Console) -> int:
    from ..learn.catalog import EXERCISES
    from ..learn.lessons import LESSONS, find_lesson

    workspace = _workspace(args, required=False)
    progress = workspace.load() if workspace else {"exercises": {}}
    current = workspace.current(progress) if workspace else None
    _warn(console, workspace)
    table = Table("#", "lesson", "exercises", title=f"The neuronlab learning path: "
                  f"{len(LESSONS)} lessons, {len(EXERCISES)} exercises")
    for lesson in LESSONS:
        marks = "  ".join(f"{_status(workspace, ex, progress, current)} {ex.name}"
                          for ex in lesson.exercises)
        table.add_row(str(lesson.number), lesson.title, marks)
    console.print(table)
    if workspace is None:
        _say(console, "Start with [bold]neuronlab learn start[/] (creates ./neuronlab-exercises), "
                      "then read [bold]neuronlab learn lesson 1[/].")
        return 0
    solved = len(workspace.solved(progress))
    _say(console, f"Workspace {workspace.root}: {solved} of {len(EXERCISES)} exercises solved.")
    if current is None:
        _say(console, "Every exercise is solved. Keep them fresh: [bold]neuronlab learn quiz "
                      "all[/].")
        return 0
    lesson = find_lesson(current.lesson)
    _say(console, f"You are at lesson {lesson.number} ({lesson.title}), exercise "
                  f"[bold]{current.filename}[/].")
    _say(console, f"Next: [bold]neuronlab learn lesson {lesson.number}[/], edit "
                  f"{workspace.path(current)}, then [bold]neuronlab learn check[/].")
    return 0


def cmd_start(args: argparse.Namespace, console: Console) -> int:
    from ..learn.workspace import DEFAULT_DIR, ENV_VAR, Workspace

    target = args.directory or os.environ.get(ENV_VAR) or None
    if target is None:  # the workspace in use (the lab's own, say), else a new folder here
        in_use = Workspace.find()
        target = in_use.root if in_use else DEFAULT_DIR
    workspace, created, kept = Workspace.create(target)
    _warn(console, workspace)
    _say(console, f"Workspace [bold]{workspace.root}[/]: {len(created)} exercise file(s) created, "
                  f"{len(kept)} already there and kept as they are.")
    current = workspace.current()
    if current is None:
        _say(console, "Every exercise is already solved here.")
        return 0
    _say(console, f"Your exercise now: [bold]{workspace.path(current)}[/] "
                  f"(lesson {current.lesson}).")
    _say(console, "Read the lesson with [bold]neuronlab learn lesson[/], replace the # TODO in the "
                  "file, then run [bold]neuronlab learn check[/].")
    found = Workspace.find() if not os.environ.get(ENV_VAR) else None
    if found is None or found.root != workspace.root:
        _say(console, f"(Run those commands inside {workspace.root}, or add "
                      f"--dir {workspace.root}.)")
    return 0


def cmd_lesson(args: argparse.Namespace, console: Console) -> int:
    from rich.padding import Padding

    from ..learn.lessons import LESSONS, find_lesson, run_example
    from ..learn.quiz import questions_for
    from ..learn.terminal import WIDGET_NAMES, pieces, shell_lines, widget_text

    workspace = _workspace(args, required=False)
    lesson = find_lesson(args.number) if args.number else _current_lesson(workspace)
    progress = workspace.load() if workspace else {"exercises": {}}
    current = workspace.current(progress) if workspace else None
    console.rule(f"[bold cyan]Lesson {lesson.number} of {len(LESSONS)} · {lesson.title}")
    for piece in pieces(lesson):
        if piece.kind == "words":
            console.print(Markdown(piece.text, hyperlinks=False))
            console.print()
        elif piece.kind in ("math", "diagram"):
            console.print(Padding(Text(piece.text, style="bold", overflow="fold"), (0, 4)))
            console.print()
        elif piece.kind == "cell":
            _show_cell(console, lesson, piece, workspace, progress, current, run_example)
        elif piece.kind == "widget":
            lines, commands = widget_text(piece.name, piece.settings or {})
            what = WIDGET_NAMES.get(piece.name, f"the {piece.name} widget")
            _say(console, f"[bold]In the lab[/] ([bold]neuronlab lab[/], lesson {lesson.number}) "
                          f"this place holds {what}, live." +
                          (" It starts from:" if lines else ""))
            for line in lines:
                _say(console, Text("    " + line))
            if commands:
                _say(console, "[bold]In the terminal[/], change the numbers in:")
                for command in commands:
                    for k, line in enumerate(shell_lines(command, console.width - 6)):
                        console.print(Text(("    " if k == 0 else "      ") + line,
                                           style="cyan", overflow="fold"), soft_wrap=False)
            console.print()
        elif piece.kind == "recall":
            _say(console, "[bold]Close your eyes and recall[/]")
            _say(console, "Answer each from memory, out loud or on paper, before you look back:")
            prompts = Table.grid(padding=(0, 1))
            prompts.add_column(justify="right", no_wrap=True)
            prompts.add_column(ratio=1)
            for k, question in enumerate(questions_for(lesson.number), 1):
                prompts.add_row(f"  {k}.", Text(question.prompt))
            console.print(prompts)
            _say(console, f"Then [bold]neuronlab learn quiz {lesson.number}[/] asks them one by "
                          "one, shows each answer and keeps your ratings for later reviews.")
            console.print()
    if lesson.exercises and workspace is None:
        _say(console, "Create the exercise files with [bold]neuronlab learn start[/].")
    if lesson.number < len(LESSONS):
        _say(console, f"Next lesson: [bold]neuronlab learn lesson {lesson.number + 1}[/]")
    return 0


def _show_cell(console: Console, lesson: Lesson, piece: Any, workspace: Workspace | None,
               progress: dict[str, Any], current: Exercise | None, run_example: Any) -> None:
    """A numbered code cell; the worked example with what it prints now."""
    from ..learn.catalog import EXERCISES

    number = f"[{piece.number}]"
    if piece.role == "example":
        _say(console, f"[bold]{number} Worked example[/] - run now by neuronlab "
                      f"([bold]neuronlab learn run {lesson.number} {piece.number}[/] runs it "
                      "again):")
    elif piece.role == "exercise":
        exercise = EXERCISES.find(piece.name)
        mark = _status(workspace, exercise, progress, current)
        state = " (solved ✓)" if mark == "✓" else ""
        where = workspace.path(exercise) if workspace else exercise.filename
        _say(console, Text.assemble((f"{number} Exercise {exercise.name}", "bold"),
                                    f"{state}: write it in {where}, then check it with ",
                                    (f"neuronlab learn check {exercise.name}", "bold")))
    else:
        _say(console, f"[bold]{number} Cell[/] - run it: [bold]neuronlab learn run "
                      f"{lesson.number} {piece.number}[/]  (--save FILE to edit it)")
    console.print(Syntax(piece.text.rstrip(), "python", theme="ansi_dark",
                         background_color="default", word_wrap=True))
    if piece.role == "example":
        console.print(Panel(Text(run_example(lesson).rstrip(), overflow="fold"),
                            title="output", expand=False))
    console.print()


RUN_CELL = """\
import contextlib, io, json, sys
job = json.load(open(sys.argv[1], encoding="utf-8"))
namespace = {"__name__": "__main__"}
for k, code in job["before"]:
    with contextlib.redirect_stdout(io.StringIO()):  # the cells above, quietly
        exec(compile(code, f"<lesson {job['lesson']} cell {k}>", "exec"), namespace)
exec(compile(job["code"], f"<lesson {job['lesson']} cell {job['cell']}>", "exec"), namespace)
"""


def cmd_run(args: argparse.Namespace, console: Console) -> int:
    import json
    import subprocess
    import tempfile

    from ..learn.catalog import EXERCISES
    from ..learn.lessons import find_lesson
    from ..learn.terminal import cells

    lesson = find_lesson(args.lesson)
    found = cells(lesson)
    try:
        k = int(args.cell)
    except ValueError:
        k = 0
    if not 1 <= k <= len(found):
        raise ConfigError(f"Lesson {lesson.number} has cells 1 to {len(found)} "
                          f"(`neuronlab learn lesson {lesson.number}` numbers them), got "
                          f"{args.cell!r}.")
    piece = found[k - 1]
    if piece.role == "exercise":
        exercise = EXERCISES.find(piece.name)
        workspace = _workspace(args, required=False)
        where = workspace.path(exercise) if workspace else exercise.filename
        _say(console, f"Cell {k} of lesson {lesson.number} is exercise {exercise.name}: write it "
                      f"in {where}, then run [bold]neuronlab learn check {exercise.name}[/].")
        return 0
    before = [(c.number, c.text) for c in found[:k - 1] if c.role != "exercise"]
    if args.save:
        path = Path(args.save)
        if path.exists() and not args.force:
            raise ConfigError(f"{path} exists; choose another name or add --force.")
        setup = "".join(f"# cell {n} (above it in the lesson)\n{code}\n" for n, code in before)
        path.write_text(f"# lesson {lesson.number}, cell {k}, after the cells above it\n\n"
                        f"{setup}# cell {k}\n{piece.text}", encoding="utf-8")
        _say(console, f"Wrote lesson {lesson.number}'s cell {k} (and the cells above it) to "
                      f"[bold]{path.resolve()}[/]. Edit it, then: [bold]python {path}[/]")
        return 0
    if args.show:
        console.print(Syntax(piece.text.rstrip(), "python", theme="ansi_dark",
                             background_color="default", word_wrap=True))
        return 0
    above = ", ".join(str(n) for n, _ in before)
    _say(console, Text(f"Lesson {lesson.number}, cell {k}" +
                       (f" (after cell{'s' if len(before) > 1 else ''} {above}, run quietly)"
                        if before else "") + ":", style="dim"))
    with tempfile.TemporaryDirectory(prefix="neuronlab-cell-") as folder:
        job = Path(folder) / "cell.json"
        job.write_text(json.dumps({"lesson": lesson.number, "cell": k, "before": before,
                                   "code": piece.text}), encoding="utf-8")
        console.file.flush()
        try:
            done = subprocess.run([sys.executable, "-c", RUN_CELL, str(job)], cwd=folder,
                                  env={**os.environ, "MPLBACKEND": "Agg"},
                                  timeout=_timeout(args) or 600)
        except subprocess.TimeoutExpired:
            raise ConfigError(f"Cell {k} ran longer than {_timeout(args) or 600:g} s and was "
                              "stopped (--timeout gives it longer).") from None
    return 0 if done.returncode == 0 else 1


def cmd_list(args: argparse.Namespace, console: Console) -> int:
    from ..learn.catalog import EXERCISES
    from ..learn.lessons import find_lesson

    workspace = _workspace(args)
    assert workspace is not None
    progress = workspace.load()
    _warn(console, workspace)
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
        table.add_row(_status(workspace, ex, progress, current), ex.filename,
                      f"{ex.lesson} · {find_lesson(ex.lesson).title}",
                      str(record.get("checks", 0)), str(record.get("hints", 0)),
                      str(record.get("last", "-")))
    console.print(table)
    _say(console, f"{len(workspace.solved(progress))} of {len(EXERCISES)} solved.  "
                  "✓ solved  ▶ current  · not yet")
    return 0


def _pick(workspace: Workspace, name: str | None) -> Exercise | None:
    from ..learn.catalog import EXERCISES

    return EXERCISES.find(name) if name else workspace.current()


def _check_and_record(console: Console, workspace: Workspace, exercise: Exercise,
                      timeout: float | None) -> CheckResult:
    from ..learn.catalog import EXERCISES

    _say(console, Text(f"Checking {exercise.filename} (exercise {exercise.number} of "
                       f"{len(EXERCISES)}, lesson {exercise.lesson}) ...", style="dim"))
    result, newly = workspace.check(exercise, timeout=timeout)
    print_result(console, result)
    _warn(console, workspace)
    if result.passed:
        _after_pass(console, workspace, exercise, newly)
    elif result.status != "missing":
        _say(console, f"Stuck? [bold]neuronlab learn hint {exercise.name}[/]")
    return result


def _after_pass(console: Console, workspace: Workspace, exercise: Exercise, newly: bool) -> None:
    from ..learn.catalog import EXERCISES
    from ..learn.lessons import find_lesson

    if newly:
        _say(console, f"[bold green]Solved![/] {exercise.filename} is done.")
    solved = workspace.solved()
    lesson_done = all(ex.name in solved for ex in find_lesson(exercise.lesson).exercises)
    if newly and lesson_done:
        _say(console, f"Lesson {exercise.lesson} complete. Recall it: [bold]neuronlab learn quiz "
                      f"{exercise.lesson}[/]")
    following = workspace.next_after(exercise)
    if following is None:
        _say(console, f"[bold]All {len(EXERCISES)} exercises are solved.[/] Well done.")
    else:
        _say(console, f"Next: [bold]{workspace.path(following)}[/] (lesson {following.lesson}), "
                      "then [bold]neuronlab learn check[/].")


def cmd_check(args: argparse.Namespace, console: Console) -> int:
    from ..learn.catalog import EXERCISES

    _timeout(args)
    workspace = _workspace(args)
    assert workspace is not None
    _warn(console, workspace)
    if args.all:
        results = {ex.name: workspace.check(ex, timeout=args.timeout)[0]
                   for ex in EXERCISES.values()}
        _warn(console, workspace)
        for ex in EXERCISES.values():
            _say(console, Text(f"{MARKS.get(results[ex.name].status, '?')} {ex.filename}: "
                               f"{results[ex.name].headline}"))
        passed = sum(r.passed for r in results.values())
        _say(console, f"{passed} of {len(results)} pass.")
        return 0 if passed == len(results) else 1
    exercise = _pick(workspace, args.name)
    if exercise is None:
        _say(console, f"All {len(EXERCISES)} exercises are solved; check one by name, e.g. "
                      "[bold]neuronlab learn check neuron[/].")
        return 0
    return 0 if _check_and_record(console, workspace, exercise, args.timeout).passed else 1


def cmd_hint(args: argparse.Namespace, console: Console) -> int:
    from ..learn.catalog import EXERCISES

    workspace = _workspace(args, required=args.name is None)
    exercise = EXERCISES.find(args.name) if args.name else None
    if exercise is None and workspace is not None:
        exercise = workspace.current()
    if exercise is None:
        _say(console, "All exercises are solved - no hints needed.")
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
        _say(console, f"[bold]Hint {level} of {total}[/] for {exercise.filename}:")
        _say(console, Text(f"  {exercise.hints[level - 1]}"))
        if level < total and counted:
            _say(console, f"(Ask again - [bold]neuronlab learn hint {exercise.name}[/] - for a "
                          "stronger hint.)")
        elif level < total:
            _say(console, f"(--level {level + 1} shows a stronger hint.)")
        return 0
    _say(console, f"That was the last hint for {exercise.filename}. All {total} together:")
    for k, hint in enumerate(exercise.hints, 1):
        _say(console, Text(f"  {k}. {hint}"))
    return 0


def _fingerprint(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def cmd_watch(args: argparse.Namespace, console: Console) -> int:
    from ..learn.catalog import EXERCISES

    _timeout(args)
    if not (math.isfinite(args.interval) and args.interval > 0):
        raise ConfigError(f"--interval takes a positive number of seconds, got "
                          f"{args.interval:g}.")
    workspace = _workspace(args)
    assert workspace is not None
    fixed = EXERCISES.find(args.name) if args.name else None
    exercise = fixed or workspace.current()
    if exercise is None:
        _say(console, "All exercises are solved; nothing to watch.")
        return 0
    try:
        while exercise is not None:
            path = workspace.path(exercise)
            _say(console, f"Watching [bold]{path}[/] - save it to check again; Ctrl-C stops.")
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
        _say(console, "Nothing left to watch.")
    except KeyboardInterrupt:
        _say(console, "\nStopped watching.")
    return 0


def cmd_quiz(args: argparse.Namespace, console: Console) -> int:
    from rich.padding import Padding

    from ..lab.course.recall import RecallStore, default_workspace
    from ..learn.lessons import find_lesson
    from ..learn.quiz import questions_for
    from .quiz import NO_INPUT, Session

    workspace = _workspace(args, required=False)
    if args.lesson and args.lesson.lower() == "all":
        lesson_number, label = None, "every lesson"
    else:
        lesson = find_lesson(args.lesson) if args.lesson else _current_lesson(workspace)
        lesson_number, label = lesson.number, f"lesson {lesson.number}: {lesson.title}"
    questions = questions_for(lesson_number)
    store = RecallStore(workspace.root if workspace else default_workspace())
    def say(text: str) -> None:  # wrapped at word boundaries, indented lines stay indented
        body = text.lstrip(" ")
        indent = len(text) - len(body)
        console.print(Padding(Text(body), (0, 0, 0, indent)) if indent else Text(body))

    say(f"Recall - {label}, {len(questions)} question(s). Answer from memory; h shows a "
        "hint, Enter reveals the answer, q stops. Choices, numbers and formulas are checked "
        "exactly; answers in words you compare and rate yourself.")

    def ask(prompt: str) -> str:
        console.file.flush()
        if sys.stdin is None or sys.stdin.closed:
            raise EOFError
        return input(prompt)

    session = Session(store, ask, say, page=lesson_number)
    for warning in store.warnings:
        _say(console, Text(f"warning: {warning}", style="yellow"))
    review = [q for _, q in store.due(lesson_number)] if lesson_number else []
    score = session.run(questions, review)
    if score.no_input and not (sys.stdin is not None and not sys.stdin.closed
                               and sys.stdin.isatty()):
        say(f"\n{NO_INPUT}")
        return 0
    if score.stopped:
        say(f"\nStopped after {score.asked} question(s).")
    rated = ", ".join(f"{n} {r}" for r, n in score.ratings.items())
    say(f"Checked exactly: {score.right} of {score.graded} right at the first try. "
        f"All {score.asked} answered: {rated}.")
    if workspace is not None and score.graded:
        workspace.record_quiz(str(lesson_number or "all"), score.right, score.graded)
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

    _timeout(args)
    if args.jobs < 1:
        raise ConfigError(f"--jobs takes 1 or more checks at once, got {args.jobs}.")
    for folder in args.directories:
        if not Path(folder).is_dir():
            raise ConfigError(f"{folder} is not a folder; give one workspace folder per learner.")
        if not _is_workspace(Path(folder)):
            raise ConfigError(f"{folder} is not a neuronlab workspace (no {PROGRESS_FILE}).")
    folders, learners, empty = folders_of(args.directories, args.homes)
    if empty:
        _say(console, f"No neuronlab progress yet in {len(empty)} home(s): " + ", ".join(empty))
    rows = grade(folders, jobs=args.jobs, timeout=args.timeout, names=learners)
    names = list(EXERCISES)
    if args.out is not None:
        Path(args.out).write_text(to_csv(rows, names), encoding="utf-8")
    if args.csv:
        sys.stdout.write(to_csv(rows, names))
        sys.stdout.flush()
        return 0
    console.print(table(rows, names, MARKS))
    _say(console, "✓ passed  ✗ wrong answer  E error  T timeout  C crashed  ? no function  "
                  "· untouched  - missing.  'claimed' is what the learner's progress file "
                  "says; 'solved' is what passes now; 'recall' is the questions rated 'got it' "
                  "of those answered in the lab.")
    _say(console, "Exercises, in groups of four: " + ", ".join(
        f"{ex.number:02d} {ex.name}" for ex in EXERCISES.values()))
    return 0


def cmd_notebooks(args: argparse.Namespace, console: Console) -> int:
    from ..learn.notebooks import write_notebooks

    written, kept = write_notebooks(args.directory, solved=args.solved, overwrite=args.force)
    _say(console, f"{len(written)} notebook(s) written to [bold]{Path(args.directory).resolve()}"
                  f"[/], {len(kept)} existing one(s) kept (--force replaces them).")
    _say(console, "Open them with Jupyter, e.g. [bold]jupyter lab[/].")
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


def register(subparsers: Any) -> None:
    """Add ``learn`` and its subcommands to the ``neuronlab`` command line."""
    count = lesson_count()
    learn = subparsers.add_parser(
        "learn", help="the learning path: lessons, exercises the tool checks, quizzes",
        description=f"The learning path: {count} lessons, from one neuron to softmax and "
                    "what comes next, with exercises checked against neuronlab itself and "
                    "retrieval questions.")
    learn.add_argument("--dir", dest="top_dir", metavar="DIR", help="the exercise workspace")
    learn.set_defaults(func=_plain_os_errors(cmd_overview))
    sub = learn.add_subparsers(dest="learn_command", metavar="SUBCOMMAND")

    def add(name: str, func: Any, help_text: str, workspace: bool = True) -> Any:
        parser = sub.add_parser(name, help=help_text, description=help_text)
        if workspace:
            parser.add_argument("--dir", metavar="DIR", help="the exercise workspace")
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
    run.add_argument("lesson", metavar="LESSON", help="lesson number 1-13")
    run.add_argument("cell", metavar="CELL", help="cell number, as `learn lesson` shows it")
    run.add_argument("--save", metavar="FILE", help="write the cell (with the cells above it) "
                                                    "to FILE instead of running it")
    run.add_argument("--force", action="store_true", help="with --save: replace FILE")
    run.add_argument("--show", action="store_true", help="print the cell's code only")
    run.add_argument("--timeout", type=float, help="seconds before the run is stopped (600)")
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
    grade.add_argument("directories", nargs="*", metavar="DIR", help="one workspace per learner")
    grade.add_argument("--homes", metavar="DIR",
                       help="a folder of home folders (e.g. /home on a JupyterHub): the "
                            "workspace in each is graded, named after the home")
    grade.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    grade.add_argument("--out", metavar="FILE.csv", help="also write the grades as CSV here")
    grade.add_argument("--jobs", type=int, default=2, help="checks run at once (2)")
    grade.add_argument("--timeout", type=float, help="seconds per case")
    notebooks = add("notebooks", cmd_notebooks, "write the lessons as Jupyter notebooks",
                    workspace=False)
    notebooks.add_argument("directory", nargs="?", default="neuronlab-notebooks", metavar="DIR",
                           help="where to write the notebooks")
    notebooks.add_argument("--solved", action="store_true", help="with the reference solutions")
    notebooks.add_argument("--force", action="store_true", help="replace existing notebooks")
