"""Tests for neuronlab.io: one .npz per model, no pickle, atomic writes, clear errors."""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest

from neuronlab import (
    SGD,
    Adam,
    Dense,
    Dropout,
    ModelFileError,
    NotFittedError,
    RMSprop,
    Sequential,
    activations,
)
from neuronlab import io as nio
from neuronlab.io import load_model, model_from_bytes, model_to_bytes, save_model

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def data(n: int = 60, features: int = 4, classes: int = 3, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, features))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5).astype(int)
    return X, np.minimum(y, classes - 1)


def classifier(optimizer=None, dtype: str = "float32", seed: int = 0) -> Sequential:
    model = Sequential(
        [
            Dense(8, activation="relu", input_shape=(4,), l2=1e-3),
            Dropout(0.25),
            Dense(6, activation=activations.LeakyReLU(0.2), kernel_initializer="he_normal"),
            Dense(3, activation="softmax"),
        ],
        seed=seed,
        dtype=dtype,
        name="three_classes",
    )
    model.compile(optimizer or Adam(learning_rate=0.01), "categorical_crossentropy",
                  ["accuracy"])
    return model


def trained(optimizer=None, dtype: str = "float32") -> tuple[Sequential, np.ndarray]:
    X, y = data()
    model = classifier(optimizer, dtype)
    model.fit(X, y, epochs=3, batch_size=16, verbose=0, seed=1)
    return model, X


def read_npz(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> Path:
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)
    return path


def header_of(arrays: dict[str, np.ndarray]) -> dict:
    return json.loads(str(arrays["config.json"]))


def with_header(arrays: dict[str, np.ndarray], header: dict) -> dict[str, np.ndarray]:
    return {**arrays, "config.json": np.array(json.dumps(header))}


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, Sequential, np.ndarray]:
    model, X = trained()
    return save_model(model, tmp_path / "model.npz"), model, X


# ---------------------------------------------------------------------------
# round trips
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(
    "make_optimizer",
    [lambda: SGD(0.1), lambda: SGD(0.1, momentum=0.9), lambda: SGD(0.1, momentum=0.9,
     nesterov=True), lambda: RMSprop(0.01), lambda: Adam(0.01)],
    ids=["sgd", "momentum", "nesterov", "rmsprop", "adam"],
)
def test_round_trip_gives_bit_identical_predictions(tmp_path, dtype, make_optimizer):
    model, X = trained(make_optimizer(), dtype)
    loaded = load_model(save_model(model, tmp_path / "m.npz"))
    assert loaded.dtype == model.dtype
    assert loaded.predict(X).dtype == model.predict(X).dtype
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    assert loaded.get_config() == model.get_config()
    assert loaded.evaluate(X, data()[1], return_dict=True) == model.evaluate(
        X, data()[1], return_dict=True)


def test_optimizer_state_and_step_count_are_restored(saved):
    path, model, _ = saved
    loaded = load_model(path)
    assert type(loaded.optimizer) is Adam
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert loaded.optimizer.iterations == model.optimizer.iterations == 12
    assert len(loaded.optimizer.state) == len(model.optimizer.state) == 6
    for mine, theirs in zip(loaded.optimizer.state, model.optimizer.state):
        assert mine.keys() == theirs.keys() == {"m", "v"}
        for key in mine:
            np.testing.assert_array_equal(mine[key], theirs[key])
            assert mine[key] is not theirs[key] and mine[key].flags.writeable
    assert loaded.loss.name == "categorical_crossentropy" and loaded.metrics == ["accuracy"]


@pytest.mark.parametrize(
    "make_optimizer",
    [lambda: SGD(0.05, momentum=0.9), lambda: SGD(0.05, momentum=0.9, nesterov=True),
     lambda: RMSprop(0.005), lambda: Adam(0.01)],
    ids=["momentum", "nesterov", "rmsprop", "adam"],
)
def test_training_continues_from_a_saved_file_exactly_as_without_saving(tmp_path,
                                                                         make_optimizer):
    X, y = data()
    uninterrupted = classifier(make_optimizer(), "float64")
    uninterrupted.fit(X, y, epochs=4, batch_size=16, verbose=0, seed=1)
    path = save_model(uninterrupted, tmp_path / "halfway")
    uninterrupted.fit(X, y, epochs=4, batch_size=16, verbose=0, seed=2)

    resumed = load_model(path)
    resumed.fit(X, y, epochs=4, batch_size=16, verbose=0, seed=2)
    for a, b in zip(resumed.get_weights(), uninterrupted.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert resumed.optimizer.iterations == uninterrupted.optimizer.iterations == 32

    # ... and the saved state mattered: a fresh optimizer takes other steps.
    fresh = load_model(path)
    fresh.compile(make_optimizer(), "categorical_crossentropy", ["accuracy"])
    fresh.fit(X, y, epochs=4, batch_size=16, verbose=0, seed=2)
    assert not np.array_equal(fresh.get_weights()[0], uninterrupted.get_weights()[0])


def test_bytes_round_trip_matches_the_file_round_trip(saved):
    path, model, X = saved
    data_bytes = model_to_bytes(model)
    assert isinstance(data_bytes, bytes) and zipfile.is_zipfile(io.BytesIO(data_bytes))
    from_bytes = model_from_bytes(data_bytes)
    np.testing.assert_array_equal(from_bytes.predict(X), load_model(path).predict(X))
    np.testing.assert_array_equal(from_bytes.predict(X), model.predict(X))


def test_model_given_weights_but_never_compiled_round_trips(tmp_path):
    model = Sequential([Dense(2, activation="tanh"), Dense(1)], dtype="float64")
    model.set_weights([[[0.5, -1.0], [2.0, 0.25]], [0.1, -0.2], [[1.5, -0.5]], [0.3]])
    loaded = load_model(save_model(model, tmp_path / "plain.npz"))
    assert loaded.optimizer is None and loaded.loss is None
    X = np.array([[1.0, 2.0], [-3.0, 0.5]])
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_model_with_a_known_input_size_is_built_on_save(tmp_path):
    model = Sequential([Dense(3, input_shape=(2,))], seed=4)
    model.compile("sgd", "mse")
    loaded = load_model(save_model(model, tmp_path / "fresh"))
    X = np.ones((1, 2))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.optimizer.state == [] and loaded.optimizer.iterations == 0


def test_model_without_weights_cannot_be_saved(tmp_path):
    with pytest.raises(NotFittedError, match="weights"):
        save_model(Sequential([Dense(3)]), tmp_path / "empty.npz")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------
# the file: one plain .npz, no pickle, readable by NumPy alone
# ---------------------------------------------------------------------------


def test_file_is_a_plain_npz_with_a_json_entry(saved):
    path, model, _ = saved
    arrays = read_npz(path)  # allow_pickle=False: nothing in it needs pickle
    entry = arrays["config.json"]
    assert entry.dtype.kind == "U" and entry.ndim == 0
    header = json.loads(str(entry))
    assert header["format"] == "neuronlab-model"
    assert header["format_version"] == nio.FORMAT_VERSION == 1
    assert header["model"] == model.get_config()
    assert header["optimizer"]["iterations"] == 12
    assert len(header["sha256"]) == 64
    assert header["weights"] == ["layers.0.W", "layers.0.b", "layers.2.W", "layers.2.b",
                                 "layers.3.W", "layers.3.b"]
    np.testing.assert_array_equal(arrays["layers.0.W"], model.layers[0].W)
    np.testing.assert_array_equal(arrays["optimizer.0.m"], model.optimizer.state[0]["m"])
    assert all(a.dtype != object for a in arrays.values())


def test_save_adds_npz_and_returns_the_path(tmp_path):
    model, _ = trained()
    path = save_model(model, str(tmp_path / "digits_model"))
    assert path == tmp_path / "digits_model.npz" and path.is_file()
    assert save_model(model, tmp_path / "other.npz") == tmp_path / "other.npz"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digits_model.npz", "other.npz"]


def test_load_accepts_the_name_without_npz(saved):
    path, model, X = saved
    np.testing.assert_array_equal(load_model(path.with_suffix("")).predict(X), model.predict(X))


def test_save_overwrites_an_existing_file_and_leaves_no_temporary(tmp_path):
    first, X = trained(SGD(0.1))
    second, _ = trained(Adam(0.05))
    path = save_model(first, tmp_path / "m.npz")
    save_model(second, path)
    np.testing.assert_array_equal(load_model(path).predict(X), second.predict(X))
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]


# ---------------------------------------------------------------------------
# atomic writes: nothing half-written on disk
# ---------------------------------------------------------------------------


def test_save_into_a_missing_directory_is_a_clear_error(tmp_path):
    model, _ = trained()
    with pytest.raises(ModelFileError, match=r"directory .*nowhere.* does not exist"):
        save_model(model, tmp_path / "nowhere" / "model.npz")
    assert list(tmp_path.iterdir()) == []


def test_save_onto_a_directory_is_a_clear_error(tmp_path):
    model, _ = trained()
    (tmp_path / "box.npz").mkdir()
    with pytest.raises(ModelFileError, match="is a directory"):
        save_model(model, tmp_path / "box.npz")


@pytest.mark.parametrize("failing", ["mkstemp", "fsync", "replace"])
def test_failed_write_keeps_the_old_file_and_removes_the_temporary(tmp_path, monkeypatch,
                                                                  failing):
    old, X = trained(SGD(0.1))
    path = save_model(old, tmp_path / "m.npz")
    before = path.read_bytes()
    new, _ = trained(Adam(0.05))

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile if failing == "mkstemp" else os, failing, broken)
    with pytest.raises(ModelFileError, match=r"No space left on device.*Nothing was written"):
        save_model(new, path)
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]
    assert path.read_bytes() == before
    np.testing.assert_array_equal(load_model(path).predict(X), old.predict(X))


def test_interrupted_write_removes_the_temporary_and_reraises(tmp_path, monkeypatch):
    model, _ = trained()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_model(model, tmp_path / "m.npz")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------
# corrupt files: each a ModelFileError with a clear message
# ---------------------------------------------------------------------------


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ModelFileError, match=r"Cannot read the model file .*absent\.npz"):
        load_model(tmp_path / "absent.npz")


@pytest.mark.parametrize("keep", [0.0, 0.1, 0.5, 0.9, 0.99])
def test_truncated_file_is_a_clear_error(saved, keep):
    path, _, _ = saved
    raw = path.read_bytes()
    path.write_bytes(raw[: int(len(raw) * keep)])
    with pytest.raises(ModelFileError, match="truncated"):
        load_model(path)


def member_data_ranges(raw: bytes) -> dict[str, range]:
    """Where each archive member's (compressed) bytes lie in the file."""
    ranges = {}
    for info in zipfile.ZipFile(io.BytesIO(raw)).infolist():
        local = info.header_offset
        name_length = int.from_bytes(raw[local + 26:local + 28], "little")
        extra_length = int.from_bytes(raw[local + 28:local + 30], "little")
        start = local + 30 + name_length + extra_length
        ranges[info.filename.removesuffix(".npy")] = range(start, start + info.compress_size)
    return ranges


def test_a_flipped_bit_in_any_stored_array_is_caught(saved):
    path, model, X = saved
    raw = path.read_bytes()
    ranges = member_data_ranges(raw)
    assert "config.json" in ranges and "optimizer.5.v" in ranges
    for name, where in ranges.items():
        for position in range(where.start, where.stop, max(1, len(where) // 16)):
            damaged = bytearray(raw)
            damaged[position] ^= 0x10
            path.write_bytes(bytes(damaged))
            try:
                loaded = load_model(path)
            except ModelFileError:
                continue
            # Only a bit that changes nothing may pass (the deflate stream's last byte can
            # hold unused padding bits): the model read back must then be the same.
            assert position >= where.stop - 2, (name, position - where.start)
            np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


@pytest.mark.parametrize(
    "content",
    [b"", b"definitely not a model", b"PK\x03\x04 broken zip"],
    ids=["empty", "text", "broken-zip"],
)
def test_files_that_are_not_archives_are_clear_errors(tmp_path, content):
    path = tmp_path / "junk.npz"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match="not a readable neuronlab model file"):
        load_model(path)


def test_single_npy_array_is_not_a_model(tmp_path):
    path = tmp_path / "array.npz"
    with open(path, "wb") as handle:
        np.save(handle, np.arange(3))
    with pytest.raises(ModelFileError, match="single NumPy array"):
        load_model(path)


def test_npz_from_elsewhere_without_config_is_a_clear_error(tmp_path):
    path = write_npz(tmp_path / "other.npz", {"W": np.ones((2, 2))})
    with pytest.raises(ModelFileError, match=r"no config.json"):
        load_model(path)


def test_pickled_entries_are_never_unpickled(tmp_path, saved):
    path, _, _ = saved
    arrays = read_npz(path)
    arrays["config.json"] = np.array([{"format": "neuronlab-model"}], dtype=object)
    write_npz(path, arrays)  # np.savez pickles the object array
    with pytest.raises(ModelFileError, match="pickle"):
        load_model(path)


def test_weight_of_the_wrong_shape_is_caught(saved):
    path, _, _ = saved
    arrays = read_npz(path)
    arrays["layers.0.W"] = arrays["layers.0.W"][:, :3]
    write_npz(path, arrays)
    with pytest.raises(ModelFileError,
                       match=r"'layers.0.W' has shape \(8, 3\).*says shape \(8, 4\)"):
        load_model(path)


def test_changed_weight_values_fail_the_checksum(saved):
    path, _, _ = saved
    arrays = read_npz(path)
    arrays["layers.2.b"] = arrays["layers.2.b"] + 1e-6
    write_npz(path, arrays)
    with pytest.raises(ModelFileError, match="SHA-256"):
        load_model(path)


def test_changed_optimizer_state_fails_the_checksum(saved):
    path, _, _ = saved
    arrays = read_npz(path)
    arrays["optimizer.1.v"] = arrays["optimizer.1.v"] * 2
    write_npz(path, arrays)
    with pytest.raises(ModelFileError, match="SHA-256"):
        load_model(path)


def test_missing_and_extra_arrays_are_caught(saved):
    path, _, _ = saved
    arrays = read_npz(path)
    del arrays["layers.3.b"]
    arrays["smuggled"] = np.zeros(2)
    write_npz(path, arrays)
    with pytest.raises(ModelFileError,
                       match=r"missing: \['layers.3.b'\].*unexpected: \['smuggled'\]"):
        load_model(path)


def test_json_edited_to_an_unknown_layer_is_caught(saved):
    path, _, _ = saved
    arrays = read_npz(path)
    header = header_of(arrays)
    header["model"]["layers"][1]["class_name"] = "Conv2D"
    write_npz(path, with_header(arrays, header))
    with pytest.raises(ModelFileError, match=r"does not describe a valid model.*Unknown layer"):
        load_model(path)


def test_json_edited_to_another_architecture_is_caught_even_with_a_fixed_checksum(saved):
    path, _, _ = saved
    arrays = read_npz(path)
    header = header_of(arrays)
    header["model"]["layers"][0]["units"] = 5
    header["sha256"] = nio._checksum({k: v for k, v in arrays.items() if k != "config.json"})
    write_npz(path, with_header(arrays, header))
    with pytest.raises(ModelFileError, match=r"does not describe a valid model.*Dense\(5\) "
                                             r"expects W of shape \(5, n_inputs\)"):
        load_model(path)


def test_json_that_is_not_json_is_caught(saved):
    path, _, _ = saved
    arrays = read_npz(path)
    arrays["config.json"] = np.array("{ not json")
    write_npz(path, arrays)
    with pytest.raises(ModelFileError, match=r"config.json is not valid JSON"):
        load_model(path)


@pytest.mark.parametrize("version", [0, 2, 99, None, "1"])
def test_wrong_format_version_is_a_clear_error(saved, version):
    path, _, _ = saved
    arrays = read_npz(path)
    header = header_of(arrays)
    header["format_version"] = version
    write_npz(path, with_header(arrays, header))
    with pytest.raises(ModelFileError, match=rf"format version {version!r}.*reads version 1"):
        load_model(path)


def test_wrong_format_name_is_a_clear_error(saved):
    path, _, _ = saved
    arrays = read_npz(path)
    header = header_of(arrays)
    header["format"] = "keras"
    write_npz(path, with_header(arrays, header))
    with pytest.raises(ModelFileError, match="not a neuronlab model file"):
        load_model(path)


def test_bytes_errors_name_the_data_not_a_path():
    with pytest.raises(ModelFileError, match=r"^The model data is not a readable"):
        model_from_bytes(b"garbage")


@pytest.mark.parametrize(
    "edit",
    [
        lambda h: h.update(arrays=["not", "a", "table"]),
        lambda h: h["arrays"].update({"layers.0.W": "shape?"}),
        lambda h: h.update(weights=["layers.0.W"]),
        lambda h: h.update(weights=["layers.0.W", "nowhere"]),
        lambda h: h.update(n_inputs="four"),
        lambda h: h["optimizer"].update(state=[["m"]]),
        lambda h: h["optimizer"].update(iterations="many"),
        lambda h: h["model"].update(layers="Dense"),
        lambda h: h["model"]["compile"].update(optimizer={"name": "adam", "lr": 1}),
    ],
    ids=["arrays-list", "array-entry", "too-few-weights", "unknown-weight", "n_inputs",
         "state-count", "iterations", "layers", "optimizer-argument"],
)
def test_malformed_json_entries_are_model_file_errors(saved, edit):
    path, _, _ = saved
    arrays = read_npz(path)
    header = header_of(arrays)
    edit(header)
    write_npz(path, with_header(arrays, header))
    with pytest.raises(ModelFileError):
        load_model(path)
