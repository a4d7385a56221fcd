"""The learning path: exercises, the checker's verdicts, progress, quiz, lessons, grading."""

from __future__ import annotations

import json
import math
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from neuronlab import stories
from neuronlab.learn import EXERCISES, check, check_file
from neuronlab.learn.exercises import TODO_MARKER
from neuronlab.learn.grading import grade, to_csv
from neuronlab.learn.lessons import LESSONS, find_lesson, run_example
from neuronlab.learn.notebooks import notebook_text
from neuronlab.learn.quiz import (
    QUESTIONS,
    Choice,
    Formula,
    Number,
    Words,
    parse_number,
    questions_for,
)
from neuronlab.learn.values import compare, decode, encode
from neuronlab.learn.workspace import PROGRESS_FILE, Workspace

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def function_from(exercise, source: str):
    """Define the learner's function from ``source`` as a notebook cell would, after the
    imports of the exercise's file."""
    imports = "".join(line + "\n" for line in exercise.solution.splitlines()
                      if line.startswith(("import ", "from ")))
    namespace: dict = {}
    exec(compile(imports + textwrap.dedent(source), "<learner>", "exec"), namespace)
    return namespace[exercise.function]


# --------------------------------------------------------------------------- exercises
def test_the_path_has_at_least_ten_exercises_covering_most_lessons():
    assert len(EXERCISES) >= 10
    assert len(LESSONS) == 14  # thirteen lessons and the closing page, "What comes next"
    with_exercises = {ex.lesson for ex in EXERCISES.values()}
    assert with_exercises == set(range(1, 14))
    assert not LESSONS[-1].exercises
    assert [ex.number for ex in EXERCISES.values()] == list(range(1, len(EXERCISES) + 1))


@pytest.mark.parametrize("name", list(EXERCISES))
def test_reference_solution_passes(name):
    exercise = EXERCISES[name]
    result = check(exercise, function_from(exercise, exercise.solution))
    assert result.passed, str(result)
    assert len(result.cases) == len(exercise.cases()) > 0


@pytest.mark.parametrize("name", ["neuron", "batch_forward", "gate", "train_xor", "xor_model"])
def test_reference_solution_file_passes_in_a_subprocess(tmp_path, name):
    exercise = EXERCISES[name]
    path = tmp_path / exercise.filename
    path.write_text(exercise.solution_text(), encoding="utf-8")
    result = check_file(exercise, path)
    assert result.passed, str(result)
    assert len(result.cases) == len(exercise.cases())


@pytest.mark.parametrize("name", list(EXERCISES))
def test_template_is_not_started_and_points_at_the_todo(name):
    exercise = EXERCISES[name]
    text = exercise.file_text()
    assert TODO_MARKER in text
    compile(text, exercise.filename, "exec")  # the file a learner gets is valid Python
    result = check(exercise, function_from(exercise, exercise.template))
    assert result.status == "todo" and not result.passed
    assert "TODO" in result.headline


# Two or more kinds of mistake per exercise: (source, the case that must be named,
# text the message must contain).
WRONG = {
    "neuron": [
        ("""def neuron(inputs, weights, bias):
               return max(0.0, sum(x * w for x, w in zip(inputs, weights)))""",
         "example 2", "expected 1.0, got 0.9"),
        ("""def neuron(inputs, weights, bias):
               return sum(x * w for x, w in zip(inputs, weights)) + bias""",
         "example 1", "got -1.0"),
    ],
    "relu": [("def relu(z):\n    return abs(z)", "example 1", "expected 0.0, got 2.0"),
             ("def relu(z):\n    return z", "example 1", "got -2.0")],
    "sigmoid": [
        ("def sigmoid(z):\n    return 1 / (1 + math.exp(-z))", "hidden 2 · z = -1000",
         "OverflowError"),
        ("import numpy as np\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))",
         "hidden 2 · z = -1000", "overflow encountered in exp"),
        ("""def sigmoid(z):
               if z <= 0:
                   return 1.0 / (1.0 + math.exp(z))
               e = math.exp(-z)
               return e / (1.0 + e)""", "example 2", "flip the sign"),
    ],
    "layer_forward": [
        ("""def layer_forward(inputs, weights, biases):
               return [max(0.0, sum(x * w for x, w in zip(inputs, row))) for row in weights]""",
         "example 1", "forget the biases"),
        ("""def layer_forward(inputs, weights, biases):
               return [sum(x * w for x, w in zip(inputs, row)) + b
                       for row, b in zip(weights, biases)]""",
         "hidden 3 · a neuron that does not fire", "skip the ReLU"),
    ],
    "batch_forward": [
        ("def batch_forward(X, W, b):\n    return np.maximum(X @ W + b, 0.0)", "example 1",
         "ValueError"),
        ("def batch_forward(X, W, b):\n    return X @ W.T + b",
         "hidden 1 · some neurons do not fire", "skip the ReLU"),
    ],
    "gate": [
        ("""def gate(name):
               return {"and": ([1, 1], -0.5), "or": ([1, 1], -1.5), "nand": ([-1, -1], 1.5),
                       "not": ([-1], 0.5)}[name]""", "example 1",
         "AND(0, 1): expected 0.0, got 1.0"),
        ("def gate(name):\n    return -1.5", "example 1", "should return (weights, bias)"),
        ("""def gate(name):
               return {"and": ([1, 1], -1.5), "or": ([1, 1], -0.5), "nand": ([1, 1], -1.5),
                       "not": ([1, 1], 0.5)}[name]""", "hidden 1 · nand", "NAND(0, 0)"),
    ],
    "xor": [("def xor(x1, x2):\n    return float(x1 or x2)", "example 4", "return OR"),
            ("def xor(x1, x2):\n    return float(x1 and x2)", "example 2", "return AND")],
    "mse": [
        ("""def mse(p, t):
               return sum(abs(a - b) for a, b in zip(p, t)) / len(p)""", "example 1",
         "expected 2.5, got 1.5"),
        ("def mse(p, t):\n    return sum((a - b) ** 2 for a, b in zip(p, t))", "example 1",
         "sum the squares without dividing"),
    ],
    "mse_gradient": [
        ("def mse_gradient(p, t):\n    return [2 * (b - a) / len(p) for a, b in zip(p, t)]",
         "example 1", "flip the sign"),
        ("def mse_gradient(p, t):\n    return [(a - b) / len(p) for a, b in zip(p, t)]",
         "example 1", "forget the factor 2"),
    ],
    "sigmoid_derivative": [
        ("""def sigmoid_derivative(z):
               s = 1 / (1 + math.exp(-z))
               return s * (1 + s)""", "example 1", "use s * (1 + s)"),
        ("""def sigmoid_derivative(z):
               s = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
               return -s * (1 - s)""", "example 1", "flip the sign"),
    ],
    "neuron_gradients": [
        ("""def neuron_gradients(x, w, b, target):
               y = 1 / (1 + math.exp(-(sum(a * c for a, c in zip(x, w)) + b)))
               g = 2 * (y - target)
               return [g * xi for xi in x], g""", "example 1",
         "leave out the sigmoid's slope"),
        ("""def neuron_gradients(x, w, b, target):
               y = 1 / (1 + math.exp(-(sum(a * c for a, c in zip(x, w)) + b)))
               g = 2 * (target - y) * y * (1 - y)
               return [g * xi for xi in x], g""", "example 1", "flip the sign"),
    ],
    "dense_backward": [
        ("""def dense_backward(X, W, G):
               return G.T @ X, G.mean(axis=0), G @ W""", "example 1", "grad_b: at [0]"),
        ("""def dense_backward(X, W, G):
               return X.T @ G, G.sum(axis=0), G @ W""", "example 1",
         "grad_W: expected shape (2, 3), got shape (3, 2)"),
    ],
    "puzzle_step": [
        ("""def puzzle_step(w, b, xs, ys, learning_rate):
               e = [y - (w * x + b) for x, y in zip(xs, ys)]
               dW = -sum(x * ei for x, ei in zip(xs, e)) / len(xs)
               dB = -sum(e) / len(xs)
               return w - learning_rate * dW, b - learning_rate * dB""", "example 1",
         "average the gradients"),
        ("""def puzzle_step(w, b, xs, ys, learning_rate):
               e = [y - (w * x + b) for x, y in zip(xs, ys)]
               return (w + learning_rate * -sum(x * ei for x, ei in zip(xs, e)),
                       b + learning_rate * -sum(e))""", "example 1", "step uphill"),
    ],
    "train_xor": [
        (EXERCISES["train_xor"].solution.replace("* h * (1.0 - h)", ""), "example 1",
         "at [1]: expected"),
        (EXERCISES["train_xor"].solution.replace("W2 -= learning_rate", "W2 += learning_rate"),
         "example 1", "at [1]: expected"),
    ],
    "xor_model": [
        ("""def xor_model():
               return Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                                  Dense(1, activation="sigmoid")], seed=0)""", "compiled",
         "got 'not compiled'"),
        ("""def xor_model():
               model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                                   Dense(1, activation="relu")], seed=0)
               model.compile(optimizer=SGD(learning_rate=1.0), loss="mse")
               return model""", "layers", "Dense(1, relu)"),
    ],
    "softmax": [
        ("""def softmax(z):
               e = [math.exp(v) for v in z]
               return [v / sum(e) for v in e]""", "example 2", "OverflowError"),
        ("""def softmax(z):
               e = [math.exp(v - max(z)) for v in z]
               return [v / max(e) for v in e]""", "example 1", "divide by the largest"),
    ],
    "conv2d": [
        ("""def conv2d(image, kernel, bias):
               k = len(kernel)
               return [[sum(image[i + a][j + b] * kernel[k - 1 - a][k - 1 - b]
                            for a in range(k) for b in range(k)) + bias
                        for j in range(len(image[0]) - k + 1)]
                       for i in range(len(image) - k + 1)]""", "example 1", "flip the kernel"),
        ("""def conv2d(image, kernel, bias):
               k = len(kernel)
               return [[sum(image[i + a][j + b] * kernel[a][b]
                            for a in range(k) for b in range(k))
                        for j in range(len(image[0]) - k + 1)]
                       for i in range(len(image) - k + 1)]""", "example 1", "forget the bias"),
        ("""def conv2d(image, kernel, bias):
               k = len(kernel)
               return [[sum(image[i + a][j + b] * kernel[a][b]
                            for a in range(k) for b in range(k)) + bias
                        for j in range(len(image[0]) - k)]
                       for i in range(len(image) - k)]""", "example 1", "stop one window short"),
    ],
}


def test_every_exercise_has_at_least_two_kinds_of_wrong_solution():
    assert set(WRONG) == set(EXERCISES)
    assert all(len(kinds) >= 2 for kinds in WRONG.values())


@pytest.mark.parametrize(("name", "index"),
                         [(name, i) for name, kinds in WRONG.items() for i in range(len(kinds))])
def test_wrong_solution_fails_naming_the_case(name, index):
    source, case, says = WRONG[name][index]
    exercise = EXERCISES[name]
    result = check(exercise, function_from(exercise, source))
    text = str(result)
    assert not result.passed
    assert result.status in ("failed", "error")
    assert f'case "{case}"' in text, text
    assert says in text, text


def test_a_wrong_solution_gets_the_same_verdict_from_the_subprocess(tmp_path):
    exercise = EXERCISES["neuron"]
    source, case, says = WRONG["neuron"][0]
    path = tmp_path / exercise.filename
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    from_file, in_process = check_file(exercise, path), check(exercise, function_from(exercise,
                                                                                     source))
    assert from_file.status == in_process.status == "failed"
    assert from_file.headline == in_process.headline
    assert f'case "{case}"' in str(from_file) and says in str(from_file)
    assert [c.message for c in from_file.cases] == [c.message for c in in_process.cases]


def test_exercise_examples_show_the_spec_figures():
    def first(name):
        exercise = EXERCISES[name]
        return exercise.expected(exercise.cases()[0])

    new_w, new_b = first("puzzle_step")
    assert (round(new_w, 5), round(new_b, 5)) == (0.93069, 0.62277)
    assert np.allclose(first("batch_forward"), [[4.800, 1.210, 2.385], [3.310, 1.662, 1.661],
                                                [3.310, 2.001, 0.381]], atol=5e-4)
    assert np.allclose(first("layer_forward"), [4.800, 1.210, 2.385], atol=5e-4)
    assert first("neuron") == 0.0  # does not fire
    assert EXERCISES["sigmoid"].expected(EXERCISES["sigmoid"].cases()[0]) == 0.5
    cases = EXERCISES["xor"].cases()
    assert [EXERCISES["xor"].expected(c) for c in cases] == [0.0, 1.0, 1.0, 0.0]
    softmax = EXERCISES["softmax"]
    big = softmax.expected(softmax.cases()[1])
    assert all(math.isfinite(p) for p in big) and math.isclose(sum(big), 1.0)


def test_the_overflow_hint_is_true():
    assert "709" in EXERCISES["sigmoid"].error_hints[0][1]
    assert math.isfinite(math.exp(709))
    with pytest.raises(OverflowError):
        math.exp(710)


def test_hidden_cases_are_the_same_on_every_run_and_not_in_the_file():
    for exercise in EXERCISES.values():
        first, second = exercise.cases(), exercise.cases()
        assert [c.label for c in first] == [c.label for c in second]
        assert encode([c.args for c in first]) == encode([c.args for c in second])
    hidden = [c for c in EXERCISES["neuron"].cases() if c.label.startswith("hidden")]
    assert len(hidden) >= 3
    assert str(hidden[-1].args[0]) not in EXERCISES["neuron"].file_text()


def test_every_exercise_has_graded_hints():
    for exercise in EXERCISES.values():
        assert len(exercise.hints) >= 2
        assert len(set(exercise.hints)) == len(exercise.hints)


def test_exercises_are_found_by_name_number_and_file_name():
    assert EXERCISES.find("3").name == "sigmoid"
    assert EXERCISES.find("03_sigmoid.py").name == "sigmoid"
    assert EXERCISES.find("some/dir/03_sigmoid.py").name == "sigmoid"
    with pytest.raises(ValueError, match=r"Unknown exercise 'sigmod'\. Valid names: neuron"):
        EXERCISES.find("sigmod")


# --------------------------------------------------------------------------- values
def test_compare_explains_wrong_types_and_shapes():
    assert compare(1.0, 1.0 + 1e-12) is None
    assert compare(1.0, None) == "expected a number, got None (did you forget `return`?)"
    assert "not a number" in compare(1.0, float("nan"))
    assert compare(1.0, "1.0") == "expected a number, got the string '1.0'"
    assert "return the number itself" in compare(1.0, [1.0])
    assert compare([1.0, 2.0], np.array([1.0, 2.0])) is None
    assert compare([1.0, 2.0], [1.0, 2.0, 3.0]) == (
        "expected shape (2,), got shape (3,): [1.0, 2.0, 3.0]")
    assert compare([[1.0, 2.0]], [[1.0, 2.5]]) == "at [0][1]: expected 2.0, got 2.5"
    assert compare((1.0, [2.0]), [1.0], parts=("w", "b")).startswith("expected 2 results (w, b)")
    assert compare({"a": 1.0}, {"a": 2.0}) == "a: expected 1.0, got 2.0"
    assert compare("x", "y") == "expected 'x', got 'y'"


def test_encode_decode_keeps_kinds_and_survives_odd_objects():
    class Weird:
        def __repr__(self):
            raise RuntimeError("no repr")

    value = (1, 2.5, None, True, "s", [np.float64(1.5)], np.arange(4.0).reshape(2, 2),
             {"k": 1}, Weird(), float("nan"))
    back = decode(json.loads(json.dumps(encode(value))))
    assert isinstance(back, tuple) and back[:5] == (1, 2.5, None, True, "s")
    assert back[5] == [1.5] and back[6].shape == (2, 2)
    assert back[7] == {"k": 1}
    assert back[8].type_name == "Weird"
    assert math.isnan(back[9])
    assert decode(encode(np.array(0.5))) == 0.5
    assert check("relu", lambda z: np.maximum(np.float64(z), 0.0) * np.ones(())).passed

    def endless(n=0):
        yield n

    assert "generator" in compare(1.0, decode(encode(endless())))
    loop: list = []
    loop.append(loop)
    assert "nested too deeply" in repr(decode(encode(loop)))
    big = decode(encode(list(range(200_000))))
    assert "200000 items" in repr(big)


# --------------------------------------------------------------------------- verdicts
NASTY = {
    "raise": ("def helper(z):\n    return z / 0\n\ndef relu(z):\n    return helper(z)\n",
              "error"),
    "loop": ("def relu(z):\n    while True:\n        pass\n", "timeout"),
    "top-level loop": ("while True:\n    pass\n", "timeout"),
    "junk": ("print('junk \\x00 [bold]not markup[/]')\ndef relu(z):\n    print('noise', z)\n"
             "    return 'zero'\n", "failed"),
    "nan": ("def relu(z):\n    return float('nan')\n", "failed"),
    "no return": ("def relu(z):\n    max(0, z)\n", "failed"),
    "syntax": ("def relu(z)\n    return z\n", "load-error"),
    "hard exit": ("import os\ndef relu(z):\n    os._exit(3)\n", "crashed"),
    "sys.exit": ("import sys\ndef relu(z):\n    sys.exit(1)\n", "error"),
    "renamed": ("def ReLU(z):\n    return z\n", "no-function"),
    "swallows the timeout": ("import time\ndef relu(z):\n    while True:\n        try:\n"
                             "            time.sleep(5)\n        except BaseException:\n"
                             "            pass\n", "timeout"),
    "reads stdin": ("def relu(z):\n    return float(input())\n", "error"),
}


@pytest.fixture(scope="module")
def nasty_results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nasty")
    results = {}
    for name, (source, _) in NASTY.items():
        path = folder / "02_relu.py"
        path.write_text(source, encoding="utf-8")
        began = time.monotonic()
        results[name] = (check_file("relu", path, timeout=0.5), time.monotonic() - began)
    return results


@pytest.mark.slow
@pytest.mark.parametrize("name", list(NASTY))
def test_misbehaving_code_gets_a_clear_verdict_never_a_checker_traceback(nasty_results, name):
    result, seconds = nasty_results[name]
    text = str(result)
    assert result.status == NASTY[name][1], text
    assert not result.passed
    assert seconds < 8
    for checker_file in ("runner.py", "checker.py", "exercises.py", "values.py", "catalog.py"):
        assert checker_file not in text, text
    assert "neuronlab/learn" not in text


@pytest.mark.slow
def test_verdict_details(nasty_results):
    raised = str(nasty_results["raise"][0])
    assert 'case "example 1" raised ZeroDivisionError' in raised
    assert "02_relu.py\", line 2, in helper" in raised and "return z / 0" in raised
    loop = str(nasty_results["loop"][0])
    assert "still running after 0.5 s" in loop and "while True:" in loop
    assert "an endless loop at the top level" in str(nasty_results["top-level loop"][0])
    junk = nasty_results["junk"][0]
    assert "expected a number, got the string 'zero'" in str(junk)
    assert "[bold]not markup[/]" in junk.output and "noise -2.0" in junk.output
    assert "\x00" not in junk.output
    assert "nan (not a number)" in str(nasty_results["nan"][0])
    assert "did you forget `return`?" in str(nasty_results["no return"][0])
    syntax = str(nasty_results["syntax"][0])
    assert "SyntaxError" in syntax and "line 1" in syntax
    assert "exit code 3" in str(nasty_results["hard exit"][0])
    assert "return the answer instead" in str(nasty_results["sys.exit"][0])
    assert "it defines: ReLU" in str(nasty_results["renamed"][0])
    assert "EOFError" in str(nasty_results["reads stdin"][0])


def test_an_untouched_file_is_todo_with_or_without_running_it(tmp_path):
    exercise = EXERCISES["neuron"]
    workspace, _, _ = Workspace.create(tmp_path)
    path = workspace.path(exercise)
    untouched = check_file(exercise, path)
    path.write_text(path.read_text(encoding="utf-8") + "\n# a note\n", encoding="utf-8")
    ran = check_file(exercise, path)
    assert untouched.status == ran.status == "todo"
    assert untouched.headline == ran.headline
    assert "(line 19 of 01_neuron.py)" in ran.headline
    assert path.read_text(encoding="utf-8").splitlines()[18].strip().startswith(TODO_MARKER)


def test_missing_file_says_how_to_restore_it(tmp_path):
    result = check_file("neuron", tmp_path / "01_neuron.py")
    assert result.status == "missing" and "neuronlab learn start" in result.headline


def test_check_in_process_rejects_a_non_function():
    result = check("neuron", 3.0)
    assert result.status == "no-function" and 'check(\'neuron\', neuron)' in result.headline


def test_check_in_process_stops_an_endless_loop():
    def relu(z):
        while True:
            pass

    began = time.monotonic()
    result = check("relu", relu, timeout=0.3)
    assert result.status == "timeout" and time.monotonic() - began < 3


def test_result_html_is_escaped():
    result = check("relu", lambda z: "<b>")
    assert "&lt;b&gt;" in result._repr_html_() and "<b>" not in result._repr_html_()


# --------------------------------------------------------------------------- workspace
def test_start_never_overwrites_and_progress_survives_reruns(tmp_path):
    folder = tmp_path / "ws"
    workspace, created, kept = Workspace.create(folder)
    assert len(created) == len(EXERCISES) and kept == []
    mine = folder / EXERCISES["neuron"].filename
    mine.write_text("# my own work\n", encoding="utf-8")
    workspace.update(lambda p: p["exercises"].setdefault("relu", {}).update(solved=True))
    (folder / EXERCISES["relu"].filename).unlink()
    workspace, created, kept = Workspace.create(folder)
    assert created == [EXERCISES["relu"].filename]
    assert mine.read_text(encoding="utf-8") == "# my own work\n"
    assert workspace.solved() == {"relu"}
    assert workspace.current().name == "neuron"


def test_a_solved_exercise_stays_solved(tmp_path):
    workspace, _, _ = Workspace.create(tmp_path)
    exercise = EXERCISES["relu"]
    path = workspace.path(exercise)
    path.write_text(exercise.solution_text(), encoding="utf-8")
    assert workspace.record_check(exercise, check_file(exercise, path)) is True
    path.write_text("def relu(z):\n    return z\n", encoding="utf-8")
    assert workspace.record_check(exercise, check_file(exercise, path)) is False
    record = workspace.load()["exercises"]["relu"]
    assert record["solved"] is True and record["last"] == "failed" and record["checks"] == 2


def test_progress_writes_are_atomic(tmp_path, monkeypatch):
    workspace, _, _ = Workspace.create(tmp_path)
    before = workspace.progress_path.read_text(encoding="utf-8")

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)  # the temporary file is written by then
    with pytest.raises(OSError, match="disk full"):
        workspace.take_hint(EXERCISES["neuron"])
    assert workspace.progress_path.read_text(encoding="utf-8") == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_progress_survives_a_killed_writer(tmp_path):
    Workspace.create(tmp_path)
    script = textwrap.dedent(f"""
        from neuronlab.learn.catalog import EXERCISES
        from neuronlab.learn.workspace import Workspace
        ws = Workspace({str(tmp_path)!r})
        print("ready", flush=True)
        while True:
            ws.take_hint(EXERCISES["neuron"])
            ws.update(lambda p: p.setdefault("noise", []).append("x" * 50))
    """)
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE) as writer:
        assert writer.stdout is not None and writer.stdout.readline().strip() == b"ready"
        time.sleep(0.4)
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
    data = json.loads((tmp_path / PROGRESS_FILE).read_text(encoding="utf-8"))
    assert data["exercises"]["neuron"]["hints"] >= 1
    assert len(data["noise"]) >= 1


def test_an_unreadable_progress_file_is_kept_aside_with_a_warning(tmp_path):
    workspace, _, _ = Workspace.create(tmp_path)
    workspace.progress_path.write_text("{not json", encoding="utf-8")
    progress = workspace.load()
    assert progress["exercises"] == {}
    assert "could not be read" in workspace.warnings[0]
    assert [p for p in tmp_path.iterdir() if p.name.startswith(PROGRESS_FILE + ".broken")]


def test_workspace_is_found_from_inside_and_from_its_parent(tmp_path, monkeypatch):
    monkeypatch.delenv("NEURONLAB_WORKSPACE", raising=False)
    Workspace.create(tmp_path / "neuronlab-exercises")
    assert Workspace.find(cwd=tmp_path).root == (tmp_path / "neuronlab-exercises").resolve()
    inner = tmp_path / "neuronlab-exercises" / "notes"
    inner.mkdir()
    assert Workspace.find(cwd=inner).root == (tmp_path / "neuronlab-exercises").resolve()
    with pytest.raises(ValueError, match="is not a neuronlab workspace"):
        Workspace.find(tmp_path / "elsewhere")


def test_hints_are_graded_and_counted(tmp_path):
    workspace, _, _ = Workspace.create(tmp_path)
    exercise = EXERCISES["sigmoid"]
    levels = [workspace.take_hint(exercise) for _ in range(5)]
    assert levels == [1, 2, 3, 4, 4]  # then "no more hints": all of them again


# --------------------------------------------------------------------------- quiz
def test_free_text_recall_is_never_graded_only_revealed():
    question = questions_for(1)[0]
    assert "three operations" in question.prompt and isinstance(question, Words)
    for answer in ["multiply, sum, activate", "activate, multiply, sum", "w and b", ""]:
        assert question.check(answer).right is None  # no verdict either way
    assert "Multiply" in question.expected() and question.hint


def test_choices_accept_the_shown_letter_or_the_whole_text():
    question = questions_for(10)[1]
    assert isinstance(question, Choice)
    label = question.right_label("ada")
    for answer in [label, label.lower(), f"{label}.", "the loss jumps about or grows"]:
        assert question.check(answer, "ada").right, answer
    other = next(lab for lab, _ in question.shown("ada") if lab != label)
    assert question.check(other, "ada").right is False
    assert "letter from A to C" in question.check("7", "ada").feedback


def test_numbers_are_parsed_in_every_usual_form():
    assert [parse_number(t) for t in ["0.5", ".5", "1/2", "half", "twelve", "about 3"]] == \
        [0.5, 0.5, 0.5, 0.5, 12.0, 3.0]
    assert parse_number("fish") is None


def test_number_answers_are_the_library_values_and_the_spec_figures():
    answers = {q.prompt: q.correct() for q in QUESTIONS if isinstance(q, Number)}
    values = sorted(round(v, 5) for v in answers.values())
    assert values == sorted([0.5, 12.0, 3.0, 3.0, 2.5, 0.93069, 1.0, 26.0, 80.0])
    puzzle = next(q for q in QUESTIONS if isinstance(q, Number) and "puzzle" in q.prompt)
    assert "w = 0.1, b = 0.6" in puzzle.prompt and "0.0001" in puzzle.prompt
    run = stories.train_puzzle(steps=1)
    assert puzzle.check(f"{run.steps[0].weight:.5f}").right


def test_every_lesson_has_retrieval_questions_with_explanations():
    for lesson in LESSONS:
        questions = questions_for(lesson.number)
        assert 1 <= len(questions) <= 6
        for question in questions:
            assert question.explanation and question.expected()
            assert isinstance(question, (Words, Choice, Number, Formula))


def test_no_decimal_figure_is_typed_into_quiz_text():
    for question in QUESTIONS:
        typed = isinstance(question, Choice) and not callable(question.options)
        text = " ".join([question.explanation, question.hint,
                         question.expected() if isinstance(question, Words) else ""]
                        + (question.choices() if typed else []))
        assert not re.search(r"\d\.\d", text), text


def test_gate_bias_choices_come_from_the_library():
    question = questions_for(5)[0]
    assert isinstance(question, Choice) and callable(question.options)
    assert question.choices()[question.answer - 1] == f"{stories.GATES['and'][1]:g}"


# --------------------------------------------------------------------------- lessons
def _prose(text: str) -> str:
    text = re.sub(r"`[^`]*`", "", text)
    return re.sub(r"(?m)^\s*\d+\.\s", "", text)


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.slug for lesson in LESSONS])
def test_lesson_is_at_full_depth_and_its_example_runs(lesson):
    # Every number in the words is computed or given: see tests/test_lesson_numbers.py.
    words = len(_prose(lesson.text).split())
    if lesson.exercises:  # a lesson of the path
        assert 600 <= words <= 1500, f"lesson {lesson.number} has {words} words"
    else:  # the closing page: the recap, the training cycle and what comes next
        assert 200 <= words <= 1600, f"lesson {lesson.number} has {words} words"
    assert run_example(lesson).strip()


def test_worked_examples_reproduce_the_spec():
    assert "= 1.000" in run_example(find_lesson(1)) and "sigmoid(1.190) = 0.767" in \
        run_example(find_lesson(1))
    assert "[4.8, 1.21, 2.385]" in run_example(find_lesson(3))
    assert "same as the loop: True" in run_example(find_lesson(4))
    assert "boundary: x1 + x2 = 1.5" in run_example(find_lesson(5))
    assert "best ever: 3 of 4" in run_example(find_lesson(6))
    puzzle = run_example(find_lesson(10))
    assert "new w = 0.93069, new b = 0.62277" in puzzle
    assert "step  0: 55 -> 51.81072" in puzzle and "55 -> 111.175" in puzzle
    assert "analytic and numeric gradients match" in run_example(find_lesson(9))
    chain = run_example(find_lesson(8)).splitlines()
    assert chain[0].split(":")[1].split()[0].strip("[") == chain[1].split(":")[1].split()[0] \
        .strip("[")


def test_lessons_are_found_by_number_or_slug():
    assert find_lesson("12").title == "Softmax and many classes"
    assert find_lesson("xor").number == 6
    with pytest.raises(ValueError, match="Lessons are numbered 1-14"):
        find_lesson(15)


def test_notebooks_in_the_repository_match_the_lessons():
    for lesson in LESSONS:
        path = NOTEBOOKS / lesson.notebook_name
        assert path.is_file(), f"{path} is missing; run `neuronlab learn notebooks notebooks "
        assert path.read_text(encoding="utf-8") == notebook_text(lesson), (
            f"{path.name} is out of date: regenerate with "
            "`neuronlab learn notebooks notebooks --force`")


# --------------------------------------------------------------------------- grading
def test_grading_reruns_the_files_and_ignores_what_the_progress_file_claims(tmp_path):
    honest, _, _ = Workspace.create(tmp_path / "ada")
    boaster, _, _ = Workspace.create(tmp_path / "bob")
    for name in ("neuron", "relu"):
        honest.path(EXERCISES[name]).write_text(EXERCISES[name].solution_text(), "utf-8")
    honest.path(EXERCISES["sigmoid"]).write_text("def sigmoid(z):\n    while True:\n"
                                                 "        pass\n", "utf-8")
    boaster.update(lambda p: p["exercises"].update(
        {name: {"solved": True} for name in EXERCISES}))
    rows = grade([tmp_path / "ada", tmp_path / "bob"], jobs=1, timeout=0.5)
    ada, bob = rows
    assert (ada.learner, ada.solved, ada.claimed) == ("ada", 2, 0)
    assert ada.statuses["neuron"] == "passed" and ada.statuses["sigmoid"] == "timeout"
    assert ada.statuses["softmax"] == "todo"
    assert (bob.solved, bob.claimed) == (0, len(EXERCISES))
    csv_text = to_csv(rows, list(EXERCISES))
    header, first, second = csv_text.splitlines()
    assert header.startswith("learner,solved,claimed,neuron,relu,sigmoid")
    assert first.startswith("ada,2,0,passed,passed,timeout")
    assert second.startswith(f"bob,0,{len(EXERCISES)},todo")


def test_lesson_code_in_a_thread_keeps_only_its_own_output(capsys):
    """The search index runs lesson code in a background thread; what other threads
    print meanwhile still reaches them, and the lesson's own output is not lost."""
    import threading

    from neuronlab.learn import lessons

    inside, printed = threading.Event(), threading.Event()
    result: dict[str, str] = {}
    code = "print('from the lesson')\ninside.set()\nprinted.wait(10)\nprint('done')"

    def run() -> None:
        result["out"] = lessons._run(code, "<test>", {"inside": inside, "printed": printed})

    worker = threading.Thread(target=run)
    worker.start()
    assert inside.wait(10)
    print("from the main thread")
    printed.set()
    worker.join(10)
    assert result["out"] == "from the lesson\ndone\n"
    assert capsys.readouterr().out == "from the main thread\n"
