"""The exceptions neuronlab raises.

Every error derives from :class:`NeuronlabError` *and* from the builtin exception a
Python user would expect (``ValueError`` for bad values, ``RuntimeError`` for calls
made in the wrong order), so ``except ValueError`` keeps working.

Messages follow one pattern: what happened, what was expected, what was received,
and how to fix it.
"""

from __future__ import annotations


class NeuronlabError(Exception):
    """Base class of every error raised by neuronlab."""


class ShapeError(NeuronlabError, ValueError):
    """An array has the wrong shape, e.g. the wrong number of input features."""


class DataError(NeuronlabError, ValueError):
    """Data is empty, non-numeric, or contains NaN or infinity."""


class UnknownNameError(NeuronlabError, ValueError):
    """A name (activation, loss, optimizer, data set...) is not one neuronlab knows."""


class ConfigError(NeuronlabError, ValueError):
    """An argument has an invalid value, e.g. a negative learning rate."""


class NotFittedError(NeuronlabError, RuntimeError):
    """A model was used before it was compiled or given weights."""


class TrainingDivergedError(NeuronlabError, FloatingPointError):
    """The loss became NaN or infinite during training."""


class ModelFileError(NeuronlabError, ValueError):
    """A saved model file is missing, truncated, tampered with or of another version."""
