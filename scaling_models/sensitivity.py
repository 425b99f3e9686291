"""Which assumption moves the breach date or the cost most: tornado and rank correlation.

Two views of the same question, both on the Monte Carlo engine
(:mod:`scaling_models.montecarlo`):

* :func:`tornado` swings one uncertain input at a time between its P10 and P90 while every
  other uncertain input is held at its median, and reports the swing of one summary of the
  simulation (a *metric*, e.g. the median month the database crosses its critical line, or
  the median cost per user at month 12). Both ends of a swing share one seed (common random
  numbers), so the month-to-month noise does not masquerade as sensitivity.
* :func:`rank_sensitivity` runs the full simulation once and reports Spearman's rank
  correlation between each drawn input and a per-path output (global, all inputs varying).

A breach month is a whole month (the first month a path is above its line), so a small
change of an input moves it by 0 or 1 month. :func:`crossing_metric` reads instead the
time each path crosses its line, interpolated linearly between the last month below
and the first month above (:func:`crossing_months`), so that the tornado's bars grow
with the input's effect instead of in whole months.

References
----------
.. [1] A. Saltelli, M. Ratto, T. Andres et al., *Global Sensitivity Analysis: The Primer*,
   Wiley, 2008, sections 1.2 (one-at-a-time, tornado) and 1.2.5 (rank correlation).
   doi:10.1002/9780470725184
.. [2] C. Spearman, "The proof and measurement of association between two things," Am. J.
   Psychol., vol. 15, no. 1, pp. 72-101, 1904. doi:10.2307/1412159
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from scaling_models import montecarlo as mc
from scaling_models._checks import renamed
from scaling_models.distributions import Constant

__all__ = ["Metric", "breach_metric", "crossing_months", "crossing_metric", "output_metric",
           "tornado", "rank_sensitivity"]

#: A metric maps a simulation result to one number.
Metric = Callable[[mc.SimulationResult], float]


def breach_metric(resource: str, level: str = "critical", stat: str = "P50") -> Metric:
    """Metric: a percentile (``"P50"``...) or ``"probability"`` of a breach month.

    ``resource`` is one of :data:`montecarlo.BREACH_METRICS` (the four resources or
    ``"p95_response_time_s"``). A percentile not reached within the horizon reads as
    ``months + 1``, so that "later than the horizon" still ranks last instead of vanishing
    as NaN.
    """
    if resource not in mc.BREACH_METRICS:
        raise ValueError(f"resource must be one of {mc.BREACH_METRICS}; got {resource!r}")
    if level not in mc.LEVELS:
        raise ValueError(f"level must be one of {mc.LEVELS}; got {level!r}")

    def metric(result: mc.SimulationResult) -> float:
        value = float(result.breach_summary.loc[(resource, level), stat])
        return float(result.months + 1) if np.isnan(value) else value

    metric.__name__ = f"{resource}/{level} breach month {stat}"
    return metric


def crossing_months(values: np.ndarray, threshold: float) -> np.ndarray:
    """When each path first goes above ``threshold``, in months, linearly interpolated.

    For a path whose first month above the line is :math:`t \\ge 1` (the breach month of
    :func:`scaling_models.montecarlo.simulate`: the first value strictly above), the
    crossing is

    .. math:: t - 1 + \\frac{c - v_{t-1}}{v_t - v_{t-1}}

    with :math:`c` the threshold and :math:`v` the path's monthly values: the time at
    which the straight line between the last month at or below the line and the first
    month above it meets the line, in :math:`[t - 1, t)`. A path already above at month 0
    crosses at 0; one that never goes above gives NaN.

    Parameters
    ----------
    values : ndarray, shape (n_paths, months + 1)
        Per-path monthly values (e.g. ``SimulationResult.paths["cpu_avg"]``), months on
        the last axis; finite.
    threshold : float
        The line, in the values' units.

    Returns
    -------
    ndarray, shape (n_paths,)
        Crossing times [months after month 0], NaN for no crossing within the horizon.

    Examples
    --------
    >>> crossing_months(np.array([[0.5, 0.7, 0.9, 1.0], [0.85, 0.9, 0.9, 0.9],
    ...                           [0.1, 0.2, 0.3, 0.4]]), 0.8)
    array([1.5, 0. , nan])
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 2 or v.shape[1] < 1:
        raise ValueError(f"values must be a 2-d array (paths, months); got shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError("values must be finite (a saturated latency has no crossing time "
                         "by interpolation)")
    above = v > threshold
    crossed = above.any(axis=1)
    t = np.argmax(above, axis=1)  # first month above (0 when none: masked below)
    rows = np.arange(v.shape[0])
    before = v[rows, np.maximum(t - 1, 0)]
    after = v[rows, t]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = (threshold - before) / (after - before)
    times = np.where(t == 0, 0.0, t - 1 + share)
    return np.where(crossed, times, np.nan)


def crossing_metric(resource: str, level: str = "critical", stat: str = "P50") -> Metric:
    """Metric: a percentile of the interpolated time a resource crosses its line.

    The continuous version of :func:`breach_metric` for the four resources
    (:data:`montecarlo.RESOURCES`): each path's crossing of the ``level`` line by its
    average utilisation, :func:`crossing_months`, then the ``stat`` percentile (``"P50"``:
    the median, linear interpolation between paths) over all paths. A path that does not
    cross within the horizon counts as crossing at ``months + 1``, as a breach not
    reached reads in :func:`breach_metric`. The simulation keeps the resource's paths
    (the metric's ``outputs`` attribute, read by :func:`tornado`).
    """
    if resource not in mc.RESOURCES:
        raise ValueError(f"resource must be one of {mc.RESOURCES}; got {resource!r}")
    if level not in mc.LEVELS:
        raise ValueError(f"level must be one of {mc.LEVELS}; got {level!r}")
    try:
        q = float(stat.removeprefix("P")) if stat.startswith("P") else float("nan")
    except ValueError:
        q = float("nan")
    if not 0 <= q <= 100:
        raise ValueError(f"stat must be a percentile 'P0'..'P100'; got {stat!r}")
    output = f"{resource}_avg"

    def metric(result: mc.SimulationResult) -> float:
        if result.paths is None or output not in result.paths:
            raise ValueError(f"{metric.__name__} needs the paths of {output!r}: simulate "
                             f"with keep_paths=True and that output")
        lines = result.inputs.thresholds()[mc.LEVELS.index(level)]
        times = crossing_months(result.paths[output],
                                float(lines[mc.RESOURCES.index(resource)]))
        return float(np.percentile(np.where(np.isnan(times), result.months + 1, times), q))

    metric.__name__ = f"{resource}/{level} crossing month {stat}"
    metric.outputs = (output,)
    return metric


def output_metric(output: str, month: int, percentile: int = 50) -> Metric:
    """Metric: one percentile of one per-month output (e.g. cost per user at month 12)."""
    if output not in mc.OUTPUTS:
        raise ValueError(f"output must be one of {mc.OUTPUTS}; got {output!r}")

    def metric(result: mc.SimulationResult) -> float:
        series = result.percentile(output, percentile)
        if month not in series.index:
            raise ValueError(f"month {month} is outside the simulated 0..{result.months}")
        return float(series.loc[month])

    metric.__name__ = f"{output} P{percentile} at month {month}"
    return metric


def _varying(inputs: mc.Inputs) -> dict:
    """Uncertain inputs that are not constants (per-resource elasticities by their own
    names ``elasticity_<resource>``; a joint elasticity sampler is not swung)."""
    return {k: v for k, v in inputs.distributions().items() if not isinstance(v, Constant)}


def _common_seed(rng: np.random.Generator | int) -> int:
    """The one seed every run of a tornado uses: ``rng`` itself, or one draw of it."""
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(2**63))
    return rng


def _with(inputs: mc.Inputs, values: dict) -> mc.Inputs:
    """``inputs`` with some uncertain inputs replaced (``elasticity_<resource>`` too)."""
    per = {k.removeprefix("elasticity_"): v for k, v in values.items()
           if k.startswith("elasticity_")}
    plain = {k: v for k, v in values.items() if not k.startswith("elasticity_")}
    if per:
        plain["elasticity"] = {**inputs.elasticity, **per}
    return replace(inputs, **plain)


def tornado(
    metric: Metric,
    inputs: mc.Inputs | None = None,
    *,
    names: Sequence[str] | None = None,
    n_paths: int = 2_000,
    months: int = 36,
    rng: np.random.Generator | int = 0,
    low: float = 0.10,
    high: float = 0.90,
    seed: int | None = None,
    scheduler: Any = None,
) -> pd.DataFrame:
    """One-at-a-time swing of ``metric`` as each uncertain input goes from P10 to P90.

    Parameters
    ----------
    metric : callable
        Result -> float, e.g. ``breach_metric("db_utilisation")`` or
        ``output_metric("cost_per_user", 12)``.
    inputs : Inputs, optional
        Defaults to ``montecarlo.Inputs()``.
    names : sequence of str, optional
        Inputs to swing; default every uncertain input that is not a constant.
    n_paths, months
        Passed to :func:`montecarlo.simulate`.
    rng : int or Generator, default 0
        Seed of every run: each run uses the same one (common random numbers); a Generator
        gives that seed as one draw.
    low, high : float
        Quantiles of the swing (P10 and P90 by default).
    seed : int, optional
        Deprecated name of ``rng`` (DeprecationWarning; removed in the next release).
    scheduler : None, str or dask.distributed.Client
        None (default): the simulations run one after the other here. Otherwise each of
        the ``2 len(names) + 1`` simulations is one Dask task
        (:func:`scaling_models.cluster.run_tasks`: ``"threads"``, ``"processes"``, a
        Client or an address ``"tcp://host:8786"``); the table is identical. ``metric``
        and ``inputs`` must pickle (the metrics of this module do).

    Returns
    -------
    DataFrame
        Indexed by ``input``: ``value_low``, ``value_high`` (the input's quantiles),
        ``metric_low``, ``metric_high``, ``swing`` = |metric_high - metric_low|; sorted by
        swing, largest first. ``attrs["base"]`` is the metric with every input at its
        median, ``attrs["metric"]`` its name.
    """
    inputs = mc.Inputs() if inputs is None else inputs
    common = _common_seed(renamed("tornado", "seed", seed, "rng", rng, 0))
    if not 0 < low < high < 1:
        raise ValueError(f"need 0 < low < high < 1; got low={low!r}, high={high!r}")
    varying = _varying(inputs)
    names = list(varying) if names is None else list(names)
    for name in names:
        if name not in varying:
            raise ValueError(
                f"{name!r} is not an uncertain input of these inputs; choose from {list(varying)}"
            )
    medians = {k: Constant(value=v.median()) for k, v in varying.items()}
    centre = _with(inputs, medians)

    rows = []
    runs = [centre]  # the base, then each input at its low and high value
    for name in names:
        lo_value, hi_value = (float(x) for x in varying[name].ppf(np.array([low, high])))
        rows.append({"input": name, "value_low": lo_value, "value_high": hi_value})
        runs += [_with(centre, {name: Constant(value=v)}) for v in (lo_value, hi_value)]
    items = [(metric, changed, n_paths, months, common) for changed in runs]
    if scheduler is None:
        values = [_run_metric(*args) for args in items]
    else:
        from scaling_models import cluster

        values = cluster.run_tasks(_run_metric, items, scheduler=scheduler, name="tornado-run")
    for i, row in enumerate(rows):
        row["metric_low"], row["metric_high"] = values[1 + 2 * i], values[2 + 2 * i]
    table = pd.DataFrame(rows, columns=["input", "value_low", "value_high", "metric_low",
                                        "metric_high"]).set_index("input")
    table["swing"] = (table["metric_high"] - table["metric_low"]).abs()
    table = table.sort_values("swing", ascending=False)
    table.attrs["base"] = values[0]
    table.attrs["metric"] = getattr(metric, "__name__", "metric")
    return table


def _run_metric(metric: Metric, inputs: mc.Inputs, n_paths: int, months: int,
                rng: int) -> float:
    """One simulation of a tornado, summarised by ``metric`` (a task on a cluster).

    A metric with an ``outputs`` attribute (:func:`crossing_metric`) reads per-path
    outputs: the run keeps the paths of those outputs only.
    """
    outputs = getattr(metric, "outputs", None)
    if outputs is None:
        run = mc.simulate(inputs, n_paths=n_paths, months=months, rng=rng)
    else:
        run = mc.simulate(inputs, n_paths=n_paths, months=months, rng=rng, keep_paths=True,
                          outputs=tuple(outputs))
    return float(metric(run))


def rank_sensitivity(
    target: str,
    inputs: mc.Inputs | None = None,
    *,
    month: int | None = None,
    n_paths: int = 5_000,
    months: int = 36,
    rng: np.random.Generator | int | None = 0,
    seed: int | None = None,
    scheduler: Any = None,
) -> pd.DataFrame:
    """Spearman rank correlation between each uncertain input and one per-path outcome.

    Parameters
    ----------
    target : str
        An output of :data:`montecarlo.OUTPUTS` (then ``month`` is required), or a breach
        ``"resource/level"`` such as ``"db_utilisation/critical"`` or
        ``"p95_response_time_s/attention"`` (paths that never cross count as
        ``months + 1``).
    inputs, n_paths, months, rng
        As for :func:`montecarlo.simulate`.
    seed : int, optional
        Deprecated name of ``rng`` (DeprecationWarning; removed in the next release).
    scheduler : None, str or dask.distributed.Client
        Where the simulation's chunks run (:func:`montecarlo.simulate`); the table is the
        same.

    Returns
    -------
    DataFrame
        Indexed by ``input``: ``spearman`` in [-1, 1] and ``abs``; sorted by ``abs``.
    """
    inputs = mc.Inputs() if inputs is None else inputs
    rng = renamed("rank_sensitivity", "seed", seed, "rng", rng, 0)
    breach_names = [f"{r}/{lv}" for r in mc.BREACH_METRICS for lv in mc.LEVELS]
    if target in breach_names:
        res = mc.simulate(inputs, n_paths=n_paths, months=months, rng=rng, keep_paths=True,
                          outputs=("mau",), scheduler=scheduler)
        y = res.breach_months[target].fillna(months + 1).to_numpy()
    elif target in mc.OUTPUTS:
        if month is None or not 0 <= month <= months:
            raise ValueError(f"month must be in [0, {months}] for output {target!r}; got {month!r}")
        res = mc.simulate(inputs, n_paths=n_paths, months=months, rng=rng, keep_paths=True,
                          outputs=(target,), scheduler=scheduler)
        y = res.paths[target][:, month]
    else:
        raise ValueError(f"target must be one of {mc.OUTPUTS} or {breach_names}; got {target!r}")
    # the varying inputs, and the elasticities a joint sampler drew
    varying = [*_varying(inputs),
               *(c for c in res.inputs_drawn if c.startswith("elasticity_")
                 and inputs.elasticity_kind() == "joint")]
    ry = pd.Series(y).rank().to_numpy()
    rows = {}
    for name in varying:
        rx = res.inputs_drawn[name].rank().to_numpy()
        sx, sy = rx.std(), ry.std()
        rows[name] = float(np.mean((rx - rx.mean()) * (ry - ry.mean())) / (sx * sy)) if (
            sx > 0 and sy > 0) else 0.0
    table = pd.DataFrame({"spearman": pd.Series(rows, dtype=float)})
    table.index.name = "input"
    table["abs"] = table["spearman"].abs()
    return table.sort_values("abs", ascending=False)
