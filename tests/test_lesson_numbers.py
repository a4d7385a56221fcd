"""Every number in a lesson's words is computed by the library or given in its code.

A lesson types no result by hand: a computed figure is a ``{{ expression:spec }}``
placeholder filled from the lesson's own code each time it is shown. A number typed in
the words must be data the lesson's code also uses (the story's inputs, weights,
learning rate...), a small count (0-12), or listed under ``given:`` in the front matter
(a year, say). This test holds every lesson to that rule.
"""

from __future__ import annotations

import json
import re

import pytest

from neuronlab.learn.lessons import LESSONS, Lesson, lesson_namespace
from neuronlab.learn.sources import fill_numbers, lesson_files, parse_lesson

NUMBER = re.compile(r"(?<![\w.·^])[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w^])")


def _value(text: str) -> float:
    return float(text.replace(",", "").replace("−", "-"))


def _given_numbers(lesson: Lesson, meta: dict[str, str]) -> set[float]:
    given = {float(n) for n in range(-12, 13)}
    sources = [block.code for block in lesson.blocks]
    sources += [json.dumps(widget.settings) for widget in lesson.widgets]
    for source in sources:
        for match in re.finditer(r"(?<![\w.])\d+(?:_\d{3})*(?:\.\d+)?(?:e-?\d+)?", source):
            number = float(match.group().replace("_", ""))
            given.update({number, -number})
    for item in meta.get("given", "").split(","):
        if item.strip():
            given.add(_value(item.strip()))
    return given


def _typed_numbers(words: str) -> list[str]:
    text = re.sub(r"\{\{.*?\}\}", " ", words, flags=re.S)  # placeholders are computed
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
    text = re.sub(r"(?m)^\s*\d+\.\s", "", text)  # numbered-list markers
    text = re.sub(r"(?m)^#+.*$", "", text)  # headings may say "§3" or "Step 1"
    return [match.group() for match in NUMBER.finditer(text)]


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.slug for lesson in LESSONS])
def test_every_number_in_the_words_is_computed_or_given(lesson: Lesson) -> None:
    meta = parse_lesson(dict(lesson_files())[f"{lesson.number:02d}-{lesson.slug}.md"]).meta
    given = _given_numbers(lesson, meta)
    typed = [n for n in _typed_numbers(lesson.words)
             if not any(abs(_value(n) - g) <= 1e-12 * max(1.0, abs(g)) for g in given)]
    assert not typed, (f"lesson {lesson.number} types numbers its code neither computes nor "
                       f"uses: {typed}; write them as {{{{ expression:.3f }}}} placeholders")


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.slug for lesson in LESSONS])
def test_placeholders_fill_from_the_lessons_own_code(lesson: Lesson) -> None:
    text = lesson.text
    assert "{{" not in text and "}}" not in text
    if "{{" in lesson.words:
        assert text == fill_numbers(lesson.words, lesson_namespace(lesson))


def test_the_rule_catches_a_typed_result() -> None:
    assert _typed_numbers("z is 1.19 and sigmoid gives {{ y:.3f }}; w1·x1 + x2^2") == ["1.19"]
    assert _typed_numbers("after 3,000 epochs, in 1969") == ["3,000", "1969"]
