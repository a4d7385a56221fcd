"""Recall in the lab and the terminal: answers, self-ratings and when a question comes back.

The questions are the bank of :mod:`neuronlab.learn.quiz`. A free-text question is never
graded by the code: the learner reveals the model answer and rates themselves *got it*,
*partly* or *not yet*. Numbers, formulas and multiple choice are graded exactly, and
their verdict counts as a rating (:func:`neuronlab.learn.quiz.rating_of`: right at once
is *got it*, right after a miss *partly*, wrong *not yet*).

**Spacing: Leitner boxes counted in lessons.** Each rating puts the question in a box,
and the box says after how many lessons it comes back for review:

====================  =====================  ===================================
rating                box                    back in the review of
====================  =====================  ===================================
not yet               1                      the very next lesson (1 later)
partly                2                      2 lessons later
got it                one box up, at least   3: 4 lessons later; 4: 8 lessons later
                      3 (at most 4)
====================  =====================  ===================================

"Later" counts from the lesson on whose page (or ``neuronlab learn quiz N``) it was
rated: a question is *due* on lesson page ``L`` when ``L >= rated_in + GAP[box]`` and
``L`` comes after the question's own lesson. The review shows the due questions, lowest
box first, at most :data:`REVIEW_MAX` at a time.

The results live in the learner's workspace, in ``neuronlab-recall.json`` beside the
exercises' progress file::

    {"format": 3, "learner": "9f3a...",
     "questions": {"the-neuron-3f9a...": {"lesson": "the-neuron", "box": 1,
                                          "rating": "not yet", "rated_in": "the-neuron",
                                          "attempts": 2, "at": "..."}}}

A question is saved under its lesson's slug and a hash of its prompt, and the lessons
named in a record are slugs too, so adding a lesson (which renumbers the ones after
it) loses nothing: the spacing counts with the numbers the lessons have now.

``learner`` is a random id made once per workspace (made from the folder's path when the
folder did not exist yet: a page view creates nothing): with the question's prompt it seeds
the order of each question's options, so the options stay put for one learner and differ
between learners. A format-1 file (``right``/``ever_right`` per question) is
migrated; a file with a field of the wrong type (``"attempts": "many"``, a list, 1e999)
is broken: it is kept aside as ``neuronlab-recall.json.broken-<time>``, a warning says
so, and recall starts again. A format-1 or format-2 file keyed questions by lesson
*number* (``"1-3f9a..."``): it is read, each question found again by its prompt's hash,
and saved in format 3.

>>> [due_in(box, rated_in=3) for box in (1, 2, 3, 4)]
[4, 5, 7, 11]
>>> [next_box(box, "got it") for box in (0, 1, 2, 3, 4)]
[3, 3, 3, 4, 4]
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from ...learn.quiz import (
    QUESTIONS,
    RATINGS,
    Choice,
    Formula,
    Number,
    Question,
    Words,
    question_by_digest,
    question_by_key,
    questions_for,
    rating_of,
)
from ...learn.sources import lesson_numbers, lesson_slugs, slug_of
from ...learn.workspace import (
    PROGRESS_FILE,
    Workspace,
    atomic_write_json,
    clean_temporary,
    locate,
    locked,
)
from ..server.schema import BadRequest

RECALL_FILE = "neuronlab-recall.json"
RECALL_LOCK = ".neuronlab-recall.lock"  # held while the file is read, changed and saved
FORMAT = 3
MAX_ANSWER = 500  # characters of an answer the server reads
GAP = {1: 1, 2: 2, 3: 4, 4: 8}  # box -> lessons until it comes back
REVIEW_MAX = 5
_LEARNER = re.compile(r"[0-9a-f]{8,64}")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NUMBERED_KEY = re.compile(r"(?P<number>\d{1,2})-(?P<digest>[0-9a-f]{10})")


def next_box(box: int, rating: str) -> int:
    """The box a question goes to when rated ``rating`` from ``box`` (0: never rated)."""
    if rating == "not yet":
        return 1
    if rating == "partly":
        return 2
    return min(max(box, 2) + 1, 4)


def due_in(box: int, rated_in: int) -> int:
    """The first lesson whose review shows a question put in ``box`` on lesson ``rated_in``."""
    return rated_in + GAP[box]


def question_id(question: Question) -> str:
    """``"<lesson slug>-<10 hex digits of the prompt's hash>"``: stable while the prompt is."""
    return question.key


def lesson_number(slug: str) -> int | None:
    """The number the lesson ``slug`` has now (None: no such lesson in this version)."""
    return lesson_numbers().get(slug)


_BY_ID = {q.key: q for q in QUESTIONS}


def question_by_id(key: str) -> Question | None:
    return question_by_key(key)


def lesson_questions(lesson: int) -> list[tuple[str, Question]]:
    return [(q.key, q) for q in questions_for(lesson)]


def kind_of(question: Question) -> str:
    return {Words: "words", Choice: "choice", Number: "number",
            Formula: "formula"}[type(question)]


# --------------------------------------------------------------------------- requests
def find_question(key: Any) -> Question:
    if not isinstance(key, str) or question_by_id(key) is None:
        raise BadRequest(f"'question' must be the id of a recall question, got {str(key)[:40]!r}.",
                         404 if isinstance(key, str) else 400)
    question = question_by_id(key)
    assert question is not None
    return question


def page_of(page: Any, question: Question) -> int:
    """The lesson on whose page an answer was given (the question's own by default)."""
    if page is None:
        return question.lesson
    if type(page) is not int or not question.lesson <= page <= max(lesson_slugs()):
        raise BadRequest(f"'page' must be the number of the lesson the answer was given in "
                         f"(lesson {question.lesson} or later), got {str(page)[:20]!r}.")
    return page


def check(key: Any, answer: Any, learner: str = "", misses: Any = 0
          ) -> tuple[Question, dict[str, Any]]:
    """Grade ``answer`` to a number, formula or choice question ``key`` exactly; the
    verdict as the page shows it. A free-text question is refused: it is rated."""
    question = find_question(key)
    if not isinstance(answer, str):
        raise BadRequest(f"'answer' must be text, got {type(answer).__name__}.")
    if len(answer) > MAX_ANSWER:
        raise BadRequest(f"'answer' is {len(answer)} characters long; keep it under "
                         f"{MAX_ANSWER}.", 413)
    if type(misses) is not int or not 0 <= misses <= 1000:
        raise BadRequest(f"'misses' must be a whole number from 0, got {str(misses)[:20]!r}.")
    if not question.graded:
        raise BadRequest("This question is answered in your own words and not graded: "
                         "reveal the model answer and rate yourself (send 'reveal', then "
                         "'rating': got it, partly or not yet).")
    if not answer.strip():
        raise BadRequest("Type an answer first." if not isinstance(question, Choice)
                         else "Pick one of the options first.")
    if isinstance(question, Choice):
        verdict = question.check(answer, learner)
    else:
        verdict = question.check(answer)
    if verdict.right is None:  # unreadable: say what is expected, grade nothing
        raise BadRequest(f"{verdict.feedback[:1].upper()}{verdict.feedback[1:]}.", 422)
    right = bool(verdict.right)
    result: dict[str, Any] = {"question": key, "kind": kind_of(question), "right": right,
                              "rating": rating_of(right, misses)}
    if isinstance(question, Choice):  # the answer is told at once, by label and text
        result.update(feedback=question.feedback(answer, learner),
                      label=question.right_label(learner),
                      expected=question.choices()[question.answer - 1],
                      explanation=question.explanation)
    elif right:
        result.update(feedback="", expected=question.expected(),
                      explanation=question.explanation)
    else:  # a miss: try again, ask for the hint, or reveal
        result["feedback"] = ("Not right. Try again, take the hint, or reveal the answer.")
    return question, result


def reveal(key: Any, learner: str = "") -> dict[str, Any]:
    """The model answer and its explanation."""
    question = find_question(key)
    found: dict[str, Any] = {"question": key, "kind": kind_of(question),
                             "explanation": question.explanation}
    if isinstance(question, Choice):
        found.update(label=question.right_label(learner),
                     expected=question.choices()[question.answer - 1],
                     feedback=f"The answer is {question.expected(learner)}.")
    else:
        found["expected"] = question.expected()
    return found


def rating(value: Any) -> str:
    if value not in RATINGS:
        raise BadRequest(f"'rating' must be one of {', '.join(RATINGS)}; got "
                         f"{str(value)[:30]!r}.")
    return str(value)


def choices(question: Question, learner: str = "") -> list[tuple[str, str]]:
    """``(label, text)`` of a choice question's options as ``learner`` sees them."""
    return question.shown(learner) if isinstance(question, Choice) else []


# --------------------------------------------------------------------------- workspace
def default_workspace(cwd: str | os.PathLike[str] | None = None) -> Path:
    """Where progress lives, by the rule ``neuronlab learn`` uses too
    (:func:`neuronlab.learn.workspace.locate`): ``$NEURONLAB_WORKSPACE``, a learn
    workspace here or above, ``./neuronlab-exercises``, else ``~/.neuronlab/course``."""
    return locate(cwd=cwd)


def solved_exercises(root: Path) -> set[str] | None:
    """Names of the exercises solved in the workspace ``root`` (None: it has no progress)."""
    if not (root / PROGRESS_FILE).is_file():
        return None
    return Workspace(root).solved()


class BrokenFile(ValueError):
    """The recall file is there but not what it should be (the message says what)."""


def _int(value: Any, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high


def _lesson_field(key: str, entry: dict[str, Any], name: str, version: int) -> str:
    """The lesson ``entry[name]`` names, as a slug (formats 1 and 2 saved its number)."""
    value = entry.get(name)
    if version < 3:
        if not (isinstance(value, int) and _int(value, 1, 99)):
            raise BrokenFile(f"question {key[:30]!r}: {name!r} is not a lesson number")
        return slug_of(value)
    if not (isinstance(value, str) and len(value) <= 80 and _SLUG.fullmatch(value)):
        raise BrokenFile(f"question {key[:30]!r}: {name!r} is not a lesson's slug")
    return value


def _key(key: str, version: int) -> tuple[str, Question | None]:
    """A question's key in format 3, and the question when an old key found it: formats
    1 and 2 wrote ``"<number>-<digest>"``, and the question is found again by the digest
    (its lesson may have a new number now)."""
    match = _NUMBERED_KEY.fullmatch(key) if version < 3 else None
    if match is None:
        return key, None
    question = question_by_digest(match["digest"])
    if question is None:
        return f"{slug_of(int(match['number']))}-{match['digest']}", None
    return question.key, question


def _entry(key: str, entry: Any, version: int) -> dict[str, Any]:
    """One question's record, checked field by field (formats 1 and 2 migrated)."""
    if not isinstance(entry, dict):
        raise BrokenFile(f"question {key[:30]!r} is a {type(entry).__name__}, not a record")
    for name in ("at",):
        if name in entry and not isinstance(entry[name], str):
            raise BrokenFile(f"question {key[:30]!r}: {name!r} is not text")
    lesson = _lesson_field(key, entry, "lesson", version)
    if not _int(entry.get("attempts", 0), 0, 10**9):
        raise BrokenFile(f"question {key[:30]!r}: 'attempts' is not a whole number")
    if version == 1:
        for name in ("right", "ever_right"):
            if name in entry and not isinstance(entry[name], bool):
                raise BrokenFile(f"question {key[:30]!r}: {name!r} is not true or false")
        right = bool(entry.get("right"))
        return {"lesson": lesson, "box": 3 if right else 1,
                "rating": "got it" if right else "not yet", "rated_in": lesson,
                "attempts": entry.get("attempts", 0), "at": entry.get("at", "")}
    if not _int(entry.get("box"), 1, 4):
        raise BrokenFile(f"question {key[:30]!r}: 'box' is not 1 to 4")
    if entry.get("rating") not in RATINGS:
        raise BrokenFile(f"question {key[:30]!r}: 'rating' is not one of {', '.join(RATINGS)}")
    rated_in = _lesson_field(key, entry, "rated_in", version)
    return {"lesson": lesson, "box": entry["box"], "rating": entry["rating"],
            "rated_in": rated_in, "attempts": entry.get("attempts", 0),
            "at": entry.get("at", "")}


def parse_record(data: Any) -> tuple[str | None, dict[str, dict[str, Any]]]:
    """``(learner id or None, records)`` from a recall file's JSON (format 1, 2 or 3), as
    format 3: keyed by ``"<lesson slug>-<digest>"``, lessons named by their slugs."""
    if not isinstance(data, dict):
        raise BrokenFile(f"it holds a {type(data).__name__}, not an object")
    version = data.get("format")
    if version not in (1, 2, 3) or type(version) is not int:
        raise BrokenFile(f"its format is {str(version)[:20]!r}; this version reads 1 to 3")
    questions = data.get("questions")
    if not isinstance(questions, dict):
        raise BrokenFile("'questions' is not an object")
    learner = data.get("learner")
    if version >= 2 and not (isinstance(learner, str) and _LEARNER.fullmatch(learner)):
        raise BrokenFile("'learner' is not a hexadecimal id")
    records = {}
    for key, entry in questions.items():
        record = _entry(str(key), entry, version)
        new_key, question = _key(str(key), version)
        if question is not None:  # found again by its prompt: its lesson's slug now
            record["lesson"] = question.slug
        records[new_key] = record
    return learner if version >= 2 else None, records


def _no_constants(text: str) -> Any:
    raise BrokenFile(f"it holds {text}, which is not a number JSON allows")


_LOCK = threading.Lock()  # this process's threads; the lock file holds across processes


@contextmanager
def _held(root: Path) -> Iterator[None]:
    """This process's lock, then the workspace's recall lock file (when the folder exists):
    two labs (or a lab and ``neuronlab learn quiz``) on one workspace take turns, so no
    answer is lost. Temporary files a crash left behind are removed under it."""
    with _LOCK:
        if not root.is_dir():
            yield
            return
        with locked(root, RECALL_LOCK):
            clean_temporary(root, RECALL_FILE)
            yield


class RecallStore:
    """``neuronlab-recall.json`` in the folder ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.warnings: list[str] = []
        self._learner: str | None = None

    @property
    def path(self) -> Path:
        return self.root / RECALL_FILE

    def _read(self) -> tuple[str | None, dict[str, dict[str, Any]]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None, {}
        except (OSError, UnicodeDecodeError) as exc:
            return self._set_aside(f"it could not be read ({exc.__class__.__name__})")
        try:
            data = json.loads(text, parse_constant=_no_constants)
            return parse_record(data)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError and BrokenFile
            return self._set_aside(str(exc) if isinstance(exc, BrokenFile) else
                                   "it is not valid JSON")

    def _set_aside(self, why: str) -> tuple[None, dict[str, dict[str, Any]]]:
        backup = self.path.with_name(f"{RECALL_FILE}.broken-{int(time.time())}")
        moved = False
        with suppress(OSError):
            os.replace(self.path, backup)
            moved = True
        kept = f"it was kept as {backup.name}" if moved else "it was left in place"
        self.warnings.append(f"{RECALL_FILE} is broken ({why}); {kept} and recall results "
                             "start again.")
        return None, {}

    def load(self) -> dict[str, dict[str, Any]]:
        """The record of every question rated (empty if none; a broken file is set aside)."""
        learner, record = self._read()
        if learner:
            self._learner = learner
        return record

    def learner(self) -> str:
        """This workspace's learner id: the one saved in the recall file, else one made
        from the folder's path (the same on every visit, and different for every learner's
        folder), saved the first time it is asked for in a folder that exists. A page view
        never creates the folder, and the folder may appear before the first answer (a
        solved exercise makes it): the id saved then is the one the page already used, so
        the options a learner saw are the ones their answer is checked against."""
        if self._learner:
            return self._learner
        with _held(self.root):
            learner, record = self._read()
            if learner is None:
                learner = hashlib.sha256(str(self.root).encode()).hexdigest()[:16]
                if self.root.is_dir():
                    with suppress(OSError):
                        self._write(learner, record)
            self._learner = learner
        return learner

    def _write(self, learner: str, record: dict[str, dict[str, Any]]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        atomic_write_json(self.path, {"format": FORMAT, "learner": learner,
                                      "questions": record})

    def rate(self, key: str, rating: str, page: int | None = None) -> dict[str, Any]:
        """Record ``rating`` of question ``key`` given on lesson ``page``; its new record."""
        question = question_by_id(key)
        if question is None or rating not in RATINGS:
            raise ValueError(f"no question {key!r} or rating {rating!r}")
        self.root.mkdir(parents=True, exist_ok=True)
        with _held(self.root):
            learner, record = self._read()
            learner = learner or self._learner or hashlib.sha256(
                str(self.root).encode()).hexdigest()[:16]
            old = record.get(key, {})
            entry = {"lesson": question.slug,
                     "box": next_box(int(old.get("box", 0)), rating), "rating": rating,
                     "rated_in": slug_of(max(page or question.lesson, question.lesson)),
                     "attempts": int(old.get("attempts", 0)) + 1,
                     "at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
            record[key] = entry
            self._write(learner, record)
            self._learner = learner
        return entry

    def due(self, lesson: int, record: dict[str, dict[str, Any]] | None = None
            ) -> list[tuple[str, Question]]:
        """Questions of earlier lessons due for review on lesson ``lesson``: lowest box
        first, then oldest lesson; at most :data:`REVIEW_MAX`."""
        record = self.load() if record is None else record
        due = [(key, q) for key, q in _BY_ID.items()
               if q.lesson < lesson and key in record and lesson >= back_in(record[key])]
        due.sort(key=lambda item: (record[item[0]]["box"], item[1].lesson))
        return due[:REVIEW_MAX]

    def missed_before(self, lesson: int) -> list[tuple[str, Question]]:
        """Due questions of earlier lessons (kept for callers of the first version)."""
        return self.due(lesson)

    def score(self, lesson: int) -> tuple[int, int, int]:
        """``(rated "got it" last time, rated, questions)`` for one lesson."""
        record = self.load()
        keys = [key for key, _ in lesson_questions(lesson)]
        tried = [key for key in keys if key in record]
        right = [key for key in tried if record[key]["rating"] == "got it"]
        return len(right), len(tried), len(keys)


def back_in(entry: dict[str, Any]) -> int:
    """The first lesson whose review shows the question of the record ``entry``, by the
    lessons' numbers now (a lesson no longer in the course counts as rated in lesson 1)."""
    return due_in(entry["box"], lesson_number(entry["rated_in"]) or 1)


def when_back(entry: dict[str, Any], last_lesson: int) -> str:
    """Where a rated question comes back, in words."""
    lesson = back_in(entry)
    if lesson <= last_lesson:
        return f"It comes back in the review of lesson {lesson}."
    return "It comes back when you quiz every lesson (neuronlab learn quiz all)."

