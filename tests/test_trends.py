"""Tests of scaling_models.trends: a metric's trend toward its thresholds."""

import math

import numpy as np
import pandas as pd
import pytest
from histories import MONTHS, THRESHOLDS, calm_history
from numpy.testing import assert_allclose

from scaling_models import loaders, signals, thresholds, trends


def test_exact_exponential_gives_the_exact_crossing_month():
    # cpu 0.40 growing 4 %/month, last value 0.40 * 1.04**11 = 0.6158 (2023-12)
    series = pd.Series(0.40 * 1.04 ** np.arange(12), index=MONTHS[:12], name="cpu")
    forecast = trends.threshold_forecast(series, attention=0.70, critical=0.90)
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
        crossing = trends.threshold_forecast(
            series, attention=0.95, critical=0.99, horizon_months=60,
            min_r_squared=0.0).attention
        low = crossing.months_low
        hits += low <= math.log(0.95 / 0.60) / 0.03 <= crossing.months_high
    assert 0.85 <= hits / reps <= 0.95  # binomial sd 0.015
    one = trends.threshold_forecast(
        0.60 * np.exp(0.03 * t + 0.01 * np.random.default_rng(9).standard_normal(12)),
        attention=0.80, critical=0.90)
    assert one.critical.status == "forecast"
    assert one.critical.months_low <= true_months <= one.critical.months_high
    assert one.critical.period is None  # no dates on a plain array


def test_flat_noisy_series_is_a_poor_fit_without_a_date():
    rng = np.random.default_rng(3)
    series = pd.Series(0.5 * np.exp(0.05 * rng.standard_normal(12)), index=MONTHS[:12],
                       name="memory")
    forecast = trends.threshold_forecast(series, attention=0.8, critical=0.95)
    assert forecast.poor_fit
    assert "R^2" in forecast.warning and "memory" in forecast.warning
    for crossing in (forecast.attention, forecast.critical):
        assert crossing.status == "poor fit"
        assert crossing.period is None and math.isnan(crossing.months)


def test_too_few_points_is_a_poor_fit():
    series = 0.5 * 1.05 ** np.arange(4) * np.array([1.0, 1.01, 0.99, 1.0])
    forecast = trends.threshold_forecast(series, attention=0.8, critical=0.9, window=4)
    assert forecast.poor_fit and "only 4 months" in forecast.warning


def test_already_crossed_moving_away_and_beyond_horizon():
    rising = pd.Series(0.60 * 1.05 ** np.arange(12), index=MONTHS[:12])  # ends at 1.03
    forecast = trends.threshold_forecast(rising, attention=0.7, critical=0.9)
    assert forecast.critical.status == "already crossed"
    assert forecast.critical.months == 0 and forecast.critical.period == MONTHS[11]

    falling = pd.Series(0.6 * 0.98 ** np.arange(12), index=MONTHS[:12])
    forecast = trends.threshold_forecast(falling, attention=0.7, critical=0.9)
    assert forecast.attention.status == "not within horizon"
    assert math.isnan(forecast.attention.months) and not forecast.poor_fit

    slow = pd.Series(0.3 * 1.01 ** np.arange(12), index=MONTHS[:12])
    forecast = trends.threshold_forecast(slow, attention=0.7, critical=0.9,
                                              horizon_months=24)
    assert forecast.attention.status == "not within horizon"
    assert forecast.attention.months > 24 and forecast.attention.period is None

    flat = trends.threshold_forecast(np.full(12, 0.5), attention=0.7, critical=0.9)
    assert not flat.poor_fit and flat.attention.status == "not within horizon"


def test_lower_is_worse_metric_falling_toward_its_threshold():
    # deploys 4/week halving every 6 months: below 1/week after 12 months from 4
    deploys = pd.Series(4.0 * 0.5 ** (np.arange(12) / 6), index=MONTHS[:12].to_timestamp())
    forecast = trends.threshold_forecast(deploys, attention=1.0, critical=0.23,
                                              direction="lower_is_worse")
    assert_allclose(forecast.attention.months, 12 - 11, rtol=1e-6)
    assert forecast.attention.period == pd.Period("2024-01", "M")


def test_after_drop_fits_only_the_months_since_the_last_capacity_upgrade():
    # sawtooth: 0.8 -> upgrade halves utilisation -> grows 6 %/month for 6 months
    before = 0.5 * 1.06 ** np.arange(6)
    after = 0.4 * 1.06 ** np.arange(6)
    series = pd.Series(np.concatenate([before, after]), index=MONTHS[:12], name="cpu")
    whole = trends.threshold_forecast(series, attention=0.7, critical=0.9)
    assert whole.poor_fit  # one line through both teeth
    tooth = trends.threshold_forecast(series, attention=0.7, critical=0.9,
                                           after_drop=0.25)
    assert not tooth.poor_fit and tooth.n_points == 6 and tooth.fit_start == MONTHS[6]
    months = math.log(0.9 / after[-1]) / math.log(1.06)  # 8.9 months
    assert_allclose(tooth.critical.months, months, rtol=1e-6)
    assert tooth.critical.period == MONTHS[11] + 9
    # an upgrade last month leaves no trend to extrapolate
    fresh = np.concatenate([0.5 * 1.06 ** np.arange(11), [0.3]])
    forecast = trends.threshold_forecast(fresh, attention=0.7, critical=0.9,
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
        trends.threshold_forecast(series, **kwargs)


def test_capacity_forecasts_covers_every_capacity_metric():
    history = calm_history(12)
    history["cpu_avg"] = 0.40 * 1.04 ** np.arange(12)
    history["db_connections_in_use"] = 30.0 * 1.05 ** np.arange(12)
    table = trends.capacity_forecasts(history, THRESHOLDS)
    assert list(table.index) == ["cpu", "memory", "db_utilisation", "bandwidth",
                                 "db_connections", "p95_response_time_s"]
    direct = trends.threshold_forecast(history["cpu_avg"], attention=0.7, critical=0.9)
    assert table.loc["cpu", "critical_month"] == direct.critical.period
    assert_allclose(table.loc["cpu", "critical_months"], direct.critical.months)
    assert_allclose(table.loc["db_connections", "last_value"], 0.30 * 1.05**11)
    assert_allclose(table.loc["db_connections", "monthly_growth"], 0.05, rtol=1e-9)
    assert table.loc["memory", "poor_fit"] and table.loc["memory", "warning"]
    peak = trends.capacity_forecasts(history, THRESHOLDS, statistic="peak")
    assert peak.loc["memory", "source"] == "memory_peak"


def test_capacity_forecasts_validates_its_inputs():
    with pytest.raises(ValueError, match="lacks column 'db_avg'"):
        trends.capacity_forecasts(calm_history().drop(columns="db_avg"), THRESHOLDS)
    with pytest.raises(ValueError, match="no row for metric 'bandwidth'"):
        trends.capacity_forecasts(calm_history(), THRESHOLDS.drop(index="bandwidth"))
    with pytest.raises(ValueError, match="statistic must be"):
        trends.capacity_forecasts(calm_history(), THRESHOLDS, statistic="max")
    with pytest.raises(TypeError, match="history must be a DataFrame"):
        trends.capacity_forecasts(calm_history()["cpu_avg"], THRESHOLDS)


@pytest.fixture(scope="module")
def sample_history():
    if not (loaders.DATA_DIR / "company_history.csv").exists():
        pytest.skip("data/company_history.csv not written yet")
    return loaders.load_history()


def test_sample_history_capacity_and_signals_run(sample_history):
    table = thresholds.load_thresholds()
    forecasts = trends.capacity_forecasts(sample_history, table)
    assert forecasts.index.tolist() == list(trends.CAPACITY_METRICS)
    allowed = {"already crossed", "forecast", "not within horizon", "poor fit"}
    assert set(forecasts["critical_status"]) <= allowed
    # the sample's CPU grows with users since its last upgrade (docs/domain.md: 70 % average now)
    assert not forecasts.loc["cpu", "poor_fit"]
    assert 0.05 < forecasts.loc["cpu", "monthly_growth"] < 0.30
    assert forecasts.loc["cpu", "critical_status"] in ("forecast", "already crossed")
    flagged = signals.detect_signals(sample_history, table)
    assert flagged["detected"].dtype == bool and len(flagged) == 5


def test_capacity_forecasts_dates_the_interval_in_calendar_months():
    history = calm_history(12)
    history["cpu_avg"] = 0.30 * 1.06 ** np.arange(12) * np.resize([1.0, 1.01, 0.99], 12)
    row = trends.capacity_forecasts(history, THRESHOLDS, horizon_months=24).loc["cpu"]
    assert row["critical_status"] == row["attention_status"] == "forecast"
    last = history.index[-1]
    for level in ("critical", "attention"):
        months = [row[f"{level}_months{side}"] for side in ("_low", "", "_high")]
        periods = [row[f"{level}_month{side}"] for side in ("_low", "", "_high")]
        assert periods[0] <= periods[1] <= periods[2]
        # each period is the first whole month at or after its months from the last one
        for m, period in zip(months, periods, strict=True):
            assert period == last + max(1, math.ceil(m - 1e-9))
