"""``neuronlab neuron``: compute one neuron step by step, every number shown."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console
from rich.table import Table

from .args import finite, floats


def register(subparsers: Any) -> None:
    """Add the ``neuron`` command to the ``neuronlab`` parser."""
    from ..activations import neuron_names

    neuron = subparsers.add_parser("neuron", help="compute one neuron step by step")
    neuron.add_argument("--inputs", type=floats, default=[0.5, -0.3, 0.7], metavar="X1,X2,...",
                        help="the inputs, comma-separated (negative numbers work: -1,2)")
    neuron.add_argument("--weights", type=floats, default=[0.5, -0.3, 0.8], metavar="W1,W2,...",
                        help="one weight per input, comma-separated")
    neuron.add_argument("--bias", type=finite, default=0.1, help="the bias b")
    neuron.add_argument("--activation", default="relu", choices=neuron_names(),
                        help="the activation f in ŷ = f(z)")
    neuron.set_defaults(func=cmd_neuron)


def cmd_neuron(args: argparse.Namespace, console: Console) -> int:
    from ..neuron import Neuron

    neuron = Neuron(args.weights, args.bias, args.activation)
    explanation = neuron.explain(args.inputs)
    table = Table("input x", "weight w", "x × w")
    for x, w, p in zip(explanation.inputs, explanation.weights, explanation.products):
        table.add_row(f"{x:g}", f"{w:g}", f"{p:.4f}" if p == 0 or abs(p) >= 5e-5 else f"{p:.3g}")
    console.print(table)
    for line in explanation.lines():
        console.print(line, soft_wrap=True, highlight=False)
    return 0
