"""The questions box in a real browser: ask on a lesson page, read the answer, follow
its link to the very sentence, and open the widget with "show me".

Screenshots at 1280 and 390 px land in test-artifacts/ask/.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from conftest import ARTIFACTS as ARTIFACTS_ROOT
from conftest import LiveServer, needs_browser
from neuronlab import activations
from neuronlab.learn.lessons import LESSONS

ARTIFACTS = ARTIFACTS_ROOT / "ask"

sync_api = needs_browser()

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LiveServer]:
    live = LiveServer()
    live.app.state.workspace = tmp_path_factory.mktemp("ask")
    live.start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def open_lesson(pages, server) -> Iterator[Any]:
    errors: list[str] = []

    def open_path(path: str, width: int = 1280) -> Any:
        page = pages.new(server, width, 900)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{server.url}{path}")
        page.wait_for_selector("body[data-ready=true]")
        return page

    yield open_path
    assert not errors, errors


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def ask(page: Any, question: str) -> Any:
    page.locator("#ask-q").fill(question)
    page.locator("#ask-q").press("Enter")
    results = page.locator("#ask-results")
    sync_api.expect(results.locator(".answer, .not-answered").first).to_be_visible(timeout=90_000)
    return results


@pytest.mark.parametrize("width", [1280, 390])
def test_an_answer_its_sentence_its_link_and_show_me(open_lesson, server, width):
    relu = next(lesson for lesson in LESSONS if lesson.number == 2)
    entry = next(qa for qa in relu.answers if qa.asked[0] == "What is ReLU of a negative number?")
    page = open_lesson(f"/lessons/{LESSONS[0].slug}", width)
    results = ask(page, "relu of a negative number?")
    answer = results.locator(".answer")
    sync_api.expect(answer.locator(".answer-text")).to_have_text(entry.answer.replace("`", ""))
    marked = answer.locator(".answer-passage mark")
    assert marked.count() == 1 and marked.inner_text().strip()
    sentence = marked.inner_text().strip()
    shot(page, f"answer-{width}")
    # the box fits the page: nothing sticks out sideways
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    box = answer.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width

    # the link goes to the very sentence, on its lesson's page, highlighted there
    link = answer.locator("a.answer-link")
    href = link.get_attribute("href")
    assert href.startswith(f"{server.url}/lessons/{relu.slug}#p") and "-s" in href
    link.click()
    page.wait_for_url(f"**{href}")
    page.wait_for_selector("body[data-ready=true]")
    target = page.locator(f"#{href.split('#')[1]}")
    sync_api.expect(target).to_be_visible()
    assert " ".join(target.inner_text().split()) == sentence
    colour = target.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")  # :target is highlighted
    shot(page, f"sentence-{width}")

    # "show me" opens the lesson's widget in the answer's state
    page.go_back()
    page.wait_for_selector("body[data-ready=true]")
    results = ask(page, "relu of a negative number?")
    show = results.locator("a.show-me")
    show.click()
    page.wait_for_selector("body[data-ready=true]")
    section = page.locator('section[data-widget="activation"]')
    settings = json.loads(section.get_attribute("data-settings"))
    assert settings["activation"] == entry.show.settings["activation"]
    assert settings["z"] == entry.show.settings["z"]
    sync_api.expect(section.locator(".show-note")).to_be_visible()
    # the widget itself computes that state (the server's ReLU at the answer's z)
    value = activations.get(entry.show.settings["activation"])(np.array([float(settings["z"])]))
    sync_api.expect(section).to_contain_text(f"f(z) = {float(value[0]):.3f}")
    shot(page, f"show-me-{width}")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_question_the_course_does_not_answer(open_lesson, width):
    page = open_lesson(f"/lessons/{LESSONS[5].slug}", width)
    results = ask(page, "how do I install CUDA")
    sync_api.expect(results.locator(".not-answered")).to_contain_text(
        "The course does not answer this directly")
    assert results.locator(".answer").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    shot(page, f"not-answered-{width}")


@pytest.mark.parametrize("width", [1280, 390])
def test_not_sure_offers_questions_that_ask_themselves(open_lesson, width):
    """Two entries fit about equally: no answer is shown, the questions are offered, and
    choosing one asks it and gets its answer."""
    page = open_lesson(f"/lessons/{LESSONS[10].slug}", width)
    results = ask(page, "what does compile do in keras")
    unsure = results.locator(".not-sure")
    sync_api.expect(unsure.locator(".not-answered")).to_contain_text("Did you mean")
    assert results.locator(".answer").count() == 0
    offer = unsure.locator("button.offer-q", has_text="What does compile do?")
    sync_api.expect(offer).to_be_visible()
    assert unsure.locator("button.offer-q").count() >= 2
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    box = unsure.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    shot(page, f"not-sure-{width}")
    offer.click()
    sync_api.expect(page.locator("#ask-q")).to_have_value("What does compile do?")
    keras = next(lesson for lesson in LESSONS if lesson.number == 11)
    entry = next(qa for qa in keras.answers if qa.asked[0] == "What does compile do?")
    sync_api.expect(results.locator(".answer .answer-text")).to_have_text(
        entry.answer.replace("`", ""), timeout=90_000)
    shot(page, f"offer-answered-{width}")


def test_every_show_me_of_the_course_opens_its_widget(open_lesson, server):
    """Each ``Show:`` line of every lesson opens a page whose widget mounts in that state,
    with no error."""
    shows = [(lesson, qa) for lesson in LESSONS for qa in lesson.answers if qa.show]
    assert len(shows) >= 10
    page = open_lesson(f"/lessons/{LESSONS[0].slug}")
    for lesson, qa in shows:
        settings = json.dumps(qa.show.settings, separators=(",", ":"))
        page.goto(f"{server.url}/lessons/{lesson.slug}?show={qa.show.kind}&with={settings}")
        page.wait_for_selector("body[data-ready=true]")
        section = page.locator(f'section[data-widget="{qa.show.kind}"]').first
        sync_api.expect(section.locator(".show-note")).to_be_visible()
        # the puzzle's "diverged" note is the state an answer shows, not a failure
        errors = [t for t in section.locator(".widget-error:not([id$=diverged])")
                  .all_inner_texts() if t.strip()]
        assert errors == [], (lesson.number, qa.asked[0], errors)
        if qa.show.kind == "puzzle" and qa.show.settings.get("learning_rate", 0) > 0.0001:
            sync_api.expect(section.locator("[id$=diverged]")).to_contain_text("loss grows")
        merged = json.loads(section.get_attribute("data-settings"))
        assert all(merged[k] == v for k, v in qa.show.settings.items())
