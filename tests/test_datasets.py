"""Tests for neuronlab.datasets: seed stories, generators, digits, IDX/MNIST, splitting."""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.server
import importlib
import math
import re
import struct
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from neuronlab import datasets as ds
from neuronlab.errors import ConfigError, DataError, ShapeError, UnknownNameError

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

IDX_CODES = {
    np.dtype(np.uint8): 0x08,
    np.dtype(np.int8): 0x09,
    np.dtype(np.int16): 0x0B,
    np.dtype(np.int32): 0x0C,
    np.dtype(np.float32): 0x0D,
    np.dtype(np.float64): 0x0E,
}


def idx_bytes(array: np.ndarray) -> bytes:
    """Encode ``array`` in the IDX format (big-endian header and data)."""
    header = bytes([0, 0, IDX_CODES[array.dtype], array.ndim])
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_idx(path: Path, array: np.ndarray) -> Path:
    """Write ``array`` to ``path`` as IDX, gzip-compressed when the name ends in .gz."""
    data = idx_bytes(array)
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


def tiny_mnist(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Return n random 28x28 uint8 images and n uint8 labels."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n, dtype=np.uint8)
    return images, labels


def write_mnist(folder: Path, prefix: str, n: int, gz: bool, seed: int = 0):
    """Write tiny MNIST image and label files for ``prefix`` ('train' or 't10k')."""
    images, labels = tiny_mnist(n, seed)
    suffix = ".gz" if gz else ""
    write_idx(folder / f"{prefix}-images-idx3-ubyte{suffix}", images)
    write_idx(folder / f"{prefix}-labels-idx1-ubyte{suffix}", labels)
    return images, labels


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files silently; paths under /broken/ promise 1000 bytes and send 10."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/broken/"):
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.close_connection = True
            return
        super().do_GET()


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    """Serve a fresh folder over HTTP on 127.0.0.1; yield (base_url, folder)."""
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    root = tmp_path / "served"
    root.mkdir()
    handler = functools.partial(QuietHandler, directory=str(root))
    httpd = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/mnist/", root
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def serve_mnist(root: Path, prefix: str, n: int, seed: int = 0):
    """Put tiny gz MNIST files under root/mnist; return (images, labels, checksums)."""
    folder = root / "mnist"
    folder.mkdir(exist_ok=True)
    images, labels = write_mnist(folder, prefix, n, gz=True, seed=seed)
    sums = {path.name: sha256(path) for path in folder.glob(f"{prefix}-*.gz")}
    return images, labels, sums


# ---------------------------------------------------------------------------
# seed stories
# ---------------------------------------------------------------------------

CORNERS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]


@pytest.mark.parametrize(
    ("loader", "expected"),
    [(ds.and_gate, [0, 0, 0, 1]), (ds.or_gate, [0, 1, 1, 1]), (ds.xor, [0, 1, 1, 0])],
)
def test_gate_truth_tables(loader, expected):
    X, y = loader()
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert X.shape == (4, 2) and y.shape == (4, 1)
    assert X.tolist() == CORNERS
    assert y.ravel().tolist() == expected


def test_not_gate():
    X, y = ds.not_gate()
    assert X.shape == (2, 1) and y.shape == (2, 1)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert X.tolist() == [[0.0], [1.0]]
    assert y.tolist() == [[1.0], [0.0]]


def test_puzzle_is_2x_plus_1():
    X, y = ds.puzzle()
    assert X.shape == (4, 1) and y.shape == (4, 1)
    assert X.ravel().tolist() == [11.0, 23.0, 36.0, 49.0]
    assert y.ravel().tolist() == [23.0, 47.0, 73.0, 99.0]
    assert ds.PUZZLE_QUESTION == 55.0
    assert 2 * ds.PUZZLE_QUESTION + 1 == 111.0


def test_seed_stories_return_fresh_arrays():
    X, y = ds.xor()
    X[:] = 7.0
    y[:] = 7.0
    assert ds.xor()[0].tolist() == CORNERS
    assert ds.xor()[1].ravel().tolist() == [0, 1, 1, 0]


# ---------------------------------------------------------------------------
# generated 2-D classification sets
# ---------------------------------------------------------------------------

GENERATORS = {
    "moons": (ds.make_moons, 2),
    "circles": (ds.make_circles, 2),
    "spirals": (ds.make_spirals, 3),
    "blobs": (ds.make_blobs, 3),
}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generated_shapes_dtypes_and_balance(name):
    make, k = GENERATORS[name]
    X, y = make(n_samples=101, seed=0)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype == np.int64
    assert np.isfinite(X).all()
    counts = np.bincount(y)
    assert len(counts) == k and counts.sum() == 101
    assert counts.max() - counts.min() <= 1


def test_spirals_class_count_and_sizes():
    X, y = ds.make_spirals(n_samples=10, classes=4, seed=1)
    assert X.shape == (10, 2)
    assert sorted(np.bincount(y).tolist(), reverse=True) == [3, 3, 2, 2]


SEEDED = {
    "moons": lambda seed: ds.make_moons(50, seed=seed),
    "circles": lambda seed: ds.make_circles(50, seed=seed),
    "spirals": lambda seed: ds.make_spirals(50, seed=seed),
    "blobs": lambda seed: ds.make_blobs(50, seed=seed),
    "cubic": lambda seed: ds.make_cubic(50, noise=0.1, seed=seed),
    "sine": lambda seed: ds.make_sine(50, noise=0.1, seed=seed),
    "xor2d": lambda seed: ds.make_classification_2d("xor", 50, seed=seed),
}


@pytest.mark.parametrize("name", sorted(SEEDED))
def test_same_seed_same_data_different_seed_different(name):
    make = SEEDED[name]
    X1, y1 = make(3)
    X2, y2 = make(3)
    X3, _ = make(4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_seed_none_gives_fresh_data_and_leaves_global_state_alone():
    before = np.random.get_state()[1].copy()
    X1, _ = ds.make_moons(30, seed=None)
    X2, _ = ds.make_moons(30, seed=None)
    assert not np.array_equal(X1, X2)
    np.testing.assert_array_equal(np.random.get_state()[1], before)


def test_seed_accepts_a_generator():
    X1, _ = ds.make_circles(20, seed=np.random.default_rng(5))
    X2, _ = ds.make_circles(20, seed=5)
    np.testing.assert_array_equal(X1, X2)


def test_moons_geometry_without_noise():
    X, y = ds.make_moons(40, noise=0.0, seed=0)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert (upper[:, 1] >= -1e-12).all()
    assert (lower[:, 1] <= 0.5 + 1e-12).all()


def test_circles_radii_without_noise():
    X, y = ds.make_circles(40, noise=0.0, factor=0.3, seed=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0)
    np.testing.assert_allclose(radius[y == 1], 0.3)


def test_circles_inner_radius_close_to_factor_with_noise():
    X, y = ds.make_circles(2000, noise=0.05, factor=0.4, seed=2)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert radius[y == 1].mean() == pytest.approx(0.4, abs=0.02)
    assert radius[y == 0].mean() == pytest.approx(1.0, abs=0.02)


def test_spiral_points_lie_on_their_arm_without_noise():
    k = 3
    X, y = ds.make_spirals(90, classes=k, noise=0.0, seed=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert radius.max() == pytest.approx(1.0)
    assert radius.min() == pytest.approx(0.0)
    keep = radius > 1e-9
    angle = np.arctan2(X[keep, 1], X[keep, 0])
    expected = 2 * np.pi * y[keep] / k + 4.0 * radius[keep]
    offset = np.angle(np.exp(1j * (angle - expected)))  # wrapped to (-pi, pi]
    np.testing.assert_allclose(offset, 0.0, atol=1e-9)


def test_blobs_with_given_centers_and_std():
    centers = [[0.0, 0.0], [5.0, -5.0]]
    X, y = ds.make_blobs(4000, centers=centers, cluster_std=0.5, seed=0)
    for label, centre in enumerate(centers):
        points = X[y == label]
        np.testing.assert_allclose(points.mean(axis=0), centre, atol=0.05)
        np.testing.assert_allclose(points.std(axis=0), 0.5, atol=0.05)


def test_blobs_random_centers_lie_in_box():
    X, y = ds.make_blobs(30, centers=4, cluster_std=0.0, seed=3)
    centres = np.unique(X, axis=0)
    assert len(centres) == 4 and len(np.unique(y)) == 4
    assert (np.abs(centres) <= 10.0).all()


def test_blobs_bad_centers_shape():
    with pytest.raises(ShapeError, match=r"shape \(k, 2\), got shape \(2, 3\)"):
        ds.make_blobs(10, centers=[[0, 0, 0], [1, 1, 1]])


@pytest.mark.parametrize(
    ("gate", "table"), [("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("xor", [0, 1, 1, 0])]
)
def test_classification_2d_gates_label_by_nearest_corner(gate, table):
    X, y = ds.make_classification_2d(gate, n_samples=400, noise=0.1, seed=0)
    assert X.shape == (400, 2) and y.dtype == np.int64
    corners = np.array(CORNERS)
    nearest = np.argmin(((X[:, None, :] - corners[None]) ** 2).sum(axis=2), axis=1)
    # with noise 0.1 almost every point stays closest to its own corner
    assert np.mean(np.array(table)[nearest] == y) > 0.97
    assert np.bincount(nearest, minlength=4).min() > 80


def test_classification_2d_gates_exact_without_noise():
    X, y = ds.make_classification_2d("and", n_samples=8, noise=0.0, seed=0)
    for point, label in zip(X.tolist(), y.tolist()):
        assert point in CORNERS
        assert label == int(point == [1.0, 1.0])
    assert sorted(map(tuple, X.tolist())).count((0.0, 0.0)) == 2


@pytest.mark.parametrize("name", ["and", "or", "xor", "circles", "moons", "spirals", "BLOBS"])
def test_classification_2d_dispatches_every_name(name):
    X, y = ds.make_classification_2d(name, n_samples=60, noise=0.1, seed=0)
    assert X.shape == (60, 2) and X.dtype == np.float64
    assert y.shape == (60,) and y.dtype == np.int64 and y.min() == 0


def test_classification_2d_unknown_name():
    with pytest.raises(UnknownNameError, match=r"'nand'.*Valid names: and, or, xor, circles"):
        ds.make_classification_2d("nand")
    with pytest.raises(UnknownNameError, match=r"None.*Valid names"):
        ds.make_classification_2d(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ds.make_moons(1), "n_samples must be at least 2"),
        (lambda: ds.make_moons(10.5), "n_samples must be a whole number"),
        (lambda: ds.make_moons(10, noise=-0.1), "noise must be a finite number >= 0"),
        (lambda: ds.make_moons(10, seed=-1), "seed must be None or a non-negative"),
        (lambda: ds.make_moons(10, seed=1.5), "seed must be None or a non-negative"),
        (lambda: ds.make_circles(10, factor=1.0), "between 0 and 1"),
        (lambda: ds.make_spirals(2, classes=3), "at least 3"),
        (lambda: ds.make_spirals(10, classes=0), "classes must be a whole number >= 1"),
        (lambda: ds.make_blobs(10, cluster_std=-1), "cluster_std must be"),
        (lambda: ds.make_cubic(10, low=1.0, high=1.0), "low must be smaller than high"),
    ],
)
def test_generator_argument_errors(call, message):
    with pytest.raises(ConfigError, match=message):
        call()


# ---------------------------------------------------------------------------
# regression curves
# ---------------------------------------------------------------------------


def test_cubic_without_noise_follows_the_formula():
    X, y = ds.make_cubic(100, low=-3.0, high=1.0, seed=0)
    assert X.shape == (100, 1) and y.shape == (100, 1)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert (X >= -3.0).all() and (X < 1.0).all()
    assert (np.diff(X[:, 0]) >= 0).all()
    np.testing.assert_allclose(y, X**3 + 2 * X + 1)


def test_cubic_noise_has_requested_scale():
    X, y = ds.make_cubic(5000, noise=0.3, seed=1)
    residual = y - (X**3 + 2 * X + 1)
    assert residual.std() == pytest.approx(0.3, rel=0.05)
    assert abs(residual.mean()) < 0.02


def test_sine_without_noise():
    X, y = ds.make_sine(200, seed=0)
    assert X.shape == (200, 1) and y.shape == (200, 1)
    assert (np.abs(X) <= np.pi).all()
    assert X.min() < -2.5 and X.max() > 2.5
    np.testing.assert_allclose(y, np.sin(X))


# ---------------------------------------------------------------------------
# digits
# ---------------------------------------------------------------------------


def test_digits_shape_values_and_label_counts():
    X, y = ds.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 16.0
    assert np.array_equal(X, np.round(X))
    counts = np.bincount(y).tolist()
    assert counts == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert y[0] == 0 and X[0, :8].tolist() == [0, 0, 5, 13, 9, 1, 0, 0]


def test_digits_returns_copies():
    X, y = ds.load_digits()
    X[:] = -1.0
    y[:] = -1
    X2, y2 = ds.load_digits()
    assert X2.min() == 0.0 and y2.min() == 0


def test_digits_file_is_package_data():
    path = Path(ds.__file__).parents[1] / "data" / "digits.csv.gz"
    assert path.is_file()
    assert (path.parent / "README.md").read_text().count("CC BY 4.0") >= 1


# ---------------------------------------------------------------------------
# IDX files
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", list(IDX_CODES))
@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("shape", [(5,), (2, 3, 4)])
def test_idx_round_trip(tmp_path, dtype, suffix, shape):
    array = (np.arange(math.prod(shape)) - 3).reshape(shape).astype(dtype)
    if dtype.kind == "f":
        array = array / 4
    path = write_idx(tmp_path / f"data-idx{suffix}", array)
    loaded = ds.read_idx(path)
    assert loaded.dtype == dtype and loaded.dtype.isnative
    assert loaded.shape == shape
    np.testing.assert_array_equal(loaded, array)


@settings(max_examples=30, deadline=None)
@given(
    hnp.arrays(
        dtype=st.sampled_from([np.uint8, np.int16, np.float64]),
        shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4),
        elements={"allow_nan": False},
    ),
    st.booleans(),
)
def test_idx_round_trip_property(array, gz):
    with tempfile.TemporaryDirectory() as folder:
        path = write_idx(Path(folder) / ("a.idx.gz" if gz else "a.idx"), array)
        loaded = ds.read_idx(path)
    assert loaded.shape == array.shape and loaded.dtype == array.dtype
    np.testing.assert_array_equal(loaded, array)


def test_idx_accepts_str_path(tmp_path):
    path = write_idx(tmp_path / "x", np.array([1, 2], dtype=np.uint8))
    assert ds.read_idx(str(path)).tolist() == [1, 2]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x00", "truncated: it has 2 byte"),
        (bytes([0, 0, 8, 3, 0, 0, 0, 2]), "truncated: its header declares 3 dimension"),
        (bytes([0, 0, 8, 1, 0, 0, 0, 4, 1, 2]), "truncated: dimensions \\(4,\\)"),
        (bytes([0, 0, 0x0C, 1, 0, 0, 0, 1, 0, 0, 1]), "need 4 data bytes, but the file has 3"),
        (bytes([0, 0, 8, 1, 0, 0, 0, 1, 1, 2]), "trailing bytes"),
        (bytes([0, 1, 8, 1, 0, 0, 0, 1, 1]), "wrong magic number.*00010801"),
        (b"\x1f\x8b\x08\x00junk", "wrong magic number"),
        (bytes([0, 0, 0x0A, 1, 0, 0, 0, 1, 1]), "unknown data type code 0x0A"),
    ],
)
def test_idx_bad_files(tmp_path, content, message):
    path = tmp_path / "bad-idx1-ubyte"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message) as info:
        ds.read_idx(path)
    assert "bad-idx1-ubyte" in str(info.value)


def test_idx_truncated_gzip(tmp_path):
    data = gzip.compress(idx_bytes(np.arange(100, dtype=np.uint8)))
    path = tmp_path / "cut-idx1-ubyte.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match=r"cut-idx1-ubyte.gz.*could not be read"):
        ds.read_idx(path)


def test_idx_gz_name_with_plain_content(tmp_path):
    path = tmp_path / "plain-idx1-ubyte.gz"
    path.write_bytes(idx_bytes(np.arange(3, dtype=np.uint8)))
    with pytest.raises(DataError, match=r"plain-idx1-ubyte.gz.*not gzip data"):
        ds.read_idx(path)


def test_idx_missing_file(tmp_path):
    with pytest.raises(DataError, match=r"nothing-here.*does not exist"):
        ds.read_idx(tmp_path / "nothing-here")


# ---------------------------------------------------------------------------
# MNIST from local files
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True])
def test_load_mnist_from_directory(tmp_path, gz):
    images, labels = write_mnist(tmp_path, "train", 5, gz=gz)
    X, y = ds.load_mnist(tmp_path)
    assert X.shape == (5, 784) and X.dtype == np.float64
    assert y.shape == (5,) and y.dtype == np.int64
    assert X.min() >= 0.0 and X.max() <= 1.0
    np.testing.assert_allclose(X, images.reshape(5, 784) / 255.0)
    np.testing.assert_array_equal(y, labels)


def test_load_mnist_test_kind_reads_t10k(tmp_path):
    write_mnist(tmp_path, "train", 4, gz=False, seed=0)
    _, test_labels = write_mnist(tmp_path, "t10k", 3, gz=True, seed=1)
    X, y = ds.load_mnist(str(tmp_path), kind="test")
    assert X.shape == (3, 784)
    np.testing.assert_array_equal(y, test_labels)


def test_load_mnist_missing_files_message(tmp_path):
    write_idx(tmp_path / "train-images-idx3-ubyte", tiny_mnist(2)[0])
    with pytest.raises(DataError, match=r"train-labels-idx1-ubyte") as info:
        ds.load_mnist(tmp_path)
    message = str(info.value)
    assert "train-images" not in message
    assert "download=True" in message and "directory=" in message
    assert str(tmp_path) in message


def test_load_mnist_uses_neuronlab_data_env(tmp_path, monkeypatch):
    monkeypatch.setenv("NEURONLAB_DATA", str(tmp_path))
    with pytest.raises(DataError, match=re.escape(str(tmp_path / "mnist"))):
        ds.load_mnist()
    (tmp_path / "mnist").mkdir()
    _, labels = write_mnist(tmp_path / "mnist", "train", 3, gz=True)
    np.testing.assert_array_equal(ds.load_mnist()[1], labels)


def test_load_mnist_count_mismatch(tmp_path):
    write_idx(tmp_path / "train-images-idx3-ubyte", tiny_mnist(3)[0])
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(2, dtype=np.uint8))
    with pytest.raises(DataError, match=r"do not match.*\(3, 28, 28\).*\(2,\)"):
        ds.load_mnist(tmp_path)


def test_load_mnist_bad_kind(tmp_path):
    with pytest.raises(ConfigError, match=r"kind must be 'train' or 'test', got 'valid'"):
        ds.load_mnist(tmp_path, kind="valid")


def test_mnist_checksums_table():
    assert set(ds.MNIST_SHA256) == {
        "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    }
    assert all(re.fullmatch("[0-9a-f]{64}", digest) for digest in ds.MNIST_SHA256.values())
    assert ds.MNIST_URL.startswith("https://") and ds.MNIST_URL.endswith("/")


# ---------------------------------------------------------------------------
# MNIST download from a local HTTP server
# ---------------------------------------------------------------------------


def test_download_fetches_checks_and_caches(server, tmp_path):
    base_url, root = server
    images, labels, sums = serve_mnist(root, "train", 4)
    cache = tmp_path / "cache"
    X, y = ds.load_mnist(download=True, cache_dir=cache, base_url=base_url, checksums=sums)
    np.testing.assert_allclose(X, images.reshape(4, -1) / 255.0)
    np.testing.assert_array_equal(y, labels)
    assert sorted(p.name for p in cache.iterdir()) == sorted(sums)
    assert all(sha256(cache / name) == digest for name, digest in sums.items())
    # second time: read from the cache, no server needed
    X2, _ = ds.load_mnist(cache_dir=cache, base_url="http://127.0.0.1:9/none/")
    np.testing.assert_array_equal(X, X2)


def test_download_into_directory_without_cache_dir(server, tmp_path):
    base_url, root = server
    _, labels, sums = serve_mnist(root, "t10k", 2)
    target = tmp_path / "here"
    _, y = ds.load_mnist(target, download=True, base_url=base_url, kind="test", checksums=sums)
    np.testing.assert_array_equal(y, labels)
    assert sorted(p.name for p in target.iterdir()) == sorted(sums)


def test_download_only_missing_files(server, tmp_path):
    base_url, root = server
    _, _, sums = serve_mnist(root, "train", 3)
    cache = tmp_path / "cache"
    cache.mkdir()
    images, _ = write_mnist(cache, "train", 3, gz=False, seed=9)
    (cache / "train-labels-idx1-ubyte").unlink()
    X, _ = ds.load_mnist(cache_dir=cache, download=True, base_url=base_url, checksums=sums)
    np.testing.assert_allclose(X, images.reshape(3, -1) / 255.0)  # local images kept
    assert (cache / "train-labels-idx1-ubyte.gz").is_file()
    assert not (cache / "train-images-idx3-ubyte.gz").exists()


def test_download_checksum_mismatch_leaves_nothing(server, tmp_path):
    base_url, root = server
    _, _, sums = serve_mnist(root, "train", 2)
    wrong = dict(sums, **{"train-images-idx3-ubyte.gz": "0" * 64})
    cache = tmp_path / "cache"
    with pytest.raises(DataError, match=r"Checksum mismatch for train-images-idx3-ubyte.gz"):
        ds.load_mnist(download=True, cache_dir=cache, base_url=base_url, checksums=wrong)
    assert list(cache.iterdir()) == []


def test_download_without_checksums_still_works(server, tmp_path):
    base_url, root = server
    _, labels, _ = serve_mnist(root, "train", 2)
    _, y = ds.load_mnist(download=True, cache_dir=tmp_path / "c", base_url=base_url, checksums=None)
    np.testing.assert_array_equal(y, labels)


def test_download_http_error_leaves_nothing(server, tmp_path):
    base_url, _ = server  # nothing served: every file is a 404
    cache = tmp_path / "cache"
    with pytest.raises(DataError, match=r"Download of .*train-images-idx3-ubyte.gz failed"):
        ds.load_mnist(download=True, cache_dir=cache, base_url=base_url, checksums={})
    assert list(cache.iterdir()) == []


def test_download_cut_connection_leaves_nothing(server, tmp_path):
    base_url, _ = server
    broken = base_url.replace("/mnist/", "/broken/")
    cache = tmp_path / "cache"
    with pytest.raises(DataError, match=r"Download of .*/broken/train-images.*failed"):
        ds.load_mnist(download=True, cache_dir=cache, base_url=broken, checksums=None)
    assert list(cache.iterdir()) == []


def test_download_into_unwritable_place(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(DataError, match=r"Cannot save train-images-idx3-ubyte\.gz.*cache_dir"):
        ds.load_mnist(download=True, cache_dir=blocker / "sub", base_url="http://127.0.0.1:9/")


def test_keras_load_data_downloads_once_and_returns_keras_arrays(server, tmp_path, monkeypatch,
                                                                capsys):
    # `import neuronlab as keras; keras.datasets.mnist.load_data()`, as Keras code reads
    import neuronlab as keras
    mnist_files = importlib.import_module("neuronlab.datasets.mnist")  # the module: the
    # package's name `mnist` is the loader function whose load_data attribute Keras code calls

    base_url, root = server
    train_images, train_labels, sums = serve_mnist(root, "train", 6, seed=1)
    test_images, test_labels, test_sums = serve_mnist(root, "t10k", 3, seed=2)
    monkeypatch.setattr(mnist_files, "MNIST_URL", base_url)
    monkeypatch.setattr(mnist_files, "MNIST_SHA256", {**sums, **test_sums})
    monkeypatch.setenv("NEURONLAB_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))  # no Keras copy there
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    for got, want in ((x_train, train_images), (y_train, train_labels),
                      (x_test, test_images), (y_test, test_labels)):
        assert got.dtype == np.uint8  # as Keras: pixels 0..255, labels 0..9
        np.testing.assert_array_equal(got, want)
    assert capsys.readouterr().out.count("Downloading data from") == 4
    assert sorted(p.name for p in (tmp_path / "data" / "mnist").iterdir()) == sorted(
        {**sums, **test_sums})
    # the second call reads the cache (the server is not asked again)
    monkeypatch.setattr(mnist_files, "MNIST_URL", "http://127.0.0.1:9/none/")
    again = keras.datasets.mnist.load_data()
    np.testing.assert_array_equal(again[0][0], x_train)
    assert "Downloading" not in capsys.readouterr().out


def test_keras_load_data_reads_a_copy_keras_saved(tmp_path, monkeypatch):
    from neuronlab.datasets import mnist

    images, labels = tiny_mnist(5)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "datasets").mkdir()
    np.savez(tmp_path / "datasets" / "mnist.npz", x_train=images, y_train=labels,
             x_test=images[:2], y_test=labels[:2])
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    for got, want in ((x_train, images), (y_train, labels), (x_test, images[:2]),
                      (y_test, labels[:2])):
        np.testing.assert_array_equal(got, want)
    # a path of its own, as Keras's load_data(path=...)
    np.savez(tmp_path / "other.npz", x_train=images[:, :27], y_train=labels,
             x_test=images[:2], y_test=labels[:2])
    with pytest.raises(DataError, match=r"images of shape \(n, 28, 28\).*\(5, 27, 28\)"):
        mnist.load_data(str(tmp_path / "other.npz"))
    np.savez(tmp_path / "floats.npz", x_train=images * 1.5, y_train=labels,
             x_test=images[:2], y_test=labels[:2] - 1)
    with pytest.raises(DataError, match=r"whole-number pixels from 0 to 255, got float64"):
        mnist.load_data(str(tmp_path / "floats.npz"))  # not wrapped round into uint8
    (tmp_path / "broken.npz").write_bytes(b"not an npz file")
    with pytest.raises(DataError, match=r"is not Keras's mnist.npz"):
        mnist.load_data(str(tmp_path / "broken.npz"))


def test_keras_load_data_offline_names_the_bundled_digits(tmp_path, monkeypatch):
    mnist_files = importlib.import_module("neuronlab.datasets.mnist")

    monkeypatch.setattr(mnist_files, "MNIST_URL", "http://127.0.0.1:9/none/")
    monkeypatch.setenv("NEURONLAB_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    with pytest.raises(DataError, match=r"failed.*neuronlab.datasets.mnist\('train'\) and "
                                        r"mnist\('test'\) give the 10,000 digits"):
        ds.mnist.load_data()
    assert not list((tmp_path / "data" / "mnist").iterdir())  # nothing half-written


def test_keras_data_sets_neuronlab_lacks_say_so():
    import neuronlab as keras

    with pytest.raises(AttributeError, match=r"no cifar10: of Keras's data sets only mnist"):
        keras.datasets.cifar10.load_data()
    assert not hasattr(keras.datasets, "no_such_thing")


# ---------------------------------------------------------------------------
# train_test_split
# ---------------------------------------------------------------------------


def test_split_sizes_and_row_pairing():
    X = np.arange(20).reshape(10, 2)
    y = np.arange(10) * 10
    X_tr, X_te, y_tr, y_te = ds.train_test_split(X, y, test_size=0.25, seed=0)
    assert X_tr.shape == (7, 2) and X_te.shape == (3, 2)  # 2.5 rounds up to 3
    assert y_tr.shape == (7,) and y_te.shape == (3,)
    np.testing.assert_array_equal(
        np.concatenate([X_tr, X_te])[:, 0] // 2 * 10, np.concatenate([y_tr, y_te])
    )
    assert sorted(np.concatenate([y_tr, y_te]).tolist()) == y.tolist()


def test_split_int_test_size_and_column_targets():
    X, y = ds.make_cubic(12, seed=0)
    _, X_te, y_tr, y_te = ds.train_test_split(X, y, test_size=4, seed=1)
    assert X_te.shape == (4, 1) and y_te.shape == (4, 1) and y_tr.shape == (8, 1)
    np.testing.assert_allclose(y_te, X_te**3 + 2 * X_te + 1)


def test_split_is_shuffled_and_seeded():
    X = np.arange(100).reshape(-1, 1)
    first = ds.train_test_split(X, X[:, 0], seed=4)
    again = ds.train_test_split(X, X[:, 0], seed=4)
    other = ds.train_test_split(X, X[:, 0], seed=5)
    np.testing.assert_array_equal(first[1], again[1])
    assert not np.array_equal(first[1], other[1])
    assert not np.array_equal(first[0][:, 0], np.sort(first[0][:, 0]))


def test_split_stratify_keeps_proportions():
    y = np.array([0] * 80 + [1] * 20)
    X = np.arange(100.0).reshape(-1, 1)
    _, _, y_tr, y_te = ds.train_test_split(X, y, test_size=0.25, seed=0, stratify=True)
    assert np.bincount(y_te).tolist() == [20, 5]
    assert np.bincount(y_tr).tolist() == [60, 15]


def test_split_stratify_with_float_column_labels():
    X, y = ds.make_classification_2d("xor", 40, seed=0)
    y_col = y.astype(np.float64).reshape(-1, 1)
    _, _, _, y_te = ds.train_test_split(X, y_col, test_size=10, seed=0, stratify=True)
    assert y_te.shape == (10, 1)
    assert np.bincount(y_te[:, 0].astype(int)).tolist() == [5, 5]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(1, 30), min_size=1, max_size=5),
    st.floats(0.05, 0.95),
    st.integers(0, 2**32 - 1),
)
def test_split_stratify_property(class_sizes, fraction, seed):
    y = np.repeat(np.arange(len(class_sizes)), class_sizes)
    n = len(y)
    n_test = math.ceil(fraction * n)
    if not 1 <= n_test <= n - 1:
        return
    X = np.arange(n).reshape(-1, 1)
    X_tr, X_te, y_tr, y_te = ds.train_test_split(X, y, fraction, seed=seed, stratify=True)
    assert len(y_te) == n_test and len(y_tr) == n - n_test
    assert sorted(np.concatenate([X_tr, X_te])[:, 0].tolist()) == list(range(n))
    np.testing.assert_array_equal(y[X_te[:, 0]], y_te)
    got = np.bincount(y_te, minlength=len(class_sizes))
    exact = np.array(class_sizes) * n_test / n
    assert (np.abs(got - exact) < 1).all()


def test_split_length_mismatch():
    with pytest.raises(ShapeError, match=r"10 rows in X and 9 in y"):
        ds.train_test_split(np.zeros((10, 2)), np.zeros(9))


@pytest.mark.parametrize("test_size", [0.0, 1.0, 1.5, -0.2, 0, 10, -1, True, "0.2"])
def test_split_bad_test_size(test_size):
    with pytest.raises(ConfigError, match=r"test_size"):
        ds.train_test_split(np.zeros((10, 1)), np.zeros(10), test_size=test_size)


def test_split_needs_a_sample_on_each_side():
    with pytest.raises(ConfigError, match=r"both sides need at least one sample"):
        ds.train_test_split(np.zeros((1, 1)), np.zeros(1), test_size=0.5)


def test_split_stratify_rejects_fractional_labels():
    with pytest.raises(DataError, match=r"whole-number class labels, got 0.5"):
        ds.train_test_split(np.zeros((4, 1)), [0.0, 0.5, 1.0, 1.0], stratify=True)


# ---------------------------------------------------------------------------
# one_hot
# ---------------------------------------------------------------------------


def test_one_hot_basic():
    encoded = ds.one_hot([2, 0, 1])
    assert encoded.dtype == np.float64 and encoded.shape == (3, 3)
    assert encoded.tolist() == [[0, 0, 1], [1, 0, 0], [0, 1, 0]]


def test_one_hot_num_classes_and_column_input():
    encoded = ds.one_hot(np.array([[1.0], [0.0]]), num_classes=4)
    assert encoded.tolist() == [[0, 1, 0, 0], [1, 0, 0, 0]]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=1, max_size=50))
def test_one_hot_inverts_argmax(labels):
    encoded = ds.one_hot(labels)
    assert encoded.shape == (len(labels), max(labels) + 1)
    np.testing.assert_array_equal(encoded.sum(axis=1), 1.0)
    assert encoded.argmax(axis=1).tolist() == labels


@pytest.mark.parametrize(
    ("labels", "kwargs", "message"),
    [
        ([0, -1, 2], {}, "non-negative whole numbers, got -1"),
        ([0, 1.5], {}, "whole-number class labels, got 1.5"),
        ([0, float("nan")], {}, "whole-number class labels, got nan"),
        ([0, 3], {"num_classes": 2}, "num_classes=2 is too small.*largest label is 3"),
        ([], {}, "non-empty"),
        (["a", "b"], {}, "whole-number class labels"),
        ([[0, 1], [1, 0]], {}, None),
    ],
)
def test_one_hot_errors(labels, kwargs, message):
    if message is None:
        with pytest.raises(ShapeError, match=r"one label per sample.*\(2, 2\)"):
            ds.one_hot(labels, **kwargs)
        return
    with pytest.raises(DataError, match=message):
        ds.one_hot(labels, **kwargs)


def test_one_hot_bad_num_classes():
    with pytest.raises(ConfigError, match=r"num_classes must be a whole number >= 1"):
        ds.one_hot([0], num_classes=0)


# ---------------------------------------------------------------------------
# catalogue
# ---------------------------------------------------------------------------

ALL_NAMES = {
    "and",
    "or",
    "not",
    "xor",
    "plane",
    "bump",
    "puzzle",
    "moons",
    "circles",
    "spirals",
    "nnfs-spirals",
    "blobs",
    "cubic",
    "sine",
    "digits",
    "mnist",
}


def test_datasets_catalogue():
    assert set(ds.DATASETS) == ALL_NAMES
    assert all(isinstance(d.description, str) and len(d.description) > 10
               for d in ds.DATASETS.values())


@pytest.mark.parametrize("name", sorted(ALL_NAMES - {"mnist"}))
def test_load_every_offline_name(name):
    X, y = ds.load(name)
    assert isinstance(X, np.ndarray) and isinstance(y, np.ndarray)
    assert len(X) == len(y) > 0 and X.dtype == np.float64


def test_load_passes_kwargs_and_ignores_case():
    X, y = ds.load(" Spirals ", n_samples=12, classes=2, seed=0)
    assert X.shape == (12, 2) and set(y.tolist()) == {0, 1}
    np.testing.assert_array_equal(ds.load("XOR")[1], ds.xor()[1])


def test_load_mnist_by_name(tmp_path):
    _, labels = write_mnist(tmp_path, "train", 2, gz=True)
    np.testing.assert_array_equal(ds.load("mnist", directory=tmp_path)[1], labels)


def test_load_unknown_name():
    with pytest.raises(UnknownNameError, match=r"'iris'.*Valid names: and, or, not, xor"):
        ds.load("iris")
    with pytest.raises(UnknownNameError, match=r"Unknown data set 3"):
        ds.load(3)  # type: ignore[arg-type]


def test_load_unknown_keyword():
    with pytest.raises(ConfigError, match=r"'xor' does not take 'n_samples'.*no arguments"):
        ds.load("xor", n_samples=3)
    with pytest.raises(ConfigError, match=r"'moons' does not take 'bogus'.*n_samples, noise"):
        ds.load("moons", bogus=1)


def test_absurd_sizes_are_refused_at_once():
    import tracemalloc

    tracemalloc.start()  # refused before any work: no array of that size is ever made
    for n in (10**30, 10**9, ds.MAX_SAMPLES + 1):
        with pytest.raises(ConfigError, match="n_samples must be at most 10,000,000"):
            ds.make_moons(n)
    with pytest.raises(ConfigError, match="classes must be a whole number >= 1 and <= 10,000"):
        ds.make_spirals(10, classes=10**9)
    with pytest.raises(ConfigError, match="centers must be a whole number >= 1 and <= 10,000"):
        ds.make_blobs(10, centers=10**12)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1_000_000, f"{peak:,} bytes allocated before refusing"


def test_negative_zero_noise_is_zero_and_bounds_must_be_numbers():
    X = ds.make_moons(10, noise=-0.0, seed=0)[0]
    np.testing.assert_array_equal(X, ds.make_moons(10, noise=0.0, seed=0)[0])
    with pytest.raises(ConfigError, match="low must be a number, got 'a'"):
        ds.make_cubic(10, low="a")
    with pytest.raises(ConfigError, match="high must be a finite number, got a number too large"):
        ds.make_cubic(10, high=10**400)
    with pytest.raises(ConfigError, match="noise must be a finite number >= 0, got a number too"):
        ds.load("moons", noise=10**400)


@pytest.mark.parametrize("seed", [-1, "x", 1.5, True, [1]])
def test_bad_seeds_get_neuronlab_errors(seed):
    with pytest.raises(ConfigError, match=r"seed must be None or a non-negative whole number"):
        ds.load("moons", n_samples=10, seed=seed)


@pytest.mark.parametrize("name", ["plane", "bump"])
def test_2d_regression_sets_are_in_the_table(name):
    dataset = ds.DATASETS[name]
    assert dataset.task == "regression" and dataset.points is not None
    X, y = dataset.points(50, 0.0, 3)
    assert X.shape == (50, 2) and y.shape == (50,) and y.dtype == np.float64
    assert np.array_equal(X, dataset.points(50, 0.0, 3)[0])  # the seed decides
    assert len(np.unique(np.round(y, 6))) > 10  # real numbers, not labels
    with pytest.raises(UnknownNameError):
        ds.make_classification_2d(name)  # not a classification set


def test_spiral_data_is_the_nnfs_books_data_set():
    X, y = ds.spiral_data(samples=100, classes=3, seed=0)
    assert X.shape == (300, 2) and y.dtype == np.uint8
    assert np.bincount(y).tolist() == [100, 100, 100] and (np.diff(y) >= 0).all()  # in order
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[:100], np.linspace(0, 1, 100), atol=1e-12)
    assert ds.load("nnfs-spirals", samples=100, classes=3, seed=0)[0].tolist() == X.tolist()
    with pytest.raises(ConfigError, match="below 2\\*\\*32"):
        ds.spiral_data(seed=2**40)
    nnfs = pytest.importorskip("nnfs", reason="the book's package (test extra) is not installed")
    from nnfs.datasets import spiral_data as book

    state = np.random.get_state()
    try:
        np.random.seed(0)  # what nnfs.init() does, without patching NumPy for the session
        X_book, y_book = book(samples=100, classes=3)
    finally:
        np.random.set_state(state)
    assert nnfs is not None and y.tolist() == y_book.tolist()
    np.testing.assert_array_equal(X, X_book)
