"""The benchmark harness still runs: one tiny repeat of every workload (``--smoke``),
and the speed work behind its figures leaves the numbers of training unchanged.

Speed is not asserted here (benchmarks are not timed tests); the smoke run only keeps
the harness from rotting. The real figures live in BENCHMARKS.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
