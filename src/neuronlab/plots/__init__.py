"""Pictures of everything neuronlab computes, drawn with matplotlib (worked example §9).

Every function returns a ``matplotlib.figure.Figure`` built without pyplot, so it
works in scripts, notebooks (the figure displays itself) and on machines with no
screen; save it with ``fig.savefig("name.png")``.

* :func:`plot_activations` - each activation and its derivative.
* :func:`plot_neuron` - one neuron with every input, weight, product, sum, bias, z, y.
* :func:`plot_network` - a network's nodes, weights (colour = sign, width = size), biases.
* :func:`plot_decision_boundary` - where a 2-input model changes its answer.
* :func:`plot_hidden_boundaries` - the line each first-layer neuron draws.
* :func:`plot_history` - loss and metrics per epoch, training against validation.
* :func:`animate_training` - a GIF of the boundary and the loss while a model trains.
* :func:`save_tour_figures` - the tour's pictures as PNGs.

>>> from neuronlab import Neuron, plots
>>> fig = plots.plot_decision_boundary(Neuron([1, 1], -1.5, "step"),
...                                    [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 0, 1])
>>> from matplotlib.figure import Figure
>>> isinstance(fig, Figure)
True
"""

from __future__ import annotations

from ._common import DPI
from .animation import TrainingAnimation, animate_training
from .boundaries import plot_decision_boundary, plot_hidden_boundaries
from .curves import plot_activations, plot_history
from .drawings import plot_network, plot_neuron
from .tour import (
    plot_gates,
    plot_xor_comparison,
    save_tour_figures,
    train_xor,
    xor_network,
)

__all__ = [
    "DPI",
    "TrainingAnimation",
    "animate_training",
    "plot_activations",
    "plot_decision_boundary",
    "plot_gates",
    "plot_hidden_boundaries",
    "plot_history",
    "plot_network",
    "plot_neuron",
    "plot_xor_comparison",
    "save_tour_figures",
    "train_xor",
    "xor_network",
]
