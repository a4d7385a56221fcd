"""Recall that is never wrong: free text rated by the learner, exact grading elsewhere.

Server side (the question bank, ``POST /api/recall``, the recall file, the spacing) and
the page's HTML; the browser test is in test_course_browser.py, the terminal in
tests/test_learn_cli.py.
"""

from __future__ import annotations

import hashlib
import html as markup
import json
import re
import warnings
from collections import Counter
from collections.abc import Iterator

import pytest

from conftest import TOKEN
from neuronlab.lab import create_app
from neuronlab.lab.course import recall
from neuronlab.learn import quiz
from neuronlab.learn.lessons import LESSONS
from neuronlab.learn.sources import lesson_slugs

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

#: Wrong answers the old keyword grader marked right, and right ones it marked wrong.
KEYWORD_TRAPS = ["it drops the learning rate", "it adds random noise to the weights",
                 "XOR is linearly separable", "not a straight line", "w and b",
                 "which way to move", "multiply, sum, activate", "activate, multiply, sum"]


@pytest.fixture
def course(tmp_path) -> Iterator[TestClient]:
    app = create_app(testing=True, token=TOKEN, workspace=tmp_path / "course")
    with TestClient(app) as test_client:
        test_client.get(f"/?token={TOKEN}", follow_redirects=False)
        yield test_client


def of_kind(kind: type) -> list[quiz.Question]:
    return [q for q in quiz.QUESTIONS if isinstance(q, kind)]


def text_of(html: str) -> str:
    return markup.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


# --------------------------------------------------------------------------- the bank
def test_every_question_has_a_hint_and_an_answer_to_reveal():
    assert {type(q) for q in quiz.QUESTIONS} == {quiz.Words, quiz.Choice, quiz.Number,
                                                 quiz.Formula}
    for q in quiz.QUESTIONS:
        assert q.hint.strip() and q.explanation.strip() and q.expected().strip(), q.prompt
        assert q.hint not in (q.expected(), q.explanation), q.prompt
    assert len(of_kind(quiz.Formula)) >= 3 and len(of_kind(quiz.Words)) >= 5


def test_no_free_text_answer_is_ever_graded():
    for q in of_kind(quiz.Words):
        assert not q.graded
        for answer in [*KEYWORD_TRAPS, q.expected(), q.explanation]:
            verdict = q.check(answer)
            assert verdict.right is None and "rate yourself" in verdict.feedback


def test_the_api_gives_no_verdict_on_free_text_only_the_reveal(course):
    for q in of_kind(quiz.Words):
        for answer in KEYWORD_TRAPS:
            response = course.post("/api/recall", json={"question": q.key, "answer": answer})
            assert response.status_code == 400 and "rate yourself" in response.json()["error"]
            assert "right" not in response.json()
        revealed = course.post("/api/recall", json={"question": q.key, "reveal": True})
        assert revealed.status_code == 200
        assert revealed.json() == {"question": q.key, "kind": "words", "expected": q.expected(),
                                   "explanation": q.explanation}


def test_the_stored_right_option_is_not_biased_to_one_position():
    stored = Counter(q.answer for q in of_kind(quiz.Choice))
    assert set(stored) == {1, 2, 3, 4}
    assert max(stored.values()) <= len(of_kind(quiz.Choice)) / 2


#: Learner ids as the recall file makes them (16 hex digits), fixed so the test is repeatable.
LEARNERS = ["", "0" * 16] + [hashlib.sha256(f"learner {i}".encode()).hexdigest()[:16]
                             for i in range(400)]


def test_the_shown_position_of_the_right_option_is_spread():
    """Each question's options are shuffled on their own (seeded by the learner and the
    prompt), so one learner may by chance see the right option in one place more often
    than in the others: rarely, and every place holds it for some learners."""
    choices = of_kind(quiz.Choice)
    skewed = 0
    for learner in LEARNERS:
        shown = Counter(q.right_label(learner) for q in choices)
        assert set(shown) == {"A", "B", "C", "D"}, shown  # every position used
        skewed += max(shown.values()) > 0.5 * len(choices)  # one holds more than half
        for q in choices:
            assert sorted(q.order(learner)) == list(range(len(q.choices())))
    assert skewed <= 0.05 * len(LEARNERS), skewed
    for q in choices:
        assert {q.right_label(learner) for learner in LEARNERS} == \
            set(quiz.LETTERS[:len(q.choices())]), q.prompt
        assert q.order(learner) == q.order(learner)  # stable for one learner
        assert [text for _, text in q.shown(learner)][q.order(learner).index(q.answer - 1)] == \
            q.choices()[q.answer - 1]


def test_each_question_puts_its_right_option_anywhere_with_equal_chance():
    ids = [hashlib.sha256(f"many {i}".encode()).hexdigest()[:16] for i in range(2000)]
    for q in of_kind(quiz.Choice):
        seen = Counter(q.right_label(learner) for learner in ids)
        n = len(q.choices())
        assert set(seen) == set("ABCDEFGH"[:n]), q.prompt
        assert all(abs(count / len(ids) - 1 / n) < 0.05 for count in seen.values()), seen


def test_orders_differ_between_learners():
    a, b = "a" * 16, "b" * 16
    assert any(q.order(a) != q.order(b) for q in of_kind(quiz.Choice))


def test_a_choice_is_answered_by_its_label_and_told_by_label_and_text():
    learner = "c0ffee00c0ffee00"
    q = next(q for q in of_kind(quiz.Choice) if "ReLU neuron" in q.prompt)
    right = q.right_label(learner)
    wrong = next(label for label, _ in q.shown(learner) if label != right)
    wrong_text = dict(q.shown(learner))[wrong]
    assert q.check(right.lower(), learner).right is True
    assert q.check(f"({right})", learner).right is True
    assert q.check("zero", learner).right is True  # its whole text also names it
    assert q.check(wrong, learner).right is False
    assert q.feedback(wrong, learner) == (f"You picked {wrong}: {wrong_text}. "
                                          f"The answer is {right}: zero.")
    assert q.feedback(right, learner) == f"The answer is {right}: zero."
    unreadable = q.check("2", learner)  # options are lettered, not numbered
    assert unreadable.right is None and "letter from A to D" in unreadable.feedback


# --------------------------------------------------------------------------- formulas
def sigmoid_slope() -> quiz.Formula:
    return next(q for q in of_kind(quiz.Formula) if q.variables == ("s",))


def test_a_formula_is_right_in_every_equivalent_form():
    q = sigmoid_slope()
    for answer in ["s*(1-s)", "s(1 - s)", "(1-s)*s", "s - s^2", "s - s**2", "-s*s + s",
                   "s·(1 − s)", "(1-s)s", "s*(1-s)*1"]:
        assert q.check(answer).right is True, answer
    neuron = next(q for q in of_kind(quiz.Formula) if q.variables == ("x", "w", "b"))
    for answer in ["w*x + b", "x*w+b", "b + wx", "wx+b", "(x)(w) + b"]:
        assert neuron.check(answer).right is True, answer
    sigmoid = next(q for q in of_kind(quiz.Formula) if q.variables == ("z",))
    for answer in ["1/(1+exp(-z))", "1/(1 + e^-z)", "exp(z)/(1+exp(z))", "(1+exp(-z))^-1"]:
        assert sigmoid.check(answer).right is True, answer


def test_a_wrong_formula_is_wrong():
    q = sigmoid_slope()
    for answer in ["1 - s", "s^2", "s*(1+s)", "s", "0.25", "s*(1-s) + 0.001", "exp(s)",
                   "9**9**9**9", "1e999", "s/0", "log(-s)"]:
        assert q.check(answer).right is False, answer


@pytest.mark.parametrize("hostile", [
    "__import__('os')", "__import__('os').system('echo hi')", "().__class__.__bases__",
    "open('/etc/passwd')", "s if s else 1", "lambda: 1", "[s]", "s[0]", "eval('1')",
    "globals()", "True", "'text'", "s; import os", "x" * 300, "(" * 150 + "s" + ")" * 150,
    "exp(s, 2)", "exp(x=s)", "q", "S",
])
def test_hostile_or_unreadable_formulas_are_refused_with_a_message(hostile):
    verdict = sigmoid_slope().check(hostile)
    assert verdict.right is None
    assert re.search(r"only arithmetic|not a formula|unknown name|keep it under", verdict.feedback)


def test_the_api_grades_a_formula_and_refuses_an_unreadable_one(course):
    q = sigmoid_slope()
    right = course.post("/api/recall", json={"question": q.key, "answer": "s - s^2"})
    assert right.status_code == 200 and right.json()["right"] is True
    assert right.json()["rating"] == "got it" and right.json()["expected"] == q.reference
    wrong = course.post("/api/recall", json={"question": q.key, "answer": "1 - s"})
    assert wrong.json()["right"] is False and "expected" not in wrong.json()  # not yet shown
    refused = course.post("/api/recall", json={"question": q.key, "answer": "__import__('os')"})
    assert refused.status_code == 422 and "Only arithmetic" in refused.json()["error"]
    after = course.post("/api/recall", json={"question": q.key, "answer": "s*(1-s)", "misses": 1})
    assert after.json()["right"] is True and after.json()["rating"] == "partly"


def test_numbers_are_graded_with_the_library_value(course):
    q = next(q for q in of_kind(quiz.Number) if "sigmoid(0)" in q.prompt)
    for answer, right in [("0.5", True), ("1/2", True), ("half", True), ("0.6", False)]:
        got = course.post("/api/recall", json={"question": q.key, "answer": answer}).json()
        assert got["right"] is right, answer
    bad = course.post("/api/recall", json={"question": q.key, "answer": "fish"})
    assert bad.status_code == 422 and "a number" in bad.json()["error"]
    assert course.post("/api/recall", json={"question": q.key, "answer": "inf"}).status_code == 422


# --------------------------------------------------------------------------- spacing
def test_the_rating_rule():
    assert [recall.next_box(0, r) for r in quiz.RATINGS] == [3, 2, 1]
    assert [recall.next_box(3, r) for r in quiz.RATINGS] == [4, 2, 1]
    assert [recall.next_box(4, r) for r in quiz.RATINGS] == [4, 2, 1]
    assert [recall.due_in(box, 1) for box in (1, 2, 3, 4)] == [2, 3, 5, 9]


def reviewed(store: recall.RecallStore, lesson: int) -> set[str]:
    return {key for key, _ in store.due(lesson)}


def test_ratings_decide_when_a_question_comes_back(tmp_path):
    store = recall.RecallStore(tmp_path)
    not_yet, partly, got = (q.key for q in quiz.questions_for(1)[:3])
    store.rate(not_yet, "not yet", 1)
    store.rate(partly, "partly", 1)
    store.rate(got, "got it", 1)
    assert reviewed(store, 1) == set()  # never in its own lesson
    assert reviewed(store, 2) == {not_yet}  # not yet: the next lesson
    assert reviewed(store, 3) == {not_yet, partly}  # partly: soon
    assert reviewed(store, 4) == {not_yet, partly}
    assert reviewed(store, 5) == {not_yet, partly, got}  # got it: later
    assert next(key for key, _ in store.due(5)) == not_yet  # lowest box first
    store.rate(not_yet, "got it", 5)  # rated on lesson 5's review: box 3, back at 9
    store.rate(got, "got it", 5)  # again: box 4, back at 13
    assert not_yet not in reviewed(store, 8) and not_yet in reviewed(store, 9)
    assert got not in reviewed(store, 12) and got in reviewed(store, 13)
    saved = json.loads((tmp_path / recall.RECALL_FILE).read_text())["questions"]
    slugs = lesson_slugs()  # the record names lessons by slug, not by number
    assert saved[got] | {"at": ""} == {"lesson": slugs[1], "box": 4, "rating": "got it",
                                        "rated_in": slugs[5], "attempts": 2, "at": ""}


def test_an_exact_miss_counts_as_not_yet(course, tmp_path):
    q = next(q for q in of_kind(quiz.Choice) if q.lesson == 1)
    learner = recall.RecallStore(tmp_path / "course").learner()
    wrong = next(label for label, _ in q.shown(learner) if label != q.right_label(learner))
    got = course.post("/api/recall", json={"question": q.key, "answer": wrong}).json()
    assert got["right"] is False and got["rating"] == "not yet"
    assert got["back"] == "It comes back in the review of lesson 2."
    assert f'id="review-q-{q.key}-form"' in course.get(f"/lessons/{LESSONS[1].slug}").text


def test_the_review_is_folded_after_the_lesson_starts_and_says_why(course):
    for q in quiz.questions_for(1):
        course.post("/api/recall", json={"question": q.key, "rating": "not yet"} if not q.graded
                    else {"question": q.key, "reveal": True})
    html = course.get(f"/lessons/{LESSONS[1].slug}").text
    assert html.count('class="review"') == 1
    review = html.index('<details class="review" id="review">')
    assert html.index("<h1>") < html.index("</h1>") < html.index('id="recall-h"') < review
    assert html.index("data-widget=") < review  # the lesson (its widget) comes first
    assert f"{recall.REVIEW_MAX} to review" in text_of(html)  # the header links to it
    assert len(re.findall(r'id="review-q-[^"]+-form"', html)) == recall.REVIEW_MAX


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_each_lesson_has_exactly_one_recall_heading(course, lesson):
    html = course.get(f"/lessons/{lesson.slug}").text
    assert text_of(html).count("Close your eyes and recall") == 1
    for q in quiz.questions_for(lesson.number):
        form = re.search(rf'<form class="question" data-question="{q.key}".*?</form>', html)
        assert form is not None
        assert "Hint</summary>" in form.group(0) and markup.escape(q.hint) in form.group(0)
        assert markup.escape(q.explanation) not in form.group(0)  # nothing revealed yet
        if isinstance(q, quiz.Words):
            assert "Reveal the answer" in form.group(0) and "Got it" in form.group(0)
            assert markup.escape(q.expected()) not in form.group(0)
        if isinstance(q, quiz.Choice):
            assert re.findall(r'value="([A-H])"', form.group(0)) == \
                list("ABCDEFGH"[:len(q.choices())])


# --------------------------------------------------------------------------- the file
def test_an_old_format_file_is_migrated(tmp_path):
    first, second = quiz.questions_for(2)[:2]
    (tmp_path / recall.RECALL_FILE).write_text(json.dumps({"format": 1, "questions": {
        f"2-{first.digest}": {"lesson": 2, "right": False, "attempts": 2, "ever_right": False,
                              "at": "2026-01-01T00:00:00+0000"},
        f"2-{second.digest}": {"lesson": 2, "right": True, "attempts": 1, "ever_right": True,
                               "at": "2026-01-01T00:00:00+0000"}}}))
    store = recall.RecallStore(tmp_path)
    record = store.load()
    assert not store.warnings
    slug = lesson_slugs()[2]
    assert record[first.key] | {"at": ""} == {"lesson": slug, "box": 1, "rating": "not yet",
                                             "rated_in": slug, "attempts": 2, "at": ""}
    assert record[second.key]["box"] == 3 and record[second.key]["rating"] == "got it"
    assert reviewed(store, 3) == {first.key}  # missed before: back in the next lesson
    learner = store.learner()
    saved = json.loads((tmp_path / recall.RECALL_FILE).read_text())
    assert saved["format"] == 3 and saved["learner"] == learner
    assert saved["questions"][first.key]["rating"] == "not yet"
    assert recall.RecallStore(tmp_path).learner() == learner  # kept from then on


def test_a_format_2_file_keyed_by_lesson_numbers_keeps_every_answer(tmp_path):
    """Format 2 keyed questions by lesson number: each is found again by its prompt's
    hash, even under a number its lesson no longer has (a lesson added before it)."""
    moved, kept = quiz.questions_for(3)[0], quiz.questions_for(4)[0]
    (tmp_path / recall.RECALL_FILE).write_text(json.dumps({
        "format": 2, "learner": "abcdef0123456789", "questions": {
            f"2-{moved.digest}": {"lesson": 2, "box": 2, "rating": "partly", "rated_in": 2,
                                  "attempts": 1, "at": ""},
            f"4-{kept.digest}": {"lesson": 4, "box": 1, "rating": "not yet", "rated_in": 6,
                                 "attempts": 3, "at": ""},
            "4-0123456789": {"lesson": 4, "box": 3, "rating": "got it", "rated_in": 4,
                             "attempts": 1, "at": ""}}}))  # a prompt this version lacks
    store = recall.RecallStore(tmp_path)
    record = store.load()
    slugs = lesson_slugs()
    assert record[moved.key] == {"lesson": slugs[3], "box": 2, "rating": "partly",
                                 "rated_in": slugs[2], "attempts": 1, "at": ""}
    assert record[kept.key]["rated_in"] == slugs[6] and record[kept.key]["attempts"] == 3
    assert record[f"{slugs[4]}-0123456789"]["rating"] == "got it"  # kept, not lost
    assert store.learner() == "abcdef0123456789" and not store.warnings
    store.rate(kept.key, "partly", 6)  # saving writes format 3, every record in it
    saved = json.loads((tmp_path / recall.RECALL_FILE).read_text())
    assert saved["format"] == 3 and set(saved["questions"]) == set(record)
    assert recall.RecallStore(tmp_path).load()[moved.key] == record[moved.key]


BAD_FILES = {
    "attempts is text": '{"format": 2, "learner": "abcdef0123456789", "questions": '
                        '{"1-x": {"lesson": 1, "box": 1, "rating": "not yet", "rated_in": 1, '
                        '"attempts": "many"}}}',
    "format 1, attempts is text": '{"format": 1, "questions": {"1-x": {"lesson": 1, '
                                  '"right": false, "attempts": "many"}}}',
    "lesson is a list": '{"format": 2, "learner": "abcdef0123456789", "questions": '
                        '{"1-x": {"lesson": [1], "box": 1, "rating": "partly", "rated_in": 1}}}',
    "box is 1e999": '{"format": 2, "learner": "abcdef0123456789", "questions": '
                    '{"1-x": {"lesson": 1, "box": 1e999, "rating": "partly", "rated_in": 1}}}',
    "rated_in is NaN": '{"format": 2, "learner": "abcdef0123456789", "questions": '
                       '{"1-x": {"lesson": 1, "box": 1, "rating": "partly", "rated_in": NaN}}}',
    "box is true": '{"format": 2, "learner": "abcdef0123456789", "questions": '
                   '{"1-x": {"lesson": 1, "box": true, "rating": "partly", "rated_in": 1}}}',
    "unknown rating": '{"format": 2, "learner": "abcdef0123456789", "questions": '
                      '{"1-x": {"lesson": 1, "box": 1, "rating": "great", "rated_in": 1}}}',
    "right is text": '{"format": 1, "questions": {"1-x": {"lesson": 1, "right": "yes"}}}',
    "a record is a list": '{"format": 2, "learner": "abcdef0123456789", "questions": '
                          '{"1-x": [1, 2]}}',
    "questions is a list": '{"format": 2, "learner": "abcdef0123456789", "questions": []}',
    "learner is a number": '{"format": 2, "learner": 5, "questions": {}}',
    "format is text": '{"format": "2", "learner": "abcdef0123456789", "questions": {}}',
    "format 4": '{"format": 4, "learner": "abcdef0123456789", "questions": {}}',
    "format 3 without a learner": '{"format": 3, "questions": {}}',
    "format 3, lesson is a number": '{"format": 3, "learner": "abcdef0123456789", '
                                    '"questions": {"a-x": {"lesson": 1, "box": 1, '
                                    '"rating": "partly", "rated_in": "a"}}}',
    "format 3, rated_in is not a slug": '{"format": 3, "learner": "abcdef0123456789", '
                                        '"questions": {"a-x": {"lesson": "a", "box": 1, '
                                        '"rating": "partly", "rated_in": "A B"}}}',
    "at is a number": '{"format": 2, "learner": "abcdef0123456789", "questions": '
                      '{"1-x": {"lesson": 1, "box": 1, "rating": "partly", "rated_in": 1, '
                      '"at": 5}}}',
    "not json": "{not json",
    "a list": "[]",
    "deep": "[" * 100000 + "]" * 100000,
    "not utf-8": "\udcff\udcfe",
}


@pytest.mark.parametrize("content", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_file_with_a_bad_type_is_set_aside_never_a_500(tmp_path, content):
    folder = tmp_path / "course"
    folder.mkdir()
    path = folder / recall.RECALL_FILE
    data = content.encode("utf-8", errors="surrogateescape")
    path.write_bytes(data)
    app = create_app(testing=True, token=TOKEN, workspace=folder)
    with TestClient(app, raise_server_exceptions=False) as client:
        client.get(f"/?token={TOKEN}", follow_redirects=False)
        index = client.get("/")
        assert index.status_code == 200
        assert "is broken" in text_of(index.text) and "start again" in text_of(index.text)
        kept = list(folder.glob(f"{recall.RECALL_FILE}.broken-*"))
        assert len(kept) == 1 and kept[0].read_bytes() == data  # kept as it was
        assert client.get(f"/lessons/{LESSONS[1].slug}").status_code == 200
        q = quiz.questions_for(1)[0]
        rated = client.post("/api/recall", json={"question": q.key, "rating": "partly"})
        assert rated.status_code == 200 and rated.json()["rating"] == "partly"
    saved = json.loads(path.read_text())
    assert saved["format"] == 3 and list(saved["questions"]) == [q.key]


def test_bad_requests_get_a_message(course):
    words = of_kind(quiz.Words)[0].key
    graded = of_kind(quiz.Number)[0].key
    cases = [({"question": "nope", "answer": "x"}, 404), ({"question": 3, "answer": "x"}, 400),
             ({"question": graded, "answer": 7}, 400), ({"question": graded, "answer": "  "}, 400),
             ({"question": graded, "answer": "x" * 501}, 413),
             ({"question": words, "answer": "anything"}, 400),
             ({"question": words, "rating": "great"}, 400),
             ({"question": words, "rating": ["got it"]}, 400),
             ({"question": graded, "rating": "got it"}, 400),
             ({"question": words, "reveal": "yes"}, 400),
             ({"question": words, "reveal": True, "page": 0}, 400),
             ({"question": words, "reveal": True, "page": "2"}, 400),
             ({"question": graded, "answer": "1", "misses": -1}, 400),
             ({"question": graded, "answer": "1", "misses": "many"}, 400)]
    for body, status in cases:
        response = course.post("/api/recall", json=body)
        assert response.status_code == status and response.json()["error"], body
    for raw in ("1e999", "NaN", "[2]", "true"):
        response = course.post("/api/recall", content=f'{{"question": "{words}", "reveal": true, '
                               f'"page": {raw}}}', headers={"Content-Type": "application/json"})
        assert 400 <= response.status_code < 500 and response.json()["error"], raw


def test_a_page_view_creates_nothing_and_the_order_survives_the_first_answer(course, tmp_path):
    folder = tmp_path / "course"  # the fixture's workspace, not created yet
    q = next(q for q in of_kind(quiz.Choice) if q.lesson == 2)
    pattern = rf'data-question="{q.key}".*?</fieldset>'
    first = re.search(pattern, course.get(f"/lessons/{LESSONS[1].slug}").text).group(0)
    assert not folder.exists()  # looking at a lesson writes nothing
    assert re.search(pattern, course.get(f"/lessons/{LESSONS[1].slug}").text).group(0) == first
    learner = recall.RecallStore(folder).learner()
    right = q.right_label(learner)
    assert f'value="{right}"> <span class="letter">{right}</span> <span>' \
        f'{markup.escape(q.choices()[q.answer - 1])}</span>' in first
    got = course.post("/api/recall", json={"question": q.key, "answer": right}).json()
    assert got["right"] is True  # graded against the order the page showed
    assert json.loads((folder / recall.RECALL_FILE).read_text())["learner"] == learner
    assert re.search(pattern, course.get(f"/lessons/{LESSONS[1].slug}").text).group(0) == first


def test_the_learner_id_a_page_showed_survives_the_workspace_appearing(tmp_path):
    """A lesson viewed before the workspace exists, then an exercise solved (which makes
    the folder), then a recall answer: the answer is checked against the order shown."""
    root = tmp_path / "course"
    shown = recall.RecallStore(root).learner()  # the page view: nothing is created
    assert not root.exists()
    root.mkdir()  # what solving an exercise does
    assert recall.RecallStore(root).learner() == shown
    assert json.loads((root / recall.RECALL_FILE).read_text())["learner"] == shown


def test_each_existing_workspace_gets_its_own_learner_id(tmp_path):
    ids = set()
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        ids.add(recall.RecallStore(tmp_path / name).learner())
        saved = json.loads((tmp_path / name / recall.RECALL_FILE).read_text())
        assert saved == {"format": 3, "learner": saved["learner"], "questions": {}}
        assert recall.RecallStore(tmp_path / name).learner() == saved["learner"]
    assert len(ids) == 2
