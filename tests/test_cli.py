"""The command line, run as a user would."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import pytest

from neuronlab.cli import build_parser, main


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


# --------------------------------------------------------------------------- a new user's habits
def test_version_and_python_dash_m():
    from neuronlab import __version__

    result = subprocess.run([sys.executable, "-m", "neuronlab", "--version"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == f"neuronlab {__version__}"
    result = subprocess.run([sys.executable, "-m", "neuronlab", "neuron"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0 and "ŷ = ReLU(1.000) = 1.000" in result.stdout


def test_neuron_takes_negative_numbers_after_an_option(capsys):
    code = main(["neuron", "--inputs", "-1,2", "--weights", "-0.5,1", "--bias", "-1"])
    out = capsys.readouterr().out
    assert code == 0
    assert "z = (-1.00 × -0.50) + (2.00 × 1.00) - 1.00 = 1.500" in out
    assert "z = 0.500 + 2.000 - 1.00 = 1.500" in out
    assert "ŷ = ReLU(1.500) = 1.500" in out
    assert main(["neuron", "--inputs", "-1e-3,-.5", "--weights", "-2,-4"]) == 0
    assert "z = 0.002 + 2.000 + 0.10 = 2.102" in capsys.readouterr().out


@pytest.mark.parametrize("activation, shown", [
    ("relu", "ReLU"), ("leaky_relu", "leaky ReLU"), ("sigmoid", "sigmoid"), ("tanh", "tanh"),
    ("step", "step"), ("linear", "linear")])
def test_neuron_accepts_every_activation_of_the_tour(capsys, activation, shown):
    from neuronlab.neuron import Neuron

    assert main(["neuron", "--bias", "-2", "--activation", activation]) == 0
    expected = Neuron([0.5, -0.3, 0.8], -2, activation)([0.5, -0.3, 0.7])
    assert f"ŷ = {shown}(-1.100) = {expected:.3f}" in capsys.readouterr().out


def _all_parsers() -> list[tuple[str, argparse.ArgumentParser]]:
    found = []

    def walk(parser: argparse.ArgumentParser, name: str) -> None:
        found.append((name, parser))
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub_name, sub in action.choices.items():
                    walk(sub, f"{name} {sub_name}")

    walk(build_parser(), "neuronlab")
    return found


def test_every_option_of_every_command_has_help_and_its_default():
    parsers = _all_parsers()
    assert {"neuronlab tour", "neuronlab neuron", "neuronlab train", "neuronlab plot",
            "neuronlab lab", "neuronlab learn", "neuronlab learn hint"} <= {n for n, _ in parsers}
    for name, parser in parsers:
        text = " ".join(parser.format_help().split())
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._VersionAction,
                                   argparse._SubParsersAction)):
                continue
            where = f"{name} {action.option_strings or action.dest}"
            assert action.help, f"{where} has no help text"
            if action.option_strings or action.nargs in ("?", "*"):
                help_text = " ".join(parser._get_formatter()._get_help_string(action).split())
                assert "(default" in help_text, f"{where} does not show its default"
                shown = help_text.replace("%(default)s", str(action.default))
                assert shown in text, f"{where}: {shown!r} not in its command's help"


# Every bad argument list ends in one line that says what to fix, and exit status 2.
BAD_ARGUMENTS = [
    ("tour", "--epochs", "0"),
    ("tour", "--epochs", "-1"),
    ("tour", "--epochs", "99999999999999999999"),
    ("tour", "--color"),
    ("neuron", "--inputs", "1,2", "--weights", "1,2,3"),
    ("neuron", "--bias", "nan"),
    ("neuron", "--inputs", "0.5,abc"),
    ("neuron", "--activation", "softmax"),
    ("train", "xor", "--epochs", "0"),
    ("train", "xor", "--learning-rate", "0"),
    ("train", "xor", "--learning-rate", "-1"),
    ("train", "xor", "--learning-rate", "1e9"),
    ("train", "xor", "--batch-size", "0"),
    ("train", "moons", "--samples", "0"),
    ("train", "moons", "--samples", "10000000000"),
    ("train", "xor", "--layers", "100000,100000"),
    ("train", "xor", "--layers", "4096,4096,4096"),
    ("train", "xor", "--seed", "-1"),
    ("train", "moons", "--test-size", "1.5"),
    ("train", "xor", "--save", "no/such/folder/model.npz"),
    ("plot", "xor", "--epochs", "0"),
    ("plot", "neuron", "--animate"),
    ("plot", "xor", "--snapshots", "1"),
    ("lab", "--port", "-5"),
    ("nonsense",),
]


@pytest.mark.parametrize("args", BAD_ARGUMENTS, ids=" ".join)
def test_bad_arguments_end_in_one_line_and_exit_2(args, tmp_path):
    result = subprocess.run([sys.executable, "-m", "neuronlab", *args], capture_output=True,
                            text=True, timeout=60, cwd=tmp_path,
                            env={**os.environ, "COLUMNS": "80"})
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    if result.stderr.strip():  # argparse: usage, then one line naming the argument
        assert result.stdout == ""
        last = result.stderr.strip().splitlines()[-1]
        assert last.startswith("neuronlab") and "error:" in last
    else:  # neuronlab's own check: exactly one line, before any other output
        lines = result.stdout.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:"), lines
    assert list(tmp_path.iterdir()) == []  # nothing was written


def test_import_neuronlab_stays_light_and_submodules_load_on_use():
    code = ("import sys, neuronlab\n"
            "heavy = [m for m in ('matplotlib', 'rich', 'starlette') if m in sys.modules]\n"
            "assert heavy == [], heavy\n"
            "X, y = neuronlab.datasets.xor()\n"
            "assert X.shape == (4, 2)\n"
            "assert neuronlab.stories.gate_neuron('and')([1, 1]) == 1.0\n"
            "assert callable(neuronlab.gradcheck.check_model)\n"
            "assert callable(neuronlab.plots.plot_activations)\n"
            "assert {'datasets', 'plots', 'gradcheck', 'stories'} <= set(dir(neuronlab))\n"
            "for name in neuronlab.__all__:\n"
            "    getattr(neuronlab, name)\n"
            "try:\n"
            "    neuronlab.nonsense\n"
            "except AttributeError as exc:\n"
            "    assert 'nonsense' in str(exc)\n"
            "else:\n"
            "    raise AssertionError('no AttributeError')\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


HEAVY = ("matplotlib", "torch", "starlette", "uvicorn", "neuronlab.learn", "neuronlab.lab")


@pytest.mark.parametrize("args", [["--help"], ["learn", "--help"], ["plot", "--help"],
                                  ["lab", "--help"], ["train", "--help"]])
def test_help_imports_no_heavy_library(args):
    """Every command registers itself without importing what only running it needs."""
    code = ("import runpy, sys\n"
            f"sys.argv = ['neuronlab', *{args!r}]\n"
            "try:\n"
            "    runpy.run_module('neuronlab', run_name='__main__')\n"
            "except SystemExit as exc:\n"
            "    assert exc.code == 0, exc.code\n"
            f"heavy = sorted(m for m in sys.modules if m.startswith({HEAVY!r}))\n"
            "print('loaded:', heavy)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, env={**os.environ, "COLUMNS": "120"})
    assert result.returncode == 0, result.stderr
    assert "usage: neuronlab" in result.stdout
    assert result.stdout.splitlines()[-1] == "loaded: []"


def test_learn_start_help_names_the_default_workspace(capsys):
    from neuronlab.learn.workspace import DEFAULT_DIR

    with pytest.raises(SystemExit):
        main(["learn", "start", "--help"])
    assert f"./{DEFAULT_DIR}" in capsys.readouterr().out


def test_plot_animate_says_what_it_is_doing(tmp_path):
    result = subprocess.run([sys.executable, "-m", "neuronlab", "plot", "gates", "--animate",
                             "--epochs", "20", "--snapshots", "3", "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == ["AND: training and drawing frames...",
                                          "AND: writing the GIF..."]
    assert (tmp_path / "and_training.gif").is_file()


def test_plot_animate_shows_a_progress_bar_in_a_terminal(tmp_path):
    import pexpect

    child = pexpect.spawn(sys.executable, ["-m", "neuronlab", "plot", "gates", "--animate",
                                           "--epochs", "200", "--snapshots", "4", "--out",
                                           str(tmp_path)], dimensions=(24, 100),
                          encoding="utf-8", timeout=120)
    text = child.read()
    child.close()
    assert child.exitstatus == 0, text
    assert "AND: epochs" in text and "AND: frames" in text and "200/200" in text


def test_animation_reports_its_progress(tmp_path):
    from neuronlab import SGD, Dense, Sequential, datasets
    from neuronlab.plots import animate_training

    X, y = datasets.and_gate()
    model = Sequential([Dense(1, "sigmoid", input_shape=(2,))], seed=0)
    model.compile(optimizer=SGD(learning_rate=1.0), loss="mse")
    calls: list[tuple[str, int, int]] = []
    animate_training(model, X, y, epochs=10, snapshots=3, path=tmp_path / "a.gif",
                     progress=lambda *call: calls.append(call))
    assert [c for c in calls if c[0] == "epoch"] == [("epoch", k, 10) for k in range(1, 11)]
    assert [c for c in calls if c[0] == "frame"] == [("frame", k, 3) for k in (1, 2, 3)]
    assert calls[-2:] == [("write", 0, 1), ("write", 1, 1)]
