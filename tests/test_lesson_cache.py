"""Rendered lessons kept on disk (neuronlab.lab.course.cache)."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from neuronlab.cli import main
from neuronlab.lab.course import cache, pages
from neuronlab.learn.lessons import LESSONS


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A shared folder and the user's cache folder, both empty."""
    shared, user = tmp_path / "shared", tmp_path / "user"
    monkeypatch.setenv("NEURONLAB_CACHE_DIR", str(shared))
    monkeypatch.setenv("XDG_CACHE_HOME", str(user))
    return shared / "lessons", user / "neuronlab" / "lessons"


def counting(lesson):  # type: ignore[no-untyped-def]
    calls = []

    def render():  # type: ignore[no-untyped-def]
        calls.append(lesson.number)
        return pages.render_lesson(lesson)

    return render, calls


def test_a_rendered_lesson_reads_back_exactly_as_it_was_rendered(folders) -> None:
    for lesson in LESSONS[:3] + LESSONS[10:12]:
        fresh = pages.render_lesson(lesson)
        assert cache.from_json(cache.to_json(fresh)) == fresh


def test_a_lesson_is_rendered_once_then_read_from_disk(folders) -> None:
    shared, _ = folders
    lesson = LESSONS[1]
    render, calls = counting(lesson)
    first = cache.rendered(lesson, render)
    again = cache.rendered(lesson, render)
    assert calls == [lesson.number]  # the second time, nothing ran
    assert again == first
    # written to the first folder it may write to: the shared one here
    assert [p.name for p in shared.iterdir()] == [cache.key(lesson)]
    assert oct((shared / cache.key(lesson)).stat().st_mode & 0o777) == "0o644"


def test_other_code_or_other_words_are_another_key(folders, monkeypatch) -> None:
    lesson = LESSONS[0]
    render, calls = counting(lesson)
    cache.rendered(lesson, render)
    changed = dataclasses.replace(lesson, markdown=lesson.markdown + "\nOne more line.\n")
    assert cache.key(changed) != cache.key(lesson)
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "other code")
    cache.rendered(lesson, render)  # the code changed: its numbers may have, so it runs again
    assert calls == [lesson.number, lesson.number]


def test_only_the_newest_renderings_of_a_lesson_are_kept(folders, monkeypatch) -> None:
    shared, _ = folders
    lesson, other = LESSONS[5], LESSONS[6]
    page = pages.render_lesson(lesson)
    for n in range(cache.KEEP + 2):  # an upgrade after another: another key each time
        monkeypatch.setattr(cache, "code_fingerprint", lambda n=n: f"version {n}")
        cache.store(lesson, page)
        os.utime(shared / cache.key(lesson), (1000.0 + n, 1000.0 + n))  # in that order
        if n == 1:
            cache.store(other, page)  # another lesson's renderings are not counted
    names = sorted(p.name for p in shared.iterdir())
    mine = [name for name in names if name.startswith(f"{lesson.number:02d}-")]
    assert len(mine) == cache.KEEP and cache.key(lesson) in mine
    assert len(names) == cache.KEEP + 1  # and not removed
    monkeypatch.setattr(cache, "code_fingerprint", lambda: f"version {cache.KEEP + 1}")
    assert cache.load(lesson) is not None  # the newest is this code's


def test_the_fingerprint_sees_every_file_of_the_package() -> None:
    files = [p for p in cache.PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert any(p.name == "model.py" for p in files) and any(p.suffix == ".md" for p in files)
    assert len(cache.code_fingerprint()) == 64


def test_a_folder_others_can_write_to_is_neither_read_nor_written(folders) -> None:
    shared, user = folders
    lesson = LESSONS[0]
    render, calls = counting(lesson)
    shared.mkdir(parents=True)
    os.chmod(shared, 0o777)  # anyone could put a page here
    (shared / cache.key(lesson)).write_text(cache.to_json(
        dataclasses.replace(pages.render_lesson(lesson), body="<script>evil()</script>")))
    result = cache.rendered(lesson, render)
    assert "evil" not in result.body and calls == [lesson.number]
    assert (user / cache.key(lesson)).is_file()  # kept in the user's own folder instead


def test_a_damaged_file_is_rendered_again(folders) -> None:
    shared, _ = folders
    lesson = LESSONS[0]
    render, calls = counting(lesson)
    cache.rendered(lesson, render)
    (shared / cache.key(lesson)).write_text('{"body": "half a fi')
    assert cache.rendered(lesson, render).body == pages.render_lesson(lesson).body
    assert calls == [lesson.number, lesson.number]


def test_nothing_is_kept_when_no_folder_may_be_written(folders, monkeypatch) -> None:
    monkeypatch.setattr(cache, "folders", lambda: [])
    lesson = LESSONS[0]
    render, calls = counting(lesson)
    assert cache.rendered(lesson, render) == pages.render_lesson(lesson)
    assert cache.rendered(lesson, render) == pages.render_lesson(lesson)
    assert calls == [lesson.number, lesson.number]  # nowhere to keep it: it runs each time
    assert cache.store(lesson, pages.render_lesson(lesson)) is None


def test_lab_prepare_renders_every_lesson_once(folders, monkeypatch, capsys) -> None:
    shared, _ = folders
    rendered: list[int] = []
    quick = pages.render_lesson(LESSONS[0])

    def render(lesson):  # type: ignore[no-untyped-def]
        rendered.append(lesson.number)
        return quick

    monkeypatch.setattr(pages, "render_lesson", render)
    assert main(["lab", "--prepare"]) == 0
    assert rendered == [lesson.number for lesson in LESSONS]
    assert sorted(p.name for p in shared.iterdir()) == sorted(cache.key(x) for x in LESSONS)
    said = " ".join(capsys.readouterr().out.split())  # (the console wraps long lines)
    assert f"The {len(LESSONS)} lessons are ready in {shared}." in said
    assert main(["lab", "--prepare"]) == 0  # all there already: nothing runs
    assert rendered == [lesson.number for lesson in LESSONS]


def test_lab_prepare_says_when_no_folder_can_be_written(folders, monkeypatch, capsys) -> None:
    monkeypatch.setattr(cache, "folders", lambda: [Path("/proc/no-such-place/lessons")])
    monkeypatch.setattr(pages, "render_lesson", lambda lesson: pages.Rendered("x"))
    assert main(["lab", "--prepare"]) == 1
    assert "no cache folder could be written" in " ".join(capsys.readouterr().out.split())


def test_a_lab_with_the_lessons_prepared_runs_no_lesson_code(folders, monkeypatch) -> None:
    """Pages, the questions box's index and its answers all come from the disk."""
    from neuronlab.lab.course import search
    from neuronlab.learn import lessons

    live_answers = {lesson.number: [qa.answer for qa in lesson.answers] for lesson in LESSONS}
    for lesson in LESSONS:
        cache.store(lesson, pages.render_lesson(lesson))

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a lesson's code ran although its rendering was on disk")

    monkeypatch.setattr(lessons, "_run", refuse)
    monkeypatch.setattr(lessons, "_ANSWERED", {})  # as in a lab that just started
    monkeypatch.setattr(search, "_BUILT", {})
    pages.rendered.cache_clear()
    try:
        index = search.index(pages.passages_of, pages.questions_after)
        assert index.entries  # the questions box knows its questions...
        for lesson in LESSONS:  # ...with the numbers the code computed
            assert [qa.answer for qa in lesson.answers] == live_answers[lesson.number]
            assert "{{" not in pages.rendered(lesson.number).body
    finally:
        pages.rendered.cache_clear()
