"""The questions box's API, GET /api/search: an answer from the lessons' own questions
with the passage it rests on, or a plain "not answered"; bad input gets a 4xx.

The question set in ask_questions.json (learner questions worded differently from the
lessons' Q: lines, and questions the course cannot answer) holds the box to no
confident wrong answer and to the share of right first answers measured for the chosen
set-up (``python tests/lab/ask_eval.py`` prints the comparison of set-ups). When the
box is not sure it says so and offers the closest questions, never their answers.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import ask_eval
import pytest

from neuronlab.lab.course import pages as course_pages
from neuronlab.lab.course import search
from neuronlab.learn.lessons import LESSONS
from neuronlab.learn.notebooks import build_notebook

#: The measured share of right first answers of the chosen set-up is 91/109 (83.5 %) on
#: the whole set (80/92 on the first set, 11/17 on the held-out one); lessons are still
#: gaining questions, so the floor sits a little under it.
SHARE_FLOOR = 0.8

#: The four questions the bug report names, and six more of the same kind, each with the
#: lesson and the entry (first Q: line) that answers it.
REPORTED = [
    ("why do we need an activation function at all", 2,
     "Why do we need an activation function at all?"),
    ("what is the difference between a weight and a bias", 1,
     "What is the difference between a weight and a bias?"),
    ("what is the derivative of relu", 2, "What is the derivative of ReLU?"),
    ("how is Keras different from what we built", 11,
     "How is Keras different from what we built?"),
    ("why can't one neuron learn XOR", 6, "Why can't a single neuron learn XOR?"),
    ("what does the bias do", 1, "What is the bias?"),
    ("why do we square the error", 7, "Why do we square the errors?"),
    ("what is backpropagation", 9, "What is backpropagation?"),
    ("what is softmax", 12, "What is softmax?"),
    ("what is the slope of the sigmoid", 2, "What is the derivative of the sigmoid?"),
]


def get(course: Any, query: Any) -> Any:
    return course.get("/api/search", params={"q": query})


@pytest.fixture(scope="module")
def course() -> Any:
    from conftest import TOKEN, TestClient
    from neuronlab.lab import create_app

    with TestClient(create_app(testing=True, token=TOKEN)) as client:
        client.get(f"/?token={TOKEN}", follow_redirects=False)
        yield client


def entry(lesson_number: int, first: str) -> Any:
    lesson = next(x for x in LESSONS if x.number == lesson_number)
    return next(qa for qa in lesson.answers if qa.asked[0] == first)


@pytest.mark.parametrize("question, lesson, first", REPORTED)
def test_the_reported_questions_get_their_answer(course, question, lesson, first):
    data = get(course, question).json()
    assert data["answered"] is True, data
    assert data["answer"]["lesson"] == lesson
    assert data["answer"]["text"] == entry(lesson, first).answer


def test_an_answer_has_its_sentence_passage_link_and_numbers(course):
    data = get(course, "whats the sigmoid at z = 0").json()
    answer = data["answer"]
    qa = entry(2, "What is the sigmoid of 0?")
    assert answer["kind"] == "question" and answer["text"] == qa.answer
    assert "{{" not in answer["text"] and "0.5" in answer["text"]  # filled by the library
    # the passage it rests on, one sentence marked, and that sentence is the link's target
    marks = re.findall(r"<mark>(.*?)</mark>", answer["passage_html"])
    assert len(marks) == 1 and html.unescape(marks[0]) == answer["sentence"]
    path, anchor = answer["url"].split("#")
    assert re.fullmatch(r"p\d+-s\d+", anchor) and answer["passage_url"] == f"{path}#" + \
        anchor.split("-s")[0]
    page = course.get(path).text
    span = re.search(rf'<span class="s" id="{anchor}">(.*?)</span>', page, re.S)
    assert span, f"no sentence {anchor} on {path}"
    said = " ".join(re.sub(r"<[^>]+>", "", html.unescape(span.group(1))).split())
    assert said == answer["sentence"]
    # the passages it lists are other passages, each with a real anchor
    for result in data["results"]:
        assert result["url"] != answer["passage_url"]
        assert f'id="{result["url"].split("#")[1]}"' in course.get(result["url"]).text


def test_show_me_names_a_widget_of_the_lesson_and_its_settings(course):
    data = get(course, "what does relu give for minus three").json()
    if not data["answered"]:  # the wording above is the box's, not the lesson's
        data = get(course, "relu of a negative number?").json()
    show = data["answer"]["show"]
    qa = entry(2, "What is ReLU of a negative number?")
    assert show["widget"] == qa.show.kind and show["settings"] == qa.show.settings
    parts = urlsplit(show["url"])
    query = parse_qs(parts.query)
    assert query["show"] == [qa.show.kind]
    assert parts.fragment == f"widget-{qa.show.kind}"
    page = course.get(parts.path).text
    assert f'id="widget-{qa.show.kind}" data-widget="{qa.show.kind}"' in page


@pytest.mark.parametrize("question", ["what is the capital of France", "how do I install CUDA",
                                      "how to train a GAN"])
def test_nothing_fits_says_so_and_offers_passages_not_an_answer(course, question):
    data = get(course, question).json()
    assert data["answered"] is False and data["answer"] is None and data["offers"] == []
    assert data["message"].startswith("The course does not answer this directly.")
    assert data["confidence"] < search.ANSWER_THRESHOLD
    for result in data["results"]:
        assert set(result) >= {"lesson", "url", "html"}


@pytest.mark.parametrize("query, status, words", [
    ("", 400, "Type a question"),
    ("   ", 400, "Type a question"),
    ("x" * (search.MAX_QUERY + 1), 413, "characters long"),
    ("what is\x00 a bias", 400, "plain text"),
])
def test_bad_questions_get_a_4xx_that_says_what_was_expected(course, query, status, words):
    response = get(course, query)
    assert response.status_code == status
    assert words in response.json()["error"]


def test_bytes_that_are_not_text_and_a_missing_question_get_a_400(course):
    response = course.get("/api/search?q=%FF%FEbias")
    assert response.status_code == 400 and "plain text" in response.json()["error"]
    response = course.get("/api/search")
    assert response.status_code == 400 and "Type a question" in response.json()["error"]


def test_the_question_set_gets_no_confident_wrong_answer_and_the_measured_share():
    answerable, unanswerable = ask_eval.WHOLE
    assert len(answerable) >= 100 and len(unanswerable) >= 20
    assert len(ask_eval.HELD_OUT[0]) >= 15 and len(ask_eval.HELD_OUT[1]) >= 5
    assert {item["lesson"] for item in answerable} == {lesson.number for lesson in LESSONS}
    score = ask_eval.chosen()
    print("\n" + score.row())
    assert score.wrong_confident == 0, "\n".join(m for m in score.misses if "WRONG" in m)
    assert score.confident_unanswerable == 0, score.misses
    assert score.share >= SHARE_FLOOR, score.row()


def test_every_question_of_the_lessons_asked_in_its_own_words_gets_its_own_answer():
    """No entry is shadowed by another whose words are alike ("Which activation should I
    use?" is not answered with "What is an activation?")."""
    index = ask_eval.build()
    wrong = []
    for row, entry in enumerate(index.entries):
        for asked in entry.qa.asked:
            found = search.find(asked, index)
            if found.entry is None:
                wrong.append(f"{asked!r}: not answered")
            elif found.entry is not entry and not (
                    index.said[index.entries.index(found.entry)] & index.said[row]):
                wrong.append(f"{asked!r}: answered as {found.entry.qa.asked[0]!r}")
    assert wrong == []


def test_a_near_tie_is_not_an_answer_but_an_offer_of_both_questions(course):
    """The entry on how Keras differs names compile and Keras in its answer; the entry on
    compile says the question's words more closely: neither is given as the answer."""
    data = get(course, "what does compile do in keras").json()
    assert data["answered"] is False and data["answer"] is None
    assert data["message"].startswith("The course does not answer this directly.")
    offered = [offer["asked"] for offer in data["offers"]]
    assert {"What does compile do?", "How is Keras different from what we built?"} <= \
        set(offered), offered
    for offer in data["offers"]:
        assert set(offer) == {"asked", "lesson", "slug", "title", "url"}  # no answer text
        path, anchor = offer["url"].split("#")
        assert f'id="{anchor}"' in course.get(path).text
        again = get(course, offer["asked"]).json()  # asking it gets that very entry
        assert again["answered"] is True and again["answer"]["asked"] == offer["asked"]


def test_an_answer_offers_nothing_else(course):
    data = get(course, "what does the bias do").json()
    assert data["answered"] is True and data["offers"] == []


def test_the_question_set_is_worded_differently_from_the_lessons():
    def said(text: str) -> str:
        return " ".join(re.findall(r"\w+", text.lower()))

    asked = {said(q) for lesson in LESSONS for qa in lesson.questions for q in qa.asked}
    same = [item["q"] for item in ask_eval.WHOLE[0] if said(item["q"]) in asked]
    assert same == []
    for item in ask_eval.WHOLE[0]:  # every expected entry exists
        lesson = next(x for x in LESSONS if x.number == item["lesson"])
        firsts = {qa.asked[0] for qa in lesson.questions}
        assert set(item["expect"]) <= firsts, item


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.slug for lesson in LESSONS])
def test_questions_blocks_are_never_shown_and_rest_on_a_passage(course, lesson):
    page = course.get(f"/lessons/{lesson.slug}").text
    after = course_pages.questions_after(lesson.number)
    assert len(after) == len({qa.block for qa in lesson.questions})
    assert all(after), "a questions block needs a paragraph before it"
    notebook = "".join("".join(cell["source"]) for cell in build_notebook(lesson)["cells"])
    for qa in lesson.questions:
        for text in (page, lesson.text, notebook):
            assert "```questions" not in text and "NLQA" not in text
            assert f"Q: {qa.asked[0]}" not in text
        if qa.show is not None:
            assert qa.show.kind in {w.kind for w in lesson.widgets}, qa.asked[0]
