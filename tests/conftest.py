"""Settings for the whole test session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# One BLAS thread per process: the tests' matrices are small, and the test workers, the
# labs and the browser they start share the machine's cores; OpenBLAS threads waiting
# for a busy core made single tests several times slower. This process's limit also
# holds for everything it starts (labs, kernels, the command line) through the
# environment. A value set outside the tests is kept. (pytest reads this file before
# anything imports NumPy, so NumPy's BLAS starts with these limits.)
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")


@pytest.fixture(autouse=True, scope="session")
def _own_lesson_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Rendered lessons go to a folder of this test run (labs the tests start inherit it),
    not to the user's ~/.cache. Parallel workers (pytest -n) share it, so each lesson is
    rendered once per run: the cache writes each file whole, under a temporary name."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = shared / "cache"
    folder.mkdir(exist_ok=True)
    before = {name: os.environ.get(name) for name in ("XDG_CACHE_HOME", "NEURONLAB_CACHE_DIR")}
    os.environ["XDG_CACHE_HOME"] = str(folder)
    os.environ.pop("NEURONLAB_CACHE_DIR", None)
    yield folder
    for name, value in before.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
