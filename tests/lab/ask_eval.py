"""Measure the lab's questions box on the question set in ask_questions.json.

    python tests/lab/ask_eval.py            # the table of set-ups and thresholds

For each set-up: the share of the answerable questions whose first answer is right,
how many answerable questions get a confident answer that is wrong, and how many of
the questions the course cannot answer get a confident answer (must be 0). An answer
is right when it is a questions entry the set names for that question, or a sentence
of the passage such an entry rests on. For the passage list the box used to give, the
"first answer" is its first passage, and every question gets one (there was no "not
answered").
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
from neuronlab.lab.course import search
from neuronlab.learn.lessons import LESSONS

QUESTIONS = json.loads((Path(__file__).with_name("ask_questions.json")).read_text("utf-8"))


@dataclass
class Score:
    name: str
    right: int
    wrong_confident: int
    unanswered: int
    confident_unanswerable: int
    total: int
    total_unanswerable: int

    @property
    def share(self) -> float:
        return self.right / self.total

    def row(self) -> str:
        return (f"{self.name:58} {self.right:3}/{self.total} = {self.share:6.1%}   "
                f"wrong {self.wrong_confident:2}   not answered {self.unanswered:2}   "
                f"unanswerable answered {self.confident_unanswerable}/{self.total_unanswerable}")


def expected_passages(item: dict[str, Any]) -> set[tuple[int, str]]:
    """(lesson, anchor) of the passages the expected entries rest on."""
    lesson = next(x for x in LESSONS if x.number == item["lesson"])
    after = course.questions_after(lesson.number)
    return {(lesson.number, after[qa.block]) for qa in lesson.questions
            if qa.asked[0] in item["expect"] and qa.block < len(after)}


def _said(text: str) -> str:
    return " ".join(search.canonical(text))


def expected_phrasings(item: dict[str, Any]) -> set[str]:
    lesson = next(x for x in LESSONS if x.number == item["lesson"])
    return {_said(q) for qa in lesson.questions if qa.asked[0] in item["expect"]
            for q in qa.asked}


def is_right(found: search.Found, item: dict[str, Any]) -> bool:
    """The entry the set names, or another lesson's entry asked in the same words."""
    if found.entry is not None:
        if found.entry.lesson.number == item["lesson"]:
            return found.entry.qa.asked[0] in item["expect"]
        return bool({_said(q) for q in found.entry.qa.asked} & expected_phrasings(item))
    if found.sentence is not None:
        s = found.sentence
        return (s.lesson.number, s.passage.anchor) in expected_passages(item)
    return False


@contextlib.contextmanager
def without_synonyms() -> Iterator[None]:
    phrases, synonyms = search.PHRASES, search.SYNONYMS
    search.PHRASES, search.SYNONYMS = [], {}
    try:
        yield
    finally:
        search.PHRASES, search.SYNONYMS = phrases, synonyms


def build(with_questions: bool = True) -> search.Index:
    return search.Index(LESSONS, {x.number: course.passages_of(x.number) for x in LESSONS},
                        {x.number: course.questions_after(x.number) for x in LESSONS},
                        with_questions=with_questions)


def measure(name: str, index: search.Index, threshold: float, sentence_threshold: float,
            typos: bool = True) -> Score:
    if not typos:
        index.fix_typos = False
    right = wrong = unanswered = 0
    for item in QUESTIONS["answerable"]:
        found = search.find(item["q"], index, threshold=threshold,
                            sentence_threshold=sentence_threshold)
        if not found.answered:
            unanswered += 1
        elif is_right(found, item):
            right += 1
        else:
            wrong += 1
    confident = sum(search.find(q, index, threshold=threshold,
                                sentence_threshold=sentence_threshold).answered
                    for q in QUESTIONS["unanswerable"])
    return Score(name, right, wrong, unanswered, confident, len(QUESTIONS["answerable"]),
                 len(QUESTIONS["unanswerable"]))


def measure_passages() -> Score:
    """The box as it was (ask_baseline.py, its code before it answered): BM25 over
    paragraph passages with a lesson-topic boost, no synonyms; its first passage is its
    answer, and it gives one to every question that shares a word with the course."""
    import ask_baseline

    right = 0
    for item in QUESTIONS["answerable"]:
        results = ask_baseline.ask(item["q"], course.passages_of)
        if results:
            anchor = results[0]["url"].split("#")[1]
            right += (results[0]["lesson"], anchor) in expected_passages(item)
    confident = sum(bool(ask_baseline.ask(q, course.passages_of))
                    for q in QUESTIONS["unanswerable"])
    total = len(QUESTIONS["answerable"])
    return Score("passages, BM25 + lesson topics (the box before)", right, total - right, 0,
                 confident, total, len(QUESTIONS["unanswerable"]))


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
    rows.append(chosen(full))
    return rows


def chosen(index: search.Index | None = None) -> Score:
    """The lab's set-up: questions with synonyms and typo fixing, its thresholds."""
    return measure("CHOSEN: questions +synonyms+typos, threshold "
                   f"{search.ANSWER_THRESHOLD}", index or build(), search.ANSWER_THRESHOLD,
                   search.SENTENCE_THRESHOLD)


def sweep() -> list[str]:
    full = build()
    return [measure(f"questions +synonyms+typos, threshold {t:.2f}", full, t, math.inf).row()
            for t in [0.0, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9]]


if __name__ == "__main__":
    for score in table():
        print(score.row())
    print()
    print("\n".join(sweep()))
