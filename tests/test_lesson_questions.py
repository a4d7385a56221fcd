"""Every lesson carries the questions learners ask, answered in its own words: at least
15 entries, placed in ``questions`` blocks, their numbers computed like the text's."""

from __future__ import annotations

import pytest

from neuronlab.learn.lessons import LESSONS, Lesson
from neuronlab.learn.sources import ContentError, lesson_files, parse_lesson, parse_questions
from test_lesson_numbers import _given_numbers, _typed_numbers, _value


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.slug for lesson in LESSONS])
def test_every_lesson_has_fifteen_questions_with_short_filled_answers(lesson: Lesson) -> None:
    assert len(lesson.questions) >= 15
    meta = parse_lesson(dict(lesson_files())[f"{lesson.number:02d}-{lesson.slug}.md"]).meta
    given = _given_numbers(lesson, meta)
    for qa, filled in zip(lesson.questions, lesson.answers, strict=True):
        typed = [n for n in _typed_numbers(qa.answer)
                 if not any(abs(_value(n) - g) <= 1e-12 * max(1.0, abs(g)) for g in given)]
        assert not typed, f"lesson {lesson.number}, {qa.asked[0]!r} types {typed}"
        assert "{{" not in filled.answer and "}}" not in filled.answer
        assert filled.asked == qa.asked and qa.asked and all(q.strip() for q in qa.asked)


def test_the_format_refuses_broken_blocks() -> None:
    for broken in ["A: an answer with no question", "Q: a question with no answer",
                   "Q: one\nA: two\nA: three", "Q: q\nA: a\nShow: neuron {not json",
                   "Q: q\n  indented before any A:\nA: a"]:
        with pytest.raises(ContentError):
            parse_questions(broken)
    [first, second] = parse_questions("Q: a\nQ: b\nA: one\n  two\n\nQ: c\nA: d", block=3)
    assert first.asked == ("a", "b") and first.answer == "one two" and first.block == 3
    assert second.asked == ("c",) and second.show is None
