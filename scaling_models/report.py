"""Tables and figures of the quarterly board report, computed from data and models.

Each builder takes validated data (from :mod:`scaling_models.loaders`) and model outputs
and returns a :class:`pandas.DataFrame` of numbers (with a few explanatory text columns)
or a matplotlib :class:`~matplotlib.figure.Figure`; nothing is printed or shown, so the
board notebook, the analyst notebooks and the tests share them. The sections follow the
source article's quarterly report and dashboard (docs/domain.md sections 4, 7 and 8): growth
achieved this quarter against last, the scaling dashboard, the forecast of each resource
against its thresholds with the latest month to start the remedy, the early-warning
signals and trends of the history, ranked actions, the technical-debt items worth fixing,
the scenario table with probabilities and costs, and the headline figures of
``summary.json`` with their quarter-over-quarter changes.

How a board reads these tables (strings in their units, headers in words, styles, the
key messages and what changed since last quarter) is :mod:`scaling_models.presentation`.
The number formatters (:func:`percent`, :func:`money`, :func:`probability`,
:func:`format_value`) and board labels stay here because the builders' own sentences
(the ``why`` of :func:`actions`, the ``capacity`` of :func:`investments`) use them;
:mod:`~scaling_models.presentation` imports them from here.

Units: fractions in [0, 1] for utilisation and shares, money in the data's currency,
time in months (months are calendar ``YYYY-MM`` in tables).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from scaling_models import notebook_io, periods
from scaling_models import resources as _resources

__all__ = [
    "SUMMARY_KEYS",
    "QUARTER_METRICS",
    "RESOURCE_COLUMNS",
    "RESOURCE_LABELS",
    "NO_DATA",
    "percent",
    "money",
    "probability",
    "format_value",
    "is_number",
    "metric_label",
    "breach_side",
    "quarter_end_month",
    "growth_achieved",
    "snapshot",
    "status_dashboard",
    "debt_table",
    "MIN_HISTORY_MONTHS",
    "FULL_HISTORY_MONTHS",
    "history_note",
    "growth_interval",
    "scenario_table",
    "scenario_infra_spend",
    "simulation_inputs",
    "load_elasticity",
    "breach_table",
    "remedy_schedule",
    "status_table",
    "model_vs_measured",
    "hiring_feasible",
    "fan_figure",
    "team_figure",
    "cost_figure",
    "SIGNAL_LABELS",
    "NOT_ASSESSED",
    "signals_table",
    "trend_table",
    "hiring_table",
    "investments",
    "ACTION_TIERS",
    "action_tier",
    "actions",
    "summary",
    "qoq_deltas",
    "history_figure",
]

#: Quantities compared quarter over quarter (docs/domain.md section 7): history column ->
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

#: Threshold metric of each Monte Carlo resource -> history column prefix (from
#: :data:`scaling_models.resources.RESOURCES`).
RESOURCE_COLUMNS: Mapping[str, str] = MappingProxyType(
    {r.metric: r.column_prefix for r in _resources.RESOURCES.values()})

#: How the board reads each Monte Carlo resource (from the resource registry).
RESOURCE_LABELS: Mapping[str, str] = MappingProxyType(_resources.labels())

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

#: Status of a dashboard metric that the history does not measure.
NO_DATA = "no data"

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
    "scenario_probabilities": "probability of each growth scenario, the scenarios of a "
                              "family standing for exclusive growth ranges at the "
                              "family's longest horizon, summing to 1 per family "
                              "[scenario -> fraction]",
    "p_critical_next_quarter": "probability that each resource's average utilisation "
                               "crosses critical by the end of next quarter [resource -> "
                               "fraction]",
    "p_critical_4_quarters": "same, by the end of the fourth quarter ahead (or the horizon) "
                             "[resource -> fraction]",
    "remedy_start_by": "latest month to start each resource's remedy [resource -> YYYY-MM, "
                       "'now', or '' if not needed within the horizon]",
    "utilisation_avg": "average utilisation of each resource in the quarter's last month "
                       "[resource -> fraction]",
    "dashboard_status": "status of every dashboard metric [metric -> 'ok', 'attention', "
                        "'critical' or 'no data']",
    "hires_planned": "hires in the plan to reach the target velocity [developers]",
    "applications_needed": "applications to attract for those hires at the conversion rate "
                           "of the hiring funnel so far [applications]",
    "applications_last_quarter": "applications the hiring funnel received in its last "
                                 "quarter [applications]",
    "hiring_feasible": "whether last quarter's applications, kept up until the target "
                       "month, cover those needed [bool]",
    "elasticity": "load elasticity the simulation uses for each resource: utilisation "
                  "grows as users to this power (measured, or the engine's default's most "
                  "likely value) [resource -> -]",
    "elasticity_low": "low end of its 90 % interval [resource -> -]",
    "elasticity_high": "high end of its 90 % interval [resource -> -]",
    "model_vs_measured": "the history's last month ('measured') against the simulation's "
                         "month-0 median ('modelled'), for each resource's average "
                         "utilisation [fraction] and the P95 response time [s] [metric -> "
                         "{measured, modelled}]",
    "investment_total": "total of the investments table: infrastructure bill growth with the "
                        "remedy plan in place (its capacity counted once), a year of the "
                        "planned hires, debt to treat now [currency]",
    "actions_critical": "ranked actions in the tier 'act now' (report.action_tier) [count]",
    "signals_detected": "early-warning signals of the source article detected on the history "
                        "(names from signals.detect_signals, most severe first) [list of str]",
    "trend_critical_month": "month the log-linear trend of the last months crosses each "
                            "capacity metric's critical line [metric -> YYYY-MM, 'now' if "
                            "already crossed, '' if not within the horizon or too poor a fit "
                            "to date]",
    "plan_actions": "actions of the remedy plan, in start order: lever key, the resource it "
                    "is attributed to (the first its lever relieves; 'team' for a hire), "
                    "start month (YYYY-MM) and cost over the horizon [list of {lever, "
                    "resource, start_month, cost}; cost in currency]",
    "plan_total_cost": "total cost of the remedy plan over the horizon [currency]",
    "p_critical_with_plan": "probability that each resource's average utilisation is "
                            "beyond critical in some month of the horizon with the remedy "
                            "plan [resource -> fraction]",
}


# --- formatting helpers -------------------------------------------------------------------
# Here rather than in presentation.py: the builders' own sentences (the why of actions,
# the capacity of investments) are written with them, and report.py imports nothing of
# presentation.py.


def percent(value: float, digits: int = 0, *, signed: bool = False) -> str:
    """Format a fraction as a percentage (``0.153 -> '15 %'``); NaN -> ``'n/a'``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    sign = "+" if signed and value > 0 else ""
    return f"{sign}{value * 100:.{digits}f} %"


def money(value: float, currency: str = "EUR", *, signed: bool = False) -> str:
    """Format money as a board reads it: ``365000 -> '365 K EUR'``; NaN -> ``'n/a'``.

    Three significant figures from a thousand up (``10973 -> '11.0 K EUR'``,
    ``1.2e6 -> '1.20 M EUR'``), whole units below, cents below 10 (a cost per user).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    value = float(value)
    sign = "+" if signed and value > 0 else ""
    size = abs(value)
    if size >= 1e6:
        text = f"{value / 1e6:.2f} M"
    elif size >= 1e5:
        text = f"{value / 1e3:.0f} K"
    elif size >= 1e3:
        text = f"{value / 1e3:.1f} K"
    elif size >= 10:
        text = f"{value:.0f}"
    else:
        text = f"{value:.2f}"
    return f"{sign}{text} {currency}".rstrip()


def probability(value: float) -> str:
    """Format a probability for the board: ``0.574 -> '57 %'``.

    Whole percentages (two significant figures at most): a probability estimated from
    10 000 simulated paths has a standard error of up to 0.5 percentage point, so
    decimals would be noise. Values that round to 0 % or 100 % read ``< 1 %`` and
    ``> 99 %``, exact 0 and 1 included: a share of simulated paths is never a certainty.
    Halves round up (0.005 -> ``1 %``, 0.995 -> ``> 99 %``). NaN -> ``'n/a'``.
    """
    if value is None or pd.isna(value):
        return "n/a"
    percent_ = math.floor(float(value) * 100.0 + 0.5)
    if percent_ < 1:
        return "< 1 %"
    if percent_ > 99:
        return "> 99 %"
    return f"{percent_} %"


def format_value(value: Any, unit: str, currency: str = "EUR", *, signed: bool = False) -> str:
    """Format a value in a threshold-table or growth-table unit for the board.

    Fractions become percentages (two decimals just under 100 %, so an availability of
    0.9999 does not read 100 %), money is written with :func:`money`, counts with
    thousands separators. NaN -> ``''`` (no data).

    Parameters
    ----------
    value : float
        In ``unit``.
    unit : str
        ``fraction``, ``fraction/month``, ``currency/...``, ``users``, ``developers``,
        ``s``, ``days``, ``hours``, ``per day``, ``per week``, ``deploys/week``,
        ``story points/sprint``; anything else is printed after the number.
    currency : str
        Label of money.
    signed : bool
        Write a ``+`` before positive values (for changes).
    """
    if value is None or pd.isna(value):
        return ""
    value = float(value)
    sign = "+" if signed and value > 0 else ""
    if unit in ("fraction", "fraction/month"):
        digits = 2 if 0.99 <= abs(value) < 1 else 1
        number = f"{value * 100:.{digits}f}"
        if "." in number:  # 70.0 -> 70, but 99.90 stays beside 99.98
            number = number.rstrip("0").rstrip(".") if digits == 1 else number
        text = f"{sign}{number} %"
        return text + ("/month" if unit == "fraction/month" else "")
    if unit.startswith("currency"):
        per = unit.partition("/")[2]
        # "per user" is in the label ("cost per user"); only the period is added
        per = per.removeprefix("user/")
        return money(value, currency, signed=signed) + (f"/{per}" if per else "")
    if unit in ("users", "developers", "per day", "applications"):
        suffix = {"per day": " /day", "developers": "", "users": "", "applications": ""}[unit]
        return f"{sign}{value:,.0f}{suffix}"
    short = {"s": "s", "days": "days", "hours": "h", "per week": "/week",
             "deploys/week": "/week", "story points/sprint": "points/sprint"}
    return f"{sign}{value:,.{1 if abs(value) < 100 else 0}f} {short.get(unit, unit)}"


# --- history ------------------------------------------------------------------------------


#: Last month of a ``YYYY-Qn`` quarter as a monthly Period (:func:`periods.quarter_end_month`).
quarter_end_month = periods.quarter_end_month


def _quarter_row(history: pd.DataFrame, month: pd.Period, quarter: str) -> pd.Series | None:
    return history.loc[month] if month in history.index else None


def growth_achieved(history: pd.DataFrame, quarter: str) -> pd.DataFrame:
    """Growth achieved this quarter against last (docs/domain.md section 7, "growth achieved").

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
    history = periods.monthly_frame(history)
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
    history = periods.monthly_frame(history)
    month = history.index[-1] if month is None else periods.to_month(month)
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

    Returns the table of :func:`scaling_models.thresholds.dashboard` for every metric of
    the threshold table, sorted critical first then by group, with a ``peak`` column (the
    month's peak utilisation of cpu, memory, db_utilisation and bandwidth; NaN for other
    metrics) for context. A metric the history does not measure (e.g. ``storage`` without
    a storage column) is listed with value NaN and status :data:`NO_DATA`, last, so the
    board sees what is not monitored. ``status`` is an ordered Categorical
    (no data < ok < attention < critical).
    """
    from scaling_models import thresholds as _thresholds

    snap = snapshot(history, month, statistic=statistic)
    peaks = snapshot(history, month, statistic="peak")
    known = snap[snap.index.isin(thresholds.index)]
    table = _thresholds.dashboard(known, thresholds)
    # every metric of the table appears: one the history does not measure says so
    absent = [m for m in thresholds.index if m not in known.index]
    if absent:
        rows = thresholds.loc[absent]
        table = pd.concat([table.astype({"status": str}), pd.DataFrame({
            "metric": absent, "group": rows["group"].to_numpy(),
            "label": rows["label"].to_numpy(), "value": math.nan,
            "unit": rows["unit"].to_numpy(), "attention": rows["attention"].to_numpy(dtype=float),
            "critical": rows["critical"].to_numpy(dtype=float), "status": NO_DATA,
            "action": "",
        })], ignore_index=True)
    table["status"] = pd.Categorical(table["status"].astype(str),
                                     categories=[NO_DATA, "ok", "attention", "critical"],
                                     ordered=True)
    table.insert(4, "peak", [float(peaks[m]) if m in RESOURCE_COLUMNS and m in peaks.index
                             else math.nan for m in table["metric"]])
    order = {"critical": 0, "attention": 1, "ok": 2, NO_DATA: 3}
    table = table.assign(_rank=table["status"].astype(str).map(order))
    table = table.sort_values(["_rank", "group"], kind="stable").drop(columns="_rank")
    table.attrs["month"] = snap.name
    return table.reset_index(drop=True)


# --- technical debt -----------------------------------------------------------------------


def debt_table(backlog: pd.DataFrame, *, hourly_cost: float, top: int = 5) -> pd.DataFrame:
    """The ``top`` technical-debt items by ROI with their recommendation (docs/domain.md section 5).

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
        Indexed by item, columns ``priority`` and ``relieves`` (when present),
        ``effort_days``, ``monthly_cost``, ``monthly_savings``, ``resolution_cost``,
        ``roi``, ``payback_months``, ``recommendation``; best ROI first. ``attrs`` holds,
        for the whole backlog, ``n_items``, ``n_treat_now``, the items to treat now's
        ``treat_now_cost`` [currency] and ``treat_now_savings`` [currency/month], and
        ``relieved_by``: resource key -> the items whose ``relieves`` names it, best ROI
        first (empty without the column).

    Raises
    ------
    ValueError
        For a ``relieves`` value that is not a resource key (a backlog read without the
        loader; :func:`scaling_models.loaders.load_backlog` refuses it first).
    """
    from scaling_models import debt

    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise ValueError(f"top must be an integer >= 1; got {top!r}")
    assessed = debt.assess_backlog(backlog, hourly_cost=hourly_cost)
    if "item" in assessed.columns:  # a backlog read without the loader
        assessed = assessed.set_index("item")
    columns = [c for c in ("priority", "relieves", "effort_days", "monthly_cost",
                           "monthly_savings", "resolution_cost", "roi", "payback_months",
                           "recommendation")
               if c in assessed.columns]
    table = assessed[columns].head(int(top)).copy()
    table.attrs["n_items"] = len(assessed)
    now = assessed[assessed["recommendation"] == "now"]
    table.attrs["n_treat_now"] = len(now)
    table.attrs["treat_now_cost"] = float(now["resolution_cost"].sum())
    table.attrs["treat_now_savings"] = float(now["monthly_savings"].sum())
    table.attrs["relieved_by"] = _relieved_by(assessed)
    return table


def _relieved_by(assessed: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Resource key -> the items of the whole backlog that relieve it, in ROI order."""
    if "relieves" not in assessed.columns:
        return {}
    known = _resources.keys()
    out: dict[str, list[str]] = {}
    for item, key in assessed["relieves"].items():
        if not isinstance(key, str) or not key:  # empty cell: relieves no resource
            continue
        if key not in known:
            raise ValueError(f"backlog column 'relieves', item {item!r}: must be one of "
                             f"{', '.join(known)} or empty; got {key!r}")
        out.setdefault(key, []).append(str(item))
    return {key: tuple(items) for key, items in out.items()}


# --- scenarios ----------------------------------------------------------------------------


#: Fewest months of history the board report accepts: the growth fit needs 5 monthly
#: ratios and the early-warning signals two quarters (docs/domain.md section 7).
MIN_HISTORY_MONTHS = 6
#: Months of history behind a full-confidence report: 12 monthly growth ratios.
FULL_HISTORY_MONTHS = 13


def history_note(history: pd.DataFrame) -> str:
    """A low-confidence sentence for a history shorter than :data:`FULL_HISTORY_MONTHS`.

    Returns an empty string for a full history. The report shows the sentence at the top
    so that a board reading a report built on a first export knows how much it rests on.

    Raises
    ------
    ValueError
        If the history holds fewer than :data:`MIN_HISTORY_MONTHS` months.
    """
    months = len(periods.monthly_frame(history))
    if months < MIN_HISTORY_MONTHS:
        raise ValueError(f"history needs at least {MIN_HISTORY_MONTHS} months for the board "
                         f"report; got {months}")
    if months >= FULL_HISTORY_MONTHS:
        return ""
    rules = (" and the signals' trend rules look back fewer months"
             if months <= _SIGNAL_TREND_MONTHS else "")
    return (f"Low confidence: the history holds {months} months only (a full report uses "
            f"{FULL_HISTORY_MONTHS}), so growth is measured on {months - 1} monthly changes "
            f"instead of {FULL_HISTORY_MONTHS - 1}{rules}; the intervals below rest on few "
            "months and may be too narrow.")


def growth_interval(fit, *, from_history: bool, growth_low: float, growth_high: float,
                    volatility: float = 0.03) -> tuple[float, float, float, str]:
    """Monthly growth interval the simulation uses, and a sentence saying where from.

    Parameters
    ----------
    fit : scaling_models.calibration.GrowthCalibration
        The growth measured on history (``scenario_table(...).attrs["calibration"]``).
    from_history : bool
        Use the measured interval; False uses ``growth_low``/``growth_high``.
    growth_low, growth_high : float
        The parameters' 90 % interval. [fraction/month]
    volatility : float, default 0.03
        Month-to-month spread of log growth with the parameters' interval. [-]

    Returns
    -------
    low, high, volatility : float
        [fraction/month, fraction/month, -]
    source : str
        For the report. A history whose growth does not vary (a flat MAU) measures a
        zero-width interval that cannot be simulated: the parameters' interval is used
        and the sentence says why.
    """
    if from_history and fit.rate_low < fit.rate_high:
        return (fit.rate_low, fit.rate_high, fit.log_std,
                f"measured on the last {fit.window + 1} months of history")
    if from_history:
        return (growth_low, growth_high, volatility,
                f"set by the parameters, because the history's growth does not vary "
                f"({percent(fit.mean_rate, 1)} every month: no interval can be measured)")
    return growth_low, growth_high, volatility, "set by the parameters"


def scenario_table(
    history: pd.DataFrame,
    scenarios: pd.DataFrame,
    *,
    developer_annual_cost: float = 60_000.0,
    window: int | None = None,
    rng: np.random.Generator | int | None = None,
) -> pd.DataFrame:
    """Growth scenarios with their probability, infrastructure and team cost.

    The probability of each scenario comes from the company's own MAU growth
    (:func:`scaling_models.calibration.growth_distribution` on the last ``window``
    months, default 12 or as many as a shorter history holds,
    :func:`scaling_models.calibration.scenario_probabilities`): each scenario
    stands for the range of growth around it within its family, so a family's
    probabilities sum to 1 and the board sees
    which scenario to prepare, which to monitor and which needs an emergency plan
    (docs/domain.md section 8) from data rather than gut feeling.

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

    history = periods.monthly_frame(history)
    if window is None:
        window = min(FULL_HISTORY_MONTHS - 1, len(history) - 1)
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


def scenario_infra_spend(
    inputs,
    scenarios: pd.DataFrame,
    *,
    n_paths: int = 2_000,
    rng: np.random.Generator | int | None = None,
) -> pd.Series:
    """Extra infrastructure running cost of each growth scenario, from the cost model.

    Each scenario is simulated with :func:`scaling_models.montecarlo.compare_scenarios`
    from the company as it stands (``inputs``, e.g. :func:`simulation_inputs`) with the
    scenario's own growth interval; the figure is the median path's extra spend over the
    scenario's horizon, ``sum_t (C_t - C_0)`` for t = 1..H, the same convention as the
    infrastructure row of :func:`investments`. The scenario files state one-off
    investments only for some scenarios; this prices every scenario with the company's
    own cost curve.

    Returns
    -------
    pandas.Series
        Indexed by scenario key. [currency]
    """
    from scaling_models import montecarlo

    percentiles, _, _ = montecarlo.compare_scenarios(
        base=inputs, table=scenarios, n_paths=n_paths, rng=rng, outputs=("infra_cost",))
    out = {}
    for key, horizon in scenarios["horizon_months"].items():
        rows = percentiles[(percentiles["scenario"] == key)].sort_values("month")
        median = rows["P50"].to_numpy(dtype=float)
        out[key] = float(np.clip(median[1:int(horizon) + 1] - median[0], 0, None).sum())
    return pd.Series(out, name="infra_spend_model", dtype=float)


# --- forecast -----------------------------------------------------------------------------

#: What to do when a resource crosses its critical line (used for the remedy schedule;
#: from the resource registry).
REMEDIES: Mapping[str, str] = MappingProxyType(
    {k: r.remedy for k, r in _resources.RESOURCES.items()})


def simulation_inputs(
    history: pd.DataFrame,
    thresholds: pd.DataFrame,
    *,
    growth_low: float,
    growth_high: float,
    growth_volatility: float = 0.03,
    elasticity: Any = None,
    month: str | pd.Period | None = None,
):
    """Monte Carlo inputs for the company as it stands in ``month`` (default: last).

    A thin caller of :func:`scaling_models.company.calibrate`, the calibration the board
    report and the notebooks use: today's values (MAU, utilisation, thresholds, cost,
    ARPU, transactions, team) from the history's month; the growth interval and
    ``growth_volatility`` from the caller; the load elasticity from the caller (see
    :func:`load_elasticity`) or, when None, the engine's default; the engine's default
    latency model.
    """
    import dataclasses

    from scaling_models import company

    calibrated = company.calibrate(history, thresholds=thresholds, month=month,
                                   growth=(float(growth_low), float(growth_high)),
                                   elasticity="default", latency="default")
    return dataclasses.replace(
        calibrated.inputs, growth_volatility=float(growth_volatility),
        **({} if elasticity is None else {"elasticity": elasticity}))


def load_elasticity(history: pd.DataFrame, *, from_history: bool = True) -> tuple[Any, str]:
    """The load elasticity the board's simulation uses, and a sentence saying where from.

    Parameters
    ----------
    history : pandas.DataFrame
        Monthly history (see :func:`scaling_models.calibration.elasticity_distribution`).
    from_history : bool, default True
        Measure it on the history; False keeps the engine's default.

    Returns
    -------
    elasticity : tuple or None
        ``(low, high)``, the measured 90 % interval (a 90 % interval input of the engine),
        or None for the engine's default (:class:`scaling_models.montecarlo.Inputs`).
    source : str
        For the report, e.g. "measured on the history since the last capacity changes:
        1.01 to 1.13 (90 % interval, 21 months)". When the history cannot measure it (too
        few months since the capacity changes, or an interval reaching 0) the sentence
        says so and the default is used: a report is still produced.
    """
    from scaling_models import calibration, montecarlo

    default = montecarlo.Inputs().elasticity
    if not from_history:
        return None, f"the engine's default ({default}), set by the parameters"
    try:
        measured = calibration.elasticity_distribution(history)
    except ValueError as exc:
        return None, f"the engine's default ({default}): the history cannot measure it ({exc})"
    if measured.low <= 0:
        return None, (f"the engine's default ({default}): the history's interval "
                      f"{measured.low:.2f} to {measured.high:.2f} reaches 0")
    return (measured.low, measured.high), (
        f"measured on the history since the last capacity changes: {measured.low:.2f} to "
        f"{measured.high:.2f} (90 % interval, {measured.n_points} months)")


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
    end = periods.to_month(end_month)
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


def _critical_crossings(
    result, risk: float, resources: Collection[str] | None = None
) -> dict[str, tuple[int | None, float]]:
    """Per breach metric of ``result``: (first month by which a share ``risk`` of the paths
    has crossed critical, or None within the horizon; share crossed by the horizon).

    ``resources`` keeps only those metrics (default: every one the run reports).
    """
    bp = result.breach_probability
    crit = bp[bp["level"] == "critical"]
    if resources is not None:
        crit = crit[crit["resource"].isin(set(resources))]
    out = {}
    for resource, frame in crit.groupby("resource", sort=False):
        p = frame.sort_values("month")["probability"].to_numpy(dtype=float)
        out[str(resource)] = (_first_month(p, risk), float(p[-1]))
    return out


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
        ``probability`` (of crossing critical within the horizon), ``start_by``
        (YYYY-MM, "now" when overdue, "" when not needed within the horizon) and ``risk``
        (the dating share, as given).
    """
    if not 0 < risk <= 1:
        raise ValueError(f"risk must be in (0, 1]; got {risk!r}")
    end = periods.to_month(end_month)
    rows = []
    from scaling_models import montecarlo

    # one remedy per resource of the chain (or given a lead time); other breach rows the
    # engine may report have no remedy to date
    dated = set(montecarlo.RESOURCES) | set(lead_months)
    for resource, (first, within) in _critical_crossings(result, risk, dated).items():
        lead = float(lead_months.get(resource, 0.0))
        if first is None:
            critical_month, start_by = "", ""
        else:
            critical_month = str(end + first)
            start = math.floor(first - lead)
            start_by = "now" if start <= 0 else str(end + start)
        rows.append({"resource": resource, "action": REMEDIES.get(resource, resource),
                     "lead_months": lead, "critical_month": critical_month,
                     "probability": within, "start_by": start_by, "risk": float(risk)})
    return pd.DataFrame(rows).set_index("resource")


#: Percentiles of the crossing month the status table reports: median and 90 % range.
_STATUS_PERCENTILES = ("P5", "P50", "P95")


def status_table(
    result,
    dashboard: pd.DataFrame,
    remedies: pd.DataFrame,
    *,
    costs: Mapping[str, float] | None = None,
    shares: Mapping[str, Collection[str]] | None = None,
    hiring: pd.DataFrame | None = None,
    hiring_target_months: int | None = None,
    team_cost: float = math.nan,
) -> pd.DataFrame:
    """The board's first table: per resource, now, when it crosses its lines, what to do.

    Parameters
    ----------
    result : scaling_models.montecarlo.SimulationResult
        The board's run, month 0 = the quarter's last month.
    dashboard : pandas.DataFrame
        From :func:`status_dashboard` (today's value and status).
    remedies : pandas.DataFrame
        From :func:`remedy_schedule` (start-by month).
    costs : mapping of resource -> float, optional
        Cost of each resource's remedy (e.g. the remedy plan's) [currency]; NaN without.
    shares : mapping of resource -> resources, optional
        The resources under which the cost of actions that also relieve a resource is
        counted (:func:`scaling_models.plan_report.remedy_shares`).
    hiring : pandas.DataFrame, optional
        From :func:`hiring_table`: adds a ``team`` row.
    hiring_target_months : int, optional
        Months to reach the target velocity (for :func:`hiring_feasible`).
    team_cost : float
        Cost of the planned hires [currency].

    Returns
    -------
    pandas.DataFrame
        Indexed by breach metric (each resource of the registry, then
        ``p95_response_time_s``): ``label``, ``value``, ``unit``, ``status`` (today);
        for each ``level`` in (attention, critical): ``<level>_P5``, ``<level>_P50``,
        ``<level>_P95``, months after month 0 by which 5 %, half and 95 % of the simulated
        futures have crossed (0 = already crossed today; NaN = that share does not cross
        within the horizon), so ``P5``-``P95`` holds the crossing month of nine futures in
        ten, and ``p_<level>``, the share crossing within the horizon [fraction];
        ``start_by`` (YYYY-MM, "now" or ""; for the P95 response time, CPU's: its queue
        runs at CPU utilisation), ``remedy_of`` (the resource whose remedy dates it),
        ``lead_months``, ``cost`` [currency] and ``cost_with`` (comma-separated resources
        under which the cost of its remedy is counted when shared with them: from
        ``shares``, and CPU for the P95 response time; "" otherwise).
        The ``team`` row (with ``hiring``) has today's developers as ``value``, the months
        in which the developers needed pass today's team as its ``attention`` crossing
        (``P5`` read on the 95th percentile of developers needed, ``P95`` on the 5th: the
        paths' team needs rise together with their growth), no critical line, the first
        hire's opening month as ``start_by``, ``team_cost`` and ``feasible``
        (:func:`hiring_feasible`).
    """
    from scaling_models import montecarlo

    summary = result.breach_summary
    row_of = {row["metric"]: row for _, row in dashboard.iterrows()}
    rows = []
    for metric in dict.fromkeys(summary.index.get_level_values("resource")):
        current = row_of.get(metric)
        out: dict[str, Any] = {
            "metric": metric,
            "label": metric_label(metric),
            "value": math.nan if current is None else float(current["value"]),
            "unit": "" if current is None else str(current["unit"]),
            "status": NO_DATA if current is None else str(current["status"]),
        }
        for level in ("attention", "critical"):
            line = summary.loc[(metric, level)]
            for p in _STATUS_PERCENTILES:
                out[f"{level}_{p}"] = float(line[p])
            out[f"p_{level}"] = float(line["probability"])
        # the latency queue runs at CPU utilisation: its remedy is CPU's
        source = "cpu" if metric == montecarlo.LATENCY_METRIC else metric
        remedy = remedies.loc[source] if source in remedies.index else None
        out["start_by"] = "" if remedy is None else str(remedy["start_by"])
        out["remedy_of"] = source
        out["lead_months"] = math.nan if remedy is None else float(remedy["lead_months"])
        out["cost"] = float((costs or {}).get(metric, math.nan))
        out["cost_with"] = (source if source != metric
                            else ", ".join((shares or {}).get(metric, ())))
        rows.append(out)
    if hiring is not None:
        rows.append(_team_status(result, hiring, hiring_target_months, team_cost))
    return pd.DataFrame(rows).set_index("metric")


def _team_status(result, hiring: pd.DataFrame, target_months: int | None,
                 team_cost: float) -> dict[str, Any]:
    """The ``team`` row of :func:`status_table`."""
    team = float(hiring.attrs["current_developers"])
    out: dict[str, Any] = {"metric": "team", "label": "Team", "value": team,
                           "unit": "developers",
                           "status": "attention" if hiring.attrs.get("hires") else "ok"}
    for p, curve in (("P5", 95), ("P50", 50), ("P95", 5)):
        needed = result.percentile("developers", curve).to_numpy(dtype=float)
        first = _first_month(needed, team + 1.0)  # the first month one more is needed
        out[f"attention_{p}"] = math.nan if first is None else float(first)
        out[f"critical_{p}"] = math.nan
    out["p_attention"] = out["p_critical"] = math.nan
    out["start_by"] = str(hiring["open_by"].min()) if len(hiring) else ""
    out["remedy_of"] = "team"
    out["lead_months"] = math.nan
    out["cost"] = float(team_cost)
    out["cost_with"] = ""
    out["feasible"] = (None if target_months is None
                       else hiring_feasible(hiring, target_months))
    return out


def model_vs_measured(result, history: pd.DataFrame) -> dict[str, dict[str, float]]:
    """The simulation's month 0 against the history's last month, for each breach metric.

    Returns
    -------
    dict
        ``{metric: {"measured": float, "modelled": float}}`` for each resource of the
        registry (average utilisation [fraction]) and ``p95_response_time_s`` [s] (when the
        history measures it in its last month); the modelled value is the median of the
        simulated futures at month 0.
    """
    from scaling_models import montecarlo

    last = periods.monthly_frame(history).iloc[-1]
    pairs = {r.key: (r.avg_column, f"{r.key}_avg") for r in _resources.RESOURCES.values()}
    pairs[montecarlo.LATENCY_METRIC] = (montecarlo.LATENCY_METRIC, "p95_latency_s")
    # an optional column the history lacks (or leaves empty) has nothing to compare with
    return {metric: {"measured": float(last[column]),
                     "modelled": float(result.percentile(output, 50).iloc[0])}
            for metric, (column, output) in pairs.items()
            if column in last.index and not pd.isna(last[column])}


def hiring_feasible(hiring: pd.DataFrame, target_months: int) -> bool | None:
    """Whether the funnel, at last quarter's pace, brings the applications the plan needs.

    ``applications_needed`` of :func:`hiring_table` against ``applications_last_quarter``
    times the quarters in ``target_months`` (at least one). None without a funnel.
    """
    needed = hiring.attrs.get("applications_needed")
    last = hiring.attrs.get("applications_last_quarter")
    if needed is None or last is None:
        return None
    return bool(needed <= last * max(1.0, target_months / 3.0))


def _months_after(end: pd.Period, month: str) -> int | None:
    """Months from ``end`` to a ``YYYY-MM`` string (0 for "now"; None for "" or other text)."""
    if month == "now":
        return 0
    if not month:
        return None
    try:
        return (periods.to_month(month) - end).n
    except ValueError:
        return None


def _in_words(end: pd.Period, offset: int) -> str:
    return (end + int(offset)).strftime("%b %Y")


def fan_figure(result, end_month: str | pd.Period, remedies: pd.DataFrame | None = None, *,
               history: pd.DataFrame | None = None, limit: float = 1.2,
               history_months: int = 6):
    """Average utilisation [%] of each resource by calendar month: the board's forecast.

    Each panel is :func:`scaling_models.charts.fan_chart` of ``<resource>_avg`` (the
    light band holds 9 futures in 10, P5-P95, the dark band half of them, P25-P75, the
    line the median future) with the attention and critical lines named, a "today" line
    at ``end_month``, the measured utilisation of the last ``history_months`` months when
    ``history`` is given, and the "start remedy by" month of ``remedies``. The y axis
    stops at ``limit`` (120 % by default: above 100 % demand already exceeds today's
    capacity, so the area beyond says nothing more); an arrow says from which month
    futures go beyond it.

    Parameters
    ----------
    result : scaling_models.montecarlo.SimulationResult
        A run whose month 0 is ``end_month``.
    end_month : str or Period
        Last month of the reported quarter (``YYYY-MM``), "today".
    remedies : pandas.DataFrame, optional
        From :func:`remedy_schedule` (``start_by`` per resource).
    history : pandas.DataFrame, optional
        Monthly history (columns ``<prefix>_avg`` of :data:`RESOURCE_COLUMNS`).
    limit : float
        Top of the y axis [fraction, 1.2 = 120 %], > 1.
    history_months : int
        Months of measured utilisation drawn before today [months].

    Returns
    -------
    matplotlib.figure.Figure
        A 2 x 2 grid, one panel per resource of :data:`scaling_models.montecarlo.RESOURCES`;
        its label (``get_label()``) describes it in words, for the image's alt text.
    """
    from scaling_models import charts, montecarlo

    if not (isinstance(limit, (int, float)) and limit > 1):
        raise ValueError(f"limit must be a fraction above 1 (1.2 = 120 %); got {limit!r}")
    end = periods.to_month(end_month, "end_month")
    first = 0
    if history is not None:
        history = periods.monthly_frame(history).loc[:end]
        first = -min(int(history_months), len(history) - 1)
    fig, axes = charts.board_figure(4.7, ncols=2, nrows=2, sharex=True)
    attention, critical = result.inputs.thresholds()
    sentences = []
    for i, (ax, resource) in enumerate(zip(axes, montecarlo.RESOURCES, strict=True)):
        label = metric_label(resource)
        output = f"{resource}_avg"
        charts.fan_chart(result, output, ax=ax, show_thresholds=False, start=end)
        ax.get_legend().remove()
        ax.set_title("")  # the panel's title says the resource and its remedy (below)
        m = np.arange(result.months + 1)
        median = result.percentile(output, 50).to_numpy(dtype=float)
        upper = result.percentile(output, 95).to_numpy(dtype=float)
        now = float(median[0])
        if history is not None and first < 0:
            measured = history[f"{RESOURCE_COLUMNS[resource]}_avg"].to_numpy(dtype=float)
            ax.plot(np.arange(first, 1), measured[first - 1:], color="black", marker="o",
                    markersize=3, linewidth=1.2, label="measured")
            now = float(measured[-1])
            upper = np.concatenate([measured[first - 1:-1], upper])
        charts.month_axis(ax, end, result.months, first=first)
        att, crit = float(attention[i]), float(critical[i])
        charts.label_line(ax, att, f"attention {att * 100:g} %", colour=charts.COLOURS[
            "attention"], label="attention line")
        charts.label_line(ax, crit, f"critical {crit * 100:g} %",
                          colour=charts.COLOURS["critical"], label="critical line")
        beyond = charts.clip_axis(ax, m, result.percentile(output, 95).to_numpy(dtype=float),
                                  median, limit, start=end)
        # the critical line and the measured months must stay in view
        ax.set_ylim(0, min(limit, max(ax.get_ylim()[1], crit * 1.12, np.nanmax(upper) * 1.05)))
        # "today" at the top left of its line: the measured months stay low there and the
        # remedy's marker is written to the right
        charts.mark_month(ax, 0, "today", colour=charts.COLOURS["today"], linestyle=":",
                          where=0.97, label="today", side="left" if first < 0 else "right")
        start = "" if remedies is None or resource not in remedies.index else str(
            remedies.at[resource, "start_by"])
        offset = _months_after(end, start)
        if offset is not None:
            when = "now" if offset <= 0 else f"by {_in_words(end, offset)}"
            charts.mark_month(ax, max(offset, 0), "start remedy",
                              colour=charts.COLOURS["start"], where=0.97,
                              label="start remedy by")
            title = f"{label}: start remedy {when}"
        elif remedies is not None:
            title = f"{label}: no remedy within {result.months} months"
        else:
            title = label
        ax.set_title(title, loc="left", fontsize=charts.BOARD_FONT_PT + 1.5)
        ax.set_ylabel("average utilisation [%]" if i % 2 == 0 else "")
        if i < 2:
            ax.set_xlabel("")
        crossing = np.nonzero(median >= crit)[0]
        if crossing.size and crossing[0] == 0:
            where = "already above it"
        elif crossing.size:
            where = f"the median future crosses it in {_in_words(end, crossing[0])}"
        else:
            where = "the median future stays below it"
        sentence = (f"{label}: {now * 100:.0f} % today, critical line {crit * 100:g} %; "
                    + where
                    + (f"; {beyond}" if beyond else "")
                    + (f"; {title.split(': ', 1)[1]}" if remedies is not None else "") + ".")
        sentences.append(sentence)
    handles, labels = [], []
    for ax in axes:
        for handle, name in zip(*ax.get_legend_handles_labels(), strict=True):
            if name not in labels:
                handles.append(handle)
                labels.append(name)
    names = {"P5-P95": "9 futures in 10", "P25-P75": "half of the futures",
             "median": "median future"}
    fig.legend(handles, [names.get(n, n) for n in labels], loc="outside lower center",
               ncols=4, fontsize=charts.BOARD_FONT_PT, frameon=False)
    fig.suptitle(f"Average utilisation if nothing is added ({result.n_paths:,} simulated "
                 "futures)", fontsize=charts.BOARD_FONT_PT + 2)
    fig.set_label(f"Average utilisation of each resource from {_in_words(end, first)} to "
                  f"{_in_words(end, result.months)}, measured then simulated with today's "
                  "capacity. " + " ".join(sentences))
    return fig


def team_figure(result, end_month: str | pd.Period, hiring: pd.DataFrame | None = None):
    """Developers needed by calendar month against today's team and the hiring plan.

    The band and line are the simulation's ``developers`` output (developers needed for
    the velocity the product needs, :mod:`scaling_models.montecarlo` step 7): 9 futures in
    10 inside the light band, half inside the dark one, the median future as a line.
    Today's team is a dotted line; with ``hiring`` (:func:`hiring_table`), the team with
    the planned hires is a step line rising as they join.

    Returns
    -------
    matplotlib.figure.Figure
        One panel [developers by month]; its label describes it, for the alt text.
    """
    from scaling_models import charts

    end = periods.to_month(end_month, "end_month")
    fig, (ax,) = charts.board_figure(2.3)
    charts.fan_chart(result, "developers", ax=ax, show_thresholds=False, start=end)
    ax.get_legend().remove()
    ax.set_title("")
    today = (float(hiring.attrs["current_developers"]) if hiring is not None
             else float(result.inputs.team_size))
    ax.axhline(today, color=charts.COLOURS["today"], linestyle=":", linewidth=1.4,
               label=f"today's team ({today:.0f})")
    text = f"Today's team: {today:.0f} developers."
    if hiring is not None and len(hiring):
        joins = pd.Series(1, index=[_months_after(end, j) for j in hiring["joins"]])
        months = np.arange(result.months + 1)
        planned = today + np.array([joins[joins.index <= m].sum() for m in months])
        ax.step(months, planned, where="post", color=charts.COLOURS["plan"], linewidth=1.8,
                label=f"with the {len(hiring)} planned hires (as they join)")
        text += (f" The hiring plan adds {len(hiring)} developers, the last joining in "
                 f"{_in_words(end, max(joins.index))}.")
    median = result.percentile("developers", 50).to_numpy(dtype=float)
    low = result.percentile("developers", 5).to_numpy(dtype=float)
    high = result.percentile("developers", 95).to_numpy(dtype=float)
    ax.set_ylim(0, max(np.nanmax(high), today) * 1.15)
    ax.set_ylabel("developers")
    ax.set_title("Developers the product needs, today's team and the hiring plan",
                 loc="left", fontsize=charts.BOARD_FONT_PT + 1.5)
    names = {"P5-P95": "needed: 9 futures in 10", "P25-P75": "needed: half of the futures",
             "median": "needed: median future"}
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles, [names.get(n, n) for n in labels], loc="upper left",
              fontsize=charts.BOARD_FONT_PT, ncols=2, frameon=False)
    fig.set_label(
        f"Developers needed from {_in_words(end, 0)} to {_in_words(end, result.months)}: "
        f"{median[0]:.0f} today, {median[-1]:.0f} in the median future at the end "
        f"(9 futures in 10 between {low[-1]:.0f} and {high[-1]:.0f}). " + text)
    return fig


def cost_figure(result, end_month: str | pd.Period, thresholds: pd.DataFrame | None = None,
                *, currency: str = "EUR"):
    """Infrastructure cost [currency/month] and its share of revenue [%] by calendar month.

    Two panels of :func:`scaling_models.charts.fan_chart` (``infra_cost`` and
    ``infra_share``); the share panel carries the attention and critical lines of the
    ``infra_cost_share`` row of ``thresholds`` (the source article's 10 % of revenue for
    attention, docs/domain.md section 7) when the table has it.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels side by side; its label describes it, for the alt text.
    """
    from matplotlib.ticker import FuncFormatter

    from scaling_models import charts

    end = periods.to_month(end_month, "end_month")
    fig, axes = charts.board_figure(2.4, ncols=2)
    charts.fan_chart(result, "infra_cost", ax=axes[0], show_thresholds=False, start=end)
    charts.fan_chart(result, "infra_share", ax=axes[1], show_thresholds=False, start=end)
    for ax in axes:
        ax.get_legend().remove()
        ax.set_title("")
        charts.month_axis(ax, end, result.months, n_ticks=4)
    cost = result.percentile("infra_cost", 50).to_numpy(dtype=float)
    share = result.percentile("infra_share", 50).to_numpy(dtype=float)
    axes[0].yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v / 1e3:g}"))
    axes[0].set_ylabel(f"infrastructure cost [K {currency}/month]")
    axes[0].set_ylim(0, float(result.percentile("infra_cost", 95).max()) * 1.1)
    axes[0].set_title("Infrastructure cost", loc="left", fontsize=charts.BOARD_FONT_PT + 1.5)
    axes[1].set_ylabel("infrastructure cost / revenue [%]")
    axes[1].set_title("Share of revenue", loc="left", fontsize=charts.BOARD_FONT_PT + 1.5)
    top = float(result.percentile("infra_share", 95).max())
    lines = ""
    if thresholds is not None and "infra_cost_share" in thresholds.index:
        row = thresholds.loc["infra_cost_share"]
        for level in ("attention", "critical"):
            value = float(row[level])
            charts.label_line(axes[1], value, f"{level} {value * 100:g} %",
                              colour=charts.COLOURS[level], label=f"{level} line", at=0.99)
            top = max(top, value)
        lines = f" (attention line {float(row['attention']) * 100:g} %)"
    axes[1].set_ylim(0, top * 1.15)
    names = {"P5-P95": "9 futures in 10", "P25-P75": "half of the futures",
             "median": "median future"}
    handles, labels = axes[1].get_legend_handles_labels()
    fig.legend(handles, [names.get(n, n) for n in labels], loc="outside lower center",
               ncols=3, fontsize=charts.BOARD_FONT_PT, frameon=False)
    fig.set_label(
        f"Infrastructure cost per month in the median future: {money(cost[0], currency)} in "
        f"{_in_words(end, 0)}, {money(cost[-1], currency)} in "
        f"{_in_words(end, result.months)}; as a share of revenue{lines}: "
        f"{percent(share[0], 1)} then {percent(share[-1], 1)}.")
    return fig


# --- what the history itself says: early-warning signals and trends -----------------------

#: How the board reads each signal of :func:`scaling_models.signals.detect_signals`.
SIGNAL_LABELS: Mapping[str, str] = {
    "response_time_rising": "Response time rising month after month",
    "incidents_more_frequent": "Incidents more frequent",
    "user_growth_above_20pct": "User growth above 20 % a month",
    "deployment_frequency_falling": "Deployment frequency falling",
    "code_review_time_rising": "Code review time rising",
}

# Board labels of the trend metrics the Monte Carlo resources do not name.
_TREND_LABELS: Mapping[str, str] = {
    "db_connections": "DB pool in use",
    "p95_response_time_s": "P95 response time",
}

# Unit of a trend metric when the threshold table has no ``unit`` column.
_TREND_UNITS: Mapping[str, str] = {"p95_response_time_s": "s"}

_SEVERITY_RANK = {"critical": 0, "attention": 1, "ok": 2}


def metric_label(metric: str) -> str:
    """The board's name of a resource or trend metric (``db_utilisation`` -> "Database")."""
    return RESOURCE_LABELS.get(metric) or _TREND_LABELS.get(metric) or metric.replace("_", " ")


#: Severity of a signal, status of a trend, whose optional column is missing or empty.
NOT_ASSESSED = "not assessed"


def _unusable_columns(history: pd.DataFrame, columns: Collection[str]) -> dict[str, str]:
    """Optional columns a rule cannot read -> why (absent, or empty cells in months...)."""
    out = {}
    for column in columns:
        if column not in history.columns:
            out[column] = "the history has no such column"
        elif history[column].isna().any():
            empty = [str(m) for m in history.index[history[column].isna().to_numpy()]]
            shown = ", ".join(empty[:3]) + (f" and {len(empty) - 3} more" if len(empty) > 3
                                            else "")
            out[column] = f"empty cells in {shown}"
    return out
_SIGNAL_TREND_MONTHS = 6  # signals.detect_signals' default trend_months
_OPTIONAL_TREND_COLUMNS = {
    "db_connections": ("db_connections_in_use", "db_pool_size"),
    "p95_response_time_s": ("p95_response_time_s",),
}
_OPTIONAL_SIGNAL_COLUMNS = ("p95_response_time_s", "deploys_per_week", "code_review_hours",
                            "incidents")


def signals_table(
    history: pd.DataFrame, thresholds: pd.DataFrame | None = None, **rules: Any
) -> pd.DataFrame:
    """The source article's early-warning signals on the history, detected ones first.

    Runs :func:`scaling_models.signals.detect_signals` (docs/domain.md sections 3 and 7: response
    time rising, incidents more frequent, user growth above 20 %/month, deployment
    frequency falling, code review time rising) and orders its rows for the board.

    Parameters
    ----------
    history : pandas.DataFrame
        Monthly history from :func:`scaling_models.loaders.load_history` (or with a
        ``month`` column), as of the report's month.
    thresholds : pandas.DataFrame, optional
        Threshold table; default :func:`scaling_models.thresholds.load_thresholds`.
    **rules
        Rule parameters of :func:`~scaling_models.signals.detect_signals`
        (``trend_months``, ``min_moves``, ``alpha``...).

    Returns
    -------
    pandas.DataFrame
        The columns of ``detect_signals`` (``signal``, ``detected``, ``evidence``,
        ``metric``, ``severity``, ``rule``) plus ``label`` (:data:`SIGNAL_LABELS`);
        detected signals first, critical before attention, otherwise in the order of
        ``detect_signals``.

    Raises
    ------
    ValueError
        If the history lacks a column a rule reads (the message names it), is too short,
        or a rule parameter is out of range.
    """
    from scaling_models import signals

    history = periods.monthly_frame(history)
    # a short history (from MIN_HISTORY_MONTHS) looks back as far as it can; the rule
    # column of the table says so
    if "trend_months" not in rules and len(history) <= _SIGNAL_TREND_MONTHS:
        rules["trend_months"] = max(2, len(history) - 1)
        rules.setdefault("min_moves", rules["trend_months"] - 1)
    # optional columns (absent, or empty in the months the rules read) cannot be assessed:
    # the rule runs on a placeholder and its row is then replaced by "not assessed"
    unusable = _unusable_columns(history, _OPTIONAL_SIGNAL_COLUMNS)
    if unusable:
        history = history.assign(**{c: 1.0 for c in unusable})
    table = signals.detect_signals(history, thresholds, **rules)
    for column, why in unusable.items():
        rows = table["metric"] == column
        table.loc[rows, "detected"] = False
        table.loc[rows, "severity"] = NOT_ASSESSED
        table.loc[rows, "evidence"] = f"Not assessed: {column}: {why}."
    table.insert(1, "label", [SIGNAL_LABELS.get(s, s.replace("_", " ")) for s in table["signal"]])
    rank = table["severity"].map(_SEVERITY_RANK).fillna(len(_SEVERITY_RANK))
    table = table.assign(_d=~table["detected"], _r=rank)
    table = table.sort_values(["_d", "_r"], kind="stable").drop(columns=["_d", "_r"])
    return table.reset_index(drop=True)


def _crossing_month(status: str, period: Any) -> str:
    """'YYYY-MM' for a forecast crossing, 'now' when already crossed, '' otherwise."""
    if status == "already crossed":
        return "now"
    if status == "forecast" and period is not None and not pd.isna(period):
        return str(period)
    return ""


# what a trend row says when its metric cannot be assessed
_NOT_ASSESSED_TREND = dict(
    last_value=math.nan, monthly_growth=math.nan, r_squared=math.nan, n_points=0, fit_start="",
    poor_fit=False, attention_status=NOT_ASSESSED, critical_status=NOT_ASSESSED,
    attention_month="", critical_month="", attention_low="", attention_high="",
    critical_low="", critical_high="")


def _trend_placeholders(history: pd.DataFrame, thresholds: pd.DataFrame | None):
    """Placeholders for the optional trend metrics that cannot be assessed.

    A metric whose columns are absent or empty, or without a threshold row, is fitted on a
    constant placeholder (and a copy of the cpu row) so that the other metrics' fits run;
    :func:`trend_table` then replaces its row by "not assessed" with the reason.
    Returns the history and thresholds to fit, ``{metric: reason}`` and the metrics
    without a row.
    """
    from scaling_models import thresholds as _thresholds

    table = _thresholds.load_thresholds() if thresholds is None else thresholds
    if "metric" in table.columns:
        table = table.set_index("metric")
    unusable = {}
    for metric, columns in _OPTIONAL_TREND_COLUMNS.items():
        why = _unusable_columns(history, columns)
        if why:
            unusable[metric] = "; ".join(f"{c}: {w}" for c, w in why.items())
        elif metric not in table.index:
            unusable[metric] = "the threshold table has no row for it"
    no_row = [m for m in _OPTIONAL_TREND_COLUMNS if m not in table.index]
    if unusable:
        history = history.assign(**{c: 1.0 for m in unusable
                                    for c in _OPTIONAL_TREND_COLUMNS[m]})
    if no_row:
        placeholders = table.loc[["cpu"] * len(no_row)].set_axis(no_row)
        thresholds = pd.concat([table, placeholders]).rename_axis("metric")
    return history, thresholds, unusable, no_row


def trend_table(
    history: pd.DataFrame,
    thresholds: pd.DataFrame | None = None,
    *,
    result=None,
    end_month: str | pd.Period | None = None,
    horizon_months: int | None = None,
    window: int = 12,
    after_drop: float | None = 0.25,
) -> pd.DataFrame:
    """Trend cross-check: when each capacity metric's own trend crosses its lines.

    For every metric of :data:`scaling_models.trends.CAPACITY_METRICS` (average
    utilisation of cpu, memory, db_utilisation and bandwidth, DB connections as a share of
    the pool, P95 latency), :func:`scaling_models.trends.capacity_forecasts` extrapolates
    the log-linear trend of the last months (from the last capacity step, see
    ``after_drop``) to the month it crosses the attention and critical thresholds, with a
    90 % interval, or says it is already crossed, not within the horizon, or too noisy to
    date (poor fit). With ``result``, each metric the simulation reports is set beside
    the Monte Carlo median month of crossing critical: the first month by which half of
    the simulated futures have crossed (the rule of :func:`remedy_schedule` with
    ``risk=0.5``), and the two dates are compared.

    Parameters
    ----------
    history : pandas.DataFrame
        Monthly history from :func:`scaling_models.loaders.load_history`, ending at the
        report's month.
    thresholds : pandas.DataFrame, optional
        Threshold table; default :func:`scaling_models.thresholds.load_thresholds`.
    result : scaling_models.montecarlo.SimulationResult, optional
        A run whose month 0 is ``end_month``.
    end_month : str or Period, optional
        Month 0 of ``result`` (``YYYY-MM``); default the history's last month.
    horizon_months : int, optional
        Trend crossings later than this are "not within horizon"; default the
        simulation's horizon (so the two columns cover the same months), else 36. [month]
    window : int, default 12
        Months fitted (see :func:`~scaling_models.trends.capacity_forecasts`). [month]
    after_drop : float or None, default 0.25
        Fit from the last one-month fall of more than this fraction (a capacity upgrade).

    Returns
    -------
    pandas.DataFrame
        Indexed by metric: ``label``, ``unit`` (of the threshold table; when absent ``s``
        for latency, else ``fraction``), ``last_value``, ``monthly_growth``
        [fraction/month], ``r_squared``, ``n_points``, ``fit_start`` (YYYY-MM),
        ``poor_fit``, ``warning``; for each ``level`` of attention and critical: ``<level>``
        (the line), ``<level>_status`` (as in ``capacity_forecasts``), ``<level>_month``
        (YYYY-MM of a forecast crossing, ``"now"`` when already crossed, ``""`` otherwise),
        ``<level>_low`` and ``<level>_high`` (90 % interval, YYYY-MM of a forecast, else
        ``""``); then ``simulated`` (bool), ``simulated_critical_month`` (YYYY-MM, ``"now"``
        when over the line at month 0, ``""`` when fewer than half the futures cross within
        the horizon or not simulated), ``simulated_probability`` (of crossing critical
        within the horizon; NaN when not simulated) and ``agreement`` (do the two methods
        agree? ``"yes (...)"``, ``"no: ..."``, ``"cannot tell (...)"``; ``""`` when not
        simulated). ``attrs`` holds ``horizon_months``, ``end_month`` and
        ``simulated_months``.

    Raises
    ------
    ValueError
        If the history lacks a column (the message names it), the thresholds lack a
        capacity metric, or ``horizon_months`` / ``window`` is out of range.
    TypeError
        If ``result`` is not a simulation result.

    References
    ----------
    .. [1] "Scaling et croissance : anticiper les besoins techniques et humains" (source
       article of the project, French), docs/domain.md sections 1, 3 and 7: measure, forecast
       and compare several views before deciding.
    """
    from scaling_models import thresholds as _thresholds
    from scaling_models import trends
    from scaling_models._checks import require_integer

    history = periods.monthly_frame(history)
    if thresholds is None:
        thresholds = _thresholds.load_thresholds()
    if result is not None and not hasattr(result, "breach_probability"):
        raise TypeError(
            f"result must be a montecarlo.SimulationResult; got {type(result).__name__}")
    if horizon_months is None:
        horizon_months = int(result.months) if result is not None else 36
    horizon_months = require_integer("horizon_months", horizon_months, minimum=1)
    end = history.index[-1] if end_month is None else periods.to_month(end_month)
    history, thresholds, unusable, no_row = _trend_placeholders(history, thresholds)
    forecasts = trends.capacity_forecasts(history, thresholds, window=window,
                                          horizon_months=horizon_months,
                                          after_drop=after_drop)
    units = {}
    if isinstance(thresholds, pd.DataFrame) and "unit" in thresholds.columns:
        table = thresholds.set_index("metric") if "metric" in thresholds.columns else thresholds
        units = table["unit"].astype(str).to_dict()
    units = {**_TREND_UNITS, **units}
    crossings = {} if result is None else _critical_crossings(result, 0.5)
    rows = {}
    for metric, fc in forecasts.iterrows():
        row: dict[str, Any] = {
            "label": metric_label(metric), "unit": units.get(metric, "fraction"),
            "last_value": float(fc["last_value"]), "monthly_growth": float(fc["monthly_growth"]),
            "r_squared": float(fc["r_squared"]), "n_points": int(fc["n_points"]),
            "fit_start": "" if fc["fit_start"] is None else str(fc["fit_start"]),
            "poor_fit": bool(fc["poor_fit"]), "warning": str(fc["warning"]),
        }
        for level in ("attention", "critical"):
            status = str(fc[f"{level}_status"])
            row[level] = float(fc[level])
            row[f"{level}_status"] = status
            row[f"{level}_month"] = _crossing_month(status, fc[f"{level}_month"])
            for side in ("low", "high"):
                bound = fc[f"{level}_month_{side}"]
                row[f"{level}_{side}"] = str(bound) if status == "forecast" and bound else ""
        first, within = crossings.get(metric, (None, math.nan))
        row["simulated"] = metric in crossings
        row["simulated_critical_month"] = (
            "" if first is None else ("now" if first == 0 else str(end + first)))
        row["simulated_probability"] = within
        row["agreement"] = _agreement(row, first, end) if metric in crossings else ""
        if metric in unusable:
            row.update(_NOT_ASSESSED_TREND, warning=f"not assessed: {unusable[metric]}")
            if metric in no_row:
                row.update(attention=math.nan, critical=math.nan)
        rows[metric] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "metric"
    out.attrs.update(horizon_months=horizon_months, end_month=str(end),
                     simulated_months=None if result is None else int(result.months))
    return out


def _agreement(row: Mapping[str, Any], first: int | None, end: pd.Period) -> str:
    """Whether the trend's critical date and the simulation's median month tell one story."""
    status = row["critical_status"]
    if status == "poor fit":
        return "cannot tell (no trend date)"
    if status == "not within horizon":
        return ("yes (neither within the horizon)" if first is None
                else "no: only the simulation crosses")
    if first is None:
        return "no: only the trend crosses"
    if status == "already crossed":
        return ("yes (both already crossed)" if first == 0
                else f"no: simulation {_months(first)} later")
    simulated = end + first
    low, high = (periods.to_month(row[f"critical_{s}"]) for s in ("low", "high"))
    if low <= simulated <= high:
        return "yes (inside the trend's interval)"
    gap = (simulated - periods.to_month(row["critical_month"])).n
    return f"no: simulation {_months(abs(gap))} {'later' if gap > 0 else 'earlier'}"


def _months(n: int) -> str:
    return f"{n} month{'s' if n != 1 else ''}"




# --- team and investments -----------------------------------------------------------------


def hiring_table(
    history: pd.DataFrame,
    *,
    target_velocity: float,
    target_month: int,
    month: str | pd.Period | None = None,
    funnel: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Hiring plan to reach ``target_velocity`` by ``target_month`` months from ``month``.

    Uses :func:`scaling_models.team.hiring_plan` with the velocity per developer measured
    on the history's last month (:func:`scaling_models.team.velocity_per_developer`).
    With ``funnel`` (``loaders.load_funnel``), the applications those hires need come
    from the company's own conversion rate (:func:`scaling_models.team.applications_needed`,
    pooled over the quarters up to ``month``).

    Returns
    -------
    pandas.DataFrame
        One row per hire: ``open_by``, ``joins``, ``productive_from`` (YYYY-MM) and
        ``on_time``; ``attrs`` carries the plan's attributes plus ``current_velocity``,
        ``current_developers``, ``hires`` and, with a funnel, ``applications_needed``,
        ``applications_per_hire``, ``funnel_quarters`` (first and last quarter used) and
        ``applications_last_quarter``.
    """
    from scaling_models import team

    history = periods.monthly_frame(history)
    month = history.index[-1] if month is None else periods.to_month(month)
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
    if funnel is not None:
        # only the quarters known at the time of the report
        known = funnel[funnel.index <= month.asfreq("Q")]
        if len(known) and known["hired"].sum() > 0:
            table.attrs.update(
                applications_needed=int(team.applications_needed(len(plan), counts=known)),
                applications_per_hire=float(known["applications"].sum()
                                            / known["hired"].sum()),
                funnel_quarters=(str(known.index[0]), str(known.index[-1])),
                applications_last_quarter=int(known["applications"].iloc[-1]),
            )
    return table


def investments(
    result,
    *,
    hires: int,
    developer_annual_cost: float,
    current_velocity: float,
    target_velocity: float,
    debt: pd.DataFrame | None = None,
    plan_result=None,
    plan_cost: float | None = None,
    plan_actions: int = 0,
    plan_risk: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """Investments required over the horizon and the capacity they buy (docs/domain.md section 7).

    Rows:

    * infrastructure bill growth: the extra spend of the median path over the horizon
      (sum of ``infra_cost[t] - infra_cost[0]``, the bill growing with the load) for the
      capacity that keeps the 90th-percentile average utilisation of the most loaded
      resource at its attention line at the horizon (``P90 / attention - 1``);
      with ``plan_result``, the bill of the simulation with the remedy plan in place
      (the engine counts the capacity a plan runs once: what the bill's growth already
      pays for is not paid again, docs/levers.md), against today's bill, for the chance
      of a critical resource ``plan_risk`` (without, with the plan): the plan is not a
      row of its own, which would count the fleet twice;
    * team: one year of the planned hires (the article's convention,
      :func:`scaling_models.cost.team_cost`) for the velocity gained;
    * technical debt: the resolution cost of the items recommended "now", for the hours
      they give back (as hours per sprint).

    Parameters
    ----------
    result : scaling_models.montecarlo.SimulationResult
        The forecast, without the plan.
    hires, developer_annual_cost, current_velocity, target_velocity
        The hiring plan's hires, a developer's yearly cost [currency/year] and the
        velocities before and after [story points/sprint].
    debt : pandas.DataFrame, optional
        From :func:`debt_table`.
    plan_result : scaling_models.montecarlo.SimulationResult, optional
        The same forecast with the remedy plan in place
        (:attr:`scaling_models.plan_report.PlanComparison.with_plan`).
    plan_cost : float, optional
        The remedy plan's own spend over the horizon [currency], quoted in the
        infrastructure row (with ``plan_result``).
    plan_actions : int
        Its number of actions.
    plan_risk : (float, float), optional
        Probability that some resource is critical within the horizon without and with
        the plan [fraction].

    Returns
    -------
    pandas.DataFrame
        Indexed by investment: ``cost`` [currency] and ``capacity`` (text); the last row,
        ``total``, adds them up.
    """
    from scaling_models import cost, montecarlo

    rows = []
    today = float(result.percentile("infra_cost", 50).iloc[0])
    billed = result if plan_result is None else plan_result
    extra = float((billed.percentile("infra_cost", 50) - today).clip(lower=0).sum())
    attention, _ = result.inputs.thresholds()
    needs = []
    for resource, att in zip(montecarlo.RESOURCES, attention, strict=True):
        p90 = result.percentile(f"{resource}_avg", 90)
        needs.append((float(p90.iloc[-1]) / float(att) - 1.0, resource))
    need, worst = max(needs)
    if plan_result is None:
        rows.append({"investment": "infrastructure bill growth", "cost": extra,
                     "capacity": f"+{max(need, 0.0) * 100:.0f} % capacity "
                                 f"({metric_label(worst)} is the bottleneck) over "
                                 f"{result.months} months"})
    else:
        own = "" if plan_cost is None else f", {money(plan_cost, '').strip()} of their own"
        buys = "" if plan_risk is None else (
            f": chance of a critical resource within {result.months} months "
            f"{probability(plan_risk[0])} → {probability(plan_risk[1])}")
        rows.append({"investment": "infrastructure bill growth, remedy plan included",
                     "cost": extra,
                     "capacity": f"the plan's {plan_actions} action"
                                 f"{'' if plan_actions == 1 else 's'} in place{own}, part "
                                 f"paid by the bill's growth{buys}"})
    team_cost = float(cost.team_cost(hires, 1.0, developer_annual_cost))
    gain = target_velocity / current_velocity - 1.0 if current_velocity > 0 else math.nan
    rows.append({"investment": f"team (+{hires} developers, one year)", "cost": team_cost,
                 "capacity": f"velocity {current_velocity:.0f} → {target_velocity:.0f} "
                             f"story points/sprint ({percent(gain, signed=True)})"})
    if debt is not None and len(debt):
        # every item of the backlog to treat now, not only the top ones shown (the count
        # the debt section and the key messages quote)
        now = debt[debt["recommendation"].astype(str) == "now"]
        n = int(debt.attrs.get("n_treat_now", len(now)))
        spend = float(debt.attrs.get("treat_now_cost", now["resolution_cost"].sum()))
        saves = float(debt.attrs.get("treat_now_savings", now["monthly_savings"].sum()))
        rows.append({"investment": f"technical debt ({n} items to treat now)",
                     "cost": spend,
                     "capacity": f"saves {money(saves, '')}".rstrip() + " a month once fixed"})
    table = pd.DataFrame(rows).set_index("investment")
    total = pd.DataFrame({"cost": [float(table["cost"].sum())], "capacity": [""]},
                         index=pd.Index(["total"], name="investment"))
    return pd.concat([table, total])


# --- actions ------------------------------------------------------------------------------


#: The tiers of the ranked actions, most urgent first (:func:`action_tier`).
ACTION_TIERS: tuple[str, ...] = ("act now", "this quarter", "plan", "watch")

#: Debt recommendations (:func:`scaling_models.debt.recommend`) that make an action, and
#: their tier: "now" (ROI above 300 %) this quarter, "plan" (above 150 %) plan.
_DEBT_TIERS: Mapping[str, str] = MappingProxyType({"now": "this quarter", "plan": "plan"})


def action_tier(start_month: int | None, *, critical_now: bool = False,
                debt: str | None = None) -> str:
    """The tier of one ranked action: when the board must act on it.

    Month 0 is the reported quarter's last month; the board reads the report in month 1,
    the first month of the next quarter.

    * ``"act now"``: a metric critical today (``critical_now``), or work that must start by
      month 1 (``start_month`` 0 or 1: "now", or the month the report is read);
    * ``"this quarter"``: work that must start in month 2 or 3 (by the end of the quarter
      the report is read in), and the technical-debt items recommended "now" (ROI above
      300 %: they pay back within months, so they wait no longer than a quarter);
    * ``"plan"``: work that must start in month 4 or later, and the debt items recommended
      "plan" (ROI above 150 %);
    * ``"watch"``: a metric at attention that nothing dates (``start_month`` None): no
      start date and no cost yet; it is looked at again next quarter.

    Parameters
    ----------
    start_month : int or None
        Months after month 0 by which the work must start (0 when overdue); None when
        nothing dates it. Ignored for a debt item. [month]
    critical_now : bool
        The metric the action treats is critical today.
    debt : {"now", "plan"}, optional
        The action is technical-debt work with this recommendation.

    Returns
    -------
    str
        One of :data:`ACTION_TIERS`.

    Raises
    ------
    ValueError
        For a negative ``start_month`` or an unknown ``debt`` recommendation.

    Examples
    --------
    >>> [action_tier(m) for m in (0, 1, 2, 3, 4, None)]
    ['act now', 'act now', 'this quarter', 'this quarter', 'plan', 'watch']
    >>> action_tier(None, critical_now=True), action_tier(None, debt="now")
    ('act now', 'this quarter')
    """
    if debt is not None and debt not in _DEBT_TIERS:
        raise ValueError(f"debt must be one of {sorted(_DEBT_TIERS)} or None; got {debt!r}")
    if start_month is not None and (isinstance(start_month, bool)
                                    or not float(start_month).is_integer() or start_month < 0):
        raise ValueError(f"start_month must be a whole number of months >= 0 or None; "
                         f"got {start_month!r}")
    if critical_now:
        return "act now"
    if debt is not None:
        return _DEBT_TIERS[debt]
    if start_month is None:
        return "watch"
    return "act now" if start_month <= 1 else "this quarter" if start_month <= 3 else "plan"


def actions(
    dashboard: pd.DataFrame,
    *,
    debt: pd.DataFrame | None = None,
    remedies: pd.DataFrame | None = None,
    plan_costs: Mapping[str, float] | None = None,
    plan_shares: Mapping[str, Collection[str]] | None = None,
    trend: pd.DataFrame | None = None,
    end_month: str | pd.Period | None = None,
) -> pd.DataFrame:
    """Actions required, ranked by tier (:func:`action_tier`), then by start month.

    docs/domain.md section 4 ranks actions critical, important and nice to have; the
    tiers say the same by date: act now, this quarter, plan, and watch for what no date
    supports yet.

    Parameters
    ----------
    dashboard : pandas.DataFrame
        From :func:`status_dashboard`; every metric not ``ok`` gives its action (a metric
        critical today: act now; at attention: dated by its trend when ``trend`` dates
        its critical line, else watch).
    debt : pandas.DataFrame, optional
        From :func:`debt_table`: the items of the backlog recommended ``now`` are one
        action (their number, cost and savings from its ``attrs``), the items shown
        recommended ``plan`` one action each. The action of a resource at attention or
        critical names, in its ``why``, the backlog's items that relieve it
        (``attrs["relieved_by"]``: two at most, then how many more).
    remedies : pandas.DataFrame, optional
        Per resource, with columns ``action``, ``start_by`` (YYYY-MM or ``"now"``),
        ``critical_month``, ``probability`` of reaching critical, ``lead_months``,
        indexed by resource (as from :func:`remedy_schedule`): each dated remedy is an
        action, tiered by its start month (act now for a resource critical today).
    plan_costs : mapping, optional
        Resource -> cost of the remedy plan's actions on it over the horizon
        (:func:`scaling_models.plan_report.remedy_costs`) [currency]: each remedy row
        then carries its resource's cost.
    plan_shares : mapping, optional
        Resource -> the resources under which the plan counts actions that also relieve
        it (:func:`scaling_models.plan_report.remedy_shares`).
    trend : pandas.DataFrame, optional
        From :func:`trend_table`: the month its trend crosses critical dates an
        attention metric that no remedy dates (the work must be done by then).
    end_month : str or Period, optional
        Month 0 (``YYYY-MM``); default the dashboard's month (``attrs["month"]``).

    Returns
    -------
    pandas.DataFrame
        Columns ``rank``, ``tier`` (:data:`ACTION_TIERS`), ``action``, ``why``,
        ``start_by`` (YYYY-MM, "now", or "" for an undated action), ``cost``
        [currency] (a remedy row's resource's cost in the plan when ``plan_costs`` is
        given, a debt action's resolution cost, NaN where none is known) and
        ``cost_with`` (comma-separated resources under which the plan counts the cost of
        a remedy shared with them, "" otherwise); one row per action, most urgent first.
    """
    month = end_month if end_month is not None else dashboard.attrs.get("month")
    end = None if month is None else periods.to_month(month)
    relieved_by = {} if debt is None else debt.attrs.get("relieved_by", {})
    rows = _dashboard_actions(dashboard, remedies, trend, end, relieved_by)
    if remedies is not None:
        rows += _remedy_actions(dashboard, remedies, plan_costs, plan_shares, end,
                                relieved_by)
    if debt is not None:
        rows += _debt_actions(debt, end)
    columns = ["rank", "tier", "action", "why", "start_by", "cost", "cost_with"]
    if not rows:
        return pd.DataFrame(columns=columns)
    table = pd.DataFrame(rows)
    for column, empty in (("cost", math.nan), ("cost_with", "")):
        table[column] = table[column].fillna(empty) if column in table else empty
    rank = {tier: k for k, tier in enumerate(ACTION_TIERS)}
    table = table.assign(
        _p=table["tier"].map(rank),
        _t=table["start_by"].map(lambda s: "" if s == "now" else s),
    )
    table = table.drop_duplicates("action").sort_values(["_p", "_t"], kind="stable")
    table["rank"] = np.arange(1, len(table) + 1)
    return table[columns].reset_index(drop=True)


def _start_month(end: pd.Period | None, start_by: str) -> int | None:
    """Months from ``end`` to a start-by month (0 for "now" or overdue; None for "")."""
    if start_by == "now":
        return 0
    if not start_by:
        return None
    if end is None:
        raise ValueError(f"end_month is needed to tier an action starting {start_by}: pass "
                         f"it, or a dashboard from status_dashboard (its attrs['month'])")
    return max(0, (periods.to_month(start_by) - end).n)


def _relief(items: Collection[str]) -> str:
    """The clause naming the debt items that relieve a resource ("" for none)."""
    items = list(items)
    if not items:
        return ""
    # two names at most: the ranked actions share the report's first page
    named = ", ".join(items[:2]) + (f" and {len(items) - 2} more" if len(items) > 2 else "")
    return f"; debt that relieves it: {named}"


def _dashboard_actions(dashboard: pd.DataFrame, remedies: pd.DataFrame | None,
                       trend: pd.DataFrame | None, end: pd.Period | None,
                       relieved_by: Mapping[str, Collection[str]]) -> list[dict]:
    """The actions of the dashboard metrics not ok that no remedy dates."""
    dated = set() if remedies is None else set(remedies.index)
    resource_of = {r.metric: r.key for r in _resources.RESOURCES.values()}
    trend_month = {} if trend is None else trend["critical_month"].astype(str).to_dict()
    rows = []
    for _, row in dashboard.iterrows():
        status = str(row["status"])
        if status not in ("attention", "critical") or row["metric"] in dated:
            continue
        # the action names the metric: the reason gives its value and line
        why = (f"{status} now: {format_value(row['value'], row['unit'])} ({status} "
               f"{breach_side(row)} {format_value(row[status], row['unit'])})")
        start_by = "now" if status == "critical" else ""
        crossing = trend_month.get(row["metric"], "")
        ahead = None if end is None or crossing == "now" else _months_after(end, crossing)
        if status == "attention" and ahead:
            # no lead time is known: the work must be done by the month the trend
            # crosses the critical line
            start_by = crossing
            why += f"; its trend crosses the critical line in {_in_words(end, ahead)}"
        elif status == "attention":
            why += "; nothing dates it yet"
        why += _relief(relieved_by.get(resource_of.get(row["metric"], ""), ()))
        rows.append({
            "tier": action_tier(_start_month(end, start_by),
                                critical_now=status == "critical"),
            "action": f"{row['action']}: {row['label']}",
            "why": why,
            "start_by": start_by,
        })
    return rows


def _remedy_actions(dashboard: pd.DataFrame, remedies: pd.DataFrame,
                    plan_costs: Mapping[str, float] | None,
                    plan_shares: Mapping[str, Collection[str]] | None,
                    end: pd.Period | None,
                    relieved_by: Mapping[str, Collection[str]]) -> list[dict]:
    """One action per resource whose remedy the forecast dates."""
    row_of = {row["metric"]: row for _, row in dashboard.iterrows()}
    rows = []
    for resource, row in remedies.iterrows():
        if not isinstance(row.get("start_by"), str) or not row["start_by"]:
            continue
        current = row_of.get(resource)
        status = "" if current is None else str(current["status"])
        lead = f"lead time {_months(int(row['lead_months']))}" \
            if float(row["lead_months"]).is_integer() else \
            f"lead time {row['lead_months']:g} months"
        share = (f"{percent(row['risk'])} of futures" if "risk" in row.index
                 else "the first futures")
        why = (f"critical from {_in_words(periods.to_month(row['critical_month']), 0)} "
               f"in {share} ({probability(row['probability'])} within the forecast); "
               f"{lead}")
        if status == "critical":
            why = (f"{current['label']} is critical now "
                   f"({format_value(current['value'], current['unit'])}); {lead}")
        elif status == "attention":
            why = (f"{current['label']} is at attention now "
                   f"({format_value(current['value'], current['unit'])}); " + why)
        if status in ("attention", "critical"):
            why += _relief(relieved_by.get(resource, ()))
        rows.append({
            "tier": action_tier(_start_month(end, row["start_by"]),
                                critical_now=status == "critical"),
            "action": row["action"],
            "why": why,
            "start_by": row["start_by"],
            "cost": math.nan if plan_costs is None
            else float(plan_costs.get(resource, math.nan)),
            "cost_with": ", ".join((plan_shares or {}).get(resource, ())),
        })
    return rows


def _debt_actions(debt: pd.DataFrame, end: pd.Period | None) -> list[dict]:
    """One action for every item to treat now, one per item shown to plan."""
    rows = []
    now = debt[debt["recommendation"].astype(str) == "now"]
    if len(now):
        # one action for every item of the backlog to treat now (the count and cost of
        # the debt section and the investments), the best one named; started by the end
        # of the quarter the report is read in
        n = int(debt.attrs.get("n_treat_now", len(now)))
        best = now.iloc[0]
        saves = float(debt.attrs.get("treat_now_savings", now["monthly_savings"].sum()))
        items = "item that pays" if n == 1 else "items that pay"
        rows.append({
            "tier": action_tier(None, debt="now"),
            "action": f"fix the {n} technical-debt {items} back more than 3 times the "
                      f"cost in a year",
            "why": (f"best: {now.index[0]} ({best['roi'] + 1:.0f} times its cost); "
                    f"together they save {money(saves, '')}".rstrip()
                    + " a month once fixed"),
            "start_by": "" if end is None else str(end + 3),
            "cost": float(debt.attrs.get("treat_now_cost", now["resolution_cost"].sum())),
        })
    for item, row in debt.iterrows():
        if str(row["recommendation"]) == "plan":
            rows.append({
                "tier": action_tier(None, debt="plan"),
                "action": f"plan technical debt: {item}",
                "why": f"returns {row['roi'] + 1:.1f} times its cost in a year",
                "start_by": "",
                "cost": float(row["resolution_cost"]),
            })
    return rows


def breach_side(row: pd.Series) -> str:
    """'below' for a lower-is-worse metric (critical line under the attention line), else
    'above': which side of its lines a threshold row's metric breaches."""
    return "below" if float(row["critical"]) < float(row["attention"]) else "above"


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
    signals: pd.DataFrame | None = None,
    trend: pd.DataFrame | None = None,
    elasticity: pd.DataFrame | None = None,
    measured: Mapping[str, Mapping[str, float]] | None = None,
    hiring_target_months: int | None = None,
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
    signals, trend : pandas.DataFrame, optional
        From :func:`signals_table` and :func:`trend_table`.
    elasticity : pandas.DataFrame, optional
        Indexed by resource, ``elasticity``, ``low``, ``high`` (from
        :meth:`scaling_models.company.Calibrated.elasticity_table`).
    measured : mapping, optional
        From :func:`model_vs_measured`.
    hiring_target_months : int, optional
        With ``hiring``: months to reach the target (for :func:`hiring_feasible`).

    Returns
    -------
    dict
        Only the keys whose inputs were given. Floats are rounded to 6 significant
        digits so that summary.json stays readable and diffs stay quiet.
    """
    out: dict[str, Any] = {"month": growth.attrs.get("current_month")}
    out.update(_summary_growth(growth))
    out.update(_summary_dashboard(dashboard))
    parts = (
        (debt, _summary_debt), (scenarios, _summary_scenarios),
        (breaches, _summary_breaches),
        (remedies, lambda t: {"remedy_start_by": {str(k): str(v)
                                                  for k, v in t["start_by"].items()}}),
        (hiring, lambda t: _summary_hiring(t, hiring_target_months)),
        (invest, _summary_investments),
        (ranked, lambda t: {"actions_critical": int((t["tier"] == "act now").sum())}),
        (signals, lambda t: {"signals_detected": [str(s)
                                                  for s in t.loc[t["detected"], "signal"]]}),
        (trend, lambda t: {"trend_critical_month": {str(k): str(v)
                                                    for k, v in t["critical_month"].items()}}),
        (elasticity, _summary_elasticity),
        (measured, lambda m: {"model_vs_measured": {
            str(k): {"measured": float(v["measured"]), "modelled": float(v["modelled"])}
            for k, v in m.items()}}),
    )
    for table, part in parts:
        if table is not None:
            out.update(part(table))
    return notebook_io.to_jsonable(out, significant=6)


# --- the parts of summary(), one per input table -------------------------------------------


def _summary_growth(growth: pd.DataFrame) -> dict[str, Any]:
    """Today's figures and the quarter's changes (:func:`growth_achieved`)."""
    def current(metric: str) -> float:
        return float(growth.at[metric, "current"]) if metric in growth.index else math.nan

    out: dict[str, Any] = {metric: current(metric) for metric in (
        "mau", "revenue", "transactions_per_day", "team_size", "infra_cost", "cost_per_user")}
    for metric in ("mau", "revenue"):
        change = growth.at[metric, "pct_change"] if metric in growth.index else math.nan
        out[f"{metric}_qoq_change"] = float(change)
    out["infra_cost_share"] = out["infra_cost"] / out["revenue"] if out["revenue"] else math.nan
    return out


def _summary_dashboard(dashboard: pd.DataFrame) -> dict[str, Any]:
    """Status counts, statuses and utilisation of :func:`status_dashboard`."""
    status = dashboard["status"].astype(str)
    values = dict(zip(dashboard["metric"], dashboard["value"], strict=True))
    return {
        "metrics_critical": int((status == "critical").sum()),
        "metrics_attention": int((status == "attention").sum()),
        "critical_metrics": sorted(dashboard.loc[status == "critical", "metric"]),
        "dashboard_status": dict(sorted(zip(dashboard["metric"], status, strict=True))),
        "utilisation_avg": {r: float(values[r]) for r in RESOURCE_COLUMNS if r in values},
    }


def _summary_debt(debt: pd.DataFrame) -> dict[str, Any]:
    """The debt items to treat now and the best one (:func:`debt_table`)."""
    out: dict[str, Any] = {"debt_items_treat_now": int(debt.attrs.get("n_treat_now", 0))}
    if len(debt):
        out["debt_top_item"] = str(debt.index[0])
        out["debt_top_roi"] = float(debt["roi"].iloc[0])
    return out


def _summary_scenarios(scenarios: pd.DataFrame) -> dict[str, Any]:
    """The measured growth and each scenario's probability (:func:`scenario_table`)."""
    out: dict[str, Any] = {}
    fit = scenarios.attrs.get("calibration")
    if fit is not None:
        out["monthly_growth_rate"] = float(fit.mean_rate)
        out["measured_growth_low"] = float(fit.rate_low)
        out["measured_growth_high"] = float(fit.rate_high)
    out["scenario_probabilities"] = {str(k): float(v)
                                     for k, v in scenarios["probability"].items()}
    return out


def _summary_breaches(breaches: pd.DataFrame) -> dict[str, Any]:
    """The chance of critical by next quarter and by the fourth (:func:`breach_table`)."""
    if not breaches.shape[1]:
        return {}
    crit = breaches.xs("critical", level="level")
    return {"p_critical_next_quarter": {str(k): float(v) for k, v in crit.iloc[:, 0].items()},
            "p_critical_4_quarters": {str(k): float(v) for k, v in crit.iloc[:, -1].items()}}


def _summary_hiring(hiring: pd.DataFrame, target_months: int | None) -> dict[str, Any]:
    """The hires and the funnel effort behind them (:func:`hiring_table`)."""
    out: dict[str, Any] = {"hires_planned": int(hiring.attrs.get("hires", len(hiring)))}
    if "applications_needed" in hiring.attrs:
        out["applications_needed"] = int(hiring.attrs["applications_needed"])
        out["applications_last_quarter"] = int(hiring.attrs["applications_last_quarter"])
        if target_months is not None:
            out["hiring_feasible"] = hiring_feasible(hiring, target_months)
    return out


def _summary_investments(invest: pd.DataFrame) -> dict[str, Any]:
    """The total of :func:`investments`."""
    return ({"investment_total": float(invest.at["total", "cost"])}
            if "total" in invest.index else {})


def _summary_elasticity(elasticity: pd.DataFrame) -> dict[str, Any]:
    """Each resource's load elasticity and its 90 % interval."""
    return {key: {str(r): float(v) for r, v in elasticity[column].items()}
            for key, column in (("elasticity", "elasticity"), ("elasticity_low", "low"),
                                ("elasticity_high", "high"))}


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
        if not is_number(now) or not is_number(before):
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


def is_number(value: Any) -> bool:
    """True for a finite int or float (not a bool, not NaN): a figure that can be compared."""
    return (
        isinstance(value, (int, float, np.integer, np.floating))
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


# --- figures ------------------------------------------------------------------------------


def history_figure(history: pd.DataFrame, quarter: str, *, months: int = 12,
                   currency: str = "EUR"):
    """Users and revenue over the last ``months`` months, the reported quarter shaded.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels side by side: MAU [thousand users] and revenue [thousand
        currency/month], by calendar month; its label describes it, for the alt text.
    """
    from matplotlib.ticker import FuncFormatter

    from scaling_models import charts

    history = periods.monthly_frame(history)
    end = quarter_end_month(quarter)
    window = history.loc[(history.index > end - months) & (history.index <= end)]
    fig, axes = charts.board_figure(2.3, ncols=2)
    x = np.array([(month - end).n for month in window.index])
    panels = ((axes[0], "mau", "Monthly active users", "users [thousands]"),
              (axes[1], "revenue", "Revenue per month", f"revenue [K {currency}/month]"))
    for ax, column, title, unit in panels:
        ax.axvspan(-2.5, 0.5, color="#f2c14e", alpha=0.3, label=quarter)
        ax.plot(x, window[column], marker="o", markersize=3.5, color=charts.COLOURS["band"])
        charts.month_axis(ax, end, 0, first=int(x[0]), n_ticks=5)
        ax.set_xlim(x[0] - 0.5, 0.5)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v / 1e3:g}"))
        ax.set_ylim(0, float(window[column].max()) * 1.1)
        ax.set_ylabel(unit)
        ax.set_title(title, loc="left", fontsize=charts.BOARD_FONT_PT + 1.5)
        ax.legend(loc="upper left", fontsize=charts.BOARD_FONT_PT, frameon=False)
    first, last = window.iloc[0], window.iloc[-1]
    fig.set_label(
        f"Monthly active users and revenue per month from {window.index[0].strftime('%b %Y')}"
        f" to {end.strftime('%b %Y')}, {quarter} shaded: users from {first['mau']:,.0f} to "
        f"{last['mau']:,.0f}, revenue from {money(first['revenue'], currency)} to "
        f"{money(last['revenue'], currency)} a month.")
    return fig
