"""The playground's slow-motion step: one batch of training, stage by stage.

The trace's gradients are checked against the library's own ``Sequential.backward`` on
the same batch and against central finite differences (``neuronlab.gradcheck``); the
update against the real training loop's first step of the next epoch.
"""

from __future__ import annotations

import base64
import copy
import itertools

import numpy as np
import pytest

from neuronlab import Sequential
from neuronlab.callbacks import LambdaCallback
from neuronlab.gradcheck import numeric_gradient
from neuronlab.lab.playground.config import PlaygroundConfig
from neuronlab.lab.playground.session import Session
from neuronlab.training.data import prepare_inputs, prepare_targets

CLASSIFICATION = {"dataset": "circles", "hidden": [5, 3], "optimizer": "adam",
                  "learning_rate": 0.03, "features": ["x1", "x2", "x1sq", "x2sq", "sinx1"],
                  "l2": 0.001, "l1": 0.001, "batch_size": 12}
REGRESSION = {"dataset": "bump", "hidden": [4], "optimizer": "sgd", "learning_rate": 0.05,
              "features": ["x1", "x2", "x1x2", "sinx2"], "l2": 0.002, "batch_size": 16}
THREE_CLASSES = {"dataset": "blobs", "hidden": [3], "optimizer": "rmsprop",
                 "learning_rate": 0.01, "features": ["x1", "x2", "x2sq"]}
EPOCHS = 3  # trained before the step, so that Adam's and RMSprop's averages are not zero


def weights(params: str, sizes: list[int]) -> list[np.ndarray]:
    """The frame's base64 float32 weights as [W1, b1, W2, b2, ...]."""
    flat, out, at = np.frombuffer(base64.b64decode(params), dtype="<f4"), [], 0
    for n_in, n_out in itertools.pairwise(sizes):
        out.append(flat[at:at + n_in * n_out].reshape(n_out, n_in))
        out.append(flat[at + n_in * n_out:at + n_in * n_out + n_out])
        at += n_in * n_out + n_out
    return out


def first_batch(session: Session) -> tuple[np.ndarray, np.ndarray]:
    """The batch fit(seed=epoch) starts the next epoch with, worked out here on its own."""
    X = prepare_inputs(session.model, session.F_train)
    Y = prepare_targets(session.model, session.y_train, len(X))
    order = np.random.default_rng(session.epoch).permutation(len(X))
    rows = order[:session.config.batch_size]
    return X[rows], Y[rows]


def first_step_of_training(session: Session) -> list[np.ndarray]:
    """The weights after the first batch of the next epoch, as training takes it."""
    model = copy.deepcopy(session.model)
    seen: list[list[np.ndarray]] = []
    model.fit(session.F_train, session.y_train, epochs=1, batch_size=session.config.batch_size,
              seed=session.epoch, verbose=0,
              callbacks=[LambdaCallback(on_batch_end=lambda b, logs: seen.append(
                  model.get_neuron_weights()) if b == 0 else None)])
    return seen[0]


def close(got, expected, **tolerance):
    np.testing.assert_allclose(np.array(got, dtype=np.float64),
                               np.array(expected, dtype=np.float64), **tolerance)


@pytest.mark.parametrize("config", [CLASSIFICATION, REGRESSION, THREE_CLASSES],
                         ids=["circles-adam-l1-l2", "bump-sgd-l2", "blobs-rmsprop"])
def test_the_trace_is_the_librarys_step_on_the_next_batch(client, config):
    state = client.post("/api/sessions", json={"config": config, "epochs": EPOCHS}).json()
    url = f"/api/sessions/{state['id']}/backprop"
    r = client.post(url, json={}).json()
    assert r["epoch"] == EPOCHS and f"epoch {EPOCHS + 1}" in r["batch"]
    assert r["sizes"] == state["data"]["layers"] and len(r["features"]) == len(config["features"])

    # the same session, trained the same way here: the same weights
    session = Session(PlaygroundConfig.parse(config))
    session.train(EPOCHS)
    assert r["params"] == session.weights_text() == state["frame"]["params"]
    X, Y = first_batch(session)
    assert r["samples"] == len(X) and r["shown"] == min(8, len(X))
    close(r["X"], X[:8], rtol=0, atol=0)

    # the library's own forward and backward on that batch
    model = session.model
    y_pred = model.forward(X, training=True)
    assert r["loss"] == pytest.approx(model.compute_loss(y_pred, Y), rel=1e-6)
    assert r["fused"] == model.output_gradient_is_fused
    model.backward(y_pred, Y)
    for k, layer in enumerate(model.layers):
        close(r["forward"][k]["a"], layer.y[:8], rtol=1e-6, atol=1e-7)
        close(r["backward"][k]["grad_W"], layer.grad_W, rtol=1e-6, atol=1e-8)
        close(r["backward"][k]["grad_b"], layer.grad_b, rtol=1e-6, atol=1e-8)

    # central differences of the loss training minimizes (penalties included), in float64
    clone = Sequential.from_config({**model.get_config(), "dtype": "float64"})
    clone.build(X.shape[1])
    clone.set_neuron_weights(model.get_neuron_weights())
    X64, Y64 = X.astype(np.float64), Y.astype(np.float64)

    def loss() -> float:
        return clone.compute_loss(clone.forward(X64, training=True), Y64)

    for k, layer in enumerate(clone.layers):
        close(r["backward"][k]["grad_W"], numeric_gradient(loss, layer.W), rtol=1e-3, atol=2e-5)
        close(r["backward"][k]["grad_b"], numeric_gradient(loss, layer.b), rtol=1e-3, atol=2e-5)

    # the update is the optimizer's: training's first step of the next epoch
    expected = first_step_of_training(session)
    for k in range(len(r["after"])):
        close(r["after"][k]["W"], expected[2 * k], rtol=1e-5, atol=1e-6)
        close(r["after"][k]["b"], expected[2 * k + 1], rtol=1e-5, atol=1e-6)
    assert r["optimizer"]["name"] == config["optimizer"]
    if config["optimizer"] == "sgd":
        assert r["optimizer"]["rule"] == "w ← w − η·∂L/∂w"
        for k in range(len(r["after"])):
            close(r["after"][k]["W"], np.array(r["before"][k]["W"])
                  - config["learning_rate"] * np.array(r["backward"][k]["grad_W"]),
                  rtol=1e-6, atol=1e-7)

    # nothing changed until the step is applied; then the frame has the new weights
    again = client.get(f"/api/sessions/{state['id']}").json()["frame"]
    assert again["params"] == r["params"]
    frame = client.post(f"{url}/apply", json={"params": r["params"]}).json()
    assert frame["epoch"] == EPOCHS and frame["params"] != r["params"]
    for got, want in zip(weights(frame["params"], r["sizes"]), expected):
        close(got, want, rtol=1e-5, atol=1e-6)
    # the same traced step cannot be applied twice
    twice = client.post(f"{url}/apply", json={"params": r["params"]})
    assert twice.status_code == 409 and "trace the step again" in twice.json()["error"]


def test_refused_while_training_and_for_an_unknown_session(client):
    state = client.post("/api/sessions", json={"config": {"dataset": "xor"}}).json()
    url = f"/api/sessions/{state['id']}/backprop"
    client.app.state.sessions.get(state["id"]).playing = True  # as the stream's play does
    busy = client.post(url, json={})
    assert busy.status_code == 409 and "pause it first" in busy.json()["error"]
    busy = client.post(f"{url}/apply", json={"params": state["frame"]["params"]})
    assert busy.status_code == 409 and "pause it first" in busy.json()["error"]
    client.app.state.sessions.get(state["id"]).playing = False
    assert client.post(url, json={}).status_code == 200
    bad = client.post(url, json={"epochs": 1})
    assert bad.status_code == 400 and "epochs" in bad.json()["error"]
    for path in ("/api/sessions/nope/backprop", "/api/sessions/nope/backprop/apply"):
        missing = client.post(path, json={})
        assert missing.status_code == 404
        assert "No playground session 'nope'" in missing.json()["error"]


def test_a_whole_batch_of_few_points_is_not_shuffled_and_shows_at_most_eight(client):
    config = {"dataset": "xor", "samples": 40, "batch_size": 2000}
    state = client.post("/api/sessions", json={"config": config}).json()
    r = client.post(f"/api/sessions/{state['id']}/backprop", json={}).json()
    train = state["data"]["train"]["X"]
    assert r["samples"] == len(train) == 20 and r["shown"] == 8
    close(r["X"], np.array(train)[:8], rtol=1e-4, atol=1e-4)
    assert len(r["forward"][0]["a"]) == len(r["backward"][0]["grad_z"]) == 8


# --------------------------------------------------------------------------- in the browser
def _browser():
    from conftest import needs_browser

    return needs_browser()


def _library_gradients(session: Session) -> list[np.ndarray]:
    """grad_W of every layer for the session's next batch, from Sequential.backward."""
    model = copy.deepcopy(session.model)
    X, Y = first_batch(session)
    model.backward(model.forward(X, training=True), Y)
    return [layer.grad_W.copy() for layer in model.layers]


def _open_stepper(page, live_server):
    """Click the slow-motion button; the server's session it traced."""
    with page.expect_response(lambda answer: answer.url.endswith("/backprop")) as answer:
        page.click("#pg-slow")
    session_id = answer.value.url.split("/api/sessions/")[1].split("/")[0]
    return live_server.app.state.sessions.get(session_id)


@pytest.mark.browser
@pytest.mark.timeout(120)
def test_slow_motion_step_walks_every_stage_and_takes_the_step(open_page, live_server):
    from conftest import screenshot

    expect = _browser().expect
    page = open_page("#view=playground&pd=xor&pf=x1,x2,x1sq&pr=0.001")
    expect(page.locator("#pg-epoch")).to_have_text("0")
    page.click("#pg-step")  # one epoch of training first
    expect(page.locator("#pg-epoch")).to_have_text("1")
    expect(page.locator("#pg-slow")).to_be_enabled()
    weights_before = page.locator("#pg-weights").inner_text()
    session = _open_stepper(page, live_server)
    grads = _library_gradients(session)
    stage = page.locator("#pg-stepper-stage")
    expect(stage).to_have_text("0 of 8 · ready: press Next stage")
    expect(page.locator("#pg-stepper-apply")).to_be_disabled()
    names = []
    for _ in range(8):
        page.locator("#pg-stepper-next").press("Enter") if names else page.click("#pg-stepper-next")
        names.append(stage.inner_text().split("· ")[1])
        if names[-1] == "loss":
            expect(page.locator("#pg-stepper-loss")).to_contain_text("L = ")
        if names[-1] == "backward: hidden layer 1":
            for j in range(4):
                for i in range(3):  # x1, x2, x1²: the library's ∂L/∂w of every first-layer link
                    expect(page.locator(f"#pg-stepper-gw-0-{j}-{i}")).to_have_text(
                        f"{grads[0][j, i]:.5f}")
        if names[-1] == "backward: the output layer":
            expect(page.locator("#pg-stepper-gw-2-0-1")).to_have_text(f"{grads[2][0, 1]:.5f}")
    assert names == ["forward: hidden layer 1", "forward: hidden layer 2",
                     "forward: the output layer", "loss", "backward: the output layer",
                     "backward: hidden layer 2", "backward: hidden layer 1", "update"]
    expect(page.locator("#pg-stepper-rule")).to_contain_text("w ← w − η·∂L/∂w")
    expect(page.locator("#pg-stepper-next")).to_be_disabled()
    page.keyboard.press("ArrowLeft")  # the keyboard walks back too
    expect(stage).to_contain_text("7 of 8 · backward: hidden layer 1")
    page.click("#pg-stepper-next")
    screenshot(page, "lab", "playground-stepper")
    expected = copy.deepcopy(session.model)
    expected.train_step(*first_batch(session))
    new = expected.layers[0].W
    page.click("#pg-stepper-apply")
    expect(page.locator("#pg-stepper-note")).to_contain_text("Done")
    expect(page.locator("#pg-epoch")).to_have_text("1")  # the epoch counter stays
    # the next frame shows the new weights: the table of all weights changed to them
    expect(page.locator("#pg-weights")).not_to_have_text(weights_before)
    first_cell = page.locator("#pg-weights table").first.locator("td").first
    expect(first_cell).to_have_text(f"{new[0, 0]:.3f}")
    np.testing.assert_allclose(session.model.layers[0].W, new, rtol=0, atol=1e-7)


@pytest.mark.browser
@pytest.mark.timeout(120)
@pytest.mark.parametrize("width", [1280, 390])
def test_a_big_network_gets_tables_and_the_layer_at_work(open_page, live_server, width):
    from conftest import ARTIFACTS, screenshot

    expect = _browser().expect
    page = open_page("#view=playground&pd=bump&ph=8,8,8,8,8,8&po=adam&pl=0.003",
                     width=width, height=900)
    expect(page.locator("#pg-epoch")).to_have_text("0")
    expect(page.locator("#pg-slow")).to_be_enabled()
    session = _open_stepper(page, live_server)
    grads = _library_gradients(session)
    expect(page.locator("#pg-stepper-diagram")).to_be_hidden()
    for _ in range(13):  # forward x 7, loss, then backward: output, L6 ... L3
        page.click("#pg-stepper-next")
    expect(page.locator("#pg-stepper-stage")).to_have_text("13 of 16 · backward: hidden layer 3")
    expect(page.locator("#pg-stepper-layers li.current")).to_have_text("L3 (8)")
    expect(page.locator("#pg-stepper-gw-2-7-5")).to_have_text(f"{grads[2][7, 5]:.5f}")
    page.locator("#pg-stepper").scroll_into_view_if_needed()
    screenshot(page, "lab", f"playground-stepper-big-{width}")
    page.locator("#pg-stepper").screenshot(path=str(ARTIFACTS / "lab" /
                                                    f"playground-stepper-panel-{width}.png"))
    box = page.locator("#pg-stepper").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1
