"""Every concept's table is used one way: ``register``, ``get``, ``from_config``,
``names``, one :class:`UnknownNameError` listing the valid names; and the facts the rest
of the package needs (an optimizer's update rule, an activation's output range, a
metric's direction) live on the entries and are true of what the entries compute.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pytest

from neuronlab import activations, datasets, initializers, layers, losses, metrics, optimizers
from neuronlab.cli.train import PRESETS
from neuronlab.errors import ConfigError, UnknownNameError
from neuronlab.lab.playground.config import FEATURES
from neuronlab.tables import Table

ALL_TABLES = [activations.TABLE, losses.TABLE, optimizers.TABLE, initializers.TABLE,
              metrics.TABLE, datasets.DATASETS, layers.LAYERS, FEATURES, PRESETS]


# --------------------------------------------------------------------------- the one API
@dataclass
class Colour:
    name: str
    hex: str
    aliases: tuple[str, ...] = ()


class Shape:
    name = "shape"
    description = ""

    def __init__(self, size: float = 1.0) -> None:
        self.size = size

    def get_config(self) -> dict:
        return {"name": self.name, "size": self.size}


class Square(Shape):
    name = "square"
    aliases = ("box",)
    description = "four equal sides"


def test_register_get_and_names_in_the_order_added():
    colours: Table[Colour] = Table("colour")
    red = colours.register(Colour("red", "#f00", aliases=("rouge",)))
    colours.register(Colour("green", "#0f0"))
    assert red.hex == "#f00"
    assert colours.names() == ("red", "green") and list(colours) == ["red", "green"]
    assert colours.get(" Rouge ") is red and colours["RED"] is red
    assert colours.canonical("rouge") == "red" and colours.aliases() == {"rouge": "red"}
    assert "rouge" in colours and "blue" not in colours and 3 not in colours
    assert len(colours) == 2


def test_an_unknown_name_is_one_error_listing_the_valid_names():
    colours: Table[Colour] = Table("colour")
    colours.register(Colour("red", "#f00"))
    colours.register(Colour("green", "#0f0"))
    for bad in ("blue", None, 3, ""):
        with pytest.raises(UnknownNameError,
                           match=re.escape(f"Unknown colour {bad!r}. Valid names: red, green.")):
            colours.get(bad)


def test_a_class_table_builds_with_settings_and_hands_built_objects_back():
    shapes: Table[type[Shape]] = Table("shape", base=Shape, required=("name", "description"),
                                       default="square")
    assert shapes.register(Square) is Square  # usable as a class decorator
    built = shapes.get("box", size=2.0)
    assert type(built) is Square and built.size == 2.0
    assert shapes.get(built) is built
    assert type(shapes.get(None)) is Square  # the default
    with pytest.raises(ConfigError, match=r"already built, so it takes no settings \(size\)"):
        shapes.get(built, size=3.0)
    again = shapes.from_config(built.get_config())
    assert type(again) is Square and again.size == 2.0
    with pytest.raises(ConfigError, match="must be a dict with a 'name' key"):
        shapes.from_config(["square"])


def test_registering_needs_the_required_facts_and_a_free_name():
    shapes: Table[type[Shape]] = Table("shape", base=Shape, required=("name", "description"))

    class Blob(Shape):
        name = "blob"

    with pytest.raises(ConfigError, match="The shape Blob needs its own description"):
        shapes.register(Blob)
    shapes.register(Square)

    class Box(Square):
        name = "box"

    with pytest.raises(ConfigError, match=r"'box' are already taken.*replace=True"):
        shapes.register(Box)


def test_replace_keeps_the_place_and_unregister_removes_aliases_too():
    colours: Table[Colour] = Table("colour")
    for colour in (Colour("red", "#f00", ("rouge",)), Colour("green", "#0f0")):
        colours.register(colour)
    colours.register(Colour("red", "#e00", ("rot",)), replace=True)
    assert colours.names() == ("red", "green") and colours["rot"].hex == "#e00"
    assert "rouge" not in colours  # the old entry's aliases went with it
    colours.unregister("rot")
    assert colours.names() == ("green",) and "red" not in colours and "rot" not in colours
    colours.unregister("red", missing_ok=True)
    with pytest.raises(UnknownNameError):
        colours.unregister("red")


def test_a_table_of_plain_entries_takes_no_settings():
    colours: Table[Colour] = Table("colour")
    colours.register(Colour("red", "#f00"))
    with pytest.raises(ConfigError, match="The colour 'red' takes no settings, got shade"):
        colours.get("red", shade=2)


# --------------------------------------------------------------------------- each concept
@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda t: t.kind)
def test_every_concept_keeps_one_table_with_the_one_error(table):
    assert isinstance(table, Table) and len(table) >= 2
    assert len({name.lower() for name in table.names()}) == len(table)
    for name in table.names():
        assert table.canonical(name.upper()) == name
        assert getattr(table[name], "name", getattr(table[name], "__name__", name)) == name
    message = f"Unknown {table.kind} 'no-such-name'. Valid names: {', '.join(table.names())}."
    with pytest.raises(UnknownNameError, match=re.escape(message)):
        table.get("no-such-name")
    for alias, name in table.aliases().items():
        assert table[alias] is table[name]


def test_each_modules_get_and_names_use_its_table():
    assert activations.get("TANH").name == "tanh" and activations.get(None).name == "linear"
    assert losses.get("sparse_categorical_crossentropy").name == "categorical_crossentropy"
    assert optimizers.get("sgd", learning_rate=0.5).learning_rate == 0.5
    assert initializers.get("xavier_uniform") is initializers.glorot_uniform
    assert metrics.get("acc") is metrics.accuracy
    assert datasets.DATASETS.get("XOR").loader is datasets.xor
    for module, kind in ((activations, "activation"), (losses, "loss"),
                         (optimizers, "optimizer"), (initializers, "initializer"),
                         (metrics, "metric")):
        assert module.names() == module.TABLE.names()
        with pytest.raises(UnknownNameError, match=f"Unknown {kind} 'nope'"):
            module.get("nope")
    with pytest.raises(UnknownNameError, match="Unknown data set 'nope'"):
        datasets.load("nope")


@pytest.mark.parametrize("module", [activations, losses, optimizers],
                         ids=lambda m: m.__name__.split(".")[-1])
def test_from_config_rebuilds_every_entry(module):
    for name in module.names():
        built = module.get(name)
        again = module.from_config(built.get_config())
        assert type(again) is type(built) and again.get_config() == built.get_config()
        assert module.TABLE.from_config(built.get_config()).get_config() == built.get_config()


def test_from_config_keeps_settings():
    adam = optimizers.from_config(optimizers.Adam(learning_rate=0.02, beta_1=0.8).get_config())
    assert (adam.learning_rate, adam.beta_1) == (0.02, 0.8)
    leaky = activations.from_config(activations.get("leaky_relu", alpha=0.2).get_config())
    np.testing.assert_allclose(leaky(np.array([-1.0])), [-0.2])
    ce = losses.from_config(losses.get("categorical_crossentropy", from_logits=True).get_config())
    assert ce.from_logits


LAYER_EXAMPLES = [layers.Dense(3, activation="tanh", input_shape=(2,), l2=0.01),
                  layers.Dropout(0.25), layers.Flatten(input_shape=(4, 4, 1)),
                  layers.Conv2D(2, 3, input_shape=(5, 5, 1)), layers.MaxPool2D(2)]


@pytest.mark.parametrize("layer", LAYER_EXAMPLES, ids=lambda layer: type(layer).__name__)
def test_layers_round_trip_through_their_table(layer):
    assert layers.LAYERS[type(layer).__name__] is type(layer)
    again = layers.from_config(layer.get_config())
    assert type(again) is type(layer) and again.get_config() == layer.get_config()
    message = ("Unknown layer 'Dense3'. Valid names: Dense, Dropout, Flatten, Conv2D, MaxPool2D, "
               "Activation, Softmax.")
    with pytest.raises(UnknownNameError, match=re.escape(message)):
        layers.from_config({**layer.get_config(), "class_name": "Dense3"})


def test_input_features_and_presets_are_tables_of_their_concept():
    X = np.array([[1.0, 2.0], [-1.0, 0.5]])
    for name in FEATURES:
        feature = FEATURES[name]
        np.testing.assert_allclose(feature.compute(X), eval(feature.code, {"np": np, "X": X}))
    assert FEATURES.names()[:2] == ("x1", "x2")
    for name in PRESETS:
        assert datasets.DATASETS.canonical(name) == name  # each preset is a data set's


# --------------------------------------------------------------------------- facts
@pytest.mark.parametrize("name", activations.names())
def test_an_activations_output_range_is_what_it_computes(name):
    act = activations.get(name)
    low, high = act.output_range
    z = np.concatenate([np.linspace(-1000, 1000, 2001), np.linspace(-3, 3, 60001)]).reshape(
        1, -1) if act.elementwise else \
        np.array([[-1000.0, 0.0, 1000.0], [3.0, 3.0, 3.0]])
    y = act(z)
    assert low <= y.min() and y.max() <= high
    # a bounded end is reached (to rounding); an open end is really open
    assert (math.isclose(y.min(), low, abs_tol=1e-6) if math.isfinite(low) else y.min() < -1)
    assert (math.isclose(y.max(), high, abs_tol=1e-6) if math.isfinite(high) else y.max() > 1)


def test_hidden_boundaries_colour_by_the_activations_range():
    from neuronlab import Dense, Sequential
    from neuronlab.plots import plot_hidden_boundaries

    for activation, expected in (("tanh", (-1.0, 1.0)), ("sigmoid", (0.0, 1.0))):
        model = Sequential([Dense(2, activation=activation, input_shape=(2,)), Dense(1)],
                           seed=0)
        model.build()
        fig = plot_hidden_boundaries(model, resolution=20)
        norm = fig.axes[0].images[0].norm
        assert (norm.vmin, norm.vmax) == expected
    model = Sequential([Dense(2, activation="relu", input_shape=(2,)), Dense(1)], seed=0)
    model.build()
    norm = plot_hidden_boundaries(model, resolution=20).axes[0].images[0].norm
    assert norm.vmin == 0.0 and math.isfinite(norm.vmax)  # ReLU: the values drawn


def _one_step(optimizer: optimizers.Optimizer, steps: int = 1) -> float:
    w, g = np.array([1.0]), np.array([0.5])
    for _ in range(steps):
        optimizer.step([(w, g)])
    return float(w[0])


def test_an_optimizers_rule_is_the_update_it_makes():
    eta, grad = 0.1, 0.5
    plain = optimizers.get("sgd", learning_rate=eta)
    assert plain.rule == "w ← w − η·∂L/∂w"
    assert _one_step(plain) == pytest.approx(1 - eta * grad)
    momentum = optimizers.SGD(learning_rate=eta, momentum=0.9)
    assert momentum.rule == "v ← μ·v + ∂L/∂w;  w ← w − η·v   (μ = 0.9, v from 0)"
    assert _one_step(momentum, 2) == pytest.approx(1 - eta * grad - eta * (0.9 * grad + grad))
    nesterov = optimizers.SGD(learning_rate=eta, momentum=0.9, nesterov=True)
    assert nesterov.rule == "v ← μ·v + ∂L/∂w;  w ← w − η·(∂L/∂w + μ·v)   (μ = 0.9, v from 0)"
    assert _one_step(nesterov) == pytest.approx(1 - eta * (grad + 0.9 * grad))
    rms = optimizers.RMSprop(learning_rate=eta, rho=0.9, epsilon=1e-8)
    assert rms.rule.startswith("s ← ρ·s + (1 − ρ)·(∂L/∂w)²")
    s = 0.1 * grad**2
    assert _one_step(rms) == pytest.approx(1 - eta * grad / (math.sqrt(s) + 1e-8))
    adam = optimizers.Adam(learning_rate=eta)
    assert "m̂ = m / (1 − β₁ᵗ)" in adam.rule
    assert _one_step(adam) == pytest.approx(1 - eta * 1.0, rel=1e-6)  # m̂/√v̂ = 1 at t=1
    for name in optimizers.names():
        assert "η" in optimizers.get(name).rule
    # the numbers a rule's letters stand for, and where its state starts
    assert optimizers.Adagrad().rule.endswith("(ε = 1e-07, s from 0.1)")
    assert "λ = 0.004" in optimizers.AdamW().rule


def test_a_registered_optimizer_without_its_own_rule_says_what_it_is():
    @optimizers.register
    class Halving(optimizers.Optimizer):
        name = "halving"
        description = "moves each weight half way to zero"

        def _update(self, value, grad, state):
            value *= 0.5

    try:
        assert optimizers.get("halving").rule == "halving: moves each weight half way to zero"
    finally:
        optimizers.unregister("halving")


@pytest.mark.parametrize("name", metrics.names())
def test_a_metrics_direction_is_which_way_it_gets_better(name):
    entry = metrics.TABLE[name]
    y_true = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    good, bad = y_true * 0.9 + 0.05, y_true[:, ::-1] * 0.9 + 0.05
    better, worse = entry.function(good, y_true), entry.function(bad, y_true)
    assert (better > worse) == entry.higher_is_better
    assert metrics.higher_is_better(name) is entry.higher_is_better
    assert metrics.higher_is_better("val_" + name) is entry.higher_is_better
    assert metrics.higher_is_better("val_loss") is False
    assert metrics.higher_is_better("learning_rate") is None
