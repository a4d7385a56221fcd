"""The playground's newer requests: features, regression, weights by hand and by link, CSV."""

from __future__ import annotations

import base64

import numpy as np

from neuronlab.lab.sessions import PlaygroundConfig, Session


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
    body = {"config": {"dataset": "moons"}, "weights": session.params(), "epoch": 5000}
    state = client.post("/api/sessions", json=body).json()
    assert state["frame"]["epoch"] == 5000 and state["frame"]["params"] == session.params()
    cut = session.params()[:-12]
    answer = client.post("/api/sessions", json={**body, "weights": cut})
    assert answer.status_code == 400 and "cut short" in answer.json()["error"]
    other = Session(PlaygroundConfig.parse({"dataset": "moons", "hidden": [3]})).params()
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
