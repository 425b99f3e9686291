r"""Forecasts calibrated on the company's own history ("measure, then decide").

Four jobs, each on the monthly history (one value per calendar month):

* :func:`growth_distribution` fits the monthly log growth of MAU over the last ``window``
  months, with the uncertainty of its mean from a moving-block bootstrap, so the Monte
  Carlo engine gets a growth interval measured rather than guessed;
* :func:`scenario_probabilities` and :func:`band_probabilities` turn that fit into the
  probability of reaching each growth scenario (DOMAIN sections 2 and 8);
* :func:`threshold_forecast` and :func:`capacity_forecasts` extrapolate a log-linear trend
  of each capacity metric to the month it crosses its attention and critical thresholds,
  with a 90 % interval, and refuse to give a date when the trend is not there;
* :func:`detect_signals` checks the history for the scaling signals of the source article
  (rising response time, more incidents, user growth above 20 %/month, fewer deployments,
  slower code review).

Units: time in months, growth rates per month as fractions (0.15 = 15 %/month),
utilisation and shares as fractions in [0, 1], latency in seconds.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special

from ._checks import (
    as_float_array,
    require_between,
    require_finite,
    require_growth_rate,
    require_integer,
    require_positive,
)

__all__ = [
    "GrowthCalibration",
    "Crossing",
    "ThresholdForecast",
    "CAPACITY_METRICS",
    "MIN_R_SQUARED",
    "MIN_POINTS",
    "BAND_FAMILY",
    "growth_distribution",
    "default_block_length",
    "probability_of_growth",
    "scenario_probabilities",
    "band_probabilities",
    "threshold_forecast",
    "capacity_forecasts",
    "detect_signals",
]

#: A trend whose coefficient of determination is below this is too noisy to date a
#: crossing: with R^2 < 0.5 more than half the variance of the log metric is noise.
MIN_R_SQUARED = 0.5
#: Fewer points than this give a slope whose standard error is itself unreliable (with 5
#: points the slope has 3 degrees of freedom and needs |t| > 2.35 to be significant).
MIN_POINTS = 5

#: Scenario family whose bands :func:`band_probabilities` reports by default.
BAND_FAMILY = "projection_12m"

_DIRECTIONS = ("higher_is_worse", "lower_is_worse")

#: Threshold metric -> history column(s) used by :func:`capacity_forecasts`. A pair is a
#: ratio (numerator, denominator). ``{stat}`` is ``avg`` or ``peak``.
CAPACITY_METRICS: Mapping[str, str | tuple[str, str]] = {
    "cpu": "cpu_{stat}",
    "memory": "memory_{stat}",
    "db_utilisation": "db_{stat}",
    "bandwidth": "bandwidth_{stat}",
    "db_connections": ("db_connections_in_use", "db_pool_size"),
    "p95_response_time_s": "p95_response_time_s",
}


# --------------------------------------------------------------------------------------
# input helpers


def _monthly_index(name: str, index: pd.Index) -> pd.PeriodIndex | None:
    """The index as monthly Periods when it is made of dates, after checking it is gap-free."""
    if isinstance(index, pd.DatetimeIndex):
        index = index.to_period("M")
    if not isinstance(index, pd.PeriodIndex):
        return None
    if not index.freqstr.startswith("M"):
        raise ValueError(f"{name} must have a monthly index; got frequency {index.freqstr!r}")
    months = np.asarray(index.year * 12 + index.month)
    steps = np.diff(months)
    if np.any(steps != 1):
        at = int(np.flatnonzero(steps != 1)[0])
        raise ValueError(
            f"{name} must have one row per consecutive month; got {index[at]} "
            f"followed by {index[at + 1]}"
        )
    return index


def _monthly_values(
    name: str, values: ArrayLike, *, min_length: int, positive: bool
) -> tuple[np.ndarray, pd.PeriodIndex | None]:
    """1-D float array of a monthly series and its Period index (None without dates)."""
    if isinstance(values, pd.DataFrame):
        raise TypeError(f"{name} must be one series (a pandas Series or 1-D array); "
                        f"got a DataFrame with columns {list(values.columns)}")
    periods = None
    if isinstance(values, pd.Series):
        periods = _monthly_index(name, values.index)
        values = values.to_numpy(dtype=float, na_value=np.nan)
    arr = as_float_array(name, values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {arr.shape}")
    if arr.size < min_length:
        raise ValueError(
            f"{name} needs at least {min_length} monthly values; got {arr.size}"
        )
    require_finite(**{name: arr})
    if positive:
        # logs are taken: a zero or negative month has no growth ratio
        require_positive(**{name: arr})
    return arr, periods


def _ols(t: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Least-squares line y = intercept + slope * t with the usual standard errors."""
    n = t.size
    t_bar, y_bar = t.mean(), y.mean()
    sxx = float(np.sum((t - t_bar) ** 2))
    slope = float(np.sum((t - t_bar) * (y - y_bar)) / sxx)
    intercept = float(y_bar - slope * t_bar)
    resid = y - (intercept + slope * t)
    sse = float(np.sum(resid**2))
    sst = float(np.sum((y - y_bar) ** 2))
    # an exact line leaves rounding noise only; treat it as zero so it reads as exact
    if sse <= 1e-24 * max(sst, 1e-300) or sst == 0.0:
        sse = 0.0
    s = math.sqrt(sse / (n - 2)) if n > 2 else math.nan
    return {
        "n": n, "t_bar": float(t_bar), "y_bar": float(y_bar), "sxx": sxx, "slope": slope,
        "intercept": intercept, "s": s, "slope_se": s / math.sqrt(sxx),
        "r_squared": 1.0 - sse / sst if sst > 0 else math.nan,
    }


def _t_quantile(df: int, p: float) -> float:
    """Quantile of Student's t (scipy.special, to keep scipy.stats' import cost out)."""
    return float(special.stdtrit(df, p))


# --------------------------------------------------------------------------------------
# 1. growth distribution


@dataclass(frozen=True, kw_only=True, eq=False)
class GrowthCalibration:
    """Monthly MAU growth measured on history, with the uncertainty of its mean.

    Attributes
    ----------
    mean_rate : float
        Point estimate of the monthly growth rate, ``exp(log_mean) - 1``. [month⁻¹]
    log_mean : float
        Mean of the monthly log growth ratios ``log(MAU_t / MAU_{t-1})``. [month⁻¹]
    log_std : float
        Month-to-month volatility: standard deviation (ddof=1) of those ratios. [month⁻¹]
    log_mean_samples : ndarray, shape (n_boot,)
        Bootstrap samples of the mean log growth, centred on ``log_mean``. [month⁻¹]
    rate_low, rate_high : float
        Central ``credibility`` interval of the mean monthly rate; ``(rate_low, rate_high)``
        is the growth interval to give the Monte Carlo engine. [month⁻¹]
    credibility : float
        Coverage of ``(rate_low, rate_high)``, 0.90 by default.
    window : int
        Number of monthly growth ratios used (the last ``window`` months). [month]
    block_length : int
        Block length of the moving-block bootstrap (1 = iid bootstrap). [month]
    start, end : pandas.Period or None
        First and last month of MAU used (``window + 1`` observations), when the input
        had a monthly date index.
    """

    mean_rate: float
    log_mean: float
    log_std: float
    log_mean_samples: np.ndarray = field(repr=False)
    rate_low: float
    rate_high: float
    credibility: float
    window: int
    block_length: int
    start: pd.Period | None = None
    end: pd.Period | None = None

    @property
    def interval(self) -> tuple[float, float]:
        """``(rate_low, rate_high)``, the interval of the mean monthly rate. [month⁻¹]"""
        return (self.rate_low, self.rate_high)

    @property
    def log_mean_se(self) -> float:
        """Bootstrap standard error of the mean log growth. [month⁻¹]"""
        return float(np.std(self.log_mean_samples, ddof=1))

    def sample_rates(
        self, n: int, rng: np.random.Generator | int | None = None
    ) -> np.ndarray:
        """Draw ``n`` monthly growth rates from the parameter uncertainty of the mean.

        Each draw is ``exp(m) - 1`` for a mean log growth ``m`` picked at random among the
        bootstrap samples: a rate to hold fixed along one Monte Carlo path. Month-to-month
        volatility (``log_std``) is not included; add it per month if the path needs it.

        Parameters
        ----------
        n : int
            Number of draws.
        rng : numpy.random.Generator, int or None
            Random generator or seed.

        Returns
        -------
        rates : ndarray, shape (n,)
            Monthly growth rates. [month⁻¹]
        """
        n = require_integer("n", n, minimum=1)
        rng = np.random.default_rng(rng)
        return np.expm1(rng.choice(self.log_mean_samples, size=n, replace=True))


def default_block_length(n: int) -> int:
    """Moving-block bootstrap block length ``ceil(n ** (1/3))`` for ``n`` observations.

    Hall, Horowitz and Jing [1]_ show that the block length minimising the error of the
    bootstrap variance of a mean grows as :math:`n^{1/3}`; the constant is taken as 1,
    which gives 3 months for a 12-month window (growth spurts last a quarter or so).

    References
    ----------
    .. [1] P. Hall, J. L. Horowitz and B.-Y. Jing, "On blocking rules for the bootstrap
       with dependent data," Biometrika, vol. 82, no. 3, pp. 561-574, 1995.
       doi:10.1093/biomet/82.3.561
    """
    n = require_integer("n", n, minimum=1)
    return max(1, math.ceil(n ** (1.0 / 3.0) - 1e-12))


def _moving_block_means(
    x: np.ndarray, block_length: int, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    """Bootstrap means of ``x`` from overlapping blocks, recentred on the sample mean."""
    n, b = x.size, block_length
    n_blocks = math.ceil(n / b)
    starts = rng.integers(0, n - b + 1, size=(n_boot, n_blocks))
    idx = (starts[:, :, None] + np.arange(b)).reshape(n_boot, n_blocks * b)[:, :n]
    means = x[idx].mean(axis=1)
    # The MBB under-samples both ends of the series, so E*[mean*] differs from the sample
    # mean; recentring on the exact E*[mean*] (Lahiri 2003, sec. 3.2) removes that shift.
    offsets = np.arange(n) % b
    windows = np.lib.stride_tricks.sliding_window_view(x, n - b + 1)  # (b, n - b + 1)
    expected = windows.mean(axis=1)[offsets].mean()
    return means - expected + x.mean()


def growth_distribution(
    mau: ArrayLike,
    *,
    window: int = 12,
    n_boot: int = 2000,
    block_length: int | None = None,
    credibility: float = 0.90,
    rng: np.random.Generator | int | None = None,
) -> GrowthCalibration:
    r"""Fit the distribution of monthly MAU growth on the last ``window`` months.

    Parameters
    ----------
    mau : pandas.Series or array_like
        Monthly active users, one value per consecutive month, oldest first; a Series
        with a monthly Period or Datetime index gives the fit its start and end months.
        [users]
    window : int, default 12
        Number of monthly growth ratios to use; needs ``window + 1`` months of MAU. [month]
    n_boot : int, default 2000
        Bootstrap replicates (at least 100).
    block_length : int, optional
        Block length of the moving-block bootstrap; default
        :func:`default_block_length` of ``window`` (3 for 12 months). 1 gives the iid
        bootstrap. [month]
    credibility : float, default 0.90
        Coverage of the interval ``(rate_low, rate_high)``.
    rng : numpy.random.Generator, int or None
        Random generator or seed for the bootstrap.

    Returns
    -------
    GrowthCalibration

    Raises
    ------
    ValueError
        If ``mau`` holds NaN, a non-positive value, or fewer than ``window + 1`` months;
        if ``window < 3``, ``n_boot < 100``, ``block_length`` is not in [1, window], or
        ``credibility`` is not in (0, 1).

    Notes
    -----
    With :math:`r_t = \ln(N_t / N_{t-1})` the last :math:`w` log growth ratios,

    .. math:: \hat\mu = \bar r, \quad \hat\sigma = s_r, \quad
              \text{mean rate} = e^{\hat\mu} - 1,

    the geometric mean rate, which compounds to the observed total growth. Monthly
    growth is autocorrelated (campaigns and seasons last several months), which an iid
    bootstrap would ignore, understating the uncertainty of :math:`\hat\mu`; the
    moving-block bootstrap of Künsch [1]_ resamples overlapping blocks of ``block_length``
    consecutive ratios instead. The interval is the percentile interval of the bootstrap
    means, mapped through :math:`e^m - 1`. It describes the *mean* rate (parameter
    uncertainty), not a single month, whose spread is ``log_std``.

    References
    ----------
    .. [1] H. R. Künsch, "The jackknife and the bootstrap for general stationary
       observations," Annals of Statistics, vol. 17, no. 3, pp. 1217-1241, 1989.
       doi:10.1214/aos/1176347265
    .. [2] S. N. Lahiri, *Resampling Methods for Dependent Data*. Springer, 2003.
       doi:10.1007/978-1-4757-3803-2
    """
    window = require_integer("window", window, minimum=3)
    n_boot = require_integer("n_boot", n_boot, minimum=100)
    require_between("credibility", credibility, 0.0, 1.0,
                    low_inclusive=False, high_inclusive=False)
    values, periods = _monthly_values("mau", mau, min_length=4, positive=True)
    if window > values.size - 1:
        raise ValueError(
            f"window must be <= {values.size - 1} (the number of monthly growth ratios in "
            f"mau, {values.size} months); got {window}"
        )
    if block_length is None:
        block_length = default_block_length(window)
    block_length = require_integer("block_length", block_length, minimum=1)
    if block_length > window:
        raise ValueError(f"block_length must be <= window ({window}); got {block_length}")
    rng = np.random.default_rng(rng)

    log_growth = np.diff(np.log(values[-(window + 1):]))
    log_mean = float(log_growth.mean())
    samples = _moving_block_means(log_growth, block_length, n_boot, rng)
    tail = (1.0 - credibility) / 2.0
    low, high = np.quantile(samples, [tail, 1.0 - tail])
    return GrowthCalibration(
        mean_rate=math.expm1(log_mean),
        log_mean=log_mean,
        log_std=float(log_growth.std(ddof=1)),
        log_mean_samples=samples,
        rate_low=math.expm1(low),
        rate_high=math.expm1(high),
        credibility=float(credibility),
        window=window,
        block_length=block_length,
        start=None if periods is None else periods[-(window + 1)],
        end=None if periods is None else periods[-1],
    )


# --------------------------------------------------------------------------------------
# 2. scenario probabilities


def probability_of_growth(
    calibration: GrowthCalibration, total_growth: ArrayLike, horizon_months: ArrayLike
) -> np.ndarray:
    r"""Probability that MAU grows by at least ``total_growth`` over ``horizon_months``.

    Parameters
    ----------
    calibration : GrowthCalibration
        Fitted growth (from :func:`growth_distribution`).
    total_growth : array_like
        Total growth over the horizon as a fraction (2.0 = +200 %). [-]
    horizon_months : array_like
        Horizon, broadcast against ``total_growth``. [month]

    Returns
    -------
    probability : ndarray
        Broadcast shape of the inputs. [-]

    Notes
    -----
    With monthly log growth iid :math:`N(\mu, \sigma^2)` around a mean :math:`\mu`, the
    log growth over :math:`H` months is :math:`N(H\mu, H\sigma^2)` (a sum of normals; the
    total growth factor is lognormal [1]_). Parameter uncertainty is integrated over the
    bootstrap samples :math:`\mu_b` of the mean:

    .. math:: P\left(\frac{N_H}{N_0} \ge 1 + g\right) = \frac{1}{B}\sum_b
              \Phi\left(\frac{H\mu_b - \ln(1 + g)}{\sigma\sqrt{H}}\right)

    computed exactly over the samples (no extra Monte Carlo). With :math:`\sigma = 0` the
    normal cdf becomes a step.

    References
    ----------
    .. [1] J. Aitchison and J. A. C. Brown, *The Lognormal Distribution*. Cambridge
       University Press, 1957.
    """
    if not isinstance(calibration, GrowthCalibration):
        raise TypeError(
            f"calibration must be a GrowthCalibration; got {type(calibration).__name__}"
        )
    require_growth_rate(total_growth=total_growth)
    require_positive(horizon_months=horizon_months)
    g = as_float_array("total_growth", total_growth)
    h = as_float_array("horizon_months", horizon_months)
    g, h = np.broadcast_arrays(g, h)
    target = np.log1p(g)[..., None]
    drift = h[..., None] * calibration.log_mean_samples
    spread = calibration.log_std * np.sqrt(h)[..., None]
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(spread > 0, (drift - target) / spread,
                     np.where(drift >= target, np.inf, -np.inf))
    return special.ndtr(z).mean(axis=-1)


def _scenario_table(scenarios: pd.DataFrame | None) -> pd.DataFrame:
    if scenarios is None:
        from . import growth  # lazy: growth reads data/scenarios.yaml

        scenarios = growth.scenarios()
    if not isinstance(scenarios, pd.DataFrame):
        raise TypeError(f"scenarios must be a DataFrame; got {type(scenarios).__name__}")
    missing = [c for c in ("total_user_growth", "horizon_months") if c not in scenarios]
    if missing:
        raise ValueError(
            f"scenarios lacks column(s) {missing}; got columns {list(scenarios.columns)}"
        )
    if scenarios.empty:
        raise ValueError("scenarios must have at least one row; got an empty table")
    return scenarios


def scenario_probabilities(
    calibration: GrowthCalibration, scenarios: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Probability of reaching each growth scenario, from the growth measured on history.

    Parameters
    ----------
    calibration : GrowthCalibration
        Fitted growth (from :func:`growth_distribution`).
    scenarios : pandas.DataFrame, optional
        Indexed by scenario key with columns ``total_user_growth`` (fraction, 2.0 = +200 %)
        and ``horizon_months``; ``family`` is carried over when present. Default
        :func:`scaling_models.growth.scenarios` (DOMAIN sections 2 and 8).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``scenarios``, columns ``family`` (if given), ``total_user_growth``,
        ``horizon_months``, ``required_monthly_rate`` (constant rate that reaches the
        scenario exactly, ``(1 + g) ** (1 / H) - 1``), ``median_total_growth`` (growth
        over the horizon at the fitted mean rate) and ``probability`` (of growing at
        least as much as the scenario; :func:`probability_of_growth`).

    Raises
    ------
    ValueError
        If a column is missing or a growth or horizon is invalid.
    """
    table = _scenario_table(scenarios)
    g = table["total_user_growth"].to_numpy(dtype=float)
    h = table["horizon_months"].to_numpy(dtype=float)
    probability = probability_of_growth(calibration, g, h)
    out = pd.DataFrame(index=table.index.copy())
    if "family" in table:
        out["family"] = table["family"].to_numpy()
    out["total_user_growth"] = g
    out["horizon_months"] = h
    out["required_monthly_rate"] = np.expm1(np.log1p(g) / h)
    out["median_total_growth"] = np.expm1(h * calibration.log_mean)
    out["probability"] = probability
    return out


def band_probabilities(
    calibration: GrowthCalibration,
    scenarios: pd.DataFrame | None = None,
    *,
    family: str | None = None,
) -> pd.DataFrame:
    """Probability of landing in each band between the scenarios of one family.

    For the 12-month family (conservative +50 %, realistic +200 %, optimistic +500 %)
    the bands are: below conservative, conservative to realistic, realistic to
    optimistic, above optimistic. The probabilities sum to 1.

    Parameters
    ----------
    calibration : GrowthCalibration
        Fitted growth (from :func:`growth_distribution`).
    scenarios : pandas.DataFrame, optional
        As in :func:`scenario_probabilities`, with a ``family`` column.
    family : str, optional
        Family whose scenarios define the bands; default :data:`BAND_FAMILY`
        (``"projection_12m"``, the 12-month projections of DOMAIN section 2).

    Returns
    -------
    pandas.DataFrame
        Indexed by band name (scenario keys without the prefix they share, e.g.
        ``"realistic to optimistic"``), columns ``low_growth`` and ``high_growth`` (band edges as
        total growth fractions; -1 and inf at the ends), ``horizon_months`` and
        ``probability``.

    Raises
    ------
    ValueError
        If the family is unknown or has scenarios of different horizons.
    """
    table = _scenario_table(scenarios)
    if "family" not in table:
        raise ValueError(
            f"scenarios needs a 'family' column for bands; got columns {list(table.columns)}"
        )
    if family is None:
        family = BAND_FAMILY
    members = table[table["family"] == family]
    if members.empty:
        raise ValueError(
            f"family must be one of {sorted(set(table['family']))}; got {family!r}"
        )
    horizons = members["horizon_months"].unique()
    if horizons.size != 1:
        raise ValueError(
            f"family {family!r} mixes horizons {sorted(horizons)}; bands need one horizon"
        )
    members = members.sort_values("total_user_growth")
    keys = [str(k) for k in members.index]
    # "projection_conservative" -> "conservative": drop the prefix the family's keys share
    prefix = os.path.commonprefix(keys)
    prefix = prefix[: prefix.rfind("_") + 1]
    if all(len(k) > len(prefix) for k in keys):
        keys = [k[len(prefix):] for k in keys]
    edges = members["total_user_growth"].to_numpy(dtype=float)
    horizon = float(horizons[0])
    # P(G >= edge) is decreasing in the edge; differences give each band exactly.
    at_least = np.concatenate([[1.0], probability_of_growth(calibration, edges, horizon), [0.0]])
    names = ([f"below {keys[0]}"] + [f"{a} to {b}" for a, b in zip(keys, keys[1:], strict=False)]
             + [f"above {keys[-1]}"])
    return pd.DataFrame(
        {
            "low_growth": np.concatenate([[-1.0], edges]),
            "high_growth": np.concatenate([edges, [np.inf]]),
            "horizon_months": horizon,
            "probability": at_least[:-1] - at_least[1:],
        },
        index=pd.Index(names, name="band"),
    )


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
    values, periods = _monthly_values("series", series, min_length=3, positive=True)
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
        fit = _ols(np.arange(-(n - 1), 1, dtype=float), recent)
        t_q = _t_quantile(n - 2, 0.5 + credibility / 2.0)
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


def _history_frame(history: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(history, pd.DataFrame):
        raise TypeError(f"history must be a DataFrame; got {type(history).__name__}")
    if "month" in history.columns and _monthly_index("history", history.index) is None:
        history = history.set_index(pd.PeriodIndex(history["month"], freq="M"))
    _monthly_index("history", history.index)
    return history


def _column(history: pd.DataFrame, column: str) -> pd.Series:
    if column not in history.columns:
        raise ValueError(
            f"history lacks column {column!r}; got columns {list(history.columns)}"
        )
    return history[column].astype(float)


def _load_thresholds(thresholds: pd.DataFrame | None) -> pd.DataFrame:
    if thresholds is None:
        from . import thresholds as thresholds_module  # lazy: reads data/thresholds.csv

        thresholds = thresholds_module.load_thresholds()
    if not isinstance(thresholds, pd.DataFrame):
        raise TypeError(f"thresholds must be a DataFrame; got {type(thresholds).__name__}")
    if "metric" in thresholds.columns:
        thresholds = thresholds.set_index("metric")
    missing = [c for c in ("direction", "attention", "critical") if c not in thresholds]
    if missing:
        raise ValueError(
            f"thresholds lacks column(s) {missing}; got columns {list(thresholds.columns)}"
        )
    return thresholds


def _threshold(thresholds: pd.DataFrame, metric: str) -> tuple[str, float, float] | None:
    """(direction, attention, critical) of ``metric``; None when the table has no row."""
    if metric not in thresholds.index:
        return None
    row = thresholds.loc[metric]
    direction = str(row["direction"]).strip().lower().replace(" ", "_").replace("-", "_")
    aliases = {"higher": "higher_is_worse", "above": "higher_is_worse",
               "lower": "lower_is_worse", "below": "lower_is_worse"}
    direction = aliases.get(direction, direction)
    return direction, float(row["attention"]), float(row["critical"])


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
        ``<level>_months_low``, ``<level>_months_high``, ``<level>_month`` (Period),
        and ``warning``.

    Raises
    ------
    ValueError
        If a column or a threshold row is missing, or a metric is invalid for
        :func:`threshold_forecast`.
    """
    if statistic not in ("avg", "peak"):
        raise ValueError(f"statistic must be 'avg' or 'peak'; got {statistic!r}")
    history = _history_frame(history)
    table = _load_thresholds(thresholds)
    window = require_integer("window", window, minimum=3)
    rows = {}
    for metric, source in CAPACITY_METRICS.items():
        if isinstance(source, tuple):
            series = _column(history, source[0]) / _column(history, source[1])
            label = f"{source[0]} / {source[1]}"
        else:
            label = source.format(stat=statistic)
            series = _column(history, label)
        limits = _threshold(table, metric)
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
        row["warning"] = forecast.warning
        rows[metric] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "metric"
    return out


# --------------------------------------------------------------------------------------
# 4. signals of the source article


def _trend(values: np.ndarray, sign: int, alpha: float) -> tuple[int, float, float]:
    """(moves in the bad direction, linear slope per month, one-sided p of that slope)."""
    moves = int(np.sum(sign * np.diff(values) > 0))
    fit = _ols(np.arange(values.size, dtype=float), values)
    if fit["s"] == 0 or math.isnan(fit["s"]):
        p = 0.0 if sign * fit["slope"] > 0 else 1.0
    else:
        # one-sided test of a slope in the bad direction: P(T > t), T ~ t(n - 2)
        p = float(special.stdtr(values.size - 2, -sign * fit["slope"] / fit["slope_se"]))
    return moves, fit["slope"], p


def _severity(value: float, limits: tuple[str, float, float] | None) -> str:
    """'critical' when ``value`` is beyond the critical level of ``limits``, else 'attention'."""
    if limits is None:
        return "attention"
    direction, _, critical = limits
    sign = 1 if direction == "higher_is_worse" else -1
    return "critical" if sign * (value - critical) > 0 else "attention"


def detect_signals(
    history: pd.DataFrame,
    thresholds: pd.DataFrame | None = None,
    *,
    trend_months: int = 6,
    min_moves: int = 5,
    alpha: float = 0.05,
    quarter_months: int = 3,
    incident_ratio: float = 1.25,
    min_incident_increase: int = 2,
    growth_threshold: float | None = None,
) -> pd.DataFrame:
    """Detect the scaling signals of the source article on the company history.

    Rules (parameters in brackets):

    * **response_time_rising** (metric ``p95_response_time_s``) and
      **code_review_time_rising** (``code_review_hours``): the metric rose in at least
      ``min_moves`` [5] of the last ``trend_months`` [6] month-over-month changes, or the
      least-squares slope over those ``trend_months + 1`` months is positive with
      one-sided p < ``alpha`` [0.05]. For pure noise the first test fires with
      probability 121/5040 = 2.4 % (permutations of 7 values with >= 5 ascents,
      Eulerian numbers), the second with probability ``alpha``.
    * **deployment_frequency_falling** (``deploys_per_week``): the same rule downward.
    * **incidents_more_frequent** (``incidents``): the last ``quarter_months`` [3]
      months count at least ``incident_ratio`` [1.25] times the previous
      ``quarter_months`` and at least ``min_incident_increase`` [2] more incidents. The
      evidence quotes the one-sided p-value of the conditional binomial test of equal
      Poisson rates [2]_ for context.
    * **user_growth_above_20pct** (``mau``): the latest month-over-month MAU growth
      exceeds ``growth_threshold`` [the ``user_growth`` attention level of the thresholds
      table, else 0.20], the business scaling signal of the article.

    Severity is ``"ok"`` when a signal is not detected; when detected, ``"critical"``
    if the latest value is beyond the metric's critical threshold (thresholds table;
    for incidents: the count at least doubled), else ``"attention"``.

    Parameters
    ----------
    history : pandas.DataFrame
        Monthly company history (monthly PeriodIndex or ``month`` column) with columns
        ``p95_response_time_s``, ``incidents``, ``mau``, ``deploys_per_week``,
        ``code_review_hours``; at least ``max(trend_months + 1, 2 * quarter_months)``
        months.
    thresholds : pandas.DataFrame, optional
        Threshold table (default :func:`scaling_models.thresholds.load_thresholds`).
    trend_months, min_moves, alpha, quarter_months, incident_ratio,
    min_incident_increase, growth_threshold
        Rule parameters above.

    Returns
    -------
    pandas.DataFrame
        One row per signal, columns ``signal``, ``detected`` (bool), ``evidence`` (a
        sentence with the numbers), ``metric``, ``severity``, ``rule``.

    Raises
    ------
    ValueError
        If a column is missing or holds NaN, the history is too short, or a rule
        parameter is out of range.

    References
    ----------
    .. [1] "Scaling et croissance : anticiper les besoins techniques et humains" (source
       article of the project, French), restated in DOMAIN.md sections 3 and 4.
    .. [2] J. Przyborowski and H. Wilenski, "Homogeneity of results in testing samples
       from Poisson series," Biometrika, vol. 31, no. 3/4, pp. 313-323, 1940.
       doi:10.1093/biomet/31.3-4.313
    """
    history = _history_frame(history)
    table = _load_thresholds(thresholds)
    trend_months = require_integer("trend_months", trend_months, minimum=2)
    min_moves = require_integer("min_moves", min_moves, minimum=1)
    if min_moves > trend_months:
        raise ValueError(f"min_moves must be <= trend_months ({trend_months}); got {min_moves}")
    require_between("alpha", alpha, 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    quarter_months = require_integer("quarter_months", quarter_months, minimum=1)
    require_positive(incident_ratio=incident_ratio)
    min_incident_increase = require_integer("min_incident_increase", min_incident_increase,
                                            minimum=0)
    needed = max(trend_months + 1, 2 * quarter_months)
    if len(history) < needed:
        raise ValueError(
            f"history needs at least {needed} months for these rules; got {len(history)}"
        )
    if growth_threshold is None:
        limits = _threshold(table, "user_growth")
        growth_threshold = 0.20 if limits is None else limits[1]
    require_growth_rate(growth_threshold=growth_threshold)

    def values_of(column: str, positive: bool = False) -> np.ndarray:
        arr, _ = _monthly_values(f"history[{column!r}]", _column(history, column).to_numpy(),
                                 min_length=needed, positive=positive)
        return arr

    rows = []
    trend_rule = (f"rose in >= {min_moves} of the last {trend_months} months, or "
                  f"slope over {trend_months + 1} months with one-sided p < {alpha:g}")
    trends = [
        ("response_time_rising", "p95_response_time_s", +1, "P95 response time", "s"),
        ("deployment_frequency_falling", "deploys_per_week", -1, "deployment frequency",
         "/week"),
        ("code_review_time_rising", "code_review_hours", +1, "code review time", "h"),
    ]
    for signal, metric, sign, label, unit in trends:
        recent = values_of(metric)[-(trend_months + 1):]
        moves, slope, p = _trend(recent, sign, alpha)
        detected = moves >= min_moves or p < alpha
        verb = "rose" if sign > 0 else "fell"
        evidence = (
            f"{label} {verb} in {moves} of the last {trend_months} months, from "
            f"{recent[0]:.3g} {unit} to {recent[-1]:.3g} {unit} (slope {slope:+.3g} "
            f"{unit} per month, one-sided p = {p:.3f})."
        )
        severity = _severity(recent[-1], _threshold(table, metric)) if detected else "ok"
        rule = trend_rule if sign > 0 else trend_rule.replace("rose", "fell")
        rows.append((signal, detected, evidence, metric, severity, rule))

    incidents = values_of("incidents")
    require_between("history['incidents']", incidents, 0.0)
    # counts are whole numbers; rounding keeps the binomial test defined for 2.0000001
    last_q = int(round(incidents[-quarter_months:].sum()))
    prev_q = int(round(incidents[-2 * quarter_months:-quarter_months].sum()))
    total = last_q + prev_q
    # P(X >= last_q | X ~ Binomial(total, 1/2)): equal rates in both quarters
    p = float(special.bdtrc(last_q - 1, total, 0.5)) if last_q > 0 else 1.0
    detected = last_q >= incident_ratio * prev_q and last_q - prev_q >= min_incident_increase
    evidence = (
        f"{last_q} incidents in the last {quarter_months} months against {prev_q} "
        f"in the {quarter_months} before (one-sided p = {p:.3f} for equal rates)."
    )
    severity = ("critical" if last_q >= 2 * prev_q else "attention") if detected else "ok"
    rows.append(("incidents_more_frequent", detected, evidence, "incidents", severity,
                 f"last {quarter_months} months >= {incident_ratio:g} x the previous "
                 f"{quarter_months} and >= {min_incident_increase} more"))

    mau = values_of("mau", positive=True)
    latest = float(mau[-1] / mau[-2] - 1.0)
    quarter = float((mau[-1] / mau[-1 - quarter_months]) ** (1.0 / quarter_months) - 1.0)
    detected = latest > growth_threshold
    evidence = (
        f"MAU grew {latest:.1%} in the latest month ({mau[-2]:,.0f} -> {mau[-1]:,.0f}), "
        f"{quarter:.1%} a month over the last {quarter_months} months; signal above "
        f"{growth_threshold:.0%} a month."
    )
    severity = _severity(latest, _threshold(table, "user_growth")) if detected else "ok"
    rows.append(("user_growth_above_20pct", detected, evidence, "user_growth", severity,
                 f"latest month-over-month MAU growth > {growth_threshold:.0%}"))

    out = pd.DataFrame(rows, columns=["signal", "detected", "evidence", "metric", "severity",
                                      "rule"])
    out["detected"] = out["detected"].astype(bool)
    return out
