"""The ``neuronlab`` command line: ``tour``, ``neuron``, ``train`` and friends."""

from __future__ import annotations

import argparse
import importlib
import itertools
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from .. import __version__
from ..errors import NeuronlabError

EXTENSIONS = ("plot", "lab", "learn")  # modules neuronlab.cli.<name> that add a command

# The largest values the command line accepts: beyond them a run would not finish, or
# would ask for more memory than a laptop has, so they are refused before any work.
MAX_EPOCHS = 1_000_000
MAX_SAMPLES = 1_000_000
MAX_BATCH = 1_000_000
MAX_UNITS = 4096
MAX_LAYERS = 32
MAX_LEARNING_RATE = 100.0
MAX_SEED = 2**32 - 1


class DefaultsFormatter(argparse.HelpFormatter):
    """Help that ends every option's text with its default: ``(default: 3000)``."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "(default" in text or action.default is argparse.SUPPRESS:
            return text
        if not action.option_strings and action.nargs not in ("?", "*"):
            return text  # a required positional has no default
        default = ("none" if action.default is None else
                   ",".join(f"{v:g}" for v in action.default)
                   if isinstance(action.default, list) else str(action.default))
        if action.default is not None and f"({default})" in text:  # "... (0.5)" written by hand
            return text.replace(f"({default})", "(default: %(default)s)")
        return f"{text} (default: {default.replace('%', '%%')})"


class CatalogueFormatter(argparse.RawDescriptionHelpFormatter, DefaultsFormatter):
    """Defaults in the help, and an epilog (the catalogue of names) kept as written."""


class Parser(argparse.ArgumentParser):
    """argparse, with negative numbers as option values and every default in the help.

    argparse takes ``-1,2`` (and ``-1e-3``) for an option because its own pattern for
    negative numbers only knows ``-1`` and ``-.5``; here any word that starts with ``-``
    and a digit is a value, so ``--inputs -1,2`` works.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", DefaultsFormatter)
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-\.?\d[\d.,eE+-]*$")


def _floats(text: str) -> list[float]:
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated numbers like 0.5,-0.3,0.7, got {text!r}"
        ) from None
    if not all(math.isfinite(v) for v in values):
        raise argparse.ArgumentTypeError(f"expected finite numbers, got {text!r}")
    return values


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number like -0.5, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def _ints(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated whole numbers like 16,16, got {text!r}"
        ) from None
    if any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"layer sizes must be >= 1, got {text!r}")
    if any(v > MAX_UNITS for v in values):
        raise argparse.ArgumentTypeError(
            f"layer sizes must be at most {MAX_UNITS:,} neurons, got {text!r}")
    if len(values) > MAX_LAYERS:
        raise argparse.ArgumentTypeError(
            f"at most {MAX_LAYERS} hidden layers, got {len(values)}")
    return values


def count(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``, else a one-line error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a whole number from {low:,} to {high:,}, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"must be a whole number from {low:,} to {high:,}, got {text}")
        return value

    parse.__name__ = "whole number"
    return parse


def interval(low: float, high: float, *, open_low: bool = False,
             open_high: bool = False) -> Callable[[str], float]:
    """An argparse type: a number between ``low`` and ``high``, else a one-line error."""
    left, right = "(" if open_low else "[", ")" if open_high else "]"

    def parse(text: str) -> float:
        value = _finite(text)
        too_low = value <= low if open_low else value < low
        too_high = value >= high if open_high else value > high
        if too_low or too_high:
            raise argparse.ArgumentTypeError(
                f"must be in {left}{low:g}, {high:g}{right}, got {text}")
        return value

    parse.__name__ = "number"
    return parse


def learning_rate(text: str) -> float:
    """An argparse type: the learning rate, checked exactly as the optimizers check it
    (same rule, same words), and at most ``MAX_LEARNING_RATE``."""
    from ..errors import ConfigError
    from ..validation import check_positive

    try:
        number = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number like 0.01, got {text!r}") from None
    try:
        value = check_positive(number, "learning_rate")
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if value > MAX_LEARNING_RATE:
        raise argparse.ArgumentTypeError(
            f"must be at most {MAX_LEARNING_RATE:g} (a larger step only makes the loss "
            f"explode), got {text}")
    return value


# --------------------------------------------------------------------------- tour
def cmd_tour(args: argparse.Namespace, console: Console) -> int:
    from ..tour import run_tour

    run_tour(console, epochs=args.epochs, verbose=0 if args.quiet else 1, plots=args.plots)
    return 0


# --------------------------------------------------------------------------- neuron
def cmd_neuron(args: argparse.Namespace, console: Console) -> int:
    from ..neuron import Neuron

    neuron = Neuron(args.weights, args.bias, args.activation)
    explanation = neuron.explain(args.inputs)
    table = Table("input x", "weight w", "x × w")
    for x, w, p in zip(explanation.inputs, explanation.weights, explanation.products):
        table.add_row(f"{x:g}", f"{w:g}", f"{p:.4f}")
    console.print(table)
    for line in explanation.lines():
        console.print(line, soft_wrap=True, highlight=False)
    return 0


# --------------------------------------------------------------------------- train
@dataclass
class Preset:
    """Sensible defaults for training on one data set from the command line."""

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


PRESETS: dict[str, Preset] = {
    "and": Preset([], "sigmoid", "sgd", 1.0, 1000, None, "mse", split=False),
    "or": Preset([], "sigmoid", "sgd", 1.0, 1000, None, "mse", split=False),
    "not": Preset([], "sigmoid", "sgd", 1.0, 1000, None, "mse", split=False),
    "xor": Preset([4], "sigmoid", "sgd", 1.0, 3000, None, "mse", split=False),
    "puzzle": Preset([], "linear", "sgd", 0.0001, 50, None, "sse", split=False),
    # 1000 points: with the default 200, the 40 test points make accuracy a coin toss
    "moons": Preset([16, 16], "relu", "adam", 0.01, 200, 32,
                    kwargs={"noise": 0.2, "n_samples": 1000}),
    "circles": Preset([16, 16], "relu", "adam", 0.01, 200, 32),
    "spirals": Preset([64, 64], "relu", "adam", 0.01, 400, 32),
    "blobs": Preset([16], "relu", "adam", 0.01, 100, 32),
    "cubic": Preset([32, 32], "tanh", "adam", 0.01, 500, 32, "mse"),
    "sine": Preset([32, 32], "tanh", "adam", 0.01, 500, 32, "mse"),
    "digits": Preset([64], "relu", "adam", 0.001, 30, 32, scale=16.0),
    "mnist": Preset([128], "relu", "adam", 0.001, 5, 128),
}


def preset_for(dataset: str) -> Preset:
    """The training defaults for ``dataset``; a data set without its own gets a plain one."""
    from .. import datasets

    name = datasets.DATASETS.canonical(dataset)
    if name in PRESETS:
        return PRESETS[name]
    if datasets.DATASETS[name].task == "regression":
        return Preset([32, 32], "tanh", "adam", 0.01, 500, 32, "mse")
    return Preset([16], "relu", "adam", 0.01, 100, 32)


def build_for_task(n_inputs: int, y: Any, hidden: list[int], activation: str,
                   loss: str | None, seed: int | None) -> tuple[Any, Any, Any]:
    """A Sequential sized for ``y``: returns ``(model, prepared y, head)``.

    The output layer and the loss come from :func:`neuronlab.heads.head_for`: two
    classes get one sigmoid output and binary cross-entropy, more classes a softmax and
    categorical cross-entropy, real numbers a linear output and MSE; a ``loss`` that
    cannot fit ``y`` is refused with a message naming one that does.
    """
    from ..heads import head_for
    from ..layers import Dense
    from ..model import Sequential

    head = head_for(y, loss)
    layers = [Dense(units, activation=activation) for units in hidden] + [head.layer()]
    layers[0].input_shape = (n_inputs,)
    return Sequential(layers, seed=seed), head.prepare(y), head


def cmd_train(args: argparse.Namespace, console: Console) -> int:
    import numpy as np

    from .. import datasets, optimizers

    preset = preset_for(args.dataset)
    dataset = datasets.DATASETS[args.dataset]
    save_to = _save_target(args.save, args.dataset) if args.save is not None else None
    load_kwargs = dict(preset.kwargs)
    if dataset.takes("seed"):
        load_kwargs["seed"] = args.seed
    if args.samples is not None and dataset.takes("n_samples"):
        load_kwargs["n_samples"] = args.samples
    if args.noise is not None and dataset.takes("noise"):
        load_kwargs["noise"] = args.noise
    if dataset.takes("download"):
        load_kwargs.update(directory=args.data_dir, download=args.download)
    X, y = datasets.load(args.dataset, **load_kwargs)
    X = X / preset.scale
    hidden = preset.layers if args.layers is None else args.layers
    _check_size(X.shape[1], hidden)
    activation = args.activation or preset.activation
    model, y, head = build_for_task(X.shape[1], y, hidden, activation, args.loss or preset.loss,
                                    args.seed)
    loss = head.loss
    if args.dataset == "puzzle":
        from ..stories import puzzle_model

        model = puzzle_model()
    learning_rate = preset.learning_rate if args.learning_rate is None else args.learning_rate
    optimizer = optimizers.get(args.optimizer or preset.optimizer, learning_rate=learning_rate)
    model.compile(optimizer=optimizer, loss=loss, metrics=head.metrics)
    if preset.split and not args.no_split:
        X_tr, X_te, y_tr, y_te = datasets.train_test_split(X, y, test_size=args.test_size,
                                                           seed=args.seed)
    else:
        X_tr, X_te, y_tr, y_te = X, None, y, None
    batch = args.batch_size if args.batch_size is not None else preset.batch_size
    epochs = preset.epochs if args.epochs is None else args.epochs
    console.print(f"Training on [bold]{args.dataset}[/] ({len(X_tr)} samples): {model!r}, "
                  f"{optimizer!r}, loss {loss}, {epochs} epochs")
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
    table = Table("split", "samples", "loss", *model.metrics, title="Final metrics")
    for name, Xs, ys in (("train", X_tr, y_tr), ("test", X_te, y_te)):
        if Xs is None:
            continue
        scores = model.evaluate(Xs, ys, return_dict=True)
        table.add_row(name, str(len(Xs)), *[f"{v:.4f}" for v in scores.values()])
    console.print(table)
    console.print(f"Epochs run: {len(history.epoch)}")
    if datasets.DATASETS[args.dataset].source == "table" and head.kind == "binary":
        pred = model.predict(X)[:, 0]
        console.print("Predictions: " + " / ".join(f"{p:.3f}" for p in pred))
    if save_to is not None:
        from ..io import save_model

        path = save_model(model, save_to)
        console.print(f"Saved the model to {path}", soft_wrap=True, highlight=False)
    if args.dataset == "puzzle":  # the question the puzzle asks: 11→23, 23→47, ... 55→?
        from ..stories import PUZZLE_QUESTION, report_steps, step_label

        steps = Table("w and b", f"ŷ for {PUZZLE_QUESTION:g}", title="The puzzle, step by step")
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


# --------------------------------------------------------------------------- main
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


def build_parser() -> argparse.ArgumentParser:
    from .. import activations, datasets, losses, optimizers

    parser = Parser(
        prog="neuronlab",
        description="Neural networks from one neuron up: see every number as it is computed.",
    )
    parser.add_argument("--version", action="version", version=f"neuronlab {__version__}",
                        help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    tour = sub.add_parser("tour", help="walk from one neuron to a trained network (start here)")
    tour.add_argument("--epochs", type=count(1, MAX_EPOCHS), default=3000,
                      help="XOR training epochs")
    tour.add_argument("--plots", metavar="DIR",
                      help="also save the tour's pictures as PNGs in DIR (default: none saved)")
    tour.add_argument("--quiet", action="store_true", help="no progress bar")
    tour.set_defaults(func=cmd_tour)

    neuron = sub.add_parser("neuron", help="compute one neuron step by step")
    neuron.add_argument("--inputs", type=_floats, default=[0.5, -0.3, 0.7], metavar="X1,X2,...",
                        help="the inputs, comma-separated (negative numbers work: -1,2)")
    neuron.add_argument("--weights", type=_floats, default=[0.5, -0.3, 0.8], metavar="W1,W2,...",
                        help="one weight per input, comma-separated")
    neuron.add_argument("--bias", type=_finite, default=0.1, help="the bias b")
    neuron.add_argument("--activation", default="relu", choices=activations.neuron_names(),
                        help="the activation f in ŷ = f(z)")
    neuron.set_defaults(func=cmd_neuron)

    train = sub.add_parser("train", help="train a network on a data set and report",
                           epilog=_catalogue(), formatter_class=CatalogueFormatter)
    train.add_argument("dataset", choices=datasets.names(), help="data set to learn")
    train.add_argument("--layers", type=_ints, metavar="N,N,...",
                       help="hidden layer sizes, e.g. 16,16 (default: the data set's)")
    train.add_argument("--activation", choices=activations.names(hidden=True),
                       help="hidden layers' activation (default: the data set's)")
    train.add_argument("--optimizer", choices=optimizers.names(),
                       help="how the weights move (default: the data set's)")
    train.add_argument("--learning-rate", type=learning_rate,
                       help="step size of each update (default: the data set's)")
    train.add_argument("--batch-size", type=count(1, MAX_BATCH),
                       help="samples per update (default: the data set's; none: all at once)")
    train.add_argument("--epochs", type=count(1, MAX_EPOCHS),
                       help="passes over the data (default: the data set's)")
    train.add_argument("--loss", choices=losses.names(),
                       help="what training minimises (default: chosen from the targets)")
    train.add_argument("--seed", type=count(0, MAX_SEED), default=0,
                       help="seed for the data and the first weights")
    train.add_argument("--samples", type=count(1, MAX_SAMPLES),
                       help="how many points to generate (default: the data set's)")
    train.add_argument("--noise", type=interval(0, 10),
                       help="noise of generated data sets (default: the data set's)")
    train.add_argument("--test-size", type=interval(0, 1, open_low=True, open_high=True),
                       default=0.2, help="held-out share")
    train.add_argument("--no-split", action="store_true", help="train and report on all data")
    train.add_argument("--save", metavar="PATH",
                       help="save the trained model to PATH (.npz), or inside PATH if it is "
                            "a folder (default: not saved)")
    train.add_argument("--data-dir", metavar="DIR",
                       help="MNIST: folder with the IDX files (default: the cache folder)")
    train.add_argument("--download", action="store_true", help="MNIST: download if missing")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.set_defaults(func=cmd_train)

    for name in EXTENSIONS:
        try:
            module = importlib.import_module(f"neuronlab.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"neuronlab.cli.{name}":
                raise
            continue
        module.register(sub)
    return parser


def _one_line(text: str) -> str:
    """An error message as one line, safe from rich's markup."""
    from rich.markup import escape

    return escape(" ".join(text.split()))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    console = Console()
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args, console) or 0)
    except (NeuronlabError, ValueError, TypeError) as exc:
        console.print(f"[bold red]error:[/] {_one_line(str(exc))}", soft_wrap=True)
        return 2
    except OSError as exc:  # a file or folder that cannot be read or written
        text = f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")
        console.print(f"[bold red]error:[/] {_one_line(text)}", soft_wrap=True)
        return 2
    except KeyboardInterrupt:
        console.print("interrupted")
        return 130

