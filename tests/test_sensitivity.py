"""Tests for scaling_models.sensitivity: tornado swings and rank correlations."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from scaling_models import capacity, cost
from scaling_models import montecarlo as mc
from scaling_models import sensitivity as sens

SMOOTH = mc.Inputs(growth_volatility=0.0)


def test_tornado_breach_month_matches_the_closed_form_at_each_end():
    metric = sens.breach_metric("bandwidth", "critical", "P50")
    table = sens.tornado(metric, SMOOTH, names=["growth_rate", "elasticity"], n_paths=21,
                         months=36, rng=1)
    e_median = SMOOTH.elasticity.median()
    rate = table.loc["growth_rate"]
    for end in ("low", "high"):
        t = capacity.months_to_threshold(0.40, rate[f"value_{end}"], 0.90, e_median)
        assert rate[f"metric_{end}"] == np.ceil(t)
    # faster growth -> earlier breach
    assert rate["metric_high"] < rate["metric_low"]
    base_t = capacity.months_to_threshold(0.40, SMOOTH.growth_rate.median(), 0.90, e_median)
    assert table.attrs["base"] == np.ceil(base_t)
    assert list(table["swing"]) == sorted(table["swing"], reverse=True)


def test_tornado_cost_per_user_matches_cost_model():
    metric = sens.output_metric("cost_per_user", 12)
    table = sens.tornado(metric, SMOOTH, n_paths=11, months=12, rng=2)
    assert set(table.index) == {"growth_rate", "elasticity", "scale_exponent"}
    b = table.loc["scale_exponent"]
    ratio = (1 + SMOOTH.growth_rate.median()) ** 12
    for end in ("low", "high"):
        expected = cost.cost_per_user(
            cost.infrastructure_cost(ratio, 8_000.0, b[f"value_{end}"]), 50_000 * ratio
        )
        assert_allclose(b[f"metric_{end}"], expected, rtol=1e-9)
    # elasticity does not touch cost: no swing
    assert table.loc["elasticity", "swing"] == 0


def test_rank_sensitivity_finds_growth_rate_drives_breach():
    table = sens.rank_sensitivity("bandwidth/critical", n_paths=3_000, months=24, rng=3)
    assert table.index[0] in {"growth_rate", "elasticity"}
    assert table.loc["growth_rate", "spearman"] < -0.3  # faster growth, earlier breach
    assert table.loc["scale_exponent", "abs"] < 0.1  # cost does not drive utilisation
    cost_table = sens.rank_sensitivity("cost_per_user", month=12, n_paths=3_000, rng=3)
    assert cost_table.loc["scale_exponent", "spearman"] > 0.5


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: sens.breach_metric("disk"), "resource must be one of"),
        (lambda: sens.tornado(sens.output_metric("mau", 1), n_paths=0), "n_paths must be >= 1"),
        (lambda: sens.tornado(sens.output_metric("mau", 1), months=0), "months must be >= 1"),
        (lambda: sens.breach_metric("cpu", "severe"), "level must be one of"),
        (lambda: sens.output_metric("profit", 3), "output must be one of"),
        (lambda: sens.tornado(sens.output_metric("mau", 1), names=["arpu"]),
         "not an uncertain input"),
        (lambda: sens.tornado(sens.output_metric("mau", 1), low=0.9, high=0.1), "need 0 < low"),
        (lambda: sens.rank_sensitivity("mau"), "month must be in"),
        (lambda: sens.rank_sensitivity("nope/critical"), "target must be one of"),
    ],
)
def test_bad_arguments_are_rejected(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_correlated_inputs_show_in_rank_sensitivity():
    inputs = replace(mc.Inputs(), arpu=(1.5, 2.5),
                     rank_correlation={("growth_rate", "arpu"): 0.8})
    table = sens.rank_sensitivity("revenue", inputs, month=6, n_paths=3_000, months=6, rng=4)
    assert table.loc["arpu", "spearman"] > 0.5


def test_latency_breach_is_a_sensitivity_target():
    inputs = replace(mc.Inputs(), service_time_s=(0.1, 0.2))
    table = sens.rank_sensitivity("p95_response_time_s/critical", inputs, n_paths=2_000,
                                  months=12, rng=5)
    # a slower service crosses 5 s at a lower utilisation: earlier
    assert table.loc["service_time_s", "spearman"] < -0.2
    metric = sens.breach_metric("p95_response_time_s", "attention")
    swing = sens.tornado(metric, SMOOTH, names=["growth_rate"], n_paths=11, months=24, rng=6)
    assert swing.loc["growth_rate", "metric_high"] < swing.loc["growth_rate", "metric_low"]


def test_team_outputs_are_sensitivity_targets():
    inputs = replace(mc.Inputs(), velocity_exponent=(0.4, 0.8))
    table = sens.rank_sensitivity("developers", inputs, month=12, n_paths=2_000, rng=7)
    assert table.loc["velocity_exponent", "spearman"] > 0.3
    assert table.loc["growth_rate", "spearman"] > 0.3


def test_seed_is_a_deprecated_alias_of_rng():
    metric = sens.breach_metric("db_utilisation")
    new = sens.tornado(metric, SMOOTH, names=["growth_rate"], n_paths=11, months=12, rng=6)
    with pytest.warns(DeprecationWarning, match=r"tornado\(seed=\.\.\.\) is deprecated"):
        old = sens.tornado(metric, SMOOTH, names=["growth_rate"], n_paths=11, months=12,
                           seed=6)
    pd.testing.assert_frame_equal(old, new)
    with pytest.raises(TypeError, match="both seed= and rng="):
        sens.tornado(metric, SMOOTH, n_paths=11, months=12, rng=1, seed=2)
    with pytest.warns(DeprecationWarning, match="rank_sensitivity"):
        sens.rank_sensitivity("revenue", month=6, n_paths=200, months=6, seed=4)


def test_tornado_with_a_generator_uses_one_seed_for_every_run():
    # a Generator gives one seed (its first draw), shared by every run
    metric = sens.breach_metric("db_utilisation")
    seed = int(np.random.default_rng(9).integers(2**63))
    a = sens.tornado(metric, SMOOTH, names=["growth_rate"], n_paths=11, months=12,
                     rng=np.random.default_rng(9))
    b = sens.tornado(metric, SMOOTH, names=["growth_rate"], n_paths=11, months=12, rng=seed)
    pd.testing.assert_frame_equal(a, b)


def test_per_resource_elasticities_are_swung_and_ranked_by_name():
    laws = {"cpu": (0.5, 1.0), "memory": 0.8, "db_utilisation": (0.6, 1.0), "bandwidth": 0.9}
    inputs = replace(SMOOTH, elasticity=laws, growth_rate=0.15)
    table = sens.tornado(sens.breach_metric("cpu", "critical", "P50"), inputs, n_paths=21,
                         months=36, rng=1)
    assert set(table.index) == {"elasticity_cpu", "elasticity_db_utilisation",
                                "scale_exponent"}
    row = table.loc["elasticity_cpu"]
    for end in ("low", "high"):
        # cpu 0.70 x 1.15^(e t) above the 0.90 critical line
        t = capacity.months_to_threshold(0.70, 0.15, 0.90, row[f"value_{end}"])
        assert row[f"metric_{end}"] == np.ceil(t)
    # the database's elasticity does not move the CPU breach
    assert table.loc["elasticity_db_utilisation", "swing"] == 0
    ranks = sens.rank_sensitivity("cpu/critical", inputs, n_paths=500, months=36, rng=2)
    assert ranks.index[0] == "elasticity_cpu" and ranks.loc["elasticity_cpu", "spearman"] < -0.5


def test_crossing_months_interpolates_between_the_months_around_the_line():
    values = np.array([
        [0.5, 0.7, 0.9, 1.0],    # 0.7 -> 0.9 across 0.8: 1 + 0.1 / 0.2 = 1.5
        [0.85, 0.9, 0.9, 0.9],   # above at month 0: 0
        [0.1, 0.2, 0.3, 0.4],    # never: NaN
        [0.5, 0.9, 0.7, 0.95],   # first above in month 1: 0 + 0.3 / 0.4 = 0.75
        [0.5, 0.8, 0.9, 0.9],    # on the line in month 1 is not above: 1 + 0 / 0.1 = 1.0
    ])
    assert_allclose(sens.crossing_months(values, 0.8), [1.5, 0.0, np.nan, 0.75, 1.0])
    with pytest.raises(ValueError, match="2-d array"):
        sens.crossing_months(np.ones(3), 0.5)
    with pytest.raises(ValueError, match="must be finite"):
        sens.crossing_months(np.array([[0.5, np.inf]]), 0.8)


def test_crossing_months_fall_in_the_month_before_the_engines_breach_month():
    inputs = replace(mc.Inputs(), growth_rate=(0.0, 0.05))
    run = mc.simulate(inputs, n_paths=2_000, months=12, rng=8, keep_paths=True,
                      outputs=("cpu_avg",))
    _, critical = inputs.thresholds()
    times = sens.crossing_months(run.paths["cpu_avg"], critical[0])
    month = run.breach_months["cpu/critical"].to_numpy()  # whole months, NaN = never
    assert np.array_equal(np.isnan(times), np.isnan(month))
    crossed = ~np.isnan(month)
    assert crossed.sum() > 500 and (~crossed).sum() > 50  # both kinds of path
    # the crossing lies in [t - 1, t) for a breach in month t >= 1, at 0 for month 0
    t, c = month[crossed], times[crossed]
    assert np.all(np.where(t == 0, c == 0, (t - 1 <= c) & (c < t)))


def test_tornado_of_crossing_times_matches_the_interpolated_closed_form():
    metric = sens.crossing_metric("bandwidth", "critical", "P50")
    table = sens.tornado(metric, SMOOTH, names=["growth_rate"], n_paths=21, months=36, rng=1)
    e_median = SMOOTH.elasticity.median()
    rate = table.loc["growth_rate"]
    for end in ("low", "high"):
        g = rate[f"value_{end}"]
        # every path is 0.40 x (1 + g)^(e t) (no noise, other inputs at their medians):
        # the straight line between the two months around the 0.90 line meets it at
        exact = capacity.months_to_threshold(0.40, g, 0.90, e_median)
        t = np.ceil(exact)
        before, after = (0.40 * (1 + g) ** (e_median * m) for m in (t - 1, t))
        assert_allclose(rate[f"metric_{end}"], t - 1 + (0.90 - before) / (after - before),
                        rtol=1e-9)
        # a chord of a convex curve crosses the line a little early, within the month
        assert exact - 1 < rate[f"metric_{end}"] <= exact
    assert rate["metric_high"] < rate["metric_low"]
    assert rate["swing"] != np.round(rate["swing"])  # not whole months


def test_crossing_metric_needs_the_paths_and_reads_later_as_the_horizon_plus_one():
    metric = sens.crossing_metric("cpu", "critical", "P90")
    assert metric.outputs == ("cpu_avg",)
    slow = replace(SMOOTH, growth_rate=0.001)
    run = mc.simulate(slow, n_paths=50, months=6, rng=1, keep_paths=True,
                      outputs=("cpu_avg",))
    assert metric(run) == 7.0  # 0.70 at 0.1 %/month stays below 0.90 for 6 months
    with pytest.raises(ValueError, match="needs the paths of 'cpu_avg'"):
        metric(mc.simulate(slow, n_paths=50, months=6, rng=1))
    for call, message in ((lambda: sens.crossing_metric("p95_response_time_s"),
                           "resource must be one of"),
                          (lambda: sens.crossing_metric("cpu", "severe"),
                           "level must be one of"),
                          (lambda: sens.crossing_metric("cpu", stat="median"),
                           "stat must be a percentile")):
        with pytest.raises(ValueError, match=message):
            call()
