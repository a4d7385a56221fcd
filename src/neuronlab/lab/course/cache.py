"""Rendered lessons kept on disk: each lesson's code runs once per machine, not once per
start of the lab.

A lesson's page runs the lesson's code: the block that computes the numbers its words
quote, and its worked example, whose output the page shows (lesson 13's trains a network
on handwritten digits: several seconds of CPU). The questions box renders every lesson
when a learner first opens one. On a classroom server, where every student has a lab of
their own, that work would be done once per student; kept here, it is done once.

A rendered lesson is stored as JSON under a key made from everything its numbers depend
on: the lesson's text, every file of the installed neuronlab package, and the versions
of Python and NumPy and the machine's architecture. A change to any of them is another
key, so a page is never shown with numbers the current code would not print: it is
rendered again.

Where: ``$NEURONLAB_CACHE_DIR`` if set (a class's shared folder, filled once by
``neuronlab lab --prepare``), then ``$XDG_CACHE_HOME/neuronlab`` or
``~/.cache/neuronlab``. Each is used only if it belongs to this user or to root and no
one else can write to it (its pages become the lab's pages); a new rendering is written,
atomically, to the first such folder this user can write to, or nowhere. Each new
rendering of a lesson removes that lesson's older ones beyond the newest
:data:`KEEP` (another version of the code, or of the lesson's words, made them), so
the folder does not grow with every upgrade.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import platform
import re
import stat
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from ...learn.lessons import Lesson
from ...learn.sources import Widget
from .render import Passage, Rendered

#: The layout of a stored lesson; another layout is another key.
FORMAT = 2
KEEP = 3  # renderings kept of each lesson: this code's and two earlier ones
PACKAGE = Path(__file__).resolve().parents[2]  # the installed neuronlab package


def folders() -> list[Path]:
    """The folders rendered lessons are looked for in, in order."""
    found = []
    shared = os.environ.get("NEURONLAB_CACHE_DIR")
    if shared:
        found.append(Path(shared).expanduser())
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    found.append(Path(home).expanduser() / "neuronlab")
    return [folder / "lessons" for folder in found]


def trusted(folder: Path) -> bool:
    """True if ``folder`` and the folder above it belong to this user or to root and
    no one else may write to them."""
    try:
        for path in (folder, folder.parent):
            info = path.stat()
            if info.st_uid not in (0, os.getuid()) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return False
    except OSError:
        return False
    return True


@functools.cache
def code_fingerprint() -> str:
    """A hash of every file of the package and of the versions its numbers depend on."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version} {np.__version__} "
                            f"{platform.machine()}".encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def key(lesson: Lesson) -> str:
    """The file name of ``lesson``'s rendering for the code installed now."""
    digest = hashlib.sha256(f"{code_fingerprint()} {lesson.slug}\n{lesson.markdown}".encode())
    return f"{lesson.number:02d}-{lesson.slug}-{digest.hexdigest()[:24]}.json"


def to_json(rendered: Rendered) -> str:
    return json.dumps({"body": rendered.body, "has_recall": rendered.has_recall,
                       "questions_after": rendered.questions_after, "answers": rendered.answers,
                       "passages": [asdict(p) for p in rendered.passages],
                       "widgets": [[wid, w.kind, w.settings] for wid, w in rendered.widgets]})


def from_json(text: str) -> Rendered:
    data = json.loads(text)
    passages = [Passage(**{**p, "sentences": tuple(p["sentences"])}) for p in data["passages"]]
    widgets = [(str(wid), Widget(str(kind), dict(settings)))
               for wid, kind, settings in data["widgets"]]
    return Rendered(str(data["body"]), passages, widgets, bool(data["has_recall"]),
                    [str(a) for a in data["questions_after"]], [str(a) for a in data["answers"]])


def load(lesson: Lesson) -> Rendered | None:
    """``lesson`` as rendered before by the same code, or None."""
    name = key(lesson)
    for folder in folders():
        path = folder / name
        if not path.is_file() or not trusted(folder):
            continue
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            return from_json(path.read_text(encoding="utf-8"))
    return None


def store(lesson: Lesson, rendered: Rendered) -> Path | None:
    """Write ``lesson``'s rendering to the first folder that takes it (atomically: a
    temporary file renamed into place); the path, or None if none could."""
    data = to_json(rendered)
    for folder in folders():
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True, mode=0o755)
            if not trusted(folder):
                continue
            fd, temporary = tempfile.mkstemp(prefix=".lesson-", suffix=".tmp", dir=folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(data)
                os.chmod(temporary, 0o644)
                os.replace(temporary, folder / key(lesson))
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
            prune(folder, lesson)
            return folder / key(lesson)
    return None


def prune(folder: Path, lesson: Lesson) -> None:
    """Remove ``lesson``'s renderings in ``folder`` beyond the :data:`KEEP` newest (the
    current one is kept whatever its age)."""
    name = re.compile(rf"\d{{2}}-{re.escape(lesson.slug)}-[0-9a-f]{{24}}\.json")
    current = key(lesson)
    with contextlib.suppress(OSError):
        older = [path for path in folder.iterdir()
                 if name.fullmatch(path.name) and path.name != current]
        older.sort(key=lambda path: path.stat().st_mtime, reverse=True)
        for path in older[KEEP - 1:]:
            with contextlib.suppress(OSError):
                path.unlink()


def rendered(lesson: Lesson, render: Callable[[], Rendered]) -> Rendered:
    """``lesson`` from the disk if this code rendered it before, else ``render()``, kept."""
    found = load(lesson)
    if found is not None:
        return found
    result = render()
    store(lesson, result)
    return result


def prepare(lessons: list[Lesson], render: Callable[[Lesson], Rendered],
            say: Callable[[str], Any] = print) -> Path | None:
    """Render every lesson not rendered yet by this code into the cache; the folder."""
    where = None
    for lesson in lessons:
        if load(lesson) is None:
            say(f"rendering lesson {lesson.number}: {lesson.slug}")
            where = store(lesson, render(lesson)) or where
        else:
            where = where or next((f / key(lesson) for f in folders()
                                   if (f / key(lesson)).is_file()), None)
    return where.parent if where is not None else None
