r"""The scaling signals of the source article, detected on the company's monthly history.

:func:`detect_signals` checks for: response time rising month after month, incidents more
frequent, user growth above 20 %/month, deployment frequency falling, code-review time
rising; each signal comes with its evidence and a severity read from the thresholds table.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import special

from scaling_models._checks import (
    require_between,
    require_growth_rate,
    require_integer,
    require_positive,
)
from scaling_models._history import (
    history_column,
    history_frame,
    monthly_values,
    ols,
    threshold_limits,
    threshold_table,
)

__all__ = ["detect_signals", "incident_rate_test"]


# --------------------------------------------------------------------------------------
# 4. signals of the source article


def _trend(values: np.ndarray, sign: int, alpha: float) -> tuple[int, float, float]:
    """(moves in the bad direction, linear slope per month, one-sided p of that slope)."""
    moves = int(np.sum(sign * np.diff(values) > 0))
    fit = ols(np.arange(values.size, dtype=float), values)
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


def incident_rate_test(
    incidents: np.ndarray, *, quarter_months: int = 3, baseline_months: int = 9
) -> dict:
    r"""One-sided test that the incident rate of the last months exceeds the earlier one.

    Parameters
    ----------
    incidents : ndarray
        Monthly incident counts, oldest first. [incidents/month]
    quarter_months : int, default 3
        Recent months tested. [month]
    baseline_months : int, default 9
        Earlier months that set the usual rate (fewer when the history is shorter, at
        least one). [month]

    Returns
    -------
    dict
        ``recent`` and ``baseline`` (counts), ``baseline_months`` (used),
        ``recent_rate`` and ``baseline_rate`` [incidents/month], ``dispersion``
        (:math:`\hat\phi`), ``p_value`` and ``method``.

    Notes
    -----
    With Poisson counts of rates :math:`\lambda_1` (the :math:`m_1` recent months) and
    :math:`\lambda_0` (the :math:`m_0` before), the recent count :math:`X` given the total
    :math:`T` is binomial :math:`(T, q)`, :math:`q = m_1 / (m_1 + m_0)`, when the rates
    are equal [1]_; the one-sided p-value is the mid-p
    :math:`P(\mathrm{Bin} > X) + P(\mathrm{Bin} = X) / 2` [3]_, whose size is closer to
    nominal than the exact :math:`P(\mathrm{Bin} \ge X)` at counts this small. Incidents cluster
    (one outage brings others), so the counts may be over-dispersed: the dispersion
    :math:`\hat\phi = \sum (y_t - \bar y)^2 / ((m_0 - 1)\bar y)` is measured on the
    baseline months, and when it exceeds 1 the quasi-Poisson score test [2]_ is used
    instead, :math:`z = (X - Tq) / \sqrt{\hat\phi\, T q (1 - q)}`, p from the normal.

    References
    ----------
    .. [1] J. Przyborowski and H. Wilenski, "Homogeneity of results in testing samples
       from Poisson series," Biometrika, vol. 31, no. 3/4, pp. 313-323, 1940.
       doi:10.1093/biomet/31.3-4.313
    .. [2] P. McCullagh and J. A. Nelder, *Generalized Linear Models*, 2nd ed. Chapman
       and Hall, 1989, sec. 6.2.3 (over-dispersion).
    .. [3] H. O. Lancaster, "Significance tests in discrete distributions," JASA,
       vol. 56, no. 294, pp. 223-234, 1961. doi:10.1080/01621459.1961.10482105
    """
    counts = np.round(np.asarray(incidents, dtype=float))  # whole numbers for the test
    m1 = quarter_months
    m0 = min(baseline_months, counts.size - m1)
    if m0 < 1:
        raise ValueError(f"incidents needs at least {m1 + 1} months; got {counts.size}")
    recent_counts, base_counts = counts[-m1:], counts[-(m1 + m0):-m1]
    x, y = int(recent_counts.sum()), int(base_counts.sum())
    total, q = x + y, m1 / (m1 + m0)
    mean = base_counts.mean()
    dispersion = (float(np.sum((base_counts - mean) ** 2)) / ((m0 - 1) * mean)
                  if m0 > 1 and mean > 0 else 1.0)
    if total == 0:
        p, method = 1.0, "no incident"
    elif dispersion > 1.0:
        z = (x - total * q) / math.sqrt(dispersion * total * q * (1 - q))
        p, method = float(special.ndtr(-z)), f"quasi-Poisson, dispersion {dispersion:.2g}"
    else:
        # mid-p: P(X > x) + P(X = x) / 2 for X ~ Binomial(total, q)
        at_x = special.bdtr(x, total, q) - (special.bdtr(x - 1, total, q) if x > 0 else 0.0)
        p = float(special.bdtrc(x, total, q) + 0.5 * at_x)
        method = "Poisson mid-p"
    return {"recent": x, "baseline": y, "baseline_months": m0, "recent_rate": x / m1,
            "baseline_rate": y / m0, "dispersion": dispersion, "p_value": p,
            "method": method}


def detect_signals(
    history: pd.DataFrame,
    thresholds: pd.DataFrame | None = None,
    *,
    trend_months: int = 6,
    min_moves: int = 5,
    alpha: float = 0.05,
    quarter_months: int = 3,
    baseline_months: int = 9,
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
      Eulerian numbers), the second with probability ``alpha``; together 6-7 % on
      simulated noise (tests/test_signals.py).
    * **deployment_frequency_falling** (``deploys_per_week``): the same rule downward.
    * **incidents_more_frequent** (``incidents``): incidents are counts, so the rate of
      the last ``quarter_months`` [3] months is tested against that of up to
      ``baseline_months`` [9] before (:func:`incident_rate_test`: conditional Poisson
      test [2]_, quasi-Poisson when the baseline is over-dispersed); the signal fires
      when one-sided p < ``alpha`` and the recent rate is at least ``incident_ratio``
      [1.25] times the baseline and at least ``min_incident_increase`` [2] incidents
      above it. On simulated noise (constant rate of 2-10 a month) it fires 3-5 % of
      the time for Poisson counts and 7-9 % for over-dispersed ones (variance twice
      the mean); a doubling of the rate over the last quarter is detected 50 % of the
      time at 2 a month, 85 % at 5 and 98 % at 10 (tests/test_signals.py).
    * **user_growth_above_20pct** (``mau``): the latest month-over-month MAU growth
      exceeds ``growth_threshold`` [the ``user_growth`` attention level of the thresholds
      table, else 0.20], the business scaling signal of the article.

    Severity is ``"ok"`` when a signal is not detected; when detected, ``"critical"``
    if the latest value is beyond the metric's critical threshold (thresholds table;
    for incidents: the rate at least doubled), else ``"attention"``.

    Parameters
    ----------
    history : pandas.DataFrame
        Monthly company history (monthly PeriodIndex or ``month`` column) with columns
        ``p95_response_time_s``, ``incidents``, ``mau``, ``deploys_per_week``,
        ``code_review_hours``; at least ``max(trend_months + 1, quarter_months + 2)``
        months.
    thresholds : pandas.DataFrame, optional
        Threshold table (default :func:`scaling_models.thresholds.load_thresholds`).
    trend_months, min_moves, alpha, quarter_months, baseline_months, incident_ratio,
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
       article of the project, French), restated in docs/domain.md sections 3 and 4.
    .. [2] J. Przyborowski and H. Wilenski, "Homogeneity of results in testing samples
       from Poisson series," Biometrika, vol. 31, no. 3/4, pp. 313-323, 1940.
       doi:10.1093/biomet/31.3-4.313
    """
    history = history_frame(history)
    table = threshold_table(thresholds)
    trend_months = require_integer("trend_months", trend_months, minimum=2)
    min_moves = require_integer("min_moves", min_moves, minimum=1)
    if min_moves > trend_months:
        raise ValueError(f"min_moves must be <= trend_months ({trend_months}); got {min_moves}")
    require_between("alpha", alpha, 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    quarter_months = require_integer("quarter_months", quarter_months, minimum=1)
    baseline_months = require_integer("baseline_months", baseline_months, minimum=1)
    require_positive(incident_ratio=incident_ratio)
    min_incident_increase = require_integer("min_incident_increase", min_incident_increase,
                                            minimum=0)
    needed = max(trend_months + 1, quarter_months + 2)
    if len(history) < needed:
        raise ValueError(
            f"history needs at least {needed} months for these rules; got {len(history)}"
        )
    if growth_threshold is None:
        limits = threshold_limits(table, "user_growth")
        growth_threshold = 0.20 if limits is None else limits[1]
    require_growth_rate(growth_threshold=growth_threshold)

    def values_of(column: str, positive: bool = False) -> np.ndarray:
        arr, _ = monthly_values(f"history[{column!r}]", history_column(history, column).to_numpy(),
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
        severity = _severity(recent[-1], threshold_limits(table, metric)) if detected else "ok"
        rule = trend_rule if sign > 0 else trend_rule.replace("rose", "fell")
        rows.append((signal, detected, evidence, metric, severity, rule))

    incidents = values_of("incidents")
    require_between("history['incidents']", incidents, 0.0)
    test = incident_rate_test(incidents, quarter_months=quarter_months,
                              baseline_months=baseline_months)
    expected = test["baseline_rate"] * quarter_months
    detected = (test["p_value"] < alpha
                and test["recent_rate"] >= incident_ratio * test["baseline_rate"]
                and test["recent"] - expected >= min_incident_increase)
    evidence = (
        f"{test['recent']} incidents in the last {quarter_months} months against "
        f"{test['baseline']} in the {test['baseline_months']} before "
        f"({test['recent_rate']:.1f} a month against {test['baseline_rate']:.1f}; "
        f"one-sided p = {test['p_value']:.3f} for equal rates, {test['method']})."
    )
    severity = (("critical" if test["recent_rate"] >= 2 * test["baseline_rate"]
                 else "attention") if detected else "ok")
    rows.append(("incidents_more_frequent", detected, evidence, "incidents", severity,
                 f"rate of the last {quarter_months} months above that of the "
                 f"{test['baseline_months']} before (one-sided p < {alpha:g}), at least "
                 f"{incident_ratio:g} x and {min_incident_increase} more"))

    mau = values_of("mau", positive=True)
    latest = float(mau[-1] / mau[-2] - 1.0)
    quarter = float((mau[-1] / mau[-1 - quarter_months]) ** (1.0 / quarter_months) - 1.0)
    detected = latest > growth_threshold
    evidence = (
        f"MAU grew {latest:.1%} in the latest month ({mau[-2]:,.0f} -> {mau[-1]:,.0f}), "
        f"{quarter:.1%} a month over the last {quarter_months} months; signal above "
        f"{growth_threshold:.0%} a month."
    )
    severity = _severity(latest, threshold_limits(table, "user_growth")) if detected else "ok"
    rows.append(("user_growth_above_20pct", detected, evidence, "user_growth", severity,
                 f"latest month-over-month MAU growth > {growth_threshold:.0%}"))

    out = pd.DataFrame(rows, columns=["signal", "detected", "evidence", "metric", "severity",
                                      "rule"])
    out["detected"] = out["detected"].astype(bool)
    return out
