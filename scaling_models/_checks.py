"""Input validation shared by every public entry point.

Each helper raises :class:`ValueError` whose message names the parameter, the rule it
breaks and the value received, e.g. ``"initial_users must be > 0; got -5"``. Arrays are
checked element-wise and the message quotes the first offending element and its index,
so a Monte Carlo caller learns which path is wrong without digging into numpy.
"""

from __future__ import annotations

import difflib
import math
import numbers
import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "closest_names",
    "scalar_or_array",
    "as_float_array",
    "require_finite",
    "require_positive",
    "require_nonnegative",
    "require_fraction",
    "require_between",
    "require_growth_rate",
    "require_integer",
    "require_ordered",
    "renamed",
]


def _describe(value: Any, bad: np.ndarray) -> str:
    """Quote a rejected value: the scalar itself, or an array's first bad element."""
    if bad.ndim == 0:
        return repr(value.item() if isinstance(value, np.ndarray) else value)
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    arr = np.asarray(value)
    where = index[0] if len(index) == 1 else index
    return f"{arr[index].item()!r} at index {where}"


def as_float_array(name: str, value: ArrayLike) -> np.ndarray:
    """Convert ``value`` to a float ndarray, rejecting non-numbers and NaN.

    Raises
    ------
    TypeError
        If ``value`` is not numeric (a string, ``None``, a boolean...).
    ValueError
        If ``value`` holds NaN.
    """
    if isinstance(value, (bool, np.bool_)) or value is None or isinstance(value, str):
        raise TypeError(f"{name} must be a number or an array of numbers; got {value!r}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a number or an array of numbers; got {value!r}"
        ) from None
    nan = np.isnan(arr)
    if nan.any():
        raise ValueError(f"{name} must not be NaN; got {_describe(value, nan)}")
    return arr


def _require(name: str, value: ArrayLike, ok: np.ndarray, rule: str) -> None:
    bad = ~ok
    if bad.any():
        raise ValueError(f"{name} must be {rule}; got {_describe(value, bad)}")


def require_finite(**named: ArrayLike) -> None:
    """Raise ValueError naming the first argument holding NaN or an infinity."""
    for name, value in named.items():
        arr = as_float_array(name, value)
        _require(name, value, np.isfinite(arr), "finite")


def require_positive(**named: ArrayLike) -> None:
    """Raise ValueError naming the first argument that is <= 0 or NaN."""
    for name, value in named.items():
        arr = as_float_array(name, value)
        _require(name, value, arr > 0, "> 0")


def require_nonnegative(**named: ArrayLike) -> None:
    """Raise ValueError naming the first argument that is < 0 or NaN."""
    for name, value in named.items():
        arr = as_float_array(name, value)
        _require(name, value, arr >= 0, ">= 0")


def require_fraction(**named: ArrayLike) -> None:
    """Raise ValueError naming the first argument outside [0, 1] (a share, not a percent)."""
    for name, value in named.items():
        arr = as_float_array(name, value)
        ok = (arr >= 0) & (arr <= 1)
        hint = " (a fraction: write 0.7 for 70 %)" if np.any(arr > 1) else ""
        _require(name, value, ok, f"between 0 and 1{hint}")


def require_between(
    name: str,
    value: ArrayLike,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> np.ndarray:
    """Check ``low <= value <= high`` (bounds optionally exclusive); return the array."""
    arr = as_float_array(name, value)
    ok = np.ones(arr.shape, dtype=bool)
    if low > -math.inf:
        ok &= arr >= low if low_inclusive else arr > low
    if high < math.inf:
        ok &= arr <= high if high_inclusive else arr < high
    left = "[" if low_inclusive else "("
    right = "]" if high_inclusive else ")"
    _require(name, value, ok, f"in {left}{low:g}, {high:g}{right}")
    return arr


def require_growth_rate(**named: ArrayLike) -> None:
    """Raise ValueError for a growth rate at or below -100 % (or NaN, or infinite)."""
    for name, value in named.items():
        arr = as_float_array(name, value)
        _require(name, value, np.isfinite(arr) & (arr > -1), "> -1 (above -100 %) and finite")


def require_integer(name: str, value: Any, minimum: int | None = None) -> int:
    """Return ``value`` as an int, rejecting floats with a fraction, bools and strings."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, float)):
        raise TypeError(f"{name} must be an integer; got {value!r}")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(f"{name} must be a whole number; got {value!r}")
    as_int = int(value)
    if minimum is not None and as_int < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value!r}")
    return as_int


def require_ordered(
    low_name: str, low: ArrayLike, high_name: str, high: ArrayLike, *, strict: bool = True
) -> None:
    """Raise ValueError unless ``low < high`` (or ``<=`` when not strict), element-wise."""
    lo = as_float_array(low_name, low)
    hi = as_float_array(high_name, high)
    ok = lo < hi if strict else lo <= hi
    if not np.all(ok):
        sign = "<" if strict else "<="
        raise ValueError(
            f"{low_name} must be {sign} {high_name}; got {low_name}={low!r}, {high_name}={high!r}"
        )


def closest_names(name: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` of ``choices`` that ``name`` was probably meant to be.

    Names sharing the first word come first (``cpu_usage`` -> ``cpu``), then difflib's
    similarity ranking (``n_path`` -> ``n_paths``), which alone would prefer ``storage``
    for ``cpu_usage``; within each group the most similar come first (``growth_lo`` ->
    ``growth_low`` before ``growth_high``).
    """
    pool = sorted(set(choices))
    head = name.lower().split("_")[0]

    def similarity(choice: str) -> float:
        return difflib.SequenceMatcher(None, name, choice).ratio()

    prefixed = sorted((c for c in pool if c.lower().split("_")[0] == head),
                      key=similarity, reverse=True)
    similar = difflib.get_close_matches(name, pool, n=n, cutoff=0.5)
    return list(dict.fromkeys(prefixed + similar))[:n]


def scalar_or_array(arr: np.ndarray, like: Any) -> np.ndarray | int | float | str:
    """``arr`` as a Python scalar when the input ``like`` was a scalar, else the array."""
    if np.ndim(like) == 0:
        return arr.item()
    return arr


def renamed(function: str, old: str, old_value: Any, new: str, new_value: Any,
            default: Any) -> Any:
    """The value of an argument renamed ``old`` -> ``new``, kept for one release.

    Returns ``new_value`` when the caller did not use ``old`` (``old_value is None``);
    otherwise ``old_value``, with a DeprecationWarning naming both. Giving both raises
    TypeError.
    """
    if old_value is None:
        return new_value
    if new_value is not default:
        raise TypeError(f"{function}() got both {old}= and {new}=; use {new}= only")
    warnings.warn(f"{function}({old}=...) is deprecated; use {new}=... ({old} will be "
                  "removed in the next release)", DeprecationWarning, stacklevel=3)
    return old_value
