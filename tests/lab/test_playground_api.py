"""The playground's newer requests: features, regression, weights by hand and by link, CSV."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from neuronlab.lab.playground.config import PlaygroundConfig
from neuronlab.lab.playground.session import Session
from neuronlab.lab.playground.wire import PLAY_TOLERANCE, Seen


def test_regression_loss_falls_with_features_and_l1(client):
    config = {"dataset": "bump", "hidden": [6], "loss": "mae", "l1": 0.0001,
              "features": ["x1", "x2", "x1sq", "x2sq"], "learning_rate": 0.03}
    state = client.post("/api/sessions", json={"config": config}).json()
    assert state["data"]["task"] == "regression" and state["data"]["layers"] == [4, 6, 1]
    assert len(state["frame"]["inputs"]) == 4 and "value" in state["frame"]["boundary"]
    start = state["frame"]["scores"]["train"]["loss"]
    frame = client.post(f"/api/sessions/{state['id']}/step", json={"epochs": 60}).json()
    assert frame["scores"]["train"]["loss"] < start / 2
    assert "mae" in frame["scores"]["train"]


def test_a_link_restores_the_weights_at_any_epoch(client):
    session = Session(PlaygroundConfig.parse({"dataset": "moons"}))
    session.train(3)
    body = {"config": {"dataset": "moons"}, "weights": session.weights_text(), "epoch": 5000}
    state = client.post("/api/sessions", json=body).json()
    assert state["frame"]["epoch"] == 5000 and state["frame"]["params"] == session.weights_text()
    cut = session.weights_text()[:-12]
    answer = client.post("/api/sessions", json={**body, "weights": cut})
    assert answer.status_code == 400 and "cut short" in answer.json()["error"]
    other = Session(PlaygroundConfig.parse({"dataset": "moons", "hidden": [3]})).weights_text()
    wrong = client.post("/api/sessions", json={**body, "weights": other}).json()["error"]
    assert "do not fit this network" in wrong and "2-4-4-1 network" in wrong


def test_setting_one_weight(client):
    state = client.post("/api/sessions", json={"config": {"dataset": "xor"}}).json()
    url = f"/api/sessions/{state['id']}/weight"
    frame = client.post(url, json={"layer": 0, "neuron": 1, "input": 0, "value": 2.5}).json()
    flat = np.frombuffer(base64.b64decode(frame["params"]), dtype="<f4")
    assert flat[2] == 2.5  # layer 0, W row 1 (neuron 2), column 0
    assert frame["weights"][0]["W"][1][0] == 2.5
    bad = client.post(url, json={"layer": 0, "neuron": 9, "input": 0, "value": 1})
    assert bad.status_code == 400 and "'neuron' must be between 0 and 3" in bad.json()["error"]


def test_own_points_and_csv_errors_name_the_row(client):
    ok = client.post("/api/playground/csv", json={"text": "x1,x2,label\n0,0,0\n1,1,1\n"})
    assert ok.json()["points"] == [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]
    bad = client.post("/api/playground/csv", json={"text": "0,0,0\n1,1\n"})
    assert bad.status_code == 400 and bad.json()["error"].startswith("Row 2 of the CSV")
    points = [[0, 0, 0], [1, 1, 0], [0, 1, 1], [1, 0, 1], [0.1, 0, 0], [0.9, 1, 1]]
    state = client.post("/api/sessions", json={"config": {"dataset": "custom",
                                                           "points": points}}).json()
    assert len(state["data"]["train"]["y"]) + len(state["data"]["test"]["y"]) == 6
    few = client.post("/api/sessions", json={"config": {"dataset": "custom",
                                                        "points": points[:2]}})
    assert few.status_code == 400 and "at least 4 points" in few.json()["error"]


def test_nan_blanks_the_numbers_and_status_explains():
    session = Session(PlaygroundConfig.parse({"dataset": "blobs", "hidden": [8, 8],
                                              "activation": "linear", "learning_rate": 10.0,
                                              "noise": 1.0, "batch_size": 5, "seed": 0}))
    session.train(3)
    frame = session.frame()
    assert frame["diverged"] and frame["status"]["kind"] == "diverged"
    assert all(v is None for side in frame["scores"].values() for v in side.values())
    relu = Session(PlaygroundConfig.parse({"dataset": "moons", "hidden": [8],
                                           "activation": "relu"}))
    for layer in relu.dense_layers()[:1]:
        layer.b[:] = -100.0  # every ReLU outputs 0 everywhere
    assert relu.status() is not None and relu.status()["kind"] == "dead"


def test_the_divergence_message_names_the_value_the_loss_took():
    said = {}
    for dataset, activation in (("bump", "relu"), ("plane", "linear"), ("plane", "relu"),
                                ("blobs", "linear")):
        session = Session(PlaygroundConfig.parse({"dataset": dataset, "activation": activation,
                                                  "learning_rate": 10.0, "seed": 0}))
        losses: list[float] = []
        original = session._diverge
        session._diverge = lambda exc, seen=losses, o=original: (seen.append(exc.loss), o(exc))
        session.train(30)
        if losses:
            word = "infinity" if np.isinf(losses[0]) else "NaN (not a number)"
            assert f"the loss became {word}" in (session.diverged or "")
            said[word] = True
    assert said.get("infinity")  # the case that used to be called NaN


def test_a_jump_the_learner_made_by_hand_is_not_blamed_on_the_learning_rate():
    session = Session(PlaygroundConfig.parse({"dataset": "xor", "seed": 0}))
    session.train(40)
    assert session.status() is None
    session.set_weight({"layer": 2, "neuron": 0, "input": 0, "value": 30.0})
    for _ in range(6):
        session.train(1)
        assert session.curves["train"][-1] > 3 * min(session.curves["train"][:40])  # jumped
        status = session.status()
        assert status is None or status["kind"] != "exploding", status


def test_a_healthy_noisy_run_is_not_called_oscillating():
    # Mini-batch noise on a falling loss turns up and down often; only steps that
    # overshoot (the loss jumping by a good part of itself) are called oscillation.
    for dataset in ("xor", "spirals"):
        session = Session(PlaygroundConfig.parse({"dataset": dataset}))
        for _ in range(30):
            session.train(10)
            assert session.status() is None, (dataset, session.epoch, session.status())
    bouncing = Session(PlaygroundConfig.parse({"dataset": "plane", "activation": "relu",
                                               "learning_rate": 0.3}))
    bouncing.train(21)
    status = bouncing.status()
    assert status is not None and status["kind"] == "oscillating"
# --------------------------------------------------------------------------- stream frames
def _cells(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=np.uint8).astype(int)


def _shown(frames: list[dict]) -> dict:
    """The pictures a page shows after drawing ``frames``: a null keeps the one it had."""
    shown: dict = {}
    for frame in frames:
        pictures = {("boundary", 0, 0): frame["boundary"]}
        for c, column in enumerate([frame["inputs"], *frame["hidden"]]):
            pictures.update({("map", c, j): p for j, p in enumerate(column)})
        for key, picture in pictures.items():
            if picture is not None:
                shown[key] = picture
            else:
                assert key in shown, f"{key} left out before it was ever sent"
    return shown


def _distance(a: dict, b: dict) -> int:
    """The largest difference of two pictures' cells, in bytes (of 255)."""
    assert a.keys() == b.keys()
    most = 0
    for key in a:
        field = "grid" if key[0] == "map" else ("cells" if "cells" in a[key] else "value")
        most = max(most, int(np.abs(_cells(a[key][field]) - _cells(b[key][field])).max()))
    return most


@pytest.mark.parametrize("dataset", ["xor", "blobs", "bump"])
def test_stream_frames_add_up_to_a_whole_frame(dataset):
    """Pictures left out while playing are within the tolerance of a whole frame; a
    frame made without tolerance (paused) gives exactly the whole frame's pictures."""
    session = Session(PlaygroundConfig.parse({"dataset": dataset, "hidden": [6, 4],
                                              "learning_rate": 0.03}))
    seen = Seen()
    frames = [session.frame_for(seen)]
    assert frames[0]["boundary"] is not None and None not in frames[0]["inputs"]
    left_out = 0
    for _ in range(25):
        session.train(2)
        frames.append(session.frame_for(seen, PLAY_TOLERANCE))
        left_out += sum(p is None for column in frames[-1]["hidden"] for p in column)
        left_out += sum(p is None for p in frames[-1]["inputs"])
        whole = session.frame()
        assert _distance(_shown(frames), _shown([whole])) <= PLAY_TOLERANCE
        seen.full_frames = session.full_frames  # the page did not draw that whole frame
    assert left_out >= 25 * len(frames[0]["inputs"])  # at least the inputs never change
    frames.append(session.frame_for(seen))  # tolerance 0: exact
    shown, whole = _shown(frames), _shown([session.frame()])
    assert _distance(shown, whole) == 0
    for key in shown:  # the ranges are exact too
        assert shown[key].get("low") == whole[key].get("low")
        assert shown[key].get("high") == whole[key].get("high")


def test_a_whole_frame_for_a_request_makes_the_stream_send_all_again():
    session = Session(PlaygroundConfig.parse({"dataset": "xor"}))
    seen = Seen()
    session.frame_for(seen)
    assert session.frame_for(seen)["boundary"] is None  # nothing changed
    session.set_weight({"layer": 0, "neuron": 0, "input": 0, "value": 2.0})
    session.frame()  # the page draws this one (from the weight request) instead
    again = session.frame_for(seen)
    assert again["boundary"] is not None and None not in again["inputs"]
    assert all(None not in column for column in again["hidden"])


def test_stream_curve_deltas_add_up_to_the_whole_curve():
    session = Session(PlaygroundConfig.parse({"dataset": "moons", "hidden": [4]}))
    seen = Seen()
    epochs: list[int] = []
    train: list[float] = []
    test: list[float] = []
    for n in (0, 3, 1, 5, 0, 7):
        session.train(n)
        curves = session.frame_for(seen)["curves"]
        if not curves["append"]:
            epochs, train, test = [], [], []
        epochs += curves["epoch"]
        train += curves["train"]
        test += curves["test"]
    whole = session.frame()["curves"]  # 16 epochs: fewer than a thinned curve's points
    assert epochs == whole["epoch"] == list(range(1, 17))
    assert train == whole["train"] and test == whole["test"]
    session.reset()  # the curves start again: the next frame says so
    assert session.frame_for(seen)["curves"] == {"append": False, "epoch": [], "train": [],
                                                 "test": []}


def test_the_boundary_byte_holds_the_class_and_how_sure_the_model_is():
    session = Session(PlaygroundConfig.parse({"dataset": "blobs", "hidden": [8]}))
    session.train(20)
    cells = _cells(session.frame()["boundary"]["cells"])
    p = session.model.predict(session.grid)
    assert (cells >> 6 == p.argmax(axis=1)).all()
    k = session.classes
    sure = np.round((p.max(axis=1) - 1 / k) / (1 - 1 / k) * 63)
    assert np.abs((cells & 63) - sure).max() <= 1


def test_a_new_learning_rate_keeps_the_data_and_starts_a_new_network():
    session = Session(PlaygroundConfig.parse({"dataset": "moons", "hidden": [4]}))
    X, grid, generation = session.X_train, session.grids, session.generation
    session.train(3)
    session.configure(PlaygroundConfig.parse({"dataset": "moons", "hidden": [5],
                                              "learning_rate": 0.3, "activation": "relu"}))
    assert session.X_train is X and session.grids is grid  # kept, not made again
    assert session.generation == generation + 1 and session.epoch == 0
    assert session.data()["layers"] == [2, 5, 1] and session.model.optimizer is not None
    fresh = Session(session.config)  # the same as a session made for it from scratch
    assert session.weights_text() == fresh.weights_text()
    assert session.frame()["boundary"] == fresh.frame()["boundary"]
    session.configure(PlaygroundConfig.parse({"dataset": "moons", "hidden": [5], "seed": 2}))
    assert session.X_train is not X  # another seed: other points
