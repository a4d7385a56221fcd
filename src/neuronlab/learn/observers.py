"""What the checker reads from a learner's answer when it is not compared as returned.

These run next to the learner's code (in the process that runs the learner's file):
``gate`` builds a step neuron from the learner's weights and reads its truth table;
``xor_model`` reads how the learner's model is built and compiled, then trains it.
They know nothing of the expected answers, which the checker computes elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np

from ..datasets import xor as xor_data
from ..layers import Dense
from ..model import Sequential
from ..neuron import Neuron
from .exercises import AnswerError, Case
from .values import describe, show

GATE_INPUTS: dict[int, list[tuple[float, ...]]] = {
    2: [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)], 1: [(0.0,), (1.0,)]}


def truth_table(name: str, neuron: Neuron) -> dict[str, float]:
    rows = GATE_INPUTS[len(neuron.weights)]
    return {f"{name.upper()}{tuple(int(v) for v in row)}".replace(",)", ")"): neuron(list(row))
            for row in rows}


def gate_observe(value: Any, case: Case) -> dict[str, float]:
    name = case.args[0]
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise AnswerError(f"gate({name!r}) should return (weights, bias), like "
                          f"([1.0, 1.0], 0.5); got {describe(value)}")
    weights, bias = value
    n = 1 if name == "not" else 2
    if not isinstance(weights, (list, tuple, np.ndarray)) or len(weights) != n:
        raise AnswerError(f"{name.upper()} has {n} input(s), so it needs {n} weight(s); got "
                          f"weights {show(weights)}")
    try:
        neuron = Neuron(list(weights), bias, "step")
    except (TypeError, ValueError) as exc:
        raise AnswerError(f"these weights and bias do not make a neuron: {exc}") from None
    return truth_table(name, neuron)


def model_aspect(model: Any, case: Case) -> Any:
    if not isinstance(model, Sequential):
        raise AnswerError(f"xor_model() should return a Sequential model, got {describe(model)}")
    if case.key == "layers":
        parts = []
        for layer in model.layers:
            if not layer.fully_connected:
                parts.append(repr(layer))
                continue
            dense = cast(Dense, layer)
            inputs = f", input_shape={dense.input_shape}" if dense.input_shape else ""
            parts.append(f"Dense({dense.units}, {dense.activation.name}{inputs})")
        return " -> ".join(parts)
    if case.key == "compiled":
        if model.optimizer is None or model.loss is None:
            return "not compiled"
        return (f"optimizer {model.optimizer.name} (learning_rate "
                f"{model.optimizer.learning_rate:g}), loss {model.loss.name}")
    if model.optimizer is None or model.loss is None:
        raise AnswerError("the model is not compiled, so it cannot be trained: call "
                          "model.compile(...) before returning it")
    X, y = xor_data()
    model.fit(X, y, epochs=3000, verbose=0)
    return [float(round(p)) for p in model.predict(X)[:, 0]]



#: The observer of each exercise that has one, by exercise name.
OBSERVERS: dict[str, Callable[[Any, Case], Any]] = {"gate": gate_observe,
                                                    "xor_model": model_aspect}
