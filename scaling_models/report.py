"""Tables and figures of the quarterly board report; the only module that formats.

Each builder takes validated data (from :mod:`scaling_models.loaders`) and model outputs
and returns a :class:`pandas.DataFrame` or a matplotlib :class:`~matplotlib.figure.Figure`;
nothing is printed or shown, so the board notebook, the analyst notebooks and the tests
share them. The sections follow the source article's quarterly report and dashboard
(DOMAIN sections 4, 7 and 8): growth achieved this quarter against last, the scaling
dashboard, the forecast of each resource against its thresholds with the latest month to
start the remedy, ranked actions, the technical-debt items worth fixing, the scenario
table with probabilities and costs, and the headline figures of ``summary.json`` with
their quarter-over-quarter changes.

Units: fractions in [0, 1] for utilisation and shares, money in the data's currency,
time in months (months are calendar ``YYYY-MM`` in tables).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "SUMMARY_KEYS",
    "QUARTER_METRICS",
    "RESOURCE_COLUMNS",
    "quarter_end_month",
    "growth_achieved",
    "snapshot",
    "status_dashboard",
    "debt_table",
    "scenario_table",
    "actions",
    "summary",
    "qoq_deltas",
    "history_figure",
    "simulation_inputs",
    "breach_table",
    "remedy_schedule",
    "fan_figure",
    "hiring_table",
    "investments",
    "percent",
    "money",
    "styled",
]

#: Quantities compared quarter over quarter (DOMAIN section 7): history column ->
#: (label, unit). ``cost_per_user`` is derived (infra_cost / mau).
QUARTER_METRICS: Mapping[str, tuple[str, str]] = {
    "mau": ("Users (MAU)", "users"),
    "revenue": ("Revenue", "currency/month"),
    "transactions_per_day": ("Transactions", "per day"),
    "team_size": ("Team", "developers"),
    "infra_cost": ("Infrastructure cost", "currency/month"),
    "cost_per_user": ("Infrastructure cost per user", "currency/user/month"),
    "velocity": ("Velocity", "story points/sprint"),
    "deploys_per_week": ("Deployments", "per week"),
}

#: Threshold metric of each Monte Carlo resource -> history column prefix.
RESOURCE_COLUMNS: Mapping[str, str] = {
    "cpu": "cpu",
    "memory": "memory",
    "db_utilisation": "db",
    "bandwidth": "bandwidth",
}

# Threshold metrics read straight from a history column of the same name.
_DIRECT_METRICS = (
    "p95_response_time_s",
    "error_rate",
    "availability",
    "storage",
    "cycle_time_days",
    "deploys_per_week",
    "code_review_hours",
    "communication_overhead",
)

#: Every headline figure of ``summary.json`` (key -> meaning [unit]). The board
#: notebook records these with :func:`scaling_models.notebook_io.record`.
SUMMARY_KEYS: Mapping[str, str] = {
    "month": "last month of the quarter, YYYY-MM",
    "mau": "monthly active users at the end of the quarter [users]",
    "mau_qoq_change": "change of MAU over the quarter [fraction, 0.5 = +50 %]",
    "revenue": "revenue of the quarter's last month [currency/month]",
    "revenue_qoq_change": "change of monthly revenue over the quarter [fraction]",
    "transactions_per_day": "transactions per day in the quarter's last month [1/day]",
    "team_size": "developers at the end of the quarter [developers]",
    "infra_cost": "infrastructure cost of the quarter's last month [currency/month]",
    "infra_cost_share": "infrastructure cost / revenue in the last month [fraction]",
    "cost_per_user": "infrastructure cost per MAU in the last month [currency/user/month]",
    "monthly_growth_rate": "MAU growth fitted on the last 12 months [fraction/month]",
    "measured_growth_low": "low end of the 90 % interval of the mean monthly MAU growth "
                           "measured on history [fraction/month]",
    "measured_growth_high": "high end of that interval [fraction/month]",
    "metrics_critical": "dashboard metrics in 'critical' [count]",
    "metrics_attention": "dashboard metrics in 'attention' [count]",
    "critical_metrics": "keys of the dashboard metrics in 'critical' [list of str]",
    "debt_items_treat_now": "debt items with ROI > 300 % ('now') [count]",
    "debt_top_item": "debt item with the highest ROI [str]",
    "debt_top_roi": "ROI of that item [fraction, 3.0 = 300 %]",
    "scenario_probabilities": "probability of reaching each growth scenario [scenario -> "
                              "fraction]",
    "p_critical_next_quarter": "probability that each resource's average utilisation "
                               "crosses critical by the end of next quarter [resource -> "
                               "fraction]",
    "p_critical_4_quarters": "same, by the end of the fourth quarter ahead (or the horizon) "
                             "[resource -> fraction]",
    "remedy_start_by": "latest month to start each resource's remedy [resource -> YYYY-MM, "
                       "'now', or '' if not needed within the horizon]",
    "hires_planned": "hires in the plan to reach the target velocity [developers]",
    "investment_total": "total of the investments table [currency]",
    "actions_critical": "ranked actions of priority 'critical' [count]",
}


# --- formatting helpers -------------------------------------------------------------------


def percent(value: float, digits: int = 0, *, signed: bool = False) -> str:
    """Format a fraction as a percentage (``0.153 -> '15 %'``); NaN -> ``'n/a'``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    sign = "+" if signed and value > 0 else ""
    return f"{sign}{value * 100:.{digits}f} %"


def money(value: float, currency: str = "EUR") -> str:
    """Format money as a board reads it: ``365000 -> '365 K EUR'``; NaN -> ``'n/a'``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    size = abs(value)
    if size >= 1e6:
        return f"{value / 1e6:.2f} M {currency}"
    if size >= 1e3:
        return f"{value / 1e3:.0f} K {currency}"
    return f"{value:.0f} {currency}"


def styled(
    table: pd.DataFrame,
    *,
    percents: tuple[str, ...] = (),
    money_columns: tuple[str, ...] = (),
    decimals: int = 2,
    currency: str = "EUR",
):
    """A pandas Styler for the report: percentages, money and rounded numbers, NaN as ''.

    Columns named in ``percents`` are fractions shown as ``12.3 %``; ``money_columns``
    are shown as ``365 K EUR``; other float columns with ``decimals`` decimals.
    """
    formats: dict[str, Any] = {}
    for column in table.columns:
        if column in percents:
            formats[column] = lambda v: "" if pd.isna(v) else percent(v, 1)
        elif column in money_columns:
            formats[column] = lambda v, c=currency: "" if pd.isna(v) else money(v, c)
        elif pd.api.types.is_float_dtype(table[column].dtype):
            formats[column] = lambda v, d=decimals: "" if pd.isna(v) else f"{v:,.{d}f}"
    return table.style.format(formats)


# --- history ------------------------------------------------------------------------------


def _month_index(history: pd.DataFrame) -> pd.DataFrame:
    """Return ``history`` indexed by a monthly PeriodIndex (accepts a ``month`` column)."""
    if not isinstance(history, pd.DataFrame):
        raise TypeError(
            f"history must be a DataFrame from loaders.load_history(); got "
            f"{type(history).__name__}"
        )
    if "month" in history.columns:
        history = history.set_index("month")
    if not isinstance(history.index, pd.PeriodIndex):
        history = history.set_axis(pd.PeriodIndex(history.index.astype(str), freq="M"))
    return history


def quarter_end_month(quarter: str) -> pd.Period:
    """Last month of a ``YYYY-Qn`` quarter as a monthly Period."""
    try:
        return pd.Period(quarter, freq="Q").asfreq("M", how="end")
    except (ValueError, TypeError):
        raise ValueError(f"quarter must look like 2024-Q2; got {quarter!r}") from None


def _quarter_row(history: pd.DataFrame, month: pd.Period, quarter: str) -> pd.Series | None:
    return history.loc[month] if month in history.index else None


def growth_achieved(history: pd.DataFrame, quarter: str) -> pd.DataFrame:
    """Growth achieved this quarter against last (DOMAIN section 7, "growth achieved").

    Compares the last month of ``quarter`` with the last month of the quarter before.

    Parameters
    ----------
    history : pandas.DataFrame
        Monthly history from :func:`scaling_models.loaders.load_history`.
    quarter : str
        ``YYYY-Qn``; its last month must be in the history.

    Returns
    -------
    pandas.DataFrame
        Indexed by the history column (see :data:`QUARTER_METRICS`; columns absent from
        the history are left out), columns ``label``, ``unit``, ``previous``, ``current``,
        ``change`` and ``pct_change`` [fraction]. ``previous`` is NaN when the history
        does not reach back to the previous quarter.

    Raises
    ------
    ValueError
        If the quarter's last month is not in the history.
    """
    history = _month_index(history)
    end = quarter_end_month(quarter)
    if end not in history.index:
        raise ValueError(
            f"quarter {quarter} ends in {end}, which is not in the history "
            f"({history.index.min()} to {history.index.max()})"
        )
    frame = history.copy()
    if {"infra_cost", "mau"} <= set(frame.columns):
        frame["cost_per_user"] = frame["infra_cost"] / frame["mau"]
    before = end - 3
    rows = []
    for column, (label, unit) in QUARTER_METRICS.items():
        if column not in frame.columns:
            continue
        current = float(frame.at[end, column])
        previous = float(frame.at[before, column]) if before in frame.index else math.nan
        change = current - previous
        pct = change / previous if previous not in (0.0,) else math.nan
        rows.append({"metric": column, "label": label, "unit": unit, "previous": previous,
                     "current": current, "change": change, "pct_change": pct})
    table = pd.DataFrame(rows).set_index("metric")
    table.attrs.update(previous_month=str(before), current_month=str(end))
    return table


def snapshot(
    history: pd.DataFrame, month: str | pd.Period | None = None, *, statistic: str = "avg"
) -> pd.Series:
    """Threshold metrics of one month of history, ready for ``thresholds.dashboard``.

    Parameters
    ----------
    history : pandas.DataFrame
        Monthly history from :func:`scaling_models.loaders.load_history`.
    month : str or Period, optional
        ``YYYY-MM``; default the last month.
    statistic : {"avg", "peak"}
        Which utilisation to report for cpu, memory, db_utilisation and bandwidth. The
        average by default, as in the article's dashboard and as the Monte Carlo engine
        compares with the thresholds; :func:`status_dashboard` shows the peak beside it.

    Returns
    -------
    pandas.Series
        Metric key -> value in the threshold table's units; metrics whose columns are
        absent or empty that month are left out. ``db_connections`` is in-use / pool,
        ``infra_cost_share`` infra_cost / revenue, ``user_growth`` the MAU change from
        the month before.
    """
    if statistic not in ("peak", "avg"):
        raise ValueError(f"statistic must be 'peak' or 'avg'; got {statistic!r}")
    history = _month_index(history)
    month = history.index[-1] if month is None else pd.Period(str(month), freq="M")
    if month not in history.index:
        raise ValueError(
            f"month {month} is not in the history ({history.index.min()} to "
            f"{history.index.max()})"
        )
    row = history.loc[month]
    values: dict[str, float] = {}

    def put(metric: str, value: Any) -> None:
        if value is not None and not pd.isna(value):
            values[metric] = float(value)

    for metric in _DIRECT_METRICS:
        if metric in row.index:
            put(metric, row[metric])
    for metric, prefix in RESOURCE_COLUMNS.items():
        column = f"{prefix}_{statistic}"
        if column in row.index:
            put(metric, row[column])
    if {"db_connections_in_use", "db_pool_size"} <= set(row.index):
        put("db_connections", row["db_connections_in_use"] / row["db_pool_size"])
    if {"infra_cost", "revenue"} <= set(row.index) and row["revenue"] > 0:
        put("infra_cost_share", row["infra_cost"] / row["revenue"])
    before = month - 1
    if "mau" in row.index and before in history.index:
        put("user_growth", row["mau"] / history.at[before, "mau"] - 1)
    return pd.Series(values, name=str(month), dtype=float)


def status_dashboard(
    history: pd.DataFrame,
    thresholds: pd.DataFrame,
    month: str | pd.Period | None = None,
    *,
    statistic: str = "avg",
) -> pd.DataFrame:
    """The scaling dashboard: every threshold metric of ``month`` with its status.

    Returns the table of :func:`scaling_models.thresholds.dashboard` for the metrics of
    :func:`snapshot` that the threshold table knows, sorted critical first then by group,
    with a ``peak`` column (the month's peak utilisation of cpu, memory, db_utilisation
    and bandwidth; NaN for other metrics) for context.
    """
    from scaling_models import thresholds as _thresholds

    snap = snapshot(history, month, statistic=statistic)
    peaks = snapshot(history, month, statistic="peak")
    known = snap[snap.index.isin(thresholds.index)]
    table = _thresholds.dashboard(known, thresholds)
    table.insert(4, "peak", [float(peaks[m]) if m in RESOURCE_COLUMNS else math.nan
                             for m in table["metric"]])
    order = {"critical": 0, "attention": 1, "ok": 2}
    table = table.assign(_rank=table["status"].astype(str).map(order))
    table = table.sort_values(["_rank", "group"], kind="stable").drop(columns="_rank")
    table.attrs["month"] = snap.name
    return table.reset_index(drop=True)


# --- technical debt -----------------------------------------------------------------------


def debt_table(backlog: pd.DataFrame, *, hourly_cost: float, top: int = 5) -> pd.DataFrame:
    """The ``top`` technical-debt items by ROI with their recommendation (DOMAIN section 5).

    Parameters
    ----------
    backlog : pandas.DataFrame
        From :func:`scaling_models.loaders.load_backlog`.
    hourly_cost : float
        Loaded cost of a developer hour. [currency/hour]
    top : int
        Number of items to keep.

    Returns
    -------
    pandas.DataFrame
        Indexed by item, columns ``priority`` (when present), ``effort_days``,
        ``monthly_cost``, ``monthly_savings``, ``resolution_cost``, ``roi``,
        ``payback_months``, ``recommendation``; best ROI first. ``attrs`` holds
        ``n_items`` and ``n_treat_now`` for the whole backlog.
    """
    from scaling_models import debt

    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise ValueError(f"top must be an integer >= 1; got {top!r}")
    if "item" not in backlog.columns:
        # loaders.load_backlog indexes by item; debt.assess_backlog wants the column
        backlog = backlog.rename_axis("item").reset_index()
    assessed = debt.assess_backlog(backlog, hourly_cost=hourly_cost)
    if "item" in assessed.columns:
        assessed = assessed.set_index("item")
    columns = [c for c in ("priority", "effort_days", "monthly_cost", "monthly_savings",
                           "resolution_cost", "roi", "payback_months", "recommendation")
               if c in assessed.columns]
    table = assessed[columns].head(int(top)).copy()
    table.attrs["n_items"] = len(assessed)
    table.attrs["n_treat_now"] = int((assessed["recommendation"] == "now").sum())
    return table


# --- scenarios ----------------------------------------------------------------------------


def scenario_table(
    history: pd.DataFrame,
    scenarios: pd.DataFrame,
    *,
    developer_annual_cost: float = 60_000.0,
    window: int = 12,
    rng: np.random.Generator | int | None = None,
) -> pd.DataFrame:
    """Growth scenarios with their probability, infrastructure and team cost.

    The probability of each scenario comes from the company's own MAU growth
    (:func:`scaling_models.calibration.growth_distribution` on the last ``window``
    months, :func:`scaling_models.calibration.scenario_probabilities`): the board sees
    which scenario to prepare, which to monitor and which needs an emergency plan
    (DOMAIN section 8) from data rather than gut feeling.

    Returns
    -------
    pandas.DataFrame
        Indexed by scenario key: ``label``, ``total_user_growth`` [fraction],
        ``horizon_months``, ``required_monthly_rate`` [fraction/month], ``probability``,
        ``infra_cost`` [currency], ``developers_added``, ``team_cost`` [currency; the
        scenario's own figure, else one year of the added developers at
        ``developer_annual_cost``], ``risk``. ``attrs["calibration"]`` holds the fit.
    """
    from scaling_models import calibration, cost

    history = _month_index(history)
    fit = calibration.growth_distribution(history["mau"], window=window, rng=rng)
    probs = calibration.scenario_probabilities(fit, scenarios)
    table = pd.DataFrame(index=scenarios.index.copy())
    for column in ("label", "total_user_growth", "horizon_months"):
        table[column] = scenarios[column]
    table["required_monthly_rate"] = probs["required_monthly_rate"]
    table["probability"] = probs["probability"]
    table["infra_cost"] = scenarios.get("infra_cost", np.nan)
    added = scenarios.get("developers_added", pd.Series(np.nan, index=scenarios.index))
    table["developers_added"] = added
    stated = scenarios.get("team_cost", pd.Series(np.nan, index=scenarios.index))
    # the article prices team growth as one year of payroll (cost.team_cost notes)
    implied = pd.Series(
        np.where(added.notna(), cost.team_cost(added.fillna(0).to_numpy(dtype=float), 1.0,
                                               developer_annual_cost), np.nan),
        index=scenarios.index,
    )
    table["team_cost"] = stated.where(stated.notna(), implied)
    table["risk"] = scenarios.get("risk", "")
    table.attrs["calibration"] = fit
    return table


# --- forecast -----------------------------------------------------------------------------

#: What to do when a resource crosses its critical line (used for the remedy schedule).
REMEDIES: Mapping[str, str] = {
    "cpu": "add application capacity (scale out CPU)",
    "memory": "add memory (bigger instances or more of them)",
    "db_utilisation": "scale the database (replicas / sharding / migration)",
    "bandwidth": "add bandwidth / CDN",
}


def simulation_inputs(
    history: pd.DataFrame,
    thresholds: pd.DataFrame,
    *,
    growth_low: float,
    growth_high: float,
    growth_volatility: float = 0.03,
    month: str | pd.Period | None = None,
):
    """Monte Carlo inputs for the company as it stands in ``month`` (default: last).

    Today's MAU, average and peak utilisation, infrastructure cost, ARPU and
    transactions per user come from the history; the thresholds of cpu, memory,
    db_utilisation and bandwidth from the table; the growth interval from the caller
    (measured with :func:`scaling_models.calibration.growth_distribution` or set by
    hand). Everything else keeps the :class:`scaling_models.montecarlo.Inputs` defaults.
    """
    from scaling_models import montecarlo

    history = _month_index(history)
    month = history.index[-1] if month is None else pd.Period(str(month), freq="M")
    row = history.loc[month]
    resources = montecarlo.RESOURCES
    prefixes = [RESOURCE_COLUMNS[r] for r in resources]
    return montecarlo.Inputs(
        initial_users=float(row["mau"]),
        growth_rate=(float(growth_low), float(growth_high)),
        growth_volatility=float(growth_volatility),
        transactions_per_user_day=float(row["transactions_per_day"] / row["mau"]),
        utilisation_avg=tuple(float(row[f"{p}_avg"]) for p in prefixes),
        utilisation_peak=tuple(float(row[f"{p}_peak"]) for p in prefixes),
        attention=tuple(float(thresholds.at[r, "attention"]) for r in resources),
        critical=tuple(float(thresholds.at[r, "critical"]) for r in resources),
        base_monthly_cost=float(row["infra_cost"]),
        arpu=float(row["revenue"] / row["mau"]),
    )


def breach_table(result, end_month: str | pd.Period, *, quarters: int = 4) -> pd.DataFrame:
    """Probability of crossing each threshold by the end of each of the next quarters.

    Parameters
    ----------
    result : scaling_models.montecarlo.SimulationResult
        A run whose month 0 is ``end_month``.
    end_month : str or Period
        Last month of the reported quarter (``YYYY-MM``).
    quarters : int
        Quarters to show; those beyond the simulated horizon are left out.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``resource``, ``level``), one column per quarter (``YYYY-Qn``)
        holding the probability [fraction] that average utilisation has crossed the
        threshold by the end of that quarter.
    """
    end = pd.Period(str(end_month), freq="M")
    steps = [3 * q for q in range(1, quarters + 1) if 3 * q <= result.months]
    table = result.breach_probability[result.breach_probability["month"].isin(steps)]
    wide = table.pivot_table(index=["resource", "level"], columns="month",
                             values="probability", sort=False)
    wide = wide[steps]
    wide.columns = [str((end + k).asfreq("Q")) for k in steps]
    wide.columns.name = "by end of"
    return wide


def _first_month(probability: np.ndarray, risk: float) -> int | None:
    hit = np.nonzero(probability >= risk - 1e-12)[0]
    return int(hit[0]) if hit.size else None


def remedy_schedule(
    result,
    end_month: str | pd.Period,
    lead_months: Mapping[str, float],
    *,
    risk: float = 0.10,
) -> pd.DataFrame:
    """Latest month to start each resource's remedy so it lands before the critical line.

    The critical month is the first month in which at least ``risk`` of the paths have
    crossed the critical threshold (a cautious date: with ``risk=0.1`` nine futures in
    ten cross later); the remedy must start ``lead_months`` before it.

    Returns
    -------
    pandas.DataFrame
        Indexed by resource: ``action``, ``lead_months``, ``critical_month`` (YYYY-MM or
        "" when fewer than ``risk`` of the paths cross within the horizon),
        ``probability`` (of crossing critical within the horizon) and ``start_by``
        (YYYY-MM, "now" when overdue, "" when not needed within the horizon).
    """
    if not 0 < risk <= 1:
        raise ValueError(f"risk must be in (0, 1]; got {risk!r}")
    end = pd.Period(str(end_month), freq="M")
    rows = []
    crit = result.breach_probability[result.breach_probability["level"] == "critical"]
    for resource, frame in crit.groupby("resource", sort=False):
        frame = frame.sort_values("month")
        lead = float(lead_months.get(resource, 0.0))
        first = _first_month(frame["probability"].to_numpy(), risk)
        if first is None:
            critical_month, start_by = "", ""
        else:
            critical_month = str(end + first)
            start = math.floor(first - lead)
            start_by = "now" if start <= 0 else str(end + start)
        rows.append({"resource": resource, "action": REMEDIES.get(resource, resource),
                     "lead_months": lead, "critical_month": critical_month,
                     "probability": float(frame["probability"].iloc[-1]),
                     "start_by": start_by})
    return pd.DataFrame(rows).set_index("resource")


def fan_figure(result, end_month: str | pd.Period):
    """Fan charts of average utilisation per resource against its thresholds.

    Bands are the 5-95 % and 25-75 % ranges of the simulated paths, the line the median;
    dashed lines mark the attention (orange) and critical (red) thresholds.
    """
    from matplotlib.figure import Figure

    end = pd.Period(str(end_month), freq="M")
    attention, critical = result.inputs.thresholds()
    fig = Figure(figsize=(10, 6), layout="constrained")
    axes = fig.subplots(2, 2, sharex=True).ravel()
    from scaling_models import montecarlo

    for ax, resource, att, crit in zip(axes, montecarlo.RESOURCES, attention, critical,
                                       strict=True):
        rows = result.percentiles[result.percentiles["output"] == f"{resource}_avg"]
        x = pd.PeriodIndex([end + int(m) for m in rows["month"]]).to_timestamp()
        ax.fill_between(x, rows["P5"], rows["P95"], color="#1f5a99", alpha=0.15,
                        label="90 % of futures")
        ax.fill_between(x, rows["P25"], rows["P75"], color="#1f5a99", alpha=0.3,
                        label="50 % of futures")
        ax.plot(x, rows["P50"], color="#1f5a99", label="median")
        ax.axhline(att, color="#e69500", linestyle="--", label="attention")
        ax.axhline(crit, color="#c0392b", linestyle="--", label="critical")
        ax.set_title(resource.replace("_", " "))
        ax.set_ylim(0, max(1.05, float(np.nanmin([rows["P95"].max(), 2.0])) * 1.02))
        ax.grid(alpha=0.3)
        ax.tick_params(axis="x", labelrotation=45)
    axes[0].legend(loc="upper left", fontsize="small")
    fig.suptitle("Average utilisation, simulated futures")
    return fig


# --- team and investments -----------------------------------------------------------------


def hiring_table(
    history: pd.DataFrame,
    *,
    target_velocity: float,
    target_month: int,
    month: str | pd.Period | None = None,
) -> pd.DataFrame:
    """Hiring plan to reach ``target_velocity`` by ``target_month`` months from ``month``.

    Uses :func:`scaling_models.team.hiring_plan` with the velocity per developer measured
    on the history's last month (:func:`scaling_models.team.velocity_per_developer`).

    Returns
    -------
    pandas.DataFrame
        One row per hire: ``open_by``, ``joins``, ``productive_from`` (YYYY-MM) and
        ``on_time``; ``attrs`` carries the plan's attributes plus ``current_velocity``,
        ``current_developers`` and ``hires``.
    """
    from scaling_models import team

    history = _month_index(history)
    month = history.index[-1] if month is None else pd.Period(str(month), freq="M")
    row = history.loc[month]
    developers = float(row["team_size"])
    per_dev = float(team.velocity_per_developer(float(row["velocity"]), developers))
    plan = team.hiring_plan(developers, float(target_velocity), int(target_month),
                            velocity_per_developer=per_dev)
    table = pd.DataFrame(
        {
            "open_by": [str(month + int(m)) for m in plan["open_month"]],
            "joins": [str(month + int(m)) for m in plan["join_month"]],
            "productive_from": [str(month + int(m)) for m in plan["productive_month"]],
            "on_time": plan["on_time"].to_numpy(),
        },
        index=plan.index,
    )
    table.attrs.update(plan.attrs, current_velocity=float(row["velocity"]),
                       current_developers=developers, hires=len(plan))
    return table


def investments(
    result,
    *,
    hires: int,
    developer_annual_cost: float,
    current_velocity: float,
    target_velocity: float,
    debt: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Investments required over the horizon and the capacity they buy (DOMAIN section 7).

    Rows:

    * infrastructure: the extra spend of the median path over the horizon
      (sum of ``infra_cost[t] - infra_cost[0]``) for the capacity that keeps the
      90th-percentile average utilisation of the most loaded resource at its attention
      line at the horizon (``P90 / attention - 1``);
    * team: one year of the planned hires (the article's convention,
      :func:`scaling_models.cost.team_cost`) for the velocity gained;
    * technical debt: the resolution cost of the items recommended "now", for the hours
      they give back (as hours per sprint).

    Returns
    -------
    pandas.DataFrame
        Indexed by investment: ``cost`` [currency] and ``capacity`` (text).
    """
    from scaling_models import cost, montecarlo

    rows = []
    p50 = result.percentile("infra_cost", 50)
    extra = float((p50 - p50.iloc[0]).clip(lower=0).sum())
    attention, _ = result.inputs.thresholds()
    needs = []
    for resource, att in zip(montecarlo.RESOURCES, attention, strict=True):
        p90 = result.percentile(f"{resource}_avg", 90)
        needs.append((float(p90.iloc[-1]) / float(att) - 1.0, resource))
    need, worst = max(needs)
    rows.append({"investment": "infrastructure", "cost": extra,
                 "capacity": f"+{max(need, 0.0) * 100:.0f} % capacity ({worst.replace('_', ' ')} "
                             f"is the bottleneck) over {result.months} months"})
    team_cost = float(cost.team_cost(hires, 1.0, developer_annual_cost))
    gain = target_velocity / current_velocity - 1.0 if current_velocity > 0 else math.nan
    rows.append({"investment": f"team (+{hires} developers, one year)", "cost": team_cost,
                 "capacity": f"velocity {current_velocity:.0f} -> {target_velocity:.0f} "
                             f"story points/sprint ({percent(gain, signed=True)})"})
    if debt is not None and len(debt):
        now = debt[debt["recommendation"].astype(str) == "now"]
        rows.append({"investment": f"technical debt ({len(now)} items to treat now)",
                     "cost": float(now["resolution_cost"].sum()),
                     "capacity": f"saves {money(float(now['monthly_savings'].sum()), '')}"
                                 .rstrip() + " a month once fixed"})
    table = pd.DataFrame(rows).set_index("investment")
    total = pd.DataFrame({"cost": [float(table["cost"].sum())], "capacity": [""]},
                         index=pd.Index(["total"], name="investment"))
    return pd.concat([table, total])


# --- actions ------------------------------------------------------------------------------


def actions(
    dashboard: pd.DataFrame,
    *,
    debt: pd.DataFrame | None = None,
    remedies: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Actions required, ranked (DOMAIN section 4: critical, important, nice to have).

    Parameters
    ----------
    dashboard : pandas.DataFrame
        From :func:`status_dashboard`; every metric not ``ok`` gives its action.
    debt : pandas.DataFrame, optional
        From :func:`debt_table`; items recommended ``now`` are added as important.
    remedies : pandas.DataFrame, optional
        Per resource, with columns ``resource``, ``action``, ``start_by`` (YYYY-MM or
        ``"now"``), ``probability`` of reaching critical, indexed by resource (as from
        :func:`remedy_schedule`): a remedy that must start now, or for a metric already
        critical, is critical; one that must start later within the horizon important.

    Returns
    -------
    pandas.DataFrame
        Columns ``rank``, ``priority`` (critical / important / nice to have), ``action``,
        ``why``, ``start_by``; one row per action, most urgent first.
    """
    rows = []
    # a resource with a dated remedy is listed once, with its remedy
    dated = set() if remedies is None else set(remedies.index)
    status_of = dict(zip(dashboard["metric"], dashboard["status"].astype(str), strict=True))
    for _, row in dashboard.iterrows():
        status = str(row["status"])
        if status == "ok" or row["metric"] in dated:
            continue
        rows.append({
            "priority": "critical" if status == "critical" else "important",
            "action": f"{row['action']}: {row['label']}",
            "why": f"{row['label']} is {status} ({_value_text(row['value'], row['unit'])}; "
                   f"{status} above {_value_text(row[status], row['unit'])})"
            if status != "ok" else "",
            "start_by": "now",
        })
    if remedies is not None:
        for resource, row in remedies.iterrows():
            if not isinstance(row.get("start_by"), str) or not row["start_by"]:
                continue
            urgent = row["start_by"] == "now" or status_of.get(resource) == "critical"
            rows.append({
                "priority": "critical" if urgent else "important",
                "action": row["action"],
                "why": f"P(critical by end of horizon) = {percent(row['probability'])}",
                "start_by": row["start_by"],
            })
    if debt is not None:
        for item, row in debt.iterrows():
            if str(row["recommendation"]) == "now":
                rows.append({
                    "priority": "important",
                    "action": f"fix technical debt: {item}",
                    "why": f"ROI {percent(row['roi'])}, pays back in "
                           f"{row['payback_months']:.1f} months",
                    "start_by": "now",
                })
            elif str(row["recommendation"]) == "plan":
                rows.append({
                    "priority": "nice to have",
                    "action": f"plan technical debt: {item}",
                    "why": f"ROI {percent(row['roi'])}",
                    "start_by": "within 3 months",
                })
    columns = ["rank", "priority", "action", "why", "start_by"]
    if not rows:
        return pd.DataFrame(columns=columns)
    table = pd.DataFrame(rows)
    rank = {"critical": 0, "important": 1, "nice to have": 2}
    table = table.assign(
        _p=table["priority"].map(rank),
        _t=table["start_by"].map(lambda s: "" if s == "now" else s),
    )
    table = table.drop_duplicates("action").sort_values(["_p", "_t"], kind="stable")
    table["rank"] = np.arange(1, len(table) + 1)
    return table[columns].reset_index(drop=True)


def _value_text(value: float, unit: str) -> str:
    if unit == "fraction":
        return percent(value, 1)
    if unit.startswith("fraction/"):
        return percent(value, 1) + "/month"
    return f"{value:g} {unit}"


# --- headline figures ---------------------------------------------------------------------


def summary(
    *,
    growth: pd.DataFrame,
    dashboard: pd.DataFrame,
    debt: pd.DataFrame | None = None,
    scenarios: pd.DataFrame | None = None,
    breaches: pd.DataFrame | None = None,
    remedies: pd.DataFrame | None = None,
    hiring: pd.DataFrame | None = None,
    invest: pd.DataFrame | None = None,
    ranked: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Headline figures of the quarter, plain JSON types (keys in :data:`SUMMARY_KEYS`).

    Parameters
    ----------
    growth : pandas.DataFrame
        From :func:`growth_achieved`.
    dashboard : pandas.DataFrame
        From :func:`status_dashboard`.
    debt : pandas.DataFrame, optional
        From :func:`debt_table`.
    scenarios : pandas.DataFrame, optional
        From :func:`scenario_table`.
    breaches, remedies, hiring, invest, ranked : pandas.DataFrame, optional
        From :func:`breach_table`, :func:`remedy_schedule`, :func:`hiring_table`,
        :func:`investments` and :func:`actions`.

    Returns
    -------
    dict
        Only the keys whose inputs were given. Floats are rounded to 6 significant
        digits so that summary.json stays readable and diffs stay quiet.
    """
    out: dict[str, Any] = {"month": growth.attrs.get("current_month")}

    def current(metric: str) -> float:
        return float(growth.at[metric, "current"]) if metric in growth.index else math.nan

    for metric in ("mau", "revenue", "transactions_per_day", "team_size", "infra_cost",
                   "cost_per_user"):
        out[metric] = current(metric)
    for metric in ("mau", "revenue"):
        change = growth.at[metric, "pct_change"] if metric in growth.index else math.nan
        out[f"{metric}_qoq_change"] = float(change)
    out["infra_cost_share"] = out["infra_cost"] / out["revenue"] if out["revenue"] else math.nan
    status = dashboard["status"].astype(str)
    out["metrics_critical"] = int((status == "critical").sum())
    out["metrics_attention"] = int((status == "attention").sum())
    out["critical_metrics"] = sorted(dashboard.loc[status == "critical", "metric"])
    if debt is not None:
        out["debt_items_treat_now"] = int(debt.attrs.get("n_treat_now", 0))
        if len(debt):
            out["debt_top_item"] = str(debt.index[0])
            out["debt_top_roi"] = float(debt["roi"].iloc[0])
    if scenarios is not None:
        fit = scenarios.attrs.get("calibration")
        if fit is not None:
            out["monthly_growth_rate"] = float(fit.mean_rate)
            out["measured_growth_low"] = float(fit.rate_low)
            out["measured_growth_high"] = float(fit.rate_high)
        out["scenario_probabilities"] = {
            str(k): float(v) for k, v in scenarios["probability"].items()
        }
    if breaches is not None and breaches.shape[1]:
        crit = breaches.xs("critical", level="level")
        out["p_critical_next_quarter"] = {str(k): float(v) for k, v in crit.iloc[:, 0].items()}
        out["p_critical_4_quarters"] = {str(k): float(v) for k, v in crit.iloc[:, -1].items()}
    if remedies is not None:
        out["remedy_start_by"] = {str(k): str(v) for k, v in remedies["start_by"].items()}
    if hiring is not None:
        out["hires_planned"] = int(hiring.attrs.get("hires", len(hiring)))
    if invest is not None and "total" in invest.index:
        out["investment_total"] = float(invest.at["total", "cost"])
    if ranked is not None:
        out["actions_critical"] = int((ranked["priority"] == "critical").sum())
    return _rounded(out)


def _rounded(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if not math.isfinite(value):
            return None
        return float(f"{value:.6g}")
    if isinstance(value, np.integer):
        return int(value)
    return value


def qoq_deltas(current: Mapping[str, Any], previous: Mapping[str, Any]) -> pd.DataFrame:
    """Quarter-over-quarter changes of the numeric headline figures.

    Parameters
    ----------
    current, previous : mapping
        Headline figures (this quarter's :func:`summary`, last quarter's
        ``summary.json``). Non-numeric and missing values are skipped.

    Returns
    -------
    pandas.DataFrame
        Indexed by key (in :data:`SUMMARY_KEYS` order), columns ``meaning``,
        ``previous``, ``current``, ``change`` and ``pct_change`` [fraction; NaN when the
        previous value is 0].
    """
    rows = []
    keys = [k for k in SUMMARY_KEYS if k in current] + [
        k for k in current if k not in SUMMARY_KEYS
    ]
    for key in keys:
        now, before = current.get(key), previous.get(key)
        if not _is_number(now) or not _is_number(before):
            continue
        change = float(now) - float(before)
        pct = change / abs(float(before)) if float(before) != 0 else math.nan
        rows.append({"key": key, "meaning": SUMMARY_KEYS.get(key, ""),
                     "previous": float(before), "current": float(now),
                     "change": change, "pct_change": pct})
    columns = ["meaning", "previous", "current", "change", "pct_change"]
    if not rows:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="key"))
    return pd.DataFrame(rows).set_index("key")[columns]


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, (int, float, np.integer, np.floating))
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


# --- figures ------------------------------------------------------------------------------


def history_figure(history: pd.DataFrame, quarter: str, *, months: int = 12):
    """Users and revenue over the last ``months`` months, the reported quarter shaded.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels side by side: MAU [users] and revenue [currency/month].
    """
    from matplotlib.figure import Figure

    history = _month_index(history)
    end = quarter_end_month(quarter)
    window = history.loc[(history.index > end - months) & (history.index <= end)]
    fig = Figure(figsize=(10, 3.2), layout="constrained")
    axes = fig.subplots(1, 2)
    x = window.index.to_timestamp()
    start = (end - 2).to_timestamp()
    for ax, column, title in ((axes[0], "mau", "Monthly active users"),
                              (axes[1], "revenue", "Revenue per month")):
        ax.plot(x, window[column], marker="o", color="#1f5a99")
        ax.axvspan(start, x[-1], color="#f2c14e", alpha=0.25, label=quarter)
        ax.set_title(title)
        ax.grid(alpha=0.3)
        ax.tick_params(axis="x", labelrotation=45)
        ax.legend(loc="upper left")
    return fig
