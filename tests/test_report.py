"""Tests of the board report builders (report.py) and of notebook_io."""

import json

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
    for _, row in table.iterrows():
        assert row["status"] == thresholds.classify(row["metric"], row["value"], data.thresholds)
    ranks = table["status"].astype(str).map({"critical": 0, "attention": 1, "ok": 2})
    assert ranks.is_monotonic_increasing
    assert np.isnan(table.loc[table["metric"] == "error_rate", "peak"]).all()


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
