"""The widget gallery in a real browser (Debian chromium through Playwright).

For each lesson widget: move a control and see a number change to the library's value,
press "Reset to the lesson's numbers" and see the lesson's numbers come back. The
gallery is opened the way a learner opens the lab: through the URL with the token.
Screenshots at 1280 and 390 px land in test-artifacts/widgets/.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from conftest import ARTIFACTS as ARTIFACTS_ROOT
from conftest import needs_browser
from neuronlab import activations, losses, stories
from neuronlab.lab.course.widgets import lesson_widgets, mse_view
from neuronlab.lab.explore.views import DEFAULT_BATCH, DEFAULT_LAYER
from neuronlab.layers import Dense
from neuronlab.neuron import Neuron

ARTIFACTS = ARTIFACTS_ROOT / "widgets"

sync_api = needs_browser()

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


@pytest.fixture
def gallery(pages, live_server) -> Iterator[Any]:
    errors: list[str] = []
    outside: list[str] = []

    def open_gallery(width: int = 1280, height: int = 900) -> Any:
        page = pages.new(live_server, width, height)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        # A 400 is a refusal the widget shows in its own words (tested where it happens).
        page.on("console", lambda message: errors.append(message.text)
                if message.type == "error" and "status of 400" not in message.text else None)
        page.on("request", lambda request: outside.append(request.url)
                if not request.url.startswith((live_server.url, "data:", "blob:")) else None)
        page.goto(f"{live_server.url}/widgets")
        page.wait_for_selector("body[data-ready=true]", timeout=60000)
        page.wait_for_function("""() => Array.from(document.querySelectorAll('[data-widget]'))
            .every((s) => s.dataset.ready === 'true')""", timeout=60000)
        return page

    yield open_gallery
    assert not errors, errors
    assert not outside, f"requests left the machine: {outside}"


def text(page: Any, selector: str, expected: str, timeout: float = 15000) -> None:
    sync_api.expect(page.locator(selector)).to_have_text(expected, timeout=timeout)


def contains(page: Any, selector: str, expected: str, timeout: float = 15000) -> None:
    sync_api.expect(page.locator(selector)).to_contain_text(expected, timeout=timeout)


def press(page: Any, selector: str, key: str, times: int) -> None:
    page.locator(selector).focus()
    for _ in range(times):
        page.keyboard.press(key)


def reset(page: Any, widget: str) -> None:
    page.click(f"#{widget}-reset")


# --------------------------------------------------------------------------- lessons 1-4
def test_neuron_widget(gallery):
    page = gallery()
    text(page, "#w-neuron-z", "1.000")
    contains(page, "#w-neuron-steps", "z = 0.250 + 0.090 + 0.560 + 0.10 = 1.000")
    contains(page, "#w-neuron-steps", "ReLU(1.000) = 1.000")
    press(page, "#w-neuron-x1-range", "ArrowRight", 10)  # keyboard moves x1 to 0.6
    x1 = float(page.locator("#w-neuron-x1-range").input_value())
    assert x1 == pytest.approx(0.6)
    expected = Neuron([0.5, -0.3, 0.8], 0.1, "relu").explain([x1, -0.3, 0.7])
    text(page, "#w-neuron-z", f"{expected.z:.3f}")
    text(page, "#w-neuron-steps", str(expected))
    reset(page, "w-neuron")
    text(page, "#w-neuron-z", "1.000")
    assert page.locator("#w-neuron-x1-range").input_value() == "0.5"


def test_activation_widget(gallery):
    page = gallery()
    text(page, "#w-activation-y", "0.767")  # should I go running? 77% yes
    page.select_option("#w-activation-activation", "tanh")
    text(page, "#w-activation-y", f"{math.tanh(1.19):.3f}")
    press(page, "#w-activation-z-range", "ArrowLeft", 200)  # down to z = -0.81
    z = float(page.locator("#w-activation-z-range").input_value())
    slope = activations.get("tanh").derivative(np.array([z]))[0]
    text(page, "#w-activation-slope", f"{slope:.3f}")
    reset(page, "w-activation")
    text(page, "#w-activation-y", "0.767")


def test_layer_widget(gallery):
    page = gallery()
    for j, value in enumerate(["4.800", "1.210", "2.385"], start=1):
        text(page, f"#w-layer-y{j}", value)
    page.locator("#w-layer-w1-1").fill("1.2")
    W = np.array(DEFAULT_LAYER["weights"])
    W[0, 0] = 1.2
    layer = Dense(3, activation="relu", input_shape=(4,))
    layer.set_neuron_weights([W, DEFAULT_LAYER["biases"]])
    y = layer.forward(np.array([DEFAULT_LAYER["inputs"]]))[0]
    text(page, "#w-layer-y1", f"{y[0]:.3f}")
    reset(page, "w-layer")
    text(page, "#w-layer-y1", "4.800")
    assert page.locator("#w-layer-w1-1").input_value() == "0.2"


def test_batch_widget(gallery):
    page = gallery()
    layer = Dense(3, activation="relu", input_shape=(4,))
    layer.set_neuron_weights([DEFAULT_LAYER["weights"], DEFAULT_LAYER["biases"]])
    Y = layer.forward(np.array(DEFAULT_BATCH))
    text(page, "#w-batch-y2-1", f"{Y[1, 0]:.3f}")
    page.click("#w-batch-row2")  # click a row: it flows through the layer
    contains(page, "#w-batch-hint", "Sample s2 flows")
    contains(page, "#w-batch-steps", Neuron(DEFAULT_LAYER["weights"][0], 2.0, "relu")
             .explain(DEFAULT_BATCH[1]).as_dict()["z_line"])
    page.locator("#w-batch-x2-1").fill("3")
    X = np.array(DEFAULT_BATCH)
    X[1, 0] = 3.0
    text(page, "#w-batch-y2-1", f"{layer.forward(X)[1, 0]:.3f}")
    reset(page, "w-batch")
    text(page, "#w-batch-y2-1", f"{Y[1, 0]:.3f}")
    sync_api.expect(page.locator("#w-batch-steps")).to_be_hidden()


# --------------------------------------------------------------------------- lessons 5-7
def outputs(page: Any) -> list[str]:
    return [page.locator(f"#w-gate-out{k}").inner_text() for k in range(1, 5)]


def test_gate_widget(gallery):
    page = gallery()
    text(page, "#w-gate-gate", "This neuron computes AND.")
    assert outputs(page) == ["0", "0", "0", "1"]
    page.click("#w-gate-preset-or")
    text(page, "#w-gate-out2", "1")
    assert outputs(page) == ["0", "1", "1", "1"]
    text(page, "#w-gate-equation", "boundary: x1 + x2 = 0.5")
    press(page, "#w-gate-b-range", "ArrowLeft", 60)  # b from -0.5 to -1.1: AND again
    b = float(page.locator("#w-gate-b-range").input_value())
    neuron = Neuron([1.0, 1.0], b, "step")
    expected = [str(int(neuron(list(c)))) for c in stories.XOR_INPUTS]
    text(page, "#w-gate-out2", expected[1])
    assert outputs(page) == expected
    assert page.locator("#w-gate-square line.boundary").count() == 1
    page.click("#w-gate-preset-not")  # NOT: -1·x1 + 0.5 = 0, written solved for x1
    text(page, "#w-gate-equation", "boundary: x1 = 0.5")
    assert outputs(page) == ["1", "1", "0", "0"]
    reset(page, "w-gate")
    text(page, "#w-gate-equation", "boundary: x1 + x2 = 1.5")


def test_xor_widget(gallery):
    page = gallery()
    attempt = stories.single_neuron_on_xor()
    answers = ", ".join(f"{p:.3f}" for p in attempt.predictions)
    text(page, "#w-xor-verdict",
         f"one neuron, trained: ŷ = {answers}, loss {attempt.losses[-1]:.3f}; its best was "
         f"{attempt.best_correct} of 4 right, {attempt.best_when}")
    text(page, "#w-xor-net-verdict", "two hidden neurons: 4 of 4 right")
    assert page.locator("#w-xor-net line.boundary").count() == 2
    page.click("#w-xor-lines")  # hide the hidden boundaries
    sync_api.expect(page.locator("#w-xor-net line.boundary")).to_have_count(0)
    reset(page, "w-xor")
    sync_api.expect(page.locator("#w-xor-net line.boundary")).to_have_count(2)


def test_mse_widget(gallery):
    page = gallery()
    before = page.locator("#w-mse-mse").inner_text()
    press(page, "#w-mse-range1", "Home", 1)  # sample 1's prediction onto its target 0
    press(page, "#w-mse-range2", "End", 1)   # sample 2's prediction onto its target 1
    assert [page.locator(f"#w-mse-range{k}").input_value() for k in (1, 2)] == ["0", "1"]
    start = mse_view({"targets": [0, 1, 1, 0]})["predictions"]  # the untrained net's
    preds = [0.0, 1.0, *start[2:]]
    expected = losses.get("mse")(np.array([[0.0], [1.0], [1.0], [0.0]]),
                                 np.array(preds).reshape(-1, 1))
    text(page, "#w-mse-mse", f"{expected:.4f}")
    text(page, "#w-mse-sq1", "0.0000")
    reset(page, "w-mse")
    text(page, "#w-mse-mse", before)


# --------------------------------------------------------------------------- lessons 8-12
def test_backprop_stepper_on_one_neuron_walks_every_stage(gallery):
    page = gallery()
    w = "w-backprop-stepper"
    contains(page, f"#{w}-stage", "0 of 4")
    model_grad = one_neuron_gradient(target=1.0)
    titles = []
    for _ in range(4):
        page.click(f"#{w}-next")
        titles.append(page.locator(f"#{w}-stage").inner_text())
    assert [t.split("· ")[1] for t in titles] == ["forward: the neuron", "loss",
                                                  "backward: the neuron", "update"]
    text(page, f"#{w}-grad-w", f"{model_grad:.4f}")  # the library's ∂L/∂w1
    contains(page, f"#{w}-detail", "w ← w − η·∂L/∂w")
    sync_api.expect(page.locator(f"#{w}-next")).to_be_disabled()
    page.locator(f"#{w}-target").fill("0")  # lesson 8: change the target to 0
    page.locator(f"#{w}-target").press("Tab")
    text(page, f"#{w}-grad-w", f"{one_neuron_gradient(target=0.0):.4f}")
    reset(page, w)
    contains(page, f"#{w}-stage", "0 of 4")
    text(page, f"#{w}-grad-w", "—")


def one_neuron_gradient(target: float) -> float:
    from neuronlab.model import Sequential

    model = Sequential([Dense(1, activation="sigmoid", input_shape=(2,))], dtype="float64")
    model.set_neuron_weights([[[0.5, -0.5]], [0.0]])
    model.compile(optimizer="sgd", loss="mse")
    X, y = np.array([[1.0, 2.0]]), np.array([[target]])
    model.backward(model.forward(X), y)
    return float(model.layers[0].grad_W[0, 0])


def test_backprop_stepper_on_xor_autoplays_and_shows_a_sample(gallery):
    from neuronlab.model import Sequential

    page = gallery()
    w = "w-backprop-stepper-2"
    page.select_option(f"#{w}-sample", "1")  # the sample (0, 1)
    model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                        Dense(1, activation="sigmoid")], seed=0, dtype="float64")
    model.build()
    model.compile(optimizer="sgd", loss="mse")
    X, y = np.array([[0.0, 1.0]]), np.array([[1.0]])
    model.backward(model.forward(X), y)
    for _ in range(5):
        page.click(f"#{w}-next")
    contains(page, f"#{w}-stage", "5 of 6 · backward: hidden layer 1")
    g = model.layers[0].grad_W  # the library's gradient of every first-layer weight
    for j in range(4):
        contains(page, f"#{w}-detail", f"[{g[j, 0]:.4f}, {g[j, 1]:.4f}]")
    assert np.all(g[:, 1] != 0)
    page.click(f"#{w}-next")
    contains(page, f"#{w}-stage", "6 of 6 · update")
    text(page, f"#{w}-grad-w", f"{model.layers[0].grad_W[0, 0]:.4f}")  # input 1 is 0: no blame
    contains(page, f"#{w}-detail", "layer 2: W = ")
    page.click(f"#{w}-again")
    page.click(f"#{w}-auto")  # autoplay walks the six stages by itself
    contains(page, f"#{w}-stage", "6 of 6 · update", timeout=30000)
    assert page.locator(f"#{w}-diagram .loss-box text").nth(1).text_content() == \
        f"{float(model.loss(y, model.forward(X))):.4f}"


def test_puzzle_widget(gallery):
    page = gallery()
    run = stories.train_puzzle(steps=50)
    text(page, "#w-puzzle-prediction", "6.100")
    pairs = ", ".join(f"{x:g}→{y:g}" for x, y in zip(stories.PUZZLE_X, stories.PUZZLE_Y))
    text(page, "#w-puzzle-pairs", f"Pairs {pairs}; loss {losses.get('sse').formula}.")
    assert page.locator("#w-puzzle-prediction").locator("xpath=..").inner_text().startswith(
        f"{stories.PUZZLE_QUESTION:g} → ")
    page.click("#w-puzzle-next")
    text(page, "#w-puzzle-w", f"{run.steps[0].weight:.4f}")
    text(page, "#w-puzzle-prediction", f"{run.steps[0].prediction:.3f}")
    page.click("#w-puzzle-play")
    text(page, "#w-puzzle-step", "after step 50 of 50", timeout=40000)
    text(page, "#w-puzzle-prediction", f"{run.final.prediction:.3f}")
    assert f"{run.final.prediction:.3f}" == "111.175"  # 55 -> 111.175 after 50 steps
    assert page.locator("#w-puzzle-surface path.path").get_attribute("d").count("L") == 50
    page.select_option("#w-puzzle-rate", "0.0005")
    sync_api.expect(page.locator("#w-puzzle-diverged")).to_be_visible()
    reset(page, "w-puzzle")
    text(page, "#w-puzzle-prediction", "6.100")
    sync_api.expect(page.locator("#w-puzzle-diverged")).to_be_hidden()


def test_playground_card_opens_the_playground_with_the_lesson_settings(gallery, live_server):
    # The lesson's own marker says what the link must carry.
    settings = next(w["settings"] for w in lesson_widgets() if w["kind"] == "playground")
    value = lambda v: ",".join(map(value, v)) if isinstance(v, list) else (  # noqa: E731
        f"{v:g}" if isinstance(v, float) else str(v))
    names = {"dataset": "pd", "hidden": "ph", "activation": "pa", "optimizer": "po",
             "learning_rate": "pl", "seed": "ps", "batch_size": "pb"}
    expected = [f"{key}={value(settings[field])}" for field, key in names.items()
                if field in settings]
    assert len(expected) >= 5
    page = gallery()
    href = page.locator("#w-playground-open").get_attribute("href")
    assert href.startswith(f"{live_server.url}/explore#view=playground&")
    for part in expected:
        assert part in href.split("#")[1].split("&")
    page.click("#w-playground-open")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#pg-play")
    assert all(part in page.url for part in expected[:2])


def test_softmax_widget(gallery):
    # Classes are counted from 0, as lesson 12 counts them ("if class 0 is the true one").
    page = gallery()
    text(page, "#w-softmax-p0", "0.659")
    text(page, "#w-softmax-sum", "1.000")
    contains(page, "#w-softmax-bars", "class 0")
    assert "class 3" not in page.locator("#w-softmax-bars").inner_text()
    press(page, "#w-softmax-s2-range", "ArrowRight", 25)  # the last score from 0.1 to 2.6
    s2 = float(page.locator("#w-softmax-s2-range").input_value())
    p = activations.get("softmax").forward(np.array([[2.0, 1.0, s2]]))[0]
    text(page, "#w-softmax-p2", f"{p[2]:.3f}")
    text(page, "#w-softmax-sum", "1.000")
    reset(page, "w-softmax")
    text(page, "#w-softmax-p0", "0.659")


def test_softmax_widget_takes_the_lesson_s_large_scores(gallery):
    page = gallery()
    page.fill("#w-softmax-scores", "1000, 1001, 1002")
    page.press("#w-softmax-scores", "Enter")
    big = activations.get("softmax").forward(np.array([[1000.0, 1001.0, 1002.0]]))[0]
    assert np.isfinite(big).all()
    text(page, "#w-softmax-p2", f"{big[2]:.3f}")
    text(page, "#w-softmax-p0", f"{big[0]:.3f}")
    contains(page, "#w-softmax-shift", "z − max = [-2.00, -1.00, 0.00]")
    assert page.locator("#w-softmax-s0-range").input_value() == "1000"
    sync_api.expect(page.locator("#w-softmax .widget-error")).to_be_hidden()
    # A refused list: the reason shows, and no bars of the old scores stay on screen.
    page.fill("#w-softmax-scores", "1, two")
    page.press("#w-softmax-scores", "Enter")
    contains(page, "#w-softmax .widget-error", "scores[1]")
    sync_api.expect(page.locator("#w-softmax-bars .prob-row")).to_have_count(0)
    text(page, "#w-softmax-sum", "—")
    page.fill("#w-softmax-scores", "1, 2")
    page.press("#w-softmax-scores", "Enter")
    sync_api.expect(page.locator("#w-softmax-bars .prob-row")).to_have_count(2)
    sync_api.expect(page.locator("#w-softmax .widget-error")).to_be_hidden()


# --------------------------------------------------------------------------- a11y, layout
@pytest.mark.parametrize("width", [1280, 390])
def test_gallery_layout_labels_and_screenshots(gallery, width):
    page = gallery(width=width)
    unlabelled = page.evaluate("""() => Array.from(document.querySelectorAll(
        'input, select, button, textarea')).filter((el) => !(
          el.getAttribute('aria-label') || (el.labels && el.labels.length) ||
          el.textContent.trim())).map((el) => el.outerHTML)""")
    assert unlabelled == [], unlabelled
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    spilled = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.widget-value, td.out, .widget-readout')).filter((el) => {
          let box = el.getBoundingClientRect();
          // A wide table scrolls inside its own box; that box must fit the section.
          const holder = el.closest('.scroll') || el;
          box = holder.getBoundingClientRect();
          const section = el.closest('section.widget').getBoundingClientRect();
          return box.width > 0 && (box.left < section.left - 1 || box.right > section.right + 1);
        }).map((el) => el.id || el.textContent)""")
    assert spilled == [], spilled
    page.keyboard.press("Tab")  # the focus ring shows
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"gallery-{width}.png"), full_page=True)
