"""The ``neuronlab`` command line: ``tour``, ``neuron``, ``train`` and friends."""

from __future__ import annotations

import argparse
import importlib
import sys
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table

from .errors import NeuronlabError

EXTENSIONS = ("plot", "lab", "learn")  # modules neuronlab.cli_<name> that add a command


def _floats(text: str) -> list[float]:
    try:
        return [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated numbers like 0.5,-0.3,0.7, got {text!r}"
        ) from None


def _ints(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated whole numbers like 16,16, got {text!r}"
        ) from None
    if any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"layer sizes must be >= 1, got {text!r}")
    return values


# --------------------------------------------------------------------------- tour
def cmd_tour(args: argparse.Namespace, console: Console) -> int:
    from .tour import run_tour

    run_tour(console, epochs=args.epochs, verbose=0 if args.quiet else 1, plots=args.plots)
    return 0


# --------------------------------------------------------------------------- neuron
def cmd_neuron(args: argparse.Namespace, console: Console) -> int:
    from .neuron import Neuron

    neuron = Neuron(args.weights, args.bias, args.activation)
    explanation = neuron.explain(args.inputs)
    table = Table("input x", "weight w", "x × w")
    for x, w, p in zip(explanation.inputs, explanation.weights, explanation.products):
        table.add_row(f"{x:g}", f"{w:g}", f"{p:.4f}")
    console.print(table)
    console.print(f"sum = {explanation.sum:.4f}, + bias {explanation.bias:g}")
    console.print(explanation.z_line())
    console.print(explanation.y_line())
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
    from . import datasets

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
    from .heads import head_for
    from .layers import Dense
    from .model import Sequential

    head = head_for(y, loss)
    layers = [Dense(units, activation=activation) for units in hidden] + [head.layer()]
    layers[0].input_shape = (n_inputs,)
    return Sequential(layers, seed=seed), head.prepare(y), head


def cmd_train(args: argparse.Namespace, console: Console) -> int:
    from . import datasets, optimizers

    preset = preset_for(args.dataset)
    dataset = datasets.DATASETS[args.dataset]
    load_kwargs = dict(preset.kwargs)
    if dataset.takes("seed"):
        load_kwargs["seed"] = args.seed
    if args.samples and dataset.takes("n_samples"):
        load_kwargs["n_samples"] = args.samples
    if args.noise is not None and dataset.takes("noise"):
        load_kwargs["noise"] = args.noise
    if dataset.takes("download"):
        load_kwargs.update(directory=args.data_dir, download=args.download)
    X, y = datasets.load(args.dataset, **load_kwargs)
    X = X / preset.scale
    hidden = preset.layers if args.layers is None else args.layers
    activation = args.activation or preset.activation
    model, y, head = build_for_task(X.shape[1], y, hidden, activation, args.loss or preset.loss,
                                    args.seed)
    loss = head.loss
    if args.dataset == "puzzle":
        from .stories import puzzle_model

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
    epochs = args.epochs or preset.epochs
    console.print(f"Training on [bold]{args.dataset}[/] ({len(X_tr)} samples): {model!r}, "
                  f"{optimizer!r}, loss {loss}, {epochs} epochs")
    validation = (X_te, y_te) if X_te is not None else None
    history = model.fit(X_tr, y_tr, epochs=epochs, batch_size=batch or len(X_tr),
                        seed=args.seed, verbose=0 if args.quiet else 1,
                        validation_data=validation)
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
    if args.save:
        from .io import save_model

        path = save_model(model, args.save)
        console.print(f"Saved the model to {path}")
    return 0


# --------------------------------------------------------------------------- main
def _catalogue() -> str:
    """Every data set, activation, optimizer and loss with its one-line description."""
    from . import activations, datasets, losses, optimizers

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
    from . import activations, datasets, losses, optimizers

    parser = argparse.ArgumentParser(
        prog="neuronlab",
        description="Neural networks from one neuron up: see every number as it is computed.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    tour = sub.add_parser("tour", help="walk from one neuron to a trained network (start here)")
    tour.add_argument("--epochs", type=int, default=3000, help="XOR training epochs (3000)")
    tour.add_argument("--plots", metavar="DIR", help="also save the tour's pictures as PNGs")
    tour.add_argument("--quiet", action="store_true", help="no progress bar")
    tour.set_defaults(func=cmd_tour)

    neuron = sub.add_parser("neuron", help="compute one neuron step by step")
    neuron.add_argument("--inputs", type=_floats, default=[0.5, -0.3, 0.7])
    neuron.add_argument("--weights", type=_floats, default=[0.5, -0.3, 0.8])
    neuron.add_argument("--bias", type=float, default=0.1)
    neuron.add_argument("--activation", default="relu", choices=activations.neuron_names())
    neuron.set_defaults(func=cmd_neuron)

    train = sub.add_parser("train", help="train a network on a data set and report",
                           epilog=_catalogue(),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    train.add_argument("dataset", choices=datasets.names(), help="data set to learn")
    train.add_argument("--layers", type=_ints, help="hidden layer sizes, e.g. 16,16")
    train.add_argument("--activation", choices=activations.names(hidden=True),
                       help="hidden layers' activation (default: the data set's)")
    train.add_argument("--optimizer", choices=optimizers.names())
    train.add_argument("--learning-rate", type=float)
    train.add_argument("--batch-size", type=int)
    train.add_argument("--epochs", type=int)
    train.add_argument("--loss", choices=losses.names(),
                       help="default: the one that fits the data set's targets")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--samples", type=int, help="how many points to generate")
    train.add_argument("--noise", type=float, help="noise of generated data sets")
    train.add_argument("--test-size", type=float, default=0.2, help="held-out share (0.2)")
    train.add_argument("--no-split", action="store_true", help="train and report on all data")
    train.add_argument("--save", metavar="PATH", help="save the trained model (JSON + .npz)")
    train.add_argument("--data-dir", help="MNIST: folder with the IDX files")
    train.add_argument("--download", action="store_true", help="MNIST: download if missing")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.set_defaults(func=cmd_train)

    for name in EXTENSIONS:
        try:
            module = importlib.import_module(f"neuronlab.cli_{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"neuronlab.cli_{name}":
                raise
            continue
        module.register(sub)
    return parser


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
        console.print(f"[bold red]error:[/] {exc}")
        return 2
    except OSError as exc:  # a file or folder that cannot be read or written
        console.print(f"[bold red]error:[/] {exc.strerror or exc}: {exc.filename or ''}".rstrip())
        return 1
    except KeyboardInterrupt:
        console.print("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
