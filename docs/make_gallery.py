"""Regenerate the pictures of docs/gallery.md: ``python docs/make_gallery.py``.

Every picture is drawn by ``neuronlab.plots`` from models trained here with fixed
seeds, so running this again gives the same gallery. PNGs are saved at 100 dpi and
then reduced to a 256-colour palette to keep the gallery small (well under 2 MB).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from neuronlab import SGD, Adam, Dense, Neuron, Sequential, datasets, stories
from neuronlab.plots import (
    animate_training,
    plot_activations,
    plot_decision_boundary,
    plot_gates,
    plot_hidden_boundaries,
    plot_history,
    plot_network,
    plot_neuron,
    plot_xor_comparison,
    train_xor,
)

OUT = Path(__file__).resolve().parent / "gallery"


def save(fig: Figure, name: str) -> Path:
    """Save at 100 dpi, then shrink the file with a 256-colour palette."""
    path = OUT / f"{name}.png"
    fig.savefig(path, dpi=100)
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(256, dither=Image.Dither.NONE)
    small.save(path, optimize=True)
    return path


def spirals_model() -> tuple[Sequential, np.ndarray, np.ndarray]:
    X, y = datasets.make_spirals(300, seed=0)
    X_tr, X_te, y_tr, y_te = datasets.train_test_split(X, y, test_size=0.2, seed=0)
    model = Sequential([Dense(32, "relu", input_shape=(2,)), Dense(32, "relu"),
                        Dense(3, "softmax")], seed=0)
    model.compile(optimizer=Adam(learning_rate=0.01), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(X_tr, y_tr, epochs=200, validation_data=(X_te, y_te), seed=0, verbose=0)
    return model, X, y


def digits_model() -> Sequential:
    X, y = datasets.load_digits()
    model = Sequential([Dense(32, "relu", input_shape=(64,)), Dense(10, "softmax")], seed=0)
    model.compile(optimizer=Adam(learning_rate=0.01), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(X / 16.0, y, epochs=10, validation_split=0.2, seed=0, verbose=0)
    return model


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    X, y = datasets.xor()
    xor = train_xor()
    paths = [
        save(plot_activations(), "activations"),
        save(plot_neuron(Neuron([0.5, -0.3, 0.8], 0.1, "relu"), [0.5, -0.3, 0.7]), "neuron"),
        save(plot_neuron(Neuron([0.5, 0.7, 0.3], 0.1, "sigmoid"), [0.8, 0.6, 0.9]),
             "neuron_go_running"),
        save(plot_gates(), "gates"),
        save(plot_xor_comparison(xor), "xor_neuron_vs_network"),
        save(plot_hidden_boundaries(stories.hand_wired_xor()), "xor_hidden_hand_wired"),
        save(plot_hidden_boundaries(xor, X, y), "xor_hidden_trained"),
        save(plot_history(xor.history, title="XOR: watch the loss fall"), "xor_loss"),
        save(plot_network(xor), "xor_network"),
    ]
    spirals, Xs, ys = spirals_model()
    paths += [
        save(plot_decision_boundary(spirals, Xs, ys, title="spirals: a 2 → 32 → 32 → 3 network"),
             "spirals_boundary"),
        save(plot_history(spirals.history, title="spirals: training vs validation"),
             "spirals_history"),
        save(plot_network(spirals, max_nodes=10), "spirals_network"),
        save(plot_network(digits_model(), max_nodes=10), "digits_network"),
    ]
    fresh = Sequential([Dense(4, "sigmoid", input_shape=(2,)), Dense(1, "sigmoid")], seed=0)
    fresh.compile(optimizer=SGD(learning_rate=1.0), loss="mse")
    movie = animate_training(fresh, X, y, epochs=3000, snapshots=12, fps=3,
                             path=OUT / "xor_training.gif", resolution=60)
    paths.append(movie.path)
    total = sum(p.stat().st_size for p in paths)
    for path in paths:
        print(f"{path.stat().st_size / 1024:7.0f} KB  {path.relative_to(OUT.parent)}")
    print(f"{total / 1024:7.0f} KB  in total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
