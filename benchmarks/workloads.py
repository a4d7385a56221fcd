"""The workloads: one data set, one network and one schedule each, run the same way in
every library.

A trainer returns a :class:`Run`: the seconds the training took and the accuracy the
trained network reaches on held-out data, so no library wins by computing less. Only
training is timed; building the network and turning the data into each library's
arrays happen before the clock starts. neuronlab, PyTorch and micrograd start from
the same initial weights (neuronlab's, ``seed=0``); scikit-learn draws its own
(Glorot uniform, like neuronlab).
"""

from __future__ import annotations

import math
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from neuronlab import SGD, Dense, Sequential, datasets


@dataclass(frozen=True)
class Workload:
    """A 2-layer network ``sizes = (n_inputs, hidden, outputs)`` and how to train it."""

    name: str
    sizes: tuple[int, int, int]
    hidden: str  # "sigmoid" or "relu"
    output: str  # "sigmoid" (with MSE) or "softmax" (with cross-entropy)
    X: np.ndarray  # float32 (N, n_inputs)
    y: np.ndarray  # (N, 1) float32 targets for sigmoid, (N,) int64 labels for softmax
    X_test: np.ndarray
    y_test: np.ndarray
    batch_size: int
    epochs: int
    learning_rate: float

    @property
    def samples(self) -> int:
        """Samples seen in training: ``N * epochs``."""
        return len(self.X) * self.epochs

    @property
    def steps(self) -> int:
        return math.ceil(len(self.X) / self.batch_size) * self.epochs

    @property
    def n_params(self) -> int:
        n_in, hidden, out = self.sizes
        return (n_in + 1) * hidden + (hidden + 1) * out


@dataclass
class Run:
    seconds: float
    accuracy: float | None = None  # on held-out data, 0..1
    loss: float | None = None  # final MSE on the training set (XOR only)


# --------------------------------------------------------------------------- data
def xor(epochs: int = 3000) -> Workload:
    """XOR 2-4-1 sigmoid, MSE, full batch (4 samples), plain gradient descent."""
    X, y = datasets.xor()
    X, y = X.astype(np.float32), y.reshape(-1, 1).astype(np.float32)
    return Workload("tiny: XOR 2-4-1 sigmoid, MSE, full batch", (2, 4, 1), "sigmoid",
                    "sigmoid", X, y, X, y, batch_size=4, epochs=epochs, learning_rate=2.0)


def digits(epochs: int = 20, n_train: int | None = None) -> Workload:
    """The 8x8 digits scaled to 0..1, 80 % to train and 20 % held out; 64-64-10, batch 32."""
    X, y = datasets.load_digits()
    X_tr, X_te, y_tr, y_te = datasets.train_test_split(
        (X / 16).astype(np.float32), y, test_size=0.2, seed=0, stratify=True)
    if n_train is not None:
        X_tr, y_tr = X_tr[:n_train], y_tr[:n_train]
    return Workload("small: digits 64-64-10 ReLU+softmax, batch 32", (64, 64, 10), "relu",
                    "softmax", X_tr, y_tr, X_te, y_te, batch_size=32, epochs=epochs,
                    learning_rate=0.1)


def mnist_shaped(n_train: int = 60_000, n_test: int = 10_000, epochs: int = 2) -> Workload:
    """Synthetic MNIST-shaped data: 784 standard-normal features, 10 classes given by a
    fixed random linear teacher ``y = argmax(x @ T)``; learnable, and the same every run."""
    rng = np.random.default_rng(784)
    teacher = rng.standard_normal((784, 10)).astype(np.float32)
    X = rng.standard_normal((n_train + n_test, 784), dtype=np.float32)
    y = (X @ teacher).argmax(axis=1).astype(np.int64)
    return Workload("MNIST-shaped: 784-128-10 ReLU+softmax, batch 128", (784, 128, 10),
                    "relu", "softmax", X[:n_train], y[:n_train], X[n_train:], y[n_train:],
                    batch_size=128, epochs=epochs, learning_rate=0.05)


def accuracy(outputs: np.ndarray, y: np.ndarray) -> float:
    """Share of right answers: ``output > 0.5`` for one column, else the arg-max class."""
    outputs = np.asarray(outputs)
    if outputs.shape[1] == 1:
        return float(np.mean((outputs > 0.5) == (y > 0.5)))
    return float(np.mean(outputs.argmax(axis=1) == y))


def mse(outputs: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((np.asarray(outputs, dtype=np.float64) - y) ** 2))


# --------------------------------------------------------------------------- neuronlab
def neuronlab_model(w: Workload) -> Sequential:
    n_in, hidden, out = w.sizes
    model = Sequential([Dense(hidden, activation=w.hidden, input_shape=(n_in,)),
                        Dense(out, activation=w.output)], seed=0)
    loss = "mse" if w.output == "sigmoid" else "categorical_crossentropy"
    model.compile(optimizer=SGD(learning_rate=w.learning_rate), loss=loss)
    return model


def initial_weights(w: Workload) -> list[np.ndarray]:
    """``[W1, b1, W2, b2]`` as neuronlab starts them, shared with PyTorch and micrograd."""
    return neuronlab_model(w).get_neuron_weights()


def train_neuronlab(w: Workload) -> Run:
    model = neuronlab_model(w)
    start = time.perf_counter()
    model.fit(w.X, w.y, epochs=w.epochs, batch_size=w.batch_size, verbose=0, seed=1)
    seconds = time.perf_counter() - start
    outputs = model.predict(w.X_test)
    return Run(seconds, accuracy(outputs, w.y_test),
               mse(model.predict(w.X), w.y) if w.output == "sigmoid" else None)


def peak_memory_neuronlab(w: Workload) -> tuple[int, int]:
    """``(peak bytes while training, bytes of the training data plus parameters)``.

    The data exist before ``fit``; tracemalloc (which sees NumPy's buffers) counts
    everything ``fit`` allocates on top of them at its worst moment.
    """
    data = w.X.nbytes + w.y.nbytes
    tracemalloc.start()
    try:
        model = neuronlab_model(w)
        model.fit(w.X, w.y, epochs=w.epochs, batch_size=w.batch_size, verbose=0, seed=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return data + peak, data + 4 * w.n_params


# --------------------------------------------------------------------------- PyTorch
def torch_setup() -> str:
    """Give PyTorch every core of the machine; return its version."""
    import os

    import torch

    torch.set_num_threads(os.cpu_count() or 1)
    return str(torch.__version__)


def torch_model(w: Workload) -> Any:
    import torch
    from torch import nn

    n_in, hidden, out = w.sizes
    first, second = nn.Linear(n_in, hidden), nn.Linear(hidden, out)
    activation = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid}[w.hidden]()
    layers = [first, activation, second] + ([nn.Sigmoid()] if w.output == "sigmoid" else [])
    W1, b1, W2, b2 = initial_weights(w)
    with torch.no_grad():
        for param, value in zip((first.weight, first.bias, second.weight, second.bias),
                                (W1, b1, W2, b2)):
            param.copy_(torch.from_numpy(value))
    return nn.Sequential(*layers)  # outputs logits for softmax: CrossEntropyLoss fuses it


def train_torch(w: Workload) -> Run:
    """The usual PyTorch loop (no DataLoader, no per-step ``.item()``: its fastest form)."""
    import torch
    from torch import nn

    model = torch_model(w)
    X, X_test = torch.from_numpy(w.X), torch.from_numpy(w.X_test)
    y = torch.from_numpy(w.y)
    loss_fn = nn.MSELoss() if w.output == "sigmoid" else nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=w.learning_rate)
    generator = torch.Generator().manual_seed(1)
    n, batch = len(X), w.batch_size
    start = time.perf_counter()
    for _ in range(w.epochs):
        order = torch.randperm(n, generator=generator) if n > batch else None
        for first in range(0, n, batch):
            if order is None:
                xb, yb = X[first:first + batch], y[first:first + batch]
            else:
                idx = order[first:first + batch]
                xb, yb = X[idx], y[idx]
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
    seconds = time.perf_counter() - start
    with torch.inference_mode():
        outputs = model(X_test).numpy()
        train_outputs = model(X).numpy()
    return Run(seconds, accuracy(outputs, w.y_test),
               mse(train_outputs, w.y) if w.output == "sigmoid" else None)


# --------------------------------------------------------------------------- scikit-learn
def sklearn_model(w: Workload, epochs: int | None = None) -> Any:
    """MLPClassifier set to plain mini-batch SGD that runs every epoch it is given."""
    from sklearn.neural_network import MLPClassifier

    epochs = w.epochs if epochs is None else epochs
    return MLPClassifier(
        hidden_layer_sizes=(w.sizes[1],), activation=w.hidden, solver="sgd",
        learning_rate="constant", learning_rate_init=w.learning_rate, momentum=0.0,
        nesterovs_momentum=False, alpha=0.0, batch_size=w.batch_size, max_iter=epochs,
        shuffle=True, early_stopping=False, tol=0.0, n_iter_no_change=epochs + 1,
        random_state=0,
    )


def _fit_quietly(model: Any, X: np.ndarray, y: np.ndarray) -> None:
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():  # "max_iter reached": the schedule we asked for
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)


def train_sklearn(w: Workload) -> Run:
    model = sklearn_model(w)
    start = time.perf_counter()
    _fit_quietly(model, w.X, w.y)
    seconds = time.perf_counter() - start
    return Run(seconds, accuracy(model.predict_proba(w.X_test), w.y_test))


# --------------------------------------------------------------------------- micrograd
def _micrograd_sigmoid(v: Any) -> Any:
    """Sigmoid as a micrograd node (micrograd ships relu only), written as its own ops are."""
    from micrograd.engine import Value

    s = 1.0 / (1.0 + math.exp(-v.data)) if v.data > -700 else 0.0
    out = Value(s, (v,), "sigmoid")

    def _backward() -> None:
        v.grad += s * (1.0 - s) * out.grad

    out._backward = _backward
    return out


def train_micrograd(w: Workload) -> Run:
    """The XOR net of scalar ``Value``s: forward all samples, MSE, backward, update."""
    from micrograd.engine import Value

    W1, b1, W2, b2 = ([[Value(float(v)) for v in row] for row in np.atleast_2d(a)]
                      for a in initial_weights(w))
    params = [p for table in (W1, b1, W2, b2) for row in table for p in row]
    rows = [[float(v) for v in x] for x in w.X]
    targets = [float(t) for t in w.y[:, 0]]

    def forward(x: list[float]) -> Any:
        hidden = [_micrograd_sigmoid(sum((wi * xi for wi, xi in zip(row, x)), b))
                  for row, b in zip(W1, b1[0])]
        return _micrograd_sigmoid(sum((wi * hi for wi, hi in zip(W2[0], hidden)), b2[0][0]))

    start = time.perf_counter()
    for _ in range(w.epochs):
        loss = sum((forward(x) - t) ** 2 for x, t in zip(rows, targets)) * (1.0 / len(rows))
        for p in params:
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.data -= w.learning_rate * p.grad
    seconds = time.perf_counter() - start
    outputs = np.array([[forward(x).data] for x in rows])
    return Run(seconds, accuracy(outputs, w.y_test), mse(outputs, w.y))


# --------------------------------------------------------------------------- inference
def seconds_per_call(call: Callable[[], Any], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - start) / calls


def faults_per_call(call: Callable[[], Any], calls: int) -> float:
    """Page faults (minor: memory the kernel had to map in) per call. A fault costs
    microseconds on a virtual machine, so memory that the allocator handed back to the
    system between calls and must map again shows in the timings."""
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(calls):
        call()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / calls


def inference_calls(w: Workload, n_samples: int) -> dict[str, Callable[[], Any]]:
    """One prediction of ``n_samples`` test rows per library, ready to time."""
    import torch

    x = np.ascontiguousarray(w.X_test[:n_samples])
    model = neuronlab_model(w)
    net = torch_model(w)
    x_torch = torch.from_numpy(x)

    def torch_predict() -> Any:  # probabilities, as neuronlab's predict and predict_proba
        with torch.inference_mode():
            out = net(x_torch)
            return torch.softmax(out, dim=1) if w.output == "softmax" else out

    mlp = sklearn_model(w, epochs=1)
    _fit_quietly(mlp, w.X[:2000], w.y[:2000])
    return {
        "neuronlab": lambda: model.predict(x),
        "pytorch": torch_predict,
        "scikit-learn": lambda: mlp.predict_proba(x),
    }


def gemm_flops_per_second(w: Workload, calls: int) -> float:
    """float32 GEMM rate of NumPy on the two products that carry a training step's work:
    ``x @ W1.T`` (forward) and ``grad_z.T @ x`` (the first layer's weight gradient)."""
    n_in, hidden, _ = w.sizes
    rng = np.random.default_rng(0)
    x = rng.random((w.batch_size, n_in), dtype=np.float32)
    W = rng.random((hidden, n_in), dtype=np.float32)
    grad_z = rng.random((w.batch_size, hidden), dtype=np.float32)
    z = np.empty((w.batch_size, hidden), dtype=np.float32)
    grad_W = np.empty_like(W)
    flops = 2 * (2 * w.batch_size * n_in * hidden)

    def both() -> None:
        np.matmul(x, W.T, out=z)
        np.matmul(grad_z.T, x, out=grad_W)

    return flops / seconds_per_call(both, calls)



# --------------------------------------------------------------------------- convolution
LENET_BATCH = 64
LENET_STEPS = 10


def lenet_data(samples: int = LENET_BATCH * LENET_STEPS) -> tuple[np.ndarray, np.ndarray]:
    """Random 28×28×1 images (NHWC, float32) and labels 0..9: only the speed is measured."""
    rng = np.random.default_rng(28)
    X = rng.standard_normal((samples, 28, 28, 1), dtype=np.float32)
    return X, rng.integers(0, 10, samples).astype(np.int64)


def lenet_neuronlab() -> Sequential:
    """LeNet-sized: Conv2D 6@5×5 relu, MaxPool 2, Conv2D 16@5×5 relu, MaxPool 2, Flatten,
    Dense 120 relu, Dense 84 relu, Dense 10 softmax; SGD, cross-entropy."""
    from neuronlab.layers import Conv2D, Flatten, MaxPool2D

    model = Sequential([Conv2D(6, 5, activation="relu", input_shape=(28, 28, 1)), MaxPool2D(2),
                        Conv2D(16, 5, activation="relu"), MaxPool2D(2), Flatten(),
                        Dense(120, activation="relu"), Dense(84, activation="relu"),
                        Dense(10, activation="softmax")], seed=0)
    model.compile(optimizer=SGD(learning_rate=0.01), loss="categorical_crossentropy")
    return model


def lenet_torch() -> Any:
    """The same network in PyTorch, NCHW (its own layout), its own initial weights."""
    from torch import nn

    return nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5),
                         nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(256, 120),
                         nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def train_lenet_neuronlab() -> Run:
    """``fit`` over 10 batches of 64 (one epoch, in order): 10 training steps."""
    X, y = lenet_data()
    model = lenet_neuronlab()
    start = time.perf_counter()
    model.fit(X, y, epochs=1, batch_size=LENET_BATCH, shuffle=False, verbose=0)
    return Run(time.perf_counter() - start)


def train_lenet_torch() -> Run:
    import torch
    from torch import nn

    X, y = lenet_data()
    net = lenet_torch()
    X_t, y_t = torch.from_numpy(X).permute(0, 3, 1, 2).contiguous(), torch.from_numpy(y)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
    start = time.perf_counter()
    for first in range(0, len(X_t), LENET_BATCH):
        optimizer.zero_grad()
        loss = loss_fn(net(X_t[first:first + LENET_BATCH]), y_t[first:first + LENET_BATCH])
        loss.backward()
        optimizer.step()
    return Run(time.perf_counter() - start)


def lenet_inference_calls() -> dict[str, Callable[[], Any]]:
    """One prediction of a batch of 64 images per library, ready to time."""
    import torch

    X, _ = lenet_data(LENET_BATCH)
    model = lenet_neuronlab()
    net = lenet_torch().eval()
    x_torch = torch.from_numpy(X).permute(0, 3, 1, 2).contiguous()

    def torch_predict() -> Any:
        with torch.inference_mode():
            return torch.softmax(net(x_torch), dim=1)

    return {"neuronlab": lambda: model.predict(X), "pytorch": torch_predict}
