"""The course in the lab, server side: the index, the lesson pages, recall, search.

Pages are fetched with the lab's token, as the browser does (see conftest.py); the
learner's workspace is a temporary folder.
"""

from __future__ import annotations

import html as markup
import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import TOKEN
from neuronlab.lab import create_app
from neuronlab.lab.course import recall
from neuronlab.lab.course.pages import EXPLORERS, _exercise, introduced, summary
from neuronlab.lab.course.render import math_html
from neuronlab.lab.course.words import highlight
from neuronlab.lab.server.guard import CONTENT_SECURITY_POLICY
from neuronlab.learn import quiz
from neuronlab.learn.catalog import EXERCISES
from neuronlab.learn.lessons import LESSONS, lesson_namespace, run_example
from neuronlab.learn.sources import fill_numbers
from neuronlab.learn.workspace import PROGRESS_FILE, Workspace

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

STATIC = Path(recall.__file__).parent.parent / "static"


@pytest.fixture
def course(tmp_path) -> Iterator[TestClient]:
    app = create_app(testing=True, token=TOKEN, workspace=tmp_path / "course")
    with TestClient(app) as test_client:
        test_client.get(f"/?token={TOKEN}", follow_redirects=False)
        yield test_client


def words(html: str) -> str:
    """The text of a page, tags dropped and entities decoded."""
    return markup.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def question(lesson: int, kind: type = quiz.Words) -> tuple[str, quiz.Question]:
    return next((key, q) for key, q in recall.lesson_questions(lesson) if isinstance(q, kind))


# --------------------------------------------------------------------------- index
def test_the_front_page_is_the_course_index(course, tmp_path):
    page = course.get("/")
    assert page.status_code == 200
    links = re.findall(r'href="\./lessons/([a-z0-9-]+)"', page.text)  # relative: any prefix
    ordered = list(dict.fromkeys(links))
    assert ordered == [lesson.slug for lesson in LESSONS]  # all of them, in order
    for lesson in LESSONS:
        line = summary(lesson)
        assert line and line.endswith((".", "?", "!")), (lesson.number, line)
        assert squash(line) in squash(words(page.text))
    assert str(tmp_path / "course") in page.text  # the footer names the workspace
    assert 'href="./explore"' in page.text
    # each line reads "10. The training loop": a space after the number, whatever its width
    items = re.findall(r'<li class="lesson-item">(.*?)</li>', page.text, re.S)
    assert len(items) == len(LESSONS)
    for lesson, item in zip(LESSONS, items, strict=True):
        text = markup.unescape(re.sub(r"<[^>]+>", "", item))
        assert text.startswith(f"{lesson.number}. {lesson.title}"), text[:40]


def test_the_index_shows_recall_and_exercise_progress(tmp_path):
    folder = tmp_path / "ws"
    workspace, _, _ = Workspace.create(folder)
    exercise = LESSONS[0].exercises[0]
    workspace.update(lambda p: p["exercises"].update({exercise.name: {"solved": True}}))
    app = create_app(testing=True, token=TOKEN, workspace=folder)
    with TestClient(app) as client:
        client.get(f"/?token={TOKEN}")
        key, _q = question(1)
        rated = client.post("/api/recall", json={"question": key, "rating": "got it"})
        assert rated.json()["rating"] == "got it"
        page = words(client.get("/").text)
    total = len(recall.lesson_questions(1))
    assert f"recall: 1 of {total} got it" in page
    assert f"exercises 1 of {len(LESSONS[0].exercises)} solved" in page


# --------------------------------------------------------------------------- lessons
@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_each_lesson_page_has_its_words_widget_code_and_recall(course, lesson):
    page = course.get(f"/lessons/{lesson.slug}")
    assert page.status_code == 200
    html = page.text
    text = words(html)
    assert f"<h1>{lesson.title}" in markup.unescape(html)
    assert squash(summary(lesson)) in squash(text)  # its distinctive first sentence
    for widget in lesson.widgets:
        assert f'data-widget="{widget.kind}"' in html
        settings = re.search(rf'data-widget="{re.escape(widget.kind)}" data-settings=\'([^\']*)\'',
                             html)
        assert settings is not None
        assert json.loads(markup.unescape(settings.group(1))) == widget.settings
        assert EXPLORERS[widget.kind][0] in markup.unescape(html)  # linked to its full explorer
    assert "Reset to the lesson's numbers" in text or not lesson.widgets
    output = run_example(lesson).strip().splitlines()
    assert output[0] in markup.unescape(html)  # the example's live output
    for block in lesson.blocks:
        if block.role == "numbers":
            assert block.code.strip() not in markup.unescape(html)  # computed, never shown
        if block.role == "exercise":
            assert f'data-exercise="{block.name}"' in html
    assert html.count("data-cell=") == sum(b.role == "cell" for b in lesson.blocks)
    for key, _ in recall.lesson_questions(lesson.number):
        assert f'data-question="{key}"' in html
    assert "{{" not in text and "}}" not in text  # every number filled by the library
    assert 'class="skip" href="#main"' in html and 'id="main"' in html
    assert '<script type="module" src="../static/lesson.js"></script>' in html
    assert '<link rel="stylesheet" href="../static/widgets.css">' in html  # widgets styled
    assert not re.search(r'\s(?:href|src|action)="/(?!/)', html)  # relative: any prefix
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None  # no inline script
    assert not re.search(r"\sstyle\s*=", html) and not re.search(r"\son[a-z]+\s*=", html)
    index = LESSONS.index(lesson)
    if index:
        assert f'rel="prev" href="../lessons/{LESSONS[index - 1].slug}"' in html
    if index + 1 < len(LESSONS):
        assert f'rel="next" href="../lessons/{LESSONS[index + 1].slug}"' in html


@pytest.mark.parametrize("lesson", [lesson for lesson in LESSONS if lesson.exercises],
                         ids=lambda lesson: lesson.slug)
def test_each_exercise_is_told_once_and_the_page_says_what_it_does(course, lesson):
    html = course.get(f"/lessons/{lesson.slug}").text
    text = words(html)
    for block in (b for b in lesson.blocks if b.role == "exercise"):
        exercise = EXERCISES[block.name]
        figure = re.search(rf'<figure class="code exercise" data-exercise="{block.name}">'
                           r"(.*?)</figure>", html, re.S)
        assert figure is not None
        caption = words(figure.group(1))
        if introduced(lesson.markdown, block.name):  # the lesson's own section tells it
            assert "Exercise:" not in caption and squash(exercise.task) not in squash(caption)
            assert text.count("Exercise:") == sum(
                line.startswith("#") and "Exercise:" in line
                for line in lesson.markdown.splitlines())
        else:  # no section of its own: the catalog's title and task, once
            assert squash(exercise.task) in squash(caption)
        assert squash(text).count(squash(exercise.task)) <= 1
        # the terminal command only as a note for the terminal, never as the way to check
        assert f"In the terminal: neuronlab learn check {block.name}" in caption
    assert "Check your answer with" not in text


def test_an_exercise_without_a_section_of_its_own_shows_its_task():
    markdown = "## The code\n\nWords.\n\n```python exercise neuron\npass\n```\n"
    assert not introduced(markdown, "neuron")
    assert introduced("## Exercise: one neuron\n\nWrite it.\n\n" + markdown[14:], "neuron")
    html = words(_exercise("neuron", "pass", introduced=False))
    assert "Exercise: one neuron" in html and squash(EXERCISES["neuron"].task) in squash(html)


def test_a_lesson_fills_its_numbers_with_the_library():
    from neuronlab.lab.course.render import render_markdown

    body = render_markdown(
        "The sum is {{ z:.3f }} and $z = w x + b$.\n\n```python\nd = {{'a': 1}}\n```\n",
        block=lambda kind, data: f"<pre>{data.get('code', '')}</pre>",
        namespace=lambda: {"z": 0.5 * 0.5 + 0.1}, where="test").body
    assert "The sum is 0.350" in body
    assert "<math" in body and "{{'a': 1}}" in body  # code keeps its braces
    assert fill_numbers("{{ z:.2f }}", {"z": 1.0}) == "1.00"
    lesson = LESSONS[0]
    assert lesson_namespace(lesson)  # the lesson's code runs and defines names


def test_math_becomes_mathml_without_inline_styles():
    block = math_html(r"\frac{\partial L}{\partial w} = \hat y - y", display=True)
    assert block.startswith("<math") and 'display="block"' in block and "<mfrac>" in block
    assert not re.search(r"\sstyle=", math_html(r"\color{red} x \displaystyle \frac{1}{2}"))
    assert math_html(r"\notacommand{") .startswith(("<math", '<code class="tex">'))


def test_an_unknown_lesson_is_a_404_that_lists_the_lessons(course):
    page = course.get("/lessons/no-such-lesson")
    assert page.status_code == 404 and LESSONS[0].slug in page.text


def test_the_explorers_moved_to_explore(course):
    page = course.get("/explore")
    assert page.status_code == 200 and 'src="static/app.js"' in page.text
    assert 'href="./"' in page.text  # back to the course
    for name in ("lesson.js", "course.css"):
        assert course.get(f"/static/{name}").status_code == 200


# --------------------------------------------------------------------------- recall
# The recall tests are in test_recall.py.


def test_the_default_workspace_is_a_learn_workspace_here_or_the_home_course(tmp_path):
    assert recall.default_workspace(tmp_path) == Path.home() / ".neuronlab" / "course"
    (tmp_path / PROGRESS_FILE).write_text("{}")
    assert recall.default_workspace(tmp_path) == tmp_path.resolve()


def test_lab_workspace_option(tmp_path):
    from neuronlab.cli.lab import choose_workspace

    assert choose_workspace(str(tmp_path / "new")) == (tmp_path / "new").resolve()
    (tmp_path / "file").write_text("")
    with pytest.raises(ValueError, match="must be a folder"):
        choose_workspace(str(tmp_path / "file"))


# --------------------------------------------------------------------------- search
#: Questions as a learner types them, and the lesson that answers each. The shape of
#: the weight matrix is taught by the layer lesson (one row per neuron) and spelt out,
#: shapes and all, by the batch lesson: either may come first. ReLU is met in lesson 1
#: and named in 2; the learning rate in lesson 8 and again in 10; a weight's gradient
#: for one neuron in 8 and for a layer in 9.
QUESTIONS = [
    ("why can't one neuron learn XOR", {6}),
    ("what does the bias do", {1}),
    ("how is the gradient of a weight computed", {8, 9}),
    ("what is a batch", {4}),
    ("why square the error", {7}),
    ("what is softmax for", {12}),
    ("what is the learning rate", {8, 10}),
    ("what does relu do", {1, 2}),
    ("what is a validation set", {10}),
    ("what shape is the weight matrix", {3, 4}),
]


def test_search_finds_the_right_lesson_first(course, capsys):
    rows, wrong = [], []
    for text, lessons in QUESTIONS:
        response = course.get("/api/search", params={"q": text})
        assert response.status_code == 200
        data = response.json()
        assert len(data["results"]) <= 3
        got = ([data["answer"]["lesson"]] if data["answer"] else []) + [
            r["lesson"] for r in data["results"]]
        rows.append(f"{text:45} want {'/'.join(map(str, sorted(lessons))):5} got {got}")
        if not got or got[0] not in lessons:
            wrong.append(text)
        if data["answer"]:
            assert data["answer"]["url"].startswith(f"/lessons/{data['answer']['slug']}#")
        else:
            first = data["results"][0]
            assert first["url"].startswith(f"/lessons/{first['slug']}#")
            assert "<mark>" in first["html"] + first["title_html"] + first["heading_html"]
    with capsys.disabled():
        print("\n" + "\n".join(rows))
    assert wrong == []


def test_search_answers_link_to_their_place_and_widget(course):
    data = course.get("/api/search", params={"q": "move the line of the AND gate"}).json()
    links = [data["answer"]["url"]] if data["answer"] else []
    links += [r["url"] for r in data["results"]]
    for link in links:
        page = course.get(link.split("#")[0]).text
        assert f'id="{link.split("#")[1]}"' in page  # the anchor exists on the page
    for result in data["results"]:
        if result["widget"]:
            page = course.get(result["widget"].split("#")[0]).text
            assert f'id="{result["widget"].split("#")[1]}"' in page


def test_search_escapes_and_bounds_its_input(course):
    only_asking = course.get("/api/search", params={"q": "what is"}).json()
    assert only_asking["results"] == [] and only_asking["answered"] is False
    assert course.get("/api/search", params={"q": ""}).status_code == 400
    assert course.get("/api/search", params={"q": "x" * 301}).status_code == 413
    found = highlight("<i>bias</i> & weights", {"bias"})
    assert found == "&lt;i&gt;<mark>bias</mark>&lt;/i&gt; &amp; weights"


# --------------------------------------------------------------------------- looks
def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_course_colours_meet_wcag_aa():
    css = (STATIC / "course.css").read_text()
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", css))
    pairs = [("ink", "paper"), ("ink", "panel"), ("ink", "code-bg"), ("muted", "paper"),
             ("muted", "panel"), ("link", "paper"), ("link", "panel"), ("ink", "mark"),
             ("right", "right-bg"), ("wrong", "wrong-bg"), ("wrong", "paper"),
             ("muted", "code-bg")]
    ratios = {f"{fg} on {bg}": round(contrast(colours[fg], colours[bg]), 2) for fg, bg in pairs}
    assert all(ratio >= 4.5 for ratio in ratios.values()), ratios
    assert contrast(colours["focus"], colours["paper"]) >= 3  # focus ring: non-text contrast


def test_the_policy_still_forbids_inline_script_and_style():
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "style-src 'self'" in CONTENT_SECURITY_POLICY
