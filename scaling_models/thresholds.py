"""Threshold tables: turn a metric's value into "ok", "attention" or "critical".

The default table, ``data/thresholds.csv``, holds the two tables of the source article
(technical and organisational metrics) plus the project's rows for the other targets the
article names (DB utilisation, bandwidth, storage, availability, infrastructure cost share,
user growth). Thresholds are data: a user edits the CSV, or passes their own table.

Comparisons are strict, as the article writes them: "> 70 %" means 0.70 itself is still
ok. For a ``higher_is_worse`` metric the status is critical when ``value > critical`` and
attention when ``value > attention``; for ``lower_is_worse`` (deployment frequency,
availability) the inequalities flip. Values carry the table's units: fractions in [0, 1]
(0.7 for 70 %), seconds, days, hours, deploys per week.

References
----------
.. [1] "Scaling et croissance : anticiper les besoins techniques et humains" (source
   article of this project, French), sections "Métriques techniques" and "Métriques
   organisationnelles"; restated in docs/domain.md, section 3.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from scaling_models._checks import (
    as_float_array,
    closest_names,
    require_fraction,
    require_growth_rate,
)
from scaling_models.loaders import (
    DEFAULT_THRESHOLDS_PATH,
    FRACTION_METRICS,
    load_thresholds,
    validate_thresholds,
)

__all__ = [
    "STATUSES",
    "DEFAULT_PATH",
    "FRACTION_METRICS",
    "load_thresholds",
    "classify",
    "dashboard",
]

#: Status labels from best to worst (the order of the dashboard's Categorical).
STATUSES = ("ok", "attention", "critical")

#: The default table (``data/thresholds.csv``, shipped in the package); files are read
#: and validated by :func:`scaling_models.loaders.load_thresholds`, re-exported here.
DEFAULT_PATH = DEFAULT_THRESHOLDS_PATH


def _table(table: pd.DataFrame | None) -> pd.DataFrame:
    if table is None:
        return load_thresholds()
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a DataFrame from load_thresholds(); got "
                        f"{type(table).__name__}")
    return validate_thresholds(table, "threshold table")


def _row(metric: str, table: pd.DataFrame) -> pd.Series:
    if not isinstance(metric, str):
        raise TypeError(f"metric must be a string; got {metric!r}")
    if metric not in table.index:
        close = closest_names(metric, list(table.index))
        hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else "."
        raise ValueError(f"unknown metric {metric!r}{hint} Known metrics: "
                         f"{', '.join(table.index)}")
    return table.loc[metric]


def _check_values(metric: str, value: ArrayLike, unit: str) -> np.ndarray:
    arr = as_float_array(metric, value)
    if unit == "fraction":
        require_fraction(**{metric: arr})
    elif unit.startswith("fraction/"):
        require_growth_rate(**{metric: arr})
    elif np.any(arr < 0):
        bad = arr[arr < 0].flat[0]
        raise ValueError(f"{metric} must be >= 0 [{unit}]; got {bad!r}")
    return arr


def classify(metric: str, value: ArrayLike, table: pd.DataFrame | None = None
             ) -> str | np.ndarray:
    """Status of a metric's value(s): "ok", "attention" or "critical".

    Parameters
    ----------
    metric : str
        A metric key of the table, e.g. ``"cpu"`` or ``"deploys_per_week"``.
    value : array_like
        Value(s) in the table's unit for that metric (fractions in [0, 1]). [unit]
    table : pandas.DataFrame, optional
        A table from :func:`load_thresholds`; default: the repository's table.

    Returns
    -------
    str or ndarray of str
        A str for a scalar, else an array of the same shape.

    Raises
    ------
    ValueError
        Unknown metric (the message lists the closest names), NaN, a percentage given
        for a fraction, a negative value.

    Examples
    --------
    >>> classify("cpu", 0.75)
    'attention'
    >>> classify("deploys_per_week", [3, 0.5, 0.1]).tolist()
    ['ok', 'attention', 'critical']
    """
    row = _row(metric, _table(table))
    x = _check_values(metric, value, row["unit"])
    if row["direction"] == "higher_is_worse":
        crit, att = x > row["critical"], x > row["attention"]
    else:
        crit, att = x < row["critical"], x < row["attention"]
    status = np.select([crit, att], ["critical", "attention"], default="ok")
    return str(status) if status.ndim == 0 else status


def dashboard(snapshot: Mapping[str, float] | pd.Series, table: pd.DataFrame | None = None
              ) -> pd.DataFrame:
    """Status of each metric of a snapshot, as a table for a report.

    Parameters
    ----------
    snapshot : Mapping or pandas.Series
        Metric key -> current value (table units, fractions in [0, 1]).
    table : pandas.DataFrame, optional
        A table from :func:`load_thresholds`; default: the repository's table.

    Returns
    -------
    pandas.DataFrame
        One row per metric in snapshot order, columns metric, group, label, value, unit,
        attention, critical, status (ordered Categorical ok < attention < critical) and
        action (empty string when ok).

    Raises
    ------
    ValueError
        A metric missing from the table (with the closest known names) or a bad value.
    """
    if not isinstance(snapshot, (Mapping, pd.Series)):
        raise TypeError(f"snapshot must be a mapping or Series of metric -> value; got "
                        f"{type(snapshot).__name__}")
    table = _table(table)
    rows = []
    for metric, value in snapshot.items():
        row = _row(metric, table)
        status = classify(metric, value, table)
        rows.append({
            "metric": metric,
            "group": row["group"],
            "label": row["label"],
            "value": float(value),
            "unit": row["unit"],
            "attention": float(row["attention"]),
            "critical": float(row["critical"]),
            "status": status,
            "action": "" if status == "ok" else row["action"],
        })
    columns = ["metric", "group", "label", "value", "unit", "attention", "critical",
               "status", "action"]
    out = pd.DataFrame(rows, columns=columns)
    out["status"] = pd.Categorical(out["status"], categories=list(STATUSES), ordered=True)
    return out
