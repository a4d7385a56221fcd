"""Export a model to ONNX, the file format inference runtimes (onnxruntime, ...) read.

An ONNX file is one protocol-buffers message, ``ModelProto``: a graph of nodes (``Gemm``
for a Dense layer, ``Conv``, ``MaxPool``, ``Relu``...), the weights as tensors, and the
input and output with their shapes. The format is small enough to write by hand, so
this module needs nothing but NumPy: :func:`message` and the field helpers below are
the whole protocol-buffers encoding it uses (varints, length-delimited fields, 32-bit
floats), and the field numbers are those of ``onnx.proto``.

Dense is ``Gemm(x, W, b, transB=1)``: ONNX's Gemm computes ``x @ W.T + b`` with ``W``
one row per neuron, exactly neuronlab's ``W``. Images are NHWC in neuronlab and NCHW in
ONNX's ``Conv`` and ``MaxPool``, so each of those is wrapped in two ``Transpose`` nodes.
Weights are written as float32 (ONNX runtimes' common type).

>>> from neuronlab import Dense, Sequential
>>> model = Sequential([Dense(2, activation="relu", input_shape=(3,)), Dense(1)], seed=0)
>>> data = model_to_onnx(model)
>>> data[:2] == bytes([0x08, IR_VERSION])  # field 1 (ir_version), a varint
True
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ._version import __version__
from .errors import ConfigError
from .layers import Conv2D, Dense, Dropout, Flatten, Layer, MaxPool2D
from .layers.conv import same_padding
from .training.trainer import Trainer

if TYPE_CHECKING:
    from .model import Sequential

IR_VERSION = 8  # ONNX IR version 8 goes with opset 13+
OPSET = 13  # operators as defined in ONNX opset 13 (Softmax along one axis, ...)
FLOAT, INT64 = 1, 7  # TensorProto data types
ATTR_FLOAT, ATTR_INT, ATTR_INTS = 1, 2, 7  # AttributeProto types


# --------------------------------------------------------------------------- protobuf
def varint(n: int) -> bytes:
    """``n`` as a protocol-buffers varint: 7 bits per byte, the high bit says "more".

    >>> varint(1), varint(300)
    (b'\\x01', b'\\xac\\x02')
    """
    if n < 0:
        n += 1 << 64  # negative int64s are written as their two's complement
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field_varint(number: int, value: int) -> bytes:
    return varint(number << 3 | 0) + varint(value)


def field_bytes(number: int, value: bytes | str) -> bytes:
    data = value.encode() if isinstance(value, str) else value
    return varint(number << 3 | 2) + varint(len(data)) + data


def field_float(number: int, value: float) -> bytes:
    return varint(number << 3 | 5) + struct.pack("<f", value)


def message(*fields: bytes) -> bytes:
    return b"".join(fields)


# --------------------------------------------------------------------------- ONNX messages
def tensor(name: str, array: np.ndarray) -> bytes:
    """A TensorProto: dims (1), data_type (2), name (8), raw_data (9, little-endian)."""
    if array.dtype == np.int64:
        kind, raw = INT64, array.astype("<i8").tobytes()
    else:
        kind, raw = FLOAT, np.ascontiguousarray(array, dtype="<f4").tobytes()
    dims = b"".join(field_varint(1, int(d)) for d in array.shape)
    return message(dims, field_varint(2, kind), field_bytes(8, name), field_bytes(9, raw))


def attribute(name: str, value: float | int | list[int]) -> bytes:
    """An AttributeProto: name (1), f (2) / i (3) / ints (8), type (20)."""
    if isinstance(value, list):
        body = b"".join(field_varint(8, int(v)) for v in value)
        kind = ATTR_INTS
    elif isinstance(value, float):
        body, kind = field_float(2, value), ATTR_FLOAT
    else:
        body, kind = field_varint(3, int(value)), ATTR_INT
    return message(field_bytes(1, name), body, field_varint(20, kind))


def node(op: str, inputs: list[str], outputs: list[str], name: str,
         **attributes: float | int | list[int]) -> bytes:
    """A NodeProto: input (1), output (2), name (3), op_type (4), attribute (5)."""
    return message(*(field_bytes(1, i) for i in inputs), *(field_bytes(2, o) for o in outputs),
                   field_bytes(3, name), field_bytes(4, op),
                   *(field_bytes(5, attribute(k, v)) for k, v in attributes.items()))


def value_info(name: str, shape: tuple[int, ...]) -> bytes:
    """A ValueInfoProto of a float tensor ``(N, *shape)``, N a free batch dimension."""
    dims = [field_bytes(1, field_bytes(2, "N"))]  # Dimension.dim_param
    dims += [field_bytes(1, field_varint(1, d)) for d in shape]  # Dimension.dim_value
    tensor_type = message(field_varint(1, FLOAT), field_bytes(2, message(*dims)))
    return message(field_bytes(1, name), field_bytes(2, field_bytes(1, tensor_type)))


# --------------------------------------------------------------------------- the graph
class _Graph:
    """Nodes and weights, added layer by layer; each step names its output."""

    def __init__(self) -> None:
        self.nodes: list[bytes] = []
        self.weights: list[bytes] = []
        self.count = 0

    def fresh(self, what: str) -> str:
        self.count += 1
        return f"{what}_{self.count}"

    def add(self, op: str, inputs: list[str], **attributes: Any) -> str:
        out = self.fresh(op.lower())
        self.nodes.append(node(op, inputs, [out], out + "_node", **attributes))
        return out

    def weight(self, name: str, array: np.ndarray) -> str:
        self.weights.append(tensor(name, array))
        return name


def _activation(graph: _Graph, x: str, layer: Layer, what: str) -> str:
    act = layer.activation
    name = act.name if act is not None else "linear"
    if name == "linear":
        return x
    simple = {"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "softplus": "Softplus",
              "selu": "Selu"}
    if name in simple:
        return graph.add(simple[name], [x])
    if name == "softmax":
        return graph.add("Softmax", [x], axis=-1)
    if name == "leaky_relu":
        return graph.add("LeakyRelu", [x], alpha=float(getattr(act, "alpha", 0.01)))
    if name == "elu":
        return graph.add("Elu", [x], alpha=float(getattr(act, "alpha", 1.0)))
    if name == "silu":
        return graph.add("Mul", [x, graph.add("Sigmoid", [x])])
    if name == "gelu":  # 0.5 * x * (1 + erf(x / sqrt 2)): Gelu itself is opset 20
        scaled = graph.add("Div", [x, graph.weight(graph.fresh("sqrt2"),
                                                   np.array(np.sqrt(2.0), np.float32))])
        one = graph.weight(graph.fresh("one"), np.array(1.0, np.float32))
        half = graph.weight(graph.fresh("half"), np.array(0.5, np.float32))
        cdf = graph.add("Mul", [half, graph.add("Add", [one, graph.add("Erf", [scaled])])])
        return graph.add("Mul", [x, cdf])
    if name == "step":
        zero = graph.weight(graph.fresh("zero"), np.array(0.0, np.float32))
        return graph.add("Cast", [graph.add("Greater", [x, zero])], to=FLOAT)
    raise ConfigError(f"{what}: the activation {name!r} has no ONNX form in neuronlab's "
                      "exporter.")


def _nchw(graph: _Graph, x: str) -> str:
    return graph.add("Transpose", [x], perm=[0, 3, 1, 2])


def _nhwc(graph: _Graph, x: str) -> str:
    return graph.add("Transpose", [x], perm=[0, 2, 3, 1])


def _dense(graph: _Graph, x: str, layer: Any, shape: tuple[int, ...], prefix: str,
           what: str) -> str:
    """``Gemm(x, W, b, transB=1)`` = ``x @ W.T + b``, then the activation."""
    inputs = [x, graph.weight(f"{prefix}.W", layer.W)]
    if getattr(layer, "use_bias", True):
        inputs.append(graph.weight(f"{prefix}.b", layer.b))
    return _activation(graph, graph.add("Gemm", inputs, transB=1), layer, what)


def _conv2d(graph: _Graph, x: str, layer: Any, shape: tuple[int, ...], prefix: str,
            what: str) -> str:
    """NHWC -> NCHW, ``Conv``, back to NHWC, then the activation."""
    kh, kw = layer.kernel_size
    pads = [0, 0, 0, 0]
    if layer.padding == "same":
        top, bottom = same_padding(shape[0], kh, layer.strides[0])
        left, right = same_padding(shape[1], kw, layer.strides[1])
        pads = [top, left, bottom, right]
    inputs = [_nchw(graph, x), graph.weight(f"{prefix}.kernel",
                                            layer.kernel.transpose(0, 3, 1, 2))]
    if layer.use_bias:
        inputs.append(graph.weight(f"{prefix}.bias", layer.bias))
    z = graph.add("Conv", inputs, kernel_shape=[kh, kw], strides=list(layer.strides), pads=pads)
    return _activation(graph, _nhwc(graph, z), layer, what)


def _maxpool(graph: _Graph, x: str, layer: Any, shape: tuple[int, ...], prefix: str,
             what: str) -> str:
    pooled = graph.add("MaxPool", [_nchw(graph, x)], kernel_shape=list(layer.pool_size),
                       strides=list(layer.strides))
    return _nhwc(graph, pooled)


def _flatten(graph: _Graph, x: str, layer: Any, shape: tuple[int, ...], prefix: str,
             what: str) -> str:
    return graph.add("Flatten", [x], axis=1)  # NHWC rows, as neuronlab flattens them


def _dropout(graph: _Graph, x: str, layer: Any, shape: tuple[int, ...], prefix: str,
             what: str) -> str:
    return x  # nothing at prediction time


def _activation_layer(graph: _Graph, x: str, layer: Any, shape: tuple[int, ...], prefix: str,
                      what: str) -> str:
    return _activation(graph, x, layer, what)


#: How each layer class is written as ONNX nodes.
_WRITERS: dict[type[Layer], Any] = {Dense: _dense, Conv2D: _conv2d, MaxPool2D: _maxpool,
                                    Flatten: _flatten, Dropout: _dropout}


def model_to_onnx(model: Sequential) -> bytes:
    """The ONNX ``ModelProto`` of ``model`` as bytes (see :func:`save_onnx`)."""
    if not isinstance(model, Trainer):  # any neuronlab model
        raise ConfigError(f"ONNX export expects a neuronlab model, got {type(model).__name__}.")
    model.require_built("ONNX export")
    shape = model.input_shape
    assert shape is not None
    graph = _Graph()
    x = "input"
    for i, layer in enumerate(model.layers):
        what = f"Layer {i} ({layer!r})"
        writer = _WRITERS.get(type(layer))
        if writer is None and not layer.weight_names() and layer.activation is not None:
            writer = _activation_layer  # an Activation or Softmax layer
        if writer is None:
            raise ConfigError(f"{what} has no ONNX form in neuronlab's exporter (it writes "
                              f"{', '.join(cls.__name__ for cls in _WRITERS)} and activation "
                              "layers).")
        x = writer(graph, x, layer, shape, f"layer{i}", what)
        shape = layer.compute_output_shape(shape)
    graph.nodes.append(node("Identity", [x], ["output"], "output_node"))
    body = message(*(field_bytes(1, n) for n in graph.nodes), field_bytes(2, model.name),
                   *(field_bytes(5, w) for w in graph.weights),
                   field_bytes(11, value_info("input", model.input_shape or ())),
                   field_bytes(12, value_info("output", shape)))
    opset = message(field_bytes(1, ""), field_varint(2, OPSET))
    return message(field_varint(1, IR_VERSION), field_bytes(2, "neuronlab"),
                   field_bytes(3, __version__), field_bytes(7, body), field_bytes(8, opset))


def save_onnx(model: Sequential, path: str | os.PathLike[str]) -> Path:
    """Write ``model`` as an ONNX file (``.onnx`` is added if missing); returns the path.

    Run it with onnxruntime, e.g.
    ``onnxruntime.InferenceSession(path).run(None, {"input": X.astype("float32")})[0]``.
    """
    target = Path(os.fspath(path))
    if target.suffix != ".onnx":
        target = target.with_name(target.name + ".onnx")
    data = model_to_onnx(model)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return target
