"""A lesson file as HTML: Markdown, math as MathML, code with its output, widget places.

The lesson's Markdown is cut into pieces first: code blocks and the ``<!-- widget -->``
and ``<!-- recall -->`` markers become placeholders, ``{{ expression:spec }}`` numbers
are filled from the lesson's own code (:func:`neuronlab.learn.sources.fill_numbers`,
as ``Lesson.text`` does), ``$...$`` and ``$$...$$`` TeX becomes MathML (latex2mathml,
on the server: the page needs no script to show a formula). markdown-it renders the
rest; every heading and every top-level paragraph or list gets an id, so that search
results can point at their place.

>>> html = math_html("z = w x + b")
>>> html.startswith('<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">')
True
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from latex2mathml.converter import convert as latex_to_mathml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ...learn.sources import Widget, fill_numbers

FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<code>.*?)^```[ \t]*$", re.M | re.S)
MARKER = re.compile(r"^<!--\s*(?P<kind>widget|recall)\b(?P<rest>.*?)-->[ \t]*$", re.M | re.S)
COMMENT = re.compile(r"<!--.*?-->", re.S)
INLINE_CODE = re.compile(r"(`+)(?:.+?)\1", re.S)
DISPLAY_MATH = re.compile(r"\$\$(?P<tex>.+?)\$\$", re.S)
INLINE_MATH = re.compile(r"(?<![\\$\w])\$(?P<tex>[^\s$](?:[^$\n]*?[^\s\\$])?)\$(?![\d$])")
HOLE = re.compile(r"NLHOLE(?P<n>\d+)X")
QUESTIONS = re.compile(r"NLQA(?P<n>\d+)X")  # where a ``questions`` block was (never shown)
#: Where one sentence ends and the next begins: after . ! or ? (and a closing quote or
#: bracket), before anything but a lower-case letter ("e.g. the bias" goes on).
SENTENCE_END = re.compile(r"[.!?][)\"”’']*$")
SENTENCE_GAP = re.compile(r"(?<=[.!?])[)\"”’']*(?P<gap>\s+)(?=[^\sa-z])")
STYLE_ATTRIBUTE = re.compile(r'\sstyle="[^"]*"')


@dataclass(frozen=True)
class Passage:
    """A paragraph (or a list) of a lesson under its heading: what search finds."""

    anchor: str
    heading: str
    heading_anchor: str
    text: str
    widget: str = ""  # the id of the widget in the same section, if it has one
    terms: str = ""  # the words it puts in bold: the terms it defines
    #: its sentences, in order; sentence ``i`` (from 1) has the id ``{anchor}-s{i}`` on
    #: the page (a ``<span class="s">``), so an answer can link to the very sentence
    sentences: tuple[str, ...] = ()


@dataclass
class Rendered:
    """A lesson's body as HTML, and its passages."""

    body: str
    passages: list[Passage] = field(default_factory=list)
    widgets: list[tuple[str, Widget]] = field(default_factory=list)  # (element id, widget)
    has_recall: bool = False
    #: for each ``questions`` block, in order: the anchor of the passage just before it
    questions_after: list[str] = field(default_factory=list)
    #: the answers of the lesson's ``questions`` entries, numbers filled in
    answers: list[str] = field(default_factory=list)


def math_html(tex: str, display: bool = False) -> str:
    """MathML for ``tex``; the TeX itself, as code, if it cannot be converted."""
    try:
        mathml = latex_to_mathml(tex.strip(), display="block" if display else "inline")
    except Exception:  # a formula latex2mathml does not know: show its source
        return f'<code class="tex">{html.escape(tex)}</code>'
    return STYLE_ATTRIBUTE.sub("", mathml)  # the page's policy forbids inline styles


def _md() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


MD = _md()


def slugify(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _strong(inline: Token) -> str:
    """The words of an inline token that are in bold (``**term**``)."""
    parts, depth = [], 0
    for child in inline.children or []:
        depth += {"strong_open": 1, "strong_close": -1}.get(child.type, 0)
        if depth and child.type in ("text", "code_inline"):
            parts.append(child.content)
    return " ".join(parts)


def _plain(inline: Token | None) -> str:
    """The words of an inline token: text and code, without markup."""
    if inline is None or not inline.children:
        return inline.content if inline is not None else ""
    parts = []
    for child in inline.children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _span(anchor: str, number: int) -> Token:
    token = Token("html_inline", "", 0)
    token.content = f'<span class="s" id="{anchor}-s{number}">'
    return token


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _close() -> Token:
    token = Token("html_inline", "", 0)
    token.content = "</span>"
    return token


def _sentences(inline: Token, anchor: str, before: int,
               words_of: Callable[[str], str]) -> list[str]:
    """Wrap each sentence of ``inline`` (a paragraph's or list item's words) in
    ``<span class="s" id="{anchor}-s{i}">``, numbering on from ``before``, and return the
    sentences' words. Sentences end only outside bold, italics, links and code."""
    children = inline.children or []
    if not children:
        return []
    out: list[Token] = [_span(anchor, before + 1)]
    sentences: list[str] = [""]
    depth = 0

    def cut() -> None:
        if sentences[-1].strip():
            out.append(_close())
            sentences.append("")
            out.append(_span(anchor, before + len(sentences)))

    for position, child in enumerate(children):
        if child.type.endswith("_open"):
            depth += 1
        elif child.type.endswith("_close"):
            depth -= 1
        if child.type == "text" and depth == 0:
            text = child.content
            if (text[:1].isspace() and text.strip() and not text.strip()[0].islower()
                    and SENTENCE_END.search(sentences[-1].rstrip())):
                space = text[:len(text) - len(text.lstrip())]
                out.append(_text(space))
                cut()  # the sentence ended just before this text (after bold or code)
                text = text.lstrip()
            at = 0
            for gap in SENTENCE_GAP.finditer(text):
                out.append(_text(text[at:gap.end("gap")]))  # the space stays in the page
                sentences[-1] += words_of(text[at:gap.start("gap")])
                cut()
                at = gap.end("gap")
            out.append(_text(text[at:]))
            sentences[-1] += words_of(text[at:])
            continue
        out.append(child)
        if child.type in ("text", "code_inline"):
            sentences[-1] += words_of(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            sentences[-1] += " "
            after = children[position + 1] if position + 1 < len(children) else None
            starts = (after.content.lstrip()[:1] if after is not None and after.type == "text"
                      else "X" if after is not None else "")
            if (depth == 0 and starts and not starts.islower()
                    and SENTENCE_END.search(sentences[-1].rstrip())):
                cut()
    out.append(_close())
    inline.children = out
    return [re.sub(r"\s+", " ", s).strip() for s in sentences if s.strip()]


def render_markdown(markdown: str, *, block: Callable[[str, dict[str, Any]], str],
                    namespace: Callable[[], dict[str, Any]], where: str) -> Rendered:
    """Render a lesson's Markdown. ``block(kind, data)`` gives the HTML of a code block
    (kind ``"fence"``, data ``info``/``code``), a widget (``"widget"``, data
    ``widget``/``id``) or the recall place (``"recall"``); ``namespace()`` the names that
    fill ``{{ }}`` numbers (asked for only when the text has any)."""
    holes: list[str] = []  # HTML that replaces NLHOLE<n>X
    texts: list[str] = []  # a hole's words for search (math: its TeX)
    rendered = Rendered("")
    widget_ids: set[str] = set()

    def hole(content: str, words: str = "") -> str:
        holes.append(content)
        texts.append(words)
        return f"NLHOLE{len(holes) - 1}X"

    # 1. code blocks and markers become paragraphs of their own
    pieces: list[str] = []
    at = 0
    found = sorted([(m.start(), m.end(), "fence", m) for m in FENCE.finditer(markdown)] +
                   [(m.start(), m.end(), "marker", m) for m in MARKER.finditer(markdown)],
                   key=lambda item: item[0])
    for start, end, kind, match in found:
        if start < at:  # a marker inside a code block is code
            continue
        pieces.append(markdown[at:start])
        if kind == "fence" and match.group("info").split()[:1] == ["questions"]:
            content = f"NLQA{len(rendered.questions_after)}X"
            rendered.questions_after.append("")
            pieces += ["\n\n", content, "\n\n"]
            at = end
            continue
        if kind == "fence":
            content = block("fence", {"info": match.group("info").strip(),
                                      "code": match.group("code")})
        elif match.group("kind") == "recall":
            rendered.has_recall = True
            content = block("recall", {})
        else:
            name, _, settings = match.group("rest").strip().lstrip(":").strip().partition(" ")
            widget = Widget(name, json.loads(settings) if settings.strip() else {})
            wid = slugify(f"widget-{name}", widget_ids)
            rendered.widgets.append((wid, widget))
            content = block("widget", {"widget": widget, "id": wid})
        pieces.append(f"\n\n{hole(content, '')}\n\n" if content else "\n\n")
        at = end
    pieces.append(markdown[at:])
    text = "".join(pieces)

    # 2. numbers from the library (never inside code: its braces are Python's)
    if "{{" in text:
        text = fill_numbers(text, namespace(), where)

    # 3. math, outside inline code
    def math(segment: str) -> str:
        segment = DISPLAY_MATH.sub(
            lambda m: hole(math_html(m.group("tex"), True), m.group("tex")), segment)
        return INLINE_MATH.sub(lambda m: hole(math_html(m.group("tex")), m.group("tex")),
                               segment)

    out, at = [], 0
    for code in INLINE_CODE.finditer(text):
        out += [math(text[at:code.start()]), code.group(0)]
        at = code.end()
    out.append(math(text[at:]))
    text = COMMENT.sub("", "".join(out))

    # 4. Markdown, with ids on headings and top-level blocks
    tokens = MD.parse(text)
    taken: set[str] = set()
    heading, heading_anchor, count = "", "", 0
    section: list[int] = []  # passages of the current section (to attach its widget)
    section_widget = ""

    def words_of(s: str) -> str:
        return HOLE.sub(lambda m: texts[int(m.group("n"))], s)

    def close_section() -> None:
        if section_widget:
            for index in section:
                p = rendered.passages[index]
                rendered.passages[index] = replace(p, widget=section_widget)

    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            inline = tokens[index + 1]
            close_section()
            section, section_widget = [], ""
            heading = words_of(_plain(inline)).strip()
            heading_anchor = slugify(heading, taken)
            token.attrSet("id", heading_anchor)
        elif token.level == 0 and token.type in ("paragraph_open", "bullet_list_open",
                                                  "ordered_list_open", "blockquote_open",
                                                  "table_open"):
            inline_text = ""
            if token.type == "paragraph_open":
                inline_text = tokens[index + 1].content
                qa = QUESTIONS.fullmatch(inline_text.strip())
                if qa:  # a questions block: its answers rest on the passage before it
                    rendered.questions_after[int(qa.group("n"))] = (
                        rendered.passages[-1].anchor if rendered.passages else "")
                    continue
                only = HOLE.fullmatch(inline_text.strip())
                if only and not texts[int(only.group("n"))]:  # a code block or widget
                    for wid, _ in rendered.widgets:
                        if f'id="{wid}"' in holes[int(only.group("n"))]:
                            section_widget = section_widget or wid
                    continue
            count += 1
            anchor = f"p{count}"
            token.attrSet("id", anchor)
            closing = token.type.replace("_open", "_close")
            words, terms = [], []
            sentences: list[str] = []
            for inner in tokens[index + 1:]:
                if inner.type == closing and inner.level == 0:
                    break
                if inner.type == "inline":
                    words.append(words_of(_plain(inner)))
                    terms.append(words_of(_strong(inner)))
                    if token.type != "table_open":
                        sentences += _sentences(inner, anchor, len(sentences), words_of)
            passage = " ".join(w.strip() for w in words if w.strip()) or inline_text
            section.append(len(rendered.passages))
            rendered.passages.append(Passage(anchor, heading, heading_anchor, passage,
                                             terms=" ".join(t for t in terms if t),
                                             sentences=tuple(sentences)))
    close_section()
    body = MD.renderer.render(tokens, MD.options, {})
    body = re.sub(r"<p>\s*(NLHOLE\d+X)\s*</p>", r"\1", body)
    body = re.sub(r"<p>\s*NLQA\d+X\s*</p>\n?", "", body)
    rendered.body = HOLE.sub(lambda m: holes[int(m.group("n"))], body)
    return rendered
