"""The lessons as Jupyter notebooks, built from the same lessons, exercises and questions.

One notebook per lesson, in the lesson's order: its words (the page's widgets as what
they start from, with the commands that change them), its code cells and worked
example, each exercise as a code cell ending in ``check("name", function)``, and the
retrieval questions with their answers folded away. The notebooks in the repository's ``notebooks/``
folder are exactly what :func:`build_notebook` makes (a test keeps them in sync);
``neuronlab learn notebooks DIR`` writes a fresh copy anywhere.

>>> from neuronlab.learn.lessons import LESSONS
>>> nb = build_notebook(LESSONS[0])
>>> nb["nbformat"], [cell["cell_type"] for cell in nb["cells"]][:3]
(4, ['markdown', 'markdown', 'code'])
>>> sum(cell["cell_type"] == "code" for cell in nb["cells"])  # example, 2 cells, exercise
4
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .exercises import Exercise
from .lessons import LESSONS, Lesson
from .quiz import Choice, questions_for
from .terminal import LAB_LINK, WIDGET_NAMES, pieces, widget_text


def _cell(kind: str, source: str, ident: str) -> dict[str, Any]:
    cell: dict[str, Any] = {"cell_type": kind, "id": ident, "metadata": {},
                            "source": source.strip("\n").splitlines(keepends=True)}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def _exercise_code(exercise: Exercise, solved: bool) -> str:
    body = (exercise.solution if solved else exercise.template).strip("\n")
    return (f"{body}\n\n\nfrom neuronlab.learn import check\n\n"
            f"check({exercise.name!r}, {exercise.function})")


def _recall(lesson: Lesson) -> str:
    lines = ["## Close your eyes and recall", "",
             "Answer from memory first, then open the hint if you need it, then the answer, "
             "and compare. In a terminal, "
             f"`neuronlab learn quiz {lesson.number}` asks these, checks choices, numbers and "
             "formulas (numbers to the decimals a question asks), and lets you rate your own "
             "words.", ""]
    for i, question in enumerate(questions_for(lesson.number), 1):
        lines.append(f"{i}. {question.prompt}")
        if isinstance(question, Choice):
            lines += [f"   {label}. {option}" for label, option in question.shown()]
        if question.hint:
            lines += ["", f"   <details><summary>hint</summary>{question.hint}</details>"]
        lines += ["", f"   <details><summary>answer</summary>{question.expected()} - "
                      f"{question.explanation}</details>", ""]
    return "\n".join(lines)


def notebook_links(text: str) -> str:
    """A lesson's links to other lessons' pages in the lab, ``](/lessons/SLUG)``, as links
    to their notebooks, which sit in the same folder; links to the lab's other pages (the
    playground, which the words name as being in the lab), which a notebook cannot open,
    as their words alone.

    >>> notebook_links("see [lesson 7](/lessons/loss)")
    'see [lesson 7](07-loss.ipynb)'
    >>> notebook_links("[the playground](/explore#view=playground)")
    'the playground'
    """
    names = {lesson.slug: lesson.notebook_name for lesson in LESSONS}
    text = re.sub(r"\]\(/lessons/([a-z0-9-]+)\)",
                  lambda m: f"]({names.get(m.group(1), m.group(1))})", text)
    return LAB_LINK.sub(lambda m: m.group("text"), text)


def _widget(lesson: Lesson, name: str, settings: dict[str, Any]) -> str:
    """A widget's place in the notebook: what it starts from, computed by the library,
    and the commands that change it (as the terminal shows it)."""
    lines, commands = widget_text(name, settings)
    what = WIDGET_NAMES.get(name, f"the {name} widget")
    text = (f"*In the lab (`neuronlab lab`, lesson {lesson.number}) this place holds {what}, "
            "live.*")
    if lines:
        text += " It starts from:\n\n```\n" + "\n".join(lines) + "\n```"
    if commands:
        text += ("\n\nIn a terminal (or in a cell, after `!`), change the numbers in:\n\n"
                 "```bash\n" + "\n".join(commands) + "\n```")
    return text


def build_notebook(lesson: Lesson, solved: bool = False) -> dict[str, Any]:
    """The notebook of ``lesson`` (with the reference solutions when ``solved``): its
    words, code cells, exercises and recall in the order the lesson has them, as the
    terminal shows it (the page's widgets as what they start from)."""
    n = lesson.number
    exercises = {exercise.name: exercise for exercise in lesson.exercises}
    cells = [_cell("markdown", f"# Lesson {n} · {lesson.title}\n\n*The neuronlab learning "
                               f"path; in a terminal: `neuronlab learn lesson {n}`. Run the "
                               "cells from the top: a cell may use what one above it made.*",
                   f"lesson{n:02d}-title")]
    words: list[str] = []

    def flush() -> None:
        if words:
            cells.append(_cell("markdown", notebook_links("\n\n".join(words)),
                               f"lesson{n:02d}-text{len(cells)}"))
            words.clear()

    for piece in pieces(lesson, unicode=False):
        if piece.kind == "words":
            words.append(piece.text.strip())
        elif piece.kind == "math":
            words.append(f"$${piece.text.strip()}$$")
        elif piece.kind == "diagram":
            words.append(f"**{piece.text}**")
        elif piece.kind == "widget":
            words.append(_widget(lesson, piece.name, piece.settings or {}))
        elif piece.kind == "recall":
            flush()
            cells.append(_cell("markdown", _recall(lesson), f"lesson{n:02d}-recall"))
        elif piece.kind == "cell" and piece.role == "exercise":
            exercise = exercises[piece.name]
            examples = "\n".join(exercise.example_lines())
            note = f"\n\n{exercise.answer_note}" if exercise.answer_note else ""
            words.append(f"Replace each `# TODO` and the `raise NotImplementedError` in the "
                         f"cell below with your code, then run it: `check` runs your function "
                         f"on these examples (answers computed by neuronlab) and on hidden "
                         f"cases, against neuronlab's own answers.\n\n```\n{examples}\n```"
                         f"{note}")
            flush()
            cells.append(_cell("code", _exercise_code(exercise, solved),
                               f"lesson{n:02d}-{exercise.name}"))
        elif piece.kind == "cell":
            flush()
            name = "example" if piece.role == "example" else f"cell{piece.number}"
            cells.append(_cell("code", piece.text, f"lesson{n:02d}-{name}"))
    flush()
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def notebook_text(lesson: Lesson, solved: bool = False) -> str:
    """The ``.ipynb`` file contents for ``lesson``."""
    return json.dumps(build_notebook(lesson, solved), indent=1, ensure_ascii=False) + "\n"


def write_notebooks(folder: str | Path, solved: bool = False,
                    overwrite: bool = False) -> tuple[list[Path], list[Path]]:
    """Write one notebook per lesson into ``folder``; returns ``(written, kept)``.

    An existing notebook is kept (it may hold a learner's work) unless ``overwrite``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written, kept = [], []
    for lesson in LESSONS:
        path = folder / lesson.notebook_name
        if path.exists() and not overwrite:
            kept.append(path)
            continue
        path.write_text(notebook_text(lesson, solved), encoding="utf-8")
        written.append(path)
    return written, kept
