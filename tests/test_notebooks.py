"""The lesson notebooks run top to bottom in a real Jupyter kernel (nbclient + ipykernel)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from neuronlab.learn.lessons import LESSONS
from neuronlab.learn.notebooks import build_notebook

pytest.importorskip("ipykernel")

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
KERNEL_SECONDS = 120  # per cell; a cell here takes well under a second


def _outputs_text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        data = output.get("data", {})
        parts += [data.get("text/plain", ""), data.get("text/html", "")]
        if output.get("output_type") == "error":
            parts += [output.get("ename", ""), output.get("evalue", "")]
    return "".join(parts)


def _errors(notebook) -> list[str]:
    return [f"{cell.get('metadata', {}).get('from', '?')}: {o['ename']}: {o['evalue']}"
            for cell in notebook.cells for o in cell.get("outputs", [])
            if o.get("output_type") == "error"]


def _execute(notebook) -> None:
    NotebookClient(notebook, timeout=KERNEL_SECONDS, kernel_name="python3",
                   allow_errors=True).execute()


@pytest.mark.slow
def test_the_first_notebook_file_runs_as_it_is():
    notebook = nbformat.read(NOTEBOOKS / LESSONS[0].notebook_name, as_version=4)
    nbformat.validate(notebook)
    _execute(notebook)
    assert _errors(notebook) == []
    example = _outputs_text(next(c for c in notebook.cells if c.get("id") == "lesson01-example"))
    assert "z = (0.50 × 0.50) + (-0.30 × -0.30) + (0.70 × 0.80) + 0.10 = 1.000" in example
    assert "ŷ = sigmoid(1.190) = 0.767" in example
    exercise = next(c for c in notebook.cells if "check('neuron', neuron)" in c.source)
    assert "not solved yet" in _outputs_text(exercise)


@pytest.mark.slow
def test_every_lesson_notebook_runs_top_to_bottom_and_check_works_in_the_kernel():
    """All twelve notebooks (as stored), then their solved versions, in one kernel.

    ``%reset -f`` empties the namespace before each notebook, so each one runs from
    its own first cell with nothing left over from the one before.
    """
    combined = nbformat.v4.new_notebook()
    combined.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"}}
    stored = {lesson.notebook_name: nbformat.read(NOTEBOOKS / lesson.notebook_name, as_version=4)
              for lesson in LESSONS}
    for notebook in stored.values():
        nbformat.validate(notebook)
    solved = {f"solved {lesson.notebook_name}": nbformat.reads(
        json.dumps(build_notebook(lesson, solved=True)), as_version=4) for lesson in LESSONS}
    for name, notebook in {**stored, **solved}.items():
        reset = nbformat.v4.new_code_cell("%reset -f")
        reset.metadata["from"] = name
        combined.cells.append(reset)
        for cell in copy.deepcopy(notebook.cells):
            cell.metadata["from"] = name
            combined.cells.append(cell)
    _execute(combined)
    assert _errors(combined) == []

    checks = [c for c in combined.cells if c.cell_type == "code" and "check(" in c.source]
    unsolved = [c for c in checks if not c.metadata["from"].startswith("solved")]
    done = [c for c in checks if c.metadata["from"].startswith("solved")]
    assert len(unsolved) == len(done) == 17
    for cell in unsolved:
        assert "not solved yet" in _outputs_text(cell), cell.source
    for cell in done:
        text = _outputs_text(cell)
        assert "✓" in text and "cases pass" in text and "'passed'" in text, text
    examples = [c for c in combined.cells if c.cell_type == "code" and "check(" not in c.source
                and c.source != "%reset -f"]
    assert all(_outputs_text(c).strip() for c in examples)
    training = next(c for c in examples if c.metadata["from"] == "10-the-training-loop.ipynb")
    assert "new w = 0.93069, new b = 0.62277" in _outputs_text(training)
