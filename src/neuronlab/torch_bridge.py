"""Carry a trained model into PyTorch: ``to_torch(model)`` -> ``torch.nn.Sequential``.

Each ``Dense`` becomes a ``torch.nn.Linear`` with the same weights (both store ``W``
as ``(units, n_inputs)``, one row per neuron) followed by its activation module;
``Dropout`` becomes ``torch.nn.Dropout``; a softmax output becomes
``torch.nn.Softmax(dim=1)``. The PyTorch model uses the same float type as the
model (float64 models give float64 modules), so it computes the same numbers.

PyTorch is optional: it is imported only when ``to_torch`` is called, and its
absence raises :class:`TorchNotInstalledError` saying how to install it.

>>> from neuronlab import Dense, Sequential
>>> model = Sequential([Dense(4, activation="relu", input_shape=(2,)),
...                     Dense(3, activation="softmax")], seed=0)
>>> model.build()
>>> to_torch(model)  # doctest: +SKIP
Sequential(
  (0): Linear(in_features=2, out_features=4, bias=True)
  (1): ReLU()
  (2): Linear(in_features=4, out_features=3, bias=True)
  (3): Softmax(dim=1)
)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import ConfigError, NeuronlabError
from .layers import Dense, Dropout

if TYPE_CHECKING:
    from .model import Sequential


class TorchNotInstalledError(NeuronlabError, ImportError):
    """PyTorch is needed (for ``to_torch``) but is not installed."""


def _import_torch() -> Any:
    try:
        import torch
    except ImportError as exc:
        raise TorchNotInstalledError(
            f"to_torch needs PyTorch, which is not installed ({exc}). Install it with: "
            "pip install torch"
        ) from None
    return torch


def _activation_module(torch: Any, activation: Any) -> Any:
    """The module named by the activation's ``torch`` attribute, or None for the identity.

    The name is looked up in ``torch.nn``, then among the few modules PyTorch lacks
    (the step); the module is built with ``activation.torch_kwargs()``.
    """
    name = activation.torch
    if name == "Identity":
        return None  # nothing to add after the Linear
    module = getattr(torch.nn, name, None) if name else None
    module = module or _extra_modules(torch).get(name)
    if module is None:
        raise ConfigError(
            f"to_torch does not know a PyTorch module for activation {activation.name!r} "
            f"(its torch attribute is {name!r}). Set torch to the name of a torch.nn module, "
            f"e.g. torch = \"Softplus\", in the activation's class."
        )
    return module(**activation.torch_kwargs())


def to_torch(model: Sequential) -> Any:
    """An equivalent ``torch.nn.Sequential`` holding copies of ``model``'s weights.

    The result is in evaluation mode (dropout off), as :meth:`Sequential.predict`;
    call ``.train()`` on it to train it further in PyTorch.
    """
    torch = _import_torch()
    model.require_built("to_torch")
    dtype = torch.float64 if model.dtype == "float64" else torch.float32
    modules = []
    for layer in model.layers:
        if isinstance(layer, Dense):
            assert layer.n_inputs is not None
            linear = torch.nn.Linear(layer.n_inputs, layer.units, dtype=dtype)
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(layer.W.copy()))
                linear.bias.copy_(torch.from_numpy(layer.b.copy()))
            modules.append(linear)
            activation = _activation_module(torch, layer.activation)
            if activation is not None:
                modules.append(activation)
        elif isinstance(layer, Dropout):
            modules.append(torch.nn.Dropout(p=layer.rate))
        else:
            raise ConfigError(f"to_torch does not know a PyTorch module for {layer!r}.")
    return torch.nn.Sequential(*modules).eval()


def _extra_modules(torch: Any) -> dict[str, Any]:
    """Modules for activations ``torch.nn`` lacks, by the name their ``torch`` attribute gives."""

    class Step(torch.nn.Module):
        """The Heaviside step: ``1 if z > 0 else 0`` (gradient 0, as neuronlab's)."""

        def forward(self, z: Any) -> Any:
            return (z > 0).to(z.dtype)

    return {"Step": Step}
