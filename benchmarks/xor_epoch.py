"""Microseconds per epoch of the tiny XOR fit (2-4-1 sigmoid, MSE, full batch, lr 2.0).

Run it against two source trees in turn to compare them on the same machine:
``PYTHONPATH=old/src python benchmarks/xor_epoch.py`` then ``PYTHONPATH=src ...``.
"""

from __future__ import annotations

import gc
import time

from neuronlab import SGD, Dense, Sequential, datasets

EPOCHS = 3000


def one_fit() -> float:
    X, y = datasets.xor()
    model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                        Dense(1, activation="sigmoid")], seed=0)
    model.compile(optimizer=SGD(learning_rate=2.0), loss="mse")
    gc.collect()
    start = time.perf_counter()
    model.fit(X, y, epochs=EPOCHS, batch_size=4, verbose=0)
    return (time.perf_counter() - start) / EPOCHS * 1e6


if __name__ == "__main__":
    one_fit()  # warm-up
    print(f"{min(one_fit() for _ in range(5)):.1f} µs per epoch (best of 5)")
