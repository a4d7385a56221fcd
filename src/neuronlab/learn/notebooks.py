"""The lessons as Jupyter notebooks, built from the same lessons, exercises and questions.

One notebook per lesson: the text, the worked example as a code cell, each exercise
as a code cell ending in ``check("name", function)``, and the retrieval questions
with their answers folded away. The notebooks in the repository's ``notebooks/``
folder are exactly what :func:`build_notebook` makes (a test keeps them in sync);
``neuronlab learn notebooks DIR`` writes a fresh copy anywhere.

>>> from neuronlab.learn.lessons import LESSONS
>>> nb = build_notebook(LESSONS[0])
>>> nb["nbformat"], [cell["cell_type"] for cell in nb["cells"]][:3]
(4, ['markdown', 'markdown', 'code'])
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any

from .exercises import Exercise
from .lessons import LESSONS, Lesson
from .quiz import Choice, questions_for


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
             "formulas exactly, and lets you rate your own words.", ""]
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
    to their notebooks, which sit in the same folder.

    >>> notebook_links("see [lesson 7](/lessons/loss)")
    'see [lesson 7](07-loss.ipynb)'
    """
    names = {lesson.slug: lesson.notebook_name for lesson in LESSONS}
    return re.sub(r"\]\(/lessons/([a-z0-9-]+)\)",
                  lambda m: f"]({names.get(m.group(1), m.group(1))})", text)


def build_notebook(lesson: Lesson, solved: bool = False) -> dict[str, Any]:
    """The notebook of ``lesson`` (with the reference solutions when ``solved``)."""
    n = lesson.number
    text = notebook_links(lesson.text.strip())
    cells = [
        _cell("markdown", f"# Lesson {n} · {lesson.title}\n\n{text}\n\n"
                          f"*The neuronlab learning path; in a terminal: "
                          f"`neuronlab learn lesson {n}`.*", f"lesson{n:02d}-text"),
        _cell("markdown", "## Worked example\n\nComputed by neuronlab when the cell runs.",
              f"lesson{n:02d}-example-title"),
        _cell("code", lesson.example, f"lesson{n:02d}-example"),
    ]
    if lesson.exercises:
        cells.append(_cell("markdown", "## Now you build it\n\nReplace each `# TODO` and the "
                                       "`raise NotImplementedError` with your code, then run "
                                       "the cell: `check` runs your function on the examples "
                                       "and on hidden cases, against neuronlab's own answers.",
                           f"lesson{n:02d}-build"))
    for exercise in lesson.exercises:
        task = textwrap.fill(exercise.task.strip(), 88)
        examples = "\n".join(exercise.example_lines())
        note = f"\n\n{exercise.answer_note}" if exercise.answer_note else ""
        cells.append(_cell("markdown",
                           f"### Exercise {exercise.number:02d} · {exercise.title}\n\n{task}\n\n"
                           f"Examples (answers computed by neuronlab):\n\n```\n{examples}\n```"
                           f"{note}", f"lesson{n:02d}-{exercise.name}-task"))
        cells.append(_cell("code", _exercise_code(exercise, solved),
                           f"lesson{n:02d}-{exercise.name}"))
    cells.append(_cell("markdown", _recall(lesson), f"lesson{n:02d}-recall"))
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
