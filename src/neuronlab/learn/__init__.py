"""The learning path: lessons, exercises the library checks, and retrieval questions.

``neuronlab learn`` in a terminal; in a notebook::

    from neuronlab.learn import check
    check("neuron", my_neuron)      # the same verdicts as `neuronlab learn check`
"""

from __future__ import annotations

from .catalog import EXERCISES
from .checker import check, check_file
from .results import CaseResult, CheckResult

__all__ = ["EXERCISES", "CaseResult", "CheckResult", "check", "check_file"]
