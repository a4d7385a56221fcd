"""``neuronlab tour``: from one neuron to a trained network, in the terminal.

Every number printed here is computed live by the library, by the same code the
tests check against the worked examples.
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
from .neuron import Layer as PyLayer
from .neuron import Neuron, sigmoid
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


def _title(console: Console, number: int, text: str) -> None:
    console.print()
    console.rule(f"[bold cyan]{number}. {text}")


def _neuron(console: Console) -> None:
    _title(console, 1, "One neuron: multiply, sum, activate")
    console.print("A neuron multiplies each input by its weight, sums the products, adds "
                  "its bias and passes the sum z through an activation: y = f(w·x + b).")
    for label, x, w, b, act in NEURON_EXAMPLES:
        e = Neuron(w, b, act).explain(x)
        console.print(f"\n[bold]{label}[/]  ({act})")
        console.print(f"  {e.z_line()}")
        console.print(f"  {e.y_line()}")


def _activations(console: Console) -> None:
    _title(console, 2, "Activations")
    from . import activations

    zs = np.array([-1000.0, -2.0, 0.0, 2.0, 1000.0])
    table = Table("activation", *[f"z = {z:g}" for z in zs])
    for name in activations.names(elementwise=True):
        ys = activations.get(name)(zs.copy())
        table.add_row(name, *[f"{y:.3f}" for y in ys])
    console.print(table)
    console.print("Sigmoid squashes any z into (0, 1) and stays finite even at z = ±1000.")


def _layer_and_batch(console: Console) -> None:
    _title(console, 3, "A layer is many neurons; a batch is a matrix product")
    table = Table("neuron", "weights", "bias")
    for i, (w, b) in enumerate(zip(LAYER_WEIGHTS, LAYER_BIASES), start=1):
        table.add_row(f"N{i}", str(w), f"{b:.2f}")
    console.print(table)
    py = PyLayer(LAYER_WEIGHTS, LAYER_BIASES, "relu").batch(BATCH)
    dense = Dense(3, activation="relu", input_shape=(4,))
    dense.set_weights([LAYER_WEIGHTS, LAYER_BIASES])
    fast = dense.forward(np.array(BATCH))
    out = Table("sample", "x", "output (N1, N2, N3): pure Python", "NumPy Y = ReLU(X @ W.T + b)")
    for i, (x, a, b) in enumerate(zip(BATCH, py, fast), start=1):
        out.add_row(f"s{i}", str(x), ", ".join(f"{v:.3f}" for v in a),
                    ", ".join(f"{v:.3f}" for v in b))
    console.print(out)
    same = np.allclose(np.array(py), fast, atol=1e-12)
    console.print(f"Pure-Python loop and NumPy matrix product agree: [bold]{same}[/]")


def _gates(console: Console) -> None:
    _title(console, 4, "One neuron as a logic gate; its boundary is a line")
    for name in ("and", "or"):
        n = stories.gate_neuron(name)
        row = ", ".join(f"{a:g}{b:g}→{n([a, b]):g}" for a, b in stories.XOR_INPUTS)
        console.print(f"{name.upper():>4}: w={n.weights}, b={n.bias:g}: {row}   "
                      f"boundary: {n.boundary()}")
    n = stories.gate_neuron("not")
    console.print(f" NOT: w={n.weights}, b={n.bias:g}: 0→{n([0]):g}, 1→{n([1]):g}")


def _xor(console: Console, epochs: int, verbose: int) -> Sequential:
    _title(console, 5, "XOR: why one neuron is not enough")
    attempt = stories.single_neuron_on_xor()
    console.print(f"One sigmoid neuron trained on XOR: best {attempt.best_correct} of 4 right "
                  f"(loss stuck near {attempt.losses[-1]:.3f}). No single line separates XOR.")
    hand = stories.hand_wired_xor()
    X, y = datasets.xor()
    outs = hand.predict(X)[:, 0]
    console.print("Hand-wired: A = OR, B = AND, out = A and not B → "
                  + ", ".join(f"{a:g}{b:g}→{o:g}" for (a, b), o in zip(X, outs)))
    console.print("\nTraining 2 → 4 sigmoid → 1 sigmoid, MSE, SGD(learning_rate=1.0), "
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
    console.print("Predictions: " + " / ".join(f"{p:.3f}" for p in pred)
                  + f"   (targets 0 / 1 / 1 / 0), final MSE {np.mean((pred - y[:, 0]) ** 2):.7f}")
    return model


def _puzzle(console: Console) -> None:
    _title(console, 6, "Learning by gradient descent: 11→23, 23→47, 36→73, 49→99, 55→?")
    run = stories.train_puzzle()
    console.print("w = 0.1, b = 0.6, learning rate 0.0001; e = y − ŷ, dW = −Σ x·e, dB = −Σ e")
    console.print("First step: predictions " + str([round(p, 5) for p in run.first_predictions])
                  + ", errors " + str([round(e, 5) for e in run.first_errors]))
    console.print(f"  dW = {run.first_dW:.1f}, dB = {run.first_dB:.1f} → new w = "
                  f"{run.steps[0].weight:.5f}, new b = {run.steps[0].bias:.5f}")
    val = stories.train_puzzle(validate=True)
    table = Table("step", "prediction for 55", "held-out 49 (trained on 3)")
    for s, v in zip(run.steps, val.steps):
        if s.step % 10 == 0:
            table.add_row(str(s.step), f"{s.prediction:.5f}", f"{v.held_out:.5f}")
    table.add_row(f"after {len(run.steps)}", f"{run.final.prediction:.3f}",
                  f"{val.final.held_out:.3f}")
    console.print(table)
    console.print(f"The rule is y = 2x + 1, so 55 → 111; the neuron says "
                  f"{run.final.prediction:.3f} (w = {run.final.weight:.4f}, "
                  f"b = {run.final.bias:.4f}).")


def _backprop(console: Console, model: Sequential) -> None:
    _title(console, 7, "Loss, backpropagation and a check you can trust")
    X, y = datasets.xor()
    result = gradcheck.check_model(model, X, y)
    console.print("Backpropagation applies the chain rule from the loss back to every "
                  "weight. Checked against finite differences (L(w+h) − L(w−h)) / 2h:")
    console.print(f"  {result}")


def _framework(console: Console, model: Sequential) -> None:
    _title(console, 8, "The framework view")
    console.print(
        '  model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),\n'
        '                      Dense(1, activation="sigmoid")])\n'
        '  model.compile(optimizer="sgd", loss="mse")\n'
        "  model.fit(X, y, epochs=3000)"
    )
    X, _ = datasets.xor()
    W1, b1, W2, b2 = (w.astype(float) for w in model.get_weights())
    by_hand = []
    for x in X.tolist():  # the same numbers with one pure-Python neuron at a time
        hidden = [sigmoid(sum(xi * wi for xi, wi in zip(x, w)) + b) for w, b in zip(W1, b1)]
        by_hand.append(sigmoid(sum(h * w for h, w in zip(hidden, W2[0])) + b2[0]))
    framework = model.predict(X)[:, 0]
    console.print("Framework: " + " / ".join(f"{p:.6f}" for p in framework))
    console.print("By hand:   " + " / ".join(f"{p:.6f}" for p in by_hand))
    agree = np.allclose(framework, by_hand, atol=1e-5)
    console.print(f"Same weights, same numbers: [bold]{agree}[/]")
    model.summary(print_fn=console.print)


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
    _framework(console, model)
    saved: list[Path] = []
    if plots is not None:
        from .plots import save_tour_figures

        saved = save_tour_figures(plots, model=model)
        console.print(f"\nSaved {len(saved)} pictures to {plots}")
    console.print("\nNext: [bold]neuronlab neuron --help[/], [bold]neuronlab train moons[/], "
                  "[bold]neuronlab lab[/], [bold]neuronlab learn[/].")
    return {"model": model, "plots": saved}
