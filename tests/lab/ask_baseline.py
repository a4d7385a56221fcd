"""The questions box as it was before it answered, kept to measure against
(tests/lab/ask_eval.py): the passages of the course that best match a question.

No generative model: the answer is the lessons' own words. Each passage (a paragraph
or a list under its heading, :class:`neuronlab.lab.course.render.Passage`) is indexed with
BM25 (``bm25s``) over English stems (``PyStemmer``), once per process, from the
filled lesson text (numbers included), together with its lesson's title, its heading
and, twice, the terms it puts in bold (a lesson bolds a term where it defines it).
A second BM25 index over each lesson's topics - its title, headings, bold terms and
the prompts of its recall questions, what the lesson sets out to teach - says which
lesson a question is about. A passage's score is its own score plus
``TOPIC_WEIGHT`` times its lesson's topic score, each scaled so the best is 1.

>>> highlight("The bias shifts z.", {"bias"})
'The <mark>bias</mark> shifts z.'
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

from neuronlab.lab.course.render import Passage
from neuronlab.learn.lessons import LESSONS, Lesson
from neuronlab.learn.quiz import questions_for

MAX_QUERY = 300  # characters of a question
RESULTS = 3
TOPIC_WEIGHT = 3.0  # how much "which lesson is this about" counts against the passage itself
#: Words that ask rather than say: "why can't one neuron learn XOR" is about neurons and XOR.
QUESTION_WORDS = (
    "what", "why", "how", "does", "do", "did", "doing", "can", "cannot", "can't", "t", "s",
    "which", "who", "when", "where", "should", "would", "could", "will", "we", "i", "you",
    "my", "me", "our", "its", "it's", "mean", "means", "happens", "there", "about", "one's",
    "way", "explain", "tell", "use", "used", "need", "get", "make",
)
STOPWORDS = sorted(set(STOPWORDS_EN) | set(QUESTION_WORDS))
WORD = re.compile(r"\w+", re.U)


@functools.cache
def stemmer() -> Any:
    return Stemmer.Stemmer("english")


def stems(text: str) -> list[str]:
    """The stems of ``text``'s words, stop words and question words left out."""
    words = [w.lower() for w in WORD.findall(text)]
    kept = [w for w in words if w not in STOPWORDS]
    return list(stemmer().stemWords(kept))


def highlight(text: str, wanted: set[str]) -> str:
    """``text``, HTML-escaped, with every word whose stem is in ``wanted`` in ``<mark>``."""
    out, at = [], 0
    for match in WORD.finditer(text):
        word = match.group(0)
        if word.lower() not in STOPWORDS and stemmer().stemWord(word.lower()) in wanted:
            out.append(html.escape(text[at:match.start()]))
            out.append(f"<mark>{html.escape(word)}</mark>")
            at = match.end()
    out.append(html.escape(text[at:]))
    return "".join(out)


@dataclass(frozen=True)
class Hit:
    lesson: Lesson
    passage: Passage


class BM25:
    """BM25 over documents given as lists of stems; scores scaled so the best is 1."""

    def __init__(self, documents: list[list[str]]) -> None:
        self.count = len(documents)
        self.model = bm25s.BM25()
        if documents:
            self.model.index(documents, show_progress=False)
        self.vocab = set(self.model.vocab_dict) if documents else set()

    def scores(self, wanted: list[str]) -> np.ndarray:
        known = [s for s in wanted if s in self.vocab]
        if not known:
            return np.zeros(self.count)
        found = np.asarray(self.model.get_scores(known), dtype=float)
        return found / found.max() if found.max() > 0 else found


class Index:
    """Every passage of ``lessons``, and each lesson's topics, ready to be asked."""

    def __init__(self, lessons: list[Lesson], passages: dict[int, list[Passage]]) -> None:
        self.hits = [Hit(lesson, p) for lesson in lessons for p in passages[lesson.number]]
        self.passages = BM25([
            stems(f"{hit.lesson.title}. {hit.passage.heading}. {hit.passage.text} "
                  f"{hit.passage.terms} {hit.passage.terms}") for hit in self.hits])
        self.lessons = BM25([
            stems(" ".join([lesson.title, lesson.title] + [
                f"{p.heading} {p.terms}" for p in passages[lesson.number]] + [
                q.prompt for q in questions_for(lesson.number)]))
            for lesson in lessons])
        self.lesson_row = {lesson.number: row for row, lesson in enumerate(lessons)}

    def search(self, query: str, k: int = RESULTS) -> list[tuple[Hit, float]]:
        wanted = stems(query)
        own = self.passages.scores(wanted)
        topic = self.lessons.scores(wanted)
        rows = np.array([self.lesson_row[hit.lesson.number] for hit in self.hits], dtype=int)
        scores = np.where(own > 0, own + TOPIC_WEIGHT * topic[rows], 0.0)
        order = np.argsort(-scores, kind="stable")[:k]
        return [(self.hits[i], float(scores[i])) for i in order if scores[i] > 0]


PassagesOf = Callable[[int], list[Passage]]  # lesson number -> its rendered passages


@functools.cache
def index(passages_of: PassagesOf) -> Index:
    """The index of the whole course, built on first use (once per process for each
    source of passages; the course pages hand in their renderer's)."""
    return Index(LESSONS, {lesson.number: passages_of(lesson.number) for lesson in LESSONS})


def ask(query: str, passages_of: PassagesOf) -> list[dict[str, Any]]:
    """The best passages for ``query``, as the page shows them."""
    wanted = set(stems(query))
    results = []
    for hit, score in index(passages_of).search(query):
        lesson, passage = hit.lesson, hit.passage
        base = f"/lessons/{lesson.slug}"
        results.append({
            "lesson": lesson.number, "slug": lesson.slug, "title": lesson.title,
            "heading": passage.heading, "score": round(score, 3),
            "url": f"{base}#{passage.anchor}",
            "widget": f"{base}#{passage.widget}" if passage.widget else None,
            "html": highlight(passage.text, wanted),
            "title_html": highlight(lesson.title, wanted),
            "heading_html": highlight(passage.heading, wanted),
        })
    return results
