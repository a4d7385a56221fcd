"""The course in the lab: the index at ``/``, one page per lesson, recall and search.

Every lesson page is rendered on the server from its Markdown file
(:mod:`neuronlab.lab.course.render`), so it reads without JavaScript; ``/static/lesson.js``
adds the live parts: the widgets mount into their ``<section data-widget>``, the
recall forms ask ``POST /api/recall``, the search box asks ``GET /api/search``.
Every number on a page comes from the library: the words' ``{{ }}`` placeholders are
filled from the lesson's own code, and each worked example is run once per process
and shown with what it printed.

The learner's progress is read from the workspace the lab was started with
(``neuronlab lab --workspace DIR``): recall results in ``neuronlab-recall.json``,
solved exercises from the ``neuronlab learn`` progress file when there is one.
"""

from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ...learn.catalog import EXERCISES
from ...learn.lessons import LESSONS, Lesson, lesson_namespace, remember_answers, run_example
from ...learn.quiz import Question
from ...learn.sources import fill_numbers
from ..server.api import endpoint, read_json
from ..server.schema import BadRequest
from . import cache, figures, recall, search
from .render import Passage, Rendered, render_markdown

#: Where each widget's full explorer lives (``/explore`` keeps its state in the hash).
EXPLORERS = {
    "neuron": ("/explore#view=neuron", "the neuron explorer"),
    "activation": ("/explore#view=neuron", "the neuron explorer"),
    "layer": ("/explore#view=layer", "the layer explorer"),
    "batch": ("/explore#view=batch", "the batch explorer"),
    "gate": ("/explore#view=playground&pd=and", "the playground (AND)"),
    "xor": ("/explore#view=playground&pd=xor", "the playground (XOR)"),
    "mse": ("/explore#view=playground&pd=xor", "the playground (XOR)"),
    "backprop-stepper": ("/explore#view=playground&pd=xor", "the playground (XOR)"),
    "puzzle": ("/explore#view=playground", "the playground"),
    "softmax": ("/explore#view=playground&pd=blobs", "the playground (blobs)"),
    "playground": ("/explore#view=playground&pd=xor", "the playground (XOR)"),
    "training": ("/explore#view=playground&pd=xor4", "the playground (XOR, 4 rows)"),
    "kernel": ("/widgets", "the widget gallery"),
    "confusion": ("/widgets", "the widget gallery"),
    "convnet": ("/widgets", "the widget gallery"),
    "draw": ("/widgets", "the widget gallery"),
}
DEFAULT_EXPLORER = ("/explore", "the explorers")
WIDGET_TITLES = {
    "neuron": "The neuron, live", "activation": "Activation curves", "layer": "A layer, live",
    "batch": "A batch, live", "gate": "A gate and its boundary", "xor": "XOR, live",
    "mse": "Mean squared error", "backprop-stepper": "Backpropagation, step by step",
    "puzzle": "The number puzzle, trained step by step", "softmax": "Softmax, live",
    "playground": "This network in the playground",
    "training": "A network, trained live",
    "kernel": "One kernel, sliding", "confusion": "What the MLP gets wrong",
    "convnet": "A conv net, trained live", "draw": "Draw a digit",
}
NO_MODEL = ("Answers are the lessons' own words, found by matching your words on your "
            "machine - no generative model, nothing leaves this computer.")

e = html.escape


def lesson_by_slug(slug: str) -> Lesson | None:
    return next((lesson for lesson in LESSONS if lesson.slug == slug), None)


# --------------------------------------------------------------------------- rendering
def _code(code: str, attrs: str = "", caption: str = "") -> str:
    head = f"<figcaption>{caption}</figcaption>" if caption else ""
    return (f"<figure class=\"code\"{attrs}>{head}<pre><code class=\"language-python\">"
            f"{e(code.rstrip())}</code></pre></figure>")


def introduced(markdown: str, name: str) -> bool:
    """Whether the lesson's own words introduce exercise ``name``: the section that holds
    its code block has a heading that starts with "Exercise"."""
    at = re.search(rf"^```python exercise {re.escape(name)}\b", markdown, re.M)
    if at is None:
        return False
    headings = re.findall(r"^#{1,6}\s+(.*)$", markdown[:at.start()], re.M)
    return bool(headings) and headings[-1].strip().lower().startswith("exercise")


def _exercise(name: str, code: str, introduced: bool = False) -> str:
    """An exercise's code. Its title and task are shown once: by the lesson's own
    "Exercise" section when it has one, else here, from the catalog."""
    found = EXERCISES.get(name)
    head = ""
    if not introduced:
        title = e(found.title) if found else e(name)
        task = f"<p>{e(found.task)}</p>" if found else ""
        head = f"<strong>Exercise: {title}</strong>{task}"
    return (f'<figure class="code exercise" data-exercise="{e(name)}">'
            f"<figcaption>{head}<p>Your answer goes in the code below. Replace the "
            "<code>TODO</code> and the <code>raise</code> line with your code.</p>"
            f'<p class="terminal-note">In the terminal: <code>neuronlab learn check '
            f"{e(name)}</code> checks the same exercise.</p></figcaption>"
            f'<pre><code class="language-python">{e(code.rstrip())}</code></pre></figure>')


def _widget(lesson: Lesson, widget: Any, wid: str) -> str:
    href, name = EXPLORERS.get(widget.kind, DEFAULT_EXPLORER)
    title = WIDGET_TITLES.get(widget.kind, widget.kind.replace("-", " ").capitalize())
    settings = e(json.dumps(widget.settings, separators=(",", ":")), quote=True)
    return (f'<section class="widget" id="{wid}" data-widget="{e(widget.kind)}" '
            f"data-settings='{settings}' aria-labelledby=\"{wid}-h\">"
            f'<h2 id="{wid}-h" class="widget-title">{e(title)}</h2>'
            '<div class="widget-body" data-widget-body>'
            '<p class="widget-fallback">The live view appears here when the page\'s '
            "scripts run.</p></div>"
            '<p class="widget-links"><button type="button" class="widget-reset" data-reset>'
            "Reset to the lesson's numbers</button> "
            f'<a href="{e(href)}" data-explorer>Open {e(name)}</a></p>'
            "</section>")


def question_form(key: str, question: Question, learner: str = "",
                  review: bool = False) -> str:
    """One recall question: its prompt, an answer box (or lettered options), a hint to
    open first, and Check (graded kinds) or Reveal (free text, then a self-rating)."""
    prefix = "review-" if review else ""
    qid = f"{prefix}q-{key}"
    kind = recall.kind_of(question)
    options = recall.choices(question, learner)
    if options:
        radios = "".join(
            f'<label class="option"><input type="radio" name="answer" value="{label}"> '
            f'<span class="letter">{label}</span> <span>{e(text)}</span></label>'
            for label, text in options)
        field = (f'<fieldset class="options"><legend id="{qid}-p">{e(question.prompt)}'
                 f"</legend>{radios}</fieldset>")
    else:
        what = {"words": "Your answer (optional - it is only for you to compare; "
                         "nothing grades it)",
                "number": "Your answer (a number)",
                "formula": "Your answer (a formula in "
                           f"{', '.join(getattr(question, 'variables', ()))}; "
                           "e.g. 2*x + 1, x^2, exp(-x))"}[kind]
        tag = ("textarea" if kind == "words" else "input")
        box = (f'<textarea id="{qid}" name="answer" rows="2" maxlength="{recall.MAX_ANSWER}" '
               f'aria-describedby="{qid}-p"></textarea>' if tag == "textarea" else
               f'<input type="text" id="{qid}" name="answer" autocomplete="off" '
               f'spellcheck="false" maxlength="{recall.MAX_ANSWER}" '
               f'aria-describedby="{qid}-p">')
        field = (f'<p class="prompt" id="{qid}-p">{e(question.prompt)}</p>'
                 f'<label for="{qid}">{e(what)}</label>{box}')
    hint = (f'<details class="hint"><summary>Hint</summary><p>{e(question.hint)}</p></details>'
            if question.hint else "")
    if kind == "words":
        buttons = '<button type="submit">Reveal the answer</button>'
        rate = ('<div class="rate" hidden><p class="rate-q">Compare, then rate yourself - '
                "your rating decides when this question comes back:</p>"
                + "".join(f'<button type="button" data-rating="{r}">{r.capitalize()}</button>'
                          for r in recall.RATINGS)
                + '<p class="rated" aria-live="polite"></p></div>')
    else:
        buttons = ('<button type="submit">Check</button>'
                   + ("" if kind == "choice" else
                      ' <button type="button" class="reveal">Reveal the answer</button>'))
        rate = ""
    origin = (f'<p class="from">From lesson {question.lesson}</p>' if review else "")
    return (f'<form class="question" data-question="{e(key)}" data-kind="{kind}" '
            f'id="{qid}-form">{origin}{field}{hint}<p class="actions">{buttons}</p>'
            f'<div class="verdict" aria-live="polite" hidden></div>{rate}</form>')


RECALL_INTRO = ("Close your eyes and answer from memory first - in the box or just in your "
                "head. Open the hint if you need it, then reveal the answer and rate "
                "yourself: your rating decides when the question comes back. Numbers "
                "(to the decimals a question asks), formulas and multiple choice are "
                "checked by the tool.")


def review_html(due: list[tuple[str, Question]], learner: str) -> str:
    """The questions of earlier lessons due again, folded, after this lesson's own."""
    if not due:
        return ""
    count = f"{len(due)} question{'s' if len(due) > 1 else ''}"
    return ('<details class="review" id="review"><summary>Review: '
            f"{count} from earlier lessons</summary>"
            "<p>They come back now because of how you rated them last time.</p>"
            + "".join(question_form(key, q, learner, review=True) for key, q in due)
            + "</details>")


def recall_html(lesson: Lesson, learner: str = "", review: str = "") -> str:
    """The lesson's recall section: one heading, its questions, then the folded review."""
    questions = recall.lesson_questions(lesson.number)
    if not questions and not review:
        return ""
    forms = "".join(question_form(key, q, learner) for key, q in questions)
    return ('<section class="recall" id="recall" aria-labelledby="recall-h">'
            '<h2 id="recall-h">Close your eyes and recall</h2>'
            f"<p>{e(RECALL_INTRO)}</p>{forms}{review}</section>")


def _fence(lesson: Lesson, info: str, code: str, cells: list[int]) -> str:
    words = info.split()
    if words[:1] == ["diagram"] and len(words) > 1:  # a figure drawn from its words
        return figures.diagram(words[1], code)
    if words[:1] != ["python"]:
        return f"<pre><code>{e(code.rstrip())}</code></pre>"
    role = words[1] if len(words) > 1 else "cell"
    if role == "numbers":
        return ""
    if role == "example":
        output = run_example(lesson)  # as a learner running it alone gets it
        return (f'<figure class="code example" data-example="{lesson.number}">'
                "<figcaption>The worked example, run by the library on your machine:"
                f'</figcaption><pre><code class="language-python">{e(code.rstrip())}'
                '</code></pre><p class="output-label">It prints:</p>'
                f'<pre class="output"><samp>{e(output.rstrip())}</samp></pre></figure>')
    if role == "exercise":
        name = words[2] if len(words) > 2 else ""
        return _exercise(name, code, introduced(lesson.markdown, name))
    cells.append(len(cells) + 1)
    return _code(code, f' data-cell="{cells[-1]}"', "Try it: a cell to edit and run")


@functools.cache
def rendered(number: int) -> Rendered:
    """A lesson's body, rendered once per machine (kept on disk: :mod:`.cache`) and read
    once per process."""
    lesson = next(lesson for lesson in LESSONS if lesson.number == number)
    result = cache.rendered(lesson, lambda: render_lesson(lesson))
    remember_answers(lesson, result.answers)  # the search's answers need no second run
    return result


def render_lesson(lesson: Lesson) -> Rendered:
    """A lesson's body, rendered now: its code runs (numbers and worked example once for
    the words and answers, and the example once more on its own for the output shown)."""
    cells: list[int] = []
    namespace = functools.cache(lambda: lesson_namespace(lesson))

    def block(kind: str, data: dict[str, Any]) -> str:
        if kind == "fence":
            return _fence(lesson, data["info"], data["code"], cells)
        if kind == "widget":
            return _widget(lesson, data["widget"], data["id"])
        return "NLRECALL"  # filled per request: the form is the same, the page is not

    result = render_markdown(lesson.markdown, block=block, namespace=namespace,
                             where=f"lesson {lesson.number}")
    result.answers = [fill_numbers(qa.answer, namespace(), f"lesson {lesson.number} questions")
                      if "{{" in qa.answer else qa.answer for qa in lesson.questions]
    return result


def passages_of(number: int) -> list[Passage]:
    """The passages of a lesson's rendered page, which the search ranks."""
    return rendered(number).passages


def questions_after(number: int) -> list[str]:
    """For each ``questions`` block of a lesson, the anchor of the passage before it."""
    return rendered(number).questions_after


def summary(lesson: Lesson) -> str:
    """The lesson's line in the index: ``summary:`` from its front matter, else its
    first sentence."""
    given = _front_matter(lesson).get("summary")
    if given:
        return given
    for passage in rendered(lesson.number).passages:
        text = re.sub(r"\s+", " ", passage.text).strip()
        if text:
            match = re.match(r"(.+?[.!?])(\s|$)", text)
            return match.group(1) if match else text
    return ""


@functools.cache
def _front_matter_of(number: int) -> dict[str, str]:
    from ...learn.sources import lesson_files, parse_lesson

    for name, text in lesson_files():
        parsed = parse_lesson(text, name)
        if name.startswith(f"{number:02d}-"):
            return parsed.meta
    return {}


def _front_matter(lesson: Lesson) -> dict[str, str]:
    return _front_matter_of(lesson.number)


# --------------------------------------------------------------------------- page frame
_ROOTED = re.compile(r'(\s(?:href|src|action)=")/(?!/)')


def relative_links(html: str, path: str) -> str:
    """Every ``href``, ``src`` and ``action`` of ``html`` that starts at ``/`` made
    relative to the page at ``path``, so the pages work under any prefix (behind
    JupyterHub the lab is at ``/user/<name>/neuronlab/`` and sees only the rest).

    >>> relative_links('<a href="/lessons/x">', "/lessons/y")
    '<a href="../lessons/x">'
    >>> relative_links('<a href="/">, <a href="#main">, <a href="//x">', "/")
    '<a href="./">, <a href="#main">, <a href="//x">'
    """
    root = "../" * (path.count("/") - 1) or "./"
    return _ROOTED.sub(lambda m: m.group(1) + root, html)


def page(request: Request, title: str, main: str, *, pager: str = "",
         active: str = "") -> HTMLResponse:
    workspace = workspace_of(request)
    nav = [("/", "Course"), ("/explore", "Explorers"),
           ("/explore#view=playground", "Playground")]
    links = "".join(f'<a href="{href}"{" aria-current=page" if label == active else ""}>'
                    f"{label}</a>" for href, label in nav)
    text = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} - neuronlab</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/course.css">
<link rel="stylesheet" href="/static/widgets.css">
<script type="module" src="/static/lesson.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<header class="site">
<p class="brand"><a href="/">neuronlab <span>course</span></a></p>
<nav aria-label="The lab">{links}</nav>
<form class="ask" role="search" id="ask" action="/" aria-describedby="ask-note">
<label for="ask-q">Ask about the lessons</label>
<span class="ask-row"><input type="search" id="ask-q" name="q" maxlength="{search.MAX_QUERY}"
autocomplete="off" placeholder="e.g. what does the bias do?">
<button type="submit">Ask</button></span>
<p class="note" id="ask-note">{e(NO_MODEL)}</p>
<div class="ask-results" id="ask-results" aria-live="polite"></div>
</form>
</header>
<main id="main" tabindex="-1">
{main}
</main>
{pager}
<footer><p>Your progress is kept in the workspace <code>{e(str(workspace))}</code>
(<code>neuronlab lab --workspace DIR</code> chooses another). Every number on these pages
is computed by the neuronlab library on your machine.</p></footer>
</body>
</html>
"""
    return HTMLResponse(relative_links(text, request.url.path),
                        headers={"Cache-Control": "no-store"})


def workspace_of(request: Request) -> Path:
    found = getattr(request.app.state, "workspace", None)
    return Path(found) if found is not None else recall.default_workspace()


def _progress_line(store: recall.RecallStore, solved: set[str] | None, lesson: Lesson) -> str:
    right, tried, total = store.score(lesson.number)
    parts = []
    if total:
        parts.append(f"recall: {right} of {total} got it" if tried else
                     f"recall: {total} questions")
    exercises = lesson.exercises
    if exercises and solved is not None:
        done = sum(1 for ex in exercises if ex.name in solved)
        parts.append(f"exercises {done} of {len(exercises)} solved")
    elif exercises:
        parts.append(f"{len(exercises)} exercise{'s' if len(exercises) > 1 else ''}")
    return " · ".join(parts)


# --------------------------------------------------------------------------- routes
async def index(request: Request) -> Response:
    """``/``: the course, lesson by lesson, with the learner's progress."""
    root = workspace_of(request)
    store = recall.RecallStore(root)
    solved = recall.solved_exercises(root)
    items = []
    for lesson in LESSONS:
        progress = _progress_line(store, solved, lesson)
        items.append(
            f'<li class="lesson-item"><span class="num">{lesson.number}.</span> '
            f'<a href="/lessons/{e(lesson.slug)}">{e(lesson.title)}</a>'
            f'<p class="summary">{e(summary(lesson))}</p>'
            + (f'<p class="progress">{e(progress)}</p>' if progress else "") + "</li>")
    warnings = "".join(f'<p class="warning" role="status">{e(w)}</p>' for w in store.warnings)
    first = LESSONS[0]
    main = (
        "<h1>Neural networks from one neuron up</h1>"
        "<p class=\"lead\">A course in small lessons: each has the idea in words, a live "
        "widget set to the lesson's numbers, the code, exercises and recall questions. "
        f'Start with <a href="/lessons/{e(first.slug)}">lesson 1, {e(first.title)}</a>.</p>'
        f"{warnings}"
        f'<ol class="lessons" aria-label="Lessons">{"".join(items)}</ol>'
        '<p>The explorers and the playground are also open on their own: '
        '<a href="/explore">neuron, layer, batch</a> and '
        '<a href="/explore#view=playground">the playground</a>.</p>')
    return page(request, "The course", main, active="Course")


async def lesson_page(request: Request) -> Response:
    """``/lessons/<slug>``: one lesson, rendered on the server."""
    slug = request.path_params["slug"]
    lesson = lesson_by_slug(slug)
    if lesson is None:
        known = ", ".join(x.slug for x in LESSONS)
        return HTMLResponse(f"<!doctype html><title>No such lesson</title><p>No lesson "
                            f"{e(slug[:60])!s} here. The lessons are: {e(known)}. "
                            '<a href="../">Back to the course</a></p>', status_code=404)
    body = rendered(lesson.number)
    search.warm(passages_of, questions_after)  # the questions box answers without a wait
    store = recall.RecallStore(workspace_of(request))
    learner = store.learner()
    due = store.due(lesson.number)
    recall_part = recall_html(lesson, learner, review_html(due, learner))
    content = (body.body.replace("NLRECALL", recall_part) if body.has_recall
               else body.body + recall_part)
    index = LESSONS.index(lesson)
    before = LESSONS[index - 1] if index > 0 else None
    after = LESSONS[index + 1] if index + 1 < len(LESSONS) else None
    pager = ['<nav class="pager" aria-label="Lessons">']
    pager.append(f'<a rel="prev" href="/lessons/{e(before.slug)}">← {before.number}. '
                 f"{e(before.title)}</a>" if before else '<a href="/">← The course</a>')
    pager.append(f'<a rel="next" href="/lessons/{e(after.slug)}">{after.number}. '
                 f"{e(after.title)} →</a>" if after else '<a href="/">The course →</a>')
    pager.append("</nav>")
    progress = _progress_line(store, recall.solved_exercises(workspace_of(request)), lesson)
    main = (f'<article class="lesson" data-lesson="{lesson.number}">'
            f'<p class="kicker">Lesson {lesson.number} of {len(LESSONS)}'
            + (f" · {e(progress)}" if progress else "")
            + (f' · <a href="#review">{len(due)} to review</a>' if due else "") + "</p>"
            f"<h1>{e(lesson.title)}</h1>"
            + "".join(f'<p class="warning" role="status">{e(w)}</p>' for w in store.warnings)
            + f"{content}</article>")
    return page(request, f"{lesson.number}. {lesson.title}", main, pager="".join(pager))


@endpoint
async def check_recall(request: Request) -> dict[str, Any]:
    """``POST /api/recall``, one of:

    * ``{"question": id, "answer": text, "misses": n, "page": lesson}``: a number, formula
      or choice question graded exactly (``misses``: wrong tries before this one);
    * ``{"question": id, "reveal": true, "page": lesson}``: the model answer;
    * ``{"question": id, "rating": "got it" | "partly" | "not yet", "page": lesson}``: the
      learner's own rating of a free-text answer.

    A grade or a rating is saved, and the answer says when the question comes back.
    """
    data = await read_json(request)
    store = recall.RecallStore(workspace_of(request))
    question = recall.find_question(data.get("question"))
    page_lesson = recall.page_of(data.get("page"), question)
    if "rating" in data:
        if question.graded:
            raise BadRequest("This question is checked by the tool; send 'answer', not 'rating'.")
        result: dict[str, Any] = {"question": data["question"],
                                  "rating": recall.rating(data["rating"])}
    elif "reveal" in data:
        if data["reveal"] is not True:
            raise BadRequest(f"'reveal' must be true, got {str(data['reveal'])[:20]!r}.")
        result = recall.reveal(data["question"], store.learner())
        if not question.graded:
            return result  # the learner rates it next
        result["rating"] = "not yet"  # revealed before it was answered right
    else:
        _, result = recall.check(data.get("question"), data.get("answer"), store.learner(),
                                 data.get("misses", 0))
    try:
        entry = store.rate(question.key, result["rating"], page_lesson)
    except OSError as exc:
        raise BadRequest(f"Your answer was taken but could not be saved in "
                         f"{store.path}: {exc.strerror or exc}. Start the lab with "
                         "`--workspace DIR` on a folder you can write to.", 507) from None
    result["back"] = recall.when_back(entry, len(LESSONS))
    result["warnings"] = store.warnings
    return result


@endpoint
async def ask(request: Request) -> dict[str, Any]:
    """``GET /api/search?q=...``: the course's answer to a question (one or two sentences
    from the lesson's own questions, with the passage it rests on), or a plain "the
    course does not answer this directly"; and the closest passages."""
    query = request.query_params.get("q", "")
    if len(query) > search.MAX_QUERY:
        raise BadRequest(f"The question is {len(query)} characters long; keep it under "
                         f"{search.MAX_QUERY}.", 413)
    if "\ufffd" in query or any(ord(c) < 32 and c not in "\t\n\r" for c in query):
        raise BadRequest("The question must be plain text (words, numbers, punctuation); "
                         "it holds bytes that are not text or control characters.")
    if not query.strip():
        raise BadRequest("Type a question first, for example: what does the bias do? "
                         "(the q parameter was empty)")
    return {**search.ask(query, passages_of, questions_after), "note": NO_MODEL}
