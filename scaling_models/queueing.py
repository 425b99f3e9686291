r"""Queueing models for servers, pools and connections: M/M/1, M/M/c and Little's law.

A service is modelled as ``c`` identical servers (instances, worker threads, database
connections) fed by Poisson arrivals with exponential service times. Inputs are the
per-server ``utilisation`` :math:`\rho = \lambda S / c` as a fraction in [0, 1) and the
mean ``service_time`` :math:`S` in seconds; outputs are probabilities (Erlang B, Erlang C),
mean waiting and response times and response-time percentiles in seconds, the unit of
``service_time``. ``offered_load`` :math:`A = \lambda S = c \rho` is in erlangs (the mean
number of busy servers). Little's law converts rates and times into counts (requests in
flight, database connections in use).

The exponential service-time assumption makes the percentiles a model, not a measurement:
real latency distributions usually have heavier tails, so treat a modelled P95 as a floor.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._checks import (
    as_float_array,
    require_between,
    require_finite,
    require_integer,
    require_nonnegative,
    require_positive,
)

__all__ = [
    "SECONDS_PER_DAY",
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
]

SECONDS_PER_DAY = 86_400

# Bisection stops when the bracket is this small relative to the root: far below the
# 1e-9 relative accuracy promised, and reached in about 50 halvings.
_REL_TOL = 1e-14
_MAX_HALVINGS = 200


def _first_bad(arr: np.ndarray, bad: np.ndarray) -> str:
    """Quote the first rejected element of ``arr`` and its index."""
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    where = index[0] if len(index) == 1 else index
    return f"{arr[index].item()!r} at index {where}"


def _as_servers(servers: ArrayLike) -> np.ndarray:
    """Validate a server count (scalar or array of whole numbers >= 1); return int64."""
    if np.ndim(servers) == 0:
        value = servers.item() if isinstance(servers, np.ndarray) else servers
        return np.asarray(require_integer("servers", value, minimum=1), dtype=np.int64)
    arr = as_float_array("servers", servers)
    bad = ~(np.isfinite(arr) & (arr == np.round(arr)) & (arr >= 1))
    if bad.any():
        raise ValueError(f"servers must be whole numbers >= 1; got {_first_bad(arr, bad)}")
    return arr.astype(np.int64)


def _require_stable(servers: np.ndarray, offered_load: np.ndarray) -> None:
    """Raise unless ``servers > offered_load`` everywhere (a queue that empties)."""
    c, a = np.broadcast_arrays(servers, offered_load)
    bad = ~(c > a)
    if bad.any():
        if bad.ndim == 0:
            got = f"servers={c.item()}, offered_load={a.item()!r}"
        else:
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            where = index[0] if len(index) == 1 else index
            got = f"servers={c[index].item()}, offered_load={a[index].item()!r} at index {where}"
        raise ValueError(f"servers must be > offered_load for a stable queue; got {got}")


def _check_queue_inputs(utilisation: ArrayLike, service_time: ArrayLike):
    rho = require_between("utilisation", utilisation, 0.0, 1.0, high_inclusive=False)
    require_positive(service_time=service_time)
    require_finite(service_time=service_time)
    return rho, np.asarray(service_time, dtype=float)


def _check_q(q: ArrayLike) -> np.ndarray:
    return require_between("q", q, 0.0, 1.0, low_inclusive=False, high_inclusive=False)


def _erlang_b(c: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Erlang B by the recursion B(k) = A B(k-1) / (k + A B(k-1)), B(0) = 1 (unchecked)."""
    c, a = np.broadcast_arrays(c, a)
    b = np.ones(a.shape)
    top = int(c.max()) if c.size else 0
    for k in range(1, top + 1):
        ab = a * b
        b = np.where(k <= c, ab / (k + ab), b)
    return b


def erlang_b(servers: ArrayLike, offered_load: ArrayLike) -> np.ndarray:
    r"""
    Blocking probability of an M/M/c/c loss system (Erlang B formula) [1]_.

    Parameters
    ----------
    servers : int or array_like of int
        Number of servers :math:`c`, whole numbers >= 1. [servers]
    offered_load : array_like
        Offered traffic :math:`A = \lambda S`, finite and >= 0. [erlang]

    Returns
    -------
    blocking : ndarray
        Probability that an arrival finds every server busy and is lost, broadcast
        over ``servers`` and ``offered_load``. [fraction]

    Raises
    ------
    ValueError
        If ``servers`` is not a whole number >= 1 or ``offered_load`` is negative,
        NaN or infinite.
    TypeError
        If ``servers`` is not a number.

    Notes
    -----
    .. math:: B(c, A) = \frac{A^c / c!}{\sum_{k=0}^{c} A^k / k!}

    is evaluated with the recursion :math:`B(0) = 1`,
    :math:`B(k) = A B(k-1) / (k + A B(k-1))` [2]_, which never forms :math:`A^c` or
    :math:`c!` and so neither overflows nor cancels for large ``c``.

    References
    ----------
    .. [1] A. K. Erlang, "Solution of some problems in the theory of probabilities of
       significance in automatic telephone exchanges," Elektroteknikeren, vol. 13, 1917.
    .. [2] D. L. Jagerman, "Some properties of the Erlang loss function," Bell System
       Technical Journal, vol. 53, no. 3, pp. 525-551, 1974.
       :doi:`10.1002/j.1538-7305.1974.tb02756.x`

    Examples
    --------
    >>> float(erlang_b(2, 1.0))
    0.2
    """
    c = _as_servers(servers)
    require_nonnegative(offered_load=offered_load)
    require_finite(offered_load=offered_load)
    return _erlang_b(c, np.asarray(offered_load, dtype=float))[()]


def _erlang_c(c: np.ndarray, a: np.ndarray) -> np.ndarray:
    b = _erlang_b(c, a)
    return c * b / (c - a * (1.0 - b))


def erlang_c(servers: ArrayLike, offered_load: ArrayLike) -> np.ndarray:
    r"""
    Probability that an arrival has to wait in an M/M/c queue (Erlang C formula) [1]_.

    Parameters
    ----------
    servers : int or array_like of int
        Number of servers :math:`c`, whole numbers >= 1 and strictly above
        ``offered_load``. [servers]
    offered_load : array_like
        Offered traffic :math:`A = \lambda S = c \rho`, >= 0. [erlang]

    Returns
    -------
    wait_probability : ndarray
        :math:`P(W > 0)`, broadcast over the inputs. [fraction]

    Raises
    ------
    ValueError
        If ``servers`` is not a whole number >= 1, ``offered_load`` is negative or not
        finite, or ``servers <= offered_load`` (the queue would grow without bound).

    Notes
    -----
    .. math:: C(c, A) = \frac{\frac{A^c}{c!}\frac{c}{c - A}}
              {\sum_{k=0}^{c-1} \frac{A^k}{k!} + \frac{A^c}{c!}\frac{c}{c - A}}
              = \frac{c\,B(c, A)}{c - A\,(1 - B(c, A))}

    The right-hand form, through the stable Erlang B recursion, is what is computed [2]_.

    References
    ----------
    .. [1] A. K. Erlang, "Solution of some problems in the theory of probabilities of
       significance in automatic telephone exchanges," Elektroteknikeren, vol. 13, 1917.
    .. [2] L. Kleinrock, *Queueing Systems, Volume 1: Theory*. New York: Wiley, 1975,
       section 3.5 (M/M/m).

    Examples
    --------
    Call Centre Helper's worked example: 100 calls per half hour of 3 minutes each is
    10 erlangs; with 14 agents 17.4 % of callers wait.

    >>> round(float(erlang_c(14, 10.0)), 3)
    0.174
    """
    c = _as_servers(servers)
    require_nonnegative(offered_load=offered_load)
    require_finite(offered_load=offered_load)
    a = np.asarray(offered_load, dtype=float)
    _require_stable(c, a)
    return _erlang_c(c, a)[()]


def mm1_waiting_time(utilisation: ArrayLike, service_time: ArrayLike) -> np.ndarray:
    r"""
    Mean time spent queueing before service in an M/M/1 queue [1]_.

    Parameters
    ----------
    utilisation : array_like
        Server utilisation :math:`\rho = \lambda S`, in [0, 1). [fraction]
    service_time : array_like
        Mean service time :math:`S`, > 0. [s]

    Returns
    -------
    waiting_time : ndarray
        :math:`W_q = \rho S / (1 - \rho)`. [s]

    Raises
    ------
    ValueError
        If ``utilisation`` is outside [0, 1) or ``service_time`` is not positive.

    References
    ----------
    .. [1] L. Kleinrock, *Queueing Systems, Volume 1: Theory*. New York: Wiley, 1975,
       section 3.2 (M/M/1).
    """
    rho, s = _check_queue_inputs(utilisation, service_time)
    return (rho * s / (1.0 - rho))[()]


def mm1_response_time(utilisation: ArrayLike, service_time: ArrayLike) -> np.ndarray:
    r"""
    Mean response time (queueing plus service) in an M/M/1 queue [1]_.

    Parameters
    ----------
    utilisation : array_like
        Server utilisation :math:`\rho = \lambda S`, in [0, 1). [fraction]
    service_time : array_like
        Mean service time :math:`S`, > 0. [s]

    Returns
    -------
    response_time : ndarray
        :math:`T = S / (1 - \rho)`. [s]

    Raises
    ------
    ValueError
        If ``utilisation`` is outside [0, 1) or ``service_time`` is not positive.

    References
    ----------
    .. [1] L. Kleinrock, *Queueing Systems, Volume 1: Theory*. New York: Wiley, 1975,
       section 3.2 (M/M/1).

    Examples
    --------
    >>> float(mm1_response_time(0.5, 0.2))
    0.4
    """
    rho, s = _check_queue_inputs(utilisation, service_time)
    return (s / (1.0 - rho))[()]


def mm1_response_time_percentile(
    utilisation: ArrayLike, service_time: ArrayLike, q: ArrayLike = 0.95
) -> np.ndarray:
    r"""
    Quantile of the response time of an M/M/1 FCFS queue [1]_.

    Parameters
    ----------
    utilisation : array_like
        Server utilisation :math:`\rho = \lambda S`, in [0, 1). [fraction]
    service_time : array_like
        Mean service time :math:`S`, > 0. [s]
    q : array_like, default 0.95
        Probability level, strictly between 0 and 1 (0.95 for P95). [fraction]

    Returns
    -------
    percentile : ndarray
        Response time not exceeded by a fraction ``q`` of requests. [s]

    Raises
    ------
    ValueError
        If ``utilisation`` is outside [0, 1), ``service_time`` is not positive or ``q``
        is outside (0, 1).

    Notes
    -----
    The response time of M/M/1 FCFS is exponential with rate :math:`(1 - \rho)/S`, so

    .. math:: t_q = -\ln(1 - q)\,\frac{S}{1 - \rho}

    e.g. P90 = 2.3 and P95 = 3.0 times the mean response time [1]_.

    References
    ----------
    .. [1] R. Jain, *The Art of Computer Systems Performance Analysis*. New York: Wiley,
       1991, ch. 31 (Box 31.9, G/M/1, which reduces to M/M/1 for Poisson arrivals).

    Examples
    --------
    >>> round(float(mm1_response_time_percentile(0.5, 0.005, q=0.9)), 6)
    0.023026
    """
    rho, s = _check_queue_inputs(utilisation, service_time)
    q = _check_q(q)
    return _mm1_percentile(rho, s, q)[()]


def _mm1_percentile(rho, s, q):
    """:func:`mm1_response_time_percentile` unchecked; ``inf`` once ``rho >= 1``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        t = -np.log1p(-q) * s / (1.0 - rho)
    return np.where(rho < 1.0, t, np.inf)


def _mm1_utilisation_at(t, s, q):
    """Utilisation at which the M/M/1 ``q``-percentile equals ``t`` (0 if above at any load).

    The inverse of :func:`_mm1_percentile` in ``rho``: :math:`1 - (-\\ln(1 - q)) S / t`.
    """
    return np.maximum(1.0 - -np.log1p(-q) * s / t, 0.0)


def mmc_waiting_time(
    servers: ArrayLike, utilisation: ArrayLike, service_time: ArrayLike
) -> np.ndarray:
    r"""
    Mean time spent queueing before service in an M/M/c queue [1]_.

    Parameters
    ----------
    servers : int or array_like of int
        Number of servers :math:`c`, >= 1. [servers]
    utilisation : array_like
        Per-server utilisation :math:`\rho = \lambda S / c`, in [0, 1). [fraction]
    service_time : array_like
        Mean service time :math:`S`, > 0. [s]

    Returns
    -------
    waiting_time : ndarray
        :math:`W_q = C(c, c\rho)\,S / (c (1 - \rho))`. [s]

    Raises
    ------
    ValueError
        If ``servers`` is not a whole number >= 1, ``utilisation`` is outside [0, 1) or
        ``service_time`` is not positive.

    References
    ----------
    .. [1] L. Kleinrock, *Queueing Systems, Volume 1: Theory*. New York: Wiley, 1975,
       section 3.5 (M/M/m).
    """
    c = _as_servers(servers)
    rho, s = _check_queue_inputs(utilisation, service_time)
    return _mmc_waiting(c, rho, s)[()]


def _mmc_waiting(c, rho, s):
    """:func:`mmc_waiting_time` unchecked."""
    return _erlang_c(c, c * rho) * s / (c * (1.0 - rho))


def mmc_response_time(
    servers: ArrayLike, utilisation: ArrayLike, service_time: ArrayLike
) -> np.ndarray:
    r"""
    Mean response time (queueing plus service) in an M/M/c queue [1]_.

    Parameters
    ----------
    servers : int or array_like of int
        Number of servers :math:`c`, >= 1. [servers]
    utilisation : array_like
        Per-server utilisation :math:`\rho = \lambda S / c`, in [0, 1). [fraction]
    service_time : array_like
        Mean service time :math:`S`, > 0. [s]

    Returns
    -------
    response_time : ndarray
        :math:`T = W_q + S`. [s]

    Raises
    ------
    ValueError
        As :func:`mmc_waiting_time`.

    References
    ----------
    .. [1] L. Kleinrock, *Queueing Systems, Volume 1: Theory*. New York: Wiley, 1975,
       section 3.5 (M/M/m).
    """
    c = _as_servers(servers)
    rho, s = _check_queue_inputs(utilisation, service_time)
    return (_mmc_waiting(c, rho, s) + s)[()]


def _phi(x: np.ndarray) -> np.ndarray:
    """(1 - exp(-x)) / x for x >= 0, equal to 1 at x = 0, without cancellation."""
    safe = np.where(x > 0, x, 1.0)
    return np.where(x > 0, -np.expm1(-safe) / safe, 1.0)


def _mmc_sojourn(t, mu, a, wait_prob):
    """CDF and survival of T = W + S at ``t`` (see mmc_response_time_percentile Notes)."""
    m = np.minimum(a, mu)
    mixed = wait_prob * mu * t * np.exp(-m * t) * _phi(np.abs(a - mu) * t)
    return -np.expm1(-mu * t) - mixed, np.exp(-mu * t) + mixed


def mmc_response_time_percentile(
    servers: ArrayLike, utilisation: ArrayLike, service_time: ArrayLike, q: ArrayLike = 0.95
) -> np.ndarray:
    r"""
    Quantile of the response time (wait plus service) of an M/M/c FCFS queue [1]_.

    Parameters
    ----------
    servers : int or array_like of int
        Number of servers :math:`c`, >= 1. [servers]
    utilisation : array_like
        Per-server utilisation :math:`\rho = \lambda S / c`, in [0, 1). [fraction]
    service_time : array_like
        Mean service time :math:`S = 1/\mu`, > 0. [s]
    q : array_like, default 0.95
        Probability level, strictly between 0 and 1 (0.95 for P95). [fraction]

    Returns
    -------
    percentile : ndarray
        Response time not exceeded by a fraction ``q`` of requests, broadcast over all
        inputs, accurate to about 1e-12 relative. [s]

    Raises
    ------
    ValueError
        If ``servers`` is not a whole number >= 1, ``utilisation`` is outside [0, 1),
        ``service_time`` is not positive or ``q`` is outside (0, 1).

    Notes
    -----
    The wait :math:`W` is 0 with probability :math:`1 - C` (Erlang C) and otherwise
    exponential with rate :math:`a = c\mu - \lambda = c\mu(1 - \rho)`; the service
    :math:`S` is exponential with rate :math:`\mu` and independent of :math:`W` [1]_.
    The survival function of :math:`T = W + S` is therefore the mixture

    .. math:: P(T > t) = e^{-\mu t} + C\,\mu t\, e^{-\min(a, \mu) t}\,
              \varphi(|a - \mu|\, t), \qquad \varphi(x) = \frac{1 - e^{-x}}{x},
              \ \varphi(0) = 1,

    which equals :math:`(1 - C) e^{-\mu t} + C\,\frac{a e^{-\mu t} - \mu e^{-a t}}{a - \mu}`
    for :math:`a \ne \mu` and :math:`(1 - C)e^{-\mu t} + C (1 + \mu t) e^{-\mu t}` for
    :math:`a = \mu`; the :math:`\varphi` form is continuous across the two cases and free
    of cancellation near :math:`a = \mu`. For ``servers = 1`` it reduces to the
    exponential of :func:`mm1_response_time_percentile`.

    The quantile is found by vectorised bisection: the bracket :math:`[0, t_1]` is doubled
    until it contains the root, then halved until its width is below 1e-14 of the root.
    The CDF is used for ``q < 0.5`` and the survival function above, so both tails keep
    full relative precision.

    References
    ----------
    .. [1] D. Gross, J. F. Shortle, J. M. Thompson and C. M. Harris, *Fundamentals of
       Queueing Theory*, 4th ed. Hoboken, NJ: Wiley, 2008, section 2.3 (M/M/c),
       waiting-time distribution. :doi:`10.1002/9781118625651`

    Examples
    --------
    >>> round(float(mmc_response_time_percentile(1, 0.5, 0.005, q=0.9)), 6)
    0.023026
    """
    c = _as_servers(servers)
    rho, s = _check_queue_inputs(utilisation, service_time)
    q = _check_q(q)
    return _mmc_percentile(c, rho, s, q)[()]


def _mmc_percentile(c, rho, s, q):
    """:func:`mmc_response_time_percentile` unchecked; ``inf`` once ``rho >= 1``."""
    c, rho, s, q = np.broadcast_arrays(c, rho, s, q)
    stable = rho < 1.0
    if not stable.all():
        t = np.full(rho.shape, np.inf)
        t[stable] = _mmc_percentile(c[stable], rho[stable], s[stable], q[stable])
        return t
    mu = 1.0 / s
    a = c * mu * (1.0 - rho)
    wait_prob = _erlang_c(c, c * rho)
    lower_half = q < 0.5

    def excess(t):
        # Increasing in t and zero at the quantile.
        cdf, tail = _mmc_sojourn(t, mu, a, wait_prob)
        return np.where(lower_half, cdf - q, (1.0 - q) - tail)

    lo = np.zeros(q.shape)
    hi = -np.log1p(-q) * (1.0 / mu + 1.0 / a)
    for _ in range(_MAX_HALVINGS):
        short = excess(hi) < 0
        if not short.any():
            break
        lo = np.where(short, hi, lo)
        hi = np.where(short, 2.0 * hi, hi)
    for _ in range(_MAX_HALVINGS):
        mid = 0.5 * (lo + hi)
        below = excess(mid) < 0
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
        if np.all(hi - lo <= _REL_TOL * hi):
            break
    return 0.5 * (lo + hi)


def _mmc_utilisation_at(c, t, s, q):
    """Per-server utilisation at which the M/M/c ``q``-percentile equals ``t``, unchecked.

    The percentile increases with utilisation, so the root of
    :math:`P(T > t; \\rho) = 1 - q` is found by bisection on :math:`\\rho \\in [0, 1)`
    (to 1e-14); 0 when the percentile is above ``t`` even at no load.
    """
    c, t, s, q = np.broadcast_arrays(np.asarray(c, dtype=float), t, s, q)
    mu = 1.0 / s

    def tail(rho):
        return _mmc_sojourn(t, mu, c * mu * (1.0 - rho), _erlang_c(c, c * rho))[1]

    lo, hi = np.zeros(t.shape), np.ones(t.shape)
    for _ in range(_MAX_HALVINGS):
        mid = 0.5 * (lo + hi)
        below = tail(mid) < 1.0 - q
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
        if np.all(hi - lo <= _REL_TOL):
            break
    return np.where(tail(0.0) >= 1.0 - q, 0.0, lo)


def response_time_percentiles(
    servers: int,
    utilisation: ArrayLike,
    service_time: float,
    q: tuple[float, ...] = (0.5, 0.95, 0.99),
) -> pd.DataFrame:
    r"""
    Mean and percentile response times of an M/M/c queue as utilisation rises.

    A notebook-friendly table over :func:`mmc_response_time` and
    :func:`mmc_response_time_percentile`.

    Parameters
    ----------
    servers : int
        Number of servers :math:`c`, >= 1. [servers]
    utilisation : array_like
        1-D per-server utilisations, each in [0, 1). [fraction]
    service_time : float
        Mean service time, > 0. [s]
    q : tuple of float, default (0.5, 0.95, 0.99)
        Probability levels, each in (0, 1). [fraction]

    Returns
    -------
    table : pandas.DataFrame
        Indexed by ``utilisation``; column ``mean`` then one column per level named
        ``P50``, ``P95``, ``P99`` (``P99.9`` for 0.999). [s]

    Raises
    ------
    ValueError
        As :func:`mmc_response_time_percentile`, or if ``utilisation`` is not 1-D.

    Examples
    --------
    >>> response_time_percentiles(2, [0.5, 0.9], 0.1).columns.tolist()
    ['mean', 'P50', 'P95', 'P99']
    """
    rho = np.atleast_1d(as_float_array("utilisation", utilisation))
    if rho.ndim != 1:
        raise ValueError(f"utilisation must be 1-D; got an array of shape {rho.shape}")
    levels = np.atleast_1d(_check_q(q))
    data = {"mean": mmc_response_time(servers, rho, service_time)}
    for level in levels:
        data[f"P{100 * level:g}"] = mmc_response_time_percentile(
            servers, rho, service_time, q=level
        )
    return pd.DataFrame(data, index=pd.Index(rho, name="utilisation"))


def littles_law(arrival_rate: ArrayLike, time_in_system: ArrayLike) -> np.ndarray:
    r"""
    Mean number of items in a system from Little's law, :math:`L = \lambda W` [1]_.

    Parameters
    ----------
    arrival_rate : array_like
        Long-run arrival (= throughput) rate :math:`\lambda`, >= 0. [items/s]
    time_in_system : array_like
        Mean time an item spends in the system :math:`W`, >= 0, in the time unit of
        ``arrival_rate``. [s]

    Returns
    -------
    in_system : ndarray
        Mean number of items in the system :math:`L`. [items]

    Raises
    ------
    ValueError
        If either input is negative, NaN or infinite.

    Notes
    -----
    Holds for any stable system whatever the arrival and service distributions.

    References
    ----------
    .. [1] J. D. C. Little, "A proof for the queuing formula: L = λW," Operations
       Research, vol. 9, no. 3, pp. 383-387, 1961. :doi:`10.1287/opre.9.3.383`

    Examples
    --------
    >>> float(littles_law(200.0, 0.25))
    50.0
    """
    require_nonnegative(arrival_rate=arrival_rate, time_in_system=time_in_system)
    require_finite(arrival_rate=arrival_rate, time_in_system=time_in_system)
    return (np.asarray(arrival_rate, dtype=float) * np.asarray(time_in_system, dtype=float))[()]


def db_connections_in_use(transactions_per_second: ArrayLike, hold_time_s: ArrayLike) -> np.ndarray:
    r"""
    Mean database connections busy at once, by Little's law [1]_.

    Parameters
    ----------
    transactions_per_second : array_like
        Rate of transactions that each take a connection, >= 0. [transactions/s]
    hold_time_s : array_like
        Mean time a transaction holds its connection, >= 0. [s]

    Returns
    -------
    connections : ndarray
        Mean number of connections in use; compare with the pool size (docs/domain.md section
        3: attention above 70 %, critical above 90 % of the pool). [connections]

    Raises
    ------
    ValueError
        If either input is negative, NaN or infinite.

    References
    ----------
    .. [1] J. D. C. Little, "A proof for the queuing formula: L = λW," Operations
       Research, vol. 9, no. 3, pp. 383-387, 1961. :doi:`10.1287/opre.9.3.383`

    Examples
    --------
    >>> float(db_connections_in_use(400.0, 0.05))
    20.0
    """
    require_nonnegative(transactions_per_second=transactions_per_second, hold_time_s=hold_time_s)
    require_finite(transactions_per_second=transactions_per_second, hold_time_s=hold_time_s)
    tps = np.asarray(transactions_per_second, dtype=float)
    return (tps * np.asarray(hold_time_s, dtype=float))[()]


def per_second(per_day: ArrayLike, peak_factor: ArrayLike = 1.0) -> np.ndarray:
    r"""
    Convert a daily count into a rate per second, optionally scaled to the peak.

    Parameters
    ----------
    per_day : array_like
        Events per day (transactions, requests), >= 0. [events/day]
    peak_factor : array_like, default 1.0
        Ratio of the peak rate to the daily average, >= 1 (1.0 gives the average rate).
        [ratio]

    Returns
    -------
    rate : ndarray
        ``per_day / 86_400 * peak_factor``. [events/s]

    Raises
    ------
    ValueError
        If ``per_day`` is negative or not finite, or ``peak_factor`` is below 1 or not
        finite (a factor below 1 would describe a trough, not a peak).

    Examples
    --------
    docs/domain.md section 1: 10 K transactions a day average 0.116 per second.

    >>> round(float(per_second(10_000)), 4)
    0.1157
    """
    require_nonnegative(per_day=per_day)
    require_finite(per_day=per_day, peak_factor=peak_factor)
    factor = np.asarray(peak_factor, dtype=float)
    if np.any(factor < 1):
        raise ValueError(
            f"peak_factor must be >= 1 (peak rate / average rate); got {peak_factor!r}"
        )
    return (np.asarray(per_day, dtype=float) / SECONDS_PER_DAY * factor)[()]
