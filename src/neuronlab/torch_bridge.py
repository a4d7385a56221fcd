"""Carry a trained model into PyTorch: ``to_torch(model)`` -> ``torch.nn.Sequential``.

Each ``Dense`` becomes a ``torch.nn.Linear`` with the same weights (both store ``W``
as ``(units, n_inputs)``, one row per neuron) followed by its activation module;
``Dropout`` becomes ``torch.nn.Dropout``; a softmax output becomes
``torch.nn.Softmax(dim=1)``; ``Conv2D``, ``MaxPool2D`` and ``Flatten`` become
``Conv2d``, ``MaxPool2d`` and ``Flatten``, with permutes between NHWC and NCHW. The
PyTorch model uses the same float type as the model (float64 models give float64
modules), so it computes the same numbers.

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

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, NeuronlabError
from .layers import Layer
from .layers.conv import same_padding

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
    call ``.train()`` on it to train it further in PyTorch. It takes the same inputs
    as the model: images as NHWC ``(N, H, W, C)``; it permutes them to PyTorch's NCHW
    for its convolutions and back before a ``Flatten``, so the numbers match.
    """
    torch = _import_torch()
    model.require_built("to_torch")
    dtype = torch.float64 if model.dtype == "float64" else torch.float32
    extra = _extra_modules(torch)
    modules: list[Any] = []
    channels_first = False  # the layout of the tensor between modules
    for layer in model.layers:
        known = next((cls for cls in type(layer).__mro__ if cls.__name__ in _CONVERT), None)
        if known is None:
            raise ConfigError(f"to_torch does not know a PyTorch module for {layer!r}.")
        if any(getattr(type(layer), name, None) is not getattr(known, name, None)
               for name in ("forward", "preactivation")):
            raise ConfigError(
                f"{type(layer).__name__} computes its own forward, so {known.__name__}'s "
                f"PyTorch module would compute something else. to_torch converts the layers "
                f"it knows as they are; give your layer its own entry (docs/extending.md)."
            )
        kind = known.__name__
        wants_nchw = _CONVERT[kind][0]
        if wants_nchw is not None and wants_nchw != channels_first:
            modules.append(extra["Permute"]((0, 3, 1, 2) if wants_nchw else (0, 2, 3, 1)))
            channels_first = wants_nchw
        modules.extend(_CONVERT[kind][1](torch, layer, dtype))
    if channels_first:
        modules.append(extra["Permute"]((0, 2, 3, 1)))  # images come out NHWC, as the model's
    return torch.nn.Sequential(*modules).eval()


def _with_activation(torch: Any, module: Any, layer: Layer) -> list[Any]:
    activation = _activation_module(torch, layer.activation) if layer.activation else None
    return [module] if activation is None else [module, activation]


def _dense(torch: Any, layer: Any, dtype: Any) -> list[Any]:
    """``Dense`` -> ``Linear`` (both store ``W`` as ``(units, n_inputs)``) + activation."""
    linear = torch.nn.Linear(layer.n_inputs, layer.units, dtype=dtype)
    with torch.no_grad():
        linear.weight.copy_(torch.from_numpy(layer.W.copy()))
        linear.bias.copy_(torch.from_numpy(layer.b.copy()))
    return _with_activation(torch, linear, layer)


def _conv2d(torch: Any, layer: Any, dtype: Any) -> list[Any]:
    """``Conv2D`` -> (``ZeroPad2d`` for uneven "same" padding) + ``Conv2d`` + activation;
    the kernel ``(F, kh, kw, C)`` becomes PyTorch's ``(F, C, kh, kw)``."""
    H, W, C = layer.built_shape
    kh, kw = layer.kernel_size
    (top, bottom), (left, right) = ((same_padding(H, kh, layer.strides[0]),
                                     same_padding(W, kw, layer.strides[1]))
                                    if layer.padding == "same" else ((0, 0), (0, 0)))
    modules: list[Any] = []
    if (top, left) != (bottom, right):
        modules.append(torch.nn.ZeroPad2d((left, right, top, bottom)))
        top = left = 0
    conv = torch.nn.Conv2d(C, layer.filters, (kh, kw), stride=layer.strides,
                           padding=(top, left), bias=layer.use_bias, dtype=dtype)
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(layer.kernel.transpose(0, 3, 1, 2).copy()))
        if layer.use_bias:
            conv.bias.copy_(torch.from_numpy(layer.bias.copy()))
    return modules + _with_activation(torch, conv, layer)


# For each layer class: does it want NCHW (True), NHWC (False) or either (None), and
# the modules it becomes.
_CONVERT: dict[str, tuple[bool | None, Callable[[Any, Any, Any], list[Any]]]] = {
    "Dense": (None, _dense),
    "Dropout": (None, lambda torch, layer, dtype: [torch.nn.Dropout(p=layer.rate)]),
    "Flatten": (False, lambda torch, layer, dtype: [torch.nn.Flatten()]),
    "Conv2D": (True, _conv2d),
    "MaxPool2D": (True, lambda torch, layer, dtype: [
        torch.nn.MaxPool2d(layer.pool_size, stride=layer.strides)]),
}


def _extra_modules(torch: Any) -> dict[str, Any]:
    """Modules for activations ``torch.nn`` lacks, by the name their ``torch`` attribute gives."""

    class Step(torch.nn.Module):
        """The Heaviside step: ``1 if z > 0 else 0``. PyTorch passes no gradient through
        it (the comparison leaves the graph), where neuronlab passes a gradient of 0: the
        layers before it get ``None`` for a gradient, not zeros."""

        def forward(self, z: Any) -> Any:
            return (z > 0).to(z.dtype)

    class Permute(torch.nn.Module):
        """Reorders the axes, e.g. NHWC images to PyTorch's NCHW: ``(0, 3, 1, 2)``."""

        def __init__(self, order: tuple[int, ...]) -> None:
            super().__init__()
            self.order = order

        def forward(self, x: Any) -> Any:
            return x.permute(*self.order)

    return {"Step": Step, "Permute": Permute}
