"""Tests of scaling_models.calibration: growth bootstrap and scenario odds."""

import math

import numpy as np
import pandas as pd
import pytest
from histories import MONTHS, exponential_mau
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

from scaling_models import calibration, growth, loaders, queueing

# --------------------------------------------------------------------------- growth


def test_exact_growth_is_recovered_without_uncertainty():
    fit = calibration.growth_distribution(exponential_mau(0.15), rng=0)
    assert_allclose(fit.mean_rate, 0.15, rtol=1e-12)
    assert_allclose(fit.interval, (0.15, 0.15), rtol=1e-9)
    assert fit.log_std < 1e-12
    assert (fit.window, fit.block_length, fit.dof) == (12, None, 1)
    assert (fit.start, fit.end) == (MONTHS[11], MONTHS[23])


def test_growth_matches_growth_fit_growth():
    mau = exponential_mau(0.12, noise=0.04, seed=3)
    mine = calibration.growth_distribution(mau, window=12, rng=0)
    theirs = growth.fit_growth(mau, window=12)
    assert_allclose([mine.mean_rate, mine.log_mean, mine.log_std],
                    [theirs.mean_rate, theirs.log_mean, theirs.log_std], rtol=1e-12)


@pytest.mark.parametrize("block_length", [None, 3])
def test_draws_are_reproducible_with_a_seed(block_length):
    mau = exponential_mau(0.1, noise=0.05, seed=1)
    a = calibration.growth_distribution(mau, block_length=block_length, rng=42)
    b = calibration.growth_distribution(mau, block_length=block_length,
                                        rng=np.random.default_rng(42))
    c = calibration.growth_distribution(mau, block_length=block_length, rng=43)
    np.testing.assert_array_equal(a.log_mean_samples, b.log_mean_samples)
    assert a.interval == b.interval
    assert not np.array_equal(a.log_mean_samples, c.log_mean_samples)
    np.testing.assert_array_equal(a.sample_rates(50, rng=7), a.sample_rates(50, rng=7))


def test_iid_bootstrap_standard_error_matches_the_textbook_formula():
    # block_length=1 is Efron's bootstrap: Var*(mean) = sum((x - mean)^2) / n^2
    mau = exponential_mau(0.1, noise=0.05, seed=2)
    fit = calibration.growth_distribution(mau, window=20, n_paths=20_000, block_length=1,
                                          rng=0)
    x = np.diff(np.log(mau.to_numpy()[-21:]))
    assert_allclose(fit.log_mean_se, x.std(ddof=0) / math.sqrt(20), rtol=0.03)
    # recentred on the sample mean, up to Monte Carlo error
    assert abs(fit.log_mean_samples.mean() - fit.log_mean) < 4 * fit.log_mean_se / 141


def test_block_bootstrap_is_centred_on_the_sample_mean():
    # without recentring the edge effect of the MBB shifts E*[mean*] for a trending series
    mau = pd.Series(np.exp(np.cumsum(np.linspace(0.02, 0.30, 13))))
    fit = calibration.growth_distribution(mau, block_length=4, n_paths=20_000, rng=0)
    assert abs(fit.log_mean_samples.mean() - fit.log_mean) < 4 * fit.log_mean_se / 141


def test_block_bootstrap_widens_the_interval_for_autocorrelated_growth():
    # growth in runs of four months: blocks keep the runs, the iid bootstrap breaks them
    rates = np.repeat([0.05, 0.25, 0.08, 0.22, 0.10, 0.20], 4)
    mau = pd.Series(np.exp(np.concatenate([[0], np.cumsum(rates)])))
    blocks = calibration.growth_distribution(mau, window=24, block_length=4, rng=0)
    iid = calibration.growth_distribution(mau, window=24, block_length=1, rng=0)
    assert blocks.log_mean_se > 1.2 * iid.log_mean_se


def test_interval_covers_the_true_rate_about_90_percent_of_the_time():
    true_rate, hits, reps = 0.15, 0, 200
    for seed in range(reps):
        mau = exponential_mau(true_rate, months=37, noise=0.05, seed=seed)
        fit = calibration.growth_distribution(mau, window=36, n_paths=400, block_length=1,
                                              rng=seed)
        hits += fit.rate_low <= true_rate <= fit.rate_high
    # percentile bootstrap, n = 36: close to nominal; binomial sd is 0.021 at 200 reps
    assert 0.82 <= hits / reps <= 0.96


def ar1_mau(months, phi, seed, rate=0.10, sd=0.05):
    """MAU whose monthly log growth is ln(1 + rate) plus stationary AR(1) noise of sd ``sd``."""
    rng = np.random.default_rng(seed)
    e = rng.standard_normal(months + 49)
    x = np.empty_like(e)
    x[0] = e[0]
    for t in range(1, e.size):  # innovations scaled so the marginal sd stays 1
        x[t] = phi * x[t - 1] + math.sqrt(1 - phi**2) * e[t]
    log_growth = math.log1p(rate) + sd * x[50:]
    return np.exp(np.concatenate([[0.0], np.cumsum(log_growth)]))


@pytest.mark.parametrize("phi", [0.0, 0.5])
def test_default_interval_is_honest_for_iid_and_autocorrelated_growth(phi):
    # A label is a promise: the 90 % interval of the mean rate must cover the true rate
    # 87-93 % of the time on 12-36-month histories, whether monthly growth is iid or
    # AR(1) with phi = 0.5 (the moving-block bootstrap covered ~77 % at 12 months).
    # 900 seeded histories (300 per window): binomial sd of the pooled figure 0.010.
    hits, reps = {12: 0, 24: 0, 36: 0}, 300
    for window in hits:
        for seed in range(reps):
            mau = ar1_mau(window + 1, phi, seed=window * 1000 + seed)
            fit = calibration.growth_distribution(mau, window=window, n_paths=100, rng=seed)
            hits[window] += fit.rate_low <= 0.10 <= fit.rate_high
    pooled = sum(hits.values()) / (3 * reps)
    assert 0.87 <= pooled <= 0.93, hits
    assert all(0.84 <= h / reps <= 0.96 for h in hits.values()), hits


def test_iid_student_interval_matches_the_t_formula():
    # For iid normal ratios the cosine projections are iid N(0, sigma^2) (orthonormal and
    # orthogonal to the constant), so the interval is mean +- t_nu * omega / sqrt(n):
    # recompute omega from its definition with an explicit sum.
    mau = exponential_mau(0.1, months=25, noise=0.05, seed=8)
    fit = calibration.growth_distribution(mau, window=24, rng=0)
    x = np.diff(np.log(mau.to_numpy()))
    nu = 2
    lam = [math.sqrt(2 / 24) * sum(math.cos(math.pi * j * (t + 0.5) / 24) * x[t]
                                   for t in range(24)) for j in (1, 2)]
    half = stats.t.ppf(0.95, nu) * math.sqrt((lam[0] ** 2 + lam[1] ** 2) / nu / 24)
    assert fit.dof == nu
    assert_allclose(np.log1p(fit.interval), (x.mean() - half, x.mean() + half), rtol=1e-10)


def test_growth_tails_hold_five_percent_with_autocorrelated_growth():
    # P(12-month growth >= what happened) is a PIT value: uniform when the predictive law
    # is right, so each 5 % tail should hold ~5 % of outcomes. With AR(1) growth the
    # iid spread sqrt(H) * log_std put 16-18 % in each tail; the long-run spread fixes it.
    # 600 seeded histories (24 months fitted, 12 scored): binomial sd 0.009 per tail.
    upper = lower = 0
    reps = 600
    for seed in range(reps):
        mau = ar1_mau(37, 0.5, seed=seed)
        fit = calibration.growth_distribution(mau[:25], window=24, n_paths=400, rng=seed)
        p = float(calibration.probability_of_growth(fit, mau[36] / mau[24] - 1, 12))
        upper += p < 0.05
        lower += p > 0.95
    assert 0.025 <= upper / reps <= 0.075
    assert 0.025 <= lower / reps <= 0.075


def test_default_block_length_grows_as_cube_root():
    assert [calibration.default_block_length(n) for n in (1, 8, 12, 27, 28, 64)] == [
        1, 2, 3, 3, 4, 4]


def test_long_run_dof_is_one_per_year():
    assert [calibration.long_run_dof(n) for n in (3, 12, 17, 18, 24, 36, 48)] == [
        1, 1, 1, 2, 2, 3, 4]


def test_sample_rates_come_from_the_draws():
    fit = calibration.growth_distribution(exponential_mau(0.1, noise=0.05), rng=0)
    rates = fit.sample_rates(1_000, rng=1)
    assert rates.shape == (1_000,)
    bounds = np.expm1([fit.log_mean_samples.min(), fit.log_mean_samples.max()])
    assert np.all((rates >= bounds[0]) & (rates <= bounds[1]))
    assert abs(np.mean((rates >= fit.rate_low) & (rates <= fit.rate_high)) - 0.9) < 0.04


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"mau": [1.0, 2.0, np.nan, 4.0, 5.0]}, ValueError, "mau must not be NaN"),
        ({"mau": [1.0, 2.0, 0.0, 4.0, 5.0]}, ValueError, "mau must be > 0; got 0.0"),
        ({"mau": [1.0, 2.0, 3.0]}, ValueError, "mau needs at least 4"),
        ({"mau": np.arange(1.0, 11.0)}, ValueError, "window must be <= 9.*got 12"),
        ({"mau": np.arange(1.0, 30.0), "window": 2}, ValueError, "window must be >= 3"),
        ({"mau": np.arange(1.0, 30.0), "n_paths": 10}, ValueError, "n_paths must be >= 100"),
        ({"mau": np.arange(1.0, 30.0), "block_length": 13}, ValueError,
         "block_length must be <= window"),
        ({"mau": np.arange(1.0, 30.0), "credibility": 90}, ValueError, "credibility"),
        ({"mau": np.ones((5, 5))}, ValueError, "one-dimensional"),
        ({"mau": pd.DataFrame({"mau": np.arange(1.0, 30.0)})}, TypeError, "DataFrame"),
        ({"mau": pd.Series(np.arange(1.0, 15.0),
                           index=MONTHS[:15].delete(7))}, ValueError, "consecutive month"),
    ],
)
def test_growth_distribution_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        calibration.growth_distribution(**kwargs)


# --------------------------------------------------------------------------- scenarios


def test_fifteen_percent_history_reaches_realistic_but_not_optimistic():
    # docs/domain.md section 2 note: 1.15 ** 12 = 5.35, +435 %: above realistic (x3), below
    # optimistic (x6). Multi-year: x2 in 12 m, 1.15**18 = 12.4 > x5, 1.15**24 = 28.6 > x11.
    fit = calibration.growth_distribution(exponential_mau(0.15, noise=0.002, seed=4), rng=0)
    table = calibration.scenario_probabilities(fit)
    p = table["probability_at_least"]
    # 12 months fitted: the Student t with one degree of freedom (long_run_dof) leaves
    # heavy tails however smooth the history, hence a few per cent, not zero
    assert p["projection_optimistic"] < 0.05
    for key in ("projection_conservative", "projection_realistic", "multi_year_conservative",
                "multi_year_aggressive", "multi_year_hypergrowth"):
        assert p[key] > 0.95
    assert_allclose(table.loc["projection_realistic", "median_total_growth"], 4.35, atol=0.02)
    bands = calibration.band_probabilities(fit)
    assert list(bands.index) == ["below conservative", "conservative to realistic",
                                 "realistic to optimistic", "above optimistic"]
    assert bands.loc["realistic to optimistic", "probability"] > 0.9
    assert_allclose(bands["probability"].sum(), 1.0)


def test_scenario_ranges_are_exclusive_and_sum_to_one_per_family():
    fit = calibration.growth_distribution(exponential_mau(0.10, noise=0.06, seed=8), rng=0)
    table = calibration.scenario_probabilities(fit)
    assert_allclose(table.groupby("family")["probability"].sum(), 1.0, atol=1e-12)
    # projection_12m: edges at the geometric means of the growth factors x1.5, x3, x6
    low_edge, high_edge = math.sqrt(1.5 * 3) - 1, math.sqrt(3 * 6) - 1  # +112 %, +324 %
    realistic = table.loc["projection_realistic"]
    assert_allclose([realistic["range_low_growth"], realistic["range_high_growth"]],
                    [low_edge, high_edge], rtol=1e-12)
    expected = (calibration.probability_of_growth(fit, low_edge, 12)
                - calibration.probability_of_growth(fit, high_edge, 12))
    assert 0.05 < expected < 0.95  # informative
    assert realistic["probability"] == pytest.approx(float(expected), abs=1e-12)
    # multi_year (12, 18, 24 months) compared at 24 months: +100 % in 12 months is
    # x4 in 24, +400 % in 18 is x5 ** (24 / 18) = x8.55, +1000 % in 24 is x11; the edges
    # are the geometric means of those factors
    multi = table[table["family"] == "multi_year"]
    assert (multi["family_horizon_months"] == 24).all()
    factors = [4.0, 5.0 ** (24 / 18), 11.0]
    edges = [math.sqrt(factors[0] * factors[1]) - 1, math.sqrt(factors[1] * factors[2]) - 1]
    assert_allclose(multi["range_low_growth"], [-1.0, *edges], rtol=1e-12)
    assert_allclose(multi["range_high_growth"], [*edges, np.inf], rtol=1e-12)
    p_edges = calibration.probability_of_growth(fit, edges, 24)
    assert_allclose(multi["probability"], [1 - p_edges[0], p_edges[0] - p_edges[1],
                                           p_edges[1]], atol=1e-12)
    # a 15 %/month company: x5.35 in 12 months is above x4.24, the realistic-optimistic
    # edge, so "optimistic" is the likely range of the 12-month family
    fast = calibration.growth_distribution(exponential_mau(0.15, noise=0.002, seed=4), rng=0)
    ranges = calibration.scenario_probabilities(fast)["probability"]
    # (12 months fitted: the Student t with one degree of freedom keeps a few per cent
    # in its tails however smooth the history)
    assert ranges["projection_optimistic"] > 0.95


def test_scenarios_needing_the_same_rate_are_refused():
    fit = calibration.growth_distribution(exponential_mau(0.1, noise=0.05), rng=0)
    same = pd.DataFrame({"total_user_growth": [1.0, 3.0], "horizon_months": [12, 24],
                         "family": ["f", "f"]}, index=["a", "b"])
    with pytest.raises(ValueError, match="family 'f' must need different monthly rates"):
        calibration.scenario_probabilities(fit, same)


def test_required_monthly_rates_match_domain():
    # docs/domain.md section 2: 3.44 %, 9.59 %, 16.1 % a month
    fit = calibration.growth_distribution(exponential_mau(0.1), rng=0)
    rates = calibration.scenario_probabilities(fit)["required_monthly_rate"]
    assert_allclose(rates[["projection_conservative", "projection_realistic",
                           "projection_optimistic"]], [0.0344, 0.0959, 0.161], atol=5e-4)


def test_probability_matches_lognormal_closed_form():
    # Log growth iid N(mu, s^2): over H months the log growth is N(H mu, H s^2); with the
    # iid bootstrap the mean is ~ N(mu_hat, s_ml^2 / n), so the predictive is
    # N(H mu_hat, H s^2 + H^2 s_ml^2 / n) (normal approximation of the bootstrap).
    mau = exponential_mau(0.08, months=49, noise=0.06, seed=5)
    fit = calibration.growth_distribution(mau, window=48, n_paths=20_000, block_length=1,
                                          rng=0)
    x = np.diff(np.log(mau.to_numpy()))
    horizon = np.array([6.0, 12.0, 18.0, 24.0])
    target = np.array([0.4, 1.2, 2.5, 4.0])
    sd = np.sqrt(horizon * x.var(ddof=1) + horizon**2 * x.var(ddof=0) / 48)
    expected = stats.norm.sf((np.log1p(target) - horizon * x.mean()) / sd)
    assert np.all((expected > 0.1) & (expected < 0.9))  # the comparison is informative
    assert_allclose(calibration.probability_of_growth(fit, target, horizon), expected,
                    atol=0.01)


def test_probability_matches_path_simulation():
    # Independent check: draw a (mean, long-run sd) pair per path (parameter
    # uncertainty), add monthly noise of that sd, compound 12 months, count paths
    # reaching x4.
    fit = calibration.growth_distribution(exponential_mau(0.095, noise=0.08, seed=6),
                                          window=23, rng=0)
    rng = np.random.default_rng(1)
    n = 200_000
    pick = rng.integers(fit.log_mean_samples.size, size=n)
    noise = fit.step_std_samples[pick] * rng.standard_normal((n, 12)).sum(axis=1)
    log_total = 12 * fit.log_mean_samples[pick] + noise
    simulated = np.mean(log_total >= np.log(4.0))
    p = float(calibration.probability_of_growth(fit, 3.0, 12))
    assert 0.05 < p < 0.95
    assert abs(simulated - p) < 4 * math.sqrt(p * (1 - p) / n)


def test_zero_volatility_gives_a_step():
    fit = calibration.growth_distribution(exponential_mau(0.1), rng=0)
    total = 1.1**12 - 1
    assert_allclose(calibration.probability_of_growth(fit, [total - 1e-6, total + 1e-6], 12),
                    [1.0, 0.0])


@settings(max_examples=25, deadline=None)
@given(rate=st.floats(-0.05, 0.4), noise=st.floats(0.0, 0.2), seed=st.integers(0, 100))
def test_bands_sum_to_one_and_probability_falls_with_the_target(rate, noise, seed):
    fit = calibration.growth_distribution(exponential_mau(rate, noise=noise, seed=seed),
                                          n_paths=200, rng=seed)
    bands = calibration.band_probabilities(fit)
    assert np.all(bands["probability"] >= -1e-12)
    assert_allclose(bands["probability"].sum(), 1.0, atol=1e-12)
    p = calibration.probability_of_growth(fit, [0.0, 0.5, 2.0, 5.0, 10.0], 12)
    assert np.all(np.diff(p) <= 1e-12)
    scenarios = calibration.scenario_probabilities(fit)
    assert np.all(scenarios["probability"] >= 0)
    assert_allclose(scenarios.groupby("family")["probability"].sum(), 1.0, atol=1e-12)


def test_scenario_probabilities_accepts_a_custom_table():
    fit = calibration.growth_distribution(exponential_mau(0.1, noise=0.05), rng=0)
    custom = pd.DataFrame({"total_user_growth": [1.0, 3.0], "horizon_months": [6, 9],
                           "family": ["mine", "mine"]}, index=["low", "high"])
    table = calibration.scenario_probabilities(fit, custom)
    assert list(table.index) == ["low", "high"]
    assert table.loc["low", "probability_at_least"] > table.loc["high", "probability_at_least"]
    assert table["probability"].sum() == pytest.approx(1.0, abs=1e-12)
    assert (table["family_horizon_months"] == 9).all()
    bands = calibration.band_probabilities(fit, custom.assign(horizon_months=9),
                                           family="mine")
    assert list(bands.index) == ["below low", "low to high", "above high"]


def test_scenario_inputs_are_validated():
    fit = calibration.growth_distribution(exponential_mau(0.1, noise=0.05), rng=0)
    with pytest.raises(ValueError, match="lacks column"):
        calibration.scenario_probabilities(fit, pd.DataFrame({"horizon_months": [12]}))
    with pytest.raises(ValueError, match="horizon_months must be > 0"):
        calibration.scenario_probabilities(
            fit, pd.DataFrame({"total_user_growth": [1.0], "horizon_months": [0]}))
    with pytest.raises(ValueError, match="total_growth must be > -1"):
        calibration.probability_of_growth(fit, -1.5, 12)
    with pytest.raises(ValueError, match="family must be one of"):
        calibration.band_probabilities(fit, family="nope")
    with pytest.raises(ValueError, match="mixes horizons"):
        calibration.band_probabilities(fit, family="multi_year")
    with pytest.raises(TypeError, match="GrowthCalibration"):
        calibration.probability_of_growth({"log_mean": 0.1}, 1.0, 12)


@pytest.fixture(scope="module")
def sample_history():
    if not (loaders.DATA_DIR / "company_history.csv").exists():
        pytest.skip("data/company_history.csv not written yet")
    return loaders.load_history()


def test_sample_history_growth_is_near_fifteen_percent(sample_history):
    fit = calibration.growth_distribution(sample_history["mau"], rng=0)
    assert 0.10 <= fit.mean_rate <= 0.20
    assert fit.rate_low <= fit.mean_rate <= fit.rate_high
    assert fit.end == pd.Period("2024-06", "M")
    probabilities = calibration.scenario_probabilities(fit)["probability_at_least"]
    assert probabilities["projection_realistic"] > probabilities["projection_optimistic"]


# --------------------------------------------------------------------------- elasticity


def power_law_history(elasticity=0.8, months=12, noise=0.0, seed=0, step=None):
    """Utilisation = level_r x MAU^elasticity for the four resources, with optional noise
    and a capacity step (utilisation divided by 1.6 from month ``step`` on)."""
    rng = np.random.default_rng(seed)
    mau = exponential_mau(rate=0.12, months=months, noise=0.02, seed=seed + 1)
    ratio = (mau / mau.iloc[-1]).to_numpy()
    frame = pd.DataFrame({"mau": mau.to_numpy()}, index=mau.index)
    for column, level in zip(calibration.ELASTICITY_COLUMNS.values(), (0.7, 0.6, 0.8, 0.4),
                             strict=True):
        values = level * ratio**elasticity * np.exp(noise * rng.standard_normal(months))
        if step is not None:
            values[:step] *= 1.6  # before the upgrade the same load used more of less
        frame[column] = values
    return frame


def test_exact_power_law_gives_the_exact_elasticity():
    fit = calibration.elasticity_distribution(power_law_history(0.8))
    assert fit.elasticity == pytest.approx(0.8, abs=1e-12)
    assert fit.low == pytest.approx(0.8, abs=1e-9) and fit.high == pytest.approx(0.8, abs=1e-9)
    assert_allclose(fit.per_resource["elasticity"], 0.8, atol=1e-12)
    assert fit.n_points == 48


def test_capacity_step_is_left_out_of_the_fit():
    history = power_law_history(0.8, step=7)
    fit = calibration.elasticity_distribution(history)
    assert fit.elasticity == pytest.approx(0.8, abs=1e-12)
    assert (fit.per_resource["fit_start"] == history.index[7]).all()
    assert (fit.per_resource["n_points"] == 5).all()
    # fitted across the step, the fall in utilisation would read as a much lower elasticity
    assert calibration.elasticity_distribution(history, after_drop=None).elasticity < 0.5


def test_elasticity_interval_covers_the_truth_at_its_nominal_rate():
    # closed-form t interval against simulation: 400 noisy histories, true e = 0.7
    hits = [
        (fit.low <= 0.7 <= fit.high)
        for fit in (calibration.elasticity_distribution(
            power_law_history(0.7, noise=0.03, seed=seed)) for seed in range(400))
    ]
    assert 0.86 <= np.mean(hits) <= 0.94


def test_sample_history_elasticity_is_near_one_and_memory_below_cpu(sample_history):
    # make_sample_data.py draws CPU, DB and bandwidth in proportion to transactions (whose
    # count per user creeps up) and memory as 0.12 + k x CPU, whose elasticity is below 1
    fit = calibration.elasticity_distribution(sample_history)
    assert 0.9 < fit.low < fit.elasticity < fit.high < 1.25
    per = fit.per_resource["elasticity"]
    assert per["memory"] < 1.0 < per["cpu"]


def test_sample_history_elasticities_per_resource(sample_history):
    # memory = 0.12 + k x CPU (make_sample_data.py): d ln(memory) / d ln(CPU) at the last
    # months' levels (memory 0.5-0.6) is 1 - 0.12 / memory ~ 0.78-0.8, times CPU's ~1.09
    joint = calibration.resource_elasticities(sample_history)
    table = joint.table()
    assert list(table.index) == list(calibration.ELASTICITY_COLUMNS)
    assert_allclose(table["elasticity"], [1.087, 0.874, 1.101, 1.182], atol=5e-4)
    assert (table["low"] < table["elasticity"]).all()
    assert (table["elasticity"] < table["high"]).all()
    assert list(table["n_points"]) == [5, 5, 6, 5]
    assert table.loc["db_utilisation", "fit_start"] == pd.Period("2024-01", "M")
    # the pooled fixed-effects slope is the Sxx-weighted average of the four
    pooled = calibration.elasticity_distribution(sample_history)
    weights = joint.sxx / joint.sxx.sum()
    assert pooled.elasticity == pytest.approx(float(weights @ joint.estimate), rel=1e-12)


def test_each_resource_gets_its_own_exact_elasticity():
    history = power_law_history(0.8)
    history["memory_avg"] *= (history["mau"] / history["mau"].iloc[-1]) ** -0.3  # 0.5
    joint = calibration.resource_elasticities(history)
    assert_allclose(joint.estimate, [0.8, 0.5, 0.8, 0.8], atol=1e-12)
    assert_allclose(joint.std_error, 0.0, atol=1e-12)
    draws = joint.sample(100, rng=0)
    assert_allclose(draws["memory"], 0.5, atol=1e-12)
    assert set(draws) == {"cpu", "memory", "db_utilisation", "bandwidth"}


# Four resources whose residuals correlate at 0.9, each with its own elasticity and its
# own capacity step (utilisation halved: an upgrade doubles capacity), as in the sample
# company. Under these assumptions each OLS slope's t interval is exact, so each must
# cover 90 %; the old pooled interval, which treated the four as independent, covered
# 52-72 % in this kind of simulation.
TRUE_ELASTICITY = {"cpu": 1.05, "memory": 0.85, "db_utilisation": 1.10, "bandwidth": 1.20}
STEP_MONTH = {"cpu": 2, "memory": 2, "db_utilisation": 4, "bandwidth": None}


def correlated_history(seed, true=TRUE_ELASTICITY, rho=0.9, noise=0.03, months=12):
    rng = np.random.default_rng(seed)
    mau = exponential_mau(rate=0.12, months=months, noise=0.03, seed=seed + 10_000)
    ratio = (mau / mau.iloc[-1]).to_numpy()
    cov = noise**2 * (rho * np.ones((4, 4)) + (1 - rho) * np.eye(4))
    eps = rng.multivariate_normal(np.zeros(4), cov, size=months)
    frame = pd.DataFrame({"mau": mau.to_numpy()}, index=mau.index)
    for i, (resource, column) in enumerate(calibration.ELASTICITY_COLUMNS.items()):
        values = (0.7 - 0.1 * i) * ratio ** true[resource] * np.exp(eps[:, i])
        if STEP_MONTH[resource] is not None:
            values[:STEP_MONTH[resource]] *= 2.0
        frame[column] = values
    return frame


def test_per_resource_intervals_cover_90_percent_with_correlated_residuals():
    reps = 1000  # binomial sd 0.0095 at 0.9: 87-93 % is +-3 sd
    hits, estimates, rank_of_draws = np.zeros(4), [], []
    for seed in range(reps):
        joint = calibration.resource_elasticities(correlated_history(seed))
        low, high = joint.low, joint.high
        hits += [low[r] <= TRUE_ELASTICITY[r] <= high[r] for r in joint.resources]
        estimates.append(joint.estimate)
        if seed < 100:
            draws = joint.sample(4000, rng=seed)
            assert all(np.all(d > 0) for d in draws.values())
            rank_of_draws.append(stats.spearmanr(np.column_stack(list(draws.values())))
                                 .statistic)
    coverage = hits / reps
    # measured: 0.90, 0.90, 0.90, 0.91
    assert np.all((coverage >= 0.87) & (coverage <= 0.93)), coverage
    # the joint draws keep the estimates' correlation: the rank correlation of the draws
    # (averaged over histories) against that of the estimates across the simulations
    # (the true sampling correlation; 0.47-0.90 here, measured gap <= 0.06)
    truth = stats.spearmanr(np.array(estimates)).statistic
    assert truth[0, 1] > 0.8  # the check is informative
    assert np.max(np.abs(np.mean(rank_of_draws, axis=0) - truth)) < 0.08


def test_pooled_interval_covers_90_percent_with_correlated_residuals():
    common = dict.fromkeys(TRUE_ELASTICITY, 1.0)
    reps = 1000
    hits = [(fit.low <= 1.0 <= fit.high) for fit in (
        calibration.elasticity_distribution(correlated_history(seed, true=common))
        for seed in range(reps))]
    assert 0.87 <= np.mean(hits) <= 0.93  # measured 0.91


def test_joint_draws_are_reproducible_and_truncated_at_zero():
    history = power_law_history(0.0, noise=0.06, seed=3)
    joint = calibration.resource_elasticities(history)
    a, b = joint.sample(5000, rng=7), joint.sample(5000, rng=np.random.default_rng(7))
    for resource in a:
        np.testing.assert_array_equal(a[resource], b[resource])
        assert np.all(a[resource] > 0)
    # true slope 0: a plain t draw around the estimate would often be negative
    assert (joint.estimate / joint.std_error).min() < 1.0
    with pytest.raises(ValueError, match="n must be >= 1"):
        joint.sample(0, rng=0)


@pytest.mark.parametrize("change, kwargs, match", [
    (lambda h: h.drop(columns="db_avg"), {}, "db_avg"),
    (lambda h: h.assign(cpu_avg=0.0), {}, "cpu_avg"),
    (lambda h: h, {"window": 2}, "window"),
    (lambda h: h, {"credibility": 1.0}, "credibility"),
    (lambda h: h.iloc[:2], {}, "at least 3"),
])
def test_elasticity_distribution_rejects_bad_input(change, kwargs, match):
    with pytest.raises(ValueError, match=match):
        calibration.elasticity_distribution(change(power_law_history()), **kwargs)


def test_too_short_a_history_since_the_steps_is_refused():
    history = power_law_history(0.8, step=11)  # 1 month left for each resource
    with pytest.raises(ValueError, match="cpu_avg.*1 month.*needs at least 3"):
        calibration.elasticity_distribution(history)
    with pytest.raises(ValueError, match="needs at least 3"):
        calibration.resource_elasticities(history)


# --------------------------------------------------------------------------- latency


def queue_history(model, load, service_time, instances=10, noise=0.0, seed=0):
    """CPU average rising 0.30 -> 0.75 with a capacity step, peak 1.3 x average, and a P95
    drawn from the named queue (queueing module, independently of the fit's code path)."""
    rng = np.random.default_rng(seed)
    cpu_avg = np.concatenate([np.linspace(0.45, 0.70, 6), np.linspace(0.30, 0.62, 6)])
    frame = pd.DataFrame({"cpu_avg": cpu_avg, "cpu_peak": 1.3 * cpu_avg}, index=MONTHS[:12])
    u = frame[f"cpu_{load}"].to_numpy()
    p95 = (queueing.mm1_response_time_percentile(u, service_time) if model == "mm1"
           else queueing.mmc_response_time_percentile(instances, u, service_time))
    frame["p95_response_time_s"] = p95 * np.exp(noise * rng.standard_normal(12))
    return frame


@pytest.mark.parametrize(("model", "load"), [("mm1", "avg"), ("mm1", "peak"),
                                             ("mmc", "avg"), ("mmc", "peak")])
def test_fit_latency_recovers_the_model_that_made_the_history(model, load):
    fit = calibration.fit_latency(queue_history(model, load, 0.12, instances=8), 8)
    assert (fit.model, fit.load) == (model, load)
    assert fit.service_time_s == pytest.approx(0.12, rel=1e-9)
    assert abs(fit.relative_error) < 1e-9
    assert fit.candidates.loc[(model, load), "rms_log_error"] < 1e-9
    assert (fit.candidates["rms_log_error"].drop((model, load)) > 0.01).all()
    assert (fit.months, fit.start, fit.end) == (12, MONTHS[0], MONTHS[11])
    # with 3 % measurement noise the service time is still found within a few percent
    noisy = calibration.fit_latency(queue_history(model, load, 0.12, instances=8,
                                                  noise=0.03, seed=1), 8)
    assert noisy.service_time_s == pytest.approx(0.12, rel=0.05)


def test_fit_latency_excludes_a_queue_that_the_load_saturates():
    history = queue_history("mm1", "avg", 0.2)
    history.loc[history.index[5], "cpu_peak"] = 1.0
    fit = calibration.fit_latency(history)
    assert np.isinf(fit.candidates.loc[("mm1", "peak"), "rms_log_error"])
    assert (fit.model, fit.load) == ("mm1", "avg")


def test_sample_history_latency_is_within_ten_percent(sample_history):
    # the engine's M/M/1 at average CPU with S = 0.15 s gives 1.56 s; 1.94 s is measured
    fit = calibration.fit_latency(sample_history)
    assert fit.measured_p95_s == 1.94
    assert abs(fit.relative_error) < 0.10
    check = queueing.mm1_response_time_percentile(
        sample_history["cpu_avg"].iloc[-1], fit.service_time_s) if fit.model == "mm1" else \
        queueing.mmc_response_time_percentile(fit.instances, sample_history[
            f"cpu_{fit.load}"].iloc[-1], fit.service_time_s)
    assert fit.modelled_p95_s == pytest.approx(float(check), rel=1e-12)


@pytest.mark.parametrize(("change", "kwargs", "error", "match"), [
    (lambda h: h.drop(columns="p95_response_time_s"), {}, ValueError,
     "lacks column 'p95_response_time_s'"),
    (lambda h: h.assign(p95_response_time_s=np.nan), {}, ValueError, "is empty"),
    (lambda h: h.assign(p95_response_time_s=[np.nan] * 10 + [1.0, 1.1]), {}, ValueError,
     "at least 3 measured months"),
    (lambda h: h.assign(cpu_avg=1.0, cpu_peak=1.0), {}, ValueError, "no queue can serve"),
    (lambda h: h.assign(cpu_avg=80.0), {}, ValueError, "cpu_avg"),
    (lambda h: h, {"instances": 0}, ValueError, "instances must be >= 1"),
    (lambda h: h, {"months": 2}, ValueError, "months must be >= 3"),
    (lambda h: h, {"quantile": 95}, ValueError, "quantile"),
])
def test_fit_latency_rejects_bad_input(change, kwargs, error, match):
    with pytest.raises(error, match=match):
        calibration.fit_latency(change(queue_history("mm1", "avg", 0.2)), **kwargs)


def test_n_boot_is_a_deprecated_alias_of_n_paths():
    mau = exponential_mau(0.1, months=30, noise=0.05, seed=5)
    with pytest.warns(DeprecationWarning,
                      match=r"growth_distribution\(n_boot=\.\.\.\) is deprecated"):
        old = calibration.growth_distribution(mau, n_boot=300, rng=4)
    new = calibration.growth_distribution(mau, n_paths=300, rng=4)
    np.testing.assert_array_equal(old.log_mean_samples, new.log_mean_samples)
    assert new.log_mean_samples.shape == (300,)
    with pytest.raises(TypeError, match="both n_boot= and n_paths="):
        calibration.growth_distribution(mau, n_paths=300, n_boot=300)
