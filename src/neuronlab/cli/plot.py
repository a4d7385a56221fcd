"""``neuronlab plot``: draw the lessons' pictures as PNG files (and a GIF with ``--animate``).

::

    neuronlab plot activations --out plots     # every activation and its derivative
    neuronlab plot neuron --out plots          # worked example §1's neuron, every number on it
    neuronlab plot gates --out plots           # AND and OR as one neuron each
    neuronlab plot xor --out plots --animate   # one neuron vs a network; watch it learn
    neuronlab plot spirals --out plots         # train a small model, draw what it learned
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rich.console import Console

TOPICS = ("activations", "neuron", "gates", "xor")


def plot_datasets() -> tuple[str, ...]:
    """The data sets ``plot`` trains on: classification sets generated or bundled."""
    from ..datasets import DATASETS

    return tuple(d.name for d in DATASETS.values()
                 if d.task == "classification" and d.source in ("generated", "bundled"))


def register(subparsers: Any) -> None:
    """Add the ``plot`` command to ``neuronlab``'s sub-commands."""
    from ..activations import neuron_names
    from .args import MAX_EPOCHS, MAX_SEED, count, finite, floats

    datasets = plot_datasets()
    plot = subparsers.add_parser(
        "plot", help="draw pictures as PNG files: activations, neuron, gates, xor or a data set",
        description="Draw the lessons' pictures as PNG files (100 dpi) and print their paths. "
                    f"A data set ({', '.join(datasets)}) trains a small model "
                    "first and draws its history and network, and for a data set of two "
                    "features also its decision boundary and hidden neurons.",
    )
    plot.add_argument("what", choices=TOPICS + datasets, help="what to draw")
    plot.add_argument("--out", default="plots", metavar="DIR",
                      help="folder for the pictures, created if missing (default: plots)")
    plot.add_argument("--animate", action="store_true",
                      help="also write a GIF of the model learning (gates, xor, data sets)")
    plot.add_argument("--epochs", type=count(1, MAX_EPOCHS),
                      help="training epochs (default: the data set's)")
    plot.add_argument("--snapshots", type=count(2, 1000), default=30,
                      help="GIF frames (default: 30)")
    plot.add_argument("--seed", type=count(0, MAX_SEED), default=0,
                      help="seed for data and weights (0)")
    plot.add_argument("--inputs", type=floats, default=[0.5, -0.3, 0.7], metavar="X1,X2,...",
                      help="neuron: inputs")
    plot.add_argument("--weights", type=floats, default=[0.5, -0.3, 0.8], metavar="W1,W2,...",
                      help="neuron: weights")
    plot.add_argument("--bias", type=finite, default=0.1, help="neuron: bias")
    plot.add_argument("--activation", default="relu", choices=neuron_names(),
                      help="neuron: activation")
    plot.set_defaults(func=cmd_plot)


Progress = Callable[[str, int, int], None]


@contextlib.contextmanager
def training_progress(label: str) -> Iterator[Progress]:
    """A ``progress(what, done, total)`` hook for :func:`animate_training`, shown on stderr.

    On a terminal it is a rich progress bar (epochs trained, frames drawn, the GIF
    written); otherwise one plain line per stage, so logs stay readable.
    """
    if not sys.stderr.isatty():
        said: set[str] = set()

        def plain(what: str, done: int, total: int) -> None:
            stage = "writing the GIF" if what == "write" else "training and drawing frames"
            if stage not in said and not (what == "write" and done):
                said.add(stage)
                print(f"{label}: {stage}...", file=sys.stderr, flush=True)

        yield plain
        return

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, Any] = {}
        names = {"epoch": f"{label}: epochs", "frame": f"{label}: frames",
                 "write": f"{label}: writing GIF"}

        def update(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(names.get(what, what), total=total)
            bar.update(tasks[what], completed=done, total=total)

        yield update


def _save(fig: Any, path: Path) -> Path:
    from ..plots import DPI

    fig.savefig(path, dpi=DPI)
    return path


def _activations(args: argparse.Namespace, out: Path) -> list[Path]:
    from ..plots import plot_activations

    return [_save(plot_activations(), out / "activations.png")]


def _neuron(args: argparse.Namespace, out: Path) -> list[Path]:
    from ..neuron import Neuron
    from ..plots import plot_neuron

    neuron = Neuron(args.weights, args.bias, args.activation)
    return [_save(plot_neuron(neuron, args.inputs), out / "neuron.png")]


def _gates(args: argparse.Namespace, out: Path) -> list[Path]:
    from .. import datasets
    from ..layers import Dense
    from ..model import Sequential
    from ..optimizers import SGD
    from ..plots import animate_training, plot_gates

    paths = [_save(plot_gates(), out / "gates.png")]
    if args.animate:
        X, y = datasets.and_gate()
        model = Sequential([Dense(1, activation="sigmoid", input_shape=(2,))], seed=args.seed)
        model.compile(optimizer=SGD(learning_rate=1.0), loss="mse")
        epochs = 1000 if args.epochs is None else args.epochs
        with training_progress("AND") as progress:
            movie = animate_training(model, X, y, epochs=epochs,
                                     snapshots=args.snapshots, path=out / "and_training.gif",
                                     progress=progress)
        paths.append(movie.path)
    return paths


def _xor(args: argparse.Namespace, out: Path) -> list[Path]:
    from .. import datasets
    from ..plots import (
        animate_training,
        plot_hidden_boundaries,
        plot_history,
        plot_network,
        plot_xor_comparison,
        train_xor,
        xor_network,
    )

    X, y = datasets.xor()
    epochs = 3000 if args.epochs is None else args.epochs
    if args.animate:  # the GIF's training run is the model the pictures show
        model = xor_network(args.seed)
        with training_progress("XOR") as progress:
            movie = animate_training(model, X, y, epochs=epochs, snapshots=args.snapshots,
                                     path=out / "xor_training.gif", progress=progress)
    else:
        model = train_xor(epochs=epochs, seed=args.seed)
    paths = [
        _save(plot_xor_comparison(model), out / "xor_boundary.png"),
        _save(plot_hidden_boundaries(model, X, y), out / "xor_hidden.png"),
        _save(plot_history(model.history, title="XOR: watch the loss fall"),
              out / "xor_history.png"),
        _save(plot_network(model), out / "xor_network.png"),
    ]
    return paths + ([movie.path] if args.animate else [])


def _dataset(args: argparse.Namespace, out: Path) -> list[Path]:
    from .. import datasets, optimizers
    from ..heads import build_model, head_for
    from ..plots import (
        animate_training,
        plot_decision_boundary,
        plot_hidden_boundaries,
        plot_history,
        plot_network,
    )
    from .train import preset_for

    name, preset = args.what, preset_for(args.what)
    kwargs = dict(preset.kwargs)
    if datasets.DATASETS[name].takes("seed"):
        kwargs["seed"] = args.seed
    X, y = datasets.load(name, **kwargs)
    X = X / preset.scale
    head = head_for(y, preset.loss)
    model = build_model(X.shape[1:], head, preset.layers, preset.activation, seed=args.seed)
    target = head.prepare(y)
    optimizer = optimizers.get(preset.optimizer, learning_rate=preset.learning_rate)
    model.compile(optimizer=optimizer, loss=head.loss, metrics=head.metrics)
    X_tr, X_te, y_tr, y_te = datasets.train_test_split(X, target, test_size=0.2, seed=args.seed)
    epochs = preset.epochs if args.epochs is None else args.epochs
    paths = []
    if args.animate:
        with training_progress(name) as progress:
            movie = animate_training(model, X_tr, y_tr, epochs=epochs,
                                     snapshots=args.snapshots, batch_size=preset.batch_size,
                                     seed=args.seed, validation_data=(X_te, y_te),
                                     path=out / f"{name}_training.gif", progress=progress)
        paths.append(movie.path)
    else:
        model.fit(X_tr, y_tr, epochs=epochs, batch_size=preset.batch_size, seed=args.seed,
                  validation_data=(X_te, y_te), verbose=0)
    title = f"{name}: loss and accuracy (validation = 20% held out)"
    pictures = [(plot_history(model.history, title=title), "history")]
    if X.shape[1] == 2:
        pictures.insert(0, (plot_decision_boundary(
            model, X, y, title=f"{name}: what a {' → '.join(_sizes(model))} network learned"),
            "boundary"))
        pictures.append((plot_hidden_boundaries(model, X, y), "hidden"))
    pictures.append((plot_network(model), "network"))
    return [_save(fig, out / f"{name}_{kind}.png") for fig, kind in pictures] + paths


def _sizes(model: Any) -> list[str]:
    return [str(model.n_inputs)] + [str(layer.units) for layer in model.layers
                                    if hasattr(layer, "units")]


PLOTTERS: dict[str, Callable[[argparse.Namespace, Path], list[Path]]] = {
    "activations": _activations,
    "neuron": _neuron,
    "gates": _gates,
    "xor": _xor,
}


def cmd_plot(args: argparse.Namespace, console: Console) -> int:
    """Write the pictures for ``args.what`` into ``args.out`` and print their paths."""
    from ..errors import ConfigError

    if args.epochs is not None and args.epochs < 1:
        raise ConfigError(f"--epochs must be at least 1, got {args.epochs}.")
    if args.animate and args.what in ("activations", "neuron"):
        raise ConfigError(f"--animate shows training; '{args.what}' does not train anything. "
                          "Use it with gates, xor or a data set.")
    if args.epochs is not None and (args.what in ("activations", "neuron") or
                                    (args.what == "gates" and not args.animate)):
        raise ConfigError(f"--epochs sets how long to train; '{args.what}' trains nothing"
                          + (" without --animate" if args.what == "gates" else "")
                          + ". Leave --epochs out.")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    paths = PLOTTERS.get(args.what, _dataset)(args, out)
    console.print(f"Wrote {len(paths)} picture(s) to {out}:")
    for path in paths:
        console.print(str(path), soft_wrap=True, highlight=False)
    return 0
