"""Tests of the board report builders (report.py) and of notebook_io."""

import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from scaling_models import loaders, montecarlo, notebook_io, report, thresholds


@pytest.fixture(scope="module")
def data():
    return loaders.load_data_dir()


@pytest.fixture(scope="module")
def raw():
    # independent reading of the CSV, without the package's loader
    return pd.read_csv(loaders.DATA_DIR / "company_history.csv").set_index("month")


@pytest.fixture(scope="module")
def result(data):
    inputs = report.simulation_inputs(data.history, data.thresholds, growth_low=0.10,
                                      growth_high=0.16)
    return montecarlo.simulate(inputs, n_paths=400, months=12, rng=3)


def test_growth_achieved_compares_quarter_ends(data, raw):
    table = report.growth_achieved(data.history, "2024-Q2")
    # 2024-Q2 ends in June, 2024-Q1 in March
    assert table.at["mau", "current"] == raw.at["2024-06", "mau"]
    assert table.at["mau", "previous"] == raw.at["2024-03", "mau"]
    expected = raw.at["2024-06", "revenue"] / raw.at["2024-03", "revenue"] - 1
    assert table.at["revenue", "pct_change"] == pytest.approx(expected)
    cpu = raw.at["2024-06", "infra_cost"] / raw.at["2024-06", "mau"]
    assert table.at["cost_per_user", "current"] == pytest.approx(cpu)
    assert table.attrs == {"previous_month": "2024-03", "current_month": "2024-06"}


def test_growth_achieved_rejects_quarter_outside_history(data):
    with pytest.raises(ValueError, match="quarter 2031-Q1 ends in 2031-03"):
        report.growth_achieved(data.history, "2031-Q1")
    with pytest.raises(ValueError, match="quarter must look like 2024-Q2"):
        report.quarter_end_month("Q2-2024")


def test_snapshot_derives_ratios(data, raw):
    snap = report.snapshot(data.history, "2024-06")
    row = raw.loc["2024-06"]
    assert snap["db_connections"] == pytest.approx(row["db_connections_in_use"]
                                                   / row["db_pool_size"])
    assert snap["infra_cost_share"] == pytest.approx(row["infra_cost"] / row["revenue"])
    assert snap["user_growth"] == pytest.approx(row["mau"] / raw.at["2024-05", "mau"] - 1)
    assert snap["cpu"] == row["cpu_avg"]
    assert report.snapshot(data.history, "2024-06", statistic="peak")["cpu"] == row["cpu_peak"]
    with pytest.raises(ValueError, match="statistic must be"):
        report.snapshot(data.history, statistic="max")


def test_dashboard_statuses_agree_with_thresholds_and_sort_critical_first(data):
    table = report.status_dashboard(data.history, data.thresholds)
    measured = table[table["status"] != report.NO_DATA]
    for _, row in measured.iterrows():
        assert row["status"] == thresholds.classify(row["metric"], row["value"], data.thresholds)
    ranks = table["status"].astype(str).map({"critical": 0, "attention": 1, "ok": 2,
                                             report.NO_DATA: 3})
    assert ranks.is_monotonic_increasing
    assert np.isnan(table.loc[table["metric"] == "error_rate", "peak"]).all()


def test_dashboard_lists_every_threshold_metric_even_unmeasured(data, raw):
    table = report.status_dashboard(data.history, data.thresholds)
    assert sorted(table["metric"]) == sorted(data.thresholds.index)
    # the sample history has no storage column: the board must see it is not monitored
    assert "storage" not in raw.columns
    storage = table.set_index("metric").loc["storage"]
    assert storage["status"] == report.NO_DATA and np.isnan(storage["value"])
    shown = report.present_dashboard(table).set_index("Metric")
    assert shown.at["Storage usage", "This month"] == "not measured"


def test_debt_table_ranks_by_roi(data):
    table = report.debt_table(data.backlog, hourly_cost=60.0, top=3)
    assert len(table) == 3
    assert table["roi"].is_monotonic_decreasing
    assert table.attrs["n_items"] == len(data.backlog)
    with pytest.raises(ValueError, match="top must be an integer >= 1"):
        report.debt_table(data.backlog, hourly_cost=60.0, top=0)


def test_breach_table_columns_are_the_next_four_quarters(result):
    table = report.breach_table(result, "2024-06")
    assert list(table.columns) == ["2024Q3", "2024Q4", "2025Q1", "2025Q2"]
    # probabilities of having crossed by a date can only grow with the date
    assert (np.diff(table.to_numpy(), axis=1) >= 0).all()
    assert ((table >= 0) & (table <= 1)).all().all()
    expected = result.breach_probability.query(
        "resource == 'cpu' and level == 'critical' and month == 3")["probability"].item()
    assert table.loc[("cpu", "critical"), "2024Q3"] == expected


def test_remedy_starts_lead_time_before_critical(result):
    leads = {"cpu": 1.0, "memory": 2.0, "db_utilisation": 3.0, "bandwidth": 0.0}
    table = report.remedy_schedule(result, "2024-06", leads, risk=0.5)
    bp = result.breach_probability
    for resource, row in table.iterrows():
        p = bp[(bp["resource"] == resource) & (bp["level"] == "critical")]
        hits = p.loc[p["probability"] >= 0.5, "month"]
        if hits.empty:
            assert row["start_by"] == "" and row["critical_month"] == ""
            continue
        first = int(hits.min())
        assert row["critical_month"] == str(pd.Period("2024-06", freq="M") + first)
        start = first - int(leads[resource])
        assert row["start_by"] == ("now" if start <= 0
                                   else str(pd.Period("2024-06", freq="M") + start))
    with pytest.raises(ValueError, match="risk must be in"):
        report.remedy_schedule(result, "2024-06", leads, risk=0)


def test_actions_rank_critical_first(data, result):
    dashboard = report.status_dashboard(data.history, data.thresholds)
    debt = report.debt_table(data.backlog, hourly_cost=60.0)
    remedies = report.remedy_schedule(result, "2024-06", {})
    table = report.actions(dashboard, debt=debt, remedies=remedies)
    order = table["priority"].map({"critical": 0, "important": 1, "nice to have": 2})
    assert order.is_monotonic_increasing
    assert list(table["rank"]) == list(range(1, len(table) + 1))
    assert table["action"].is_unique


def test_hiring_table_and_investments(data, result):
    plan = report.hiring_table(data.history, target_velocity=45.0, target_month=6)
    assert plan.attrs["hires"] == len(plan) > 0
    invest = report.investments(result, hires=len(plan), developer_annual_cost=60_000.0,
                                current_velocity=30.0, target_velocity=45.0)
    # the article's convention: one year of each added developer (DOMAIN section 6)
    assert invest.filter(like="team", axis=0)["cost"].item() == 60_000.0 * len(plan)
    assert invest.at["total", "cost"] == pytest.approx(invest["cost"].iloc[:-1].sum())


def test_summary_keys_are_documented_and_json(data, result):
    growth = report.growth_achieved(data.history, "2024-Q2")
    dashboard = report.status_dashboard(data.history, data.thresholds)
    out = report.summary(growth=growth, dashboard=dashboard,
                         breaches=report.breach_table(result, "2024-06"))
    assert set(out) <= set(report.SUMMARY_KEYS)
    assert out["mau"] == growth.at["mau", "current"]
    assert out["metrics_critical"] == (dashboard["status"] == "critical").sum()
    json.dumps(out, allow_nan=False)


def test_qoq_deltas():
    table = report.qoq_deltas({"mau": 150.0, "month": "2024-06", "team_size": 10},
                              {"mau": 100.0, "month": "2024-03", "team_size": 0})
    assert list(table.index) == ["mau", "team_size"]
    assert table.at["mau", "change"] == 50.0 and table.at["mau", "pct_change"] == 0.5
    assert np.isnan(table.at["team_size", "pct_change"])
    assert report.qoq_deltas({"mau": 1.0}, {}).empty


def test_formatting():
    assert report.percent(0.153) == "15 %"
    assert report.percent(0.2, signed=True) == "+20 %"
    assert report.percent(float("nan")) == "n/a"
    assert report.money(365_000) == "365 K EUR"
    assert report.money(1_500_000, "USD") == "1.50 M USD"
    assert report.money(10_973) == "11.0 K EUR"
    assert report.money(0.2204) == "0.22 EUR"
    assert report.money(-1_350, signed=True) == "-1.4 K EUR"
    assert report.money(1_350, signed=True) == "+1.4 K EUR"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.0, "0 %"), (0.001, "< 1 %"), (0.5743, "57 %"), (0.9999, "> 99 %"), (1.0, "100 %"),
     (float("nan"), "n/a")],
)
def test_probability_never_rounds_to_certainty(value, expected):
    assert report.probability(value) == expected


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (0.823, "fraction", "82.3 %"),
        (0.70, "fraction", "70 %"),
        (0.99992, "fraction", "99.99 %"),  # availability must not read 100 %
        (0.999, "fraction", "99.90 %"),
        (0.14, "fraction/month", "14 %/month"),
        (49_780.0, "users", "49,780"),
        (101_590.0, "currency/month", "102 K EUR/month"),
        (0.2204, "currency/user/month", "0.22 EUR/month"),
        (1.94, "s", "1.9 s"),
        (17.9, "hours", "17.9 h"),
        (2.4, "deploys/week", "2.4 /week"),
        (float("nan"), "fraction", ""),
    ],
)
def test_format_value(value, unit, expected):
    assert report.format_value(value, unit) == expected


def test_format_value_signed():
    assert report.format_value(15_540.0, "users", signed=True) == "+15,540"
    assert report.format_value(-0.2, "story points/sprint", signed=True) == "-0.2 points/sprint"


def test_record_is_read_back(tmp_path):
    # a notebook holding what record() displays, built without a kernel
    out = new_output("display_data", data={notebook_io.MIME_TYPE: {"name": "x", "value": 1.5}})
    later = new_output("display_data", data={notebook_io.MIME_TYPE: {"name": "x", "value": 2}})
    nb = new_notebook(cells=[new_code_cell("", outputs=[out]), new_code_cell("", outputs=[later])])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    assert notebook_io.read_records(path) == {"x": 2}


def test_to_jsonable():
    assert notebook_io.to_jsonable({"a": np.float32(0.5), "b": np.arange(2), "c": np.nan}) == {
        "a": 0.5, "b": [0, 1], "c": None}
    assert notebook_io.to_jsonable(np.bool_(True)) is True
    with pytest.raises(TypeError, match="recorded value must be"):
        notebook_io.to_jsonable(object())
    with pytest.raises(ValueError, match="record name"):
        notebook_io.record("", 1)


# --- figures and presentation ------------------------------------------------------------


def test_fan_figure_is_the_package_chart_on_calendar_months(result):
    from scaling_models import charts

    fig = report.fan_figure(result, "2024-06")
    axes = fig.axes
    assert [ax.get_title() for ax in axes] == ["CPU", "Memory", "Database", "Bandwidth"]
    # the same bands as charts.fan_chart draws for one output
    alone = charts.fan_chart(result, "cpu_avg").axes[0]
    assert len(axes[0].collections) == len(alone.collections)
    assert len(axes[0].lines) == len(alone.lines)
    labels = [t.get_text() for t in axes[-1].get_xticklabels()]
    assert labels[0] == "2024-06" and labels[-1] == "2025-06"
    assert fig.legends and all(ax.get_legend() is None for ax in axes)


@pytest.fixture(scope="module")
def board(data, result):
    """Every builder on the sample data, as the board notebook calls them."""
    from scaling_models import growth

    history = data.history
    scenarios = report.scenario_table(history, growth.scenarios(), rng=1)
    scenarios["infra_spend_model"] = report.scenario_infra_spend(
        result.inputs, growth.scenarios(), n_paths=200, rng=1)
    dashboard = report.status_dashboard(history, data.thresholds)
    debt = report.debt_table(data.backlog, hourly_cost=60.0)
    remedies = report.remedy_schedule(result, "2024-06", {"db_utilisation": 3.0})
    hiring = report.hiring_table(history, target_velocity=45.0, target_month=6,
                                 funnel=data.funnel)
    out = {
        "growth": report.growth_achieved(history, "2024-Q2"),
        "dashboard": dashboard, "debt": debt, "scenarios": scenarios,
        "breaches": report.breach_table(result, "2024-06"), "remedies": remedies,
        "hiring": hiring,
        "invest": report.investments(result, hires=hiring.attrs["hires"],
                                     developer_annual_cost=60_000.0, current_velocity=30.0,
                                     target_velocity=45.0, debt=debt),
        "ranked": report.actions(dashboard, debt=debt, remedies=remedies),
    }
    out["headline"] = report.summary(**out)
    return out


def test_presentation_tables_hold_no_raw_floats(board):
    import re

    tables = [
        report.present_growth(board["growth"]), report.present_dashboard(board["dashboard"]),
        report.present_breaches(board["breaches"]), report.present_remedies(board["remedies"]),
        report.present_debt(board["debt"]), report.present_actions(board["ranked"]),
        report.present_hiring(board["hiring"]), report.present_scenarios(board["scenarios"]),
        report.present_investments(board["invest"]),
    ]
    raw_float = re.compile(r"\d\.\d{4,}")
    for table in tables:
        assert len(table)
        assert not any(pd.api.types.is_numeric_dtype(t) for t in table.dtypes), table.dtypes
        cells = table.astype(str).to_numpy().ravel().tolist() + list(table.columns)
        assert not [c for c in cells if raw_float.search(c)], table
        assert not [c for c in table.columns if "_" in c], "snake_case header"
        html = report.view(table).to_html()
        assert "<th" in html


def test_presented_values_match_the_numbers(board):
    growth = report.present_growth(board["growth"]).set_index("")
    assert growth.at["Users (MAU)", "End of 2024-Q2"] == (
        f"{board['growth'].at['mau', 'current']:,.0f}")
    debt = report.present_debt(board["debt"])
    top = board["debt"].iloc[0]
    assert debt.at[0, "ROI (1 year)"] == report.percent(top["roi"])
    assert debt.at[0, "Recommendation"] == "treat now" and top["recommendation"] == "now"
    scen = report.present_scenarios(board["scenarios"])
    assert list(scen["Probability"]) == [report.probability(p)
                                         for p in board["scenarios"]["probability"]]


def test_scenario_infra_spend_grows_with_growth(board):
    spend = board["scenarios"]["infra_spend_model"]
    assert (spend >= 0).all()
    # same 12-month horizon, faster growth: a larger bill
    assert (spend["projection_conservative"] < spend["projection_realistic"]
            < spend["projection_optimistic"])


def test_hiring_table_prices_the_funnel(data, board, tmp_path):
    hiring = board["hiring"]
    # independent: pooled applications / hires of the CSV up to 2024-Q2, times the hires
    funnel = pd.read_csv(loaders.DATA_DIR / "hiring_funnel.csv")
    per_hire = funnel["applications"].sum() / funnel["hired"].sum()
    assert hiring.attrs["applications_per_hire"] == pytest.approx(per_hire)
    assert hiring.attrs["applications_needed"] == int(np.ceil(hiring.attrs["hires"] * per_hire))
    assert hiring.attrs["applications_last_quarter"] == funnel["applications"].iloc[-1]
    # a report as of 2023-Q4 may not see the 2024 quarters of the funnel
    early = report.hiring_table(data.history.loc[:"2023-12"], target_velocity=30.0,
                                target_month=6, funnel=data.funnel)
    assert early.attrs["funnel_quarters"] == ("2023Q1", "2023Q4")
    assert report.present_hiring(board["hiring"])["Hires"].astype(int).sum() == len(hiring)


def test_summary_records_statuses_and_utilisation(board, raw):
    headline = board["headline"]
    assert set(headline) <= set(report.SUMMARY_KEYS)
    assert headline["dashboard_status"]["db_utilisation"] == "critical"
    assert headline["dashboard_status"]["storage"] == report.NO_DATA
    assert headline["utilisation_avg"]["cpu"] == raw.at["2024-06", "cpu_avg"]
    assert headline["applications_needed"] == board["hiring"].attrs["applications_needed"]
    json.dumps(headline, allow_nan=False)


def test_actions_say_why_a_critical_resource_is_first(board):
    first = board["ranked"].iloc[0]
    assert first["priority"] == "critical"
    assert first["why"].startswith("DB utilisation is critical now (82.3 %)")


def test_what_changed_explains_from_both_summaries():
    before = {"quarter": "2024-Q1", "month": "2024-03", "mau": 100.0, "revenue": 200.0,
              "infra_cost": 50.0, "team_size": 10, "hires_planned": 3,
              "monthly_growth_rate": 0.10, "metrics_critical": 0,
              "dashboard_status": {"cpu": "attention", "db_utilisation": "attention"},
              "utilisation_avg": {"cpu": 0.5}, "p_critical_next_quarter": {"cpu": 0.1},
              "remedy_start_by": {"cpu": "2024-09"}}
    now = {"quarter": "2024-Q2", "month": "2024-06", "mau": 133.1, "revenue": 299.5,
           "infra_cost": 55.0, "team_size": 12, "hires_planned": 2,
           "monthly_growth_rate": 0.11, "metrics_critical": 1,
           "dashboard_status": {"cpu": "ok", "db_utilisation": "critical"},
           "utilisation_avg": {"cpu": 0.6}, "p_critical_next_quarter": {"cpu": 0.4},
           "remedy_start_by": {"cpu": "2024-07"}}
    table = report.what_changed(now, before).set_index("Figure")
    # 1.331 = 1.1 ** 3: 10 % a month over the three months
    assert table.at["Users (MAU)", "Why"] == "10.0 % a month on average over 3 months"
    assert table.at["Users (MAU)", "Change"] == "+33 (+33.1 %)"
    # revenue per user 2.00 -> 2.25
    assert "revenue per user 2.00 EUR → 2.25 EUR" in table.at["Monthly revenue", "Why"]
    assert "economies of scale" in table.at["Monthly infrastructure cost", "Why"]
    assert table.at["Dashboard metrics critical", "Why"] == "now critical: db_utilisation"
    assert table.at["Team", "Why"] == "last quarter's plan asked for 3 hires"
    cpu = table.loc["P(critical by end of next quarter): CPU"]
    assert (cpu["Last quarter"], cpu["This quarter"], cpu["Change"]) == ("10 %", "40 %",
                                                                          "+30 pts")
    assert "utilisation 50 % → 60 %" in cpu["Why"]
    assert table.at["Start remedy by: CPU", "Change"] == "earlier"
    # a figure one summary lacks is left out, not shown as n/a
    assert "Investments required" not in table.index
    assert report.what_changed({"mau": 1.0}, {}).empty


def test_key_messages_quote_the_headline(board):
    lines = report.key_messages(board["headline"], ranked=board["ranked"],
                                hiring=board["hiring"])
    text = "\n".join(lines)
    assert f"{board['headline']['mau']:,.0f} monthly active users" in text
    assert "1 metric(s) critical (db_utilisation)" in text
    assert board["ranked"].iloc[0]["action"] in text
    assert f"{board['hiring'].attrs['applications_needed']:,} applications" in text


def test_present_parameters_names_each_one():
    table = report.present_parameters({"seed": 7, "n_paths": 200, "data_dir": "/x",
                                       "hourly_cost": 60.0})
    assert list(table["Parameter"]) == ["seed", "n_paths", "hourly_cost"]
    assert list(table["Value"]) == ["7", "200", "60"]
    assert table.set_index("Parameter").at["seed", "Meaning"].startswith("random seed")


def test_readme_documents_every_summary_key():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", readme, flags=re.MULTILINE))
    missing = (set(report.SUMMARY_KEYS) | {"quarter", "seed", "parameters"}) - documented
    assert not missing, f"summary.json keys missing from README.md: {sorted(missing)}"
