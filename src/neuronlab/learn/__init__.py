"""The learning path: lessons, exercises the library checks, and retrieval questions.

``neuronlab learn`` in a terminal; in a notebook::

    from neuronlab.learn import check, hint
    check("neuron", my_neuron)      # the same verdicts as `neuronlab learn check`
    print(hint("neuron", 2))        # the second of its graded hints

>>> hint("relu", 1)
'ReLU lets positive numbers through unchanged and turns everything else into 0.'
"""

from __future__ import annotations

import importlib
from typing import Any

from .results import CaseResult, CheckResult

# Loaded on first use, so that the process running a learner's file can import the
# runner without the catalog (whose reference answers it must never see).
_LAZY = {"EXERCISES": ".catalog", "LESSONS": ".lessons", "check": ".checker",
         "check_file": ".checker"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def hint(exercise: str, level: int = 1) -> str:
    """Hint number ``level`` (1 = a nudge, the last = nearly the answer) for ``exercise``."""
    from .catalog import EXERCISES

    hints = EXERCISES.find(exercise).hints
    return hints[min(max(1, level), len(hints)) - 1]


__all__ = ["EXERCISES", "LESSONS", "CaseResult", "CheckResult", "check", "check_file", "hint"]
