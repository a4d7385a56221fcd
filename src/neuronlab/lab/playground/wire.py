"""The playground's numbers as the page gets them: pictures as bytes, curves thinned.

A heatmap goes to the page as one byte per cell in base64 (:class:`Picture`); a page
that already shows a picture is sent it again only once it moved by more than a
tolerance (:class:`Seen` records what the page has). Numbers that are NaN or infinite
become ``null``: JSON has no NaN.

>>> finite(float("nan")), finite(0.1234567), thin([3.0, 2.0, 1.0], most=2)
(None, 0.123457, ([1, 3], [3.0, 1.0]))
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

BOUNDARY_SIZE = 40  # cells per side of the decision-boundary heatmap
NEURON_SIZE = 12  # cells per side of each neuron's heatmap (drawn 40 px wide, smoothed)
CURVE_POINTS = 300  # at most this many points per loss curve in a frame
PLAY_TOLERANCE = 3  # while playing, a picture is sent again once a cell moved this much (of 255)


def to_bytes(values: np.ndarray) -> np.ndarray:
    """Numbers in [0, 1] -> bytes 0..255 (row 0 is the top row of the picture)."""
    clipped = np.clip(np.nan_to_num(values, nan=0.5), 0.0, 1.0)
    return np.round(clipped * 255).astype(np.uint8)


def b64(cells: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(cells).tobytes()).decode("ascii")


@dataclass
class Picture:
    """One heatmap as the page gets it: its bytes, and the range of the values behind them."""

    cells: np.ndarray  # uint8, one byte per cell
    low: float | None
    high: float | None

    def json(self) -> dict[str, Any]:
        return {"size": NEURON_SIZE, "grid": b64(self.cells), "low": self.low,
                "high": self.high}

    def close_to(self, other: Picture | None, tolerance: int) -> bool:
        """Within ``tolerance`` (of 255) in every cell, and the range within as much."""
        if other is None or other.cells.shape != self.cells.shape:
            return False
        if int(np.abs(self.cells.astype(np.int16) - other.cells).max(initial=0)) > tolerance:
            return False
        if None in (self.low, self.high, other.low, other.high):
            return (self.low, self.high) == (other.low, other.high)
        assert self.low is not None and self.high is not None
        assert other.low is not None and other.high is not None
        span = tolerance / 255 * max(abs(self.low), abs(self.high))
        return abs(self.low - other.low) <= span and abs(self.high - other.high) <= span


def pictures(values: np.ndarray) -> list[Picture]:
    """Each column of ``values`` (cells x neurons) as a :class:`Picture`, scaled by its
    largest absolute value, so that byte 128 is 0."""
    values = np.nan_to_num(values.astype(np.float64), posinf=1e30, neginf=-1e30)
    scale = np.abs(values).max(axis=0, initial=0.0)
    scale[scale == 0] = 1.0
    cells = to_bytes((values / scale + 1) / 2).T.copy()  # one row per neuron
    lows, highs = values.min(axis=0, initial=np.inf), values.max(axis=0, initial=-np.inf)
    return [Picture(cells[j], finite(lows[j], 4), finite(highs[j], 4))
            for j in range(values.shape[1])]


@dataclass
class Seen:
    """What one page already shows of a session (the stream keeps one per page).

    :meth:`Session.frame_for` sends only what differs from it and then updates it: the
    curve points after the first ``curve``, and each picture (boundary, input feature,
    hidden neuron) that moved by more than the tolerance since it was last sent.
    """

    generation: int = -1  # the configuration the page has; -1: nothing yet
    full_frames: int = -1  # Session.full_frames when this page was last sent a frame
    curve: int = 0  # curve points the page has
    boundary: Picture | None = None
    pictures: dict[tuple[int, int], Picture] | None = None  # (column, neuron) -> picture


def finite(value: float, digits: int = 6) -> float | None:
    """``value`` rounded, or ``None`` (JSON null) when it is NaN or infinite."""
    return round(float(value), digits) if math.isfinite(value) else None


def finite_list(values: np.ndarray, digits: int = 4) -> list[Any]:
    rounded = np.round(values.astype(np.float64), digits).astype(object)
    rounded[~np.isfinite(values.astype(np.float64))] = None
    return list(rounded.tolist())


def thin(values: list[float], most: int = CURVE_POINTS) -> tuple[list[int], list[float | None]]:
    """At most ``most`` evenly spaced (epoch, value) points of a curve, always with the last."""
    n = len(values)
    picks = range(n) if n <= most else sorted({round(i * (n - 1) / (most - 1))
                                               for i in range(most)})
    return [i + 1 for i in picks], [finite(values[i]) for i in picks]
