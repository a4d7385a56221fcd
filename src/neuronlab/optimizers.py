"""Optimizers: how each parameter moves once its gradient is known.

Every optimizer takes ``learning_rate=`` and has one ``step(parameters)``, where
``parameters`` is a list of ``(value, gradient)`` array pairs; values are updated in
place. Update rules use PyTorch's conventions, so one step matches ``torch.optim``.

>>> import numpy as np
>>> w, g = np.array([1.0]), np.array([0.5])
>>> SGD(learning_rate=0.1).step([(w, g)])
>>> w
array([0.95])
"""

from __future__ import annotations

import weakref
from typing import Any, TypeVar

import numpy as np

from .checks import check_bool, check_call, check_number, check_positive
from .errors import ConfigError
from .tables import Table

Parameters = list[tuple[np.ndarray, np.ndarray]]
FlatParameters = tuple[np.ndarray, np.ndarray]
OptimizerT = TypeVar("OptimizerT", bound="Optimizer")


class Optimizer:
    """Base class: holds ``learning_rate``, the step count and per-parameter state.

    ``name``, ``aliases``, a one-line ``description``, ``torch`` (the ``torch.optim``
    class doing the same update) and :attr:`rule` (its update written as a formula) are
    what the rest of neuronlab knows about it.
    """

    name = "optimizer"
    aliases: tuple[str, ...] = ()
    description = ""
    torch: str | None = None

    def __new__(cls: type[OptimizerT], *args: Any, **kwargs: Any) -> OptimizerT:
        if args or kwargs:  # (copy and pickle call __new__ with none)
            check_call(cls.__name__, cls.__init__, args, kwargs)  # e.g. lr= gets a clear error
        return super().__new__(cls)

    def __init__(self, learning_rate: float | Any = 0.01) -> None:
        from .schedules import LearningRateSchedule

        # a schedule (keras.optimizers.schedules) gives the rate of each update by its step
        self.schedule = learning_rate if isinstance(learning_rate, LearningRateSchedule) \
            else None
        if self.schedule is not None:
            learning_rate = self.schedule(0)
        self.learning_rate = check_positive(learning_rate, "learning_rate")
        self.iterations = 0
        self.state: list[dict[str, np.ndarray]] = []
        self._owner: weakref.ref[Any] | None = None

    def attach(self, model: Any) -> None:
        """Bind this optimizer to the model it trains (``compile`` calls this).

        Its state (momentum, step count) belongs to that one model, so a second model
        gets an error instead of silently inheriting it.
        """
        owner = self._owner() if self._owner is not None else None
        if owner is not None and owner is not model:
            raise ConfigError(
                f"This {type(self).__name__} already trains another model, and its state "
                "(step count, momentum) belongs to that model. Give each model its own "
                f"optimizer, e.g. compile(optimizer={type(self).__name__}"
                f"(learning_rate={self.learning_rate:g}))."
            )
        self._owner = weakref.ref(model)

    @property
    def rule(self) -> str:
        """The update, written for one weight ``w`` with gradient ``∂L/∂w`` (as the lab
        shows it); a subclass writes its own."""
        return f"{self.name}: {self.description}"

    @property
    def elementwise(self) -> bool:
        """True if the update treats every number alike and keeps no state (plain SGD)."""
        return False

    def step(self, parameters: Parameters, flat: FlatParameters | None = None) -> None:
        """Update every ``(value, gradient)`` pair in place.

        ``flat``, if given, holds the same numbers as two flat arrays (values, gradients)
        that every pair is a view of; an ``elementwise`` update uses it, one call in all.
        """
        if self.schedule is not None:
            self.learning_rate = float(self.schedule(self.iterations))
        self.iterations += 1
        if flat is not None and self.elementwise:  # (no state to keep)
            self._update(flat[0], flat[1], {})
            return
        if len(self.state) != len(parameters):
            self.state = [self._new_state(value) for value, _ in parameters]
        for (value, grad), state in zip(parameters, self.state):
            self._update(value, grad, state)

    def _new_state(self, value: np.ndarray) -> dict[str, np.ndarray]:
        return {}

    def _update(self, value: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]) -> None:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        if self.schedule is not None:
            rate: Any = {"class_name": type(self.schedule).__name__,
                         "config": self.schedule.get_config()}
            return {"name": self.name, "learning_rate": rate}
        return {"name": self.name, "learning_rate": self.learning_rate}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum.

    Plain: ``w = w - learning_rate * g``.
    Momentum: ``v = momentum * v + g``; ``w = w - learning_rate * v``.
    Nesterov: ``v = momentum * v + g``; ``w = w - learning_rate * (g + momentum * v)``.
    """

    name = "sgd"
    description = "gradient descent: w = w - learning_rate * g (momentum optional)"
    torch = "SGD"

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0,
                 nesterov: bool = False) -> None:
        super().__init__(learning_rate)
        self.momentum = check_number(momentum, "SGD momentum", 0, 1, below_maximum=True)
        self.nesterov = check_bool(nesterov, "SGD nesterov")
        if self.nesterov and self.momentum == 0:
            raise ConfigError("SGD(nesterov=True) needs a momentum > 0, e.g. momentum=0.9.")

    @property
    def rule(self) -> str:
        if not self.momentum:
            return "w ← w − η·∂L/∂w"
        if self.nesterov:
            return f"v ← μ·v + ∂L/∂w;  w ← w − η·(∂L/∂w + μ·v)   (μ = {self.momentum:g}, v from 0)"
        return f"v ← μ·v + ∂L/∂w;  w ← w − η·v   (μ = {self.momentum:g}, v from 0)"

    @property
    def elementwise(self) -> bool:
        # plain SGD, w = w - learning_rate * g, number by number; a subclass with its own
        # step or _update keeps the per-parameter path, so its rule is the one applied
        cls = type(self)
        return not self.momentum and cls.step is Optimizer.step and cls._update is SGD._update

    def _new_state(self, value: np.ndarray) -> dict[str, np.ndarray]:
        return {"velocity": np.zeros_like(value)} if self.momentum else {}

    def _update(self, value: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]) -> None:
        if not self.momentum:
            value -= self.learning_rate * grad
            return
        v = state["velocity"]
        v *= self.momentum
        v += grad
        if self.nesterov:
            value -= self.learning_rate * (grad + self.momentum * v)
        else:
            value -= self.learning_rate * v

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(momentum=self.momentum, nesterov=self.nesterov)
        return config


class RMSprop(Optimizer):
    """RMSprop: divide each step by a running root-mean-square of recent gradients.

    ``s = rho * s + (1 - rho) * g^2``; ``w = w - learning_rate * g / (sqrt(s) + epsilon)``.
    ``rho`` is Keras's name and default (0.9); PyTorch calls it ``alpha`` and defaults
    to 0.99, so ``torch.optim.RMSprop(lr=0.001)`` averages over more steps than
    ``RMSprop()``: give ``alpha=0.9`` there (or ``rho=0.99`` here) to match.
    """

    name = "rmsprop"
    description = "divides each step by a running root-mean-square of recent gradients"
    torch = "RMSprop"

    def __init__(self, learning_rate: float = 0.001, rho: float = 0.9,
                 epsilon: float = 1e-8) -> None:
        super().__init__(learning_rate)
        self.rho = check_number(rho, "RMSprop rho", 0, 1, below_maximum=True)
        self.epsilon = check_positive(epsilon, "epsilon")

    @property
    def rule(self) -> str:
        return ("s ← ρ·s + (1 − ρ)·(∂L/∂w)²;  w ← w − η·∂L/∂w / (√s + ε)   "
                f"(ρ = {self.rho:g}, ε = {self.epsilon:g}, s from 0)")

    def _new_state(self, value: np.ndarray) -> dict[str, np.ndarray]:
        return {"square_avg": np.zeros_like(value)}

    def _update(self, value: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]) -> None:
        s = state["square_avg"]
        s *= self.rho
        s += (1 - self.rho) * grad * grad
        value -= self.learning_rate * grad / (np.sqrt(s) + self.epsilon)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(rho=self.rho, epsilon=self.epsilon)
        return config


class Adam(Optimizer):
    """Adam: momentum on the gradient and on its square, with bias correction.

    ``m = beta_1 * m + (1 - beta_1) * g``;  ``v = beta_2 * v + (1 - beta_2) * g^2``;
    ``m_hat = m / (1 - beta_1^t)``;  ``v_hat = v / (1 - beta_2^t)``;
    ``w = w - learning_rate * m_hat / (sqrt(v_hat) + epsilon)``, ``t`` counting steps from 1.
    """

    name = "adam"
    description = "momentum on the gradient and on its square, with bias correction"
    torch = "Adam"

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-8) -> None:
        super().__init__(learning_rate)
        self.beta_1 = check_number(beta_1, "Adam beta_1", 0, 1, below_maximum=True)
        self.beta_2 = check_number(beta_2, "Adam beta_2", 0, 1, below_maximum=True)
        self.epsilon = check_positive(epsilon, "epsilon")

    @property
    def rule(self) -> str:
        return ("m ← β₁·m + (1 − β₁)·∂L/∂w;  v ← β₂·v + (1 − β₂)·(∂L/∂w)²;  "
                "w ← w − η·m̂ / (√v̂ + ε), with m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ)"
                + self.constants())

    def constants(self) -> str:
        """The numbers the rule's letters stand for, and where the averages start."""
        return (f"   (β₁ = {self.beta_1:g}, β₂ = {self.beta_2:g}, ε = {self.epsilon:g}, "
                "m and v from 0)")

    def _new_state(self, value: np.ndarray) -> dict[str, np.ndarray]:
        return {"m": np.zeros_like(value), "v": np.zeros_like(value)}

    def _update(self, value: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]) -> None:
        m, v, t = state["m"], state["v"], self.iterations
        m *= self.beta_1
        m += (1 - self.beta_1) * grad
        v *= self.beta_2
        v += (1 - self.beta_2) * grad * grad
        m_hat_scale = 1 / (1 - self.beta_1**t)
        v_hat_sqrt_scale = 1 / np.sqrt(1 - self.beta_2**t)
        denom = np.sqrt(v) * v_hat_sqrt_scale + self.epsilon
        value -= (self.learning_rate * m_hat_scale) * m / denom

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon)
        return config


TABLE: Table[type[Optimizer]] = Table("optimizer", base=Optimizer,
                                      required=("name", "description"))


def register(cls: type[Optimizer], replace: bool = False) -> type[Optimizer]:
    """Add an optimizer class to the table (a class decorator): its name then works everywhere."""
    return TABLE.register(cls, replace=replace)


unregister = TABLE.unregister


for _cls in (SGD, RMSprop, Adam):
    register(_cls)


def names() -> tuple[str, ...]:
    """The optimizers' names, now."""
    return TABLE.names()


def get(identifier: str | Optimizer, **kwargs: Any) -> Optimizer:
    """Return the optimizer called ``identifier``, built with ``kwargs`` (checked as always).

    >>> get("adam")
    Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-08)
    >>> get("sgd", learning_rate=0.5)
    SGD(learning_rate=0.5, momentum=0.0, nesterov=False)
    """
    optimizer: Optimizer = TABLE.get(identifier, **kwargs)
    return optimizer


def from_config(config: dict[str, Any]) -> Optimizer:
    """Rebuild an optimizer from :meth:`Optimizer.get_config`."""
    if isinstance(config, dict) and isinstance(config.get("learning_rate"), dict):
        from .schedules import from_config as schedule_from_config

        config = {**config, "learning_rate": schedule_from_config(config["learning_rate"])}
    optimizer: Optimizer = TABLE.from_config(config)
    return optimizer


# ----------------------------------------------------------------------------------------
# More optimizers of Keras 3. Each takes Keras's argument names and defaults and applies
# torch.optim's update rule (the two differ only in where epsilon sits); one step and
# many steps match torch.optim in tests/test_optimizers_more.py.


class Adagrad(Optimizer):
    """Adagrad: divide each step by the root of the sum of all past squared gradients.

    ``s = s + g^2``; ``w = w - learning_rate * g / (sqrt(s) + epsilon)``, with ``s``
    starting at ``initial_accumulator_value``. Steps shrink as gradients add up.
    """

    name = "adagrad"
    description = "divides each step by the root of all past squared gradients added up"
    torch = "Adagrad"

    def __init__(self, learning_rate: float = 0.001, initial_accumulator_value: float = 0.1,
                 epsilon: float = 1e-7) -> None:
        super().__init__(learning_rate)
        self.initial_accumulator_value = check_positive(
            initial_accumulator_value, "Adagrad initial_accumulator_value", allow_zero=True)
        self.epsilon = check_positive(epsilon, "epsilon")

    @property
    def rule(self) -> str:
        return ("s ← s + (∂L/∂w)²;  w ← w − η·∂L/∂w / (√s + ε)   "
                f"(ε = {self.epsilon:g}, s from {self.initial_accumulator_value:g})")

    def _new_state(self, value: np.ndarray) -> dict[str, np.ndarray]:
        return {"sum": np.full_like(value, self.initial_accumulator_value)}

    def _update(self, value: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]) -> None:
        s = state["sum"]
        s += grad * grad
        value -= self.learning_rate * grad / (np.sqrt(s) + self.epsilon)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(initial_accumulator_value=self.initial_accumulator_value,
                      epsilon=self.epsilon)
        return config


class AdamW(Adam):
    """Adam with decoupled weight decay: first ``w = w - learning_rate * weight_decay * w``,
    then Adam's step (the decay does not pass through the running averages)."""

    name = "adamw"
    description = "Adam, plus shrinking every weight a little each step (weight decay)"
    torch = "AdamW"

    def __init__(self, learning_rate: float = 0.001, weight_decay: float = 0.004,
                 beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7) -> None:
        super().__init__(learning_rate, beta_1, beta_2, epsilon)
        self.weight_decay = check_positive(weight_decay, "AdamW weight_decay", allow_zero=True)

    @property
    def rule(self) -> str:
        return f"w ← w − η·λ·w with λ = {self.weight_decay:g}, then Adam: " + super().rule

    def _update(self, value: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]) -> None:
        value *= 1 - self.learning_rate * self.weight_decay  # the decay, then Adam's step
        m, v, t = state["m"], state["v"], self.iterations
        m *= self.beta_1
        m += (1 - self.beta_1) * grad
        v *= self.beta_2
        v += (1 - self.beta_2) * grad * grad
        denom = np.sqrt(v) / np.sqrt(1 - self.beta_2**t) + self.epsilon
        value -= (self.learning_rate / (1 - self.beta_1**t)) * m / denom

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["weight_decay"] = self.weight_decay
        return config


class Nadam(Adam):
    """Adam with Nesterov momentum: the step looks ahead along the momentum.

    With the momentum schedule ``mu_t = beta_1 * (1 - 0.5 * 0.96^(0.004 t))`` and
    ``P_t = mu_1 * ... * mu_t``::

        m = beta_1 m + (1 - beta_1) g;   v = beta_2 v + (1 - beta_2) g^2
        d = sqrt(v / (1 - beta_2^t)) + epsilon
        w = w - learning_rate * ((1 - mu_t) / (1 - P_t) * g + mu_{t+1} / (1 - P_t mu_{t+1}) * m) / d
    """

    name = "nadam"
    description = "Adam with Nesterov momentum: each step looks ahead along the momentum"
    torch = "NAdam"

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7) -> None:
        super().__init__(learning_rate, beta_1, beta_2, epsilon)
        self._schedule = (0, 1.0)  # (t, mu_1 * ... * mu_t)

    @property
    def rule(self) -> str:
        return ("m ← β₁·m + (1 − β₁)·∂L/∂w;  v ← β₂·v + (1 − β₂)·(∂L/∂w)²;  "
                "w ← w − η·((1 − μₜ)/(1 − Πμ)·∂L/∂w + μₜ₊₁/(1 − Πμ·μₜ₊₁)·m) / (√v̂ + ε), "
                "with μₜ = β₁·(1 − 0.5·0.96^(0.004·t)), Πμ = μ₁···μₜ, v̂ = v / (1 − β₂ᵗ)"
                + self.constants())

    def mu(self, t: int) -> float:
        return self.beta_1 * (1 - 0.5 * 0.96 ** (0.004 * t))

    def _update(self, value: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]) -> None:
        t = self.iterations
        while self._schedule[0] < t:  # advance the product once per step, not per weight
            k, product = self._schedule
            self._schedule = (k + 1, product * self.mu(k + 1))
        product = self._schedule[1]
        mu, mu_next = self.mu(t), self.mu(t + 1)
        m, v = state["m"], state["v"]
        m *= self.beta_1
        m += (1 - self.beta_1) * grad
        v *= self.beta_2
        v += (1 - self.beta_2) * grad * grad
        denom = np.sqrt(v / (1 - self.beta_2**t)) + self.epsilon
        value -= self.learning_rate * (1 - mu) / (1 - product) * grad / denom
        value -= self.learning_rate * mu_next / (1 - product * mu_next) * m / denom


class Adamax(Adam):
    """Adam with the infinity norm: ``u = max(beta_2 * u, |g| + epsilon)`` replaces the
    root-mean-square; ``w = w - learning_rate / (1 - beta_1^t) * m / u``."""

    name = "adamax"
    description = "Adam dividing by the largest recent gradient instead of their RMS"
    torch = "Adamax"

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7) -> None:
        super().__init__(learning_rate, beta_1, beta_2, epsilon)

    @property
    def rule(self) -> str:
        return ("m ← β₁·m + (1 − β₁)·∂L/∂w;  u ← max(β₂·u, |∂L/∂w| + ε);  "
                "w ← w − η·m / ((1 − β₁ᵗ)·u)" + self.constants().replace("m and v", "m and u"))

    def _update(self, value: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]) -> None:
        m, u, t = state["m"], state["v"], self.iterations
        m *= self.beta_1
        m += (1 - self.beta_1) * grad
        np.maximum(self.beta_2 * u, np.abs(grad) + self.epsilon, out=u)
        value -= self.learning_rate / (1 - self.beta_1**t) * m / u


for _more in (Adagrad, AdamW, Nadam, Adamax):
    register(_more)


from . import schedules  # noqa: E402, F401  (keras.optimizers.schedules.ExponentialDecay, ...)
