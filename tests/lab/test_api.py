"""The lab's JSON API and stream, without a browser (Starlette's TestClient).

Every view's numbers must equal the library's for the worked examples; bad requests must
get a 4xx answer with a message, never a 500.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from neuronlab import Dense, Neuron, Sequential
from neuronlab.lab.explore.views import DEFAULT_BATCH, DEFAULT_LAYER, DEFAULT_NEURON
from neuronlab.lab.server.schema import LIMITS

WORKED_OUTPUTS = [[4.800, 1.210, 2.385], [3.310, 1.662, 1.661], [3.310, 2.001, 0.381]]


def batch_body(**extra):
    return {"weights": DEFAULT_LAYER["weights"], "biases": DEFAULT_LAYER["biases"],
            "activation": "relu", "X": DEFAULT_BATCH, **extra}


# --------------------------------------------------------------------------- views
def test_neuron_view_is_the_spec_row(client):
    r = client.post("/api/neuron", json=DEFAULT_NEURON)
    assert r.status_code == 200
    data = r.json()
    assert f"{data['z']:.3f}" == "1.000" and f"{data['y']:.3f}" == "1.000"
    assert data["z_line"] == (
        "z = (0.50 × 0.50) + (-0.30 × -0.30) + (0.70 × 0.80) + 0.10 = 1.000")
    assert data["sum_line"] == "z = 0.250 + 0.090 + 0.560 + 0.10 = 1.000"
    assert data["y_line"] == "ŷ = ReLU(1.000) = 1.000"
    assert [round(p, 3) for p in data["products"]] == [0.25, 0.09, 0.56]
    expected = Neuron([0.5, -0.3, 0.8], 0.1, "relu").explain([0.5, -0.3, 0.7]).as_dict()
    assert data["z"] == expected["z"] and data["y"] == expected["y"]


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "step", "linear"])
def test_neuron_view_and_curve_match_the_library(client, activation):
    body = {"inputs": [0.8, 0.6, 0.9], "weights": [0.5, 0.7, 0.3], "bias": 0.1,
            "activation": activation}
    data = client.post("/api/neuron", json=body).json()
    neuron = Neuron(body["weights"], body["bias"], activation)
    assert data["y"] == neuron(body["inputs"])
    assert round(data["z"], 2) == 1.19
    curve = data["curve"]
    assert min(curve["z"]) <= data["z"] <= max(curve["z"])
    for z, y in zip(curve["z"][::20], curve["y"][::20]):
        assert y == Neuron([1.0], z, activation)([0.0])  # f(z) of a neuron whose sum is z


def test_neuron_view_sigmoid_go_running(client):
    data = client.post("/api/neuron", json={"inputs": [0.8, 0.6, 0.9],
                                            "weights": [0.5, 0.7, 0.3], "bias": 0.1,
                                            "activation": "sigmoid"}).json()
    assert f"{data['y']:.3f}" == "0.767"


def test_layer_view_is_the_spec_layer(client):
    for sample, expected in zip(DEFAULT_BATCH, WORKED_OUTPUTS):
        body = {**DEFAULT_LAYER, "inputs": sample}
        data = client.post("/api/layer", json=body).json()
        assert [round(y, 3) for y in data["outputs"]] == expected
        # the pure-Python neurons of the step lines agree with the NumPy layer
        assert np.allclose([n["y"] for n in data["flow"]], data["outputs"], atol=1e-12)
        assert data["flow"][0]["z_line"].endswith(f"= {expected[0]:.3f}")


def test_layer_view_follows_an_edited_weight(client):
    weights = [row[:] for row in DEFAULT_LAYER["weights"]]
    weights[1][1] = 0.5
    data = client.post("/api/layer", json={**DEFAULT_LAYER, "weights": weights}).json()
    dense = Dense(3, activation="relu", input_shape=(4,))
    dense.set_neuron_weights([weights, DEFAULT_LAYER["biases"]])
    expected = dense.forward(np.array([DEFAULT_LAYER["inputs"]]))[0]
    assert data["outputs"] == expected.tolist()
    assert round(data["outputs"][1], 3) == 4.030


def test_batch_view_is_the_spec_matrix_and_sample_flow(client):
    data = client.post("/api/batch", json=batch_body(sample=1)).json()
    assert np.round(data["outputs"], 3).tolist() == WORKED_OUTPUTS
    assert data["shape"] == [3, 3]
    assert data["formula"] == "Y_hat = relu(X @ W.T + b)"
    assert data["sample"] == 1
    assert [round(n["y"], 3) for n in data["flow"]] == [3.310, 1.662, 1.661]
    assert data["flow"][0]["inputs"] == DEFAULT_BATCH[1]
    no_flow = client.post("/api/batch", json=batch_body()).json()
    assert no_flow["flow"] is None and no_flow["outputs"] == data["outputs"]


def test_meta_gives_the_spec_defaults_and_limits(client):
    meta = client.get("/api/meta").json()
    assert meta["defaults"]["neuron"]["inputs"] == [0.5, -0.3, 0.7]
    assert meta["defaults"]["layer"]["weights"][2] == [-0.26, -0.27, 0.17, 0.87]
    assert meta["limits"]["inputs"] == 6 and meta["limits"]["neurons"] == 8
    assert meta["limits"]["hidden_layers"] == 6 and meta["limits"]["points"] == 2000
    assert meta["limits"]["sessions"] == 8
    assert set(meta["datasets"]) == {"and", "or", "xor", "circles", "moons", "spirals", "blobs",
                                    "plane", "bump"}  # the last two: regression


def test_page_and_static_files_are_served(client):
    page = client.get("/explore")
    assert page.status_code == 200 and 'src="static/app.js"' in page.text
    for name in ("app.js", "api.js", "widgets/neuron.js", "widgets/layer.js",
                 "widgets/batch.js", "playground.js", "pg-controls.js", "pg-pictures.js",
                 "pg-socket.js", "style.css"):
        assert client.get(f"/static/{name}").status_code == 200


# --------------------------------------------------------------------------- playground
XOR = {"dataset": "xor", "hidden": [4], "activation": "tanh", "learning_rate": 0.3,
       "optimizer": "sgd", "batch_size": 10, "samples": 100, "seed": 3}


def test_session_create_step_reset_delete(client):
    r = client.post("/api/sessions", json={"config": XOR})
    assert r.status_code == 201
    state = r.json()
    sid, data, frame = state["id"], state["data"], state["frame"]
    assert data["config"]["hidden"] == [4] and data["layers"] == [2, 4, 1]
    assert len(data["train"]["X"]) == 50 and len(data["test"]["X"]) == 50
    assert frame["epoch"] == 0 and frame["boundary"]["size"] == 40
    assert len(frame["hidden"]) == 1 and len(frame["hidden"][0]) == 4
    assert [len(w["W"]) for w in frame["weights"]] == [4, 1]
    first = frame["weights"]

    stepped = client.post(f"/api/sessions/{sid}/step", json={"epochs": 30}).json()
    assert stepped["epoch"] == 30
    assert len(stepped["curves"]["train"]) == 30
    assert stepped["curves"]["train"][-1] < stepped["curves"]["train"][0]
    assert stepped["weights"] != first

    again = client.post(f"/api/sessions/{sid}/reset", json={}).json()
    assert again["epoch"] == 0 and again["weights"] == first  # same seed, same start
    assert client.get(f"/api/sessions/{sid}").json()["frame"]["epoch"] == 0
    assert client.delete(f"/api/sessions/{sid}").status_code == 200
    gone = client.get(f"/api/sessions/{sid}")
    assert gone.status_code == 404 and "ended" in gone.json()["error"]


def test_session_numbers_are_the_library_s(client):
    state = client.post("/api/sessions", json={"config": XOR, "epochs": 5}).json()
    session = client.app.state.sessions.get(state["id"])
    model = session.model
    frame = state["frame"]
    for layer, sent in zip(model.layers, frame["weights"]):
        assert np.allclose(layer.W, sent["W"], atol=5e-5)
        assert np.allclose(layer.b, sent["b"], atol=5e-5)
    scores = model.evaluate(session.X_test, session.y_test, return_dict=True)
    assert frame["scores"]["test"]["loss"] == pytest.approx(scores["loss"], abs=1e-6)
    assert frame["scores"]["test"]["accuracy"] == pytest.approx(scores["accuracy"])
    # the boundary grid: each byte's top 2 bits are the model's class at the cell centre
    import base64
    labels = np.frombuffer(base64.b64decode(frame["boundary"]["cells"]), dtype=np.uint8) >> 6
    predicted = (model.predict(session.grid)[:, 0] > 0.5).astype(np.uint8)
    assert (labels == predicted).all()


def test_the_same_url_state_gives_the_same_network(client):
    a = client.post("/api/sessions", json={"config": XOR, "epochs": 12}).json()
    b = client.post("/api/sessions", json={"config": XOR}).json()
    for _ in range(3):  # the same 12 epochs, grouped differently
        client.post(f"/api/sessions/{b['id']}/step", json={"epochs": 4})
    b_frame = client.get(f"/api/sessions/{b['id']}").json()["frame"]
    assert a["frame"]["weights"] == b_frame["weights"]
    assert a["frame"]["scores"] == b_frame["scores"]


def test_stream_plays_pauses_steps_and_ends_with_the_page(client):
    sid = client.post("/api/sessions", json={"config": XOR}).json()["id"]
    with client.websocket_connect(f"/api/sessions/{sid}/stream") as ws:
        first = ws.receive_json()
        assert first["type"] == "frame" and first["epoch"] == 0
        ws.send_json({"cmd": "step"})
        assert ws.receive_json()["epoch"] == 1
        ws.send_json({"cmd": "play"})
        frames = [ws.receive_json() for _ in range(5)]
        assert all(f["playing"] for f in frames)
        epochs = [f["epoch"] for f in frames]
        assert epochs == sorted(epochs) and epochs[-1] > 1
        ws.send_json({"cmd": "pause"})
        while (frame := ws.receive_json())["playing"]:
            pass
        assert frame["epoch"] >= epochs[-1]
        ws.send_json({"cmd": "jump"})
        error = ws.receive_json()
        assert error["type"] == "error" and "'cmd' must be one of" in error["error"]
        ws.send_text("{not json")
        assert "must be JSON" in ws.receive_json()["error"]
    deadline = time.monotonic() + 5
    while client.get(f"/api/sessions/{sid}").status_code != 404:
        assert time.monotonic() < deadline, "the session outlived its page"
        time.sleep(0.02)


def test_stream_frames_for_a_2_8_8_1_network(client):
    """Frames keep coming with every hidden layer's grids; the rate is measured by
    benchmarks/lab_bench.py, not asserted here."""
    config = {**XOR, "hidden": [8, 8], "samples": 200}
    sid = client.post("/api/sessions", json={"config": config}).json()["id"]
    with client.websocket_connect(f"/api/sessions/{sid}/stream") as ws:
        ws.receive_json()
        ws.send_json({"cmd": "play"})
        ws.receive_json()
        frames = [ws.receive_json() for _ in range(5)]
    assert all(len(f["hidden"]) == 2 and all(len(layer) == 8 for layer in f["hidden"])
               for f in frames)
    epochs = [f["epoch"] for f in frames]
    assert epochs == sorted(epochs) and epochs[-1] > epochs[0]


def test_stream_to_a_missing_session_says_so(client):
    with client.websocket_connect("/api/sessions/nope/stream") as ws:
        message = ws.receive_json()
        assert message["type"] == "error" and "No playground session" in message["error"]


def test_divergence_is_explained_in_words(client):
    config = {"dataset": "blobs", "hidden": [8, 8], "activation": "linear", "optimizer": "sgd",
              "learning_rate": 10, "noise": 1.0, "seed": 0, "batch_size": 5}
    state = client.post("/api/sessions", json={"config": config, "epochs": 20}).json()
    frame = state["frame"]
    assert frame["diverged"] and "smaller learning rate" in frame["diverged"]
    assert ("NaN (not a number)" in frame["diverged"] or "infinity" in frame["diverged"])
    assert "now 10" in frame["diverged"]
    assert frame["epoch"] < 20
    # nothing in the frame is NaN: JSON had to be valid to arrive here at all
    sid = state["id"]
    assert client.post(f"/api/sessions/{sid}/step", json={}).json()["epoch"] == frame["epoch"]
    assert client.post(f"/api/sessions/{sid}/reset", json={}).json()["diverged"] is None


@pytest.mark.parametrize("dataset", ["and", "or", "circles", "moons", "spirals", "blobs"])
def test_every_dataset_trains(client, dataset):
    state = client.post("/api/sessions", json={"config": {"dataset": dataset, "epochs": 1}})
    assert state.status_code == 400  # 'epochs' belongs beside 'config', not inside it
    state = client.post("/api/sessions", json={"config": {"dataset": dataset}, "epochs": 2})
    data = state.json()
    assert data["frame"]["epoch"] == 2
    classes = data["data"]["classes"]
    assert data["data"]["layers"][-1] == (1 if classes == 2 else classes)


def test_export_code_rebuilds_the_same_model(client):
    pytest.importorskip("neuronlab.io", reason="the save format module is not there yet")
    state = client.post("/api/sessions", json={"config": XOR, "epochs": 7}).json()
    sid = state["id"]
    export = client.get(f"/api/sessions/{sid}/export").json()
    assert export["download"] == f"/api/sessions/{sid}/model"
    assert "epoch7" in export["filename"]
    namespace: dict = {"print": lambda *args: None}
    exec(compile(export["code"], "<export>", "exec"), namespace)
    rebuilt: Sequential = namespace["model"]
    session = client.app.state.sessions.get(sid)
    for mine, theirs in zip(rebuilt.get_neuron_weights(), session.model.get_neuron_weights()):
        assert np.array_equal(mine, theirs)

    from neuronlab.io import model_from_bytes

    download = client.get(export["download"])
    assert download.status_code == 200
    assert export["filename"] in download.headers["content-disposition"]
    loaded = model_from_bytes(download.content)
    for mine, theirs in zip(loaded.get_neuron_weights(), session.model.get_neuron_weights()):
        assert np.array_equal(mine, theirs)


def run_export(client, sid):
    namespace: dict = {"print": lambda *args: None}
    code = client.get(f"/api/sessions/{sid}/export").json()["code"]
    exec(compile(code, "<export>", "exec"), namespace)
    return code, namespace["model"]


def test_export_of_the_truth_table_trains_on_its_four_rows(client):
    # the course links to the playground on XOR's 4 rows (pd=xor4): no noise, no split
    config = {"dataset": "xor4", "hidden": [3], "activation": "tanh", "learning_rate": 0.5,
              "seed": 2}
    sid = client.post("/api/sessions", json={"config": config, "epochs": 5}).json()["id"]
    code, rebuilt = run_export(client, sid)
    assert "datasets.xor()" in code and "train_test_split" not in code
    session = client.app.state.sessions.get(sid)
    for mine, theirs in zip(rebuilt.get_neuron_weights(), session.model.get_neuron_weights()):
        assert np.array_equal(mine, theirs)


def test_export_says_when_replaying_cannot_give_the_lab_s_weights(client):
    state = client.post("/api/sessions", json={"config": XOR, "epochs": 3}).json()
    sid = state["id"]
    code, _ = run_export(client, sid)
    assert "set by hand" not in code and "from a link" not in code
    # a link's weights (here: the seed's at epoch 0, with one weight changed by hand)
    session = client.app.state.sessions.get(sid)
    weights = session.weights_text()
    linked = client.post("/api/sessions", json={"config": {**XOR, "optimizer": "adam"},
                                                "weights": weights, "epoch": 3}).json()["id"]
    code, _ = run_export(client, linked)
    assert "from a link at epoch 3" in code and "only if they came from training alone" in code
    assert "not even then with Adam, whose running state started afresh" in code
    plain = client.post("/api/sessions", json={"config": XOR, "weights": weights,
                                               "epoch": 3}).json()["id"]
    code, _ = run_export(client, plain)
    assert "from a link" in code and "not even then" not in code  # plain SGD keeps no state


def test_session_limit(client):
    ids = [client.post("/api/sessions", json={}).json()["id"] for _ in range(LIMITS.sessions)]
    r = client.post("/api/sessions", json={})
    assert r.status_code == 429 and "limit" in r.json()["error"]
    client.delete(f"/api/sessions/{ids[0]}")
    assert client.post("/api/sessions", json={}).status_code == 201


# --------------------------------------------------------------------------- command
def test_lab_command_parses_and_explains_a_busy_port():
    from neuronlab.cli import build_parser
    from neuronlab.cli.lab import bind

    args = build_parser().parse_args(["lab", "--port", "0", "--no-browser"])
    assert (args.host, args.port, args.no_browser) == ("127.0.0.1", 0, True)
    taken = bind("127.0.0.1", 0)
    try:
        port = taken.getsockname()[1]
        with pytest.raises(ValueError, match=rf"Port {port} .* already in use.*--port 0"):
            bind("127.0.0.1", port)
    finally:
        taken.close()
    with pytest.raises(ValueError, match="between 0 and 65535"):
        bind("127.0.0.1", 70000)


# --------------------------------------------------------------------------- guards
@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "localhost:1",
                                  "127.0.0.1:8001", ""])
def test_host_header_guard(client, host):
    r = client.get("/api/meta", headers={"host": host})
    assert r.status_code == 400
    assert "Host header" in r.json()["error"]


def test_host_guard_accepts_local_names_on_the_served_port():
    from neuronlab.lab.server.guard import LocalOnly

    guard = LocalOnly(app=None, names=frozenset({"localhost", "127.0.0.1", "[::1]"}))  # type: ignore[arg-type]

    def scope(host, origin=None, method="GET"):
        headers = [(b"host", host.encode())]
        if origin:
            headers.append((b"origin", origin.encode()))
        return {"type": "http", "method": method, "headers": headers,
                "server": ("127.0.0.1", 8123)}

    for host in ("127.0.0.1:8123", "localhost:8123", "[::1]:8123"):
        assert guard.problem(scope(host)) is None
    for host in ("127.0.0.1:8124", "testserver", "attacker.test:8123", "127.0.0.1"):
        assert guard.problem(scope(host))[0] == 400
    assert guard.problem(scope("127.0.0.1:8123", "http://localhost:8123", "POST")) is None
    assert guard.problem(scope("127.0.0.1:8123", "http://attacker.test", "POST"))[0] == 403
    assert guard.problem(scope("127.0.0.1:8123", "null", "POST"))[0] == 403


def test_cross_site_origin_is_refused(client):
    r = client.post("/api/sessions", json={}, headers={"origin": "http://evil.example"})
    assert r.status_code == 403 and "Origin" in r.json()["error"]
    from starlette.websockets import WebSocketDisconnect

    with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect(
            "/api/sessions/x/stream", headers={"origin": "http://evil.example"}):
        pass
    assert refused.value.code == 1008


BAD_REQUESTS = [
    ("/api/neuron", {"inputs": [1, 2], "weights": [1]}, "one weight per input"),
    ("/api/neuron", {"inputs": [1] * 7, "weights": [1] * 7}, "1 to 6 numbers"),
    ("/api/neuron", {"inputs": [], "weights": []}, "1 to 6 numbers"),
    ("/api/neuron", {"inputs": "1,2", "weights": [1, 2]}, "must be a list"),
    ("/api/neuron", {"inputs": [1, "a"], "weights": [1, 2]}, "'inputs[1]' must be a number"),
    ("/api/neuron", {"inputs": [1, True], "weights": [1, 2]}, "must be a number"),
    ("/api/neuron", {"inputs": [1e9], "weights": [1]}, "between -1000 and 1000"),
    ("/api/neuron", {"inputs": [1], "weights": [1], "activation": "swish"}, "one of relu"),
    ("/api/neuron", {"inputs": [1], "weights": [1], "bias": None}, "'bias' must be a number"),
    ("/api/neuron", {"inputs": [1], "weights": [1], "colour": "red"}, "Unknown field"),
    ("/api/neuron", {"weights": [1]}, "Missing field 'inputs'"),
    ("/api/layer", {**DEFAULT_LAYER, "biases": [1, 2]}, "one bias per neuron"),
    ("/api/layer", {**DEFAULT_LAYER, "weights": [[1, 2, 3, 4], [1, 2]],
                    "biases": [1, 2]}, "same number of values"),
    ("/api/layer", {**DEFAULT_LAYER, "weights": [[1.0] * 4] * 9, "biases": [0.0] * 9},
     "1 to 8 rows"),
    ("/api/layer", {**DEFAULT_LAYER, "inputs": [1, 2]}, "has 4 inputs"),
    ("/api/batch", batch_body(X=[[1, 2, 3]]), "one value per input"),
    ("/api/batch", batch_body(X=[[1, 2, 3, 4]] * 33), "1 to 32 rows"),
    ("/api/batch", batch_body(sample=3), "between 0 and 2"),
    ("/api/batch", batch_body(sample=1.0), "whole number"),
    ("/api/sessions", {"config": {"dataset": "mnist"}}, "one of and, or, xor"),
    ("/api/sessions", {"config": {"hidden": [4] * 7}}, "0 to 6 layer sizes"),
    ("/api/sessions", {"config": {"hidden": [9]}}, "between 1 and 8"),
    ("/api/sessions", {"config": {"hidden": "4,4"}}, "'hidden' must be a list"),
    ("/api/sessions", {"config": {"samples": 5000}}, "between 8 and 2000"),
    ("/api/sessions", {"config": {"learning_rate": 0}}, "'learning_rate' must be between"),
    ("/api/sessions", {"config": {"learning_rate": 100}}, "'learning_rate' must be between"),
    ("/api/sessions", {"config": {"optimizer": "lbfgs"}}, "one of sgd, rmsprop, adam"),
    ("/api/sessions", {"config": {"activation": "softmax"}}, "'activation' must be one of"),
    ("/api/sessions", {"config": {"train_fraction": 1.0}}, "between 0.1 and 0.9"),
    ("/api/sessions", {"config": {"l2": -1}}, "'l2' must be between"),
    ("/api/sessions", {"config": {"seed": -1}}, "'seed' must be between"),
    ("/api/sessions", {"config": [1, 2]}, "must be a JSON object"),
    ("/api/sessions", {"config": {}, "epochs": -1}, "'epochs' must be between"),
    ("/api/sessions", {"config": {"samples": 2000, "batch_size": 1}, "epochs": 200},
     "too much work"),
]


@pytest.mark.parametrize(("path", "body", "message"), BAD_REQUESTS)
def test_bad_requests_get_4xx_with_a_message(client, path, body, message):
    r = client.post(path, json=body)
    assert r.status_code == 400, r.text
    assert message in r.json()["error"]


def test_malformed_bodies_get_4xx(client):
    headers = {"content-type": "application/json"}
    cases = [
        (client.post("/api/neuron", content=b"{", headers=headers), 400, "not valid JSON"),
        (client.post("/api/neuron", content=b"[1, 2]", headers=headers), 400, "JSON object"),
        (client.post("/api/neuron", content=b"[" * 50_000, headers=headers), 400, "JSON"),
        (client.post("/api/neuron", content=b'{"inputs": [NaN], "weights": [1]}',
                     headers=headers), 400, "finite"),
        (client.post("/api/neuron", content=b"x" * (LIMITS.body_bytes + 1), headers=headers),
         413, "larger than"),
        (client.post("/api/neuron", content=b"inputs=1",
                     headers={"content-type": "application/x-www-form-urlencoded"}),
         415, "application/json"),
        (client.get("/api/nowhere"), 404, "Nothing at /api/nowhere"),
        (client.get("/api/neuron"), 405, "GET is not allowed"),
        (client.post("/api/sessions/none/step", json={}), 404, "No playground session"),
        (client.get("/api/sessions/none/export"), 404, "No playground session"),
    ]
    for response, status, message in cases:
        assert response.status_code == status, response.text
        assert message in response.json()["error"]
