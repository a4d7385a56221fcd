"""Convolution and pooling for images: ``Conv2D`` and ``MaxPool2D``.

Images are **NHWC**: a batch is ``(N, height, width, channels)``, one sample
``input_shape=(28, 28, 1)``, as Keras's default. Channels last keeps one pixel's
channels side by side in memory, so each of a window's ``kh`` rows is one contiguous
run of ``kw * channels`` numbers; im2col (below) copies the ``kh`` runs side by side
into one row of ``kh * kw * channels`` numbers, the row it multiplies with the kernel.
It also matches how images are stored (``H, W, RGB``) and how ``Flatten`` then
``Dense`` read them. PyTorch is NCHW; :mod:`neuronlab.torch_bridge`
adds the permutes.

**The sliding window.** A ``Conv2D`` with ``F`` filters of ``kh x kw`` is a Dense
layer of ``F`` neurons applied to every window of the image::

    for n in range(N):                       # each image
        for i in range(H_out):               # each window position, top to bottom
            for j in range(W_out):           #                       left to right
                window = x[n, i*s : i*s + kh, j*s : j*s + kw, :]      # (kh, kw, C)
                for f in range(F):           # each filter: one neuron
                    z[n, i, j, f] = np.sum(window * kernel[f]) + bias[f]
    y = activation(z)                        # (N, H_out, W_out, F)

:func:`conv2d_reference` is that loop, kept to check the fast version against.

**The im2col speed-up.** Four Python loops are slow. Instead every window is copied out
as one row of a matrix ``cols`` of shape ``(N * H_out * W_out, kh * kw * C)`` ("image
to columns"); the kernel, one row per filter, is ``K`` of shape ``(F, kh * kw * C)``.
Then all the sums above are one matrix product, the same as Dense::

    z = cols @ K.T + bias                    # (N * H_out * W_out, F)

and backward is Dense's chain rule on those rows, with one extra step, col2im, that adds
each window row's gradient back onto the pixels it was copied from (a pixel in several
windows receives the sum of their gradients)::

    grad_K    = grad_z.T @ cols
    grad_bias = grad_z.sum(0)
    grad_cols = grad_z @ K                   # then col2im -> grad_x
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import activations, initializers
from ..errors import ConfigError, NotFittedError, ShapeError
from .core import Layer, Shape, WeightSpec, as_shape
from .products import column_sums, matmul_into


def _pair(value: Any, what: str) -> tuple[int, int]:
    """``3`` or ``(3, 3)`` as ``(3, 3)``."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ConfigError(f"{what} must be a number or a pair such as (3, 3), got "
                              f"{repr(value)[:60]}.")
        a, b = as_shape(tuple(value), what)
        return a, b
    (a,) = as_shape(value, what)
    return a, a


def out_size(size: int, k: int, stride: int, padding: str) -> int:
    """Output size along one axis: ``ceil(size / stride)`` for "same", else
    ``(size - k) // stride + 1``."""
    if padding == "same":
        return -(-size // stride)
    return (size - k) // stride + 1


def same_padding(size: int, k: int, stride: int) -> tuple[int, int]:
    """Zeros (before, after) that "same" adds along one axis (the extra one after, as Keras)."""
    total = max((out_size(size, k, stride, "same") - 1) * stride + k - size, 0)
    return total // 2, total - total // 2


def check_image_shape(layer: str, input_shape: Shape, window: tuple[int, int],
                      padding: str) -> None:
    """A clear error unless ``input_shape`` is ``(height, width, channels)`` large enough."""
    if len(input_shape) == 2:
        raise ShapeError(
            f"{layer} expects images of shape (height, width, channels), got samples of "
            f"shape {input_shape}: add the channels axis, input_shape={(*input_shape, 1)} "
            f"for grey images, and X[..., np.newaxis] for the data."
        )
    if len(input_shape) != 3:
        raise ShapeError(
            f"{layer} expects images of shape (height, width, channels), e.g. "
            f"input_shape=(8, 8, 1), got samples of shape {input_shape}. Reshape flat rows "
            f"with X.reshape(-1, height, width, channels)."
        )
    h, w, _ = input_shape
    if padding == "valid" and (h < window[0] or w < window[1]):
        raise ShapeError(
            f"{layer} has a {window[0]}x{window[1]} window but its input images are {h}x{w}; "
            f"use a smaller kernel_size/pool_size, padding='same', or larger images."
        )


def windows(x: np.ndarray, kh: int, kw: int, stride: tuple[int, int]) -> np.ndarray:
    """Every ``kh x kw`` window of ``x`` (N, H, W, C), a view of shape
    ``(N, H_out, W_out, kh, kw, C)`` (no copy)."""
    view = sliding_window_view(x, (kh, kw), axis=(1, 2))  # (N, H-kh+1, W-kw+1, C, kh, kw)
    view = view[:, ::stride[0], ::stride[1]]
    return view.transpose(0, 1, 2, 4, 5, 3)


def conv2d_reference(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None,
                     strides: tuple[int, int] = (1, 1), padding: str = "valid") -> np.ndarray:
    """The convolution as its lesson writes it: four loops over the sliding window.

    ``x`` (N, H, W, C), ``kernel`` (F, kh, kw, C), ``bias`` (F,) or None; returns ``z``
    (N, H_out, W_out, F), before any activation. Slow; :class:`Conv2D` computes the same
    with im2col.
    """
    F, kh, kw, _ = kernel.shape
    if padding == "same":
        (t, b_), (left, r) = (same_padding(x.shape[1], kh, strides[0]),
                              same_padding(x.shape[2], kw, strides[1]))
        x = np.pad(x, ((0, 0), (t, b_), (left, r), (0, 0)))
    N, H, W, _ = x.shape
    H_out, W_out = (H - kh) // strides[0] + 1, (W - kw) // strides[1] + 1
    z = np.zeros((N, H_out, W_out, F), dtype=x.dtype)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                window = x[n, i * strides[0]:i * strides[0] + kh,
                           j * strides[1]:j * strides[1] + kw, :]
                for f in range(F):
                    z[n, i, j, f] = np.sum(window * kernel[f]) + (bias[f] if bias is not None
                                                                   else 0)
    return z


class Conv2D(Layer):
    """A 2-D convolution on NHWC images: ``(N, H, W, C) -> (N, H_out, W_out, filters)``.

    ``kernel`` has shape ``(filters, kh, kw, C)``, one filter per row as Dense's ``W``
    (PyTorch stores ``(filters, C, kh, kw)``), ``bias`` shape ``(filters,)``.
    ``padding="valid"`` uses only whole windows (``H_out = (H - kh) // stride + 1``);
    ``"same"`` adds zeros around the image so that ``H_out = ceil(H / stride)``.
    See the module's text for the sliding window and the im2col speed-up.

    >>> import numpy as np
    >>> layer = Conv2D(1, 2, input_shape=(3, 3, 1))
    >>> layer.build((3, 3, 1))
    >>> layer.set_neuron_weights([np.ones((1, 2, 2, 1)), [0.5]])
    >>> layer.forward(np.arange(9.0).reshape(1, 3, 3, 1))[0, :, :, 0]
    array([[ 8.5, 12.5],
           [20.5, 24.5]])
    """

    activation: activations.Activation
    kernel: np.ndarray  # (filters, kh, kw, C), made by build
    bias: np.ndarray  # (filters,)
    grad_kernel: np.ndarray
    grad_bias: np.ndarray

    def __init__(self, filters: int, kernel_size: int | tuple[int, int], strides: Any = 1,
                 padding: str = "valid", activation: str | activations.Activation | None = None,
                 use_bias: bool = True, input_shape: tuple[int, ...] | None = None,
                 kernel_initializer: str = "glorot_uniform", bias_initializer: str = "zeros",
                 name: str | None = None) -> None:
        super().__init__(name)
        self.filters = as_shape(filters, "Conv2D filters")[0]
        self.kernel_size = _pair(kernel_size, "Conv2D kernel_size")
        self.strides = _pair(strides, "Conv2D strides")
        if padding not in ("valid", "same"):
            raise ConfigError(f"Conv2D padding must be 'valid' or 'same', got "
                              f"{repr(padding)[:60]}.")
        self.padding = padding
        self.activation = activations.get(activation)
        if not isinstance(use_bias, bool):
            raise ConfigError(f"Conv2D use_bias must be True or False, got {use_bias!r}.")
        self.use_bias = use_bias
        if input_shape is not None:
            self.input_shape = as_shape(input_shape, "Conv2D input_shape")
            check_image_shape("Conv2D", self.input_shape, self.kernel_size, padding)
        initializers.get(kernel_initializer)
        initializers.get(bias_initializer)
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer

    # ------------------------------------------------------------------ protocol
    def to_keras_layout(self, name: str, value: np.ndarray) -> np.ndarray:
        # Keras keeps the kernel as (kh, kw, C, filters); neuronlab one filter per row
        return value.transpose(1, 2, 3, 0) if name == "kernel" else value

    def from_keras_layout(self, name: str, value: np.ndarray) -> np.ndarray:
        if name == "kernel":
            if value.ndim != 4 or value.shape[3] != self.filters:
                raise ShapeError(
                    f"Conv2D({self.filters}).set_weights takes Keras's layout: kernel of shape "
                    f"(kh, kw, channels, {self.filters}); got shape {value.shape}. "
                    "(neuronlab's layout, one filter per row, is set with set_neuron_weights.)"
                )
            return value.transpose(3, 0, 1, 2)
        return value

    def weight_names(self) -> tuple[str, ...]:
        return ("kernel", "bias") if self.use_bias else ("kernel",)

    def weight_specs(self, input_shape: Shape) -> list[WeightSpec]:
        kh, kw = self.kernel_size
        specs: list[WeightSpec] = [("kernel", (self.filters, kh, kw, input_shape[2]),
                                    self.kernel_initializer)]
        if self.use_bias:
            specs.append(("bias", (self.filters,), self.bias_initializer))
        return specs

    def check_input_shape(self, input_shape: Shape) -> None:
        check_image_shape(f"Conv2D({self.filters}, {self.kernel_size})", input_shape,
                          self.kernel_size, self.padding)

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        h, w, _ = input_shape
        return (out_size(h, self.kernel_size[0], self.strides[0], self.padding),
                out_size(w, self.kernel_size[1], self.strides[1], self.padding), self.filters)

    # ------------------------------------------------------------------ forward / backward
    def pad(self, x: np.ndarray) -> tuple[np.ndarray, tuple[tuple[int, int], ...]]:
        """``x`` with the zeros "same" padding adds, and the widths added per axis."""
        if self.padding == "valid":
            return x, ((0, 0),) * 4
        widths = ((0, 0), same_padding(x.shape[1], self.kernel_size[0], self.strides[0]),
                  same_padding(x.shape[2], self.kernel_size[1], self.strides[1]), (0, 0))
        return np.pad(x, widths), widths

    def im2col(self, x: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
        """Every window as one row: ``cols`` (N * H_out * W_out, kh * kw * C), and
        ``(H_out, W_out)``."""
        kh, kw = self.kernel_size
        view = windows(x, kh, kw, self.strides)  # (N, H_out, W_out, kh, kw, C), a view
        N, H_out, W_out = view.shape[:3]
        return view.reshape(N * H_out * W_out, -1), (H_out, W_out)  # the copy

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        if not self.built:
            self.build(x.shape[1:], np.random.default_rng(), x.dtype)
        if x.ndim != 4 or x.shape[1:] != self.built_shape:
            raise ShapeError(
                f"Conv2D({self.filters}) expected images of shape (N, *{self.built_shape}), "
                f"got shape {x.shape}; reshape the data with X.reshape(-1, "
                f"{', '.join(map(str, self.built_shape or ()))})."
            )
        z = self.preactivation(x)
        y = self.activation.forward(z)
        self.z, self.y = z, y  # kept for backward (and for anyone looking)
        return y

    def preactivation(self, x: np.ndarray) -> np.ndarray:
        padded, _ = self.pad(x)
        cols, (H_out, W_out) = self.im2col(padded)
        K = self.kernel.reshape(self.filters, -1)  # (F, kh*kw*C): one filter per row
        z = cols @ K.T  # (N*H_out*W_out, F): every window times every filter
        if self.use_bias:
            z += self.bias
        self._x_shape, self._padded_shape, self._cols = x.shape, padded.shape, cols
        return z.reshape(len(x), H_out, W_out, self.filters)

    def backward(self, grad_y: np.ndarray, need_input_grad: bool = True,
                 grad_is_z: bool = False) -> np.ndarray:
        """From ``dL/dy`` (N, H_out, W_out, F) to ``grad_kernel``, ``grad_bias`` and
        ``dL/dx`` (N, H, W, C): Dense's chain rule on the window rows, then col2im."""
        if not hasattr(self, "_cols"):
            raise NotFittedError("Conv2D.backward was called before forward.")
        z, y = self.z, self.y
        assert z is not None and y is not None  # (forward ran: it kept the windows too)
        grad_z = grad_y if grad_is_z else self.activation.backward(grad_y, z, y)
        g = grad_z.reshape(-1, self.filters)  # one row per window
        K = self.kernel.reshape(self.filters, -1)
        # written into the gradient arrays the layer owns, seen as matrices (views)
        matmul_into(g.T, self._cols, out=self.grad_kernel.reshape(self.filters, -1))  # g.T @ cols
        if self.use_bias:
            column_sums(g, out=self.grad_bias)  # grad_bias = g.sum(0)
        if not need_input_grad:
            return grad_y
        grad_cols = g @ K  # (N*H_out*W_out, kh*kw*C): the gradient of each window's copy
        return self.col2im(grad_cols)

    def col2im(self, grad_cols: np.ndarray) -> np.ndarray:
        """Add each window's gradient back onto the pixels it was read from (the
        reverse of im2col), then drop the padding: ``dL/dx`` (N, H, W, C)."""
        kh, kw = self.kernel_size
        sh, sw = self.strides
        N, Hp, Wp, C = self._padded_shape
        H_out, W_out = (Hp - kh) // sh + 1, (Wp - kw) // sw + 1
        grad = grad_cols.reshape(N, H_out, W_out, kh, kw, C)
        # grad[i, j]: the gradient of kernel cell (i, j)'s pixel in every window, laid out
        # as one image per cell (a copy, so that each addition below runs over whole rows)
        grad = np.ascontiguousarray(grad.transpose(3, 4, 0, 1, 2, 5))
        grad_x = np.zeros(self._padded_shape, dtype=grad_cols.dtype)
        for i in range(kh):  # kernel row i of every window lands on rows i, i+sh, ...
            for j in range(kw):
                grad_x[:, i:i + sh * H_out:sh, j:j + sw * W_out:sw, :] += grad[i, j]
        _, H, W, _ = self._x_shape
        if self.padding == "same":
            top = (Hp - H) // 2
            left = (Wp - W) // 2
            grad_x = grad_x[:, top:top + H, left:left + W, :]
        return grad_x

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            filters=self.filters, kernel_size=list(self.kernel_size), strides=list(self.strides),
            padding=self.padding, activation=self.activation.get_config(),
            use_bias=self.use_bias,
            input_shape=list(self.input_shape) if self.input_shape else None,
            kernel_initializer=self.kernel_initializer, bias_initializer=self.bias_initializer,
        )
        return config

    def __repr__(self) -> str:
        extra = f", input_shape={self.input_shape}" if self.input_shape else ""
        return (f"Conv2D({self.filters}, {self.kernel_size}, strides={self.strides}, "
                f"padding={self.padding!r}, activation={self.activation.name!r}{extra})")


class MaxPool2D(Layer):
    """The largest value of each ``pool_size`` window, per channel:
    ``(N, H, W, C) -> (N, H_out, W_out, C)`` with ``H_out = (H - p) // stride + 1``.

    ``strides`` defaults to ``pool_size`` (windows side by side, not overlapping).
    Backward sends each output's gradient to the one input that was the maximum of its
    window (the others did not change the output, so their gradient is 0)::

        y[n, i, j, c] = max(x[n, i*s : i*s + p, j*s : j*s + p, c])

    >>> import numpy as np
    >>> MaxPool2D(2).forward(np.arange(16.0).reshape(1, 4, 4, 1))[0, :, :, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    """

    def __init__(self, pool_size: int | tuple[int, int] = 2, strides: Any = None,
                 input_shape: tuple[int, ...] | None = None, name: str | None = None) -> None:
        super().__init__(name)
        self.pool_size = _pair(pool_size, "MaxPool2D pool_size")
        self.strides = _pair(strides, "MaxPool2D strides") if strides is not None \
            else self.pool_size
        if input_shape is not None:
            self.input_shape = as_shape(input_shape, "MaxPool2D input_shape")
            check_image_shape("MaxPool2D", self.input_shape, self.pool_size, "valid")

    def check_input_shape(self, input_shape: Shape) -> None:
        check_image_shape(f"MaxPool2D({self.pool_size})", input_shape, self.pool_size, "valid")

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        h, w, c = input_shape
        return (out_size(h, self.pool_size[0], self.strides[0], "valid"),
                out_size(w, self.pool_size[1], self.strides[1], "valid"), c)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        if not self.built:
            self.build(x.shape[1:])
        if x.ndim != 4 or x.shape[1:] != self.built_shape:
            raise ShapeError(
                f"MaxPool2D expected images of shape (N, *{self.built_shape}), got shape "
                f"{x.shape}; check the layer before it."
            )
        y, self._argmax = self.pool(x)
        self._x_shape = x.shape  # kept for backward
        return y

    def pool(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``y``, and which cell ``i * pw + j`` of each window was its maximum."""
        ph, pw = self.pool_size
        sh, sw = self.strides
        H_out, W_out, _ = self.compute_output_shape(x.shape[1:])
        # Cell (i, j) of every window at once: x[:, i::sh, j::sw] (H_out x W_out of them).
        # y starts as each window's top-left pixel; every other cell, in reading order,
        # replaces it where it is larger (the first of equal maxima stays, as argmax).
        y = x[:, 0:sh * H_out:sh, 0:sw * W_out:sw, :].copy()
        argmax = np.zeros(y.shape, dtype=np.intp)  # which cell, i * pw + j, was the max
        for k in range(1, ph * pw):
            i, j = divmod(k, pw)
            cell = x[:, i:i + sh * H_out:sh, j:j + sw * W_out:sw, :]
            np.copyto(argmax, k, where=cell > y)
            np.maximum(y, cell, out=y)  # (a NaN in a window stays NaN, as in max)
        return y, argmax

    def kink_signs(self, x: np.ndarray) -> list[np.ndarray]:
        """Which cell of each window is its maximum, one 0/1 map per cell: a nudge that
        moves the maximum to another cell crosses a kink (tied maxima sit on one)."""
        _, argmax = self.pool(x)
        return [(argmax == k).astype(np.int8) for k in range(self.pool_size[0] * self.pool_size[1])]

    def backward(self, grad_out: np.ndarray, need_input_grad: bool = True,
                 grad_is_z: bool = False) -> np.ndarray:
        if not hasattr(self, "_argmax"):
            raise NotFittedError("MaxPool2D.backward was called before forward.")
        ph, pw = self.pool_size
        sh, sw = self.strides
        _, H_out, W_out, _ = grad_out.shape
        grad_x = np.zeros(self._x_shape, dtype=grad_out.dtype)
        for i in range(ph):  # window position (i, j): the gradient goes where the max was
            for j in range(pw):
                here = self._argmax == i * pw + j
                grad_x[:, i:i + sh * H_out:sh, j:j + sw * W_out:sw, :] += grad_out * here
        return grad_x

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(pool_size=list(self.pool_size), strides=list(self.strides),
                      input_shape=list(self.input_shape) if self.input_shape else None)
        return config

    def __repr__(self) -> str:
        return f"MaxPool2D({self.pool_size}, strides={self.strides})"
