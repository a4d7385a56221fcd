"""The course content files: lessons (Markdown), solutions (.py with regions), quiz (JSON)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from neuronlab.learn import EXERCISES, check
from neuronlab.learn.lessons import LESSONS, find_lesson, run_example
from neuronlab.learn.notebooks import build_notebook, notebook_links
from neuronlab.learn.quiz import QUESTIONS, question_from, questions_for
from neuronlab.learn.sources import (
    BEGIN,
    END,
    ContentError,
    content,
    derive,
    lesson_files,
    lesson_identity,
    parse_exercise,
    parse_lesson,
    quiz_data,
)
from neuronlab.learn.terminal import pieces

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "src" / "neuronlab" / "learn" / "content"


def _define(source: str, name: str):
    namespace: dict = {}
    exec(compile(source, f"<{name}>", "exec"), namespace)
    return namespace[EXERCISES[name].function]


# --------------------------------------------------------------------------- exercises
@pytest.mark.parametrize("name", list(EXERCISES))
def test_every_template_is_its_solution_file_with_the_regions_replaced(name):
    source = (CONTENT / "exercises" / f"{name}.py").read_text(encoding="utf-8")
    exercise = EXERCISES[name]
    assert exercise.source == source
    # The words come first, in the docstring: nothing of them is in the learner's code.
    docstring, code = re.match(r'"""\n(.*?)\n"""\n\n*(.*)', source, re.S).groups()
    for hint in exercise.hints:
        assert " ".join(hint.split()) in " ".join(docstring.split())
    assert "## Hint" not in exercise.template + exercise.solution
    source = code
    # Rebuild the template independently: cut each region, keep its TODO/raise lines.
    pieces = re.split(rf"(?m)^([ \t]*){re.escape(BEGIN)}\n(.*?)^[ \t]*{re.escape(END)}\n",
                      source, flags=re.S)
    assert len(pieces) >= 4, "no marked region"
    template, solution = pieces[0], pieces[0]
    for k in range(1, len(pieces), 3):
        indent, region, after = pieces[k], pieces[k + 1], pieces[k + 2]
        lines = region.splitlines(keepends=True)
        head = []
        while lines and lines[0].strip().startswith(("# TODO", "# raise ")):
            head.append(lines.pop(0))
        todo = [line.replace("# raise ", "raise ", 1) for line in head]
        if not any(line.strip().startswith("raise ") for line in todo):
            todo.append(f'{indent}raise NotImplementedError("TODO: write your code here")\n')
        template += "".join(todo) + after
        solution += "".join(lines) + after
    assert exercise.template == template
    assert exercise.solution == solution
    assert BEGIN not in exercise.template + exercise.solution
    assert "# TODO" in exercise.template and "# TODO" not in exercise.solution
    assert exercise.template in exercise.file_text()
    assert exercise.solution in exercise.solution_text()


@pytest.mark.parametrize("name", list(EXERCISES))
def test_every_solution_file_passes_and_its_template_does_not(name):
    exercise = EXERCISES[name]
    assert check(exercise, _define(exercise.solution, name)).passed
    assert check(exercise, _define(exercise.source, name)).passed  # the file itself runs
    todo = check(exercise, _define(exercise.template, name))
    assert todo.status == "todo" and not todo.passed


def test_solution_files_pass_ruff():
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed")
    run = subprocess.run([ruff, "check", "--no-cache", str(CONTENT / "exercises")],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr


def test_derive_refuses_broken_regions():
    with pytest.raises(ContentError, match="never closed"):
        derive(f"def f():\n    {BEGIN}\n    return 1\n")
    with pytest.raises(ContentError, match="without"):
        derive(f"def f():\n    return 1\n    {END}\n")
    with pytest.raises(ContentError, match="no # BEGIN SOLUTION"):
        derive("def f():\n    return 1\n")


# --------------------------------------------------------------------------- lessons
def test_every_lesson_is_one_markdown_file_with_its_example_widget_and_recall():
    files = lesson_files()
    assert [name for name, _ in files] == [f"{lesson.number:02d}-{lesson.slug}.md"
                                           for lesson in LESSONS]
    for (name, text), lesson in zip(files, LESSONS):
        parsed = parse_lesson(text, name)
        assert parsed.meta["title"] == lesson.title
        assert lesson.example == parsed.example and lesson.example in text
        assert "<!-- recall -->" in text
        assert all(p in lesson.markdown for p in lesson.words.strip().split("\n\n"))
        assert "<!--" not in lesson.text and "```" not in lesson.text
    with_widgets = [lesson.number for lesson in LESSONS if lesson.widgets]
    assert len(with_widgets) >= 10
    assert LESSONS[0].widgets[0].kind == "neuron"
    assert LESSONS[0].widgets[0].settings["inputs"] == [0.5, -0.3, 0.7]


def test_lesson_cells_and_bad_files():
    parsed = parse_lesson("---\nnumber: 1\n---\nText.\n\n```python cell\nx = 1\n```\n\n"
                          "```python exercise relu\nrelu(1)\n```\n\n"
                          "```python example\nprint(2)\n```\n")
    assert [(b.role, b.name) for b in parsed.blocks] == [("cell", ""), ("exercise", "relu"),
                                                         ("example", "")]
    assert parsed.prose == "Text.\n"
    with pytest.raises(ContentError, match="front matter"):
        parse_lesson("no front matter")
    with pytest.raises(ContentError, match="not JSON"):
        parse_lesson("---\nnumber: 1\n---\n<!-- widget: neuron {oops} -->\n")
    with pytest.raises(ContentError, match="exactly one"):
        _ = parse_lesson("---\nnumber: 1\n---\nNo example.\n").example


def test_terminal_lessons_and_notebooks_come_from_the_same_files():
    for lesson in LESSONS:
        assert run_example(lesson).strip()
        notebook = build_notebook(lesson)
        sources = ["".join(cell["source"]) for cell in notebook["cells"]]
        assert lesson.example.strip() in sources
        # every code cell of the lesson, in the lesson's order (the words send the learner
        # to "the cell below")
        code = [source for cell, source in zip(notebook["cells"], sources)
                if cell["cell_type"] == "code"]
        blocks = [b.code.strip() for b in lesson.blocks if b.role in ("example", "cell")]
        assert [c for c in code if "check(" not in c] == blocks
        for exercise in lesson.exercises:
            assert any(exercise.template.strip() in source for source in sources)
        # the words as the terminal has them (the page-only passages left out), with links
        # to other lessons pointing at their notebooks
        markdown = "\n".join(source for cell, source in zip(notebook["cells"], sources)
                             if cell["cell_type"] == "markdown")
        for piece in pieces(lesson, unicode=False):
            if piece.kind == "words":
                assert notebook_links(piece.text.strip()) in markdown


# --------------------------------------------------------------------------- quiz
def test_quiz_questions_come_from_the_data_file():
    data = json.loads((CONTENT / "quiz.json").read_text(encoding="utf-8"))
    assert data["format"] == 3 and list(data["lessons"]) == [lesson.slug for lesson in LESSONS]
    stored = [(slug, entry) for slug, entries in data["lessons"].items() for entry in entries]
    assert quiz_data() == [{**entry, "lesson": slug} for slug, entry in stored]
    assert [q.prompt for q in QUESTIONS] == [entry["prompt"] for _, entry in stored]
    for lesson in LESSONS:
        assert [q.prompt for q in questions_for(lesson.number)] == [
            entry["prompt"] for entry in data["lessons"][lesson.slug]]


def test_a_lesson_is_named_once_by_its_file():
    """Number and slug live in the lesson file's name; everything else names the slug."""
    for name, text in lesson_files():
        front_matter = text.split("\n---\n", 1)[0]
        assert not re.search(r"(?m)^(number|slug):", front_matter), name
    slugs = {lesson.slug: lesson.number for lesson in LESSONS}
    for exercise in EXERCISES.values():
        assert slugs[exercise.slug] == exercise.lesson
        assert exercise in find_lesson(exercise.slug).exercises


def test_content_that_names_an_unknown_lesson_is_refused():
    source = (CONTENT / "exercises" / "relu.py").read_text(encoding="utf-8")
    parsed = parse_exercise(source, "relu.py")
    assert parsed.lesson == "activations" and parsed.title == EXERCISES["relu"].title
    with pytest.raises(ContentError, match=r"one ## Task and at least one ## Hint"):
        parse_exercise(source.replace("## Task", "## Tusk"), "relu.py")
    with pytest.raises(ContentError, match="starts without its docstring"):
        parse_exercise(source.split('"""\n', 2)[2], "relu.py")
    with pytest.raises(ContentError, match="'the-neuronn' is not a lesson file's slug"):
        question_from({"kind": "words", "lesson": "the-neuronn", "prompt": "?",
                       "explanation": "", "answer": "!"})
    with pytest.raises(ContentError, match=r"expected a name NN-slug\.md"):
        lesson_identity("1-the neuron.md")


# --------------------------------------------------------------------------- packaging
def test_every_content_file_is_found_through_importlib_resources():
    on_disk = sorted(str(p.relative_to(CONTENT)) for p in CONTENT.rglob("*")
                     if p.is_file() and "__pycache__" not in p.parts)
    found = []
    for folder in (content(), content() / "lessons", content() / "exercises"):
        for item in folder.iterdir():
            if item.is_file() and not item.name.endswith(".pyc"):
                prefix = "" if folder == content() else folder.name + "/"
                found.append(prefix + item.name)
    assert sorted(found) == on_disk


@pytest.mark.slow
def test_the_wheel_ships_every_content_file(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(ROOT / "src", source / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, source / name)
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                          "--no-build-isolation", "-q", "-w", str(tmp_path / "dist"),
                          str(source)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    (wheel,) = (tmp_path / "dist").glob("neuronlab-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in CONTENT.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            assert f"neuronlab/learn/content/{path.relative_to(CONTENT)}" in names


def test_a_number_asked_to_5_decimals_takes_those_decimals_and_no_fewer():
    # w after the puzzle's first step is 0.93069; 0.9307 (4 decimals) is not the answer
    question = next(q for q in questions_for(find_lesson("the-training-loop").number)
                    if "5 decimals" in q.prompt)
    assert question.expected() == "0.93069"
    assert question.check("0.93069").right and question.check("0.930690").right
    assert not question.check("0.9307").right and not question.check("0.93068").right
