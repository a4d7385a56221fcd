"""The playground's network diagram stays readable at its largest: 6 hidden layers of 8.

In a real browser at 1280 and 390 px wide: no two labels overlap and no label covers a
heatmap, no text is smaller than 10 px, the page never scrolls sideways, hovering a
neuron enlarges its heatmap, hovering (or focusing) a link shows the weight the library
holds, and clicking a link still edits that weight. Screenshots land in
test-artifacts/playground/.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import needs_browser, screenshot
from neuronlab.lab.playground.config import PlaygroundConfig
from neuronlab.lab.playground.session import Session
from neuronlab.lab.server.schema import LIMITS

sync_api = needs_browser()

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

HIDDEN = [LIMITS.neurons] * LIMITS.hidden_layers  # the largest network the lab allows
ALL_FEATURES = ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"]

# Every text label of the diagram and every heatmap, as boxes in CSS px, and the text's
# rendered font size (its CSS size times the SVG's scale on screen).
BOXES = """() => {
  const svg = document.querySelector('#pg-network');
  const scale = svg.getScreenCTM().a;
  const box = (e) => { const r = e.getBoundingClientRect();
    return {x: r.left, y: r.top, w: r.width, h: r.height}; };
  return {
    texts: [...svg.querySelectorAll('text')].map((e) => ({...box(e), text: e.textContent,
      px: parseFloat(getComputedStyle(e).fontSize) * scale})),
    maps: [...svg.querySelectorAll('image')].map(box),
  };
}"""

# A point on link `id` where the link itself is the topmost element (links cross).
POINT_ON = """(id) => {
  const line = document.getElementById(id);
  const m = line.getScreenCTM();
  const [x1, y1, x2, y2] = ['x1', 'y1', 'x2', 'y2'].map((a) => Number(line.getAttribute(a)));
  for (let t = 0.1; t < 0.95; t += 0.02) {
    const p = new DOMPoint(x1 + t * (x2 - x1), y1 + t * (y2 - y1)).matrixTransform(m);
    if (document.elementFromPoint(p.x, p.y) === line) return [p.x, p.y];
  }
  return null;
}"""


def wait_text(page: Any, selector: str, text: str, timeout: float = 10_000) -> None:
    sync_api.expect(page.locator(selector)).to_have_text(text, timeout=timeout)


def intersect(a: dict[str, float], b: dict[str, float]) -> bool:
    return (a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
            and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"])


def fmt(value: float) -> str:
    """A weight as the page writes it: 3 decimals, no minus sign on a zero."""
    text = f"{value:.3f}"
    return "0.000" if text == "-0.000" else text


def assert_readable(page: Any) -> list[str]:
    """No two labels overlap, no label covers a heatmap, no text under 10 px; the labels."""
    boxes = page.evaluate(BOXES)
    texts, maps = boxes["texts"], boxes["maps"]
    assert min(t["px"] for t in texts) >= 10, "text smaller than 10 px"
    for k, a in enumerate(texts):
        for b in texts[k + 1:]:
            assert not intersect(a, b), f"labels overlap: {a} and {b}"
        for m in maps:
            assert not intersect(a, m), f"label {a} covers a heatmap at {m}"
    for k, a in enumerate(maps):  # every heatmap visible and apart from the others
        assert a["w"] >= 19 and a["h"] >= 19, a
        for b in maps[k + 1:]:
            assert not intersect(a, b), (a, b)
    return [t["text"] for t in texts]


def session_after_one_epoch(features: list[str]) -> Session:
    """The network the page trains, computed here by the library: same config, 1 epoch."""
    session = Session(PlaygroundConfig.parse({"dataset": "moons", "hidden": HIDDEN,
                                              "features": features}))
    session.train(1)
    return session


def open_big_network(open_page: Any, width: int, features: list[str]) -> Any:
    hidden = ",".join(map(str, HIDDEN))
    page = open_page(f"#view=playground&pd=moons&ph={hidden}&pf={','.join(features)}",
                     width=width, height=900)
    wait_text(page, "#pg-epoch", "0")
    page.click("#pg-step")
    wait_text(page, "#pg-epoch", "1")
    return page


@pytest.mark.parametrize("features", [ALL_FEATURES[:2], ALL_FEATURES], ids=["2in", "7in"])
@pytest.mark.parametrize("width", [1280, 390])
def test_six_layers_of_eight_stay_readable(open_page, width, features):
    page = open_big_network(open_page, width, features)
    network = page.locator("#pg-network")
    assert network.locator("image.neuron-map").count() == sum(HIDDEN) == 48
    assert network.locator("image.feature-map").count() == len(features)
    assert network.locator(".output-node").count() == 1  # moons: one sigmoid output
    assert network.locator(".pg-node").count() == 48 + len(features) + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Even at 390 px the whole network fits its box, without scrolling inside it.
    assert page.evaluate("(() => { const box = document.querySelector('.pg-net-scroll');"
                         "return box.scrollWidth <= box.clientWidth; })()")
    names = assert_readable(page)
    for header in ["inputs", "output", *(f"layer {k}" for k in range(1, 7))]:
        assert header in names, (header, names)

    # Hover a neuron: its heatmap enlarged, with its name, beside (not over) the neuron.
    node = page.locator("#pg-node-3-4")
    node.hover()
    zoom = page.locator("#pg-zoom")
    sync_api.expect(zoom).to_be_visible()
    assert "L3 n5" in zoom.inner_text()
    big = zoom.locator("img").bounding_box()
    small = node.locator("image").bounding_box()
    assert big is not None and small is not None and big["width"] >= 3 * small["width"]
    assert page.evaluate("document.querySelector('#pg-zoom img').src") == \
        node.locator("image").get_attribute("href")
    zoom_box = zoom.bounding_box()
    assert zoom_box is not None and not intersect(
        {"x": zoom_box["x"], "y": zoom_box["y"], "w": zoom_box["width"], "h": zoom_box["height"]},
        {"x": small["x"], "y": small["y"], "w": small["width"], "h": small["height"]})
    assert zoom_box["x"] >= 0 and zoom_box["x"] + zoom_box["width"] <= width
    screenshot(page, "playground", f"diagram-{width}-{len(features)}in-neuron")

    # Hover a link: the tooltip names both ends and gives the library's weight.
    session = session_after_one_epoch(features)
    layers = session.dense_layers()
    link = page.locator("#pg-link-2-4-3")  # L2 n4 -> L3 n5
    link.scroll_into_view_if_needed()
    point = page.evaluate(POINT_ON, "pg-link-2-4-3")
    assert point is not None, "the link is hidden under others all along"
    page.mouse.move(*point)
    tip = page.locator("#pg-tip")
    sync_api.expect(tip).to_be_visible()
    assert zoom.is_hidden()
    weight = float(layers[2].W[4, 3])
    assert tip.inner_text().splitlines()[:2] == ["L2 n4 → L3 n5", f"weight {fmt(weight)}"]
    screenshot(page, "playground", f"diagram-{width}-{len(features)}in-link")

    # Keyboard focus on a link from an input shows its tooltip too.
    page.mouse.move(0, 0)
    sync_api.expect(tip).to_be_hidden()
    page.locator("#pg-link-0-7-1").focus()
    sync_api.expect(tip).to_be_visible()
    first = float(layers[0].W[7, 1])
    assert tip.inner_text().splitlines()[:2] == [f"{session.data()['features'][1]} → L1 n8",
                                                 f"weight {fmt(first)}"]


def test_clicking_a_link_still_edits_its_weight(open_page):
    page = open_big_network(open_page, 1280, ALL_FEATURES[:2])
    page.locator("#pg-link-3-2-6").scroll_into_view_if_needed()
    point = page.evaluate(POINT_ON, "pg-link-3-2-6")
    assert point is not None
    page.mouse.click(*point)
    form = page.locator("#pg-weight-form")
    sync_api.expect(form).to_be_visible()
    assert "weight from L3 n7 to L4 n3" in form.inner_text()
    session = session_after_one_epoch(ALL_FEATURES[:2])
    before = float(session.dense_layers()[3].W[2, 6])
    assert float(page.locator("#pg-weight-value").input_value()) == pytest.approx(before, abs=1e-6)
    page.locator("#pg-weight-value").fill("1.25")
    page.click("#pg-weight-apply")
    sync_api.expect(form).to_be_hidden()
    page.wait_for_function(
        "() => Number(document.getElementById('pg-link-3-2-6').dataset.weight) === 1.25")
    page.locator("#pg-link-3-2-6").focus()
    sync_api.expect(page.locator("#pg-tip")).to_contain_text("weight 1.250")


@pytest.mark.parametrize("width", [1280, 390])
def test_weights_written_on_a_small_network_collide_with_nothing(open_page, width):
    page = open_page("#view=playground&pd=xor", width=width, height=900)  # 2-4-4-1
    wait_text(page, "#pg-epoch", "0")
    page.click("#pg-step")
    wait_text(page, "#pg-epoch", "1")
    names = assert_readable(page)
    written = page.locator("#pg-network text.weight").count()
    assert written > 0, names  # room for some weights on the links of so few
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, "playground", f"diagram-small-{width}")
    zoom = page.locator("#pg-zoom")
    page.hover("#pg-node-0-1")
    sync_api.expect(zoom).to_contain_text("input x2")
    assert zoom.locator("img").get_attribute("src") == \
        page.locator("#pg-node-0-1 image").get_attribute("href")
    page.hover("#pg-node-3-0")  # the output: its bias; its map is the big picture
    sync_api.expect(zoom).to_contain_text("bias")
    assert zoom.locator("img").count() == 0


def test_keyboard_focus_survives_the_redraws_of_training(open_page):
    page = open_big_network(open_page, 1280, ALL_FEATURES[:2])
    page.locator("#pg-node-2-3").focus()
    zoom = page.locator("#pg-zoom")
    sync_api.expect(zoom).to_contain_text("L2 n4")
    page.evaluate("() => { window.seen = window.labStats.frames; }")
    # clicked from the page, so the focus (or the pointer) stays where it is; a click
    # on a disabled button would do nothing, so it must be live first
    sync_api.expect(page.locator("#pg-play")).to_be_enabled()
    page.evaluate("() => document.querySelector('#pg-play').click()")
    page.wait_for_function("() => window.labStats.frames > window.seen + 5")
    assert page.evaluate("document.activeElement.id") == "pg-node-2-3"
    sync_api.expect(zoom).to_contain_text("L2 n4")
    page.keyboard.press("ArrowDown")  # the arrow keys move between the neurons
    assert page.evaluate("document.activeElement.id") == "pg-node-2-4"
    page.keyboard.press("ArrowRight")  # the same row, one layer on
    assert page.evaluate("document.activeElement.id") == "pg-node-3-4"
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.id") == "pg-node-7-0"  # the output
    page.evaluate("() => document.querySelector('#pg-play').click()")  # pause
    sync_api.expect(page.locator("#pg-play")).to_have_text("▶ play")


def test_the_diagram_is_two_tab_stops_and_the_arrow_keys_move_inside(open_page):
    page = open_big_network(open_page, 1280, ALL_FEATURES[:2])
    page.locator("#pg-reset").focus()
    stops = []
    for _ in range(4):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.id"))
    # from the buttons, Tab reaches one link and one neuron, then leaves the diagram
    inside = [i for i in stops if i.startswith(("pg-link-", "pg-node-"))]
    assert inside == ["pg-link-0-0-0", "pg-node-0-0"], stops
    page.locator("#pg-link-0-0-0").focus()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.id") == "pg-link-0-0-1"
    sync_api.expect(page.locator("#pg-tip")).to_contain_text("x2 → L1 n1")
    page.keyboard.press("End")
    last = page.evaluate("document.activeElement.id")
    assert last == "pg-link-6-0-7"
    page.keyboard.press("Shift+Tab")  # back out, then in again: the link last visited
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == last


def test_the_enlarged_heatmap_follows_the_training(open_page):
    page = open_big_network(open_page, 1280, ALL_FEATURES[:2])
    node = page.locator("#pg-node-6-0")
    node.hover()
    zoom = page.locator("#pg-zoom")
    sync_api.expect(zoom).to_be_visible()
    first = zoom.locator("img").get_attribute("src")
    page.evaluate("() => { window.seen = window.labStats.frames; }")
    # clicked from the page, so the focus (or the pointer) stays where it is; a click
    # on a disabled button would do nothing, so it must be live first
    sync_api.expect(page.locator("#pg-play")).to_be_enabled()
    page.evaluate("() => document.querySelector('#pg-play').click()")
    page.wait_for_function("() => window.labStats.frames > window.seen + 5")
    page.evaluate("() => document.querySelector('#pg-play').click()")  # pause
    sync_api.expect(page.locator("#pg-play")).to_have_text("▶ play")
    sync_api.expect(zoom).to_be_visible()  # redrawn frames keep it open, with their map
    now = zoom.locator("img").get_attribute("src")
    assert now == node.locator("image").get_attribute("href") and now != first
    assert "L6 n1" in zoom.inner_text()
    page.keyboard.press("Escape")  # dismissible without moving the pointer
    sync_api.expect(zoom).to_be_hidden()
