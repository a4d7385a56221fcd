"""The version of neuronlab (one place, read by the package and by saved model files)."""

__version__ = "0.1.0"
