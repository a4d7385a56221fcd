"""``neuronlab tour``: walk from one neuron to a trained network in the terminal."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console

from .args import MAX_EPOCHS, count


def register(subparsers: Any) -> None:
    """Add the ``tour`` command to the ``neuronlab`` parser."""
    tour = subparsers.add_parser(
        "tour", help="walk from one neuron to a trained network (start here)")
    tour.add_argument("--epochs", type=count(1, MAX_EPOCHS), default=3000,
                      help="XOR training epochs")
    tour.add_argument("--plots", metavar="DIR",
                      help="also save the tour's pictures as PNGs in DIR (default: none saved)")
    tour.add_argument("--quiet", action="store_true", help="no progress bar")
    tour.set_defaults(func=cmd_tour)


def cmd_tour(args: argparse.Namespace, console: Console) -> int:
    from ..tour import run_tour

    run_tour(console, epochs=args.epochs, verbose=0 if args.quiet else 1, plots=args.plots)
    return 0
