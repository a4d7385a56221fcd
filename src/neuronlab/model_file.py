"""The model file's format: its checksum, and what loading checks before it trusts a file.

:mod:`neuronlab.io` writes and reads model files; this module holds the facts of the
format (names, versions, limits) and the checks, each cheap and in the order loading
runs them: the zip directory, ``config.json`` (size, nesting, JSON, version), the model it
describes, each array's size and ``.npy`` header against that description, then the
SHA-256 of everything, streamed. Nothing is unpacked before its size is known.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import zipfile
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from .errors import ConfigError, ModelFileError, NeuronlabError

if TYPE_CHECKING:
    from .model import Sequential

FORMAT = "neuronlab-model"
FORMAT_VERSION = 2  # 2: the checksum covers config.json too; 1: only the arrays
READABLE_VERSIONS = (1, 2)
CONFIG_KEY = "config.json"

MAX_CONFIG_CHARS = 1_000_000  # a model's JSON is a few kB; a thousand layers stay far below
MAX_CONFIG_DEPTH = 32  # a model's JSON nests about 6 deep
NPY_HEADER_MAX = 4096  # numpy writes headers of 128 bytes for arrays like ours
CHUNK = 1 << 20  # the checksum streams the arrays in 1 MiB pieces

Layout = dict[str, tuple[tuple[int, ...], str]]  # array name -> (shape, dtype.str)

DAMAGED_FIX = "Use an intact copy of the file, or save the model again."


# --------------------------------------------------------------------------- checksum
def canonical(header: dict[str, Any]) -> bytes:
    """The JSON of ``header`` without its checksum, in one spelling (sorted, no spaces)."""
    rest = {key: value for key, value in header.items() if key != "sha256"}
    return json.dumps(rest, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def start_digest(header: dict[str, Any]) -> Any:
    """A SHA-256 that has seen the header (format 2); format 1 covered the arrays only."""
    digest = hashlib.sha256()
    if header.get("format_version") != 1:
        digest.update(b"%s/%d\0" % (FORMAT.encode(), FORMAT_VERSION))
        digest.update(canonical(header) + b"\0")
    return digest


def array_prefix(name: str, shape: tuple[int, ...], dtype: str) -> bytes:
    return f"{name}\0{dtype}\0{shape}\0".encode()


def checksum(header: dict[str, Any], arrays: dict[str, np.ndarray]) -> str:
    """SHA-256 over the header (all but its ``sha256``), then each array's name, dtype,
    shape and bytes, in name order."""
    digest = start_digest(header)
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        digest.update(array_prefix(name, array.shape, array.dtype.str))
        digest.update(array.tobytes())
    return str(digest.hexdigest())


# --------------------------------------------------------------------------- checks
def members(archive: zipfile.ZipFile, where: str) -> dict[str, zipfile.ZipInfo]:
    """The archive's entries by array name; each must be a plain or deflated ``.npy``."""
    members: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        name = info.filename.removesuffix(".npy")
        if name == info.filename or name in members:
            problem = "twice" if name in members else "which is not a .npy array"
            raise ModelFileError(
                f"{where} holds the entry {info.filename!r} {problem}; neuronlab model files "
                f"hold only .npy arrays, each once. The file is damaged. {DAMAGED_FIX}"
            )
        if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED,
                                                               zipfile.ZIP_DEFLATED):
            raise ModelFileError(
                f"{where}: the entry {info.filename!r} is encrypted or packed in a way "
                f"save_model never writes (zip method {info.compress_type}). {DAMAGED_FIX}"
            )
        members[name] = info
    return members


def npy_header(stream: IO[bytes], name: str, where: str) -> tuple[tuple[int, ...], np.dtype]:
    """Shape and dtype from an ``.npy`` header, read without touching the data."""
    try:
        prefix = stream.read(8)
        if prefix[:6] != b"\x93NUMPY" or prefix[6] not in (1, 2):
            raise ValueError
        width = 2 if prefix[6] == 1 else 4
        length_bytes = stream.read(width)
        length = int.from_bytes(length_bytes, "little")
        if len(length_bytes) != width or length > NPY_HEADER_MAX:
            raise ValueError
        text = stream.read(length)
        if len(text) != length:
            raise ValueError
        copy = io.BytesIO(prefix + length_bytes + text)
        np.lib.format.read_magic(copy)
        read = (np.lib.format.read_array_header_1_0 if prefix[6] == 1
                else np.lib.format.read_array_header_2_0)
        shape, fortran_order, dtype = read(copy)
        if fortran_order and len(shape) > 1:
            raise ValueError
    except Exception:  # numpy's own messages may advise loading with pickle: never repeat them
        raise ModelFileError(
            f"{where}: the entry {name!r} does not start with a readable NumPy (.npy) header, "
            f"so the file is damaged or was not written by neuronlab. {DAMAGED_FIX}"
        ) from None
    if dtype.hasobject:
        raise ModelFileError(
            f"{where}: the entry {name!r} holds pickled Python objects. neuronlab never "
            "unpickles (that could run code from the file) and its own files hold none, so this "
            f"file is damaged or was not written by neuronlab. {DAMAGED_FIX}"
        )
    return tuple(shape), dtype


def read_header(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo],
                 where: str) -> dict[str, Any]:
    info = members.get(CONFIG_KEY)
    if info is None:
        raise ModelFileError(
            f"{where} has no {CONFIG_KEY} text entry, so it is not a neuronlab model file "
            "(an .npz written by something else?)."
        )
    limit = 4 * MAX_CONFIG_CHARS + NPY_HEADER_MAX + 12  # 4 bytes per character in .npy text
    if info.file_size > limit:
        raise ModelFileError(
            f"{where}: its {CONFIG_KEY} entry unpacks to {info.file_size:,} bytes, but a "
            f"model's configuration is at most {MAX_CONFIG_CHARS:,} characters ({limit:,} "
            f"bytes). The file is damaged or not a neuronlab model file; nothing was unpacked."
        )
    with archive.open(info) as stream:
        shape, dtype = npy_header(stream, CONFIG_KEY, where)
        if shape != () or dtype.kind != "U":
            raise ModelFileError(
                f"{where} has no {CONFIG_KEY} text entry (expected one string, got an array of "
                f"shape {shape} and dtype {dtype.str}), so it is not a neuronlab model file."
            )
        offset = stream.tell()
    if offset + dtype.itemsize != info.file_size:
        raise ModelFileError(f"{where}: its {CONFIG_KEY} entry holds {info.file_size - offset:,} "
                             f"bytes where its header says {dtype.itemsize:,}; the file is "
                             f"damaged. {DAMAGED_FIX}")
    raw = b"".join(data(archive, info, offset, dtype.itemsize, where))
    try:
        text = str(np.frombuffer(raw, dtype=dtype)[0])
    except (ValueError, UnicodeError):
        raise ModelFileError(f"{where}: {CONFIG_KEY} is truncated or not text. "
                             + DAMAGED_FIX) from None
    depth = json_depth(text)
    if depth > MAX_CONFIG_DEPTH:
        raise ModelFileError(
            f"{where}: {CONFIG_KEY} nests lists or objects more than {MAX_CONFIG_DEPTH} deep "
            f"(a model's configuration nests about 6 deep), so it was not written by "
            f"save_model; nothing was parsed. {DAMAGED_FIX}"
        )
    try:
        header = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ModelFileError(f"{where}: {CONFIG_KEY} is not valid JSON ({exc}). "
                             + DAMAGED_FIX) from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ModelFileError(f"{where} is not a neuronlab model file ({CONFIG_KEY} has no "
                             f"'format': {FORMAT!r}).")
    version = header.get("format_version")
    if type(version) is not int or version not in READABLE_VERSIONS:
        raise ModelFileError(
            f"{where} uses model file format version {version!r}, but this neuronlab reads "
            f"versions {' and '.join(map(str, READABLE_VERSIONS))}. Load it with the neuronlab "
            f"that wrote it ({header.get('neuronlab_version', 'unknown')}) and save it again, "
            "or retrain."
        )
    for key in ("model", "n_inputs", "weights", "arrays", "sha256"):
        if key not in header:
            raise ModelFileError(f"{where}: {CONFIG_KEY} lacks the entry {key!r}. "
                                 + DAMAGED_FIX)
    return header


_JSON_TOKENS = re.compile(r'[\\"\[\]{}]')


def json_depth(text: str) -> int:
    """How deep ``text`` nests ``[`` and ``{`` (outside strings), counted without parsing.

    Stops counting once past :data:`MAX_CONFIG_DEPTH`; one linear pass, so a hostile text
    can neither recurse the parser nor take long.
    """
    depth = deepest = 0
    in_string = False
    escaped = -1  # the position a backslash escapes
    for match in _JSON_TOKENS.finditer(text):
        position, char = match.start(), match.group()
        if position == escaped:
            continue
        if in_string:
            if char == "\\":
                escaped = position + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_CONFIG_DEPTH:
                    break
        elif char in "]}":
            depth -= 1
    return deepest


def invalid(where: str, exc: BaseException) -> ModelFileError:
    return ModelFileError(
        f"{where} does not describe a valid model ({type(exc).__name__}: "
        f"{str(exc).rstrip('.')}). The file is damaged, was edited, or was written by an "
        f"incompatible program. {DAMAGED_FIX}"
    )


BAD_CONFIG = (NeuronlabError, LookupError, TypeError, ValueError, AttributeError,
               ArithmeticError)
_FLOAT_DTYPES = (np.dtype(np.float32).str, np.dtype(np.float64).str)


def listing(header: dict[str, Any], where: str) -> Layout:
    """``config.json``'s table of arrays: a name, shape and float dtype for each."""
    listed = header["arrays"]
    layout: Layout = {}
    if isinstance(listed, dict):
        for name, entry in listed.items():
            shape = entry.get("shape") if isinstance(entry, dict) else None
            if (not isinstance(shape, list) or len(shape) > 4
                    or not all(type(n) is int and n >= 0 for n in shape)
                    or entry.get("dtype") not in _FLOAT_DTYPES or len(entry) != 2):
                break
            layout[name] = (tuple(shape), entry["dtype"])
        else:
            return layout
    raise ModelFileError(
        f"{where}: {CONFIG_KEY} should list each array as {{'shape': [...], 'dtype': '<f4' or "
        f"'<f8'}}, but lists {short(listed)}; the file is damaged. {DAMAGED_FIX}"
    )


def check_members(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo],
                   listing: Layout, where: str) -> dict[str, int]:
    """Every listed array is in the archive with its listed shape and size; nothing else is.

    Sizes come from the zip directory and the ``.npy`` headers: no data is unpacked.
    Returns where each array's data starts in its entry.
    """
    present = set(members) - {CONFIG_KEY}
    missing, extra = sorted(set(listing) - present), sorted(present - set(listing))
    if missing or extra:
        raise ModelFileError(
            f"{where} does not hold the arrays its {CONFIG_KEY} lists (missing: "
            f"{missing or 'none'}; unexpected: {extra or 'none'}); the file is damaged. "
            + DAMAGED_FIX
        )
    offsets = {}
    for name, (shape, dtype) in listing.items():
        info = members[name]
        nbytes = math.prod(shape) * np.dtype(dtype).itemsize
        if info.file_size > nbytes + NPY_HEADER_MAX + 12:
            raise ModelFileError(
                f"{where}: array {name!r} unpacks to {info.file_size:,} bytes, but {CONFIG_KEY} "
                f"says shape {shape} and dtype {dtype} ({nbytes:,} bytes); the file is damaged "
                f"(nothing was unpacked). {DAMAGED_FIX}"
            )
        with archive.open(info) as stream:
            found, found_dtype = npy_header(stream, name, where)
            offsets[name] = stream.tell()
        if found != shape or found_dtype.str != dtype:
            raise ModelFileError(
                f"{where}: array {name!r} has shape {found} and dtype {found_dtype.str}, but "
                f"{CONFIG_KEY} says shape {shape} and dtype {dtype}; the file is damaged. "
                + DAMAGED_FIX
            )
        if offsets[name] + nbytes != info.file_size:
            raise ModelFileError(
                f"{where}: array {name!r} holds {info.file_size - offsets[name]:,} bytes of data "
                f"where shape {shape} and dtype {dtype} need {nbytes:,}; the file is damaged. "
                + DAMAGED_FIX
            )
    return offsets


def check_layout(header: dict[str, Any], model: Sequential, listing: Layout,
                  where: str) -> None:
    """The arrays the model needs, worked out from its layers' units and ``n_inputs``,
    are exactly those listed: the weights in order, then the optimizer's state."""
    try:
        shape = input_shape(header)
        if model.input_shape not in (None, shape):
            if len(shape) == 1 and model.n_inputs is not None:
                raise ConfigError(f"the first layer's input_shape says {model.n_inputs} "
                                  f"inputs, n_inputs says {shape[0]}")
            raise ConfigError(f"the first layer's input_shape says {model.input_shape}, "
                              f"the file says {shape}")
        dtype = model.dtype.str
        needed: Layout = {}
        for i, layer in enumerate(model.layers):
            for name, weight_shape, _ in layer.weight_specs(shape):
                needed[f"layers.{i}.{name}"] = (tuple(weight_shape), dtype)
            shape = layer.compute_output_shape(shape)
        weights = list(needed)
        if header["weights"] != weights:
            raise ConfigError(f"the model has the weights {weights}, {CONFIG_KEY} lists "
                              f"{short(header['weights'])}")
        saved = header.get("optimizer")
        if saved is not None:
            iterations, state = saved["iterations"], saved["state"]
            if type(iterations) is not int or iterations < 0:
                raise ConfigError(f"the optimizer's step count must be a whole number >= 0, "
                                  f"got {iterations!r}")
            if not isinstance(state, list) or len(state) not in (0, len(weights)):
                raise ConfigError(f"the optimizer state must cover the {len(weights)} "
                                  f"parameters, got {short(state)}")
            for j, keys in enumerate(state):
                if (not isinstance(keys, list) or not all(isinstance(k, str) for k in keys)
                        or len(set(keys)) != len(keys)):
                    raise ConfigError(f"optimizer state {j} must list names, got {short(keys)}")
                for key in keys:
                    needed[f"optimizer.{j}.{key}"] = needed[weights[j]]
    except BAD_CONFIG as exc:
        raise invalid(where, exc) from None
    for name, (shape, dtype) in needed.items():
        if listing.get(name) == (shape, dtype):
            continue
        if name.startswith("layers.") and name.endswith(".W"):
            needs = (f"Dense({shape[0]}) expects W of shape ({shape[0]}, n_inputs), here "
                     f"{shape} with dtype {dtype}")
        else:
            needs = f"{name!r} needs shape {shape} and dtype {dtype}"
        found = "does not list it" if name not in listing else f"lists {listing[name]}"
        raise ModelFileError(
            f"{where} does not describe a valid model: {needs}, but {CONFIG_KEY} {found}. "
            f"It was written by an incompatible program or edited. {DAMAGED_FIX}"
        )
    if set(listing) != set(needed):
        raise ModelFileError(
            f"{where} does not describe a valid model: it holds the arrays "
            f"{sorted(set(listing) - set(needed))}, which the model does not use. "
            + DAMAGED_FIX
        )


def data(archive: zipfile.ZipFile, info: zipfile.ZipInfo, offset: int, nbytes: int,
          where: str) -> Iterator[bytes]:
    """The data bytes of one entry in pieces of at most 1 MiB, all there and no more."""
    with archive.open(info) as stream:
        stream.read(offset)
        left = nbytes
        while left:
            piece = stream.read(min(left, CHUNK))
            if not piece:
                raise ModelFileError(f"{where}: the entry {info.filename!r} ends early; the "
                                     f"file is truncated. {DAMAGED_FIX}")
            left -= len(piece)
            yield piece
        if stream.read(1):  # also makes zipfile check the entry's CRC-32
            raise ModelFileError(f"{where}: the entry {info.filename!r} is longer than its "
                                 f"header says; the file is damaged. {DAMAGED_FIX}")


def stream_digest(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo],
                   header: dict[str, Any], listing: Layout, offsets: dict[str, int],
                   where: str) -> str:
    """The checksum of the file, computed 1 MiB at a time (nothing kept in memory)."""
    digest = start_digest(header)
    for name in sorted(listing):
        shape, dtype = listing[name]
        digest.update(array_prefix(name, shape, dtype))
        nbytes = math.prod(shape) * np.dtype(dtype).itemsize
        for piece in data(archive, members[name], offsets[name], nbytes, where):
            digest.update(piece)
    return str(digest.hexdigest())


def read_array(archive: zipfile.ZipFile, info: zipfile.ZipInfo,
                spec: tuple[tuple[int, ...], str], offset: int, where: str) -> np.ndarray:
    shape, dtype = spec
    array = np.empty(shape, dtype=dtype)
    buffer = array.reshape(-1).view(np.uint8)
    start = 0
    for piece in data(archive, info, offset, array.nbytes, where):
        buffer[start:start + len(piece)] = np.frombuffer(piece, dtype=np.uint8)
        start += len(piece)
    return array


def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def input_shape(header: dict[str, Any]) -> tuple[int, ...]:
    """The shape of one input sample: ``(n_inputs,)``, or the header's ``input_shape``
    for a model on images (whose ``n_inputs`` is null)."""
    n_inputs = header["n_inputs"]
    if n_inputs is None and "input_shape" in header:
        shape = header["input_shape"]
        if (not isinstance(shape, list) or not shape
                or not all(type(n) is int and n >= 1 for n in shape)):
            raise ConfigError(f"input_shape must be a list of whole numbers >= 1, got "
                              f"{short(shape)}")
        return tuple(shape)
    if type(n_inputs) is not int or n_inputs < 1:
        raise ConfigError(f"n_inputs must be a whole number >= 1, got {n_inputs!r}")
    return (n_inputs,)
