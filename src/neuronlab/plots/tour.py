"""The pictures of ``neuronlab tour --plots DIR``: the lessons' story, one PNG per idea."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from .. import datasets, stories
from ..layers import Dense
from ..model import Sequential
from ..neuron import Neuron
from ..optimizers import SGD
from ._common import DPI, new_figure, styled
from .boundaries import plot_decision_boundary, plot_hidden_boundaries
from .curves import plot_activations, plot_history
from .drawings import plot_network, plot_neuron

#: worked example §1's default neuron: inputs [0.5, -0.3, 0.7], weights [0.5, -0.3, 0.8], bias 0.1.
LAB_NEURON = (Neuron([0.5, -0.3, 0.8], bias=0.1, activation="relu"), [0.5, -0.3, 0.7])


def xor_network(seed: int = 0) -> Sequential:
    """The XOR network of worked examples §5 and §8, compiled, untrained: 2 → 4 sigmoid → 1 sigmoid,
    MSE, SGD(learning_rate=1.0).

    >>> [w.shape for w in xor_network().get_neuron_weights()]
    [(4, 2), (4,), (1, 4), (1,)]
    """
    model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                        Dense(1, activation="sigmoid")], seed=seed)
    model.compile(optimizer=SGD(learning_rate=1.0), loss="mse")
    return model


def train_xor(epochs: int = 3000, seed: int = 0) -> Sequential:
    """:func:`xor_network` trained on XOR for ``epochs`` full-batch epochs.

    >>> model = train_xor(epochs=10)
    >>> len(model.history.history["loss"])
    10
    """
    X, y = datasets.xor()
    model = xor_network(seed)
    model.fit(X, y, epochs=epochs, verbose=0)
    return model


@styled
def plot_gates() -> Figure:
    """AND and OR as one step neuron each: the same line, moved by the bias (worked example §4).

    >>> [ax.get_title().splitlines()[0] for ax in plot_gates().axes]
    ['AND: w = [1, 1], b = -1.5', 'OR: w = [1, 1], b = -0.5']
    """
    fig = new_figure(12.5, 6.2)
    for i, name in enumerate(("and", "or")):
        neuron = stories.gate_neuron(name)
        X, y = datasets.load(name)
        ax = fig.add_subplot(1, 2, i + 1)
        w = ", ".join(f"{v:g}" for v in neuron.weights)
        plot_decision_boundary(neuron, X, y, ax=ax, colorbar=False,
                               title=f"{name.upper()}: w = [{w}], b = {neuron.bias:g}")
    fig.suptitle("One step neuron is a logic gate: it fires on one side of its line")
    return fig


@styled
def plot_xor_comparison(model: Sequential | None = None) -> Figure:
    """XOR: one neuron's line fails; a network's curved boundary succeeds (worked example §5).

    On the left, the best any single neuron can do: a line such as OR's
    (``x1 + x2 = 0.5``) gets 3 of the 4 points right, and no line gets all 4. On the
    right, ``model``, a trained 2-input XOR network (trained here when omitted).

    >>> fig = plot_xor_comparison(train_xor(epochs=3000))
    >>> [ax.get_title().splitlines()[-1] for ax in fig.axes[:2]]
    ['3 of 4 points right (75%)', '4 of 4 points right (100%)']
    """
    X, y = datasets.xor()
    net = model if model is not None else train_xor()
    fig = new_figure(12.5, 6.2)
    left, right = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    plot_decision_boundary(stories.gate_neuron("or"), X, y, ax=left, colorbar=False,
                           title="One neuron (OR's line): no line gets all 4")
    plot_decision_boundary(net, X, y, ax=right, colorbar=False,
                           title="2 → 4 → 1 network: a curved boundary")
    bar = fig.colorbar(right.images[0], ax=right, shrink=0.7)
    bar.set_label("model output (0.5 = undecided)")
    fig.suptitle("XOR is not linearly separable: no single line gets all four points right")
    return fig


def save_tour_figures(directory: str | Path, model: Sequential | None = None) -> list[Path]:
    """Save the tour's pictures as PNGs (100 dpi) in ``directory``; return their paths.

    ``model`` is the tour's trained XOR network (2 → 4 → 1); without it one is trained
    (seed 0, 3000 epochs, well under a second). The directory is created if missing.
    Pictures: the activations, worked example §1's neuron, the AND/OR gates, one neuron against
    the network on XOR, the hidden neurons of the hand-wired and of the trained
    network, the loss curve and the network diagram.

    >>> import tempfile
    >>> paths = save_tour_figures(tempfile.mkdtemp(), model=train_xor(epochs=300))
    >>> [p.name for p in paths][:3]
    ['01_activations.png', '02_neuron.png', '03_gates.png']
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    net = model if model is not None else train_xor()
    history = net.history if net.history.epoch else train_xor().history
    X, y = datasets.xor()
    figures = {
        "01_activations": plot_activations(),
        "02_neuron": plot_neuron(*LAB_NEURON),
        "03_gates": plot_gates(),
        "04_xor_neuron_vs_network": plot_xor_comparison(net),
        "05_hidden_hand_wired": plot_hidden_boundaries(stories.hand_wired_xor()),
        "06_hidden_trained": plot_hidden_boundaries(net, X, y),
        "07_loss": plot_history(history, title="XOR: watch the loss fall"),
        "08_network": plot_network(net),
    }
    paths = []
    for name, fig in figures.items():
        path = out / f"{name}.png"
        fig.savefig(path, dpi=DPI)
        paths.append(path)
    return paths
