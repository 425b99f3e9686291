"""Tests for scaling_models.montecarlo: closed forms, agreement with core models, seeds."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import scipy.stats as st
from numpy.testing import assert_allclose, assert_array_equal

from scaling_models import capacity, cost, growth, queueing, team, thresholds
from scaling_models import distributions as d
from scaling_models import montecarlo as mc

SMOOTH = mc.Inputs(growth_volatility=0.0, elasticity=0.8)


def _frames_equal(a: mc.SimulationResult, b: mc.SimulationResult) -> None:
    pd.testing.assert_frame_equal(a.percentiles, b.percentiles, check_exact=True)
    pd.testing.assert_frame_equal(a.breach_probability, b.breach_probability, check_exact=True)
    pd.testing.assert_frame_equal(a.breach_summary, b.breach_summary, check_exact=True)


def test_same_seed_is_bit_identical_whatever_the_threads():
    kwargs = {"n_paths": 3_000, "months": 24, "chunk_size": 700, "keep_paths": True}
    one = mc.simulate(rng=5, workers=1, **kwargs)
    two = mc.simulate(rng=5, workers=2, **kwargs)
    _frames_equal(one, two)
    for key in one.paths:
        assert_array_equal(one.paths[key], two.paths[key])
    other = mc.simulate(rng=6, workers=1, **kwargs)
    assert not np.array_equal(one.paths["mau"], other.paths["mau"])


def test_a_generator_is_accepted_and_reproducible():
    a = mc.simulate(n_paths=500, months=6, rng=np.random.default_rng(3))
    b = mc.simulate(n_paths=500, months=6, rng=np.random.default_rng(3))
    _frames_equal(a, b)


def test_zero_volatility_breach_month_is_months_to_threshold_rounded_up():
    inputs = replace(SMOOTH, growth_rate=0.15)
    res = mc.simulate(inputs, n_paths=50, months=36, rng=1)
    attention, critical = inputs.thresholds()
    for i, resource in enumerate(mc.RESOURCES):
        for level, thr in (("attention", attention[i]), ("critical", critical[i])):
            t = capacity.months_to_threshold(inputs.utilisation_avg[resource], 0.15, thr, 0.8)
            # first month strictly above: 0 when already above today, else ceil(t) (the
            # next month when t is whole: reaching the line is not crossing it)
            if inputs.utilisation_avg[resource] > thr:
                expected = 0.0
            else:
                expected = np.floor(t) + 1 if float(t).is_integer() else np.ceil(t)
            row = res.breach_summary.loc[(resource, level)]
            assert row["probability"] == 1.0
            assert row["P5"] == row["P95"] == expected, (resource, level)
            prob = res.breach_probability.query("resource == @resource and level == @level")
            assert_array_equal(prob["probability"], (np.arange(37) >= expected).astype(float))


def test_median_users_follow_the_deterministic_projection_at_the_median_rate():
    inputs = replace(SMOOTH, growth_rate=d.between(0.10, 0.225))
    res = mc.simulate(inputs, n_paths=20_001, months=24, rng=2)
    median = res.percentile("mau", 50).to_numpy()
    expected = growth.project(50_000, 0.15, 24)
    # the sample median rate is within ~0.002 of 0.15: a relative error ~ 24 * 0.002 / 1.15
    assert_allclose(median, expected, rtol=0.05)
    assert median[0] == 50_000


def test_paths_follow_growth_project_with_each_drawn_rate():
    res = mc.simulate(SMOOTH, n_paths=200, months=12, rng=3, keep_paths=True)
    rates = res.inputs_drawn["growth_rate"].to_numpy()
    assert_allclose(res.paths["mau"], growth.project(50_000, rates, 12), rtol=1e-12)


def test_engine_matches_the_core_model_functions():
    inputs = mc.Inputs(market_size=None, service_time_s=(0.1, 0.2), arpu=(1.5, 2.5))
    res = mc.simulate(inputs, n_paths=300, months=18, rng=4, keep_paths=True)
    p, drawn = res.paths, res.inputs_drawn
    ratio = p["mau"] / 50_000
    e = drawn["elasticity"].to_numpy()[:, None]
    for r in mc.RESOURCES:
        assert_allclose(
            p[f"{r}_avg"], capacity.utilisation(inputs.utilisation_avg[r], ratio, e), rtol=1e-12
        )
        assert_allclose(
            p[f"{r}_peak"], capacity.utilisation(inputs.utilisation_peak[r], ratio, e), rtol=1e-12
        )
    infra = cost.infrastructure_cost(
        ratio, drawn["base_monthly_cost"].to_numpy()[:, None],
        drawn["scale_exponent"].to_numpy()[:, None],
    )
    assert_allclose(p["infra_cost"], infra, rtol=1e-12)
    assert_allclose(p["cost_per_user"], cost.cost_per_user(infra, p["mau"]), rtol=1e-12)
    tx_month = p["transactions_per_day"] * 365.25 / 12
    assert_allclose(p["cost_per_transaction"], cost.cost_per_transaction(infra, tx_month),
                    rtol=1e-12)
    arpu = drawn["arpu"].to_numpy()[:, None]
    assert_allclose(p["revenue"], cost.revenue(p["mau"], arpu), rtol=1e-12)
    assert_allclose(p["infra_share"], cost.infra_share_of_revenue(infra, p["revenue"]),
                    rtol=1e-12)
    rho = p["cpu_avg"]
    stable = rho < 1
    s = np.broadcast_to(drawn["service_time_s"].to_numpy()[:, None], rho.shape)
    assert stable.any() and (~stable).any()
    assert_allclose(
        p["p95_latency_s"][stable],
        queueing.mm1_response_time_percentile(rho[stable], s[stable], 0.95),
        rtol=1e-12,
    )
    assert np.all(np.isinf(p["p95_latency_s"][~stable]))
    assert_array_equal(
        p["instances"], capacity.instances_needed(p["cpu_peak"] * inputs.instances, 1.0, 0.7, 1)
    )


def test_default_thresholds_come_from_the_thresholds_table():
    table = thresholds.load_thresholds()
    att, crit = mc.Inputs().thresholds()
    assert_allclose(att, table.loc[list(mc.RESOURCES), "attention"])
    assert_allclose(crit, table.loc[list(mc.RESOURCES), "critical"])


def test_breach_tables_agree_with_per_path_breach_months():
    res = mc.simulate(n_paths=2_000, months=12, rng=8, keep_paths=True, chunk_size=600)
    bm = res.breach_months["bandwidth/critical"]
    prob = res.breach_probability.query("resource == 'bandwidth' and level == 'critical'")
    expected = [(bm <= m).mean() for m in range(13)]
    assert_allclose(prob["probability"], expected)
    assert np.all(np.diff(prob["probability"]) >= 0)
    summary = res.breach_summary.loc[("bandwidth", "critical")]
    assert summary["probability"] == pytest.approx(bm.notna().mean())
    # first crossing recomputed from the raw utilisation paths
    over = res.paths["bandwidth_avg"] > 0.9
    first = np.where(over.any(axis=1), over.argmax(axis=1), np.nan)
    assert_array_equal(first, bm.to_numpy())


def test_chunked_percentiles_are_close_to_single_chunk_percentiles():
    whole = mc.simulate(n_paths=20_000, months=12, rng=9, chunk_size=20_000)
    parts = mc.simulate(n_paths=20_000, months=12, rng=9, chunk_size=2_500)
    a = whole.percentile("cost_per_user", 50).to_numpy()
    b = parts.percentile("cost_per_user", 50).to_numpy()
    assert_allclose(a, b, rtol=0.01)


def test_saturating_market_caps_users():
    inputs = replace(mc.Inputs(), market_size=200_000.0, growth_volatility=0.0)
    res = mc.simulate(inputs, n_paths=500, months=36, rng=10, keep_paths=True)
    assert np.all(res.paths["mau"] <= 200_000 * (1 + 1e-9))
    assert np.all(np.diff(res.paths["mau"], axis=1) >= 0)
    assert res.percentile("mau", 50).iloc[-1] > 190_000


def test_rank_correlation_between_inputs_is_imposed():
    inputs = mc.Inputs(rank_correlation={("growth_rate", "arpu"): -0.6}, arpu=(1.5, 2.5))
    res = mc.simulate(inputs, n_paths=8_000, months=2, rng=11, keep_paths=True)
    rho = st.spearmanr(res.inputs_drawn["growth_rate"], res.inputs_drawn["arpu"])[0]
    assert abs(rho + 0.6) < 0.04


def test_report_months_and_outputs_subset():
    res = mc.simulate(n_paths=400, months=24, rng=12, outputs=("mau", "cost_per_user"),
                      report_months=(0, 12, 24), progress=True)
    assert res.outputs == ["mau", "cost_per_user"]
    assert list(res.percentile("mau").index) == [0, 12, 24]
    assert list(res.percentiles.columns) == ["output", "month", "P5", "P10", "P25", "P50",
                                             "P75", "P90", "P95"]
    assert res.breach_probability["month"].max() == 24


def test_percentiles_are_ordered():
    res = mc.simulate(n_paths=1_000, months=12, rng=13)
    values = res.percentiles[[f"P{p}" for p in mc.PERCENTILES]].to_numpy()
    finite = np.isfinite(values).all(axis=1)
    assert np.all(np.diff(values[finite], axis=1) >= 0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_paths": 0}, "n_paths must be >= 1"),
        ({"months": 0}, "months must be >= 1"),
        ({"outputs": ("nope",)}, "unknown names"),
        ({"report_months": (40,)}, "report_months must be within"),
        ({"chunk_size": 0}, "chunk_size must be >= 1"),
    ],
)
def test_bad_run_options_are_rejected(kwargs, message):
    options = {"n_paths": 10, "months": 12, "rng": 0} | kwargs
    with pytest.raises(ValueError, match=message):
        mc.simulate(**options)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"growth_volatility": -0.1}, "growth_volatility must be >= 0"),
        ({"growth_rate": (0.2, 0.1)}, "growth_rate: low must be < high"),
        ({"rank_correlation": {("growth_rate", "arpu"): 1.5}}, r"must be in \[-1, 1\]"),
        ({"rank_correlation": {("growth_rate", "x"): 0.5}}, "keys must be pairs"),
        ({"utilisation_avg": (0.7, 0.6, 0.8)}, "one value per resource"),
        ({"utilisation_avg": {"cpu": 70, "memory": 60, "db_utilisation": 80,
                              "bandwidth": 40}}, r"utilisation_avg\['cpu'\].*0.7 for 70 %"),
        ({"utilisation_avg": {"cpu": 0.7, "memory": 0.6, "db_utilisation": 0.8}},
         "utilisation_avg has no value for resource 'bandwidth'"),
        ({"utilisation_peak": {"cpu": 0.9, "memory": 0.9, "db_utilisation": 1.0,
                               "bandwidth": 0.8, "storage": 0.5}},
         "utilisation_peak names an unknown resource 'storage'"),
        ({"attention": {"cpu": 70, "memory": 80, "db_utilisation": 70, "bandwidth": 70}},
         r"attention\['cpu'\].*0.7 for 70 %"),
        ({"attention": {"cpu": 0.9, "memory": 0.8, "db_utilisation": 0.7, "bandwidth": 0.7},
          "critical": {"cpu": 0.8, "memory": 0.95, "db_utilisation": 0.8, "bandwidth": 0.9}},
         r"attention\['cpu'\] must not be beyond critical\['cpu'\]"),
        ({"attention": {"cpu": 0.95, "memory": 0.8, "db_utilisation": 0.7, "bandwidth": 0.7}},
         r"attention\['cpu'\] must not be beyond critical"),
        ({"latency_model": "mg1"}, "latency_model must be one of"),
        ({"latency_load": "p99"}, "latency_load must be one of"),
        ({"initial_users": 0}, "initial_users must be > 0"),
    ],
)
def test_bad_inputs_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        mc.Inputs(**kwargs)


def test_impossible_draws_are_reported():
    inputs = mc.Inputs(elasticity=(-1.0, 1.0))
    with pytest.raises(ValueError, match="elasticity must be > 0 on every path"):
        mc.simulate(inputs, n_paths=100, months=3, rng=0)


def test_scenarios_run_side_by_side():
    pct, summary, results = mc.compare_scenarios(
        ["projection_conservative", "projection_optimistic"], n_paths=1_000, rng=14
    )
    assert set(pct["scenario"]) == {"projection_conservative", "projection_optimistic"}
    assert pct["month"].max() == 12
    cons = results["projection_conservative"].percentile("mau", 50).iloc[-1]
    opt = results["projection_optimistic"].percentile("mau", 50).iloc[-1]
    # medians near 50 K x 1.5 and 50 K x 6 (docs/domain.md section 2)
    assert cons == pytest.approx(75_000, rel=0.1)
    assert opt == pytest.approx(300_000, rel=0.15)
    p_cons = summary.loc[("projection_conservative", "cpu", "critical"), "probability"]
    p_opt = summary.loc[("projection_optimistic", "cpu", "critical"), "probability"]
    assert p_opt > p_cons
    with pytest.raises(ValueError, match="unknown scenario"):
        mc.scenario_inputs("nope")


def test_scenario_inputs_use_the_scenario_interval():
    row = growth.scenarios().loc["multi_year_aggressive"]
    inputs = mc.scenario_inputs("multi_year_aggressive")
    assert_allclose(inputs.growth_rate.ppf([0.05, 0.95]), [row.growth_low, row.growth_high])


def test_scenarios_from_a_base_with_a_growth_model_grow_as_their_scenario():
    class Flat:  # a growth model keeping MAU flat: a scenario must not inherit it
        def simulate(self, n_paths, months, rng):
            return np.full((n_paths, months + 1), 50_000.0)

    base = mc.Inputs(growth_model=Flat())
    assert mc.scenario_inputs("multi_year_aggressive", base=base).growth_model is None
    pct, _, _ = mc.compare_scenarios(["projection_conservative", "projection_optimistic"],
                                     base=base, n_paths=200, months=12, rng=1)
    end = pct[(pct["output"] == "mau") & (pct["month"] == 12)].set_index("scenario")["P50"]
    # +50 % vs +500 % in 12 months: the medians differ several-fold, none stays flat
    assert end["projection_optimistic"] > 2 * end["projection_conservative"] > 2 * 50_000


@pytest.mark.parametrize(
    "inputs",
    [mc.Inputs(), mc.Inputs(arpu=(1.5, 2.5), service_time_s=(0.1, 0.2),
                            transactions_per_user_day=(0.15, 0.25), churn=(0.01, 0.05),
                            velocity_exponent=(0.4, 0.8)),
     mc.Inputs(velocity_target=tuple(range(30, 37)))],
    ids=["constants-shortcut", "all-direct", "velocity-path"],
)
def test_percentiles_equal_numpy_inverted_cdf_on_raw_paths(inputs):
    # one chunk: the engine's percentiles (partly via monotone transforms of a shared base
    # variable) must equal numpy's inverted-CDF quantiles of the raw paths
    res = mc.simulate(inputs, n_paths=1_999, months=6, rng=15, keep_paths=True)
    q = np.asarray(mc.PERCENTILES) / 100
    for name in mc.OUTPUTS:
        expected = np.quantile(res.paths[name], q, axis=0, method="inverted_cdf").T
        got = res.percentiles.loc[res.percentiles["output"] == name,
                                  [f"P{p}" for p in mc.PERCENTILES]].to_numpy()
        assert_allclose(got, expected, rtol=1e-12, err_msg=name)


# --- the team at the end of the chain ----------------------------------------------------


def test_velocity_per_developer_is_team_models_for_one_team():
    inputs = mc.Inputs()
    assert inputs.velocity_per_developer() == pytest.approx(
        team.velocity_per_developer(30.0, 13), rel=1e-15)


def test_team_outputs_follow_team_and_cost_models():
    inputs = mc.Inputs(velocity_exponent=(0.4, 0.8), growth_rate=(0.02, 0.08))
    res = mc.simulate(inputs, n_paths=300, months=24, rng=20, keep_paths=True)
    p, drawn = res.paths, res.inputs_drawn
    beta = drawn["velocity_exponent"].to_numpy()[:, None]
    ratio = p["mau"] / 50_000
    assert_allclose(p["velocity_needed"], 30.0 * ratio**beta, rtol=1e-12)
    v = team.velocity_per_developer(30.0, 13)
    single = p["velocity_needed"] <= float(team.effective_velocity(17, v))
    assert single.any() and (~single).any()
    # one team: exactly team.developers_for_velocity, and team.effective_velocity reaches V
    expected = team.developers_for_velocity(p["velocity_needed"][single], v)
    assert_array_equal(p["developers"][single], expected)
    assert np.all(team.effective_velocity(expected, v) >= p["velocity_needed"][single] - 1e-9)
    assert_array_equal(p["developers"][:, 0], 13.0)
    assert_array_equal(p["hires"], np.maximum(p["developers"] - 13, 0))
    assert_allclose(p["team_cost"], cost.team_monthly_cost(p["developers"], 60_000.0))
    # beyond one team: full teams of 17 plus team.developers_for_velocity for the rest
    full_velocity = float(team.effective_velocity(17, v))
    big = p["velocity_needed"][~single]
    k = np.floor(big / full_velocity + 1e-9)
    rest = team.developers_for_velocity(np.maximum(big - k * full_velocity, 0.0), v)
    assert_array_equal(p["developers"][~single], k * 17 + rest)


def test_default_velocity_exponent_reproduces_domain_team_scenarios():
    # docs/domain.md section 8: x2 users -> +8 developers, x5 -> +20, x11 -> +50 (from 13: 21, 33,
    # 63); section 2: x6 users -> "triple the headcount" (39). beta = 0.6 gives 21, 36, 58, 40.
    inputs = mc.Inputs()
    v = inputs.velocity_per_developer()
    got = [team.developers_needed(30.0 * k**0.6, v) for k in (2, 5, 11, 6)]
    assert_allclose(got, [21, 33, 63, 39], rtol=0.1)


def test_team_percentiles_on_a_fixed_growth_path_are_the_deterministic_team():
    inputs = mc.Inputs(growth_rate=0.10, growth_volatility=0.0)
    res = mc.simulate(inputs, n_paths=20, months=12, rng=21)
    target = 30.0 * (1.1 ** np.arange(13)) ** 0.6
    v = team.velocity_per_developer(30.0, 13)
    expected = [team.developers_needed(x, v) for x in target]
    assert_allclose(res.percentile("developers", 5), expected)
    assert_allclose(res.percentile("developers", 95), expected)
    assert_allclose(res.percentile("team_cost", 50), np.asarray(expected) * 5_000.0)


def test_velocity_target_path_replaces_the_exponent_rule():
    target = tuple(30.0 + 0.5 * m for m in range(13))  # up to 36 < 36.9: one team
    inputs = mc.Inputs(velocity_target=target)
    res = mc.simulate(inputs, n_paths=200, months=12, rng=22, keep_paths=True,
                      report_months=(0, 6, 12))
    v = inputs.velocity_per_developer()
    assert_allclose(res.paths["velocity_needed"], np.broadcast_to(target, (200, 13)))
    assert_array_equal(res.paths["developers"][0],
                       team.developers_for_velocity(np.asarray(target), v))
    assert_allclose(res.percentile("developers", 50).to_numpy(),
                    team.developers_for_velocity(np.asarray(target)[[0, 6, 12]], v))
    with pytest.raises(ValueError, match="velocity_target must give months 0 to 24"):
        mc.simulate(inputs, n_paths=10, months=24, rng=0)


def test_a_team_larger_than_one_team_today_is_its_own_month_zero():
    inputs = mc.Inputs(team_size=40, max_team_size=10)
    res = mc.simulate(inputs, n_paths=50, months=3, rng=23, report_months=(0,))
    assert res.percentile("developers", 5).iloc[0] == 40
    assert res.percentile("hires", 95).iloc[0] == 0


# --- P95 latency breach ------------------------------------------------------------------


def test_latency_breach_is_the_first_month_above_the_lines_on_raw_paths():
    inputs = mc.Inputs(service_time_s=(0.05, 0.3))  # per-path latency thresholds
    res = mc.simulate(inputs, n_paths=1_500, months=18, rng=24, keep_paths=True,
                      chunk_size=500)
    latency = res.paths["p95_latency_s"]
    for level, line in zip(mc.LEVELS, (2.0, 5.0), strict=True):
        over = latency > line
        first = np.where(over.any(axis=1), over.argmax(axis=1), np.nan)
        assert_array_equal(res.breach_months[f"p95_response_time_s/{level}"], first)
        prob = res.breach_probability.query(
            "resource == 'p95_response_time_s' and level == @level")["probability"]
        assert_allclose(prob, [(first <= m).mean() for m in range(19)])
        row = res.breach_summary.loc[("p95_response_time_s", level)]
        assert row["threshold"] == line


def test_latency_breach_month_matches_the_queueing_model_on_a_smooth_path():
    inputs = replace(SMOOTH, growth_rate=0.05)
    res = mc.simulate(inputs, n_paths=10, months=36, rng=25)
    months = np.arange(37)
    rho = capacity.utilisation(0.70, 1.05**months, 0.8)
    t95 = np.full(37, np.inf)
    t95[rho < 1] = queueing.mm1_response_time_percentile(rho[rho < 1], 0.15, 0.95)
    for level, line in (("attention", 2.0), ("critical", 5.0)):
        expected = int(np.argmax(t95 > line))
        assert 0 < expected < 36
        row = res.breach_summary.loc[("p95_response_time_s", level)]
        assert row["P5"] == row["P95"] == expected


def test_latency_lines_come_from_the_thresholds_table_or_the_inputs():
    row = thresholds.load_thresholds().loc["p95_response_time_s"]
    assert mc.Inputs().latency_lines() == (row["attention"], row["critical"]) == (2.0, 5.0)
    res = mc.simulate(mc.Inputs(latency_thresholds=(1.0, 1.4)), n_paths=20, months=2, rng=0)
    assert res.breach_summary.loc[("p95_response_time_s", "attention"), "P50"] == 0  # 1.5 s
    assert res.breach_summary.loc[("p95_response_time_s", "critical"), "threshold"] == 1.4


# --- churn and correlated inputs ---------------------------------------------------------


def test_churn_is_subtracted_from_growth():
    inputs = replace(SMOOTH, growth_rate=0.20, churn=0.05)
    res = mc.simulate(inputs, n_paths=5, months=12, rng=26, keep_paths=True)
    assert_allclose(res.paths["mau"], np.broadcast_to(growth.project(50_000, 0.15, 12),
                                                      (5, 13)), rtol=1e-12)
    assert_allclose(res.paths["revenue"], res.paths["mau"] * 2.0)


@pytest.mark.parametrize("method", mc.CORRELATION_METHODS)
def test_simulate_imposes_the_rank_correlation_spec(method):
    spec = {("growth_rate", "churn"): 0.5, ("arpu", "growth_rate"): -0.3}
    inputs = mc.Inputs(growth_rate=(0.12, 0.30), churn=(0.02, 0.06), arpu=(1.5, 2.5),
                       rank_correlation=spec, correlation_method=method)
    res = mc.simulate(inputs, n_paths=6_000, months=1, rng=27, keep_paths=True,
                      chunk_size=2_000)
    drawn = res.inputs_drawn
    # Spearman standard error ~ (1 - rho^2) / sqrt(n) <= 0.013: 4 SE
    for (a, b), rho in spec.items():
        assert abs(st.spearmanr(drawn[a], drawn[b])[0] - rho) < 0.05, (a, b)
    # a pair not given is independent (documented), not implied through growth_rate
    assert abs(st.spearmanr(drawn["churn"], drawn["arpu"])[0]) < 0.05
    # each marginal keeps its 90 % interval
    assert abs(np.mean((drawn["churn"] > 0.02) & (drawn["churn"] < 0.06)) - 0.9) < 0.02


def test_correlation_with_a_constant_is_ignored_and_an_invalid_spec_repaired_once():
    quiet = mc.Inputs(rank_correlation={("growth_rate", "churn"): 0.9})  # churn constant
    assert quiet.correlation()[0] == ["growth_rate", "elasticity", "scale_exponent"]
    mc.simulate(quiet, n_paths=10, months=1, rng=0)
    bad = mc.Inputs(arpu=(1.5, 2.5), rank_correlation={
        ("growth_rate", "elasticity"): 0.9, ("elasticity", "arpu"): 0.9,
        ("growth_rate", "arpu"): -0.9})
    with pytest.warns(UserWarning, match="nearest correlation matrix") as record:
        mc.simulate(bad, n_paths=100, months=1, rng=0, chunk_size=10)
    assert len(record) == 1


# --- progress bar ------------------------------------------------------------------------


def test_progress_bar_counts_paths_chunk_by_chunk(capsys, monkeypatch):
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    mc.simulate(n_paths=300, months=2, rng=0, chunk_size=100, progress=True, workers=1)
    err = capsys.readouterr().err
    assert "simulate" in err and "0/300" in err and "300/300" in err
    monkeypatch.setenv("TQDM_DISABLE", "1")
    mc.simulate(n_paths=300, months=2, rng=0, chunk_size=100, progress=True)
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("TQDM_DISABLE", "0")  # tqdm's own reading would disable on "0"
    mc.simulate(n_paths=300, months=2, rng=0, chunk_size=100, progress=True)
    assert "300/300" in capsys.readouterr().err


# --- the issue's bad inputs, each a ValueError naming it ---------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: mc.Inputs(growth_rate=(0.3, 0.1)), "growth_rate: low must be < high"),
        (lambda: mc.Inputs(elasticity=(1.0, 0.7, 0.5)), "elasticity: low must be < high"),
        (lambda: mc.Inputs(growth_volatility=-0.01), "growth_volatility must be >= 0"),
        (lambda: mc.Inputs(rank_correlation={("growth_rate", "churn"): -1.2}),
         r"rank_correlation \('growth_rate', 'churn'\) must be in \[-1, 1\]"),
        (lambda: mc.simulate(n_paths=0), "n_paths must be >= 1; got 0"),
        (lambda: mc.simulate(months=0), "months must be >= 1; got 0"),
        (lambda: mc.compare_scenarios(["projection_realistic"], n_paths=0),
         "n_paths must be >= 1"),
        (lambda: mc.compare_scenarios(["projection_realistic"], months=0),
         "months must be >= 1"),
    ],
)
def test_the_issues_bad_inputs_are_value_errors_naming_them(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rank_correlation": {("churn", "churn"): 0.5}}, "two different inputs"),
        ({"rank_correlation": {("arpu", "churn"): 0.5, ("churn", "arpu"): 0.4}}, "twice"),
        ({"correlation_method": "cholesky"}, "correlation_method must be one of"),
        ({"team_size": 0}, "team_size must be >= 1"),
        ({"max_team_size": 60}, "max_team_size must be <= 40"),
        ({"current_velocity": 0.0}, "current_velocity must be > 0"),
        ({"velocity_target": (30.0, -1.0)}, "velocity_target must be >= 0"),
        ({"velocity_target": ()}, "velocity_target must be a sequence"),
        ({"latency_thresholds": (5.0, 2.0)}, "latency attention must be <= latency critical"),
        ({"latency_thresholds": (0.0, 2.0)}, "latency_thresholds must be > 0"),
    ],
)
def test_bad_team_latency_and_correlation_inputs_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        mc.Inputs(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"churn": 1.0}, "churn must be < 1 on every path"),
        ({"churn": -0.1}, "churn must be >= 0 on every path"),
        ({"growth_rate": -0.5, "churn": 0.6}, "growth_rate - churn must be > -1"),
        ({"velocity_exponent": (-0.5, 0.5)}, "velocity_exponent must be >= 0 on every path"),
    ],
)
def test_impossible_churn_and_velocity_draws_are_reported(kwargs, message):
    with pytest.raises(ValueError, match=message):
        mc.simulate(mc.Inputs(**kwargs), n_paths=200, months=2, rng=0)


# --- regression anchor ------------------------------------------------------------------
# tests/montecarlo_anchor.json was written by _anchor_figures() below run on the engine as
# it stood before the resource registry and the output registry (commit b69d004, the
# if/elif chain_outputs): percentiles P5/P50/P95 of ten outputs at months 1, mid and end,
# breach probabilities at mid-horizon and the breach summaries, for fixed seeds, with and
# without rank_correlation, market_size and velocity_target. Options added since
# (per-resource elasticity, growth model, latency model, plans) are left at their defaults,
# so these figures must not move. They are bit-identical except two outputs whose formula
# now comes from the model's core with another rounding order (1 ulp, ~3e-16 measured):
# p95_latency_s (queueing's -log1p(-0.95) S / (1 - rho) where the engine had ln(20)) and
# cost_per_transaction (infra / (mau tpd days) computed directly, no longer derived from the
# cost-per-user percentiles); those are compared to 1e-12 relative.
_ANCHOR_ROUNDED = ("p95_latency_s", "cost_per_transaction")
_ANCHOR_CASES = {
    "default": ({}, {"n_paths": 3000, "months": 24, "rng": 11, "chunk_size": 1024}),
    "corr": ({"rank_correlation": {("growth_rate", "elasticity"): 0.5,
                                   ("scale_exponent", "arpu"): -0.3},
              "arpu": (1.5, 2.5)},
             {"n_paths": 2000, "months": 18, "rng": 5, "chunk_size": 2000}),
    "market": ({"market_size": (2e5, 6e5), "growth_volatility": 0.05},
               {"n_paths": 2500, "months": 30, "rng": 7, "chunk_size": 1000}),
    "velocity": ({"velocity_target": tuple(30.0 + 2.0 * np.arange(13)),
                  "service_time_s": (0.1, 0.2)},
                 {"n_paths": 1500, "months": 12, "rng": 3, "chunk_size": 700}),
}
_ANCHOR_OUTPUTS = ("mau", "cpu_avg", "db_utilisation_peak", "p95_latency_s", "instances",
                   "infra_cost", "cost_per_transaction", "infra_share", "developers",
                   "team_cost")


def _anchor_figures(inputs: dict, run: dict) -> dict:
    r = mc.simulate(mc.Inputs(**inputs), **run)
    m = run["months"]
    pct = {o: {str(p): [float(r.percentile(o, p).iloc[k]) for k in (1, m // 2, m)]
               for p in (5, 50, 95)} for o in _ANCHOR_OUTPUTS}
    bp = r.breach_probability
    probs = {f"{row.resource}/{row.level}": float(row.probability)
             for row in bp[bp.month == m // 2].itertuples()}
    bs = r.breach_summary
    summary = {f"{a}/{b}": [float(bs.loc[(a, b), k]) for k in ("probability", "P10", "P50",
                                                                "P90")] for a, b in bs.index}
    return {"pct": pct, "p_mid": probs, "summary": summary}


@pytest.mark.parametrize("case", list(_ANCHOR_CASES))
def test_results_without_new_options_are_pinned(case):
    import json
    from pathlib import Path

    expected = json.loads((Path(__file__).parent / "montecarlo_anchor.json").read_text())[case]
    got = _anchor_figures(*_ANCHOR_CASES[case])
    for section in ("pct", "p_mid", "summary"):
        flat_e = pd.json_normalize(expected[section], sep="/").iloc[0]
        flat_g = pd.json_normalize(got[section], sep="/").iloc[0]
        assert sorted(flat_g.index) == sorted(flat_e.index)
        for key in flat_e.index:
            rtol = 1e-12 if key.split("/")[0] in _ANCHOR_ROUNDED else 0.0
            assert_allclose(np.asarray(flat_g[key], float), np.asarray(flat_e[key], float),
                            rtol=rtol, atol=0, err_msg=f"{case} {section} {key}")


# --- resources by name, per-resource elasticity, growth models, latency models, plans ----
_DB_HALF = {"cpu": 0.7, "memory": 0.6, "db_utilisation": 0.5, "bandwidth": 0.4}
_SMOOTH_15 = mc.Inputs(growth_rate=0.15, growth_volatility=0.0, elasticity=1.0,
                       utilisation_avg=_DB_HALF,
                       utilisation_peak={"cpu": 0.9, "memory": 0.8, "db_utilisation": 0.6,
                                         "bandwidth": 0.6})


def test_positional_tuples_still_work_with_a_deprecation_warning():
    with pytest.warns(DeprecationWarning, match="utilisation_avg as a sequence is deprecated"):
        old = mc.Inputs(utilisation_avg=(0.7, 0.6, 0.5, 0.4))
    assert dict(old.utilisation_avg) == _DB_HALF  # registry order
    new = mc.Inputs(utilisation_avg=_DB_HALF)
    _frames_equal(mc.simulate(old, n_paths=200, months=6, rng=1),
                  mc.simulate(new, n_paths=200, months=6, rng=1))


def test_per_resource_elasticity_drives_each_resource():
    laws = {"cpu": 0.5, "memory": 1.0, "db_utilisation": (0.6, 0.9), "bandwidth": 1.5}
    inputs = replace(_SMOOTH_15, elasticity=laws)
    res = mc.simulate(inputs, n_paths=400, months=24, rng=2, keep_paths=True)
    ratio = res.paths["mau"] / inputs.initial_users
    for r in mc.RESOURCES:
        e = res.inputs_drawn[f"elasticity_{r}"].to_numpy()[:, None]
        assert_allclose(res.paths[f"{r}_avg"],
                        capacity.utilisation(inputs.utilisation_avg[r], ratio, e), rtol=1e-12)
    db = res.inputs_drawn["elasticity_db_utilisation"]
    # (0.6, 0.9) is a 90 % interval
    assert_allclose(db.quantile([0.05, 0.95]), [0.6, 0.9], atol=0.03)
    # cpu elasticity 0.5 drives latency: M/M/1 at 0.7 * ratio^0.5
    rho = 0.7 * ratio**0.5
    ok = rho < 1
    # 1 / (1 - rho) amplifies the rounding of rho near saturation
    assert_allclose(res.paths["p95_latency_s"][ok],
                    queueing.mm1_response_time_percentile(rho[ok], 0.15), rtol=1e-9)
    # breach months from the raw paths: first month strictly above the line
    att, crit = inputs.thresholds()
    for i, r in enumerate(mc.RESOURCES):
        above = res.paths[f"{r}_avg"] > crit[i]
        expected = np.where(above.any(axis=1), above.argmax(axis=1), np.nan)
        assert_array_equal(res.breach_months[f"{r}/critical"].to_numpy(), expected)


def test_one_law_and_the_same_law_per_resource_agree():
    one = replace(_SMOOTH_15, elasticity=0.8)
    each = replace(_SMOOTH_15, elasticity=dict.fromkeys(mc.RESOURCES, 0.8))
    _frames_equal(mc.simulate(one, n_paths=300, months=12, rng=3),
                  mc.simulate(each, n_paths=300, months=12, rng=3))


class _JointElasticity:
    """Test double of a joint sampler: one normal draw shared by every resource."""

    def __init__(self, centres):
        self.centres = centres

    def sample(self, n, rng):
        z = rng.standard_normal(n)
        return {r: c * np.exp(0.1 * z) for r, c in self.centres.items()}


def test_a_joint_elasticity_sampler_is_drawn_per_chunk_and_reproducible():
    centres = {"cpu": 0.9, "memory": 0.8, "db_utilisation": 1.0, "bandwidth": 1.2}
    inputs = replace(_SMOOTH_15, elasticity=_JointElasticity(centres))
    a = mc.simulate(inputs, n_paths=500, months=12, rng=4, chunk_size=128, keep_paths=True)
    b = mc.simulate(inputs, n_paths=500, months=12, rng=4, chunk_size=128, keep_paths=True)
    _frames_equal(a, b)
    drawn = a.inputs_drawn
    # perfectly correlated by construction, each around its own centre
    assert np.corrcoef(drawn["elasticity_cpu"], drawn["elasticity_bandwidth"])[0, 1] > 0.999
    assert_allclose(np.median(drawn["elasticity_bandwidth"]), 1.2, rtol=0.02)
    ratio = a.paths["mau"] / inputs.initial_users
    e = drawn["elasticity_memory"].to_numpy()[:, None]
    assert_allclose(a.paths["memory_peak"], 0.8 * ratio**e, rtol=1e-12)


@pytest.mark.parametrize(
    ("sampler", "message"),
    [
        (lambda n: {"cpu": np.ones(n)}, "missing"),
        (lambda n: dict.fromkeys(mc.RESOURCES, np.ones(n + 1)), "one elasticity per path"),
        (lambda n: dict.fromkeys(mc.RESOURCES, -np.ones(n)), "elasticity_cpu must be > 0"),
    ],
)
def test_bad_joint_samplers_are_reported(sampler, message):
    class Bad:
        def sample(self, n, rng):
            return sampler(n)

    with pytest.raises(ValueError, match=message):
        mc.simulate(replace(_SMOOTH_15, elasticity=Bad()), n_paths=10, months=3, rng=0)


def test_rank_correlation_cannot_name_a_per_resource_elasticity():
    with pytest.raises(ValueError, match="per resource here"):
        mc.Inputs(elasticity=dict.fromkeys(mc.RESOURCES, 0.8),
                  rank_correlation={("growth_rate", "elasticity"): 0.5})


class _ConstantGrowth:
    """Test double of a growth model: MAU grow at a fixed rate, deterministically."""

    def __init__(self, users, rate):
        self.users, self.rate = users, rate

    def simulate(self, n_paths, months, rng):
        return np.tile(self.users * (1 + self.rate) ** np.arange(months + 1), (n_paths, 1))


class _NoisyGrowth(_ConstantGrowth):
    def simulate(self, n_paths, months, rng):
        steps = np.log1p(self.rate) + 0.05 * rng.standard_normal((n_paths, months))
        return self.users * np.exp(np.hstack([np.zeros((n_paths, 1)),
                                              np.cumsum(steps, axis=1)]))


def test_a_constant_rate_growth_model_matches_the_engine_without_noise():
    base = replace(_SMOOTH_15, elasticity=PERT_E, scale_exponent=0.8)
    model = replace(base, growth_model=_ConstantGrowth(50_000.0, 0.15))
    a = mc.simulate(base, n_paths=300, months=24, rng=5, keep_paths=True)
    b = mc.simulate(model, n_paths=300, months=24, rng=5, keep_paths=True)
    # ln(N_t / N_0) from the model's MAU differs from the engine's summed log-growth by
    # rounding; 1 / (1 - rho) amplifies it in the latency near saturation
    for key in a.paths:
        assert_allclose(b.paths[key], a.paths[key],
                        rtol=1e-9 if key == "p95_latency_s" else 1e-12, err_msg=key)
    pd.testing.assert_frame_equal(a.breach_summary, b.breach_summary)
    pd.testing.assert_frame_equal(a.percentiles, b.percentiles, rtol=1e-9)


PERT_E = d.PERT(low=0.5, mode=0.65, high=1.0)


def test_a_random_growth_model_is_reproducible_per_seed():
    inputs = mc.Inputs(growth_model=_NoisyGrowth(50_000.0, 0.1))
    a = mc.simulate(inputs, n_paths=600, months=12, rng=6, chunk_size=256)
    b = mc.simulate(inputs, n_paths=600, months=12, rng=6, chunk_size=256, workers=2)
    c = mc.simulate(inputs, n_paths=600, months=12, rng=7, chunk_size=256)
    _frames_equal(a, b)
    assert not a.percentiles.equals(c.percentiles)
    # median log growth over 12 months is 12 ln 1.1 (symmetric noise)
    assert_allclose(a.percentile("mau", 50).iloc[-1], 50_000 * 1.1**12, rtol=0.05)


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (_ConstantGrowth(60_000.0, 0.1), "set initial_users to the model's month-0 MAU"),
        (type("Short", (), {"simulate": lambda self, n, m, rng: np.ones((n, m))})(),
         r"shape \(n_paths, months \+ 1\)"),
    ],
)
def test_bad_growth_models_are_reported(model, message):
    with pytest.raises(ValueError, match=message):
        mc.simulate(mc.Inputs(growth_model=model), n_paths=10, months=3, rng=0)
    with pytest.raises(TypeError, match="growth_model must be None or have a method simulate"):
        mc.Inputs(growth_model=object())


@pytest.mark.parametrize("load", ["avg", "peak"])
def test_fleet_latency_is_the_mmc_percentile_and_its_breaches_exact(load):
    inputs = mc.Inputs(latency_model="mmc", latency_load=load, service_time_s=(0.25, 0.6),
                       latency_thresholds=(0.8, 2.0))
    res = mc.simulate(inputs, n_paths=300, months=18, rng=8, keep_paths=True)
    rho = res.paths[f"cpu_{load}"]
    s = np.broadcast_to(res.inputs_drawn["service_time_s"].to_numpy()[:, None], rho.shape)
    ok = rho < 1
    assert ok.any() and (~ok).any()
    assert_allclose(res.paths["p95_latency_s"][ok],
                    queueing.mmc_response_time_percentile(10, rho[ok], s[ok]), rtol=1e-10)
    assert np.all(np.isinf(res.paths["p95_latency_s"][~ok]))
    for level, line in zip(mc.LEVELS, (0.8, 2.0), strict=True):
        above = res.paths["p95_latency_s"] > line
        expected = np.where(above.any(axis=1), above.argmax(axis=1), np.nan)
        got = res.breach_months[f"p95_response_time_s/{level}"].to_numpy()
        # the solved crossing utilisation is exact to ~1e-14: a path within that of the
        # line could differ; none does here
        assert_array_equal(got, expected)


def test_a_fleet_queues_less_than_separate_instances():
    # same utilisation: pooling 10 servers cuts waiting (Erlang C < rho)
    kwargs = {"n_paths": 200, "months": 6, "rng": 9}
    mm1 = mc.simulate(mc.Inputs(), **kwargs).percentile("p95_latency_s", 50)
    mmc = mc.simulate(mc.Inputs(latency_model="mmc"), **kwargs).percentile("p95_latency_s", 50)
    finite = np.isfinite(mm1.to_numpy())
    assert finite[:3].all()
    assert np.all(mmc.to_numpy()[finite] < mm1.to_numpy()[finite])


class _Plan:
    """Test double of a plan: multiply capacities from a month on, with a spend."""

    def __init__(self, factors, month, one_off=0.0, monthly=0.0, noise=False):
        self.factors, self.month = factors, month
        self.one_off, self.monthly, self.noise = one_off, monthly, noise

    def draw(self, n, months, rng):
        t = np.arange(months + 1)[:, None]
        on = np.broadcast_to(t >= self.month, (months + 1, n))
        jitter = rng.random(n) if self.noise else np.zeros(n)  # spends random numbers
        capacity = {r: np.where(on, f, 1.0) for r, f in self.factors.items()}
        spend = np.where(t == self.month, self.one_off, 0.0) + np.where(on, self.monthly, 0.0)
        return capacity, spend + 0.0 * jitter


def test_doubling_database_capacity_halves_its_utilisation_and_delays_its_breach():
    plan = _Plan({"db_utilisation": 2.0}, month=3, one_off=1_000.0, monthly=500.0, noise=True)
    kwargs = {"n_paths": 50, "months": 12, "rng": 10, "keep_paths": True}
    without = mc.simulate(_SMOOTH_15, **kwargs)
    with_plan = mc.simulate(_SMOOTH_15, plan=plan, **kwargs)
    db0, db1 = without.paths["db_utilisation_avg"], with_plan.paths["db_utilisation_avg"]
    assert_array_equal(db1[:, :3], db0[:, :3])
    assert_allclose(db1[:, 3:], db0[:, 3:] / 2, rtol=1e-15)
    # 0.5 x 1.15^t: above the table's db lines 0.7 / 0.8 first at t = 3 / 4 without the
    # plan; halved from month 3, 0.25 x 1.15^t is above them first at t = 8 (1.15^t > 2.8,
    # t > 7.37) and t = 9 (1.15^t > 3.2, t > 8.32)
    for level, before, after in (("attention", 3, 8), ("critical", 4, 9)):
        assert without.breach_summary.loc[("db_utilisation", level), "P50"] == before
        assert with_plan.breach_summary.loc[("db_utilisation", level), "P50"] == after
    # everything else is drawn identically (the plan draws last) and unchanged
    for key in ("mau", "cpu_avg", "memory_peak", "p95_latency_s", "instances"):
        assert_array_equal(with_plan.paths[key], without.paths[key])
    spend = np.where(np.arange(13) == 3, 1_000.0, 0.0) + np.where(np.arange(13) >= 3, 500.0, 0)
    assert_array_equal(with_plan.paths["plan_cost"], np.broadcast_to(spend, (50, 13)))
    assert_allclose(with_plan.paths["infra_cost"], without.paths["infra_cost"] + spend,
                    rtol=1e-15)
    assert not without.paths["plan_cost"].any()
    assert with_plan.plan is plan and without.plan is None


@pytest.mark.parametrize("model", ["mm1", "mmc"])
def test_cpu_capacity_relieves_latency(model):
    inputs = replace(_SMOOTH_15, latency_model=model)
    plan = _Plan({"cpu": 2.0}, month=2)
    kwargs = {"n_paths": 20, "months": 12, "rng": 11, "keep_paths": True}
    res = mc.simulate(inputs, plan=plan, **kwargs)
    rho = res.paths["cpu_avg"]
    assert_allclose(rho[:, 2:], np.broadcast_to(0.7 * 1.15 ** np.arange(2, 13) / 2, (20, 11)),
                    rtol=1e-12)
    servers = 10 if model == "mm1" else np.where(np.arange(13) >= 2, 20, 10)
    expected = (queueing.mm1_response_time_percentile(np.minimum(rho, 0.999), 0.15)
                if model == "mm1" else
                queueing.mmc_response_time_percentile(servers, np.minimum(rho, 0.999), 0.15))
    ok = rho < 1
    assert_allclose(res.paths["p95_latency_s"][ok], np.asarray(expected)[ok], rtol=1e-10)
    above = res.paths["p95_latency_s"] > 2.0
    first = np.where(above.any(axis=1), above.argmax(axis=1), np.nan)
    assert_array_equal(res.breach_months["p95_response_time_s/attention"], first)


def test_a_neutral_plan_changes_nothing_but_its_cost_output():
    plan = _Plan(dict.fromkeys(mc.RESOURCES, 1.0), month=0, noise=True)
    a = mc.simulate(n_paths=400, months=12, rng=12)
    b = mc.simulate(plan=plan, n_paths=400, months=12, rng=12)
    pd.testing.assert_frame_equal(a.breach_summary, b.breach_summary, check_exact=True)
    keep = a.percentiles["output"] != "plan_cost"
    pd.testing.assert_frame_equal(a.percentiles[keep], b.percentiles[keep], check_exact=True)


@pytest.mark.parametrize(
    ("capacity", "message"),
    [
        ({"storage": 2.0}, "unknown resource 'storage'"),
        ({"cpu": 0.0}, r"capacity\['cpu'\] must be finite factors > 0"),
    ],
)
def test_bad_plans_are_reported(capacity, message):
    with pytest.raises(ValueError, match=message):
        mc.simulate(plan=_Plan(capacity, month=1), n_paths=10, months=3, rng=0)
    with pytest.raises(TypeError, match="plan must be None or have a method draw"):
        mc.simulate(plan=object(), n_paths=10, months=3, rng=0)


@pytest.mark.parametrize("extra", [{}, {"market_size": (2e5, 6e5)},
                                   {"elasticity": dict.fromkeys(mc.RESOURCES, (0.5, 1.0))}])
def test_blocking_paths_for_the_cache_does_not_change_results(monkeypatch, extra):
    inputs = mc.Inputs(**extra)
    plan = _Plan({"db_utilisation": 1.5, "memory": 2.0}, month=4)
    kwargs = {"n_paths": 2_500, "months": 24, "rng": 13, "chunk_size": 1_300,
              "keep_paths": True}
    whole = [mc.simulate(inputs, **kwargs), mc.simulate(inputs, plan=plan, **kwargs)]
    monkeypatch.setattr(mc, "_BLOCK", 97)  # blocks of 97 paths, one partial
    blocked = [mc.simulate(inputs, **kwargs), mc.simulate(inputs, plan=plan, **kwargs)]
    for a, b in zip(whole, blocked, strict=True):
        _frames_equal(a, b)
        pd.testing.assert_frame_equal(a.breach_months, b.breach_months, check_exact=True)
        for key in a.paths:
            assert_array_equal(a.paths[key], b.paths[key])


def test_inputs_pickle_for_process_or_cluster_workers():
    import pickle

    inputs = mc.Inputs(elasticity=dict.fromkeys(mc.RESOURCES, (0.6, 0.9)),
                       attention={"cpu": 0.7, "memory": 0.8, "db_utilisation": 0.7,
                                  "bandwidth": 0.7})
    again = pickle.loads(pickle.dumps(inputs))
    assert again == inputs
    _frames_equal(mc.simulate(again, n_paths=200, months=6, rng=1),
                  mc.simulate(inputs, n_paths=200, months=6, rng=1))
    with pytest.raises(TypeError):
        inputs.utilisation_avg["cpu"] = 0.9  # read-only


def test_seed_is_a_deprecated_alias_of_rng():
    with pytest.warns(DeprecationWarning, match=r"simulate\(seed=...\) is deprecated"):
        old = mc.simulate(n_paths=50, months=3, seed=5)
    new = mc.simulate(n_paths=50, months=3, rng=5)
    pd.testing.assert_frame_equal(old.percentiles, new.percentiles)
    with pytest.raises(TypeError, match="both seed= and rng="):
        mc.simulate(n_paths=50, months=3, seed=5, rng=5)
