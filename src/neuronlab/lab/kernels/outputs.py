"""What a cell shows, as the page gets it: text and images, in order, bounded in size.

Text is cut at :data:`OUTPUT_CHARS` characters, at most :data:`MAX_IMAGES` PNG images of
at most :data:`IMAGE_CHARS` base64 characters each; terminal colours are taken out.

>>> strip_ansi("\\x1b[0;31mZeroDivisionError\\x1b[0m: division by zero")
'ZeroDivisionError: division by zero'
"""

from __future__ import annotations

import re
from typing import Any

OUTPUT_CHARS = 100_000
MAX_IMAGES = 20
IMAGE_CHARS = 4 * 1024 * 1024  # base64 characters of one image

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def clean_text(text: str) -> str:
    """``text`` that can be sent as UTF-8: a lone surrogate becomes U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


class Outputs:
    """What one cell showed, in order, bounded in size."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.chars = 0
        self.images = 0
        self.cut = False
        self.generation = 0  # changes when shown items change in place (cursors restart)

    def _text(self, text: str) -> str:
        text = clean_text(text)
        room = OUTPUT_CHARS - self.chars
        if len(text) > room:
            self.cut = True
            text = text[:max(room, 0)]
        self.chars += len(text)
        return text

    def stream(self, name: str, text: str) -> None:
        text = self._text(text)
        if not text:
            return
        last = self.items[-1] if self.items else None
        if last and last["type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self.items.append({"type": "stream", "name": name, "text": text})

    def data(self, kind: str, bundle: dict[str, Any], display_id: str | None = None) -> None:
        """A result or a display; ``display_id`` names one a later update replaces."""
        item = self._item(kind, bundle)
        if item is None:
            return
        if display_id:
            item["display_id"] = display_id
        self.items.append(item)

    def update(self, bundle: dict[str, Any], display_id: str) -> None:
        """A display updated in place (a progress bar): the new one takes the old's place."""
        for k, old in enumerate(self.items):
            if old.get("display_id") == display_id:
                if old["type"] == "image":
                    self.images -= 1
                else:
                    self.chars -= len(old.get("text", ""))
                new = self._item(old["type"], bundle)
                self.generation += 1
                if new is None:
                    del self.items[k]
                else:
                    self.items[k] = {**new, "display_id": display_id}
                return

    def _item(self, kind: str, bundle: dict[str, Any]) -> dict[str, Any] | None:
        png = bundle.get("image/png")
        if isinstance(png, str):
            if self.images >= MAX_IMAGES or len(png) > IMAGE_CHARS:
                self.cut = True
                return None
            self.images += 1
            return {"type": "image", "png": png.replace("\n", "")}
        text = bundle.get("text/plain")
        if isinstance(text, str):
            text = self._text(strip_ansi(text))
            if text:
                return {"type": kind, "text": text}
        return None

    def error(self, content: dict[str, Any]) -> None:
        lines = [strip_ansi(str(line)) for line in content.get("traceback", [])]
        text = "\n".join(lines) or f"{content.get('ename')}: {content.get('evalue')}"
        self.items.append({"type": "error", "ename": str(content.get("ename", "")),
                           "text": self._text(text)})

    def note(self, text: str) -> None:
        self.items.append({"type": "note", "text": text})

    def clear(self) -> None:
        self.items, self.chars, self.images = [], 0, 0
        self.generation += 1

    def since(self, generation: int, item: int, chars: int) -> dict[str, Any]:
        """What is new after the cursor ``(generation, item, chars)`` a page holds.

        ``outputs`` continue the page's list: the first one extends item ``start``
        (its text from character ``chars`` on) or, when ``start`` is the length of the
        page's list, is new. ``reset`` means the page's list is replaced as a whole.
        """
        items = [{k: v for k, v in item.items() if k != "display_id"} for item in self.items]
        reset = generation != self.generation or item > len(items) or item < 0
        if reset:
            start, new = 0, items
        else:
            start, new = item, items[item:]
            if new and chars > 0:
                first = dict(new[0])
                if "text" in first and chars <= len(first["text"]):
                    first["text"] = first["text"][chars:]
                    new = [first, *new[1:]]
                else:  # an image or a note cannot grow: the page has it already
                    new = new[1:]
                    start += 1
        last = items[-1] if items else None
        cursor = {"generation": self.generation, "item": max(len(items) - 1, 0),
                  "chars": len(last["text"]) if last and "text" in last else 0}
        if last is not None and "text" not in last:
            cursor["item"], cursor["chars"] = len(items), 0
        cut = self.to_list()[-1]["text"] if self.cut else None
        return {"reset": reset, "start": start, "outputs": new, "cursor": cursor, "cut": cut}

    def to_list(self) -> list[dict[str, Any]]:
        items = [{k: v for k, v in item.items() if k != "display_id"} for item in self.items]
        if self.cut:
            return [*items, {"type": "note", "text": (
                f"The output was cut: a cell shows at most {OUTPUT_CHARS:,} characters and "
                f"{MAX_IMAGES} images.")}]
        return items
