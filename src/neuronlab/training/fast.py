"""The training step with the speed work in it: the same math as
:func:`~neuronlab.training.trainer.train_step`, arranged so NumPy does less.

Used when ``model.fast`` is true (the default); ``Sequential(..., fast=False)`` trains
through the plain path, the one to read. tests/test_fast_path.py trains both ways and
compares the weights. What changes here, and why:

- **In-place BLAS products.** ``grad_W = grad_z.T @ x`` is written into a gradient
  array that lives as long as the layer (``np.dot(..., out=...)``), so no new array is
  allocated per step; ``np.dot`` has less overhead per call than ``@``.
- **Sums as products with ones.** ``grad_b = grad_z.sum(0)`` is ``ones @ grad_z``, and
  softmax's row sums are ``e @ ones``: one BLAS call, 3-4x cheaper than NumPy's
  reduction on the small arrays of a training step (the same sum, added up in another
  order, so equal to about 1e-7, not bit for bit).
- **Row maxima down the first axis.** NumPy reduces a short last axis one row at a
  time (about 40 ns a row); down the first axis it compares whole rows with vector
  instructions: 1.5x faster for a batch of 32 rows of 10 classes, 12x for 4,096.
- **One flat array for all weights.** Every weight and gradient of the model is moved
  into one flat array each (the layers keep views with the same names and shapes), so
  plain SGD updates everything with one NumPy call instead of two per layer.
- **Reused batch buffers.** The shuffled rows of each batch are gathered into one
  buffer instead of a new array every step.
- **Loss values as dot products**: mean squared error as ``vdot(diff, diff) / size``,
  cross-entropy as ``-vdot(Y, log p) / N``.
- **Predictions** (``predict``, ``evaluate``, validation) take the same forward pass,
  without keeping what backward would need.

>>> import numpy as np
>>> from neuronlab import SGD, Dense, Sequential, datasets
>>> X, y = datasets.xor()
>>> model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
...                     Dense(1, activation="sigmoid")], seed=0)
>>> model.compile(optimizer=SGD(learning_rate=1.0), loss="mse")
>>> step = Step(model)
>>> loss, y_pred = step(X.astype(np.float32), y.reshape(-1, 1).astype(np.float32))
>>> flat_values, flat_grads = step.flat
>>> model.layers[0].W.base is flat_values
True
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from ..activations import Softmax
from ..errors import TrainingDivergedError
from ..layers import Dense, Layer
from ..losses import CategoricalCrossentropy, MeanSquaredError

if TYPE_CHECKING:
    from ..model import Sequential

FlatParameters = tuple[np.ndarray, np.ndarray]


@functools.lru_cache(maxsize=64)
def ones(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """A shared read-only array of ones, for sums written as BLAS products."""
    result = np.ones(shape, dtype)
    result.flags.writeable = False
    return result


def matmul_into(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``a @ b`` written into ``out``. ``np.dot`` is the same BLAS product with less
    overhead per call, but it takes only an ``out`` of the exact result dtype."""
    if a.dtype == b.dtype == out.dtype:
        return np.dot(a, b, out=out)
    return np.matmul(a, b, out=out)


def column_sums(a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``a.sum(axis=0)`` written into ``out``, as ``ones @ a``."""
    return matmul_into(ones((len(a),), a.dtype), a, out)


def row_max(z: np.ndarray) -> np.ndarray:
    """``z.max(axis=-1, keepdims=True)``: the same values, taken over a transposed copy."""
    return np.ascontiguousarray(z.T).max(axis=0).T[..., np.newaxis]


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax over each row, with the row maximum and row sums taken the fast way."""
    e = np.exp(z - row_max(z))
    e /= np.dot(e, ones((e.shape[-1], 1), e.dtype))
    return e


def supports(model: Sequential) -> bool:
    """True when every layer takes flat samples ``(N, features)``: the models this module
    was written for. Models on images (``Conv2D``, ``MaxPool2D``, ``Flatten``) run each
    layer's own ``forward``/``backward`` through :func:`~neuronlab.training.trainer.train_step`."""
    if not all(layer.trainable for layer in model.layers):
        return False  # a frozen layer: the plain step, whose optimizer skips its weights
    shape = model.input_shape
    return (shape is None or len(shape) == 1) and all(
        layer.built_shape is None or len(layer.built_shape) == 1 for layer in model.layers)


def is_plain_dense(layer: Layer) -> bool:
    """A ``Dense`` whose forward and backward are the library's own (not a subclass')."""
    return type(layer) is Dense and layer.use_bias


def pack(layers: list[Layer]) -> FlatParameters | None:
    """Put every weight of ``layers`` in one flat array and every gradient in another,
    leaving views in the layers (same names, shapes and numbers); ``(values, grads)``.

    Layers already packed together are left as they are. Returns None (nothing moved)
    when a layer other than a plain ``Dense`` has weights or the dtypes differ.
    """
    dense = [layer for layer in layers if layer.parameters()]
    if not dense or not all(is_plain_dense(layer) for layer in dense):
        return None
    pairs = [pair for layer in dense for pair in layer.parameters()]
    if len({value.dtype for value, _ in pairs} | {grad.dtype for _, grad in pairs}) != 1:
        return None
    if any(grad.shape != value.shape for value, grad in pairs):
        return None
    values, grads = pairs[0][0].base, pairs[0][1].base
    size = sum(value.size for value, _ in pairs)
    if (isinstance(values, np.ndarray) and isinstance(grads, np.ndarray)
            and values.size == size and grads.size == size
            and all(v.base is values and g.base is grads for v, g in pairs)):
        return values, grads
    values, grads = np.empty(size, pairs[0][0].dtype), np.empty(size, pairs[0][0].dtype)
    start = 0
    for layer in dense:
        for name in layer.weight_names():
            value, grad = getattr(layer, name), getattr(layer, "grad_" + name)
            end = start + value.size
            new_value = values[start:end].reshape(value.shape)
            new_grad = grads[start:end].reshape(value.shape)
            new_value[...], new_grad[...] = value, grad
            setattr(layer, name, new_value)
            setattr(layer, "grad_" + name, new_grad)
            start = end
    return values, grads


def loss_value(loss: Any, y_pred: np.ndarray, Y: np.ndarray) -> float:
    """``loss.value(y_pred, Y)``, with its sums as dot products for mean squared error
    and categorical cross-entropy (tests/test_fast_path.py checks they agree)."""
    if type(loss) is MeanSquaredError:
        diff = y_pred - Y
        return float(np.vdot(diff, diff)) / diff.size  # mean(diff^2)
    if type(loss) is CategoricalCrossentropy and not loss.from_logits:
        eps = 1e-7 if y_pred.dtype == np.float32 else 1e-12  # the clip of losses.py
        log_p = np.log(y_pred.clip(eps, 1.0))
        return -float(np.vdot(Y, log_p)) / y_pred.shape[0]  # -sum(Y * log p) / N
    return float(loss.value(y_pred, Y))


def dense_forward(layer: Dense, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``z = x @ W.T + b`` and ``y = f(z)`` of a plain ``Dense``, as ``(z, y)``."""
    z = np.dot(x, layer.W.T)  # for 2-D arrays np.dot is matmul, with less overhead
    z += layer.b
    if type(layer.activation) is Softmax:
        return z, softmax(z)
    return z, layer.activation.forward(z)


def forward(model: Sequential, X: np.ndarray) -> np.ndarray:
    """``model.forward(X)`` for predictions (not training), the fast way."""
    out = X
    for layer in model.layers:
        if is_plain_dense(layer):
            out = dense_forward(cast(Dense, layer), out)[1]
        else:
            out = layer.forward(out)
    return out


class Step:
    """``Step(model)(X_b, Y_b)`` is ``train_step(model, X_b, Y_b)``, the fast way."""

    def __init__(self, model: Sequential) -> None:
        assert model.loss is not None and model.optimizer is not None
        if not model.built:
            model.build()
        self.model = model
        self.loss = model.loss
        self.optimizer = model.optimizer
        self.layers = model.layers
        self.flat = pack(self.layers)
        for layer in self.layers:
            if is_plain_dense(layer):
                for name in layer.weight_names():  # W and b
                    value, grad = getattr(layer, name), getattr(layer, "grad_" + name)
                    if grad.shape != value.shape or grad.dtype != value.dtype:
                        setattr(layer, "grad_" + name, np.zeros_like(value))
        self.fixed_params = all(is_plain_dense(layer) or not layer.parameters()
                                for layer in self.layers)
        self.params = model.parameters()
        self.use_flat = self.flat is not None and self.optimizer.elementwise
        self.penalized = [layer for layer in self.layers
                          if getattr(layer, "l2", 0) or getattr(layer, "l1", 0)]
        self.fused = model.output_gradient_is_fused
        self.plain = [is_plain_dense(layer) for layer in self.layers]
        self.cache: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def forward(self, X: np.ndarray) -> np.ndarray:
        self.cache = []
        out = X
        for layer, plain in zip(self.layers, self.plain):
            if plain:
                x = out
                z, out = dense_forward(layer, x)  # type: ignore[arg-type]
                self.cache.append((x, z, out))
            else:
                out = layer.forward(out, training=True)
                self.cache.append((out, out, out))
        return out

    def backward(self, y_pred: np.ndarray, Y: np.ndarray) -> None:
        last = len(self.layers) - 1
        if self.fused:
            grad = self.loss.gradient_wrt_z(y_pred, Y)
        else:
            grad = self.loss.gradient(y_pred, Y)
        for i in range(last, -1, -1):
            layer = self.layers[i]
            if not self.plain[i]:
                if i == last and self.fused:  # a subclass of Dense, handed dL/dz
                    grad = layer.backward(grad, need_input_grad=i > 0, grad_is_z=True)
                else:
                    grad = layer.backward(grad, need_input_grad=i > 0)
                continue
            layer = cast(Dense, layer)
            x, z, y = self.cache[i]
            if i == last and self.fused:
                grad_z = grad
            else:
                grad_z = layer.activation.backward(grad, z, y)
            matmul_into(grad_z.T, x, out=layer.grad_W)  # grad_W = grad_z.T @ x
            column_sums(grad_z, out=layer.grad_b)  # grad_b = grad_z.sum(0)
            if layer.l2:
                layer.grad_W += (2 * layer.l2) * layer.W
            if layer.l1:
                layer.grad_W += layer.l1 * np.sign(layer.W)
            if i > 0:
                grad = np.dot(grad_z, layer.W)  # grad_x = grad_z @ W

    def __call__(self, X: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
        y_pred = self.forward(X)
        loss = loss_value(self.loss, y_pred, Y)
        for layer in self.penalized:  # the L2 and L1 terms; usually none
            loss += layer.penalty()
        if not math.isfinite(loss):
            raise TrainingDivergedError.from_loss(loss, self.optimizer.learning_rate)
        self.backward(y_pred, Y)
        if self.use_flat:
            self.optimizer.step(self.params, flat=self.flat)
        elif self.fixed_params:
            self.optimizer.step(self.params)
        else:
            self.optimizer.step(self.model.parameters())
        return loss, y_pred


class Batches:
    """``Batches(X, Y, batch_size)(order)`` yields the batches of
    :func:`~neuronlab.training.data.batches`, gathering shuffled rows into one reused
    buffer per array."""

    def __init__(self, X: np.ndarray, Y: np.ndarray, batch_size: int,
                 shuffled: bool = True) -> None:
        self.X, self.Y, self.batch_size = X, Y, batch_size
        rows = batch_size if shuffled else 0  # never shuffled: slices, no buffer
        self.x_rows = np.empty((rows, *X.shape[1:]), dtype=X.dtype)
        self.y_rows = np.empty((rows, *Y.shape[1:]), dtype=Y.dtype)

    def __call__(self, order: np.ndarray | None = None) -> Any:
        X, Y, size = self.X, self.Y, self.batch_size
        for start in range(0, len(X), size):
            if order is None:
                yield X[start:start + size], Y[start:start + size]
            else:
                rows = order[start:start + size]
                # mode="clip" skips the bounds check's extra copy: rows are a permutation
                yield (X.take(rows, axis=0, out=self.x_rows[:len(rows)], mode="clip"),
                       Y.take(rows, axis=0, out=self.y_rows[:len(rows)], mode="clip"))
