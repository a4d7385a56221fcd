"""Two versions of neuronlab side by side, in one process, on the harness's workloads.

    python -m benchmarks.versions OLD_PACKAGE_DIR [--repeats 9] [--only xor,digits]

``OLD_PACKAGE_DIR`` holds the other version as a package named ``neuronlab_old``
(e.g. ``git archive <commit> src | tar -x -C /tmp/old`` then copy
``/tmp/old/src/neuronlab`` to ``/tmp/pkgs/neuronlab_old``; the package imports itself
relatively, so the copy runs as is). Each workload runs both versions in turn after
one untimed round; the figure is the CPU time of this process (``time.process_time``),
which a busy machine distorts less than the wall clock, best run with
``OPENBLAS_NUM_THREADS=1``. Printed: medians, and the new version's speed ÷ the old's.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import neuronlab
from benchmarks import workloads as wl

Make = Callable[[Any], Callable[[], Any]]


def use(package: Any) -> None:
    """Make the harness's workloads build their models with ``package``."""
    wl.SGD, wl.Dense, wl.Sequential = package.SGD, package.Dense, package.Sequential


def cpu_seconds(run: Callable[[], Any]) -> float:
    gc.collect()
    start = time.process_time()
    run()
    return time.process_time() - start


def compare(name: str, make: Make, versions: dict[str, Any], repeats: int) -> None:
    runs = {label: make(package) for label, package in versions.items()}
    for run in runs.values():
        run()
    seconds: dict[str, list[float]] = {label: [] for label in runs}
    for _ in range(repeats):
        for label, run in runs.items():
            seconds[label].append(cpu_seconds(run))
    old, new = (statistics.median(seconds[label]) for label in ("old", "new"))
    print(f"{name}: old {1e3 * old:.2f} ms CPU, new {1e3 * new:.2f} ms CPU, "
          f"new speed ÷ old {old / new:.3f}", flush=True)


def fitting(w: wl.Workload) -> Make:
    def make(package: Any) -> Callable[[], Any]:
        def run() -> None:
            use(package)
            model = wl.neuronlab_model(w)
            model.fit(w.X, w.y, epochs=w.epochs, batch_size=w.batch_size, verbose=0, seed=1)
        return run
    return make


def predicting(w: wl.Workload, n: int, calls: int) -> Make:
    x = np.ascontiguousarray(w.X_test[:n])

    def make(package: Any) -> Callable[[], Any]:
        use(package)
        model = wl.neuronlab_model(w)
        return lambda: [model.predict(x) for _ in range(calls)]
    return make


def lenet(package: Any) -> Any:
    layers = package.layers
    model = package.Sequential([
        layers.Conv2D(6, 5, activation="relu", input_shape=(28, 28, 1)), layers.MaxPool2D(2),
        layers.Conv2D(16, 5, activation="relu"), layers.MaxPool2D(2), layers.Flatten(),
        package.Dense(120, activation="relu"), package.Dense(84, activation="relu"),
        package.Dense(10, activation="softmax")], seed=0)
    model.compile(optimizer=package.SGD(learning_rate=0.01), loss="categorical_crossentropy")
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.versions",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old", help="a directory holding the package neuronlab_old")
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--only", default="xor,digits,mnist,predict1,predict10000,conv")
    args = parser.parse_args(argv)
    sys.path.insert(0, args.old)
    versions = {"old": importlib.import_module("neuronlab_old"), "new": neuronlab}
    only, repeats = set(args.only.split(",")), max(1, args.repeats)
    if "xor" in only:
        compare("XOR 3,000 epochs", fitting(wl.xor()), versions, repeats)
    if "digits" in only:
        compare("digits 20 epochs", fitting(wl.digits()), versions, repeats)
    if "mnist" in only:
        w = wl.mnist_shaped(n_train=10_000, n_test=10_000, epochs=1)
        compare("MNIST-shaped, 10,000 samples, 1 epoch", fitting(w), versions, repeats)
    w = wl.mnist_shaped(n_train=2_000, n_test=10_000)
    for n, calls in ((1, 2000), (10_000, 5)):
        if f"predict{n}" in only:
            compare(f"predict {n:,} samples × {calls} calls", predicting(w, n, calls),
                    versions, repeats)
    if "conv" in only:
        X, y = wl.lenet_data()
        compare("LeNet fit, 10 steps of 64",
                lambda package: lambda: lenet(package).fit(
                    X, y, epochs=1, batch_size=64, shuffle=False, verbose=0),
                versions, repeats)
        compare("LeNet predict 64 images × 10 calls",
                lambda package: (lambda model: lambda: [model.predict(X[:64])
                                                        for _ in range(10)])(lenet(package)),
                versions, repeats)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
