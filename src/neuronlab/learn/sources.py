"""Read the course's content files: lessons (Markdown), exercise solutions (.py), the quiz (JSON).

The files live in ``neuronlab/learn/content/`` (see its README.md) and ship with the
package. A lesson file, ``lessons/NN-slug.md`` (its name is the one place its number
and slug are written), is front matter, Markdown, marked places and code blocks::

    ---
    title: The neuron
    ---
    A neuron is a very small calculator...

    <!-- widget: neuron {"inputs": [0.5, -0.3, 0.7]} -->

    ```python example
    print(Neuron([0.5], 0.1).explain([1.0]))
    ```

    <!-- recall -->

A ``questions`` fenced block, right after the paragraph its answers rest on, holds the
questions learners ask and short answers (:func:`parse_questions`); it is never shown
as part of the lesson's words.

An exercise is a Python file, ``exercises/NAME.py``: a docstring with its words (the
slug of its lesson, its title, its task and hints; :func:`parse_exercise`), then its
reference solution, whose ``# BEGIN SOLUTION`` / ``# END SOLUTION`` regions are cut out
to make the learner's template. The quiz names each question's lesson by slug too.

>>> solution, template = derive('''def f(x):
...     # BEGIN SOLUTION
...     # TODO: double x
...     return 2 * x
...     # END SOLUTION
... ''')
>>> print(solution.strip())
def f(x):
    return 2 * x
>>> print(template.strip())
def f(x):
    # TODO: double x
    raise NotImplementedError("TODO: write your code here")
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from importlib.abc import Traversable
from typing import Any

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
DEFAULT_RAISE = 'raise NotImplementedError("TODO: write your code here")'

_FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<code>.*?)^```[ \t]*$", re.M | re.S)
_MARKER = re.compile(r"^<!--\s*(?P<kind>widget|recall)\b(?P<rest>.*?)-->[ \t]*$", re.M | re.S)
# words for the terminal only, and the lines around a passage for the page only
# (neuronlab.learn.terminal reads them; the page never shows an HTML comment)
_TERMINAL_ONLY = re.compile(r"^<!--\s*terminal\b.*?-->[ \t]*\n?", re.M | re.S)
_WEB_MARK = re.compile(r"^<!--\s*/?web\s*-->[ \t]*\n?", re.M)


class ContentError(ValueError):
    """A content file breaks its format (a bug in the course files, caught by the tests)."""


def content() -> Traversable:
    """The folder of content files inside the installed package."""
    return resources.files("neuronlab.learn") / "content"


# --------------------------------------------------------------------------- lessons
@dataclass(frozen=True)
class Widget:
    """A marked place for a live widget: its kind and its JSON settings."""

    kind: str
    settings: dict[str, Any]


@dataclass(frozen=True)
class Block:
    """A fenced code block: ``role`` is ``example``, ``cell``, ``exercise`` or ``numbers``
    (never shown: it computes the numbers the words quote); ``name`` the exercise it
    belongs to (``python exercise NAME``)."""

    role: str
    code: str
    name: str = ""


@dataclass(frozen=True)
class QA:
    """One entry of a lesson's ``questions`` block: the ways learners ask it
    (``asked``), its short ``answer`` (words with ``{{ }}`` placeholders, like the
    text), an optional "show me" (``show``: a widget of the lesson and the settings to
    open it with), and ``block``: which ``questions`` block of the lesson it is in
    (0, 1, ...), so that it can point at the paragraph just before that block."""

    asked: tuple[str, ...]
    answer: str
    block: int = 0
    show: Widget | None = None


def parse_questions(text: str, block: int = 0, where: str = "lesson") -> list[QA]:
    r"""The entries of one ``questions`` block (its text between the fences).

    Entries are separated by blank lines; each is one or more ``Q:`` lines, one ``A:``
    (which may go on over the following lines) and optionally ``Show: WIDGET {json}``.

    >>> [entry] = parse_questions('Q: What is b?\nQ: What does the bias do?\n'
    ...                           'A: It is added whatever\n   the inputs are.\n'
    ...                           'Show: neuron {"bias": 0}\n')
    >>> entry.asked
    ('What is b?', 'What does the bias do?')
    >>> entry.answer, entry.show
    ('It is added whatever the inputs are.', Widget(kind='neuron', settings={'bias': 0}))
    """
    entries = []
    for number, chunk in enumerate(re.split(r"\n[ \t]*\n", text.strip()), 1):
        if not chunk.strip():
            continue
        asked: list[str] = []
        answer: list[str] = []
        show: Widget | None = None
        last = ""
        for line in chunk.splitlines():
            key, sep, value = line.partition(":")
            key = key.strip()
            if sep and key in ("Q", "A", "Show") and not line[:1].isspace():
                last = key
                if key == "Q":
                    if answer:
                        raise ContentError(f"{where}: questions entry {number}: a Q: line "
                                           "after its A: (leave a blank line between entries)")
                    asked.append(value.strip())
                elif key == "A":
                    if answer:
                        raise ContentError(f"{where}: questions entry {number} has two A: lines")
                    answer.append(value.strip())
                else:
                    kind, _, settings = value.strip().partition(" ")
                    try:
                        parsed = json.loads(settings) if settings.strip() else {}
                    except json.JSONDecodeError as exc:
                        raise ContentError(f"{where}: questions entry {number}: Show: settings "
                                           f"are not JSON ({exc})") from None
                    if not kind or not isinstance(parsed, dict):
                        raise ContentError(f"{where}: questions entry {number}: Show: needs "
                                           "WIDGET {json settings}")
                    show = Widget(kind, parsed)
            elif last == "A" and line.strip():
                answer.append(line.strip())
            else:
                raise ContentError(f"{where}: questions entry {number}: the line {line!r} is "
                                   "not `Q: ...`, `A: ...` (or its continuation) or `Show: ...`")
        if not asked or not answer or not all(asked) or not answer[0]:
            raise ContentError(f"{where}: questions entry {number} needs at least one Q: line "
                               "and one A: line, none empty")
        entries.append(QA(tuple(asked), " ".join(answer), block, show))
    return entries


@dataclass(frozen=True)
class LessonFile:
    """One parsed lesson file: front matter, the raw Markdown, and what it marks."""

    meta: dict[str, str]
    markdown: str
    blocks: tuple[Block, ...] = ()
    widgets: tuple[Widget, ...] = field(default=())
    questions: tuple[QA, ...] = ()  # the entries of its ``questions`` blocks, in order

    @property
    def prose(self) -> str:
        """The Markdown with every code block and marker taken out (the words only)."""
        text = _MARKER.sub("", _FENCE.sub("", self.markdown))
        text = _WEB_MARK.sub("", _TERMINAL_ONLY.sub("", text))
        return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"

    @property
    def example(self) -> str:
        found = [b.code for b in self.blocks if b.role == "example"]
        if len(found) != 1:
            raise ContentError(f"lesson {self.meta.get('title')!r} needs exactly one "
                               f"```python example block, found {len(found)}")
        return found[0]


def parse_lesson(text: str, where: str = "lesson") -> LessonFile:
    """Parse a lesson file (see the module docstring).

    >>> lesson = parse_lesson('---\\nnumber: 3\\ntitle: T\\n---\\nWords.\\n\\n'
    ...                       '<!-- widget: layer {"units": 3} -->\\n\\n'
    ...                       '```python example\\nprint(1)\\n```\\n')
    >>> lesson.meta["title"], lesson.widgets[0].settings, lesson.example, lesson.prose
    ('T', {'units': 3}, 'print(1)\\n', 'Words.\\n')
    """
    match = re.match(r"---\n(?P<meta>.*?)\n---\n", text, re.S)
    if not match:
        raise ContentError(f"{where}: starts without front matter (---, key: value lines, ---)")
    meta = {}
    for line in match.group("meta").splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            raise ContentError(f"{where}: front matter line {line!r} is not `key: value`")
        meta[key.strip()] = value.strip()
    markdown = text[match.end():]
    blocks = []
    questions: list[QA] = []
    count = 0
    for fence in _FENCE.finditer(markdown):
        words = fence.group("info").split()
        if words[:1] == ["questions"]:
            questions += parse_questions(fence.group("code"), count, where)
            count += 1
            continue
        if words[:1] != ["python"]:
            continue
        role = words[1] if len(words) > 1 else "cell"
        if role not in ("example", "cell", "exercise", "numbers"):
            raise ContentError(f"{where}: unknown code block role {role!r} (example, cell, "
                               "exercise NAME, numbers)")
        blocks.append(Block(role, fence.group("code"), words[2] if len(words) > 2 else ""))
    widgets = []
    for marker in _MARKER.finditer(markdown):
        if marker.group("kind") != "widget":
            continue
        kind, _, settings = marker.group("rest").strip().lstrip(":").strip().partition(" ")
        try:
            parsed = json.loads(settings) if settings.strip() else {}
        except json.JSONDecodeError as exc:
            raise ContentError(f"{where}: widget {kind!r} has settings that are not JSON "
                               f"({exc})") from None
        widgets.append(Widget(kind, parsed))
    return LessonFile(meta, markdown, tuple(blocks), tuple(widgets), tuple(questions))


_PLACEHOLDER = re.compile(r"\{\{(?P<body>.+?)\}\}", re.S)
_FORMAT_SPEC = re.compile(r"^[<>=^]?[+ -]?[#0]?\d*[,_]?(\.\d+)?[bdeEfFgGnosxX%]?$")


def split_placeholder(body: str) -> tuple[str, str]:
    """``(expression, format spec)`` of a ``{{ expression:spec }}`` placeholder.

    The spec is what follows the last ``:`` when it reads as a format spec, so that
    slices and dictionaries inside the expression keep their colons.

    >>> split_placeholder(" run.final.prediction:.3f ")
    ('run.final.prediction', '.3f')
    >>> split_placeholder("values[1:3]")
    ('values[1:3]', '')
    """
    expression, sep, spec = body.strip().rpartition(":")
    if sep and expression and _FORMAT_SPEC.match(spec.strip()) and spec.strip():
        return expression.strip(), spec.strip()
    return body.strip(), ""


def fill_numbers(text: str, namespace: dict[str, Any], where: str = "lesson") -> str:
    """Replace every ``{{ expression }}`` or ``{{ expression:spec }}`` in ``text`` by the
    value of the expression in ``namespace`` (the names the lesson's code defined),
    formatted with ``spec``. This is how a lesson's words state a computed number
    without typing it: the library computes it each time the lesson is shown.

    >>> fill_numbers("z is {{ 0.5 * 2 + 0.19:.2f }}, {{ name }}.", {"name": "ReLU"})
    'z is 1.19, ReLU.'
    """

    def value(match: re.Match[str]) -> str:
        expression, spec = split_placeholder(match.group("body"))
        try:
            result = eval(expression, dict(namespace))  # the course's own files only
            return format(result, spec)
        except Exception as exc:
            raise ContentError(f"{where}: the placeholder {{{{{match.group('body')}}}}} "
                               f"failed: {type(exc).__name__}: {exc}") from None

    return _PLACEHOLDER.sub(value, text)


def lesson_files() -> list[tuple[str, str]]:
    """``(file name, text)`` of every lesson file, in order."""
    folder = content() / "lessons"
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".md"))
    return [(name, (folder / name).read_text(encoding="utf-8")) for name in names]


def lesson_identity(filename: str) -> tuple[int, str]:
    """``(number, slug)`` of the lesson file ``NN-slug.md``: its name is where both live.

    >>> lesson_identity("03-a-layer.md")
    (3, 'a-layer')
    """
    match = re.fullmatch(r"(?P<number>\d{2})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.md", filename)
    if not match:
        raise ContentError(f"lesson file {filename!r}: expected a name NN-slug.md "
                           "(two digits, a dash, lowercase words joined by dashes)")
    return int(match.group("number")), match.group("slug")


@functools.cache
def lesson_numbers() -> dict[str, int]:
    """Every lesson's number by its slug, read from the lesson files' names (in order)."""
    folder = content() / "lessons"
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".md"))
    identities = [lesson_identity(name) for name in names]
    return {slug: number for number, slug in identities}


@functools.cache
def lesson_slugs() -> dict[int, str]:
    """Every lesson's slug by its number (the other way round from :func:`lesson_numbers`)."""
    return {number: slug for slug, number in lesson_numbers().items()}


def slug_of(number: int) -> str:
    """The slug of lesson ``number``; a made-up ``lesson-N`` for a number no lesson has
    (a saved record of a lesson this version lacks is kept under it, not lost)."""
    return lesson_slugs().get(number, f"lesson-{number}")


# --------------------------------------------------------------------------- exercises
def derive(source: str, where: str = "solution") -> tuple[str, str]:
    """``(solution, template)`` from a solution file with marked regions.

    The solution is the file without the marker lines and without the template-only
    lines; the template replaces every region by its template-only lines. Template-only
    lines are the ``# TODO ...`` and ``# raise ...`` comment lines opening a region;
    ``# raise ...`` is uncommented in the template, and a region without one gets
    ``raise NotImplementedError("TODO: write your code here")``.
    """
    solution: list[str] = []
    template: list[str] = []
    inside, opening, raised, indent = False, False, False, ""
    for number, line in enumerate(source.splitlines(), 1):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ContentError(f"{where}:{number}: {BEGIN} inside another region")
            inside, opening, raised = True, True, False
            indent = line[: len(line) - len(line.lstrip())]
            continue
        if stripped == END:
            if not inside:
                raise ContentError(f"{where}:{number}: {END} without {BEGIN}")
            if not raised:
                template.append(indent + DEFAULT_RAISE)
            inside = False
            continue
        if inside and opening and (stripped.startswith("# TODO") or
                                   stripped.startswith("# raise ")):
            if stripped.startswith("# raise "):
                template.append(indent + stripped[2:])
                raised = True
            else:
                template.append(line)
            continue
        opening = False
        solution.append(line)
        if not inside:
            template.append(line)
    if inside:
        raise ContentError(f"{where}: {BEGIN} is never closed by {END}")
    if len(template) == len(solution) and template == solution:
        raise ContentError(f"{where}: no {BEGIN} / {END} region")
    return "\n".join(solution) + "\n", "\n".join(template) + "\n"


def solution_source(name: str) -> str:
    """The reference solution file of exercise ``name``, as text."""
    return (content() / "exercises" / f"{name}.py").read_text(encoding="utf-8")


@dataclass(frozen=True)
class ExerciseFile:
    """One exercise file: the lesson it belongs to (a slug), its title, task and hints
    (from its docstring), and ``code``: the rest, the solution with its marked regions."""

    lesson: str
    title: str
    task: str
    hints: tuple[str, ...]
    code: str


def _paragraphs(lines: list[str]) -> str:
    """Lines wrapped for the file, back to one line per paragraph (paragraphs: blank line)."""
    text = "\n".join(lines).strip()
    return "\n\n".join(" ".join(line.strip() for line in chunk.splitlines())
                       for chunk in re.split(r"\n[ \t]*\n", text))


def parse_exercise(source: str, where: str = "exercise") -> ExerciseFile:
    """Parse an exercise file: a docstring of ``key: value`` lines (``lesson``, ``title``),
    then a ``## Task`` section and one ``## Hint`` section per hint, then the code.

    >>> quotes = chr(34) * 3
    >>> ex = parse_exercise(quotes + "\\nlesson: the-neuron\\ntitle: double\\n\\n## Task\\n"
    ...     "Write f(x):\\nreturn 2x.\\n\\n## Hint\\nMultiply.\\n" + quotes
    ...     + "\\n\\ndef f(x): ...\\n")
    >>> ex.lesson, ex.title, ex.task, ex.hints, ex.code
    ('the-neuron', 'double', 'Write f(x): return 2x.', ('Multiply.',), 'def f(x): ...\\n')
    """
    match = re.match(r'"""\n(?P<doc>.*?)\n"""\n', source, re.S)
    if not match:
        raise ContentError(f'{where}: starts without its docstring (""", lesson: ..., '
                           'title: ..., ## Task, ## Hint sections, """)')
    meta: dict[str, str] = {}
    sections: list[tuple[str, list[str]]] = []
    for line in match.group("doc").splitlines():
        if line.startswith("## "):
            sections.append((line[3:].strip(), []))
        elif sections:
            sections[-1][1].append(line)
        elif line.strip():
            key, sep, value = line.partition(":")
            if not sep:
                raise ContentError(f"{where}: docstring line {line!r} is not `key: value`")
            meta[key.strip()] = value.strip()
    missing = [key for key in ("lesson", "title") if not meta.get(key)]
    tasks = [_paragraphs(lines) for title, lines in sections if title == "Task"]
    hints = tuple(_paragraphs(lines) for title, lines in sections if title == "Hint")
    unknown = [title for title, _ in sections if title not in ("Task", "Hint")]
    if missing or len(tasks) != 1 or not hints or unknown:
        raise ContentError(f"{where}: the docstring needs lesson: and title: lines (missing: "
                           f"{missing or 'none'}), one ## Task and at least one ## Hint "
                           f"section (found {len(tasks)} task(s), {len(hints)} hint(s), "
                           f"unknown sections {unknown or 'none'})")
    return ExerciseFile(meta["lesson"], meta["title"], tasks[0], hints,
                        source[match.end():].lstrip("\n"))


def exercise_file(name: str) -> ExerciseFile:
    """The parsed file ``content/exercises/NAME.py``."""
    return parse_exercise(solution_source(name), f"content/exercises/{name}.py")


# --------------------------------------------------------------------------- quiz
#: The version of ``quiz.json``'s layout: 3 groups the questions under their lesson's slug
#: (2 was one list, each question naming its lesson by number).
QUIZ_FORMAT = 3


def quiz_data() -> list[dict[str, Any]]:
    """The quiz questions as stored in ``quiz.json``, in lesson order, each with its
    ``lesson`` (the slug it is stored under)."""
    data = json.loads((content() / "quiz.json").read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("format") != QUIZ_FORMAT \
            or not isinstance(data.get("lessons"), dict):
        raise ContentError(f'quiz.json: expected {{"format": {QUIZ_FORMAT}, "lessons": '
                           '{"<lesson slug>": [questions...]}}')
    order = lesson_numbers()
    unknown = [slug for slug in data["lessons"] if slug not in order]
    if unknown:
        raise ContentError(f"quiz.json: {', '.join(map(repr, unknown))} is not a lesson file's "
                           f"slug (known: {', '.join(order)})")
    return [{**question, "lesson": slug}
            for slug in sorted(data["lessons"], key=order.__getitem__)
            for question in data["lessons"][slug]]
