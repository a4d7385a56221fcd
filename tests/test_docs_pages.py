"""docs/from-keras.md, docs/from-pytorch.md and docs/extending.md: every ```python block
runs, in order, as one script per page (the PyTorch page against real PyTorch)."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
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


def test_the_extending_page_runs_in_a_process_of_its_own(tmp_path):
    # its code registers an activation: a process of its own keeps the table of this one
    code = "\n".join(blocks("extending.md"))
    assert "class Softsign" in code
    check = ("\nfrom neuronlab import activations\n"
             "assert 'softsign' in activations.names()\n")
    try:
        import torch  # noqa: F401
        check += ("import torch\nnet = model.to_torch()\n"
                  "assert any(isinstance(m, torch.nn.Softsign) for m in net.modules())\n")
    except ImportError:
        pass
    done = subprocess.run([sys.executable, "-c", code + check], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "MPLBACKEND": "Agg"})
    assert done.returncode == 0, done.stderr
