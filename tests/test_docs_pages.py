"""docs/from-keras.md and docs/from-pytorch.md: every ```python block runs, in order, as
one script per page (the PyTorch page against real PyTorch)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
FENCE = re.compile(r"^```python\n(.*?)^```$", re.S | re.M)


def blocks(page: str) -> list[str]:
    return FENCE.findall((DOCS / page).read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", ["from-keras.md", "from-pytorch.md"])
def test_every_block_of_the_page_runs(page, tmp_path, monkeypatch):
    if page == "from-pytorch.md":
        pytest.importorskip("torch")
    found = blocks(page)
    assert len(found) >= 4
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__doc__"}
    for number, code in enumerate(found, start=1):
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(code, f"{page}#{number}", "exec"), namespace)


def test_the_pages_are_linked_and_the_differences_are_one_table():
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    assert "(docs/from-keras.md)" in readme and "(docs/from-pytorch.md)" in readme
    text = (DOCS / "keras-pytorch.md").read_text(encoding="utf-8")
    assert text.count("## Deliberate differences") == 1
    assert "(keras-pytorch.md#deliberate-differences)" in (DOCS / "from-keras.md").read_text(
        encoding="utf-8")
