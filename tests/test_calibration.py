"""Tests of scaling_models.calibration: growth bootstrap, scenario odds, trends, signals."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

from scaling_models import calibration, growth, loaders, thresholds

MONTHS = pd.period_range("2023-01", periods=24, freq="M")
THRESHOLDS = pd.DataFrame(
    {
        "direction": ["higher_is_worse", "lower_is_worse", "higher_is_worse",
                      "higher_is_worse", "higher_is_worse", "higher_is_worse",
                      "higher_is_worse", "higher_is_worse"],
        "attention": [2.0, 1.0, 24.0, 0.70, 0.80, 0.70, 0.70, 0.20],
        "critical": [5.0, 0.23, 72.0, 0.90, 0.95, 0.80, 0.90, 0.30],
    },
    index=pd.Index(["p95_response_time_s", "deploys_per_week", "code_review_hours", "cpu",
                    "memory", "db_utilisation", "bandwidth", "user_growth"], name="metric"),
)
# db_connections shares the CPU levels (DOMAIN section 3: 70 % / 90 % of the pool)
THRESHOLDS.loc["db_connections"] = ["higher_is_worse", 0.70, 0.90]


def exponential_mau(rate=0.15, months=24, noise=0.0, seed=0, end=50_000.0):
    rng = np.random.default_rng(seed)
    log_growth = math.log1p(rate) + noise * rng.standard_normal(months - 1)
    path = np.concatenate([[0.0], np.cumsum(log_growth)])
    index = pd.period_range("2023-01", periods=months, freq="M")
    return pd.Series(end * np.exp(path - path[-1]), index=index, name="mau")


def calm_history(months=12):
    """A history in which no signal of the article should fire."""
    index = MONTHS[:months]
    wobble = np.resize([1.0, 1.02, 0.99, 1.01], months)  # ups and downs, no trend
    return pd.DataFrame(
        {
            "mau": 40_000 * 1.05 ** np.arange(months),
            "p95_response_time_s": 1.2 * wobble,
            "incidents": np.resize([2.0, 3.0, 2.0], months),
            "deploys_per_week": 5.0 * wobble[::-1],
            "code_review_hours": 10.0 * wobble,
            "cpu_avg": 0.5 * wobble, "cpu_peak": 0.7 * wobble,
            "memory_avg": 0.5 * wobble, "memory_peak": 0.6 * wobble,
            "db_avg": 0.6 * wobble, "db_peak": 0.7 * wobble,
            "bandwidth_avg": 0.3 * wobble, "bandwidth_peak": 0.5 * wobble,
            "db_connections_in_use": 40.0 * wobble,
            "db_pool_size": np.full(months, 100.0),
        },
        index=index,
    )


# --------------------------------------------------------------------------- growth


def test_exact_growth_is_recovered_without_uncertainty():
    fit = calibration.growth_distribution(exponential_mau(0.15), rng=0)
    assert_allclose(fit.mean_rate, 0.15, rtol=1e-12)
    assert_allclose(fit.interval, (0.15, 0.15), rtol=1e-9)
    assert fit.log_std < 1e-12
    assert (fit.window, fit.block_length) == (12, 3)
    assert (fit.start, fit.end) == (MONTHS[11], MONTHS[23])


def test_growth_matches_growth_fit_growth():
    mau = exponential_mau(0.12, noise=0.04, seed=3)
    mine = calibration.growth_distribution(mau, window=12, rng=0)
    theirs = growth.fit_growth(mau, window=12)
    assert_allclose([mine.mean_rate, mine.log_mean, mine.log_std],
                    [theirs.mean_rate, theirs.log_mean, theirs.log_std], rtol=1e-12)


def test_bootstrap_is_reproducible_with_a_seed():
    mau = exponential_mau(0.1, noise=0.05, seed=1)
    a = calibration.growth_distribution(mau, rng=42)
    b = calibration.growth_distribution(mau, rng=np.random.default_rng(42))
    c = calibration.growth_distribution(mau, rng=43)
    np.testing.assert_array_equal(a.log_mean_samples, b.log_mean_samples)
    assert a.interval == b.interval
    assert not np.array_equal(a.log_mean_samples, c.log_mean_samples)
    np.testing.assert_array_equal(a.sample_rates(50, rng=7), a.sample_rates(50, rng=7))


def test_iid_bootstrap_standard_error_matches_the_textbook_formula():
    # block_length=1 is Efron's bootstrap: Var*(mean) = sum((x - mean)^2) / n^2
    mau = exponential_mau(0.1, noise=0.05, seed=2)
    fit = calibration.growth_distribution(mau, window=20, n_boot=20_000, block_length=1,
                                          rng=0)
    x = np.diff(np.log(mau.to_numpy()[-21:]))
    assert_allclose(fit.log_mean_se, x.std(ddof=0) / math.sqrt(20), rtol=0.03)
    # recentred on the sample mean, up to Monte Carlo error
    assert abs(fit.log_mean_samples.mean() - fit.log_mean) < 4 * fit.log_mean_se / 141


def test_block_bootstrap_is_centred_on_the_sample_mean():
    # without recentring the edge effect of the MBB shifts E*[mean*] for a trending series
    mau = pd.Series(np.exp(np.cumsum(np.linspace(0.02, 0.30, 13))))
    fit = calibration.growth_distribution(mau, block_length=4, n_boot=20_000, rng=0)
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
        fit = calibration.growth_distribution(mau, window=36, n_boot=400, block_length=1,
                                              rng=seed)
        hits += fit.rate_low <= true_rate <= fit.rate_high
    # percentile bootstrap, n = 36: close to nominal; binomial sd is 0.021 at 200 reps
    assert 0.82 <= hits / reps <= 0.96


def test_default_block_length_grows_as_cube_root():
    assert [calibration.default_block_length(n) for n in (1, 8, 12, 27, 28, 64)] == [
        1, 2, 3, 3, 4, 4]


def test_sample_rates_come_from_the_bootstrap():
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
        ({"mau": np.arange(1.0, 30.0), "n_boot": 10}, ValueError, "n_boot must be >= 100"),
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
    # DOMAIN section 2 note: 1.15 ** 12 = 5.35, +435 %: above realistic (x3), below
    # optimistic (x6). Multi-year: x2 in 12 m, 1.15**18 = 12.4 > x5, 1.15**24 = 28.6 > x11.
    fit = calibration.growth_distribution(exponential_mau(0.15, noise=0.002, seed=4), rng=0)
    table = calibration.scenario_probabilities(fit)
    p = table["probability"]
    assert p["projection_optimistic"] < 1e-6
    for key in ("projection_conservative", "projection_realistic", "multi_year_conservative",
                "multi_year_aggressive", "multi_year_hypergrowth"):
        assert p[key] > 1 - 1e-6
    assert_allclose(table.loc["projection_realistic", "median_total_growth"], 4.35, atol=0.02)
    bands = calibration.band_probabilities(fit)
    assert list(bands.index) == ["below conservative", "conservative to realistic",
                                 "realistic to optimistic", "above optimistic"]
    assert bands.loc["realistic to optimistic", "probability"] > 1 - 1e-6
    assert_allclose(bands["probability"].sum(), 1.0)


def test_required_monthly_rates_match_domain():
    # DOMAIN section 2: 3.44 %, 9.59 %, 16.1 % a month
    fit = calibration.growth_distribution(exponential_mau(0.1), rng=0)
    rates = calibration.scenario_probabilities(fit)["required_monthly_rate"]
    assert_allclose(rates[["projection_conservative", "projection_realistic",
                           "projection_optimistic"]], [0.0344, 0.0959, 0.161], atol=5e-4)


def test_probability_matches_lognormal_closed_form():
    # Log growth iid N(mu, s^2): over H months the log growth is N(H mu, H s^2); with the
    # iid bootstrap the mean is ~ N(mu_hat, s_ml^2 / n), so the predictive is
    # N(H mu_hat, H s^2 + H^2 s_ml^2 / n) (normal approximation of the bootstrap).
    mau = exponential_mau(0.08, months=49, noise=0.06, seed=5)
    fit = calibration.growth_distribution(mau, window=48, n_boot=20_000, block_length=1,
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
    # Independent check: draw a rate per path (parameter uncertainty), add monthly noise
    # of log_std, compound 12 months, count paths reaching x3.
    fit = calibration.growth_distribution(exponential_mau(0.095, noise=0.08, seed=6),
                                          rng=0)
    rng = np.random.default_rng(1)
    n = 200_000
    rate = fit.sample_rates(n, rng=rng)
    log_total = 12 * np.log1p(rate) + fit.log_std * rng.standard_normal((n, 12)).sum(axis=1)
    simulated = np.mean(log_total >= np.log(3.0))
    p = float(calibration.probability_of_growth(fit, 2.0, 12))
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
                                          n_boot=200, rng=seed)
    bands = calibration.band_probabilities(fit)
    assert np.all(bands["probability"] >= -1e-12)
    assert_allclose(bands["probability"].sum(), 1.0, atol=1e-12)
    p = calibration.probability_of_growth(fit, [0.0, 0.5, 2.0, 5.0, 10.0], 12)
    assert np.all(np.diff(p) <= 1e-12)


def test_scenario_probabilities_accepts_a_custom_table():
    fit = calibration.growth_distribution(exponential_mau(0.1, noise=0.05), rng=0)
    custom = pd.DataFrame({"total_user_growth": [1.0, 3.0], "horizon_months": [6, 9],
                           "family": ["mine", "mine"]}, index=["low", "high"])
    table = calibration.scenario_probabilities(fit, custom)
    assert list(table.index) == ["low", "high"]
    assert table.loc["low", "probability"] > table.loc["high", "probability"]
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


# --------------------------------------------------------------------------- thresholds


def test_exact_exponential_gives_the_exact_crossing_month():
    # cpu 0.40 growing 4 %/month, last value 0.40 * 1.04**11 = 0.6158 (2023-12)
    series = pd.Series(0.40 * 1.04 ** np.arange(12), index=MONTHS[:12], name="cpu")
    forecast = calibration.threshold_forecast(series, attention=0.70, critical=0.90)
    last = 0.40 * 1.04**11
    months_att = math.log(0.70 / last) / math.log(1.04)  # 3.27 months
    months_crit = math.log(0.90 / last) / math.log(1.04)  # 9.68 months
    assert not forecast.poor_fit and forecast.warning == ""
    assert_allclose(forecast.monthly_growth, 0.04, rtol=1e-10)
    for crossing, months in ((forecast.attention, months_att),
                             (forecast.critical, months_crit)):
        assert crossing.status == "forecast"
        assert_allclose([crossing.months, crossing.months_low, crossing.months_high],
                        months, rtol=1e-6)
        assert crossing.period == MONTHS[11] + math.ceil(months)
    assert forecast.attention.period == pd.Period("2024-04", "M")
    assert forecast.critical.period == pd.Period("2024-10", "M")


def test_noisy_trend_interval_covers_the_truth_at_its_nominal_rate():
    # Fieller's interval is exact for normal errors: 90 % coverage of the true crossing
    t = np.arange(-11, 1)
    true_months = math.log(0.90 / 0.60) / 0.03  # the true line is 0.60 at t = 0
    hits, reps = 0, 400
    rng = np.random.default_rng(0)
    for _ in range(reps):
        series = 0.60 * np.exp(0.03 * t + 0.01 * rng.standard_normal(12))
        crossing = calibration.threshold_forecast(
            series, attention=0.95, critical=0.99, horizon_months=60,
            min_r_squared=0.0).attention
        low = crossing.months_low
        hits += low <= math.log(0.95 / 0.60) / 0.03 <= crossing.months_high
    assert 0.85 <= hits / reps <= 0.95  # binomial sd 0.015
    one = calibration.threshold_forecast(
        0.60 * np.exp(0.03 * t + 0.01 * np.random.default_rng(9).standard_normal(12)),
        attention=0.80, critical=0.90)
    assert one.critical.status == "forecast"
    assert one.critical.months_low <= true_months <= one.critical.months_high
    assert one.critical.period is None  # no dates on a plain array


def test_flat_noisy_series_is_a_poor_fit_without_a_date():
    rng = np.random.default_rng(3)
    series = pd.Series(0.5 * np.exp(0.05 * rng.standard_normal(12)), index=MONTHS[:12],
                       name="memory")
    forecast = calibration.threshold_forecast(series, attention=0.8, critical=0.95)
    assert forecast.poor_fit
    assert "R^2" in forecast.warning and "memory" in forecast.warning
    for crossing in (forecast.attention, forecast.critical):
        assert crossing.status == "poor fit"
        assert crossing.period is None and math.isnan(crossing.months)


def test_too_few_points_is_a_poor_fit():
    series = 0.5 * 1.05 ** np.arange(4) * np.array([1.0, 1.01, 0.99, 1.0])
    forecast = calibration.threshold_forecast(series, attention=0.8, critical=0.9, window=4)
    assert forecast.poor_fit and "only 4 months" in forecast.warning


def test_already_crossed_moving_away_and_beyond_horizon():
    rising = pd.Series(0.60 * 1.05 ** np.arange(12), index=MONTHS[:12])  # ends at 1.03
    forecast = calibration.threshold_forecast(rising, attention=0.7, critical=0.9)
    assert forecast.critical.status == "already crossed"
    assert forecast.critical.months == 0 and forecast.critical.period == MONTHS[11]

    falling = pd.Series(0.6 * 0.98 ** np.arange(12), index=MONTHS[:12])
    forecast = calibration.threshold_forecast(falling, attention=0.7, critical=0.9)
    assert forecast.attention.status == "not within horizon"
    assert math.isnan(forecast.attention.months) and not forecast.poor_fit

    slow = pd.Series(0.3 * 1.01 ** np.arange(12), index=MONTHS[:12])
    forecast = calibration.threshold_forecast(slow, attention=0.7, critical=0.9,
                                              horizon_months=24)
    assert forecast.attention.status == "not within horizon"
    assert forecast.attention.months > 24 and forecast.attention.period is None

    flat = calibration.threshold_forecast(np.full(12, 0.5), attention=0.7, critical=0.9)
    assert not flat.poor_fit and flat.attention.status == "not within horizon"


def test_lower_is_worse_metric_falling_toward_its_threshold():
    # deploys 4/week halving every 6 months: below 1/week after 12 months from 4
    deploys = pd.Series(4.0 * 0.5 ** (np.arange(12) / 6), index=MONTHS[:12].to_timestamp())
    forecast = calibration.threshold_forecast(deploys, attention=1.0, critical=0.23,
                                              direction="lower_is_worse")
    assert_allclose(forecast.attention.months, 12 - 11, rtol=1e-6)
    assert forecast.attention.period == pd.Period("2024-01", "M")


def test_after_drop_fits_only_the_months_since_the_last_capacity_upgrade():
    # sawtooth: 0.8 -> upgrade halves utilisation -> grows 6 %/month for 6 months
    before = 0.5 * 1.06 ** np.arange(6)
    after = 0.4 * 1.06 ** np.arange(6)
    series = pd.Series(np.concatenate([before, after]), index=MONTHS[:12], name="cpu")
    whole = calibration.threshold_forecast(series, attention=0.7, critical=0.9)
    assert whole.poor_fit  # one line through both teeth
    tooth = calibration.threshold_forecast(series, attention=0.7, critical=0.9,
                                           after_drop=0.25)
    assert not tooth.poor_fit and tooth.n_points == 6 and tooth.fit_start == MONTHS[6]
    months = math.log(0.9 / after[-1]) / math.log(1.06)  # 8.9 months
    assert_allclose(tooth.critical.months, months, rtol=1e-6)
    assert tooth.critical.period == MONTHS[11] + 9
    # an upgrade last month leaves no trend to extrapolate
    fresh = np.concatenate([0.5 * 1.06 ** np.arange(11), [0.3]])
    forecast = calibration.threshold_forecast(fresh, attention=0.7, critical=0.9,
                                              after_drop=0.25)
    assert forecast.poor_fit and "only 1 month since the step" in forecast.warning
    assert forecast.critical.status == "poor fit"


@pytest.mark.parametrize(
    ("series", "kwargs", "match"),
    [
        ([0.5] * 5 + [np.nan] * 7, {}, "series must not be NaN"),
        ([0.5] * 11 + [0.0], {}, "series must be > 0"),
        ([0.5] * 8, {}, "window must be <= the length of series \\(8 months\\); got 12"),
        ([0.5] * 12, {"window": 2}, "window must be >= 3"),
        ([0.5] * 12, {"attention": 0.9, "critical": 0.7}, "attention must be < critical"),
        ([0.5] * 12, {"direction": "lower_is_worse"}, "attention must be > critical"),
        ([0.5] * 12, {"direction": "up"}, "direction must be one of"),
        ([0.5] * 12, {"attention": -0.1}, "attention must be > 0"),
        ([0.5] * 12, {"horizon_months": 0}, "horizon_months must be >= 1"),
        ([0.5] * 12, {"after_drop": 25}, "after_drop must be in \\(0, 1\\)"),
    ],
)
def test_threshold_forecast_rejects_bad_input(series, kwargs, match):
    kwargs = {"attention": 0.7, "critical": 0.9} | kwargs
    with pytest.raises(ValueError, match=match):
        calibration.threshold_forecast(series, **kwargs)


def test_capacity_forecasts_covers_every_capacity_metric():
    history = calm_history(12)
    history["cpu_avg"] = 0.40 * 1.04 ** np.arange(12)
    history["db_connections_in_use"] = 30.0 * 1.05 ** np.arange(12)
    table = calibration.capacity_forecasts(history, THRESHOLDS)
    assert list(table.index) == ["cpu", "memory", "db_utilisation", "bandwidth",
                                 "db_connections", "p95_response_time_s"]
    direct = calibration.threshold_forecast(history["cpu_avg"], attention=0.7, critical=0.9)
    assert table.loc["cpu", "critical_month"] == direct.critical.period
    assert_allclose(table.loc["cpu", "critical_months"], direct.critical.months)
    assert_allclose(table.loc["db_connections", "last_value"], 0.30 * 1.05**11)
    assert_allclose(table.loc["db_connections", "monthly_growth"], 0.05, rtol=1e-9)
    assert table.loc["memory", "poor_fit"] and table.loc["memory", "warning"]
    peak = calibration.capacity_forecasts(history, THRESHOLDS, statistic="peak")
    assert peak.loc["memory", "source"] == "memory_peak"


def test_capacity_forecasts_validates_its_inputs():
    with pytest.raises(ValueError, match="lacks column 'db_avg'"):
        calibration.capacity_forecasts(calm_history().drop(columns="db_avg"), THRESHOLDS)
    with pytest.raises(ValueError, match="no row for metric 'bandwidth'"):
        calibration.capacity_forecasts(calm_history(), THRESHOLDS.drop(index="bandwidth"))
    with pytest.raises(ValueError, match="statistic must be"):
        calibration.capacity_forecasts(calm_history(), THRESHOLDS, statistic="max")
    with pytest.raises(TypeError, match="history must be a DataFrame"):
        calibration.capacity_forecasts(calm_history()["cpu_avg"], THRESHOLDS)


# --------------------------------------------------------------------------- signals


def signals(history, **kwargs):
    return calibration.detect_signals(history, THRESHOLDS, **kwargs).set_index("signal")


def test_calm_history_has_no_signal():
    table = signals(calm_history())
    assert set(table.index) == {"response_time_rising", "deployment_frequency_falling",
                                "code_review_time_rising", "incidents_more_frequent",
                                "user_growth_above_20pct"}
    assert not table["detected"].any()
    assert (table["severity"] == "ok").all()


def test_response_time_rising_month_after_month():
    history = calm_history()
    history.loc[history.index[-7:], "p95_response_time_s"] = [1.0, 1.1, 1.2, 1.15, 1.3, 1.4,
                                                               1.5]
    row = signals(history).loc["response_time_rising"]
    assert row["detected"] and row["severity"] == "attention"
    assert "rose in 5 of the last 6 months" in row["evidence"]
    assert "from 1 s to 1.5 s" in row["evidence"]
    history.loc[history.index[-1], "p95_response_time_s"] = 5.5  # beyond the 5 s line
    assert signals(history).loc["response_time_rising", "severity"] == "critical"


def test_a_significant_slope_alone_is_a_signal():
    # up in only 3 of 6 months, but a clear upward slope
    history = calm_history()
    history.loc[history.index[-7:], "code_review_hours"] = [10, 16, 14, 22, 20, 28, 26]
    row = signals(history).loc["code_review_time_rising"]
    assert row["detected"] and "rose in 3 of the last 6" in row["evidence"]
    assert not signals(history, alpha=1e-6).loc["code_review_time_rising", "detected"]


def test_deployment_frequency_falling():
    history = calm_history()
    history.loc[history.index[-7:], "deploys_per_week"] = [5, 4.5, 4, 3.5, 3, 2.5, 0.2]
    row = signals(history).loc["deployment_frequency_falling"]
    assert row["detected"] and "fell in 6 of the last 6" in row["evidence"]
    assert row["severity"] == "critical"  # 0.2 / week is below 1 / month (0.23 / week)


def test_incidents_more_frequent_last_quarter():
    history = calm_history()
    history.loc[history.index[-6:], "incidents"] = [2, 2, 2, 3, 4, 5]
    row = signals(history).loc["incidents_more_frequent"]
    assert row["detected"] and row["severity"] == "critical"  # 12 >= 2 x 6
    assert "12 incidents in the last 3 months against 6" in row["evidence"]
    # one-sided conditional test: P(X >= 12 | X ~ Bin(18, 1/2))
    p = stats.binom.sf(11, 18, 0.5)
    assert f"p = {p:.3f}" in row["evidence"]
    history.loc[history.index[-6:], "incidents"] = [2, 2, 2, 3, 2, 2]  # 7 vs 6: no
    assert not signals(history).loc["incidents_more_frequent", "detected"]


def test_user_growth_above_twenty_percent():
    history = calm_history()
    history.loc[history.index[-1], "mau"] = history["mau"].iloc[-2] * 1.25
    row = signals(history).loc["user_growth_above_20pct"]
    assert row["detected"] and row["severity"] == "attention"
    assert "MAU grew 25.0% in the latest month" in row["evidence"]
    history.loc[history.index[-1], "mau"] = history["mau"].iloc[-2] * 1.35
    assert signals(history).loc["user_growth_above_20pct", "severity"] == "critical"
    assert not signals(history, growth_threshold=0.4).loc["user_growth_above_20pct",
                                                          "detected"]


def test_detect_signals_validates_its_inputs():
    with pytest.raises(ValueError, match="at least 7 months"):
        calibration.detect_signals(calm_history(5), THRESHOLDS)
    with pytest.raises(ValueError, match="lacks column 'incidents'"):
        calibration.detect_signals(calm_history().drop(columns="incidents"), THRESHOLDS)
    history = calm_history()
    history.loc[history.index[3], "code_review_hours"] = np.nan
    with pytest.raises(ValueError, match="code_review_hours.*NaN"):
        calibration.detect_signals(history, THRESHOLDS)
    with pytest.raises(ValueError, match="min_moves must be <= trend_months"):
        calibration.detect_signals(calm_history(), THRESHOLDS, min_moves=7)
    with pytest.raises(ValueError, match="alpha"):
        calibration.detect_signals(calm_history(), THRESHOLDS, alpha=5)


def test_history_with_a_month_column_is_accepted():
    history = calm_history().reset_index(names="month")
    history["month"] = history["month"].astype(str)
    assert len(calibration.detect_signals(history, THRESHOLDS)) == 5


# --------------------------------------------------------------------------- sample data


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
    probabilities = calibration.scenario_probabilities(fit)["probability"]
    assert probabilities["projection_realistic"] > probabilities["projection_optimistic"]


def test_sample_history_capacity_and_signals_run(sample_history):
    table = thresholds.load_thresholds()
    forecasts = calibration.capacity_forecasts(sample_history, table)
    assert forecasts.index.tolist() == list(calibration.CAPACITY_METRICS)
    allowed = {"already crossed", "forecast", "not within horizon", "poor fit"}
    assert set(forecasts["critical_status"]) <= allowed
    # the sample's CPU grows with users since its last upgrade (DOMAIN: 70 % average now)
    assert not forecasts.loc["cpu", "poor_fit"]
    assert 0.05 < forecasts.loc["cpu", "monthly_growth"] < 0.30
    assert forecasts.loc["cpu", "critical_status"] in ("forecast", "already crossed")
    flagged = calibration.detect_signals(sample_history, table)
    assert flagged["detected"].dtype == bool and len(flagged) == 5
