"""Recall questions in the lab: checking answers and remembering what was missed.

The questions are the same bank as ``neuronlab learn quiz`` (:mod:`neuronlab.learn.quiz`)
and are checked by the same lenient code. Each question has a short stable id made
from its lesson and its prompt. The results live in the learner's workspace, in
``neuronlab-recall.json`` beside the exercises' progress file::

    {"format": 1,
     "questions": {"1-3f9a...": {"lesson": 1, "right": false, "attempts": 2,
                                 "ever_right": false, "at": "..."}}}

A question missed in one lesson comes back, as a review, at the top of every later
lesson until it is answered right.

>>> q = question_by_id(question_id(QUESTIONS[0]))
>>> q is QUESTIONS[0]
True
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

from ..learn.quiz import QUESTIONS, Choice, Question, questions_for
from ..learn.workspace import PROGRESS_FILE, Workspace, atomic_write_json
from .schema import BadRequest

RECALL_FILE = "neuronlab-recall.json"
FORMAT = 1
MAX_ANSWER = 500  # characters of an answer the server reads


def question_id(question: Question) -> str:
    """``"<lesson>-<10 hex digits of the prompt's hash>"``: stable while the prompt is."""
    digest = hashlib.sha1(question.prompt.encode("utf-8")).hexdigest()[:10]
    return f"{question.lesson}-{digest}"


_BY_ID = {question_id(q): q for q in QUESTIONS}


def question_by_id(key: str) -> Question | None:
    return _BY_ID.get(key)


def lesson_questions(lesson: int) -> list[tuple[str, Question]]:
    return [(question_id(q), q) for q in questions_for(lesson)]


def check(key: Any, answer: Any) -> tuple[Question, dict[str, Any]]:
    """Check ``answer`` to question ``key``; the verdict as the page shows it."""
    if not isinstance(key, str) or question_by_id(key) is None:
        raise BadRequest(f"'question' must be the id of a recall question, got {str(key)[:40]!r}.",
                         404 if isinstance(key, str) else 400)
    if not isinstance(answer, str):
        raise BadRequest(f"'answer' must be text, got {type(answer).__name__}.")
    if len(answer) > MAX_ANSWER:
        raise BadRequest(f"'answer' is {len(answer)} characters long; keep it under "
                         f"{MAX_ANSWER}.", 413)
    question = question_by_id(key)
    assert question is not None
    if not answer.strip():
        raise BadRequest("Type an answer first (a few words are enough).")
    verdict = question.check(answer)
    return question, {"question": key, "right": verdict.right, "feedback": verdict.feedback,
                      "expected": question.expected(), "explanation": question.explanation}


def choices(question: Question) -> list[str]:
    return question.choices() if isinstance(question, Choice) else []


# --------------------------------------------------------------------------- workspace
def default_workspace(cwd: str | os.PathLike[str] | None = None) -> Path:
    """The current folder if it is a learn workspace, else ``~/.neuronlab/course``."""
    here = Path(cwd or os.getcwd()).resolve()
    if (here / PROGRESS_FILE).is_file():
        return here
    return Path.home() / ".neuronlab" / "course"


def solved_exercises(root: Path) -> set[str] | None:
    """Names of the exercises solved in the workspace ``root`` (None: it has no progress)."""
    if not (root / PROGRESS_FILE).is_file():
        return None
    return Workspace(root).solved()


_LOCK = threading.Lock()


class RecallStore:
    """``neuronlab-recall.json`` in the folder ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.warnings: list[str] = []

    @property
    def path(self) -> Path:
        return self.root / RECALL_FILE

    def load(self) -> dict[str, dict[str, Any]]:
        """The record of every question tried (empty if none; a broken file is set aside)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("questions"), dict):
            backup = self.path.with_name(f"{RECALL_FILE}.broken-{int(time.time())}")
            with suppress(OSError):
                os.replace(self.path, backup)
            self.warnings.append(f"{RECALL_FILE} could not be read; it was kept as "
                                 f"{backup.name} and recall results start again.")
            return {}
        return {key: entry for key, entry in data["questions"].items()
                if isinstance(entry, dict)}

    def record(self, key: str, lesson: int, right: bool) -> None:
        with _LOCK:
            questions = self.load()
            entry = questions.setdefault(key, {})
            entry["lesson"] = lesson
            entry["attempts"] = int(entry.get("attempts", 0) or 0) + 1
            entry["right"] = right
            entry["ever_right"] = bool(entry.get("ever_right")) or right
            entry["at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
            self.root.mkdir(parents=True, exist_ok=True)
            atomic_write_json(self.path, {"format": FORMAT, "questions": questions})

    def missed_before(self, lesson: int) -> list[tuple[str, Question]]:
        """Questions of earlier lessons whose last answer was wrong, oldest lesson first."""
        record = self.load()
        missed = [(key, q) for key, q in _BY_ID.items()
                  if q.lesson < lesson and key in record and not record[key].get("right")]
        return sorted(missed, key=lambda item: item[1].lesson)

    def score(self, lesson: int) -> tuple[int, int, int]:
        """``(right now, tried, questions)`` for one lesson."""
        record = self.load()
        keys = [key for key, _ in lesson_questions(lesson)]
        tried = [key for key in keys if key in record]
        right = [key for key in tried if record[key].get("right")]
        return len(right), len(tried), len(keys)
