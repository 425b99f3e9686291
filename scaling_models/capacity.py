r"""Infrastructure capacity as load grows: utilisation, time to a threshold, instance counts.

Resources (CPU, memory, database, bandwidth) are described by their utilisation, a fraction
of capacity in [0, 1] measured today (average or peak alike). Load growth is a ratio to
today's load, or a monthly growth rate (0.15 = 15 %/month); time is in months. Capacity
need not grow one-for-one with load: the article's "+50 % users needs +30 % capacity"
(docs/domain.md section 2) is a load-to-capacity ``elasticity`` below 1 (headroom, caching,
efficiency gains), so utilisation scales as ``load_ratio ** elasticity``.

The queueing models (:mod:`scaling_models.queueing`) and the Universal Scalability Law
(:mod:`scaling_models.usl`) are re-exported here, so ``capacity.erlang_c`` and
``capacity.fit_usl`` work as capacity-planning entry points.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._checks import (
    as_float_array,
    require_between,
    require_finite,
    require_fraction,
    require_growth_rate,
    require_nonnegative,
    require_positive,
)
from .queueing import (
    db_connections_in_use,
    erlang_b,
    erlang_c,
    littles_law,
    mm1_response_time,
    mm1_response_time_percentile,
    mm1_waiting_time,
    mmc_response_time,
    mmc_response_time_percentile,
    mmc_waiting_time,
    per_second,
    response_time_percentiles,
)
from .usl import USLFit, fit_usl

__all__ = [
    "elasticity_from",
    "utilisation",
    "months_to_threshold",
    "instances_needed",
    # re-exported from scaling_models.queueing
    "erlang_b",
    "erlang_c",
    "mm1_waiting_time",
    "mm1_response_time",
    "mm1_response_time_percentile",
    "mmc_waiting_time",
    "mmc_response_time",
    "mmc_response_time_percentile",
    "response_time_percentiles",
    "littles_law",
    "db_connections_in_use",
    "per_second",
    # re-exported from scaling_models.usl
    "fit_usl",
    "USLFit",
]

# Excess over a whole instance count treated as floating-point noise (relative, capped
# in absolute terms so large counts are never short by more than 1e-6 instance); see
# instances_needed.
_CEIL_TOLERANCE = 1e-9
_CEIL_ABSOLUTE = 1e-6


def elasticity_from(user_growth: ArrayLike, capacity_growth: ArrayLike) -> np.ndarray:
    r"""
    Load-to-capacity elasticity implied by a pair of growth figures.

    Parameters
    ----------
    user_growth : array_like
        Relative growth of users (load) over some period, > -1 and not 0 (0.5 for
        +50 %). [fraction]
    capacity_growth : array_like
        Relative growth of capacity needed over the same period, > -1. [fraction]

    Returns
    -------
    elasticity : ndarray
        :math:`e` such that :math:`(1 + g_c) = (1 + g_u)^e`. [dimensionless]

    Raises
    ------
    ValueError
        If a growth is at or below -100 %, NaN or infinite, or ``user_growth`` is 0
        (no load change identifies no elasticity).

    Notes
    -----
    .. math:: e = \frac{\ln(1 + g_c)}{\ln(1 + g_u)}

    A constant-elasticity (power-law) link between load and capacity, the usual
    economies-of-scale form; the article gives the data point, not the functional form.

    References
    ----------
    .. [1] docs/domain.md section 2 (from the source article): the conservative scenario,
       "+50 % users" needs "+30 % capacity".

    Examples
    --------
    >>> round(float(elasticity_from(0.5, 0.3)), 3)
    0.647
    """
    require_growth_rate(user_growth=user_growth, capacity_growth=capacity_growth)
    g_u = np.asarray(user_growth, dtype=float)
    if np.any(g_u == 0):
        raise ValueError(
            f"user_growth must be non-zero (no load change identifies no elasticity); "
            f"got {user_growth!r}"
        )
    return (np.log1p(np.asarray(capacity_growth, dtype=float)) / np.log1p(g_u))[()]


def utilisation(
    current: ArrayLike, load_ratio: ArrayLike, elasticity: ArrayLike = 1.0
) -> np.ndarray:
    r"""
    Utilisation of today's capacity once load has grown by ``load_ratio``.

    Parameters
    ----------
    current : array_like
        Utilisation measured today (average or peak), in [0, 1]. [fraction]
    load_ratio : array_like
        Future load divided by today's load, > 0 (3.0 for +200 % users). [ratio]
    elasticity : array_like, default 1.0
        Load-to-capacity elasticity, >= 0: 1 when resource use is proportional to load,
        below 1 with economies of scale (see :func:`elasticity_from`). [dimensionless]

    Returns
    -------
    utilisation : ndarray
        ``current * load_ratio ** elasticity``. Values above 1 are demand beyond today's
        capacity (1.4 means 40 % more capacity than installed would be needed); they are
        returned as is, not clipped, so callers can size the gap. [fraction]

    Raises
    ------
    ValueError
        If ``current`` is outside [0, 1] (write 0.7 for 70 %), ``load_ratio`` is not
        positive, or ``elasticity`` is negative; any of them NaN or infinite.

    Notes
    -----
    .. math:: u = u_0 \, r^{e}

    Examples
    --------
    docs/domain.md section 1 and 2: database peak 100 %, realistic scenario (x3 users in 12
    months), elasticity 0.647 from "+50 % users needs +30 % capacity".

    >>> round(float(utilisation(1.0, 3.0, 0.647)), 3)
    2.036
    """
    require_fraction(current=current)
    require_positive(load_ratio=load_ratio)
    require_nonnegative(elasticity=elasticity)
    require_finite(load_ratio=load_ratio, elasticity=elasticity)
    u0 = np.asarray(current, dtype=float)
    ratio = np.asarray(load_ratio, dtype=float)
    return _utilisation(u0, np.log(ratio), np.asarray(elasticity, dtype=float))[()]


def _utilisation(current, log_ratio, elasticity):
    """:func:`utilisation` from the log load ratio, unchecked: :math:`u_0 e^{e \\ln r}`.

    The Monte Carlo engine's core (it carries log ratios); arrays broadcast.
    """
    return current * np.exp(elasticity * log_ratio)


def _require_same_scale(current: np.ndarray, threshold: np.ndarray) -> None:
    """Refuse a fraction compared with a percentage (0.7 with 90, or 70 with 0.9).

    One value in (0, 1] and the other in [5, 100] and more than 10 times larger: the
    percentage divided by 100 lands on the fraction's scale, so the pair almost surely
    mixes the two ways of writing a utilisation (a utilisation of 5, 500 %, is not a
    line anyone draws); the answer would be 0 months or decades.
    """
    small, large = np.minimum(current, threshold), np.maximum(current, threshold)
    mixed = (small > 0) & (small <= 1) & (large >= 5) & (large <= 100) & (large > 10 * small)
    if np.any(mixed):
        i = tuple(np.argwhere(mixed)[0])
        u0, u_star = float(current[i]), float(threshold[i])
        raise ValueError(
            f"current ({u0:g}) and threshold ({u_star:g}) look like one fraction and one "
            f"percentage; write both as fractions (0.7 for 70 %): e.g. "
            f"current={u0 / 100 if u0 > 1 else u0:g}, "
            f"threshold={u_star / 100 if u_star > 1 else u_star:g}"
        )


def months_to_threshold(
    current: ArrayLike,
    monthly_rate: ArrayLike,
    threshold: ArrayLike,
    elasticity: ArrayLike = 1.0,
) -> np.ndarray:
    r"""
    Months until a utilisation growing with compound load reaches a threshold.

    Parameters
    ----------
    current : array_like
        Value today, >= 0 (a utilisation such as 0.70, or any positive metric that
        scales with load). [fraction]
    monthly_rate : array_like
        Load growth per month, > -1 (0.15 for 15 %/month). [month⁻¹]
    threshold : array_like
        Level to reach, > 0 (0.90 for the critical CPU line). [fraction]
    elasticity : array_like, default 1.0
        Load-to-capacity elasticity, >= 0 (see :func:`utilisation`). [dimensionless]

    Returns
    -------
    months : ndarray
        Continuous months :math:`t` until
        :math:`u_0 (1 + r)^{e t} = u^*`, broadcast over the inputs: 0 when
        ``current >= threshold`` already, ``inf`` when it never gets there (load flat or
        shrinking, zero elasticity, or ``current == 0``). [month]

    Raises
    ------
    ValueError
        If ``current`` is negative, ``threshold`` is not positive, ``monthly_rate`` is at
        or below -100 %, ``elasticity`` is negative; any of them NaN or infinite; or one
        of ``current`` and ``threshold`` is a fraction and the other a percentage (one in
        (0, 1], the other in [5, 100] and over ten times larger).

    Notes
    -----
    .. math:: t = \frac{\ln(u^* / u_0)}{e \, \ln(1 + r)}

    Round up (``np.ceil``) for the first whole month at or above the threshold.

    Examples
    --------
    docs/domain.md section 1: CPU at 70 % on average, 15 %/month growth, critical at 90 %.

    >>> round(float(months_to_threshold(0.70, 0.15, 0.90)), 2)
    1.8
    """
    require_nonnegative(current=current)
    require_positive(threshold=threshold)
    require_growth_rate(monthly_rate=monthly_rate)
    require_nonnegative(elasticity=elasticity)
    require_finite(current=current, threshold=threshold, elasticity=elasticity)
    u0, u_star, r, e = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (current, threshold, monthly_rate, elasticity))
    )
    _require_same_scale(u0, u_star)
    speed = e * np.log1p(r)
    reached = u0 >= u_star
    grows = (speed > 0) & (u0 > 0) & ~reached
    safe_u0 = np.where(grows, u0, 1.0)
    safe_speed = np.where(grows, speed, 1.0)
    # A vanishing growth speed (e.g. 1e-310) overflows to inf months, which is the answer.
    with np.errstate(over="ignore"):
        months = np.where(grows, np.log(u_star / safe_u0) / safe_speed, np.inf)
    return np.where(reached, 0.0, months)[()]


def instances_needed(
    peak_load: ArrayLike,
    capacity_per_instance: ArrayLike,
    target_utilisation: ArrayLike = 0.7,
    redundancy: ArrayLike = 1,
) -> np.ndarray:
    r"""
    Instances to run so that peak load stays at the target utilisation, plus spares (N+k).

    Parameters
    ----------
    peak_load : array_like
        Peak demand, >= 0, in the unit of ``capacity_per_instance`` (requests/s, cores,
        GB...). [load]
    capacity_per_instance : array_like
        What one instance handles at 100 % utilisation, > 0. [load/instance]
    target_utilisation : array_like, default 0.7
        Utilisation not to exceed at peak, in (0, 1]. The default is the docs/domain.md section 3
        CPU "attention" line (70 %). [fraction]
    redundancy : int or array_like of int, default 1
        Spare instances on top (N+1 survives the loss of one instance), whole numbers
        >= 0. [instances]

    Returns
    -------
    instances : ndarray of int64
        :math:`\lceil L / (c\,u^*) \rceil + k`, broadcast over the inputs. [instances]

    Raises
    ------
    ValueError
        If ``peak_load`` is negative, ``capacity_per_instance`` is not positive,
        ``target_utilisation`` is outside (0, 1], or ``redundancy`` is not a whole
        number >= 0; any of them NaN or infinite.

    Notes
    -----
    The ceiling ignores an excess over a whole number of less than one part in 10^9
    (about 9 significant digits): floating-point arithmetic leaves results such as
    4.9 / 0.7 = 7.000000000000001, and a bare ceiling would buy an eighth instance for a
    load that needs exactly seven. The tolerance is far coarser than double-precision
    noise (~1e-16, more after a chain of conversions) and far finer than any real load
    figure. It only ever rounds *down* onto a whole number that the ratio exceeds by
    less than 1e-9 of itself and less than 1e-6 of an instance, so capacity is never
    short by more than that; rounding the ratio to 9 significant digits instead would
    under-provision large counts (1234567890.5 -> 1234567890). Any positive load gets
    at least one serving instance.

    Examples
    --------
    >>> int(instances_needed(4.9, 1.0, 0.7, redundancy=1))
    8
    """
    require_nonnegative(peak_load=peak_load)
    require_positive(capacity_per_instance=capacity_per_instance)
    require_finite(peak_load=peak_load, capacity_per_instance=capacity_per_instance)
    target = require_between(
        "target_utilisation", target_utilisation, 0.0, 1.0, low_inclusive=False
    )
    spares = as_float_array("redundancy", redundancy)
    bad = ~(np.isfinite(spares) & (spares >= 0) & (spares == np.round(spares)))
    if bad.any():
        raise ValueError(f"redundancy must be a whole number >= 0; got {redundancy!r}")
    total = _instances_needed(np.asarray(peak_load, dtype=float),
                              np.asarray(capacity_per_instance, dtype=float), target, spares)
    too_many = ~(total < 2.0**62)
    if too_many.any():
        with np.errstate(over="ignore"):
            ratio = np.asarray(peak_load, dtype=float) / (
                np.asarray(capacity_per_instance, dtype=float) * target)
        raise ValueError(
            f"peak_load / (capacity_per_instance * target_utilisation) is too large to "
            f"count instances (>= 2**62); got a ratio of {ratio.max()!r}: check the units"
        )
    return total.astype(np.int64)[()]


def _instances_needed(peak_load, capacity_per_instance, target_utilisation, redundancy):
    """:func:`instances_needed` unchecked, as floats (the Monte Carlo engine's core)."""
    # An overflowing ratio becomes inf here (the public function rejects it).
    with np.errstate(over="ignore", invalid="ignore"):
        raw = peak_load / (capacity_per_instance * target_utilisation)
        whole = np.floor(raw)
        noise = raw - whole <= np.minimum(_CEIL_TOLERANCE * raw, _CEIL_ABSOLUTE)
        base = np.where(noise, whole, np.ceil(raw))
    # A positive load needs a serving instance even if the ratio underflowed to 0.
    base = np.where(peak_load > 0, np.maximum(base, 1.0), base)
    return base + redundancy
