"""One notation everywhere a learner reads: ``y`` is the target, ``ŷ`` the output.

The words, LaTeX and questions of every lesson, the code a learner sees (worked
examples, cells, exercises), the exercise tasks and hints and the quiz never write
the target as ``t`` and never write a neuron's or a layer's output as ``y``
(``y = sigmoid(z)``, ``y_j = ReLU(z_j)``, ``\\mathbf{y} = f(\\mathbf{z})``): the
output is ``ŷ`` (``\\hat y``) in words and math, ``y_hat`` in code.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from neuronlab.learn import EXERCISES
from neuronlab.learn.lessons import LESSONS
from neuronlab.learn.quiz import QUESTIONS
from neuronlab.learn.sources import lesson_files, parse_lesson

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<code>.*?)^```[ \t]*$", re.M | re.S)

# What computes an output: binding `y` to one of these makes `y` a prediction.
COMPUTES = re.compile(r"sigmoid|relu|tanh|softmax|max\(|forward|predict\(|explain|Neuron|"
                      r"[Ll]ayer|activation|@")

# The old ways of writing words and math (inline code, $$...$$, questions answers).
OLD_WORDS = [
    # an output written y: y = sigmoid(z), y = f(z), y = -3h + 0.5, y_j = ReLU(z_j)
    (r"(?<![\\\w^ŷ])(?<!\\hat )(?<!\\hat\{)y(?:_j|_i|ⱼ)?\s*=\s*"
     r"(?:sigmoid|relu|ReLU|f\s*\(|max|\\mathrm|σ|-?\d*\.?\d*\s*h\b)",
     "an output written `y = ...`"),
    (r"\\mathbf\{y\}\s*=\s*f", r"a layer's output written \mathbf{y} = f(...)"),
    (r"(?<![\\\w])(?<!\\hat )Y\s*=\s*f\s*\(", "a batch of outputs written Y = f(...)"),
    (r"\\partial y\b|\bd[Ll]/dy\b|\bdy/dz\b", "a derivative with respect to an output called y"),
    # a target named t
    (r"`t\s*=|\btarget `t`|[-+]\s*t\s*\)|\(\s*t\s*-|\bt_i\b|\\hat y\s*-\s*t\b",
     "a target named t"),
    (r"\(p\s*-\s*t\)|\bp_i\s*-\s*t_i\b", "a prediction p against a target t"),
]


def _shown_code(text: str) -> list[tuple[str, str]]:
    """(role, code) of every Python block a learner sees (not the hidden numbers)."""
    blocks = []
    for fence in FENCE.finditer(text):
        words = fence.group("info").split()
        if words[:1] == ["python"] and words[1:2] != ["numbers"]:
            blocks.append((" ".join(words[:3]), fence.group("code")))
    return blocks


def _words(text: str) -> str:
    """A lesson's words: everything but its Python blocks (questions blocks and the
    terminal's own wording included)."""
    return FENCE.sub(lambda m: "" if m.group("info").startswith("python") else m.group(0),
                     text)


def old_words(text: str) -> list[str]:
    found = []
    for pattern, what in OLD_WORDS:
        for match in re.finditer(pattern, text):
            line = text[:match.start()].count("\n") + 1
            around = text[max(0, match.start() - 30):match.end() + 20]
            found.append(f"line {line}: {what}: {around!r}")
    return found


def old_code(code: str) -> list[str]:
    """A target named ``t`` or an output bound to ``y`` in Python source."""
    found = []
    tree = ast.parse(code)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "t":
            found.append(f"line {node.lineno}: a variable named t")
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.target, ast.Name):
            targets, value = [node.target], node.iter  # `for y in layer(x)`
        if value is None:
            continue
        names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        if "y" in names and COMPUTES.search(ast.unparse(value)):
            found.append(f"line {getattr(node, 'lineno', '?')}: an output bound to y: "
                         f"{ast.unparse(value)}")
    for number, line in enumerate(code.splitlines(), 1):  # what the code prints
        for text in re.findall(r"\"[^\"]*\"|'[^']*'", line):
            if re.search(r"(?<![\w^])y\s*=\s*\{|\"\s*y =\"|dL/dy\b|dy/dz", text):
                found.append(f"line {number}: prints an output as y: {text}")
    return found


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.slug for lesson in LESSONS])
def test_lesson_words_and_math_write_the_target_y_and_the_output_y_hat(lesson) -> None:
    text = dict(lesson_files())[f"{lesson.number:02d}-{lesson.slug}.md"]
    assert not old_words(_words(text)), "\n".join(old_words(_words(text)))
    parsed = parse_lesson(text)
    for entry in parsed.questions:  # the questions box shows these answers
        assert not old_words(entry.answer), (entry.asked, old_words(entry.answer))


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.slug for lesson in LESSONS])
def test_lesson_code_names_the_output_y_hat_and_never_the_target_t(lesson) -> None:
    text = dict(lesson_files())[f"{lesson.number:02d}-{lesson.slug}.md"]
    blocks = _shown_code(text)
    assert blocks
    for role, code in blocks:
        assert not old_code(code), (lesson.number, role, old_code(code))


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercises_and_their_hints_use_the_same_notation(name) -> None:
    exercise = EXERCISES[name]
    assert not old_code(exercise.source), (name, old_code(exercise.source))
    shown = " ".join([exercise.task, *exercise.hints, *(label for label, _ in exercise.mistakes)])
    assert not old_words(shown), (name, old_words(shown))


def test_quiz_uses_the_same_notation() -> None:
    for question in QUESTIONS:
        shown = " ".join(str(value) for value in vars(question).values()
                         if isinstance(value, (str, tuple, list)))
        assert not old_words(shown), (question.prompt, old_words(shown))


def test_the_checks_catch_the_old_notation() -> None:
    # the very lines the lessons used to have
    assert old_words("the output, `y = sigmoid(z)`, and the loss `L = (y - t)²`")
    assert old_words(r"$$z_j = W x + b_j, \qquad y_j = \mathrm{ReLU}(z_j)$$")
    assert old_words(r"$$\mathbf{z} = W\mathbf{x} + \mathbf{b}, \qquad "
                     r"\mathbf{y} = f(\mathbf{z})$$")
    assert old_words("the output Y = f(X @ W.T + b)")
    assert old_words("computes `y = -3h + 0.5`") and old_words("bias `0` and target `t = 1`")
    assert old_words(r"\frac{\partial L}{\partial y} = 2\,(y - t)")
    assert old_code("y = max(0.0, z)") and old_code("L = (y_hat - t) ** 2")
    assert old_code("print([round(y, 3) for y in layer(x)])")
    assert old_code('print(f"forward: y = {y:.4f}")')
    # and leave the new one alone
    assert not old_words(r"`ŷ = sigmoid(z)`, `L = (ŷ - y)²`, target `y = 1`, \hat y_j = "
                         r"\mathrm{ReLU}(z_j), \hat{\mathbf{y} } = f(\mathbf{z}), "
                         "`dL/dŷ = 2 (ŷ - y)`, the curve `y = x³ + 2x + 1`")
    assert not old_code("X, y = datasets.xor()\ny_hat = sigmoid(z)\nL = (y_hat - y) ** 2\n"
                        "errors = [y - y_hat for y, y_hat in zip(ys, predictions)]")
