r"""Team scaling: communication overhead, onboarding ramp, velocity, attrition, hiring plan.

A team of :math:`n` developers has :math:`n(n-1)/2` communication channels (Brooks). Each
developer spends ``hours_per_channel_per_week`` on each of their :math:`n - 1` channels,
so the share of their week lost to coordination is

.. math:: o(n) = \min\left(1, \frac{(n - 1)\,h}{H}\right)

and the team's velocity is :math:`V = P \, v \, (1 - o(n))` with :math:`P` the productive
headcount (new hires count for part of a developer while they ramp up, and their mentors
lose part of their time) and :math:`v` the velocity of one developer with no
coordination cost. :math:`V` peaks at :math:`n^* = (H/h + 1)/2` developers (40.5 with the
defaults: 0.5 h per channel, 40 h week), at :math:`V^* \approx 20.5\,v`; beyond, every hire
lowers velocity, the situation where the article reorganises into several teams.

Units: time in months for plans and simulations, weeks for onboarding and hiring lead
times (converted with :data:`WEEKS_PER_MONTH`), velocity in story points per sprint,
shares as fractions. Figures are from ``docs/domain.md`` sections 1, 3 and 6.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from scaling_models import hiring, periods
from scaling_models._checks import (
    as_float_array,
    require_between,
    require_finite,
    require_fraction,
    require_integer,
    require_nonnegative,
    require_ordered,
    require_positive,
    scalar_or_array,
)

# users' notebooks call the funnel and the interview grid as team.*: re-export hiring's API
from scaling_models.hiring import *  # noqa: F403

__all__ = [
    "CURRENT_VELOCITY",
    "HOURS_PER_WEEK",
    "WEEKS_PER_MONTH",
    "DEFAULT_MONTHLY_ATTRITION",
    "communication_channels",
    "communication_overhead",
    "onboarding_ramp",
    "mentoring_load",
    "onboarding_cost_weeks",
    "effective_velocity",
    "velocity_per_developer",
    "peak_team_size",
    "developers_for_velocity",
    "DEFAULT_MAX_TEAM_SIZE",
    "organisation_velocity",
    "developers_needed",
    "simulate_team",
    "monthly_attrition",
    "weeks_to_hire",
    "hiring_plan",
    *hiring.__all__,
]

#: Team velocity of the article's worked example (docs/domain.md section 1). [story points/sprint]
CURRENT_VELOCITY: float = 30.0

#: Working hours in a developer's week (assumption: 5 days x 8 h). [h/week]
HOURS_PER_WEEK: float = 40.0

#: Average weeks in a month (:data:`scaling_models.periods.WEEKS_PER_MONTH`, 4.348). [week/month]
WEEKS_PER_MONTH: float = periods.WEEKS_PER_MONTH

#: Monthly attrition matching the article's 12-month retention target of 90 %
#: (docs/domain.md section 6): 1 - 0.9 ** (1/12) = 0.874 %/month. [fraction/month]
DEFAULT_MONTHLY_ATTRITION: float = 1.0 - 0.90 ** (1.0 / 12.0)

#: Largest team whose communication overhead (n - 1) x 0.5 h / 40 h stays within the 20 %
#: attention line of the thresholds table (``communication_overhead``): 17 developers.
DEFAULT_MAX_TEAM_SIZE: int = 17

_BROOKS = (
    "F. P. Brooks Jr., The Mythical Man-Month: Essays on Software Engineering, "
    "Addison-Wesley, 1975, ch. 2"
)
# Tolerance for rounding a real team size to whole people: 12.000000001 developers is 12.
_EPS = 1e-9


# ---------------------------------------------------------------------------------------
# Communication overhead and velocity


def communication_channels(developers: ArrayLike) -> np.ndarray:
    r"""
    Pairwise communication channels in a team, :math:`n(n-1)/2` [1]_.

    Parameters
    ----------
    developers : array_like
        Team size; fractional (expected) headcounts are allowed. [developers, >= 0]

    Returns
    -------
    ndarray
        Channels; 0 for a team of one or less. [channels]

    Raises
    ------
    ValueError
        If ``developers`` is negative or NaN.

    References
    ----------
    .. [1] F. P. Brooks Jr., *The Mythical Man-Month: Essays on Software Engineering*,
       Addison-Wesley, 1975, ch. 2 "The Mythical Man-Month".

    Examples
    --------
    >>> communication_channels([1, 5, 10])
    array([ 0., 10., 45.])
    """
    require_nonnegative(developers=developers)
    n = np.asarray(developers, dtype=float)
    return np.where(n >= 1, n * (n - 1) / 2, 0.0)


def communication_overhead(
    developers: ArrayLike,
    hours_per_channel_per_week: ArrayLike = 0.5,
    hours_per_week: ArrayLike = HOURS_PER_WEEK,
) -> np.ndarray:
    r"""
    Share of a developer's time spent coordinating with the rest of the team.

    Parameters
    ----------
    developers : array_like
        Team size. [developers, >= 0]
    hours_per_channel_per_week : array_like, default 0.5
        Time each developer spends per colleague (meetings, reviews, messages).
        [h/week/channel, >= 0]
    hours_per_week : array_like, default 40
        Working week. [h/week, > 0]

    Returns
    -------
    overhead : ndarray
        :math:`\min(1, (n-1) h / H)`, 0 for a team of one. [fraction]

    Raises
    ------
    ValueError
        If ``developers`` or ``hours_per_channel_per_week`` is negative or
        ``hours_per_week`` is not positive.

    Notes
    -----
    Each of the :math:`n(n-1)/2` channels [1]_ costs ``hours_per_channel_per_week`` to
    each of its two ends, so one developer spends :math:`(n-1) h` hours a week on them.
    The 0.5 h default is this project's assumption (half an hour a week per colleague),
    chosen because it crosses the article's thresholds (docs/domain.md section 3) where
    practitioners report trouble: with the defaults a team of 17 spends exactly 20 %
    of its time communicating (the attention line; the status turns "attention" above
    it, from 18 people) and a team of 33 exactly 40 % (critical from 34). The same
    linear per-person cost is used in the worked example of [2]_ (1 h per pair per
    week: 6 people lose 30 of 240 person-hours, 8 people 56 of 320).

    References
    ----------
    .. [1] F. P. Brooks Jr., *The Mythical Man-Month*, Addison-Wesley, 1975, ch. 2.
    .. [2] "Brooks's Law and Intercommunication: You Talkin' to Me?", blog post,
       29 May 2007, as reproduced in the nvidia/Nemotron-CC-Math-v1 data set,
       https://huggingface.co/datasets/nvidia/Nemotron-CC-Math-v1

    Examples
    --------
    >>> communication_overhead([1, 17, 33])
    array([0. , 0.2, 0.4])
    """
    require_nonnegative(
        developers=developers, hours_per_channel_per_week=hours_per_channel_per_week
    )
    require_positive(hours_per_week=hours_per_week)
    n = np.asarray(developers, dtype=float)
    c = np.asarray(hours_per_channel_per_week, dtype=float) / np.asarray(
        hours_per_week, dtype=float
    )
    return np.minimum(np.maximum(n - 1, 0.0) * c, 1.0)


def _velocity(productive, headcount, velocity_per_developer, coordination):
    """V = P v (1 - o(n)) with o from the per-channel coordination share c = h / H."""
    overhead = np.minimum(np.maximum(headcount - 1, 0.0) * coordination, 1.0)
    return productive * velocity_per_developer * (1.0 - overhead)


def onboarding_ramp(weeks_since_hire: ArrayLike, ramp_weeks: ArrayLike = 6) -> np.ndarray:
    """
    Productivity of a new hire as a fraction of a fully productive developer.

    Parameters
    ----------
    weeks_since_hire : array_like
        Time since the first day. [week, >= 0]
    ramp_weeks : array_like, default 6
        Time to full productivity; the article's target is "< 6 weeks"
        (docs/domain.md section 6). [week, > 0]

    Returns
    -------
    ndarray
        ``min(1, weeks_since_hire / ramp_weeks)``. [fraction]

    Raises
    ------
    ValueError
        If ``weeks_since_hire`` is negative or ``ramp_weeks`` is not positive.

    Notes
    -----
    A linear ramp is the simplest shape meeting the article's milestones (first commit
    in a day, first feature within a week, full productivity by ``ramp_weeks``); it
    is an assumption, not a measurement. Averaged over the ramp a hire delivers half a
    developer, which is the ``ramp_progress=0.5`` default of :func:`effective_velocity`.

    Examples
    --------
    >>> onboarding_ramp([0, 3, 6, 10])
    array([0. , 0.5, 1. , 1. ])
    """
    require_nonnegative(weeks_since_hire=weeks_since_hire)
    require_positive(ramp_weeks=ramp_weeks)
    w = np.asarray(weeks_since_hire, dtype=float)
    return np.minimum(w / np.asarray(ramp_weeks, dtype=float), 1.0)


def mentoring_load(
    weeks_since_hire: ArrayLike, ramp_weeks: ArrayLike = 6, mentor_share: ArrayLike = 0.2
) -> np.ndarray:
    """
    Share of a senior developer's time spent mentoring one new hire.

    Parameters
    ----------
    weeks_since_hire : array_like
        Time since the hire's first day. [week, >= 0]
    ramp_weeks : array_like, default 6
        Length of the ramp; mentoring stops when the hire is fully productive. [week, > 0]
    mentor_share : array_like, default 0.2
        Senior time per hire during the ramp. [fraction in [0, 1]]

    Returns
    -------
    ndarray
        ``mentor_share`` during the ramp, 0 after. [fraction of a developer]

    Raises
    ------
    ValueError
        If ``weeks_since_hire`` is negative, ``ramp_weeks`` not positive or
        ``mentor_share`` outside [0, 1].

    Notes
    -----
    Assumption: one day a week (20 %) of a buddy's time over a 6-week ramp is 1.2
    developer-weeks per hire, close to the article's "the CTO spends 1 week per new
    developer" in manual onboarding (seed article, "Le problème de l'onboarding manuel").

    Examples
    --------
    >>> mentoring_load([0, 5.9, 6])
    array([0.2, 0.2, 0. ])
    """
    require_nonnegative(weeks_since_hire=weeks_since_hire)
    require_positive(ramp_weeks=ramp_weeks)
    require_fraction(mentor_share=mentor_share)
    w = np.asarray(weeks_since_hire, dtype=float)
    share = np.asarray(mentor_share, dtype=float)
    return np.where(w < np.asarray(ramp_weeks, dtype=float), share, 0.0)


def onboarding_cost_weeks(ramp_weeks: ArrayLike = 6, mentor_share: ArrayLike = 0.2) -> np.ndarray:
    """
    Developer-weeks of output lost to onboarding one hire (the hire's ramp plus mentoring).

    Parameters
    ----------
    ramp_weeks : array_like, default 6
        Time to full productivity (linear ramp). [week, > 0]
    mentor_share : array_like, default 0.2
        Senior time per hire during the ramp. [fraction in [0, 1]]

    Returns
    -------
    ndarray
        ``ramp_weeks / 2 + mentor_share * ramp_weeks`` (4.2 with the defaults).
        [developer-week]

    Raises
    ------
    ValueError
        If ``ramp_weeks`` is not positive or ``mentor_share`` is outside [0, 1].

    Examples
    --------
    >>> float(onboarding_cost_weeks())
    4.2
    """
    require_positive(ramp_weeks=ramp_weeks)
    require_finite(ramp_weeks=ramp_weeks)
    require_fraction(mentor_share=mentor_share)
    ramp = np.asarray(ramp_weeks, dtype=float)
    # A linear ramp delivers half of a developer on average over its length.
    return ramp / 2 + np.asarray(mentor_share, dtype=float) * ramp


def effective_velocity(
    developers: ArrayLike,
    velocity_per_developer: ArrayLike,
    *,
    ramping: ArrayLike = 0,
    ramp_progress: ArrayLike = 0.5,
    hours_per_channel_per_week: ArrayLike = 0.5,
    mentor_share: ArrayLike = 0.2,
    hours_per_week: ArrayLike = HOURS_PER_WEEK,
) -> np.ndarray:
    r"""
    Team velocity after communication overhead, onboarding and mentoring.

    Parameters
    ----------
    developers : array_like
        Total headcount, including the hires still ramping up. [developers, >= 0]
    velocity_per_developer : array_like
        Velocity of one fully productive developer with no coordination cost; see
        :func:`velocity_per_developer` to derive it from a measured team velocity.
        [story points/sprint/developer, >= 0]
    ramping : array_like, default 0
        Hires still ramping up, at most ``developers``. [developers, >= 0]
    ramp_progress : array_like, default 0.5
        Average productivity of the ramping hires (0.5: the mean of a linear ramp).
        [fraction in [0, 1]]
    hours_per_channel_per_week : array_like, default 0.5
        See :func:`communication_overhead`. [h/week/channel, >= 0]
    mentor_share : array_like, default 0.2
        Senior time spent per ramping hire (see :func:`mentoring_load`); taken from the
        fully productive developers and never more than they have. [fraction in [0, 1]]
    hours_per_week : array_like, default 40
        Working week. [h/week, > 0]

    Returns
    -------
    velocity : ndarray
        Broadcast of the inputs. [story points/sprint]

    Raises
    ------
    ValueError
        For a negative or NaN count or velocity, ``ramping > developers``, or a
        share outside [0, 1].

    Notes
    -----
    With :math:`n` developers of whom :math:`r` ramp at progress :math:`p`, mentor
    share :math:`m` and coordination overhead :math:`o(n)`
    (:func:`communication_overhead`):

    .. math::

        P = (n - r) + r p - \min(r m,\; n - r), \qquad V = P \, v \, (1 - o(n))

    Ramping hires communicate like everyone else, so they add to :math:`o(n)` at once
    while adding to :math:`P` only gradually: a large hiring wave first lowers velocity
    (Brooks's law [1]_).

    References
    ----------
    .. [1] F. P. Brooks Jr., *The Mythical Man-Month*, Addison-Wesley, 1975, ch. 2.

    Examples
    --------
    >>> float(effective_velocity(10, 3.0))
    26.625
    >>> round(float(effective_velocity(10, 3.0, ramping=2)), 4)
    22.8975
    """
    require_nonnegative(
        developers=developers,
        velocity_per_developer=velocity_per_developer,
        ramping=ramping,
        hours_per_channel_per_week=hours_per_channel_per_week,
    )
    require_finite(developers=developers, velocity_per_developer=velocity_per_developer)
    require_ordered("ramping", ramping, "developers", developers, strict=False)
    require_fraction(ramp_progress=ramp_progress, mentor_share=mentor_share)
    require_positive(hours_per_week=hours_per_week)
    n = np.asarray(developers, dtype=float)
    r = np.asarray(ramping, dtype=float)
    seniors = n - r
    mentoring = np.minimum(r * np.asarray(mentor_share, dtype=float), seniors)
    productive = seniors + r * np.asarray(ramp_progress, dtype=float) - mentoring
    c = np.asarray(hours_per_channel_per_week, dtype=float) / np.asarray(
        hours_per_week, dtype=float
    )
    return _velocity(productive, n, np.asarray(velocity_per_developer, dtype=float), c)


def velocity_per_developer(
    team_velocity: ArrayLike,
    developers: ArrayLike,
    *,
    hours_per_channel_per_week: ArrayLike = 0.5,
    hours_per_week: ArrayLike = HOURS_PER_WEEK,
) -> np.ndarray:
    r"""
    Velocity of one developer free of coordination cost, from a measured team velocity.

    The inverse of :func:`effective_velocity` for a fully productive team:
    :math:`v = V / (n (1 - o(n)))`.

    Parameters
    ----------
    team_velocity : array_like
        Measured velocity, e.g. the article's 30 (:data:`CURRENT_VELOCITY`).
        [story points/sprint, >= 0]
    developers : array_like
        Team size that delivered it. [developers, > 0]
    hours_per_channel_per_week : array_like, default 0.5
        See :func:`communication_overhead`. [h/week/channel, >= 0]
    hours_per_week : array_like, default 40
        Working week. [h/week, > 0]

    Returns
    -------
    ndarray
        [story points/sprint/developer]

    Raises
    ------
    ValueError
        If ``developers`` is not positive, ``team_velocity`` negative, or the team is so
        large that coordination takes all its time (nothing to divide by).

    Examples
    --------
    >>> float(velocity_per_developer(30, 10))
    3.380281690140845
    """
    require_nonnegative(
        team_velocity=team_velocity, hours_per_channel_per_week=hours_per_channel_per_week
    )
    require_positive(developers=developers)
    require_finite(team_velocity=team_velocity, developers=developers)
    overhead = communication_overhead(developers, hours_per_channel_per_week, hours_per_week)
    if np.any(overhead >= 1):
        raise ValueError(
            f"developers={developers!r} spend all their time communicating at "
            f"hours_per_channel_per_week={hours_per_channel_per_week!r}; a measured velocity "
            "cannot be explained by this team size (lower hours_per_channel_per_week)"
        )
    n = np.asarray(developers, dtype=float)
    return np.asarray(team_velocity, dtype=float) / (n * (1.0 - overhead))


def peak_team_size(
    hours_per_channel_per_week: float = 0.5, hours_per_week: float = HOURS_PER_WEEK
) -> int:
    r"""
    Whole team size with the highest velocity for fully productive developers.

    Parameters
    ----------
    hours_per_channel_per_week : float, default 0.5
        See :func:`communication_overhead`. [h/week/channel, > 0]
    hours_per_week : float, default 40
        Working week. [h/week, > 0]

    Returns
    -------
    int
        The smallest integer maximising :math:`n (1 - (n-1) c)`, :math:`c = h / H`;
        the real maximum is at :math:`n^* = (1/c + 1) / 2`. [developers]

    Raises
    ------
    ValueError
        If either argument is not positive (with no coordination cost velocity has no
        peak).

    Examples
    --------
    >>> peak_team_size()
    40
    """
    require_positive(
        hours_per_channel_per_week=hours_per_channel_per_week, hours_per_week=hours_per_week
    )
    require_finite(hours_per_week=hours_per_week)
    c = float(hours_per_channel_per_week) / float(hours_per_week)
    best = max(1.0, (1.0 / c + 1.0) / 2.0)
    candidates = np.array([math.floor(best), math.ceil(best)], dtype=float)
    values = candidates * (1.0 - np.minimum(np.maximum(candidates - 1, 0) * c, 1.0))
    # Both neighbours can tie (40 and 41 with the defaults): keep the cheaper team.
    return int(candidates[np.argmax(values >= values.max() * (1 - 1e-12))])


def _roots(target: np.ndarray, v: np.ndarray, c: np.ndarray):
    """Real team sizes where n (1 - (n - 1) c) v = target (lower, upper); NaN if none."""
    ratio = target / v
    linear = c == 0
    safe_c = np.where(linear, 1.0, c)
    disc = (1.0 + c) ** 2 - 4.0 * c * ratio
    sq = np.sqrt(np.where(disc >= 0, disc, np.nan))
    # 2q / (b + sqrt(b^2 - 4 c q)) is the smaller root without the cancellation of
    # b - sqrt(...) for small targets; it reduces to q when c = 0.
    lower = 2.0 * ratio / ((1.0 + c) + sq)
    upper = np.where(linear, np.inf, ((1.0 + c) + sq) / (2.0 * safe_c))
    return lower, upper


def _max_velocity(v, c):
    """Highest velocity of a whole fully productive team, and its size."""
    size = peak_team_size(c * HOURS_PER_WEEK, HOURS_PER_WEEK)
    return float(_velocity(size, size, v, c)), size


def developers_for_velocity(
    target_velocity: ArrayLike,
    velocity_per_developer: ArrayLike,
    *,
    hours_per_channel_per_week: float = 0.5,
    hours_per_week: float = HOURS_PER_WEEK,
) -> np.ndarray | int:
    r"""
    Smallest fully productive team whose effective velocity reaches a target.

    Parameters
    ----------
    target_velocity : array_like
        Velocity to reach. [story points/sprint, >= 0]
    velocity_per_developer : array_like
        See :func:`effective_velocity`. [story points/sprint/developer, > 0]
    hours_per_channel_per_week : float, default 0.5
        See :func:`communication_overhead`. [h/week/channel, >= 0]
    hours_per_week : float, default 40
        Working week. [h/week, > 0]

    Returns
    -------
    int or ndarray of int
        An ``int`` for scalar input. [developers]

    Raises
    ------
    ValueError
        If a target exceeds the maximum velocity any team size reaches; the message
        gives that maximum and the team size where it occurs.

    Notes
    -----
    Solves :math:`c n^2 - (1 + c) n + V/v = 0` (:math:`c = h/H`) for its smaller root and
    rounds up; :math:`n = \lceil V/v \rceil` when :math:`c = 0`.

    Examples
    --------
    >>> developers_for_velocity(30, 3.0)
    12
    """
    require_nonnegative(
        target_velocity=target_velocity, hours_per_channel_per_week=hours_per_channel_per_week
    )
    require_positive(velocity_per_developer=velocity_per_developer, hours_per_week=hours_per_week)
    require_finite(target_velocity=target_velocity, velocity_per_developer=velocity_per_developer)
    target = np.asarray(target_velocity, dtype=float)
    v = np.asarray(velocity_per_developer, dtype=float)
    c = np.asarray(float(hours_per_channel_per_week) / float(hours_per_week))
    lower, _ = _roots(target, v, c)
    n = np.ceil(np.nan_to_num(lower, nan=np.inf) - _EPS)
    reached = np.isfinite(n)
    n = np.where(reached, n, 0.0)
    # The tolerance can round a tiny root (1e-150 developers) down to 0: take the next;
    # a shortfall of 1e-12 relative is rounding of the target (a difference of sums).
    n = np.where(_velocity(n, n, v, c) >= target * (1 - 1e-12), n, n + 1)
    reached &= _velocity(n, n, v, c) >= target * (1 - 1e-12)
    if not np.all(reached):
        index = tuple(np.argwhere(~reached)[0])
        bad_target = float(np.broadcast_to(target, reached.shape)[index])
        bad_v = float(np.broadcast_to(v, reached.shape)[index])
        vmax, size = _max_velocity(bad_v, float(c))
        raise ValueError(
            f"target_velocity={bad_target!r} "
            f"is out of reach: communication overhead caps the velocity at {vmax:.4g} "
            f"story points/sprint, reached with {size} developers "
            f"(velocity_per_developer={bad_v!r}, "
            f"hours_per_channel_per_week={hours_per_channel_per_week!r}); split into "
            "several teams or lower the coordination cost"
        )
    return scalar_or_array(n.astype(np.int64), np.broadcast_to(target, n.shape))


def _check_organisation(max_team_size: int, hours_per_channel_per_week: float) -> int:
    max_team_size = require_integer("max_team_size", max_team_size, minimum=1)
    require_nonnegative(hours_per_channel_per_week=hours_per_channel_per_week)
    peak = peak_team_size(hours_per_channel_per_week) if hours_per_channel_per_week else None
    if peak is not None and max_team_size > peak:
        raise ValueError(
            f"max_team_size must be <= {peak}, the team size of highest velocity at "
            f"{hours_per_channel_per_week:g} h per channel (a bigger team is slower); "
            f"got {max_team_size}"
        )
    return max_team_size


def organisation_velocity(
    developers: ArrayLike,
    velocity_per_developer: ArrayLike,
    *,
    max_team_size: int = DEFAULT_MAX_TEAM_SIZE,
    hours_per_channel_per_week: float = 0.5,
) -> np.ndarray:
    r"""
    Velocity of developers organised in full teams of ``max_team_size`` plus one smaller.

    Parameters
    ----------
    developers : array_like
        Whole developers, fully productive. [developers, >= 0]
    velocity_per_developer : array_like
        Velocity of one developer free of coordination cost. [story points/sprint, > 0]
    max_team_size : int, default :data:`DEFAULT_MAX_TEAM_SIZE`
        Developers per team, at most :func:`peak_team_size`. [developers]
    hours_per_channel_per_week : float, default 0.5
        Coordination per pair of teammates (:func:`communication_overhead`). [h/week]

    Returns
    -------
    ndarray
        :math:`k\,V_m + V(n - k m)` with :math:`k = \lfloor n / m \rfloor` full teams and
        :math:`V` of :func:`effective_velocity`. [story points/sprint]

    Notes
    -----
    Coordination counts within teams only, none between them: optimistic for many teams.
    This is the article's answer to Brooks' law, "reorganise into several teams" [1]_.

    References
    ----------
    .. [1] "Scaling et croissance" (the project's seed text), docs/domain.md sections 1 and 6;
       F. P. Brooks Jr., *The Mythical Man-Month*, Addison-Wesley, 1975, ch. 2.
    """
    max_team_size = _check_organisation(max_team_size, hours_per_channel_per_week)
    require_nonnegative(developers=developers)
    n = np.floor(as_float_array("developers", developers) + _EPS)
    full, rest = np.divmod(n, max_team_size)
    kwargs = {"hours_per_channel_per_week": hours_per_channel_per_week}
    return (full * effective_velocity(max_team_size, velocity_per_developer, **kwargs)
            + effective_velocity(rest, velocity_per_developer, **kwargs))


def developers_needed(
    target_velocity: ArrayLike,
    velocity_per_developer: float,
    *,
    max_team_size: int = DEFAULT_MAX_TEAM_SIZE,
    hours_per_channel_per_week: float = 0.5,
) -> np.ndarray:
    r"""
    Developers delivering a target velocity when split into teams of ``max_team_size``.

    The inverse of :func:`organisation_velocity`.

    Parameters
    ----------
    target_velocity : array_like
        Velocity to deliver. [story points/sprint, >= 0]
    velocity_per_developer : float
        Velocity of one developer free of coordination cost (:func:`velocity_per_developer`).
        [story points/sprint/developer, > 0]
    max_team_size : int, default :data:`DEFAULT_MAX_TEAM_SIZE`
        Developers per team, at most :func:`peak_team_size` (beyond it a hire lowers the
        team's velocity). [developers]
    hours_per_channel_per_week : float, default 0.5
        Coordination per pair of teammates (:func:`communication_overhead`). [h/week]

    Returns
    -------
    ndarray of float, shape of ``target_velocity``
        Whole developers. [developers]

    Notes
    -----
    The organisation is :math:`k` full teams of :math:`m` = ``max_team_size``, each
    delivering :math:`V_m` = ``effective_velocity(m, v)``, plus one team of
    :func:`developers_for_velocity` for the rest: :math:`k = \lfloor V / V_m \rfloor`,
    :math:`n = k m + n(V - k V_m)`. When :math:`V \le V_m` this is exactly
    ``developers_for_velocity(V, v)``, one team, as in the article's worked example
    (docs/domain.md section 1). It is a staffing rule (fill a team before opening the next), not
    the least headcount: smaller teams coordinate less per head.
    """
    max_team_size = _check_organisation(max_team_size, hours_per_channel_per_week)
    target = as_float_array("target_velocity", target_velocity)
    require_nonnegative(target_velocity=target)
    kwargs = {"hours_per_channel_per_week": hours_per_channel_per_week}
    full_velocity = float(effective_velocity(max_team_size, velocity_per_developer, **kwargs))
    # 1e-9: a target of exactly k full teams must not open a (k + 1)-th team of one.
    full = np.floor(target / full_velocity + 1e-9)
    rest = target - full * full_velocity
    # after subtracting full teams, a residue below 1e-9 of a team is rounding, not work
    rest = np.where((full == 0) | (rest > 1e-9 * full_velocity), np.maximum(rest, 0.0), 0.0)
    last = developers_for_velocity(rest, velocity_per_developer, **kwargs)
    return full * max_team_size + np.asarray(last, dtype=float)


# ---------------------------------------------------------------------------------------
# Simulation and hiring plan


def monthly_attrition(annual_retention: ArrayLike = 0.90) -> np.ndarray:
    """
    Monthly attrition rate that yields a given 12-month retention.

    Parameters
    ----------
    annual_retention : array_like, default 0.90
        Share of developers still there after 12 months; the article's target is
        > 90 % (docs/domain.md section 6). [fraction in [0, 1]]

    Returns
    -------
    ndarray
        ``1 - annual_retention ** (1/12)``. [fraction/month]

    Raises
    ------
    ValueError
        If ``annual_retention`` is outside [0, 1].

    Examples
    --------
    >>> round(float(monthly_attrition(0.90)), 6)
    0.008742
    """
    require_fraction(annual_retention=annual_retention)
    return 1.0 - np.asarray(annual_retention, dtype=float) ** (1.0 / 12.0)


def weeks_to_hire(
    process_weeks: ArrayLike = 4, notice_weeks: ArrayLike = 4, sourcing_weeks: ArrayLike = 2
) -> np.ndarray:
    """
    Lead time from opening a position to the hire's first day.

    Parameters
    ----------
    process_weeks : array_like, default 4
        Screening to offer. The article warns that a 6-week process "loses the good
        candidates"; 4 weeks is this project's assumption for an industrialised
        process with delegated interviews. [week, >= 0]
    notice_weeks : array_like, default 4
        Notice period the candidate owes their current employer. Assumption: one month;
        in France the usual notice for "cadres" is 3 months (about 13 weeks), so set
        this to the local norm. [week, >= 0]
    sourcing_weeks : array_like, default 2
        Time to gather enough applications (100 per hire with the default funnel).
        Assumption; shorter with a standing pipeline. [week, >= 0]

    Returns
    -------
    ndarray
        Sum of the three (10 weeks with the defaults, about 2.3 months). [week]

    Raises
    ------
    ValueError
        If any duration is negative or NaN.

    Examples
    --------
    >>> float(weeks_to_hire())
    10.0
    """
    require_nonnegative(
        process_weeks=process_weeks, notice_weeks=notice_weeks, sourcing_weeks=sourcing_weeks
    )
    require_finite(
        process_weeks=process_weeks, notice_weeks=notice_weeks, sourcing_weeks=sourcing_weeks
    )
    return (
        np.asarray(sourcing_weeks, dtype=float)
        + np.asarray(process_weeks, dtype=float)
        + np.asarray(notice_weeks, dtype=float)
    )


def _ramp_integral(weeks: np.ndarray, ramp_weeks: float) -> np.ndarray:
    """Developer-weeks delivered by one hire in its first ``weeks`` (linear ramp)."""
    return np.where(weeks <= ramp_weeks, weeks**2 / (2 * ramp_weeks), weeks - ramp_weeks / 2)


def simulate_team(
    initial_developers: float,
    hires_per_month: ArrayLike,
    months: int,
    *,
    ramp_weeks: float = 6,
    monthly_attrition: float = 0.0,
    velocity_per_developer: float | None = None,
    hours_per_channel_per_week: float = 0.5,
    mentor_share: float = 0.2,
    hours_per_week: float = HOURS_PER_WEEK,
) -> pd.DataFrame:
    """
    Month-by-month headcount and velocity of a team that hires and loses developers.

    Parameters
    ----------
    initial_developers : float
        Team at month 0, all fully productive. [developers, >= 0]
    hires_per_month : array_like
        Hires joining at the start of each month: a scalar (every month) or one value
        per month. Fractions are allowed (expected hires). [developers/month, >= 0]
    months : int
        Months simulated, numbered 0 .. months - 1. [month, >= 1]
    ramp_weeks : float, default 6
        Time to full productivity (linear ramp, :func:`onboarding_ramp`). [week, > 0]
    monthly_attrition : float, default 0.0
        Share of every cohort leaving at the end of each month
        (see :func:`monthly_attrition`). [fraction/month in [0, 1)]
    velocity_per_developer : float, optional
        See :func:`effective_velocity`. Default: calibrated so that the initial team
        delivers the article's 30 points per sprint (:data:`CURRENT_VELOCITY`).
        [story points/sprint/developer, > 0]
    hours_per_channel_per_week, mentor_share, hours_per_week : float
        See :func:`effective_velocity`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``month``, columns: ``hires``, ``departures`` (expected, at the
        month's end), ``headcount`` (during the month), ``ramping`` (hires not yet fully
        productive at the month's start), ``productive_headcount`` (after ramp and
        mentoring), ``mentoring_fte``, ``communication_overhead`` [fraction] and
        ``effective_velocity`` [story points/sprint], all averaged over the month.

    Raises
    ------
    ValueError
        For a negative count, a ``hires_per_month`` of the wrong length,
        ``ramp_weeks <= 0``, attrition outside [0, 1), or a default velocity with no
        initial team to calibrate it on.

    Notes
    -----
    Expected values, not draws: a cohort of :math:`h` hires from month :math:`j` counts
    :math:`h (1-a)^{m-j}` people in month :math:`m`, each delivering the average of the
    linear ramp over that month's weeks, and draws ``mentor_share`` of a senior for the
    part of the month it is still ramping (capped at the fully productive headcount).
    The velocity formula is the one of :func:`effective_velocity`.

    Examples
    --------
    >>> df = simulate_team(10, 2, 4, velocity_per_developer=3.0)
    >>> df["headcount"].tolist()
    [12.0, 14.0, 16.0, 18.0]
    """
    n0 = float(as_float_array("initial_developers", initial_developers))
    require_nonnegative(initial_developers=n0)
    require_finite(initial_developers=n0)
    months = require_integer("months", months, minimum=1)
    require_positive(ramp_weeks=ramp_weeks, hours_per_week=hours_per_week)
    require_finite(ramp_weeks=ramp_weeks)
    require_between("monthly_attrition", monthly_attrition, 0.0, 1.0, high_inclusive=False)
    require_nonnegative(hours_per_channel_per_week=hours_per_channel_per_week)
    require_fraction(mentor_share=mentor_share)
    hires = as_float_array("hires_per_month", hires_per_month)
    require_nonnegative(hires_per_month=hires)
    require_finite(hires_per_month=hires)
    if hires.ndim == 0:
        hires = np.full(months, float(hires))
    elif hires.shape != (months,):
        raise ValueError(
            f"hires_per_month must be a scalar or hold one value per month ({months}); "
            f"got shape {hires.shape}"
        )
    c = float(hours_per_channel_per_week) / float(hours_per_week)
    if velocity_per_developer is None:
        if n0 <= 0:
            raise ValueError(
                "velocity_per_developer is needed when initial_developers is 0 "
                "(the default calibrates it on the initial team)"
            )
        v = float(_calibrated_velocity(CURRENT_VELOCITY, n0, c))
    else:
        require_positive(velocity_per_developer=velocity_per_developer)
        require_finite(velocity_per_developer=velocity_per_developer)
        v = float(velocity_per_developer)

    survive = 1.0 - float(monthly_attrition)
    ramp = float(ramp_weeks)
    m = np.arange(months)
    age = m[:, None] - m[None, :]  # months since cohort j joined, for month m (rows)
    joined = age >= 0
    age_weeks = np.where(joined, age, 0) * WEEKS_PER_MONTH
    size = np.where(joined, hires[None, :] * survive ** np.where(joined, age, 0), 0.0)
    delivered = (
        _ramp_integral(age_weeks + WEEKS_PER_MONTH, ramp) - _ramp_integral(age_weeks, ramp)
    ) / WEEKS_PER_MONTH
    ramping_part = np.clip((ramp - age_weeks) / WEEKS_PER_MONTH, 0.0, 1.0)

    initial = n0 * survive**m
    headcount = initial + size.sum(axis=1)
    ramping = np.where(joined & (age_weeks < ramp), size, 0.0).sum(axis=1)
    mentoring = np.minimum(
        float(mentor_share) * (size * ramping_part).sum(axis=1), headcount - ramping
    )
    productive = initial + (size * delivered).sum(axis=1) - mentoring
    overhead = np.minimum(np.maximum(headcount - 1, 0.0) * c, 1.0)
    return pd.DataFrame(
        {
            "hires": hires,
            "departures": headcount * (1.0 - survive),
            "headcount": headcount,
            "ramping": ramping,
            "productive_headcount": productive,
            "mentoring_fte": mentoring,
            "communication_overhead": overhead,
            "effective_velocity": _velocity(productive, headcount, v, c),
        },
        index=pd.Index(m, name="month"),
    )


def _calibrated_velocity(team_velocity: float, developers: float, coordination: float):
    """v from V, n and c = h / H (``simulate_team``'s argument shadows the public name)."""
    return velocity_per_developer(
        team_velocity,
        developers,
        hours_per_channel_per_week=coordination * HOURS_PER_WEEK,
        hours_per_week=HOURS_PER_WEEK,
    )


def hiring_plan(
    current_developers: float,
    target_velocity: float,
    target_month: int,
    *,
    velocity_per_developer: float,
    lead_time_weeks: float | None = None,
    ramp_weeks: float = 6,
    monthly_attrition: float = DEFAULT_MONTHLY_ATTRITION,
    hours_per_channel_per_week: float = 0.5,
    hours_per_week: float = HOURS_PER_WEEK,
    max_hires_per_month: int | None = None,
) -> pd.DataFrame:
    r"""
    Hires needed, and the latest month to open each, to reach a velocity by a target month.

    Parameters
    ----------
    current_developers : float
        Team today (month 0), fully productive. [developers, >= 0]
    target_velocity : float
        Effective velocity wanted in ``target_month``. [story points/sprint, > 0]
    target_month : int
        Month by which the velocity must be reached (0 is the current month). [month]
    velocity_per_developer : float
        See :func:`effective_velocity`. [story points/sprint/developer, > 0]
    lead_time_weeks : float, optional
        From opening a position to the first day; default :func:`weeks_to_hire`
        (10 weeks). [week, >= 0]
    ramp_weeks : float, default 6
        Time to full productivity. [week, > 0]
    monthly_attrition : float, default :data:`DEFAULT_MONTHLY_ATTRITION`
        Expected leavers per month, from the article's 90 % 12-month retention target;
        the plan hires their replacements. [fraction/month in [0, 1)]
    hours_per_channel_per_week, hours_per_week : float
        See :func:`communication_overhead`.
    max_hires_per_month : int, optional
        Onboarding capacity: at most this many hires join in one month; further hires
        are scheduled in earlier months. Default: no limit.

    Returns
    -------
    pandas.DataFrame
        One row per hire (index ``hire``, from 1), columns ``open_month`` (latest month
        to open the position), ``join_month`` (first day, at a month's start),
        ``productive_month`` (first whole month at full productivity) and ``on_time``
        (``open_month >= 0``; False means the position should already have been
        opened: the target month is too close). Empty when the current team, after
        attrition, already reaches the target. ``attrs`` holds ``developers_needed``,
        ``expected_headcount`` (in ``target_month``), ``max_velocity`` and
        ``peak_team_size``.

    Raises
    ------
    ValueError
        If the target exceeds the velocity any team size can reach (the message gives
        the maximum and the team size), if the current team is already past the
        velocity peak (hiring would lower velocity: reorganise into several teams), or
        for invalid inputs.

    Notes
    -----
    The unreachable case raises rather than returning a flag, so that a plan is never
    read without noticing it cannot work. A hire joining at the start of month
    :math:`j` is fully productive from month :math:`j + r` (:math:`r` = ramp in months,
    rounded up to whole months), so the latest join month is
    :math:`\lfloor T - r \rfloor` and the latest opening month
    :math:`\lfloor j - L \rfloor` for a lead time :math:`L` in months, i.e. target
    month minus lead time minus ramp. In ``target_month`` every planned hire is fully
    productive, so :func:`simulate_team` fed with the join months reaches the target.
    The current team is assumed fully productive and shrinks by attrition like the hires.

    Examples
    --------
    >>> plan = hiring_plan(10, 30, 6, velocity_per_developer=3.0, monthly_attrition=0.0)
    >>> plan[["open_month", "join_month"]].iloc[0].tolist()
    [1, 4]
    >>> len(plan)
    2
    """
    n0 = float(as_float_array("current_developers", current_developers))
    require_nonnegative(current_developers=n0)
    require_finite(current_developers=n0)
    require_positive(target_velocity=target_velocity)
    target_month = require_integer("target_month", target_month, minimum=0)
    require_positive(ramp_weeks=ramp_weeks, velocity_per_developer=velocity_per_developer)
    require_finite(ramp_weeks=ramp_weeks, velocity_per_developer=velocity_per_developer)
    require_between("monthly_attrition", monthly_attrition, 0.0, 1.0, high_inclusive=False)
    if lead_time_weeks is None:
        lead_time_weeks = float(weeks_to_hire())
    require_nonnegative(lead_time_weeks=lead_time_weeks)
    require_finite(lead_time_weeks=lead_time_weeks)
    cap = None
    if max_hires_per_month is not None:
        cap = require_integer("max_hires_per_month", max_hires_per_month, minimum=1)

    target = float(target_velocity)
    v = float(velocity_per_developer)
    n_needed = developers_for_velocity(
        target,
        v,
        hours_per_channel_per_week=hours_per_channel_per_week,
        hours_per_week=hours_per_week,
    )
    c = float(hours_per_channel_per_week) / float(hours_per_week)
    vmax, peak = _max_velocity(v, c) if c > 0 else (math.inf, math.inf)
    lower, upper = (float(x) for x in _roots(np.array(target), np.array(v), np.array(c)))

    survive = 1.0 - float(monthly_attrition)
    survivors = n0 * survive**target_month
    attrs = {
        "developers_needed": n_needed,
        "max_velocity": vmax,
        "peak_team_size": peak,
    }
    if _velocity(survivors, survivors, v, c) >= target * (1 - 1e-12):
        plan = _plan_frame([], [], [], target_month)
        plan.attrs.update(attrs, expected_headcount=survivors)
        return plan
    if survivors > upper:
        raise ValueError(
            f"current_developers={current_developers!r} is past the velocity peak "
            f"({peak} developers, {vmax:.4g} story points/sprint): hiring would lower "
            "velocity; reorganise into several teams instead"
        )

    ramp_months = float(ramp_weeks) / WEEKS_PER_MONTH
    lead_months = float(lead_time_weeks) / WEEKS_PER_MONTH
    latest_join = math.floor(target_month - ramp_months + _EPS)
    gap = lower - survivors
    if cap is not None and monthly_attrition > 0:
        # Hires in ever earlier months add a geometric series capped at cap * w0 / a.
        most = cap * survive ** (target_month - latest_join) / float(monthly_attrition)
        if most < gap:
            raise ValueError(
                f"max_hires_per_month={max_hires_per_month!r} cannot outpace attrition "
                f"(monthly_attrition={monthly_attrition!r}): at most {most:.4g} more "
                f"developers by month {target_month}, {gap:.4g} needed; raise the cap or "
                "retention"
            )
    joins: list[int] = []
    headcount = survivors
    batch = 0
    while headcount < lower - _EPS:
        join = latest_join - batch
        weight = survive ** (target_month - join)
        room = math.inf if cap is None else cap
        wanted = (lower - headcount) / weight - _EPS
        count = room if wanted >= room else math.ceil(wanted)
        joins.extend([join] * int(count))
        headcount += count * weight
        batch += 1
        if batch > 10_000:
            raise ValueError(
                f"adding {gap:.4g} developers at max_hires_per_month="
                f"{max_hires_per_month!r} would take more than 10000 months of hiring; "
                "raise the cap"
            )
    if headcount > upper + _EPS:
        raise ValueError(
            f"target_velocity={target!r} is within reach only for team sizes between "
            f"{lower:.4g} and {upper:.4g}, which whole hires after attrition overshoot "
            f"(expected headcount {headcount:.4g}); the maximum is {vmax:.4g} story "
            f"points/sprint with {peak} developers"
        )
    joins.sort()
    opens = [math.floor(j - lead_months + _EPS) for j in joins]
    productive = [math.ceil(j + ramp_months - _EPS) for j in joins]
    plan = _plan_frame(opens, joins, productive, target_month)
    plan.attrs.update(attrs, expected_headcount=headcount)
    return plan


def _plan_frame(opens, joins, productive, target_month) -> pd.DataFrame:
    opens_arr = np.asarray(opens, dtype=np.int64)
    return pd.DataFrame(
        {
            "open_month": opens_arr,
            "join_month": np.asarray(joins, dtype=np.int64),
            "productive_month": np.asarray(productive, dtype=np.int64),
            "on_time": opens_arr >= 0,
        },
        index=pd.RangeIndex(1, len(opens) + 1, name="hire"),
    )
