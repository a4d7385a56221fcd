"""In Jupyter, fit shows an HTML progress bar updated in place, with no warnings."""

from __future__ import annotations

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

CELL = """
from neuronlab import Dense, Sequential, datasets
X, y = datasets.xor()
model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                    Dense(1, activation="sigmoid")], seed=0)
model.compile(optimizer="sgd", loss="mse", metrics=["accuracy"])
history = model.fit(X, y, epochs=300)
history
"""


def test_fit_in_a_notebook_shows_a_finished_html_progress_bar():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(CELL)]
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = notebook.cells[0].outputs
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert len(html) == 1
    assert '<progress value="300" max="300"' in html[0]
    assert "Epoch 300/300" in html[0] and "accuracy:" in html[0]
    # Places that show only text (the lab's code cells, a terminal frontend) get the bar too.
    text = [o["data"]["text/plain"] for o in outputs if "text/html" in o.get("data", {})]
    assert text[0].startswith("Epoch 300/300 " + "━" * 20) and "accuracy:" in text[0]
    streams = "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")
    assert "Warning" not in streams and "ipywidgets" not in str(outputs)
    result = [o for o in outputs if o["output_type"] == "execute_result"]
    assert result[0]["data"]["text/plain"].startswith("History(300 epochs")
