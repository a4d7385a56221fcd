"""The twelve lessons of the learning path: a short text, a live worked example, exercises.

Each lesson is a Markdown file in ``content/lessons/`` (its format is described in
``content/README.md`` and :mod:`neuronlab.learn.sources`).

Each lesson's text explains one idea in a few paragraphs of Markdown. It states no
computed figure itself: every number a learner sees comes from the worked example,
a few lines of Python that call the library and are run when the lesson is shown
(in the terminal by :func:`run_example`, in a notebook by the kernel).

>>> LESSONS[0].title
'The neuron'
>>> print(run_example(LESSONS[0]).splitlines()[0])
z = (0.50 × 0.50) + (-0.30 × -0.30) + (0.70 × 0.80) + 0.10 = 1.000
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass

from ..errors import UnknownNameError
from .catalog import EXERCISES
from .exercises import Exercise
from .sources import Block, Widget, lesson_files, parse_lesson


@dataclass(frozen=True)
class Lesson:
    """One lesson: ``number``, ``slug`` (for file names), ``title``, ``text`` (the words,
    Markdown), ``example`` (Python source run live), the ``widgets`` and code ``blocks``
    its file marks, and its exercises."""

    number: int
    slug: str
    title: str
    text: str
    example: str
    markdown: str = ""  # the whole lesson file after its front matter, markers and all
    widgets: tuple[Widget, ...] = ()
    blocks: tuple[Block, ...] = ()

    @property
    def exercises(self) -> list[Exercise]:
        return [ex for ex in EXERCISES.values() if ex.lesson == self.number]

    @property
    def notebook_name(self) -> str:
        return f"{self.number:02d}-{self.slug}.ipynb"


def run_example(lesson: Lesson) -> str:
    """Run the lesson's worked example now and return what it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(lesson.example, f"<lesson {lesson.number} example>", "exec"), {})
    return printed.getvalue()


def _load() -> list[Lesson]:
    lessons = []
    for name, text in lesson_files():
        parsed = parse_lesson(text, f"content/lessons/{name}")
        meta = parsed.meta
        lessons.append(Lesson(int(meta["number"]), meta["slug"], meta["title"], parsed.prose,
                              parsed.example, parsed.markdown, parsed.widgets, parsed.blocks))
    return lessons


#: The lessons, read from ``content/lessons/NN-slug.md``.
LESSONS: list[Lesson] = _load()


def find_lesson(key: int | str) -> Lesson:
    """The lesson numbered ``key`` (1-12) or with slug ``key``."""
    text = str(key).strip().lower()
    for lesson in LESSONS:
        if text in (str(lesson.number), f"{lesson.number:02d}", lesson.slug):
            return lesson
    raise UnknownNameError(
        f"Unknown lesson {key!r}. Lessons are numbered 1-{len(LESSONS)}; "
        "`neuronlab learn` lists them."
    )
