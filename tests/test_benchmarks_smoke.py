"""The benchmark harness still runs: one tiny repeat of every workload (``--smoke``),
and the speed work behind its figures leaves the numbers of training unchanged.

Speed is not asserted here (benchmarks are not timed tests); the smoke run only keeps
the harness from rotting. The real figures live in BENCHMARKS.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_smoke_run_prints_every_workload_and_writes_markdown(tmp_path):
    for peer in ("torch", "sklearn", "micrograd"):
        pytest.importorskip(peer)
    target = tmp_path / "BENCHMARKS.md"
    target.write_text("# Benchmarks\n\nProse that must survive.\n")
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--smoke", "--markdown", str(target)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    for heading in ("tiny: XOR", "small: digits", "MNIST-shaped", "inference", "peak memory",
                    "Targets"):
        assert heading in done.stdout
    for library in ("neuronlab", "pytorch", "scikit-learn", "micrograd"):
        assert f"| {library}" in done.stdout
    written = target.read_text()
    assert written.startswith("# Benchmarks\n\nProse that must survive.")
    assert "<!-- results: start -->" in written and "<!-- results: end -->" in written
    assert "python -m benchmarks --smoke" in written


def test_file_entry_point_shows_help():
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--help"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "--repeats" in done.stdout and "--smoke" in done.stdout


# ---------------------------------------------------------------- the speed work keeps the math
# Parameters and gradients of a freshly built model live in two flat arrays (model._pack),
# so that plain SGD updates them in one call. These tests pin down that nothing else moves.


def _xor_model(optimizer=None):
    from neuronlab import SGD, Dense, Sequential

    model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                        Dense(1, activation="sigmoid")], seed=0)
    model.compile(optimizer=optimizer or SGD(learning_rate=1.0), loss="mse")
    return model


def _same_weights(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a.get_weights(), b.get_weights()))


@pytest.mark.parametrize("make_optimizer", [
    lambda: __import__("neuronlab").SGD(learning_rate=1.0),
    lambda: __import__("neuronlab").SGD(learning_rate=0.5, momentum=0.9),
    lambda: __import__("neuronlab").Adam(learning_rate=0.05),
])
def test_flat_parameters_train_bit_for_bit_like_separate_arrays(make_optimizer):
    from neuronlab import datasets

    X, y = datasets.xor()
    packed, separate = _xor_model(make_optimizer()), _xor_model(make_optimizer())
    packed.build()
    separate.build()
    separate._flat = None  # the one-array-at-a-time path
    packed.fit(X, y, epochs=300, verbose=0)
    separate.fit(X, y, epochs=300, verbose=0)
    assert packed._flat is not None
    assert packed.layers[0].W.base is packed._flat[0]
    assert _same_weights(packed, separate)
    assert len(packed.optimizer.state) == len(packed.parameters())


def test_a_copied_model_trains_its_own_weights():
    import copy

    from neuronlab import datasets

    X, y = datasets.xor()
    original = _xor_model()
    original.build()
    twin = copy.deepcopy(original)
    original.fit(X, y, epochs=200, verbose=0)
    twin.fit(X, y, epochs=200, verbose=0)
    assert _same_weights(original, twin)
    assert not np.shares_memory(original.layers[0].W, twin.layers[0].W)


def test_layers_shared_with_a_second_model_still_train():
    from neuronlab import Sequential, datasets

    X, y = datasets.xor()
    model, reference = _xor_model(), _xor_model()
    model.build()
    hidden = Sequential(model.layers[:1])  # e.g. to look at the hidden layer's outputs
    hidden.build()
    model.fit(X, y, epochs=200, verbose=0)
    reference.fit(X, y, epochs=200, verbose=0)
    assert _same_weights(model, reference)
    X32 = X.astype(np.float32)
    np.testing.assert_array_equal(hidden.forward(X32), model.layers[0].forward(X32))
