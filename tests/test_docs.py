"""docs/keras-pytorch.md: every neuronlab and PyTorch block runs, in order, as one script."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "keras-pytorch.md"
FENCE = re.compile(r"^```python(?: (\w+))?\n(.*?)^```$", re.S | re.M)


def blocks(kind: str) -> list[str]:
    """The code of every ```python block of ``kind`` ("" for neuronlab)."""
    return [code for tag, code in FENCE.findall(DOC.read_text(encoding="utf-8"))
            if (tag or "") == kind]


def test_the_page_shows_each_library_and_is_linked_from_the_readme():
    kinds = [tag or "" for tag, _ in FENCE.findall(DOC.read_text(encoding="utf-8"))]
    assert kinds.count("keras") >= 10 and kinds.count("") >= 10 and kinds.count("torch") >= 10
    assert set(kinds) == {"", "keras", "torch"}  # no block is left unmarked or unknown
    readme = (DOC.parents[1] / "README.md").read_text(encoding="utf-8")
    assert "(docs/keras-pytorch.md)" in readme


@pytest.mark.parametrize("kind", ["", "torch"], ids=["neuronlab", "pytorch"])
def test_every_block_runs(kind):
    if kind == "torch":
        pytest.importorskip("torch")
    namespace: dict[str, object] = {"__name__": "__doc__"}
    for number, code in enumerate(blocks(kind), start=1):
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(code, f"{DOC.name}:{kind or 'neuronlab'}#{number}", "exec"), namespace)
