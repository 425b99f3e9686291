"""Infrastructure and team cost: economies of scale, unit costs and revenue shares.

Money is unit-agnostic (the defaults, taken from the article's worked example, are EUR);
every amount is per month unless its name says otherwise. Functions accept scalars or
arrays and broadcast, so the same call serves a point estimate and a Monte Carlo run
(draws on axis 0, months on the last axis).

The defaults come from ``docs/domain.md``: 100 K EUR revenue for 50 K MAU gives
2 EUR per MAU per month; the scenario tables price +8 developers at 480 K EUR, +20 at
1.2 M EUR, +50 at 3 M EUR and +5 at 300 K EUR, i.e. 60 K EUR per developer per year; the
article's target keeps infrastructure cost below 10 % of revenue.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from scaling_models._checks import (
    as_float_array,
    require_finite,
    require_fraction,
    require_nonnegative,
    require_positive,
)

__all__ = [
    "DEFAULT_ARPU",
    "DEFAULT_DEVELOPER_ANNUAL_COST",
    "INFRA_SHARE_TARGET",
    "infrastructure_cost",
    "step_cost",
    "cost_per_user",
    "cost_per_transaction",
    "revenue",
    "infra_share_of_revenue",
    "infra_budget",
    "team_monthly_cost",
    "team_cost",
]

#: Average revenue per monthly active user: 100 K EUR / 50 K MAU (docs/domain.md section 1).
#: [currency/user/month]
DEFAULT_ARPU: float = 2.0

#: Fully loaded cost of one developer, implied by the article's scenario tables
#: (+8 developers = 480 K EUR, +20 = 1.2 M EUR, +50 = 3 M EUR; docs/domain.md sections 6 and 8).
#: [currency/developer/year]
DEFAULT_DEVELOPER_ANNUAL_COST: float = 60_000.0

#: The article's ceiling for infrastructure cost as a share of revenue (docs/domain.md section 3).
#: [fraction]
INFRA_SHARE_TARGET: float = 0.10

_MONTHS_PER_YEAR = 12


def infrastructure_cost(
    load_ratio: ArrayLike, base_monthly_cost: ArrayLike, scale_exponent: ArrayLike = 0.8
) -> np.ndarray:
    r"""
    Monthly infrastructure cost under power-law economies of scale.

    Parameters
    ----------
    load_ratio : array_like
        Load relative to today's (users, transactions or requests): 1 is today,
        2 twice today's load. [dimensionless, >= 0]
    base_monthly_cost : array_like
        Infrastructure cost at ``load_ratio == 1``. [currency/month, >= 0]
    scale_exponent : array_like, default 0.8
        Elasticity of cost to load :math:`b`. Values in (0, 1) make the cost per unit of
        load fall as load grows; 1 is linear; above 1 models diseconomies of scale
        (e.g. vertical database scaling, whose "cost grows steeply"). [dimensionless, > 0]

    Returns
    -------
    cost : ndarray
        Broadcast of the inputs. [currency/month]

    Raises
    ------
    ValueError
        If ``load_ratio`` or ``base_monthly_cost`` is negative, or ``scale_exponent`` is
        not positive (or any is NaN).

    Notes
    -----
    .. math:: C(r) = C_0 \, r^{b}

    The cost per unit of load is :math:`C_0 r^{b-1}`, falling with scale when
    :math:`b < 1`: the article's target that "cost per user should decrease with scale".
    The power-law form is the cost-capacity rule of engineering cost estimation [1]_
    (exponent 0.6 for process plant); 0.8 is this project's assumption for cloud
    infrastructure, where most of the bill (instances, storage, bandwidth) is metered
    close to linearly and only part of it (volume discounts, reserved capacity, fixed
    tooling) is shared. Calibrate it on the company's own (load, cost) history.
    This is a smooth trend; :func:`step_cost` prices whole instances.

    References
    ----------
    .. [1] R. Williams Jr., "Six-tenths factor aids in approximating costs,"
       Chemical Engineering, vol. 54, no. 12, pp. 124-125, 1947.

    Examples
    --------
    >>> float(infrastructure_cost(2.0, 10_000))
    17411.011265922483
    """
    require_nonnegative(load_ratio=load_ratio, base_monthly_cost=base_monthly_cost)
    require_positive(scale_exponent=scale_exponent)
    require_finite(
        load_ratio=load_ratio, base_monthly_cost=base_monthly_cost, scale_exponent=scale_exponent
    )
    r = np.asarray(load_ratio, dtype=float)
    c0 = np.asarray(base_monthly_cost, dtype=float)
    b = np.asarray(scale_exponent, dtype=float)
    with np.errstate(divide="ignore"):  # a load ratio of 0 costs 0: exp(b ln 0) = 0
        return _infrastructure_cost(np.log(r), c0, b)


def _infrastructure_cost(log_ratio, base_monthly_cost, scale_exponent):
    """:func:`infrastructure_cost` from the log load ratio, unchecked: :math:`C_0 e^{b \\ln r}`.

    The Monte Carlo engine's core (it carries log ratios); arrays broadcast.
    """
    return base_monthly_cost * np.exp(scale_exponent * log_ratio)


def step_cost(
    instances: ArrayLike, cost_per_instance: ArrayLike, fixed_monthly_cost: ArrayLike = 0.0
) -> np.ndarray:
    r"""
    Monthly cost of whole instances: capacity is bought in steps.

    Parameters
    ----------
    instances : array_like
        Instances needed; a fractional need is rounded up to the next whole instance.
        [instances, >= 0]
    cost_per_instance : array_like
        Cost of one instance. [currency/month/instance, >= 0]
    fixed_monthly_cost : array_like, default 0.0
        Cost that does not scale with instances (licences, monitoring, support).
        [currency/month, >= 0]

    Returns
    -------
    cost : ndarray
        :math:`F + \lceil n \rceil \, c`. [currency/month]

    Raises
    ------
    ValueError
        If any input is negative, infinite or NaN.

    Notes
    -----
    Rounding uses the need rounded to 9 decimals first, so a computed need of
    ``3.0000000000004`` (floating-point noise) buys 3 instances, not 4.

    Examples
    --------
    >>> float(step_cost(2.3, 500.0, fixed_monthly_cost=1_000.0))
    2500.0
    """
    require_nonnegative(
        instances=instances,
        cost_per_instance=cost_per_instance,
        fixed_monthly_cost=fixed_monthly_cost,
    )
    require_finite(
        instances=instances,
        cost_per_instance=cost_per_instance,
        fixed_monthly_cost=fixed_monthly_cost,
    )
    n = np.ceil(np.round(np.asarray(instances, dtype=float), 9))
    return np.asarray(fixed_monthly_cost, dtype=float) + n * np.asarray(
        cost_per_instance, dtype=float
    )


def cost_per_user(monthly_cost: ArrayLike, users: ArrayLike) -> np.ndarray:
    """
    Monthly cost per active user.

    Parameters
    ----------
    monthly_cost : array_like
        Cost for the month (infrastructure, team or both). [currency/month, >= 0]
    users : array_like
        Monthly active users. [users, > 0]

    Returns
    -------
    ndarray
        [currency/user/month]

    Raises
    ------
    ValueError
        If ``monthly_cost`` is negative or ``users`` is not positive (or NaN).

    Examples
    --------
    >>> float(cost_per_user(8_000, 50_000))
    0.16
    """
    require_nonnegative(monthly_cost=monthly_cost)
    require_positive(users=users)
    return _cost_per_unit(np.asarray(monthly_cost, dtype=float), np.asarray(users, dtype=float))


def _cost_per_unit(monthly_cost, units):
    """Cost per user, per transaction or per unit of revenue, unchecked (engine core)."""
    return monthly_cost / units


def cost_per_transaction(monthly_cost: ArrayLike, transactions_per_month: ArrayLike) -> np.ndarray:
    """
    Cost per transaction.

    Parameters
    ----------
    monthly_cost : array_like
        Cost for the month. [currency/month, >= 0]
    transactions_per_month : array_like
        Transactions in the same month; 10 K per day is about 304 K per month
        (x 365.25 / 12). [transactions/month, > 0]

    Returns
    -------
    ndarray
        [currency/transaction]

    Raises
    ------
    ValueError
        If ``monthly_cost`` is negative or ``transactions_per_month`` is not positive.

    Examples
    --------
    >>> float(cost_per_transaction(6_000, 300_000))
    0.02
    """
    require_nonnegative(monthly_cost=monthly_cost)
    require_positive(transactions_per_month=transactions_per_month)
    return _cost_per_unit(np.asarray(monthly_cost, dtype=float),
                          np.asarray(transactions_per_month, dtype=float))


def revenue(users: ArrayLike, arpu: ArrayLike = DEFAULT_ARPU) -> np.ndarray:
    """
    Monthly revenue from active users at a constant average revenue per user.

    Parameters
    ----------
    users : array_like
        Monthly active users. [users, >= 0]
    arpu : array_like, default :data:`DEFAULT_ARPU` (2.0)
        Average revenue per user per month; the default is the article's
        100 K EUR / 50 K MAU. [currency/user/month, >= 0]

    Returns
    -------
    ndarray
        [currency/month]

    Raises
    ------
    ValueError
        If ``users`` or ``arpu`` is negative or NaN.

    Examples
    --------
    >>> float(revenue(50_000))
    100000.0
    """
    require_nonnegative(users=users, arpu=arpu)
    return _revenue(np.asarray(users, dtype=float), np.asarray(arpu, dtype=float))


def _revenue(users, arpu):
    """:func:`revenue` unchecked (engine core)."""
    return users * arpu


def infra_share_of_revenue(infra_cost: ArrayLike, revenue: ArrayLike) -> np.ndarray:
    """
    Infrastructure cost as a fraction of revenue (target: below :data:`INFRA_SHARE_TARGET`).

    Parameters
    ----------
    infra_cost : array_like
        Infrastructure cost for the month. [currency/month, >= 0]
    revenue : array_like
        Revenue for the same month. [currency/month, > 0]

    Returns
    -------
    share : ndarray
        May exceed 1 when infrastructure costs more than the company earns. [fraction]

    Raises
    ------
    ValueError
        If ``infra_cost`` is negative or ``revenue`` is not positive (or NaN).

    Examples
    --------
    >>> float(infra_share_of_revenue(8_000, 100_000))
    0.08
    """
    require_nonnegative(infra_cost=infra_cost)
    require_positive(revenue=revenue)
    return _cost_per_unit(np.asarray(infra_cost, dtype=float), np.asarray(revenue, dtype=float))


def infra_budget(revenue: ArrayLike, target_share: ArrayLike = INFRA_SHARE_TARGET) -> np.ndarray:
    """
    Largest monthly infrastructure spend that keeps the share of revenue at the target.

    Parameters
    ----------
    revenue : array_like
        Monthly revenue. [currency/month, >= 0]
    target_share : array_like, default :data:`INFRA_SHARE_TARGET` (0.10)
        Ceiling on infrastructure cost / revenue. [fraction in [0, 1]]

    Returns
    -------
    ndarray
        [currency/month]

    Raises
    ------
    ValueError
        If ``revenue`` is negative or ``target_share`` is outside [0, 1].

    Examples
    --------
    >>> float(infra_budget(100_000))
    10000.0
    """
    require_nonnegative(revenue=revenue)
    require_fraction(target_share=target_share)
    return np.asarray(revenue, dtype=float) * np.asarray(target_share, dtype=float)


def team_monthly_cost(
    developers: ArrayLike,
    annual_cost_per_developer: ArrayLike = DEFAULT_DEVELOPER_ANNUAL_COST,
) -> np.ndarray:
    """
    Monthly payroll of a development team.

    Parameters
    ----------
    developers : array_like
        Headcount; fractional values (expected headcount after attrition) are allowed.
        [developers, >= 0]
    annual_cost_per_developer : array_like, default 60_000
        Fully loaded cost of one developer. [currency/developer/year, >= 0]

    Returns
    -------
    ndarray
        ``developers * annual_cost_per_developer / 12``. [currency/month]

    Raises
    ------
    ValueError
        If any input is negative or NaN.

    Examples
    --------
    >>> float(team_monthly_cost(10))
    50000.0
    """
    require_nonnegative(developers=developers, annual_cost_per_developer=annual_cost_per_developer)
    return _team_monthly_cost(np.asarray(developers, dtype=float),
                              np.asarray(annual_cost_per_developer, dtype=float))


def _team_monthly_cost(developers, annual_cost_per_developer):
    """:func:`team_monthly_cost` unchecked (engine core)."""
    return developers * annual_cost_per_developer / _MONTHS_PER_YEAR


def team_cost(
    developers_added: ArrayLike,
    years: ArrayLike = 1.0,
    annual_cost_per_developer: ArrayLike = DEFAULT_DEVELOPER_ANNUAL_COST,
) -> np.ndarray:
    """
    Cost of adding developers for a number of years.

    Parameters
    ----------
    developers_added : array_like
        Developers hired. [developers, >= 0]
    years : array_like, default 1.0
        How long they are paid. [year, >= 0]
    annual_cost_per_developer : array_like, default 60_000
        Fully loaded cost of one developer. [currency/developer/year, >= 0]

    Returns
    -------
    ndarray
        ``developers_added * years * annual_cost_per_developer``. [currency]

    Raises
    ------
    ValueError
        If any input is negative or NaN.

    Notes
    -----
    The article's scenario figures (+8 developers = 480 K EUR, +20 = 1.2 M EUR,
    +50 = 3 M EUR, +5 = 300 K EUR) are all one year of cost at 60 K EUR, even for the
    18- and 24-month scenarios: read them as an annual run-rate, not the cost over the
    scenario's timeline (which would be 1.8 M EUR and 6 M EUR with ``years=1.5`` and 2).
    Hiring is assumed to happen at the start; staggered hires cost less.

    Examples
    --------
    >>> float(team_cost(8))
    480000.0
    """
    require_nonnegative(
        developers_added=developers_added,
        years=years,
        annual_cost_per_developer=annual_cost_per_developer,
    )
    added = as_float_array("developers_added", developers_added)
    return (
        added * np.asarray(years, dtype=float) * np.asarray(annual_cost_per_developer, dtype=float)
    )
