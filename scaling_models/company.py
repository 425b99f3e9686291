"""One company's data turned into the Monte Carlo engine's inputs: the single calibration
that the board report and the analyst notebooks share.

What is modelled: today's company (MAU [users], average and peak utilisation of each
resource of :mod:`scaling_models.resources` [fraction], thresholds [fraction, s],
infrastructure cost [currency/month], ARPU [currency/user/month], transactions
[1/user/day], team size [developers] and velocity [story points/sprint]) read from the
history's month, and three assumptions measured on the history before it:

* growth: a model fitted to monthly MAU when the history is long enough, else the 90 %
  interval of the mean monthly growth (:func:`scaling_models.calibration.growth_distribution`);
* load elasticity: each resource's own, drawn jointly
  (:func:`scaling_models.calibration.resource_elasticities`);
* latency: the queueing model and mean service time that reproduce the measured P95
  (:func:`scaling_models.calibration.fit_latency`).

Each assumption falls back to the engine's default when the history cannot support it,
and :attr:`Calibrated.sources` says so in a sentence, so a report is still produced.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from scaling_models import calibration, forecasting, loaders, montecarlo, periods
from scaling_models import resources as _resources

__all__ = ["Calibrated", "GROWTH_MODEL_MIN_MONTHS", "calibrate"]

#: Fewest months of MAU on which the growth model is fitted (below: the growth interval).
GROWTH_MODEL_MIN_MONTHS = forecasting.MIN_MONTHS

_GROWTH = ("model", "interval")
_ELASTICITY = ("measured", "pooled", "default")
_LATENCY = ("fitted", "default")


@dataclass(frozen=True)
class Calibrated:
    """The engine's inputs for one company as of one month, and where each comes from.

    Attributes
    ----------
    inputs : scaling_models.montecarlo.Inputs
        Ready for :func:`scaling_models.montecarlo.simulate`.
    month : pandas.Period
        The history month the inputs describe (month 0 of a simulation).
    growth : object or None
        The fitted growth model (``calibration.fit_growth_model``), the
        :class:`~scaling_models.calibration.GrowthCalibration` interval, or None when the
        growth is set by hand or the engine's default is used.
    growth_low, growth_high : float
        90 % interval of the monthly growth rate the simulation assumes (for the model:
        the one its ``summary()`` reports). [month⁻¹]
    elasticities : ResourceElasticities or ElasticityCalibration or None
        The measured elasticities, or None for the engine's default.
    latency : LatencyCalibration or None
        The latency fit, or None for the engine's default.
    sources : mapping of str to str
        ``growth``, ``elasticity``, ``latency`` and ``today``: one plain sentence each
        saying where the assumption comes from, and why a default was used if one was.
    """

    inputs: montecarlo.Inputs
    month: pd.Period
    growth: Any
    growth_low: float
    growth_high: float
    elasticities: Any
    latency: Any
    sources: Mapping[str, str] = field(default_factory=dict)

    def elasticity_table(self) -> pd.DataFrame:
        """Per resource, the elasticity the simulation uses and its 90 % interval.

        Returns
        -------
        pandas.DataFrame
            Indexed by resource, ``elasticity`` (the measured estimate, or the default's
            most likely value), ``low`` and ``high`` (the measured 90 % interval, or the
            default's 5th and 95th percentiles). [-]
        """
        if isinstance(self.elasticities, calibration.ResourceElasticities):
            return self.elasticities.table()[["elasticity", "low", "high"]]
        law = self.inputs.elasticity
        if isinstance(self.elasticities, calibration.ElasticityCalibration):
            pooled = self.elasticities
            centre, low, high = pooled.elasticity, pooled.low, pooled.high
        else:
            low, high = float(law.ppf(0.05)), float(law.ppf(0.95))
            centre = float(getattr(law, "mode", law.ppf(0.5)))
        index = pd.Index(_resources.keys(), name="resource")
        return pd.DataFrame({"elasticity": centre, "low": low, "high": high}, index=index)


def _months(n: int) -> str:
    return f"{n} month" + ("" if n == 1 else "s")


def _check_choice(name: str, value: Any, allowed: tuple) -> None:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}")


def _growth(mau: pd.Series, growth: Any, rng: np.random.Generator
            ) -> tuple[dict[str, Any], Any, float, float, str]:
    """Engine keywords, the growth object, its 90 % interval and the source sentence."""
    default = montecarlo.Inputs()
    if isinstance(growth, tuple):
        if len(growth) != 2 or not all(np.isfinite(growth)) or growth[0] > growth[1]:
            raise ValueError(f"growth must be 'model', 'interval' or (low, high) monthly "
                             f"rates with low <= high; got {growth!r}")
        low, high = float(growth[0]), float(growth[1])
        return ({"growth_rate": (low, high)}, None, low, high,
                f"growth set by hand: {low:.1%} to {high:.1%} a month (90 % interval), "
                f"month-to-month noise {default.growth_volatility:.0%} (the engine's default)")
    _check_choice("growth", growth, _GROWTH)
    reason = ""
    if growth == "model":
        if mau.size < GROWTH_MODEL_MIN_MONTHS:
            reason = (f"the history has {_months(mau.size)} of users, the growth model "
                      f"needs {GROWTH_MODEL_MIN_MONTHS}")
        else:
            model = calibration.fit_growth_model(mau)
            low, high = float(model.growth_low), float(model.growth_high)
            warnings = "".join(f"; {w}" for w in model.summary()["warnings"])
            return ({"growth_model": model}, model, low, high,
                    f"growth model ({model.model}) fitted to {_months(mau.size)} of users: "
                    f"{model.growth_now:.1%} a month now, {low:.1%} to {high:.1%} "
                    f"(90 % interval){warnings}")
    window = min(12, mau.size - 1)
    if window < 3:
        low, high = _default_interval(default)
        why = f"; {reason}" if reason else ""
        return ({}, None, low, high,
                f"the engine's default growth ({low:.1%} to {high:.1%} a month): the "
                f"history has only {_months(mau.size)} of users, 4 are needed{why}")
    fit = calibration.growth_distribution(mau, window=window, rng=rng)
    why = f" ({reason})" if reason else ""
    if not fit.rate_low < fit.rate_high:  # a flat history: an interval of zero width
        low, high = _default_interval(default)
        return ({}, fit, low, high,
                f"the engine's default growth ({low:.1%} to {high:.1%} a month): the "
                f"history's growth does not vary ({fit.mean_rate:.1%} every month of the "
                f"last {_months(window)}){why}")
    return ({"growth_rate": (fit.rate_low, fit.rate_high), "growth_volatility": fit.log_std},
            fit, fit.rate_low, fit.rate_high,
            f"growth measured on the last {_months(window)} of users: {fit.rate_low:.1%} to "
            f"{fit.rate_high:.1%} a month (90 % interval of the mean){why}")


def _default_interval(inputs: montecarlo.Inputs) -> tuple[float, float]:
    law = inputs.growth_rate
    return float(law.ppf(0.05)), float(law.ppf(0.95))


def _elasticity(history: pd.DataFrame, elasticity: str) -> tuple[dict[str, Any], Any, str]:
    """Engine keywords, the measured elasticities and the source sentence."""
    _check_choice("elasticity", elasticity, _ELASTICITY)
    default = montecarlo.Inputs().elasticity
    default_text = (f"the engine's default ({default.low:g} to {default.high:g}, most likely "
                    f"{default.mode:g})")
    if elasticity == "default":
        return {}, None, f"elasticity: {default_text}, set by the parameters"
    try:
        if elasticity == "pooled":
            pooled = calibration.elasticity_distribution(history)
            if pooled.low <= 0:
                raise ValueError(f"its 90 % interval {pooled.low:.2f} to {pooled.high:.2f} "
                                 f"reaches 0")
            return ({"elasticity": (pooled.low, pooled.high)}, pooled,
                    f"elasticity measured on the history, one for all resources: "
                    f"{pooled.low:.2f} to {pooled.high:.2f} (90 % interval, "
                    f"{_months(pooled.n_points)})")
        measured = calibration.resource_elasticities(history)
    except ValueError as exc:
        return {}, None, f"elasticity: {default_text}; the history cannot measure it ({exc})"
    table = measured.table()
    weak = table[table["low"] <= 0]
    if len(weak):
        # a 90 % interval reaching 0 says the months since the upgrade cannot tell growth
        # from noise: the engine's default is better informed than that estimate
        first, row = next(weak.iterrows())
        return {}, None, (
            f"elasticity: {default_text}; the history has only "
            f"{_months(int(row.n_points))} since the last {_resources.get(first).label} "
            f"capacity change, too few to measure it ({row.low:.2f} to {row.high:.2f})")
    parts = ", ".join(
        f"{_resources.get(r).label} {row.elasticity:.2f} ({row.low:.2f} to {row.high:.2f}, "
        f"{_months(int(row.n_points))})" for r, row in table.iterrows())
    return ({"elasticity": measured}, measured,
            f"elasticity measured on each resource's history since its last capacity change, "
            f"drawn jointly: {parts} (90 % intervals)")


def _latency(history: pd.DataFrame, latency: str, instances: int
             ) -> tuple[dict[str, Any], Any, str]:
    """Engine keywords, the latency fit and the source sentence."""
    _check_choice("latency", latency, _LATENCY)
    default = montecarlo.Inputs()
    default_text = (f"the engine's default (one queue per instance, mean service time "
                    f"{default.service_time_s:g} s)")
    if latency == "default":
        return {}, None, f"latency: {default_text}, set by the parameters"
    column = montecarlo.LATENCY_METRIC
    if column not in history.columns or history[column].isna().all():
        return {}, None, (f"latency: {default_text}; the history does not measure the P95 "
                          f"response time")
    try:
        fit = calibration.fit_latency(history, instances)
    except ValueError as exc:
        return {}, None, f"latency: {default_text}; the history cannot fit it ({exc})"
    queue = ("one queue for the fleet of " f"{fit.instances} instances" if fit.model == "mmc"
             else "one queue per instance")
    return ({"latency_model": fit.model, "latency_load": fit.load,
             "service_time_s": fit.service_time_s},
            fit,
            f"latency fitted to the last {_months(fit.months)} of measured P95 (the response "
            f"time 95 % of requests beat): {queue} at {fit.load} CPU, mean service time "
            f"{fit.service_time_s * 1000:.0f} ms; it gives {fit.modelled_p95_s:.2f} s in the "
            f"last month against {fit.measured_p95_s:.2f} s measured")


def calibrate(
    data: loaders.DataBundle | pd.DataFrame,
    *,
    month: str | pd.Period | None = None,
    growth: str | tuple[float, float] = "model",
    elasticity: str = "measured",
    latency: str = "fitted",
    instances: int = 10,
    thresholds: pd.DataFrame | None = None,
    developer_annual_cost: float | None = None,
    rng: np.random.Generator | int | None = None,
) -> Calibrated:
    """The simulation inputs of a company as it stands in ``month``.

    Parameters
    ----------
    data : scaling_models.loaders.DataBundle or pandas.DataFrame
        The company's data (:func:`scaling_models.loaders.load_data_dir`), or its monthly
        history alone (then ``thresholds`` or the bundled threshold table is used).
    month : str or pandas.Period, optional
        Month 0 of the simulation; the history after it is ignored. Default: the last.
    growth : {"model", "interval"} or (float, float), default "model"
        ``"model"``: a growth model fitted to MAU (``calibration.fit_growth_model``) when
        the history has at least :data:`GROWTH_MODEL_MIN_MONTHS` months, else the
        interval; ``"interval"``: the 90 % interval of the mean monthly growth over the
        last 12 months and its month-to-month volatility
        (:func:`scaling_models.calibration.growth_distribution`); a pair: the 90 %
        interval of the monthly growth rate set by hand. [month⁻¹]
    elasticity : {"measured", "pooled", "default"}, default "measured"
        ``"measured"``: each resource's own elasticity, drawn jointly
        (:func:`scaling_models.calibration.resource_elasticities`); ``"pooled"``: one
        interval for all resources (:func:`scaling_models.calibration.elasticity_distribution`);
        ``"default"``: the engine's.
    latency : {"fitted", "default"}, default "fitted"
        ``"fitted"``: queueing model and service time fitted to the measured P95
        (:func:`scaling_models.calibration.fit_latency`); ``"default"``: the engine's.
    instances : int, default 10
        Application instances today (the history has no count). [instances]
    thresholds : pandas.DataFrame, optional
        Threshold table when ``data`` is a history; default the bundled one.
    developer_annual_cost : float, optional
        Fully loaded developer cost; default the engine's. [currency/developer/year]
    rng : numpy.random.Generator, int or None
        Randomness of the growth interval's bootstrap.

    Returns
    -------
    Calibrated

    Raises
    ------
    ValueError
        If a choice is not one of those allowed, ``month`` is not in the history, or the
        history lacks a column today's values need. A history too short for an
        assumption is not an error: that assumption falls back to the engine's default
        and ``sources`` says why.

    Examples
    --------
    >>> from scaling_models import company, loaders
    >>> calibrated = company.calibrate(loaders.load_data_dir(), rng=1)
    >>> calibrated.inputs.initial_users
    49780.0
    """
    if isinstance(data, loaders.DataBundle):
        history, table = data.history, data.thresholds
    elif isinstance(data, pd.DataFrame):
        history = data
        table = loaders.load_thresholds() if thresholds is None else thresholds
    else:
        raise TypeError(f"data must be a loaders.DataBundle or a history DataFrame; got "
                        f"{type(data).__name__}")
    if thresholds is not None:
        table = thresholds
    table = loaders.validate_thresholds(table)
    history = periods.monthly_frame(history)
    month = history.index[-1] if month is None else periods.to_month(month)
    if month not in history.index:
        raise ValueError(f"month {month} is not in the history ({history.index[0]} to "
                         f"{history.index[-1]})")
    history = history.loc[:month]
    row = history.loc[month]
    rng = np.random.default_rng(rng)

    growth_kw, growth_fit, low, high, growth_source = _growth(history["mau"], growth, rng)
    elasticity_kw, elasticities, elasticity_source = _elasticity(history, elasticity)
    latency_kw, latency_fit, latency_source = _latency(history, latency, instances)

    declared = [_resources.get(r) for r in _resources.keys()]
    latency_row = table.loc["p95_response_time_s"] if "p95_response_time_s" in table.index \
        else None
    inputs = montecarlo.Inputs(
        initial_users=float(row["mau"]),
        transactions_per_user_day=float(row["transactions_per_day"] / row["mau"]),
        utilisation_avg={r.key: float(row[r.avg_column]) for r in declared},
        utilisation_peak={r.key: float(row[r.peak_column]) for r in declared},
        attention={r.key: float(table.at[r.metric, "attention"]) for r in declared},
        critical={r.key: float(table.at[r.metric, "critical"]) for r in declared},
        base_monthly_cost=float(row["infra_cost"]),
        arpu=float(row["revenue"] / row["mau"]),
        team_size=int(row["team_size"]),
        current_velocity=float(row["velocity"]),
        instances=instances,
        **({} if latency_row is None else {"latency_thresholds": (
            float(latency_row["attention"]), float(latency_row["critical"]))}),
        **({} if developer_annual_cost is None
           else {"developer_annual_cost": float(developer_annual_cost)}),
        **growth_kw, **elasticity_kw, **latency_kw,
    )
    today = (f"today's values from {month.strftime('%B %Y')}: {row['mau']:,.0f} monthly "
             f"users, infrastructure {row['infra_cost']:,.0f} a month, "
             f"{int(row['team_size'])} developers at {row['velocity']:.1f} story points per "
             f"sprint")
    return Calibrated(
        inputs=inputs, month=month, growth=growth_fit, growth_low=low, growth_high=high,
        elasticities=elasticities, latency=latency_fit,
        sources=MappingProxyType({"growth": growth_source, "elasticity": elasticity_source,
                                  "latency": latency_source, "today": today}),
    )
