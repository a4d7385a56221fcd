"""``neuronlab learn lesson``, ``run`` and ``quiz``: reading a lesson in the terminal, running
its code cells, and the recall questions."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from ..errors import ConfigError
from .learn_common import lesson_in_progress, open_workspace, status_of, tell, time_limit

if TYPE_CHECKING:  # the learning path itself is imported by the commands that run
    from ..learn.exercises import Exercise
    from ..learn.lessons import Lesson
    from ..learn.workspace import Workspace


def cmd_lesson(args: argparse.Namespace, console: Console) -> int:
    from rich.padding import Padding

    from ..learn.lessons import LESSONS, find_lesson, run_example
    from ..learn.quiz import questions_for
    from ..learn.terminal import WIDGET_NAMES, pieces, shell_lines, widget_text

    workspace = open_workspace(args, required=False)
    lesson = find_lesson(args.number) if args.number else lesson_in_progress(workspace)
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
            tell(console, f"[bold]In the lab[/] ([bold]neuronlab lab[/], lesson {lesson.number}) "
                          f"this place holds {what}, live." +
                          (" It starts from:" if lines else ""))
            for line in lines:
                tell(console, Text("    " + line))
            if commands:
                tell(console, "[bold]In the terminal[/], change the numbers in:")
                for command in commands:
                    for k, line in enumerate(shell_lines(command, console.width - 6)):
                        console.print(Text(("    " if k == 0 else "      ") + line,
                                           style="cyan", overflow="fold"), soft_wrap=False)
            console.print()
        elif piece.kind == "recall":
            tell(console, "[bold]Close your eyes and recall[/]")
            tell(console, "Answer each from memory, out loud or on paper, before you look back:")
            prompts = Table.grid(padding=(0, 1))
            prompts.add_column(justify="right", no_wrap=True)
            prompts.add_column(ratio=1)
            for k, question in enumerate(questions_for(lesson.number), 1):
                prompts.add_row(f"  {k}.", Text(question.prompt))
            console.print(prompts)
            tell(console, f"Then [bold]neuronlab learn quiz {lesson.number}[/] asks them one by "
                          "one, shows each answer and keeps your ratings for later reviews.")
            console.print()
    if lesson.exercises and workspace is None:
        tell(console, "Create the exercise files with [bold]neuronlab learn start[/].")
    if lesson.number < len(LESSONS):
        tell(console, f"Next lesson: [bold]neuronlab learn lesson {lesson.number + 1}[/]")
    return 0


def _show_cell(console: Console, lesson: Lesson, piece: Any, workspace: Workspace | None,
               progress: dict[str, Any], current: Exercise | None, run_example: Any) -> None:
    """A numbered code cell; the worked example with what it prints now."""
    from ..learn.catalog import EXERCISES

    number = f"[{piece.number}]"
    if piece.role == "example":
        tell(console, f"[bold]{number} Worked example[/] - run now by neuronlab "
                      f"([bold]neuronlab learn run {lesson.number} {piece.number}[/] runs it "
                      "again):")
    elif piece.role == "exercise":
        exercise = EXERCISES.find(piece.name)
        mark = status_of(workspace, exercise, progress, current)
        state = " (solved ✓)" if mark == "✓" else ""
        where = workspace.path(exercise) if workspace else exercise.filename
        tell(console, Text.assemble((f"{number} Exercise {exercise.name}", "bold"),
                                    f"{state}: write it in {where}, then check it with ",
                                    (f"neuronlab learn check {exercise.name}", "bold")))
    else:
        tell(console, f"[bold]{number} Cell[/] - run it: [bold]neuronlab learn run "
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
        workspace = open_workspace(args, required=False)
        where = workspace.path(exercise) if workspace else exercise.filename
        tell(console, f"Cell {k} of lesson {lesson.number} is exercise {exercise.name}: write it "
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
        tell(console, f"Wrote lesson {lesson.number}'s cell {k} (and the cells above it) to "
                      f"[bold]{path.resolve()}[/]. Edit it, then: [bold]python {path}[/]")
        return 0
    if args.show:
        console.print(Syntax(piece.text.rstrip(), "python", theme="ansi_dark",
                             background_color="default", word_wrap=True))
        return 0
    above = ", ".join(str(n) for n, _ in before)
    tell(console, Text(f"Lesson {lesson.number}, cell {k}" +
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
                                  timeout=time_limit(args) or 600)
        except subprocess.TimeoutExpired:
            raise ConfigError(f"Cell {k} ran longer than {time_limit(args) or 600:g} s and was "
                              "stopped (--timeout gives it longer).") from None
    return 0 if done.returncode == 0 else 1


def cmd_quiz(args: argparse.Namespace, console: Console) -> int:
    from rich.padding import Padding

    from ..lab.course.recall import RecallStore, default_workspace
    from ..learn.lessons import find_lesson
    from ..learn.quiz import questions_for
    from .quiz import NO_INPUT, Session

    workspace = open_workspace(args, required=False)
    if args.lesson and args.lesson.lower() == "all":
        lesson_number, slug, label = None, "all", "every lesson"
    else:
        lesson = find_lesson(args.lesson) if args.lesson else lesson_in_progress(workspace)
        lesson_number, slug = lesson.number, lesson.slug
        label = f"lesson {lesson.number}: {lesson.title}"
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
        tell(console, Text(f"warning: {warning}", style="yellow"))
    review = [q for _, q in store.due(lesson_number)] if lesson_number else []
    score = session.run(questions, review)
    if score.no_input and not (sys.stdin is not None and not sys.stdin.closed
                               and sys.stdin.isatty()):
        say(f"\n{NO_INPUT}")
        return 0
    if score.stopped:
        say(f"\nStopped after {score.asked} question(s).")
    rated = ", ".join(f"{n} {r}" for r, n in score.ratings.items())
    say(f"Checked by the tool: {score.right} of {score.graded} right at the first try. "
        f"All {score.asked} answered: {rated}.")
    if workspace is not None and score.graded:
        workspace.record_quiz(slug, score.right, score.graded)
    return 0
