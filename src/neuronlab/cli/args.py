"""What every ``neuronlab`` command shares: the parser, the help's formatting, and the
argument types that refuse a bad value with one line saying what was expected.

>>> floats("-1,2.5")
[-1.0, 2.5]
>>> count(1, 10)("3")
3
"""

from __future__ import annotations

import argparse
import math
import re
import textwrap
from collections.abc import Callable
from typing import Any

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

    def _split_lines(self, text: str, width: int) -> list[str]:
        # never break a name at its hyphen (nnfs-spirals, --learning-rate)
        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "(default" in text or action.default is argparse.SUPPRESS:
            return text  # the text says its default itself
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


def floats(text: str) -> list[float]:
    """An argparse type: comma-separated finite numbers (``0.5,-0.3,0.7``)."""
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated numbers like 0.5,-0.3,0.7, got {text!r}"
        ) from None
    if not all(math.isfinite(v) for v in values):
        raise argparse.ArgumentTypeError(f"expected finite numbers, got {text!r}")
    return values


def finite(text: str) -> float:
    """An argparse type: one finite number."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number like -0.5, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def ints(text: str) -> list[int]:
    """An argparse type: hidden layer sizes (``16,16``), each from 1 to ``MAX_UNITS``."""
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
        value = finite(text)
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
    from ..checks import check_positive
    from ..errors import ConfigError

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
