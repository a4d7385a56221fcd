"""One neuron, a layer and a tiny network in plain Python.

This file imports only the standard library, so you can read it top to bottom and
run it anywhere: ``python neuron.py``. A neuron does three things, in order:

1. multiply each input by its weight,
2. sum the products and add the bias: ``z = w1*x1 + ... + wn*xn + b``,
3. pass the sum through an activation: the prediction ``ŷ = f(z)``.

>>> n = Neuron([0.5, -0.3, 0.8], bias=0.1, activation="relu")
>>> round(n([0.5, -0.3, 0.7]), 3)
1.0
>>> n.explain([0.5, -0.3, 0.7])
z = (0.50 × 0.50) + (-0.30 × -0.30) + (0.70 × 0.80) + 0.10 = 1.000
z = 0.250 + 0.090 + 0.560 + 0.10 = 1.000
ŷ = ReLU(1.000) = 1.000
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from decimal import Decimal


# --------------------------------------------------------------------------- activations
def relu(z: float) -> float:
    """``max(0, z)``: pass positive sums, silence negative ones ("does not fire")."""
    return z if z > 0 else 0.0


def sigmoid(z: float) -> float:
    """``1 / (1 + e^-z)``: squash any sum into (0, 1); 0.5 at z = 0.

    Written in two branches so ``e^`` only ever sees a negative number and cannot
    overflow, even for z = ±1000.
    """
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def tanh(z: float) -> float:
    """``tanh(z)``: squash into (-1, 1); 0 at z = 0."""
    return math.tanh(z)


def leaky_relu(z: float) -> float:
    """``z if z > 0 else 0.01 * z``: like ReLU, but a negative sum still leaks a little."""
    return z if z > 0 else 0.01 * z


def step(z: float) -> float:
    """``1 if z > 0 else 0``: the all-or-nothing neuron of the first perceptrons."""
    return 1.0 if z > 0 else 0.0


def linear(z: float) -> float:
    """``z`` unchanged (no activation)."""
    return z


def elu(z: float) -> float:
    """``z if z > 0 else e^z - 1``: like ReLU above 0, a smooth curve down to -1 below."""
    return z if z > 0 else math.expm1(z)


def selu(z: float) -> float:
    """ELU scaled by fixed constants, ``1.0507 * (z if z > 0 else 1.6733 * (e^z - 1))``."""
    return 1.0507009873554804934193349852946 * (
        z if z > 0 else 1.6732632423543772848170429916717 * math.expm1(z))


def gelu(z: float) -> float:
    """``z * Phi(z)``: z times the chance that a standard normal number is below z."""
    return z * 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def silu(z: float) -> float:
    """``z * sigmoid(z)`` (also called swish)."""
    return z * sigmoid(z)


def softplus(z: float) -> float:
    """``log(1 + e^z)``: a ReLU with its corner rounded off (never overflows)."""
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


ACTIVATIONS: dict[str, Callable[[float], float]] = {
    "relu": relu,
    "leaky_relu": leaky_relu,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "step": step,
    "linear": linear,
    "elu": elu,
    "selu": selu,
    "gelu": gelu,
    "silu": silu,
    "softplus": softplus,
}

#: How the lessons write each activation's name in a formula: ``ŷ = ReLU(1.000)``.
DISPLAY_NAMES: dict[str, str] = {
    "relu": "ReLU", "leaky_relu": "leaky ReLU", "sigmoid": "sigmoid", "tanh": "tanh",
    "step": "step", "linear": "linear", "elu": "ELU", "selu": "SELU", "gelu": "GELU",
    "silu": "SiLU", "softplus": "softplus",
}


def get_activation(name: str | None) -> Callable[[float], float]:
    """The activation function called ``name`` (``None`` or ``"none"`` means linear)."""
    key = "linear" if name is None else str(name).strip().lower()
    key = {"none": "linear", "identity": "linear"}.get(key, key)
    if key not in ACTIVATIONS:
        raise ValueError(
            f"Unknown activation {name!r}. Valid names: {', '.join(ACTIVATIONS)}."
        )
    return ACTIVATIONS[key]


def _number(value: object, what: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except OverflowError:
        raise ValueError(f"{what} is too large to be a float, got {str(value)[:20]}...; "
                         f"give a number below about 1.8e308.") from None
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be a number, got {repr(value)[:60]}.") from None
    if not math.isfinite(number):
        raise ValueError(f"{what} must be a finite number, got {value!r}.")
    return number


def _numbers(values: Sequence[object], what: str) -> list[float]:
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__len__"):
        raise TypeError(f"{what} must be a list of numbers, got {repr(values)[:60]}.")
    if len(values) == 0:
        raise ValueError(f"{what} is empty; give at least one number.")
    return [_number(v, f"{what}[{i}]") for i, v in enumerate(values)]


def _finite_sum(z: float) -> float:
    """``z``, unless the weighted sum overflowed (a ValueError that says so)."""
    if not math.isfinite(z):
        raise ValueError(
            f"The weighted sum z = w·x + b came out as {z} (not a finite number): the inputs "
            f"or weights are too large for a float. Scale them down (e.g. to around -1..1)."
        )
    return z


def _fmt(value: float) -> str:
    """Two decimals, or up to four where two would hide a digit (0.125 -> 0.125)."""
    text = f"{value:.2f}"
    if abs(float(text) - value) > 1e-9:
        text = f"{value:.4f}".rstrip("0")
        if abs(float(text) - value) > 1e-9:  # smaller still (1e-05): its own digits
            text = f"{value:.4g}"
    return text


def _result(value: float) -> str:
    """Three decimals, or three significant digits for a number that three decimals
    would show as 0 (a neuron that fires with 1e-05 does not read 0.000)."""
    text = f"{value:.3f}"
    if value == 0:
        return "0.000"  # -0.0 too
    return f"{value:.3g}" if float(text) == 0 else text


def _exactly_zero(inputs: Sequence[float], weights: Sequence[float], bias: float) -> bool:
    """True if ``x1*w1 + ... + b`` is 0 computed with the numbers as written in decimal
    (0.7, not the binary float nearest to it)."""
    exact = sum((Decimal(repr(x)) * Decimal(repr(w)) for x, w in zip(inputs, weights)),
                Decimal(repr(bias)))
    return exact == 0


def boundary_text(w1: float, w2: float, bias: float,
                  number: Callable[[float], str] = lambda v: f"{v:g}") -> str:
    """The line ``w1*x1 + w2*x2 + bias = 0`` written as the lessons write it.

    ``number`` formats each coefficient (``:g`` by default).

    >>> boundary_text(1.0, 1.0, -1.5)
    'x1 + x2 = 1.5'
    >>> boundary_text(2.0, -1.0, -1.0)
    '2·x1 - x2 = 1'

    A line whose first term would start with a minus is written with every sign
    flipped (the same line): NOT's ``-x1 + 0.5 = 0`` reads ``x1 = 0.5``.

    >>> boundary_text(-1.0, 0.0, 0.5)
    'x1 = 0.5'
    >>> boundary_text(-1.0, 2.0, 0.5)
    'x1 - 2·x2 = 0.5'
    """
    if (w1 or w2) < 0:
        w1, w2, bias = -w1, -w2, -bias
    terms = []
    for i, w in enumerate((w1, w2), start=1):
        if w == 0:
            continue
        coef = "" if abs(w) == 1 else f"{number(abs(w))}·"
        terms.append(("-" if w < 0 else "+", f"{coef}x{i}"))
    if not terms:
        return "no boundary (both weights are 0)"
    text = ("-" if terms[0][0] == "-" else "") + terms[0][1]
    for sign, term in terms[1:]:
        text += f" {sign} {term}"
    return f"{text} = {number(-bias + 0.0)}"


# --------------------------------------------------------------------------- a neuron
class Explanation:
    """The steps of one neuron's computation: products, their sum, z and the prediction ŷ.

    It shows itself as three lines, the way the lessons write them (``str()``, the
    REPL and Jupyter all give the same lines):

    1. ``z_line()``: each input times its weight, plus the bias;
    2. ``sum_line()``: the products worked out and added up;
    3. ``y_line()``: the activation applied to z, the prediction ``ŷ``.
    """

    def __init__(self, inputs: list[float], weights: list[float], bias: float,
                 activation: str) -> None:
        self.inputs = inputs
        self.weights = weights
        self.bias = bias
        self.activation = activation
        self.products = [x * w for x, w in zip(inputs, weights)]
        self.sum = sum(self.products)
        self.z = _finite_sum(self.sum + bias)
        self.y = get_activation(activation)(self.z)

    def _plus_bias(self) -> str:
        sign = "-" if self.bias < 0 else "+"
        return f"{sign} {_fmt(abs(self.bias))}"

    def z_line(self) -> str:
        """``z = (x1 × w1) + (x2 × w2) + ... + b = z``."""
        terms = " + ".join(f"({_fmt(x)} × {_fmt(w)})" for x, w in zip(self.inputs, self.weights))
        return f"z = {terms} {self._plus_bias()} = {_result(self.z)}"

    def sum_line(self) -> str:
        """``z = p1 + p2 + ... + b = z``, each product ``x × w`` worked out."""
        text = _result(self.products[0])
        for p in self.products[1:]:
            text += f" {'-' if p < 0 else '+'} {_result(abs(p))}"
        return f"z = {text} {self._plus_bias()} = {_result(self.z)}"

    def y_line(self) -> str:
        """``ŷ = f(z) = ŷ``, with the activation named as the lessons name it."""
        name = DISPLAY_NAMES.get(self.activation, self.activation)
        line = f"ŷ = {name}({_result(self.z)}) = {_result(self.y)}"  # 0.0004 is not 0
        if self.z != 0 and _exactly_zero(self.inputs, self.weights, self.bias) and \
                f"{self.y:.3f}" != f"{get_activation(self.activation)(0.0):.3f}":
            # e.g. 1.0 - 0.7 - 0.3: 0.7 and 0.3 have no exact binary form, so the sum of
            # the stored numbers is 5.55e-17, and step gives 1 where exact 0 gives 0
            line += ("\n    (z is not exactly 0: decimals such as 0.7 are stored in binary, "
                     "a tiny bit off)")
        return line

    @property
    def y_hat(self) -> float:
        """The prediction ``ŷ``, as the lessons write it (the same number as ``y``)."""
        return self.y

    def lines(self) -> list[str]:
        """The three step-by-step lines."""
        return [self.z_line(), self.sum_line(), self.y_line()]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: object, cycle: bool) -> None:
        printer.text(str(self))  # type: ignore[attr-defined]

    def _repr_html_(self) -> str:
        text = str(self).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f"<pre>{text}</pre>"

    def as_dict(self) -> dict[str, object]:
        return {
            "inputs": self.inputs, "weights": self.weights, "bias": self.bias,
            "products": self.products, "sum": self.sum, "z": self.z, "y": self.y,
            "activation": self.activation, "z_line": self.z_line(),
            "sum_line": self.sum_line(), "y_line": self.y_line(), "steps": str(self),
        }


class Neuron:
    """``ŷ = f(w1*x1 + ... + wn*xn + b)`` for one list of inputs.

    >>> go_running = Neuron([0.5, 0.7, 0.3], bias=0.1, activation="sigmoid")
    >>> round(go_running.explain([0.8, 0.6, 0.9]).z, 2), round(go_running([0.8, 0.6, 0.9]), 3)
    (1.19, 0.767)
    """

    def __init__(self, weights: Sequence[float], bias: float = 0.0,
                 activation: str | None = "relu") -> None:
        self.weights = _numbers(weights, "weights")
        self.bias = _number(bias, "bias")
        self.activation = "linear" if activation in (None, "none") else str(activation).lower()
        self._f = get_activation(self.activation)

    def _check(self, inputs: Sequence[float]) -> list[float]:
        xs = _numbers(inputs, "inputs")
        if len(xs) != len(self.weights):
            raise ValueError(
                f"This neuron has {len(self.weights)} weights, so it expects "
                f"{len(self.weights)} inputs, got {len(xs)}: {list(inputs)!r}."
            )
        return xs

    def weighted_sum(self, inputs: Sequence[float]) -> float:
        """``z = w·x + b``, the sum before the activation."""
        xs = self._check(inputs)
        return _finite_sum(sum(x * w for x, w in zip(xs, self.weights)) + self.bias)

    def __call__(self, inputs: Sequence[float]) -> float:
        return self._f(self.weighted_sum(inputs))

    def explain(self, inputs: Sequence[float]) -> Explanation:
        """Every step of the computation for ``inputs`` (see :class:`Explanation`)."""
        return Explanation(self._check(inputs), list(self.weights), self.bias, self.activation)

    def boundary(self) -> str:
        """The decision boundary of a 2-input neuron: the line ``w1*x1 + w2*x2 + b = 0``.

        >>> Neuron([1, 1], bias=-1.5, activation="step").boundary()
        'x1 + x2 = 1.5'
        """
        if len(self.weights) != 2:
            raise ValueError(
                f"A boundary line exists for 2-input neurons; this one has "
                f"{len(self.weights)} inputs."
            )
        return boundary_text(self.weights[0], self.weights[1], self.bias)

    def __repr__(self) -> str:
        return f"Neuron(weights={self.weights}, bias={self.bias}, activation={self.activation!r})"


# --------------------------------------------------------------------------- a layer
class Layer:
    """Many neurons reading the same inputs: one weight row and one bias per neuron.

    >>> layer = Layer([[0.2, 0.8, -0.5, 1.0], [0.5, -0.91, 0.26, -0.5],
    ...                [-0.26, -0.27, 0.17, 0.87]], [2.0, 3.0, 0.5], "relu")
    >>> [round(y_hat, 3) for y_hat in layer([1.0, 2.0, 3.0, 2.5])]
    [4.8, 1.21, 2.385]
    """

    def __init__(self, weights: Sequence[Sequence[float]], biases: Sequence[float],
                 activation: str | None = "relu") -> None:
        for value, what in ((weights, "weights (one row per neuron)"),
                            (biases, "biases (one per neuron)")):
            if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__len__"):
                raise TypeError(f"A layer's {what} must be a list, got {repr(value)[:60]}.")
        if len(weights) == 0:
            raise ValueError("A layer needs at least one neuron: give one row of weights.")
        if len(weights) != len(biases):
            raise ValueError(
                f"A layer needs one bias per neuron: got {len(weights)} weight rows and "
                f"{len(biases)} biases."
            )
        self.neurons = [Neuron(w, b, activation) for w, b in zip(weights, biases)]
        widths = {len(n.weights) for n in self.neurons}
        if len(widths) != 1:
            raise ValueError(
                f"Every neuron of a layer reads the same inputs, so every weight row needs the "
                f"same length; got lengths {sorted(widths)}."
            )

    @property
    def n_inputs(self) -> int:
        return len(self.neurons[0].weights)

    def __call__(self, inputs: Sequence[float]) -> list[float]:
        return [neuron(inputs) for neuron in self.neurons]

    def batch(self, rows: Sequence[Sequence[float]]) -> list[list[float]]:
        """One output row per input row: the layer applied to a whole batch."""
        return [self(row) for row in rows]

    def __repr__(self) -> str:
        return f"Layer({len(self.neurons)} neurons, {self.n_inputs} inputs)"


class Network:
    """Layers in a row, each feeding the next.

    >>> xor = Network([Layer([[1, 1], [1, 1]], [-0.5, -1.5], "step"),
    ...                Layer([[1, -1]], [-0.5], "step")])
    >>> [xor([a, b])[0] for a, b in [(0, 0), (0, 1), (1, 0), (1, 1)]]
    [0.0, 1.0, 1.0, 0.0]
    """

    def __init__(self, layers: Sequence[Layer]) -> None:
        if not isinstance(layers, (list, tuple)):
            raise TypeError(f"A network takes a list of layers, got {repr(layers)[:60]}.")
        if not layers:
            raise ValueError("A network needs at least one layer.")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"A network's layers must be Layer objects, e.g. Layer([[1, 1]], [0]); "
                    f"layer {i} is {repr(layer)[:60]}."
                )
            if i and layer.n_inputs != len(layers[i - 1].neurons):
                raise ValueError(
                    f"Layer {i} reads {layer.n_inputs} inputs but layer {i - 1} has "
                    f"{len(layers[i - 1].neurons)} neurons; they must match."
                )
        self.layers = list(layers)

    def __call__(self, inputs: Sequence[float]) -> list[float]:
        values = _numbers(inputs, "inputs")
        for layer in self.layers:
            values = layer(values)
        return values

    def __repr__(self) -> str:
        return f"Network({self.layers})"


def main() -> None:
    """Print the worked examples of one neuron."""
    neuron = Neuron([0.5, -0.3, 0.8], bias=0.1, activation="relu")
    print(neuron.explain([0.5, -0.3, 0.7]))
    go_running = Neuron([0.5, 0.7, 0.3], bias=0.1, activation="sigmoid")
    print(go_running.explain([0.8, 0.6, 0.9]))


if __name__ == "__main__":
    main()
