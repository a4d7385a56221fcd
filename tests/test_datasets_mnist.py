"""The 10,000 real MNIST digits that ship with neuronlab, and ``load("mnist")``."""

from __future__ import annotations

import gzip
import hashlib
import struct
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from neuronlab import Sequential
from neuronlab import datasets as ds
from neuronlab.errors import ConfigError, DataError
from neuronlab.layers import Dense

DATA = resources.files("neuronlab") / "data"
#: How many of MNIST's first 10,000 training digits are 0, 1, ..., 9 (published counts).
MNIST_10K_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]


def test_the_shipped_files_are_the_converted_ones():
    for name, digest in ds.MNIST_SAMPLE_FILES.items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest
    # the sums of what they hold, so a change of the conversion cannot go unnoticed
    images, labels = (ds.read_idx(Path(str(DATA / name))) for name in ds.MNIST_SAMPLE_FILES)
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10000,) and labels.dtype == np.uint8
    assert np.bincount(labels, minlength=10).tolist() == MNIST_10K_COUNTS


def test_the_first_training_image_of_mnist_is_among_them():
    # rows 5 and 6 of MNIST's first training image, the well-known 5
    X, y = ds.load_mnist_sample("all")
    pixels = np.rint(X.reshape(-1, 28, 28) * 255).astype(int)
    row5 = [3, 18, 18, 18, 126, 136, 175, 26, 166, 255, 247, 127]
    found = np.flatnonzero((pixels[:, 5, 12:24] == row5).all(axis=1))
    assert len(found) == 1 and y[found[0]] == 5
    assert pixels[found[0], 6, 8:12].tolist() == [30, 36, 94, 154]


@pytest.mark.parametrize(("part", "n"), [("train", 8000), ("test", 2000), ("all", 10000)])
def test_parts_shapes_dtypes_and_range(part, n):
    X, y = ds.load("mnist", part=part)
    assert X.shape == (n, 784) and X.dtype == np.float32
    assert y.shape == (n,) and y.dtype == np.int64 and set(np.unique(y)) == set(range(10))
    assert X.min() == 0.0 and X.max() == 1.0
    # pixel values are bytes / 255: 256 levels at most
    assert np.allclose(X * 255, np.rint(X * 255), atol=1e-4)
    images, labels = ds.load("mnist", part=part, images=True)
    assert images.shape == (n, 28, 28, 1) and images.dtype == np.float32
    np.testing.assert_array_equal(images.reshape(n, 784), X)
    np.testing.assert_array_equal(labels, y)


def test_the_split_is_fixed_stratified_and_disjoint():
    X_all, y_all = ds.load_mnist_sample("all")
    X_tr, y_tr = ds.load_mnist_sample("train")
    X_te, y_te = ds.load_mnist_sample("test")
    # the same rows every time: train is the first 8,000 stored digits, test the rest
    np.testing.assert_array_equal(np.concatenate([X_tr, X_te]), X_all)
    np.testing.assert_array_equal(np.concatenate([y_tr, y_te]), y_all)
    np.testing.assert_array_equal(ds.load("mnist")[1], y_tr)
    assert y_tr[:10].tolist() == [9, 1, 8, 7, 4, 4, 5, 6, 8, 7]
    assert y_te[:10].tolist() == ds.load("mnist", part="test")[1][:10].tolist()
    # each class keeps 80 % for training (shares rounded by largest remainder)
    train, test = np.bincount(y_tr, minlength=10), np.bincount(y_te, minlength=10)
    assert (train + test).tolist() == MNIST_10K_COUNTS and test.sum() == 2000
    assert np.all(np.abs(test - np.array(MNIST_10K_COUNTS) * 0.2) < 1)
    # no digit is in both parts
    seen = {hashlib.sha1(row.tobytes()).digest() for row in X_tr}
    assert not any(hashlib.sha1(row.tobytes()).digest() in seen for row in X_te)


def test_callers_cannot_change_the_shared_digits():
    X, y = ds.load("mnist", part="test")
    X[:] = -1.0
    y[:] = -1
    X2, y2 = ds.load("mnist", part="test")
    assert X2.min() == 0.0 and y2.min() == 0


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"part": "validation"}, r"part must be 'train', 'test' or 'all', got 'validation'"),
    ({"part": 1}, r"part must be 'train', 'test' or 'all', got 1"),
    ({"images": "yes"}, r"images must be True or False"),
    ({"split": "train"}, r"does not take 'split'; it accepts: part, images, directory"),
])
def test_bad_arguments_say_what_to_pass(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        ds.load("mnist", **kwargs)


def idx(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.uint8).tobytes()


def test_the_full_files_still_load_by_name_from_a_folder(tmp_path):
    # a small set of files in the full distribution's names, made from the shipped digits
    X, y = ds.load_mnist_sample("test")
    pixels = np.rint(X[:30].reshape(-1, 28, 28) * 255).astype(np.uint8)
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx(pixels)))
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(idx(y[:30]))
    full_X, full_y = ds.load("mnist", part="test", directory=tmp_path)
    assert full_X.dtype == np.float32 and full_X.shape == (30, 784)
    np.testing.assert_array_equal(full_X, X[:30])
    np.testing.assert_array_equal(full_y, y[:30])
    images = ds.load("mnist", part="test", images=True, directory=tmp_path)[0]
    assert images.shape == (30, 28, 28, 1)
    # the plain function keeps its own form: float64 (n, 784)
    assert ds.load_mnist(tmp_path, kind="test")[0].dtype == np.float64
    with pytest.raises(ConfigError, match=r"part='all' is for the bundled digits"):
        ds.load("mnist", part="all", directory=tmp_path)
    with pytest.raises(DataError, match="MNIST train files missing"):
        ds.load("mnist", directory=tmp_path)


def test_a_damaged_idx_file_is_refused_with_its_name(tmp_path):
    labels = np.arange(10, dtype=np.uint8)
    path = tmp_path / "labels-idx1-ubyte"
    path.write_bytes(idx(labels)[:-3])
    with pytest.raises(DataError, match=r"labels-idx1-ubyte' is truncated.*need 10 data bytes"):
        ds.read_idx(path)
    path.write_bytes(idx(labels))
    assert ds.read_idx(path).tolist() == list(range(10))


def test_a_small_network_learns_the_real_digits():
    # 784 -> 32 -> 10, three epochs on the 8,000 training digits, seeded: scored on the
    # 2,000 held out. Measured: 0.905 (a network that guesses scores about 0.11).
    X, y = ds.load("mnist")
    X_test, y_test = ds.load("mnist", part="test")
    model = Sequential([Dense(32, activation="relu", input_shape=(784,)),
                        Dense(10, activation="softmax")], seed=0)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(X, y, epochs=3, batch_size=32, seed=0, verbose=0)
    _, accuracy = model.evaluate(X_test, y_test)
    assert accuracy >= 0.89
