"""``heads.build_model``: the one way the package builds "a network for these targets".

The command line, the playground's session and the code the playground exports all
make the same network from the same settings, and the exported code runs as printed.
"""

from __future__ import annotations

import numpy as np
import pytest

from neuronlab import Dense, Sequential, datasets, heads
from neuronlab.cli import main
from neuronlab.errors import ConfigError
from neuronlab.io import load_model
from neuronlab.lab.playground.config import PlaygroundConfig
from neuronlab.lab.playground.session import Session


def test_build_model_is_the_keras_call_written_out():
    head = heads.head_for(np.array([0, 1, 2, 1]))
    model = heads.build_model((2,), head, [4, 3], "tanh", seed=5, l2=0.01)
    written = Sequential([Dense(4, activation="tanh", input_shape=(2,), l2=0.01),
                          Dense(3, activation="tanh", l2=0.01),
                          Dense(3, activation="softmax", l2=0.01)], seed=5)
    written.build()
    assert model.built  # built at once, as Keras builds a model that knows its input
    assert model.get_config() == written.get_config()
    for mine, theirs in zip(model.get_weights(), written.get_weights(), strict=True):
        np.testing.assert_array_equal(mine, theirs)
    assert model.count_params() == (2 * 4 + 4) + (4 * 3 + 3) + (3 * 3 + 3)


def test_build_model_without_hidden_layers_gives_the_head_the_input_shape():
    head = heads.head_for(np.array([[0.5], [2.5]]))
    model = heads.build_model(3, head, seed=0)
    assert model.layers[0].input_shape == (3,) and model.layers[0].activation.name == "linear"
    assert model.output_shapes() == [(1,)] and model.count_params() == 3 + 1


@pytest.mark.parametrize("bad", [None, "two", (2, 2)])
def test_build_model_refuses_a_bad_input_shape(bad):
    with pytest.raises(ConfigError if bad != (2, 2) else ValueError, match="input_shape"):
        heads.build_model(bad, heads.head_for([0, 1]), [4])


def test_the_cli_and_the_playground_build_the_same_network(tmp_path, capsys):
    path = tmp_path / "moons.npz"
    assert main(["train", "moons", "--layers", "5,3", "--activation", "tanh", "--epochs", "1",
                 "--seed", "2", "--quiet", "--save", str(path)]) == 0
    capsys.readouterr()
    from_cli = load_model(path)
    session = Session(PlaygroundConfig.parse({"dataset": "moons", "hidden": [5, 3],
                                              "activation": "tanh", "seed": 2}))
    assert [layer.get_config() for layer in from_cli.layers] == \
        [layer.get_config() for layer in session.model.layers]


@pytest.mark.parametrize("config", [
    {"dataset": "xor", "hidden": [4, 4], "activation": "tanh", "seed": 1},
    {"dataset": "blobs", "hidden": [], "features": ["x1", "x2", "x1sq"], "l2": 0.001,
     "l1": 0.0005, "optimizer": "adam", "learning_rate": 0.01},
    {"dataset": "plane", "hidden": [3], "activation": "relu", "seed": 4},
], ids=["xor", "blobs-no-hidden", "plane-regression"])
def test_the_exported_code_runs_and_rebuilds_the_sessions_network(config):
    session = Session(PlaygroundConfig.parse(config))
    session.train(3)
    code = session.python_code("model.npz")
    assert code.count("input_shape=") == 1
    namespace: dict = {"print": lambda *args: None}
    exec(compile(code, "<exported>", "exec"), namespace)  # as printed, nothing added
    rebuilt: Sequential = namespace["model"]
    assert [layer.get_config() for layer in rebuilt.layers] == \
        [layer.get_config() for layer in session.model.layers]
    for mine, theirs in zip(rebuilt.get_weights(), session.model.get_weights(), strict=True):
        np.testing.assert_array_equal(mine, theirs)


def test_the_session_network_is_build_model_with_its_settings():
    session = Session(PlaygroundConfig.parse({"dataset": "spirals", "hidden": [6],
                                              "activation": "relu", "seed": 7, "l2": 0.01}))
    _, y = datasets.make_classification_2d("spirals", n_samples=40, seed=7)
    model = heads.build_model((2,), heads.head_for(y), [6], "relu", seed=7, l2=0.01)
    assert model.get_config()["layers"] == session.model.get_config()["layers"]
    for mine, theirs in zip(model.get_weights(), session.model.get_weights(), strict=True):
        np.testing.assert_array_equal(mine, theirs)
