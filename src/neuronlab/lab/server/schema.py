"""What the lab accepts: the size limits and the checks on every request field.

Every check raises :class:`BadRequest` with a message that names the field, says what
was expected and what arrived, so the page can show it as it is. The server turns
``BadRequest`` into a 4xx JSON answer ``{"error": "..."}``.

>>> numbers([0.5, -0.3], "inputs", 1, LIMITS.inputs)
[0.5, -0.3]
>>> numbers([1] * 7, "inputs", 1, LIMITS.inputs)
Traceback (most recent call last):
...
neuronlab.lab.server.schema.BadRequest: 'inputs' must be a list of 1 to 6 numbers, got 7.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import Any

from ... import activations, datasets, optimizers
from ...errors import NeuronlabError


class BadRequest(NeuronlabError, ValueError):
    """A request the lab cannot serve; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Limits:
    """Upper bounds on everything a request can ask for."""

    inputs: int = 6  # inputs of the neuron and the layer
    neurons: int = 8  # neurons of the layer view and of each hidden layer
    hidden_layers: int = 6
    batch_rows: int = 32
    points: int = 2000  # samples of a playground data set
    own_points: int = 300  # points a learner adds by hand or from a CSV file
    csv_bytes: int = 16 * 1024
    sessions: int = 8  # playground sessions alive at once
    epochs_per_request: int = 2000
    value: float = 1000.0  # |input|, |weight|, |bias| in the neuron, layer and batch views
    body_bytes: int = 64 * 1024
    message_bytes: int = 4 * 1024  # one WebSocket message from the page
    learning_rate: float = 10.0
    l2: float = 1.0
    noise: float = 3.0
    seed: int = 2**31 - 1


LIMITS = Limits()

class Names(Collection[str]):
    """Names read from their table each time they are used, so a registration shows at once."""

    def __init__(self, source: Callable[[], tuple[str, ...]]) -> None:
        self._source = source

    def __iter__(self) -> Iterator[str]:
        return iter(self._source())

    def __len__(self) -> int:
        return len(self._source())

    def __contains__(self, name: object) -> bool:
        return name in self._source()

    def __repr__(self) -> str:
        return repr(self._source())


#: What the neuron and layer views compute with the pure-Python neuron.
NEURON_ACTIVATIONS = Names(activations.neuron_names)
HIDDEN_ACTIVATIONS = Names(lambda: activations.names(hidden=True))
#: The data sets that make noisy 2-D points for the playground.
DATASETS = Names(lambda: datasets.names(points=True))
OPTIMIZERS = Names(optimizers.names)


def descriptions() -> dict[str, dict[str, str]]:
    """One line about every activation, data set and optimizer the lab offers, by name."""
    return {
        "activations": {name: activations.TABLE[name].description
                        for name in (*NEURON_ACTIVATIONS, *HIDDEN_ACTIVATIONS)},
        "datasets": {name: datasets.DATASETS[name].description for name in DATASETS},
        "optimizers": {name: optimizers.TABLE[name].description for name in OPTIMIZERS},
    }


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def number(value: Any, field: str, low: float | None = None, high: float | None = None) -> float:
    """``value`` as a finite float within ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadRequest(f"'{field}' must be a number, got {_show(value)}.")
    try:
        result = float(value)
    except OverflowError:  # a whole number of hundreds of digits
        result = math.inf
    if not math.isfinite(result):
        raise BadRequest(f"'{field}' must be a finite number, got {_show(value)}.")
    if (low is not None and result < low) or (high is not None and result > high):
        raise BadRequest(f"'{field}' must be between {low:g} and {high:g}, got {result:g}.")
    return result


def integer(value: Any, field: str, low: int, high: int) -> int:
    """``value`` as an int within ``[low, high]`` (a float like 3.0 is not accepted)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"'{field}' must be a whole number, got {_show(value)}.")
    if not low <= value <= high:
        raise BadRequest(f"'{field}' must be between {low} and {high}, got {_show(value)}.")
    return value


def numbers(value: Any, field: str, least: int, most: int,
            bound: float = LIMITS.value) -> list[float]:
    """A list of ``least`` to ``most`` finite numbers, each within ``±bound``."""
    if not isinstance(value, list):
        raise BadRequest(f"'{field}' must be a list of numbers, got {_show(value)}.")
    if not least <= len(value) <= most:
        raise BadRequest(
            f"'{field}' must be a list of {least} to {most} numbers, got {len(value)}."
        )
    return [number(v, f"{field}[{i}]", -bound, bound) for i, v in enumerate(value)]


def matrix(value: Any, field: str, rows: int, columns: int) -> list[list[float]]:
    """A rectangular list of 1..``rows`` rows of 1..``columns`` numbers."""
    if not isinstance(value, list) or not 1 <= len(value) <= rows:
        count = len(value) if isinstance(value, list) else _show(value)
        raise BadRequest(f"'{field}' must be a list of 1 to {rows} rows, got {count}.")
    result = [numbers(row, f"{field}[{i}]", 1, columns) for i, row in enumerate(value)]
    widths = {len(row) for row in result}
    if len(widths) != 1:
        raise BadRequest(
            f"Every row of '{field}' needs the same number of values; got lengths "
            f"{sorted(widths)}."
        )
    return result


def points_list(value: Any, field: str) -> list[tuple[float, float, float]]:
    """Up to ``LIMITS.own_points`` points ``[x1, x2, label]`` (a class 0..3, or a target)."""
    if not isinstance(value, list) or len(value) > LIMITS.own_points:
        count = len(value) if isinstance(value, list) else _show(value)
        raise BadRequest(f"'{field}' must be a list of at most {LIMITS.own_points} points "
                         f"[x1, x2, label], got {count}.")
    points = []
    for i, point in enumerate(value):
        x1, x2, label = numbers(point, f"{field}[{i}]", 3, 3, bound=100.0)
        points.append((x1, x2, label))
    return points


def parse_csv(text: Any) -> list[tuple[float, float, float]]:
    """Points from CSV text ``x1,x2,label`` per row (a header row is allowed).

    >>> parse_csv("x1,x2,label\\n0.5,1,0\\n-1,2,1\\n")
    [(0.5, 1.0, 0.0), (-1.0, 2.0, 1.0)]
    >>> parse_csv("1,2,0\\n3,four,1")
    Traceback (most recent call last):
    ...
    neuronlab.lab.server.schema.BadRequest: Row 2 of the CSV: 'four' is not a number. Each row ...
    """
    if not isinstance(text, str) or len(text) > LIMITS.csv_bytes:
        raise BadRequest(f"The CSV must be text of at most {LIMITS.csv_bytes} bytes.")
    points: list[tuple[float, float, float]] = []
    for number_, line in enumerate(text.splitlines(), start=1):
        cells = [cell.strip() for cell in line.split(",")]
        if cells == [""]:
            continue
        hint = "Each row is x1,x2,label, e.g. 0.5,-1.2,1 (a header row x1,x2,label may come first)."
        if len(cells) != 3:
            raise BadRequest(f"Row {number_} of the CSV has {len(cells)} value(s), not 3: "
                             f"{line[:40]!r}. {hint}")
        try:
            values = [float(cell) for cell in cells]
        except ValueError:
            if number_ == 1 and not points:
                continue  # a header row
            bad = next(c for c in cells if not _is_number(c))
            raise BadRequest(f"Row {number_} of the CSV: {bad[:20]!r} is not a number. "
                             f"{hint}") from None
        if not all(math.isfinite(v) and abs(v) <= 100 for v in values):
            raise BadRequest(f"Row {number_} of the CSV: every value must be a finite number "
                             f"between -100 and 100, got {line[:40]!r}.")
        points.append((values[0], values[1], values[2]))
        if len(points) > LIMITS.own_points:
            raise BadRequest(f"The CSV has more than {LIMITS.own_points} rows (row "
                             f"{number_}); keep at most {LIMITS.own_points} points.")
    if not points:
        raise BadRequest("The CSV has no rows of numbers; each row is x1,x2,label.")
    return points


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def choice(value: Any, field: str, options: Collection[str]) -> str:
    """One of ``options`` (case-insensitive)."""
    key = value.strip().lower() if isinstance(value, str) else None
    if key is None or key not in options:
        raise BadRequest(f"'{field}' must be one of {', '.join(options)}; got {_show(value)}.")
    return key


def obj(value: Any, what: str = "the request body") -> dict[str, Any]:
    """``value`` if it is a JSON object."""
    if not isinstance(value, dict):
        raise BadRequest(f"{what} must be a JSON object like {{\"inputs\": [...]}}, "
                         f"got {_show(value)}.")
    return value


def only(body: dict[str, Any], allowed: tuple[str, ...]) -> None:
    """Reject fields the endpoint does not know (a typo should not pass in silence)."""
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise BadRequest(
            f"Unknown field(s) {', '.join(map(repr, unknown))}; this endpoint takes "
            f"{', '.join(allowed)}."
        )


def require(body: dict[str, Any], field: str) -> Any:
    if field not in body:
        raise BadRequest(f"Missing field '{field}'.")
    return body[field]
