"""Input checks shared by every public entry point.

Each check raises a :mod:`neuronlab.errors` exception whose message says what was
expected, what was received and how to fix it, so a learner never meets a bare NumPy
broadcasting error or a silent NaN.
"""

from __future__ import annotations

import difflib
import inspect
import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from .errors import ArgumentError, ConfigError, DataError, ShapeError, UnknownNameError


def as_float_array(
    data: Any, name: str = "X", dtype: Any = np.float64, ndim: int = 2, finite: bool = True
) -> np.ndarray:
    """Return ``data`` as a finite, non-empty float array with ``ndim`` dimensions.

    A 1-D input is accepted where 2-D is wanted only for ``name='y'``-style targets
    (callers reshape); here a 1-D array given for ``ndim=2`` is an error with a hint.

    >>> as_float_array([[1, 2], [3, 4]]).shape
    (2, 2)
    """
    arr = data if isinstance(data, np.ndarray) and data.dtype.kind in "fiub" \
        else as_array(data, name)
    if arr.dtype.kind not in "fiub":
        raise DataError(
            f"{name} must contain numbers, got values of type {arr.dtype} "
            f"(e.g. {arr.ravel()[:1].tolist()!r}). Convert text columns to numbers first."
        )
    if arr.size == 0:
        raise DataError(f"{name} is empty (shape {arr.shape}); give at least one sample.")
    if arr.ndim != ndim:
        if ndim == 2 and arr.ndim == 1:
            hint = (
                f"reshape it: {name}.reshape(-1, 1) for {arr.shape[0]} samples of one feature, "
                f"or {name}.reshape(1, -1) for one sample of {arr.shape[0]} features"
            )
        else:
            hint = f"reshape it to {ndim} dimensions"
        raise ShapeError(
            f"{name} must have {ndim} dimensions (samples, features), got shape "
            f"{arr.shape}; {hint}."
        )
    if arr.dtype == dtype:
        cast = arr
    else:
        with np.errstate(over="ignore", invalid="ignore"):  # too large for float32: inf
            cast = arr.astype(dtype, copy=False)
    if finite and not all_finite(cast):  # (finite=False: the caller checks its results)
        if arr.dtype.kind == "f" and not all_finite(arr):
            bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
            raise DataError(
                f"{name} contains {bad} NaN or infinite value(s); neuronlab needs finite "
                f"numbers. Drop or fill the missing values first (e.g. np.nan_to_num)."
            )
        largest = float(np.finfo(dtype).max)
        raise DataError(
            f"{name} holds values too large for {np.dtype(dtype).name} (largest magnitude "
            f"{np.abs(arr).max():.3g}; the most {np.dtype(dtype).name} holds is {largest:.3g}). "
            f"Scale the data down (e.g. divide by its largest value), or use "
            f"Sequential(..., dtype='float64')."
        )
    return cast


def as_array(data: Any, name: str = "X") -> np.ndarray:
    """``np.asarray(data)``, with a :class:`DataError` for ragged nested lists."""
    try:
        return np.asarray(data)
    except (ValueError, TypeError, OverflowError) as exc:  # ragged nested lists
        raise DataError(
            f"{name} must be a rectangular table of numbers, but its rows have different "
            f"lengths ({exc}). Give every row the same number of values."
        ) from None


def all_finite(arr: np.ndarray) -> bool:
    """True if no value is NaN or infinite.

    A NaN or an infinity makes every sum it is part of NaN or infinite, so a large array
    is first summed, column by column as one BLAS product (``ones @ arr``, one pass over
    the data, the fastest), and the exact, element by element check runs only when a
    sum is not finite (a NaN or infinity in it, or finite values whose sum overflowed).
    """
    if arr.size <= 4096:  # small: the exact check costs no more than a sum
        return bool(np.isfinite(arr).all())
    rows = arr.reshape(len(arr), -1) if arr.ndim > 1 and arr.flags.c_contiguous else None
    with np.errstate(over="ignore", invalid="ignore"):
        if rows is not None and arr.dtype in (np.float32, np.float64):
            sums = np.dot(np.ones(len(rows), arr.dtype), rows)
        else:
            sums = arr.sum()
    return bool(np.isfinite(sums).all() or np.isfinite(arr).all())


def canonical_name(kind: str, identifier: Any, names: Iterable[str],
                   aliases: Mapping[str, str] | None = None) -> str:
    """The one name ``identifier`` stands for: case and spaces ignored, aliases resolved.

    Raises :class:`UnknownNameError` listing the valid names, e.g. for ``kind="loss"``:
    ``Unknown loss 'hinge'. Valid names: mse, ...``.

    >>> canonical_name("metric", " Acc ", ["accuracy", "mae"], {"acc": "accuracy"})
    'accuracy'
    """
    valid = list(names)
    if isinstance(identifier, str):
        key = identifier.strip().lower()
        key = (aliases or {}).get(key, key)
        if key in valid:
            return key
    raise UnknownNameError(f"Unknown {kind} {identifier!r}. Valid names: {', '.join(valid)}.")


def check_number(value: Any, name: str, minimum: float | None = None,
                 maximum: float | None = None, *, below_maximum: bool = False,
                 above_minimum: bool = False) -> float:
    """Return ``value`` as a finite float within the bounds, else :class:`ConfigError`.

    ``minimum <= value <= maximum`` by default; ``above_minimum`` makes the lower bound
    strict (``>``), ``below_maximum`` the upper one (``<``). ``-0.0`` comes back as ``0.0``.

    >>> check_number(0.5, "rate", 0, 1, below_maximum=True)
    0.5
    >>> check_number("a", "rate", 0, 1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    neuronlab.errors.ConfigError: rate must be a number, got 'a' (str); give a number in [0, 1], ...
    """
    if minimum is not None and maximum is not None:
        rule = (f"in {'(' if above_minimum else '['}{minimum:g}, {maximum:g}"
                f"{')' if below_maximum else ']'}")
        wanted = rule
    else:
        bound = (f"{'>' if above_minimum else '>='} {minimum:g}" if minimum is not None else
                 f"{'<' if below_maximum else '<='} {maximum:g}" if maximum is not None else "")
        rule, wanted = bound, f"a finite number {bound}".rstrip()
    example = f"{minimum:g}" if minimum is not None and not above_minimum else "0.5"
    if isinstance(value, bool) or not isinstance(value, (int, float, str, np.number)):
        raise ConfigError(f"{name} must be a number, got {_short(value)} "
                          f"({type(value).__name__}); give a number {rule}, e.g. {example}.")
    try:
        number = float(value) + 0.0  # + 0.0 turns -0.0 into 0.0
    except OverflowError:
        raise ConfigError(f"{name} must be {wanted}, got a number too large for a float "
                          f"({str(value)[:20]}...). Give a smaller number.") from None
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {_short(value)} "
                          f"({type(value).__name__}); give a number {rule}, e.g. "
                          f"{example}.") from None
    ok = math.isfinite(number)
    if ok and minimum is not None:
        ok = number > minimum if above_minimum else number >= minimum
    if ok and maximum is not None:
        ok = number < maximum if below_maximum else number <= maximum
    if not ok:
        raise ConfigError(f"{name} must be {wanted}, got {_short(value)}.")
    return number


def _short(value: Any) -> str:
    """``repr(value)``, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_positive(value: Any, name: str, allow_zero: bool = False) -> float:
    """Return ``value`` as a float, raising :class:`ConfigError` unless it is > 0 (or >= 0)."""
    return check_number(value, name, 0, above_minimum=not allow_zero)


def check_int(value: Any, name: str, minimum: int = 1, maximum: int | None = None) -> int:
    """Return ``value`` as an int, raising :class:`ConfigError` unless it is a whole number
    ``>= minimum`` (and ``<= maximum``, when given)."""
    if (isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum
            or (maximum is not None and value > maximum)):
        upper = f" and <= {maximum:,}" if maximum is not None else ""
        raise ConfigError(f"{name} must be a whole number >= {minimum}{upper}, got "
                          f"{_short(value)}.")
    return int(value)


def check_seed(value: Any, name: str = "seed") -> int | None:
    """Return ``value`` if it is None or a whole number >= 0 (what NumPy can seed with).

    >>> check_seed(-1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    neuronlab.errors.ConfigError: seed must be None or a non-negative whole number ...
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ConfigError(
            f"{name} must be None or a non-negative whole number (0, 1, 2, ...), got "
            f"{_short(value)}. Use e.g. {name}=0 for repeatable results or {name}=None for "
            f"fresh ones."
        )
    return int(value)


def check_bool(value: Any, name: str) -> bool:
    """Return ``value`` if it is True or False (NumPy's bools too), else :class:`ConfigError`."""
    if not isinstance(value, (bool, np.bool_)):
        raise ConfigError(f"{name} must be True or False, got {_short(value)}.")
    return bool(value)


def check_call(what: str, function: Any, args: tuple[Any, ...] = (),
               kwargs: Mapping[str, Any] | None = None, method: bool = True) -> None:
    """Raise :class:`ArgumentError` unless ``function(*args, **kwargs)`` matches its
    signature (``method``: ``function`` is an ``__init__``, its ``self`` comes first).

    >>> check_call("ReLU", object.__init__, (), {"alpha": 0.1})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    neuronlab.errors.ArgumentError: ReLU does not take these arguments (alpha=0.1); ...
    """
    kwargs = dict(kwargs or {})
    if function is object.__init__:
        params: list[inspect.Parameter] = []
        ok = not args and not kwargs
    else:
        signature = inspect.signature(function)
        params = list(signature.parameters.values())[1 if method else 0:]
        try:
            signature.bind(*((None,) if method else ()), *args, **kwargs)
            ok = True
        except TypeError:
            ok = False
    if ok:
        return
    names = [p.name for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    unknown = {k: v for k, v in kwargs.items() if k not in names}
    given = [f"{k}={repr(v)[:20]}" for k, v in unknown.items()] if unknown else \
        [repr(a)[:20] for a in args] + [f"{k}={repr(v)[:20]}" for k, v in kwargs.items()]
    hint = " (neuronlab calls it learning_rate)" if "lr" in kwargs else ""
    for key in kwargs:  # an unknown keyword: name it, with its nearest valid spelling
        close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
        if key not in names and close and key != "lr":
            hint += f" ({key}= is not one of them; did you mean {close[0]}=?)"
    takes = f"it takes: {', '.join(names)}" if names else "it takes no arguments"
    raise ArgumentError(f"{what} does not take these arguments ({', '.join(given)}){hint}; "
                        f"{takes}.")


def check_config(config: Any, kind: str) -> dict[str, Any]:
    """``config`` as a dict with a ``"name"`` key (what every ``get_config`` returns)."""
    if not isinstance(config, Mapping) or "name" not in config:
        raise ConfigError(
            f"A {kind} config must be a dict with a 'name' key, as get_config() returns "
            f"(e.g. {{'name': ...}}), got {_short(config)}."
        )
    return dict(config)
