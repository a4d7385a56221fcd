"""Mutated model files: every load gives back the same model or raises ModelFileError.

Hypothesis damages a saved file in the ways files get damaged or edited: flipped bytes,
truncation, edited JSON values or text, swapped, dropped, repeated or extra entries,
and .npy headers that declare other shapes or dtypes. Whatever it does, loading must
either raise :class:`~neuronlab.errors.ModelFileError` (never another exception, never
a MemoryError, never more than a few MiB of memory), or succeed only when every entry
of the archive still holds exactly the bytes that were saved, and then predict exactly
like the original.

The number of examples is 300 by default; set NEURONLAB_FUZZ_EXAMPLES for more, e.g.
``NEURONLAB_FUZZ_EXAMPLES=20000 python -m pytest tests/test_io_fuzz.py``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tracemalloc
import warnings
import zipfile
from functools import lru_cache
from typing import Any

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from neuronlab import Adam, Dense, Dropout, ModelFileError, Sequential
from neuronlab.io import model_from_bytes, model_to_bytes

EXAMPLES = int(os.environ.get("NEURONLAB_FUZZ_EXAMPLES", "300"))
MEMORY_LIMIT = 50 * 2**20


# ---------------------------------------------------------------------------
# the original file
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def original() -> tuple[Sequential, bytes, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(24, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    model = Sequential([Dense(4, activation="tanh", input_shape=(3,)), Dropout(0.2),
                        Dense(4, activation="relu"), Dense(2, activation="softmax")],
                       seed=1, name="fuzzed")
    model.compile(Adam(0.01), "categorical_crossentropy", ["accuracy"])
    model.fit(X, y, epochs=2, batch_size=8, verbose=0, seed=0)
    return model, model_to_bytes(model), X


def entries(raw: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


@lru_cache(maxsize=1)
def original_entries() -> list[tuple[str, bytes]]:
    return entries(original()[1])


@lru_cache(maxsize=1)
def original_header() -> dict[str, Any]:
    text = dict(original_entries())["config.json.npy"]
    return json.loads(str(np.load(io.BytesIO(text), allow_pickle=False)))


def zipped(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about a repeated name: wanted here
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in members:
                archive.writestr(name, content)
    return buffer.getvalue()


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def with_config_text(text: str) -> bytes:
    return zipped([(name, npy(np.array(text)) if name == "config.json.npy" else content)
                   for name, content in original_entries()])


# Made before any strategy runs: Hypothesis must not see training touch random state.
original_entries()
original_header()


def meaning(members: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The entries, sorted, with config.json's JSON in one spelling (sorted keys, no spaces)."""
    result = []
    for name, content in members:
        if name == "config.json.npy":
            with contextlib.suppress(Exception):
                text = str(np.load(io.BytesIO(content), allow_pickle=False))
                content = json.dumps(json.loads(text), sort_keys=True,
                                     separators=(",", ":")).encode()
        result.append((name, content))
    return sorted(result)


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in the JSON header: each dict key and list index, at every depth."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += paths(inner, (*prefix, index))
    return found


# ---------------------------------------------------------------------------
# mutations
# ---------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 10) | st.sampled_from(
        [0, -1, 10_000_000, 2**31, 2**63, 10**30, 1.5, 1e-300, 1e300]) | st.floats()
    | st.text(max_size=12) | st.sampled_from(["relu", "sigmoid", "<f4", "<f8", "|O", "adam"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=8,
)


@st.composite
def flipped_bytes(draw: st.DrawFn) -> bytes:
    raw = bytearray(original()[1])
    for _ in range(draw(st.integers(1, 8))):
        raw[draw(st.integers(0, len(raw) - 1))] ^= draw(st.integers(1, 255))
    return bytes(raw)


@st.composite
def truncated(draw: st.DrawFn) -> bytes:
    raw = original()[1]
    start = draw(st.integers(0, len(raw) - 1))
    if draw(st.booleans()):
        return raw[:start]
    return raw[:start] + raw[start + draw(st.integers(1, 64)):]  # a piece cut out


@st.composite
def edited_json(draw: st.DrawFn) -> bytes:
    header = json.loads(json.dumps(original_header()))
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(paths(header) or [("format",)]))
        parent = header
        try:
            for step in where[:-1]:
                parent = parent[step]
            if draw(st.integers(0, 5)) == 0 and isinstance(parent, dict):
                parent.pop(where[-1], None)
            else:
                parent[where[-1]] = draw(json_values)
        except (KeyError, IndexError, TypeError):  # an earlier edit changed the path
            continue
    return with_config_text(json.dumps(header, indent=1))


@st.composite
def edited_json_text(draw: st.DrawFn) -> bytes:
    text = json.dumps(original_header(), indent=1)
    start = draw(st.integers(0, len(text)))
    end = start + draw(st.integers(0, 8))
    piece = draw(st.text(alphabet='{}[]",:0123456789.eE-+ \\truefalsnNI', max_size=12)
                 | st.sampled_from(["[" * 200, "{" * 100 + "}" * 100, '"', "\\", "9" * 400]))
    return with_config_text(text[:start] + piece + text[end:])


@st.composite
def shuffled_members(draw: st.DrawFn) -> bytes:
    members = list(original_entries())
    names = [name for name, _ in members]
    action = draw(st.sampled_from(["swap", "drop", "repeat", "rename", "extra", "reorder"]))
    i, j = draw(st.integers(0, len(members) - 1)), draw(st.integers(0, len(members) - 1))
    if action == "swap":  # two entries trade contents
        members[i], members[j] = (names[i], members[j][1]), (names[j], members[i][1])
    elif action == "drop":
        del members[i]
    elif action == "repeat":
        members.insert(j, members[i])
    elif action == "rename":
        members[i] = (draw(st.sampled_from([*names, "x.npy", "config.json", "a/../b.npy"])),
                      members[i][1])
    elif action == "extra":
        members.insert(j, (draw(st.sampled_from(["extra.npy", "optimizer.99.m.npy"])),
                           npy(np.zeros(draw(st.integers(0, 100)), dtype=np.float32))))
    else:  # the same entries in another order: still the same file
        members = draw(st.permutations(members))
    return zipped(members)


@st.composite
def reshaped_npy(draw: st.DrawFn) -> bytes:
    members = list(original_entries())
    i = draw(st.integers(0, len(members) - 1))
    name, content = members[i]
    stream = io.BytesIO(content)
    np.lib.format.read_magic(stream)
    shape, _, dtype = np.lib.format.read_array_header_1_0(stream)
    data = content[stream.tell():]
    new_shape = draw(st.one_of(
        st.just(shape),
        st.lists(st.integers(0, 10) | st.sampled_from([2**20, 10**7, 2**40]), max_size=3)
        .map(tuple)))
    new_dtype = draw(st.sampled_from([dtype.str, "<f4", "<f8", ">f4", "<i4", "<U3", "|O"]))
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": new_dtype, "fortran_order": draw(st.booleans()) and len(new_shape) > 1,
                 "shape": new_shape})
    cut = draw(st.sampled_from([0, 0, 0, 1, 4, 17]))
    members[i] = (name, header.getvalue() + data[:len(data) - cut])
    return zipped(members)


mutations = st.one_of(flipped_bytes(), truncated(), edited_json(), edited_json_text(),
                      shuffled_members(), reshaped_npy())


# ---------------------------------------------------------------------------
# the property
# ---------------------------------------------------------------------------


def load_with_peak(raw: bytes) -> tuple[Sequential | None, int]:
    """The model read from ``raw`` (None after a ModelFileError) and the peak memory."""
    already = tracemalloc.is_tracing()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    try:
        model: Sequential | None = model_from_bytes(raw)
    except ModelFileError:
        model = None
    finally:
        peak = tracemalloc.get_traced_memory()[1] - base
        if not already:
            tracemalloc.stop()
    return model, peak


@settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(raw=mutations)
def test_a_damaged_file_loads_the_same_model_or_raises_model_file_error(raw):
    loaded, peak = load_with_peak(raw)  # any other exception fails the test
    assert peak < MEMORY_LIMIT, f"loading took {peak / 2**20:.0f} MiB"
    event("refused" if loaded is None else "loaded")
    if loaded is None:
        return
    model, saved, X = original()
    # Loaded: then the mutation changed nothing that matters, e.g. the order of the
    # entries, a zip timestamp or the spacing of the JSON: every array entry holds exactly
    # the saved bytes, and config.json says exactly what was saved.
    assert raw == saved or meaning(entries(raw)) == meaning(original_entries())
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    for mine, theirs in zip(loaded.get_neuron_weights(), model.get_neuron_weights(), strict=True):
        np.testing.assert_array_equal(mine, theirs)
    assert loaded.get_config() == model.get_config()
    assert loaded.optimizer.iterations == model.optimizer.iterations
    for mine, theirs in zip(loaded.optimizer.state, model.optimizer.state, strict=True):
        assert mine.keys() == theirs.keys()
        for key in mine:
            np.testing.assert_array_equal(mine[key], theirs[key])


def test_the_unmutated_file_and_a_rezipped_copy_load():
    """The property above is not vacuous: intact files do load."""
    model, saved, X = original()
    for raw in (saved, zipped(original_entries()), zipped(original_entries()[::-1])):
        loaded, peak = load_with_peak(raw)
        assert loaded is not None and peak < MEMORY_LIMIT
        np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
