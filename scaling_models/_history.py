"""Shared helpers for reading a monthly history: checked series, trend lines, threshold rows.

Private to the package: :mod:`scaling_models.calibration`, :mod:`scaling_models.trends` and
:mod:`scaling_models.signals` read the same monthly frames and thresholds table.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special

from scaling_models import loaders, periods
from scaling_models._checks import as_float_array, require_finite, require_positive


def monthly_index(name: str, index: pd.Index) -> pd.PeriodIndex | None:
    """The index as monthly Periods when it is made of dates, after checking it is gap-free."""
    if not isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)):
        return None
    if isinstance(index, pd.PeriodIndex) and not index.freqstr.startswith("M"):
        raise ValueError(f"{name} must have a monthly index; got frequency {index.freqstr!r}")
    index = periods.month_index(index, name)
    months = np.asarray(index.year * 12 + index.month)
    steps = np.diff(months)
    if np.any(steps != 1):
        at = int(np.flatnonzero(steps != 1)[0])
        raise ValueError(
            f"{name} must have one row per consecutive month; got {index[at]} "
            f"followed by {index[at + 1]}"
        )
    return index


def monthly_values(
    name: str, values: ArrayLike, *, min_length: int, positive: bool
) -> tuple[np.ndarray, pd.PeriodIndex | None]:
    """1-D float array of a monthly series and its Period index (None without dates)."""
    if isinstance(values, pd.DataFrame):
        raise TypeError(f"{name} must be one series (a pandas Series or 1-D array); "
                        f"got a DataFrame with columns {list(values.columns)}")
    periods = None
    if isinstance(values, pd.Series):
        periods = monthly_index(name, values.index)
        values = values.to_numpy(dtype=float, na_value=np.nan)
    arr = as_float_array(name, values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {arr.shape}")
    if arr.size < min_length:
        raise ValueError(
            f"{name} needs at least {min_length} monthly values; got {arr.size}"
        )
    require_finite(**{name: arr})
    if positive:
        # logs are taken: a zero or negative month has no growth ratio
        require_positive(**{name: arr})
    return arr, periods


def ols(t: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Least-squares line y = intercept + slope * t with the usual standard errors."""
    n = t.size
    t_bar, y_bar = t.mean(), y.mean()
    sxx = float(np.sum((t - t_bar) ** 2))
    slope = float(np.sum((t - t_bar) * (y - y_bar)) / sxx)
    intercept = float(y_bar - slope * t_bar)
    resid = y - (intercept + slope * t)
    sse = float(np.sum(resid**2))
    sst = float(np.sum((y - y_bar) ** 2))
    # an exact line leaves rounding noise only; treat it as zero so it reads as exact
    if sse <= 1e-24 * max(sst, 1e-300) or sst == 0.0:
        sse = 0.0
    s = math.sqrt(sse / (n - 2)) if n > 2 else math.nan
    return {
        "n": n, "t_bar": float(t_bar), "y_bar": float(y_bar), "sxx": sxx, "slope": slope,
        "intercept": intercept, "s": s, "slope_se": s / math.sqrt(sxx),
        "r_squared": 1.0 - sse / sst if sst > 0 else math.nan,
    }


def t_quantile(df: int, p: float) -> float:
    """Quantile of Student's t (scipy.special, to keep scipy.stats' import cost out)."""
    return float(special.stdtrit(df, p))


def history_frame(history: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(history, pd.DataFrame):
        raise TypeError(f"history must be a DataFrame; got {type(history).__name__}")
    if "month" in history.columns and monthly_index("history", history.index) is None:
        history = history.set_index(periods.month_index(pd.Index(history["month"]), "history"))
    monthly_index("history", history.index)
    return history


def history_column(history: pd.DataFrame, column: str) -> pd.Series:
    if column not in history.columns:
        raise ValueError(
            f"history lacks column {column!r}; got columns {list(history.columns)}"
        )
    return history[column].astype(float)


def threshold_table(thresholds: pd.DataFrame | None) -> pd.DataFrame:
    if thresholds is None:
        thresholds = loaders.load_thresholds()  # the default table
    if not isinstance(thresholds, pd.DataFrame):
        raise TypeError(f"thresholds must be a DataFrame; got {type(thresholds).__name__}")
    if "metric" in thresholds.columns:
        thresholds = thresholds.set_index("metric")
    missing = [c for c in ("direction", "attention", "critical") if c not in thresholds]
    if missing:
        raise ValueError(
            f"thresholds lacks column(s) {missing}; got columns {list(thresholds.columns)}"
        )
    return thresholds


def threshold_limits(thresholds: pd.DataFrame, metric: str) -> tuple[str, float, float] | None:
    """(direction, attention, critical) of ``metric``; None when the table has no row."""
    if metric not in thresholds.index:
        return None
    row = thresholds.loc[metric]
    direction = str(row["direction"]).strip().lower().replace(" ", "_").replace("-", "_")
    aliases = {"higher": "higher_is_worse", "above": "higher_is_worse",
               "lower": "lower_is_worse", "below": "lower_is_worse"}
    direction = aliases.get(direction, direction)
    return direction, float(row["attention"]), float(row["critical"])
