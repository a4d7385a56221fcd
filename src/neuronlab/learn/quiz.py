"""Recall questions: the learner retrieves, then sees the answer; graded only where exact.

Four kinds of question, from ``content/quiz.json``:

* :class:`Words` - "close your eyes and recall": answered in the learner's own words
  (or only in their head). Nothing grades it: the learner may ask for the ``hint``
  first, then reveals the model ``answer`` beside their own and rates themselves
  *got it*, *partly* or *not yet*. A program matching keywords would mark "it drops the
  learning rate" right for dropout and "w and b" wrong, so there is no such program.
* :class:`Choice` - multiple choice. The options are shown in an order shuffled for each
  learner and question (:meth:`Choice.order`), labelled A, B, C, ...; the verdict names
  the label and the text: ``"The answer is C: zero"``.
* :class:`Number` - a number computed by the library when asked, checked within a
  tolerance; ``0.5``, ``.5``, ``1/2`` and ``half`` are the same answer.
* :class:`Formula` - an expression in named variables (``s*(1-s)``), checked by
  evaluating it at sample points against the reference expression. The text is parsed
  with :mod:`ast` and only arithmetic on the question's variables and a few functions
  (``exp``, ``log``, ``sqrt``, ``tanh``, ``abs``) is evaluated; anything else is refused
  with a message - it is never passed to ``eval``.

A figure or a list of options that the library computes is named in ``quiz.json`` and
looked up in :data:`COMPUTED`.

>>> q = next(q for q in QUESTIONS if isinstance(q, Formula) and q.variables == ("s",))
>>> [q.check(text).right for text in ["s*(1-s)", "s - s^2", "s(1 - s)", "1 - s"]]
[True, True, True, False]
>>> q.check("__import__('os')").right is None
True
"""

from __future__ import annotations

import ast
import hashlib
import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .sources import ContentError, lesson_numbers, quiz_data, slug_of

_WORD_NUMBERS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
                 "half": 0.5, "a half": 0.5, "one half": 0.5}

#: The self-ratings of a free-text answer, best first.
RATINGS = ("got it", "partly", "not yet")
LETTERS = "ABCDEFGH"


def tokens(text: str) -> list[str]:
    """Lower-case words of ``text``, punctuation dropped.

    >>> tokens("Add them up - then APPLY f(z)!")
    ['add', 'them', 'up', 'then', 'apply', 'f', 'z']
    """
    return re.findall(r"[a-z0-9]+", text.lower().replace("−", "-"))


@dataclass
class Verdict:
    """``right`` is True or False when the answer was graded, None when it could not be
    read (``feedback`` then says what was expected)."""

    right: bool | None
    feedback: str = ""


@dataclass
class Question:
    """A question of one lesson: ``prompt``, a ``hint`` to ask for before answering, and
    the ``explanation`` shown with the answer."""

    lesson: int
    prompt: str
    explanation: str
    hint: str = ""

    #: Whether the code grades the answer (exactly); False: the learner rates themselves.
    graded = True

    @property
    def slug(self) -> str:
        """The slug of the question's lesson (``the-neuron``): what saved records name it by."""
        return slug_of(self.lesson)

    @property
    def digest(self) -> str:
        """10 hex digits of the prompt's hash: the same while the prompt is."""
        return hashlib.sha1(self.prompt.encode("utf-8")).hexdigest()[:10]

    @property
    def key(self) -> str:
        """``"<lesson slug>-<digest>"`` (``"the-neuron-3f9a1b2c4d"``): a learner's saved
        records are keyed by it, so a lesson added before this one changes no key."""
        return f"{self.slug}-{self.digest}"

    def check(self, answer: str) -> Verdict:
        raise NotImplementedError

    def expected(self) -> str:
        """The model answer, as it is revealed."""
        raise NotImplementedError


@dataclass
class Words(Question):
    """Recalled in the learner's own words and rated by the learner against ``answer``."""

    answer: str = ""
    graded = False

    def check(self, answer: str) -> Verdict:
        return Verdict(None, "this answer is not graded: reveal the model answer and rate "
                             "yourself (got it / partly / not yet)")

    def expected(self) -> str:
        return self.answer


@dataclass
class Choice(Question):
    """Multiple choice: ``options`` as stored, the right one at ``answer`` (from 1).

    The learner sees them in :meth:`order`, labelled A, B, C, ...
    """

    options: Callable[[], list[str]] | tuple[str, ...] = ()
    answer: int = 1

    def choices(self) -> list[str]:
        return list(self.options() if callable(self.options) else self.options)

    def order(self, learner: str = "") -> list[int]:
        """The stored indexes (from 0) in the order shown to ``learner``: a shuffle seeded by
        the learner's id and the prompt's digest, so it is the same on every visit (and
        after the lessons are renumbered or renamed).

        >>> q = Choice(1, "?", "", options=("a", "b", "c", "d"), answer=2)
        >>> q.order("ada") == q.order("ada") and sorted(q.order("ada")) == [0, 1, 2, 3]
        True
        """
        seed = int.from_bytes(hashlib.sha256(f"{learner}/{self.digest}".encode()).digest()[:8],
                              "big")
        indexes = list(range(len(self.choices())))
        random.Random(seed).shuffle(indexes)
        return indexes

    def shown(self, learner: str = "") -> list[tuple[str, str]]:
        """``(label, text)`` of each option as ``learner`` sees them."""
        options = self.choices()
        return [(LETTERS[i], options[k]) for i, k in enumerate(self.order(learner))]

    def right_label(self, learner: str = "") -> str:
        return LETTERS[self.order(learner).index(self.answer - 1)]

    def pick(self, answer: str, learner: str = "") -> int | None:
        """The stored index (from 0) of the option ``answer`` names: its label as shown to
        ``learner`` (``c``, ``C.``, ``(c)``) or its whole text; None if it names none."""
        options = self.choices()
        order = self.order(learner)
        text = answer.strip().lower().strip("().").strip()
        if len(text) == 1 and text.upper() in LETTERS[:len(options)]:
            return order[LETTERS.index(text.upper())]
        said = tokens(answer)
        same = [k for k, option in enumerate(options) if said and said == tokens(option)]
        return same[0] if len(same) == 1 else None

    def check(self, answer: str, learner: str = "") -> Verdict:
        picked = self.pick(answer, learner)
        if picked is None:
            last = LETTERS[len(self.choices()) - 1]
            return Verdict(None, f"answer with a letter from A to {last}")
        return Verdict(picked == self.answer - 1)

    def expected(self, learner: str = "") -> str:
        return f"{self.right_label(learner)}: {self.choices()[self.answer - 1]}"

    def feedback(self, answer: str, learner: str = "") -> str:
        """``"The answer is C: zero"``, after ``"You picked A: ..."`` when that was wrong."""
        picked = self.pick(answer, learner)
        said = f"The answer is {self.expected(learner)}."
        if picked is None or picked == self.answer - 1:
            return said
        label = LETTERS[self.order(learner).index(picked)]
        return f"You picked {label}: {self.choices()[picked]}. {said}"


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
        number = float(cleaned)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


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
            return Verdict(None, "answer with a number, e.g. 0.5 or 1/2")
        right = abs(number - self.correct()) <= self.tolerance * max(1.0, abs(self.correct()))
        return Verdict(right)

    def expected(self) -> str:
        return f"{self.correct():g}"


# --------------------------------------------------------------------------- formulas
class FormulaError(ValueError):
    """A formula that cannot be read; the message says what is allowed."""


FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "exp": np.exp, "log": np.log, "ln": np.log, "sqrt": np.sqrt, "tanh": np.tanh,
    "abs": np.abs,
}
CONSTANTS = {"e": math.e, "pi": math.pi}
MAX_FORMULA = 200  # characters
_OPERATORS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide,
    ast.Pow: np.power,
}


def _tidy(text: str) -> str:
    """Usual ways of writing maths made Python: ``^`` is a power, ``·``/``×`` multiply,
    ``−`` is minus, and a number or ``)`` before a name or ``(`` multiplies (``2s``,
    ``(1-s)(1+s)``)."""
    text = (text.replace("^", "**").replace("·", "*").replace("×", "*").replace("−", "-")
            .replace("⋅", "*"))
    text = re.sub(r"(\d)\s*(?=[A-DF-Za-df-z_(])", r"\1*", text)  # 2s, 2(1-s); not 1e-3
    return re.sub(r"\)\s*(?=[A-Za-z_(\d])", ")*", text)


def parse_formula(text: str, variables: tuple[str, ...]) -> Callable[[dict[str, Any]], Any]:
    """A function evaluating ``text`` at given values of ``variables``; only arithmetic
    (``+ - * / **``), numbers, those variables, ``e``, ``pi`` and :data:`FUNCTIONS`.

    >>> f = parse_formula("2s(1 - s)", ("s",))
    >>> float(f({"s": 0.5}))
    0.5
    >>> parse_formula("().__class__", ("s",))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    neuronlab.learn.quiz.FormulaError: only arithmetic is allowed (...); this has an attribute
    """
    allowed = (f"only arithmetic is allowed (+ - * / ^, numbers, {', '.join(variables)}, "
               "exp, log, sqrt, tanh, abs)")
    if len(text) > MAX_FORMULA:
        raise FormulaError(f"the formula is {len(text)} characters long; keep it under "
                           f"{MAX_FORMULA}")
    if not text.strip():
        raise FormulaError(f"write a formula in {', '.join(variables)}")
    try:
        tree = ast.parse(_tidy(text.strip()), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise FormulaError(f"this is not a formula that can be read; write it like "
                           f"2*{variables[0]} + 1 ({allowed})") from None
    names = {type(node).__name__ for node in ast.walk(tree)}
    if len(list(ast.walk(tree))) > 200:
        raise FormulaError("the formula is too long")

    def build(node: ast.AST) -> Callable[[dict[str, Any]], Any]:
        if isinstance(node, ast.Expression):
            return build(node.body)
        if (isinstance(node, ast.Constant) and isinstance(node.value, (int, float))
                and not isinstance(node.value, bool)):
            number = np.float64(node.value)
            return lambda env: number
        if isinstance(node, ast.Name):
            if node.id in variables:
                name = node.id
                return lambda env: env[name]
            if node.id in CONSTANTS:
                constant = np.float64(CONSTANTS[node.id])
                return lambda env: constant
            if all(len(v) == 1 for v in variables) and set(node.id) <= set(variables):
                letters = node.id  # wx: one-letter variables written side by side multiply
                return lambda env: np.prod([env[c] for c in letters], axis=0)
            raise FormulaError(f"unknown name {node.id!r}: {allowed}")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = build(node.operand)
            sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
            return lambda env: sign * inner(env)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            op = _OPERATORS[type(node.op)]
            left, right = build(node.left), build(node.right)
            return lambda env: op(left(env), right(env))
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords
                and len(node.args) == 1):
            if node.func.id in FUNCTIONS:
                function, argument = FUNCTIONS[node.func.id], build(node.args[0])
                return lambda env: function(argument(env))
            if node.func.id in variables:  # s(1 - s): a product written without *
                factor, argument = build(node.func), build(node.args[0])
                return lambda env: factor(env) * argument(env)
        what = {"Attribute": "an attribute", "Call": "a call of something other than "
                "exp, log, sqrt, tanh or abs", "Subscript": "an index", "Lambda": "a lambda",
                "Compare": "a comparison"}
        found = next((what[n] for n in what if n in names), type(node).__name__)
        raise FormulaError(f"{allowed}; this has {found}")

    return build(tree)


@dataclass
class Formula(Question):
    """Answered with a formula in ``variables``; right when it equals ``reference`` at
    every sample point (drawn from each variable's ``ranges``), to 1e-9 relative."""

    reference: str = ""
    variables: tuple[str, ...] = ()
    ranges: tuple[tuple[float, float], ...] = ()
    points: int = 12

    def samples(self) -> dict[str, Any]:
        rng = np.random.default_rng(20240611)
        return {name: rng.uniform(low, high, self.points)
                for name, (low, high) in zip(self.variables, self.ranges)}

    def evaluate(self, text: str) -> Any:
        function = parse_formula(text, self.variables)
        with np.errstate(all="ignore"):
            values = function(self.samples())
        return np.broadcast_to(np.asarray(values, dtype=float), (self.points,))

    def check(self, answer: str) -> Verdict:
        try:
            got = self.evaluate(answer)
        except FormulaError as exc:
            return Verdict(None, str(exc))
        want = self.evaluate(self.reference)
        same = bool(np.all(np.isfinite(got)) and np.allclose(got, want, rtol=1e-9, atol=1e-12))
        return Verdict(same)

    def expected(self) -> str:
        return self.reference


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

    return float(stories.best_line_on_xor())


def _mse_example() -> float:
    from ..losses import get

    return get("mse")(np.array([0.0, 1.0]), np.array([1.0, 3.0]))  # (y_true, y_pred)


def _puzzle_first_w() -> float:
    from .. import stories

    return stories.train_puzzle(steps=1).steps[0].weight


def _softmax_total() -> float:
    from ..activations import get

    return float(get("softmax")(np.array([[2.0, 1.0, 0.1]])).sum())


def _gate_biases() -> list[str]:
    from ..stories import GATES

    return [f"{GATES['and'][1] - 1:g}", f"{GATES['or'][1]:g}", f"{GATES['not'][1]:g}",
            f"{GATES['and'][1]:g}"]


def _conv_map_side() -> int:
    from ..layers import Conv2D

    return int(Conv2D(1, 3).compute_output_shape((28, 28, 1))[0])


def _conv_weight_count() -> int:
    import numpy as np

    from ..layers import Conv2D

    layer = Conv2D(8, 3)
    layer.build((28, 28, 1), np.random.default_rng(0), np.float32)
    return layer.count_params()


#: Functions that compute a question's figure (``"value"``) or options (``"options"``)
#: when it is asked, by the name ``quiz.json`` uses for them.
COMPUTED: dict[str, Callable[[], Any]] = {
    "sigmoid_at_zero": _sigmoid_at_zero, "layer_weight_count": _layer_weight_count,
    "batch_columns": _batch_columns, "xor_best": _xor_best, "mse_example": _mse_example,
    "puzzle_first_w": _puzzle_first_w, "softmax_total": _softmax_total,
    "gate_biases": _gate_biases, "conv_map_side": _conv_map_side,
    "conv_weight_count": _conv_weight_count,
}


def _computed(name: str, where: str) -> Callable[[], Any]:
    if name not in COMPUTED:
        raise ContentError(f"quiz.json, {where}: no computed value {name!r} "
                           f"(known: {', '.join(COMPUTED)})")
    return COMPUTED[name]


def question_from(data: dict[str, Any], where: str = "question") -> Question:
    """One question from its ``quiz.json`` entry.

    >>> question_from({"kind": "choice", "lesson": "the-neuron", "prompt": "2 + 2?",
    ...                "explanation": "",
    ...                "hint": "count", "options": ["3", "4"], "answer": 2}).check("4").right
    True
    """
    kind = data.get("kind")
    lessons = lesson_numbers()
    if data.get("lesson") not in lessons:
        raise ContentError(f"quiz.json, {where}: lesson {data.get('lesson')!r} is not a lesson "
                           f"file's slug (known: {', '.join(lessons)})")
    common = (lessons[data["lesson"]], str(data["prompt"]), str(data["explanation"]),
              str(data.get("hint", "")))
    if kind == "words":
        return Words(*common, answer=str(data["answer"]))
    if kind == "choice":
        options = data["options"]
        return Choice(*common, answer=int(data["answer"]),
                      options=_computed(options, where) if isinstance(options, str)
                      else tuple(options))
    if kind == "number":
        return Number(*common, value=_computed(data["value"], where),
                      tolerance=float(data.get("tolerance", 1e-6)))
    if kind == "formula":
        variables = data["variables"]
        formula = Formula(*common, reference=str(data["formula"]),
                          variables=tuple(str(name) for name in variables),
                          ranges=tuple((float(lo), float(hi)) for lo, hi in variables.values()))
        formula.evaluate(formula.reference)  # a reference the parser cannot read is a bug
        return formula
    raise ContentError(f"quiz.json, {where}: unknown kind {kind!r} "
                       "(words, choice, number, formula)")


#: Every question, read from ``content/quiz.json``, in lesson order.
QUESTIONS: list[Question] = [question_from(entry, f"question {i}")
                             for i, entry in enumerate(quiz_data(), 1)]


def questions_for(lesson: int | None) -> list[Question]:
    """The questions of one lesson (all of them for ``None``)."""
    return [q for q in QUESTIONS if lesson is None or q.lesson == lesson]


_BY_KEY = {q.key: q for q in QUESTIONS}
_BY_DIGEST = {q.digest: q for q in QUESTIONS}


def question_by_key(key: str) -> Question | None:
    return _BY_KEY.get(key)


def question_by_digest(digest: str) -> Question | None:
    """The question whose prompt hashes to ``digest`` (how an old record's key is read)."""
    return _BY_DIGEST.get(digest)


def rating_of(right: bool, misses: int = 0) -> str:
    """The rating an exactly graded answer counts as: right at once is *got it*, right
    after a miss *partly*, wrong *not yet*."""
    if not right:
        return "not yet"
    return "got it" if misses == 0 else "partly"
