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
from numpy.typing import ArrayLike

from scaling_models import loaders, periods
from scaling_models._checks import (
    require_growth_rate,
    require_integer,
    require_positive,
)
from scaling_models.periods import monthly_rate, total_growth

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

#: The scenario file shipped with the package (``data/scenarios.yaml`` in the repository).
DEFAULT_SCENARIOS_PATH = loaders.DEFAULT_SCENARIOS_PATH

#: Allowed ``family`` values: docs/domain.md section 2, docs/domain.md section 8, user-added.
SCENARIO_FAMILIES = loaders.SCENARIO_FAMILIES


def _scalar_or_array(arr: np.ndarray) -> np.ndarray:
    # ``arr[()]`` turns a 0-d result into a numpy scalar and leaves arrays untouched.
    return arr[()]


# --------------------------------------------------------------------------- rates


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
        Horizon: the number of months projected after month 0, >= 0 (the result holds
        months 0 to ``months``). [month]

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
        Horizon: the number of months after month 0, >= 0 (as :func:`project`). [month]

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
    months = periods.month_index(history.index)

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


def scenarios(path: str | Path | Sequence[str | Path] | None = None) -> pd.DataFrame:
    """
    Growth scenarios from docs/domain.md sections 2 and 8 and the user's own, as a table.

    The files are read and validated by :func:`scaling_models.loaders.load_scenarios`;
    their fields and the table's columns, with units, are ``SCHEMAS["scenarios.yaml"]``
    (documented in data/README.md).

    Parameters
    ----------
    path : path or sequence of paths, optional
        YAML file(s) in the layout of ``data/scenarios.yaml``. ``None`` reads
        :data:`DEFAULT_SCENARIOS_PATH`. To add your scenarios to the shipped ones, pass
        ``[growth.DEFAULT_SCENARIOS_PATH, "mine.yaml"]``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``key``, in file order; ``growth_low`` and ``growth_high`` are the
        90 % interval of the monthly rate for Monte Carlo [month⁻¹].
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
    return loaders.load_scenarios(path)
