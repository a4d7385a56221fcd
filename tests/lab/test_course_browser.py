"""The course in a real browser: chromium through Playwright against uvicorn.

The course is opened the way a learner opens it: the URL with the lab's token, once; its
cookie and page key then sign in every page.
Every request the pages make is recorded: none may leave 127.0.0.1. Screenshots of
the index and every lesson at 1280 and 390 px land in test-artifacts/course/.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from conftest import ARTIFACTS as ARTIFACTS_ROOT
from conftest import LiveServer, needs_browser
from neuronlab.lab.course import recall
from neuronlab.learn import quiz
from neuronlab.learn.lessons import LESSONS

ARTIFACTS = ARTIFACTS_ROOT / "course"

sync_api = needs_browser()

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LiveServer]:
    live = LiveServer()
    live.app.state.workspace = tmp_path_factory.mktemp("course")
    live.start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def open_course(pages, server) -> Iterator[Any]:
    """``open_course(path, width)``: a page at ``path`` in a new tab, signed in (the token
    URL is opened once per server: ``LiveServer.signed_in``; tabs share contexts: ``Pages``)."""
    errors, requests = [], []

    def open_path(path: str = "/", width: int = 1280, height: int = 900) -> Any:
        page = pages.new(server, width, height)
        page.on("request", lambda request: requests.append(request.url))
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda message: errors.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.goto(f"{server.url}{path}")
        page.wait_for_selector("body[data-ready=true]")
        return page

    yield open_path
    assert not errors, errors
    outside = [url for url in requests if not url.startswith(("http://127.0.0.1:", "data:"))]
    assert requests and outside == [], outside  # nothing leaves this machine


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def part_shot(part: Any, name: str) -> None:
    """A screenshot of one part of a page (the whole pages come from the screenshot pass)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    part.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_the_index_lists_every_lesson_and_opens_one(open_course):
    page = open_course("/")
    items = page.locator('ol.lessons > li > a[href^="./lessons/"]')
    assert items.count() == len(LESSONS)
    for i, lesson in enumerate(LESSONS):
        assert lesson.title in items.nth(i).inner_text()
    items.nth(5).click()
    page.wait_for_selector("body[data-ready=true]")
    assert page.url.endswith(f"/lessons/{LESSONS[5].slug}")
    assert page.locator("h1").inner_text() == LESSONS[5].title
    assert page.locator("section.widget[data-widget]").count() == len(LESSONS[5].widgets)


def test_an_old_explorer_link_opens_the_explorers(open_course, server):
    page = open_course("/")
    page.goto(f"{server.url}/#view=layer")
    page.wait_for_url(f"{server.url}/explore#view=layer*")
    page.wait_for_selector("body[data-ready=true]")
    sync_api.expect(page.locator("#tab-layer")).to_have_attribute("aria-selected", "true")


def _question(lesson: int, kind: type) -> tuple[str, quiz.Question]:
    return next((key, q) for key, q in recall.lesson_questions(lesson) if isinstance(q, kind))


def test_recall_hint_reveal_rate_letters_and_review_in_the_next_lesson(open_course, server):
    page = open_course(f"/lessons/{LESSONS[0].slug}")
    learner = recall.RecallStore(server.app.state.workspace).learner()
    key, words = _question(1, quiz.Words)
    form = page.locator(f"#q-{key}-form")
    hint = form.locator("details.hint")
    assert not hint.locator("p").is_visible()  # folded until asked for
    hint.locator("summary").click()
    sync_api.expect(hint.locator("p")).to_have_text(words.hint)
    form.locator("textarea").fill("it drops the learning rate")  # wrong: no verdict at all
    form.locator("button[type=submit]").click()
    verdict = form.locator(".verdict")
    sync_api.expect(verdict.locator(".model")).to_contain_text(words.expected())
    assert "it drops the learning rate" in verdict.locator(".mine").inner_text()
    text = verdict.inner_text()
    assert "Right" not in text and "Not " not in text and "✓" not in text and "✗" not in text
    rate = form.locator(".rate")
    sync_api.expect(rate).to_be_visible()
    rate.locator("button[data-rating='not yet']").click()
    sync_api.expect(rate.locator(".rated")).to_contain_text(
        "Saved: not yet. It comes back in the review of lesson 2.")
    sync_api.expect(rate.locator("button[data-rating='not yet']")).to_have_attribute(
        "aria-pressed", "true")
    assert rate.locator("button[data-rating]:disabled").count() == 3  # one rating per reveal

    key2, choice = _question(1, quiz.Choice)
    form2 = page.locator(f"#q-{key2}-form")
    assert form2.locator(".verdict").is_hidden()  # nothing revealed before an attempt
    shown = choice.shown(learner)
    labels = form2.locator("label.option .letter").all_inner_texts()
    assert labels == [label for label, _ in shown]  # lettered A, B, C, ... in the shown order
    right = choice.right_label(learner)
    wrong, wrong_text = next((label, text) for label, text in shown if label != right)
    form2.locator(f"input[value='{wrong}']").check()
    form2.locator("button[type=submit]").click()
    expected = f"The answer is {right}: {choice.choices()[choice.answer - 1]}."
    sync_api.expect(form2.locator(".verdict")).to_contain_text(
        f"You picked {wrong}: {wrong_text}. {expected}")
    assert choice.explanation in form2.locator(".verdict").inner_text()
    assert form2.locator("input[name=answer]:enabled").count() == 0  # one pick per visit

    formula = next(q for q in recall.lesson_questions(1) if isinstance(q[1], quiz.Formula))
    form3 = page.locator(f"#q-{formula[0]}-form")
    form3.locator("input[type=text]").fill("__import__('os')")
    form3.locator("button[type=submit]").click()
    sync_api.expect(form3.locator(".verdict")).to_contain_text("Only arithmetic is allowed")
    form3.locator("input[type=text]").fill("x + w + b")
    form3.locator("button[type=submit]").click()
    sync_api.expect(form3.locator(".verdict")).to_contain_text("Try again, take the hint")
    form3.locator("input[type=text]").fill("wx + b")
    form3.locator("button[type=submit]").click()
    sync_api.expect(form3.locator(".verdict")).to_contain_text("The answer: w*x + b")
    page.set_viewport_size({"width": 1280, "height": 900})
    form.scroll_into_view_if_needed()
    part_shot(page.locator("#recall"), "recall-answered")

    page.locator("a[rel=next]").click()
    page.wait_for_selector("body[data-ready=true]")
    review = page.locator("details.review")
    assert review.count() == 1 and not review.evaluate("d => d.open")  # folded
    in_recall = page.evaluate("""() => {
        const review = document.querySelector('details.review');
        const recall = document.getElementById('recall');
        const first = document.querySelector('article.lesson p:not(.kicker)');
        return recall.contains(review) &&
            !!(first.compareDocumentPosition(review) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    assert in_recall  # after the lesson's own words, inside its recall section
    page.locator("article.lesson .kicker a[href='#review']").click()
    sync_api.expect(review).to_have_attribute("open", "")
    assert choice.prompt in review.inner_text() and words.prompt in review.inner_text()
    again = review.locator(f"#review-q-{key2}-form")
    again.locator(f"input[value='{right}']").check()
    again.locator("button[type=submit]").click()
    sync_api.expect(again.locator(".verdict .verdict-head")).to_have_text("✓ Right.")
    sync_api.expect(again.locator(".verdict .expected")).to_have_text(expected)
    sync_api.expect(again.locator(".verdict")).to_contain_text("review of lesson 6")
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert f"review-q-{key2}-form" not in page.content()  # got it: it comes back later
    assert f"review-q-{key}-form" in page.content()  # not yet rated again: still here


@pytest.mark.parametrize("width", [1280, 390])
def test_recall_and_review_look_right(open_course, server, width):
    key, _ = _question(1, quiz.Words)
    recall.RecallStore(server.app.state.workspace).rate(key, "not yet", 1)  # due from lesson 2
    page = open_course(f"/lessons/{LESSONS[4].slug}", width=width)
    assert page.locator("details.review").count() == 1
    page.locator("details.review > summary").click()  # open, to look at it too
    section = page.locator("#recall")
    section.scroll_into_view_if_needed()
    overflow = page.evaluate("""() => Array.from(document.querySelectorAll(
        '#recall form.question, #recall details.review')).filter(
        el => el.scrollWidth > el.clientWidth + 1).length""")
    assert overflow == 0
    heading_top = page.evaluate("document.getElementById('recall-h').getBoundingClientRect().top"
                                " + window.scrollY")
    first_text = page.evaluate("document.querySelector('article.lesson h1')"
                               ".getBoundingClientRect().bottom + window.scrollY")
    assert first_text < heading_top
    part_shot(section, f"recall-lesson5-{width}")


def test_search_from_the_page(open_course):
    page = open_course(f"/lessons/{LESSONS[3].slug}")
    page.locator("#ask-q").fill("why can't one neuron learn XOR")
    page.locator("#ask-q").press("Enter")
    answer = page.locator("#ask-results .answer")
    sync_api.expect(answer).to_contain_text(f"lesson 6, {LESSONS[5].title}", timeout=90_000)
    assert answer.locator(".answer-passage mark").count() == 1
    answer.locator("a.answer-link").click()
    page.wait_for_url(f"**/lessons/{LESSONS[5].slug}#*")


def test_the_keyboard_reaches_skip_link_search_and_recall(open_course):
    page = open_course(f"/lessons/{LESSONS[1].slug}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    sync_api.expect(page.locator("a.skip")).to_be_visible()
    seen = []
    for _ in range(200):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(
            "document.activeElement.id || document.activeElement.name || "
            "document.activeElement.tagName"))
        if seen[-1].startswith("q-"):
            break
    assert "ask-q" in seen, seen
    assert seen[-1].startswith("q-"), seen  # a recall answer box, reached by Tab
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus shows
    unlabelled = page.evaluate("""() => Array.from(document.querySelectorAll(
        'input, select, button, textarea')).filter((el) => !(
          el.getAttribute('aria-label') || (el.labels && el.labels.length) ||
          el.textContent.trim())).map((el) => el.outerHTML)""")
    assert unlabelled == []


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_the_index_and_every_lesson(open_course, server, width):
    """Every lesson at 1280 and 390 px: the page never scrolls sideways, and no display
    formula needs a sideways scroll to be read; a full-page screenshot of each."""
    page = open_course("/", width=width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"index-{width}")
    problems = []
    for lesson in LESSONS:
        page.goto(f"{server.url}/lessons/{lesson.slug}")
        page.wait_for_selector("body[data-ready=true]")
        # measured as the learner sees it: every widget mounted, its resize redraw done
        page.wait_for_function("""() => Array.from(document.querySelectorAll(
            'section[data-widget]')).every((s) => s.dataset.ready === 'true')""",
                               timeout=60000)
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => "
                      "requestAnimationFrame(r)))")
        found = page.evaluate("""() => ({
          page: document.scrollingElement.scrollWidth - document.documentElement.clientWidth,
          formulas: Array.from(document.querySelectorAll('math[display="block"]'))
            .filter((m) => m.scrollWidth > m.clientWidth + 1)
            .map((m) => `${m.textContent.slice(0, 40)} ${m.scrollWidth}>${m.clientWidth}`),
        })""")
        if found["page"] > 0:
            problems.append(f"lesson {lesson.number}: the page is {found['page']} px too wide")
        problems += [f"lesson {lesson.number}: {f}" for f in found["formulas"]]
        shot(page, f"lesson-{lesson.number:02d}-{width}")
    assert problems == []
