"""The ``neuronlab`` command line: one module per command, registered here.

::

    cli/
      __init__.py   build_parser() and main(): the commands, in the order ``--help`` lists them
      args.py       the parser, the help's formatting, the argument types every command uses
      tour.py       neuronlab tour      a walk from one neuron to a trained network
      neuron.py     neuronlab neuron    one neuron computed step by step
      train.py      neuronlab train     train on a data set (and the presets plot shares)
      plot.py       neuronlab plot      the lessons' pictures as PNG files and GIFs
      lab.py        neuronlab lab       the local web lab
      learn.py      neuronlab learn     the learning path: lessons, exercises, quizzes

Each command module has ``register(subparsers)``, which adds its parser and sets
``func`` to the function that runs it. Registering imports no heavy library: matplotlib,
torch, the web lab and the learning path are imported by the command that needs them.
"""

from __future__ import annotations

import argparse

from rich.console import Console

from .. import __version__
from ..errors import NeuronlabError
from . import lab, learn, neuron, plot, tour, train
from .args import Parser


def build_parser() -> argparse.ArgumentParser:
    """The ``neuronlab`` parser with every command registered."""
    parser = Parser(
        prog="neuronlab",
        description="Neural networks from one neuron up: see every number as it is computed.",
    )
    parser.add_argument("--version", action="version", version=f"neuronlab {__version__}",
                        help="print the version and exit")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    tour.register(subparsers)
    neuron.register(subparsers)
    train.register(subparsers)
    plot.register(subparsers)
    lab.register(subparsers)
    learn.register(subparsers)
    return parser


def _one_line(text: str) -> str:
    """An error message as one line, safe from rich's markup."""
    from rich.markup import escape

    return escape(" ".join(text.split()))


def main(argv: list[str] | None = None) -> int:
    """Run ``neuronlab`` with ``argv``: 0 on success, 2 with one line for a bad request."""
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

