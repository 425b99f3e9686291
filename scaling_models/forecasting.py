r"""Growth model fitted to the MAU history: simulated future MAU paths with honest bands.

The log of monthly active users, :math:`y_t = \ln \mathrm{MAU}_t`, is modelled as a
structural time series [1]_ (a linear Gaussian state-space model fitted by maximum
likelihood with statsmodels' ``UnobservedComponents``):

.. math::

   y_t &= \mu_t + \gamma_t + \varepsilon_t, &
   \varepsilon_t &\sim N(0, \sigma^2_\varepsilon)\\
   \mu_{t+1} &= \mu_t + \beta_t + \eta_t, &
   \eta_t &\sim N(0, \sigma^2_\eta)\\
   \beta_{t+1} &= \beta_t + \zeta_t, &
   \zeta_t &\sim N(0, \sigma^2_\zeta)\\
   \gamma_{t+1} &= -\textstyle\sum_{j=1}^{s-1} \gamma_{t+1-j} + \omega_t, &
   \omega_t &\sim N(0, \sigma^2_\omega)

with level :math:`\mu_t` [log users], monthly log growth (trend) :math:`\beta_t`
[month⁻¹] and a seasonal :math:`\gamma_t` of period :math:`s` (12 months). The candidate
models switch parts on or off (see :data:`CANDIDATES`); they are compared by the
corrected Akaike criterion (AICc) on a common sample and averaged with their Akaike
weights, the same rule for every series. Seasonality is a candidate only with two full
seasons of history (24 months).

Forecast paths are simulated from the fitted model: the state at the last month is drawn
from its filtered distribution (which carries the uncertainty of the level, the growth
rate and the seasonal pattern estimated from a short history, through the diffuse
initialisation of the Kalman filter [2]_), the variances from the large-sample
distribution of their maximum-likelihood estimates (parameter uncertainty), then the
state equations are run forward. A seasonal pattern therefore repeats instead of
accumulating as noise, and a growth rate that drifts widens the band with the horizon.

Units: MAU in users, time in months, growth rates per month as fractions
(0.15 = 15 %/month). See ``docs/forecasting.md`` for the method and its backtest.

References
----------
.. [1] A. C. Harvey, *Forecasting, Structural Time Series Models and the Kalman Filter*.
   Cambridge University Press, 1989. doi:10.1017/CBO9781107049994
.. [2] J. Durbin and S. J. Koopman, *Time Series Analysis by State Space Methods*, 2nd ed.
   Oxford University Press, 2012, ch. 5 (initialisation) and 7 (maximum likelihood).
   doi:10.1093/acprof:oso/9780199641178.001.0001
.. [3] K. P. Burnham and D. R. Anderson, *Model Selection and Multimodel Inference*,
   2nd ed. Springer, 2002, ch. 4. doi:10.1007/b97636
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from scaling_models._checks import require_between, require_integer
from scaling_models._history import monthly_index, monthly_values

__all__ = [
    "CANDIDATES",
    "MIN_MONTHS",
    "GrowthModel",
    "fit_growth_model",
]

#: Fewest months of MAU :func:`fit_growth_model` accepts.
MIN_MONTHS = 6

#: Candidate structural models: name -> ``UnobservedComponents`` switches. Each is also
#: tried with a stochastic seasonal when the history holds two seasons.
CANDIDATES: dict[str, dict[str, bool]] = {
    # random walk with drift plus measurement noise: a constant growth rate, estimated
    "local level with drift": {"stochastic_level": True, "stochastic_trend": False},
    # local linear trend: level and growth rate both drift
    "local linear trend": {"stochastic_level": True, "stochastic_trend": True},
    # smooth (integrated random walk) trend: the growth rate drifts, the level follows it
    "smooth trend": {"stochastic_level": False, "stochastic_trend": True},
}

# Parameter-uncertainty draws (each one a Kalman filter run at fit time): deterministic
# quasi-random normal nodes, so that a fit needs no random generator.
_N_PARAM_DRAWS = 32
#: Akaike weight under which a candidate is left out of the average.
_MIN_WEIGHT = 0.01


def _normal_nodes(n: int, dim: int) -> np.ndarray:
    """``n`` standard-normal points in ``dim`` dimensions from an unscrambled Sobol net."""
    if dim == 0:
        return np.zeros((n, 0))
    sobol = stats.qmc.Sobol(dim, scramble=False)
    # the first point is the origin (ppf(0) = -inf): skip it
    points = sobol.random_base2(math.ceil(math.log2(n + 1)))[1:n + 1]
    return special.ndtri(points)


@dataclass(frozen=True, kw_only=True, eq=False)
class _Simulator:
    """Fitted candidates ready to run forward: arrays per parameter draw ``k``.

    The state is statsmodels' layout for a level, a trend and a dummy seasonal:
    ``[level, trend, gamma_t, gamma_{t-1}, ..., gamma_{t-s+2}]``; the shocks are those of
    the level, the trend and the seasonal, in that order. A candidate without a
    seasonal, or without a level or trend shock, has zeros there, so every candidate of
    an average stacks into one set of draws.
    """

    draw_weight: np.ndarray  # (K,) probability of each draw (Akaike weight / draws)
    state_mean: np.ndarray  # (K, m) predicted state for the month after the last
    state_root: np.ndarray  # (K, m, m) a square root of its covariance
    state_sd: np.ndarray  # (K, 3) sds of the level, trend and seasonal shocks
    obs_sd: np.ndarray  # (K,) sd of the irregular

    def log_paths(self, n: int, months: int, rng: np.random.Generator) -> np.ndarray:
        """Simulated log MAU, shape (months, n) (time-major for speed)."""
        k = rng.choice(self.draw_weight.size, size=n, p=self.draw_weight)
        m = self.state_mean.shape[1]
        # state at the first forecast month ~ N(a_k, P_k)
        state = self.state_mean[k] + np.einsum(
            "nij,nj->ni", self.state_root[k], rng.standard_normal((n, m)))
        level, trend = state[:, 0].copy(), state[:, 1].copy()
        lags = m - 2  # seasonal states: period - 1, or 0 without a seasonal
        # seasonal values oldest first; the state holds the newest first
        season = np.empty((months + lags, n))
        season[:lags] = state[:, :1:-1].T
        # one draw of every shock: irregular, level, trend, seasonal
        shocks = rng.standard_normal((months, 4, n))
        shocks[:, 0] *= self.obs_sd[k]
        shocks[:, 1:] *= self.state_sd[k].T
        out = np.empty((months, n))
        # the state equations written out (elementwise: no BLAS call per month, which
        # is slow when threads compete for the cores)
        for h in range(months):
            np.add(level, shocks[h, 0], out=out[h])
            level += trend
            level += shocks[h, 1]
            trend += shocks[h, 2]
            if lags:
                out[h] += season[h + lags - 1]
                # dummy seasonal: the last ``period`` values sum to a zero-mean shock
                np.subtract(shocks[h, 3], season[h:h + lags].sum(axis=0),
                            out=season[h + lags])
        return out


@dataclass(frozen=True, kw_only=True, eq=False)
class GrowthModel:
    """A fitted growth model of log MAU that simulates future MAU paths.

    Made by :func:`fit_growth_model`; call :meth:`simulate` for paths and :meth:`summary`
    for what was fitted.

    Attributes
    ----------
    model : str
        The structural model with the largest weight (a key of :data:`CANDIDATES`,
        ``" + seasonal"`` when it has a seasonal); the paths come from the weighted
        average of the candidates.
    seasonal_period : int or None
        Period of the seasonal in the model, None without one. [month]
    n_months : int
        Months of MAU fitted.
    last_value : float
        Last observed MAU, column 0 of every simulated path. [users]
    growth_now, growth_low, growth_high : float
        Fitted monthly growth rate of the trend at the last month and its ``credibility``
        interval (parameter uncertainty included). [month⁻¹]
    credibility : float
        Coverage of ``(growth_low, growth_high)``.
    candidates : pandas.DataFrame
        Every model tried, with its log-likelihood, number of parameters, AICc and
        Akaike weight in the average (0 when left out).
    warnings : tuple of str
        What the history could not support (short history, no seasonality...).
    start, end : pandas.Period
        First and last month fitted.
    """

    model: str
    seasonal_period: int | None
    n_months: int
    last_value: float
    growth_now: float
    growth_low: float
    growth_high: float
    credibility: float
    candidates: pd.DataFrame = field(repr=False)
    warnings: tuple[str, ...]
    start: pd.Period
    end: pd.Period
    # the candidates kept in the average, stacked, each draw with its weight
    _simulator: _Simulator = field(repr=False)

    def simulate(
        self, n_paths: int, months: int, rng: np.random.Generator | int | None = None
    ) -> np.ndarray:
        """Simulate future monthly MAU paths from the fitted model.

        Parameters
        ----------
        n_paths : int
            Number of paths (at least 1).
        months : int
            Months simulated after the last observed one (at least 0). [month]
        rng : numpy.random.Generator, int or None
            Random generator or seed.

        Returns
        -------
        paths : ndarray, shape (n_paths, months + 1)
            MAU levels [users]; column 0 is the last observed MAU, column ``h`` the MAU
            ``h`` months later.
        """
        n_paths = require_integer("n_paths", n_paths, minimum=1)
        months = require_integer("months", months, minimum=0)
        rng = np.random.default_rng(rng)
        out = np.empty((n_paths, months + 1))
        out[:, 0] = self.last_value
        if months == 0:
            return out
        out[:, 1:] = self._simulator.log_paths(n_paths, months, rng).T
        np.exp(out[:, 1:], out=out[:, 1:])
        return out

    def summary(self) -> dict:
        """What was fitted: model, growth now with its interval, warnings, candidates.

        Returns
        -------
        dict
            ``model``, ``seasonal_period``, ``n_months``, ``start``, ``end``,
            ``last_value`` [users], ``growth_now``, ``growth_low``, ``growth_high``
            [month⁻¹], ``credibility``, ``warnings`` (list of str) and ``candidates``
            (DataFrame: log-likelihood, parameters, AICc of every model tried).
        """
        return {
            "model": self.model, "seasonal_period": self.seasonal_period,
            "n_months": self.n_months, "start": self.start, "end": self.end,
            "last_value": self.last_value, "growth_now": self.growth_now,
            "growth_low": self.growth_low, "growth_high": self.growth_high,
            "credibility": self.credibility, "warnings": list(self.warnings),
            "candidates": self.candidates.copy(),
        }

    def __repr__(self) -> str:
        lines = [
            f"GrowthModel: {self.model}, {self.n_months} months {self.start} to {self.end}",
            f"  growth now {self.growth_now:+.1%}/month, "
            f"{self.credibility:.0%} interval {self.growth_low:+.1%} to "
            f"{self.growth_high:+.1%}",
        ]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _candidate_models(y: np.ndarray, period: int) -> list[tuple[str, dict]]:
    specs = [(name, dict(switches)) for name, switches in CANDIDATES.items()]
    if y.size >= 2 * period:
        specs += [(f"{name} + seasonal", {**switches, "seasonal": period})
                  for name, switches in CANDIDATES.items()]
    return specs


def _fit_one(y: np.ndarray, switches: dict, burn: int):
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    model = UnobservedComponents(y, level=True, trend=True, irregular=True,
                                 loglikelihood_burn=burn, **switches)
    with warnings.catch_warnings():
        # optimiser chatter (convergence, boundary variances): the AICc and the
        # parameter draws below take care of weak fits
        warnings.simplefilter("ignore")
        result = model.fit(disp=False, cov_type="none")
    return model, result


def _aicc(llf: float, k: int, n: int) -> float:
    return -2.0 * llf + 2.0 * k + (2.0 * k * (k + 1) / (n - k - 1) if n - k - 1 > 0 else math.inf)


def _parameter_draws(model, result, n_draws: int) -> np.ndarray:
    """Variance parameters drawn from the asymptotic normal law of their ML estimates.

    The draws are made on the optimiser's scale (standard deviations, which may cross 0
    symmetrically) with the inverse of the observed information, then squared back.
    """
    from statsmodels.tools.numdiff import approx_hess3

    u_hat = np.asarray(model.untransform_params(result.params), dtype=float)

    def loglike(u):
        return model.loglike(u, transformed=False)

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        hessian = approx_hess3(u_hat, loglike)
    info = -(hessian + hessian.T) / 2.0
    values, vectors = np.linalg.eigh(info)
    if not np.all(np.isfinite(values)):
        values, vectors = np.ones(u_hat.size) * np.inf, np.eye(u_hat.size)
    # flat or concave directions carry no information: cap their spread at the estimate's
    # own scale rather than letting it run to infinity
    scale = max(float(np.max(np.abs(u_hat))), 1e-3)
    variances = np.where(values > 1.0 / scale**2, 1.0 / np.where(values > 0, values, 1.0),
                         scale**2)
    root = vectors * np.sqrt(variances)
    u = u_hat + _normal_nodes(n_draws, u_hat.size) @ root.T
    return np.array([model.transform_params(row) for row in u])


def _mixture_quantile(
    means: np.ndarray, sds: np.ndarray, weights: np.ndarray, q: float
) -> float:
    """Quantile ``q`` of a mixture of normals with the given weights (summing to 1)."""
    sds = np.maximum(sds, 1e-12)
    lo = float(np.min(means - 10 * sds))
    hi = float(np.max(means + 10 * sds))
    return optimize.brentq(lambda x: weights @ special.ndtr((x - means) / sds) - q, lo, hi,
                           xtol=1e-12)


def _simulator(model, result, weight: float) -> _Simulator:
    """Parameter draws of one fitted candidate and its state at the end of each."""
    # each shock enters one state: 0 level, 1 trend, 2 newest seasonal (the 3 slots)
    selection = np.asarray(model.ssm["selection"], dtype=float)
    slots = np.argmax(selection, axis=0)
    means, roots, state_sd, obs_sd = [], [], [], []
    for params in _parameter_draws(model, result, _N_PARAM_DRAWS):
        filtered = model.filter(params, cov_type="none")
        means.append(filtered.predicted_state[:, -1].copy())
        cov = filtered.predicted_state_cov[:, :, -1]
        eigval, eigvec = np.linalg.eigh((cov + cov.T) / 2.0)
        roots.append(eigvec * np.sqrt(np.clip(eigval, 0.0, None)))
        sd = np.zeros(3)
        sd[slots] = np.sqrt(np.diag(model.ssm["state_cov"]))
        state_sd.append(sd)
        obs_sd.append(math.sqrt(float(model.ssm["obs_cov"][0, 0])))
    return _Simulator(
        draw_weight=np.full(len(means), weight / len(means)),
        state_mean=np.array(means), state_root=np.array(roots),
        state_sd=np.array(state_sd), obs_sd=np.array(obs_sd),
    )


def _stack(simulators: list[_Simulator]) -> _Simulator:
    """One simulator holding every candidate's draws (see :class:`_Simulator`)."""
    m = max(sim.state_mean.shape[1] for sim in simulators)
    return _Simulator(
        draw_weight=np.concatenate([sim.draw_weight for sim in simulators]),
        state_mean=np.concatenate([np.pad(sim.state_mean,
                                          ((0, 0), (0, m - sim.state_mean.shape[1])))
                                   for sim in simulators]),
        state_root=np.concatenate([np.pad(sim.state_root,
                                          ((0, 0), *[(0, m - sim.state_root.shape[1])] * 2))
                                   for sim in simulators]),
        state_sd=np.concatenate([sim.state_sd for sim in simulators]),
        obs_sd=np.concatenate([sim.obs_sd for sim in simulators]),
    )


def fit_growth_model(
    mau: pd.Series, *, seasonal_period: int = 12, credibility: float = 0.90
) -> GrowthModel:
    r"""Fit a structural time-series model to the log of monthly MAU.

    Parameters
    ----------
    mau : pandas.Series
        Monthly active users, one value per consecutive month, oldest first, on a monthly
        ``PeriodIndex`` or a ``DatetimeIndex`` of month starts; at least
        :data:`MIN_MONTHS` values. [users]
    seasonal_period : int, default 12
        Length of the seasonal cycle in observations; seasonal models are tried only with
        ``2 * seasonal_period`` observations or more. (A quarterly series read one
        observation per period would use 4.) [month]
    credibility : float, default 0.90
        Coverage of the interval of the growth rate now in :meth:`GrowthModel.summary`.

    Returns
    -------
    GrowthModel

    Raises
    ------
    TypeError
        If ``mau`` is not a pandas Series.
    ValueError
        If ``mau`` has fewer than :data:`MIN_MONTHS` values, a NaN or non-positive value,
        a gap between months, or an index that is not monthly dates.

    Notes
    -----
    Candidates (:data:`CANDIDATES`, each with and without a seasonal when 24 months allow
    it) are fitted by maximum likelihood with a diffuse initial state and compared by
    AICc computed on the same observations (the first ``k`` of the largest candidate's
    ``k`` diffuse states are left out of every likelihood, so the criteria compare like
    with like). With 6-23 months only the non-seasonal candidates are tried; with a year
    or less of history the simplest, a random walk with drift plus noise, usually wins,
    and its drift's uncertainty (the filtered variance of the trend state) widens the band
    as a t-interval would. Rather than keeping the best candidate alone, the paths come
    from the candidates averaged with their Akaike weights :math:`e^{-\Delta_i/2}`
    (those under 1 % dropped), so model uncertainty is in the band too [3]_. Each kept
    candidate's variance parameters are drawn 32 times from the normal approximation of
    their estimates' law (inverse observed information, on the standard-deviation scale)
    and the Kalman filter is re-run for each draw to get the state at the last month;
    :meth:`GrowthModel.simulate` picks a draw per path by weight. ``docs/forecasting.md``
    reports the rolling-origin backtest of this
    method on public series.

    References
    ----------
    .. [1] A. C. Harvey, *Forecasting, Structural Time Series Models and the Kalman
       Filter*. Cambridge University Press, 1989. doi:10.1017/CBO9781107049994
    .. [2] C. M. Hurvich and C.-L. Tsai, "Regression and time series model selection in
       small samples," Biometrika, vol. 76, no. 2, pp. 297-307, 1989.
       doi:10.1093/biomet/76.2.297
    .. [3] K. P. Burnham and D. R. Anderson, *Model Selection and Multimodel Inference*,
       2nd ed. Springer, 2002, ch. 4. doi:10.1007/b97636
    """
    if not isinstance(mau, pd.Series):
        raise TypeError(f"mau must be a pandas Series with a monthly index; "
                        f"got {type(mau).__name__}")
    seasonal_period = require_integer("seasonal_period", seasonal_period, minimum=2)
    require_between("credibility", credibility, 0.0, 1.0,
                    low_inclusive=False, high_inclusive=False)
    if monthly_index("mau", mau.index) is None:
        raise ValueError(
            "mau must have a monthly PeriodIndex or a DatetimeIndex of month starts; "
            f"got a {type(mau.index).__name__}"
        )
    values, periods = monthly_values("mau", mau, min_length=MIN_MONTHS, positive=True)
    y = np.log(values)
    n = y.size

    specs = _candidate_models(y, seasonal_period)
    burn = 2 + (seasonal_period - 1 if any("seasonal" in s for _, s in specs) else 0)
    rows, fits = [], []
    for name, switches in specs:
        model, result = _fit_one(y, switches, burn)
        k = len(result.params)
        rows.append({"model": name, "loglik": float(result.llf), "n_params": k,
                     "aicc": _aicc(float(result.llf), k, n - burn)})
        fits.append((model, result))
    candidates = pd.DataFrame(rows).set_index("model")
    delta = candidates["aicc"].to_numpy() - candidates["aicc"].min()
    weights = np.exp(-delta / 2.0)
    # Akaike weights; candidates under 1 % are dropped (they would barely be drawn)
    weights = np.where(weights / weights.sum() >= _MIN_WEIGHT, weights, 0.0)
    candidates["weight"] = weights / weights.sum()
    name = str(candidates.index[int(np.argmax(weights))])

    simulator = _stack([_simulator(model, result, weight)
                        for (model, result), weight in zip(fits, candidates["weight"],
                                                           strict=True) if weight > 0])
    # trend is state 1 for every candidate (level, trend, then seasonals)
    slope_mean = simulator.state_mean[:, 1]
    slope_sd = np.sqrt(np.einsum("kj,kj->k", simulator.state_root[:, 1, :],
                                 simulator.state_root[:, 1, :]))
    tail = (1.0 - credibility) / 2.0
    slope = [math.expm1(_mixture_quantile(slope_mean, slope_sd, simulator.draw_weight, q))
             for q in (tail, 0.5, 1.0 - tail)]

    notes = []
    if n < 2 * seasonal_period:
        notes.append(f"seasonality not estimable: {n} months of history, "
                     f"{2 * seasonal_period} (two seasons) needed")
    if n < 12:
        notes.append(f"short history ({n} months): the growth rate is uncertain and the "
                     "band is wide")
    return GrowthModel(
        model=name,
        seasonal_period=seasonal_period if "seasonal" in name else None,
        n_months=n,
        last_value=float(values[-1]),
        growth_now=slope[1],
        growth_low=slope[0],
        growth_high=slope[2],
        credibility=float(credibility),
        candidates=candidates,
        warnings=tuple(notes),
        start=periods[0],
        end=periods[-1],
        _simulator=simulator,
    )
