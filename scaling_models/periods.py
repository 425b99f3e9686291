r"""Units of time and calendar periods: the package's one definition of each.

The models count time in months. This module holds what converts other units to months
(days and weeks per month), what turns a total growth over a horizon into a monthly rate,
and what reads calendar labels: months (``YYYY-MM``, dates, monthly Periods) and quarters
(``YYYY-Qn``). Every other module calls these instead of keeping its own constant or
parser.

Units: [day/month], [week/month], rates as fractions per month [month⁻¹].

References
----------
.. [1] IAU, "Measuring the Universe: the IAU and astronomical units", the Julian year of
   365.25 days (86 400 s each), https://www.iau.org/public/themes/measuring/.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from scaling_models._checks import as_float_array, require_growth_rate, require_positive

__all__ = [
    "DAYS_PER_MONTH",
    "WEEKS_PER_MONTH",
    "MONTH_PATTERN",
    "QUARTER_PATTERN",
    "monthly_rate",
    "total_growth",
    "to_month",
    "month_index",
    "monthly_frame",
    "parse_quarter",
    "quarter_end_month",
    "quarter_of",
]

#: Days in an average month: the Julian year of 365.25 days over 12 months [1]_
#: (30.4375). [day/month]
DAYS_PER_MONTH: float = 365.25 / 12

#: Weeks in an average month, ``DAYS_PER_MONTH / 7`` (4.348; ``52 / 12 = 4.333`` drops
#: the year's 1.25 days beyond 52 weeks). [week/month]
WEEKS_PER_MONTH: float = DAYS_PER_MONTH / 7

#: A month label as data files write it: ``YYYY-MM`` (use ``fullmatch``: the whole text).
MONTH_PATTERN = re.compile(r"\d{4}-(0[1-9]|1[0-2])")

#: A quarter label: ``YYYY-Qn``, n from 1 to 4 (use ``fullmatch``).
QUARTER_PATTERN = re.compile(r"(\d{4})-Q([1-4])")


# --------------------------------------------------------------------------- rates


def monthly_rate(total_growth: ArrayLike, months: ArrayLike) -> np.ndarray:
    r"""
    Constant monthly rate that compounds to ``total_growth`` over ``months``.

    Parameters
    ----------
    total_growth : array_like
        Growth over the whole horizon, as a fraction: 2.0 for +200 %. Must be > -1. [-]
    months : array_like
        Length of the horizon (a count of months); need not be a whole number.
        Must be > 0. [month]

    Returns
    -------
    rate : ndarray or float
        Broadcast of the inputs. [month⁻¹]

    Notes
    -----
    The compound monthly growth rate (CMGR), the monthly analogue of CAGR [2]_:

    .. math:: r = (1 + g)^{1/m} - 1

    docs/domain.md section 2: +50 %, +200 %, +500 % over 12 months give 3.44 %, 9.59 % and
    16.1 % a month.

    References
    ----------
    .. [2] R. A. Brealey, S. C. Myers and F. Allen, *Principles of Corporate Finance*,
       13th ed., McGraw-Hill, 2020, ch. 2 (compound growth).

    Examples
    --------
    >>> round(float(monthly_rate(2.0, 12)), 5)
    0.09587
    """
    require_growth_rate(total_growth=total_growth)
    require_positive(months=months)
    g = np.asarray(total_growth, dtype=float)
    m = np.asarray(months, dtype=float)
    return np.expm1(np.log1p(g) / m)[()]


def total_growth(monthly_rate: ArrayLike, months: ArrayLike) -> np.ndarray:
    r"""
    Growth over ``months`` at a constant ``monthly_rate``; the inverse of :func:`monthly_rate`.

    Parameters
    ----------
    monthly_rate : array_like
        Monthly growth rate, > -1. [month⁻¹]
    months : array_like
        Horizon (a count of months), >= 0. [month]

    Returns
    -------
    growth : ndarray or float
        :math:`(1 + r)^m - 1`, as a fraction (4.35 for +435 %). [-]

    Examples
    --------
    >>> round(float(total_growth(0.15, 12)), 2)  # docs/domain.md section 2 note: x5.35
    4.35
    """
    require_growth_rate(monthly_rate=monthly_rate)
    m = as_float_array("months", months)
    if np.any(m < 0):
        raise ValueError(f"months must be >= 0; got {months!r}")
    r = np.asarray(monthly_rate, dtype=float)
    return np.expm1(m * np.log1p(r))[()]


# --------------------------------------------------------------------------- months


def to_month(value: Any, name: str = "month") -> pd.Period:
    """One month as a monthly Period, from ``'2024-06'``, a Period or a date.

    Raises
    ------
    ValueError
        Naming ``name`` and the value when it does not read as a month.

    Examples
    --------
    >>> to_month("2024-06")
    Period('2024-06', 'M')
    """
    try:
        return pd.Period(str(value), freq="M")
    except (ValueError, TypeError):
        raise ValueError(f"{name} must be a month written 'YYYY-MM'; got {value!r}") from None


def month_index(index: pd.Index, name: str = "history") -> pd.PeriodIndex:
    """Read an index of months as a monthly PeriodIndex.

    Parameters
    ----------
    index : pandas.Index
        A PeriodIndex (any frequency, converted to months), a DatetimeIndex, or labels
        that read as months (``'2024-06'``).
    name : str
        What the index belongs to, for messages.

    Returns
    -------
    pandas.PeriodIndex
        Frequency ``M``, same length and order (no check of gaps or order here).

    Raises
    ------
    TypeError
        A numeric or boolean index (row numbers, not months).
    ValueError
        A label that does not read as a month, naming it.

    Examples
    --------
    >>> month_index(pd.Index(["2024-01", "2024-02"])).tolist()
    [Period('2024-01', 'M'), Period('2024-02', 'M')]
    """
    if isinstance(index, pd.PeriodIndex):
        return index if index.freqstr == "M" else index.asfreq("M")
    if isinstance(index, pd.DatetimeIndex):
        return index.to_period("M")
    if pd.api.types.is_numeric_dtype(index.dtype) or pd.api.types.is_bool_dtype(index.dtype):
        raise TypeError(
            f"{name} must be indexed by month (DatetimeIndex, PeriodIndex or 'YYYY-MM' "
            f"strings); got an index of dtype {index.dtype} starting {list(index[:3])!r}"
        )
    periods = []
    for label in index:
        try:
            periods.append(pd.Period(str(label), freq="M"))
        except (ValueError, TypeError):
            raise ValueError(
                f"{name} index: cannot read {label!r} as a month; write months as 'YYYY-MM'"
            ) from None
    return pd.PeriodIndex(periods, freq="M", name=index.name)


def monthly_frame(frame: pd.DataFrame, name: str = "history") -> pd.DataFrame:
    """``frame`` indexed by a monthly PeriodIndex; a ``month`` column becomes the index.

    Parameters
    ----------
    frame : pandas.DataFrame
        Monthly rows, e.g. from :func:`scaling_models.loaders.load_history` (already
        indexed) or ``pandas.read_csv`` (a ``month`` column).
    name : str
        What the frame is, for messages.

    Returns
    -------
    pandas.DataFrame
        The same rows, index named ``month`` (frequency ``M``).

    Raises
    ------
    TypeError
        Not a DataFrame, or rows not indexed by month.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"{name} must be a DataFrame from loaders.load_history(); got "
            f"{type(frame).__name__}"
        )
    if "month" in frame.columns:
        frame = frame.set_index("month")
    index = month_index(frame.index, name)
    if index is frame.index:
        return frame
    return frame.set_axis(index.rename("month"), axis=0)


# --------------------------------------------------------------------------- quarters


def parse_quarter(quarter: Any, name: str = "quarter") -> tuple[int, int]:
    """``(year, n)`` of a ``YYYY-Qn`` label.

    Raises
    ------
    ValueError
        Naming ``name`` and the value when ``quarter`` is not written ``YYYY-Qn``.

    Examples
    --------
    >>> parse_quarter("2024-Q2")
    (2024, 2)
    """
    match = QUARTER_PATTERN.fullmatch(quarter) if isinstance(quarter, str) else None
    if match is None:
        raise ValueError(
            f"{name} must look like 2024-Q2 (year, dash, Q1 to Q4); got {quarter!r}"
        )
    return int(match.group(1)), int(match.group(2))


def quarter_end_month(quarter: str, name: str = "quarter") -> pd.Period:
    """Last month of a ``YYYY-Qn`` quarter as a monthly Period.

    Examples
    --------
    >>> quarter_end_month("2024-Q2")
    Period('2024-06', 'M')
    """
    year, n = parse_quarter(quarter, name)
    return pd.Period(year=year, month=3 * n, freq="M")


def quarter_of(month: Any) -> str:
    """The ``YYYY-Qn`` quarter a month (``'2024-05'``, a Period or a date) falls in.

    Examples
    --------
    >>> quarter_of("2024-05")
    '2024-Q2'
    """
    period = pd.Period(str(month), freq="M")
    return f"{period.year}-Q{period.quarter}"
