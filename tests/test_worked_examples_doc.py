"""The worked-examples page of the docs runs as written: every number on it is computed."""

from __future__ import annotations

import doctest
from pathlib import Path

import numpy as np

PAGE = Path(__file__).resolve().parent.parent / "docs" / "worked-examples.md"


def test_worked_examples_page_runs_as_a_doctest() -> None:
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        result = doctest.testfile(str(PAGE), module_relative=False, verbose=False,
                                  optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 30
    assert result.failed == 0


def test_every_section_is_numbered_in_order() -> None:
    headings = [line for line in PAGE.read_text(encoding="utf-8").splitlines()
                if line.startswith("## §")]
    assert [h.split()[1] for h in headings] == [f"§{i}" for i in range(1, 10)]
