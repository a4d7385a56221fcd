"""Held-out accuracy of a conv net on the 8,000 + 2,000 bundled MNIST digits, per epoch.

The lesson "Seeing" trains a small net (8 and 16 kernels) so that it trains in the page
in seconds; this one is wider (16 and 32 kernels, a 64-unit hidden layer) and shows
what the same layers reach with a few more epochs::

    OPENBLAS_NUM_THREADS=1 python benchmarks/mnist_accuracy.py          # 8 epochs
    OPENBLAS_NUM_THREADS=1 python benchmarks/mnist_accuracy.py --epochs 12

Seeded: the same command prints the same accuracies.
"""

from __future__ import annotations

import argparse
import time

from neuronlab import Sequential, datasets
from neuronlab.layers import Conv2D, Dense, Flatten, MaxPool2D


def wide_conv_net() -> Sequential:
    model = Sequential([
        Conv2D(16, 3, activation="relu", input_shape=(28, 28, 1)), MaxPool2D(2),
        Conv2D(32, 3, activation="relu"), MaxPool2D(2), Flatten(),
        Dense(64, activation="relu"), Dense(10, activation="softmax"),
    ], seed=0)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=8)
    args = parser.parse_args()
    X, y = datasets.load("mnist", part="train", images=True)
    X_test, y_test = datasets.load("mnist", part="test", images=True)
    model = wide_conv_net()
    print(f"{model.count_params():,} weights; {len(y)} digits to train on, "
          f"{len(y_test)} held out")
    for epoch in range(args.epochs):
        start = time.perf_counter()
        model.fit(X, y, epochs=1, batch_size=64, seed=epoch, verbose=0)
        seconds = time.perf_counter() - start
        accuracy = model.evaluate(X_test, y_test, return_dict=True)["accuracy"]
        print(f"epoch {epoch + 1}: {seconds:.1f} s, held-out accuracy {accuracy:.2%}", flush=True)


if __name__ == "__main__":
    main()
