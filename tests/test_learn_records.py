"""Learner records nobody else can break or forge: atomic saves of code that cannot be
encoded, progress files with fields of the wrong type, checked code that writes the
journal or kills its supervisor."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from neuronlab.learn import EXERCISES
from neuronlab.learn.workspace import JOURNAL_FILE, PROGRESS_FILE, Workspace

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the supervisor is Linux-only")

RELU = EXERCISES["relu"]
SOLVED = "def relu(z):\n    return z if z > 0 else 0.0\n"


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.endswith(".tmp"))


def test_code_with_a_lone_surrogate_leaves_the_file_byte_for_byte(tmp_path):
    workspace = Workspace.create(tmp_path)[0]
    path = workspace.path(RELU)
    path.write_text(SOLVED, "utf-8")
    before = path.read_bytes()
    with pytest.raises(UnicodeEncodeError):
        workspace.save_code(RELU, "def relu(z):\n    return '\ud800'\n")
    assert path.read_bytes() == before
    assert _leftovers(tmp_path) == []
    workspace.save_code(RELU, SOLVED + "# ok\n")
    assert path.read_text("utf-8").endswith("# ok\n") and _leftovers(tmp_path) == []


@pytest.mark.parametrize("record", [
    {"hints": "two"}, {"checks": "x"}, {"checks": 1e999}, {"hints": [1]}, {"solved": "yes"},
    {"checks": -1}])
def test_a_progress_file_with_odd_types_is_set_aside_with_a_message(tmp_path, record):
    workspace = Workspace.create(tmp_path)[0]
    text = json.dumps({"format": 1, "exercises": {"relu": record}, "quiz": {}})
    workspace.progress_path.write_text(text.replace("Infinity", "1e999"), "utf-8")
    shown = Workspace(tmp_path).take_hint(RELU)
    assert shown == 1
    broken = sorted(tmp_path.glob(f"{PROGRESS_FILE}.broken-*"))
    assert len(broken) == 1 and broken[0].read_text("utf-8") == text.replace("Infinity", "1e999")
    fresh = Workspace(tmp_path)
    assert fresh.load()["exercises"]["relu"]["hints"] == 1 and not fresh.warnings


def test_a_progress_file_with_a_list_for_exercises_is_set_aside(tmp_path):
    workspace = Workspace.create(tmp_path)[0]
    workspace.progress_path.write_text('{"format": 1, "exercises": [1]}', "utf-8")
    reader = Workspace(tmp_path)
    reader.load()
    assert reader.warnings and "'exercises' is a list" in reader.warnings[0]


def test_quiz_scores_kept_by_lesson_number_are_read_by_slug(tmp_path):
    """An older progress file kept `learn quiz` scores by lesson number; they are read
    under the slugs those lessons have (a number no lesson has as ``lesson-N``, as the
    recall file keeps it), and saved so from the next change on."""
    workspace = Workspace.create(tmp_path)[0]
    workspace.progress_path.write_text(json.dumps({"format": 1, "exercises": {}, "quiz": {
        "1": {"right": 2, "asked": 3, "at": "x"}, "all": {"right": 9, "asked": 20, "at": "y"},
        "99": {"right": 1, "asked": 1, "at": "z"}}}), "utf-8")
    reader = Workspace(tmp_path)
    assert reader.load()["quiz"] == {"the-neuron": {"right": 2, "asked": 3, "at": "x"},
                                     "all": {"right": 9, "asked": 20, "at": "y"},
                                     "lesson-99": {"right": 1, "asked": 1, "at": "z"}}
    reader.record_quiz("the-neuron", 3, 3)
    saved = json.loads(workspace.progress_path.read_text("utf-8"))["quiz"]
    assert set(saved) == {"the-neuron", "all", "lesson-99"} and saved["the-neuron"]["right"] == 3
    assert not reader.warnings


FORGERIES = [
    "open({journal!r}, 'a').write(json.dumps({{'solved': 'xor', 'at': 'x'}}) + '\\n')",
    "open({journal!r}, 'w').write(json.dumps({{'solved': 'xor', 'at': 'x'}}) + '\\n')",
    "p = json.load(open({progress!r})); p['exercises']['xor'] = {{'solved': True}}; "
    "json.dump(p, open({progress!r}, 'w'))",
]


@pytest.mark.parametrize("forgery", FORGERIES)
@pytest.mark.parametrize("journal_before", [False, True])
def test_checked_code_cannot_forge_progress(tmp_path, forgery, journal_before):
    workspace = Workspace.create(tmp_path)[0]
    if journal_before:  # a real solve first: the journal exists and must be kept
        workspace._journal_solve("neuron", "2026-01-01T00:00:00")
    journal, progress = tmp_path / JOURNAL_FILE, tmp_path / PROGRESS_FILE
    code = forgery.format(journal=str(journal), progress=str(progress))
    workspace.path(RELU).write_text(
        f"import json\n{code}\n" + SOLVED, "utf-8")
    result, _ = workspace.check(RELU)
    assert result.passed
    assert "xor" not in Workspace(tmp_path).solved()
    assert "xor" not in Workspace(tmp_path).journal()
    assert any("put back" in w for w in workspace.warnings)
    assert "relu" in Workspace(tmp_path).solved()  # the honest verdict is still recorded
    assert ("neuron" in Workspace(tmp_path).journal()) == journal_before


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGKILL"])
@pytest.mark.parametrize("where", ["top", "inside"])
def test_an_exercise_that_kills_its_supervisor_never_passes(tmp_path, signal_name, where):
    workspace = Workspace.create(tmp_path)[0]
    kill = f"os.kill(os.getppid(), signal.{signal_name})"
    if where == "top":
        source = f"import os, signal\n{kill}\n" + SOLVED
    else:
        source = textwrap.dedent(f"""\
            import os, signal
            def relu(z):
                {kill}
                return z if z > 0 else 0.0
            """)
    workspace.path(RELU).write_text(source, "utf-8")
    for _ in range(3):  # a race that passes once in a while would show here
        result, newly = workspace.check(RELU, timeout=2.0)
        assert not result.passed and not newly, (result.status, result.headline)
        assert result.status in ("crashed", "timeout", "error"), result.status
    assert "relu" not in Workspace(tmp_path).solved()
