"""company.calibrate: the one calibration of the board report and the notebooks."""

import numpy as np
import pandas as pd
import pytest

from scaling_models import calibration, company, loaders, montecarlo
from scaling_models import resources as _resources


@pytest.fixture(scope="module")
def data():
    return loaders.load_data_dir()


@pytest.fixture(scope="module")
def calibrated(data):
    return company.calibrate(data, rng=7)


def test_inputs_reproduce_the_last_month(data, calibrated):
    last = data.history.iloc[-1]
    inputs = calibrated.inputs
    assert calibrated.month == data.history.index[-1]
    assert inputs.initial_users == last["mau"]
    assert inputs.base_monthly_cost == last["infra_cost"]
    assert inputs.arpu == pytest.approx(last["revenue"] / last["mau"])
    assert inputs.transactions_per_user_day == pytest.approx(
        last["transactions_per_day"] / last["mau"])
    assert inputs.team_size == last["team_size"]
    assert inputs.current_velocity == last["velocity"]
    for key in _resources.keys():
        resource = _resources.get(key)
        assert inputs.utilisation_avg[key] == last[resource.avg_column]
        assert inputs.utilisation_peak[key] == last[resource.peak_column]
        assert inputs.critical[key] == data.thresholds.at[resource.metric, "critical"]
    row = data.thresholds.loc["p95_response_time_s"]
    assert inputs.latency_thresholds == (row["attention"], row["critical"])


def test_month_zero_of_the_simulation_matches_the_history(data, calibrated):
    # Month 0 is today: each resource's median utilisation is the measured one (load ratio
    # 1, any elasticity), and the fitted latency model gives the measured P95 within 10 %.
    result = montecarlo.simulate(calibrated.inputs, n_paths=2_000, months=3, rng=3)
    last = data.history.iloc[-1]
    for key in _resources.keys():
        modelled = result.percentile(f"{key}_avg").iloc[0]
        assert modelled == pytest.approx(last[_resources.get(key).avg_column], rel=0.10)
    p95 = result.percentile("p95_latency_s").iloc[0]
    assert p95 == pytest.approx(last["p95_response_time_s"], rel=0.10)


def test_defaults_measure_each_assumption_on_the_history(data, calibrated):
    # the same calls the board report made before this module: one source of truth
    expected = calibration.resource_elasticities(data.history)
    assert calibrated.elasticities.elasticity == expected.elasticity
    assert calibrated.inputs.elasticity is calibrated.elasticities
    fit = calibration.fit_latency(data.history, 10)
    assert calibrated.inputs.service_time_s == fit.service_time_s
    assert calibrated.inputs.latency_model == fit.model
    assert calibrated.growth_low < calibrated.growth_high
    assert set(calibrated.sources) == {"growth", "elasticity", "latency", "today"}
    assert "June 2024" in calibrated.sources["today"]


def test_growth_model_by_default_interval_below_six_months(data, calibrated):
    fitted = calibration.fit_growth_model(data.history["mau"])
    assert calibrated.inputs.growth_model is calibrated.growth
    assert (calibrated.growth_low, calibrated.growth_high) == (fitted.growth_low,
                                                                fitted.growth_high)
    assert calibrated.sources["growth"].startswith("growth model")
    short = company.calibrate(data.history.iloc[:5], rng=1)
    assert short.inputs.growth_model is None
    assert "the growth model needs 6" in short.sources["growth"]
    assert isinstance(short.growth, calibration.GrowthCalibration)


def test_same_seed_same_inputs(data):
    a = company.calibrate(data, growth="interval", rng=11)
    b = company.calibrate(data, growth="interval", rng=11)
    assert a.growth_low == b.growth_low and a.growth_high == b.growth_high


def test_interval_is_growth_distribution_of_the_last_12_months(data):
    calibrated = company.calibrate(data, growth="interval", rng=5)
    fit = calibration.growth_distribution(data.history["mau"], window=12, rng=5)
    assert calibrated.inputs.growth_rate == (fit.rate_low, fit.rate_high)
    assert calibrated.inputs.growth_volatility == fit.log_std


def test_an_earlier_month_ignores_the_later_history(data):
    calibrated = company.calibrate(data, month="2024-03", rng=1)
    assert calibrated.inputs.initial_users == data.history.loc["2024-03", "mau"]
    assert "March 2024" in calibrated.sources["today"]


def test_growth_and_defaults_set_by_hand(data):
    calibrated = company.calibrate(data, growth=(0.08, 0.2), elasticity="default",
                                   latency="default")
    default = montecarlo.Inputs()
    assert calibrated.inputs.growth_rate == (0.08, 0.2)
    assert calibrated.growth is None and calibrated.elasticities is None
    assert calibrated.inputs.service_time_s == default.service_time_s
    assert "set by hand" in calibrated.sources["growth"]
    assert "set by the parameters" in calibrated.sources["elasticity"]


def test_short_history_falls_back_and_says_why(data):
    calibrated = company.calibrate(data.history.iloc[:3])
    sources = calibrated.sources
    assert calibrated.growth is None and "history has only 3 months" in sources["growth"]
    # three months since the start: the CPU interval reaches 0, the default is used
    assert calibrated.elasticities is None
    assert "engine's default" in sources["elasticity"] and "CPU" in sources["elasticity"]
    two = company.calibrate(data.history.iloc[:2]).sources
    assert "cannot fit" in two["latency"]
    # the simulation still runs on the fallbacks
    montecarlo.simulate(calibrated.inputs, n_paths=200, months=3, rng=1)


def test_flat_growth_interval_falls_back_to_the_default(data):
    flat = data.history.assign(mau=5000)
    calibrated = company.calibrate(flat, growth="interval", rng=1)
    assert "does not vary" in calibrated.sources["growth"]
    assert calibrated.inputs.growth_rate == montecarlo.Inputs().growth_rate


def test_no_latency_measurement_falls_back(data):
    history = data.history.copy()
    history["p95_response_time_s"] = np.nan
    calibrated = company.calibrate(history)
    assert calibrated.latency is None
    assert "does not measure the P95" in calibrated.sources["latency"]
    missing = company.calibrate(data.history.drop(columns="p95_response_time_s"))
    assert missing.sources["latency"] == calibrated.sources["latency"]


def test_bad_input(data):
    with pytest.raises(ValueError, match="growth must be one of"):
        company.calibrate(data, growth="trend")
    with pytest.raises(ValueError, match="low <= high"):
        company.calibrate(data, growth=(0.2, 0.1))
    with pytest.raises(ValueError, match="elasticity must be one of"):
        company.calibrate(data, elasticity="guess")
    with pytest.raises(ValueError, match="month 2030-01 is not in the history"):
        company.calibrate(data, month="2030-01")
    with pytest.raises(TypeError, match="DataBundle"):
        company.calibrate(data.history.to_numpy())
    assert isinstance(data.history.index, pd.PeriodIndex)
