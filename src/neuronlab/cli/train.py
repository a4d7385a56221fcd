"""``neuronlab train``: train a network on a data set and report its metrics.

The presets (layers, optimizer, epochs... per data set) are shared with ``plot``; both
build their network with :func:`neuronlab.heads.build_model`, which sizes the output
layer and the loss for the targets.
"""

from __future__ import annotations

import argparse
import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table as Grid

from ..tables import Table
from .args import (
    MAX_BATCH,
    MAX_EPOCHS,
    MAX_SAMPLES,
    MAX_SEED,
    CatalogueFormatter,
    count,
    interval,
    ints,
    learning_rate,
)


def register(subparsers: Any) -> None:
    """Add the ``train`` command to the ``neuronlab`` parser."""
    from .. import activations, datasets, losses, optimizers

    train = subparsers.add_parser("train", help="train a network on a data set and report",
                           epilog=_catalogue(), formatter_class=CatalogueFormatter)
    train.add_argument("dataset", choices=datasets.names(), help="data set to learn")
    train.add_argument("--layers", type=ints, metavar="N,N,...",
                       help="hidden layer sizes, e.g. 16,16 (default: the data set's)")
    train.add_argument("--activation", choices=activations.names(hidden=True),
                       help="hidden layers' activation (default: the data set's)")
    train.add_argument("--optimizer", choices=optimizers.names(),
                       help="how the weights move (default: the data set's)")
    train.add_argument("--learning-rate", type=learning_rate,
                       help="step size of each update (default: the data set's)")
    train.add_argument("--batch-size", type=count(1, MAX_BATCH),
                       help="samples per update (default: the data set's, which for the "
                            "truth tables and the puzzle is all of them at once)")
    train.add_argument("--epochs", type=count(1, MAX_EPOCHS),
                       help="passes over the data (default: the data set's)")
    train.add_argument("--loss", choices=losses.names(),
                       help="what training minimises (default: the data set's, else chosen "
                            "from the targets)")
    train.add_argument("--seed", type=count(0, MAX_SEED), default=0,
                       help="seed for the data and the first weights")
    train.add_argument("--samples", type=count(1, MAX_SAMPLES),
                       help="how many points to generate, per class for nnfs-spirals "
                            "(default: the data set's)")
    train.add_argument("--noise", type=interval(0, 10),
                       help="noise of generated data sets, the clusters' spread for blobs "
                            "(default: the data set's)")
    train.add_argument("--test-size", type=interval(0, 1, open_low=True, open_high=True),
                       help="held-out share (default: 0.2; the truth tables and the puzzle "
                            "are never split, and mnist is tested on its own test digits)")
    train.add_argument("--no-split", action="store_true",
                       help="train and report on all data (mnist: on its training digits)")
    train.add_argument("--save", metavar="PATH",
                       help="save the trained model to PATH (.npz), or inside PATH if it is "
                            "a folder (default: not saved)")
    train.add_argument("--data-dir", metavar="DIR",
                       help="MNIST: folder with the full IDX files (default: the 10,000 "
                            "digits that ship with neuronlab)")
    train.add_argument("--download", action="store_true",
                       help="MNIST: the full files, downloaded into the cache folder if missing")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.set_defaults(func=cmd_train)


def _catalogue() -> str:
    """Every data set, activation, optimizer and loss with its one-line description."""
    from .. import activations, datasets, losses, optimizers

    sections = [
        ("data sets", [(d.name, d.description) for d in datasets.DATASETS.values()]),
        ("activations", [(n, activations.TABLE[n].description)
                         for n in activations.names(hidden=True)]),
        ("optimizers", [(c.name, c.description) for c in optimizers.TABLE.values()]),
        ("losses", [(c.name, c.description) for c in losses.TABLE.values()]),
    ]
    lines = []
    for title, rows in sections:
        lines.append(f"{title}:")
        lines += [f"  {name:<26} {text}" for name, text in rows]
    return "\n".join(lines)


@dataclass
class Preset:
    """Sensible defaults for training on the data set ``name`` from the command line."""

    name: str
    layers: list[int]
    activation: str = "relu"
    optimizer: str = "adam"
    learning_rate: float = 0.01
    epochs: int = 200
    batch_size: int | None = 32
    loss: str | None = None  # None: chosen from the task
    scale: float = 1.0
    split: bool = True
    kwargs: dict[str, Any] = field(default_factory=dict)


#: The training defaults of each data set, by the data set's name.
PRESETS: Table[Preset] = Table("training preset")
for _preset in (
    Preset("and", [], "sigmoid", "sgd", 1.0, 1000, None, "mse", split=False),
    Preset("or", [], "sigmoid", "sgd", 1.0, 1000, None, "mse", split=False),
    Preset("not", [], "sigmoid", "sgd", 1.0, 1000, None, "mse", split=False),
    Preset("xor", [4], "sigmoid", "sgd", 1.0, 3000, None, "mse", split=False),
    Preset("puzzle", [], "linear", "sgd", 0.0001, 50, None, "sse", split=False),
    # 1000 points: with the default 200, the 40 test points make accuracy a coin toss
    Preset("moons", [16, 16], "relu", "adam", 0.01, 200, 32,
           kwargs={"noise": 0.2, "n_samples": 1000}),
    Preset("circles", [16, 16], "relu", "adam", 0.01, 200, 32),
    Preset("spirals", [64, 64], "relu", "adam", 0.01, 400, 32),
    Preset("nnfs-spirals", [64, 64], "relu", "adam", 0.01, 300, 32),
    Preset("blobs", [16], "relu", "adam", 0.01, 100, 32),
    Preset("cubic", [32, 32], "tanh", "adam", 0.01, 500, 32, "mse"),
    Preset("sine", [32, 32], "tanh", "adam", 0.01, 500, 32, "mse"),
    Preset("plane", [8], "tanh", "adam", 0.01, 200, 32, "mse"),
    Preset("bump", [16], "tanh", "adam", 0.01, 300, 32, "mse"),
    Preset("digits", [64], "relu", "adam", 0.001, 30, 32, scale=16.0),
    Preset("mnist", [128], "relu", "adam", 0.001, 5, 128),
):
    PRESETS.register(_preset)


def preset_for(dataset: str) -> Preset:
    """The training defaults for ``dataset``; a data set without its own gets a plain one."""
    from .. import datasets

    name = datasets.DATASETS.canonical(dataset)
    if name in PRESETS:
        return PRESETS[name]
    if datasets.DATASETS[name].task == "regression":
        return Preset(name, [32, 32], "tanh", "adam", 0.01, 500, 32, "mse")
    return Preset(name, [16], "relu", "adam", 0.01, 100, 32)


def _data_options(args: argparse.Namespace, dataset: Any) -> dict[str, Any]:
    """``--samples`` and ``--noise`` under the names the data set's loader takes them by;
    a ConfigError for a data set that has no such setting (rather than ignoring it)."""
    from ..errors import ConfigError

    given: dict[str, Any] = {}
    for option, value, names in (("--samples", args.samples, ("n_samples", "samples")),
                                 ("--noise", args.noise, ("noise", "cluster_std"))):
        if value is None:
            continue
        taken = [name for name in names if dataset.takes(name)]
        if not taken:
            what = {"table": "a fixed table", "bundled": "data that ships with neuronlab"}
            raise ConfigError(f"{dataset.name} is {what.get(dataset.source, 'made')} without "
                              f"a setting for {option}: leave {option} out, or pick a data "
                              "set that has one (neuronlab train --help lists them).")
        given[taken[0]] = value
    if args.test_size is not None and (not preset_for(dataset.name).split or args.no_split
                                       or dataset.takes("part")):
        reason = ("--no-split holds nothing out" if args.no_split else
                  "it is tested on its own test digits" if dataset.takes("part") else
                  "it is never split: it trains and reports on every row")
        raise ConfigError(f"--test-size does not apply to {dataset.name}: {reason}. Leave "
                          "--test-size out.")
    if dataset.name == "puzzle" and (args.layers is not None or args.activation is not None):
        raise ConfigError("the puzzle is one linear neuron (lesson 10): --layers and "
                          "--activation do not apply to it. Leave them out.")
    return given


def cmd_train(args: argparse.Namespace, console: Console) -> int:
    import numpy as np

    from .. import datasets, optimizers
    from ..errors import ConfigError
    from ..heads import build_model, head_for

    preset = preset_for(args.dataset)
    dataset = datasets.DATASETS[args.dataset]
    save_to = _save_target(args.save, args.dataset) if args.save is not None else None
    load_kwargs = dict(preset.kwargs)
    if dataset.takes("seed"):
        load_kwargs["seed"] = args.seed
    load_kwargs.update(_data_options(args, dataset))
    if dataset.takes("download"):
        load_kwargs.update(directory=args.data_dir, download=args.download)
    X, y = datasets.load(args.dataset, **load_kwargs)
    X = X / preset.scale
    hidden = preset.layers if args.layers is None else args.layers
    _check_size(X.shape[1], hidden)
    activation = args.activation or preset.activation
    head = head_for(y, args.loss or preset.loss)
    if head.loss == "hinge" and head.activation == "sigmoid":
        raise ConfigError(
            "train gives two classes a sigmoid output (0 to 1), and hinge needs raw scores: "
            "on a sigmoid every class-0 sample costs at least 1, so the loss never falls "
            "below their share. In Python, end the model with Dense(1, activation='tanh') "
            "and compile with loss='hinge'; a score above 0 is then class 1."
        )
    model, y = build_model(X.shape[1:], head, hidden, activation, seed=args.seed), head.prepare(y)
    loss = head.loss
    if args.dataset == "puzzle":
        from ..stories import puzzle_model

        model = puzzle_model()
    learning_rate = preset.learning_rate if args.learning_rate is None else args.learning_rate
    optimizer = optimizers.get(args.optimizer or preset.optimizer, learning_rate=learning_rate)
    model.compile(optimizer=optimizer, loss=loss, metrics=head.metrics)
    if preset.split and not args.no_split and dataset.takes("part"):  # MNIST: its test set
        X_te, y_te = datasets.load(args.dataset, **{**load_kwargs, "part": "test"})
        X_tr, X_te, y_tr, y_te = X, X_te / preset.scale, y, head.prepare(y_te)
    elif preset.split and not args.no_split:
        test_size = 0.2 if args.test_size is None else args.test_size
        X_tr, X_te, y_tr, y_te = datasets.train_test_split(X, y, test_size=test_size,
                                                           seed=args.seed)
    else:
        X_tr, X_te, y_tr, y_te = X, None, y, None
    batch = args.batch_size if args.batch_size is not None else preset.batch_size
    epochs = preset.epochs if args.epochs is None else args.epochs
    console.print(f"Training on [bold]{args.dataset}[/] ({len(X_tr)} samples): {model!r}, "
                  f"{optimizer!r}, loss {loss}, {epochs} epoch{'' if epochs == 1 else 's'}")
    validation = (X_te, y_te) if X_te is not None else None
    callbacks, answers = [], []
    if args.dataset == "puzzle":  # the prediction for 55 after every step, for its table
        from ..callbacks import LambdaCallback
        from ..stories import PUZZLE_QUESTION

        def ask(*_: Any) -> None:
            answers.append(float(model.predict(np.array([[PUZZLE_QUESTION]]))[0, 0]))

        ask()
        callbacks.append(LambdaCallback(on_epoch_end=ask))
    history = model.fit(X_tr, y_tr, epochs=epochs, batch_size=batch or len(X_tr),
                        seed=args.seed, verbose=0 if args.quiet else 1,
                        validation_data=validation, callbacks=callbacks)
    table = Grid("split", "samples", "loss", *model.metrics, title="Final metrics")
    for name, Xs, ys in (("train", X_tr, y_tr), ("test", X_te, y_te)):
        if Xs is None:
            continue
        scores = model.evaluate(Xs, ys, return_dict=True)
        table.add_row(name, str(len(Xs)), *[f"{v:.4f}" for v in scores.values()])
    console.print(table)
    console.print(f"Epochs run: {len(history.epoch)}")
    if datasets.DATASETS[args.dataset].source == "table" and head.kind == "binary":
        pred = model.predict(X)[:, 0]
        rows = (",".join(f"{v:g}" for v in x) for x in X)
        console.print("Predictions: " + ", ".join(f"({r}) → {p:.3f}" for r, p in zip(rows, pred)))
    if save_to is not None:
        from ..io import save_model

        path = save_model(model, save_to)
        console.print(f"Saved the model to {path}", soft_wrap=True, highlight=False)
    if args.dataset == "puzzle":  # the question the puzzle asks: 11→23, 23→47, ... 55→?
        from ..stories import PUZZLE_QUESTION, report_steps, step_label

        steps = Grid("w and b", f"ŷ for {PUZZLE_QUESTION:g}", title="The puzzle, step by step")
        steps.add_row(step_label(-1, epochs), f"{answers[0]:.5f}")
        for step in report_steps(epochs):
            steps.add_row(step_label(step, epochs), f"{answers[step + 1]:.5f}")
        console.print(steps)
        console.print(f"{PUZZLE_QUESTION:g} → {answers[-1]:.3f}", highlight=False)
    return 0


def _save_target(text: str, dataset: str) -> Path:
    """Where ``--save`` writes: a file path as given, or ``<dataset>.npz`` inside a folder.

    A folder (one that exists, or a path ending in ``/``) gets the file inside it, never a
    file beside it; a folder that does not exist is refused before any training.
    """
    from ..errors import ConfigError

    path = Path(text)
    if not text.strip():
        raise ConfigError("--save needs a file or folder name, e.g. --save models/xor.npz.")
    if path.is_dir() or text.endswith(("/", os.sep)):
        path = path / f"{dataset}.npz"
    if not path.parent.is_dir():
        raise ConfigError(f"--save {text}: the folder {str(path.parent)!r} does not exist. "
                          f"Create it first (mkdir -p {path.parent}) or choose another path.")
    return path


MAX_PARAMETERS = 20_000_000


def _check_size(n_inputs: int, hidden: list[int]) -> None:
    """Refuse, before anything is allocated, a network too big to train here."""
    from ..errors import ConfigError

    sizes = [n_inputs, *hidden]
    weights = sum(a * b for a, b in itertools.pairwise(sizes)) + sizes[-1] * 10
    if weights > MAX_PARAMETERS:
        raise ConfigError(f"--layers {','.join(map(str, hidden))} makes about {weights:,} "
                          f"weights; at most {MAX_PARAMETERS:,} are trained here. "
                          "Choose smaller layers.")
