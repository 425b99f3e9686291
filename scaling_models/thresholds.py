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
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from scaling_models._checks import (
    as_float_array,
    closest_names,
    require_fraction,
    require_growth_rate,
)
from scaling_models.loaders import DATA_DIR, SCHEMAS, DataError, read_table

__all__ = ["STATUSES", "DEFAULT_PATH", "load_thresholds", "classify", "dashboard"]

#: Status labels from best to worst (the order of the dashboard's Categorical).
STATUSES = ("ok", "attention", "critical")

DEFAULT_PATH = DATA_DIR / "thresholds.csv"

_SCHEMA = SCHEMAS["thresholds.csv"]


def _validate(table: pd.DataFrame, source: str) -> pd.DataFrame:
    """Check the direction-dependent rules a column-by-column schema cannot express."""
    for name in ("group", "label", "unit", "direction", "attention", "critical", "action"):
        if name not in table.columns:
            raise DataError(source, "missing column in the threshold table", column=name)
    if table.index.name != "metric":
        raise DataError(source, "the threshold table must be indexed by 'metric' "
                                "(use load_thresholds)")
    if table.index.duplicated().any():
        dupes = sorted(set(table.index[table.index.duplicated()]))
        raise DataError(source, "duplicate metric", column="metric",
                        rows=[f"metric {m}" for m in dupes])
    for metric, row in table.iterrows():
        where = {"rows": [f"metric {metric}"]}
        if row["direction"] not in ("higher_is_worse", "lower_is_worse"):
            raise DataError(source, "unknown direction "
                                    f"{row['direction']!r}; use higher_is_worse or "
                                    "lower_is_worse", column="direction", **where)
        for col in ("attention", "critical"):
            value = row[col]
            if not isinstance(value, (int, float, np.number)) or np.isnan(value):
                raise DataError(source, f"must be a number; got {value!r}", column=col,
                                **where)
            if row["unit"] == "fraction" and not 0 <= value <= 1:
                hint = (" - looks like a percentage; write 0.7 for 70 %" if 1 < value <= 100
                        else "")
                raise DataError(source, f"unit is 'fraction', so the value must be in "
                                        f"[0, 1]; got {value!r}{hint}", column=col, **where)
        att, crit = row["attention"], row["critical"]
        if row["direction"] == "higher_is_worse" and not att < crit:
            raise DataError(source, f"higher_is_worse needs attention < critical; got "
                                    f"attention={att!r}, critical={crit!r}",
                            column="attention", **where)
        if row["direction"] == "lower_is_worse" and not att > crit:
            raise DataError(source, f"lower_is_worse needs attention > critical; got "
                                    f"attention={att!r}, critical={crit!r}",
                            column="attention", **where)
    return table


def load_thresholds(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate a threshold table.

    Parameters
    ----------
    path : str or Path, optional
        CSV with columns metric, group, label, unit, direction, attention, critical,
        action (documented in data/README.md). Default: ``data/thresholds.csv``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``metric``.

    Raises
    ------
    DataError
        (a ValueError) naming the file, the metric, the column and the rule: missing or
        unknown columns, duplicate metrics, unknown direction or group, empty cells,
        attention beyond critical for the metric's direction, fractions written as
        percentages.
    """
    path = DEFAULT_PATH if path is None else Path(path)
    return _validate(read_table(path, _SCHEMA), str(path))


def _table(table: pd.DataFrame | None) -> pd.DataFrame:
    if table is None:
        return load_thresholds()
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a DataFrame from load_thresholds(); got "
                        f"{type(table).__name__}")
    return _validate(table, "threshold table")


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
