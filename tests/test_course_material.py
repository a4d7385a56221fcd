"""The course's material beyond the mechanics: sources in every lesson, the biological
neuron, the closing recap and the training cycle, and what comes next.

These check what a learner reads, in the terminal's words (``Lesson.text``: no code
blocks, no figures) and on the lab's page.
"""

from __future__ import annotations

import re

import pytest

from neuronlab.lab.course import figures
from neuronlab.lab.course.pages import rendered
from neuronlab.learn.lessons import LESSONS, Lesson, find_lesson
from neuronlab.learn.sources import lesson_files, parse_lesson

#: The works the course as a whole rests on, and a word of each that its entry names.
CORE = {"Rumelhart": "1986", "LeCun, Yoshua Bengio and Geoffrey Hinton": "2015",
        "Goodfellow": "2016", "Nielsen": "2015", "3Blue1Brown": "2017"}


def sources_of(lesson: Lesson) -> list[str]:
    """The entries of the lesson's Sources section (one per list item)."""
    text = lesson.text
    assert "\n## Sources\n" in text, f"lesson {lesson.number} has no Sources section"
    section = text.split("\n## Sources\n", 1)[1].split("\n## ", 1)[0]
    section = section.split("\nNext:", 1)[0]
    return [item.strip() for item in re.split(r"(?m)^- ", section)[1:]]


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.slug for lesson in LESSONS])
def test_every_lesson_lists_its_sources_with_what_to_read_there(lesson: Lesson) -> None:
    entries = sources_of(lesson)
    assert len(entries) >= 3
    for entry in entries:
        assert re.search(r"\b(1[89]\d\d|20\d\d)\b", entry), entry  # the year of the work
        assert re.search(r"(Read|Watch) there: \S", entry), entry  # and what to read there
    # the Sources come last: after the recall place and before the closing "Next:" only
    markdown = lesson.markdown
    at = markdown.index("\n## Sources\n")
    assert markdown.index("<!-- recall -->") < at
    assert "\n## " not in markdown[at + 1:]
    assert "```python" not in markdown[at:]


def test_the_course_cites_its_core_sources_where_they_belong() -> None:
    cited = {lesson.number: " ".join(sources_of(lesson)) for lesson in LESSONS}
    for name, year in CORE.items():
        where = [n for n, text in cited.items() if name in text]
        assert where, f"{name} is cited nowhere"
        assert all(re.search(rf"{re.escape(name)}.*?{year}", cited[n], re.S) for n in where)
    assert "Minsky" in cited[6] and "Minsky" in cited[5]  # XOR and the straight line
    assert "Cybenko" in cited[6] and "Hornik" in cited[6]  # universal approximation
    assert "Kingma" in cited[14]  # Adam
    for lesson in (8, 9):  # backpropagation rests on Rumelhart, Hinton & Williams
        assert "back-propagating errors" in cited[lesson]


def test_a_years_typed_in_sources_are_listed_as_given() -> None:
    files = dict(lesson_files())
    for lesson in LESSONS:
        meta = parse_lesson(files[f"{lesson.number:02d}-{lesson.slug}.md"]).meta
        given = {item.strip() for item in meta.get("given", "").split(",")}
        for entry in sources_of(lesson):
            words = re.sub(r"\]\([^)]*\)", "]", entry)
            for year in re.findall(r"(?<![\w.])\d{3,4}(?!\w)", words):
                assert year in given, (lesson.number, year)


def test_lesson_one_tells_the_biological_neuron_and_where_the_analogy_stops() -> None:
    text = find_lesson(1).text
    section = text.split("## Why it is called a neuron", 1)[1].split("\n## ", 1)[0]
    for part, role in (("dendrites", "inputs"), ("synapse", "weight"),
                       ("cell body", "weighted sum"), ("threshold", "bias"),
                       ("axon", "output")):
        assert part in section and role in section, part
    assert "the analogy stops" in section
    assert "pulses" in section  # what a real neuron does that ours does not


def test_the_recap_names_the_eight_ideas_each_with_its_lesson() -> None:
    lesson = find_lesson(14)
    recap = lesson.text.split("## Looking back: eight ideas", 1)[1].split("\n## ", 1)[0]
    items = re.findall(r"(?m)^\d\. (.*(?:\n   .*)*)", recap)
    assert len(items) == 8
    ideas = ["neuron", "activation", "layer", "forward pass", "loss", "Backpropagation",
             "Gradient descent", "training loop"]
    slugs = {item.slug: item.number for item in LESSONS}
    for idea, item in zip(ideas, items, strict=True):
        assert f"**{idea}**" in item, (idea, item)
        links = re.findall(r"\[lesson (\d+)\]\(/lessons/([a-z0-9-]+)\)", item)
        assert links, f"{idea} links to no lesson"
        for number, slug in links:  # the link's words and its target agree
            assert slugs[slug] == int(number)
    for idea in ("weights", "gradient", "learning rate", "epoch"):
        assert f"**{idea}**" in recap


def test_the_training_cycle_reads_as_text_and_as_a_figure() -> None:
    lesson = find_lesson(14)
    steps = ["initialize", "forward", "loss", "backprop", "update", "repeat"]
    # the terminal and the notebooks: the words, with the cycle as a line and a list
    assert " → ".join(steps) in lesson.text.lower()
    listed = re.findall(r"(?m)^\d\. \*\*(\w+)\*\*", lesson.text.split("## The training cycle")[1])
    assert [word.lower() for word in listed] == steps
    assert "```diagram" not in lesson.text  # the figure's block is the page's only
    # the page: an SVG drawn from the lesson's diagram block, every step in it
    body = rendered(14).body
    figure = re.search(r'<figure class="diagram" data-diagram="cycle">(.*?)</figure>', body,
                       re.S)
    assert figure is not None
    svg = figure.group(1)
    labels = re.findall(r'font-weight="700" fill="#1c2230">([^<]+)</text>', svg)
    assert labels == ["Initialize", "Forward", "Loss", "Backprop", "Update"]
    assert ">repeat</text>" in svg and 'role="img"' in svg and "<title" in svg
    assert "style=" not in svg  # the page's policy forbids inline styles
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)"', svg)]
    assert min(sizes) >= 12  # in the SVG's units; the browser test measures pixels


def test_a_diagram_block_that_does_not_fit_its_format_is_refused() -> None:
    with pytest.raises(figures.DiagramError, match="Label: what happens"):
        figures.diagram("cycle", "Start: once\njust words\nB: then\n")
    with pytest.raises(figures.DiagramError, match="unknown diagram"):
        figures.diagram("spiral", "A: a\nB: b\nC: c\n")
    with pytest.raises(figures.DiagramError, match="at least two steps"):
        figures.diagram("cycle", "A: once\nB: only one\n")
    # a long step wraps inside its box instead of running out of it
    svg = figures.diagram("cycle", "A: once\nB: " + "word " * 30 + "\nC: c\n")
    lines = re.findall(r'font-size="13" fill="#1c2230">([^<]+)</text>', svg)
    assert len(lines) > 3 and max(len(line) for line in lines) <= figures.CHARS


def test_what_comes_next_covers_each_method_with_what_it_fixes() -> None:
    text = find_lesson(14).text
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if not p.startswith("- ")]
    for name in ("Momentum", "RMSprop", "Adam", "Dropout", "Batch normalisation",
                 "convolution", "recurrent network (RNN)", "Transformer"):
        home = [p for p in paragraphs if f"**{name}**" in p]
        assert len(home) == 1, name
        sentences = re.split(r"(?<=[.;:])\s+", home[0].split(f"**{name}**", 1)[1])
        assert len(sentences) >= 2, name
    # the playground holds what it can show: the optimizers and L2
    for link in ("pd=spirals&po=sgd", "pd=spirals&po=rmsprop", "pd=spirals&po=adam",
                 "pd=circles&pr=0.01"):
        assert f"(/explore#view=playground&{link})" in find_lesson(14).words


# --------------------------------------------------------------------------- one count
def test_one_lesson_count_everywhere(capsys) -> None:
    from pathlib import Path

    from neuronlab.cli import main
    from neuronlab.cli.learn import lesson_count
    from neuronlab.learn.catalog import EXERCISES

    count = len(LESSONS)
    assert lesson_count() == count == LESSONS[-1].number  # the files, the course, the last
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert readme.count(f"{count} lessons") >= 2
    assert f"{len(EXERCISES)} exercises" in readme
    for wrong in ("twelve lessons", "12 lessons", "closing page"):
        assert wrong not in readme
    with pytest.raises(SystemExit):
        main(["learn", "--help"])
    assert f"{count} lessons" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["learn", "lesson", "--help"])
    assert f"lesson number 1-{count}" in capsys.readouterr().out


def test_the_notebooks_link_lessons_to_their_notebooks() -> None:
    from neuronlab.learn.notebooks import notebook_text

    text = notebook_text(find_lesson(14))
    assert "/lessons/" not in text  # a lab address means nothing inside Jupyter
    linked = set(re.findall(r"\]\(/lessons/([a-z0-9-]+)\)", find_lesson(14).text))
    assert len(linked) >= 8
    for lesson in LESSONS:
        if lesson.slug in linked:
            assert f"]({lesson.notebook_name})" in text, lesson.notebook_name
