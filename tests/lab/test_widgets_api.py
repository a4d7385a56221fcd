"""The lesson widgets' API: every number equals the library's, bad input gets a 4xx.

The backprop stepper's gradients are checked three ways: against central finite
differences of the loss, against the library's own ``Sequential.backward`` on the same
batch, and the update against ``w - η·∂L/∂w``.
"""

from __future__ import annotations

import numpy as np
import pytest

from neuronlab import activations, losses, stories
from neuronlab.gradcheck import numeric_gradient
from neuronlab.layers import Dense
from neuronlab.learn.lessons import LESSONS
from neuronlab.model import Sequential
from neuronlab.neuron import Neuron

ENDPOINTS = {
    "/api/widgets/activation": {"activation": "sigmoid", "z": 1.19},
    "/api/widgets/gate": {"weights": [1.0, 1.0], "bias": -1.5},
    "/api/widgets/mse": {"targets": [0, 1, 1, 0], "predictions": [0.1, 0.9, 0.8, 0.2]},
    "/api/widgets/softmax": {"scores": [2.0, 1.0, 0.1]},
    "/api/widgets/puzzle": {"w": 0.1, "b": 0.6, "learning_rate": 0.0001, "steps": 50},
    "/api/widgets/backprop": {"network": "one-neuron"},
}


def post(client, path, body):
    response = client.post(path, json=body)
    assert response.status_code == 200, response.text
    return response.json()


# --------------------------------------------------------------------------- token
@pytest.mark.parametrize("path", [*ENDPOINTS, "/api/widgets/xor", "/api/widgets/lessons",
                                  "/widgets"])
def test_every_widget_route_needs_the_token(anonymous, path):
    body = ENDPOINTS.get(path)
    response = anonymous.post(path, json=body) if body else anonymous.get(path)
    assert response.status_code == 401
    assert "token" in response.text


# --------------------------------------------------------------------------- numbers
@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "step", "leaky_relu"])
@pytest.mark.parametrize("z", [-2.5, 0.3, 1.19])
def test_activation_value_slope_and_curve_are_the_library_s(client, name, z):
    r = post(client, "/api/widgets/activation", {"activation": name, "z": z})
    act = activations.get(name)
    assert r["y"] == pytest.approx(float(act.forward(np.array([z]))[0]), abs=1e-15)
    assert r["slope"] == pytest.approx(float(act.derivative(np.array([z]))[0]), abs=1e-15)
    assert r["y"] == pytest.approx(Neuron([1.0], 0.0, name)([z]))
    zs = np.array(r["curve"]["z"])
    assert zs[0] < z < zs[-1]
    assert r["curve"]["y"] == pytest.approx(act.forward(zs).tolist())


def test_the_running_story_is_77_percent(client):
    r = post(client, "/api/widgets/activation", {"activation": "sigmoid", "z": 1.19})
    assert f"{r['y']:.3f}" == "0.767"


@pytest.mark.parametrize("gate", ["and", "or"])
def test_gate_presets_give_their_truth_tables(client, gate):
    weights, bias = stories.GATES[gate]
    r = post(client, "/api/widgets/gate", {"weights": weights, "bias": bias})
    neuron = stories.gate_neuron(gate)
    assert r["outputs"] == [neuron(list(c)) for c in stories.XOR_INPUTS]
    assert r["matches"][gate] is True


def test_gate_line_lies_on_z_equal_zero(client):
    r = post(client, "/api/widgets/gate", {"weights": [0.7, -1.3], "bias": 0.4})
    assert r["outputs"] == [Neuron([0.7, -1.3], 0.4, "step")(list(c)) for c in stories.XOR_INPUTS]
    (a1, a2), (b1, b2) = r["line"]["segment"]
    for x1, x2 in ((a1, a2), (b1, b2)):
        assert 0.7 * x1 - 1.3 * x2 + 0.4 == pytest.approx(0.0, abs=1e-9)
    assert r["matches"] == {"and": False, "or": False, "not": False}
    flat = post(client, "/api/widgets/gate", {"weights": [0.0, 0.0], "bias": 1.0})
    assert flat["line"]["segment"] is None and flat["outputs"] == [1.0] * 4


def test_not_preset_reads_x1_only(client):
    r = post(client, "/api/widgets/gate", {"weights": [-1.0, 0.0], "bias": 0.5})
    assert r["matches"]["not"] is True
    assert r["outputs"] == [1.0, 1.0, 0.0, 0.0]


def test_xor_one_neuron_stalls_and_the_hand_wired_net_solves_it(client):
    r = client.get("/api/widgets/xor").json()
    attempt = stories.single_neuron_on_xor()
    assert r["single"]["best_line"] == stories.best_line_on_xor() == 3
    assert r["single"]["best_correct"] == attempt.best_correct == 3  # never 4: no line does
    assert r["single"]["best_when"] == "at its random start, before any update"
    assert r["single"]["predictions"] == [round(p, 3) for p in attempt.predictions]
    assert r["single"]["predictions"] == [0.5] * 4  # the trained neuron, on the fence
    assert r["single"]["final_loss"] == pytest.approx(attempt.losses[-1])
    assert r["single"]["final_loss"] == pytest.approx(0.25, abs=0.01)
    assert r["single"]["answers"] == [0, 0, 0, 0] and r["single"]["wrong"] == [1, 2]
    net = stories.hand_wired_xor()
    assert r["network"]["outputs"] == net.predict(np.array(stories.XOR_INPUTS))[:, 0].tolist()
    assert r["network"]["correct"] == 4
    assert [h["name"] for h in r["network"]["hidden"]] == ["A = OR", "B = AND"]
    assert r["network"]["hidden"][1]["segment"] == [[1.5, 0.0], [0.0, 1.5]]  # x1 + x2 = 1.5


def test_mse_is_the_library_s(client):
    pred = [0.035, 0.971, 0.962, 0.037]
    r = post(client, "/api/widgets/mse", {"targets": [0, 1, 1, 0], "predictions": pred})
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    p = np.array(pred).reshape(-1, 1)
    assert r["mse"] == pytest.approx(losses.get("mse")(y, p), abs=0)
    assert r["squared_errors"] == pytest.approx(((p - y) ** 2)[:, 0].tolist())
    assert post(client, "/api/widgets/mse", {"targets": [0, 1], "predictions": [0, 1]})["mse"] == 0


def test_mse_default_predictions_are_the_untrained_net_s(client):
    r = post(client, "/api/widgets/mse", {"targets": [0, 1, 1, 0]})
    model = Sequential([Dense(4, activation="sigmoid", input_shape=(2,)),
                        Dense(1, activation="sigmoid")], seed=0, dtype="float64")
    model.build()
    expected = model.forward(np.array(stories.XOR_INPUTS))[:, 0]
    assert r["predictions"] == pytest.approx(expected.tolist())
    assert r == post(client, "/api/widgets/mse", {"targets": [0, 1, 1, 0]})  # same every time


def test_softmax_is_the_library_s_and_sums_to_one(client):
    r = post(client, "/api/widgets/softmax", {"scores": [2.0, 1.0, 0.1]})
    p = activations.get("softmax").forward(np.array([[2.0, 1.0, 0.1]]))[0]
    assert r["probabilities"] == pytest.approx(p.tolist(), abs=0)
    assert r["sum"] == pytest.approx(1.0)
    big = post(client, "/api/widgets/softmax", {"scores": [100.0, -100.0]})
    assert big["probabilities"] == pytest.approx([1.0, 0.0])
    # lesson 12's example: the naive exponentials overflow, the shifted ones do not
    stable = post(client, "/api/widgets/softmax", {"scores": [1000.0, 1001.0, 1002.0]})
    assert stable["shifted"] == [-2.0, -1.0, 0.0] and stable["max"] == 1002.0
    shifted = np.exp(np.array([-2.0, -1.0, 0.0]))
    assert stable["probabilities"] == pytest.approx((shifted / shifted.sum()).tolist())
    assert stable["exponentials"] == pytest.approx(shifted.tolist())


def test_puzzle_steps_are_train_puzzle_s(client):
    r = post(client, "/api/widgets/puzzle", ENDPOINTS["/api/widgets/puzzle"])
    run = stories.train_puzzle(steps=50)
    assert len(r["steps"]) == 51
    assert r["steps"][0]["prediction"] == pytest.approx(6.1)
    assert [s["w"] for s in r["steps"][1:]] == [s.weight for s in run.steps]
    assert f"{r['steps'][-1]['prediction']:.3f}" == "111.175"
    assert r["first"]["dW"] == run.first_dW
    sf = r["surface"]
    assert len(sf["bands"]) == sf["size"] and {len(row) for row in sf["bands"]} == {sf["size"]}
    assert sf["w"][0] < 0.1 and sf["w"][1] > 2.0  # the path and the answer are on the map
    assert r["diverged"] is None


def test_puzzle_too_big_a_rate_is_explained(client):
    r = post(client, "/api/widgets/puzzle", {"learning_rate": 0.01, "steps": 200})
    assert "smaller learning rate" in r["diverged"]
    assert all(abs(row["w"]) < 1e6 for row in r["steps"])
    climbing = post(client, "/api/widgets/puzzle", {"learning_rate": 0.0005})  # lesson 10
    assert climbing["steps"][-1]["loss"] > climbing["steps"][0]["loss"]
    assert "loss grows" in climbing["diverged"]


# --------------------------------------------------------------------------- backprop
ONE = {"network": "one-neuron", "inputs": [1.0, 2.0], "weights": [0.5, -0.5], "bias": 0.0,
       "target": 1.0, "learning_rate": 0.5}


def _model(r):
    """A float64 model with the API's starting weights and the same loss."""
    sizes = r["sizes"]
    layers = [Dense(n, activation=f["activation"], input_shape=(sizes[0],) if k == 0 else None)
              for k, (n, f) in enumerate(zip(sizes[1:], r["forward"]))]
    model = Sequential(layers, dtype="float64")
    model.set_neuron_weights([w for p in r["before"] for w in (p["W"], p["b"])])
    model.compile(optimizer="sgd", loss="mse")
    return model


def close(got, expected, **tolerance):
    """Nested lists of numbers equal, entry by entry (default: to 1e-15)."""
    tolerance = tolerance or {"rtol": 0, "atol": 1e-15}
    np.testing.assert_allclose(np.array(got, dtype=float), np.array(expected, dtype=float),
                               **tolerance)


def _check_step(r):
    X, y = np.array(r["X"]), np.array(r["y"])
    model = _model(r)
    assert model.loss is not None
    y_pred = model.forward(X)
    close(r["prediction"], y_pred)
    assert r["loss"] == pytest.approx(model.loss(y, y_pred), abs=1e-15)
    model.backward(y_pred, y)  # the library's own backward on the same batch
    for k, layer in enumerate(model.layers):
        close(r["backward"][k]["grad_W"], layer.grad_W)
        close(r["backward"][k]["grad_b"], layer.grad_b)
        close(np.sum(r["backward"][k]["grad_z"], axis=0), layer.grad_b, rtol=0, atol=1e-12)

    def loss() -> float:
        return float(model.loss(y, model.forward(X)))

    for k, layer in enumerate(model.layers):
        close(r["backward"][k]["grad_W"], numeric_gradient(loss, layer.W), rtol=1e-6, atol=1e-9)
        close(r["backward"][k]["grad_b"], numeric_gradient(loss, layer.b), rtol=1e-6, atol=1e-9)
        # the update: w <- w - learning_rate * dL/dw
        grad_W = np.array(r["backward"][k]["grad_W"])
        new_W = np.array(r["before"][k]["W"]) - r["learning_rate"] * grad_W
        close(r["after"][k]["W"], new_W)
        close(r["after"][k]["b"], np.array(r["before"][k]["b"])
              - r["learning_rate"] * np.array(r["backward"][k]["grad_b"]))
    # every layer's forward numbers are the library's
    model.forward(X)
    for k, layer in enumerate(model.layers):
        close(r["forward"][k]["z"], layer.z)
        close(r["forward"][k]["a"], layer.y)


def test_one_neuron_step_is_the_chain_rule_by_hand(client):
    r = post(client, "/api/widgets/backprop", ONE)
    _check_step(r)
    y = 1 / (1 + np.exp(0.5))  # sigmoid(1*0.5 + 2*(-0.5) + 0) = sigmoid(-0.5)
    dL_dz = 2 * (y - 1.0) * y * (1 - y)  # L = (y - t)^2
    assert r["loss"] == pytest.approx((y - 1.0) ** 2)
    assert r["backward"][0]["grad_W"][0] == pytest.approx([dL_dz * 1.0, dL_dz * 2.0])
    assert r["backward"][0]["grad_b"] == pytest.approx([dL_dz])
    flipped = post(client, "/api/widgets/backprop", {**ONE, "target": 0.0})
    assert np.sign(flipped["backward"][0]["grad_W"][0]).tolist() == [1.0, 1.0]


@pytest.mark.parametrize("hidden", [2, 4])
@pytest.mark.parametrize("sample", [None, 0, 3])
def test_xor_step_gradients_match_finite_differences_and_backward(client, hidden, sample):
    body = {"network": "xor", "hidden": hidden, "learning_rate": 1.0}
    if sample is not None:
        body["sample"] = sample
    r = post(client, "/api/widgets/backprop", body)
    assert r["sizes"] == [2, hidden, 1]
    assert len(r["X"]) == (4 if sample is None else 1)
    _check_step(r)
    model = Sequential([Dense(hidden, activation="sigmoid", input_shape=(2,)),
                        Dense(1, activation="sigmoid")], seed=0, dtype="float64")
    assert [w.tolist() for w in model.get_neuron_weights()] == [
        w for p in r["before"] for w in (p["W"], p["b"])]  # seed 0, the lesson's net


def test_xor_sample_00_gives_the_first_layer_weights_no_blame(client):
    r = post(client, "/api/widgets/backprop", {"network": "xor", "sample": 0})
    assert np.all(np.array(r["backward"][0]["grad_W"]) == 0.0)
    assert np.any(np.array(r["backward"][0]["grad_b"]) != 0.0)


# --------------------------------------------------------------------------- gallery
def test_gallery_page_and_the_lessons_widgets(client):
    page = client.get("/widgets")
    assert page.status_code == 200 and 'src="static/widgets/gallery.js"' in page.text
    widgets = client.get("/api/widgets/lessons").json()["widgets"]
    marked = [(lesson.number, w.kind, w.settings) for lesson in LESSONS for w in lesson.widgets]
    assert [(w["lesson"], w["kind"], w["settings"]) for w in widgets] == marked
    kinds = {w["kind"] for w in widgets}
    assert kinds == {"neuron", "activation", "layer", "batch", "gate", "xor", "mse",
                     "backprop-stepper", "puzzle", "playground", "softmax", "training",
                     "kernel", "confusion", "convnet", "draw"}
    for kind in kinds:
        script = client.get(f"/static/widgets/{kind}.js")
        assert script.status_code == 200 and "export function mount" in script.text


# --------------------------------------------------------------------------- bad input
BAD = [
    ("/api/widgets/activation", {"activation": "nope"}, "activation"),
    ("/api/widgets/activation", {"z": "1"}, "'z' must be a number"),
    ("/api/widgets/activation", {"zz": 1}, "Unknown field"),
    ("/api/widgets/gate", {"weights": [1.0], "bias": 0}, "'weights'"),
    ("/api/widgets/gate", {"weights": [1.0, 1.0]}, "Missing field 'bias'"),
    ("/api/widgets/gate", {"weights": [1.0, 1.0], "bias": 99}, "'bias' must be between"),
    ("/api/widgets/mse", {"targets": [0, 1], "predictions": [0.5]}, "predictions"),
    ("/api/widgets/mse", {"targets": [0] * 17}, "targets"),
    ("/api/widgets/mse", {"targets": [0, 1]}, "XOR's four"),
    ("/api/widgets/softmax", {"scores": [1.0]}, "'scores'"),
    ("/api/widgets/softmax", {"scores": [1.0, True]}, "scores[1]"),
    ("/api/widgets/softmax", {"scores": [1.0, 1e7]}, "between"),
    ("/api/widgets/puzzle", {"steps": 10**6}, "'steps'"),
    ("/api/widgets/puzzle", {"steps": 5.0}, "whole number"),
    ("/api/widgets/puzzle", {"learning_rate": 0}, "learning_rate"),
    ("/api/widgets/backprop", {"network": "lstm"}, "'network'"),
    ("/api/widgets/backprop", {"network": "one-neuron", "inputs": [1, 2], "weights": [1]},
     "one weight per input"),
    ("/api/widgets/backprop", {"network": "one-neuron", "inputs": [1] * 7, "weights": [1] * 7},
     "'inputs'"),
    ("/api/widgets/backprop", {"network": "xor", "sample": 4}, "'sample'"),
    ("/api/widgets/backprop", {"network": "xor", "hidden": 3}, "2 or 4"),
    ("/api/widgets/backprop", {"network": "xor", "hidden": 64}, "'hidden'"),
    ("/api/widgets/backprop", {"network": "xor", "target": 1}, "Unknown field"),
    ("/api/widgets/backprop", {"network": "one-neuron", "learning_rate": -1}, "learning_rate"),
]


@pytest.mark.parametrize(("path", "body", "message"), BAD)
def test_bad_input_is_a_4xx_with_a_message(client, path, body, message):
    response = client.post(path, json=body)
    assert 400 <= response.status_code < 500, response.text
    error = response.json()["error"]
    if message:
        assert message in error


def test_a_number_too_big_for_a_float_is_refused(client):
    response = client.post("/api/widgets/activation", content=b'{"z": 1e999}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 400 and "finite" in response.json()["error"]


@pytest.mark.parametrize("path", list(ENDPOINTS))
def test_not_json_a_list_or_too_big_is_refused(client, path):
    assert client.post(path, content=b"{", headers={"content-type": "application/json"}
                       ).status_code == 400
    assert client.post(path, json=[1, 2]).status_code == 400
    assert client.post(path, content=b"x", headers={"content-type": "text/plain"}
                       ).status_code == 415
    huge = b'{"scores": [' + b"1," * 40000 + b"1]}"
    assert client.post(path, content=huge, headers={"content-type": "application/json"}
                       ).status_code == 413
    assert client.get(path).status_code == 405
