"""What an exercise is: a function to write, cases to run it on, and the library's answer.

Every exercise asks the learner for one function. It is checked on cases: the
examples shown in the file, then hidden cases. The expected answer of every case is
computed by the neuronlab library itself (the reference), never typed in by hand::

    expected = exercise.reference(*case.args)      # e.g. Neuron(w, b, "relu")(x)
    got      = learner_function(*case.args)        # run in a subprocess or a notebook

>>> from neuronlab.learn.catalog import EXERCISES
>>> ex = EXERCISES["neuron"]
>>> ex.filename, ex.cases()[0].label
('01_neuron.py', 'example 1')
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import UnknownNameError
from .sources import derive, exercise_file, solution_source
from .values import compare, show

TODO_MARKER = "# TODO"


class AnswerError(Exception):
    """A learner's answer has the wrong form (raised by an exercise's ``observe``)."""


@functools.cache
def _derived(name: str) -> tuple[str, str]:
    return derive(exercise_file(name).code, f"content/exercises/{name}.py")


@dataclass(frozen=True)
class Case:
    """One call of the learner's function: a label, the arguments, an optional key."""

    label: str
    args: tuple[Any, ...]
    key: str = ""  # what ``observe`` looks at, for exercises checked aspect by aspect


def literal(value: Any) -> str:
    """Python source for ``value`` (NumPy arrays as ``np.array([...])``).

    >>> literal([0.5, -1.0]), literal(np.array([[1.0, 2.0]]))
    ('[0.5, -1.0]', 'np.array([[1.0, 2.0]])')
    """
    if isinstance(value, np.ndarray):
        return f"np.array({value.tolist()!r})"
    if isinstance(value, float):
        return repr(round(value, 6)) if value == round(value, 6) else repr(value)
    if isinstance(value, (list, tuple)):
        inner = ", ".join(literal(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    return repr(value)


def _short(value: Any) -> str:
    if isinstance(value, np.ndarray) and value.size > 12:
        return f"<array of shape {value.shape}>"
    if isinstance(value, list) and len(value) > 8:
        return f"<list of {len(value)} numbers>"
    return literal(value)


@dataclass(frozen=True)
class Exercise:
    """One "now you build it" exercise (see the module docstring).

    Its words (the lesson it belongs to, by slug; title, task and hints) are in its
    file's docstring, ``content/exercises/NAME.py``, next to the solution; the catalog
    reads them from there.

    ``reference(*args)`` gives the expected answer, or ``expect(case)`` when the
    answer depends on the case's ``key``. ``observe(value, case)`` (optional) turns
    what the learner returned into something comparable - it runs next to the
    learner's code, e.g. to train the model the learner built. ``mistakes`` pairs a
    description ("forget the bias") with a function giving that mistake's answer, so
    a wrong answer can be recognised. ``timeout`` is in seconds per case.
    """

    name: str
    function: str
    examples: tuple[tuple[Any, ...], ...]
    reference: Callable[..., Any]
    hidden: Callable[[], list[tuple[str, tuple[Any, ...]]]] = lambda: []
    expect: Callable[[Case], Any] | None = None
    observe: Callable[[Any, Case], Any] | None = None
    parts: tuple[str, ...] = ()
    mistakes: tuple[tuple[str, Callable[..., Any]], ...] = ()
    timeout: float = 3.0
    rtol: float = 1e-6
    keys: tuple[str, ...] = ()  # cases by key instead of by arguments
    answer_note: str = ""  # how the answer is read, when it is not compared as returned
    error_hints: tuple[tuple[str, str], ...] = ()  # (text in the error line, what to do)
    number: int = 0
    # from the exercise's file, content/exercises/NAME.py (filled in by the catalog):
    slug: str = ""  # the lesson it belongs to
    lesson: int = 0  # that lesson's number, from the lesson file's name
    title: str = ""
    task: str = ""
    hints: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        """The reference solution file, ``content/exercises/NAME.py``, marked regions and all."""
        return solution_source(self.name)

    @property
    def solution(self) -> str:
        """The reference solution: the solution file without its region markers."""
        return _derived(self.name)[0]

    @property
    def template(self) -> str:
        """What the learner starts from: the solution file with each region replaced by
        its ``# TODO`` lines and a ``raise NotImplementedError``."""
        return _derived(self.name)[1]

    @property
    def filename(self) -> str:
        return f"{self.number:02d}_{self.name}.py"

    def cases(self) -> list[Case]:
        """The examples, then the hidden cases; fresh arguments on every call."""
        if self.keys:
            return [Case(key, (), key) for key in self.keys]
        shown = [Case(f"example {i}", tuple(args)) for i, args in enumerate(self.examples, 1)]
        hidden = [Case(label, tuple(args)) for label, args in self.hidden()]
        return shown + hidden

    def call_text(self, case: Case) -> str:
        """The call as the learner would type it, e.g. ``neuron([2.0], [0.5], 1.0)``."""
        call = f"{self.function}({', '.join(_short(a) for a in case.args)})"
        return f"{call} → {case.key}" if case.key else call

    def expected(self, case: Case) -> Any:
        """The library's answer for ``case``."""
        return self.expect(case) if self.expect else self.reference(*case.args)

    def judge(self, case: Case, got: Any) -> str | None:
        """``None`` when ``got`` is right for ``case``, else what is wrong."""
        return compare(self.expected(case), got, self.parts, rtol=self.rtol)

    def recognise(self, case: Case, got: Any) -> str:
        """The known mistakes whose answer equals ``got`` ("" when none does). When this
        case cannot tell several apart (forgetting to square and taking |ŷ - y| agree while
        every error is positive), all of them are named, not a guess at one."""
        matches = []
        for description, wrong in self.mistakes:
            try:
                if compare(wrong(*case.args), got, self.parts, rtol=self.rtol) is None:
                    matches.append(description)
            except Exception:  # a mistake that cannot apply here
                continue
        return ", or if you ".join(matches)

    # ----------------------------------------------------------------- the file
    def example_lines(self) -> list[str]:
        """``call -> answer`` for each example, the answer computed by the library now."""
        lines = []
        for case in self.cases()[: max(1, len(self.examples))]:
            call = textwrap.wrap(self.call_text(case), 76, subsequent_indent="    ",
                                 break_on_hyphens=False)
            answer = show(self.expected(case)).replace("\n", "\n" + " " * 6)
            if len(call) == 1 and len(call[0]) + len(answer) < 70:
                lines.append(f"{call[0]}  ->  {answer}")
            else:
                lines.extend([*call, f"  ->  {answer}"])
        return lines

    def file_text(self, lesson_title: str = "") -> str:
        """The exercise file a learner edits: task, examples, template with its TODO."""
        task = "\n".join(textwrap.fill(p, 80) for p in self.task.strip().split("\n\n"))
        examples = "\n".join(f"    {line}" for line in self.example_lines())
        if self.answer_note:
            examples += "\n" + textwrap.fill(self.answer_note, 80, initial_indent="    ",
                                              subsequent_indent="    ")
        where = f"lesson {self.lesson}" + (f": {lesson_title}" if lesson_title else "")
        header = (
            f'"""Exercise {self.number:02d} · {self.title} ({where})\n\n'
            f"{task}\n\n"
            f"Examples (answers computed by neuronlab):\n{examples}\n\n"
            f"Check it:  neuronlab learn check {self.name}\n"
            f"Stuck?     neuronlab learn hint {self.name}\n"
            '"""\n'
        )
        body = self.template.strip("\n")
        demo = ""
        if self.examples:
            args = ", ".join(literal(a) for a in self.examples[0])
            demo = (f'\n\n\nif __name__ == "__main__":\n'
                    f"    print({self.function}({args}))\n")
        else:
            demo = "\n"
        gap = "\n" if body.startswith(("import ", "from ")) else "\n\n"
        return f"{header}{gap}{body}{demo}"

    def solution_text(self, lesson_title: str = "") -> str:
        """The exercise file with the reference solution in place of the template."""
        return self.file_text(lesson_title).replace(self.template.strip("\n"),
                                                    self.solution.strip("\n"))


class Catalog(dict[str, Exercise]):
    """Exercises by name, in path order; :meth:`find` also takes a number or file name."""

    def find(self, name: str) -> Exercise:
        """The exercise called ``name``, numbered ``name`` or stored in file ``name``.

        >>> from neuronlab.learn.catalog import EXERCISES
        >>> EXERCISES.find("2").name, EXERCISES.find("01_neuron.py").name
        ('relu', 'neuron')
        """
        key = str(name).strip().lower()
        key = key.rsplit("/", 1)[-1]
        key = key[:-3] if key.endswith(".py") else key
        if key in self:
            return self[key]
        for exercise in self.values():
            if key in (str(exercise.number), f"{exercise.number:02d}", exercise.filename[:-3]):
                return exercise
        raise UnknownNameError(
            f"Unknown exercise {name!r}. Valid names: {', '.join(self)} (or their numbers "
            f"1-{len(self)}); `neuronlab learn list` shows them all."
        )
