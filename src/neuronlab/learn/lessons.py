"""The learning path: lessons from one neuron to "What comes next", each words, a live example,
exercises. How many there are is ``len(LESSONS)``: one per file in ``content/lessons/``.

Each lesson is a Markdown file in ``content/lessons/`` (its format is described in
``content/README.md`` and :mod:`neuronlab.learn.sources`).

Each lesson's text explains one idea in Markdown. It types no computed figure
itself: a number the words quote is a placeholder such as ``{{ run.final.prediction:.3f }}``,
filled from the names that the lesson's code (its ``python numbers`` block, then its
worked example) defines when the lesson is shown, and the worked example prints the
rest (in the terminal by :func:`run_example`, in a notebook by the kernel).

>>> LESSONS[0].title
'The neuron'
>>> print(run_example(LESSONS[0]).splitlines()[0])
z = (0.50 × 0.50) + (-0.30 × -0.30) + (0.70 × 0.80) + 0.10 = 1.000
"""

from __future__ import annotations

import io
import sys
import threading
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..errors import UnknownNameError
from .catalog import EXERCISES
from .exercises import Exercise
from .sources import (
    QA,
    Block,
    Widget,
    fill_numbers,
    lesson_files,
    lesson_identity,
    parse_lesson,
)


@dataclass(frozen=True)
class Lesson:
    """One lesson: ``number``, ``slug`` (for file names), ``title``, ``words`` (Markdown,
    with ``{{ }}`` placeholders for computed numbers), ``example`` (Python source run
    live), the ``widgets`` and code ``blocks`` its file marks, and its exercises.
    ``text`` is the words with every number filled in by the library."""

    number: int
    slug: str
    title: str
    words: str
    example: str
    markdown: str = ""  # the whole lesson file after its front matter, markers and all
    widgets: tuple[Widget, ...] = ()
    blocks: tuple[Block, ...] = ()
    questions: tuple[QA, ...] = ()  # its ``questions`` blocks: answers with placeholders

    @property
    def answers(self) -> tuple[QA, ...]:
        """The ``questions`` entries with every ``{{ }}`` in their answers filled in."""
        if self.number not in _ANSWERED:
            namespace = (lesson_namespace(self) if any("{{" in qa.answer for qa in self.questions)
                         else {})
            _ANSWERED[self.number] = tuple(
                replace(qa, answer=fill_numbers(qa.answer, namespace,
                                                f"lesson {self.number} questions"))
                if "{{" in qa.answer else qa for qa in self.questions)
        return _ANSWERED[self.number]

    @property
    def exercises(self) -> list[Exercise]:
        return [ex for ex in EXERCISES.values() if ex.slug == self.slug]

    @property
    def notebook_name(self) -> str:
        return f"{self.number:02d}-{self.slug}.ipynb"

    @property
    def numbers_code(self) -> str:
        """The lesson's hidden ``python numbers`` code ('' if it has none)."""
        return "".join(block.code for block in self.blocks if block.role == "numbers")

    @property
    def text(self) -> str:
        """The words with every ``{{ }}`` placeholder filled in by the library."""
        if "{{" not in self.words:
            return self.words
        if self.number not in _FILLED:
            _FILLED[self.number] = fill_numbers(self.words, lesson_namespace(self),
                                                f"lesson {self.number}")
        return _FILLED[self.number]


_FILLED: dict[int, str] = {}
_ANSWERED: dict[int, tuple[QA, ...]] = {}


#: One lesson's code runs at a time (a page, and the search index warming up in the
#: background, may both ask).
_RUNNING = threading.RLock()


class _ThreadOutput(io.TextIOBase):
    """``sys.stdout`` while a lesson's code runs: what the running thread prints goes to
    ``printed``, what every other thread prints goes where it went before. (A plain
    ``redirect_stdout`` would also swallow the other threads' output: the search index
    renders lessons in a background thread while the lab, or a terminal, prints.)"""

    def __init__(self, printed: io.StringIO, before: Any) -> None:
        self.thread = threading.get_ident()
        self.printed, self.before = printed, before

    def _target(self) -> Any:
        return self.printed if threading.get_ident() == self.thread else self.before

    def write(self, text: str) -> int:
        return self._target().write(text)

    def flush(self) -> None:
        self._target().flush()

    def isatty(self) -> bool:
        return bool(self._target().isatty())

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self._target(), "encoding", None) or "utf-8")


def _run(code: str, name: str, namespace: dict[str, Any]) -> str:
    """Run a lesson's code and return what it printed. NumPy's print options that the
    code sets (a lesson may turn scientific notation off) are put back afterwards."""
    printed = io.StringIO()
    with _RUNNING, np.printoptions():
        before = sys.stdout
        sys.stdout = capture = _ThreadOutput(printed, before)
        try:
            exec(compile(code, name, "exec"), namespace)
        finally:
            if sys.stdout is capture:
                sys.stdout = before
    return printed.getvalue()


def run_example(lesson: Lesson) -> str:
    """Run the lesson's worked example now and return what it printed."""
    return _run(lesson.example, f"<lesson {lesson.number} example>", {})


def lesson_namespace(lesson: Lesson) -> dict[str, Any]:
    """The names a lesson's code defines: its ``python numbers`` block, then its worked
    example, run now. The words' placeholders are filled from these."""
    namespace: dict[str, Any] = {}
    _run(lesson.numbers_code, f"<lesson {lesson.number} numbers>", namespace)
    _run(lesson.example, f"<lesson {lesson.number} example>", namespace)
    return namespace


def remember_answers(lesson: Lesson, answers: list[str]) -> None:
    """Give ``lesson.answers`` the filled answers of an earlier run of the same code (a
    rendering kept on disk), so that its code need not run again for them."""
    if lesson.number not in _ANSWERED and len(answers) == len(lesson.questions):
        _ANSWERED[lesson.number] = tuple(replace(qa, answer=answer)
                                         for qa, answer in zip(lesson.questions, answers))


def _load() -> list[Lesson]:
    lessons = []
    for name, text in lesson_files():
        parsed = parse_lesson(text, f"content/lessons/{name}")
        number, slug = lesson_identity(name)
        lessons.append(Lesson(number, slug, parsed.meta["title"], parsed.prose,
                              parsed.example, parsed.markdown, parsed.widgets, parsed.blocks,
                              parsed.questions))
    return lessons


#: The lessons, read from ``content/lessons/NN-slug.md``: the file's name is the one place
#: a lesson's number and slug are written; exercises and quiz questions name its slug.
LESSONS: list[Lesson] = _load()


def find_lesson(key: int | str) -> Lesson:
    """The lesson numbered ``key`` (1 to ``len(LESSONS)``) or with slug ``key``."""
    text = str(key).strip().lower()
    for lesson in LESSONS:
        if text in (str(lesson.number), f"{lesson.number:02d}", lesson.slug):
            return lesson
    raise UnknownNameError(
        f"Unknown lesson {key!r}. Lessons are numbered 1-{len(LESSONS)}; "
        "`neuronlab learn` lists them."
    )
