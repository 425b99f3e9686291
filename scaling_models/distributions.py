"""Uncertain inputs for the Monte Carlo engine, drawn by inverse CDF so they can be correlated.

Every distribution here maps uniforms in (0, 1) to values through its quantile function
(``ppf``), so one matrix of correlated uniforms (a Gaussian copula on a *rank* correlation
matrix) drives all inputs at once and each keeps its own marginal law.

**The "low to high" convention.** :func:`between` (and the :class:`Interval` it returns)
reads ``(low, high)`` as a central **90 % interval**: 5 % of draws fall below ``low`` and 5 %
above ``high``. When both ends are > 0 the law is lognormal (the median is the geometric
mean :math:`\\sqrt{low \\cdot high}`); otherwise it is normal (the median is the arithmetic
mean). This is squigglepy's ``sq.to(low, high)`` convention. Three-point estimates
(``low, mode, high`` as *bounds*, not percentiles) use :class:`Triangular` or :class:`PERT`;
a known value uses :class:`Constant`; anything else wraps a ``scipy.stats`` frozen
distribution with :class:`Frozen`.

**Correlation.** :func:`correlated_uniforms` takes a Spearman rank-correlation matrix.
A matrix that is not square, not symmetric, has entries outside [-1, 1] or a diagonal that
is not 1 raises ``ValueError`` naming the rule. A matrix that passes those checks but is not
positive semi-definite (inconsistent pairwise estimates, the usual case when people fill it
in by hand) is **repaired** to the nearest correlation matrix in the Frobenius norm
(Higham 2002) and a :class:`UserWarning` says so and by how much; :func:`validate_correlation`
with ``repair=False`` rejects it instead.

References
----------
.. [1] N. J. Higham, "Computing the nearest correlation matrix - a problem from finance,"
   IMA J. Numer. Anal., vol. 22, no. 3, pp. 329-343, 2002. doi:10.1093/imanum/22.3.329
.. [2] R. L. Iman and W. J. Conover, "A distribution-free approach to inducing rank
   correlation among input variables," Commun. Stat. Simul. Comput., vol. 11, no. 3,
   pp. 311-334, 1982. doi:10.1080/03610918208812265
.. [3] D. G. Malcolm, J. H. Roseboom, C. E. Clark and W. Fazar, "Application of a technique
   for research and development program evaluation," Oper. Res., vol. 7, no. 5,
   pp. 646-669, 1959 (PERT). doi:10.1287/opre.7.5.646
.. [4] K. Pearson, "Mathematical contributions to the theory of evolution - On further
   methods of determining correlation," Drapers' Company Research Memoirs, 1907
   (rank correlation of a bivariate normal: rho_s = (6 / pi) arcsin(rho / 2)).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import cached_property
from statistics import NormalDist
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from scaling_models._checks import as_float_array, require_finite, require_ordered

__all__ = [
    "Z90",
    "Distribution",
    "Constant",
    "Interval",
    "Triangular",
    "PERT",
    "Frozen",
    "between",
    "as_distribution",
    "validate_correlation",
    "nearest_correlation",
    "correlated_uniforms",
    "sample_inputs",
]

#: Standard normal quantile of 0.95: a central 90 % interval is median +/- Z90 sigma.
Z90: float = NormalDist().inv_cdf(0.95)

# Uniforms are kept away from exactly 0 and 1 so that unbounded laws stay finite.
_U_EPS = 1e-12


class Distribution:
    """Base class: a marginal law defined by its quantile function ``ppf``.

    Subclasses implement :meth:`ppf`; :meth:`sample` draws by inverse transform so that
    correlated uniforms from :func:`correlated_uniforms` can be fed to :meth:`ppf` instead.
    """

    def ppf(self, u: ArrayLike) -> np.ndarray:  # pragma: no cover - abstract
        """Quantile function: values at cumulative probabilities ``u`` in (0, 1)."""
        raise NotImplementedError

    def sample(
        self, size: int | tuple[int, ...], *, rng: np.random.Generator | int | None = None
    ) -> np.ndarray:
        """Draw ``size`` values by inverse transform of uniforms from ``rng``."""
        rng = np.random.default_rng(rng)
        u = rng.random(size)
        return self.ppf(np.clip(u, _U_EPS, 1.0 - _U_EPS))

    def median(self) -> float:
        """The 50 % quantile."""
        return float(self.ppf(0.5))

    def quantile(self, q: ArrayLike) -> np.ndarray:
        """Quantiles at probabilities ``q`` (an alias of :meth:`ppf` with validation)."""
        qa = as_float_array("q", q)
        if np.any((qa <= 0) | (qa >= 1)):
            raise ValueError(f"q must be in (0, 1); got {q!r}")
        return self.ppf(qa)


@dataclass(frozen=True, kw_only=True)
class Constant(Distribution):
    """A known value: every draw equals ``value``."""

    value: float

    def __post_init__(self) -> None:
        require_finite(value=self.value)

    def ppf(self, u: ArrayLike) -> np.ndarray:
        return np.full(np.shape(u), float(self.value))


@dataclass(frozen=True, kw_only=True)
class Interval(Distribution):
    """A central 90 % interval ``[low, high]``: lognormal if both ends > 0, else normal.

    Parameters
    ----------
    low, high : float
        The 5 % and 95 % quantiles. [unit of the quantity]

    Notes
    -----
    Lognormal: :math:`\\mu = (\\ln l + \\ln h)/2`, :math:`\\sigma = (\\ln h - \\ln l)/(2 z)`,
    normal: :math:`\\mu = (l + h)/2`, :math:`\\sigma = (h - l)/(2 z)`, with
    :math:`z = \\Phi^{-1}(0.95) \\approx 1.645`.
    """

    low: float
    high: float

    def __post_init__(self) -> None:
        require_finite(low=self.low, high=self.high)
        require_ordered("low", self.low, "high", self.high)

    @property
    def lognormal(self) -> bool:
        """True when both ends are > 0 (the law is lognormal)."""
        return self.low > 0

    @property
    def mu(self) -> float:
        """Location: mean of the normal, or of the log of the lognormal."""
        if self.lognormal:
            return (math.log(self.low) + math.log(self.high)) / 2
        return (self.low + self.high) / 2

    @property
    def sigma(self) -> float:
        """Scale: sd of the normal, or of the log of the lognormal."""
        if self.lognormal:
            return (math.log(self.high) - math.log(self.low)) / (2 * Z90)
        return (self.high - self.low) / (2 * Z90)

    def ppf(self, u: ArrayLike) -> np.ndarray:
        z = special.ndtri(np.asarray(u, dtype=float))
        x = self.mu + self.sigma * z
        return np.exp(x) if self.lognormal else x


@dataclass(frozen=True, kw_only=True)
class Triangular(Distribution):
    """Three-point estimate with a triangular density on ``[low, high]`` peaking at ``mode``.

    Notes
    -----
    Inverse CDF, with :math:`F_c = (c - a)/(b - a)`: :math:`a + \\sqrt{u (b - a)(c - a)}` for
    :math:`u < F_c`, else :math:`b - \\sqrt{(1 - u)(b - a)(b - c)}`.
    """

    low: float
    mode: float
    high: float

    def __post_init__(self) -> None:
        require_finite(low=self.low, mode=self.mode, high=self.high)
        require_ordered("low", self.low, "high", self.high)
        require_ordered("low", self.low, "mode", self.mode, strict=False)
        require_ordered("mode", self.mode, "high", self.high, strict=False)

    def ppf(self, u: ArrayLike) -> np.ndarray:
        a, c, b = self.low, self.mode, self.high
        u = np.asarray(u, dtype=float)
        fc = (c - a) / (b - a)
        left = a + np.sqrt(u * (b - a) * (c - a))
        right = b - np.sqrt((1.0 - u) * (b - a) * (b - c))
        return np.where(u < fc, left, right)


@dataclass(frozen=True, kw_only=True)
class PERT(Distribution):
    """Three-point (Beta-)PERT estimate on ``[low, high]`` with most likely value ``mode``.

    Notes
    -----
    A scaled Beta with :math:`\\alpha = 1 + \\lambda (m - a)/(b - a)`,
    :math:`\\beta = 1 + \\lambda (b - m)/(b - a)`, so the mean is
    :math:`(a + \\lambda m + b)/(\\lambda + 2)`; :math:`\\lambda = 4` is the classic PERT [3]_.
    """

    low: float
    mode: float
    high: float
    lamb: float = 4.0

    def __post_init__(self) -> None:
        require_finite(low=self.low, mode=self.mode, high=self.high, lamb=self.lamb)
        require_ordered("low", self.low, "high", self.high)
        require_ordered("low", self.low, "mode", self.mode, strict=False)
        require_ordered("mode", self.mode, "high", self.high, strict=False)
        if self.lamb <= 0:
            raise ValueError(f"lamb must be > 0; got {self.lamb!r}")

    @property
    def alpha(self) -> float:
        return 1.0 + self.lamb * (self.mode - self.low) / (self.high - self.low)

    @property
    def beta(self) -> float:
        return 1.0 + self.lamb * (self.high - self.mode) / (self.high - self.low)

    def mean(self) -> float:
        """Mean :math:`(a + \\lambda m + b)/(\\lambda + 2)`. [unit of the quantity]"""
        return (self.low + self.lamb * self.mode + self.high) / (self.lamb + 2.0)

    @cached_property
    def _table(self) -> tuple[np.ndarray, np.ndarray]:
        # Nodes equally spaced in normal scores resolve both tails; betaincinv costs
        # ~1.5 us a value, the table lookup ~70 ns, within 1e-6 of the exact quantile.
        u = special.ndtr(np.linspace(-8.5, 8.5, 8193))
        return u, special.betaincinv(self.alpha, self.beta, u)

    def ppf(self, u: ArrayLike) -> np.ndarray:
        """Quantiles by interpolation in a table of the exact Beta quantiles (error < 1e-6
        of ``high - low``); :meth:`ppf_exact` calls ``scipy.special.betaincinv``."""
        grid, x = self._table
        return self.low + (self.high - self.low) * np.interp(np.asarray(u, dtype=float), grid, x)

    def ppf_exact(self, u: ArrayLike) -> np.ndarray:
        """Exact quantiles (slow: ~1.5 us a value)."""
        x = special.betaincinv(self.alpha, self.beta, np.asarray(u, dtype=float))
        return self.low + (self.high - self.low) * x


@dataclass(frozen=True, kw_only=True)
class Frozen(Distribution):
    """Any ``scipy.stats`` frozen distribution (e.g. ``scipy.stats.gamma(2, scale=0.1)``)."""

    dist: Any

    def __post_init__(self) -> None:
        if not (hasattr(self.dist, "ppf") and hasattr(self.dist, "cdf")):
            raise TypeError(
                f"dist must be a frozen scipy.stats distribution (with ppf and cdf); "
                f"got {self.dist!r}"
            )

    def ppf(self, u: ArrayLike) -> np.ndarray:
        return np.asarray(self.dist.ppf(np.asarray(u, dtype=float)), dtype=float)


def between(low: float, high: float) -> Interval:
    """A quantity with a 90 % chance of lying in ``[low, high]`` (see the module docstring).

    Examples
    --------
    >>> d = between(0.10, 0.225)
    >>> round(d.median(), 4), d.lognormal
    (0.15, True)
    """
    return Interval(low=low, high=high)


def as_distribution(value: Any, name: str = "value") -> Distribution:
    """Coerce a number, a ``(low, high)`` pair, a scipy frozen law or a Distribution.

    A pair is a 90 % interval (:func:`between`); a triple is a PERT three-point estimate.
    """
    if isinstance(value, Distribution):
        return value
    if hasattr(value, "ppf") and hasattr(value, "cdf"):
        return Frozen(dist=value)
    if isinstance(value, (tuple, list)):
        if len(value) == 2:
            try:
                return Interval(low=value[0], high=value[1])
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
        if len(value) == 3:
            try:
                return PERT(low=value[0], mode=value[1], high=value[2])
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
        raise ValueError(
            f"{name} as a sequence must be (low, high) or (low, mode, high); got {value!r}"
        )
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise TypeError(
            f"{name} must be a number, a (low, high) pair, a (low, mode, high) triple, a "
            f"Distribution or a scipy.stats frozen distribution; got {value!r}"
        )
    try:
        return Constant(value=float(value))
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


def nearest_correlation(
    matrix: ArrayLike, *, tol: float = 1e-10, max_iter: int = 1_000
) -> np.ndarray:
    """Nearest correlation matrix in the Frobenius norm, by alternating projections [1]_.

    Parameters
    ----------
    matrix : array_like, shape (k, k)
        Symmetric matrix with a unit diagonal (not necessarily positive semi-definite).
    tol : float
        Stop when successive iterates differ by less than ``tol`` (Frobenius norm).
    max_iter : int
        Iteration cap.

    Returns
    -------
    ndarray, shape (k, k)
        Symmetric, positive semi-definite, unit diagonal.

    Notes
    -----
    Higham's algorithm 3.3 with Dykstra's correction, unit weights: project onto the PSD
    cone (clip negative eigenvalues) and onto unit-diagonal matrices in turn.
    """
    y = np.array(matrix, dtype=float)
    ds = np.zeros_like(y)
    x = y
    for _ in range(max_iter):
        r = y - ds
        w, v = np.linalg.eigh((r + r.T) / 2)
        x = (v * np.maximum(w, 0.0)) @ v.T
        ds = x - r
        y_new = x.copy()
        np.fill_diagonal(y_new, 1.0)
        done = np.linalg.norm(y_new - y, "fro") < tol
        y = y_new
        if done:
            break
    return (y + y.T) / 2


def validate_correlation(
    matrix: ArrayLike, *, name: str = "correlation", repair: bool = True, tol: float = 1e-10
) -> np.ndarray:
    """Check a correlation matrix; repair (with a warning) or reject one that is not PSD.

    Raises
    ------
    ValueError
        If ``matrix`` is not square, not symmetric, has an entry outside [-1, 1], a diagonal
        entry other than 1, or (with ``repair=False``) is not positive semi-definite.
    """
    c = as_float_array(name, matrix)
    if c.ndim != 2 or c.shape[0] != c.shape[1]:
        raise ValueError(f"{name} must be a square matrix; got shape {c.shape}")
    if not np.all(np.isfinite(c)):
        raise ValueError(f"{name} must be finite; got {matrix!r}")
    if np.any(np.abs(c) > 1.0):
        i, j = (int(k) for k in np.argwhere(np.abs(c) > 1.0)[0])
        raise ValueError(
            f"{name} entries must be in [-1, 1]; got {c[i, j]!r} at index ({i}, {j})"
        )
    if not np.allclose(c, c.T, atol=1e-12, rtol=0):
        i, j = (int(k) for k in np.argwhere(~np.isclose(c, c.T, atol=1e-12, rtol=0))[0])
        raise ValueError(
            f"{name} must be symmetric; got {c[i, j]!r} at ({i}, {j}) but {c[j, i]!r} at "
            f"({j}, {i})"
        )
    diag = np.diag(c)
    if not np.allclose(diag, 1.0, atol=1e-12, rtol=0):
        i = int(np.argwhere(~np.isclose(diag, 1.0, atol=1e-12, rtol=0))[0, 0])
        raise ValueError(f"{name} diagonal must be all 1; got {diag[i]!r} at index {i}")
    smallest = float(np.linalg.eigvalsh(c).min())
    if smallest >= -tol:
        return c
    if not repair:
        raise ValueError(
            f"{name} must be positive semi-definite; its smallest eigenvalue is {smallest:.4g}"
        )
    fixed = nearest_correlation(c)
    warnings.warn(
        f"{name} is not positive semi-definite (smallest eigenvalue {smallest:.4g}); "
        f"replaced by the nearest correlation matrix (Higham 2002), largest change "
        f"{np.abs(fixed - c).max():.4f}",
        UserWarning,
        stacklevel=2,
    )
    return fixed


def _copula_factor(rank_correlation: np.ndarray) -> np.ndarray:
    """Factor L with L L^T = the normal correlation giving ``rank_correlation`` [4]_."""
    pearson = 2.0 * np.sin(np.pi * rank_correlation / 6.0)
    np.fill_diagonal(pearson, 1.0)
    w, v = np.linalg.eigh(pearson)
    if w.min() < -1e-10:
        # The sine map can leave a valid rank matrix slightly indefinite: project once more.
        pearson = nearest_correlation(pearson)
        w, v = np.linalg.eigh(pearson)
    return v * np.sqrt(np.maximum(w, 0.0))


def correlated_uniforms(
    n: int,
    rank_correlation: ArrayLike,
    *,
    rng: np.random.Generator | int | None = None,
    repair: bool = True,
) -> np.ndarray:
    """Uniforms with a given Spearman rank correlation, by a Gaussian copula.

    Parameters
    ----------
    n : int
        Number of draws (rows).
    rank_correlation : array_like, shape (k, k)
        Target Spearman rank correlation (validated by :func:`validate_correlation`).
    rng : Generator, int or None
        Source of randomness.
    repair : bool
        Repair a non-PSD matrix with a warning (True) or reject it (False).

    Returns
    -------
    ndarray, shape (n, k)
        Values in (0, 1); column j feeds the ``ppf`` of input j.

    Notes
    -----
    Normal correlation :math:`\\rho = 2 \\sin(\\pi \\rho_s / 6)` gives rank correlation
    :math:`\\rho_s` [4]_, so the target is met exactly in expectation for any marginals
    (inverse transforms preserve ranks), as in Iman-Conover [2]_ but chunk by chunk.
    """
    rng = np.random.default_rng(rng)
    c = validate_correlation(rank_correlation, name="rank_correlation", repair=repair)
    factor = _copula_factor(c)
    z = rng.standard_normal((n, c.shape[0])) @ factor.T
    return np.clip(special.ndtr(z), _U_EPS, 1.0 - _U_EPS)


def sample_inputs(
    distributions: dict[str, Any],
    n: int,
    *,
    rank_correlation: dict[tuple[str, str], float] | None = None,
    rng: np.random.Generator | int | None = None,
) -> dict[str, np.ndarray]:
    """Draw ``n`` values of several named inputs, optionally rank-correlated pairwise.

    Parameters
    ----------
    distributions : dict
        Name -> anything :func:`as_distribution` accepts.
    n : int
        Draws per input.
    rank_correlation : dict, optional
        ``{(name_a, name_b): rho_s}``; unspecified pairs are independent.
    rng : Generator, int or None
        Source of randomness.

    Returns
    -------
    dict of name -> ndarray, shape (n,)
    """
    rng = np.random.default_rng(rng)
    names = list(distributions)
    dists = {k: as_distribution(v, k) for k, v in distributions.items()}
    if rank_correlation:
        index = {k: i for i, k in enumerate(names)}
        c = np.eye(len(names))
        for (a, b), rho in rank_correlation.items():
            for key in (a, b):
                if key not in index:
                    raise ValueError(
                        f"rank_correlation names an unknown input {key!r}; known: {names}"
                    )
            c[index[a], index[b]] = c[index[b], index[a]] = rho
        u = correlated_uniforms(n, c, rng=rng)
    else:
        u = np.clip(rng.random((n, len(names))), _U_EPS, 1.0 - _U_EPS)
    return {k: dists[k].ppf(u[:, i]) for i, k in enumerate(names)}
