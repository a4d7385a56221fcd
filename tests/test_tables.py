"""One table per concept: a name registered once is known everywhere, and the tables agree.

The acceptance test registers mish in one class definition and then finds it in
the command line, the lab, the plots, the gradient check and the PyTorch export.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator

import numpy as np
import pytest

from neuronlab import (
    activations,
    datasets,
    gradcheck,
    heads,
    initializers,
    losses,
    metrics,
    neuron,
    optimizers,
)
from neuronlab.cli import build_parser, main
from neuronlab.errors import ConfigError, DataError, UnknownNameError
from neuronlab.layers import Dense
from neuronlab.model import Sequential
from neuronlab.tables import Table

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient


# --------------------------------------------------------------------------- acceptance
@pytest.fixture
def mish() -> Iterator[type[activations.Activation]]:
    """Mish, added in one place: one class definition with its metadata."""

    @activations.register
    class Mish(activations.Activation):
        """``f(z) = z * tanh(softplus(z))``: a smooth ReLU that dips below 0."""

        name = "mish"
        aliases = ("self_gated_relu",)
        description = "z·tanh(log(1 + e^z)): a ReLU with the corner rounded off"
        formula, slope = "f(z) = z·tanh(log(1 + e^z))", "f'(z) = tanh(s) + z·σ(z)·(1 - tanh²(s))"
        torch = "Mish"

        def forward(self, z: np.ndarray) -> np.ndarray:
            return z * np.tanh(np.logaddexp(0, z))

        def derivative(self, z: np.ndarray) -> np.ndarray:
            t = np.tanh(np.logaddexp(0, z))
            return t + z * activations.Sigmoid().forward(z) * (1 - t * t)

    try:
        yield Mish
    finally:
        activations.unregister("mish")


def test_a_registered_activation_reaches_the_command_line(mish, capsys):
    args = build_parser().parse_args(["train", "xor", "--activation", "mish"])
    assert args.activation == "mish"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["train", "xor", "--help"])
    help_text = capsys.readouterr().out
    assert "mish" in help_text
    assert "z·tanh(log(1 + e^z)): a ReLU with the corner rounded" in help_text


def test_a_registered_activation_trains_through_the_cli(mish, capsys, tmp_path):
    path = tmp_path / "xor.json"
    assert main(["train", "xor", "--activation", "mish", "--epochs", "20", "--quiet",
                 "--save", str(path)]) == 0
    capsys.readouterr()
    from neuronlab.io import load_model

    model = load_model(path)
    assert model.layers[0].activation.name == "mish"
    assert isinstance(model.layers[0].activation, mish)


def test_a_registered_activation_is_in_the_lab(mish):
    from neuronlab.lab import create_app

    auth = {"Authorization": "token tables-test-token"}
    with TestClient(create_app(testing=True, token="tables-test-token"),
                    headers=auth) as client:
        meta = client.get("/api/meta").json()
        assert "mish" in meta["hidden_activations"]
        assert "mish" not in meta["neuron_activations"]  # neuron.py cannot compute it
        assert meta["descriptions"]["activations"]["mish"] == mish.description
        assert set(meta["descriptions"]["datasets"]) == set(meta["datasets"])
        state = client.post("/api/sessions", json={
            "config": {"dataset": "xor", "hidden": [3], "activation": "mish"},
            "epochs": 2})
        assert state.status_code == 201, state.json().get("error")
        assert state.json()["frame"]["epoch"] == 2
    with TestClient(create_app(testing=True, token="tables-test-token"),
                    headers=auth) as client:
        activations.unregister("mish")
        try:
            assert "mish" not in client.get("/api/meta").json()["hidden_activations"]
        finally:
            activations.register(mish)


def test_a_registered_activation_is_plotted_with_its_formula(mish):
    from neuronlab.plots import plot_activations

    fig = plot_activations(["mish"])
    title = fig.axes[0].get_title()
    assert title.splitlines() == ["mish", "f(z) = z·tanh(log(1 + e^z))"]
    labels = [line.get_label() for line in fig.axes[0].get_lines()[:2]]
    assert labels == ["f(z) = z·tanh(log(1 + e^z))", "f'(z) = tanh(s) + z·σ(z)·(1 - tanh²(s))"]
    y = fig.axes[0].get_lines()[0].get_ydata()
    assert y[-1] == pytest.approx(5 * math.tanh(math.log1p(math.exp(5))))  # f(5)
    default = [ax.get_title().splitlines()[0] for ax in plot_activations().axes]
    assert default[-1] == "mish"


def test_a_registered_activation_passes_gradcheck(mish):
    assert gradcheck.check_activation("mish").passed
    assert gradcheck.check_layer(Dense(3, activation="mish", input_shape=(4,))).passed


def test_a_registered_activation_exports_to_torch(mish):
    torch = pytest.importorskip("torch")
    model = Sequential([Dense(3, activation="mish", input_shape=(2,)),
                        Dense(1, activation="sigmoid")], seed=0, dtype="float64")
    model.build()
    model.set_neuron_weights(model.get_neuron_weights())  # these weights are the model's answer
    exported = model.to_torch()
    assert [type(m).__name__ for m in exported] == ["Linear", "Mish", "Linear", "Sigmoid"]
    X = np.array([[0.5, -1.0], [2.0, 0.3]])
    np.testing.assert_allclose(exported(torch.tensor(X)).detach().numpy(), model.predict(X),
                               rtol=1e-12)


def test_unregistered_means_gone_everywhere():
    with pytest.raises(UnknownNameError, match="Valid names: linear"):
        activations.get("mish")
    assert "mish" not in activations.names()
    with pytest.raises(SystemExit):
        build_parser().parse_args(["train", "xor", "--activation", "mish"])


# --------------------------------------------------------------------------- registering
def test_a_taken_name_is_refused_unless_replaced():
    class Relu2(activations.ReLU):
        description = "the same ReLU again"

    with pytest.raises(ConfigError, match=r"'relu' are already taken.*replace=True"):
        activations.register(Relu2)
    before = activations.names()
    activations.register(Relu2, replace=True)
    try:
        assert isinstance(activations.get("relu"), Relu2)
        assert activations.names() == before  # in the place of the one it replaces
    finally:
        activations.register(activations.ReLU, replace=True)
    assert type(activations.get("relu")) is activations.ReLU
    assert activations.names() == before


def test_registering_needs_the_metadata():
    class Nameless(activations.Activation):
        pass

    with pytest.raises(ConfigError, match="needs its own name, description, formula"):
        activations.register(Nameless)


def test_table_resolves_aliases_and_lists_names_in_order():
    table: Table[int] = Table("thing")
    table.register(1, name="one", aliases=("uno",))
    table.register(2, name="two")
    assert table.names() == ("one", "two") and table[" UNO "] == 1
    table.remove("uno")
    assert table.names() == ("two",) and "uno" not in table


# --------------------------------------------------------------------------- consistency
TABLES = [activations.TABLE, losses.TABLE, optimizers.TABLE, initializers.TABLE,
          metrics.TABLE, datasets.DATASETS]


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.kind)
def test_every_alias_resolves_to_a_named_entry(table):
    assert table.names() and len(set(table.names())) == len(table.names())
    for alias, name in table.aliases().items():
        assert name in table.names()
        assert table[alias] is table[name]
        assert alias not in table.names()


@pytest.mark.parametrize("name", activations.names())
def test_every_activation_has_its_metadata(name):
    cls = activations.TABLE[name]
    assert cls.name == name
    assert cls.description and cls.formula.startswith(("f(z)", "softmax"))
    assert cls.slope != activations.Activation.slope
    assert cls.torch
    assert gradcheck.check_activation(name).passed


@pytest.mark.parametrize("name", activations.names())
def test_every_activation_has_a_torch_module(name):
    torch = pytest.importorskip("torch")
    from neuronlab.torch_bridge import _activation_module

    act = activations.get(name)
    module = _activation_module(torch, act)
    if module is None:
        assert act.torch == "Identity"
        return
    z = torch.linspace(-3, 3, 12, dtype=torch.float64).reshape(2, 6)
    np.testing.assert_allclose(module(z).numpy(), act.forward(z.numpy()), atol=1e-12)


def test_losses_optimizers_and_initializers_name_real_torch_twins():
    torch = pytest.importorskip("torch")
    for cls in losses.TABLE.values():
        assert cls.description and cls.formula.startswith("L =") and cls.fits
        assert cls.torch is None or hasattr(torch.nn, cls.torch)
    for opt in optimizers.TABLE.values():
        assert opt.description and hasattr(torch.optim, opt.torch)
    for entry in initializers.TABLE.values():
        assert entry.description and hasattr(torch.nn.init, entry.torch)
    for metric in metrics.TABLE.values():
        assert metric.description


@pytest.mark.parametrize("name", datasets.names())
def test_every_data_set_loads_small(name, tmp_path):
    dataset = datasets.DATASETS[name]
    assert dataset.task in ("classification", "regression") and len(dataset.description) > 10
    if dataset.source == "download":  # nothing downloaded here: the error says how to get it
        with pytest.raises(DataError, match="download"):
            datasets.load(name, directory=tmp_path)
        return
    X, y = datasets.load(name, **dataset.small)
    assert len(X) == len(y) and X.ndim == 2 and len(X) <= 2000
    kind = heads.describe(y).kind
    assert (kind == "regression") == (dataset.task == "regression")
    if dataset.points is not None:
        Xp, yp = dataset.points(12, 0.1, 0)
        assert Xp.shape == (12, 2)
        assert yp.dtype == (np.int64 if dataset.task == "classification" else np.float64)


def test_neuron_py_computes_the_tables_elementwise_activations():
    # neuron.py (standard library only) keeps its own functions: exactly the table's
    # element-wise activations, each agreeing with it.
    assert set(neuron.ACTIVATIONS) == set(activations.names(elementwise=True))
    for name, f in neuron.ACTIVATIONS.items():
        z = np.array([-3.0, -0.5, 0.5, 2.0])
        np.testing.assert_allclose([f(v) for v in z], activations.get(name)(z), atol=1e-15)


# --------------------------------------------------------------------------- heads
@pytest.mark.parametrize(("y", "loss", "expected"), [
    (np.array([0, 1, 1, 0]), None, (1, "sigmoid", "binary_crossentropy", "binary")),
    (np.array([0, 2, 1, 2]), None, (3, "softmax", "categorical_crossentropy", "multiclass")),
    (np.array([0, 1, 1, 0]), "categorical_crossentropy",
     (2, "softmax", "categorical_crossentropy", "binary")),
    (np.array([[0.0], [1.0], [1.0], [0.0]]), "mse", (1, "sigmoid", "mse", "binary")),
    (np.array([[0.0], [1.0], [1.0], [0.0]]), None,
     (1, "sigmoid", "binary_crossentropy", "binary")),
    (np.eye(3)[[0, 1, 2, 1]], None, (3, "softmax", "categorical_crossentropy", "multiclass")),
    (np.array([[1.5], [-0.2]]), None, (1, "linear", "mse", "regression")),
    (np.array([[1.5], [-0.2]]), "sse", (1, "linear", "sse", "regression")),
])
def test_head_for_picks_one_output_layer_and_loss(y, loss, expected):
    head = heads.head_for(y, loss)
    assert (head.units, head.activation, head.loss, head.kind) == expected
    assert head.metrics == (["mae"] if head.kind == "regression" else ["accuracy"])


@pytest.mark.parametrize(("loss", "y", "message"), [
    ("categorical_crossentropy", datasets.xor()[1],
     r"needs one output per class.*Use binary_crossentropy with one sigmoid output"),
    ("mse", np.array([0, 1, 2, 2]),
     r"mse does not fit integer labels of 3 classes: use categorical_crossentropy "
     r"\(a last layer of 3 softmax unit"),
    ("binary_crossentropy", np.array([0, 1, 2, 2]),
     r"binary_crossentropy does not fit integer labels of 3 classes: use categorical"),
    ("binary_crossentropy", np.array([[0.5], [3.0]]),
     r"does not fit real-valued targets.*use mse \(a last layer of 1 linear"),
])
def test_a_loss_that_does_not_fit_is_refused_naming_what_would(loss, y, message):
    with pytest.raises(ConfigError, match=message):
        heads.check_loss_fits(loss, y)


def test_the_cli_refuses_a_loss_that_does_not_fit(capsys):
    assert main(["train", "spirals", "--loss", "mse", "--epochs", "1", "--quiet"]) == 2
    out = " ".join(capsys.readouterr().out.split())
    assert "mse does not fit integer labels of 3 classes: use categorical_crossentropy" in out
    assert main(["train", "xor", "--loss", "categorical_crossentropy", "--quiet"]) == 2
    assert "one output per class" in " ".join(capsys.readouterr().out.split())


def test_the_cli_builds_the_head_a_loss_needs(capsys, tmp_path):
    path = tmp_path / "moons.json"
    assert main(["train", "moons", "--loss", "categorical_crossentropy", "--epochs", "2",
                 "--samples", "60", "--quiet", "--save", str(path)]) == 0
    capsys.readouterr()
    from neuronlab.io import load_model

    last = load_model(path).layers[-1]
    assert (last.units, last.activation.name) == (2, "softmax")


# --------------------------------------------------------------------------- learning rate
@pytest.mark.parametrize("rate", ["0", "-0.5", "nan"])
def test_the_cli_learning_rate_is_checked_as_in_python(rate, capsys):
    with pytest.raises(ConfigError) as python:
        optimizers.SGD(learning_rate=float(rate))
    with pytest.raises(SystemExit) as refused:  # refused by the parser, before any work
        main(["train", "xor", "--optimizer", "sgd", "--learning-rate", rate, "--epochs", "1",
              "--quiet"])
    assert refused.value.code == 2
    printed = capsys.readouterr()
    assert str(python.value) in " ".join((printed.out + printed.err).split())


def test_optimizers_get_builds_with_settings():
    assert optimizers.get("adam", learning_rate=0.5).learning_rate == 0.5
    with pytest.raises(ConfigError, match="learning_rate must be a finite number > 0"):
        optimizers.get("rmsprop", learning_rate=0)
    with pytest.raises(ConfigError, match="already built"):
        optimizers.get(optimizers.SGD(), learning_rate=0.1)
