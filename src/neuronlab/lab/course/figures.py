"""Figures a lesson draws with words: a ```` ```diagram KIND ```` block becomes inline SVG.

The block's lines are the figure's words, so the lesson file says what the figure says;
the page draws it on the server (no script, no inline style: presentation attributes
only). The terminal and the notebooks leave the block out: the lesson tells the same in
its text, right after the block.

``cycle``: the first line happens once, the others form a loop that goes back to the
second line. Each line is ``Label: what happens``.

>>> svg = diagram("cycle", "Start: once\\nA: first\\nB: then\\n")
>>> svg.startswith('<figure class="diagram" data-diagram="cycle">')
True
>>> [label for label in ("Start", "A", "B", "repeat") if f">{label}<" in svg]
['Start', 'A', 'B', 'repeat']
"""

from __future__ import annotations

import html
import itertools
import textwrap

WIDTH = 340  # the SVG's own units; the page scales it to its column
BOX_X, BOX_W = 8, 268
LOOP_X = 304  # where the arrow back up runs
LABEL_SIZE, TEXT_SIZE = 15, 13  # at WIDTH; the page never shows it smaller than ~340 px
LINE = 17
CHARS = 34  # a description line that fits BOX_W at TEXT_SIZE
GAP = 26  # between boxes: room for an arrow
INK, MUTED, PANEL, LINK, ACCENT = "#1c2230", "#4f5666", "#f3f4f7", "#767d8c", "#b35300"
_ids = itertools.count(1)


class DiagramError(ValueError):
    """A diagram block the page cannot draw (a bug in the lesson file)."""


def _steps(text: str) -> list[tuple[str, str]]:
    steps = []
    for line in text.strip().splitlines():
        label, sep, words = line.partition(":")
        if not sep or not label.strip():
            raise DiagramError(f"diagram line {line!r} is not 'Label: what happens'")
        steps.append((label.strip(), words.strip()))
    return steps


def cycle_svg(steps: list[tuple[str, str]], title: str) -> str:
    """A loop drawn top to bottom: the first step once, the rest repeated."""
    if len(steps) < 3:
        raise DiagramError("a cycle needs a first step and at least two steps to repeat")
    uid = f"dgm{next(_ids)}"
    e = html.escape
    parts, tops, height = [], [], 8
    for index, (label, words) in enumerate(steps):
        lines = textwrap.wrap(words, CHARS) or [""]
        box_h = 16 + LABEL_SIZE + LINE * len(lines)
        tops.append((height, box_h))
        dashed = ' stroke-dasharray="5 4"' if index == 0 else ""
        parts.append(f'<rect x="{BOX_X}" y="{height}" width="{BOX_W}" height="{box_h}" rx="8" '
                     f'fill="{PANEL}" stroke="{MUTED}" stroke-width="1.5"{dashed}/>')
        parts.append(f'<text x="{BOX_X + 12}" y="{height + 8 + LABEL_SIZE}" '
                     f'font-size="{LABEL_SIZE}" font-weight="700" fill="{INK}">{e(label)}</text>')
        for n, line in enumerate(lines):
            parts.append(f'<text x="{BOX_X + 12}" y="{height + 8 + LABEL_SIZE + LINE * (n + 1)}" '
                         f'font-size="{TEXT_SIZE}" fill="{INK}">{e(line)}</text>')
        height += box_h + GAP
    height -= GAP - 8
    middle = BOX_X + BOX_W // 2
    for (top, box_h), (next_top, _) in itertools.pairwise(tops):
        parts.append(f'<line x1="{middle}" y1="{top + box_h}" x2="{middle}" y2="{next_top - 3}" '
                     f'stroke="{MUTED}" stroke-width="2" marker-end="url(#{uid}-head)"/>')
    first_y = tops[1][0] + tops[1][1] // 2
    last_y = tops[-1][0] + tops[-1][1] // 2
    right = BOX_X + BOX_W
    parts.append(f'<path d="M {right} {last_y} H {LOOP_X} V {first_y} H {right + 4}" fill="none" '
                 f'stroke="{ACCENT}" stroke-width="2.5" marker-end="url(#{uid}-back)"/>')
    mid_y = (first_y + last_y) // 2
    parts.append(f'<text x="{LOOP_X + 16}" y="{mid_y}" font-size="{TEXT_SIZE}" '
                 f'font-weight="700" fill="{ACCENT}" text-anchor="middle" '
                 f'transform="rotate(-90 {LOOP_X + 16} {mid_y})">repeat</text>')
    heads = "".join(
        f'<marker id="{uid}-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        f'fill="{colour}"/></marker>' for name, colour in (("head", MUTED), ("back", ACCENT)))
    words = "; ".join(f"{label}: {text}" for label, text in steps)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
            f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="{uid}-t {uid}-d" '
            f'font-family="system-ui, -apple-system, Segoe UI, sans-serif">'
            f'<title id="{uid}-t">{e(title)}</title><desc id="{uid}-d">{e(words)}; then '
            f"back to {e(steps[1][0])}.</desc><defs>{heads}</defs>{''.join(parts)}</svg>")


DIAGRAMS = {"cycle": cycle_svg}


def diagram(kind: str, text: str) -> str:
    """The ``<figure>`` for a ``diagram KIND`` block whose lines are ``text``."""
    draw = DIAGRAMS.get(kind)
    if draw is None:
        raise DiagramError(f"unknown diagram {kind!r} (known: {', '.join(DIAGRAMS)})")
    steps = _steps(text)
    loop = " → ".join(label for label, _ in steps[1:])
    title = f"{steps[0][0]} once, then {loop}, and repeat"
    return (f'<figure class="diagram" data-diagram="{html.escape(kind)}">{draw(steps, title)}'
            f"<figcaption>{html.escape(title)}.</figcaption></figure>")
