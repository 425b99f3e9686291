r"""Hiring: the recruitment funnel and the interview grid of the source article.

The funnel (docs/domain.md section 6) narrows about 100 applications to 1 hire through
qualification, motivation, competence, a technical test and a final round;
:func:`funnel_conversion` measures each stage's conversion on the company's own counts
(``data/hiring_funnel.csv``), :func:`applications_needed` and :func:`candidates_needed`
turn a number of hires into the candidates to attract at each stage. The interview grid
scores a candidate out of 100 (architecture, code quality, stack, soft skills, culture fit)
and :func:`interview_decision` reads the score as the article does.

How many people to hire, and when, is :mod:`scaling_models.team` (``hiring_plan``), which
re-exports this module's names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from scaling_models import loaders
from scaling_models._checks import (
    as_float_array,
    require_between,
    require_finite,
    require_nonnegative,
    require_positive,
    scalar_or_array,
)

__all__ = [
    "FUNNEL_STAGES",
    "DEFAULT_FUNNEL",
    "INTERVIEW_MAXIMA",
    "STRONG_HIRE_SCORE",
    "WEAK_HIRE_SCORE",
    "funnel_conversion",
    "applications_per_hire",
    "applications_needed",
    "candidates_needed",
    "interview_score",
    "interview_decision",
]

#: Stages of the recruitment funnel, widest first (docs/domain.md section 6): the columns
#: of ``data/hiring_funnel.csv``, defined once in :mod:`scaling_models.loaders`.
FUNNEL_STAGES: tuple[str, ...] = loaders.FUNNEL_STAGES

#: The article's funnel: 100 applications for 1 hire. [candidates] (read-only mapping)
DEFAULT_FUNNEL: Mapping[str, float] = MappingProxyType(
    dict(zip(FUNNEL_STAGES, (100, 30, 15, 8, 4, 2, 1), strict=True))
)

#: Maximum points of each section of the article's interview grid (total 100).
INTERVIEW_MAXIMA: Mapping[str, float] = MappingProxyType(
    {"architecture": 20, "code_quality": 20, "stack": 20, "soft_skills": 30, "culture_fit": 10}
)

#: Lowest score of a "strong hire" and of a "weak hire" (docs/domain.md section 6). [points]
STRONG_HIRE_SCORE: float = 80.0
WEAK_HIRE_SCORE: float = 60.0

# Tolerance when rounding candidates up: 2.0000000001 applications per hire x 1 hire is 2.
_EPS = 1e-9


# ---------------------------------------------------------------------------------------
# Recruitment funnel


def _funnel_counts(counts) -> tuple[pd.DataFrame, bool]:
    """Validated stage counts as a DataFrame (one row per quarter) and whether one row."""
    if isinstance(counts, pd.DataFrame):
        frame = counts
        if "quarter" in frame.columns:
            frame = frame.set_index("quarter")
        single = False
    elif isinstance(counts, (Mapping, pd.Series)):
        frame = pd.DataFrame([dict(counts)])
        single = True
    elif isinstance(counts, Sequence | np.ndarray) and not isinstance(counts, str):
        values = list(np.asarray(counts, dtype=object).ravel())
        if len(values) != len(FUNNEL_STAGES):
            raise ValueError(
                f"counts must hold {len(FUNNEL_STAGES)} values, one per stage "
                f"{FUNNEL_STAGES}; got {len(values)}"
            )
        frame = pd.DataFrame([dict(zip(FUNNEL_STAGES, values, strict=True))])
        single = True
    else:
        raise TypeError(
            "counts must be a mapping or Series keyed by stage, a sequence of "
            f"{len(FUNNEL_STAGES)} numbers or a DataFrame with the stage columns; "
            f"got {type(counts).__name__}"
        )
    missing = [s for s in FUNNEL_STAGES if s not in frame.columns]
    if missing:
        raise ValueError(f"counts is missing funnel stages {missing}; expected {FUNNEL_STAGES}")
    if len(frame) == 0:
        raise ValueError("counts must hold at least one row of funnel counts; got none")
    values = {}
    for stage in FUNNEL_STAGES:
        arr = as_float_array(f"counts[{stage!r}]", frame[stage].to_numpy())
        require_nonnegative(**{f"counts[{stage!r}]": arr})
        require_finite(**{f"counts[{stage!r}]": arr})
        values[stage] = arr
    require_positive(**{"counts['applications']": values["applications"]})
    for upper, lower in zip(FUNNEL_STAGES[:-1], FUNNEL_STAGES[1:], strict=True):
        grew = values[lower] > values[upper]
        if grew.any():
            row = int(np.argmax(grew))
            label = "" if single else f" in row {frame.index[row]!r}"
            raise ValueError(
                f"funnel counts must not increase down the funnel{label}: "
                f"{lower}={values[lower][row]:g} > {upper}={values[upper][row]:g}"
            )
    return pd.DataFrame(values, index=frame.index), single


def funnel_conversion(counts=DEFAULT_FUNNEL) -> pd.Series | pd.DataFrame:
    """
    Conversion rate into each funnel stage from the previous one, and overall.

    Parameters
    ----------
    counts : mapping, Series, sequence or DataFrame, default :data:`DEFAULT_FUNNEL`
        Candidates at each stage of :data:`FUNNEL_STAGES`: a mapping or Series keyed by
        stage, a sequence in stage order, or a DataFrame with one column per stage and
        one row per period (as ``data/hiring_funnel.csv``; a ``quarter`` column becomes
        the index). Counts must be >= 0, applications > 0, and never increase down the
        funnel. [candidates]

    Returns
    -------
    pandas.Series or pandas.DataFrame
        For one funnel a Series indexed by the stages after ``applications`` (rate from
        the previous stage) plus ``overall`` (hired / applications); for a DataFrame
        one row per period with those columns. A stage following an empty stage has an
        undefined rate (NaN). [fraction]

    Raises
    ------
    ValueError
        For a missing stage, a negative count, no applications, or a count larger than
        the previous stage's.

    Examples
    --------
    >>> funnel_conversion().round(3).tolist()
    [0.3, 0.5, 0.533, 0.5, 0.5, 0.5, 0.01]
    """
    frame, single = _funnel_counts(counts)
    prev = frame[list(FUNNEL_STAGES[:-1])].to_numpy()
    nxt = frame[list(FUNNEL_STAGES[1:])].to_numpy()
    rates = np.divide(nxt, prev, out=np.full(nxt.shape, np.nan), where=prev > 0)
    out = pd.DataFrame(rates, index=frame.index, columns=list(FUNNEL_STAGES[1:]))
    out["overall"] = frame["hired"] / frame["applications"]
    if single:
        return out.iloc[0].rename("conversion_rate")
    return out


def applications_per_hire(counts=DEFAULT_FUNNEL) -> float | pd.Series:
    """
    Applications needed for one hire: applications / hired.

    Parameters
    ----------
    counts : mapping, Series, sequence or DataFrame, default :data:`DEFAULT_FUNNEL`
        See :func:`funnel_conversion`.

    Returns
    -------
    float or pandas.Series
        100 for the article's funnel; one value per period for a DataFrame; ``inf``
        for a period with no hire. [applications/hire]

    Raises
    ------
    ValueError
        For invalid counts (see :func:`funnel_conversion`).

    Examples
    --------
    >>> applications_per_hire()
    100.0
    """
    frame, single = _funnel_counts(counts)
    hired = frame["hired"].to_numpy()
    ratio = np.divide(
        frame["applications"].to_numpy(), hired, out=np.full(hired.shape, np.inf), where=hired > 0
    )
    if single:
        return float(ratio[0])
    return pd.Series(ratio, index=frame.index, name="applications_per_hire")


def _pooled_ratio(counts) -> pd.Series:
    """Candidates per hire at each stage, pooling every period given."""
    frame, _ = _funnel_counts(counts)
    totals = frame.sum(axis=0)
    if totals["hired"] <= 0:
        raise ValueError(
            "counts record no hire (hired = 0), so the candidates needed per hire are "
            "unknown; give a funnel with at least one hire"
        )
    return totals / totals["hired"]


def applications_needed(hires: ArrayLike, counts=DEFAULT_FUNNEL) -> np.ndarray | int:
    """
    Applications to attract for a number of hires at the funnel's conversion rate.

    Parameters
    ----------
    hires : array_like
        Hires wanted. [developers, >= 0]
    counts : mapping, Series, sequence or DataFrame, default :data:`DEFAULT_FUNNEL`
        See :func:`funnel_conversion`; several periods are pooled (total applications /
        total hires).

    Returns
    -------
    int or ndarray of int
        Rounded up. [applications]

    Raises
    ------
    ValueError
        For negative hires, invalid counts, or counts with no hire.

    Examples
    --------
    >>> applications_needed(5)
    500
    """
    require_nonnegative(hires=hires)
    require_finite(hires=hires)
    per_hire = float(_pooled_ratio(counts)["applications"])
    needed = np.ceil(np.asarray(hires, dtype=float) * per_hire - _EPS * per_hire)
    return scalar_or_array(np.maximum(needed, 0).astype(np.int64), hires)


def candidates_needed(hires: float, counts=DEFAULT_FUNNEL) -> pd.Series:
    """
    Candidates to process at each funnel stage for a number of hires.

    Parameters
    ----------
    hires : float
        Hires wanted. [developers, >= 0]
    counts : mapping, Series, sequence or DataFrame, default :data:`DEFAULT_FUNNEL`
        See :func:`applications_needed` (periods pooled).

    Returns
    -------
    pandas.Series
        Indexed by :data:`FUNNEL_STAGES`, rounded up (interviews are whole). [candidates]

    Examples
    --------
    >>> candidates_needed(2).tolist()
    [200, 60, 30, 16, 8, 4, 2]
    """
    require_nonnegative(hires=hires)
    require_finite(hires=hires)
    if np.ndim(hires) != 0:
        raise ValueError(f"hires must be a single number; got {hires!r}")
    ratio = _pooled_ratio(counts)
    needed = np.ceil(float(hires) * ratio.to_numpy() - _EPS * ratio.to_numpy())
    return pd.Series(needed.astype(np.int64), index=list(FUNNEL_STAGES), name="candidates")


# ---------------------------------------------------------------------------------------
# Interview grid


def interview_score(
    *,
    architecture: ArrayLike,
    code_quality: ArrayLike,
    stack: ArrayLike,
    soft_skills: ArrayLike,
    culture_fit: ArrayLike,
) -> np.ndarray:
    """
    Total of the article's interview grid (docs/domain.md section 6).

    Parameters
    ----------
    architecture, code_quality, stack : array_like
        Technical sections, 0 to 20 points each. [points]
    soft_skills : array_like
        Communication and leadership, 0 to 30 points. [points]
    culture_fit : array_like
        0 to 10 points. [points]

    Returns
    -------
    ndarray
        Total out of 100. [points]

    Raises
    ------
    ValueError
        If a section is below 0 or above its maximum (:data:`INTERVIEW_MAXIMA`).

    Examples
    --------
    >>> float(interview_score(architecture=15, code_quality=18, stack=12,
    ...                       soft_skills=25, culture_fit=8))
    78.0
    """
    given = {
        "architecture": architecture,
        "code_quality": code_quality,
        "stack": stack,
        "soft_skills": soft_skills,
        "culture_fit": culture_fit,
    }
    total = np.asarray(0.0)
    for name, value in given.items():
        total = total + require_between(name, value, 0.0, float(INTERVIEW_MAXIMA[name]))
    return total


def interview_decision(score: ArrayLike) -> np.ndarray | str:
    """
    Hiring decision from an interview score: strong hire, weak hire or no hire.

    Parameters
    ----------
    score : array_like
        Grid total. [points in [0, 100]]

    Returns
    -------
    str or ndarray of str
        ``"strong hire"`` from 80, ``"weak hire"`` from 60 (the article's 60-79, "to
        discuss"; 79.5 counts as weak), ``"no hire"`` below 60. A ``str`` for scalar
        input.

    Raises
    ------
    ValueError
        If a score is outside [0, 100] or NaN.

    Examples
    --------
    >>> interview_decision([85, 60, 59.5])
    array(['strong hire', 'weak hire', 'no hire'], dtype='<U11')
    """
    s = require_between("score", score, 0.0, 100.0)
    decision = np.select(
        [s >= STRONG_HIRE_SCORE, s >= WEAK_HIRE_SCORE], ["strong hire", "weak hire"], "no hire"
    )
    return scalar_or_array(decision, score)
