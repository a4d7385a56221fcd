"""Learners' answers as plain data: encode next to the learner's code, decode, compare.

A learner's function may return anything: a float, a list, a NumPy array, ``None``, a
string, a generator... :func:`encode` turns any of these into JSON-able data (so a
checker in another process can read it), :func:`decode` turns that back into Python
values, and :func:`compare` says in one sentence why an answer differs from the
expected one, or returns ``None`` when it matches::

    expected 1.0 (a number)  vs  got [1.0]  ->  "expected one number, got a list of 1"

>>> compare(1.0, decode(encode(1.0 + 1e-12)))
>>> compare(1.0, decode(encode(None)))
'expected a number, got None (did you forget `return`?)'
>>> compare([1.0, 2.0], decode(encode((1.0, 2.5))))
'at [1]: expected 2.0, got 2.5'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

RTOL = 1e-6
ATOL = 1e-9
MAX_ITEMS = 100_000  # numbers kept from one answer; a bigger answer is summarised
MAX_DEPTH = 20  # lists within lists kept from one answer


@dataclass(frozen=True)
class Opaque:
    """A value that is not a number, a list or an array: kept as its type and ``repr``."""

    type_name: str
    text: str

    def __repr__(self) -> str:
        return self.text


def _safe_repr(value: Any, limit: int = 120) -> str:
    try:
        text = repr(value)
    except Exception:  # a learner's __repr__ may raise
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def encode(value: Any, _budget: list[int] | None = None, _depth: int = 0) -> Any:
    """``value`` as JSON-able data tagged with its kind (``num``, ``list``, ``array``...).

    Answers too big (over :data:`MAX_ITEMS` numbers) or nested too deeply are kept
    as a short description.

    >>> encode((1, None))
    {'t': 'tuple', 'v': [{'t': 'num', 'v': 1}, {'t': 'none'}]}
    """
    budget = [MAX_ITEMS] if _budget is None else _budget
    if _depth > MAX_DEPTH:
        return {"t": "other", "type": type(value).__name__, "repr": "nested too deeply to show"}
    if value is None:
        return {"t": "none"}
    if isinstance(value, (bool, np.bool_)):
        return {"t": "bool", "v": bool(value)}
    if isinstance(value, (int, np.integer)):
        return {"t": "num", "v": int(value)}
    if isinstance(value, (float, np.floating)):
        return {"t": "num", "v": float(value)}
    if isinstance(value, str):
        return {"t": "str", "v": value[:200]}
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "biuf":
        return encode(value.item(), budget)  # a 0-d array is a number
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf" or value.size > budget[0]:
            return {"t": "other", "type": "ndarray", "repr": _safe_repr(value)}
        budget[0] -= value.size
        return {"t": "array", "shape": list(value.shape), "v": value.astype(float).ravel().tolist()}
    if isinstance(value, (list, tuple)):
        if len(value) > budget[0]:
            return {"t": "other", "type": type(value).__name__,
                    "repr": f"a {type(value).__name__} of {len(value)} items"}
        budget[0] -= len(value)
        kind = "tuple" if isinstance(value, tuple) else "list"
        return {"t": kind, "v": [encode(item, budget, _depth + 1) for item in value]}
    if isinstance(value, dict):
        return {"t": "dict", "v": {str(k): encode(v, budget, _depth + 1)
                                   for k, v in list(value.items())[:100]}}
    return {"t": "other", "type": type(value).__name__, "repr": _safe_repr(value)}


def decode(data: Any) -> Any:
    """The Python value :func:`encode` described (unknown kinds become :class:`Opaque`)."""
    kind = data.get("t") if isinstance(data, dict) else None
    if kind == "none":
        return None
    if kind in ("bool", "num", "str"):
        return data["v"]
    if kind == "array":
        return np.array(data["v"], dtype=float).reshape(data["shape"])
    if kind == "list":
        return [decode(item) for item in data["v"]]
    if kind == "tuple":
        return tuple(decode(item) for item in data["v"])
    if kind == "dict":
        return {k: decode(v) for k, v in data["v"].items()}
    if kind == "other":
        return Opaque(str(data.get("type")), str(data.get("repr")))
    return Opaque("unknown", _safe_repr(data))


# --------------------------------------------------------------------------- showing
def show(value: Any) -> str:
    """A short, readable rendering of an expected or received value.

    >>> show(0.1 + 0.2), show([1.0, 2.5]), show(None)
    ('0.3', '[1.0, 2.5]', 'None')
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return str(number)
        if isinstance(value, (int, np.integer)):
            return str(int(value))
        text = f"{number:.8g}"
        return text if any(c in text for c in ".en") else text + ".0"
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=6, suppress=True, threshold=30, edgeitems=3):
            text = np.array2string(value, separator=", ")
        return f"array({text}) of shape {value.shape}" if value.ndim > 1 else f"array({text})"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(show(v) for v in value[:12])
        if len(value) > 12:
            inner += f", ... ({len(value)} items)"
        return f"({inner}{',' if len(value) == 1 else ''})" if isinstance(value, tuple) \
            else f"[{inner}]"
    return _safe_repr(value)


def describe(value: Any) -> str:
    """What kind of thing ``value`` is, in words: ``a list of 3``, ``a string``..."""
    if value is None:
        return "None"
    if isinstance(value, bool):
        return f"the boolean {value}"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, tuple):
        return f"a tuple of {len(value)}"
    if isinstance(value, dict):
        return "a dict"
    if isinstance(value, Opaque):
        return f"a {value.type_name} ({value.text})"
    return f"a {type(value).__name__}"


# --------------------------------------------------------------------------- comparing
def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, str)


def _close(expected: float, got: float, rtol: float, atol: float) -> bool:
    return abs(expected - got) <= atol + rtol * abs(expected)


def _compare_number(expected: float, got: Any, rtol: float, atol: float) -> str | None:
    if got is None:
        return "expected a number, got None (did you forget `return`?)"
    if isinstance(got, (list, tuple, np.ndarray)):
        size = np.size(got) if not isinstance(got, (list, tuple)) else len(got)
        return f"expected one number, got {describe(got)}" + (
            "; return the number itself, not a list holding it" if size == 1 else "")
    if not _is_number(got):
        return f"expected a number, got {describe(got)}"
    number = float(got)
    if math.isnan(number):
        return "expected a number, got nan (not a number): some step overflowed or divided 0 by 0"
    if math.isinf(number) and not math.isinf(expected):
        return f"expected {show(expected)}, got {number} (an overflow)"
    if math.isinf(expected) or math.isinf(number):
        return None if expected == number else f"expected {show(expected)}, got {show(number)}"
    if _close(float(expected), number, rtol, atol):
        return None
    return f"expected {_apart(float(expected), number, rtol, atol)}"


def _as_array(got: Any) -> np.ndarray | None:
    if isinstance(got, np.ndarray):
        return got.astype(float)
    if not isinstance(got, (list, tuple)):
        return None
    try:
        array = np.array(got, dtype=float)
    except (TypeError, ValueError):
        return None
    return array


def _compare_array(expected: np.ndarray, got: Any, rtol: float, atol: float) -> str | None:
    if got is None:
        return (f"expected a list (or array) of numbers of shape {expected.shape}, got None "
                "(did you forget `return`?)")
    array = _as_array(got)
    if array is None:
        return (f"expected a list (or array) of numbers of shape {expected.shape}, got "
                f"{describe(got)}")
    if array.shape != expected.shape:
        return f"expected shape {expected.shape}, got shape {array.shape}: {show(got)}"
    if np.isnan(array).any():
        where = tuple(int(i) for i in np.argwhere(np.isnan(array))[0])
        return f"got nan (not a number) at {list(where)}: some step overflowed or divided 0 by 0"
    ok = np.abs(array - expected) <= atol + rtol * np.abs(expected)
    ok |= np.isinf(expected) & (array == expected)
    if ok.all():
        return None
    index = tuple(int(i) for i in np.argwhere(~ok)[0])
    label = "".join(f"[{i}]" for i in index)
    return f"at {label}: expected {_apart(float(expected[index]), float(array[index]), rtol, atol)}"


def _apart(expected: float, got: float, rtol: float, atol: float) -> str:
    """``E, got G``; when the two are close, both with as many digits as it takes to read
    differently, and how far apart they are against what the check allows.

    >>> _apart(0.254376, 0.25437652, 1e-6, 1e-9)
    '0.25437600, got 0.25437652 (off by 5.2e-07; the check allows 2.6e-07)'
    >>> _apart(2.0, 3.0, 1e-6, 1e-9)
    '2.0, got 3.0'
    """
    off = abs(got - expected)
    if off > 1e-3 * abs(expected):
        return f"{show(expected)}, got {show(got)}"
    digits = 8
    while digits < 17 and f"{expected:.{digits}g}" == f"{got:.{digits}g}":
        digits += 1
    return (f"{expected:#.{digits}g}, got {got:#.{digits}g} (off by {off:.2g}; the check "
            f"allows {atol + rtol * abs(expected):.2g})")


def compare(expected: Any, got: Any, parts: tuple[str, ...] = (), rtol: float = RTOL,
            atol: float = ATOL) -> str | None:
    """``None`` when ``got`` matches ``expected``, else one sentence saying how it differs.

    Numbers match within ``atol + rtol * |expected|``; a list, tuple or array matches
    an expected list or array of the same shape. A tuple ``expected`` with ``parts``
    (names such as ``("grad_W", "grad_b")``) is compared part by part.

    >>> compare((1.0, 2.0), (1.0, 3.0), parts=("w", "b"))
    'b: expected 2.0, got 3.0'
    """
    if parts:
        if not isinstance(got, (tuple, list)) or len(got) != len(parts):
            return (f"expected {len(parts)} results ({', '.join(parts)}), got {describe(got)}; "
                    f"return them as a tuple: return {', '.join(parts)}")
        for name, want, have in zip(parts, expected, got):
            message = compare(want, have, rtol=rtol, atol=atol)
            if message is not None:
                return f"{name}: {message}"
        return None
    if isinstance(expected, (bool, np.bool_)):
        if isinstance(got, (bool, int, float, np.number)) and float(got) == float(expected):
            return None
        return f"expected {expected}, got {show(got)}"
    if _is_number(expected):
        return _compare_number(float(expected), got, rtol, atol)
    if isinstance(expected, (list, tuple, np.ndarray)):
        return _compare_array(np.asarray(expected, dtype=float), got, rtol, atol)
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"expected {show(expected)}, got {describe(got)}"
        for key, want in expected.items():
            if key not in got:
                return f"{key}: missing"
            message = compare(want, got[key], rtol=rtol, atol=atol)
            if message is not None:
                return f"{key}: {message}"
        return None
    return None if expected == got else f"expected {show(expected)}, got {show(got)}"
