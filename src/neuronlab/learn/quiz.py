"""Retrieval questions, asked in the terminal and checked leniently.

Three kinds of question:

* :class:`Words` - answered in your own words. The answer must mention each idea
  (a group of synonyms); case, punctuation and extra words do not matter, and the
  order matters only where the question asks for one. ``multiply, sum, activate``
  and ``weights times inputs, add them up, apply the activation`` are both right.
* :class:`Choice` - pick an option by number (``2``), letter (``b``) or its text.
* :class:`Number` - a number computed by the library when asked; ``0.5``, ``.5``,
  ``1/2`` and ``half`` are the same answer.

The questions themselves live in ``content/quiz.json``; a figure or a list of options
that the library computes is named there and looked up in :data:`COMPUTED`.

>>> q = QUESTIONS[0]
>>> q.check("Weights times inputs, add them up, apply the activation").right
True
>>> q.check("activate, multiply, sum").feedback
'the right steps, but not in the right order'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .sources import ContentError, quiz_data

Concept = tuple[str, tuple[str, ...]]  # (name shown to the learner, synonym patterns)

_WORD_NUMBERS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
                 "half": 0.5, "a half": 0.5, "one half": 0.5}


def tokens(text: str) -> list[str]:
    """Lower-case words of ``text``, punctuation dropped.

    >>> tokens("Add them up - then APPLY f(z)!")
    ['add', 'them', 'up', 'then', 'apply', 'f', 'z']
    """
    return re.findall(r"[a-z0-9]+", text.lower().replace("−", "-"))


def _matches(pattern: str, words: list[str], at: int) -> bool:
    parts = pattern.split()
    if at + len(parts) > len(words):
        return False
    for part, word in zip(parts, words[at:]):
        if part.endswith("*"):
            if not word.startswith(part[:-1]):
                return False
        elif word != part:
            return False
    return True


def first_mention(concept: Concept, words: list[str]) -> int | None:
    """Index of the first word where one of the concept's synonyms appears."""
    for at in range(len(words)):
        if any(_matches(pattern, words, at) for pattern in concept[1]):
            return at
    return None


@dataclass
class Verdict:
    right: bool
    feedback: str = ""


@dataclass
class Question:
    """A question of one lesson: ``prompt``, ``explanation`` shown after the answer."""

    lesson: int
    prompt: str
    explanation: str

    def check(self, answer: str) -> Verdict:
        raise NotImplementedError

    def expected(self) -> str:
        raise NotImplementedError

    def render_prompt(self) -> str:
        return self.prompt


@dataclass
class Words(Question):
    """Answered in words; right when ``need`` of the ``concepts`` are mentioned (all by
    default), in the given order when ``ordered``."""

    concepts: tuple[Concept, ...] = ()
    ordered: bool = False
    need: int | None = None

    def check(self, answer: str) -> Verdict:
        words = tokens(answer)
        found = {c[0]: first_mention(c, words) for c in self.concepts}
        named = [name for name, at in found.items() if at is not None]
        need = self.need or len(self.concepts)
        if len(named) < need:
            missing = [name for name, at in found.items() if at is None]
            if need < len(self.concepts):
                return Verdict(False, f"name {need} of: {', '.join(c[0] for c in self.concepts)}")
            return Verdict(False, f"missing: {', '.join(missing)}")
        if self.ordered:
            order = sorted(named, key=lambda name: found[name])  # type: ignore[arg-type, return-value]
            if order != [c[0] for c in self.concepts if c[0] in named]:
                return Verdict(False, "the right steps, but not in the right order")
        return Verdict(True)

    def expected(self) -> str:
        names = [c[0] for c in self.concepts]
        if self.need and self.need < len(names):
            return f"any {self.need} of: {', '.join(names)}"
        return (", then ".join(names)) if self.ordered else ", ".join(names)


@dataclass
class Choice(Question):
    """Multiple choice: ``options`` (shown numbered), the right one at ``answer`` (from 1)."""

    options: Callable[[], list[str]] | tuple[str, ...] = ()
    answer: int = 1

    def choices(self) -> list[str]:
        return list(self.options() if callable(self.options) else self.options)

    def render_prompt(self) -> str:
        lines = [self.prompt]
        lines += [f"  {i}. {text}" for i, text in enumerate(self.choices(), 1)]
        return "\n".join(lines)

    def check(self, answer: str) -> Verdict:
        options = self.choices()
        text = answer.strip().lower().rstrip(".)")
        picked: int | None = None
        if text.isdigit():
            picked = int(text)
        elif len(text) == 1 and "a" <= text <= "z":
            picked = ord(text) - ord("a") + 1
        else:
            said = tokens(answer)
            exact = [i for i, o in enumerate(options, 1) if said and said == tokens(o)]
            within = [i for i, o in enumerate(options, 1)
                      if len(said) >= 2 and set(said) <= set(tokens(o))]
            picked = (exact or within)[0] if len(exact) == 1 or len(within) == 1 else None
        if picked is None or not 1 <= picked <= len(options):
            return Verdict(False, f"answer with a number from 1 to {len(options)}")
        return Verdict(picked == self.answer)

    def expected(self) -> str:
        return f"{self.answer}. {self.choices()[self.answer - 1]}"


def parse_number(text: str) -> float | None:
    """A number typed in any usual way: ``0.5``, ``.5``, ``1/2``, ``half``, ``12``.

    >>> [parse_number(t) for t in ["0.5", ".5", "1/2", "one half", "twelve", "-8306.9", "?"]]
    [0.5, 0.5, 0.5, 0.5, 12.0, -8306.9, None]
    """
    cleaned = text.strip().lower().replace("−", "-").replace(",", "").rstrip(".")
    cleaned = re.sub(r"^(about|around|roughly|approximately|it is|it's)\s+", "", cleaned)
    if cleaned in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[cleaned])
    match = re.fullmatch(r"(-?\d+)\s*/\s*(\d+)", cleaned)
    if match and int(match.group(2)):
        return int(match.group(1)) / int(match.group(2))
    try:
        return float(cleaned)
    except ValueError:
        return None


@dataclass
class Number(Question):
    """Answered with a number; ``value()`` is computed by the library when asked."""

    value: Callable[[], float] = lambda: 0.0
    tolerance: float = 1e-6
    _cache: list[float] = field(default_factory=list, repr=False)

    def correct(self) -> float:
        if not self._cache:
            self._cache.append(float(self.value()))
        return self._cache[0]

    def check(self, answer: str) -> Verdict:
        number = parse_number(answer)
        if number is None:
            return Verdict(False, "answer with a number, e.g. 0.5 or 1/2")
        right = abs(number - self.correct()) <= self.tolerance * max(1.0, abs(self.correct()))
        return Verdict(right)

    def expected(self) -> str:
        return f"{self.correct():g}"


# --------------------------------------------------------------------------- the questions
def _sigmoid_at_zero() -> float:
    from ..activations import get

    return float(get("sigmoid")(np.array([0.0]))[0])


def _layer_weight_count() -> float:
    from ..layers import Dense

    layer = Dense(3, input_shape=(4,))
    layer.build(4, np.random.default_rng(0))
    return float(layer.W.size)


def _batch_columns() -> float:
    return float((np.zeros((32, 4)) @ np.zeros((3, 4)).T).shape[1])


def _xor_best() -> float:
    from .. import stories

    return float(stories.single_neuron_on_xor().best_correct)


def _mse_example() -> float:
    from ..losses import get

    return get("mse")(np.array([1.0, 3.0]), np.array([0.0, 1.0]))


def _puzzle_first_w() -> float:
    from .. import stories

    return stories.train_puzzle(steps=1).steps[0].weight


def _softmax_total() -> float:
    from ..activations import get

    return float(get("softmax")(np.array([[2.0, 1.0, 0.1]])).sum())


def _gate_biases() -> list[str]:
    from ..stories import GATES

    return [f"{GATES['or'][1]:g}", f"{GATES['and'][1]:g}", f"{GATES['not'][1]:g}"]


#: Functions that compute a question's figure (``"value"``) or options (``"options"``)
#: when it is asked, by the name ``quiz.json`` uses for them.
COMPUTED: dict[str, Callable[[], Any]] = {
    "sigmoid_at_zero": _sigmoid_at_zero, "layer_weight_count": _layer_weight_count,
    "batch_columns": _batch_columns, "xor_best": _xor_best, "mse_example": _mse_example,
    "puzzle_first_w": _puzzle_first_w, "softmax_total": _softmax_total,
    "gate_biases": _gate_biases,
}


def _computed(name: str, where: str) -> Callable[[], Any]:
    if name not in COMPUTED:
        raise ContentError(f"quiz.json, {where}: no computed value {name!r} "
                           f"(known: {', '.join(COMPUTED)})")
    return COMPUTED[name]


def question_from(data: dict[str, Any], where: str = "question") -> Question:
    """One question from its ``quiz.json`` entry.

    >>> question_from({"kind": "choice", "lesson": 1, "prompt": "2 + 2?", "explanation": "",
    ...                "options": ["3", "4"], "answer": 2}).check("b").right
    True
    """
    kind = data.get("kind")
    common = (int(data["lesson"]), str(data["prompt"]), str(data["explanation"]))
    if kind == "words":
        concepts = tuple((str(name), tuple(patterns)) for name, patterns in data["concepts"])
        return Words(*common, concepts=concepts, ordered=bool(data.get("ordered", False)),
                     need=data.get("need"))
    if kind == "choice":
        options = data["options"]
        return Choice(*common, answer=int(data["answer"]),
                      options=_computed(options, where) if isinstance(options, str)
                      else tuple(options))
    if kind == "number":
        return Number(*common, value=_computed(data["value"], where),
                      tolerance=float(data.get("tolerance", 1e-6)))
    raise ContentError(f"quiz.json, {where}: unknown kind {kind!r} (words, choice, number)")


#: Every question, read from ``content/quiz.json``, in lesson order.
QUESTIONS: list[Question] = [question_from(entry, f"question {i}")
                             for i, entry in enumerate(quiz_data(), 1)]


def questions_for(lesson: int | None) -> list[Question]:
    """The questions of one lesson (all of them for ``None``)."""
    return [q for q in QUESTIONS if lesson is None or q.lesson == lesson]


@dataclass
class QuizScore:
    right: int = 0
    asked: int = 0
    stopped: bool = False


def run_quiz(questions: list[Question], ask: Callable[[str], str],
             say: Callable[[str], None]) -> QuizScore:
    """Ask each question with ``ask(prompt)`` (``input`` by default in the CLI), print
    feedback with ``say``. An empty answer skips; ``q`` or end of input stops."""
    score = QuizScore()
    for number, question in enumerate(questions, 1):
        say(f"\n[{number}/{len(questions)}] {question.render_prompt()}")
        try:
            answer = ask("> ")
        except EOFError:
            score.stopped = True
            break
        if answer.strip().lower() in ("q", "quit", "exit"):
            score.stopped = True
            break
        score.asked += 1
        if not answer.strip():
            say(f"skipped - the answer: {question.expected()}")
        else:
            verdict = question.check(answer)
            if verdict.right:
                score.right += 1
                say("✓ right.")
            else:
                extra = f" ({verdict.feedback})" if verdict.feedback else ""
                say(f"✗ not quite{extra}. Expected: {question.expected()}")
        say(f"  {question.explanation}")
    return score
