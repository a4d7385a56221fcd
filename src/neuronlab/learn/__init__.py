"""The learning path: lessons, exercises the library checks, and retrieval questions.

``neuronlab learn`` in a terminal; in a notebook::

    from neuronlab.learn import check, hint
    check("neuron", my_neuron)      # the same verdicts as `neuronlab learn check`
    print(hint("neuron", 2))        # the second of its graded hints

>>> hint("relu", 1)
'ReLU lets positive numbers through unchanged and turns everything else into 0.'
"""

from __future__ import annotations

from .catalog import EXERCISES
from .checker import check, check_file
from .lessons import LESSONS
from .results import CaseResult, CheckResult


def hint(exercise: str, level: int = 1) -> str:
    """Hint number ``level`` (1 = a nudge, the last = nearly the answer) for ``exercise``."""
    hints = EXERCISES.find(exercise).hints
    return hints[min(max(1, level), len(hints)) - 1]


__all__ = ["EXERCISES", "LESSONS", "CaseResult", "CheckResult", "check", "check_file", "hint"]
