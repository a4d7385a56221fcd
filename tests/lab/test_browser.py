"""The lab in a real browser: Debian chromium driven by Playwright against uvicorn.

Each test checks that what the page shows equals what the library computes. Every
page is opened the way a learner opens it: through the URL with the lab's token that
`neuronlab lab` prints. The screenshots of each view land in test-artifacts/lab/.
"""

from __future__ import annotations

import re
import time
from typing import Any

import numpy as np
import pytest

from conftest import ARTIFACTS as ARTIFACTS_ROOT
from conftest import needs_browser
from neuronlab import Dense, Neuron
from neuronlab.lab.explore.views import DEFAULT_LAYER

ARTIFACTS = ARTIFACTS_ROOT / "lab"

sync_api = needs_browser()

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def wait_text(page: Any, selector: str, text: str, timeout: float = 5000) -> None:
    sync_api.expect(page.locator(selector)).to_have_text(text, timeout=timeout)


# --------------------------------------------------------------------------- neuron
def test_neuron_slider_moves_z_and_y(open_page):
    page = open_page("#view=neuron")
    wait_text(page, "#neuron-z", "1.000")
    wait_text(page, "#neuron-y", "1.000")
    assert "(0.50 × 0.50) + (-0.30 × -0.30) + (0.70 × 0.80) + 0.10 = 1.000" in \
        page.locator("#neuron-steps").inner_text()
    shot(page, "neuron")

    slider = page.locator("#neuron-x1-range")
    slider.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")  # keyboard works for sliders
    x1 = float(slider.input_value())
    assert x1 == pytest.approx(0.6)
    expected = Neuron([0.5, -0.3, 0.8], 0.1, "relu").explain([x1, -0.3, 0.7])
    wait_text(page, "#neuron-z", f"{expected.z:.3f}")
    wait_text(page, "#neuron-y", f"{expected.y:.3f}")
    wait_text(page, "#neuron-steps", str(expected))  # the three step-by-step lines
    # The box and the slider agree; the box shows the diagram's 2 decimals ("0.60").
    box = page.locator("#neuron-x1-num").input_value()
    assert float(box) == float(slider.input_value()) and box == f"{x1:.2f}"

    page.locator("#neuron-b-num").fill("-2")  # the number box moves z below zero
    dark = Neuron([0.5, -0.3, 0.8], -2.0, "relu").explain([x1, -0.3, 0.7])
    wait_text(page, "#neuron-z", f"{dark.z:.3f}")
    wait_text(page, "#neuron-y", "0.000")
    page.select_option("#neuron-activation", "sigmoid")
    sig = Neuron([0.5, -0.3, 0.8], -2.0, "sigmoid").explain([x1, -0.3, 0.7])
    wait_text(page, "#neuron-y", f"{sig.y:.3f}")

    page.click("#neuron-add")
    wait_text(page, "#neuron-z", f"{sig.z + 1.0 * 0.5:.3f}")  # the new input is 1.0, weight 0.5


def test_every_control_has_a_label(open_page):
    page = open_page("#view=playground")
    page.wait_for_selector("#pg-play")
    for view in ("neuron", "layer", "batch", "playground"):
        page.click(f"#tab-{view}")
        page.wait_for_timeout(100)
        unlabelled = page.evaluate("""() => Array.from(document.querySelectorAll(
            'input, select, button, textarea')).filter((el) => !(
              el.getAttribute('aria-label') || (el.labels && el.labels.length) ||
              el.textContent.trim())).map((el) => el.outerHTML)""")
        assert unlabelled == [], unlabelled


# --------------------------------------------------------------------------- layer, batch
def test_layer_weight_edit_changes_the_output(open_page):
    page = open_page("#view=layer")
    for j, value in enumerate(["4.800", "1.210", "2.385"], start=1):
        wait_text(page, f"#layer-y{j}", value)
    page.locator("#layer-w2-2").fill("0.5")
    weights = [row[:] for row in DEFAULT_LAYER["weights"]]
    weights[1][1] = 0.5
    dense = Dense(3, activation="relu", input_shape=(4,))
    dense.set_neuron_weights([weights, DEFAULT_LAYER["biases"]])
    expected = dense.forward(np.array([DEFAULT_LAYER["inputs"]]))[0]
    for j, value in enumerate(expected, start=1):
        wait_text(page, f"#layer-y{j}", f"{value:.3f}")
    assert f"{expected[1]:.3f}" == "4.030"
    shot(page, "layer")


def test_batch_row_s2_flows_through_the_layer(open_page):
    page = open_page("#view=batch")
    wait_text(page, "#batch-y-row1", re.compile(r"s1\s*4\.800\s*1\.210\s*2\.385"))
    page.click("#batch-row2")
    wait_text(page, "#batch-hint", "Sample s2 flows through the layer:")
    diagram = page.locator("#batch-diagram").text_content() or ""
    for j, value in enumerate(["3.310", "1.662", "1.661"], start=1):
        assert f"ŷ{j} = {value}" in diagram  # ŷ: the output
    steps = page.locator("#batch-steps").inner_text()
    assert "= 3.310" in steps and "= 1.662" in steps and "= 1.661" in steps
    assert "selected" in (page.locator("#batch-y-row2").get_attribute("class") or "")
    page.wait_for_function("() => location.hash.includes('bs=1')")
    shot(page, "batch")


# --------------------------------------------------------------------------- playground
def test_xor_training_reaches_full_test_accuracy(open_page):
    page = open_page("#view=playground&pd=xor")
    wait_text(page, "#pg-epoch", "0")
    start_loss = float(page.locator("#pg-train-loss").inner_text())
    page.click("#pg-play")
    wait_text(page, "#pg-test-acc", "100.0%", timeout=30_000)
    page.wait_for_function("() => Number(document.querySelector('#pg-epoch').textContent) > 20")
    page.click("#pg-play")  # pause
    sync_api.expect(page.locator("#pg-play")).to_have_text("▶ play")
    loss = float(page.locator("#pg-train-loss").inner_text())
    assert loss < start_loss / 2, (start_loss, loss)
    assert page.locator("#pg-network image.neuron-map").count() == 8  # one per hidden neuron
    assert page.locator("#pg-network image.feature-map").count() == 2  # one per input
    assert page.locator("#pg-curves path.series").count() == 2
    shot(page, "playground")
    with page.expect_download() as download:
        page.click("#pg-export")
    assert download.value.suggested_filename.endswith(".npz")
    code = page.locator("#pg-code").inner_text()
    assert 'datasets.make_classification_2d("xor"' in code and "model.fit(" in code


def test_shared_url_reproduces_the_state(open_page):
    page = open_page("#view=playground&pd=moons&ph=3&pa=relu&po=adam&pl=0.03")
    wait_text(page, "#pg-epoch", "0")
    for _ in range(3):
        page.click("#pg-step")
    wait_text(page, "#pg-epoch", "3")
    page.click("#pg-layer1-plus")  # 3 -> 4 neurons: a new network, epoch 0
    wait_text(page, "#pg-epoch", "0")
    for count in range(1, 6):
        page.click("#pg-step")
        wait_text(page, "#pg-epoch", str(count))
    page.wait_for_function("() => location.hash.includes('pe=5')")
    url = page.url
    assert "ph=4" in url and "pd=moons" in url
    numbers = {key: page.locator(key).inner_text()
               for key in ("#pg-train-loss", "#pg-test-loss", "#pg-test-acc", "#pg-weights")}

    other = open_page(url[url.index("#"):])
    wait_text(other, "#pg-epoch", "5")
    for key, text in numbers.items():
        assert other.locator(key).inner_text() == text, key
    assert other.locator("#pg-dataset").input_value() == "moons"


def test_divergence_is_explained_and_bad_settings_are_refused(open_page):
    page = open_page("#view=playground&pd=blobs&ph=8,8&pa=linear&pl=10&pz=1&pb=5&ps=0")
    wait_text(page, "#pg-epoch", "0")
    page.click("#pg-step")
    alert = page.locator("#pg-diverged")
    sync_api.expect(alert).to_be_visible()
    text = alert.inner_text()
    assert "diverged" in text and "smaller learning rate" in text and "now 10" in text
    assert page.locator("#pg-play").is_disabled()
    shot(page, "playground-diverged")
    page.click("#pg-reset")
    sync_api.expect(alert).to_be_hidden()
    page.locator("#pg-samples").fill("5000")
    page.locator("#pg-samples").press("Enter")
    wait_text(page, "#status", "'samples' must be between 8 and 2000, got 5000.")
    sync_api.expect(page.locator("#pg-samples")).to_have_value("200")  # the last good value


def test_narrow_window_screenshots(open_page):
    page = open_page("#view=neuron", width=400, height=800)
    wait_text(page, "#neuron-z", "1.000")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the page is {width} px wide in a 400 px window"
    shot(page, "neuron-narrow")
    page = open_page("#view=playground", width=400, height=800)
    wait_text(page, "#pg-epoch", "0")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    shot(page, "playground-narrow")


# --------------------------------------------------------------------------- token
def test_the_token_url_sets_a_cookie_and_the_page_works(browser, live_server):
    context = browser.new_context()  # a browser that has never seen the lab
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(live_server.token_url)  # the URL `neuronlab lab` prints
        page.wait_for_selector("body[data-ready=true]")
        # the redirect left the token out of the address and the history
        assert page.url == f"{live_server.url}/"
        page.goto(f"{live_server.url}/explore#view=playground&pd=xor")
        page.wait_for_selector("body[data-ready=true]")
        cookies = page.context.cookies()
        assert [c["name"] for c in cookies] == [f"neuronlab-lab-{live_server.port}"]
        assert cookies[0]["httpOnly"] and cookies[0]["sameSite"] == "Strict"
        assert page.evaluate("document.cookie") == ""  # out of the page scripts' reach
        wait_text(page, "#pg-epoch", "0")  # the first frame came over the WebSocket
        # The listener is on before the reload: the first frame can arrive before any
        # later expect_event() call could be set up.
        frames: list[str] = []
        page.on("websocket",
                lambda socket: socket.on("framereceived", lambda f: frames.append(str(f))))
        page.reload()
        page.wait_for_selector("body[data-ready=true]")
        page.wait_for_function("() => document.querySelector('#pg-epoch').textContent === '0'")
        deadline = time.monotonic() + 30
        while (not any('"type"' in f and "frame" in f for f in frames)
               and time.monotonic() < deadline):
            page.wait_for_timeout(100)
        assert any('"type": "frame"' in f or '"type":"frame"' in f for f in frames), frames[:3]
        page.click("#pg-step")
        wait_text(page, "#pg-epoch", "1")
    finally:
        context.close()
    assert not errors, errors


def test_without_the_token_the_page_says_where_to_find_it(browser, live_server):
    context = browser.new_context()
    try:
        page = context.new_page()
        response = page.goto(f"{live_server.url}/#view=neuron")
        assert response is not None and response.status == 401
        text = page.locator("body").inner_text()
        assert "token" in text and "neuronlab lab --list" in text
        wrong = page.goto(f"{live_server.url}/?token=not-the-token")
        assert wrong is not None and wrong.status == 401 and context.cookies() == []
    finally:
        context.close()


@pytest.mark.parametrize(("name", "width"), [("lab-1280", 1280), ("lab-390", 390)])
def test_playground_screenshots_after_the_token_flow(open_page, name, width):
    page = open_page("#view=playground&pd=moons&ph=6,4", width=width, height=900)
    wait_text(page, "#pg-epoch", "0")
    page.click("#pg-step")
    wait_text(page, "#pg-epoch", "1")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, name)
