"""Tests for scaling_models.usl: the Universal Scalability Law and its fit."""

import dataclasses
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from scaling_models import usl

# SPEC SDM91 benchmark of a Sun SPARCcenter 2000 (16 CPUs, October 1994): simulated users
# and scripts per hour. Dataset `specsdm91` of the R package usl (N. J. Gunther and
# S. Moeding, https://github.com/smoeding/usl; source: Gunther, Guerrilla Capacity
# Planning, Springer 2007). The values are the package's data; they are reproduced here
# from its saved test output (tests/fitted.Rout.save + tests/residuals.Rout.save give
# data = fitted + residual, e.g. 89.995 - 25.10 = 64.9), found with the search tool.
SPECSDM91_LOAD = [1, 18, 36, 72, 108, 144, 216]
SPECSDM91_THROUGHPUT = [64.9, 995.9, 1652.4, 1853.2, 1828.9, 1775.0, 1702.2]


@pytest.fixture(scope="module")
def specsdm91_fit():
    return usl.fit_usl(SPECSDM91_LOAD, SPECSDM91_THROUGHPUT)


def test_specsdm91_published_coefficients(specsdm91_fit):
    # smoeding/usl tests/usl-nlxb.Rout.save (nonlinear fit, all three coefficients free):
    #   alpha (sigma)  0.0277285   beta (kappa) 0.0001044   gamma (lambda) 89.9952330
    #   Multiple R-squared: 0.9896 (tests/summary.Rout.save), 4 residual degrees of freedom.
    fit = specsdm91_fit
    assert fit.sigma == pytest.approx(0.0277285, rel=1e-4)
    assert fit.kappa == pytest.approx(0.0001044, rel=5e-4)  # published to 4 digits
    assert fit.lambda_ == pytest.approx(89.9952330, rel=1e-5)
    assert round(fit.r_squared, 4) == 0.9896


def test_specsdm91_published_residuals(specsdm91_fit):
    # smoeding/usl tests/residuals.Rout.save: residuals(u), observed - fitted, 2 decimals.
    published = [-25.10, -81.66, 111.09, 3.05, -49.99, -46.60, 56.00]
    residuals = np.array(SPECSDM91_THROUGHPUT) - specsdm91_fit.throughput(SPECSDM91_LOAD)
    assert_allclose(residuals, published, atol=0.006)


def test_specsdm91_published_peak(specsdm91_fit):
    # smoeding/usl tests/peak-scalability.Rout.save: signif(peak.scalability(u), 2) = 97,
    # the continuous optimum sqrt((1 - sigma) / kappa) = 96.5; whole users: 96.
    fit = specsdm91_fit
    continuous = math.sqrt((1 - fit.sigma) / fit.kappa)
    assert float(f"{continuous:.2g}") == 97
    assert fit.peak_concurrency == 96
    assert fit.max_throughput == pytest.approx(float(fit.throughput(96)))
    # tests/fitted.Rout.save: fitted values 90 1078 1541 1850 1879 1822 1646 (3 digits).
    assert_allclose(
        np.round(fit.throughput(SPECSDM91_LOAD)), [90, 1078, 1541, 1850, 1879, 1822, 1646]
    )


@pytest.mark.parametrize(
    ("sigma", "kappa", "lambda_", "concurrency"),
    [
        (0.05, 0.001, 100.0, [1, 2, 4, 8, 16, 32, 64]),
        (0.02, 0.0005, 40.0, [5, 10, 20, 40, 80, 120]),  # no N = 1 measurement
        (0.3, 0.0, 1500.0, [1, 2, 3, 4, 6, 8, 12, 16]),  # Amdahl: no coherency cost
        (0.0, 0.0001, 7.5, [1, 10, 20, 50, 100, 200]),  # no contention
        (0.1, 0.02, 1e6, [1, 1, 2, 2, 4, 4, 8, 8, 16, 16]),  # repeated levels
    ],
)
def test_recovers_known_parameters_from_noiseless_data(sigma, kappa, lambda_, concurrency):
    data = usl.throughput(concurrency, sigma, kappa, lambda_)
    fit = usl.fit_usl(concurrency, data)
    assert fit.sigma == pytest.approx(sigma, rel=1e-6, abs=1e-9)
    assert fit.kappa == pytest.approx(kappa, rel=1e-6, abs=1e-12)
    assert fit.lambda_ == pytest.approx(lambda_, rel=1e-8)
    assert fit.r_squared == pytest.approx(1.0, abs=1e-12)


def test_amdahl_data_has_no_peak():
    n = [1, 2, 4, 8, 16, 32, 64]
    fit = usl.fit_usl(n, usl.throughput(n, 0.05, 0.0, 100.0))
    assert fit.kappa == 0.0
    assert fit.peak_concurrency == math.inf
    assert fit.max_throughput == pytest.approx(100.0 / 0.05)  # Amdahl ceiling lambda/sigma


def test_linear_data_has_unbounded_throughput():
    n = [1, 2, 3, 4, 5, 6]
    fit = usl.fit_usl(n, [10.0 * k for k in n])
    assert (fit.sigma, fit.kappa) == (0.0, 0.0)
    assert fit.max_throughput == math.inf


@settings(max_examples=40, deadline=None)
@given(
    sigma=st.floats(0.0, 0.5),
    kappa=st.floats(0.0, 0.01),
    lambda_=st.floats(0.5, 1e5),
    noise=st.lists(st.floats(-0.03, 0.03), min_size=8, max_size=8),
)
def test_fit_is_at_least_as_good_as_the_truth(sigma, kappa, lambda_, noise):
    # Least squares: no other (sigma, kappa, lambda) - the generating ones included - may
    # have a smaller residual sum of squares than the fit, up to the documented snapping
    # of negligible coefficients to 0 (each moves X by at most 1e-6 relative).
    n = np.array([1, 2, 4, 8, 16, 24, 32, 48])
    data = usl.throughput(n, sigma, kappa, lambda_) * (1 + np.array(noise))
    fit = usl.fit_usl(n, data)
    rms_fit = math.sqrt(np.sum((data - fit.throughput(n)) ** 2))
    rms_truth = math.sqrt(np.sum((data - usl.throughput(n, sigma, kappa, lambda_)) ** 2))
    allowance = 2 * 2e-6 * math.sqrt(n.size) * data.max()
    assert rms_fit <= rms_truth * (1 + 1e-7) + allowance
    assert 0 <= fit.sigma <= 1 and fit.kappa >= 0 and fit.lambda_ > 0


def test_peak_is_the_whole_number_maximum():
    n = np.arange(1, 200)
    fit = usl.fit_usl(
        [1, 5, 10, 20, 40, 80, 160], usl.throughput([1, 5, 10, 20, 40, 80, 160], 0.03, 2e-4, 50)
    )
    assert fit.peak_concurrency == math.floor(math.sqrt((1 - fit.sigma) / fit.kappa))
    best = n[np.argmax(fit.throughput(n))]
    # The continuous optimum is 68.6; floor gives 68, within one user of the best integer.
    assert abs(best - fit.peak_concurrency) <= 1
    assert fit.max_throughput >= fit.throughput(fit.peak_concurrency + 5)


def test_throughput_and_latency_follow_littles_law(specsdm91_fit):
    fit = specsdm91_fit
    n = np.array([1.0, 50.0, 200.0])
    assert_allclose(fit.latency(n), n / fit.throughput(n))
    assert_allclose(fit.latency(1), 1 / fit.lambda_)
    # Latency grows past the peak: more users, same or less work done, longer waits.
    assert np.all(np.diff(fit.latency(np.arange(1, 400))) > 0)


def test_throughput_function_reference_value():
    # 100 * 10 / (1 + 0.1 * 9 + 0.01 * 90) = 1000 / 2.8, by hand.
    assert_allclose(usl.throughput(10, 0.1, 0.01, 100.0), 1000 / 2.8)
    assert_allclose(usl.throughput([1, 10], 0.1, 0.01, 100.0), [100.0, 1000 / 2.8])


def test_fit_result_is_frozen(specsdm91_fit):
    with pytest.raises(dataclasses.FrozenInstanceError):
        specsdm91_fit.sigma = 0.5


# --- bad inputs ---------------------------------------------------------------------------


GOOD_N = [1, 2, 4, 8, 16, 32]
GOOD_X = [10.0, 19.0, 35.0, 60.0, 90.0, 110.0]


@pytest.mark.parametrize(
    ("n", "x", "match"),
    [
        (GOOD_N[:5], GOOD_X[:5], "fit_usl needs at least 6 measurements"),
        (GOOD_N, GOOD_X[:5], "concurrency and throughput must have equal lengths; got 6 and 5"),
        (GOOD_N, [10.0, -19.0, *GOOD_X[2:]], "throughput must be > 0; got -19.0 at index 1"),
        (GOOD_N, [10.0, 0.0, *GOOD_X[2:]], "throughput must be > 0; got 0.0 at index 1"),
        (GOOD_N, [10.0, math.nan, *GOOD_X[2:]], "throughput must not be NaN"),
        (GOOD_N, [10.0, math.inf, *GOOD_X[2:]], "throughput must be finite"),
        ([0.5, *GOOD_N[1:]], GOOD_X, "concurrency must be >= 1"),
        ([1, 1, 1, 2, 2, 2], GOOD_X, "concurrency must hold at least 3 distinct levels"),
        ([GOOD_N], [GOOD_X], "concurrency and throughput must be 1-D"),
    ],
)
def test_fit_usl_rejects_bad_data(n, x, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        usl.fit_usl(n, x)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((0, 0.1, 0.01, 100.0), "concurrency must be > 0; got 0"),
        ((4, -0.1, 0.01, 100.0), "sigma must be >= 0; got -0.1"),
        ((4, 0.1, -0.01, 100.0), "kappa must be >= 0; got -0.01"),
        ((4, 0.1, 0.01, 0.0), "lambda_ must be > 0; got 0.0"),
    ],
)
def test_throughput_rejects_bad_coefficients(args, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        usl.throughput(*args)
