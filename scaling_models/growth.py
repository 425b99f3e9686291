"""User and traffic growth: compound and logistic curves, scenarios and fits to history.

Time is counted in months and growth rates are monthly fractions (0.15 = +15 % a month).
Curves follow the package convention: draws on axis 0, months on the last axis, so one
call serves the point estimate and a Monte Carlo run. The scenario table (docs/domain.md sections
2 and 8, plus the user's own) is read from ``data/scenarios.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from numpy.typing import ArrayLike

from scaling_models._checks import (
    as_float_array,
    require_growth_rate,
    require_integer,
    require_positive,
)

__all__ = [
    "DEFAULT_SCENARIOS_PATH",
    "SCENARIO_FAMILIES",
    "GrowthFit",
    "monthly_rate",
    "total_growth",
    "doubling_time",
    "project",
    "project_path",
    "logistic",
    "scenarios",
    "fit_growth",
]

#: The scenario file shipped with the repository (found relative to the package).
DEFAULT_SCENARIOS_PATH = Path(__file__).resolve().parent.parent / "data" / "scenarios.yaml"

#: Allowed ``family`` values: docs/domain.md section 2, docs/domain.md section 8, user-added.
SCENARIO_FAMILIES = ("projection_12m", "multi_year", "custom")


def _scalar_or_array(arr: np.ndarray) -> np.ndarray:
    # ``arr[()]`` turns a 0-d result into a numpy scalar and leaves arrays untouched.
    return arr[()]


# --------------------------------------------------------------------------- rates


def monthly_rate(total_growth: ArrayLike, months: ArrayLike) -> np.ndarray:
    r"""
    Constant monthly rate that compounds to ``total_growth`` over ``months``.

    Parameters
    ----------
    total_growth : array_like
        Growth over the whole horizon, as a fraction: 2.0 for +200 %. Must be > -1. [-]
    months : array_like
        Length of the horizon; need not be a whole number. Must be > 0. [month]

    Returns
    -------
    rate : ndarray or float
        Broadcast of the inputs. [month⁻¹]

    Notes
    -----
    The compound monthly growth rate (CMGR), the monthly analogue of CAGR [1]_:

    .. math:: r = (1 + g)^{1/m} - 1

    docs/domain.md section 2: +50 %, +200 %, +500 % over 12 months give 3.44 %, 9.59 % and
    16.1 % a month.

    References
    ----------
    .. [1] R. A. Brealey, S. C. Myers and F. Allen, *Principles of Corporate Finance*,
       13th ed., McGraw-Hill, 2020, ch. 2 (compound growth).

    Examples
    --------
    >>> round(float(monthly_rate(2.0, 12)), 5)
    0.09587
    """
    require_growth_rate(total_growth=total_growth)
    require_positive(months=months)
    g = np.asarray(total_growth, dtype=float)
    m = np.asarray(months, dtype=float)
    return _scalar_or_array(np.expm1(np.log1p(g) / m))


def total_growth(monthly_rate: ArrayLike, months: ArrayLike) -> np.ndarray:
    r"""
    Growth over ``months`` at a constant ``monthly_rate``; the inverse of :func:`monthly_rate`.

    Parameters
    ----------
    monthly_rate : array_like
        Monthly growth rate, > -1. [month⁻¹]
    months : array_like
        Horizon, >= 0. [month]

    Returns
    -------
    growth : ndarray or float
        :math:`(1 + r)^m - 1`, as a fraction (4.35 for +435 %). [-]

    Examples
    --------
    >>> round(float(total_growth(0.15, 12)), 2)  # docs/domain.md section 2 note: x5.35
    4.35
    """
    require_growth_rate(monthly_rate=monthly_rate)
    m = as_float_array("months", months)
    if np.any(m < 0):
        raise ValueError(f"months must be >= 0; got {months!r}")
    r = np.asarray(monthly_rate, dtype=float)
    return _scalar_or_array(np.expm1(m * np.log1p(r)))


def doubling_time(monthly_rate: ArrayLike) -> np.ndarray:
    r"""
    Months for a quantity growing at ``monthly_rate`` to double.

    Parameters
    ----------
    monthly_rate : array_like
        Monthly growth rate, > -1. [month⁻¹]

    Returns
    -------
    months : ndarray or float
        :math:`\ln 2 / \ln(1 + r)`; ``inf`` where ``r <= 0`` (the quantity never
        doubles). [month]

    Examples
    --------
    >>> round(float(doubling_time(0.15)), 3)
    4.959
    """
    require_growth_rate(monthly_rate=monthly_rate)
    r = np.asarray(monthly_rate, dtype=float)
    log_factor = np.log1p(r)
    positive = log_factor > 0
    out = np.divide(np.log(2.0), log_factor, out=np.full(r.shape, np.inf), where=positive)
    return _scalar_or_array(out)


# --------------------------------------------------------------------------- curves


def _month_axis(months: Any) -> np.ndarray:
    n = require_integer("months", months, minimum=0)
    return np.arange(n + 1, dtype=float)


def project(start: ArrayLike, monthly_rate: ArrayLike, months: int) -> np.ndarray:
    r"""
    Compound growth from ``start`` at a constant ``monthly_rate``, month 0 to ``months``.

    Parameters
    ----------
    start : array_like
        Value at month 0 (users, transactions, requests...), > 0. [unit of the quantity]
    monthly_rate : array_like
        Monthly growth rate, > -1. [month⁻¹]
    months : int
        Last month of the projection, >= 0. [month]

    Returns
    -------
    values : ndarray
        Shape ``broadcast(start, monthly_rate).shape + (months + 1,)``: scalars give
        ``(months + 1,)``, ``n`` rates give ``(n, months + 1)``. [unit of ``start``]

    Notes
    -----
    .. math:: N(t) = N_0 (1 + r)^t, \quad t = 0, 1, \dots, m

    Examples
    --------
    >>> project(50_000, 0.15, 2)
    array([50000., 57500., 66125.])
    """
    require_positive(start=start)
    require_growth_rate(monthly_rate=monthly_rate)
    t = _month_axis(months)
    n0 = np.asarray(start, dtype=float)[..., np.newaxis]
    log_factor = np.log1p(np.asarray(monthly_rate, dtype=float))[..., np.newaxis]
    return n0 * np.exp(log_factor * t)


def project_path(start: ArrayLike, monthly_rates: ArrayLike) -> np.ndarray:
    r"""
    Growth path with a different rate each month (Monte Carlo paths with monthly noise).

    Parameters
    ----------
    start : array_like
        Value at month 0, > 0; broadcast against ``monthly_rates.shape[:-1]``.
        [unit of the quantity]
    monthly_rates : array_like
        Shape ``(..., months)``: the rate applied from month ``k`` to ``k + 1`` is
        ``monthly_rates[..., k]``. Each > -1. [month⁻¹]

    Returns
    -------
    values : ndarray
        Shape ``(..., months + 1)``; ``values[..., 0] == start`` and
        ``values[..., k] = start * prod_{j < k} (1 + r_j)``. [unit of ``start``]

    Examples
    --------
    >>> project_path(100, [0.10, -0.10])
    array([100., 110.,  99.])
    """
    require_positive(start=start)
    require_growth_rate(monthly_rates=monthly_rates)
    rates = np.asarray(monthly_rates, dtype=float)
    if rates.ndim == 0:
        raise ValueError(
            "monthly_rates must have months on its last axis (shape (..., months)); "
            f"got the scalar {monthly_rates!r}: use project() for a constant rate"
        )
    n0 = np.asarray(start, dtype=float)
    batch = np.broadcast_shapes(n0.shape, rates.shape[:-1])
    out = np.empty(batch + (rates.shape[-1] + 1,))
    out[..., 0] = n0
    if batch == rates.shape[:-1]:
        # Write straight into the result: Monte Carlo paths can be large.
        np.cumprod(1.0 + rates, axis=-1, out=out[..., 1:])
    else:
        out[..., 1:] = np.cumprod(1.0 + rates, axis=-1)
    out[..., 1:] *= n0[..., np.newaxis]
    return out


def logistic(
    start: ArrayLike, monthly_rate: ArrayLike, market_size: ArrayLike, months: int
) -> np.ndarray:
    r"""
    Logistic (Verhulst) growth that saturates at ``market_size``.

    Parameters
    ----------
    start : array_like
        Value at month 0, > 0. [users]
    monthly_rate : array_like
        Early-stage compound monthly rate, > -1; the intrinsic rate is
        :math:`\ln(1 + r)` so the curve matches :func:`project` while far from the
        ceiling. [month⁻¹]
    market_size : array_like
        Ceiling :math:`K`, > ``start``. [users]
    months : int
        Last month, >= 0. [month]

    Returns
    -------
    values : ndarray
        Shape ``broadcast(start, monthly_rate, market_size).shape + (months + 1,)``.
        [users]

    Notes
    -----
    .. math:: N(t) = \frac{K}{1 + \frac{K - N_0}{N_0} e^{-\ln(1 + r)\, t}}

    References
    ----------
    .. [1] P.-F. Verhulst, "Notice sur la loi que la population suit dans son
       accroissement," Corresp. Math. Phys., vol. 10, pp. 113-121, 1838.

    Examples
    --------
    >>> logistic(1_000, np.expm1(0.3), 50_000, 12)[-1].round(3)
    np.float64(21377.914)
    """
    require_positive(start=start, market_size=market_size)
    require_growth_rate(monthly_rate=monthly_rate)
    n0 = np.asarray(start, dtype=float)
    k = np.asarray(market_size, dtype=float)
    above = k > n0
    if not np.all(above):
        raise ValueError(
            f"market_size must be > start; got market_size={market_size!r}, start={start!r}"
        )
    t = _month_axis(months)
    g = np.log1p(np.asarray(monthly_rate, dtype=float))[..., np.newaxis]
    n0, k = n0[..., np.newaxis], k[..., np.newaxis]
    return k / (1.0 + (k - n0) / n0 * np.exp(-g * t))


# --------------------------------------------------------------------------- fit


@dataclass(frozen=True, kw_only=True, eq=False)
class GrowthFit:
    """Monthly growth measured on a company's history (see :func:`fit_growth`).

    Attributes
    ----------
    mean_rate : float
        Geometric-mean monthly rate (CMGR over the window). [month⁻¹]
    std_rate : float
        Sample standard deviation (ddof=1) of the monthly rates. [month⁻¹]
    log_mean, log_std : float
        Mean and sample standard deviation (ddof=1) of ``ln(v[t] / v[t-1])``; the
        parameters of a lognormal growth factor for Monte Carlo. [month⁻¹]
    n_months : int
        Number of monthly rates used (one fewer than the points in the window). [month]
    start, end : pandas.Period
        First and last month of the window (``start`` is the base of the first rate).
    rates : pandas.Series
        Monthly rates indexed by the month they end in (PeriodIndex, freq ``M``). [month⁻¹]
    """

    mean_rate: float
    std_rate: float
    log_mean: float
    log_std: float
    n_months: int
    start: pd.Period
    end: pd.Period
    rates: pd.Series


def _month_index(history: pd.Series) -> pd.PeriodIndex:
    index = history.index
    if isinstance(index, pd.PeriodIndex):
        return index.asfreq("M")
    if isinstance(index, pd.DatetimeIndex):
        return index.to_period("M")
    if pd.api.types.is_numeric_dtype(index.dtype) or pd.api.types.is_bool_dtype(index.dtype):
        raise TypeError(
            "history must be indexed by month (DatetimeIndex, PeriodIndex or 'YYYY-MM' "
            f"strings); got an index of dtype {index.dtype} starting {list(index[:3])!r}"
        )
    periods = []
    for label in index:
        try:
            periods.append(pd.Period(str(label), freq="M"))
        except (ValueError, TypeError):
            raise ValueError(
                f"history index: cannot read {label!r} as a month; write months as 'YYYY-MM'"
            ) from None
    return pd.PeriodIndex(periods, freq="M")


def fit_growth(history: pd.Series, window: int | None = None) -> GrowthFit:
    r"""
    Monthly growth rate and its spread from a monthly history (users, revenue...).

    Parameters
    ----------
    history : pandas.Series
        One value per month, > 0, sorted, without duplicate or missing months. The index
        is a DatetimeIndex, a PeriodIndex or 'YYYY-MM' strings. [unit of the quantity]
    window : int, optional
        Use only the last ``window`` monthly rates (``window + 1`` points); >= 2.
        ``None`` uses the whole history. [month]

    Returns
    -------
    GrowthFit
        ``mean_rate`` is the geometric mean :math:`\exp(\overline{\ln(v_t/v_{t-1})}) - 1`
        (equal to the CMGR from the first to the last month of the window), ``std_rate``
        the sample standard deviation of :math:`v_t / v_{t-1} - 1`.

    Raises
    ------
    TypeError
        If ``history`` is not a Series or its index is not made of months.
    ValueError
        Fewer than 3 points, NaN, values <= 0, duplicate, unsorted or missing months, or
        a ``window`` longer than the history; the message names the months concerned.

    Notes
    -----
    Rates are counted between consecutive months, so January to June is 5 rates (some
    online CMGR calculators count 6).
    """
    if not isinstance(history, pd.Series):
        raise TypeError(f"history must be a pandas Series; got {type(history).__name__}")
    months = _month_index(history)

    duplicated = months[months.duplicated()]
    if len(duplicated):
        raise ValueError(
            f"history has duplicate months: {sorted({str(p) for p in duplicated})}"
        )
    ordinals = months.asi8
    steps = np.diff(ordinals)
    if np.any(steps < 0):
        i = int(np.argmax(steps < 0))
        raise ValueError(
            f"history months must be sorted; {months[i + 1]} comes after {months[i]}"
        )
    if np.any(steps > 1):
        full = pd.period_range(months[0], months[-1], freq="M")
        missing = [str(p) for p in full.difference(months)]
        raise ValueError(f"history has missing months (gaps): {missing}")

    try:
        values = history.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        raise TypeError(f"history values must be numbers; got dtype {history.dtype}") from None
    nan = np.isnan(values)
    if nan.any():
        raise ValueError(f"history has NaN values in months {[str(p) for p in months[nan]]}")
    bad = values <= 0
    if bad.any():
        listed = [f"{p}={float(v)!r}" for p, v in zip(months[bad], values[bad], strict=True)]
        raise ValueError(f"history values must be > 0; got {listed}")
    if len(values) < 3:
        raise ValueError(
            f"history needs at least 3 months to estimate a rate and its spread; "
            f"got {len(values)}"
        )

    if window is not None:
        w = require_integer("window", window, minimum=2)
        if w > len(values) - 1:
            raise ValueError(
                f"window must be <= {len(values) - 1} (the monthly rates in history, "
                f"{months[0]} to {months[-1]}); got {window!r}"
            )
        values, months = values[-(w + 1):], months[-(w + 1):]

    log_ratio = np.diff(np.log(values))
    rates = pd.Series(np.expm1(log_ratio), index=months[1:], name="monthly_rate")
    log_mean = float(log_ratio.mean())
    return GrowthFit(
        mean_rate=float(np.expm1(log_mean)),
        std_rate=float(rates.std(ddof=1)),
        log_mean=log_mean,
        log_std=float(log_ratio.std(ddof=1)),
        n_months=int(log_ratio.size),
        start=months[0],
        end=months[-1],
        rates=rates,
    )


# --------------------------------------------------------------------------- scenarios

_COLUMNS = (
    "family",
    "label",
    "total_user_growth",
    "horizon_months",
    "monthly_rate",
    "growth_low",
    "growth_high",
    "capacity_added",
    "infra_cost",
    "developers_added",
    "team_cost",
    "infrastructure",
    "architecture",
    "team",
    "risk",
)
_REQUIRED = ("key", "family", "label", "total_user_growth", "horizon_months")
_OPTIONAL_NUMBERS = ("capacity_added", "infra_cost", "developers_added", "team_cost")
_TEXT = ("infrastructure", "architecture", "team", "risk")
_ALLOWED = frozenset(
    _REQUIRED + _OPTIONAL_NUMBERS + _TEXT + ("growth_low", "growth_high", "growth_spread")
)


class _ScenarioError(ValueError):
    pass


def _number(where: str, field: str, value: Any, *, minimum: float | None = None) -> float:
    """Read one YAML number; strings like '1.5e6' are accepted (YAML 1.1 reads them as text)."""
    if isinstance(value, bool) or value is None:
        raise _ScenarioError(f"{where}: field {field!r} must be a number; got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _ScenarioError(
            f"{where}: field {field!r} must be a number; got {value!r}"
        ) from None
    if not np.isfinite(number):
        raise _ScenarioError(f"{where}: field {field!r} must be finite; got {value!r}")
    if minimum is not None and number < minimum:
        raise _ScenarioError(f"{where}: field {field!r} must be >= {minimum:g}; got {value!r}")
    return number


def _spread(where: str, value: Any) -> float:
    spread = _number(where, "growth_spread", value, minimum=0)
    if spread >= 1:
        raise _ScenarioError(
            f"{where}: field 'growth_spread' must be in [0, 1) (a fraction of the total "
            f"growth: 0.5 means +/- 50 %); got {value!r}"
        )
    return spread


def _scenario_row(entry: Any, where: str, default_spread: float) -> tuple[str, dict]:
    if not isinstance(entry, dict):
        raise _ScenarioError(f"{where}: must be a mapping of fields; got {entry!r}")
    key = entry.get("key")
    if isinstance(key, str) and key.strip():
        where = f"{where.rsplit(' ', 1)[0]} {key!r}"
    unknown = sorted(set(entry) - _ALLOWED)
    if unknown:
        raise _ScenarioError(
            f"{where}: unknown field(s) {unknown}; allowed: {sorted(_ALLOWED)}"
        )
    for field in _REQUIRED:
        if entry.get(field) is None:
            raise _ScenarioError(f"{where}: missing field {field!r}")
    if not isinstance(key, str) or not key.strip():
        raise _ScenarioError(f"{where}: field 'key' must be a non-empty string; got {key!r}")
    if entry["family"] not in SCENARIO_FAMILIES:
        raise _ScenarioError(
            f"{where}: field 'family' must be one of {list(SCENARIO_FAMILIES)}; "
            f"got {entry['family']!r}"
        )
    if not isinstance(entry["label"], str):
        raise _ScenarioError(f"{where}: field 'label' must be text; got {entry['label']!r}")

    growth = _number(where, "total_user_growth", entry["total_user_growth"])
    if growth < 0:
        raise _ScenarioError(
            f"{where}: field 'total_user_growth' must be >= 0 (negative growth is not a "
            f"scaling scenario; write 0.5 for +50 %); got {entry['total_user_growth']!r}"
        )
    try:
        horizon = require_integer("'horizon_months'", entry["horizon_months"], minimum=1)
    except (TypeError, ValueError) as err:
        raise _ScenarioError(f"{where}: field {err}") from None
    rate = float(monthly_rate(growth, horizon))

    explicit = [f for f in ("growth_low", "growth_high") if entry.get(f) is not None]
    if len(explicit) == 1:
        missing = ({"growth_low", "growth_high"} - set(explicit)).pop()
        raise _ScenarioError(
            f"{where}: field {missing!r} is missing; give both growth_low and growth_high "
            "or neither"
        )
    if explicit:
        if entry.get("growth_spread") is not None:
            raise _ScenarioError(
                f"{where}: field 'growth_spread' conflicts with growth_low/growth_high; "
                "give one or the other"
            )
        low = _number(where, "growth_low", entry["growth_low"], minimum=-1)
        high = _number(where, "growth_high", entry["growth_high"], minimum=-1)
        if low <= -1:
            raise _ScenarioError(f"{where}: field 'growth_low' must be > -1; got {low!r}")
        if low > high:
            raise _ScenarioError(
                f"{where}: field 'growth_low' ({low:g}) is above growth_high ({high:g})"
            )
        if not low <= rate <= high:
            raise _ScenarioError(
                f"{where}: fields 'growth_low'..'growth_high' ({low:g}..{high:g}) must "
                f"contain the scenario's monthly rate {rate:.4f} (monthly rates, not totals)"
            )
    else:
        spread = default_spread
        if entry.get("growth_spread") is not None:
            spread = _spread(where, entry["growth_spread"])
        low = float(monthly_rate(growth * (1 - spread), horizon))
        high = float(monthly_rate(growth * (1 + spread), horizon))

    row: dict[str, Any] = {
        "family": entry["family"],
        "label": entry["label"],
        "total_user_growth": growth,
        "horizon_months": horizon,
        "monthly_rate": rate,
        "growth_low": low,
        "growth_high": high,
    }
    for field in _OPTIONAL_NUMBERS:
        value = entry.get(field)
        row[field] = np.nan if value is None else _number(where, field, value, minimum=0)
    for field in _TEXT:
        value = entry.get(field)
        if value is not None and not isinstance(value, str):
            raise _ScenarioError(f"{where}: field {field!r} must be text; got {value!r}")
        row[field] = value or ""
    return key, row


def _read_scenario_file(path: Path) -> list[tuple[str, dict]]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"scenario file not found: {name}") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ValueError(f"{name}: not valid YAML: {err}") from None
    if not isinstance(document, dict) or "scenarios" not in document:
        raise ValueError(f"{name}: expected a mapping with a 'scenarios' list at the top")
    unknown = sorted(set(document) - {"defaults", "scenarios"})
    if unknown:
        raise ValueError(f"{name}: unknown top-level key(s) {unknown}; allowed: defaults, "
                         "scenarios")
    defaults = document.get("defaults") or {}
    if not isinstance(defaults, dict) or set(defaults) - {"growth_spread"}:
        raise ValueError(f"{name}: 'defaults' may only hold growth_spread; got {defaults!r}")
    entries = document["scenarios"]
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{name}: 'scenarios' must be a non-empty list; got {entries!r}")
    try:
        spread = _spread(f"{name}: defaults", defaults.get("growth_spread", 0.5))
        return [
            _scenario_row(entry, f"{name}: scenario #{i + 1}", spread)
            for i, entry in enumerate(entries)
        ]
    except _ScenarioError as err:
        raise ValueError(str(err)) from None


def scenarios(path: str | Path | Sequence[str | Path] | None = None) -> pd.DataFrame:
    """
    Growth scenarios from docs/domain.md sections 2 and 8 and the user's own, as a table.

    Parameters
    ----------
    path : path or sequence of paths, optional
        YAML file(s) in the format documented at the top of ``data/scenarios.yaml``.
        ``None`` reads that file (:data:`DEFAULT_SCENARIOS_PATH`). To add your scenarios
        to the shipped ones, pass ``[growth.DEFAULT_SCENARIOS_PATH, "mine.yaml"]``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``key``, in file order, with columns ``family`` (``projection_12m``,
        ``multi_year`` or ``custom``), ``label``, ``total_user_growth`` [-],
        ``horizon_months`` [month], ``monthly_rate`` [month⁻¹], ``growth_low`` and
        ``growth_high`` (90 % interval of the monthly rate for Monte Carlo) [month⁻¹],
        ``capacity_added`` [-], ``infra_cost`` [EUR], ``developers_added`` [people],
        ``team_cost`` [EUR] (NaN when the source states none), and the text columns
        ``infrastructure``, ``architecture``, ``team``, ``risk`` ("" when not stated).
        ``df.attrs["sources"]`` lists the files read.

    Raises
    ------
    ValueError
        Invalid YAML, missing or unknown fields, negative growth, ``growth_low`` above
        ``growth_high``, unknown family, duplicate keys...; the message names the file,
        the scenario and the field.

    Notes
    -----
    When a scenario does not give ``growth_low``/``growth_high`` (monthly rates), the
    interval is derived from the total growth :math:`g` and a spread :math:`s` (default
    0.5, from ``defaults: growth_spread`` or the scenario's own ``growth_spread``):
    ``monthly_rate(g (1 - s), horizon)`` to ``monthly_rate(g (1 + s), horizon)``. This
    is the project's choice, not the article's: the article gives point scenarios only.
    """
    if path is None:
        paths = [DEFAULT_SCENARIOS_PATH]
    elif isinstance(path, (str, Path)):
        paths = [Path(path)]
    else:
        paths = [Path(p) for p in path]
        if not paths:
            raise ValueError("path must name at least one scenario file; got an empty list")
    keys: list[str] = []
    rows: list[dict] = []
    origin: dict[str, Path] = {}
    for file in paths:
        for key, row in _read_scenario_file(file):
            if key in origin:
                raise ValueError(
                    f"{file}: scenario {key!r}: field 'key' is a duplicate (already defined "
                    f"in {origin[key]})"
                )
            origin[key] = file
            keys.append(key)
            rows.append(row)
    table = pd.DataFrame(rows, index=pd.Index(keys, name="key"), columns=list(_COLUMNS))
    table["horizon_months"] = table["horizon_months"].astype("int64")
    table.attrs["sources"] = [str(p) for p in paths]
    return table
