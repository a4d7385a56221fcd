"""The training widget in a real browser: lesson 11's recipe run as written, then fixed.

The page's final loss and predictions are read from the page and compared with the
library's own ``Sequential(...).fit(...)``. Lesson 11's playground link is followed and
the playground's state (its URL) must be the lesson's setup. Screenshots of each trained
training widget of lessons 6, 7, 10, 11 and 12 at 1280 and 390 px land in
test-artifacts/lessons/ (the whole pages are in test-artifacts/course/).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

import pytest

from conftest import ARTIFACTS, LiveServer, needs_browser
from neuronlab import SGD, Dense, Sequential, datasets

sync_api = needs_browser()

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

SHOTS = ARTIFACTS / "lessons"
TRAINING = "section[data-widget=training]"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    live = LiveServer().start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def open_lesson(pages, server) -> Iterator[Any]:
    errors: list[str] = []

    def open_path(slug: str, width: int = 1280) -> Any:
        page = pages.new(server, width, 900)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        # A refused setting is a 400 the browser logs; the test reads its message itself.
        page.on("console", lambda message: errors.append(message.text)
                if message.type == "error" and "status of 400" not in message.text else None)
        page.goto(f"{server.url}/lessons/{slug}")
        page.wait_for_selector("body[data-ready=true]")
        return page

    yield open_path
    assert not errors, errors


def trained(page: Any) -> None:
    """Wait until every training widget of the page has finished its run."""
    page.wait_for_selector(f"{TRAINING}:not([data-done])", state="detached", timeout=120_000)


def library(learning_rate: float | None) -> tuple[float, list[float]]:
    X, y = datasets.xor()
    model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                        Dense(1, activation="sigmoid")], seed=0)
    model.compile(optimizer="sgd" if learning_rate is None else SGD(learning_rate=learning_rate),
                  loss="mse")
    loss = model.fit(X, y, epochs=3000, verbose=0).history["loss"][-1]
    return loss, model.predict(X)[:, 0].astype(float).tolist()


def read(page: Any) -> tuple[float, list[float], list[str], str]:
    section = page.locator(TRAINING)
    final = float(section.get_attribute("data-final-loss"))
    predictions = [float(v) for v in
                   section.get_attribute("data-predictions").strip("[]").split(",")]
    shown = [section.locator(f"[id$='-yhat{k}']").inner_text() for k in range(4)]
    loss_text = section.locator("[id$='-final-loss']").inner_text()
    return final, predictions, shown, loss_text


def test_lesson_11_runs_the_recipe_as_written_then_the_fix(open_lesson):
    page = open_lesson("the-framework-view")
    trained(page)
    section = page.locator(TRAINING)
    code = section.locator("pre code").inner_text()
    assert "model.compile(optimizer='sgd', loss='mse')" in code
    assert "Dense(4, activation='sigmoid', input_shape=(2,))" in code
    assert "model.fit(X, y, epochs=3000, verbose=0)" in code

    loss, predictions = library(None)  # the trap: 'sgd' means learning rate 0.01
    final, shown_predictions, shown, loss_text = read(page)
    assert final == loss and shown_predictions == predictions
    assert shown == [f"{p:.4f}" for p in predictions] and loss_text == f"{loss:.4f}"
    assert "learning rate 0.01" in section.locator("[id$='-status']").inner_text()
    assert section.locator("[id$='-verdict']").get_attribute("data-solved") == "false"

    section.locator("select[id$='-rate']").select_option("1")  # the fix: learning_rate=1.0
    trained(page)
    loss, predictions = library(1.0)
    final, shown_predictions, shown, loss_text = read(page)
    assert final == loss and shown_predictions == predictions
    assert shown == [f"{p:.4f}" for p in predictions] and loss_text == f"{loss:.4f}"
    assert "SGD(learning_rate=1.0)" in section.locator("pre code").inner_text()
    assert section.locator("[id$='-verdict']").get_attribute("data-solved") == "true"

    section.locator("input[id$='-epochs']").fill("0")  # a bad setting: the server's message
    section.locator("input[id$='-epochs']").dispatch_event("change")
    trained(page)
    alert = page.locator(f"{TRAINING} .widget-error")
    assert "'epochs' must be between 1" in alert.inner_text()


def test_lesson_11_playground_link_opens_the_lesson_s_setup(open_lesson):
    page = open_lesson("the-framework-view")
    card = page.locator("section[data-widget=playground]")
    href = card.locator("a.button-link").get_attribute("href")
    # the section's own playground link opens the same settings, not the noisy XOR points
    assert card.locator("a[data-explorer]").get_attribute("href") == href
    page.goto(href)
    page.wait_for_selector("body[data-ready=true]")
    sync_api.expect(page.locator("#pg-epoch")).to_have_text("0", timeout=30_000)
    state = dict(parse_qsl(page.url.split("#", 1)[1]))
    assert {key: state[key] for key in ("pd", "pb", "ph", "pa", "po", "pl", "pm", "ps")} == {
        "pd": "xor4", "pb": "4", "ph": "4", "pa": "sigmoid", "po": "sgd", "pl": "0.01",
        "pm": "mse", "ps": "0"}
    X, y = datasets.xor()
    start = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                        Dense(1, activation="sigmoid")], seed=0)
    start.compile(optimizer="sgd", loss="mse")
    first = start.fit(X, y, epochs=1, verbose=0).history["loss"][0]
    sync_api.expect(page.locator("#pg-train-loss")).to_have_text(f"{first:.4f}")


@pytest.mark.parametrize("slug", ["xor", "loss", "the-training-loop", "the-framework-view",
                                  "softmax"])
@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots(open_lesson, slug, width):
    page = open_lesson(slug, width)
    trained(page)
    page.wait_for_timeout(300)  # the last frame of the curves is drawn
    SHOTS.mkdir(parents=True, exist_ok=True)
    for k in range(page.locator(TRAINING).count()):
        page.locator(TRAINING).nth(k).screenshot(path=str(SHOTS / f"{slug}-{width}-training.png"))
    # nothing of the widget is wider than the page
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_lesson_12_widget_handles_the_text_s_example_and_counts_from_0(open_lesson):
    """The text's stable-softmax example, [1000, 1001, 1002], typed into the widget gives the
    text's probabilities (the library's), under the names class 0, 1 and 2 as the text."""
    from neuronlab.learn.lessons import LESSONS, lesson_namespace

    names = lesson_namespace(next(item for item in LESSONS if item.number == 12))
    page = open_lesson("softmax")
    section = page.locator("section[data-widget=softmax]")
    box = section.locator("input[id$='-scores']")
    box.fill("1000, 1001, 1002")
    box.dispatch_event("change")
    for k in range(3):
        sync_api.expect(section.locator(f"output[id$='-p{k}']")).to_have_text(
            f"{names['big'][0, k]:.3f}")
    labels = section.locator(".prob-name").all_inner_texts()
    assert labels == ["class 0", "class 1", "class 2"]
    assert not section.locator(".widget-error").is_visible()
