"""The "training" widget's API, and lesson 11's playground link.

Every number the widget shows is the library's: the endpoint's losses, predictions and
boundary are compared bit for bit with a direct ``Sequential(...).fit(...)`` of the
same recipe and seed. Each lesson that marks the widget states numbers in its words;
the widget, run with the lesson's own settings, must give exactly those numbers. Lesson
11's playground link must open the lesson's very setup, and the playground must reach
the lesson's loss with the same weights.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import numpy as np
import pytest

from neuronlab import datasets, losses, optimizers
from neuronlab.lab.course import training
from neuronlab.lab.playground.config import PlaygroundConfig
from neuronlab.lab.playground.session import PARAMETER_STEPS, STEPS_PER_REQUEST, Session
from neuronlab.layers import Dense
from neuronlab.learn.lessons import LESSONS, lesson_namespace
from neuronlab.model import Sequential

PATH = "/api/widgets/training"
XOR_41 = [[4, "sigmoid"], [1, "sigmoid"]]


def lines(client, body: dict[str, Any]) -> list[dict[str, Any]]:
    response = client.post(PATH, json=body)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in response.text.splitlines() if line.strip()]


def result(client, body: dict[str, Any]) -> dict[str, Any]:
    found = lines(client, body)
    assert found[0]["type"] == "start" and found[-1]["type"] == "done", found[-1]
    assert all(line["type"] == "progress" for line in found[1:-1])
    return found[-1]


def direct(layers, optimizer="sgd", learning_rate=None, loss="mse", epochs=3000, seed=0,
           data="xor", batch_size=None):
    """The recipe written out with the library, as a learner would."""
    X, y = {"xor": datasets.xor, "and": datasets.and_gate, "or": datasets.or_gate}[data]()
    first, *rest = layers
    model = Sequential([Dense(first[0], activation=first[1], input_shape=(2,)),
                        *(Dense(u, activation=a) for u, a in rest)], seed=seed)
    model.compile(optimizer=optimizer if learning_rate is None
                  else optimizers.get(optimizer, learning_rate=learning_rate), loss=loss)
    history = model.fit(X, y, epochs=epochs, batch_size=batch_size, verbose=0)
    return model, history.history["loss"], X, y


def lesson(number: int):
    return next(item for item in LESSONS if item.number == number)


def widget_settings(number: int, kind: str) -> dict[str, Any]:
    [settings] = [w.settings for w in lesson(number).widgets if w.kind == kind]
    return settings


# --------------------------------------------------------------------------- the library
@pytest.mark.parametrize("body", [
    {"layers": XOR_41, "optimizer": "sgd", "loss": "mse", "epochs": 3000, "seed": 0},
    {"layers": XOR_41, "optimizer": "sgd", "learning_rate": 1.0, "loss": "mse",
     "epochs": 3000, "seed": 0},
    {"layers": [[3, "tanh"], [2, "relu"], [1, "sigmoid"]], "optimizer": "adam",
     "learning_rate": 0.05, "loss": "binary_crossentropy", "epochs": 400, "seed": 7,
     "data": "or", "batch_size": 2},
])
def test_every_number_is_the_library_s(client, body):
    r = result(client, body)
    settings = {k: v for k, v in body.items() if k != "layers"}
    model, history, X, y = direct(body["layers"], **settings)
    assert r["epochs_run"] == len(history) == body["epochs"]
    assert r["first_loss"] == history[0] and r["final_loss"] == history[-1]
    output = model.predict(X)
    assert r["predictions"] == output[:, 0].astype(np.float64).tolist()
    assert r["trained_loss"] == losses.get(body["loss"])(y, output)
    assert r["targets"] == y[:, 0].tolist() and r["inputs"] == X.tolist()
    assert r["answers"] == [int(p > 0.5) for p in output[:, 0]]
    assert r["correct"] == sum(a == t for a, t in zip(r["answers"], r["targets"]))
    assert r["learning_rate"] == model.optimizer.learning_rate
    # every point of the curve is the loss fit reported for that epoch, the last included
    assert r["curve"]["epoch"][-1] == len(history)
    assert r["curve"]["loss"] == [history[e - 1] for e in r["curve"]["epoch"]]
    # the boundary is the model's output over the square, row 0 at the top (x2 largest)
    b = r["boundary"]
    low, high = b["view"]
    centres = low + (np.arange(b["size"]) + 0.5) * (high - low) / b["size"]
    x1, x2 = np.meshgrid(centres, centres[::-1])
    grid_out = model.predict(np.column_stack([x1.ravel(), x2.ravel()]))[:, 0]
    assert b["values"] == [round(float(v), 4) for v in grid_out]


def test_the_code_shown_is_the_recipe_that_ran(client):
    trap = result(client, {"layers": XOR_41, "epochs": 3000})
    assert trap["code"].splitlines() == [
        "X, y = datasets.xor()",
        "model = Sequential([",
        "    Dense(4, activation='sigmoid', input_shape=(2,)),",
        "    Dense(1, activation='sigmoid'),",
        "], seed=0)",
        "model.compile(optimizer='sgd', loss='mse')",
        "history = model.fit(X, y, epochs=3000, verbose=0)",
    ]
    fixed = result(client, {"layers": XOR_41, "epochs": 3000, "learning_rate": 1.0})
    assert "model.compile(optimizer=SGD(learning_rate=1.0), loss='mse')" in fixed["code"]
    # the code runs, in a namespace of the library's names, to the very same numbers
    from neuronlab import SGD
    names: dict[str, Any] = {"datasets": datasets, "Sequential": Sequential, "Dense": Dense,
                             "SGD": SGD}
    exec(fixed["code"], names)  # the server's own text, run to check it
    assert names["history"].history["loss"][-1] == fixed["final_loss"]


def test_the_trap_and_the_fix(client):
    """optimizer='sgd' (0.01) leaves XOR unsolved; learning_rate=1.0 solves it."""
    trap = result(client, {"layers": XOR_41, "epochs": 3000})
    fixed = result(client, {"layers": XOR_41, "epochs": 3000, "learning_rate": 1.0})
    assert trap["learning_rate"] == 0.01 and fixed["learning_rate"] == 1.0
    assert trap["first_loss"] == fixed["first_loss"]  # the same starting weights
    assert trap["first_loss"] - trap["final_loss"] < 0.01 and trap["correct"] < 4
    assert all(abs(p - 0.5) < 0.1 for p in trap["predictions"])
    assert fixed["correct"] == 4 and fixed["final_loss"] < trap["final_loss"] / 100


def test_progress_lines_are_the_library_s_losses_as_they_come(client):
    # 20000 epochs take the library about a second; a progress line comes every 0.1 s
    found = lines(client, {"layers": [[2, "sigmoid"], [1, "sigmoid"]], "epochs": 20000,
                           "learning_rate": 1.0})
    progress = [line for line in found if line["type"] == "progress"]
    assert progress, "no progress line while 20000 epochs trained"
    _, history, _, _ = direct([[2, "sigmoid"], [1, "sigmoid"]], learning_rate=1.0,
                              epochs=20000)
    reached = [line["epoch"] for line in progress]
    assert reached == sorted(reached) and reached[-1] <= 20000
    for line in progress:
        assert line["epochs"] == 20000
        for epoch, loss in line["points"]:
            assert loss == history[epoch - 1]


# --------------------------------------------------------------------------- lessons
LESSON_NUMBERS = {
    6: ("learned_losses", {}),
    7: ("curve", {}),
    10: ("xor_losses", {}),
    11: ("trap_losses", {}),
}


@pytest.mark.parametrize("number", sorted(LESSON_NUMBERS))
def test_each_lesson_s_widget_gives_the_lesson_s_numbers(client, number):
    settings = widget_settings(number, "training")
    body = training.Recipe.parse({k: v for k, v in settings.items()
                                  if k in training.Recipe.FIELDS}).as_dict()
    r = result(client, body)
    name, _ = LESSON_NUMBERS[number]
    words = lesson_namespace(lesson(number))[name]
    assert r["first_loss"] == words[0] and r["final_loss"] == words[-1]
    assert r["epochs_run"] == len(words)


def test_lesson_7_table_is_the_widget_s_trained_weights():
    names = lesson_namespace(lesson(7))
    settings = widget_settings(7, "training")
    r = training.run(training.Recipe.parse({k: v for k, v in settings.items()
                                            if k in training.Recipe.FIELDS}))
    assert r["trained_loss"] == names["loss_after"]
    assert r["predictions"] == names["after"].astype(np.float64).tolist()


def test_lesson_11_recipe_as_written_is_the_trap_then_the_fix(client):
    settings = widget_settings(11, "training")
    assert "learning_rate" not in settings  # optimizer='sgd' as the recipe writes it
    names = lesson_namespace(lesson(11))
    body = {k: v for k, v in settings.items() if k in training.Recipe.FIELDS}
    trap = result(client, body)
    assert trap["predictions"] == names["trap_pred"].astype(np.float64).tolist()
    assert trap["final_loss"] == names["trap_losses"][-1]
    fixed = result(client, {**body, "learning_rate": 1.0})
    assert fixed["final_loss"] == names["losses"][-1]
    assert fixed["predictions"] == names["framework"][:, 0].astype(np.float64).tolist()
    assert 1.0 in settings["rates"]


# --------------------------------------------------------------------------- bounds
@pytest.mark.parametrize("body, words", [
    ({"epochs": 0}, "'epochs' must be between 1"),
    ({"epochs": STEPS_PER_REQUEST + 1}, f"between 1 and {STEPS_PER_REQUEST}"),
    ({"epochs": 3.5}, "'epochs' must be a whole number"),
    ({"layers": [[4, "sigmoid"], [2, "sigmoid"]]}, "needs 1 unit; got 2"),
    ({"layers": []}, "'layers' must be a list of 1 to"),
    ({"layers": [[4, "sigmoid"]] * 9}, "'layers' must be a list of 1 to"),
    ({"layers": [[4, "swish"], [1, "sigmoid"]]}, "'layers[0] activation' must be one of"),
    ({"layers": [[99, "relu"], [1, "sigmoid"]]}, "'layers[0] units' must be between 1 and"),
    ({"layers": [4, 1]}, "'layers[0]' must be [units, activation]"),
    ({"optimizer": "lbfgs"}, "'optimizer' must be one of sgd"),
    ({"learning_rate": -1}, "'learning_rate' must be between"),
    ({"learning_rate": "fast"}, "'learning_rate' must be a number"),
    ({"loss": "hinge"}, "'loss' must be one of mse"),
    ({"data": "mnist"}, "'data' must be one of xor"),
    ({"batch_size": 0}, "'batch_size' must be between 1 and 4"),
    ({"seed": -3}, "'seed' must be between 0"),
    ({"epoch": 10}, "Unknown field(s) 'epoch'"),
    ({"layers": [[8, "relu"]] * 6 + [[1, "sigmoid"]], "epochs": 20000, "batch_size": 1},
     "too much work for one request"),
])
def test_bad_settings_get_a_message_not_a_traceback(client, body, words):
    response = client.post(PATH, json=body)
    assert response.status_code == 400, response.text
    assert words in response.json()["error"]


def test_too_much_work_says_how_much_is_allowed(client):
    layers = [[8, "relu"]] * 6 + [[1, "sigmoid"]]
    error = client.post(PATH, json={"layers": layers, "epochs": 20000}).json()["error"]
    params = Sequential([Dense(8, activation="relu", input_shape=(2,)),
                         *(Dense(8, activation="relu") for _ in range(5)),
                         Dense(1, activation="sigmoid")]).count_params()
    assert f"{params}-parameter" in error and f"at most {PARAMETER_STEPS // params} epochs" \
        in error


def test_not_json_and_no_token(client, anonymous):
    response = client.post(PATH, content=b"{", headers={"content-type": "application/json"})
    assert response.status_code == 400 and "not valid JSON" in response.json()["error"]
    assert anonymous.post(PATH, json={}).status_code == 401


# --------------------------------------------------------------------------- lesson 11's link
def test_lesson_11_playground_link_is_the_lesson_s_setup_and_loss(client):
    """The link's settings open the four XOR rows, batch 4, MSE, sigmoid 4, SGD 0.01, seed 0;
    after 3000 epochs the playground's weights are bit for bit the lesson's."""
    settings = widget_settings(11, "playground")
    fields = {k: v for k, v in settings.items() if k in PlaygroundConfig.__dataclass_fields__}
    state = client.post("/api/sessions", json={"config": fields}).json()
    config = state["data"]["config"]
    assert (config["dataset"], config["batch_size"], config["hidden"], config["activation"],
            config["optimizer"], config["learning_rate"], config["loss"], config["seed"]) \
        == ("xor4", 4, [4], "sigmoid", "sgd", 0.01, "mse", 0)
    X, y = datasets.xor()
    assert state["data"]["train"] == {"X": X.tolist(), "y": y[:, 0].astype(int).tolist()}
    assert state["data"]["layers"] == [2, 4, 1] and state["data"]["loss"] == "mse"
    assert settings["epochs"] == 3000
    for _ in range(3):
        frame = client.post(f"/api/sessions/{state['id']}/step", json={"epochs": 1000}).json()
    names = lesson_namespace(lesson(11))
    trap = names["trap"]
    lesson_weights = np.concatenate([np.concatenate([layer.W.ravel(), layer.b.ravel()])
                                     for layer in trap.layers]).astype("<f4")
    assert frame["epoch"] == 3000
    assert base64.b64decode(frame["params"]) == lesson_weights.tobytes()
    assert frame["curves"]["train"][-1] == round(names["trap_losses"][-1], 6)
    # in process, the whole curve: every epoch's loss is the lesson's, bit for bit
    session = Session(PlaygroundConfig.parse(fields))
    session.train(3000)
    assert session.curves["train"] == names["trap_losses"]


def test_training_stops_between_two_epochs_when_the_page_leaves():
    """The stream sets ``stop`` when its page goes away; the run ends after that epoch."""
    import threading

    stop = threading.Event()
    stop.set()
    r = training.run(training.Recipe.parse({"epochs": 3000}), stop)
    assert r["stopped"] and r["epochs_run"] == 1
    _, history, _, _ = direct(XOR_41, epochs=1)
    assert r["final_loss"] == history[0]
