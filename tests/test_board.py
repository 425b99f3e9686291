"""board.build: the whole board report from data and parameters, and its statements
checked against the figures they are made from."""

import re

import pandas as pd
import pytest

from scaling_models import board, company, loaders, parameters, presentation, report
from scaling_models import resources as _resources

N_PATHS = 2_000  # enough for month-0 medians and crossing months; the report runs 10 000


@pytest.fixture(scope="module")
def data():
    return loaders.load_data_dir()


@pytest.fixture(scope="module")
def built(data):
    return board.build(data, {"quarter": "2024-Q2", "n_paths": N_PATHS, "seed": 11})


def test_the_report_uses_the_company_calibration(data, built):
    # one source of truth: the analyst notebooks' company.calibrate, same seed, same inputs
    own = company.calibrate(data, month="2024-06", rng=11)
    assert (built.calibrated.growth_low, built.calibrated.growth_high) == (
        own.growth_low, own.growth_high)
    assert built.calibrated.inputs.service_time_s == own.inputs.service_time_s
    assert built.headline["elasticity"] == pytest.approx(
        own.elasticity_table()["elasticity"].to_dict(), rel=1e-5)
    assert built.result.n_paths == N_PATHS and built.end == pd.Period("2024-06", "M")


def test_a_quarter_ignores_the_later_history(data):
    early = board.build(data, {"quarter": "2024-Q1", "n_paths": 500, "seed": 1})
    assert early.calibrated.inputs.initial_users == data.history.loc["2024-03", "mau"]
    assert early.headline["month"] == "2024-03"


def test_model_vs_measured_within_10_percent(data, built):
    compared = built.headline["model_vs_measured"]
    assert set(compared) == {*_resources.keys(), "p95_response_time_s"}
    last = data.history.iloc[-1]
    for metric, pair in compared.items():
        column = ("p95_response_time_s" if metric == "p95_response_time_s"
                  else _resources.get(metric).avg_column)
        assert pair["measured"] == last[column]
        assert pair["modelled"] == pytest.approx(pair["measured"], rel=0.10), metric


def test_elasticity_keys(built):
    h = built.headline
    for resource in _resources.keys():
        assert h["elasticity_low"][resource] <= h["elasticity"][resource] \
            <= h["elasticity_high"][resource]
    assert set(h) <= set(report.SUMMARY_KEYS)


def test_scenario_probabilities_sum_to_one_per_family(data, built):
    probabilities = pd.Series(built.headline["scenario_probabilities"])
    sums = probabilities.groupby(data.scenarios["family"]).sum()
    assert sums.to_numpy() == pytest.approx(1.0, abs=1e-6)


def test_status_table_dates_every_area(built):
    status = built.tables["status"]
    assert list(status.index) == [*_resources.keys(), "p95_response_time_s", "team"]
    shown = built.present("status")
    assert list(shown["Area"]) == [*_resources.labels().values(), "P95 response time",
                                   "Team"]
    # today's status first (the word the table colours), then the value
    for now, current in zip(shown["Now"], status["status"], strict=True):
        assert now.startswith(f"{current} (") or now == "not measured", now
    # the crossing months are the engine's breach-month percentiles
    summary = built.result.breach_summary
    for metric in _resources.keys():
        for p in ("P5", "P50", "P95"):
            expected = summary.loc[(metric, "critical"), p]
            assert status.at[metric, f"critical_{p}"] == pytest.approx(expected, nan_ok=True)
    # calendar months, never a column of bare percentages
    month = re.compile(r"now|(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}|not by")
    for column in ("Attention from", "Critical from", "Start remedy by"):
        for text in shown[column]:
            assert month.match(text) or text == "no critical line", (column, text)


# texts of the appendix, where parameters, p-values and the model's fit belong
APPENDIX_TEXTS = ("model_check", "parameters")


def _board_text(built) -> str:
    tables = [built.present("status"), built.present("actions"),
              presentation.present_investments(built.tables["invest"]),
              presentation.present_signals(built.tables["signals"], statistics=False)]
    texts = [t for k, t in built.texts.items() if k not in APPENDIX_TEXTS]
    return "\n".join([*built.messages, *texts, *(t.to_string() for t in tables)])


def test_no_raw_keys_or_p_values_in_the_board_text(built):
    text = _board_text(built)
    for raw in ("p95_response_time_s", "db_utilisation", "remedy_risk", "metric(s)",
                "p = ", "p-value"):
        assert raw not in text, raw


def test_debt_counts_agree(built):
    n = built.headline["debt_items_treat_now"]
    assert built.tables["debt"].attrs["n_treat_now"] == n
    assert built.texts["debt"].startswith(f"{n} of the ")
    invest = [i for i in built.tables["invest"].index if str(i).startswith("technical debt")]
    assert invest == [f"technical debt ({n} items to treat now)"]
    # one action for them all, at the investments' cost
    ranked = built.tables["ranked"].set_index("action")
    action = f"fix the {n} technical-debt items that pay back more than 3 times the cost in a year"
    assert ranked.at[action, "cost"] == built.tables["invest"].at[invest[0], "cost"]


def test_the_database_action_names_the_debt_that_relieves_it(data, built):
    # the database is critical now; the backlog's relieves column links four items to it
    assert built.tables["dashboard"].set_index("metric").at["db_utilisation",
                                                             "status"] == "critical"
    linked = data.backlog.index[data.backlog["relieves"] == "db_utilisation"]
    assert "No read replica for reporting queries" in linked
    shown = built.present("actions").set_index("Action")
    why = shown.at[_resources.get("db_utilisation").remedy, "Why"]
    assert "debt that relieves it: No read replica for reporting queries" in why
    assert why.endswith(f"and {len(linked) - 2} more")


def test_every_cost_shown_ties_to_summary_json(data, built):
    """Each cost the report shows is the summary.json figure it comes from, and says what
    it covers: the status and actions tables the plan's cost per resource (never a 0 that
    reads as free), the plan section its total, the investments the plan as one of its
    rows and the total of summary.json, the key message that total and its parts."""
    h, currency = built.headline, built.parameters["currency"]
    # summary.json: plan_actions (lever, resource, cost) and plan_total_cost, rounded to 6
    # significant digits as every figure there
    per_resource = {}
    for action in h["plan_actions"]:
        per_resource[action["resource"]] = per_resource.get(action["resource"], 0.0) + \
            action["cost"]
    assert sum(per_resource.values()) == pytest.approx(h["plan_total_cost"], rel=1e-5)
    status = built.tables["status"]
    shown = built.present("status").set_index("Area")
    for resource in _resources.keys():
        cost = status.at[resource, "cost"]
        assert cost == pytest.approx(per_resource.get(resource, 0.0), rel=1e-5, abs=1e-6)
        cell = shown.at[status.at[resource, "label"], "Cost"]
        if cost > 0:
            assert cell == report.money(cost, currency)
        else:  # counted under the resources whose actions also relieve it
            shared = [_resources.labels()[r] for r in built.plan.shares[resource]]
            assert cell == ("with " + " and ".join(shared) if shared else "none in the plan")
    # the sample: application instances relieve CPU and memory and are counted under CPU
    assert shown.at["Memory", "Cost"] == "with CPU"
    assert shown.at["P95 response time", "Cost"] == "with CPU"
    for table in (built.present("status"), built.present("actions")):
        assert not table["Cost"].str.fullmatch(r"0(\.00)? \w+|").any(), table["Cost"]
    # the actions carry their resource's cost, as the status table shows it
    actions = built.present("actions").set_index("Action")
    for resource, remedy in report.REMEDIES.items():
        if remedy in actions.index:
            assert actions.at[remedy, "Cost"] == shown.at[_resources.labels()[resource], "Cost"]
    # the plan section: its total, and the same total in the comparison table
    assert report.money(built.plan.result.total_cost, currency) == report.money(
        h["plan_total_cost"], currency)
    assert built.plan.comparison.table.at["plan_cost", "with_plan"] == pytest.approx(
        h["plan_total_cost"], rel=1e-5)
    # the investments: the bill with the plan in place, its capacity counted once; its
    # total is summary.json's
    invest = built.tables["invest"]
    with_plan, without = (built.plan.comparison.with_plan,
                          built.plan.comparison.without_plan)
    today = float(without.percentile("infra_cost", 50).iloc[0])
    growth = {name: float((run.percentile("infra_cost", 50) - today).clip(lower=0).sum())
              for name, run in (("with", with_plan), ("without", without))}
    row = "infrastructure bill growth, remedy plan included"
    assert invest.at[row, "cost"] == pytest.approx(growth["with"], rel=1e-12)
    # more than the bill without the plan, less than that bill plus the plan's own spend
    # (the capacity the load needs is paid once)
    assert growth["without"] < invest.at[row, "cost"] < growth["without"] + h["plan_total_cost"]
    assert f"{report.money(h['plan_total_cost'], '').strip()} of their own" in \
        invest.at[row, "capacity"]
    assert not [i for i in invest.index if str(i).startswith("remedy plan")]
    assert invest.at["total", "cost"] == pytest.approx(h["investment_total"], rel=1e-5)
    assert invest.drop(index="total")["cost"].sum() == pytest.approx(h["investment_total"],
                                                                     rel=1e-5)
    team = [i for i in invest.index if str(i).startswith("team")]
    assert invest.at[team[0], "cost"] == h["hires_planned"] * \
        built.parameters["developer_annual_cost"]
    assert status.at["team", "cost"] == invest.at[team[0], "cost"]
    # the key message: the total of summary.json, then each part with its cost
    message = next(m for m in built.messages if m.startswith("**Investments required:**"))
    assert message.startswith(f"**Investments required:** "
                              f"{report.money(h['investment_total'], currency)} over the "
                              f"forecast (")
    for name, cost in invest["cost"].drop(index="total").items():
        assert f"{presentation.markdown_text(name)} {report.money(cost, currency)}" in message


def test_action_tiers_follow_the_dates(built):
    ranked = built.tables["ranked"]
    assert set(ranked["tier"]) <= set(report.ACTION_TIERS)
    end, dashboard = built.end, built.tables["dashboard"]
    critical = set(dashboard.loc[dashboard["status"] == "critical", "metric"])
    metric_of = {**{a: r for r, a in report.REMEDIES.items()},
                 **{f"{r['action']}: {r['label']}": r["metric"] for _, r in dashboard.iterrows()}}
    for _, row in ranked.iterrows():
        if row["action"].startswith("fix the"):  # debt to treat now: this quarter
            assert row["tier"] == "this quarter"
            continue
        start = row["start_by"]
        months = (0 if start == "now" else None if not start
                  else (pd.Period(start, freq="M") - end).n)
        assert row["tier"] == report.action_tier(
            months, critical_now=metric_of[row["action"]] in critical), row
        if row["tier"] == "watch":
            assert not start and pd.isna(row["cost"])
    # the summary counts the actions to act on now
    assert built.headline["actions_critical"] == int((ranked["tier"] == "act now").sum())
    # the key messages name the actions of the first two tiers, with their start month
    act_now = next(m for m in built.messages if m.startswith("**Act now.**"))
    for action in ranked.loc[ranked["tier"] == "act now", "action"]:
        assert presentation.markdown_text(action).lower() in act_now.lower()


def test_hiring_feasibility_follows_the_funnel(data, built):
    h = built.headline
    # the funnel's last quarter, kept up for the quarters up to the target month
    received = int(data.funnel["applications"].iloc[-1])
    quarters = max(1.0, parameters.defaults(["hiring_target_months"])[
        "hiring_target_months"] / 3)
    feasible = h["applications_needed"] <= received * quarters
    assert h["applications_last_quarter"] == received
    assert h["hiring_feasible"] is feasible
    words = "not feasible at last quarter's pace"
    assert (words in built.texts["hiring"]) is (not feasible)
    assert any(words in m for m in built.messages) is (not feasible)
    team = built.present("status").set_index("Area").loc["Team", "How sure"]
    assert team.startswith("not feasible") is (not feasible)


def test_less_than_proportionally_only_below_one(built):
    elasticity = built.headline["elasticity"]
    labels = _resources.labels()
    # clauses: "X grows faster than users (elasticity above 1); Y grows less than
    # proportionally." after the sentence listing the values
    for clause in re.split(r"; |\. ", built.texts["forecast"]):
        for resource, value in elasticity.items():
            if labels[resource] in clause and "less than proportionally" in clause:
                assert value < 1, clause
            if labels[resource] in clause and "faster than users" in clause:
                assert value > 1, clause


def test_critical_now_is_not_dated_in_the_future(built):
    # a resource critical today reads "now", not "critical from <month> in some futures"
    status = built.tables["status"]
    shown = built.present("status").set_index("Area")
    for _, row in status.iterrows():
        if row["status"] == "critical":
            assert shown.loc[row["label"], "Critical from"] == "now"
    for why in built.tables["ranked"]["why"]:
        assert not ("critical now" in why and "critical from" in why), why


def test_direction_words_match_the_sign_of_the_change(built):
    now = built.headline
    before = dict(now)
    months = {r: m for r, m in now["remedy_start_by"].items() if re.fullmatch(r"\d{4}-\d{2}", m)}
    assert months
    # last quarter's dates one month later: this quarter's read "earlier", and back
    before["remedy_start_by"] = {r: str(pd.Period(m, "M") + 1) for r, m in months.items()}
    table = presentation.what_changed({**now, "remedy_start_by": months}, before)
    rows = table[table["Figure"].str.startswith("Start remedy by")]
    assert len(rows) == len(months) and set(rows["Change"]) == {"earlier"}
    table = presentation.what_changed(before, {**now, "remedy_start_by": months})
    rows = table[table["Figure"].str.startswith("Start remedy by")]
    assert set(rows["Change"]) == {"later"}


def test_bad_input(data):
    with pytest.raises(TypeError, match="DataBundle"):
        board.build(data.history, {})
    with pytest.raises(parameters.ParameterError, match="n_paths"):
        board.build(data, {"n_paths": "many"})


def test_history_without_latency_column_still_reports(data):
    import dataclasses

    history = data.history.drop(columns="p95_response_time_s")
    built = board.build(dataclasses.replace(data, history=history),
                        {"n_paths": 300, "seed": 2})
    assert "p95_response_time_s" not in built.headline["model_vs_measured"]
    row = built.present("status").set_index("Area").loc["P95 response time"]
    assert row["Now"] == "not measured"
    assert "does not measure the P95" in built.calibrated.sources["latency"]


def test_parameters_in_registry_order(built):
    # a set's order changes with the hash seed: the report's bytes would change run to run
    assert list(built.parameters) == [n for n in parameters.PARAMETERS if n in built.parameters]
