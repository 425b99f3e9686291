r"""Growth and load calibrated on the company's own history ("measure, then decide").

* :func:`growth_distribution` fits the monthly log growth of MAU over the last ``window``
  months, with the uncertainty of its mean from a moving-block bootstrap, so the Monte
  Carlo engine gets a growth interval measured rather than guessed;
* :func:`scenario_probabilities` turns that fit into the probability of each growth
  scenario, the scenarios of a family standing for mutually exclusive growth ranges
  (their probabilities sum to 1); :func:`probability_of_growth` is the chance of growing
  at least so much, :func:`band_probabilities` of landing between two scenarios
  (docs/domain.md sections 2 and 8);
* :func:`resource_elasticities` measures how each resource's utilisation grows with users
  (the load elasticities of the Monte Carlo chain) since its capacity changes, with the
  joint uncertainty of the four estimates; :func:`elasticity_distribution` pools them into
  one figure;
* :func:`fit_latency` chooses the queueing model (per-instance M/M/1 or one M/M/c fleet,
  at average or peak CPU) and fits the mean service time that reproduce the measured P95.

The other forecasts from history live next door: :mod:`scaling_models.trends` (each
capacity metric's trend toward its thresholds) and :mod:`scaling_models.signals` (the
source article's scaling signals).

Units: time in months, growth rates per month as fractions (0.15 = 15 %/month),
utilisation as fractions, latency and service times in seconds; elasticities have none.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special

from scaling_models import resources as _resources
from scaling_models._checks import (
    as_float_array,
    renamed,
    require_between,
    require_growth_rate,
    require_integer,
    require_positive,
)
from scaling_models._history import monthly_values
from scaling_models.forecasting import GrowthModel, fit_growth_model

__all__ = [
    "GrowthCalibration",
    "ElasticityCalibration",
    "ResourceElasticities",
    "ELASTICITY_COLUMNS",
    "BAND_FAMILY",
    "growth_distribution",
    "GrowthModel",
    "fit_growth_model",
    "default_block_length",
    "long_run_dof",
    "probability_of_growth",
    "scenario_probabilities",
    "band_probabilities",
    "elasticity_distribution",
    "resource_elasticities",
    "LatencyCalibration",
    "LATENCY_MODELS",
    "LATENCY_LOADS",
    "fit_latency",
]

#: Scenario family whose bands :func:`band_probabilities` reports by default.
BAND_FAMILY = "projection_12m"


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
    log_mean_samples : ndarray, shape (n_paths,)
        Draws of the mean log growth from its sampling law (Student t or bootstrap),
        centred on ``log_mean``. [month⁻¹]
    step_std_samples : ndarray, shape (n_paths,)
        With each draw of the mean, the long-run standard deviation of one month's log
        growth: the spread of an ``H``-month log growth is ``sqrt(H)`` times it. Equal to
        ``log_std`` for the bootstrap. [month⁻¹]
    rate_low, rate_high : float
        Central ``credibility`` interval of the mean monthly rate; ``(rate_low, rate_high)``
        is the growth interval to give the Monte Carlo engine. [month⁻¹]
    credibility : float
        Coverage of ``(rate_low, rate_high)``, 0.90 by default.
    window : int
        Number of monthly growth ratios used (the last ``window`` months). [month]
    block_length : int or None
        Block length of the moving-block bootstrap when one was asked for, else None (the
        default Student t interval). [month]
    dof : int or None
        Degrees of freedom of the Student t interval (None for the bootstrap).
    start, end : pandas.Period or None
        First and last month of MAU used (``window + 1`` observations), when the input
        had a monthly date index.
    """

    mean_rate: float
    log_mean: float
    log_std: float
    log_mean_samples: np.ndarray = field(repr=False)
    step_std_samples: np.ndarray = field(repr=False)
    rate_low: float
    rate_high: float
    credibility: float
    window: int
    block_length: int | None
    dof: int | None = None
    start: pd.Period | None = None
    end: pd.Period | None = None

    @property
    def interval(self) -> tuple[float, float]:
        """``(rate_low, rate_high)``, the interval of the mean monthly rate. [month⁻¹]"""
        return (self.rate_low, self.rate_high)

    @property
    def log_mean_se(self) -> float:
        """Standard deviation of the draws of the mean log growth. [month⁻¹]"""
        return float(np.std(self.log_mean_samples, ddof=1))

    def sample_rates(
        self, n: int, rng: np.random.Generator | int | None = None
    ) -> np.ndarray:
        """Draw ``n`` monthly growth rates from the parameter uncertainty of the mean.

        Each draw is ``exp(m) - 1`` for a mean log growth ``m`` picked at random among
        ``log_mean_samples``: a rate to hold fixed along one Monte Carlo path.
        Month-to-month volatility (``log_std``) is not included; add it per month if the
        path needs it.

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


def long_run_dof(n: int) -> int:
    """Cosine terms of the long-run variance for ``n`` monthly ratios: one per year.

    ``max(1, round(n / 12))``: 1 for 12 months, 2 for 24, 3 for 36. Fewer terms reach
    lower frequencies (a better grip on autocorrelated growth) at the price of a wider
    Student t; with this rule the 90 % interval covers 87-93 % on autocorrelated (AR(1),
    phi = 0.5) growth over 12-36 months (tests/test_calibration.py), where the larger
    ``0.4 n^(2/3)`` of Lazarus et al. (2018) covers 86 % at 12 months.
    """
    n = require_integer("n", n, minimum=1)
    return max(1, math.floor(n / 12 + 0.5))


def _cosine_long_run_variance(x: np.ndarray, dof: int) -> float:
    """Equal-weighted cosine (EWC) estimate of the long-run variance of ``x``."""
    n = x.size
    t = (np.arange(n) + 0.5) / n
    basis = math.sqrt(2.0 / n) * np.cos(np.pi * np.arange(1, dof + 1)[:, None] * t)
    projections = basis @ x  # orthogonal to the mean: location-free
    return float(projections @ projections / dof)


def _moving_block_means(
    x: np.ndarray, block_length: int, n_paths: int, rng: np.random.Generator
) -> np.ndarray:
    """Bootstrap means of ``x`` from overlapping blocks, recentred on the sample mean."""
    n, b = x.size, block_length
    n_blocks = math.ceil(n / b)
    starts = rng.integers(0, n - b + 1, size=(n_paths, n_blocks))
    idx = (starts[:, :, None] + np.arange(b)).reshape(n_paths, n_blocks * b)[:, :n]
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
    n_paths: int = 2000,
    block_length: int | None = None,
    credibility: float = 0.90,
    rng: np.random.Generator | int | None = None,
    n_boot: int | None = None,
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
    n_paths : int, default 2000
        Draws of the mean (at least 100), the project's name for a number of draws.
    block_length : int, optional
        Ask for the moving-block bootstrap with blocks of this length (1 = iid
        bootstrap) instead of the default Student t interval; its percentile interval
        covers less than its label on short windows (about 77 % for a 90 % interval
        on 12 months). [month]
    credibility : float, default 0.90
        Coverage of the interval ``(rate_low, rate_high)``.
    rng : numpy.random.Generator, int or None
        Random generator or seed for the draws.
    n_boot : int, optional
        Deprecated name of ``n_paths`` (DeprecationWarning; removed in the next release).

    Returns
    -------
    GrowthCalibration

    Raises
    ------
    ValueError
        If ``mau`` holds NaN, a non-positive value, or fewer than ``window + 1`` months;
        if ``window < 3``, ``n_paths < 100``, ``block_length`` is not in [1, window], or
        ``credibility`` is not in (0, 1).
    TypeError
        If both ``n_paths`` and the deprecated ``n_boot`` are given.

    Notes
    -----
    With :math:`r_t = \ln(N_t / N_{t-1})` the last :math:`w` log growth ratios,

    .. math:: \hat\mu = \bar r, \quad \hat\sigma = s_r, \quad
              \text{mean rate} = e^{\hat\mu} - 1,

    the geometric mean rate, which compounds to the observed total growth. Monthly
    growth is autocorrelated (campaigns and seasons last several months), so the
    standard error of :math:`\hat\mu` must use the long-run variance
    :math:`\omega^2 = \sum_k \gamma_k` rather than :math:`\sigma^2`. It is estimated by
    the equal-weighted cosine estimator of Müller [1]_ (recommended by Lazarus et al.
    [2]_): with :math:`\nu` = :func:`long_run_dof` cosines,

    .. math:: \hat\omega^2 = \frac1\nu\sum_{j=1}^{\nu}\Lambda_j^2, \quad
              \Lambda_j = \sqrt{2/w}\sum_{t=1}^{w}\cos\left(\pi j\frac{t - 1/2}{w}\right) r_t,

    and :math:`(\hat\mu - \mu)\sqrt w / \hat\omega` is Student t with :math:`\nu`
    degrees of freedom exactly for iid normal growth and under fixed-smoothing
    asymptotics for autocorrelated growth. The interval is
    :math:`\hat\mu \pm t_{\nu}\,\hat\omega/\sqrt w` mapped through :math:`e^m - 1`. The
    draws are joint: :math:`\omega_b^2 = \hat\omega^2\nu/\chi^2_{\nu,b}` and
    :math:`\mu_b = \hat\mu + \omega_b z_b/\sqrt w` (so :math:`\mu_b` is
    :math:`\hat\mu + t_\nu\hat\omega/\sqrt w`), which :func:`probability_of_growth` uses
    for the spread of a multi-month growth. The moving-block bootstrap of Künsch [3]_
    remains available through ``block_length``.

    References
    ----------
    .. [1] U. K. Müller, "A theory of robust long-run variance estimation," Journal of
       Econometrics, vol. 141, no. 2, pp. 1331-1352, 2007.
       doi:10.1016/j.jeconom.2007.01.019
    .. [2] E. Lazarus, D. J. Lewis, J. H. Stock and M. W. Watson, "HAR inference:
       recommendations for practice," Journal of Business & Economic Statistics,
       vol. 36, no. 4, pp. 541-559, 2018. doi:10.1080/07350015.2018.1506926
    .. [3] H. R. Künsch, "The jackknife and the bootstrap for general stationary
       observations," Annals of Statistics, vol. 17, no. 3, pp. 1217-1241, 1989.
       doi:10.1214/aos/1176347265
    .. [4] S. N. Lahiri, *Resampling Methods for Dependent Data*. Springer, 2003.
       doi:10.1007/978-1-4757-3803-2
    """
    window = require_integer("window", window, minimum=3)
    n_paths = renamed("growth_distribution", "n_boot", n_boot, "n_paths", n_paths, 2000)
    n_paths = require_integer("n_paths", n_paths, minimum=100)
    require_between("credibility", credibility, 0.0, 1.0,
                    low_inclusive=False, high_inclusive=False)
    values, periods = monthly_values("mau", mau, min_length=4, positive=True)
    if window > values.size - 1:
        raise ValueError(
            f"window must be <= {values.size - 1} (the number of monthly growth ratios in "
            f"mau, {values.size} months); got {window}"
        )
    if block_length is not None:
        block_length = require_integer("block_length", block_length, minimum=1)
        if block_length > window:
            raise ValueError(f"block_length must be <= window ({window}); got {block_length}")
    rng = np.random.default_rng(rng)

    log_growth = np.diff(np.log(values[-(window + 1):]))
    log_mean = float(log_growth.mean())
    log_std = float(log_growth.std(ddof=1))
    tail = (1.0 - credibility) / 2.0
    dof = None
    if block_length is None:
        dof = long_run_dof(window)
        omega = math.sqrt(_cosine_long_run_variance(log_growth, dof))
        step_std = omega * np.sqrt(dof / rng.chisquare(dof, size=n_paths))
        samples = log_mean + step_std * rng.standard_normal(n_paths) / math.sqrt(window)
        half = float(special.stdtrit(dof, 1.0 - tail)) * omega / math.sqrt(window)
        low, high = log_mean - half, log_mean + half
    else:
        samples = _moving_block_means(log_growth, block_length, n_paths, rng)
        step_std = np.full(n_paths, log_std)
        low, high = np.quantile(samples, [tail, 1.0 - tail])
    return GrowthCalibration(
        mean_rate=math.expm1(log_mean),
        log_mean=log_mean,
        log_std=log_std,
        log_mean_samples=samples,
        step_std_samples=step_std,
        rate_low=math.expm1(low),
        rate_high=math.expm1(high),
        credibility=float(credibility),
        window=window,
        block_length=block_length,
        dof=dof,
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
    With monthly log growth of mean :math:`\mu` and long-run standard deviation
    :math:`\omega` (the standard deviation :math:`\sigma` when months are independent),
    the log growth over :math:`H` months is close to :math:`N(H\mu, H\omega^2)` (a sum of
    normals; the total growth factor is lognormal [1]_). Using :math:`\sigma` where growth
    is autocorrelated would make the tails too thin. Parameter uncertainty is integrated
    over the joint draws :math:`(\mu_b, \omega_b)` of the calibration
    (``log_mean_samples``, ``step_std_samples``):

    .. math:: P\left(\frac{N_H}{N_0} \ge 1 + g\right) = \frac{1}{B}\sum_b
              \Phi\left(\frac{H\mu_b - \ln(1 + g)}{\omega_b\sqrt{H}}\right)

    computed exactly over the draws (no extra Monte Carlo). With :math:`\omega = 0` the
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
    spread = calibration.step_std_samples * np.sqrt(h)[..., None]
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
    r"""Probability of each growth scenario: mutually exclusive growth ranges per family.

    Within one family (``projection_12m``, ``multi_year``...), each scenario stands for
    the range of growth around it, from the midpoint with the scenario below to the
    midpoint with the one above (the lowest one includes everything below, the highest
    everything above), so the probabilities of a family sum to 1 and answer "which of
    these futures are we heading for?".

    Parameters
    ----------
    calibration : GrowthCalibration
        Fitted growth (from :func:`growth_distribution`).
    scenarios : pandas.DataFrame, optional
        Indexed by scenario key with columns ``total_user_growth`` (fraction, 2.0 = +200 %)
        and ``horizon_months``; ``family`` groups them (all rows form one family without
        it). Default :func:`scaling_models.growth.scenarios` (docs/domain.md sections 2
        and 8).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``scenarios``, columns ``family`` (if given), ``total_user_growth``,
        ``horizon_months``, ``required_monthly_rate`` (constant rate that reaches the
        scenario exactly, ``(1 + g) ** (1 / H) - 1``), ``median_total_growth`` (growth
        over the scenario's horizon at the fitted mean rate), ``probability_at_least``
        (of growing at least as much as the scenario over its own horizon;
        :func:`probability_of_growth`), ``family_horizon_months`` (the horizon the
        family's ranges are compared at), ``range_low_growth`` and ``range_high_growth``
        (the scenario's range as total growth over that horizon, -1 and inf at the open
        ends) and ``probability`` (of landing in that range; sums to 1 per family).

    Raises
    ------
    ValueError
        If a column is missing, a growth or horizon is invalid, or two scenarios of one
        family need the same monthly rate (their ranges would be empty).

    Notes
    -----
    Scenarios of one family may have different horizons (section 8: +100 % in 12
    months, +400 % in 18, +1000 % in 24). Each is reduced to its implied mean monthly
    log growth :math:`r_i = \ln(1 + g_i) / H_i` and the family is compared at its longest
    horizon :math:`H^*` (24 months for ``multi_year``), where scenario :math:`i` stands
    for a total log growth of :math:`H^* r_i`. Midpoints are taken on the log scale:
    the edge between neighbours :math:`i, i+1` is :math:`H^* (r_i + r_{i+1}) / 2`, the
    geometric mean of their growth factors (+200 % and +500 % in 12 months meet at
    :math:`\sqrt{3 \times 6} - 1 = +324 \%`), as growth compounds. Each range's
    probability is the difference of :func:`probability_of_growth` at its two edges.
    """
    table = _scenario_table(scenarios)
    g = table["total_user_growth"].to_numpy(dtype=float)
    h = table["horizon_months"].to_numpy(dtype=float)
    at_least = probability_of_growth(calibration, g, h)
    rate = np.log1p(g) / h
    families = (table["family"].astype(str).to_numpy() if "family" in table
                else np.full(len(table), ""))
    family_horizon = np.empty(len(table))
    low = np.empty(len(table))
    high = np.empty(len(table))
    probability = np.empty(len(table))
    for family in dict.fromkeys(families):
        rows = np.flatnonzero(families == family)
        rows = rows[np.argsort(rate[rows], kind="stable")]
        if np.any(np.diff(rate[rows]) <= 0):
            raise ValueError(
                f"scenarios of family {family!r} must need different monthly rates; got "
                f"{dict(zip(table.index[rows], np.expm1(rate[rows]).round(6), strict=True))}"
            )
        horizon = float(h[rows].max())
        edges = horizon * (rate[rows][:-1] + rate[rows][1:]) / 2.0  # log total growth
        p_edges = probability_of_growth(calibration, np.expm1(edges), horizon)
        above = np.concatenate([[1.0], p_edges, [0.0]])
        family_horizon[rows] = horizon
        low[rows] = np.concatenate([[-1.0], np.expm1(edges)])
        high[rows] = np.concatenate([np.expm1(edges), [np.inf]])
        probability[rows] = np.clip(above[:-1] - above[1:], 0.0, 1.0)
    out = pd.DataFrame(index=table.index.copy())
    if "family" in table:
        out["family"] = table["family"].to_numpy()
    out["total_user_growth"] = g
    out["horizon_months"] = h
    out["required_monthly_rate"] = np.expm1(rate)
    out["median_total_growth"] = np.expm1(h * calibration.log_mean)
    out["probability_at_least"] = at_least
    out["family_horizon_months"] = family_horizon
    out["range_low_growth"] = low
    out["range_high_growth"] = high
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
        (``"projection_12m"``, the 12-month projections of docs/domain.md section 2).

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
# 3. load elasticity

#: History columns of the average utilisation of each Monte Carlo resource (from the
#: resource registry, :mod:`scaling_models.resources`).
ELASTICITY_COLUMNS: Mapping[str, str] = MappingProxyType(
    {k: r.avg_column for k, r in _resources.RESOURCES.items()})


@dataclass(frozen=True, kw_only=True, eq=False)
class ResourceElasticities:
    r"""Each resource's own load elasticity, with the joint uncertainty of the estimates.

    Built by :func:`resource_elasticities`; give it to the Monte Carlo engine
    (``montecarlo.Inputs(elasticity=...)``), which calls :meth:`sample`.

    Attributes
    ----------
    resources : tuple of str
        Resource keys, in the order of ``columns`` (``cpu``, ``memory``,
        ``db_utilisation``, ``bandwidth`` by default).
    columns : tuple of str
        History column of each resource's average utilisation.
    estimate, std_error : ndarray, shape (R,)
        Least-squares slope of log utilisation on log MAU, and its standard error. [-]
    dof : ndarray of int, shape (R,)
        Residual degrees of freedom of each fit (months used minus 2).
    n_points : ndarray of int, shape (R,)
        Months used by each fit (since that resource's last capacity step). [month]
    fit_start : tuple
        First month of each fit (a Period, or the row position without dates).
    r_squared : ndarray, shape (R,)
        Share of the variance of log utilisation explained by log MAU.
    sxx : ndarray, shape (R,)
        Sum of squares of log MAU about its mean over each fit's months.
    correlation : ndarray, shape (R, R)
        Correlation matrix of the four estimates (positive semi-definite).
    credibility : float
        Coverage of the ``low``-``high`` intervals.
    """

    resources: tuple[str, ...]
    columns: tuple[str, ...]
    estimate: np.ndarray
    std_error: np.ndarray
    dof: np.ndarray
    n_points: np.ndarray
    fit_start: tuple
    r_squared: np.ndarray
    sxx: np.ndarray
    correlation: np.ndarray = field(repr=False)
    credibility: float

    @property
    def covariance(self) -> np.ndarray:
        """Covariance matrix of the estimates, shape (R, R). [-]"""
        return self.correlation * np.outer(self.std_error, self.std_error)

    @property
    def low(self) -> dict[str, float]:
        """Low end of each resource's ``credibility`` interval (Student t). [-]"""
        return dict(zip(self.resources, self._bounds()[0].tolist(), strict=True))

    @property
    def high(self) -> dict[str, float]:
        """High end of each resource's ``credibility`` interval (Student t). [-]"""
        return dict(zip(self.resources, self._bounds()[1].tolist(), strict=True))

    @property
    def elasticity(self) -> dict[str, float]:
        """Point estimate of each resource's elasticity. [-]"""
        return dict(zip(self.resources, self.estimate.tolist(), strict=True))

    def _bounds(self) -> tuple[np.ndarray, np.ndarray]:
        half = special.stdtrit(self.dof, 0.5 + self.credibility / 2.0) * self.std_error
        return self.estimate - half, self.estimate + half

    def table(self) -> pd.DataFrame:
        """One row per resource: ``column``, ``fit_start``, ``n_points``, ``elasticity``,
        ``low``, ``high``, ``std_error``, ``r_squared``."""
        low, high = self._bounds()
        out = pd.DataFrame(
            {"column": self.columns, "fit_start": self.fit_start,
             "n_points": self.n_points, "elasticity": self.estimate, "low": low,
             "high": high, "std_error": self.std_error, "r_squared": self.r_squared},
            index=pd.Index(self.resources, name="resource"),
        )
        return out

    def sample(
        self, n: int, rng: np.random.Generator | int | None = None
    ) -> dict[str, np.ndarray]:
        r"""Draw the elasticities of all resources jointly, ``n`` draws each.

        Parameters
        ----------
        n : int
            Number of draws (Monte Carlo paths).
        rng : numpy.random.Generator, int or None
            Random generator or seed.

        Returns
        -------
        dict of str to ndarray, shape (n,)
            Resource -> elasticities, all > 0; draw ``i`` of every resource belongs to
            the same joint draw. [-]

        Notes
        -----
        A Gaussian copula with the estimates' correlation matrix joins Student t
        marginals: :math:`z \sim N(0, \Sigma)`, :math:`u_r = \Phi(z_r)`, then
        :math:`e_r = \hat e_r + s_r\,T^{-1}_{\nu_r}(F_r + u_r (1 - F_r))` with
        :math:`F_r = T_{\nu_r}(-\hat e_r / s_r)`. Each marginal is the distribution behind
        the ``credibility`` interval (the t of ordinary least squares), truncated at 0:
        utilisation does not fall as users grow, and the engine needs a positive
        elasticity. The rank correlation of two draws is
        :math:`\tfrac{6}{\pi}\arcsin(\Sigma_{rs}/2)`, that of normal estimates with
        correlation :math:`\Sigma_{rs}` [1]_.

        References
        ----------
        .. [1] R. B. Nelsen, *An Introduction to Copulas*, 2nd ed. Springer, 2006,
           sec. 5.1.
        """
        n = require_integer("n", n, minimum=1)
        rng = np.random.default_rng(rng)
        chol = _psd_factor(self.correlation)
        z = rng.standard_normal((n, len(self.resources))) @ chol.T
        with np.errstate(divide="ignore"):
            floor = np.where(self.std_error > 0,
                             special.stdtr(self.dof, -self.estimate / self.std_error), 0.0)
        u = floor + special.ndtr(z) * (1.0 - floor)
        # u can round to exactly 1 far in the tail; stay inside (0, 1)
        u = np.clip(u, floor + 1e-300, 1.0 - 1e-16)
        draws = self.estimate + self.std_error * special.stdtrit(self.dof, u)
        draws = np.maximum(draws, np.finfo(float).tiny)
        return {r: draws[:, i].copy() for i, r in enumerate(self.resources)}


def _psd_factor(correlation: np.ndarray) -> np.ndarray:
    """A matrix ``A`` with ``A @ A.T`` equal to ``correlation`` (eigen-decomposition, so a
    singular matrix, e.g. two resources fitted on identical data, is accepted)."""
    values, vectors = np.linalg.eigh(correlation)
    return vectors * np.sqrt(np.clip(values, 0.0, None))


def _nearest_correlation(matrix: np.ndarray) -> np.ndarray:
    """Clip negative eigenvalues and rescale to a unit diagonal (Higham's first step)."""
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2.0)
    fixed = (vectors * np.clip(values, 0.0, None)) @ vectors.T
    d = np.sqrt(np.clip(np.diag(fixed), 1e-300, None))
    out = fixed / np.outer(d, d)
    np.fill_diagonal(out, 1.0)
    return out


def resource_elasticities(
    history: pd.DataFrame,
    *,
    columns: Mapping[str, str] = ELASTICITY_COLUMNS,
    window: int = 12,
    after_drop: float | None = 0.25,
    credibility: float = 0.90,
) -> ResourceElasticities:
    r"""Measure each resource's own load elasticity, with the estimates' joint uncertainty.

    Parameters
    ----------
    history : pandas.DataFrame
        Monthly history with ``mau`` and the utilisation ``columns``, one row per
        consecutive month (a ``month`` column or a monthly index).
    columns : mapping, default :data:`ELASTICITY_COLUMNS`
        Resource -> history column of its average utilisation (fraction).
    window : int, default 12
        Months looked at, the most recent. [month]
    after_drop : float or None, default 0.25
        Each resource is fitted from its last one-month fall of more than this fraction
        (a capacity upgrade resets utilisation, not users); None uses the whole window.
    credibility : float, default 0.90
        Coverage of each resource's interval ``low``-``high``.

    Returns
    -------
    ResourceElasticities

    Raises
    ------
    ValueError
        If a column is missing or holds a non-positive value, ``window < 3``, or a
        resource has fewer than 3 months since its last capacity step (its slope needs
        one residual degree of freedom) or no change of users over them.

    Notes
    -----
    Between two capacity changes :math:`\ln u_{r,t} = a_r + e_r \ln N_t + \varepsilon_{r,t}`
    (:func:`scaling_models.capacity.utilisation`). Each :math:`e_r` is the ordinary
    least-squares slope over that resource's own months :math:`M_r`, with the usual t
    interval on :math:`|M_r| - 2` degrees of freedom. The four resources share the
    users and much of the load, so their errors move together (residual correlations
    of 0.9 and more are common): the estimates are correlated. Equation by equation
    (seemingly unrelated regressions with unequal samples [1]_),

    .. math:: \operatorname{Cov}(\hat e_r, \hat e_s) = \sigma_{rs}
              \frac{\sum_{t \in M_r \cap M_s} \dot x_{r,t} \dot x_{s,t}}{S_{xx,r} S_{xx,s}},

    with :math:`\dot x_{r,t}` log users centred on :math:`M_r`, :math:`S_{xx,r}` their sum
    of squares, and :math:`\sigma_{rs} = \rho_{rs} s_r s_s`, :math:`\rho_{rs}` the
    correlation of the two resources' residuals over their common months (0 with fewer
    than 3). The correlation matrix is clipped to the nearest positive semi-definite
    one [2]_. :meth:`ResourceElasticities.sample` draws from it jointly.

    References
    ----------
    .. [1] A. Zellner, "An efficient method of estimating seemingly unrelated regressions
       and tests for aggregation bias," JASA, vol. 57, no. 298, pp. 348-368, 1962.
       doi:10.1080/01621459.1962.10480664
    .. [2] N. J. Higham, "Computing the nearest correlation matrix," IMA Journal of
       Numerical Analysis, vol. 22, no. 3, pp. 329-343, 2002. doi:10.1093/imanum/22.3.329
    """
    from scaling_models._history import history_column, history_frame

    history = history_frame(history)
    window = require_integer("window", window, minimum=3)
    require_between("credibility", credibility, 0.0, 1.0,
                    low_inclusive=False, high_inclusive=False)
    if after_drop is not None:
        require_between("after_drop", after_drop, 0.0, 1.0,
                        low_inclusive=False, high_inclusive=False)
    if not columns:
        raise ValueError("columns must name at least one resource; got an empty mapping")
    recent = history.iloc[-window:]
    log_users = np.log(monthly_values("history['mau']", history_column(recent, "mau"),
                                      min_length=3, positive=True)[0])
    size = log_users.size
    fits = []
    for resource, column in columns.items():
        values, _ = monthly_values(f"history[{column!r}]", history_column(recent, column),
                                   min_length=3, positive=True)
        y = np.log(values)
        start = 0
        if after_drop is not None:
            drops = np.flatnonzero(np.diff(y) < math.log1p(-after_drop))
            start = int(drops[-1]) + 1 if drops.size else 0
        x, y = log_users[start:], y[start:]
        dx = x - x.mean()
        sxx = float(dx @ dx)
        if x.size < 3 or sxx <= 0:
            raise ValueError(
                f"history[{column!r}]: {x.size} month(s) since the last capacity step "
                f"(a fall of more than {after_drop:.0%} in a month); the elasticity of "
                f"{resource} needs at least 3, and users that change"
            )
        slope = float(dx @ (y - y.mean())) / sxx
        resid = (y - y.mean()) - slope * dx
        sse, sst = float(resid @ resid), float(np.sum((y - y.mean()) ** 2))
        if sse <= 1e-24 * max(sst, 1e-300):
            sse = 0.0  # an exact power law leaves rounding noise only
        # centred regressors and residuals, on the window's positions (NaN outside)
        xc, rc = np.full(size, np.nan), np.full(size, np.nan)
        xc[start:], rc[start:] = dx, resid
        fits.append({
            "resource": resource, "column": column, "start": start, "n": x.size,
            "slope": slope, "sxx": sxx, "s2": sse / (x.size - 2), "xc": xc, "rc": rc,
            "r2": 1.0 - sse / sst if sst > 0 else math.nan,
        })
    k = len(fits)
    se = np.array([math.sqrt(f["s2"] / f["sxx"]) for f in fits])
    corr = np.eye(k)
    for i in range(k):
        for j in range(i + 1, k):
            a, b = fits[i], fits[j]
            common = ~np.isnan(a["rc"]) & ~np.isnan(b["rc"])
            ra, rb = a["rc"][common], b["rc"][common]
            denominator = math.sqrt(float(ra @ ra) * float(rb @ rb))
            if common.sum() < 3 or denominator == 0 or se[i] == 0 or se[j] == 0:
                continue
            rho = float(ra @ rb) / denominator
            cov = (rho * math.sqrt(a["s2"] * b["s2"])
                   * float(a["xc"][common] @ b["xc"][common]) / (a["sxx"] * b["sxx"]))
            corr[i, j] = corr[j, i] = cov / (se[i] * se[j])
    periods = isinstance(recent.index, pd.PeriodIndex)
    return ResourceElasticities(
        resources=tuple(f["resource"] for f in fits),
        columns=tuple(f["column"] for f in fits),
        estimate=np.array([f["slope"] for f in fits]),
        std_error=se,
        dof=np.array([f["n"] - 2 for f in fits]),
        n_points=np.array([f["n"] for f in fits]),
        fit_start=tuple(recent.index[f["start"]] if periods else f["start"] for f in fits),
        r_squared=np.array([f["r2"] for f in fits]),
        sxx=np.array([f["sxx"] for f in fits]),
        correlation=_nearest_correlation(corr),
        credibility=float(credibility),
    )


@dataclass(frozen=True, kw_only=True)
class ElasticityCalibration:
    r"""One load elasticity for all resources: utilisation :math:`\propto` MAU :math:`^e`.

    A summary of :func:`resource_elasticities`: the engine should apply each resource's
    own elasticity (``montecarlo.Inputs(elasticity=resource_elasticities(history))``).

    Attributes
    ----------
    elasticity : float
        Pooled estimate :math:`\hat e` over the resources (fixed effects). [-]
    low, high : float
        Interval of the pooled :math:`e` with probability ``credibility``, from the joint
        covariance of the resources' estimates. [-]
    credibility : float
        Coverage of ``(low, high)``.
    n_points : int
        Months used, all resources together.
    per_resource : pandas.DataFrame
        :meth:`ResourceElasticities.table`: indexed by resource, ``column``,
        ``fit_start``, ``n_points``, ``elasticity`` (that resource alone), ``low``,
        ``high``, ``std_error`` and ``r_squared``.
    """

    elasticity: float
    low: float
    high: float
    credibility: float
    n_points: int
    per_resource: pd.DataFrame = field(repr=False)


def elasticity_distribution(
    history: pd.DataFrame,
    *,
    columns: Mapping[str, str] = ELASTICITY_COLUMNS,
    window: int = 12,
    after_drop: float | None = 0.25,
    credibility: float = 0.90,
) -> ElasticityCalibration:
    r"""One load elasticity pooled over the resources, with an interval that holds.

    The resources do not share one elasticity (memory grows more slowly than CPU when
    part of it is a fixed footprint): prefer :func:`resource_elasticities`, which
    measures each and draws them jointly. This pooled figure is their weighted average,
    for a single headline number.

    Parameters
    ----------
    history, columns, window, after_drop
        As in :func:`resource_elasticities`.
    credibility : float, default 0.90
        Coverage of the interval ``(low, high)``.

    Returns
    -------
    ElasticityCalibration

    Raises
    ------
    ValueError
        As :func:`resource_elasticities`.

    Notes
    -----
    The fixed-effects slope [1]_ (one intercept per resource, a common slope) is the
    :math:`S_{xx}`-weighted average of the resources' own slopes,
    :math:`\hat e = \sum_r w_r \hat e_r` with :math:`w_r = S_{xx,r} / \sum_s S_{xx,s}`.
    Its variance is :math:`w^\top V w` with :math:`V` the joint covariance of the
    :math:`\hat e_r` (:func:`resource_elasticities`): the resources' errors are
    correlated, and treating them as independent, as the textbook pooled standard error
    does, understates it (a "90 %" interval then covers 52-72 % when the residuals
    correlate at 0.9). The interval is Student t on the smallest of the resources'
    degrees of freedom (conservative). It is for the weighted-average elasticity.

    References
    ----------
    .. [1] J. M. Wooldridge, *Introductory Econometrics: A Modern Approach*, 7th ed.,
       Cengage, 2020, ch. 14 (fixed effects estimation).
    """
    joint = resource_elasticities(history, columns=columns, window=window,
                                  after_drop=after_drop, credibility=credibility)
    table = joint.table()
    weights = joint.sxx / joint.sxx.sum()
    slope = float(weights @ joint.estimate)
    se = math.sqrt(max(float(weights @ joint.covariance @ weights), 0.0))
    half = float(special.stdtrit(int(joint.dof.min()), 0.5 + credibility / 2.0)) * se
    return ElasticityCalibration(
        elasticity=slope, low=slope - half, high=slope + half,
        credibility=float(credibility), n_points=int(joint.n_points.sum()),
        per_resource=table,
    )


# --------------------------------------------------------------------------------------
# 4. latency

#: Queueing models :func:`fit_latency` chooses between: one M/M/1 queue per instance
#: (each gets its share of traffic) or one M/M/c queue for the fleet behind a balancer.
LATENCY_MODELS = ("mm1", "mmc")
#: CPU utilisation that drives the queue: the month's average or its peak.
LATENCY_LOADS: Mapping[str, str] = MappingProxyType({"avg": "cpu_avg", "peak": "cpu_peak"})


@dataclass(frozen=True, kw_only=True, eq=False)
class LatencyCalibration:
    """The queueing model and mean service time that reproduce the measured P95.

    The Monte Carlo engine takes it as ``montecarlo.Inputs(latency_model=model,
    latency_load=load, service_time_s=service_time_s, instances=instances)``.

    Attributes
    ----------
    model : str
        ``"mm1"`` (one M/M/1 queue per instance) or ``"mmc"`` (one M/M/c fleet).
    load : str
        ``"avg"`` or ``"peak"``: the CPU utilisation column that drives the queue.
    service_time_s : float
        Fitted mean service time :math:`S`. [s]
    instances : int
        Servers of the M/M/c fleet (unused by M/M/1, whose instances are alike). [instances]
    quantile : float
        Response-time quantile fitted (0.95 for P95).
    measured_p95_s, modelled_p95_s : float
        Measured and modelled response-time quantile of the last history month. [s]
    relative_error : float
        ``modelled_p95_s / measured_p95_s - 1``. [fraction]
    months : int
        Months fitted (the last ``months`` with a measurement). [month]
    start, end : pandas.Period or None
        First and last month fitted, when the history has dates.
    candidates : pandas.DataFrame
        Indexed by (``model``, ``load``): ``service_time_s`` [s], ``rms_log_error``
        (root mean square of the log residuals, inf when a month's utilisation is >= 1,
        which the model cannot serve), ``modelled_last_p95_s`` [s] and
        ``relative_error`` [fraction].
    """

    model: str
    load: str
    service_time_s: float
    instances: int
    quantile: float
    measured_p95_s: float
    modelled_p95_s: float
    relative_error: float
    months: int
    start: pd.Period | None
    end: pd.Period | None
    candidates: pd.DataFrame = field(repr=False)


def _unit_percentile(model: str, utilisation: np.ndarray, instances: int,
                     quantile: float) -> np.ndarray:
    """Response-time quantile for a unit mean service time (it scales with S)."""
    from scaling_models import queueing

    if model == "mm1":
        return queueing.mm1_response_time_percentile(utilisation, 1.0, quantile)
    return queueing.mmc_response_time_percentile(instances, utilisation, 1.0, quantile)


def fit_latency(
    history: pd.DataFrame,
    instances: int = 10,
    *,
    months: int = 12,
    quantile: float = 0.95,
    column: str = "p95_response_time_s",
) -> LatencyCalibration:
    r"""Fit the latency model to the company: queueing model, load and mean service time.

    Parameters
    ----------
    history : pandas.DataFrame
        Monthly history (a ``month`` column or a monthly index) with ``cpu_avg``,
        ``cpu_peak`` (fractions) and ``column``; the history files have no instance
        count, hence the ``instances`` parameter.
    instances : int, default 10
        Application instances of the fleet (as ``montecarlo.Inputs``). [instances]
    months : int, default 12
        Most recent months with a measurement to fit (at least 3). [month]
    quantile : float, default 0.95
        Quantile that ``column`` measures.
    column : str, default ``"p95_response_time_s"``
        History column of the measured response-time quantile. [s]

    Returns
    -------
    LatencyCalibration

    Raises
    ------
    ValueError
        If ``column`` is missing, empty (no measured month) or has fewer than 3 measured
        months, a utilisation column is missing or outside [0, 1], or no candidate can
        serve the fitted months (utilisation >= 1 in every candidate).

    Notes
    -----
    Four candidates: per-instance M/M/1 queues or one M/M/c fleet of ``instances``
    servers [1]_, driven by the month's average or peak CPU utilisation :math:`u_t`.
    At a given utilisation every quantile of the response time of both queues is
    proportional to the mean service time, :math:`t_q = S\,g(u_t)`
    (:func:`scaling_models.queueing.mm1_response_time_percentile`,
    :func:`scaling_models.queueing.mmc_response_time_percentile` with :math:`S = 1`), so
    the least-squares fit of :math:`\ln y_t = \ln S + \ln g(u_t)` on the measured
    :math:`y_t` is exact: :math:`\ln\hat S = \overline{\ln y - \ln g(u)}`. Logs weigh
    relative errors alike at low and high latency. The candidate with the smallest root
    mean square log residual is chosen; a candidate with :math:`u_t \ge 1` in a fitted
    month (an unstable queue, infinite latency, while a finite one was measured) is
    excluded. Months with no measurement (NaN) are skipped.

    References
    ----------
    .. [1] M. Harchol-Balter, *Performance Modeling and Design of Computer Systems*.
       Cambridge University Press, 2013, ch. 14 (M/M/k) and 15 (server farms: one
       central queue against one queue per server).
    """
    from scaling_models._history import history_column, history_frame

    history = history_frame(history)
    instances = require_integer("instances", instances, minimum=1)
    months = require_integer("months", months, minimum=3)
    require_between("quantile", quantile, 0.0, 1.0, low_inclusive=False,
                    high_inclusive=False)
    measured = history_column(history, column)
    measured = measured[measured.notna()]
    if measured.empty:
        raise ValueError(f"history[{column!r}] is empty (no measured month); the latency "
                         f"model cannot be fitted to the company")
    if measured.size < 3:
        raise ValueError(f"history[{column!r}] needs at least 3 measured months; got "
                         f"{measured.size}")
    rows = measured.index[-months:]
    y = measured.loc[rows].to_numpy(dtype=float)
    require_positive(**{f"history[{column!r}]": y})
    table = {}
    for load, load_column in LATENCY_LOADS.items():
        u = history_column(history, load_column).loc[rows].to_numpy(dtype=float)
        require_between(f"history[{load_column!r}]", u, 0.0, 1.0)
        for model in LATENCY_MODELS:
            if np.any(u >= 1.0):
                table[(model, load)] = (math.nan, math.inf, math.nan, math.nan)
                continue
            residual = np.log(y) - np.log(_unit_percentile(model, u, instances, quantile))
            log_s = float(residual.mean())
            modelled = math.exp(log_s + math.log(
                float(_unit_percentile(model, u[-1:], instances, quantile)[0])))
            table[(model, load)] = (
                math.exp(log_s), math.sqrt(float(np.mean((residual - log_s) ** 2))),
                modelled, modelled / y[-1] - 1.0)
    candidates = pd.DataFrame.from_dict(
        table, orient="index",
        columns=["service_time_s", "rms_log_error", "modelled_last_p95_s", "relative_error"])
    candidates.index = pd.MultiIndex.from_tuples(candidates.index, names=["model", "load"])
    if not np.isfinite(candidates["rms_log_error"]).any():
        raise ValueError(
            f"history: CPU utilisation reaches 1 in the fitted months {list(rows)} for "
            f"both loads; no queue can serve it"
        )
    model, load = candidates["rms_log_error"].idxmin()
    best = candidates.loc[(model, load)]
    periods = isinstance(rows, pd.PeriodIndex)
    return LatencyCalibration(
        model=model, load=load, service_time_s=float(best["service_time_s"]),
        instances=instances, quantile=float(quantile), measured_p95_s=float(y[-1]),
        modelled_p95_s=float(best["modelled_last_p95_s"]),
        relative_error=float(best["relative_error"]), months=int(y.size),
        start=rows[0] if periods else None, end=rows[-1] if periods else None,
        candidates=candidates,
    )
