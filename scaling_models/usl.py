r"""Universal Scalability Law (Gunther): throughput against concurrency, fitted to load tests.

Throughput :math:`X(N)` at concurrency :math:`N` (users, threads, nodes) is

.. math:: X(N) = \frac{\lambda N}{1 + \sigma (N - 1) + \kappa N (N - 1)}

with :math:`\lambda` the throughput of one unit of concurrency without interference,
:math:`\sigma` the contention (serialised) fraction and :math:`\kappa` the coherency
(crosstalk) cost. :math:`\kappa > 0` makes throughput peak and then fall as concurrency
grows, which is what a load test before a growth phase needs to reveal. Throughput is in
whatever unit the measurements use (requests/s, scripts/hour...); latency is then in the
reciprocal time unit (s, hours...).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._checks import as_float_array, require_finite, require_nonnegative, require_positive

__all__ = ["MIN_POINTS", "USLFit", "throughput", "fit_usl"]

MIN_POINTS = 6

# Contribution to the USL denominator, at the largest measured concurrency, below which a
# fitted coefficient is reported as 0: no throughput measurement resolves 1 part in 10^6.
_NEGLIGIBLE = 1e-6


def throughput(
    concurrency: ArrayLike, sigma: ArrayLike, kappa: ArrayLike, lambda_: ArrayLike
) -> np.ndarray:
    r"""
    Throughput at a given concurrency under the Universal Scalability Law [1]_.

    Parameters
    ----------
    concurrency : array_like
        Concurrency :math:`N`, > 0. [users, threads or nodes]
    sigma : array_like
        Contention coefficient :math:`\sigma`, >= 0. [dimensionless]
    kappa : array_like
        Coherency coefficient :math:`\kappa`, >= 0. [dimensionless]
    lambda_ : array_like
        Throughput of a single unit of concurrency without interference, > 0.
        [throughput unit]

    Returns
    -------
    throughput : ndarray
        :math:`X(N) = \lambda N / (1 + \sigma (N - 1) + \kappa N (N - 1))`, broadcast
        over the inputs. [throughput unit]

    Raises
    ------
    ValueError
        If ``concurrency`` or ``lambda_`` is not positive, or ``sigma`` or ``kappa`` is
        negative; any of them NaN or infinite.

    References
    ----------
    .. [1] N. J. Gunther, *Guerrilla Capacity Planning: A Tactical Approach to Planning
       for Highly Scalable Applications and Services*. Berlin: Springer, 2007, ch. 4-6.
       :doi:`10.1007/978-3-540-31010-5`

    Examples
    --------
    >>> float(throughput(1, 0.1, 0.01, 100.0))
    100.0
    """
    require_positive(concurrency=concurrency, lambda_=lambda_)
    require_nonnegative(sigma=sigma, kappa=kappa)
    require_finite(concurrency=concurrency, lambda_=lambda_, sigma=sigma, kappa=kappa)
    return _throughput(np.asarray(concurrency, dtype=float), sigma, kappa, lambda_)[()]


def _throughput(n, sigma, kappa, lambda_):
    return lambda_ * n / (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0))


@dataclass(frozen=True, kw_only=True)
class USLFit:
    r"""
    Universal Scalability Law coefficients fitted to throughput measurements [1]_.

    Parameters
    ----------
    sigma : float
        Contention coefficient :math:`\sigma`, in [0, 1]. [dimensionless]
    kappa : float
        Coherency coefficient :math:`\kappa`, >= 0. [dimensionless]
    lambda_ : float
        Throughput of one unit of concurrency without interference. [throughput unit]
    peak_concurrency : float
        Whole concurrency :math:`\lfloor\sqrt{(1 - \sigma)/\kappa}\rfloor` (at least 1)
        where throughput peaks; ``inf`` when ``kappa == 0`` (throughput never falls).
        [users, threads or nodes]
    max_throughput : float
        Throughput at ``peak_concurrency``; when ``kappa == 0``, the Amdahl ceiling
        :math:`\lambda / \sigma` (``inf`` if ``sigma == 0`` too). [throughput unit]
    r_squared : float
        Coefficient of determination of the fit, :math:`1 - SS_{res}/SS_{tot}`.
        [dimensionless]

    Notes
    -----
    The continuous maximum of :math:`X(N)` is at :math:`N^* = \sqrt{(1 - \sigma)/\kappa}`
    [1]_; concurrency comes in whole units, so the floor is reported.

    References
    ----------
    .. [1] N. J. Gunther, *Guerrilla Capacity Planning: A Tactical Approach to Planning
       for Highly Scalable Applications and Services*. Berlin: Springer, 2007, ch. 4-6.
       :doi:`10.1007/978-3-540-31010-5`
    """

    sigma: float
    kappa: float
    lambda_: float
    peak_concurrency: float
    max_throughput: float
    r_squared: float

    def throughput(self, n: ArrayLike) -> np.ndarray:
        """Modelled throughput at concurrency ``n`` (> 0). [throughput unit]"""
        return throughput(n, self.sigma, self.kappa, self.lambda_)

    def latency(self, n: ArrayLike) -> np.ndarray:
        """Mean latency at concurrency ``n`` by Little's law, ``n / X(n)``.

        In the reciprocal time unit of the throughput: seconds for requests/s. [time]
        """
        return (np.asarray(n, dtype=float) / self.throughput(n))[()]


def _peak(sigma: float, kappa: float, lambda_: float) -> tuple[float, float]:
    if kappa == 0:
        ceiling = lambda_ / sigma if sigma > 0 else math.inf
        return math.inf, ceiling
    n_peak = float(max(1, math.floor(math.sqrt((1.0 - sigma) / kappa))))
    return n_peak, float(_throughput(n_peak, sigma, kappa, lambda_))


def _check_data(concurrency: ArrayLike, measured: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    n = as_float_array("concurrency", concurrency)
    x = as_float_array("throughput", measured)
    if n.ndim != 1 or x.ndim != 1:
        raise ValueError(
            f"concurrency and throughput must be 1-D; got shapes {n.shape} and {x.shape}"
        )
    if n.size != x.size:
        raise ValueError(
            f"concurrency and throughput must have equal lengths; got {n.size} and {x.size}"
        )
    if n.size < MIN_POINTS:
        raise ValueError(
            f"fit_usl needs at least {MIN_POINTS} measurements to fit 3 coefficients with "
            f"some residual check; got {n.size}"
        )
    require_positive(throughput=x)
    require_finite(concurrency=n, throughput=x)
    bad = n < 1
    if bad.any():
        first = int(np.argmax(bad))
        raise ValueError(
            f"concurrency must be >= 1 (the USL counts N - 1 other units); "
            f"got {n[first].item()!r} at index {first}"
        )
    if np.unique(n).size < 3:
        raise ValueError(
            f"concurrency must hold at least 3 distinct levels to separate sigma from "
            f"kappa; got {np.unique(n).tolist()}"
        )
    return n, x


def _start(n: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Starting point: lambda from the lowest-concurrency point, then Gunther's quadratic."""
    low = np.argmin(n)
    lambda0 = x[low] / n[low]
    # With lambda fixed, N / C(N) - 1 = sigma (N - 1) + kappa N (N - 1) is linear in the
    # coefficients (C = X / lambda): Gunther's regression method, 2007, section 5.2.3.
    design = np.column_stack([n - 1.0, n * (n - 1.0)])
    target = n * lambda0 / x - 1.0
    coef, *_ = np.linalg.lstsq(design, target, rcond=None)
    sigma0 = float(np.clip(coef[0], 1e-6, 0.99))
    kappa0 = float(np.clip(coef[1], 1e-9, None))
    return np.array([sigma0, kappa0, lambda0])


def fit_usl(concurrency: ArrayLike, throughput: ArrayLike) -> USLFit:
    r"""
    Fit the Universal Scalability Law to load-test measurements [1]_.

    Parameters
    ----------
    concurrency : array_like
        1-D concurrency levels of the measurements, >= 1; at least 6 points over at
        least 3 distinct levels (repeated levels are allowed). [users, threads or nodes]
    throughput : array_like
        1-D measured throughput, > 0, same length as ``concurrency``. [throughput unit]

    Returns
    -------
    fit : USLFit
        Coefficients, peak and goodness of fit.

    Raises
    ------
    ValueError
        If fewer than 6 points, lengths differ, arrays are not 1-D, a value is not
        positive, NaN or infinite, or fewer than 3 distinct concurrency levels.

    Notes
    -----
    Nonlinear least squares on the throughput itself (``scipy.optimize.least_squares``,
    trust-region reflective) with bounds :math:`0 \le \sigma \le 1`,
    :math:`\kappa \ge 0`, :math:`\lambda > 0`, the three coefficients free, as the
    ``nls``/``nlxb`` methods of the R package ``usl`` [2]_. The start takes
    :math:`\lambda` from the lowest-concurrency point and :math:`\sigma, \kappa` from
    Gunther's linearised regression [1]_. Unlike the original method, no measurement at
    :math:`N = 1` is needed. A coefficient left at its zero bound, or whose term adds less
    than 1e-6 to the denominator at the largest measured concurrency (below what any
    throughput measurement resolves), is reported as exactly 0, so Amdahl-like data (no
    coherency cost) gives ``peak_concurrency = inf`` rather than a peak at millions of
    users made of rounding noise.

    References
    ----------
    .. [1] N. J. Gunther, *Guerrilla Capacity Planning: A Tactical Approach to Planning
       for Highly Scalable Applications and Services*. Berlin: Springer, 2007, ch. 5.
       :doi:`10.1007/978-3-540-31010-5`
    .. [2] N. J. Gunther and S. Moeding, "usl: Analyze System Scalability with the
       Universal Scalability Law," R package, https://github.com/smoeding/usl

    Examples
    --------
    >>> n = [1, 2, 4, 8, 16, 32]
    >>> fit = fit_usl(n, throughput(n, 0.05, 0.001, 100.0))
    >>> round(fit.sigma, 6), round(fit.kappa, 6), round(fit.lambda_, 4)
    (0.05, 0.001, 100.0)
    """
    # Imported here: scipy.optimize adds ~0.25 s to `import scaling_models.capacity`,
    # which widgets and notebooks pay even when they never fit a curve.
    from scipy.optimize import least_squares

    n, x = _check_data(concurrency, throughput)
    # Residuals relative to the largest measurement keep the problem well scaled whatever
    # the throughput unit; x_scale="jac" handles kappa being orders of magnitude below
    # sigma and lambda.
    scale = float(x.max())

    def residuals(p):
        return (_throughput(n, p[0], p[1], p[2]) - x) / scale

    result = least_squares(
        residuals,
        _start(n, x),
        bounds=([0.0, 0.0, np.finfo(float).tiny], [1.0, np.inf, np.inf]),
        method="trf",
        x_scale="jac",
        ftol=1e-15,
        xtol=1e-15,
        gtol=1e-15,
        max_nfev=10_000,
    )
    sigma, kappa, lambda_ = (float(v) for v in result.x)
    # At the zero bound the optimiser leaves noise such as kappa = 4e-15, which would put
    # the peak at millions of users. A coefficient held at its bound, or whose whole effect
    # on the denominator over the measured range is below 1e-6, is zero.
    top = float(n.max())
    if result.active_mask[0] == -1 or sigma * (top - 1.0) < _NEGLIGIBLE:
        sigma = 0.0
    if result.active_mask[1] == -1 or kappa * top * (top - 1.0) < _NEGLIGIBLE:
        kappa = 0.0
    fitted = _throughput(n, sigma, kappa, lambda_)
    ss_res = float(np.sum((x - fitted) ** 2))
    ss_tot = float(np.sum((x - x.mean()) ** 2))
    r_squared = 1.0 - ss_res / ss_tot if ss_tot > 0 else 1.0
    peak_n, peak_x = _peak(sigma, kappa, lambda_)
    return USLFit(
        sigma=sigma,
        kappa=kappa,
        lambda_=lambda_,
        peak_concurrency=peak_n,
        max_throughput=peak_x,
        r_squared=r_squared,
    )
