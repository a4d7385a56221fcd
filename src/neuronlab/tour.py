"""``neuronlab tour``: from one neuron to a trained network, in the terminal.

Every number printed here is computed live by the library, by the same code the
tests check against the worked examples. Lines are wrapped between terms, never
inside a number, a vector ``[...]`` or a product ``(x × w)``, whatever the width of
the terminal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from . import datasets, gradcheck, stories
from .layers import Dense
from .model import Sequential
from .neuron import DISPLAY_NAMES, Neuron, sigmoid
from .neuron import Layer as PyLayer
from .optimizers import SGD

LAYER_WEIGHTS = [[0.20, 0.80, -0.50, 1.00], [0.50, -0.91, 0.26, -0.50],
                 [-0.26, -0.27, 0.17, 0.87]]
LAYER_BIASES = [2.00, 3.00, 0.50]
BATCH = [[1.00, 2.00, 3.00, 2.50], [-0.80, 0.40, 0.10, 1.20], [0.20, 0.90, -0.50, 0.30]]

NEURON_EXAMPLES: list[tuple[str, list[float], list[float], float, str]] = [
    ("does not fire", [2.0, 3.0], [0.5, -1.0], 1.0, "relu"),
    ("three inputs", [2.0, 3.0, 1.0], [0.5, -0.3, 0.8], 0.0, "relu"),
    ("the lab's default", [0.5, -0.3, 0.7], [0.5, -0.3, 0.8], 0.1, "relu"),
    ("go running?", [0.8, 0.6, 0.9], [0.5, 0.7, 0.3], 0.1, "sigmoid"),
    ("cat", [1.0, 1.0, 0.2, 0.0], [0.8, 0.9, 0.1, -0.5], 0.0, "linear"),
    ("dog", [0.0, 0.0, 0.3, 1.0], [0.8, 0.9, 0.1, -0.5], 0.0, "linear"),
]


# The framework view shows this code, then what it prints: the tour runs the same lines.
FRAMEWORK_CODE = """\
from neuronlab import SGD, Dense, Sequential, datasets

X, y = datasets.xor()
model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                    Dense(1, activation="sigmoid")], seed=0)
model.compile(optimizer=SGD(learning_rate=1.0), loss="mse")
history = model.fit(X, y, epochs={epochs}, verbose=0)
print(model.predict(X).round(4).ravel())
print(round(history.history["loss"][-1], 7))"""


def _units(text: str) -> list[str]:
    """``text`` cut into pieces a line may break between.

    A piece is a word, a whole ``(...)`` or ``[...]`` group, or an operator glued to
    what follows it (``+ 0.10``, ``= 1.000``), so no break falls inside a number, a
    vector or a product, and no line starts a term without its sign.
    """
    words: list[str] = []
    depth, current = 0, ""
    for char in text:
        if char == " " and depth == 0:
            if current:
                words.append(current)
            current = ""
            continue
        depth += char in "([{"
        depth -= char in ")]}" and depth > 0
        current += char
    if current:
        words.append(current)
    units: list[str] = []
    for word in words:
        if units and units[-1] in ("+", "-", "−", "=", "×", "→", "/", "·"):
            units[-1] += " " + word
        else:
            units.append(word)
    return units


def _say(console: Console, text: str, indent: int = 0, hang: int = 0) -> None:
    """Print ``text`` wrapped to the console, breaking only between :func:`_units`.

    A line that fits is printed as it is; continuation lines are indented by ``hang``
    more spaces than the first.
    """
    width = max(20, console.width - 1)
    if indent + len(text) <= width:
        console.print(" " * indent + text, soft_wrap=True, markup=False)
        return
    lines: list[str] = []
    line = " " * indent
    for unit in _units(text):
        if line.strip() and len(line) + 1 + len(unit) > width:
            lines.append(line)
            line = " " * (indent + hang) + unit
        else:
            line = f"{line} {unit}" if line.strip() else line + unit
    lines.append(line)
    for text_line in lines:
        console.print(text_line, soft_wrap=True, markup=False)


def _title(console: Console, number: int, text: str) -> None:
    console.print()
    title = f"{number}. {text}"
    if len(title) + 6 > console.width:  # too long for the rule: its words wrap above it
        console.print(title, style="bold cyan")
        console.rule()
    else:
        console.rule(f"[bold cyan]{title}")


def _neuron(console: Console) -> None:
    _title(console, 1, "One neuron: multiply, sum, activate")
    _say(console, "A neuron multiplies each input by its weight, sums the products, adds its "
         "bias and passes the sum z through an activation; the result is its prediction: "
         "ŷ = f(w·x + b).")
    for label, x, w, b, act in NEURON_EXAMPLES:
        e = Neuron(w, b, act).explain(x)
        console.print(f"\n[bold]{label}[/]  ({DISPLAY_NAMES[act]})")
        for line in e.lines():
            _say(console, line, indent=2, hang=4)


def _whole_numbers(table: Table) -> None:
    """On a terminal too narrow for ``table``, wrap its cells onto more lines (a number
    too long for its column folds) rather than cut them short: no number is shown with
    digits missing. (80 columns and more fit every table on one line per row.)"""
    for column in table.columns:
        column.overflow = "fold"


def _activations(console: Console) -> None:
    _title(console, 2, "Activations")
    from . import activations

    zs = np.array([-1000.0, -2.0, 0.0, 2.0, 1000.0])
    table = Table("activation", *[f"z = {z:g}" for z in zs])
    _whole_numbers(table)
    for name in activations.names(elementwise=True):
        ys = activations.get(name)(zs.copy())
        table.add_row(DISPLAY_NAMES.get(name, name), *[f"{y:.3f}" for y in ys])
    console.print(table)
    _say(console, "Sigmoid squashes any z into (0, 1) and stays finite even at z = ±1000.")


def _layer_and_batch(console: Console) -> None:
    _title(console, 3, "A layer is many neurons; a batch is a matrix product")
    table = Table("neuron", "weights", "bias")
    _whole_numbers(table)
    for i, (w, b) in enumerate(zip(LAYER_WEIGHTS, LAYER_BIASES), start=1):
        table.add_row(f"N{i}", str(w), f"{b:.2f}")
    console.print(table)
    py = PyLayer(LAYER_WEIGHTS, LAYER_BIASES, "relu").batch(BATCH)
    dense = Dense(3, activation="relu", input_shape=(4,))
    dense.set_neuron_weights([LAYER_WEIGHTS, LAYER_BIASES])
    fast = dense.forward(np.array(BATCH))
    out = Table("sample", "x", "pure Python\nN1, N2, N3", "NumPy\nReLU(X @ W.T + b)")
    _whole_numbers(out)
    for i, (x, a, b) in enumerate(zip(BATCH, py, fast), start=1):
        out.add_row(f"s{i}", str(x), ", ".join(f"{v:.3f}" for v in a),
                    ", ".join(f"{v:.3f}" for v in b))
    console.print(out)
    same = np.allclose(np.array(py), fast, atol=1e-12)
    _say(console, f"Pure-Python loop and NumPy matrix product agree: {same}")


def _gates(console: Console) -> None:
    _title(console, 4, "One neuron as a logic gate; its boundary is a line")
    for name in ("and", "or"):
        n = stories.gate_neuron(name)
        row = ", ".join(f"{a:g}{b:g}→{n([a, b]):g}" for a, b in stories.XOR_INPUTS)
        _say(console, f"{name.upper():>4}: w={n.weights}, b={n.bias:g}: {row}   "
             f"boundary: {n.boundary()}", hang=6)
    n = stories.gate_neuron("not")
    _say(console, f" NOT: w={n.weights}, b={n.bias:g}: 0→{n([0]):g}, 1→{n([1]):g}", hang=6)


def _xor(console: Console, epochs: int, verbose: int) -> Sequential:
    _title(console, 5, "XOR: why one neuron is not enough")
    attempt = stories.single_neuron_on_xor()
    answers = ", ".join(f"{p:.3f}" for p in attempt.predictions)
    _say(console, f"One sigmoid neuron trained on XOR: best {attempt.best_correct} of 4 right, "
         f"{attempt.best_when}; it ends answering {answers} (loss "
         f"{attempt.losses[-1]:.3f}), sitting on the fence. No single line separates XOR.")
    hand = stories.hand_wired_xor()
    X, y = datasets.xor()
    outs = hand.predict(X)[:, 0]
    _say(console, "Hand-wired: A = OR, B = AND, out = A and not B → "
         + ", ".join(f"{a:g}{b:g}→{o:g}" for (a, b), o in zip(X, outs)))
    console.print()
    _say(console, "Training 2 → 4 sigmoid → 1 sigmoid, MSE, SGD(learning_rate=1.0), "
         f"{epochs} epochs:")
    model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                        Dense(1, activation="sigmoid")], seed=0)
    model.compile(optimizer=SGD(learning_rate=1.0), loss="mse")
    history = model.fit(X, y, epochs=epochs, verbose=verbose)
    losses = history.history["loss"]
    marks = sorted({0, *range(epochs // 6, epochs, max(1, epochs // 6)), epochs - 1})
    table = Table("epoch", "loss (MSE)", title="Watch the loss fall")
    for e in marks:
        table.add_row(str(e + 1), f"{losses[e]:.6f}")
    console.print(table)
    pred = model.predict(X)[:, 0]
    _say(console, "Predictions ŷ: " + " / ".join(f"{p:.3f}" for p in pred)
         + f"   (targets y: 0 / 1 / 1 / 0), final MSE {np.mean((pred - y[:, 0]) ** 2):.7f}",
         hang=4)
    return model


def _puzzle(console: Console) -> None:
    _title(console, 6, "Learning by gradient descent: 11→23, 23→47, 36→73, 49→99, 55→?")
    run = stories.train_puzzle()
    _say(console, "w = 0.1, b = 0.6, learning rate 0.0001; target y, prediction ŷ = w·x + b, "
         "error e = y − ŷ; dW = −Σ x·e, dB = −Σ e")
    _say(console, "Step 0: predictions ŷ " + str([round(p, 5) for p in run.first_predictions])
         + ", errors e " + str([round(e, 5) for e in run.first_errors]))
    _say(console, f"dW = {run.first_dW:.1f}, dB = {run.first_dB:.1f} → new w = "
         f"{run.steps[0].weight:.5f}, new b = {run.steps[0].bias:.5f}", indent=2)
    val = stories.train_puzzle(validate=True)
    total = len(run.steps)
    table = Table("w and b", "ŷ for 55", "ŷ for held-out 49 (trained on 3)")
    _whole_numbers(table)
    assert run.start is not None and val.start is not None and val.start.held_out is not None
    table.add_row(stories.step_label(-1, total), f"{run.start.prediction:.5f}",
                  f"{val.start.held_out:.5f}")
    for i in stories.report_steps(total):
        s, v = run.steps[i], val.steps[i]
        digits = 3 if i == total - 1 else 5
        table.add_row(stories.step_label(s.step, total), f"{s.prediction:.{digits}f}",
                      f"{v.held_out:.{digits}f}")
    console.print(table)
    _say(console, f"The rule is y = 2x + 1, so 55 → 111; the neuron says "
         f"{run.final.prediction:.3f} (w = {run.final.weight:.4f}, b = {run.final.bias:.4f}).")


def _backprop(console: Console, model: Sequential) -> None:
    _title(console, 7, "Loss, backpropagation and a check you can trust")
    X, y = datasets.xor()
    result = gradcheck.check_model(model, X, y)
    _say(console, "Backpropagation applies the chain rule from the loss back to every "
         "weight. Checked against finite differences (L(w+h) − L(w−h)) / 2h:")
    _say(console, str(result), indent=2, hang=4)


def framework_output(model: Sequential) -> list[str]:
    """What :data:`FRAMEWORK_CODE` prints for ``model``, trained as the code trains it."""
    X, _ = datasets.xor()
    return [str(model.predict(X).round(4).ravel()),
            str(round(model.history.history["loss"][-1], 7))]


def _framework(console: Console, model: Sequential, epochs: int) -> None:
    _title(console, 8, "The framework view")
    _say(console, "The same XOR network in a Keras-style API. This code is what trained the "
         "network above; run it and it prints what is shown after it:")
    console.print()
    for line in FRAMEWORK_CODE.format(epochs=epochs).splitlines():
        console.print(f"    {line}" if line else "", soft_wrap=True, markup=False,
                      highlight=False)
    console.print()
    for line in framework_output(model):
        console.print(f"    {line}", soft_wrap=True, markup=False)
    X, y = datasets.xor()
    W1, b1, W2, b2 = (w.astype(float) for w in model.get_neuron_weights())
    by_hand = []
    for x in X.tolist():  # the same numbers with one pure-Python neuron at a time
        hidden = [sigmoid(sum(xi * wi for xi, wi in zip(x, w)) + b) for w, b in zip(W1, b1)]
        by_hand.append(sigmoid(sum(h * w for h, w in zip(hidden, W2[0])) + b2[0]))
    framework = model.predict(X)[:, 0]
    console.print()
    _say(console, "Framework: " + " / ".join(f"{p:.6f}" for p in framework))
    _say(console, "By hand:   " + " / ".join(f"{p:.6f}" for p in by_hand))
    agree = np.allclose(framework, by_hand, atol=1e-5)
    _say(console, f"Same weights, same numbers: {agree}")
    model.summary(print_fn=lambda line: console.print(line, soft_wrap=True, markup=False))

    # The trap: the name "sgd" means the default learning rate, as in Keras.
    slow = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                       Dense(1, activation="sigmoid")], seed=0)
    slow.compile(optimizer="sgd", loss="mse")
    slow_loss = slow.fit(X, y, epochs=epochs, verbose=0).history["loss"][-1]
    slow_right = int(((slow.predict(X) > 0.5) == (y > 0.5)).sum())
    lr = slow.optimizer.learning_rate if slow.optimizer is not None else float("nan")
    console.print()
    _say(console, f'Mind the learning rate. optimizer="sgd" means SGD(learning_rate={lr:g}), '
         f"the default, as in Keras. With it the same {epochs} epochs end at loss "
         f"{slow_loss:.4f} with {slow_right} of 4 right: XOR is not solved. Every step "
         "moves each weight by learning rate × gradient, and here the gradients are tiny: "
         "a sigmoid's slope is at most 0.25, the loss is a mean over 4 samples, and the "
         "untrained network sits on a plateau where every prediction is near 0.5 and the "
         "loss near 0.25. Steps 100 times larger (learning_rate=1.0) leave the plateau in a "
         "few hundred epochs; so pass SGD(learning_rate=1.0), or Adam, which scales its "
         "steps itself.")


def run_tour(console: Console | None = None, epochs: int = 3000, verbose: int = 1,
             plots: str | Path | None = None) -> dict[str, Any]:
    """Print the whole tour; return the trained XOR model and what was saved."""
    console = console or Console()
    console.print(Panel.fit("[bold]neuronlab tour[/]: from one neuron to a trained network. "
                            "Every number below is computed live by the library."))
    _neuron(console)
    _activations(console)
    _layer_and_batch(console)
    _gates(console)
    model = _xor(console, epochs, verbose)
    _puzzle(console)
    _backprop(console, model)
    _framework(console, model, epochs)
    saved: list[Path] = []
    if plots is not None:
        from .plots import save_tour_figures

        saved = save_tour_figures(plots, model=model)
        console.print(f"\nSaved {len(saved)} pictures to {plots}")
    console.print()
    _say(console, "Next: neuronlab neuron --help, neuronlab train moons, neuronlab lab, "
         "neuronlab learn.")
    return {"model": model, "plots": saved}
