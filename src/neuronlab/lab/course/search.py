""""Ask about the lessons": an answer from the course itself, or a plain "not answered".

No generative model: every answer is the lessons' own words. Each lesson carries the
questions learners ask, with one- or two-sentence answers, in ``questions`` blocks
right after the paragraph they rest on (:class:`neuronlab.learn.sources.QA`). This
module indexes, with BM25 (``bm25s``) over English stems (``PyStemmer``):

- every phrasing of every question (one document each), and
- every sentence of every lesson page (with its heading), as the page shows it.

Words are first brought to the course's own words (:mod:`.words`: phrases, synonyms,
stems), so that a learner's "derivative", "slope" and "gradient" meet the lesson's
word; a word the course never uses is matched to the closest one it does
("activasion") when they are nearly the same.

The best question wins when it is confident enough: the share of the question's words
(weighted by how rare they are in the course, their IDF) that the matched phrasing and
its answer contain, :func:`coverage`, must reach :data:`ANSWER_THRESHOLD`, and no
entry close behind it in score may say the question's words more closely
(:data:`NEAR_TIE`); both chosen by measurement on the question set in
``tests/lab/ask_questions.json`` (see ``tests/lab/ask_eval.py``). Otherwise the box
says the course does not answer this directly, offers the questions of the closest
entries ("did you mean ...?", never their answers) and lists the closest passages,
as passages.
"""

from __future__ import annotations

import difflib
import html
import json
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import bm25s
import numpy as np

from ...learn.lessons import LESSONS, Lesson
from ...learn.sources import QA
from .render import Passage
from .words import canonical, highlight, kind_of, stems

MAX_QUERY = 300  # characters of a question
RESULTS = 3  # closest passages listed
#: The least :func:`coverage` of a question by the matched entry for the box to answer.
#: Measured on tests/lab/ask_questions.json (tests/lab/ask_eval.py prints the table):
#: the questions the course cannot answer reach at most 0.46 (0 answered from 0.50
#: up); from 0.50 to 0.65 the right first answers fall from 84 to 80 of 92 while the
#: confident wrong ones fall from 5 to 0 (with the near-tie rule below), and above 0.65
#: right answers are lost with no wrong one left to remove.
ANSWER_THRESHOLD = 0.65
#: Two entries whose scores are closer than this are a near tie: the leader is given as
#: the answer only if it also says the question's words at least as closely as its
#: rival (:meth:`Index.overlap` of the best phrasing of each); when the rival says them
#: more closely, the lead came from words of the answer, not from what was asked, and
#: the box offers both instead ("what does compile do in keras" led by the entry on how
#: Keras differs, whose answer names compile and Keras, over "What does compile do?").
#: Measured on tests/lab/ask_questions.json: at 0.25 this removes one confident wrong
#: answer and turns one right answer into an offer; no other answer changes.
NEAR_TIE = 0.25
#: Between entries in a near tie whose phrasings have the same stems ("Which activation
#: should I use?" and "What is an activation?"), one asked in (almost) the very words of
#: the question wins: :meth:`Index.wording` at least this.
VERBATIM = 0.9
#: A question not answered gets the best entries (at most :data:`OFFERS`) that cover at
#: least this much of it offered as "did you mean" (their questions, never their
#: answers), best first.
OFFER_THRESHOLD = ANSWER_THRESHOLD / 2
OFFERS = 3  # entries offered at most
ANSWER_WEIGHT = 0.15  # an entry's answer words count this much against its phrasings
EXACT_WEIGHT = 2.0  # and a phrasing that says just what the question says this much
#: A lone sentence of the lessons (no question entry) is given as the answer only above
#: this. Measured: sentence answers added more wrong answers than right ones at every
#: threshold tried, so they are off; sentences rank the closest passages instead.
SENTENCE_THRESHOLD = math.inf


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


# --------------------------------------------------------------------------- the index
@dataclass(frozen=True)
class Sentence:
    lesson: Lesson
    passage: Passage
    number: int  # from 1, as in the page's id ``{anchor}-s{number}``
    text: str


@dataclass(frozen=True)
class Entry:
    lesson: Lesson
    qa: QA
    passage: Passage | None  # the paragraph just before its questions block


PassagesOf = Callable[[int], list[Passage]]  # lesson number -> its rendered passages
AnchorsOf = Callable[[int], list[str]]  # lesson number -> anchor before each questions block


class Index:
    """Every question phrasing and every sentence of ``lessons``, ready to be asked."""

    def __init__(self, lessons: list[Lesson], passages: dict[int, list[Passage]],
                 anchors: dict[int, list[str]], *, with_questions: bool = True) -> None:
        self.entries: list[Entry] = []
        if with_questions:
            for lesson in lessons:
                by_anchor = {p.anchor: p for p in passages[lesson.number]}
                after = anchors[lesson.number]
                for qa in lesson.answers:
                    anchor = after[qa.block] if qa.block < len(after) else ""
                    self.entries.append(Entry(lesson, qa, by_anchor.get(anchor)))
        self.asked = [(e, text) for e in self.entries for text in e.qa.asked]
        self.sentences = [Sentence(lesson, p, i, text) for lesson in lessons
                          for p in passages[lesson.number]
                          for i, text in enumerate(p.sentences, 1)]
        self.passages = [(lesson, p) for lesson in lessons for p in passages[lesson.number]]
        where = {id(p): row for row, (_, p) in enumerate(self.passages)}
        self.sentence_rows = [where[id(s.passage)] for s in self.sentences]
        asked_docs = [stems(text) for _, text in self.asked]
        self.asked_kinds = [kind_of(text) for _, text in self.asked]
        self.answer_docs = [set(stems(e.qa.answer)) for e in self.entries]
        sentence_docs = [stems(f"{s.passage.heading}. {s.text}") for s in self.sentences]
        passage_docs = [stems(f"{lesson.title}. {p.heading}. {p.text} {p.terms}")
                        for lesson, p in self.passages]
        self.asked_index = BM25(asked_docs)
        self.answer_index = BM25([sorted(d) for d in self.answer_docs] or [])
        self.sentence_index = BM25(sentence_docs)
        self.passage_index = BM25(passage_docs)
        self.asked_docs = [set(d) for d in asked_docs]
        #: each entry's words: all its phrasings and its answer
        self.entry_words = [set(self.answer_docs[i]) for i in range(len(self.entries))]
        row = {id(e): i for i, e in enumerate(self.entries)}
        self.asked_rows = [row[id(entry)] for entry, _ in self.asked]  # phrasing -> entry
        #: each entry's phrasings as the box reads them; entries that share one (the same
        #: question asked in two lessons) say the same thing
        self.said = [{" ".join(canonical(q)) for q in e.qa.asked} for e in self.entries]
        for k, i in enumerate(self.asked_rows):
            self.entry_words[i] |= self.asked_docs[k]
        self.sentence_docs = [set(d) for d in sentence_docs]
        # how rare each word is in the whole course (for coverage)
        everything = asked_docs + [sorted(d) for d in self.answer_docs] + passage_docs
        df: dict[str, int] = {}
        for doc in everything:
            for stem in set(doc):
                df[stem] = df.get(stem, 0) + 1
        total = len(everything)
        self.idf = {s: math.log(1 + total / n) for s, n in df.items()}
        self.unknown_idf = math.log(1 + total)
        self.fix_typos = True
        self.words = sorted({w for _, text in self.asked for w in canonical(text)} |
                            {w for e in self.entries for w in canonical(e.qa.answer)} |
                            {w for _, p in self.passages for w in canonical(p.text)})

    def weight(self, stem: str) -> float:
        return self.idf.get(stem, self.unknown_idf)

    def query(self, text: str) -> list[str]:
        """The stems of a question. A word the course never uses is first replaced by
        the closest word it does, when they are nearly the same (a typo:
        "activasion", "seperable"); it is kept as it is otherwise."""
        words = []
        for word in canonical(text):
            if self.fix_typos and word not in self.words and len(word) >= 6:
                close = difflib.get_close_matches(word, self.words, n=1, cutoff=0.85)
                word = close[0] if close else word
            words.append(word)
        return stems(" ".join(words))  # the phrases again, over the words as corrected

    def coverage(self, wanted: list[str], have: set[str]) -> float:
        """The IDF-weighted share of ``wanted`` (a question's stems) found in ``have``."""
        unique = set(wanted)
        total = sum(self.weight(s) for s in unique)
        return sum(self.weight(s) for s in unique if s in have) / total if total else 0.0

    def overlap(self, wanted: list[str], phrasing: set[str]) -> float:
        """How closely a question and a phrasing say the same words: the harmonic mean
        of the share of each found in the other (IDF-weighted)."""
        found = self.coverage(wanted, phrasing)
        said = self.coverage(sorted(phrasing), set(wanted))
        return 2 * found * said / (found + said) if found + said else 0.0

    def entry_scores(self, wanted: list[str], kind: str = "") -> tuple[np.ndarray, list[float]]:
        """Every question entry's score for ``wanted`` (0 for one that shares no word with
        it) and its :func:`coverage`; between phrasings that say the same words, one asked
        the same way (``kind``: why, how, what...) scores a little more."""
        asked = self.asked_index.scores(wanted)
        answers = self.answer_index.scores(wanted)
        best: dict[int, float] = {}
        exact: dict[int, float] = {}  # how closely the question says one of its phrasings
        for k, i in enumerate(self.asked_rows):
            best[i] = max(best.get(i, 0.0), asked[k])
            if asked[k] > 0:
                same_kind = 0.05 if kind and kind == self.asked_kinds[k] else 0.0
                exact[i] = max(exact.get(i, 0.0),
                               self.overlap(wanted, self.asked_docs[k]) + same_kind)
        covered = [self.coverage(wanted, self.entry_words[i]) for i in range(len(self.entries))]
        scores = np.array([best.get(i, 0.0) + ANSWER_WEIGHT * answers[i] + covered[i]
                           + EXACT_WEIGHT * exact.get(i, 0.0)
                           if best.get(i, 0.0) + answers[i] > 0 else 0.0
                           for i in range(len(self.entries))])
        return scores, covered

    def phrasing_match(self, wanted: list[str], entry: int) -> float:
        """How closely ``entry``'s best phrasing says the question's words."""
        return max((self.overlap(wanted, self.asked_docs[k])
                    for k, i in enumerate(self.asked_rows) if i == entry), default=0.0)

    def wording(self, query: str, entry: int) -> float:
        """How closely ``query`` is worded like ``entry``'s closest phrasing, every word
        counted, question words too ("which activation should I use" and "what is an
        activation" have the same stems)."""
        said = canonical(query)
        return max(difflib.SequenceMatcher(None, said, canonical(text)).ratio()
                   for text in self.entries[entry].qa.asked)

    def ranked(self, wanted: list[str], kind: str = "") -> list[tuple[int, float, float]]:
        """``(entry, score, coverage)`` of the entries that share a word with the question,
        best first, one for each distinct question (an entry asked in the same words as
        a better one is left out)."""
        if not self.asked:
            return []
        scores, covered = self.entry_scores(wanted, kind)
        out: list[tuple[int, float, float]] = []
        for i in np.argsort(-scores, kind="stable"):
            if scores[i] <= 0:
                break
            if not any(self.said[i] & self.said[j] for j, _, _ in out):
                out.append((int(i), float(scores[i]), covered[i]))
        return out

    def best_entry(self, wanted: list[str], kind: str = "") -> tuple[int, float, float]:
        """``(entry, score, coverage)`` of the best question entry (-1 if none)."""
        if not self.asked:
            return -1, 0.0, 0.0
        scores, covered = self.entry_scores(wanted, kind)
        if not len(scores) or scores.max() <= 0:
            return -1, 0.0, 0.0
        i = int(np.argmax(scores))
        return i, float(scores[i]), covered[i]

    def best_sentence(self, wanted: list[str]) -> tuple[int, float, float]:
        scores = self.sentence_index.scores(wanted)
        if not len(scores) or scores.max() <= 0:
            return -1, 0.0, 0.0
        i = int(np.argmax(scores))
        return i, float(scores[i]), self.coverage(wanted, self.sentence_docs[i])

    def closest(self, wanted: list[str], k: int = RESULTS) -> list[tuple[Lesson, Passage, float]]:
        """The passages that say most of ``wanted``: each scored by its best sentence
        and by its words as a whole."""
        scores = self.passage_index.scores(wanted)
        by_sentence = self.sentence_index.scores(wanted)
        best = np.zeros(len(self.passages))
        for row, sentence_row in enumerate(self.sentence_rows):
            best[sentence_row] = max(best[sentence_row], by_sentence[row])
        scores = (scores + best) / 2
        order = np.argsort(-scores, kind="stable")[:k]
        return [(*self.passages[i], float(scores[i])) for i in order if scores[i] > 0]


_BUILT: dict[tuple[PassagesOf, AnchorsOf], Index] = {}
_BUILDING = threading.Lock()


def index(passages_of: PassagesOf, anchors_of: AnchorsOf) -> Index:
    """The index of the whole course, built on first use (once per process for each
    source of passages; the course pages hand in their renderer's)."""
    key = (passages_of, anchors_of)
    with _BUILDING:
        if key not in _BUILT:
            _BUILT[key] = Index(
                LESSONS, {lesson.number: passages_of(lesson.number) for lesson in LESSONS},
                {lesson.number: anchors_of(lesson.number) for lesson in LESSONS})
        return _BUILT[key]


def warm(passages_of: PassagesOf, anchors_of: AnchorsOf) -> None:
    """Build the index in the background (it renders every lesson, which takes a few
    seconds), so that the first question is answered without that wait."""
    if (passages_of, anchors_of) not in _BUILT and not _BUILDING.locked():
        threading.Thread(target=index, args=(passages_of, anchors_of), daemon=True,
                         name="neuronlab-search-index").start()


# --------------------------------------------------------------------------- answers
@dataclass(frozen=True)
class Found:
    """What the box makes of a question: an answer (``entry`` or ``sentence``), or none,
    and the closest passages either way."""

    entry: Entry | None
    sentence: Sentence | None
    confidence: float
    closest: list[tuple[Lesson, Passage, float]]
    #: when not answered: the entries whose questions come closest ("did you mean"), best first
    offers: tuple[Entry, ...] = ()

    @property
    def answered(self) -> bool:
        return self.entry is not None or self.sentence is not None


def find(query: str, idx: Index, *, threshold: float = ANSWER_THRESHOLD,
         sentence_threshold: float = SENTENCE_THRESHOLD, near_tie: float = NEAR_TIE) -> Found:
    """The answer to ``query`` from ``idx``, if one fits well enough and no other entry
    disputes it (:data:`NEAR_TIE`); otherwise the closest entries are offered."""
    wanted = idx.query(query)
    closest = idx.closest(wanted)
    if not wanted:
        return Found(None, None, 0.0, [])
    ranked = idx.ranked(wanted, kind_of(query))
    e, e_score, e_cover = ranked[0] if ranked else (-1, 0.0, 0.0)
    near = [(other, cover) for other, score, cover in ranked[1:] if e_score - score < near_tie]
    match = idx.phrasing_match(wanted, e)
    disputed = any(idx.phrasing_match(wanted, other) > match + 1e-9 for other, _ in near)
    tied = [(other, cover) for other, cover in near
            if abs(idx.phrasing_match(wanted, other) - match) <= 1e-9]
    if tied and not disputed:  # the same stems: a question asked word for word decides
        worded, w_cover = max(tied, key=lambda t: idx.wording(query, t[0]))
        if idx.wording(query, worded) >= VERBATIM > idx.wording(query, e):
            e, e_cover = worded, w_cover
    if e >= 0 and e_cover >= threshold and not disputed:
        return Found(idx.entries[e], None, e_cover, closest)
    if sentence_threshold <= 1.0:
        s, _, s_cover = idx.best_sentence(wanted)
        if s >= 0 and s_cover >= sentence_threshold:
            return Found(None, idx.sentences[s], s_cover, closest)
    offers = tuple(idx.entries[i] for i, _, cover in ranked[:OFFERS] if cover >= OFFER_THRESHOLD)
    return Found(None, None, e_cover, closest, offers)


def _passage_json(lesson: Lesson, passage: Passage, wanted: set[str],
                  score: float | None = None) -> dict[str, Any]:
    base = f"/lessons/{lesson.slug}"
    out = {
        "lesson": lesson.number, "slug": lesson.slug, "title": lesson.title,
        "heading": passage.heading, "url": f"{base}#{passage.anchor}",
        "widget": f"{base}#{passage.widget}" if passage.widget else None,
        "html": highlight(passage.text, wanted),
        "title_html": highlight(lesson.title, wanted),
        "heading_html": highlight(passage.heading, wanted),
    }
    if score is not None:
        out["score"] = round(score, 3)
    return out


def _which_sentence(passage: Passage, answer: str) -> int:
    """The sentence of ``passage`` (from 1) that says most of ``answer``."""
    said = set(stems(answer))
    best, number = -1.0, 1
    for i, text in enumerate(passage.sentences, 1):
        mine = set(stems(text))
        overlap = len(said & mine) / math.sqrt(len(mine) + 1)
        if overlap > best:
            best, number = overlap, i
    return number


def _marked(passage: Passage, number: int) -> str:
    """The passage's sentences, escaped, the ``number``-th in ``<mark>``."""
    parts = [f"<mark>{html.escape(s)}</mark>" if i == number else html.escape(s)
             for i, s in enumerate(passage.sentences, 1)]
    return " ".join(parts) if parts else html.escape(passage.text)


def _show(lesson: Lesson, qa: QA) -> dict[str, Any] | None:
    """The "show me" of an answer: the lesson page, its widget of that kind opened with
    the answer's settings (read by ask.js from ``?show=KIND&with=JSON``)."""
    if qa.show is None or qa.show.kind not in {w.kind for w in lesson.widgets}:
        return None
    settings = json.dumps(qa.show.settings, separators=(",", ":"))
    return {"widget": qa.show.kind, "settings": qa.show.settings,
            "url": f"/lessons/{lesson.slug}?show={quote(qa.show.kind)}&with={quote(settings)}"
                   f"#widget-{qa.show.kind}"}


def answer_json(found: Found, query: str) -> dict[str, Any]:
    """What ``GET /api/search`` returns for ``found``."""
    wanted = set(stems(query))
    passages = [_passage_json(lesson, p, wanted, score) for lesson, p, score in found.closest]
    out: dict[str, Any] = {"query": query, "answered": found.answered,
                           "confidence": round(found.confidence, 3), "answer": None,
                           "results": passages}
    if found.entry is not None:
        entry = found.entry
        lesson, passage = entry.lesson, entry.passage
        answer: dict[str, Any] = {
            "kind": "question", "text": entry.qa.answer, "asked": entry.qa.asked[0],
            "lesson": lesson.number, "slug": lesson.slug, "title": lesson.title,
            "show": _show(lesson, entry.qa)}
        if passage is not None:
            number = _which_sentence(passage, entry.qa.answer)
            answer.update(heading=passage.heading, sentence=passage.sentences[number - 1]
                          if passage.sentences else passage.text,
                          url=f"/lessons/{lesson.slug}#{passage.anchor}-s{number}",
                          passage_url=f"/lessons/{lesson.slug}#{passage.anchor}",
                          passage_html=_marked(passage, number))
        out["answer"] = answer
    elif found.sentence is not None:
        s = found.sentence
        out["answer"] = {
            "kind": "sentence", "text": s.text, "asked": None, "lesson": s.lesson.number,
            "slug": s.lesson.slug, "title": s.lesson.title, "show": None,
            "heading": s.passage.heading, "sentence": s.text,
            "url": f"/lessons/{s.lesson.slug}#{s.passage.anchor}-s{s.number}",
            "passage_url": f"/lessons/{s.lesson.slug}#{s.passage.anchor}",
            "passage_html": _marked(s.passage, s.number)}
    out["offers"] = [_offer_json(entry) for entry in found.offers]
    if out["answer"]:  # the passage the answer comes from is not listed twice
        out["results"] = [p for p in passages
                          if p["url"] != out["answer"].get("passage_url")][:RESULTS - 1]
    elif out["offers"]:
        out["message"] = ("The course does not answer this directly. Did you mean one of "
                          "these questions?")
    else:
        out["message"] = ("The course does not answer this directly." +
                          (" The closest passages:" if passages else
                           " No passage of the lessons matches those words."))
    return out


def _offer_json(entry: Entry) -> dict[str, Any]:
    """An entry offered as "did you mean": its question and where it is, not its answer."""
    lesson = entry.lesson
    where = f"#{entry.passage.anchor}" if entry.passage is not None else ""
    return {"asked": entry.qa.asked[0], "lesson": lesson.number, "slug": lesson.slug,
            "title": lesson.title, "url": f"/lessons/{lesson.slug}{where}"}


def ask(query: str, passages_of: PassagesOf, anchors_of: AnchorsOf) -> dict[str, Any]:
    """The answer to ``query`` (or "not answered") and the closest passages, as the page
    shows them."""
    return answer_json(find(query, index(passages_of, anchors_of)), query)
