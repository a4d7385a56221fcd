"""Measure the lab's questions box on the question set in ask_questions.json.

    python tests/lab/ask_eval.py            # the table of set-ups and thresholds
    python tests/lab/ask_eval.py --misses   # also each question not answered right

For each set-up: the share of the answerable questions whose first answer is right,
how many answerable questions get a confident answer that is wrong, and how many of
the questions the course cannot answer get a confident answer (must be 0); for the
lab's set-up also how many of the questions it does not answer get the right entry
among the questions it offers ("did you mean"). The table compares set-ups on the
first set; the held-out questions (written after the rules were chosen) are measured
apart, then the whole set. An answer is right when it is a questions entry the set
names for that question, or a sentence of the passage such an entry rests on. For
the passage list the box used to give, the "first answer" is its first passage, and
every question gets one (there was no "not answered").
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neuronlab.lab.course import pages as course
from neuronlab.lab.course import search, words
from neuronlab.learn.lessons import LESSONS

QUESTIONS = json.loads((Path(__file__).with_name("ask_questions.json")).read_text("utf-8"))
#: the question sets: (answerable, unanswerable)
FIRST = (QUESTIONS["answerable"], QUESTIONS["unanswerable"])
HELD_OUT = (QUESTIONS["answerable_held_out"], QUESTIONS["unanswerable_held_out"])
WHOLE = (FIRST[0] + HELD_OUT[0], FIRST[1] + HELD_OUT[1])


@dataclass
class Score:
    name: str
    right: int
    wrong_confident: int
    unanswered: int
    confident_unanswerable: int
    total: int
    total_unanswerable: int
    offered: int = 0  # not answered, but the right entry is among those offered
    misses: tuple[str, ...] = ()

    @property
    def share(self) -> float:
        return self.right / self.total

    def row(self) -> str:
        return (f"{self.name:58} {self.right:3}/{self.total} = {self.share:6.1%}   "
                f"wrong {self.wrong_confident:2}   not answered {self.unanswered:2}   "
                f"unanswerable answered {self.confident_unanswerable}/{self.total_unanswerable}"
                + (f"   right one offered {self.offered}/{self.unanswered}"
                   if self.unanswered and self.offered else ""))


def expected_passages(item: dict[str, Any]) -> set[tuple[int, str]]:
    """(lesson, anchor) of the passages the expected entries rest on."""
    lesson = next(x for x in LESSONS if x.number == item["lesson"])
    after = course.questions_after(lesson.number)
    return {(lesson.number, after[qa.block]) for qa in lesson.questions
            if qa.asked[0] in item["expect"] and qa.block < len(after)}


def _said(text: str) -> str:
    return " ".join(words.canonical(text))


def expected_phrasings(item: dict[str, Any]) -> set[str]:
    lesson = next(x for x in LESSONS if x.number == item["lesson"])
    return {_said(q) for qa in lesson.questions if qa.asked[0] in item["expect"]
            for q in qa.asked}


def is_right_entry(entry: search.Entry, item: dict[str, Any]) -> bool:
    """The entry the set names, or another lesson's entry asked in the same words."""
    if entry.lesson.number == item["lesson"]:
        return entry.qa.asked[0] in item["expect"]
    return bool({_said(q) for q in entry.qa.asked} & expected_phrasings(item))


def is_right(found: search.Found, item: dict[str, Any]) -> bool:
    if found.entry is not None:
        return is_right_entry(found.entry, item)
    if found.sentence is not None:
        s = found.sentence
        return (s.lesson.number, s.passage.anchor) in expected_passages(item)
    return False


@contextlib.contextmanager
def without_synonyms() -> Iterator[None]:
    phrases, synonyms = words.PHRASES, words.SYNONYMS
    words.PHRASES, words.SYNONYMS = [], {}
    try:
        yield
    finally:
        words.PHRASES, words.SYNONYMS = phrases, synonyms


def build(with_questions: bool = True) -> search.Index:
    return search.Index(LESSONS, {x.number: course.passages_of(x.number) for x in LESSONS},
                        {x.number: course.questions_after(x.number) for x in LESSONS},
                        with_questions=with_questions)


def measure(name: str, index: search.Index, threshold: float, sentence_threshold: float,
            typos: bool = True, near_tie: float = search.NEAR_TIE,
            questions: tuple[list[Any], list[str]] = FIRST) -> Score:
    if not typos:
        index.fix_typos = False
    answerable, unanswerable = questions
    right = wrong = unanswered = offered = 0
    misses = []
    for item in answerable:
        found = search.find(item["q"], index, threshold=threshold,
                            sentence_threshold=sentence_threshold, near_tie=near_tie)
        if not found.answered:
            unanswered += 1
            offered += any(is_right_entry(e, item) for e in found.offers)
            misses.append(f"not answered {item['q']!r}, offered "
                          f"{[e.qa.asked[0] for e in found.offers]}")
        elif is_right(found, item):
            right += 1
        else:
            wrong += 1
            said = found.entry.qa.asked[0] if found.entry else found.sentence
            misses.append(f"WRONG {item['q']!r} answered as {said!r}")
    confident = 0
    for q in unanswerable:
        found = search.find(q, index, threshold=threshold,
                            sentence_threshold=sentence_threshold, near_tie=near_tie)
        confident += found.answered
        if found.answered:
            misses.append(f"UNANSWERABLE ANSWERED {q!r}")
    return Score(name, right, wrong, unanswered, confident, len(answerable),
                 len(unanswerable), offered, tuple(misses))


def measure_passages() -> Score:
    """The box as it was (ask_baseline.py, its code before it answered): BM25 over
    paragraph passages with a lesson-topic boost, no synonyms; its first passage is its
    answer, and it gives one to every question that shares a word with the course."""
    import ask_baseline

    right = 0
    for item in FIRST[0]:
        results = ask_baseline.ask(item["q"], course.passages_of)
        if results:
            anchor = results[0]["url"].split("#")[1]
            right += (results[0]["lesson"], anchor) in expected_passages(item)
    confident = sum(bool(ask_baseline.ask(q, course.passages_of)) for q in FIRST[1])
    total = len(FIRST[0])
    return Score("passages, BM25 + lesson topics (the box before)", right, total - right, 0,
                 confident, total, len(FIRST[1]))


SETUPS = ["passages", "plain", "plain+thresholds", "synonyms", "sentences",
          "synonyms+sentences", "chosen"]


def table() -> list[Score]:
    """Every set-up compared; the last row is the one the lab uses."""
    rows = [measure_passages()]
    with without_synonyms():
        plain = build()
        rows.append(measure("questions+sentences, no synonyms, no threshold", plain, 0.0, 0.0,
                            typos=False))
        rows.append(measure("questions, no synonyms, chosen threshold", plain,
                            search.ANSWER_THRESHOLD, math.inf, typos=False))
    full = build()
    rows.append(measure("questions+sentences+synonyms+typos, no threshold", full, 0.0, 0.0))
    rows.append(measure("sentences only +synonyms+typos, threshold 0.9", build(False),
                        search.ANSWER_THRESHOLD, 0.9))
    rows.append(measure("questions+sentences (0.9) +synonyms+typos, chosen", full,
                        search.ANSWER_THRESHOLD, 0.9))
    rows.append(measure("questions +synonyms+typos, chosen threshold, no near-tie rule", full,
                        search.ANSWER_THRESHOLD, search.SENTENCE_THRESHOLD, near_tie=0.0))
    rows.append(chosen(full, FIRST, "first set"))
    rows.append(chosen(full, HELD_OUT, "held-out set"))
    rows.append(chosen(full))
    return rows


def chosen(index: search.Index | None = None,
           questions: tuple[list[Any], list[str]] = WHOLE, which: str = "whole set") -> Score:
    """The lab's set-up (questions with synonyms and typo fixing, its thresholds and
    near-tie rule) on ``questions``, by default the whole set."""
    return measure(f"CHOSEN, {which}: threshold {search.ANSWER_THRESHOLD}, near tie "
                   f"{search.NEAR_TIE}", index or build(), search.ANSWER_THRESHOLD,
                   search.SENTENCE_THRESHOLD, questions=questions)


def sweep() -> list[str]:
    full = build()
    return [measure(f"questions +synonyms+typos, threshold {t:.2f}", full, t, math.inf).row()
            for t in [0.0, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9]]


if __name__ == "__main__":
    import sys

    rows = table()
    for score in rows:
        print(score.row())
    if "--misses" in sys.argv:
        print("\n".join(["", "The whole set, each question not answered right:", *rows[-1].misses]))
    print()
    print("\n".join(sweep()))
