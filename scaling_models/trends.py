r"""Each capacity metric's trend toward its thresholds: "ceiling plus history".

:func:`threshold_forecast` extrapolates a log-linear trend of one metric to the month it
crosses its attention and critical thresholds, with a 90 % interval, and refuses to give a
date when the trend is not there (a poor fit is flagged, not dated with false confidence);
:func:`capacity_forecasts` does it for every capacity metric of the company history.

Units: time in months, utilisation as fractions in [0, 1], latency in seconds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from scaling_models import resources as _resources
from scaling_models._checks import require_between, require_integer, require_positive
from scaling_models._history import (
    history_column,
    history_frame,
    monthly_values,
    ols,
    t_quantile,
    threshold_limits,
    threshold_table,
)

__all__ = [
    "Crossing",
    "ThresholdForecast",
    "CAPACITY_METRICS",
    "MIN_R_SQUARED",
    "MIN_POINTS",
    "threshold_forecast",
    "capacity_forecasts",
]

#: A trend whose coefficient of determination is below this is too noisy to date a
#: crossing: with R^2 < 0.5 more than half the variance of the log metric is noise.
MIN_R_SQUARED = 0.5
#: Fewer points than this give a slope whose standard error is itself unreliable (with 5
#: points the slope has 3 degrees of freedom and needs |t| > 2.35 to be significant).
MIN_POINTS = 5

_DIRECTIONS = ("higher_is_worse", "lower_is_worse")

#: Threshold metric -> history column(s) used by :func:`capacity_forecasts`. A pair is a
#: ratio (numerator, denominator). ``{stat}`` is ``avg`` or ``peak``. The resources come
#: from the resource registry (:mod:`scaling_models.resources`).
CAPACITY_METRICS: Mapping[str, str | tuple[str, str]] = {
    **{r.metric: f"{r.column_prefix}_{{stat}}" for r in _resources.RESOURCES.values()},
    "db_connections": ("db_connections_in_use", "db_pool_size"),
    "p95_response_time_s": "p95_response_time_s",
}


# --------------------------------------------------------------------------------------
# 3. trend toward thresholds


@dataclass(frozen=True, kw_only=True)
class Crossing:
    """When a metric's trend crosses one threshold.

    Attributes
    ----------
    level : float
        The threshold. [unit of the metric]
    status : str
        ``"already crossed"`` (the last observation is beyond ``level``), ``"forecast"``
        (the trend crosses within the horizon), ``"not within horizon"`` (later, or the
        trend moves away or is flat) or ``"poor fit"`` (no date: see the warning).
    months : float
        Months from the last observation to the crossing of the fitted trend (0 when
        already crossed; NaN without a trend toward ``level``). [month]
    months_low, months_high : float
        90 % interval of ``months`` (Fieller), clipped at 0. [month]
    period, period_low, period_high : pandas.Period or None
        First calendar month at or after ``months`` / the interval bounds (the last
        observed month when already crossed). None when the status is neither
        ``"forecast"`` nor ``"already crossed"``, or the series had no dates.
    """

    level: float
    status: str
    months: float = math.nan
    months_low: float = math.nan
    months_high: float = math.nan
    period: pd.Period | None = None
    period_low: pd.Period | None = None
    period_high: pd.Period | None = None


@dataclass(frozen=True, kw_only=True)
class ThresholdForecast:
    """Log-linear trend of a metric and its crossing of the attention and critical levels.

    Attributes
    ----------
    name : str or None
        Name of the series (its ``name`` attribute).
    direction : str
        ``"higher_is_worse"`` or ``"lower_is_worse"``.
    n_points : int
        Months used in the fit. [month]
    fit_start : pandas.Period or None
        First month of the fit (after the last step when ``after_drop`` is used).
    last_value : float
        Last observation. [unit of the metric]
    last_period : pandas.Period or None
        Month of the last observation.
    monthly_growth : float
        Fitted growth of the metric, ``exp(slope) - 1``. [month⁻¹]
    slope, slope_se : float
        Slope of the log metric and its standard error. [month⁻¹]
    r_squared : float
        Coefficient of determination of the log fit (NaN for a constant series).
    poor_fit : bool
        True when the fit is too poor to date a crossing.
    warning : str
        Why the fit is poor ('' otherwise).
    horizon_months : int
        Horizon beyond which a crossing is reported as ``"not within horizon"``. [month]
    attention, critical : Crossing
        Crossing of each threshold.
    """

    name: str | None
    direction: str
    n_points: int
    fit_start: pd.Period | None
    last_value: float
    last_period: pd.Period | None
    monthly_growth: float
    slope: float
    slope_se: float
    r_squared: float
    poor_fit: bool
    warning: str
    horizon_months: int
    attention: Crossing
    critical: Crossing


def _period_after(last: pd.Period | None, months: float) -> pd.Period | None:
    """First whole month whose start is at or after ``months`` (never the last one)."""
    if last is None or not math.isfinite(months):
        return None
    return last + max(1, math.ceil(months - 1e-9))


def _crossing(
    level: float, fit: dict[str, float], *, last_value: float, last: pd.Period | None,
    sign: int, poor: bool, horizon: int, t_q: float
) -> Crossing:
    if sign * (last_value - level) > 0:
        return Crossing(level=level, status="already crossed", months=0.0, months_low=0.0,
                        months_high=0.0, period=last, period_low=last, period_high=last)
    if poor:
        return Crossing(level=level, status="poor fit")
    # ``poor`` is False only for a significant slope or an exact line, so qa > 0 below
    b = fit["slope"]
    if sign * b <= 0:
        return Crossing(level=level, status="not within horizon")
    target = math.log(level)
    months = (target - fit["intercept"]) / b  # t = 0 is the last observation
    # Fieller: months t where the confidence band of the mean line contains the level.
    d = fit["y_bar"] - target
    k2 = (t_q * fit["s"]) ** 2
    qa = b * b - k2 / fit["sxx"]
    qb = 2.0 * b * d
    qc = d * d - k2 / fit["n"]
    root = math.sqrt(max(qb * qb - 4.0 * qa * qc, 0.0))
    u_low, u_high = sorted(((-qb - root) / (2 * qa), (-qb + root) / (2 * qa)))
    low, high = (max(u + fit["t_bar"], 0.0) for u in (u_low, u_high))
    months = max(months, 0.0)
    within = months <= horizon
    return Crossing(
        level=level,
        status="forecast" if within else "not within horizon",
        months=months, months_low=low, months_high=high,
        period=_period_after(last, months) if within else None,
        period_low=_period_after(last, low) if within else None,
        period_high=_period_after(last, high) if within else None,
    )


def _check_direction(direction: str, attention: float, critical: float) -> int:
    if direction not in _DIRECTIONS:
        raise ValueError(f"direction must be one of {_DIRECTIONS}; got {direction!r}")
    require_positive(attention=attention, critical=critical)
    if direction == "higher_is_worse" and not attention < critical:
        raise ValueError(
            "attention must be < critical when higher is worse; "
            f"got attention={attention!r}, critical={critical!r}"
        )
    if direction == "lower_is_worse" and not attention > critical:
        raise ValueError(
            "attention must be > critical when lower is worse; "
            f"got attention={attention!r}, critical={critical!r}"
        )
    return 1 if direction == "higher_is_worse" else -1


def threshold_forecast(
    series: ArrayLike,
    *,
    attention: float,
    critical: float,
    direction: str = "higher_is_worse",
    window: int = 12,
    horizon_months: int = 36,
    min_r_squared: float = MIN_R_SQUARED,
    min_points: int = MIN_POINTS,
    credibility: float = 0.90,
    after_drop: float | None = None,
) -> ThresholdForecast:
    r"""Forecast the month a metric's trend crosses its attention and critical thresholds.

    Parameters
    ----------
    series : pandas.Series or array_like
        Monthly values of a positive metric that grows with load (utilisation, P95
        latency...), oldest first; a monthly Period or Datetime index gives calendar
        months to the forecast. [unit of the metric]
    attention, critical : float
        Thresholds, in the unit of the series (0.70 for 70 % CPU). With
        ``"higher_is_worse"`` attention < critical; with ``"lower_is_worse"`` the reverse.
    direction : {"higher_is_worse", "lower_is_worse"}
        Which side of the thresholds is bad.
    window : int, default 12
        Fit on the last ``window`` months (at least 3). [month]
    horizon_months : int, default 36
        Crossings later than this are ``"not within horizon"``. [month]
    min_r_squared : float, default 0.5
        Below this R² the fit is flagged poor (:data:`MIN_R_SQUARED`).
    min_points : int, default 5
        Fewer fitted months than this are flagged poor (:data:`MIN_POINTS`).
    credibility : float, default 0.90
        Coverage of the crossing interval; the slope must also be significant at
        ``1 - credibility`` (two-sided) for the fit not to be poor.
    after_drop : float, optional
        When given (a fraction in (0, 1), e.g. 0.25), fit only the months after the last
        one-month move of more than this fraction away from the bad side within the
        window (a fall for ``"higher_is_worse"``): utilisation steps down at each
        capacity upgrade, then grows again with load (a sawtooth), and only the current
        tooth says when the current capacity runs out.

    Returns
    -------
    ThresholdForecast

    Raises
    ------
    ValueError
        If the series holds NaN or non-positive values, is shorter than ``window``, if
        ``window < 3``, the thresholds are not positive or not ordered for ``direction``.

    Notes
    -----
    Model: the metric grows geometrically with load, so its log is a straight line in
    time, :math:`\ln y_t = a + b t + \varepsilon_t` with iid normal errors, fitted by
    least squares with :math:`t = 0` at the last observation. The trend reaches level
    :math:`c` at :math:`\hat t = (\ln c - \hat a) / \hat b`. Its interval is Fieller's
    [1]_ (inverse prediction, [2]_ sec. 3.2): the months where the confidence band of the
    mean line, :math:`\hat a + \hat b t \pm t_q s \sqrt{1/n + (t - \bar t)^2 / S_{tt}}`,
    contains :math:`\ln c`. It is a bounded interval exactly when the slope is
    significant, :math:`|\hat b| / \mathrm{se}(\hat b) > t_q`; otherwise (or when
    :math:`R^2 <` ``min_r_squared`` or fewer than ``min_points`` months) the fit is
    flagged poor and no date is given. Utilisation cannot exceed 1, so a trend is only a
    guide until it meets the threshold, not beyond.

    References
    ----------
    .. [1] E. C. Fieller, "Some problems in interval estimation," Journal of the Royal
       Statistical Society B, vol. 16, no. 2, pp. 175-185, 1954.
       doi:10.1111/j.2517-6161.1954.tb00159.x
    .. [2] N. R. Draper and H. Smith, *Applied Regression Analysis*, 3rd ed. Wiley, 1998.
       doi:10.1002/9781118625590
    """
    window = require_integer("window", window, minimum=3)
    horizon_months = require_integer("horizon_months", horizon_months, minimum=1)
    min_points = require_integer("min_points", min_points, minimum=3)
    require_between("min_r_squared", min_r_squared, 0.0, 1.0)
    require_between("credibility", credibility, 0.0, 1.0,
                    low_inclusive=False, high_inclusive=False)
    if after_drop is not None:
        require_between("after_drop", after_drop, 0.0, 1.0,
                        low_inclusive=False, high_inclusive=False)
    sign = _check_direction(direction, attention, critical)
    name = series.name if isinstance(series, pd.Series) else None
    values, periods = monthly_values("series", series, min_length=3, positive=True)
    if window > values.size:
        raise ValueError(
            f"window must be <= the length of series ({values.size} months); got {window}"
        )
    recent = np.log(values[-window:])
    step_at = None
    if after_drop is not None:
        # a step away from the bad side (a capacity upgrade) restarts the trend
        steps = sign * np.diff(recent) < math.log1p(-after_drop)
        if steps.any():
            step_at = int(np.flatnonzero(steps)[-1]) + 1
            recent = recent[step_at:]
    n = recent.size
    first = None if periods is None else periods[values.size - n]
    since = "" if step_at is None else f" since the step of more than {after_drop:.0%}"
    if n < 3:
        fit = {"slope": math.nan, "slope_se": math.nan, "r_squared": math.nan}
        reasons = [f"only {n} month{'s' if n > 1 else ''}{since}, no trend yet"]
        t_q = math.nan
    else:
        fit = ols(np.arange(-(n - 1), 1, dtype=float), recent)
        t_q = t_quantile(n - 2, 0.5 + credibility / 2.0)
        reasons = []
        if n < min_points:
            reasons.append(f"only {n} months{since} (< {min_points})")
        if not math.isnan(fit["r_squared"]) and fit["r_squared"] < min_r_squared:
            reasons.append(f"R^2 = {fit['r_squared']:.2f} < {min_r_squared:g}")
        if fit["s"] > 0 and abs(fit["slope"]) <= t_q * fit["slope_se"]:
            reasons.append(
                f"slope not significant (t = {fit['slope'] / fit['slope_se']:.2f}, "
                f"need |t| > {t_q:.2f})"
            )
    poor = bool(reasons)
    warning = ""
    if poor:
        label = f"{name}: " if name is not None else ""
        warning = (f"{label}poor log-linear fit over the last {n} months: "
                   + "; ".join(reasons) + "; no crossing date is given")

    last = None if periods is None else periods[-1]
    common = {"fit": fit, "last_value": float(values[-1]), "last": last, "sign": sign,
              "poor": poor, "horizon": horizon_months, "t_q": t_q}
    return ThresholdForecast(
        name=None if name is None else str(name),
        direction=direction,
        n_points=n,
        fit_start=first,
        last_value=float(values[-1]),
        last_period=last,
        monthly_growth=math.expm1(fit["slope"]),
        slope=fit["slope"],
        slope_se=fit["slope_se"],
        r_squared=fit["r_squared"],
        poor_fit=poor,
        warning=warning,
        horizon_months=horizon_months,
        attention=_crossing(float(attention), **common),
        critical=_crossing(float(critical), **common),
    )


def capacity_forecasts(
    history: pd.DataFrame,
    thresholds: pd.DataFrame | None = None,
    *,
    statistic: str = "avg",
    window: int = 12,
    horizon_months: int = 36,
    after_drop: float | None = 0.25,
) -> pd.DataFrame:
    """Apply :func:`threshold_forecast` to every capacity metric of the history.

    Parameters
    ----------
    history : pandas.DataFrame
        Monthly company history indexed by a monthly PeriodIndex (or with a ``month``
        column), with the columns of :data:`CAPACITY_METRICS`.
    thresholds : pandas.DataFrame, optional
        Indexed by metric with columns ``direction``, ``attention``, ``critical``;
        default :func:`scaling_models.thresholds.load_thresholds`.
    statistic : {"avg", "peak"}
        Average or peak utilisation for cpu, memory, db_utilisation and bandwidth.
    window : int, default 12
        Months fitted; shortened to the history when it is shorter. [month]
    horizon_months : int, default 36
        Forecast horizon. [month]
    after_drop : float or None, default 0.25
        Fit each metric from its last one-month fall of more than 25 % (a capacity
        upgrade: see :func:`threshold_forecast`); None fits the whole window.

    Returns
    -------
    pandas.DataFrame
        Indexed by metric: ``source`` (history column), ``fit_start``, ``n_points``,
        ``last_value``, ``monthly_growth``, ``r_squared``, ``poor_fit``, then for each
        of ``attention`` and ``critical``: ``<level>``, ``<level>_status``, ``<level>_months``,
        ``<level>_months_low``, ``<level>_months_high`` [month], ``<level>_month``,
        ``<level>_month_low``, ``<level>_month_high`` (calendar months as Periods, None when
        not dated), and ``warning``.

    Raises
    ------
    ValueError
        If a column or a threshold row is missing, or a metric is invalid for
        :func:`threshold_forecast`.
    """
    if statistic not in ("avg", "peak"):
        raise ValueError(f"statistic must be 'avg' or 'peak'; got {statistic!r}")
    history = history_frame(history)
    table = threshold_table(thresholds)
    window = require_integer("window", window, minimum=3)
    rows = {}
    for metric, source in CAPACITY_METRICS.items():
        if isinstance(source, tuple):
            series = history_column(history, source[0]) / history_column(history, source[1])
            label = f"{source[0]} / {source[1]}"
        else:
            label = source.format(stat=statistic)
            series = history_column(history, label)
        limits = threshold_limits(table, metric)
        if limits is None:
            raise ValueError(
                f"thresholds has no row for metric {metric!r}; got {list(table.index)}"
            )
        direction, attention, critical = limits
        series = series.rename(metric)
        forecast = threshold_forecast(
            series, attention=attention, critical=critical, direction=direction,
            window=min(window, len(series)), horizon_months=horizon_months,
            after_drop=after_drop,
        )
        row = {"source": label, "fit_start": forecast.fit_start,
               "n_points": forecast.n_points, "last_value": forecast.last_value,
               "monthly_growth": forecast.monthly_growth, "r_squared": forecast.r_squared,
               "poor_fit": forecast.poor_fit}
        for level in ("attention", "critical"):
            crossing: Crossing = getattr(forecast, level)
            row[level] = crossing.level
            row[f"{level}_status"] = crossing.status
            row[f"{level}_months"] = crossing.months
            row[f"{level}_months_low"] = crossing.months_low
            row[f"{level}_months_high"] = crossing.months_high
            row[f"{level}_month"] = crossing.period
            row[f"{level}_month_low"] = crossing.period_low
            row[f"{level}_month_high"] = crossing.period_high
        row["warning"] = forecast.warning
        rows[metric] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "metric"
    return out
