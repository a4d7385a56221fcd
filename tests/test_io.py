"""Tests for neuronlab.io: one .npz per model, no pickle, atomic writes, clear errors."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import struct
import tempfile
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest

import neuronlab
from neuronlab import (
    SGD,
    Adam,
    ConfigError,
    Dense,
    Dropout,
    ModelFileError,
    NeuronlabError,
    NotFittedError,
    RMSprop,
    Sequential,
    activations,
    model_file,
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
    for a, b in zip(loaded.get_neuron_weights(), model.get_neuron_weights()):
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
    for a, b in zip(resumed.get_neuron_weights(), uninterrupted.get_neuron_weights()):
        np.testing.assert_array_equal(a, b)
    assert resumed.optimizer.iterations == uninterrupted.optimizer.iterations == 32

    # ... and the saved state mattered: a fresh optimizer takes other steps.
    fresh = load_model(path)
    fresh.compile(make_optimizer(), "categorical_crossentropy", ["accuracy"])
    fresh.fit(X, y, epochs=4, batch_size=16, verbose=0, seed=2)
    assert not np.array_equal(fresh.get_neuron_weights()[0], uninterrupted.get_neuron_weights()[0])


def test_bytes_round_trip_matches_the_file_round_trip(saved):
    path, model, X = saved
    data_bytes = model_to_bytes(model)
    assert isinstance(data_bytes, bytes) and zipfile.is_zipfile(io.BytesIO(data_bytes))
    from_bytes = model_from_bytes(data_bytes)
    np.testing.assert_array_equal(from_bytes.predict(X), load_model(path).predict(X))
    np.testing.assert_array_equal(from_bytes.predict(X), model.predict(X))


def test_model_given_weights_but_never_compiled_round_trips(tmp_path):
    model = Sequential([Dense(2, activation="tanh"), Dense(1)], dtype="float64")
    model.set_neuron_weights([[[0.5, -1.0], [2.0, 0.25]], [0.1, -0.2], [[1.5, -0.5]], [0.3]])
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
    assert header["format_version"] == nio.FORMAT_VERSION == 2
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
    header["model"]["layers"][1]["class_name"] = "Conv3D"
    write_npz(path, with_header(arrays, header))
    with pytest.raises(ModelFileError, match=r"does not describe a valid model.*Unknown layer"):
        load_model(path)


def test_json_edited_to_another_architecture_is_caught_even_with_a_fixed_checksum(saved):
    path, _, _ = saved
    arrays = read_npz(path)
    header = header_of(arrays)
    header["model"]["layers"][0]["units"] = 5
    header["sha256"] = model_file.checksum(header, {k: v for k, v in arrays.items()
                                              if k != "config.json"})
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


@pytest.mark.parametrize("version", [0, 3, 99, None, "2", 2.0, True])
def test_wrong_format_version_is_a_clear_error(saved, version):
    path, _, _ = saved
    arrays = read_npz(path)
    header = header_of(arrays)
    header["format_version"] = version
    write_npz(path, with_header(arrays, header))
    with pytest.raises(ModelFileError,
                       match=rf"format version {version!r}.*reads versions 1 and 2"):
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


# ---------------------------------------------------------------------------
# the checksum covers the whole file: config.json as well as the arrays
# ---------------------------------------------------------------------------


def square_model() -> tuple[Sequential, np.ndarray]:
    """Three Dense layers whose weights all have the same shape (4, 4)."""
    model = Sequential([Dense(4, activation="relu", input_shape=(4,)), Dense(4, activation="tanh"),
                        Dense(4)], seed=3, dtype="float64")
    model.compile(SGD(0.1, momentum=0.9), "mse")
    X, _ = data()
    model.fit(X, X[:, ::-1], epochs=2, batch_size=16, verbose=0, seed=0)
    return model, X


def swap(items: list, i: int, j: int) -> None:
    items[i], items[j] = items[j], items[i]


CONFIG_EDITS = {
    "relu-to-sigmoid": lambda h: h["model"]["layers"][0]["activation"].update(name="sigmoid"),
    "leaky-slope": lambda h: h["model"]["layers"][2]["activation"].update(alpha=0.3),
    "learning-rate-1000": lambda h: h["model"]["compile"]["optimizer"].update(learning_rate=1000),
    "adam-beta": lambda h: h["model"]["compile"]["optimizer"].update(beta_1=0.5),
    "dropout-rate": lambda h: h["model"]["layers"][1].update(rate=0.75),
    "l2": lambda h: h["model"]["layers"][0].update(l2=0.0),
    "loss": lambda h: h["model"]["compile"]["loss"].update(name="mse"),
    "metrics": lambda h: h["model"]["compile"].update(metrics=[]),
    "step-count": lambda h: h["optimizer"].update(iterations=13),
    "state-names": lambda h: h["optimizer"]["state"][0].reverse(),
    "name": lambda h: h["model"].update(name="someone_else"),
    "seed": lambda h: h["model"].update(seed=7),
    "version-1": lambda h: h.update(format_version=1),
    "one-float-digit": lambda h: h["model"]["layers"][0].update(l2=0.0010000000000000002),
}


@pytest.mark.parametrize("edit", CONFIG_EDITS.values(), ids=CONFIG_EDITS.keys())
def test_an_edited_config_is_refused_as_damaged(saved, edit):
    path, _, _ = saved
    arrays = read_npz(path)
    header = header_of(arrays)
    edit(header)
    write_npz(path, with_header(arrays, header))
    with pytest.raises(ModelFileError, match=r"is damaged: its contents do not match the "
                                             r"SHA-256 checksum.*Use an intact copy"):
        load_model(path)


@pytest.mark.parametrize("pair", [(0, 2), (2, 4), (1, 3)], ids=["W0-W1", "W1-W2", "b0-b1"])
def test_same_shaped_weights_swapped_in_the_config_are_refused(tmp_path, pair):
    model, _ = square_model()
    path = save_model(model, tmp_path / "square.npz")
    arrays = read_npz(path)
    header = header_of(arrays)
    swap(header["weights"], *pair)
    write_npz(path, with_header(arrays, header))
    with pytest.raises(ModelFileError, match=r"damaged.*SHA-256"):
        load_model(path)


def test_same_shaped_arrays_swapped_in_the_archive_are_refused(tmp_path):
    model, _ = square_model()
    path = save_model(model, tmp_path / "square.npz")
    arrays = read_npz(path)
    arrays["layers.0.W"], arrays["layers.1.W"] = arrays["layers.1.W"], arrays["layers.0.W"]
    write_npz(path, arrays)
    with pytest.raises(ModelFileError, match=r"damaged.*SHA-256"):
        load_model(path)


def test_an_unedited_rewrite_of_the_same_config_still_loads(saved):
    """The checksum covers what the JSON says, not its spacing."""
    path, model, X = saved
    arrays = read_npz(path)
    write_npz(path, with_header(arrays, header_of(arrays)))  # other indentation
    np.testing.assert_array_equal(load_model(path).predict(X), model.predict(X))


def version_1_checksum(arrays: dict[str, np.ndarray]) -> str:
    """How format 1 computed its checksum: over the arrays only."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}\0{array.dtype.str}\0{array.shape}\0".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def test_files_of_format_version_1_still_load_with_a_warning(saved):
    path, model, X = saved
    arrays = read_npz(path)
    header = header_of(arrays)
    header["format_version"] = 1
    header["sha256"] = version_1_checksum({k: v for k, v in arrays.items() if k != "config.json"})
    write_npz(path, with_header(arrays, header))
    with pytest.warns(UserWarning, match=r"format version 1.*Save the model again"):
        loaded = load_model(path)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.optimizer.iterations == model.optimizer.iterations
    resaved = load_model(save_model(loaded, path))  # no warning: version 2 now
    assert header_of(read_npz(path))["format_version"] == 2
    np.testing.assert_array_equal(resaved.predict(X), model.predict(X))


def test_a_version_1_file_with_changed_weights_is_still_refused(saved):
    path, _, _ = saved
    arrays = read_npz(path)
    header = header_of(arrays)
    header["format_version"] = 1
    header["sha256"] = version_1_checksum({k: v for k, v in arrays.items() if k != "config.json"})
    arrays["layers.0.b"] = arrays["layers.0.b"] + 1
    write_npz(path, with_header(arrays, header))
    with pytest.raises(ModelFileError, match="SHA-256"):
        load_model(path)


# ---------------------------------------------------------------------------
# sizes are checked before anything is unpacked or allocated
# ---------------------------------------------------------------------------

MEMORY_LIMIT = 50 * 2**20  # far above what refusing a file needs, far below what the bombs ask


def refused_with_peak(path: Path) -> tuple[ModelFileError, int]:
    """The ModelFileError that loading ``path`` raises, and the peak memory it took."""
    already = tracemalloc.is_tracing()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    try:
        with pytest.raises(ModelFileError) as caught:
            load_model(path)
        return caught.value, tracemalloc.get_traced_memory()[1] - base
    finally:
        if not already:
            tracemalloc.stop()


def deflated(content: bytes) -> tuple[bytes, int, int]:
    """An archive member: raw deflate bytes, CRC-32 and size of ``content``."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(content) + packer.flush(), zlib.crc32(content), len(content)


def zero_bomb(prefix: bytes, mebibytes: int) -> tuple[bytes, int, int]:
    """A member holding ``prefix`` then ``mebibytes`` MiB of zeros, about 1 kB per MiB packed.

    After a full flush deflate forgets what came before, so one packed MiB of zeros can be
    repeated: building a 1 GiB bomb takes no more memory or time than building 1 MiB.
    """
    zero = bytes(2**20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = packer.compress(prefix) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(zero) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(prefix)
    for _ in range(mebibytes):
        crc = zlib.crc32(zero, crc)
    return head + block * mebibytes + packer.flush(), crc, len(prefix) + mebibytes * 2**20


def write_zip(path: Path, members: dict | list) -> Path:
    """A zip archive of already deflated members (name -> (packed, crc, size)), written
    field by field (a list of pairs may repeat a name)."""
    entries = list(members.items() if isinstance(members, dict) else members)
    body, directory = bytearray(), bytearray()
    for name, (packed, crc, size) in entries:
        encoded, offset = name.encode(), len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(packed),
                            size, len(encoded), 0) + encoded + packed
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc,
                                 len(packed), size, len(encoded), 0, 0, 0, 0, 0,
                                 offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory),
                      len(body), 0)
    path.write_bytes(bytes(body + directory + end))
    return path


def npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=array.dtype == object)
    return buffer.getvalue()


def npy_header(shape: tuple[int, ...], dtype: str) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": dtype, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def members_of(path: Path) -> dict[str, tuple[bytes, int, int]]:
    return {f"{name}.npy": deflated(npy_bytes(array)) for name, array in read_npz(path).items()}


def test_a_config_asking_for_ten_million_units_allocates_nothing(saved):
    path, _, _ = saved
    arrays = read_npz(path)
    header = header_of(arrays)
    header["model"]["layers"][0]["units"] = 10_000_000  # today's file: 3.9 kB
    write_npz(path, with_header(arrays, header))
    error, peak = refused_with_peak(path)
    assert peak < MEMORY_LIMIT, f"{peak / 2**20:.0f} MiB"
    assert "is damaged: its contents do not match the SHA-256 checksum" in str(error)


def test_a_zip_bomb_in_a_weight_is_refused_from_the_zip_directory(saved):
    path, _, _ = saved
    members = members_of(path)
    shape = (8, 2**30 // 32)  # 1 GiB of float32 zeros, about 1 MiB packed
    members["layers.0.W.npy"] = zero_bomb(npy_header(shape, "<f4"), 1024)
    write_zip(path, members)
    assert path.stat().st_size < 1.1 * 2**20
    error, peak = refused_with_peak(path)
    assert peak < MEMORY_LIMIT, f"{peak / 2**20:.0f} MiB"
    assert re.search(r"'layers.0.W' unpacks to 1,073,741,952 bytes, but config.json says shape "
                     r"\(8, 4\).*nothing was unpacked", str(error))


def test_a_zip_bomb_in_an_unlisted_entry_is_never_unpacked(saved):
    path, _, _ = saved
    members = members_of(path)
    members["extra.npy"] = zero_bomb(npy_header((2**28,), "<f4"), 1024)
    write_zip(path, members)
    error, peak = refused_with_peak(path)
    assert peak < MEMORY_LIMIT and "unexpected: ['extra']" in str(error)


def test_a_bomb_matching_an_edited_config_is_checked_in_pieces(tmp_path):
    """Config, table of arrays and .npy headers all agree on 320 MiB of weights: the
    checksum, computed 1 MiB at a time, refuses the file before any array is allocated."""
    model = Sequential([Dense(1, input_shape=(4,))], seed=0)
    path = save_model(model, tmp_path / "m.npz")
    header = header_of(read_npz(path))
    units = 2**24
    header["model"]["layers"][0]["units"] = units
    header["arrays"] = {"layers.0.W": {"shape": [units, 4], "dtype": "<f4"},
                        "layers.0.b": {"shape": [units], "dtype": "<f4"}}
    write_zip(path, {
        "config.json.npy": deflated(npy_bytes(np.array(json.dumps(header)))),
        "layers.0.W.npy": zero_bomb(npy_header((units, 4), "<f4"), 256),
        "layers.0.b.npy": zero_bomb(npy_header((units,), "<f4"), 64),
    })
    error, peak = refused_with_peak(path)
    assert peak < MEMORY_LIMIT, f"{peak / 2**20:.0f} MiB"
    assert "SHA-256" in str(error)


def test_a_huge_config_is_refused_from_the_zip_directory(saved):
    path, _, _ = saved
    arrays = read_npz(path)
    header = header_of(arrays)
    header["model"]["name"] = "x" * (model_file.MAX_CONFIG_CHARS + 1)
    write_npz(path, with_header(arrays, header))
    error, peak = refused_with_peak(path)
    assert re.search(r"config.json entry unpacks to [\d,]+ bytes, but a model's configuration "
                     r"is at most 1,000,000 characters", str(error))
    assert peak < MEMORY_LIMIT


def test_a_config_nested_100000_deep_is_refused_before_parsing(saved):
    path, _, _ = saved
    arrays = read_npz(path)
    header = header_of(arrays)
    header["model"]["name"] = "NEST"
    text = json.dumps(header).replace('"NEST"', "[" * 100_000 + "]" * 100_000)
    arrays["config.json"] = np.array(text)
    write_npz(path, arrays)
    with pytest.raises(ModelFileError, match=r"config.json nests lists or objects more than 32 "
                                             r"deep.*nothing was parsed"):
        load_model(path)


@pytest.mark.parametrize("name", ["[" * 100, '\\"[{' * 50, "]" * 40 + "[" * 40])
def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path, name):
    model = Sequential([Dense(2, input_shape=(3,))], seed=0, name=name)
    loaded = load_model(save_model(model, tmp_path / "m.npz"))
    assert loaded.name == name


@pytest.mark.parametrize(
    "text, depth",
    [('{"a": [1, {"b": []}]}', 4), ('["[[[", "\\\\", [["\\"]]"]]]', 3), ("[]", 1), ('"{"', 0)],
)
def test_json_depth_counts_brackets_outside_strings(text, depth):
    json.loads(text)
    assert model_file.json_depth(text) == depth


# ---------------------------------------------------------------------------
# wrong arguments and things that are not model files: clear neuronlab errors
# ---------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_is_not_a_model_file():
    with pytest.raises(ModelFileError, match=r"'/dev/zero' is not a regular file \(a device, "
                                             r"pipe or socket\).*Give the path of the \.npz"):
        load_model("/dev/zero")


def test_a_directory_is_not_a_model_file(tmp_path):
    (tmp_path / "models.npz").mkdir()
    for path in (tmp_path, tmp_path / "models.npz", tmp_path / "models"):
        with pytest.raises(ModelFileError, match=r"is a directory, not a model file\. Give the "
                                                 r"path of the \.npz file"):
            load_model(path)


@pytest.mark.parametrize("function", [load_model, lambda p: save_model(trained()[0], p)],
                         ids=["load", "save"])
@pytest.mark.parametrize(
    "path, message",
    [(None, r"expects a file path \(a str or pathlib.Path such as 'model.npz'\), got NoneType"),
     (42, r"expects a file path .*got int 42"),
     ("model\0.npz", r"contains a NUL character .*Remove it from the path"),
     ("", r"got an empty path; give a file name such as 'model.npz'")],
    ids=["None", "int", "NUL", "empty"],
)
def test_a_path_that_is_not_a_path_is_a_config_error(function, path, message):
    with pytest.raises(ConfigError, match=message) as caught:
        function(path)
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, NeuronlabError)


@pytest.mark.parametrize(
    "thing, message",
    [({"layers": []}, r"got dict \{'layers': \[\]\}"),
     (np.ones(3), r"got ndarray"),
     (None, r"got NoneType None"),
     ("model.npz", r"got str 'model.npz' \(the arguments are save_model\(model, path\)\)")],
    ids=["dict", "array", "None", "swapped"],
)
def test_saving_something_that_is_not_a_model_is_a_config_error(tmp_path, thing, message):
    with pytest.raises(ConfigError, match=r"save_model expects a neuronlab Sequential model, "
                                          + message + r".*save_model\(model, 'model.npz'\)"):
        save_model(thing, tmp_path / "m.npz")
    assert list(tmp_path.iterdir()) == []


def test_bytes_that_are_not_bytes_are_a_config_error():
    with pytest.raises(ConfigError, match="expects the bytes of a model file, got str"):
        model_from_bytes("model.npz")


def test_an_entry_that_is_not_npy_or_appears_twice_is_refused(saved):
    path, _, _ = saved
    members = members_of(path)
    write_zip(path, {**members, "notes.txt": deflated(b"hello")})
    with pytest.raises(ModelFileError, match=r"'notes.txt' which is not a .npy array"):
        load_model(path)
    write_zip(path, [*members.items(), ("layers.0.b.npy", members["layers.0.b.npy"])])
    with pytest.raises(ModelFileError, match=r"'layers.0.b.npy' twice"):
        load_model(path)


# ---------------------------------------------------------------------------
# never NumPy's advice to load unsafely
# ---------------------------------------------------------------------------


def test_an_object_array_is_refused_without_advice_to_allow_pickle(saved):
    path, _, _ = saved
    arrays = read_npz(path)
    arrays["layers.0.W"] = np.array([{"weights": 1}, None], dtype=object)
    with open(path, "wb") as handle:
        np.savez(handle, allow_pickle=True, **arrays)
    with pytest.raises(ModelFileError, match=r"'layers.0.W' holds pickled Python objects. "
                                             r"neuronlab never unpickles") as caught:
        load_model(path)
    assert "allow_pickle" not in str(caught.value)


def test_the_pickled_config_is_refused_without_advice_to_allow_pickle(saved):
    path, _, _ = saved
    arrays = read_npz(path)
    arrays["config.json"] = np.array([{"format": "neuronlab-model"}], dtype=object)
    with open(path, "wb") as handle:
        np.savez(handle, allow_pickle=True, **arrays)
    with pytest.raises(ModelFileError, match="never unpickles") as caught:
        load_model(path)
    assert "allow_pickle" not in str(caught.value)


def test_a_huge_npy_header_is_refused_without_advice_to_allow_pickle(saved):
    path, _, _ = saved
    members = members_of(path)
    text = "{'descr': '<U5', 'fortran_order': False, 'shape': (), }" + " " * 20_000 + "\n"
    header = b"\x93NUMPY\x02\x00" + struct.pack("<I", len(text)) + text.encode()
    members["config.json.npy"] = deflated(header + "{...}".encode("utf-32-le"))
    write_zip(path, members)
    with pytest.raises(ModelFileError, match=r"'config.json' does not start with a readable "
                                             r"NumPy \(.npy\) header") as caught:
        load_model(path)
    assert "allow_pickle" not in str(caught.value)


# ---------------------------------------------------------------------------
# the Keras spelling: model.save(path) and neuronlab.load_model(path)
# ---------------------------------------------------------------------------


def test_model_save_and_neuronlab_load_model(tmp_path):
    model, X = trained()
    path = model.save(tmp_path / "keras_style")
    assert path == tmp_path / "keras_style.npz"
    loaded = neuronlab.load_model(str(path))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.optimizer.iterations == model.optimizer.iterations
    assert neuronlab.load_model is load_model and neuronlab.save_model is save_model
    with pytest.raises(NotFittedError, match="weights"):
        Sequential([Dense(2)]).save(tmp_path / "empty")
