""".keras files both ways and ONNX files, against real Keras 3 and onnxruntime: the same
predictions to 1e-5 for an MLP, a model with Conv2D and MaxPool2D, and a model with the
newer activations and Activation/Softmax layers."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from keras_reference import KERAS_WARNINGS, keras_module
from neuronlab import (
    Activation,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    MaxPool2D,
    Sequential,
    Softmax,
    load_model,
)
from neuronlab.keras_files import KerasFileError, save_keras, snake_case
from neuronlab.keras_reader import load_keras
from neuronlab.onnx_export import model_to_onnx, save_onnx

pytestmark = KERAS_WARNINGS
TOLERANCE = 1e-5


def trained(model: Sequential, X: np.ndarray, y: np.ndarray, loss: str) -> Sequential:
    model.compile(optimizer="adam", loss=loss)
    model.fit(X, y, epochs=3, verbose=0, seed=0)
    return model


def three_models() -> list[tuple[str, Sequential, np.ndarray]]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 4))
    mlp = trained(Sequential([Dense(8, activation="relu", input_shape=(4,)),
                              Dense(3, activation="softmax")], seed=0),
                  X, rng.integers(0, 3, 40), "categorical_crossentropy")
    newer = trained(Sequential([Dense(6, activation="gelu", input_shape=(4,)),
                                Dense(6, activation="leaky_relu"),  # slope 0.01: a layer in Keras
                                Dense(5), Activation("silu"), Dense(5, activation="elu"),
                                Dense(3, activation="selu"), Dense(2), Softmax()], seed=1),
                    X, rng.integers(0, 2, 40), "categorical_crossentropy")
    images = rng.normal(size=(12, 9, 9, 2))
    conv = trained(Sequential([Conv2D(4, 3, padding="same", activation="relu",
                                      input_shape=(9, 9, 2)),
                               MaxPool2D(2), Conv2D(3, (2, 2), strides=2, activation="tanh"),
                               Flatten(), Dropout(0.25), Dense(1, activation="sigmoid")], seed=2),
                   images, rng.integers(0, 2, 12).astype(float), "binary_crossentropy")
    return [("mlp", mlp, X), ("newer-activations", newer, X), ("conv2d", conv, images)]


@pytest.mark.parametrize("index", [0, 1, 2], ids=["mlp", "newer-activations", "conv2d"])
def test_real_keras_loads_our_file_with_the_same_predictions(index, tmp_path):
    keras = keras_module()
    name, model, X = three_models()[index]
    path = model.save(tmp_path / f"{name}.keras")
    assert path.suffix == ".keras"
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["config.json", "metadata.json",
                                              "model.weights.h5"]
        assert json.loads(archive.read("config.json"))["class_name"] == "Sequential"
    theirs = keras.models.load_model(path)
    got = np.asarray(theirs.predict(X.astype("float32"), verbose=0))
    assert np.abs(got - model.predict(X)).max() <= TOLERANCE
    assert theirs.count_params() == model.count_params()


@pytest.mark.parametrize("index", [0, 1, 2], ids=["mlp", "newer-activations", "conv2d"])
def test_onnxruntime_runs_our_export_with_the_same_predictions(index, tmp_path):
    ort = pytest.importorskip("onnxruntime")
    name, model, X = three_models()[index]
    path = model.export(tmp_path / f"{name}.onnx")
    session = ort.InferenceSession(str(path))
    got = session.run(None, {"input": X.astype("float32")})[0]
    assert got.shape == (len(X), model.output_shapes()[-1][-1])
    assert np.abs(got - model.predict(X)).max() <= TOLERANCE
    assert path.read_bytes() == model_to_onnx(model)  # the file is exactly those bytes


def test_we_read_a_sequential_and_a_functional_model_written_by_keras(tmp_path):
    keras = keras_module()
    layers = keras.layers
    rng = np.random.default_rng(3)
    X = rng.normal(size=(16, 8, 8, 1)).astype("float32")
    sequential = keras.Sequential([
        keras.Input(shape=(8, 8, 1)), layers.Conv2D(3, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(5, activation="tanh"),
        layers.Dropout(0.1), layers.Dense(3), layers.Softmax()])
    sequential.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    sequential.fit(X, keras.utils.to_categorical(rng.integers(0, 3, 16), 3), epochs=2,
                   verbose=0)
    sequential.save(tmp_path / "seq.keras")
    ours = load_model(tmp_path / "seq.keras")
    expected = np.asarray(sequential.predict(X, verbose=0))
    assert np.abs(ours.predict(X) - expected).max() <= TOLERANCE
    assert ours.optimizer is not None and ours.optimizer.name == "adam"
    assert ours.loss is not None and ours.loss.name == "categorical_crossentropy"

    inputs = keras.Input(shape=(4,))
    x = layers.Dense(6, activation="relu")(inputs)
    x = layers.Activation("sigmoid")(x)
    x = layers.Dense(4, activation="gelu")(x)
    outputs = layers.Dense(2, activation="leaky_relu")(x)
    functional = keras.Model(inputs, outputs)
    functional.save(tmp_path / "functional.keras")
    flat = rng.normal(size=(10, 4)).astype("float32")
    ours = load_keras(tmp_path / "functional.keras")
    assert np.abs(ours.predict(flat) - np.asarray(functional.predict(flat, verbose=0))).max() \
        <= TOLERANCE


def test_weights_files_both_ways(tmp_path):
    keras = keras_module()
    _, model, X = three_models()[0]
    model.save_weights(tmp_path / "ours.weights.h5")
    theirs = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"),
                               keras.layers.Dense(3, activation="softmax")])
    theirs.load_weights(tmp_path / "ours.weights.h5")
    assert np.abs(np.asarray(theirs.predict(X, verbose=0)) - model.predict(X)).max() <= TOLERANCE
    theirs.set_weights([w * 0.5 for w in theirs.get_weights()])
    theirs.save_weights(tmp_path / "theirs.weights.h5")
    model.load_weights(tmp_path / "theirs.weights.h5")
    assert np.abs(np.asarray(theirs.predict(X, verbose=0)) - model.predict(X)).max() <= TOLERANCE


def test_keras_reads_our_json_config():
    keras = keras_module()
    _, model, _ = three_models()[2]
    theirs = keras.models.model_from_json(model.to_json())
    assert [type(layer).__name__ for layer in theirs.layers] == [
        "Conv2D", "MaxPooling2D", "Conv2D", "Flatten", "Dropout", "Dense"]
    assert theirs.count_params() == model.count_params()


def test_h5_groups_are_named_as_keras_names_them():
    assert [snake_case(n) for n in ("Dense", "Conv2D", "MaxPooling2D", "LeakyReLU")] == [
        "dense", "conv2d", "max_pooling2d", "leaky_re_lu"]


def test_what_cannot_be_written_or_read_says_why(tmp_path):
    model = Sequential([Dense(2, activation="step", input_shape=(2,))], seed=0)
    with pytest.raises(KerasFileError, match=r"'step'.*no layer or function"):
        save_keras(model, tmp_path / "m.keras")
    (tmp_path / "not.keras").write_bytes(b"not a zip")
    with pytest.raises(KerasFileError, match=r"not a readable \.keras file"):
        load_model(tmp_path / "not.keras")
    with zipfile.ZipFile(tmp_path / "empty.keras", "w") as archive:
        archive.writestr("config.json", "{}")
    with pytest.raises(KerasFileError, match=r"no model\.weights\.h5"):
        load_model(tmp_path / "empty.keras")


def test_without_h5py_the_error_names_the_install_command(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_h5py(name, *args, **kwargs):
        if name == "h5py":
            raise ImportError("No module named 'h5py'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_h5py)
    model = Sequential([Dense(1, input_shape=(2,))], seed=0)
    with pytest.raises(KerasFileError, match=r'pip install "neuronlab\[keras\]"'):
        model.save(tmp_path / "m.keras")
    assert model.save(tmp_path / "m.npz").exists()  # neuronlab's own format needs nothing


def test_onnx_export_refuses_other_formats_and_writes_the_path(tmp_path):
    model = Sequential([Dense(1, input_shape=(2,))], seed=0)
    assert save_onnx(model, tmp_path / "m").name == "m.onnx"
    from neuronlab.errors import ConfigError

    with pytest.raises(ConfigError, match="ONNX"):
        model.export(tmp_path / "m", format="tf_saved_model")


def test_a_dense_layer_without_bias_and_with_an_l2_penalty_trains_as_in_keras(tmp_path):
    """use_bias=False and kernel_regularizer=L2 give Keras's weights after SGD steps."""
    keras = keras_module()
    import neuronlab

    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(32, 4)), rng.normal(size=(32, 2))
    ours = neuronlab.Sequential([
        neuronlab.Input(shape=(4,)),
        Dense(3, activation="tanh", use_bias=False,
              kernel_regularizer=neuronlab.regularizers.L2(0.05)),
        Dense(2)], seed=0, dtype="float64")
    ours.compile(optimizer=neuronlab.SGD(learning_rate=0.1), loss="mse")
    path = ours.save(tmp_path / "nobias.keras")
    theirs = keras.models.load_model(path)
    assert len(theirs.layers[0].weights) == 1
    assert theirs.layers[0].kernel_regularizer.get_config() == {"l2": 0.05}
    theirs.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    ours.fit(X, y, epochs=3, batch_size=32, shuffle=False, verbose=0)
    theirs.fit(X.astype("float32"), y.astype("float32"), epochs=3, batch_size=32,
               shuffle=False, verbose=0)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, np.asarray(b), atol=1e-5)
    again = load_model(path)
    assert again.layers[0].use_bias is False and again.layers[0].l2 == 0.05


@KERAS_WARNINGS
def test_compile_settings_survive_the_trip_both_ways(tmp_path):
    # integer labels: a file compiled with the sparse loss trains on them again in Keras;
    # a Keras file compiled with a loss object and a session's second Adam (adam_1) loads
    # compiled here
    keras = keras_module()
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(30, 4)).astype("float32"), rng.integers(0, 3, 30)
    ours = Sequential([Dense(3, activation="softmax", input_shape=(4,))], seed=0)
    ours.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    ours.fit(X, y, epochs=1, verbose=0)
    theirs = keras.models.load_model(ours.save(tmp_path / "ours.keras"))
    assert theirs.loss == "sparse_categorical_crossentropy"
    theirs.fit(X, y, epochs=1, verbose=0)
    for _ in range(2):
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
        model.compile(optimizer=keras.optimizers.Adam(),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    assert model.optimizer.name.startswith("adam_")  # numbered by the session
    model.save(tmp_path / "theirs.keras")
    loaded = load_model(tmp_path / "theirs.keras")
    assert loaded.optimizer is not None and loaded.optimizer.name == "adam"
    assert loaded.loss is not None and loaded.loss.from_logits
    loaded.fit(X, y, epochs=1, verbose=0)
