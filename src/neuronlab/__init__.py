"""neuronlab: neural networks from one neuron up, computed in the open.

The public API, re-exported explicitly::

    from neuronlab import Dense, Sequential, SGD
    model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                        Dense(1, activation="sigmoid")])
    model.compile(optimizer=SGD(learning_rate=1.0), loss="mse")
"""

from __future__ import annotations

from . import activations, callbacks, initializers, losses, metrics, optimizers
from ._version import __version__
from .callbacks import Callback, EarlyStopping, History, LambdaCallback
from .diagrams import register_notebook_display
from .errors import (
    ConfigError,
    DataError,
    ModelFileError,
    NeuronlabError,
    NotFittedError,
    ShapeError,
    TrainingDivergedError,
    UnknownNameError,
)
from .io import load_model, save_model
from .layers import Dense, Dropout, Layer
from .losses import BinaryCrossentropy, CategoricalCrossentropy, MeanSquaredError
from .model import Sequential
from .neuron import Layer as PyLayer
from .neuron import Network as PyNetwork
from .neuron import Neuron
from .optimizers import SGD, Adam, RMSprop

register_notebook_display()  # pure-Python neurons draw themselves in Jupyter

__all__ = [
    "SGD",
    "Adam",
    "BinaryCrossentropy",
    "Callback",
    "CategoricalCrossentropy",
    "ConfigError",
    "DataError",
    "Dense",
    "Dropout",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "Layer",
    "MeanSquaredError",
    "ModelFileError",
    "Neuron",
    "NeuronlabError",
    "NotFittedError",
    "PyLayer",
    "PyNetwork",
    "RMSprop",
    "Sequential",
    "ShapeError",
    "TrainingDivergedError",
    "UnknownNameError",
    "__version__",
    "activations",
    "callbacks",
    "initializers",
    "load_model",
    "losses",
    "metrics",
    "optimizers",
    "save_model",
]
