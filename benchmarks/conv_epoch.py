"""Seconds per epoch of the lesson "Seeing"'s conv net on the 8,000 bundled MNIST digits.

The net is :func:`neuronlab.vision.conv_net` (two rounds of 3x3 kernels, ReLU and 2x2
max pooling, then softmax; Adam, batch 64), trained as the lesson's cell trains it,
with the progress bar a learner sees (``verbose=1``)::

    python benchmarks/conv_epoch.py            # BLAS threads as the machine sets them
    OPENBLAS_NUM_THREADS=1 python benchmarks/conv_epoch.py

Each line is one epoch; the last line the best of them and the held-out accuracy.
"""

from __future__ import annotations

import gc
import sys
import time

from neuronlab import datasets
from neuronlab.vision import conv_net

EPOCHS = 3


def main() -> None:
    X, y = datasets.load("mnist", part="train", images=True)
    X_test, y_test = datasets.load("mnist", part="test", images=True)
    model = conv_net()
    seconds = []
    for epoch in range(EPOCHS):
        gc.collect()
        start = time.perf_counter()
        model.fit(X, y, epochs=1, batch_size=64, seed=epoch, verbose=1)
        seconds.append(time.perf_counter() - start)
        print(f"epoch {epoch + 1}: {seconds[-1]:.2f} s for {len(y)} digits", file=sys.stderr)
    accuracy = model.evaluate(X_test, y_test, return_dict=True)["accuracy"]
    print(f"{min(seconds):.2f} s per epoch (best of {EPOCHS}, median "
          f"{sorted(seconds)[EPOCHS // 2]:.2f} s); {accuracy:.1%} of {len(y_test)} held-out "
          f"digits after {EPOCHS} epochs")


if __name__ == "__main__":
    main()
