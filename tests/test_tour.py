"""The terminal tour, read as a learner reads it: at 80 and 120 columns, code that runs."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from collections import Counter

import pexpect
import pytest
from rich.console import Console

from neuronlab import Dense, Sequential, datasets
from neuronlab.tour import FRAMEWORK_CODE, framework_output, run_tour

# A number, a bracketed vector, or a parenthesised product like (0.50 × 0.80).
TOKEN = re.compile(r"\[[^\[\]\n]*\]|\([^()\n]*\)|-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def render(width: int, epochs: int = 3000) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=False, color_system=None)
    run_tour(console, epochs=epochs, verbose=0)
    return out.getvalue()


def tokens(text: str) -> Counter[str]:
    return Counter(t for line in text.splitlines() for t in TOKEN.findall(line))


@pytest.fixture(scope="module")
def wide() -> str:
    return render(1000)  # nothing wraps


@pytest.mark.parametrize("width", [80, 120])
def test_no_line_break_inside_a_number_a_vector_or_a_product(wide, width):
    narrow = render(width)
    assert max(len(line) for line in narrow.splitlines()) <= width
    # every number, vector and (x × w) of the unwrapped tour is whole on one line
    missing = tokens(wide) - tokens(narrow)
    assert not missing, missing
    code = {line.strip() for line in FRAMEWORK_CODE.splitlines()}
    for line in narrow.splitlines():
        if line.strip() in code:
            continue  # the Python code block keeps its own line breaks
        assert line.count("[") == line.count("]"), line
        assert not re.search(r"[=×+]\s*$", line), f"a line ends inside an equation: {line!r}"


@pytest.mark.parametrize("columns", [80, 120])
def test_the_tour_in_a_terminal_keeps_numbers_whole(wide, columns):
    env = {**os.environ, "COLUMNS": str(columns), "LINES": "50"}
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(sys.executable, ["-m", "neuronlab", "tour", "--quiet"], env=env,
                          dimensions=(50, columns), encoding="utf-8", timeout=120)
    text = child.read()
    child.close()
    assert child.exitstatus == 0, text
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).replace("\r", "")
    assert "Same weights, same numbers: True" in plain
    missing = tokens(wide) - tokens(plain)
    assert not missing, missing


def test_a_terminal_narrower_than_80_columns_wraps_cells_rather_than_cutting_them():
    narrow = render(60)  # (below 80 columns a long formula or the summary may wrap)
    assert "…" not in narrow  # what rich shows where it cut a cell or a title short
    for whole in ("1050.701", "0.693", "2.385", "111.17550", "23→47"):
        assert whole in narrow, whole


def test_the_step_by_step_view_has_three_lines(wide):
    assert ("  z = (0.50 × 0.50) + (-0.30 × -0.30) + (0.70 × 0.80) + 0.10 = 1.000\n"
            "  z = 0.250 + 0.090 + 0.560 + 0.10 = 1.000\n"
            "  ŷ = ReLU(1.000) = 1.000") in wide
    assert "ŷ = sigmoid(1.190) = 0.767" in wide
    assert "z = 0.800 + 0.900 + 0.020 + 0.000 + 0.00 = 1.720" in wide


def _printed_code(text: str) -> tuple[str, list[str]]:
    """The framework view's code block and the output lines shown after it."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("from neuronlab"))
    end = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("print(round"))
    code = "\n".join(line[4:] for line in lines[start:end + 1])
    shown = [line.strip() for line in lines[end + 2:end + 4]]
    return code, shown


@pytest.mark.parametrize("epochs", [3000, 400])
def test_the_framework_view_prints_code_that_makes_its_numbers(epochs):
    text = render(1000, epochs=epochs)
    code, shown = _printed_code(text)
    assert code == FRAMEWORK_CODE.format(epochs=epochs)
    assert f"epochs={epochs}" in code and 'optimizer="sgd"' not in code
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<tour>", "exec"), {})
    assert out.getvalue().splitlines() == shown
    # the numbers of the "Framework:" line are the ones that code's model gives
    framework = re.search(r"Framework: (.*)", text)
    assert framework is not None
    printed = [float(v) for v in framework.group(1).split(" / ")]
    assert [round(p, 4) for p in printed] == pytest.approx(
        [float(v) for v in shown[0].strip("[]").split()], abs=1e-4)


def test_framework_output_is_what_the_code_prints():
    namespace: dict[str, object] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(FRAMEWORK_CODE.format(epochs=200), "<tour>", "exec"), namespace)
    model = namespace["model"]
    assert isinstance(model, Sequential)
    assert out.getvalue().splitlines() == framework_output(model)


def test_the_tour_teaches_the_sgd_default_learning_rate(wide):
    flat = " ".join(wide.split())
    assert 'optimizer="sgd" means SGD(learning_rate=0.01)' in flat
    loss = re.search(r"With it the same 3000 epochs end at loss (\d\.\d+) with (\d) of 4", flat)
    assert loss is not None
    assert float(loss.group(1)) > 0.24 and int(loss.group(2)) < 4  # XOR unsolved
    X, y = datasets.xor()
    slow = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                       Dense(1, activation="sigmoid")], seed=0)
    slow.compile(optimizer="sgd", loss="mse")
    history = slow.fit(X, y, epochs=3000, verbose=0)
    assert f"{history.history['loss'][-1]:.4f}" == loss.group(1)


def test_the_puzzle_rows_say_which_step_they_follow(wide):
    assert re.search(r"start, before step 0\s+│ 6\.10000\s+│ 5\.50000", wide)
    assert re.search(r"after step 0\s+│ 51\.81072\s+│ 23\.76788", wide)
    assert re.search(r"after step 10\s+│ 110\.97906", wide)
    assert re.search(r"after step 49 = 50 steps\s+│ 111\.175\s+│ 99\.250", wide)
    assert "e = y − ŷ" in wide


@pytest.mark.parametrize("epochs", ["0", "-1", "99999999999999999999", "many"])
def test_bad_epochs_fail_at_once_in_one_line(epochs):
    result = subprocess.run([sys.executable, "-m", "neuronlab", "tour", "--epochs", epochs],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""  # nothing of the tour was printed first
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("neuronlab tour: error: argument --epochs:") and epochs in last
