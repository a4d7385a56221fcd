"""Lessons 1 and 13 and the index in a real browser (chromium through Playwright).

The training cycle figure of lesson 13 fits its column and its text is at least 11 px
at 1280 and 390 px; the index puts a gap between a lesson's number and its title;
lesson 1 tells each exercise once. Screenshots of what each test measures (the cycle
figure, the index's list, lesson 1's exercise) at both widths land in
test-artifacts/lessons/, to look at; the whole pages are in test-artifacts/course/.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from conftest import ARTIFACTS as ARTIFACTS_ROOT
from conftest import LiveServer, needs_browser
from neuronlab.learn.lessons import LESSONS

ARTIFACTS = ARTIFACTS_ROOT / "lessons"
WIDTHS = [1280, 390]

sync_api = needs_browser()

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LiveServer]:
    live = LiveServer()
    live.app.state.workspace = tmp_path_factory.mktemp("material")
    live.start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def open_course(pages, server) -> Iterator[Any]:
    errors: list[str] = []

    def open_path(path: str, width: int) -> Any:
        page = pages.new(server, width, 900)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda message: errors.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.goto(f"{server.url}{path}")
        page.wait_for_selector("body[data-ready=true]")
        return page

    yield open_path
    assert not errors, errors


def _no_sideways_scroll(page: Any, width: int) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px at {width}px"


def _shot(part: Any, name: str) -> None:
    """A screenshot of the part of the page a test measured."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    part.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.mark.parametrize("width", WIDTHS)
def test_the_training_cycle_fits_and_reads_at(open_course, width) -> None:
    page = open_course("/lessons/what-comes-next", width)
    figure = page.locator('figure.diagram[data-diagram="cycle"]')
    figure.scroll_into_view_if_needed()
    measured = figure.evaluate("""f => {
        const svg = f.querySelector('svg');
        const box = svg.getBoundingClientRect();
        const column = f.parentElement.getBoundingClientRect();
        const scale = svg.getScreenCTM().a;
        const texts = [...svg.querySelectorAll('text')].map(t => {
            const r = t.getBoundingClientRect();
            return {text: t.textContent, px: parseFloat(t.getAttribute('font-size')) * scale,
                    left: r.left, right: r.right, top: r.top, bottom: r.bottom};
        });
        return {box: {left: box.left, right: box.right, top: box.top, bottom: box.bottom},
                column: {left: column.left, right: column.right}, texts};
    }""")
    box, column = measured["box"], measured["column"]
    assert box["left"] >= column["left"] - 1 and box["right"] <= column["right"] + 1
    words = [t["text"] for t in measured["texts"]]
    for label in ("Initialize", "Forward", "Loss", "Backprop", "Update", "repeat"):
        assert label in words
    for text in measured["texts"]:
        assert text["px"] >= 11, text  # readable: never smaller than 11 px on screen
        assert box["left"] - 1 <= text["left"] and text["right"] <= box["right"] + 1, text
        assert box["top"] - 1 <= text["top"] and text["bottom"] <= box["bottom"] + 1, text
    # the same cycle in words follows the figure, for readers who do not see it
    listed = page.locator("#main ol").filter(has_text="Initialize").filter(has_text="Repeat")
    assert listed.count() == 1
    _no_sideways_scroll(page, width)
    _shot(figure, f"lesson-13-cycle-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_index_keeps_a_space_after_each_number(open_course, width) -> None:
    page = open_course("/", width)
    items = page.locator("ol.lessons > li")
    assert items.count() == len(LESSONS)
    gaps = items.evaluate_all("""items => items.map(li => {
        const num = li.querySelector('.num').getBoundingClientRect();
        const link = li.querySelector('a').getClientRects()[0];  // its first line
        return [li.innerText.split('\\n')[0], link.left - num.right, link.top - num.top];
    })""")
    for lesson, (line, gap, drop) in zip(LESSONS, gaps, strict=True):
        assert line.startswith(f"{lesson.number}. {lesson.title}"), line
        if abs(drop) < 4:  # the title starts on the number's line: a visible gap
            assert gap >= 3, (lesson.number, gap)
    _no_sideways_scroll(page, width)
    _shot(page.locator("ol.lessons"), f"index-list-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_lesson_one_tells_its_exercise_once_and_its_biology(open_course, width) -> None:
    page = open_course("/lessons/the-neuron", width)
    text = page.locator("#main").inner_text()
    assert text.count("Exercise: one neuron") == 1
    assert "Check your answer with" not in text
    figure = page.locator("figure[data-exercise=neuron]")
    figure.locator(".cell-where").filter(has_text="Check runs your code").wait_for()
    caption = figure.locator("figcaption").inner_text()
    assert "`" not in caption
    assert caption.strip().endswith("checks the same exercise.")  # the terminal way, last
    section = page.locator("h2", has_text="Why it is called a neuron")
    assert section.count() == 1
    for word in ("dendrites", "synapse", "cell body", "axon", "the analogy stops"):
        assert word in text
    sources = page.locator("h2", has_text="Sources")
    assert sources.count() == 1
    _no_sideways_scroll(page, width)
    _shot(figure, f"lesson-1-exercise-{width}")


def test_what_comes_next_links_open_the_playground_as_they_say(open_course) -> None:
    page = open_course("/lessons/what-comes-next", 1280)
    links = {"with RMSprop": ("spirals", "rmsprop", None),
             "with Adam": ("spirals", "adam", None),
             "the spirals with plain gradient descent": ("spirals", "sgd", None),
             "the circles with L2 at 0.01": ("circles", None, "0.01")}
    for text, (dataset, optimizer, l2) in links.items():
        href = page.get_by_role("link", name=text, exact=True).evaluate(
            "a => a.pathname + a.search + a.hash")  # the page's links are relative
        explorer = open_course(href, 1280)
        explorer.wait_for_selector("#pg-dataset")
        assert explorer.locator("#pg-dataset").input_value() == dataset, text
        if optimizer:
            assert explorer.locator("#pg-optimizer").input_value() == optimizer, text
        if l2:
            assert float(explorer.locator("#pg-l2").input_value()) == float(l2), text
