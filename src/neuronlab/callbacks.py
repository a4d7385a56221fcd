"""Callbacks for ``fit``: :class:`Callback`, :class:`LambdaCallback`, :class:`EarlyStopping`
and :class:`History`. They live in :mod:`neuronlab.training.callbacks`; this module keeps
``from neuronlab.callbacks import ...`` working.

>>> from neuronlab.callbacks import EarlyStopping
>>> EarlyStopping(patience=2).patience
2
"""

from __future__ import annotations

from .training.callbacks import Callback, EarlyStopping, History, LambdaCallback, Logs

__all__ = ["Callback", "EarlyStopping", "History", "LambdaCallback", "Logs"]
