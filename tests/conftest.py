"""Settings for the whole test session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def _own_lesson_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Rendered lessons go to a folder of this session (labs the tests start inherit it),
    not to the user's ~/.cache."""
    folder = tmp_path_factory.mktemp("cache")
    before = {name: os.environ.get(name) for name in ("XDG_CACHE_HOME", "NEURONLAB_CACHE_DIR")}
    os.environ["XDG_CACHE_HOME"] = str(folder)
    os.environ.pop("NEURONLAB_CACHE_DIR", None)
    yield folder
    for name, value in before.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
