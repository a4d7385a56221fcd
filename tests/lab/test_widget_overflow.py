"""Every number of every lesson widget is visible, on the lesson pages, at 1280 and 390 px.

For each widget kind that a lesson places (``<!-- widget: KIND ... -->``, read from the
lesson files, so a widget added to a lesson is checked too), the test opens every lesson
page holding it at both widths and measures, in the real browser:

* every arithmetic read-out, sum and table (marked ``data-arith``; tables, ``pre``, and
  ``.steps``/``.formula`` count too) shows all of itself: ``scrollWidth <= clientWidth``,
  and there is at least one such element;
* no other element of the widget hides overflowing content either (no scroll box, no
  clipped text), and the widget fits the page;
* each diagram's text is drawn at 11 px or more (font size times the SVG's scale) and no
  two text boxes of a diagram overlap.

Screenshots of each widget land in test-artifacts/widget-overflow/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import ARTIFACTS, needs_browser
from neuronlab.learn.lessons import LESSONS
from neuronlab.learn.sources import lesson_files, lesson_identity

sync_api = needs_browser()

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

WIDTHS = (1280, 390)
MARKER = re.compile(r"<!--\s*widget:\s*([a-z][a-z-]*)")


def _pages_by_kind() -> dict[str, list[str]]:
    """Widget kind -> the slugs of the lesson pages that place it."""
    slugs = {lesson.slug for lesson in LESSONS}
    found: dict[str, list[str]] = {}
    for name, text in lesson_files():
        _number, slug = lesson_identity(name)  # the file name names the lesson
        if slug not in slugs:
            continue
        for kind in MARKER.findall(text):
            pages = found.setdefault(kind, [])
            if slug not in pages:
                pages.append(slug)
    return found


PAGES = _pages_by_kind()
KINDS = {slug: [kind for kind in sorted(PAGES) if slug in PAGES[kind]]  # each page once
         for slug in sorted({slug for slugs in PAGES.values() for slug in slugs})}

# Measured inside the page: one record per widget section of the kind.
MEASURE = """(kind) => Array.from(document.querySelectorAll(`section[data-widget="${kind}"]`))
  .map((section) => {
    const name = (el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}` +
      `${el.className && typeof el.className === 'string' ? '.' + el.className.trim()
        .split(/\\s+/).join('.') : ''} "${el.textContent.trim().slice(0, 60)}"`;
    const arithmetic = Array.from(section.querySelectorAll(
      '[data-arith], table, pre, .steps, .formula'));
    const hiddenArith = arithmetic.filter((el) => el.getClientRects().length > 0
      && el.scrollWidth > el.clientWidth)
      .map((el) => `${name(el)} ${el.scrollWidth}>${el.clientWidth}`);
    // Any other box that clips or scrolls its content sideways (inputs scroll their own text).
    const clipped = Array.from(section.querySelectorAll('*')).filter((el) =>
      !el.closest('svg') && !['INPUT', 'SELECT', 'TEXTAREA', 'OPTION'].includes(el.tagName)
      && el.getClientRects().length > 0 && getComputedStyle(el).display !== 'inline'
      && el.scrollWidth > el.clientWidth + 1)
      .map((el) => `${name(el)} ${el.scrollWidth}>${el.clientWidth}`);
    const ellipsis = Array.from(section.querySelectorAll('*')).filter((el) =>
      getComputedStyle(el).textOverflow === 'ellipsis').map(name);
    const box = section.getBoundingClientRect();
    const small = [];
    const overlaps = [];
    for (const svg of section.querySelectorAll('svg')) {
      const boxes = [];
      for (const t of svg.querySelectorAll('text')) {
        if (!t.textContent.trim() || getComputedStyle(t).visibility === 'hidden'
            || getComputedStyle(t).display === 'none') continue;
        const m = t.getScreenCTM();
        if (!m) continue;
        const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
        if (px < 11) small.push(`${t.textContent} ${px.toFixed(1)}px`);
        const r = t.getBoundingClientRect();
        if (r.width > 0) boxes.push([t.textContent, r, t.classList.contains('tick')]);
      }
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, ra, ta] = boxes[i];
          const [b, rb, tb] = boxes[j];
          // axis tick labels must not even touch: 4 px between neighbours
          const gap = ta && tb ? -4 : 1;
          if (ra.left < rb.right - gap && rb.left < ra.right - gap && ra.top < rb.bottom - 1
              && rb.top < ra.bottom - 1) overlaps.push(`"${a}" / "${b}"`);
        }
      }
    }
    return { id: section.id, arithmetic: arithmetic.length, hiddenArith, clipped, ellipsis,
             small, overlaps, left: box.left, right: box.right,
             texts: section.querySelectorAll('svg text').length };
  })"""


@pytest.fixture
def lesson_page(pages, live_server) -> Iterator[Any]:
    errors: list[str] = []

    def open_lesson(slug: str, kind: str | list[str], width: int) -> Any:
        kinds = [kind] if isinstance(kind, str) else kind
        page = pages.new(live_server, width, 900)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{live_server.url}/lessons/{slug}")
        page.wait_for_selector("body[data-ready=true]", timeout=60000)
        page.wait_for_function("""(kinds) => kinds.every((kind) => Array.from(
            document.querySelectorAll(`section[data-widget="${kind}"]`))
            .every((s) => s.dataset.ready === 'true'))""", arg=kinds, timeout=90000)
        page.wait_for_timeout(300)  # the ResizeObservers' redraws at the page's width
        return page

    yield open_lesson
    assert not errors, errors


def test_every_lesson_widget_is_checked():
    """The lessons place widgets, and each page that places one is opened below."""
    assert PAGES, "no lesson places a widget"
    assert {"neuron", "layer", "batch", "backprop-stepper", "softmax"} <= set(PAGES)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("slug", sorted(KINDS))
def test_widget_shows_every_number(lesson_page, slug, width):
    page = lesson_page(slug, KINDS[slug], width)
    for kind in KINDS[slug]:
        records = page.evaluate(MEASURE, kind)
        assert records, f"/lessons/{slug} has no {kind} widget on the page"
        for r in records:
            where = f"{kind} on /lessons/{slug} at {width} px"
            assert r["arithmetic"] > 0, f"{where}: no arithmetic element is marked"
            assert r["hiddenArith"] == [], f"{where}: numbers cut off: {r['hiddenArith']}"
            assert r["clipped"] == [], f"{where}: content clipped or scrolled: {r['clipped']}"
            assert r["ellipsis"] == [], f"{where}: text cut with an ellipsis: {r['ellipsis']}"
            assert r["left"] >= 0 and r["right"] <= width, f"{where}: the widget leaves the page"
            assert r["small"] == [], f"{where}: diagram text under 11 px: {r['small']}"
            assert r["overlaps"] == [], f"{where}: diagram labels overlap: {r['overlaps']}"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        folder = ARTIFACTS / "widget-overflow"
        folder.mkdir(parents=True, exist_ok=True)
        for k, section in enumerate(page.query_selector_all(f'section[data-widget="{kind}"]')):
            section.screenshot(path=str(folder / f"{slug}-{kind}-{k}-{width}.png"))


@pytest.mark.parametrize("width", WIDTHS)
def test_backprop_stepper_every_stage(lesson_page, width):
    """Lesson 9's stepper on the XOR network: every stage's numbers and labels fit."""
    slug = next(s for s in PAGES["backprop-stepper"] if "layer" in s)
    page = lesson_page(slug, "backprop-stepper", width)
    section = page.locator('section[data-widget="backprop-stepper"]').first
    next_button = section.locator("button", has_text="Next stage")
    stages = 0
    while next_button.is_enabled():
        next_button.click()
        stages += 1
        page.wait_for_timeout(100)
        for r in page.evaluate(MEASURE, "backprop-stepper"):
            where = f"stage {stages} at {width} px"
            assert r["hiddenArith"] == [] and r["clipped"] == [], (where, r)
            assert r["small"] == [] and r["overlaps"] == [], (where, r)
    assert stages >= 5


@pytest.mark.parametrize("width", WIDTHS)
def test_seeing_widgets_after_use(lesson_page, width):
    """Lesson "Seeing" once used: a digit drawn, a confusion cell picked, the conv net
    trained in the page; every read-out of its four widgets still shows all of itself."""
    slug = PAGES["draw"][0]
    page = lesson_page(slug, "draw", width)
    pad = page.locator('section[data-widget="draw"] canvas.draw-pad')
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 0.3 * box["width"], box["y"] + 0.25 * box["height"])
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(box["x"] + (0.3 + 0.4 * k / 10) * box["width"],
                        box["y"] + (0.25 + 0.5 * k / 10) * box["height"])
    page.mouse.up()
    page.wait_for_function("""() => document.querySelector('section[data-widget="draw"]')
        .dataset.conv !== undefined""", timeout=180000)
    confusion = page.locator('section[data-widget="confusion"]')
    confusion.locator("td button").first.click()
    page.wait_for_timeout(500)
    convnet = page.locator('section[data-widget="convnet"]')
    convnet.locator("button", has_text="Train").click()
    page.wait_for_function("""() => document.querySelector('section[data-widget="convnet"]')
        .dataset.guess !== undefined""", timeout=300000)
    page.wait_for_timeout(300)
    folder = ARTIFACTS / "widget-overflow"
    folder.mkdir(parents=True, exist_ok=True)
    for kind in ("kernel", "confusion", "convnet", "draw"):
        for r in page.evaluate(MEASURE, kind):
            where = f"{kind} on /lessons/{slug} after use at {width} px"
            assert r["arithmetic"] > 0, f"{where}: no arithmetic element is marked"
            assert r["hiddenArith"] == [], f"{where}: numbers cut off: {r['hiddenArith']}"
            assert r["clipped"] == [], f"{where}: content clipped or scrolled: {r['clipped']}"
            assert r["left"] >= 0 and r["right"] <= width, f"{where}: the widget leaves the page"
            assert r["small"] == [] and r["overlaps"] == [], (where, r)
        page.locator(f'section[data-widget="{kind}"]').screenshot(
            path=str(folder / f"{slug}-{kind}-used-{width}.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
