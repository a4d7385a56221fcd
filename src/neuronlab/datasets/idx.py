"""IDX files, the format MNIST ships in: a magic number, the dimensions, then the values.

>>> parse_idx(bytes([0, 0, 0x08, 1, 0, 0, 0, 2, 7, 9]), "'tiny'").tolist()
[7, 9]
"""

from __future__ import annotations

import gzip
import math
import os
import struct
from pathlib import Path

import numpy as np

from ..errors import DataError

_IDX_TYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def _read_bytes(path: Path) -> bytes:
    """Return the (decompressed, for ``.gz``) contents of ``path``, as bytes."""
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as handle:
                return handle.read()
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"IDX file {str(path)!r} does not exist; check the path.") from None
    except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError
        raise DataError(
            f"IDX file {str(path)!r} could not be read ({exc}); it is probably truncated or "
            f"not gzip data. Download it again."
        ) from None


def _idx_header(raw: bytes, where: str) -> tuple[np.dtype, tuple[int, ...], int]:
    """Return (big-endian dtype, dims, header length) parsed from the start of an IDX file."""
    if len(raw) < 4:
        raise DataError(
            f"IDX file {where} is truncated: it has {len(raw)} byte(s), fewer than the "
            f"4-byte magic number. Download it again."
        )
    if raw[0] != 0 or raw[1] != 0:
        raise DataError(
            f"IDX file {where} has a wrong magic number: expected two zero bytes first, got "
            f"{raw[:4].hex()}. Is it an IDX file (gzip files must end in .gz)?"
        )
    if raw[2] not in _IDX_TYPES:
        codes = ", ".join(f"0x{code:02X}" for code in _IDX_TYPES)
        raise DataError(
            f"IDX file {where} has unknown data type code 0x{raw[2]:02X}; expected one of {codes}."
        )
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(
            f"IDX file {where} is truncated: its header declares {ndim} dimension(s) "
            f"({header} header bytes) but the file has {len(raw)} bytes. Download it again."
        )
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    return _IDX_TYPES[raw[2]], dims, header


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Return the array stored in an IDX file (plain, or gzip if the name ends in ``.gz``).

    The shape is the file's dimensions and the dtype its type code (0x08 uint8,
    0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64), in native byte
    order. A truncated file, a wrong magic number or a data size that does not match
    the dimensions raises :class:`DataError` naming the file.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "tiny-idx1-ubyte"
    ...     _ = path.write_bytes(bytes([0, 0, 0x08, 1, 0, 0, 0, 3, 7, 8, 9]))
    ...     read_idx(path).tolist()
    [7, 8, 9]
    """
    path = Path(path)
    return parse_idx(_read_bytes(path), repr(str(path)))


def parse_idx(raw: bytes, where: str, fix: str = "Download it again.") -> np.ndarray:
    """Return the array held by the (already decompressed) IDX bytes ``raw``.

    ``where`` names the file in error messages, ``fix`` says what to do about a
    damaged one.
    """
    dtype, dims, header = _idx_header(raw, where)
    expected = math.prod(dims) * dtype.itemsize
    actual = len(raw) - header
    if actual != expected:
        problem = "is truncated" if actual < expected else "has trailing bytes"
        raise DataError(
            f"IDX file {where} {problem}: dimensions {dims} of {dtype.itemsize}-byte values "
            f"need {expected} data bytes, but the file has {actual}. {fix}"
        )
    data = np.frombuffer(raw, dtype=dtype, count=math.prod(dims), offset=header)
    return data.reshape(dims).astype(dtype.newbyteorder("="))
