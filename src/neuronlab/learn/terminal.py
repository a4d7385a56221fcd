"""A lesson as the terminal reads it: math in Unicode, numbered code cells, no mouse.

:func:`latex_to_text` turns the lessons' LaTeX into plain Unicode text::

    \\frac{\\partial L}{\\partial \\hat y_i}  ->  ∂L/∂ŷᵢ

:func:`pieces` cuts a lesson file into what the terminal shows, in order: words
(Markdown, numbers filled in, math converted), numbered code cells (the worked example,
the cells, the exercises), the widgets' terminal equivalents and the recall prompts.
It leaves out what only a page can use, as the lesson file marks it:

* ``<!-- web -->`` ... ``<!-- /web -->``: a passage for the page only (a widget to drag);
* ``<!-- terminal: words -->``: words for the terminal only (the page never shows an
  HTML comment);
* ``questions`` blocks, ``python numbers`` blocks and any block kind it does not know.

>>> latex_to_text(r"z = w_1 x_1 + \\dots + w_n x_n + b, \\qquad \\hat y = f(z)")
'z = w₁ x₁ + … + wₙ xₙ + b,    ŷ = f(z)'
>>> latex_to_text(r"\\sigma(z) = \\frac{1}{1 + e^{-z}}")
'σ(z) = 1/(1 + e⁻ᶻ)'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .lessons import Lesson

# --------------------------------------------------------------------------- LaTeX
SUPERSCRIPT = dict(zip(
    "0123456789+-−=()niabcdefghjklmoprstuvwxyzTNABDEGHIJKLMOPRUW⊤",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵀᴺᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴼᴾᴿᵁᵂᵀ", strict=True))
SUBSCRIPT = dict(zip("0123456789+-−=()aehijklmnoprstuvx",
                     "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True))
SYMBOLS = {
    "partial": "∂", "sum": "Σ", "prod": "Π", "cdot": "·", "times": "×", "odot": "⊙",
    "leftarrow": "←", "gets": "←", "rightarrow": "→", "to": "→", "Rightarrow": "⇒",
    "qquad": "    ", "quad": "  ", ",": "", ";": " ", ":": " ", "!": "", " ": " ",
    "dots": "…", "ldots": "…", "cdots": "⋯", "sigma": "σ", "eta": "η", "alpha": "α",
    "beta": "β", "gamma": "γ", "delta": "δ", "Delta": "Δ", "epsilon": "ε",
    "varepsilon": "ε", "theta": "θ", "lambda": "λ", "mu": "μ", "pi": "π", "tau": "τ",
    "phi": "φ", "nabla": "∇", "ell": "ℓ", "top": "⊤", "le": "≤", "leq": "≤", "ge": "≥",
    "geq": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "infty": "∞", "in": "∈", "pm": "±",
    "mid": "|", "lvert": "|", "rvert": "|", "{": "{", "}": "}", "_": "_", "%": "%",
    "exp": "exp", "log": "log", "ln": "ln", "max": "max", "min": "min", "tanh": "tanh",
    "left": "", "right": "", "big": "", "Big": "", "displaystyle": "", "limits": "",
}
STYLES = {"mathbf", "mathrm", "text", "textrm", "textbf", "mathit", "operatorname",
          "boldsymbol", "mathsf", "mathtt", "bm"}
ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0304",
           "tilde": "\u0303", "vec": "\u20d7", "dot": "\u0307"}
PRECOMPOSED = {"y\u0302": "ŷ", "x\u0302": "x̂", "a\u0302": "â", "e\u0302": "ê",
               "o\u0302": "ô", "u\u0302": "û", "i\u0302": "î", "z\u0302": "ẑ",
               "Y\u0302": "Ŷ"}


class _Tex:
    """A small reader of math-mode LaTeX: groups, commands, ``^`` and ``_``."""

    def __init__(self, tex: str) -> None:
        self.s, self.i = tex, 0

    def sequence(self, closing: str = "") -> str:
        out: list[str] = []
        while self.i < len(self.s):
            c = self.s[self.i]
            if closing and c == closing:
                self.i += 1
                return "".join(out)
            if c in "^_":
                self.i += 1
                arg = self.argument()
                out.append(_script(arg, SUPERSCRIPT if c == "^" else SUBSCRIPT, c))
            elif c.isspace():
                self.i += 1
                if out and not out[-1].endswith(" "):
                    out.append(" ")
            else:
                out.append(self.atom())
        return "".join(out)

    def atom(self) -> str:
        c = self.s[self.i]
        if c == "{":
            self.i += 1
            return self.sequence("}")
        if c == "\\":
            return self.command()
        self.i += 1
        return {"-": "−", "~": " ", "}": ""}.get(c, c)

    def argument(self) -> str:
        while self.i < len(self.s) and self.s[self.i].isspace():
            self.i += 1
        if self.i >= len(self.s):
            return ""
        return self.atom()

    def command(self) -> str:
        self.i += 1  # the backslash
        match = re.match(r"[A-Za-z]+", self.s[self.i:])
        if match:
            name = match.group(0)
            self.i += len(name)
            while self.i < len(self.s) and self.s[self.i] == " ":
                self.i += 1  # LaTeX swallows the spaces after a command word
        else:
            name = self.s[self.i:self.i + 1]
            self.i += 1
        if name in ("frac", "dfrac", "tfrac"):
            return _fraction(self.argument().strip(), self.argument().strip())
        if name == "sqrt":
            inside = self.argument().strip()
            return "√" + (inside if len(inside) == 1 else f"({inside})")
        if name in ACCENTS:
            inside = self.argument().strip()
            marked = inside + ACCENTS[name] if len(inside) == 1 else f"{inside}{ACCENTS[name]}"
            return PRECOMPOSED.get(marked, marked)
        if name in STYLES:
            return self.argument()
        if name in ("left", "right", "big", "Big", "bigl", "bigr"):
            return ""
        return SYMBOLS.get(name, name)  # an unknown command reads as its name


def _top_level(text: str, characters: str) -> bool:
    """Whether ``text`` has one of ``characters`` outside parentheses."""
    depth = 0
    for c in text:
        depth += c in "([{"
        depth -= c in ")]}"
        if depth == 0 and c in characters:
            return True
    return False


def _fraction(top: str, bottom: str) -> str:
    if _top_level(top, " +−=,<>"):
        top = f"({top})"
    if _top_level(bottom, " +−=,<>·×/"):
        bottom = f"({bottom})"
    return f"\x00{top}/{bottom}\x01"  # marked: brackets if something sticks to it


def _fractions(text: str) -> str:
    """Unmark fractions; one that touches a neighbour (``1/N Σ``) gets brackets."""
    def unmark(match: re.Match[str]) -> str:
        before, after = text[:match.start()], text[match.end():]
        touches = (after[:1] not in ("", " ", ")", ",", ".", ";", "=", "+", "−", "·", "×")
                   or before[-1:] not in ("", " ", "(", "=", "+", "−", "·", "×", ","))
        return f"({match.group(1)})" + (" " if after[:1] not in ("", " ") else "") \
            if touches else match.group(1)

    while "\x00" in text:
        text = re.sub("\x00([^\x00\x01]*)\x01", unmark, text, count=1)
    return text


def _script(text: str, table: dict[str, str], mark: str) -> str:
    text = text.strip()
    if text and all(c in table for c in text):
        return "".join(table[c] for c in text)
    if text == "⊤" and mark == "^":
        return "ᵀ"
    return f"{mark}{text}" if len(text) == 1 else f"{mark}({text})"


def latex_to_text(tex: str) -> str:
    """One LaTeX formula (math mode, without the ``$``) as readable Unicode text.

    >>> latex_to_text(r"\\frac{\\partial L}{\\partial w} = 2\\,(\\hat y - y)\\cdot x")
    '∂L/∂w = 2(ŷ − y) · x'
    >>> latex_to_text(r"p_i = e^{z_i} / \\sum_j e^{z_j}")
    'pᵢ = e^(zᵢ) / Σⱼ e^(zⱼ)'
    >>> latex_to_text(r"Y = f(X W^\\top + \\mathbf{b})")
    'Y = f(X Wᵀ + b)'
    """
    text = _fractions(_Tex(tex).sequence())
    text = re.sub(r"\s*([·×⊙←→=+−<>≤≥≈])\s*", r" \1 ", text)  # one space round operators
    text = re.sub(r"(^|[(\[,=]) ([+−]) ", r"\1\2", text)  # but a leading sign stays close
    text = re.sub(r"(?<=[(\[]) ", "", text)
    text = re.sub(r" (?=[)\]])", "", text)
    text = re.sub(r" {4,}", "    ", text)  # \qquad's four spaces
    text = re.sub(r"(?<![ ]) {2,3}(?! )", " ", text)  # double spaces, not \qquad's four
    return text.strip()


DISPLAY_MATH = re.compile(r"\$\$(?P<tex>.+?)\$\$", re.S)
INLINE_MATH = re.compile(r"(?<![\\$\w])\$(?!\s)(?P<tex>[^$\n]+?)(?<!\s)\$(?![\w$])")
INLINE_CODE = re.compile(r"`[^`\n]*`")


def math_to_text(markdown: str) -> str:
    """Markdown with every ``$$...$$`` and ``$...$`` (outside inline code) as Unicode."""
    out, at = [], 0
    for code in INLINE_CODE.finditer(markdown):
        out += [_math(markdown[at:code.start()]), code.group(0)]
        at = code.end()
    out.append(_math(markdown[at:]))
    return "".join(out)


def _math(text: str) -> str:
    text = DISPLAY_MATH.sub(lambda m: latex_to_text(m.group("tex")), text)
    return INLINE_MATH.sub(lambda m: latex_to_text(m.group("tex")), text)


# --------------------------------------------------------------------------- pieces
FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<code>.*?)^```[ \t]*$", re.M | re.S)
MARKER = re.compile(r"^<!--\s*(?P<kind>widget|recall|terminal)\b(?P<rest>.*?)-->[ \t]*$",
                    re.M | re.S)
WEB_ONLY = re.compile(r"^<!--\s*web\s*-->[ \t]*\n.*?^<!--\s*/web\s*-->[ \t]*$", re.M | re.S)
COMMENT = re.compile(r"<!--.*?-->", re.S)


@dataclass(frozen=True)
class Piece:
    """One thing the terminal shows: ``kind`` is ``words`` (Markdown), ``math`` (a
    display formula), ``cell`` (code: ``role`` example / cell / exercise, ``number``
    from 1, ``name`` of the exercise), ``widget`` (``name`` its kind, ``settings``),
    ``diagram`` (``text``: an arrow line) or ``recall``."""

    kind: str
    text: str = ""
    role: str = ""
    number: int = 0
    name: str = ""
    settings: dict[str, Any] | None = None


def pieces(lesson: Lesson, unicode: bool = True) -> list[Piece]:
    """The lesson, in order, as the terminal shows it (see the module docstring). With
    ``unicode=False`` the math stays LaTeX and links stay as written (for a notebook,
    which renders both)."""
    return _filled(lesson, _pieces(lesson), unicode)


def _pieces(lesson: Lesson) -> list[Piece]:
    """The pieces before any number is filled in (the lesson's code has not run)."""
    markdown = WEB_ONLY.sub("", lesson.markdown)
    found: list[tuple[int, int, Piece]] = []
    cell = 0
    for fence in FENCE.finditer(markdown):
        words = fence.group("info").split()
        piece: Piece | None = None
        if words[:1] == ["python"] and (words[1:2] or ["cell"])[0] in ("example", "cell",
                                                                        "exercise"):
            cell += 1
            role = words[1] if len(words) > 1 else "cell"
            piece = Piece("cell", fence.group("code"), role, cell,
                          words[2] if len(words) > 2 else "")
        elif words[:2] == ["diagram", "cycle"]:
            steps = [line.split(":")[0].strip() for line in fence.group("code").splitlines()
                     if line.strip()]
            piece = Piece("diagram", " → ".join([*steps, "repeat"]))
        found.append((fence.start(), fence.end(), piece or Piece("skip")))
    for marker in MARKER.finditer(markdown):
        if any(start <= marker.start() < end for start, end, _ in found):
            continue  # a marker shown as code inside a code block
        kind, rest = marker.group("kind"), marker.group("rest").strip()
        if kind == "terminal":
            piece = Piece("words", rest.lstrip(":").strip())
        elif kind == "recall":
            piece = Piece("recall")
        else:
            name, _, settings = rest.lstrip(":").strip().partition(" ")
            piece = Piece("widget", name=name,
                          settings=json.loads(settings) if settings.strip() else {})
        found.append((marker.start(), marker.end(), piece))
    found.sort(key=lambda item: item[0])
    result: list[Piece] = []
    at = 0
    for start, end, piece in found:
        result += _words(markdown[at:start])
        if piece.kind != "skip":
            result.append(piece)
        at = end
    result += _words(markdown[at:])
    return result


def _words(markdown: str) -> list[Piece]:
    """Words between the code blocks and markers; a display formula is its own piece."""
    text = COMMENT.sub("", markdown)
    out: list[Piece] = []
    at = 0
    for math in re.finditer(r"^[ \t]*\$\$(?P<tex>.+?)\$\$[ \t]*$", text, re.M | re.S):
        out.append(Piece("words", text[at:math.start()]))
        out.append(Piece("math", math.group("tex")))
        at = math.end()
    out.append(Piece("words", text[at:]))
    return [p for p in out if p.text.strip()]


def _filled(lesson: Lesson, found: list[Piece], unicode: bool = True) -> list[Piece]:
    """Numbers filled in by the library, math turned into Unicode (if ``unicode``)."""
    from .lessons import lesson_namespace
    from .sources import fill_numbers

    namespace: dict[str, Any] | None = None
    out = []
    for piece in found:
        if piece.kind in ("words", "math") and "{{" in piece.text:
            if namespace is None:
                namespace = lesson_namespace(lesson)
            piece = Piece(piece.kind, fill_numbers(piece.text, namespace,
                                                   f"lesson {lesson.number}"))
        if not unicode:
            pass
        elif piece.kind == "words":
            piece = Piece("words", _lab_links(math_to_text(piece.text)).strip())
        elif piece.kind == "math":
            piece = Piece("math", latex_to_text(piece.text))
        out.append(piece)
    return out


LAB_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<path>/[^)\s]*)\)")


def _lab_links(markdown: str) -> str:
    """Links to the lab's own pages, which a terminal cannot open: a lesson's as
    ``neuronlab learn lesson N``, the playground's named as such (``neuronlab lab``)."""
    from .lessons import LESSONS

    slugs = {f"/lessons/{lesson.slug}": lesson.number for lesson in LESSONS}

    def command(match: re.Match[str]) -> str:
        path, text = match.group("path").split("#")[0], match.group("text")
        if path in slugs:
            if re.fullmatch(r"lessons? \d+", text.strip().lower()):
                return text  # "lesson 3" says it: `neuronlab learn lesson 3`
            return f"{text} (`neuronlab learn lesson {slugs[path]}`)"
        return f"{text} (lab playground)"

    return LAB_LINK.sub(command, markdown)


def cells(lesson: Lesson) -> list[Piece]:
    """The lesson's numbered code cells, in order (the worked example, cells, exercises)."""
    return [p for p in _pieces(lesson) if p.kind == "cell"]


# --------------------------------------------------------------------------- widgets
def _numbers(values: Any) -> str:
    return ",".join(f"{float(v):g}" for v in values)


def widget_text(kind: str, settings: dict[str, Any]) -> tuple[list[str], list[str]]:
    """What a lesson's widget starts from, computed by the library, and the commands
    that change it in a terminal: ``(lines, commands)``."""
    from .. import activations
    from ..neuron import Neuron

    if kind == "neuron":
        inputs = settings.get("inputs", [0.5, -0.3, 0.7])
        weights = settings.get("weights", [0.5, -0.3, 0.8])
        bias, activation = settings.get("bias", 0.1), settings.get("activation", "relu")
        shown = Neuron(weights, bias=bias, activation=activation).explain(inputs)
        return str(shown).splitlines(), [
            f"neuronlab neuron --inputs {_numbers(inputs)} --weights {_numbers(weights)} "
            f"--bias {float(bias):g} --activation {activation}"]
    if kind == "layer":
        inputs, activation = settings["inputs"], settings.get("activation", "relu")
        lines, commands = [], []
        for j, (row, b) in enumerate(zip(settings["weights"], settings["biases"]), 1):
            shown = Neuron(row, bias=b, activation=activation).explain(inputs)
            first, *rest = str(shown).splitlines()
            lines += [f"N{j}: {first}"] + [f"    {line}" for line in rest]
            commands.append(f"neuronlab neuron --inputs {_numbers(inputs)} --weights "
                            f"{_numbers(row)} --bias {float(b):g} --activation {activation}")
        return lines, commands
    if kind == "activation":
        import numpy as np

        z0 = float(settings.get("z", 0.0))
        names = settings.get("choices") or [settings.get("activation", "sigmoid")]
        points = sorted({-3.0, -1.0, 0.0, 1.0, 3.0, z0})
        lines = ["z:         " + "  ".join(f"{z:>6g}" for z in points)]
        for name in names:
            act = activations.get(name)
            values = act.forward(np.array(points, dtype=float))
            lines.append(f"{name + ':':<11}" + "  ".join(f"{v:>6.3f}" for v in values))
        return lines, [f'python -c "from neuronlab import activations; '
                       f'print(activations.get(\'{names[0]}\')([{z0:g}]))"',
                       "neuronlab plot activations --out plots"]
    if kind == "gate":
        weights, bias = settings.get("weights", [1.0, 1.0]), settings.get("bias", -1.5)
        lines = [f"weights {_numbers(weights)}, bias {float(bias):g}, step activation:"]
        for corner in ([0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]):
            shown = Neuron(weights, bias=bias, activation="step").explain(corner)
            lines.append(f"  ({corner[0]:g}, {corner[1]:g}): z = {shown.z:g}, "
                         f"output {shown.y:g}")
        return lines, [f"neuronlab neuron --inputs 1,1 --weights {_numbers(weights)} "
                       f"--bias {float(bias):g} --activation step"]
    if kind == "softmax":
        import numpy as np

        scores = np.array(settings.get("scores", [2.0, 1.0, 0.1]), dtype=float)
        probabilities = activations.Softmax().forward(scores.reshape(1, -1))[0]
        lines = [f"class {k}: score {s:g} -> probability {p:.3f}"
                 for k, (s, p) in enumerate(zip(scores, probabilities))]
        return lines, [f'python -c "import numpy as np; from neuronlab.activations import '
                       f'Softmax; print(Softmax()(np.array([[{_numbers(scores)}]])).round(3))"']
    if kind in ("training", "playground"):
        data = settings.get("data") or settings.get("dataset", "xor")
        data = "xor" if str(data).startswith("xor") else str(data)
        layers = settings.get("layers") or [[n, settings.get("activation", "sigmoid")]
                                            for n in settings.get("hidden", [4])]
        hidden = [layer for layer in layers[:-1]] if kind == "training" else layers
        rate = settings.get("learning_rate", 0.01)
        command = (f"neuronlab train {data} --layers {','.join(str(h[0]) for h in hidden)} "
                   f"--activation {hidden[0][1]} --optimizer {settings.get('optimizer', 'sgd')}"
                   f" --learning-rate {float(rate):g} --epochs {settings.get('epochs', 3000)} "
                   f"--loss {settings.get('loss', 'mse')} --seed {settings.get('seed', 0)}"
                   + (" --no-split" if data == "xor" else ""))
        return [], [command]
    if kind == "mse":
        import numpy as np

        from .. import losses

        targets = [float(t) for t in settings.get("targets", [0, 1, 1, 0])]
        guesses = [0.5] * len(targets)
        loss = losses.get("mse").value(np.array([guesses]), np.array([targets]))
        return ([f"targets y: {_numbers(targets)}", f"predictions ŷ: {_numbers(guesses)}",
                 f"MSE = {loss:.4f}"],
                [f'python -c "import numpy as np; from neuronlab import losses; '
                 f"print(losses.get('mse').value(np.array([{_numbers(guesses)}]), "
                 f'np.array([{_numbers(targets)}])))"'])
    if kind == "puzzle":
        from .. import stories

        w, b = float(settings.get("w", 0.1)), float(settings.get("b", 0.6))
        rate, steps = float(settings.get("learning_rate", 0.0001)), int(settings.get("steps", 50))
        run = stories.train_puzzle(steps=steps, weight=w, bias=b, learning_rate=rate)
        start = run.start
        lines = [] if start is None else [
            f"start: w = {start.weight:.4f}, b = {start.bias:.4f}, answer for 55: "
            f"{start.prediction:.2f}"]
        for state in (run.steps[0], run.steps[-1]):
            lines.append(f"after step {state.step + 1}: w = {state.weight:.4f}, "
                         f"b = {state.bias:.4f}, answer for 55: {state.prediction:.2f}")
        return lines, [f'python -c "from neuronlab import stories; '
                       f"run = stories.train_puzzle(steps={steps}, weight={w:g}, bias={b:g}, "
                       f"learning_rate={rate:g}); "
                       f'print([round(s.weight, 4) for s in run.steps[:5]])"']
    if kind == "kernel":
        from ..lab.course.seeing import kernel_view

        view = kernel_view({key: settings[key] for key in ("digit", "kernel", "bias", "at")
                             if key in settings})
        rows, cols = view["shape"]
        return ([f"held-out digit #{view['digit']} (a {view['label']}), the window at row "
                 f"{view['at'][0]}, column {view['at'][1]}:", "  " + view["line"],
                 f"feature map: {rows} x {cols}"],
                ["neuronlab learn run 13 2   (the cell after the worked example: the same window "
                 "with Conv2D)"])
    if kind == "backprop-stepper" and settings.get("network", "one-neuron") == "one-neuron":
        return _one_neuron_step(settings)
    return [], []


def _one_neuron_step(settings: dict[str, Any]) -> tuple[list[str], list[str]]:
    """One training step of one sigmoid neuron with the mean squared error, each number
    from the library's own layer and loss (what the stepper shows, stage by stage)."""
    import numpy as np

    from .. import losses
    from ..layers import Dense

    x = np.array([settings.get("inputs", [1.0, 2.0])], dtype=float)
    w = np.array([settings.get("weights", [0.5, -0.5])], dtype=float)
    b, target = float(settings.get("bias", 0.0)), float(settings.get("target", 1.0))
    rate = float(settings.get("learning_rate", 0.5))
    layer = Dense(1, activation="sigmoid", input_shape=(x.shape[1],))
    layer.build(x.shape[1], np.random.default_rng(0), np.float64)
    layer.set_neuron_weights([w, [b]])
    y_hat = layer.forward(x)
    y = np.array([[target]])
    mse = losses.get("mse")
    grad_y = mse.gradient(y_hat, y)
    layer.backward(grad_y)
    z = float((x @ w.T)[0, 0] + b)
    names = [f"w{k + 1}" for k in range(w.shape[1])]
    lines = [
        f"forward:  z = {z:.4f}, ŷ = sigmoid(z) = {y_hat[0, 0]:.4f}, target y = {target:g}, "
        f"L = (ŷ − y)² = {mse.value(y_hat, y):.4f}",
        f"backward: dL/dŷ = {grad_y[0, 0]:.4f}, dL/dz = {layer.grad_b[0]:.4f} (one sample: "
        "dL/dz is dL/db), "
        + ", ".join(f"dL/d{n} = {g:.4f}" for n, g in zip(names, layer.grad_W[0]))
        + f", dL/db = {layer.grad_b[0]:.4f}",
        f"update (η = {rate:g}): "
        + ", ".join(f"{n} = {v:.4f}" for n, v in zip(names, w[0] - rate * layer.grad_W[0]))
        + f", b = {b - rate * layer.grad_b[0]:.4f}",
    ]
    return lines, []


def shell_lines(command: str, width: int) -> list[str]:
    r"""A shell command cut between words into lines of at most ``width`` characters,
    each but the last ending in `` \\`` (the shell joins them again).

    >>> shell_lines("neuronlab neuron --inputs 1,2 --weights 3,4", 32)
    ['neuronlab neuron --inputs 1,2 \\', '  --weights 3,4']
    """
    lines, line = [], ""
    for word in command.split(" "):
        if line and len(line) + 1 + len(word) + 2 > width:
            lines.append(line + " \\")
            line = "  " + word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line]


WIDGET_NAMES = {"neuron": "the neuron", "activation": "the activation explorer",
                "layer": "the layer", "batch": "the batch table", "gate": "the gate",
                "xor": "the XOR board", "training": "the training run", "mse": "the loss bars",
                "backprop-stepper": "the backprop stepper", "puzzle": "the puzzle",
                "softmax": "the softmax bars", "playground": "the playground",
                "kernel": "the sliding kernel", "confusion": "the confusion table",
                "convnet": "the conv net's training", "draw": "the drawing pad"}
