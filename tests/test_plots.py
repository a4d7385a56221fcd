"""Tests for neuronlab.plots, neuronlab.diagrams and ``neuronlab plot``: the pictures show
what the models compute (lines, colours, counts, numbers), not merely that files exist."""

from __future__ import annotations

import ast
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from PIL import Image

from neuronlab import SGD, Adam, Dense, Neuron, Sequential, activations, datasets, diagrams, stories
from neuronlab.cli import main
from neuronlab.errors import ConfigError, DataError, ShapeError, UnknownNameError
from neuronlab.plots import (
    animate_training,
    plot_activations,
    plot_decision_boundary,
    plot_gates,
    plot_hidden_boundaries,
    plot_history,
    plot_network,
    plot_neuron,
    plot_xor_comparison,
    save_tour_figures,
)
from neuronlab.plots._common import CLASS_COLORS, NEGATIVE, POSITIVE, lighter
from neuronlab.tour import NEURON_EXAMPLES

SRC = Path(__file__).resolve().parents[1] / "src" / "neuronlab"


# --------------------------------------------------------------------------- helpers
def rgba(fig: Figure) -> np.ndarray:
    """The figure rendered by Agg, as an (H, W, 4) uint8 array."""
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())  # type: ignore[attr-defined]


def pixel(fig: Figure, image: np.ndarray, ax: Any, x: float, y: float) -> np.ndarray:
    """The RGB colour (0..1) drawn at data point (x, y) of ``ax``."""
    px, py = ax.transData.transform((x, y))
    row = image.shape[0] - int(np.rint(py))
    return image[row, int(np.rint(px)), :3] / 255.0


def nearest(color: np.ndarray, candidates: list[tuple[float, float, float]]) -> int:
    return int(np.argmin([np.linalg.norm(color - np.array(c)) for c in candidates]))


def data(line: Any) -> tuple[np.ndarray, np.ndarray]:
    """A Line2D's points as float arrays ``(xs, ys)``."""
    return np.asarray(line.get_xdata(), dtype=float), np.asarray(line.get_ydata(), dtype=float)


def dense(model: Sequential, i: int) -> Dense:
    layer = model.layers[i]
    assert isinstance(layer, Dense)
    return layer


def legend(ax: Any) -> Legend:
    found = ax.get_legend()
    assert found is not None
    return found


def artists(ax: Any, prefix: str) -> list[Any]:
    return [a for a in ax.get_children() if str(a.get_gid()).startswith(prefix)]


def on_segment(point: tuple[float, float], xs: np.ndarray, ys: np.ndarray) -> bool:
    """Is ``point`` on the straight segment from (xs[0], ys[0]) to (xs[-1], ys[-1])?"""
    a, b, p = np.array([xs[0], ys[0]]), np.array([xs[-1], ys[-1]]), np.array(point)
    ab, ap = b - a, p - a
    cross = ab[0] * ap[1] - ab[1] * ap[0]
    t = float(ap @ ab / (ab @ ab))
    return abs(cross) < 1e-9 * (ab @ ab) and 0 <= t <= 1


def png_ok(path: Path) -> tuple[int, int]:
    assert path.exists() and path.stat().st_size > 5000, path
    with Image.open(path) as im:
        assert im.format == "PNG"
        return im.size


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def xor_net() -> Sequential:
    """The XOR network of worked example §5, trained as §8 says: seed 0, SGD(1.0), MSE, 3000
    epochs."""
    X, y = datasets.xor()
    model = Sequential([Dense(4, "sigmoid", input_shape=(2,)), Dense(1, "sigmoid")], seed=0)
    model.compile(optimizer=SGD(learning_rate=1.0), loss="mse")
    model.fit(X, y, epochs=3000, verbose=0)
    return model


@pytest.fixture(scope="module")
def spirals() -> tuple[Sequential, np.ndarray, np.ndarray]:
    X, y = datasets.make_spirals(300, seed=0)
    model = Sequential([Dense(32, "relu", input_shape=(2,)), Dense(32, "relu"),
                        Dense(3, "softmax")], seed=0)
    model.compile(optimizer=Adam(learning_rate=0.01), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(X, y, epochs=150, verbose=0, validation_split=0.2, seed=0)
    return model, X, y


@pytest.fixture(scope="module")
def digits() -> tuple[Sequential, np.ndarray, np.ndarray]:
    X, y = datasets.load_digits()
    X = X / 16.0
    model = Sequential([Dense(16, "relu", input_shape=(64,)), Dense(10, "softmax")], seed=0)
    model.compile(optimizer=Adam(learning_rate=0.01), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(X, y, epochs=5, verbose=0, validation_split=0.2, seed=0)
    return model, X, y


# --------------------------------------------------------------------------- activations
def test_activations_show_each_function_and_its_derivative() -> None:
    fig = plot_activations()
    titles = [ax.get_title().splitlines()[0] for ax in fig.axes]
    assert titles[:6] == ["linear", "step", "relu", "leaky_relu", "sigmoid", "tanh"]
    assert titles == list(activations.names(elementwise=True))  # and every newer one
    sigmoid = fig.axes[4]
    curve, slope = sigmoid.get_lines()[:2]
    z, y = data(curve)
    assert y[np.argmin(np.abs(z))] == pytest.approx(0.5)
    assert data(slope)[1].max() == pytest.approx(0.25, abs=1e-4)  # sigmoid'(0) = 1/4
    relu_z, relu_dy = data(fig.axes[2].get_lines()[1])
    assert set(np.unique(relu_dy)) == {0.0, 1.0}
    assert relu_dy[relu_z > 0].min() == 1.0 and relu_dy[relu_z < 0].max() == 0.0


def test_softmax_of_two_scores_is_drawn_as_the_sigmoid() -> None:
    fig = plot_activations(["softmax", "sigmoid"])
    soft, sig = (data(ax.get_lines()[0])[1] for ax in fig.axes)
    np.testing.assert_allclose(soft, sig, atol=1e-12)


def test_activations_reject_unknown_names() -> None:
    with pytest.raises(UnknownNameError, match="Valid names"):
        plot_activations(["relu", "mish"])
    with pytest.raises(ConfigError, match="got none"):
        plot_activations([])
    assert [ax.get_title().splitlines()[0] for ax in plot_activations("ReLU").axes] == ["relu"]


# --------------------------------------------------------------------------- one neuron
@pytest.mark.parametrize("label,x,w,b,act", NEURON_EXAMPLES, ids=[e[0] for e in NEURON_EXAMPLES])
def test_neuron_picture_carries_every_number(label: str, x: list[float], w: list[float],
                                             b: float, act: str) -> None:
    fig = plot_neuron(Neuron(w, b, act), x)
    texts = " | ".join(t.get_text() for t in fig.axes[0].texts)
    products = [xi * wi for xi, wi in zip(x, w)]
    z = sum(products) + b
    y = Neuron(w, b, act)(x)
    for i, p in enumerate(products, start=1):
        assert f"x{i}·w{i} = {p:.3f}".replace("-0.000", "0.000") in texts
    assert f"sum = {sum(products):.3f}" in texts
    assert f"z = {z:.3f}" in texts and f"ŷ = {y:.3f}" in texts
    assert Neuron(w, b, act).explain(x).z_line() in texts  # worked example §1's step-by-step line
    assert ("does not fire" in texts) == (label == "does not fire")


def test_neuron_picture_of_the_go_running_example() -> None:
    texts = [t.get_text() for t in plot_neuron(Neuron([0.5, 0.7, 0.3], 0.1, "sigmoid"),
                                               [0.8, 0.6, 0.9]).axes[0].texts]
    assert "z = 1.190" in texts and "ŷ = 0.767" in texts  # worked example §1's corrected figures


def test_neuron_picture_with_many_inputs_stays_on_the_page(digits) -> None:
    model, X, _ = digits
    W, b = dense(model, 0).W[0], float(dense(model, 0).b[0])
    neuron = Neuron(W.tolist(), b, "relu")
    fig = plot_neuron(neuron, X[0].tolist())
    texts = " | ".join(t.get_text() for t in fig.axes[0].texts)
    assert "57 more" in texts and "(61 more products)" in texts
    assert f"z = {neuron.explain(X[0].tolist()).z:.3f}" in texts
    width, _ = fig.get_size_inches() * fig.dpi
    image = rgba(fig)  # drawing must not fail or collapse the layout
    assert image.shape[1] == int(width)


def test_neuron_picture_rejects_a_wrong_number_of_inputs() -> None:
    with pytest.raises(ShapeError, match="needs 3 inputs, got 2"):
        plot_neuron(Neuron([1, 2, 3], 0, "relu"), [1, 2])


# --------------------------------------------------------------------------- boundaries
def test_and_gate_line_passes_through_its_intercepts() -> None:
    X, y = datasets.and_gate()
    fig = plot_decision_boundary(stories.gate_neuron("and"), X, y)
    ax = fig.axes[0]
    (line,) = artists(ax, "neuron-line")
    xs, ys = data(line)
    assert on_segment((1.5, 0.0), xs, ys) and on_segment((0.0, 1.5), xs, ys)
    assert not on_segment((0.5, 0.5), xs, ys)
    assert ax.get_title().splitlines()[-1] == "4 of 4 points right (100%)"
    assert "x1 + x2 = 1.5" in ax.get_title()


def test_or_gate_and_a_one_neuron_sequential_get_their_line_too() -> None:
    X, y = datasets.or_gate()
    (line,) = artists(plot_decision_boundary(stories.gate_neuron("or"), X, y).axes[0],
                      "neuron-line")
    assert on_segment((0.5, 0.0), *data(line)) and on_segment((0.0, 0.5), *data(line))
    model = Sequential([Dense(1, "sigmoid", input_shape=(2,))])
    model.set_neuron_weights([[[2.0, 1.0]], [-2.0]])  # 2·x1 + x2 = 2: through (1, 0) and (0, 2)
    (line,) = artists(plot_decision_boundary(model, X, y).axes[0], "neuron-line")
    assert on_segment((1.0, 0.0), *data(line)) and on_segment((0.0, 2.0), *data(line))


def test_gates_sheet_draws_and_and_or() -> None:
    fig = plot_gates()
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0].startswith("AND") and titles[1].startswith("OR")
    assert all(len(artists(ax, "neuron-line")) == 1 for ax in fig.axes)


def test_xor_boundary_shows_each_class_where_it_belongs(xor_net: Sequential) -> None:
    X, y = datasets.xor()
    fig = plot_decision_boundary(xor_net, X, y)
    ax = fig.axes[0]
    image = rgba(fig)
    classes = [to_rgb(CLASS_COLORS[0]), to_rgb(CLASS_COLORS[1])]
    shades = [lighter(CLASS_COLORS[0], 0.5), lighter(CLASS_COLORS[1], 0.5)]
    for (x1, x2), target in zip(X, y[:, 0]):
        assert nearest(pixel(fig, image, ax, x1, x2), classes) == target  # the point itself
        out = 0.25 * (np.array([x1, x2]) * 2 - 1)  # a little beyond the corner, off the marker
        shade = pixel(fig, image, ax, x1 + out[0], x2 + out[1])
        assert nearest(shade, shades) == target  # the model's shading agrees
    assert ax.get_title().endswith("4 of 4 points right (100%)")


def test_xor_one_neuron_against_the_network(xor_net: Sequential) -> None:
    fig = plot_xor_comparison(xor_net)
    left, right = fig.axes[:2]
    assert left.get_title().endswith("3 of 4 points right (75%)")
    assert right.get_title().endswith("4 of 4 points right (100%)")
    assert artists(left, "neuron-line") and not artists(right, "neuron-line")


def test_hidden_boundaries_of_the_hand_wired_xor_are_or_and_and() -> None:
    fig = plot_hidden_boundaries(stories.hand_wired_xor())
    a, b = fig.axes[:2]
    assert a.get_title().splitlines()[0] == "neuron A: acts as OR"
    assert b.get_title().splitlines()[0] == "neuron B: acts as AND"
    (line_a,), (line_b,) = artists(a, "hidden-line"), artists(b, "hidden-line")
    assert on_segment((0.5, 0.0), *data(line_a)) and on_segment((0, 0.5), *data(line_a))
    assert on_segment((1.5, 0.0), *data(line_b)) and on_segment((0, 1.5), *data(line_b))


def test_hidden_boundaries_of_a_trained_network(xor_net: Sequential, spirals) -> None:
    X, y = datasets.xor()
    fig = plot_hidden_boundaries(xor_net, X, y)
    panels = [ax for ax in fig.axes if artists(ax, "hidden-line")]
    assert len(panels) == 4
    W, b = dense(xor_net, 0).W, dense(xor_net, 0).b
    for j, ax in enumerate(panels):  # each panel's line is that neuron's w·x + b = 0
        xs, ys = data(artists(ax, "hidden-line")[0])
        np.testing.assert_allclose(W[j, 0] * xs + W[j, 1] * ys + b[j], 0, atol=1e-4)
    model, X, y = spirals
    fig = plot_hidden_boundaries(model, X, y, max_panels=6)
    assert len([ax for ax in fig.axes if artists(ax, "hidden-line")]) == 6
    assert "first 6 of 32" in fig.get_suptitle()


def test_multiclass_boundary_shades_by_the_most_likely_class(spirals) -> None:
    model, X, y = spirals
    fig = plot_decision_boundary(model, X, y)
    ax = fig.axes[0]
    labels = [t.get_text() for t in legend(ax).get_texts()]
    assert labels[1:] == ["class 0", "class 1", "class 2"]
    right = int(ax.get_title().splitlines()[-1].split(" of ")[0])
    assert right / len(X) >= 0.9
    image = rgba(fig)
    shades = [lighter(CLASS_COLORS[c], 0.45) for c in range(3)]
    probe = np.array([[0.9, 0.9], [-0.9, 0.9], [0.0, -0.95], [0.9, -0.3], [-0.9, -0.9]])
    probs = model.predict(probe)
    for point, p in zip(probe, probs):
        if p.max() > 0.9:  # where the model is sure, the shade is that class's colour
            assert nearest(pixel(fig, image, ax, *point), shades) == p.argmax()


def test_decision_boundary_refuses_models_that_do_not_take_two_inputs(digits) -> None:
    three = Sequential([Dense(1, "sigmoid", input_shape=(3,))], seed=0)
    three.compile(optimizer="sgd", loss="mse")
    X3 = np.zeros((4, 3))
    with pytest.raises(ShapeError, match=r"2 inputs .* takes 3 inputs"):
        plot_decision_boundary(three, X3, [0, 1, 0, 1])
    with pytest.raises(ShapeError, match="takes 64 inputs"):
        plot_decision_boundary(digits[0], digits[1], digits[2])
    with pytest.raises(ShapeError, match="first layer takes 64 inputs"):
        plot_hidden_boundaries(digits[0], digits[1], digits[2])
    X, y = datasets.xor()
    with pytest.raises(ShapeError, match="4 points but y has 3"):
        plot_decision_boundary(stories.gate_neuron("and"), X, [0, 1, 1])
    with pytest.raises(DataError, match="count from 0"):
        plot_decision_boundary(stories.gate_neuron("and"), X, [0, -1, 1, 0])
    with pytest.raises(ConfigError, match=r"Sequential model or a neuronlab\.Neuron"):
        plot_decision_boundary("not a model", X, y)
    with pytest.raises(ConfigError, match="One neuron has no hidden layer"):
        plot_hidden_boundaries(stories.gate_neuron("and"))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- network
def test_network_draws_one_node_per_unit_one_link_per_weight_and_every_bias() -> None:
    model = Sequential([Dense(3, "tanh", input_shape=(2,)), Dense(2, "sigmoid")])
    W1 = np.array([[1.0, -2.0], [0.5, 0.0], [-0.25, 3.0]])
    b1, W2, b2 = np.array([0.1, -0.2, 0.3]), np.array([[2.0, -1.0, 0.5], [-3.0, 1.0, 0.0]]), \
        np.array([-0.7, 0.9])
    model.set_neuron_weights([W1, b1, W2, b2])
    ax = plot_network(model).axes[0]
    assert len(artists(ax, "node:")) == 2 + 3 + 2
    links = {a.get_gid(): a for a in artists(ax, "link:")}
    assert len(links) == W1.size + W2.size
    for layer, W in ((1, W1), (2, W2)):
        for out in range(W.shape[0]):
            for src in range(W.shape[1]):
                link = links[f"link:{layer}:{src}:{out}"]
                assert link.get_color() == (POSITIVE if W[out, src] >= 0 else NEGATIVE)
    widths = {abs(W2[o, s]): links[f"link:2:{s}:{o}"].get_linewidth()
              for o in range(2) for s in range(3)}
    ordered = [widths[k] for k in sorted(widths)]
    assert ordered == sorted(ordered) and ordered[0] < ordered[-1]  # thicker = larger |w|
    biases = {a.get_gid(): a.get_text() for a in artists(ax, "bias:")}
    assert biases == {"bias:1:0": "b=0.1", "bias:1:1": "b=-0.2", "bias:1:2": "b=0.3",
                      "bias:2:0": "b=-0.7", "bias:2:1": "b=0.9"}  # the output biases too


def test_network_of_the_trained_xor_net(xor_net: Sequential) -> None:
    ax = plot_network(xor_net).axes[0]
    assert len(artists(ax, "link:")) == 2 * 4 + 4 * 1
    assert len(artists(ax, "bias:")) == 4 + 1
    texts = {t.get_text() for t in ax.texts}
    assert f"{dense(xor_net, 1).W[0, 0]:.2f}".rstrip("0").rstrip(".") in texts  # weight labels


def test_network_of_a_digits_model_caps_the_inputs_and_says_so(digits) -> None:
    model, _, _ = digits
    fig = plot_network(model, max_nodes=12)
    ax = fig.axes[0]
    column0 = [a for a in artists(ax, "node:0:")]
    assert len(column0) == 11
    assert len(artists(ax, "node:1:")) == 11 and len(artists(ax, "node:2:")) == 10
    assert len(artists(ax, "link:1:")) == 11 * 11 and len(artists(ax, "link:2:")) == 11 * 10
    note = legend(ax).get_title().get_text()
    assert "11 of 64 inputs" in note and "11 of 16 units of layer 1" in note
    assert any("53 more" in t.get_text() for t in ax.texts)
    width, height = fig.get_size_inches()
    assert width <= 12 and height <= 10  # stays a readable page


def test_network_needs_a_model_with_known_inputs() -> None:
    from neuronlab.errors import NotFittedError

    with pytest.raises(NotFittedError, match="input_shape"):
        plot_network(Sequential([Dense(2)]))
    with pytest.raises(ConfigError, match="plot_neuron"):
        plot_network(stories.gate_neuron("and"))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- history
def test_history_draws_training_against_validation(spirals) -> None:
    model, _, _ = spirals
    fig = plot_history(model.history)
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_title().startswith("loss") and acc_ax.get_title().startswith("accuracy")
    train, val = loss_ax.get_lines()
    np.testing.assert_allclose(data(train)[1], model.history.history["loss"])
    np.testing.assert_allclose(data(val)[1], model.history.history["val_loss"])
    assert data(train)[0].tolist() == list(range(1, 151))
    assert str(train.get_label()).startswith("training")
    assert str(val.get_label()).startswith("validation")


def test_history_uses_a_log_scale_when_the_loss_falls_a_hundredfold(xor_net) -> None:
    assert plot_history(xor_net.history).axes[0].get_yscale() == "log"
    assert plot_history({"loss": [1.0, 0.5]}).axes[0].get_yscale() == "linear"
    with pytest.raises(DataError, match="no epochs"):
        plot_history({})


# --------------------------------------------------------------------------- animation
def test_gif_has_one_frame_per_snapshot_and_the_loss_falls(tmp_path: Path) -> None:
    X, y = datasets.xor()
    model = Sequential([Dense(4, "sigmoid", input_shape=(2,)), Dense(1, "sigmoid")], seed=0)
    model.compile(optimizer=SGD(learning_rate=1.0), loss="mse")
    movie = animate_training(model, X, y, epochs=1200, snapshots=6, path=tmp_path / "x.gif",
                             fps=4)
    with Image.open(movie.path) as gif:
        assert gif.format == "GIF" and gif.n_frames == 6
        gif.seek(0)
        first = np.asarray(gif.convert("RGB"), dtype=float)
        gif.seek(5)
        last = np.asarray(gif.convert("RGB"), dtype=float)
    assert np.abs(first - last).mean() > 1  # the frames show training moving
    assert movie.epochs == [0, 240, 480, 720, 960, 1200]
    assert len(movie.losses) == 6 and movie.losses[-1] < 0.2 * movie.losses[0]
    assert all(b <= a + 1e-6 for a, b in zip(movie.losses, movie.losses[1:]))
    assert len(model.history.history["loss"]) == 1200  # the model ends trained
    assert movie.losses[-1] == pytest.approx(model.evaluate(X, y), rel=1e-5)


def test_gif_of_a_digits_model_shows_its_network(tmp_path: Path, digits) -> None:
    _, X, y = digits
    model = Sequential([Dense(8, "relu", input_shape=(64,)), Dense(10, "softmax")], seed=1)
    model.compile(optimizer=Adam(learning_rate=0.01), loss="categorical_crossentropy")
    movie = animate_training(model, X[:300], y[:300], epochs=4, snapshots=3,
                             path=tmp_path / "digits.gif")
    with Image.open(movie.path) as gif:
        assert gif.n_frames == 3
    assert movie.losses[-1] < movie.losses[0]


def test_animation_checks_its_arguments(tmp_path: Path) -> None:
    X, y = datasets.xor()
    model = Sequential([Dense(1, "sigmoid", input_shape=(2,))], seed=0)
    with pytest.raises(Exception, match="compile"):
        animate_training(model, X, y, epochs=5, snapshots=2, path=tmp_path / "a.gif")
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ConfigError, match="snapshots=10 needs at least 9 epochs"):
        animate_training(model, X, y, epochs=5, snapshots=10, path=tmp_path / "a.gif")
    with pytest.raises(ConfigError, match=r"ending in \.gif"):
        animate_training(model, X, y, epochs=5, snapshots=2, path=tmp_path / "a.mp4")


# --------------------------------------------------------------------------- notebooks
def test_neuron_svg_holds_its_weights_and_bias() -> None:
    svg = diagrams.neuron_svg([0.5, -0.3, 0.8], bias=0.1, activation="relu")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    text = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    for label in ("w1 = 0.5", "w2 = -0.3", "w3 = 0.8", "b = 0.1", "relu"):
        assert label in text


def test_sequential_svg_holds_every_weight_and_bias(xor_net: Sequential) -> None:
    svg = stories.hand_wired_xor()._repr_svg_()
    assert svg is not None
    root = ET.fromstring(svg)
    hovers = [t.text for t in root.iter() if t.tag.endswith("title")]
    weights = [h for h in hovers if h is not None and h.startswith("w = ")]
    assert len(weights) == 4 + 2
    assert sorted(h.split(" ")[2] for h in weights) == ["-1", "1", "1", "1", "1", "1"]
    assert "b = -0.5" in svg and "b = -1.5" in svg
    trained = xor_net._repr_svg_()
    assert trained is not None and len(ET.fromstring(trained).findall(".//{*}line")) >= 12
    W = dense(xor_net, 0).W
    assert f"w = {diagrams._num(W[0, 0])} " in trained


def test_jupyter_shows_figures_as_png_and_models_as_svg(xor_net: Sequential) -> None:
    from IPython.core.formatters import DisplayFormatter

    formatter = DisplayFormatter()
    assert diagrams.register_notebook_display(formatter)
    data, _ = formatter.format(plot_history({"loss": [1.0, 0.5]}))  # no pyplot needed
    assert data["image/png"].startswith(b"\x89PNG")
    for shown in (Neuron([1.0, 1.0], -1.5, "step"), xor_net):
        data, _ = formatter.format(shown)
        assert data["image/svg+xml"].startswith("<svg") and data["text/plain"] == repr(shown)


def test_models_without_a_diagram_fall_back_to_text(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Sequential([Dense(2)])._repr_svg_() is None  # input size unknown: plain repr
    shape_only = Sequential([Dense(2, input_shape=(3,)), Dense(1)])._repr_svg_()
    assert shape_only is not None and "w = " not in shape_only and "3 inputs" in shape_only
    monkeypatch.setitem(sys.modules, "IPython", None)  # a plain script: nothing to register
    assert not diagrams.register_notebook_display()


def imported(node: ast.Import | ast.ImportFrom) -> str:
    """The top-level package an import statement reads from."""
    name = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
    return (name or "").split(".")[0]


def test_neuron_module_still_imports_only_the_standard_library() -> None:
    tree = ast.parse((SRC / "neuron.py").read_text())
    top = {imported(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))}
    assert top <= set(sys.stdlib_module_names) | {"__future__"}


def test_diagrams_module_imports_only_the_standard_library() -> None:
    tree = ast.parse((SRC / "diagrams.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            assert node.module == "neuron"  # the pure-Python neuron, itself stdlib-only
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            assert imported(node) in sys.stdlib_module_names | {"__future__"}


def test_plots_never_touch_pyplot() -> None:
    code = ("import sys, neuronlab.plots as p; from neuronlab import stories; "
            "p.plot_hidden_boundaries(stories.hand_wired_xor()); "
            "print('matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------- tour and CLI
def test_save_tour_figures_writes_the_tours_pictures(tmp_path: Path, xor_net) -> None:
    target = tmp_path / "new" / "folder"
    paths = save_tour_figures(target, model=xor_net)
    assert [p.name for p in paths] == [
        "01_activations.png", "02_neuron.png", "03_gates.png",
        "04_xor_neuron_vs_network.png", "05_hidden_hand_wired.png", "06_hidden_trained.png",
        "07_loss.png", "08_network.png"]
    for path in paths:
        width, height = png_ok(path)
        assert 400 <= width <= 2000 and 300 <= height <= 1400
        with Image.open(path) as im:
            assert im.info["dpi"] == pytest.approx((100, 100), abs=0.1)


def test_cli_plot_xor_writes_pngs_and_a_gif(tmp_path: Path, capsys) -> None:
    assert main(["plot", "xor", "--out", str(tmp_path), "--animate", "--epochs", "400",
                 "--snapshots", "4"]) == 0
    printed = capsys.readouterr().out
    names = ["xor_boundary.png", "xor_hidden.png", "xor_history.png", "xor_network.png"]
    for name in names:
        png_ok(tmp_path / name)
        assert str(tmp_path / name) in printed
    with Image.open(tmp_path / "xor_training.gif") as gif:
        assert gif.n_frames == 4


@pytest.mark.parametrize("what", ["activations", "neuron", "gates"])
def test_cli_plot_lessons(tmp_path: Path, what: str) -> None:
    assert main(["plot", what, "--out", str(tmp_path)]) == 0
    assert [png_ok(p) for p in tmp_path.glob("*.png")]


def test_cli_plot_a_dataset(tmp_path: Path) -> None:
    assert main(["plot", "moons", "--out", str(tmp_path), "--epochs", "30"]) == 0
    for kind in ("boundary", "history", "hidden", "network"):
        png_ok(tmp_path / f"moons_{kind}.png")


def test_cli_plot_explains_bad_requests(tmp_path: Path, capsys) -> None:
    assert main(["plot", "neuron", "--animate", "--out", str(tmp_path)]) == 2
    assert "does not train anything" in capsys.readouterr().out
    assert main(["plot", "neuron", "--inputs", "1,2", "--weights", "1",
                 "--out", str(tmp_path)]) == 2
    assert "needs 1 inputs, got 2" in capsys.readouterr().out
