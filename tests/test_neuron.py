"""The pure-Python neuron: standard library only, runnable on its own, clear errors."""

from __future__ import annotations

import ast
import math
import subprocess
import sys
from pathlib import Path

import pytest

import neuronlab.neuron as pure
from neuronlab.neuron import Layer, Network, Neuron, get_activation

SOURCE = Path(pure.__file__)


def test_imports_only_the_standard_library():
    tree = ast.parse(SOURCE.read_text())
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no package-relative imports: the file must run on its own"
            modules.add((node.module or "").split(".")[0])
    assert modules <= set(sys.stdlib_module_names), modules - set(sys.stdlib_module_names)


def test_file_runs_on_its_own(tmp_path):
    copy = tmp_path / "neuron.py"
    copy.write_text(SOURCE.read_text())
    result = subprocess.run([sys.executable, "-I", str(copy)], capture_output=True, text=True,
                            check=True, cwd=tmp_path)
    assert "z = (0.50 × 0.50) + (-0.30 × -0.30) + (0.70 × 0.80) + 0.10 = 1.000" in result.stdout
    assert "z = 0.400 + 0.420 + 0.270 + 0.10 = 1.190" in result.stdout
    assert "ŷ = sigmoid(1.190) = 0.767" in result.stdout


@pytest.mark.parametrize("z", [-1000.0, -745.0, 0.0, 745.0, 1000.0])
def test_sigmoid_never_overflows(z):
    y = get_activation("sigmoid")(z)
    assert 0.0 <= y <= 1.0 and math.isfinite(y)


def test_activations_by_name():
    assert get_activation("relu")(-2.0) == 0.0
    assert get_activation("step")(0.0) == 0.0 and get_activation("step")(0.1) == 1.0
    assert get_activation("tanh")(0.0) == 0.0
    assert get_activation(None)(3.5) == 3.5
    with pytest.raises(ValueError, match=r"Unknown activation 'soft'\. Valid names: relu"):
        get_activation("soft")


def test_neuron_errors_say_what_was_expected():
    neuron = Neuron([0.5, -0.3, 0.8], 0.1)
    with pytest.raises(ValueError, match=r"has 3 weights, so it expects 3 inputs, got 2"):
        neuron([1.0, 2.0])
    with pytest.raises(TypeError, match=r"inputs\[1\] must be a number, got 'x'"):
        neuron([1.0, "x", 2.0])
    with pytest.raises(ValueError, match="must be a finite number"):
        neuron([1.0, float("nan"), 2.0])
    with pytest.raises(ValueError, match="weights is empty"):
        Neuron([], 0.0)


def test_layer_errors():
    with pytest.raises(ValueError, match="one bias per neuron: got 2 weight rows and 1 biases"):
        Layer([[1, 2], [3, 4]], [0.0])
    with pytest.raises(ValueError, match="same length; got lengths"):
        Layer([[1, 2], [3]], [0.0, 0.0])
    with pytest.raises(ValueError, match="at least one layer"):
        Network([])


def test_explanation_with_negative_bias_and_precise_numbers():
    e = Neuron([1.0, 1.0], -1.5, "step").explain([1.0, 1.0])
    assert e.z_line() == "z = (1.00 × 1.00) + (1.00 × 1.00) - 1.50 = 0.500"
    assert e.sum_line() == "z = 1.000 + 1.000 - 1.50 = 0.500"
    assert e.y_line() == "ŷ = step(0.500) = 1.000"
    e = Neuron([0.125], 0.0, "linear").explain([2.0])
    assert "(2.00 × 0.125)" in e.z_line()
    assert e.as_dict()["products"] == [0.25]


def test_explanation_shows_itself_in_three_lines_without_print():
    e = Neuron([0.5, -0.3, 0.8], 0.1, "relu").explain([0.5, -0.3, 0.7])
    lines = ["z = (0.50 × 0.50) + (-0.30 × -0.30) + (0.70 × 0.80) + 0.10 = 1.000",
             "z = 0.250 + 0.090 + 0.560 + 0.10 = 1.000",
             "ŷ = ReLU(1.000) = 1.000"]
    assert e.lines() == lines and str(e) == repr(e) == "\n".join(lines)

    class Printer:  # IPython's pretty printer, as far as _repr_pretty_ uses it
        text_seen = ""

        def text(self, value: str) -> None:
            self.text_seen += value

    printer = Printer()
    e._repr_pretty_(printer, False)
    assert printer.text_seen == str(e)
    assert e._repr_html_() == "<pre>" + "\n".join(lines) + "</pre>"
    assert e.as_dict()["steps"] == str(e) and e.as_dict()["sum_line"] == lines[1]


def test_sum_line_writes_negative_products_with_a_minus():
    e = Neuron([0.5, -0.3, 0.8], 0.0, "relu").explain([2.0, 3.0, 1.0])
    assert e.sum_line() == "z = 1.000 - 0.900 + 0.800 + 0.00 = 0.900"
    e = Neuron([-1.0], -0.5, "tanh").explain([1.0])
    assert e.sum_line() == "z = -1.000 - 0.50 = -1.500"


def test_activation_names_as_the_lessons_write_them():
    names = {"relu": "ReLU", "leaky_relu": "leaky ReLU", "sigmoid": "sigmoid", "tanh": "tanh",
             "step": "step", "linear": "linear"}
    for key, shown in names.items():
        assert Neuron([1.0], 0.0, key).explain([-2.0]).y_line().startswith(f"ŷ = {shown}(")
    assert Neuron([1.0], 0.0, "leaky_relu")([-2.0]) == pytest.approx(-0.02)


def test_numbers_too_large_for_a_float_are_refused_by_neuron_py():
    with pytest.raises(ValueError, match="weights\\[0\\] is too large to be a float"):
        Neuron([10**400])
    neuron = Neuron([2.0], bias=0.0, activation="linear")
    with pytest.raises(ValueError, match=r"weighted sum .*not a finite number.*Scale them down"):
        neuron([1e308])
    with pytest.raises(ValueError, match="not a finite number"):
        neuron.explain([1e308])


def test_odd_layers_and_networks_get_clear_errors():
    with pytest.raises(TypeError, match="weights \\(one row per neuron\\) must be a list, got 5"):
        Layer(5, 5)
    with pytest.raises(TypeError, match=r"layers must be Layer objects.*layer 0 is 5"):
        Network([5])
    with pytest.raises(TypeError, match="takes a list of layers, got 5"):
        Network(5)
    first, second = Layer([[1, 1]], [0], "relu"), Layer([[1, 1, 1]], [0], "relu")
    with pytest.raises(ValueError, match="Layer 1 reads 3 inputs but layer 0 has 1 neurons"):
        Network([first, second])
    with pytest.raises(TypeError, match="inputs must be a list of numbers, got 3"):
        Network([first])(3)


def test_the_worked_lines_never_round_a_number_to_one_that_reads_otherwise():
    # z = 0.0004 is above 0, so the step says 1: the line must not print step(0.000) = 1
    step = Neuron([1.0], 0.0, "step").explain([0.0004])
    assert step.y_line() == "ŷ = step(0.0004) = 1.000"
    tiny = Neuron([0.00001], -0.00001, "linear").explain([1.0])
    assert "1e-05" in tiny.z_line() and "0. " not in tiny.z_line() + " "
    # 1.0 - 0.7 - 0.3 is 0 in decimals but 5.55e-17 in binary floats: the step fires, and
    # the line says why instead of seeming to contradict "1 if z > 0"
    residue = Neuron([-1.0, -1.0], -0.3, "step").explain([-1.0, 0.7])
    assert residue.z == 1.0 - 0.7 - 0.3 > 0 and residue.y == 1.0
    assert residue.y_line().startswith("ŷ = step(5.55e-17) = 1.000\n    (z is not exactly 0:")
    # a z that is tiny as typed is not a residue: no note
    assert "not exactly" not in Neuron([1e-13], 0.0, "step").explain([1.0]).y_line()
    # where the residue does not change what is shown (sigmoid(0) = 0.500), no note
    assert "not exactly" not in Neuron([-1.0, -1.0], -0.3, "sigmoid").explain([-1.0, 0.7]).y_line()
