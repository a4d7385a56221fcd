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


class ArgumentError(NeuronlabError, TypeError):
    """A function or class was called with arguments it does not take (or without one it needs)."""


class NotFittedError(NeuronlabError, RuntimeError):
    """A model was used before it was compiled or given weights."""


class TrainingDivergedError(NeuronlabError, FloatingPointError):
    """The loss became NaN or infinite during training.

    ``epoch`` and ``batch`` say where (counted from 1, as in the message; None when
    the step ran outside ``fit``), ``loss`` is the value the loss took.

    >>> err = TrainingDivergedError("Epoch 3, batch 5: the loss became nan.",
    ...                             epoch=3, batch=5, loss=float("nan"))
    >>> err.epoch, err.batch
    (3, 5)
    """

    def __init__(self, message: str, *, epoch: int | None = None, batch: int | None = None,
                 loss: float | None = None) -> None:
        super().__init__(message)
        self.epoch = epoch
        self.batch = batch
        self.loss = loss

    @classmethod
    def from_loss(cls, loss: float, learning_rate: float, epoch: int | None = None,
                  batch: int | None = None, first_step: bool = False) -> TrainingDivergedError:
        """The error for a loss that became ``loss`` (NaN or infinite), with the fix.

        ``first_step``: no update had happened yet, so the weights are the starting ones
        and the learning rate played no part: the numbers were too large from the start.
        """
        where = f"Epoch {epoch}, batch {batch}: " if epoch is not None else ""
        if first_step:
            return cls(
                f"{where}The loss became {loss} (not a finite number) on the first batch, "
                "before any update: the inputs, the targets or the starting weights are too "
                "large for the arithmetic. Training stopped. Scale the inputs and the targets "
                "to around -1..1 (or build the model with dtype='float64').",
                epoch=epoch, batch=batch, loss=loss,
            )
        return cls(
            f"{where}The loss became {loss} (not a finite number): most likely the steps "
            f"overshot and the weights grew too large. Training stopped. Try a smaller "
            f"learning rate (now {learning_rate:g}; e.g. {learning_rate / 10:g}), or scale "
            f"the inputs and the targets to around -1..1.",
            epoch=epoch, batch=batch, loss=loss,
        )


class ModelFileError(NeuronlabError, ValueError):
    """A saved model file is missing, truncated, tampered with or of another version."""


class NeuronlabWarning(UserWarning):
    """Base class of every warning neuronlab gives."""


class UntrainedModelWarning(NeuronlabWarning):
    """A model predicted with weights nobody set: random starting weights, not learned ones."""
