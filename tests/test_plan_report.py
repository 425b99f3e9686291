"""Tests for scaling_models.plan_report: the remedy plan as the board report shows it."""

import json
import math
import textwrap

import numpy as np
import pandas as pd
import pytest

from scaling_models import montecarlo, parameters, plan_report, plans, presentation, report
from scaling_models.montecarlo import RESOURCES
from scaling_models.plans import Action, Plan

# Known-value levers (no uncertainty): the plan's effect can be computed by hand.
KNOWN = """\
    levers:
      - key: double_db
        label: Twice the database
        category: infrastructure
        relieves: {db_utilisation: {factor: 2.0}}
        lead_time_months: 2
        one_off_cost: 1000
        monthly_cost: 50
        cost_step: 2
        max_count: 3
      - key: cdn
        label: A CDN
        category: infrastructure
        relieves: {bandwidth: {offload: 0.5}, cpu: {offload: 0.1}}
        lead_time_months: 1
        one_off_cost: 10
        monthly_cost: 5
        max_count: 1
      - key: hire
        label: A developer
        category: team
        relieves: {}
        lead_time_months: 4
        one_off_cost: 500
        monthly_cost: 5000
        max_count: 5
"""


@pytest.fixture()
def known(tmp_path):
    path = tmp_path / "levers.yaml"
    path.write_text(textwrap.dedent(KNOWN), encoding="utf-8")
    return plans.load_levers(path)


@pytest.fixture()
def plan(known):
    return Plan([Action("double_db", 1), Action("cdn", 0), Action("hire", 2)], known)


@pytest.fixture(scope="module")
def inputs(data):
    return report.simulation_inputs(data.history, data.thresholds, growth_low=0.10,
                                    growth_high=0.16)


def test_schedule_dates_prices_and_attributes_each_action(plan):
    table = plan_report.plan_schedule(plan, "2024-06", months=6)
    assert table["lever"].tolist() == ["cdn", "double_db", "hire"]  # by start month
    # month 0 is the report's last month: cdn starts 2024-06, in effect 2024-07 (lead 1);
    # double_db starts 2024-07, in effect 2024-09 (lead 2); hire 2024-08 -> 2024-12
    assert table["start_by"].tolist() == ["2024-06", "2024-07", "2024-08"]
    assert table["in_effect"].tolist() == ["2024-07", "2024-09", "2024-12"]
    # primary resource: the first the lever relieves (cdn: bandwidth, not cpu)
    assert table["resource"].tolist() == ["bandwidth", "db_utilisation", "team"]
    assert table.at[0, "relieves"] == "Bandwidth, CPU"
    # over months 0..6: cdn 10 + 5 x 6 (months 1-6) = 40; double_db 1000 + 50 x 4
    # (months 3-6) = 1200; hire 500 + 5000 x 1 (month 6, started 2 + lead 4) = 5 500
    assert table["cost"].tolist() == [40.0, 1200.0, 5_500.0]
    assert table["cost"].sum() == pytest.approx(plan.total_cost(6))


def test_remedy_shares_name_where_a_shared_action_is_counted(plan):
    # the CDN relieves bandwidth (its first, so counted there) and CPU: CPU's share of it
    # is counted under bandwidth; the database lever relieves the database only; the hire
    # relieves no resource
    shares = plan_report.remedy_shares(plan)
    assert shares == {"cpu": ("bandwidth",), "memory": (), "db_utilisation": (),
                      "bandwidth": ()}
    costs = plan_report.remedy_costs(plan, months=6)
    # so CPU reads "with Bandwidth", not as free
    assert presentation.cost_text(costs["cpu"], ",".join(shares["cpu"])) == "with Bandwidth"
    assert presentation.cost_text(costs["memory"], ",".join(shares["memory"])) == \
        "none in the plan"


def test_remedy_costs_add_up_to_the_infrastructure_spend(plan):
    costs = plan_report.remedy_costs(plan, months=6)
    assert costs == {"cpu": 0.0, "memory": 0.0, "db_utilisation": 1200.0, "bandwidth": 40.0}
    assert sum(costs.values()) == pytest.approx(plan.monthly_spend(6, "infrastructure").sum())


def test_compare_matches_a_hand_computation_on_the_same_paths(inputs, known):
    # twice the database from month 3 (started month 1, lead 2): on the engine's own
    # paths a path is critical by month m with the plan when u_t > c for some t < 3 or
    # u_t / 2 > c for some 3 <= t <= m
    months, seed = 6, 11
    plan = Plan([Action("double_db", 1)], known)
    comparison = plan_report.compare(inputs, plan, n_paths=2_000, months=months, rng=seed)
    base = montecarlo.simulate(inputs, n_paths=2_000, months=months, rng=seed,
                               keep_paths=True, outputs=["db_utilisation_avg", "cpu_avg"])
    critical = dict(zip(RESOURCES, inputs.thresholds()[1], strict=True))
    u = base.paths["db_utilisation_avg"] / np.where(np.arange(months + 1) >= 3, 2.0, 1.0)
    expected = np.maximum.accumulate(u > critical["db_utilisation"], axis=1).mean(axis=0)
    curves = comparison.curves.set_index(["resource", "month"])
    np.testing.assert_allclose(curves.loc["db_utilisation", "with_plan"], expected)
    # without the plan: the report's own run, bit for bit (same inputs and seed)
    bp = base.breach_probability
    own = bp[(bp["resource"] == "db_utilisation") & (bp["level"] == "critical")]
    np.testing.assert_array_equal(curves.loc["db_utilisation", "without_plan"],
                                  own.sort_values("month")["probability"])
    # a resource the plan leaves alone is unchanged (common random numbers)
    np.testing.assert_array_equal(curves.loc["cpu", "with_plan"],
                                  curves.loc["cpu", "without_plan"])
    # "any" is at least each resource and at most their sum
    stack = np.stack([curves.loc[r, "with_plan"] for r in RESOURCES])
    assert np.all(curves.loc["any", "with_plan"] >= stack.max(axis=0) - 1e-12)
    assert np.all(curves.loc["any", "with_plan"] <= stack.sum(axis=0) + 1e-12)
    # the engine bills the plan's running capacity once with its cost curve,
    # max(C0 L^b, C0 + running), and adds the one-offs (docs/levers.md, "Costs"): each
    # month's median bill on the same paths (the engine's percentiles: inverted CDF)
    table = comparison.table
    curve = montecarlo.simulate(inputs, n_paths=2_000, months=months, rng=seed,
                                keep_paths=True, outputs=["infra_cost"]).paths["infra_cost"]
    running = plan.running_cost(months)
    one_off = plan.monthly_spend(months, "infrastructure") - running
    bill = np.maximum(curve, inputs.base_monthly_cost + running) + one_off
    for name, spend in (("without_plan", curve), ("with_plan", bill)):
        assert table.at["infra_spend", name] == pytest.approx(
            np.quantile(spend, 0.5, axis=0, method="inverted_cdf").sum())
    assert table.at["plan_cost", "with_plan"] == plan.total_cost(months)
    assert table.at["p_any", "with_plan"] == curves.loc[("any", months), "with_plan"]
    with pytest.raises(TypeError, match="plans.Plan"):
        plan_report.compare(inputs, "plan", n_paths=10, months=2, rng=1)


def test_an_empty_plan_changes_nothing(inputs, known):
    comparison = plan_report.compare(inputs, Plan([], known), n_paths=500, months=4, rng=2)
    np.testing.assert_array_equal(comparison.curves["with_plan"],
                                  comparison.curves["without_plan"])


def test_figure_draws_each_resource_without_and_with_the_plan(inputs, known):
    plan = Plan([Action("double_db", 0)], known)
    comparison = plan_report.compare(inputs, plan, n_paths=300, months=4, rng=2)
    fig = plan_report.risk_figure(comparison.curves, "2024-06", risk=0.05)
    axes = fig.get_axes()
    assert [ax.get_title(loc="left") for ax in axes] == [report.RESOURCE_LABELS[r]
                                                         for r in RESOURCES]
    assert all(len(ax.get_lines()) == 3 for ax in axes)  # without, with, the target
    # calendar months, and a description for the alt text with each resource's figures
    assert axes[2].xaxis.get_major_formatter()(0, 0) == "Jun 2024"
    assert fig.get_label().startswith("Share of simulated futures")
    database = comparison.table.at["p_db_utilisation", "with_plan"]
    assert f"Database: > 99 % of futures critical by the end without the plan, " \
           f"{report.probability(database)} with it." in fig.get_label()


def test_summary_fields_are_documented_json_and_add_up(plan, inputs):
    comparison = plan_report.compare(inputs, plan, n_paths=300, months=6, rng=4)
    fields = plan_report.summary_fields(plan, comparison, "2024-06", months=6)
    assert set(fields) == {"plan_actions", "plan_total_cost", "p_critical_with_plan"}
    assert set(fields) <= set(report.SUMMARY_KEYS)
    json.dumps(fields, allow_nan=False)
    assert fields["plan_actions"][0] == {"lever": "cdn", "resource": "bandwidth",
                                         "start_month": "2024-06", "cost": 40.0}
    assert sum(a["cost"] for a in fields["plan_actions"]) == fields["plan_total_cost"]
    # rounded to 6 significant digits, as every figure of summary.json
    assert fields["p_critical_with_plan"] == pytest.approx(
        {r: comparison.table.at[f"p_{r}", "with_plan"] for r in RESOURCES}, rel=1e-6)


def test_ranked_actions_carry_the_plan_cost_of_their_resource(data, result):
    dashboard = report.status_dashboard(data.history, data.thresholds)
    remedies = report.remedy_schedule(result, "2024-06", {})
    plain = report.actions(dashboard, remedies=remedies)
    assert plain["cost"].isna().all()  # no plan, no debt: nothing is priced
    costs = {"cpu": 100.0, "memory": 0.0, "db_utilisation": 2500.0, "bandwidth": 40.0}
    priced = report.actions(dashboard, remedies=remedies, plan_costs=costs)
    assert priced.drop(columns="cost").equals(plain.drop(columns="cost"))
    by_action = dict(zip(priced["action"], priced["cost"], strict=True))
    dated = remedies[remedies["start_by"].astype(bool)]
    assert len(dated)
    for resource, row in dated.iterrows():
        assert by_action[row["action"]] == costs[resource]
    undated = [a for a in priced["action"] if a not in set(dated["action"])]
    assert all(math.isnan(by_action[a]) for a in undated)
    shown = presentation.present_actions(priced)
    assert "Cost" in shown
    # never "0.00 EUR": a resource the plan leaves alone says so, an unpriced one too
    assert set(shown["Cost"]) <= {"not costed", "none in the plan", "100 EUR", "2.5 K EUR",
                                  "40 EUR"}
    shared = report.actions(dashboard, remedies=remedies, plan_costs=costs,
                            plan_shares={"memory": ("cpu",)})
    memory = shared.set_index("action").loc[report.REMEDIES["memory"]]
    assert memory["cost_with"] == "cpu"
    shown = presentation.present_actions(shared).set_index("Action")
    assert shown.at[report.REMEDIES["memory"], "Cost"] == "with CPU"


def test_risk_appetite_reuses_the_plan_and_prices_other_targets(inputs):
    months, seed = 6, 5
    reused = plans.optimise(inputs, risk=0.1, months=months, rng=seed, n_paths=1_000)
    table = plan_report.risk_appetite(inputs, risks=(0.02, 0.1, 0.3), months=months,
                                      rng=seed, n_paths=1_000, reuse=reused)
    assert table.index.tolist() == [0.02, 0.1, 0.3]
    assert table.at[0.1, "total_cost"] == reused.total_cost
    assert table.at[0.1, "achieved_risk"] == reused.achieved_risk
    for risk, row in table.iterrows():
        if row["feasible"]:
            assert row["achieved_risk"] <= risk and row["validated_risk"] <= risk
    # a looser appetite never needs a dearer plan than the strictest one
    assert table.at[0.3, "total_cost"] <= table.at[0.02, "total_cost"]


def test_board_plan_on_the_sample_company(data, inputs):
    out = plan_report.board_plan(inputs, data.levers, risk=0.05, budget=0, months=6,
                                 n_paths=1_000, seed=3, end_month="2024-06")
    assert out.result.risk == 0.05 and out.result.n_paths == 1_000
    assert out.schedule["cost"].sum() == pytest.approx(out.result.total_cost)
    assert 0.05 in out.appetite.index
    assert set(plan_report.RISK_APPETITES) <= set(out.appetite.index)
    assert out.appetite.at[0.05, "n_paths"] == 1_000  # min(n_paths, APPETITE_PATHS)
    assert out.summary["plan_total_cost"] == pytest.approx(out.result.total_cost)
    # the sample database is critical today: without a plan every future is
    assert out.comparison.table.at["p_any", "without_plan"] == 1.0
    assert sum(out.costs.values()) <= out.result.total_cost + 1e-6


def test_plan_parameters_are_registered_and_checked():
    assert parameters.defaults(["plan_risk", "plan_budget"]) == {"plan_risk": 0.05,
                                                                 "plan_budget": 0.0}
    with pytest.raises(parameters.ParameterError, match="plan_risk"):
        parameters.check(plan_risk=0.0)
    with pytest.raises(parameters.ParameterError, match="write 0.15 for 15 %"):
        parameters.check(plan_risk=5)
    with pytest.raises(parameters.ParameterError, match="plan_budget"):
        parameters.check(plan_budget=-1.0)
    assert parameters.check(plan_risk=0.1, plan_budget=100_000) == {
        "plan_risk": 0.1, "plan_budget": 100_000.0}


def test_schedule_of_an_empty_plan(known):
    table = plan_report.plan_schedule(Plan([], known), "2024-06", months=3)
    assert table.empty and "cost" in table
    assert isinstance(table, pd.DataFrame)


def test_board_schedule_groups_the_instances_added_month_after_month(tmp_path):
    path = tmp_path / "levers.yaml"
    path.write_text(textwrap.dedent(KNOWN) + textwrap.indent(textwrap.dedent("""\
          - key: instance
            label: One instance
            category: infrastructure
            relieves: {cpu: {per_instance: 1.0}, memory: {per_instance: 1.0}}
            lead_time_months: 0
            one_off_cost: 0
            monthly_cost: 100
            max_count: 20
        """), "  "), encoding="utf-8")
    plan = Plan([Action("instance", 1, 2), Action("double_db", 0), Action("instance", 3, 3)],
                plans.load_levers(path))
    schedule = plan_report.plan_schedule(plan, "2024-06", months=4)
    assert schedule["per_instance"].tolist() == [False, True, True]
    shown = plan_report.present_schedule(schedule)
    assert shown["Action"].tolist() == ["Twice the database", "One instance (x5, in 2 steps)"]
    # 2 instances from month 1 (100 x 2 a month, months 1-4 = 800) and 3 from month 3
    # (100 x 3, months 3-4 = 600): 1 400; 500 a month once all five run
    assert shown.iloc[1].tolist() == ["2024-07\nto 2024-09", "2024-07",
                                      "One instance (x5, in 2 steps)", "CPU, Memory", "0 EUR",
                                      "up to 500 EUR", "1.4 K EUR"]


def test_board_tables_are_written_in_words_and_units(plan, inputs):
    schedule = plan_report.present_schedule(plan_report.plan_schedule(plan, "2024-06", 6))
    assert schedule["Start by"].tolist() == ["now (2024-06)", "2024-07", "2024-08"]
    assert schedule["Cost over the horizon"].tolist() == ["40 EUR", "1.2 K EUR", "5.5 K EUR"]
    comparison = plan_report.compare(inputs, plan, n_paths=300, months=6, rng=4)
    shown = plan_report.present_comparison(comparison.table)
    assert shown["Measure"].iloc[0] == "Some resource critical within the horizon"
    assert shown["With the plan"].iloc[-1] == report.money(plan.total_cost(6))
    assert shown["Without the plan"].iloc[-1] == "0 EUR"
    appetite = pd.DataFrame({"total_cost": [2000.0, 1000.0], "achieved_risk": [0.01, 0.04],
                             "validated_risk": [0.012, 0.045], "feasible": [False, True],
                             "actions": [3, 2], "n_paths": [5000, 10000]},
                            index=pd.Index([0.01, 0.05], name="risk_target"))
    table = plan_report.present_appetite(appetite, chosen=0.05)
    assert table["Risk target"].tolist() == ["1 %", "5 % (this plan)"]
    assert table["Risk of the plan"].tolist() == ["1.2 %", "4.5 %"]
    assert table["Meets the target"].tolist() == ["no", "yes"]


def test_last_quarters_plan_keys_are_read_back(plan, inputs, tmp_path):
    # the next quarter's report validates this summary: the plan's keys must pass
    from scaling_models import batch

    comparison = plan_report.compare(inputs, plan, n_paths=200, months=6, rng=4)
    fields = plan_report.summary_fields(plan, comparison, "2024-06", months=6)
    path = tmp_path / "summary.json"
    path.write_text(json.dumps({"quarter": "2024-Q2", **fields}))
    assert batch.read_summary(path, quarter="2024-Q2")["plan_actions"] == \
        fields["plan_actions"]
    path.write_text(json.dumps({"quarter": "2024-Q2", "plan_actions": [{"cost": [1]}]}))
    with pytest.raises(batch.ReportInputError, match="'plan_actions' must be a list of "
                                                     "records"):
        batch.read_summary(path, quarter="2024-Q2")
