"""Learning-rate schedules with Keras's names and formulas (``keras.optimizers.schedules``).

A schedule is a function of the step count ``step`` (0 for the first update): give one
as an optimizer's ``learning_rate`` and each update uses ``schedule(step)``.

>>> s = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
>>> [round(s(step), 4) for step in (0, 10, 20)]
[0.1, 0.05, 0.025]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .checks import check_bool, check_int, check_number, check_positive
from .errors import ConfigError


class LearningRateSchedule:
    """Base class: ``schedule(step)`` is the learning rate of update number ``step``."""

    def __call__(self, step: int) -> float:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (the exponent
    rounded down with ``staircase=True``)."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False) -> None:
        self.initial_learning_rate = check_positive(initial_learning_rate,
                                                    "initial_learning_rate")
        self.decay_steps = check_int(decay_steps, "decay_steps")
        self.decay_rate = check_positive(decay_rate, "decay_rate")
        self.staircase = check_bool(staircase, "staircase")

    def __call__(self, step: int) -> float:
        p = step / self.decay_steps
        return self.initial_learning_rate * self.decay_rate ** (math.floor(p)
                                                                if self.staircase else p)

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase}


class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False) -> None:
        self.initial_learning_rate = check_positive(initial_learning_rate,
                                                    "initial_learning_rate")
        self.decay_steps = check_int(decay_steps, "decay_steps")
        self.decay_rate = check_positive(decay_rate, "decay_rate", allow_zero=True)
        self.staircase = check_bool(staircase, "staircase")

    def __call__(self, step: int) -> float:
        p = step / self.decay_steps
        return self.initial_learning_rate / (1 + self.decay_rate * (math.floor(p)
                                                                    if self.staircase else p))

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase}


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` up to step ``boundaries[0]`` (inclusive), ``values[1]`` up to
    ``boundaries[1]``, ..., ``values[-1]`` after the last boundary."""

    def __init__(self, boundaries: Sequence[int], values: Sequence[float]) -> None:
        if not isinstance(boundaries, (list, tuple)) or not isinstance(values, (list, tuple)) \
                or len(values) != len(boundaries) + 1:
            raise ConfigError("PiecewiseConstantDecay takes boundaries (a list of steps) and "
                              "values with one more entry than boundaries.")
        self.boundaries = [check_int(b, "boundary", minimum=0) for b in boundaries]
        self.values = [check_positive(v, "learning rate value") for v in values]

    def __call__(self, step: int) -> float:
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return value
        return self.values[-1]

    def get_config(self) -> dict[str, Any]:
        return {"boundaries": list(self.boundaries), "values": list(self.values)}


class CosineDecay(LearningRateSchedule):
    """Half a cosine from ``initial_learning_rate`` down to ``alpha`` times it over
    ``decay_steps`` steps, then constant (Keras's form without warm-up)."""

    def __init__(self, initial_learning_rate: float, decay_steps: int,
                 alpha: float = 0.0) -> None:
        self.initial_learning_rate = check_positive(initial_learning_rate,
                                                    "initial_learning_rate")
        self.decay_steps = check_int(decay_steps, "decay_steps")
        self.alpha = check_number(alpha, "alpha", 0, 1)

    def __call__(self, step: int) -> float:
        fraction = min(step, self.decay_steps) / self.decay_steps
        cosine = 0.5 * (1 + math.cos(math.pi * fraction))
        return self.initial_learning_rate * ((1 - self.alpha) * cosine + self.alpha)

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha}


SCHEDULES = {cls.__name__: cls for cls in (ExponentialDecay, InverseTimeDecay,
                                           PiecewiseConstantDecay, CosineDecay)}


def from_config(config: dict[str, Any]) -> LearningRateSchedule:
    """Rebuild a schedule from ``{"class_name": ..., "config": {...}}``."""
    if not isinstance(config, dict) or config.get("class_name") not in SCHEDULES:
        raise ConfigError(f"A schedule config names one of {', '.join(SCHEDULES)}; got "
                          f"{repr(config)[:60]}.")
    return SCHEDULES[config["class_name"]](**config.get("config", {}))


__all__ = ["CosineDecay", "ExponentialDecay", "InverseTimeDecay", "LearningRateSchedule",
           "PiecewiseConstantDecay", "from_config"]
