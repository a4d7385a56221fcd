"""The lesson "Seeing"'s endpoints: the drawing pad and the confusion table."""

from __future__ import annotations

import numpy as np
import pytest


def _seven(size: int = 56) -> np.ndarray:
    """A 7: a bar, and a stem leaning left as it falls."""
    drawing = np.zeros((size, size))
    drawing[10:14, 12:42] = 1.0
    for row in range(14, 46):
        column = 40 - (row - 14) // 2
        drawing[row, column - 2:column + 3] = 1.0
    return drawing


def test_the_drawing_pad_reads_a_seven_and_refuses_a_blank_page(client):
    rows = _seven().round(2).tolist()
    answer = client.post("/api/widgets/draw", json={"pixels": rows})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["conv_digit"] == 7
    assert body["held_out"] == 2000  # the number the page's sentence says its accuracy is of
    assert sum(body["mlp"]) == pytest.approx(1.0) and sum(body["conv"]) == pytest.approx(1.0)
    blank = client.post("/api/widgets/draw", json={"pixels": np.zeros((56, 56)).tolist()})
    assert blank.status_code == 400 and "empty" in blank.json()["error"]


def test_the_confusion_table_counts_every_held_out_digit(client):
    body = client.post("/api/widgets/confusion", json={"label": 4, "guess": 9}).json()
    matrix = np.array(body["matrix"])
    assert matrix.sum() == body["total"] == 2000
    assert body["count"] == matrix[4, 9] and len(body["pictures"]) == min(12, matrix[4, 9])
