"""The explorers (/explore) in a real browser: phone layout, precision, fitting text,
repaired links, the playground's stream state, contrast and the keyboard.

Every check measures the page as drawn (boxes, computed colours and fonts), never a
number copied from the source. Screenshots land in test-artifacts/explorer/.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import numpy as np
import pytest

from conftest import needs_browser, screenshot
from neuronlab import Dense, Neuron
from neuronlab.lab.explore.views import DEFAULT_LAYER, DEFAULT_NEURON

sync_api = needs_browser()
expect = sync_api.expect

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

PHONE = 390


def ready(page: Any, view: str) -> None:
    """Wait until the view's first numbers are drawn."""
    first = {"neuron": "#neuron-diagram g.node", "layer": "#layer-diagram g.node",
             "batch": "#batch-y-row1 td.out"}[view]
    page.wait_for_selector(first)
    page.wait_for_timeout(150)  # the ResizeObserver's redraw, if any


# Boxes and fonts of what a diagram draws, in CSS pixels of the page.
DIAGRAM_TEXT = """(svg) => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return Array.from(svg.querySelectorAll('text')).filter(
    (t) => t.getAttribute('visibility') !== 'hidden' && t.textContent.trim()).map((t) => {
      const r = t.getBoundingClientRect();
      return { text: t.textContent, cls: t.getAttribute('class') || '',
               px: parseFloat(getComputedStyle(t).fontSize) * scale,
               box: [r.left, r.top, r.right, r.bottom] };
    });
}"""

NODE_FITS = """(svg) => Array.from(svg.querySelectorAll('g.node')).flatMap((g) => {
  const c = g.querySelector('circle').getBoundingClientRect();
  const [cx, cy, r] = [(c.left + c.right) / 2, (c.top + c.bottom) / 2, c.width / 2];
  return Array.from(g.querySelectorAll('text')).map((t) => {
    const b = t.getBoundingClientRect();
    const far = Math.max(...[[b.left, b.top], [b.right, b.top], [b.left, b.bottom],
      [b.right, b.bottom]].map(([x, y]) => Math.hypot(x - cx, y - cy)));
    return { text: t.textContent, far, r };
  });
})"""

# Each visible number box: its text's width (measured with its own font) and its room.
BOX_FITS = """(root) => {
  const ctx = document.createElement('canvas').getContext('2d');
  return Array.from(root.querySelectorAll('input[type=number]')).filter(
    (b) => b.offsetParent !== null).map((b) => {
      const st = getComputedStyle(b);
      ctx.font = `${st.fontWeight} ${st.fontSize} ${st.fontFamily}`;
      const room = b.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight);
      return { id: b.id, value: b.value, text: ctx.measureText(b.value).width, room };
    });
}"""


def intersect(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def no_label_overlaps(page: Any, svg: str) -> list[dict[str, Any]]:
    texts = page.locator(svg).evaluate(DIAGRAM_TEXT)
    labels = [t for t in texts if "link-label" in t["cls"]]
    for a, b in itertools.combinations(labels, 2):
        assert not intersect(a["box"], b["box"]), (a, b)
    return labels


def numbers_fit(page: Any, view: str) -> None:
    svg = f"#{view}-diagram"
    for item in page.locator(svg).evaluate(NODE_FITS):
        assert item["far"] <= item["r"] + 0.5, item  # every corner of the text is inside
    for box in page.locator(f"#view-{view}").evaluate(BOX_FITS):
        assert box["text"] <= box["room"], box


# --------------------------------------------------------------------------- 1 phone layout
@pytest.mark.parametrize("width", [1280, PHONE])
@pytest.mark.parametrize("view", ["neuron", "layer", "batch"])
def test_views_fit_the_window_and_their_text_is_readable(open_page, view, width):
    page = open_page(f"#view={view}&bs=1", width=width, height=900)
    ready(page, view)
    page.wait_for_selector(f"#{view}-diagram g.node")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    texts = page.locator(f"#{view}-diagram").evaluate(DIAGRAM_TEXT)
    assert texts
    small = [t for t in texts if t["px"] < 10]
    assert not small, small  # no diagram text under 10 css px
    right = page.evaluate("document.documentElement.clientWidth")
    for t in texts:  # and none of it is cut off at the window's edge
        assert t["box"][0] >= 0 and t["box"][2] <= right + 0.5, t
    screenshot(page, "explorer", f"{view}-{width}")
    if width != PHONE or view == "neuron":
        return
    # Controls, then the table, then the diagram, one under the other, each full width.
    table = page.locator(f"#{view}-table" if view == "layer" else "#batch-x")
    boxes = {
        "controls": page.locator(f"#view-{view} .toolbar").bounding_box(),
        "table": table.locator("xpath=..").bounding_box(),  # its own scroll box
        "diagram": page.locator(f"#{view}-diagram").bounding_box(),
    }
    order = sorted(boxes, key=lambda k: boxes[k]["y"])
    assert order == ["controls", "table", "diagram"], boxes
    for a, b in itertools.pairwise(order):
        assert boxes[a]["y"] + boxes[a]["height"] <= boxes[b]["y"] + 1, boxes
    for name in ("table", "diagram"):
        assert boxes[name]["width"] >= 0.85 * width, (name, boxes[name])
    # The table is readable: at least four of its columns in view, the rest a scroll away.
    scroll = table.locator("xpath=..")
    assert scroll.evaluate("(el) => getComputedStyle(el).overflowX") == "auto"
    edge = boxes["table"]["x"] + boxes["table"]["width"]
    heads = table.locator("thead th").evaluate_all(
        "(ths) => ths.map((th) => th.getBoundingClientRect().right)")
    assert sum(1 for r in heads if r <= edge + 0.5) >= 4, heads
    font = table.locator("td").first.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")
    assert font >= 13


# --------------------------------------------------------------------------- 2 precision
def test_boxes_and_diagrams_share_one_precision(open_page):
    page = open_page("#view=neuron")
    ready(page, "neuron")
    for i, (x, w) in enumerate(zip(DEFAULT_NEURON["inputs"], DEFAULT_NEURON["weights"]), 1):
        assert page.locator(f"#neuron-x{i}-num").input_value() == f"{x:.2f}"  # 0.50, not 0.5
        assert page.locator(f"#neuron-w{i}-num").input_value() == f"{w:.2f}"
    assert page.locator("#neuron-b-num").input_value() == "0.10"
    box = page.locator("#neuron-w1-num")
    box.fill("2.385")
    box.press("Enter")  # typing done: the box shows the value in use
    shown = box.input_value()
    assert re.fullmatch(r"2\.3[89]", shown), shown
    expect(page.locator("#neuron-diagram")).to_contain_text(f"w1 = {shown}")
    steps = page.locator("#neuron-steps")
    expect(steps).to_contain_text(f"(0.50 × {shown})")  # the library computed with it
    expected = Neuron([float(shown), -0.3, 0.8], 0.1, "relu").explain([0.5, -0.3, 0.7])
    expect(page.locator("#neuron-z")).to_have_text(f"{expected.z:.3f}")
    expect(page.locator("#neuron-diagram")).to_contain_text(f"z = {expected.z:.3f}")

    page = open_page("#view=layer")
    ready(page, "layer")
    assert page.locator("#layer-w1-1").input_value() == "0.20"
    assert page.locator("#layer-b1").input_value() == "2.00"
    dense = Dense(3, activation="relu", input_shape=(4,))
    dense.set_neuron_weights([DEFAULT_LAYER["weights"], DEFAULT_LAYER["biases"]])
    y = dense.forward(np.array([DEFAULT_LAYER["inputs"]]))[0]
    diagram = page.locator("#layer-diagram").text_content() or ""
    for j, value in enumerate(y, start=1):
        expect(page.locator(f"#layer-y{j}")).to_have_text(f"{value:.3f}")
        assert f"z {value:.3f}" in diagram  # 2.385 in the table and in the circle
        assert f"ŷ{j} = {value:.3f}" in diagram  # ŷ: the output


# --------------------------------------------------------------------------- 3 fitting text
BIG = ("#view={view}&nx=-999.99,1000,0.5&nw=999.99,-1000,-0.01&nb=-1000"
       "&lx=-999.99,1000,-12.5,0.01&lb=-1000,999.99,0.5"
       "&lw=1000,-999.99,0.25,-0.5;0.5,-0.91,0.26,-0.5;-0.26,-0.27,0.17,0.87"
       "&bx=-999.99,1000,-12.5,0.01;1,2,3,2.5&bs=0")


@pytest.mark.parametrize("width", [1280, PHONE])
def test_numbers_stay_in_their_circles_cells_and_labels_apart(open_page, width):
    for view in ("neuron", "layer", "batch"):
        for link in (f"#view={view}&bs=1", BIG.format(view=view)):
            page = open_page(link, width=width, height=900)
            ready(page, view)
            assert page.locator("#status").is_hidden(), page.locator("#status").inner_text()
            numbers_fit(page, view)
            labels = no_label_overlaps(page, f"#{view}-diagram")
            if view == "neuron" and "999" not in link:
                # Each link has its weight and its product, spread along it.
                assert len([t for t in labels if t["text"].startswith("x·w")]) == 3
                assert len([t for t in labels if t["text"].startswith("w")]) == 3
    # Two inputs, two neurons: the product labels are drawn, none on another.
    page = open_page("#view=layer&lx=1,2&lw=0.5,-0.3;0.8,0.2&lb=0,0", width=width)
    ready(page, "layer")
    products = [t for t in no_label_overlaps(page, "#layer-diagram") if "product" in t["cls"]]
    assert len(products) >= 3, products


# --------------------------------------------------------------------------- 4 links, reset
def test_a_mismatched_link_is_repaired_with_a_note_and_reset_restores(open_page):
    page = open_page("#view=neuron&nx=0.5,-0.3,0.7&nw=0.5,-0.3&nb=0.1&nf=relu")
    ready(page, "neuron")
    note = page.locator("#note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("3 inputs but 2 weights")
    assert page.locator("#status").is_hidden()
    assert page.locator("#neuron-w3-num").input_value() == "0.50"  # the missing weight
    expected = Neuron([0.5, -0.3, 0.5], 0.1, "relu").explain([0.5, -0.3, 0.7])
    expect(page.locator("#neuron-z")).to_have_text(f"{expected.z:.3f}")
    page.wait_for_function("() => location.hash.includes('nw=0.5,-0.3,0.5')")
    page.click("#neuron-lesson-reset")
    expect(note).to_be_hidden()
    expect(page.locator("#neuron-z")).to_have_text("1.000")
    assert page.locator("#neuron-w3-num").input_value() == "0.80"

    page = open_page("#view=layer&lx=1,2&lb=1&lf=nope")
    ready(page, "layer")
    expect(page.locator("#note")).to_contain_text("4 weights each")
    expect(page.locator("#note")).to_contain_text("'nope'")
    assert page.locator("#layer-x4").input_value() == "0.00"
    page.locator("#layer-w1-1").fill("3")
    page.click("#layer-lesson-reset")
    for j, value in enumerate(["4.800", "1.210", "2.385"], start=1):
        expect(page.locator(f"#layer-y{j}")).to_have_text(value)
    assert page.locator("#layer-w1-1").input_value() == "0.20"

    page = open_page("#view=batch&bx=1,2;3&bs=7")
    ready(page, "batch")
    expect(page.locator("#note")).to_contain_text("no sample s8")
    assert page.locator("#batch-x2-4").input_value() == "0.00"
    page.click("#batch-add")
    page.click("#batch-lesson-reset")
    expect(page.locator("#batch-y tbody tr")).to_have_count(3)
    expect(page.locator("#batch-y-row1")).to_contain_text("4.800")
    page.locator("#note button").evaluate("(b) => b.click()")  # closing twice is harmless


def test_a_link_pasted_while_a_save_is_pending_is_the_one_that_opens(open_page):
    """A link pasted into the tab changes only the hash, and the page reloads at it. The
    page writes its state into the address up to 100 ms late: a write that lands between
    the paste and the reload must not make the page reload at the old network."""
    page = open_page("#view=playground&pd=moons")
    expect(page.locator("#pg-epoch")).to_have_text("0")
    page.click("#pg-step")
    expect(page.locator("#pg-epoch")).to_have_text("1")
    with page.expect_navigation():  # the paste, then the page's late write of its state
        page.evaluate("""() => {
            location.hash = 'view=playground&pd=xor';
            history.replaceState(null, '', '#view=playground&pd=moons&pe=1');
        }""")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#pg-dataset")).to_have_value("xor")
    expect(page.locator("#pg-epoch")).to_have_text("0")


# --------------------------------------------------------------------------- 5 the stream
def test_play_button_is_never_stale_after_the_stream_closes(open_page):
    sockets: list[Any] = []
    page = open_page("#view=neuron")

    def through(ws: Any) -> None:
        ws.connect_to_server()
        sockets.append(ws)

    page.route_web_socket(re.compile(r".*/stream$"), through)
    page.click("#tab-playground")
    play = page.locator("#pg-play")
    expect(play).to_be_enabled()
    play.click()
    expect(play).to_have_text("❚❚ pause")
    page.wait_for_function("() => Number(document.querySelector('#pg-epoch').textContent) > 0")
    sockets[0].close(code=1001, reason="going away")
    expect(play).to_have_text("▶ play")
    expect(play).to_be_disabled()
    expect(page.locator("#pg-step")).to_be_disabled()
    expect(page.locator("#pg-status")).to_contain_text("stream closed")
    expect(page.locator("#pg-status")).to_contain_text("Reload the page")


def test_the_session_limit_says_why_and_what_to_do(open_page, live_server):
    sessions = live_server.app.state.sessions
    limit = sessions.limit
    sessions.limit = 0  # the server refuses every new session
    try:
        page = open_page("#view=playground")
        status = page.locator("#pg-status")
        expect(status).to_contain_text("(the limit)")
        expect(status).to_contain_text("Close another lab tab")
        expect(status).to_contain_text("try again")
        play = page.locator("#pg-play")
        expect(play).to_have_text("▶ play")
        expect(play).to_be_disabled()
        sessions.limit = limit
        page.click("#tab-neuron")
        page.click("#tab-playground")  # coming back tries again, and now it starts
        expect(play).to_be_enabled(timeout=10_000)
        expect(page.locator("#pg-epoch")).to_have_text("0")
    finally:
        sessions.limit = limit


# --------------------------------------------------------------------------- 6 contrast
def luminance(rgb: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def rgb(css: str) -> tuple[float, ...]:
    if css.startswith("#"):
        return tuple(int(css[k:k + 2], 16) for k in (1, 3, 5))
    return tuple(float(v) for v in re.findall(r"[\d.]+", css)[:3])


WHITE = (255.0, 255.0, 255.0)
PLOT = rgb("#fbfbfc")  # the plot area behind the curves' labels


def test_orange_text_and_training_rings_meet_wcag_aa(open_page):
    # The CSS colours: the orange for text, on white and on the plot area.
    css = open_page("#view=neuron").evaluate(
        "() => getComputedStyle(document.documentElement).getPropertyValue('--warm-text')")
    assert ratio(rgb(css.strip()), WHITE) >= 4.5 and ratio(rgb(css.strip()), PLOT) >= 4.5

    # Every diagram and plot label as drawn: neuron view, then the playground's curves.
    page = open_page("#view=neuron")
    ready(page, "neuron")
    for svg in ("#neuron-diagram", "#neuron-curve"):
        fills = page.locator(svg).evaluate(
            "(svg) => Array.from(svg.querySelectorAll('text')).map((t) => "
            "[t.textContent, getComputedStyle(t).fill])")
        for text, fill in fills:
            assert ratio(rgb(fill), PLOT) >= 4.5, (svg, text, fill)

    # The playground canvas: record each point's ring as it is stroked, and the
    # boundary picture under it, then compare the ring with every pixel around it.
    context = page.context
    ring_page = context.new_page()
    ring_page.add_init_script("""
      window.rings = [];
      const P = CanvasRenderingContext2D.prototype;
      const arc = P.arc, stroke = P.stroke, drawImage = P.drawImage;
      P.arc = function (x, y, r, ...rest) {
        this._arc = [x, y, r];
        return arc.call(this, x, y, r, ...rest);
      };
      P.drawImage = function (...args) {
        const out = drawImage.apply(this, args);
        if (this.canvas.id === 'pg-boundary') {
          window.rings = [];
          window.under = this.getImageData(0, 0, this.canvas.width, this.canvas.height);
        }
        return out;
      };
      P.stroke = function (...args) {
        if (this.canvas.id === 'pg-boundary' && this._arc) {
          window.rings.push({ at: this._arc, color: String(this.strokeStyle),
                              width: this.lineWidth });
        }
        return stroke.apply(this, args);
      };
    """)
    for dataset in ("moons", "xor"):
        ring_page.goto(page.url.split("#")[0] + f"#view=playground&pd={dataset}")
        ring_page.wait_for_selector("body[data-ready=true]")
        expect(ring_page.locator("#pg-epoch")).to_have_text("0")
        legend = ring_page.locator("#pg-legend").inner_text()
        train = int(re.search(r"training points \((\d+)\)", legend).group(1))
        report = ring_page.evaluate("""(train) => {
          const d = window.under.data, w = window.under.width;
          return window.rings.slice(0, train).map((ring) => {
            const [x, y, r] = ring.at;
            const around = [];
            for (let k = 0; k < 16; k++) {
              const a = (k / 16) * 2 * Math.PI;
              const px = Math.round(x + (r + ring.width) * Math.cos(a));
              const py = Math.round(y + (r + ring.width) * Math.sin(a));
              if (px < 0 || py < 0 || px >= w || py >= w) continue;
              const i = (py * w + px) * 4;
              around.push([d[i], d[i + 1], d[i + 2]]);
            }
            return { color: ring.color, around };
          });
        }""", train)
        assert len(report) == train > 0
        worst = min(ratio(rgb(ring["color"]), tuple(bg)) for ring in report
                    for bg in ring["around"])
        assert worst >= 3.0, (dataset, worst)
        # The loss curves' legend: the orange "test loss" label is readable.
        ring_page.click("#pg-step")
        expect(ring_page.locator("#pg-epoch")).to_have_text("1")
        fills = ring_page.locator("#pg-curves").evaluate(
            "(svg) => Array.from(svg.querySelectorAll('text.legend')).map((t) => "
            "[t.textContent, getComputedStyle(t).fill])")
        assert [text for text, _ in fills] == ["train loss", "test loss"]
        expect(ring_page.locator("#pg-curves-note")).to_contain_text(
            "mean over the epoch's batches, each taken before its step")
        for text, fill in fills:
            assert ratio(rgb(fill), PLOT) >= 4.5, (text, fill)


# --------------------------------------------------------------------------- 7 keyboard
def test_tabs_and_batch_rows_work_from_the_keyboard(open_page):
    page = open_page("#view=neuron")
    ready(page, "neuron")
    page.focus("#tab-neuron")
    for key, view in [("ArrowRight", "layer"), ("ArrowRight", "batch"), ("End", "playground"),
                      ("ArrowRight", "neuron"), ("ArrowLeft", "playground"), ("Home", "neuron")]:
        page.keyboard.press(key)
        tab = page.locator(f"#tab-{view}")
        expect(tab).to_be_focused()
        expect(tab).to_have_attribute("aria-selected", "true")
        expect(page.locator(f"#view-{view}")).to_be_visible()
        assert tab.get_attribute("tabindex") == "0"
    assert page.locator("[role=tab][tabindex='0']").count() == 1

    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # the batch tab
    ready(page, "batch")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.focus("#batch-row1")
    page.keyboard.press("ArrowDown")
    row2 = page.locator("#batch-row2")
    expect(row2).to_be_focused()
    expect(page.locator("#batch-hint")).to_have_text("Sample s2 flows through the layer:")
    expect(row2).to_have_attribute("aria-pressed", "true")
    outline = row2.evaluate("(b) => [b.matches(':focus-visible'), "
                            "getComputedStyle(b).outlineStyle, getComputedStyle(b).outlineWidth,"
                            " getComputedStyle(b).outlineColor]")
    assert outline[0] and outline[1] == "solid" and float(outline[2].rstrip("px")) >= 2
    assert ratio(rgb(outline[3]), WHITE) >= 3  # the focus ring stands out
    page.keyboard.press("End")
    expect(page.locator("#batch-row3")).to_be_focused()
    expect(page.locator("#batch-hint")).to_have_text("Sample s3 flows through the layer:")
    page.keyboard.press("Home")
    expect(page.locator("#batch-row1")).to_be_focused()
    expect(page.locator("#batch-y-row1")).to_have_class(re.compile("selected"))
    page.keyboard.press("ArrowUp")  # already the first: stays
    expect(page.locator("#batch-row1")).to_be_focused()
    page.wait_for_function("() => location.hash.includes('bs=0')")
    screenshot(page, "explorer", "batch-keyboard")
