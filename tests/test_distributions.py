"""Tests for scaling_models.distributions: the 90 % convention, three-point laws, copulas."""

import warnings

import numpy as np
import pytest
import scipy.stats as st
from hypothesis import given, settings
from hypothesis import strategies as hs
from numpy.testing import assert_allclose
from scipy import special

from scaling_models import distributions as d


@pytest.mark.parametrize(
    ("low", "high", "lognormal"),
    [(0.03, 0.12, True), (0.10, 0.225, True), (-0.05, 0.10, False), (0.0, 5.0, False)],
)
def test_interval_holds_ninety_percent_of_draws(low, high, lognormal):
    # STYLE.md section 9: share inside (0.03, 0.12) of 100 K seeded draws is 0.90 +/- 0.005
    dist = d.between(low, high)
    x = dist.sample(100_000, rng=0)
    assert dist.lognormal is lognormal
    assert abs(np.mean((x > low) & (x < high)) - 0.90) < 0.005


def test_interval_quantiles_are_the_ends():
    dist = d.between(0.03, 0.12)
    assert_allclose(dist.ppf([0.05, 0.95]), [0.03, 0.12], rtol=1e-12)
    # lognormal median is the geometric mean; normal median the arithmetic mean
    assert_allclose(dist.median(), np.sqrt(0.03 * 0.12))
    assert_allclose(d.between(-1.0, 3.0).median(), 1.0)


def test_z90_is_the_95th_normal_percentile():
    assert_allclose(d.Z90, st.norm.ppf(0.95), rtol=1e-12)


@pytest.mark.parametrize(("low", "high"), [(0.2, 0.1), (1.0, 1.0), (-1.0, -2.0)])
def test_low_above_high_is_rejected(low, high):
    with pytest.raises(ValueError, match="low must be < high"):
        d.between(low, high)


def test_triangular_matches_scipy():
    tri = d.Triangular(low=1.0, mode=2.0, high=6.0)
    u = np.linspace(0.01, 0.99, 99)
    assert_allclose(tri.ppf(u), st.triang(c=0.2, loc=1.0, scale=5.0).ppf(u), rtol=1e-12)


def test_pert_matches_scaled_beta_and_classic_mean():
    pert = d.PERT(low=1.0, mode=2.0, high=6.0)
    # alpha = 1 + 4 (2 - 1) / 5 = 1.8, beta = 1 + 4 (6 - 2) / 5 = 4.2 (Malcolm et al. 1959)
    assert_allclose([pert.alpha, pert.beta], [1.8, 4.2])
    u = np.concatenate([[1e-9, 1e-4], np.linspace(0.001, 0.999, 999), [1 - 1e-9]])
    assert_allclose(pert.ppf(u), pert.ppf_exact(u), atol=1e-6 * 5.0)
    assert_allclose(pert.ppf_exact(u), st.beta(1.8, 4.2, loc=1.0, scale=5.0).ppf(u), rtol=1e-10)
    x = pert.sample(100_000, rng=3)
    # mean (a + 4 m + b) / 6 = 2.5; sd of a Beta(1.8, 4.2) on width 5 is ~0.9 -> SE 0.003
    assert abs(x.mean() - 2.5) < 0.015
    assert x.min() >= 1.0 and x.max() <= 6.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"low": 3.0, "mode": 2.0, "high": 6.0}, "low must be <= mode"),
        ({"low": 1.0, "mode": 7.0, "high": 6.0}, "mode must be <= high"),
        ({"low": 6.0, "mode": 6.0, "high": 1.0}, "low must be < high"),
    ],
)
@pytest.mark.parametrize("kind", [d.Triangular, d.PERT])
def test_three_point_order_is_checked(kind, kwargs, message):
    with pytest.raises(ValueError, match=message):
        kind(**kwargs)


def test_constant_and_frozen():
    assert_allclose(d.Constant(value=3.5).sample(4, rng=0), [3.5] * 4)
    g = d.Frozen(dist=st.gamma(2.0, scale=0.1))
    assert_allclose(g.ppf([0.5]), st.gamma(2.0, scale=0.1).ppf([0.5]))
    with pytest.raises(TypeError, match="frozen scipy.stats"):
        d.Frozen(dist=3.0)


def test_as_distribution_coerces_the_usual_spellings():
    assert isinstance(d.as_distribution(2.0), d.Constant)
    assert isinstance(d.as_distribution((0.1, 0.2)), d.Interval)
    assert isinstance(d.as_distribution((0.1, 0.15, 0.2)), d.PERT)
    assert isinstance(d.as_distribution(st.norm(0, 1)), d.Frozen)
    with pytest.raises(ValueError, match="growth: low must be < high"):
        d.as_distribution((0.2, 0.1), "growth")
    with pytest.raises(TypeError, match="arpu must be a number"):
        d.as_distribution("two", "arpu")


def test_sampling_is_reproducible_and_uses_the_generator():
    dist = d.between(1.0, 10.0)
    assert np.array_equal(dist.sample(100, rng=42), dist.sample(100, rng=42))
    rng = np.random.default_rng(1)
    a, b = dist.sample(1000, rng=rng), dist.sample(1000, rng=rng)
    assert abs(st.spearmanr(a, b)[0]) < 0.1


def test_nearest_correlation_reproduces_higham_example():
    # N. J. Higham (2002), IMA J. Numer. Anal. 22(3), section 4: the nearest correlation
    # matrix to [[1,1,0],[1,1,1],[0,1,1]] has off-diagonals 0.7607 and 0.1573.
    x = d.nearest_correlation([[1, 1, 0], [1, 1, 1], [0, 1, 1]])
    expected = [[1, 0.7607, 0.1573], [0.7607, 1, 0.7607], [0.1573, 0.7607, 1]]
    assert_allclose(x, expected, atol=1e-4)
    assert np.linalg.eigvalsh(x).min() > -1e-8


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1, 0.5], [0.4, 1]], "must be symmetric"),
        ([[1, 1.2], [1.2, 1]], r"entries must be in \[-1, 1\]"),
        ([[1, 0.2], [0.2, 0.9]], "diagonal must be all 1"),
        ([[1, 0.2, 0.1]], "square matrix"),
    ],
)
def test_invalid_correlation_is_rejected(matrix, message):
    with pytest.raises(ValueError, match=message):
        d.validate_correlation(matrix)


def test_indefinite_correlation_is_repaired_with_a_warning_or_rejected():
    bad = [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]
    with pytest.warns(UserWarning, match="nearest correlation matrix"):
        fixed = d.validate_correlation(bad)
    assert np.linalg.eigvalsh(fixed).min() > -1e-8
    assert_allclose(np.diag(fixed), 1.0)
    with pytest.raises(ValueError, match="positive semi-definite"):
        d.validate_correlation(bad, repair=False)


def test_valid_correlation_passes_silently():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        c = d.validate_correlation([[1, 0.3], [0.3, 1]])
    assert_allclose(c, [[1, 0.3], [0.3, 1]])


@pytest.mark.parametrize("rho", [-0.7, 0.0, 0.5, 0.9])
def test_copula_hits_the_rank_correlation(rho):
    u = d.correlated_uniforms(50_000, [[1, rho], [rho, 1]], rng=7)
    # Spearman SE ~ (1 - rho^2) / sqrt(n) <= 0.0045
    assert abs(st.spearmanr(u[:, 0], u[:, 1])[0] - rho) < 0.015
    assert u.min() > 0 and u.max() < 1
    # marginals stay uniform
    assert st.kstest(u[:, 0], "uniform").pvalue > 1e-3


def test_sample_inputs_keeps_marginals_and_imposes_correlation():
    draws = d.sample_inputs(
        {"growth": (0.10, 0.20), "arpu": (1.5, 2.0, 3.0), "churn": 0.05},
        40_000,
        rank_correlation={("growth", "arpu"): -0.5},
        rng=11,
    )
    assert abs(st.spearmanr(draws["growth"], draws["arpu"])[0] + 0.5) < 0.02
    assert abs(np.mean((draws["growth"] > 0.10) & (draws["growth"] < 0.20)) - 0.9) < 0.01
    assert np.all(draws["churn"] == 0.05)
    with pytest.raises(ValueError, match="unknown input 'nope'"):
        d.sample_inputs({"growth": 1.0}, 10, rank_correlation={("growth", "nope"): 0.1})


@settings(max_examples=40, deadline=None)
@given(
    low=hs.floats(-100, 100),
    width=hs.floats(1e-3, 100),
    u=hs.lists(hs.floats(1e-6, 1 - 1e-6), min_size=2, max_size=20),
)
def test_ppf_is_monotone_and_inside_three_point_bounds(low, width, u):
    u = np.sort(np.asarray(u))
    high = low + width
    for dist in (
        d.between(low, high),
        d.Triangular(low=low, mode=low + width / 3, high=high),
        d.PERT(low=low, mode=low + width / 3, high=high),
    ):
        x = dist.ppf(u)
        assert np.all(np.diff(x) >= -1e-9 * max(1.0, abs(high)))
    x = d.PERT(low=low, mode=low + width / 3, high=high).ppf(u)
    assert np.all((x >= low - 1e-9) & (x <= high + 1e-9))


def test_normal_ppf_uses_scipy_ndtri():
    dist = d.between(-1.0, 1.0)
    assert_allclose(dist.ppf(0.3), special.ndtri(0.3) / d.Z90)


# --- Iman-Conover ------------------------------------------------------------------------


def test_iman_conover_reaches_the_rank_correlation_and_keeps_the_marginals():
    # Iman & Conover (1982), Commun. Stat. Simul. Comput. 11(3), 311-334: re-order the
    # columns so their ranks follow correlated scores; the values themselves do not change.
    rng = np.random.default_rng(12)
    x = np.column_stack([rng.lognormal(size=20_000), rng.uniform(size=20_000),
                         st.gamma(2.0).rvs(20_000, random_state=rng)])
    target = np.array([[1.0, 0.6, -0.4], [0.6, 1.0, 0.1], [-0.4, 0.1, 1.0]])
    y = d.iman_conover(x, target, rng=3)
    assert np.array_equal(np.sort(y, axis=0), np.sort(x, axis=0))  # marginals untouched
    # Spearman SE ~ (1 - rho^2) / sqrt(n) <= 0.007
    assert_allclose(st.spearmanr(y).statistic, target, atol=0.02)


def test_iman_conover_uniforms_are_the_independent_draws_reordered():
    c = [[1, 0.7], [0.7, 1]]
    u = d.correlated_uniforms(5_000, c, rng=4, method="iman-conover")
    raw = np.clip(np.random.default_rng(4).random((5_000, 2)), 1e-12, 1 - 1e-12)
    assert np.array_equal(np.sort(u, axis=0), np.sort(raw, axis=0))
    assert abs(st.spearmanr(u[:, 0], u[:, 1])[0] - 0.7) < 0.03


@pytest.mark.parametrize("method", d.CORRELATION_METHODS)
def test_both_methods_hit_the_target_in_sample_inputs(method):
    draws = d.sample_inputs({"growth": (0.10, 0.20), "churn": (0.02, 0.06)}, 20_000,
                            rank_correlation={("growth", "churn"): 0.5}, rng=8,
                            method=method)
    assert abs(st.spearmanr(draws["growth"], draws["churn"])[0] - 0.5) < 0.02
    assert abs(np.mean((draws["churn"] > 0.02) & (draws["churn"] < 0.06)) - 0.9) < 0.01


def test_iman_conover_copes_with_fewer_draws_than_inputs():
    x = np.arange(6.0).reshape(2, 3)
    y = d.iman_conover(x, np.eye(3), rng=0)
    assert np.array_equal(np.sort(y, axis=0), x)
    assert np.array_equal(d.iman_conover(x[:1], np.eye(3), rng=0), x[:1])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: d.iman_conover(np.ones(5), [[1.0]]), "samples must be a 2-D array"),
        (lambda: d.iman_conover(np.ones((5, 2)), np.eye(3)), "must be 2 x 2"),
        (lambda: d.iman_conover(np.ones((5, 2)), [[1, -1.5], [-1.5, 1]]),
         r"entries must be in \[-1, 1\]"),
        (lambda: d.correlated_uniforms(10, np.eye(2), method="sobol"), "method must be one of"),
        (lambda: d.correlated_uniforms(0, np.eye(2)), "n must be >= 1"),
        (lambda: d.sample_inputs({"a": 1.0}, 5, method="x"), "method must be one of"),
    ],
)
def test_bad_correlation_arguments_are_rejected(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("n", [0, -3, 2.5])
def test_sample_inputs_rejects_a_bad_number_of_draws(n):
    with pytest.raises(ValueError, match="n must be"):
        d.sample_inputs({"growth": (0.1, 0.2)}, n, rng=0)
