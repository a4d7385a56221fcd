"""The lesson "Seeing" in a real browser: the kernel widget's arithmetic is Conv2D's, a
7 drawn with the mouse is read as a 7, and the trained conv net's read-outs fit.

Screenshots of the lesson's widgets at 1280 and 390 px land in test-artifacts/seeing/.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from conftest import ARTIFACTS, needs_browser
from neuronlab import datasets
from neuronlab.layers import Conv2D
from neuronlab.learn.lessons import find_lesson

sync_api = needs_browser()

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

SLUG = find_lesson("seeing").slug
FOLDER = ARTIFACTS / "seeing"
X_HELD_OUT, _ = datasets.load("mnist", part="test", images=True)


@pytest.fixture
def lesson(pages, live_server) -> Iterator[Any]:
    errors: list[str] = []

    def open_lesson(width: int) -> Any:
        page = pages.new(live_server, width, 900)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda message: errors.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.goto(f"{live_server.url}/lessons/{SLUG}")
        page.wait_for_selector("body[data-ready=true]", timeout=60000)
        page.wait_for_selector('section[data-widget="kernel"][data-ready=true]', timeout=60000)
        return page

    yield open_lesson
    assert not errors, errors


def _shot(page: Any, kind: str, width: int) -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    page.locator(f'section[data-widget="{kind}"]').screenshot(
        path=str(FOLDER / f"{kind}-{width}.png"))


def _conv2d_at(state: dict[str, Any]) -> float:
    """What neuronlab's Conv2D gives at the widget's window, for its digit and kernel."""
    X, _ = datasets.load("mnist", part="test", images=True)
    layer = Conv2D(1, 3, strides=state["stride"], padding=state["padding"],
                   input_shape=(28, 28, 1))
    layer.build((28, 28, 1), np.random.default_rng(0), np.float64)
    layer.set_weights([np.array(state["kernel"]).reshape(3, 3, 1, 1), [state["bias"]]])
    z = layer.forward(X[state["digit"]:state["digit"] + 1].astype(np.float64))
    i, j = state["at"]
    return float(z[0, i, j, 0])


@pytest.mark.parametrize("width", [1280, 390])
def test_kernel_products_and_sum_are_conv2d_at_the_cursor(lesson, width):
    page = lesson(width)
    section = page.locator('section[data-widget="kernel"]')
    image = section.locator("canvas").first
    image.scroll_into_view_if_needed()
    box = image.bounding_box()
    assert box is not None
    checked = 0
    for fx, fy, kernel in ((0.45, 0.5, None), (0.6, 0.35, "blur"), (0.3, 0.6, "custom")):
        if kernel == "blur":
            section.locator("select").first.select_option("blur")
        elif kernel == "custom":
            for k, value in enumerate(["0.5", "-1", "2", "0", "1.5", "-0.5", "1", "0", "-2"]):
                cell = section.locator(f"input.kernel-cell >> nth={k}")
                cell.fill(value)
                cell.dispatch_event("change")
            section.locator('input[aria-label="bias b"]').fill("0.3")
            section.locator('input[aria-label="bias b"]').dispatch_event("change")
        page.wait_for_timeout(300)
        page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
        page.wait_for_function(
            """([fx, fy]) => {
                const s = document.querySelector('section[data-widget="kernel"]');
                const st = s.dataset.state && JSON.parse(s.dataset.state);
                return st && st.at.join(',') === s.dataset.at;
            }""", arg=[fx, fy])
        page.wait_for_timeout(400)  # the latest request for this position has landed
        state = json.loads(section.get_attribute("data-state") or "{}")
        expected = _conv2d_at(state)
        products = np.array(state["products"])
        assert products.shape == (3, 3)
        assert state["z"] == pytest.approx(expected, abs=1e-9)
        assert products.sum() + state["bias"] == pytest.approx(expected, abs=1e-3)
        assert state["sum"] == pytest.approx(expected, abs=1e-9)
        picker = section.locator('input[aria-label="which held-out digit"]')
        assert picker.get_attribute("max") == str(len(X_HELD_OUT) - 1)
        shown = section.locator(f"#{section.get_attribute('id')}-z").inner_text()
        assert float(shown) == pytest.approx(expected, abs=1e-4)
        line = section.locator(".steps").inner_text()
        assert line.startswith("z = (") and line.count("×") == 9
        checked += 1
        if kernel == "custom":
            assert state["kernel"][0] == [0.5, -1.0, 2.0] and state["bias"] == 0.3
    assert checked == 3
    _shot(page, "kernel", width)
    _shot(page, "confusion", width)


def _draw_seven(page: Any, canvas: Any) -> None:
    box = canvas.bounding_box()
    assert box is not None
    x0, y0, side = box["x"], box["y"], box["width"]

    def at(fx: float, fy: float) -> tuple[float, float]:
        return x0 + fx * side, y0 + fy * side

    page.mouse.move(*at(0.25, 0.22))
    page.mouse.down()
    for k in range(1, 13):  # the bar, left to right
        page.mouse.move(*at(0.25 + 0.5 * k / 12, 0.22))
    for k in range(1, 17):  # the stem, down and to the left
        page.mouse.move(*at(0.75 - 0.3 * k / 16, 0.22 + 0.6 * k / 16))
    page.mouse.up()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_drawn_seven_is_read_as_seven_by_the_conv_net(lesson, width):
    page = lesson(width)
    section = page.locator('section[data-widget="draw"]')
    canvas = section.locator("canvas.draw-pad")
    canvas.scroll_into_view_if_needed()
    _draw_seven(page, canvas)
    page.wait_for_function("""() => document.querySelector('section[data-widget="draw"]')
        .dataset.conv !== undefined""", timeout=180000)
    assert section.get_attribute("data-conv") == "7"
    bars = section.locator(".prob-row")
    assert bars.count() == 20  # ten classes, for each of the two networks
    _shot(page, "draw", width)
    section.locator("button", has_text="Clear").click()
    assert section.get_attribute("data-conv") is None


@pytest.mark.parametrize("width", [1280, 390])
def test_conv_net_trains_in_the_page_and_its_read_outs_fit(lesson, width):
    page = lesson(width)
    section = page.locator('section[data-widget="convnet"]')
    section.scroll_into_view_if_needed()
    section.locator("button", has_text="Train").click()
    page.wait_for_function("""() => document.querySelector('section[data-widget="convnet"]')
        .dataset.guess !== undefined""", timeout=300000)
    accuracy = float(section.get_attribute("data-accuracy") or 0)
    assert accuracy > 0.85  # one epoch on 8,000 digits
    status = section.locator(f"#{section.get_attribute('id')}-status").inner_text()
    held_out = len(X_HELD_OUT)
    assert f"On the {held_out:,} held-out digits it reads {100 * accuracy:.1f}% right" in status
    picker = section.locator('input[aria-label="which held-out digit"]')
    assert picker.get_attribute("max") == str(held_out - 1)
    progress = section.locator("progress")
    assert progress.get_attribute("value") == progress.get_attribute("max")
    assert section.locator("canvas").count() >= 8 + 1 + 8  # kernels, the digit, its maps
    hidden = page.evaluate("""() => Array.from(document.querySelectorAll(
        'section[data-widget="convnet"] *')).filter((el) => !el.closest('svg')
        && !['INPUT', 'SELECT', 'OPTION'].includes(el.tagName)
        && el.getClientRects().length > 0 && getComputedStyle(el).display !== 'inline'
        && el.scrollWidth > el.clientWidth + 1).map((el) => el.tagName + '#' + el.id)""")
    assert hidden == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _shot(page, "convnet", width)
