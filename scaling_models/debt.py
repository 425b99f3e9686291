"""Technical-debt ROI: what a debt item costs, what fixing it saves, and what to fix first.

Implements the article's debt-assessment framework (docs/domain.md section 5) and its "20 % of
development time on debt" rule. Time is in hours, days or months as named; money is in
one currency, whatever the caller uses (EUR in the project's examples); ROI is a fraction
(3.0 means 300 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from scaling_models import distributions, loaders, periods
from scaling_models._checks import (
    as_float_array,
    renamed,
    require_fraction,
    require_integer,
    require_nonnegative,
    require_positive,
)

__all__ = [
    "RECOMMENDATIONS",
    "ROI_BANDS",
    "BACKLOG_COLUMNS",
    "DebtAssessment",
    "sprints_per_month",
    "recommend",
    "assess",
    "assess_backlog",
    "prioritise",
    "simulate_roi",
    "summarise_roi",
]

#: Recommendation labels from best to worst: treat now, plan within 3 months, backlog, skip.
RECOMMENDATIONS = ("now", "plan", "backlog", "skip")

#: Lowest ROI of each band but the last (docs/domain.md section 5: 300 %, 150 %, 50 %); see
#: :func:`recommend` for which side of each line a boundary value falls.
ROI_BANDS = {"now": 3.0, "plan": 1.5, "backlog": 0.5}

#: Columns of ``data/debt_backlog.csv`` that :func:`assess_backlog` needs: the item and
#: its numbers, read from the file's schema (``loaders.SCHEMAS["debt_backlog.csv"]``).
BACKLOG_COLUMNS: tuple[str, ...] = tuple(
    c.name for c in loaders.SCHEMAS["debt_backlog.csv"].columns
    if c.name == "item" or c.kind in ("int", "float")
)


@dataclass(frozen=True, kw_only=True, eq=False)
class DebtAssessment:
    """Cost, savings and ROI of resolving debt items (see :func:`assess`).

    Every field is a float (scalar inputs) or an ndarray of the broadcast shape.

    Attributes
    ----------
    monthly_cost : float or ndarray
        What the debt costs today. [currency/month]
    monthly_savings : float or ndarray
        What resolving it saves. [currency/month]
    resolution_cost : float or ndarray
        Cost of the fix (investigation + implementation + testing). [currency]
    roi : float or ndarray
        Annual savings / resolution cost, a fraction (3.0 = 300 %). [-]
    payback_months : float or ndarray
        Resolution cost / monthly savings; ``inf`` when nothing is saved. [month]
    recommendation : str or ndarray of str
        ``"now"``, ``"plan"``, ``"backlog"`` or ``"skip"`` (see :func:`recommend`).
    """

    monthly_cost: np.ndarray
    monthly_savings: np.ndarray
    resolution_cost: np.ndarray
    roi: np.ndarray
    payback_months: np.ndarray
    recommendation: np.ndarray


def sprints_per_month(sprint_weeks: ArrayLike = 2) -> np.ndarray:
    """
    Sprints in an average month: ``periods.WEEKS_PER_MONTH / sprint_weeks``.

    Parameters
    ----------
    sprint_weeks : array_like
        Sprint length, > 0. [week]

    Returns
    -------
    sprints : ndarray or float
        2.174 for two-week sprints (4.348 weeks a month). [sprint/month]
    """
    require_positive(sprint_weeks=sprint_weeks)
    return (periods.WEEKS_PER_MONTH / np.asarray(sprint_weeks, dtype=float))[()]


def recommend(roi: ArrayLike) -> np.ndarray:
    """
    Recommendation band for a debt item's ROI (docs/domain.md section 5).

    Parameters
    ----------
    roi : array_like
        Annual savings / resolution cost, a fraction (3.0 = 300 %); not NaN. [-]

    Returns
    -------
    recommendation : str or ndarray of str
        ``"now"`` if roi > 3, ``"plan"`` (within 3 months) if roi > 1.5, ``"backlog"``
        if roi >= 0.5, else ``"skip"``.

    Notes
    -----
    The article's bands read "> 300 %: now", "> 150 %: plan", "< 150 %: backlog",
    "< 50 %: do not treat": the last two overlap. The project reads them as the
    half-open bands above, so each ROI has exactly one band, 150 % itself falls in
    backlog and 50 % itself in backlog ("50-150 % backlog" in docs/domain.md). The bands are
    monotone: a higher ROI never gives a lower band.

    References
    ----------
    .. [1] "Scaling et croissance" (French article, the project's seed text), "Framework
       de décision dette technique", Recommendation; restated in docs/domain.md section 5.

    Examples
    --------
    >>> recommend([4.0, 3.0, 1.5, 0.5, 0.49]).tolist()
    ['now', 'plan', 'backlog', 'backlog', 'skip']
    """
    r = as_float_array("roi", roi)
    labels = np.select(
        [r > ROI_BANDS["now"], r > ROI_BANDS["plan"], r >= ROI_BANDS["backlog"]],
        list(RECOMMENDATIONS[:3]), default=RECOMMENDATIONS[3],
    )
    return labels[()]


def assess(
    *,
    hours_lost_per_sprint: ArrayLike,
    incidents_per_month: ArrayLike,
    cost_per_incident: ArrayLike,
    hours_gained_per_sprint: ArrayLike,
    incidents_avoided_per_month: ArrayLike,
    effort_days: ArrayLike | None = None,
    investigation_days: ArrayLike | None = None,
    implementation_days: ArrayLike | None = None,
    testing_days: ArrayLike | None = None,
    hourly_cost: ArrayLike,
    hours_per_day: ArrayLike = 8,
    sprint_weeks: ArrayLike = 2,
) -> DebtAssessment:
    r"""
    Monthly cost, monthly savings, resolution cost, ROI and payback of debt items.

    Scalars give scalars; arrays broadcast together and give arrays.

    Parameters
    ----------
    hours_lost_per_sprint : array_like
        A: developer time the debt costs today, >= 0. [hour/sprint]
    incidents_per_month : array_like
        B: incidents it causes, >= 0. [incident/month]
    cost_per_incident : array_like
        C: cost of one incident, >= 0. [currency/incident]
    hours_gained_per_sprint : array_like
        D: developer time saved once fixed, >= 0. [hour/sprint]
    incidents_avoided_per_month : array_like
        E: incidents avoided once fixed, >= 0. [incident/month]
    effort_days : array_like, optional
        Total effort of the fix, > 0. Give this or the three parts below. [day]
    investigation_days, implementation_days, testing_days : array_like, optional
        X, Y, Z: effort split, each >= 0 with a positive total. [day]
    hourly_cost : array_like
        Loaded cost of one developer hour, > 0. [currency/hour]
    hours_per_day : array_like, default 8
        Working hours in a day, > 0. [hour/day]
    sprint_weeks : array_like, default 2
        Sprint length, > 0; a month has ``periods.WEEKS_PER_MONTH / sprint_weeks`` sprints.
        [week]

    Returns
    -------
    DebtAssessment

    Raises
    ------
    ValueError
        Both or neither of ``effort_days`` and the X/Y/Z split, only part of the split,
        a negative or NaN input, a zero effort, a non-positive rate, or more incidents
        avoided than there are (E > B).

    Notes
    -----
    With :math:`s` sprints per month and hourly cost :math:`h`:

    .. math::

        \text{monthly cost} &= A h s + B C \\
        \text{monthly savings} &= D h s + E C \\
        \text{resolution cost} &= (X + Y + Z)\, \text{hours per day}\, h \\
        \text{ROI} &= 12 \cdot \text{monthly savings} / \text{resolution cost} \\
        \text{payback} &= \text{resolution cost} / \text{monthly savings}

    The article writes "A x hourly cost" per sprint and adds B x C per month; converting
    sprints to months with :math:`s` is the project's reading (docs/domain.md section 5).

    References
    ----------
    .. [1] "Scaling et croissance" (French article, the project's seed text), "Framework
       de décision dette technique"; restated in docs/domain.md section 5.

    Examples
    --------
    >>> a = assess(hours_lost_per_sprint=10, incidents_per_month=2, cost_per_incident=500,
    ...            hours_gained_per_sprint=8, incidents_avoided_per_month=1.5,
    ...            effort_days=10, hourly_cost=60)
    >>> round(float(a.roi), 4), str(a.recommendation)
    (4.4839, 'now')
    """
    split = {
        "investigation_days": investigation_days,
        "implementation_days": implementation_days,
        "testing_days": testing_days,
    }
    given = [name for name, value in split.items() if value is not None]
    if effort_days is not None and given:
        raise ValueError(
            "give either effort_days or investigation_days/implementation_days/testing_days, "
            f"not both; got effort_days={effort_days!r} and {', '.join(given)}"
        )
    if effort_days is None:
        if not given:
            raise ValueError(
                "give the fix's effort: effort_days, or all of investigation_days, "
                "implementation_days and testing_days"
            )
        if len(given) < 3:
            missing = [name for name in split if name not in given]
            raise ValueError(
                f"the effort split needs all three of {list(split)}; missing {missing} "
                "(use 0 for a phase with no work)"
            )
        require_nonnegative(**split)
        days = sum(np.asarray(v, dtype=float) for v in split.values())
        if not np.all(days > 0):
            raise ValueError(
                "investigation_days + implementation_days + testing_days must be > 0 "
                f"(a free fix has no ROI); got total {days!r}"
            )
    else:
        require_positive(effort_days=effort_days)
        days = np.asarray(effort_days, dtype=float)

    require_nonnegative(
        hours_lost_per_sprint=hours_lost_per_sprint,
        incidents_per_month=incidents_per_month,
        cost_per_incident=cost_per_incident,
        hours_gained_per_sprint=hours_gained_per_sprint,
        incidents_avoided_per_month=incidents_avoided_per_month,
    )
    require_positive(hourly_cost=hourly_cost, hours_per_day=hours_per_day)
    # Infinite inputs would turn the ROI into inf/inf = NaN: reject them here.
    for name, value in {
        "hours_lost_per_sprint": hours_lost_per_sprint,
        "incidents_per_month": incidents_per_month,
        "cost_per_incident": cost_per_incident,
        "hours_gained_per_sprint": hours_gained_per_sprint,
        "incidents_avoided_per_month": incidents_avoided_per_month,
        "effort_days": days,
        "hourly_cost": hourly_cost,
        "hours_per_day": hours_per_day,
        "sprint_weeks": sprint_weeks,
    }.items():
        if not np.all(np.isfinite(np.asarray(value, dtype=float))):
            raise ValueError(f"{name} must be finite; got {value!r}")

    s = np.asarray(sprints_per_month(sprint_weeks), dtype=float)
    h = np.asarray(hourly_cost, dtype=float)
    c = np.asarray(cost_per_incident, dtype=float)
    a, b = np.asarray(hours_lost_per_sprint, float), np.asarray(incidents_per_month, float)
    d = np.asarray(hours_gained_per_sprint, float)
    e = np.asarray(incidents_avoided_per_month, float)

    # a fix cannot avoid incidents that do not happen (the backlog file's rule too)
    more = e > b
    if np.any(more):
        i = tuple(np.argwhere(more)[0])
        avoided = float(np.broadcast_to(e, more.shape)[i])
        existing = float(np.broadcast_to(b, more.shape)[i])
        raise ValueError(
            f"incidents_avoided_per_month must be <= incidents_per_month (a fix cannot "
            f"avoid incidents that do not happen); got {avoided:g} > {existing:g}"
            + (f" at index {tuple(map(int, i))}" if more.ndim else "")
        )
    monthly_cost = a * h * s + b * c
    monthly_savings = d * h * s + e * c
    resolution_cost = days * np.asarray(hours_per_day, dtype=float) * h
    # Broadcast every output to one shape so that fields line up element by element.
    shape = np.broadcast_shapes(monthly_cost.shape, monthly_savings.shape, resolution_cost.shape)
    monthly_cost = np.broadcast_to(monthly_cost, shape).copy()
    monthly_savings = np.broadcast_to(monthly_savings, shape).copy()
    resolution_cost = np.broadcast_to(resolution_cost, shape).copy()

    roi = 12.0 * monthly_savings / resolution_cost
    # Savings so small that the payback overflows never pay back: inf is the right answer.
    with np.errstate(over="ignore"):
        payback = np.divide(
            resolution_cost,
            monthly_savings,
            out=np.full(shape, np.inf),
            where=monthly_savings > 0,
        )
    return DebtAssessment(
        monthly_cost=monthly_cost[()],
        monthly_savings=monthly_savings[()],
        resolution_cost=resolution_cost[()],
        roi=roi[()],
        payback_months=payback[()],
        recommendation=recommend(roi),
    )


def _items(frame: pd.DataFrame) -> pd.Series | None:
    """Item names: the ``item`` column, else an index named ``item`` (as
    ``loaders.load_backlog`` returns it), else None."""
    if "item" in frame.columns:
        return frame["item"]
    if frame.index.name == "item":
        return frame.index.to_series(index=frame.index)
    return None


def _validated_backlog(backlog: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(backlog, pd.DataFrame):
        raise TypeError(f"backlog must be a pandas DataFrame; got {type(backlog).__name__}")
    items = _items(backlog)
    missing = [c for c in BACKLOG_COLUMNS
               if c not in backlog.columns and not (c == "item" and items is not None)]
    if missing:
        raise ValueError(
            f"backlog is missing column(s) {missing}; expected the columns of "
            f"data/debt_backlog.csv: {list(BACKLOG_COLUMNS)} ('item' may be the index)"
        )
    if items.isna().any():
        rows = [str(i) for i in backlog.index[items.isna().to_numpy()]]
        raise ValueError(f"backlog column 'item' is empty in row(s) with index {rows}")
    numbers = {}
    for column in BACKLOG_COLUMNS[1:]:
        raw = backlog[column]
        values = pd.to_numeric(raw, errors="coerce").astype(float)
        not_number = values.isna() & raw.notna()
        if not_number.any():
            i = int(np.argmax(not_number.to_numpy()))
            raise ValueError(
                f"backlog column {column!r}, item {items.iloc[i]!r}: must be a number; "
                f"got {raw.iloc[i]!r}"
            )
        for test, rule in ((values.isna(), "must not be empty (NaN)"),
                           (~np.isfinite(values.fillna(0)), "must be finite"),
                           (values < 0, "must be >= 0")):
            if test.any():
                i = int(np.argmax(test.to_numpy()))
                raise ValueError(
                    f"backlog column {column!r}, item {items.iloc[i]!r}: {rule}; "
                    f"got {raw.iloc[i]!r}"
                )
        numbers[column] = values
    effort = (
        numbers["investigation_days"] + numbers["implementation_days"] + numbers["testing_days"]
    )
    if (effort <= 0).any():
        i = int(np.argmax((effort <= 0).to_numpy()))
        raise ValueError(
            f"backlog columns investigation_days + implementation_days + testing_days, item "
            f"{items.iloc[i]!r}: the total effort must be > 0 (a free fix has no ROI); got 0"
        )
    return pd.DataFrame(numbers, index=backlog.index)


def assess_backlog(
    backlog: pd.DataFrame,
    *,
    hourly_cost: float,
    hours_per_day: float = 8,
    sprint_weeks: float = 2,
) -> pd.DataFrame:
    """
    Assess every item of a technical-debt backlog and rank them by ROI.

    Parameters
    ----------
    backlog : pandas.DataFrame
        The columns of ``data/debt_backlog.csv`` (:data:`BACKLOG_COLUMNS`; others such as
        ``category`` and ``priority`` are kept). ``item`` may be a column or the index
        (named ``item``, as :func:`scaling_models.loaders.load_backlog` returns it).
        Numbers >= 0, no NaN.
    hourly_cost : float
        Loaded cost of one developer hour, > 0. [currency/hour]
    hours_per_day : float, default 8
        Working hours in a day. [hour/day]
    sprint_weeks : float, default 2
        Sprint length. [week]

    Returns
    -------
    pandas.DataFrame
        A copy with ``effort_days`` [day], ``monthly_cost`` [currency/month],
        ``monthly_savings`` [currency/month], ``resolution_cost`` [currency], ``roi`` [-],
        ``payback_months`` [month] and ``recommendation`` (ordered Categorical,
        skip < backlog < plan < now), sorted by ROI descending (ties keep the input
        order; the original index is kept, so an ``item`` index stays the index).

    Raises
    ------
    ValueError
        Missing columns, or a NaN, non-numeric or negative value, or a zero total effort;
        the message names the column and the item.
    """
    numbers = _validated_backlog(backlog)
    effort = (
        numbers["investigation_days"] + numbers["implementation_days"] + numbers["testing_days"]
    )
    result = assess(
        hours_lost_per_sprint=numbers["hours_lost_per_sprint"].to_numpy(),
        incidents_per_month=numbers["incidents_per_month"].to_numpy(),
        cost_per_incident=numbers["cost_per_incident"].to_numpy(),
        hours_gained_per_sprint=numbers["hours_gained_per_sprint"].to_numpy(),
        incidents_avoided_per_month=numbers["incidents_avoided_per_month"].to_numpy(),
        effort_days=effort.to_numpy(),
        hourly_cost=hourly_cost,
        hours_per_day=hours_per_day,
        sprint_weeks=sprint_weeks,
    )
    out = backlog.copy()
    out["effort_days"] = effort
    out["monthly_cost"] = np.atleast_1d(result.monthly_cost)
    out["monthly_savings"] = np.atleast_1d(result.monthly_savings)
    out["resolution_cost"] = np.atleast_1d(result.resolution_cost)
    out["roi"] = np.atleast_1d(result.roi)
    out["payback_months"] = np.atleast_1d(result.payback_months)
    out["recommendation"] = pd.Categorical(
        np.atleast_1d(result.recommendation),
        categories=list(reversed(RECOMMENDATIONS)),
        ordered=True,
    )
    return out.sort_values("roi", ascending=False, kind="stable")


def prioritise(
    assessed: pd.DataFrame,
    *,
    developers: float,
    months: float = 3,
    debt_share: float = 0.20,
    working_days_per_month: float = 20,
) -> pd.DataFrame:
    """
    Pick the debt items that fit in the time the 20 % rule sets aside.

    Parameters
    ----------
    assessed : pandas.DataFrame
        Output of :func:`assess_backlog` (needs ``item`` as a column or the index,
        ``effort_days``, ``roi`` and ``recommendation``).
    developers : float
        Developers (full-time equivalents) in the team, > 0. [people]
    months : float, default 3
        Planning horizon, > 0; 3 matches "plan within 3 months". [month]
    debt_share : float, default 0.20
        Share of development time spent on debt, in [0, 1]; 0.20 is the article's rule.
    working_days_per_month : float, default 20
        Working days per developer and month, > 0. [day/month]

    Returns
    -------
    pandas.DataFrame
        A copy sorted by ROI descending with ``selected`` (bool) and
        ``cumulative_effort_days`` (effort of the items selected so far in that order,
        including the row if selected) [day]. ``df.attrs`` holds ``capacity_days`` (the
        budget: ``debt_share * developers * working_days_per_month * months``) and
        ``selected_effort_days`` (the part of it used). [day]

    Notes
    -----
    Greedy: walk the items by ROI, best first, and take each one that is not "skip" and
    still fits in the remaining budget (an item too big is passed over, a smaller one
    after it may still fit). This is what a team does sprint by sprint: take the most
    profitable item that fits. It can leave budget unused; an exact 0/1 knapsack on
    annual savings would squeeze more out of a fixed budget, but its selection can jump
    around when one estimate changes, which makes it harder to plan with.

    References
    ----------
    .. [1] "Scaling et croissance" (the project's seed text): "20 % du temps de
       développement dédié à la réduction de dette technique"; docs/domain.md section 5.
    """
    if not isinstance(assessed, pd.DataFrame):
        raise TypeError(f"assessed must be a pandas DataFrame; got {type(assessed).__name__}")
    needed = ("item", "effort_days", "roi", "recommendation")
    has_items = _items(assessed) is not None
    missing = [c for c in needed
               if c not in assessed.columns and not (c == "item" and has_items)]
    if missing:
        raise ValueError(
            f"assessed is missing column(s) {missing}; pass the output of assess_backlog()"
        )
    require_positive(
        developers=developers, months=months, working_days_per_month=working_days_per_month
    )
    require_fraction(debt_share=debt_share)
    for name in ("effort_days", "roi"):
        values = as_float_array(f"assessed[{name!r}]", assessed[name].to_numpy())
        if np.any(values < 0):
            raise ValueError(f"assessed[{name!r}] must be >= 0; got {values.min()!r}")

    capacity = float(debt_share * developers * working_days_per_month * months)
    out = assessed.sort_values("roi", ascending=False, kind="stable").copy()
    effort = out["effort_days"].to_numpy(dtype=float)
    eligible = (out["recommendation"].astype(str) != "skip").to_numpy()
    selected = np.zeros(len(out), dtype=bool)
    cumulative = np.zeros(len(out))
    used = 0.0
    # A loop, not a cumsum: whether an item fits depends on the items taken before it.
    for i in range(len(out)):
        if eligible[i] and used + effort[i] <= capacity * (1 + 1e-12):
            selected[i] = True
            used += float(effort[i])
        cumulative[i] = used
    out["selected"] = selected
    out["cumulative_effort_days"] = cumulative
    out.attrs["capacity_days"] = capacity
    out.attrs["selected_effort_days"] = used
    return out


def simulate_roi(
    backlog: pd.DataFrame,
    *,
    hourly_cost: float,
    effort_factor: Any = (0.8, 2.0),
    savings_factor: Any = (0.5, 1.2),
    n_paths: int = 5_000,
    rng: np.random.Generator | int | None = None,
    hours_per_day: float = 8,
    sprint_weeks: float = 2,
    n_draws: int | None = None,
) -> pd.DataFrame:
    """
    ROI of every backlog item when the estimates themselves are uncertain.

    Each draw multiplies every item's effort by one ``effort_factor`` and its savings
    (hours gained and incidents avoided) by one ``savings_factor``, then applies
    :func:`assess`. The factors are shared by all items of a draw: estimation errors are
    mostly systematic (the same team, the same optimism), so a draw is one possible
    "how wrong were we this quarter".

    Parameters
    ----------
    backlog : pandas.DataFrame
        As for :func:`assess_backlog` (``item`` as a column or the index).
    hourly_cost : float
        Loaded cost of one developer hour, > 0. [currency/hour]
    effort_factor, savings_factor : uncertain input
        Actual / estimated ratio, anything :func:`scaling_models.distributions.as_distribution`
        accepts: a pair ``(low, high)`` is a 90 % interval (lognormal). The defaults,
        0.8-2.0 for effort and 0.5-1.2 for savings, encode the usual finding that fixes take
        longer than estimated and save less than hoped. [-]
    n_paths : int, default 5000
        Number of draws (Monte Carlo paths), >= 1.
    rng : Generator, int or None
        Source of randomness (a seed for reproducible results).
    hours_per_day, sprint_weeks : float
        As for :func:`assess`.
    n_draws : int, optional
        Deprecated name of ``n_paths`` (DeprecationWarning; removed in the next release).

    Returns
    -------
    pandas.DataFrame
        ROI [-] (3.0 = 300 %), one row per draw (index ``draw``), one column per item in the
        backlog's order (columns named ``item``).

    Raises
    ------
    ValueError
        A bad backlog (as :func:`assess_backlog`), ``n_paths`` < 1, or an invalid
        uncertain input.
    """
    numbers = _validated_backlog(backlog)
    items = _items(backlog)
    n_paths = renamed("simulate_roi", "n_draws", n_draws, "n_paths", n_paths, 5_000)
    n_paths = require_integer("n_paths", n_paths, minimum=1)
    draws = distributions.sample_inputs(
        {"effort_factor": effort_factor, "savings_factor": savings_factor}, n_paths, rng=rng
    )
    effort = draws["effort_factor"][:, None]
    savings = draws["savings_factor"][:, None]
    total_days = (
        numbers["investigation_days"] + numbers["implementation_days"] + numbers["testing_days"]
    ).to_numpy()
    point = assess(
        hours_lost_per_sprint=numbers["hours_lost_per_sprint"].to_numpy(),
        incidents_per_month=numbers["incidents_per_month"].to_numpy(),
        cost_per_incident=numbers["cost_per_incident"].to_numpy(),
        hours_gained_per_sprint=numbers["hours_gained_per_sprint"].to_numpy(),
        incidents_avoided_per_month=numbers["incidents_avoided_per_month"].to_numpy(),
        effort_days=total_days,
        hourly_cost=hourly_cost,
        hours_per_day=hours_per_day,
        sprint_weeks=sprint_weeks,
    )
    # ROI is linear in the savings and inversely proportional to the effort: scaling the
    # point ROI is assess() on the scaled inputs, without asking assess() to accept more
    # incidents avoided than exist (the savings factor is an estimation error of the
    # savings as a whole)
    roi = point.roi[None, :] * savings / effort
    return pd.DataFrame(
        roi,
        index=pd.RangeIndex(n_paths, name="draw"),
        columns=pd.Index(items.to_numpy(), name="item"),
    )


def summarise_roi(roi_draws: pd.DataFrame, *, interval: float = 0.8) -> pd.DataFrame:
    """
    Interval, median and band probabilities of simulated ROIs (:func:`simulate_roi`).

    Parameters
    ----------
    roi_draws : pandas.DataFrame
        Draws x items, as returned by :func:`simulate_roi`.
    interval : float, default 0.8
        Central probability of the interval, in (0, 1); 0.8 gives P10 and P90.

    Returns
    -------
    pandas.DataFrame
        One row per item: ``low`` and ``high`` (the interval's ends), ``median``, and
        ``p_now``, ``p_plan``, ``p_backlog``, ``p_skip``: the probability of each
        recommendation band of :func:`recommend` (they sum to 1).
    """
    if not isinstance(roi_draws, pd.DataFrame) or roi_draws.empty:
        raise ValueError("roi_draws must be a non-empty DataFrame from simulate_roi()")
    if not 0 < interval < 1:
        raise ValueError(f"interval must be in (0, 1); got {interval!r}")
    tail = (1 - interval) / 2
    out = pd.DataFrame({
        "low": roi_draws.quantile(tail),
        "median": roi_draws.median(),
        "high": roi_draws.quantile(1 - tail),
    })
    bands = recommend(roi_draws.to_numpy())
    for band in RECOMMENDATIONS:
        out[f"p_{band}"] = (bands == band).mean(axis=0)
    return out
