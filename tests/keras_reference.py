"""Real Keras 3 on the PyTorch backend, for the tests that compare against it (a test
dependency only, like torch): ``keras_module()`` imports it or skips the test."""

from __future__ import annotations

import os
import warnings
from typing import Any

import pytest

# Keras 3 warns about NumPy 2's copy keyword inside its torch backend; not ours to fix.
KERAS_WARNINGS = pytest.mark.filterwarnings("ignore::DeprecationWarning",
                                            "ignore::UserWarning:keras.*")


def keras_module() -> Any:
    """``keras`` with the torch backend, or skip when keras or torch is not installed."""
    pytest.importorskip("torch")
    os.environ.setdefault("KERAS_BACKEND", "torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        keras = pytest.importorskip("keras")
    if keras.backend.backend() != "torch":
        pytest.skip(f"these comparisons run Keras on the torch backend, not "
                    f"{keras.backend.backend()!r} (set KERAS_BACKEND=torch)")
    return keras
