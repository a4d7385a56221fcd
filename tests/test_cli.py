"""The command line, run as a user would."""

from __future__ import annotations

import os
import subprocess
import sys

from neuronlab.cli import main


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120"}
    return subprocess.run([sys.executable, "-m", "neuronlab.cli", *args], capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL, env=env)


def test_tour_runs_without_a_terminal_and_shows_every_stage():
    result = _run("tour")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for expected in [
        "z = (0.50 × 0.50) + (-0.30 × -0.30) + (0.70 × 0.80) + 0.10 = 1.000",
        "ŷ = sigmoid(1.190) = 0.767",
        "z = 0.400 + 0.420 + 0.270 + 0.10 = 1.190",
        "4.800, 1.210, 2.385",
        "3.310, 1.662, 1.661",
        "x1 + x2 = 1.5",
        "best 3 of 4",
        "51.81072",
        "111.175",
        "99.250",
        "gradients match",
        "Same weights, same numbers: True",
        "Epoch 3000/3000",
    ]:
        assert expected in out, expected


def test_neuron_command_prints_the_step_by_step_line(capsys):
    code = main(["neuron", "--inputs", "0.5,-0.3,0.7", "--weights", "0.5,-0.3,0.8",
                 "--bias", "0.1", "--activation", "relu"])
    out = capsys.readouterr().out
    assert code == 0
    assert "z = (0.50 × 0.50) + (-0.30 × -0.30) + (0.70 × 0.80) + 0.10 = 1.000" in out
    assert "z = 0.250 + 0.090 + 0.560 + 0.10 = 1.000" in out
    assert "ŷ = ReLU(1.000) = 1.000" in out


def test_neuron_command_rejects_bad_numbers():
    result = _run("neuron", "--inputs", "0.5,abc")
    assert result.returncode == 2
    assert "expected comma-separated numbers" in result.stderr


def test_neuron_command_mismatched_lengths_is_a_clear_error(capsys):
    code = main(["neuron", "--inputs", "1,2", "--weights", "1,2,3"])
    assert code == 2
    assert "expects 3 inputs, got 2" in capsys.readouterr().out


def test_train_xor_reports(capsys):
    code = main(["train", "xor", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Final metrics" in out and "accuracy" in out
    assert "1.0000" in out  # all four right


def test_no_command_prints_help(capsys):
    assert main([]) == 0
    assert "tour" in capsys.readouterr().out
