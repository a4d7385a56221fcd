"""Retrieval questions, asked in the terminal and checked leniently.

Three kinds of question:

* :class:`Words` - answered in your own words. The answer must mention each idea
  (a group of synonyms); case, punctuation and extra words do not matter, and the
  order matters only where the question asks for one. ``multiply, sum, activate``
  and ``weights times inputs, add them up, apply the activation`` are both right.
* :class:`Choice` - pick an option by number (``2``), letter (``b``) or its text.
* :class:`Number` - a number computed by the library when asked; ``0.5``, ``.5``,
  ``1/2`` and ``half`` are the same answer.

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

import numpy as np

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
MULTIPLY: Concept = ("multiply", ("multipl*", "times", "product*", "weigh*", "scal*"))
SUM: Concept = ("sum", ("sum*", "add*", "total*", "plus", "accumulat*", "combin*"))
ACTIVATE: Concept = ("activate", ("activat*", "squash*", "nonlinear*", "non linear*", "relu",
                                  "sigmoid", "fire*", "f", "threshold*"))


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


QUESTIONS: list[Question] = [
    # 1 the neuron
    Words(1, "What three operations does a neuron perform, in order?",
          "Multiply each input by its weight, sum the products and the bias, then pass the "
          "sum through the activation: y = f(w·x + b).",
          concepts=(MULTIPLY, SUM, ACTIVATE), ordered=True),
    Choice(1, "A ReLU neuron's weighted sum z is negative. What does it output?",
           "ReLU outputs max(0, z): any negative sum becomes zero - the neuron does not fire.",
           options=("z itself", "zero", "one", "its bias"), answer=2),
    Words(1, "Which two kinds of numbers does a neuron learn?",
          "Its weights (one per input) and its bias; the arithmetic never changes.",
          concepts=(("weights", ("weight*",)), ("bias", ("bias*", "offset*", "intercept*")))),
    # 2 activations
    Number(2, "What is sigmoid(0)?",
           "e^0 is one, so sigmoid(0) = 1 / (1 + 1): one half, the middle of its range.",
           value=_sigmoid_at_zero),
    Choice(2, "Why does a network need a non-linear activation?",
           "Without one, every layer is a linear function, and linear functions of linear "
           "functions are linear: a deep network would be no better than one layer.",
           options=("it makes training faster",
                    "without it, stacked layers collapse into one linear function",
                    "it keeps every number positive", "it saves memory"), answer=2),
    Words(2, "Name two activations whose output stays in a fixed range, whatever z is.",
          "Sigmoid stays in (0, 1), tanh in (-1, 1) and step gives 0 or 1; ReLU and linear "
          "grow without limit.",
          concepts=(("sigmoid", ("sigmoid*", "logistic")), ("tanh", ("tanh", "hyperbolic")),
                    ("step", ("step", "heaviside", "threshold*"))), need=2),
    # 3 a layer
    Choice(3, "In a layer's weight matrix W, what does one row hold?",
           "One row per neuron: the weights that neuron gives to each of the inputs.",
           options=("one input's weight in every neuron", "one neuron's weights, one per input",
                    "the biases", "one sample of data"), answer=2),
    Number(3, "How many weights, not counting biases, does a layer of 3 neurons reading 4 "
              "inputs have?",
           "One weight per neuron per input: a 3 × 4 matrix, plus 3 biases.",
           value=_layer_weight_count),
    Choice(3, "Do the neurons of one layer read the same inputs?",
           "Yes: every neuron sees the whole input; only their weights differ.",
           options=("yes, all of them read the same inputs",
                    "no, each neuron reads its own input"), answer=1),
    # 4 a batch
    Choice(4, "Which formula sends a whole batch X (one sample per row) through a layer?",
           "X @ W.T pairs every sample (a row of X) with every neuron (a row of W); adding b "
           "and applying f gives one output row per sample.",
           options=("Y = f(W @ X + b)", "Y = f(X @ W.T + b)", "Y = f(X + W + b)",
                    "Y = X @ f(W) + b"), answer=2),
    Number(4, "X has shape (32, 4) and W has shape (3, 4). How many columns has X @ W.T?",
           "(32, 4) @ (4, 3) gives (32, 3): one row per sample, one column per neuron.",
           value=_batch_columns),
    Choice(4, "What does one row of the output Y = f(X @ W.T + b) hold?",
           "Row i is sample i seen by every neuron of the layer.",
           options=("every neuron's output for one sample",
                    "one neuron's output for every sample"), answer=1),
    # 5 gates and the boundary
    Choice(5, "With weights [1, 1] and the step activation, which bias makes the neuron an "
              "AND gate?",
           "The sum x1 + x2 is 0, 1 or 2; AND must fire only at 2, so the bias must push 1 "
           "below zero but leave 2 above it.",
           options=_gate_biases, answer=2),
    Words(5, "What shape is the decision boundary of one neuron with two inputs?",
          "A straight line, w1·x1 + w2·x2 + b = 0: the neuron says yes on one side of it.",
          concepts=(("a straight line", ("line*", "straight", "linear*", "plane",
                                         "hyperplane")),)),
    Choice(5, "Where does a step neuron's output switch from 0 to 1?",
           "Where w·x + b crosses zero - that is the decision boundary.",
           options=("where w·x + b crosses zero", "where an input reaches one",
                    "where the weights are equal"), answer=1),
    # 6 XOR
    Words(6, "Why can no single neuron compute XOR?",
          "XOR is not linearly separable: no straight line puts both yes-points on one side "
          "and both no-points on the other, and one neuron can only draw a line.",
          concepts=(("not linearly separable", ("line*", "linear*", "straight", "separab*",
                                                "separat*")),)),
    Choice(6, "In the hand-wired XOR network, what do the two hidden neurons compute?",
           "A = OR and B = AND; the output computes 'A and not B'.",
           options=("AND and OR", "OR and NOT", "XOR and AND", "NOT and NOT"), answer=1),
    Number(6, "At best, how many of XOR's four cases does one trained neuron get right?",
           "One line can put at most three of the four points on their correct sides.",
           value=_xor_best, tolerance=0.0),
    # 7 loss
    Words(7, "How do you compute the mean squared error of some predictions?",
          "Take each error (prediction minus target), square it, and average the squares.",
          concepts=(("error", ("error*", "differen*", "subtract*", "minus", "diff")),
                    ("square", ("squar*",)),
                    ("mean", ("mean", "average*", "divid*")))),
    Choice(7, "Why square the errors instead of just adding them up?",
           "Errors of opposite sign would cancel out; squaring also makes big misses count "
           "much more than small ones.",
           options=("so positive and negative errors cannot cancel, and big misses count more",
                    "to make the loss smaller", "because networks output squares"), answer=1),
    Number(7, "Predictions [1, 3], targets [0, 1]: what is their mean squared error?",
           "The errors are 1 and 2, their squares 1 and 4, and the mean of those is the answer.",
           value=_mse_example),
    # 8 chain rule
    Words(8, "Which rule turns the slopes of a chain of computations into one gradient?",
          "The chain rule: the slope of the whole chain is the product of the slopes of its "
          "links.",
          concepts=(("the chain rule", ("chain*",)),)),
    Choice(8, "For a sigmoid output y = sigmoid(z), what is dy/dz?",
           "The sigmoid's slope is y (1 - y): largest at z = 0, tiny far from it.",
           options=("y (1 - y)", "1 - y", "y squared", "e^-z"), answer=1),
    Words(8, "How can you check a gradient without any calculus?",
          "With a finite difference: nudge the number up and down by a tiny h and divide the "
          "change in the loss by 2h.",
          concepts=(("a finite difference", ("finite", "nudg*", "numeric*", "perturb*", "small",
                                             "tiny", "wiggl*", "differenc*", "gradcheck*")),)),
    # 9 backprop through a layer
    Choice(9, "For Z = X @ W.T + b and G = dL/dZ, what is dL/dW?",
           "G.T @ X: every weight collects input times gradient, summed over the batch.",
           options=("G.T @ X", "X @ G", "G @ W", "G.sum(axis=0)"), answer=1),
    Choice(9, "Which gradient does a layer hand back to the layer before it?",
           "dL/dX, the gradient with respect to its input, which is the previous layer's "
           "output.",
           options=("dL/dW", "dL/db", "dL/dX"), answer=3),
    Choice(9, "In which order does backpropagation visit the layers?",
           "Last layer first: each layer needs the gradient of the layer after it.",
           options=("from the last layer to the first", "from the first layer to the last",
                    "all at once, in any order"), answer=1),
    # 10 the training loop
    Words(10, "Name the four steps of one training iteration, in order.",
          "Forward (predict), loss (how wrong), backward (gradients), update (a step "
          "against each gradient); then repeat.",
          concepts=(("forward", ("forward*", "predict*")),
                    ("loss", ("loss*", "error*", "cost*")),
                    ("backward", ("backward*", "backprop*", "gradient*", "chain*")),
                    ("update", ("updat*", "step*", "adjust*", "descen*", "optimi*", "move*"))),
          ordered=True),
    Choice(10, "What happens when the learning rate is far too large?",
           "Each step overshoots, so the loss jumps about or grows until it overflows.",
           options=("learning crawls", "the loss jumps about or grows", "nothing changes"),
           answer=2),
    Number(10, "The puzzle neuron starts at w = 0.1, b = 0.6 with learning rate 0.0001. What "
               "is w after the first step (5 decimals)?",
           "dW = -Σ x·e over the four pairs, and w - learning_rate · dW gives the new weight.",
           value=_puzzle_first_w, tolerance=1e-5),
    # 11 the framework view
    Choice(11, "In the Keras-style API, which call runs the training loop?",
           "fit runs forward, loss, backward and update for every epoch.",
           options=("compile", "fit", "predict", "evaluate"), answer=2),
    Choice(11, "What does compile choose?",
           "compile picks how to learn: the optimizer and the loss (and metrics to report).",
           options=("the layers", "the optimizer and the loss", "the training data"), answer=2),
    Choice(11, "Given the same weights, does the framework compute different numbers from "
               "the network written by hand?",
           "No: it runs the same forward pass, so the numbers are the same.",
           options=("yes", "no"), answer=2),
    # 12 softmax
    Number(12, "The softmax outputs of one sample always add up to what?",
           "Each output is e^z_i divided by the sum of all of them, so together they make "
           "exactly one whole.",
           value=_softmax_total),
    Choice(12, "Why subtract max(z) from every score before exponentiating in softmax?",
           "e^(z - c) / Σ e^(z - c) equals e^z / Σ e^z for any c; with c = max(z), e only "
           "sees numbers at or below zero and cannot overflow.",
           options=("so exp cannot overflow; the result is unchanged",
                    "to make the outputs add up to one", "to speed up training"), answer=1),
    Words(12, "Which loss goes with a softmax output for many classes?",
          "Categorical cross-entropy: -log of the probability given to the true class.",
          concepts=(("categorical cross-entropy", ("cross*", "entrop*", "cce", "log*")),)),
]


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
