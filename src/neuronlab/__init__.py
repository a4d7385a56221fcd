"""neuronlab: neural networks from one neuron up, computed in the open.

The public API, re-exported explicitly::

    from neuronlab import Dense, Sequential, SGD
    model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                        Dense(1, activation="sigmoid")])
    model.compile(optimizer=SGD(learning_rate=1.0), loss="mse")
"""

from __future__ import annotations

from . import (
    activations,
    callbacks,
    initializers,
    losses,
    metrics,
    optimizers,
    regularizers,
    schedules,
    utils,
)
from ._version import __version__
from .callbacks import Callback, EarlyStopping, History, LambdaCallback
from .diagrams import register_notebook_display
from .errors import (
    ArgumentError,
    ConfigError,
    DataError,
    ModelFileError,
    NeuronlabError,
    NeuronlabWarning,
    NotFittedError,
    ShapeError,
    TrainingDivergedError,
    UnknownNameError,
    UntrainedModelWarning,
)
from .io import load_model, save_model
from .layers import (
    Activation,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    Input,
    Layer,
    MaxPool2D,
    MaxPooling2D,
    Softmax,
)
from .losses import BinaryCrossentropy, CategoricalCrossentropy, MeanSquaredError
from .model import Sequential
from .models import Model
from .neuron import Layer as PyLayer
from .neuron import Network as PyNetwork
from .neuron import Neuron
from .optimizers import SGD, Adagrad, Adam, Adamax, AdamW, Nadam, RMSprop

register_notebook_display()  # pure-Python neurons draw themselves in Jupyter

# Submodules loaded on first use, as NumPy and SciPy do: after ``import neuronlab``,
# ``neuronlab.datasets.xor()`` or ``neuronlab.plots`` just work, and matplotlib, rich
# or Starlette are imported only by the parts that draw, print or serve.
_LAZY_SUBMODULES = frozenset({
    "cli", "datasets", "gradcheck", "lab", "learn", "plots", "stories", "torch_bridge", "tour",
    "models", "keras_files", "keras_reader", "onnx_export",
})


#: Keras modules neuronlab does not have, and what to use instead.
_KERAS_ONLY = {
    "ops": "write custom losses and metrics with NumPy (np.mean, np.square, ...): "
           "neuronlab computes in NumPy",
    "backend": "neuronlab has one backend, NumPy",
    "random": "draw random numbers with np.random.default_rng(seed)",
    "applications": "there are no pre-trained models; build and train your own",
    "preprocessing": "prepare the data with NumPy (and datasets.train_test_split)",
}


def __getattr__(name: str) -> object:
    if name in _LAZY_SUBMODULES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    if name in _KERAS_ONLY:
        raise AttributeError(f"neuronlab has no keras.{name}: {_KERAS_ONLY[name]}.")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _LAZY_SUBMODULES)

__all__ = [
    "SGD",
    "Activation",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "ArgumentError",
    "BinaryCrossentropy",
    "Callback",
    "CategoricalCrossentropy",
    "ConfigError",
    "Conv2D",
    "DataError",
    "Dense",
    "Dropout",
    "EarlyStopping",
    "Flatten",
    "History",
    "Input",
    "LambdaCallback",
    "Layer",
    "MaxPool2D",
    "MaxPooling2D",
    "MeanSquaredError",
    "Model",
    "ModelFileError",
    "Nadam",
    "Neuron",
    "NeuronlabError",
    "NeuronlabWarning",
    "NotFittedError",
    "PyLayer",
    "PyNetwork",
    "RMSprop",
    "Sequential",
    "ShapeError",
    "Softmax",
    "TrainingDivergedError",
    "UnknownNameError",
    "UntrainedModelWarning",
    "__version__",
    "activations",
    "callbacks",
    "initializers",
    "load_model",
    "losses",
    "metrics",
    "optimizers",
    "regularizers",
    "save_model",
    "schedules",
    "utils",
]
