"""``neuronlab learn`` on the command line: in-process, through a pipe, and in a terminal."""

from __future__ import annotations

import html
import io
import json
import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from neuronlab.cli import main
from neuronlab.learn import EXERCISES
from neuronlab.learn.workspace import PROGRESS_FILE, Workspace


@pytest.fixture
def run(capsys, monkeypatch, tmp_path):
    """Run ``neuronlab ARGS`` in-process from ``tmp_path``; return (exit code, output)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEURONLAB_WORKSPACE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # recall ratings stay in the test
    monkeypatch.setenv("COLUMNS", "400")  # wide: these tests read messages, not wrapping

    def invoke(*args: str, stdin: str | None = None) -> tuple[int, str]:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out + out.err

    return invoke


def solve(folder: Path, name: str) -> None:
    exercise = EXERCISES[name]
    (folder / exercise.filename).write_text(exercise.solution_text(), encoding="utf-8")


# --------------------------------------------------------------------------- in process
def test_learn_without_a_workspace_shows_the_path_and_how_to_start(run):
    code, out = run("learn")
    assert code == 0
    assert "14 lessons, 17 exercises" in out
    assert "The neuron" in out and "Softmax and many classes" in out
    assert "neuronlab learn start" in out


def test_commands_that_need_a_workspace_say_how_to_make_one(run):
    code, out = run("learn", "check")
    assert code == 2
    assert "No neuronlab workspace here" in out and "neuronlab learn start" in out
    assert "Traceback" not in out


def test_learn_dir_places_the_workspace_for_start_as_for_every_other_command(run, tmp_path):
    code, out = run("learn", "--dir", str(tmp_path / "mine"), "start")
    assert code == 0 and str(tmp_path / "mine") in out
    assert (tmp_path / "mine" / "01_neuron.py").is_file()
    assert not (tmp_path / "neuronlab-exercises").exists()
    code, out = run("learn", "--dir", str(tmp_path / "mine"), "list")
    assert code == 0 and "neuron" in out


def test_start_check_hint_list_and_the_current_lesson(run, tmp_path):
    code, out = run("learn", "start")
    assert code == 0 and "17 exercise file(s) created, 0 already there" in out
    folder = tmp_path / "neuronlab-exercises"
    assert (folder / "01_neuron.py").is_file() and (folder / PROGRESS_FILE).is_file()

    code, out = run("learn", "check")
    assert code == 1 and "not solved yet" in out and "line" in out
    code, out = run("learn", "hint")
    assert "Hint 1 of 3" in out
    code, out = run("learn", "hint")
    assert "Hint 2 of 3" in out

    solve(folder, "neuron")
    code, out = run("learn", "check")
    assert code == 0
    assert "✓ neuron: all" in out and "Solved!" in out and "02_relu.py" in out
    assert "Lesson 1 complete" in out and "neuronlab learn quiz 1" in out

    code, out = run("learn", "start")
    assert "0 exercise file(s) created, 17 already there" in out
    assert EXERCISES["neuron"].solution.strip() in (folder / "01_neuron.py").read_text("utf-8")

    code, out = run("learn", "list")
    assert code == 0 and "1 of 17 solved" in out
    assert re.search(r"✓ .*01_neuron\.py", out) and re.search(r"▶ .*02_relu\.py", out)

    code, out = run("learn")
    assert "You are at lesson 2 (Activations), exercise 02_relu.py" in out

    code, out = run("learn", "lesson")
    assert "Lesson 2 of 14 · Activations" in out and "0.8808" in out


def test_hints_without_a_workspace_and_file_errors_are_plain(run, tmp_path):
    code, out = run("learn", "hint", "sigmoid")
    assert code == 0 and "Hint 1 of 3" in out and "--level 2 shows a stronger hint" in out
    code, out = run("learn", "hint", "sigmoid", "--level", "3")
    assert "Hint 3 of 3" in out and "Two branches" in out
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    code, out = run("learn", "start", "a-file/ws")
    assert code == 2 and "error:" in out and "a-file" in out and "Traceback" not in out


def test_lesson_shows_text_live_example_exercises_and_recall(run):
    code, out = run("learn", "lesson", "10")
    assert code == 0
    assert "Lesson 10 of 14 · The training loop" in out
    assert "new w = 0.93069, new b = 0.62277" in out
    assert "13_puzzle_step.py" in out and "14_train_xor.py" in out
    assert "neuronlab learn quiz 10" in out
    code, out = run("learn", "lesson", "15")
    assert code == 2 and "Lessons are numbered 1-14" in out


def test_check_by_name_and_all(run, tmp_path):
    run("learn", "start", "ws")
    folder = tmp_path / "ws"
    solve(folder, "softmax")
    code, out = run("learn", "check", "softmax", "--dir", "ws")
    assert code == 0 and "✓ softmax" in out
    code, out = run("learn", "check", "sofmax", "--dir", "ws")
    assert code == 2 and "Unknown exercise 'sofmax'" in out
    code, out = run("learn", "--dir", "ws")
    assert "1 of 17 exercises solved" in out
    code, out = run("learn", "check", "--all", "--dir", "ws", "--timeout", "1")
    assert code == 1 and "1 of 17 pass." in out
    assert "✓ 16_softmax.py" in out and "· 01_neuron.py: not solved yet" in out


def _label(out: str, text: str) -> str:
    """The letter an option was shown with (the order is shuffled per learner)."""
    found = re.search(rf"^\s*([A-H])\. {re.escape(text)}$", out, re.M)
    assert found, (text, out)
    return found.group(1)


def test_quiz_reads_plain_lines_and_stops_cleanly_at_end_of_input(run, tmp_path):
    from neuronlab.lab.course.recall import RECALL_FILE, RecallStore
    from neuronlab.learn.quiz import questions_for

    run("learn", "start")
    words, relu, learns = questions_for(1)[:3]
    store = RecallStore(tmp_path / "neuronlab-exercises")
    right = relu.right_label(store.learner())  # the learner's own order, kept in the file
    answers = f"h\nit drops the learning rate\nn\n{right}\n"
    code, out = run("learn", "quiz", "1", stdin=answers)
    assert code == 0
    assert f"Hint: {words.hint}" in out
    assert "Your answer:  it drops the learning rate" in out
    assert "Model answer: Multiply each input by its weight" in out
    assert "✓" not in out.split("[2/")[0] and "✗" not in out.split("[2/")[0]  # no verdict
    assert "Saved as 'not yet'. It comes back in the review of lesson 2." in out
    assert f"✓ Right. The answer is {right}: zero." in out
    assert "Which two kinds of numbers" in out
    assert "Stopped after 2 question(s)." in out
    assert "Checked by the tool: 1 of 1 right at the first try." in out
    assert "1 got it, 0 partly, 1 not yet" in out
    saved = json.loads((tmp_path / "neuronlab-exercises" / RECALL_FILE).read_text())
    assert saved["questions"][words.key]["rating"] == "not yet"
    assert saved["questions"][relu.key]["rating"] == "got it"
    progress = json.loads((tmp_path / "neuronlab-exercises" / PROGRESS_FILE).read_text())
    best = progress["quiz"]["the-neuron"]  # by the lesson's slug
    assert best == {"right": 1, "asked": 1, "at": best["at"]}

    wrong = next(label for label, _ in relu.shown(store.learner()) if label != right)
    picked = dict(relu.shown(store.learner()))[wrong]
    code, out = run("learn", "quiz", "1", stdin=f"\np\n{wrong}\n2\nq\n")
    assert "Your answer:" not in out and "Model answer:" in out and "Saved as 'partly'" in out
    assert f"✗ Not that one. You picked {wrong}: {picked}. The answer is {right}: zero." in out
    assert "Answer with a letter from A to D." in out  # options are lettered, not numbered
    assert learns.prompt in out and "Stopped after 2 question(s)." in out
    code, out = run("learn", "quiz", "all", stdin="")
    assert code == 0 and "every lesson" in out and "No answers to read" in out


def test_quiz_checks_formulas_exactly_with_tries(run):
    from neuronlab.learn.quiz import Formula, questions_for

    formula = next(q for q in questions_for(8) if isinstance(q, Formula))
    answers = "\n".join(["__import__('os')", "1 - s", "s(1 - s)"]) + "\n"
    _, out = run("learn", "quiz", "8", stdin="A\n" + answers)
    assert formula.prompt in out
    assert "Only arithmetic is allowed" in out  # refused, not graded
    assert "✗ Not right. Try again, h for the hint, or Enter to reveal the answer." in out
    assert "✓ Right. The answer: s*(1 - s)" in out and "Saved as 'partly'" in out


def test_grade_prints_a_table_and_csv(run, tmp_path):
    for learner in ("ada", "bob"):
        Workspace.create(tmp_path / learner)
    solve(tmp_path / "ada", "neuron")
    code, out = run("learn", "grade", "ada", "bob", "--jobs", "1")
    assert code == 0
    assert re.search(r"ada\s*│\s*1/17", out) and re.search(r"bob\s*│\s*0/17", out)
    code, out = run("learn", "grade", "ada", "bob", "--csv", "--jobs", "1")
    lines = out.strip().splitlines()
    assert lines[0].startswith("learner,solved,claimed,neuron,relu")
    assert lines[1].startswith("ada,1,0,passed,todo") and lines[2].startswith("bob,0,0,todo")
    code, out = run("learn", "grade", "nobody")
    assert code == 2 and "nobody is not a folder" in out


def test_notebooks_command_writes_every_lesson_and_keeps_existing(run, tmp_path):
    code, out = run("learn", "notebooks", "nb")
    assert code == 0 and "14 notebook(s) written" in out
    assert len(list((tmp_path / "nb").glob("*.ipynb"))) == 14
    (tmp_path / "nb" / "01-the-neuron.ipynb").write_text("{}", encoding="utf-8")
    code, out = run("learn", "notebooks", "nb")
    assert "0 notebook(s) written" in out and "14 existing one(s) kept" in out
    assert (tmp_path / "nb" / "01-the-neuron.ipynb").read_text(encoding="utf-8") == "{}"


# --------------------------------------------------------------------------- no terminal
def test_quiz_without_a_tty_through_a_pipe(tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "HOME": str(tmp_path)}
    env.pop("NEURONLAB_WORKSPACE", None)
    done = subprocess.run(
        [sys.executable, "-m", "neuronlab.cli", "learn", "quiz", "1"],
        input="multiply, sum, activate\ng\n", capture_output=True, text=True, timeout=120,
        cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "Saved as 'got it'" in done.stdout and "Stopped after 1" in done.stdout
    assert done.stderr == ""
    for stdin in (subprocess.DEVNULL, None):  # nothing to read, or no stdin at all
        done = subprocess.run(
            [sys.executable, "-c", "import sys; sys.stdin.close() if sys.stdin else None; "
             "from neuronlab.cli import main; raise SystemExit(main(['learn', 'quiz', '2']))"],
            stdin=subprocess.DEVNULL if stdin is not None else subprocess.PIPE,
            capture_output=stdin is not None, text=True, timeout=120, cwd=tmp_path, env=env,
            **({} if stdin is not None else {"stdout": subprocess.PIPE,
                                             "stderr": subprocess.PIPE}))
        assert done.returncode == 0, done.stderr
        assert "No answers to read" in done.stdout and "Traceback" not in done.stderr


# --------------------------------------------------------------------------- a terminal
def _terminal_env() -> dict[str, str]:
    return {**os.environ, "TERM": "dumb", "NO_COLOR": "1", "COLUMNS": "120", "LINES": "40",
            "PYTHONIOENCODING": "utf-8", "LANG": "C.UTF-8", "PS1": "LEARN$ ",
            "NEURONLAB_WORKSPACE": ""}


class Shell:
    """A bash session in a pseudo-terminal with a ``neuronlab`` command, as a learner has."""

    PROMPT = "LEARN\\$ "

    def __init__(self, folder: Path) -> None:
        self.child = pexpect.spawn("bash", ["--noprofile", "--norc"], env=_terminal_env(),
                                   cwd=str(folder), encoding="utf-8", timeout=90,
                                   dimensions=(40, 120))
        self.log: list[str] = []
        self.child.expect(self.PROMPT)
        self.run(f'neuronlab() {{ "{sys.executable}" -m neuronlab.cli "$@"; }}')

    def run(self, command: str) -> str:
        self.child.sendline(command)
        self.child.expect(self.PROMPT)
        output = self.child.before.replace("\r\n", "\n")
        self.log.append(output)
        return " ".join(output.split())  # messages wrap at the terminal's width

    def close(self) -> None:
        self.child.sendline("exit")
        self.child.expect(pexpect.EOF)
        self.child.close()


@pytest.mark.slow
def test_a_learner_in_a_terminal_solves_the_first_three_exercises(tmp_path):
    shell = Shell(tmp_path)
    try:
        out = shell.run("neuronlab learn start")
        assert "17 exercise file(s) created" in out
        assert "neuronlab-exercises/01_neuron.py" in out
        folder = tmp_path / "neuronlab-exercises"

        assert "You are at lesson 1 (The neuron)" in shell.run("neuronlab learn")
        assert "Lesson 1 of 14 · The neuron" in shell.run("neuronlab learn lesson")
        out = shell.run("neuronlab learn check")
        assert "✗ neuron: not solved yet" in out and "neuronlab learn hint neuron" in out
        assert "Hint 1 of 3" in shell.run("neuronlab learn hint")

        nxt = {"neuron": "02_relu.py", "relu": "03_sigmoid.py", "sigmoid": "04_layer_forward.py"}
        for name in ("neuron", "relu", "sigmoid"):
            if name == "sigmoid":  # the classic first try, which overflows
                (folder / "03_sigmoid.py").write_text(
                    "import math\n\ndef sigmoid(z):\n    return 1 / (1 + math.exp(-z))\n",
                    encoding="utf-8")
                out = shell.run("neuronlab learn check")
                assert 'case "hidden 2 · z = -1000" raised OverflowError' in out
                assert "03_sigmoid.py\", line 4, in sigmoid" in out and "hint:" in out
            solve(folder, name)
            out = shell.run("neuronlab learn check")
            cases = len(EXERCISES[name].cases())
            assert f"✓ {name}: all {cases} cases pass." in out, out
            assert "Solved!" in out and nxt[name] in out

        shell.run("cd neuronlab-exercises")
        out = shell.run("neuronlab learn list")
        assert "3 of 17 solved" in out
        out = shell.run("neuronlab learn")
        assert "You are at lesson 3 (A layer), exercise 04_layer_forward.py" in out
        assert shell.run("echo status=$?").strip().endswith("status=0")
    finally:
        shell.close()
    transcript = "\n".join(shell.log)
    assert "Traceback" not in transcript and "error:" not in transcript


@pytest.mark.slow
def test_watch_rechecks_on_save_moves_on_and_stops_on_ctrl_c(tmp_path):
    Workspace.create(tmp_path)
    child = pexpect.spawn(sys.executable, ["-m", "neuronlab.cli", "learn", "watch", "--dir",
                                           str(tmp_path), "--interval", "0.1"],
                          env=_terminal_env(), encoding="utf-8", timeout=90, dimensions=(40, 120))
    try:
        child.expect("Watching .*01_neuron.py")
        child.expect("not solved yet")
        time.sleep(0.3)
        (tmp_path / "01_neuron.py").write_text(
            "def neuron(inputs, weights, bias):\n    return 0.0\n", encoding="utf-8")
        child.expect("01_neuron.py changed")
        child.expect("✗ neuron: ")
        solve(tmp_path, "neuron")
        child.expect("✓ neuron: all")
        child.expect("Solved!")
        child.expect("Watching .*02_relu.py")
        child.expect("not solved yet")
        child.sendintr()
        child.expect("Stopped watching.")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    assert "neuron" in Workspace(tmp_path).solved()


def test_quiz_in_a_terminal_hint_reveal_rate_and_letters(tmp_path):
    env = {**_terminal_env(), "HOME": str(tmp_path)}
    child = pexpect.spawn(sys.executable, ["-m", "neuronlab.cli", "learn", "quiz", "8"],
                          env=env, cwd=str(tmp_path), encoding="utf-8", timeout=60)
    try:
        child.expect("one gradient")
        child.expect(r"([A-D])\. the chain rule")
        letter = child.match.group(1)
        child.expect("> ")
        child.sendline(letter.lower())
        child.expect(f"✓ Right. The answer is {letter}: the chain rule.")
        child.expect("ds/dz")
        child.expect("> ")
        child.sendline("h")
        child.expect("Hint: ")
        child.expect("> ")
        child.sendline("s - s^2")
        child.expect("✓ Right.")
        child.expect("without any calculus")
        child.expect("> ")
        child.sendline("")
        child.expect("Model answer: With a finite difference")
        child.expect("Rate yourself")
        child.sendline("p")
        child.expect("Saved as 'partly'. It comes back in the review of lesson 10.")
        child.expect("learning rate set")
        child.expect("> ")
        child.sendline("q")
        child.expect("Checked by the tool: 2 of 2 right at the first try.")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


# --------------------------------------------------------------------------- as people type it
@pytest.mark.parametrize("args", [
    ("check", "--timeout", "-1"), ("check", "--timeout", "0"), ("check", "--timeout", "nan"),
    ("check", "relu", "--timeout", "inf"), ("watch", "--timeout", "-1"),
    ("grade", "--jobs", "0", "ws"), ("grade", "--jobs", "-1", "ws"),
    ("grade", "--timeout", "nan", "ws"), ("hint", "--level", "99", "relu"),
    ("hint", "--level", "0", "relu"),
])
def test_bad_numbers_are_refused_in_one_line_with_exit_2(run, args):
    code, out = run("learn", "start", "ws")
    assert code == 0
    code, out = run("learn", *args, *(("--dir", "ws") if args[0] in ("check", "watch") else ()))
    lines = out.strip().splitlines()
    assert code == 2, out
    assert len(lines) == 1 and lines[0].startswith("error: --"), out
    assert "your" not in out  # not blamed on the learner's file
    data = json.loads((Path("ws") / PROGRESS_FILE).read_text("utf-8"))
    assert data["exercises"] == {}  # nothing was checked or counted


def test_grading_a_folder_that_is_not_a_workspace_says_so_in_one_line(run, tmp_path):
    (tmp_path / "notes").mkdir()
    code, out = run("learn", "grade", "notes")
    assert code == 2
    assert out.strip().splitlines() == [
        f"error: notes is not a neuronlab workspace (no {PROGRESS_FILE})."]


def _piped(*args: str, cwd: Path) -> str:
    import neuronlab

    source = str(Path(neuronlab.__file__).resolve().parent.parent)  # this copy of neuronlab
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1",
           "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    env.pop("NEURONLAB_WORKSPACE", None)
    done = subprocess.run([sys.executable, "-m", "neuronlab.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_grade_table_is_readable_at_80_columns_and_piped(tmp_path):
    for learner in ("ada", "bob"):
        Workspace.create(tmp_path / learner)
    solve(tmp_path / "ada", "neuron")
    solve(tmp_path / "ada", "relu")
    out = _piped("learn", "grade", "ada", "bob", "--jobs", "2", cwd=tmp_path)
    table = [line for line in out.splitlines() if line.startswith(("│", "┃"))]
    assert table and all(len(line) <= 80 for line in table)
    assert "…" not in "\n".join(table), out
    rows = {line.split("│")[1].strip(): line for line in table if line.startswith("│")}
    assert "2/17" in rows["ada"] and "✓✓··" in rows["ada"]
    assert "0/17" in rows["bob"] and "···· ···· ···· ····" in rows["bob"]


def test_the_list_keeps_file_names_whole_at_80_columns(tmp_path):
    Workspace.create(tmp_path / "ws")
    out = _piped("learn", "list", "--dir", "ws", cwd=tmp_path)
    assert all(len(line) <= 80 for line in out.splitlines() if line[:1] in "│┃┏┡└")
    for exercise in EXERCISES.values():
        assert exercise.filename in out, exercise.filename
    assert "…" not in out


# --------------------------------------------------------------------------- one progress
def _lab_client(**kwargs):
    import warnings

    from neuronlab.lab import create_app

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from starlette.testclient import TestClient
    from neuronlab.lab.server.guard import page_key

    client = TestClient(create_app(testing=True, token="t0ken-for-the-test", **kwargs))
    client.get("/?token=t0ken-for-the-test", follow_redirects=False)
    # the key the lab's own page holds, which exercise checks and kernels ask for
    client.headers["X-Neuronlab-Page"] = page_key("t0ken-for-the-test")
    return client


SAME_ORIGIN = {"Origin": "http://testserver"}
RIGHT_NEURON = ("def neuron(inputs, weights, bias):\n"
                "    return max(0.0, sum(x * w for x, w in zip(inputs, weights)) + bias)\n")


def test_what_the_lab_solved_the_terminal_lists(run, tmp_path):
    # the lab started from a folder that is no workspace keeps progress in the home course
    with _lab_client() as lab:
        root = Path(lab.app.state.workspace)
        assert root == (tmp_path / "home" / ".neuronlab" / "course").resolve()
        checked = lab.post("/api/exercises/neuron/check", headers=SAME_ORIGIN,
                           json={"code": RIGHT_NEURON})
        assert checked.status_code == 200 and checked.json()["passed"] is True
    code, out = run("learn", "list")  # the same folder, no --dir
    assert code == 0, out
    assert "1 of 17 solved" in out and "No neuronlab workspace" not in out
    assert re.search(r"✓\W+01_neuron\.py", out)
    code, out = run("learn")
    assert "1 of 17 exercises solved" in out
    # `learn start` now uses that workspace instead of making a second one here
    code, out = run("learn", "start")
    assert code == 0 and not (tmp_path / "neuronlab-exercises").exists()
    assert "0 exercise file(s) created, 17 already there" in out


def test_what_the_terminal_solved_the_lab_shows(run, tmp_path, monkeypatch):
    code, _ = run("learn", "start")
    folder = tmp_path / "neuronlab-exercises"
    solve(folder, "neuron")
    code, out = run("learn", "check", "neuron")
    assert code == 0 and "Solved!" in out
    # the lab started in the same folder (here: the folder that holds the workspace)
    with _lab_client() as lab:
        assert Path(lab.app.state.workspace) == folder.resolve()
        info = lab.get("/api/exercises/neuron", headers=SAME_ORIGIN).json()
        assert info["solved"] is True and info["is_workspace"] is True
        assert lab.get("/api/exercises/relu", headers=SAME_ORIGIN).json()["solved"] is False
        page = lab.get("/").text
        assert "exercises 1 of 1 solved" in page  # lesson 1's line on the front page
    # and from inside the workspace, or pointed at by the environment, the same
    (folder / "notes").mkdir()
    monkeypatch.chdir(folder / "notes")
    with _lab_client() as lab:
        assert lab.get("/api/exercises/neuron", headers=SAME_ORIGIN).json()["solved"] is True
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("NEURONLAB_WORKSPACE", str(folder))
    with _lab_client() as lab:
        assert Path(lab.app.state.workspace) == folder.resolve()
    code, out = run("learn", "list")
    assert "1 of 17 solved" in out


def test_the_recall_file_lives_in_the_same_workspace(run, tmp_path):
    from neuronlab.lab.course.recall import RECALL_FILE, default_workspace

    run("learn", "start")
    folder = (tmp_path / "neuronlab-exercises").resolve()
    assert default_workspace() == folder
    with _lab_client() as lab:
        assert Path(lab.app.state.workspace) == folder
    assert not (tmp_path / "home" / ".neuronlab").exists()
    assert RECALL_FILE.endswith(".json")


def test_quiz_asks_the_questions_due_again_after_the_lessons_own(run, tmp_path):
    from neuronlab.lab.course.recall import RecallStore, default_workspace
    from neuronlab.learn.quiz import questions_for

    missed = questions_for(1)[0]
    RecallStore(default_workspace(tmp_path)).rate(missed.key, "not yet", 1)
    own = len(questions_for(2))
    answers = "\n" * own + "\nn\n"  # Enter reveals each of lesson 2's, then the review's
    code, out = run("learn", "quiz", "2", stdin=answers)
    assert code == 0
    assert "Review: 1 question(s) from earlier lessons" in out
    assert f"[{own + 1}/{own + 1}] (lesson 1) {missed.prompt}" in out
    assert out.index("Review: 1 question") > out.index(questions_for(2)[-1].prompt)


# --------------------------------------------------------------------------- lessons, terminal
import numpy as np  # noqa: E402
from rich.cells import cell_len  # noqa: E402

from neuronlab.learn.lessons import LESSONS  # noqa: E402
from neuronlab.learn.quiz import questions_for  # noqa: E402
from neuronlab.learn.terminal import cells, latex_to_text, pieces  # noqa: E402

MOUSE = re.compile(r"\b(drag\w*|click\w*|sliders?|press (play|step))\b", re.I)
PAGE_ONLY = re.compile(  # what only the page can do
    MOUSE.pattern + r"|\binto the widget\b|\bstep (forward|again)\b|\bpick the\b", re.I)


@pytest.mark.parametrize(("tex", "text"), [
    (r"z = w_1 x_1 + w_2 x_2 + \dots + w_n x_n + b, \qquad \hat y = f(z)",
     "z = w₁ x₁ + w₂ x₂ + … + wₙ xₙ + b,    ŷ = f(z)"),
    (r"\sigma(z) = \frac{1}{1 + e^{-z} }", "σ(z) = 1/(1 + e⁻ᶻ)"),
    (r"z_j = W_{j1} x_1 + b_j, \qquad y_j = \mathrm{ReLU}(z_j)",
     "zⱼ = Wⱼ₁ x₁ + bⱼ,    yⱼ = ReLU(zⱼ)"),
    (r"\mathbf{z} = W\mathbf{x} + \mathbf{b}", "z = Wx + b"),
    (r"Y = f(X W^\top + \mathbf{b})", "Y = f(X Wᵀ + b)"),
    (r"\text{MSE} = \frac{1}{N}\sum_{i=1}^{N} (\hat y_i - y_i)^2",
     "MSE = (1/N) Σᵢ₌₁ᴺ (ŷᵢ − yᵢ)²"),
    (r"\frac{\partial L}{\partial \hat y_i} = \frac{2\,(\hat y_i - y_i)}{N}",
     "∂L/∂ŷᵢ = 2(ŷᵢ − yᵢ)/N"),
    (r"w \leftarrow w - \eta \cdot \frac{\partial L}{\partial w}", "w ← w − η · ∂L/∂w"),
    (r"p_i = e^{z_i} / \sum_j e^{z_j}", "pᵢ = e^(zᵢ) / Σⱼ e^(zⱼ)"),
    (r"\delta = W^\top \delta \odot f'(z) \times 2", "δ = Wᵀδ ⊙ f'(z) × 2"),
    (r"\unknowncommand{x}", "unknowncommandx"),
])
def test_latex_becomes_readable_unicode(tex, text):
    assert latex_to_text(tex) == text


def _lesson(run, monkeypatch, number: int, width: int) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    code, out = run("learn", "lesson", str(number))
    assert code == 0, out
    return out


def _too_wide(out: str, width: int) -> list[str]:
    return [line for line in out.splitlines() if cell_len(line.rstrip()) > width]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_a_terminal_lesson_has_no_latex_no_mouse_and_fits_80_columns(run, monkeypatch, lesson):
    out = _lesson(run, monkeypatch, lesson.number, 80)
    assert "$" not in out
    assert not re.search(r"\\[A-Za-z]", out), re.findall(r".*\\[A-Za-z].*", out)
    assert not MOUSE.search(out.replace("one click away in the lab", "")), \
        re.findall(r".*" + MOUSE.pattern + r".*", out, re.I)
    assert _too_wide(out, 80) == []
    assert "```" not in out and "<!--" not in out
    assert not re.search(r"^\s*(Q|A|Show):", out, re.M)  # questions blocks are not printed
    # every code block is a numbered cell, in order
    numbered = [int(n) for n in re.findall(r"^\[(\d+)\] ", out, re.M)]
    assert numbered == list(range(1, len(cells(lesson)) + 1))
    # recall: the quiz bank's prompts, under the heading, with the command
    flat = " ".join(out.split())
    assert flat.count("Close your eyes and recall") == 1
    for question in questions_for(lesson.number):
        assert " ".join(question.prompt.split()) in flat
    assert f"neuronlab learn quiz {lesson.number}" in flat


def test_terminal_and_page_each_show_their_own_wording(monkeypatch, tmp_path):
    # (no capsys here: the lab indexes the lessons in a thread that swaps sys.stdout while
    # it runs their code, and may still run when the next test begins)
    from neuronlab.learn.sources import lesson_files

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NEURONLAB_WORKSPACE", raising=False)

    terminal_only = re.compile(r"<!--\s*terminal:(.*?)-->", re.S)
    web_only = re.compile(r"<!--\s*web\s*-->\n(.*?)<!--\s*/web\s*-->", re.S)
    seen = 0
    with _lab_client() as lab:
        for (_, text), lesson in zip(lesson_files(), LESSONS):
            page = lab.get(f"/lessons/{lesson.slug}").text
            assert "<!--" not in page
            page_words = " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())
            shown = " ".join(" ".join(re.sub(r"[*`]", "", p.text).split())
                             for p in pieces(lesson) if p.kind == "words")
            for words in terminal_only.findall(text):
                chunks = re.split(r"\{\{.*?\}\}", re.sub(r"[*`]", "", words), flags=re.S)
                longest = " ".join(max(chunks, key=len).split())
                assert longest in shown  # the terminal says it
                assert longest not in page_words  # the page does not
                seen += 1
            for passage in web_only.findall(text):
                assert PAGE_ONLY.search(passage)
                for sentence in re.split(r"(?<=[.?!])\s", re.sub(r"[*`]", "", passage)):
                    if PAGE_ONLY.search(sentence) and "{{" not in sentence:
                        assert " ".join(sentence.split()) not in shown
                        assert " ".join(sentence.split()) in page_words
    assert seen >= 10
    import threading

    for thread in threading.enumerate():  # the lab's search index, warming up
        if thread.name == "neuronlab-search-index":
            thread.join(timeout=300)


def test_widgets_show_the_librarys_numbers_and_a_command_that_changes_them(run, monkeypatch):
    from neuronlab import Neuron

    out = _lesson(run, monkeypatch, 1, 120)
    worked = Neuron([0.5, -0.3, 0.8], bias=0.1, activation="relu").explain([0.5, -0.3, 0.7])
    for line in str(worked).splitlines():
        assert line in out
    command = ("neuronlab neuron --inputs 0.5,-0.3,0.7 --weights 0.5,-0.3,0.8 --bias 0.1 "
               "--activation relu")
    assert command in out
    code, shown = run(*command.split()[1:])
    assert code == 0 and str(worked).splitlines()[-1] in shown
    # a layer: one line per neuron, each the library's own working
    out = " ".join(_lesson(run, monkeypatch, 3, 120).split())
    layer = LESSONS[2].widgets[0].settings
    for j, (row, b) in enumerate(zip(layer["weights"], layer["biases"]), 1):
        shown = Neuron(row, bias=b, activation="relu").explain(layer["inputs"])
        assert f"N{j}: " + " ".join(str(shown).splitlines()) in out
    # the backprop stepper's one step, computed here by hand
    out = " ".join(_lesson(run, monkeypatch, 8, 120).split())
    step = LESSONS[7].widgets[0].settings
    x, w, b, t = step["inputs"], step["weights"], step["bias"], step["target"]
    z = sum(xi * wi for xi, wi in zip(x, w)) + b
    y_hat = 1 / (1 + math.exp(-z))
    dz = 2 * (y_hat - t) * y_hat * (1 - y_hat)
    assert f"z = {z:.4f}, ŷ = sigmoid(z) = {y_hat:.4f}" in out
    assert f"L = (ŷ − y)² = {(y_hat - t) ** 2:.4f}" in out
    assert f"dL/dz = {dz:.4f}" in out
    assert f"dL/dw2 = {dz * x[1]:.4f}" in out
    assert f"w1 = {w[0] - step['learning_rate'] * dz * x[0]:.4f}" in out
    # softmax: probabilities computed here, independently
    out = _lesson(run, monkeypatch, 12, 120)
    scores = np.array(LESSONS[11].widgets[0].settings["scores"])
    expected = np.exp(scores) / np.exp(scores).sum()
    for k, p in enumerate(expected):
        assert f"class {k}: score {scores[k]:g} -> probability {p:.3f}" in out


def _run_cell(lesson: int, cell: int, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "HOME": str(tmp_path)}
    env.pop("NEURONLAB_WORKSPACE", None)
    return subprocess.run([sys.executable, "-m", "neuronlab.cli", "learn", "run", str(lesson),
                           str(cell), *extra], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=600)


def test_a_cell_runs_from_the_terminal_and_can_be_saved_to_edit(tmp_path):
    done = _run_cell(1, 2, tmp_path)
    assert done.returncode == 0, done.stderr
    inputs, weights, bias = [0.5, -0.3, 0.7], [0.5, -0.3, 0.8], 0.1
    z = sum(x * w for x, w in zip(inputs, weights)) + bias
    assert f"z = {round(z, 3)}   y_hat = {round(max(0.0, z), 3)}" in done.stdout
    # a cell that needs the cells above it: they run first, quietly
    lesson, k = next((lesson, c.number) for lesson in LESSONS for c in cells(lesson)
                     if c.role == "cell" and c.number > 2 and "import" not in c.text)
    done = _run_cell(lesson.number, k, tmp_path)
    assert done.returncode == 0, (lesson.number, k, done.stderr)
    assert "run quietly" in done.stdout and "Traceback" not in done.stderr
    # --save: a file python runs, with the same output
    saved = _run_cell(1, 2, tmp_path, "--save", "cell.py")
    assert saved.returncode == 0 and (tmp_path / "cell.py").is_file()
    again = subprocess.run([sys.executable, "cell.py"], cwd=tmp_path, capture_output=True,
                           text=True, timeout=120)
    assert f"z = {round(z, 3)}" in again.stdout
    refused = _run_cell(1, 2, tmp_path, "--save", "cell.py")
    assert refused.returncode == 2 and "--force" in refused.stderr + refused.stdout
    # an exercise cell points to its file and the check
    exercise = _run_cell(1, 4, tmp_path)
    assert exercise.returncode == 0 and "neuronlab learn check neuron" in exercise.stdout
    wrong = _run_cell(1, 99, tmp_path)
    assert wrong.returncode == 2 and "cells 1 to 4" in wrong.stdout + wrong.stderr
    assert "Traceback" not in wrong.stderr


@pytest.mark.parametrize("width", [80, 120])
def test_check_hint_and_lesson_output_wrap_at_the_width_without_splitting_words(
        run, monkeypatch, tmp_path, width):
    run("learn", "start")
    monkeypatch.setenv("COLUMNS", str(width))
    outputs = [run("learn", "check")[1]]
    outputs += [run("learn", "hint")[1] for _ in range(3)]
    hints = list(EXERCISES["neuron"].hints)
    outputs.append(run("learn", "quiz", "1", stdin="q\n")[1])
    for number in (1, 8, 9):
        outputs.append(_lesson(run, monkeypatch, number, width))
    for out in outputs:
        assert _too_wide(out, width) == [], out
    tokens = set(" ".join(outputs).split())
    for hint in hints:  # every word of every hint arrives whole
        assert set(hint.split()) <= tokens, hint
    assert any(len(line.rstrip()) > width - 25 for line in outputs[1].splitlines())
